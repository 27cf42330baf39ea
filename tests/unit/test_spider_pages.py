"""The spider's page handling on real-shaped responses, without a network: what it keeps, drops,
follows and how it decodes.  (Integration tests crawl the fixture sites for real.)"""

from __future__ import annotations

import asyncio
import json
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from crawler.items import FetchedPage
from crawler.spiders.news import NewsSpider
from pipelines.hints import Hints, Owner
from tests.unit.spider_support import collect, use_sources

OUTLET = "http://127.0.0.1:8001"
OTHER_PORT = "http://127.0.0.1:8002"
SOURCES = f"""
sources:
  - name: outlet
    domains: [127.0.0.1]
    start_urls: ["{OUTLET}/"]
    article_allow: ['/20\\d\\d/\\d\\d/\\d\\d/[a-z0-9-]+/?$']
    language: id
    country: ID
    follow_depth: 1
    allow_loopback: [8001]
  - name: other
    domains: [127.0.0.1]
    start_urls: ["{OTHER_PORT}/"]
    article_allow: ['/berita/']
    allow_loopback: [8002]
"""


class FakeStore:
    """The index as the spider's lookup sees it: ``{id: stored fields}``."""

    def __init__(self, known: dict[str, dict[str, Any]] | None = None) -> None:
        self.known = known or {}
        self.asked: list[list[str]] = []

    def index_uuids(self) -> set[str]:
        return {"u1"}

    def known_docs(self, ids: list[str], fields: list[str] | None = None) -> dict[str, dict[str, Any]]:
        self.asked.append(list(ids))
        return {i: {**self.known[i], "_id": i} for i in ids if i in self.known}


def make_spider(**kw: Any) -> NewsSpider:
    sp = NewsSpider.from_crawler(get_crawler(NewsSpider, {}), source="outlet", **kw)
    sp._store = FakeStore()
    return sp


@pytest.fixture()
def spider(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> NewsSpider:
    use_sources(tmp_path, monkeypatch, SOURCES)
    return make_spider()


def page(body: str, url: str, ctype: str = "text/html; charset=utf-8", encoding: str = "utf-8",
         status: int = 200, headers: dict[str, str] | None = None,
         request: Request | None = None) -> Response:
    return HtmlResponse(url=url, body=body.encode(encoding), status=status,
                        headers={"Content-Type": ctype, **(headers or {})}, request=request or Request(url))


def article_html(head: str = "", body: str = "", title: str = "Banjir surut di Samarinda") -> str:
    paragraph = "Air mulai surut di beberapa kelurahan sejak Kamis pagi, kata petugas BPBD setempat. " * 3
    return textwrap.dedent(f"""\
        <!DOCTYPE html><html lang="id"><head><meta charset="UTF-8"><title>{title}</title>{head}</head>
        <body><main><h1>{title}</h1><div class="entry-content"><p>{paragraph}</p>{body}</div></main>
        </body></html>""")


def kwargs(spider: NewsSpider, url: str, part: int = 1, pages: list | None = None) -> dict[str, Any]:
    return {"source": "outlet", "identity": url, "hints": {"source": "outlet"}, "depth": 1, "part": part,
            "pages": pages or [], "show_all": False}


def items(out: list[Any]) -> list[FetchedPage]:
    return [x for x in out if isinstance(x, FetchedPage)]


def dropped(spider: NewsSpider) -> dict[str, int]:
    prefix = "news/outlet/dropped/"
    return {k[len(prefix):]: v for k, v in spider.crawler.stats.get_stats().items() if k.startswith(prefix)}


URL = f"{OUTLET}/2024/12/05/banjir-surut-di-samarinda/"


def test_og_type_website_on_an_article_url_is_an_article(spider):
    resp = page(article_html('<meta property="og:type" content="website">'), URL)
    out = collect(spider.parse_article(resp, **kwargs(spider, URL)))
    assert len(items(out)) == 1, dropped(spider)
    assert "not_article_page" not in dropped(spider)


def test_webpage_json_ld_with_headline_author_date_is_an_article(spider):
    ld = ('<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebPage",'
          '"headline":"Banjir surut di Samarinda","author":{"@type":"Person","name":"Rina Putri"},'
          '"datePublished":"2024-12-05T10:15:00+08:00"}</script>')
    resp = page(article_html(ld + '<meta property="og:type" content="website">'), URL)
    assert len(items(collect(spider.parse_article(resp, **kwargs(spider, URL))))) == 1, dropped(spider)


def test_a_listing_type_still_drops_an_article_url(spider):
    ld = '<script type="application/ld+json">{"@type":"CollectionPage","name":"Terpopuler"}</script>'
    resp = page(article_html(ld), URL)
    assert items(collect(spider.parse_article(resp, **kwargs(spider, URL)))) == []
    assert dropped(spider) == {"not_article_page": 1}


def test_utf8_multipage_article_with_a_wrong_charset_header_is_decoded_once_right(spider):
    """A UTF-8 site whose server says iso-8859-1: both parts must come out as the text the site wrote."""
    p1 = article_html('<meta property="og:type" content="article">',
                      f'<p>Wali kota: “Kami siaga” — warga diminta waspada.</p><a href="{URL}2/">2</a>')
    p2 = article_html('<meta property="og:type" content="article">',
                      "<p>Bantuan tiba Jumat — 2.500 paket.</p>")
    header = "text/html; charset=iso-8859-1"
    out = collect(spider.parse_article(page(p1, URL, header), **kwargs(spider, URL)))
    nxt = [r for r in out if isinstance(r, Request)][0]
    assert nxt.url == URL + "2/"
    out2 = collect(spider.parse_article(page(p2, URL + "2/", header), **nxt.cb_kwargs))
    (item,) = items(out2)
    texts = [text for _, text in item.pages]
    assert "“Kami siaga” — warga" in texts[0]
    assert "Jumat — 2.500 paket" in texts[1]
    assert item.encoding == "utf-8"


def test_a_multipage_article_parses_each_part_once_and_joins_them_as_extract_pages_does(tmp_path, monkeypatch):
    """Each part is parsed when it is read (classified, its next part found) and extracted from that
    tree; the article is joined from the parts' extractions, not parsed from their text again."""
    from scrapy.statscollectors import MemoryStatsCollector

    import pipelines.extract
    import pipelines.page_reading
    from crawler.pipelines import ProcessPipeline
    from pipelines.process import run_chain

    use_sources(tmp_path, monkeypatch, SOURCES)
    crawler = get_crawler(NewsSpider, {"STAGE_WORKERS": 0})
    crawler.stats = MemoryStatsCollector(crawler)
    stage = ProcessPipeline.from_crawler(crawler)
    sp = NewsSpider.from_crawler(crawler, source="outlet")
    sp._store = FakeStore()
    parsed: list[str] = []
    real_parse = pipelines.extract_html.parse

    def counting_parse(html, *args, **kw):
        parsed.append(html if isinstance(html, str) else html.decode("utf-8", "replace"))
        return real_parse(html, *args, **kw)

    monkeypatch.setattr(pipelines.page_reading, "parse", counting_parse)
    monkeypatch.setattr(pipelines.extract, "parse", counting_parse)
    p1 = article_html('<meta property="og:type" content="article">',
                      f'<p>Wali kota: “Kami siaga” — warga diminta waspada.</p><a href="{URL}2/">2</a>')
    p2 = article_html('<meta property="og:type" content="article">',
                      "<p>Bantuan tiba Jumat sore di posko — 2.500 paket untuk warga yang mengungsi.</p>")
    out = collect(sp.parse_article(page(p1, URL), **kwargs(sp, URL)))
    (nxt,) = [r for r in out if isinstance(r, Request)]
    json.dumps(nxt.cb_kwargs)  # the parts travel as plain data (the shared frontier's JSON wire)
    (item,) = items(collect(sp.parse_article(page(p2, URL + "2/"), **nxt.cb_kwargs)))
    art = asyncio.run(stage.process_item(item))
    assert len(parsed) == 2 and "Kami siaga" in parsed[0] and "2.500 paket" in parsed[1]  # once each
    assert "Kami siaga" in art.body and "2.500 paket" in art.body
    assert art.provenance["body"].endswith("+pages:2")
    # the same article extract_pages makes from the parts' text (the path that parsed every part again)
    hints = replace(item.hints, source=item.source, fetched_at=item.fetched_at, encoding=item.encoding)
    again = run_chain(None, item.url, hints, item.pages, stage.template(item.source)).article
    assert again is not None and (art.body, art.title, art.published_at) == (again.body, again.title,
                                                                            again.published_at)
    stage.close_spider()


def test_the_url_an_article_is_stored_under_comes_from_the_worker_that_read_it(tmp_path, monkeypatch):
    """The stage worker that reads an article page works out the URL the article is stored under (its
    identity without the session id, ``pipelines.dedupe.stored_url``) and hands it back with the
    reading; the reactor does not (issue 16: ``public_url`` was ~2% of the reactor thread, twice per
    article).  Both ways: a one-page article the worker processed, and a two-page one joined later."""
    from scrapy.statscollectors import MemoryStatsCollector

    from crawler.pipelines import ProcessPipeline
    from crawler.spiders import news_base

    use_sources(tmp_path, monkeypatch, SOURCES)
    crawler = get_crawler(NewsSpider, {"STAGE_WORKERS": 0})
    crawler.stats = MemoryStatsCollector(crawler)
    stage = ProcessPipeline.from_crawler(crawler)
    sp = NewsSpider.from_crawler(crawler, source="outlet")
    sp._store = FakeStore()

    def not_on_the_reactor(identity):
        raise AssertionError(f"the reactor worked out the stored URL of {identity}")

    monkeypatch.setattr(news_base, "stored_url", not_on_the_reactor)
    session = "?PHPSESSID=0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    one = URL + session
    (item,) = items(collect(sp.parse_article(page(article_html('<meta property="og:type" content="article">'),
                                                  one), **kwargs(sp, one))))
    assert item.result is not None and item.url == URL
    assert asyncio.run(stage.process_item(item)).url == URL
    two = f"{OUTLET}/2024/12/06/bantuan-tiba-di-posko/" + session
    p1 = article_html('<meta property="og:type" content="article">', f'<a href="{two}&page=2">2</a>')
    (nxt,) = [r for r in collect(sp.parse_article(page(p1, two), **kwargs(sp, two))) if isinstance(r, Request)]
    (item,) = items(collect(sp.parse_article(page(article_html(), nxt.url), **nxt.cb_kwargs)))
    assert item.result is None and len(item.pages) == 2 and item.url == two.removesuffix(session)
    stage.close_spider()


def test_a_link_to_another_port_of_the_host_is_offsite(spider):
    links = (f'<a href="{OUTLET}/2024/12/06/bantuan-tiba/">ok</a>'
             f'<a href="{OTHER_PORT}/2024/12/06/bukan-milik-kita/">other service</a>')
    resp = page(article_html('<meta property="og:type" content="article">', links), URL)
    out = collect(spider.parse_article(resp, **{**kwargs(spider, URL), "depth": 0}))
    followed = [r.url for r in out if isinstance(r, Request)]
    assert [u.rstrip("/") for u in followed] == [f"{OUTLET}/2024/12/06/bantuan-tiba"]
    assert dropped(spider) == {"offsite": 1}


# ------------------------------------------------------------------------------------------------ identity
from pipelines import discovery  # noqa: E402
from pipelines.dedupe import article_id  # noqa: E402


def requests(out: list[Any]) -> list[Request]:
    return [x for x in out if isinstance(x, Request)]


def test_article_urls_are_fetched_as_discovered(spider):
    src = spider.sources["outlet"]
    entry = discovery.Entry(URL + "?utm_source=feed#respond", via="rss")
    out = asyncio.run(spider._article_requests(src, [entry], 0))
    assert [r.url for r in out] == [URL]  # the trailing slash stays; tracking and fragment go
    again = asyncio.run(spider._article_requests(src, [discovery.Entry(URL.rstrip("/"), via="sitemap")], 0))
    assert again == []  # one id: the same article is not scheduled twice


def redirect(url: str, location: str, status: int = 301, chain: list[str] | None = None) -> Response:
    req = Request(url, meta={"news_chain": chain or []})
    return Response(url=url, status=status, headers={"Location": location}, request=req)


def test_a_redirect_to_the_slash_form_is_followed_not_dropped(spider):
    """WordPress: /slug -> 301 /slug/; the target has the request's id and must be fetched."""
    src = spider.sources["outlet"]
    spider._seen_ids.add(article_id(URL))  # scheduled under this id when discovered
    out = collect(spider.parse_article(redirect(URL.rstrip("/"), URL), **kwargs(spider, URL.rstrip("/"))))
    assert [r.url for r in requests(out)] == [URL], dropped(spider)
    assert requests(out)[0].meta["news_chain"] == [URL.rstrip("/")]
    follow = requests(out)[0]
    html = article_html('<meta property="og:type" content="article">')
    page_out = collect(spider.parse_article(page(html, URL, request=follow), **follow.cb_kwargs))
    (item,) = items(page_out)
    assert item.url == URL and item.hints.redirected_from == (URL.rstrip("/"),)
    assert item.hints.owner == Owner(src.domains, (8001,))


def test_a_shortlink_to_an_article_already_fetched_is_a_duplicate(spider):
    spider._seen_ids.add(article_id(URL))
    short = f"{OUTLET}/2024/12/05/p-123/"
    out = collect(spider.parse_article(redirect(short, URL), **kwargs(spider, short)))
    assert requests(out) == [] and dropped(spider) == {"duplicate_after_redirect": 1}


def test_a_redirect_to_another_port_of_the_host_is_refused(spider):
    out = collect(spider.parse_article(redirect(URL, f"{OTHER_PORT}/2024/12/05/banjir-surut-di-samarinda/"),
                                       **kwargs(spider, URL)))
    assert requests(out) == [] and dropped(spider) == {"offsite_redirect": 1}


def test_a_redirect_to_an_unparsable_location_is_a_counted_bad_redirect(spider):
    """Location: http://[::1/x (an unclosed IPv6 bracket) made urljoin raise inside the callback."""
    out = collect(spider.parse_article(redirect(URL, "http://[::1/2024/12/05/x/"), **kwargs(spider, URL)))
    assert requests(out) == [] and dropped(spider) == {"bad_redirect": 1}


def test_a_redirect_loop_ends(spider):
    loop = redirect(URL, URL.rstrip("/"), chain=[URL.rstrip("/")])
    assert requests(collect(spider.parse_article(loop, **kwargs(spider, URL)))) == []
    assert dropped(spider) == {"redirect_loop": 1}


# ------------------------------------------------------------------------------------------ incremental
FEED = f"{OUTLET}/feed/"
RSS = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Kabar Borneo</title>
<item><title>Banjir surut di Samarinda</title><link>{URL}</link>
<pubDate>Thu, 05 Dec 2024 02:15:00 +0000</pubDate></item></channel></rss>"""


def feed_response(status: int = 200, request: Request | None = None) -> Response:
    headers = {"Content-Type": "application/rss+xml; charset=UTF-8", "ETag": '"5f2-abc"',
               "Last-Modified": "Thu, 05 Dec 2024 02:20:00 GMT"}
    body = RSS.encode() if status == 200 else b""
    return Response(url=FEED, status=status, headers=headers, body=body, request=request or Request(FEED))


def feed_request(sp: NewsSpider) -> Request:
    (req,) = list(sp._discovery(sp.sources["outlet"], [FEED]))
    return req


def test_an_unchanged_feed_costs_a_304_after_a_clean_run(spider):
    first = feed_request(spider)
    assert "If-None-Match" not in first.headers
    out = collect(spider.parse_feed(feed_response(request=first), source="outlet"))
    assert [r.url for r in out] == [URL]
    spider.closed("finished")
    again = make_spider()
    req = feed_request(again)
    assert req.headers["If-None-Match"] == b'"5f2-abc"'
    assert req.headers["If-Modified-Since"] == b"Thu, 05 Dec 2024 02:20:00 GMT"
    assert collect(again.parse_feed(feed_response(304, req), source="outlet")) == []
    assert again.crawler.stats.get_value("news/outlet/not_modified") == 1
    again.closed("finished")
    assert make_spider().crawl_state("outlet").validators(FEED)[0] == '"5f2-abc"'  # still the settled copy


def test_a_feed_whose_article_failed_is_fetched_in_full_next_time(spider):
    from twisted.internet.error import TimeoutError as TwistedTimeout
    from twisted.python.failure import Failure

    out = collect(spider.parse_feed(feed_response(request=feed_request(spider)), source="outlet"))
    failure = Failure(TwistedTimeout())
    failure.request = out[0]
    list(spider.on_error(failure))
    spider.closed("finished")
    assert "If-None-Match" not in feed_request(make_spider()).headers
    # a run that did not finish (shutdown, kill) saves nothing either
    sp = make_spider()
    collect(sp.parse_feed(feed_response(request=feed_request(sp)), source="outlet"))
    sp.closed("shutdown")
    assert "If-None-Match" not in feed_request(make_spider()).headers


def test_indexed_articles_are_skipped_unless_listed_as_changed_or_incomplete(spider):
    src = spider.sources["outlet"]
    spider._store = FakeStore({article_id(URL): {"modified_at": "2024-12-05T02:15:00+00:00"}})
    entry = discovery.Entry(URL, via="sitemap", published="2024-12-05T02:15:00+00:00",
                    modified="2024-12-05T02:16:00+00:00")  # a minute later: the sitemap's stamp
    assert asyncio.run(spider._article_requests(src, [entry], 0)) == []
    assert spider.crawler.stats.get_value("news/outlet/skipped_seen") == 1
    fresh = make_spider()
    fresh._store = spider._store
    changed = discovery.Entry(URL, via="sitemap", modified="2024-12-06T08:00:00+00:00")
    assert [r.url for r in asyncio.run(fresh._article_requests(src, [changed], 0))] == [URL]
    assert fresh.crawler.stats.get_value("news/outlet/refetched/changed") == 1
    part = make_spider()
    part._store = FakeStore({article_id(URL): {"pages_incomplete": True}})
    assert len(asyncio.run(part._article_requests(src, [discovery.Entry(URL)], 0))) == 1


def test_a_sitemap_saying_changed_wins_over_a_feed_read_first_saying_not(spider):
    """WordPress: an edited post keeps its feed pubDate; its sitemap lastmod moves.  Whichever of the two
    the crawl reads first, the article is fetched again."""
    src = spider.sources["outlet"]
    spider._store = FakeStore({article_id(URL): {"modified_at": "2024-12-05T02:15:00+00:00"}})
    feed = discovery.Entry(URL, via="feed", published="2024-12-05T02:15:00+00:00")
    sitemap = discovery.Entry(URL, via="sitemap", modified="2024-12-06T08:00:00+00:00")
    assert asyncio.run(spider._article_requests(src, [feed], 0)) == []
    assert [r.url for r in asyncio.run(spider._article_requests(src, [sitemap], 0))] == [URL]
    assert spider.crawler.stats.get_value("news/outlet/refetched/changed") == 1
    assert asyncio.run(spider._article_requests(src, [sitemap], 0)) == []  # scheduled once


def test_a_page_that_was_no_article_is_not_fetched_again(spider):
    ld = '<script type="application/ld+json">{"@type":"CollectionPage","name":"Terpopuler"}</script>'
    collect(spider.parse_article(page(article_html(ld), URL), **kwargs(spider, URL)))
    again = make_spider()
    assert asyncio.run(again._article_requests(again.sources["outlet"], [discovery.Entry(URL)], 0)) == []
    assert again.crawler.stats.get_value("news/outlet/skipped_known/not_article_page") == 1
    assert len(asyncio.run(make_spider(refresh="1")._article_requests(again.sources["outlet"],
                                                                       [discovery.Entry(URL)], 0))) == 1


def test_an_article_an_item_pipeline_dropped_is_remembered(spider):
    from scrapy.exceptions import DropItem

    item = FetchedPage(url=URL, body=b"", source="outlet", hints=Hints(redirected_from=(URL.rstrip("/"),)))
    spider._on_item_dropped(item, None, DropItem(f"not_article:soft_404: {URL}"))
    spider._on_item_dropped(FetchedPage(url=URL + "x/", body=b"", source="outlet"), None,
                            DropItem(f"error: {URL}x/ boom"))  # a failing stage: tried again next run
    asked = [article_id(URL.rstrip("/")), article_id(URL + "x/")]
    outcomes = make_spider().crawl_state("outlet").outcomes(asked)
    assert outcomes == {article_id(URL.rstrip("/")): "dropped:not_article"}


@pytest.mark.parametrize("reason", ["timeout", "worker_crash"])
def test_an_article_whose_stage_failed_is_fetched_again_next_run(spider, reason):
    """A stage that ran over its time or lost its worker (a loaded machine, a worker killed) says
    nothing about the page: the article is dead-lettered by the pool and the next run fetches it again.
    Remembered as ``dropped:timeout`` it was skipped for ``recheck_days`` - seen in CI: a crawl killed
    with kill -9 under load, its rerun skipped the one article whose stage had timed out
    (``skipped_known/dropped``), so the article was never indexed."""
    from scrapy.exceptions import DropItem

    item = FetchedPage(url=URL, body=b"", source="outlet")
    spider._on_item_dropped(item, None, DropItem(f"{reason}: {URL} read_page ran over 30s"))
    assert make_spider().crawl_state("outlet").outcomes([article_id(URL)]) == {}
    again = make_spider()
    assert [r.url for r in asyncio.run(again._article_requests(again.sources["outlet"],
                                                                [discovery.Entry(URL)], 0))] == [URL]


LINKED = f"{OUTLET}/2024/12/06/bantuan-tiba-di-posko/"


def test_an_articles_in_source_links_travel_with_it(spider):
    """The article's links to other article pages of the source go onto the item (``article_links``,
    stored as ``Article.links``): a later run that skips this article can still follow them."""
    links = (f'<p><strong>Baca juga:</strong> <a href="{LINKED}?utm_source=related">Bantuan tiba</a></p>'
             f'<a href="{OTHER_PORT}/2024/12/06/bukan-milik-kita/">other service</a>')
    resp = page(article_html('<meta property="og:type" content="article">', links), URL)
    (item,) = items(collect(spider.parse_article(resp, **{**kwargs(spider, URL), "depth": 0})))
    assert item.hints.article_links == (LINKED,)


def test_a_skipped_indexed_article_has_its_stored_links_followed(spider):
    """After a killed run, an article linked only from inside an already-indexed article: the rerun
    skips the indexed one (no request) and follows the links stored with it, once, within follow_depth."""
    src = spider.sources["outlet"]
    spider._store = FakeStore({article_id(URL): {"links": [LINKED, URL]}})
    out = asyncio.run(spider._article_requests(src, [discovery.Entry(URL, via="sitemap")], 0))
    assert [r.url for r in out] == [LINKED]  # the article itself is not fetched; its own URL not twice
    assert out[0].cb_kwargs["depth"] == 1
    assert spider.crawler.stats.get_value("news/outlet/skipped_seen") == 1
    assert spider.crawler.stats.get_value("news/outlet/stored_links_followed") == 2
    deep = make_spider()
    deep._store = spider._store
    assert asyncio.run(deep._article_requests(src, [discovery.Entry(URL, via="link")], 1)) == []  # at follow_depth


def test_a_shortlink_seen_while_its_target_was_only_scheduled_is_fetched_again_if_the_target_was_lost(spider):
    """A shortlink (``/2024/12/05/p-123/`` -> the permalink) met while the permalink was scheduled but not yet
    indexed: if the run is killed before the permalink is indexed, the next run must not skip the
    shortlink as a known alias — it may be the only way left to the article.  Once the permalink is in
    the index, the shortlink is a plain alias again and costs no request."""
    short = f"{OUTLET}/2024/12/05/p-123/"
    spider._seen_ids.add(article_id(URL))  # the permalink is scheduled in this run ...
    out = collect(spider.parse_article(redirect(short, URL), **kwargs(spider, short)))
    assert requests(out) == [] and dropped(spider) == {"duplicate_after_redirect": 1}
    # ... and the run is killed before it is indexed
    src = spider.sources["outlet"]
    lost = make_spider()
    assert [r.url for r in asyncio.run(lost._article_requests(src, [discovery.Entry(short)], 0))] == [short]
    assert lost.crawler.stats.get_value("news/outlet/alias_target_missing") == 1
    # the shortlink fetched again is forgotten as an alias until its redirect is seen again
    assert make_spider().crawl_state("outlet").outcomes([article_id(short)]) == {}


def test_a_shortlink_remembered_while_its_target_was_scheduled_is_a_plain_alias_once_the_target_is_indexed(spider):
    short = f"{OUTLET}/2024/12/05/p-123/"
    spider._seen_ids.add(article_id(URL))
    collect(spider.parse_article(redirect(short, URL), **kwargs(spider, short)))
    src = spider.sources["outlet"]
    kept = make_spider()
    kept._store = FakeStore({article_id(URL): {}})
    assert asyncio.run(kept._article_requests(src, [discovery.Entry(short)], 0)) == []
    assert kept.crawler.stats.get_value("news/outlet/skipped_known/alias") == 1
    later = make_spider()  # no lookup needed any more: remembered as a plain alias
    assert asyncio.run(later._article_requests(src, [discovery.Entry(short)], 0)) == []
    assert later._store.asked == [[article_id(short)]]


def test_a_shortlink_whose_target_is_scheduled_in_this_run_is_not_fetched(spider):
    short = f"{OUTLET}/2024/12/05/p-123/"
    spider._seen_ids.add(article_id(URL))
    collect(spider.parse_article(redirect(short, URL), **kwargs(spider, short)))
    again = make_spider()
    again._seen_ids.add(article_id(URL))  # the permalink found again (its sitemap) before the shortlink
    assert asyncio.run(again._article_requests(spider.sources["outlet"], [discovery.Entry(short)], 0)) == []
    assert again.crawler.stats.get_value("news/outlet/skipped_known/alias") == 1


FESTIVAL = f"{OUTLET}/2024/12/04/festival-budaya-tionghoa-singkawang/"


def test_an_article_found_too_deep_first_has_its_links_followed_when_found_again_nearer(spider):
    """The order a run meets an article in must not decide what it finds.  A rerun skips an indexed
    post (from a category page) and follows its stored links: one of them is the post that alone links
    two others, met there at follow_depth — its links are not followed.  The feed then lists that post
    at depth 0: its stored links are followed now, not lost because it was 'seen' too deep first."""
    src = spider.sources["outlet"]
    spider._store = FakeStore({article_id(URL): {"links": [FESTIVAL]}, article_id(FESTIVAL): {"links": [LINKED]}})
    assert asyncio.run(spider._article_requests(src, [discovery.Entry(URL, via="link")], 0)) == []
    out = asyncio.run(spider._article_requests(src, [discovery.Entry(FESTIVAL, via="rss")], 0))
    assert [r.url for r in out] == [LINKED] and out[0].cb_kwargs["depth"] == 1
    again = asyncio.run(spider._article_requests(src, [discovery.Entry(FESTIVAL, via="sitemap")], 0))
    assert again == []  # followed once


def test_an_article_fetched_too_deep_keeps_its_links_and_follows_them_when_found_nearer(spider):
    """Fetched at follow_depth (found first as a related link), an article's links are still read and
    stored with it (``article_links``: a later run that skips it can follow them); found again at depth 0
    in the same run, they are followed."""
    src = spider.sources["outlet"]
    spider._seen_ids.add(article_id(FESTIVAL))
    spider._depth_of[article_id(FESTIVAL)] = 1
    links = f'<p><strong>Baca juga:</strong> <a href="{LINKED}">Bantuan tiba</a></p>'
    resp = page(article_html('<meta property="og:type" content="article">', links), FESTIVAL)
    out = collect(spider.parse_article(resp, **{**kwargs(spider, FESTIVAL), "depth": 1}))
    (item,) = items(out)
    assert item.hints.article_links == (LINKED,) and requests(out) == []
    found = asyncio.run(spider._article_requests(src, [discovery.Entry(FESTIVAL, via="rss")], 0))
    assert [r.url for r in found] == [LINKED] and found[0].cb_kwargs["depth"] == 1
