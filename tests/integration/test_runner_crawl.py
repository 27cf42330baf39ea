"""`news-ingest crawl --source X` for real: lock, per-run log, summary file, status and exit code,
ledger, health, signals — real `scrapy crawl` children against a loopback site and a real node."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.sitegen import Site, serve, sources_yaml
from news_ingest.locks import Lock
from news_ingest.store.client import connect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def es_settings(single_engine_settings):
    """This part does not depend on the search engine: run once, not per engine."""
    return single_engine_settings


def _env(tmp_path: Path, es_settings, sources: str) -> dict[str, str]:
    (tmp_path / "sources.yaml").write_text(sources)
    env = {**os.environ, "ES_URL": es_settings.urls[0], "ES_INDEX": es_settings.index,
           "SEARCH_ENGINE": es_settings.engine, "NEWS_SOURCES": str(tmp_path / "sources.yaml"),
           "NEWS_HOME": str(tmp_path / "home"), "LOG_LEVEL": "WARNING",
           "STAGE_WORKERS": "0"}
    for k in ("REDIS_URL", "INDEX_SPOOL_DIR", "INDEX_DEAD_LETTER_DIR", "NEWS_LOCK_DIR", "NEWS_LOG_DIR",
              "NEWS_STATE_DIR", "NEWS_INGEST_RUNNER", "WARC_DIR"):
        env.pop(k, None)
    return env


CMD = [sys.executable, "-m", "news_ingest.cli", "crawl", "--source", "bench"]


def test_scheduled_run_end_to_end(tmp_path, es_settings):
    connect(es_settings).setup()
    site = Site(30)
    server, base = serve(site)
    # a start page that is gone (404): a real site always has some
    env = _env(tmp_path, es_settings, sources_yaml(base, concurrency=4).replace(
        f'start_urls: ["{base}/"]', f'start_urls: ["{base}/", "{base}/section/gone.html"]'))
    elsewhere = tmp_path / "elsewhere"  # the working directory does not matter: NEWS_HOME does
    elsewhere.mkdir()
    home = tmp_path / "home"
    try:
        # LOG_LEVEL=WARNING: the summary log line is not even written; the numbers come from the file
        proc = subprocess.run(CMD, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        lines = proc.stdout.strip().splitlines()
        assert len(lines) == 1
        summary = json.loads(lines[0])
        assert summary["status"] == "ok" and summary["indexed"] == 30, summary
        assert summary["spooled"] == 0 and summary["dead_letter"] == 0
        assert summary["per_source"]["bench"]["fill"]["articles"] == 30
        assert summary["per_source"]["bench"]["fill"]["body"] == 1.0
        log = Path(summary["log"])
        assert log.parent == home / "log" and log.is_file()
        assert "news-ingest crawl summary" not in log.read_text()
        assert (home / "lock" / "crawl-bench.lock").is_file() and (home / "state" / "health.json").is_file()
        store = connect(es_settings)
        store.client.indices.refresh(index=f"{store.alias}-runs")
        runs = store.client.search(index=f"{store.alias}-runs")["hits"]["hits"]
        assert [r["_source"]["status"] for r in runs] == ["ok"]

        # a quiet hour: nothing new, one 404 — that is ok, not a failure that pages someone
        proc = subprocess.run(CMD, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
        quiet = json.loads(proc.stdout)
        assert proc.returncode == 0 and quiet["status"] == "ok", proc.stdout
        assert quiet["indexed"] == 0 and quiet["per_source"]["bench"]["errors"] == {"http_404": 1}
        assert quiet["per_source"]["bench"]["skipped_seen"] == 30

        # a second run while the first still holds the lock does not start
        lock = Lock(home / "lock" / "crawl-bench.lock")
        assert lock.acquire()
        try:
            proc = subprocess.run(CMD, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
        finally:
            lock.release()
        assert proc.returncode == 0 and json.loads(proc.stdout)["status"] == "skipped_locked"
    finally:
        server.shutdown()
        server.server_close()  # the site is gone: connections are refused, not left hanging

    # the site is gone: its only source failed, so the run failed; the exit code says so
    proc = subprocess.run(CMD, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert proc.returncode == 2 and summary["status"] == "failed", proc.stdout
    assert summary["failed"]["bench"].startswith("nothing fetched"), summary


def test_sigterm_reaches_the_crawl_and_the_lock_outlives_it(tmp_path, es_settings):
    """cron/systemd stopping the runner: the crawl child gets the signal, and no second run of the
    source can start until the child has really exited."""
    site = Site(200, delay_ms=300)  # slow pages: the signal lands mid-crawl
    server, base = serve(site)
    env = _env(tmp_path, es_settings, sources_yaml(base, concurrency=2))
    lock_path = tmp_path / "home" / "lock" / "crawl-bench.lock"
    runner = subprocess.Popen(CMD, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        deadline = time.monotonic() + 120
        while sum(n for p, n in list(site.hits.items()) if p.startswith("/news/")) < 10:
            assert runner.poll() is None and time.monotonic() < deadline, runner.communicate()
            time.sleep(0.2)
        child = json.loads(lock_path.read_text())["child"]
        runner.send_signal(signal.SIGTERM)
        while _alive(child):  # while the crawl lives, nobody else may take its source
            probe = Lock(lock_path)
            assert not probe.acquire(), "lock free while the crawl child still runs"
            assert time.monotonic() < deadline + 60
            time.sleep(0.1)
        out, err = runner.communicate(timeout=60)
    finally:
        if runner.poll() is None:
            runner.kill()
        server.shutdown()
        server.server_close()
    summary = json.loads(out.strip().splitlines()[-1])
    assert runner.returncode == 2 and summary["status"] == "failed", out + err
    assert summary["interrupted"] == "SIGTERM"
    assert 0 < summary["indexed"] < 200  # Scrapy shut down gracefully and flushed what it had
    probe = Lock(lock_path)
    assert probe.acquire()
    probe.release()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by the runner) holds no files any more
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_all_never_crawls_a_fixture_source(tmp_path, es_settings):
    env = _env(tmp_path, es_settings, sources_yaml("http://127.0.0.1:9"))  # a loopback source: fixture
    proc = subprocess.run([sys.executable, "-m", "news_ingest.cli", "crawl", "--all"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "only fixture sources" in proc.stderr, proc.stderr


def test_a_run_during_an_outage_is_ok_spooled_and_its_ledger_record_survives(tmp_path, es_settings):
    """The cluster is down for the whole run: nothing is lost — the articles and the run's own
    ledger record wait in the spool (status ok_spooled, exit 4), and `news-ingest replay` later
    delivers both, into the alias the run wrote to."""
    site = Site(6)
    server, base = serve(site)
    env = _env(tmp_path, es_settings, sources_yaml(base, concurrency=4))
    down = {**env, "ES_URL": "http://127.0.0.1:9", "INDEX_MAX_RETRIES": "0", "INDEX_BACKOFF_SECONDS": "0.05"}
    try:
        proc = subprocess.run(CMD, cwd=tmp_path, env=down, capture_output=True, text=True, timeout=300)
    finally:
        server.shutdown()
        server.server_close()
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert proc.returncode == 4 and summary["status"] == "ok_spooled", proc.stdout + proc.stderr
    assert summary["spooled"] == 6 and summary["indexed"] == 0 and summary["ledger"] == "spooled"
    replay = subprocess.run([sys.executable, "-m", "news_ingest.cli", "replay"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert replay.returncode == 0 and "replayed 7 document(s)" in replay.stdout, replay.stdout + replay.stderr
    store = connect(es_settings)
    store.refresh()
    assert store.count() == 6
    store.client.indices.refresh(index=f"{store.alias}-runs")
    runs = [r["_source"] for r in store.client.search(index=f"{store.alias}-runs")["hits"]["hits"]]
    assert [(r["run_id"], r["status"], r["counts"]["spooled"]) for r in runs] == [
        (summary["run_id"], "ok_spooled", 6)]


def test_a_killed_runner_leaves_the_lock_to_its_crawl(tmp_path, es_settings):
    """kill -9 of the runner (no chance to forward anything): the crawl child still holds the
    source's lock, so the next scheduled run skips the source instead of crawling it twice."""
    site = Site(200, delay_ms=300)
    server, base = serve(site)
    env = _env(tmp_path, es_settings, sources_yaml(base, concurrency=2))
    lock_path = tmp_path / "home" / "lock" / "crawl-bench.lock"
    runner = subprocess.Popen(CMD, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    child = None
    try:
        deadline = time.monotonic() + 120
        while sum(n for p, n in list(site.hits.items()) if p.startswith("/news/")) < 3:
            assert runner.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        child = json.loads(lock_path.read_text())["child"]
        runner.kill()
        runner.wait(10)
        assert _alive(child)
        again = subprocess.run(CMD, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        summary = json.loads(again.stdout)
        assert again.returncode == 0 and summary["status"] == "skipped_locked", again.stdout
        assert summary["locked_by_other_run"]["bench"]["child"] == child
    finally:
        if child and _alive(child):
            os.kill(child, signal.SIGKILL)
        server.shutdown()
        server.server_close()


def test_a_crawl_that_cannot_start_fails_loudly(tmp_path, es_settings):
    """The crawl's start fails (here its crawl-state file cannot be opened: a directory stands where
    the file belongs).  Scrapy closes such a crawl as ``start_error`` and exits 0: a cron run would be
    'ok' with nothing crawled.  ``scrapy crawl`` exits 1 with one error line, and the scheduled run is
    ``failed`` (exit 2, cron mails)."""
    store = connect(es_settings)
    store.setup()
    site = Site(5)
    server, base = serve(site)
    env = _env(tmp_path, es_settings, sources_yaml(base, concurrency=4))
    (tmp_path / "home" / "state" / "crawl" / store.alias / "bench.sqlite").mkdir(parents=True)
    try:
        crawl = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=bench"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert crawl.returncode == 1, crawl.stderr[-3000:]
        errors = [ln for ln in crawl.stderr.splitlines() if ln.startswith("error: ")]
        assert len(errors) == 1 and "could not start" in errors[0], crawl.stderr[-3000:]
        proc = subprocess.run(CMD, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        summary = json.loads(proc.stdout)
        assert proc.returncode == 2 and summary["status"] == "failed", proc.stdout + proc.stderr
        assert summary["exit_code"] == 1
    finally:
        server.shutdown()
