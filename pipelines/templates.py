"""Learned per-source templates: the furniture a site repeats on article after article.

Every site has lines the generic rules (``pipelines/patterns``) do not know: its own promo line, a
footer, a hashtag block, a label prefix in front of a teaser headline (``Baca Selanjutnya: <a
headline>``), the title of another of its stories inserted as a teaser.  They are learned from the
source's own pages, in any language, without a pattern:

* ``learn(model, body, title, url)`` counts, once per article, each line of the raw extracted body
  and each short label prefix (the text before ``:``/``|``/``»`` opening a line), and remembers the
  article's title.  It is two steps: ``read_evidence`` reads the article's keys off its body (the
  costly part: the crawl's stage worker does it) and ``learn_evidence`` counts them into the model
  (cheap: the crawl's reactor does it).  The model is bounded: counts decay by half every
  ``DECAY_EVERY`` articles and the rarest entries are dropped beyond the size limits.
* ``compile_template(model)`` turns a model into a ``Template`` (frozen sets of keys): what an article
  of the source may lose.  Below ``MIN_DOCS`` learned articles it is empty (generic rules only).
* ``apply_template(template, text, title)`` removes, and reports with their kind, the lines of a
  cleaned body that recur in at least ``MIN_COUNT`` articles and ``MIN_SHARE`` of the source's
  recent articles (``template_line``), short lines opened by a recurring label prefix
  (``template_prefix``), and lines equal to the title of another article of the source
  (``teaser``).  Nothing learned removes a line seen in fewer than ``MIN_COUNT`` articles, so a line
  that occurs once - however much it looks like furniture - stays.

All functions are pure: the persistent per-source model (a file per source) is
``news_ingest/templates.py``; the crawl updates it as it indexes (``crawler/pipelines.py``) and hands
each stage worker the compiled ``Template`` as data.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from pipelines.clean import SANDWICHED_KIND
from pipelines.patterns import norm_key
from pipelines.sentences import sentence_count

FORMAT = 1
MIN_DOCS = 5  # a source with fewer learned articles gets the generic rules only
MIN_COUNT = 3  # a learned line must recur in at least this many articles...
MIN_SHARE = 0.2  # ...and in this share of the source's recent articles
MIN_VARIANTS = 2  # a label prefix must have opened different lines (a teaser label, not a constant)
DECAY_EVERY = 200  # every this many articles all counts halve: the model follows the site's redesigns
MAX_LINES = 3000  # size limits of a model (entries beyond them: the rarest go first)
MAX_PREFIXES = 400
MAX_TITLES = 1000
MAX_SEEN = 2000
TRIM_TO = 0.9  # a table past its limit is trimmed to this share of it (see _trim)
MAX_LINE_CHARS = 600  # longer lines are article paragraphs, never furniture worth a key
MAX_TEASER_CHARS = 200  # a label-prefixed line must be this short (a teaser headline, not a paragraph)

TEMPLATE_KINDS = frozenset({"template_line", "template_prefix", "teaser"})  # removed_segments kinds
# removed_segments kinds whose lines a revision hash counts as the page's (pipelines.process.fingerprint):
# what a template takes out, and a line clean.sandwiched_lines takes because the lines around it went - which
# of those went depends on how much the template has learned, so one page cleaned by a younger and an older
# template loses that line under another kind (or keeps it); counting it keeps the two one revision
REVISION_NEUTRAL_KINDS = TEMPLATE_KINDS | {SANDWICHED_KIND}
_PREFIX = re.compile(r"^\W{0,3}(?P<label>[^\W\d_][^:：|»\n]{1,38}?)\s*[:：|»]+\s*(?P<rest>\S.*)$")
_BULLET = re.compile(r"^[\s•·*>»\-–—]+")


@dataclass
class TemplateModel:
    """What one source's articles repeat.  ``lines``/``prefixes``: key -> [articles, last seen];
    ``prefix_variants``: key -> hashes of the distinct lines it opened (a few); ``titles``: key -> last seen;
    ``seen``: article id -> sequence number (an article re-crawled is not counted twice)."""

    docs: float = 0.0  # learned articles, decayed like the counts
    seq: int = 0  # articles learned in total
    lines: dict[str, list[float]] = field(default_factory=dict)
    prefixes: dict[str, list[float]] = field(default_factory=dict)
    prefix_variants: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, int] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "docs": self.docs, "seq": self.seq, "lines": self.lines,
                "prefixes": self.prefixes, "prefix_variants": self.prefix_variants,
                "titles": self.titles, "seen": self.seen}

    @classmethod
    def from_dict(cls, data: Any) -> TemplateModel:
        """A model from its stored form; ValueError if it is not one (callers start afresh)."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a template model of format {FORMAT}")
        try:
            return cls(
                docs=float(data["docs"]),
                seq=int(data["seq"]),
                lines={str(k): [float(v[0]), float(v[1])] for k, v in data["lines"].items()},
                prefixes={str(k): [float(v[0]), float(v[1])] for k, v in data["prefixes"].items()},
                prefix_variants={str(k): [str(h) for h in v] for k, v in data["prefix_variants"].items()},
                titles={str(k): int(v) for k, v in data["titles"].items()},
                seen={str(k): int(v) for k, v in data["seen"].items()},
            )
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise ValueError(f"malformed template model: {exc!r}") from exc


@dataclass(frozen=True)
class Template:
    """A compiled model: the keys an article of the source may lose (see ``apply_template``)."""

    lines: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.lines or self.prefixes or self.titles)


EMPTY = Template()


def line_key(line: str) -> str:
    """Comparison key of a line: NFKC, casefold, spaces collapsed, bullets and edge punctuation off."""
    return norm_key(_BULLET.sub("", line))


def _prefix(line: str) -> tuple[str, str] | None:
    """(label key, continuation) for a line opened by a short label: 'Baca Selanjutnya: <headline>'."""
    m = _PREFIX.match(line.strip())
    if not m or len(m.group("label").split()) > 5:
        return None
    return norm_key(m.group("label")), m.group("rest").strip()


def _article_id(url: str | None, title: str | None, body: str) -> str:
    basis = url or f"{title or ''}\n{body[:2000]}"
    return hashlib.sha1(basis.encode("utf-8", "replace")).hexdigest()[:16]


def _trim(table: dict[str, Any], limit: int) -> None:
    """Keep the ``limit`` largest entries (``[articles, last seen]``: the most frequent, then the most
    recent; for ``int`` values the most recent) once the table has passed ``limit``; the rest go.  Trims
    down to ``TRIM_TO`` of the limit, so the sort runs once per tenth of the table, not once per article
    (it was most of the crawl's reactor CPU: a 3,000-entry sort per learned page)."""
    if len(table) > limit:
        keep = max(1, int(limit * TRIM_TO))
        order = sorted(table, key=table.__getitem__, reverse=True)[:keep]  # values compare as (n, seq)
        kept = {k: table[k] for k in order}
        table.clear()
        table.update(kept)


_trim_recent = _trim  # titles, seen: id -> last seen (an int): the most recent stay


@dataclass(frozen=True)
class Evidence:
    """What one article teaches its source's model, read off its extracted body by ``read_evidence``:
    the costly part of learning (a key per line, a label match per line), done where the page is read
    (the crawl's stage worker, ``pipelines.process``), so that the crawl's reactor only counts it
    (``learn_evidence``).  Small and picklable: keys and digests, no body."""

    article_id: str
    lines: tuple[str, ...]  # the distinct line keys, in order of first appearance
    prefixes: tuple[tuple[str, str], ...]  # (label key, digest of the first line it opened), first seen first
    title: str = ""  # line_key(title), "" without one


def read_evidence(body: str | None, title: str | None = None, url: str | None = None) -> Evidence | None:
    """The article's evidence for its source's model; None for an empty body (it teaches nothing)."""
    body = body if isinstance(body, str) else ""
    if not body.strip():
        return None
    keys: dict[str, None] = {}
    prefixes: dict[str, str] = {}
    for raw in body.split("\n"):
        line = raw.strip()
        if not line or len(line) > MAX_LINE_CHARS:
            continue
        key = line_key(line)
        if key:
            keys[key] = None
        pre = _prefix(line)
        if pre and pre[0] not in prefixes:
            prefixes[pre[0]] = pre[1]
    return Evidence(
        article_id=_article_id(url, title, body), lines=tuple(keys),
        prefixes=tuple((k, hashlib.sha1(line_key(rest).encode("utf-8", "replace")).hexdigest()[:8])
                       for k, rest in prefixes.items()),
        title=line_key(title) if title else "")


def _copy(model: TemplateModel) -> TemplateModel:
    return TemplateModel(
        docs=model.docs, seq=model.seq, lines={k: list(v) for k, v in model.lines.items()},
        prefixes={k: list(v) for k, v in model.prefixes.items()},
        prefix_variants={k: list(v) for k, v in model.prefix_variants.items()},
        titles=dict(model.titles), seen=dict(model.seen))


def learn(model: TemplateModel | None, body: str | None, title: str | None = None,
          url: str | None = None, *, in_place: bool = False) -> TemplateModel:
    """A new model that has also seen this article (the given model is not changed), or with
    ``in_place`` the given model itself, updated: ``learn_evidence`` of ``read_evidence``."""
    return learn_evidence(model, read_evidence(body, title, url), in_place=in_place)


def learn_evidence(model: TemplateModel | None, evidence: Evidence | None, *,
                   in_place: bool = False) -> TemplateModel:
    """``learn`` from an article's evidence (``read_evidence``): counts only, no text is read (what the
    crawl's reactor does for every page; ``in_place``: no copy of the model's thousands of entries)."""
    old = model or TemplateModel()
    new = old if in_place else _copy(old)
    if evidence is None or evidence.article_id in new.seen:
        return new  # empty or re-crawled: nothing new to count
    new.seq += 1
    new.docs += 1
    seq = new.seq
    new.seen[evidence.article_id] = seq
    for key in evidence.lines:
        entry = new.lines.setdefault(key, [0.0, seq])
        entry[0] += 1
        entry[1] = seq
    for key, digest in evidence.prefixes:
        entry = new.prefixes.setdefault(key, [0.0, seq])
        entry[0] += 1
        entry[1] = seq
        variants = new.prefix_variants.setdefault(key, [])
        if digest not in variants and len(variants) < MIN_VARIANTS:
            variants.append(digest)
    if evidence.title:
        new.titles[evidence.title] = seq
    if seq % DECAY_EVERY == 0:  # halve every count: what the site stopped printing fades out
        new.docs /= 2
        for table in (new.lines, new.prefixes):
            for key in [k for k, v in table.items() if v[0] < 1]:
                del table[key]
            for v in table.values():
                v[0] /= 2
    _trim(new.lines, MAX_LINES)
    _trim(new.prefixes, MAX_PREFIXES)
    if len(new.prefix_variants) != len(new.prefixes):  # its keys are a superset: prefixes were dropped
        new.prefix_variants = {k: v for k, v in new.prefix_variants.items() if k in new.prefixes}
    _trim_recent(new.titles, MAX_TITLES)
    _trim_recent(new.seen, MAX_SEEN)
    return new


def _recurring(count: float, docs: float) -> bool:
    return count >= MIN_COUNT and count >= MIN_SHARE * docs


def compile_template(model: TemplateModel | None) -> Template:
    """What the source's articles may lose; empty until ``MIN_DOCS`` articles were learned."""
    if model is None or model.seq < MIN_DOCS:
        return EMPTY
    lines = frozenset(k for k, (n, _) in model.lines.items() if _recurring(n, model.docs))
    prefixes = frozenset(
        k for k, (n, _) in model.prefixes.items()
        if _recurring(n, model.docs) and len(model.prefix_variants.get(k, ())) >= MIN_VARIANTS
        and k not in lines  # a label alone on its line ("Baca juga:") is a line entry
    )
    return Template(lines=lines, prefixes=prefixes, titles=frozenset(model.titles))


def sizes(model: TemplateModel) -> tuple[int, int, int, int]:
    """(decays so far, entries per table): a learning after which the first changed or a table is
    smaller dropped entries (``dropped``), and its template must be compiled in full."""
    return model.seq // DECAY_EVERY, len(model.lines), len(model.prefixes), len(model.titles)


def dropped(before: tuple[int, int, int, int], after: tuple[int, int, int, int]) -> bool:
    return after[0] != before[0] or any(a < b for a, b in zip(after[1:], before[1:], strict=True))


def recompile(template: Template, model: TemplateModel, evidence: Evidence) -> Template:
    """``compile_template(model)`` once ``model`` learned ``evidence`` (``learn_evidence``) on top of what
    ``template`` was compiled from, without a pass over the model's thousands of entries: only the
    evidence's counts moved and the share threshold rose, so only the template's own keys and the
    evidence's can change.  The caller does a full ``compile_template`` when the learning dropped
    entries (a decay or a trim) or the model just reached ``MIN_DOCS``."""
    if model.seq < MIN_DOCS:
        return EMPTY
    if model.seq == MIN_DOCS:
        return compile_template(model)
    docs = model.docs
    lines = frozenset(k for k in (*template.lines, *evidence.lines)
                      if k in model.lines and _recurring(model.lines[k][0], docs))
    candidates = (*template.prefixes, *(k for k, _ in evidence.prefixes), *(template.lines - lines))
    prefixes = frozenset(
        k for k in candidates
        if k in model.prefixes and _recurring(model.prefixes[k][0], docs)
        and len(model.prefix_variants.get(k, ())) >= MIN_VARIANTS and k not in lines)
    titles = template.titles | {evidence.title} if evidence.title else template.titles
    return Template(lines=lines, prefixes=prefixes, titles=titles)


def _teaser_shaped(text: str) -> bool:
    """A headline: short, one sentence at most, not a closing sentence."""
    text = text.strip()
    if not 0 < len(text) <= MAX_TEASER_CHARS or text.endswith("."):
        return False
    return sentence_count(text) <= 1


def template_kind(template: Template | None, line: str, own_title_key: str = "") -> str | None:
    """What the source's template knows ``line`` as: "template_line" (a recurring line),
    "teaser" (another of the source's article titles; ``own_title_key`` is this article's
    ``line_key(title)``, never a teaser of itself), "template_prefix" (a recurring label and a
    headline) - or None."""
    if not template or not line:
        return None
    key = line_key(line)
    if key in template.lines:
        return "template_line"
    if key and key != own_title_key and key in template.titles and _teaser_shaped(line):
        return "teaser"
    pre = _prefix(line)
    if pre and pre[0] in template.prefixes and _teaser_shaped(pre[1]):
        return "template_prefix"
    return None


def apply_template(template: Template | None, text: str,
                   title: str | None = None) -> tuple[str, list[dict[str, str]]]:
    """(body without the learned furniture, removed segments {"kind", "text"})."""
    if not template or not text:
        return text, []
    own = line_key(title) if title else ""
    removed: list[dict[str, str]] = []
    kept: list[str] = []
    for line in text.split("\n"):
        s = line.strip()
        kind = template_kind(template, s, own) if s else None
        if kind:
            removed.append({"kind": kind, "text": s})
        elif s or (kept and kept[-1]):
            kept.append(s)
    return "\n".join(kept).strip(), removed
