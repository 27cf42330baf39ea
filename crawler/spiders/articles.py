"""Article pages for the news spider: each page read once in a stage worker
(``pipelines.page_reading``), classified, its next part followed, its related links handed to
admission, and the article assembled — one page already processed by the worker, or its parts for the
item pipelines.  A mixin of ``NewsSpider`` (``crawler/spiders/news.py``)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.items import FetchedPage
from crawler.pipelines import ProcessPipeline
from crawler.workers import StageFailed, StagePool
from news_ingest.sources import Source
from pipelines import discovery as d
from pipelines.dedupe import public_url
from pipelines.page_reading import (
    PageReading,
    PageTask,
    fetchable,
    norm,
    read_page,
)
from pipelines.process import ProcessResult

log = logging.getLogger("crawler.spiders.news")
_norm, _fetchable = norm, fetchable


class ArticlePages:
    """Article-page callbacks and article assembly (see the module docstring)."""

    async def _stage(self, fn: Any, response: Response, source: str, *args: Any) -> Any:
        """``fn(*args)`` in a stage worker (``crawler/workers.py``; inline with ``STAGE_WORKERS=0``):
        parsing is CPU work, and the reactor thread only downloads.  Raises ``StageFailed`` when the
        worker died or ran over its time on this page (the pool counted and dead-lettered it)."""
        pool = StagePool.for_crawler(self.crawler)
        return await pool.run(fn, *args, page={"url": response.url, "source": source})

    @staticmethod
    def _ctype(response: Response) -> str | None:
        raw = response.headers.get(b"Content-Type")
        return raw.decode("latin-1") if raw else None

    async def _read(self, response: Response, src: Source, task: PageTask) -> PageReading | None:
        """The page read once in a stage worker (``pipelines.page_reading.read_page``: decoded by the one
        charset decoder, parsed once, classified, its links sorted, a complete article run through the
        stage chain), or None after counting why it is unusable (``response.meta["news_drop"]``)."""
        reason = None
        if not d.is_html(task.content_type, response.body):
            reason = "non_html"
        elif not response.body.strip():
            reason = "empty_body"
        else:
            try:
                reading: PageReading = await self._stage(read_page, response, src.name, response.body, task,
                                                         src)
            except StageFailed as exc:
                if task.kind != "article":
                    reason = exc.reason
                else:  # the article is dropped with the stage's reason, as any stage failure
                    return PageReading(result=ProcessResult(drop_reason=exc.reason, detail=exc.detail))
            else:
                if reading.drop is None:
                    return reading
                reason = reading.drop
        self.drop(src.name, reason, response.url)
        response.meta["news_drop"] = reason
        return None

    async def parse_article(self, response: Response, source: str, identity: str, hints: dict[str, Any],
                            depth: int, part: int, pages: list[tuple[str, str]],
                            show_all: bool) -> AsyncIterator[Any]:
        src = self.sources[source]
        if 300 <= response.status < 400 and part == 1:
            for req in await self._redirected(src, response, hints, depth):
                yield req
            return
        self.count(source, "pages_fetched")
        if part == 1:
            if not show_all:
                identity = response.url  # where the article is (after redirects), as fetched
            # extraction asks the same classifier with the same inputs (pipelines.page_kind), and gives
            # the article its ids from the same hosts (pipelines.dedupe.identify)
            hints = {**hints, "url_rule": src.url_rule(_norm(identity) or identity)[0],
                     "article_pages": src.article_pages,
                     "owner": {"domains": list(src.domains), "ports": list(src.ports)}}
            if chain := response.meta.get("news_chain"):
                hints["redirected_from"] = list(chain)
        process = ProcessPipeline.of(self.crawler)
        fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
        task = PageTask(response.url, self._ctype(response), "article", part=part, identity=identity,
                        article_url=self._stored_url(identity), url_rule=hints.get("url_rule"),
                        article_pages=src.article_pages,
                        walk_parts=not show_all and part < src.multipage.max_pages,
                        follow=part == 1 and depth < src.follow_depth,
                        hints={**hints, "pages": 1, "source": source, "fetched_at": fetched_at},
                        run_chain=process is not None,
                        template=process.template(source) if process is not None else None)
        reading = await self._read(response, src, task)
        if reading is None:
            if part > 1:  # a broken later part: keep what we have
                yield self._item(src, identity, pages, hints, incomplete=True)
            else:
                outcome = response.meta.get("news_drop", "dropped")
                self._remember(source, self._urls_of(identity, response), outcome)
            return
        if part == 1:
            hints = {**hints, "encoding": reading.encoding}
            verdict = reading.verdict
            if verdict is not None and not verdict.is_article:
                self.drop(source, "not_article_page", response.url)
                self._remember(source, self._urls_of(identity, response), "not_article_page")
                log.debug("not an article (%s): %s", verdict, response.url)
                for req in await self._follow_from_article(src, reading, depth):
                    yield req
                return
        if reading.text is not None:
            pages = [*pages, (response.url, reading.text)]
        nxt = reading.next_url
        if nxt and nxt not in {u for u, _ in pages}:
            req = self._request(src, nxt, self.parse_article, identity=identity, hints=hints, depth=depth,
                                part=part + 1, pages=pages, show_all=False)
            req.meta["news_kind"] = "article"
            self.count(source, "article_parts")
            yield req
        elif reading.text is None:  # read and processed in one go (a one-page article)
            yield self._item(src, identity, [(response.url, "")], hints, result=reading.result,
                             body=response.body, fetched_at=fetched_at)
        else:
            yield self._item(src, identity, pages, hints)
        if part == 1:
            for req in await self._follow_from_article(src, reading, depth):
                yield req

    @staticmethod
    def _urls_of(identity: str, response: Response) -> list[str]:
        """Every URL an article response stands for: as discovered, each redirect hop, as fetched."""
        return list(dict.fromkeys([identity, *response.meta.get("news_chain", []), response.url]))

    async def _follow_from_article(self, src: Source, reading: PageReading,
                                   depth: int) -> list[scrapy.Request]:
        """Related-article links on article pages are discovery too (within follow_depth; the worker
        left out this article's own later parts)."""
        links = self._links(src, reading)
        if depth >= src.follow_depth or not links.articles:
            return []
        return await self._article_requests(src, self._candidates(links), depth + 1)

    @staticmethod
    def _stored_url(identity: str) -> str:
        """The URL an article is stored under: no session id (``pipelines.dedupe.public_url``; ids never
        had one)."""
        try:
            return public_url(identity)
        except ValueError:
            return identity

    def _item(self, src: Source, identity: str, pages: list[tuple[str, str]], hints: dict[str, Any],
              incomplete: bool = False, result: ProcessResult | None = None, body: bytes | None = None,
              fetched_at: str | None = None) -> FetchedPage:
        """The article for the item pipelines: its parts as text (assembled there), or — ``result`` —
        already processed by the worker that read it (``body``: the page as fetched)."""
        self.count(src.name, "articles_found")
        if len(pages) > 1:
            self.count(src.name, "articles_multipage")
        enc = hints.get("encoding") or "utf-8"
        hints = {**hints, "pages": len(pages)}
        if incomplete:
            hints["pages_incomplete"] = True
            self.count(src.name, "articles_incomplete")
        now = fetched_at or datetime.now(UTC).isoformat(timespec="seconds")
        identity = self._stored_url(identity)
        if result is not None:
            return FetchedPage(url=identity, body=body or b"", status=200, encoding=enc, source=src.name,
                               fetched_at=now, hints=hints, result=result)
        return FetchedPage(url=identity, body=pages[0][1].encode(enc, errors="replace"), status=200,
                           encoding=enc, source=src.name, fetched_at=now, text=pages[0][1],
                           hints=hints, pages=pages if len(pages) > 1 else [])
