"""The I/O services around the search cluster, together in one package.

- ``client``: ``connect()`` -> ``Store`` (one alias on one cluster), the index templates and the
  errors callers act on (``StoreError``, ``StoreUnavailable``, ``RequestTooLarge``);
- ``backends/``: the engine-specific clients (Elasticsearch, OpenSearch);
- ``indexer``: the threaded bulk ``Indexer`` (batches, revisions, syndication links, retries);
- ``spool``: the fsync'd outage spool and the dead-letter files;
- ``ledger``: the crawl-run records in ``<alias>-runs``.

Nothing is re-exported here: import from the module that defines a name.
"""
