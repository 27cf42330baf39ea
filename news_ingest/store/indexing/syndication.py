"""Syndication: each new document joins the cluster of an earlier copy of its story (another
outlet's reprint, a wire story) or starts one, and the earliest copy carries the canonical mark.

Per batch: one candidate search (``candidate_query``: stored copies sharing a content hash or an LSH
band, within the window, collapsed to one hit per cluster), then ``SyndicationLinker.link``, which
also remembers the last batches' documents — not searchable before the next refresh — so a reprint
in the next batch still finds them.  It remembers only the batches a new one may link to
(``bulk_in_flight`` + 1 before it), and of a written batch only what a stored candidate carries: a
long crawl's memory does not grow with its pages (issue 16).
"""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any

from news_ingest.store.indexing.config import IndexConfig
from pipelines import dedupe

CANDIDATE_FIELDS = ["content_hash", "fingerprint", "fingerprint_bands", "cluster_id", "is_cluster_canonical",
                    "first_seen_at", "published_at", "fetched_at"]
# what a remembered document keeps once its batch is planned: a stored candidate's fields, the time
# dedupe.story_time falls back to, and the linker's own marks
REMEMBERED_FIELDS = [*CANDIDATE_FIELDS, "last_seen_at", "id", "_index", "_stored", "_batch"]


def candidate_query(fresh: list[dict[str, Any]], window_days: float) -> dict[str, Any] | None:
    """The search for stored copies sharing a content hash or an LSH band with the batch, within
    the syndication window, collapsed to the earliest matching copy per cluster so a story reprinted
    a thousand times costs one hit, not a thousand.  None: nothing to look for."""
    window = timedelta(days=window_days)
    times = [t for t in (dedupe.story_time(d) for d in fresh) if t]
    hashes = sorted({d["content_hash"] for d in fresh if d.get("content_hash")})
    bands = sorted({b for d in fresh for b in d.get("fingerprint_bands") or []})
    if not (hashes or bands) or not times:
        return None
    should: list[dict[str, Any]] = []
    if hashes:
        should.append({"terms": {"content_hash": hashes}})
    if bands:
        should.append({"terms": {"fingerprint_bands": bands}})
    # filter context (no scoring of thousands of band terms), no total count
    return {"size": min(10_000, 10 * len(fresh) + 100), "_source": CANDIDATE_FIELDS,
            "track_total_hits": False,
            "sort": [{"first_seen_at": {"order": "asc", "unmapped_type": "date"}}],
            "collapse": {"field": "cluster_id"},
            "query": {"bool": {"filter": [
                {"bool": {"should": should, "minimum_should_match": 1}},
                {"range": {"first_seen_at": {"gte": (min(times) - window).isoformat(),
                                             "lte": (max(times) + window).isoformat()}}}]}}}


def candidates_from(response: dict[str, Any]) -> list[dict[str, Any]]:
    """The candidate search's hits as stored documents (``id``, ``_index``, ``_stored``)."""
    return [{**hit.get("_source", {}), "id": hit["_id"], "_index": hit.get("_index"), "_stored": True}
            for hit in response.get("hits", {}).get("hits", [])]


class SyndicationLinker:
    """Links one batch after another; keeps the last batches' documents as candidates."""

    def __init__(self, config: IndexConfig) -> None:
        self.config = config
        # the last batches' new documents, one index per batch (tagged by batch number), newest last
        self._batches: deque[dedupe.CandidateIndex] = deque()
        self.batch_no = 0

    def link(self, fresh: list[dict[str, Any]],
             candidates: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
        """Give each new document a cluster_id.  Mutates the documents (their ops are built
        afterwards); returns the extra ops that move the canonical flag off a stored copy when a new
        document turns out to be earlier, and how many documents joined a cluster."""
        fresh_ids = {d["id"] for d in fresh}
        stored = dedupe.CandidateIndex()
        for cand in candidates:
            if cand["id"] not in fresh_ids:
                stored.add(cand)
        current = self._next_batch()
        keep_from = self.batch_no - (self.config.bulk_in_flight + 1)
        pools = [stored, *self._batches]
        canonical: dict[str, dict[str, Any]] = {}  # cluster -> the copy marked earliest
        extra: list[dict[str, Any]] = []
        syndicated = 0
        for doc in sorted(fresh, key=lambda d: dedupe.story_time(d) or datetime.max.replace(tzinfo=UTC)):
            near = [c for pool in pools for c in pool.near(doc)
                    if c["id"] != doc["id"] and c.get("_batch", keep_from) >= keep_from]
            for c in near:
                if c.get("is_cluster_canonical") and c.get("cluster_id"):
                    canonical.setdefault(c["cluster_id"], c)
            match = current.choose(doc, near, self.config.syndication_window_days)
            if match is None:
                doc["cluster_id"], doc["is_cluster_canonical"] = doc["id"], True
            else:
                cluster = match.get("cluster_id") or match["id"]
                doc["cluster_id"] = cluster
                canon = canonical.get(cluster)
                t_doc, t_canon = dedupe.story_time(doc), canon and dedupe.story_time(canon)
                if canon and t_doc and t_canon and t_doc < t_canon:
                    doc["is_cluster_canonical"] = True  # earlier than the marked copy: take the mark
                    canon["is_cluster_canonical"] = False
                    if canon.get("_stored"):
                        op = {"op": "update", "id": canon["id"], "doc": {"is_cluster_canonical": False}}
                        if canon.get("_index"):
                            op["index"] = canon["_index"]
                        extra.append(op)
                else:
                    doc["is_cluster_canonical"] = False
                syndicated += 1
            if doc["is_cluster_canonical"]:
                canonical[doc["cluster_id"]] = doc
            doc["_batch"] = self.batch_no
            current.add(doc)  # later copies in this batch and the next batches can join it
        return extra, syndicated

    def remembered(self) -> list[dict[str, Any]]:
        """The documents kept as candidates for the next batches, oldest first."""
        return [d for batch in self._batches for d in batch.docs()]

    def _next_batch(self) -> dedupe.CandidateIndex:
        """Start a new batch: the last batch is written now, so its documents keep only their
        candidate fields; batches older than ``bulk_in_flight`` + 1 are searchable or never linked to
        again, and are forgotten."""
        self.batch_no += 1
        if self._batches:
            self._batches[-1].keep_only(REMEMBERED_FIELDS)
        while len(self._batches) > self.config.bulk_in_flight + 1:
            self._batches.popleft()
        self._batches.append(dedupe.CandidateIndex())
        return self._batches[-1]


__all__ = ["CANDIDATE_FIELDS", "SyndicationLinker", "candidate_query", "candidates_from"]
