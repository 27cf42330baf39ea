"""The one generic news spider, driven by config/sources.yaml.

    scrapy crawl news -a source=NAME|a,b|all [-a since=YYYY-MM-DD] [-a limit=N] [-a refresh=1]

Per source: robots.txt first (Crawl-delay, Sitemap lines), then feeds, sitemaps (Google News fields
kept) and start pages; in-domain links matching the article patterns are followed up to
``follow_depth``.  Article URLs already in the index are not fetched again (one batched id lookup
per discovery page) unless ``refresh=1``.  Multi-page articles are fetched part by part and yielded
once, identified by the first page's URL.  Everything skipped is counted under
``news/<source>/dropped/<reason>``; failures under ``news/<source>/errors/<kind>``.

Every request carries ``dont_filter``: after a kill -9, Scrapy's JOBDIR seen-set may list requests
that never completed, and trusting it would lose articles.  Dedupe within a run is this spider's own
sets; across runs it is the index.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, StopDownload
from scrapy.http import Response
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure

from crawler.items import FetchedPage
from crawler.pipelines import ProcessPipeline
from crawler.workers import StageFailed, StagePool
from news_ingest.config import CrawlConfig, parse_bool
from news_ingest.crawl_state import CrawlState
from news_ingest.settings import SearchSettings
from news_ingest.sources import Source, configured, load_crawler_config, load_sources, select, source_for_url
from news_ingest.store.client import connect
from pipelines import discovery, politeness
from pipelines.dedupe import article_id, public_url
from pipelines.hints import Hints, Owner
from pipelines.page_reading import (
    Candidate,
    Links,
    PageReading,
    PageTask,
    check_entries,
    fetchable,
    norm,
    part_from_wire,
    part_to_wire,
    read_feed,
    read_page,
    read_sitemap,
)
from pipelines.process import ProcessResult
from pipelines.revisions import refetch_reason

log = logging.getLogger(__name__)
MAX_CHILD_SITEMAPS = 200
OFFSITE_SEEN_MAX = 50_000  # off-site link keys remembered to count each once; cleared when full (bounded)
LOOKUP_FIELDS = ["modified_at", "published_at", "pages_incomplete", "links"]  # a re-fetch; links to follow
LINKS_KEPT = 200  # an article's in-source article links stored with it (Article.links)



def _listed(e: discovery.Entry) -> str | None:
    """The newest date a feed or sitemap entry gives (``<lastmod>``, ``<updated>``, published)."""
    return max((t for t in (e.modified, e.published) if t), default=None,
               key=lambda t: discovery.parse_date(t) or datetime.min.replace(tzinfo=UTC))


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source: str = "all", since: str | None = None, limit: str | None = None,
                 refresh: str = "0", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        known = load_sources()
        chosen = select(known, source)  # `all`: the real sources; fixture sources run only when named
        self.sources: dict[str, Source] = {s.name: s for s in chosen}
        self.config = load_crawler_config()
        self.since = self._parse_since(since)
        try:
            self.limit = int(limit) if limit not in (None, "") else None
        except ValueError:
            raise ValueError(f"limit={limit!r} is not a number. Fix: -a limit=100") from None
        try:
            # the config model's one bool parser; "" counts as not set, as for every setting
            self.refresh = parse_bool(refresh) if refresh not in (None, "") else False
        except ValueError:
            raise ValueError(f"refresh={refresh!r} is not true or false. Fix: -a refresh=1 "
                             f"(or 0, true/false, yes/no, on/off)") from None
        self._crawl: CrawlConfig | None = None  # CrawlConfig from this crawler's settings (_crawl_config)
        self._seen_urls: set[str] = set()  # normalised URLs requested this run (listing pages, feeds)
        self._discovery_lock = asyncio.Lock()
        self._offsite: set[str] = set()  # off-site link keys counted this run (at most OFFSITE_SEEN_MAX)
        self._seen_ids: set[str] = set()  # article ids scheduled this run
        # article id -> its stored fields, when a listing of this run skipped it as indexed and unchanged
        self._indexed: dict[str, dict[str, Any]] = {}
        self._requests: dict[str, int] = defaultdict(int)
        self._articles: dict[str, int] = defaultdict(int)
        self.host_floor: dict[str, float] = {}  # minimum delay per host (source delay, robots Crawl-delay)
        self._store: Any = None
        self._states: dict[str, CrawlState] = {}  # per source: validators, outcomes (news_ingest.crawl_state)
        # feed/sitemap URL -> (source, kind, ETag, Last-Modified) of this run's copy, saved at a clean close
        self._validators: dict[str, tuple[str, str, str | None, str | None]] = {}
        self._unsettled: set[str] = set()  # feeds/sitemaps with an article this run did not settle
        self._conditional_ok = True  # False when the index could not be checked (see _bind_states)

    def _crawl_config(self) -> CrawlConfig:
        """CRAWL_DELAY_MAX and the rest of CrawlConfig by the one rule: defaults < the sources file's
        ``settings:`` < ``-s`` < environment (read once per crawl)."""
        if self._crawl is None:
            self._crawl = configured(CrawlConfig, self.settings)
        return self._crawl

    @staticmethod
    def _parse_since(since: str | None) -> datetime | None:
        if not since:
            return None
        dt = discovery.parse_date(since)
        if dt is None:
            raise ValueError(f"since={since!r} is not a date. Fix: -a since=YYYY-MM-DD")
        return dt

    def depth_needed(self) -> int:
        """Scrapy depth the deepest request of these sources can reach: robots.txt, a sitemap index, the
        follow_depth hops, the article, its redirects and its later parts all count one."""
        redirects = self.settings.getint("REDIRECT_MAX_TIMES", 5) if hasattr(self, "settings") else 5
        return max((s.follow_depth + s.multipage.max_pages + redirects + 3 for s in self.sources.values()),
                   default=0)

    @classmethod
    def _fit_depth_limit(cls, crawler: Any, spider: NewsSpider) -> None:
        """Scrapy's DEPTH_LIMIT silently drops deeper requests (a source's ``follow_depth: 100``, the
        later parts of a long article): raise it to what the sources need, or refuse clearly when it was
        set lower on the command line."""
        settings = crawler.settings
        limit, needed = settings.getint("DEPTH_LIMIT"), spider.depth_needed()
        if not limit or needed <= limit:
            return
        deepest = max(spider.sources.values(), key=lambda s: s.follow_depth + s.multipage.max_pages)
        if settings.frozen or (settings.getpriority("DEPTH_LIMIT") or 0) >= SETTINGS_PRIORITIES["cmdline"]:
            raise ValueError(f"DEPTH_LIMIT={limit} is below what source {deepest.name!r} needs ({needed}: "
                             f"follow_depth {deepest.follow_depth}, multipage.max_pages "
                             f"{deepest.multipage.max_pages}, redirects). Fix: -s DEPTH_LIMIT={needed} "
                             f"(or 0), or lower follow_depth in sources.yaml")
        settings.set("DEPTH_LIMIT", needed, priority="spider")
        log.info("DEPTH_LIMIT raised from %d to %d for source %s (follow_depth %d)", limit, needed,
                 deepest.name, deepest.follow_depth)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        cls._fit_depth_limit(crawler, spider)
        crawler.signals.connect(spider._on_headers, signal=signals.headers_received)
        crawler.signals.connect(spider._on_sent, signal=signals.request_reached_downloader)
        crawler.signals.connect(spider._on_item_dropped, signal=signals.item_dropped)
        return spider

    def crawl_state(self, source: str) -> CrawlState:
        """(Not ``state``: Scrapy's SpiderState extension owns that attribute under JOBDIR.)
        The source's crawl state for this index (``$NEWS_HOME/state/crawl/<alias>/<source>.sqlite``),
        opened on first use."""
        if source not in self._states:
            alias = SearchSettings.from_env().index
            self._states[source] = CrawlState.for_source(alias, source, recheck_days=self.config.recheck_days)
        return self._states[source]

    async def _bind_states(self) -> None:
        """Tie each source's crawl state to the index behind the alias (reset when the index was made
        again).  When the cluster cannot say, this run sends no conditional requests."""
        try:
            if self._store is None:
                self._store = await asyncio.to_thread(connect)
            uuids = await asyncio.to_thread(self._store.index_uuids)
        except Exception as exc:  # noqa: BLE001 - the cluster being away must not stop the crawl
            log.warning("index not reachable (%s): feeds and sitemaps are fetched in full this run", exc)
            self._conditional_ok = False
            return
        for name in self.sources:
            if not self.crawl_state(name).bind(uuids):
                log.info("crawl state of %s reset: the index behind %s is new", name, self._store.alias)

    # ------------------------------------------------------------------------------------ bookkeeping

    def count(self, src: str, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"news/{src}/{key}", n)

    def drop(self, src: str, reason: str, url: str) -> None:
        self.count(src, f"dropped/{reason}")
        log.debug("dropped (%s) %s", reason, url)

    def _budget(self, src: Source, url: str) -> bool:
        """Per-run page budget and URL-trap limits; False (counted) when the URL must not be fetched."""
        if reason := discovery.url_trap(url, self.config):
            self.drop(src.name, reason, url)
            return False
        if self._requests[src.name] >= src.max_pages:
            self.drop(src.name, "max_pages", url)
            return False
        self._requests[src.name] += 1
        return True

    def _request(self, src: Source, url: str, callback: Any, priority: int = 0, kind: str | None = None,
                 **kw: Any) -> scrapy.Request:
        meta = {"news_source": src.name, "download_maxsize": src.max_page_bytes}
        if kind:
            meta["news_kind"] = kind
        return scrapy.Request(url, callback=callback, errback=self.on_error, dont_filter=True,
                              priority=priority, meta=meta, cb_kwargs={"source": src.name, **kw})

    def _conditional(self, src: Source, req: scrapy.Request) -> scrapy.Request:
        """A feed or sitemap request sent with the validators of the last clean run (an unchanged one
        answers 304); never with ``refresh=1``."""
        req.meta["handle_httpstatus_list"] = [304]
        use = not self.refresh and self._conditional_ok
        saved = self.crawl_state(src.name).validators(req.url) if use else None
        if saved and saved[2] in ("feed", "urlset"):  # never an index: its children change under it
            etag, modified, _ = saved
            if etag:
                req.headers["If-None-Match"] = etag
            if modified:
                req.headers["If-Modified-Since"] = modified
        return req

    def _not_modified(self, response: Response, source: str, kind: str) -> bool:
        """True (counted) for a 304; else remember this copy's validators for a clean close."""
        if response.status == 304:
            self.count(source, "not_modified")
            saved = self.crawl_state(source).validators(response.url)
            if saved:  # still the copy whose entries were all settled
                self._validators[response.url] = (source, saved[2] or kind, saved[0], saved[1])
            return True
        etag, modified = response.headers.get(b"ETag"), response.headers.get(b"Last-Modified")
        self._validators[response.url] = (source, kind, etag.decode("latin-1") if etag else None,
                                          modified.decode("latin-1") if modified else None)
        return False

    def _on_sent(self, request: scrapy.Request, spider: Any = None) -> None:
        """Requests that reached the downloader, by kind: ``requests/article`` is what an incremental
        run must keep at zero for an unchanged site."""
        src = request.meta.get("news_source")
        if src:
            self.count(src, f"requests/{request.meta.get('news_kind') or 'other'}")

    @staticmethod
    def _chain_ids(urls: Iterable[str]) -> list[str]:
        return [article_id(k) for k in (norm(u) for u in urls) if k]

    def _remember(self, src: str, urls: Iterable[str], outcome: str) -> None:
        """An article URL (and the URLs that led to it) fetched for nothing: not fetched again until the
        outcome expires (``news_ingest.crawl_state``)."""
        urls = list(urls)
        self.crawl_state(src).record(self._chain_ids(urls), outcome, urls[-1] if urls else None)

    def _on_item_dropped(self, item: Any, response: Any = None, exception: Any = None,
                         spider: Any = None) -> None:
        """An item pipeline dropped an article (extraction said it is no article, nothing was left after
        cleaning ...): remembered like the spider's own drops.  A failing stage (``error``) is not."""
        reason = str(exception).split(":", 1)[0].strip() if exception else ""
        source = getattr(item, "source", None)
        if not reason or reason == "error" or source not in self.sources:
            return
        urls = [*item.hints.redirected_from, item.url] if isinstance(item, FetchedPage) else [item.url]
        known = list(getattr(item, "known_ids", None) or [])
        self.crawl_state(source).record([*known, *self._chain_ids(urls)], f"dropped:{reason}", item.url)

    def _on_headers(self, headers: Any, body_length: int, request: scrapy.Request, spider: Any) -> None:
        """Stop downloading a PDF/image/video as soon as its headers say what it is."""
        if request.meta.get("news_kind") in ("article", "listing"):
            ctype = headers.get(b"Content-Type")
            if ctype and not discovery.is_html(ctype.decode("latin-1")):
                raise StopDownload(fail=False)

    # ---------------------------------------------------------------------------------------- start

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

    # ------------------------------------------------------------------------------------ discovery

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
                # a feed read first said "unchanged" (WordPress keeps an edited post's pubDate), its
                # sitemap lastmod says changed: fetched after all
                stored = self._indexed.get(aid)
                if stored is not None and (why := refetch_reason(stored, _listed(e))):
                    del self._indexed[aid]
                    self.count(src.name, f"refetched/{why}")
                    revived[aid] = e
                continue
            self._seen_ids.add(aid)
            self.count(src.name, f"discovered/{e.via}")
            candidates[aid] = e
        stored_links: list[discovery.Entry] = []  # what skipped articles link to: followed as if fetched
        if candidates and not self.refresh:
            known = await self._existing(src, list(candidates))
            for aid, doc in known.items():
                if why := refetch_reason(doc, _listed(candidates[aid])):
                    self.count(src.name, f"refetched/{why}")
                    continue
                self.count(src.name, "skipped_seen")
                if depth < src.follow_depth:
                    stored_links += [discovery.Entry(u) for u in doc.get("links") or [] if isinstance(u, str)]
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
    def _hints(src: Source, e: discovery.Entry) -> Hints:
        """What discovery knows of an article URL: its source, and what its feed or sitemap entry said."""
        hints = Hints(source=src.name, language_hint=src.language, country=src.country, discovered_via=e.via)
        if e.via in ("rss", "atom"):
            return replace(hints, feed_title=e.title, feed_published=e.published)
        if e.via in ("sitemap", "news-sitemap"):
            return replace(hints, sitemap_title=e.title, sitemap_published=e.published,
                           sitemap_language=e.language)
        return hints

    # -------------------------------------------------------------------------------------- articles

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
        if not discovery.is_html(task.content_type, response.body):
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
        task = PageTask(response.url, self._ctype(response), "article", part=part, identity=identity,
                        article_url=self._stored_url(identity), url_rule=page_hints.url_rule,
                        article_pages=src.article_pages,
                        walk_parts=not show_all and part < src.multipage.max_pages,
                        follow=part == 1 and depth < src.follow_depth,
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
                for req in await self._follow_from_article(src, reading, depth):
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
                             body=response.body, fetched_at=fetched_at)
        else:
            yield self._item(src, identity, pages, page_hints, parts=parts)
        if part == 1:
            for req in await self._follow_from_article(src, reading, depth):
                yield req

    @staticmethod
    def _urls_of(identity: str, response: Response) -> list[str]:
        """Every URL an article response stands for: as discovered, each redirect hop, as fetched."""
        return list(dict.fromkeys([identity, *response.meta.get("news_chain", []), response.url]))

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
        target = fetchable(urljoin(response.url, location.decode("latin-1"))) if location else None
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
                return [], f"alias:{aid}"
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

    def _item(self, src: Source, identity: str, pages: list[tuple[str, str]], hints: Hints,
              incomplete: bool = False, result: ProcessResult | None = None, body: bytes | None = None,
              fetched_at: str | None = None, parts: list[dict[str, Any]] | None = None) -> FetchedPage:
        """The article for the item pipelines: its parts as text and, ``parts``, their extractions (joined
        there), or — ``result`` — already processed by the worker that read it (``body``: the page as
        fetched)."""
        self.count(src.name, "articles_found")
        if len(pages) > 1:
            self.count(src.name, "articles_multipage")
        enc = hints.encoding or "utf-8"
        hints = replace(hints, pages=len(pages), pages_incomplete=hints.pages_incomplete or incomplete)
        if incomplete:
            self.count(src.name, "articles_incomplete")
        now = fetched_at or datetime.now(UTC).isoformat(timespec="seconds")
        identity = self._stored_url(identity)
        if result is not None:
            return FetchedPage(url=identity, body=body or b"", status=200, encoding=enc, source=src.name,
                               fetched_at=now, hints=hints, result=result)
        extracted = [part_from_wire(p) for p in parts] if parts and len(parts) == len(pages) else []
        return FetchedPage(url=identity, body=pages[0][1].encode(enc, errors="replace"), status=200,
                           encoding=enc, source=src.name, fetched_at=now, text=pages[0][1],
                           hints=hints, pages=pages if len(pages) > 1 else [], parts=extracted)

    # ---------------------------------------------------------------------------------------- errors

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        source = request.meta.get("news_source") or "unknown"
        exc = failure.value
        reason = getattr(exc, "reason", None)
        outcome = None  # a permanent answer: remembered; anything else leaves the origin unsettled
        if reason:  # refused by our safety middleware
            self.drop(source, reason, request.url)
        elif failure.check(HttpError):
            self.count(source, f"errors/http_{exc.response.status}")
            outcome = "gone" if exc.response.status in (404, 410) else None
        elif isinstance(exc, IgnoreRequest) and "robots" in str(exc).lower():
            self.drop(source, "robots_txt", request.url)
            outcome = "robots_txt"
        elif isinstance(exc, IgnoreRequest):
            self.drop(source, "ignored", request.url)
        elif isinstance(exc, DownloadCancelledError) or "maxsize" in str(exc).lower():
            self.drop(source, "too_large", request.url)
            outcome = "too_large"
        elif failure.check(DNSLookupError):
            self.count(source, "errors/dns")
        elif failure.check(TwistedTimeoutError, TCPTimedOutError, TimeoutError):
            self.count(source, "errors/timeout")
        else:
            self.count(source, f"errors/{type(exc).__name__}")
        if request.callback == self.parse_robots:  # no robots.txt: discovery goes on
            yield from self._discovery(self.sources[source], request.cb_kwargs["urls"])
        kw = request.cb_kwargs
        if request.callback == self.parse_article and kw.get("part", 1) > 1 and kw.get("pages"):
            yield self._item(self.sources[source], kw["identity"], kw["pages"], Hints.of(kw["hints"]),
                             incomplete=True, parts=kw.get("parts"))
        elif request.callback == self.parse_article and source in self.sources:
            if outcome and outcome != "robots_txt":  # robots.txt refusals cost no fetch: asked every run
                urls = [kw.get("identity", request.url), *request.meta.get("news_chain", []), request.url]
                self._remember(source, dict.fromkeys(urls), outcome)
            elif not outcome and request.meta.get("news_origin"):
                self._unsettled.add(request.meta["news_origin"])  # retried next run: not behind a 304
        elif request.callback in (self.parse_feed, self.parse_sitemap):
            self._unsettled.add(request.url)
        log.info("failed %s: %s", request.url, reason or failure.getErrorMessage())

    def closed(self, reason: str) -> None:
        """A clean finish saves the validators of every feed and sitemap whose articles all settled (the
        next run may then get a 304 for them); any other end keeps the previous ones, or none."""
        clean = reason == "finished" and self._conditional_ok
        for url, (source, kind, etag, modified) in self._validators.items():
            state = self.crawl_state(source)
            if clean and url not in self._unsettled and kind in ("feed", "urlset"):
                state.save_validators(url, kind, etag, modified)
            elif url in self._unsettled:
                state.forget_validators(url)
        if clean and self._validators and self._store is not None:
            try:  # the index this run created belongs to the state from now on
                uuids = self._store.index_uuids()
                for state in self._states.values():
                    state.remember_indices(uuids)
            except Exception as exc:  # noqa: BLE001
                log.warning("index not reachable at close (%s): validators kept for the old index", exc)
        for state in self._states.values():
            state.close()

    def source_of(self, url: str) -> Source | None:
        return source_for_url(self.sources, url)
