"""Last-resort body for JavaScript-rendered pages: the article HTML embedded in the app's state.

Next.js/Nuxt style pages ship the story as an HTML string inside a script (``__NEXT_DATA__``,
``self.__next_f.push(...)``, ``window.__INITIAL_STATE__``) and render nothing server-side. The longest
such string that holds paragraphs is decoded (JSON escapes, possibly nested) and its paragraphs kept.
"""

from __future__ import annotations

import json
import re

import lxml.html
from lxml.html import HtmlElement

# A JSON string literal of some length; alternatives are disjoint, so matching stays linear.
_LITERAL = re.compile(r'"((?:[^"\\]|\\.){300,})"', re.S)
_HAS_P = re.compile(r"(?:<|\\u003c|\\\\u003c)p[\s>\\]", re.I)
_MAX_SCRIPT_CHARS = 3_000_000
_BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote")
_SKIP_ANCESTORS = ("figure", "figcaption", "aside", "nav", "script", "style")
_SKIP_CLASS = re.compile(r"caption|credit|related|share|advert|promo", re.I)


def _unescape(literal: str) -> str:
    """Undo JSON string escaping, as many levels as were applied (at most three)."""
    text = literal
    for _ in range(3):
        if "\\" not in text:
            break
        try:
            text = json.loads(f'"{text}"')
        except ValueError:
            break
    return text


def _paragraphs(fragment: str) -> str:
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # noqa: BLE001 - malformed fragments are simply not used
        return ""
    lines: list[str] = []
    for el in root.iter(*_BLOCKS):
        if any(
            a.tag in _SKIP_ANCESTORS or _SKIP_CLASS.search(a.get("class") or "") for a in el.iterancestors()
        ) or _SKIP_CLASS.search(el.get("class") or ""):
            continue
        if el.tag == "li" and el.find(".//p") is not None:
            continue  # its paragraphs come on their own
        text = " ".join(el.text_content().split())
        if text:
            lines.append(text)
    return "\n".join(lines)


def embedded_text(tree: HtmlElement) -> str:
    """The longest paragraph text found in script-embedded HTML strings, or ''."""
    best = ""
    for script in tree.iter("script"):
        kind = (script.get("type") or "").lower()
        code = script.text or ""
        if kind == "application/ld+json" or len(code) < 400 or len(code) > _MAX_SCRIPT_CHARS:
            continue
        if not _HAS_P.search(code):
            continue
        for m in _LITERAL.finditer(code):
            literal = m.group(1)
            if not _HAS_P.search(literal):
                continue
            text = _paragraphs(_unescape(literal))
            if len(text) > len(best):
                best = text
    return best
