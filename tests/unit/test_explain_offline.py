"""``news-ingest explain`` in-process: the verdicts without a fetch, and ``--fetch`` against a small
loopback site served from this test (robots.txt rules and delay, HTTP errors, not HTML, a page that
is no article, a connection refused).  The redirect/address-policy cases are in
tests/integration/test_explain_fetch.py."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from news_ingest import explain as explain_mod
from news_ingest.sources import load_crawler_config, parse_source

ARTICLE = ("<html lang='id'><head><title>Banjir surut di Jakarta Utara</title>"
           "<meta property='og:type' content='article'>"
           "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"headline\": \"Banjir surut\","
           " \"datePublished\": \"2024-12-03T08:00:00+07:00\", \"author\": {\"@type\": \"Person\", "
           "\"name\": \"Rina Wulandari\"}}</script></head><body><article><h1>Banjir surut</h1>"
           + "<p>Genangan di Penjaringan surut pada Selasa pagi setelah pompa bekerja semalaman.</p>" * 12
           + "</article></body></html>").encode()
LISTING = ("<html><head><title>Berita terkini</title></head><body><ul>"
           + "".join(f"<li><a href='/berita/{i}.html'>Judul berita nomor {i}</a></li>" for i in range(40))
           + "</ul></body></html>").encode()


@pytest.fixture(scope="module")
def site():
    pages = {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /berita/tertutup\nCrawl-delay: 2\n"),
        "/berita/2024/12/03/banjir-surut.html": (200, "text/html; charset=utf-8", ARTICLE),
        "/berita/2024/12/03/daftar.html": (200, "text/html; charset=utf-8", LISTING),
        "/berita/2024/12/03/foto.html": (200, "image/jpeg", b"\xff\xd8\xff\xe0" + b"\0" * 100),
        "/berita/2024/12/03/hilang.html": (404, "text/html", b"not found"),
        # a Location no URL parser reads (an unclosed IPv6 bracket)
        "/berita/2024/12/03/pindah.html": (301, "text/html", b"", {"Location": "http://[::1/berita/x.html"}),
    }

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802
            status, ctype, body, *headers = pages.get(self.path, (404, "text/plain", b"no"))
            self.send_response(status)
            for name, value in (headers[0] if headers else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server.server_address[1]
    server.shutdown()
    server.server_close()


def _sources(port: int, **extra):
    src = parse_source({"name": "kabar", "domains": ["127.0.0.1"], "start_urls": [f"http://127.0.0.1:{port}/"],
                        "article_allow": ["/berita/20"], "article_deny": ["/berita/20\\d\\d/\\d\\d/\\d\\d/iklan"],
                        "allow_loopback": [port], **extra}, 0)
    return {"kabar": src}


def _explain(site, path, fetch=True, **extra):
    base, port = site
    return explain_mod.explain(f"{base}{path}", _sources(port, **extra), load_crawler_config(), fetch=fetch,
                               timeout=5.0)


def test_a_fetched_article(site):
    ex = _explain(site, "/berita/2024/12/03/banjir-surut.html")
    assert ex.source == "kabar" and ex.rule == "allow" and ex.robots == "allowed, Crawl-delay 2.0s"
    assert ex.page_kind.startswith("article") and ex.verdict.startswith("article: fetched")
    text = ex.text()
    assert "source      kabar" in text and "robots.txt  allowed, Crawl-delay 2.0s" in text
    assert ex.as_dict()["verdict"] == ex.verdict


def test_robots_txt_disallows(site):
    ex = _explain(site, "/berita/tertutup/2024.html")
    assert ex.robots.startswith("disallowed") and ex.verdict == "not crawled: robots.txt disallows it"


@pytest.mark.parametrize("path,kind,verdict", [
    ("/berita/2024/12/03/hilang.html", "HTTP 404", "article URL, but the page is not an article: HTTP 404"),
    ("/berita/2024/12/03/foto.html", "not HTML (image/jpeg)", "not an article: not HTML (image/jpeg)"),
])
def test_pages_that_are_not_articles(site, path, kind, verdict):
    ex = _explain(site, path)
    assert ex.page_kind == kind and ex.verdict.endswith(kind)


def test_a_page_without_article_markup_on_an_article_url_is_left_to_extraction(site):
    ex = _explain(site, "/berita/2024/12/03/daftar.html")
    assert ex.page_kind.startswith("unknown (article URL") and ex.verdict.startswith("article: fetched")


def test_rules_without_a_fetch(site):
    assert _explain(site, "/berita/2024/12/03/iklan-mobil.html", fetch=False).verdict == \
        "not an article: denied by rule"
    assert _explain(site, "/kanal/nasional", fetch=False).verdict == \
        "not an article URL; followed as a listing page within follow_depth"
    ex = _explain(site, "/berita/2024/12/03/banjir-surut.html", fetch=False)
    assert ex.robots == "not checked (use --fetch)" and ex.verdict.startswith("article")


def test_off_site_and_not_crawlable_urls(site):
    base, port = site
    ex = explain_mod.explain("https://www.other.example/berita/1.html", _sources(port), load_crawler_config())
    assert ex.verdict.startswith("not crawled: off-site for every source")
    bad = explain_mod.explain("ftp://127.0.0.1/x", _sources(port), load_crawler_config())
    assert bad.verdict.startswith("not crawl") and bad.source is None


def test_a_refused_connection_is_an_unknown_not_a_crash():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    ex = explain_mod.explain(f"http://127.0.0.1:{port}/berita/2024/12/03/a.html", _sources(port),
                             load_crawler_config(), fetch=True, timeout=3.0)
    assert any(n.startswith("fetch failed") for n in ex.notes)
    assert ex.robots == "unknown: the fetch failed" and ex.verdict.startswith("unknown: the fetch failed")


def test_a_redirect_to_a_location_no_parser_reads_is_refused_not_a_crash(site):
    ex = _explain(site, "/berita/2024/12/03/pindah.html")
    assert ex.page_kind == "refused: bad_redirect" and any(n.startswith("fetch refused") for n in ex.notes)


def test_a_page_over_the_sources_size_limit_is_stopped(site):
    ex = _explain(site, "/berita/2024/12/03/banjir-surut.html", max_page_bytes=1000)
    assert ex.page_kind == "refused: too_large" and any(n.startswith("fetch stopped") for n in ex.notes)
