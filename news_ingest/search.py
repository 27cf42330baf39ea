"""Search and statistics for users without Kibana (the run ledger: ``news_ingest.store.ledger``).

``news-ingest search "perjanjian pertahanan" --lang id --source tribunnews --since 2024-12-01
--attribution AFP --collapse`` and ``news-ingest stats``.  Query and aggregation bodies are
built here as plain dicts (both engines accept them); the Store only sends them.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from news_ingest.store.client import Store, connect, language_group
from news_ingest.store.ledger import recent_runs
from news_ingest.terminal import printable

# Fields whose fill rate per source `stats` reports (the ones newsrooms filter and facet on).
FILL_FIELDS = ("title", "body", "published_at", "authors", "description", "image", "language",
               "source_attribution", "dateline", "tags", "canonical_url", "modified_at")
HIT_FIELDS = ["url", "title", "source", "published_at", "language", "source_attribution",
              "is_wire_copy", "cluster_id", "body"]


def build_query(text: str, *, size: int = 10, filters: list[dict] | None = None,
                language_group: str | None = None, collapse: bool = False, sort_by_date: bool = False,
                pre_tag: str = "<em>", post_tag: str = "</em>") -> dict[str, Any]:
    """A search body: the standard-analysed ``title``/``body`` always, plus the per-language
    fields (``title_<group>``/``body_<group>``: stemmed) — all of them, or only the group of
    ``language_group``.  Fields a cluster lacks (fallback template) simply match nothing."""
    suffix = language_group or "*"
    fields = ["title^2", "body", "description", f"title_{suffix}^2", f"body_{suffix}"]
    body: dict[str, Any] = {
        "size": size,
        "query": {"bool": {
            "must": [{"multi_match": {"query": text, "fields": fields, "type": "best_fields",
                                      "tie_breaker": 0.3}}],
            "filter": filters or []}},
        "highlight": {"pre_tags": [pre_tag], "post_tags": [post_tag], "fragment_size": 160,
                      "number_of_fragments": 2, "require_field_match": False,
                      "fields": {"body": {}, f"body_{suffix}": {}, "title": {"number_of_fragments": 0}}},
        "_source": HIT_FIELDS,
    }
    if sort_by_date:
        body["sort"] = [{"published_at": {"order": "desc", "unmapped_type": "date"}}, "_score"]
    if collapse:
        # One hit per syndication cluster; inner_hits' total counts the copies.
        body["collapse"] = {"field": "cluster_id",
                            "inner_hits": {"name": "copies", "size": 0}}
    return body


def build_filters(*, language: str | None = None, source: list[str] | None = None,
                  since: str | None = None, until: str | None = None,
                  attribution: list[str] | None = None, wire: bool | None = None) -> list[dict]:
    out: list[dict] = []
    if language:
        out.append({"term": {"language": language.lower()}})
    if source:
        out.append({"terms": {"source": source}})
    if since or until:
        rng = {k: v for k, v in (("gte", since), ("lte", until)) if v}
        out.append({"range": {"published_at": rng}})
    if attribution:
        out.append({"terms": {"source_attribution": attribution}})
    if wire is not None:
        out.append({"term": {"is_wire_copy": wire}})
    return out


def search(store: Store, text: str, *, size: int = 10, language: str | None = None,
           source: list[str] | None = None, since: str | None = None, until: str | None = None,
           attribution: list[str] | None = None, wire: bool | None = None, collapse: bool = False,
           sort_by_date: bool = False, pre_tag: str = "<em>", post_tag: str = "</em>") -> dict[str, Any]:
    """Run a user search; ``language`` both filters and selects the stemmed fields."""
    group = language_group(language, store.languages()) if language else None
    filters = build_filters(language=language, source=source, since=since, until=until,
                            attribution=attribution, wire=wire)
    return store.search_raw(build_query(text, size=size, filters=filters, language_group=group,
                                        collapse=collapse, sort_by_date=sort_by_date,
                                        pre_tag=pre_tag, post_tag=post_tag))


def snippet(hit: dict[str, Any], width: int = 220) -> str:
    """The best highlighted fragment (language field or standard body), else the body's start."""
    hl = hit.get("highlight", {})
    for key in sorted(hl, key=lambda k: (k == "title", k == "body")):
        if key != "title" and hl[key]:
            return " … ".join(hl[key])
    body = (hit.get("_source", {}).get("body") or "").strip()
    return re.sub(r"\s+", " ", body[:width])


# --------------------------------------------------------------------------- stats
def stats_body(since: str | None = None, top: int = 20) -> dict[str, Any]:
    fill = {f: {"exists": {"field": f}} for f in FILL_FIELDS}
    query: dict[str, Any] = ({"range": {"published_at": {"gte": since}}} if since else {"match_all": {}})
    return {
        "size": 0, "track_total_hits": True, "query": query,
        "aggs": {
            "sources": {"terms": {"field": "source", "size": 200, "missing": "(none)"},
                        "aggs": {"fill": {"filters": {"filters": fill}}}},
            "languages": {"terms": {"field": "language", "size": top, "missing": "(none)"}},
            "agencies": {"terms": {"field": "source_attribution", "size": top}},
            "wire": {"terms": {"field": "is_wire_copy"}},
            "days": {"date_histogram": {"field": "published_at", "calendar_interval": "day",
                                        "min_doc_count": 1, "order": {"_key": "desc"}}},
            "syndicated": {"cardinality": {"field": "cluster_id"}},
        },
    }


def stats(store: Store, since: str | None = None, top: int = 20) -> dict[str, Any]:
    """Articles per source, language, day and attributed agency; fill rates per source."""
    resp = store.search_raw(stats_body(since, top))
    aggs = resp["aggregations"]
    total = resp["hits"]["total"]["value"]
    per_source = {}
    for b in aggs["sources"]["buckets"]:
        n = b["doc_count"]
        per_source[b["key"]] = {"articles": n, "fill": {f: round(v["doc_count"] / n, 3) if n else 0.0
                                                        for f, v in b["fill"]["buckets"].items()}}
    return {
        "total": total,
        "sources": per_source,
        "languages": {b["key"]: b["doc_count"] for b in aggs["languages"]["buckets"]},
        "agencies": {b["key"]: b["doc_count"] for b in aggs["agencies"]["buckets"]},
        "wire": {b.get("key_as_string", str(b["key"])): b["doc_count"] for b in aggs["wire"]["buckets"]},
        "days": {b["key_as_string"][:10]: b["doc_count"] for b in aggs["days"]["buckets"]},
        "stories": aggs["syndicated"]["value"],
    }


# --------------------------------------------------------------------------- CLI
def _bold(tty: bool) -> tuple[str, str]:
    return ("\033[1m", "\033[0m") if tty else ("[", "]")


def cmd_search(args: argparse.Namespace) -> int:
    store = connect()
    pre, post = _bold(sys.stdout.isatty())
    text = " ".join(args.query)
    wire = {"yes": True, "no": False}.get(args.wire or "")
    resp = search(store, text, size=args.size, language=args.lang, source=args.source, since=args.since,
                  until=args.until, attribution=args.attribution, wire=wire, collapse=args.collapse,
                  sort_by_date=args.sort == "date", pre_tag=pre, post_tag=post)
    print_hits(resp, text, collapse=args.collapse)
    return 0


def print_hits(resp: dict[str, Any], text: str, collapse: bool = False) -> None:
    """Top hits as users read them: date, source, language, attribution, title, URL, snippet."""
    total = resp["hits"]["total"]["value"]
    print(f"{total} hit(s) for {printable(repr(text))}" + (" (one line per story)" if collapse else ""))
    for hit in resp["hits"]["hits"]:
        s = {k: printable(v) if isinstance(v, str) else v for k, v in hit["_source"].items()}
        copies = hit.get("inner_hits", {}).get("copies", {}).get("hits", {}).get("total", {}).get("value")
        agencies = printable(", ".join(s.get("source_attribution") or [])) or "-"
        extra = f", {copies} copies" if copies and copies > 1 else ""
        when = (s.get("published_at") or "-")[:16]
        print(f"\n{when}  {s.get('source') or '-'}  [{s.get('language') or '-'}]"
              f"  attribution: {agencies}{' (wire)' if s.get('is_wire_copy') else ''}{extra}")
        print(f"  {s.get('title') or '(no title)'}\n  {s.get('url')}\n  "
              f"{printable(snippet(hit), keep=_bold(True))}")


def cmd_stats(args: argparse.Namespace) -> int:
    store = connect()
    st = stats(store, since=args.since, top=args.top)
    print(f"{st['total']} articles, {st['stories']} distinct stories (syndication clusters)")

    def table(title: str, rows: dict[str, int]) -> None:
        print(f"\n{title}")
        for k, v in rows.items():
            print(f"  {v:>8}  {printable(k)}")

    table("per source", {k: v["articles"] for k, v in st["sources"].items()})
    table("per language", st["languages"])
    table("per attributed agency", st["agencies"])
    table("wire copy", st["wire"])
    table("per day (published_at, newest first)", dict(list(st["days"].items())[:args.days]))
    print("\nfield fill rates per source (%)")
    short = [f[:8] for f in FILL_FIELDS]
    print("  " + f"{'source':<20}" + "".join(f"{h:>9}" for h in short))
    for src, v in st["sources"].items():
        print("  " + f"{printable(src)[:20]:<20}"
              + "".join(f"{100 * v['fill'][f]:>9.0f}" for f in FILL_FIELDS))
    runs = recent_runs(store)
    if runs:
        print("\nrecent crawl runs")
        for r in runs:
            print(printable(f"  {r.get('started_at', '-')[:19]}  {r.get('status', '-'):<8} "
                            f"{','.join(r.get('sources') or [])[:40]:<40} errors {r.get('error_count', 0)}"))
    return 0


def register(sub: Any) -> None:
    """Add ``search`` and ``stats`` to the ``news-ingest`` subcommands."""
    p = sub.add_parser("search", help="full-text search with highlighted snippets")
    p.add_argument("query", nargs="+")
    p.add_argument("--lang", help="detected language (filters, and uses that language's stemming)")
    p.add_argument("--source", action="append", help="configured source name (repeatable)")
    p.add_argument("--since", help="published on or after (YYYY-MM-DD or ISO time)")
    p.add_argument("--until", help="published on or before")
    p.add_argument("--attribution", action="append", help="attributed agency, e.g. AFP (repeatable)")
    p.add_argument("--wire", choices=["yes", "no"], help="only wire copy / only own copy")
    p.add_argument("--collapse", action="store_true", help="one hit per syndicated story")
    p.add_argument("--sort", choices=["relevance", "date"], default="relevance")
    p.add_argument("--size", type=int, default=10)
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("stats", help="articles per source, language, day, agency; fill rates")
    p.add_argument("--since", help="only articles published on or after this date")
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--days", type=int, default=14, help="how many days to list")
    p.set_defaults(func=cmd_stats)
