"""Article identity at index time: the id an article gets, the ids it is known under, no forks, no
overwrites across outlets (the bulk indexer against the fake store of test_indexer)."""

from __future__ import annotations

from pipelines import dedupe
from pipelines.article import Article
from pipelines.extract import extract
from tests.unit.test_indexer import env  # noqa: F401 - fixture

BODY = ("Air mulai surut di beberapa kelurahan sejak Kamis pagi, kata petugas BPBD setempat. Warga mulai "
        "membersihkan rumah dan jalan dari lumpur yang terbawa banjir selama tiga hari terakhir. ") * 4
WIRE = "https://kabarborneo.example/2024/12/05/banjir-surut/"
COPY = "https://partner.example/nasional/banjir-surut-samarinda"


def page(canonical: str) -> str:
    return (f'<html lang="id"><head><title>Banjir surut</title><link rel="canonical" href="{canonical}">'
            f'<meta property="og:type" content="article"></head><body><article><h1>Banjir surut</h1>'
            f"<p>{BODY}</p></article></body></html>")


def test_a_syndicated_copy_does_not_overwrite_the_original(env):  # noqa: F811
    store, _, ix = env
    ix.add(Article(url=WIRE, canonical_url=WIRE, source="kabar", title="Banjir surut", body=BODY,
                   fetched_at="2024-12-05T03:00:00+00:00"))
    # the partner's copy declares the original as canonical (legitimate for search engines)
    ix.add(Article(url=COPY, canonical_url=WIRE, source="partner", title="Banjir surut", body=BODY + " (Ant)",
                   fetched_at="2024-12-05T04:00:00+00:00"))
    ix.close()
    assert store.docs[dedupe.article_id(WIRE)]["source"] == "kabar"
    assert store.docs[dedupe.article_id(COPY)]["source"] == "partner"
    assert store.docs[dedupe.article_id(COPY)]["canonical_url"] == WIRE  # kept as a field


def test_extraction_gives_the_ids_with_the_sources_hosts():
    owner = {"domains": ["partner.example"], "ports": [80, 443]}
    res = extract(page(WIRE), COPY, {"owner": owner})
    assert res.article.known_ids == [dedupe.article_id(COPY)]
    amp = "https://kabarborneo.example/2024/12/05/banjir-surut/amp/"
    res = extract(page(WIRE), amp, {"owner": {"domains": ["kabarborneo.example"], "ports": [80, 443]},
                                     "redirected_from": ["https://kabarborneo.example/?p=123"]})
    assert res.article.known_ids == [dedupe.article_id(u) for u in (WIRE, amp, "https://kabarborneo.example/?p=123")]


def test_an_article_found_under_a_known_url_keeps_its_document(env):  # noqa: F811
    store, _, ix = env
    first = Article(url="https://kabarborneo.example/?p=123", source="kabar", body=BODY, title="Banjir",
                    known_ids=[dedupe.article_id("https://kabarborneo.example/?p=123")],
                    fetched_at="2024-12-05T03:00:00+00:00")
    ix.add(first)
    ix.flush()
    # next crawl: the same article, now with a canonical that gives another id
    again = Article(url=WIRE, canonical_url=WIRE, source="kabar", body=BODY, title="Banjir",
                    known_ids=[dedupe.article_id(WIRE), dedupe.article_id("https://kabarborneo.example/?p=123")],
                    fetched_at="2024-12-06T03:00:00+00:00")
    ix.add(again)
    ix.close()
    assert list(store.docs) == [dedupe.article_id("https://kabarborneo.example/?p=123")]  # no fork
    doc = next(iter(store.docs.values()))
    assert doc["known_ids"][0] == dedupe.article_id("https://kabarborneo.example/?p=123")
    assert set(doc["known_ids"]) == {dedupe.article_id(WIRE), dedupe.article_id("https://kabarborneo.example/?p=123")}
    assert ix.stats["adopted_known_id"] == 1


def test_another_sources_alias_is_never_adopted(env):  # noqa: F811
    store, _, ix = env
    shared = dedupe.article_id("https://kabarborneo.example/?p=123")
    ix.add(Article(url="https://kabarborneo.example/?p=123", source="kabar", body=BODY, known_ids=[shared],
                   fetched_at="2024-12-05T03:00:00+00:00"))
    ix.flush()
    ix.add(Article(url=COPY, source="partner", body=BODY, fetched_at="2024-12-06T03:00:00+00:00",
                   known_ids=[dedupe.article_id(COPY), shared]))
    ix.close()
    assert {d["source"] for d in store.docs.values()} == {"kabar", "partner"}
