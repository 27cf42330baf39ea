"""crawler/extensions.py and crawler/commands/crawl.py without a crawl: the per-source summary (the
runner's contract), the hand-run ledger record, the throttle floor, the start-up check."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler import extensions
from crawler.commands import crawl as crawl_command
from crawler.extensions import CrawlSummary, PoliteAutoThrottle, summarize
from news_ingest.store.client import StoreUnavailable

STATS = {
    "news/kabar/pages_fetched": 12, "news/kabar/articles_found": 7, "news/kabar/skipped_seen": 3,
    "news/kabar/robots_crawl_delay": 2.0, "news/kabar/errors/http_503": 1,
    "news/kabar/discovered/sitemap": 40, "news/kabar/requests/article": 7,
    "news/warta/pages_fetched": 2, "news/warta/dropped/offsite": 4,
    "news/dropped/not_article:index_page": 2, "news/indexed": 6, "news/extracted": 7,
    "news/index/spooled": 1, "downloader/request_count": 20,
}


def test_summary_per_source_and_totals():
    out = summarize(STATS, ["kabar", "warta"], 12.3456)
    kabar, warta = out["sources"]["kabar"], out["sources"]["warta"]
    assert (kabar["pages_fetched"], kabar["articles_found"], kabar["skipped_seen"]) == (12, 7, 3)
    assert kabar["robots_crawl_delay"] == 2.0 and kabar["errors"] == {"http_503": 1}
    assert kabar["discovered"] == {"sitemap": 40} and kabar["requests"] == {"article": 7}
    assert warta["dropped"] == {"offsite": 4} and warta["articles_found"] == 0
    assert out["pipeline_dropped"] == {"not_article:index_page": 2}
    # with several sources the pipeline's drops are not folded into one of them
    assert "pipeline:not_article:index_page" not in kabar["dropped"]
    assert (out["indexed"], out["extracted"], out["spooled"], out["dead_letter"]) == (6, 7, 1, 0)
    assert out["elapsed_seconds"] == kabar["elapsed_seconds"] == 12.346


def test_summary_of_one_source_folds_the_pipeline_drops_in():
    out = summarize(STATS, ["kabar"], 1.0)
    assert out["sources"]["kabar"]["dropped"] == {"pipeline:not_article:index_page": 2}


def _closed(monkeypatch, tmp_path, *, runner: bool, record=None):
    crawler = get_crawler()
    crawler.stats = MemoryStatsCollector(crawler)
    for k, v in STATS.items():
        crawler.stats.set_value(k, v)
    summary_file = tmp_path / "crawl.summary.json"
    monkeypatch.setenv("NEWS_SUMMARY_FILE", str(summary_file))
    if runner:
        monkeypatch.setenv("NEWS_INGEST_RUNNER", "1")
    else:
        monkeypatch.delenv("NEWS_INGEST_RUNNER", raising=False)
    monkeypatch.setattr(extensions, "connect", lambda check=False: "store")
    monkeypatch.setattr(extensions, "record_run", record or (lambda store, doc: pytest.fail("recorded")))
    ext = CrawlSummary.from_crawler(crawler)
    spider = SimpleNamespace(sources={"kabar": object(), "warta": object()})
    ext.spider_opened(spider)
    ext.spider_closed(spider, "finished")
    return crawler, json.loads(summary_file.read_text())


def test_the_summary_file_is_the_runners_contract(monkeypatch, tmp_path, caplog):
    caplog.set_level("INFO", logger="crawler.extensions")
    crawler, data = _closed(monkeypatch, tmp_path, runner=True)
    assert data["finish_reason"] == "finished" and set(data["sources"]) == {"kabar", "warta"}
    assert data["indexed"] == 6 and not list(tmp_path.glob("*.tmp"))  # written whole, then renamed
    assert crawler.stats.get_value("news/kabar/elapsed_seconds") is not None
    line = next(r.getMessage() for r in caplog.records if extensions.SUMMARY_MARKER in r.getMessage())
    assert json.loads(line.split(extensions.SUMMARY_MARKER, 1)[1]) == data


def test_a_hand_run_crawl_records_itself_in_the_ledger(monkeypatch, tmp_path):
    docs = []
    _closed(monkeypatch, tmp_path, runner=False, record=lambda store, doc: docs.append((store, doc)))
    [(store, doc)] = docs
    assert store == "store" and doc["status"] == "ok" and doc["sources"] == ["kabar", "warta"]
    assert doc["counts"]["indexed"] == 6 and doc["counts"]["extracted"] == 7
    assert set(doc["per_source"]) == {"kabar", "warta"}


def test_a_ledger_outage_is_a_warning_not_a_failed_crawl(monkeypatch, tmp_path, caplog):
    def down(store, doc):
        raise StoreUnavailable("connection refused")

    _closed(monkeypatch, tmp_path, runner=False, record=down)
    assert "run not recorded in the ledger: connection refused" in caplog.text


class _Slot:
    def __init__(self, delay):
        self.delay = delay


def test_the_throttle_never_goes_below_a_hosts_floor(monkeypatch):
    slot = _Slot(0.1)
    spider = SimpleNamespace(sources={"kabar": SimpleNamespace(delay=1.5)}, host_floor={"www.kabar.example": 4.0})
    crawler = SimpleNamespace(engine=SimpleNamespace(downloader=SimpleNamespace(slots={"www.kabar.example": slot,
                                                                                      "other": _Slot(0.2)})),
                              spider=spider)
    throttle = object.__new__(PoliteAutoThrottle)
    throttle.crawler = crawler
    monkeypatch.setattr(extensions.AutoThrottle, "_response_downloaded", lambda self, *a: None)
    request = SimpleNamespace(meta={"download_slot": "www.kabar.example", "news_source": "kabar"})
    throttle._response_downloaded(None, request, spider)
    assert slot.delay == 4.0  # robots.txt Crawl-delay floor over the source's own delay
    other = SimpleNamespace(meta={"download_slot": "other", "news_source": "kabar"})
    throttle._response_downloaded(None, other, spider)
    assert crawler.engine.downloader.slots["other"].delay == 1.5
    throttle._response_downloaded(None, SimpleNamespace(meta={}), spider)  # no slot: nothing to do


def test_crawl_command_checks_the_configuration_first(monkeypatch, capsys):
    monkeypatch.setenv("INDEX_BATCH_DOCS", "many")
    cmd = crawl_command.Command()
    cmd.run(["news"], SimpleNamespace(spargs={"source": "tempo"}))
    assert cmd.exitcode == 2
    err = capsys.readouterr().err
    assert err.strip() == "error: INDEX_BATCH_DOCS='many' is not a whole number. Fix: e.g. INDEX_BATCH_DOCS=500"


def test_crawl_command_names_an_unknown_source(monkeypatch, capsys):
    cmd = crawl_command.Command()
    cmd.run(["news"], SimpleNamespace(spargs={"source": "no-such-source"}))
    assert cmd.exitcode == 2 and "unknown source(s) ['no-such-source']" in capsys.readouterr().err


def test_crawl_command_check_passes_other_spiders_and_good_settings():
    crawl_command.check("other", {"source": "whatever"})
    crawl_command.check("news", {"source": "all"})


def _slot_with_bound(settings=None):
    from scrapy.core.scraper import Slot

    from crawler import settings as project_settings

    values = {k: getattr(project_settings, k)
              for k in ("SCRAPER_SLOT_MAX_ACTIVE_SIZE", "SCRAPER_SLOT_MIN_RESPONSE_SIZE")}
    values.update(settings or {})
    slot = Slot(values["SCRAPER_SLOT_MAX_ACTIVE_SIZE"])
    crawler = get_crawler(settings_dict=values)
    crawler.engine = SimpleNamespace(scraper=SimpleNamespace(slot=slot))
    extensions.ResponseCountBound.from_crawler(crawler).spider_opened(None)
    return slot


def _waiting_until_backout(slot, body_size, limit=10_000):
    from scrapy.http import HtmlResponse, Request

    for n in range(1, limit + 1):
        url = f"http://127.0.0.1:8765/berita/{n}/"
        slot.add_response_request(HtmlResponse(url, body=b"x" * body_size), Request(url))
        if slot.needs_backout():
            return n
    return None


def test_small_pages_cannot_pile_up_by_the_thousand_in_the_scraper_slot():
    # the memory benchmark's ~3 KB pages: Scrapy's 1 KB floor let 6,000 wait under 20 MB; now ~300
    assert _waiting_until_backout(_slot_with_bound(), 3_000) == 20_000_000 // 65536 + 1
    assert _waiting_until_backout(_slot_with_bound({"SCRAPER_SLOT_MIN_RESPONSE_SIZE": 1024}), 3_000) == 6667
    # a large page still counts its own bytes: 20 MB of 1 MB pages is 20 pages, as before
    assert _waiting_until_backout(_slot_with_bound(), 1_000_000) == 21


def test_the_response_floor_is_the_project_settings_alone():
    # crawler/settings.py holds the number; a crawler without the setting leaves Scrapy's own floor
    from scrapy.core.scraper import Slot

    slot = Slot(20_000_000)
    crawler = get_crawler(settings_dict={})
    crawler.engine = SimpleNamespace(scraper=SimpleNamespace(slot=slot))
    extensions.ResponseCountBound.from_crawler(crawler).spider_opened(None)
    assert slot.MIN_RESPONSE_SIZE == Slot.MIN_RESPONSE_SIZE == 1024


def test_the_count_bound_keeps_the_slots_books_balanced():
    from scrapy.http import HtmlResponse, Request

    slot = _slot_with_bound()
    pairs = [(HtmlResponse(f"http://127.0.0.1/{n}", body=b"x" * size), Request(f"http://127.0.0.1/{n}"))
             for n, size in enumerate([10, 70_000, 3_000])]
    for response, request in pairs:
        slot.add_response_request(response, request)
    for _ in pairs:
        slot.next_response_request_deferred()
    for response, request in pairs:
        slot.finish_response(response, request)
    assert slot.active_size == 0 and not slot.needs_backout()


def test_a_slot_already_in_use_is_left_alone(caplog):
    from scrapy.core.scraper import Slot
    from scrapy.http import HtmlResponse, Request

    slot = Slot(20_000_000)
    slot.add_response_request(HtmlResponse("http://127.0.0.1/a", body=b"x"), Request("http://127.0.0.1/a"))
    crawler = get_crawler(settings_dict={"SCRAPER_SLOT_MIN_RESPONSE_SIZE": 65536})
    crawler.engine = SimpleNamespace(scraper=SimpleNamespace(slot=slot))
    extensions.ResponseCountBound.from_crawler(crawler).spider_opened(None)
    assert slot.MIN_RESPONSE_SIZE == 1024 and "not bounded" in caplog.text
