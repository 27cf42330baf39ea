"""Crawl extensions: the per-source summary and an AutoThrottle that respects per-host minimum delays."""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.extensions.throttle import AutoThrottle

from news_ingest.config import CrawlConfig
from news_ingest.sources import configured
from news_ingest.store.client import StoreError, connect
from news_ingest.store.ledger import record_run

log = logging.getLogger(__name__)
SUMMARY_MARKER = "news-ingest crawl summary:"
_SCALARS = ("pages_fetched", "articles_found", "articles_multipage", "articles_incomplete", "skipped_seen",
            "article_parts", "robots_crawl_delay", "not_modified")
# requests: what reached the downloader, by kind (article, listing, feed, sitemap, robots): an incremental
# run over an unchanged site has no `article` key; skipped_known: article URLs fetched for nothing before
# (crawl state); refetched: indexed articles fetched again (changed, incomplete)
_GROUPS = ("dropped", "errors", "discovered", "requests", "skipped_known", "refetched", "warnings", "backoff")
# the run's totals (crawler/pipelines.py IndexPipeline.STAT_KEYS): summary key -> Scrapy stat
COUNTS = {"indexed": "news/indexed", "extracted": "news/extracted", "spooled": "news/index/spooled",
          "dead_letter": "news/index/dead_letter", "replayed": "news/index/replayed"}


def summarize(stats: dict[str, Any], sources: list[str], elapsed: float) -> dict[str, Any]:
    """Per-source numbers from the flat Scrapy stats (``news/<source>/<key>[/<sub>]``).

    Drops made by the item pipelines (``news/dropped/<reason>``, not per source) are reported under
    ``pipeline_dropped``; with one source they are also folded into that source's ``dropped``.
    """
    out: dict[str, Any] = {"elapsed_seconds": round(elapsed, 3), "sources": {}}
    for name in sources:
        prefix = f"news/{name}/"
        entry: dict[str, Any] = {k: 0 for k in _SCALARS if k != "robots_crawl_delay"}
        entry.update({g: {} for g in _GROUPS})
        for key, value in stats.items():
            if not key.startswith(prefix):
                continue
            rest = key[len(prefix):]
            group, _, sub = rest.partition("/")
            if group in _GROUPS and sub:
                entry[group][sub] = value
            elif rest in _SCALARS:
                entry[rest] = value
        entry["elapsed_seconds"] = out["elapsed_seconds"]
        out["sources"][name] = entry
    pipeline = {k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith("news/dropped/")}
    out["pipeline_dropped"] = pipeline
    for name, key in COUNTS.items():
        out[name] = stats.get(key, 0)
    if len(sources) == 1 and pipeline:
        dropped = out["sources"][sources[0]]["dropped"]
        for reason, n in pipeline.items():
            dropped[f"pipeline:{reason}"] = n
    return out


class CrawlSummary:
    """At close: per-source summary into the stats, one JSON line in the log, and — when
    ``NEWS_SUMMARY_FILE`` is set (the scheduled runner sets it) — the same JSON in that file,
    written atomically: the runner's contract with the crawl (no log parsing)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()

    def spider_closed(self, spider: Any, reason: str) -> None:
        sources = list(getattr(spider, "sources", {}) or {})
        elapsed = time.monotonic() - self.started
        stats = self.crawler.stats
        for name in sources:
            stats.set_value(f"news/{name}/elapsed_seconds", round(elapsed, 3))
        summary = summarize(stats.get_stats(), sources, elapsed)
        summary["finish_reason"] = reason
        text = json.dumps(summary, sort_keys=True, default=str)
        log.info("%s %s", SUMMARY_MARKER, text)
        if path := os.environ.get("NEWS_SUMMARY_FILE"):
            tmp = f"{path}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        if not os.environ.get("NEWS_INGEST_RUNNER"):  # a hand-run `scrapy crawl`: ledger it here
            self._record(sources, reason, summary)

    def _record(self, sources: list[str], reason: str, summary: dict[str, Any]) -> None:
        stats = self.crawler.stats.get_stats()
        started = stats.get("start_time")
        try:
            record_run(connect(check=False), {
                "started_at": started.isoformat() if started else None,
                "finished_at": datetime.now(UTC).isoformat(), "sources": sources,
                "status": "ok" if reason == "finished" else reason,
                "counts": {k.removeprefix("news/"): v for k, v in stats.items()
                           if k.startswith("news/") and k.count("/") == 1 and isinstance(v, int | float)},
                "errors": [f"{k}: {v}" for k, v in stats.items() if k.startswith("log_count/ERROR")],
                "per_source": summary.get("sources", summary)})
        except StoreError as exc:
            log.warning("run not recorded in the ledger: %s", exc)


class PoliteAutoThrottle(AutoThrottle):
    """AutoThrottle whose lowering of a host's delay stops at that host's floor.

    Stock AutoThrottle only knows the global DOWNLOAD_DELAY as its minimum, so it would undo a
    source's configured delay and robots.txt Crawl-delay within a few responses.  It starts at
    ``CRAWL_DELAY`` (news_ingest.config.CrawlConfig), not at Scrapy's ``AUTOTHROTTLE_START_DELAY``.
    """

    def _start_delay(self) -> float:
        return max(self.mindelay, configured(CrawlConfig, self.crawler.settings).crawl_delay)

    def _response_downloaded(self, response: Any, request: Any, spider: Any = None) -> None:
        super()._response_downloaded(response, request, spider)
        key = request.meta.get("download_slot")
        slot = self.crawler.engine.downloader.slots.get(key) if key else None
        if slot is None:
            return
        spider = self.crawler.spider
        src_name = request.meta.get("news_source")
        src = getattr(spider, "sources", {}).get(src_name)
        floor = max(src.delay if src else 0.0, getattr(spider, "host_floor", {}).get(key, 0.0))
        if slot.delay < floor:
            slot.delay = floor


class ResponseCountBound:
    """Bounds how many responses may wait in Scrapy's scraper slot, not only their bytes (issue 16).

    The slot stops the engine fetching when the bodies of the responses whose callbacks and items are in
    progress pass ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` (20 MB), counting each response as at least
    ``Slot.MIN_RESPONSE_SIZE`` (1 KB in Scrapy).  Items wait there for a stage worker, so when pages are
    small (the memory benchmark's: ~3 KB) thousands of responses passed that bound at once: 1,759 waiting at
    7,100 pages of a 9,000-page crawl, and the crawl process stepped from 188 to 241 MB and stayed there (the
    heap's high-water mark).  Counting each response as at least ``SCRAPER_SLOT_MIN_RESPONSE_SIZE`` (64 KB)
    caps the wait at about 300 responses (20 MB / 64 KB) whatever the page size, still far more than the
    stage workers take at once; a large page counts its bytes as before.  Set on the spider's slot (an
    instance attribute, Scrapy's class is left alone) when the spider opens, before any response arrives.
    """

    def __init__(self, crawler: Crawler, min_size: int) -> None:
        self.crawler = crawler
        self.min_size = min_size

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseCountBound:
        # the number is crawler/settings.py's alone: a crawl without the setting keeps Scrapy's floor
        ext = cls(crawler, crawler.settings.getint("SCRAPER_SLOT_MIN_RESPONSE_SIZE"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def spider_opened(self, spider: Any) -> None:
        engine = self.crawler.engine
        slot = engine.scraper.slot if engine is not None else None
        if slot is None or self.min_size <= slot.MIN_RESPONSE_SIZE:
            return
        if slot.active_size or slot.queue or slot.active:  # its counts would not add up: leave it
            log.warning("scraper slot already in use at spider_opened; response count not bounded")
            return
        slot.MIN_RESPONSE_SIZE = self.min_size
