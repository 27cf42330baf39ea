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
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import heapq
import hmac
import itertools
import json
import logging
import math
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.request import request_from_dict
from twisted.internet import task

log = logging.getLogger(__name__)

LEASE_META = "frontier_lease"
ADMIT_WINDOW = 2.0  # seconds between another process's seen-set check and its push, generously
PASS_META = ("retry_times", "redirect_urls")  # a retry or a redirect of a request already admitted

# ---------------------------------------------------------------------------------------- scripts
# KEYS[1] hosts zset (host -> next allowed ms), KEYS[2] next hash (host -> next allowed ms)
# ARGV: queue key prefix, host, score, member, now ms
_PUSH = """
redis.call('ZADD', ARGV[1] .. ARGV[2], ARGV[3], ARGV[4])
local nxt = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
local at = math.max(nxt, tonumber(ARGV[5]))
redis.call('ZADD', KEYS[1], 'NX', at, ARGV[2])
return 1
"""

# KEYS: hosts zset, next hash, delay hash, leases hash, lease expiry zset
# ARGV: queue key prefix, now ms, lease ms
# -> {0} empty | {1, wait ms} nothing due yet | {2, lease id, member}
_POP = """
for _ = 1, 20 do
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, 1)
  if #due == 0 then
    local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    if #first == 0 then return {0} end
    return {1, tostring(tonumber(first[2]) - tonumber(ARGV[2]))}
  end
  local host = due[1]
  local qk = ARGV[1] .. host
  local item = redis.call('ZPOPMIN', qk)
  if #item == 0 then
    redis.call('ZREM', KEYS[1], host)
  else
    local member, score = item[1], item[2]
    local delay = tonumber(redis.call('HGET', KEYS[3], host) or '0')
    local nxt = tonumber(ARGV[2]) + delay
    redis.call('HSET', KEYS[2], host, nxt)
    if redis.call('ZCARD', qk) > 0 then
      redis.call('ZADD', KEYS[1], nxt, host)
    else
      redis.call('ZREM', KEYS[1], host)
    end
    local id = string.sub(member, 1, 16)
    redis.call('HSET', KEYS[4], id, host .. '\\n' .. score .. '\\n' .. member)
    redis.call('ZADD', KEYS[5], tonumber(ARGV[2]) + tonumber(ARGV[3]), id)
    return {2, id, member}
  end
end
return {1, '0'}
"""

# KEYS: hosts zset, next hash, leases hash, active lease expiry zset, held lease expiry zset
# ARGV: queue prefix, now ms, '', then optional explicit lease ids (requeue these now, whatever their expiry)
_RECLAIM = """
local ids = {}
if #ARGV > 3 then
  for i = 4, #ARGV do ids[#ids + 1] = ARGV[i] end
else
  ids = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[2], 'LIMIT', 0, 500)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', ARGV[2], 'LIMIT', 0, 500)) do
    ids[#ids + 1] = id
  end
end
local n = 0
for _, id in ipairs(ids) do
  local v = redis.call('HGET', KEYS[3], id)
  if v then
    local a = string.find(v, '\\n', 1, true)
    local b = string.find(v, '\\n', a + 1, true)
    local host = string.sub(v, 1, a - 1)
    local score = string.sub(v, a + 1, b - 1)
    local member = string.sub(v, b + 1)
    redis.call('ZADD', ARGV[1] .. host, score, member)
    local nxt = tonumber(redis.call('HGET', KEYS[2], host) or '0')
    redis.call('ZADD', KEYS[1], 'NX', math.max(nxt, tonumber(ARGV[2])), host)
    n = n + 1
  end
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[4], id)
  redis.call('ZREM', KEYS[5], id)
end
return n
"""

# Bloom filter with two generations.  KEYS: current gen key, previous gen key, count key, gen number key
# ARGV: ttl s, capacity, bit offsets...  -> 1 seen | 0 new (and now added)
_SEEN = """
for _, key in ipairs({KEYS[1], KEYS[2]}) do
  local all = true
  for i = 3, #ARGV do
    if redis.call('GETBIT', key, ARGV[i]) == 0 then all = false break end
  end
  if all and (key == KEYS[1] or redis.call('EXISTS', key) == 1) then return 1 end
end
for i = 3, #ARGV do redis.call('SETBIT', KEYS[1], ARGV[i], 1) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
local n = redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[1])
if n >= tonumber(ARGV[2]) then
  redis.call('INCR', KEYS[4])
  redis.call('EXPIRE', KEYS[4], ARGV[1])
  redis.call('DEL', KEYS[2])
  redis.call('SET', KEYS[3], 0, 'EX', ARGV[1])
end
return 0
"""

# End the session only if it is still ours and the frontier is drained.
# KEYS: session key, hosts zset, active lease zset, held lease zset; ARGV: session id
_END = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, 4 do
  if redis.call('ZCARD', KEYS[i]) > 0 then return 0 end
end
redis.call('DEL', KEYS[1])
return 1
"""


# ---------------------------------------------------------------------------------- wire format
class PayloadError(ValueError):
    """A frontier payload that is not a request this crawler made; ``reason`` is the drop stat."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


_PLAIN, _SIGNED = b"j1:", b"j1s:"
_TAGS = ("__bytes__", "__tuple__", "__set__", "__items__")
REQUEST_CLASSES = {"scrapy.http.request.Request", "scrapy.Request", "scrapy.http.Request"}


def _wrap(obj: Any) -> Any:
    """JSON-safe form of ``Request.to_dict`` output; only plain data passes (TypeError otherwise)."""
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    if isinstance(obj, bytes):
        return {"__bytes__": base64.b64encode(obj).decode("ascii")}
    if isinstance(obj, list):
        return [_wrap(v) for v in obj]
    if isinstance(obj, tuple):
        return {"__tuple__": [_wrap(v) for v in obj]}
    if isinstance(obj, (set, frozenset)):
        return {"__set__": [_wrap(v) for v in sorted(obj, key=repr)]}
    if isinstance(obj, dict):
        # non-string keys (headers: bytes -> [bytes]), or a dict that looks like one of the tags
        if not all(isinstance(k, str) for k in obj) or (len(obj) == 1 and next(iter(obj)) in _TAGS):
            return {"__items__": [[_wrap(k), _wrap(v)] for k, v in obj.items()]}
        return {k: _wrap(v) for k, v in obj.items()}
    raise TypeError(f"{type(obj).__name__} is not plain data")


def _unwrap(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        (key, value), = obj.items()
        if key == "__bytes__":
            return base64.b64decode(value, validate=True)
        if key == "__tuple__":
            return tuple(value)
        if key == "__set__":
            return set(value)
        if key == "__items__":
            return {k: v for k, v in value}
    return obj


def encode_request(data: dict[str, Any], key: bytes | None = None) -> bytes:
    """``Request.to_dict()`` -> bytes for Redis: JSON, HMAC-signed when ``key`` is given."""
    body = json.dumps(_wrap(data), separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    if key:
        return _SIGNED + hmac.new(key, body, hashlib.sha256).hexdigest().encode() + b":" + body
    return _PLAIN + body


def decode_request(raw: bytes, key: bytes | None = None) -> dict[str, Any]:
    """bytes from Redis -> the request dict; ``PayloadError`` for anything else (nothing is executed)."""
    if raw.startswith(_SIGNED):
        mac, sep, body = raw[len(_SIGNED):].partition(b":")
        if not key:
            raise PayloadError("bad_signature", "signed payload, but FRONTIER_HMAC_KEY is not set here")
        if not sep or not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).hexdigest().encode()):
            raise PayloadError("bad_signature", "HMAC does not match (FRONTIER_HMAC_KEY)")
    elif raw.startswith(_PLAIN):
        if key:
            raise PayloadError("bad_signature", "unsigned payload while FRONTIER_HMAC_KEY is set")
        body = raw[len(_PLAIN):]
    else:
        raise PayloadError("undecodable", f"not a JSON request payload ({len(raw)} bytes)")
    try:
        data = json.loads(body, object_hook=_unwrap)
    except (ValueError, TypeError) as exc:  # bad JSON, bad base64, unhashable set members
        raise PayloadError("undecodable", f"not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        raise PayloadError("undecodable", "not a request (no url)")
    return data


def _own_method(spider: Spider, name: Any) -> bool:
    """True when ``name`` is a public method the spider's class defines (not Scrapy's Spider)."""
    if not isinstance(name, str) or name.startswith("_"):
        return False
    for cls in type(spider).__mro__:
        if cls is Spider or cls is object:
            return False
        if name in vars(cls):
            return callable(vars(cls)[name])
    return False


def request_from_payload(raw: bytes, spider: Spider, key: bytes | None = None) -> Request:
    """The request a payload describes, after checking it names nothing the spider did not make."""
    data = decode_request(raw, key)
    cls = data.pop("_class", None)
    if cls is not None and cls not in REQUEST_CLASSES:
        raise PayloadError("not_allowed", f"request class {cls!r}")
    for fld in ("callback", "errback"):
        if data.get(fld) is not None and not _own_method(spider, data[fld]):
            raise PayloadError("not_allowed", f"{fld} {data[fld]!r} is no method of the spider")
    try:
        return request_from_dict(data, spider=spider)
    except Exception as exc:  # noqa: BLE001 - wrong field types, bad URL: a drop, never a crash
        raise PayloadError("undecodable", f"{type(exc).__name__}: {exc}") from None


def hmac_key() -> bytes | None:
    """``FRONTIER_HMAC_KEY`` from the environment (never from the settings, which are logged)."""
    raw = os.environ.get("FRONTIER_HMAC_KEY", "")
    return raw.encode() if raw else None


def bloom_params(capacity: int, error: float) -> tuple[int, int]:
    """(bits, hash count) for a Bloom filter holding ``capacity`` items at false-positive rate ``error``."""
    bits = math.ceil(-capacity * math.log(error) / (math.log(2) ** 2))
    return bits, max(1, round(bits / capacity * math.log(2)))


def bloom_offsets(key: bytes, bits: int, hashes: int) -> list[int]:
    digest = hashlib.blake2b(key, digest_size=16).digest()
    h1, h2 = int.from_bytes(digest[:8], "big"), int.from_bytes(digest[8:], "big") | 1
    return [(h1 + i * h2) % bits for i in range(hashes)]


class Frontier:
    """The Redis side: queue per host, leases, politeness times, session seen-set.  No Scrapy here."""

    def __init__(self, client: redis.Redis, prefix: str, lease_seconds: float = 120.0,
                 seen_capacity: int = 5_000_000, seen_error: float = 0.001,
                 seen_ttl: int = 7 * 86400) -> None:
        self.r: Any = client  # redis.Redis (redis-py types every sync reply as Awaitable | Any)
        self.p = prefix
        self.lease_ms = int(lease_seconds * 1000)
        self.bits, self.hashes = bloom_params(seen_capacity, seen_error)
        self.capacity, self.seen_ttl = seen_capacity, seen_ttl
        self.k_hosts, self.k_next, self.k_delay = f"{prefix}:hosts", f"{prefix}:next", f"{prefix}:delay"
        self.k_leases, self.k_lexp, self.k_seq = f"{prefix}:leases", f"{prefix}:lexp", f"{prefix}:seq"
        self.k_held = f"{prefix}:held"  # leases whose work is done but not yet durable (no new requests)
        self.k_session, self.q_prefix = f"{prefix}:session", f"{prefix}:q:"
        self._push = client.register_script(_PUSH)
        self._pop = client.register_script(_POP)
        self._reclaim = client.register_script(_RECLAIM)
        self._seen = client.register_script(_SEEN)
        self._end = client.register_script(_END)
        self.session: str | None = None

    @staticmethod
    def now_ms() -> int:
        return int(time.time() * 1000)

    # ------------------------------------------------------------------ session + seen-set
    def join(self) -> str:
        """Join the running crawl session, or start one."""
        new = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"
        self.r.set(self.k_session, new, nx=True)
        sid = self.r.get(self.k_session)
        self.session = sid.decode() if sid else new
        return self.session

    def end_if_drained(self) -> bool:
        """Close the session when no request is queued or leased anywhere (the next run starts fresh)."""
        if self.session is None:
            return False
        return bool(self._end(keys=[self.k_session, self.k_hosts, self.k_lexp, self.k_held],
                              args=[self.session]))

    def seen(self, key: bytes) -> bool:
        """True if ``key`` was admitted before in this session; else records it (atomic across processes)."""
        base = f"{self.p}:seen:{self.session}"
        gen = int(self.r.get(f"{base}:gen") or 0)
        return bool(self._seen(
            keys=[f"{base}:{gen}", f"{base}:{gen - 1}", f"{base}:n", f"{base}:gen"],
            args=[self.seen_ttl, self.capacity, *bloom_offsets(key, self.bits, self.hashes)]))

    # ------------------------------------------------------------------ queue
    def push(self, host: str, payload: bytes, priority: int = 0, delay: float = 0.0) -> None:
        seq = int(self.r.incr(self.k_seq))
        member = f"{seq:016x}".encode() + payload
        pipe = self.r.pipeline()
        pipe.hset(self.k_delay, host, int(delay * 1000))
        self._push(keys=[self.k_hosts, self.k_next],
                   args=[self.q_prefix, host, -priority, member, self.now_ms()], client=pipe)
        pipe.execute()

    def pop(self) -> tuple[str, bytes] | float | None:
        """(lease id, payload); or seconds until a host is due; or None when nothing is queued."""
        res = self._pop(keys=[self.k_hosts, self.k_next, self.k_delay, self.k_leases, self.k_lexp],
                        args=[self.q_prefix, self.now_ms(), self.lease_ms])
        if res[0] == 0:
            return None
        if res[0] == 1:
            return max(0.0, float(res[1]) / 1000)
        return res[1].decode(), res[2][16:]

    def ack(self, lease_ids: list[str]) -> None:
        if lease_ids:
            pipe = self.r.pipeline()
            pipe.hdel(self.k_leases, *lease_ids)
            pipe.zrem(self.k_lexp, *lease_ids)
            pipe.zrem(self.k_held, *lease_ids)
            pipe.execute()

    def hold(self, lease_ids: list[str]) -> None:
        """The callback is done (no more requests will come of it) but its items are not durable yet."""
        if lease_ids:
            until = self.now_ms() + self.lease_ms
            pipe = self.r.pipeline()
            pipe.zrem(self.k_lexp, *lease_ids)
            pipe.zadd(self.k_held, dict.fromkeys(lease_ids, until))
            pipe.execute()

    def renew(self, lease_ids: list[str]) -> None:
        if lease_ids:
            until = self.now_ms() + self.lease_ms
            pipe = self.r.pipeline()
            pipe.zadd(self.k_lexp, dict.fromkeys(lease_ids, until), xx=True)
            pipe.zadd(self.k_held, dict.fromkeys(lease_ids, until), xx=True)
            pipe.execute()

    def reclaim(self, lease_ids: list[str] | None = None) -> int:
        """Put expired leases (or the given ones, now) back in the queue; returns how many."""
        return int(self._reclaim(keys=[self.k_hosts, self.k_next, self.k_leases, self.k_lexp, self.k_held],
                                 args=[self.q_prefix, self.now_ms(), "", *(lease_ids or [])]))

    def queued_hosts(self) -> int:
        return int(self.r.zcard(self.k_hosts))

    def leased(self) -> int:
        """Leases still being worked on (their callbacks may add requests)."""
        return int(self.r.zcard(self.k_lexp))

    def held(self) -> int:
        return int(self.r.zcard(self.k_held))

    def status(self) -> dict[str, Any]:
        hosts = [h.decode() for h in self.r.zrange(self.k_hosts, 0, -1)]
        return {"session": (self.r.get(self.k_session) or b"").decode() or None,
                "queued": sum(int(self.r.zcard(self.q_prefix + h)) for h in hosts),
                "hosts": len(hosts), "leased": self.leased(), "held": self.held()}

    def clear(self) -> int:
        """Delete every key of this frontier (queue, leases, seen-sets)."""
        keys = list(self.r.scan_iter(match=f"{self.p}:*", count=1000))
        for i in range(0, len(keys), 500):
            self.r.delete(*keys[i:i + 500])
        return len(keys)


REDIS_TIMEOUT = 5.0  # seconds one Redis call may take (FRONTIER_REDIS_TIMEOUT): a slow Redis stalls no more


def _client(url: str, timeout: float = REDIS_TIMEOUT) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                health_check_interval=30)


def frontier_from_settings(settings: Any, spider_name: str) -> Frontier:
    url = settings.get("REDIS_URL") or os.environ.get("REDIS_URL")
    if not url:
        raise ValueError("the shared frontier needs REDIS_URL (e.g. redis://host:6379/0)")
    prefix = f"{settings.get('FRONTIER_KEY', 'news-ingest:frontier')}:{spider_name}"
    timeout = settings.getfloat("FRONTIER_REDIS_TIMEOUT", REDIS_TIMEOUT) or REDIS_TIMEOUT
    return Frontier(_client(url, timeout), prefix,
                    lease_seconds=settings.getfloat("FRONTIER_LEASE_SECONDS", 120.0),
                    seen_capacity=settings.getint("FRONTIER_SEEN_CAPACITY", 5_000_000),
                    seen_error=settings.getfloat("FRONTIER_SEEN_ERROR", 0.001),
                    seen_ttl=settings.getint("FRONTIER_SEEN_TTL", 7 * 86400))


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

    def _renew(self) -> None:
        assert self.frontier is not None
        self._send(self.frontier.renew, sorted(self.mine))

    def _wake_in(self, seconds: float) -> None:
        """Ask the engine for the next request when the earliest host is due (not at the 5 s heartbeat)."""
        if self._wakeup is not None and self._wakeup.active():
            return
        from twisted.internet import reactor  # late: at import time it would install a default reactor

        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            self._wakeup = reactor.callLater(min(seconds, 5.0) + 0.01, slot.nextcall.schedule)  # type: ignore

    def _delay(self, host: str, request: Request) -> float:
        if "frontier_delay" in request.meta:
            return float(request.meta["frontier_delay"])
        if host not in self._delays:
            fixed = self.settings.get("FRONTIER_DOMAIN_DELAY")
            if fixed not in (None, ""):
                self._delays[host] = float(fixed)
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


class FrontierAckSpiderMiddleware:
    """Acknowledge a lease once the callback's whole output has been handed to the engine."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierAckSpiderMiddleware:
        return cls(crawler)

    def _done(self, response: Any) -> None:
        try:
            lease = response.meta.get(LEASE_META)
        except AttributeError:  # a response without a request (not one of ours)
            return
        if lease:
            self.crawler.signals.send_catch_log(FRONTIER_DONE, lease=lease)

    def _out(self, response: Any, item: Any) -> None:
        if not isinstance(item, Request):
            lease = getattr(response, "meta", {}).get(LEASE_META)
            if lease:
                self.crawler.signals.send_catch_log(FRONTIER_ITEM, lease=lease)

    async def process_spider_output_async(self, response: Any, result: Any) -> Any:
        async for item in result:
            self._out(response, item)
            yield item
        self._done(response)

    def process_spider_output(self, response: Any, result: Any) -> Any:
        for item in result:
            self._out(response, item)
            yield item
        self._done(response)

    def process_spider_exception(self, response: Any, exception: Exception) -> None:
        self._done(response)


class FrontierAckDownloaderMiddleware:
    """Acknowledge a lease when the download failed for good (retries exhausted, ignored, robots)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierAckDownloaderMiddleware:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        lease = request.meta.get(LEASE_META)
        if lease:
            # deferred so an errback still runs first; its new requests are queued by then
            from twisted.internet import reactor  # late: the reactor Scrapy installed

            reactor.callLater(0, self.crawler.signals.send_catch_log, FRONTIER_DONE, lease=lease)  # type: ignore


def apply_settings(ns: dict[str, Any]) -> None:
    """Switch a Scrapy settings module's namespace to the shared frontier (merging middleware dicts)."""
    ns["SCHEDULER"] = "crawler.frontier.FrontierScheduler"
    ns["REDIS_URL"] = os.environ.get("REDIS_URL", "")
    ns["SPIDER_MIDDLEWARES"] = {**ns.get("SPIDER_MIDDLEWARES", {}),
                                "crawler.frontier.FrontierAckSpiderMiddleware": 1}
    ns["DOWNLOADER_MIDDLEWARES"] = {**ns.get("DOWNLOADER_MIDDLEWARES", {}),
                                    "crawler.frontier.FrontierAckDownloaderMiddleware": 1}
    for name, default in (("FRONTIER_KEY", "news-ingest:frontier"), ("FRONTIER_LEASE_SECONDS", "120"),
                          ("FRONTIER_SEEN_CAPACITY", "5000000"), ("FRONTIER_SEEN_ERROR", "0.001"),
                          ("FRONTIER_SEEN_TTL", str(7 * 86400)), ("FRONTIER_DOMAIN_DELAY", ""),
                          ("FRONTIER_REDIS_TIMEOUT", str(REDIS_TIMEOUT))):
        ns[name] = os.environ.get(name, default)


def main(argv: list[str] | None = None) -> int:
    """``python -m crawler.frontier status|clear [--spider news]``: inspect or reset the shared frontier."""
    ap = argparse.ArgumentParser(prog="python -m crawler.frontier")
    ap.add_argument("action", choices=["status", "clear"])
    ap.add_argument("--spider", default="news")
    args = ap.parse_args(argv)
    url = os.environ.get("REDIS_URL")
    if not url:
        print("error: set REDIS_URL", flush=True)
        return 2
    f = Frontier(_client(url), f"{os.environ.get('FRONTIER_KEY', 'news-ingest:frontier')}:{args.spider}")
    print(json.dumps(f.status() if args.action == "status" else {"deleted_keys": f.clear()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
