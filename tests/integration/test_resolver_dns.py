"""DNS rebinding against a real DNS server on loopback, and a real crawl pointed at it (DNS_SERVERS).

The server (tests/integration/dns_fixture.py) answers from its own table only, so nothing here makes
a real lookup; the only connections made are to listeners on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler import resolver
from crawler.extensions import SUMMARY_MARKER
from news_ingest.sources import parse_source
from tests.integration.dns_fixture import RebindingDNS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dns():
    servers: list[RebindingDNS] = []

    def start(answers):
        servers.append(RebindingDNS(answers))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def policy(server: RebindingDNS, ttl: float = 0.0) -> resolver.PolicyResolver:
    src = parse_source({"name": "site", "domains": ["example.test"], "start_urls": ["http://www.example.test/"],
                        "article_allow": ["/berita/"]}, 0)
    res = resolver.PolicyResolver(None, 100, ttl=ttl, servers=server.address, timeout=2.0)
    res.use_sources({"site": src})
    return res


def test_a_rebinding_name_never_hands_an_internal_address_to_the_connection(dns):
    server = dns({"rebind.example.test": [["93.184.216.34"], ["127.0.0.1"], ["169.254.169.254"],
                                          ["93.184.216.34", "::ffff:10.0.0.1", "2002:7f00:1::"]]})
    res = policy(server)
    verdicts = [res.check("rebind.example.test", 80) for _ in range(4)]
    assert verdicts[0] == resolver.Verdict(("93.184.216.34",), None)
    assert [v.refusal for v in verdicts[1:]] == ["loopback_address", "metadata_address",
                                                 "embedded_loopback_address"]
    assert all(v.addresses == () for v in verdicts[1:])  # the connection gets nothing to connect to
    assert server.queries.count(("rebind.example.test", "A")) == 4  # one lookup per check, each checked


def test_the_cache_keeps_the_checked_answer_for_its_ttl(dns):
    server = dns({"www.example.test": [["93.184.216.34"], ["127.0.0.1"]]})
    res = policy(server, ttl=300)
    assert res.check("www.example.test", 443).addresses == ("93.184.216.34",)
    assert res.check("www.example.test", 443).addresses == ("93.184.216.34",)
    assert server.queries.count(("www.example.test", "A")) == 1


def test_failed_resolution_fails_closed(dns):
    server = dns({"broken.example.test": None})  # SERVFAIL
    res = policy(server)
    assert res.check("broken.example.test", 80) == resolver.Verdict((), "unresolvable")
    assert res.check("missing.example.test", 80) == resolver.Verdict((), "unresolvable")  # NXDOMAIN
    assert ("missing.example.test", "A") in server.queries


class Listener:
    """An HTTP listener on 127.0.0.1 that counts what reaches it."""

    def __init__(self, redirects: dict[str, str] | None = None) -> None:
        self.hits: Counter[str] = Counter()
        self.redirects = redirects if redirects is not None else {}
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                listener.hits[self.path] += 1
                if self.path in listener.redirects:
                    self.send_response(302)
                    self.send_header("Location", listener.redirects[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = b"<html><body><a href='/berita/satu.html'>satu</a></body></html>"
                self.send_response(404 if self.path == "/robots.txt" else 200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_real_crawl_resolves_through_the_policy(dns, tmp_path):
    """The crawl asks the configured server; a name answering 127.0.0.1 reaches the fixture site on its
    allowed port, and an internal service on another port of the machine is never connected to."""
    site, internal, admin = Listener(), Listener(), Listener()
    # a redirect from the allowed host to another port of it (a second listener: an admin interface)
    site.redirects["/berita/pindah.html"] = f"http://site.example.test:{admin.port}/berita/rahasia.html"
    server = dns({"site.example.test": [["127.0.0.1"]], "intranet.example.test": [["127.0.0.1", "::1"]]})
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"""sources:
  - name: sample
    domains: [site.example.test, intranet.example.test]
    start_urls: ["http://site.example.test:{site.port}/", "http://intranet.example.test:{internal.port}/",
                 "http://site.example.test:{site.port}/berita/pindah.html"]
    article_allow: ['/berita/']
    robots_sitemaps: false
    follow_depth: 0
    delay: 0
    allow_loopback: [{site.port}]
""")
    env = {**os.environ, "NEWS_SOURCES": str(sources), "CRAWL_DELAY": "0", "STAGE_WORKERS": "0"}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=sample",
           "-s", f"DNS_SERVERS={server.address}", "-s", "ITEM_PIPELINES={}", "-s", "RETRY_TIMES=1"]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    finally:
        for listener in (site, internal, admin):
            listener.close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads([ln for ln in proc.stderr.splitlines() if SUMMARY_MARKER in ln][0]
                         .split(SUMMARY_MARKER, 1)[1])["sources"]["sample"]
    assert site.hits["/"] == 1  # reached by name, through the configured DNS server
    assert dict(internal.hits) == {}  # not even robots.txt
    assert summary["dropped"].get("loopback_address", 0) >= 1, summary
    assert site.hits["/berita/pindah.html"] == 1 and dict(admin.hits) == {}  # the redirect is not followed
    assert summary["dropped"].get("offsite_redirect") == 1, summary
    asked = {name for name, _ in server.queries}
    assert {"site.example.test", "intranet.example.test"} <= asked
