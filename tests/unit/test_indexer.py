"""The index stage against an in-memory store with the Store interface's semantics and
injectable failures (the real-node versions of these are in tests/integration/test_index*.py)."""

from __future__ import annotations

import copy
from collections import namedtuple
from pathlib import Path

import pytest

from news_ingest.store.client import ARTICLE_SEEN, RequestTooLarge, StoreError, StoreUnavailable
from news_ingest.store.indexer import IndexConfig, Indexer, parse_bytes
from news_ingest.store.spool import DeadLetters
from pipelines.article import Article
from pipelines.revisions import merge

BulkItem = namedtuple("BulkItem", "id status error")
SEED = (Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "tribunnews-korut-rusia.txt").read_text()
BODY = "\n".join(SEED.splitlines()[1:])


class FakeStore:
    alias = "fake"
    engine = "fake"

    def __init__(self) -> None:
        self.docs: dict[str, dict] = {}
        self.calls: list[str] = []
        self.fail: list[Exception] = []  # raised by the next calls, one each
        self.max_ops = 10_000
        self.max_doc_bytes = 1_000_000
        self.item_status: dict[str, list[int]] = {}  # id -> statuses to answer before 201
        self.searchable: set[str] | None = None  # None: search sees every write at once
        self.realtime_asked: list[set[str] | None] = []  # each lookup's real-time keys (None: all)
        self.entry_seen: dict[str, str] = {}  # a touch's time, kept in the article's lookup entry

    def _maybe_fail(self, name: str) -> None:
        self.calls.append(name)
        if self.fail:
            raise self.fail.pop(0)

    def setup(self) -> str:
        self._maybe_fail("setup")
        return "ok"

    def get_docs(self, ids, fields=None):
        self._maybe_fail("get_docs")
        return {i: {k: copy.deepcopy(v) for k, v in self.docs[i].items() if not fields or k in fields}
                for i in ids if i in self.docs}

    def known_docs(self, ids, fields=None):
        self._maybe_fail("known_docs")
        out = {}
        for i, d in self.docs.items():
            if self.searchable is not None and i not in self.searchable:
                continue
            for key in set(ids) & {i, *(d.get("known_ids") or [])}:
                out[key] = {**{k: copy.deepcopy(v) for k, v in d.items() if not fields or k in fields},
                            "_id": i, "_index": "fake-000001"}
        return out

    def lookup(self, ids, known=(), fields=None, fresh=False, realtime=None):
        """Store.lookup: by id as the search sees it (``searchable``) or in real time (the ids in
        ``realtime``, every id when None); by known id as the search sees it."""
        self._maybe_fail("lookup")
        self.realtime_asked.append(None if realtime is None else set(realtime))

        def visible(i):
            return self.searchable is None or i in self.searchable

        def realtime_read(i):
            return realtime is None or i in realtime

        def read(i):  # the stored copy; a later time in its lookup entry is its last_seen_at
            out = {k: copy.deepcopy(v) for k, v in self.docs[i].items() if not fields or k in fields}
            if self.entry_seen.get(i, "") > (out.get("last_seen_at") or ""):
                out[ARTICLE_SEEN], out["last_seen_at"] = out.get("last_seen_at"), self.entry_seen[i]
            return {**out, "_index": "fake-000001"}

        docs = {i: read(i) for i in ids if i in self.docs and (visible(i) or realtime_read(i))}
        found = {}
        for i, d in self.docs.items():
            # not searchable yet: found only by its own id (the real-time mget of the write index)
            for key in set(known) & ({i, *(d.get("known_ids") or [])} if visible(i)
                                     else {i} if realtime_read(i) else set()):
                if key == i or key not in found:
                    found[key] = {**read(i), "_id": i}
        return docs, found

    def search_raw(self, body):
        self._maybe_fail("search")
        should = next(f["bool"]["should"] for f in body["query"]["bool"]["filter"] if "bool" in f)
        hashes = set(next((s["terms"]["content_hash"] for s in should if "content_hash" in s["terms"]), []))
        bands = set(next((s["terms"]["fingerprint_bands"] for s in should
                          if "fingerprint_bands" in s["terms"]), []))
        hits = [{"_id": i, "_index": "fake-000001", "_source": copy.deepcopy(d)} for i, d in self.docs.items()
                if (self.searchable is None or i in self.searchable)
                and (d.get("content_hash") in hashes or bands & set(d.get("fingerprint_bands") or []))]
        return {"hits": {"hits": hits}}

    def bulk_raw(self, ops):
        self._maybe_fail("bulk")
        if len(ops) > self.max_ops or any(len(str(o["doc"])) > self.max_doc_bytes for o in ops):
            raise RequestTooLarge("413")
        out = []
        for op in ops:
            queued = self.item_status.get(op["id"])
            if queued:
                out.append(BulkItem(op["id"], queued.pop(0), "queued failure"))
                continue
            doc = op["doc"]
            if doc.get("published_at") == "kemarin":
                reason = "document_parsing_exception: failed to parse [published_at]"
                out.append(BulkItem(op["id"], 400, reason))
            elif op["op"] == "touch":  # the time goes to the lookup entry; the article is not written
                self.entry_seen[op["id"]] = doc["last_seen_at"]
                out.append(BulkItem(op["id"], 200, None))
            elif op["op"] == "create" and op["id"] in self.docs:
                out.append(BulkItem(op["id"], 409, "version_conflict_engine_exception"))
            elif op["op"] == "update":
                if op["id"] not in self.docs:
                    out.append(BulkItem(op["id"], 404, "document_missing_exception"))
                else:
                    self.docs[op["id"]].update(copy.deepcopy(doc))
                    out.append(BulkItem(op["id"], 200, None))
            else:
                self.docs[op["id"]] = copy.deepcopy(doc)
                out.append(BulkItem(op["id"], 201, None))
        return out


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.t += s


@pytest.fixture
def env(tmp_path):
    store, clock = FakeStore(), Clock()
    cfg = IndexConfig(batch_docs=3, batch_bytes=1_000_000, flush_seconds=5, spool_dir=tmp_path / "spool",
                      dead_letter_dir=tmp_path / "dead", outage_probe_seconds=30)
    return store, clock, Indexer(store, cfg, clock=clock, sleep=clock.sleep)


def art(n: int, body: str | None = None, fetched: str = "2024-12-04T08:00:00+00:00", **kw) -> Article:
    return Article(url=f"https://news.example/berita/{n}.html", source="sample", title=f"Berita {n}",
                   body=body or f"Isi berita nomor {n}. " * 20, fetched_at=fetched, **kw)


def test_batches_by_count_never_one_request_per_article(env):
    store, _, ix = env
    for n in range(7):
        ix.add(art(n))
    ix.drain()  # autoflushed batches are written in the background
    assert store.calls.count("bulk") == 2 and ix.buffered() == 1
    ix.close()
    assert store.calls.count("bulk") == 3 and len(store.docs) == 7
    assert ix.stats["indexed"] == 7 and ix.stats["bulk_requests"] == 3


def test_batches_by_bytes_and_by_age(env, tmp_path):
    store, clock, _ = env
    ix = Indexer(store, IndexConfig(batch_docs=500, batch_bytes=6000, flush_seconds=5,
                                    spool_dir=tmp_path / "s2", dead_letter_dir=tmp_path / "d2"), clock=clock)
    ix.add(art(1, body="kata " * 600))  # ~4 KB with its fingerprint
    assert store.calls.count("bulk") == 0
    ix.add(art(2, body="kata " * 600))
    ix.drain()
    assert store.calls.count("bulk") == 1
    assert ix.add(art(3), autoflush=False) is False
    clock.t += 5
    assert ix.due()  # the adapter's timer flushes it
    ix.flush()
    assert store.calls.count("bulk") == 2 and len(store.docs) == 3


def test_an_article_with_its_fetch_time_is_prepared_without_reading_the_clock(tmp_path):
    """The crawl's reactor thread prepares each article for its batch: a crawled article's seen times
    are its fetch time, so the wall clock (a datetime formatted per article) is read only for an
    article that has none (issue 16)."""
    asked: list[str] = []

    def now() -> str:
        asked.append("now")
        return "2024-12-06T00:00:00+00:00"

    ix = Indexer(FakeStore(), IndexConfig(spool_dir=tmp_path / "s", dead_letter_dir=tmp_path / "d"), now=now)
    doc = ix.prepare(art(1))
    assert doc is not None and asked == []
    assert doc["first_seen_at"] == doc["last_seen_at"] == "2024-12-04T08:00:00+00:00"
    doc = ix.prepare(art(2, fetched=""))
    assert doc is not None and asked == ["now"] and doc["last_seen_at"] == "2024-12-06T00:00:00+00:00"


def test_ids_are_stable_across_tracking_params(env):
    store, _, ix = env
    a = art(1)
    b = art(1, fetched="2024-12-05T08:00:00+00:00")
    b.url += "?utm_source=twitter#comments"
    ix.add(a)
    ix.flush()
    ix.add(b)
    ix.flush()
    assert len(store.docs) == 1


def test_recrawl_updates_and_stealth_edit_is_a_revision(env):
    store, _, ix = env
    ix.add(art(1, body=BODY, fetched="2024-12-04T08:00:00+00:00", modified_at="2024-12-04T07:00:00+00:00"))
    ix.flush()
    ix.add(art(1, body=BODY, fetched="2024-12-04T20:00:00+00:00"))
    ix.flush()
    (doc,) = store.docs.values()
    assert doc["version"] == 1 and doc["history"] == []
    assert doc["first_seen_at"].startswith("2024-12-04T08")
    assert doc["last_seen_at"].startswith("2024-12-04T20")
    old_hash = doc["content_hash"]
    edited = BODY.replace("10.000 tentara", "12.000 tentara")
    ix.add(art(1, body=edited, fetched="2024-12-05T09:00:00+00:00"))
    ix.flush()
    (doc,) = store.docs.values()
    assert doc["version"] == 2 and "12.000 tentara" in doc["body"]
    assert doc["history"] == [{"content_hash": old_hash, "modified_at": "2024-12-04T07:00:00+00:00",
                               "seen_at": "2024-12-04T20:00:00+00:00"}]
    assert doc["first_seen_at"].startswith("2024-12-04T08")
    assert ix.stats["created"] == 1 and ix.stats["seen"] == 1 and ix.stats["revised"] == 1


def test_late_copy_only_adds_history(env):
    store, _, ix = env
    ix.add(art(1, body=BODY, fetched="2024-12-05T08:00:00+00:00"))
    ix.flush()
    ix.add(art(1, body=BODY + " Tambahan lama.", fetched="2024-12-04T08:00:00+00:00"))
    ix.flush()
    (doc,) = store.docs.values()
    assert doc["body"] == BODY and doc["version"] == 2
    assert doc["first_seen_at"].startswith("2024-12-04T08")
    assert [h["seen_at"][:10] for h in doc["history"]] == ["2024-12-04"]
    ix.add(art(1, body=BODY + " Tambahan lama.", fetched="2024-12-04T08:00:00+00:00"))  # replayed twice
    ix.flush()
    assert store.docs[next(iter(store.docs))]["version"] == 2


def test_merge_duplicate_is_not_written():
    a = {"content_hash": "h", "first_seen_at": "2024-01-01T00:00:00Z", "last_seen_at": "2024-01-02T00:00:00Z"}
    assert merge(a, dict(a)) == ("duplicate", None)


def test_same_article_twice_in_one_batch_is_one_document(env):
    store, _, ix = env
    ix.add(art(1, body=BODY, fetched="2024-12-04T08:00:00+00:00"))
    ix.add(art(1, body=BODY + " Ralat.", fetched="2024-12-04T09:00:00+00:00"))
    ix.flush()
    (doc,) = store.docs.values()
    assert doc["version"] == 2 and doc["body"].endswith("Ralat.")


def test_retries_unavailable_with_backoff(env):
    store, clock, ix = env
    store.fail = [StoreUnavailable("connection refused"), StoreUnavailable("503")]
    for n in range(3):
        ix.add(art(n))
    ix.drain()
    assert len(store.docs) == 3 and ix.stats["retries"] == 2 and ix.stats["spooled"] == 0
    assert len(clock.slept) == 2 and 0.25 <= clock.slept[0] <= 0.75 and 0.5 <= clock.slept[1] <= 1.5


def test_backoff_is_jittered_so_crawlers_do_not_retry_in_lockstep(tmp_path):
    """Several crawlers that failed together against a recovering cluster: without jitter every
    one of them waited 0.5, 1, 2, 4 s and came back at the same instant each time."""
    import random

    from news_ingest.store.indexer import backoff_delay

    schedules = []
    for seed in (1, 2):
        store, clock = FakeStore(), Clock()
        store.item_status = {i: [503] * 4 for i in ("a", "b")}  # the cluster refuses 4 times, then takes them
        cfg = IndexConfig(spool_dir=tmp_path / f"spool{seed}", dead_letter_dir=tmp_path / f"dead{seed}",
                          max_retries=4, backoff_base=0.5, backoff_max=3.0)
        ix = Indexer(store, cfg, clock=clock, sleep=clock.sleep, rng=random.Random(seed))
        ix.send([{"id": i, "url": f"https://news.example/{i}", "known_ids": [i]} for i in ("a", "b")])
        assert set(store.docs) == {"a", "b"} and ix.stats["retries"] == 4
        windows = [(0.25, 0.75), (0.5, 1.5), (1.0, 3.0), (1.5, 3.0)]  # base * 2**attempt +-50%, <= the cap
        assert len(clock.slept) == 4
        assert all(lo <= s <= hi for s, (lo, hi) in zip(clock.slept, windows, strict=True))
        schedules.append(clock.slept)
    assert schedules[0] != schedules[1]
    # the spread: over many draws a wait covers its window, not one point of it, and on average it
    # is the wait without jitter (the patience before spooling is unchanged)
    rng = random.Random(0)
    draws = [backoff_delay(2, 0.5, 8.0, rng) for _ in range(2000)]
    assert 1.0 <= min(draws) < 1.1 and 2.9 < max(draws) <= 3.0 and 1.9 < sum(draws) / len(draws) < 2.1
    assert all(backoff_delay(a, 0.5, 8.0, rng) <= 8.0 for a in range(12))


def test_outage_spools_keeps_going_and_replay_delivers_once(env):
    store, clock, ix = env
    store.fail = [StoreUnavailable("connection refused")] * 100
    for n in range(6):
        ix.add(art(n))  # must not raise: the crawl goes on
    ix.drain()
    assert ix.stats["spooled"] == 6 and not store.docs
    calls = len(store.calls)
    ix.add(art(6))
    ix.add(art(7))
    ix.add(art(8))
    assert len(store.calls) == calls, "while marked down, batches go straight to the spool"
    ix.close()
    assert ix.spool.pending() == 9
    store.fail = []
    clock.t += 60
    ix2 = Indexer(store, ix.config, clock=clock, sleep=clock.sleep)
    res = ix2.replay()
    assert res.records == 9 and res.pending_segments == 0
    assert sorted(store.docs) == sorted({d for d in store.docs})
    assert len(store.docs) == 9 and ix2.spool.pending() == 0
    assert ix2.replay().records == 0  # exactly once


def test_replay_stopped_by_outage_keeps_everything(env):
    store, clock, ix = env
    store.fail = [StoreUnavailable("down")] * 100
    for n in range(6):
        ix.add(art(n))
    ix.close()
    clock.t += 60
    res = Indexer(store, ix.config, clock=clock, sleep=clock.sleep).replay()
    assert res.error and res.pending_segments >= 1 and not store.docs
    store.fail = []
    clock.t += 60
    assert Indexer(store, ix.config, clock=clock, sleep=clock.sleep).replay().records == 6
    assert len(store.docs) == 6


def test_rejected_documents_go_to_dead_letters(env):
    store, _, ix = env
    ix.add(art(1))
    ix.add(art(2, published_at="kemarin"))
    ix.add(art(3))
    ix.drain()
    assert len(store.docs) == 2 and ix.stats["dead_letter"] == 1
    (rec,) = DeadLetters(ix.config.dead_letter_dir).read_all()
    assert rec["status"] == 400 and "published_at" in rec["reason"]
    assert rec["doc"]["url"].endswith("/2.html") and rec["doc"]["published_at"] == "kemarin"


def test_dead_letters_are_sent_again_after_a_fix(env, monkeypatch):
    store, clock, ix = env
    ix.add(art(1, published_at="kemarin"))
    ix.add(art(2, published_at="kemarin"))
    ix.add(art(3))
    ix.drain()
    assert ix.stats["dead_letter"] == 2
    # still broken: re-sent once, rejected again into a fresh file, nothing lost
    assert ix.resend_dead_letters() == (2, 2)
    assert len(DeadLetters(ix.config.dead_letter_dir).read_all()) == 2
    # the cluster learns to take them (a mapping fix): the next re-send indexes both
    real = store.bulk_raw
    monkeypatch.setattr(store, "bulk_raw", lambda ops: real(
        [{**op, "doc": {**op["doc"], "published_at": None}} for op in ops]))
    assert ix.resend_dead_letters() == (2, 0)
    assert len(store.docs) == 3 and DeadLetters(ix.config.dead_letter_dir).read_all() == []
    assert len(list((ix.config.dead_letter_dir / "resent").iterdir())) == 2  # both re-sent files kept


def test_unusable_url_is_dead_lettered_not_a_crash(env):
    _, _, ix = env
    ix.add(Article(url="javascript:void(0)", body="x"))
    ix.close()
    assert ix.stats["dead_letter"] == 1


def test_item_level_429_is_retried(env):
    store, _, ix = env
    a = art(1)
    ix.add(a)
    store.item_status[ix.prepare(a)["id"]] = [429, 503]
    ix.flush()
    assert len(store.docs) == 1 and ix.stats["retries"] == 2 and ix.stats["dead_letter"] == 0


def test_413_splits_the_batch_and_dead_letters_a_single_oversized_doc(env, tmp_path):
    store, clock, _ = env
    store.max_ops = 2
    store.max_doc_bytes = 50_000
    ix = Indexer(store, IndexConfig(batch_docs=6, spool_dir=tmp_path / "s", dead_letter_dir=tmp_path / "d"),
                 clock=clock, sleep=clock.sleep)
    for n in range(5):
        ix.add(art(n))
    ix.add(art(99, body="sangat panjang " * 10_000))
    ix.drain()
    assert len(store.docs) == 5 and ix.stats["dead_letter"] == 1 and ix.stats["splits"] >= 2
    (rec,) = DeadLetters(tmp_path / "d").read_all()
    assert rec["status"] == 413


def test_syndicated_copies_share_a_cluster_and_the_earliest_is_marked(env):
    store, _, ix = env
    reprint = BODY.replace("TRIBUNNEWS.COM-", "Seoul (ANTARA) -") + "\n(Sumber: AFP)"
    ix.add(art(1, body=reprint, fetched="2024-12-04T10:00:00+00:00"))
    ix.add(art(2, body=BODY, fetched="2024-12-04T08:00:00+00:00"))  # same batch, seen earlier
    ix.flush()
    ix.add(art(3, body=BODY, fetched="2024-12-04T12:00:00+00:00"))  # later batch, exact copy
    ix.add(art(4, fetched="2024-12-04T12:00:00+00:00"))  # unrelated
    ix.flush()
    by_url = {d["url"].rsplit("/", 1)[1]: d for d in store.docs.values()}
    cluster = by_url["2.html"]["cluster_id"]
    assert by_url["1.html"]["cluster_id"] == cluster == by_url["3.html"]["cluster_id"]
    assert [k for k, d in sorted(by_url.items()) if d["is_cluster_canonical"]] == ["2.html", "4.html"]
    assert by_url["4.html"]["cluster_id"] != cluster


def test_earlier_copy_arriving_later_takes_the_canonical_mark(env):
    store, _, ix = env
    ix.add(art(1, body=BODY, fetched="2024-12-04T10:00:00+00:00"))
    ix.flush()
    ix.add(art(2, body=BODY, fetched="2024-12-04T06:00:00+00:00"))  # e.g. replayed from the spool
    ix.flush()
    by_url = {d["url"].rsplit("/", 1)[1]: d for d in store.docs.values()}
    assert by_url["1.html"]["cluster_id"] == by_url["2.html"]["cluster_id"]
    assert by_url["2.html"]["is_cluster_canonical"] is True
    assert by_url["1.html"]["is_cluster_canonical"] is False
    # two articles indexed; the third write moved the mark off the stored copy: counted apart, not as
    # a third article (two crawler processes' news/indexed summed to more than the pages crawled)
    assert ix.stats["indexed"] == 2 and ix.stats["created"] == 2 and ix.stats["canonical_moved"] == 1


def test_config_from_env_and_errors():
    cfg = IndexConfig.from_env({"INDEX_BATCH_DOCS": "200", "INDEX_BATCH_BYTES": "2MB",
                                "INDEX_FLUSH_SECONDS": "1.5", "INDEX_SPOOL_DIR": "/tmp/x"})
    assert (cfg.batch_docs, cfg.batch_bytes, cfg.flush_seconds, str(cfg.spool_dir)) == (
        200, 2 * 1024 * 1024, 1.5, "/tmp/x")
    assert parse_bytes("512kb") == 512 * 1024 and parse_bytes("1000") == 1000
    with pytest.raises(ValueError, match="INDEX_BATCH_BYTES"):
        IndexConfig.from_env({"INDEX_BATCH_BYTES": "lots"})
    with pytest.raises(ValueError):
        IndexConfig.from_env({"INDEX_BATCH_DOCS": "0"})


def test_consecutive_batches_before_a_refresh_still_link_and_merge(env):
    """The bulk of batch N is in flight / not yet searchable while batch N+1 is planned."""
    store, _, ix = env
    store.searchable = set()  # nothing written is searchable yet (refresh_interval not reached)
    ix.add(art(1, body=BODY, fetched="2024-12-04T08:00:00+00:00"))
    ix.add(art(2, fetched="2024-12-04T08:00:00+00:00"))
    ix.add(art(3, fetched="2024-12-04T08:00:00+00:00"))  # batch 1 goes out
    ix.add(art(4, body=BODY, fetched="2024-12-04T09:00:00+00:00"))  # reprint, next batch
    ix.add(art(1, body=BODY + " Ralat.", fetched="2024-12-04T09:30:00+00:00"))  # same article again
    ix.close()
    by_url = {d["url"].rsplit("/", 1)[1]: d for d in store.docs.values()}
    assert by_url["4.html"]["cluster_id"] == by_url["1.html"]["cluster_id"]
    assert by_url["4.html"]["is_cluster_canonical"] is False
    assert by_url["1.html"]["version"] == 2 and by_url["1.html"]["body"].endswith("Ralat.")


def test_a_cluster_refusing_the_whole_request_spools_instead_of_losing(env):
    """401/403 or a failed setup is not an outage, but the batch must still survive."""
    store, clock, ix = env
    store.fail = [StoreError("401 bad credentials", 401)]
    for n in range(3):
        ix.add(art(n))
    ix.drain()
    assert ix.stats["spooled"] == 3 and not store.docs
    ix.close()
    clock.t += 60
    assert Indexer(store, ix.config, clock=clock, sleep=clock.sleep).replay().records == 3
    assert len(store.docs) == 3


def test_a_rejected_canonical_flag_update_is_dead_lettered_and_the_batch_indexed(env):
    """The operation moving the canonical mark off a stored copy is refused for good (400): it is
    dead-lettered with its operation, and the batch that carried it is indexed, not spooled (the
    dead letter's log line could not unpack the operation and the whole batch went to the spool)."""
    store, _, ix = env
    ix.add(art(1, body=BODY, fetched="2024-12-04T10:00:00+00:00"))
    ix.flush()
    (first,) = store.docs
    store.item_status[first] = [400]
    ix.add(art(2, body=BODY, fetched="2024-12-04T06:00:00+00:00"))
    ix.flush()
    assert ix.stats["spooled"] == 0 and ix.stats["dead_letter"] == 1 and len(store.docs) == 2
    (rec,) = DeadLetters(ix.config.dead_letter_dir).read_all()
    assert rec["op"] == {"op": "update", "id": first, "doc": {"is_cluster_canonical": False},
                         "index": "fake-000001"}


def test_only_the_ids_written_lately_are_read_in_real_time(env):
    """The search finds what was refreshed; the real-time read is only for what this process wrote
    since the index can have refreshed (or what is still in flight): a batch after that reads nothing
    in real time, and a re-crawl of an article written a moment ago is still merged with it."""
    from news_ingest.store.indexer import UNREFRESHED_SECONDS

    store, clock, ix = env
    store.searchable = set()
    for n in range(3):
        ix.add(art(n, fetched="2024-12-04T08:00:00+00:00"))
    ix.drain()
    first = set(store.docs)
    assert store.realtime_asked == [set()]  # nothing written yet: the lookup is one search
    for n in range(3):  # written a moment ago, not searchable: read in real time and merged
        ix.add(art(n, body=f"Isi berita nomor {n}, diperbarui. " * 20, fetched="2024-12-04T09:00:00+00:00"))
    ix.drain()
    assert store.realtime_asked[-1] >= first
    assert {d["version"] for d in store.docs.values()} == {2} and len(store.docs) == 3
    store.searchable = set(store.docs)  # the index refreshed
    clock.t += UNREFRESHED_SECONDS + 1
    for n in range(3):
        ix.add(art(n, body=f"Isi berita nomor {n}, diperbarui lagi. " * 20, fetched="2024-12-04T10:00:00+00:00"))
    ix.close()
    assert store.realtime_asked[-1] == set()  # what the search sees is not read again
    assert {d["version"] for d in store.docs.values()} == {3} and len(store.docs) == 3


def test_the_linker_remembers_only_the_batches_not_yet_searchable_and_only_their_candidate_fields(tmp_path):
    """A long crawl: the syndication linker keeps the last batches' new documents as candidates (not
    searchable before the next refresh), but only the batches a later one may still link to, and only
    what a stored candidate carries - not their bodies.  It held every document's whole body until
    4 x (bulk_in_flight + 1) x batch_docs documents (6,000 by default) had passed, then pruned: the
    crawl process grew by ~6 KB a page on make bench-memory (issue 16)."""
    store, clock = FakeStore(), Clock()
    cfg = IndexConfig(batch_docs=3, batch_bytes=10_000_000, flush_seconds=5, spool_dir=tmp_path / "s",
                      dead_letter_dir=tmp_path / "d", bulk_in_flight=2)
    ix = Indexer(store, cfg, clock=clock, sleep=clock.sleep)
    store.searchable = set()  # nothing written is searchable yet: every candidate comes from memory
    for n in range(60):
        ix.add(art(n, body=f"Berita lain nomor {n} tentang harga beras di pasar kota. " * 40 + str(n),
                   fetched="2024-12-04T08:00:00+00:00"))
    for n in (60, 61, 62):
        ix.add(art(n, fetched="2024-12-04T09:00:00+00:00"))
    ix.drain()
    remembered = ix._linker.remembered()
    batches = cfg.bulk_in_flight + 2  # the batches a new one may link to, and itself
    assert len(remembered) <= batches * cfg.batch_docs, len(remembered)
    assert not any("body" in d or "title" in d for d in remembered[:-cfg.batch_docs])
    by_url = {d["url"].rsplit("/", 1)[1]: d for d in store.docs.values()}
    assert len(by_url) == 63
    ix.close()


def test_a_reprint_links_to_a_copy_remembered_from_the_batch_before_last(env):
    """The copies kept in memory still link (fields kept: what a stored candidate carries)."""
    store, _, ix = env
    store.searchable = set()
    ix.add(art(1, body=BODY, fetched="2024-12-04T08:00:00+00:00"))
    for n in (2, 3, 4, 5, 6):
        ix.add(art(n, fetched="2024-12-04T08:00:00+00:00"))  # batches 1 and 2 go out
    ix.add(art(7, body=BODY, fetched="2024-12-04T07:00:00+00:00"))  # earlier copy, batch 3
    ix.close()
    by_url = {d["url"].rsplit("/", 1)[1]: d for d in store.docs.values()}
    assert by_url["7.html"]["cluster_id"] == by_url["1.html"]["cluster_id"]
    assert by_url["7.html"]["is_cluster_canonical"] is True
    assert by_url["1.html"]["is_cluster_canonical"] is False  # the mark moved off the stored copy


def _written(store: FakeStore, id_: str) -> dict:
    return {k: v for k, v in store.docs[id_].items()}


def test_an_unchanged_recrawl_within_the_interval_touches_the_entry_not_the_article(env):
    """A re-crawl that finds an article unchanged used to re-index the whole article (body and all, in
    whichever old index it lives) just to move last_seen_at: most of the Indexer's extra node CPU
    (issue 16).  Within INDEX_SEEN_INTERVAL (6 h) it is a touch: the exact time goes to the article's
    lookup entry and reads back as its last_seen_at; the article itself is not written."""
    store, _, ix = env
    ix.add(art(1, fetched="2024-12-04T08:00:00+00:00"))
    ix.flush()
    (id_,) = store.docs
    before = _written(store, id_)
    ix.add(art(1, fetched="2024-12-04T09:00:00+00:00"))  # an hour later, the same page
    ix.flush()
    assert ix.stats["seen"] == 1 and ix.stats["touched"] == 1 and ix.stats["indexed"] == 2
    assert _written(store, id_) == before  # not re-indexed
    stored, _ = store.lookup([id_], (), ["last_seen_at", "first_seen_at", "version"])
    assert stored[id_]["last_seen_at"] == "2024-12-04T09:00:00+00:00"
    assert stored[id_]["first_seen_at"] == "2024-12-04T08:00:00+00:00" and stored[id_]["version"] == 1

    ix.add(art(1, fetched="2024-12-04T08:30:00+00:00"))  # an older copy (a replay): nothing moves back
    ix.flush()
    assert ix.stats["duplicate"] == 1 and store.entry_seen[id_] == "2024-12-04T09:00:00+00:00"

    ix.add(art(1, fetched="2024-12-04T13:59:00+00:00"))  # still within 6 h of the article's own time
    ix.flush()
    assert ix.stats["touched"] == 2 and _written(store, id_) == before
    ix.add(art(1, fetched="2024-12-04T14:01:00+00:00"))  # the article's own last_seen_at is 6 h old: moved
    ix.close()
    assert ix.stats["touched"] == 2 and ix.stats["seen"] == 3
    assert store.docs[id_]["last_seen_at"] == "2024-12-04T14:01:00+00:00"
    assert {k: v for k, v in store.docs[id_].items() if k not in ("last_seen_at", "fetched_at")} == {
        k: v for k, v in before.items() if k not in ("last_seen_at", "fetched_at")}


def test_a_recrawl_that_changes_anything_but_the_times_still_writes_the_article(env):
    """A new title, a new author, a new image with the same body: the same content hash, but the
    partial update writes them; a changed body is a new revision as before."""
    store, _, ix = env
    ix.add(art(1, fetched="2024-12-04T08:00:00+00:00"))
    ix.flush()
    (id_,) = store.docs
    ix.add(art(1, fetched="2024-12-04T09:00:00+00:00", authors=["Rina"]))
    ix.flush()
    assert store.docs[id_]["authors"] == ["Rina"] and store.docs[id_]["last_seen_at"].startswith("2024-12-04T09")
    a = art(1, fetched="2024-12-04T10:00:00+00:00", authors=["Rina"])
    a.title = "Berita 1 (diperbarui)"
    ix.add(a)
    ix.flush()
    assert store.docs[id_]["title"] == "Berita 1 (diperbarui)"
    ix.add(art(1, body="Isi yang lain sama sekali. " * 20, fetched="2024-12-04T11:00:00+00:00"))
    ix.close()
    assert store.docs[id_]["version"] == 2 and len(store.docs[id_]["history"]) == 1
    assert ix.stats.get("touched", 0) == 0


def test_seen_interval_zero_moves_the_articles_own_time_on_every_recrawl(tmp_path):
    store = FakeStore()
    ix = Indexer(store, IndexConfig.from_env({"INDEX_SEEN_INTERVAL": "0", "INDEX_SPOOL_DIR": str(tmp_path / "s"),
                                              "INDEX_DEAD_LETTER_DIR": str(tmp_path / "d")}))
    assert IndexConfig.from_env({"INDEX_SEEN_INTERVAL": "2h"}).seen_interval == 7200
    ix.add(art(1, fetched="2024-12-04T08:00:00+00:00"))
    ix.flush()
    ix.add(art(1, fetched="2024-12-04T08:05:00+00:00"))
    ix.close()
    (doc,) = store.docs.values()
    assert doc["last_seen_at"] == "2024-12-04T08:05:00+00:00" and not ix.stats.get("touched")
