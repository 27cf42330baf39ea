"""`news-ingest crawl --source X` for real: lock, per-run log, JSON summary, exit code, ledger, health."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.sitegen import Site, serve, sources_yaml
from news_ingest.runner import Lock
from news_ingest.store import connect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def es_settings(single_engine_settings):
    """This part does not depend on the search engine: run once, not per engine."""
    return single_engine_settings


def test_scheduled_run_end_to_end(tmp_path, es_settings):
    connect(es_settings).setup()
    site = Site(30)
    server, base = serve(site)
    (tmp_path / "sources.yaml").write_text(sources_yaml(base, concurrency=4))
    env = {**os.environ, "ES_URL": es_settings.urls[0], "ES_INDEX": es_settings.index,
           "SEARCH_ENGINE": es_settings.engine, "NEWS_SOURCES": str(tmp_path / "sources.yaml"),
           "NEWS_LOCK_DIR": str(tmp_path / "lock"), "NEWS_LOG_DIR": str(tmp_path / "log"),
           "NEWS_STATE_DIR": str(tmp_path / "state"), "INDEX_SPOOL_DIR": str(tmp_path / "spool")}
    env.pop("REDIS_URL", None)
    cmd = [sys.executable, "-m", "news_ingest.cli", "crawl", "--source", "bench"]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        lines = proc.stdout.strip().splitlines()
        assert len(lines) == 1
        summary = json.loads(lines[0])
        assert summary["status"] == "ok" and summary["indexed"] == 30
        assert summary["per_source"]["bench"]["fill"]["articles"] == 30
        assert summary["per_source"]["bench"]["fill"]["body"] == 1.0
        log = Path(summary["log"])
        assert log.is_file() and "news-ingest crawl summary" in log.read_text()
        store = connect(es_settings)
        store.client.indices.refresh(index=f"{store.alias}-runs")
        runs = store.client.search(index=f"{store.alias}-runs")["hits"]["hits"]
        assert [r["_source"]["status"] for r in runs] == ["ok"]

        # a second run while the first still holds the lock does not start
        lock = Lock(tmp_path / "lock" / "crawl-bench.lock")
        assert lock.acquire()
        try:
            proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        finally:
            lock.release()
        assert proc.returncode == 0 and json.loads(proc.stdout)["status"] == "skipped_locked"
    finally:
        server.shutdown()
        server.server_close()  # the site is gone: connections are refused, not left hanging

    # the site is gone: the source failed, the exit code says so
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert proc.returncode == 1 and summary["failed"] == {"bench": "nothing fetched"}, proc.stdout
