"""Real end to end: sample site over HTTP, real `scrapy crawl`, real node, full-text search."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from news_ingest.sample_site import serve
from news_ingest.store import connect

ROOT = Path(__file__).resolve().parents[2]


def test_scrapy_crawl_sample_indexes_articles(es_settings):
    server, base = serve(0)
    try:
        env = {**os.environ, "ES_URL": es_settings.urls[0], "ES_INDEX": es_settings.index,
               "SAMPLE_SITE_URL": base, "CRAWL_DELAY": "0",
               "SEARCH_ENGINE": es_settings.engine}
        proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=sample"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
    finally:
        server.shutdown()
    store = connect(es_settings)
    store.refresh()
    assert store.count() == 12  # the fixture site's articles (tests/integration/test_crawl.py lists them)
    hits = store.search("perjanjian pertahanan Korea Utara")["hits"]["hits"]
    assert hits and hits[0]["_source"]["url"].endswith("/berita/korut-rusia-perjanjian-pertahanan.html")
    store.drop()
