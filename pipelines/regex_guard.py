"""A cheaper scan for the searched regexes that Python's engine cannot skip ahead for.

``re`` finds the next possible start of a match quickly only when the pattern opens with a literal
or a set of literal characters it can check case-sensitively; a pattern opening with a group of
case-insensitive words, a word boundary or a repeat (most of the pattern files' entries:
``(?:dilansir|dikutip|...)``, ``\\bvia``) is tried in full at every position of every line.
``guarded`` puts a lookahead of the characters a match can start with in front of such a pattern:
a position whose character is not one of them is rejected by one set test. The lookahead is
zero-width and holds no group, so every match, span and group is the pattern's own; a pattern
that can match the empty string, or whose first characters cannot be read, is left as it is.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import re
from collections.abc import Iterable
from re import _casefix  # type: ignore[attr-defined]

# the stdlib engine's parser and prefix analysis (Python 3.11+)
from re import _compiler as _sre_compile  # type: ignore[attr-defined]
from re import _constants as _sre_const  # type: ignore[attr-defined]
from re import _parser as _sre_parse  # type: ignore[attr-defined]
from typing import Any

_C = _sre_const
_CATEGORY = {
    _C.CATEGORY_DIGIT: r"\d", _C.CATEGORY_NOT_DIGIT: r"\D",
    _C.CATEGORY_SPACE: r"\s", _C.CATEGORY_NOT_SPACE: r"\S",
    _C.CATEGORY_WORD: r"\w", _C.CATEGORY_NOT_WORD: r"\W",
}


_WIDE_RANGE = 10
_MIN_BRANCHES = 3
_BROAD = (r"\w", r"\W", r"\S", r"\D")  # classes that hold most characters of any text


class _Unknown(Exception):
    """The first characters of this pattern cannot be read (then it is left unguarded)."""


def _escape(code: int) -> str:
    return re.escape(chr(code)) if chr(code) not in "-]\\^" else "\\" + chr(code)


def _first(items: Any, out: list[str]) -> bool:
    """Add to ``out`` the class items a match of the sequence ``items`` can start with; True when
    the sequence can match the empty string (then what follows it may start the match)."""
    for op, av in items:
        if op is _C.LITERAL:
            out.append(_escape(av))
            return False
        if op is _C.IN:
            if any(o is _C.NEGATE for o, _ in av):
                raise _Unknown
            for o, a in av:
                if o is _C.LITERAL:
                    out.append(_escape(a))
                elif o is _C.RANGE:
                    if a[1] - a[0] >= _WIDE_RANGE:
                        raise _Unknown  # 'A-Z', a script's block: passes at most positions anyway
                    out.append(f"{_escape(a[0])}-{_escape(a[1])}")
                elif o is _C.CATEGORY and a in _CATEGORY:
                    out.append(_CATEGORY[a])
                else:
                    raise _Unknown
            return False
        if op is _C.AT or op is _C.ASSERT or op is _C.ASSERT_NOT:
            continue  # zero-width: the next item starts the match
        if op is _C.SUBPATTERN:
            if av[1]:  # a local flag ('(?i:...)'): the guard, compiled with the global flags, could miss
                raise _Unknown
            if not _first(av[-1], out):
                return False
            continue
        if op is _C.BRANCH:
            if not any([_first(alt, out) for alt in av[1]]):
                return False
            continue
        if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
            lo, _, item = av
            if not _first(item, out) and lo > 0:
                return False
            continue
        raise _Unknown  # ANY, NOT_LITERAL, a back reference, a conditional...
    return True


def _parse(rx: re.Pattern[str]) -> Any:
    return _sre_parse.parse(rx.pattern, rx.flags)


def first_chars(rx: re.Pattern[str], parsed: Any = None) -> str | None:
    """A character class (``[...]``) every match of ``rx`` starts with, or None when there is none
    to be had (the pattern can match the empty string, or opens with something not read here);
    ``parsed``: the pattern as parsed already."""
    try:
        items = list(_parse(rx) if parsed is None else parsed)
        if items and items[0][0] is _C.AT and items[0][1] in (_C.AT_BEGINNING, _C.AT_BEGINNING_STRING):
            return None  # anchored: the engine tries the start only (a guard in front would hide that)
        out: list[str] = []
        if _first(items, out) or not out:
            return None
    except (_Unknown, re.error, TypeError, ValueError, AttributeError):
        return None
    return "[" + "".join(dict.fromkeys(out)) + "]"


def _has_fast_start(parsed: Any) -> bool:
    """Whether the engine itself skips ahead to a possible start (a literal or charset prefix)."""
    try:
        flags = parsed.state.flags
        prefix = _sre_compile._get_literal_prefix(parsed, flags)[0]
        return bool(prefix) or bool(_sre_compile._get_charset_prefix(parsed, flags))
    except Exception:  # noqa: BLE001 - engine internals moved: assume it does, leave the pattern alone
        return True


def _cheap_start(items: Any) -> bool:
    """Whether a position is rejected by one test already: the first character-consuming item is a
    literal or a set (or a repeat of one, at least once), not an alternation or a nested repeat."""
    for op, av in items:
        if op is _C.AT or op is _C.ASSERT_NOT:
            continue
        if op is _C.SUBPATTERN:
            return _cheap_start(av[-1])
        if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
            lo, _, item = av
            return lo > 0 and len(item) == 1 and item[0][0] in (_C.LITERAL, _C.IN)
        if op is _C.BRANCH:  # two alternatives cost about what the guard's own test does
            return len(av[1]) < _MIN_BRANCHES and all(_cheap_start(alt) for alt in av[1])
        return op is _C.LITERAL or op is _C.IN
    return True


def guarded(rx: re.Pattern[str]) -> re.Pattern[str]:
    """``rx`` with a lookahead of its first characters in front, when that saves work (see module
    doc); else ``rx`` itself. Same matches, spans and groups."""
    if isinstance(rx.pattern, bytes):
        return rx
    try:  # parsed once here (a compile's cost again, once per pattern)
        parsed = _parse(rx)
    except re.error:
        return rx
    if _has_fast_start(parsed) or _cheap_start(list(parsed)):
        return rx
    cls = first_chars(rx, parsed)
    if cls is None or any(broad in cls for broad in _BROAD):
        return rx  # nothing to test, or a test that passes at most positions anyway
    try:
        return re.compile(f"(?={cls})(?:{rx.pattern})", rx.flags)
    except re.error:  # e.g. a global inline flag that must open the pattern
        return rx


def _requires(items: Any, chars: str) -> bool:
    """Every match of the sequence ``items`` consumes (or looks ahead or behind at) a character of
    ``chars``: one of its items always does."""
    return any(_item_requires(op, av, chars) for op, av in items)


def _item_requires(op: Any, av: Any, chars: str) -> bool:
    if op is _C.LITERAL:
        return chr(av) in chars
    if op is _C.IN:
        if any(o is _C.NEGATE for o, _ in av):
            return False
        for o, a in av:
            if o is _C.LITERAL:
                if chr(a) not in chars:
                    return False
            elif o is _C.RANGE:
                if any(chr(c) not in chars for c in range(a[0], a[1] + 1)):
                    return False
            else:  # a category (\w, \s ...) holds other characters
                return False
        return True
    if op is _C.SUBPATTERN:
        return _requires(av[-1], chars)
    if op is _C.BRANCH:
        return all(_requires(alt, chars) for alt in av[1])
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
        lo, _, item = av
        return lo >= 1 and _requires(item, chars)
    if op is _C.ASSERT:  # a lookahead or lookbehind reads characters of the same text
        return _requires(av[1], chars)
    return False  # anything else (ANY, a category, a back reference ...) may match without one


def requires_one_of(rx: re.Pattern[str], chars: str, *, tested_ignoring_case: bool = False) -> bool:
    """True when ``rx`` can match (or search) only a text holding one of ``chars``: a text holding none
    of them need not be tried. False when that cannot be read off the pattern (then it is tried).
    ``chars`` may hold letters only when the caller tests a text for them ignoring case (``mark_test``:
    the engine's own case folding, so a letter ``rx`` matches in another case is found too)."""
    if isinstance(rx.pattern, bytes) or (
            not tested_ignoring_case and any(c.lower() != c.upper() for c in chars)):
        return False  # (letters would need their other case too)
    try:
        return _requires(list(_parse(rx)), chars)
    except (re.error, TypeError, ValueError, AttributeError):
        return False


def anchored_at_start(rx: str, flags: int = 0) -> bool:
    """Whether every match of the regex ``rx`` starts at the start of the text: it opens with ``^``
    and has no top-level alternative (and no MULTILINE flag). ``search`` of such a pattern is its
    ``match``; False when that cannot be read."""
    if flags & re.MULTILINE:
        return False
    try:
        items = list(_sre_parse.parse(rx, flags))
    except (re.error, TypeError, ValueError, OverflowError, RecursionError):
        return False
    return bool(items) and items[0] == (_C.AT, _C.AT_BEGINNING)


def mark_test(chars: str) -> re.Pattern[str]:
    """The test of a text for ``chars`` that ``requires_one_of(..., tested_ignoring_case=True)`` assumes: a
    class of them, ignoring case as the engine does."""
    return re.compile("[" + "".join(_escape(ord(c)) for c in chars) + "]", re.IGNORECASE)


def _case_class(char: str, ignorecase: bool, ascii_only: bool) -> int:
    """The characters a literal ``char`` matches, named by one code: with IGNORECASE the engine matches a
    text character whose lower case is ``char``'s or one of its extra equivalents (``_casefix``: 's' 'ſ',
    'к' 'ꙋ' ...), so every member of that class gets the class's smallest code."""
    if not ignorecase:
        return ord(char)
    if ascii_only:  # re.ASCII: only ASCII letters have another case
        return ord(char.lower()) if char.isascii() else ord(char)
    low = _sre.unicode_tolower(ord(char))
    return min((low, *_casefix._EXTRA_CASES.get(low, ())))


def literal_alternation(words: Iterable[str], flags: int = re.IGNORECASE, space: str = r"\s+") -> str:
    """A regex of the literal ``words`` (each space written as ``space``) as a prefix tree: the same
    matches, spans and groups as their alternation longest first, ``"|".join(sorted(words, key=len,
    reverse=True))`` (each escaped), for the ``flags`` it is compiled with (IGNORECASE and ASCII are read).

    At a position the engine tries a flat alternation's words one after the other (1,700 aliases: ~3 us a
    character of text); the tree tries each first character once, then only the words going on from it.
    Why it answers the same: the words that match at one position, however the text's spaces run, all
    read one prefix of it, so each is the one before it with more characters; the longest that lets the
    rest of the pattern match wins in both (the tree tries a longer word before the word it extends)."""
    ignorecase, ascii_only = bool(flags & re.IGNORECASE), bool(flags & re.ASCII)
    root: dict[Any, Any] = {}
    for word in words:
        node = root
        for char in word:
            key = " " if char == " " else _case_class(char, ignorecase, ascii_only)
            node = node.setdefault(key, (char, {}))[1]
        node[None] = True  # a word ends here

    def regex(node: dict[Any, Any]) -> str:
        alts = [(space if key == " " else re.escape(entry[0])) + regex(entry[1])
                for key, entry in node.items() if key is not None]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if None in node else body

    return regex(root)
