"""End-to-end benchmark (``make bench``): a real crawl with every stage into a real node, side by side
with (a) a plain ``trafilatura.extract`` loop and (b) a news-please ``NewsPlease.from_html`` loop over the
same HTML.

    python -m bench.e2e [--pages 2000] [--runs 3] [--newsplease-pages N] [--url URL] [--json out.json]
                        [--crawl-only] [--against NAME=PATH ...]   (the crawl beside another checkout's)

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
- peak RSS and PSS: the crawl process plus its fork server and stage workers (each summed, sampled
  every 0.2 s; PSS divides each shared page among the processes mapping it, so the workers' shared
  copy of the language models counts once — the memory target is on PSS), each kind of process on its
  own (``/proc/PID/smaps_rollup``), the crawl process
  alone (sampled without its workers), the node during the crawl (sampled), each loop's ``ru_maxrss``.

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
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bench.shared_data import shared_dir  # noqa: E402

SHARED = shared_dir()
DEFAULT_CORPUS = [SHARED / "bench" / "news", SHARED / "bench" / "extraction" / "aeb" / "html"]
# Scrapy settings for the loopback source: no politeness (it is our own server), nothing else changed.
BENCH_SETTINGS = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=32"]


# ---------------------------------------------------------------------------------- process memory


def _proc_kb(path: str, field: str) -> int:
    """``field:`` (kB) from a /proc file; 0 when the process is gone."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _rss_kb(pid: int) -> int:
    return _proc_kb(f"/proc/{pid}/status", "VmRSS:")


def _pss_kb(pid: int) -> int:
    """Proportional set size: each shared page divided among the processes mapping it (the stage
    workers share the fork server's language models copy-on-write; RSS counts those pages in each)."""
    return _proc_kb(f"/proc/{pid}/smaps_rollup", "Pss:")


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of the process itself, not of its children; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, ValueError, IndexError):
        return 0.0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out.extend(int(x) for x in f.read().split())
    except (OSError, ValueError):
        pass
    return out


def tree_pids(pid: int) -> list[int]:
    """``pid`` and all its descendants (a crawl, its fork server and stage workers)."""
    todo, out = [pid], []
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


def tree_rss_mb(pid: int) -> float:
    """RSS of ``pid`` plus all its descendants, MB (shared pages counted once per process)."""
    return sum(_rss_kb(p) for p in tree_pids(pid)) / 1024


def tree_pss_mb(pid: int) -> float:
    """PSS of ``pid`` plus all its descendants, MB: the memory the tree really uses."""
    return sum(_pss_kb(p) for p in tree_pids(pid)) / 1024


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def role(pid: int, root: int, parent: int | None = None) -> str:
    """What a process of a crawl's tree is: the crawl, the fork server, a stage worker (forked from the
    fork server, or spawned), multiprocessing's resource tracker."""
    if pid == root:
        return "crawl"
    cmd = _cmdline(pid)
    if "multiprocessing.resource_tracker" in cmd:
        return "resource tracker"
    if "multiprocessing.forkserver" in cmd:  # a worker forked from the server keeps its command line
        forked = parent is not None and "multiprocessing.forkserver" in _cmdline(parent)
        return "stage worker" if forked else "fork server"
    return "stage worker"


class Sampler:
    """Samples RSS and PSS of process trees in a thread: the peak of each tree's sum per name, the peak
    of each process role (crawl, fork server, each stage worker), and (t, MB) series when asked.  Names
    in ``alone`` are measured without their descendants (the crawl process without its workers)."""

    def __init__(self, pids: dict[str, int], every: float = 0.2, series: bool = False,
                 alone: frozenset[str] = frozenset()) -> None:
        self.pids, self.every, self.keep, self.alone = pids, every, series, alone
        self.peak: dict[str, float] = dict.fromkeys(pids, 0.0)  # RSS, MB
        self.peak_pss: dict[str, float] = dict.fromkeys(pids, 0.0)
        # per tree and role: the largest single process's RSS / PSS, and how many there were at most
        self.roles: dict[str, dict[str, dict[str, float]]] = {n: {} for n in pids}
        # CPU of the tree's processes that the root's wait4 does not count (it counts only children it
        # reaped: the fork server, its workers and the resource tracker outlive the crawl process)
        self.cpu: dict[str, dict[int, float]] = {n: {} for n in pids}
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

    def sample(self) -> dict[str, float]:
        now: dict[str, float] = {}
        for name, root in self.pids.items():
            procs: list[tuple[int, int | None]] = [(root, None)]
            if name not in self.alone:
                procs, todo = [], list(procs)
                while todo:
                    pid, parent = todo.pop()
                    procs.append((pid, parent))
                    todo.extend((c, pid) for c in _children(pid))
            rss = pss = 0.0
            counts: dict[str, int] = {}
            for pid, parent in procs:
                r, q = _rss_kb(pid) / 1024, _pss_kb(pid) / 1024
                rss, pss = rss + r, pss + q
                if name not in self.alone and r:
                    kind = role(pid, root, parent)
                    if pid != root and (parent != root or kind in ("fork server", "resource tracker")):
                        self.cpu[name][pid] = max(self.cpu[name].get(pid, 0.0), _cpu_s(pid))
                    counts[kind] = counts.get(kind, 0) + 1
                    peak = self.roles[name].setdefault(kind, {"rss_mb": 0.0, "pss_mb": 0.0, "count": 0})
                    peak["rss_mb"], peak["pss_mb"] = max(peak["rss_mb"], r), max(peak["pss_mb"], q)
            for kind, n in counts.items():
                self.roles[name][kind]["count"] = max(self.roles[name][kind]["count"], n)
            self.peak[name] = max(self.peak[name], rss)
            self.peak_pss[name] = max(self.peak_pss[name], pss)
            now[name], now[f"{name}_pss"] = rss, pss
        return now

    def _run(self) -> None:
        while not self._stop.is_set():
            now = self.sample()
            if self.keep:
                self.series.append((time.monotonic() - self.t0, now))
            self._stop.wait(self.every)

    def unreaped_cpu_s(self, name: str) -> float:
        """CPU seconds of the tree's processes that its root does not reap (sampled: up to ``every``
        seconds of each one's last CPU is missed)."""
        return sum(self.cpu[name].values())

    def processes(self, name: str) -> dict[str, dict[str, float]]:
        """{role: {rss_mb, pss_mb (the largest process of that role), count}} of one tree."""
        return {k: {m: round(v, 1) for m, v in d.items()} for k, d in self.roles[name].items()}


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


def start_site(pages: int, corpus: list[str] | None, root: Path = ROOT) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "bench.sitegen", "--pages", str(pages)]
    if corpus:
        cmd += ["--corpus", *corpus]
    server = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, text=True)
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


def _start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server not installed. Fix: make system-deps (or --processes 1)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir),
                             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 20
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return proc, url
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def run_crawl(pages: int, corpus: list[str] | None, es_url: str, workdir: Path, node_pid: int | None,
              extra_env: dict[str, str] | None = None, series: bool = False,
              processes: int = 1, root: Path = ROOT) -> dict[str, Any]:
    """One crawl of a fresh loopback site into a fresh index; numbers and memory samples.  One
    ``scrapy crawl news`` process, or ``processes`` > 1 of them sharing the crawl through a private
    redis-server (the shared frontier, ``crawler/frontier/``): then pages/s is over the first start to
    the last exit (no one engine clock spans N processes).  ``root``: the checkout whose crawler runs
    (``--against``: another one, side by side with this one)."""
    from bench.sitegen import sources_yaml

    extra_env = extra_env or {}
    n = max(1, processes)
    server, base = start_site(pages, corpus, root)
    redis_proc: subprocess.Popen[bytes] | None = None
    index = f"bench-{uuid.uuid4().hex[:8]}"
    procs: list[subprocess.Popen[bytes]] = []
    ends: list[tuple[int, Any]] = []  # (wait status, rusage) per process
    logs = [workdir / (f"{index}.log" if n == 1 else f"{index}-{k}.log") for k in range(n)]
    try:
        (workdir / "sources.yaml").write_text(sources_yaml(base, concurrency=16))
        shared: dict[str, str] = {}
        if n > 1:
            redis_proc, redis_url = _start_redis(workdir)
            shared = {"REDIS_URL": redis_url, "FRONTIER_KEY": f"bench-{index}"}
        cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=bench", *BENCH_SETTINGS]
        t0 = time.perf_counter()
        for k in range(n):
            env = {**os.environ, "NEWS_SOURCES": str(workdir / "sources.yaml"), "ES_URL": es_url,
                   "ES_INDEX": index, "INDEX_SPOOL_DIR": str(workdir / f"spool-{index}-{k}"),
                   "LOG_LEVEL": "INFO", "NEWS_SUMMARY_FILE": str(workdir / f"{index}-{k}.summary.json"),
                   **shared, **extra_env}
            if n == 1:
                env.pop("REDIS_URL", None)
            else:
                env["NEWS_HOME"] = str(workdir / f"home-{index}-{k}")
            if n > 1 or not extra_env.get("WARC_DIR"):
                env.pop("WARC_DIR", None)
            with open(logs[k], "wb") as log_file:
                procs.append(subprocess.Popen(cmd, cwd=root, env=env, stdout=log_file,
                                              stderr=subprocess.STDOUT))
        trees = {f"crawl{k}": p.pid for k, p in enumerate(procs)}
        mains = {f"main{k}": p.pid for k, p in enumerate(procs)}  # each crawl process without its workers
        with Sampler({**trees, **mains, **({"node": node_pid} if node_pid else {})}, series=series,
                     alone=frozenset(mains)) as sampler:
            for p in procs:
                _, status, usage = os.wait4(p.pid, 0)
                ends.append((status, usage))
        wall = time.perf_counter() - t0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        server.terminate()
        server.wait(10)
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait(10)
    texts = [lg.read_text(errors="replace") for lg in logs]
    _delete_index(es_url, index)
    # one process: its engine clock (engine start to close); N: the wall time of all of them
    elapsed = float(_scrapy_stat(texts[0], "elapsed_time_seconds") or wall) if n == 1 else wall
    summary_file = workdir / f"{index}-0.summary.json"
    summary = json.loads(summary_file.read_text()) if n == 1 and summary_file.is_file() else {}
    reactor = [_scrapy_stat(t, "reactor/cpu_s") for t in texts]
    worker = [_scrapy_stat(t, "stage/worker_cpu_s") for t in texts]
    tree_cpu = (sum(u.ru_utime + u.ru_stime for _, u in ends)
                + sum(sampler.unreaped_cpu_s(k) for k in trees))

    def per_page(values: list[Any]) -> float | None:
        return round(1000 * sum(values) / pages, 2) if all(v is not None for v in values) else None

    out: dict[str, Any] = {
        "exit": max(os.waitstatus_to_exitcode(st) for st, _ in ends), "pages": pages,
        "indexed": sum(_scrapy_stat(t, "news/indexed") or 0 for t in texts),
        "extracted": summary.get("extracted"), "wall_s": round(wall, 2), "crawl_s": round(elapsed, 2),
        "pages_per_s": pages / elapsed, "wall_pages_per_s": pages / wall,
        # each crawl process alone is sampled too: its ru_maxrss from wait4 would be the largest of it
        # and the children it reaped
        "rss_mb": round(sum(sampler.peak[k] for k in trees), 1),
        "pss_mb": round(sum(sampler.peak_pss[k] for k in trees), 1),
        "rss_main_mb": round(max(sampler.peak[k] for k in mains), 1),
        "processes_mb": sampler.processes("crawl0"),
        "node_rss_mb": round(sampler.peak.get("node", 0.0), 1) or None,
        # CPU per article page: the reactor threads (reactor/cpu_s, engine start to close, measured in
        # the crawl by crawler.workers.ReactorClock), the stage workers' stage calls
        # (stage/worker_cpu_s), and every process (wait4: each crawl with its threads and the children
        # it reaped, start-up and imports included; plus the sampled CPU of the fork server, its
        # workers and the resource tracker, which the crawl does not reap)
        "reactor_ms_per_page": per_page(reactor), "worker_ms_per_page": per_page(worker),
        "cpu_ms_per_page": round(1000 * tree_cpu / pages, 2),
        "log": str(logs[0]) if n == 1 else [str(lg) for lg in logs]}
    if n > 1:
        out["processes"] = n
    if series:
        out["series"] = sampler.series
    return out


def run_plain(pages: int, corpus: list[str] | None, es_url: str, workdir: Path) -> dict[str, Any]:
    """The plain Scrapy + trafilatura + helpers.bulk spider (``bench/plain_spider.py``), run from an
    empty directory so that none of the project's settings apply."""
    server, base = start_site(pages, corpus)
    index = f"bench-plain-{uuid.uuid4().hex[:8]}"
    empty = workdir / f"plain-{index}"
    empty.mkdir()
    log = workdir / f"{index}.log"
    try:
        cmd = [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "bench" / "plain_spider.py"),
               "-a", f"base={base}", "-s", f"ES_URL={es_url}", "-s", f"ES_INDEX={index}"]
        env = {k: v for k, v in os.environ.items() if k not in ("SCRAPY_SETTINGS_MODULE", "REDIS_URL")}
        t0 = time.perf_counter()
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=empty, env=env, stdout=out, stderr=subprocess.STDOUT)
            with Sampler({"plain": proc.pid}) as sampler:
                _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(10)
    text = log.read_text(errors="replace")
    elapsed = float(_scrapy_stat(text, "elapsed_time_seconds") or wall)
    _delete_index(es_url, index)
    return {"exit": os.waitstatus_to_exitcode(status), "pages": pages,
            "indexed": _scrapy_stat(text, "plain/indexed"), "wall_s": round(wall, 2),
            "crawl_s": round(elapsed, 2), "pages_per_s": pages / elapsed, "wall_pages_per_s": pages / wall,
            "rss_mb": round(sampler.peak["plain"], 1), "pss_mb": round(sampler.peak_pss["plain"], 1),
            "cpu_ms_per_page": round(1000 * (usage.ru_utime + usage.ru_stime) / pages, 2), "log": str(log)}


# ---------------------------------------------------------------------------------- the loops
def _pool_extract(item: tuple[str, str]) -> bool:
    import trafilatura

    return bool(trafilatura.extract(item[0], url=item[1]))


def _pool_warm(_: int) -> int:
    import trafilatura

    trafilatura.extract("<html><body><article><p>" + "Warm up text here. " * 30 + "</p></article></body>"
                        "</html>", url="http://127.0.0.1/warm")
    return os.getpid()



def _loop(kind: str, pages: int, corpus: list[str]) -> int:
    """Child mode: extract every replica's HTML once with ``kind``; prints {found, loop_s}."""
    sys.path.insert(0, str(ROOT))
    from bench.sitegen import article_path, load_corpus, replica

    html = load_corpus(corpus)
    found = 0
    if kind == "trafilatura-pool":
        # the limit on this machine: trafilatura on every core (the pool started and warmed first)
        from concurrent.futures import ProcessPoolExecutor

        cores = os.cpu_count() or 1
        with ProcessPoolExecutor(cores) as pool:
            list(pool.map(_pool_warm, range(cores * 2)))
            t0 = time.perf_counter()
            urls = [f"http://127.0.0.1{article_path(n)}" for n in range(pages)]
            work = ((replica(html[n % len(html)], u).decode("utf-8", "replace"), u)
                    for n, u in enumerate(urls))
            found = sum(pool.map(_pool_extract, work, chunksize=4))
            loop_s = time.perf_counter() - t0
        print(json.dumps({"found": found, "loop_s": loop_s}))
        return 0
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
    with Sampler({"loop": proc.pid}) as sampler:  # with a pool: the parent and its processes
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
            "rss_mb": round(max(usage.ru_maxrss / 1024, sampler.peak["loop"]), 1),
            "pss_mb": round(sampler.peak_pss["loop"], 1),
            "cpu_ms_per_page": round(1000 * (usage.ru_utime + usage.ru_stime) / pages, 2)}


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
    ap.add_argument("--workers", default="2,1", help="STAGE_WORKERS of the crawl runs, comma-separated "
                    "(the first is the crawl the ratios are for)")
    ap.add_argument("--processes", type=int, default=2, help="also N crawler processes sharing one Redis "
                    "frontier, STAGE_WORKERS=1 each (0 or 1: not run)")
    ap.add_argument("--no-plain", action="store_true", help="without the plain Scrapy spider")
    ap.add_argument("--crawl-only", action="store_true", help="only the crawl runs: no trafilatura, plain "
                    "spider or news-please loops")
    ap.add_argument("--against", action="append", default=[], metavar="NAME=PATH",
                    help="also crawl with the checkout at PATH (e.g. `git worktree add /tmp/base main`), "
                    "interleaved with this one run by run, the order alternated; every crawl then gets a "
                    "fresh NEWS_HOME (no template model carried between runs or checkouts)")
    ap.add_argument("--loop", choices=["trafilatura", "trafilatura-pool", "newsplease"],
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.loop:
        return _loop(args.loop, args.pages, args.corpus)
    against = {name: Path(path).resolve() for name, _, path in (a.partition("=") for a in args.against)}
    if any(not (path / "crawler" / "settings.py").is_file() for path in against.values()):
        ap.error("--against NAME=PATH: PATH must be a checkout of this project")
    try:
        import newsplease  # noqa: F401
        have_np = not args.crawl_only
    except ImportError:
        have_np = False
    np_pages = args.newsplease_pages or args.pages
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    names = {f"crawl-w{w}": f"news-ingest crawl, STAGE_WORKERS={w} (fetch + every stage + index)"
             for w in workers}
    for name, path in against.items():
        names.update({f"crawl-w{w}@{name}": f"the same crawl, STAGE_WORKERS={w}, checkout {name} ({path})"
                      for w in workers})
    if args.processes > 1:
        names[f"crawl-p{args.processes}"] = (f"news-ingest crawl, {args.processes} processes sharing one "
                                              "Redis frontier, STAGE_WORKERS=1 each")
    if not args.crawl_only:
        names.update({"pool": f"trafilatura.extract, process pool of {os.cpu_count()} (one per core)",
                      "trafilatura": "trafilatura.extract loop, one process"})
    if not args.no_plain and not args.crawl_only:
        names["plain"] = "plain Scrapy spider + trafilatura.extract + helpers.bulk, one process"
    if have_np:
        names["newsplease"] = "news-please from_html loop"
    results: dict[str, list[dict[str, Any]]] = {k: [] for k in names}
    t_node = time.perf_counter()
    es_url, node = start_node(args.url)
    node_start_s = time.perf_counter() - t_node
    try:
        with tempfile.TemporaryDirectory(prefix="news-bench-") as tmp:
            node_pid = node.pid() if node else None
            for r in range(args.runs):  # interleaved: every method once per run, under the same load
                for w in workers:
                    trees = [("", ROOT), *((f"@{name}", path) for name, path in against.items())]
                    for suffix, root in (trees if r % 2 == 0 else trees[::-1]):
                        env = {"STAGE_WORKERS": str(w)}
                        if against:
                            env["NEWS_HOME"] = tempfile.mkdtemp(prefix="home-", dir=tmp)
                        results[f"crawl-w{w}{suffix}"].append(run_crawl(args.pages, args.corpus, es_url,
                                                                        Path(tmp), node_pid, env, root=root))
                if "pool" in results:
                    results["pool"].append(run_loop("trafilatura-pool", args.pages, args.corpus))
                if "plain" in results:
                    results["plain"].append(run_plain(args.pages, args.corpus, es_url, Path(tmp)))
                if args.processes > 1:
                    results[f"crawl-p{args.processes}"].append(run_crawl(
                        args.pages, args.corpus, es_url, Path(tmp), node_pid, {"STAGE_WORKERS": "1"},
                        processes=args.processes))
                if "trafilatura" in results:
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
            table[key] = {
                "what": names[key], "pages": runs[0]["pages"], "pages_per_s": _median(runs, "pages_per_s"),
                "wall_pages_per_s": _median(runs, "wall_pages_per_s"), "peak_rss_mb": _median(runs, "rss_mb"),
                "peak_pss_mb": _median(runs, "pss_mb"),
                "reactor_ms_per_page": _median(runs, "reactor_ms_per_page"),
                "worker_ms_per_page": _median(runs, "worker_ms_per_page"),
                "cpu_ms_per_page": _median(runs, "cpu_ms_per_page"), "runs": len(runs)}
    crawl = results[f"crawl-w{workers[0]}"]

    def ratio(other: str, key: str = "pages_per_s") -> float | None:
        # per-run ratios (each pair ran in the same run, under the same load), then their median
        if not results.get(other):
            return None
        vals = [c[key] / o[key] for c, o in zip(crawl, results[other], strict=True)]
        return round(statistics.median(vals), 2)

    reactor = _median(crawl, "reactor_ms_per_page")
    ratios = {f"crawl / {k}": ratio(k) for k in names if k != f"crawl-w{workers[0]}"}
    for name in against:  # the reactor figure side by side: this checkout's over the other's, per run
        ratios[f"reactor ms/page / {name}'s"] = ratio(f"crawl-w{workers[0]}@{name}", "reactor_ms_per_page")
    out = {"machine": machine(), "load_avg_at_end": os.getloadavg(), "pages": args.pages,
           "node": "private devnode" if node else es_url, "node_start_s": round(node_start_s, 1),
           "crawl": f"crawl-w{workers[0]}", "table": table, "ratios": ratios,
           "ratio_vs_pool_wall": ratio("pool", "wall_pages_per_s"),
           "targets": {"crawl / pool >= 0.8": ratios.get("crawl / pool"),
                       "crawl / plain >= 2": ratios.get("crawl / plain"),
                       "reactor ms/page <= 5": reactor,
                       "peak PSS MB (crawl + workers) <= 600": _median(crawl, "pss_mb")},
           "peak_rss_sum_mb": _median(crawl, "rss_mb"),  # shared pages counted once per process
           "crawl_processes_mb": crawl[-1].get("processes_mb") if crawl else None,
           # one crawler process cannot pass 1000 / reactor ms pages/s, however many cores it has
           "reactor_ceiling_pages_per_s": round(1000 / reactor, 1) if reactor else None,
           "crawl_process_rss_mb": _median(crawl, "rss_main_mb"),
           "node_rss_mb": _median(crawl, "node_rss_mb"),
           "indexed": {k: [x.get("indexed") for x in v] for k, v in results.items() if k.startswith(("crawl",
                                                                                                    "plain"))},
           "exit": {k: [x["exit"] for x in v] for k, v in results.items()},
           "found": {k: [x["found"] for x in results[k]] for k in ("pool", "trafilatura", "newsplease")
                     if k in results},
           "news_please": "measured" if have_np else "not installed (make bench-deps)"}
    print(json.dumps(out, indent=1))
    print("\n| what | pages | pages/s (median) | wall pages/s | reactor ms/page | worker ms/page | "
          "CPU ms/page (all processes) | peak RSS MB | peak PSS MB |\n|---|---|---|---|---|---|---|---|---|")
    for row in table.values():
        print(f"| {row['what']} | {row['pages']} | {row['pages_per_s']} | {row['wall_pages_per_s']} | "
              f"{row['reactor_ms_per_page'] if row['reactor_ms_per_page'] is not None else '-'} | "
              f"{row['worker_ms_per_page'] if row['worker_ms_per_page'] is not None else '-'} | "
              f"{row['cpu_ms_per_page']} | {row['peak_rss_mb']} | {row['peak_pss_mb']} |")
    print("\nratios (median of per-run ratios): " + ", ".join(f"{k} {v}" for k, v in ratios.items()))
    print(f"reactor {reactor} ms per article page -> one crawler process tops out near "
          f"{out['reactor_ceiling_pages_per_s']} pages/s; node peak RSS during the crawl "
          f"{out['node_rss_mb']} MB; "
          f"crawl main process {out['crawl_process_rss_mb']} MB")
    print("crawl (last run), each kind of process, the largest one's peak RSS / PSS MB: " + "; ".join(
        f"{kind} x{d['count']:g} {d['rss_mb']} / {d['pss_mb']}"
        for kind, d in (out["crawl_processes_mb"] or {}).items()) + f"; RSS summed over the processes "
        f"{out['peak_rss_sum_mb']} MB (shared pages counted in each)")
    for name, value in out["targets"].items():  # one line per target of issue 16, met or not
        what, _, limit = name.rpartition(" ")
        op = what.rsplit(" ", 1)[-1]
        met = value is not None and (value >= float(limit) if op == ">=" else value <= float(limit))
        print(f"target {name}: {value if value is not None else 'not measured'} "
              f"({'met' if met else 'MISSED'}; load {os.getloadavg()[0]:.1f})")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({**out, "raw": results}, indent=1))
    failed = {k: codes for k, codes in out["exit"].items() if any(codes)}
    if failed:  # a failed run's speed is no result
        print(f"error: runs failed (exit codes {failed}); see the logs named in the JSON", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
