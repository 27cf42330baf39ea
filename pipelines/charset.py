"""The one charset decoder for fetched pages: the spider, extraction, ``explain`` and WARC ingest all use it.

    decode(body, content_type=None, declared=None) -> (text, encoding)

Built on w3lib (Scrapy's own decoder, ``TextResponse.text``): the same order as browsers and
``w3lib.encoding.html_to_unicode`` — byte-order mark, then the HTTP header's charset, then the page's
``<meta charset>``/XML declaration, then sniffing — and the same WHATWG label table (``iso-8859-1`` and
``us-ascii`` mean windows-1252, ``shift_jis`` means cp932).

One correction, because real servers lie about charsets and the pipeline cannot look at mojibake:
a declared label is used only when the bytes really decode under it, and bytes that are valid UTF-8 with
multi-byte sequences are UTF-8 whatever a label says (old stacks send ``charset=iso-8859-1`` for UTF-8
pages; valid multi-byte UTF-8 from another encoding is practically never an accident).  Sniffing without
a usable label: UTF-8 when the bytes are valid UTF-8, else windows-1252 (what browsers assume for
undeclared Western pages).  Never raises.
"""

from __future__ import annotations

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

FALLBACK = "cp1252"
_UNICODE = {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}


def _label(name: str | None) -> str | None:
    """A charset label (``ISO-8859-1``, ``"utf8"``) -> the Python codec WHATWG says it means, or None."""
    if not name:
        return None
    return resolve_encoding(name.strip().strip("'\"").lower())


def _strict(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def choose(body: bytes, content_type: str | None = None, declared: str | None = None) -> str:
    """The encoding ``decode`` would use (see the module docstring for the order)."""
    bom_enc, _ = read_bom(body)
    if bom_enc:
        return bom_enc
    utf8 = _strict(body, "utf-8")
    if utf8 and not body.isascii():
        return "utf-8"
    labels = [_label(declared), http_content_type_encoding(content_type) if content_type else None,
              html_body_declared_encoding(body)]
    for enc in labels:
        if not enc:
            continue
        if enc in _UNICODE:
            if enc == "utf-8" and utf8:
                return enc
            continue  # a UTF-8 label on bytes that are not UTF-8, or UTF-16/32 without a BOM: a lie
        if _strict(body, enc):
            return enc
    return "utf-8" if utf8 else FALLBACK


def decode(body: bytes, content_type: str | None = None, declared: str | None = None) -> tuple[str, str]:
    """Page bytes -> (text, encoding used).  ``content_type`` is the HTTP header as sent; ``declared`` a
    charset label known otherwise (a WARC record's header, the encoding an earlier stage chose)."""
    enc = choose(body, content_type, declared)
    bom_enc, bom = read_bom(body)
    raw = body[len(bom):] if bom_enc == enc and bom else body
    return raw.decode(enc, errors="replace"), enc


def header_charset(content_type: str | None) -> str | None:
    """The (WHATWG-resolved) charset= parameter of a Content-Type header, or None."""
    return http_content_type_encoding(content_type) if content_type else None
