"""Search for users without Kibana: the query bodies and the ``search``/``stats`` commands.

``news-ingest search "perjanjian pertahanan" --lang id --source tribunnews --since 2024-12-01
--attribution AFP --collapse`` and ``news-ingest stats``.  Query bodies are built here as plain dicts
(both engines accept them); the Store only sends them.  The pieces: this module (queries, options,
the commands), ``news_ingest.stats`` (the aggregations), ``news_ingest.printing`` (what reaches the
terminal), ``news_ingest.store.ledger`` (the run ledger ``stats`` lists).
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from news_ingest.printing import HL_POST, HL_PRE, print_hits, print_stats
from news_ingest.stats import source_zones, stats
from news_ingest.store.client import Store, connect, language_group
from news_ingest.store.ledger import recent_runs
from pipelines import gazetteer

HIT_FIELDS = ["url", "title", "source", "published_at", "language", "source_attribution",
              "is_wire_copy", "cluster_id", "body"]
MAX_QUERY_CHARS = 1000  # a search is a few words; a pasted article is refused with a clear message


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


def cmd_stats(args: argparse.Namespace) -> int:
    since = parse_when(args.since, "--since")
    tz = parse_tz(args.tz)
    store = connect()
    check_sources(store, args.source)
    st = stats(store, since=since, top=args.top, tz=tz, source=args.source)
    print_stats(st, recent_runs(store), days=args.days)
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
