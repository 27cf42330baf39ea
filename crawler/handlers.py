"""The HTTP(S) download handler: Scrapy's HTTP/1.1 handler, keeping its connections alive.

Scrapy's handler keeps ``CONCURRENT_REQUESTS_PER_DOMAIN`` idle connections per host (2 here: the
default a source's ``concurrency`` raises per host, ``crawler/middlewares.py``).  A source crawled with
more requests in flight than that closed every connection above two after its response and opened a
new one for the next request: a TCP connect (and on a real site a TLS handshake) per page for most of
its pages, all of it on the reactor thread (issue 16; the benchmark's 16 connections: 178 new
connections for 207 requests).  Here a host may keep as many idle connections as the crawl can have
open to it at once (``CONCURRENT_REQUESTS``, the downloader's ceiling over every host); how many a host
actually keeps is how many its slot had open at once (its source's ``concurrency``), each closed after
Twisted's idle timeout (240 s) or by the server.
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler


class KeepAliveHTTP11DownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._pool.maxPersistentPerHost = max(self._pool.maxPersistentPerHost,
                                              crawler.settings.getint("CONCURRENT_REQUESTS"))
