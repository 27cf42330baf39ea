"""CPU-bound stages off the reactor thread, in worker processes that a poison page cannot take down
with it.

Scrapy runs downloads, callbacks and item pipelines on one thread.  Extraction and the text stages are
pure CPU (tens of milliseconds a page), so run inline they stall the downloader and the index stage,
and AutoThrottle reads the stall as server latency.  With ``STAGE_WORKERS`` = N > 0 each adapter sends
its stage function to one of N worker processes and awaits the result; 0 runs the stages inline
(without the protections below).

Workers are forked from a *fork server*, never from the crawler: the crawler process has a running
event loop and threads (the index stage's sender), and a child forked from it could inherit a held
lock.  The fork server is a fresh interpreter (started by multiprocessing's ``forkserver`` method,
single-threaded) that imports ``crawler.workers_preload`` once: the stage modules, their pattern data
and the language models (langdetect's profiles ~52 MB, py3langid's model ~74 MB), frozen out of the
garbage collector.  Each worker is a fork of it, so those pages are shared copy-on-write by every
worker (and every recycled one) instead of loaded again in each; ``make bench`` reports the workers'
PSS beside their RSS.  Where ``forkserver`` does not exist the workers are spawned and load their own.
Only this module and the pure ``pipelines`` modules are imported there, never Scrapy.  Arguments and
results are small pickles (a page's HTML in, an ``Article`` out) over one pipe per worker.

**Containment.**  Each worker runs one page at a time on its own pipe, so the parent always knows
which page a worker holds:

- a worker that dies (a crash in a C extension, the OOM killer) takes only its own page with it: that
  page is dead-lettered as ``worker_crash`` with its URL (``<dead letters>/pages/``), counted
  (``stage/worker_crash``, and dropped by the adapter as ``news/dropped/worker_crash``); a fresh worker
  replaces the dead one and every other page goes on in its own worker, untouched;
- a page whose stage runs longer than ``STAGE_TIMEOUT`` seconds (default 30) is stopped by a timer in
  the worker (``setitimer``), or, if the worker does not answer even then (stuck inside C code),
  the worker is killed ``STAGE_KILL_GRACE`` seconds later: the page is ``timeout`` (dead-lettered,
  counted, dropped with that reason);
- a worker is recycled after ``STAGE_WORKER_MAX_PAGES`` stage calls (default 1000: one call per page,
  feed or sitemap) to bound its memory.

``close()`` (at engine stop) only tells the workers to exit; a daemon thread reaps them, so the
reactor is never blocked while they go (the ``AlreadyCalledError`` tracebacks at the end of loaded
crawls came from a blocking shutdown).

``STAGE_PROFILE=dir`` writes a cProfile of each worker's page loop there (``worker-<pid>.prof``): where a
worker's CPU per page goes in a real crawl, IPC included.

``STAGE_TEST_HOOKS=1`` (tests only) makes a worker crash or hang on a page whose text contains
``news-ingest-test:crash-worker`` / ``news-ingest-test:hang-worker`` (``...:hang-worker-hard`` blocks
the timer signal too, like a stuck C call).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pipelines.crawl_config import MultiPage
from pipelines.page_reading import PageTask, read_page

if TYPE_CHECKING:  # the spawned workers import this module: keep Scrapy and the store out of them
    from scrapy.crawler import Crawler

    from news_ingest.config import StageConfig
    from news_ingest.store.spool import DeadLetters

log = logging.getLogger(__name__)
T = TypeVar("T")
_ATTR = "_news_stage_pool"
STARTUP_TIMEOUT = 180.0  # a spawned worker imports the stages and warms up before its first page
HOOK_CRASH, HOOK_HANG, HOOK_HANG_HARD = ("news-ingest-test:crash-worker", "news-ingest-test:hang-worker",
                                         "news-ingest-test:hang-worker-hard")


class StageFailed(Exception):
    """A stage did not finish for one page: ``reason`` is one of ``REASONS`` (``worker_crash``,
    ``timeout``).  It says nothing about the page itself (a loaded machine, a killed worker): the page is
    dead-lettered, and the next run fetches it again."""

    REASONS = ("worker_crash", "timeout")

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


class _Alarm(BaseException):
    """Raised in a worker by the stage timer (a BaseException: stage code must not swallow it)."""


# ----------------------------------------------------------------------------------- the worker
def _watch_parent(parent: int) -> None:
    """Exit when the crawler is gone: a ``kill -9``'d crawler cannot shut its workers down, and they
    would otherwise wait on their pipe forever.  ``parent`` is the process that started this worker:
    the fork server, which exits when the crawler does (or the crawler itself, when spawned)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


class _WarmRules:
    """A source that owns nothing, for the warm-up page."""

    multipage = MultiPage()

    def owns(self, url: str) -> bool:
        return False

    def url_rule(self, url: str) -> tuple[str, str | None]:
        return "none", None

    def is_article_url(self, url: str) -> bool:
        return False


_warmed = False  # True in the fork server once warm_up() ran there (and so in every worker forked of it)


def warm_up() -> None:
    """Load the stage modules, their pattern data and both language models now, not on the first
    page (in the fork server: once, for every worker).  Every language's patterns: the text stages
    compile a language's labels on its first article (~65 ms each, ~1.2 s for the 19 languages), which
    a worker otherwise paid on a page, again after each recycling; the languages without a pattern file
    share one scope, every file (~150 ms), compiled here too."""
    global _warmed
    from pipelines import dates, patterns
    from pipelines.enrich import analyze_text
    from pipelines.extract import warm_up as extract_warm_up
    from pipelines.language import langdetect_top, langid_top

    page = ("<html><head><title>Warm</title></head><body><article><p>"
            + "Pemerintah kota mengumumkan harga beras naik minggu ini. " * 12
            + "</p></article></body></html>")
    url = "http://127.0.0.1/warm"
    read_page(page.encode(), PageTask(url, "text/html; charset=utf-8", identity=url, url_rule="allow",
                                      hints={"language_hint": "id"}, run_chain=True), _WarmRules())
    text = ("JAKARTA (Antara) - Pemerintah kota mengumumkan harga beras naik minggu ini, kata pejabat.\n"
            "Para pedagang di pasar mengatakan pembeli mulai berkurang sejak awal bulan ini.\n"
            "Foto: Reuters\n")
    # the language given: each one's cleaning, attribution, line rules, and (cs: no pattern file of its own)
    # the all-files scope every language without a file shares
    for lang in (*patterns.languages(), "cs"):
        analyze_text(text, lang=lang)
    langdetect_top("The city council said on Monday that the price of rice rose this week.")
    langid_top("The city council said on Monday that the price of rice rose this week.")
    patterns.warm_up()  # what the text stages build lazily per scope, for every scope
    dates.warm_up()  # dateparser's time-zone regexes and locales, built on its first parse
    extract_warm_up()  # trafilatura's justext stoplist, built on the first page that falls back to justext
    _warmed = True


def _init_worker() -> None:
    """Watch the process that started this one; warm up unless the fork server already did."""
    threading.Thread(target=_watch_parent, args=(os.getppid(),), name="parent-watch", daemon=True).start()
    if not _warmed:
        warm_up()


def _test_hook(args: tuple[Any, ...]) -> None:
    """Tests only (STAGE_TEST_HOOKS=1): crash or hang on a marked page."""
    text = repr(args)[:2_000_000]
    if HOOK_CRASH in text:
        os.kill(os.getpid(), signal.SIGSEGV)  # what a libxml2 crash looks like from outside
    if HOOK_HANG_HARD in text:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # deaf to the timer, like C code
        time.sleep(3600)
    if HOOK_HANG in text:
        time.sleep(3600)


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Alarm()


def _worker_main(conn: Connection, hooks: bool, profile_dir: str | None = None) -> None:
    _init_worker()
    signal.signal(signal.SIGALRM, _on_alarm)
    _serve(conn, hooks, _Profile(profile_dir) if profile_dir else None)


class _Profile:
    """``STAGE_PROFILE=dir`` (in the crawl's environment): a cProfile of each worker's whole page loop
    (receiving a page, the stage, sending the answer back), written to ``dir/worker-<pid>.prof`` every
    ``every`` calls and when the worker exits (``python -m pstats``; a worker's end may come as the crawl
    exits, before a last write).  What the worker's CPU per page is made of, in a real crawl."""

    def __init__(self, directory: str, every: int = 50) -> None:
        import cProfile

        self.path = os.path.join(directory, f"worker-{os.getpid()}.prof")
        self.every, self.calls = every, 0
        self.prof = cProfile.Profile()
        self.prof.enable()

    def tick(self, done: bool = False) -> None:
        self.calls += 1
        if done or self.calls % self.every == 0:
            self.prof.disable()
            tmp = f"{self.path}.tmp"
            self.prof.dump_stats(tmp)
            os.replace(tmp, self.path)
            if not done:
                self.prof.enable()


def _serve(conn: Connection, hooks: bool, profile: _Profile | None = None) -> None:
    # the stage clock starts with a page, not with the start-up; CPU is counted from here too
    conn.send(("ready", os.getpid(), time.process_time()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            task = None
        if task is None:
            if profile is not None:
                profile.tick(done=True)
            return
        fn, args, timeout = task
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout)
            if hooks:
                _test_hook(args)
            result: tuple[str, Any] = ("ok", fn(*args))
        except _Alarm:
            result = ("timeout", f"{fn.__name__} ran over {timeout:g}s")
        except Exception as exc:  # noqa: BLE001 - the stage's own error goes back to the adapter
            result = ("error", exc)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        try:  # with this worker's CPU so far: the pool reports stage CPU per page (stage/worker_cpu_s)
            conn.send((*result, time.process_time()))
        except Exception as exc:  # noqa: BLE001 - an unpicklable result or error
            conn.send(("error", RuntimeError(f"{fn.__name__}: result could not be sent back: {exc!r}"),
                       time.process_time()))
        if profile is not None:
            profile.tick()


class _Worker:
    def __init__(self, ctx: Any, hooks: bool, profile_dir: str | None = None) -> None:
        self.conn, self._child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(self._child, hooks, profile_dir), daemon=True,
                                name="news-stage-worker")
        self.started = threading.Event()  # set once start() returned (or failed)
        self.pages = 0
        self.ready = False
        self.cpu = 0.0  # the worker's CPU seconds when it last answered (its start-up excluded)

    def start(self) -> None:
        """Start the process (blocking: the first start waits while the fork server loads the stages,
        so the pool calls this on a thread).  A start that fails closes the child's end: the pool then
        reads end-of-file and counts a worker that failed to start."""
        try:
            self.proc.start()
        except Exception as exc:  # noqa: BLE001 - any failure to start is the same failure here
            log.error("a stage worker could not be started: %s", exc, exc_info=True)
        finally:
            self._child.close()
            self.started.set()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self.proc.kill()


def _reap(workers: list[_Worker], grace: float = 10.0) -> None:
    """Wait for stopped workers off the reactor thread; kill the ones that do not go."""
    deadline = time.monotonic() + grace
    for w in workers:
        w.started.wait(max(0.0, deadline - time.monotonic()))
        if w.proc.pid is None:  # never started
            with contextlib.suppress(OSError):
                w.conn.close()
            continue
        w.proc.join(max(0.0, deadline - time.monotonic()))
        if w.proc.is_alive():
            w.kill()
            w.proc.join(2.0)
        with contextlib.suppress(OSError):
            w.conn.close()


PRELOAD = "crawler.workers_preload"  # what the fork server imports before it forks any worker


def worker_context() -> Any:
    """multiprocessing's ``forkserver`` context with the stages preloaded, or ``spawn`` where there is
    no fork server (not POSIX)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([PRELOAD])
    return ctx


def stage_config(crawler: Crawler) -> StageConfig:
    """``STAGE_*`` by the one precedence rule (news_ingest.config): defaults < the sources file's
    ``settings:`` < Scrapy ``-s`` < the environment; a bad value is a ConfigError naming the fix."""
    from news_ingest.config import StageConfig  # late: the config model is not needed in the workers
    from news_ingest.sources import configured

    return configured(StageConfig, scrapy=crawler.settings)


# ----------------------------------------------------------------------------------- the pool
class ReactorClock:
    """CPU seconds of the reactor thread (the crawler's main thread: downloads, callbacks, item
    pipelines) from engine start to spider close, and of the stage workers, put in the crawl's stats
    (``reactor/cpu_s``, ``stage/worker_cpu_s``): what ``make bench`` divides by the pages.  Both
    signals fire on the reactor thread, so ``time.thread_time`` reads that thread's clock."""

    def __init__(self, stats: Any, pool: StagePool) -> None:
        self.stats, self.pool, self.t0 = stats, pool, time.thread_time()
        # REACTOR_PROFILE=path: a cProfile of the reactor thread over the same span, written there
        # (``python -m pstats path``; what the bench's reactor figure is made of)
        self.profile_to = os.environ.get("REACTOR_PROFILE") or None
        self._profile: Any = None

    def start(self) -> None:
        self.t0 = time.thread_time()
        if self.profile_to:
            import cProfile

            self._profile = cProfile.Profile(time.thread_time)  # CPU, not wall
            self._profile.enable()  # this thread only: the reactor's

    def stop(self, spider: Any = None, reason: str = "") -> None:
        self.stats.set_value("reactor/cpu_s", round(time.thread_time() - self.t0, 3))
        self.stats.set_value("stage/worker_cpu_s", round(self.pool.cpu_s, 3))
        if self._profile is not None:
            self._profile.disable()
            self._profile.dump_stats(self.profile_to)
            self._profile = None


def _exchange(worker: _Worker, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float,
              limit: float) -> tuple[str, Any, float | None]:
    """On an io thread: send the worker its page, wait up to ``limit`` seconds for the answer, read it.
    (kind, value, the worker's CPU seconds so far); kind ``worker_crash`` or ``timeout`` (CPU None) when
    the worker died or did not answer in time."""
    try:
        task = ForkingPickler.dumps((fn, args, timeout))
    except Exception as exc:  # noqa: BLE001 - a page that cannot be sent: the worker never saw it
        return "error", exc, None
    try:
        worker.conn.send_bytes(task)
    except (OSError, ValueError) as exc:  # its pipe is gone: the worker died while idle
        return "worker_crash", f"worker exited ({worker.proc.exitcode}) before taking the page: {exc}", None
    try:
        if not worker.conn.poll(limit):
            return "timeout", f"{fn.__name__} did not answer within {limit:g}s; its worker was killed", None
        kind, value, cpu = worker.conn.recv()
    except (EOFError, OSError, ValueError):  # readable because the other end closed: the worker died
        worker.proc.join(1.0)
        return "worker_crash", f"worker died (exit code {worker.proc.exitcode})", None
    return kind, value, cpu


def _resolve(fut: asyncio.Future[Any], result: Any) -> None:
    if not fut.done():  # (cancelled: its page's worker was killed, the answer is nobody's)
        fut.set_result(result)


def _fail(fut: asyncio.Future[Any], exc: BaseException) -> None:
    if not fut.done():
        fut.set_exception(exc)


class _Lanes:
    """The threads that carry stage calls over the workers' pipes (``_exchange``), each call's answer
    handed to the event loop with one ``call_soon_threadsafe``: no executor future and no chaining of
    it to an asyncio future on the reactor thread for every page (issue 16: ``run_in_executor``'s
    submit and its completion were ~9% of the reactor's samples)."""

    def __init__(self, n: int) -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._run, name=f"stage-io-{i}", daemon=True)
                         for i in range(n)]
        for t in self._threads:
            t.start()

    def call(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        """``fn(*args)`` on a lane; an asyncio future of its result (on the running loop)."""
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._jobs.put((loop, fut, fn, args))
        return fut

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            loop, fut, fn, args = job
            try:
                result = fn(*args)
            except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable page: the caller's to raise
                with contextlib.suppress(RuntimeError):  # the loop is closed: the crawl is over
                    loop.call_soon_threadsafe(_fail, fut, exc)
                continue
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_resolve, fut, result)

    def close(self) -> None:
        for _ in self._threads:
            self._jobs.put(None)


class StagePool:
    """Runs stage functions in worker processes (or inline with 0 workers); closed with the engine."""

    def __init__(self, workers: int, timeout: float = 30.0, max_pages: int = 1000, kill_grace: float = 5.0,
                 stats: Any = None, dead_letters: DeadLetters | None = None) -> None:
        self.workers, self.timeout, self.max_pages, self.kill_grace = workers, timeout, max_pages, kill_grace
        self.stats, self.dead_letters = stats, dead_letters
        from news_ingest.config import parse_bool  # late: not in the workers

        self.hooks = parse_bool(os.environ.get("STAGE_TEST_HOOKS") or "0")
        self.profile_dir = os.environ.get("STAGE_PROFILE") or None  # see ``_Profile``
        self._ctx = worker_context()
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._closed = False
        self._clock: ReactorClock | None = None
        self.cpu_s = 0.0  # CPU seconds the workers spent on stage calls (stats: stage/worker_cpu_s)
        # pages and results go through the pipes on these threads, never on the reactor thread: a
        # multi-megabyte page does not fit a pipe's buffer, and a busy machine may not schedule the
        # reading worker at once.  One thread per worker (each holds one page at a time: its call's
        # thread waits for the answer), and two for calls whose worker was killed under them
        self._io = _Lanes(workers + 2) if workers else None

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> StagePool:
        """The crawler's one pool, created by the first adapter that asks."""
        from scrapy import signals  # late: not in the workers

        from news_ingest.store.indexer import IndexConfig
        from news_ingest.store.spool import DeadLetters

        pool = getattr(crawler, _ATTR, None)
        if pool is None:
            dead = Path(IndexConfig.from_env().dead_letter_dir) / "pages"
            cfg = stage_config(crawler)
            pool = cls(cfg.workers, timeout=cfg.timeout, max_pages=cfg.max_pages, kill_grace=cfg.kill_grace,
                       stats=crawler.stats, dead_letters=DeadLetters(dead))
            setattr(crawler, _ATTR, pool)
            crawler.signals.connect(pool.close, signal=signals.engine_stopped)
            clock = ReactorClock(crawler.stats, pool)
            crawler.signals.connect(clock.start, signal=signals.engine_started)
            crawler.signals.connect(clock.stop, signal=signals.spider_closed)
            pool._clock = clock  # kept alive: signal receivers are weak references
            if pool.workers:
                log.info("stages run in %d worker process(es), %gs per page at most", pool.workers,
                         pool.timeout)
        return pool

    def _start(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for _ in range(self.workers):
                self._add()
        return self._idle

    def _add(self) -> None:
        """A new worker, started on a thread (the first start waits for the fork server to load the
        stages: seconds the reactor must not wait); it joins the idle queue once its process exists."""
        worker = _Worker(self._ctx, self.hooks, self.profile_dir)
        self._all.add(worker)
        idle, loop = self._idle, asyncio.get_running_loop()
        assert idle is not None

        def start() -> None:
            worker.start()
            with contextlib.suppress(RuntimeError):  # the loop is closed: the crawl is over
                loop.call_soon_threadsafe(idle.put_nowait, worker)

        threading.Thread(target=start, name="stage-start", daemon=True).start()

    def _retire(self, worker: _Worker, kill: bool = False) -> None:
        """Take a worker out (stopped, or killed), reap it off the reactor thread, start a fresh one."""
        self._all.discard(worker)
        worker.kill() if kill else worker.stop()
        threading.Thread(target=_reap, args=([worker],), name="stage-reaper", daemon=True).start()
        if not self._closed:
            self._add()

    async def run(self, fn: Callable[..., T], *args: Any, page: dict[str, Any] | None = None) -> T:
        """``fn(*args)`` in a worker.  ``page`` ({"url", "source"}) names what is dead-lettered when the
        worker dies or the stage runs over its time: ``StageFailed`` is raised then."""
        if not self.workers:
            return fn(*args)
        idle = self._start()
        worker = await self._ready_worker(idle)
        try:
            kind, value = await self._call(worker, fn, args)
        except asyncio.CancelledError:  # the item was cancelled mid-stage: its worker is in an unknown state
            self._retire(worker, kill=True)
            raise
        if kind == "ok" or kind == "error":
            worker.pages += 1
            if worker.pages >= self.max_pages > 0:
                self._inc("stage/workers_recycled")
                self._retire(worker)
            else:
                idle.put_nowait(worker)
            if kind == "error":
                raise value
            return value
        # a crash, or a timeout: this page only; its worker is replaced
        self._retire(worker, kill=True)
        self._inc(f"stage/{kind}")
        url = (page or {}).get("url") or "?"
        log.error("stage %s %s for %s (%s); the page is dead-lettered, the crawl goes on",
                  fn.__name__, "crashed its worker" if kind == "worker_crash" else "timed out", url, value)
        if self.dead_letters is not None:
            try:
                self.dead_letters.write([(None, None, kind, {"url": url, "source": (page or {}).get("source"),
                                                             "stage": fn.__name__, "detail": str(value)})])
            except OSError as exc:
                log.error("could not dead-letter %s: %s", url, exc)
        raise StageFailed(kind, f"{fn.__name__}: {value}")

    async def _readable(self, worker: _Worker, timeout: float) -> bool:
        """Wait (without blocking the reactor) until the worker's pipe has data or is closed."""
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        fd = worker.conn.fileno()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(fd, wake)
        try:
            await asyncio.wait_for(ready, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            loop.remove_reader(fd)

    async def _ready_worker(self, idle: asyncio.Queue[_Worker]) -> _Worker:
        """An idle worker that has finished starting (a worker that dies starting is no page's fault)."""
        for _ in range(4):
            worker = await idle.get()
            if worker.ready:
                return worker
            try:
                if await self._readable(worker, STARTUP_TIMEOUT):
                    hello = worker.conn.recv()
                    if hello[0] == "ready":
                        worker.ready, worker.cpu = True, hello[2]
                        return worker
            except (EOFError, OSError):
                pass
            log.error("a stage worker failed to start (exit code %s); starting another", worker.proc.exitcode)
            self._retire(worker, kill=True)
        raise RuntimeError("stage workers keep failing to start; see the log above (STAGE_WORKERS=0 runs "
                           "the stages inline)")

    async def _call(self, worker: _Worker, fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
        """One stage call, its whole exchange with the worker (send, wait, receive) in one job on an io
        thread: the reactor thread hands the page over and is woken once, with the answer."""
        assert self._io is not None
        kind, value, cpu = await self._io.call(_exchange, worker, fn, args, self.timeout,
                                               self.timeout + self.kill_grace)
        if cpu is not None:
            self.cpu_s += cpu - worker.cpu
            worker.cpu = cpu
        return kind, value

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)

    def close(self) -> None:
        """Tell every worker to exit and return at once (they are reaped on a daemon thread)."""
        self._closed = True
        if self._io is not None:
            self._io.close()
        workers, self._all = list(self._all), set()
        for w in workers:
            w.stop()
        if workers:
            threading.Thread(target=_reap, args=(workers,), name="stage-reaper", daemon=True).start()
