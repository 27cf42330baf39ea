"""`news-ingest search` and `news-ingest stats` against the real nodes (both engines)."""

from __future__ import annotations

import pytest

from news_ingest import cli
from news_ingest.search import stats
from news_ingest.store.ledger import record_run

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


@pytest.fixture
def loaded(store, monkeypatch):
    assert all(i.ok for i in store.bulk_raw([{"op": "index", "id": k, "doc": v} for k, v in DOCS.items()]))
    store.refresh()
    monkeypatch.setenv("ES_URL", store.settings.urls[0])
    monkeypatch.setenv("ES_INDEX", store.alias)
    monkeypatch.delenv("SEARCH_URL", raising=False)
    monkeypatch.delenv("SEARCH_ENGINE", raising=False)
    return store


def _run(capsys, *argv: str) -> str:
    assert cli.main(list(argv)) == 0
    return capsys.readouterr().out


def test_search_prints_hits_with_highlights_dates_sources_attribution(loaded, capsys):
    out = _run(capsys, "search", "perjanjian", "pertahanan", "--lang", "id", "--source", "tribunnews",
               "--since", "2024-12-01", "--attribution", "AFP")
    assert out.startswith("1 hit(s) for 'perjanjian pertahanan'")
    assert "2024-12-05T08:00  tribunnews  [id]  attribution: AFP (wire)" in out
    assert "https://www.tribunnews.com/a" in out and "[perjanjian]" in out.lower()  # highlight (no tty)
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
