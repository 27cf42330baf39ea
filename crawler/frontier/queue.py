"""The Redis side of the shared frontier: a queue per host, leases, politeness times, the session's
Bloom seen-set (Lua scripts, one round trip each).  No Scrapy here.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import uuid
from typing import Any

import redis

from news_ingest.config import FrontierConfig
from news_ingest.sources import configured

log = logging.getLogger(__name__)

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


def frontier_config(settings: Any = None) -> FrontierConfig:
    """``REDIS_URL`` and ``FRONTIER_*`` by the one precedence rule (news_ingest.config): defaults < the
    sources file's ``settings:`` < Scrapy ``-s`` < the environment."""
    return configured(FrontierConfig, scrapy=settings)


def frontier_from_settings(settings: Any, spider_name: str) -> Frontier:
    cfg = frontier_config(settings)
    if not cfg.redis_url:
        raise ValueError("the shared frontier needs REDIS_URL (e.g. redis://host:6379/0)")
    return Frontier(_client(cfg.redis_url, cfg.redis_timeout), f"{cfg.key}:{spider_name}",
                    lease_seconds=cfg.lease_seconds, seen_capacity=cfg.seen_capacity,
                    seen_error=cfg.seen_error, seen_ttl=int(cfg.seen_ttl))
