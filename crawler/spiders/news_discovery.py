"""The news spider's discovery (``crawler/spiders/news.py``): robots.txt, feeds, sitemaps and listing
pages, and which of the article URLs they give are requested (rules, age, budget, this run, the index)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from crawler.spiders.news_base import MAX_CHILD_SITEMAPS, OFFSITE_SEEN_MAX, NewsSpiderBase, log
from crawler.workers import StageFailed
from news_ingest.sources import Source
from pipelines import discovery, politeness
from pipelines.dedupe import article_id
from pipelines.hints import Hints
from pipelines.page_reading import (
    Candidate,
    Links,
    PageReading,
    PageTask,
    check_entries,
    fetchable,
    norm,
    read_feed,
    read_sitemap,
)
from pipelines.revisions import refetch_reason


def _listed(e: discovery.Entry) -> str | None:
    """The newest date a feed or sitemap entry gives (``<lastmod>``, ``<updated>``, published)."""
    return max((t for t in (e.modified, e.published) if t), default=None,
               key=lambda t: discovery.parse_date(t) or datetime.min.replace(tzinfo=UTC))


class Discovery(NewsSpiderBase):
    """robots.txt, feeds, sitemaps, listings: the article URLs to request."""

    async def start(self) -> AsyncIterator[scrapy.Request]:
        await self._bind_states()
        for src in self.sources.values():
            hosts: dict[str, list[str]] = {}
            for url in (*src.feeds, *src.sitemaps, *src.start_urls):
                parts = urlsplit(url)
                hosts.setdefault(f"{parts.scheme}://{parts.netloc}", []).append(url)
            for origin, urls in hosts.items():
                req = self._request(src, f"{origin}/robots.txt", self.parse_robots, priority=100,
                                    kind="robots", urls=urls)
                req.meta["dont_obey_robotstxt"] = True
                req.meta["handle_httpstatus_all"] = True
                yield req

    def _discovery(self, src: Source, urls: Iterable[str]) -> Iterator[scrapy.Request]:
        for url in urls:
            key = norm(url) or url
            if key in self._seen_urls:
                continue
            self._seen_urls.add(key)
            if url in src.feeds:
                req = self._request(src, url, self.parse_feed, priority=50, kind="feed")
                yield self._conditional(src, req)
            elif url in src.start_urls:
                yield self._request(src, url, self.parse_listing, priority=10, kind="listing", depth=0)
            else:  # configured or robots.txt sitemaps
                yield self._conditional(src, self._request(src, url, self.parse_sitemap, priority=40,
                                                           kind="sitemap"))

    def parse_robots(self, response: Response, source: str, urls: list[str]) -> Iterator[scrapy.Request]:
        src = self.sources[source]
        host = urlsplit(response.url).hostname or ""
        floor = src.delay
        if response.status == 200:
            robots = discovery.parse_robots(response.body)
            declared = robots.crawl_delay(self.settings.get("USER_AGENT"))
            ceiling = self._crawl_config().crawl_delay_max
            delay, capped = politeness.crawl_delay(declared, ceiling)
            if declared:
                self.crawler.stats.set_value(f"news/{source}/robots_crawl_delay", declared)
            if capped:
                self.count(source, "warnings/crawl_delay_capped")
                log.warning("%s: robots.txt asks Crawl-delay %gs; crawled at the ceiling, %gs "
                            "(CRAWL_DELAY_MAX)", host, declared, ceiling)
            if delay:
                floor = max(floor, delay)
            if src.robots_sitemaps:
                extra = [u for u in robots.sitemaps if src.owns(u)]
                urls = urls + [u for u in extra if u not in urls]
        self.host_floor[host] = floor
        yield from self._discovery(src, urls)


    # Discovery files and listing pages are read in stage workers, and handled in the order they
    # arrived (one at a time, ``_in_order``): which of them claims an article first (feed before
    # sitemap before listing, by request priority) stays what it was when they were parsed inline.

    async def parse_feed(self, response: Response, source: str) -> AsyncIterator[scrapy.Request]:
        for req in await self._in_order(self._feed(response, source)):
            yield req

    async def parse_sitemap(self, response: Response, source: str) -> AsyncIterator[scrapy.Request]:
        for req in await self._in_order(self._sitemap(response, source)):
            yield req

    async def parse_listing(self, response: Response, source: str,
                            depth: int) -> AsyncIterator[scrapy.Request]:
        for req in await self._in_order(self._listing(response, source, depth)):
            yield req

    async def _in_order(self, work: Any) -> list[scrapy.Request]:
        async with self._discovery_lock:  # asyncio.Lock is fair: first come, first served
            return list(await work)

    async def _feed(self, response: Response, source: str) -> list[scrapy.Request]:
        src = self.sources[source]
        self.count(source, "pages_fetched")
        if self._not_modified(response, source, "feed"):
            return []
        try:  # parsed and checked in a stage worker, not on the reactor
            entries, problem = await self._stage(read_feed, response, source, response.body, response.url,
                                                 src)
        except StageFailed as exc:
            entries, problem = [], exc.reason
        if problem:
            self.count(source, "errors/bad_feed")
            self._unsettled.add(response.url)
            log.warning("feed %s unreadable: %s", response.url, problem)
        return await self._article_requests(src, entries, depth=0, origin=response.url)

    async def _sitemap(self, response: Response, source: str) -> list[scrapy.Request]:
        src = self.sources[source]
        self.count(source, "pages_fetched")
        if self._not_modified(response, source, "urlset"):
            return []
        try:  # gunzipped, parsed and checked in a stage worker, not on the reactor
            kind, entries = await self._stage(read_sitemap, response, source, response.body, src,
                                              src.max_decompressed_bytes)
        except Exception as exc:  # noqa: BLE001 - lxml raises several types on garbage; a corrupt .gz
            self.count(source, "errors/bad_sitemap")
            self._unsettled.add(response.url)
            log.warning("sitemap %s unreadable: %s", response.url, exc)
            return []
        if kind != "index":
            return await self._article_requests(src, entries, depth=0, origin=response.url)
        self._validators.pop(response.url, None)  # an index is always fetched in full
        for e in entries:
            if e.bad_date:
                self.drop(src.name, "bad_date", f"{e.url} ({e.bad_date})")
        children = [e for e in entries if src.owns(e.url) and not e.bad_date and self._fresh(src, e)]
        out = []
        for entry in children[:MAX_CHILD_SITEMAPS]:
            url, key = fetchable(entry.url), norm(entry.url)
            if url and key and key not in self._seen_urls and self._budget(src, url):
                self._seen_urls.add(key)
                out.append(self._conditional(src, self._request(src, url, self.parse_sitemap, priority=40,
                                                                kind="sitemap")))
        return out

    async def _listing(self, response: Response, source: str, depth: int) -> list[scrapy.Request]:
        src = self.sources[source]
        self.count(source, "pages_fetched")
        reading = await self._read(response, src, PageTask(response.url, self._ctype(response), "listing"))
        if reading is None:
            return []
        links = self._links(src, reading)
        out = []
        if depth < src.follow_depth:
            for url, key in links.listings:
                if key not in self._seen_urls and self._budget(src, url):
                    self._seen_urls.add(key)
                    out.append(self._request(src, url, self.parse_listing, priority=5, kind="listing",
                                             depth=depth + 1))
        return out + await self._article_requests(src, self._candidates(links), depth=depth)

    def _links(self, src: Source, reading: PageReading) -> Links:
        """The page's links as the worker sorted them (``pipelines.page_reading.page_links``); each
        off-site one counted once."""
        links = reading.links or Links()
        new = 0
        for key in links.offsite:  # one count per page, not one call per link (pages have dozens)
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
        return [Candidate(discovery.Entry(url), key) for url, key in links.articles]

    def _offsite_drop(self, src: Source, key: str | None, url: str) -> None:
        """An off-site link, counted once per spelling: the set is bounded (cleared when full, after
        which a link may be counted again; nothing else depends on it)."""
        if key is None or key in self._offsite:
            return
        if len(self._offsite) >= OFFSITE_SEEN_MAX:
            self._offsite.clear()
        self._offsite.add(key)
        self.drop(src.name, "offsite", url)

    def _fresh(self, src: Source, entry: discovery.Entry) -> bool:
        if not entry.published:
            return True
        published = discovery.parse_date(entry.published)
        if published is None:
            return True
        if self.since and published < self.since:
            return False
        oldest = datetime.now(UTC) - timedelta(days=src.max_age_days) if src.max_age_days else None
        return oldest is None or published >= oldest

    async def _article_requests(self, src: Source, checked: list[Candidate] | list[discovery.Entry],
                                depth: int, origin: str | None = None) -> list[scrapy.Request]:
        """Filter discovered URLs (domain, rules, age, this run, the index, the crawl state) and build
        article requests.  ``checked``: the URLs with what ``pipelines.page_reading.check_entries`` found
        (in a worker), or entries checked here.  ``origin``: the feed or sitemap they came from (its
        validators are saved at the end only when every article of it was settled)."""
        candidates: dict[str, discovery.Entry] = {}
        revived: dict[str, discovery.Entry] = {}
        stored_links: list[discovery.Entry] = []  # what skipped articles link to: followed as if fetched
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
                self.drop(src.name, c.reason or "bad_url", e.url or f"(feed item {e.title!r})")
                continue
            if not self._fresh(src, e):
                self.drop(src.name, "too_old", e.url)
                continue
            aid = article_id(key)
            if aid in self._seen_ids:
                # a feed read first said "unchanged" (WordPress keeps an edited post's pubDate), its
                # sitemap lastmod says changed: fetched after all
                stored = self._indexed.get(aid)
                if stored is not None and (why := refetch_reason(stored, _listed(e))):
                    del self._indexed[aid]
                    self.count(src.name, f"refetched/{why}")
                    revived[aid] = e
                stored_links += [discovery.Entry(u) for u in self._found_nearer(src, aid, depth)]
                continue
            self._seen_ids.add(aid)
            self._depth_of[aid] = depth
            self.count(src.name, f"discovered/{e.via}")
            candidates[aid] = e
        if candidates and not self.refresh:
            known = await self._existing(src, list(candidates))
            for aid, doc in known.items():
                if why := refetch_reason(doc, _listed(candidates[aid])):
                    self.count(src.name, f"refetched/{why}")
                    continue
                self.count(src.name, "skipped_seen")
                links = [u for u in doc.get("links") or [] if isinstance(u, str)]
                if depth < src.follow_depth:
                    stored_links += [discovery.Entry(u) for u in links]
                else:
                    self._defer_links(src, [aid], links)
                self._indexed[aid] = doc
                del candidates[aid]
            pending: dict[str, str] = {}  # alias id -> its target's id, not known to be indexed
            for aid, outcome in self.crawl_state(src.name).outcomes(list(candidates)).items():
                kind, _, target = outcome.partition(":")
                if kind == "alias" and target and target not in self._seen_ids:
                    pending[aid] = target
                    continue
                self.count(src.name, f"skipped_known/{kind}")
                del candidates[aid]
            if pending:
                await self._settle_aliases(src, pending, candidates)
        candidates.update(revived)
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
            first = discovery.show_all_url(e.url, src.multipage)
            req = self._request(src, first or e.url, self.parse_article, identity=e.url,
                                hints=self._hints(src, e).to_wire(),
                                depth=depth, part=1, pages=[], show_all=bool(first))
            # redirects of article URLs are followed by _redirected (index lookup on the target first)
            req.meta.update(news_kind="article", dont_redirect=True, news_chain=[], news_origin=origin,
                            handle_httpstatus_list=[301, 302, 303, 307, 308])
            out.append(req)
        if stored_links:
            self.count(src.name, "stored_links_followed", len(stored_links))
            out += await self._article_requests(src, stored_links, depth + 1, origin)
        return out

    async def _settle_aliases(self, src: Source, pending: dict[str, str],
                              candidates: dict[str, discovery.Entry]) -> None:
        """Aliases remembered while their target was only scheduled (``alias:<target id>``): skipped
        once the target is indexed (and remembered as a plain alias from then on); fetched again when
        it is not — the run that scheduled it was killed, or the target was dropped."""
        indexed = await self._existing(src, sorted(set(pending.values())))
        settled = [aid for aid, target in pending.items() if target in indexed]
        for aid in settled:
            self.count(src.name, "skipped_known/alias")
            self.crawl_state(src.name).record([aid], "alias", candidates[aid].url)
            del candidates[aid]
        lost = [aid for aid in pending if aid not in settled]
        if lost:
            self.count(src.name, "alias_target_missing", len(lost))
            self.crawl_state(src.name).forget(lost)

    @staticmethod
    def _hints(src: Source, e: discovery.Entry) -> Hints:
        """What discovery knows of an article URL: its source, and what its feed or sitemap entry said."""
        hints = Hints(source=src.name, language_hint=src.language, country=src.country, discovered_via=e.via)
        if e.via in ("rss", "atom"):
            return replace(hints, feed_title=e.title, feed_published=e.published)
        if e.via in ("sitemap", "news-sitemap"):
            return replace(hints, sitemap_title=e.title, sitemap_published=e.published,
                           sitemap_language=e.language)
        return hints
