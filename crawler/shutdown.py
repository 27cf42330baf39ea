"""A stop (SIGTERM, SIGINT, CloseSpider) ends the crawl within seconds, even behind long host delays.

Scrapy stops gracefully: it waits for every request it handed to the downloader, including those
queued in a host's slot behind that host's delay — with one robots.txt ``Crawl-delay`` of hours, one
SIGTERM never ends the crawl.  This extension watches the engine; once it is stopping it fails the
requests still *waiting* in the slot queues (``stopped_by_shutdown``, counted per source), so only the
transfers already on the wire are waited for (``DOWNLOAD_TIMEOUT`` bounds those).  Nothing is lost: a
crawl that did not finish saves no feed validators, so the next run discovers those articles again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from twisted.python.failure import Failure

log = logging.getLogger(__name__)
CHECK_SECONDS = 0.25


class StoppedByShutdown(IgnoreRequest):
    """A request that was still waiting for its host's turn when the crawl stopped."""

    reason = "stopped_by_shutdown"


class ShutdownDrain:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ShutdownDrain:
        ext = cls(crawler)
        crawler.signals.connect(ext.engine_started, signal=signals.engine_started)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def engine_started(self) -> None:
        self._task = asyncio.get_event_loop().create_task(self._watch())

    def engine_stopped(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _watch(self) -> None:
        engine = self.crawler.engine
        with contextlib.suppress(asyncio.CancelledError):
            while not engine.running:  # engine_started is sent before the engine runs
                await asyncio.sleep(CHECK_SECONDS)
            while engine.running:
                await asyncio.sleep(CHECK_SECONDS)
            while True:  # stopping: keep the slot queues empty until the engine is gone
                self.drain()
                await asyncio.sleep(CHECK_SECONDS)

    def drain(self) -> int:
        """Fail every request waiting in a downloader slot queue; returns how many."""
        downloader = self.crawler.engine.downloader
        n = 0
        for slot in list(downloader.slots.values()):
            if slot.latercall is not None:
                slot.latercall.cancel()
                slot.latercall = None
            while slot.queue:
                request, waiting = slot.queue.popleft()  # counted by the request's errback (its reason)
                waiting.errback(Failure(StoppedByShutdown(f"crawl stopped before {request.url} was fetched")))
                n += 1
        if n:
            log.info("stopping: %d queued request(s) not fetched (their hosts' delays)", n)
        return n
