"""The shared frontier's wire format: JSON requests, no pickle; what does not parse is dropped and counted."""

from __future__ import annotations

import pickle
from collections import Counter
from types import SimpleNamespace

import pytest
import scrapy
from scrapy.settings import Settings

from crawler import frontier as fr
from tests.unit.spider_support import NewsLike


class Stats:
    def __init__(self) -> None:
        self.values: Counter = Counter()

    def inc_value(self, key, n=1):
        self.values[key] += n

    def set_value(self, key, value):
        self.values[key] = value


class OneEntry:
    """A frontier holding one queued payload."""

    def __init__(self, payload: bytes) -> None:
        self.payload, self.acked = payload, []

    def reclaim(self, lease_ids=None):
        return 0

    def pop(self):
        payload, self.payload = self.payload, None
        return None if payload is None else ("0000000000000001", payload)

    def ack(self, leases):
        self.acked += leases


def scheduler(payload: bytes, monkeypatch, key: str | None = None):
    if key:
        monkeypatch.setenv("FRONTIER_HMAC_KEY", key)
    else:
        monkeypatch.delenv("FRONTIER_HMAC_KEY", raising=False)
    crawler = SimpleNamespace(stats=Stats(), settings=Settings(), request_fingerprinter=None)
    sched = fr.FrontierScheduler(crawler)
    sched.spider = NewsLike()
    sched.frontier = OneEntry(payload)
    return sched, crawler.stats


def article_request(spider) -> scrapy.Request:
    return scrapy.Request("https://news.example.com/berita/x.html?a=1", callback=spider.parse_article,
                          errback=spider.on_error, priority=5, dont_filter=True, body=b"\x00\xffbin",
                          headers={"Accept-Language": "id"},
                          meta={"news_source": "site", "download_maxsize": 4194304,
                                "redirect_urls": ("a", "b"), "tags": {"x"},
                                "weird": {"__bytes__": "not a tag"}},
                          cb_kwargs={"source": "site", "identity": "https://news.example.com/berita/x.html",
                                     "hints": {"pages": [("u", "t")], "n": 1.5, "none": None}})


def test_a_request_round_trips_through_json():
    spider = NewsLike()
    req = article_request(spider)
    raw = fr.encode_request(req.to_dict(spider=spider))
    assert raw.startswith(b"j1:") and b"pickle" not in raw
    back = fr.request_from_payload(raw, spider)
    assert back.url == req.url and back.body == req.body and back.priority == 5
    assert back.callback == spider.parse_article and back.errback == spider.on_error
    assert back.meta == req.meta and back.cb_kwargs == req.cb_kwargs  # tuples, sets, bytes, look-alike dicts
    assert back.headers.getlist("Accept-Language") == [b"id"]


def test_a_pickled_payload_is_dropped_not_run(tmp_path, monkeypatch):
    """Whoever could write to Redis could run code in every crawler (pickle.loads)."""
    marker = tmp_path / "owned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    sched, stats = scheduler(pickle.dumps(Evil(), protocol=5), monkeypatch)
    assert sched.next_request() is None
    assert not marker.exists()
    assert stats.values["frontier/dropped/undecodable"] == 1
    assert sched.frontier.acked == ["0000000000000001"]  # taken off the queue, not retried forever


@pytest.mark.parametrize(("payload", "reason"), [
    (b"j1:{not json", "undecodable"),
    (b"j1:[1,2]", "undecodable"),
    (b'j1:{"url": 5}', "undecodable"),
    (b'j1:{"url": "no scheme"}', "undecodable"),
    (b'j1:{"url": "https://news.example.com/", "body": {"__bytes__": "%%%"}}', "undecodable"),
    (b'j1:{"url": "https://news.example.com/", "_class": "subprocess.Popen"}', "not_allowed"),
    (b'j1:{"url": "https://news.example.com/", "callback": "close"}', "not_allowed"),  # Spider's, not ours
    (b'j1:{"url": "https://news.example.com/", "callback": "_private"}', "not_allowed"),
    (b'j1:{"url": "https://news.example.com/", "priority": "high"}', "undecodable"),
])
def test_what_does_not_parse_is_dropped_and_counted(payload, reason, monkeypatch, caplog):
    sched, stats = scheduler(payload, monkeypatch)
    assert sched.next_request() is None
    assert stats.values[f"frontier/dropped/{reason}"] == 1
    assert "frontier: dropping queue entry 0000000000000001" in caplog.text


def test_hmac_over_each_payload(monkeypatch):
    spider = NewsLike()
    data = article_request(spider).to_dict(spider=spider)
    signed = fr.encode_request(data, b"s3cret")
    assert signed.startswith(b"j1s:") and b"s3cret" not in signed
    sched, stats = scheduler(signed, monkeypatch, key="s3cret")
    assert sched.next_request().url == data["url"] and stats.values["frontier/dequeued"] == 1
    for payload, key in [(signed.replace(b"4194304", b"9999999"), "s3cret"),  # tampered
                         (fr.encode_request(data, b"other"), "s3cret"),  # wrong key
                         (fr.encode_request(data), "s3cret"),  # unsigned while a key is set
                         (signed, None)]:  # signed, but this process has no key
        sched, stats = scheduler(payload, monkeypatch, key=key)
        assert sched.next_request() is None
        assert stats.values["frontier/dropped/bad_signature"] == 1


def test_a_request_that_is_not_plain_data_stays_local_and_is_counted(monkeypatch):
    sched, stats = scheduler(b"", monkeypatch)
    sched.crawler.request_fingerprinter = SimpleNamespace(fingerprint=lambda r: b"fp")
    sched.frontier = SimpleNamespace(seen=lambda key: False, push=lambda *a: pytest.fail("pushed"))
    req = scrapy.Request("https://news.example.com/x", meta={"obj": object()})
    assert sched.enqueue_request(req)
    assert stats.values["frontier/enqueued/local_not_serialisable"] == 1
    assert sched.next_request() is req


def test_a_request_another_crawler_just_admitted_keeps_this_one_waiting(monkeypatch):
    """Two crawlers starting together: the second one's start URL is already in the seen-set but not yet
    in the queue; it must not find the frontier empty and finish at once (it did, now and then)."""
    sched, stats = scheduler(b"", monkeypatch)
    sched.crawler.request_fingerprinter = SimpleNamespace(fingerprint=lambda r: b"fp")
    sched.frontier = SimpleNamespace(seen=lambda key: True, queued_hosts=lambda: 0, leased=lambda: 0)
    assert not sched.has_pending_requests()
    assert not sched.enqueue_request(scrapy.Request("https://news.example.com/"))  # filtered: seen
    assert sched.has_pending_requests()  # the other process is about to queue it
    monkeypatch.setattr(fr.time, "monotonic", lambda: 10**9)
    assert not sched.has_pending_requests()
