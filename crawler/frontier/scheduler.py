"""The Scrapy scheduler over the shared frontier: admits requests through the seen-set, takes leases,
acknowledges them once a response's callback and its items are done (acks on a courier thread).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from twisted.internet import task

from crawler.frontier.queue import Frontier, frontier_config, frontier_from_settings
from crawler.frontier.wire import PayloadError, encode_request, hmac_key, request_from_payload

log = logging.getLogger(__name__)

LEASE_META = "frontier_lease"
ADMIT_WINDOW = 2.0  # seconds between another process's seen-set check and its push, generously
PASS_META = ("retry_times", "redirect_urls")  # a retry or a redirect of a request already admitted
# the wake-up after a host's delay: 1 ms past the due time (the queue's times are whole ms; earlier, the
# host may not be due yet), so a waiting crawler asks before a busy crawler's next event does
WAKE_LAG = 0.001
EMPTY_POLL = 0.5  # seconds between looks at an empty queue while other crawlers may still add work


class FrontierScheduler:
    """Scrapy scheduler over ``Frontier`` (implements the BaseScheduler interface)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.settings = crawler.settings
        self.local: list[tuple[int, int, Request]] = []  # requests that must stay in this process
        self._tie = itertools.count()
        self.mine: set[str] = set()  # leases this process holds
        self.items_out: dict[str, int] = {}  # lease -> its items still inside the item pipeline
        self.callback_done: set[str] = set()
        self.awaiting_flush: dict[str, float] = {}  # lease -> when its last item left the pipeline
        self.frontier: Frontier | None = None
        self._last_reclaim = 0.0
        self._wakeup: Any = None
        self._renewer: task.LoopingCall | None = None
        self._delays: dict[str, float] = {}
        self._config_of: Any = None  # the settings FRONTIER_DOMAIN_DELAY was read from
        self._fixed_delay: float | None = None
        self._key = hmac_key()
        self._last_filtered = -ADMIT_WINDOW
        # acks, holds and renewals need no answer: they go to Redis on this thread, in order, so the
        # reactor never waits on them (a slow Redis delays them, not the downloads)
        self._courier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frontier-acks")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        sched = cls(crawler)
        crawler.signals.connect(sched._on_done, signal=FRONTIER_DONE)
        crawler.signals.connect(sched._on_item_out, signal=FRONTIER_ITEM)
        crawler.signals.connect(sched._on_durable, signal=ITEMS_DURABLE)
        for sig in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(sched._on_item_done, signal=sig)
        return sched

    # ------------------------------------------------------------------ lifecycle
    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.frontier = frontier_from_settings(self.settings, spider.name)
        try:
            sid = self.frontier.join()
        except redis.RedisError as exc:
            raise RuntimeError(f"cannot reach Redis at REDIS_URL for the shared frontier: {exc}. "
                               f"Fix: start redis-server or unset REDIS_URL") from exc
        log.info("shared frontier %s, session %s: %s", self.frontier.p, sid, self.frontier.status())
        self.stats.set_value("frontier/session", sid)
        self._renewer = task.LoopingCall(self._renew)
        self._renewer.start(max(1.0, self.frontier.lease_ms / 3000), now=False)

    def close(self, reason: str) -> None:
        if self._renewer is not None and self._renewer.running:
            self._renewer.stop()
        if self._wakeup is not None and self._wakeup.active():
            self._wakeup.cancel()
        assert self.frontier is not None
        # the item pipelines closed before the scheduler: what they were given is flushed or spooled
        self._on_durable(before=float("inf"))
        self._courier.shutdown(wait=True)  # every ack sent before the leases left are given back
        if self.mine:  # stopped before finishing these: give them back now, not after expiry
            n = self.frontier.reclaim(sorted(self.mine))
            self.stats.set_value("frontier/requeued_on_close", n)
            self.mine.clear()
        if self.frontier.end_if_drained():
            log.info("shared frontier drained; session %s closed", self.frontier.session)
        else:
            log.info("shared frontier not drained at close (%s): %s", reason, self.frontier.status())

    # ------------------------------------------------------------------ scheduler interface
    def has_pending_requests(self) -> bool:
        assert self.frontier is not None
        if self.local:
            return True
        if time.monotonic() - self._last_filtered < ADMIT_WINDOW:
            # a request another process admitted an instant ago (seen-set first, queue next): it is
            # about to be queued; without this a crawler starting beside another one found the queue
            # empty in that instant and finished at once
            return True
        try:
            # others' leases count: their callbacks may still add work, or they may die and give it back
            return (self.frontier.queued_hosts() > 0
                    or self.frontier.leased() > len(self.mine) - len(self.awaiting_flush))
        except redis.RedisError as exc:
            log.warning("frontier: Redis unavailable (%s); reporting work pending", exc)
            return True

    def enqueue_request(self, request: Request) -> bool:
        assert self.frontier is not None
        old_lease = request.meta.pop(LEASE_META, None)
        try:
            return self._enqueue(request)
        finally:
            if old_lease:  # a retry/redirect of a leased request: it is safely queued (or final) now
                self._ack(old_lease)

    def _enqueue(self, request: Request) -> bool:
        assert self.frontier is not None
        if request.url.startswith("data:") or request.meta.get("news_internal"):
            heapq.heappush(self.local, (-request.priority, next(self._tie), request))
            self.stats.inc_value("frontier/enqueued/local")
            return True
        passes = any(k in request.meta for k in PASS_META) or request.meta.get("frontier_dont_filter")
        if not passes and self.frontier.seen(self.crawler.request_fingerprinter.fingerprint(request)):
            self.stats.inc_value("frontier/filtered")
            self._last_filtered = time.monotonic()
            return False
        host = (urlsplit(request.url).hostname or "").lower()
        try:
            payload = encode_request(request.to_dict(spider=self.spider), self._key)
        except (TypeError, ValueError) as exc:  # meta/cb_kwargs that is not plain data: keep it here
            log.warning("frontier: %s stays in this process: its request is not plain data (%s)",
                        request.url, exc)
            self.stats.inc_value("frontier/enqueued/local_not_serialisable")
            heapq.heappush(self.local, (-request.priority, next(self._tie), request))
            return True
        self.frontier.push(host, payload, request.priority, self._delay(host, request))
        self.stats.inc_value("frontier/enqueued")
        return True

    def next_request(self) -> Request | None:
        assert self.frontier is not None
        if self.local:
            self.stats.inc_value("frontier/dequeued/local")
            return heapq.heappop(self.local)[2]
        now = time.monotonic()
        if now - self._last_reclaim > 1.0:
            self._last_reclaim = now
            if n := self.frontier.reclaim():
                log.info("frontier: re-queued %d request(s) whose lease expired", n)
                self.stats.inc_value("frontier/reclaimed", n)
        got = self.frontier.pop()
        if got is None:
            # nothing queued; another crawler's callbacks may queue work any moment: look again soon,
            # not at the engine's 5 s heartbeat (a crawler started beside a busy one joined up to 5 s late)
            self._wake_in(EMPTY_POLL)
            return None
        if isinstance(got, float):  # every queued host is waiting out its delay
            self._wake_in(got)
            return None
        lease, payload = got
        self.mine.add(lease)
        try:
            request = request_from_payload(payload, self.spider, self._key)
        except PayloadError as exc:  # a bad entry is dropped, counted and logged; never run, never fatal
            log.error("frontier: dropping queue entry %s: %s", lease, exc)
            self.stats.inc_value(f"frontier/dropped/{exc.reason}")
            self._ack(lease)
            return None
        request.meta[LEASE_META] = lease
        self.stats.inc_value("frontier/dequeued")
        return request

    # ------------------------------------------------------------------ leases
    def _on_item_out(self, lease: str) -> None:
        self.items_out[lease] = self.items_out.get(lease, 0) + 1

    def _on_item_done(self, response: Any = None, **_: Any) -> None:
        lease = getattr(response, "meta", {}).get(LEASE_META) if response is not None else None
        if lease and lease in self.items_out:
            self.items_out[lease] -= 1
            self._settle(lease)

    def _on_done(self, lease: str) -> None:
        """The callback's output (or the final error) is handled; ack once its items are safe too."""
        if lease in self.mine:
            self.callback_done.add(lease)
            self._settle(lease)

    def _settle(self, lease: str) -> None:
        if lease not in self.callback_done or self.items_out.get(lease, 0) > 0:
            return
        self.callback_done.discard(lease)
        if self.items_out.pop(lease, None) is None:
            self._ack(lease)  # nothing to persist (a listing page, an error)
        else:  # its items sit in the indexer's buffer until the next flush
            self.awaiting_flush[lease] = time.monotonic()
            assert self.frontier is not None
            self._send(self.frontier.hold, [lease])

    def _on_durable(self, before: float | None = None, **_: Any) -> None:
        """ITEMS_DURABLE: everything that left the pipeline before ``before`` is indexed or spooled."""
        limit = time.monotonic() if before is None else before
        done = [lease for lease, t in self.awaiting_flush.items() if t <= limit]
        for lease in done:
            del self.awaiting_flush[lease]
            self._ack(lease)

    def _ack(self, lease: str) -> None:
        if lease in self.mine:
            self.mine.discard(lease)
            assert self.frontier is not None
            self._send(self.frontier.ack, [lease])
            self.stats.inc_value("frontier/acked")

    def _send(self, call: Any, leases: list[str]) -> None:
        """``call(leases)`` on the courier thread; a failure is logged (an unacked lease only comes
        back after its expiry: at-least-once, never lost)."""
        def run() -> None:
            try:
                call(leases)
            except redis.RedisError as exc:
                log.warning("frontier: %s of %d lease(s) failed (%s)", call.__name__, len(leases), exc)

        try:
            self._courier.submit(run)
        except RuntimeError:  # closing: the courier is gone, send it now
            run()

    def flush_acks(self, timeout: float = 10.0) -> None:
        """Wait until every ack, hold and renewal sent so far has reached Redis (tests, close)."""
        with contextlib.suppress(RuntimeError):  # already shut down: nothing is waiting
            self._courier.submit(lambda: None).result(timeout)

    def _renew(self) -> None:
        assert self.frontier is not None
        self._send(self.frontier.renew, sorted(self.mine))

    def _wake_in(self, seconds: float) -> None:
        """Ask the engine for the next request when the earliest host is due (not at the 5 s heartbeat).

        At the due time itself (``WAKE_LAG`` after it): a crawler with nothing in flight only asks when
        this timer fires, while a busy one also asks after every download and item.  Woken 10 ms late
        (as it was), the idle crawler lost every slot that the busy one's event-driven ask reached
        within those 10 ms: 15-20% of a busy crawler's pops in instrumented runs under load.  (The
        split test's crawler with no share was another cause: it quit at start on a locked state file,
        news_ingest/crawl_state.py.)  An earlier due time moves the timer forward."""
        try:
            slot = self.crawler.engine._slot
        except (RuntimeError, AttributeError):  # no engine (yet): nothing to wake
            return
        if slot is None:
            return
        from twisted.internet import reactor  # late: at import time it would install a default reactor

        delay = min(seconds, 5.0) + WAKE_LAG
        if self._wakeup is not None and self._wakeup.active():
            if self._wakeup.getTime() <= reactor.seconds() + delay:  # type: ignore[misc]
                return  # already asked for as early
            self._wakeup.cancel()  # a host is due sooner than the one it was set for
        self._wakeup = reactor.callLater(delay, slot.nextcall.schedule)  # type: ignore[arg-type]

    def _delay(self, host: str, request: Request) -> float:
        if "frontier_delay" in request.meta:
            return float(request.meta["frontier_delay"])
        if host not in self._delays:
            if self._config_of is not self.settings:  # read once per settings (it reads the sources file)
                self._fixed_delay = frontier_config(self.settings).domain_delay
                self._config_of = self.settings
            fixed = self._fixed_delay
            if fixed is not None:
                self._delays[host] = fixed
            else:
                src = getattr(self.spider, "source_of", lambda _u: None)(request.url)
                self._delays[host] = float(src.delay) if src is not None else \
                    self.settings.getfloat("DOWNLOAD_DELAY", 0.0)
        return self._delays[host]

    def __len__(self) -> int:
        return len(self.local) + (self.frontier.status()["queued"] if self.frontier else 0)


FRONTIER_DONE = object()  # signal: a leased request's callback/errback is done (argument: lease)
FRONTIER_ITEM = object()  # signal: that callback yielded one item (argument: lease)
# Signal for the index pipeline: send it after each flush, with ``before`` = time.monotonic() taken when
# the flushed batch was taken from the buffer.  Leases whose items all left the pipeline before that
# are then acknowledged; without it they are held until the crawler closes (still nothing is lost).
ITEMS_DURABLE = object()
