"""The parts of the bulk indexer (``news_ingest.store.indexer.Indexer`` wires them), one seam each:

- ``config``: ``IndexConfig`` (batch size, retries, spool and dead-letter directories) from ``INDEX_*``;
- ``batching``: an article -> a prepared document (id, hashes, seen times); the buffer a batch
  is cut from (by count, bytes or age);
- ``revisions``: one document per id in a batch, adopting a stored article's id, the merge with
  the stored copy (the rule is ``pipelines.revisions.merge``) and the bulk operation it becomes;
- ``syndication``: the candidate search and the linking of reprints into clusters;
- ``writer``: bulk requests with jittered retries, halving on 413, dead letters for rejects.
"""
