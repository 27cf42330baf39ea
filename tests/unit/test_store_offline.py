"""news_ingest.store.client.Store over an in-memory stand-in for the cluster's REST API (the real
engines run in tests/integration/test_store.py): setup on a new and on an older cluster, the alias
and its indices, rollover, bulk items, real-time gets and known-id lookups, the side indices."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from news_ingest.settings import SearchSettings
from news_ingest.store import client as client_mod
from news_ingest.store.client import BulkItem, IndexLayout, Store, StoreError


class MemoryCluster:
    """Answers the REST calls Store makes; indices are dicts of documents."""

    engine = "elasticsearch"
    client = None
    rollover_size_condition = "max_primary_shard_size"

    def __init__(self, analyzers=("standard", "indonesian", "english"), data_nodes=1):
        self.analyzers = set(analyzers)
        self.data_nodes = data_nodes
        self.templates: dict[str, Any] = {}
        self.indices: dict[str, dict[str, Any]] = {}  # name -> {"aliases", "mappings", "docs", "uuid"}
        self.calls: list[tuple[str, str]] = []
        self.closed = False

    def _index(self, name, aliases=None):
        template = next((t for t in self.templates.values()
                         if any(name.startswith(p.rstrip("*")) for p in t.get("index_patterns", []))), None)
        mappings = copy.deepcopy((template or {}).get("template", {}).get("mappings", {"properties": {}}))
        self.indices[name] = {"aliases": aliases or {}, "mappings": mappings, "docs": {},
                              "uuid": f"uuid-{len(self.indices) + 1}"}
        return self.indices[name]

    def _alias(self, alias):
        return {n: {"aliases": {alias: i["aliases"][alias]}} for n, i in self.indices.items() if alias in i["aliases"]}

    def request(self, method, path, *, params=None, body=None, ignore=()):
        self.calls.append((method, path))
        parts = path.strip("/").split("/")
        if path == "/_cluster/health":
            return {"status": "green", "number_of_data_nodes": self.data_nodes}
        if path == "/_analyze":
            if body["analyzer"] not in self.analyzers:
                raise StoreError(f"failed to find analyzer [{body['analyzer']}]", status=400)
            return {"tokens": []}
        if parts[0] == "_index_template":
            if method == "PUT":
                self.templates[parts[1]] = {"index_patterns": [f"{parts[1]}-*"], **body}
            else:
                self.templates.pop(parts[1], None)
            return {"acknowledged": True}
        if parts[0] == "_alias":
            found = self._alias(parts[1])
            if not found and 404 in ignore:
                return None
            return found
        if parts[0] == "_search" and parts[1:] == ["scroll"]:  # the scroll's first page was all of it
            return {"hits": {"hits": []}} if method == "POST" else {}
        if len(parts) == 2 and parts[1] == "_mget":  # one index, by id (the lookup index)
            docs = self.indices.get(parts[0], {}).get("docs", {})
            return {"docs": [{"_index": parts[0], "_id": i, "found": i in docs,
                              **({"_source": docs[i]} if i in docs else {})} for i in body["ids"]]}
        if path == "/_mget":
            out = []
            for d in body["docs"]:
                doc = self.indices.get(d["_index"], {}).get("docs", {}).get(d["_id"])
                out.append({"_index": d["_index"], "_id": d["_id"], "found": doc is not None,
                            **({"_source": doc} if doc is not None else {})})
            return {"docs": out}
        name = parts[0]
        targets = [n for n in self.indices if n == name or name in self.indices[n]["aliases"]]
        if len(parts) == 1:
            if method == "PUT":
                if name in self.indices:
                    raise StoreError(f"resource_already_exists_exception [{name}]", status=400)
                made = self._index(name, {a: dict(v) for a, v in (body or {}).get("aliases", {}).items()})
                if (body or {}).get("mappings"):
                    made["mappings"] = copy.deepcopy(body["mappings"])
                return {"acknowledged": True}
            if method == "DELETE":
                if name not in self.indices and 404 in ignore:
                    return None
                self.indices.pop(name, None)
                return {"acknowledged": True}
        op = parts[1]
        if op == "_mapping":
            if not targets:
                if 404 in ignore:
                    return None
                raise StoreError("index_not_found", status=404)
            if method == "PUT":
                mappings = self.indices[targets[0]]["mappings"]
                mappings.setdefault("properties", {}).update(body.get("properties", {}))
                mappings.setdefault("_meta", {}).update(body.get("_meta", {}))
                return {"acknowledged": True}
            return {t: {"mappings": self.indices[t]["mappings"]} for t in targets}
        if op == "_settings":
            return {t: {"settings": {"index": {"uuid": self.indices[t]["uuid"]}}} for t in targets}
        if op == "_rollover":
            write = next(t for t in targets if self.indices[t]["aliases"][name].get("is_write_index"))
            count = len(self.indices[write]["docs"])
            if count < body["conditions"].get("max_docs", float("inf")):
                return {"rolled_over": False, "old_index": write}
            new = f"{name}-{int(write.rsplit('-', 1)[1]) + 1:06d}"
            self.indices[write]["aliases"][name] = {"is_write_index": False}
            self._index(new, {name: {"is_write_index": True}})
            return {"rolled_over": True, "old_index": write, "new_index": new, "conditions": body["conditions"]}
        if op == "_refresh":
            return {}
        if op == "_count":
            return {"count": sum(len(self.indices[t]["docs"]) for t in targets)}
        if op == "_search":
            hits = [{"_index": t, "_id": i, "_source": d} for t in targets for i, d in self.indices[t]["docs"].items()]
            flt = body.get("query", {}).get("bool", {}).get("filter", [])
            if flt and "bool" in flt[0]:
                should = flt[0]["bool"]["should"]
                ids = set(should[0]["ids"]["values"])
                hits = [h for h in hits if h["_id"] in ids or ids & set(h["_source"].get("known_ids") or [])]
            scroll = {"_scroll_id": "s1"} if (params or {}).get("scroll") else {}
            return {"hits": {"total": {"value": len(hits)}, "hits": hits}, **scroll}
        if op == "_doc":
            if name not in self.indices:
                self._index(name)
            doc_id = parts[2] if len(parts) > 2 else f"auto-{len(self.indices[name]['docs']) + 1}"
            self.indices[name]["docs"][doc_id] = body
            return {"_id": doc_id, "result": "created"}
        raise AssertionError(f"unexpected request {method} {path}")

    def bulk(self, lines, params=None):
        items = []
        for action, doc in zip(lines[::2], lines[1::2], strict=True):
            kind, meta = next(iter(action.items()))
            index = meta["_index"]
            target = next((n for n, i in self.indices.items() if n == index or
                           i["aliases"].get(index, {}).get("is_write_index")), None)
            docs = self.indices[target]["docs"]
            if kind == "create" and meta["_id"] in docs:
                items.append({kind: {"_index": target, "_id": meta["_id"], "status": 409,
                                     "error": {"type": "version_conflict_engine_exception", "reason": "exists"}}})
                continue
            created = meta["_id"] not in docs
            if kind == "update":
                docs[meta["_id"]] = {**docs.get(meta["_id"], doc.get("upsert", {})), **doc["doc"]}
            else:
                docs[meta["_id"]] = doc
            items.append({kind: {"_index": target, "_id": meta["_id"],
                                 "status": 201 if kind != "update" or created else 200}})
        return {"items": items, "errors": any(i[next(iter(i))]["status"] >= 300 for i in items)}

    def close(self):
        self.closed = True


@pytest.fixture(autouse=True)
def _fresh_analyzer_cache(monkeypatch):
    monkeypatch.setattr(client_mod, "_ANALYZERS", {})


def _store(cluster=None, alias="news-test"):
    cluster = cluster or MemoryCluster()
    return Store(SearchSettings(urls=(f"http://127.0.0.1:9/{alias}",), index=alias), cluster,
                 IndexLayout.from_env({})), cluster


def test_setup_creates_the_first_index_behind_the_alias_then_is_idempotent():
    store, cluster = _store()
    first = store.setup()
    assert "created news-test-000001 behind alias news-test" in first and "language-aware template" in first
    assert store.indices() == ["news-test-000001"] and "news-test-runs" in cluster.templates
    again = store.setup()
    assert "already set up" in again and list(cluster.indices) == ["news-test-000001", "news-test-ids"]
    assert cluster.indices["news-test-ids"]["mappings"]["_meta"]["complete"] is True  # the lookup index
    assert store.index_uuids() == {"uuid-1"}
    assert store.languages()["id"] == "id" and store.languages()["en"] == "en"


def test_a_cluster_without_language_analyzers_gets_the_fallback_template():
    store, _ = _store(MemoryCluster(analyzers=("standard",)))
    assert "standard-analysis fallback template" in store.setup()
    assert store.languages() == {}


def test_setup_adds_fields_an_older_index_lacks():
    store, cluster = _store()
    store.setup()
    props = cluster.indices["news-test-000001"]["mappings"]["properties"]
    dropped = next(k for k in props if k not in ("url", "title", "body"))
    del props[dropped]
    assert f"added new fields ['{dropped}']" in store.setup()
    assert dropped in cluster.indices["news-test-000001"]["mappings"]["properties"]


def test_an_alias_created_meanwhile_by_another_process_is_fine(monkeypatch):
    store, cluster = _store()
    real = cluster.request

    def racing(method, path, **kw):
        if method == "PUT" and path == "/news-test-000001":
            real("PUT", path, body={"aliases": {"news-test": {"is_write_index": True}}})
        return real(method, path, **kw)

    monkeypatch.setattr(cluster, "request", racing)
    assert "set up concurrently by another process" in store.setup()


def test_bulk_items_get_and_known_ids():
    store, cluster = _store()
    store.setup()
    items = store.bulk_raw([
        {"op": "index", "id": "a1", "doc": {"url": "https://kabar.example/1", "title": "Banjir", "language": "id",
                                            "body": "Banjir surut", "known_ids": ["a1", "short-1"]}},
        {"op": "create", "id": "a1", "doc": {"url": "https://kabar.example/1"}},
        {"op": "update", "id": "a1", "doc": {"version": 2}},
        {"op": "update", "id": "u1", "doc": {"version": 1}, "upsert": {"url": "https://kabar.example/u"}},
    ])
    assert [(i.id, i.status, i.ok) for i in items] == [("a1", 201, True), ("a1", 409, False), ("a1", 200, True),
                                                       ("u1", 201, True)]
    # the lookup index: where each written article is, and the other ids it is known under
    assert cluster.indices["news-test-ids"]["docs"] == {
        "a1": {"index": "news-test-000001", "id": "a1"}, "~short-1": {"index": "news-test-000001", "id": "a1"},
        "u1": {"index": "news-test-000001", "id": "u1"}}
    assert items[1].error and "version_conflict" in items[1].error
    stored = cluster.indices["news-test-000001"]["docs"]["a1"]
    assert stored["version"] == 2 and any(k.startswith("body_") for k in stored)  # per-language copy
    got = store.get_docs(["a1", "zz"], fields=["url"])
    assert set(got) == {"a1"} and got["a1"]["_index"] == "news-test-000001"
    known = store.known_docs(["short-1", "nope"])
    assert set(known) == {"short-1"} and known["short-1"]["_id"] == "a1"
    assert store.existing_ids(["a1", "b2"]) == {"a1"} and store.count() == 2
    assert store.bulk([{"_id": "b2", "url": "https://kabar.example/2"}]) == (1, [])
    with pytest.raises(ValueError, match="unknown bulk op"):
        store.bulk_raw([{"op": "delete", "id": "x", "doc": {}}])
    assert store.bulk_raw([]) == [] and BulkItem("x", 201, None).ok


def test_rollover_when_full_and_reads_across_every_index():
    store, cluster = _store()
    store.setup()
    store.bulk([{"_id": f"d{i}", "url": f"https://kabar.example/{i}"} for i in range(3)])
    assert store.rollover_if_needed(max_docs=10) is None
    assert store.rollover_if_needed(max_docs=3, max_size="30gb") == "news-test-000002"
    assert store.indices() == ["news-test-000002", "news-test-000001"]  # write index first
    assert store.get_docs(["d0"])["d0"]["_index"] == "news-test-000001"
    with pytest.raises(ValueError, match="needs max_docs"):
        store.rollover_if_needed()


def test_side_index_drop_and_close():
    store, cluster = _store()
    store.setup()
    run_id = store.index_doc("runs", {"status": "ok"}, "run-1")
    assert run_id == "run-1" and cluster.indices["news-test-runs"]["docs"]["run-1"] == {"status": "ok"}
    store.refresh()
    assert store.ping()["status"] == "green" and store.engine == "elasticsearch" and store.client is None
    store.drop()
    assert not cluster.indices and "news-test" not in cluster.templates
    assert store.indices() == [] and store.index_uuids() == set() and store.known_docs(["x"]) == {}
    assert store.get_docs(["x"]) == {}
    store.close()
    assert cluster.closed


def test_shards_and_replicas_by_cluster_size():
    store, _ = _store(MemoryCluster(data_nodes=3))
    body = store.template_body()
    assert body["template"]["settings"]["number_of_replicas"] == 1
    one, _ = _store(MemoryCluster(data_nodes=1))
    assert one.template_body()["template"]["settings"]["auto_expand_replicas"] == "0-1"
