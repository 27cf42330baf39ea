"""Index-stage throughput against a real node: our Indexer vs raw ``helpers.bulk`` vs one
request per document, over the same documents, side by side, medians of several runs.

    .venv/bin/python -m bench.index [--docs 3000] [--runs 5] [--per-doc 300] [--url URL]

Without ``--url`` (or ``ES_BENCH_URL``) a private node is started and removed afterwards.
Documents: paragraphs of real article bodies from ``/work/shared/bench/news`` truth files when
present (``--texts DIR``), else generated text, 10% of them reprints of a recent story; every
document is new, so the Indexer does its revision lookup and syndication linking for all.
The dedupe stage (content hash + MinHash) runs before the clock starts, as in the crawl where
it is its own stage; its cost is reported.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers

from news_ingest import devnode
from news_ingest.settings import SearchSettings
from news_ingest.store.client import connect
from news_ingest.store.indexer import IndexConfig, Indexer
from pipelines import dedupe

DEFAULT_TEXTS = Path("/work/shared/bench/news")
WORDS = ["pemerintah", "menteri", "rakyat", "harga", "kebijakan", "banjir", "jakarta", "ekonomi", "pasar",
         "presiden", "sidang", "warga", "laporan", "polisi", "kota", "provinsi", "bantuan", "sekolah"]


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


def make_docs(n: int, bodies: list[str], reprint_share: float = 0.1) -> tuple[list[dict[str, Any]], float]:
    """n Article dicts with dedupe fields; returns them and the dedupe stage's ms per doc.

    Bodies are 6-14 paragraphs drawn from the real articles (so sizes, scripts and words are
    real and no two stories are alike); ``reprint_share`` of them are another outlet's copy of
    a recent story (own dateline and credit line), as syndication looks in a news crawl."""
    rng = random.Random(42)
    paras = [p for b in bodies for p in b.split("\n") if len(p.split()) >= 8]
    start = datetime(2026, 11, 1, tzinfo=UTC)
    docs: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    for i in range(n):
        if i >= 20 and rng.random() < reprint_share:
            body = "JAKARTA (ANTARA) - " + docs[rng.randrange(max(0, i - 300), i)]["body"] + "\n(Sumber: AFP)"
        else:
            body = "\n".join(rng.sample(paras, rng.randint(6, 14)))
        d = {"url": f"https://bench{i % 13}.example/berita/{i:06d}-artikel.html", "source": f"bench{i % 13}",
             "domain": f"bench{i % 13}.example", "country": "ID", "title": body.split("\n", 1)[0][:120],
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
    to_doc = getattr(store, "to_document", None)
    out = []
    for d in docs:
        p = ix.prepare(dict(d))
        assert p is not None
        id_ = p.pop("id")
        p.update(version=1, cluster_id=id_, is_cluster_canonical=True)
        out.append((id_, to_doc(p) if to_doc else p))
    return out


def fresh_store(url: str) -> Any:
    store = connect(SearchSettings(urls=(url,), index=f"bench-{uuid.uuid4().hex[:8]}"))
    store.setup()
    return store


def drop(store: Any, client: Elasticsearch) -> None:
    client.options(ignore_status=404).indices.delete(index=f"{store.alias}-*")
    client.options(ignore_status=404).indices.delete_index_template(name=store.alias)


def run_indexer(url: str, client: Elasticsearch, docs: list[dict[str, Any]], tmp: Path) -> tuple[float, dict]:
    store = fresh_store(url)
    cfg = dataclasses.replace(IndexConfig.from_env(), spool_dir=tmp / uuid.uuid4().hex,
                              dead_letter_dir=tmp / uuid.uuid4().hex)  # INDEX_* settings apply
    ix = Indexer(store, cfg)
    t0 = time.perf_counter()
    for d in docs:
        ix.add(dict(d))
    ix.close()
    elapsed = time.perf_counter() - t0
    client.indices.refresh(index=store.alias)
    n = client.count(index=store.alias)["count"]
    drop(store, client)
    assert n == len(docs) and not ix.stats["spooled"] and not ix.stats["dead_letter"], (n, dict(ix.stats))
    return len(docs) / elapsed, dict(ix.stats)


def run_helpers_bulk(url: str, client: Elasticsearch, raw: list[tuple[str, dict]], chunk: int) -> float:
    store = fresh_store(url)
    t0 = time.perf_counter()
    ok, errors = helpers.bulk(client, ({"_index": store.alias, "_id": i, "_source": d} for i, d in raw),
                              chunk_size=chunk, max_chunk_bytes=IndexConfig().batch_bytes,
                              raise_on_error=False)
    elapsed = time.perf_counter() - t0
    drop(store, client)
    assert ok == len(raw) and not errors, errors[:2]
    return len(raw) / elapsed


def run_per_doc(url: str, client: Elasticsearch, raw: list[tuple[str, dict]]) -> float:
    store = fresh_store(url)
    t0 = time.perf_counter()
    for i, d in raw:
        client.index(index=store.alias, id=i, document=d)
    elapsed = time.perf_counter() - t0
    drop(store, client)
    return len(raw) / elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--per-doc", type=int, default=300, help="documents for the one-request-each run")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--url", default=os.environ.get("ES_BENCH_URL"))
    ap.add_argument("--texts", type=Path, default=DEFAULT_TEXTS)
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    node = None
    if not args.url:
        print("starting a private Elasticsearch node ...", flush=True)
        node = devnode.start("elasticsearch", heap=os.environ.get("BENCH_HEAP", "1g"))
        args.url = node.url
    tmp = Path(tempfile.mkdtemp(prefix="bench-index-"))
    try:
        bodies = load_bodies(args.texts)
        docs, dedupe_ms = make_docs(args.docs, bodies)
        client = Elasticsearch(hosts=[args.url], request_timeout=120)
        probe = fresh_store(args.url)
        raw = raw_documents(probe, docs)
        drop(probe, client)
        mb = sum(len(json.dumps(d, ensure_ascii=False).encode()) for _, d in raw) / 1e6
        print(f"{len(docs)} documents ({mb:.1f} MB as JSON, bodies from "
              f"{'real articles' if args.texts.is_dir() else 'generated text'}), dedupe stage "
              f"{dedupe_ms:.2f} ms/doc (not timed below); {args.runs} runs at {args.url}", flush=True)
        ours, raws, singles, stats = [], [], [], {}
        # warm-up (discarded): a fresh node's JIT and caches take a few thousand documents
        run_indexer(args.url, client, docs[:1500], tmp)
        run_helpers_bulk(args.url, client, raw[:1500], IndexConfig().batch_docs)
        run_per_doc(args.url, client, raw[:100])
        for r in range(args.runs):
            order = [0, 1, 2] if r % 2 == 0 else [1, 0, 2]  # alternate which goes first
            for which in order:
                if which == 0:
                    rate, stats = run_indexer(args.url, client, docs, tmp)
                    ours.append(rate)
                elif which == 1:
                    raws.append(run_helpers_bulk(args.url, client, raw, IndexConfig().batch_docs))
                else:
                    singles.append(run_per_doc(args.url, client, raw[:args.per_doc]))
            print(f"  run {r + 1}: indexer {ours[-1]:.0f}/s, helpers.bulk {raws[-1]:.0f}/s, "
                  f"per-doc {singles[-1]:.0f}/s", flush=True)
        m_ours, m_raw, m_single = (statistics.median(x) for x in (ours, raws, singles))
        # the machine is shared: pair each run with its neighbour of the same round
        r_bulk = statistics.median(o / r for o, r in zip(ours, raws, strict=True))
        r_single = statistics.median(o / r for o, r in zip(ours, singles, strict=True))
        result = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"), "docs": len(docs), "runs": args.runs,
            "json_mb": round(mb, 2), "dedupe_ms_per_doc": round(dedupe_ms, 3),
            "indexer_docs_per_s": round(m_ours), "helpers_bulk_docs_per_s": round(m_raw),
            "per_doc_docs_per_s": round(m_single), "vs_bulk": round(m_ours / m_raw, 2),
            "vs_per_doc": round(m_ours / m_single, 1), "vs_bulk_paired": round(r_bulk, 2),
            "vs_per_doc_paired": round(r_single, 1), "runs_docs_per_s": {
                "indexer": [round(x) for x in ours], "helpers_bulk": [round(x) for x in raws],
                "per_doc": [round(x) for x in singles]}, "indexer_requests": {
                k: stats.get(k, 0) for k in ("bulk_requests", "created", "retries", "spooled")},
            "cpu_count": os.cpu_count(),
        }
        print("\n| method | docs/s (median) | vs Indexer |\n|---|---:|---:|")
        print(f"| Indexer (mget + syndication search + bulk per batch) | {m_ours:.0f} | 1.00 |")
        print(f"| elasticsearch.helpers.bulk from a list | {m_raw:.0f} | {m_raw / m_ours:.2f} |")
        print(f"| one index request per document | {m_single:.0f} | {m_single / m_ours:.2f} |")
        print(f"\nIndexer / raw bulk = {result['vs_bulk']} of medians, {result['vs_bulk_paired']} median of "
              f"same-round ratios (target >= 0.9); Indexer / per-doc = {result['vs_per_doc']}x, "
              f"{result['vs_per_doc_paired']}x paired (target > 5)")
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, indent=2) + "\n")
        return 0 if result["vs_bulk_paired"] >= 0.9 and result["vs_per_doc_paired"] > 5 else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if node:
            devnode.stop(node)
            shutil.rmtree(node.workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
