"""The one charset decoder (spider, extraction, explain, WARC ingest)."""

from __future__ import annotations

from pipelines.charset import decode

UTF8 = "Wali kota: “Kami siaga” — Jumat, 2.500 paket; café crème €5".encode()


def test_valid_utf8_wins_over_a_wrong_single_byte_header():
    assert decode(UTF8, "text/html; charset=iso-8859-1") == (UTF8.decode(), "utf-8")
    assert decode("Jumat — paket".encode(), "text/html; charset=ISO-8859-1")[0] == "Jumat — paket"


def test_bom_then_header_then_meta_then_sniff():
    assert decode(b"\xef\xbb\xbf<p>bom</p>", "text/html; charset=iso-8859-1") == ("<p>bom</p>", "utf-8")
    assert decode("<p>café</p>".encode("cp1252"), "text/html; charset=iso-8859-15")[1] == "iso8859-15"
    meta = b'<meta charset="koi8-r"><p>' + "Привет".encode("koi8-r")
    assert decode(meta, "text/html")[1] == "koi8-r"
    assert decode(meta, "text/html; charset=utf-8")[1] == "koi8-r"  # a UTF-8 label that does not decode
    assert decode("café".encode("cp1252"))[1] == "cp1252"  # undeclared, not UTF-8: windows-1252
    assert decode(b"<p>plain</p>")[1] == "utf-8"


def test_whatwg_labels():
    assert decode("café".encode("cp1252"), "text/html; charset=latin1")[1] == "cp1252"
    assert decode("日本語".encode("shift_jis"), "text/html; charset=Shift_JIS") == ("日本語", "cp932")


def test_a_lying_utf8_label_and_unknown_labels():
    assert decode("<p>é</p>".encode("cp1252"), "text/html; charset=utf-8")[1] == "cp1252"
    assert decode(b"x", "text/html; charset=no-such-charset")[1] == "utf-8"
    assert decode("é".encode("cp1252"), declared="x-unknown")[1] == "cp1252"


def test_declared_encoding_of_an_earlier_stage_is_reused():
    assert decode("Привет".encode("koi8-r"), declared="koi8-r") == ("Привет", "koi8-r")
