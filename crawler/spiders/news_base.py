"""The news spider's state and bookkeeping (``NewsSpider``, ``crawler/spiders/news.py``, is built on it):
the run's sets and counters, the crawl state per source, the requests it builds, the index lookup and the
reading of a page in a stage worker."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

import scrapy
from scrapy.exceptions import StopDownload
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import FetchedPage
from crawler.workers import StageFailed, StagePool
from news_ingest.config import CrawlConfig, parse_bool
from news_ingest.crawl_state import CrawlState
from news_ingest.settings import SearchSettings
from news_ingest.sources import Source, configured, load_crawler_config, load_sources, select, source_for_url
from news_ingest.store.client import connect
from pipelines import discovery
from pipelines.dedupe import article_id, stored_url
from pipelines.page_reading import (
    PageReading,
    PageTask,
    norm,
    read_page,
)
from pipelines.process import ProcessResult

log = logging.getLogger("crawler.spiders.news")  # one logger for the whole spider, as before its split
MAX_CHILD_SITEMAPS = 200
OFFSITE_SEEN_MAX = 50_000  # off-site link keys remembered to count each once; cleared when full (bounded)
LOOKUP_FIELDS = ["modified_at", "published_at", "pages_incomplete", "links"]  # a re-fetch; links to follow
DEFERRED_MAX = 50_000  # articles whose links wait for a nearer discovery (a few KB each)
LINKS_KEPT = 200  # an article's in-source article links stored with it (Article.links)


class NewsSpiderBase(scrapy.Spider):
    """What every part of the news spider shares (see the module docstring)."""

    # defined by the subclasses (the article pages, the spider): what requests are sent to
    parse_article: Callable[..., AsyncIterator[Any]]
    on_error: Callable[[Failure], Iterator[Any]]

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
        # article id -> the lowest depth this run found it at: its links are followed within follow_depth
        # of that, whichever way it was met first
        self._depth_of: dict[str, int] = {}
        # article id -> its article links, not followed because it was found at follow_depth; followed if
        # it is found again nearer a start page (at most DEFERRED_MAX articles)
        self._deferred: dict[str, list[str]] = {}
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

    def count(self, src: str, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"news/{src}/{key}", n)

    def drop(self, src: str, reason: str, url: str) -> None:
        self.count(src, f"dropped/{reason}")
        log.debug("dropped (%s) %s", reason, url)

    def _defer_links(self, src: Source, ids: list[str], links: list[str]) -> None:
        """An article met at follow_depth: its links wait (under each of its ids) for a nearer discovery."""
        if not links:
            return
        if len(self._deferred) >= DEFERRED_MAX:
            self.count(src.name, "deferred_links_full")
            return
        for i in ids:
            self._deferred[i] = links

    def _found_nearer(self, src: Source, aid: str, depth: int) -> list[str]:
        """An article already met this run, found again at ``depth``: the links it deferred, when that is
        nearer than before and within follow_depth (followed once)."""
        if depth >= self._depth_of.get(aid, depth):
            return []
        self._depth_of[aid] = depth
        if depth >= src.follow_depth:
            return []
        shared = self._deferred.pop(aid, [])
        links = list(shared)
        shared.clear()  # the same list under the article's other ids: followed once
        return links

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
        cleaning ...): remembered like the spider's own drops.  A failing stage (``error``) is not, nor
        one that ran over its time or lost its worker (``StageFailed.REASONS``): dead-lettered, and fetched
        again next run."""
        reason = str(exception).split(":", 1)[0].strip() if exception else ""
        source = getattr(item, "source", None)
        if not reason or reason == "error" or reason in StageFailed.REASONS or source not in self.sources:
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

    @staticmethod
    def _urls_of(identity: str, response: Response) -> list[str]:
        """Every URL an article response stands for: as discovered, each redirect hop, as fetched."""
        return list(dict.fromkeys([identity, *response.meta.get("news_chain", []), response.url]))

    @staticmethod
    def _stored_url(identity: str) -> str:
        """The URL an article is stored under (``pipelines.dedupe.stored_url``); an article page's
        stage worker works it out with the page (``PageReading.article_url``)."""
        return stored_url(identity)

    def source_of(self, url: str) -> Source | None:
        return source_for_url(self.sources, url)
