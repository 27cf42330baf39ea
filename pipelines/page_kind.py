"""The one "is this an article page?" classifier: the spider, extraction and ``explain`` all ask it.

    markup = read_markup(tree)                                  # what the page says it is
    verdict = classify(markup, url_rule="allow", article_pages="auto")
    verdict.is_article, verdict.kind, verdict.strong, verdict.evidence

The schema.org type lists are data (``extract_rules.yaml``: ``article_types``, ``listing_types``,
``weak_not_article``).  Evidence, strongest first:

* strong article: a JSON-LD article type (also inside ``@graph`` or a ``WebPage``'s ``mainEntity``), or
  ``og:type=article``;
* strong listing: a JSON-LD listing type (``CollectionPage``, ``ItemList`` ...);
* weak article: a JSON-LD ``WebPage`` carrying a headline, an author and a publication date; ``<article>``
  markup with paragraphs or ``article:published_time``;
* weak listing: ``og:type=website`` (many themes' default on every page), a bare ``WebPage``/``WebSite``.

Weak evidence never outweighs the URL: a page whose URL matches the source's ``article_allow``
(``url_rule="allow"``) is an article unless strong listing evidence says otherwise.  The source setting
``article_pages`` forces the decision: ``url`` — an allowed URL is an article whatever the markup says;
``markup`` — the markup alone decides, weak evidence included (``og:type=website`` -> not an article).
Without a URL rule (``url_rule=None``: a page with no source, e.g. a WARC record) weak listing evidence
alone drops nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

from pipelines import jsonld
from pipelines.extract_rules import RULES

ARTICLE_TYPES = frozenset(RULES["article_types"])
# article types that do not outweigh a listing type (a section page full of embedded videos)
SECONDARY_ARTICLE_TYPES = frozenset(RULES["secondary_article_types"])
LISTING_TYPES = frozenset(RULES["listing_types"])
WEAK_OG_TYPES = frozenset(t.lower() for t in RULES["weak_not_article"]["og_types"])
WEAK_LD_TYPES = frozenset(RULES["weak_not_article"]["jsonld_types"])
ARTICLE_PAGES_MODES = ("auto", "url", "markup")


@dataclass(frozen=True)
class Markup:
    """What a page's markup says about its kind."""

    article_types: tuple[str, ...] = ()
    listing_types: tuple[str, ...] = ()
    og_type: str = ""
    webpage_with_article_fields: bool = False
    article_markup: bool = False  # <article> with paragraphs, or article:published_time
    bare_webpage: bool = False  # a WebPage/WebSite node (only weak evidence when nothing stronger)


@dataclass(frozen=True)
class Verdict:
    kind: str  # article | listing | unknown
    strong: bool
    evidence: str

    @property
    def is_article(self) -> bool:
        return self.kind != "listing"

    def __str__(self) -> str:
        return f"{self.kind} ({self.evidence})"


def _has(node: dict[str, Any], *keys: str) -> bool:
    return any(node.get(k) for k in keys)


def read_markup(tree: HtmlElement, nodes: list[dict[str, Any]] | None = None) -> Markup:
    """The evidence in ``tree``; ``nodes`` when the caller already walked the JSON-LD."""
    nodes = jsonld.nodes(tree) if nodes is None else nodes
    found: list[str] = []
    webpage_fields = False
    for node in nodes:
        node_types = jsonld.types(node)
        found += node_types
        if WEAK_LD_TYPES.intersection(node_types) and not node.get(jsonld.BROKEN):
            webpage_fields = webpage_fields or (_has(node, "headline") and _has(node, "author", "creator")
                                                and _has(node, "datePublished", "dateCreated"))
    kinds = set(found)
    og = ""
    for el in tree.iter("meta"):
        if (el.get("property") or el.get("name") or "").strip().lower() == "og:type":
            og = (el.get("content") or "").strip().lower()
            break
    # ``//article//p`` or ``//meta[@property="article:published_time"]``, asked for the first hit only (the
    # XPath built the whole node set of an article's paragraphs to answer yes or no)
    doc = tree.getroottree()
    markup = (any(next(a.iterdescendants("p"), None) is not None for a in doc.iter("article"))
              or any(el.get("property") == "article:published_time" for el in doc.iter("meta")))
    return Markup(article_types=tuple(sorted(kinds & ARTICLE_TYPES)),
                  listing_types=tuple(sorted(kinds & LISTING_TYPES)), og_type=og,
                  webpage_with_article_fields=webpage_fields, article_markup=markup,
                  bare_webpage=bool(kinds & WEAK_LD_TYPES))


def classify(markup: Markup, url_rule: str | None = None, article_pages: str = "auto") -> Verdict:
    """The page's kind from its markup, the source's URL rule for it (``allow``/``deny``/``none``,
    None when unknown) and the source's ``article_pages`` setting (``auto``/``url``/``markup``)."""
    if article_pages not in ARTICLE_PAGES_MODES:
        raise ValueError(f"article_pages={article_pages!r}: use one of {ARTICLE_PAGES_MODES}")
    if article_pages == "url" and url_rule == "allow":
        return Verdict("article", True, "source setting article_pages: url")
    primary = [t for t in markup.article_types if t not in SECONDARY_ARTICLE_TYPES]
    if primary:
        return Verdict("article", True, f"json-ld {primary[0]}")
    if markup.og_type.startswith("article"):
        return Verdict("article", True, "og:type article")
    if markup.listing_types:
        return Verdict("listing", True, f"json-ld {markup.listing_types[0]}")
    if markup.article_types:
        return Verdict("article", True, f"json-ld {markup.article_types[0]}")
    weak_listing = ""
    if markup.og_type in WEAK_OG_TYPES:
        weak_listing = f"og:type {markup.og_type}"
    elif markup.bare_webpage and not markup.webpage_with_article_fields:
        weak_listing = "json-ld WebPage without article fields"
    weak_article = ("json-ld WebPage with headline, author and date" if markup.webpage_with_article_fields
                    else "article markup" if markup.article_markup else "")
    if url_rule == "allow" and article_pages == "auto":
        if weak_article:
            return Verdict("article", False, weak_article)
        if weak_listing:
            return Verdict("article", False, f"article URL outweighs {weak_listing}")
        return Verdict("unknown", False, "article URL; no og:type, JSON-LD or article markup")
    if markup.webpage_with_article_fields:
        return Verdict("article", False, weak_article)
    if weak_listing and (article_pages == "markup" or url_rule in ("none", "deny")):
        return Verdict("listing", False, weak_listing)
    if weak_article:
        return Verdict("article", False, weak_article)
    return Verdict("unknown", False, weak_listing or "no og:type, JSON-LD or article markup")


def page_verdict(tree: HtmlElement, url_rule: str | None = None, article_pages: str = "auto",
                 nodes: list[dict[str, Any]] | None = None) -> Verdict:
    return classify(read_markup(tree, nodes), url_rule, article_pages)
