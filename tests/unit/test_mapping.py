"""The Article dataclass and the index templates stay in step (no cluster needed)."""

from __future__ import annotations

import json
import typing

import pytest

from news_ingest.store.client import (
    LANG_TEXT_FIELDS,
    RUNS_TEMPLATE_PATH,
    derive_language_fields,
    language_group,
    load_languages,
    template_for,
)
from pipelines.article import ARTICLE_FIELDS, Article

ALL_ANALYZERS = sorted({g["analyzer"] for g in load_languages().values()})


def _props(analyzers=None) -> dict:
    return template_for("news-articles", analyzers)["template"]["mappings"]["properties"]


def _lang_field(name: str) -> bool:
    head, _, tail = name.partition("_")
    return head in LANG_TEXT_FIELDS and tail in load_languages()


@pytest.mark.parametrize("analyzers", [None, ALL_ANALYZERS], ids=["fallback", "language-aware"])
def test_every_article_field_is_mapped_and_nothing_else(analyzers):
    props = _props(analyzers)
    assert set(ARTICLE_FIELDS) - set(props) == set()
    assert {p for p in props if not _lang_field(p)} == set(ARTICLE_FIELDS)


def test_mapping_types_follow_the_dataclass():
    props = _props()
    hints = typing.get_type_hints(Article)
    for name in ARTICLE_FIELDS:
        hint, mapping = str(hints[name]), props[name]
        if name.endswith("_at") or name.endswith("_at_"):
            assert mapping["type"] == "date", name
        elif hint.startswith("bool"):
            assert mapping["type"] == "boolean", name
        elif hint.startswith("int"):
            assert mapping["type"] == "integer", name
        elif hint.startswith("float"):
            assert mapping["type"] == "float", name
        elif hint.startswith("dict") or "dict[" in hint:
            assert mapping["type"] == "object", name


def test_unknown_fields_are_rejected_and_bookkeeping_not_searched():
    mappings = template_for("a", None)["template"]["mappings"]
    assert mappings["dynamic"] == "strict"
    props = mappings["properties"]
    assert props["removed_segments"] == {"type": "object", "enabled": False}
    assert props["provenance"]["dynamic"] is False
    assert props["fingerprint"]["index"] is False


@pytest.mark.parametrize("analyzers", [None, ALL_ANALYZERS], ids=["fallback", "language-aware"])
def test_body_is_never_keyword_indexed(analyzers):
    """Lucene's 32 KB term limit must not truncate (or reject) long articles."""
    for name, mapping in _props(analyzers).items():
        if name == "body" or name.startswith("body_") or name == "description":
            assert mapping["type"] == "text", name
            assert "fields" not in mapping, name


def test_title_is_text_with_a_keyword_and_aggregatable_facets_are_keywords():
    props = _props()
    assert props["title"]["type"] == "text" and props["title"]["fields"]["keyword"]["type"] == "keyword"
    for facet in ("source", "domain", "country", "language", "source_attribution", "authors", "tags",
                  "cluster_id", "content_hash", "fingerprint_bands", "dateline"):
        assert props[facet]["type"] == "keyword", facet


def test_language_aware_template_has_a_stemmed_pair_per_group_and_standard_fields_always():
    full, fallback = template_for("x", ALL_ANALYZERS), template_for("x", None)
    fprops = full["template"]["mappings"]["properties"]
    for group, spec in load_languages().items():
        for field in LANG_TEXT_FIELDS:
            assert fprops[f"{field}_{group}"] == {"type": "text", "analyzer": spec["analyzer"]}
    assert fprops["body"]["analyzer"] == "standard" and fprops["title"]["analyzer"] == "standard"
    meta = full["template"]["mappings"]["_meta"]
    assert meta["analysis"] == "language" and meta["languages"]["ms"] == "id"
    assert fallback["template"]["mappings"]["_meta"] == {**meta, "analysis": "standard", "languages": {}}
    assert not any(_lang_field(p) for p in fallback["template"]["mappings"]["properties"])


def test_partial_analyzer_support_maps_only_what_the_cluster_has():
    props = _props(["english"])
    assert "body_en" in props and "body_id" not in props and "title_de" not in props


def test_template_targets_only_rollover_indices_of_the_alias():
    body = template_for("news-articles", None)
    assert body["index_patterns"] == ["news-articles-0*"]  # not news-articles-runs
    assert body["template"]["settings"]["number_of_shards"] == 1


def test_language_groups():
    langs = template_for("x", ALL_ANALYZERS)["template"]["mappings"]["_meta"]["languages"]
    assert language_group("ms", langs) == "id"
    assert language_group("id", langs) == "id"
    assert language_group("zh-CN", langs) == "cjk"
    assert language_group("EN_us", langs) == "en"
    assert language_group("tl", langs) is None and language_group(None, langs) is None


def test_derive_language_fields_is_idempotent_and_drops_stale_copies():
    langs = {"id": "id", "ms": "id", "en": "en"}
    doc = {"title": "Judul", "body": "Isi berita", "language": "ms", "body_en": "stale"}
    out = derive_language_fields(doc, langs)
    assert out == {"title": "Judul", "body": "Isi berita", "language": "ms",
                   "title_id": "Judul", "body_id": "Isi berita"}
    assert derive_language_fields(out, langs) == out
    assert derive_language_fields({"url": "u", "language": "xx", "body": "b"}, langs) == {
        "url": "u", "language": "xx", "body": "b"}
    # fallback cluster: no language fields at all, even ones the document came with
    assert derive_language_fields(doc, {}) == {"title": "Judul", "body": "Isi berita", "language": "ms"}


def test_runs_template_is_valid_json_with_the_ledger_fields():
    body = json.loads(RUNS_TEMPLATE_PATH.read_text())
    props = body["mappings"]["properties"]
    for name in ("run_id", "started_at", "finished_at", "sources", "counts", "errors", "status"):
        assert name in props


def _keywords(props: dict, prefix: str = ""):
    for name, m in props.items():
        if m.get("type") == "keyword":
            yield prefix + name, m
        yield from _keywords(m.get("properties", {}), f"{prefix}{name}.")
        yield from _keywords(m.get("fields", {}), f"{prefix}{name}.")


@pytest.mark.parametrize("props", [_props(ALL_ANALYZERS),
                                   json.loads(RUNS_TEMPLATE_PATH.read_text())["mappings"]["properties"]],
                         ids=["articles", "runs"])
def test_no_keyword_value_can_be_too_long_for_the_index(props):
    """Lucene refuses a term over 32766 bytes, and with it the whole document: every indexed or
    doc-valued keyword has ignore_above (characters; 8191 * 4 UTF-8 bytes fits), so one oversize
    value (a 40 kB og:site_name) is kept in _source, not indexed, and never costs the article."""
    for name, m in _keywords(props):
        if m.get("index", True) is False and m.get("doc_values", True) is False:
            continue  # stored only in _source: no term at all
        assert 0 < m.get("ignore_above", 0) <= 8191, name
