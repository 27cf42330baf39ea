"""End-to-end benchmark (``make bench``): real crawl with every stage into a real node, against
(a) plain ``trafilatura.extract`` and (b) news-please's ``NewsPlease.from_html`` over the same HTML.

The site: ``--pages`` article URLs (default 2,000) on loopback, replicas of the real pages in
``--corpus`` directories (default the shared Fundus DEV news set and the AEB set), discovered through
robots/sitemaps like a real site.  Each measurement runs in its own child process; peak RSS is that
child's ``ru_maxrss``.  Medians of ``--runs`` runs.  Needs ES_URL to point at a running node
(``make es-up``).

    python -m bench.e2e [--pages 2000] [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWS_SHARED_DIR", ROOT.parent / "shared"))
DEFAULT_CORPUS = [SHARED / "bench" / "news", SHARED / "bench" / "extraction" / "aeb" / "html"]


def _child(cmd: list[str], env: dict[str, str] | None = None,
           log: Path | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MB, exit code) of one child process."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if log:
        out.close()
    return wall, usage.ru_maxrss / 1024, proc.returncode


def _loop(kind: str, pages: int, corpus: list[str]) -> int:
    """Child mode: extract every replica's HTML once with ``kind``; prints the number of texts found."""
    sys.path.insert(0, str(ROOT))
    from bench.sitegen import article_path, load_corpus, replica

    html = load_corpus(corpus)
    found = 0
    if kind == "trafilatura":
        import trafilatura

        for n in range(pages):
            page = replica(html[n % len(html)], f"http://127.0.0.1/{article_path(n)}")
            found += bool(trafilatura.extract(page.decode("utf-8", "replace"), url=article_path(n)))
    else:
        from newsplease import NewsPlease

        for n in range(pages):
            page = replica(html[n % len(html)], f"http://127.0.0.1/{article_path(n)}")
            try:
                art = NewsPlease.from_html(page.decode("utf-8", "replace"),
                                           url=f"http://127.0.0.1{article_path(n)}", fetch_images=False)
                found += bool(art and art.maintext)
            except Exception:  # noqa: BLE001 - count what it fails on, as users would see
                pass
    print(found)
    return 0


def crawl_once(pages: int, corpus: list[str], workdir: Path) -> dict[str, Any]:
    from bench.sitegen import sources_yaml

    server = subprocess.Popen([sys.executable, "-m", "bench.sitegen", "--pages", str(pages),
                               "--corpus", *corpus], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        base = server.stdout.readline().strip()
        (workdir / "sources.yaml").write_text(sources_yaml(base, concurrency=16))
        index = f"bench-{uuid.uuid4().hex[:8]}"
        env = {**os.environ, "NEWS_SOURCES": str(workdir / "sources.yaml"), "ES_INDEX": index,
               "INDEX_SPOOL_DIR": str(workdir / "spool"), "LOG_LEVEL": "INFO"}
        env.pop("REDIS_URL", None)
        env.pop("WARC_DIR", None)
        log = workdir / f"{index}.log"
        cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=bench"]
        wall, rss, code = _child(cmd, env, log)
    finally:
        server.terminate()
        server.wait(10)
    from news_ingest.runner import parse_summary
    from news_ingest.settings import SearchSettings
    from news_ingest.store import connect

    summary = parse_summary(log.read_text(errors="replace")) or {}
    store = connect(dataclasses.replace(SearchSettings.from_env(), index=index))
    store.refresh()
    indexed = store.count()
    store.drop()
    return {"wall_s": wall, "rss_mb": rss, "exit": code, "pages": pages, "indexed": indexed,
            "extracted": summary.get("extracted"), "pages_per_s": pages / wall}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus", nargs="*", default=[str(p) for p in DEFAULT_CORPUS])
    ap.add_argument("--json", help="write the results here too")
    ap.add_argument("--loop", choices=["trafilatura", "newsplease"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.loop:
        return _loop(args.loop, args.pages, args.corpus)
    results: dict[str, list[dict[str, Any]]] = {"news-ingest crawl": [], "trafilatura.extract loop": [],
                                                "news-please from_html loop": []}
    try:
        import newsplease  # noqa: F401
        have_np = True
    except ImportError:
        have_np = False
    with tempfile.TemporaryDirectory(prefix="news-bench-") as tmp:
        for r in range(args.runs):
            results["news-ingest crawl"].append(crawl_once(args.pages, args.corpus, Path(tmp)))
            for name, kind in (("trafilatura.extract loop", "trafilatura"),
                               ("news-please from_html loop", "newsplease")):
                if kind == "newsplease" and not have_np:
                    continue
                wall, rss, code = _child([sys.executable, "-m", "bench.e2e", "--loop", kind, "--pages",
                                          str(args.pages), "--corpus", *args.corpus])
                results[name].append({"wall_s": wall, "rss_mb": rss, "exit": code,
                                      "pages_per_s": args.pages / wall})
            print(f"run {r + 1}/{args.runs} done", file=sys.stderr, flush=True)
    table = {name: {"pages_per_s": round(statistics.median(x["pages_per_s"] for x in runs), 1),
                    "peak_rss_mb": round(statistics.median(x["rss_mb"] for x in runs), 1), "runs": len(runs)}
             for name, runs in results.items() if runs}
    crawl, floor = table["news-ingest crawl"], table["trafilatura.extract loop"]
    out = {"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
                      f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
           "pages": args.pages, "table": table,
           "ratio_vs_trafilatura": round(crawl["pages_per_s"] / floor["pages_per_s"], 3),
           "indexed": [x["indexed"] for x in results["news-ingest crawl"]],
           "news_please": "measured" if have_np else "not installed (pip install news-please)"}
    print(json.dumps(out, indent=1))
    print("\n| what | pages/s (median) | peak RSS MB (median) |\n|---|---|---|")
    for name, row in table.items():
        print(f"| {name} | {row['pages_per_s']} | {row['peak_rss_mb']} |")
    if args.json:
        Path(args.json).write_text(json.dumps({**out, "raw": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
