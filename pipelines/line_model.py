"""A small learned line classifier for the page furniture the rules leave in a body.

After cleaning and attribution have removed what their rules know, what remains of the furniture
is recognisable by *structure* more than by words: where a line stands (above the story's first
paragraph, after its last, inside a run of short lines), its shape (short, no closing punctuation,
a short label and a colon, separators, hashtags, counters, all capitals, headline case, a line of
handles or addresses only, a bracketed label before a headline, the title printed again, a
subheading sharing words with the paragraph under it, a headline over another), its script
against the body's, and its vocabulary of page UI (``ui_words`` of the pattern files: share, follow,
comment, log in, newsletter, ... in each language).  ``features`` turns a line in its body into
named features; the model is logistic regression over them, trained on the development part of
the evaluation corpus (``bench/train_line_model.py``) and stored as data
(``pipelines/patterns/line_model.json``: weights, bias, threshold).  Applying it is pure and costs
one pass over the body's lines.

Removal is conservative: the threshold is chosen on the training data so that no line that must
stay is lost, running text (paragraphs, sentences of a dozen words) is never a candidate, and a
line is only scored when it is short.  A removed line is reported with kind ``learned_furniture``.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipelines import patterns
from pipelines.clean import is_date_line, is_headline_like, is_paragraph
from pipelines.sentences import ends_sentence, ends_wrapped_sentence, sentence_count, stops_open

MODEL_PATH = patterns.PATTERN_DIR / "line_model.json"
KIND = "learned_furniture"
MAX_CHARS = 200  # longer lines are never candidates

_LABEL = re.compile(r"^\W{0,3}(?P<label>[^:：|\n]{1,32}?)\s*[:：]\s*(?P<rest>.*)$")
_DOMAIN = re.compile(patterns.URL_IN_TEXT
                     + r"|\b[\w-]+\.(?:com|net|org|id|my|co|info|news|tv|ru|de|fr|jp|kr|vn)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_BULLET = re.compile(r"^[•·*▪►◦‣»>\-–—|]")
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
# a count and the thing counted, nothing else: "37 Gedeeld", "0 comments:", "83个", "1639 читали", "56,945"
_COUNTER = re.compile(r"^\W{0,2}(?:[^\W\d_]+\s+){0,2}\d[\d.,\s]*\s*[^\W\d_]{0,12}"
                      r"(?:\s+[^\W\d_]{1,12})?\W{0,2}$")
# a transcript's speaker label: one bracketed word ("[앵커]", "[기자]", "(Reporter)")
_SPEAKER = re.compile(r"^[(\[【][^\W\d_]{1,10}[)\]】]$")
# a Japanese story's section mark in full-width angle brackets over its part: "＜震度5弱＞" / "＜震度4＞" over
# the places of each seismic intensity, "＜解説＞"
_SECTION_MARK = re.compile(r"^[＜〈][^＜＞〈〉\s]{1,12}[＞〉]$")
# a line of handles, hashtags and addresses only
_HANDLE_ONLY = re.compile(r"^(?:\s*(?:[@#][\w.]+|" + patterns.URL_IN_TEXT + r")[\s,;|·•]*)+$", re.IGNORECASE)
# a bracketed label before a headline: "【写真】<headline>", "[FOTO] <headline>", "(VIDEO) <headline>"
_TABLE_ROW = re.compile(r"^\|[^|\n]*\|[^|\n]*\|")  # two cells or more between pipes, from the line's start
_HANDLE = re.compile(r"@[^\W_]")  # the '@' of a handle or a mail address, not 'at' written as '@'
_LABEL_PREFIX = re.compile(r"^\s*[\[【(〔［][^\]】)〕］]{1,12}[\]】)〕］]\s*\S")


# each script's code point ranges, in the order a tie between two scripts is decided
_SCRIPT_RANGES = (
    ("latin", ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F))),
    ("cyrillic", ((0x400, 0x52F),)),
    ("arabic", ((0x600, 0x6FF), (0x750, 0x77F))),
    ("hangul", ((0xAC00, 0xD7AF), (0x1100, 0x11FF))),
    ("kana", ((0x3040, 0x30FF),)),
    ("han", ((0x3400, 0x9FFF),)),
)
_MARK = 0xE000  # private-use code points stand for the scripts while their letters are counted


@patterns.loaded_once
def _script_table() -> dict[int, int | None]:
    """str.translate table: every letter of a script -> that script's mark (one pass counts all six
    scripts; six regex scans listing every match cost twice as much)."""
    table: dict[int, int | None] = {}
    for k, (_, ranges) in enumerate(_SCRIPT_RANGES):
        for lo, hi in ranges:
            table.update(dict.fromkeys(range(lo, hi + 1), _MARK + k))
    for k in range(len(_SCRIPT_RANGES)):
        table[_MARK + k] = None  # a private-use character of the text itself is no script's letter
    return table


def _script(text: str) -> str:
    """The dominant script of a text (its first 3000 characters): latin, cyrillic, arabic, hangul,
    kana (Japanese: mostly kanji with some kana), han, or none."""
    marked = text[:3000].translate(_script_table())
    counts = {name: marked.count(chr(_MARK + k)) for k, (name, _) in enumerate(_SCRIPT_RANGES)}
    top = max(counts, key=counts.__getitem__)
    if not counts[top]:
        return "none"
    if top == "han" and counts["kana"]:
        return "kana"
    return top


@patterns.per_scope
def _ui_words(lang: str | None) -> tuple[frozenset[str], tuple[str, ...]]:
    """(single UI words, multi-word UI phrases) of a scope, casefolded."""
    words, phrases = set(), []
    for item in patterns.merged("ui_words", patterns.scope_key(lang)):
        key = unicodedata.normalize("NFKC", item).casefold().strip()
        if not key:
            continue
        if " " in key or _CJK.search(key):
            phrases.append(key)
        else:
            words.add(key)
    return frozenset(words), tuple(sorted(set(phrases), key=len, reverse=True))


def _ui_hits(line: str, lang: str | None) -> tuple[int, int]:
    """(page-UI words and phrases of the language in the line, the line's words)."""
    ui, phrases = _ui_words(lang)
    low = unicodedata.normalize("NFKC", line).casefold()
    toks = _WORD.findall(low)
    return sum(1 for t in toks if t in ui) + sum(1 for p in phrases if p in low), len(toks)


def ui_word_hits(line: str, lang: str | None) -> int:
    """How many page-UI words and phrases of the language (``ui_words``: share, follow, home, log
    in, ...) the line holds."""
    return _ui_hits(line, lang)[0]


@dataclass(frozen=True)
class LineModel:
    weights: dict[str, float]
    bias: float
    threshold: float

    def score(self, feats: dict[str, float]) -> float:
        return logistic(self.bias, self.weights, feats)


def logistic(bias: float, weights: dict[str, float], feats: dict[str, float]) -> float:
    """A logistic model's probability for ``feats`` (the learned models here: lines, credits)."""
    z = bias + sum(weights.get(k, 0.0) * v for k, v in feats.items())
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


def read_model_file(path: Path) -> Any:
    """A stored model's JSON, None when there is none; malformed JSON is a PatternError naming the file."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise patterns.PatternError(f"{path.name}: {exc}") from exc


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> LineModel | None:
    """The stored model, or None when there is none (then nothing is removed)."""
    data = read_model_file(path)
    if data is None:
        return None
    try:
        return LineModel({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]),
                         float(data["threshold"]))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise patterns.PatternError(f"{path.name}: not a line model ({exc!r})") from exc


def _bucket(name: str, value: float, edges: tuple[float, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return f"{name}<={edge:g}"
    return f"{name}>{edges[-1]:g}"


def _is_candidate(line: str) -> bool:
    """Short lines only, and no prose: a paragraph, or two sentences however short, stays; so does a
    transcript's speaker label ("[앵커]", "[기자]": the story's, as in attribution's edge rules) and a
    section mark in full-width angle brackets ("＜震度5弱＞")."""
    return (bool(line) and len(line) <= MAX_CHARS and not is_paragraph(line)
            and sentence_count(line, cjk=True) < 2 and not _SPEAKER.match(line)
            and not _SECTION_MARK.match(line))


@dataclass
class Context:
    """What ``features`` needs to know about the whole body, computed once per body."""

    lines: list[str]
    paras: list[int]
    is_para: list[bool]
    script: str
    keys: Counter[str]
    title_key: str = ""

    @classmethod
    def of(cls, lines: list[str], paras: list[int] | None = None, script: str | None = None) -> Context:
        is_para = [is_paragraph(ln) for ln in lines]
        paras = [k for k, p in enumerate(is_para) if p] if paras is None else paras
        if script is None:
            script = _script(" ".join(lines[k] for k in paras) or " ".join(lines))
        return cls(lines, paras, is_para, script, Counter(patterns.norm_key(ln) for ln in lines),
                   patterns.norm_key(lines[0]) if lines else "")


def features(lines: list[str], i: int, lang: str | None = None, body_script: str | None = None,
             paras: list[int] | None = None, ctx: Context | None = None) -> dict[str, float]:
    """Named features of ``lines[i]`` (the non-empty lines of a body) in its context."""
    ctx = ctx or Context.of(lines, paras, body_script)
    line = lines[i]
    n = len(lines)
    paras, body_script, is_para = ctx.paras, ctx.script, ctx.is_para
    f: dict[str, float] = {}
    first, last = (paras[0], paras[-1]) if paras else (n, -1)
    if i < first:
        f["pos:above"] = 1.0
        f[_bucket("pos:above_dist", first - i, (1, 2, 4))] = 1.0
    elif i > last:
        f["pos:below"] = 1.0
        f[_bucket("pos:below_dist", i - last, (1, 2, 4))] = 1.0
    else:
        f["pos:inside"] = 1.0
    if i == 0:
        f["pos:first"] = 1.0
    if i == n - 1:
        f["pos:last"] = 1.0
    if not paras:
        f["pos:no_paragraph"] = 1.0
    # the run of short non-paragraph lines this line belongs to
    a = i
    while a > 0 and not is_para[a - 1] and i - a < 9:
        a -= 1
    b = i
    while b + 1 < n and not is_para[b + 1] and b - i < 9:
        b += 1
    f[_bucket("run", b - a + 1, (1, 2, 4, 8))] = 1.0
    prev_para = i > 0 and is_para[i - 1]
    next_para = i + 1 < n and is_para[i + 1]
    if prev_para and next_para:
        f["ctx:between_paragraphs"] = 1.0
    elif next_para:
        f["ctx:before_paragraph"] = 1.0
    elif prev_para:
        f["ctx:after_paragraph"] = 1.0

    # a hard-wrapped or link-split sentence goes on from the line before (or into the next one)
    prev = lines[i - 1] if i > 0 else ""
    nxt = lines[i + 1] if i + 1 < n else ""
    if line[:1].islower() and prev and not ends_sentence(prev):
        f["wrap:continues"] = 1.0
    if nxt[:1].islower() and not ends_sentence(line) and not line.endswith((":", "：", "|")):
        f["wrap:goes_on"] = 1.0
    if line.endswith(("...", "…")):
        f["shape:ellipsis"] = 1.0

    words = line.split()
    letters = [c for c in line if c.isalpha()]
    f[_bucket("chars", len(line), (8, 20, 40, 80, 140))] = 1.0
    f[_bucket("words", len(words), (1, 2, 4, 8, 14))] = 1.0
    cjk = bool(_CJK.search(line))
    if cjk:
        f["shape:cjk"] = 1.0
    if ends_sentence(line):
        f["shape:sentence_end"] = 1.0
    if sentence_count(line, cjk=True) >= 2:
        f["shape:two_sentences"] = 1.0
    if line.endswith((":", "：")):
        f["shape:ends_colon"] = 1.0
    if line.endswith(("|", "»", ">", "-", "–", "—", "/")):
        f["shape:ends_separator"] = 1.0
    if _TABLE_ROW.match(line):
        f["shape:table_row"] = 1.0  # a table's row as the extractor writes it: '| 33 | Quin Houff | 77 |'
    if _BULLET.match(line):
        f["shape:bullet"] = 1.0
    if line[:1] in "\"“„«'‘「『":
        f["shape:quote_start"] = 1.0
    if line[:1] in "([【" and line[-1:] in ")]】":
        f["shape:bracketed"] = 1.0
    tags = line.count("#")
    if tags:
        f["shape:hashtag"] = 1.0
        if tags >= 2:
            f["shape:hashtags"] = 1.0
    if "@" in line:
        f["shape:at"] = 1.0
        if _HANDLE.search(line):
            f["shape:handle"] = 1.0  # a handle or an address ('@bernamaofficial'), not 'VA @ Veterans Hall'
    if _DOMAIN.search(line):
        f["shape:url"] = 1.0
    seps = len(re.findall(r"\s[|•·»/]\s|\s>\s", line))
    if seps:
        f[_bucket("shape:separators", seps, (1, 2))] = 1.0
    m = _LABEL.match(line)
    if m and len(m.group("label").split()) <= 4:
        rest = m.group("rest").strip()
        f["label:colon"] = 1.0
        if not rest:
            f["label:empty"] = 1.0
        elif is_headline_like(rest, 180) and not ends_sentence(rest):
            f["label:headline"] = 1.0
        elif len(rest.split()) <= 4:
            f["label:short_value"] = 1.0
    if letters:
        upper = sum(c.isupper() for c in letters) / len(letters)
        if upper >= 0.8 and len(letters) >= 3:
            f["case:all_caps"] = 1.0
        latin = [w for w in words if _WORD.fullmatch(w.strip(".,:;!?\"'()")) and w[:1].isalpha()]
        if len(latin) >= 3 and not cjk:
            cap = sum(w[:1].isupper() for w in latin) / len(latin)
            if cap >= 0.7:
                f["case:title"] = 1.0
            elif cap <= 0.2:
                f["case:lower"] = 1.0
    digits = sum(c.isdigit() for c in line)
    if digits:
        f[_bucket("digits", digits / max(1, len(line.replace(" ", ""))), (0.1, 0.3, 0.6))] = 1.0
    if _TIME.search(line):
        f["shape:date_or_time"] = 1.0
    if is_date_line(line):
        f["shape:date_widget"] = 1.0
    if not letters:
        f["shape:no_letters"] = 1.0
    if digits and len(words) <= 4 and _COUNTER.match(line):
        f["shape:counter"] = 1.0
    if _HANDLE_ONLY.match(line):
        f["shape:handles_only"] = 1.0
    if _LABEL_PREFIX.match(line) and not line.rstrip().endswith(("]", "】", ")", "〕", "］")):
        f["shape:label_prefix"] = 1.0
    script = _script(line)
    if script not in ("none", body_script) and not (script == "han" and body_script == "kana"):
        f["script:other"] = 1.0
    key = patterns.norm_key(line)
    if key and ctx.keys[key] > 1:
        f["repeat:in_body"] = 1.0
    if i and key and key == ctx.title_key:
        f["repeat:title"] = 1.0  # the story's title printed again further down
    if next_para and heads_paragraph(line, lines[i + 1]):
        f["ctx:heads_paragraph"] = 1.0  # a subheading about the paragraph under it
    if not next_para and "pos:inside" in f and is_headline_like(line) and not ends_sentence(line):
        nxt_line = lines[i + 1] if i + 1 < n else ""
        if nxt_line and is_headline_like(nxt_line) and not ends_sentence(nxt_line):
            f["x:headline_run"] = 1.0  # a headline over another headline: a block of teasers
    # page-UI vocabulary of the language
    hits, toks = _ui_hits(line, lang)
    if hits:
        f["ui:hit"] = 1.0
        share = hits / max(1, toks)
        f[_bucket("ui:share", share, (0.25, 0.5))] = 1.0
        if hits >= 2:
            f["ui:hits2"] = 1.0
    # interactions the linear model cannot form itself
    edge = "pos:above" in f or "pos:below" in f
    if edge and "shape:sentence_end" not in f:
        f["x:edge_unpunctuated"] = 1.0
    if edge and hits:
        f["x:edge_ui"] = 1.0
    if "pos:inside" in f and "label:headline" in f:
        f["x:inside_label_headline"] = 1.0
    if "pos:below" in f and "case:title" in f:
        f["x:below_title_case"] = 1.0
    return f


_WORD_EDGES = "\"'“”‘’«»()[]{}.,:;!?…-–—"


def _words(text: str) -> set[str]:
    out = set()
    for w in text.split():
        w = w.strip(_WORD_EDGES).casefold()
        if len(w) >= 3 and any(c.isalpha() for c in w):
            out.add(w)
    return out


def heads_paragraph(head: str, paragraph: str) -> bool:
    """A subheading over the paragraph it introduces: two or more of its words (three characters or
    more, as written between spaces: "WordPress.com" is one) come back in that paragraph ("Tin Biển
    Đông" over a paragraph on the Biển Đông).  A section name or a button text is no summary of the
    paragraph under it; one shared word ("WordPress.com Logo" over "… your WordPress.com account")
    is chance.  The one test for the line model's feature and the cleaning's edge rule."""
    words = _words(head)
    if len(words) < 2:
        return False
    shared: set[str] = set()
    for w in paragraph.split():  # the paragraph's words read until two of the head's came back
        if (w := w.strip(_WORD_EDGES).casefold()) in words:  # (each of them passes _words' test)
            shared.add(w)
            if len(shared) >= 2:
                return True
    return False


_RUNS_ON = (",", "，", "、", ";", "；", "(", "（", "[")


def _runs_on(lines: list[str], i: int) -> bool:
    """The line is part of a sentence: it ends in a comma or semicolon (a verse's or list's line)
    or an opening bracket (a sentence split at a link: 'Kepolisian Republik Indonesia (' / 'Polri'),
    or the running text right before it stops without a sentence end (a sentence split at a link:
    "... kata Kepala" / "BPOM" / "..."), or it is the tail of a hard-wrapped sentence: it opens in
    lower case and closes the sentence, under a line of six words or more that stops without a
    sentence end ("... looking absolutely stunning in new" / "make-up photos.":
    ``pipelines.sentences.ends_wrapped_sentence``)."""
    if lines[i].endswith(_RUNS_ON):
        return True
    prev = lines[i - 1] if i else ""
    if not stops_open(prev):
        return False
    if ends_wrapped_sentence(prev, lines[i]):
        return True
    return len(prev.split()) >= 12 and is_paragraph(prev)


def candidates(lines: list[str]) -> list[int]:
    return [i for i, ln in enumerate(lines) if _is_candidate(ln) and not _runs_on(lines, i)]


# what marks a line as the page's rather than the story's by itself: a UI word, a line of handles, tags or
# addresses, a count, a date widget, another script than the body's, a label with nothing after it, the
# title printed again, a trailing separator
FURNITURE_MARKS = frozenset({
    "ui:hit", "shape:handles_only", "shape:hashtag", "shape:url", "shape:handle", "shape:counter",
    "shape:date_widget", "script:other", "label:empty", "repeat:title", "shape:ends_separator",
})


def furniture_shaped(feats: dict[str, float]) -> bool:
    """The evidence a line needs besides its score: a furniture mark (``FURNITURE_MARKS``), or, for a
    line in CJK script above the story's first paragraph, its place alone (a menu over the story: text
    without spaces or letter case shows no other shape).  A line with neither - a list's item, a
    schedule's or a poll's row, a product's name, a title or a heading over the story in a cased
    script - reads like furniture to the model on pages it was not trained on, and stays (on the dev
    texts it learned from, the model's unmarked lines above the story were CJK menus, 56, and one
    word of a Latin sentence split at a link).  In a cased script one UI word among more than three others
    is chance, no mark ("Clique no link para ver o Calendário completo ...", "- Your email list will begin to
    grow"); CJK text runs its words together, so there one hit is one.  A table's row ends with its pipe,
    not with a separator trailing off a menu; and between the story's paragraphs a label with nothing after
    it is the story's heading over what follows (on the AEB, news and dev texts every one the model scored
    there was)."""
    marks = FURNITURE_MARKS.intersection(feats)
    if "shape:table_row" in feats:
        marks -= {"shape:ends_separator"}  # a table row's closing pipe is no trailing separator
    if "pos:inside" in feats:
        marks -= {"label:empty"}  # 'Think about it:', 'Список запрещенных продуктов:' over the story's list
    if marks == {"ui:hit"} and "ui:share<=0.25" in feats and "shape:cjk" not in feats:
        marks = frozenset()
    return bool(marks) or ("pos:above" in feats and "shape:cjk" in feats)


_LIST_BULLET = re.compile(r"^([-–•*▪►]) ")
LIST_MIN_ITEMS = 3


def _kept_list_items(live: list[str], ctx: Context, drop: set[int]) -> set[int]:
    """Items of a list of the story the model would take while keeping others of the same list: a run of
    ``LIST_MIN_ITEMS`` or more lines opening with the same bullet after the story's first paragraph
    ("- капуста" / "- кабачок" / "- сметана (...) и ряд других продуктов."; a poll's counts after its last,
    "- %165 голосов" / "- %61 голос") is the story's list, whole; a short item reads like furniture to the
    model, its neighbours do not."""
    first, end = ctx.paras[0], len(live)
    keep: set[int] = set()
    i = first + 1
    while i < end:
        m = _LIST_BULLET.match(live[i])
        if not m:
            i += 1
            continue
        j = i
        while j + 1 < end and (n := _LIST_BULLET.match(live[j + 1])) and n.group(1) == m.group(1):
            j += 1
        run = set(range(i, j + 1))
        if len(run) >= LIST_MIN_ITEMS and run & drop and run - drop:
            keep |= run & drop
        i = j + 1
    return keep


def apply_line_model(model: LineModel | None, body: str,
                     lang: str | None = None) -> tuple[str, list[dict[str, str]]]:
    """(body without the lines the model takes for furniture, their removed segments)."""
    if model is None or not body:
        return body, []
    lines = [ln.strip() for ln in body.split("\n")]
    live = [ln for ln in lines if ln]
    if len(live) < 2:
        return body, []
    ctx = Context.of(live)
    if not ctx.paras:
        return body, []  # nothing to tell the story from its furniture by
    drop = set()
    for i in candidates(live):
        feats = features(live, i, lang, ctx=ctx)
        if model.score(feats) >= model.threshold and furniture_shaped(feats):
            drop.add(i)
    drop -= _kept_list_items(live, ctx, drop)
    if not drop:
        return body, []
    removed: list[dict[str, str]] = []
    kept: list[str] = []
    k = 0
    for ln in lines:
        if not ln:
            if kept and kept[-1]:
                kept.append("")
            continue
        if k in drop:
            removed.append({"kind": KIND, "text": ln})
        else:
            kept.append(ln)
        k += 1
    return "\n".join(kept).strip(), removed
