"""The fixture news site every crawl test uses (news_ingest/sample_site.py) answers like a real one:
static pages with validators (304 on If-None-Match), {BASE} filled into feeds and sitemaps, multi-page
URL styles, redirects, a flaky page, binary and empty pages, wrong charsets, no path escapes."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from news_ingest.sample_site import serve


@pytest.fixture(scope="module")
def site():
    server, base = serve(0)
    yield server, base
    server.shutdown()
    server.server_close()


def get(base: str, path: str, headers: dict[str, str] | None = None):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_a_page_with_validators_and_a_304(site):
    server, base = site
    status, headers, body = get(base, "/berita/banjir-jakarta-surut.html")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b"<html" in body.lower()
    assert get(base, "/berita/banjir-jakarta-surut.html", {"If-None-Match": headers["ETag"]})[0] == 304
    assert server.article_hits()["/berita/banjir-jakarta-surut.html"] >= 2


def test_sitemaps_and_robots_name_the_servers_own_address(site):
    _, base = site
    status, _, body = get(base, "/sitemap.xml")
    assert status == 200 and base.encode() in body and b"{BASE}" not in body
    assert get(base, "/robots.txt")[0] == 200


def test_multi_page_styles_and_the_home_page(site):
    _, base = site
    assert get(base, "/")[0] == 200
    one = get(base, "/berita/korut-rusia-perjanjian-pertahanan.html")[2]
    two = get(base, "/berita/korut-rusia-perjanjian-pertahanan.html?page=2")[2]
    assert one != two and get(base, "/berita/korut-rusia-perjanjian-pertahanan.html?page=all")[0] == 200


def test_redirects_in_site_and_off_site(site):
    _, base = site
    status, headers, _ = get(base, "/berita/lama.html")
    assert status == 301 and headers["Location"] == f"{base}/berita/banjir-jakarta-surut.html"
    status, headers, _ = get(base, "/berita/pindah-offsite.html")
    assert status == 302 and headers["Location"].startswith("http://offsite.invalid/")


def test_the_awkward_pages(site):
    server, base = site
    path = "/berita/gempa-cianjur-susulan.html"
    first = get(base, path)[0]
    assert first in (200, 500) and get(base, path)[0] == 200  # 500 only on the very first request
    status, headers, body = get(base, "/berita/dokumen-anggaran")
    assert headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert get(base, "/berita/kosong.html")[2] == b""
    assert len(get(base, "/berita/halaman-raksasa.html")[2]) > 1_000_000
    assert get(base, "/world/euro-zone-outlook.html")[1]["Content-Type"] == "text/html"


def test_missing_pages_and_path_escapes_are_404(site):
    _, base = site
    assert get(base, "/berita/tidak-ada.html")[0] == 404
    assert get(base, "/../../etc/passwd")[0] == 404
