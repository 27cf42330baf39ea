"""The crawl's request queue: in memory up to a bound, on disk beyond it.

Discovery can schedule far more requests than a crawl fetches at once (a sitemap index lists up to
200 sitemaps of 50,000 URLs each); held in memory, the queue would grow with discovery.  This
scheduler keeps up to ``SCHEDULER_MEMORY_MAX`` requests (default 10,000) in Scrapy's memory queue and
pushes the rest to Scrapy's disk queue (``SCHEDULER_DISK_QUEUE``, pickled requests) in a private
directory that is removed at close.  Requests come back memory first, then from disk, by priority
within each.

With ``JOBDIR`` (pause/resume) every request goes to the job's disk queue, as with Scrapy's own
scheduler.  The shared Redis frontier (``crawler/frontier/``) replaces this scheduler altogether.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from typing import Any

from scrapy import Request, Spider
from scrapy.core.scheduler import Scheduler

from news_ingest.config import CrawlConfig
from news_ingest.sources import configured

log = logging.getLogger(__name__)
MEMORY_MAX = 10_000


class SpillingScheduler(Scheduler):
    """Scrapy's scheduler with a bounded memory queue (see the module docstring)."""

    _spill_dir: str | None = None
    memory_max: int = MEMORY_MAX

    @classmethod
    def from_crawler(cls, crawler: Any) -> SpillingScheduler:
        sched = super().from_crawler(crawler)
        # the one rule: defaults < the sources file's `settings:` < -s < environment; a bad value is a
        # ConfigError naming the variable and the fix
        sched.memory_max = configured(CrawlConfig, crawler.settings).scheduler_memory_max
        return sched

    def open(self, spider: Spider) -> Any:
        if not self.dqdir:  # no JOBDIR: a private directory for what does not fit in memory
            self._spill_dir = tempfile.mkdtemp(prefix="news-ingest-queue-")
            self.dqdir = self._spill_dir
        return super().open(spider)

    def _dqpush(self, request: Request) -> bool:
        if self._spill_dir is not None and len(self.mqs) < self.memory_max:
            return False  # memory first, while it is under its bound
        return super()._dqpush(request)

    def close(self, reason: str) -> Any:
        try:
            return super().close(reason)
        finally:
            if self._spill_dir is not None:  # a private queue: nothing in it is resumed later
                shutil.rmtree(self._spill_dir, ignore_errors=True)
                self._spill_dir = None
