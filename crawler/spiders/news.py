"""The one generic news spider, driven by config/sources.yaml (first version)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from crawler.items import FetchedPage
from news_ingest.sources import Source, load_sources


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source: str = "all", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        known = load_sources()
        names = list(known) if source == "all" else [s.strip() for s in source.split(",") if s.strip()]
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValueError(f"unknown source(s) {unknown}; configured: {sorted(known)}")
        self.sources: list[Source] = [known[n] for n in names]
        self.allowed_domains = sorted({d for s in self.sources for d in s.domains})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for src in self.sources:
            for url in src.start_urls:
                yield scrapy.Request(url, callback=self.parse, cb_kwargs={"src": src})

    def parse(self, response: Response, src: Source) -> Iterator[scrapy.Request]:
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if urlsplit(url).hostname not in src.domains:
                continue
            if any(re.search(p, url) for p in src.article_allow):
                yield scrapy.Request(url, callback=self.parse_article, cb_kwargs={"src": src})

    def parse_article(self, response: Response, src: Source) -> Iterator[FetchedPage]:
        yield FetchedPage(
            url=response.url, body=response.body, status=response.status,
            encoding=getattr(response, "encoding", None), source=src.name,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            hints={"language_hint": src.language, "country": src.country},
        )
