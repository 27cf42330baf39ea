"""``scrapy crawl news ...`` that checks its configuration before starting the engine.

A typo'd ``-a source=``, a bad ``-a since=``/``limit=``, an invalid sources.yaml or a bad ``INDEX_*`` /
``ES_*`` value is reported as one line naming the fix (exit 2) — the same message the ``news-ingest``
CLI gives — instead of a 25-40-line Twisted traceback from inside the crawler's start-up.
"""

from __future__ import annotations

import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl


def check(spider: str, spargs: dict[str, Any]) -> None:
    """Raise ValueError (with the fix in its message) if the crawl could not start."""
    if spider != "news":
        return
    from crawler.spiders.news import NewsSpider
    from news_ingest.settings import SearchSettings
    from news_ingest.store.indexer import IndexConfig

    NewsSpider(**spargs)  # sources.yaml, the source selection, since=, limit=
    IndexConfig.from_env()
    SearchSettings.from_env()


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: Any) -> None:
        if len(args) == 1:
            try:
                check(args[0], dict(opts.spargs))
            except ValueError as exc:
                print(f"error: {exc}", file=sys.stderr)
                self.exitcode = 2
                return
        super().run(args, opts)
