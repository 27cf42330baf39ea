"""The one JSON-LD walker: ``<script type="application/ld+json">`` blocks of a parsed page -> typed nodes.

    nodes(tree) -> list[dict]       # every node with an @type, flattened (@graph, mainEntity, lists)
    types(node) -> list[str]        # its type names (``https://schema.org/NewsArticle`` -> NewsArticle)

Real pages ship JSON-LD wrapped in HTML comments, with a trailing ``;``, with raw control characters in
strings (all tolerated), and now and then broken beyond repair (single quotes, trailing commas): such a
block still says what it is through its ``"@type": "..."`` strings, which come back as bare nodes
``{"@type": T, BROKEN: True}`` — enough to classify the page, never used for field values.
Used by the page classifier (``pipelines.page_kind``) and the metadata reader (``pipelines.extract_meta``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml.html import HtmlElement

BROKEN = "_unparsed"  # key marking a node recovered from broken JSON (only its @type is known)
BROKEN_AUTHORS = "_author_names"  # on the first such node: the names of its "author" entries, read by pattern
MAX_DEPTH = 6
_TYPE_STRING = re.compile(r'"@type"\s*:\s*"([^"]{1,80})"')
# in a block broken beyond repair, the names under "author": {"@type": "Person", "name": "…"} or a list of
# such objects (or of strings); an Organization there is the outlet, not a name
_AUTHOR_START = re.compile(r'"author"\s*:\s*(\[?)\s*')
_ITEM = re.compile(r'\{([^{}]*)\}|"([^"\\]{2,80})"')
_ITEM_NAME = re.compile(r'"name"\s*:\s*"([^"\\]{2,80})"')
_ITEM_NEXT = re.compile(r'\s*,\s*')


def _broken_author_names(raw: str) -> list[str]:
    names: list[str] = []
    for m in _AUTHOR_START.finditer(raw):
        pos, in_list = m.end(), bool(m.group(1))
        while (item := _ITEM.match(raw, pos)) is not None:
            if item.group(2):
                names.append(item.group(2))
            elif (n := _ITEM_NAME.search(item.group(1))) and "Organization" not in item.group(1):
                names.append(n.group(1))
            pos = item.end()
            if not in_list or not (sep := _ITEM_NEXT.match(raw, pos)):
                break
            pos = sep.end()
    return [n for n in dict.fromkeys(x.strip() for x in names) if n][:20]


def types(node: dict[str, Any]) -> list[str]:
    t = node.get("@type")
    items = t if isinstance(t, list) else [t]
    return [str(x).rstrip("/").rsplit("/", 1)[-1] for x in items if isinstance(x, str) and x]


def _flatten(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            _flatten(item, out, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            out.append(data)
        if "@graph" in data:
            _flatten(data["@graph"], out, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, (dict, list)):
            _flatten(main, out, depth + 1)


def parse_block(text: str) -> list[dict[str, Any]]:
    """One script's text -> its typed nodes (bare @type nodes when the JSON is broken)."""
    raw = text.strip().removeprefix("<!--").removesuffix("-->").strip().rstrip(";").strip()
    if not raw:
        return []
    out: list[dict[str, Any]] = []
    try:
        _flatten(json.loads(raw, strict=False), out)
    except ValueError:
        bare: list[dict[str, Any]] = [{"@type": t, BROKEN: True} for t in _TYPE_STRING.findall(raw)]
        if bare and (names := _broken_author_names(raw)):
            bare[0][BROKEN_AUTHORS] = names
        return bare
    return out


def nodes(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every typed JSON-LD node of the page, in document order."""
    out: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        out.extend(parse_block(script.text))
    return out
