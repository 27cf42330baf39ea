"""The store against the real nodes (both engines): setup, bulk, reads, rollover, errors."""

from __future__ import annotations

import pytest

from news_ingest.search import HL_PRE, search
from news_ingest.settings import SearchSettings
from news_ingest.store.client import BulkItem, StoreError, StoreUnavailable, connect


def test_engine_is_detected_from_the_cluster(search_node):
    st = connect(SearchSettings(urls=(search_node.url,), index="unused", engine="auto"))
    assert st.engine == search_node.engine


def test_setup_is_idempotent_and_creates_alias(store):
    assert "already set up" in store.setup()
    assert store.indices(fresh=True) == [f"{store.alias}-000001"]
    resp = store.backend.request("GET", f"/_alias/{store.alias}")
    assert resp[f"{store.alias}-000001"]["aliases"][store.alias]["is_write_index"] is True


def test_bulk_raw_reports_each_operation_in_order(store):
    items = store.bulk_raw([
        {"op": "index", "id": "a", "doc": {"url": "http://x/a", "title": "Satu"}},
        {"op": "create", "id": "a", "doc": {"url": "http://x/a"}},
        {"op": "index", "id": "b", "doc": {"url": "http://x/b", "surprise": 1}},
        {"op": "update", "id": "c", "doc": {"title": "baru"}, "upsert": {"url": "http://x/c"}},
        {"op": "update", "id": "missing", "doc": {"title": "x"}},
        {"op": "update", "id": "a", "doc": {"title": "Dua"}},
    ])
    assert [(i.id, i.status) for i in items] == [("a", 201), ("a", 409), ("b", 400), ("c", 201),
                                                ("missing", 404), ("a", 200)]
    assert "strict_dynamic_mapping_exception" in items[2].error
    assert items[0] == BulkItem("a", 201, None) and items[0].ok and not items[1].ok
    docs = store.get_docs(["a", "c", "nope"])
    assert set(docs) == {"a", "c"}
    assert docs["a"]["title"] == "Dua" and docs["a"]["_index"] == f"{store.alias}-000001"
    assert docs["c"] == {"url": "http://x/c", "_index": f"{store.alias}-000001"}  # upsert, not doc
    first = f"{store.alias}-000001"
    assert store.get_docs(["a"], fields=["url"])["a"] == {"url": "http://x/a", "_index": first}
    store.refresh()
    assert store.existing_ids(["a", "b", "zz"]) == {"a"}  # one search: near real time, after a refresh
    assert store.count() == 2
    assert store.count({"term": {"url": "http://x/c"}}) == 1


def test_bulk_index_and_full_text_search(store):
    docs = [
        {"_id": "a", "url": "http://x/a", "title": "Perjanjian pertahanan Korea Utara dan Rusia",
         "body": "Perjanjian pertahanan mulai berlaku pada hari Rabu.", "language": "id"},
        {"_id": "b", "url": "http://x/b", "title": "Banjir Jakarta surut",
         "body": "Banjir yang merendam permukiman mulai surut.", "language": "id"},
    ]
    assert store.bulk(docs) == (2, [])
    store.refresh()
    assert store.count() == 2
    hits = search(store, "perjanjian pertahanan")["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["a"]
    assert f"{HL_PRE}Perjanjian" in hits[0]["highlight"]["body"][0]


def test_unknown_field_is_rejected_not_silently_mapped(store):
    ok, errors = store.bulk([{"_id": "c", "url": "http://x/c", "surprise": 1}])
    assert ok == 0 and len(errors) == 1
    assert "strict_dynamic_mapping_exception" in str(errors[0])


def test_rollover_moves_writes_and_reads_span_all_indices(store):
    store.bulk_raw([{"op": "index", "id": f"d{i}", "doc": {"url": f"http://x/{i}"}} for i in range(3)])
    store.refresh()
    assert store.rollover_if_needed(max_docs=100) is None
    new = store.rollover_if_needed(max_docs=3)
    assert new == f"{store.alias}-000002"
    assert store.indices() == [new, f"{store.alias}-000001"]
    # a re-crawl of d0 goes where get_docs found it: no second copy in the new write index
    old = store.get_docs(["d0"])["d0"]
    assert old["_index"] == f"{store.alias}-000001"
    items = store.bulk_raw([{"op": "index", "id": "d0", "index": old["_index"], "doc": {"url": "http://x/0b"}},
                            {"op": "create", "id": "d9", "doc": {"url": "http://x/9"}}])
    assert [i.status for i in items] == [200, 201]
    assert store.get_docs(["d9"])["d9"]["_index"] == new
    store.refresh()
    assert store.count() == 4
    assert store.count({"term": {"url": "http://x/0b"}}) == 1
    assert "already set up" in store.setup()  # setup after a rollover keeps the alias as is


def test_run_ledger_side_index(store):
    from news_ingest.store.ledger import recent_runs, record_run

    run_id = record_run(store, {"run_id": "r1", "started_at": "2024-12-01T00:00:00+00:00",
                                "finished_at": "2024-12-01T00:10:00+00:00", "sources": ["tribunnews"],
                                "counts": {"news/indexed": 12}, "errors": ["timeout x"], "status": "ok"})
    assert run_id == "r1"
    runs = recent_runs(store)
    assert runs[0]["duration_s"] == 600.0 and runs[0]["error_count"] == 1
    assert runs[0]["engine"] == store.engine
    assert store.count() == 0  # the ledger is not behind the article alias


def test_unreachable_cluster_gives_one_clear_message():
    with pytest.raises(StoreUnavailable, match=r"cannot reach the search cluster at http://127.0.0.1:9 .*"
                                              r"Fix: .*make es-up"):
        connect(SearchSettings(urls=("http://127.0.0.1:9",)))
    with pytest.raises(StoreUnavailable, match=r"cannot reach OpenSearch .*make os-up"):
        connect(SearchSettings(urls=("http://127.0.0.1:9",), engine="opensearch"))


def test_connect_without_check_needs_no_cluster():
    st = connect(SearchSettings(urls=("http://127.0.0.1:9",)), check=False)
    with pytest.raises(StoreUnavailable):
        st.bulk_raw([{"op": "index", "id": "a", "doc": {"url": "u"}}])


def test_unknown_engine_is_a_clear_error():
    with pytest.raises(StoreError, match="SEARCH_ENGINE='solr' is not one of"):
        connect(SearchSettings(engine="solr"), check=False)


def test_credentials_never_in_repr_or_display_url():
    s = SearchSettings.from_env({"ES_URL": "http://user:secret@127.0.0.1:9200", "ES_API_KEY": "k3y",
                                 "ES_PASSWORD": "pw"})
    assert "secret" not in s.display_url and "k3y" not in repr(s) and "pw" not in repr(s)


def test_http_statuses_map_to_the_errors_callers_act_on():
    from news_ingest.store.backends.base import RequestTooLarge, classify

    where = "http://127.0.0.1:9200"
    assert type(classify(413, "too big", where, "elasticsearch")) is RequestTooLarge
    for status in (429, 500, 503):
        assert type(classify(status, "busy", where, "opensearch")) is StoreUnavailable
    assert type(classify(None, "refused", where, "opensearch")) is StoreUnavailable
    err = classify(401, "", where, "elasticsearch")
    assert type(err) is StoreError and err.status == 401 and "ES_API_KEY" in str(err)
    assert classify(400, "mapper_parsing_exception: x", where, "elasticsearch").status == 400


def test_setup_racing_another_process_is_not_an_error(store, monkeypatch):
    """Two crawlers starting on an empty cluster both see no alias; the slower one's create
    fails with resource_already_exists, which is the state it wanted."""
    real = store._req

    def no_alias_yet(method, path, **kw):
        if method == "GET" and path == f"/_alias/{store.alias}":
            return None
        return real(method, path, **kw)

    monkeypatch.setattr(store, "_req", no_alias_yet)
    assert "set up concurrently" in store.setup()
    monkeypatch.undo()
    assert store.indices(fresh=True) == [f"{store.alias}-000001"]


def test_setup_brings_an_index_of_an_older_version_up_to_date(store):
    """An index created before a field existed would dead-letter every new article (strict
    mapping); setup adds the missing fields in place."""
    write = store.indices(fresh=True)[0]
    store._req("DELETE", f"/{write}")
    store._req("DELETE", f"/_index_template/{store.alias}")  # as before this version existed
    store._req("PUT", f"/{write}", body={
        "aliases": {store.alias: {"is_write_index": True}},
        "mappings": {"dynamic": "strict", "properties": {"url": {"type": "keyword"}}}})
    assert "added new fields" in store.setup()
    items = store.bulk_raw([{"op": "index", "id": "x", "doc": {
        "url": "http://x/1", "title": "Judul", "fingerprint_bands": ["00:ab"], "version": 1}}])
    assert [it.status for it in items] == [201]
    assert "added new fields" not in store.setup()  # idempotent


def test_first_run_record_gets_the_ledger_template(es_settings):
    """A run that indexed nothing never ran setup: its ledger record must not auto-create
    <alias>-runs with guessed types and a replica a single node cannot place."""
    from news_ingest.store.ledger import record_run

    st = connect(es_settings)
    try:
        record_run(st, {"run_id": "r1", "started_at": "2024-12-06T00:00:00+00:00",
                        "finished_at": "2024-12-06T00:01:00+00:00", "sources": ["kompas"], "status": "ok"})
        index = f"{st.alias}-runs"
        settings = st.backend.request("GET", f"/{index}/_settings")[index]["settings"]["index"]
        assert settings["auto_expand_replicas"] == "0-1" and settings["number_of_shards"] == "1"
        props = st.backend.request("GET", f"/{index}/_mapping")[index]["mappings"]["properties"]
        assert props["started_at"]["type"] == "date" and props["status"]["type"] == "keyword"
        health = st.backend.request("GET", f"/_cluster/health/{index}", params={"wait_for_status": "green"})
        assert health["status"] == "green"
    finally:
        st.drop()


def test_rollover_command_is_quiet_for_cron(store):
    """`news-ingest rollover` from cron: nothing on stderr (a deprecation warning is a daily mail)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "ES_URL": store.settings.urls[0], "ES_INDEX": store.alias,
           "SEARCH_ENGINE": store.engine}
    env.pop("SEARCH_URL", None)
    for args in (["rollover"], ["rollover", "--max-docs", "1", "--max-size", "1gb"]):
        proc = subprocess.run([sys.executable, "-m", "news_ingest.cli", *args], env=env, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    store.bulk([{"_id": "a", "url": "http://x/a"}])
    store.refresh()
    proc = subprocess.run([sys.executable, "-m", "news_ingest.cli", "rollover", "--max-docs", "1"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stderr == "" and "rolled over to" in proc.stdout, proc.stderr


@pytest.mark.parametrize("engine", ["auto", "elasticsearch", "opensearch"])
def test_es_url_naming_a_web_server_is_a_clear_error(engine):
    """ES_URL pointing at Kibana or some web server: one message saying so, not the client's
    'Unknown mimetype' or an HTML page."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Page(BaseHTTPRequestHandler):
        def _page(self) -> None:
            body = b"<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>"
            self.send_response(200 if self.path == "/" else 404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_HEAD = _page  # noqa: N815 - http.server API

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with pytest.raises(StoreError) as err:
            connect(SearchSettings(urls=(url,), index="x", engine=engine)).count()
    finally:
        server.shutdown()
        server.server_close()
    msg = str(err.value)
    assert "not a search cluster's JSON" in msg and "Fix: ES_URL=" in msg and "<html" not in msg, msg


def test_one_node_gets_auto_expanding_replicas_and_green(store):
    """A single node cannot place a replica: the index auto-expands 0-1 (green now, one replica as
    soon as a second node joins).  The 3-node case is in test_cluster_node_loss."""
    write = store.indices(fresh=True)[0]
    got = store._req("GET", f"/{write}/_settings")[write]["settings"]["index"]
    assert got["auto_expand_replicas"] == "0-1" and got["number_of_shards"] == "1"
    health = store._req("GET", f"/_cluster/health/{write}", params={"wait_for_status": "green"})
    assert health["status"] == "green"


def test_index_replicas_setting_overrides_the_choice(es_settings):
    from news_ingest.store.backends import create_backend
    from news_ingest.store.client import IndexLayout, Store

    st = Store(es_settings, create_backend(es_settings), IndexLayout.from_env({"INDEX_REPLICAS": "0"}))
    try:
        assert "replicas 0" in st.setup()
        write = st.indices(fresh=True)[0]
        got = st._req("GET", f"/{write}/_settings")[write]["settings"]["index"]
        assert got["number_of_replicas"] == "0" and got.get("auto_expand_replicas", "false") == "false"
    finally:
        st.drop()
        st.close()
