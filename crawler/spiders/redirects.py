"""Article redirects, followed by the news spider itself: only to a host and port the source owns,
never in a loop, and a target that is another known article is not fetched again.  A mixin of
``NewsSpider`` (``crawler/spiders/news.py``)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response

from news_ingest.sources import Source
from pipelines.dedupe import article_id
from pipelines.page_reading import (
    fetchable,
    norm,
)

log = logging.getLogger("crawler.spiders.news")
_norm, _fetchable = norm, fetchable


class ArticleRedirects:
    """Following article redirects (see the module docstring)."""

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
        target = _fetchable(urljoin(response.url, location.decode("latin-1"))) if location else None
        key = _norm(target) if target else None
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
        if aid not in {article_id(u) for u in chain if _norm(u)}:
            if aid in self._seen_ids:
                self.drop(src.name, "duplicate_after_redirect", response.url)
                return [], "alias"
            self._seen_ids.add(aid)
            if not self.refresh and await self._existing(src, [aid]):
                self.count(src.name, "skipped_seen")
                return [], "alias"
        req = self._request(src, target, self.parse_article, identity=target, hints=hints, depth=depth,
                            part=1, pages=[], show_all=False)
        req.meta.update(news_kind="article", news_chain=chain, redirect_urls=chain,
                        news_origin=response.meta.get("news_origin"),
                        dont_redirect=True, handle_httpstatus_list=[301, 302, 303, 307, 308])
        return [req], None
