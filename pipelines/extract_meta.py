"""Page metadata from the parsed tree: JSON-LD first, then <meta>/<link> tags, then visible markup.
Date strings are read by ``pipelines.dates`` (the one date parser), not here.

Every reader returns ``(value, provenance)`` so the article can say where each value came from.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Any

from lxml.html import HtmlElement

from pipelines import jsonld
from pipelines.dedupe import join_url
from pipelines.extract_rules import RULES, compile_any
from pipelines.hosts import url_host
from pipelines.page_kind import ARTICLE_TYPES

_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
_NOT_A_NAME = re.compile(r"^(?:https?:|www\.|@)|\.(?:com|id|my|net|org|co)\b", re.I)

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
        "og:article:author",
        "og:author",
        "parsely-author",
        "dc.creator",
        "dc:creator",
        "dcterms.creator",
        "dc.creator.aut",
        "dcterms.creator.aut",
        "creator",
        "sailthru.author",
        "byl",
        "content_author",
        "cxenseparse:author",
        "authors",
        "citation_author",
        "dcsext.author",
        "rbauthors",
        "shareaholic:article_author_name",
        "atc-metaauthor",
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
    h1_all: list[str] = field(default_factory=list)  # every <h1>, in order (the first may be a logo)

    @property
    def types(self) -> set[str]:
        out: set[str] = set()
        for node in self.jsonld:
            out.update(jsonld.types(node))
        return out

    def first_meta(self, key: str) -> str | None:
        for name in _META_KEYS[key]:
            for value in self.meta.get(name, ()):
                if value:
                    return value
        return None


def _text(value: Any) -> str:
    # the words one space apart: each run of ``\s`` collapsed, then stripped; a sixth of the time
    return " ".join(str(value).split()) if value is not None else ""




def read_page(tree: HtmlElement, nodes: list[dict[str, Any]] | None = None) -> PageMeta:
    """One pass over the head-ish parts of the tree (``nodes``: its JSON-LD, when the caller walked it)."""
    pm = PageMeta()
    pm.jsonld = jsonld.nodes(tree) if nodes is None else nodes
    for node in pm.jsonld:
        if node.get(jsonld.BROKEN):  # recovered from broken JSON: it names a type, it has no fields
            continue
        if (ARTICLE_TYPES.intersection(jsonld.types(node))
                and (pm.article_node is None or "articleBody" in node)):
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
    for h1 in tree.iter("h1"):
        if _is_masthead(h1):
            continue
        if text := _text(h1.text_content())[:500]:
            pm.h1_all.append(text)
        if len(pm.h1_all) >= 5:
            break
    h1 = tree.find(".//h1")
    if h1 is not None:
        pm.h1 = _text(h1.text_content())[:500] or None
    return pm


_SITE_ROOT = re.compile(r"^(?:(?:https?:)?//[^/?#]+)?/?(?:index\.\w{2,5})?$", re.I)


def _home_link(a: HtmlElement) -> bool:
    href = (a.get("href") or "").strip()
    return "home" in (a.get("rel") or "").lower().split() or (bool(href) and bool(_SITE_ROOT.match(href)))


def _is_masthead(h1: HtmlElement) -> bool:
    """An <h1> that is the site's name, no headline: it sits in a link to the home page
    (``<a href="/"><h1>엔터 미디어</h1></a>``) or holds one as its whole text
    (``<h1 class="site-title"><a href="/" rel="home">…``)."""
    parent = h1.getparent()
    for a in (parent, parent.getparent() if parent is not None else None):
        if a is not None and a.tag == "a":
            return _home_link(a)
    text = _text(h1.text_content())
    return any(_home_link(a) and _text(a.text_content()) == text for a in h1.iter("a"))


# ---------------------------------------------------------------------------------------------- values


def ld_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("url") or value.get("@id")
    text = _text(value) if value is not None else ""
    return text or None


_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.I)
# separators between a headline and the site's name or section in <title>/og:title
_TITLE_SEP = re.compile(r"\s+[|\-–—:·•»/~]{1,2}\s+|\s*[|ㅣ｜：]\s*|\s+::\s+")
# what may stand between a headline and a short tail (section, site) when another source confirms the cut
_TAIL_SEP = re.compile(r"\s*[|\-–—:·•»/~ㅣ｜：]{1,2}\s*")
TAIL_MAX_WORDS, TAIL_MAX_CHARS = 4, 30


def clean_text(value: str | None) -> str:
    """Whitespace collapsed, HTML entities that survived into JSON/meta decoded, zero-width marks gone."""
    text = _text(value)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(html.unescape(text))
    return _ZERO_WIDTH.sub("", text).strip()


def squash(text: str | None) -> str:
    """Letters and digits only, case-folded: how names of the outlet are compared."""
    return re.sub(r"[\W_]+", "", (text or "").casefold()).removeprefix("the")


def outlet_keys(pm: PageMeta, url: str | None) -> set[str]:
    """Ways the outlet names itself: site name, publisher, application name, the host's labels."""
    names = [pm.first_meta("site_name"), ld_str((pm.article_node or {}).get("publisher"))]
    names += pm.meta.get("application-name", []) + pm.meta.get("og:site_name", [])
    for node in pm.jsonld:
        if {"Organization", "NewsMediaOrganization", "WebSite"} & set(jsonld.types(node)):
            names.append(ld_str(node.get("name")))
    host = url_host(url or "").removeprefix("www.")
    labels = [x for x in host.split(".") if x and x not in _HOST_NOISE]
    if labels:
        names.append(labels[0])
        names.append(".".join(host.split(".")[-2:]))
    # a site name of several names ("産経新聞：産経ニュース", "Israel Nachrichten – Chadashoth Israel – חדשות
    # ישראל"): each is the outlet's, and a title may end in any of them
    names += [p for n in names if n and len(n.split()) <= OUTLET_MAX_WORDS and _TITLE_SEP.search(n)
              for p in _TITLE_SEP.split(n) if _distinct_name(p)]
    # a "site name" of a dozen words is the headline written into the wrong field (MSN's WebSite node), no
    # outlet's name: taken as one, it would strip the page of its own title
    return {k for n in names if n and len(n.split()) <= OUTLET_MAX_WORDS
            for k in _spellings(n, article=False) if len(k) >= 2}


def _distinct_name(piece: str) -> bool:
    """A piece of a site name that names the outlet on its own: two words or more, or one long word (eight
    letters or more; four in scripts without spaces) - not a section word such as "News" or "Sport"."""
    key = squash(piece)
    return len(piece.split()) >= 2 or len(key) >= (8 if key.isascii() else 4)


# a leading article of an outlet's name ("DIE ZEIT", "la Repubblica", "Der Tagesspiegel"): the host and the
# site name often go without it ("zeit.de", "repubblica.it")
_LEADING_ARTICLE = re.compile(r"^(?:der|die|das|la|le|les|el|il|lo|los|las|het|de|o|a|the)\s+(?=\S)", re.I)
_GERMAN_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@lru_cache(maxsize=4096)
def _spellings(name: str, article: bool = True) -> frozenset[str]:
    """The squashed ways an outlet's name may be written: as given, accents folded ("Wiadomości" =
    "wiadomosci"), umlauts spelt out as hosts do ("Süddeutsche" = "sueddeutsche"), the leading article
    dropped ("DIE ZEIT" = "zeit"; not for the outlet's own names, ``article=False``: "Il Post" would make
    every "Post…" the outlet)."""
    out = {squash(name)}
    if article and (bare := _LEADING_ARTICLE.sub("", name.strip())) != name.strip():
        out.add(squash(bare))
    for k in list(out):
        if not k.isascii():
            out.add(k.translate(_GERMAN_FOLD))
            out.add("".join(c for c in unicodedata.normalize("NFKD", k) if not unicodedata.combining(c)))
    return frozenset(k for k in out if k)


OUTLET_MAX_WORDS = 8
_HOST_NOISE = frozenset({"m", "amp", "mobile", "news", "edition", "en", "de", "id"})


def is_outlet(name: str, keys: set[str]) -> bool:
    key = squash(name)
    if not key:
        return False
    spellings = _spellings(name)
    if not spellings.isdisjoint(keys):
        return True
    spelt = [x for x in spellings if len(x) >= 4 and x != key]
    if spelt and any(len(k) >= 4 and (x.startswith(k) or k.startswith(x)) for x in spelt for k in keys):
        return True  # "Süddeutsche Zeitung" on sueddeutsche.de, "DIE ZEIT" on zeit.de
    words = name.split()
    first = squash(words[0])
    if len(words) <= 3 and first in keys:  # "n-tv NACHRICHTEN", "BR24 Redaktion"
        return True
    if len(words) <= 2 and len(first) >= 5 and any(k.startswith(first) and 2 * len(first) >= len(k)
                                                   for k in keys):
        return True  # a desk account named after the outlet: "Ilanga D" on Ilanga News (not "Kristel X" on
        # Kristeligt Dagblad: the word must be most of the outlet's name)
    for k in keys:
        if key == k or (len(k) >= 4 and (key.startswith(k) or k.startswith(key) and len(key) >= 4)):
            return True
    return False


# a section glued to the headline by a bare hyphen in scripts written without spaces around it
# ("…커졌다-정치", "…措施-国际"): one to four Hangul/Han/kana characters after a headline of 8+ characters
# ending in two such characters (a compound such as "한-미" has one syllable before the hyphen)
_CJK_CHARS = "\u3131-\u318e\uac00-\ud7a3\u3400-\u4dbf\u4e00-\u9fff\u3040-\u30ff"
_GLUED_SECTION = re.compile(rf"^(.{{6,}}[{_CJK_CHARS}]{{2}})-[{_CJK_CHARS}]{{1,4}}$")


def _is_section(part: str) -> bool:
    return len(part) <= TAIL_MAX_CHARS and len(part.split()) <= 3


def _is_date_part(part: str) -> bool:
    from pipelines import dates

    return len(part) <= TAIL_MAX_CHARS and any(c.isdigit() for c in part) and dates.parse(part) is not None


# the page of a story split over pages, after the headline ("Judul - Halaman all - Kompas.com",
# "Judul Halaman 2", "見出し（1/2ページ）"): no part of the headline
_PAGE_PART = re.compile(r"^(?:halaman|page|seite|página|pagina|strona|sayfa|trang)\s+(?:\d{1,3}|all)$", re.I)
_PAGE_TAIL = re.compile(r"(?:\s+halaman\s+(?:\d{1,3}|all)|\s*[（(]\d{1,2}/\d{1,2}ページ[）)])$", re.I)


def _initials(part: str) -> str:
    """"Financial Times" -> "ft", "Frankfurter Allgemeine Zeitung" -> "faz" (capitalised words of 2-5)."""
    words = part.split()
    if not 2 <= len(words) <= 5 or not all(w[:1].isupper() for w in words):
        return ""
    return "".join(w[0] for w in words).casefold()


def _names_the_outlet(part: str, keys: set[str]) -> bool:
    """A title part naming the outlet: ``is_outlet``, or its initials are the host's ("Financial Times" on
    ft.com, "Neue Zürcher Zeitung" on nzz.ch; a title part only: a writer may have the host's initials)."""
    return is_outlet(part, keys) or _initials(part) in keys


def _site_parts(text: str, keys: set[str]) -> str:
    """``text`` without a leading/trailing part that names the outlet ("Headline - The Namibian") or the page
    of a story split over pages."""
    text = _PAGE_TAIL.sub("", text)
    parts = _TITLE_SEP.split(text)
    if len(parts) < 2:
        return text
    cut = _outlet_parts_cut(text, parts, keys)
    return _PAGE_TAIL.sub("", cut) if cut != text else cut


def _outlet_parts_cut(text: str, parts: list[str], keys: set[str]) -> str:
    """``text`` (split into ``parts`` at its separators) without the outlet's parts at either end."""
    if len(parts) > 2 and _names_the_outlet(parts[-2], keys) and _is_date_part(parts[-1]):
        parts.pop()  # "Headline – DW – 01/31/2025": the day after the outlet's name
    while len(parts) > 1 and (_names_the_outlet(parts[-1], keys) or _PAGE_PART.match(parts[-1])):
        parts.pop()
        if len(parts) >= 2 and _is_section(parts[-1]) and len(" ".join(parts[:-1]).split()) >= 4:
            parts.pop()  # "Headline | Politics News | Metro News": the section before the outlet's name
        elif m := _GLUED_SECTION.match(parts[-1]):
            parts[-1] = m.group(1)  # "헤드라인-정치ㅣ한국일보": a Hangul/CJK section glued by a bare hyphen
    while len(parts) > 1 and _names_the_outlet(parts[0], keys):
        parts.pop(0)
    if len(parts) == len(_TITLE_SEP.split(text)):
        return text
    # re-join with the separators that stood between the kept parts
    start = text.find(parts[0])
    end = text.rfind(parts[-1]) + len(parts[-1])
    return text[start:end].strip() if start >= 0 and end > start else text


def title(pm: PageMeta, url: str | None = None, written_apart: bool = True) -> tuple[str | None, str | None]:
    """The headline, without a part that names the outlet ("Headline - The Namibian", "… | Lesotho Times").

    ``og:title`` first: on the development pages it is the display headline more often than any other
    source (the JSON-LD headline is often an SEO variant, the <title> carries site and section), unless it
    only repeats the <title> and the JSON-LD headline says another headline (``_written_apart``; off with
    ``written_apart=False``). Without it, the candidates (<h1>s, JSON-LD headline, other title metas,
    <title>) vote: one vote per other source saying the same, or the same followed by a separator and a
    section; ties in that order.
    """
    keys = outlet_keys(pm, url)
    node = pm.article_node or {}
    raw: list[tuple[str, str]] = [(h, "html") for h in pm.h1_all[:3]]
    if v := ld_str(node.get("headline") or node.get("name")):
        raw.append((v, "json-ld"))
    for name in _META_KEYS["title"][1:]:
        raw.extend((v, "meta") for v in pm.meta.get(name, ())[:1])
    if pm.title_tag:
        raw.append((pm.title_tag, "title"))
    cands: list[tuple[str, str]] = []
    for text, src in raw:
        text = _site_parts(clean_text(text), keys)
        if text and not is_outlet(text, keys):
            cands.append((text, src))
    for v in pm.meta.get("og:title", ())[:1]:
        text = _site_parts(clean_text(v), keys)
        if text and not is_outlet(text, keys):
            others = [c for c, _ in cands]
            src = "meta"
            if written_apart and _node_of_this_page(node, pm, url) and (
                    written := _written_apart(text, cands)) is not None:
                text, src = written, "json-ld"
            return _confirmed_head(_without_label(text, others), others), src
    if not cands:
        return None, None

    def votes(i: int) -> int:
        text, src = cands[i]
        key = text.casefold()
        n = 0
        for j, (text_j, src_j) in enumerate(cands):
            if j == i or (src_j == src == "html"):
                continue
            other = text_j.casefold()
            if other == key or (other.startswith(key) and _TITLE_SEP.match(other, len(key))):
                n += 1
        return n

    best = max(range(len(cands)), key=lambda i: (votes(i), -i))
    text, src = cands[best]
    return text, ("html" if src == "title" else src)


def _headline_key(text: str) -> str:
    """Letters and digits only, case-folded: two headlines that differ in quotes, dashes or the separator
    before a kicker ("Rückbau: Kühltürme gesprengt" / "Rückbau - Kühltürme gesprengt") are the same."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def _same_headline(a: str, b: str) -> bool:
    """The same headline, or one of them is the other with a short tail ("… | Sport", "…-정치")."""
    ka, kb = _headline_key(a), _headline_key(b)
    if ka == kb:
        return True
    short, long_ = sorted((a, b), key=len)
    return bool(ka and kb) and _confirmed_head(long_, [short]) != long_


def _page_key(address: str) -> str:
    """An address without scheme, "www.", query, fragment and trailing slash: how two spellings of one page
    are compared."""
    bare = re.sub(r"^(?:\w+:)?//(?:www\.)?", "", address.strip()).split("#")[0].split("?")[0]
    return bare.rstrip("/").casefold()


def _node_of_this_page(node: dict[str, Any], pm: PageMeta, url: str | None) -> bool:
    """The article node is this page's own: the address it gives (``url``, ``mainEntityOfPage``), if any, is
    the page's or its canonical's, not that of another story the page lists."""
    given = [v for v in (ld_str(node.get("url")), ld_str(node.get("mainEntityOfPage"))) if v and "/" in v]
    if not given:
        return True
    own = {_page_key(u) for u in (url, pm.canonical) if u}
    return any(_page_key(join_url(url, v) or v if url else v) in own for v in given)  # a relative address too


def own_article_node(pm: PageMeta, url: str | None) -> None:
    """Point ``pm.article_node`` at this page's own article node when the one ``read_page`` chose gives the
    address of another story (a graph listing related stories as NewsArticle nodes before the page's own):
    the first other article node that is this page's (``_node_of_this_page``), one naming this page's address
    before one naming none. Nothing changes without an address to compare (``url``, canonical)."""
    node = pm.article_node
    if node is None or not (url or pm.canonical) or _node_of_this_page(node, pm, url):
        return
    arts = [n for n in pm.jsonld if ARTICLE_TYPES.intersection(jsonld.types(n)) and not n.get(jsonld.BROKEN)]
    named = [n for n in arts if n is not node and _node_of_this_page(n, pm, url)]
    given = [n for n in named if any(ld_str(n.get(k)) for k in ("url", "mainEntityOfPage"))]
    if given or named:
        pm.article_node = (given or named)[0]


def _written_apart(og_title: str, cands: list[tuple[str, str]]) -> str | None:
    """The JSON-LD headline, when it and og:title say different headlines and og:title only repeats the
    <title> (the search engines' title, which the CMS copies into og:title): the headline written for the
    story is the one written apart from it. When the JSON-LD headline is the <title>'s copy, og:title is the
    one written apart and stays (``None``)."""
    ld = next((c for c, s in cands if s == "json-ld"), None)
    page = next((c for c, s in cands if s == "title"), None)
    if ld is None or page is None or _same_headline(og_title, ld) or _cut_short(ld, og_title):
        return None
    return ld if _same_headline(og_title, page) and not _same_headline(ld, page) else None


def _cut_short(head: str, full: str) -> bool:
    """``head`` is ``full`` cut short (a JSON-LD headline truncated to a length limit, "…" or not): no other
    headline."""
    key, whole = _headline_key(head), _headline_key(full)
    return len(key) >= 8 and len(key) < len(whole) and whole.startswith(key)


_LABEL_SEP = re.compile(r"\s*[|｜ㅣ]\s*")  # a label before a bar ("Opinion | …"), not a kicker before a colon


def _without_label(text: str, others: list[str]) -> str:
    """``text`` without a short label before a bar ("Opinion | Headline", "LIVE | Headline") when another of
    the page's own title sources says the headline alone. A kicker before a colon ("Kenia: Nairobi von unten")
    is part of the headline and stays."""
    m = _LABEL_SEP.search(text)
    if m is None or m.start() == 0:
        return text
    label, rest = text[: m.start()], text[m.end():]
    if len(label) > TAIL_MAX_CHARS or len(label.split()) > 3 or len(rest) < 8:
        return text
    return rest if any(o.casefold().strip() == rest.casefold() for o in others) else text


def _confirmed_head(text: str, others: list[str]) -> str:
    """``text`` without a short tail ("Headline - National", "Headline-정치") when another of the page's own
    title sources says the headline alone: the tail is a section or site label, not part of the headline."""
    key = text.casefold()
    best = text
    for other in others:
        head = other.casefold().strip()
        if len(head) < 8 or len(head) >= len(best) or not key.startswith(head):
            continue
        m = _TAIL_SEP.match(text, len(head))
        tail = text[m.end():] if m and m.end() > len(head) else ""
        if tail and len(tail) <= TAIL_MAX_CHARS and len(tail.split()) <= TAIL_MAX_WORDS:
            best = text[: len(head)].strip()
    return best


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
        or next(iter(pm.meta.get("og:url") or ()), None)
        or ld_str(node.get("url"))
        or (ld_str(main) if isinstance(main, (str, dict)) else None)
    )
    return _absolute(v, base) if v and not v.startswith("#") else None


def _absolute(value: str | None, base: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("//"):  # protocol-relative: https; None when it cannot be parsed
        return join_url("https:", value)
    return join_url(base, value) if base else value


_A = RULES["authors"]
_A_PREFIX = re.compile(r"^(?:" + "|".join(_A["prefixes"]) + r")\b\s*[:：\-–・]?\s*", re.I)
_CJK = re.compile(f"[{_CJK_CHARS}]")
# a CJK lead-in of two characters or more written onto the name ("新华社记者李四", "聞き手・田中太郎"); a
# one-character one never is (文 opens the name 文在寅)
_A_PREFIX_GLUED = re.compile(
    r"^(?:" + "|".join(p for p in _A["prefixes"] if _CJK.search(p) and len(p) >= 2 and "(" not in p)
    + f")\\s*[:：・/]?\\s*(?=[{_CJK_CHARS}])")
LEAD_IN_WORDS = "|".join(_A["lead_ins"])  # the one list of a byline's one-word lead-ins
_A_PREFIX_INSIDE = re.compile(r"\s(?:" + LEAD_IN_WORDS + r")\s+(?=[^\W\d_])", re.I)
_A_QUALIFIED_ROLE = (
    r"(?:(?:" + "|".join(_A["role_qualifiers"]) + r")\s+){0,3}(?:" + "|".join(_A["roles"]) + r")"
)
_A_ROLE_END = re.compile(r"(?:\s*[,\-–|/(]\s*|\s+)" + _A_QUALIFIED_ROLE + r"\)?\s*$", re.I)
# a CJK role written onto the name ("김철수기자", "田中太郎記者")
_A_ROLE_GLUED = re.compile(
    f"(?<=[{_CJK_CHARS}])\\s*(?:" + "|".join(r for r in _A["roles"] if _CJK.search(r)) + r")\s*$")
# a CJK role written before the name without a space ("记者李四")
_A_ROLE_START_GLUED = re.compile(
    r"^(?:" + "|".join(r for r in _A["roles"] if _CJK.search(r)) + f")(?=[{_CJK_CHARS}]{{2}})")
# what stands before a Korean or Japanese byline's name: the dateline's place and "=" ("서울=김철수 기자"),
# the outlet in brackets ("[서울신문] 김철수 기자", "【共同通信】田中太郎")
_A_CJK_LEAD = re.compile(
    f"^(?:\\[[^\\]]{{1,20}}\\]|【[^】]{{1,20}}】|[{_CJK_CHARS}]{{1,8}}\\s*[=＝])\\s*(?=[{_CJK_CHARS}])")
_A_UI_TAIL = re.compile(r"(?:\s*[,|·•]\s*|\s+)(?:" + "|".join(_A["ui_tails"]) + r")\b.*$", re.I)
_A_UI_ONLY = re.compile(
    r"^(?:" + "|".join(_A["ui_tails"]) + r")(?:\s+(?:on|us|me|the|her|him|author)\b.*)?$", re.I)
# "By Dolores Chang For Dailymail.com", "Jane Doe for The Guardian", "Von Max Muster für die WELT"
_A_FOR_OUTLET = re.compile(
    r"^((?:\S+\s+){1,3}\S+?)\s+(?:for|für|special\s+to)\s+(?:the\s+|die\s+|der\s+|das\s+)?[A-Z].*$", re.I)
# a date written with the month's name before the first digit ("Follow June 26, 2023 5 AM PT")
_MONTH_BEFORE_DIGITS = re.compile(
    r"[\s,|–-]+(?:jan(?:uary|uar)?|feb(?:ruary|ruar)?|mar(?:ch)?|märz|apr(?:il)?|may|mai|mei|june?|juni|july?|juli"
    r"|aug(?:ust|ustus)?|agustus|sept?(?:ember)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?|de[czs](?:ember)?)"
    r"\.?\s+(?=\d)", re.I)
# a month's name alone: what is left of a date split off a byline at its comma ("Madeline Fry, November 19")
_MONTH_ONLY = re.compile(_MONTH_BEFORE_DIGITS.pattern.removeprefix(r"[\s,|–-]+").removesuffix(r"\.?\s+(?=\d)")
                         .join(("^", r"\.?$")), re.I)
# labels of a byline box that credit someone other than the writer ("Penulis: Budi | Editor: Ani", "Reporter:
# Siti Redaktur: Andi"): what follows such a label, up to the next label, is no author
_CREDIT_LABEL = re.compile(
    r"(?<!\w)(?:(editor|penyunting|redaktur|editing|diedit oleh|disunting oleh|penerjemah|translator"
    r"|translated by|edited by|fotografer|photographer|ilustrator|illustrator|video|grafis|kameramen"
    r"|sumber|source|quelle|fuente|fonte|责任编辑|责编|编辑)"
    r"|(?:penulis|reporter|pewarta|wartawan|kontributor|oleh|author|autor|text|texto|by|von|记者|作者))\s*[:：]\s*",
    re.I)
_A_ROLE_ONLY = re.compile(r"^" + _A_QUALIFIED_ROLE + r"$", re.I)
_A_ROLE_START = re.compile(r"^(?:" + "|".join(_A["roles"]) + r")(?:\s*[:\-–]?\s+|\s*：\s*)", re.I)
_A_JOIN = re.compile(
    r"\s*(?:[,;|/·•、]|\s(?:" + "|".join(re.escape(j) for j in _A["joins"]) + r")\s)\s*", re.I)
_A_WEAK = re.compile(r"\s(?:" + "|".join(_A["weak_joins"]) + r")\s", re.I)
_A_NOT = compile_any(_A["not_names"])
_TWITTER_WRITTEN_BY = re.compile(r"^\s*(?:" + "|".join(_A["twitter_written_by"]) + r")\s*:?\s*$", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<!\w)@\w{2,}")
# what is left of an address whose "@" and dots were dropped ("meganr com", "Jane Doe janed com")
_EMAIL_LEFTOVER = re.compile(r"(?:^|\s+)[a-z][\w.-]*\s+(?:com|net|org)$")
# "박준석 기자 외 1명" (and one other), "Jane Doe and 2 others"
_OTHERS = re.compile(r"\s*(?:외|外)\s*\d+\s*명?|\s+(?:and|und|dan)\s+\d+\s+\w+$", re.I)
_HAS_DIGIT_TAIL = re.compile(r"[\s,|–-]*\d.*$")


def _writers_only(value: str) -> str:
    """``value`` without the parts that an editor/translator/photographer label introduces."""
    if (":" not in value and "：" not in value) or not any(m.group(1) for m in _CREDIT_LABEL.finditer(value)):
        return value
    out, pos, keep = [], 0, True
    for m in _CREDIT_LABEL.finditer(value):
        if keep:
            out.append(value[pos:m.start()])
        keep, pos = not m.group(1), m.end() if m.group(1) else m.start()
    if keep:
        out.append(value[pos:])
    return " | ".join(x.strip(" |,;") for x in out if x.strip(" |,;"))


# a weekday left at the end of a name when the date after it was cut ("Malcolm Owen Monday, November 18")
_WEEKDAYS = frozenset((
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "isnin", "khamis"))


def _without_tail(name: str, keys: set[str]) -> str:
    """"Kevin McCoy USA TODAY" -> "Kevin McCoy": the outlet's name set after the writer's (1-3 words), the
    weekday or month of a dateline cut after it, or the whole name read twice."""
    words = name.split()
    half = len(words) // 2
    if half >= 2 and len(words) == 2 * half and [w.casefold() for w in words[:half]] == [
            w.casefold() for w in words[half:]]:
        words = words[:half]  # "Sean Martin Sean Martin": the name of the byline box read twice
        name = " ".join(words)
    last = words[-1].strip(",.") if words else ""
    if len(words) >= 3 and (last.casefold() in _WEEKDAYS or (len(last) >= 5 and _MONTH_ONLY.match(last))):
        words = words[:-1]  # a dateline's weekday or month cut after the name ("Carrie Arnold November")
        name = " ".join(words)
    for n in (3, 2, 1):
        if len(words) - n >= 2 and squash(" ".join(words[-n:])) in keys:
            return " ".join(words[:-n])
    head, sep, tail = name.rpartition(" - ")  # "Budi Santoso - detikNews": the outlet's desk after a dash
    if sep and len(head.split()) >= 2 and (is_outlet(tail, keys) or _is_agency(tail)):
        return head
    m = re.match(r"^(.*\S)\s+(?:with|mit|dengan|avec)\s+(\S.*)$", name)  # "Jane Doe with AFP"
    if m and len(m.group(1).split()) >= 2 and _is_agency(m.group(2)):
        return m.group(1)
    return name


def _is_agency(name: str) -> bool:
    return _resolve_agency(name) is not None


# the desk named after the outlet ("Tim detikcom", "Redaksi Kompas", "Guardian staff", "BBC News team")
_DESK_WORD = re.compile(
    r"^(?:tim|team|redaksi|redaktion|desk|redacción|redação|redazione|rédaction|nyhetsbyrån|nyhedsbureauet)\s+"
    r"|\s+(?:staff|team|desk|redaktion|redaksi)$", re.I)


def _is_desk(name: str, keys: set[str]) -> bool:
    rest = _DESK_WORD.sub("", name)
    return rest != name and bool(rest) and is_outlet(rest, keys)


# a byline's last comma part that is one word, after a name of two words or more: the place of the dateline or
# a degree ("Von Anna Müller, Berlin", "Siti Aminah, S.Pd"), unless it names an agency or the outlet
_ONE_WORD_LAST = re.compile(r"^(.*?(?:^|,)\s*[^,]*\S\s+\S[^,]*?)\s*,\s*([^\s,]+)\s*$")


_AGENCY_SLASH_PLACE = re.compile(r"^([^/]+?)\s*/\s*([^\W\d_][\w-]*)$")  # "Reuters/Jakarta", "AFP/Paris"


def _without_place(value: str, keys: set[str]) -> str:
    """The byline value without what is no name around it: a correspondent's lead-in with the place or the
    outlet, a bio sentence, the dateline's place after a comma or after an agency's slash."""
    value = _A_BIO.sub("", _A_POSTED_IN.sub("", value.strip(" .,:;-–—|")))
    if (m := _AGENCY_SLASH_PLACE.match(value)) and _is_agency(m.group(1)):
        return m.group(1)
    m = _ONE_WORD_LAST.match(value)
    if not m or " and " in m.group(1) or _is_agency(m.group(2)) or is_outlet(m.group(2), keys):
        return value
    if len(_A_PREFIX.sub("", m.group(1).split(",")[-1].strip()).split()) < 2:
        return value
    return m.group(1)


def _split_names(value: str) -> list[str]:
    out: list[str] = []
    for part in _A_JOIN.split(value):
        pieces = _A_WEAK.split(part)
        if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
            out.extend(pieces)
        else:
            out.append(part)
    return [p for p in out if p and p.strip()]


# "Kontributor Bandung, Agie Permadi", "Laporan wartawan Kompas.com Irfan Kamil", "Koresponden Jakarta: Siti":
# a correspondent's lead-in naming the place or the outlet before the name
_A_POSTED_IN = re.compile(
    r"^(?:laporan\s+)?(?:kontributor|koresponden|wartawan|reporter|correspondent|jurnalis)\s+"
    r"(?:[^\W\d_][\w.-]*\.(?:com|id|co|net|tv)\b\s*,?|[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*)?\s*[,:])\s*", re.I)
# a writer's bio sentence read with the name ("Jane Doe is a reporter at The Star"): cut at the verb
_A_BIO = re.compile(
    r"\s+(?:is|was|ist|adalah|merupakan|est|es)\s+(?:a|an|the|ein|eine|seorang|un|une|una)\b.*$")
# what a name is credited for in brackets ("Anna Müller (Text)", "Tom Bauer (Fotos)"): a picture credit
# names no writer; any other bracketed label is cut
_A_BRACKET = re.compile(r"\s*\(([^()]{1,30})\)\s*$")
_A_PICTURE = re.compile(r"^(?:fotos?|photos?|bilder?|video|grafik|graphics?|illustrations?|ilustrasi)$", re.I)
# a value opened by a picture label ("Foto REUTERS; Nadja Wohlleben", "Photo: AFP/Jane Doe"): the credit of a
# picture read as the byline, naming its photographer and agency, no writer
_A_PICTURE_CREDIT = re.compile(_A_PICTURE.pattern.removesuffix("$") + r"(?:\s*:\s*|\s+)(?=\S)", re.I)
# a place or an agency after the name ("Jane Doe in London", "Jane Doe with AFP"), the "on" of a cut date
_A_PLACE_TAIL = re.compile(r"(?<=\S)\s+(?:in|di|aus|from)\s+[A-ZÀ-Þ][^\d,;|]*$")
_A_DANGLING = re.compile(r"\s+(?:on|at|am|um|pada|le|el|il|op)$", re.I)
# initials of the desk in brackets or lower case ("(ant/rd)", "ssi"): no name
_A_INITIALS = re.compile(r"^[a-z]{1,4}$")


def _lead_in_opens_a_name(rest: str) -> bool:
    """After "von"/"af"/"by" inside a value: a whole name (two words or more, the first capitalised:
    "Capital Von Jemima Kelly") means the word was a lead-in; one word or a lowercase one ("Otto von
    Bismarck", "Ursula von der Leyen", "Carl af Ugglas") means it is a particle of the name."""
    words = rest.split()
    return len(words) >= 2 and words[0][:1].isupper()


def clean_name(name: str) -> str:
    """One byline name without its lead-in, role, e-mail, handle, or trailing date/time."""
    name = clean_text(name).replace("（", "(").replace("）", ")")  # "田中太郎（ジャーナリスト）"
    if _CJK.search(name):  # "[서울신문] 김철수기자", "서울=김철수 기자", "新华社记者李四"
        name = _A_PREFIX_GLUED.sub("", _A_CJK_LEAD.sub("", name.strip()))
        name = _A_ROLE_GLUED.sub("", _A_ROLE_START_GLUED.sub("", name))
    if "_" in name and " " not in name:  # "Jenny_Smith": a user name with the space written as "_"
        name = name.replace("_", " ")
    head, sep, _ = name.partition(" — ")  # "Jenny Smith — The Courier": what follows a spaced long dash
    if not sep:
        head, sep, _ = name.partition(" – ")
    if sep and len(head.split()) >= 2:
        name = head
    if (m := _A_BRACKET.search(name)) and len(name[: m.start()].split()) >= 1:
        if _A_PICTURE.match(m.group(1).strip()):
            return ""  # "Tom Bauer (Fotos)": the photographer
        name = name[: m.start()]
    name = _EMAIL_LEFTOVER.sub("", _EMAIL.sub(" ", name).strip())
    name = _HANDLE.sub(" ", name)
    name = _OTHERS.sub("", name)
    if _A_ROLE_ONLY.match(name.strip(" .,:;-–—|()")) or _A_UI_ONLY.match(name.strip(" .,:;-–—|()")):
        return ""  # "Senior Political Correspondent", "Follow": a piece of the byline widget, no name
    if ((m := _A_PREFIX_INSIDE.search(name)) and len(name[: m.start()].split()) <= 2
            and _lead_in_opens_a_name(name[m.end():])):
        name = name[m.end():]  # "Capital Von Jemima Kelly": a section or label, then the lead-in word
    for _ in range(2):
        name = _A_PREFIX.sub("", name.strip(" .,:;-–—|"))
        name = _A_ROLE_START.sub("", name)
        name = _A_ROLE_END.sub("", name)
    name = _A_UI_TAIL.sub("", name)  # "Jane Doe Follow", "Jane Doe · E-Mail"
    if m := _MONTH_BEFORE_DIGITS.search(name):
        name = name[: m.start()]
    name = _HAS_DIGIT_TAIL.sub("", name)  # "Jane Doe 05.12.2024 10:15", "Jane Doe | 3 hours ago"
    name = _A_DANGLING.sub("", name.strip(" .,:;-–—|"))  # "Admin on" of "Posted by Admin on 5 March"
    name = _A_ROLE_END.sub("", name.strip(" .,:;-–—|"))
    if len(name[: (m.start() if (m := _A_PLACE_TAIL.search(name)) else 0)].split()) >= 2:
        name = name[: m.start()] if m else name
    if (m := _A_FOR_OUTLET.match(name.strip())) and m.group(1)[0].isupper():
        name = m.group(1)
    if _A_UI_ONLY.match(name.strip(" .,:;-–—|()")):
        return ""
    return " ".join(name.split()).strip(" .,:;-–—|()")


def normalize_authors(
    values: list[str], outlet: set[str], chinese: bool = False
) -> tuple[list[str], list[str]]:
    """(people, agency credits) from raw byline values: split "A and B", cleaned, the outlet itself and
    junk dropped, news agencies set apart (a byline agency is attribution, not an author). On a Chinese
    page (``chinese``) names written apart by spaces are read as Chinese bylines write them
    (``_han_names``)."""
    from pipelines import patterns  # late: the pattern tables load on first use

    people: list[str] = []
    agencies: list[str] = []
    seen: set[str] = set()
    for value in values:
        value = clean_text(value)
        if "://" in value or value.lower().startswith("www."):
            continue  # a profile URL (article:author often holds one), not a name
        if _A_PICTURE_CREDIT.match(value):
            continue
        value = _A_FILED_IN.split(value, maxsplit=1)[0]
        value = _A_MATERIAL_FROM.sub(", ", _A_EDITED_BY.sub("", value)).strip(" ,")
        pieces = _split_names(_without_place(_writers_only(value), outlet))
        if chinese:
            pieces = [n for piece in pieces for n in _han_names(piece)]
        for i, raw in enumerate(pieces):
            src = patterns.alias_table().resolve(clean_text(raw).strip(" .,:;-–—|()"))
            if i and src is None and _CREDENTIAL.match(raw.strip(" ,;")):
                continue  # "Rachael Link, MS, RD", "Siti Aminah, S.Pd., M.Pd.": degrees after the name
            name = _without_tail(clean_name(raw), outlet).strip(" .,:;-–—|")
            if src is None and name:
                src = patterns.alias_table().resolve(name) or _leading_agency(name)
            if src is None and name and (rest := _DESK_WORD.sub("", name)) != name:
                src = _resolve_agency(rest)  # the agency's desk: "Reuters Staff", "Redacción EFE"
            if src is None and name and (cut := _trailing_agency(name)) is not None:
                name, tail = cut  # "Steve Peoples AP": the writer's agency after the name is its credit
                if tail.name not in agencies:
                    agencies.append(tail.name)
            if src is not None and src.is_agency:
                if src.name not in agencies:
                    agencies.append(src.name)
                continue
            if (
                len(name) < 2  # "文" of "文/ 张三" (text:): a name has two letters or more
                or len(name) > 80
                or len(name.split()) > 6
                or _NOT_A_NAME.search(name)
                or not re.search(r"[^\W\d_]", name)
                or (_A_NOT and (_A_NOT.search(name) or _A_NOT.search(clean_text(raw).strip(" .,:;-–—|()"))))
                or _A_ROLE_ONLY.match(name)
                or _MONTH_ONLY.match(name)
                or _A_INITIALS.match(name)
                or _is_phrase(name)
                or _PLACE_PIECE.match(name)
                or is_outlet(name, outlet)
                or _is_desk(name, outlet)
                or (src is not None and squash(src.name) in outlet)
                or _credit_piece(name, i)
            ):
                continue
            name = _name_case(name)
            if " " not in name and (m := _PARTICLE_BEFORE.search(clean_text(raw))) and m.group(2) == name:
                name = f"{m.group(1)} {name}"  # "Von Miller", "Di Maria": the lead-in word is the name's
            if name.casefold() not in seen:
                seen.add(name.casefold())
                people.append(name)
    return people[:20], agencies


_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_HAN_WORDS = re.compile(f"^[{_HAN}]+(?:\\s+[{_HAN}]+)+$")


def _han_names(piece: str) -> list[str]:
    """The names of a Chinese byline written apart by spaces, its lead-in and roles cut ("记者 王伟 李娜" ->
    王伟, 李娜): each word of two characters or more is a name, and two one-character words are one
    two-character name spaced out to the width of three ("张 三" -> 张三, "本报记者 张 三 李 四" -> 张三,
    李四). A one-character word that no other follows leaves the piece as it is."""
    name = clean_name(piece)
    if not _HAN_WORDS.match(name):
        return [piece]
    words, out, i = name.split(), [], 0
    while i < len(words):
        if len(words[i]) > 1:
            out.append(words[i])
            i += 1
        elif i + 1 < len(words) and len(words[i + 1]) == 1:
            out.append(words[i] + words[i + 1])
            i += 2
        else:
            return [piece]
    return out


# a degree or credential set after the name as a part of its own: one upper-case word of 2-5 letters ("MS",
# "RD", "MPH", "RN"), the mixed-case degrees ("PhD", "MSc", "DrPH") and dotted forms ("M.D.", "S.Pd.",
# "M.Kom")
_CREDENTIAL = re.compile(r"^(?:[A-Z]{2,5}|Ph\.?D|D\.?Phil|[MB]\.?Sc|Dr\.?PH|M\.?Phil"
                         r"|(?:[A-Z][a-z]{0,3}\.){1,3}|(?:[A-Z][a-z]{0,3}\.){1,2}[A-Z][a-z]{0,3})\.?$")


# what credits the outlet or a wire agency, no writer, after a name: "Jane Doe, for The Guardian", "…, Special
# to the Star"; German "mit Material von dpa" (the agency is then read as the credit)
_A_FOR_PIECE = re.compile(r"^(?:for|für|special\s+to)\s+(?:the\s+|die\s+|der\s+|das\s+)?[A-Z]", re.I)
# the editor's credit without a colon ("Reporting by Jane Doe; Editing by John Roe", "Edited by …"): no writer
_A_EDITED_BY = re.compile(
    r"(?:^|\s*[;,|]\s*|\s+)(?:edit(?:ed|ing)|diedit|disunting)\s+(?:by|oleh)\s+.*$", re.I)
_A_MATERIAL_FROM = re.compile(
    r"(?:[,;]\s*|\s+|^)(?:mit|unter verwendung von)\s+(?:agentur)?material\s+(?:von|der|aus)\s+", re.I)


# a surname opening with a particle that is also a byline's lead-in ("Von Miller", "Di Maria", "By Von
# Miller"): a lead-in is followed by a name, so the one word left after it, when it is a name, is the
# particle's. The particle capitalised, the word a capital then small letters ("Von dpa" credits the agency)
_PARTICLE_BEFORE = re.compile(
    r"(?:^|[\s:])(Von|Di)\s+((?=[A-ZÀ-ÖØ-Þ])[^\W\d_](?:[^\W\d_A-ZÀ-ÖØ-Þ]|['’-][^\W\d_])+)(?=$|\s*[,|•·–-]\s)")


def _credit_piece(name: str, i: int) -> bool:
    """A part of a byline value that names no person: a weekday left of a cut dateline ("Jane Doe, Thursday"),
    and after a writer's name the dateline's place ("Ahmet Yılmaz / İstanbul"), an outlet the gazetteer
    knows ("Jane Doe, NBC News", of a story carried elsewhere) or what it is written for ("…, for The
    Guardian"). One word naming an outlet stays when it comes first: a person's name too ("Fajar", "Dawn")."""
    from pipelines import gazetteer

    if name.casefold() in _WEEKDAYS:
        return True
    if i == 0 and len(name.split()) < 2:
        return False
    org = gazetteer.lookup(name)
    if org is not None and not org.is_agency:
        return True
    return i > 0 and (gazetteer.is_place(name) or bool(_A_FOR_PIECE.match(name)))


# "By TPN, in News, Portugal, Business": after a comma, "in" opens the sections (or the place) the story is
# filed in, never another writer's name
_A_FILED_IN = re.compile(r",\s*(?:in|em|en|dans|di|im)\s+(?=\S)", re.I)
_PLACE_PIECE = re.compile(r"^(?:in|di|aus|from)\s+[A-ZÀ-Þ]")  # "…, Political Correspondent, in Westminster"
_PLACE_AFTER = re.compile(r"^(?:in|di|aus|en|à|a|from|with|mit|dengan)\b", re.I)


def _name_case(name: str) -> str:
    """A name written all in capitals as names are written ("TOM KRISHER" -> "Tom Krisher", "JEAN-PIERRE
    O'NEIL" -> "Jean-Pierre O'Neil"), so that one writer is one value to search and count; initials and
    names in mixed case stay as given."""
    words = name.split()
    if len(words) < 2 or not name.isupper() or not any(len(w.strip(".")) > 1 for w in words):
        return name
    return " ".join(w if len(w.strip(".")) <= 1 or "." in w else w.title() for w in words)


def _trailing_agency(name: str) -> tuple[str, Any] | None:
    """"Steve Peoples AP" (of "By STEVE PEOPLES AP National Political Writer", the role cut): the name, then
    the agency the writer works for (1-3 words), after a name of two words or more."""
    words = name.split()
    for n in (3, 2, 1):
        tail = " ".join(words[-n:])
        if n == 1 and not (tail.isupper() or tail.islower() or tail == "Reuters"):
            continue  # one word written as a name ("Ana", "Petra", "Sana" name agencies too): a surname
        if len(words) - n >= 2 and (src := _resolve_agency(tail)) is not None:
            return " ".join(words[:-n]), src
    return None


def _resolve_agency(name: str) -> Any:
    from pipelines import patterns

    src = patterns.alias_table().resolve(name.strip(" .,:;-–—|()"))
    return src if src is not None and src.is_agency else None


# lower-case words of four letters or more that stand inside people's names ("Siti binti Ahmad", "Maria dela
# Cruz", "Jimmy anak Ngelai"); the shorter particles (von, van, der, de, da, bin, al ...) are too short
_NAME_PARTICLES = frozenset(("binti", "binte", "bint", "anak", "della", "delle", "dello", "degli", "dela",
                             "delos", "ibnu", "vanden", "vander"))


def _is_phrase(name: str) -> bool:
    """Words of a sentence, no person's name: a capitalised word beside a lower-case word of four letters or
    more ("Syrian defense ministries", "Science X staff" of an author box naming a claim's source or a desk),
    or an English article first ("The Russian" of "The Russian and Syrian defense ministries"). Scripts
    without case ("岳弘彬") and names written all in lower case ("bell hooks", "jdadmin") are not judged."""
    words = name.split()
    if len(words) < 2:
        return False
    if words[0] in ("The", "the"):
        return True
    capital = any(w[:1].isupper() for w in words)
    return capital and any(len(w) >= 4 and w.isalpha() and w.islower() and w not in _NAME_PARTICLES
                           for w in words)


def _leading_agency(name: str) -> Any:
    """"Associated Press in Valencia", "AFP/Jakarta": an agency named first, then only a place."""
    from pipelines import patterns

    hits = patterns.alias_table().find(name, strict_case=False)
    if not hits or hits[0][0] != 0 or not hits[0][2].is_agency:
        return None
    rest = name[hits[0][1]:].strip(" ,/-–")
    return hits[0][2] if not rest or _PLACE_AFTER.match(rest) else None


def _same_path(by_id: dict[str, dict[str, Any]], ref: str) -> dict[str, Any] | None:
    """The node whose @id is ``ref`` but for scheme and ``www.`` ("http://site/#/schema/person/x" referring to
    "https://www.site/#/schema/person/x": Yoast writes the site URL as configured, pages as served)."""
    def key(u: str) -> str:
        return re.sub(r"^\w+://(?:www\.)?", "", u)
    want = key(ref)
    return next((n for i, n in by_id.items() if key(i) == want), None)


def _is_page_type(kind: str) -> bool:
    """WebPage and its kinds a story is written on ("MedicalWebPage" of a health site, "ItemPage")."""
    return kind.endswith("WebPage") or kind == "ItemPage"


def byline_candidates(pm: PageMeta) -> list[tuple[list[str], str]]:
    """Raw author values per source, best first: JSON-LD persons, then each meta key."""
    out: list[tuple[list[str], str]] = []
    raw = (pm.article_node or {}).get("author") or (pm.article_node or {}).get("creator")
    if not raw:  # the article node names nobody: another article or page node of the page may
        for node in pm.jsonld:
            kinds = [t for t in jsonld.types(node) if t in ARTICLE_TYPES or _is_page_type(t)]
            if node is not pm.article_node and kinds and (raw := node.get("author") or node.get("creator")):
                break
    items = raw if isinstance(raw, list) else [raw] if raw else []
    names: list[str] = []
    by_id: dict[str, dict[str, Any]] | None = None
    for item in items:
        if isinstance(item, dict) and set(item) <= {"@id", "@type"} and isinstance(item.get("@id"), str):
            # a reference to a node elsewhere in the graph (Yoast/WordPress: "author": {"@id": "…#/schema/
            # person/…"} and the Person node beside the article): the name is there, not in the reference
            if by_id is None:
                by_id = {n["@id"]: n for n in pm.jsonld if isinstance(n.get("@id"), str)}
            item = by_id.get(item["@id"]) or _same_path(by_id, item["@id"]) or {}
        if isinstance(item, dict):
            if {"Organization", "NewsMediaOrganization"} & set(jsonld.types(item)):
                continue  # an outlet credited as author is not a byline
            value = item.get("name")
            if isinstance(value, list):  # "name": ["Jane Doe", "John Roe"]
                names.extend(n for n in (ld_str(v) for v in value) if n)
                continue
            n = ld_str(value)
            if not n:  # schema.org Person written as parts
                n = " ".join(x for x in (ld_str(item.get("givenName")), ld_str(item.get("familyName"))) if x)
            if not n and isinstance(item.get("url"), str):  # a Person given by the address of its page only
                n = slug_name(item["url"]) or ""
            if n:
                names.append(n)
        elif isinstance(item, str):
            names.append(item)
    if not names:  # a block broken beyond repair still names its authors ("author": {"name": …})
        names = next((list(n[jsonld.BROKEN_AUTHORS]) for n in pm.jsonld if n.get(jsonld.BROKEN_AUTHORS)), [])
    if not names and not items:  # no node says "author": the page's Person nodes (the writer listed apart)
        names = [n for n in (ld_str(x.get("name")) for x in pm.jsonld if "Person" in jsonld.types(x)
                             and not x.get(jsonld.BROKEN)) if n][:5]
    if names:
        out.append((names, "json-ld"))
    for key in _META_KEYS["authors"]:
        if values := [v for v in pm.meta.get(key, ()) if v]:
            out.append((values, "meta"))
    for i in "1234":  # Yoast SEO's pair: twitter:label1 = "Written by", twitter:data1 = the writer
        label = pm.meta.get(f"twitter:label{i}")
        if label and _TWITTER_WRITTEN_BY.match(label[0]) and (data := pm.meta.get(f"twitter:data{i}")):
            out.append((data[:1], "meta"))
    return out


def authors(
    pm: PageMeta, url: str | None = None, html_byline: Any = None, body_byline: Any = None
) -> tuple[list[str], str | None, list[str]]:
    """(people, provenance, agency credits). The first source that names a person wins; a source that only
    names the outlet or an agency does not stop the search. ``html_byline`` and then ``body_byline``
    (callables returning candidate strings, best first: visible byline elements, a byline line of the body)
    are asked last."""
    keys = outlet_keys(pm, url)
    chinese = (language(pm)[0] or "").startswith("zh")
    credits: list[str] = []
    for values, src in byline_candidates(pm):
        people, agencies = normalize_authors(values, keys, chinese)
        credits += [a for a in agencies if a not in credits]
        if people:
            return people, src, credits
    for ask, src in ((html_byline, "html"), (body_byline, "body")):
        found_iter = iter(ask() if ask is not None else ())
        for found in found_iter:
            if not found:
                continue
            people, agencies = normalize_authors([found], keys, chinese)
            credits += [a for a in agencies if a not in credits]
            if people:
                return _inner_byline(people, found, found_iter, keys), src, credits
    if not credits and (people := normalize_authors(profile_url_names(pm), keys)[0]):
        return people, "meta", credits  # the writer's page named where a name should be
    return [], None, credits


# a link to a writer's page on the site: /author/jane-doe, /autoren/name/max-kolter, /penulis/siti
PROFILE_HREF = re.compile(
    r"/(?:authors?|autor(?:en|in|innen)?|auteurs?|autori?|autores|penulis|wartawan|reporters?|journalist(?:s|en)?"
    r"|redakteur(?:e|in)?|staff|writers?|columnists?|kolumnist(?:en|in)?|profile)/[^/?#\s]{2,}",
    re.I,
)
# the writer's page's last path part spelling the name: two to four words of letters joined by hyphens
_NAME_SLUG = re.compile(r"^[^\W\d_]{2,}(?:-[^\W\d_]{2,}){1,3}$")


def profile_url_names(pm: PageMeta) -> list[str]:
    """Names spelt by the addresses of writers' pages an author meta gives instead of a name
    (``article:author`` = "https://www.washingtonexaminer.com/author/madeline-fry" -> "Madeline Fry")."""
    out: list[str] = []
    for key in ("article:author", "author", "og:article:author", "parsely-author"):
        for value in pm.meta.get(key, ()):
            if (name := slug_name(value)) and name not in out:
                out.append(name)
    return out


def slug_name(url: str) -> str | None:
    """The name a writer's page's address spells ("https://site/author/madeline-fry/" -> "Madeline Fry")."""
    if "://" not in url or not (m := PROFILE_HREF.search(url)):
        return None
    slug = url[m.start():].split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1]
    return " ".join(w.capitalize() for w in slug.split("-")) if _NAME_SLUG.match(slug) else None


INNER_BYLINE_LOOKAHEAD = 2  # later candidates read for a byline box that spoiled a name


def _inner_byline(people: list[str], found: str, later: Iterator[str], keys: set[str]) -> list[str]:
    """``people`` read from the byline box ``found``, or more names read from an element inside it: the box
    also holds the outlet and the dateline, which can spoil a name ("Lisa Kaczke and Trevor J. Mitchell Sioux
    Falls Argus Leader Published 10:02 AM" loses the second writer; its author span names both). The later
    candidates are asked for only when a part of the box named nobody (the search is lazy: it costs a pass
    over the page)."""
    if len(_split_names(_writers_only(found))) <= len(people):
        return people
    for inner in islice(later, INNER_BYLINE_LOOKAHEAD):
        if inner and inner in found and len(inner) < len(found):
            more, _ = normalize_authors([inner], keys)
            if len(more) > len(people) and {p.casefold() for p in people} <= {m.casefold() for m in more}:
                return more
    return people


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
