"""Load the text-stage pattern files once and compile them.

Each ``<lang>.yaml`` holds the per-language lists described at the top of ``common.yaml``;
``agencies.yaml`` is the canonical source alias table.  Adding a language means adding one YAML
file.  Which files apply is a *scope*: for a known language with its own file, ``common.yaml``,
that language, its close relatives and the web's lingua franca (``scope`` in ``common.yaml``:
Malay pages use Indonesian labels and vice versa, and English UI strings appear everywhere);
for an unknown language (``None``, ``und``, or one without a file), the union of every file.
A scope keeps, e.g., the Italian byline label "Di" or the Romanian "De" from removing an
Indonesian line "Di Jakarta Selatan".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache, update_wrapper
from pathlib import Path
from typing import Any, TypeVar

import yaml

from pipelines.regex_guard import anchored_at_start, guarded, literal_alternation

PATTERN_DIR = Path(__file__).resolve().parent
_NON_LANG_FILES = {"common", "agencies"}
_LIST_KEYS = (
    "related_labels",
    "block_labels",
    "prompts",
    "notices",
    "chrome_lines",
    "chrome_patterns",
    "byline_authors",
    "byline_editors",
    "byline_prefixes",
    "reporter_bylines",
    "credit_labels",
    "photo_labels",
    "photo_by_words",
    "credit_no_target",
    "credit_sentences",
    "relay",
    "outlet_words",
    "outlet_name_words",
    "product_words",
    "republish",
    "copyright_notices",
    "dateline_patterns",
    "stamp_patterns",
    "markers",
    "credit_vague",
    "embedded_photo_patterns",
    "photo_slash_prefixes",
    "agency_words",
    "photo_markers",
    "weekdays",
    "byline_stamps",
    "lead_credits",
    "tail_credits",
    "headline_credits",
    "relay_stamps",
    "paper_suffixes",
    "signoffs",
    "photo_provided",
    "midline_datelines",
    "section_labels",
    "leading_residue",
    "provided_photo_patterns",
    "caption_credits",
    "block_patterns",
    "date_words",
    "capital_cities",
    "copyright_words",
    "ui_words",
    "comment_openers",
    "commenter_lines",
)


class PatternError(ValueError):
    """A pattern file is malformed (bad YAML, wrong type or an invalid regex)."""


def read_yaml(path: Path) -> dict[str, Any]:
    """One of the package's YAML data files (pattern lists, dates.yaml, extract_rules.yaml, tracking
    parameters): a mapping at the top level (an empty file is an empty one), else a ``PatternError``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise PatternError(f"{path.name}: {exc}") from exc
    if not isinstance(data, dict):
        raise PatternError(f"{path.name}: top level must be a mapping")
    return data


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in PATTERN_DIR.glob("*.yaml") if p.stem not in _NON_LANG_FILES))


@cache
def for_lang(lang: str) -> dict[str, list[str]]:
    path = PATTERN_DIR / f"{lang}.yaml"
    if not path.is_file():
        return {k: [] for k in _LIST_KEYS}
    data = read_yaml(path)
    out: dict[str, list[str]] = {}
    for key in _LIST_KEYS:
        val = data.get(key) or []
        if not isinstance(val, list):
            raise PatternError(f"{path.name}: {key} must be a list")
        out[key] = [str(v) for v in val]
    return out


@lru_cache(maxsize=1)
def _scope_config() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...], frozenset[str]]:
    data = read_yaml(PATTERN_DIR / "common.yaml").get("scope") or {}
    if not isinstance(data, dict):
        raise PatternError("common.yaml: scope must be a mapping")
    related = data.get("related") or {}
    secondary = data.get("secondary") or []
    unscoped = data.get("unscoped") or []
    if not isinstance(related, dict) or not isinstance(secondary, list) or not isinstance(unscoped, list):
        raise PatternError("common.yaml: scope.related must be a mapping, scope.secondary/unscoped lists")
    unknown = set(map(str, unscoped)) - set(_LIST_KEYS)
    if unknown:
        raise PatternError(f"common.yaml: scope.unscoped names unknown lists {sorted(unknown)}")
    return (
        {str(k): tuple(str(x) for x in v or ()) for k, v in related.items()},
        tuple(map(str, secondary)),
        frozenset(map(str, unscoped)),
    )


@cache
def scope(lang: str | None) -> tuple[str, ...]:
    """The pattern files that apply to text in ``lang`` (see module doc), ``common`` first."""
    if not lang or lang not in languages():
        return ("common", *languages())
    related, secondary, _ = _scope_config()
    names = ["common", lang, *related.get(lang, ()), *secondary]
    return tuple(dict.fromkeys(n for n in names if n == "common" or n in languages()))


@lru_cache(maxsize=4096)  # the code is the key; _merged computes once per scope
def merged(key: str, lang: str | None = None) -> tuple[str, ...]:
    """The union of one list over the files in ``scope(lang)``, order kept, duplicates dropped."""
    return _merged(key, scope_key(lang))


@cache
def _merged(key: str, lang: str | None) -> tuple[str, ...]:
    if key not in _LIST_KEYS:
        raise KeyError(key)
    if lang is not None and key in _scope_config()[2]:
        return _merged(key, None)
    seen: dict[str, None] = {}
    for name in scope(lang):
        for item in for_lang(name)[key]:
            seen.setdefault(item, None)
    return tuple(seen)


def _compile(rx: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    try:
        return guarded(re.compile(rx, flags))
    except re.error as exc:
        raise PatternError(f"invalid regex {rx!r}: {exc}") from exc


@lru_cache(maxsize=4096)  # the code is the key; _regexes computes once per scope
def regexes(key: str, flags: int = re.IGNORECASE, lang: str | None = None) -> tuple[re.Pattern[str], ...]:
    return _regexes(key, flags, scope_key(lang))


@cache
def _regexes(key: str, flags: int, lang: str | None) -> tuple[re.Pattern[str], ...]:
    return tuple(_compile(rx, flags) for rx in merged(key, lang))


@lru_cache(maxsize=4096)  # the code is the key; _combined computes once per scope
def combined(key: str, flags: int = re.IGNORECASE, lang: str | None = None) -> re.Pattern[str] | None:
    """One alternation of a list of group-free regexes: one pass over a line instead of one per entry."""
    return _combined(key, flags, scope_key(lang))


@cache
def _combined(key: str, flags: int, lang: str | None) -> re.Pattern[str] | None:
    items = merged(key, lang)
    return _compile("|".join(f"(?:{rx})" for rx in items), flags) if items else None


@dataclass(frozen=True)
class LineSearch:
    """A list of regexes searched in a line as one test: the entries anchored at the line's start
    (``^...``) are one alternation tried there only, the others one searched alternation.  The
    engine cannot see that a branch of an alternation is anchored, so one alternation of all the
    entries was tried in full at every position of the line (300 us on a line in the all-files
    scope, 178 of its 197 prompts anchored); the answer is the same (some entry matches)."""

    anchored: re.Pattern[str] | None
    floating: re.Pattern[str] | None

    def search(self, text: str) -> bool:
        return bool((self.anchored is not None and self.anchored.match(text))
                    or (self.floating is not None and self.floating.search(text)))


@lru_cache(maxsize=4096)  # the code is the key; _line_search computes once per scope
def line_search(key: str, flags: int = re.IGNORECASE, lang: str | None = None) -> LineSearch | None:
    """The list ``key`` as one ``LineSearch`` (None: the scope has no entry)."""
    return _line_search(key, flags, scope_key(lang))


@cache
def _line_search(key: str, flags: int, lang: str | None) -> LineSearch | None:
    items = merged(key, lang)
    if not items:
        return None
    start = [rx for rx in items if anchored_at_start(rx, flags)]
    rest = [rx for rx in items if rx not in start]
    return LineSearch(
        _compile("|".join(f"(?:{rx})" for rx in start), flags) if start else None,
        _compile("|".join(f"(?:{rx})" for rx in rest), flags) if rest else None,
    )


def scope_key(lang: str | None) -> str | None:
    """``lang`` if it selects its own scope, else None (every file): one cache entry per scope."""
    return lang if lang and lang in languages() else None


_T = TypeVar("_T")
_MAX_LANG_KEYS = 512  # distinct language codes remembered by a per_scope value (codes, not scopes)
# what the text stages build lazily from the pattern data: every per_scope function and every table loaded
# once (``loaded_once``), so ``warm_up`` builds them all before the first page instead of on it
_PER_SCOPE: list[Callable[[str | None], Any]] = []
_LOADED_ONCE: list[Callable[[], Any]] = []


def loaded_once(fn: Callable[[], _T]) -> Callable[[], _T]:
    """A table or regex built once from the pattern data (``lru_cache(maxsize=1)``), built by ``warm_up``."""
    wrapped = lru_cache(maxsize=1)(fn)
    _LOADED_ONCE.append(wrapped)
    return wrapped


def warm_up() -> None:
    """Build every ``loaded_once`` table and every ``per_scope`` value of every scope (each language with a
    pattern file, and the all-files scope the others share) now. Left lazy, each landed on the first page
    that reached its rule - a worker's first page in each language, again after each recycling; the stage
    warm-ups (``crawler.workers.warm_up``, the extraction bench's) call this. Only the modules imported by
    then have registered theirs: call it after importing the stages."""
    for load in list(_LOADED_ONCE):
        load()
    for lang in (*languages(), None):
        for fn in list(_PER_SCOPE):
            fn(lang)


def per_scope(fn: Callable[[str | None], _T]) -> Callable[[str | None], _T]:
    """``fn`` (a function of a language) computed once per pattern *scope*, not once per language code.

    Every language without a pattern file of its own (and None, ``und``) reads the same files, so they
    share one value, computed for ``scope_key(lang)``; an ``lru_cache`` keyed by the code compiled the
    all-files scope's regexes again for each such language (cs, sw, xh, zu ...: ~60-150 ms each, on the
    first article in it). The code is still the key of the outer cache (a C-level hit: the text stages ask
    per line and rule); ``cache_info`` counts the scopes computed, ``cache_clear`` forgets both."""
    by_scope = cache(fn)

    def of_scope(lang: str | None = None) -> _T:
        return by_scope(scope_key(lang))

    by_lang = lru_cache(maxsize=_MAX_LANG_KEYS)(of_scope)
    update_wrapper(by_lang, fn)
    lru_clear = by_lang.cache_clear

    def cache_clear() -> None:
        lru_clear()
        by_scope.cache_clear()

    # instance attributes shadow the wrapper type's methods (functools.update_wrapper sets others alike)
    vars(by_lang).update(cache_clear=cache_clear, cache_info=by_scope.cache_info)
    _PER_SCOPE.append(by_lang)
    return by_lang


def label_alternation(key: str, lang: str | None = None, flags: int = re.IGNORECASE) -> str:
    """A regex alternation of literal labels, longest first so "Baca juga" wins over "Baca", as a prefix tree
    (``regex_guard.literal_alternation``: the same matches as the flat alternation, each label's first
    characters tried once). ``flags``: those of the regex it goes into - a tree built for IGNORECASE merges
    the labels' case variants, so a case-sensitive regex passes 0."""
    items = {lbl.strip() for lbl in merged(key, scope_key(lang)) if lbl.strip()}
    return literal_alternation(sorted(items), flags)


_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?")
# a web address written in running text ("https://…", "www.…"): the one pattern, compiled by each user
# with its own flags and alternatives
URL_IN_TEXT = r"(?:https?://|www\.)\S+"
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=8192)
def norm_key(text: str) -> str:
    """Comparison key for names and literal lines: NFKC, casefold, collapsed spaces, no URL prefix."""
    s = unicodedata.normalize("NFKC", text).casefold().strip()
    s = _URL_PREFIX.sub("", s, count=1)
    s = _SPACES.sub(" ", s)
    return s.strip(" .,:;|-–—\"'“”«»()[]")


@lru_cache(maxsize=4096)  # the code is the key; _line_keys computes once per scope
def line_keys(key: str, lang: str | None = None) -> frozenset[str]:
    """norm_key of every literal line of a list (chrome_lines, block_labels, credit_no_target)."""
    return _line_keys(key, scope_key(lang))


@cache
def _line_keys(key: str, lang: str | None) -> frozenset[str]:
    return frozenset(norm_key(x) for x in merged(key, lang))


def chrome_line_keys(lang: str | None = None) -> frozenset[str]:
    return line_keys("chrome_lines", lang)


# --- agency / outlet alias table ---------------------------------------------------------------


_KINDS = ("agency", "outlet", "photo", "generic")


@dataclass(frozen=True)
class Organisation:
    name: str
    kind: str  # "agency" | "outlet" | "photo" | "generic" (see agencies.yaml)
    country: str | None = None  # ISO 3166-1 alpha-2 of the organisation's seat
    aliases: tuple[str, ...] = ()

    @property
    def is_agency(self) -> bool:
        return self.kind in ("agency", "generic")

    @property
    def is_photo(self) -> bool:
        return self.kind == "photo"


_CJK = r"\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
_BRACKETED = re.compile(r"^(?P<a>[^()]+?)\s*\((?P<b>[^()]+)\)$")
_SCRIPT_SPACE = re.compile(rf"(?<=[A-Za-z0-9])\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+(?=[A-Za-z0-9])")
_SCRIPT_JOIN = re.compile(rf"(?<=[A-Za-z0-9])(?=[{_CJK}])|(?<=[{_CJK}])(?=[A-Za-z0-9])")


def alias_variants(alias: str, suffixes: tuple[str, ...] = ()) -> list[str]:
    """The forms an alias stands for besides itself: the parts of 'Name (ACRONYM)', the form with or
    without a space where the script changes ('AFP통신' / 'AFP 통신'), and a CJK/Hangul name's
    outlet word (``suffixes``: outlet_name_words) glued or spaced ('로이터통신' / '로이터 통신')."""
    forms = [alias]
    m = _BRACKETED.match(alias.strip())
    if m:
        forms += [m.group("a").strip(), m.group("b").strip()]
    out = list(forms)
    for form in forms:
        out += [_SCRIPT_SPACE.sub("", form), _SCRIPT_JOIN.sub(" ", form)]
        for sfx in suffixes:
            head = form[: -len(sfx)] if form.endswith(sfx) and len(form) > len(sfx) else ""
            if head.endswith(" ") and re.search(rf"[{_CJK}]$", head.rstrip()):
                out.append(head.rstrip() + sfx)
            elif re.search(rf"[{_CJK}]$", head):
                out.append(f"{head} {sfx}")
    return [v for v in dict.fromkeys(out) if v.strip() and v != alias]


class AliasTable:
    def __init__(self, entries: list[dict[str, Any]], codes: dict[str, str], fixed: list[str] | None = None):
        self.by_key: dict[str, Organisation] = {}
        self.entries: list[Organisation] = []
        findable: list[str] = []
        listed: list[tuple[dict[str, Any], str, str, str | None, tuple[str, ...]]] = []
        for e in entries:
            if not isinstance(e, dict) or not e.get("name"):
                raise PatternError(f"agencies.yaml: an entry needs a name: {e!r}")
            name, kind = str(e["name"]), str(e.get("kind", "outlet"))
            if kind not in _KINDS:
                raise PatternError(f"agencies.yaml: {name}: unknown kind {kind!r}")
            country = e.get("country")
            if country is not None and not re.fullmatch(r"[A-Z]{2}", str(country)):
                raise PatternError(f"agencies.yaml: {name}: country must be ISO 3166-1 alpha-2: {country!r}")
            aliases = tuple(dict.fromkeys([name, *(str(a) for a in e.get("aliases") or [])]))
            listed.append((e, name, kind, str(country) if country else None, aliases))
        owner: dict[str, str] = {}
        for _, name, _, _, aliases in listed:  # the listed names first: a derived form never takes one
            for alias in aliases:
                other = owner.setdefault(norm_key(alias), name)
                if other != name:
                    raise PatternError(f"agencies.yaml: alias {alias!r} of {name} already names {other}")
        suffixes = tuple(w for w in merged("outlet_name_words") if not w.isascii())
        for e, name, kind, country, aliases in listed:
            derived = [v for a in aliases for v in alias_variants(a, suffixes)]
            derived = [v for v in dict.fromkeys(derived) if owner.setdefault(norm_key(v), name) == name]
            src = Organisation(name, kind, country, tuple(dict.fromkeys([*aliases, *derived])))
            self.entries.append(src)
            for alias in src.aliases:
                self.by_key.setdefault(norm_key(alias), src)
            if not e.get("exact"):  # "Trend", "Dawn": ordinary words, only whole credited values
                findable.extend(src.aliases)
        self.codes = {str(k).casefold(): str(v) for k, v in codes.items()}
        names = {src.name for src in self.entries}
        self.fixed = frozenset(str(n) for n in fixed or ())
        if self.fixed - names:
            raise PatternError(f"agencies.yaml: fixed names without an entry: {sorted(self.fixed - names)}")
        # whole-word alias finder (case-insensitive; callers check case for short aliases), the longest
        # alias first (as a prefix tree: one flat alternation cost ~3 us a character).  A dot after the
        # name ends it only when no domain goes on ("antara.com" is not ANTARA), though a next sentence
        # glued to it does ("передает ТАСС.Аресты ...": a capital, then small letters)
        self.finder = re.compile(
            r"(?<![\w.@/-])("
            + literal_alternation(dict.fromkeys(findable), re.IGNORECASE)
            + r")(?![\w@-]|\.(?![^\W\d_][^\W\d_A-ZА-ЯЁ]*[a-zа-яё][^\W\d_]*\s|\W|$)\w)",
            re.IGNORECASE,
        )

    def resolve(self, text: str) -> Organisation | None:
        key = norm_key(text)
        if not key:
            return None
        src = self.by_key.get(key)
        if src is None and key.startswith("the "):
            src = self.by_key.get(key[4:])
        if src is None:  # "Philippine News Agency (PNA)": a name and its acronym, one organisation
            m = _BRACKETED.match(text.strip())
            if m:
                a, b = self.by_key.get(norm_key(m.group("a"))), self.by_key.get(norm_key(m.group("b")))
                src = a if a is not None and a is b else None
        return src

    def code(self, code: str) -> str | None:
        return self.codes.get(code.casefold())

    def find(self, text: str, strict_case: bool = True) -> list[tuple[int, int, Organisation]]:
        """Aliases named in ``text``; with strict_case, short aliases must be written in capitals
        (or exactly as listed), so "ap" or "Tt" inside words never counts."""
        out = []
        for m in self.finder.finditer(text):
            raw = m.group(1)
            src = self.resolve(raw)
            if src is None:
                continue
            if strict_case and not _case_ok(raw, src):
                continue
            out.append((m.start(1), m.end(1), src))
        return out


def _case_ok(raw: str, src: Organisation) -> bool:
    if len(raw) > 4:
        # a brand styled in lower case is found as it writes itself ('detikcom', 'franceinfo'), never a
        # generic word ('agences')
        return (raw[:1].isupper() or raw[:1].isdigit() or not raw[:1].isalpha() or "." in raw
                or (src.kind != "generic" and raw in src.aliases))
    return raw.isupper() or raw == src.name or not raw.isascii()


@lru_cache(maxsize=1)
def alias_table() -> AliasTable:
    data = read_yaml(PATTERN_DIR / "agencies.yaml")
    entries = data.get("entries") or []
    if not isinstance(entries, list):
        raise PatternError("agencies.yaml: entries must be a list")
    return AliasTable(entries, data.get("codes") or {}, data.get("fixed") or [])
