"""Run the text stages - clean, language, attribution - once over a body.

``analyze_text`` is the plain-text entry point the attribution benchmark scores;
``enrich`` applies the same stages to an ``Article`` and returns it with its fields filled.  Both are pure and
never raise on bad input: an unusable body yields empty results and ``und``.  A failure inside a
stage (a bug) is never passed off as "no sources": it is logged, ``analyze_text`` returns it under
``error`` and ``enrich`` records a removed segment of kind ``error`` (``ERROR_KIND``), which the
crawl counts as ``news/enrich_errors``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pipelines.article import Article
from pipelines.attribution import Attribution, attribute
from pipelines.clean import (
    COMMENT_KIND,
    REPEATED_KIND,
    SANDWICHED_KIND,
    Cleaned,
    clean,
    normalize_text,
    repeated_lines,
    sandwiched_lines,
    with_dateline,
)
from pipelines.credit_model import CreditModel, add_model_credits
from pipelines.credit_model import load_model as load_credit_model
from pipelines.gazetteer import one_name_each
from pipelines.language import detect_language, langid_rank, normalize_code
from pipelines.line_model import KIND as LEARNED_KIND
from pipelines.line_model import LineModel, apply_line_model, load_model
from pipelines.sentences import ends_sentence
from pipelines.templates import Template, apply_template, line_key, template_kind

log = logging.getLogger(__name__)
ERROR_KIND = "error"  # removed_segments kind marking an article whose text stages failed
# removed_segments kinds of the attribution / template stages that are boilerplate (not credits)
TEXT_BOILERPLATE_KINDS = (
    "trailing_headline", "link_line", "footer", "edge_chrome", "template_line", "template_prefix", "teaser",
    LEARNED_KIND, REPEATED_KIND, SANDWICHED_KIND,
)
_CLEAN_BOILERPLATE_KINDS = frozenset({"related", "related_block", "prompt", "chrome", "foreign_ui", "teaser",
                                      COMMENT_KIND})
_EDGE_WORDS = 10  # banner / UI lines at the edges of a body are short
_FOREIGN_RATIO = 200.0


def _foreign_edge_lines(body: str, lang: str) -> tuple[str, list[dict[str, str]]]:
    """Drop short lines before the first / after the last paragraph that are confidently in another
    language than the body (a trilingual site banner, English UI strings on a French page).
    Returns the body and the removed segments."""
    if lang in ("und", "") or not body:
        return body, []
    lines = body.split("\n")
    para = [i for i, ln in enumerate(lines) if len(ln) >= 120]
    if not para:
        return body, []
    first, last = para[0], para[-1]
    removed, keep = [], []
    family = {"id": "idms", "ms": "idms"}
    for i, ln in enumerate(lines):
        edge = i < first or i > last
        words = ln.split()
        if edge and 2 <= len(words) <= _EDGE_WORDS and not ends_sentence(ln, cjk=False):
            ranked = dict(langid_rank(ln))
            code = max(ranked, key=ranked.__getitem__)
            prob, own = ranked[code], ranked.get(lang, 0.0)
            # short lines give flat distributions: require a clear winner far ahead of the body's language
            if (
                prob >= 0.3
                and prob >= _FOREIGN_RATIO * own
                and family.get(code, code) != family.get(lang, lang)
            ):
                removed.append({"kind": "foreign_ui", "text": ln})
                continue
        keep.append(ln)
    return "\n".join(keep).strip(), removed


# the generic shape rules of attribution that can take a line the source's template knows too
_GENERIC_BOILERPLATE = frozenset({"trailing_headline", "edge_chrome", "link_line"})


def _name_known_furniture(template: Template | None, removed: list[dict[str, str]],
                          title: str | None) -> None:
    """A line a generic shape rule removed that the source's template knows (its recurring promo
    line, another of its headlines) is recorded as what the template knows it as: the more specific
    reason, and the one that says the site's own furniture was learned.  Nothing more is removed."""
    if not template:
        return
    own = line_key(title) if title else ""
    for seg in removed:
        if seg["kind"] in _GENERIC_BOILERPLATE:
            kind = template_kind(template, seg["text"], own)
            if kind:
                seg["kind"] = kind


def _run(
    text: str,
    lang: str | None,
    declared: str | None = None,
    hint: str | None = None,
    timings: dict[str, float] | None = None,
    template: Template | None = None,
    title: str | None = None,
    line_model: LineModel | None | bool = True,
    byline_agencies: list[str] | None = None,
    credit_model: CreditModel | None | bool = True,
) -> tuple[Cleaned, tuple, Attribution]:
    """The stages; ``line_model`` True is the stored model (``pipelines/line_model.py``), None or
    False none (its trainer reads the bodies the rules leave); ``credit_model`` likewise for the
    learned credit and dateline spans (``pipelines/credit_model.py``)."""
    t0 = time.perf_counter()
    given = normalize_code(lang)
    # one detection, on the body as extracted: its language picks cleaning's labels (one language's
    # scope; "und": every file) and is the article's.  (A first guess on the raw head for cleaning and a
    # second detection on the cleaned head ran py3langid twice whenever cleaning changed the head, and
    # cleaned twice when they disagreed; the same languages and bodies on the dev set and the bench pages.)
    language = (given, 1.0, "given") if given else detect_language(text, declared=declared, hint=hint)
    t1 = time.perf_counter()
    cleaned = clean(text, language[0])
    t2 = time.perf_counter()
    bylines = [s["text"] for s in cleaned.removed_segments if s["kind"] == "byline"]
    attr = attribute(cleaned.body, language[0], cleaned.dateline, bylines=bylines,
                     ends_after=cleaned.ends_after, dateline_org=cleaned.dateline_org,
                     byline_agencies=byline_agencies)
    # credits and the dateline outlet the rules have no rule for, taken by their shape and position
    add_model_credits(load_credit_model() if credit_model is True else credit_model or None, text, attr,
                      cleaned.removed_segments)
    attr.sources = one_name_each(attr.sources, text)  # one name per organisation, as the rules write it
    # lines in another language at the edges go once the credits are read ("Źródło: tvn24" on an
    # English page is a credit, not a foreign banner)
    attr.body, foreign = _foreign_edge_lines(attr.body, language[0])
    cleaned.removed_segments.extend(foreign)
    # the source's learned furniture goes last: credit and byline lines have been read by then
    attr.body, learned = apply_template(template, attr.body, title)
    attr.removed_segments.extend(learned)
    _name_known_furniture(template, attr.removed_segments, title)
    # what is left of the furniture, by its position, shape and UI vocabulary (a learned classifier)
    model = load_model() if line_model is True else line_model or None
    attr.body, furniture = apply_line_model(model, attr.body, language[0])
    attr.removed_segments.extend(furniture)
    # a short line the page printed twice is its furniture (read after the credits, like the above)
    attr.body, repeated = repeated_lines(attr.body)
    attr.removed_segments.extend(repeated)
    # what the stages left between two removed furniture lines below the story belongs to them
    taken = {s["text"].strip() for s in cleaned.removed_segments if s["kind"] in _CLEAN_BOILERPLATE_KINDS}
    taken |= {s["text"].strip() for s in attr.removed_segments if s["kind"] in TEXT_BOILERPLATE_KINDS}
    credits = {ln.strip() for ln in attr.attribution_lines} | {
        s["text"].strip() for s in cleaned.removed_segments if s["kind"] == "byline"}
    attr.body, sandwiched = sandwiched_lines(text, attr.body, taken, credits)
    attr.removed_segments.extend(sandwiched)
    attr.body = with_dateline(attr.body, cleaned)
    t3 = time.perf_counter()
    if timings is not None:
        timings["language"] = (t1 - t0) * 1000
        timings["clean"] = (t2 - t1) * 1000
        timings["attribution"] = (t3 - t2) * 1000
    return cleaned, language, attr


def analyze_text(
    text: str,
    lang: str | None = None,
    timings: dict[str, float] | None = None,
    template: Template | None = None,
) -> dict[str, Any]:
    """Clean, identify the language and attribute a plain-text body (with a source's learned
    ``template``, see ``pipelines/templates.py``, its furniture goes too).

    Returns ``sources``, ``dateline_outlet``, ``photo_credits``, ``clean_text``, ``lang``, for
    line-level scoring ``attribution_lines`` and ``boilerplate_lines`` (whole input lines), and
    ``removed_segments`` (every stage's, each ``{"kind", "text"}``: which rule took what)."""
    try:
        cleaned, language, attr = _run(normalize_text(text), lang, timings=timings, template=template)
    except Exception as exc:  # a bug must not take the pipeline down; report it in the result
        log.exception("analyze_text failed")
        return {
            "sources": [],
            "dateline_outlet": None,
            "photo_credits": [],
            "clean_text": "",
            "lang": "und",
            "attribution_lines": [],
            "boilerplate_lines": [],
            "removed_segments": [],
            "error": repr(exc),
        }
    attribution_lines = list(attr.attribution_lines)
    if cleaned.dateline_line:
        attribution_lines.insert(0, cleaned.dateline_line)
    attribution_lines += [s["text"] for s in cleaned.removed_segments if s["kind"] == "byline"]
    boilerplate = [s["text"] for s in cleaned.removed_segments if s["kind"] in _CLEAN_BOILERPLATE_KINDS]
    boilerplate += [s["text"] for s in attr.removed_segments if s["kind"] in TEXT_BOILERPLATE_KINDS]
    return {
        "sources": attr.sources,
        "dateline_outlet": attr.dateline_outlet,
        "photo_credits": attr.photo_credits,
        "clean_text": attr.body,
        "lang": language[0],
        "language_confidence": language[1],
        "dateline": cleaned.dateline,
        "is_wire_copy": attr.is_wire_copy,
        "attribution_lines": attribution_lines,
        "boilerplate_lines": boilerplate,
        "removed_segments": [*cleaned.removed_segments, *attr.removed_segments],
    }


def enrich_failed(article_fields: Mapping[str, Any] | Any) -> bool:
    """True when ``enrich`` recorded a failure of its stages on this article (dict or Article)."""
    segs = (
        article_fields.get("removed_segments")
        if isinstance(article_fields, Mapping)
        else getattr(article_fields, "removed_segments", None)
    )
    return any(isinstance(s, Mapping) and s.get("kind") == ERROR_KIND for s in segs or ())


def _merge(old: Any, new: list[str]) -> list[str]:
    out = [x for x in (old or []) if isinstance(x, str) and x.strip()]
    keys = {x.casefold() for x in out}
    for x in new:
        if x.casefold() not in keys:
            out.append(x)
            keys.add(x.casefold())
    return out


def enrich(article: Article, *, language: str | None = None, declared_language: str | None = None,
           template: Template | None = None) -> Article:
    """Apply clean -> language -> attribution to an Article; returns a new Article (``article`` is
    left as it was).

    ``declared_language``: the page's lang attribute / meta; if absent, an extractor-set ``language``
    whose provenance is not "detector" or "source" counts as declared.  ``language``: the source's
    configured language from sources.yaml, a hint for detection.  ``template``: the source's learned
    ``pipelines.templates.Template``."""
    prov = dict(article.provenance or {})
    declared = declared_language
    # a language extraction took from the page counts as declared; the source's hint does not
    if declared is None and article.language and prov.get("language") not in (None, "detector", "source"):
        declared = article.language
    body = article.body
    removed = list(article.removed_segments or [])
    try:
        # an agency extraction read in the page's byline is a credit like the body's (one place:
        # ``attribute``); the segment stays as the record of where it was read
        agencies = [str(s.get("text")) for s in removed
                    if isinstance(s, Mapping) and s.get("kind") == "byline_agency" and s.get("text")]
        cleaned, detected, attr = _run(normalize_text(body), None, declared=declared, hint=language,
                                       template=template, title=article.title, byline_agencies=agencies)
    except Exception as exc:  # never raise out of the pipeline; keep the body as it was, say so
        log.exception("enrich failed for %s", article.url)
        failed = {"kind": ERROR_KIND, "text": f"enrich failed: {exc!r}"}
        return replace(article, removed_segments=[*removed, failed])
    changes: dict[str, Any] = {}
    code, conf, lang_prov = detected
    if not (code == "und" and not (body or "").strip() and article.language):  # else: nothing to detect on,
        changes.update(language=code, language_confidence=conf)  # keep what extraction found
        prov["language"] = lang_prov
    return replace(
        article, **changes,
        body=attr.body,
        dateline=cleaned.dateline,
        dateline_outlet=attr.dateline_outlet,
        removed_segments=removed + cleaned.removed_segments + attr.removed_segments,
        authors=_merge(article.authors, cleaned.authors),
        editors=_merge(article.editors, cleaned.editors),
        provenance=prov,
        source_attribution=attr.sources,
        attribution_text=attr.attribution_text,
        photo_credits=attr.photo_credits,
        is_wire_copy=attr.is_wire_copy if attr.body or attr.sources else None,
    )

