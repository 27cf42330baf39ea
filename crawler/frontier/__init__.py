"""A shared crawl frontier on Redis: N crawler processes on N machines split one crawl.

Enabled by ``REDIS_URL`` (see ``apply_settings``).  What it gives, and how:

- **One queue for all processes.**  Requests live in Redis, one sorted set per host (priority,
  then FIFO), so any process can take any request.  Requests that only make sense inside the
  process that made them (``data:`` URLs, ``meta["news_internal"]``) stay in a local queue.
- **Leases, so a killed crawler loses nothing.**  Taking a request moves it to a lease table with
  an expiry; the owner renews its leases while alive and acknowledges each one when the response's
  callback (or the final error) has been handled.  Leases of a dead process expire and the
  request goes back to the queue (at-least-once; the index id makes the write idempotent).
- **Politeness across processes.**  A host is handed out at most once per its delay (the source's
  ``delay`` from sources.yaml, or ``FRONTIER_DOMAIN_DELAY``): the pop script keeps one
  next-allowed time per host in Redis, so two machines never hit one site twice as often.
- **A bounded seen-set.**  One Bloom filter per crawl session in Redis (fixed size, from
  ``FRONTIER_SEEN_CAPACITY`` and ``FRONTIER_SEEN_ERROR``), rotated to a fresh generation when full
  (two generations are checked), and expired after ``FRONTIER_SEEN_TTL``.  Nothing grows in the
  crawler's memory with the crawl.  A session starts with the first process and ends when the last
  one finds the frontier drained, so the next scheduled run starts with an empty seen-set.

The spider marks every request ``dont_filter`` (its own dedupe is per process); here the shared
seen-set applies to every new request except retries and redirects, which must pass.

**No pickle on the wire.**  A request is stored as JSON (``Request.to_dict``, callbacks by name;
bytes, tuples and sets tagged, see ``encode_request``); reading one runs no code: what does not parse,
names a request class other than ``Request`` or a callback the spider does not define itself is
dropped, logged and counted (``frontier/dropped/<reason>``), never executed.  With
``FRONTIER_HMAC_KEY`` set (read from the environment only, never a setting: settings are logged) every
payload carries an HMAC-SHA256 and one without a valid HMAC is dropped (``bad_signature``), so only
holders of the key can put work into the crawl.  Redis should still be a private server.

The package, by seam: ``wire`` (the JSON payloads and their HMAC), ``queue`` (Redis: queues, leases,
politeness, seen-set), ``scheduler`` (Scrapy's scheduler interface over it), ``middleware`` (lease
acknowledgement); ``python -m crawler.frontier status|clear`` inspects or resets it.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from typing import Any

from crawler.frontier.middleware import FrontierAckDownloaderMiddleware, FrontierAckSpiderMiddleware
from crawler.frontier.queue import (
    REDIS_TIMEOUT,
    Frontier,
    _client,
    bloom_offsets,
    bloom_params,
    frontier_config,
    frontier_from_settings,
)
from crawler.frontier.scheduler import (
    ADMIT_WINDOW,
    FRONTIER_DONE,
    FRONTIER_ITEM,
    ITEMS_DURABLE,
    LEASE_META,
    PASS_META,
    FrontierScheduler,
)
from crawler.frontier.wire import (
    PayloadError,
    decode_request,
    encode_request,
    hmac_key,
    request_from_payload,
)

__all__ = ["ADMIT_WINDOW", "FRONTIER_DONE", "FRONTIER_ITEM", "ITEMS_DURABLE", "LEASE_META", "PASS_META",
           "REDIS_TIMEOUT", "Frontier", "FrontierAckDownloaderMiddleware", "FrontierAckSpiderMiddleware",
           "FrontierScheduler", "PayloadError", "apply_settings", "bloom_offsets", "bloom_params",
           "decode_request", "encode_request", "frontier_config", "frontier_from_settings", "hmac_key",
           "main", "request_from_payload", "time"]

log = logging.getLogger(__name__)


def apply_settings(ns: dict[str, Any]) -> None:
    """Switch a Scrapy settings module's namespace to the shared frontier (merging middleware dicts).
    Its own settings (``REDIS_URL``, ``FRONTIER_*``) are read where they are used, by the one
    precedence rule (``news_ingest.config.FrontierConfig``, ``frontier_config``)."""
    ns["SCHEDULER"] = "crawler.frontier.FrontierScheduler"
    ns["SPIDER_MIDDLEWARES"] = {**ns.get("SPIDER_MIDDLEWARES", {}),
                                "crawler.frontier.FrontierAckSpiderMiddleware": 1}
    ns["DOWNLOADER_MIDDLEWARES"] = {**ns.get("DOWNLOADER_MIDDLEWARES", {}),
                                    "crawler.frontier.FrontierAckDownloaderMiddleware": 1}


def main(argv: list[str] | None = None) -> int:
    """``python -m crawler.frontier status|clear [--spider news]``: inspect or reset the shared frontier."""
    ap = argparse.ArgumentParser(prog="python -m crawler.frontier")
    ap.add_argument("action", choices=["status", "clear"])
    ap.add_argument("--spider", default="news")
    args = ap.parse_args(argv)
    cfg = frontier_config()
    if not cfg.redis_url:
        print("error: set REDIS_URL", flush=True)
        return 2
    f = Frontier(_client(cfg.redis_url, cfg.redis_timeout), f"{cfg.key}:{args.spider}")
    print(json.dumps(f.status() if args.action == "status" else {"deleted_keys": f.clear()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
