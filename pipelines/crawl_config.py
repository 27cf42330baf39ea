"""The small config types the pure crawl helpers (``pipelines.discovery``) take.

Filled and validated from ``config/sources.yaml`` by ``news_ingest.sources`` (``multipage:`` of a
source, the top-level ``crawler:`` block); plain frozen dataclasses so the pure layer needs
nothing of the loader.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MultiPage:
    """How a source splits long articles over several pages.

    ``query``: ``?page=2`` (``param`` names the parameter); ``path``: ``/2/`` or ``/2`` appended to the
    article path; ``auto``: either, whichever the page links to (also ``<link rel=next>``);
    ``show_all``: a query string such as ``page=all`` that returns the whole article in one page —
    when set, the crawler asks for that URL instead of walking the parts.
    """

    mode: str = "auto"
    param: str = "page"
    show_all: str | None = None
    max_pages: int = 20


@dataclass(frozen=True)
class CrawlerConfig:
    """The top-level ``crawler:`` block: who we are to the sites we crawl."""

    contact_url: str = "https://github.com/news-ingest/news-ingest"
    max_url_length: int = 2000
    max_path_segments: int = 12
    max_query_params: int = 8
    # an article URL fetched for nothing (no article, not HTML, too large) is fetched again after this
    recheck_days: float = 30.0
