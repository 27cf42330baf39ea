"""The one article schema.  Field names are the index's field names.

Stages read and write articles through ``itemadapter`` (a dataclass is a supported item
type), so Scrapy, the WARC ingester and the benchmarks all pass the same object around.
``tests/unit/test_mapping.py`` keeps these fields and the index template in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class Article:
    # identity and origin
    # the article's URL: its accepted canonical, else where it was fetched (after redirects), tracking and
    # session parameters dropped; the document id is the hash of this URL (pipelines.dedupe.identify)
    url: str = ""
    canonical_url: str | None = None  # what the page declares (kept even when it does not give the id)
    # every id the article is known under, the document id first (pipelines.dedupe.identify): the
    # accepted canonical's, the fetched URL's, each redirect source's — the "already indexed?" lookup
    # checks them all, so a re-crawl skips the article whichever URL it finds it under
    known_ids: list[str] = field(default_factory=list)
    source: str | None = None  # configured source name (config/sources.yaml)
    domain: str | None = None
    country: str | None = None
    # content
    title: str | None = None
    body: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    site_name: str | None = None
    paywalled: bool | None = None
    # time (ISO 8601, timezone-aware)
    published_at: str | None = None
    modified_at: str | None = None
    fetched_at: str | None = None
    first_seen_at: str | None = None
    last_seen_at: str | None = None
    # language
    language: str | None = None
    language_confidence: float | None = None
    # attribution
    dateline: str | None = None
    dateline_outlet: str | None = None
    source_attribution: list[str] = field(default_factory=list)
    attribution_text: list[str] = field(default_factory=list)
    photo_credits: list[str] = field(default_factory=list)
    is_wire_copy: bool | None = None
    # dedupe / revisions
    content_hash: str | None = None
    # the text as the page gave it: the body plus what the source's learned template took out, order-free
    # (pipelines.dedupe.revision_hash).  A body that changes only because the template learned more is
    # the same revision (re-cleaned in place), not an edit at the source: ``version`` counts edits
    revision_hash: str | None = None
    fingerprint: str | None = None  # MinHash signature, hex (stored, not searched)
    fingerprint_bands: list[str] = field(default_factory=list)  # LSH band keys: near-duplicate lookup
    cluster_id: str | None = None  # id of the earliest-seen copy of the same story
    is_cluster_canonical: bool | None = None  # True on that earliest copy
    version: int | None = None
    # a multi-page article whose later part could not be fetched or extracted: indexed with what there is,
    # fetched again by the next crawl (pipelines.revisions.refetch_reason), counted in `news-ingest stats`
    pages_incomplete: bool | None = None
    # the source's article pages this page links to (fetchable URLs; stored, not searched): a re-crawl that
    # skips this article as already indexed follows them instead (crawler/spiders/news.py), so an article
    # linked only from inside another one is found even when that one was indexed by a killed run
    links: list[str] = field(default_factory=list)
    # earlier revisions, newest last: {content_hash, modified_at, seen_at}
    history: list[dict[str, str | None]] = field(default_factory=list)
    # bookkeeping
    provenance: dict[str, str] = field(default_factory=dict)  # field -> where its value came from
    removed_segments: list[dict[str, str]] = field(default_factory=list)  # {"kind", "text"}


ARTICLE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Article))


def article_from_dict(data: dict[str, Any]) -> Article:
    """Build an Article from a dict, ignoring keys the schema does not know."""
    return Article(**{k: v for k, v in data.items() if k in ARTICLE_FIELDS})
