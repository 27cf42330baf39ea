"""Turn what the crawler fetched (bytes or text) into one parsed lxml tree, or a reason not to.

Bytes are decoded by the project's one charset decoder (``pipelines.charset``: BOM, header, meta, sniff,
with valid multi-byte UTF-8 winning over a wrong label).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement, fromstring
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, HTML_PARSER, fromstring_bytes, load_html

from pipelines import jsonld, page_kind
from pipelines.charset import decode

# Above this many bytes of markup a page is refused outright; between SCRIPT_STRIP_BYTES and the cap,
# inline scripts and styles (the usual bulk of a huge news page) are cut before parsing.
MAX_HTML_BYTES = 8_000_000
SCRIPT_STRIP_BYTES = 1_500_000
# lxml elements: more than this and trafilatura's tree walks get slow enough to stall a crawl worker.
MAX_TREE_ELEMENTS = 60_000

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\x89PNG", "png"),
    (b"GIF8", "gif"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ", "xz"),
    (b"7z\xbc\xaf", "7z"),
    (b"Rar!", "rar"),
    (b"RIFF", "riff"),
    (b"OggS", "ogg"),
    (b"ID3", "mp3"),
    (b"\x00\x00\x00\x18ftyp", "mp4"),
    (b"\x00\x00\x00\x1cftyp", "mp4"),
    (b"\x00\x00\x00 ftyp", "mp4"),
    (b"wOFF", "woff"),
    (b"wOF2", "woff2"),
    (b"\xd0\xcf\x11\xe0", "ole"),
    (b"\x7fELF", "elf"),
    (b"MZ", "exe"),
    (b"\x00asm", "wasm"),
)
_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[A-Za-z!/]")
# what trafilatura's loader deletes before parsing (``trafilatura.utils.INVALID_XML_CHARS``), one by one
_XML_INVALID = tuple(map(chr, (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)))


class Rejected(Exception):
    """The input cannot become an article; ``reason`` is the drop reason to count."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class Parsed:
    """A page parsed once, with what more than one stage reads off its tree, read once: the crawl's page
    classifier (``pipelines.page_reading``) and the extraction stage both need the JSON-LD nodes and the
    page-kind evidence of the same, unchanged tree."""

    tree: HtmlElement
    html_chars: int
    encoding: str  # what the bytes were decoded as ("str" when text came in)
    stripped_scripts: bool = False
    _jsonld: list[dict[str, Any]] | None = field(default=None, repr=False, compare=False)
    _markup: page_kind.Markup | None = field(default=None, repr=False, compare=False)

    def jsonld(self) -> list[dict[str, Any]]:
        """``jsonld.nodes(tree)``, walked once per page."""
        if self._jsonld is None:
            self._jsonld = jsonld.nodes(self.tree)
        return self._jsonld

    def markup(self) -> page_kind.Markup:
        """``page_kind.read_markup(tree, nodes)``, read once per page."""
        if self._markup is None:
            self._markup = page_kind.read_markup(self.tree, self.jsonld())
        return self._markup


def sniff_binary(head: bytes) -> str | None:
    """Name of the binary format ``head`` starts with, or None when it may be text."""
    stripped = head.lstrip()
    for magic, name in _MAGIC:
        if head.startswith(magic) or stripped.startswith(magic):
            return name
    if not head:
        return None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # UTF-16 text has NULs by design
    # control bytes other than tab/newline/formfeed/CR/ESC are rare in any text encoding
    sample = head[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return "binary" if controls > max(8, len(sample) // 50) else None


def _load_html(text: str) -> HtmlElement | None:
    """``trafilatura.utils.load_html(text)``: the same repairs, the same parser, the same tree, without the
    loader's first step when it would change nothing. That step deletes the characters XML forbids with one
    regex pass over the whole page (~1.3 ms of a ~3.7 ms parse on the bench pages, one page in 338 holding
    any); asking ``in`` for each of them costs ~0.5 ms. A page holding one goes through ``load_html`` itself.
    The steps below are ``load_html``'s for a ``str`` (trafilatura 2.3), with its own patterns and parser."""
    if any(c in text for c in _XML_INVALID):
        return load_html(text)
    beginning = text[:50].lower()
    if "doctype" in beginning:  # (``repair_faulty_html``, after its deletion)
        first_line, _, rest = text.partition("\n")
        text = DOCTYPE_TAG.sub("", first_line, count=1) + "\n" + rest
    for line in text[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            text = FAULTY_HTML.sub(r"\1>", text, count=1)
            break
    tree, fallback = None, False
    try:
        tree = fromstring(text, parser=HTML_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, fallback = fromstring_bytes(text), True
    except Exception:  # noqa: BLE001 - as load_html: a parser failure is no tree
        tree = None
    if (tree is None or len(tree) < 1) and not fallback:
        tree = fromstring_bytes(text)
    if tree is not None and "html" not in beginning and len(tree) < 2:  # load_html's "dubious HTML" test
        tree = None
    return tree


def parse(html: str | bytes | None, http_charset: str | None = None) -> Parsed:
    """Decode, check and parse a page once. Raises Rejected(empty|binary|too_large|not_html)."""
    if html is None:
        raise Rejected("empty")
    if isinstance(html, (bytes, bytearray, memoryview)):
        raw = bytes(html)
        if not raw.strip():
            raise Rejected("empty")
        kind = sniff_binary(raw[:4096])
        if kind:
            raise Rejected("binary", kind)
        if len(raw) > MAX_HTML_BYTES:
            raise Rejected("too_large", f"{len(raw)} bytes")
        text, encoding = decode(raw, declared=http_charset)
    elif isinstance(html, str):
        text, encoding = html, "str"
        if not text.strip():
            raise Rejected("empty")
        if "\x00" in text[:4096] or sniff_binary(text[:64].encode("latin-1", "replace")) not in (
            None,
            "binary",
        ):
            raise Rejected("binary", "text input with binary content")
        if len(text) > MAX_HTML_BYTES:
            raise Rejected("too_large", f"{len(text)} chars")
    else:
        raise Rejected("empty", f"unsupported input type {type(html).__name__}")

    stripped = False
    if len(text) > SCRIPT_STRIP_BYTES:
        text = _SCRIPT_STYLE.sub("", text)
        stripped = True
    if not _TAG.search(text[:65536]):
        raise Rejected("not_html", "no markup")
    # trafilatura's loader repairs the usual breakage (missing <html>, doctype junk, truncated pages)
    tree = _load_html(text)
    if tree is None or len(tree) == 0:
        raise Rejected("not_html", "unparseable")
    n = int(tree.xpath("count(//*)"))  # counted inside libxml2: no Python object per element
    if n > MAX_TREE_ELEMENTS:
        raise Rejected("too_large", f"{n} elements")
    return Parsed(tree=tree, html_chars=len(text), encoding=encoding, stripped_scripts=stripped)
