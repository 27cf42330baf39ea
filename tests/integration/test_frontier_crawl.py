"""Two real `scrapy crawl` processes share one Redis frontier over a generated fixture site.

Every article is indexed exactly once, no article page is fetched twice, and killing one
process mid-crawl loses nothing (its leased requests come back after the lease expires).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.sitegen import Site, serve, sources_yaml
from news_ingest.store.client import connect

pytest_plugins = ["tests.integration.redis_fixture"]
ROOT = Path(__file__).resolve().parents[2]
PAGES = 240


@pytest.fixture
def es_settings(single_engine_settings):
    """This part does not depend on the search engine: run once, not per engine."""
    return single_engine_settings


def crawler(tmp_path: Path, name: str, env: dict[str, str]) -> subprocess.Popen:
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=bench"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def setup(tmp_path: Path, es_settings, redis_url: str, delay_ms: int,
          lease: int, host_delay: float = 0.0) -> tuple[Site, object, dict[str, str]]:
    connect(es_settings).setup()  # as `news-ingest setup` does before crawlers start
    site = Site(PAGES, delay_ms=delay_ms)
    server, base = serve(site)
    (tmp_path / "sources.yaml").write_text(sources_yaml(base, concurrency=4, delay=host_delay))
    env = {**os.environ, "ES_URL": es_settings.urls[0], "ES_INDEX": es_settings.index,
           "NEWS_SOURCES": str(tmp_path / "sources.yaml"), "REDIS_URL": redis_url,
           "FRONTIER_KEY": f"test:{es_settings.index}", "FRONTIER_LEASE_SECONDS": str(lease),
           "SEARCH_ENGINE": es_settings.engine,
           "CRAWL_DELAY": "0", "LOG_LEVEL": "INFO", "INDEX_SPOOL_DIR": str(tmp_path / "spool")}
    return site, server, env


def article_hits(site: Site) -> dict[str, int]:
    with site._lock:
        return {p: n for p, n in site.hits.items() if p.startswith("/news/")}


def indexed_urls(es_settings) -> list[str]:
    store = connect(es_settings)
    store.refresh()
    resp = store.client.search(index=store.alias, size=PAGES * 2, source=["url"], query={"match_all": {}})
    return [h["_source"]["url"] for h in resp["hits"]["hits"]]


def logs(tmp_path: Path) -> str:
    return "\n".join(p.read_text()[-3000:] for p in tmp_path.glob("*.log"))


def test_two_crawlers_split_the_work_once(tmp_path, es_settings, redis_url):
    # a per-host delay of 50 ms, kept across both processes, spreads the 240 articles over ~12 s:
    # long enough for the second crawler to start and take a share, whatever the machine's load
    site, server, env = setup(tmp_path, es_settings, redis_url, delay_ms=5, lease=30, host_delay=0.05)
    try:
        procs = [crawler(tmp_path, f"c{i}", env) for i in range(2)]
        for p in procs:
            assert p.wait(300) == 0, logs(tmp_path)
    finally:
        server.shutdown()
    hits = article_hits(site)
    assert len(hits) == PAGES, logs(tmp_path)
    assert max(hits.values()) == 1, {p: n for p, n in hits.items() if n > 1}
    urls = indexed_urls(es_settings)
    assert len(urls) == len(set(urls)) == PAGES
    # both processes took a share of the articles
    shares = [(tmp_path / f"c{i}.log").read_text().count("'frontier/dequeued'") for i in range(2)]
    assert all(shares), shares


def test_killed_crawler_loses_nothing(tmp_path, es_settings, redis_url):
    site, server, env = setup(tmp_path, es_settings, redis_url, delay_ms=40, lease=5)
    try:
        victim = crawler(tmp_path, "victim", env)
        survivor = crawler(tmp_path, "survivor", env)
        deadline = time.monotonic() + 120
        while len(article_hits(site)) < PAGES // 4:
            assert time.monotonic() < deadline and victim.poll() is None, logs(tmp_path)
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)  # no shutdown code runs: its leases are simply abandoned
        victim.wait(30)
        assert survivor.wait(300) == 0, logs(tmp_path)
    finally:
        server.shutdown()
    hits = article_hits(site)
    assert len(hits) == PAGES, f"{PAGES - len(hits)} article(s) never fetched\n{logs(tmp_path)}"
    urls = indexed_urls(es_settings)
    assert len(set(urls)) == PAGES and len(urls) == PAGES
    survivor_log = (tmp_path / "survivor.log").read_text()
    assert "re-queued" in survivor_log or max(hits.values()) == 1
