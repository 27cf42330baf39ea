"""The spider's page handling on real-shaped responses, without a network: what it keeps, drops,
follows and how it decodes.  (Integration tests crawl the fixture sites for real.)"""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from crawler.items import FetchedPage
from crawler.spiders.news import NewsSpider

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
    def __init__(self, known: set[str] | None = None) -> None:
        self.known = known or set()
        self.asked: list[list[str]] = []

    def existing_ids(self, ids: list[str]) -> set[str]:
        self.asked.append(list(ids))
        return self.known & set(ids)


@pytest.fixture()
def spider(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> NewsSpider:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES)
    monkeypatch.setenv("NEWS_SOURCES", str(path))
    crawler = get_crawler(NewsSpider, {})
    sp = NewsSpider.from_crawler(crawler, source="outlet")
    sp._store = FakeStore()
    return sp


def collect(agen: Any) -> list[Any]:
    async def run() -> list[Any]:
        return [x async for x in agen]
    return asyncio.run(run())


def page(body: str, url: str, ctype: str = "text/html; charset=utf-8", encoding: str = "utf-8",
         status: int = 200, headers: dict[str, str] | None = None, request: Request | None = None) -> Response:
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


def test_a_link_to_another_port_of_the_host_is_offsite(spider):
    links = (f'<a href="{OUTLET}/2024/12/06/bantuan-tiba/">ok</a>'
             f'<a href="{OTHER_PORT}/2024/12/06/bukan-milik-kita/">other service</a>')
    resp = page(article_html('<meta property="og:type" content="article">', links), URL)
    out = collect(spider.parse_article(resp, **{**kwargs(spider, URL), "depth": 0}))
    followed = [r.url for r in out if isinstance(r, Request)]
    assert [u.rstrip("/") for u in followed] == [f"{OUTLET}/2024/12/06/bantuan-tiba"]
    assert dropped(spider) == {"offsite": 1}


# ------------------------------------------------------------------------------------------------ identity
from pipelines import discovery as d  # noqa: E402
from pipelines.dedupe import article_id  # noqa: E402


def requests(out: list[Any]) -> list[Request]:
    return [x for x in out if isinstance(x, Request)]


def test_article_urls_are_fetched_as_discovered(spider):
    src = spider.sources["outlet"]
    out = asyncio.run(spider._article_requests(src, [d.Entry(URL + "?utm_source=feed#respond", via="rss")], 0))
    assert [r.url for r in out] == [URL]  # the trailing slash stays; tracking and fragment go
    again = asyncio.run(spider._article_requests(src, [d.Entry(URL.rstrip("/"), via="sitemap")], 0))
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
    assert item.url == URL and item.hints["redirected_from"] == [URL.rstrip("/")]
    assert item.hints["owner"] == {"domains": list(src.domains), "ports": [8001]}


def test_a_shortlink_to_an_article_already_fetched_is_a_duplicate(spider):
    spider._seen_ids.add(article_id(URL))
    short = f"{OUTLET}/2024/12/05/p-123/"
    out = collect(spider.parse_article(redirect(short, URL), **kwargs(spider, short)))
    assert requests(out) == [] and dropped(spider) == {"duplicate_after_redirect": 1}


def test_a_redirect_to_another_port_of_the_host_is_refused(spider):
    out = collect(spider.parse_article(redirect(URL, f"{OTHER_PORT}/2024/12/05/banjir-surut-di-samarinda/"),
                                       **kwargs(spider, URL)))
    assert requests(out) == [] and dropped(spider) == {"offsite_redirect": 1}


def test_a_redirect_loop_ends(spider):
    loop = redirect(URL, URL.rstrip("/"), chain=[URL.rstrip("/")])
    assert requests(collect(spider.parse_article(loop, **kwargs(spider, URL)))) == []
    assert dropped(spider) == {"redirect_loop": 1}
