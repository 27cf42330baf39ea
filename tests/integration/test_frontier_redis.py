"""The Redis side of the shared frontier against a real redis-server: queue, leases, politeness, seen-set."""

from __future__ import annotations

import threading
import time

import redis

from crawler.frontier import Frontier, bloom_params

pytest_plugins = ["tests.integration.redis_fixture"]


def make(client: redis.Redis, **kw) -> Frontier:
    f = Frontier(client, "t:frontier", **kw)
    f.join()
    return f


def test_priority_then_fifo_and_ack(redis_client):
    f = make(redis_client)
    for i, prio in enumerate([0, 5, 0, 5]):
        f.push("a.test", f"r{i}".encode(), priority=prio)
    got = []
    while (item := f.pop()) is not None:
        lease, payload = item
        got.append(payload)
        f.ack([lease])
    assert got == [b"r1", b"r3", b"r0", b"r2"]
    assert f.leased() == 0 and f.queued_hosts() == 0
    assert f.end_if_drained()
    assert f.status()["session"] is None


def test_expired_lease_goes_back_to_the_queue(redis_client):
    f = make(redis_client, lease_seconds=0.3)
    f.push("a.test", b"job")
    lease, payload = f.pop()
    assert f.pop() is None and f.leased() == 1
    assert f.reclaim() == 0  # not expired yet
    assert not f.end_if_drained()  # a lease is out: the session stays open
    time.sleep(0.4)
    assert f.reclaim() == 1
    lease2, payload2 = f.pop()
    assert payload2 == payload and lease2 == lease


def test_renewed_lease_is_not_reclaimed(redis_client):
    f = make(redis_client, lease_seconds=0.3)
    f.push("a.test", b"job")
    lease, _ = f.pop()
    for _ in range(4):
        time.sleep(0.15)
        f.renew([lease])
        assert f.reclaim() == 0
    f.ack([lease])
    f.renew([lease])  # renewing an acknowledged lease must not resurrect it
    assert f.leased() == 0


def test_politeness_holds_across_processes(redis_client):
    a, b = make(redis_client), make(redis.Redis(connection_pool=redis_client.connection_pool))
    for i in range(3):
        a.push("slow.test", f"s{i}".encode(), delay=0.5)
    a.push("fast.test", b"f0")
    first = a.pop()
    assert isinstance(first, tuple)
    # the other "machine" may take the other host, but not the slow host again before its delay
    second = b.pop()
    assert isinstance(second, tuple) and second[1] in (b"f0", b"s0", b"s1")
    third = b.pop()
    hosts_taken = {first[1][:1], second[1][:1]}
    if hosts_taken == {b"s", b"f"}:
        assert isinstance(third, float) and 0 < third <= 0.5
        time.sleep(third + 0.02)
        assert isinstance(b.pop(), tuple)


def test_seen_set_admits_each_key_once_across_clients(redis_client):
    a = make(redis_client)
    b = make(redis.Redis(connection_pool=redis_client.connection_pool))
    assert a.session == b.session
    keys = [f"https://x.test/{i}".encode() for i in range(500)]
    admitted: list[bytes] = []

    def run(f: Frontier) -> None:
        for k in keys:
            if not f.seen(k):
                admitted.append(k)

    threads = [threading.Thread(target=run, args=(f,)) for f in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(admitted) == sorted(keys)  # every key admitted exactly once in total


def test_seen_set_memory_is_bounded(redis_client):
    cap = 200
    f = make(redis_client, seen_capacity=cap, seen_error=0.01)
    bits, _ = bloom_params(cap, 0.01)
    for i in range(5 * cap):
        f.seen(f"k{i}".encode())
    blooms = [k for k in redis_client.scan_iter("t:frontier:seen:*") if k.split(b":")[-1].isdigit()]
    assert len(blooms) <= 2  # current and previous generation only
    assert sum(redis_client.strlen(k) for k in blooms) <= 2 * (bits // 8 + 1)
    assert f.seen(f"k{5 * cap - 1}".encode())  # recent keys are still remembered


def test_new_session_after_drain_forgets_seen(redis_client):
    f = make(redis_client)
    assert not f.seen(b"k")
    assert f.seen(b"k")
    assert f.end_if_drained()
    f.join()
    assert not f.seen(b"k")
