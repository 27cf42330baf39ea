"""A learned model for credit and dateline spans: what the rules miss, taken by its shape.

The rules of ``pipelines/attribution.py`` know their vocabulary; a credit they have no rule or
gazetteer entry for ("Sumber | : | Give Me Sport |", "(theo English Russia)", "MPA - Korea ...",
a bare "HaberTürk" closing the story) is still recognisable by *where* a name stands and *how* it
is written.  ``candidates`` proposes name spans from the credit positions of a text:

* ``label``   the value after a credit label of any language ("Sumber:", "Kaynak:", "Nguồn", "来源")
* ``bracket`` a bracketed name in the lead or the last lines ("(Kiến Thức) -", "(theo Reuters)")
* ``head``    a name before a dash or bar at the start of a lead line ("MPA - ...", "زنقة 20 | ...")
* ``tail``    a name after a dash closing one of the last lines ("... anaknya. — Majoriti")
* ``short``   a short line of its own among the first or last lines ("HaberTürk", "Reuters")
* ``relay``   the name after a relay formula of any language ("dilansir dari Livemint")

and ``features`` describes each one (gazetteer kind, position, casing, punctuation around it, label
and photo words, whether it is the outlet's own name, whether the rules already read it).  Two
logistic models over those features - one for "a text source", one for "the publishing outlet of
the dateline" - are trained on the development part of the corpus by
``bench/train_credit_model.py`` and stored as data (``pipelines/patterns/credit_model.json``).
Applying them is pure: ``apply_credit_model`` adds the sources and the dateline outlet the rules
did not find.  The outlet's own name and photo credits never become text sources.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipelines import gazetteer, patterns
from pipelines.line_model import logistic, read_model_file
from pipelines.regex_guard import guarded
from pipelines.sentences import ends_sentence

MODEL_PATH = patterns.PATTERN_DIR / "credit_model.json"
LEAD_CHARS = 200  # the lead: the first characters of the text
TAIL_LINES = 3  # the foot: the last non-empty lines

_PHOTO_WORDS = re.compile(
    r"\b(?:foto|photos?|pic|gambar|ilustrasi|bild|imagen|image|фото|사진|写真|图|圖|ảnh|fotoğraf|grafik|video)\b",
    re.IGNORECASE,
)
_BYLINE_WORDS = re.compile(
    r"\b(?:penulis|editor|reporter|pewarta|wartawan|redaktur|oleh|by|von|par|por|автор|текст|기자|記者|"
    r"phóng viên|muhabir|yazar)\b",
    re.IGNORECASE,
)
_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?([\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,6})/?$")
_URL = re.compile(r"https?://(?:www\.)?([\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,6})\S*")
_DATE_BITS = re.compile(r"\d{1,4}[./-]\d{1,2}(?:[./-]\d{1,4})?|\d{1,2}:\d{2}|\b\d{1,2}\s*(?:日|月)|\d{4}年")
_BRACKET = re.compile(r"[(\[【「『（](?P<val>[^()\[\]【】「」『』（）\n]{2,40})[)\]】」』）]")
_HEAD = re.compile(r"^(?P<val>[^\s\-–—|:(][^–—|:\n]{0,38}?)(?:\s*(?:--|[–—|])|\s-)\s*(?=\S)")
_TAIL = re.compile(r"(?:^|[.!?\"”»)’]\s*|\s)(?:--|[-–—])\s*(?P<val>[^\s\-–—][^\-–—\n]{1,38}?)\s*\.?$")
_SPLIT = re.compile(r"\s*(?:,|、|;|/|→|\||&|\+|\s\bdan\b\s|\s\band\b\s|\s\bund\b\s|\s\bet\b\s|\s\bи\b\s)\s*")
_ORG_WORD = re.compile(r"^(?:theo|via|nguồn|laut|según|selon|dari|von|from)\s+",
                       re.IGNORECASE)
_LOWER_START = re.compile(r"^[a-z]")


@dataclass(frozen=True)
class Candidate:
    name: str  # the name as it would be credited
    kind: str  # label, bracket, head, tail, short, relay
    line: int  # index among the non-empty lines
    features: dict[str, float] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class CreditModel:
    """Two logistic models over candidate features: ``source`` and ``dateline``."""

    weights: dict[str, dict[str, float]]
    bias: dict[str, float]
    threshold: dict[str, float]

    def score(self, which: str, feats: dict[str, float]) -> float:
        return logistic(self.bias[which], self.weights[which], feats)


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> CreditModel | None:
    """The stored model, or None when there is none (then the rules' findings stand alone)."""
    data = read_model_file(path)
    if data is None:
        return None
    try:
        return CreditModel(
            {m: {str(k): float(v) for k, v in data["weights"][m].items()} for m in ("source", "dateline")},
            {m: float(data["bias"][m]) for m in ("source", "dateline")},
            {m: float(data["threshold"][m]) for m in ("source", "dateline")},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise patterns.PatternError(f"{path.name}: not a credit model ({exc!r})") from exc


@lru_cache(maxsize=1)
def _label_rx() -> re.Pattern[str]:
    """A credit label of any language at the start of a line, then ':', ';', '|' or a space."""
    labels = patterns.label_alternation("credit_labels") or r"(?!x)x"
    return re.compile(r"^\W{0,3}(?:" + labels + r")(?:\s*[:;：|]+[\s:;：|]*|\s+)(?P<val>\S.{0,118})$",
                      re.IGNORECASE)


@patterns.loaded_once
def _photo_label_rx() -> re.Pattern[str]:
    labels = patterns.label_alternation("photo_labels") or r"(?!x)x"
    return re.compile(r"(?:^|\W)(?:" + labels + r")\s*[:/|]", re.IGNORECASE)


@lru_cache(maxsize=1)
def _relay_rx() -> re.Pattern[str] | None:
    """Every "verb {source}" relay form of every language, and the Vietnamese "(theo X)"."""
    forms = []
    for form in patterns.merged("relay"):
        form = form.rstrip()
        if form.endswith("{source}"):
            forms.append(form[: -len("{source}")].rstrip())
    forms.append(r"\(\s*theo")
    verbs = "|".join(f"(?:{f})" for f in forms)
    return guarded(re.compile(r"(?:" + verbs + r")\s+(?P<val>[^\s,.;:()][^,;:()\n]{1,40})", re.IGNORECASE))


def _clean_name(raw: str) -> str:
    s = raw.strip().strip("\"'“”«»„{}|:;,. ").strip()
    if s.count("(") != s.count(")") or s.count("[") != s.count("]") or s[:1] in "([":
        s = s.strip("()[] ")
    s = _ORG_WORD.sub("", s)
    if "=" in s:  # Korean "(서울=연합뉴스)"
        s = s.split("=", 1)[1].strip()
    m = _DOMAIN.match(s)
    if m:
        return m.group(1)
    m = _URL.search(s)
    if m and len(s) > len(m.group(0)) - 2:
        return m.group(1)
    return s


def _casing(name: str) -> str:
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return "none"
    if not any(c.isupper() or c.islower() for c in letters):
        return "nocase"
    if all(c.isupper() for c in letters if c.isupper() or c.islower()):
        return "caps"
    words = name.split()
    if all(w[:1].isupper() or not w[:1].isalpha() for w in words):
        return "title"
    if name[:1].islower():
        return "lower"
    return "mixed"


def _bucket(name: str, value: float, edges: tuple[float, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return f"{name}<={edge:g}"
    return f"{name}>{edges[-1]:g}"


@dataclass
class Known:
    """What the rules found (features of the candidates)."""

    sources: frozenset[str] = frozenset()
    photos: frozenset[str] = frozenset()
    outlet: str | None = None
    boilerplate: frozenset[str] = frozenset()  # norm_key of the lines cleaning removed as furniture


def _line_features(line: str, rank: int, count: int, in_lead: bool, known: Known) -> dict[str, float]:
    """What every candidate of one line shares (computed once per line)."""
    f: dict[str, float] = {}
    pos = "first" if rank == 0 else "lead" if in_lead else "last" if rank >= count - TAIL_LINES else "mid"
    f["pos:" + pos] = 1.0
    if rank == count - 1:
        f["pos:final"] = 1.0
    lw = len(line.split())
    f[_bucket("line_words", lw, (1, 3, 6, 12, 30))] = 1.0
    if ends_sentence(line):
        f["line_sentence_end"] = 1.0
    if _PHOTO_WORDS.search(line):
        f["photo_word"] = 1.0
    if _photo_label_rx().search(line):
        f["photo_label"] = 1.0
    if lw <= 12 and _BYLINE_WORDS.search(line):  # a byline is short ("oleh" in a sentence is none)
        f["byline_word"] = 1.0
    if "©" in line or "ⓒ" in line or "copyright" in line.casefold():
        f["copyright"] = 1.0
    if known.outlet is None:
        f["no_outlet"] = 1.0
    if known.boilerplate and patterns.norm_key(line) in known.boilerplate:
        f["boilerplate_line"] = 1.0
    return f


def _features(name: str, kind: str, line_feats: dict[str, float], known: Known,
              extra: tuple[str, ...] = ()) -> dict[str, float]:
    f: dict[str, float] = dict(line_feats)
    f["bias_" + kind] = 1.0
    for k in line_feats:
        if k.startswith("pos:") and k != "pos:final":
            f[f"{k}&{kind}"] = 1.0
    src = gazetteer.lookup(name)
    gaz = src.kind if src else "none"
    f["gaz:" + gaz] = 1.0
    f[f"gaz:{gaz}&{kind}"] = 1.0
    casing = _casing(name)
    f["case:" + casing] = 1.0
    f[f"case:{casing}&{kind}"] = 1.0
    f[_bucket("words", len(name.split()), (1, 2, 3))] = 1.0
    f[_bucket("chars", len(name), (3, 6, 12, 24))] = 1.0
    if _DOMAIN.match(name):
        f["domain"] = 1.0
    if any(c.isdigit() for c in name):
        f["digit"] = 1.0
        if _DATE_BITS.search(name):
            f["datebits"] = 1.0
    if gazetteer.agency_marked(name):
        f["agency_marked"] = 1.0
    # "연합뉴스" is the rules' "Yonhap"
    key = patterns.norm_key(gazetteer.credited(name, src) if src else name)
    own = patterns.norm_key(known.outlet) if known.outlet else None
    if own and (key == own or key.split(".")[0] == own.split(".")[0]):
        f["own_outlet"] = 1.0
    if key in known.sources:
        f["rules_source"] = 1.0
    if key in known.photos:
        f["rules_photo"] = 1.0
    if _LOWER_START.match(name) and "." not in name:
        f["lower_word"] = 1.0
    for e in extra:
        f[e] = 1.0
    return f


def candidates(text: str, known: Known | None = None) -> list[Candidate]:
    """The name spans in credit positions of a text, with their features (see module doc)."""
    known = known or Known()
    lines = [s.strip() for s in text.split("\n")]
    live = [s for s in lines if s]
    count = len(live)
    out: dict[tuple[str, str], Candidate] = {}
    line_feats: dict[int, dict[str, float]] = {}
    chars = 0

    def add(raw: str, kind: str, r: int, in_lead: bool, extra: tuple[str, ...] = (),
            split: bool = True) -> None:
        parts = [raw]
        if split and _SPLIT.search(raw):
            # "dpa/bb", "Sputnik- RIA Novosti": the whole value when the gazetteer knows it as one name
            parts = [p for p in _SPLIT.split(raw) if p] + (["__whole__"] if gazetteer.lookup(raw) else [])
        n = len([p for p in parts if p != "__whole__"])
        for p in parts:
            name = _clean_name(raw if p == "__whole__" else p)
            if not name or len(name) > 40 or len(name.split()) > 5 or not any(c.isalpha() for c in name):
                continue
            ex = extra + (("list_item",) if n > 1 and p != "__whole__" else ())
            ex += ("list_whole",) if p == "__whole__" else ()
            k = (patterns.norm_key(name), kind)
            if k in out:
                continue
            if r not in line_feats:
                line_feats[r] = _line_features(live[r], r, count, in_lead, known)
            out[k] = Candidate(name, kind, r, _features(name, kind, line_feats[r], known, ex))

    label_rx, relay_rx = _label_rx(), _relay_rx()
    for r, line in enumerate(live):
        in_lead = chars < LEAD_CHARS
        chars += len(line) + 1
        in_tail = r >= count - TAIL_LINES
        m = label_rx.match(line)
        if m and len(line) <= 160:
            val = m.group("val")
            # "Bloomberg | Editor: ...", "Đại Đoàn Kết: http://..."
            val = re.split(r"\s+\|\s+(?=\w+\s*:)|\s+[|]\s*$|:\s*https?://", val)[0]
            add(val.strip(" |"), "label", r, in_lead)
        if in_lead or in_tail:
            for bm in _BRACKET.finditer(line if not in_lead else line[:LEAD_CHARS]):
                after = line[bm.end():bm.end() + 3]
                ex: tuple[str, ...] = ("dash_after",) if re.match(r"\s*(?:--|[-–—:.])", after) else ()
                ex += ("line_start",) if bm.start() == 0 else ()
                ex += ("line_end",) if not line[bm.end():].strip(" .") else ()
                ex += ("after_sentence",) if re.search(r"[.!?\"”»’]\s*$", line[:bm.start()]) else ()
                for val in _DATE_BITS.split(bm.group("val")):
                    if val.strip(" ,、.()"):
                        add(val, "bracket", r, in_lead, ex)
        if in_lead:
            hm = _HEAD.match(line)
            if hm:
                val = hm.group("val")
                add(val, "head", r, in_lead, split=False)
                if "," in val:
                    add(val.rsplit(",", 1)[1], "head", r, in_lead, ("after_comma",), split=False)
                if ". " in val:  # "Душанбе. 13 марта. «Азия-Плюс» — ..."
                    add(val.rsplit(". ", 1)[1], "head", r, in_lead, ("after_dot",), split=False)
        if in_tail and len(line) >= 20:
            tm = _TAIL.search(line)
            if tm:
                add(tm.group("val"), "tail", r, in_lead)
        if (in_lead and r <= 1 or in_tail) and len(line.split()) <= 4 and not ends_sentence(line):
            add(line, "short", r, in_lead, split="," in line)
        if relay_rx is not None and len(line) >= 20:
            for rm in relay_rx.finditer(line):
                val = rm.group("val")
                # the name: up to the first lowercase word after it (a bounded span of capitalised words)
                words: list[str] = []
                for w in val.split():
                    if words and (w[:1].islower() and "." not in w):
                        break
                    words.append(w)
                    if len(words) >= 4:
                        break
                add(" ".join(words), "relay", r, in_lead)
    return list(out.values())


def _accepted(model: CreditModel, which: str, cands: list[Candidate]) -> list[tuple[float, Candidate]]:
    got = [(model.score(which, c.features), c) for c in cands]
    return sorted([(s, c) for s, c in got if s >= model.threshold[which]], key=lambda sc: -sc[0])


# three characters or more: a two-letter word in capitals closing a page is a button ('XS SM MD LG'), a
# size or a code far more often than an unknown agency (the two-letter agencies - AP, AA - are known)
_CAPS_NAME = re.compile(r"[A-Z][A-Z0-9.&-]{2,11}")


def shape_credit(c: Candidate) -> bool:
    """An unknown agency by its shape alone: one word in capitals ("KNTX") closing the story - a
    sign-off after a dash or a bare last line - or the capitalised value of a
    credit label.  Photo lines, furniture and the outlet's own name are never taken."""
    f = c.features
    if not _CAPS_NAME.fullmatch(c.name) or gazetteer.lookup(c.name) is not None:
        return False
    if any(k in f for k in ("photo_word", "photo_label", "boilerplate_line", "own_outlet", "rules_photo",
                            "byline_word", "digit", "copyright", "list_item")):
        return False
    if c.kind == "label":
        return True
    # a bracketed "(ABC)" after the last sentence is left to the model: there it is often staff initials
    return "pos:final" in f and (c.kind == "tail" or (c.kind == "short" and "words<=1" in f))


def credited_name(name: str) -> str:
    """The credited spelling of a candidate (the gazetteer's canonical name when it knows it)."""
    src = gazetteer.lookup(name)
    return gazetteer.credited(name, src) if src else name


def predict(model: CreditModel | None, text: str, known: Known,
            cands: list[Candidate] | None = None) -> tuple[list[str], str | None]:
    """(sources the model adds, the dateline outlet it reads when the rules read none); ``cands``:
    the text's candidates when they are at hand already."""
    if model is None or not text:
        return [], None
    cands = candidates(text, known) if cands is None else cands
    if not cands:
        return [], None
    outlet = known.outlet
    if outlet is None:
        for _, c in _accepted(model, "dateline", cands):
            src = gazetteer.lookup(c.name)
            if src and src.kind != "outlet":
                continue  # an agency in a dateline is a source, never the outlet
            outlet = c.name
            break
    own = patterns.norm_key(outlet) if outlet else None
    added: list[str] = []
    seen = set(known.sources)
    sections = patterns.line_keys("section_labels")  # 'Kaynak: AA / Güncel': a site section is no source
    shaped = [c for c in cands if shape_credit(c)]
    for c in [c for _, c in _accepted(model, "source", cands)] + shaped:
        name = credited_name(c.name)
        key = patterns.norm_key(name)
        src = gazetteer.lookup(name)
        if key in seen or key in known.photos or key in sections or (src is not None and src.kind == "photo"):
            continue
        if src is None and gazetteer.is_place(name):
            continue  # a country or capital in a credit line says where, never who
        if any(key.split(".")[0] == k.split(".")[0] for k in seen):
            continue  # "Kontan" next to "Kontan.co.id": one name
        if own and (key == own or key.split(".")[0] == own.split(".")[0]):
            continue  # the outlet's own name is never a text source
        seen.add(key)
        added.append(name)
    return added, (outlet if known.outlet is None else None)


def norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", s).casefold().split())


def as_known(sources: list[str], photos: list[str], outlet: str | None,
             removed: list[dict[str, Any]]) -> Known:
    kinds = {"related", "related_block", "prompt", "chrome", "teaser"}
    return Known(frozenset(patterns.norm_key(s) for s in sources),
                 frozenset(patterns.norm_key(s) for s in photos), outlet,
                 frozenset(patterns.norm_key(s.get("text", "")) for s in removed if s.get("kind") in kinds))


def add_model_credits(model: CreditModel | None, text: str, attr: Any, removed: list[dict[str, Any]]) -> None:
    """Add what the model finds in ``text`` to an ``Attribution`` (sources, dateline outlet)."""
    if model is None:
        return
    known = as_known(attr.sources, attr.photo_credits, attr.dateline_outlet, removed)
    added, outlet = predict(model, text, known)
    if outlet:
        attr.dateline_outlet = outlet
        own = patterns.norm_key(outlet)
        attr.sources = [s for s in attr.sources if patterns.norm_key(s) != own]
    # a name the rules already credited under its code ('(ANT)' is ANTARA) is no second source
    taken = {patterns.norm_key(s) for s in attr.sources}
    added = [a for a in added if patterns.norm_key(gazetteer.code(a.casefold()) or a) not in taken]
    if added:
        attr.sources = list(attr.sources) + added
        attr.is_wire_copy = attr.is_wire_copy or any(
            (gazetteer.lookup(s) or patterns.Organisation(s, "outlet")).is_agency for s in added)
