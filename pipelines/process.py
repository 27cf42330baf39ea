"""The whole stage chain for one fetched page, outside Scrapy.

extract -> clean/language/attribution (enrich) -> dedupe fingerprints, wired once (``CHAIN``).  The
WARC ingester, replays of stored pages and the benchmarks call ``process_page``; the crawl runs the
same ``CHAIN`` in its stage workers (``crawler/pipelines.py``).  Like the crawl, ``process_page`` applies the
source's learned template and lets the page teach it, when the caller hands it the sources' models
(``templates``: ``news_ingest.templates.SourceTemplates``, which owns the files; this module
only calls it).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pipelines import dedupe
from pipelines.article import Article
from pipelines.enrich import enrich
from pipelines.extract import ExtractResult, extract, extract_pages, join_parts
from pipelines.extract_html import Parsed
from pipelines.hints import Hints
from pipelines.templates import REVISION_NEUTRAL_KINDS, Evidence, Template, read_evidence


class SourceTemplateModels(Protocol):
    """The sources' learned furniture: ``news_ingest.templates.SourceTemplates``."""

    def template(self, source: str | None) -> Template: ...

    def learn_evidence(self, source: str | None, evidence: Evidence | None) -> None: ...


@dataclass
class ProcessResult:
    article: Article | None = None
    drop_reason: str | None = None
    detail: str = ""
    ms: dict[str, float] = field(default_factory=dict)  # stage -> milliseconds
    notes: list[str] = field(default_factory=list)  # what extraction noted (logged by the crawl)
    extracted: bool = False  # extraction found an article (cleaning may still have left nothing)
    # what the source's template learns from this article (``pipelines.templates.read_evidence`` of the
    # extracted body and title before cleaning), read here in the stage worker: the crawl's reactor
    # only counts it (``SourceTemplates.learn_evidence``)
    evidence: Evidence | None = None

    @property
    def ok(self) -> bool:
        return self.article is not None


def enrich_article(article: Article, hints: Hints | None = None,
                   template: Template | None = None) -> Article | None:
    """Clean, identify the language and attribute; None when cleaning left no body."""
    # the source's configured language is a hint for the detector, never a declared language
    # the source's learned furniture (pipelines/templates.py) comes as data: a Template or None
    enriched = enrich(article, language=Hints.of(hints).language_hint, template=template)
    if not (enriched.body or "").strip():
        return None
    return enriched


def fingerprint(article: Article) -> Article:
    doc = dedupe.annotate({"body": article.body}, taken_out=[
        s["text"] for s in article.removed_segments if s.get("kind") in REVISION_NEUTRAL_KINDS])
    article.content_hash = doc["content_hash"]
    article.revision_hash = doc["revision_hash"]
    article.fingerprint = doc["fingerprint"]
    article.fingerprint_bands = doc["fingerprint_bands"]
    return article


class StageChain:
    """The one wiring of the stages: extract -> enrich (clean, language, attribution) -> fingerprints.
    The crawl (in its stage workers, ``crawler/pipelines.py`` and ``pipelines/page_reading.py``),
    ``process_page`` (WARC, replay, benchmarks) all run ``CHAIN``."""

    def run(self, page: bytes | str | Parsed | None, url: str, hints: Hints | Mapping[str, Any] | None = None,
            pages: list[tuple[str, str | bytes]] | None = None,
            template: Template | None = None, parts: list[ExtractResult] | None = None) -> ProcessResult:
        """Every pure stage on one page (``page``: bytes, text, or a tree already parsed) or on the parts
        of a multi-page article (``pages``), or from the parts' extractions (``parts``: each part was
        extracted when the crawl read it, ``pipelines.page_reading``; they are joined, not parsed
        again); ``hints``: what the crawl knew (``pipelines.hints``; a mapping is their wire form);
        ``template``: the source's learned furniture."""
        hints = Hints.of(hints)
        result = ProcessResult()
        t0 = time.perf_counter()
        if parts:
            first = parts[0]
            if first.article is not None and hints.pages_incomplete:  # a later part never arrived
                first.article.pages_incomplete = True
            extracted = join_parts(first, parts[1:])
        else:
            extracted = extract_pages(pages, hints) if pages else extract(page, url, hints)
        result.ms["extract"] = (time.perf_counter() - t0) * 1000
        result.notes = extracted.notes
        found = extracted.article
        if found is None:
            result.drop_reason, result.detail = extracted.drop_reason, extracted.detail
            return result
        found.fetched_at = hints.fetched_at or found.fetched_at
        t1 = time.perf_counter()
        result.extracted = True
        raw_body, raw_title = found.body, found.title  # what the template learns from: before cleaning
        article = enrich_article(found, hints, template)
        result.ms["enrich"] = (time.perf_counter() - t1) * 1000
        if article is None:
            result.drop_reason = "empty_after_cleaning"
            return result
        t2 = time.perf_counter()
        result.article = fingerprint(article)
        result.ms["dedupe"] = (time.perf_counter() - t2) * 1000
        result.evidence = read_evidence(raw_body, raw_title, article.url or url)
        return result


CHAIN = StageChain()


def run_chain(page: bytes | str | Parsed | None, url: str, hints: Hints | Mapping[str, Any] | None = None,
              pages: list[tuple[str, str | bytes]] | None = None,
              template: Template | None = None, parts: list[ExtractResult] | None = None) -> ProcessResult:
    """``CHAIN.run`` as a module-level function (what a stage worker is sent)."""
    return CHAIN.run(page, url, hints, pages, template, parts)


def process_page(body: bytes | str, url: str, hints: Hints | Mapping[str, Any] | None = None,
                 pages: list[tuple[str, str | bytes]] | None = None,
                 templates: SourceTemplateModels | None = None) -> ProcessResult:
    """Run every pure stage on one page (or the parts of a multi-page article).  With
    ``templates``, the source's (``hints.source``) learned template is applied and the
    extracted body is learned from once the page is enriched, as the crawl does."""
    hints = Hints.of(hints)
    source = hints.source
    template = templates.template(source) if templates is not None else None
    result = CHAIN.run(body, url, hints, pages, template)
    if templates is not None and result.ok:
        templates.learn_evidence(source, result.evidence)
    return result
