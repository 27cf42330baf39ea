"""Turn what the crawler fetched (bytes or text) into one parsed lxml tree, or a reason not to.

Bytes are decoded by the project's one charset decoder (``pipelines.charset``: BOM, header, meta, sniff,
with valid multi-byte UTF-8 winning over a wrong label).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement
from trafilatura.utils import load_html

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
    tree = load_html(text)
    if tree is None or len(tree) == 0:
        raise Rejected("not_html", "unparseable")
    n = int(tree.xpath("count(//*)"))  # counted inside libxml2: no Python object per element
    if n > MAX_TREE_ELEMENTS:
        raise Rejected("too_large", f"{n} elements")
    return Parsed(tree=tree, html_chars=len(text), encoding=encoding, stripped_scripts=stripped)
