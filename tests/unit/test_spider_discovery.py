"""The spider's pure helpers on real-shaped bytes: feeds, sitemaps, robots, article test, parts, charsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from pipelines import charset, discovery
from pipelines.crawl_config import CrawlerConfig, MultiPage
from pipelines.page_kind import page_verdict

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "site"
BASE = "http://127.0.0.1:9"


def fixture(name: str) -> bytes:
    return (SITE / name).read_bytes().replace(b"{BASE}", BASE.encode())


def test_rss_and_atom_entries_with_utc_dates_and_titles():
    rss, problem = discovery.parse_feed(fixture("feed/rss.xml"), f"{BASE}/feed/rss.xml")
    assert problem is None
    assert rss[0].url == f"{BASE}/berita/korut-rusia-perjanjian-pertahanan.html"
    assert rss[0].title.startswith("Korea Utara & Rusia")
    assert rss[0].published == "2024-12-04T03:15:00+00:00" and rss[0].via == "rss" and rss[0].language == "id"
    atom, _ = discovery.parse_feed(fixture("feed/atom.xml"), f"{BASE}/feed/atom.xml")
    assert [e.via for e in atom] == ["atom", "atom"]
    assert atom[0].url == f"{BASE}/berita/pasar-saham-asia.html"
    assert atom[1].published == "2024-12-04T08:00:00+00:00"  # <updated> when <published> is absent


def test_broken_feed_is_reported_not_raised():
    entries, problem = discovery.parse_feed(b"<html><body>Gateway timeout</body></html>", "https://x.test/rss")
    assert entries == [] and problem


def test_google_news_sitemap_keeps_news_fields():
    kind, entries = discovery.parse_sitemap(fixture("sitemap-news.xml"))
    assert kind == "urlset"
    vaksin = entries[0]
    assert vaksin.via == "news-sitemap" and vaksin.language == "id"
    assert vaksin.title == "Kemenkes Perluas Vaksinasi Dengue Gratis ke 20 Kabupaten"
    assert vaksin.published == "2024-12-05T02:00:00+00:00"


def test_sitemap_index_and_plain_urlset():
    kind, children = discovery.parse_sitemap(fixture("sitemap.xml"))
    assert kind == "index" and len(children) == 3
    assert children[2].published == "2018-12-31T00:00:00+00:00"
    kind, urls = discovery.parse_sitemap(fixture("sitemap-articles.xml"))
    assert kind == "urlset" and urls[0].via == "sitemap" and urls[0].published.startswith("2019-05-21")
    with pytest.raises(ValueError):
        discovery.parse_sitemap(b"<html><body>not a sitemap</body></html>")


def test_sitemap_parser_does_not_expand_entities():
    evil = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&e;</loc></url></urlset>')
    _, entries = discovery.parse_sitemap(evil)
    assert all("root:" not in e.url for e in entries)


def test_robots_rules_crawl_delay_and_sitemaps():
    robots = discovery.parse_robots(fixture("robots.txt"))
    assert not robots.allowed(f"{BASE}/private/berita/rahasia.html", "news-ingest/0.1")
    assert robots.allowed(f"{BASE}/berita/banjir-jakarta-surut.html", "news-ingest/0.1")
    assert robots.crawl_delay("news-ingest/0.1") == 0.2
    assert robots.sitemaps == [f"{BASE}/sitemap.xml"]


@pytest.mark.parametrize(("url", "reason"), [
    ("https://x.test/a/" + "b" * 2100, "url_too_long"),
    ("https://x.test/" + "/".join("abcdefghijklm"), "too_many_path_segments"),
    ("https://x.test/s?" + "&".join(f"f{i}=1" for i in range(9)), "too_many_query_params"),
    ("https://x.test/a/b/a/b/a/b", "repeating_path"),
    ("https://x.test/read/2024/12/05/123/judul", None),
])
def test_url_traps(url, reason):
    assert discovery.url_trap(url, CrawlerConfig()) == reason


@pytest.mark.parametrize(("name", "url_rule", "kind"), [
    ("berita/korut-rusia-perjanjian-pertahanan.html", "allow", "article"),
    ("index.html", "none", "listing"),  # og:type website, WebSite: weak evidence, not an article URL
    ("berita/index.html", "none", "listing"),  # CollectionPage
    ("berita/terpopuler.html", "allow", "listing"),  # ItemList outweighs the URL
    ("world/central-bank-holds-rates.html", "allow", "article"),
])
def test_page_kind_of_the_sample_pages(name, url_rule, kind):
    tree = lxml_html.document_fromstring(fixture(name))
    assert page_verdict(tree, url_rule).kind == kind


def test_next_part_query_and_path_styles():
    first = f"{BASE}/berita/korut-rusia-perjanjian-pertahanan.html"
    tree = lxml_html.document_fromstring(fixture("berita/korut-rusia-perjanjian-pertahanan.html"))
    assert discovery.next_part(tree, first, first, 1, MultiPage()) == first + "?page=2"
    page2 = lxml_html.document_fromstring(fixture("berita/korut-rusia-perjanjian-pertahanan.page2.html"))
    assert discovery.next_part(page2, first + "?page=2", first, 2, MultiPage()) is None  # last part
    assert discovery.next_part(tree, first, first, 1, MultiPage(mode="none")) is None
    kopi = f"{BASE}/news/ekspor-kopi-melonjak"
    tree = lxml_html.document_fromstring(fixture("news/ekspor-kopi-melonjak.html"))
    assert discovery.next_part(tree, kopi, kopi, 1, MultiPage(mode="path")) == kopi + "/2"
    assert discovery.part_base(kopi + "/2", MultiPage()) == kopi
    assert discovery.part_base(first + "?page=3", MultiPage()) == first
    assert discovery.page_number(first + "?page=all", first, MultiPage()) is None


def test_show_all_url():
    rule = MultiPage(mode="query", show_all="page=all")
    assert discovery.show_all_url("https://x.test/a/2024/12/05/judul", rule) == "https://x.test/a/2024/12/05/judul?page=all"
    assert discovery.show_all_url("https://x.test/a", MultiPage()) is None


def test_the_one_decoder_distrusts_wrong_headers():
    cp = fixture("world/cafe-prices-paris.html")
    assert charset.decode(cp, "text/html; charset=utf-8")[1] == "cp1252"  # labelled utf-8, is windows-1252
    assert charset.decode(fixture("world/euro-zone-outlook.html"), "text/html")[1] == "cp1252"
    assert charset.decode("Perjanjian — “kuat”".encode())[1] == "utf-8"
    assert charset.decode(b"<meta charset='iso-8859-1'>caf\xe9")[1] == "cp1252"
    assert charset.decode("日本".encode("shift_jis"), "text/html; charset=shift_jis")[1] == "cp932"
    assert charset.header_charset("text/html; charset=\"UTF-8\"") == "utf-8"
    assert charset.header_charset("text/html") is None


def test_is_html():
    assert discovery.is_html("text/html; charset=utf-8") and discovery.is_html("application/xhtml+xml")
    assert not discovery.is_html("application/pdf") and not discovery.is_html("image/jpeg")
    assert discovery.is_html(None, b"  <!DOCTYPE html><html>") and not discovery.is_html(None, b"%PDF-1.4")
