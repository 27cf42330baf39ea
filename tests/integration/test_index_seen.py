"""A re-crawl that finds an article unchanged, against the real node: within ``INDEX_SEEN_INTERVAL`` it
is a touch of the article's lookup entry (``<alias>-ids``), the article — its body, in whichever old
index it lives — is not re-indexed (issue 16: those updates in place were most of the Indexer's extra node
CPU), and everything that reads ``last_seen_at`` still sees the time of the latest crawl: the next batch's
lookup (so a replay of an older copy is still a duplicate), and the run's health (``fill_rates``)."""

from __future__ import annotations

from news_ingest.health import fill_rates
from news_ingest.store.client import Store
from news_ingest.store.indexer import Indexer
from pipelines import dedupe
from pipelines.article import Article

BODY = ("Pemerintah provinsi menetapkan status siaga banjir setelah hujan deras mengguyur kota selama "
        "tiga hari berturut-turut. Warga di bantaran sungai diminta mengungsi ke sekolah dan balai desa "
        "terdekat, sementara petugas menyiapkan perahu karet dan dapur umum di enam kecamatan.\n"
        "Kepala badan penanggulangan bencana mengatakan ketinggian air di pintu air utama naik 40 "
        "sentimeter sejak Senin malam dan diperkirakan masih naik hingga Rabu.")
URL = "https://www.kabar.example/berita/2024/12/04/siaga-banjir"
ID = dedupe.article_id(URL)


def crawl(ix: Indexer, fetched: str, **kw) -> None:
    ix.add(Article(url=URL, source="kabar", title=kw.pop("title", "Siaga banjir di enam kecamatan"), body=BODY,
                   language="id", authors=["Rina"], fetched_at=fetched, **kw))
    ix.flush()


def raw(store: Store, index: str) -> dict:
    """The article as the cluster holds it (its _seq_no moves with every write)."""
    return dict(store._req("GET", f"/{index}/_doc/{ID}"))


def test_an_unchanged_recrawl_does_not_reindex_the_article_in_its_old_index(store, make_indexer):
    ix = make_indexer()
    crawl(ix, "2024-12-04T08:00:00+00:00")
    store.refresh()
    assert store.rollover_if_needed(max_docs=1)  # the article now lives in an old index
    old = f"{store.alias}-000001"
    before = raw(store, old)

    crawl(ix, "2024-12-04T09:00:00+00:00")  # an hour later, the same page
    assert ix.stats["touched"] == 1 and ix.stats["dead_letter"] == 0
    after = raw(store, old)
    assert after["_seq_no"] == before["_seq_no"] and after["_source"] == before["_source"]  # not written
    doc = store.get_docs([ID])[ID]
    assert doc["last_seen_at"] == "2024-12-04T09:00:00+00:00" and doc["_index"] == old
    assert doc["first_seen_at"] == "2024-12-04T08:00:00+00:00" and doc["version"] == 1

    crawl(ix, "2024-12-04T08:30:00+00:00")  # a replay of an older copy: a duplicate, nothing moves back
    assert ix.stats["duplicate"] == 1 and store.get_docs([ID])[ID]["last_seen_at"].startswith("2024-12-04T09")

    # the run that began between the two crawls counts the article as one of its own
    store.refresh()
    store._req("POST", f"/{store.id_index}/_refresh")
    assert store.count({"range": {"last_seen_at": {"gte": "2024-12-04T08:45:00+00:00"}}}) == 0  # the article's own
    rates = fill_rates(store, "kabar", "2024-12-04T08:45:00+00:00")
    assert rates["articles"] == 1 and rates["body"] == 1.0
    assert fill_rates(store, "kabar", "2024-12-04T09:30:00+00:00")["articles"] == 0
    assert fill_rates(store, "other", "2024-12-04T08:45:00+00:00")["articles"] == 0

    crawl(ix, "2024-12-04T14:30:00+00:00")  # 6.5 h after the article's own last_seen_at: it moves
    assert ix.stats["touched"] == 1
    written = raw(store, old)
    assert written["_seq_no"] > before["_seq_no"]
    assert written["_source"]["last_seen_at"] == "2024-12-04T14:30:00+00:00"
    assert store.count() == 1


def test_a_recrawl_with_a_new_title_or_body_is_written_as_before(store, make_indexer):
    ix = make_indexer()
    crawl(ix, "2024-12-04T08:00:00+00:00")
    crawl(ix, "2024-12-04T09:00:00+00:00", title="Siaga banjir diperpanjang")  # the same body
    assert store.get_docs([ID])[ID]["last_seen_at"] == "2024-12-04T09:00:00+00:00"
    index = store.indices()[0]
    assert raw(store, index)["_source"]["title"] == "Siaga banjir diperpanjang"
    ix.add(Article(url=URL, source="kabar", title="Siaga banjir diperpanjang", language="id", authors=["Rina"],
                   body=BODY.replace("40 sentimeter", "60 sentimeter"), fetched_at="2024-12-04T10:00:00+00:00"))
    ix.close()
    stored = raw(store, index)["_source"]
    assert stored["version"] == 2 and "60 sentimeter" in stored["body"] and len(stored["history"]) == 1
    assert stored["history"][0]["seen_at"] == "2024-12-04T09:00:00+00:00"
    assert not ix.stats.get("touched")


def test_a_touch_after_a_touch_keeps_the_history_right(store, make_indexer):
    """The previous revision's seen_at in the history is the last time it was seen (a touch's)."""
    ix = make_indexer()
    crawl(ix, "2024-12-04T08:00:00+00:00")
    crawl(ix, "2024-12-04T09:00:00+00:00")
    crawl(ix, "2024-12-04T10:00:00+00:00")
    assert ix.stats["touched"] == 2
    ix.add(Article(url=URL, source="kabar", title="Siaga banjir di enam kecamatan", language="id",
                   authors=["Rina"], body=BODY + "\nRalat: enam, bukan lima.", fetched_at="2024-12-04T11:00:00+00:00"))
    ix.close()
    doc = store.get_docs([ID])[ID]
    assert doc["version"] == 2 and doc["last_seen_at"] == "2024-12-04T11:00:00+00:00"
    assert doc["history"][0]["seen_at"] == "2024-12-04T10:00:00+00:00"


def test_without_a_complete_lookup_index_a_touch_moves_the_articles_own_time(store, make_indexer):
    ix = make_indexer()
    crawl(ix, "2024-12-04T08:00:00+00:00")
    index = store.indices()[0]
    store._req("DELETE", f"/{store.id_index}")  # an alias an older version made, not set up again
    store.id_index_state(fresh=True)
    items = store.bulk_raw([{"op": "touch", "id": ID, "index": index,
                             "doc": {"last_seen_at": "2024-12-04T09:00:00+00:00", "source": "kabar"}}])
    assert items[0].ok
    assert raw(store, index)["_source"]["last_seen_at"] == "2024-12-04T09:00:00+00:00"


def test_a_lookup_index_made_before_the_touch_fields_gets_them_at_setup(store, make_indexer):
    store._req("DELETE", f"/{store.id_index}")
    store._req("PUT", f"/{store.id_index}", body={"mappings": {
        "dynamic": False, "properties": {}, "_meta": {"managed_by": "news-ingest", "complete": True}}})
    store.setup()
    props = next(iter(store._req("GET", f"/{store.id_index}/_mapping").values()))["mappings"]["properties"]
    assert props["seen_at"]["type"] == "date" and props["source"]["type"] == "keyword"
