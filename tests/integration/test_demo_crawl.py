"""Real end to end: sample site over HTTP, real `scrapy crawl`, real node, full-text search."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from news_ingest.sample_site import serve
from news_ingest.search import search
from news_ingest.sources import FIXTURE_SOURCES_PATH
from news_ingest.store.client import connect
from news_ingest.store.ledger import recent_runs

ROOT = Path(__file__).resolve().parents[2]


def test_scrapy_crawl_sample_indexes_articles(es_settings, tmp_path):
    server, base = serve(0)
    try:
        env = {**os.environ, "ES_URL": es_settings.urls[0], "ES_INDEX": es_settings.index,
               "SAMPLE_SITE_URL": base, "NEWS_SOURCES": str(FIXTURE_SOURCES_PATH),
               "CRAWL_DELAY": "0", "SEARCH_ENGINE": es_settings.engine,
               "INDEX_SPOOL_DIR": str(tmp_path / "spool"), "INDEX_DEAD_LETTER_DIR": str(tmp_path / "dead")}
        env.pop("NEWS_INGEST_RUNNER", None)
        proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=sample"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
    finally:
        server.shutdown()
    store = connect(es_settings)
    store.refresh()
    assert store.count() == 12  # the fixture site's articles (tests/integration/test_crawl.py lists them)
    hits = search(store, "perjanjian pertahanan Korea Utara")["hits"]["hits"]
    assert hits and hits[0]["_source"]["url"].endswith("/berita/korut-rusia-perjanjian-pertahanan.html")

    # the seed article, as the product promises it (stitched from its two pages)
    seed = store.get_docs([hits[0]["_id"]])[hits[0]["_id"]]
    assert seed["source_attribution"] == ["Asharq Al-Awsat", "AFP"]
    assert seed["dateline_outlet"] == "Tribunnews.com" and seed["language"] == "id"
    assert "Baca juga" not in seed["body"] and "SUMBER" not in seed["body"]
    assert "KCNA" in seed["body"] and "KCNA" not in seed["source_attribution"]
    assert any(s["kind"] == "related" and s["text"].startswith("Baca juga") for s in seed["removed_segments"])

    # a hand-run crawl is recorded in the run ledger
    runs = recent_runs(store)
    assert len(runs) == 1 and runs[0]["sources"] == ["sample"] and runs[0]["counts"]["indexed"] == 12
    store.drop()
