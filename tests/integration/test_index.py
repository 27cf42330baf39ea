"""The index stage against the real node: batching, re-crawl revisions, dead letters, syndication."""

from __future__ import annotations

from pathlib import Path

from news_ingest.store.indexer import IndexConfig, Indexer
from news_ingest.store.spool import DeadLetters
from pipelines import dedupe
from pipelines.article import Article

SEED = (Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "tribunnews-korut-rusia.txt").read_text()
TITLE, BODY = SEED.split("\n", 1)
UNRELATED = (
    "Harga minyak sawit mentah di pasar Malaysia naik untuk hari ketiga berturut-turut pada Selasa, "
    "didorong oleh permintaan yang kuat dari India dan melemahnya ringgit terhadap dolar Amerika. "
    "Kontrak berjangka untuk pengiriman Februari di Bursa Malaysia Derivatives naik 1,2 persen menjadi "
    "4.890 ringgit per ton. Para pedagang mengatakan produksi yang lebih rendah akibat musim hujan di "
    "Sabah dan Sarawak juga menopang harga, sementara stok di Indonesia diperkirakan turun.")


def art(url: str, body: str, fetched: str, **kw) -> Article:
    return Article(url=url, source=kw.pop("source", "tribunnews"), title=kw.pop("title", TITLE), body=body,
                   language="id", fetched_at=fetched, **kw)


def get(store, url: str) -> dict:
    return store.get_docs([dedupe.article_id(url)])[dedupe.article_id(url)]


def test_batches_by_count_into_few_bulk_requests(store, make_indexer):
    ix = make_indexer(batch_docs=5)
    for n in range(12):
        ix.add(art(f"https://www.tribunnews.com/berita/{n}", f"{UNRELATED} Nomor {n}.",
                   "2024-12-04T08:00:00+00:00"))
    ix.close()
    store.refresh()
    assert store.count() == 12
    assert ix.stats["bulk_requests"] == 3 and ix.stats["indexed"] == 12


def test_recrawl_updates_in_place_and_stealth_edit_bumps_version(store, make_indexer):
    url = "https://www.tribunnews.com/internasional/2024/12/04/korut-rusia"
    ix = make_indexer()
    ix.add(art(url, BODY, "2024-12-04T08:00:00+00:00", modified_at="2024-12-04T07:30:00+00:00"))
    ix.flush()
    ix.add(art(url + "?utm_source=wa#x", BODY, "2024-12-04T20:00:00+00:00"))  # same page, re-crawled
    ix.flush()
    store.refresh()
    assert store.count() == 1
    doc = get(store, url)
    assert doc["version"] == 1 and not doc.get("history")
    assert doc["first_seen_at"].startswith("2024-12-04T08")
    assert doc["last_seen_at"].startswith("2024-12-04T20")
    assert doc["modified_at"] == "2024-12-04T07:30:00+00:00"  # kept: the re-crawl did not see it
    first_hash = doc["content_hash"]

    ix.add(art(url, BODY.replace("10.000 tentara", "11.000 tentara"), "2024-12-05T09:00:00+00:00"))
    ix.close()
    store.refresh()
    assert store.count() == 1
    doc = get(store, url)
    assert doc["version"] == 2 and "11.000 tentara" in doc["body"]
    assert doc["first_seen_at"].startswith("2024-12-04T08")
    assert doc["last_seen_at"].startswith("2024-12-05T09")
    assert doc["history"] == [{"content_hash": first_hash, "modified_at": "2024-12-04T07:30:00+00:00",
                               "seen_at": "2024-12-04T20:00:00+00:00"}]
    # the stealth edit is findable: documents whose content changed after first publication
    assert store.count({"range": {"version": {"gt": 1}}}) == 1


def test_rejected_document_goes_to_dead_letter_with_reason(store, make_indexer, tmp_path):
    ix = make_indexer()
    ix.add(art("https://www.tribunnews.com/berita/ok", UNRELATED, "2024-12-04T08:00:00+00:00"))
    ix.add(art("https://www.tribunnews.com/berita/bad", BODY, "2024-12-04T08:00:00+00:00",
               published_at="kemarin sore"))  # not a date: the mapping rejects it
    ix.close()
    store.refresh()
    assert store.count() == 1
    assert ix.stats["dead_letter"] == 1 and ix.stats["indexed"] == 1
    (rec,) = DeadLetters(tmp_path / "dead").read_all()
    assert rec["status"] == 400 and "published_at" in rec["reason"]
    assert rec["doc"]["url"].endswith("/berita/bad") and rec["doc"]["body"] == BODY
    assert rec["id"] == dedupe.article_id("https://www.tribunnews.com/berita/bad")


def test_wire_story_on_two_outlets_shares_a_cluster_earliest_marked(store, make_indexer):
    reprint = "\n".join(ln for ln in BODY.replace("TRIBUNNEWS.COM-", "Seoul (ANTARA) -").splitlines()
                        if not ln.startswith("Baca juga"))[:-40] + "\n(Sumber: AFP)"
    ix = make_indexer()
    ix.add(art("https://www.tribunnews.com/internasional/korut", BODY, "2024-12-04T08:00:00+00:00"))
    ix.flush()  # first outlet indexed and visible before the second arrives
    store.refresh()
    ix.add(art("https://www.antaranews.com/berita/korut-rusia", reprint, "2024-12-04T11:00:00+00:00",
               source="antaranews"))
    ix.add(art("https://kumparan.com/berita/korut-rusia", BODY, "2024-12-04T12:00:00+00:00",
               source="kumparan"))  # exact copy
    ix.add(art("https://www.tribunnews.com/bisnis/sawit", UNRELATED, "2024-12-04T12:00:00+00:00"))
    ix.close()
    store.refresh()
    first = get(store, "https://www.tribunnews.com/internasional/korut")
    second = get(store, "https://www.antaranews.com/berita/korut-rusia")
    third = get(store, "https://kumparan.com/berita/korut-rusia")
    other = get(store, "https://www.tribunnews.com/bisnis/sawit")
    assert first["cluster_id"] == second["cluster_id"] == third["cluster_id"] == \
        dedupe.article_id("https://www.tribunnews.com/internasional/korut")
    assert first["is_cluster_canonical"] is True
    assert second["is_cluster_canonical"] is False and third["is_cluster_canonical"] is False
    assert other["cluster_id"] != first["cluster_id"] and other["is_cluster_canonical"] is True
    # users collapse reprints and count them
    resp = store.search_raw({"size": 10, "query": {"match": {"body": "perjanjian pertahanan"}},
                             "collapse": {"field": "cluster_id"},
                             "aggs": {"copies": {"terms": {"field": "cluster_id"}}}})
    assert len(resp["hits"]["hits"]) == 1
    assert resp["aggregations"]["copies"]["buckets"][0]["doc_count"] == 3


def test_spool_replay_into_real_node_is_idempotent(store, make_indexer):
    ix = make_indexer()
    docs = [ix.prepare(art(f"https://www.tribunnews.com/berita/s{n}", f"{UNRELATED} Spool {n}.",
                           "2024-12-04T08:00:00+00:00")) for n in range(7)]
    ix.spool.append(docs[:4], reason="test")
    ix.spool.append(docs[4:], reason="test")
    ix.spool.close()
    ix.send(docs[:2])  # two of them already arrived some other way
    res = make_indexer().replay()
    assert res.records == 7 and res.pending_segments == 0
    store.refresh()
    assert store.count() == 7
    assert make_indexer().replay().records == 0


def test_recrawl_after_rollover_updates_the_copy_in_the_old_index(store, make_indexer):
    url = "https://www.tribunnews.com/internasional/korut-rollover"
    ix = make_indexer()
    ix.add(art(url, BODY, "2024-12-04T08:00:00+00:00"))
    ix.flush()
    store.refresh()
    assert store.rollover_if_needed(max_docs=1)  # the alias now writes to a second index
    ix.add(art(url, BODY + "\nRalat: judul diperbaiki.", "2024-12-05T08:00:00+00:00"))
    ix.close()
    store.refresh()
    assert store.count() == 1  # updated where it lives, not copied into the new write index
    doc = get(store, url)
    assert doc["version"] == 2 and doc["body"].endswith("diperbaiki.")
    assert doc["_index"].endswith("-000001")


def test_spooled_documents_are_replayed_into_the_alias_they_were_written_to(store, make_indexer, tmp_path):
    """An outage while writing to ES_INDEX=news-x, replayed by a process configured for another
    alias: the documents go back to news-x, not into the replaying process's alias."""
    from dataclasses import replace

    from news_ingest.store.client import Store

    other = Store(replace(store.settings, index=store.alias + "-x"), store.backend)
    other.setup()
    try:
        writer = Indexer(other, IndexConfig(spool_dir=tmp_path / "spool", dead_letter_dir=tmp_path / "dead"))
        docs = [writer.prepare(art(f"https://www.tribunnews.com/berita/x{n}", f"{UNRELATED} X {n}.",
                                   "2024-12-04T08:00:00+00:00")) for n in range(3)]
        writer._spool(docs, "cluster unreachable (test)")  # what an outage does to a batch
        writer.spool.close()
        res = make_indexer().replay()  # the replaying process's alias is `store`
        assert res.records == 3 and res.pending_segments == 0
        other.refresh()
        store.refresh()
        assert other.count() == 3 and store.count() == 0
    finally:
        other.drop()


def test_a_dead_lettered_update_is_sent_again(store, make_indexer, tmp_path):
    """The canonical-flag update on a stored copy, dead-lettered as the indexer records it (the
    partial document, its id beside it): `replay --dead-letters` applies it, no KeyError."""
    url = "https://www.tribunnews.com/internasional/kanonik"
    ix = make_indexer()
    ix.add(art(url, BODY, "2024-12-04T08:00:00+00:00"))
    ix.flush()
    store.refresh()
    aid = dedupe.article_id(url)
    assert get(store, url)["is_cluster_canonical"] is True
    DeadLetters(tmp_path / "dead").write([(aid, 429, "es_rejected_execution_exception",
                                           {"is_cluster_canonical": False})])
    no_url = {"title": "tanpa URL", "body": UNRELATED}  # dead-lettered by prepare: it has no id
    DeadLetters(tmp_path / "dead").write([(None, None, "no usable URL", no_url)])
    sent, again = make_indexer().resend_dead_letters()
    assert sent == 2 and again == 1  # the update applied; the URL-less document rejected again, no crash
    store.refresh()
    assert get(store, url)["is_cluster_canonical"] is False


def test_one_oversize_field_never_costs_the_article(store, make_indexer):
    """A 40 kB og:site_name (and byline) is over Lucene's term limit: the article is indexed, the
    values kept in _source (only not searchable as terms), nothing dead-lettered."""
    big = "Tribunnews.com Network " * 1800  # ~41 kB
    url = "https://www.tribunnews.com/berita/situs-raksasa"
    ix = make_indexer()
    ix.add(art(url, BODY, "2024-12-04T08:00:00+00:00", site_name=big, authors=[big, "Redaksi"],
               tags=["korea utara"]))
    ix.close()
    store.refresh()
    assert ix.stats["dead_letter"] == 0 and ix.stats["indexed"] == 1
    doc = get(store, url)
    assert doc["site_name"] == big and doc["authors"] == [big, "Redaksi"]
    assert store.count({"term": {"authors": "Redaksi"}}) == 1  # the other values stay searchable


def test_setup_gives_an_older_index_the_keyword_limits(store, make_indexer):
    """An index made before ignore_above: `setup` (run at every crawl start) sets it in place."""
    import copy

    from news_ingest.store.client import template_for

    old = copy.deepcopy(template_for(store.alias, None)["template"])
    for m in old["mappings"]["properties"].values():
        m.pop("ignore_above", None)
    store.drop()
    aliases = {store.alias: {"is_write_index": True}}
    store._req("PUT", f"/{store.alias}-000001", body={**old, "aliases": aliases})
    store.setup()
    url = "https://www.tribunnews.com/berita/situs-raksasa-lama"
    ix = make_indexer()
    ix.add(art(url, BODY, "2024-12-04T08:00:00+00:00", site_name="x" * 40_000))
    ix.close()
    assert ix.stats["dead_letter"] == 0 and ix.stats["indexed"] == 1
