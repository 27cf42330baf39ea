"""Safety middleware: internal addresses, off-source hosts and off-site redirects are refused."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from scrapy import Request

from crawler import middlewares as mw
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
])
def test_address_verdict(addresses, loopback_ok, verdict):
    assert address_verdict(addresses, loopback_ok) == verdict


class FakeDownloader:
    def __init__(self) -> None:
        self.slots: dict = {}
        self.per_slot_settings: dict = {}


def make(allow_loopback: bool = False, domains: tuple[str, ...] = ("127.0.0.1",)):
    src = parse_source({"name": "site", "domains": list(domains), "start_urls": [f"http://{domains[0]}/"],
                        "article_allow": ["/berita/"], "allow_loopback": allow_loopback, "delay": 0.5,
                        "concurrency": 3}, 0)
    spider = SimpleNamespace(sources={"site": src}, host_floor={"127.0.0.1": 2.0})
    crawler = SimpleNamespace(spider=spider, engine=SimpleNamespace(downloader=FakeDownloader()))
    return mw.SafetyMiddleware(crawler), spider, crawler


def run(middleware, url: str, **meta):
    return asyncio.run(middleware.process_request(Request(url, meta={"news_source": "site", **meta})))


def test_loopback_refused_by_default_and_allowed_when_the_source_says_so():
    m, _, _ = make()
    with pytest.raises(mw.Refused) as err:
        run(m, "http://127.0.0.1:8080/berita/x.html")
    assert err.value.reason == "loopback_address"
    m, _, crawler = make(allow_loopback=True)
    assert run(m, "http://127.0.0.1:8080/berita/x.html") is None
    # politeness: robots Crawl-delay (2.0) beats the source delay (0.5); the source sets concurrency
    assert crawler.engine.downloader.per_slot_settings["127.0.0.1"] == {"delay": 2.0, "concurrency": 3}


@pytest.mark.parametrize(("url", "meta", "reason"), [
    ("http://10.0.0.7/berita/x.html", {}, "offsite"),
    ("http://169.254.169.254/latest/meta-data/", {}, "offsite"),
    ("https://offsite.example.com/berita/x.html", {"redirect_urls": ["http://127.0.0.1/a"]},
     "offsite_redirect"),
    ("ftp://127.0.0.1/berita/x.html", {}, "bad_scheme"),
])
def test_offsite_and_bad_scheme_refused_before_any_lookup(url, meta, reason):
    m, _, _ = make(allow_loopback=True)
    with pytest.raises(mw.Refused) as err:
        run(m, url, **meta)
    assert err.value.reason == reason


def test_source_domain_that_resolves_to_a_private_address_is_refused(monkeypatch):
    monkeypatch.setattr(mw, "resolve", lambda host: ["10.1.2.3"])
    m, _, _ = make(domains=("intranet.example.com",))
    with pytest.raises(mw.Refused) as err:
        run(m, "http://intranet.example.com/berita/x.html")
    assert err.value.reason == "private_address"


def test_metadata_host_names_are_refused(monkeypatch):
    m, _, _ = make(domains=("metadata.google.internal",))
    with pytest.raises(mw.Refused) as err:
        run(m, "http://metadata.google.internal/computeMetadata/v1/")
    assert err.value.reason == "metadata_address"
