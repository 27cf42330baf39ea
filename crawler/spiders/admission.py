"""Which discovered article URLs the news spider requests: the source's hosts and URL rules (checked
in a stage worker, ``pipelines.page_reading.check_entries``), age, this run's seen ids, the index
(one batched id lookup) and the crawl state; the per-run page budget; off-site links counted once
(a bounded set).  A mixin of ``NewsSpider`` (``crawler/spiders/news.py``)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import scrapy

from news_ingest.sources import Source
from news_ingest.store.client import connect
from pipelines import discovery as d
from pipelines.dedupe import article_id
from pipelines.page_reading import (
    Candidate,
    Links,
    PageReading,
    check_entries,
    fetchable,
    norm,
)
from pipelines.revisions import refetch_reason

log = logging.getLogger("crawler.spiders.news")
_norm, _fetchable = norm, fetchable
LOOKUP_FIELDS = ["modified_at", "published_at", "pages_incomplete"]  # what decides a re-fetch
OFFSITE_SEEN_MAX = 50_000  # off-site link keys remembered to count each once; cleared when full (bounded)


class ArticleAdmission:
    """Filtering discovered URLs into article requests (see the module docstring)."""

    def _budget(self, src: Source, url: str) -> bool:
        """Per-run page budget and URL-trap limits; False (counted) when the URL must not be fetched."""
        if reason := d.url_trap(url, self.config):
            self.drop(src.name, reason, url)
            return False
        if self._requests[src.name] >= src.max_pages:
            self.drop(src.name, "max_pages", url)
            return False
        self._requests[src.name] += 1
        return True

    def _links(self, src: Source, reading: PageReading) -> Links:
        """The page's links as the worker sorted them (``pipelines.page_reading.page_links``); each
        off-site one counted once."""
        links = reading.links or Links()
        new = 0
        for _, key in links.offsite:  # one count per page, not one call per link (pages have dozens)
            if key not in self._offsite:
                if len(self._offsite) >= OFFSITE_SEEN_MAX:
                    self._offsite.clear()
                self._offsite.add(key)
                new += 1
        if new:
            self.count(src.name, "dropped/offsite", new)
            log.debug("dropped (offsite) %d new off-site links", new)
        return links

    @staticmethod
    def _candidates(links: Links) -> list[Candidate]:
        return [Candidate(d.Entry(url), key) for url, key in links.articles]

    def _offsite_drop(self, src: Source, key: str | None, url: str) -> None:
        """An off-site link, counted once per spelling: the set is bounded (cleared when full, after
        which a link may be counted again; nothing else depends on it)."""
        if key is None or key in self._offsite:
            return
        if len(self._offsite) >= OFFSITE_SEEN_MAX:
            self._offsite.clear()
        self._offsite.add(key)
        self.drop(src.name, "offsite", url)

    def _fresh(self, src: Source, entry: d.Entry) -> bool:
        if not entry.published:
            return True
        published = d.parse_date(entry.published)
        if published is None:
            return True
        if self.since and published < self.since:
            return False
        oldest = datetime.now(UTC) - timedelta(days=src.max_age_days) if src.max_age_days else None
        return oldest is None or published >= oldest

    async def _article_requests(self, src: Source, checked: list[Candidate] | list[d.Entry], depth: int,
                                origin: str | None = None) -> list[scrapy.Request]:
        """Filter discovered URLs (domain, rules, age, this run, the index, the crawl state) and build
        article requests.  ``checked``: the URLs with what ``pipelines.page_reading.check_entries`` found
        (in a worker), or entries checked here.  ``origin``: the feed or sitemap they came from (its
        validators are saved at the end only when every article of it was settled)."""
        candidates: dict[str, d.Entry] = {}
        for c in checked:
            if not isinstance(c, Candidate):
                [c] = check_entries([c], src)
            e, key = c.entry, c.key
            if c.reason == "offsite":
                self._offsite_drop(src, key, e.url)
                continue
            if c.reason == "bad_date":
                self.drop(src.name, "bad_date", f"{e.url} ({e.bad_date})")
                continue
            if c.reason or key is None:
                self.drop(src.name, c.reason or "bad_url", e.url)
                continue
            if not self._fresh(src, e):
                self.drop(src.name, "too_old", e.url)
                continue
            aid = article_id(key)
            if aid in self._seen_ids:
                continue
            self._seen_ids.add(aid)
            self.count(src.name, f"discovered/{e.via}")
            candidates[aid] = e
        if candidates and not self.refresh:
            known = await self._existing(src, list(candidates))
            for aid, doc in known.items():
                e = candidates[aid]
                listed = max((t for t in (e.modified, e.published) if t), default=None,
                             key=lambda t: d.parse_date(t) or datetime.min.replace(tzinfo=UTC))
                if why := refetch_reason(doc, listed):
                    self.count(src.name, f"refetched/{why}")
                    continue
                self.count(src.name, "skipped_seen")
                del candidates[aid]
            for aid, outcome in self.crawl_state(src.name).outcomes(list(candidates)).items():
                self.count(src.name, f"skipped_known/{outcome.split(':', 1)[0]}")
                del candidates[aid]
        out = []
        for e in candidates.values():
            if self.limit is not None and self._articles[src.name] >= self.limit:
                self.drop(src.name, "over_limit", e.url)
                if origin:
                    self._unsettled.add(origin)
                continue
            if not self._budget(src, e.url):
                if origin:
                    self._unsettled.add(origin)
                continue
            self._articles[src.name] += 1
            hints = self._hints(src, e)
            first = d.show_all_url(e.url, src.multipage)
            req = self._request(src, first or e.url, self.parse_article, identity=e.url, hints=hints,
                                depth=depth, part=1, pages=[], show_all=bool(first))
            # redirects of article URLs are followed by _redirected (index lookup on the target first)
            req.meta.update(news_kind="article", dont_redirect=True, news_chain=[], news_origin=origin,
                            handle_httpstatus_list=[301, 302, 303, 307, 308])
            out.append(req)
        return out

    async def _existing(self, src: Source, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The indexed articles known under any of ``ids`` (``Store.known_docs``: one ids/terms search
        on the alias per batch of 500, off the reactor thread), with what decides a re-fetch."""
        try:
            if self._store is None:
                self._store = await asyncio.to_thread(connect)
            found: dict[str, dict[str, Any]] = {}
            for i in range(0, len(ids), 500):
                found |= await asyncio.to_thread(self._store.known_docs, ids[i:i + 500], LOOKUP_FIELDS)
            return found
        except Exception as exc:  # noqa: BLE001 - the lookup failing must not stop the crawl
            if "index_not_found" in str(exc):
                return {}  # first run: nothing indexed yet
            self.count(src.name, "errors/seen_lookup")
            log.warning("already-indexed lookup failed (%s); fetching %d articles anyway", exc, len(ids))
            return {}

    @staticmethod
    def _hints(src: Source, e: d.Entry) -> dict[str, Any]:
        hints: dict[str, Any] = {"source": src.name, "language_hint": src.language, "country": src.country,
                                 "discovered_via": e.via}
        if e.via in ("rss", "atom"):
            hints.update(feed_title=e.title, feed_published=e.published)
        elif e.via in ("sitemap", "news-sitemap"):
            hints.update(sitemap_title=e.title, sitemap_published=e.published, sitemap_language=e.language)
        return {k: v for k, v in hints.items() if v is not None}
