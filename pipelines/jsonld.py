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
MAX_DEPTH = 6
_TYPE_STRING = re.compile(r'"@type"\s*:\s*"([^"]{1,80})"')


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
        return [{"@type": t, BROKEN: True} for t in _TYPE_STRING.findall(raw)]
    return out


def nodes(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every typed JSON-LD node of the page, in document order."""
    out: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        out.extend(parse_block(script.text))
    return out
