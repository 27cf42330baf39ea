"""Memory of the stage-worker pool alone, side by side: workers forked from the fork server that
preloaded the stages (what the crawl does) against spawned workers that each load their own.

    python -m bench.worker_memory [--pages 1000] [--workers 2]

Each way in its own process, one after the other: a ``StagePool`` reads ``--pages`` replicas of the
shared corpus pages (``bench/sitegen.py``; every stage: extraction, cleaning, language, attribution),
four at a time, then every process of the pool is measured: RSS and PSS (``/proc/PID/smaps_rollup``;
PSS divides each shared page among the processes mapping it).  Reported per process and summed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import subprocess
import sys
from typing import Any

from bench.e2e import DEFAULT_CORPUS, Sampler, machine


class _Rules:
    multipage = None

    def owns(self, url: str) -> bool:
        return True

    def url_rule(self, url: str) -> tuple[str, str | None]:
        return "allow", None

    def is_article_url(self, url: str) -> bool:
        return True


def _measure(start: str, pages: int, workers_n: int, corpus: list[str]) -> dict[str, Any]:
    from bench.sitegen import article_path, load_corpus, replica
    from crawler import workers
    from pipelines.crawl_config import MultiPage
    from pipelines.page_reading import PageTask, read_page

    if start == "spawn":
        workers.worker_context = lambda: multiprocessing.get_context("spawn")
    rules = _Rules()
    rules.multipage = MultiPage()  # type: ignore[assignment]
    html = load_corpus(corpus)
    pool = workers.StagePool(workers_n)

    async def main() -> int:
        gate = asyncio.Semaphore(2 * workers_n)

        async def one(n: int) -> bool:
            url = f"http://127.0.0.1{article_path(n)}"
            task = PageTask(url, "text/html; charset=utf-8", identity=url, url_rule="allow", run_chain=True)
            async with gate:
                return bool(await pool.run(read_page, replica(html[n % len(html)], url), task, rules))

        return sum(await asyncio.gather(*(one(n) for n in range(pages))))

    read = asyncio.run(main())
    sampler = Sampler({"pool": os.getpid()})
    now = sampler.sample()
    kinds = sampler.processes("pool")
    pool.close()
    me = kinds.pop("crawl")  # this process: the pool's owner, as the crawl is
    return {"start": start, "pages": pages, "read": read, "owner": me, "processes": kinds,
            "pool_rss_mb": round(now["pool"] - me["rss_mb"], 1),
            "pool_pss_mb": round(now["pool_pss"] - me["pss_mb"], 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--corpus", nargs="*", default=[str(p) for p in DEFAULT_CORPUS])
    ap.add_argument("--one", choices=["forkserver", "spawn"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(_measure(args.one, args.pages, args.workers, args.corpus)))
        return 0
    out = []
    for start in ("forkserver", "spawn"):
        res = subprocess.run([sys.executable, "-m", "bench.worker_memory", "--one", start, "--pages",
                              str(args.pages), "--workers", str(args.workers), "--corpus", *args.corpus],
                             capture_output=True, text=True, check=True)
        out.append(json.loads(res.stdout.strip().splitlines()[-1]))
    print(json.dumps({"machine": machine(), "load": os.getloadavg(), "runs": out}, indent=1))
    for r in out:
        each = "; ".join(f"{k} x{d['count']:g} {d['rss_mb']} / {d['pss_mb']}"
                         for k, d in r["processes"].items())
        print(f"{r['start']}: {r['read']}/{r['pages']} pages read; the pool's processes RSS summed "
              f"{r['pool_rss_mb']} MB, PSS {r['pool_pss_mb']} MB (largest of each kind, RSS / PSS MB: "
              f"{each})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
