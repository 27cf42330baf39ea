"""Lease acknowledgement at the two ends of a request: the spider's output handed over, or the download
failed for good.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler

from crawler.frontier.scheduler import FRONTIER_DONE, FRONTIER_ITEM, LEASE_META

log = logging.getLogger(__name__)

class FrontierAckSpiderMiddleware:
    """Acknowledge a lease once the callback's whole output has been handed to the engine."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierAckSpiderMiddleware:
        return cls(crawler)

    def _done(self, response: Any) -> None:
        try:
            lease = response.meta.get(LEASE_META)
        except AttributeError:  # a response without a request (not one of ours)
            return
        if lease:
            self.crawler.signals.send_catch_log(FRONTIER_DONE, lease=lease)

    def _out(self, response: Any, item: Any) -> None:
        if not isinstance(item, Request):
            lease = getattr(response, "meta", {}).get(LEASE_META)
            if lease:
                self.crawler.signals.send_catch_log(FRONTIER_ITEM, lease=lease)

    async def process_spider_output_async(self, response: Any, result: Any) -> Any:
        async for item in result:
            self._out(response, item)
            yield item
        self._done(response)

    def process_spider_output(self, response: Any, result: Any) -> Any:
        for item in result:
            self._out(response, item)
            yield item
        self._done(response)

    def process_spider_exception(self, response: Any, exception: Exception) -> None:
        self._done(response)


class FrontierAckDownloaderMiddleware:
    """Acknowledge a lease when the download failed for good (retries exhausted, ignored, robots)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierAckDownloaderMiddleware:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        lease = request.meta.get(LEASE_META)
        if lease:
            # deferred so an errback still runs first; its new requests are queued by then
            from twisted.internet import reactor  # late: the reactor Scrapy installed

            reactor.callLater(0, self.crawler.signals.send_catch_log, FRONTIER_DONE, lease=lease)  # type: ignore
