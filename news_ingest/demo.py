"""`make demo`: local node + bundled sample site + real `scrapy crawl` + a full-text search."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from news_ingest import devnode
from news_ingest.sample_site import serve
from news_ingest.search import print_hits, search
from news_ingest.settings import SearchSettings
from news_ingest.sources import FIXTURE_SOURCES_PATH
from news_ingest.store.client import StoreError, connect

ROOT = Path(__file__).resolve().parent.parent
QUERY = "perjanjian pertahanan"


def main() -> int:
    settings = SearchSettings.from_env()
    try:
        local = urlsplit(settings.urls[0]).hostname in ("127.0.0.1", "localhost")
        if local and devnode.main(["up", "--url", settings.urls[0]]) != 0:
            return 2
        store = connect(settings)
        server, base = serve(int(os.environ.get("SAMPLE_SITE_PORT", "0")))
        print(f"crawling the sample site at {base}/ into {settings.display_url} alias {settings.index}")
        env = {"LOG_LEVEL": "WARNING", **os.environ, "SAMPLE_SITE_URL": base,
               "NEWS_SOURCES": str(FIXTURE_SOURCES_PATH)}  # LOG_LEVEL=INFO for details
        proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=sample"],
                              cwd=ROOT, env=env)
        server.shutdown()
        if proc.returncode != 0:
            print(f"error: the crawl failed (exit {proc.returncode}); see the log above", file=sys.stderr)
            return proc.returncode
        store.refresh()
        print(f"\n{store.count({'term': {'source': 'sample'}})} articles indexed")
        print()
        print_hits(search(store, QUERY, size=3), QUERY)
        return 0
    except (StoreError, devnode.NodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
