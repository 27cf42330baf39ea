"""The bulk indexer: articles -> bulk requests -> the cluster, or the spool, or dead letters.

``Indexer.add`` buffers prepared documents; a batch is due by count, bytes or age.  ``send``
turns one batch into at most: one ``Store.lookup`` (revisions and known ids: a search and a
real-time mget, however many indices are behind the alias), one candidate search (syndication)
and one bulk request (more only for retries and splits).  Every document ends in exactly one
of: indexed, dead letter (the cluster rejected it), spool (the cluster was away) — counted in
``Indexer.stats``.

Revisions (the rule is ``pipelines.revisions.merge``): a re-crawl keeps ``first_seen_at``, moves
``last_seen_at``; a new content hash bumps ``version`` and pushes the previous {content_hash,
modified_at, seen_at} onto ``history``.  A copy older than what is stored (a late replay) only adds
to the history.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from news_ingest.config import parse_size
from news_ingest.settings import StatePaths
from news_ingest.store.client import RequestTooLarge, Store, StoreError, StoreUnavailable
from news_ingest.store.ledger import record_run
from news_ingest.store.spool import ARTICLE, RUN, DeadLetters, ReplayResult, Spool
from pipelines import dedupe
from pipelines.revisions import merge

log = logging.getLogger(__name__)

MERGE_FIELDS = ["first_seen_at", "last_seen_at", "version", "content_hash", "modified_at", "history",
                "cluster_id", "is_cluster_canonical", "known_ids", "source"]
CANDIDATE_FIELDS = ["content_hash", "fingerprint", "fingerprint_bands", "cluster_id", "is_cluster_canonical",
                    "first_seen_at", "published_at", "fetched_at"]
RETRYABLE_ITEM = {429, 500, 502, 503, 504}
_PRIVATE = {"id", "_batch", "_stored", "_index"}  # bookkeeping keys, never written
parse_bytes = parse_size  # ``5MB``, ``512kb``, ``1048576`` -> bytes: the one size parser (news_ingest.config)


@dataclass(frozen=True)
class IndexConfig:
    batch_docs: int = 500
    batch_bytes: int = 5 * 1024 * 1024
    flush_seconds: float = 5.0
    max_retries: int = 4  # per request; a random wait up to backoff_base * 2**attempt (at most backoff_max)
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    outage_probe_seconds: float = 30.0  # while the cluster is away, spool without asking it
    # $NEWS_HOME/spool and $NEWS_HOME/dead-letter (news_ingest.settings.StatePaths), never the cwd
    spool_dir: Path = field(default_factory=lambda: StatePaths.from_env().spool)
    dead_letter_dir: Path = field(default_factory=lambda: StatePaths.from_env().dead_letter)
    syndication_window_days: float = 3.0
    history_size: int = 10
    bulk_in_flight: int = 2  # bulk requests the flush path keeps in flight (the cluster never waits)

    ENV: ClassVar[dict[str, tuple[str, Callable[[Any], Any] | None]]] = {
           "batch_docs": ("INDEX_BATCH_DOCS", int), "batch_bytes": ("INDEX_BATCH_BYTES", parse_bytes),
           "flush_seconds": ("INDEX_FLUSH_SECONDS", float), "max_retries": ("INDEX_MAX_RETRIES", int),
           "backoff_base": ("INDEX_BACKOFF_SECONDS", float),
           "outage_probe_seconds": ("INDEX_OUTAGE_PROBE_SECONDS", float),
           "spool_dir": ("INDEX_SPOOL_DIR", None), "dead_letter_dir": ("INDEX_DEAD_LETTER_DIR", None),
           "syndication_window_days": ("INDEX_SYNDICATION_WINDOW_DAYS", float),
           "history_size": ("INDEX_HISTORY_SIZE", int), "bulk_in_flight": ("INDEX_BULK_IN_FLIGHT", int)}

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> IndexConfig:
        """From env-style names (``INDEX_BATCH_DOCS`` ...): os.environ or Scrapy settings.  The
        directories are those of ``StatePaths`` (``NEWS_HOME`` from the environment)."""
        kw: dict[str, Any] = {}
        for attr, (name, conv) in cls.ENV.items():
            raw = values.get(name)
            if conv is None or raw is None or raw == "":
                continue
            try:
                kw[attr] = conv(raw)
            except (TypeError, ValueError):
                kind, example = (("a whole number", getattr(cls, attr)) if conv is int else
                                 ("a number", getattr(cls, attr)) if conv is float else ("a size", "5MB"))
                raise ValueError(f"{name}={raw!r} is not {kind}. Fix: e.g. {name}={example}") from None
        paths = StatePaths.from_env({**os.environ, **{k: str(v) for k, v in values.items() if v is not None}})
        cfg = cls(**kw, spool_dir=paths.spool, dead_letter_dir=paths.dead_letter)
        limits = {"INDEX_BATCH_DOCS": cfg.batch_docs >= 1, "INDEX_BATCH_BYTES": cfg.batch_bytes >= 1024,
                  "INDEX_FLUSH_SECONDS": cfg.flush_seconds > 0, "INDEX_MAX_RETRIES": cfg.max_retries >= 0,
                  "INDEX_BULK_IN_FLIGHT": 1 <= cfg.bulk_in_flight <= 8}
        if bad := [k for k, ok in limits.items() if not ok]:
            raise ValueError(f"{bad[0]} is out of range. Fix: batch docs >= 1, batch bytes >= 1KB, flush "
                             f"seconds > 0, retries >= 0, bulk in flight 1..8")
        return cfg

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> IndexConfig:
        return cls.from_mapping(os.environ if env is None else env)


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """The wait before retry ``attempt`` (0, 1, ...): "full jitter", uniform between 0 and
    ``min(cap, base * 2**attempt)``.  Crawlers that failed together against a recovering cluster
    come back spread over the window instead of all at once, every doubling."""
    return rng.uniform(0.0, min(cap, base * 2 ** attempt))


def approx_size(doc: dict[str, Any]) -> int:
    """Bytes a document takes as JSON, closely enough to cut batches (json.dumps of every
    document cost a tenth of the index stage's time)."""
    n = 24 * len(doc)
    for v in doc.values():
        if isinstance(v, str):
            n += len(v)
        elif isinstance(v, list | tuple | dict):
            n += 16 * len(v)  # short keywords (bands, tags); long lists are rare
    body = doc.get("body")
    if isinstance(body, str) and not body.isascii():
        n += len(body.encode()) - len(body)
    return n


def _iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _as_dict(article: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(article) and not isinstance(article, type):
        return dataclasses.asdict(article)
    if isinstance(article, Mapping):
        return dict(article)
    try:  # scrapy.Item and friends, without importing Scrapy
        from itemadapter import ItemAdapter

        return ItemAdapter(article).asdict()
    except (ImportError, TypeError) as exc:
        raise TypeError(f"cannot index a {type(article).__name__}") from exc


class Indexer:
    """Batching, revision-merging, syndication-linking, never-losing writer to a Store."""

    def __init__(self, store: Any, config: IndexConfig | None = None, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 now: Callable[[], str] = _iso_now, rng: random.Random | None = None) -> None:
        self.store = store
        self.config = config or IndexConfig()
        self.spool = Spool(self.config.spool_dir)
        self.dead = DeadLetters(self.config.dead_letter_dir)
        self.stats: Counter[str] = Counter()
        self._clock, self._sleep, self._now = clock, sleep, now
        self._rng = rng or random.Random()  # backoff jitter: seeded from the OS, so processes differ
        self._buf: list[dict[str, Any]] = []
        self._buf_bytes = 0
        self._buf_since: float | None = None
        self._buf_lock = threading.Lock()
        self._send_lock = threading.Lock()  # one batch at a time: merges see the previous batch
        self._ready = False
        self._down_until = 0.0
        self._stats_lock = threading.Lock()
        # flush path: bulk requests in flight while the next batch is read and merged
        self._writer = ThreadPoolExecutor(self.config.bulk_in_flight, thread_name_prefix="indexer-bulk")
        self._inflight: deque[tuple[Future[None], set[str]]] = deque()
        # the last batches' new documents (not yet searchable) for _link, tagged by batch number
        self._recent = dedupe.CandidateIndex()
        self._batch_no = 0

    # ------------------------------------------------------------------ buffering
    def prepare(self, article: Any) -> dict[str, Any] | None:
        """Article -> document with ``id``, hashes and seen times; None (dead-lettered) if it has
        no usable URL."""
        doc = _as_dict(article)
        known = [i for i in doc.get("known_ids") or [] if isinstance(i, str) and len(i) == 32]
        if not known:  # not from extraction: the same rule, without a source's other hosts
            try:
                known = list(dedupe.identify(doc.get("url") or doc.get("canonical_url") or "",
                                             doc.get("canonical_url")).known_ids)
            except ValueError as exc:
                self._dead([(None, None, f"no usable URL: {exc}", doc)])
                return None
        doc["id"], doc["known_ids"] = known[0], known
        if not doc.get("content_hash") or ("fingerprint_bands" not in doc and doc.get("body")):
            dedupe.annotate(doc)
        seen = doc.get("fetched_at") or self._now()
        doc["last_seen_at"] = seen
        doc["first_seen_at"] = doc.get("first_seen_at") or seen
        doc.setdefault("history", [])
        return doc

    def add(self, article: Any, autoflush: bool = True) -> bool:
        """Buffer one article; with ``autoflush`` send the batch when due.  Returns whether a
        batch is (still) due — callers that flush elsewhere (the Scrapy adapter) use it."""
        doc = self.prepare(article)
        if doc is not None:
            size = approx_size(doc)
            with self._buf_lock:
                if not self._buf:
                    self._buf_since = self._clock()
                self._buf.append(doc)
                self._buf_bytes += size
        if autoflush and self.due():
            self.flush(wait=False)  # the bulk request runs while the caller produces the next batch
        return self.due()

    def due(self) -> bool:
        with self._buf_lock:
            if not self._buf:
                return False
            return (len(self._buf) >= self.config.batch_docs or self._buf_bytes >= self.config.batch_bytes
                    or self._clock() - (self._buf_since or 0.0) >= self.config.flush_seconds)

    def buffered(self) -> int:
        return len(self._buf)

    def take(self) -> list[dict[str, Any]]:
        with self._buf_lock:
            batch, self._buf, self._buf_bytes, self._buf_since = self._buf, [], 0, None
        return batch

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
        self._writer.shutdown(wait=True)
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
            self._retrying(self.store.setup)
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
            future = self._writer.submit(self._write_in_background, ops, pending)
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
        """entries: (id, HTTP status or None, reason, document[, operation]), as ``DeadLetters.write``."""
        self.dead.write(entries)
        self._count("dead_letter", len(entries))
        for i, status, reason, *_ in entries[:3]:
            log.error("dead letter %s (%s): %s", i, status, reason[:300])

    def _retrying(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Call fn, retrying StoreUnavailable with jittered exponential backoff (bounded)."""
        for attempt in range(self.config.max_retries + 1):
            try:
                return fn(*args)
            except StoreUnavailable:
                if attempt == self.config.max_retries:
                    raise
                self._count("retries", 1)
                self._backoff(attempt)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> None:
        self._sleep(backoff_delay(attempt, self.config.backoff_base, self.config.backoff_max, self._rng))

    def _fold(self, docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """One document per id: later copies in a batch merge onto earlier ones."""
        out: dict[str, dict[str, Any]] = {}
        for d in docs:
            if d["id"] in out:
                kind, merged = merge(out[d["id"]], d, self.config.history_size)
                if merged is not None and kind != "late":
                    out[d["id"]] = merged
                self._count("batch_duplicates", 1)
            else:
                out[d["id"]] = d
        return out

    def _write(self, docs: list[dict[str, Any]], fresh: bool = False) -> list[dict[str, Any]]:
        """Merge, link, bulk.  Returns documents still failing after retries."""
        return self._bulk(*self._plan(docs, fresh))

    def _plan(self, docs: list[dict[str, Any]],
              fresh: bool = False) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
        """The reads and merges for one batch: (bulk operations, prepared documents by id).  The
        reads are one ``Store.lookup`` (a search and a real-time mget, however many indices are
        behind the alias) and one candidate search."""
        pending = self._fold(docs)
        known = sorted({k for d in pending.values() for k in d.get("known_ids") or []} - set(pending))
        existing, found = self._retrying(self.store.lookup, list(pending), known, MERGE_FIELDS, fresh)
        self._adopt_known(pending, existing, found)
        merged: list[tuple[str, str, dict[str, Any], dict[str, Any] | None]] = []
        for id_, doc in pending.items():
            old = existing.get(id_)
            kind, out = merge(old, doc, self.config.history_size)
            self._count(kind, 1)
            if out is not None:
                known = out.get("known_ids") or []
                if known and known[0] != id_:
                    out["known_ids"] = [id_, *(k for k in known if k != id_)]
                merged.append((kind, id_, out, old))
        fresh = [out for kind, _, out, _ in merged
                 if kind == "created" or (kind != "late" and not out.get("cluster_id"))]
        extra = self._link(fresh) if fresh else []  # sets cluster fields before the ops copy them
        ops = [self._op(kind, id_, out, old) for kind, id_, out, old in merged] + extra
        for doc in fresh:  # from now on a stored copy for later batches (the ops hold copies)
            doc["_stored"] = True
        return ops, pending

    def _adopt_known(self, pending: dict[str, dict[str, Any]], existing: dict[str, dict[str, Any]],
                     found: dict[str, dict[str, Any]]) -> None:
        """A new document whose id is not stored, but which a stored article of the same source is
        known under (its fetched URL, a redirect, a canonical it used to declare), is that article: it
        takes the stored id instead of forking a second document (``found``: the batch's lookup of
        every id its documents are known under)."""
        new = [d for i, d in pending.items() if i not in existing and d.get("known_ids")]
        for doc in new:
            match = next((found[k] for k in doc["known_ids"] if k in found
                          and found[k].get("source") == doc.get("source")), None)
            if match is None or match["_id"] in pending:
                continue
            del pending[doc["id"]]
            doc["id"] = match["_id"]
            pending[doc["id"]] = doc
            existing[doc["id"]] = {k: v for k, v in match.items() if k != "_id"}
            self._count("adopted_known_id", 1)

    def _op(self, kind: str, id_: str, doc: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        """``created``: create (a 409 means another writer was first: merge again); ``revised``:
        the whole new document; ``seen``: a partial update that leaves values this crawl did not
        find (a modified time, an image) as stored; ``late``: history only."""
        body = {k: v for k, v in doc.items() if k not in _PRIVATE}
        if kind == "late":
            op: dict[str, Any] = {"op": "update", "id": id_, "doc": body}
        elif kind == "seen":
            partial = {k: v for k, v in body.items() if v is not None and v != [] and v != {}}
            partial["history"] = body.get("history") or []
            op = {"op": "update", "id": id_, "doc": partial}
        else:  # the store derives the per-language fields (Store.to_document) for every op
            op = {"op": "create" if kind == "created" else "index", "id": id_, "doc": body}
        if old and old.get("_index"):
            op["index"] = old["_index"]  # update in place, also after a rollover
        return op

    # ------------------------------------------------------------------ syndication
    def _link(self, fresh: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Give each new document a cluster_id (one candidate search for the batch).  Mutates the
        documents (their ops are built afterwards); returns extra ops that move the canonical
        flag off a stored copy when a new document turns out to be earlier."""
        fresh_ids = {d["id"] for d in fresh}
        stored = dedupe.CandidateIndex()
        for cand in self._candidates(fresh):
            if cand["id"] not in fresh_ids:
                stored.add(cand)
        # the last batches are not searchable before the next refresh: they are kept in a pool
        # that is pruned to the last few batches now and then (each document is added once)
        self._batch_no += 1
        keep_from = self._batch_no - (self.config.bulk_in_flight + 1)
        if len(self._recent) > 4 * (self.config.bulk_in_flight + 1) * self.config.batch_docs:
            kept = [d for d in self._recent.docs() if d.get("_batch", 0) >= keep_from]
            self._recent = dedupe.CandidateIndex()
            for d in kept:
                self._recent.add(d)
        current = self._recent
        pools = [stored, current]
        canonical: dict[str, dict[str, Any]] = {}  # cluster -> the copy marked earliest
        extra: list[dict[str, Any]] = []
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
                self._count("syndicated", 1)
            if doc["is_cluster_canonical"]:
                canonical[doc["cluster_id"]] = doc
            doc["_batch"] = self._batch_no
            current.add(doc)  # later copies in this batch and the next batches can join it
        return extra

    def _candidates(self, fresh: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Stored copies sharing a content hash or an LSH band with the batch, within the
        syndication window: one search, collapsed to the earliest matching copy per cluster so
        a story reprinted a thousand times costs one hit, not a thousand."""
        window = timedelta(days=self.config.syndication_window_days)
        times = [t for t in (dedupe.story_time(d) for d in fresh) if t]
        hashes = sorted({d["content_hash"] for d in fresh if d.get("content_hash")})
        bands = sorted({b for d in fresh for b in d.get("fingerprint_bands") or []})
        if not (hashes or bands) or not times:
            return []
        should: list[dict[str, Any]] = []
        if hashes:
            should.append({"terms": {"content_hash": hashes}})
        if bands:
            should.append({"terms": {"fingerprint_bands": bands}})
        # filter context (no scoring of thousands of band terms), no total count
        body = {"size": min(10_000, 10 * len(fresh) + 100), "_source": CANDIDATE_FIELDS,
                "track_total_hits": False,
                "sort": [{"first_seen_at": {"order": "asc", "unmapped_type": "date"}}],
                "collapse": {"field": "cluster_id"},
                "query": {"bool": {"filter": [
                    {"bool": {"should": should, "minimum_should_match": 1}},
                    {"range": {"first_seen_at": {"gte": (min(times) - window).isoformat(),
                                                 "lte": (max(times) + window).isoformat()}}}]}}}
        resp = self._retrying(self.store.search_raw, body)
        return [{**hit.get("_source", {}), "id": hit["_id"], "_index": hit.get("_index"), "_stored": True}
                for hit in resp.get("hits", {}).get("hits", [])]

    # ------------------------------------------------------------------ bulk
    def _bulk(self, ops: list[dict[str, Any]], originals: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """Send ops with retries/splits; dead-letter rejects.  Returns originals still failing."""
        todo = ops
        conflicts: list[str] = []
        for attempt in range(self.config.max_retries + 1):
            if not todo:
                break
            retry: list[dict[str, Any]] = []
            for part, items in self._send_split(todo):
                for op, item in zip(part, items, strict=True):
                    if 200 <= item.status < 300:
                        self._count("indexed", 1)
                    elif item.status == 409 and op["op"] == "create":
                        conflicts.append(op["id"])  # created meanwhile by another writer
                    elif item.status in RETRYABLE_ITEM:
                        retry.append(op)
                    elif op["id"] in originals:
                        self._dead([(op["id"], item.status, item.error or "rejected", originals[op["id"]])])
                    else:  # an operation on a stored copy (the canonical flag): keep the operation
                        self._dead([(op["id"], item.status, item.error or "rejected", op["doc"], op)])
            todo = retry
            if todo and attempt < self.config.max_retries:
                self._count("retries", 1)
                self._backoff(attempt)
        leftover = [originals.get(op["id"], op["doc"]) for op in todo]
        if conflicts:  # merge once more against what the other writer stored
            self._count("conflicts", len(conflicts))
            # the other writer may have rolled the alias over: read its indices anew
            leftover += self._write([originals[i] for i in conflicts if i in originals], fresh=True)
        return leftover

    def _send_split(self, ops: list[dict[str, Any]]) -> list[tuple[list[dict[str, Any]], list[Any]]]:
        """bulk_raw, halving the request on 413; one op alone too large is dead-lettered."""
        try:
            items = self._retrying(self.store.bulk_raw, ops)
            self._count("bulk_requests", 1)
            return [(ops, items)]
        except RequestTooLarge as exc:
            if len(ops) == 1:
                op = ops[0]
                self._dead([(op["id"], 413, f"too large for one request: {exc}", op["doc"])])
                return []
            self._count("splits", 1)
            mid = len(ops) // 2
            return self._send_split(ops[:mid]) + self._send_split(ops[mid:])

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

        def send(docs: list[dict[str, Any]], kind: str, target: str | None) -> None:
            if target is None or target == self.store.alias:
                ix = self
            elif target in others:
                ix = others[target]
            else:  # another alias on the same cluster, same client
                store = Store(dataclasses.replace(self.store.settings, index=target), self.store.backend)
                ix = others[target] = Indexer(store, self.config, clock=self._clock, sleep=self._sleep,
                                              now=self._now, rng=self._rng)
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
                ix._writer.shutdown(wait=True)
                ix.dead.close()
                with self._stats_lock:
                    self.stats.update(ix.stats)
        self.stats["replayed"] += self.stats["indexed"] - before
        if result.records or result.pending_segments:
            log.info("spool %s: %s", self.spool.directory, result)
        return result


__all__ = ["IndexConfig", "Indexer", "backoff_delay", "parse_bytes"]
