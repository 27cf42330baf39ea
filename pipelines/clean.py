"""Clean an extracted article body: drop inline news boilerplate, lift bylines and the dateline.

Pure function, line based: extractors hand us paragraphs one per line, and every boilerplate kind
we remove (read-also links, follow/newsletter prompts, page chrome, related-headline blocks,
bylines) is a whole line.  Labels come from ``pipelines/patterns/*.yaml`` and are anchored at the
start of a line, so an ordinary sentence that merely contains "baca juga" or "source" is kept.
Nothing is dropped silently: every removed line lands in ``removed_segments`` with its kind.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import TypedDict

from pipelines import gazetteer, patterns
from pipelines.regex_guard import requires_one_of
from pipelines.sentences import (
    SENTENCE_BREAK,
    SENTENCE_END,
    ends_sentence,
    heads_wrapped_sentence,
    sentence_count,
)

MAX_CHARS = 200_000  # a body beyond this is not an article; keep the head, record the cut
_HEAD_ZONE = 8  # bylines / datelines are searched in the first and last lines only
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b-\u200d]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bdan\b|\bund\b|\bet\b|\by\b|\be\b|\bi\b|\bи\b)\s*")
_PARTICLES = {
    "de",
    "da",
    "do",
    "dos",
    "das",
    "del",
    "van",
    "von",
    "der",
    "den",
    "di",
    "du",
    "la",
    "le",
    "bin",
    "binti",
    "bt",
    "al",
    "el",
    "ibn",
    "y",
    "zu",
    "ter",
    "ten",
    "mc",
}
# words that lead a sentence into a domain name ("data dari BPS.go.id — ..."), so no headline ends with them
_INTO_DOMAIN = frozenset(
    {"di", "ke", "dari", "pada", "oleh", "laman", "situs", "website", "portal", "akun"}
    | {"from", "at", "of", "on", "to", "by", "via", "the", "in"}
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_BULLET = re.compile(r"^[\s•·*>»▪►◦‣-]+")
# another story's teaser cut short by the widget: a bullet, or a capitals dateline, then text that
# breaks off with an ellipsis ("• Presiden ... mena...", "GEORGE TOWN 10 Mac - ... terhadap...")
_TRUNCATED_TEASER = re.compile(
    r"^(?:[•▪►◦‣]\s*|[A-Z][A-Z ]{2,25}\s+\d{1,2}\s+\w{3,9}\s+[-–—]\s+)\S.{30,300}?[\w,](?:\.\.\.|…)\s*$"
)
_TEASER = re.compile(r"^(?P<label>[A-Z][^:\n]{2,60}[A-Za-z)]):(?P<head>[A-Z\"“‘'][^\n]{10,220})$")
# a bracketed label of a few characters over a headline, in any script: "【写真】<headline>",
# "[FOTO] <headline>", "【なぜ】<headline>!?", "[5월2주] <headline>"
_BRACKET_LABEL_TEASER = re.compile(
    r"^[\[【〔［](?P<label>[^\]】〕］]{1,8})[\]】〕］]\s*(?P<head>\S.{4,150})$")
_FULL_STOP_IN = re.compile(r"[。．]|(?<!\.)\.(?:\s|$|[)\]」』”’])")


@dataclass
class Cleaned:
    body: str
    dateline: str | None = None  # raw dateline text, e.g. "JAKARTA, KOMPAS.com -"
    removed_segments: list[dict[str, str]] = field(default_factory=list)  # {"kind", "text"}
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    dateline_line: str | None = None  # the whole original line the dateline opened
    # non-empty body lines before the last byline of the foot (the story ends there), or None
    ends_after: int | None = None
    # (the org the dateline names, in the agency stamp's bracketed form opening the line) or None
    dateline_org: tuple[str, bool] | None = None
    # what the opening dateline's line held after it (the lead as ``body`` has it), or None
    dateline_rest: str | None = None


def scope_lang(lang: str | None) -> str | None:
    """'id-ID' -> 'id' when that language has its own pattern file, else None (every file applies)."""
    if not lang or not isinstance(lang, str):
        return None
    return patterns.scope_key(lang.strip().lower().replace("_", "-").split("-")[0])


class _LineRules(TypedDict):
    prompt: patterns.LineSearch | None  # None: no prompt patterns in this scope
    notice: patterns.LineSearch | None  # None: no notice patterns in this scope
    chrome: re.Pattern[str] | None  # None: no chrome patterns in this scope
    related: re.Pattern[str]
    byline_seg: re.Pattern[str]
    byline_start: re.Pattern[str]
    byline_prefix: re.Pattern[str]


@patterns.per_scope
def _rx(lang: str | None = None) -> _LineRules:
    never = r"(?!x)x"  # a scope without labels of a kind matches nothing of that kind
    related = patterns.label_alternation("related_labels", lang) or never
    authors = patterns.label_alternation("byline_authors", lang) or never
    editors = patterns.label_alternation("byline_editors", lang) or never
    prefixes = patterns.label_alternation("byline_prefixes", lang, flags=0) or never  # (case-sensitive)
    return {
        "prompt": patterns.line_search("prompts", lang=lang),
        "notice": patterns.line_search("notices", lang=lang),
        "chrome": patterns.combined("chrome_patterns", lang=lang),
        "related": re.compile(
            r"^[\s\-–—•*>»·\[(]{0,3}(?P<label>"
            + related
            + r")(?![\w])\s*(?P<sep>[:：|»>\-–—]+)?\s*(?P<rest>.*)$",
            re.IGNORECASE,
        ),
        "byline_seg": re.compile(
            r"(?:^|[|/•·]\s*)(?:(?P<a>"
            + authors
            + r")|(?P<e>"
            + editors
            + r"))\s*[:：|]\s*(?P<val>[^|/:•·]+)",
            re.IGNORECASE,
        ),
        "byline_start": re.compile(r"^(?:" + authors + "|" + editors + r")\s*[:：|]", re.IGNORECASE),
        "byline_prefix": re.compile(r"^(?:" + prefixes + r")\s+(?P<names>\S.{1,150})$"),
    }


def normalize_text(text: object) -> str:
    """Any input -> clean unicode text with '\\n' line breaks (never raises)."""
    if text is None:
        return ""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        text = str(text)
    global _normalized
    if text is _normalized:  # the stages pass a normalised body on: not again
        return text
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:  # (a search cost 15 ns a char)
        text = _NEWLINES.sub("\n", text)
    text = _CTRL.sub("", text)
    _normalized = text = unicodedata.normalize("NFC", text)
    return text


_normalized = ""  # the last text normalize_text returned


def is_headline_like(line: str, max_len: int = 200) -> bool:
    """Short and not a multi-sentence paragraph: the shape of a related headline or a teaser."""
    s = line.strip()
    if not s or len(s) > max_len:
        return False
    return sentence_count(s) <= 1


def is_title_cased(text: str) -> bool:
    """Headline case: three or more words of four letters or more, three in four capitalised."""
    long = [w for w in text.split() if len(w) >= 4 and w[:1].isalpha()]
    return len(long) >= 3 and sum(w[:1].isupper() for w in long) >= 0.75 * len(long)


def is_name_list(text: str, max_names: int = 5) -> bool:
    """True for 'Jane Doe, John Roe and Ana de Silva' style person/outlet lists (no sentence)."""
    text = text.strip().rstrip(".")
    if not text or len(text) > 150 or SENTENCE_END.search(text) and text.count(".") > 2:
        return False
    names = [n for n in _NAME_SPLIT.split(text) if n]
    if not names or len(names) > max_names:
        return False
    for name in names:
        toks = name.split()
        if not 1 <= len(toks) <= 5:
            return False
        for tok in toks:
            if tok.casefold() in _PARTICLES:
                continue
            if not (tok[:1].isupper() or tok[:1] in "'’(\"") or any(c.isdigit() for c in tok):
                return False
    return True


def split_names(text: str) -> list[str]:
    return [n.strip(" .") for n in _NAME_SPLIT.split(text.strip()) if n.strip(" .")]


def _block_pattern(line: str, lang: str | None = None) -> bool:
    """A line that opens a block of other stories' headlines by its shape ("Next In Nation")."""
    rx = patterns.combined("block_patterns", lang=lang)
    return len(line) <= 60 and bool(rx and rx.fullmatch(line.strip(" :")))


@patterns.loaded_once
def _date_token() -> re.Pattern[str]:
    words = sorted({w.casefold() for w in patterns.merged("date_words")}, key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in words)
    # a number may close with its full stop ('21. August 2020'); a CJK date writes its units after
    # the numbers ('2019年12月25日', '10時30分')
    return re.compile(r"(?:\d+(?:[:./-]\d+)*\.?|(?:\d{1,4}[年月日時时分秒])+|(?:" + alt + r")\.?|[^\w\s]+)",
                      re.IGNORECASE)


def is_date_line(line: str) -> bool:
    """A date widget: only month/weekday names, date words, numbers and separators, with a digit
    ('21. August 2020, 09:11 Uhr', 'Diterbitkan: Sabtu, 30 Ogos 2014 3:09 PM', '2019年12月25日')."""
    s = line.strip()
    if not s or len(s) > 60 or not any(c.isdigit() for c in s):
        return False
    toks = re.sub(r"[:：](?=\s|$)", " : ", s.replace(",", " , ")).split()
    return len(toks) <= 10 and all(_date_token().fullmatch(tok) for tok in toks)


def _is_counter(line: str) -> bool:
    """'15 meneos', '2 dni', 'RM 13.90/month', '399 тыс.': a few tokens, most of them numbers."""
    toks = line.split()
    if not 0 < len(toks) <= 6 or len(line) > 40 or any(len(t) > 14 for t in toks):
        return False
    numeric = sum(sum(c.isdigit() for c in t) >= 0.3 * len(t) for t in toks)
    if not any(t[:1].isdigit() or sum(c.isdigit() for c in t) * 2 > len(t) for t in toks):
        return False  # "Źródło: tvn24": a name with digits in it is no count
    if re.search(r"[^\W\d_]\s*[:：]\s*[^\W\d_]", line):
        return False  # "<date> <time> 来源：X 作者：Y": a row of labelled names, not a count
    return numeric * 2 >= len(toks) and not (
        SENTENCE_END.search(line) and len(toks) > 3
    )


def _is_chrome(line: str, lang: str | None = None) -> bool:
    if patterns.norm_key(line) in patterns.chrome_line_keys(lang):
        return True
    if is_date_line(line):
        return True
    rx = _rx(lang)["chrome"]
    return bool(rx and rx.fullmatch(line)) or _is_chrome_row(line, lang)


# a row of UI links: pipes, middle dots or bullets between them, or two links' texts glued
# ("Skip to playerSkip to main content": a lower-case letter then a capital)
_ROW_SPLIT = re.compile(r"\s*[|｜·•]\s*|(?<=[a-z])(?=[A-Z])")


def _is_chrome_row(line: str, lang: str | None) -> bool:
    """'打印 | 收藏 | 发给好友', 'Mais atualizações Voltar ao topo' is not one (no separator), but
    'Skip to playerSkip to main content' is: two or more parts, each a chrome line of its own."""
    if len(line) > 120:
        return False
    parts = [p for p in _ROW_SPLIT.split(line) if p and p.strip(" |｜·•")]
    if len(parts) < 2:
        return False
    keys = patterns.chrome_line_keys(lang)
    return all(patterns.norm_key(p) in keys for p in parts)


def _is_prompt(line: str, lang: str | None = None) -> bool:
    """A share/follow/subscribe prompt (a short line), or a site's standing notice (notices: a
    disclaimer, the comment rules, a spelling note - such a line may run long)."""
    if len(line) > 800:
        return False
    if len(line) <= 220:
        rx = _rx(lang)["prompt"]
        if rx and rx.search(line):
            return True
    notice = _rx(lang)["notice"]
    return bool(notice and notice.search(line))


def _related(line: str, lang: str | None = None) -> tuple[bool, bool]:
    """(is a read-also line, the headline follows on the next line)."""
    if len(line) > 300:  # a paragraph (tested first: most lines are, and the label scan is not cheap)
        return False, False
    m = _rx(lang)["related"].match(line)
    if not m:
        return False, False
    label, sep, rest = m.group("label"), m.group("sep"), m.group("rest").strip()
    if not rest:
        return True, True
    if sep:
        # "VIDEO: Reuters" credits the clip (attribution reads it); "VIDEO: <headline>" is a teaser
        first = re.split(r"\s*[/,;]\s*", rest, maxsplit=1)[0]
        if len(rest) <= 60 and gazetteer.resolve_credit(first.strip(" .()"), known_only=True):
            return False, False
        return True, False
    # no separator: "Baca juga Aturan Baru ..." - multi-word label, capitalised line, headline after
    if (
        len(label.split()) >= 2
        and line.lstrip(" -–—•*>»·[(")[:1].isupper()
        and (rest[:1].isupper() or rest[:1].isdigit() or rest[:1] in "\"“'‘")
    ):
        return is_headline_like(line), False
    return False, False


def _more_linked(line: str, lang: str | None) -> bool:
    """A further headline of a read-also block under a bare label ("Baca juga:" then one headline a
    line): headline-shaped, no sentence, and longer than a subheading (five words or more), so the
    story's own "Kronologi Kejadian" after the block stays."""
    words = line.split()
    if not (5 <= len(words) <= 25 and (line[:1].isupper() or line[:1].isdigit())):
        return False  # a hard-wrapped paragraph's next line starts in lower case or with its quote
    if SENTENCE_END.search(line) or line.endswith(":") or "|" in line:
        return False  # a sentence, a label, a 'Sumber | : | X |' row
    # headlines of such blocks are title-cased; a wrapped sentence is not
    long = [w for w in words if len(w) >= 4 and w[:1].isalpha()]
    title = sum(w[:1].isupper() for w in long)
    return bool(long) and title >= 0.6 * len(long) and not _related(line, lang)[0]


def _byline(line: str, zone: bool, lang: str | None = None) -> tuple[list[str], list[str]] | None:
    """Authors and editors named by a byline line, or None if the line is not a byline."""
    rx = _rx(lang)
    if len(line) <= 200 and rx["byline_start"].match(line):
        authors: list[str] = []
        editors: list[str] = []
        for seg in rx["byline_seg"].finditer(line):
            names = [n for n in split_names(seg.group("val")) if n]
            (authors if seg.group("a") else editors).extend(names)
        if authors or editors:
            return authors, editors
    if not zone:
        return None
    for rx_rep in patterns.regexes("reporter_bylines", 0, lang):
        m = rx_rep.fullmatch(line)
        if m:
            name = (m.groupdict().get("name") or "").strip()
            return ([name] if name else []), []
    m = rx["byline_prefix"].match(line)
    if m and is_name_list(m.group("names")):
        return split_names(m.group("names")), []
    return None


def _dateline_rxs(lang: str | None = None) -> tuple[re.Pattern[str], ...]:
    return patterns.regexes("dateline_patterns", 0, lang)


# a dateline's separators: most dateline patterns need one of them (a dash, a colon, a bracket, a slash)
_DATELINE_MARKS = "-–—:(/【[|（：｜"
_DATELINE_MARK = re.compile("[" + re.escape(_DATELINE_MARKS) + "]")


@patterns.per_scope
def _unmarked_dateline_rxs(lang: str | None) -> tuple[re.Pattern[str], ...]:
    """The dateline patterns that can match a line holding none of ``_DATELINE_MARKS``, in their order:
    on such a line (most lines of a story) the others cannot match and are not tried."""
    return tuple(rx for rx in _dateline_rxs(lang) if not requires_one_of(rx, _DATELINE_MARKS))


def dateline_org(m: re.Match[str]) -> str | None:
    """The org a dateline match names - the one reading of it, for cleaning and attribution:
    its first org group that is no country ('GAZA (Palestina) -', 'MANILA, Philippines -': the
    place and its country, no org); a stamp that ends with a known name ('【ワシントン共同】', group
    ``orgk``) that name; a brand opening the lead (group ``orgw``) when the gazetteer knows the whole
    of it; with no org group, a known agency or outlet where the place would be
    ('BERNAMA -')."""
    groups = m.groupdict()
    if groups.get("orgk"):
        return gazetteer.trailing_name(groups["orgk"])
    if groups.get("orgw"):  # 'Folha de S.Paulo – <lead>': the whole name a known agency or outlet
        return groups["orgw"].strip() if gazetteer.lookup(groups["orgw"]) else None
    orgs = [v for k, v in groups.items() if k.startswith("org") and v]
    for v in orgs:
        if not gazetteer.is_country(v):
            return v.strip()
    return None if orgs else _known_place_org(m.group("dl"))


def bracketed_org(m: re.Match[str]) -> bool:
    """The dateline is the agency stamp's own form opening the line (group ``orgb``: '(<org>) -',
    '[<org> <name> 기자]'); after a place the brackets may be a nickname ('Joko Widodo (Jokowi) -')."""
    return bool(m.groupdict().get("orgb")) and m.group("dl").lstrip()[:1] in "([【"


def _stamp_after_place(m: re.Match[str]) -> bool:
    """'Kupang (Flores Pos) -', 'KUALA LUMPUR (Utusan) -': the stamp's bracket after a place of one
    word, or of up to three words in capitals - not after a person's name ('Joko Widodo (Jokowi) -')."""
    if not m.groupdict().get("orgb"):
        return False
    place = m.group("dl").split("(", 1)[0].strip(" ,")
    words = place.split()
    if not words or any(c.isdigit() for c in place):
        return False
    letters = [c for c in place if c.isalpha()]
    return len(words) == 1 or (len(words) <= 3 and all(c.isupper() for c in letters))


def plausible_dateline_org(org: str, bracketed: bool = False) -> bool:
    """An org inside a dateline must be a known source or look like a brand / agency."""
    return gazetteer.plausible_org(org, bracketed)


def _known_place_org(dateline: str) -> str | None:
    """'BERNAMA -', 'VIVA –': a "place-only" dateline whose word is a known agency or outlet."""
    word = dateline.strip().rstrip("-–—:,. ").strip()
    return word if len(word) >= 2 and gazetteer.lookup(word) else None


def _lead_brand(org: str) -> bool:
    """A brand opening '<Brand>, <Place> -': known, or its first word is a known name or in capitals
    ('TEMPO Interaktif'); a weekday or a person's name before a place is no brand."""
    words = org.split()
    first = words[0]
    letters = [c for c in first if c.isalpha()]
    if gazetteer.lookup(org) or gazetteer.lookup(first):
        return True
    if len(words) == 1 and re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+", first):
        return True  # "BeritaNusa, Jakarta -": a camel-case brand (no weekday or person is written so)
    # one unknown word in capitals before a place is the city of a city-country dateline
    # ("MANILA, Philippines -", "BEIRUT, Lebanon -"); a brand in capitals has a second word
    return len(words) > 1 and len(letters) >= 3 and all(c.isupper() for c in letters)


def find_dateline(line: str, lang: str | None = None, with_org_only: bool = False) -> tuple[str, str] | None:
    """(dateline text, rest of the line) if ``line`` opens with a dateline (with ``with_org_only``,
    only one naming an outlet or agency: deep in the page a bare place is no dateline)."""
    found = match_dateline(line, lang, with_org_only)
    return (found[0], found[1]) if found else None


def match_dateline(line: str, lang: str | None = None,
                   with_org_only: bool = False) -> tuple[str, str, str | None, bool] | None:
    """(dateline text, rest of the line, the org it names or None, whether in the agency stamp's
    bracketed form opening the line) - see ``find_dateline``."""
    scope = scope_lang(lang)
    for rx in _dateline_rxs(scope) if _DATELINE_MARK.search(line) else _unmarked_dateline_rxs(scope):
        m = rx.match(line)
        if not m:
            continue
        org = dateline_org(m)
        if org is None and (m.groupdict().get("orgk") or m.groupdict().get("orgw")):
            continue  # a '【…】' stamp not ending with a known name, an unknown brand
        if with_org_only and org is None:
            continue
        rest = line[m.end() :].strip()
        if org is not None:
            if m.groupdict().get("orgl"):
                if not _lead_brand(org):
                    continue
            elif m.groupdict().get("orgs"):  # a stamp shape strong enough for any brand-shaped name
                if not gazetteer.brand_shaped(org):
                    continue
            elif not plausible_dateline_org(org, bracketed_org(m) or _stamp_after_place(m)):
                continue
        elif not (len(rest) >= 80 or SENTENCE_END.search(rest)):
            continue  # a place-only "dateline" on a title-like line is more likely a headline dash
        elif _caption_marker(m.group("dl")):
            continue  # 'ILUSTRASI - <caption>', 'FOTO - ...': a picture's caption, not a place
        # the brand-first form, checked by _lead_brand, is as strong a shape as the bracketed stamp
        strong = (bracketed_org(m) or _stamp_after_place(m) or bool(m.groupdict().get("orgl"))
                  or bool(m.groupdict().get("orgs")))
        return m.group("dl").strip(), rest, org, org is not None and strong
    return None


@patterns.loaded_once
def _caption_markers() -> frozenset[str]:
    """The photo labels of every language, as line keys ("ilustrasi", "foto", "photo")."""
    return frozenset(patterns.norm_key(label) for label in patterns.merged("photo_labels"))


def _caption_marker(dateline: str) -> bool:
    """A place-only dateline's head that is a photo label ('ILUSTRASI -', 'FOTO:')."""
    return patterns.norm_key(dateline.rstrip(" -–—:|")) in _caption_markers()


def _place_list(head: str) -> bool:
    """'BEIRUT/THE', 'GAZA CITY/': the first places of a wire dateline filed from two (in capitals,
    joined by a slash), not a headline or a caption glued before the stamp."""
    letters = [c for c in head if c.isalpha()]
    return "/" in head and len(head.split()) <= 4 and len(letters) >= 3 and all(c.isupper() for c in letters)


def find_midline_dateline(line: str, lang: str | None = None) -> tuple[str, str, str, str | None] | None:
    """(dateline, headline, text, agency) for "<headline> <Outlet> -- <text>"; the outlet must be a
    domain or a known source, so an ordinary dash inside a sentence is never taken for a stamp.  An
    agency's bracketed stamp behind a glued caption or headline ("…RightsLONDON, Nov 29 (Reuters) -",
    group ``orgk``) gives the agency it ends with (a known agency only); the head may then end a
    caption's sentence."""
    for rx in patterns.regexes("midline_datelines", 0, scope_lang(lang)):
        m = rx.fullmatch(line)
        if m and m.groupdict().get("orgk"):
            name = gazetteer.trailing_name(m.group("orgk"))
            if name and gazetteer.is_agency(name):
                head = m.group("head").strip()
                if _place_list(head):  # 'BEIRUT/THE HAGUE, March 7 (Reuters) -': one stamp of two places
                    return line[: m.end("dl")].strip(), "", m.group("rest").strip(), name
                return m.group("dl").strip(), head, m.group("rest").strip(), name
            continue
        if not m or not ("." in m.group("org") and plausible_dateline_org(m.group("org"))):
            continue
        head = m.group("head").strip()
        # the head is a headline: no closing punctuation, not a sentence leading into the domain
        last = head.split()[-1].casefold()
        if head[-1] in ".!?:;," or last in _INTO_DOMAIN or not head[:1].isupper():
            continue
        return m.group("dl").strip(), head, m.group("rest").strip(), None
    return None


def clean(text: str, lang: str | None = None) -> Cleaned:
    """Remove inline boilerplate and bylines, lift the dateline.  With a known ``lang`` only the
    pattern files of its scope apply (common, the language, its relatives, English UI strings);
    with ``lang`` None or unknown, every language file does."""
    lang = scope_lang(lang)
    text = normalize_text(text)
    removed: list[dict[str, str]] = []
    if len(text) > MAX_CHARS:
        removed.append({"kind": "truncated", "text": f"{len(text) - MAX_CHARS} chars after {MAX_CHARS}"})
        text = text[:MAX_CHARS]
    lines = [ln.strip() for ln in text.split("\n")]
    n = len(lines)
    _cut_residue(lines, removed, lang)
    nonempty = [i for i, ln in enumerate(lines) if ln]
    zone = set(nonempty[:_HEAD_ZONE]) | set(nonempty[-_HEAD_ZONE:])
    kinds: list[str | None] = [None] * n
    first_para = next((k for k in range(n) if is_paragraph(lines[k])), n)
    authors: list[str] = []
    editors: list[str] = []

    i = 0
    while i < n:
        line = lines[i]
        if not line or kinds[i]:
            i += 1
            continue
        rel, next_too = _related(line, lang)
        if rel:
            kinds[i] = "related"
            if not next_too:
                # "Baca juga: <headline>" then further headlines of the same block, one a line
                k = _next_nonempty(lines, i + 1)
                while k is not None and not kinds[k] and _more_linked(lines[k], lang):
                    kinds[k] = "related"
                    k = _next_nonempty(lines, k + 1)
            if next_too:
                j = _next_nonempty(lines, i + 1)
                if (j is not None and is_headline_like(lines[j]) and not _is_sentence(lines[j])
                        and not _related(lines[j], lang)[0]):
                    kinds[j] = "related"
                    # a multi-link read-also block: the second and later headlines under the label
                    k = _next_nonempty(lines, j + 1)
                    while k is not None and _more_linked(lines[k], lang):
                        kinds[k] = "related"
                        k = _next_nonempty(lines, k + 1)
        elif (patterns.norm_key(line) in patterns.line_keys("block_labels", lang)
              or _block_pattern(line, lang)):
            kinds[i] = "related_block"
            j = i + 1
            taken: list[int] = []
            while j < n:
                if lines[j] and j <= first_para and _opens_with_own_dateline(lines[j], lang):
                    # the story itself starts here, at its first paragraph at the latest (a widget heading
                    # at the top of the page): the headline right before its dateline is the story's title,
                    # not a teaser
                    if taken and taken[-1] == _prev_nonempty(lines, j):
                        kinds[taken[-1]] = None
                        # "<title>" / "Oka Akhsan M." / "<dateline>": the byline under the title
                        # is no headline, the title above it is the story's too
                        if (len(taken) >= 2 and taken[-2] == _prev_nonempty(lines, taken[-1])
                                and len(lines[taken[-1]].split()) <= 6 and is_name_list(lines[taken[-1]])):
                            kinds[taken[-2]] = None
                    break
                if lines[j]:
                    taken.append(j)
                    if _is_chrome(lines[j], lang) or _is_prompt(lines[j], lang):
                        kinds[j] = "chrome" if _is_chrome(lines[j], lang) else "prompt"
                    elif (
                        is_headline_like(lines[j], 160)
                        and not lines[j].endswith((".", "!", "?"))
                        or (is_headline_like(lines[j], 120) and len(lines[j].split()) < 14
                            and not _is_sentence(lines[j]))  # a sentence ends the block: the story's
                        or _opens_with_own_dateline(lines[j], lang)  # the block's teasers carry datelines
                    ):
                        kinds[j] = "related"
                    else:
                        break
                j += 1
        elif _is_prompt(line, lang):
            kinds[i] = "prompt"
        elif _is_chrome(line, lang) and not _heads_wrapped_sentence(lines, i):
            kinds[i] = "chrome"
        elif ((teaser := _TEASER.match(line)) and is_headline_like(teaser.group("head"), 220)
              or i > first_para and _label_teaser(line)):
            kinds[i] = "related"
        elif _TRUNCATED_TEASER.match(line):
            kinds[i] = "teaser"
        else:
            by = _byline(line, i in zone, lang)
            if by is not None:
                kinds[i] = "byline"
                authors.extend(a for a in by[0] if a not in authors)
                editors.extend(e for e in by[1] if e not in editors)
        i += 1

    _top_menu(lines, kinds, first_para, lang)
    _edge_chrome(lines, kinds, lang)
    _duplicated_teasers(lines, kinds, lang)
    _comment_section(lines, kinds, first_para)

    # the dateline opens one of the first few remaining lines
    dateline = dateline_line = dateline_org = dateline_rest = None
    opening = [k for k in range(n) if lines[k] and not kinds[k]][:15]
    for pos, i in enumerate(opening):
        found = match_dateline(lines[i], lang, with_org_only=pos >= 6)
        if found and not found[1] and i > first_para:
            continue  # a stamp alone on its line under the story's first paragraph closes it: an end tag
        if found and found[2] is None and i < first_para:
            # a place-only "dateline" on a headline above the story ('Analisis – di Bawah Trump, ...'):
            # the story's own stamp opening its first paragraph below is the dateline
            own = [(k, m) for k in opening[pos + 1:] if k <= first_para
                   for m in [match_dateline(lines[k], lang, with_org_only=True)] if m]
            if own:
                i, found = own[0]
        if found:
            dateline, rest, org, bracketed = found
            dateline_org = (org, bracketed) if org else None
            dateline_line = lines[i]
            dateline_rest = lines[i] = rest
            break
    else:  # a feed aggregator's "<headline> <Outlet> -- <text>": the headline stays, the stamp goes
        for i in opening[:3]:
            midline = find_midline_dateline(lines[i], lang)
            if midline:
                stamp, head, rest, agency = midline
                dateline, dateline_org = stamp, ((agency, True) if agency else (stamp.rstrip(" -–—"), False))
                dateline_line = lines[i]
                lines[i] = f"{head}\n{rest}" if head else rest
                if not head:  # the stamp opened the line after all
                    dateline_rest = rest
                break

    for i in embedded_teasers(lines, kinds, dateline_line):
        kinds[i] = "teaser"
    for i in _dateline_teasers(lines, kinds, dateline_line, lang):
        kinds[i] = "teaser"

    # a byline after the last paragraph closes the story: short lines after it are not the story's
    paras = [i for i in range(n) if lines[i] and not kinds[i] and is_paragraph(lines[i])]
    foot_bylines = [i for i in range(n) if kinds[i] == "byline" and paras and i > paras[-1]]
    ends_after = None
    kept: list[str] = []
    for i, line in enumerate(lines):
        if foot_bylines and i == foot_bylines[-1]:
            ends_after = sum(1 for x in kept if x)
        if kind := kinds[i]:
            removed.append({"kind": kind, "text": line})
        elif line:
            kept.append(line)
        elif kept and kept[-1] != "":
            kept.append("")
    body = "\n".join(kept).strip()
    return Cleaned(
        body=body,
        dateline=dateline,
        removed_segments=removed,
        authors=authors,
        editors=editors,
        dateline_line=dateline_line,
        ends_after=ends_after,
        dateline_org=dateline_org,
        dateline_rest=dateline_rest,
    )


_GLUED = re.compile(r"[a-z][A-Z]")


def _bare_name_stamp(dateline: str, org: str | None) -> bool:
    """'TRIBUNNEWS.COM-', '(Reuters) -', '(ANTARA) -': a stamp that is only the outlet's or the agency's
    name, with no place or date - the outlet's tag, which ``dateline`` / the attribution fields carry.
    So is one with a caption's words glued before its place ('Acquire Licensing RightsLONDON, Nov 29
    (Reuters) -'): what goes back on the lead must be the dateline alone."""
    left = dateline.replace(org, " ", 1) if org and org in dateline else dateline
    return not any(c.isalnum() for c in left) or bool(_GLUED.search(left))


def with_dateline(body: str, cleaned: Cleaned) -> str:
    """The body with its opening dateline back at the head of the lead ('WASHINGTON (AP) — The
    Senate ...', 'JAKARTA, KOMPAS.com - Banjir ...'): the place and the date a story was filed from
    are its text, as trafilatura and both page truths (AEB, the news set) keep them; ``clean`` lifts
    the stamp for the text stages, which read it from ``dateline``.  A bare name stamp
    (``_bare_name_stamp``) stays off the body.  Only a lead the stages left whole takes it back."""
    rest, line = cleaned.dateline_rest, cleaned.dateline_line
    if not rest or not line or not cleaned.dateline:
        return body
    if _bare_name_stamp(cleaned.dateline, cleaned.dateline_org[0] if cleaned.dateline_org else None):
        return body
    lines = body.split("\n")
    for i, ln in enumerate(lines):
        if ln.strip() == rest:
            lines[i] = line
            return "\n".join(lines)
    return body


REPEATED_KIND = "repeated_line"
_RUNS_ON = (",", ";", "，", "；", "、")
_REPEATED_MAX_WORDS = 8


_REPEATED_TITLE_CHARS = 15  # "KOMENTAR", "Momento-Chave": widget headings are shorter than a title


def _closes_sentence(line: str) -> bool:
    """A sentence of three words or more (or eight CJK characters) closed by its full stop, question or
    exclamation mark: the writer's, however short."""
    return ends_sentence(line, ellipsis=False) and (len(line.split()) >= 3 or len(_CJK.findall(line)) >= 8)


def repeated_lines(body: str) -> tuple[str, list[dict[str, str]]]:
    """A short line printed twice in one text ("KOMENTAR" over and under the story, a widget's
    heading at the top and the foot) is the page's furniture: a subheading or a quote is printed
    once. Furniture comes from one template, so both copies are the same text; a line printed three
    times or more is a list's recurring part instead (an interview's question to each guest, "Meal 1"
    in each day of a plan, a shop link under each product), and two copies that differ ("Here's the
    thing …" / "Here's the thing:") are the writer's.  Lines of running text never count; the credits
    have been read before this runs.  A text without running text at all (verse, lyrics: every line
    short) has no story to tell its furniture from, and its repeated line is a refrain: nothing goes;
    nor does a copy that a sentence runs into (the line before it ends with a comma or semicolon:
    a verse's refrain, "…, / Upang kami'y … / …,").  A line of fifteen characters or more whose
    first copy stands above the story's first paragraph, the other not below its last, is its title
    printed twice: that copy stays.  A sentence printed twice (closed by its full stop, question or
    exclamation mark: "Проголосовать за Олесю вы можете на последней странице!" under two entrants) is the
    writer's: furniture is a label, a heading or a button, not a sentence.
    Returns the body without them and the removed segments (kind ``repeated_line``)."""
    lines = body.split("\n")
    if not any(is_paragraph(ln.strip()) for ln in lines):
        return body, []
    keys = [patterns.norm_key(ln) if ln.strip() and len(ln.split()) <= _REPEATED_MAX_WORDS
            and not is_paragraph(ln.strip()) and not _closes_sentence(ln.strip()) else "" for ln in lines]
    counts = Counter(k for k in keys if k)
    twice = {k for k, c in counts.items() if c == 2}
    if not twice:
        return body, []
    spellings: dict[str, set[str]] = {}
    for key, line in zip(keys, lines, strict=True):
        if key in twice:
            spellings.setdefault(key, set()).add(line.strip())
    furniture = {k for k in twice if len(spellings[k]) == 1}
    prev = ""
    for key, line in zip(keys, lines, strict=True):
        if key in furniture and prev.endswith(_RUNS_ON):
            furniture.discard(key)
        if line.strip():
            prev = line.strip()
    if not furniture:
        return body, []
    # a title the page printed twice (its heading and its card's or player's title) stands above the
    # story's first paragraph, its other copy not below the last one (a widget's heading over and
    # under the story): that first copy is the story's and stays, the other one goes
    paras = [k for k, ln in enumerate(lines) if is_paragraph(ln.strip())]
    below = set(keys[paras[-1] + 1:])
    titles = {key for key, line in zip(keys[:paras[0]], lines[:paras[0]], strict=True)
              if key in furniture and key not in below and len(line.strip()) >= _REPEATED_TITLE_CHARS}
    kept: list[str] = []
    removed: list[dict[str, str]] = []
    for key, line in zip(keys, lines, strict=True):
        if key in titles:
            titles.discard(key)
            kept.append(line)
        elif key in furniture:
            removed.append({"kind": REPEATED_KIND, "text": line.strip()})
        else:
            kept.append(line)
    return "\n".join(kept).strip(), removed


SANDWICHED_KIND = "sandwiched_line"


def sandwiched_lines(text: str, body: str, furniture: set[str],
                     credits: set[str]) -> tuple[str, list[dict[str, str]]]:
    """Below the story's last paragraph, a short line the stages left between two lines they took for
    furniture (in the text as it came: a widget's title between its removed values, "Harga Bahan
    Bakar" / "RON 95" … ; a button between removed links) is part of that furniture; so is one the
    text ends on right after furniture.  A sentence, a name (a byline) or a line read as a credit
    stays.  ``furniture``: the removed boilerplate lines; ``credits``: the lines read as credits.
    Returns the body without them and their removed segments (kind ``sandwiched_line``)."""
    lines = body.split("\n")
    kept = {ln.strip() for ln in lines if ln.strip()}
    orig = [ln.strip() for ln in text.split("\n") if ln.strip()]
    paras = [i for i, ln in enumerate(orig) if ln in kept and is_paragraph(ln)]
    if not paras or not furniture:
        return body, []
    take: set[str] = set()
    for i in range(paras[-1] + 1, len(orig)):
        line = orig[i]
        if (line not in kept or line in credits or is_paragraph(line) or SENTENCE_END.search(line)
                or is_name_list(line)):
            continue
        nxt = orig[i + 1] if i + 1 < len(orig) else None
        if orig[i - 1] in furniture and (nxt is None or nxt in furniture):
            take.add(line)
    if not take:
        return body, []
    out, removed, seen_last = [], [], False
    last_para = orig[paras[-1]]
    for ln in lines:
        key = ln.strip()
        if key == last_para:
            seen_last = True
        if seen_last and key in take:
            removed.append({"kind": SANDWICHED_KIND, "text": key})
            continue
        out.append(ln)
    return "\n".join(out).strip(), removed


def _opens_with_own_dateline(line: str, lang: str | None) -> bool:
    text = line
    for rx in patterns.regexes("leading_residue", lang=lang):
        text = rx.sub("", text, count=1)
    return find_dateline(text, lang, with_org_only=True) is not None


def _dateline_teasers(lines: list[str], kinds: list[str | None], dateline_line: str | None,
                      lang: str | None) -> list[int]:
    """Later lines that open with an outlet or agency dateline of their own and stop short ("DEN
    HAAG (ANP) - De miljoenen", often behind "28 minuten geleden") are teasers of other stories."""
    live = [i for i, ln in enumerate(lines) if ln and not kinds[i]]
    paras = [i for i in live if is_paragraph(lines[i])]
    if not paras:
        return []
    residue = patterns.regexes("leading_residue", lang=lang)
    out = []
    for i in live:
        if i <= paras[0] or lines[i] == dateline_line:
            continue
        text = lines[i]
        if len(text.split()) > 40:
            continue  # a dateline and at most 15 words: a paragraph is no teaser
        for rx in residue:
            text = rx.sub("", text, count=1)
        found = find_dateline(text, lang, with_org_only=True)
        if not found:
            continue
        rest = found[1]
        if len(rest.split()) <= 15 and not SENTENCE_END.search(rest):
            out.append(i)
    return out


def _label_teaser(line: str) -> bool:
    """A link to another story or gallery after the story began: a short bracketed label, then one
    headline ("【写真】正面衝突し大破した2台の乗用車", "[FOTO] PDRM Guna Proton S70? … Dikesan!").  A
    headline may end in ? or ! but holds no full stop, and in a cased script it is in headline case;
    a speaker's or a section's label over sentences ("【汪報道官】釣魚島及び…領土だ。…") or a video's
    description in sentence case ("[Video] Banjir merendam ratusan rumah …") is the story's."""
    m = _BRACKET_LABEL_TEASER.match(line)
    if not m or _FULL_STOP_IN.search(m.group("head")) or len(m.group("head").split()) > 20:
        return False
    head = m.group("head")
    cased = [w for w in head.split() if len(w) >= 4 and w[:1].isalpha() and w[:1].lower() != w[:1].upper()]
    return len(cased) < 3 or is_title_cased(head)


def _is_sentence(line: str) -> bool:
    """A full sentence, not a headline: five words or more closed by a full stop (headlines do not
    end with one; "More:" over the story's next sentence is a label whose teaser the page lost,
    "UP NEXT" over "Thunder: Host the Lakers on Friday." the story's own last part)."""
    return line.endswith(".") and not line.endswith("..") and len(line.split()) >= 5


@lru_cache(maxsize=4096)
def is_paragraph(line: str) -> bool:
    """Running text: a long line, a sentence of a dozen words, or (CJK, no spaces) of 40 characters."""
    if len(line) >= 200 or (len(line.split()) >= 12 and bool(SENTENCE_END.search(line))):
        return True
    return len(_CJK.findall(line)) >= 40 and bool(re.search(r"[。！？」』”]", line))


def _cut_residue(lines: list[str], removed: list[dict[str, str]], lang: str | None) -> None:
    """Residue glued to the start of the first lines (leading_residue) is cut off."""
    rxs = patterns.regexes("leading_residue", lang=lang)
    if not rxs:
        return
    for i in [k for k, ln in enumerate(lines) if ln][:3]:
        for rx in rxs:
            m = rx.match(lines[i])
            if m and m.end() < len(lines[i]):
                removed.append({"kind": "chrome", "text": lines[i][: m.end()].strip()})
                lines[i] = lines[i][m.end() :].strip()
                break


_MENU_MIN = 4  # lines of a navigation menu above the story


def _menu_item(line: str) -> bool:
    """A navigation link's text: one to six words, no digit, no sentence, no label (nor a CJK
    headline's ideographic comma: '米、日本に市場開放要求へ' is a title)."""
    words = line.split()
    return (0 < len(words) <= 6 and len(line) <= 45 and not any(c.isdigit() for c in line)
            and not re.search(r"[.!?:;,…、，。！？：；]", line))


def _top_menu(lines: list[str], kinds: list[str | None], first_para: int, lang: str | None) -> None:
    """The page's menu extracted above the story ("NEWS" / "overview" / "reducing crime" / ... /
    "VIDEOS" / "REPORTS", then the title and its dateline): a run of four or more link-text lines
    that opens the text, when the story's own dateline follows within a few lines of it. A short
    list inside a story has running text above it and stays; without the dateline nothing goes."""
    live = [i for i, ln in enumerate(lines) if ln and i < first_para]
    run: list[int] = []
    for i in live:
        if kinds[i] in ("chrome", "prompt", "related", "related_block"):
            run.append(i)
            continue
        if kinds[i] or not _menu_item(lines[i]):
            break
        run.append(i)
    items = [i for i in run if not kinds[i]]
    if items and items[-1] == run[-1] and len(lines[items[-1]].split()) >= 3:
        items.pop()  # a short title of the story may close the run: it stays
    if len(items) < _MENU_MIN:
        return
    after = [i for i in range(run[-1] + 1, len(lines)) if lines[i] and not kinds[i]][:4]
    if any(_opens_with_own_dateline(lines[i], lang) for i in after):
        for i in items:
            kinds[i] = "chrome"


def _edge_chrome(lines: list[str], kinds: list[str | None], lang: str | None) -> None:
    """Section labels ("Politik", "Binnenland") standing alone before the first or after the last
    paragraph, or next to other chrome, are page chrome; between paragraphs a lone label could be
    a subheading and stays."""
    labels = patterns.line_keys("section_labels", lang)
    live = [i for i, ln in enumerate(lines) if ln and not kinds[i]]
    paras = [i for i in live if is_paragraph(lines[i])]
    first, last = (paras[0], paras[-1]) if paras else (len(lines), -1)
    for pos, i in enumerate(live):
        if (i < first or i > last) and _is_counter(lines[i]):
            kinds[i] = "chrome"
            continue
        if patterns.norm_key(lines[i]) not in labels:
            continue
        near = [j for j in (live[pos - 1] if pos else None, live[pos + 1] if pos + 1 < len(live) else None)
                if j is not None]
        beside_chrome = any(patterns.norm_key(lines[j]) in labels for j in near) or any(
            kinds[k] for k in range(max(0, i - 1), min(len(lines), i + 2)) if k != i
        )
        if i < first or i > last or beside_chrome:
            kinds[i] = "chrome"


@patterns.per_scope
def _photo_label_line(lang: str | None) -> re.Pattern[str]:
    """A line opening with a photo label and its separator ("Foto:", "Foto: dpa", "Photo : AFP")."""
    photo = patterns.label_alternation("photo_labels", lang) or r"(?!x)x"
    return re.compile(r"^[(\[]?\s*(?:" + photo + r")\s*[:：=]", re.IGNORECASE)


def _duplicated_teasers(lines: list[str], kinds: list[str | None], lang: str | None = None) -> None:
    """A headline printed twice in a row after the story began ("• <title>" / "<title>", or glued
    to itself) is a teaser card of another story; the article's own title at the top is not, nor
    is a picture's caption the page printed twice over its credit ("<caption>" / "<caption>" /
    "Foto:" / "<photographer>/ dpa")."""
    live = [i for i, ln in enumerate(lines) if ln and not kinds[i]]
    paras = [i for i in live if is_paragraph(lines[i])]
    if not paras:
        return
    for pos, i in enumerate(live):
        if i <= paras[0]:
            continue
        head = _BULLET.sub("", lines[i]).strip()
        if head.startswith("|") or not is_headline_like(head, 200) or head.endswith((".", ":")):
            continue  # a table's header row ("| Pos | Player |") repeats by design
        if len(head.split()) < 3:
            continue
        nxt = live[pos + 1] if pos + 1 < len(live) else None
        if nxt is not None and patterns.norm_key(_BULLET.sub("", lines[nxt])) == patterns.norm_key(head):
            after = live[pos + 2] if pos + 2 < len(live) else None
            if after is None or not _photo_label_line(lang).match(lines[after]):
                kinds[i] = kinds[nxt] = "teaser"
            continue
        half = len(head) // 2
        if len(head) >= 30 and head[:half].strip() == head[half:].strip() and not kinds[i]:
            kinds[i] = "teaser"  # "<title> <title>": a card whose two text nodes were glued



COMMENT_KIND = "comment_section"  # removed_segments kind of a reader-comment section below the story
_COMMENT_LOOKAHEAD = 3  # a commenter line must follow the section's heading within this many lines
_SITE_FOOTER = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b|\bhak cipta\b",
                          re.IGNORECASE)


def _comment_section(lines: list[str], kinds: list[str | None], first_para: int) -> None:
    """Readers' comments below the story: a comment-section heading ("5 Responses to ...", "Leave a
    Reply", "1 komentar", "Kommentare") after a story paragraph, with a commenter's own line
    ("Eric says:", "January 6, 2010 at 11:50 PM", "Reply", the comment form's "You are commenting
    using ...") within the next few lines, opens a section that runs to the end of the page (or to
    the site's rights footer, which stays for the credit rules).  Its lines are the readers', not
    the story's, however long.  A "Comments" line without a commenter under it - a subheading, a
    story's own "the reply came late" - changes nothing."""
    openers = patterns.combined("comment_openers")
    commenters = patterns.combined("commenter_lines")
    if openers is None or commenters is None:
        return
    n = len(lines)
    story_seen = False
    for i in range(n):
        line = lines[i]
        if not line:
            continue
        if not kinds[i] and is_paragraph(line):
            story_seen = True
            continue
        if not story_seen or i <= first_para or len(line) > 250 or not openers.fullmatch(line):
            continue
        below = [k for k in range(i + 1, n) if lines[k]][:_COMMENT_LOOKAHEAD]
        if not any(commenters.fullmatch(lines[k]) for k in below):
            continue
        if not kinds[i]:
            kinds[i] = COMMENT_KIND
        for k in range(i + 1, n):
            if not lines[k]:
                continue
            if _SITE_FOOTER.search(lines[k]) or kinds[k] == "byline":
                break
            if not kinds[k]:
                kinds[k] = COMMENT_KIND
        return


_NAME_TOKEN = re.compile(r"\b(?:[A-Z][a-z]{2,}|[A-Z]{2,6})\b")
_WORD = re.compile(r"[^\W\d_]{5,}")
_TOKEN = re.compile(r"[^\W\d_]{3,}")


def _names(text: str, skip_initial: bool) -> list[str]:
    """Capitalised tokens (proper-name candidates); with skip_initial, not a sentence's first word."""
    out = []
    for sent in SENTENCE_BREAK.split(text):
        toks = _NAME_TOKEN.findall(sent)
        if skip_initial and toks and sent.lstrip("\"“'‘(").startswith(toks[0]):
            toks = toks[1:]
        out.extend(toks)
    return out


def embedded_teasers(
    lines: list[str], kinds: list[str | None], dateline_line: str | None = None
) -> list[int]:
    """Unmarked teasers of another story embedded in the body (a video/related blurb between two
    paragraphs).  Only a strong signal counts: a short one- or two-sentence paragraph inside a long
    body whose subject is named twice in it but whose names appear nowhere else in the article,
    that shares none of the article's recurring names and little of its vocabulary.  An ordinary
    paragraph that introduces a new person still shares the story's places, people or words."""
    paras = [i for i, ln in enumerate(lines) if ln and not kinds[i]]
    if len(paras) < 7:
        return []
    # the shape first (cheap): a short paragraph of one or two sentences naming its subject twice
    shaped = {}
    for i in paras[2:-1]:
        line = lines[i]
        if not 60 <= len(line) <= 350 or line[:1] in "\"“'‘«-–—•*" or line.endswith(":"):
            continue
        if not 1 <= sentence_count(line) <= 2:
            continue
        own = _names(line, skip_initial=False)
        if any(own.count(t) >= 2 and len(t) >= 4 for t in own):
            shaped[i] = own
    if not shaped:
        return []
    # word counts over the whole article once; "elsewhere" = the total minus the paragraph's own
    fold = str.casefold
    # (one scan of the whole text: no token crosses a line break)
    total = Counter(map(fold, _TOKEN.findall("\n".join([*(lines[i] for i in paras), dateline_line or ""]))))
    toks: dict[int, Counter[str]] = {}  # a paragraph's own counts, counted when first asked for

    def own_toks(i: int) -> Counter[str]:
        if i not in toks:
            toks[i] = Counter(map(fold, _TOKEN.findall(lines[i])))
        return toks[i]

    def elsewhere(i: int, word: str) -> bool:
        return total[word] - own_toks(i)[word] > 0

    def unrelated(i: int) -> bool:  # two or more names that no other text of the article uses (any case)
        own = {t.casefold() for t in _names(lines[i], skip_initial=True)}
        return len(own) >= 2 and not any(elsewhere(i, t) for t in own)

    # a digest of unrelated items (a newsletter, a news round-up) has many such paragraphs: then
    # none of them is an insert.  Only a shaped paragraph can be the insert, so the shaped ones are
    # asked first: unless exactly one of them stands alone, nothing is; then no other one may.
    alone = [i for i in shaped if unrelated(i)]
    if len(alone) != 1 or any(unrelated(i) for i in paras if i not in shaped):
        return []
    for i in paras:
        own_toks(i)
    in_paras = Counter(chain.from_iterable(toks.values()))  # in how many paragraphs a word occurs
    recurring = {w for w, c in in_paras.items() if c >= 3 and len(w) >= 5}  # the story's vocabulary
    names_in = {i: {t.casefold() for t in _names(lines[i], skip_initial=False)} for i in paras}
    name_paras: Counter[str] = Counter()
    for names in names_in.values():
        name_paras.update(names)
    out = []
    for i, own in shaped.items():
        line = lines[i]
        if i not in alone:
            continue
        if any(elsewhere(i, t.casefold()) for t in own):
            continue
        if not any(c >= 3 and t not in names_in[i] for t, c in name_paras.items()):
            continue  # the article has no recurring subject to stand apart from
        words = {w.casefold() for w in _WORD.findall(line)} - {t.casefold() for t in own}
        if not words or sum(1 for w in words if elsewhere(i, w)) / len(words) > 0.4:
            continue
        if words & recurring:  # the story's own recurring vocabulary ("korban", "rumah") ties it in
            continue
        out.append(i)
    return out


def _heads_wrapped_sentence(lines: list[str], i: int) -> bool:
    """The line is the first word(s) of a sentence hard-wrapped onto the next non-empty line
    (``pipelines.sentences.heads_wrapped_sentence``), not a UI label."""
    k = _next_nonempty(lines, i + 1)
    return k is not None and heads_wrapped_sentence(lines[i], lines[k].strip())


def _prev_nonempty(lines: list[str], end: int) -> int | None:
    for j in range(end - 1, -1, -1):
        if lines[j]:
            return j
    return None


def _next_nonempty(lines: list[str], start: int) -> int | None:
    for j in range(start, min(len(lines), start + 3)):
        if lines[j]:
            return j
    return None
