"""`news-ingest explain --fetch` fetches as the crawler does: every redirect is checked before anything
is connected to, the crawler's user agent, one deadline for the whole fetch, the size cap.

Every server here is on 127.0.0.1; the names resolve through a DNS server of the test's own.
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from news_ingest import explain as explain_mod
from news_ingest.sources import load_crawler_config, parse_source, user_agent
from tests.integration.dns_fixture import RebindingDNS

ARTICLE = (b"<html><head><title>Banjir</title><meta property='og:type' content='article'></head><body>"
           b"<article><p>" + b"Banjir di Jakarta mulai surut pada Kamis pagi. " * 30
           + b"</p></article></body></html>")


class Site:
    def __init__(self, other_port: int = 0) -> None:
        self.agents: list[str] = []
        self.paths: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _send(self, status, body=b"", headers=()):
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802
                site.agents.append(self.headers.get("User-Agent", ""))
                site.paths.append(self.path)
                port = self.server.server_address[1]
                redirects = {
                    "/berita/ke-metadata.html": "http://169.254.169.254/latest/meta-data/iam/",
                    "/berita/ke-nama-metadata.html": f"http://cdn.sample.test:{port}/latest/meta-data/",
                    "/berita/ke-port-lain.html": f"http://127.0.0.1:{other_port}/berita/rahasia.html",
                    "/berita/pindah.html": "/berita/ok.html",
                }
                if self.path == "/robots.txt":
                    self._send(200, b"User-agent: *\nAllow: /\n", [("Content-Type", "text/plain")])
                elif self.path in redirects:
                    self._send(302, headers=[("Location", redirects[self.path])])
                elif self.path == "/berita/ok.html":
                    self._send(200, ARTICLE, [("Content-Type", "text/html; charset=utf-8")])
                elif self.path == "/berita/besar.html":
                    self._send(200, b"<html>" + b"x" * 300_000, [("Content-Type", "text/html")])
                elif self.path == "/berita/lambat.html":  # a drip-fed body: one byte every 0.2 s
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", "1000000")
                    self.end_headers()
                    try:
                        for _ in range(1000):
                            self.wfile.write(b"x")
                            self.wfile.flush()
                            time.sleep(0.2)
                    except OSError:
                        return
                else:
                    self._send(404)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def world(monkeypatch):
    other = Site()  # a second listener on this machine: another port, never in scope
    site = Site(other_port=other.port)
    dns = RebindingDNS({"cdn.sample.test": [["169.254.169.254"]]})
    monkeypatch.setenv("DNS_SERVERS", dns.address)
    connects: list[tuple[str, int]] = []
    real = socket.create_connection

    def recording(address, *args, **kwargs):
        connects.append((address[0], address[1]))
        return real(address, *args, **kwargs)

    monkeypatch.setattr(explain_mod.socket, "create_connection", recording)
    src = parse_source({"name": "site", "domains": ["127.0.0.1", "sample.test"],
                        "start_urls": [f"{site.base}/"], "article_allow": ["/berita/"],
                        "allow_loopback": [site.port], "max_page_bytes": 200_000}, 0)
    yield {"site": site, "other": other, "sources": {"site": src}, "connects": connects}
    site.close()
    other.close()
    dns.close()


def run(world, path, timeout=10.0):
    return explain_mod.explain(f"{world['site'].base}{path}", world["sources"], load_crawler_config(),
                               fetch=True, timeout=timeout)


@pytest.mark.parametrize(("path", "reason"), [
    ("/berita/ke-metadata.html", "offsite_redirect"),  # 169.254.169.254 is no host of the source
    ("/berita/ke-nama-metadata.html", "metadata_address"),  # a source name that resolves to it
    ("/berita/ke-port-lain.html", "offsite_redirect"),  # another port of this machine: not the source's
])
def test_a_redirect_is_refused_before_connecting(world, path, reason):
    ex = run(world, path)
    assert ex.page_kind == f"refused: {reason}", ex.text()
    assert ex.verdict.startswith("not crawled: refused")
    assert set(world["connects"]) == {("127.0.0.1", world["site"].port)}  # nothing else was connected to
    assert world["other"].paths == []


def test_fetch_follows_checked_redirects_with_the_crawlers_user_agent(world):
    ex = run(world, "/berita/pindah.html")
    assert ex.page_kind.startswith("article"), ex.text()
    assert set(world["site"].agents) == {user_agent(load_crawler_config())}
    assert world["site"].paths == ["/robots.txt", "/berita/pindah.html", "/berita/ok.html"]


def test_a_drip_fed_page_ends_at_the_timeout(world):
    t0 = time.monotonic()
    ex = run(world, "/berita/lambat.html", timeout=1.5)
    took = time.monotonic() - t0
    assert took < 5, f"explain --fetch hung for {took:.1f}s on a drip-fed body"
    assert any("timed out" in n for n in ex.notes), ex.notes


def test_the_size_cap_holds(world):
    ex = run(world, "/berita/besar.html")
    assert ex.page_kind == "refused: too_large" and any("over 200,000 bytes" in n for n in ex.notes)
