"""A crawl archives to WARC; `news-ingest ingest-warc` rebuilds the same articles from it (no crawling)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from bench.sitegen import Site, serve, sources_yaml
from news_ingest.settings import SearchSettings
from news_ingest.store.client import connect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def es_settings(single_engine_settings):
    """This part does not depend on the search engine: run once, not per engine."""
    return single_engine_settings


def test_crawler_written_warc_reingests(tmp_path, es_settings):
    site = Site(25)
    server, base = serve(site)
    (tmp_path / "sources.yaml").write_text(sources_yaml(base, concurrency=4))
    env = {**os.environ, "ES_URL": es_settings.urls[0], "ES_INDEX": es_settings.index,
           "SEARCH_ENGINE": es_settings.engine, "NEWS_SOURCES": str(tmp_path / "sources.yaml"),
           "WARC_DIR": str(tmp_path / "warc"), "WARC_MAX_BYTES": "40000",
           "INDEX_SPOOL_DIR": str(tmp_path / "sp")}
    env.pop("REDIS_URL", None)
    try:
        proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=bench"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
    finally:
        server.shutdown()
    files = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert len(files) > 1 and not list((tmp_path / "warc").glob("*.open"))  # rotated by size, all closed
    uris = []
    for f in files:
        with open(f, "rb") as fh:
            uris += [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)
                     if r.rec_type == "response"]
    assert set(site.article_urls()) <= set(uris)

    # re-ingest into a fresh alias: same articles, no HTTP server running
    fresh = SearchSettings(urls=es_settings.urls, index=es_settings.index + "-re", engine=es_settings.engine)
    env2 = {**env, "ES_INDEX": fresh.index}
    args = [sys.executable, "-m", "news_ingest.cli", "ingest-warc", *map(str, files),
            "--state", str(tmp_path / "state.json"), "--source", "bench"]
    proc = subprocess.run(args, cwd=ROOT, env=env2, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["indexed"] == 25 and summary["ok"]
    store = connect(fresh)
    store.refresh()
    assert store.count() == 25
    # a second run finds every file done (resumable per file)
    proc = subprocess.run(args, cwd=ROOT, env=env2, capture_output=True, text=True, timeout=300)
    again = json.loads(proc.stdout)
    assert again["indexed"] == 0 and {f["status"] for f in again["per_file"]} == {"already_done"}
