"""Downloader middleware that keeps the crawl on its sources and off internal networks.

Runs before robots.txt handling, so a refused host is never contacted at all (not even for its
robots.txt).  Applies to every request including redirect targets, which pass through the
downloader middlewares again: an off-site redirect is refused here.  Which addresses are internal
is ``news_ingest.netpolicy`` (``news-ingest explain`` asks the same module).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from news_ingest.netpolicy import METADATA_HOSTS, address_verdict, resolve
from news_ingest.sources import Source, source_for_url

log = logging.getLogger(__name__)


class Refused(IgnoreRequest):
    """A request the crawler must not make; ``reason`` becomes the drop-reason stat."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


class SafetyMiddleware:
    """Refuse off-source hosts, off-site redirects and internal addresses; apply per-host politeness."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._addresses: dict[str, list[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafetyMiddleware:
        return cls(crawler)

    def _source(self, request: Any, spider: Any) -> Source | None:
        sources: dict[str, Source] = getattr(spider, "sources", {}) or {}
        name = request.meta.get("news_source")
        if name in sources:
            return sources[name]
        return source_for_url(sources, request.url)  # e.g. Scrapy's own robots.txt requests

    async def process_request(self, request: Any, spider: Any = None) -> None:
        spider = spider or self.crawler.spider
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise Refused("bad_scheme", request.url)
        host = (parts.hostname or "").lower().rstrip(".")
        src = self._source(request, spider)
        if src is None or not src.owns_host(host):
            reason = "offsite_redirect" if request.meta.get("redirect_urls") else "offsite"
            raise Refused(reason, f"{host} is not a domain of source {getattr(src, 'name', '?')}")
        if host in METADATA_HOSTS:
            raise Refused("metadata_address", host)
        addresses = self._addresses.get(host)
        if addresses is None:
            addresses = await asyncio.to_thread(resolve, host)
            if not addresses:  # DNS failure: let the download fail and count it as errors/dns
                self._politeness(host, src, spider)
                return
            self._addresses[host] = addresses
        if verdict := address_verdict(addresses, src.allow_loopback):
            raise Refused(verdict, f"{host} -> {addresses}")
        self._politeness(host, src, spider)

    def _politeness(self, host: str, src: Source, spider: Any) -> None:
        """Per-host delay and concurrency from the source (raised by robots.txt Crawl-delay)."""
        downloader = self.crawler.engine.downloader
        floor = max(src.delay, getattr(spider, "host_floor", {}).get(host, 0.0))
        slot = downloader.slots.get(host)
        if slot is None:  # read by the downloader when it creates the slot
            downloader.per_slot_settings[host] = {"delay": floor, "concurrency": src.concurrency}
        else:
            slot.delay = max(slot.delay, floor)
            slot.concurrency = src.concurrency
