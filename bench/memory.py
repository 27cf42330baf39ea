"""Memory bound of a long crawl (``make bench-memory``): ``--pages`` synthetic article pages (default
20,000, ``bench/sitegen.py``) crawled with every stage into a real node, with the WARC archive on,
while the crawl's RSS is sampled every second.

    python -m bench.memory [--pages 20000] [--url URL] [--json out.json] [--no-warc]

Reported: the crawl process's RSS (the reactor: spider, scheduler, index stage, WARC writer) and the
crawl with its fork server and stage workers (RSS summed, and PSS: each shared page divided among the
processes mapping it, so the workers' shared language models count once), at 5,000 pages served, at
each quarter of the pages and at the peak, and each kind of process's largest RSS / PSS; the growth
between 5,000 pages (``--from``) and the end — of the crawl process and of the whole tree — is the
number that shows whether anything (the seen-sets, the scheduler's queue, the spool, the WARC writer,
the indexer's pools, the workers) grows with the crawl.  The budget: peak PSS of the tree (crawl +
fork server + stage workers) <= ``--budget-mb`` (600); exit status 1 when it is passed or the crawl
failed.
The site runs in this process (a thread) so the sampler knows how many pages were served.
Without ``--url`` a private node is started first and removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.e2e import BENCH_SETTINGS, Sampler, _delete_index, _scrapy_stat, machine, start_node, stop_node
from bench.sitegen import _ARTICLE, Site, serve, sources_yaml

ROOT = Path(__file__).resolve().parent.parent


def _articles_served(site: Site) -> int:
    with site._lock:
        return sum(1 for path in site.hits if _ARTICLE.match(path))


def crawl(pages: int, es_url: str, workdir: Path, warc: bool, every: float) -> dict[str, Any]:
    site = Site(pages)
    server, base = serve(site)
    index = f"bench-mem-{uuid.uuid4().hex[:8]}"
    (workdir / "sources.yaml").write_text(sources_yaml(base, concurrency=16))
    env = {**os.environ, "NEWS_SOURCES": str(workdir / "sources.yaml"), "ES_URL": es_url, "ES_INDEX": index,
           "INDEX_SPOOL_DIR": str(workdir / "spool"), "LOG_LEVEL": "INFO"}
    env.pop("REDIS_URL", None)
    env.pop("WARC_DIR", None)
    if warc:
        env["WARC_DIR"] = str(workdir / "warc")
    log = workdir / "crawl.log"
    samples: list[dict[str, float]] = []
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=bench", *BENCH_SETTINGS]
    t0 = time.monotonic()
    try:
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            sampler = Sampler({"tree": proc.pid, "main": proc.pid}, alone=frozenset({"main"}))
            while proc.poll() is None:
                now = sampler.sample()
                samples.append({"t": round(time.monotonic() - t0, 1), "served": _articles_served(site),
                                "main_mb": round(now["main"], 1), "tree_mb": round(now["tree"], 1),
                                "tree_pss_mb": round(now["tree_pss"], 1)})
                time.sleep(every)
    finally:
        server.shutdown()
    wall = time.monotonic() - t0
    text = log.read_text(errors="replace")
    warc_bytes = sum(p.stat().st_size for p in (workdir / "warc").glob("*")) if warc else 0
    _delete_index(es_url, index)
    return {"pages": pages, "exit": proc.returncode, "wall_s": round(wall, 1),
            "indexed": _scrapy_stat(text, "news/indexed"), "served": _articles_served(site),
            "fetched_twice": sum(1 for p, n in site.hits.items() if n > 1 and _ARTICLE.match(p)),
            "warc_mb": round(warc_bytes / 1024 ** 2, 1), "samples": samples, "log": str(log),
            "processes_mb": sampler.processes("tree")}


def at_fraction(samples: list[dict[str, float]], pages: int, frac: float) -> dict[str, float] | None:
    """The first sample taken once ``frac`` of the pages had been served."""
    return next((s for s in samples if s["served"] >= frac * pages), None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=20_000)
    ap.add_argument("--url", default=os.environ.get("ES_BENCH_URL"),
                    help="an existing node (default: start a private one)")
    ap.add_argument("--no-warc", action="store_true", help="without the WARC archive")
    ap.add_argument("--every", type=float, default=1.0, help="seconds between RSS samples")
    ap.add_argument("--json", help="write the results (with every sample) here too")
    ap.add_argument("--from", dest="start", type=int, default=5000, help="pages served where growth is "
                    "measured from (default 5000)")
    ap.add_argument("--budget-mb", type=float, default=600.0, help="peak RSS of crawl + workers allowed")
    args = ap.parse_args(argv)
    es_url, node = start_node(args.url)
    tmp = Path(tempfile.mkdtemp(prefix="news-bench-mem-"))
    try:
        res = crawl(args.pages, es_url, tmp, not args.no_warc, args.every)
    finally:
        stop_node(node)
        shutil.rmtree(tmp, ignore_errors=True)
    samples = res.pop("samples")
    marks = {f"{int(f * 100)}%": at_fraction(samples, args.pages, f) for f in (0.25, 0.5, 0.75, 1.0)}
    start = at_fraction(samples, args.pages, min(1.0, args.start / args.pages))
    # the end: the last sample taken while pages were still being served in full (not the close)
    last = marks["100%"] or (samples[-1] if samples else None)
    peak_tree = max((s["tree_mb"] for s in samples), default=None)
    peak_pss = max((s["tree_pss_mb"] for s in samples), default=None)
    out = {"machine": machine(), **res, "rss_at": {f"{args.start} pages": start, **marks},
           "peak_main_mb": max((s["main_mb"] for s in samples), default=None),
           "peak_tree_mb": peak_tree, "peak_tree_pss_mb": peak_pss,
           f"growth_main_mb_{args.start}_to_end":
               round(last["main_mb"] - start["main_mb"], 1) if start and last else None,
           f"growth_tree_mb_{args.start}_to_end":
               round(last["tree_mb"] - start["tree_mb"], 1) if start and last else None,
           f"growth_tree_pss_mb_{args.start}_to_end":
               round(last["tree_pss_mb"] - start["tree_pss_mb"], 1) if start and last else None,
           # the largest crawl-process RSS after the start mark, against the RSS at it
           f"max_main_mb_after_{args.start}": max((s["main_mb"] for s in samples
                                                    if start and s["t"] >= start["t"]), default=None),
           "budget_mb": args.budget_mb}
    print(json.dumps(out, indent=1))
    a, b = start or {}, last or {}
    print(f"\npeak PSS crawl + workers {peak_pss} MB (budget {args.budget_mb:g}; RSS summed over the "
          f"processes {peak_tree} MB); crawl process RSS {a.get('main_mb')} MB at {args.start} pages -> "
          f"{b.get('main_mb')} MB at {args.pages}; crawl + workers PSS {a.get('tree_pss_mb')} -> "
          f"{b.get('tree_pss_mb')} MB")
    print("each kind of process, the largest one's peak RSS / PSS MB: " + "; ".join(
        f"{kind} x{d['count']:g} {d['rss_mb']} / {d['pss_mb']}" for kind, d in res["processes_mb"].items()))
    growth = out[f"growth_tree_pss_mb_{args.start}_to_end"]
    over = peak_pss is not None and peak_pss > args.budget_mb
    print(f"target peak PSS MB (crawl + workers) <= {args.budget_mb:g}: {peak_pss} "
          f"({'MISSED' if over or peak_pss is None else 'met'}; load {os.getloadavg()[0]:.1f})")
    print(f"target PSS flat from {args.start} pages to the end (growth MB): {growth} "
          f"(load {os.getloadavg()[0]:.1f})")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({**out, "samples": samples}, indent=1))
    return 0 if res["exit"] == 0 and not over else 1


if __name__ == "__main__":
    raise SystemExit(main())
