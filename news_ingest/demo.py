"""`make demo`: local node + bundled sample site + real `scrapy crawl` + a full-text search.

Idempotent: the sample site is always served on the same port (``SAMPLE_SITE_PORT``, default 8765,
the port ``tests/fixtures/sources.yaml`` names), so its articles keep their URLs and therefore their
ids — a second demo finds the same 12 articles already indexed instead of 12 new copies.  It ends
with how to stop the node and a Kibana link whose time range shows the demo's articles (they are
dated 2019-2024, outside any "last N days" view).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from news_ingest import devnode
from news_ingest.config import ConfigError, DemoConfig, load
from news_ingest.printing import print_hits
from news_ingest.sample_site import serve
from news_ingest.search import search
from news_ingest.settings import SearchSettings
from news_ingest.sources import FIXTURE_SOURCES_PATH
from news_ingest.store.client import StoreError, connect

ROOT = Path(__file__).resolve().parent.parent
QUERY = "perjanjian pertahanan"
DASHBOARD = "news-articles-dashboard"  # config/kibana/saved-objects.ndjson


def kibana_link(kibana_url: str, first: str, last: str) -> str:
    """The dashboard with a time range from the day of ``first`` to the day after ``last``."""
    start = datetime.fromisoformat(first).date()
    end = datetime.fromisoformat(last).date() + timedelta(days=1)
    return (f"{kibana_url.rstrip('/')}/app/dashboards#/view/{DASHBOARD}"
            f"?_g=(time:(from:'{start.isoformat()}T00:00:00.000Z',to:'{end.isoformat()}T00:00:00.000Z'))")


def date_range(store: Any, source: str) -> tuple[str, str] | None:
    resp = store.search_raw({"size": 0, "query": {"term": {"source": source}},
                             "aggs": {"first": {"min": {"field": "published_at"}},
                                      "last": {"max": {"field": "published_at"}}}})
    aggs = resp["aggregations"]
    if not aggs["first"].get("value_as_string"):
        return None
    return aggs["first"]["value_as_string"], aggs["last"]["value_as_string"]


def stop_hint(url: str) -> str:
    port = urlsplit(url).port or 9200
    engine = devnode.ENGINES["elasticsearch"]
    node = devnode.Node(engine, devnode.CACHE / "run" / f"{engine.name}-{port}", port)
    if node.pid():
        return f"Elasticsearch keeps running at {url} (pid {node.pid()}): `make es-down` stops it"
    return f"the node at {url} was not started by the demo: stop it the way it was started"


def _connect(settings: SearchSettings) -> Any:
    """The configured cluster; a local one is started (`make es-up`) when nothing answers."""
    try:
        return connect(settings)
    except StoreError:
        if urlsplit(settings.urls[0]).hostname not in ("127.0.0.1", "localhost"):
            raise
    if devnode.main(["up", "--url", settings.urls[0]]) != 0:
        return None
    return connect(settings)


def main() -> int:
    settings = SearchSettings.from_env()
    try:
        port = load(DemoConfig, env=os.environ).sample_site_port
        store = _connect(settings)
        if store is None:
            return 2
        try:
            server, base = serve(port)
        except OSError as exc:
            print(f"error: the sample site cannot listen on 127.0.0.1:{port} ({exc.strerror}): another "
                  f"demo or `python -m news_ingest.sample_site` still running? Fix: stop it, or set "
                  f"SAMPLE_SITE_PORT (a new port gives the articles new URLs, so new ids)", file=sys.stderr)
            return 2
        print(f"crawling the sample site at {base}/ into {settings.display_url} alias {settings.index}")
        env = {"LOG_LEVEL": "WARNING", **os.environ, "SAMPLE_SITE_URL": base,
               "NEWS_SOURCES": str(FIXTURE_SOURCES_PATH)}  # LOG_LEVEL=INFO for details
        try:
            proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=sample"],
                                  cwd=ROOT, env=env)
        finally:
            server.shutdown()
            server.server_close()
        if proc.returncode != 0:
            print(f"error: the crawl failed (exit {proc.returncode}); see the log above", file=sys.stderr)
            return proc.returncode
        store.refresh()
        print(f"\n{store.count({'term': {'source': 'sample'}})} articles indexed")
        print()
        print_hits(search(store, QUERY, size=3), QUERY, tty=sys.stdout.isatty())
        print()
        print(stop_hint(settings.urls[0]))
        if span := date_range(store, "sample"):
            kibana = os.environ.get("KIBANA_URL") or "http://localhost:5601"
            note = "" if settings.index == "news-articles" else (
                f" (its data view reads `news-articles`; this demo wrote `{settings.index}`)")
            print(f"Kibana (after `make kibana-import`), the demo's articles: "
                  f"{kibana_link(kibana, *span)}{note}")
        return 0
    except (StoreError, devnode.NodeError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
