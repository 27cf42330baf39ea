"""The indexer's per-batch reads against a real node: two requests, whatever the number of indices
behind the alias (a real-time mget of the lookup index ``<alias>-ids``, then one of the copies it
points to; on an alias without a complete lookup index, a search and a real-time mget), and nothing
missed — not a document written a moment ago, not an update in place in an old index, not a document
written to the old write index just before a rollover, not one stored before the lookup index."""

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
    12,000-entry mget.  Now: one mget of one shard (the lookup index) finds where each id lives, one
    mget reads those copies and the write index."""
    _roll(store, 6)
    store.bulk_raw([{"op": "index", "id": "just-written", "doc": {"url": "http://x/new"}}])  # no refresh
    assert len(store.indices(fresh=True)) == 7
    calls = _spy(store)
    ids = ["month-0", "month-4", "just-written", "nope"]
    docs, known = store.lookup(ids, ["alias-2", "month-5", "nope-either"], ["url"])
    assert [c[:2] for c in calls] == [("POST", f"/{store.id_index}/_mget"), ("POST", "/_mget")]
    assert len(calls[0][2]["ids"]) == 7 + 3  # each key, and each known key as an alias (~k)
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
    answers from the shards it reached, and a get of a copy in it fails: a stored article in the lost
    shard would look new and be written a second time in the write index.  The lookup raises an error
    the indexer retries (then spools) instead — through the lookup index and without it."""
    import pytest

    from news_ingest.store.backends.base import StoreUnavailable

    _roll(store, 1)
    lost = f"{store.alias}-lost"
    store._req("PUT", f"/{lost}", params={"wait_for_active_shards": "0"}, body={"settings": {
        "index.number_of_replicas": 0, "index.routing.allocation.require._name": "no-such-node"}})
    store._req("POST", "/_aliases", body={"actions": [{"add": {"index": lost, "alias": store.alias,
                                                               "is_write_index": False}}]})
    # an article stored in it (written while its node was up): its entry points there
    store._req("PUT", f"/{store.id_index}/_doc/in-lost", body={"index": lost, "id": "in-lost"})
    try:
        with pytest.raises(StoreUnavailable):
            store.lookup(["in-lost", "month-0"], ["alias-0"], ["url"], fresh=True)
        store._req("DELETE", f"/{store.id_index}")  # an alias an older version made: the search
        store.indices(fresh=True)
        assert store.id_index_state(fresh=True) is None
        with pytest.raises(StoreUnavailable):
            store.lookup(["month-0"], ["alias-0"], ["url"], fresh=True)
    finally:
        store._req("DELETE", f"/{lost}", ignore=(404,))


def test_articles_stored_before_the_lookup_index_are_entered_by_setup(store):
    """An alias an older version made has no lookup index: the lookup searches (and finds) meanwhile,
    and ``setup`` (every crawl start) enters every stored article, in old indices too."""
    store._req("DELETE", f"/{store.id_index}")
    assert store.id_index_state(fresh=True) is None
    _roll(store, 3)  # written without entries: there is no lookup index
    store.refresh()
    calls = _spy(store)
    docs, known = store.lookup(["month-0", "month-2"], ["alias-1"], ["url"], fresh=True)
    assert set(docs) == {"month-0", "month-2"} and known["alias-1"]["_id"] == "month-1"
    assert ("POST", f"/{store.alias}/_search") in [c[:2] for c in calls]

    said = store.setup()
    assert said.endswith(f"lookup index {store.id_index}: created, 6 entries for the stored articles"), said
    assert store.id_index_state(fresh=True) == "complete"
    calls.clear()
    docs, known = store.lookup(["month-0", "month-2", "nope"], ["alias-1"], ["url"], realtime=[])
    assert [c[1] for c in calls if c[0] == "POST"] == [f"/{store.id_index}/_mget", "/_mget"]
    assert docs == {"month-0": {"url": "http://x/m0", "_index": f"{store.alias}-000001"},
                    "month-2": {"url": "http://x/m2", "_index": f"{store.alias}-000003"}}
    assert known == {"alias-1": {"url": "http://x/m1", "_index": f"{store.alias}-000002", "_id": "month-1"}}
    assert "lookup index" not in store.setup()  # idempotent: complete, nothing to do


def test_a_deleted_copy_is_not_found_and_its_entry_is_rewritten(store):
    """An entry whose copy is gone (the document deleted, or its whole index: retention) points at
    nothing: the article is new again, and its next write replaces the entry."""
    _roll(store, 2)
    first, second = f"{store.alias}-000001", f"{store.alias}-000002"
    store._req("DELETE", f"/{first}/_doc/month-0")
    store._req("POST", "/_aliases", body={"actions": [{"remove_index": {"index": second}}]})
    docs, known = store.lookup(["month-0", "month-1"], ["alias-0", "alias-1"], ["url"], realtime=[])
    assert docs == {} and known == {}
    store.bulk_raw([{"op": "create", "id": "month-0", "doc": {"url": "http://x/m0-again",
                                                               "known_ids": ["month-0", "alias-0"]}}])
    write = store.indices(fresh=True)[0]
    docs, known = store.lookup(["month-0"], ["alias-0"], ["url"], realtime=[])
    assert docs == {"month-0": {"url": "http://x/m0-again", "_index": write}}
    assert known["alias-0"]["_id"] == "month-0"
    entry = store._req("GET", f"/{store.id_index}/_doc/month-0")["_source"]
    assert entry == {"index": write, "id": "month-0"}


def test_an_entry_names_the_index_the_cluster_wrote_to(store, es_settings):
    """Another process rolled the alias over and this one has not noticed yet (it trusts its list of
    indices for 30 s): the document goes to the new write index, and so must its entry."""
    from news_ingest.store.backends import create_backend

    assert store.indices(fresh=True)
    other = Store(es_settings, create_backend(es_settings))
    try:
        new = other._req("POST", f"/{store.alias}/_rollover")["new_index"]
    finally:
        other.close()
    store.bulk_raw([{"op": "create", "id": "after", "doc": {"url": "http://x/after"}}])
    assert store._req("GET", f"/{store.id_index}/_doc/after")["_source"] == {"index": new, "id": "after"}
    docs, _ = store.lookup(["after"], (), ["url"], fresh=True, realtime=[])
    assert docs == {"after": {"url": "http://x/after", "_index": new}}


def test_only_the_copies_found_are_read(store):
    """``realtime`` given (the indexer's own recent writes): only the copies the lookup index points to
    are read (a batch of new articles: none), in real time — an update in place in an old index a
    moment ago and a document written a moment ago are read as they are now."""
    _roll(store, 3)
    store.refresh()
    store.bulk_raw([{"op": "index", "id": "just-written", "doc": {"url": "http://x/new"}}])  # no refresh
    calls = _spy(store)
    ids = ["month-0", "month-2", "just-written", "nope"]
    docs, known = store.lookup(ids, ["alias-1"], ["url"], realtime=[])
    assert [c[1] for c in calls if c[0] == "POST"] == [f"/{store.id_index}/_mget", "/_mget"]
    write = store.indices()[0]
    entries = {(d["_index"], d["_id"]) for d in calls[-1][2]["docs"]}
    assert entries == {(f"{store.alias}-000001", "month-0"), (f"{store.alias}-000003", "month-2"),
                       (write, "just-written"), (f"{store.alias}-000002", "month-1")}
    assert docs == {"month-0": {"url": "http://x/m0", "_index": f"{store.alias}-000001"},
                    "month-2": {"url": "http://x/m2", "_index": f"{store.alias}-000003"},
                    "just-written": {"url": "http://x/new", "_index": write}}
    assert known == {"alias-1": {"url": "http://x/m1", "_index": f"{store.alias}-000002", "_id": "month-1"}}

    calls.clear()
    old = f"{store.alias}-000001"
    store.bulk_raw([{"op": "update", "id": "month-0", "index": old, "doc": {"url": "http://x/m0-v2"}}])
    docs, _ = store.lookup(ids, (), ["url"], realtime=["just-written", "month-0"])
    assert docs["month-0"] == {"url": "http://x/m0-v2", "_index": old}  # real time, not the search's copy
    assert docs["month-2"]["url"] == "http://x/m2"

    calls.clear()  # nothing stored under any key: one request
    assert store.lookup(["nope", "nope-2"], ["nope-3"], ["url"], realtime=[]) == ({}, {})
    assert [c[1] for c in calls if c[0] == "POST"] == [f"/{store.id_index}/_mget"]


def test_a_create_that_conflicts_writes_the_missing_entry(store):
    """A document stored without its entry (the entries request after its bulk request failed: the
    write was reported as retryable) is sent again: its create conflicts, and the entry is written
    then, where the stored copy is."""
    store.bulk_raw([{"op": "create", "id": "lost-entry", "doc": {"url": "http://x/le"}}])
    store._req("DELETE", f"/{store.id_index}/_doc/lost-entry")
    items = store.bulk_raw([{"op": "create", "id": "lost-entry", "doc": {"url": "http://x/le"}}])
    assert items[0].status == 409
    write = store.indices(fresh=True)[0]
    assert store._req("GET", f"/{store.id_index}/_doc/lost-entry")["_source"] == {"index": write,
                                                                                  "id": "lost-entry"}
