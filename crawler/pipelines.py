"""Thin Scrapy adapters around the pure stages in ``pipelines/``.

Each class: build from the crawler (settings, stats), call the stage's pure function,
count what it did, drop with a reason.  No stage logic lives here.  ``ProcessPipeline`` runs the one
stage chain (``pipelines.process.CHAIN``), ``IndexPipeline`` the bulk indexer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from dataclasses import replace
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.frontier import ITEMS_DURABLE
from crawler.items import FetchedPage
from crawler.workers import StageFailed, StagePool
from news_ingest.sources import file_settings
from news_ingest.store.client import StoreError, connect
from news_ingest.store.indexer import IndexConfig, Indexer
from news_ingest.templates import SourceTemplates
from pipelines.article import Article
from pipelines.enrich import enrich_failed
from pipelines.process import ProcessResult, run_chain
from pipelines.templates import TEMPLATE_KINDS, Template

log = logging.getLogger(__name__)
_PROCESS_ATTR = "_news_process_pipeline"


class _Stage:
    """Common adapter plumbing: stats, and a drop that is logged and counted by reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.pool = StagePool.for_crawler(crawler)  # STAGE_WORKERS processes, or inline

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> _Stage:
        return cls(crawler)

    async def stage(self, item: Any, fn: Any, *args: Any) -> Any:
        """``fn(*args)`` in the stage pool; a page that crashes its worker or runs over the stage
        timeout is dropped (``worker_crash`` / ``timeout``, dead-lettered by the pool)."""
        url, source = getattr(item, "url", "?"), getattr(item, "source", None)
        try:
            return await self.pool.run(fn, *args, page={"url": url, "source": source})
        except StageFailed as exc:
            raise self.drop(exc.reason, url, exc.detail, source) from None

    def drop(self, reason: str, url: str, detail: str = "", source: str | None = None) -> DropItem:
        self.stats.inc_value(f"news/dropped/{reason}")
        if source:
            self.stats.inc_value(f"news/{source}/dropped/{reason}")
        return DropItem(f"{reason}: {url} {detail}".rstrip())


class ProcessPipeline(_Stage):
    """FetchedPage -> Article through the one stage chain (``pipelines.process.CHAIN``: extract, then
    clean/language/attribution, then fingerprints), in one stage-worker call per article.

    A one-page article usually arrives already processed: the spider's worker read the page and ran the
    chain on the same tree (``item.result``, see ``pipelines.page_reading``).  A multi-page article is
    run here: its parts come extracted, each from the tree parsed when it was read (``item.parts``),
    and are joined (a request queued before parts were carried: extracted from their text, ``pages``).
    Either way this adapter applies the result — drop with its reason, or count, and let the source's
    learned furniture (``news_ingest.templates``) learn from the evidence the worker read off the
    extracted body (line keys, label digests; ``ProcessResult.evidence``) — so both paths count and
    learn alike, and the reactor reads no text for it."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.templates = SourceTemplates()
        setattr(crawler, _PROCESS_ATTR, self)  # the spider asks for the chain in its page reading

    @staticmethod
    def of(crawler: Crawler) -> ProcessPipeline | None:
        """The crawl's ProcessPipeline, when ITEM_PIPELINES has one."""
        return getattr(crawler, _PROCESS_ATTR, None)

    def template(self, source: str | None) -> Template | None:
        return self.templates.template(source)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        result = item.result
        if result is None:
            hints = replace(item.hints, source=item.source, fetched_at=item.fetched_at,
                            encoding=item.encoding or item.hints.encoding)
            if item.parts:  # a multi-page article's parts, each extracted when it was read: joined
                result = await self.stage(item, run_chain, None, item.url, hints, None,
                                          self.template(item.source), item.parts)
            elif item.pages:
                result = await self.stage(item, run_chain, None, item.url, hints, item.pages,
                                          self.template(item.source))
            else:  # the page as decoded once by the spider (pipelines.charset), else its bytes
                page = item.text if item.text is not None else item.body
                result = await self.stage(item, run_chain, page, item.url, hints, None,
                                          self.template(item.source))
        return self.apply(item, result)

    def apply(self, item: FetchedPage, result: ProcessResult) -> Article:
        for note in result.notes:
            log.info("extract %s: %s", item.url, note)
        if result.extracted:
            self.stats.inc_value("news/extracted")
        if not result.ok:
            raise self.drop(result.drop_reason or "error", item.url, result.detail, item.source)
        article = result.article
        assert article is not None
        article.fetched_at = item.fetched_at or article.fetched_at
        article.links = list(item.hints.article_links)
        if enrich_failed(article):  # indexed as extracted, but never silently: logged and counted
            self.stats.inc_value("news/enrich_errors")
            log.error("enrich failed on %s: %s", item.url,
                      next(s["text"] for s in article.removed_segments if s.get("kind") == "error"))
        # the worker read the article's template evidence: the reactor only counts it
        self.templates.learn_evidence(item.source, result.evidence)
        learned = sum(s.get("kind") in TEMPLATE_KINDS for s in article.removed_segments)
        if learned:
            self.stats.inc_value("news/template_removed", learned)
        self.stats.inc_value(f"news/language/{article.language}")
        if article.source_attribution:
            self.stats.inc_value("news/attributed")
        return article

    def close_spider(self, spider: Any = None) -> None:
        self.templates.close()
        if self.templates.store.errors:
            self.stats.set_value("news/template_errors", self.templates.store.errors)


class IndexPipeline:
    """Article -> ``news_ingest.store.indexer.Indexer``: bulk batches by count/bytes/age, spool when the
    cluster is away, dead letters for rejects.  Blocking store calls run in a worker thread;
    one lock orders flushes so a timer flush and the final flush never split or lose a batch."""

    STAT_KEYS = {"indexed": "news/indexed", "dead_letter": "news/index/dead_letter",
                 "spooled": "news/index/spooled", "retries": "news/index/retries",
                 "bulk_requests": "news/index/bulk_requests", "replayed": "news/index/replayed",
                 "revised": "news/index/revised", "syndicated": "news/index/syndicated",
                 "created": "news/index/created", "seen": "news/index/seen", "touched": "news/index/touched",
                 "recleaned": "news/index/recleaned", "canonical_moved": "news/index/canonical_moved",
                 "conflicts": "news/index/conflicts"}

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.signals = crawler.signals
        # the one precedence rule: defaults < the sources file's settings: < -s < the environment
        self.config = IndexConfig.from_layers(file=file_settings(), scrapy=crawler.settings, env=os.environ)
        self.indexer: Indexer | None = None
        self._lock = asyncio.Lock()
        self._timer: asyncio.Task[None] | None = None
        self._reported: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IndexPipeline:
        return cls(crawler)

    async def open_spider(self, spider: Any = None) -> None:
        self.indexer = Indexer(connect(check=False), self.config)
        # documents an earlier run could not deliver go first (oldest first)
        result = await asyncio.to_thread(self.indexer.replay)
        if result.pending_segments:
            log.warning("spool replay incomplete (%s); this run spools too until the cluster is back", result)
        self._sync_stats()
        self._timer = asyncio.create_task(self._tick())

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        assert self.indexer is not None
        if self.indexer.add(item, autoflush=False):
            await self._flush()
        return item

    async def _flush(self) -> None:
        assert self.indexer is not None
        async with self._lock:
            taken_at = time.monotonic()
            batch = self.indexer.take()
            if batch:
                await asyncio.to_thread(self._send, batch)
                # everything added before take() is now indexed, dead-lettered or spooled: the
                # shared frontier may release those requests' leases
                self.signals.send_catch_log(ITEMS_DURABLE, before=taken_at)
            self._sync_stats()

    def _send(self, batch: list[dict[str, Any]]) -> None:
        assert self.indexer is not None
        for i in range(0, len(batch), self.config.batch_docs):
            self.indexer.send(batch[i:i + self.config.batch_docs])

    async def _tick(self) -> None:
        assert self.indexer is not None
        while True:
            await asyncio.sleep(min(1.0, self.config.flush_seconds / 2))
            if self.indexer.due():
                # shielded: cancelling the timer at close must not cancel a flush midway
                await asyncio.shield(self._flush())

    async def close_spider(self, spider: Any = None) -> None:
        if self._timer is not None:
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
        await self._flush()  # the lock waits for a shielded timer flush still running
        assert self.indexer is not None
        await asyncio.to_thread(self.indexer.close)
        with contextlib.suppress(StoreError):
            await asyncio.to_thread(self.indexer.store.refresh)
        self._sync_stats()
        st = self.indexer.stats
        log.info("index: %d indexed, %d spooled, %d dead letters, %d bulk requests, %d retries",
                 st["indexed"], st["spooled"], st["dead_letter"], st["bulk_requests"], st["retries"])

    def _sync_stats(self) -> None:
        assert self.indexer is not None
        for key, stat in self.STAT_KEYS.items():
            value = self.indexer.stats[key]
            delta = value - self._reported.get(key, 0)
            if delta:
                self.stats.inc_value(stat, delta)
                self._reported[key] = value
