"""Items that travel through the Scrapy pipeline.

``FetchedPage`` is what a spider yields (raw bytes plus what discovery learned about the
URL); the extract stage turns it into the one ``Article`` schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.article import Article
from pipelines.extract import ExtractResult
from pipelines.hints import Hints
from pipelines.process import ProcessResult

__all__ = ["Article", "FetchedPage"]


@dataclass
class FetchedPage:
    """One article as fetched.

    ``url`` is the article's identity (the first page's URL for a multi-page article).
    ``body``/``encoding`` are the first page's bytes and the charset that really decodes them
    (``pipelines.charset``, the one decoder, not just the header); ``text`` is the first page decoded
    by it — the spider decodes once and extraction reads ``text``.  ``pages`` holds every part in
    reading order as ``(url, decoded html)`` when the article spans more than one page — feed it to
    ``pipelines.extract.extract_pages``; it is empty for single-page articles.
    ``hints`` carries what the crawl knew of the page (``pipelines.hints.Hints``, each field documented
    there): the source's settings, what the feed or sitemap entry said, the redirects, the charset,
    how many parts and whether one was missing (``pages_incomplete``), the article links.
    ``parts``: for a multi-page article, each part's extraction, made when the part was read (from the
    tree parsed then); the chain joins them (``pipelines.extract.join_parts``) instead of parsing
    ``pages`` again.  Empty when the parts were not extracted as read (no ProcessPipeline).
    ``result`` is the stage chain's result when the spider's page reading already ran it (a one-page
    article, ``pipelines.page_reading``); ``crawler.pipelines.ProcessPipeline`` runs it otherwise.
    """

    url: str
    body: bytes
    status: int = 200
    encoding: str | None = None
    source: str | None = None
    fetched_at: str | None = None
    hints: Hints = field(default_factory=Hints)
    pages: list[tuple[str, str]] = field(default_factory=list)
    text: str | None = None
    parts: list[ExtractResult] = field(default_factory=list)
    result: ProcessResult | None = None
