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

from collections.abc import Iterator
from typing import Any

from scrapy import signals
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure

from crawler.spiders.news_articles import ArticlePages
from crawler.spiders.news_base import log
from pipelines.hints import Hints


class NewsSpider(ArticlePages):
    name = "news"

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
