"""Index-stage throughput against a real node, behind an alias with 24 rolled-over indices: our
Indexer vs raw ``helpers.bulk`` vs one request per document, over the same documents, side by side.

    .venv/bin/python -m bench.index [--docs 3000] [--runs 6] [--per-doc 300] [--history 24]
                                    [--history-docs 500] [--reseen 0.05] [--url URL] [--json FILE]

Without ``--url`` (or ``ES_BENCH_URL``) a private node is started and removed afterwards.

What is measured, in this order:

1. **Lookup across rollovers.**  The indexer's per-batch reads for one batch (500 ids, 5% of them
   stored in an old index), on an alias with one index and on one with ``--history`` older indices
   (monthly, each ``--history-docs`` articles first seen in its month; their lookup-index entries
   made once and cloned behind each alias): the lookup it does now (``Store.lookup``: a real-time
   mget of the lookup index ``<alias>-ids``, then one of the write index and of the copies it points
   to), the lookup it did before (one mget of every id in every index + one
   known-id search), and the syndication candidate search.  Medians of interleaved repetitions.
2. **Throughput.**  Every method writes the same ``--docs`` documents into a fresh alias that has the
   same history behind it; ``--reseen`` of them are re-crawls of articles stored in old indices
   (the Indexer updates them in place, or, when their own ``last_seen_at`` is within
   ``INDEX_SEEN_INTERVAL`` of the crawl, touches their lookup entries; the raw methods, which look
   nothing up, write them again).  The history's articles were last seen in their month, so by default
   every re-crawl is an update; ``INDEX_SEEN_INTERVAL=800d`` makes every one a touch (re-crawls that
   recur within the interval).
   The node is warmed up first (whole rounds of every method until two rounds agree within 10%);
   then each round runs the three methods in a different order (every permutation once over 6 runs).
   Every method's written operations are counted: each document is credited once and only what was
   written is credited.  Rates are documents per second of wall time; ratios are paired (the
   Indexer against the other methods of the same round), medians over rounds.
3. **Where the Indexer's time goes:** per batch, ms in the lookup, the candidate search and the bulk
   request (the bulk request of batch n overlaps the reads of batch n+1, so they do not add up to
   the wall time).

Documents: paragraphs of real article bodies from ``/work/shared/bench/news`` truth files when
present (``--texts DIR``), else generated text; 10% are another outlet's reprint of a recent story.
The dedupe stage (content hash + MinHash) runs before the clock starts, as in the crawl where it is
its own stage; its cost is reported.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers

from news_ingest import devnode
from news_ingest.settings import SearchSettings
from news_ingest.store.client import Store, connect
from news_ingest.store.indexer import MERGE_FIELDS, IndexConfig, Indexer
from news_ingest.store.indexing.revisions import LOOKUP_FIELDS
from pipelines import dedupe

DEFAULT_TEXTS = Path("/work/shared/bench/news")
WORDS = ["pemerintah", "menteri", "rakyat", "harga", "kebijakan", "banjir", "jakarta", "ekonomi", "pasar",
         "presiden", "sidang", "warga", "laporan", "polisi", "kota", "provinsi", "bantuan", "sekolah"]
START = datetime(2026, 11, 1, tzinfo=UTC)  # the timed documents' month; the history is the 24 before
NODE_PID: int | None = None  # the node's process (--node-pid, or the node this run started): its CPU time
NODE_CPU: dict[str, list[float]] = {"indexer": [], "helpers_bulk": []}  # node CPU s per run, by method


def node_cpu() -> float:
    """The node process's CPU seconds so far (user + system, every thread); 0 without a pid.  Unlike
    wall time it does not count what the other jobs on a shared machine take."""
    if NODE_PID is None:
        return 0.0
    try:
        fields = Path(f"/proc/{NODE_PID}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_bodies(texts: Path) -> list[str]:
    bodies = []
    for f in sorted(texts.glob("*/*.truth.json")) if texts.is_dir() else []:
        try:
            body = json.loads(f.read_text()).get("body")
        except (OSError, ValueError):
            continue
        if isinstance(body, str) and len(body.split()) >= 80:
            bodies.append(body)
    if bodies:
        return bodies
    rng = random.Random(7)  # no shared data: generated paragraphs of news-like length
    return ["\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90))) + "."
                      for _ in range(rng.randint(6, 14))) for _ in range(150)]


def make_docs(n: int, bodies: list[str], start: datetime = START, prefix: str = "berita", seed: int = 42,
              reprint_share: float = 0.1) -> tuple[list[dict[str, Any]], float]:
    """n Article dicts with dedupe fields, one a minute from ``start``; returns them and the dedupe
    stage's ms per doc.

    Bodies are 6-14 paragraphs drawn from the real articles (so sizes, scripts and words are
    real and no two stories are alike); ``reprint_share`` of them are another outlet's copy of
    a recent story (own dateline and credit line), as syndication looks in a news crawl."""
    rng = random.Random(seed)
    paras = [p for b in bodies for p in b.split("\n") if len(p.split()) >= 8]
    docs: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    for i in range(n):
        if i >= 20 and rng.random() < reprint_share:
            body = "JAKARTA (ANTARA) - " + docs[rng.randrange(max(0, i - 300), i)]["body"] + "\n(Sumber: AFP)"
        else:
            body = "\n".join(rng.sample(paras, rng.randint(6, 14)))
        site = f"bench{i % 13}"
        d = {"url": f"https://{site}.example/{prefix}/{i:06d}-artikel.html", "source": site,
             "domain": f"{site}.example", "country": "ID", "title": body.split("\n", 1)[0][:120],
             "body": body, "language": "id", "language_confidence": 0.99,
             "published_at": (start + timedelta(minutes=i)).isoformat(),
             "fetched_at": (start + timedelta(minutes=i, seconds=30)).isoformat(),
             "authors": ["Redaksi"], "tags": ["bench"]}
        dedupe.annotate(d)
        docs.append(d)
    return docs, (time.perf_counter() - t0) * 1000 / n


def raw_documents(store: Any, docs: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """What the Indexer would write for new documents, for the raw baselines."""
    ix = Indexer(store, IndexConfig(spool_dir=Path(tempfile.mkdtemp()),
                                    dead_letter_dir=Path(tempfile.mkdtemp())))
    out = []
    for d in docs:
        p = ix.prepare(dict(d))
        assert p is not None
        id_ = p.pop("id")
        p.update(version=1, cluster_id=id_, is_cluster_canonical=True)
        out.append((id_, store.to_document(p)))
    ix.close()
    return out


# --------------------------------------------------------------------------- the alias and its history
def build_history(url: str, client: Elasticsearch, bodies: list[str], n_indices: int,
                  per_index: int) -> tuple[list[str], list[list[dict[str, Any]]]]:
    """``n_indices`` rolled-over monthly indices of ``per_index`` articles each (first seen in their
    month), made once; each run's alias gets them behind it.  Returns the index names, oldest first,
    and each one's documents."""
    if n_indices == 0:
        return [], []
    store = fresh_store(url, prefix="bench-hist")
    names, months = [], []
    for k in range(n_indices):
        month = START - timedelta(days=30 * (n_indices - k))
        docs, _ = make_docs(per_index, bodies, start=month, prefix=f"arsip{k:02d}", seed=1000 + k)
        raw = raw_documents(store, docs)
        names.append(store.indices(fresh=True)[0])
        ok, errors = helpers.bulk(client, ({"_index": store.alias, "_id": i, "_source": d} for i, d in raw),
                                  chunk_size=500, raise_on_error=False)
        assert ok == len(raw) and not errors, errors[:2]
        months.append(docs)
        if k < n_indices - 1:
            store.refresh()  # max_docs counts what is searchable
            assert store.rollover_if_needed(max_docs=1)
    client.indices.refresh(index=store.alias)
    client.indices.forcemerge(index=store.alias, max_num_segments=1)  # old months are merged down
    # the history's lookup-index entries (written by helpers.bulk, it has none): made once, then
    # cloned behind each run's alias, as a deployment's is after two years of the Indexer writing
    if hasattr(store, "ensure_id_index"):  # (the bench also runs against code from before it)
        client.indices.delete(index=store.id_index)
        store.ensure_id_index()
        client.indices.refresh(index=store.id_index)
        client.indices.forcemerge(index=store.id_index, max_num_segments=1)
        client.indices.put_settings(index=store.id_index, settings={"index.blocks.write": True})
    return names, months


def fresh_store(url: str, history: list[str] | None = None, prefix: str = "bench") -> Store:
    store = connect(SearchSettings(urls=(url,), index=f"{prefix}-{uuid.uuid4().hex[:8]}"))
    store.setup()
    if history:
        store._req("POST", "/_aliases", body={"actions": [
            {"add": {"index": name, "alias": store.alias, "is_write_index": False}} for name in history]})
        store.indices(fresh=True)
        if hasattr(store, "id_index") and store.id_index_state(fresh=True) is not None:  # build_history's
            store._req("DELETE", f"/{store.id_index}")
            store._req("POST", f"/{history[0].rsplit('-', 1)[0]}-ids/_clone/{store.id_index}",
                       params={"wait_for_active_shards": "1"},
                       body={"settings": {"index.blocks.write": False}})
            store.id_index_state(fresh=True)
    return store


def drop(store: Store, client: Elasticsearch) -> None:
    client.options(ignore_status=404).indices.delete_alias(index="*", name=store.alias)  # off the history
    client.options(ignore_status=404).indices.delete(index=f"{store.alias}-*")
    client.options(ignore_status=404).indices.delete_index_template(name=store.alias)
    client.options(ignore_status=404).indices.delete_index_template(name=f"{store.alias}-runs")


class Timed:
    """Wraps a Store's methods: how long each call took (ms), and which operations bulk_raw sent."""

    def __init__(self, store: Store) -> None:
        self.ms: dict[str, list[float]] = {"lookup": [], "search_raw": [], "bulk_raw": [], "bulk_entries": [],
                                           "lookup_search": [], "lookup_entries": [], "lookup_mget": []}
        self.ops: Counter[tuple[str, str]] = Counter()  # (op, id) -> times written
        for name in ("lookup", "search_raw", "bulk_raw"):
            setattr(store, name, self._wrap(name, getattr(store, name)))
        req = store._req

        def timed_req(method: str, path: str, **kw: Any) -> Any:  # the lookup's two requests, apart
            kind = ("lookup_mget" if path == "/_mget" else
                    "lookup_entries" if path.endswith("-ids/_mget") else
                    "lookup_search" if "allow_partial_search_results" in (kw.get("params") or {}) else None)
            t0 = time.perf_counter()
            try:
                return req(method, path, **kw)
            finally:
                if kind:
                    self.ms[kind].append((time.perf_counter() - t0) * 1000)

        store._req = timed_req  # type: ignore[method-assign]
        bulk = store.backend.bulk

        def timed_bulk(lines: list[dict[str, Any]], params: Any = None) -> Any:  # the entries' request
            t0 = time.perf_counter()
            try:
                return bulk(lines, params)
            finally:
                if lines and next(iter(lines[0].values())).get("_index") == f"{store.alias}-ids":
                    self.ms["bulk_entries"].append((time.perf_counter() - t0) * 1000)

        store.backend.bulk = timed_bulk  # type: ignore[method-assign]

    def _wrap(self, name: str, fn: Any) -> Any:
        def timed(*args: Any, **kw: Any) -> Any:
            if name == "bulk_raw":
                for op in args[0]:
                    self.ops[(op["op"], op["id"])] += 1
            t0 = time.perf_counter()
            try:
                return fn(*args, **kw)
            finally:
                self.ms[name].append((time.perf_counter() - t0) * 1000)
        return timed


# --------------------------------------------------------------------------- 1. lookup across rollovers
def old_lookup(store: Store, ids: list[str], known: list[str]) -> int:
    """What ``_plan`` did before: one mget of every id in every index behind the alias, then the
    known-id search for the ids not found.  Returns the mget's entry count."""
    indices = store.indices()
    docs = [{"_index": idx, "_id": i, "_source": MERGE_FIELDS} for idx in indices for i in ids]
    resp = store._req("POST", "/_mget", body={"docs": docs})
    found = {d["_id"] for d in resp["docs"] if d.get("found")}
    store.known_docs([k for k in known if k not in found], MERGE_FIELDS)
    return len(docs)


def bench_lookup(url: str, client: Elasticsearch, history: list[str], months: list[list[dict[str, Any]]],
                 docs: list[dict[str, Any]], reps: int) -> dict[str, Any]:
    """Median ms of one batch's reads on an alias with one index and with the history behind it."""
    batch = [dict(d) for d in docs[:500]]
    rng = random.Random(3)
    old = [dict(d) for m in months for d in m]
    slots = rng.sample(range(len(batch)), len(batch) // 20) if old else []  # 5%: re-crawls of old articles
    for i, again in zip(slots, rng.sample(old, len(slots)), strict=True):
        batch[i] = dict(again, fetched_at=batch[i]["fetched_at"])
    out: dict[str, Any] = {}
    stores = {"1 index": fresh_store(url), f"{len(history) + 1} indices": fresh_store(url, history)}
    try:
        for store in stores.values():  # the batch's new documents are stored in the write index
            ix = Indexer(store, IndexConfig(spool_dir=Path(tempfile.mkdtemp()),
                                            dead_letter_dir=Path(tempfile.mkdtemp())))
            for d in docs[500:1000]:
                ix.add(dict(d))
            ix.close()
            store.refresh()
        timings: dict[str, dict[str, list[float]]] = {k: {"now": [], "before": [], "candidates": []}
                                                      for k in stores}
        entries = {}
        for _ in range(reps):
            for name, store in stores.items():
                ix = Indexer(store, IndexConfig(spool_dir=Path(tempfile.mkdtemp()),
                                                dead_letter_dir=Path(tempfile.mkdtemp())))
                prepared = [p for p in (ix.prepare(dict(d)) for d in batch) if p]
                ids = list(dict.fromkeys(p["id"] for p in prepared))
                known = sorted({k for p in prepared for k in p["known_ids"]})
                t0 = time.perf_counter()
                found, _ = store.lookup(ids, known, LOOKUP_FIELDS)  # what the Indexer reads
                t1 = time.perf_counter()
                entries[name] = old_lookup(store, ids, known)
                t2 = time.perf_counter()
                ix._candidates(prepared)
                t3 = time.perf_counter()
                timings[name]["now"].append((t1 - t0) * 1000)
                timings[name]["before"].append((t2 - t1) * 1000)
                timings[name]["candidates"].append((t3 - t2) * 1000)
                expect = len(batch) // 20 if "indices" in name and old else 0
                assert len(found) == expect, (name, len(found), expect)
                ix.close()
        for name in stores:
            out[name] = {k: round(statistics.median(v), 1) for k, v in timings[name].items()}
            out[name]["mget_entries_before"] = entries[name]
    finally:
        for store in stores.values():
            drop(store, client)
    return out


# --------------------------------------------------------------------------- 2. throughput
@dataclasses.dataclass
class Workload:
    docs: list[dict[str, Any]]  # what the crawl hands the index stage
    raw: list[tuple[str, dict[str, Any]]]  # the same as finished documents, for the raw methods
    reseen: set[str]  # ids of documents already stored in an old index
    history: list[str]
    history_docs: int
    crawls: int = 0  # Indexer runs so far: each is a later crawl of the same pages

    def next_crawl(self) -> list[dict[str, Any]]:
        """The documents as a crawl an hour after the previous one fetches them: the Indexer updates
        the re-crawled articles in place in the old indices, so a later run must see them later
        again, or it would find nothing to update (a ``duplicate``) and do less work than credited."""
        self.crawls += 1
        later = timedelta(hours=self.crawls)
        return [dict(d, fetched_at=(datetime.fromisoformat(d["fetched_at"]) + later).isoformat())
                for d in self.docs]


def run_indexer(url: str, client: Elasticsearch, w: Workload, tmp: Path) -> tuple[float, dict[str, Any]]:
    store = fresh_store(url, w.history)
    timed = Timed(store)
    cfg = IndexConfig.from_env().model_copy(update={  # INDEX_* settings apply
        "spool_dir": tmp / uuid.uuid4().hex, "dead_letter_dir": tmp / uuid.uuid4().hex})
    ix = Indexer(store, cfg)
    prepare, prepare_s = ix.prepare, [0.0]

    def timed_prepare(article: Any) -> Any:
        t = time.perf_counter()
        try:
            return prepare(article)
        finally:
            prepare_s[0] += time.perf_counter() - t

    ix.prepare = timed_prepare  # type: ignore[method-assign]
    docs = w.next_crawl()  # before the clock: the copy is the caller's, as in the crawl
    cpu0 = node_cpu()
    t0 = time.perf_counter()
    for d in docs:
        ix.add(d)
    ix.close()
    elapsed = time.perf_counter() - t0
    client.indices.refresh(index=store.alias)
    NODE_CPU["indexer"].append(node_cpu() - cpu0)
    write = store.indices(fresh=True)[0]
    in_write = client.count(index=write)["count"]
    total = client.count(index=store.alias)["count"]
    drop(store, client)
    new = len({i for i, _ in w.raw} - w.reseen)
    # the work it is credited for: each new document created once in the write index, each re-crawl
    # updated once where it is stored (or, found unchanged within INDEX_SEEN_INTERVAL, touched once: its
    # time written to its lookup entry), nothing else but canonical-flag updates of stored copies
    created = Counter(i for (op, i), n in timed.ops.items() for _ in range(n) if op in ("create", "index"))
    updated = Counter(i for (op, i), n in timed.ops.items() for _ in range(n) if op in ("update", "touch"))
    touched = sum(n for (op, _), n in timed.ops.items() if op == "touch")
    assert set(created) == {i for i, _ in w.raw} - w.reseen and set(created.values()) == {1}, created
    assert w.reseen <= set(updated) and all(updated[i] == 1 for i in w.reseen), updated
    assert in_write == new and total == new + w.history_docs, (in_write, total, new)
    assert not ix.stats["spooled"] and not ix.stats["dead_letter"], dict(ix.stats)
    info = {"stats": dict(ix.stats), "ms": timed.ms, "ops": {"create": sum(created.values()),
                                                           "update": sum(updated.values()) - touched,
                                                           "touch": touched},
            "totals_s": {"wall": round(elapsed, 2), "prepare": round(prepare_s[0], 2),  # the caller's thread
                         "reads": round((sum(timed.ms["lookup"]) + sum(timed.ms["search_raw"])) / 1000, 2),
                         "bulk": round(sum(timed.ms["bulk_raw"]) / 1000, 2)}}  # writer threads, overlapping
    return len(w.docs) / elapsed, info


def run_helpers_bulk(url: str, client: Elasticsearch, w: Workload, chunk: int) -> float:
    store = fresh_store(url, w.history)
    cpu0 = node_cpu()
    t0 = time.perf_counter()
    ok, errors = helpers.bulk(client, ({"_index": store.alias, "_id": i, "_source": d} for i, d in w.raw),
                              chunk_size=chunk, max_chunk_bytes=IndexConfig().batch_bytes,
                              raise_on_error=False)
    elapsed = time.perf_counter() - t0
    client.indices.refresh(index=store.alias)
    NODE_CPU["helpers_bulk"].append(node_cpu() - cpu0)
    in_write = client.count(index=store.indices(fresh=True)[0])["count"]
    drop(store, client)
    assert ok == len(w.raw) == in_write and not errors, (ok, in_write, errors[:2])
    return len(w.raw) / elapsed


def run_per_doc(url: str, client: Elasticsearch, w: Workload, n: int) -> float:
    store = fresh_store(url, w.history)
    raw = w.raw[:n]
    t0 = time.perf_counter()
    for i, d in raw:
        client.index(index=store.alias, id=i, document=d)
    elapsed = time.perf_counter() - t0
    client.indices.refresh(index=store.alias)
    in_write = client.count(index=store.indices(fresh=True)[0])["count"]
    drop(store, client)
    assert in_write == len(raw), (in_write, len(raw))
    return len(raw) / elapsed


def per_batch(info: dict[str, Any]) -> dict[str, float]:
    ms = info["ms"]

    def med(key: str) -> float:
        return round(statistics.median(ms[key]), 1) if ms[key] else 0.0

    # the lookup: a real-time mget of the lookup index and one of the copies it found (only when some
    # are found), or without a lookup index a search and a real-time mget of this process's recent ids;
    # bulk_ms includes the lookup-index entries' request after each bulk request (bulk_entries_ms)
    return {"lookup_ms": med("lookup"), "lookup_entries_ms": med("lookup_entries"),
            "lookup_search_ms": med("lookup_search"), "lookup_mget_ms": med("lookup_mget"),
            "lookup_mgets": len(ms["lookup_mget"]), "candidate_search_ms": med("search_raw"),
            "bulk_ms": med("bulk_raw"), "bulk_entries_ms": med("bulk_entries"),
            "batches": len(ms["bulk_raw"])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--per-doc", type=int, default=300, help="documents for the one-request-each run")
    ap.add_argument("--runs", type=int, default=6, help="rounds (6: every order of the three methods once)")
    ap.add_argument("--history", type=int, default=24, help="rolled-over indices behind the alias")
    ap.add_argument("--history-docs", type=int, default=500, help="articles in each of them")
    ap.add_argument("--reseen", type=float, default=0.05, help="share of documents stored in an old index")
    ap.add_argument("--lookup-reps", type=int, default=15)
    ap.add_argument("--url", default=os.environ.get("ES_BENCH_URL"))
    ap.add_argument("--node-pid", type=int, help="with --url: the node's process id, to count its CPU time")
    ap.add_argument("--texts", type=Path, default=DEFAULT_TEXTS)
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    node = None
    if not args.url:
        print("starting a private Elasticsearch node ...", flush=True)
        node = devnode.start("elasticsearch", heap=os.environ.get("BENCH_HEAP", "1g"))
        args.url = node.url
    global NODE_PID
    NODE_PID = args.node_pid or (node.pid() if node else None)
    tmp = Path(tempfile.mkdtemp(prefix="bench-index-"))
    client = Elasticsearch(hosts=[args.url], request_timeout=120)
    hist_alias = None
    try:
        bodies = load_bodies(args.texts)
        docs, dedupe_ms = make_docs(args.docs, bodies)
        t0 = time.perf_counter()
        history, months = build_history(args.url, client, bodies, args.history, args.history_docs)
        if history:
            hist_alias = history[0].rsplit("-", 1)[0]
        print(f"history: {len(history)} rolled-over indices x {args.history_docs} articles "
              f"({time.perf_counter() - t0:.0f}s to build)", flush=True)

        # re-crawls of stored articles: the same URL and text, fetched again now
        first_seen = list(docs)  # every one new: the lookup benchmark plants its own re-crawls
        rng = random.Random(5)
        old = [d for m in months for d in m]
        slots = rng.sample(range(len(docs)), int(len(docs) * args.reseen)) if old else []
        for i, again in zip(slots, rng.sample(old, len(slots)), strict=True):
            docs[i] = dict(again, fetched_at=docs[i]["fetched_at"])
        probe = fresh_store(args.url)
        raw = raw_documents(probe, docs)
        drop(probe, client)
        reseen = {i for i, _ in raw} & {dedupe.article_id(d["url"]) for d in old}
        w = Workload(docs, raw, reseen, history, len(old))
        mb = sum(len(json.dumps(d, ensure_ascii=False).encode()) for _, d in raw) / 1e6
        print(f"{len(docs)} documents ({mb:.1f} MB as JSON, bodies from "
              f"{'real articles' if args.texts.is_dir() else 'generated text'}, {len(reseen)} re-crawls of "
              f"stored articles), dedupe stage {dedupe_ms:.2f} ms/doc (not timed below); at {args.url}",
              flush=True)

        # warm-up (discarded): a fresh node's JIT and caches take thousands of documents
        batch_docs = IndexConfig.from_env().batch_docs
        warm: list[tuple[float, float]] = []
        for _ in range(4):
            warm.append((run_indexer(args.url, client, w, tmp)[0], run_helpers_bulk(args.url, client, w,
                                                                                    batch_docs)))
            run_per_doc(args.url, client, w, min(100, args.per_doc))
            print(f"  warm-up: indexer {warm[-1][0]:.0f}/s, helpers.bulk {warm[-1][1]:.0f}/s", flush=True)
            if len(warm) >= 2 and all(abs(a - b) / b < 0.10 for a, b in zip(warm[-1], warm[-2], strict=True)):
                break

        for runs in NODE_CPU.values():  # the warm-up's are discarded
            runs.clear()
        lookup = bench_lookup(args.url, client, history, months, first_seen, args.lookup_reps)
        print("\nlookup for one batch of 500 (ms, median of "
              f"{args.lookup_reps}):\n| alias | now: lookup-index mget + mget "
              "| before: mget of every index + search | mget entries before | candidate search |"
              "\n|---|---:|---:|---:|---:|")
        for name, v in lookup.items():
            print(f"| {name} | {v['now']} | {v['before']} | {v['mget_entries_before']} | {v['candidates']} |")

        ours, raws, singles, infos = [], [], [], []
        orders = list(itertools.permutations(range(3)))
        for r in range(args.runs):
            for which in orders[r % len(orders)]:  # every method first, second and last alike
                if which == 0:
                    rate, info = run_indexer(args.url, client, w, tmp)
                    ours.append(rate)
                    infos.append(info)
                elif which == 1:
                    raws.append(run_helpers_bulk(args.url, client, w, batch_docs))
                else:
                    singles.append(run_per_doc(args.url, client, w, args.per_doc))
            print(f"  run {r + 1} {''.join('IBP'[i] for i in orders[r % len(orders)])}: indexer "
                  f"{ours[-1]:.0f}/s, helpers.bulk {raws[-1]:.0f}/s, per-doc {singles[-1]:.0f}/s", flush=True)
        m_ours, m_raw, m_single = (statistics.median(x) for x in (ours, raws, singles))
        r_bulk = statistics.median(o / r for o, r in zip(ours, raws, strict=True))
        r_single = statistics.median(o / r for o, r in zip(ours, singles, strict=True))
        median_run = sorted(range(len(ours)), key=lambda i: ours[i])[len(ours) // 2]
        breakdown = per_batch(infos[median_run])
        result = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"), "docs": len(docs), "runs": args.runs,
            "history_indices": len(history), "history_docs_per_index": args.history_docs,
            "reseen": len(reseen), "json_mb": round(mb, 2), "dedupe_ms_per_doc": round(dedupe_ms, 3),
            "warmup_docs_per_s": [[round(a), round(b)] for a, b in warm],
            "lookup_ms_per_batch_of_500": lookup,
            "indexer_docs_per_s": round(m_ours), "helpers_bulk_docs_per_s": round(m_raw),
            "per_doc_docs_per_s": round(m_single), "vs_bulk": round(m_ours / m_raw, 2),
            "vs_per_doc": round(m_ours / m_single, 1), "vs_bulk_paired": round(r_bulk, 2),
            "vs_per_doc_paired": round(r_single, 1),
            "orders": ["".join("IBP"[i] for i in orders[r % len(orders)]) for r in range(args.runs)],
            "runs_docs_per_s": {"indexer": [round(x) for x in ours], "helpers_bulk": [round(x) for x in raws],
                                "per_doc": [round(x) for x in singles]},
            "indexer_per_batch_median_run": breakdown, "indexer_ops_written": infos[median_run]["ops"],
            "indexer_totals_s_median_run": infos[median_run]["totals_s"],
            "indexer_stats": {k: infos[median_run]["stats"].get(k, 0) for k in (
                "bulk_requests", "created", "seen", "touched", "syndicated", "retries", "spooled",
                "conflicts")},
            "seen_interval_s": IndexConfig.from_env().seen_interval,
            "cpu_count": os.cpu_count(), "load_average": [round(x, 1) for x in os.getloadavg()],
            # the node's CPU seconds per run (start to refresh), and Indexer / helpers.bulk per round
            "node_cpu_s": {k: [round(x, 2) for x in v] for k, v in NODE_CPU.items()},
            "node_cpu_paired": round(statistics.median(a / b for a, b in zip(
                NODE_CPU["indexer"], NODE_CPU["helpers_bulk"], strict=True)), 2) if NODE_PID else None,
        }
        print("\n| method | docs/s (median) | Indexer / it, paired |\n|---|---:|---:|")
        print(f"| Indexer (lookup + syndication search + bulk per batch) | {m_ours:.0f} | 1.00 |")
        print(f"| elasticsearch.helpers.bulk from a list | {m_raw:.0f} | {r_bulk:.2f} |")
        print(f"| one index request per document | {m_single:.0f} | {r_single:.1f} |")
        print(f"\nIndexer per batch (median run, {breakdown['batches']} batches): lookup "
              f"{breakdown['lookup_ms']} ms (lookup index {breakdown['lookup_entries_ms']}, search "
              f"{breakdown['lookup_search_ms']}, mget {breakdown['lookup_mget_ms']} in "
              f"{breakdown['lookup_mgets']} batches), candidate search "
              f"{breakdown['candidate_search_ms']} ms, bulk {breakdown['bulk_ms']} ms (its lookup entries "
              f"{breakdown['bulk_entries_ms']}); wrote {result['indexer_ops_written']}; totals "
              f"{infos[median_run]['totals_s']}")
        if NODE_PID:
            print(f"node CPU per run (s, median): Indexer {statistics.median(NODE_CPU['indexer']):.2f}, "
                  f"helpers.bulk {statistics.median(NODE_CPU['helpers_bulk']):.2f}; Indexer / helpers.bulk "
                  f"{result['node_cpu_paired']} paired")
        print(f"Indexer / raw bulk = {result['vs_bulk']} of medians, {result['vs_bulk_paired']} median of "
              f"same-round ratios (target >= 0.95); Indexer / per-doc = {result['vs_per_doc']}x, "
              f"{result['vs_per_doc_paired']}x paired")
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, indent=2) + "\n")
        return 0 if result["vs_bulk_paired"] >= 0.95 and result["vs_per_doc_paired"] > 5 else 1
    finally:
        if hist_alias:
            client.options(ignore_status=404).indices.delete(index=f"{hist_alias}-*")
            client.options(ignore_status=404).indices.delete_index_template(name=hist_alias)
            client.options(ignore_status=404).indices.delete_index_template(name=f"{hist_alias}-runs")
        shutil.rmtree(tmp, ignore_errors=True)
        if node:
            devnode.stop(node)
            shutil.rmtree(node.workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
