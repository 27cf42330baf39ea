"""Reading a fetched page once: what the crawl needs to go on, and the article, from one decode and one
parse.  Pure functions, no Scrapy, no I/O; the crawl runs them in its stage workers
(``crawler/workers.py``) so its reactor thread only downloads.

    read_page(body, task, rules) -> PageReading      # an article or listing page
    read_feed(body, url, rules) / read_sitemap(body, rules, max_bytes)   # discovery files
    check_entries(entries, rules) -> [Candidate]     # discovered URLs: fetchable? owned? allowed?

``read_page`` decodes with the one charset decoder (``pipelines.charset``) and parses with the
extraction stage's parser (``extract_html.parse``); on that one tree it asks the one page classifier
(``pipelines.page_kind``), finds the next part of a multi-page article (``discovery.next_part``), sorts
the page's links, and — for a complete one-page article — runs the stage chain
(``pipelines.process.CHAIN``) on the same tree.  A later part, or the first part of an article with
more parts, comes back as decoded text for ``extract_pages`` once every part is in.

``rules`` is the page's source (``news_ingest.sources.Source``, as ``SourceRules``): which hosts it
owns and which URLs are articles — the same objects the spider asks, so one rule decides both.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import urlsplit

from pipelines import charset, discovery, page_kind
from pipelines.article import article_from_dict
from pipelines.crawl_config import MultiPage
from pipelines.dedupe import fetch_url, join_url, normalize_url, stored_url
from pipelines.extract import ExtractResult, extract
from pipelines.extract_html import Parsed, Rejected, parse
from pipelines.hints import Hints
from pipelines.page_kind import Verdict
from pipelines.process import CHAIN, ProcessResult
from pipelines.templates import Template

SKIP_EXT = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".mp4", ".mp3", ".zip", ".css", ".js", ".ico")
_NOT_LINKS = ("#", "mailto:", "javascript:", "tel:", "whatsapp:")
LINK_CACHE = 8192  # in-source links' fetchable URL and key remembered per process (~2 MB): see ``_link``
# An absolute http(s) URL of plain characters only: a host of letters, digits, dots and dashes, an
# optional port, and a path and query without ``%``, ``+``, spaces or any other character that
# ``fetchable`` (w3lib's ``safe_url_string``) would quote or re-read; anything after ``#`` is dropped by
# both readers.  For such a URL ``fetchable`` changes nothing that ownership or the normalised key depend
# on (scheme and host case, fragment and tracking parameters are what ``norm`` undoes as well), so
# ``owns(url) == owns(fetchable(url))`` and ``norm(url) == norm(fetchable(url))``: see ``page_links``.
# The first group, ``scheme://host[:port]``, is all that ``owns`` reads of such a URL (``hosts.host_port``),
# so a page asks ``owns`` once per such site, not once per link (see ``page_links``).
_PLAIN_URL = re.compile(r"(https?://[A-Za-z0-9.-]+(?::[0-9]*)?)(?:[/?][A-Za-z0-9/?:@!$&'()*,;=._~-]*)?(?:#.*)?",
                        re.I | re.S)
OFFSITE_KEY_CACHE = 4096  # off-site links' keys remembered per process (~1 MB): see ``_offsite_key``


class SourceRules(Protocol):
    """What reading needs of a source (``news_ingest.sources.Source``)."""

    @property
    def multipage(self) -> MultiPage: ...

    def owns(self, url: str) -> bool:
        """By the URL's host and port alone (``pipelines.hosts.owns``): ``page_links`` relies on it."""
        ...

    def url_rule(self, url: str) -> tuple[str, str | None]: ...

    def is_article_url(self, url: str) -> bool: ...


def norm(url: str) -> str | None:
    """The URL's one spelling, for rules, ids and seen-sets (never fetched: see ``fetchable``)."""
    try:
        return normalize_url(url)
    except ValueError:
        return None


def fetchable(url: str) -> str | None:
    """The URL to request: as discovered, only made safe (``pipelines.dedupe.fetch_url``)."""
    try:
        return fetch_url(url)
    except ValueError:
        return None


@dataclass
class Candidate:
    """A discovered URL after the checks that need no crawl state: ``reason`` is the drop reason
    (``no_link``, ``bad_url``, ``offsite``, ``denied_by_rule``, ``not_article_url``, ``bad_date``) or None."""

    entry: discovery.Entry
    key: str | None
    reason: str | None = None


def check_entries(entries: list[discovery.Entry], rules: SourceRules) -> list[Candidate]:
    """Each entry's fetchable URL (``entry.url`` is replaced by it) and normalised key, or why not."""
    out = []
    for e in entries:
        if not e.url:  # a feed item without a usable link
            out.append(Candidate(e, None, "no_link"))
            continue
        url, key = fetchable(e.url), norm(e.url)
        if url is None or key is None:
            out.append(Candidate(e, None, "bad_url"))
            continue
        e.url = url  # fetched as discovered; rules, ids and seen-sets use the normalised spelling
        if not rules.owns(url):
            out.append(Candidate(e, key, "offsite"))
            continue
        rule, _ = rules.url_rule(key)
        if rule != "allow":
            out.append(Candidate(e, key, "denied_by_rule" if rule == "deny" else "not_article_url"))
        elif e.bad_date:
            out.append(Candidate(e, key, "bad_date"))
        else:
            out.append(Candidate(e, key))
    return out


@dataclass
class Links:
    """A page's in-source links as fetchable URLs, one per normalised spelling: ``articles`` and
    ``listings`` (other pages worth following) as (url, key); ``offsite`` the keys only of other hosts'
    links (the crawl counts them, never fetches them: their URLs were ~40% of a page's result pickle)."""

    articles: list[tuple[str, str]] = field(default_factory=list)
    listings: list[tuple[str, str]] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)


def is_part(rules: SourceRules, key: str) -> bool:
    """A later page of an article (``?page=2``, ``/2``): fetched by the article's own chain."""
    base = discovery.part_base(key, rules.multipage)
    return base is not None and rules.is_article_url(base)


@lru_cache(maxsize=LINK_CACHE)
def _link(url: str) -> tuple[str, str] | None:
    """(``fetchable(url)``, its ``norm``), or None when it is no http(s) URL.  Remembered for the last
    ``LINK_CACHE`` in-source URLs: a site's menus, sections and footer repeat on every page of it, and the
    two calls (each a few URL parses, w3lib's quoting) were most of ``page_links``' time.  Off-site links
    do not go through it (``page_links``): most are on one page only and would push the menus out."""
    fetch = fetchable(url)
    key = norm(fetch) if fetch else None
    return (fetch, key) if fetch is not None and key is not None else None


@lru_cache(maxsize=OFFSITE_KEY_CACHE)
def _offsite_key(url: str) -> str | None:
    """``norm(url)`` of a plain off-site URL, remembered for the last ``OFFSITE_KEY_CACHE`` of them apart
    from the in-source links (``_link``): a source's pages repeat their social, partner and app-store
    links, while one-page links (share buttons) only pass through this cache, not the menus'."""
    return norm(url)


def page_links(tree: Any, page_url: str, rules: SourceRules) -> Links:
    links = Links()
    articles: dict[str, str] = {}
    listings: dict[str, str] = {}
    offsite: dict[str, None] = {}
    owner: dict[str, bool] = {}  # ``rules.owns`` of each scheme://host[:port] of the page's plain links
    # each distinct href once (menus repeat links): same result, a third fewer URL normalisations
    for href in dict.fromkeys(h.strip() for h in tree.xpath("//a/@href")):
        if not href or href.startswith(_NOT_LINKS):
            continue
        joined = join_url(page_url, href)
        if joined is None:
            continue
        match = _PLAIN_URL.fullmatch(joined)
        plain = match is not None
        if match is not None:
            site = match.group(1)  # owns() reads only the scheme, host and port: asked once per site
            owned = owner.get(site)
            if owned is None:
                owned = owner[site] = rules.owns(site)
            if not owned:
                # off-site (two thirds of a news page's links): only counted, by key, so the host is
                # checked first and the key read straight from the URL (the same key: see ``_PLAIN_URL``)
                key = _offsite_key(joined)
                if key is not None:
                    offsite[key] = None
                continue
        got = _link(joined)
        if got is None:
            continue
        url, key = got
        if not plain and not rules.owns(url):  # (a plain URL's owner is known already: see ``_PLAIN_URL``)
            offsite[key] = None
            continue
        rule, _ = rules.url_rule(key)
        if rule == "allow":
            articles.setdefault(key, url)
        elif rule == "none" and not urlsplit(url).path.lower().endswith(SKIP_EXT) and not is_part(rules, key):
            listings.setdefault(key, url)
    links.articles = [(u, k) for k, u in articles.items()]
    links.listings = [(u, k) for k, u in listings.items()]
    links.offsite = list(offsite)
    return links


@dataclass
class PageTask:
    """What the spider knows of a fetched page when it hands it over.

    ``kind``: ``article`` or ``listing``.  For an article: ``part`` (1 = first page), ``identity`` (the
    article's first URL), ``article_url`` (what it is stored under: by default the identity's
    ``pipelines.dedupe.stored_url``, worked out here), ``url_rule`` of the identity, ``article_pages``
    mode, ``walk_parts`` (look for a next part), ``follow`` (collect related-article links: the crawl
    asks on every first part, as they are stored with the article and followed within follow_depth),
    ``hints`` (what extraction gets,
    ``pipelines.hints.Hints``; a mapping is read as their wire form; the encoding is added here),
    ``run_chain`` (a complete one-page article goes through the stage chain now, with ``template``,
    the source's learned furniture)."""

    url: str
    content_type: str | None
    kind: str = "article"
    part: int = 1
    identity: str = ""
    article_url: str = ""  # the URL the article is stored under ("": the identity without session ids)
    url_rule: str | None = None
    article_pages: str = "auto"
    walk_parts: bool = False
    follow: bool = False
    hints: Hints | Mapping[str, Any] = field(default_factory=Hints)
    run_chain: bool = False
    template: Template | None = None


@dataclass
class PageReading:
    """What reading found.  ``drop``: ``unparsable`` (nothing to read), else None.  ``verdict``: the
    classifier's answer (first article pages).  ``article_url``: the URL an article is stored under
    (``PageTask.article_url``; worked out here, not on the crawl's reactor).  ``next_url``: the article's
    next part.  ``text``: the
    decoded page, when the article is assembled from parts later.  ``part``: then (and ``run_chain``),
    this part's extraction from the tree just parsed, so that assembling the article joins the parts'
    extractions instead of parsing every part again (``pipelines.extract.join_parts``; on a request
    as ``part_to_wire``).  ``result``: the stage chain's result (``run_chain`` and a complete one-page
    article), or the reason extraction refused the page."""

    encoding: str = "utf-8"
    drop: str | None = None
    article_url: str = ""
    verdict: Verdict | None = None
    next_url: str | None = None
    text: str | None = None
    links: Links | None = None
    part: ExtractResult | None = None
    result: ProcessResult | None = None


def read_page(body: bytes, task: PageTask, rules: SourceRules) -> PageReading:
    text, enc = charset.decode(body, task.content_type)
    reading = PageReading(encoding=enc)
    if task.kind == "article":
        reading.article_url = task.article_url or (stored_url(task.identity) if task.identity else "")
    try:
        parsed: Parsed | None = parse(text)
    except Rejected as r:
        if task.kind != "article" or r.reason == "empty":
            reading.drop = "unparsable"
            return reading
        parsed = None  # extraction's own refusal (too large, not HTML ...): the article is dropped with it
        reading.result = ProcessResult(drop_reason=r.reason, detail=r.detail)
    if parsed is None:
        if task.part > 1:
            reading.drop = "unparsable"
        return reading
    tree = parsed.tree
    if task.kind == "listing":
        reading.links = page_links(tree, task.url, rules)
        return reading
    if task.part == 1:
        # the same evidence the extraction stage reads below: read once (``Parsed.markup``)
        reading.verdict = page_kind.classify(parsed.markup(), task.url_rule, task.article_pages)
        if task.follow or not reading.verdict.is_article:
            links = page_links(tree, task.url, rules) if task.follow else Links()
            # a later part of this very article is the article's own chain, not a related article
            links.articles = [(u, k) for u, k in links.articles
                              if discovery.page_number(u, task.url, rules.multipage) is None]
            links.listings, links.offsite = [], links.offsite
            reading.links = links
        if not reading.verdict.is_article:
            return reading
    if task.walk_parts:
        reading.next_url = discovery.next_part(tree, task.url, task.identity, task.part, rules.multipage)
    hints = replace(Hints.of(task.hints), encoding=enc)
    if task.part > 1 or reading.next_url or not task.run_chain:
        reading.text = text  # the article is assembled once every part is in
        if task.run_chain:  # extracted now, from this tree; joined with the other parts then
            reading.part = extract(parsed, task.url, hints)
        return reading
    reading.result = CHAIN.run(parsed, reading.article_url or task.identity, hints, template=task.template)
    return reading


def part_to_wire(part: ExtractResult, first: bool) -> dict[str, Any]:
    """One part's extraction as plain data, for the request of the next part (``cb_kwargs`` travel as
    JSON on the shared frontier).  A later part keeps only what joining uses: its body."""
    article: dict[str, Any] | None = None
    if part.article is not None:
        article = asdict(part.article) if first else {"body": part.article.body}
    return {"article": article, "drop_reason": part.drop_reason, "detail": part.detail,
            "method": part.method, "notes": list(part.notes), "ms": part.ms}


def part_from_wire(data: dict[str, Any]) -> ExtractResult:
    """``part_to_wire``'s plain data as the part's ``ExtractResult`` again."""
    article = data.get("article")
    return ExtractResult(article=article_from_dict(article) if article is not None else None,
                         drop_reason=data.get("drop_reason"), detail=data.get("detail") or "",
                         method=data.get("method"), notes=list(data.get("notes") or []),
                         ms=float(data.get("ms") or 0.0))


def gunzip(body: bytes, max_bytes: int) -> bytes:
    """A gzipped sitemap, decompressed; ValueError past ``max_bytes`` or on a corrupt stream."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflate.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise ValueError(f"corrupt gzip: {exc}") from None
    if len(out) > max_bytes:
        raise ValueError(f"decompressed size over {max_bytes} bytes")
    return out


def read_feed(body: bytes, url: str, rules: SourceRules) -> tuple[list[Candidate], str | None]:
    """A feed's entries, checked; and a problem description when the feed is broken."""
    entries, problem = discovery.parse_feed(body, url)
    return check_entries(entries, rules), problem


def read_sitemap(body: bytes, rules: SourceRules, max_bytes: int) -> tuple[str, list[Any]]:
    """('index', [Entry]) for a sitemap index (children checked by the spider), ('urlset', [Candidate]).
    Raises ValueError (or lxml's errors) on a body that is not a sitemap."""
    if body[:2] == b"\x1f\x8b":
        body = gunzip(body, max_bytes)
    kind, entries = discovery.parse_sitemap(body)
    if kind == "index":
        return kind, entries
    return kind, check_entries(entries, rules)
