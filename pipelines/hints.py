"""What the crawl knows of a page before reading it: ``Hints``, handed to extraction with the page.

The spider fills them from discovery (the source, the feed or sitemap entry), the page reading adds
the charset that decoded the page, and the item pipeline the fetch time.  Every field is optional:
extraction reads a page without any (a WARC record, a benchmark page), and uses a hint only where the
page itself says nothing (a feed's title when the page has none, a sitemap's date, ...).

On a Scrapy request (``cb_kwargs``) and on the shared frontier's wire (JSON, no pickle) hints travel
as plain data, ``Hints.to_wire()``; ``Hints.of()`` reads them back, and refuses a key that is not a
field, so a misspelt hint is an error, not a hint silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["Hints", "Owner"]


@dataclass(frozen=True)
class Owner:
    """The hosts a source owns: its ``domains`` (and their subdomains) on its ``ports``."""

    domains: tuple[str, ...] = ()
    ports: tuple[int, ...] = ()

    def as_mapping(self) -> dict[str, list[Any]]:
        """As ``pipelines.dedupe.identify`` takes it."""
        return {"domains": list(self.domains), "ports": list(self.ports)}


@dataclass(frozen=True)
class Hints:
    """What the crawl knew of a page (see the module docstring); all optional."""

    # --- the source (config/sources.yaml)
    source: str | None = None  # the source's name
    language_hint: str | None = None  # the source's language: a hint for detection, never taken as true
    country: str | None = None  # ISO 3166 alpha-2: the zone of dates without one
    article_pages: str | None = None  # the source's `article_pages` mode (auto / url / markup)
    url_rule: str | None = None  # the source's URL rule on the article's URL: allow / deny / none
    owner: Owner | None = None  # the hosts whose canonical URLs the source may take as the id
    # --- discovery: how the URL was found, and what the feed or sitemap entry said of it
    discovered_via: str | None = None  # rss / atom / sitemap / news-sitemap / link
    feed_title: str | None = None
    feed_published: str | None = None  # as the feed wrote it
    sitemap_title: str | None = None  # Google News <news:title>
    sitemap_published: str | None = None  # <news:publication_date>
    sitemap_language: str | None = None  # <news:language>
    # --- the fetch
    redirected_from: tuple[str, ...] = ()  # the URLs that redirected here, in order
    encoding: str | None = None  # the charset that decoded the page (pipelines.charset)
    fetched_at: str | None = None  # ISO 8601, UTC: "now" for relative datelines
    pages: int = 1  # how many parts the article was assembled from
    pages_incomplete: bool = False  # a later part could not be fetched or read
    article_links: tuple[str, ...] = ()  # in-source article links on the page (Article.links)

    @classmethod
    def of(cls, hints: Hints | Mapping[str, Any] | None) -> Hints:
        """``hints`` as ``Hints``: itself, from its wire form (``to_wire``), or empty for None.  A key
        that is not a field is a ValueError."""
        if hints is None:
            return cls()
        if isinstance(hints, Hints):
            return hints
        unknown = set(hints) - _FIELDS
        if unknown:
            raise ValueError(f"unknown hint(s) {sorted(unknown)}; the hints are {sorted(_FIELDS)}")
        values = {k: v for k, v in hints.items() if v is not None}
        for key in ("redirected_from", "article_links"):
            if key in values:
                values[key] = tuple(values[key])
        if isinstance(values.get("owner"), Mapping):
            owner = values["owner"]
            values["owner"] = Owner(tuple(owner.get("domains") or ()), tuple(owner.get("ports") or ()))
        return cls(**values)

    def to_wire(self) -> dict[str, Any]:
        """Plain data (JSON types) of the fields that are set: what a request's ``cb_kwargs`` carry."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value == f.default:
                continue
            if isinstance(value, Owner):
                value = value.as_mapping()
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


_FIELDS = {f.name for f in fields(Hints)}
