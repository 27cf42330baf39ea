"""The "already indexed?" lookup against a real node: one search finds an article under any id it is
known under, across every index behind the alias; the indexer adopts instead of forking."""

from __future__ import annotations

from news_ingest.store.indexer import IndexConfig, Indexer
from pipelines import dedupe
from pipelines.article import Article

BODY = ("Air mulai surut di beberapa kelurahan sejak Kamis pagi, kata petugas BPBD setempat. Warga mulai "
        "membersihkan rumah dan jalan dari lumpur yang terbawa banjir selama tiga hari terakhir. ") * 4
SHORT = "https://kabarborneo.example/?p=123"
PERMALINK = "https://kabarborneo.example/2024/12/05/banjir-surut/"
AMP = PERMALINK + "amp/"


def test_lookup_by_any_known_id_in_one_search_across_a_rollover(store):
    store.setup()
    known = dedupe.identify(AMP, PERMALINK, [SHORT]).known_ids
    store.bulk_raw([{"op": "index", "id": known[0], "doc": {"url": AMP, "known_ids": list(known),
                                                            "modified_at": "2024-12-05T03:00:00+00:00"}}])
    store.rollover_if_needed(max_docs=1)
    store.bulk_raw([{"op": "index", "id": "other",
                     "doc": {"url": "https://x.example/b", "known_ids": ["other"]}}])
    store.refresh()
    calls = []
    real = store.search_raw
    store.search_raw = lambda body: calls.append(body) or real(body)  # count the requests
    asked = [dedupe.article_id(SHORT), dedupe.article_id(AMP), dedupe.article_id(PERMALINK),
             dedupe.article_id("https://kabarborneo.example/unknown/"), "other"]
    found = store.known_docs(asked, ["modified_at"])
    assert len(calls) == 1
    assert set(found) == {dedupe.article_id(SHORT), dedupe.article_id(AMP), dedupe.article_id(PERMALINK),
                          "other"}
    assert {found[i]["_id"] for i in asked[:3]} == {known[0]}
    assert found[asked[0]]["modified_at"] == "2024-12-05T03:00:00+00:00"
    assert store.existing_ids(asked) == set(found)


def test_indexer_adopts_the_stored_document_an_alias_points_to(store, tmp_path):
    cfg = IndexConfig(spool_dir=tmp_path / "spool", dead_letter_dir=tmp_path / "dead")
    ix = Indexer(store, cfg)
    ix.add(Article(url=SHORT, source="kabar", title="Banjir", body=BODY,
                   fetched_at="2024-12-05T03:00:00+00:00",
                   known_ids=[dedupe.article_id(SHORT)]))
    ix.flush()
    store.refresh()
    ix.add(Article(url=PERMALINK, canonical_url=PERMALINK, source="kabar", title="Banjir", body=BODY,
                   fetched_at="2024-12-06T03:00:00+00:00",
                   known_ids=[dedupe.article_id(PERMALINK), dedupe.article_id(SHORT)]))
    ix.close()
    store.refresh()
    hits = store.search_raw({"query": {"match_all": {}}})["hits"]["hits"]
    assert [h["_id"] for h in hits] == [dedupe.article_id(SHORT)]
    assert set(hits[0]["_source"]["known_ids"]) == {dedupe.article_id(SHORT), dedupe.article_id(PERMALINK)}
