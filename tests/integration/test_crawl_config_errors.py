"""`scrapy crawl news` with a mistake in its arguments or configuration: one line naming the fix
(exit 2), the same message the `news-ingest` CLI gives — no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _crawl(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "NEWS_HOME": str(tmp_path), "ES_URL": "http://127.0.0.1:9", **env}
    full.pop("REDIS_URL", None)
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", *args], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("args", "env", "expect"), [
    (["-a", "source=kompsa"], {}, "unknown source(s) ['kompsa']"),
    (["-a", "source=sample"], {}, "is a fixture source of the bundled sample site"),
    (["-a", "source=kompas", "-a", "since=soon"], {}, "since='soon' is not a date. Fix: -a since=YYYY-MM-DD"),
    (["-a", "source=kompas"], {"INDEX_BATCH_DOCS": "many"},
     "INDEX_BATCH_DOCS='many' is not a whole number. Fix: e.g. INDEX_BATCH_DOCS=500"),
    (["-a", "source=kompas"], {"ES_URL": "localhost:9200"}, "ES_URL='localhost:9200' is not an http(s) URL"),
    (["-a", "source=kompas"], {"NEWS_SOURCES": "/nonexistent/sources.yaml"}, "not found. Fix:"),
])
def test_a_bad_crawl_configuration_is_one_line(tmp_path, args, env, expect):
    proc = _crawl(tmp_path, *args, **env)
    assert proc.returncode == 2, proc.stderr[-2000:]
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1 and expect in errors[0] and "Fix:" in errors[0], proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
