"""Page metadata from the parsed tree: JSON-LD first, then <meta>/<link> tags, then visible markup.
Date strings are read by ``pipelines.dates`` (the one date parser), not here.

Every reader returns ``(value, provenance)`` so the article can say where each value came from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from pipelines.extract_rules import RULES

_WS = re.compile(r"\s+")
_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\||&|\band\b|\bdan\b|\bund\b|\bet\b|\by\b|\be\b)\s*", re.I)
_NOT_A_NAME = re.compile(r"^(?:https?:|www\.|@)|\.(?:com|id|my|net|org|co)\b", re.I)

ARTICLE_TYPES = frozenset(RULES["article_types"])

# meta names/properties (lower-case) per field, best first
_META_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("og:title", "twitter:title", "dc.title", "sailthru.title", "parsely-title"),
    "description": ("og:description", "description", "twitter:description", "dc.description"),
    "site_name": ("og:site_name", "application-name", "twitter:site", "publisher"),
    "image": ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"),
    "published": (
        "article:published_time",
        "og:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "date",
        "dc.date.issued",
        "dc.date",
        "dcterms.date",
        "dcterms.created",
        "sailthru.date",
        "parsely-pub-date",
        "content_publishdate",
        "article.published",
        "cxenseparse:recs:publishtime",
        "originalpublicationdate",
    ),
    "modified": (
        "article:modified_time",
        "og:updated_time",
        "datemodified",
        "last-modified",
        "dcterms.modified",
        "lastmod",
        "article.updated",
    ),
    "authors": (
        "author",
        "article:author",
        "parsely-author",
        "dc.creator",
        "sailthru.author",
        "byl",
        "content_author",
        "cxenseparse:author",
    ),
    "tags": (
        "article:tag",
        "news_keywords",
        "keywords",
        "parsely-tags",
        "sailthru.tags",
        "article:section",
        "parsely-section",
        "content_tag",
    ),
    "language": ("content-language", "og:locale", "dc.language", "language", "inlanguage"),
    "og_type": ("og:type",),
}


@dataclass
class PageMeta:
    """What the page says about itself, before any fallback."""

    jsonld: list[dict[str, Any]] = field(default_factory=list)  # all typed nodes, flattened
    article_node: dict[str, Any] | None = None  # the node of an article type, if any
    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-cased name/property -> contents
    canonical: str | None = None
    html_lang: str | None = None
    title_tag: str | None = None
    h1: str | None = None

    @property
    def types(self) -> set[str]:
        out: set[str] = set()
        for node in self.jsonld:
            out.update(_types(node))
        return out

    def first_meta(self, key: str) -> str | None:
        for name in _META_KEYS[key]:
            for value in self.meta.get(name, ()):
                if value:
                    return value
        return None


def _text(value: Any) -> str:
    return _WS.sub(" ", str(value)).strip() if value is not None else ""


def _types(node: dict[str, Any]) -> list[str]:
    t = node.get("@type")
    items = t if isinstance(t, list) else [t]
    return [str(x).rsplit("/", 1)[-1] for x in items if x]


def _flatten(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 4:
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


def read_page(tree: HtmlElement) -> PageMeta:
    """One pass over the head-ish parts of the tree."""
    pm = PageMeta()
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        raw = script.text.strip().removeprefix("<!--").removesuffix("-->").strip().rstrip(";")
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        _flatten(data, pm.jsonld)
    for node in pm.jsonld:
        if ARTICLE_TYPES.intersection(_types(node)) and (pm.article_node is None or "articleBody" in node):
            pm.article_node = node
    for el in tree.iter("meta"):
        key = (
            el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv") or ""
        ).strip()
        content = el.get("content")
        if key and content is not None:
            pm.meta.setdefault(key.lower(), []).append(_text(content))
    for el in tree.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        if "canonical" in rel and el.get("href") and not pm.canonical:
            pm.canonical = el.get("href").strip()
    pm.html_lang = tree.get("lang") or tree.get("xml:lang")
    title = tree.find(".//title")
    if title is not None:
        pm.title_tag = _text(title.text_content()) or None
    h1 = tree.find(".//h1")
    if h1 is not None:
        pm.h1 = _text(h1.text_content())[:500] or None
    return pm


# ---------------------------------------------------------------------------------------------- values


def ld_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("url") or value.get("@id")
    text = _text(value) if value is not None else ""
    return text or None


def title(pm: PageMeta) -> tuple[str | None, str | None]:
    node = pm.article_node or {}
    if v := ld_str(node.get("headline") or node.get("name")):
        return v, "json-ld"
    if v := pm.first_meta("title"):
        return v, "meta"
    if pm.h1:
        return pm.h1, "html"
    if pm.title_tag:
        return pm.title_tag, "html"
    return None, None


def description(pm: PageMeta) -> str | None:
    return ld_str((pm.article_node or {}).get("description")) or pm.first_meta("description")


def site_name(pm: PageMeta) -> str | None:
    if v := pm.first_meta("site_name"):
        return v
    pub = (pm.article_node or {}).get("publisher")
    return ld_str(pub)


def image(pm: PageMeta, base: str | None) -> str | None:
    v = ld_str((pm.article_node or {}).get("image") or (pm.article_node or {}).get("thumbnailUrl"))
    v = v or pm.first_meta("image")
    return _absolute(v, base)


def canonical(pm: PageMeta, base: str | None) -> str | None:
    node = pm.article_node or {}
    main = node.get("mainEntityOfPage")
    v = (
        pm.canonical
        or (pm.meta.get("og:url") or [None])[0]
        or ld_str(node.get("url"))
        or (ld_str(main) if isinstance(main, (str, dict)) else None)
    )
    return _absolute(v, base) if v and not v.startswith("#") else None


def _absolute(value: str | None, base: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("//"):
        return "https:" + value
    return urljoin(base, value) if base else value


def _split_names(value: str) -> list[str]:
    parts = _AUTHOR_SPLIT.split(value) if len(value) > 40 or "," in value or ";" in value else [value]
    return [p.strip(" .-–—") for p in parts if p and p.strip(" .-–—")]


def _clean_authors(names: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        name = _text(name).removeprefix("By ").removeprefix("by ").removeprefix("Oleh ").strip()
        if not name or len(name) > 80 or _NOT_A_NAME.search(name) or not re.search(r"[^\W\d_]", name):
            continue
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return out[:20]


def authors(pm: PageMeta) -> tuple[list[str], str | None]:
    raw = (pm.article_node or {}).get("author") or (pm.article_node or {}).get("creator")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            if "Organization" in _types(item) or "NewsMediaOrganization" in _types(item):
                continue  # an outlet credited as author is not a byline
            if n := ld_str(item.get("name")):
                names.extend(_split_names(n))
        elif isinstance(item, str):
            names.extend(_split_names(item))
    if cleaned := _clean_authors(names):
        return cleaned, "json-ld"
    for key in _META_KEYS["authors"]:
        names = [n for v in pm.meta.get(key, ()) for n in _split_names(v)]
        if cleaned := _clean_authors(names):
            return cleaned, "meta"
    return [], None


def tags(pm: PageMeta) -> list[str]:
    node = pm.article_node or {}
    values: list[str] = []
    for key in ("keywords", "articleSection"):
        v = node.get(key)
        for item in v if isinstance(v, list) else [v] if v else []:
            values.extend(str(item).split(",") if isinstance(item, str) else [ld_str(item) or ""])
    for key in _META_KEYS["tags"]:
        for v in pm.meta.get(key, ()):
            values.extend(v.split(","))
    out: list[str] = []
    seen: set[str] = set()
    for v in values:
        v = _text(v)
        if v and len(v) <= 80 and v.lower() not in seen:
            seen.add(v.lower())
            out.append(v)
    return out[:50]


def paywalled(pm: PageMeta) -> bool | None:
    """JSON-LD ``isAccessibleForFree`` (on the article or one of its parts), read as 'paywalled'."""
    node = pm.article_node
    if node is None:
        return None
    parts = node.get("hasPart")
    candidates = [node] + (
        [p for p in (parts if isinstance(parts, list) else [parts]) if isinstance(p, dict)]
    )
    for cand in candidates:
        v = cand.get("isAccessibleForFree")
        if v is None:
            continue
        free = v if isinstance(v, bool) else str(v).strip().lower() in ("true", "1", "yes")
        if not free:
            return True
    if node.get("isAccessibleForFree") is not None:
        return False
    return None


def normal_lang(value: str | None) -> str | None:
    m = _LANG.match((value or "").strip())
    return m.group(1).lower() if m else None


def language(pm: PageMeta) -> tuple[str | None, str | None]:
    if v := normal_lang(ld_str((pm.article_node or {}).get("inLanguage"))):
        return v, "json-ld"
    for key in _META_KEYS["language"]:
        for value in pm.meta.get(key, ()):
            if v := normal_lang(value.split(",")[0]):
                return v, "meta"
    if v := normal_lang(pm.html_lang):
        return v, "meta"
    return None, None


def ld_dates(pm: PageMeta) -> tuple[str | None, str | None]:
    node = pm.article_node
    if node is None:  # a WebPage node still dates the page
        node = next((n for n in pm.jsonld if "datePublished" in n), {})
    return ld_str(node.get("datePublished") or node.get("dateCreated")), ld_str(node.get("dateModified"))
