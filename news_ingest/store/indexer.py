"""The bulk indexer: articles -> bulk requests -> the cluster, or the spool, or dead letters.

``Indexer.add`` buffers prepared documents; a batch is due by count, bytes or age.  ``send``
turns one batch into at most: one ``Store.lookup`` (revisions and known ids: a real-time mget of the
lookup index, one shard however many indices are behind the alias, and one of the copies it points
to), one candidate search (syndication) and one bulk request (the store writes the lookup entries
after it; more only for retries and splits).  Every document ends in exactly one
of: indexed, dead letter (the cluster rejected it), spool (the cluster was away) — counted in
``Indexer.stats``.

This module wires the parts in ``news_ingest.store.indexing`` (batching, revisions, syndication,
the writer) and owns what joins them: the pipelined flush (a batch's reads while the previous
batch's bulk request is in flight), the outage probe, the spool and its replay, dead letters.
The store is anything that is a ``news_ingest.store.protocol.ArticleStore``.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from news_ingest.store.backends.base import StoreError, StoreUnavailable
from news_ingest.store.indexing import revisions
from news_ingest.store.indexing.batching import (
    BatchBuffer,
    UnusableURL,
    approx_size,
    as_dict,
    prepare_document,
)
from news_ingest.store.indexing.config import IndexConfig, parse_bytes
from news_ingest.store.indexing.revisions import MERGE_FIELDS
from news_ingest.store.indexing.syndication import (
    CANDIDATE_FIELDS,
    SyndicationLinker,
    candidate_query,
    candidates_from,
)
from news_ingest.store.indexing.writer import RETRYABLE_ITEM, BulkWriter, backoff_delay
from news_ingest.store.ledger import record_run
from news_ingest.store.protocol import ArticleStore
from news_ingest.store.spool import ARTICLE, RUN, DeadLetters, ReplayResult, Spool

log = logging.getLogger(__name__)

Plan = tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]  # (bulk operations, prepared documents by id)

# How long after its bulk request returned a written document is read in real time by the next
# lookups instead of trusting the search: the index refreshes every second (the template's
# refresh_interval), this leaves room for a node slow to refresh under load.  A copy another process
# wrote meanwhile is not in it: a create then conflicts (409) and is planned again with every id read
# in real time.
UNREFRESHED_SECONDS = 30.0


def _iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Indexer:
    """Batching, revision-merging, syndication-linking, never-losing writer to a store."""

    def __init__(self, store: ArticleStore, config: IndexConfig | None = None, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 now: Callable[[], str] = _iso_now, rng: random.Random | None = None) -> None:
        self.store = store
        self.config = config or IndexConfig()
        self.spool = Spool(self.config.spool_dir)
        self.dead = DeadLetters(self.config.dead_letter_dir)
        self.stats: Counter[str] = Counter()
        self._clock, self._sleep, self._now = clock, sleep, now
        self._rng = rng or random.Random()  # backoff jitter: seeded from the OS, so processes differ
        self._buffer = BatchBuffer(self.config, clock)
        self._send_lock = threading.Lock()  # one batch at a time: merges see the previous batch
        self._ready = False
        self._down_until = 0.0
        self._stats_lock = threading.Lock()
        self._writer = BulkWriter(store, self.config, count=self._count, dead=self._dead, sleep=sleep,
                                  rng=self._rng)
        # flush path: bulk requests in flight while the next batch is read and merged
        self._pool = ThreadPoolExecutor(self.config.bulk_in_flight, thread_name_prefix="indexer-bulk")
        self._inflight: deque[tuple[Future[None], set[str]]] = deque()
        self._linker = SyndicationLinker(self.config)
        # ids this process wrote -> when the bulk request returned (monotonic clock)
        self._written_at: dict[str, float] = {}
        self._written_lock = threading.Lock()

    # ------------------------------------------------------------------ buffering
    def prepare(self, article: Any) -> dict[str, Any] | None:
        """Article -> document with ``id``, hashes and seen times; None (dead-lettered) if it has
        no usable URL."""
        doc = as_dict(article)
        try:  # a crawled article has its fetch time: the clock is read only for one without
            return prepare_document(doc, doc.get("fetched_at") or self._now())
        except UnusableURL as exc:
            self._dead([(None, None, f"no usable URL: {exc}", doc)])
            return None

    def add(self, article: Any, autoflush: bool = True) -> bool:
        """Buffer one article; with ``autoflush`` send the batch when due.  Returns whether a
        batch is (still) due — callers that flush elsewhere (the Scrapy adapter) use it."""
        doc = self.prepare(article)
        if doc is not None:
            self._buffer.add(doc)
        if autoflush and self.due():
            self.flush(wait=False)  # the bulk request runs while the caller produces the next batch
        return self.due()

    def due(self) -> bool:
        return self._buffer.due()

    def buffered(self) -> int:
        return len(self._buffer)

    def take(self) -> list[dict[str, Any]]:
        return self._buffer.take()

    def flush(self, wait: bool = True) -> None:
        """Send everything buffered (in batches of at most batch_docs).  Each batch's reads
        (revisions, syndication) run while the previous batch's bulk request is in flight;
        ``wait`` returns only after the last one finished (indexed, dead-lettered or spooled)."""
        batch = self.take()
        for i in range(0, len(batch), self.config.batch_docs):
            self._send_pipelined(batch[i:i + self.config.batch_docs])
        if wait:
            self.drain()

    def drain(self) -> None:
        """Wait for the bulk request in flight, if any."""
        with self._send_lock:
            self._drain()

    def _drain(self, below: int = 1) -> None:
        """Wait until fewer than ``below`` bulk requests are in flight (default: none)."""
        while len(self._inflight) >= below:
            future, _ = self._inflight.popleft()
            future.result()  # the writer handles its own failures; this only waits

    def close(self) -> None:
        self.flush()
        self._pool.shutdown(wait=True)
        self.spool.close()
        self.dead.close()

    def _count(self, key: str, n: int = 1) -> None:
        with self._stats_lock:
            self.stats[key] += n

    # ------------------------------------------------------------------ sending
    def send(self, docs: list[dict[str, Any]], spool_on_failure: bool = True) -> bool:
        """Write one batch.  True when the cluster took it (every document indexed or
        dead-lettered); else the documents are spooled (or, for a replay, StoreUnavailable is
        raised so the spool keeps them)."""
        if not docs:
            return True
        with self._send_lock:
            self._drain()
            try:
                self._check_up()
                ops, pending = self._plan(docs)
                leftover = self._bulk(ops, pending)
            except StoreError as exc:
                # unreachable, or refusing the whole request (auth, a broken setup): either
                # way the batch is kept in the spool, never lost
                self._down_until = self._clock() + self.config.outage_probe_seconds
                if not isinstance(exc, StoreUnavailable):
                    log.error("cluster refused a batch of %d: %s — spooled", len(docs), exc)
                if not spool_on_failure:
                    raise
                self._spool(docs, str(exc))
                return False
            return self._settle(leftover, spool_on_failure)

    def _check_up(self) -> None:
        if self._clock() < self._down_until:
            raise StoreUnavailable("cluster marked unavailable after repeated failures; probing again later")
        if not self._ready:
            self._writer.retrying(self.store.setup)
            self._ready = True

    def _settle(self, leftover: list[dict[str, Any]], spool_on_failure: bool) -> bool:
        if not leftover:
            self._down_until = 0.0
            return True
        if not spool_on_failure:  # items the cluster kept refusing with 429/5xx
            raise StoreUnavailable(f"{len(leftover)} document(s) kept failing")
        self._spool(leftover, "kept failing with 429/5xx")
        return False

    def _send_pipelined(self, docs: list[dict[str, Any]]) -> None:
        """Like ``send`` with spooling, but the bulk request runs in the writer thread."""
        if not docs:
            return
        with self._send_lock:
            ids = {d["id"] for d in docs}
            if any(ids & busy for _, busy in self._inflight):
                self._drain()  # the same article twice in a row: merge against the stored first
            try:
                self._check_up()
                ops, pending = self._plan(docs)
            except StoreError as exc:  # unreachable or refusing: keep the batch (see send)
                self._drain()
                self._down_until = self._clock() + self.config.outage_probe_seconds
                self._spool(docs, str(exc))
                return
            touched = {op["id"] for op in ops}
            if any(touched & busy for _, busy in self._inflight):
                self._drain()  # e.g. a canonical mark moved off a copy still being written
            self._drain(below=self.config.bulk_in_flight)
            future = self._pool.submit(self._write_in_background, ops, pending)
            self._inflight.append((future, touched))

    def _write_in_background(self, ops: list[dict[str, Any]], pending: dict[str, dict[str, Any]]) -> None:
        try:
            self._settle(self._bulk(ops, pending), spool_on_failure=True)
        except StoreUnavailable as exc:
            self._down_until = self._clock() + self.config.outage_probe_seconds
            self._spool(list(pending.values()), str(exc))
        except Exception as exc:  # never lose a batch to a bug: spool it and say why
            log.exception("bulk writer failed; spooling the batch")
            self._spool(list(pending.values()), f"{type(exc).__name__}: {exc}")

    def _spool(self, docs: list[dict[str, Any]], reason: str) -> None:
        self.spool.append(docs, reason, target=getattr(self.store, "alias", None))
        self._count("spooled", len(docs))
        log.warning("spooled %d document(s) to %s: %s", len(docs), self.spool.directory, reason)

    def _dead(self, entries: list[tuple[Any, ...]]) -> None:
        """entries: (id, HTTP status or None, reason, document[, operation])."""
        self.dead.write(entries)
        self._count("dead_letter", len(entries))
        for i, status, reason, *_ in entries[:3]:
            log.error("dead letter %s (%s): %s", i, status, reason[:300])

    # ------------------------------------------------------------------ one batch
    def _plan(self, docs: list[dict[str, Any]], fresh: bool = False) -> Plan:
        """The reads and merges for one batch: (bulk operations, prepared documents by id).  The
        reads are one ``Store.lookup`` (through the lookup index, or on an alias without one a search
        and a real-time mget of the ids this process wrote lately; ``fresh``, after a conflict: list
        the indices anew and read every id in the write index in real time) and one candidate search."""
        pending, folded = revisions.fold(docs, self.config.history_size)
        if folded:
            self._count("batch_duplicates", folded)
        existing, found = self._writer.retrying(self.store.lookup, list(pending),
                                                revisions.other_known_ids(pending), revisions.LOOKUP_FIELDS,
                                                fresh,
                                                None if fresh else self._unrefreshed())
        if adopted := revisions.adopt_known(pending, existing, found):
            self._count("adopted_known_id", adopted)
        merged, kinds = revisions.merge_batch(pending, existing, self.config.history_size)
        with self._stats_lock:
            self.stats.update(kinds)
        new = [out for kind, _, out, _ in merged
               if kind == "created" or (kind != "late" and not out.get("cluster_id"))]
        extra: list[dict[str, Any]] = []
        if new:  # sets cluster fields before the ops copy them
            extra, syndicated = self._linker.link(new, self._candidates(new))
            if syndicated:
                self._count("syndicated", syndicated)
        ops = [revisions.bulk_op(kind, id_, out, old, self.config.seen_interval)
               for kind, id_, out, old in merged] + extra
        if touched := sum(op["op"] == "touch" for op in ops):
            self._count("touched", touched)
        for doc in new:  # from now on a stored copy for later batches (the ops hold copies)
            doc["_stored"] = True
        return ops, pending

    def _candidates(self, new: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Stored copies that may be the same story as the batch's new documents (one search)."""
        body = candidate_query(new, self.config.syndication_window_days)
        if body is None:
            return []
        return candidates_from(self._writer.retrying(self.store.search_raw, body))

    def _unrefreshed(self) -> set[str]:
        """The ids the search may not see as this process last wrote them: written less than
        ``UNREFRESHED_SECONDS`` ago, or in a bulk request still in flight."""
        now = self._clock()
        with self._written_lock:
            recent = {i for i, t in self._written_at.items() if now - t < UNREFRESHED_SECONDS}
            if len(self._written_at) > 2 * len(recent) + self.config.batch_docs:  # forget the searchable
                self._written_at = {i: self._written_at[i] for i in recent}
        for _, busy in list(self._inflight):
            recent |= busy
        return recent

    def _bulk(self, ops: list[dict[str, Any]], originals: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """Send ops (``BulkWriter.write``); a create another writer won is merged once more against
        what it stored.  Returns the documents still failing."""
        try:
            leftover, conflicts = self._writer.write(ops, originals)
        finally:  # written or not, the ids are read in real time for a while
            done = self._clock()
            with self._written_lock:
                self._written_at.update((op["id"], done) for op in ops)
        if conflicts:
            self._count("conflicts", len(conflicts))
            # the other writer may have rolled the alias over: read its indices anew
            again = [originals[i] for i in conflicts if i in originals]
            leftover += self._bulk(*self._plan(again, fresh=True))
        return leftover

    # ------------------------------------------------------------------ replay
    def resend_dead_letters(self) -> tuple[int, int]:
        """Send rejected documents again, e.g. after a mapping fix; returns (sent, rejected
        again).  Those still rejected land in a new dead-letter file; an outage spools them."""
        sent, before = 0, self.stats["dead_letter"]
        for path in self.dead.claim():
            with open(path, encoding="utf-8") as fh:
                records = [json.loads(line) for line in fh if line.strip()]
            docs, ops = [], []
            for rec in records:
                doc, op = rec.get("doc") or {}, rec.get("op")
                if op is None and "id" not in doc and rec.get("id") and not doc.get("url"):
                    op = {"op": "update", "id": rec["id"], "doc": doc}  # recorded before ops were kept
                if op is not None:
                    ops.append(op)
                elif "id" in doc:
                    docs.append(doc)
                elif (prepared := self.prepare(doc)) is not None:  # rejected before it had an id
                    docs.append(prepared)
            for i in range(0, len(docs), self.config.batch_docs):
                self.send(docs[i:i + self.config.batch_docs])
            if ops:
                self._resend_ops(ops)
            sent += len(records)
            self.dead.done(path)
        return sent, self.stats["dead_letter"] - before

    def _resend_ops(self, ops: list[dict[str, Any]]) -> None:
        """Dead-lettered operations on stored copies, as they were; an outage keeps them dead-lettered."""
        try:
            with self._send_lock:
                self._check_up()
                for op in self._bulk(ops, {}):
                    self._dead([(op.get("id"), None, "kept failing with 429/5xx", op.get("doc") or {}, op)])
        except StoreError as exc:
            self._dead([(op["id"], None, f"not re-sent: {exc}", op["doc"], op) for op in ops])

    def replay(self) -> ReplayResult:
        """Send what the spool holds, oldest first, each record to the alias it was written to
        (run-ledger records to that alias's ledger); stops (keeping the rest) if the cluster fails."""
        before = self.stats["indexed"]
        others: dict[str, Indexer] = {}

        def indexer_for(target: str | None) -> Indexer:
            if target is None or target == self.store.alias:
                return self
            if target not in others:  # another alias on the same cluster, same client
                others[target] = Indexer(self.store.for_alias(target), self.config, clock=self._clock,
                                         sleep=self._sleep, now=self._now, rng=self._rng)
            return others[target]

        def send(docs: list[dict[str, Any]], kind: str, target: str | None) -> None:
            ix = indexer_for(target)
            if kind == RUN:
                for doc in docs:
                    record_run(ix.store, doc)
                self._count("runs_replayed", len(docs))
            elif kind == ARTICLE:
                ix.send(docs, spool_on_failure=False)
            else:
                raise StoreError(f"unknown spool record kind {kind!r} (a newer version wrote it?)")

        try:
            result = self.spool.replay(send, batch_docs=self.config.batch_docs, by_target=True)
        finally:
            for ix in others.values():
                ix._pool.shutdown(wait=True)
                ix.dead.close()
                with self._stats_lock:
                    self.stats.update(ix.stats)
        self.stats["replayed"] += self.stats["indexed"] - before
        if result.records or result.pending_segments:
            log.info("spool %s: %s", self.spool.directory, result)
        return result


__all__ = ["CANDIDATE_FIELDS", "MERGE_FIELDS", "RETRYABLE_ITEM", "IndexConfig", "Indexer", "approx_size",
           "backoff_delay", "parse_bytes"]
