"""End-to-end benchmark (``make bench``): a real crawl with every stage into a real node, side by side
with (a) a plain ``trafilatura.extract`` loop and (b) a news-please ``NewsPlease.from_html`` loop over the
same HTML.

    python -m bench.e2e [--pages 2000] [--runs 3] [--newsplease-pages N] [--url URL] [--json out.json]

The site: ``--pages`` article URLs on loopback (``bench/sitegen.py``), replicas of the real pages under
``--corpus`` (default the shared news set and the AEB extraction set), each replica's canonical/og:url
rewritten to its own URL; discovered like a real site (robots.txt, sitemap index, sitemaps, listing
pages, related links).  Replicas of one page are exact reprints, so the index stage links them as
syndicated copies: more index work than a real crawl, not less.

Without ``--url`` a private node (``news_ingest.devnode``) is started once, before any timing, and
removed at the end.  Each measurement runs in its own process, interleaved per run (crawl,
trafilatura, news-please, then the next run), so load from other users of the machine hits all three.

What is measured, per run:

- crawl: ``scrapy crawl news`` with every stage (fetch, extract, clean/language/attribution,
  fingerprints, bulk index with revision/syndication lookups, final flush and refresh).  Politeness is
  off for the loopback source (delay 0, 16 connections, AutoThrottle disabled); everything else is the
  shipped settings, including ``STAGE_WORKERS``.  ``pages/s`` = pages / Scrapy's
  ``elapsed_time_seconds`` (engine start to close: includes the worker pool's start, the index client,
  robots/sitemaps, all pages and the final flush; excludes only interpreter and Scrapy import/start-up);
  ``wall pages/s`` = pages / the whole process's wall time.
- loops: one process each; ``pages/s`` = pages / the loop's time (imports and reading the corpus
  excluded), ``wall pages/s`` = pages / the process's wall time.
- peak RSS: the crawl process plus its stage workers (summed, sampled every 0.2 s), the crawl process
  alone (``ru_maxrss``), the node during the crawl (sampled), each loop's ``ru_maxrss``.

Reported: medians over runs, and the ratio crawl / trafilatura loop (target >= 0.7).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWS_SHARED_DIR", ROOT.parent / "shared"))
DEFAULT_CORPUS = [SHARED / "bench" / "news", SHARED / "bench" / "extraction" / "aeb" / "html"]
# Scrapy settings for the loopback source: no politeness (it is our own server), nothing else changed.
BENCH_SETTINGS = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=32"]


# ---------------------------------------------------------------------------------- process memory


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out.extend(int(x) for x in f.read().split())
    except (OSError, ValueError):
        pass
    return out


def tree_rss_mb(pid: int) -> float:
    """RSS of ``pid`` plus all its descendants (a crawl and its stage workers), MB."""
    todo, total = [pid], 0
    while todo:
        p = todo.pop()
        total += _rss_kb(p)
        todo.extend(_children(p))
    return total / 1024


class Sampler:
    """Samples RSS of process trees in a thread: peak per name, and (t, MB) series when asked."""

    def __init__(self, pids: dict[str, int], every: float = 0.2, series: bool = False) -> None:
        self.pids, self.every, self.keep = pids, every, series
        self.peak: dict[str, float] = dict.fromkeys(pids, 0.0)
        self.series: list[tuple[float, dict[str, float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.t0 = time.monotonic()

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            now = {name: tree_rss_mb(pid) for name, pid in self.pids.items()}
            for name, mb in now.items():
                self.peak[name] = max(self.peak[name], mb)
            if self.keep:
                self.series.append((time.monotonic() - self.t0, now))
            self._stop.wait(self.every)


# ---------------------------------------------------------------------------------- node and site


def start_node(url: str | None) -> tuple[str, Any]:
    """(URL, devnode.Node or None): ``url`` as given, else a private node started now."""
    if url:
        return url.rstrip("/"), None
    from news_ingest import devnode

    node = devnode.start()
    return node.url, node


def stop_node(node: Any) -> None:
    if node is not None:
        from news_ingest import devnode

        devnode.stop(node)
        shutil.rmtree(node.workdir, ignore_errors=True)


def start_site(pages: int, corpus: list[str] | None) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "bench.sitegen", "--pages", str(pages)]
    if corpus:
        cmd += ["--corpus", *corpus]
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


def _delete_index(es_url: str, index: str) -> None:
    req = urllib.request.Request(f"{es_url}/{index}*?expand_wildcards=all", method="DELETE")
    with contextlib.suppress(OSError):
        urllib.request.urlopen(req, timeout=60).close()


def _scrapy_stat(log_text: str, key: str) -> Any:
    """A value from the final 'Dumping Scrapy stats' block (``'key': value,``)."""
    for line in reversed(log_text.splitlines()):
        line = line.strip()
        if line.startswith(f"'{key}':"):
            raw = line.split(":", 1)[1].strip().rstrip(",}")
            try:
                return json.loads(raw)
            except ValueError:
                return raw
    return None


def run_crawl(pages: int, corpus: list[str] | None, es_url: str, workdir: Path, node_pid: int | None,
              extra_env: dict[str, str] | None = None, series: bool = False) -> dict[str, Any]:
    """One ``scrapy crawl news`` of a fresh loopback site into a fresh index; numbers and RSS samples."""
    from bench.sitegen import sources_yaml

    server, base = start_site(pages, corpus)
    index = f"bench-{uuid.uuid4().hex[:8]}"
    try:
        (workdir / "sources.yaml").write_text(sources_yaml(base, concurrency=16))
        env = {**os.environ, "NEWS_SOURCES": str(workdir / "sources.yaml"), "ES_URL": es_url,
               "ES_INDEX": index, "INDEX_SPOOL_DIR": str(workdir / f"spool-{index}"), "LOG_LEVEL": "INFO",
               "NEWS_SUMMARY_FILE": str(workdir / f"{index}.summary.json"),
               **(extra_env or {})}
        env.pop("REDIS_URL", None)
        if not (extra_env or {}).get("WARC_DIR"):
            env.pop("WARC_DIR", None)
        log = workdir / f"{index}.log"
        cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=bench", *BENCH_SETTINGS]
        t0 = time.perf_counter()
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            pids = {"crawl": proc.pid, **({"node": node_pid} if node_pid else {})}
            with Sampler(pids, series=series) as sampler:
                _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(10)
    text = log.read_text(errors="replace")
    summary_file = workdir / f"{index}.summary.json"
    summary = json.loads(summary_file.read_text()) if summary_file.is_file() else {}
    elapsed = float(_scrapy_stat(text, "elapsed_time_seconds") or wall)
    indexed = _scrapy_stat(text, "news/indexed") or 0
    _delete_index(es_url, index)
    out: dict[str, Any] = {
        "exit": os.waitstatus_to_exitcode(status), "pages": pages, "indexed": indexed,
        "extracted": summary.get("extracted"), "wall_s": round(wall, 2), "crawl_s": round(elapsed, 2),
        "pages_per_s": pages / elapsed, "wall_pages_per_s": pages / wall,
        "rss_mb": round(sampler.peak["crawl"], 1), "rss_main_mb": round(usage.ru_maxrss / 1024, 1),
        "node_rss_mb": round(sampler.peak.get("node", 0.0), 1) or None, "log": str(log)}
    if series:
        out["series"] = sampler.series
    return out


# ---------------------------------------------------------------------------------- the two loops


def _loop(kind: str, pages: int, corpus: list[str]) -> int:
    """Child mode: extract every replica's HTML once with ``kind``; prints {found, loop_s}."""
    sys.path.insert(0, str(ROOT))
    from bench.sitegen import article_path, load_corpus, replica

    html = load_corpus(corpus)
    found = 0
    if kind == "trafilatura":
        import trafilatura

        t0 = time.perf_counter()
        for n in range(pages):
            url = f"http://127.0.0.1{article_path(n)}"
            page = replica(html[n % len(html)], url)
            found += bool(trafilatura.extract(page.decode("utf-8", "replace"), url=url))
    else:
        from newsplease import NewsPlease

        t0 = time.perf_counter()
        for n in range(pages):
            url = f"http://127.0.0.1{article_path(n)}"
            page = replica(html[n % len(html)], url)
            try:
                art = NewsPlease.from_html(page.decode("utf-8", "replace"), url=url, fetch_images=False)
                found += bool(art and art.maintext)
            except Exception:  # noqa: BLE001 - count what it fails on, as users would see
                pass
    print(json.dumps({"found": found, "loop_s": time.perf_counter() - t0}))
    return 0


def run_loop(kind: str, pages: int, corpus: list[str]) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.e2e", "--loop", kind, "--pages", str(pages), "--corpus", *corpus]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    try:
        res = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        res = {"found": None, "loop_s": wall}
    return {"exit": os.waitstatus_to_exitcode(status), "pages": pages, "found": res["found"],
            "wall_s": round(wall, 2), "loop_s": round(res["loop_s"], 2),
            "pages_per_s": pages / res["loop_s"], "wall_pages_per_s": pages / wall,
            "rss_mb": round(usage.ru_maxrss / 1024, 1)}


def machine() -> str:
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    return (f"{model or platform.machine()}, {os.cpu_count()} CPUs, {mem:.0f} GB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    vals = [r[key] for r in runs if r.get(key) is not None]
    return round(statistics.median(vals), 1) if vals else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--newsplease-pages", type=int, help="pages for the (slow) news-please loop "
                    "(default --pages; the first N replicas)")
    ap.add_argument("--corpus", nargs="*", default=[str(p) for p in DEFAULT_CORPUS])
    ap.add_argument("--url", default=os.environ.get("ES_BENCH_URL"),
                    help="an existing node (default: start a private one)")
    ap.add_argument("--json", help="write the results here too")
    ap.add_argument("--loop", choices=["trafilatura", "newsplease"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.loop:
        return _loop(args.loop, args.pages, args.corpus)
    try:
        import newsplease  # noqa: F401
        have_np = True
    except ImportError:
        have_np = False
    np_pages = args.newsplease_pages or args.pages
    names = {"crawl": "news-ingest crawl (fetch + every stage + index)",
             "trafilatura": "trafilatura.extract loop", "newsplease": "news-please from_html loop"}
    results: dict[str, list[dict[str, Any]]] = {k: [] for k in names}
    t_node = time.perf_counter()
    es_url, node = start_node(args.url)
    node_start_s = time.perf_counter() - t_node
    try:
        with tempfile.TemporaryDirectory(prefix="news-bench-") as tmp:
            for r in range(args.runs):
                results["crawl"].append(run_crawl(args.pages, args.corpus, es_url, Path(tmp),
                                                  node.pid() if node else None))
                results["trafilatura"].append(run_loop("trafilatura", args.pages, args.corpus))
                if have_np:
                    results["newsplease"].append(run_loop("newsplease", np_pages, args.corpus))
                last = {k: round(v[-1]["pages_per_s"], 1) for k, v in results.items() if v}
                print(f"run {r + 1}/{args.runs}: {last}", file=sys.stderr, flush=True)
    finally:
        stop_node(node)
    table = {}
    for key, runs in results.items():
        if runs:
            table[names[key]] = {
                "pages": runs[0]["pages"], "pages_per_s": _median(runs, "pages_per_s"),
                "wall_pages_per_s": _median(runs, "wall_pages_per_s"), "peak_rss_mb": _median(runs, "rss_mb"),
                "runs": len(runs)}
    crawl, floor = results["crawl"], results["trafilatura"]
    # per-run ratios (each pair ran back to back, under the same load), then their median
    ratios = [c["pages_per_s"] / f["pages_per_s"] for c, f in zip(crawl, floor, strict=True)]
    wall_ratios = [c["wall_pages_per_s"] / f["wall_pages_per_s"] for c, f in zip(crawl, floor, strict=True)]
    out = {"machine": machine(), "load_avg_at_end": os.getloadavg(), "pages": args.pages,
           "node": "private devnode" if node else es_url, "node_start_s": round(node_start_s, 1),
           "table": table,
           "ratio_vs_trafilatura": round(statistics.median(ratios), 2),
           "ratio_vs_trafilatura_wall": round(statistics.median(wall_ratios), 2),
           "crawl_process_rss_mb": _median(crawl, "rss_main_mb"),
           "node_rss_mb": _median(crawl, "node_rss_mb"),
           "indexed": [c["indexed"] for c in crawl], "crawl_exit": [c["exit"] for c in crawl],
           "found": {k: [x["found"] for x in results[k]] for k in ("trafilatura", "newsplease")},
           "news_please": "measured" if have_np else "not installed (pip install news-please)"}
    print(json.dumps(out, indent=1))
    print("\n| what | pages | pages/s (median) | wall pages/s | peak RSS MB |\n|---|---|---|---|---|")
    for name, row in table.items():
        print(f"| {name} | {row['pages']} | {row['pages_per_s']} | {row['wall_pages_per_s']} | "
              f"{row['peak_rss_mb']} |")
    print(f"\nratio crawl / trafilatura: {out['ratio_vs_trafilatura']} "
          f"(wall: {out['ratio_vs_trafilatura_wall']}); "
          f"node peak RSS during the crawl {out['node_rss_mb']} MB; "
          f"crawl main process {out['crawl_process_rss_mb']} MB")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({**out, "raw": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
