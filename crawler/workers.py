"""CPU-bound stages off the reactor thread: one process pool shared by the stage adapters.

Scrapy runs downloads, callbacks and item pipelines on one thread.  Extraction and the text stages are
pure CPU (tens of milliseconds a page), so run inline they stall the downloader and the index stage,
and AutoThrottle reads the stall as server latency.  With ``STAGE_WORKERS`` = N > 0 each adapter sends
its stage function to one of N worker processes and awaits the result; 0 runs the stages inline.

Workers are *spawned* (not forked): the crawler process has a running event loop and threads (the
index stage's sender), and a forked child could inherit a held lock.  Only the pure ``pipelines``
modules are imported there, never Scrapy.  Arguments and results are small pickles (a page's HTML
in, an ``Article`` out).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler

from pipelines.process import process_page

log = logging.getLogger(__name__)
T = TypeVar("T")
_ATTR = "_news_stage_pool"


def _watch_parent(parent: int) -> None:
    """Exit when the crawler is gone: a ``kill -9``'d crawler cannot shut its pool down, and its
    workers would otherwise wait on their task queue forever."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _init_worker(parent: int) -> None:
    """Watch the parent; load the stage modules and their pattern data now, not on the first page."""
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()
    page = ("<html><head><title>Warm</title></head><body><article><p>"
            + "Pemerintah kota mengumumkan harga beras naik minggu ini. " * 12
            + "</p></article></body></html>")
    process_page(page, "http://127.0.0.1/warm", {"language_hint": "id"})


def worker_count(crawler: Crawler) -> int:
    """``STAGE_WORKERS`` from the environment, else the Scrapy setting (default in crawler/settings.py)."""
    raw = os.environ.get("STAGE_WORKERS") or crawler.settings.get("STAGE_WORKERS", 0)
    try:
        n = int(raw)
    except (TypeError, ValueError):
        raise ValueError(f"STAGE_WORKERS={raw!r} is not a number. Fix: STAGE_WORKERS=2 (0 = inline)") \
            from None
    if n < 0:
        raise ValueError(f"STAGE_WORKERS={n} is negative. Fix: STAGE_WORKERS=0 (inline) or more")
    return n


class StagePool:
    """Runs stage functions in worker processes (or inline with 0 workers); closed with the engine."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> StagePool:
        """The crawler's one pool, created by the first adapter that asks."""
        pool = getattr(crawler, _ATTR, None)
        if pool is None:
            pool = cls(worker_count(crawler))
            setattr(crawler, _ATTR, pool)
            crawler.signals.connect(pool.close, signal=signals.engine_stopped)
            if pool.workers:
                log.info("stages run in %d worker process(es)", pool.workers)
        return pool

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            spawn = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(self.workers, mp_context=spawn, initializer=_init_worker,
                                                 initargs=(os.getpid(),))
        return self._executor

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if not self.workers:
            return fn(*args)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool(), fn, *args)
        except BrokenProcessPool:
            # a worker died (OOM killer, a crash in a C extension): start a fresh pool for the next
            # items and run this one here, so the page is not lost
            log.warning("a stage worker died; restarting the pool, running %s inline once", fn.__name__)
            broken, self._executor = self._executor, None
            if broken is not None:
                broken.shutdown(wait=False, cancel_futures=True)
            return fn(*args)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
