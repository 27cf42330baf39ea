"""The indexer's per-batch reads against a real node: two requests, whatever the number of indices
behind the alias (one search, one real-time mget of the write index and of the copies found), and
nothing missed — not a document written a moment ago, not an update in place in an old index, not a
document written to the old write index just before a rollover."""

from __future__ import annotations

from news_ingest.store.client import Store


def _spy(store: Store) -> list[tuple[str, str, dict]]:
    calls: list[tuple[str, str, dict]] = []
    real = store._req

    def req(method, path, **kw):
        calls.append((method, path, kw.get("body") or {}))
        return real(method, path, **kw)

    store._req = req  # type: ignore[method-assign]
    return calls


def _roll(store: Store, n: int) -> None:
    for k in range(n):
        doc = {"url": f"http://x/m{k}", "known_ids": [f"month-{k}", f"alias-{k}"]}
        store.bulk_raw([{"op": "index", "id": f"month-{k}", "doc": doc}])
        store.refresh()  # max_docs counts what is searchable
        assert store.rollover_if_needed(max_docs=1)


def test_the_lookup_does_not_grow_with_rollovers(store):
    """Before, get_docs asked every id in every index: with 24 monthly indices a batch of 500 was a
    12,000-entry mget.  Now: one search finds where each id lives, one mget reads those copies and
    the write index."""
    _roll(store, 6)
    store.bulk_raw([{"op": "index", "id": "just-written", "doc": {"url": "http://x/new"}}])  # no refresh
    assert len(store.indices(fresh=True)) == 7
    calls = _spy(store)
    ids = ["month-0", "month-4", "just-written", "nope"]
    docs, known = store.lookup(ids, ["alias-2", "month-5", "nope-either"], ["url"])
    assert [c[:2] for c in calls] == [("POST", f"/{store.alias}/_search"), ("POST", "/_mget")]
    entries = calls[1][2]["docs"]
    # each key once in the write index, plus the copies the search found elsewhere: not keys x indices
    assert len(entries) == 7 + 4, entries  # month-0, -4 (ids), month-2 (as alias-2), month-5 (known)
    assert set(docs) == {"month-0", "month-4", "just-written"}
    assert docs["month-0"] == {"url": "http://x/m0", "_index": f"{store.alias}-000001"}
    assert docs["just-written"]["_index"] == store.indices()[0]  # real time: not searchable yet
    assert known["alias-2"]["_id"] == "month-2" and known["month-5"]["_id"] == "month-5"
    assert set(known) == {"alias-2", "month-5"}

    calls.clear()  # get_docs is the same two requests
    assert set(store.get_docs(ids)) == {"month-0", "month-4", "just-written"}
    assert len(calls) == 2 and len(calls[1][2]["docs"]) == len(ids) + 2


def test_an_update_in_place_in_an_old_index_is_read_in_real_time(store):
    _roll(store, 2)
    store.refresh()
    old = f"{store.alias}-000001"
    items = store.bulk_raw([{"op": "update", "id": "month-0", "index": old, "doc": {"url": "http://x/m0-v2"}}])
    assert items[0].ok  # not refreshed: a search would still return the stored source
    docs, _ = store.lookup(["month-0"], (), ["url"])
    assert docs["month-0"] == {"url": "http://x/m0-v2", "_index": old}


def test_a_document_written_just_before_a_rollover_is_found_after_it(store, es_settings):
    """Written to the write index, not yet refreshed, and then another process rolls the alias over:
    the lookup reads only the new write index in real time, and the search would not see the
    document — unless the store refreshes the old write index when it notices the rollover."""
    from news_ingest.store.backends import create_backend

    first = store.indices(fresh=True)[0]
    store._req("PUT", f"/{first}/_settings", body={"index": {"refresh_interval": "-1"}})
    store.bulk_raw([{"op": "index", "id": "late", "doc": {"url": "http://x/late"}}])
    other = Store(es_settings, create_backend(es_settings))  # another crawler process
    try:
        assert other._req("POST", f"/{store.alias}/_rollover")["rolled_over"]  # unconditional
    finally:
        other.close()
    docs, _ = store.lookup(["late"], (), ["url"], fresh=True)
    assert docs == {"late": {"url": "http://x/late", "_index": first}}


def test_a_lookup_that_cannot_read_every_index_fails_rather_than_missing_copies(store):
    """While a shard has no active copy (a node just died, its replica not yet promoted) a search
    answers from the shards it reached: a stored article in the lost shard would look new and be
    written a second time in the write index.  The lookup asks for all shards or an error, and the
    error is one the indexer retries (then spools)."""
    import pytest

    from news_ingest.store.backends.base import StoreUnavailable

    _roll(store, 1)
    lost = f"{store.alias}-lost"
    store._req("PUT", f"/{lost}", params={"wait_for_active_shards": "0"}, body={"settings": {
        "index.number_of_replicas": 0, "index.routing.allocation.require._name": "no-such-node"}})
    store._req("POST", "/_aliases", body={"actions": [{"add": {"index": lost, "alias": store.alias,
                                                               "is_write_index": False}}]})
    try:
        with pytest.raises(StoreUnavailable):
            store.lookup(["month-0"], ["alias-0"], ["url"], fresh=True)
    finally:
        store._req("DELETE", f"/{lost}", ignore=(404,))


def test_only_the_keys_written_lately_are_read_in_real_time(store):
    """``realtime``: the caller's own recent writes.  Without any, the lookup is the search alone and
    the stored fields come from its hits; with some, the mget reads only those (in the write index and
    where the search found them), so a document written a moment ago is still found."""
    _roll(store, 3)
    store.refresh()
    store.bulk_raw([{"op": "index", "id": "just-written", "doc": {"url": "http://x/new"}}])  # no refresh
    calls = _spy(store)
    ids = ["month-0", "month-2", "just-written", "nope"]
    docs, known = store.lookup(ids, ["alias-1"], ["url"], realtime=[])
    assert [c[:2] for c in calls if c[0] == "POST"] == [("POST", f"/{store.alias}/_search")]
    assert docs == {"month-0": {"url": "http://x/m0", "_index": f"{store.alias}-000001"},
                    "month-2": {"url": "http://x/m2", "_index": f"{store.alias}-000003"}}
    assert known == {"alias-1": {"url": "http://x/m1", "_index": f"{store.alias}-000002", "_id": "month-1"}}

    calls.clear()
    old = f"{store.alias}-000001"
    store.bulk_raw([{"op": "update", "id": "month-0", "index": old, "doc": {"url": "http://x/m0-v2"}}])
    docs, _ = store.lookup(ids, (), ["url"], realtime=["just-written", "month-0"])
    assert [c[1] for c in calls if c[0] == "POST"] == [f"/{store.alias}/_search", "/_mget"]
    entries = {(d["_index"], d["_id"]) for d in calls[-1][2]["docs"]}
    write = store.indices()[0]
    assert entries == {(write, "just-written"), (write, "month-0"), (old, "month-0")}
    assert docs["just-written"] == {"url": "http://x/new", "_index": write}
    assert docs["month-0"] == {"url": "http://x/m0-v2", "_index": old}  # real time, not the search's copy
    assert docs["month-2"]["url"] == "http://x/m2"
