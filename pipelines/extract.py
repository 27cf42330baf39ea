"""Extraction stage: fetched HTML -> Article fields with provenance, or a counted drop reason.

Pure functions, no Scrapy. The page is decoded and parsed once (``extract_html.parse``); the same lxml tree
feeds the metadata readers, trafilatura (which works on its own copy) and htmldate.

    extract(html, url, hints) -> ExtractResult        # the pipeline's entry point
    extract_pages([(url, html), ...], hints)          # one article split over several pages
    extract_text(html, url) -> str                    # final cleaned body, for the extraction benchmark
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from functools import lru_cache
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from htmldate.core import is_date_candidate
from htmldate.extractors import FAST_TAGS as HTMLDATE_FAST_TAGS
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.baseline import baseline
from trafilatura.settings import DEFAULT_CONFIG

from pipelines import dates, dedupe, page_kind, sentences
from pipelines import extract_meta as meta
from pipelines.article import Article
from pipelines.extract_embedded import embedded_text
from pipelines.extract_html import MAX_HTML_BYTES, Parsed, Rejected, parse
from pipelines.extract_rules import RULES, SITE_RULES, SiteRule, compile_each, compile_rule, site_rule_for
from pipelines.hints import Hints
from pipelines.hosts import url_host

log = logging.getLogger(__name__)

# Precision-mode output shorter than this is checked against the fallbacks; below MIN_USABLE_CHARS the
# last-resort ones (embedded app state, baseline) are tried too.
SHORT_CHARS = 500
MIN_USABLE_CHARS = 200
# A body shorter than this after every fallback is not worth indexing.
MIN_BODY_CHARS = 60

_CONFIG = deepcopy(DEFAULT_CONFIG)
_CONFIG["DEFAULT"]["MAX_FILE_SIZE"] = str(MAX_HTML_BYTES)
_CONFIG["DEFAULT"]["EXTRACTION_TIMEOUT"] = "0"  # signal-based timeouts break in worker threads

_CONSENT = RULES["consent_wall"]
_CONSENT_URL = compile_rule(_CONSENT["url"], "consent_wall.url")
_CONSENT_PHRASES = compile_each(_CONSENT["phrases"])
_SOFT404 = RULES["soft_404"]
_SOFT404_RE = compile_rule(_SOFT404["phrases"], "soft_404.phrases")
_INDEX = RULES["index_page"]
_INDEX_URL = compile_rule(_INDEX["url"], "index_page.url")
_JS = RULES["js_shell"]
_JS_RE = compile_rule(_JS["phrases"], "js_shell.phrases")
_JS_MOUNTS = frozenset(_JS["mount_ids"])


@dataclass
class ExtractResult:
    """Either an ``article`` or a ``drop_reason`` (``empty``, ``binary``, ``not_article:soft_404`` ...)."""

    article: Article | None = None
    drop_reason: str | None = None
    detail: str = ""
    method: str | None = None  # which extractor produced the body
    notes: list[str] = field(default_factory=list)  # rejected values and other things worth logging
    ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.article is not None


# ------------------------------------------------------------------------------------------ body


def _trafilatura(tree: HtmlElement, url: str | None, **options: Any) -> str:
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        config=_CONFIG,
        **options,
    )
    if doc is None or isinstance(doc, dict):  # with_metadata=False: a Document, or nothing
        return ""
    return (doc.text or "").strip()


_WORD = re.compile(r"\w+")
LD_AGREEMENT = 0.9  # precision output this close to the page's own JSON-LD articleBody needs no second look
LD_REACH_MARGIN = 0.03  # other modes run when the page shows this much more of articleBody than precision
FULL_DEFAULT_GAIN = 1.1  # full default mode replaces a recall rescue when this much longer
SECTION_MIN_CHARS = 80  # a paragraph this long in a sibling section of the article is article text
_FURNITURE_TAGS = frozenset({"aside", "figure", "figcaption", "nav", "footer", "header", "form", "table"})
_FURNITURE_CLASS = re.compile(
    r"^(?:related|teasers?|recommend\w*|newsletter|promo\w*|ads?|advert\w*|sidebar|comments?|share|social"
    r"|caption|credit|hidden|read-?more|embed\w*|inline-?(?:related|promo))(?:$|[-_])",
    re.I,
)


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    toks = _WORD.findall(text)
    if len(toks) < 4:  # a text of fewer than four words is one shingle of them
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(zip(toks, toks[1:], toks[2:], toks[3:], strict=False))


def agreement(a: str, b: str) -> float:
    """Shingle F1 of two texts (4-word shingles, as the benchmark scores bodies): 1 = the same text."""
    return _agreement(_shingles(a), _shingles(b))[0]


def _agreement(sa: Counter[tuple[str, ...]], sb: Counter[tuple[str, ...]]) -> tuple[float, float]:
    """(shingle F1, share of ``sb`` found in ``sa``) of two shingle bags."""
    small, large = (sa, sb) if len(sa) <= len(sb) else (sb, sa)  # (a page's visible text against a body)
    common = sum(min(n, large[k]) for k, n in small.items() if k in large)
    total = sum(sa.values()) + sum(sb.values())
    return (2 * common / total if total else 0.0), (common / sum(sb.values()) if sb else 0.0)


def _signature(el: HtmlElement) -> tuple[str, str]:
    return el.tag, " ".join(sorted((el.get("class") or "").split()))


def _in_page_furniture(el: HtmlElement) -> bool:
    for a in el.iterancestors():
        if a.tag in ("body", "html"):
            return False
        if a.tag in _FURNITURE_TAGS:
            return True
        if any(_FURNITURE_CLASS.match(t) for t in f"{a.get('id') or ''} {a.get('class') or ''}".split()):
            return True
    return False


SECTION_UP = 3  # a paragraph's section: its parent, or the nearest classed ancestor this many levels up


def _section_of(p: HtmlElement) -> HtmlElement | None:
    """The container a paragraph is a section of: its parent when that has a class, else the nearest classed
    ancestor within ``SECTION_UP`` levels (``div.block > div > div > p``: generated markup wraps each
    paragraph in unclassed divs), else the parent."""
    par = p.getparent()
    el = par
    for _ in range(SECTION_UP):
        if el is None or el.tag in ("body", "html"):
            break
        if el.get("class"):
            return el
        el = el.getparent()
    return par


_QUOTE_OPEN = "\"“„«‘‚‹'「『"
_QUOTE_CLOSE = "\"”“»’‘›'」』"


def _is_pull_quote(paragraph: str, last: int, kept_words: str) -> bool:
    """A paragraph of a sibling section that is no story text: a pull quote repeating what the story says
    (its words already in the kept text), or, before the story's first kept paragraph, a paragraph that is
    one quotation from its opening mark to its closing mark (a quoted claim or statement set above the
    story: a fact check's "statement" box)."""
    if _words(paragraph) in kept_words:
        return True
    return last < 0 and paragraph[0] in _QUOTE_OPEN and paragraph[-1] in _QUOTE_CLOSE


def add_sibling_sections(tree: HtmlElement, text: str) -> tuple[str, int]:
    """Paragraphs of the article's other sections, which trafilatura's single-container choice leaves out.

    Many sites split a story into several sibling containers of one class (``div.articleBody`` between
    embedded boxes, one ``<section>`` per block). When at least two kept paragraphs share a parent of a
    given tag and class, long paragraphs in *other* elements of that same tag and class (not inside page
    furniture) belong to the same story and are put back in document order. A paragraph in the same
    container that trafilatura dropped stays dropped (that was a decision on evidence it had).
    """
    lines = [ln for ln in text.split("\n") if ln.strip()]
    position = {" ".join(ln.split()): i for i, ln in enumerate(lines)}
    paragraphs = []
    for el in tree.iter("p"):
        t = " ".join(el.text_content().split())
        if len(t) >= SECTION_MIN_CHARS:
            paragraphs.append((el, t))
    counts: Counter[tuple[str, str]] = Counter()
    kept_parents: set[HtmlElement] = set()
    for el, t in paragraphs:
        par = _section_of(el)
        if t in position and par is not None:
            counts[_signature(par)] += 1
            kept_parents.add(par)
    sections = {sig for sig, n in counts.items() if n >= 2 and sig[1]}
    if not sections:
        return text, 0
    after: dict[int, list[str]] = {}
    last = -1
    seen = set(position)
    kept_words = _words(text)
    for el, t in paragraphs:
        if t in position:
            last = position[t]
            continue
        par = _section_of(el)
        if t in seen or par is None or par in kept_parents or _signature(par) not in sections:
            continue
        if _in_page_furniture(el) or _is_pull_quote(t, last, kept_words):
            continue
        after.setdefault(last, []).append(t)
        seen.add(t)
    if not after:
        return text, 0
    out = list(after.get(-1, []))
    for i, ln in enumerate(lines):
        out.append(ln)
        out.extend(after.get(i, []))
    return "\n".join(out), sum(len(v) for v in after.values())


_RULE_BLOCKS = ("p", "h2", "h3", "h4", "h5", "li", "blockquote", "pre", "dt", "dd", "figcaption", "td")
_NOT_TEXT = ("script", "style", "noscript", "template", "button", "svg")


def site_rule_text(tree: HtmlElement, rule: SiteRule) -> str:
    """The article text a per-site rule points at: each container's paragraphs in document order, after the
    rule's ``drop`` parts are removed (a copy is edited, never the page's tree)."""
    lines: list[str] = []
    seen: set[str] = set()
    for xpath in rule.body:
        try:
            found = xpath(tree)
        except etree.XPathError:
            found = []
        for el in found if isinstance(found, list) else []:
            if not isinstance(el, HtmlElement):
                continue
            el = deepcopy(el)
            for junk in [j for x in rule.drop for j in _xpath_elements(x, el)] + list(el.iter(*_NOT_TEXT)):
                if junk is not el and junk.getparent() is not None:
                    junk.drop_tree()  # keeps the tail text that follows it
            blocks = [b for b in el.iter(*_RULE_BLOCKS) if not _inside_block(b, el)]
            for b in blocks or [el]:
                text = " ".join(b.text_content().split())
                if text and text not in seen:
                    seen.add(text)
                    lines.append(text)
    return "\n".join(lines)


def _xpath_elements(xpath: etree.XPath, el: HtmlElement) -> list[HtmlElement]:
    try:
        found = xpath(el)
    except etree.XPathError:
        return []
    return [x for x in found if isinstance(x, HtmlElement)] if isinstance(found, list) else []


def _inside_block(el: HtmlElement, container: HtmlElement) -> bool:
    for a in el.iterancestors():
        if a is container:
            return False
        if a.tag in _RULE_BLOCKS:
            return True
    return False


LEAD_MIN_CHARS = 40  # a description shorter than this (in words' letters) is no lead paragraph
_LEAD_TAGS = frozenset({"p", "h2", "h3", "div", "span", "strong"})
# class/id words of the page's header block (headline, kicker, byline, date): a dek there is not body text
_HEADERISH = re.compile(
    r"(?:^|[-_\s])(?:header|hero|title|meta|byline|masthead|headline|heading)(?:$|[-_\s])", re.I
)


@lru_cache(maxsize=256)
def _words(text: str) -> str:
    """The words of ``text``, casefolded, one space apart: the comparison key of the body steps (the body and
    its paragraphs are asked about again by the next step: 43% of the characters on the tune pages)."""
    return " ".join(_WORD.findall(text.casefold()))


def _in_header_block(el: HtmlElement) -> bool:
    for a in el.iterancestors():
        if a.tag in ("body", "html"):
            return False
        if a.tag == "header" or _HEADERISH.search(f"{a.get('class') or ''} {a.get('id') or ''}"):
            return True
    return False


def add_lead(tree: HtmlElement, pm: meta.PageMeta, text: str) -> tuple[str, bool]:
    """The lead paragraph (standfirst) put back in front of the body when the evidence says it is one.

    Extractors often leave out the paragraph between the headline and the body. It is put back when the
    page's own description (JSON-LD/meta) is shown word for word in an element after the ``<h1>`` and
    before the body's first paragraph, outside page furniture and outside the header block (a dek in a
    ``<header>``, hero or title/byline block belongs to the page's heading, not to the story).
    """
    desc = meta.description(pm)
    want = _words(meta.clean_text(desc)) if desc else ""
    if len(want) < LEAD_MIN_CHARS or want in _words(text):
        return text, False
    body = tree.find(".//body")
    first_line = next((ln for ln in text.split("\n") if len(ln) >= SECTION_MIN_CHARS), "")
    first_key = _words(first_line)[:40]
    if body is None or not first_key:
        return text, False
    probe = want.split(" ", 1)[0]
    seen_h1 = False
    lead: HtmlElement | None = None
    for el in body.iter("h1", *_LEAD_TAGS):  # the only tags the steps below look at
        tag = el.tag
        if tag == "h1" and not seen_h1:
            seen_h1 = True
            continue
        if lead is None:
            if (tag in _LEAD_TAGS and el.text and probe in el.text.casefold()
                    and _words(el.text_content()) == want):
                if not seen_h1 or _in_page_furniture(el) or _in_header_block(el):
                    return text, False
                lead = el
        elif tag == "p" and _words(el.text_content()).startswith(first_key):
            return " ".join(lead.text_content().split()) + "\n" + text, True
    return text, False


# what may hold a dek-like paragraph that is no part of the story: a popover ("You can save this article by
# registering"), a modal or tooltip
_OVERLAY_CLASS = re.compile(r"(?:^|[-_\s])(?:popover|modal|tooltip|dialog|overlay|paywall|bookmark)", re.I)
_SENTENCE_END = sentences.STOPS + sentences.ELLIPSIS + sentences.CLOSERS + sentences.LOW_QUOTE_CLOSER


def _outside_story_parts(el: HtmlElement, story: HtmlElement) -> bool:
    """``el`` sits in page furniture other than the story's own header (nav, aside, a popover, …)."""
    for a in el.iterancestors():
        if a is story:
            return False
        classes = f"{a.get('id') or ''} {a.get('class') or ''}"
        if a.tag in _FURNITURE_TAGS and a.tag != "header" or _OVERLAY_CLASS.search(classes):
            return True
        if any(_FURNITURE_CLASS.match(t) for t in classes.split()):
            return True
    return True


def add_header_lead(tree: HtmlElement, text: str) -> tuple[str, bool]:
    """The standfirst set in the story's own header block (``<article><header><h1/><p>lead</p></header>``),
    put back in front of the body: precision mode drops the header with the headline, and the lead is the
    story's first paragraph (the news set's truth keeps it). It is the last paragraph of >= 80 chars ending
    as a sentence between the ``<h1>`` and the body's first paragraph, inside the same ``<article>``, under a
    ``<header>``, outside any other furniture (nav, aside, popovers). Extraction stage on the tune parts:
    news 0.9547 -> 0.9562 (6 pages up, none down), AEB 0.9768 -> 0.9767 (AEB's truth leaves deks out: 2
    pages down)."""
    body = tree.find(".//body")
    first_line = next((ln for ln in text.split("\n") if len(ln) >= SECTION_MIN_CHARS), "")
    first_key = _words(first_line)[:40]
    if body is None or not first_key:
        return text, False
    seen_h1 = False
    before: list[HtmlElement] = []
    for el in body.iter("h1", "p"):
        if el.tag == "h1":
            seen_h1, before = True, []
            continue
        if not _words(el.text_content()).startswith(first_key):
            if seen_h1:
                before.append(el)
            continue
        story = next(el.iterancestors("article"), None)
        if story is None:
            return text, False
        for cand in reversed(before):
            lead = " ".join(cand.text_content().split())
            if (len(lead) >= SECTION_MIN_CHARS and lead[-1] in _SENTENCE_END
                    and any(a.tag == "header" for a in cand.iterancestors())
                    and not _outside_story_parts(cand, story) and _words(lead) not in _words(text)):
                return lead + "\n" + text, True
        return text, False
    return text, False


def main_text(
    tree: HtmlElement, url: str | None, pm: meta.PageMeta, notes: list[str] | None = None
) -> tuple[str, str | None]:
    """Body text (one paragraph per line) and the method that produced it, chosen by evidence.

    A per-site rule (``extract_rules.yaml: sites``) is the first candidate: the operator said where the
    article is. It is taken when it yields text and, on a page carrying its own JSON-LD ``articleBody``,
    when it agrees with that body at least as well as the generic result does; a rule that finds nothing
    is noted (``site_rule:no_text``) and the generic result stands.

    Precision mode first (it keeps fewer teasers and captions, which news pages are full of). When it is
    long enough: if the page carries its own JSON-LD ``articleBody`` and precision's text does not agree
    with it, and the page's visible text shows more of that body than precision kept, trafilatura's default
    and recall outputs are run too and the one agreeing best with the publisher's body wins; then
    paragraphs of sibling sections of the chosen container are put back (``add_sibling_sections``). When
    precision's text is short: recall mode, the JSON-LD ``articleBody``,
    the text embedded in a JavaScript app's state, trafilatura's baseline; a fallback wins only when
    clearly longer, since short-but-right beats long-and-noisy.
    """
    ld_body = meta.ld_str((pm.article_node or {}).get("articleBody")) or ""
    rule = site_rule_for(SITE_RULES, url)
    if rule is not None:
        rule_text = site_rule_text(tree, rule)
        if len(rule_text) < MIN_USABLE_CHARS:
            if notes is not None:
                notes.append(f"site_rule:no_text:{rule.host}")
        elif len(ld_body) < 400 or agreement(rule_text, ld_body) >= LD_AGREEMENT:
            return rule_text, "site-rule"
        else:
            generic, method = _generic_text(tree, url, pm, ld_body)
            if agreement(rule_text, ld_body) >= agreement(generic, ld_body):
                return rule_text, "site-rule"
            return generic, method
    return _generic_text(tree, url, pm, ld_body)


def _generic_text(
    tree: HtmlElement, url: str | None, pm: meta.PageMeta, ld_body: str
) -> tuple[str, str | None]:
    # fast=True skips trafilatura's readability/jusText comparison: half the time, same F1 on the dev sets
    text, method = _trafilatura(tree, url, favor_precision=True, fast=True), "trafilatura"
    if len(text) >= SHORT_CHARS:
        ld_shingles = _shingles(ld_body) if len(ld_body) >= 400 else None
        best, covered = _agreement(_shingles(text), ld_shingles) if ld_shingles else (1.0, 1.0)
        # default and recall modes keep more than precision: they can only agree better with the
        # publisher's body when precision left part of it out, and only with what the page shows of it
        # (an articleBody longer than the page's story, or other text, is reached by no mode)
        if (ld_shingles and best < LD_AGREEMENT and covered < LD_AGREEMENT
                and _agreement(_shingles(_visible_text(tree)), ld_shingles)[1] >= covered + LD_REACH_MARGIN):
            others = (
                ("trafilatura-default", {"fast": True}),
                ("trafilatura-recall", {"favor_recall": True, "fast": True}),
            )
            for name, options in others:
                other = _trafilatura(tree, url, **options)
                if (score := _agreement(_shingles(other), ld_shingles)[0]) > best + 0.02:
                    text, method, best = other, name, score
                if best >= LD_AGREEMENT:
                    break
        text, added = add_sibling_sections(tree, text)
        if added:
            method = f"{method}+sections"
        text, led = add_lead(tree, pm, text)
        if not led:
            text, led = add_header_lead(tree, text)
        if led:
            method = f"{method}+lead"
        return text, method
    recall = _trafilatura(tree, url, favor_recall=True, fast=True)
    if len(recall) > 2 * len(text):
        text, method = recall, "trafilatura-recall"
        # precision failed and fast recall rescued the page: trafilatura's full default (its own fallback
        # comparison with readability/jusText) often finds the article's whole container where fast recall
        # stops short; only these pages pay for it, and it wins only when clearly longer
        full = _trafilatura(tree, url)
        if len(full) > FULL_DEFAULT_GAIN * len(text):
            text, method = full, "trafilatura-full"
    if len(text) < SHORT_CHARS and len(ld_body) >= MIN_USABLE_CHARS and len(ld_body) > 1.5 * len(text):
        text, method = ld_body, "json-ld"
    if len(text) < MIN_USABLE_CHARS:
        embedded = embedded_text(tree)
        if len(embedded) > 2 * len(text):
            text, method = embedded, "embedded-json"
    if len(text) < MIN_USABLE_CHARS:
        try:
            base = baseline(tree)[1].strip()
        except Exception:  # noqa: BLE001 - a failing fallback must not lose the page
            base = ""
        if len(base) > 2 * len(text):
            text, method = base, "baseline"
    return (text, method) if text else ("", None)


# ------------------------------------------------------------------------------------------ not an article


def _visible_text(tree: HtmlElement) -> str:
    """The page's visible text, each text node's spaces collapsed, joined by spaces: the text nodes under
    ``<body>`` outside scripts, styles, noscript and templates (``_visible_texts``; the XPath
    ``//body//text()[not(ancestor::script) and …]`` read the same nodes in 1.7x the time, tune pages)."""
    bodies = (b for b in tree.iter("body") if next(b.iterancestors("body"), None) is None)  # (each node once)
    return " ".join(" ".join(t.split()) for body in bodies for t in _visible_texts(body) if t.strip())


def _link_density(tree: HtmlElement) -> float:
    body = tree.find(".//body")
    if body is None:
        return 0.0
    total = len(_visible_text(tree))
    if total == 0:
        return 0.0
    linked = sum(len(" ".join(a.text_content().split())) for a in body.iter("a"))
    return min(1.0, linked / total)


def not_article(tree: HtmlElement, pm: meta.PageMeta, body: str, url: str | None,
                hints: Hints | Mapping[str, Any] | None = None,
                markup: page_kind.Markup | None = None) -> str | None:
    """Reason this page is not an article (``consent_wall``, ``soft_404``, ``index_page``, ``js_shell``).

    What the markup says is the one classifier's verdict (``pipelines.page_kind``, the spider asks the same),
    from the source's URL rule and ``article_pages`` setting when the hints carry them; ``markup`` is the
    page's evidence when the caller has read it (``Parsed.markup``)."""
    hints = Hints.of(hints)
    if markup is None:
        markup = page_kind.read_markup(tree, pm.jsonld)
    verdict = page_kind.classify(markup, hints.url_rule, hints.article_pages or "auto")
    title_line = " ".join(x for x in (pm.title_tag, pm.h1) if x)
    if len(body) < _JS["max_visible_chars"]:
        visible = _visible_text(tree)
        if len(visible) < _JS["max_visible_chars"]:
            mounts = any(el.get("id") in _JS_MOUNTS for el in tree.iter("div", "main", "section", "app-root"))
            noscript = " ".join(n.text_content() for n in tree.iter("noscript"))
            scripts = sum(1 for _ in tree.iter("script"))
            if mounts or _JS_RE.search(noscript + " " + visible) or (scripts >= 3 and len(visible) < 80):
                return "js_shell"
    if not verdict.is_article:
        return "index_page"
    # Pages marked up as articles need stronger evidence: a short story about a cookie law or "Flight 404"
    # must stay.
    is_article_marked = verdict.strong
    if len(body) < _CONSENT["max_text_chars"]:
        text = f"{title_line}\n{body}"
        hits = sum(1 for p in _CONSENT_PHRASES if p.search(text))
        need = _CONSENT["min_hits_article"] if is_article_marked else _CONSENT["min_hits"]
        if hits >= need or (url and _CONSENT_URL.search(url) and hits >= 1):
            return "consent_wall"
    if len(body) < _SOFT404["max_text_chars"]:
        in_title = bool(_SOFT404_RE.search(title_line))
        in_short_body = len(body) < 400 and bool(_SOFT404_RE.search(body))
        if (in_title and in_short_body) or (not is_article_marked and (in_title or in_short_body)):
            return "soft_404"
    if not is_article_marked and len(body) < _INDEX["max_text_chars"]:
        listing_url = bool(url and _INDEX_URL.search(url))
        suspect = listing_url or len(body) < MIN_USABLE_CHARS
        if suspect and _link_density(tree) >= _INDEX["link_density"]:
            return "index_page"
    return None


# ------------------------------------------------------------------------------------------ fields


def _pick_date(
    candidates: list[tuple[Any, str]], read: dict[str, Any], now: datetime, what: str, notes: list[str]
) -> tuple[str | None, str | None]:
    for raw, source in candidates:
        dt = dates.parse_date(raw, **read)
        if dt is None:
            if raw not in (None, ""):
                notes.append(f"{what}:unparseable:{source}:{str(raw)[:40]}")
            continue
        if dates.plausible(dt, now):
            return dates.iso(dt), source
        notes.append(f"{what}:rejected:{source}:{dates.iso(dt)}")
    return None, None


_HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def _htmldate(tree: HtmlElement) -> str | None:
    """htmldate's reading of the page without the dated elements of its furniture
    (``_furniture_times_set_aside``): a teaser's or a comment's date is another story's day."""
    from htmldate import find_date

    try:
        with _furniture_times_set_aside(tree) as story_page:
            # with the time of day when the page gives one (else midnight)
            found = find_date(story_page, extensive_search=False, original_date=True,
                              outputformat=_HTMLDATE_FORMAT)
    except Exception:  # noqa: BLE001 - htmldate is a best-effort fallback
        return None
    # htmldate writes midnight when it found only a day: say so, so that a time from elsewhere can refine it
    return found.removesuffix("T00:00:00") if found else None


# class/id words of page parts whose bylines are not this article's (matched per token, below <body>)
_BYLINE_SKIP = re.compile(
    r"^(?:comments?|comment-?list|commentlist|sidebar|is-hidden|related|teasers?|recommend\w*|newsletter|footer)"
    r"(?:$|[-_])",
    re.I,
)


# where htmldate reads a date in the body: a <time>, an element whose class names a date ("entry-date",
# "post-date", "dateline"); one libxml2 pass (a scan of every class for furniture words would cost more than
# htmldate itself)
_DATED_ELEMENTS = etree.XPath("//body//time | //body//*[contains(@class, 'date')]")


_HTMLDATE_TAGS = (*HTMLDATE_FAST_TAGS, "aside")


def _sidebar(aside: HtmlElement, story: HtmlElement | None, holds_headline: dict[HtmlElement, bool]) -> bool:
    """An ``<aside>`` outside the headline's ``<article>`` that does not hold the headline: the page's."""
    return aside not in holds_headline and not (story is not None and _inside(aside, story))


@contextmanager
def _furniture_times_set_aside(tree: HtmlElement) -> Iterator[HtmlElement]:
    """``tree`` with the dated elements of its furniture (``_DATED_ELEMENTS`` that are ``_in_furniture``:
    teasers, sidebars, comments, figures, the page's footer; the headline's own ``<article>`` is the story;
    or ``_in_site_header``: the navigation's and the header bar's date of the day)
    taken out while the block runs and put back after it, each with its tail where it was: the day of another
    story's teaser is not this one's."""
    h1 = tree.find(".//body//h1")
    story = next(h1.iterancestors("article"), None) if h1 is not None else None
    holds_headline = _headline_holders(tree)
    removed: list[tuple[HtmlElement, int, HtmlElement]] = []
    body = tree.find(".//body")
    dated = list(_DATED_ELEMENTS(tree))
    if body is not None:  # the elements htmldate reads a date in by their class or id ("meta", "post-meta",
        # "time", "published" ...), and a sidebar's <aside>, whose bare teaser dates its text search finds
        dated += [el for el in body.iter(*_HTMLDATE_TAGS) if el.tag == "aside"
                  and _sidebar(el, story, holds_headline) or el.attrib and is_date_candidate(el)]
    try:
        for el in [t for t in dated if t.tag == "aside" and _sidebar(t, story, holds_headline)
                   or _in_furniture(t, story) or _in_site_header(t, holds_headline)]:
            parent = el.getparent()
            if parent is not None:
                removed.append((parent, parent.index(el), el))
                parent.remove(el)  # its tail text goes with it, and comes back with it
        yield tree
    finally:
        for parent, index, el in reversed(removed):
            parent.insert(index, el)


def _in_furniture(el: HtmlElement, story: HtmlElement | None = None) -> bool:
    """``el`` is in comments, teasers, figures, sidebars … Inside the ``story`` (the headline's own
    ``<article>``) only what lies between ``el`` and the story counts, and a ``<footer>`` there is the
    story's own (an author box), not the page's: a main column named "sidebar-1" or a byline in the
    article's footer is still the article's."""
    for a in el.iterancestors():
        if a.tag in ("body", "html") or a is story:
            return False
        if a.tag in ("figure", "time", "aside") or a.tag == "footer" and story is None:
            return True
        if a.tag == "footer" and not any(x is story for x in a.iterancestors()):
            return True
        if any(_BYLINE_SKIP.match(tok) for tok in f"{a.get('id') or ''} {a.get('class') or ''}".split()):
            return True
    return False


# where pages put a byline: rel/itemprop author, or a class/id word (author, byline, autor, penulis ...)
_BYLINE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:author-?name|authorname|authors?|byline|by-line|autor(?:in|e|i)?|auteurs?|penulis|reporter"
    r"|writer|firma|signature)(?:$|[\s_-])"
    # camelCase and run-together names ("articleAuthor", "AuthorCard", "bylineText", "journalist-name")
    r"|author(?!i[tz]|is)|byline|journalist|zuozhe|bianji|xiaobian|submitted-by|posted-by|screenname"
    r"|channel-name|(?:^|\s)byl(?:$|\s)",
    re.I,
)
_BYLINE_TAGS = frozenset({"a", "address", "author", "div", "p", "span", "strong", "li", "em", "b", "small",
                          "h2", "h3", "h4", "h5", "h6", "section", "ul", "cite", "dd", "td", "i", "font"})
_PROFILE_HREF = meta.PROFILE_HREF


_CODE_TAGS = ("script", "style", "noscript", "template")  # elements whose text is code, not words


def _visible_texts(el: HtmlElement) -> Iterator[str]:
    """The text nodes under ``el`` outside any script, style, noscript or template, in document order, read
    lazily: what ``.//text()[not(ancestor::script or ancestor::style or ancestor::noscript or
    ancestor::template)]`` selects (nothing when ``el`` is in, or is, one of them). The XPath builds the node
    set of the whole subtree first, which a caller asking "is it short?" of a story's container with an ad
    script inside paid for every element after a headline."""
    if el.tag in _CODE_TAGS or any(a.tag in _CODE_TAGS for a in el.iterancestors()):
        return
    stack: list[Any] = [el]
    while stack:
        node = stack.pop()
        if isinstance(node, str):  # a tail, queued after its element's subtree
            yield node
            continue
        if node.text and isinstance(node.tag, str):  # a comment's or an entity's own text is no text node
            yield node.text
        for child in reversed(node):
            if child.tail:
                stack.append(child.tail)
            if isinstance(child.tag, str) and child.tag not in _CODE_TAGS:
                stack.append(child)


def _element_text(el: HtmlElement, limit: int | None = None) -> str:
    """The visible text under ``el``: the code of a script or style inside (an ad slot in the byline box:
    "adsbygoogle = window.adsbygoogle || []") is no text. With ``limit``, reading stops once the text is
    longer than that: what comes back is the whole text when it is at most ``limit`` characters, else a
    prefix longer than ``limit`` (a caller asking "is it short?" of a story's container does not read the
    whole story)."""
    if next(el.iter(*_CODE_TAGS), None) is None:
        texts: Iterable[str] = el.itertext()
    else:
        texts = _visible_texts(el)
    words = (" ".join(t.split()) for t in texts if t.strip())
    if limit is None:
        return " ".join(words)
    out: list[str] = []
    size = -1
    for w in words:
        out.append(w)
        size += len(w) + 1
        if size > limit:
            break
    return " ".join(out)


def _profile_links(el: HtmlElement) -> str:
    """The names in links to writers' pages under ``el``'s parent ("By <a>A</a> and <a>B</a>"), joined."""
    scope = el.getparent() if el.getparent() is not None else el
    names = []
    for a in scope.iter("a"):
        href = a.get("href") or ""
        if _PROFILE_HREF.search(href) and 2 < len(t := _element_text(a)) < 80 and t not in names:
            names.append(t)
    return ", ".join(names)


# every word _BYLINE_ATTR can match contains one of these
_BYLINE_WORDS = ("author", "byline", "by-line", "autor", "auteur", "firma", "signature", "penulis",
                 "reporter", "writer", "journalist",
                 "zuozhe", "bianji", "xiaobian", "submitted-by", "posted-by", "screenname", "channel-name",
                 "byl")
_BYLINE_WORD_IN = re.compile("|".join(map(re.escape, _BYLINE_WORDS)))  # one of them in a lower-cased string
MAX_BYLINE_CANDIDATES = 4  # class/id matches tried after the first one named nobody (a social link, a label)


def _html_bylines(tree: HtmlElement) -> Iterator[str]:
    """Visible bylines, best first, found in one pass over the body: ``rel=author``/``itemprop=author``
    (yielded as met), then the links to writers' pages on the site (``/author/jane-doe``), then elements whose
    class or id names an author or byline; not in comments, sidebars, teasers, figures. The caller stops at
    the first that names a person, so a byline box holding only the outlet's social link ("Global News on
    BlueSky") no longer ends the search."""
    body = tree.find(".//body")
    if body is None:
        return
    profile: str | None = None
    fallbacks: list[str] = []
    verdicts: dict[tuple[str | None, ...], bool] = {}
    h1 = body.find(".//h1")
    story = next((a for a in h1.iterancestors("article")), None) if h1 is not None else None
    for el in body.iter(*_BYLINE_TAGS):
        tag = el.tag
        if tag == "author":  # the <author> element some CMSs write
            if 2 < len(content := _element_text(el)) < 120 and not _in_furniture(el, story):
                yield content
            continue
        attrib = el.attrib
        if not attrib:
            if tag == "address" and story is not None and _inside(el, story) and not fallbacks:
                # HTML's own byline element: an <address> in the article is its author's
                content = _element_text(el)
                if 2 < len(content) < 120 and not _in_furniture(el, story):
                    fallbacks.append(content)
            continue
        get = attrib.get  # (every element of the body is read here: each test as cheap as it can be)
        rel, prop = get("rel") or "", get("itemprop") or ""
        strong = ("author" in rel and "author" in rel.split()) or "author" in prop
        if strong:
            content = _element_text(el) or _microdata_name(el)
            if 2 < len(content) < 120 and not _in_furniture(el, story):
                yield content
            continue
        if profile is None and tag == "a" and _PROFILE_HREF.search(get("href") or ""):
            if 2 < len(_element_text(el)) < 80 and not _in_furniture(el, story):
                profile = _profile_links(el)
            continue
        if len(fallbacks) >= MAX_BYLINE_CANDIDATES:
            continue
        if raw_name := get("data-author") or get("data-author-name") or get("data-byline"):
            named_in = " ".join(raw_name.split())
            if 2 < len(named_in) < 120 and not _in_furniture(el, story):
                fallbacks.append(named_in)  # the name in a data attribute (<div data-author="Jane Doe">)
                continue
        key = (get("class"), get("id"), get("data-component"), get("data-testid"))
        named = verdicts.get(key)
        if named is None:  # once per distinct class/id values (pages repeat them), plain words first
            attrs = " ".join(v for v in key if v)
            named = bool(_BYLINE_WORD_IN.search(attrs.lower())) and bool(_BYLINE_ATTR.search(attrs))
            verdicts[key] = named
        if not named:
            continue
        content = _element_text(el)
        second_ok = not fallbacks or (story is not None and _inside(el, story))  # 2nd choice: in the story
        if second_ok and 2 < len(content) < 120 and content not in fallbacks and not _in_furniture(el, story):
            fallbacks.append(content)
    if profile:
        yield profile
    yield from fallbacks
    if h1 is not None:
        yield from _lead_in_bylines(h1)


# a byline written as a plain line under the headline, no class naming it: "By Jane Doe | March 5", "Von Max
# Muster", "Oleh Siti Aminah" (the lead-in word, then a capital)
_LEAD_IN_BYLINE = re.compile(r"^(?:" + meta.LEAD_IN_WORDS + r")\s+(?=[^\W\d_])", re.I)
# Italian's "di Mario Rossi": the lead-in only in lower case, before a capital ("Di Jakarta, …" opens a
# sentence)
_LEAD_IN_BYLINE_CASED = re.compile(r"^di\s+(?=[A-ZÀ-Þ])")
_AFTER_HEADLINE_TAGS = ("p", "div", "span", "li", "small")
LEAD_IN_ELEMENTS = 40  # elements read after the headline for a lead-in byline
LEAD_IN_MAX_CHARS = 100
BODY_START_CHARS = 200  # a paragraph this long is the story: no byline comes after it


def _following(el: HtmlElement, tags: tuple[str, ...]) -> Iterator[HtmlElement]:
    """The elements with these tags after ``el`` in document order, not inside it (XPath's ``following::``
    axis, read lazily: libxml2 builds that axis's whole node set first, for every page)."""
    node: HtmlElement | None = el
    while node is not None:
        for sib in node.itersiblings():
            yield from sib.iter(*tags)
        node = node.getparent()


def _lead_in_bylines(h1: HtmlElement) -> Iterator[str]:
    """Short lines after the headline, before the story's first long paragraph, that begin with a byline's
    lead-in word followed by a capital ("By Jane Doe | March 5, 2025" in an unnamed header block)."""
    for el in islice(_following(h1, _AFTER_HEADLINE_TAGS), LEAD_IN_ELEMENTS):
        text = _element_text(el, BODY_START_CHARS if el.tag == "p" else LEAD_IN_MAX_CHARS)
        if el.tag == "p" and len(text) >= BODY_START_CHARS:
            return
        if len(text) > LEAD_IN_MAX_CHARS or not text:
            continue
        if ((_LEAD_IN_BYLINE.match(text) or _LEAD_IN_BYLINE_CASED.match(text)) and text[-1] not in ".!?"
                and text.split()[1][0].isupper()):
            yield text
        elif name := _name_beside_date(el, text):
            yield name


_NAME_DATE_SEP = re.compile(r"\s*[|•·]\s*")


def _name_beside_date(el: HtmlElement, text: str) -> str | None:
    """The name in a byline line without a lead-in word: a name, a bar or dot, and the dateline ("Jane Doe |
    March 5, 2025"), the date also in the element right after the name's (``<span>Jane Doe |</span>
    <span>05.03.2025</span>``). The name is 2-4 capitalised words (or such names joined by and, & or /), the
    date one the parser reads; a comma before the bar is a dateline's place and desk ("New Delhi, News
    Nation Bureau | Updated : …"), no byline."""
    m = _NAME_DATE_SEP.search(text)
    if m is None or "," in (name := text[: m.start()].strip()) or not _is_bold_name(name):
        return None
    rest = text[m.end():].strip()
    if not rest and (nxt := el.getnext()) is not None:
        rest = _element_text(nxt, LEAD_IN_MAX_CHARS)
    return name if rest and len(rest) <= LEAD_IN_MAX_CHARS and dates.parse(rest) is not None else None


def _microdata_name(el: HtmlElement) -> str:
    """The name of a microdata author written as attributes only (``<div itemprop="author" itemscope><meta
    itemprop="name" content="Jane Doe"></div>``, ``<span itemprop="author" content="Jane Doe">``)."""
    if content := (el.get("content") or "").strip():
        return " ".join(content.split())
    for inner in el.iter("meta", "link", "span", "a"):
        if "name" in (inner.get("itemprop") or "").split() and (v := (inner.get("content") or "").strip()):
            return " ".join(v.split())
    return ""


def _inside(el: HtmlElement, container: HtmlElement) -> bool:
    return any(a is container for a in el.iterancestors())


# a name as small outlets set it on a line of its own in bold: 2-4 words, each capitalised ("Mohloai Mpesi",
# "MTHOBISI SITHOLE", "Lê Phương"), initials and hyphenated/apostrophised names included, nothing else
_BOLD_NAME = re.compile(r"^(?:[^\W\d_][\w'’.-]*\s+){1,3}[^\W\d_][\w'’.-]*$")


_NAME_JOIN = re.compile(r"\s*(?:/|&|,)\s*|\s+(?:and|und|dan|et|y|e)\s+")


def _is_one_name(text: str) -> bool:
    return (len(text) <= 40 and bool(_BOLD_NAME.match(text)) and all(w[0].isupper() for w in text.split())
            and not text.endswith("."))


def _is_bold_name(text: str) -> bool:
    """2-4 capitalised words, or up to four such names joined ("Mathatisi Sebusi/Mohalenyane Phakela")."""
    parts = _NAME_JOIN.split(text)
    return len(text) <= 120 and len(parts) <= 4 and all(_is_one_name(p) for p in parts)


def _body_byline(tree: HtmlElement, body: str) -> str | None:
    """A byline set as a paragraph of the body before its first prose paragraph (after a dek, say) or as its
    last paragraph, the whole paragraph bold names (``<p><strong>Mohloai Mpesi</strong></p>`` before the
    story on WordPress outlets, ``<p style="text-align:right"><strong>Lê Phương</strong></p>`` after it on
    VnExpress). Asked only when no other source names anybody."""
    lines = [x.strip() for x in body.split("\n") if x.strip()]
    if len(lines) < 3:
        return None
    head = []
    for x in lines[:4]:
        if len(x) >= SECTION_MIN_CHARS:
            break
        head.append(x)
    ends = {" ".join(x.split()) for x in (*head, lines[-1])}
    ends = {x for x in ends if _is_bold_name(x)}
    if not ends:
        return None
    for el in tree.iter("strong", "b"):
        text = " ".join(_element_text(el).split())
        if text not in ends:
            continue
        par = el.getparent()
        if par is None or par.tag not in ("p", "div") or " ".join(_element_text(par).split()) != text:
            continue  # the bold words are part of a sentence or a longer block: a lead-in, not a byline
        return text  # (no furniture check: the line is the extracted body's own first or last line)
    return None


# class/id words of the site's own header bar, whose date widget shows the day it is read ("Saturday, March 1,
# 2025" beside the logo), matched per token
_SITE_HEADER = re.compile(r"^(?:site-?header|masthead|top-?bar|navbar|header-?top|top-?header)$", re.I)


def _headline_holders(tree: HtmlElement) -> dict[HtmlElement, bool]:
    """The first ``<h1>`` of the body and its ancestors (each holds the headline), each marked whether it is
    the headline's ``<article>`` or inside it."""
    h1 = tree.find(".//body//h1")
    if h1 is None:
        return {}
    chain = [h1, *h1.iterancestors()]
    story = next((i for i, a in enumerate(chain) if a.tag == "article"), -1)
    return {a: i <= story for i, a in enumerate(chain)}


def _in_site_header(el: HtmlElement, holds_headline: dict[HtmlElement, bool]) -> bool:
    """``el`` is in the navigation or the site's header bar: a ``<nav>``, ``<header>`` or masthead / top-bar
    block that does not hold the headline and is not inside the headline's ``<article>`` (an article's own
    ``<header>`` is the story's). The date there is the day the page is read, not the story's."""
    in_bar = False
    for a in el.iterancestors():
        if a.tag in ("body", "html"):
            return in_bar
        if a in holds_headline:
            return in_bar and not holds_headline[a]
        if a.tag in ("nav", "header") or any(
                _SITE_HEADER.match(t) for t in f"{a.get('id') or ''} {a.get('class') or ''}".split()):
            in_bar = True
    return in_bar


def _html_time(tree: HtmlElement) -> str | None:
    """The article's visible dateline: an ``itemprop=datePublished`` element, else the first
    ``<time datetime>``, outside comments, teasers, figures, sidebars, the navigation, the site's header."""
    holds_headline = _headline_holders(tree)
    for el in tree.xpath('//body//*[@itemprop="datePublished"]'):
        value = el.get("datetime") or el.get("content") or el.text_content()
        if value and value.strip() and not _in_furniture(el) and not _in_site_header(el, holds_headline):
            return value.strip()
    for el in tree.xpath("//body//time[@datetime]"):
        value = el.get("datetime").strip()
        if (value and not _UPDATED.search(el.get("class") or "") and not _in_furniture(el)
                and not _in_site_header(el, holds_headline)):
            return value
    return None


# a <time>, class or label of the last change
_UPDATED = compile_rule(RULES["dateline_labels"]["updated"], "dateline_labels.updated")
# class/id words of a visible dateline ("date", "tanggal", "waktu", "timestamp", "posted-on", "time-ago")
_DATELINE_ATTR = re.compile(r"date|time|tanggal|tgl|waktu|publish|posted|datum|zeit|ago|fecha|tarih", re.I)
_DATELINE_TAGS = ("time", "span", "div", "p", "small", "li", "em", "b", "strong", "abbr")
MAX_DATELINE_CHARS = 80
# a line naming both days, weekdays and zones written out ("Published: Wednesday, March 5, 2025, 10:15 AM EST
# | Updated: Thursday, March 6, 2025, 08:30 AM EST"), is two datelines long
MAX_DATELINE_PAIR_CHARS = 2 * MAX_DATELINE_CHARS
MAX_DATELINE_CANDIDATES = 20


def _relative_datelines(tree: HtmlElement, with_updated: bool = False) -> Iterator[str]:
    """Short visible texts of dateline elements (a ``<time>``, a class/id naming a date or time), in page
    order, outside furniture and links, inside the headline's own ``<article>`` when it has one, and not
    marked as the last update (``with_updated``: a text naming the update too, "Updated … | Published …",
    "05.04.2025 - Güncelleme : 06.04.2025"):
    where "2 jam lalu" is written."""
    body = tree.find(".//body")
    if body is None:
        return
    h1 = body.find(".//h1")
    story = next((a for a in h1.iterancestors("article")), None) if h1 is not None else None
    holds_headline = _headline_holders(tree)
    limit = MAX_DATELINE_PAIR_CHARS if with_updated else MAX_DATELINE_CHARS
    tried = 0
    for el in body.iter(*_DATELINE_TAGS):
        if el.tag != "time" and not el.attrib:
            continue
        attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
        if el.tag != "time" and not _DATELINE_ATTR.search(attrs) and not (
                with_updated and "byline" in attrs.lower()):  # "By Jane Doe | Published March 5, 2025"
            continue
        if _UPDATED.search(attrs):
            continue
        text = " ".join(_element_text(el, limit).split())  # read no more than a dateline
        if not text or len(text) > limit or len(text) > MAX_DATELINE_CHARS and not _UPDATED.search(text):
            continue  # (longer than one dateline: two, the publication's and the update's, or none)
        if (upd := _UPDATED.search(text)) and not (with_updated and (
                _PUBLISHED_LABEL.search(text) or any(c.isdigit() for c in text[:upd.start()]))):
            continue  # the update's line; with_updated: unless it names the publication first or by its label
        if (_in_furniture(el, story) or next(el.iterancestors("a"), None) is not None
                or _in_site_header(el, holds_headline)):
            continue  # a teaser's time ("Terpopuler: … 1 jam lalu") is a link's, not the story's dateline
        if story is not None and not _inside(el, story):
            continue
        tried += 1
        yield text
        if tried >= MAX_DATELINE_CANDIDATES:
            return


# the label of the first publication in a dateline naming both days ("Updated March 6, 2025 | Published
# March 5, 2025", "Aktualisiert: 06.03.2025 | Erstellt: 05.03.2025", "입력 2025.03.05 오후 2:30 수정 …";
# the update's label is _UPDATED)
_PUBLISHED_LABEL = compile_rule(RULES["dateline_labels"]["published"], "dateline_labels.published")


def _published_part(text: str) -> str:
    """The part of a dateline that dates the first publication: after its label up to the next label, or
    before the update's label when only that one is named."""
    pub = _PUBLISHED_LABEL.search(text)
    upd = _UPDATED.search(text)
    if upd is None:
        return text
    if pub is None:
        return text[: upd.start()]
    end = upd.start() if upd.start() > pub.end() else len(text)
    return text[pub.end():end]


def _absolute_dateline(
    tree: HtmlElement, read: dict[str, Any]
) -> tuple[dates.ParsedDate | None, bool, dates.ParsedDate | None]:
    """The first dateline element reading as a date of the publication (visible text, "05.03.2025 14:30",
    "2025年3月5日 14時30分", "입력 2025.03.05 오후 2:30"), its update's part set aside; whether a label
    said it is the publication's ("Published …", "Erstellt: …", "입력"); and the update's date the same line
    names after its label ("05.04.2025 - Güncelleme : 06.04.2025"), if any."""
    for text in _relative_datelines(tree, with_updated=True):
        part = _published_part(text)
        got = dates.parse(part, **read) if any(c.isdigit() for c in part) else None
        if got is not None and got.form != "relative":
            upd = _UPDATED.search(text)
            after = _PUBLISHED_LABEL.split(text[upd.end():])[0] if upd else ""
            updated = dates.parse(after, **read) if any(c.isdigit() for c in after) else None
            return got, bool(_PUBLISHED_LABEL.search(text)), updated
    return None, False, None


def _relative_date(tree: HtmlElement, read: dict[str, Any], fetched: datetime) -> dates.ParsedDate | None:
    """The first dateline reading as a relative date ("2 jam lalu", "kemarin 14:30") against ``fetched``."""
    for text in _relative_datelines(tree):
        got = dates.parse(text, **read, relative_to=fetched)
        if got is not None and got.form == "relative":
            return got
    return None


# where a publication date may come from, best first: the page's own metadata, its visible dateline, then
# guesses (htmldate reads the page's text), what the feed or sitemap said, the day in the URL, and last a
# relative dateline ("2 jam lalu") counted back from the fetch time: used only when no absolute date exists
PAGE_DATE_SOURCES = ("json-ld", "meta", "html")
DATE_SOURCES = (*PAGE_DATE_SOURCES, "htmldate", "feed", "sitemap", "dateline", "url", "relative")
SAME_INSTANT = timedelta(seconds=60)


def fetched_at(hints: Hints, now: datetime) -> datetime:
    """When the page was fetched (``hints.fetched_at``: set by the crawl and the WARC reader), else now."""
    got = dates.parse(hints.fetched_at)
    return got.dt if got is not None and got.has_time else now


def published_date(
    tree: HtmlElement,
    pm: meta.PageMeta,
    ld_pub: Any,
    hints: Hints,
    page_url: str,
    read: dict[str, Any],
    now: datetime,
    notes: list[str],
) -> tuple[str | None, str | None]:
    """(ISO date, source) of the publication, from the best source, using what each value says about itself.

    The first plausible value in ``DATE_SOURCES`` order is the date (each source is read only when needed:
    htmldate is the slow one); htmldate's reading of the page's text yields to the day in the article's
    address when the two disagree (a photo caption's "This March 28, 2017, file photo"). Then what the
    parser knows about it (``dates.ParsedDate``) decides whether another source says the same more
    precisely: a time without a zone takes the zone of another source that shows the same wall-clock minute
    with one; a day without a time takes the time of a feed or sitemap timestamp on that same day (a visible
    dateline giving only a day yields to htmldate when both name the same day: htmldate may know the time);
    a UTC time is shown in the page's own offset when another of the page's sources gives the same instant
    with one (the moment does not change, the publisher's clock is kept). The sanity rules
    (``dates.plausible``) apply to every value; rejected and unreadable values are noted."""
    tz = dates.zone_for(read.get("country"))
    raw: dict[str, Any] = {
        "json-ld": lambda: ld_pub,
        "meta": lambda: pm.first_meta("published"),
        "html": lambda: _html_time(tree),
        "htmldate": lambda: _htmldate(tree),
        "feed": lambda: hints.feed_published,
        "sitemap": lambda: hints.sitemap_published,
        "dateline": lambda: dateline()[0],
        "url": lambda: dates.url_date(page_url, tz),
        "relative": lambda: _relative_date(tree, read, fetched_at(hints, now)),
    }
    seen: dict[str, dates.ParsedDate | None] = {}
    read_dateline: list[tuple[dates.ParsedDate | None, bool, dates.ParsedDate | None]] = []

    def dateline() -> tuple[dates.ParsedDate | None, bool, dates.ParsedDate | None]:
        if not read_dateline:
            read_dateline.append(_absolute_dateline(tree, read))
        return read_dateline[0]

    def get(source: str) -> dates.ParsedDate | None:
        if source not in seen:
            value = raw[source]()
            got = value if isinstance(value, dates.ParsedDate) else dates.parse(value, **read)
            if got is None and value not in (None, ""):
                notes.append(f"published_at:unparseable:{source}:{str(value)[:40]}")
            elif got is not None and not dates.plausible(got.dt, now):
                notes.append(f"published_at:rejected:{source}:{dates.iso(got.dt)}")
                got = None
            seen[source] = got
        return seen[source]

    source = next((s for s in DATE_SOURCES if get(s) is not None), None)
    if source == "html" and (html_date := get("html")) is not None and not html_date.has_time:
        # a visible dateline with only a day is no better than htmldate's reading of the page: htmldate's
        # value stands when it names the same day (it may know the time) or the dateline is all there is
        later = get("htmldate")
        if later is not None and later.dt.astimezone(tz).date() == html_date.dt.astimezone(tz).date():
            source = "htmldate"
    guess = get("htmldate") if source == "htmldate" else None
    if guess is not None and (line := get("dateline")) is not None:
        # htmldate's guess against the page's own visible dateline: the dateline stands when it says the time
        # of htmldate's day, when htmldate took the page's last update for the publication, or when a label
        # says the dateline is the publication's and htmldate names another day
        day, line_day = guess.dt.astimezone(tz).date(), line.dt.astimezone(tz).date()
        modified = dates.parse(meta.ld_dates(pm)[1] or pm.first_meta("modified"), **read)
        took_update = line.dt < guess.dt and any(
            u is not None and (abs(u.dt - guess.dt) < SAME_INSTANT or (
                not (u.has_time and guess.has_time) and u.dt.astimezone(tz).date() == day))
            for u in (modified, dateline()[2]))  # the update's moment, or its day when either has no time
        hinted = any((o := get(x)) is not None and o.has_time and o.dt.astimezone(tz).date() == day
                     for x in ("feed", "sitemap"))  # the crawl's feed or sitemap gives the time: it stands
        # an all-numeric dateline whose day and month could be swapped ("04/05/2025") is read in the order of
        # the source's country (dates.month_first); htmldate reads it its own way: the same digits
        swapped = line.form == "numeric" and (line_day.day, line_day.month) == (day.month, day.day) and (
            line_day.year == day.year)
        if ((line_day == day and line.has_time and not guess.has_time and not hinted) or took_update
                or (line_day != day and dateline()[1]) or swapped):
            source, guess = "dateline", None
    in_url = get("url") if guess is not None else None
    # htmldate reads dates off the page's text (a caption, a teaser): the day the publisher wrote into the
    # article's own address outranks such a guess when the two disagree
    if guess and in_url and guess.dt.astimezone(tz).date() != in_url.dt.astimezone(tz).date():
        notes.append(f"published_at:htmldate-overruled-by-url:{dates.iso(guess.dt)}")
        source = "url"
    if source is None:
        return None, None
    best = get(source)
    assert best is not None
    dt = best.dt
    if best.has_time and not best.has_zone:
        wall = dt.replace(tzinfo=None, second=0, microsecond=0)
        for other in (*PAGE_DATE_SOURCES, "feed", "sitemap"):
            o = get(other) if other != source else None
            if o and o.has_zone and o.has_time and o.dt.replace(tzinfo=None, second=0, microsecond=0) == wall:
                dt = dt.replace(tzinfo=o.dt.tzinfo)
                break
    elif not best.has_time:
        day = dt.astimezone(tz).date()
        for other in ("feed", "sitemap"):
            o = get(other) if other != source else None
            if o and o.has_time and o.dt.astimezone(tz).date() == day:
                return dates.iso(o.dt), other
    if best.has_zone and dt.utcoffset() == timedelta(0):
        for other in PAGE_DATE_SOURCES:
            o = get(other) if other != source else None
            if o and o.has_zone and o.dt.utcoffset() != timedelta(0) and abs(o.dt - dt) < SAME_INSTANT:
                dt = dt.astimezone(o.dt.tzinfo)
                break
        else:
            # no source of the page gives its offset: the source's clock; a day alone stays the day it names,
            # so does UTC midnight (how CMSs write a day: "2024-08-26T00:00:00Z" is no story of 8 p.m. in NY)
            if best.has_time and dt.timetz().replace(tzinfo=None) != time_of_day(0):
                url_day = spelt.dt.date() if (spelt := get("url")) is not None else None
                dt = dates.on_local_clock(dt, read.get("country"), url_day)
    return dates.iso(dt), source


def _fields(
    tree: HtmlElement,
    pm: meta.PageMeta,
    body: str,
    url: str | None,
    hints: Hints,
    now: datetime,
    notes: list[str],
    headline: tuple[str | None, str | None] | None = None,
) -> Article:
    """The article's fields. ``headline`` is ``meta.title(pm, url)`` when the caller already has it."""
    country = hints.country
    lang_hint = meta.normal_lang(hints.language_hint)
    read = {"country": country, "languages": [lang_hint] if lang_hint else None}  # how to read date strings
    prov: dict[str, str] = {}
    canonical = meta.canonical(pm, url)
    page_url = url or canonical or ""

    title, src = headline if headline is not None and url else meta.title(pm, page_url)
    if not title:
        for hinted, name in ((hints.feed_title, "feed"), (hints.sitemap_title, "sitemap")):
            if hinted:
                title, src = " ".join(str(hinted).split()), name
                break
    if src:
        prov["title"] = src

    ld_pub, ld_mod = meta.ld_dates(pm)
    published, src = published_date(tree, pm, ld_pub, hints, page_url, read, now, notes)
    if published and src:
        prov["published_at"] = src
    modified, src = _pick_date(
        [(ld_mod, "json-ld"), (pm.first_meta("modified"), "meta")], read, now, "modified_at", notes
    )
    if modified and src:
        prov["modified_at"] = src

    authors, src, agency_credits = meta.authors(
        pm, page_url, html_byline=lambda: _html_bylines(tree),
        body_byline=lambda: [_body_byline(tree, body) or ""],
    )
    if src:
        prov["authors"] = src
    for name in agency_credits:  # a wire agency in the byline credits the story; it is nobody's name
        notes.append(f"authors:agency:{name}")

    lang, src = meta.language(pm)
    if not lang:
        for hinted, name in ((hints.sitemap_language, "sitemap"), (hints.language_hint, "source")):
            if v := meta.normal_lang(hinted):
                lang, src = v, name
                break
    if lang and src:
        prov["language"] = src

    host = (urlsplit(page_url).hostname or "").lower()
    return Article(
        url=_article_url(page_url, canonical, hints),
        canonical_url=canonical,
        known_ids=_known_ids(page_url, canonical, hints),
        pages_incomplete=hints.pages_incomplete,
        source=hints.source,
        domain=host.removeprefix("www.") or None,
        country=hints.country,
        title=title,
        body=body,
        description=meta.description(pm),
        authors=authors,
        tags=meta.tags(pm),
        image=meta.image(pm, page_url or None),
        site_name=meta.site_name(pm),
        paywalled=meta.paywalled(pm),
        published_at=published,
        modified_at=modified,
        language=lang,
        provenance=prov,
        removed_segments=[{"kind": "byline_agency", "text": name} for name in agency_credits],
    )


def _identity(url: str, canonical: str | None, hints: Hints) -> dedupe.Identity | None:
    try:
        owner = hints.owner.as_mapping() if hints.owner is not None else None
        return dedupe.identify(url, canonical, hints.redirected_from, owner)
    except ValueError:
        return None


def _article_url(url: str, canonical: str | None, hints: Hints) -> str:
    """The article's URL: its accepted canonical (an AMP twin and its page are one article, stored under
    the page's URL), else where it was fetched — without tracking and session parameters."""
    who = _identity(url, canonical, hints) if url else None
    if who is None or not who.canonical_accepted:
        return url
    try:
        return dedupe.public_url(who.id_url)
    except ValueError:
        return url


def _known_ids(url: str, canonical: str | None, hints: Hints) -> list[str]:
    """The article's ids (``pipelines.dedupe.identify``): the canonical counts only when the source that
    fetched the page (``hints.owner``: its domains and ports) owns it; redirect sources are aliases."""
    who = _identity(url, canonical, hints) if url else None
    return list(who.known_ids) if who else []


# "READ ALSO | <a>Other story</a>", "FUNDA OLUNYE UDABA LAPHA | <a>…</a>": a short lead-in, a bar, then the
# whole rest of the line one link (the lead-in's words differ by language; the shape does not). A colon
# ("Baca juga: …", "Rekomendasi Redaksi: …") is left to the cleaning stage's phrase lists and the source's
# learned template, which name what they remove.
_TEASER_LINE = re.compile(r"^([^\W\d_][^|:]{1,38}?)\s*[|]\s*(\S.{9,199})$")


def drop_teaser_links(tree: HtmlElement, body: str, url: str | None = None) -> tuple[str, int]:
    """``body`` without in-story links to other stories: a line that is a lead-in of at most 6 words and a
    bar, followed by a headline (4 words or more) that is exactly the text of one link to a page
    of the same site ("Аккаунт: @handle", "Unser Partner: eZ Systems" stay)."""
    lines = body.split("\n")
    hits = {i: " ".join(m.group(2).split()) for i, ln in enumerate(lines)
            if (m := _TEASER_LINE.match(ln.strip())) and len(m.group(1).split()) <= 6
            and len(m.group(2).split()) >= 4}
    if not hits:
        return body, 0
    site = ".".join(url_host(url or "").split(".")[-2:])
    anchors: set[str] = set()
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        host = url_host(href) if "//" in href[:8] else ""
        if href and not href.startswith(("#", "mailto:", "javascript:")) and (
                not host or (site and (host == site or host.endswith("." + site)))):
            anchors.add(" ".join(_element_text(a).split()))
    drop = {i for i, rest in hits.items() if rest in anchors}
    if not drop or len(drop) == len(lines):
        return body, 0
    return "\n".join(ln for i, ln in enumerate(lines) if i not in drop), len(drop)


_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
ORPHAN_MIN_CHARS = 20  # the dropped block under a label holds at least this much text


def _is_label_shaped(line: str) -> bool:
    """A block's label: at most four words, no digit, no sentence ("Auch interessant", "Read more",
    "Baca Juga"); a numbered or worded subheading of the story is none."""
    return (len(line.split()) <= ORPHAN_LABEL_WORDS and not any(c.isdigit() for c in line)
            and not line.endswith((".", "!", "?", ":")))


ORPHAN_LABEL_WORDS = 4


def drop_orphan_labels(tree: HtmlElement, body: str) -> tuple[str, int]:
    """``body`` without the label of a block the extractor dropped: a label-shaped heading line ("Auch
    interessant", "Read more") right before another heading line, when the page's elements between the two
    headings hold a link to another story (a teaser box) and none of their text is in the body. Left in, the
    label takes the next line, the story's own subheading, for its teaser (the cleaning stage reads a bare
    label's next line as the teaser's headline). A subheading followed by a dropped figure and then a
    paragraph, or a numbered one ("3. …"), is not touched."""
    lines = body.split("\n")
    keys = [" ".join(ln.split()) for ln in lines]
    wanted = {k for k in keys if k and len(k) <= 120}
    if len(wanted) < 2:
        return body, 0
    heading_of: dict[str, HtmlElement] = {}
    for el in tree.iter(*_HEADINGS):
        text = " ".join(_element_text(el).split())
        if text in wanted and text not in heading_of:
            heading_of[text] = el
    if len(heading_of) < 2:
        return body, 0
    flat = " ".join(keys)
    drop: set[int] = set()
    for i in range(len(keys) - 1):
        label, nxt = heading_of.get(keys[i]), heading_of.get(keys[i + 1])
        if label is None or nxt is None or label is nxt or not _is_label_shaped(keys[i]):
            continue
        between: list[str] = []  # the text of every element between the two headings, inner ones too
        linked = False  # a teaser box links to its story
        for sib in label.itersiblings():
            if sib is nxt or _inside(nxt, sib):
                break
            if isinstance(sib.tag, str):
                between.extend(t for el in sib.iter() if isinstance(el.tag, str)
                               and (t := " ".join(_element_text(el).split())))
                linked = linked or any(a.get("href") and len(_element_text(a)) >= ORPHAN_MIN_CHARS
                                       for a in sib.iter("a"))
        else:
            continue  # the next heading is not a later sibling's: no evidence about what lay between
        if linked and not any(len(t) >= 8 and t in flat for t in between):
            drop.add(i)
    if not drop:
        return body, 0
    return "\n".join(ln for i, ln in enumerate(lines) if i not in drop), len(drop)


def _drop_title_line(body: str, title: str | None, pm: meta.PageMeta) -> str:
    """Extractors keep the <h1> as the body's first line, and the headline of an embedded video or a sticky
    header can stand further down ("Lead paragraph / Headline / …"); the headline has its own field, so a
    line that is the headline alone goes wherever it stands (a body that is nothing else is kept)."""
    heads = {" ".join(t.split()).casefold() for t in (title, pm.h1) if t}
    lines = body.split("\n")
    kept = [ln for ln in lines if " ".join(ln.split()).casefold() not in heads]
    return "\n".join(kept) if len(kept) < len(lines) and any(ln.strip() for ln in kept) else body


# ------------------------------------------------------------------------------------------ entry points


def warm_up() -> None:
    """Build what trafilatura builds on the first page that needs it: justext's stoplist of every
    language (~90 ms; trafilatura's recall and full modes fall back to justext on a page whose language
    it does not know) and the lower-cased frozenset justext makes of it (``justext.core.define_stoplist``,
    cached by the stoplist: ~15 MB, 150,000 strings), so no page of a worker pays it and, built in the
    stage workers' fork server, every worker shares that one copy instead of building its own."""
    from justext.core import define_stoplist
    from trafilatura import external

    if external.JT_STOPLIST is None:
        external.jt_stoplist_init()
    define_stoplist(external.JT_STOPLIST)


def extract(
    html: str | bytes | Parsed | None,
    url: str | None = None,
    hints: Hints | Mapping[str, Any] | None = None,
    *,
    now: datetime | None = None,
) -> ExtractResult:
    """Extract one page (``hints``: what the crawl knew of it, ``pipelines.hints``; a mapping is read
    as their wire form). Never raises: failures come back as ``drop_reason``."""
    t0 = time.perf_counter()
    hints = Hints.of(hints)
    now = now or datetime.now(UTC)
    result = ExtractResult()
    try:
        # a page the crawl already parsed (``pipelines.page_reading``) is not parsed again
        parsed = html if isinstance(html, Parsed) else parse(html, hints.encoding)
        tree = parsed.tree
        pm = meta.read_page(tree, parsed.jsonld())
        meta.own_article_node(pm, url)
        body, result.method = main_text(tree, url, pm, result.notes)
        headline = meta.title(pm, url)
        # the body loses the headline line og:title gives, also where the title field is the JSON-LD headline
        # written apart from it (the body as before that choice; the visible <h1> goes as ever)
        shown = meta.title(pm, url, written_apart=False)[0] if headline[1] == "json-ld" else headline[0]
        body = _drop_title_line(body, shown, pm)
        body, teasers = drop_teaser_links(tree, body, url)
        if teasers:
            result.notes.append(f"body:teaser_links:{teasers}")
        body, orphans = drop_orphan_labels(tree, body)
        if orphans:
            result.notes.append(f"body:orphan_labels:{orphans}")
        if reason := not_article(tree, pm, body, url, hints, parsed.markup()):
            result.drop_reason = f"not_article:{reason}"
        elif len(body) < MIN_BODY_CHARS:
            result.drop_reason = "no_text" if not body else "too_short"
            result.detail = f"{len(body)} chars"
        else:
            result.article = _fields(tree, pm, body, url, hints, now, result.notes, headline)
            result.article.provenance["body"] = result.method or "none"
            if parsed.stripped_scripts:
                result.notes.append("huge page: scripts and styles stripped before parsing")
    except Rejected as r:
        result.drop_reason, result.detail = r.reason, r.detail
    except Exception as e:  # noqa: BLE001 - one bad page must not stop the crawl; counted instead
        log.exception("extraction failed for %s", url)
        result.drop_reason, result.detail = "error", f"{type(e).__name__}: {str(e)[:200]}"
    result.ms = (time.perf_counter() - t0) * 1000
    return result


def extract_pages(
    pages: list[tuple[str, str | bytes]], hints: Hints | Mapping[str, Any] | None = None, *,
    now: datetime | None = None
) -> ExtractResult:
    """One article stitched from ``[(url, html), ...]`` in reading order; identity is the first page.

    Metadata comes from the first page; bodies are joined in order.  A line that every part repeats is the
    site's furniture (the lead, a "Baca juga" block, the footer): it is kept once.  Any other repeated line
    (a quote the story comes back to) is kept wherever it is.  A part that fails is noted and skipped, and
    the article is marked ``pages_incomplete``; only a failing first page drops the article.
    """
    if not pages:
        return ExtractResult(drop_reason="empty", detail="no pages")
    hints = Hints.of(hints)
    first_url, first_html = pages[0]
    result = extract(first_html, first_url, hints, now=now)
    if result.article is None or len(pages) == 1:
        return result
    return join_parts(result, [extract(html, url, hints, now=now) for url, html in pages[1:]])


def join_parts(result: ExtractResult, parts: list[ExtractResult]) -> ExtractResult:
    """The first page's extraction (``result``, changed in place) with the bodies of the later ``parts``
    joined on, as ``extract_pages`` describes.  The crawl extracts each part when it reads it (from the
    tree it parsed then, ``pipelines.page_reading``) and joins them here, so no part is parsed twice."""
    article = result.article
    if article is None or not parts:
        return result
    bodies = [(article.body or "").split("\n")]
    for i, part in enumerate(parts, start=2):
        result.ms += part.ms
        if part.article is None:
            result.notes.append(f"page {i} dropped: {part.drop_reason}")
            article.pages_incomplete = True
            continue
        bodies.append((part.article.body or "").split("\n"))
    furniture = set.intersection(*(set(b) for b in bodies)) if len(bodies) > 1 else set()
    kept_parts = ["\n".join(bodies[0])]
    for lines in bodies[1:]:
        kept = [ln for ln in lines if ln not in furniture]
        if kept:
            kept_parts.append("\n".join(kept))
    article.body = "\n".join(p for p in kept_parts if p)
    article.provenance["body"] = f"{result.method}+pages:{len(parts) + 1}"
    return result


def final_body(article: Article) -> str:
    """The body the crawl indexes: cleaning, language and attribution exactly as ``process.enrich_article``
    runs them (the page's declared language is a hint checked against detection, never taken as true)."""
    from pipelines.enrich import enrich

    return enrich(article).body or ""


def extract_text(html: str, url: str | None = None) -> str:
    """The final cleaned body (extraction + cleaning/attribution), '' for a dropped page."""
    result = extract(html, url)
    if result.article is None:
        return ""
    return final_body(result.article)
