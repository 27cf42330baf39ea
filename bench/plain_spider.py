"""The anchor ``make bench`` compares the crawl with: the spider a user writes first.

A plain Scrapy ``SitemapSpider`` (robots.txt -> sitemap index -> sitemaps -> articles) that calls
``trafilatura.extract`` in its callback and indexes the results with ``elasticsearch.helpers.bulk`` in
batches of 500 from an item pipeline.  Nothing of news-ingest is imported: no stage workers, no
cleaning, language, attribution, fingerprints, revision or syndication lookups, no spool.  Run by
``bench/e2e.py`` from an empty directory (so the project's settings are not picked up):

    python -m scrapy runspider bench/plain_spider.py -a base=http://127.0.0.1:PORT \\
        -s ES_URL=http://127.0.0.1:9200 -s ES_INDEX=plain-x
"""

from __future__ import annotations

from typing import Any

import scrapy
import trafilatura
from elasticsearch import Elasticsearch, helpers
from scrapy.spiders import SitemapSpider


class BulkPipeline:
    """Items -> ``helpers.bulk`` every 500 documents, and once more at the end."""

    def __init__(self, url: str, index: str, stats: Any) -> None:
        self.client, self.stats = Elasticsearch(url, request_timeout=60), stats
        self.index, self.batch = index, []
        self.indexed = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> BulkPipeline:
        return cls(crawler.settings.get("ES_URL"), crawler.settings.get("ES_INDEX"), crawler.stats)

    def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        self.batch.append({"_index": self.index, "_id": item["url"], "_source": item})
        if len(self.batch) >= 500:
            self.flush()
        return item

    def flush(self) -> None:
        if self.batch:
            ok, _ = helpers.bulk(self.client, self.batch)
            self.indexed += ok
            self.batch = []

    def close_spider(self, spider: Any = None) -> None:
        self.flush()
        self.client.indices.refresh(index=self.index)
        self.stats.set_value("plain/indexed", self.indexed)


class PlainSpider(SitemapSpider):
    name = "plain"
    custom_settings = {"ITEM_PIPELINES": {BulkPipeline: 900}, "ROBOTSTXT_OBEY": True,
                       "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                       "DOWNLOAD_DELAY": 0, "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "INFO"}

    def __init__(self, base: str, **kwargs: Any) -> None:
        self.sitemap_urls = [f"{base}/robots.txt"]
        super().__init__(**kwargs)

    def parse(self, response: scrapy.http.Response) -> Any:
        text = trafilatura.extract(response.text, url=response.url)
        if text:
            yield {"url": response.url, "body": text, "title": response.css("title::text").get()}
