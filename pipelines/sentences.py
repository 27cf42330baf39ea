"""Where a sentence ends, and a sentence hard-wrapped over two lines: the one rule every text stage reads.

A sentence ends in a stop - a full stop, a question or exclamation mark, an ellipsis ("…"), and in CJK
text the ideographic full stop and the full-width marks ("。！？") - followed by any closing quotes and
brackets ("said.\"", "(AFP).)", "…と述べた。」").  The stages ask it in three ways, each a parameter of
the one rule, not a copy of it:

* at the end of a line (``ends_sentence``) or anywhere in running text, a stop followed by white space
  or the end (``SENTENCE_END``, ``sentence_count``);
* with the CJK stops and the square and corner brackets (``cjk=True``: the line-level models, which see
  every script) or Latin only (the cleaning stage's and the templates' older shape tests);
* with the ellipsis (a teaser cut off at "…" stops there) or without it (``ellipsis=False``: a sentence
  *closed* by its writer, "..." and "…" are a cut-off); ``clause=True`` (``ends_clause``) counts a
  colon or semicolon as an end too: the attribution stage's "this line is finished".

A hard-wrapped sentence ("Photos" / "which were released online and are making the rounds on social
media,") is read from either end: ``heads_wrapped_sentence`` (the cleaning stage: a short capitalised
line is the sentence's head, not a UI label) and ``ends_wrapped_sentence`` (the line model: a short
lower-case line is its tail, not furniture).
"""

from __future__ import annotations

import re
from functools import cache

STOPS = ".!?"  # full stop, question and exclamation mark
ELLIPSIS = "…"
CJK_STOPS = "。！？"  # the ideographic full stop, the full-width question and exclamation marks
CLOSERS = "\"'”’»)"  # closing quotes and the round bracket a stop may stand before
BRACKET_CLOSERS = "]」』"  # the square bracket, the corner brackets CJK text quotes with
LOW_QUOTE_CLOSER = "“"  # German and Czech quotes open low and close with this one („…“)
CLAUSE_STOPS = ":;"

WRAP_WORDS = 6  # the wrapped sentence's other line runs on for six words or more
_HEAD_OPEN_NOT = (".", "!", "?", ":", "：", "|", "»", ">")  # a head line ends in none of these


def _class(chars: str) -> str:
    return "[" + re.escape(chars) + "]"


@cache
def sentence_end(*, cjk: bool = False, anchored: bool = False, ellipsis: bool = True,
                 clause: bool = False) -> re.Pattern[str]:
    """The sentence end: a stop and any closing quotes or brackets, at the end of the text
    (``anchored``) or followed by white space or the end (in running text)."""
    stops = STOPS + (ELLIPSIS if ellipsis else "") + (CJK_STOPS if cjk else "")
    stops += CLAUSE_STOPS if clause else ""
    closers = CLOSERS + (BRACKET_CLOSERS if cjk else "")
    lead = "" if ellipsis else "(?<![." + ELLIPSIS + "])"  # not the last dot of "..." nor after "…"
    tail = "$" if anchored else r"(?:\s|$)"
    return re.compile(lead + _class(stops) + _class(closers) + "*" + tail)


# a Latin sentence end in running text: a stop (or "…") and its closers, then white space or the end
SENTENCE_END = sentence_end()
# the white space between two sentences: after a full stop, a question or exclamation mark
SENTENCE_BREAK = re.compile("(?<=" + _class(STOPS) + r")\s+")


_ANCHORED = {(c, e, k): sentence_end(cjk=c, anchored=True, ellipsis=e, clause=k)
             for c in (False, True) for e in (False, True) for k in (False, True)}


def ends_sentence(text: str, *, cjk: bool = True, ellipsis: bool = True, clause: bool = False) -> bool:
    """``text`` ends with a sentence end ("kata dia.", "“Kami siap.”", "と述べた。」")."""
    return _ANCHORED[cjk, ellipsis, clause].search(text) is not None


def ends_clause(text: str) -> bool:
    """``text`` ends a sentence or a clause (a colon or semicolon too): it is finished, nothing runs on."""
    return _ANCHORED[True, True, True].search(text) is not None


_RUNNING_CJK = sentence_end(cjk=True)


def sentence_count(text: str, *, cjk: bool = False) -> int:
    """How many sentence ends ``text`` holds (a stop followed by white space or the end)."""
    return len((_RUNNING_CJK if cjk else SENTENCE_END).findall(text))


def stops_open(line: str) -> bool:
    """``line`` stops without a sentence end or a colon: its sentence goes on in the next line."""
    return bool(line) and not ends_sentence(line) and not line.endswith((":", "："))


def heads_wrapped_sentence(line: str, nxt: str) -> bool:
    """``line`` is the first word(s) of a sentence hard-wrapped onto ``nxt``, not a UI label: it opens
    with a capital and ends without a stop, colon or separator, and ``nxt`` goes on in lower case for
    six words or more without closing the sentence ('Photos' / 'which were released online and are
    making the rounds on social media,')."""
    return (line[:1].isupper() and not line.endswith(_HEAD_OPEN_NOT) and nxt[:1].islower()
            and len(nxt.split()) >= WRAP_WORDS and SENTENCE_END.search(nxt) is None)


def ends_wrapped_sentence(prev: str, line: str) -> bool:
    """``line`` is the tail of a sentence hard-wrapped from ``prev``: it opens in lower case and closes
    the sentence, under a line of six words or more that stops without a sentence end ("... looking
    absolutely stunning in new" / "make-up photos.")."""
    return (line[:1].islower() and ends_sentence(line) and len(prev.split()) >= WRAP_WORDS
            and stops_open(prev))
