"""Cron runner pieces without services: the lock (incl. a dead holder), health state and warnings,
what counts as a failed source, and the run status."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from news_ingest.health import HealthState, health_warnings
from news_ingest.locks import Lock
from news_ingest.runner import EXIT, run_status, source_failed


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
        from news_ingest.locks import Lock
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


def test_failed_sources_and_a_quiet_run():
    assert source_failed({"pages_fetched": 0}) == "nothing fetched"
    assert source_failed({"pages_fetched": 0, "errors": {"dns": 3}}) == "nothing fetched (3 error(s))"
    assert source_failed({"pages_fetched": 5, "errors": {"http_500": 9}, "articles_found": 0})
    assert source_failed({"pages_fetched": 5, "errors": {"http_500": 1}, "articles_found": 4}) is None
    # a quiet hour: the feeds answered, every article was already indexed, one link was a 404
    quiet = {"pages_fetched": 3, "articles_found": 0, "skipped_seen": 20, "errors": {"http_404": 1}}
    assert source_failed(quiet) is None


def test_run_status_and_exit_codes():
    ok = {"crawl_ok": True, "sources": ["a", "b"], "failed": {}, "dead_letter": 0, "spooled": 0}
    assert run_status(**ok) == "ok"
    assert run_status(**{**ok, "spooled": 3}) == "ok_spooled"
    assert run_status(**{**ok, "dead_letter": 1, "spooled": 3}) == "partial"
    assert run_status(**{**ok, "failed": {"a": "nothing fetched"}}) == "partial"
    assert run_status(**{**ok, "failed": {"a": "x", "b": "y"}}) == "failed"
    assert run_status(**{**ok, "crawl_ok": False}) == "failed"
    assert {s: EXIT[s] for s in ("ok", "skipped_locked", "partial", "failed", "stuck", "ok_spooled")} == {
        "ok": 0, "skipped_locked": 0, "partial": 1, "failed": 2, "stuck": 3, "ok_spooled": 4}


def test_overlapping_runs_never_lose_each_others_health_records(tmp_path):
    """Six processes update health.json at once, 20 times each: every record is kept."""
    path = tmp_path / "health.json"
    code = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from news_ingest.health import HealthState
        h = HealthState(Path({str(path)!r}))
        for i in range(20):
            with h.locked() as data:
                time.sleep(0.001)  # widen the read-modify-write window
                data.setdefault(sys.argv[1], []).append(i)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code, f"s{n}"]) for n in range(6)]
    assert all(p.wait(60) == 0 for p in procs)
    data = HealthState(path).read()
    assert {k: len(v) for k, v in data.items()} == {f"s{n}": 20 for n in range(6)}
