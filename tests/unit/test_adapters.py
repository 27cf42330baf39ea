"""The crawl's item-pipeline adapters (crawler/pipelines.py) without a crawl: a test crawler with
inline stages (STAGE_WORKERS=0) and a stub store; fixture pages from tests/fixtures."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler import pipelines as adapters
from crawler.items import FetchedPage
from crawler.workers import StageFailed
from pipelines.article import Article

FIX = Path(__file__).resolve().parents[1] / "fixtures"
SITE = "http://127.0.0.1:8765"


def _crawler(**settings):
    crawler = get_crawler(settings_dict={"STAGE_WORKERS": 0, **settings})
    crawler.stats = MemoryStatsCollector(crawler)
    return crawler


def _page(name: str, url: str | None = None, **kw) -> FetchedPage:
    body = (FIX / "site" / "berita" / name).read_bytes()
    return FetchedPage(url=url or f"{SITE}/berita/{name}", body=body, encoding="utf-8", source="sample",
                       fetched_at="2024-12-03T08:00:00+00:00", text=body.decode("utf-8"), **kw)


def _run(coro):
    return asyncio.run(coro)


def test_the_chain_turns_a_page_into_an_article_and_counts_it():
    crawler = _crawler()
    stage = adapters.ProcessPipeline.from_crawler(crawler)
    art = _run(stage.process_item(_page("banjir-jakarta-surut.html")))
    assert isinstance(art, Article)
    assert art.url == f"{SITE}/berita/banjir-jakarta-surut.html" and art.title and len(art.body or "") > 200
    assert art.fetched_at == "2024-12-03T08:00:00+00:00"
    assert crawler.stats.get_value("news/extracted") == 1
    # extract, then clean/language/attribution, then fingerprints: the one chain (pipelines.process.CHAIN)
    assert art.language == "id" and crawler.stats.get_value("news/language/id") == 1
    assert art.content_hash and art.fingerprint


def test_the_chain_drops_a_listing_with_its_reason_counted_per_source():
    crawler = _crawler()
    stage = adapters.ProcessPipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=r"^not_article:index_page: http://127\.0\.0\.1:8765/berita/index\.html"):
        _run(stage.process_item(_page("index.html")))
    assert crawler.stats.get_value("news/dropped/not_article:index_page") == 1
    assert crawler.stats.get_value("news/sample/dropped/not_article:index_page") == 1
    assert crawler.stats.get_value("news/extracted") is None


def test_the_chain_stitches_a_multi_page_article():
    crawler = _crawler()
    stage = adapters.ProcessPipeline.from_crawler(crawler)
    first = _page("korut-rusia-perjanjian-pertahanan.html")
    second = (FIX / "site" / "berita" / "korut-rusia-perjanjian-pertahanan.page2.html").read_text("utf-8")
    single = _run(stage.process_item(_page("korut-rusia-perjanjian-pertahanan.html")))
    first.pages = [(first.url, first.text or ""), (f"{first.url}?page=2", second)]
    stitched = _run(stage.process_item(first))
    assert stitched.url == first.url and len(stitched.body) > len(single.body)
    assert single.body.split("\n")[0] in stitched.body  # the first page's text leads
    assert stitched.provenance["body"].endswith("+pages:2")


def test_a_page_the_spiders_worker_already_processed_is_applied_not_run_again():
    from pipelines.process import process_page

    crawler = _crawler()
    stage = adapters.ProcessPipeline.from_crawler(crawler)
    page = _page("banjir-jakarta-surut.html")
    page.result = process_page(page.body, page.url, {"source": "sample"})
    stage.pool.run = None  # type: ignore[assignment]  # no stage call: it would fail
    art = _run(stage.process_item(page))
    assert art is page.result.article and crawler.stats.get_value("news/extracted") == 1


def test_items_of_other_stages_pass_through_untouched():
    crawler = _crawler()
    art = Article(url=f"{SITE}/x")
    assert _run(adapters.ProcessPipeline.from_crawler(crawler).process_item(art)) is art


def test_an_article_that_cleaning_leaves_empty_is_dropped():
    from pipelines.process import ProcessResult

    crawler = _crawler()
    stage = adapters.ProcessPipeline.from_crawler(crawler)
    page = _page("hujan-es-bogor.html", result=ProcessResult(drop_reason="empty_after_cleaning",
                                                              extracted=True))
    with pytest.raises(DropItem, match="^empty_after_cleaning"):
        _run(stage.process_item(page))
    assert crawler.stats.get_value("news/dropped/empty_after_cleaning") == 1


def test_a_page_that_kills_its_worker_is_dropped_with_the_pools_reason():
    crawler = _crawler()
    stage = adapters.ProcessPipeline.from_crawler(crawler)

    async def crash(fn, *args, page=None):
        raise StageFailed("worker_crash", "exit code -11")

    stage.pool.run = crash  # type: ignore[method-assign]
    with pytest.raises(DropItem, match=r"^worker_crash: .*hujan-es-bogor\.html exit code -11$"):
        _run(stage.process_item(_page("hujan-es-bogor.html")))
    assert crawler.stats.get_value("news/sample/dropped/worker_crash") == 1


class _StubIndexer:
    """What IndexPipeline needs of an Indexer: add/take/send/due/replay/close and the stats."""

    def __init__(self, store, config, **kw):
        self.store, self.config = store, config
        self.items: list = []
        self.sent: list[list] = []
        self.stats = dict.fromkeys(adapters.IndexPipeline.STAT_KEYS, 0)
        self.closed = False

    def replay(self):
        self.stats["replayed"] = 2

        class Result:
            pending_segments = 0

        return Result()

    def add(self, item, autoflush=True):
        self.items.append(item)
        return len(self.items) >= 2

    def take(self):
        out, self.items = self.items, []
        return out

    def send(self, batch):
        self.sent.append(batch)
        self.stats["indexed"] += len(batch)
        self.stats["bulk_requests"] += 1

    def due(self):
        return False

    def close(self):
        self.closed = True


class _StubStore:
    refreshed = 0

    def refresh(self):
        self.refreshed += 1


def test_index_batches_flushes_at_close_and_reports_the_indexers_numbers(monkeypatch):
    store = _StubStore()
    monkeypatch.setattr(adapters, "connect", lambda check=False: store)
    monkeypatch.setattr(adapters, "Indexer", _StubIndexer)
    crawler = _crawler(INDEX_BATCH_DOCS="2", INDEX_FLUSH_SECONDS="60")
    durable: list[float] = []
    crawler.signals.connect(lambda before: durable.append(before), signal=adapters.ITEMS_DURABLE, weak=False)
    stage = adapters.IndexPipeline.from_crawler(crawler)
    assert stage.config.batch_docs == 2 and stage.config.flush_seconds == 60.0

    async def crawl():
        await stage.open_spider()
        for i in range(3):
            await stage.process_item(Article(url=f"{SITE}/berita/{i}.html"))
        await stage.close_spider()

    _run(crawl())
    assert [len(b) for b in stage.indexer.sent] == [2, 1] and stage.indexer.closed and store.refreshed == 1
    assert crawler.stats.get_value("news/indexed") == 3 and crawler.stats.get_value("news/index/replayed") == 2
    assert crawler.stats.get_value("news/index/bulk_requests") == 2
    assert len(durable) == 2  # each flushed batch releases the frontier's leases


def test_index_settings_from_the_environment_win_over_scrapy(monkeypatch):
    monkeypatch.setenv("INDEX_BATCH_DOCS", "7")
    stage = adapters.IndexPipeline.from_crawler(_crawler(INDEX_BATCH_DOCS="2"))
    assert stage.config.batch_docs == 7


_RELATIVE_PAGE = """<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>Harga cabai rawit turun di pasar induk - Kabar Sampel</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"Harga cabai rawit turun di pasar induk","author":{"@type":"Person","name":"Dewi Lestari"}}</script>
</head><body><header><a href="/">Kabar Sampel</a></header><main><article>
<h1>Harga cabai rawit turun di pasar induk</h1>
<div class="article-meta"><span class="author">Dewi Lestari</span> <span class="date">2 jam lalu</span></div>
<p>Harga cabai rawit di pasar induk turun menjadi Rp40.000 per kilogram setelah pasokan dari sentra produksi
di Jawa Timur kembali lancar, kata pedagang kepada wartawan.</p>
<p>Pedagang memperkirakan harga akan terus turun sampai akhir pekan jika cuaca tetap cerah dan distribusi
tidak terganggu, sementara pembeli mulai kembali berbelanja dalam jumlah besar.</p>
<p>Dinas perdagangan setempat menyatakan akan memantau harga kebutuhan pokok setiap hari menjelang libur
panjang, termasuk bawang merah dan minyak goreng yang sempat naik bulan lalu.</p>
</article></main></body></html>"""


def test_a_relative_dateline_is_counted_back_from_the_crawls_fetch_time():
    stage = adapters.ProcessPipeline.from_crawler(_crawler())
    body = _RELATIVE_PAGE.encode("utf-8")
    item = FetchedPage(url=f"{SITE}/berita/harga-cabai-rawit-turun", body=body, encoding="utf-8",
                       source="sample", fetched_at="2024-12-03T08:00:00+00:00", text=_RELATIVE_PAGE)
    art = _run(stage.process_item(item))
    assert art.published_at == "2024-12-03T06:00:00+00:00" and art.provenance["published_at"] == "relative"
    assert art.fetched_at == "2024-12-03T08:00:00+00:00"
