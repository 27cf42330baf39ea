"""The spider's discovery and error paths driven with Response objects and Failures, no network:
robots.txt (delay floor, sitemaps), sitemap index/urlset/gzip/garbage, feeds, listing depth, the page
budget and URL traps, argument errors, and how each download failure is classified."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError, TCPTimedOutError
from twisted.python.failure import Failure

from crawler.spiders.news import NewsSpider
from tests.unit.spider_support import collect, use_sources

SITE = "http://127.0.0.1:8001"
SOURCES = f"""
sources:
  - name: outlet
    domains: [127.0.0.1]
    start_urls: ["{SITE}/"]
    feeds: ["{SITE}/feed/rss.xml"]
    sitemaps: ["{SITE}/sitemap.xml"]
    article_allow: ['/berita/20\\d\\d/\\d\\d/\\d\\d/[a-z0-9-]+\\.html$']
    language: id
    country: ID
    follow_depth: 1
    max_pages: 6
    delay: 1.0
    allow_loopback: [8001]
"""


class FakeStore:
    alias = "news-test"

    def index_uuids(self) -> set[str]:
        return {"u1"}

    def known_docs(self, ids: list[str], fields: list[str] | None = None) -> dict[str, dict[str, Any]]:
        return {}


@pytest.fixture()
def spider(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> NewsSpider:
    use_sources(tmp_path, monkeypatch, SOURCES)
    sp = NewsSpider.from_crawler(get_crawler(NewsSpider, {"USER_AGENT": "news-ingest-test"}), source="outlet")
    sp._store = FakeStore()
    sp.crawler.stats.open_spider()
    return sp


def stat(sp: NewsSpider, key: str) -> Any:
    return sp.crawler.stats.get_value(f"news/outlet/{key}")


def test_start_asks_each_origins_robots_txt_first(spider):
    reqs = collect(spider.start())
    assert [r.url for r in reqs] == [f"{SITE}/robots.txt"]
    [robots] = reqs
    assert robots.meta["dont_obey_robotstxt"] and robots.meta["handle_httpstatus_all"]
    assert robots.cb_kwargs["urls"] == [f"{SITE}/feed/rss.xml", f"{SITE}/sitemap.xml", f"{SITE}/"]


def test_robots_txt_raises_the_delay_floor_and_adds_its_own_sitemaps(spider):
    body = (b"User-agent: *\nCrawl-delay: 3\nDisallow: /private/\n"
            b"Sitemap: http://127.0.0.1:8001/sitemap-news.xml\nSitemap: https://cdn.example.net/sitemap.xml\n")
    resp = TextResponse(f"{SITE}/robots.txt", body=body, status=200, request=Request(f"{SITE}/robots.txt"))
    reqs = list(spider.parse_robots(resp, "outlet", [f"{SITE}/feed/rss.xml", f"{SITE}/"]))
    assert spider.host_floor["127.0.0.1"] == 3.0 and stat(spider, "robots_crawl_delay") == 3.0
    # the feed, the start page and the robots.txt sitemap of the source's own host (not the CDN's)
    assert [(r.url, r.meta["news_kind"]) for r in reqs] == [
        (f"{SITE}/feed/rss.xml", "feed"), (f"{SITE}/", "listing"), (f"{SITE}/sitemap-news.xml", "sitemap")]
    # asked again (another origin listing the same URLs): each discovery URL once per run
    assert list(spider.parse_robots(resp, "outlet", [f"{SITE}/feed/rss.xml"])) == []


def test_no_robots_txt_keeps_the_sources_delay(spider):
    resp = TextResponse(f"{SITE}/robots.txt", body=b"not found", status=404, request=Request(f"{SITE}/robots.txt"))
    reqs = list(spider.parse_robots(resp, "outlet", [f"{SITE}/"]))
    assert spider.host_floor["127.0.0.1"] == 1.0 and [r.url for r in reqs] == [f"{SITE}/"]


SITEMAP_INDEX = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{SITE}/sitemap-posts-2024-12.xml</loc><lastmod>2024-12-03T07:00:00+07:00</lastmod></sitemap>
  <sitemap><loc>{SITE}/sitemap-posts-2024-11.xml</loc><lastmod>2024-11-30T23:00:00+07:00</lastmod></sitemap>
  <sitemap><loc>https://static.other-cdn.example/sitemap.xml</loc></sitemap>
</sitemapindex>""".encode()

URLSET = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>{SITE}/berita/2024/12/03/banjir-jakarta-surut.html</loc>
    <news:news><news:publication><news:name>Outlet</news:name><news:language>id</news:language>
    </news:publication><news:publication_date>2024-12-03T08:15:00+07:00</news:publication_date>
    <news:title>Banjir Jakarta surut</news:title></news:news></url>
  <url><loc>{SITE}/berita/2024/12/03/hujan-es-bogor.html</loc><lastmod>2024-12-03T09:00:00+07:00</lastmod></url>
  <url><loc>{SITE}/tag/banjir</loc></url>
</urlset>""".encode()


def test_a_sitemap_index_schedules_its_own_children_once(spider):
    resp = XmlResponse(f"{SITE}/sitemap.xml", body=SITEMAP_INDEX, request=Request(f"{SITE}/sitemap.xml"))
    reqs = collect(spider.parse_sitemap(resp, "outlet"))
    assert [r.url for r in reqs] == [f"{SITE}/sitemap-posts-2024-12.xml", f"{SITE}/sitemap-posts-2024-11.xml"]
    assert all(r.meta["news_kind"] == "sitemap" for r in reqs) and stat(spider, "pages_fetched") == 1
    assert collect(spider.parse_sitemap(resp, "outlet")) == []  # already scheduled this run


def test_a_gzipped_urlset_yields_its_article_urls_with_hints(spider):
    url = f"{SITE}/sitemap-news.xml.gz"
    resp = Response(url, body=gzip.compress(URLSET), request=Request(url))
    reqs = collect(spider.parse_sitemap(resp, "outlet"))
    urls = [r.url for r in reqs]
    assert urls == [f"{SITE}/berita/2024/12/03/banjir-jakarta-surut.html",
                    f"{SITE}/berita/2024/12/03/hujan-es-bogor.html"]
    hints = reqs[0].cb_kwargs["hints"]
    assert hints["sitemap_title"] == "Banjir Jakarta surut" and hints["sitemap_language"] == "id"
    assert reqs[0].meta["news_kind"] == "article"


@pytest.mark.parametrize("body", [b"\x1f\x8b\x08\x00garbage", b"<html><body>Sitemap moved</body></html>"])
def test_a_broken_sitemap_is_counted_and_left_unsettled(spider, body):
    url = f"{SITE}/sitemap.xml"
    resp = Response(url, body=body, request=Request(url))
    assert collect(spider.parse_sitemap(resp, "outlet")) == []
    assert stat(spider, "errors/bad_sitemap") == 1 and url in spider._unsettled


FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Outlet - Terbaru</title><link>{SITE}/</link>
<item><title>Pasar saham Asia menguat</title><link>{SITE}/berita/2024/12/03/pasar-saham-asia.html</link>
<pubDate>Tue, 03 Dec 2024 02:10:00 GMT</pubDate></item>
<item><title>Video: banjir</title><link>{SITE}/video/2024/12/03/banjir</link></item>
</channel></rss>""".encode()


def test_a_feed_yields_its_article_links(spider):
    url = f"{SITE}/feed/rss.xml"
    reqs = collect(spider.parse_feed(XmlResponse(url, body=FEED, request=Request(url)), "outlet"))
    assert [r.url for r in reqs] == [f"{SITE}/berita/2024/12/03/pasar-saham-asia.html"]
    assert reqs[0].cb_kwargs["hints"]["feed_title"] == "Pasar saham Asia menguat"


def test_an_unreadable_feed_is_counted(spider):
    url = f"{SITE}/feed/rss.xml"
    reqs = collect(spider.parse_feed(XmlResponse(url, body=b"<rss><channel><item>", request=Request(url)),
                                     "outlet"))
    assert reqs == [] and stat(spider, "errors/bad_feed") == 1 and url in spider._unsettled


LISTING = f"""<!doctype html><html lang="id"><head><title>Outlet - Berita Terkini</title></head><body>
<nav><a href="/kanal/nasional">Nasional</a> <a href="/kanal/ekonomi">Ekonomi</a>
<a href="/search?q=banjir&page=1&sort=new&x=1&y=2&z=3&a=4&b=5&c=6">Cari</a></nav>
<main><ul>{''.join(f'<li><a href="/berita/2024/12/0{i}/judul-berita-{i}.html">Judul {i}</a></li>'
                    for i in range(1, 10))}</ul></main>
<footer><a href="https://www.facebook.com/outlet">Facebook</a></footer></body></html>"""


def test_a_listing_follows_sections_to_its_depth_and_stops_at_the_page_budget(spider):
    resp = HtmlResponse(f"{SITE}/", body=LISTING.encode(), request=Request(f"{SITE}/"),
                        headers={"Content-Type": "text/html; charset=utf-8"})
    reqs = collect(spider.parse_listing(resp, "outlet", depth=0))
    kinds = [r.meta["news_kind"] for r in reqs]
    assert kinds.count("listing") == 2 and all(r.cb_kwargs["depth"] == 1 for r in reqs if
                                               r.meta["news_kind"] == "listing")
    # max_pages: 6 for the run — two listings, then four articles; the rest is dropped and counted
    assert kinds.count("article") == 4 and stat(spider, "dropped/max_pages") == 5
    assert not any("facebook" in r.url for r in reqs)
    # at the source's follow_depth, sections are not followed further
    deeper = collect(spider.parse_listing(resp, "outlet", depth=1))
    assert all(r.meta["news_kind"] != "listing" for r in deeper)


@pytest.mark.parametrize("kwargs,message", [
    ({"since": "kemarin"}, "since='kemarin' is not a date. Fix: -a since=YYYY-MM-DD"),
    ({"limit": "ten"}, "limit='ten' is not a number. Fix: -a limit=100"),
])
def test_bad_spider_arguments_name_the_fix(spider, kwargs, message):
    with pytest.raises(ValueError) as err:
        NewsSpider(source="outlet", **kwargs)
    assert str(err.value) == message


def test_since_and_refresh_arguments(spider):
    sp = NewsSpider(source="outlet", since="2024-12-01", refresh="yes", limit="20")
    assert sp.since is not None and sp.since.isoformat().startswith("2024-12-01") and sp.refresh and sp.limit == 20


def _failure(spider: NewsSpider, exc: Exception, callback: Any, url: str = f"{SITE}/berita/2024/12/03/a.html",
             **cb_kwargs: Any) -> Failure:
    req = Request(url, callback=callback, cb_kwargs=cb_kwargs,
                  meta={"news_source": "outlet", "news_origin": f"{SITE}/feed/rss.xml"})
    try:
        raise exc
    except Exception:
        f = Failure()
    f.request = req  # type: ignore[attr-defined]
    return f


def _http_error(status: int) -> HttpError:
    url = f"{SITE}/berita/2024/12/03/a.html"
    return HttpError(HtmlResponse(url, status=status, body=b"", request=Request(url)), "Ignoring")


class Refused(IgnoreRequest):
    reason = "offsite_redirect"


@pytest.mark.parametrize("exc,key", [
    (_http_error(503), "errors/http_503"),
    (_http_error(404), "errors/http_404"),
    (IgnoreRequest("Forbidden by robots.txt"), "dropped/robots_txt"),
    (IgnoreRequest("Filtered"), "dropped/ignored"),
    (Refused("refused"), "dropped/offsite_redirect"),
    (ValueError("Cancelling download: maxsize 4194304 exceeded"), "dropped/too_large"),
    (DNSLookupError("no such host"), "errors/dns"),
    (TCPTimedOutError(), "errors/timeout"),
    (ConnectionResetError("reset by peer"), "errors/ConnectionResetError"),
])
def test_each_download_failure_is_classified_and_counted(spider, exc, key):
    assert list(spider.on_error(_failure(spider, exc, spider.parse_article, identity="x", hints={}))) == []
    assert stat(spider, key) == 1


def test_a_transient_article_failure_leaves_its_feed_unsettled_a_404_is_remembered(spider):
    list(spider.on_error(_failure(spider, _http_error(503), spider.parse_article,
                                  identity=f"{SITE}/berita/2024/12/03/a.html", hints={})))
    assert f"{SITE}/feed/rss.xml" in spider._unsettled
    spider._unsettled.clear()
    list(spider.on_error(_failure(spider, _http_error(410), spider.parse_article,
                                  identity=f"{SITE}/berita/2024/12/03/a.html", hints={})))
    assert not spider._unsettled  # a permanent answer: remembered, not retried behind a 304


def test_a_failed_robots_txt_still_starts_discovery(spider):
    out = list(spider.on_error(_failure(spider, DNSLookupError("x"), spider.parse_robots,
                                        url=f"{SITE}/robots.txt", urls=[f"{SITE}/"])))
    assert [r.url for r in out] == [f"{SITE}/"] and stat(spider, "errors/dns") == 1


def test_a_failed_later_part_yields_the_article_marked_incomplete(spider):
    first = f"{SITE}/berita/2024/12/03/a.html"
    out = list(spider.on_error(_failure(spider, _http_error(500), spider.parse_article, url=f"{first}?page=2",
                                        identity=first, part=2, pages=[(first, "<html>...</html>")],
                                        hints={"source": "outlet"})))
    [item] = out
    assert item.url == first and item.hints.pages_incomplete


def test_a_failed_feed_is_unsettled(spider):
    url = f"{SITE}/feed/rss.xml"
    list(spider.on_error(_failure(spider, TCPTimedOutError(), spider.parse_feed, url=url)))
    assert url in spider._unsettled and stat(spider, "errors/timeout") == 1
