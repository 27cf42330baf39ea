"""The store against the real node: setup, bulk, full-text search, clear errors."""

from __future__ import annotations

import pytest

from news_ingest.settings import SearchSettings
from news_ingest.store import StoreError, connect


def test_setup_is_idempotent_and_creates_alias(store):
    assert "already set up" in store.setup()
    aliases = store.client.indices.get_alias(name=store.alias)
    assert list(aliases) == [f"{store.alias}-000001"]
    assert aliases[f"{store.alias}-000001"]["aliases"][store.alias]["is_write_index"] is True


def test_bulk_index_and_full_text_search(store):
    docs = [
        {"_id": "a", "url": "http://x/a", "title": "Perjanjian pertahanan Korea Utara dan Rusia",
         "body": "Perjanjian pertahanan mulai berlaku pada hari Rabu.", "language": "id"},
        {"_id": "b", "url": "http://x/b", "title": "Banjir Jakarta surut",
         "body": "Banjir yang merendam permukiman mulai surut.", "language": "id"},
    ]
    ok, errors = store.bulk(docs)
    assert (ok, errors) == (2, [])
    store.refresh()
    assert store.count() == 2
    hits = store.search("perjanjian pertahanan")["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["a"]
    assert "<em>" in hits[0]["highlight"]["body"][0]


def test_unknown_field_is_rejected_not_silently_mapped(store):
    ok, errors = store.bulk([{"_id": "c", "url": "http://x/c", "surprise": 1}])
    assert ok == 0 and len(errors) == 1
    assert "strict_dynamic_mapping_exception" in str(errors[0])


def test_unreachable_cluster_gives_one_clear_message():
    with pytest.raises(StoreError, match=r"cannot reach Elasticsearch at http://127.0.0.1:9\. Fix: .*make es-up"):
        connect(SearchSettings(urls=("http://127.0.0.1:9",)))


def test_credentials_never_in_repr_or_display_url():
    s = SearchSettings.from_env({"ES_URL": "http://user:secret@127.0.0.1:9200", "ES_API_KEY": "k3y",
                                 "ES_PASSWORD": "pw"})
    assert "secret" not in s.display_url and "k3y" not in repr(s) and "pw" not in repr(s)
