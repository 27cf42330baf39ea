"""Reading a fetched page once (pipelines/page_reading.py): what the spider goes on with and the article
come from one decode and one parse; discovery files are read and their URLs checked the same way."""

from __future__ import annotations

import gzip

import pytest

from pipelines import discovery, extract_html
from pipelines.crawl_config import MultiPage
from pipelines.page_reading import PageTask, check_entries, gunzip, read_feed, read_page, read_sitemap
from pipelines.process import process_page

BASE = "https://kabar.example.id"
URL = f"{BASE}/berita/2024/12/05/banjir-surut-di-samarinda.html"
PARA = ("Banjir yang merendam lima kecamatan di Samarinda mulai surut pada Kamis pagi setelah hujan reda "
        "sejak Rabu malam, kata petugas penanggulangan bencana daerah kepada wartawan di lokasi. ")


class Rules:
    """A source owning kabar.example.id whose articles live under /berita/; /tag/ is denied."""

    multipage = MultiPage(mode="auto")

    def owns(self, url: str) -> bool:
        return url.startswith(BASE)

    def url_rule(self, url: str) -> tuple[str, str | None]:
        if "/tag/" in url:
            return "deny", "/tag/"
        return ("allow", "/berita/") if "/berita/" in url else ("none", None)

    def is_article_url(self, url: str) -> bool:
        return self.url_rule(url)[0] == "allow"


def article(links: str = "", head: str = '<meta property="og:type" content="article">') -> bytes:
    return (f"<!DOCTYPE html><html lang='id'><head><meta charset='utf-8'><title>Banjir surut di Samarinda"
            f"</title>{head}</head><body><nav><a href='/'>Beranda</a></nav><article><h1>Banjir surut di "
            f"Samarinda</h1>" + "".join(f"<p>{PARA}</p>" for _ in range(6)) + f"</article>{links}</body>"
            "</html>").encode()


def task(**kw) -> PageTask:
    base = {"url": URL, "content_type": "text/html; charset=utf-8", "identity": URL, "url_rule": "allow",
            "hints": {"language_hint": "id", "source": "kabar"}, "run_chain": True, "follow": True,
            "walk_parts": True}
    return PageTask(**{**base, **kw})


def test_a_one_page_article_is_classified_linked_and_processed_in_one_reading():
    links = (f"<a href='/berita/2024/12/06/harga-beras-naik.html'>Harga beras</a>"
             f"<a href='{URL}?page=2'>2</a><a href='https://partner.example.com/x'>partner</a>"
             "<a href='/tag/banjir/'>tag</a><a href='/kanal/daerah/'>Daerah</a>")
    reading = read_page(article(links), task(walk_parts=False), Rules())
    assert reading.verdict is not None and reading.verdict.is_article
    assert reading.encoding == "utf-8" and reading.text is None and reading.next_url is None
    # related articles, not this article's own later part; off-site links reported for counting, by
    # their key alone (the crawl never fetches them)
    assert [u for u, _ in reading.links.articles] == [f"{BASE}/berita/2024/12/06/harga-beras-naik.html"]
    assert reading.links.offsite == ["https://partner.example.com/x"]
    # the stage chain ran on the same tree: the same article process_page makes of the page
    assert reading.result is not None and reading.result.ok, reading.result
    offline = process_page(article(links), URL, {"language_hint": "id", "source": "kabar",
                                                 "url_rule": "allow", "encoding": "utf-8"})
    assert reading.result.article.body == offline.article.body
    assert reading.result.article.content_hash == offline.article.content_hash
    # the source template's evidence, read here in the worker: the same as read off the extracted body
    assert reading.result.extracted and reading.result.evidence is not None
    assert reading.result.evidence == offline.evidence and reading.result.evidence.lines


def test_the_page_is_parsed_once(monkeypatch):
    calls = []
    real = extract_html.parse

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("pipelines.page_reading.parse", counting)
    monkeypatch.setattr("pipelines.extract.parse", counting)
    reading = read_page(article(), task(), Rules())
    assert reading.result.ok and len(calls) == 1


def test_the_page_kind_evidence_and_json_ld_are_read_once(monkeypatch):
    """The classifier's verdict for the spider and the extraction stage's not-an-article check and metadata
    read the same tree: its JSON-LD is walked once and its page-kind evidence read once."""
    from pipelines import jsonld, page_kind

    walks, reads = [], []
    real_nodes, real_markup = jsonld.nodes, page_kind.read_markup

    def counting_nodes(*args, **kwargs):
        walks.append(1)
        return real_nodes(*args, **kwargs)

    def counting_markup(*args, **kwargs):
        reads.append(1)
        return real_markup(*args, **kwargs)

    monkeypatch.setattr(jsonld, "nodes", counting_nodes)
    monkeypatch.setattr(page_kind, "read_markup", counting_markup)
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Banjir surut",'
          ' "author": {"@type": "Person", "name": "Siti Aminah"}}</script>')
    reading = read_page(article(head=ld), task(walk_parts=False), Rules())
    assert reading.verdict is not None and reading.verdict.is_article and reading.verdict.strong
    assert reading.result is not None and reading.result.ok and reading.result.article.authors == ["Siti Aminah"]
    assert len(walks) == 1 and len(reads) == 1


def test_a_page_with_a_next_part_comes_back_as_text_for_assembly():
    nxt = f"{URL}?page=2"
    reading = read_page(article(f"<a href='{nxt}'>Selanjutnya</a>"), task(), Rules())
    assert reading.next_url == nxt and reading.result is None
    assert reading.text is not None and "Banjir surut" in reading.text


def test_a_listing_page_gives_its_links_and_no_verdict():
    html = ("<html><body><a href='/berita/2024/12/06/a.html'>a</a><a href='/kanal/daerah/'>Daerah</a>"
            "<a href='/img/x.jpg'>foto</a><a href='mailto:r@kabar.example.id'>mail</a></body></html>")
    reading = read_page(html.encode(), PageTask(f"{BASE}/", "text/html", "listing"), Rules())
    assert reading.verdict is None and reading.result is None
    assert [u for u, _ in reading.links.articles] == [f"{BASE}/berita/2024/12/06/a.html"]
    assert [u for u, _ in reading.links.listings] == [f"{BASE}/kanal/daerah/"]


def test_a_sites_menu_links_are_made_fetchable_once_not_on_every_page(monkeypatch):
    """Two listing pages of one site share their menu (absolute and root-relative, a tracking tag on
    one): each in-source menu URL is made fetchable and normalised once, an off-site one never (it is
    only counted, by its key); every page still gets all its links."""
    from pipelines import page_reading

    page_reading._link.cache_clear()
    calls = []
    real = page_reading.fetch_url
    monkeypatch.setattr(page_reading, "fetch_url", lambda u: calls.append(u) or real(u))
    menu = (f"<nav><a href='{BASE}/'>Beranda</a> <a href='/kanal/daerah/'>Daerah</a> "
            f"<a href='/kanal/ekonomi/?utm_source=menu'>Ekonomi</a> <a href='https://partner.example.com/'>Mitra</a></nav>")
    found = []
    for n in (1, 2):
        html = f"<html><body>{menu}<ul><li><a href='/berita/2024/12/0{n}/a.html'>a</a></li></ul></body></html>"
        reading = read_page(html.encode(), PageTask(f"{BASE}/kanal/page/{n}/", "text/html", "listing"), Rules())
        found.append(reading.links)
    for n, links in enumerate(found, 1):
        assert [u for u, _ in links.articles] == [f"{BASE}/berita/2024/12/0{n}/a.html"]
        assert [u for u, _ in links.listings] == [f"{BASE}/", f"{BASE}/kanal/daerah/", f"{BASE}/kanal/ekonomi/"]
        assert links.offsite == ["https://partner.example.com/"]
    # 3 in-source menu links + one article link per page; the partner link not at all
    assert len(calls) == len(set(calls)) == 5, calls


def test_a_not_article_page_is_not_extracted():
    ld = '<script type="application/ld+json">{"@type":"ItemList","name":"Terpopuler"}</script>'
    reading = read_page(article(head=ld), task(), Rules())
    assert reading.verdict is not None and not reading.verdict.is_article
    assert reading.result is None and reading.links is not None


def test_unreadable_markup_is_a_counted_drop_not_a_crash():
    reading = read_page(b"just some words, no markup at all", task(kind="listing"), Rules())
    assert reading.drop == "unparsable"
    # an article page extraction refuses is dropped with extraction's reason
    huge = b"<html><body>" + b"<p>x</p>" * 70_000 + b"</body></html>"
    res = read_page(huge, task(), Rules()).result
    assert res is not None and res.drop_reason == "too_large"


def test_discovered_urls_are_checked_with_their_reasons():
    entries = [discovery.Entry(f"{BASE}/berita/a.html"), discovery.Entry("https://other.example/berita/b.html"),
               discovery.Entry(f"{BASE}/tag/banjir/"), discovery.Entry(f"{BASE}/kanal/"), discovery.Entry("http://[::1")]
    checked = check_entries(entries, Rules())
    assert [c.reason for c in checked] == [None, "offsite", "denied_by_rule", "not_article_url", "bad_url"]
    assert checked[0].key and checked[0].entry.url == f"{BASE}/berita/a.html"


def test_a_feed_item_without_a_usable_link_is_a_counted_drop_not_a_silent_one():
    # feedparser blanks a link no URL parser reads (an unclosed IPv6 bracket); an item may have no link at
    # all: either way the item is a discovered entry the crawl cannot fetch, and says so
    rss = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Kabar</title>
<item><title>Banjir surut</title><link>{BASE}/berita/banjir-surut/</link></item>
<item><title>Harga beras naik</title><link>http://[::1/berita/beras/</link></item>
<item><title>Gempa di Cianjur</title><description>tanpa tautan</description></item>
</channel></rss>""".encode()
    checked, problem = read_feed(rss, f"{BASE}/feed/", Rules())
    assert problem is None
    assert [(c.entry.title, c.reason) for c in checked] == [
        ("Banjir surut", None), ("Harga beras naik", "no_link"), ("Gempa di Cianjur", "no_link")]


def test_an_unparsable_link_does_not_hide_the_next_part():
    from lxml import html as lxml_html

    url = f"{BASE}/berita/2024/12/05/banjir.html"
    tree = lxml_html.fromstring('<html><body><a href="http://[::1/x">iklan</a>'
                                '<a href="/berita/2024/12/05/banjir.html?page=2">2</a></body></html>')
    assert discovery.next_part(tree, url, url, 1, MultiPage(mode="auto")) == url + "?page=2"


def test_a_gzipped_sitemap_is_bounded():
    xml = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           f"<url><loc>{BASE}/berita/a.html</loc></url></urlset>").encode()
    kind, checked = read_sitemap(gzip.compress(xml), Rules(), 10_000)
    assert kind == "urlset" and [c.reason for c in checked] == [None]
    with pytest.raises(ValueError, match="decompressed size"):
        gunzip(gzip.compress(b"x" * 20_000), 10_000)
    with pytest.raises(ValueError, match="corrupt"):
        gunzip(b"\x1f\x8b" + b"not gzip at all", 10_000)


def test_a_link_that_cannot_be_parsed_is_skipped_not_the_page():
    """An unclosed IPv6 bracket in one sidebar href made urljoin raise and the whole article was lost (the
    reading failed); it is an unusable link like a mailto: one now."""
    links = ("<a href='http://[::1/x'>rusak</a><a href='//[2001:db8::1/y'>rusak</a>"
             "<a href='/berita/2024/12/06/harga-beras-naik.html'>Harga beras</a>")
    reading = read_page(article(links), task(walk_parts=False), Rules())
    assert reading.result is not None and reading.result.ok
    assert [u for u, _ in reading.links.articles] == [f"{BASE}/berita/2024/12/06/harga-beras-naik.html"]
    assert reading.links.offsite == []


# URL shapes for the off-site fast path of page_links: case, ports, fragments, tracking and session
# parameters, empty queries, path parameters, dot segments, %-escapes, '+', spaces, non-ASCII hosts
# and paths, userinfo, IPv6, bad ports - each read on a page of BASE
TRICKY_HREFS = [
    "https://Partner.Example.COM/x", "HTTPS://partner.example.com:443/x/", "http://partner.example.com:8080/a",
    "https://partner.example.com/a?utm_source=x&b=2&a=1#frag", "https://partner.example.com/a?", "//cdn.example.net/i",
    "https://partner.example.com/a;jsessionid=ABC?x=1", "https://partner.example.com/a;", "https://p.example.com/a/../b/./c",
    "https://p.example.com/caf%C3%A9", "https://p.example.com/café", "https://p.example.com/a+b?q=a+b",
    "https://p.example.com/a b", "https://bücher.example/x", "https://user:pw@p.example.com/x", "http://[::1]/x",
    "http://[::1/x", "https://p.example.com:99999/x", "https://p.example.com:/x", "https://p.example.com?a=1",
    "https://p.example.com/x?sid=1&PHPSESSID=2&fbclid=3", "https://p.example.com//a//b/", "https://p.example.com./x",
    "https://kabar.example.id/berita/2024/12/07/a.html#top", "https://KABAR.example.id/kanal/x/?utm_medium=y",
    "https://kabar.example.id:8443/berita/x", "https://kabar.example.id.evil.com/berita/x",
    "https://evil.com\\@kabar.example.id/x", "https://kabar.example.id/berita/%7Euser", "ftp://p.example.com/x",
    "/berita/2024/12/08/b.html?fbclid=1", "kanal/relatif/", "?page=3", "https://p.example.com/a|b{c}",
]


def _slow_links(tree, page_url, rules):
    """page_links as it was before the off-site fast path: every link made fetchable and normalised first."""
    from urllib.parse import urlsplit

    from pipelines.dedupe import join_url
    from pipelines.page_reading import _NOT_LINKS, SKIP_EXT, fetchable, is_part, norm

    articles, listings, offsite = {}, {}, {}
    for href in dict.fromkeys(h.strip() for h in tree.xpath("//a/@href")):
        if not href or href.startswith(_NOT_LINKS):
            continue
        joined = join_url(page_url, href)
        fetch = fetchable(joined) if joined is not None else None
        key = norm(fetch) if fetch else None
        if fetch is None or key is None:
            continue
        if not rules.owns(fetch):
            offsite[key] = None
            continue
        rule, _ = rules.url_rule(key)
        if rule == "allow":
            articles.setdefault(key, fetch)
        elif rule == "none" and not urlsplit(fetch).path.lower().endswith(SKIP_EXT) and not is_part(rules, key):
            listings.setdefault(key, fetch)
    return [(u, k) for k, u in articles.items()], [(u, k) for k, u in listings.items()], list(offsite)


def _host_rules():
    from news_ingest.sources import parse_source

    return parse_source({"name": "kabar", "domains": ["kabar.example.id"], "start_urls": [f"{BASE}/"],
                         "article_allow": ["/berita/"], "article_deny": ["/tag/"]}, 0)


def test_page_links_finds_what_full_normalisation_of_every_link_finds():
    """The off-site fast path (host first, key straight from a plain URL) changes no link and no key
    (for a source whose ownership is by host and port, as ``SourceRules.owns`` says)."""
    from lxml import html as lxml_html

    from pipelines.page_reading import page_links

    rules = _host_rules()
    page = "<html><body>" + "".join(f'<a href="{h}">x</a>' for h in TRICKY_HREFS) + "</body></html>"
    for base in (URL, "http://kabar.example.id/berita/", "https://kabar.example.id:8443/x"):
        tree = lxml_html.document_fromstring(page)
        got = page_links(tree, base, rules)
        assert (got.articles, got.listings, got.offsite) == _slow_links(tree, base, rules), base
        assert got.offsite  # the fast path was taken


def test_page_links_on_fixture_pages_is_unchanged():
    from pathlib import Path

    from pipelines.page_reading import page_links

    fixtures = sorted((Path(__file__).parents[1] / "fixtures").rglob("*.html"))
    assert fixtures
    rules = _host_rules()
    for path in fixtures:
        try:
            parsed = extract_html.parse(path.read_bytes().decode("utf-8", "replace"))
        except extract_html.Rejected:
            continue
        got = page_links(parsed.tree, URL, rules)
        assert (got.articles, got.listings, got.offsite) == _slow_links(parsed.tree, URL, rules), path


def test_join_url_is_urljoin_for_every_shape():
    """``join_url`` returns an absolute plain link without parsing it and the page URL again; what it
    returns is ``urljoin``'s answer for every shape (case, ports, empty queries, path parameters, dot
    segments, fragments, escapes, other schemes) against bases of either scheme."""
    from urllib.parse import urljoin

    from pipelines.dedupe import join_url

    hrefs = [*TRICKY_HREFS, "http://p.example.com/a/../b", "https://p.example.com/a/./b?x=1", "http://p.example.com",
             "https://p.example.com/x?", "https://p.example.com/x??", "https://p.example.com/x?a?", "http://p.example.com/x#",
             "https://p.example.com/x;y", "https://p.example.com:/x", "https://p.example.com:8/x?q=1:2@3", "Http://p.example.com/x",
             "https://p.example.com/~a/(b)/*c,d!e$f&g'h=i", "https://p.example.com/a%20b", "https://p.example.com/a\tb", ""]
    for base in (URL, "http://kabar.example.id/berita/x.html", "https://kabar.example.id", "https://other.example/a/b"):
        for href in hrefs:
            try:
                want = urljoin(base, href)
            except ValueError:
                want = None
            assert join_url(base, href) == want, (base, href)


class CountingRules(Rules):
    def __init__(self) -> None:
        self.asked: list[str] = []

    def owns(self, url: str) -> bool:
        self.asked.append(url)
        return super().owns(url)


def test_a_page_asks_who_owns_each_site_once_not_each_link():
    """Ownership is by scheme, host and port alone (``SourceRules.owns``): a page with nine plain links on
    three sites asks three times, and every link still lands where it did."""
    links = ("".join(f"<a href='https://partner.example.com/{i}'>p</a>" for i in range(4))
             + "".join(f"<a href='/berita/2024/12/0{i}/a.html'>a</a>" for i in range(1, 4))
             + "<a href='https://cdn.example.net/x'>c</a><a href='https://cdn.example.net/y'>c</a>")
    rules = CountingRules()
    reading = read_page(article(links), task(walk_parts=False), rules)
    assert sorted(rules.asked) == ["https://cdn.example.net", BASE, "https://partner.example.com"]
    assert [u for u, _ in reading.links.articles] == [f"{BASE}/berita/2024/12/0{i}/a.html" for i in range(1, 4)]
    assert reading.links.offsite == [*(f"https://partner.example.com/{i}" for i in range(4)),
                                     "https://cdn.example.net/x", "https://cdn.example.net/y"]


def test_an_off_site_link_repeated_on_a_sources_pages_is_normalised_once(monkeypatch):
    """A source's pages repeat their off-site links (social, partners): each one's key is worked out once
    per worker, and every page still reports it."""
    from pipelines import page_reading

    for value in vars(page_reading).values():  # this worker's link memories, whatever their shape
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()
    calls = []
    real = page_reading.norm
    monkeypatch.setattr(page_reading, "norm", lambda u: calls.append(u) or real(u))
    footer = "<a href='https://www.facebook.com/kabar.id'>fb</a><a href='https://partner.example.com/?utm_source=k'>m</a>"
    for n in (1, 2, 3):
        html = f"<html><body><a href='/berita/2024/12/0{n}/a.html'>a</a>{footer}</body></html>"
        reading = read_page(html.encode(), PageTask(f"{BASE}/kanal/page/{n}/", "text/html", "listing"), Rules())
        assert reading.links.offsite == ["https://www.facebook.com/kabar.id", "https://partner.example.com/"]
    assert [u for u in calls if "kabar.example.id" not in u] == [
        "https://www.facebook.com/kabar.id", "https://partner.example.com/?utm_source=k"]
