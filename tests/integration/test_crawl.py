"""Real `scrapy crawl news` against the fixture news site on loopback and a real Elasticsearch node.

The site (news_ingest/sample_site.py) reproduces what crawlers meet on real news sites; these tests
assert what is indexed, what is dropped and why, and what a second run fetches.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.extensions import SUMMARY_MARKER
from news_ingest.sample_site import serve
from news_ingest.settings import SearchSettings
from news_ingest.sources import FIXTURE_SOURCES_PATH
from news_ingest.store.client import connect

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = {  # path -> how the crawl finds it
    "/berita/korut-rusia-perjanjian-pertahanan.html": "home, rss (2 pages, ?page=2)",
    "/berita/banjir-jakarta-surut.html": "home, rss, sitemap, in-site redirect",
    "/berita/harga-minyak-sawit-naik.html": "home (utm link), news sitemap",
    "/world/central-bank-holds-rates.html": "home, atom",
    "/berita/gempa-cianjur-susulan.html": "section page; 500 then 200",
    "/world/cafe-prices-paris.html": "windows-1252 labelled utf-8; news sitemap",
    "/world/euro-zone-outlook.html": "windows-1252 without any charset",
    "/news/ekspor-kopi-melonjak": "section page (2 pages, /2)",
    "/berita/hujan-es-bogor.html": "rss only (utm link) and a related link",
    "/berita/pasar-saham-asia.html": "atom only",
    "/berita/vaksin-dengue-gratis.html": "google news sitemap only",
    "/berita/arsip-pemilu-2019.html": "plain sitemap only (2019)",
}


class RecordPages:
    """Item pipeline for these tests: one JSON line per FetchedPage the spider yields."""

    def __init__(self, path: str) -> None:
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Any) -> RecordPages:
        return cls(os.environ["CRAWL_RECORD"])

    def process_item(self, item: Any, spider: Any = None) -> Any:
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"url": item.url, "pages": [u for u, _ in item.pages], "hints": item.hints.to_wire(),
                                 "encoding": item.encoding,
                                 "body": item.body.decode(item.encoding or "utf-8")}) + "\n")
        return item


def crawl(base: str, tmp: Path, *args: str, index: bool = True, extra_env: dict[str, str] | None = None,
          es: SearchSettings | None = None) -> dict[str, Any]:
    record = tmp / f"record-{uuid.uuid4().hex[:6]}.jsonl"
    pipelines = {"tests.integration.test_crawl.RecordPages": 50}
    if index:
        pipelines |= {"crawler.pipelines.ProcessPipeline": 100, "crawler.pipelines.IndexPipeline": 900}
    env = {**os.environ, "SAMPLE_SITE_URL": base, "NEWS_SOURCES": str(FIXTURE_SOURCES_PATH),
           "CRAWL_RECORD": str(record), "CRAWL_DELAY": "0", "NEWS_HOME": str(tmp / "home"),
           **(extra_env or {})}
    if es:
        env |= {"ES_URL": es.urls[0], "ES_INDEX": es.index, "SEARCH_ENGINE": es.engine}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=sample", *args,
           "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-4000:]
    lines = [ln for ln in proc.stderr.splitlines() if SUMMARY_MARKER in ln]
    assert len(lines) == 1, proc.stderr[-4000:]
    summary = json.loads(lines[0].split(SUMMARY_MARKER, 1)[1])
    items = [json.loads(ln) for ln in record.read_text().splitlines()] if record.exists() else []
    return {"summary": summary, "sample": summary["sources"]["sample"], "items": items, "log": proc.stderr}


@pytest.fixture(scope="module")
def two_runs(search_node: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("crawl")
    es = SearchSettings(urls=(search_node.url,), index=f"test-crawl-{uuid.uuid4().hex[:8]}",
                        engine=search_node.engine)
    server, base = serve(0)
    try:
        first = crawl(base, tmp, es=es)
        first_hits = server.article_hits()
        server.hits.clear()
        second = crawl(base, tmp, es=es)
        second_hits = server.article_hits()
        all_hits = dict(server.hits)
    finally:
        server.shutdown()
    store = connect(es)
    store.refresh()
    docs = [h["_source"] for h in store.search_raw({"query": {"match_all": {}}, "size": 100})["hits"]["hits"]]
    yield {"base": base, "first": first, "second": second, "first_hits": first_hits,
           "second_hits": second_hits, "second_all_hits": all_hits, "docs": docs, "store": store}
    store.drop()


def _paths(urls: list[str], base: str) -> list[str]:
    return sorted(u.removeprefix(base) for u in urls)


def test_every_article_indexed_once(two_runs):
    base, docs = two_runs["base"], two_runs["docs"]
    assert _paths([d["url"] for d in docs], base) == sorted(ARTICLES)
    assert _paths([i["url"] for i in two_runs["first"]["items"]], base) == sorted(ARTICLES)
    assert two_runs["first"]["sample"]["articles_found"] == len(ARTICLES)


def test_multipage_articles_are_stitched_under_the_first_url(two_runs):
    base = two_runs["base"]
    items = {i["url"].removeprefix(base): i for i in two_runs["first"]["items"]}
    korut = items["/berita/korut-rusia-perjanjian-pertahanan.html"]
    assert _paths(korut["pages"], base) == ["/berita/korut-rusia-perjanjian-pertahanan.html",
                                            "/berita/korut-rusia-perjanjian-pertahanan.html?page=2"]
    assert korut["hints"]["pages"] == 2
    kopi = items["/news/ekspor-kopi-melonjak"]
    assert _paths(kopi["pages"], base) == ["/news/ekspor-kopi-melonjak", "/news/ekspor-kopi-melonjak/2"]
    docs = {d["url"].removeprefix(base): d for d in two_runs["docs"]}
    body = docs["/berita/korut-rusia-perjanjian-pertahanan.html"]["body"]
    assert body.index("mengkonsolidasikan pemulihan") < body.index("Para ahli mengatakan")  # page 1, page 2
    assert "Namun asosiasi eksportir" in docs["/news/ekspor-kopi-melonjak"]["body"]
    # the parts are never indexed on their own, and the show-all link is not fetched as a page
    assert not any("page=" in d["url"] or d["url"].endswith("/2") for d in two_runs["docs"])
    assert "/berita/korut-rusia-perjanjian-pertahanan.html?page=all" not in two_runs["first_hits"]


def test_seed_article_is_searchable(two_runs):
    store = two_runs["store"]
    hits = store.search_raw({"query": {"match": {"body": "perjanjian pertahanan"}}})["hits"]["hits"]
    assert hits[0]["_source"]["url"].endswith("/berita/korut-rusia-perjanjian-pertahanan.html")
    assert "TRIBUNNEWS.COM" in hits[0]["_source"]["body"] or hits[0]["_source"].get("dateline")


def test_feed_and_sitemap_metadata_travel_with_the_item(two_runs):
    base = two_runs["base"]
    items = {i["url"].removeprefix(base): i["hints"] for i in two_runs["first"]["items"]}
    vaksin = items["/berita/vaksin-dengue-gratis.html"]
    assert vaksin["discovered_via"] == "news-sitemap"
    assert vaksin["sitemap_title"] == "Kemenkes Perluas Vaksinasi Dengue Gratis ke 20 Kabupaten"
    assert vaksin["sitemap_published"] == "2024-12-05T02:00:00+00:00"
    assert vaksin["sitemap_language"] == "id"
    hujan = items["/berita/hujan-es-bogor.html"]  # the feed's utm_ link is cleaned before use
    assert hujan["feed_title"] == "Hujan Es Landa Bogor, Sejumlah Pohon Tumbang"
    assert hujan["feed_published"] == "2024-12-04T09:20:00+00:00"
    assert items["/berita/pasar-saham-asia.html"]["discovered_via"] == "atom"
    assert all(h["source"] == "sample" and h["language_hint"] == "id" and h["country"] == "ID"
               for h in items.values())


def test_wrong_or_missing_charset_is_decoded_correctly(two_runs):
    base = two_runs["base"]
    items = {i["url"].removeprefix(base): i for i in two_runs["first"]["items"]}
    for path in ("/world/cafe-prices-paris.html", "/world/euro-zone-outlook.html"):
        assert items[path]["encoding"] == "cp1252"
    cafe = items["/world/cafe-prices-paris.html"]["body"]
    assert "café crème in central Paris has climbed past €5" in cafe
    docs = {d["url"].removeprefix(base): d for d in two_runs["docs"]}
    assert "€5" in docs["/world/cafe-prices-paris.html"]["body"]
    assert "“gradual”" in docs["/world/euro-zone-outlook.html"]["body"]


def test_drops_and_errors_are_counted_with_reasons(two_runs):
    s = two_runs["first"]["sample"]
    assert s["dropped"] == {
        "offsite": 3,  # partner.example.com, 10.0.0.7, 169.254.169.254 — never requested
        "offsite_redirect": 1,  # /berita/pindah-offsite.html -> offsite.invalid
        "robots_txt": 1,  # /private/ is disallowed
        "non_html": 1,  # the PDF behind an article URL
        "too_large": 1,  # 1.5 MB over the source's 1 MB limit
        "empty_body": 1,
        "not_article_page": 1,  # /berita/terpopuler.html: an ItemList page matching the URL pattern
        "denied_by_rule": 1,  # /tag/ from the sitemap
        "duplicate_after_redirect": 1,  # /berita/lama.html -> an article already fetched
    } | {k: v for k, v in s["dropped"].items() if k.startswith("pipeline:")}
    assert s["errors"] == {"http_404": 1}
    assert s["robots_crawl_delay"] == 0.2
    assert s["articles_multipage"] == 2
    assert s["discovered"]["rss"] >= 2 and s["discovered"]["atom"] == 2
    assert s["discovered"]["news-sitemap"] >= 2
    assert s["elapsed_seconds"] > 0
    assert "retry/count" in two_runs["first"]["log"]  # the 500 was retried, then indexed


def test_second_run_fetches_no_article_page_again(two_runs):
    """The incremental guarantee, measured two ways: the crawl's own count of article requests that
    reached the downloader, and the server's log of article-page hits."""
    first, s = two_runs["first"]["sample"], two_runs["second"]["sample"]
    print(f"\nincremental: first run requests {first['requests']}, second run requests {s['requests']}, "
          f"not_modified {s['not_modified']}, skipped_seen {s['skipped_seen']}, "
          f"skipped_known {s['skipped_known']}")
    assert first["requests"]["article"] >= len(ARTICLES)
    assert s["requests"].get("article", 0) == 0, s
    assert dict(two_runs["second_hits"]) == {}  # not one article page, part, redirect or dropped page
    assert s["articles_found"] == 0
    # found again through the home and section pages (the feeds answered 304: their entries are not
    # even looked up) and skipped: in the index, or fetched for nothing in the first run (no article,
    # PDF, too large, empty, 404, redirects) and remembered in the crawl state
    assert 0 < s["skipped_seen"] <= len(ARTICLES)
    assert s["skipped_known"]["not_article_page"] == 1 and s["skipped_known"]["alias"] >= 1
    assert sum(s["skipped_known"].values()) <= sum(
        first["dropped"].get(k, 0) for k in ("not_article_page", "non_html", "too_large", "empty_body",
                                             "duplicate_after_redirect", "offsite_redirect")) + \
        first["errors"].get("http_404", 0)
    hits = two_runs["second_all_hits"]  # feeds and sitemaps are fetched again, conditionally
    assert hits["/feed/rss.xml"] == hits["/feed/atom.xml"] == hits["/sitemap-news.xml"] == 1
    assert s["not_modified"] >= 4  # rss, atom, news sitemap, article sitemap: 304 Not Modified
    assert two_runs["store"].count() == len(ARTICLES)


def test_since_skips_older_feed_and_sitemap_items_and_limit_caps(tmp_path):
    server, base = serve(0)
    try:
        run = crawl(base, tmp_path, "-a", "since=2024-12-04", "-a", "refresh=1", index=False)
        assert "/sitemap-2018.xml" not in server.hits  # child sitemap older than since: not fetched
        server.hits.clear()
        limited = crawl(base, tmp_path, "-a", "limit=3", "-a", "refresh=1", index=False)
    finally:
        server.shutdown()
    found = {i["url"].removeprefix(base) for i in run["items"]}
    assert "/berita/arsip-pemilu-2019.html" not in found
    assert "/berita/banjir-jakarta-surut.html" in found  # linked from the home page (no date): kept
    assert run["sample"]["dropped"]["too_old"] >= 2  # arsip-2019 (sitemap), harga-minyak (news sitemap)
    assert limited["sample"]["articles_found"] == 3
    assert limited["sample"]["dropped"]["over_limit"] >= 1


def test_loopback_is_refused_unless_the_source_allows_it(tmp_path):
    server, base = serve(0)
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"""sources:
  - name: sample
    domains: [127.0.0.1]
    start_urls: ["{base}/"]
    feeds: ["{base}/feed/rss.xml"]
    article_allow: ['/berita/']
""")
    try:
        run = crawl(base, tmp_path, index=False, extra_env={"NEWS_SOURCES": str(sources)})
    finally:
        server.shutdown()
    assert dict(server.hits) == {}  # nothing reached the server, not even robots.txt
    assert run["sample"]["dropped"]["loopback_address"] >= 1
    assert run["items"] == []


def test_explain_answers_for_any_url(tmp_path):
    from news_ingest.explain import explain
    from news_ingest.sources import FIXTURE_SOURCES_PATH, load_crawler_config, load_sources

    server, base = serve(0)
    os.environ["SAMPLE_SITE_URL"] = base
    try:
        sources = load_sources(FIXTURE_SOURCES_PATH)
        cfg = load_crawler_config(FIXTURE_SOURCES_PATH)
        art = explain(f"{base}/berita/banjir-jakarta-surut.html?utm_source=x#top", sources, cfg, fetch=True)
        private = explain(f"{base}/private/berita/rahasia.html", sources, cfg, fetch=True)
        listing = explain(f"{base}/berita/terpopuler.html", sources, cfg, fetch=True)
        part = explain(f"{base}/news/ekspor-kopi-melonjak/2", sources, cfg)
        tag = explain(f"{base}/tag/korea-utara", sources, cfg)
        metadata = explain("http://169.254.169.254/latest/meta-data/", sources, cfg)
    finally:
        os.environ.pop("SAMPLE_SITE_URL", None)
        server.shutdown()
    assert art.source == "sample" and art.rule == "allow" and art.normalized.endswith("surut.html")
    assert art.robots == "allowed, Crawl-delay 0.2s" and art.page_kind.startswith("article")
    assert art.verdict.startswith("article:")
    assert private.robots.startswith("disallowed") and "robots.txt" in private.verdict
    assert listing.page_kind.startswith("listing") and "not an article" in listing.verdict
    assert any("later page" in n for n in part.notes)
    assert tag.rule == "deny" and "denied" in tag.verdict
    assert metadata.source is None and "off-site" in metadata.verdict
    assert metadata.address == "metadata_address" and "refused in any case" in metadata.verdict
