"""Thin Scrapy adapters around the pure stages in ``pipelines/``.

Each class: build from the crawler (settings, stats), call the stage's pure function,
count what it did, drop with a reason.  No stage logic lives here.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import FetchedPage
from news_ingest.store import connect
from pipelines.article import Article

log = logging.getLogger(__name__)


class ExtractPipeline:
    """FetchedPage -> Article (first version: trafilatura main text and metadata)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        html = item.body.decode(item.encoding or "utf-8", errors="replace")
        doc = trafilatura.bare_extraction(html, url=item.url, with_metadata=True)
        data = doc.as_dict() if doc is not None else {}
        if not data.get("text"):
            self.stats.inc_value("news/dropped/empty")
            raise DropItem(f"no main text: {item.url}")
        self.stats.inc_value("news/extracted")
        return Article(
            url=item.url, source=item.source, domain=urlsplit(item.url).hostname,
            country=item.hints.get("country"), title=data.get("title"), body=data["text"],
            description=data.get("description"), published_at=data.get("date"),
            fetched_at=item.fetched_at, language=item.hints.get("language_hint"),
        )


def article_id(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()


class IndexPipeline:
    """Article -> bulk batches into the cluster (first version)."""

    def __init__(self, crawler: Crawler, batch_size: int) -> None:
        self.stats = crawler.stats
        self.batch_size = batch_size
        self.batch: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IndexPipeline:
        return cls(crawler, crawler.settings.getint("INDEX_BATCH_SIZE", 500))

    def open_spider(self, spider: Any = None) -> None:
        self.store = connect()
        log.info("index setup: %s", self.store.setup())

    def process_item(self, item: Any, spider: Any = None) -> Any:
        doc = ItemAdapter(item).asdict()
        doc["_id"] = article_id(doc["url"])
        self.batch.append(doc)
        if len(self.batch) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        if not self.batch:
            return
        ok, errors = self.store.bulk(self.batch)
        self.stats.inc_value("news/indexed", ok)
        if errors:
            self.stats.inc_value("news/index_errors", len(errors))
            log.error("bulk errors: %s", errors[:3])
        self.batch = []

    def close_spider(self, spider: Any = None) -> None:
        self.flush()
        self.store.refresh()
