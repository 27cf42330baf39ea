"""Operations commands for real: state under NEWS_HOME whatever the working directory."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from news_ingest.store.client import connect
from news_ingest.store.indexer import IndexConfig, Indexer
from news_ingest.store.spool import Spool


@pytest.fixture
def es_settings(single_engine_settings):
    """Engine-independent: once, not per engine."""
    return single_engine_settings


def _env(es_settings, home) -> dict[str, str]:
    env = {**os.environ, "ES_URL": es_settings.urls[0], "ES_INDEX": es_settings.index,
           "SEARCH_ENGINE": es_settings.engine, "NEWS_HOME": str(home)}
    for k in ("INDEX_SPOOL_DIR", "INDEX_DEAD_LETTER_DIR", "SEARCH_URL"):
        env.pop(k, None)
    return env


def _cli(*args: str, env: dict[str, str], cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "news_ingest.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_replay_from_another_directory_finds_the_spool_under_news_home(tmp_path, es_settings):
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    elsewhere.mkdir()
    spool = Spool(home / "spool")
    doc = Indexer(None, IndexConfig(spool_dir=tmp_path / "unused")).prepare(
        {"url": "https://www.kompas.com/read/2024/12/05/1/a", "title": "Spooled",
         "body": "Banjir surut di Jakarta.", "source": "kompas"})
    spool.append([doc], reason="test outage")  # what a crawl during an outage leaves
    spool.close()
    proc = _cli("replay", env=_env(es_settings, home), cwd=elsewhere)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "replayed 1 document(s)" in proc.stdout, proc.stdout
    store = connect(es_settings)
    store.refresh()
    assert store.count() == 1
    store.drop()
