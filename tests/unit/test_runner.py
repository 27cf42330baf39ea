"""Cron runner pieces without services: the lock (incl. a dead holder), health warnings, summary parsing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from news_ingest.runner import Lock, health_warnings, parse_summary, source_failed


def test_lock_is_exclusive_and_released(tmp_path):
    a, b = Lock(tmp_path / "x.lock"), Lock(tmp_path / "x.lock")
    assert a.acquire()
    assert not b.acquire()
    a.release()
    assert b.acquire()
    b.release()


def test_lock_of_a_killed_holder_is_recovered(tmp_path):
    path = tmp_path / "x.lock"
    code = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(tmp_path.parent)!r})
        from news_ingest.runner import Lock
        assert Lock(__import__('pathlib').Path({str(path)!r})).acquire()
        print('held', flush=True)
        os.kill(os.getpid(), 9)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "held" in proc.stdout and proc.returncode == -9
    lock = Lock(path)
    assert lock.acquire()  # no manual cleanup needed
    lock.release()


def test_health_flags_a_body_fill_rate_drop():
    history = [{"articles": 40, "body": 0.98, "title": 1.0, "published_at": 0.95}] * 3
    ok = {"articles": 35, "body": 0.97, "title": 1.0, "published_at": 0.9}
    broken = {"articles": 35, "body": 0.2, "title": 1.0, "published_at": 0.1}
    assert health_warnings(ok, history) == []
    warns = health_warnings(broken, history)
    assert len(warns) == 2 and warns[0].startswith("body filled in 20%") and "published_at" in warns[1]
    assert health_warnings({"articles": 0}, history)[0].startswith("no articles")
    assert health_warnings(broken, history[:1]) == []  # too little history to judge


def test_summary_parsing_and_failed_sources():
    log = 'x\n2026 [crawler.extensions] INFO: news-ingest crawl summary: {"indexed": 3, "sources": {}}\n'
    assert parse_summary(log) == {"indexed": 3, "sources": {}}
    assert parse_summary("no summary") is None
    assert source_failed({"pages_fetched": 0}) == "nothing fetched"
    assert source_failed({"pages_fetched": 5, "errors": {"http_500": 5}, "articles_found": 0})
    assert source_failed({"pages_fetched": 5, "errors": {"http_500": 1}, "articles_found": 4}) is None
