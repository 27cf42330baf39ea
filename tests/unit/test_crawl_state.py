"""The crawl state between runs: validators, outcomes, expiry, and its tie to one index."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from news_ingest import crawl_state
from news_ingest.crawl_state import CrawlState
from news_ingest.settings import StatePaths


def test_one_file_per_alias_and_source_under_news_home(tmp_path):
    paths = StatePaths.from_env({"NEWS_HOME": str(tmp_path)})
    state = CrawlState.for_source("news-articles", "kompas", paths)
    assert state.path == tmp_path / "state" / "crawl" / "news-articles" / "kompas.sqlite"
    state.save_validators("https://x.example/feed/", "feed", '"abc"', None)
    state.close()
    again = CrawlState.for_source("news-articles", "kompas", paths)
    assert again.validators("https://x.example/feed/") == ('"abc"', None, "feed")
    assert CrawlState.for_source("other-alias", "kompas", paths).validators("https://x.example/feed/") is None


def test_outcomes_expire(tmp_path, monkeypatch):
    state = CrawlState(tmp_path / "s.sqlite", recheck_days=30)
    state.record(["a", "b"], "not_article_page", "https://x.example/a")
    state.record(["c"], "gone")
    assert state.outcomes(["a", "b", "c", "d"]) == {"a": "not_article_page", "b": "not_article_page",
                                                    "c": "gone"}
    later = datetime.now(UTC) + timedelta(days=2)
    monkeypatch.setattr(crawl_state, "_now", lambda: later)
    assert state.outcomes(["a", "c"]) == {"a": "not_article_page"}  # a 404 is asked again after a day
    monkeypatch.setattr(crawl_state, "_now", lambda: later + timedelta(days=30))
    assert state.outcomes(["a"]) == {}


def test_a_new_index_resets_the_state(tmp_path):
    state = CrawlState(tmp_path / "s.sqlite")
    state.bind({"uuid-1"})
    state.save_validators("https://x.example/feed/", "feed", '"abc"', None)
    state.record(["a"], "not_article_page")
    assert state.bind({"uuid-1", "uuid-2"})  # a rollover added an index: same state
    assert state.validators("https://x.example/feed/")
    assert not state.bind({"uuid-9"})  # dropped and made again: a 304 must not hide its articles
    assert state.validators("https://x.example/feed/") is None and state.outcomes(["a"]) == {}


def test_the_first_index_made_during_a_run_is_remembered(tmp_path):
    state = CrawlState(tmp_path / "s.sqlite")
    state.bind(set())  # no index yet
    state.save_validators("https://x.example/feed/", "feed", '"abc"', None)
    state.remember_indices({"uuid-1"})  # at a clean close
    assert state.bind({"uuid-1"}) and state.validators("https://x.example/feed/")


def _open_state(path: str, barrier, results) -> None:
    barrier.wait()
    try:
        CrawlState(Path(path))
        results.put("ok")
    except Exception as exc:  # noqa: BLE001 - the test reports what any opener raised
        results.put(repr(exc))


def test_crawlers_started_together_all_open_a_new_state_file(tmp_path):
    # two crawlers of one source started at once both create its state file; switching it to WAL
    # failed at once for one of them ("database is locked": SQLite does not wait there), and that
    # crawler quit at start (test_frontier_crawl's split test, 1 run in 3)
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    failures = []
    for i in range(60):
        barrier, results = ctx.Barrier(4), ctx.Queue()
        procs = [ctx.Process(target=_open_state, args=(str(tmp_path / f"s{i}" / "bench.sqlite"), barrier,
                                                       results)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        failures += [r for r in (results.get(timeout=5) for _ in procs) if r != "ok"]
    assert failures == []
