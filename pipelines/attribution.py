"""Source attribution: who the article's content is credited to.

Only explicit credit constructions count (the labelling rules of the attribution benchmark):
credit lines ("SUMBER: ASHARQ AL-AWSAT, AFP"), agency datelines ("Jakarta (ANTARA) -"), end tags
("... pihak. – Bernama", "(ant)", a bare "dpa" line), per-article copyright lines, bylines naming an
outlet, republication notes and relay formulas ("seperti dilansir Reuters").  An agency merely
named in a sentence ("kantor berita resmi Korea Utara KCNA mengatakan") is a mention, not a source.
Photo credits are kept apart.  Credit lines leave the body; credits inside a body sentence (relay
formulas, end tags) leave only their tag.

The code is a small engine over a table of rules (``RULES``).  Each rule is a short function of
one line in its context (``Line``: the text, its position in the article - first lines, lead,
foot, last lines -, the language) that returns a ``Hit`` (what the line credits and what becomes
of it) or None.  The vocabulary every rule uses - labels, stamp and byline shapes, relay verbs with
a ``{source}`` slot, sign-off forms - is pattern data (``pipelines/patterns/<lang>.yaml``), and
names are resolved through the gazetteer (``pipelines/gazetteer.py``): a new language or relay
verb is a data change.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from pipelines import gazetteer, patterns
from pipelines.clean import (
    bracketed_org,
    dateline_org,
    is_date_line,
    is_headline_like,
    is_name_list,
    is_paragraph,
    is_title_cased,
    match_dateline,
    normalize_text,
    scope_lang,
)
from pipelines.line_model import heads_paragraph, ui_word_hits
from pipelines.regex_guard import guarded, mark_test, requires_one_of
from pipelines.sentences import ends_clause, sentence_count

_YEARS = re.compile(r"\b(?:19|20)\d{2}\b(?:\s*[-–]\s*(?:19|20)?\d{2,4})?")
_TAIL_OK = re.compile(r"^[\s)\].]*$")
_CODED = re.compile(r"\(\s*(?P<codes>[a-z]{2,8}(?:\s*/\s*[a-z0-9]{1,8}){0,3})\s*\)\s*\.?\s*$", re.IGNORECASE)
_ORG_CODE = re.compile(r"\((?P<tag>[\w.-]{2,24}(?:/[\w.-]{1,24}){1,3})\)\s*\.?\s*$")
_WRITER_TAG = re.compile(r"^\(\s*(?P<org>[\w-]+(?:\.[A-Za-z]{2,6}){1,2})\s*[/,]\s*(?P<who>[^()]{2,60})\)\.?$")
_SLASH_FRAG = re.compile(
    r"[(\[]\s*(?:©\s*)?\(?\s*(?P<val>[^()\[\]\n]{1,80}/[^()\[\]\n]{1,80}?)\s*\)?\s*[)\]]"
)
_BARE_URL = re.compile(patterns.URL_IN_TEXT, re.IGNORECASE)
_KO_NEWS = re.compile(r"\s*뉴스$")
_SLOT = "{source}"


@dataclass
class Attribution:
    sources: list[str] = field(default_factory=list)
    attribution_text: list[str] = field(default_factory=list)  # the raw crediting lines / fragments
    photo_credits: list[str] = field(default_factory=list)
    dateline_outlet: str | None = None
    is_wire_copy: bool = False
    body: str = ""
    removed_segments: list[dict[str, str]] = field(default_factory=list)
    attribution_lines: list[str] = field(default_factory=list)  # whole input lines that carried credits


# --- the typed context a rule sees ------------------------------------------------------------------


@dataclass
class Line:
    """One content line and where it sits in the article."""

    index: int  # position in the body's lines
    text: str  # current text (a rule may cut a credit off it)
    original: str  # the line as it came in
    rank: int  # position among the non-empty lines, 0-based
    count: int  # number of non-empty lines
    lang: str | None  # the pattern scope (None: every language file)
    first: bool = False  # the first non-empty line
    story_start: int = 0  # rank of the story's first paragraph (running text)
    story_end: int = -1  # rank of its last paragraph (-1: none)
    prev: str = ""  # the previous non-empty line as it came in ("" for the first)

    @property
    def head(self) -> bool:  # header stamps sit in the first four lines
        return self.rank < 4

    @property
    def lead(self) -> bool:  # lead credits ("Dari Kompas.com") in the first three
        return self.rank < 3

    @property
    def foot(self) -> bool:  # the second half: bare agency lines, sign-offs
        return self.rank >= self.count // 2

    @property
    def last(self) -> bool:
        """The closing credit's place ("— <outlet>"): the last three lines, or the story's last
        paragraph and what follows it (a follow block or a comment form may come after)."""
        return self.rank >= self.count - 3 or (self.story_end >= 0 and self.rank >= self.story_end)

    @property
    def before_story(self) -> bool:  # above the first paragraph: titles, stamps, the lead picture
        return self.rank < self.story_start


@dataclass
class Hit:
    """What a rule found on a line and what becomes of the line."""

    sources: list[str] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    outlet: str | None = None  # the publishing outlet (a header stamp)
    drop: bool = False  # the whole line leaves the body
    rest: str | None = None  # the line's text once the credit is cut off it
    kind: str | None = "attribution"  # removed_segments kind of a dropped line (None: not recorded)
    credit: bool = True  # a text-credit line (recorded in attribution_text / attribution_lines)
    end: bool = False  # the article's closing credit: short headlines after it are boilerplate


def _same_outlet(key: str, own: str | None) -> bool:
    """Two norm_keys name one outlet: equal, or a bare brand and its domain ('okezone', 'okezone.com')."""
    if not own:
        return False
    return key == own or _Names._stem(key) == own or key == _Names._stem(own)


class _Names:
    """An ordered set of names compared like the scorer does (NFKC + casefold); a bare brand and
    its domain ("Kontan", "Kontan.co.id") are one name, kept as the domain."""

    def __init__(self) -> None:
        self.items: list[str] = []

    @staticmethod
    def _stem(key: str) -> str:
        return key.split(".")[0] if gazetteer.DOMAIN.fullmatch(key) else key

    def add(self, name: str | None) -> None:
        key = patterns.norm_key(name) if name else ""
        if not key:
            return
        for i, old in enumerate(self.items):
            okey = patterns.norm_key(old)
            if okey == key:
                return
            if self._stem(okey) == self._stem(key) and (okey == self._stem(okey)) != (key == self._stem(key)):
                if key != self._stem(key):  # the new one is the domain: it wins
                    self.items[i] = name  # type: ignore[assignment]
                return
        self.items.append(name)  # type: ignore[arg-type]


@dataclass
class Findings:
    """What the rules found so far (rules read ``dateline_outlet`` and ``dateline``)."""

    dateline: str | None = None
    dateline_outlet: str | None = None
    sources: _Names = field(default_factory=_Names)
    photos: _Names = field(default_factory=_Names)
    attribution_text: list[str] = field(default_factory=list)
    attribution_lines: list[str] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    end_marker: int = -1
    captions: frozenset[str] = frozenset()  # lines that are a picture's caption (see marked_captions)

    def record(self, line: Line, hit: Hit) -> None:
        for name in hit.sources:
            self.sources.add(name)
        for name in hit.photos:
            self.photos.add(name)
        if hit.outlet and self.dateline_outlet is None:
            self.dateline_outlet = hit.outlet
        if hit.credit:
            self.attribution_text.append(line.text)
            if line.original not in self.attribution_lines:
                self.attribution_lines.append(line.original)
        if hit.drop:
            if hit.kind:
                self.removed.append({"kind": hit.kind, "text": line.text})
        elif hit.rest is not None:
            line.text = hit.rest
        if hit.end:
            self.end_marker = max(self.end_marker, line.index)


# --- vocabulary compiled from the pattern files --------------------------------------------------------


# where a photo label closing a caption starts: after a sentence's end, before a bracket, after a dash
_AFTER_SPACE = r"(?<=[.!?\"”])\s+|\s(?=[(（])|\s[-–—]\s"


@patterns.per_scope
def _rx(lang: str | None = None) -> dict[str, re.Pattern[str]]:
    credit = patterns.label_alternation("credit_labels", lang) or r"(?!x)x"
    photo = patterns.label_alternation("photo_labels", lang) or r"(?!x)x"
    copyright_words = patterns.label_alternation("copyright_words", lang) or r"(?!x)x"
    by = patterns.label_alternation("photo_by_words", lang) or r"(?!x)x"
    known_tail = (r"[(\[（]?\s*(?:" + photo + r")(?:\s+(?:" + by + r"))?\s+"
                  r"(?P<val>[^\s:：/()（）][^:：()（）\n]{1,40}?)\s*[)\]）]?\s*\.?$")
    return {
        "credit_line": re.compile(  # "Sumber: X", "Sumber / Tarikh: X <date>" (a compound label)
            # (a bullet, dash or pictograph may lead: '🔗 Source: <url>')
            r"^(?:[-–—•]|[\u2190-\u21ff\u2600-\u27bf\U0001f300-\U0001faff]\ufe0f?)?\s*[(\[（【]?\s*(?:"
            + credit
            + r")(?:\s*/\s*\w{2,12})?\s*(?:[:;：]|\s*[丨|｜](?!.*[丨|｜]))\s*"
            r"(?P<val>.+?)\s*[)\]）】]?\s*\.?$",
            re.IGNORECASE,
        ),
        # "2024-03-08 09:53 来源：人民日报 作者：王明": a credit segment inside a header row (not its start),
        # its value up to a bar, the row's end or the next label
        "credit_in_row": re.compile(
            r"(?:(?<=\s)|(?<=[|｜]))(?:" + credit + r")\s*[:：]\s*"
            r"(?P<val>[^|｜:：\n]{2,40}?)(?=\s*(?:[|｜]|$|\s\S{1,12}[:：]))",
            re.IGNORECASE,
        ),
        "credit_tail": re.compile(
            r"[(（【]\s*(?:" + credit + r")\s*[:;：]\s*(?P<val>[^()（）【】]{2,80})[)）】]\s*\.?\s*$",
            re.IGNORECASE,
        ),
        "photo_line": re.compile(
            r"^[(\[（]?\s*(?:©\s*)?(?:" + photo + r")(?:\s+(?:" + by + r"))?"
            r"\s*(?:[:：=/／]|\s[-–—]\s)\s*(?P<val>.+?)\s*[)\]）]?$",
            re.IGNORECASE,
        ),
        "photo_frag": re.compile(
            r"(?:[|•]\s*|[(\[（]\s*|(?<=[.!?\"”])\s+|\s[-–—/]\s*|\s(?=(?:" + photo + r")\s*:\s*[^:\n]*/))"
            r"(?:©\s*)?(?:" + photo + r")\s*(?:©|[:/=：／＝])\s*"
            r"(?P<val>[^|\[\]（）\n]{2,80}?)\s*[)\]）]?\s*\.?$",
            re.IGNORECASE,
        ),
        # "Larawan mula sa PNA", "Bild dpa", "(foto Ansa)": a photo label and a name without a separator - the
        # name must be known (photo_known_credit)
        "photo_known": re.compile(r"(?:^|" + _AFTER_SPACE + r")" + known_tail, re.IGNORECASE),
        # the same past the line's start: every such match starts at a space (photo_known_credit tries
        # the whole pattern at the start, then this; searched, the line's start alternative was tried, and
        # failed, at every position of every line)
        "photo_known_inner": re.compile(r"(?=\s)(?:" + _AFTER_SPACE + r")" + known_tail, re.IGNORECASE),
        "photo_tail": re.compile(  # "... tempête. © DPA", "Albares. / <name> – Europa Press"
            r"(?:(?<=[.!?\"”])\s+©\s*(?P<c>[^©\n]{2,40}?)|\s/\s(?P<who>[^/\n]{3,60}?)\s[-–—]\s(?P<org>[^/\n]{2,40}?))"
            r"\s*\.?$"
        ),
        "photo_lead": re.compile(r"^\((?P<org>[A-Z][\w.-]{1,20}) (?:files?|photo|archives?)\)\s+(?=\S)"),
        "photo_word": re.compile(  # "Foto ANTARA", "Photo by AFP", "Foto oleh Reuters" (photo_by_words)
            r"^[(\[]?\s*(?i:foto|photo|bild)\s+(?:(?i:" + by + r")\s+(?=[A-Z]))?"
            r"(?P<val>[\w.]+(?:\s[A-Z][\w.]*){0,3}(?:\s?/\s?[\w.]+(?:\s[A-Z][\w.]*){0,3}){0,2})\s*[)\]]?$"
        ),
        # "<caption>. Foto MEDIA SOSIAL", "<caption> FOTO ISTIMEWA/site.com", "<caption> – Bernama photo",
        # "<caption>. Foto oleh Antara" (after a 'by' word a capitalised name will do)
        "photo_word_tail": re.compile(
            r"(?:(?<=[.!?\"”)])\s+|\s)(?i:foto|photo|bild)\s+(?:(?P<val>[A-Z][A-Z.]+(?:\s[A-Z][A-Z.]+){0,3}"
            r"|[A-Z][A-Z.]+/\S+)|(?i:" + by + r")\s+(?P<byval>(?-i:[A-Z])[\w.]+(?:\s(?-i:[A-Z])[\w.]*){0,3}"
            r"(?:/\S+)?))\s*\.?$"
        ),
        "org_photo_tail": re.compile(
            r"\s[-–—]\s*(?P<org>[\w.&-]{2,30}(?:\s[\w.&-]{2,20})?)\s+(?i:photos?|pic|foto|gambar)\.?$"
        ),
        "copyright": re.compile(r"^\s*<?\s*(?:copyright|©|ⓒ|Ⓒ|[(（]c[)）]|" + copyright_words + ")",
                                re.IGNORECASE),
    }


@patterns.loaded_once
def _bare_photo() -> re.Pattern[str]:
    """'REUTERS/Jane Doe' at the end of a line (prefixes: patterns/common.yaml)."""
    prefixes = patterns.label_alternation("photo_slash_prefixes", flags=0)
    return re.compile(rf"(?:^|\s)(?P<val>(?:{prefixes})\s*/\s*[^\n]{{2,60}})$")


@dataclass(frozen=True)
class RelayForms:
    """Relay formulas of a scope.  A form is a regex with one ``{source}`` slot: at the end the
    credited outlet follows the verb ("dilansir {source}"), elsewhere it is inside the match
    ("{source}から引用")."""

    after: re.Pattern[str] | None  # one alternation of every "verb {source}" form
    inside: tuple[re.Pattern[str], ...]


_NAME_SLOT = r"(?<![\w.&'’-])(?P<source>[«\"„“]?[\w.&'’-]{2,40}[»\"”]?)"  # bounded: linear on any line


@patterns.per_scope
def relay_forms(lang: str | None = None) -> RelayForms:
    after, inside = [], []
    for form in patterns.merged("relay", patterns.scope_key(lang)):
        if _SLOT not in form:
            raise patterns.PatternError(f"relay form without a {_SLOT} slot: {form!r}")
        if form.rstrip().endswith(_SLOT):
            after.append(form.rstrip()[: -len(_SLOT)].rstrip())
        else:
            inside.append(guarded(re.compile(form.replace(_SLOT, _NAME_SLOT), re.IGNORECASE)))
    combined = guarded(re.compile("|".join(f"(?:{f})" for f in after), re.IGNORECASE)) if after else None
    return RelayForms(combined, tuple(inside))


# --- name helpers ---------------------------------------------------------------------------------


def _without_marker_tail(part: str, markers: set[str]) -> str:
    """The credited name without the photo-marker words that end it ("RTVM screenshot", "Reuters File
    Photo", "트위터 화면 캡처"): markers of one or two words, taken off while a name remains."""
    while True:
        words = part.split()
        for n in (2, 1):
            if len(words) > n and patterns.norm_key(" ".join(words[-n:])) in markers:
                part = " ".join(words[:-n]).strip(" ©.")
                break
        else:
            return part


def photo_orgs(val: str) -> list[str]:
    """Who a photo credit value names: its organisations ("Sara Maia/O Povo/Folhapress" -> both
    papers, "EFE-EPA" -> both agencies), else a site, else the person or the courtesy word."""
    val = re.sub(r"^\s*(?:©|\(c\))\s*", "", val.strip(), flags=re.IGNORECASE).strip(" ()[].")
    if _BARE_URL.fullmatch(val):  # "(http://www.aitimes.com)" after a rights line: an address, no credit
        return []
    markers = {patterns.norm_key(m) for m in patterns.merged("photo_markers")}
    parts = []
    for part in re.split(r"\s*[/／＝]\s*|\s*\|\s*|\s+via\s+", val):  # "AFP＝時事": AFP via Jiji
        part = _without_marker_tail(part.strip(" ©."), markers)
        part = re.sub(r"^\((?:[^()]{2,20})\)\s*", "", part)  # "(Symbolbild) Microgen"
        if not part or patterns.norm_key(part) in markers:
            continue
        pieces = re.split(r"\s*[-–]\s*", part)  # "EFE-EPA": two known agencies
        if len(pieces) > 1 and all(gazetteer.lookup(x) for x in pieces):
            parts.extend(pieces)
        else:
            parts.append(part)
    if not parts:
        return []
    known = [gazetteer.credited(part, gazetteer.lookup(part)) for part in parts if gazetteer.lookup(part)]
    if known:
        return list(dict.fromkeys(known))
    for part in parts:
        if gazetteer.DOMAIN.fullmatch(part):
            return [part]
    if len(parts) == 1:
        p = parts[0]
        return [p[:1].upper() + p[1:]] if len(p.split()) <= 5 else []
    if len(parts) >= 3:  # "<photographer>/<paper>/<agency>"
        return [x for x in parts[1:] if len(x.split()) <= 5]
    for part in parts:
        letters = [c for c in part if c.isalpha()]
        if letters and all(c.isupper() for c in letters) and len(part) <= 20:
            return [part]
    return [parts[-1]] if len(parts[-1].split()) <= 5 else []


def photo_org(val: str) -> str | None:
    """The first organisation (or person) a photo credit value names."""
    orgs = photo_orgs(val)
    return orgs[0] if orgs else None


def _looks_photo_value(val: str) -> bool:
    """'ANTARA/Muhammad Adimaja' under a 'Sumber :' label is a photo credit, not a text credit."""
    if "/" not in val or "," in val:
        return False
    head, _, tail = val.partition("/")
    return (
        bool(gazetteer.lookup(head.strip()) or head.strip().isupper())
        and is_name_list(tail.strip(), 2)
        and not gazetteer.lookup(tail.strip())
    )


def _only_photo_agencies(val: str) -> bool:
    """'Sumber: Freepik', 'Source: Getty Images': a stock-photo credit, never a text source."""
    items = gazetteer.split_list(val)
    return bool(items) and all((gazetteer.lookup(x) or patterns.Organisation(x, "outlet")).is_photo
                               for x in items)


def _dateline_org(dateline: str) -> tuple[str, bool] | None:
    """(the org a lifted dateline names, whether in the agency stamp's bracketed form), read by
    cleaning's one reading of a dateline match (``clean.dateline_org``)."""
    for rx in patterns.regexes("dateline_patterns", 0):
        m = rx.match(dateline + " X")  # shapes that look at what follows see a word
        if m:
            org = dateline_org(m)
            if org:
                return org, bracketed_org(m)
            if any(v for k, v in m.groupdict().items() if k.startswith("org")):
                return None  # "GAZA (Palestina) -": the place and its country, no org
    # a feed aggregator's mid-line "Liputan6.com --" (lifted by cleaning) names its outlet before the dash
    m = re.fullmatch(r"(?P<org>\S.{1,40}?)\s*(?:--|[–—])", dateline.strip())
    if m and (gazetteer.lookup(m.group("org")) or gazetteer.DOMAIN.fullmatch(m.group("org"))):
        return m.group("org"), False
    return None


@patterns.per_scope
def _outlet_word(lang: str | None) -> re.Pattern[str]:
    """'harian ', 'laman ', 'агентство ' before a name (outlet_words)."""
    words = patterns.label_alternation("outlet_words", lang) or r"(?!x)x"
    return re.compile(r"^(?:" + words + r")\s+(?=\S)", re.IGNORECASE)


def _relay_target(rest: str, lang: str | None) -> list[str]:
    """The outlets right after a relay verb ("dilansir Reuters", "mengutip Carscoop dan Autonews,
    Selasa"), or none if what follows is not an outlet ("dikutip dari siaran persnya")."""
    # "dilansir Reuters", "dilansir laman BBC", "via the Guardian", "передает «Интерфакс»"
    rest = gazetteer.ARTICLE.sub("", rest.lstrip())
    word = _outlet_word(lang).match(rest)  # "dilansir harian <X>": an outlet, whatever X
    named_kind = bool(word)
    # a capitalised outlet word is the name's own ("Harian Nusantara"); a lower-case one is not
    whole = rest if word and word.group(0)[:1].isupper() else None
    rest = _outlet_word(lang).sub("", rest)
    quoted = _QUOTED_NAME.match(rest)  # "передает «Байкал Daily»": a quoted title after the verb
    rest = rest.lstrip("«\"„“")
    days = "|".join(re.escape(d) for d in patterns.merged("weekdays"))
    # a list of names dated like a dateline: "Carscoop dan Autonews, Selasa (9/5/2017)"
    m = re.match(r"(?P<names>[^,.;:()\n]{2,80}?)\s*,\s*(?:" + days + r")\b", rest) if days else None
    if m and is_name_list(m.group("names"), 4):
        return [gazetteer.credited(x) for x in gazetteer.split_list(m.group("names"))]
    found = gazetteer.find(rest[:80])
    if found and found[0][0] == 0:
        names = [gazetteer.credited(rest[: found[0][1]], found[0][2])]
        if len(found) > 1:  # "Reuters dan AFP": two names joined by a conjunction
            s, e, src = found[1]
            if re.fullmatch(r"\s*(?:,|dan|and|&|y|et|und|и)\s*", rest[found[0][1] : s]):
                names.append(gazetteer.credited(rest[s:e], src))
        return names
    m = gazetteer.DOMAIN.match(rest)
    if m:
        return [gazetteer.credited(m.group(1))]
    if quoted:
        return [quoted.group("name").strip()]
    # an outlet the gazetteer does not know, by its shape: capitalised words up to the clause's
    # end, named as an outlet ("harian Sinar Pagi") or shaped like one ("Bangkok Post",
    # "myMetro", "NEWS ONE") - never a person or an office ("dikutip dari Kementerian Kesehatan")
    m = _CAP_NAME.match(whole or rest)
    if m:
        name = m.group("name").strip()
        if named_kind and patterns.norm_key(name) not in _weekday_keys():
            return [name]
        shaped = _signoff_outlet(name)
        if shaped:
            return [shaped]
        # one capitalised word closing the clause right after the verb ("Dilansir dari Livemint,"):
        # a site - not an acronym ('BMKG'), a weekday or a month
        if (re.fullmatch(r"[A-Z][a-z]{3,20}", name) and patterns.norm_key(name) not in _weekday_keys()
                and not is_date_line(name + " 1")):
            return [name]
    return []


_QUOTED_NAME = re.compile(r"[«\"„“](?P<name>[^«»\"„“”\n]{2,40})[»\"”](?=\s*(?:[,.;:)]|$|\s))")
_CAP_NAME = re.compile(
    r"(?P<name>(?:[A-Z0-9][\w&'’.-]*|[a-z]+[A-Z][\w.-]*)(?:\s(?:[A-Z0-9][\w&'’.-]*|[a-z]+[A-Z][\w.-]*)){0,3})"
    r"(?=\s*(?:[,.;:)]|$)|\s+(?:pada|on|am|le|el|em|il|на|в)\b|\s*\()"
)


@lru_cache(maxsize=1)
def _weekday_keys() -> frozenset[str]:
    return frozenset(patterns.norm_key(d) for d in patterns.merged("weekdays"))


def _ends_with_a_name(line: str) -> bool:
    """Whether the line's last word ends a gazetteer name (a cheap test before the alias finder
    runs over the line's tail)."""
    tail = line.rstrip(" )].").rsplit(None, 1)[-1:]
    return bool(tail) and tail[0].lstrip("-–—([\"'“«").casefold() in gazetteer.last_words()


# a translator's or editor's short note in brackets after a CJK end tag: '…意見。中央社(翻譯)'
_CJK_NOTE = re.compile(r"[(（][\u3400-\u9fff]{1,6}[)）]\s*$")
_CJK_END = re.compile(r"[。！？」』][＝=]?[\u3400-\u9fff\u3040-\u30ff\uac00-\ud7af]{1,12}$")


def _written_outlet(written: str, src: patterns.Organisation) -> str:
    """An outlet's end tag as credited: a brand in lower case as written ('detik'), else as credited."""
    return written if written.islower() and "." not in written else gazetteer.credited(written, src)


def _end_tag(line: str, outlets: bool = False) -> tuple[str, int] | None:
    """(agency, cut position) when the line ends with an agency tag after a sentence or a dash
    (``outlets``: a known outlet too - the story's own closing line, '... semakin dalam. detik')."""
    if len(line) < 30:
        return None
    note = _CJK_NOTE.search(line)
    core = line[: note.start()] if note and note.start() else line
    if not _ends_with_a_name(core) and not _CJK_END.search(core):
        return None
    tail_start = max(0, len(core) - 45)
    found = [f for f in gazetteer.find(core[tail_start:])
             if f[2].is_agency or (outlets and f[2].kind == "outlet")]
    if not found and outlets:  # a brand written in lower case ('detik', 'kumparan') closing the story
        found = [f for f in gazetteer.find(core[tail_start:], strict_case=False)
                 if f[2].kind == "outlet" and core[tail_start + f[0]:tail_start + f[1]].islower()]
    if not found:
        return None
    start, end, src = found[-1]
    start += tail_start
    end += tail_start
    if not _TAIL_OK.match(core[end:]):
        return None
    # '…意見。中央社(翻譯)', '…述べた。共同', '…述べた。＝共同'
    if line[:start].rstrip("＝=").endswith(("。", "！", "？", "」", "』")):
        return (gazetteer.credited(line[start:end], src) if src.is_agency
                else _written_outlet(line[start:end], src)), start
    if core is not line:
        return None
    written = line[start:end]
    if not src.is_agency and not (written[:1].islower() or gazetteer.DOMAIN.fullmatch(written)):
        return None  # an outlet closing a sentence, no dash: its bare lower-case brand or its domain only
    if start and line[start - 1] in "’'":
        return None  # "de l’AFP": an elided article, not a closing quote before a tag
    before = line[:start].rstrip()
    if before.endswith(("(", "[")):
        before = before[:-1].rstrip()
    # "... pihak. – Bernama" / "... -- ANTARA"; a dash inside a sentence ("названию – ТАСС") is no tag
    if re.search(r"(?:[.!?\"”»)’]\s*[-–—]{1,2}|[-–—]{2})$", before):
        cut = re.search(r"\s*[-–—]{1,2}$", before)
        return gazetteer.credited(written, src), cut.start() if cut else len(before)
    if before.endswith((".", "!", "?", '"', "”", "»", ")", "’")):
        name = gazetteer.credited(written, src) if src.is_agency else _written_outlet(written, src)
        return name, len(before)
    return None


def _lead_outlet(raw: str, lang: str | None) -> str | None:
    """An outlet credited before the text: known, a domain, or named as a paper/site ("Harian X")."""
    return gazetteer.known_or_domain(raw) or (gazetteer.resolve_credit(raw) if _outlet_word(lang).match(raw)
                                              else None)


def _stamp(org: str, f: Findings) -> Hit | None:
    """A header stamp naming ``org``: an agency is a source, an outlet the publisher."""
    got = gazetteer.classify_org(org)
    if got and got[0] == "source":
        return Hit(sources=[got[1]], drop=True, kind="stamp")
    if got and f.dateline_outlet is None:
        return Hit(outlet=got[1], drop=True, kind="stamp")
    return None


# --- the rules ----------------------------------------------------------------------------------------
# Each rule: (line, findings) -> Hit | None.  Header rules first, then whole-line credits and photo
# credits, then credits inside a line.  A dropped line stops the table; a cut line goes on.


def header_stamp(ln: Line, f: Findings) -> Hit | None:
    """'<Agency> | Updated: <date>', '<Outlet> - 12 Mei 2024, 10:00 WIB' (stamp_patterns)."""
    for rx in patterns.regexes("stamp_patterns", lang=ln.lang):
        m = rx.fullmatch(ln.text)
        if not m:
            continue
        groups = m.groupdict()
        org, brand = groups.get("org"), groups.get("brand")
        words = org.split() if org else []
        if (len(words) > 1 and not gazetteer.known_or_domain(org or "")
                and patterns.norm_key(words[-1]) in patterns.line_keys("section_labels", ln.lang)):
            org = " ".join(words[:-1])  # 'Kompas dunia | <date>': the outlet and its section
        if org and gazetteer.classify_org(org) and gazetteer.known_or_domain(org):
            return _stamp(org, f) or Hit(credit=False, kind=None)
        if brand and is_name_list(brand.strip(), 1) and f.dateline_outlet is None:
            return _stamp(brand.strip(), f) or Hit(outlet=brand.strip(), drop=True, kind="stamp")
    return None


def byline_stamp(ln: Line, f: Findings) -> Hit | None:
    """'<name> - <outlet>': the publisher's byline stamp (byline_stamps)."""
    for rx in patterns.regexes("byline_stamps", 0, ln.lang):
        m = rx.fullmatch(ln.text)
        if m and is_name_list(m.group("name"), 4) and gazetteer.known_or_domain(m.group("org")):
            return _stamp(m.group("org"), f) or Hit(credit=False, kind=None)
    return None


def copied_dateline(ln: Line, f: Findings) -> Hit | None:
    """'参考消息网<date>号报道' then '中新社北京3月3日电 …': under the publisher's own stamp the copied
    text opens with its agency's dateline - the agency is a source (an outlet there is not read)."""
    if f.dateline is None or f.dateline_outlet is None:
        return None
    found = match_dateline(ln.text, ln.lang, with_org_only=True)
    got = gazetteer.classify_org(found[2], found[3]) if found and found[2] else None
    if not found or not got or got[0] != "source":
        return None
    return Hit(sources=[got[1]], rest=found[1] or None)


@patterns.per_scope
def _byline_prefix(lang: str | None) -> re.Pattern[str]:
    words = patterns.label_alternation("byline_prefixes", lang) or r"(?!x)x"
    # a bullet or dash may lead and a colon follow the word ('- Oleh: THE STAR'); the name may be the
    # writer's with the agency after a slash ('von Winfried Wagner/dpa')
    return re.compile(r"^(?:[-–—•]\s*)?(?:" + words + r")\s*:?\s+(?:(?P<who>[^/\d]{3,40}?)\s*/\s*)?"
                      r"(?P<org>\S.{1,40})$", re.IGNORECASE)


def outlet_byline(ln: Line, f: Findings) -> Hit | None:
    """'por Lusa', 'por Agência Brasil': a byline line naming a known outlet or agency, in any case
    and anywhere (a live blog's entries); a person's name or a phrase ('por isso') is none of it."""
    m = _byline_prefix(ln.lang).match(ln.text) if len(ln.text) <= 60 else None
    src = gazetteer.lookup(m.group("org").rstrip(" .")) if m else None
    if not m or src is None or src.is_photo:
        return None
    if m.group("who") and not is_name_list(m.group("who"), 4):  # '<writer>/<agency>': a person's name
        return None
    name = gazetteer.credited(m.group("org").rstrip(" ."), src)
    if f.dateline_outlet and patterns.norm_key(name) == patterns.norm_key(f.dateline_outlet):
        return Hit(drop=True, kind="byline", credit=False)
    return Hit(sources=[name], drop=True, kind="byline")


_BRACKET_BRAND = re.compile(r"(?:^|(?<=\s))\[(?P<org>[^\[\]\s]{2,14})\]\s+(?=\S[^\n]{30,})")


def bracket_brand(ln: Line, f: Findings) -> Hit | None:
    """'<title> [충청저널] <lead>', '[서해일보] <lead>': the publisher's bracketed brand opening the lead
    (the title may be glued before it) - known, or an outlet-shaped name (outlet_name_words); a known
    agency there is a source.  A speaker label ('[앵커]') is neither."""
    if f.dateline is not None or "[" not in ln.text:
        return None
    m = _BRACKET_BRAND.search(ln.text[:120])
    if not m:
        return None
    org = m.group("org")
    src = gazetteer.lookup(org)
    rest = (ln.text[: m.start()] + ln.text[m.end():]).strip()
    if src and src.is_agency:
        return Hit(sources=[gazetteer.credited(org, src)], rest=rest)
    name = gazetteer.credited(org, src) if src else _shaped_outlet(org)
    if not name or f.dateline_outlet is not None:
        return None
    return Hit(outlet=org, rest=rest)  # a dateline outlet is the brand as written


def lead_credit(ln: Line, f: Findings) -> Hit | None:
    """'Dari Kompas.com' before the text (lead_credits)."""
    for rx in patterns.regexes("lead_credits", lang=ln.lang):
        m = rx.fullmatch(ln.text)
        name = _lead_outlet(m.group("org").strip(), ln.lang) if m else None
        if name:
            return Hit(sources=[name], drop=True, kind="lead_credit")
    return None


def headline_credit(ln: Line, f: Findings) -> Hit | None:
    """'(<Newspaper> <date>)' closing a reposted headline (headline_credits); a place in brackets
    ('(Jakarta, 12/3/2024)') is no credit."""
    if len(ln.text) > 250 or not is_headline_like(ln.text, 250):
        return None
    for rx in patterns.regexes("headline_credits", 0, ln.lang):
        m = rx.search(ln.text)
        name = _lead_outlet(m.group("org").strip(), ln.lang) if m else None
        if m and name:
            return Hit(sources=[name], rest=ln.text[: m.start()].rstrip())
    return None


_OUTLET_QUOTE = re.compile(
    r"^(?P<org>[^:：\"“”«»„]{2,40}?)\s*[:：]\s*[\"“«„](?P<quote>[^\n]{10,300})[\"”»“]\s*$"
)


def outlet_quote(ln: Line, f: Findings) -> Hit | None:
    """'The Guardian: "Doubts about heat pumps shown to be unfounded"' over the text: a known outlet
    and the quoted headline of its story, the copied text's credit (the line stays: it is the title)."""
    m = _OUTLET_QUOTE.match(ln.text) if ":" in ln.text or "：" in ln.text else None
    src = gazetteer.lookup(m.group("org")) if m else None
    if m is None or src is None or src.is_photo:
        return None
    return Hit(sources=[gazetteer.credited(m.group("org"), src)])


def relay_stamp(ln: Line, f: Findings) -> Hit | None:
    """'<headline>(共同→東京)': a wire story as carried by a paper (relay_stamps) - the agency and
    the paper, written without the word its name drops (paper_suffixes: '東京' is 東京新聞)."""
    if "→" not in ln.text and "⇒" not in ln.text and "->" not in ln.text:
        return None
    for rx in patterns.regexes("relay_stamps", 0, ln.lang):
        m = rx.search(ln.text)
        src = gazetteer.lookup(m.group("org")) if m else None
        if not m or src is None or not src.is_agency:
            continue
        names = [gazetteer.credited(m.group("org"), src)]
        via = m.group("via").strip()
        for form in (via, *(via + sfx for sfx in patterns.merged("paper_suffixes", ln.lang))):
            paper = gazetteer.lookup(form)
            if paper:
                names.append(gazetteer.credited(form, paper))
                break
        rest = ln.text[: m.start()].rstrip()
        return Hit(sources=names, rest=rest) if rest else Hit(sources=names, drop=True, kind="end_tag")
    return None


def credit_without_target(ln: Line, f: Findings) -> Hit | None:
    """'Source link': a credit line that names nobody (credit_no_target)."""
    if patterns.norm_key(ln.text) in patterns.line_keys("credit_no_target", ln.lang):
        return Hit(drop=True)
    return None


def photo_credit_line(ln: Line, f: Findings) -> Hit | None:
    """'Foto: AFP/John Doe', 'foto istimewa', 'Photo Courtesy Associated Press' as a whole line
    (photo_labels), and the wire style's bare credit line over a caption, 'ALEXANDR DEMYANCHUK /
    SPUTNIK / AFP' (capitals, slashes, a known agency among the names)."""
    rx = _rx(ln.lang)
    m = rx["photo_line"].match(ln.text) or (len(ln.text) <= 60 and rx["photo_word"].match(ln.text))
    if m and len(ln.text) <= 160:
        orgs = photo_orgs(m.group("val"))
        if orgs:
            return Hit(photos=orgs, drop=True, kind="photo_credit", credit=False)
    if "/" in ln.text and len(ln.text) <= 100 and _mostly_capitals(ln.text):
        parts = [p.strip() for p in ln.text.split("/")]
        if all(1 <= len(p.split()) <= 4 for p in parts) and any(gazetteer.lookup(p) for p in parts):
            orgs = photo_orgs(ln.text)
            if orgs:
                return Hit(photos=orgs, drop=True, kind="photo_credit", credit=False)
    return None


# '<caption>（共同通信社提供）', '<caption> (연합뉴스 제공)': a known name before the CJK 'provided by' word
_PROVIDED_BY = re.compile(
    r"\s*[(（](?P<val>[^()（）\n]{2,16}?)(?<=\S)\s*(?:社)?(?:提供|供图|供圖|제공)[)）]\s*\.?$"
)


def photo_known_credit(ln: Line, f: Findings) -> Hit | None:
    """A photo label and a known agency or outlet with no separator, alone on a line or closing a
    caption: 'Larawan mula sa PNA', 'Bild dpa', '<caption> (foto Ansa)', '<caption>（共同通信社提供）'; an
    unknown word after the label ('Foto bersama', 'Video viral') is none of it."""
    text = ln.text
    rx = _rx(ln.lang)
    m = None
    if len(text) <= 300:  # (the 'provided by' words hold 供 or 제공)
        m = (rx["photo_known"].match(text) or rx["photo_known_inner"].search(text)
             or (_PROVIDED_BY.search(text) if "供" in text or "제공" in text else None))
    src = gazetteer.lookup(m.group("val").strip(" .")) if m else None
    if m is None or src is None or src.kind == "generic":
        return None
    name = gazetteer.credited(m.group("val").strip(" ."), src)
    rest = ln.text[: m.start()].rstrip(" -–—|")
    if not rest:
        return Hit(photos=[name], drop=True, kind="photo_credit", credit=False)
    return Hit(photos=[name], rest=rest, credit=False)


def _mostly_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def photo_credit_suffix(ln: Line, f: Findings) -> Hit | None:
    """'<caption> | Foto: AFP/John Doe', '<caption>. Photo: AP/<name>', '<caption>. © DPA',
    '<caption>. / <name> – Europa Press', '(AFP files) In a file picture ...': the credit leaves,
    the caption stays."""
    rx, text = _rx(ln.lang), ln.text
    # the credit's label is followed by "©", ":", "=" (Korean "사진=") or "/"; the tail forms need a
    # "©" or a " / "
    m = rx["photo_frag"].search(text) if any(c in text for c in "©:/=：／＝") else None
    orgs = photo_orgs(m.group("val")) if m else []
    if m and orgs:
        return Hit(photos=orgs, rest=ln.text[: m.start()].rstrip(" |•-–—"), credit=False)
    m = rx["photo_tail"].search(ln.text) if ("©" in text or " / " in text) else None
    if m:
        org = m.group("c") or m.group("org")
        src = gazetteer.lookup(org)
        if m.group("c") and "/" in org and not src:  # "© picture alliance/dpa": every name it holds
            orgs = photo_orgs(org)
            if orgs and any(gazetteer.lookup(x) for x in orgs):
                return Hit(photos=orgs, rest=ln.text[: m.start()].rstrip(), credit=False)
        if src or (m.group("c") and org.isupper()):
            return Hit(photos=[gazetteer.credited(org, src)], rest=ln.text[: m.start()].rstrip(),
                       credit=False)
    m = rx["photo_lead"].match(ln.text)
    if m and gazetteer.lookup(m.group("org")):
        return Hit(photos=[gazetteer.credited(m.group("org"))], rest=ln.text[m.end():], credit=False)
    low = ln.text.casefold()
    m = rx["photo_word_tail"].search(ln.text) if ("foto" in low or "photo" in low or "bild" in low) else None
    orgs = photo_orgs(m.group("val") or m.group("byval")) if m and m.start() > 0 else []
    if m and orgs:
        return Hit(photos=orgs, rest=ln.text[: m.start()].rstrip(" |•-–—"), credit=False)
    m = rx["org_photo_tail"].search(ln.text) if low.rstrip(". ").endswith(_PHOTO_WORDS) else None
    src = gazetteer.lookup(m.group("org")) if m else None
    if m and src:
        return Hit(photos=[gazetteer.credited(m.group("org"), src)], rest=ln.text[: m.start()].rstrip(),
                   credit=False)
    return None


_MARKED_TAIL = re.compile(r"(?<=[.!?\"”)])\s+(?P<org>[^\s/]{2,25})\s*/\s*(?P<mark>[^\s/]{2,15})\s*$")


@patterns.per_scope
def _glued_photo_label(lang: str | None) -> re.Pattern[str]:
    """'<caption> Foto: Reuters': a photo label glued to the caption, its value at the line's end."""
    photo = patterns.label_alternation("photo_labels", lang) or r"(?!x)x"
    # after a space, or glued to a CJK full stop ("<caption>。圖源:視覺中國")
    return re.compile(r"(?:\s|(?<=[。！？]))(?:" + photo + r")\s*:\s*(?P<val>[^:\n]{2,40}?)\s*$",
                      re.IGNORECASE)


def glued_caption_credit(ln: Line, f: Findings) -> Hit | None:
    """A caption's credit glued to it: '<caption>. EFE/Archivo' (a known organisation, then a photo
    marker: photo_markers) and '<caption> Foto: Reuters' (a photo label whose value names only known
    organisations).  The credit leaves, the caption stays; a photo credit, never a text source."""
    if "/" in ln.text[-30:]:
        m = _MARKED_TAIL.search(ln.text)
        markers = {patterns.norm_key(x) for x in patterns.merged("photo_markers")}
        marked = m is not None and patterns.norm_key(m.group("mark")) in markers
        src = gazetteer.lookup(m.group("org")) if m is not None and marked else None
        if m and src:
            return Hit(photos=[gazetteer.credited(m.group("org"), src)], rest=ln.text[: m.start()].rstrip(),
                       credit=False)
    m = _glued_photo_label(ln.lang).search(ln.text) if ":" in ln.text[-45:] else None
    if m and m.start() > 0:
        parts = [p for p in re.split(r"\s*[/,]\s*", m.group("val").strip(" .")) if p]
        known = [gazetteer.lookup(p) for p in parts]
        if parts and all(known):
            return Hit(photos=[gazetteer.credited(p, k) for p, k in zip(parts, known, strict=True)],
                       rest=ln.text[: m.start()].rstrip(), credit=False)
    return None


def writer_tag(ln: Line, f: Findings) -> Hit | None:
    """'(Tribunnews.com/Andari Wulan Nugrahani)'."""
    m = _WRITER_TAG.match(ln.text)
    if not m:
        return None
    name = gazetteer.resolve_credit(m.group("org"))
    return Hit(sources=[name] if name else [], drop=True, kind="writer_tag", end=True)


_INITIALS_AGENCY = re.compile(r"^[(\[]?(?P<who>[A-ZÀ-ÞĄĆĘŁŃÓŚŹŻ]{1,4}(?:[,/][A-ZÀ-ÞĄĆĘŁŃÓŚŹŻ]{1,4})?)\s*/\s*"
                              r"(?P<org>[^\W\d_][\w.-]{1,20})[)\]]?\.?$")


def initials_agency_signoff(ln: Line, f: Findings) -> Hit | None:
    """'MJ/PAP', '(ab/PAP)': an editor's initials and the agency the copy came from, alone on a line
    after the text - a sign-off crediting the agency.  A caption credit puts the organisation first
    ('REUTERS/Jane Doe'); here the initials are no known name and the second part is a known agency."""
    m = _INITIALS_AGENCY.match(ln.text)
    if not m or gazetteer.lookup(m.group("who")) or not gazetteer.is_agency(m.group("org")):
        return None
    return Hit(sources=[gazetteer.credited(m.group("org"))], drop=True, kind="writer_tag", end=True)


def caption_photo_credits(ln: Line, f: Findings) -> Hit | None:
    """'(REUTERS/Stringer)', '[Photo/Xinhua]', a trailing 'REUTERS/Name/File Photo' and
    'This photo provided by <A> ... [<B>]' captions: the credits leave, the caption stays."""
    if _text_credit_line(ln):
        return None  # "Sumber: AFP/Reuters": credit_line reads it
    line, photos = ln.text, []
    slash = "/" in line  # both the bracketed and the trailing credit have one
    for fm in list(_SLASH_FRAG.finditer(line))[::-1] if slash else ():
        parts = [p.strip() for p in fm.group("val").split("/")]
        if all(re.fullmatch(r"[a-z]{2,6}", p) for p in parts):
            continue  # "(flo/jpnn)": staff codes, the own outlet's code last
        if any(gazetteer.lookup(re.sub(r"\s+(?:photo|foto)$", "", p, flags=re.I)) for p in parts) or any(
            patterns.norm_key(p) in ("photo", "foto") for p in parts
        ):
            orgs = photo_orgs(fm.group("val"))
            if orgs:
                photos.extend(orgs)
                line = (line[: fm.start()] + line[fm.end() :]).strip()
    m = _bare_photo().search(line) if slash else None
    if m:
        orgs = photo_orgs(m.group("val"))
        if orgs:
            photos.extend(orgs)
            line = line[: m.start()].strip()
    elif slash:
        org = _known_slash_credit(line)
        if org:
            photos.append(org[0])
            line = line[: org[1]].strip()
    for rx in patterns.regexes("photo_provided", lang=ln.lang):
        m = rx.search(line)
        if m:
            photos.append(gazetteer.resolve_credit(m.group("a")) or m.group("a").strip())
            bm = re.search(r"[(\[](?P<b>[^()\[\]]{2,100})[)\]]\s*\.?$", line)
            orgs = photo_orgs(bm.group("b")) if bm else []
            if bm and orgs:
                photos.extend(orgs)
                line = line[: bm.start()].rstrip()
            break
    if line == ln.text:
        return None
    if not line:  # nothing but credits
        return Hit(photos=photos, drop=True, kind=None, credit=False)
    return Hit(photos=photos, rest=line, credit=False)


_SLASH_CREDIT = re.compile(
    r"(?<=[.!?\"”)])\s+(?P<org>[^\W\d_][\w.&-]{1,15}(?: [\w.&-]{1,15})?)\s*/\s*"
    r"(?P<who>(?-i:[A-ZÀ-ÖØ-Þ])[\w.'’-]+(?: [\w.'’-]+){0,3})(?:\s*/\s*[a-z]{2,4})?\s*\.?$"  # '/aa': editor
)


def _known_slash_credit(line: str) -> tuple[str, int] | None:
    """'<caption>. EFE/Juan Pérez', '<caption>. ANTARA/Jane Doe/aa.': the wire style's picture credit
    after the caption's last sentence - any known agency or photo agency, then a person, not only the
    prefixes of photo_slash_prefixes; '... said. AFP/Reuters' (two names) is none of it."""
    m = _SLASH_CREDIT.search(line)
    if not m or gazetteer.lookup(m.group("who")) is not None:
        return None
    src = gazetteer.lookup(m.group("org"))
    if src is None or not (src.is_agency or src.is_photo):
        return None
    return gazetteer.credited(m.group("org"), src), m.start()


def _text_credit_line(ln: Line) -> bool:
    """'Sumber: AFP/Reuters': a labelled text credit whose value is no photo credit."""
    labelled = ":" in ln.text or ";" in ln.text or "：" in ln.text
    m = _rx(ln.lang)["credit_line"].match(ln.text) if labelled else None
    if m is None:
        return False
    return not _looks_photo_value(m.group("val")) and not _only_photo_agencies(m.group("val"))


# a caption credit's marks: almost every caption_credits shape needs one (a slash, brackets, '摄', '=')
_CAPTION_MARKS = "/()[]（）【】摄攝=|"
_CAPTION_MARK = re.compile("[" + re.escape(_CAPTION_MARKS) + "]")


@patterns.per_scope
def _unmarked_caption_credits(lang: str | None) -> tuple[re.Pattern[str], ...]:
    """The caption_credits shapes that can match a line holding none of ``_CAPTION_MARKS``, in their order
    (read off each compiled pattern): on such a line (most lines of a story) the others are not tried."""
    return tuple(rx for rx in patterns.regexes("caption_credits", 0, lang)
                 if not requires_one_of(rx, _CAPTION_MARKS))


def caption_credit(ln: Line, f: Findings) -> Hit | None:
    """A caption's closing picture credit by its shape (caption_credits): 'TRIBUN JABAR/GANI
    KURNIAWAN', '(Photo by AFP)', '(Reuters photo)', 'Ilustrasi (Freepik)', '新华社记者 李明 摄',
    '[연합뉴스 자료사진]'. The credit leaves, the caption stays; a photo credit, never a text source."""
    if _text_credit_line(ln):
        return None
    marked = _CAPTION_MARK.search(ln.text)
    shapes = patterns.regexes("caption_credits", 0, ln.lang) if marked else _unmarked_caption_credits(ln.lang)
    for rx in shapes:
        m = rx.search(ln.text)
        if not m:
            continue
        groups = m.groupdict()
        raw = (groups.get("org") or groups.get("known") or "").strip(" .")
        if groups.get("known") is not None and not (
            gazetteer.lookup(raw) or _mostly_capitals(raw) or gazetteer.DOMAIN.fullmatch(raw)
        ):
            continue
        names = [x.strip() for x in (groups.get("a"), raw) if x and x.strip()]
        photos = [gazetteer.credited(x, gazetteer.lookup(x)) for x in names]
        if not photos:
            continue
        rest = ln.text[: m.start("tail") if groups.get("tail") else m.start()].rstrip(" =|•-–—/")
        if not rest.strip(" .("):
            return Hit(photos=photos, drop=True, kind="photo_credit", credit=False)
        return Hit(photos=photos, rest=rest, credit=False)
    return None


_NEXT_LABEL = re.compile(r"\s*[|｜]\s*(?=[^|｜:：\n]{1,25}[:：])")


def credit_line(ln: Line, f: Findings) -> Hit | None:
    """'SUMBER: ASHARQ AL-AWSAT, AFP' (credit_labels); 'Sumber : ANTARA/<photographer>' is a photo credit."""
    m = _rx(ln.lang)["credit_line"].match(ln.text)
    if not m or len(m.group("val")) > 120:
        return None
    # a header row of labelled segments: the credit's value ends at the bar before the next label
    # ('Sumber: Kompas.com | Penulis: Ani', 'Source: Reuters | Edited by: John Smith')
    row_val = _NEXT_LABEL.split(m.group("val"), maxsplit=1)[0].strip(" |｜")
    val = re.sub(r"\s*\([^()]{2,60}\)?\s*$", "", row_val).strip() or row_val
    val = _without_date_tail(val)
    url = re.match(r"(?:https?://)?(?:www\.)?([\w-]+(?:\.[\w-]+)+)/\S*$", val)
    if url:  # "- See more at: http://www.hmetro.com.my/node/38619#...": the site
        return Hit(sources=[gazetteer.credited(url.group(1))], drop=True, kind="credit_line", end=True)
    # 'Kaynak: AA / Güncel': the site's section after the credited name is neither a photographer nor a source
    sections = patterns.line_keys("section_labels", ln.lang)
    parts = [p.strip() for p in val.split("/")]
    if len(parts) > 1 and patterns.norm_key(parts[-1]) in sections:
        val = " / ".join(parts[:-1])
    if _looks_photo_value(val) or _only_photo_agencies(val):
        return Hit(photos=photo_orgs(val), drop=True, kind="photo_credit", credit=False)
    return Hit(sources=gazetteer.resolve_list(val), drop=True, kind="credit_line", end=True)


def _without_date_tail(val: str) -> str:
    """'The Star Online March 06, 2008 – Thursday' -> 'The Star Online' (a date after the name)."""
    toks = val.split()
    for i in range(1, len(toks)):
        if is_date_line(" ".join(toks[i:])):
            return " ".join(toks[:i]).rstrip(" ,-–—|")
    return val


_ROW_DATE = re.compile(r"\d{4}[-/.年]\d{1,2}|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{1,2}:\d{2}\b")


def credit_in_row(ln: Line, f: Findings) -> Hit | None:
    """'2024-03-08 09:53 来源：人民日报 作者：王明', '| <date> 来源:新华社 责任编辑:X |': the credit label of
    a header row of date and label segments, not a sentence (the row stays; its credit is read)."""
    if len(ln.text) > 160 or not _ROW_DATE.search(ln.text) or is_paragraph(ln.text):
        return None
    if ends_clause(ln.text.rstrip(" |｜")) and not ln.text.rstrip(" |｜").endswith(":"):
        return None
    m = _rx(ln.lang)["credit_in_row"].search(ln.text)
    if not m or not m.start():
        return None
    names = gazetteer.resolve_list(_row_credit_value(m.group("val")))
    return Hit(sources=names) if names else None


_HAN_OR_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _row_credit_value(val: str) -> str:
    """The name a header row's credit label gives: up to the row's date or time ('来源: 新华社 2017.10.17
    20:18' -> '新华社'), a Han/kana name up to its first space ('中國新聞網(wǎng) 發(fā)表評論': Chinese and
    Japanese names carry none) and without a mirror's injected pinyin reading ('網(wǎng)' -> '網')."""
    m = _ROW_DATE.search(val)
    val = (val[: m.start()] if m and m.start() else val).strip(" ,-–—|｜")
    if _HAN_OR_KANA.match(val):
        val = _PINYIN_GLOSS.sub("", val.split()[0])
    return val.strip()


def credit_suffix(ln: Line, f: Findings) -> Hit | None:
    """'... pihak. (Sumber: Antara)'."""
    m = _rx(ln.lang)["credit_tail"].search(ln.text)
    if not m:
        return None
    return Hit(sources=gazetteer.resolve_list(m.group("val")), rest=ln.text[: m.start()].rstrip(), end=True)


def republication(ln: Line, f: Findings) -> Hit | None:
    """'Artikel ini telah tayang di Tribunnews.com dengan judul ...' (republish)."""
    for rx in patterns.regexes("republish", lang=ln.lang):
        m = rx.search(ln.text)
        if m:
            name = gazetteer.resolve_credit(m.group("org"))
            whole = m.start() < 3
            return Hit(sources=[name] if name else [], drop=whole, kind="republish", end=whole)
    return None


_RIGHTS_SIGN = re.compile(r"(?i)©|ⓒ|[(（]c[)）]|all rights reserved")
_HOLDER_WORD = frozenset({"by", "of", "to", "owned", "holder", "milik", "oleh", "de", "di", "von", "van"})


def _copyright_sentence(text: str, end: int) -> bool:
    """'Copyright holders of the mural said the change ...': a sentence of the story about copyright,
    not a rights notice - the word goes on into a lower-case word that names no holder, in eight
    words or more (a notice is shorter), with no rights sign and no year (a notice has one of them,
    or a holder's name: 'Copyright The Associated Press', 'Copyright 2019 Reuters')."""
    words = text[end:].split()
    if not words or not words[0][:1].islower() or words[0].strip(".,:;").casefold() in _HOLDER_WORD:
        return False
    return len(text.split()) >= 8 and not _RIGHTS_SIGN.search(text) and not _YEARS.search(text)


def copyright_line(ln: Line, f: Findings) -> Hit | None:
    """'Copyright (C) 2007-2008 Reuters', 'Hak cipta milik X' (copyright_words) credit their holder;
    a notice naming nobody is a footer.  A short '© <agency>' above the story, with no year, is the
    lead picture's credit."""
    m = _rx(ln.lang)["copyright"].match(ln.text)
    if not m or len(ln.text) > 200 or _copyright_sentence(ln.text, m.end()):
        return None
    marks = r"(?i)copyright|all rights reserved|©|ⓒ|Ⓒ|[(（]c[)）]"
    holder = _YEARS.sub(" ", re.sub(marks, " ", ln.text[m.end():]))
    bare = _BARE_URL.sub(" ", holder) if "/" in holder else ""  # a site's address is no second name
    parts = [p.strip(" .()") for p in bare.split("/") if p.strip(" .()")] if "/" in bare else []
    known = [gazetteer.lookup(p) for p in parts]
    if len(parts) >= 2 and any(known) and not all(known):  # "© РИА Новости / Иван Иванов": a picture's
        orgs = photo_orgs(holder)  # agency and its photographer
        if orgs:
            return Hit(photos=orgs, drop=True, kind="photo_credit", credit=False)
    found = gazetteer.find(holder, strict_case=False)
    if found:
        s, e, src = found[0]
        name = gazetteer.credited(holder[s:e], src)
        if ln.before_story and len(ln.text) <= 40 and not _YEARS.search(ln.text):
            return Hit(photos=[name], drop=True, kind="photo_credit", credit=False)
        return Hit(sources=[name], drop=True, kind="copyright")
    owner = re.match(r"\s*(?:milik|oleh|by|of|de|di|von|van)?\s*(?P<org>[^,;]{2,40}?)\.?\s*$", holder)
    if owner and m.group(0).strip().casefold() not in ("copyright", "©", "ⓒ", "ⓒ", "(c)"):
        credit = gazetteer.resolve_credit(owner.group("org"))  # "Hak cipta milik Rossiyskaya Gazeta."
        if credit and is_name_list(credit, 1):
            return Hit(sources=[credit], drop=True, kind="copyright")
    # "ⓒ 충청일보" alone closing the story, no year: the outlet's per-article line when the holder is
    # outlet-shaped (a bare "© <name>" is as often a person's or a site-wide notice)
    if owner and ln.last and len(ln.text) <= 40 and not _YEARS.search(ln.text):
        credit = _shaped_outlet(owner.group("org"))
        if credit:
            return Hit(sources=[credit], drop=True, kind="copyright")
    return Hit(drop=True, kind="footer", credit=False)


_RIGHTS_MARKS = "©ⓒ"
_RIGHTS_MARK = mark_test(_RIGHTS_MARKS)  # ('Ⓒ' too: ⓒ ignoring case)


@patterns.per_scope
def _unmarked_rights_notices(lang: str | None) -> tuple[re.Pattern[str], ...]:
    """The copyright_notices patterns that can match a line holding no copyright sign (``_RIGHTS_MARKS``),
    in their order (read off each compiled pattern): on such a line (nearly every line) the others, the
    '© <holder> 무단 전재' forms, are not tried."""
    return tuple(rx for rx in patterns.regexes("copyright_notices", lang=lang)
                 if not requires_one_of(rx, _RIGHTS_MARKS, tested_ignoring_case=True))


def rights_notice(ln: Line, f: Findings) -> Hit | None:
    """Per-article rights notices ('Dilarang keras mengambil konten ... ANTARA') (copyright_notices)."""
    if _RIGHTS_MARK.search(ln.text):
        notices = patterns.regexes("copyright_notices", lang=ln.lang)
    else:
        notices = _unmarked_rights_notices(ln.lang)
    for rx in notices:
        m = rx.search(ln.text)
        if m:
            # "Copyright © 2024 The Star Online. All rights ...": the holder, not the year
            name = gazetteer.resolve_credit(_YEARS.sub(" ", m.group("org")).strip(" ,.-–—"))
            head = ln.text[: m.start()].rstrip()
            if len(head) >= 40:  # the notice is glued to the last paragraph: only the notice goes
                return Hit(sources=[name] if name else [], rest=head)
            return Hit(sources=[name] if name else [], drop=True, kind="copyright")
    return None


_JOINED = re.compile(r"\s*(?:,|;|&|\s[-–—]\s?|(?<=\w)[-–—]\s)\s*")


def bare_agency_line(ln: Line, f: Findings) -> Hit | None:
    """'dpa', '(AFP)', 'Reuters/AP' alone on a line in the foot; 'als/mes/cte/gud/dpa': the
    writers' and editors' codes, then the agency."""
    if len(ln.text) > 40:
        return None
    parts = [p.strip() for p in ln.text.strip("() ").split("/")] if "/" in ln.text else []
    known = [gazetteer.lookup(p) for p in parts]
    agencies = [gazetteer.credited(p, src) for p, src in zip(parts, known, strict=True)
                if src and src.is_agency]
    staff = [p for p, src in zip(parts, known, strict=True) if src is None and _STAFF_CODE.fullmatch(p)]
    if agencies and staff and len(agencies) + len(staff) == len(parts):
        return Hit(sources=agencies, drop=True, kind="end_tag", end=True)
    # "Sputnik- RIA Novosti", "AFP, AP": agencies joined by a loose dash or a comma are two names
    joined = [p for p in _JOINED.split(ln.text.strip("() .")) if p]
    if len(joined) > 1:
        srcs = [gazetteer.lookup(p) for p in joined]
        if all(src is not None and src.is_agency for src in srcs):
            names = [gazetteer.credited(p, src) for p, src in zip(joined, srcs, strict=True) if src]
            return Hit(sources=names, drop=True, kind="end_tag", end=True)
    found = gazetteer.find(ln.text)
    if not found or not all(src.is_agency for _, _, src in found):
        return None
    if len(found) == 1 and found[0][1] - found[0][0] <= 2 and not re.search(r"[()\[\]\-–—]", ln.text):
        return None  # a bare "AA" is a font-size button as often as Anadolu's tag
    rest = ln.text
    for s, e, _ in sorted(found, reverse=True):
        rest = rest[:s] + rest[e:]
    if re.sub(r"(?i)[\s()\[\]/,&.\-–—]|\band\b|\bund\b|\bdan\b", "", rest):
        return None
    names = [gazetteer.credited(ln.text[s:e], src) for s, e, src in found]
    return Hit(sources=names, drop=True, kind="end_tag", end=True)


def _edge_name(text: str) -> patterns.Organisation | None:
    """The known agency or outlet a short line consists of ('Reuters', '— The Guardian.',
    '(Diário de Notícias)'), or None; a photo agency or the generic 'Agencies' is none."""
    name = text.strip(" .()[]【】（）-–—|")
    if not name or len(name) > 40 or len(name.split()) > 5:
        return None
    src = gazetteer.lookup(name)
    return src if src is not None and src.kind in ("agency", "outlet") else None


def edge_name_line(ln: Line, f: Findings) -> Hit | None:
    """A known name alone on an edge line, by position (corpus: a bare agency or outlet closing the
    story credits it; above the story only an agency does - an outlet there is the site's masthead):
    'Reuters' or 'The Guardian' as the last line, 'AFP' over the story's first paragraph."""
    raw = ln.text.strip(" .()[]【】（）-–—|")
    src = _edge_name(raw) if 2 < len(raw) <= 40 else None  # a bare "AA" is as often a font button
    if src is None:
        return None
    final = ln.rank == ln.count - 1 and ln.count >= 3
    if not final and not (ln.rank <= 1 and ln.before_story and src.is_agency):
        return None
    name = gazetteer.credited(raw, src)
    if f.dateline_outlet and patterns.norm_key(name) == patterns.norm_key(f.dateline_outlet):
        return Hit(drop=True, kind="end_tag", credit=False)
    return Hit(sources=[name], drop=True, kind="end_tag", end=final)


def provider_label(ln: Line, f: Findings) -> Hit | None:
    """'<title>' / 'Malay Mail' / '<lead>', '<title>' / '[Newtalk新聞]' / '<lead>': an aggregator's provider
    label - a known outlet's name alone on the line right under the title, above the story - is the
    publishing outlet (kept as written).  Above the title the same name is the site's masthead (no
    stamp), and a known agency there is left to the edge rules (a source)."""
    if f.dateline_outlet is not None or ln.rank == 0 or not ln.before_story:
        return None
    raw = ln.text.strip(" .()[]【】（）-–—|")
    src = _edge_name(raw) if 2 < len(raw) <= 40 else None
    if src is None or src.is_agency:
        return None
    title = ln.prev.strip()  # a title of a sentence or two (a question and its answer), not a paragraph
    if len(title) > 220 or len(title.split()) < 3 or _edge_name(title) is not None:
        return None
    return Hit(outlet=raw, drop=True, kind="provider_label")


_WRITER_OUTLET = re.compile(
    r"^(?P<who>(?-i:[A-ZÀ-ÖØ-Þ])[\w.'’-]+(?:\s(?-i:[A-ZÀ-ÖØ-Þ])[\w.'’-]+){1,3})\s+[-–—|]\s+"
    r"(?P<org>[^,;:|–—\n]{2,40}?)(?:\s*,\s*(?P<desk>[^,;:|–—\n]{2,24}))?\s*\.?$"
)


def writer_outlet_line(ln: Line, f: Findings) -> Hit | None:
    """'Sérgio Figueiredo – Diário de Notícias, opinião', 'Jane Doe | The Guardian': a writer's name,
    a dash and a known outlet or agency (and a desk word) on a short line of its own above the story
    or closing it - the byline of a reposted column; a headline ('Biden – the <sentence>') has no
    known name after its dash."""
    m = _WRITER_OUTLET.match(ln.text) if len(ln.text) <= 90 else None
    if not m or (m.group("desk") and len(m.group("desk").split()) > 2):
        return None
    src = _edge_name(m.group("org"))
    if src is None or gazetteer.lookup(m.group("who")) is not None:
        return None
    name = gazetteer.credited(m.group("org"), src)
    if f.dateline_outlet and patterns.norm_key(name) == patterns.norm_key(f.dateline_outlet):
        return Hit(drop=True, kind="byline", credit=False)
    return Hit(sources=[name], drop=True, kind="byline")


_DASH_TAIL = re.compile(r"(?<=\w)\s[–—]\s*(?P<org>[^\s–—][^–—\n]{1,40}?)\s*\.?$")
_STAFF_CODE = re.compile(r"[a-z]{2,5}")
_BRACKET_TAG = re.compile(r"(?:^|(?<=[.!?\"”»’。！？」』]))\s*[(（](?P<tag>[^()（）/\n]{2,24})[)）]\s*\.?$")


def bracket_end_tag(ln: Line, f: Findings) -> Hit | None:
    """'... ifadesini kullandı. (NTV)', '…述べた。(ブルームバーグ)': a known outlet or agency in brackets
    closing the story.  (An unknown name in capitals there is as often staff initials or an
    abbreviation explained earlier: cross-validation on the dev part said so.)"""
    m = _BRACKET_TAG.search(ln.text)
    if not m:
        return None
    tag = m.group("tag").strip()
    src = gazetteer.lookup(tag)
    if src and not src.is_photo:
        names = [gazetteer.credited(tag, src)]
    else:  # "(ANSA-AFP)": agencies joined in one tag, every part a known agency
        pieces = re.split(r"\s*[-–]\s*", tag)
        parts = [gazetteer.lookup(p) for p in pieces]
        if len(parts) < 2 or not all(p is not None and p.is_agency for p in parts):
            return None
        names = [gazetteer.credited(w, p) for w, p in zip(pieces, parts, strict=True) if p]
    rest = ln.text[: m.start()].rstrip()
    if not rest:
        return Hit(sources=names, drop=True, kind="end_tag", end=True)
    return Hit(sources=names, rest=rest, end=True)


_CAPTION_DATE = re.compile(r"\b(?:1[89]|20)\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b")


def caption_agency_tag(ln: Line, f: Findings) -> Hit | None:
    """A known agency closing a one-sentence line away from the story's end, in brackets
    ('…震驚全球。（美聯社）') or after a dated caption ('… hôm 3/12/2015. AFP'), is the picture's
    credit: a caption, not the story's sign-off (which closes the last paragraph)."""
    text = ln.text
    if len(text) > 300:
        return None
    m = _BRACKET_TAG.search(text)
    src = gazetteer.lookup(m.group("tag").strip()) if m else None
    if m and src and (src.is_agency or src.is_photo):
        name, cut = gazetteer.credited(m.group("tag"), src), m.start()
    else:
        tag = _end_tag(text)
        if not tag or not _CAPTION_DATE.search(text[: tag[1]]):
            return None  # unbracketed, only a dated caption: '<summary>. - Anadolu Ajansı' is a sign-off
        name, cut = tag
    rest = text[:cut].rstrip(" -–—")
    if not rest or sentence_count(rest, cjk=True) > 1:
        return None  # a paragraph of several sentences ends the story's part with its credit
    return Hit(photos=[name], rest=rest, credit=False)


_SLASHED_TAIL = re.compile(r"(?<=[.!?\"”»])\s+/(?P<org>[^\W\d_][\w.&-]{1,20})/?\s*$")


def agency_end_tag(ln: Line, f: Findings) -> Hit | None:
    """'... pihak. – Bernama', '... pandemia. EFE', '(Yonhap)' closing a paragraph; the slashed
    stamp '... tekst. /PAP/' (a known agency)."""
    m = _SLASHED_TAIL.search(ln.text) if ln.text.endswith("/") or "/" in ln.text[-25:] else None
    src = gazetteer.lookup(m.group("org")) if m else None
    if m and src and src.is_agency:
        name = gazetteer.credited(m.group("org"), src)
        return Hit(sources=[name], rest=ln.text[: m.start()].rstrip(), end=True)
    # a known outlet only on the story's closing line: the last line, or its last paragraph
    tag = _end_tag(ln.text, outlets=ln.rank == ln.count - 1 or ln.rank == ln.story_end)
    if not tag:
        return None
    return Hit(sources=[tag[0]], rest=ln.text[: tag[1]].rstrip(" -–—"), end=True)


# 'ant', 'ant/abc' alone on a closing line, without brackets (lower case, as the desks write them)
_BARE_CODE = re.compile(r"(?P<codes>[a-z]{2,8}(?:\s*/\s*[a-z0-9]{1,8}){0,3})\s*\.?")


def coded_end_tag(ln: Line, f: Findings) -> Hit | None:
    """Coded end tags: '(ant)', '(ant/xyz)', a bare 'ant' or 'ant/xyz' alone on a closing line (the
    first code names the outlet: gazetteer codes), and
    an outlet written out among staff codes, '(Reuters/kid)', '(IC-NY/REPUBLIKA)'."""
    m = _CODED.search(ln.text) or (_BARE_CODE.fullmatch(ln.text) if ln.last else None)
    name = gazetteer.code(re.split(r"\s*/\s*", m.group("codes"))[0]) if m else None
    if m and name:
        own = patterns.norm_key(f.dateline_outlet or "")
        if own and own != patterns.norm_key(name) and own.startswith(patterns.norm_key(name) + " "):
            # '(cnn/dka)' under a 'Jakarta, CNN Indonesia --' dateline: the own desk's code
            return Hit(rest=ln.text[: m.start()].rstrip(), end=True, credit=False)
        return Hit(sources=[name], rest=ln.text[: m.start()].rstrip(), end=True)
    m = _ORG_CODE.search(ln.text)
    if not m:
        return None
    parts = m.group("tag").split("/")
    first = gazetteer.lookup(parts[0]) if parts[0].isupper() else None
    # '(AP/ape/ttg)': an agency's name in capitals as the first code is the outlet code of the rule,
    # not staff initials (those follow it)
    lead = [parts[0]] if first is not None and first.is_agency else []
    staff = [x for x in parts if x not in lead and re.fullmatch(r"[a-z]{2,5}|[A-Z]{1,3}(?:-[A-Z]{1,3})?", x)]
    named = [x for x in parts if x not in staff and x[:1].isupper() and gazetteer.lookup(x)]
    if named and len(named) + len(staff) == len(parts):  # an outlet among staff codes, no person
        return Hit(sources=[gazetteer.credited(named[0])], rest=ln.text[: m.start()].rstrip(), end=True)
    return None


@patterns.per_scope
def _caption_marker_rx(lang: str | None) -> re.Pattern[str]:
    """A caption opened by a photo label and a dash or colon: 'ILUSTRASI - <caption>', 'FOTO: <caption>'."""
    photo = patterns.label_alternation("photo_labels", lang) or r"(?!x)x"
    return re.compile(r"^(?:" + photo + r")\s*[-–—:|]\s*(?P<cap>\S.{9,})$", re.IGNORECASE)


def marked_captions(lines: list[str], lang: str | None) -> frozenset[str]:
    """The lines that are a picture's caption by the page's own mark: opened by a photo label and a
    dash ('ILUSTRASI - <caption> (antara)'), and the same caption printed without it (the alt text
    over the caption, or the caption over its marked copy)."""
    rx = _caption_marker_rx(lang)
    marked = {ln: m.group("cap").strip() for ln in lines if (m := rx.match(ln))}
    if not marked:
        return frozenset()
    bare = set(marked.values())
    return frozenset(marked) | frozenset(ln for ln in lines if ln in bare)


def caption_tail_tag(ln: Line, f: Findings) -> Hit | None:
    """A marked caption's closing bracket, '... Kalimantan Barat. (antara)', names the picture's
    source: a known organisation or a desk code, a photo credit - never the story's sign-off."""
    if ln.original not in f.captions:
        return None
    m = _BRACKET_TAG.search(ln.text)
    if not m:
        return None
    tag = m.group("tag").strip()
    src = gazetteer.lookup(tag)
    name = gazetteer.credited(tag, src) if src else gazetteer.code(tag.lower()) if tag.isalpha() else None
    if not name:
        return None
    return Hit(photos=[name], rest=ln.text[: m.start()].rstrip(), credit=False)


def credit_sentence(ln: Line, f: Findings) -> Hit | None:
    """'Material der Nachrichtenagenturen dpa, Reuters, ...' (credit_sentences)."""
    for rx in patterns.regexes("credit_sentences", lang=ln.lang):
        m = rx.search(ln.text)
        if not m:
            continue
        names = gazetteer.resolve_list(m.group("list"), known_only=True)
        if names:
            if (m.end() - m.start()) >= 0.8 * len(ln.text):
                return Hit(sources=names, drop=True)
            return Hit(sources=names, rest=(ln.text[: m.start()] + ln.text[m.end() :]).strip())
        break
    return None


def relay_credit(ln: Line, f: Findings) -> Hit | None:
    """Relay formulas stay in the body: 'seperti dilansir Reuters menuturkan ...' (relay)."""
    forms = relay_forms(ln.lang)
    names = []
    if forms.after:
        for m in forms.after.finditer(ln.text):
            names.extend(_relay_target(ln.text[m.end() :], ln.lang))
    for rx in forms.inside:
        for m in rx.finditer(ln.text):
            name = gazetteer.resolve_credit(m.group("source"))
            if name:
                names.append(name)
    # a picture agency is relayed by no text: 'JUNG YEON-JE via Getty Images' is a photo credit
    names = [n for n in names if not (gazetteer.lookup(n) or patterns.Organisation(n, "outlet")).is_photo]
    return Hit(sources=names) if names else None


_PHOTO_WORDS = ("photo", "photos", "pic", "foto", "gambar")
_DOMAIN_LIKE = re.compile(r"[^\W_][\w-]{1,30}\.(?:[A-Za-z]{2,6}|рф)")


def _shaped_outlet(raw: str) -> str | None:
    """An unknown name that carries an outlet word ('충청일보', 'Borneo Daily'), else None."""
    raw = raw.strip().rstrip(".")
    if not raw or len(raw) > 30 or not 1 <= len(raw.split()) <= 3 or not gazetteer.outlet_shaped(raw):
        return None
    return raw


def _signoff_outlet(raw: str) -> str | None:
    """A sign-off name that is an outlet: known, a domain, or outlet-shaped - all capitals ('K!
    ONLINE'), an outlet word ('myMetro Online'), an inner capital ('myMetro') - never a person's
    name ('— Joe Biden')."""
    name = gazetteer.known_or_domain(raw)
    if name:
        return name
    raw = raw.strip().rstrip(".")
    if "," in raw:  # "Jamil Santos/VBL, GMA Integrated News": the writer, then the outlet
        raw = raw.rsplit(",", 1)[1].strip()
        name = gazetteer.known_or_domain(raw)
        if name:
            return name
    if _DOMAIN_LIKE.fullmatch(raw):  # "Взгляд.UA": a site's name in its own script
        return raw
    words = raw.split()
    if not 1 <= len(words) <= 3 or not any(c.isalpha() for c in raw) or len(raw) > 30:
        return None
    letters = [c for c in raw if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters) and len(words) >= 2:
        return raw
    if gazetteer.outlet_shaped(raw) or any(re.search(r"[a-z][A-Z]", w) for w in words):
        return raw
    return None


# "人民網(wǎng)日本語版": a mirror's injected pinyin gloss
_PINYIN_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


def closing_credit(ln: Line, f: Findings) -> Hit | None:
    """'— The Guardian' closing the article, '... kata dia. – K! ONLINE' (tail_credits)."""
    for rx in patterns.regexes("tail_credits", 0, ln.lang):
        m = rx.search(ln.text)
        if not m:
            continue
        whole = m.start() == 0
        groups = m.groupdict()
        name: str | None
        if groups.get("brand"):  # a shape strong enough that the name as written is the outlet
            raw = _PINYIN_GLOSS.sub("", groups["brand"]).strip()
            name = gazetteer.known_or_domain(raw) or raw
        else:
            # a line of its own or a sign-off after the last sentence: an outlet known or shaped like one
            org = groups.get("org") or ""
            listed = gazetteer.split_list(org)
            if len(listed) > 1 and all(gazetteer.lookup(x) for x in listed):  # '— AFP, Reuters'
                return Hit(sources=[gazetteer.credited(x) for x in listed], drop=whole, kind="tail_credit",
                           end=True, rest=None if whole else ln.text[: m.start()].rstrip())
            name = _signoff_outlet(org)
        if name:
            return Hit(sources=[name], drop=whole, kind="tail_credit", end=True,
                       rest=None if whole else ln.text[: m.start()].rstrip())
    # '... Дмитрия Пескова — Взгляд.UA.': a site appended to the last sentence without its full
    # stop - only a web domain ('... к прежнему названию – ТАСС.' names the agency, credits nobody)
    tail = _DASH_TAIL.search(ln.text)
    dm = gazetteer.DOMAIN.fullmatch(tail.group("org").strip()) if tail else None
    if tail and dm:
        return Hit(sources=[gazetteer.credited(dm.group(1))], kind="tail_credit", end=True,
                   rest=ln.text[: tail.start()].rstrip())
    return None


_LEAD_TAIL = re.compile(r"(?<=[\w.!?\"”)])\s+[-–—]{1,2}\s*(?P<org>[^\s–—-][^–—\n]{1,30}?)\s*\.?$")


def lead_end_outlet(ln: Line, f: Findings) -> Hit | None:
    """'<lead> - beritaNews': the publisher's brand closing the first paragraph (not the story's
    last) is the dateline outlet, an agency there a source; the brand must be known or shaped like
    one (a domain, a camel-case or outlet-worded name), never a person ('- Joko Widodo')."""
    m = _LEAD_TAIL.search(ln.text) if len(ln.text) >= 80 else None
    if not m:
        return None
    name = _signoff_outlet(m.group("org"))
    if not name:
        return None
    src = gazetteer.lookup(name)
    rest = ln.text[: m.start()].rstrip()
    if src and src.is_agency:
        return Hit(sources=[gazetteer.credited(name, src)], rest=rest)
    if f.dateline_outlet is not None:
        return None
    return Hit(outlet=name, rest=rest)


_WRITER_OUTLET_PLACE = re.compile(
    r"^(?P<who>[^,()\n]{3,40}),\s*(?P<org>[^,()\n]{2,30}),\s*(?P<place>[^,()\n]{2,30}?)\.?$")


def writer_outlet_place(ln: Line, f: Findings) -> Hit | None:
    """'Фёдор Лисовой, Rough&Polished, Москва', 'Jane Doe, Borneo Daily, Kuching': the writer, the
    outlet and the place signing off the story's last line - the outlet is a source (the writer's
    own outlet, the dateline outlet, is none)."""
    m = _WRITER_OUTLET_PLACE.match(ln.text) if len(ln.text) <= 100 else None
    if not m or not gazetteer.is_place(m.group("place")) or not is_name_list(m.group("who"), 1):
        return None
    org = m.group("org").strip()
    if len(m.group("who").split()) < 2 or gazetteer.is_place(org) or not gazetteer.brand_shaped(org):
        return None
    # known, a domain, an outlet word ('Borneo Daily') or a brand's glyphs in one word ('Rough&Polished',
    # 'KompasTV'); a title ('Minister of Finance', 'Editor') is none
    name = gazetteer.known_or_domain(org) or (org if gazetteer.outlet_shaped(org) or re.fullmatch(
        r"[^\W\d_]+(?:[&+!][^\W\d_]+|(?<=[a-z])[A-Z][a-z]+)+", org) else None)
    if name is None:
        return None
    if f.dateline_outlet and _same_outlet(patterns.norm_key(name), patterns.norm_key(f.dateline_outlet)):
        return Hit(drop=True, kind="signoff", credit=False)
    return Hit(sources=[name], drop=True, kind="signoff", end=True)


def broadcast_signoff(ln: Line, f: Findings) -> Hit | None:
    """'MBN뉴스 김주하입니다.' closing a transcript (signoffs)."""
    for rx in patterns.regexes("signoffs", 0, ln.lang):
        m = rx.search(ln.text)
        if not m:
            continue
        org = _KO_NEWS.sub("", m.group("org").strip()) or m.group("org").strip()
        name = gazetteer.resolve_credit(org)
        if not name:
            return None
        whole = m.start() == 0
        return Hit(sources=[name], drop=whole, kind="signoff", end=True,
                   rest=None if whole else ln.text[: m.start()].rstrip())
    return None


def embedded_photo_dateline(ln: Line, f: Findings) -> Hit | None:
    """Korean embedded photo captions carry their own agency dateline: a photo credit."""
    photos: list[str] = []
    sources: list[str] = []
    for rx in patterns.regexes("embedded_photo_patterns", 0, ln.lang):
        for m in rx.finditer(ln.text):
            if ln.first and m.start() == 0:
                continue
            if f.dateline and m.group(0).strip() == f.dateline.strip():
                continue
            got = gazetteer.classify_org(m.group("org"))
            if got and ln.first and not f.dateline and not sources:
                sources.append(got[1])  # the story's dateline behind a glued sub-title
            elif got:
                photos.append(got[1])
    for rx in patterns.regexes("provided_photo_patterns", 0, ln.lang):  # "[연합뉴스TV제공=연합뉴스]"
        for m in rx.finditer(ln.text):
            photos.extend(gazetteer.credited(x) for x in (m.group("a"), m.group("org")) if x)
    if sources:
        return Hit(sources=sources, photos=photos)
    return Hit(photos=photos, credit=False) if photos else None


def _anywhere(ln: Line) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    name: str
    where: Callable[[Line], bool]  # the positions the rule applies to
    apply: Callable[[Line, Findings], Hit | None]


RULES: tuple[Rule, ...] = (
    Rule("header_stamp", lambda ln: ln.head, header_stamp),
    Rule("byline_stamp", lambda ln: ln.head, byline_stamp),
    Rule("copied_dateline", lambda ln: ln.lead, copied_dateline),
    Rule("bracket_brand", lambda ln: ln.rank <= 1, bracket_brand),
    Rule("lead_credit", lambda ln: ln.lead, lead_credit),
    Rule("headline_credit", lambda ln: ln.lead, headline_credit),
    Rule("outlet_quote", lambda ln: ln.lead or ln.before_story, outlet_quote),
    Rule("relay_stamp", lambda ln: ln.lead or ln.last, relay_stamp),
    Rule("outlet_byline", _anywhere, outlet_byline),
    Rule("credit_without_target", _anywhere, credit_without_target),
    Rule("initials_agency_signoff", lambda ln: ln.foot, initials_agency_signoff),
    Rule("photo_credit_line", _anywhere, photo_credit_line),
    Rule("photo_credit_suffix", _anywhere, photo_credit_suffix),
    Rule("photo_known_credit", _anywhere, photo_known_credit),
    Rule("glued_caption_credit", _anywhere, glued_caption_credit),
    Rule("writer_tag", _anywhere, writer_tag),
    Rule("caption_tail_tag", _anywhere, caption_tail_tag),
    Rule("coded_end_tag", _anywhere, coded_end_tag),
    Rule("caption_photo_credits", _anywhere, caption_photo_credits),
    Rule("caption_credit", _anywhere, caption_credit),
    Rule("credit_line", _anywhere, credit_line),
    Rule("credit_in_row", lambda ln: ln.head or ln.before_story, credit_in_row),
    Rule("credit_suffix", _anywhere, credit_suffix),
    Rule("republication", _anywhere, republication),
    Rule("rights_notice", _anywhere, rights_notice),  # '<저작권자 ⓒ X, 무단 전재 ...>' first
    Rule("copyright_line", _anywhere, copyright_line),
    Rule("bare_agency_line", lambda ln: ln.foot, bare_agency_line),
    Rule("provider_label", lambda ln: 0 < ln.rank <= 3, provider_label),
    Rule("edge_name_line", lambda ln: ln.rank <= 1 or ln.rank == ln.count - 1, edge_name_line),
    Rule("writer_outlet_line", lambda ln: ln.before_story or ln.last, writer_outlet_line),
    Rule("caption_agency_tag", lambda ln: not ln.last, caption_agency_tag),
    Rule("agency_end_tag", _anywhere, agency_end_tag),
    Rule("bracket_end_tag", lambda ln: ln.last, bracket_end_tag),
    Rule("credit_sentence", _anywhere, credit_sentence),
    Rule("relay_credit", _anywhere, relay_credit),
    Rule("closing_credit", lambda ln: ln.last, closing_credit),
    Rule("lead_end_outlet", lambda ln: ln.rank == ln.story_start and not ln.last, lead_end_outlet),
    Rule("broadcast_signoff", lambda ln: ln.foot, broadcast_signoff),
    Rule("writer_outlet_place", lambda ln: ln.rank == ln.count - 1 and ln.count >= 3, writer_outlet_place),
    Rule("embedded_photo_dateline", _anywhere, embedded_photo_dateline),
)


# --- the engine -----------------------------------------------------------------------------------------


_STAMP_PAIR = re.compile(r"(?P<own>[^/]{2,30}?)\s+/\s+(?P<src>[^/]{2,30})")


def _dateline_credit(dateline: str, f: Findings, org: tuple[str, bool] | None = None) -> None:
    f.attribution_text.append(dateline)
    found = org or _dateline_org(dateline)
    # a repost's bracketed stamp of two names, '(PhatzNewsRoom / WAPO) —': the site's own brand, then the
    # outlet its copy came from (spaces around the slash: 'dpa/bb' or 'TTXVN/Vietnam+' are one name)
    pair = _STAMP_PAIR.fullmatch(found[0].strip()) if found and found[1] else None
    if found and pair and not gazetteer.lookup(found[0]):
        own, src = pair.group("own").strip(), pair.group("src").strip()
        if gazetteer.brand_shaped(own) and (gazetteer.lookup(src) or gazetteer.brand_shaped(src)):
            f.dateline_outlet = own
            f.sources.add(gazetteer.resolve_credit(src) or src)
            return
    got = gazetteer.classify_org(*found) if found else None
    if got and got[0] == "source":
        f.sources.add(got[1])
    elif got:
        f.dateline_outlet = got[1]
    # '(워싱턴 AP=연합뉴스)', '【AFP＝時事】': a foreign wire's copy as the agency carries it - the wire
    # before the '=' is a source too (a place there, '(서울=연합뉴스)', is none)
    wire = re.match(r"^\W*([^=＝\n]{1,16})[=＝]", dateline) if got and got[0] == "source" else None
    name = gazetteer.trailing_name(wire.group(1)) if wire else None
    if name and gazetteer.is_agency(name):
        f.sources.add(gazetteer.credited(name))


def _byline_credits(bylines: list[str], f: Findings) -> None:
    """Own-reporter bylines naming another outlet credit that outlet ("By X, Associated Press")."""
    own = patterns.norm_key(f.dateline_outlet) if f.dateline_outlet else None
    for b in bylines:
        for seg in re.split(r"\s*[|•·]\s*", b)[1:]:  # "Editor: X | Sumber: Y": the credit segment
            m = _rx(None)["credit_line"].match(seg)
            if m and not _looks_photo_value(m.group("val")):
                for name in gazetteer.resolve_list(m.group("val")):
                    if not _same_outlet(patterns.norm_key(name), own):
                        f.sources.add(name)
                        f.attribution_text.append(b)
        m = _rx(None)["credit_in_row"].search(b)  # "<date> 来源：人民日报 作者：王明" lifted as a byline
        for name in gazetteer.resolve_list(_row_credit_value(m.group("val"))) if m and m.start() else ():
            if not _same_outlet(patterns.norm_key(name), own):
                f.sources.add(name)
                f.attribution_text.append(b)
        for s, e, src in gazetteer.find(b):
            name = gazetteer.credited(b[s:e], src)
            if not _same_outlet(patterns.norm_key(name), own):
                f.sources.add(name)
                f.attribution_text.append(b)
        for dm in gazetteer.DOMAIN.finditer(b):
            name = gazetteer.credited(dm.group(1))
            if not _same_outlet(patterns.norm_key(name), own):
                f.sources.add(name)


_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_CJK_OR_BRACKET = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|^[\[【(\"“«„'‘]")


def _edge_fragments(lines: list[Line], dropped: set[int], f: Findings) -> None:
    """Once the credits are read, what is left of one to three words before the story's first
    paragraph, or of one or two after its last, without a sentence end, is page furniture (section
    names, widget labels, brand lines, button texts).  Quoted or bracketed lines and CJK text are
    left alone: a quoted subheading or a speaker label ("[앵커]") is the story's, and so is a
    subheading over the first paragraph that is about it (``line_model.heads_paragraph``)."""
    live = [ln for ln in lines if ln.index not in dropped and ln.text]
    paras = [ln.index for ln in live if is_paragraph(ln.text)]
    if not paras:
        return
    first, last = paras[0], paras[-1]
    for pos, ln in enumerate(live):
        words = len(ln.text.split())
        zone_max = 3 if ln.index < first else 2 if ln.index > last else 0
        if not zone_max or words > zone_max or ends_clause(ln.text):
            continue
        if _CJK_OR_BRACKET.search(ln.text):
            continue
        nxt = live[pos + 1] if pos + 1 < len(live) else None
        if nxt is not None and nxt.index == first and heads_paragraph(ln.text, nxt.text):
            continue
        if _in_running_text(live, pos):
            continue
        if (pos == 0 and words == 3 and nxt is not None and nxt.index == first
                and not _QUOTE_OR_DIGIT.search(ln.text) and not ui_word_hits(ln.text, ln.lang)):
            continue  # the text's first line, three plain words over its first paragraph: its title
        dropped.add(ln.index)
        f.removed.append({"kind": "edge_chrome", "text": ln.text})


_QUOTE_OR_DIGIT = re.compile(r"[\"'“”‘’«»„\d]")


def _lower_start(text: str) -> bool:
    """Opens with a lower-case letter (a small capital, 'ᴘᴜᴛʀᴀᴊᴀʏᴀ', is a capital here)."""
    c = text[:1]
    return c.islower() and "SMALL CAPITAL" not in unicodedata.name(c, "")


def _in_running_text(live: list[Line], pos: int) -> bool:
    """The short line is a piece of a sentence or verse the page's links or wrapping split off:
    it ends in a comma (a verse's or list's line), the sentence goes on in the next line (its
    closing bracket, or three words or more opening in lower case, no row of
    items, under a line of no UI word and no address: 'top of page' / 'ni Lolet Abania | ...' is
    a menu over a byline), or it goes on
    from the line before (it opens in lower case after three words or more without a sentence
    end; the line before is a paragraph stopping without one, 'pertemuan militer' / 'China dan';
    or ends in an opening bracket)."""
    text = live[pos].text
    prev = live[pos - 1].text if pos else ""
    nxt = live[pos + 1].text.strip() if pos + 1 < len(live) else ""
    if text.endswith((",", "，", "、", ";", "；")):
        return True
    prev_open = bool(prev) and not ends_clause(prev) and not prev.endswith((":", "：", "|"))
    if nxt and not text.endswith((":", "：", "|")) and (
            nxt[:1] == ")"
            or (_lower_start(nxt) and len(nxt.split()) >= 3 and "|" not in nxt and "." not in text
                and not ui_word_hits(text, live[pos].lang))):
        return True
    if prev_open:
        if _lower_start(text) and len(prev.split()) >= 3:
            return True
        if is_paragraph(prev) and len(prev.split()) >= 12:
            return True
        if prev.endswith(("(", "[")):
            return True
    return False


_OPEN_END = re.compile(r"[.,:;][\"'”’»)\]]*$")
_NOT_HEADLINE = re.compile(r"[:：=。！？]")
_SIGNATORY = re.compile(r"^(?P<who>[^–—]{3,60}?)\s+[–—]\s")
_CUT_OFF = re.compile(r"(?:\.\.\.|…)$")


def _teaser_headline(text: str) -> bool:
    """Another story's headline by its shape: one short line of four words or more (eight CJK
    characters), no sentence in it and no full stop, colon or comma at its end (a teaser cut off
    with "..." is one), no address or link (a reporter's mail line is a credit, not a teaser)."""
    if not is_headline_like(text, 200) or "@" in text or _BARE_URL.search(text):
        return False
    if _OPEN_END.search(text) and not _CUT_OFF.search(text):
        return False
    if _NOT_HEADLINE.search(text) or text[:1].islower():
        return False  # a labelled row or a sentence in CJK; a wrapped line's second half
    signed = _SIGNATORY.match(text)
    if signed and is_name_list(signed.group("who")):
        return False  # 'Felipe Santa Cruz – presidente do ...': a signatory and the office held
    cjk = len(_CJK_CHAR.findall(text))
    return cjk <= 50 and (len(text.split()) >= 4 or cjk >= 8)


_LINK_LINE = re.compile(
    r"^[-•·*>»]?\s*(?:(?P<label>[^\s:：][^:：]{0,60}?)\s*[:：]\s*)?" + patterns.URL_IN_TEXT + r"\s*$",
    re.IGNORECASE,
)


def _link_lines(lines: list[Line], dropped: set[int], f: Findings) -> None:
    """Once the credits are read ('Sumber: http://…' is one), a line that is nothing but a link,
    or a short label and a link ('Facebook: http://…', 'Ikuti channel WhatsApp ini: https://…'), is
    link furniture: running text never consists of an address alone."""
    for ln in lines:
        if ln.index in dropped or len(ln.text) > 300:
            continue
        m = _LINK_LINE.match(ln.text)
        if m and len((m.group("label") or "").split()) <= 8:
            dropped.add(ln.index)
            f.removed.append({"kind": "link_line", "text": ln.text})


_MENU_SEP = re.compile(r"\s*(?:>>|[>»›|])\s*|\s{2,}")
_MENU_POINTER = re.compile(r">>|[>»›]")


def _menu_row(text: str) -> bool:
    """A row of short items side by side: three or more of at most three words (20 characters)
    apart by '>', '»', '|' or a wide gap ('新聞  部落格  u值媒', 'Home > News > World', a ticker
    '• IDX30 446   -1,75   -0,39%'), or two joined by a breadcrumb's pointer ('人民網日本語版>>政治');
    no sentence end."""
    s = text.strip().strip("|>»•· ").strip()
    if not s or len(s) > 120 or re.search(r"[.!?。！？]$", s):
        return False
    parts = [p for p in _MENU_SEP.split(s) if p.strip()]
    if any(p.strip().endswith((":", "：")) for p in parts):
        return False  # 'Sumber | : | X |': a labelled row (a credit or a byline), not a menu
    if len(parts) < 3 and not (len(parts) == 2 and _MENU_POINTER.search(s)):
        return False
    return all(len(p.split()) <= 3 and len(p) <= 20 for p in parts)


_FIGURE_CELL = re.compile(r"^[-+–]?\d[\d.,:%/ +–-]*$")


def _table_cells(text: str) -> list[str] | None:
    """The cells of a table row as the extractor writes it ('| 24 | Ty Dillon | 613 |'), else None."""
    s = text.strip()
    if len(s) < 5 or s[0] != "|" or s[-1] != "|":
        return None
    return [c.strip() for c in s[1:-1].split("|")]


def _data_table_rows(lines: list[Line]) -> set[int]:
    """Indexes of the rows of data tables below the story's first paragraph: two or more table rows
    in a row, of as many cells, one of them holding a figure (a standings table, a schedule,
    results).  The story's table goes on past its last sentence; a menu's items are words, a ticker
    sits above the story."""
    rows: set[int] = set()
    run: list[tuple[Line, list[str]]] = []

    def close() -> None:
        if len(run) >= 2 and any(_FIGURE_CELL.match(c) for _, cells in run for c in cells):
            rows.update(ln.index for ln, _ in run)
        run.clear()

    for ln in lines:
        cells = _table_cells(ln.text) if ln.rank > ln.story_start else None
        if cells is None or len(cells) < 2:
            close()
            continue
        if run and len(cells) != len(run[0][1]):
            close()
        run.append((ln, cells))
    close()
    return rows


def _menu_rows(lines: list[Line], dropped: set[int], f: Findings) -> None:
    """Once the credits are read ('Sumber | : | X |' is one), menu, breadcrumb and ticker rows
    (``_menu_row``) above the story's first paragraph or below its last are page chrome; a data
    table's rows (``_data_table_rows``) are the story's."""
    table = _data_table_rows(lines)
    for ln in lines:
        if ln.index in dropped or ln.story_start <= ln.rank <= ln.story_end:
            continue
        if _menu_row(ln.text) and ln.index not in table:
            dropped.add(ln.index)
            f.removed.append({"kind": "edge_chrome", "text": ln.text})


_SCHEDULE_ROW = re.compile(r"^(?P<key>[^|:–—]{1,24}?)\s+(?P<sep>--|[-–—|:])\s+\S")


def _schedule_row(text: str) -> str | None:
    """The separator of a schedule's row, a key of at most three words holding a figure (a date, a time,
    a number) before its entry: 'Sept. 12 -- Shoreline Amphitheatre, Mountain View, CA', '12/03 | Final';
    else None.  Another story's headline does not open with a date and a separator."""
    m = _SCHEDULE_ROW.match(text.strip())
    if not m or len(m.group("key").split()) > 3 or not any(c.isdigit() for c in m.group("key")):
        return None
    return m.group("sep")


def _introduces_list(text: str) -> bool:
    """'The budget's main items:', 'Here is what changes for drivers:': a line of the story's own words
    (three or more) that ends in a colon announces the list under it; a block's label ('More:',
    'Read more:') is shorter and cleaning has taken it."""
    return text.rstrip().endswith((":", "：")) and len(text.split()) >= 3


def _trailing_headlines(lines: list[Line], dropped: set[int], f: Findings) -> None:
    """Short unrelated headlines after the closing credit of the article are boilerplate; without
    a closing credit, a run of two or more headline-shaped lines that ends the body after the
    story's running text is a list of other stories (a "most read" or "more in" block, one headline
    a line, in any language), and so is the short label line right above such a run - unless the
    run's rows and the story's line above it are rows of one schedule (``_schedule_row``: a tour's
    dates, whose rows with a full stop end the run early)."""
    if not lines:
        return
    live = [ln for ln in lines if ln.index not in dropped]
    if f.end_marker > lines[0].index:
        tail = [ln for ln in live if ln.index > f.end_marker]
        # a line of words opening in lower case continues the line above: a hard-wrapped paragraph
        # (the next story of a clippings page), not a list of headlines ('dikGAZETE.com' is a name)
        # a sentence of twenty words or more closing with its full stop is running text too: the
        # next item of a round-up (its headline over its one-sentence paragraph), not a headline
        # ('Tom Llamas se convierte en ... de NBC en EE.UU.', fifteen words, is one)
        if (tail and len(tail) <= 12 and all(is_headline_like(ln.text, 200) for ln in tail)
                and not any(ln.text[:1].islower() and len(ln.text.split()) >= 3 for ln in tail)
                and not any(ends_clause(ln.text) and len(ln.text.split()) >= 20 for ln in tail)):
            for ln in tail:
                dropped.add(ln.index)
                f.removed.append({"kind": "trailing_headline", "text": ln.text})
            return
    run: list[Line] = []
    table = _data_table_rows(lines)
    for ln in reversed(live):
        if not _teaser_headline(ln.text) or ln.index in table:
            break
        run.append(ln)
    story = live[: len(live) - len(run)]
    shape = _schedule_row(story[-1].text) if story else None
    if shape and all(_schedule_row(ln.text) == shape for ln in run):
        return  # the story's schedule goes on ('Sept. 5 -- ...' / 'Sept. 12 -- ...'): its rows, no teasers
    if story and _introduces_list(story[-1].text):
        return  # 'The budget's main items:' over its rows: the story's own list, no teasers
    if len(run) == 1 and story and is_paragraph(story[-1].text) and ends_clause(story[-1].text) \
            and is_title_cased(run[0].text) and len(run[0].text.split()) >= 5:
        pass  # one title-cased headline after the story's closing sentence: another story's teaser
    elif len(run) < 2 or len(run) > 12 or not any(is_paragraph(ln.text) for ln in story):
        return
    if story and len(story[-1].text.split()) <= 4 and not ends_clause(story[-1].text) \
            and not is_paragraph(story[-1].text):
        run.append(story[-1])  # the block's label ("Más en Mundo", "More articles")
    for ln in sorted(run, key=lambda x: x.index):
        dropped.add(ln.index)
        f.removed.append({"kind": "trailing_headline", "text": ln.text})


@patterns.per_scope
def _bare_photo_label(lang: str | None) -> re.Pattern[str]:
    photo = patterns.label_alternation("photo_labels", lang) or r"(?!x)x"
    return re.compile(r"^[(\[]?\s*(?:" + photo + r")\s*[:：=]\s*$", re.IGNORECASE)  # the separator written


def _join_split_photo_labels(raw: list[str], lang: str | None) -> list[str]:
    """'Foto:' on its own line over 'Bernd von Jutrczenka/ dpa' (a caption's label and value split
    by the page's markup): one credit line, so the value is read as a photo credit."""
    for i, line in enumerate(raw):
        if not line or len(line) > 20 or not _bare_photo_label(lang).match(line):
            continue
        j = next((k for k in range(i + 1, min(len(raw), i + 3)) if raw[k]), None)
        if (j is not None and len(raw[j]) <= 80 and not ends_clause(raw[j]) and ":" not in raw[j]
                and not _bare_photo_label(lang).match(raw[j] + ":")):
            raw[i], raw[j] = f"{line.rstrip(' :：=')}: {raw[j]}", ""
    return raw


@patterns.per_scope
def _dangling_byline_prefix(lang: str | None) -> re.Pattern[str]:
    words = patterns.label_alternation("byline_prefixes", lang, flags=0) or r"(?!x)x"
    return re.compile(r"(?:^|\s)(?P<prefix>" + words + r")\s*$")  # as written: 'By', not '... curated by'


def _join_split_bylines(raw: list[str], lang: str | None) -> list[str]:
    """'date 2025-04-23 By' over 'The Associated Press' (a byline's word and its name split by the
    page's markup): when the next line is a known outlet or agency alone, they are one byline line,
    'By The Associated Press', read by ``outlet_byline``; the line above keeps the rest."""
    for i, line in enumerate(raw):
        if not line or len(line) > 80:
            continue
        m = _dangling_byline_prefix(lang).search(line)
        j = next((k for k in range(i + 1, min(len(raw), i + 3)) if raw[k]), None) if m else None
        if m is None or j is None or len(raw[j]) > 40:
            continue
        src = gazetteer.lookup(raw[j].rstrip(" ."))
        if src is not None and not src.is_photo:
            raw[i], raw[j] = line[: m.start()].rstrip(), f"{m.group('prefix')} {raw[j]}"
    return raw


def attribute(
    text: str,
    lang: str | None,
    dateline: str | None = None,
    bylines: list[str] | None = None,
    ends_after: int | None = None,
    dateline_org: tuple[str, bool] | None = None,
    byline_agencies: list[str] | None = None,
) -> Attribution:
    """Find the article's credited sources in a cleaned body (see module doc).

    ``dateline`` is the raw dateline that cleaning lifted off the first line; ``bylines`` are the
    byline lines it removed (an own-reporter byline naming another outlet credits that outlet);
    ``ends_after`` is how many body lines came before a byline that closed the story (cleaning's
    ``Cleaned.ends_after``): like a closing credit, it ends the story; ``dateline_org`` is the org
    cleaning read in the dateline (``Cleaned.dateline_org``; without it the dateline is read again);
    ``byline_agencies`` are the agencies extraction read in the page's byline ("By Jane Doe, AFP":
    ``byline_agency`` segments of ``pipelines/extract_meta.py``), credited after the body's own."""
    text = normalize_text(text)
    scope = scope_lang(lang)
    f = Findings(dateline=dateline)
    if dateline:
        _dateline_credit(dateline, f, dateline_org)
    raw = _join_split_bylines(_join_split_photo_labels([s.strip() for s in text.split("\n")], scope), scope)
    content = [i for i, s in enumerate(raw) if s]
    paras = [r for r, i in enumerate(content) if is_paragraph(raw[i])]
    lines = [
        Line(index=i, text=raw[i], original=raw[i], rank=r, count=len(content), lang=scope, first=r == 0,
             story_start=paras[0] if paras else 0, story_end=paras[-1] if paras else -1,
             prev=raw[content[r - 1]] if r else "")
        for r, i in enumerate(content)
    ]
    if ends_after and 0 < ends_after <= len(lines):
        f.end_marker = lines[ends_after - 1].index
    f.captions = marked_captions([ln.original for ln in lines], scope)
    dropped: set[int] = set()
    captions: dict[str, tuple[str, bool]] = {}  # a line read as a caption: (its text left, dropped)
    for ln in lines:
        copy = captions.get(ln.original)
        if copy is not None:  # the picture's alt text, then its caption: one caption, read alike
            ln.text = copy[0]
            if copy[1]:
                dropped.add(ln.index)
            continue
        photo_only = None
        for rule in RULES:
            if not rule.where(ln):
                continue
            hit = rule.apply(ln, f)
            if hit is None:
                continue
            f.record(ln, hit)
            photo_only = (photo_only is not False and bool(hit.photos) and not hit.sources
                          and not hit.outlet and not hit.credit)
            if hit.drop:
                dropped.add(ln.index)
                break
        if photo_only:
            captions[ln.original] = (ln.text, ln.index in dropped)
    _byline_credits(bylines or [], f)
    _link_lines(lines, dropped, f)
    _trailing_headlines(lines, dropped, f)
    _menu_rows(lines, dropped, f)
    _edge_fragments(lines, dropped, f)
    for agency in byline_agencies or ():
        if isinstance(agency, str) and agency.strip():
            f.sources.add(gazetteer.credited(agency, gazetteer.lookup(agency)))

    if f.dateline_outlet:
        own = patterns.norm_key(f.dateline_outlet)
        f.sources.items = [s for s in f.sources.items if not _same_outlet(patterns.norm_key(s), own)]
    by_index = {ln.index: ln.text for ln in lines}
    kept: list[str] = []
    for i, s in enumerate(raw):
        if i in dropped:
            continue
        s = by_index.get(i, "")
        if s:
            kept.append(s)
        elif kept and kept[-1]:
            kept.append("")
    is_wire = any((gazetteer.lookup(s) or patterns.Organisation(s, "outlet")).is_agency
                  for s in f.sources.items)
    return Attribution(
        sources=f.sources.items,
        attribution_text=f.attribution_text,
        photo_credits=f.photos.items,
        dateline_outlet=f.dateline_outlet,
        is_wire_copy=is_wire,
        body="\n".join(kept).strip(),
        removed_segments=f.removed,
        attribution_lines=f.attribution_lines,
    )
