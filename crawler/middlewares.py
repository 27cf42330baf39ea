"""Downloader middleware that keeps the crawl on its sources and off internal networks.

Runs before robots.txt handling, so a refused host is never contacted at all (not even for its
robots.txt).  Applies to every request including redirect targets, which pass through the
downloader middlewares again: an off-site redirect is refused here.

This is the first, cheap check: scheme, URL length, the source owning the host, metadata host
names, IP literals (``http://10.0.0.7/``), and names the resolver refused before.  It does no DNS
lookup of its own: names are checked inside the crawl's DNS resolver (``crawler/resolver.py``) on
the very answer the connection uses.  When the resolver refuses a name the download fails as a DNS
error; ``process_exception`` (or the retry, in ``process_request``) turns that into the refusal's
reason.  It also applies the per-source limits under the crawler's ceilings (response size,
redirects) and per-host politeness.  Which addresses are internal is ``news_ingest.netpolicy``.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from twisted.internet.error import DNSLookupError

from crawler import resolver as policy_resolver
from news_ingest.netpolicy import METADATA_HOSTS, address_verdict, literal
from news_ingest.sources import Source, ceilings_for, source_for_url

log = logging.getLogger(__name__)
DEFAULT_PORTS = {"http": 80, "https": 443}


class Refused(IgnoreRequest):
    """A request the crawler must not make; ``reason`` becomes the drop-reason stat."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


class SafetyMiddleware:
    """Refuse off-source hosts, off-site redirects and internal addresses; apply limits and politeness."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.ceilings = ceilings_for()
        self._warned_no_resolver = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafetyMiddleware:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self, spider: Any = None) -> None:
        """Tell the resolver which names the crawl may resolve and where loopback is allowed."""
        res = policy_resolver.active()
        if res is not None:
            res.use_sources(getattr(spider or self.crawler.spider, "sources", {}) or {})

    def _source(self, request: Any, spider: Any) -> Source | None:
        sources: dict[str, Source] = getattr(spider, "sources", {}) or {}
        name = request.meta.get("news_source")
        if name in sources:
            return sources[name]
        return source_for_url(sources, request.url)  # e.g. Scrapy's own robots.txt requests

    def _resolver(self) -> policy_resolver.PolicyResolver:
        res = policy_resolver.active()
        if res is None:  # fail closed: without the policy resolver no name is checked at all
            if not self._warned_no_resolver:
                log.error("TWISTED_DNS_RESOLVER is not crawler.resolver.PolicyResolver: every request "
                          "is refused (no_address_policy). Fix: keep the setting from crawler/settings.py")
                self._warned_no_resolver = True
            raise Refused("no_address_policy", "the crawl's DNS resolver does not apply the address policy")
        return res

    async def process_request(self, request: Any, spider: Any = None) -> None:
        spider = spider or self.crawler.spider
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise Refused("bad_scheme", request.url)
        if len(request.url) > self.ceilings.url_length:
            raise Refused("url_too_long", f"{len(request.url)} characters > NEWS_MAX_URL_LENGTH "
                                          f"{self.ceilings.url_length}")
        host = (parts.hostname or "").lower().rstrip(".")
        src = self._source(request, spider)
        if src is None or not src.owns(request.url):  # host and port (pipelines.hosts: the one check)
            reason = "offsite_redirect" if request.meta.get("redirect_urls") else "offsite"
            raise Refused(reason, f"{parts.netloc} is not a host:port of source {getattr(src, 'name', '?')}")
        if host in METADATA_HOSTS:
            raise Refused("metadata_address", host)
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise Refused("bad_port", request.url) from None
        if (lit := literal(host)) and (verdict := address_verdict([lit], src.loopback_allowed(port))):
            raise Refused(verdict, f"{host}:{port}")
        if refusal := self._resolver().refusal(host, port):  # e.g. the retry of a refused name
            raise Refused(refusal, f"{host}:{port} (refused at resolution)")
        self._limits(request, src)
        self._politeness(host, src, spider)

    def process_exception(self, request: Any, exception: BaseException, spider: Any = None) -> None:
        """A DNS failure of a name the resolver refused is that refusal (counted by its reason)."""
        if isinstance(exception, DNSLookupError) and (res := policy_resolver.active()) is not None:
            parts = urlsplit(request.url)
            host = (parts.hostname or "").lower().rstrip(".")
            if reason := res.refusal(host, parts.port or DEFAULT_PORTS.get(parts.scheme, 80)):
                raise Refused(reason, f"{host} (refused at resolution)")

    def _limits(self, request: Any, src: Source) -> None:
        """The source's size and redirect limits, never above the crawler's ceilings (Scrapy applies
        ``download_maxsize`` to the body after HTTP decompression too)."""
        asked = request.meta.get("download_maxsize") or self.ceilings.page_bytes  # 0 = unlimited: no
        request.meta["download_maxsize"] = min(int(asked), src.max_page_bytes, self.ceilings.page_bytes)
        ttl = request.meta.get("redirect_ttl", src.max_redirects)
        request.meta["redirect_ttl"] = max(0, min(int(ttl), src.max_redirects, self.ceilings.redirects))

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
