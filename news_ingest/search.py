"""Search and statistics for users without Kibana (the run ledger: ``news_ingest.store.ledger``).

``news-ingest search "perjanjian pertahanan" --lang id --source tribunnews --since 2024-12-01
--attribution AFP --collapse`` and ``news-ingest stats``.  Query and aggregation bodies are
built here as plain dicts (both engines accept them); the Store only sends them.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from news_ingest.store.client import Store, connect, language_group
from news_ingest.store.ledger import recent_runs
from news_ingest.terminal import printable
from pipelines import gazetteer

# Fields whose fill rate per source `stats` reports (the ones newsrooms filter and facet on).
FILL_FIELDS = ("title", "body", "published_at", "authors", "description", "image", "language",
               "source_attribution", "dateline", "tags", "canonical_url", "modified_at")
HIT_FIELDS = ["url", "title", "source", "published_at", "language", "source_attribution",
              "is_wire_copy", "cluster_id", "body"]
MAX_QUERY_CHARS = 1000  # a search is a few words; a pasted article is refused with a clear message
# highlight markers the cluster puts around matches: two private-use characters (not control
# characters: the highlighter trims those off a fragment's ends); render_snippet turns them into
# bold or [..], and every other character a terminal would act on is removed
HL_PRE, HL_POST = "\ue000", "\ue001"


class UsageError(ValueError):
    """A bad option value; the message names the option and the fix (printed as one line)."""


def check_query(text: str) -> str:
    text = text.strip()
    if not text:
        raise UsageError("empty query. Fix: news-ingest search WORDS (e.g. news-ingest search banjir)")
    if len(text) > MAX_QUERY_CHARS:
        raise UsageError(f"the query is {len(text):,} characters; at most {MAX_QUERY_CHARS:,} are searched. "
                         f"Fix: search for a few words or a phrase, not a whole text")
    return text


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_when(value: str | None, option: str) -> str | None:
    """``--since``/``--until``: a day (YYYY-MM-DD) or an ISO 8601 time, else a UsageError."""
    if value is None:
        return None
    v = value.strip()
    try:
        if _DAY.match(v):
            datetime.strptime(v, "%Y-%m-%d")
        else:
            datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date. Fix: {option} 2024-12-01 "
                         f"(or an ISO time: {option} 2024-12-01T08:00+07:00)") from None
    return v


def parse_tz(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--tz {value!r} is not a time zone. Fix: --tz Asia/Jakarta (an IANA name) "
                         f"or --tz UTC") from None
    return value


def attribution_filter(values: list[str]) -> tuple[dict[str, Any], list[str]]:
    """A filter matching the attributed agencies named in ``values``, whatever their case or
    alias (``afp``, ``Agence France-Presse`` -> ``AFP``) through the gazetteer
    (``pipelines.gazetteer.lookup``; data: pipelines/patterns/agencies.yaml).  Names it does not
    know are matched case-insensitively as written and returned, so the caller can say so."""
    canonical, unknown = [], []
    for v in values:
        src = gazetteer.lookup(v)
        if src is not None:
            canonical.append(src.name)
        else:
            unknown.append(v.strip())
    should: list[dict[str, Any]] = []
    if canonical:
        should.append({"terms": {"source_attribution": sorted(set(canonical))}})
    should += [{"term": {"source_attribution": {"value": u, "case_insensitive": True}}} for u in unknown]
    return {"bool": {"should": should, "minimum_should_match": 1}}, unknown


def build_query(text: str, *, size: int = 10, filters: list[dict] | None = None,
                language_group: str | None = None, collapse: bool = False, sort_by_date: bool = False,
                pre_tag: str = HL_PRE, post_tag: str = HL_POST) -> dict[str, Any]:
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
        out.append(attribution_filter(attribution)[0])
    if wire is not None:
        out.append({"term": {"is_wire_copy": wire}})
    return out


def search(store: Store, text: str, *, size: int = 10, language: str | None = None,
           source: list[str] | None = None, since: str | None = None, until: str | None = None,
           attribution: list[str] | None = None, wire: bool | None = None, collapse: bool = False,
           sort_by_date: bool = False, pre_tag: str = HL_PRE, post_tag: str = HL_POST) -> dict[str, Any]:
    """Run a user search; ``language`` both filters and selects the stemmed fields (where the
    cluster has that language's analyzer: see :func:`stemming_for`)."""
    text = check_query(text)
    group = stemming_for(store, language) if language else None
    filters = build_filters(language=language, source=source, since=since, until=until,
                            attribution=attribution, wire=wire)
    return store.search_raw(build_query(text, size=size, filters=filters, language_group=group,
                                        collapse=collapse, sort_by_date=sort_by_date,
                                        pre_tag=pre_tag, post_tag=post_tag))


def stemming_for(store: Store, language: str) -> str | None:
    """The language group whose stemmed fields the write index has for ``language`` (None: the
    cluster has no analyzer for it — the fallback template — so matching is unstemmed)."""
    return language_group(language, store.languages())


def _printable(text: str) -> str:
    """Stored text (hostile: a page puts anything in it) as text a terminal only displays: the
    project's one sanitiser (news_ingest.terminal: escape sequences, C0/C1 and bidi controls), our
    highlight markers removed, whitespace runs collapsed."""
    clean = printable(unicodedata.normalize("NFC", text)).replace(HL_PRE, "").replace(HL_POST, "")
    return re.sub(r"\s+", " ", clean)


def terminal_text(text: str) -> str:
    """One line of printable text (see :func:`_printable`)."""
    return _printable(text).strip()


def render_snippet(fragment: str, tty: bool) -> str:
    """A highlighted fragment for a terminal: matches in bold (a tty) or [brackets] (a pipe/file);
    every other control character removed, so a page cannot drive the terminal."""
    on, off = ("\033[1m", "\033[0m") if tty else ("[", "]")
    parts = re.split(f"({HL_PRE}|{HL_POST})", fragment)
    out = []
    for part in parts:
        out.append(on if part == HL_PRE else off if part == HL_POST else _printable(part))
    text = re.sub(r"\s+", " ", "".join(out)).strip()
    return text + off if tty and text.count(on) > text.count(off) else text


def snippet(hit: dict[str, Any], width: int = 220, tty: bool = False) -> str:
    """The best highlighted fragment (language field or standard body), else the body's start."""
    hl = hit.get("highlight", {})
    for key in sorted(hl, key=lambda k: (k == "title", k == "body")):
        if key != "title" and hl[key]:
            return " … ".join(render_snippet(f, tty) for f in hl[key])
    body = (hit.get("_source", {}).get("body") or "").strip()
    return terminal_text(body[:width])


# --------------------------------------------------------------------------- stats
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


# --------------------------------------------------------------------------- CLI
def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def check_sources(store: Store, names: list[str] | None) -> None:
    """Warn about ``--source`` names neither sources.yaml nor the index knows (a typo finds nothing)."""
    if not names:
        return
    configured = set(source_zones())
    for name in names:
        if name not in configured and not store.count({"term": {"source": name}}):
            known = ", ".join(sorted(configured)) or "none configured"
            warn(f"--source {name!r}: no such source in sources.yaml and no article from it in the index "
                 f"(known: {known})")


def cmd_search(args: argparse.Namespace) -> int:
    text = check_query(" ".join(args.query))
    since, until = parse_when(args.since, "--since"), parse_when(args.until, "--until")
    if args.size < 1 or args.size > 500:
        raise UsageError(f"--size {args.size}: give 1 to 500 hits. Fix: --size 20")
    store = connect()
    check_sources(store, args.source)
    if args.attribution:
        for name in attribution_filter(args.attribution)[1]:
            warn(f"--attribution {name!r} is not in the agency table (pipelines/patterns/agencies.yaml); "
                 f"matched as written, ignoring case")
    if args.lang and stemming_for(store, args.lang) is None:
        warn(f"--lang {args.lang}: this cluster has no analyzer for that language, so words are matched "
             f"as written (no stemming); the filter by language still applies")
    wire = {"yes": True, "no": False}.get(args.wire or "")
    resp = search(store, text, size=args.size, language=args.lang, source=args.source, since=since,
                  until=until, attribution=args.attribution, wire=wire, collapse=args.collapse,
                  sort_by_date=args.sort == "date")
    print_hits(resp, text, collapse=args.collapse, tty=sys.stdout.isatty())
    return 0


def print_hits(resp: dict[str, Any], text: str, collapse: bool = False, tty: bool = False) -> None:
    """Top hits as users read them: date, source, language, attribution, title, URL, snippet —
    all of it printable text only (see :func:`terminal_text`)."""
    total = resp["hits"]["total"]["value"]
    print(f"{total} hit(s) for {terminal_text(text)!r}" + (" (one line per story)" if collapse else ""))
    for hit in resp["hits"]["hits"]:
        s = {k: printable(v) if isinstance(v, str) else v for k, v in hit["_source"].items()}
        copies = hit.get("inner_hits", {}).get("copies", {}).get("hits", {}).get("total", {}).get("value")
        agencies = ", ".join(terminal_text(a) for a in s.get("source_attribution") or []) or "-"
        extra = f", {copies} copies" if copies and copies > 1 else ""
        when = (s.get("published_at") or "-")[:16]
        src, lang = terminal_text(s.get("source") or "-"), terminal_text(s.get("language") or "-")
        print(f"\n{when}  {src}  [{lang}]"
              f"  attribution: {agencies}{' (wire)' if s.get('is_wire_copy') else ''}{extra}")
        print(f"  {terminal_text(s.get('title') or '(no title)')}\n  {terminal_text(s.get('url') or '')}\n"
              f"  {snippet(hit, tty=tty)}")


def cmd_stats(args: argparse.Namespace) -> int:
    since = parse_when(args.since, "--since")
    tz = parse_tz(args.tz)
    store = connect()
    check_sources(store, args.source)
    st = stats(store, since=since, top=args.top, tz=tz, source=args.source)
    print(f"{st['total']} articles, {st['stories']} distinct stories (syndication clusters)")
    if st.get("pages_incomplete"):
        print(f"{st['pages_incomplete']} multi-page article(s) missing a part (pages_incomplete; the next "
              f"crawl fetches them again)")

    def table(title: str, rows: dict[str, int]) -> None:
        print(f"\n{title}")
        for k, v in rows.items():
            print(f"  {v:>8}  {terminal_text(str(k))}")

    table("per source", {k: v["articles"] for k, v in st["sources"].items()})
    table("per language", st["languages"])
    table("per attributed agency", st["agencies"])
    table("wire copy", st["wire"])
    table(f"per day (published_at, local day in {st['day_zone']} time zone, newest first)",
          dict(list(st["days"].items())[:args.days]))
    print("\nfield fill rates per source (%)")
    short = [f[:8] for f in FILL_FIELDS]
    print("  " + f"{'source':<20}" + "".join(f"{h:>9}" for h in short))
    for src, v in st["sources"].items():
        rates = "".join(f"{100 * v['fill'][f]:>9.0f}" for f in FILL_FIELDS)
        print("  " + f"{terminal_text(src)[:20]:<20}" + rates)
    runs = recent_runs(store)
    if runs:
        print("\nrecent crawl runs")
        for r in runs:
            line = (f"{r.get('started_at', '-')[:19]}  {r.get('status', '-'):<10} "
                    f"{','.join(r.get('sources') or [])[:40]:<40} errors {r.get('error_count', 0)}")
            print("  " + _printable(line))
    return 0


def register(sub: Any) -> None:
    """Add ``search`` and ``stats`` to the ``news-ingest`` subcommands."""
    p = sub.add_parser("search", help="full-text search with highlighted snippets")
    p.add_argument("query", nargs="+")
    p.add_argument("--lang", help="detected language: filters by it, and searches its stemmed fields where "
                                  "the cluster has that language's analyzer (a warning says when not)")
    p.add_argument("--source", action="append", help="configured source name (repeatable)")
    p.add_argument("--since", help="published on or after (YYYY-MM-DD or ISO time)")
    p.add_argument("--until", help="published on or before")
    p.add_argument("--attribution", action="append",
                   help="attributed agency, any case or alias: AFP, afp, 'Agence France-Presse' (repeatable)")
    p.add_argument("--wire", choices=["yes", "no"], help="only wire copy / only own copy")
    p.add_argument("--collapse", action="store_true", help="one hit per syndicated story")
    p.add_argument("--sort", choices=["relevance", "date"], default="relevance")
    p.add_argument("--size", type=int, default=10)
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("stats", help="articles per source, language, day, agency; fill rates")
    p.add_argument("--since", help="only articles published on or after this date")
    p.add_argument("--source", action="append", help="only this source (repeatable)")
    p.add_argument("--tz", help="count days in this time zone (default: each source's own, from its country)")
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--days", type=int, default=14, help="how many days to list")
    p.set_defaults(func=cmd_stats)
