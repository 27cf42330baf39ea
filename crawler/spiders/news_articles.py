"""The news spider's article pages (``crawler/spiders/news.py``): each page read once, its redirects
followed by hand, its later parts fetched, and the article handed to the item pipelines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.items import FetchedPage
from crawler.pipelines import ProcessPipeline
from crawler.spiders.news_base import LINKS_KEPT, log
from crawler.spiders.news_discovery import Discovery
from news_ingest.sources import Source
from pipelines import discovery
from pipelines.dedupe import article_id, join_url
from pipelines.hints import Hints, Owner
from pipelines.page_reading import (
    PageReading,
    PageTask,
    fetchable,
    norm,
    part_from_wire,
    part_to_wire,
)
from pipelines.process import ProcessResult


class ArticlePages(Discovery):
    """Article pages: read, redirected, assembled from parts, yielded as items."""

    async def parse_article(self, response: Response, source: str, identity: str, hints: dict[str, Any],
                            depth: int, part: int, pages: list[tuple[str, str]],
                            show_all: bool, parts: list[dict[str, Any]] | None = None) -> AsyncIterator[Any]:
        """An article page, or part ``part`` of one: ``pages`` are the parts before it as text, ``parts``
        their extractions (``pipelines.page_reading.part_to_wire``: each part is extracted when it is
        read, and the article is joined from them, no part parsed twice)."""
        src = self.sources[source]
        if 300 <= response.status < 400 and part == 1:
            for req in await self._redirected(src, response, hints, depth):
                yield req
            return
        self.count(source, "pages_fetched")
        page_hints = Hints.of(hints)  # (a request carries them as plain data: the frontier's wire)
        if part == 1:
            if not show_all:
                identity = response.url  # where the article is (after redirects), as fetched
            # extraction asks the same classifier with the same inputs (pipelines.page_kind), and gives
            # the article its ids from the same hosts (pipelines.dedupe.identify)
            page_hints = replace(page_hints, url_rule=src.url_rule(norm(identity) or identity)[0],
                                 article_pages=src.article_pages, owner=Owner(src.domains, src.ports),
                                 redirected_from=tuple(response.meta.get("news_chain") or ()))
        process = ProcessPipeline.of(self.crawler)
        fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
        # (the URL the article is stored under is the worker's to work out: reading.article_url)
        task = PageTask(response.url, self._ctype(response), "article", part=part, identity=identity,
                        url_rule=page_hints.url_rule,
                        article_pages=src.article_pages,
                        walk_parts=not show_all and part < src.multipage.max_pages,
                        follow=part == 1,  # stored with the article; followed within follow_depth
                        hints=replace(page_hints, pages=1, source=source, fetched_at=fetched_at),
                        run_chain=process is not None,
                        template=process.template(source) if process is not None else None)
        reading = await self._read(response, src, task)
        if reading is None:
            if part > 1:  # a broken later part: keep what we have
                yield self._item(src, identity, pages, page_hints, incomplete=True, parts=parts)
            else:
                outcome = response.meta.get("news_drop", "dropped")
                self._remember(source, self._urls_of(identity, response), outcome)
            return
        if part == 1:
            page_hints = replace(page_hints, encoding=reading.encoding)
            if reading.links is not None and reading.links.articles:
                page_hints = replace(page_hints,
                                     article_links=tuple(u for u, _ in reading.links.articles[:LINKS_KEPT]))
            verdict = reading.verdict
            if verdict is not None and not verdict.is_article:
                self.drop(source, "not_article_page", response.url)
                self._remember(source, self._urls_of(identity, response), "not_article_page")
                log.debug("not an article (%s): %s", verdict, response.url)
                for req in await self._follow_from_article(src, reading, depth, identity, response):
                    yield req
                return
        if reading.text is not None:
            pages = [*pages, (response.url, reading.text)]
            # (a request queued before parts were carried has none: its article is extracted from pages)
            if reading.part is not None and (parts is not None or part == 1):
                parts = [*(parts or []), part_to_wire(reading.part, first=part == 1)]
        nxt = reading.next_url
        if nxt and nxt not in {u for u, _ in pages}:
            req = self._request(src, nxt, self.parse_article, identity=identity, hints=page_hints.to_wire(),
                                depth=depth, part=part + 1, pages=pages, show_all=False, parts=parts)
            req.meta["news_kind"] = "article"
            self.count(source, "article_parts")
            yield req
        elif reading.text is None:  # read and processed in one go (a one-page article)
            yield self._item(src, identity, [(response.url, "")], page_hints, result=reading.result,
                             body=response.body, fetched_at=fetched_at, stored=reading.article_url)
        else:
            yield self._item(src, identity, pages, page_hints, parts=parts, stored=reading.article_url)
        if part == 1:
            for req in await self._follow_from_article(src, reading, depth, identity, response):
                yield req

    async def _redirected(self, src: Source, response: Response, hints: dict[str, Any],
                          depth: int) -> list[scrapy.Request]:
        reqs, outcome = await self._redirect_target(src, response, hints, depth)
        if outcome:  # not followed: not fetched again either, until the outcome expires
            self._remember(src.name, [*response.meta.get("news_chain", []), response.url], outcome)
        return reqs

    async def _redirect_target(self, src: Source, response: Response, hints: dict[str, Any],
                               depth: int) -> tuple[list[scrapy.Request], str | None]:
        """Follow an article redirect ourselves: to a host and port the source owns, never in a loop.
        A target with the request's own id (``/slug`` -> ``/slug/``, http -> https) is followed at
        once; a target that is another article URL (a shortlink, a moved story) is checked against
        this run and the index first, so a known article is not fetched again."""
        location = response.headers.get(b"Location")
        chain = [*response.meta.get("news_chain", []), response.url]
        joined = join_url(response.url, location.decode("latin-1")) if location else None
        target = fetchable(joined) if joined else None
        key = norm(target) if target else None
        if target is None or key is None or len(chain) > self.settings.getint("REDIRECT_MAX_TIMES", 5):
            self.drop(src.name, "bad_redirect", response.url)
            return [], "bad_redirect"
        if target in chain:
            self.drop(src.name, "redirect_loop", response.url)
            return [], "redirect_loop"
        if not src.owns(target):
            self.drop(src.name, "offsite_redirect", f"{response.url} -> {target}")
            return [], "offsite_redirect"
        rule, _ = src.url_rule(key)
        if rule != "allow":
            reason = "denied_by_rule" if rule == "deny" else "not_article_url"
            self.drop(src.name, reason, target)
            return [], reason
        aid = article_id(key)
        if aid not in {article_id(u) for u in chain if norm(u)}:
            if aid in self._seen_ids:
                # scheduled in this run, not (yet) indexed: remembered with its target, so a run killed
                # before the target is indexed does not leave the shortlink as a dead end
                self.drop(src.name, "duplicate_after_redirect", response.url)
                nearer = [discovery.Entry(u) for u in self._found_nearer(src, aid, depth)]
                return await self._article_requests(src, nearer, depth + 1) if nearer else [], f"alias:{aid}"
            self._seen_ids.add(aid)
            self._depth_of[aid] = depth
            if not self.refresh and await self._existing(src, [aid]):
                self.count(src.name, "skipped_seen")
                return [], "alias"
        req = self._request(src, target, self.parse_article, identity=target, hints=hints, depth=depth,
                            part=1, pages=[], show_all=False)
        req.meta.update(news_kind="article", news_chain=chain, redirect_urls=chain,
                        news_origin=response.meta.get("news_origin"),
                        dont_redirect=True, handle_httpstatus_list=[301, 302, 303, 307, 308])
        return [req], None

    async def _follow_from_article(self, src: Source, reading: PageReading, depth: int, identity: str,
                                   response: Response) -> list[scrapy.Request]:
        """Related-article links on article pages are discovery too (the worker left out this article's
        own later parts): within follow_depth of the nearest place this run found the article; at
        follow_depth they wait for it to be found nearer (``_found_nearer``)."""
        links = self._links(src, reading)
        if not links.articles:
            return []
        ids = self._chain_ids(self._urls_of(identity, response))
        depth = min([depth, *(self._depth_of[i] for i in ids if i in self._depth_of)])
        if depth >= src.follow_depth:
            self._defer_links(src, ids, [u for u, _ in links.articles])
            return []
        return await self._article_requests(src, self._candidates(links), depth + 1)

    def _item(self, src: Source, identity: str, pages: list[tuple[str, str]], hints: Hints,
              incomplete: bool = False, result: ProcessResult | None = None, body: bytes | None = None,
              fetched_at: str | None = None, parts: list[dict[str, Any]] | None = None,
              stored: str = "") -> FetchedPage:
        """The article for the item pipelines: its parts as text and, ``parts``, their extractions (joined
        there), or — ``result`` — already processed by the worker that read it (``body``: the page as
        fetched).  ``stored``: the URL it is stored under, as the worker that read the page worked it
        out (else worked out here)."""
        self.count(src.name, "articles_found")
        if len(pages) > 1:
            self.count(src.name, "articles_multipage")
        enc = hints.encoding or "utf-8"
        hints = replace(hints, pages=len(pages), pages_incomplete=hints.pages_incomplete or incomplete)
        if incomplete:
            self.count(src.name, "articles_incomplete")
        now = fetched_at or datetime.now(UTC).isoformat(timespec="seconds")
        identity = stored or self._stored_url(identity)
        if result is not None:
            return FetchedPage(url=identity, body=body or b"", status=200, encoding=enc, source=src.name,
                               fetched_at=now, hints=hints, result=result)
        extracted = [part_from_wire(p) for p in parts] if parts and len(parts) == len(pages) else []
        return FetchedPage(url=identity, body=pages[0][1].encode(enc, errors="replace"), status=200,
                           encoding=enc, source=src.name, fetched_at=now, text=pages[0][1],
                           hints=hints, pages=pages if len(pages) > 1 else [], parts=extracted)
