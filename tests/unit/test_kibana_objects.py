"""The Kibana saved objects reference only fields the index templates map, aggregatable where
a visualisation aggregates, and every reference resolves inside the file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from news_ingest.settings import DEFAULT_INDEX
from news_ingest.store.client import RUNS_TEMPLATE_PATH, load_languages, template_for

NDJSON = Path(__file__).resolve().parents[2] / "config" / "kibana" / "saved-objects.ndjson"
AGG_TYPES = {"terms", "date_histogram", "histogram", "significant_terms", "cardinality", "avg", "sum",
             "min", "max", "percentiles"}
AGGREGATABLE = {"keyword", "date", "boolean", "integer", "long", "float", "double"}


def _objects() -> list[dict]:
    return [json.loads(line) for line in NDJSON.read_text().splitlines() if line.strip()]


def _fields(props: dict, prefix: str = "") -> dict[str, dict]:
    """Flatten a mapping to ``{dotted.field: mapping}`` including multi-fields."""
    out: dict[str, dict] = {}
    for name, m in props.items():
        full = prefix + name
        out[full] = m
        out.update(_fields(m.get("properties", {}), full + "."))
        out.update({f"{full}.{sub}": sm for sub, sm in m.get("fields", {}).items()})
    return out


ARTICLE = _fields(template_for(DEFAULT_INDEX, sorted({g["analyzer"] for g in load_languages().values()}))
                  ["template"]["mappings"]["properties"])
RUNS = _fields(json.loads(RUNS_TEMPLATE_PATH.read_text())["mappings"]["properties"])
FIELDS_BY_DATA_VIEW = {"news-articles": ARTICLE, "news-articles-runs": RUNS}


def _data_views() -> dict[str, str]:
    return {o["id"]: o["attributes"]["title"] for o in _objects() if o["type"] == "index-pattern"}


def _mapping_for(obj: dict) -> dict[str, dict]:
    ref = next(r for r in obj["references"] if r["type"] == "index-pattern")
    return FIELDS_BY_DATA_VIEW[_data_views()[ref["id"]]]


def test_every_object_is_importable_shape():
    objs = _objects()
    assert len({o["id"] for o in objs}) == len(objs)
    for o in objs:
        assert {"id", "type", "attributes", "references"} <= set(o)
        assert o["coreMigrationVersion"] and o["typeMigrationVersion"]  # hand-made objects need both
        assert o["attributes"]["title"]


def test_references_resolve_inside_the_file():
    known = {(o["type"], o["id"]) for o in _objects()}
    for o in _objects():
        for ref in o["references"]:
            assert (ref["type"], ref["id"]) in known, (o["id"], ref)
        for panel in json.loads(o["attributes"].get("panelsJSON", "[]")):
            assert any(r["name"] == panel["panelRefName"] for r in o["references"])


def test_data_views_are_on_the_alias_and_time_fields_are_dates():
    views = {o["attributes"]["title"]: o for o in _objects() if o["type"] == "index-pattern"}
    assert set(views) == set(FIELDS_BY_DATA_VIEW)
    assert views[DEFAULT_INDEX]["attributes"]["timeFieldName"] == "published_at"
    for title, o in views.items():
        assert FIELDS_BY_DATA_VIEW[title][o["attributes"]["timeFieldName"]]["type"] == "date"


def test_saved_search_columns_and_sort_exist():
    for o in (o for o in _objects() if o["type"] == "search"):
        fields = _mapping_for(o)
        for col in o["attributes"]["columns"]:
            assert col in fields, (o["id"], col)
        for field, _ in o["attributes"]["sort"]:
            assert fields[field]["type"] in AGGREGATABLE


def _vis_fields(o: dict) -> tuple[list[str], list[str]]:
    """(aggregated fields, fields used in KQL filters) of one visualisation."""
    state = json.loads(o["attributes"]["visState"])
    aggregated, queried = [], []
    for agg in state["aggs"]:
        if agg["type"] in AGG_TYPES:
            aggregated.append(agg["params"]["field"])
        for flt in agg["params"].get("filters", []):
            queried += re.findall(r"([A-Za-z_][\w.]*)\s*:", flt["input"]["query"])
    return aggregated, queried


VISUALISATIONS = [o for o in _objects() if o["type"] == "visualization"]


@pytest.mark.parametrize("vis", VISUALISATIONS, ids=[o["id"] for o in VISUALISATIONS])
def test_visualisation_fields_exist_and_aggregate(vis):
    fields = _mapping_for(vis)
    aggregated, queried = _vis_fields(vis)
    assert aggregated or queried
    for f in aggregated:
        m = fields[f]
        assert m["type"] in AGGREGATABLE and m.get("doc_values", True), (vis["id"], f)
    for f in queried:
        assert f in fields, (vis["id"], f)


def test_dashboard_covers_what_the_issue_asks():
    dash = next(o for o in _objects() if o["type"] == "dashboard")
    panels = {r["id"] for r in dash["references"]}
    titles = {o["attributes"]["title"] for o in _objects() if o["id"] in panels}
    assert {"Articles per day by source", "Languages", "Top attributed agencies",
            "Wire copy vs own copy"} <= titles
    assert any(t.startswith("Field fill") for t in titles)
    aggregated = {f for o in VISUALISATIONS for f in _vis_fields(o)[0]}
    assert {"published_at", "source", "language", "source_attribution", "is_wire_copy"} <= aggregated


def test_dashboard_opens_on_a_range_that_shows_the_demo_articles():
    """The sample site's articles are dated 2019-2024: a "last 30 days" dashboard shows none."""
    site = Path(__file__).resolve().parents[1] / "fixtures" / "site"
    dates = [m for f in site.rglob("*.html")
             for m in re.findall(r'"datePublished"\s*:\s*"([^"]+)"', f.read_text(encoding="utf-8",
                                                                             errors="replace"))]
    from datetime import datetime

    earliest = min(datetime.fromisoformat(d) for d in dates)
    dash = next(o for o in _objects() if o["type"] == "dashboard")["attributes"]
    assert dash["timeRestore"] is True and dash["timeTo"] == "now"
    assert datetime.fromisoformat(dash["timeFrom"].replace("Z", "+00:00")) <= earliest


def test_minimum_kibana_version_is_stated_where_users_import():
    from news_ingest.kibana import MIN_KIBANA

    stamped = max(tuple(map(int, o["coreMigrationVersion"].split("."))) for o in _objects())
    assert ".".join(map(str, stamped)) == MIN_KIBANA
    short = ".".join(MIN_KIBANA.split(".")[:2])
    root = Path(__file__).resolve().parents[2]
    for doc in ("README.md", "docs/engines.md"):
        assert f"Kibana {short} or newer" in (root / doc).read_text(), doc
