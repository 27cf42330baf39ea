"""``scrapy crawl news ...`` that checks its configuration before starting the engine.

A typo'd ``-a source=``, a bad ``-a since=``/``limit=``/``refresh=``, an invalid sources.yaml or a bad
``INDEX_*`` / ``ES_*`` / crawl setting (``CrawlConfig``: ``RETRY_AFTER_MAX``, ``SCHEDULER_MEMORY_MAX`` ...,
in any layer, ``-s`` included) is reported as one line naming the fix (exit 2) — the same message the
``news-ingest`` CLI gives — instead of a 25-40-line Twisted traceback from inside the crawler's start-up.

``LOG_LEVEL`` is the one crawl setting Scrapy reads itself, before any component: once ``-s`` is applied,
it is set to what the one precedence rule gives (the environment beats ``-s``).

Before the engine starts, the process's heap is bounded (``crawler.heap.bound_heap``: page bodies
freed go back to the system instead of raising the heap's high-water mark).

A crawl whose start fails (Scrapy closes it as ``start_error``: its crawl state cannot be opened, ...)
exits 1 with one ``error:`` line; Scrapy itself exits 0 there, so a cron run looked fine.
"""

from __future__ import annotations

import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl

from crawler.heap import bound_heap
from news_ingest.config import CrawlConfig
from news_ingest.sources import configured


def check(spider: str, spargs: dict[str, Any], settings: Any = None) -> None:
    """Raise ValueError (with the fix in its message) if the crawl could not start."""
    if spider != "news":
        return
    from crawler.spiders.news import NewsSpider
    from news_ingest.settings import SearchSettings
    from news_ingest.store.indexer import IndexConfig

    NewsSpider(**spargs)  # sources.yaml, the source selection, since=, limit=, refresh=
    configured(CrawlConfig, settings)  # with the -s layer
    IndexConfig.from_env()
    SearchSettings.from_env()


class Command(ScrapyCrawl):
    _crawler: Any = None

    def _create_crawler(self, spidercls: Any) -> Any:
        self._crawler = super()._create_crawler(spidercls)
        return self._crawler

    def process_options(self, args: list[str], opts: Any) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        try:
            level = configured(CrawlConfig, self.settings).log_level
        except ValueError:  # a bad crawl setting: run() reports it in one line
            return
        self.settings.set("LOG_LEVEL", level, priority="cmdline")

    def run(self, args: list[str], opts: Any) -> None:
        if len(args) == 1:
            try:
                check(args[0], dict(opts.spargs), self.settings)
            except ValueError as exc:
                print(f"error: {exc}", file=sys.stderr)
                self.exitcode = 2
                return
        bound_heap()  # page bodies freed go back to the system (crawler/heap.py)
        super().run(args, opts)
        stats = getattr(self._crawler, "stats", None)
        if self.exitcode == 0 and stats is not None and stats.get_value("finish_reason") == "start_error":
            print("error: the crawl could not start (start_error); its traceback is in the crawl log",
                  file=sys.stderr)
            self.exitcode = 1
