"""`news-ingest search` and `news-ingest stats` against the real nodes (both engines)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from news_ingest import cli
from news_ingest.search import stats
from news_ingest.store.ledger import record_run

ROOT = Path(__file__).resolve().parents[2]

WIRE = ("Korea Utara dan Rusia menandatangani perjanjian pertahanan bersama. Perjanjian itu mulai "
        "berlaku pada hari Rabu, kata kantor berita KCNA.")
DOCS = {
    "t1": {"url": "https://www.tribunnews.com/a", "source": "tribunnews", "language": "id",
           "title": "Perjanjian pertahanan Korut-Rusia berlaku", "body": WIRE,
           "published_at": "2024-12-05T08:00:00+07:00", "source_attribution": ["AFP"], "is_wire_copy": True,
           "cluster_id": "t1", "is_cluster_canonical": True, "authors": ["Redaksi"]},
    "k1": {"url": "https://www.kompas.com/b", "source": "kompas", "language": "id",
           "title": "Korut dan Rusia: perjanjian pertahanan", "body": WIRE,
           "published_at": "2024-12-05T10:00:00+07:00", "source_attribution": ["AFP"], "is_wire_copy": True,
           "cluster_id": "t1", "is_cluster_canonical": False},
    "t2": {"url": "https://www.tribunnews.com/c", "source": "tribunnews", "language": "id",
           "title": "Banjir Jakarta surut", "body": "Banjir yang merendam permukiman mulai surut.",
           "published_at": "2024-11-20T07:00:00+07:00", "is_wire_copy": False, "cluster_id": "t2"},
    "s1": {"url": "https://www.thestar.com.my/d", "source": "thestar", "language": "en",
           "title": "Defence pact takes effect", "body": "The defence pact between North Korea and Russia "
           "took effect on Wednesday, Reuters reported.", "published_at": "2024-12-06T09:00:00+08:00",
           "source_attribution": ["Reuters"], "is_wire_copy": True, "cluster_id": "s1"},
}


def add_docs(store, docs: dict[str, dict]) -> None:
    """Index ``{id: document}`` as stored documents and make them searchable."""
    assert all(i.ok for i in store.bulk_raw([{"op": "index", "id": k, "doc": v} for k, v in docs.items()]))
    store.refresh()


@pytest.fixture
def loaded(store, monkeypatch):
    add_docs(store, DOCS)
    monkeypatch.setenv("ES_URL", store.settings.urls[0])
    monkeypatch.setenv("ES_INDEX", store.alias)
    monkeypatch.delenv("SEARCH_URL", raising=False)
    monkeypatch.delenv("SEARCH_ENGINE", raising=False)
    return store


def _run(capsys, *argv: str) -> str:
    return _run_both(capsys, *argv)[0]


def _run_both(capsys, *argv: str) -> tuple[str, str]:
    assert cli.main(list(argv)) == 0
    cap = capsys.readouterr()
    return cap.out, cap.err


def test_search_prints_hits_with_highlights_dates_sources_attribution(loaded, capsys):
    out = _run(capsys, "search", "perjanjian", "pertahanan", "--lang", "id", "--source", "tribunnews",
               "--since", "2024-12-01", "--attribution", "AFP")
    assert out.startswith("1 hit(s) for 'perjanjian pertahanan'")
    assert "2024-12-05T08:00  tribunnews  [id]  attribution: AFP (wire)" in out
    assert "https://www.tribunnews.com/a" in out and "[perjanjian]" in out.lower()  # highlight (no tty)
    assert "<em>" not in out and "\ue000" not in out
    assert "kompas" not in out and "Banjir" not in out


def test_search_filters_and_collapse(loaded, capsys):
    out = _run(capsys, "search", "perjanjian", "pertahanan")
    assert out.startswith("2 hit(s)")
    out = _run(capsys, "search", "perjanjian", "pertahanan", "--collapse")
    assert "one line per story" in out and "2 copies" in out
    assert out.count("https://") == 1
    out = _run(capsys, "search", "banjir", "--since", "2024-12-01")
    assert out.startswith("0 hit(s)")
    out = _run(capsys, "search", "pact", "--wire", "yes", "--sort", "date")
    assert "thestar" in out and "attribution: Reuters" in out


def test_stats_counts_and_fill_rates(loaded, capsys):
    st = stats(loaded)
    assert st["total"] == 4 and st["stories"] == 3
    assert st["sources"]["tribunnews"]["articles"] == 2
    assert st["sources"]["tribunnews"]["fill"]["authors"] == 0.5
    assert st["sources"]["kompas"]["fill"]["title"] == 1.0
    assert st["languages"] == {"id": 3, "en": 1}
    assert st["agencies"] == {"AFP": 2, "Reuters": 1}
    assert st["wire"] == {"true": 3, "false": 1}
    assert st["days"]["2024-12-05"] == 2
    record_run(loaded, {"run_id": "run-1", "started_at": "2024-12-06T00:00:00+00:00",
                        "finished_at": "2024-12-06T00:05:00+00:00", "sources": ["tribunnews"],
                        "status": "ok", "counts": {"news/indexed": 2}, "errors": []})
    out = _run(capsys, "stats")
    assert out.startswith("4 articles, 3 distinct stories")
    assert "       2  tribunnews" in out and "       2  AFP" in out
    assert "field fill rates per source" in out and "recent crawl runs" in out and "tribunnews" in out


def test_cli_reports_an_unreachable_cluster_cleanly(monkeypatch, capsys):
    monkeypatch.setenv("ES_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("SEARCH_URL", raising=False)
    assert cli.main(["stats"]) == 2
    assert "error: cannot reach" in capsys.readouterr().err


def test_attribution_any_case_or_alias(loaded, capsys):
    for name in ("afp", "AFP", "Agence France-Presse", "agence france presse"):
        out = _run(capsys, "search", "perjanjian", "--attribution", name)
        assert out.startswith("2 hit(s)"), (name, out)
    out = _run(capsys, "search", "pact", "--attribution", "reuters", "--attribution", "afp")
    assert out.startswith("1 hit(s)") and "thestar" in out


def test_warnings_for_unknown_source_and_unstemmed_language(loaded, capsys):
    out, err = _run_both(capsys, "search", "perjanjian", "--source", "nosuch")
    assert out.startswith("0 hit(s)")
    assert "warning: --source 'nosuch': no such source in sources.yaml and no article from it" in err
    _, err = _run_both(capsys, "search", "perjanjian", "--lang", "id")
    stemmed = "indonesian" in loaded.available_analyzers()
    # the test zip of Elasticsearch has no language analyzers, OpenSearch's has: the CLI says which
    assert ("no analyzer for that language" in err) is not stemmed, err


def test_stored_control_characters_never_reach_the_terminal(loaded, capsys):
    doc = {"url": "https://www.tribunnews.com/x", "source": "tribunnews", "language": "id",
           "title": "Judul \x1b]0;owned\x07\x1b[2J bersih", "body": "Perjanjian \x1b[31mmerah\x1b[0m dagang.",
           "published_at": "2024-12-07T08:00:00+07:00"}
    add_docs(loaded, {"esc": doc})
    out = _run(capsys, "search", "dagang")
    assert "Judul bersih" in out and "owned" not in out and "\x1b" not in out and "\x07" not in out


def test_stats_days_in_each_sources_time_zone(loaded, capsys):
    # 00:30 in Jakarta on the 6th is 17:30 UTC on the 5th
    doc = {"url": "https://www.tribunnews.com/m", "source": "tribunnews", "language": "id",
           "title": "Tengah malam", "body": "Berita tengah malam.",
           "published_at": "2024-12-06T00:30:00+07:00"}
    add_docs(loaded, {"midnight": doc})
    local = stats(loaded)  # tribunnews is an Indonesian source: Asia/Jakarta days
    assert local["days"]["2024-12-06"] == 2 and local["days"]["2024-12-05"] == 2  # + thestar's 6th (MY)
    utc = stats(loaded, tz="UTC")
    assert utc["days"]["2024-12-05"] == 3 and utc["days"]["2024-12-06"] == 1
    out = _run(capsys, "stats", "--tz", "Asia/Jakarta", "--source", "tribunnews")
    assert "local day in Asia/Jakarta time zone" in out and "       1  2024-12-06" in out


def test_stats_into_a_closed_pipe_ends_quietly(loaded):
    env = {"ES_URL": loaded.settings.urls[0], "ES_INDEX": loaded.alias, "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen([sys.executable, "-m", "news_ingest.cli", "stats"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # `stats | head` where head has already gone
    err = proc.stderr.read().decode()
    assert proc.wait(60) == 141 and "Traceback" not in err and "BrokenPipe" not in err, err
