"""Language-aware search for real, on both engines.

OpenSearch's test distribution ships analysis-common, so the full template installs and an
Indonesian (or Malay) query for a root word finds its affixed forms, English stemming works,
and the standard field still matches exact words only.  The Elasticsearch test node lacks
analysis-common: the same test proves the fallback template installs and plain search works.
"""

from __future__ import annotations

import os

import pytest

from news_ingest.search import HL_PRE, build_query, search

DOCS = {
    "id-affixed": {"url": "http://x/1", "language": "id", "title": "Pembangunan jembatan Kalimantan",
                   "body": "Pemerintah membangun jembatan baru. Pembangunan selesai tahun depan."},
    "ms-affixed": {"url": "http://x/2", "language": "ms", "title": "Kerajaan negeri",
                   "body": "Kerajaan negeri meneruskan pembangunan infrastruktur luar bandar."},
    "id-exact": {"url": "http://x/3", "language": "id", "title": "Tips pagi",
                 "body": "Bangun pagi membuat badan segar."},
    "en-affixed": {"url": "http://x/4", "language": "en", "title": "Factories",
                   "body": "The company is building two factories near the port."},
    "en-exact": {"url": "http://x/5", "language": "en", "title": "Software",
                 "body": "A new build of the app was released."},
}


@pytest.fixture
def loaded(store):
    items = store.bulk_raw([{"op": "index", "id": k, "doc": v} for k, v in DOCS.items()])
    assert all(i.ok for i in items), items
    store.refresh()
    return store


def _ids(store, body) -> set[str]:
    return {h["_id"] for h in store.search_raw(body)["hits"]["hits"]}


def _standard_only(store, word: str) -> set[str]:
    return _ids(store, {"query": {"match": {"body": word}}, "size": 20})


def test_cluster_gets_the_best_template_it_supports(store):
    meta = store.template_body()["template"]["mappings"]["_meta"]
    has_indonesian = "indonesian" in store.available_analyzers()
    if not os.environ.get("ES_TEST_URL") and not os.environ.get("OPENSEARCH_TEST_URL"):
        # the test distributions: OpenSearch ships analysis-common, Elasticsearch does not
        assert has_indonesian == (store.engine == "opensearch")
    assert meta["analysis"] == ("language" if has_indonesian else "standard")
    assert bool(store.languages()) == has_indonesian
    assert ("language-aware template" if has_indonesian else "fallback template") in store.setup()


def test_standard_field_matches_exact_words_only(loaded):
    assert _standard_only(loaded, "bangun") == {"id-exact"}
    assert _standard_only(loaded, "build") == {"en-exact"}


def test_indonesian_root_word_finds_affixed_forms(loaded):
    if "indonesian" not in loaded.available_analyzers():
        # fallback: no stemming, but the language-aware query is still valid and finds exact words
        assert loaded.languages() == {}
        assert "body_id" not in loaded.get_docs(["id-affixed"])["id-affixed"]
        assert _ids(loaded, build_query("bangun", language_group="id")) == {"id-exact"}
        return
    doc = loaded.get_docs(["ms-affixed"])["ms-affixed"]
    assert doc["body_id"] == DOCS["ms-affixed"]["body"]  # Malay goes through the Indonesian analyzer
    assert "body_en" not in doc
    # membangun, pembangunan (id) and pembangunan (ms) all stem to bangun
    found = _ids(loaded, build_query("bangun", language_group="id"))
    assert found == {"id-affixed", "ms-affixed", "id-exact"}
    hits = search(loaded, "bangun", language="id")["hits"]["hits"]  # --lang id also filters
    assert {h["_id"] for h in hits} == {"id-affixed", "id-exact"}
    assert any(HL_PRE in f for h in hits for f in h["highlight"].get("body_id", []))
    assert {h["_id"] for h in search(loaded, "bangun", language="ms")["hits"]["hits"]} == {"ms-affixed"}


def test_english_stemming(loaded):
    if "english" not in loaded.available_analyzers():
        assert _ids(loaded, build_query("build", language_group="en")) == {"en-exact"}
        return
    assert _ids(loaded, build_query("build", language_group="en")) == {"en-affixed", "en-exact"}
    assert _ids(loaded, build_query("factory")) == {"en-affixed"}  # all language fields, no --lang


def test_a_changed_language_leaves_no_stale_copy(loaded):
    if not loaded.languages():  # fallback template: no per-language copies are ever written
        loaded.bulk_raw([{"op": "index", "id": "id-exact", "doc": {**DOCS["id-exact"], "language": "en"}}])
        doc = loaded.get_docs(["id-exact"])["id-exact"]
        assert not [k for k in doc if k.startswith(("body_", "title_"))]
        return
    loaded.bulk_raw([{"op": "index", "id": "id-exact", "doc": {**DOCS["id-exact"], "language": "en"}}])
    doc = loaded.get_docs(["id-exact"])["id-exact"]
    assert "body_id" not in doc and doc["body_en"] == DOCS["id-exact"]["body"]
