"""Pure helpers for the news spider: feeds, sitemaps, robots.txt, URL traps, page parts, content types.

No Scrapy here, so each piece is unit-tested on bytes and the spider stays a thin driver.  Whether a page
is an article is ``pipelines.page_kind``; how its bytes decode is ``pipelines.charset``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
from lxml import etree
from lxml import html as lxml_html
from protego import Protego

from pipelines import dates
from pipelines.crawl_config import CrawlerConfig, MultiPage
from pipelines.dedupe import join_url

NS_SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NS_NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Entry:
    """A URL found by discovery, with what the feed or sitemap said about it."""

    url: str
    title: str | None = None
    published: str | None = None  # ISO 8601 UTC
    language: str | None = None
    modified: str | None = None  # ISO 8601 UTC: sitemap <lastmod>, feed <updated>
    bad_date: str | None = None  # a date the entry gives that is no date (placeholder year, junk): dropped
    via: str = "link"  # rss | atom | sitemap | news-sitemap | link


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).isoformat(timespec="seconds") if dt else None


def parse_date(value: str | None) -> datetime | None:
    """A sitemap/feed/``since=`` date -> aware UTC, or None (also for placeholder years such as
    ``0001-01-01`` and bare years), read by the project's one date parser."""
    return dates.to_utc(dates.parse_date(value))


def _entry_date(raw: str | None, bad: list[str]) -> str | None:
    """An entry's date as ISO UTC; a date that is there but is no date (``0001-01-01``, ``9999-12-31``,
    junk, more than a day in the future) goes to ``bad`` — its entry is dropped and counted, the rest of
    the sitemap or feed stays."""
    if not raw or not raw.strip():
        return None
    dt = parse_date(raw)
    if dt is None or not dates.plausible(dt, datetime.now(UTC)):
        bad.append(raw.strip()[:40])
        return None
    return _iso(dt)


# ------------------------------------------------------------------------------------------------ feeds


def parse_feed(body: bytes, base_url: str) -> tuple[list[Entry], str | None]:
    """RSS 0.9x-2.0 or Atom -> entries, and a problem description when the feed is broken."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    kind = "atom" if (parsed.get("version") or "").startswith("atom") else "rss"
    out = []
    for e in parsed.entries:
        link = e.get("link") or next((ln.get("href") for ln in e.get("links", []) if ln.get("href")), None)
        # no link, or one no URL parser reads (feedparser blanks those): kept with an empty URL, so the
        # checks drop it as ``no_link`` and the crawl counts it
        url = (join_url(base_url, link.strip()) if link else None) or ""
        bad: list[str] = []  # the raw strings, read by the project's one date parser (not feedparser's)
        published = _entry_date(dict.get(e, "published"), bad)
        updated = _entry_date(dict.get(e, "updated"), bad)  # not e.get: feedparser maps one to the other
        out.append(Entry(url=url, title=(e.get("title") or "").strip() or None,
                         published=published or updated, language=parsed.feed.get("language"), via=kind,
                         modified=updated, bad_date=bad[0] if bad else None))
    problem = None
    if parsed.get("bozo") and not any(e.url for e in out):  # broken, and not one usable link in it
        problem = f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}"
    return out, problem


# --------------------------------------------------------------------------------------------- sitemaps


def parse_sitemap(body: bytes) -> tuple[str, list[Entry]]:
    """A sitemap index or urlset -> ('index'|'urlset', entries).

    Google News fields (``news:publication_date``, ``news:title``, ``news:language``) are kept:
    Scrapy's own sitemap parser drops them.  Raises ValueError on a body that is not a sitemap.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    root = etree.fromstring(body.strip(), parser=parser)
    if root is None:
        raise ValueError("not XML")
    tag = etree.QName(root).localname
    if tag not in ("sitemapindex", "urlset"):
        raise ValueError(f"root element <{tag}> is not a sitemap")
    out = []
    for node in root:
        if not isinstance(node.tag, str):
            continue
        loc = _child_text(node, "loc")
        if not loc:
            continue
        bad: list[str] = []
        lastmod = _entry_date(_child_text(node, "lastmod"), bad)
        entry = Entry(url=loc, via="sitemap", published=lastmod, modified=lastmod)
        news = node.find(f"{{{NS_NEWS}}}news")
        if news is not None:
            entry.via = "news-sitemap"
            pub = _entry_date(news.findtext(f"{{{NS_NEWS}}}publication_date"), bad)
            entry.published = pub or entry.published
            entry.title = (news.findtext(f"{{{NS_NEWS}}}title") or "").strip() or None
            lang = news.findtext(f"{{{NS_NEWS}}}publication/{{{NS_NEWS}}}language")
            entry.language = (lang or "").strip() or None
        entry.bad_date = bad[0] if bad else None
        out.append(entry)
    return ("index" if tag == "sitemapindex" else "urlset"), out


def _child_text(node: etree._Element, name: str) -> str | None:
    for child in node:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return (child.text or "").strip() or None
    return None


# ------------------------------------------------------------------------------------------------ robots


@dataclass
class Robots:
    parser: Protego
    sitemaps: list[str]

    def allowed(self, url: str, user_agent: str) -> bool:
        return self.parser.can_fetch(url, user_agent)

    def crawl_delay(self, user_agent: str) -> float | None:
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None


def parse_robots(body: bytes | str) -> Robots:
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    parser = Protego.parse(text)
    return Robots(parser=parser, sitemaps=list(parser.sitemaps))


# ------------------------------------------------------------------------------------------ URL hygiene


def url_trap(url: str, cfg: CrawlerConfig) -> str | None:
    """A reason when the URL looks like a crawler trap (calendars, session ids, faceted search)."""
    if len(url) > cfg.max_url_length:
        return "url_too_long"
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) > cfg.max_path_segments:
        return "too_many_path_segments"
    if len(parse_qsl(parts.query, keep_blank_values=True)) > cfg.max_query_params:
        return "too_many_query_params"
    if len(segments) >= 6 and len(set(segments)) <= len(segments) // 2:
        return "repeating_path"  # /a/b/a/b/a/b relative-link loops
    return None


# ------------------------------------------------------------------------------- multi-page articles


def page_number(url: str, first_url: str, rule: MultiPage) -> int | None:
    """The part number ``url`` is of the article at ``first_url`` (None when it is not a part)."""
    a, b = urlsplit(url), urlsplit(first_url)
    if a.netloc.lower() != b.netloc.lower():
        return None
    if rule.mode in ("query", "auto") and a.path == b.path:
        q = dict(parse_qsl(a.query))
        base = {k: v for k, v in parse_qsl(b.query) if k != rule.param}
        if q.get(rule.param, "").isdigit() and {k: v for k, v in q.items() if k != rule.param} == base:
            return int(q[rule.param])
    if rule.mode in ("path", "auto"):
        stem = b.path.rstrip("/")
        m = re.fullmatch(re.escape(stem) + r"/(\d{1,3})/?", a.path)
        if m:
            return int(m.group(1))
    return None


def part_base(url: str, rule: MultiPage) -> str | None:
    """The first-page URL when ``url`` looks like a later part (``?page=N`` or ``/N``), else None."""
    if rule.mode == "none":
        return None
    parts = urlsplit(url)
    if rule.mode in ("query", "auto"):
        query = parse_qsl(parts.query, keep_blank_values=True)
        if any(k == rule.param and v.isdigit() for k, v in query):
            rest = [(k, v) for k, v in query if k != rule.param]
            return urlunsplit(parts._replace(query=urlencode(rest)))
    if rule.mode in ("path", "auto"):
        m = re.fullmatch(r"(.+?)/\d{1,3}/?", parts.path)
        if m:
            return urlunsplit(parts._replace(path=m.group(1)))
    return None


def next_part(tree: lxml_html.HtmlElement, page_url: str, first_url: str, current: int,
              rule: MultiPage) -> str | None:
    """URL of part ``current + 1`` when this page links to it (rel=next or a pager link)."""
    if rule.mode == "none":
        return None
    hrefs = tree.xpath('//link[@rel="next"]/@href') + tree.xpath("//a/@href")
    for href in hrefs:
        url = (join_url(page_url, href.strip()) or "").split("#", 1)[0]  # '' for a link no parser reads
        if url and page_number(url, first_url, rule) == current + 1:
            return url
    return None


def show_all_url(url: str, rule: MultiPage) -> str | None:
    """The site's single-page ('show all') URL for an article, when the source names one."""
    if not rule.show_all:
        return None
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + parse_qsl(rule.show_all, keep_blank_values=True)
    return urlunsplit(parts._replace(query=urlencode(query)))


# ------------------------------------------------------------------------------------- content types


def is_html(content_type: str | None, body_start: bytes = b"") -> bool:
    """HTML by header; an absent header falls back to sniffing the first bytes."""
    if content_type:
        return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES
    head = body_start[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<head" in head
