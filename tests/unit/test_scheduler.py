"""The request queue is bounded in memory: past SCHEDULER_MEMORY_MAX requests it spills to disk
(crawler/scheduler.py), gives every request back, and leaves nothing behind."""

from __future__ import annotations

import os

import scrapy
from scrapy.utils.test import get_crawler

from crawler.scheduler import SpillingScheduler

PQ = "scrapy.pqueues.ScrapyPriorityQueue"  # the downloader-aware one needs a running engine


class Spider(scrapy.Spider):
    name = "t"

    def parse_article(self, response, source):  # a callback by name, as the news spider's
        return None


def test_requests_past_the_bound_go_to_disk_and_all_come_back():
    crawler = get_crawler(Spider, {"SCHEDULER_MEMORY_MAX": 10, "SCHEDULER_PRIORITY_QUEUE": PQ})
    crawler.spider = spider = Spider()
    sched = SpillingScheduler.from_crawler(crawler)
    sched.open(spider)
    spill = sched.dqdir
    assert spill and os.path.isdir(spill)
    urls = [f"https://kabar.example.id/berita/{i}.html" for i in range(35)]
    for u in urls:
        assert sched.enqueue_request(scrapy.Request(u, callback=spider.parse_article, dont_filter=True,
                                                    cb_kwargs={"source": "kabar"}))
    assert crawler.stats.get_value("scheduler/enqueued/memory") == 10
    assert crawler.stats.get_value("scheduler/enqueued/disk") == 25
    assert len(sched) == 35
    out = []
    while (req := sched.next_request()) is not None:
        out.append(req)
    assert sorted(r.url for r in out) == sorted(urls)
    assert all(r.cb_kwargs == {"source": "kabar"} and r.callback == spider.parse_article for r in out)
    sched.close("finished")
    assert not os.path.exists(spill)


def test_with_a_jobdir_everything_goes_to_the_jobs_disk_queue(tmp_path):
    crawler = get_crawler(Spider, {"SCHEDULER_MEMORY_MAX": 10, "SCHEDULER_PRIORITY_QUEUE": PQ,
                                   "JOBDIR": str(tmp_path / "job")})
    crawler.spider = spider = Spider()
    sched = SpillingScheduler.from_crawler(crawler)
    sched.open(spider)
    for i in range(3):
        sched.enqueue_request(scrapy.Request(f"https://kabar.example.id/{i}", dont_filter=True))
    assert crawler.stats.get_value("scheduler/enqueued/disk") == 3
    sched.close("shutdown")
    assert (tmp_path / "job").is_dir()  # kept for resuming
