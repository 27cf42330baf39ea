"""Archive every fetched response in WARC files (warcio), rotated by size.

Enabled by ``WARC_DIR`` (see ``apply_settings``).  Each response becomes one gzipped ``response``
record (with the request's headers in a ``request`` record), written as it arrives, so memory does
not grow with the crawl.  Files are named ``<prefix>-<UTC time>-<pid>-<n>.warc.gz`` and a new one
starts when the current one passes ``WARC_MAX_BYTES``; a file being written ends in ``.open`` and is
renamed when complete, so readers (``news-ingest ingest-warc``) never see a half-written archive.
Records are built and gzipped on one writer thread, never on the reactor thread: the reactor only
copies what the record needs (URL, status, headers, body) onto a bounded queue (``WARC_QUEUE``
records, default 256; a full queue makes the reactor wait for the disk rather than grow memory).
The body stored is what the spider saw (decompressed), so ``Content-Encoding`` is dropped and
``Content-Length`` set to match, as other crawlers do for "revisited/decoded" payloads.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from news_ingest.config import WarcConfig
from news_ingest.sources import configured

log = logging.getLogger(__name__)
_DROP = {b"content-encoding", b"content-length", b"transfer-encoding"}


class WarcArchiver:
    def __init__(self, crawler: Crawler, directory: Path, max_bytes: int, prefix: str) -> None:
        self.crawler, self.dir, self.max_bytes, self.prefix = crawler, directory, max_bytes, prefix
        self.dir.mkdir(parents=True, exist_ok=True)
        self.n = 0
        self.fh: Any = None
        self.path: Path | None = None
        self.writer: WARCWriter | None = None
        self.queue: queue.Queue[tuple[Any, ...] | None] = queue.Queue(
            maxsize=max(1, crawler.settings.getint("WARC_QUEUE", 256)))
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="warc-writer", daemon=True)
        self._thread.start()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiver:
        cfg = warc_config(crawler.settings)
        if not cfg.directory:
            raise NotConfigured("WARC archiving needs WARC_DIR")
        ext = cls(crawler, Path(cfg.directory), cfg.max_bytes, cfg.prefix)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.close, signal=signals.spider_closed)
        return ext

    def _open(self) -> None:
        self.n += 1
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        self.path = self.dir / f"{self.prefix}-{stamp}-{os.getpid()}-{self.n:05d}.warc.gz"
        self.fh = open(self.path.with_name(self.path.name + ".open"), "wb")  # noqa: SIM115
        self.writer = WARCWriter(self.fh, gzip=True)
        info = self.writer.create_warcinfo_record(self.path.name, {
            "software": "news-ingest (warcio)", "format": "WARC File Format 1.1",
            "robots": "obey" if self.crawler.settings.getbool("ROBOTSTXT_OBEY") else "ignore"})
        self.writer.write_record(info)

    def _finish(self) -> None:
        if self.fh is not None and self.path is not None:
            self.fh.close()
            self.path.with_name(self.path.name + ".open").rename(self.path)
            self.crawler.stats.inc_value("warc/files")
        self.fh = self.writer = None

    def response_received(self, response: Response, request: Request, spider: Any = None) -> None:
        if self._closed or request.url.startswith("data:") or request.meta.get("news_internal"):
            return
        date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.queue.put((response.url, response.status, list(response.headers.items()), response.body,
                        request.method, list(request.headers.items()), date))

    def _run(self) -> None:
        """The writer thread: one record pair per queued response, in arrival order."""
        while (job := self.queue.get()) is not None:
            try:
                self.write(*job)
            except OSError as exc:  # a full disk must not stop the crawl: count and go on
                self.crawler.stats.inc_value("warc/errors")
                log.error("WARC write failed for %s: %s", job[0], exc)
            except Exception:  # noqa: BLE001 - one odd response must not end the archive
                self.crawler.stats.inc_value("warc/errors")
                log.exception("WARC write failed for %s", job[0])
            finally:
                self.queue.task_done()
        self._finish()
        self.queue.task_done()

    def flush(self) -> None:
        """Wait until every response queued so far is written (tests; ``close`` does it anyway)."""
        self.queue.join()

    def write(self, url: str, status: int, resp_headers: list[tuple[bytes, list[bytes]]], body: bytes,
              method: str, request_headers: list[tuple[bytes, list[bytes]]], date: str) -> None:
        if self.writer is None:
            self._open()
        assert self.writer is not None
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in resp_headers
                   for v in vs if k.lower() not in _DROP]
        headers.append(("Content-Length", str(len(body))))
        reason = _REASONS.get(status, "")
        http = StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol="HTTP/1.1")
        rec = self.writer.create_warc_record(url, "response", payload=BytesIO(body),
                                             length=len(body), http_headers=http,
                                             warc_headers_dict={"WARC-Date": date})
        req_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in request_headers for v in vs]
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        req_http = StatusAndHeaders(f"{method} /{path} HTTP/1.1", req_headers, is_http_request=True)
        req = self.writer.create_warc_record(url, "request", payload=BytesIO(b""), length=0,
                                             http_headers=req_http, warc_headers_dict={"WARC-Date": date})
        self.writer.write_request_response_pair(req, rec)
        self.crawler.stats.inc_value("warc/records")
        if self.fh.tell() >= self.max_bytes:
            self._finish()

    def close(self, spider: Any = None, reason: str = "") -> None:
        """Write what is queued, then complete the current file (waits for the writer thread)."""
        if not self._closed:
            self._closed = True
            self.queue.put(None)
            self._thread.join()


_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 403: "Forbidden",
            404: "Not Found", 410: "Gone", 429: "Too Many Requests", 500: "Internal Server Error",
            503: "Service Unavailable"}


def warc_config(settings: Any = None) -> WarcConfig:
    """``WARC_DIR``, ``WARC_MAX_BYTES`` (a size: ``1GB``), ``WARC_PREFIX`` by the one precedence rule
    (news_ingest.config): defaults < the sources file's ``settings:`` < Scrapy ``-s`` < the environment."""
    return configured(WarcConfig, scrapy=settings)


def apply_settings(ns: dict[str, Any]) -> None:
    """Turn WARC archiving on in a Scrapy settings module's namespace (``WARC_DIR`` is set); the
    archiver reads its settings itself (``warc_config``)."""
    ns["EXTENSIONS"] = {**ns.get("EXTENSIONS", {}), "crawler.warc.WarcArchiver": 600}
