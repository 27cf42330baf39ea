"""news-ingest search / stats without a cluster: the request bodies sent, the aggregations read back
(per local day of each source's zone), the commands' output and warnings."""

from __future__ import annotations

import argparse

import pytest

from news_ingest import search as search_cmd
from news_ingest import stats as stats_mod
from news_ingest.search import UsageError


def _bucket(key, n, **extra):
    return {"key": key, "doc_count": n, **extra}


def _days(*pairs):
    return {"buckets": [{"key_as_string": f"{d}T00:00:00.000+07:00", "doc_count": n} for d, n in pairs]}


class Store:
    """Answers ``search_raw`` with a canned response and records the bodies sent."""

    def __init__(self, response=None, counts=None, languages=None):
        self.response = response
        self.bodies: list[dict] = []
        self.counts = counts or {}
        self._languages = languages or {"id": "indonesian"}

    def search_raw(self, body):
        self.bodies.append(body)
        return self.response

    def count(self, query):
        return self.counts.get(query["term"]["source"], 0)

    def languages(self):
        return self._languages


def _stats_response():
    fill = {f: {"doc_count": 9 if f != "authors" else 3} for f in stats_mod.FILL_FIELDS}
    return {
        "hits": {"total": {"value": 12}},
        "aggregations": {
            "sources": {"buckets": [_bucket("kabar", 9, fill={"buckets": fill}, incomplete={"doc_count": 1}),
                                    _bucket("bbc", 3, fill={"buckets": {f: {"doc_count": 3} for f in fill}},
                                            incomplete={"doc_count": 0})]},
            "incomplete": {"doc_count": 1},
            "languages": {"buckets": [_bucket("id", 9), _bucket("en", 3)]},
            "agencies": {"buckets": [_bucket("Antara", 4), _bucket("AFP", 2)]},
            "wire": {"buckets": [{"key": 0, "key_as_string": "false", "doc_count": 8},
                                 {"key": 1, "key_as_string": "true", "doc_count": 4}]},
            "days_0": {"doc_count": 3, "days": _days(("2024-12-03", 2), ("2024-12-02", 1))},
            "days_1": {"doc_count": 9, "days": _days(("2024-12-03", 5), ("2024-12-01", 4))},
            "days_other": {"doc_count": 0, "days": {"buckets": []}},
            "syndicated": {"value": 10},
        }}


def test_days_are_counted_on_each_sources_own_local_day():
    zones = stats_mod.day_zones(None, {"kabar": "Asia/Jakarta", "bbc": "Europe/London"})
    assert zones == {"days_0": ("Asia/Jakarta", ["kabar"]), "days_1": ("Europe/London", ["bbc"]),
                     "days_other": ("UTC", [])}
    assert stats_mod.day_zones("Asia/Jakarta", {"kabar": "Asia/Jakarta"}) == {"days": ("Asia/Jakarta", None)}
    body = stats_mod.stats_body(since="2024-12-01", top=5, source=["kabar"], days=zones)
    assert body["query"] == {"bool": {"filter": [{"range": {"published_at": {"gte": "2024-12-01"}}},
                                                 {"terms": {"source": ["kabar"]}}]}}
    assert body["aggs"]["days_0"]["filter"] == {"terms": {"source": ["kabar"]}}
    assert body["aggs"]["days_0"]["aggs"]["days"]["date_histogram"]["time_zone"] == "Asia/Jakarta"
    assert body["aggs"]["days_other"]["filter"] == {"bool": {"must_not": [{"terms": {"source": ["bbc", "kabar"]}}]}}
    assert body["aggs"]["languages"]["terms"]["size"] == 5


def test_stats_reads_the_aggregations_back():
    store = Store(_stats_response())
    st = stats_mod.stats(store, zones={"kabar": "Asia/Jakarta", "bbc": "Europe/London"})
    assert st["total"] == 12 and st["stories"] == 10 and st["pages_incomplete"] == 1
    assert st["days"] == {"2024-12-03": 7, "2024-12-02": 1, "2024-12-01": 4}
    assert list(st["days"]) == ["2024-12-03", "2024-12-02", "2024-12-01"]  # newest first
    assert st["sources"]["kabar"]["fill"]["authors"] == 0.333 and st["sources"]["kabar"]["pages_incomplete"] == 1
    assert st["wire"] == {"false": 8, "true": 4} and st["agencies"] == {"Antara": 4, "AFP": 2}
    assert st["day_zone"] == "each source's own"


def test_the_stats_command_prints_every_table(monkeypatch, capsys):
    store = Store(_stats_response())
    monkeypatch.setattr(search_cmd, "connect", lambda: store)
    monkeypatch.setattr(search_cmd, "source_zones", lambda: {"kabar": "Asia/Jakarta", "bbc": "Europe/London"})
    monkeypatch.setattr(stats_mod, "source_zones", lambda: {"kabar": "Asia/Jakarta", "bbc": "Europe/London"})
    monkeypatch.setattr(search_cmd, "recent_runs", lambda store: [
        {"started_at": "2024-12-03T01:00:00+00:00", "status": "ok", "sources": ["kabar"], "error_count": 0}])
    args = argparse.Namespace(since="2024-12-01", top=20, days=2, tz=None, source=["kabar"])
    assert search_cmd.cmd_stats(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("12 articles, 10 distinct stories")
    assert "1 multi-page article(s) missing a part" in out
    for title in ("per source", "per language", "per attributed agency", "wire copy", "recent crawl runs"):
        assert f"\n{title}" in out
    assert "2024-12-01" not in out  # --days 2
    assert "ok" in out.split("recent crawl runs", 1)[1]


def test_a_search_sends_the_filters_and_the_stemmed_fields():
    store = Store({"hits": {"total": {"value": 0}, "hits": []}})
    search_cmd.search(store, "  perjanjian pertahanan ", language="id", source=["kabar"], since="2024-12-01",
                      attribution=["afp"], wire=True, collapse=True, sort_by_date=True)
    [body] = store.bodies
    must = body["query"]["bool"]["must"][0]["multi_match"]
    assert must["query"] == "perjanjian pertahanan" and "body_indonesian" in must["fields"]
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"language": "id"}} in filters and {"terms": {"source": ["kabar"]}} in filters
    assert {"term": {"is_wire_copy": True}} in filters
    assert body["collapse"]["field"] == "cluster_id" and body["sort"][0]["published_at"]["order"] == "desc"


def test_the_search_command_warns_about_what_would_find_nothing(monkeypatch, capsys):
    hit = {"_source": {"url": "https://kabar.example/berita/1.html", "title": "Banjir surut", "source": "kabar",
                       "published_at": "2024-12-03T08:00:00+07:00", "language": "id",
                       "source_attribution": ["Antara"], "is_wire_copy": True, "body": "Banjir surut pagi ini."},
           "highlight": {}}
    store = Store({"hits": {"total": {"value": 1}, "hits": [hit]}}, languages={})
    monkeypatch.setattr(search_cmd, "connect", lambda: store)
    monkeypatch.setattr(search_cmd, "source_zones", lambda: {"kabar": "Asia/Jakarta"})
    args = argparse.Namespace(query=["banjir"], since=None, until=None, size=10, source=["kabr"],
                              attribution=["Kantor Berita Entah"], lang="jv", wire="yes", collapse=False,
                              sort="date")
    assert search_cmd.cmd_search(args) == 0
    captured = capsys.readouterr()
    assert "--source 'kabr': no such source" in captured.err
    assert "--attribution 'Kantor Berita Entah' is not in the agency table" in captured.err
    assert "--lang jv: this cluster has no analyzer" in captured.err
    assert "1 hit(s) for 'banjir'" in captured.out and "(wire)" in captured.out and "Banjir surut" in captured.out


@pytest.mark.parametrize("args,message", [
    (dict(size=0), "--size 0: give 1 to 500 hits"),
    (dict(since="kemarin"), "--since 'kemarin' is not a date"),
])
def test_bad_search_options_are_usage_errors(args, message):
    base = dict(query=["banjir"], since=None, until=None, size=10, source=None, attribution=None, lang=None,
                wire=None, collapse=False, sort="relevance")
    with pytest.raises(UsageError, match=message):
        search_cmd.cmd_search(argparse.Namespace(**{**base, **args}))


def test_time_zone_option():
    assert search_cmd.parse_tz("Asia/Jakarta") == "Asia/Jakarta" and search_cmd.parse_tz(None) is None
    with pytest.raises(UsageError, match="--tz 'Jakarta' is not a time zone"):
        search_cmd.parse_tz("Jakarta")


def test_source_zones_from_the_configured_sources(monkeypatch, tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: kabar\n    domains: [kabar.example]\n    start_urls: "
                    "['https://kabar.example/']\n    article_allow: ['/berita/']\n    country: ID\n")
    monkeypatch.setenv("NEWS_SOURCES", str(path))
    assert stats_mod.source_zones() == {"kabar": "Asia/Jakarta"}
    path.write_text("sources: [")
    assert stats_mod.source_zones() == {}
