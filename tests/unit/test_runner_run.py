"""news_ingest.runner.run end to end without services: the crawl child replaced by a stand-in that
writes the crawl's summary file (the contract), a stub store for fill rates and the ledger."""

from __future__ import annotations

import json

import pytest

from news_ingest import run_record, runner
from news_ingest.locks import Lock
from news_ingest.store.client import StoreUnavailable

SOURCES = """
sources:
  - name: kabar
    domains: [kabar.example]
    start_urls: ["https://kabar.example/"]
    article_allow: ['/berita/']
  - name: warta
    domains: [warta.example]
    start_urls: ["https://warta.example/"]
    article_allow: ['/read/']
"""


class Store:
    """What the runner asks of the cluster: the articles seen since the run began, counts (fill rates)."""

    def __init__(self, total=10):
        self.total = total

    def seen_since(self, since, source=None):
        return {"range": {"last_seen_at": {"gte": since}}}

    def count(self, query):
        filters = query["bool"]["filter"]
        return self.total if len(filters) == 2 else (self.total - 2 if "exists" in filters[-1] and
                                                     filters[-1]["exists"]["field"] == "published_at"
                                                     else self.total)


@pytest.fixture()
def env(tmp_path, monkeypatch):
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES)
    monkeypatch.setenv("NEWS_SOURCES", str(path))
    return {"NEWS_HOME": str(tmp_path / "home"), "NEWS_SOURCES": str(path), "ES_INDEX": "news-test"}


def _crawl_writing(summary, code=0, interrupted=None, seen=None):
    def fake(cmd, log_path, env, locks):
        if seen is not None:
            seen.update(cmd=cmd, env=env, locks=len(locks))
        if summary is not None:
            with open(env["NEWS_SUMMARY_FILE"], "w") as fh:
                json.dump(summary, fh)
        log_path.write_text("scrapy log\n")
        return code, interrupted
    return fake


CRAWL = {"indexed": 8, "extracted": 9, "spooled": 0, "dead_letter": 0, "replayed": 0,
         "sources": {"kabar": {"pages_fetched": 12, "articles_found": 9, "skipped_seen": 1, "errors": {}},
                     "warta": {"pages_fetched": 0, "articles_found": 0, "errors": {"dns": 2}}}}


def test_a_run_crawls_judges_each_source_and_records_itself(env, monkeypatch):
    seen: dict = {}
    monkeypatch.setattr(runner, "_crawl", _crawl_writing(CRAWL, seen=seen))
    recorded = []
    monkeypatch.setattr(run_record, "record_run", lambda store, doc: recorded.append(doc) or "run-1")
    code, summary = runner.run("kabar,warta", extra=["-a", "limit=5"], store=Store(), env=env)
    assert seen["cmd"][-4:] == ["-a", "source=kabar,warta", "-a", "limit=5"] and seen["locks"] == 2
    assert seen["env"]["NEWS_INGEST_RUNNER"] == "1"
    assert summary["status"] == "partial" and code == runner.EXIT["partial"]  # warta fetched nothing
    assert summary["failed"] == {"warta": "nothing fetched (2 error(s))"}
    assert summary["per_source"]["kabar"]["fill"] == {"articles": 10, "body": 1.0, "title": 1.0,
                                                      "published_at": 0.8}
    assert (summary["indexed"], summary["extracted"], summary["run_id"]) == (8, 9, "run-1")
    [doc] = recorded
    assert doc["status"] == "partial" and doc["errors"] == ["warta: nothing fetched (2 error(s))"]
    assert doc["counts"]["indexed"] == 8 and doc["sources"] == ["kabar", "warta"]
    # the fill rates of a source that fetched pages are history for the next run's health check
    health = json.loads((runner.StatePaths.from_env(env).health).read_text())
    assert list(health) == ["kabar"] and health["kabar"][0]["articles"] == 10


def test_a_ledger_outage_spools_the_record_and_says_so(env, monkeypatch):
    ok = {**CRAWL, "sources": {"kabar": CRAWL["sources"]["kabar"]}}
    monkeypatch.setattr(runner, "_crawl", _crawl_writing(ok))

    def down(store, doc):
        raise StoreUnavailable("connection refused")

    monkeypatch.setattr(run_record, "record_run", down)
    code, summary = runner.run("kabar", store=Store(), env=env)
    assert summary["status"] == "ok_spooled" and code == 4 and summary["ledger"] == "spooled"
    spooled = list(runner.StatePaths.from_env(env).spool.rglob("*.jsonl*"))
    assert spooled and summary["run_id"] in "".join(p.read_text() for p in spooled if p.is_file())


def test_a_crawl_without_a_summary_failed(env, monkeypatch):
    monkeypatch.setattr(runner, "_crawl", _crawl_writing(None, code=1))
    monkeypatch.setattr(run_record, "record_run", lambda store, doc: "run-2")
    code, summary = runner.run("kabar", store=Store(), env=env)
    assert summary["status"] == "failed" and code == 2
    assert summary["error"].startswith("the crawl wrote no summary (exit 1)")


def test_an_interrupted_crawl_failed(env, monkeypatch):
    monkeypatch.setattr(runner, "_crawl", _crawl_writing(CRAWL, code=0, interrupted="SIGTERM"))
    monkeypatch.setattr(run_record, "record_run", lambda store, doc: "run-3")
    code, summary = runner.run("kabar", store=Store(), env=env)
    assert summary["status"] == "failed" and summary["interrupted"] == "SIGTERM"


def test_every_source_locked_by_another_run_is_skipped(env, monkeypatch):
    monkeypatch.setattr(runner, "_crawl", lambda *a: pytest.fail("crawled"))
    lock = Lock(runner.StatePaths.from_env(env).lock / "crawl-kabar.lock")
    assert lock.acquire()
    try:
        code, summary = runner.run("kabar", store=Store(), env=env)
        assert (code, summary["status"]) == (0, "skipped_locked")
        assert summary["locked_by_other_run"]["kabar"]["stuck"] is False
        code, summary = runner.run("kabar", store=Store(), env=env, max_hours=0.0)
        assert (code, summary["status"]) == (3, "stuck")
    finally:
        lock.release()


def test_cmd_crawl_prints_one_json_line(env, monkeypatch, capsys):
    import argparse

    monkeypatch.setattr(runner, "run", lambda spec, extra, max_hours: (0, {"status": "ok", "spec": spec}))
    assert runner.cmd_crawl(argparse.Namespace(all=True, source=None, scrapy_args=[], max_hours=6.0)) == 0
    assert json.loads(capsys.readouterr().out) == {"spec": "all", "status": "ok"}
    assert runner.cmd_crawl(argparse.Namespace(all=False, source="", scrapy_args=[], max_hours=6.0)) == 2
