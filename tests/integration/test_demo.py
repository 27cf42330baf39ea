"""`make demo` (python -m news_ingest.demo) run twice against a real node: the same result."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from news_ingest.demo import kibana_link
from news_ingest.store.client import connect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def es_settings(single_engine_settings):
    return single_engine_settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_is_idempotent_and_links_kibana_to_its_articles(tmp_path, es_settings):
    env = {**os.environ, "ES_URL": es_settings.urls[0], "ES_INDEX": es_settings.index,
           "SEARCH_ENGINE": es_settings.engine, "NEWS_HOME": str(tmp_path / "home"), "CRAWL_DELAY": "0",
           "SAMPLE_SITE_PORT": str(_free_port()), "STAGE_WORKERS": "0"}  # (8765 when unset)
    for k in ("INDEX_SPOOL_DIR", "INDEX_DEAD_LETTER_DIR", "NEWS_SOURCES", "SAMPLE_SITE_URL", "SEARCH_URL"):
        env.pop(k, None)
    outs = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-m", "news_ingest.demo"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
        outs.append(proc.stdout)
    store = connect(es_settings)
    store.refresh()
    assert store.count() == 12  # not 24: the second demo found the same articles, same ids
    for out in outs:
        assert "\n12 articles indexed\n" in out
        hits = re.findall(r"^  (http://127\.0\.0\.1:\d+/\S+)$", out, re.M)
        assert hits and len(hits) == len(set(hits))  # each hit listed once
        assert "was not started by the demo" in out  # (this node is the test session's)
        link = re.search(r"Kibana .*: (http://localhost:5601/app/dashboards#/view/\S+)", out)
        assert link, out
        assert "from:'2019-05-20T00:00:00.000Z'" in link.group(1)  # the 2019 archive article ...
        assert "to:'2024-12-12T00:00:00.000Z'" in link.group(1)  # ... to the newest, 2024-12-11
    assert outs[0].splitlines()[-3:] == outs[1].splitlines()[-3:]
    store.drop()


def test_kibana_link_covers_whole_days():
    link = kibana_link("http://kb:5601/", "2019-05-20T19:00:00.000Z", "2024-12-11T19:05:00.000Z")
    assert link == ("http://kb:5601/app/dashboards#/view/news-articles-dashboard"
                    "?_g=(time:(from:'2019-05-20T00:00:00.000Z',to:'2024-12-12T00:00:00.000Z'))")
