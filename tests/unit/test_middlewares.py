"""Safety middleware: internal addresses, off-source hosts and off-site redirects are refused."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from scrapy import Request

from crawler import middlewares as mw
from crawler import resolver
from news_ingest.netpolicy import address_verdict
from news_ingest.sources import parse_source


@pytest.mark.parametrize(("addresses", "loopback_ok", "verdict"), [
    (["93.184.216.34"], False, None),
    (["2606:2800:220:1:248:1893:25c8:1946"], False, None),
    (["127.0.0.1"], False, "loopback_address"),
    (["127.0.0.1"], True, None),
    (["::1"], False, "loopback_address"),
    (["10.0.0.7"], True, "private_address"),  # allow_loopback is not allow-private
    (["192.168.1.1"], False, "private_address"),
    (["172.16.5.4"], False, "private_address"),
    (["169.254.169.254"], True, "metadata_address"),
    (["169.254.10.1"], False, "link_local_address"),
    (["fe80::1"], False, "link_local_address"),
    (["::ffff:10.0.0.1"], False, "private_address"),
    (["100.64.0.1"], False, "private_address"),  # carrier-grade NAT
    (["0.0.0.0"], False, "private_address"),
    (["93.184.216.34", "10.0.0.1"], False, "private_address"),  # any internal address refuses
    ([], False, "unresolvable"),
    # IPv6 addresses that carry an internal IPv4 address inside (6to4, Teredo, NAT64, compatible, ISATAP)
    (["2002:7f00:1::"], True, "embedded_loopback_address"),  # 6to4 of 127.0.0.1: never our loopback
    (["2002:a9fe:a9fe::1"], False, "embedded_metadata_address"),
    (["2002:a00:1::"], False, "embedded_private_address"),
    (["2002:5db8:d822::1"], False, None),  # 6to4 of a public address
    (["2001:0:4136:e378:8000:63bf:80ff:fffe"], False, "embedded_loopback_address"),  # Teredo client 127.0.0.1
    (["64:ff9b::7f00:1"], False, "embedded_loopback_address"),  # NAT64
    (["64:ff9b::a9fe:a9fe"], False, "embedded_metadata_address"),
    (["64:ff9b::5db8:d822"], False, None),
    (["64:ff9b:1::5db8:d822"], False, "embedded_private_address"),  # local-use NAT64 prefix
    (["::7f00:1"], False, "embedded_loopback_address"),  # IPv4-compatible
    (["2a00:1450:4001::5efe:a9fe:a9fe"], False, "embedded_metadata_address"),  # ISATAP
    (["::ffff:127.0.0.1"], True, None),  # IPv4-mapped: that is this machine's loopback
    (["fe80::1%eth0"], False, "link_local_address"),
    (["not-an-address"], False, "unresolvable"),
])
def test_address_verdict(addresses, loopback_ok, verdict):
    assert address_verdict(addresses, loopback_ok) == verdict


class FakeDownloader:
    def __init__(self) -> None:
        self.slots: dict = {}
        self.per_slot_settings: dict = {}


def make(allow_loopback: list[int] | None = None, domains: tuple[str, ...] = ("127.0.0.1",),
         answers: dict[str, list[str]] | None = None):
    """The middleware with a PolicyResolver installed (its lookups answered from ``answers``)."""
    src = parse_source({"name": "site", "domains": list(domains), "start_urls": [f"http://{domains[0]}/"],
                        "article_allow": ["/berita/"], "allow_loopback": allow_loopback or [], "delay": 0.5,
                        "concurrency": 3}, 0)
    spider = SimpleNamespace(sources={"site": src}, host_floor={"127.0.0.1": 2.0})
    crawler = SimpleNamespace(spider=spider, engine=SimpleNamespace(downloader=FakeDownloader()))
    res = resolver.PolicyResolver(None, 100, lookup=lambda host, timeout: (answers or {}).get(host, []))
    resolver.activate(res)
    m = mw.SafetyMiddleware(crawler)
    m.spider_opened(spider)
    return m, res, crawler


@pytest.fixture(autouse=True)
def _no_resolver_left_behind():
    yield
    resolver._ACTIVE.clear()


def run(middleware, url: str, **meta):
    request = Request(url, meta={"news_source": "site", **meta})
    assert asyncio.run(middleware.process_request(request)) is None
    return request


def refused(middleware, url: str, **meta) -> str:
    with pytest.raises(mw.Refused) as err:
        run(middleware, url, **meta)
    return err.value.reason


def test_loopback_refused_by_default_and_allowed_on_the_listed_ports_only():
    m, _, _ = make()
    assert refused(m, "http://127.0.0.1/berita/x.html") == "loopback_address"
    m, _, crawler = make(allow_loopback=[8080])
    run(m, "http://127.0.0.1:8080/berita/x.html")
    # politeness: robots Crawl-delay (2.0) beats the source delay (0.5); the source sets concurrency
    assert crawler.engine.downloader.per_slot_settings["127.0.0.1"] == {"delay": 2.0, "concurrency": 3}
    # another port of the same machine (a second listener, Redis, a search node) is not in scope:
    # not the source's (pipelines.hosts), and loopback only on the listed ports anyway
    assert refused(m, "http://127.0.0.1:6379/berita/x.html") == "offsite"
    assert refused(m, "http://127.0.0.1:6379/berita/x.html", redirect_urls=["http://127.0.0.1:8080/a"]) \
        == "offsite_redirect"
    assert refused(m, "http://127.0.0.1/berita/x.html") == "loopback_address"  # port 80: its start URL's


@pytest.mark.parametrize(("url", "meta", "reason"), [
    ("http://10.0.0.7/berita/x.html", {}, "offsite"),
    ("http://169.254.169.254/latest/meta-data/", {}, "offsite"),
    ("https://offsite.example.com/berita/x.html", {"redirect_urls": ["http://127.0.0.1/a"]},
     "offsite_redirect"),
    ("ftp://127.0.0.1/berita/x.html", {}, "bad_scheme"),
    ("http://127.0.0.1:8080/berita/" + "x" * 5000, {}, "url_too_long"),
])
def test_offsite_and_bad_scheme_refused_before_any_lookup(url, meta, reason):
    m, res, _ = make(allow_loopback=[8080])
    assert refused(m, url, **meta) == reason
    assert res.lookups == 0


def test_the_middleware_makes_no_dns_lookup_of_its_own(monkeypatch):
    """The old check resolved with getaddrinfo and Twisted resolved again to connect (DNS rebinding)."""
    import socket

    def no_lookup(*a, **k):
        raise AssertionError("the middleware must not resolve names: the resolver does, once")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    m, res, _ = make(domains=("news.example.com",), answers={"news.example.com": ["93.184.216.34"]})
    run(m, "https://news.example.com/berita/x.html")
    assert res.lookups == 0


def test_a_name_the_resolver_refused_is_refused_with_its_reason():
    """Resolution fails the download as a DNS error; the middleware reports the policy's reason."""
    from twisted.internet.error import DNSLookupError

    m, res, _ = make(domains=("intranet.example.com",), answers={"intranet.example.com": ["10.1.2.3"]})
    request = run(m, "http://intranet.example.com/berita/x.html")  # no lookup here
    assert res.check("intranet.example.com", 80).refusal == "private_address"  # at connect time
    with pytest.raises(mw.Refused) as err:
        m.process_exception(request, DNSLookupError("no results"))
    assert err.value.reason == "private_address"
    # the retry of that request is refused before it reaches the downloader
    assert refused(m, "http://intranet.example.com/berita/x.html") == "private_address"
    assert res.refusal("intranet.example.com", 443) is None  # per host and port


def test_metadata_host_names_are_refused():
    m, _, _ = make(domains=("metadata.google.internal",))
    assert refused(m, "http://metadata.google.internal/computeMetadata/v1/") == "metadata_address"


def test_without_the_policy_resolver_every_request_is_refused():
    m, _, _ = make(domains=("news.example.com",))
    resolver._ACTIVE.clear()
    assert refused(m, "https://news.example.com/berita/x.html") == "no_address_policy"


def test_requests_are_clamped_to_the_source_limits_and_the_ceilings():
    m, _, _ = make(allow_loopback=[8080])
    big = run(m, "http://127.0.0.1:8080/berita/x.html", download_maxsize=256 * 1024**2, redirect_ttl=50)
    assert big.meta["download_maxsize"] == 4 * 1024**2  # the source's default max_page_bytes
    assert big.meta["redirect_ttl"] == 5
    unlimited = run(m, "http://127.0.0.1:8080/berita/y.html", download_maxsize=0)  # 0 = no limit in Scrapy
    assert unlimited.meta["download_maxsize"] == 4 * 1024**2


def test_the_crawl_settings_put_the_policy_in_the_resolver_and_bypass_no_proxy():
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    assert settings["TWISTED_DNS_RESOLVER"] == "crawler.resolver.PolicyResolver"
    assert settings.getbool("HTTPPROXY_ENABLED") is False  # a proxy would resolve names out of sight
    assert settings.getint("DOWNLOAD_MAXSIZE") == 8 * 1024**2 and settings.getint("REDIRECT_MAX_TIMES") == 5
