"""The discovery edge cases real sites hit: junk dates, depth limits, Retry-After, stops, page parts."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.settings import Settings
from twisted.internet.defer import Deferred

from crawler.retry import RetryAfterMiddleware
from crawler.shutdown import ShutdownDrain, StoppedByShutdown
from crawler.spiders.news import NewsSpider
from pipelines import discovery
from pipelines.extract import extract_pages
from tests.unit.spider_support import use_sources

BASE = "http://127.0.0.1:8001"
SOURCES = f"""sources:
  - name: deep
    domains: [127.0.0.1]
    start_urls: ["{BASE}/"]
    article_allow: ['/berita/']
    follow_depth: 100
    allow_loopback: [8001]
"""


@pytest.fixture()
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return use_sources(tmp_path, monkeypatch, SOURCES)


# ---------------------------------------------------------------------------------------------- dates

SITEMAP = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{BASE}/berita/a</loc><lastmod>2024-12-05T10:15:00+07:00</lastmod></url>
<url><loc>{BASE}/berita/b</loc><lastmod>0001-01-01T00:00:00+05:00</lastmod></url>
<url><loc>{BASE}/berita/c</loc><lastmod>9999-12-31T23:59:59-05:00</lastmod></url>
<url><loc>{BASE}/berita/d</loc><lastmod>kemarin</lastmod></url>
<url><loc>{BASE}/berita/e</loc></url>
</urlset>""".encode()


def test_a_junk_date_marks_its_entry_and_keeps_the_sitemap():
    kind, entries = discovery.parse_sitemap(SITEMAP)
    assert kind == "urlset" and [e.url.rsplit("/", 1)[1] for e in entries] == ["a", "b", "c", "d", "e"]
    assert entries[0].published == "2024-12-05T03:15:00+00:00" and entries[0].bad_date is None
    assert [e.bad_date for e in entries[1:]] == ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00",
                                                 "kemarin", None]


def test_a_junk_feed_date_marks_its_entry():
    rss = f"""<rss version="2.0"><channel><title>x</title>
<item><title>a</title><link>{BASE}/berita/a</link><pubDate>Thu, 05 Dec 2024 03:15:00 +0000</pubDate></item>
<item><title>b</title><link>{BASE}/berita/b</link><pubDate>Mon, 01 Jan 0001 00:00:00 +0500</pubDate></item>
</channel></rss>""".encode()
    entries, problem = discovery.parse_feed(rss, BASE + "/feed/")
    assert problem is None and len(entries) == 2
    assert entries[0].published == "2024-12-05T03:15:00+00:00" and entries[0].bad_date is None
    assert entries[1].bad_date and entries[1].published is None


def test_the_spider_drops_and_counts_junk_dated_entries(sources):
    import asyncio

    from scrapy.utils.test import get_crawler

    sp = NewsSpider.from_crawler(get_crawler(NewsSpider, {"DEPTH_LIMIT": 0}), source="deep")
    sp._store = SimpleNamespace(known_docs=lambda ids, fields=None: {}, index_uuids=lambda: set())
    _, entries = discovery.parse_sitemap(SITEMAP)
    out = asyncio.run(sp._article_requests(sp.sources["deep"], entries, 0))
    assert sorted(r.url.rsplit("/", 1)[1] for r in out) == ["a", "e"]
    assert sp.crawler.stats.get_value("news/deep/dropped/bad_date") == 3


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2024",
                                   "kemarin"])
def test_since_with_a_junk_date_is_a_clear_error(sources, since):
    with pytest.raises(ValueError, match=r"is not a date\. Fix: -a since=YYYY-MM-DD"):
        NewsSpider(source="deep", since=since)


# ---------------------------------------------------------------------------------------------- depth


def test_follow_depth_above_the_depth_limit_raises_it(sources):
    crawler = Crawler(NewsSpider, Settings({"DEPTH_LIMIT": 10}))
    spider = NewsSpider.from_crawler(crawler, source="deep")
    assert crawler.settings.getint("DEPTH_LIMIT") == spider.depth_needed() > 100


def test_a_depth_limit_set_lower_on_the_command_line_is_refused_clearly(sources):
    settings = Settings()
    settings.set("DEPTH_LIMIT", 10, priority="cmdline")
    with pytest.raises(ValueError, match=r"DEPTH_LIMIT=10 is below what source 'deep' needs .* Fix"):
        NewsSpider.from_crawler(Crawler(NewsSpider, settings), source="deep")


# ---------------------------------------------------------------------------------------- Retry-After


class FakeSlot:
    def __init__(self, delay: float = 0.0) -> None:
        self.delay, self.lastseen, self.latercall = delay, 0.0, None
        self.queue: list = []


def retry_mw(slot: FakeSlot, **settings: object) -> tuple[RetryAfterMiddleware, object]:
    stats: dict[str, int] = {}
    crawler = SimpleNamespace(
        settings=Settings({"RETRY_ENABLED": True, "RETRY_TIMES": 2, "RETRY_HTTP_CODES": [429, 503],
                           "RETRY_PRIORITY_ADJUST": -1, "RETRY_GIVE_UP_LOG_LEVEL": "ERROR",
                           "RETRY_EXCEPTIONS": [], **settings}),
        engine=SimpleNamespace(downloader=SimpleNamespace(slots={"127.0.0.1": slot})),
        stats=SimpleNamespace(inc_value=lambda k, n=1, **_: stats.__setitem__(k, stats.get(k, 0) + n)),
        spider=SimpleNamespace(name="news", crawler=None))
    crawler.spider.crawler = crawler
    mw = RetryAfterMiddleware.from_crawler(crawler)
    return mw, stats


def answer(status: int, retry_after: str | None = None) -> tuple[Request, Response]:
    req = Request(f"{BASE}/berita/a", meta={"download_slot": "127.0.0.1", "news_source": "deep"})
    headers = {"Retry-After": retry_after} if retry_after else {}
    return req, Response(req.url, status=status, headers=headers, request=req)


def test_a_429_waits_as_long_as_retry_after_says_before_the_retry():
    import time

    slot = FakeSlot(0.0)
    mw, stats = retry_mw(slot)
    req, resp = answer(429, "30")
    before = time.monotonic()
    out = mw.process_response(req, resp)
    assert isinstance(out, Request) and out.url == req.url  # retried ...
    assert slot.lastseen >= before + 30  # ... not before the host's slot has been held 30 s
    assert stats["news/deep/backoff/retry_after"] == 1


def test_retry_after_is_bounded_and_a_503_without_it_backs_off_exponentially():
    slot = FakeSlot(0.5)
    mw, stats = retry_mw(slot, RETRY_AFTER_MAX=60)
    import time

    before = time.monotonic()
    mw.process_response(*answer(503, "86400"))
    assert before + 60 <= slot.lastseen < before + 61 and stats["news/deep/warnings/retry_after_capped"] == 1
    slot2 = FakeSlot(3.0)
    mw2, stats2 = retry_mw(slot2)
    mw2.process_response(*answer(503))
    assert slot2.delay == 6.0 and stats2["news/deep/backoff/exponential"] == 1


# --------------------------------------------------------------------------------------------- stops


def test_a_stop_fails_the_requests_waiting_behind_a_host_delay():
    slot = FakeSlot(86400)
    waiting = [(Request(f"{BASE}/berita/{i}"), Deferred()) for i in range(3)]
    failures: list = []
    for _, dfd in waiting:
        dfd.addErrback(failures.append)
    from collections import deque

    slot.queue = deque(waiting)
    later = SimpleNamespace(cancelled=False)
    later.cancel = lambda: setattr(later, "cancelled", True)
    slot.latercall = later
    crawler = SimpleNamespace(engine=SimpleNamespace(downloader=SimpleNamespace(slots={"h": slot})))
    assert ShutdownDrain(crawler).drain() == 3
    assert not slot.queue and later.cancelled and slot.latercall is None
    assert all(f.check(StoppedByShutdown) for f in failures) and len(failures) == 3
    assert StoppedByShutdown.reason == "stopped_by_shutdown"


# --------------------------------------------------------------------------------------- page parts

PARA = "Warga Sintang mulai membersihkan rumah dari lumpur setelah banjir surut, kata petugas BPBD setempat. "


def part(n: int, lines: list[str]) -> tuple[str, str]:
    body = "".join(f"<p>{ln}</p>" for ln in lines)
    return (f"https://kabar.example/2024/12/05/banjir/{n}/" if n > 1 else "https://kabar.example/2024/12/05/banjir/",
            f'<html lang="id"><head><title>Banjir</title><meta property="og:type" content="article"></head>'
            f"<body><article><h1>Banjir</h1>{body}</article></body></html>")


def test_repeated_lines_are_kept_unless_every_part_repeats_them():
    footer = "Ikuti berita terkini Kabar Khatulistiwa di Google News dan saluran WhatsApp kami setiap hari."
    quote = "“Kami tetap siaga sampai hujan benar-benar reda,” kata Yohanes kepada wartawan di posko banjir."
    pages = [part(1, [PARA * 2, quote, footer]), part(2, [PARA.replace("Warga", "Relawan") * 2, footer]),
             part(3, [PARA.replace("Warga", "Petugas") * 2, quote, footer])]
    res = extract_pages(pages, {})
    assert res.ok, res.drop_reason
    assert res.article.body.count(quote) == 2  # the story comes back to it on page 3: kept
    assert res.article.body.count(footer) == 1  # on every page: furniture, kept once
    assert res.article.pages_incomplete is False


def test_a_part_that_fails_marks_the_article_incomplete():
    pages = [part(1, [PARA * 3]), ("https://kabar.example/2024/12/05/banjir/2/", b"%PDF-1.4 broken")]
    res = extract_pages(pages, {})
    assert res.ok and res.article.pages_incomplete is True
    from pipelines.extract import extract

    assert extract(part(1, [PARA * 3])[1], None, {"pages_incomplete": True}).article.pages_incomplete is True
