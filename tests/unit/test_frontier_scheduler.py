"""The frontier scheduler's bookkeeping (crawler/frontier.py FrontierScheduler) over an in-memory
stand-in for the Redis ``Frontier`` (the real one runs in tests/integration/test_frontier_redis.py):
what is queued where, leases acknowledged only once their items are durable, retries and redirects,
given back at close, the ack middlewares, the settings switch."""

from __future__ import annotations

import pytest
import redis
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler import frontier as fr
from tests.unit.spider_support import NewsLike


class MemoryFrontier:
    """The calls the scheduler makes of ``Frontier``, kept in lists."""

    lease_ms = 120_000
    p = "test:frontier:news"

    def __init__(self) -> None:
        self.session = None
        self.queue: list[tuple[str, bytes, int, float]] = []
        self.fingerprints: set[bytes] = set()
        self.leases: dict[str, bytes] = {}
        self.acked: list[str] = []
        self.held: list[str] = []
        self.reclaimed: list[list[str] | None] = []
        self.renewed: list[list[str]] = []
        self.n = 0
        self.wait: float | None = None

    def join(self):
        self.session = "s1"
        return "s1"

    def status(self):
        return {"session": self.session, "queued": len(self.queue), "hosts": len({q[0] for q in self.queue}),
                "leased": len(self.leases), "held": len(self.held)}

    def seen(self, key):
        if key in self.fingerprints:
            return True
        self.fingerprints.add(key)
        return False

    def push(self, host, payload, priority=0, delay=0.0):
        self.queue.append((host, payload, priority, delay))

    def pop(self):
        if self.wait is not None:
            return self.wait
        if not self.queue:
            return None
        _, payload, _, _ = self.queue.pop(0)
        self.n += 1
        lease = f"lease-{self.n}"
        self.leases[lease] = payload
        return lease, payload

    def ack(self, ids):
        self.acked += ids
        for i in ids:
            self.leases.pop(i, None)

    def hold(self, ids):
        self.held += ids

    def renew(self, ids):
        self.renewed.append(ids)

    def reclaim(self, ids=None):
        self.reclaimed.append(ids)
        return len(ids or [])

    def queued_hosts(self):
        return len({q[0] for q in self.queue})

    def leased(self):
        return len(self.leases)

    def end_if_drained(self):
        return not self.queue and not self.leases


class Inline:
    """A courier that sends at once (the executor interface the scheduler uses)."""

    def submit(self, fn):
        from concurrent.futures import Future

        done: Future = Future()
        done.set_result(fn())
        return done

    def shutdown(self, wait=True):
        pass


@pytest.fixture()
def sched(monkeypatch):
    mem = MemoryFrontier()
    monkeypatch.setattr(fr.scheduler, "frontier_from_settings", lambda settings, name: mem)
    monkeypatch.delenv("FRONTIER_HMAC_KEY", raising=False)
    crawler = get_crawler(NewsLike, {"FRONTIER_DOMAIN_DELAY": "", "DOWNLOAD_DELAY": 0.5})
    spider = NewsLike.from_crawler(crawler)
    crawler.spider = spider
    crawler.stats.open_spider()
    s = fr.FrontierScheduler.from_crawler(crawler)
    s.open(spider)
    # acks, holds and renewals go to Redis on the courier thread; here they are sent at once, in order
    # (test_acks_reach_redis_in_order_on_the_courier_thread covers the thread)
    s._courier.shutdown()
    s._courier = Inline()
    yield s, mem, spider
    if s._renewer is not None and s._renewer.running:
        s._renewer.stop()


def _article(spider, url="https://www.kabar.example/berita/2024/12/03/banjir.html", **meta):
    return Request(url, callback=spider.parse_article, errback=spider.on_error,
                   cb_kwargs={"source": "kabar", "identity": url, "hints": {}}, meta=meta)


def test_requests_go_to_the_shared_queue_once(sched):
    s, mem, spider = sched
    assert s.enqueue_request(_article(spider))
    assert not s.enqueue_request(_article(spider))  # another copy: filtered by the seen-set
    assert [q[0] for q in mem.queue] == ["www.kabar.example"] and mem.queue[0][3] == 0.5
    assert s.stats.get_value("frontier/enqueued") == 1 and s.stats.get_value("frontier/filtered") == 1
    assert s.has_pending_requests() and len(s) == 1


def test_a_retry_or_redirect_of_an_admitted_request_passes_the_filter(sched):
    s, mem, spider = sched
    s.enqueue_request(_article(spider))
    assert s.enqueue_request(_article(spider, retry_times=1))
    assert len(mem.queue) == 2


def test_internal_requests_stay_in_this_process(sched):
    s, mem, spider = sched
    s.enqueue_request(Request("data:,robots", meta={"news_internal": True}))
    assert not mem.queue and s.stats.get_value("frontier/enqueued/local") == 1
    assert s.next_request().url == "data:,robots" and s.stats.get_value("frontier/dequeued/local") == 1


def test_a_lease_is_acked_only_after_its_items_are_durable(sched):
    s, mem, spider = sched
    s.enqueue_request(_article(spider))
    req = s.next_request()
    lease = req.meta[fr.LEASE_META]
    assert lease in s.mine and req.callback == spider.parse_article
    s._on_item_out(lease)  # the callback yielded an article
    s._on_done(lease)  # ... and finished
    assert mem.acked == [] and mem.held == []  # its article is still in the item pipeline
    response = HtmlResponse(req.url, body=b"<html></html>", request=req)
    s._on_item_done(response=response)  # the item left the pipeline: now in the indexer's buffer
    assert mem.acked == [] and mem.held == [lease]
    s._on_durable(before=float("inf"))  # the indexer flushed
    assert mem.acked == [lease] and s.stats.get_value("frontier/acked") == 1 and not s.mine


def test_a_listing_without_items_is_acked_when_its_callback_is_done(sched):
    s, mem, spider = sched
    s.enqueue_request(_article(spider, "https://www.kabar.example/kanal/nasional"))
    lease = s.next_request().meta[fr.LEASE_META]
    s._on_done(lease)
    assert mem.acked == [lease]


def test_the_retry_of_a_leased_request_acks_the_old_lease(sched):
    s, mem, spider = sched
    s.enqueue_request(_article(spider))
    req = s.next_request()
    old = req.meta[fr.LEASE_META]
    retry = req.replace(dont_filter=True)
    retry.meta["retry_times"] = 1
    assert s.enqueue_request(retry)
    assert mem.acked == [old] and len(mem.queue) == 1


def test_an_empty_queue_and_a_waiting_host(sched, monkeypatch):
    s, mem, spider = sched
    s._last_filtered = -1e9
    assert s.next_request() is None and not s.has_pending_requests()
    mem.wait = 2.5
    woken = []
    monkeypatch.setattr(s, "_wake_in", woken.append)
    assert s.next_request() is None and woken == [2.5]


class Timers:
    """``reactor.callLater`` / ``reactor.seconds`` kept in a list, on a clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0
        self.calls: list[Timers.Call] = []

    class Call:
        def __init__(self, timers, when, fn):
            self.timers, self.when, self.fn, self.cancelled, self.fired = timers, when, fn, False, False

        def active(self):
            return not (self.cancelled or self.fired)

        def getTime(self):
            return self.when

        def cancel(self):
            self.cancelled = True

    def seconds(self):
        return self.now

    def callLater(self, delay, fn):
        call = Timers.Call(self, self.now + delay, fn)
        self.calls.append(call)
        return call

    def pending(self):
        return [round(c.when - self.now, 4) for c in self.calls if c.active()]


@pytest.fixture()
def timers(sched, monkeypatch):
    from types import SimpleNamespace

    from twisted.internet import reactor

    t = Timers()
    monkeypatch.setattr(reactor, "callLater", t.callLater, raising=False)
    monkeypatch.setattr(reactor, "seconds", t.seconds, raising=False)
    s, _, _ = sched
    nextcall = SimpleNamespace(schedule=lambda: None)
    s.crawler.engine = SimpleNamespace(_slot=SimpleNamespace(nextcall=nextcall))  # this test's crawler
    return t


def test_a_crawler_waiting_for_a_host_asks_again_when_it_is_due(sched, timers):
    # A crawler with nothing in flight asks only when this timer fires; a busy one also asks after
    # every download and item.  Woken 10 ms after the due time, the idle crawler lost every slot the
    # busy one's next event reached first (15-20% of a busy crawler's pops in instrumented runs).
    s, mem, _ = sched
    mem.wait = 0.05
    assert s.next_request() is None
    [due] = timers.pending()
    assert 0.05 <= due <= 0.052


def test_an_earlier_due_host_moves_the_wake_up_forward(sched, timers):
    s, mem, _ = sched
    mem.wait = 4.0
    s.next_request()
    mem.wait = 0.2  # a push made another host due sooner
    s.next_request()
    assert timers.pending() == [pytest.approx(0.201, abs=0.001)]
    mem.wait = 3.0  # a later one leaves it where it is
    s.next_request()
    assert timers.pending() == [pytest.approx(0.201, abs=0.001)]


def test_an_empty_queue_is_looked_at_again_within_a_second(sched, timers):
    # another crawler's sitemap may queue the whole site a moment later: this crawler takes its share
    # then, not at the engine's next 5 s heartbeat
    s, mem, _ = sched
    mem.leases["other-crawlers-lease"] = b"{}"
    assert s.next_request() is None and s.has_pending_requests()
    [again] = timers.pending()
    assert again <= 1.0


def test_a_bad_queue_entry_is_dropped_and_counted(sched):
    s, mem, spider = sched
    mem.queue.append(("www.kabar.example", b"garbage", 0, 0.0))
    assert s.next_request() is None
    assert any(k.startswith("frontier/dropped/") for k in s.stats.get_stats()) and mem.acked == ["lease-1"]


def test_close_gives_unfinished_leases_back(sched):
    s, mem, spider = sched
    for i in range(2):
        s.enqueue_request(_article(spider, f"https://www.kabar.example/berita/{i}.html"))
    s.next_request()
    s.next_request()
    s.close("shutdown")
    assert mem.reclaimed[-1] == ["lease-1", "lease-2"] and s.stats.get_value("frontier/requeued_on_close") == 2
    assert not s.mine


def test_redis_away_counts_as_work_pending(sched, monkeypatch):
    s, mem, spider = sched
    s._last_filtered = -1e9

    def down():
        raise redis.ConnectionError("refused")

    monkeypatch.setattr(mem, "queued_hosts", down)
    assert s.has_pending_requests()
    monkeypatch.setattr(mem, "renew", lambda ids: down())
    s._renew()  # logged, not raised


def test_a_fixed_domain_delay_and_a_requests_own_delay(sched):
    s, mem, spider = sched
    from scrapy.settings import Settings

    s.settings = Settings({"FRONTIER_DOMAIN_DELAY": "3"})
    s._delays.clear()
    s.enqueue_request(_article(spider, "https://a.example/x"))
    s.enqueue_request(_article(spider, "https://b.example/y", frontier_delay=7))
    assert [q[3] for q in mem.queue] == [3.0, 7.0]


def test_the_spider_middleware_reports_items_and_the_end_of_a_callback():
    crawler = get_crawler(NewsLike)
    got = []
    crawler.signals.connect(lambda lease: got.append(("item", lease)), signal=fr.FRONTIER_ITEM, weak=False)
    crawler.signals.connect(lambda lease: got.append(("done", lease)), signal=fr.FRONTIER_DONE, weak=False)
    mw = fr.FrontierAckSpiderMiddleware.from_crawler(crawler)
    req = Request("https://www.kabar.example/", meta={fr.LEASE_META: "L1"})
    resp = HtmlResponse(req.url, body=b"", request=req)
    out = list(mw.process_spider_output(resp, iter([Request("https://www.kabar.example/a"), {"url": "x"}])))
    assert len(out) == 2 and got == [("item", "L1"), ("done", "L1")]
    mw.process_spider_exception(resp, ValueError("boom"))
    assert got[-1] == ("done", "L1")


def test_apply_settings_switches_a_settings_module_to_the_frontier(monkeypatch):
    from scrapy.settings import Settings

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("FRONTIER_LEASE_SECONDS", "30")
    ns = {"SPIDER_MIDDLEWARES": {"a.B": 5}, "DOWNLOADER_MIDDLEWARES": {}}
    fr.apply_settings(ns)
    assert ns["SCHEDULER"] == "crawler.frontier.FrontierScheduler"
    assert fr.frontier_config(Settings(ns)).lease_seconds == 30.0  # read where used, the environment first
    assert ns["SPIDER_MIDDLEWARES"] == {"a.B": 5, "crawler.frontier.FrontierAckSpiderMiddleware": 1}
    assert "crawler.frontier.FrontierAckDownloaderMiddleware" in ns["DOWNLOADER_MIDDLEWARES"]


def test_frontier_needs_redis_url():
    from scrapy.settings import Settings

    with pytest.raises(ValueError, match="REDIS_URL"):
        fr.frontier_from_settings(Settings({"REDIS_URL": ""}), "news")


def test_acks_reach_redis_in_order_on_the_courier_thread(monkeypatch):
    """The reactor never waits on an ack: it is queued for the courier thread, which sends them in
    the order they were made."""
    import threading

    mem = MemoryFrontier()
    monkeypatch.setattr(fr.scheduler, "frontier_from_settings", lambda settings, name: mem)
    crawler = get_crawler(NewsLike, {"FRONTIER_DOMAIN_DELAY": ""})
    spider = NewsLike.from_crawler(crawler)
    crawler.spider = spider
    crawler.stats.open_spider()
    s = fr.FrontierScheduler.from_crawler(crawler)
    s.open(spider)
    threads = []
    real = mem.ack
    mem.ack = lambda ids: (threads.append(threading.current_thread().name), real(ids))
    s.mine.update({"a", "b", "c"})
    for lease in ("a", "b", "c"):
        s._ack(lease)
    s.flush_acks()
    assert mem.acked == ["a", "b", "c"]
    assert threads and all(t.startswith("frontier-acks") for t in threads)
    if s._renewer is not None and s._renewer.running:
        s._renewer.stop()
