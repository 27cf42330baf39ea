"""``news-ingest stats``: articles per source, language, day and attributed agency, and field fill rates
per source, as one aggregation request (a plain dict both engines accept)."""

from __future__ import annotations

from typing import Any

from news_ingest.store.client import Store

# Fields whose fill rate per source `stats` reports (the ones newsrooms filter and facet on).
FILL_FIELDS = ("title", "body", "published_at", "authors", "description", "image", "language",
               "source_attribution", "dateline", "tags", "canonical_url", "modified_at")


def day_zones(tz: str | None, source_zones: dict[str, str]) -> dict[str, tuple[str, list[str] | None]]:
    """How ``stats`` buckets days: ``{agg name: (zone, sources or None = all)}``.  ``tz`` given: one
    zone for everything.  Else each source's own zone (from its country), sources not configured
    in UTC — so an article dated 00:30 +07:00 counts on its own local day, not the previous UTC day."""
    if tz:
        return {"days": (tz, None)}
    by_zone: dict[str, list[str]] = {}
    for name, zone in sorted(source_zones.items()):
        by_zone.setdefault(zone, []).append(name)
    out: dict[str, tuple[str, list[str] | None]] = {
        f"days_{i}": (zone, names) for i, (zone, names) in enumerate(sorted(by_zone.items()))}
    out["days_other"] = ("UTC", [])  # everything not named above
    return out


def _days_aggs(zones: dict[str, tuple[str, list[str] | None]]) -> dict[str, Any]:
    named = sorted({n for _, names in zones.values() for n in names or ()})
    aggs: dict[str, Any] = {}
    for key, (zone, names) in zones.items():
        hist = {"date_histogram": {"field": "published_at", "calendar_interval": "day", "time_zone": zone,
                                   "min_doc_count": 1, "order": {"_key": "desc"}}}
        if names is None:
            aggs[key] = hist
        else:
            flt: dict[str, Any] = ({"terms": {"source": names}} if names else
                   {"bool": {"must_not": [{"terms": {"source": named}}]}} if named else {"match_all": {}})
            aggs[key] = {"filter": flt, "aggs": {"days": hist}}
    return aggs


def stats_body(since: str | None = None, top: int = 20, source: list[str] | None = None,
               days: dict[str, tuple[str, list[str] | None]] | None = None) -> dict[str, Any]:
    fill = {f: {"exists": {"field": f}} for f in FILL_FIELDS}
    filters: list[dict[str, Any]] = []
    if since:
        filters.append({"range": {"published_at": {"gte": since}}})
    if source:
        filters.append({"terms": {"source": source}})
    query: dict[str, Any] = {"bool": {"filter": filters}} if filters else {"match_all": {}}
    return {
        "size": 0, "track_total_hits": True, "query": query,
        "aggs": {
            "sources": {"terms": {"field": "source", "size": 200, "missing": "(none)"},
                        "aggs": {"fill": {"filters": {"filters": fill}},
                                 "incomplete": {"filter": {"term": {"pages_incomplete": True}}}}},
            "incomplete": {"filter": {"term": {"pages_incomplete": True}}},
            "languages": {"terms": {"field": "language", "size": top, "missing": "(none)"}},
            "agencies": {"terms": {"field": "source_attribution", "size": top}},
            "wire": {"terms": {"field": "is_wire_copy"}},
            **_days_aggs(days or {"days": ("UTC", None)}),
            "syndicated": {"cardinality": {"field": "cluster_id"}},
        },
    }


def source_zones() -> dict[str, str]:
    """Configured source -> the IANA zone of its country (pipelines/dates.py); {} without config."""
    from news_ingest.sources import SourceConfigError, load_sources
    from pipelines.dates import zone_for

    try:
        sources = load_sources()
    except SourceConfigError:
        return {}
    return {name: str(zone_for(src.country)) for name, src in sources.items()}


def stats(store: Store, since: str | None = None, top: int = 20, tz: str | None = None,
          source: list[str] | None = None, zones: dict[str, str] | None = None) -> dict[str, Any]:
    """Articles per source, language, day and attributed agency; fill rates per source.  Days are
    local days: of ``tz``, else of each source's own zone (``zones``, default from sources.yaml)."""
    day_groups = day_zones(tz, source_zones() if zones is None else zones)
    resp = store.search_raw(stats_body(since, top, source, day_groups))
    aggs = resp["aggregations"]
    days: dict[str, int] = {}
    for key in day_groups:
        hist = aggs[key] if "buckets" in aggs[key] else aggs[key]["days"]
        for b in hist["buckets"]:
            day = b["key_as_string"][:10]
            days[day] = days.get(day, 0) + b["doc_count"]
    total = resp["hits"]["total"]["value"]
    per_source = {}
    for b in aggs["sources"]["buckets"]:
        n = b["doc_count"]
        per_source[b["key"]] = {"articles": n, "fill": {f: round(v["doc_count"] / n, 3) if n else 0.0
                                                        for f, v in b["fill"]["buckets"].items()},
                                "pages_incomplete": b["incomplete"]["doc_count"]}
    return {
        "total": total,
        "sources": per_source,
        "languages": {b["key"]: b["doc_count"] for b in aggs["languages"]["buckets"]},
        "agencies": {b["key"]: b["doc_count"] for b in aggs["agencies"]["buckets"]},
        "wire": {b.get("key_as_string", str(b["key"])): b["doc_count"] for b in aggs["wire"]["buckets"]},
        "days": dict(sorted(days.items(), reverse=True)),
        "day_zone": tz or ("UTC" if len(day_groups) == 1 else "each source's own"),
        "stories": aggs["syndicated"]["value"],
        # multi-page articles indexed without a part that failed (fetched again by the next crawl)
        "pages_incomplete": aggs["incomplete"]["doc_count"],
    }
