"""Retries that honour ``Retry-After``, with a per-host backoff.

Scrapy's RetryMiddleware retries a 429/503 at once (scrapy/scrapy #4424, #6458) and AutoThrottle does
not slow down on errors: a host answering "come back in 30 s" got its two retries within 0.1 s.  This
middleware (in RetryMiddleware's place) holds the host's download slot before the retry is scheduled:
nothing goes to that host for ``Retry-After`` (seconds or an HTTP date, ``pipelines.politeness``)
bounded by ``RETRY_AFTER_MAX`` (default 120 s) — the retry and every other request to it wait.  Without
the header the host's delay doubles (at least 1 s, same bound) and it is held that long; AutoThrottle
brings the delay back down as the host answers again (``crawler.extensions.PoliteAutoThrottle``, never
below the source's floor).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware

from news_ingest.config import CrawlConfig
from news_ingest.sources import configured
from pipelines.politeness import RETRY_AFTER_CEILING, retry_after_seconds

log = logging.getLogger(__name__)
BACKOFF_STATUSES = (429, 503)


class RetryAfterMiddleware(RetryMiddleware):
    max_wait: float = RETRY_AFTER_CEILING  # RETRY_AFTER_MAX (set in from_crawler)
    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        mw = super().from_crawler(crawler)
        mw.max_wait = configured(CrawlConfig, crawler.settings).retry_after_max
        return mw

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        if (response.status in BACKOFF_STATUSES and response.status in self.retry_http_codes
                and not request.meta.get("dont_retry", False)):
            self._back_off(request, response)
        return super().process_response(request, response)

    def _back_off(self, request: Any, response: Any) -> None:
        engine = getattr(self.crawler, "engine", None)
        key = request.meta.get("download_slot")
        slot = engine.downloader.slots.get(key) if engine is not None and key else None
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        current = slot.delay if slot is not None else 0.0
        wait = asked if asked is not None else max(1.0, 2 * current)
        wait = min(wait, self.max_wait)
        source = request.meta.get("news_source") or "unknown"
        stats = self.crawler.stats
        stats.inc_value(f"news/{source}/backoff/{'retry_after' if asked is not None else 'exponential'}")
        if asked is not None and asked > self.max_wait:
            stats.inc_value(f"news/{source}/warnings/retry_after_capped")
        if slot is not None:
            # nothing goes to this host before `wait` from now — the retry included (lastseen in the
            # future: the downloader's randomised delay comes on top, never off it)
            slot.lastseen = max(slot.lastseen, time.monotonic() + wait)
            if asked is None:  # no word from the host: its pace slows down (AutoThrottle eases it back)
                slot.delay = max(slot.delay, wait)
        log.info("%s answered %d: waiting %.1fs before the next request to it (Retry-After %s)",
                 key, response.status, wait, "none" if asked is None else f"{asked:.0f}s")
