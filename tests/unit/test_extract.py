"""Extraction stage: fields, provenance, dates, fallbacks, and every kind of page that must be dropped."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest

from pipelines import extract as ex
from pipelines.charset import decode
from pipelines.extract import extract, extract_pages, extract_text
from pipelines.extract_html import MAX_HTML_BYTES, sniff_binary

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
SITE = Path(__file__).resolve().parents[1] / "fixtures" / "site" / "berita"  # the sample site's pages
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
NEWS_URL = "https://kabarnusantara.example/ekonomi/2025/02/20/harga-beras-naik-jelang-ramadan"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def news(**hints: object):
    return extract(page("news_jsonld.html"), NEWS_URL, dict(hints), now=NOW)


# ------------------------------------------------------------------------------------------ articles


def test_jsonld_news_article_fields():
    res = news(source="kabarnusantara", country="id")
    assert res.ok, res.drop_reason
    a = res.article
    assert a.title == "Harga Beras Naik Jelang Ramadan, Pemerintah Siapkan Operasi Pasar"
    assert a.authors == ["Siti Rahmawati", "Andi Pratama"]  # the Organization "author" is not a byline
    assert a.published_at == "2025-02-20T09:15:00+07:00"
    assert a.modified_at == "2025-02-20T11:40:00+07:00"
    assert a.language == "id"
    assert a.paywalled is True  # isAccessibleForFree: false
    assert a.site_name == "Kabar Nusantara"
    assert a.canonical_url == NEWS_URL
    assert a.image == "https://kabarnusantara.example/foto/2025/02/beras.jpg"
    assert a.tags[:4] == ["beras", "harga pangan", "Ramadan", "Ekonomi"]
    assert a.description == "Harga beras medium naik di sejumlah pasar tradisional."
    assert a.domain == "kabarnusantara.example" and a.source == "kabarnusantara" and a.country == "id"


def test_jsonld_provenance_values():
    prov = news().article.provenance
    assert prov["title"] == "meta"  # og:title, <h1> and the JSON-LD headline agree; og:title is named first
    assert prov["published_at"] == "json-ld"
    assert prov["modified_at"] == "json-ld"
    assert prov["authors"] == "json-ld"
    assert prov["language"] == "json-ld"
    assert prov["body"] == "trafilatura"


def test_body_keeps_paragraph_breaks_and_drops_navigation():
    body = news().article.body
    lines = body.split("\n")
    assert lines[0].startswith("JAKARTA, KABARNUSANTARA - Harga beras medium")
    assert any(ln.startswith("Kementerian Perdagangan menyatakan") for ln in lines)
    assert len(lines) >= 5
    assert "Beranda" not in body and "Hak cipta" not in body


def test_meta_only_article_with_naive_date_in_country_zone():
    res = extract(
        page("meta_only.html"),
        "https://beritasemenanjung.example/nasional/bantuan-banjir-kelantan",
        {"country": "my"},
        now=NOW,
    )
    assert res.ok, res.drop_reason
    a = res.article
    assert a.title == "Kerajaan umum bantuan banjir tambahan untuk Kelantan"
    assert a.published_at == "2024-12-02T14:30:00+08:00"  # naive meta date read in Kuala Lumpur time
    assert a.authors == ["Nur Aisyah Hamzah"]
    assert a.language == "ms"  # from <html lang="ms-MY">
    assert a.tags == ["banjir", "Kelantan"]
    assert a.paywalled is None  # the page says nothing
    assert a.canonical_url == "https://beritasemenanjung.example/nasional/bantuan-banjir-kelantan"
    assert a.provenance == {
        "title": "meta",
        "published_at": "meta",
        "authors": "meta",
        "language": "meta",
        "body": "trafilatura",
    }


def test_naive_date_without_country_is_utc():
    a = extract(page("meta_only.html"), None, now=NOW).article
    assert a.published_at == "2024-12-02T14:30:00+00:00"


# ------------------------------------------------------------------------------------------ dates


def _with_dates(published: str, modified: str = "2025-02-20T11:40:00+07:00") -> str:
    html = page("news_jsonld.html")
    html = html.replace('"datePublished": "2025-02-20T09:15:00+07:00"', f'"datePublished": "{published}"')
    html = html.replace('content="2025-02-20T09:15:00+07:00"', f'content="{published}"')
    return html.replace('"dateModified": "2025-02-20T11:40:00+07:00"', f'"dateModified": "{modified}"')


def test_future_date_rejected_falls_back_to_feed_date():
    res = extract(
        _with_dates("2025-03-05T08:00:00+00:00"),
        "https://kabarnusantara.example/a",
        {"feed_published": "Thu, 20 Feb 2025 02:15:00 GMT"},
        now=NOW,
    )
    a = res.article
    assert a.published_at == "2025-02-20T02:15:00+00:00"
    assert a.provenance["published_at"] == "feed"
    assert any(n.startswith("published_at:rejected:json-ld:2025-03-05") for n in res.notes)


def test_date_within_a_day_ahead_is_kept():
    # a page published "tomorrow" in its own zone is normal near midnight
    a = extract(_with_dates("2025-03-02T06:00:00+07:00"), None, now=NOW).article
    assert a.published_at == "2025-03-02T06:00:00+07:00"


def test_pre_1990_date_rejected_then_htmldate():
    res = extract(_with_dates("1970-01-01T00:00:00Z", modified="1970-01-01T00:00:00Z"), NEWS_URL, now=NOW)
    a = res.article
    # htmldate reads the day from the page's canonical URL; the byline box's dateline ("Kamis, 20 Februari
    # 2025 09:15 WIB") gives the time of that day
    assert a.published_at == "2025-02-20T09:15:00+07:00" and a.provenance["published_at"] == "dateline"
    assert a.modified_at is None and "modified_at" not in a.provenance
    assert any(n.startswith("published_at:rejected:json-ld:1970") for n in res.notes)


def test_htmldate_day_refined_by_feed_time_of_the_same_day():
    res = extract(
        _with_dates("1970-01-01T00:00:00Z"),
        NEWS_URL,
        {"country": "id", "feed_published": "Thu, 20 Feb 2025 02:15:00 GMT"},
        now=NOW,
    )
    assert res.article.published_at == "2025-02-20T02:15:00+00:00"
    assert res.article.provenance["published_at"] == "feed"


def _meta_page_dated(value: str) -> str:
    return page("meta_only.html").replace('content="2024-12-02 14:30:00"', f'content="{value}"')


def test_no_page_date_then_sitemap_then_url():
    url = "https://beritasemenanjung.example/nasional/2024/12/01/bantuan-banjir-kelantan"
    res = extract(
        _meta_page_dated("1989-12-31T23:00:00Z"), url, {"sitemap_published": "2024-12-02T07:00:00Z"}, now=NOW
    )
    assert res.article.published_at == "2024-12-02T07:00:00+00:00"
    assert res.article.provenance["published_at"] == "sitemap"
    res = extract(_meta_page_dated("2031-01-01"), url, {"country": "my"}, now=NOW)
    assert res.article.published_at == "2024-12-01T00:00:00+08:00"
    assert res.article.provenance["published_at"] == "url"
    res = extract(_meta_page_dated("2031-01-01"), None, now=NOW)
    assert res.article.published_at is None and "published_at" not in res.article.provenance


def test_unparseable_date_is_noted_not_raised():
    res = extract(_with_dates("kemarin sore"), None, {"feed_published": "2025-02-20T01:00:00Z"}, now=NOW)
    assert res.ok and res.article.provenance["published_at"] == "feed"
    assert any(n.startswith("published_at:unparseable:json-ld") for n in res.notes)


def test_title_and_language_from_hints_when_page_has_none():
    html = (
        "<html><body><div><p>"
        + "Kalimat isi berita yang cukup panjang untuk diekstrak. " * 12
        + "</p><p>"
        + "Paragraf kedua berisi keterangan tambahan dari narasumber. " * 8
        + "</p></div></body></html>"
    )
    res = extract(html, None, {"feed_title": "Judul dari feed", "language_hint": "id"}, now=NOW)
    assert res.ok, res.drop_reason
    assert res.article.title == "Judul dari feed" and res.article.provenance["title"] == "feed"
    assert res.article.language == "id" and res.article.provenance["language"] == "source"
    res = extract(html, None, {"sitemap_title": "Judul sitemap", "sitemap_language": "ms"}, now=NOW)
    assert res.article.provenance["title"] == "sitemap" and res.article.language == "ms"
    assert res.article.provenance["language"] == "sitemap"


# ------------------------------------------------------------------------------------------ not articles


@pytest.mark.parametrize(
    ("name", "url", "reason"),
    [
        (
            "consent_wall.html",
            "https://consent.example/collectConsent?sessionId=1",
            "not_article:consent_wall",
        ),
        ("consent_wall.html", None, "not_article:consent_wall"),
        ("soft_404.html", "https://kabarnusantara.example/ekonomi/berita-lama", "not_article:soft_404"),
        ("section_index.html", "https://kabarnusantara.example/ekonomi/", "not_article:index_page"),
        ("js_shell.html", "https://dailyherald.example/news/2025/01/01/story", "not_article:js_shell"),
    ],
)
def test_not_article_pages_are_dropped_with_reason(name, url, reason):
    res = extract(page(name), url, now=NOW)
    assert not res.ok
    assert res.drop_reason == reason


def test_article_mentioning_cookies_and_404_is_not_dropped():
    html = page("news_jsonld.html").replace(
        "<p>Ekonom menilai",
        "<p>Situs kementerian sempat menampilkan galat 404 dan meminta pengunjung menerima "
        "cookies sebelum daftar lokasi operasi pasar bisa dibuka.</p><p>Ekonom menilai",
    )
    assert extract(html, NEWS_URL, now=NOW).ok


def test_js_app_with_embedded_article_state_is_rescued():
    res = extract(page("next_app.html"), "https://seouldaily.example/economy/88231", now=NOW)
    assert res.ok, res.drop_reason
    assert res.method == "embedded-json" and res.article.provenance["body"] == "embedded-json"
    lines = res.article.body.split("\n")
    assert lines[0].startswith("SEOUL - The central bank kept its policy rate unchanged")
    assert len(lines) == 3
    assert "Photo: Yonhap" not in res.article.body  # figure captions are not body text


# ------------------------------------------------------------------------------------------ bad input


def test_windows_1252_bytes_decoded():
    raw = (PAGES / "windows1252.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    res = extract(raw, "https://tdg.example/geneve/ete-records", now=NOW)
    assert res.ok, res.drop_reason
    assert res.article.title == "L'été de tous les records à Genève"
    assert "« glaces à l'ancienne »" in res.article.body and "—" in res.article.body
    assert res.article.language == "fr"


def test_misdeclared_encoding_valid_utf8_wins():
    raw = (
        page("meta_only.html")
        .replace('charset="utf-8"', 'charset="iso-8859-1"')
        .replace("KOTA BHARU:", "KOTA BHARU — «Kemas kini»:")
        .encode("utf-8")
    )
    res = extract(raw, None, {"encoding": "iso-8859-1"}, now=NOW)
    assert "KOTA BHARU — «Kemas kini»:" in res.article.body


def test_decode_fallbacks():
    assert decode("café".encode("cp1252"))[1] == "cp1252"  # undeclared, not UTF-8
    assert decode("café".encode("cp1252"), declared="ISO-8859-1")[0] == "café"
    assert decode("Привет".encode("koi8-r"), declared="koi8-r") == ("Привет", "koi8-r")
    assert decode("x".encode("cp1252"), declared="no-such-charset")[1] == "utf-8"
    assert decode(b"\xef\xbb\xbf<p>bom</p>") == ("<p>bom</p>", "utf-8")
    assert decode("<p>é</p>".encode("cp1252"), declared="utf-8")[1] == "cp1252"  # a lying UTF-8 label


def test_binary_pdf_dropped():
    pdf = (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        + bytes(range(256)) * 20
    )
    res = extract(pdf, "https://example.org/laporan.pdf")
    assert res.drop_reason == "binary" and res.detail == "pdf"
    assert extract(pdf.decode("latin-1"), None).drop_reason == "binary"


def test_sniff_binary():
    assert sniff_binary(b"\x89PNG\r\n\x1a\n....") == "png"
    assert sniff_binary(bytes(range(0, 32)) * 50) == "binary"
    assert sniff_binary(b"<html><body>teks</body></html>") is None
    assert sniff_binary("<p>teks</p>".encode("utf-16")) is None


_ARTICLE = "<p>Dewan kota menyetujui anggaran baru untuk tahun depan setelah rapat panjang.</p>"


@pytest.mark.parametrize("html", [
    *(p.read_text(encoding="utf-8", errors="replace") for p in sorted(PAGES.glob("*.html"))),
    *(p.read_text(encoding="utf-8", errors="replace") for p in sorted(SITE.glob("*.html"))[:5]),
    f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"/>\n<html><body>{_ARTICLE}</body></html>',
    f'<?xml version="1.0" encoding="utf-8"?>\n<html><body>{_ARTICLE}</body></html>',  # lxml refuses it as str
    f'<html lang="id"/>\n<head><title>Berita</title></head><body>{_ARTICLE}</body></html>',
    f"<html><body>{_ARTICLE}\x0c<p>Ketua\x01 dewan \ufffeberbicara.</p></body></html>",  # XML-invalid characters
    f"<div>{_ARTICLE}</div>",  # no <html> in the head: a fragment of one block is no page
    f"<div>{_ARTICLE}</div><div>{_ARTICLE}</div>",
    f"<body>{_ARTICLE}",
])
def test_parse_builds_the_tree_trafilaturas_loader_builds(html):
    """``extract_html`` parses the page as ``trafilatura.utils.load_html`` does (repairs, parser, refusals),
    skipping only the loader's deletion of XML-invalid characters on a page that holds none."""
    from lxml import etree
    from trafilatura.utils import load_html

    from pipelines.extract_html import _load_html

    ours, theirs = _load_html(html), load_html(html)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert etree.tostring(ours.getroottree()) == etree.tostring(theirs.getroottree())


@pytest.mark.parametrize("html", ["", "   \n\t ", b"", b"\n\n", None])
def test_empty_input_dropped(html):
    assert extract(html, None).drop_reason == "empty"


def test_plain_text_is_not_html():
    assert extract("just some words with no markup at all", None).drop_reason == "not_html"


def test_huge_page_over_cap_dropped():
    huge = (
        "<html><body>"
        + "<p>"
        + "x" * 1000
        + "</p>" * 1
        + "<div>filler</div>" * (MAX_HTML_BYTES // 17)
        + "</body></html>"
    )
    assert len(huge) > MAX_HTML_BYTES
    res = extract(huge.encode(), None)
    assert res.drop_reason == "too_large"
    assert extract(huge, None).drop_reason == "too_large"


def test_huge_page_of_scripts_is_stripped_and_extracted():
    html = page("news_jsonld.html").replace(
        "</head>", "<script>var x='" + "a" * 2_000_000 + "';</script></head>"
    )
    res = extract(html, NEWS_URL, now=NOW)
    assert res.ok and res.article.title.startswith("Harga Beras")
    assert any("stripped" in n for n in res.notes)


def test_too_many_elements_dropped():
    html = "<html><body>" + "<span>a</span>" * 70_000 + "</body></html>"
    assert extract(html, None).drop_reason == "too_large"


def test_truncated_page_gives_what_is_there():
    html = page("news_jsonld.html")
    cut = html[: html.index("Ekonom menilai")]
    res = extract(cut, NEWS_URL, now=NOW)
    assert res.ok
    assert "Kementerian Perdagangan" in res.article.body


def test_garbage_and_wrong_types_never_raise():
    for junk in (
        "<html><<<>>>&&&</body>",
        "<" * 10_000,
        "<html>" + "\ud800" + "</html>",
        12345,
        ["<p>x</p>"],
    ):
        res = extract(junk, None)  # type: ignore[arg-type]
        assert not res.ok and res.drop_reason


def test_internal_error_becomes_counted_drop(monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(ex, "main_text", boom)
    res = extract(page("news_jsonld.html"), NEWS_URL)
    assert res.drop_reason == "error" and "parser exploded" in res.detail


# ------------------------------------------------------------------------------------------ multi-page, text


def test_extract_pages_joins_parts_in_order_without_repeats():
    pages = [
        ("https://news.example/election?page=1", page("multipage_1.html")),
        ("https://news.example/election?page=2", page("multipage_2.html")),
    ]
    res = extract_pages(pages, {}, now=NOW)
    assert res.ok
    body = res.article.body
    assert res.article.url == "https://news.example/election?page=1"
    assert body.index("Long queues formed") < body.index("Counting began") < body.index("postal ballots")
    assert body.count("Turnout was the highest") == 1  # the repeated lead of page 2 is left out
    assert res.article.provenance["body"] == "trafilatura+pages:2"


def test_extract_pages_skips_a_failed_part_and_needs_the_first():
    good = ("https://news.example/election?page=1", page("multipage_1.html"))
    res = extract_pages([good, ("https://news.example/election?page=2", b"%PDF-1.4 broken")], {}, now=NOW)
    assert res.ok and "page 2 dropped: binary" in res.notes
    assert extract_pages([("https://news.example/x", ""), good], {}).drop_reason == "empty"
    assert extract_pages([], {}).drop_reason == "empty"


def test_extract_text_is_the_crawl_body():
    """extract_text returns exactly what the crawl path (process_page) indexes as the body."""
    from pipelines.process import process_page

    for name, url in (("news_jsonld.html", NEWS_URL), ("meta_only.html", None), ("windows1252.html", None)):
        html = page(name) if name != "windows1252.html" else (PAGES / name).read_bytes()
        assert extract_text(html, url) == process_page(html, url or "").article.body
    assert extract_text(page("consent_wall.html"), None) == ""


def test_extract_text_checks_a_wrong_declared_language():
    """An Indonesian page declaring `en`: the declaration is a hint checked against detection, as in the
    crawl, so Indonesian cleaning still removes the `Baca juga:` line."""
    html = page("news_jsonld.html").replace('<html lang="id">', '<html lang="en">')
    html = html.replace('"inLanguage": "id-ID"', '"inLanguage": "en"')
    out = extract_text(html, NEWS_URL)
    assert "Kementerian Perdagangan menyatakan" in out
    assert "Baca juga" not in out


def test_extract_text_with_the_real_enrichment_stage():
    out = extract_text(page("news_jsonld.html"), NEWS_URL)
    assert "Kementerian Perdagangan menyatakan" in out
    assert "Baca juga" not in out


def test_seed_article_pages_end_to_end():
    """The Tribunnews seed served as two HTML pages: stitched, then cleaned and attributed by enrichment."""
    from pipelines.enrich import analyze_text

    url = "http://127.0.0.1:8000/berita/korut-rusia-perjanjian-pertahanan.html"
    parts = [
        (url, (SITE / "korut-rusia-perjanjian-pertahanan.html").read_bytes()),
        (url + "?page=2", (SITE / "korut-rusia-perjanjian-pertahanan.page2.html").read_bytes()),
    ]
    res = extract_pages(parts, {"country": "id"}, now=NOW)
    assert res.ok, res.drop_reason
    a = res.article
    assert a.url == url and a.language == "id"
    assert a.title.startswith("Korea Utara & Rusia Mulai Berlakukan Perjanjian Pertahanan")
    assert a.body.startswith("TRIBUNNEWS.COM- Perjanjian pertahanan")  # headline is not repeated in the body
    assert a.body.endswith("SUMBER: ASHARQ AL-AWSAT, AFP")  # the foot line lives on page 2
    assert "Halaman" not in a.body and "Selanjutnya" not in a.body
    out = analyze_text(a.body, a.language)
    assert out["sources"] == ["Asharq Al-Awsat", "AFP"]
    assert out["dateline_outlet"] == "Tribunnews.com" and out["lang"] == "id"
    assert "Baca juga" not in out["clean_text"] and "SUMBER" not in out["clean_text"]
    assert "kantor berita resmi Korea Utara KCNA mengatakan" in out["clean_text"]


def test_short_article_marked_up_about_cookies_or_flight_404_is_kept():
    story = (
        "<p>Regulators fined the publisher after its cookie banner offered no reject all button, breaching "
        "the consent rules that took effect last year.</p><p>The privacy policy has since been rewritten.</p>"
    )
    html = (
        "<html><head><title>Flight 404 diverted after cookie consent fine</title>"
        '<meta property="og:type" content="article"></head><body><article><h1>Flight 404 diverted</h1>'
        f"{story}</article></body></html>"
    )
    res = extract(html, "https://news.example/2025/02/01/flight-404", now=NOW)
    assert res.ok, res.drop_reason


# ------------------------------------------------------------------------------------------ date parser


@pytest.mark.parametrize(
    ("value", "country", "want"),
    [
        ("05/12/2024 10:15", "my", "2024-12-05T10:15:00+08:00"),  # day first in Malaysia, not 12 May
        ("Kamis, 05 Desember 2024 10:15 WIB", "id", "2024-12-05T10:15:00+07:00"),
        ("5 Dis 2024 14:30", "my", "2024-12-05T14:30:00+08:00"),
        ("2024-12-02T14-30-00Z", "my", "2024-12-02T22:30:00+08:00"),  # malformed ISO keeps its time (shown on
        # the source's clock: the same instant)
        ("2024-12-02T14:30:00+08:00Z", "my", "2024-12-02T14:30:00+08:00"),
    ],
)
def test_page_dates_read_by_the_one_parser(value, country, want):
    res = extract(_meta_page_dated(value), None, {"country": country}, now=NOW)
    assert res.article.published_at == want and res.article.provenance["published_at"] == "meta"


def test_a_date_in_the_text_does_not_outrank_the_day_in_the_address():
    # USA Today: the page's JSON-LD says "0001-01-01", no meta date; htmldate reads the caption of a photo
    # ("This March 28, 2017, file photo, …") off the text. The address says 2019/11/19.
    body = "<p>" + "Two guards were charged with falsifying records on the night he died. " * 10 + "</p>"
    photo = ('<div class="asset asset-image"><div class="image-meta"><div class="image-caption">This March 28, '
             "2017, file photo, provided by the New York State Sex Offender Registry shows Jeffrey Epstein."
             "</div></div></div>")
    html = ("<html><head><title>Prison guards arrested</title></head><body><article><h1>Prison guards "
            f"arrested</h1>{body}{photo}{body}</article></body></html>")
    url = "https://www.usatoday.com/story/news/politics/2019/11/19/prison-guards-arrested/4082679002/"
    res = extract(html, url, {}, now=datetime(2019, 11, 20, tzinfo=UTC))
    assert res.article.published_at == "2019-11-19T00:00:00+00:00"
    assert res.article.provenance["published_at"] == "url"
    assert any(n.startswith("published_at:htmldate-overruled-by-url:2017-03-28") for n in res.notes)


def test_bare_year_is_not_a_date():
    url = "https://beritasemenanjung.example/nasional/2024/12/01/bantuan-banjir-kelantan"
    res = extract(_meta_page_dated("2024"), url, {"country": "my"}, now=NOW)
    assert res.article.published_at == "2024-12-01T00:00:00+08:00"  # not 2024-03-01 (today's month/day)
    assert res.article.provenance["published_at"] in ("htmldate", "url")
    assert not any(n.startswith("published_at:rejected") for n in res.notes)


# ------------------------------------------------------------------------------------------ authors, title

from pipelines import extract_meta as meta  # noqa: E402


@pytest.mark.parametrize(
    ("values", "people", "agencies"),
    [
        (["Samya Kullab and Vasilisa Stepanenko"], ["Samya Kullab", "Vasilisa Stepanenko"], []),
        (["Dominik Bath und Theresa Martus"], ["Dominik Bath", "Theresa Martus"], []),
        (["Siti Rahmawati dan Andi Pratama"], ["Siti Rahmawati", "Andi Pratama"], []),
        (["By Joseph Brean, Staff Writer"], ["Joseph Brean"], []),
        (["Von Dieter Kuckelkorn d.kuckelkorn@boersen-zeitung.de"], ["Dieter Kuckelkorn"], []),
        (["Capital Von Jemima Kelly"], ["Jemima Kelly"], []),
        (["신현주 기자"], ["신현주"], []),
        (["Oleh: Wartawan Siti Nurhaliza | 05/12/2024 10:15 WIB"], ["Siti Nurhaliza"], []),
        (["Jane Doe @janedoe"], ["Jane Doe"], []),
        (["Associated Press in Valencia"], [], ["AP"]),
        (["Felix Schröder, Jörg Soldwisch, dpa"], ["Felix Schröder", "Jörg Soldwisch"], ["dpa"]),
        (["Reuters"], [], ["Reuters"]),
        (["Lesotho Times"], [], []),  # the outlet itself
        (["n-tv NACHRICHTEN"], [], []),
        (["https://www.facebook.com/lesothotimes"], [], []),
        (["Updated 3 hours ago"], [], []),
        # byline widgets read whole: role with qualifiers, follow button, a date with the month's name
        (["By Houston Mitchell Assistant Sports Editor Follow June 26, 2023 5 AM PT"],
         ["Houston Mitchell"], []),
        (["By Jane Doe, Staff Writer  Follow"], ["Jane Doe"], []),
        (["Jane Doe, Senior Political Correspondent"], ["Jane Doe"], []),
        (["Jane Doe | Follow on X"], ["Jane Doe"], []),
        (["By Dolores Chang For Dailymail.Com"], ["Dolores Chang"], []),  # written for another title
        (["Von Max Muster für die WELT"], ["Max Muster"], []),
        (["Von unserer Redaktion"], [], []),
        (["Twitter Facebook"], [], []),  # share buttons in the byline box
        (["Bio Jones", "Maya Forbes", "Jane Mayer 12 May 2024"],
         ["Bio Jones", "Maya Forbes", "Jane Mayer"], []),
        # the month of a dateline cut after the name; a name read twice by the byline box
        (["Carrie Arnold November"], ["Carrie Arnold"], []),
        (["Sean Martin Sean Martin"], ["Sean Martin"], []),
        (["Theresa May"], ["Theresa May"], []),  # a month-like surname of a two-word name stays
        # e-mail leftovers and UI strings of the byline box
        (["meganr com"], [], []),
        (["Jane Doe janed com"], ["Jane Doe"], []),
        (["Přihlaste Se"], [], []),
        (["Chcete-li článek poslouchat"], [], []),
        (["Jana Nováková Přihlaste se"], ["Jana Nováková"], []),
        (["Foto REUTERS; Nadja Wohlleben"], [], []),  # a picture credit read as the byline
        (["Photo: AFP/Jane Doe", "John Smith"], ["John Smith"], []),
        # an agency's staff writer: the role names the agency, whose credit it is ("By TOM KRISHER, AP Auto
        # Writer" on Hearst papers' AP copy), also without the comma; a writer's role alone is no name
        (["By TOM KRISHER, AP Auto Writer"], ["Tom Krisher"], ["AP"]),
        (["By STEVE PEOPLES AP National Political Writer"], ["Steve Peoples"], ["AP"]),
        (["Jane Doe, Associated Press Writer"], ["Jane Doe"], ["AP"]),
        (["Jane Doe, Senior Writer"], ["Jane Doe"], []),
        (["Maria Luisa Petra"], ["Maria Luisa Petra"], []),  # a surname that also names an agency stays
        # a CMS's post line
        (["Posted by Jane Doe"], ["Jane Doe"], []),
        (["Diposting oleh: Siti Aminah"], ["Siti Aminah"], []),
        # words of a sentence in an author box (a fact check's claimant), no person's name
        (["The Russian and Syrian defense ministries"], [], []),
        (["Michelle de Oliveira", "Siti binti Ahmad"], ["Michelle de Oliveira", "Siti binti Ahmad"], []),
    ],
)
def test_author_normalisation(values, people, agencies):
    outlet = {"lesothotimes", "ntv", "ntvde"}
    assert meta.normalize_authors(values, outlet) == (people, agencies)


@pytest.mark.parametrize(
    ("value", "people"),
    [
        # the dateline split off at its commas leaves a month's name or a weekday behind
        ("Madeline Fry, November 19, 2019 12:00 AM", ["Madeline Fry"]),
        ("By Mike Wuerthele and Malcolm Owen Monday, November 18, 2019, 06:00 am PT", ["Mike Wuerthele",
                                                                                     "Malcolm Owen"]),
        # the outlet and the dateline run into the byline box
        ("Kevin McCoy USA TODAY Published 5:04 p.m. ET Nov. 19, 2019", ["Kevin McCoy"]),
        ("Elliot Brownstein Florida Today Published 11:21 p.m. ET Nov. 20, 2019", ["Elliot Brownstein"]),
        # an editor's (or photographer's) credit in the same box is not the writer's
        ("Penulis: Budi Santoso | Editor: Ani Wijaya", ["Budi Santoso"]),
        ("Reporter: Siti Aminah Redaktur: Andi Pratama", ["Siti Aminah"]),
        ("Editor: Ani Wijaya Penulis: Budi Santoso", ["Budi Santoso"]),
        ("Pewarta: Budi Santoso Editor: Ani Wijaya", ["Budi Santoso"]),
        ("Oleh: Siti Nurhaliza Fotografer: Andi Pratama", ["Siti Nurhaliza"]),
        ("Текст: Венера Ерофеева", ["Венера Ерофеева"]),
        ("Jane Monday", ["Jane Monday"]),  # a two-word name keeps its last word
    ],
)
def test_byline_box_leftovers_are_no_names(value, people):
    assert meta.normalize_authors([value], {"usatoday", "floridatoday", "kompas"}) == (people, [])


def test_headline_in_the_application_name_is_no_outlet_name():
    # MSN sets application-name to the headline: taken as the outlet's name it would strip the whole title
    headline = "The man whose duvet nearly killed him: How this medical mystery was solved"
    html = _head(f'<title>{headline}</title><meta property="og:title" content="{headline}">'
                 f'<meta name="application-name" content="{headline}"><meta property="og:site_name" content="MSN">')
    a = extract(html, "https://www.msn.com/en-us/health/other/the-man-whose-duvet/ar-BBWXwNX", now=NOW).article
    assert a.title == headline and a.provenance["title"] == "meta"
    tail = _head(f'<title>{headline} - MSN</title>')
    assert extract(tail, "https://www.msn.com/en-us/health/other/x/ar-BB1", now=NOW).article.title == headline


def test_script_in_the_byline_box_is_no_author():
    box = ('<div class="td-post-author-name">Por <a href="/autor/joao">João Silva</a>'
           "<script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div>")
    html = _head("").replace("<article>", "<article>" + box)
    assert extract(html, "https://www.autoracing.com.br/noticia/", now=NOW).article.authors == ["João Silva"]
    bare = ('<div class="td-post-author-name"><script>(adsbygoogle = window.adsbygoogle || [])'
            ".push({});</script></div>")
    html = _head("").replace("<article>", "<article>" + bare)
    assert extract(html, "https://www.autoracing.com.br/noticia/", now=NOW).article.authors == []


def test_the_author_span_inside_the_byline_box_names_every_writer():
    # the box's text spoils the second name with the outlet and the dateline; its author span does not
    box = ('<div class="byline-section"><div class="attribution"><span class="author">Lisa Kaczke and '
           'Trevor J. Mitchell</span> <span class="publication">Sioux Falls Argus Leader</span></div>'
           '<span class="date">Published 10:02 AM EST Nov 19, 2019</span></div>')
    html = _head("").replace("<article>", "<article><h1>South Dakota says, 'Meth. We're On It'</h1>" + box)
    a = extract(html, "https://www.usatoday.com/story/news/nation/2019/11/19/story/1/", now=NOW).article
    assert a.authors == ["Lisa Kaczke", "Trevor J. Mitchell"] and a.provenance["authors"] == "html"


def _head(extra: str) -> str:
    body = "<p>" + "Kalimat isi berita yang cukup panjang untuk diekstrak dengan baik. " * 12 + "</p>"
    return f"<html><head>{extra}</head><body><article>{body}</article></body></html>"


@pytest.mark.parametrize(
    "byline",
    [
        # microdata written as attributes only: the visible box has no text
        '<div itemprop="author" itemscope itemtype="https://schema.org/Person">'
        '<meta itemprop="name" content="Jenny Smith"></div>',
        '<span itemprop="author" content="Jenny Smith"></span>',
        '<a href="/x" rel="author noopener">Jenny Smith</a>',  # rel holds more than one word
        "<author>Jenny Smith</author>",
        '<p class="byl">By Jenny Smith</p>',  # the short class of older CMSs
        "<address>By <a href='/x'>Jenny Smith</a></address>",  # HTML's byline element, inside the article
        # a plain line under the headline in a header block no class names a byline
        '<header class="meta"><p>By Jenny Smith | March 5, 2025</p></header>',
        '<div class="info"><span>Von Jenny Smith</span></div>',
        '<h4 class="author">Jenny Smith — The Daily Courier</h4>',  # what follows a long dash
        '<span id="author">Jenny_Smith</span>',  # a user name with "_" for the space
        # the sections it is filed in, after "in"
        '<p class="text-sm">By Jenny Smith, in <a href="/news/business">Business</a>, '
        '<a href="/news/property">Property</a></p>',
        # the name in a data attribute; Italian, French and Spanish class words; Italian's lower-case lead-in
        '<div class="meta" data-author="Jenny Smith"></div>',
        '<div class="firma">Jenny Smith</div>',
        '<p class="signature">Jenny Smith</p>',
        '<span class="auteur">Jenny Smith</span>',
        '<p>di <strong>Jenny Smith</strong></p>',
        # the weekday of the dateline cut after the name leaves no dash behind
        '<div class="story-byline">Oleh <b>Jenny Smith</b> - Jumat, 20 Februari 2025 | 10:15 WIB</div>',
    ],
)
def test_byline_markup_families_are_read(byline):
    html = _head("").replace("<article>", "<article><h1>Council approves the budget</h1>" + byline)
    a = extract(html, "https://www.dailycourier.com/news/2025/03/05/council-approves-budget/", now=NOW).article
    assert a.authors == ["Jenny Smith"] and a.provenance["authors"] == "html"


@pytest.mark.parametrize(
    "line",
    [
        # a name and the dateline on one line under the headline, no lead-in word, no class naming it
        '<div class="row"><span>Jenny Smith &nbsp;|</span><span class="tarih">05.03.2025 - Güncelleme : '
        "05.03.2025</span></div>",
        "<p>Jenny Smith | March 5, 2025</p>",
        "<div><span>Jenny Smith</span> · <span>5 March 2025, 10:15</span></div>",
    ],
)
def test_a_name_beside_the_dateline_under_the_headline_is_the_byline(line):
    html = _head("").replace("<article>", "<article><h1>Council approves the budget</h1>" + line)
    a = extract(html, "https://www.dailycourier.com/news/2025/03/05/council-approves-budget/", now=NOW).article
    assert a.authors == ["Jenny Smith"] and a.provenance["authors"] == "html"


@pytest.mark.parametrize(
    "line",
    [
        "<p>Jenny Smith | Council</p>",  # no date beside the name
        "<p>council meeting | March 5, 2025</p>",  # no name
        # the dateline's place and desk before the bar
        '<div><span class="place"><strong>New Delhi</strong></span>, <a href="/byline/desk">City Desk</a> | '
        "Updated : 19 November 2024, 09:01 AM</div>",
        "<p>Jenny Smith said on March 5, 2025 that the council will vote</p>",  # a sentence
    ],
)
def test_a_name_beside_no_dateline_is_no_byline(line):
    html = _head("").replace("<article>", "<article><h1>Council approves the budget</h1>" + line)
    a = extract(html, "https://www.dailycourier.com/news/2025/03/05/council-approves-budget/", now=NOW).article
    assert a.authors == []


@pytest.mark.parametrize(
    "line",
    [
        "<p>By the end of the year the council will vote again on the plan.</p>",  # a sentence, not a byline
        "<p>Von oben gesehen</p>",  # the lead-in word, then no name
    ],
)
def test_lead_in_lines_that_are_no_byline(line):
    html = _head("").replace("<article>", "<article><h1>Council approves the budget</h1>" + line)
    a = extract(html, "https://www.dailycourier.com/news/2025/03/05/council-approves-budget/", now=NOW).article
    assert a.authors == []


def test_a_lead_in_line_after_the_story_started_is_not_read():
    story = "<p>" + "The council met on Tuesday and voted on the budget for next year. " * 4 + "</p>"
    html = _head("").replace("<article>", "<article><h1>Council approves the budget</h1>" + story
                             + "<p>By Jenny Smith</p>")
    html = html.replace("<p>Kalimat", "<div>Kalimat").replace("</p></article>", "</div></article>")
    a = extract(html, "https://www.dailycourier.com/news/2025/03/05/council-approves-budget/", now=NOW).article
    assert a.authors == []


def test_element_text_with_a_limit_stops_reading_a_long_container():
    from lxml import html as lxml_html

    box = lxml_html.fromstring("<div><span>By  Jenny\n Smith</span><script>var ad = 1;</script>"
                               + "<p>The council met on Tuesday.</p>" * 50 + "</div>")
    full = ex._element_text(box)
    assert full.startswith("By Jenny Smith The council") and "var ad" not in full
    assert ex._element_text(box, limit=len(full)) == full  # short enough: all of it
    head = ex._element_text(box, limit=100)
    assert 100 < len(head) < 140 and full.startswith(head)  # longer than the limit: a prefix past it


def test_visible_texts_are_the_xpath_selection_read_lazily():
    from lxml import etree
    from lxml import html as lxml_html

    # what a byline box or a story's container holds: an ad script, a noscript pixel, a template, comments,
    # tails after each, an element inside a noscript; the default parser keeps the comments
    tree = lxml_html.document_fromstring(
        "<html><head><script>var a=1;</script></head><body><div class='story'>Lead <b>bold</b> tail"
        "<script>adsbygoogle = window.adsbygoogle || [];</script> after script <!-- note --> after comment"
        "<noscript><img src='x.gif'><span>no js</span></noscript> after noscript"
        "<template><p>tpl</p></template><style>p{}</style><p>Para <i>one</i>.</p> end</div>"
        "<noscript><div id='inside'>hidden <b>x</b></div></noscript></body></html>")
    xpath = etree.XPath(".//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
                        " or ancestor::template)]")
    for el in tree.iter():
        if isinstance(el.tag, str):
            assert list(ex._visible_texts(el)) == [str(t) for t in xpath(el)], el.tag
    story = tree.find(".//div")
    assert ex._element_text(story) == "Lead bold tail after script after comment after noscript Para one . end"
    assert list(ex._visible_texts(tree.get_element_by_id("inside"))) == []  # inside a noscript: no text
    texts = ex._visible_texts(story)
    assert next(texts) == "Lead " and next(texts) == "bold"  # read as asked, not the whole subtree first


def test_following_elements_are_those_of_the_xpath_axis_in_document_order():
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(
        "<html><body><div id='a'><header><h1>T<span id='in'>x</span></h1><p id='b'>1</p>"
        "<div id='c'><span id='d'>2</span></div></header><!-- c --><p id='e'>3</p></div>"
        "<section><li id='f'>4</li></section><small id='g'>5</small></body></html>")
    h1 = tree.find(".//h1")
    tags = ("p", "div", "span", "li", "small")
    axis = h1.xpath("following::*[self::p or self::div or self::span or self::li or self::small]")
    assert [e.get("id") for e in ex._following(h1, tags)] == [e.get("id") for e in axis] == list("bcdefg")


def test_outlet_as_author_falls_through_to_the_visible_byline():
    html = _head(
        '<meta name="author" content="Lesotho Times"><meta property="og:site_name" content="Lesotho Times">'
    ).replace("<article>", '<article><div class="author-name">By Mohloai Mpesi</div>')
    res = extract(html, "https://lesothotimes.com/2025/05/23/story/", now=NOW)
    assert res.article.authors == ["Mohloai Mpesi"] and res.article.provenance["authors"] == "html"


def test_links_to_writers_pages_are_the_byline():
    # no author class or rel: the links to the writers' pages on the site name them (LTO, WordPress themes)
    byline = ('<p class="reader__meta-info">von <a href="/autoren/name/max-kolter">Dr. Max Kolter</a> und '
              '<a href="https://www.lto.de/autoren/name/anna-schmidt">Anna Schmidt</a></p>'
              '<nav><a href="/autoren/">Alle Autoren</a></nav>')
    html = _head("").replace("<article>", "<article>" + byline)
    res = extract(html, "https://www.lto.de/recht/hintergruende/h/story", now=NOW)
    assert res.article.authors == ["Dr. Max Kolter", "Anna Schmidt"]
    assert res.article.provenance["authors"] == "html"


@pytest.mark.parametrize(
    "byline",
    ['<span class="articleAuthor">Von Jane Doe</span>', '<div data-component="Byline">By Jane Doe</div>',
     '<h4 class="c-journalist-name">Jane Doe</h4>', '<p class="bylineText">Jane Doe</p>'],
)
def test_byline_classes_written_in_camel_case_or_data_attributes(byline):
    html = _head("").replace("<article>", "<article>" + byline)
    res = extract(html, "https://example.com/news/story", now=NOW)
    assert res.article.authors == ["Jane Doe"] and res.article.provenance["authors"] == "html"


@pytest.mark.parametrize(("label", "authors"), [("Written by", ["Siti Rahma"]), ("Verfasst von", ["Siti Rahma"]),
                                                ("Ditulis oleh", ["Siti Rahma"]), ("Est. reading time", [])])
def test_the_writer_in_yoasts_twitter_label_pair(label, authors):
    # Yoast SEO writes the writer as a Twitter card pair (and the reading time as another): no JSON-LD, no author
    head = (f'<meta name="twitter:label1" content="{label}"><meta name="twitter:data1" content="Siti Rahma">'
            '<meta name="twitter:label2" content="Est. reading time"><meta name="twitter:data2" content="2 minutes">')
    a = extract(_head(head), None, now=NOW).article
    assert a.authors == authors and a.provenance.get("authors") == ("meta" if authors else None)


def test_authors_from_more_meta_names_and_other_jsonld_nodes():
    html = _head('<meta name="dc:creator" content="Jane Doe">')
    assert extract(html, None, now=NOW).article.authors == ["Jane Doe"]
    ld = ('[{"@type": "NewsArticle", "headline": "Harga"}, '
          '{"@type": "WebPage", "author": {"@type": "Person", "name": "Siti Rahma"}}]')
    a = extract(_head(f'<script type="application/ld+json">{ld}</script>'), None, now=NOW).article
    assert a.authors == ["Siti Rahma"] and a.provenance["authors"] == "json-ld"
    # a health site's story is a MedicalWebPage: its author is the writer, the degrees after the name are none
    ld = ('{"@context": "https://schema.org", "@type": "MedicalWebPage", "headline": "15 Tips to Overcome Binge '
          'Eating", "author": {"@type": "Person", "name": "Rachael Link, MS, RD"}}')
    a = extract(_head(f'<script type="application/ld+json">{ld}</script>'), None, now=NOW).article
    assert a.authors == ["Rachael Link"] and a.provenance["authors"] == "json-ld"


@pytest.mark.parametrize(
    ("value", "people", "agencies"),
    [
        ("Jane Doe, MD, MPH", ["Jane Doe"], []),
        ("Jane Doe, RN, BSN", ["Jane Doe"], []),
        ("Siti Aminah, S.Pd., M.Pd.", ["Siti Aminah"], []),
        ("Jane Doe, PhD, MSc", ["Jane Doe"], []),
        ("TOM KRISHER, AP", ["Tom Krisher"], ["AP"]),  # an agency after the name is its credit, no degree
        ("Budi Santoso, Ani Wijaya", ["Budi Santoso", "Ani Wijaya"], []),
    ],
)
def test_degrees_after_the_name_are_no_names(value, people, agencies):
    assert meta.normalize_authors([value], set()) == (people, agencies)


@pytest.mark.parametrize(
    ("value", "people"),
    [
        # a name in capitals is written as names are: one writer, one value to search and count
        ("By MEG KINNARD and ERRIN HAINES", ["Meg Kinnard", "Errin Haines"]),
        ("JEAN-PIERRE O'NEIL", ["Jean-Pierre O'Neil"]),
        ("T. J. MILLER", ["T. J. Miller"]),
        ("J.K. ROWLING", ["J.K. Rowling"]),
        ("БОРИС ИВАНОВ", ["Борис Иванов"]),
        ("Jane McDonald", ["Jane McDonald"]),  # mixed case stays as given
        # German role compounds after the name, the Czech share button read into the byline
        ("Holger Zschäpitz Leitender Wirtschaftsredakteur", ["Holger Zschäpitz"]),
        ("Anna Müller, Auslandskorrespondentin", ["Anna Müller"]),
        ("Ondřej Katz ; Přihlaste Se Sdílet", ["Ondřej Katz"]),
    ],
)
def test_names_in_capitals_are_written_as_names(value, people):
    assert meta.normalize_authors([value], set()) == (people, [])


def test_a_writer_s_page_given_as_the_author_names_the_writer_when_nothing_else_does():
    meta_tag = '<meta property="article:author" content="https://www.washingtonexaminer.com/author/madeline-fry/">'
    a = extract(_head(meta_tag), "https://www.washingtonexaminer.com/opinion/1", now=NOW).article
    assert a.authors == ["Madeline Fry"] and a.provenance["authors"] == "meta"
    both = meta_tag + '<meta name="author" content="Tom Rogan">'  # a name given wins
    assert extract(_head(both), "https://www.washingtonexaminer.com/opinion/1", now=NOW).article.authors == [
        "Tom Rogan"]
    ld = ('{"@type": "NewsArticle", "headline": "Harga", "author": {"@type": "Person", '
          '"url": "https://www.example.com/authors/jane-doe/"}}')  # a Person given by its page's address only
    a = extract(_head(f'<script type="application/ld+json">{ld}</script>'), None, now=NOW).article
    assert a.authors == ["Jane Doe"] and a.provenance["authors"] == "json-ld"
    for url in ("https://www.facebook.com/washingtonexaminer", "https://www.indiewire.com/author/davidindiewire/"):
        tag = f'<meta property="article:author" content="{url}">'  # a social page, a handle: no name spelt
        assert extract(_head(tag), "https://www.indiewire.com/2019/11/1", now=NOW).article.authors == []


@pytest.mark.parametrize(
    ("value", "people", "agencies"),
    [
        # the desk in other languages, a staff line, a guest slot, an empty author field: nobody named
        ("Redação", [], []),
        ("Da Redação", [], []),
        ("Redazione Online", [], []),
        ("Редакция", [], []),
        ("編集部", [], []),
        ("Our Correspondent", [], []),
        ("Digital Desk", [], []),
        ("Guest Contributor", [], []),
        ("Anonymous", [], []),
        ("Staff Reports", [], []),
        # an agency's desk is the agency's credit
        ("Reuters Staff", [], ["Reuters"]),
        ("Redacción EFE", [], ["EFE"]),
        ("Nyhetsbyrån TT", [], ["TT"]),
        # a Chinese paper's staff line before the name, the editor's credit after it (full-width colons)
        ("本报记者 李四", ["李四"], []),
        ("记者：张三 责任编辑：王五", ["张三"], []),
        ("作者：李四", ["李四"], []),
        ("文/ 张三", ["张三"], []),  # "文/" (text:) is no name
        ("(责编：牛镛、岳弘彬)", [], []),
        # names that hold such words stay
        ("Mario Rossi, Redazione", ["Mario Rossi"], []),
        ("Anna Guest", ["Anna Guest"], []),
    ],
)
def test_desks_and_staff_lines_in_other_languages_name_nobody(value, people, agencies):
    assert meta.normalize_authors([value], set()) == (people, agencies)


@pytest.mark.parametrize(
    ("value", "people", "agencies"),
    [
        # Korean, Japanese and Chinese roles written onto the name, the dateline's place and "=", the outlet in
        # brackets before it, the ideographic comma between two names
        ("김철수기자", ["김철수"], []),
        ("김철수 선임기자", ["김철수"], []),
        ("김철수 논설위원", ["김철수"], []),
        ("서울=김철수 기자", ["김철수"], []),
        ("[서울신문] 김철수 기자", ["김철수"], []),
        ("글 김철수", ["김철수"], []),
        ("田中太郎記者", ["田中太郎"], []),
        ("田中太郎（ジャーナリスト）", ["田中太郎"], []),
        ("文：田中太郎", ["田中太郎"], []),
        ("聞き手・田中太郎", ["田中太郎"], []),
        ("记者李四", ["李四"], []),
        ("新华社记者李四", ["李四"], []),
        ("李四、王五", ["李四", "王五"], []),
        ("文在寅", ["文在寅"], []),  # a one-character lead-in ("文：", text) never opens a name written on
        # roles in other languages
        ("Корреспондент Иван Иванов", ["Иван Иванов"], []),
        ("Redaktor: Jan Novák", ["Jan Novák"], []),
        # what follows the writer's name and is nobody: the dateline's weekday or place, an outlet, what the
        # story is written for, "mit Material von" an agency, the editor's credit without a colon
        ("Jane Doe, Donnerstag, 5. März 2025", ["Jane Doe"], []),
        ("Ahmet Yılmaz / İstanbul", ["Ahmet Yılmaz"], []),
        ("Ahmet Yılmaz | Ankara", ["Ahmet Yılmaz"], []),
        ("Jane Doe, NBC News", ["Jane Doe"], []),
        ("By Takeo Maeda and Tatsuya Tanoue / Yomiuri Shimbun Staff Writers", ["Takeo Maeda", "Tatsuya Tanoue"], []),
        ("By Bill Hoppe | Special to the Pioneer Press", ["Bill Hoppe"], []),
        ("Jane Doe, for the Guardian", ["Jane Doe"], []),
        ("Jane Doe Special to the Star", ["Jane Doe"], []),
        ("Jane Doe, mit Material von dpa und AFP", ["Jane Doe"], ["dpa", "AFP"]),
        ("Mit Material von dpa", [], ["dpa"]),
        ("Reporting by Jane Doe; Editing by John Roe", ["Jane Doe"], []),
        ("Edited by Jane Doe", [], []),
        # one word naming an outlet or a place is a name when nothing comes before it
        ("Fajar", ["Fajar"], []),
        ("Jordan Smith, Jordan", ["Jordan Smith"], []),
    ],
)
def test_byline_parts_around_the_name_that_name_nobody(value, people, agencies):
    assert meta.normalize_authors([value], set()) == (people, agencies)


def test_writer_links_in_teasers_are_not_the_byline():
    teaser = ('<div class="related-articles"><a href="/author/jane-doe">Jane Doe</a></div>')
    html = _head("").replace("</article>", "</article>" + teaser)
    assert extract(html, "https://example.com/news/story", now=NOW).article.authors == []


def test_an_outlet_named_with_an_article_does_not_claim_every_name_it_begins():
    from lxml import html as lxml_html

    head = '<html><head><meta property="og:site_name" content="Il Post"></head><body></body></html>'
    pm = meta.read_page(lxml_html.fromstring(head))
    keys = meta.outlet_keys(pm, "https://www.ilpost.it/2025/03/05/x/")
    assert meta.normalize_authors(["Post Malone", "Il Post"], keys) == (["Post Malone"], [])


def test_desk_account_named_after_the_outlet_is_no_author():
    # WordPress posts by the site's own account: "Ilanga D" on Ilanga News (ilanganews.co.za)
    ld = ('{"@type": "BlogPosting", "headline": "Ikhansela", '
          '"author": {"@id": "/author/admin/", "name": "Ilanga D"}}')
    html = _head(f'<meta property="og:site_name" content="Ilanga News">'
                 f'<script type="application/ld+json">{ld}</script>')
    assert extract(html, "https://ilanganews.co.za/ikhansela/", now=NOW).article.authors == []
    assert meta.normalize_authors(["Ilanga D"], {"ilanganews"}) == ([], [])
    assert meta.normalize_authors(["Ilan Goldberg"], {"ilanganews"}) == (["Ilan Goldberg"], [])
    assert meta.normalize_authors(["Kristel Berg"], {"kristeligtdagblad"}) == (["Kristel Berg"], [])


def test_agency_byline_is_attribution_not_author():
    ld = '{"@type": "NewsArticle", "author": [{"@type": "Person", "name": "AFP"}], "headline": "Gericht"}'
    res = extract(_head(f'<script type="application/ld+json">{ld}</script>'), None, now=NOW)
    assert res.article.authors == []
    assert {"kind": "byline_agency", "text": "AFP"} in res.article.removed_segments
    assert "authors:agency:AFP" in res.notes


def test_person_written_as_given_and_family_name():
    ld = (
        '{"@type": "NewsArticle", "headline": "Kalifat", "author": [{"@type": "Person", '
        '"givenName": "Birgit", "familyName": "Baumann"}, '
        '{"@type": "Person", "givenName": "Anna Giulia", "familyName": "Fink"}]}'
    )
    res = extract(_head(f'<script type="application/ld+json">{ld}</script>'), None, now=NOW)
    assert res.article.authors == ["Birgit Baumann", "Anna Giulia Fink"]



def test_author_given_as_a_reference_to_a_person_node_of_the_graph():
    # Yoast (WordPress) graphs: the article names its author by @id, the Person node beside it holds the name
    # (here under http:// without www., while the page is served from https://www.)
    ld = ('{"@context": "https://schema.org", "@graph": ['
          '{"@type": "NewsArticle", "headline": "Harga", "author": {"@id": "http://site.example/#/schema/person/d7"},'
          ' "publisher": {"@id": "https://www.site.example/#organization"}},'
          '{"@type": "Organization", "@id": "https://www.site.example/#organization", "name": "Site Daily"},'
          '{"@type": "Person", "@id": "https://www.site.example/#/schema/person/d7", "name": "Timo Shihepo",'
          ' "url": "https://www.site.example/author/timo-shihepo/"}]}')
    a = extract(_head(f'<script type="application/ld+json">{ld}</script>'), None, now=NOW).article
    assert a.authors == ["Timo Shihepo"] and a.provenance["authors"] == "json-ld"
    org = ld.replace('"author": {"@id": "http://site.example/#/schema/person/d7"}',
                     '"author": {"@id": "https://www.site.example/#organization"}')
    org_page = _head(f'<script type="application/ld+json">{org}</script>')
    assert extract(org_page, None, now=NOW).article.authors == []



def _story(first: str = "", last: str = "", middle: str = "") -> str:
    p1, p2, p3 = ("<p>" + f"Kuthiwa imbuzi yesi-{n} efile emagcekeni kwaba nomsindo omkhulu. " * 3 + "</p>"
                  for n in (1, 2, 3))
    return (f'<html><head><meta property="og:site_name" content="Ilanga News"></head><body><article>'
            f"<h1>Ikhansela lisola uthishanhloko</h1>{first}{p1}{middle}{p2}{p3}{last}"
            "</article></body></html>")


@pytest.mark.parametrize(
    ("first", "last", "want"),
    [
        ("<p><strong>MTHOBISI SITHOLE&nbsp;</strong></p>", "", ["Mthobisi Sithole"]),  # WordPress outlets
        ("", '<p class="Normal" style="text-align:right;"><strong>Lê Phương</strong></p>', ["Lê Phương"]),
        # after the deks, two writers joined by a slash
        ("<p><em>…as Bela Bela communities cry foul</em></p><p><strong>Mathatisi Sebusi/Mohalenyane Phakela"
         "</strong></p>", "", ["Mathatisi Sebusi", "Mohalenyane Phakela"]),
        ("<p><strong>Kuthiwa</strong> imbuzi efile emagcekeni aseMabaso.</p>", "", []),  # a lead-in
        ("<p><strong>Read more: the full story of the goats.</strong></p>", "", []),  # not a name
    ],
)
def test_a_bold_name_as_the_body_first_or_last_paragraph_is_the_byline(first, last, want):
    a = extract(_story(first, last), "https://ilanganews.co.za/ikhansela/", now=NOW).article
    assert a.authors == want
    assert a.provenance.get("authors") == ("body" if want else None)


def test_a_bold_subheading_inside_the_story_is_no_byline():
    a = extract(_story(middle="<p><strong>Izinyathelo Ezilandelayo</strong></p>"), None, now=NOW).article
    assert a.authors == []


def test_a_byline_box_naming_nobody_does_not_end_the_search():
    # the first author-classed element holds the outlet's social link; the writer's name comes next
    story = ('<article><h1>Ukraine strikes</h1><div class="c-byline__social">Global News on BlueSky</div>'
             '<div class="c-byline__author">By Samya Kullab</div>' + "<p>" + "Text of the story here. " * 20
             + "</p></article>")
    html = ('<html><head><meta property="og:site_name" content="Global News"></head><body>'
            f"{story}</body></html>")
    a = extract(html, "https://globalnews.ca/news/1/ukraine/", now=NOW).article
    assert a.authors == ["Samya Kullab"] and a.provenance["authors"] == "html"
    # a second choice outside the story's own <article> (a teaser's writer) is not taken
    html = html.replace('<div class="c-byline__author">By Samya Kullab</div>', "").replace(
        "</body>",
        '<div class="teaser"><span class="appetizer-author">Von Christoph Reisinger</span></div></body>')
    assert extract(html, "https://globalnews.ca/news/1/ukraine/", now=NOW).article.authors == []


def _with_header(header_extra: str) -> str:
    paras = "".join(f"<p>Absatz {n}: Die Kommission untersucht den Einfluss der Plattform auf die Wahl, "
                    f"teilte eine Sprecherin am Dienstag in Brüssel mit, und droht mit Strafen.</p>"
                    for n in range(1, 6))
    return ('<html><head><title>Tiktok: Brüssel untersucht Wahleinmischung</title></head><body><main>'
            '<article>'
            f'<header><h1>Tiktok: Brüssel untersucht Wahleinmischung</h1>{header_extra}</header>'
            f'<section class="story">{paras}</section></article></main></body></html>')


def test_the_standfirst_in_the_story_header_is_the_body_first_paragraph():
    lead = ("Wahleinmischung per Algorithmus? Tiktok steht im Verdacht, ausländische Einflüsse nicht "
            "ausreichend zu bekämpfen. Es drohen Strafen.")
    res = extract(_with_header(f"<div><p>{lead}</p></div><p>Von Jana Muster</p>"), None, now=NOW)
    assert res.article.body.split("\n")[0] == lead
    assert res.article.provenance["body"].endswith("+lead")


def test_a_popover_in_the_header_is_no_standfirst():
    popover = ('<div class="bookmark__popover"><p>You can save this article by registering for free here. '
               "Or sign-in if you have an account.</p></div>")
    res = extract(_with_header(popover), None, now=NOW)
    assert res.article.body.startswith("Absatz 1")


def test_authors_of_a_jsonld_block_broken_beyond_repair():
    # an unescaped quote in the headline breaks the JSON; its authors are still read (not its publisher)
    ld = ('{"@type": "NewsArticle", "headline": "Der "Fall" X", "author": [{"@type": "Person", "name": '
          '"Shany Littman", "url": "/autor/sl"}, {"@type": "Person", "name": "Jane Doe"}], '
          '"publisher": {"@type": "Organization", "name": "Krautreporter"}}')
    a = extract(_head(f'<script type="application/ld+json">{ld}</script>'), None, now=NOW).article
    assert a.authors == ["Shany Littman", "Jane Doe"] and a.provenance["authors"] == "json-ld"
    org = ld.replace('[{"@type": "Person", "name": "Shany Littman", "url": "/autor/sl"}, '
                     '{"@type": "Person", "name": "Jane Doe"}]', '{"@type": "Organization", "name": "Kr"}')
    org_page = _head(f'<script type="application/ld+json">{org}</script>')
    assert extract(org_page, None, now=NOW).article.authors == []


def test_a_person_node_of_the_graph_names_the_writer_when_no_node_says_author():
    ld = ('{"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", "headline": "Harga"}, '
          '{"@type": "Person", "name": "Rahimu Fadhili"}]}')
    a = extract(_head(f'<script type="application/ld+json">{ld}</script>'), None, now=NOW).article
    assert a.authors == ["Rahimu Fadhili"] and a.provenance["authors"] == "json-ld"
    html = _head('<meta name="creator" content="Jane Doe">')
    assert extract(html, None, now=NOW).article.authors == ["Jane Doe"]


def _story_with(line_html: str) -> str:
    paras = "".join(f"<p>Umsolwa {n} oneminyaka engu-18 ube esekhalelwa ngamasongo kaSigonyela ngalo usuku "
                    f"lwesigameko, kusho amaphoyisa ngoLwesine.</p>" for n in range(1, 5))
    return (f"<html><head></head><body><article><h1>Isihluku kubulawa isaguga eMbali</h1>{paras[:200]}"
            f"{line_html}{paras}</article></body></html>")


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        # any language: a short lead-in, a bar, then one link to another story of the site
        ('<p><strong>FUNDA OLUNYE UDABA LAPHA | <a href="https://eyethunews.co.za/118/kuboshwe/">Kuboshwe '
         "abahlanu besolwa ngokugwaza umfundi</a></strong></p>", True),
        ('<p>READ MORE | <a href="/business/2019/alibaba">Alibaba poised to launch record-breaking '
         "listing</a></p>", True),
        # after a colon it is left to the cleaning stage's patterns and the source's learned template
        ('<p><strong>Rekomendasi Redaksi:</strong> <a href="/daerah/2024/12/04/kebakaran/">Kebakaran Pasar '
         "Bulu, 40 Kios Hangus Dilalap Api</a></p>", False),
        # a handle, a partner's name, a link to another site: no teaser
        ('<p>Аккаунт: <a href="https://instagram.com/evgenialevi">@evgenialevi</a></p>', False),
        ('<p>Unser Partner: <a href="/partner/ez">eZ Systems</a></p>', False),
        ('<p>Source: <a href="https://other.example/report">The full report of the commission</a></p>',
         False),
    ],
)
def test_in_story_links_to_other_stories_are_dropped(line, dropped):
    res = extract(_story_with(line), "https://eyethunews.co.za/119166/isihluku/", now=NOW)
    text = " ".join(lxml_text(line).split())
    assert (text not in res.article.body) is dropped


def lxml_text(fragment: str) -> str:
    import lxml.html

    return lxml.html.fromstring(fragment).text_content()


@pytest.mark.parametrize(
    "byline",
    ['<footer class="article-footer"><h5 class="author">Von Jana Muster</h5></footer>',  # the story's footer
     '<section class="author-box"><cite>Jana Muster</cite></section>'],
)
def test_bylines_in_the_story_footer_and_other_elements(byline):
    story = ('<article><h1>Streit um den Haushalt</h1>' + "<p>" + "Der Bundestag berät am Freitag. " * 12
             + f"</p>{byline}</article>")
    html = f"<html><head></head><body><div class='sidebar-1'>{story}</div><footer><span class='author'>" \
           "Redaktion Impressum</span></footer></body></html>"
    a = extract(html, "https://example.de/politik/haushalt", now=NOW).article
    assert a.authors == ["Jana Muster"] and a.provenance["authors"] == "html"


def test_a_byline_in_the_page_footer_is_not_the_story_s():
    html = ('<html><head></head><body><article><h1>Streit um den Haushalt</h1><p>'
            + "Der Bundestag berät am Freitag. " * 12 + "</p></article>"
            + '<footer><span class="author">Jana Muster</span></footer></body></html>')
    assert extract(html, "https://example.de/politik/haushalt", now=NOW).article.authors == []

def test_person_with_a_list_of_names():
    ld = ('{"@type": "NewsArticle", "headline": "Harga", '
          '"author": {"@type": "Person", "name": ["Jane Doe", "Siti Rahma"]}}')
    a = extract(_head(f'<script type="application/ld+json">{ld}</script>'), None, now=NOW).article
    assert a.authors == ["Jane Doe", "Siti Rahma"]

@pytest.mark.parametrize(
    ("head", "want"),
    [
        ('<meta property="og:title" content="Nam, SA Green hydrogen pipeline flagged - The Namibian">'
         '<meta property="og:site_name" content="The Namibian">', "Nam, SA Green hydrogen pipeline flagged"),
        ('<meta property="og:title" content="Mexico to fight &#8216;illogical&#8217; steel tariffs">',
         "Mexico to fight ‘illogical’ steel tariffs"),
        ("<title>EU und Indien besiegeln Freihandelsabkommen - Landesspiegel</title>",
         "EU und Indien besiegeln Freihandelsabkommen"),  # the host's name: landesspiegel.li
        ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "SEO headline"}</script>'
         "<title>Visible headline | Sport | Landesspiegel</title>", "Visible headline"),
        # a section label between headline and site name, cut because the JSON-LD headline says the headline
        ('<meta property="og:title" content="Russia hits Kyiv with missile - National | Globalnews.ca">'
         '<script type="application/ld+json">{"@type": "NewsArticle", '
         '"headline": "Russia hits Kyiv with missile"}</script>', "Russia hits Kyiv with missile"),
        ('<meta property="og:title" content="민주당 선호투표제 또 불발-정치ㅣ한국일보">'
         '<meta property="og:site_name" content="한국일보">'
         '<script type="application/ld+json">{"@type": "NewsArticle", '
         '"headline": "민주당 선호투표제 또 불발"}</script>', "민주당 선호투표제 또 불발"),
        # a short section label right before the outlet's name goes with it, confirmed or not
        ("<title>King's speech summary: Five key policies announced | Politics News | Landesspiegel</title>",
         "King's speech summary: Five key policies announced"),
        ("<title>Mehr Geld für Schulen - Politik - Landesspiegel.li</title>", "Mehr Geld für Schulen"),
        ("<title>Wahl - Politik | Landesspiegel</title>", "Wahl - Politik"),  # too short a headline to cut
        # a Hangul/CJK section glued to the headline by a bare hyphen, right before the outlet's name
        ('<meta property="og:title" content="서울시 내년 예산 3조 증액… 복지 부담 커졌다-경제ㅣ한국일보">'
         '<meta property="og:site_name" content="한국일보">', "서울시 내년 예산 3조 증액… 복지 부담 커졌다"),
        ('<meta property="og:title" content="外交部回应美方加征关税措施-国际｜环球网">'
         '<meta property="og:site_name" content="环球网">', "外交部回应美方加征关税措施"),
        # ... but not a compound of the headline (one syllable before the hyphen), nor a Latin-script word
        ('<meta property="og:title" content="정상회담 앞두고 다시 만난 한-미ㅣ한국일보">'
         '<meta property="og:site_name" content="한국일보">', "정상회담 앞두고 다시 만난 한-미"),
        ("<title>Krieg in Nahost: Der Nahost-Ticker | Landesspiegel</title>", "Krieg in Nahost: Der Nahost-Ticker"),
        # and not without the outlet's name after it (nothing says it is a label)
        ('<meta property="og:title" content="서울시 내년 예산 3조 증액… 복지 부담 커졌다-경제">',
         "서울시 내년 예산 3조 증액… 복지 부담 커졌다-경제"),
        # a full-width colon before the site name (Japanese titles)
        ('<meta property="og:title" content="宮崎県で震度5弱、津波注意報 気象庁：朝日新聞デジタル">'
         '<meta property="og:site_name" content="朝日新聞デジタル">', "宮崎県で震度5弱、津波注意報 気象庁"),
        # no other source confirms the cut: a colon inside the headline stays
        ('<meta property="og:title" content="Streit um Klöckner: Lang legt nach">',
         "Streit um Klöckner: Lang legt nach"),
    ],
)
def test_title_without_the_site_name(head, want):
    h1 = "<article><h1>Visible headline</h1>" if "SEO" in head else "<article>"
    html = _head(head).replace("<article>", h1)
    res = extract(html, "https://www.landesspiegel.li/2026/01/27/eu-indien/", now=NOW)
    assert res.article.title == want


# ------------------------------------------------------------------------------------------ body candidates

SECTIONS = """<html><body><main><article>
<div class="body articleBody">
<p>Friedrich Merz, der Kandidat der Union, hat am Freitag im Bundestag eine Niederlage erlitten, als
sein Antrag zur Migration keine Mehrheit fand.</p>
<p>Tym samym debata przerodzila sie w spor o granice wspolpracy z AfD, der die Fraktionen bis in die
Nacht beschaeftigte und die Sitzung verlaengerte.</p>
<p class="note">Dieser Artikel erschien zuerst in der Printausgabe und wurde fuer die Online-Ausgabe
aktualisiert und ergaenzt.</p>
</div>
<div class="article--featured"><p>Lesen Sie auch: Wie die Union ihre Strategie fuer den Wahlkampf in
den letzten drei Wochen neu ausrichtet und was das bedeutet.</p></div>
<div class="body articleBody">
<p>Der groesste Widerspruch der Lage ist, dass ausgerechnet die Partei, die sich abgrenzen wollte,
nun auf ihre Stimmen angewiesen war.</p>
<aside class="related"><p>Mehr zum Thema: Alle Entwicklungen zur Bundestagswahl im Liveblog, mit
Analysen, Umfragen und Hintergruenden.</p></aside>
<p>Nach der Niederlage kuendigte Merz an, das Thema im Wahlkampf weiter zu verfolgen, und rief die
anderen Parteien zur Zusammenarbeit auf.</p>
</div>
</article></main></body></html>"""


def test_sibling_sections_of_the_article_come_back_in_order():
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(SECTIONS)
    kept = [" ".join(p.text_content().split()) for p in tree.iter("p")][:2]  # what one container gave
    text, added = ex.add_sibling_sections(tree, "\n".join(kept))
    lines = text.split("\n")
    assert added == 2 and lines[:2] == kept
    assert lines[2].startswith("Der groesste Widerspruch") and lines[3].startswith("Nach der Niederlage")
    assert "Printausgabe" not in text  # dropped by the extractor inside the kept container: stays dropped
    assert "Lesen Sie auch" not in text and "Mehr zum Thema" not in text  # other class / page furniture


def test_sibling_sections_of_generated_markup_with_unclassed_wrappers():
    from lxml import html as lxml_html

    # styled-components markup: every paragraph in its own block, wrapped in unclassed divs
    paras = [
        "Chelsea have delivered a message of intent and roared their season was not dead after the derby.",
        "The crowd-surfing banner in the away end read a line every player at the club will have seen.",
        "But the message was clear ahead of kick-off, while rivals are tipped with making a summer move.",
        "The manager said afterwards that the squad had shown the character he had asked of it all season.",
    ]
    blocks = "".join(f'<div class="sc-hpEguC TiCsR"><div class="sc-bkSUFG bdkDcZ"><div><div><p>{t}</p>'
                      "</div></div></div></div>" for t in paras)
    teaser = ('<div class="sc-teaser xYz"><div><div><p>Read more: the full list of every summer transfer '
              "rumour involving the club this week, ranked by likelihood.</p></div></div></div>")
    tree = lxml_html.fromstring(f"<html><body><article>{blocks}{teaser}</article></body></html>")
    kept = "\n".join(paras[1:2] + paras[3:])  # what precision mode kept
    text, added = ex.add_sibling_sections(tree, kept)
    assert added == 2 and text.split("\n") == paras  # back in document order, the teaser block left out


def test_sibling_sections_leave_out_pull_quotes_and_a_quoted_statement_above_the_story():
    from lxml import html as lxml_html

    story = [
        "In a joint statement published on Friday, the two ministries accused the coalition of blocking a "
        "plan to return people from the camp to their homes.",
        "The Pentagon rejected the accusations as false, and independent analysts said the camp's residents "
        "feared arrest if they left the area.",
    ]
    statement = ("\u201cA cause for serious concern is the situation in the south, where bandit formations "
                 "continue to prevent the evacuation of civilians from the camp.\u201d")
    pull = "independent analysts said the camp's residents feared arrest if they left the area"
    more = ("Aid groups said on Saturday that convoys had reached the camp twice this year, far fewer than the "
            "residents needed to get through the winter.")
    page = (f'<html><body><div class="fc"><div class="wsw"><p>{statement}</p></div></div>'
            f'<div class="story"><div class="wsw"><p>{story[0]}</p><p>{story[1]}</p></div>'
            f'<div class="wsw"><p>\u201c{pull.capitalize()}.\u201d</p></div>'
            f'<div class="wsw"><p>{pull.capitalize()}, a spokesman for the group told reporters.</p></div>'
            f'<div class="wsw"><p>{more}</p></div></div></body></html>')
    tree = lxml_html.fromstring(page)
    text, added = ex.add_sibling_sections(tree, "\n".join(story))
    # the story's own later section comes back; the statement box above the story and the pull quote
    # repeating the story do not (a quotation later in the story is story text and stays eligible)
    assert text.split("\n") == story + [f"{pull.capitalize()}, a spokesman for the group told reporters.", more]
    assert added == 2


def test_sibling_sections_need_two_kept_paragraphs_in_one_section():
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(SECTIONS)
    first = " ".join(next(tree.iter("p")).text_content().split())
    assert ex.add_sibling_sections(tree, first) == (first, 0)


def test_agreement_is_shingle_f1():
    text = "Harga beras medium naik hingga Rp1.500 per kilogram dalam dua pekan terakhir."
    assert ex.agreement(text, text) == 1.0
    assert ex.agreement(text, "") == 0.0
    assert 0.3 < ex.agreement(text, text + " Ekonom menilai langkah itu tepat untuk sementara.") < 1.0


_LD_STORY = (
    "Harga beras medium di pasar induk naik hingga Rp1.500 per kilogram dalam dua pekan terakhir menjelang "
    "Ramadan, kata pedagang. Pemerintah menyiapkan operasi pasar di tiga puluh kota mulai pekan depan. "
    "Bulog menyatakan stok cadangan beras cukup untuk enam bulan ke depan dan distribusi akan dipercepat. "
    "Ekonom menilai lonjakan harga dipicu panen yang mundur akibat hujan dan biaya angkut yang naik tajam. "
    "Di Surabaya dan Makassar harga beras premium bertahan, sementara di Medan pedagang mengeluhkan pasokan "
    "yang tersendat sejak awal bulan karena kapal pengangkut tertahan cuaca buruk di perairan Sumatra."
)


def _ld_page(body: str) -> str:
    import json as _json

    node = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Harga beras naik",
            "articleBody": body}
    return (f'<html><head><script type="application/ld+json">{_json.dumps(node)}</script></head>'
            f"<body><article><p>{body}</p></article></body></html>")


def _fake_modes(monkeypatch, outputs: dict[str, str]) -> list[str]:
    """trafilatura replaced by canned outputs per mode; returns the modes asked for, in order."""
    asked: list[str] = []

    def fake(tree, url, **options):
        mode = "recall" if options.get("favor_recall") else "default"
        mode = "precision" if options.get("favor_precision") else mode
        asked.append(mode)
        return outputs[mode]

    monkeypatch.setattr(ex, "_trafilatura", fake)
    return asked


def test_body_holding_all_of_the_publishers_jsonld_body_needs_no_second_extraction(monkeypatch):
    from lxml import html as lxml_html

    # precision holds all of the JSON-LD body plus more (a box the publisher left out of articleBody), so
    # they disagree; default/recall keep more than precision and could only disagree further
    extra = ("Dukung jurnalisme independen: berlangganan mulai Rp50.000 per bulan dan dapatkan akses ke "
             "semua laporan mendalam, arsip lengkap, dan buletin harian kami tanpa iklan. ") * 3
    precision = _LD_STORY + "\n" + extra
    asked = _fake_modes(monkeypatch, {"precision": precision, "default": "x", "recall": "y"})
    tree = lxml_html.fromstring(_ld_page(_LD_STORY))
    text, method = ex.main_text(tree, None, ex.meta.read_page(tree))
    assert asked == ["precision"] and text == precision and method == "trafilatura"


def test_body_missing_part_of_the_jsonld_body_is_compared_with_other_modes(monkeypatch):
    from lxml import html as lxml_html

    half = _LD_STORY[: len(_LD_STORY) // 2].rsplit(". ", 1)[0] + "." + " Baca juga: Harga cabai turun." * 12
    outputs = {"precision": half, "default": _LD_STORY, "recall": _LD_STORY + " Iklan."}
    asked = _fake_modes(monkeypatch, outputs)
    tree = lxml_html.fromstring(_ld_page(_LD_STORY))
    text, method = ex.main_text(tree, None, ex.meta.read_page(tree))
    assert asked == ["precision", "default"] and text == _LD_STORY and method == "trafilatura-default"


def test_jsonld_body_text_the_page_does_not_show_asks_no_other_mode(monkeypatch):
    from lxml import html as lxml_html

    # the publisher's articleBody holds paragraphs the page never shows (an app-only part, a longer
    # version): precision keeps all the page shows of it, so no mode can agree better; not run
    shown = _LD_STORY[: len(_LD_STORY) // 2].rsplit(". ", 1)[0] + "."
    teasers = "<p>Baca juga: Harga cabai turun.</p>" * 12
    page = _ld_page(_LD_STORY).replace(f"<p>{_LD_STORY}</p>", f"<p>{shown}</p>{teasers}")
    precision = shown + "\n" + "Baca juga: Harga cabai turun.\n" * 12
    asked = _fake_modes(monkeypatch, {"precision": precision, "default": precision, "recall": precision})
    tree = lxml_html.fromstring(page)
    text, method = ex.main_text(tree, None, ex.meta.read_page(tree))
    assert asked == ["precision"] and text == precision and method == "trafilatura"


def test_short_precision_rescued_by_recall_takes_full_default_when_clearly_longer(monkeypatch):
    from lxml import html as lxml_html

    # precision kept a teaser, fast recall stopped after part of the story, trafilatura's full default
    # (its own readability/jusText comparison) found the whole container
    asked: list[str] = []
    part = _LD_STORY[: len(_LD_STORY) // 2]
    outputs = {"precision": "Harga beras naik.", "recall": part, "full": _LD_STORY}

    def fake(tree, url, **options):
        mode = "precision" if options.get("favor_precision") else "recall" if options.get("favor_recall") else (
            "default" if options.get("fast") else "full")
        asked.append(mode)
        return outputs[mode]

    monkeypatch.setattr(ex, "_trafilatura", fake)
    tree = lxml_html.fromstring("<html><body><article><p>x</p></article></body></html>")
    text, method = ex.main_text(tree, None, ex.meta.read_page(tree))
    assert asked == ["precision", "recall", "full"] and text == _LD_STORY and method == "trafilatura-full"
    # not clearly longer: the recall rescue stands
    outputs["full"] = part + " Iklan."
    text, method = ex.main_text(tree, None, ex.meta.read_page(tree))
    assert text == part and method == "trafilatura-recall"


# ------------------------------------------------------------------------------------------ best date source


def _dated(ld_date: str | None, body_extra: str = "") -> str:
    ld = f', "datePublished": "{ld_date}"' if ld_date else ""
    head = f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Harga"{ld}}}</script>'
    return _head(head).replace("<article>", "<article>" + body_extra)


def test_utc_date_is_shown_in_the_pages_own_offset_for_the_same_instant():
    html = _dated("2024-04-25T08:21:02Z", '<time datetime="2024-04-25 04:21:02.000000-0400">April 25</time>')
    a = extract(html, "https://www.rollingstone.com/music/story/", now=NOW).article
    assert a.published_at == "2024-04-25T04:21:02-04:00" and a.provenance["published_at"] == "json-ld"
    # another instant is another date: the JSON-LD value stands as written
    html = _dated("2024-04-25T08:21:02Z", '<time datetime="2024-04-25T09:30:00-04:00">April 25</time>')
    assert extract(html, None, now=NOW).article.published_at == "2024-04-25T08:21:02+00:00"


def test_utc_time_without_the_pages_offset_is_shown_on_the_sources_clock():
    # 23:27 UTC is past midnight in Berlin: the story is of the 27th there (the same instant)
    a = extract(_dated("2024-08-26T23:27:57Z"), None, {"country": "de"}, now=NOW).article
    assert a.published_at == "2024-08-27T01:27:57+02:00" and a.provenance["published_at"] == "json-ld"
    # a country of several zones: the first whose day is the one the article's address spells (California)
    url = "https://venturebeat.com/2019/11/18/new-york-state-attorney-general-investigating-wework/"
    a = extract(_dated("2019-11-19T07:03:25Z"), url, {"country": "us"}, now=NOW).article
    assert a.published_at == "2019-11-18T23:03:25-08:00"
    a = extract(_dated("2019-11-19T07:03:25Z"), None, {"country": "us"}, now=NOW).article  # no address: main zone
    assert a.published_at == "2019-11-19T02:03:25-05:00"
    # a day written as UTC midnight stays the day it names; no country: UTC as written
    for country in ("de", "us"):
        a = extract(_dated("2024-08-26T00:00:00Z"), None, {"country": country}, now=NOW).article
        assert a.published_at == "2024-08-26T00:00:00+00:00"
    assert extract(_dated("2024-08-26T23:27:57Z"), None, now=NOW).article.published_at == "2024-08-26T23:27:57+00:00"


def test_naive_time_takes_the_zone_of_a_source_showing_the_same_clock():
    html = _dated("2024-04-20T14:09:42", '<time datetime="2024-04-20T14:09:00+03:00">14:09</time>')
    a = extract(html, None, now=NOW).article  # no country: without the <time>, UTC would be assumed
    assert a.published_at == "2024-04-20T14:09:42+03:00"


def test_day_without_time_takes_the_time_of_a_feed_entry_of_that_day():
    hints = {"country": "id", "feed_published": "Thu, 20 Feb 2025 02:15:00 GMT"}
    a = extract(_dated("2025-02-20"), None, hints, now=NOW).article
    assert a.published_at == "2025-02-20T02:15:00+00:00" and a.provenance["published_at"] == "feed"
    # a time on another day does not refine it
    hints["feed_published"] = "Fri, 21 Feb 2025 02:15:00 GMT"
    a = extract(_dated("2025-02-20"), None, hints, now=NOW).article
    assert a.published_at == "2025-02-20T00:00:00+07:00" and a.provenance["published_at"] == "json-ld"


def test_visible_dateline_with_only_a_day_yields_to_htmldate_on_that_day(monkeypatch):
    monkeypatch.setattr(ex, "_htmldate", lambda tree: "2024-08-22T12:00:00+0200")
    a = extract(_dated(None, '<time datetime="2024-08-22">22. August</time>'), None, now=NOW).article
    assert a.published_at == "2024-08-22T12:00:00+02:00" and a.provenance["published_at"] == "htmldate"
    monkeypatch.setattr(ex, "_htmldate", lambda tree: "2024-08-19T12:00:00+0200")  # another day: the page's
    a = extract(_dated(None, '<time datetime="2024-08-22">22. August</time>'), None, now=NOW).article
    assert a.published_at == "2024-08-22T00:00:00+00:00" and a.provenance["published_at"] == "html"


def test_visible_dateline_when_the_page_has_no_date_metadata():
    extra = ('<div class="related"><time datetime="2024-12-01T08:00:00+01:00">1.12.</time></div>'
             '<time class="updated" datetime="2025-01-10T09:00:00+01:00">aktualisiert</time>'
             '<span itemprop="datePublished" content="2025-01-09T12:13:17+01:00">9. Januar</span>')
    a = extract(_dated(None, extra), None, now=NOW).article
    assert a.published_at == "2025-01-09T12:13:17+01:00" and a.provenance["published_at"] == "html"
    extra = ('<div class="related"><time datetime="2024-12-01T08:00:00+01:00">1.12.</time></div>'
             '<time class="updated" datetime="2025-01-10T09:00:00+01:00">aktualisiert</time>'
             '<time datetime="2025-01-09T12:13:17+01:00">9. Januar</time>')
    a = extract(_dated(None, extra), None, now=NOW).article
    assert a.published_at == "2025-01-09T12:13:17+01:00" and a.provenance["published_at"] == "html"


@pytest.mark.parametrize(
    ("line", "country", "htmldate", "want"),
    [
        # htmldate reads the day, the visible dateline says the time of that day too
        ('<span class="date">05.03.2025 14:30</span>', "de", "2025-03-05", "2025-03-05T14:30:00+01:00"),
        ('<p class="timestamp">Published 7:07 PM EST Nov 19, 2019</p>', "us", "2019-11-19",
         "2019-11-19T19:07:00-05:00"),
        # htmldate finds nothing in a CJK dateline: the one parser reads it
        ('<p class="date">2025年3月5日 14時30分</p>', "jp", None, "2025-03-05T14:30:00+09:00"),
        ('<span class="date">입력 2025.03.05 오후 2:30 수정 2025.03.06 오전 9:00</span>', "kr", None,
         "2025-03-05T14:30:00+09:00"),
        # the update named first: the label says which day is the publication's
        ('<div class="dates">Aktualisiert: 06.03.2025, 09:00 Uhr | Erstellt: 05.03.2025, 14:30 Uhr</div>', "de",
         "2025-03-06", "2025-03-05T14:30:00+01:00"),
        # the byline box naming both days
        ('<div class="byline">By Jane Doe | Updated March 6, 2025 9:00 AM | Published March 5, 2025 2:30 PM</div>',
         "us", "2025-03-06", "2025-03-05T14:30:00-05:00"),
        # an unlabelled dateline naming another day than htmldate's: htmldate stands
        ('<span class="date">01.03.2025</span>', "de", "2025-03-05T10:00:00+0100", "2025-03-05T10:00:00+01:00"),
        # the same digits read the other way round: the source's country says the order (month first in the US)
        ('<span class="date">03/02/2025</span>', "us", "2025-02-03", "2025-03-02T00:00:00-05:00"),
        # htmldate took the update named after the publication on the same line
        ('<span class="tarih">05.03.2025 - Güncelleme : 06.03.2025</span>', "tr", "2025-03-06",
         "2025-03-05T00:00:00+03:00"),
    ],
)
def test_the_visible_dateline_against_htmldate(monkeypatch, line, country, htmldate, want):
    monkeypatch.setattr(ex, "_htmldate", lambda tree: htmldate)
    html = _dated(None, line).replace("<article>", "<article><h1>Harga</h1>")
    a = extract(html, None, {"country": country}, now=datetime(2025, 3, 8, tzinfo=UTC)).article
    assert a.published_at == want


@pytest.mark.parametrize("dated", ['<time datetime="2024-01-01T10:00:00+01:00">1 ene 2024</time>',
                                   '<span class="entry-date">01/01/2024</span>'])
def test_a_teasers_time_in_the_sidebar_is_not_htmldates_answer(dated):
    # no date metadata; the sidebar lists another story with its date; the dateline is in words htmldate does
    # not read: the teaser's day is no candidate, the visible dateline is the date (the page is left as it was)
    teaser = f'<aside class="mas-leidas"><ul><li><a href="/otra">Otra noticia</a> {dated}</li></ul></aside>'
    html = _head("").replace("<article>", '<article><h1>Harga</h1><span class="fecha">20 de febrero de 2025 - '
                                          '23:30 CET</span>').replace("</article>", "</article>" + teaser)
    tree = lxml.html.fromstring(html)
    before = lxml.html.tostring(tree)
    assert not (ex._htmldate(tree) or "").startswith("2024-01-01")
    assert lxml.html.tostring(tree) == before
    a = extract(html, None, {"country": "es"}, now=NOW).article
    assert a.published_at == "2025-02-20T23:30:00+01:00" and a.provenance["published_at"] == "dateline"


@pytest.mark.parametrize(
    ("bar", "story", "want", "source"),
    [
        # the site's header bar shows the day the page is read, before the story's own dateline
        ("<header class='site-header'><time datetime='2025-03-01'>Sabtu, 1 Maret 2025</time></header>",
         "<time datetime='2025-02-20T10:00:00+07:00'>20 Feb 2025</time>", "2025-02-20T10:00:00+07:00", "html"),
        ("<div class='topbar'><span class='date'>Sabtu, 1 Maret 2025</span></div>",
         "<span class='date'>Kamis, 20 Feb 2025 10:00 WIB</span>", "2025-02-20T10:00:00+07:00", "dateline"),
        ("<nav><time datetime='2025-03-01'>1 Mar</time></nav>", "<span class='posted-on'>20 Februari 2025</span>",
         "2025-02-20T00:00:00+07:00", "htmldate"),
        # the article's own header is the story's, also when the headline is not in it
        ("", "<header class='entry-meta'><time datetime='2025-02-20T10:00:00+07:00'>20 Feb</time></header>",
         "2025-02-20T10:00:00+07:00", "html"),
    ],
)
def test_the_date_of_the_day_in_the_sites_header_is_not_the_storys(bar, story, want, source):
    html = _head("").replace("<body>", f"<body>{bar}").replace("<article>", f"<article><h1>Harga</h1>{story}")
    a = extract(html, None, {"country": "id"}, now=NOW).article
    assert a.published_at == want and a.provenance["published_at"] == source


def test_the_pages_own_article_node_when_the_graph_lists_another_story_first():
    # a Yoast-style graph naming a related story as a NewsArticle before the page's own: its date, author and
    # headline are the other story's; the node giving this page's address is the article
    other = ('{"@type": "NewsArticle", "headline": "Harga cabai turun", "url": "https://kabarnusantara.example/'
             'ekonomi/2024/01/01/harga-cabai-turun", "datePublished": "2024-01-01T10:00:00+07:00", '
             '"author": {"@type": "Person", "name": "Otto Lain"}}')
    own = (f'{{"@type": "NewsArticle", "headline": "Harga beras naik jelang Ramadan", "mainEntityOfPage": '
           f'"{NEWS_URL}", "datePublished": "2025-02-20T09:00:00+07:00", '
           '"author": {"@type": "Person", "name": "Siti Rahma"}}')
    ld = f'<script type="application/ld+json">{{"@context": "https://schema.org", "@graph": [{other}, {own}]}}</script>'
    a = extract(_head(ld), NEWS_URL, now=NOW).article
    assert a.published_at == "2025-02-20T09:00:00+07:00" and a.authors == ["Siti Rahma"]
    # without an address to compare, the first article node stays the article (as before)
    assert extract(_head(ld), None, now=NOW).article.authors == ["Otto Lain"]


def test_htmldate_taking_the_last_update_yields_to_the_dateline(monkeypatch):
    monkeypatch.setattr(ex, "_htmldate", lambda tree: "2025-03-06T09:00:00+0100")  # = the modified meta
    head = '<meta property="article:modified_time" content="2025-03-06T09:00:00+01:00">'
    html = _head(head).replace("<article>", '<article><h1>Harga</h1><span class="date">05.03.2025</span>')
    a = extract(html, None, {"country": "de"}, now=datetime(2025, 3, 8, tzinfo=UTC)).article
    assert a.published_at == "2025-03-05T00:00:00+01:00" and a.provenance["published_at"] == "dateline"


# ------------------------------------------------------------------------------------------ per-site rules

from pipelines.extract_rules import site_rule_for, site_rules  # noqa: E402

_RULE_PAGE = """<html><head><title>Harga beras naik</title></head><body>
<div class="promo"><p>{promo}</p><p>{promo}</p><p>{promo}</p></div>
<div class="story-text"><p>{p1}</p>
<aside class="baca-juga"><p>Baca juga: Harga cabai turun drastis di pasar</p></aside>
<p>{p2}</p><div class="caption">Foto: Pedagang beras di Pasar Induk</div></div>
</body></html>""".format(
    promo="Langganan sekarang dan nikmati berita pilihan redaksi tanpa iklan, mulai Rp10.000 saja. " * 3,
    p1="Harga beras medium di pasar induk naik hingga Rp1.500 per kilogram dalam dua pekan terakhir "
       "menjelang Ramadan, kata pedagang kepada wartawan pada Kamis pagi.",
    p2="Pemerintah menyiapkan operasi pasar di tiga puluh kota mulai pekan depan, sementara Bulog menyatakan "
       "stok cadangan beras cukup untuk enam bulan ke depan.",
)
_RULE = {"kabarnusantara.example": {"body": "//div[@class='story-text']",
                                    "drop": [".//aside", ".//div[@class='caption']"]}}


def test_site_rule_is_the_body_candidate_where_one_exists(monkeypatch):
    monkeypatch.setattr(ex, "SITE_RULES", site_rules(_RULE))
    res = extract(_RULE_PAGE, "https://m.kabarnusantara.example/ekonomi/harga-beras", now=NOW)
    lines = res.article.body.split("\n")
    assert res.method == "site-rule" and res.article.provenance["body"] == "site-rule"
    assert lines[0].startswith("Harga beras medium") and lines[1].startswith("Pemerintah menyiapkan")
    assert "Baca juga" not in res.article.body and "Foto:" not in res.article.body
    assert "Langganan" not in res.article.body
    # another site: no rule, the generic extractor
    assert extract(_RULE_PAGE, "https://other.example/ekonomi/harga-beras", now=NOW).method != "site-rule"


def test_site_rule_finding_nothing_is_noted_and_the_generic_body_stands(monkeypatch):
    rules = site_rules({"kabarnusantara.example": {"body": "//div[@id='gone']"}})
    monkeypatch.setattr(ex, "SITE_RULES", rules)
    res = extract(_RULE_PAGE, "https://kabarnusantara.example/ekonomi/harga-beras", now=NOW)
    assert res.ok and res.method != "site-rule" and "site_rule:no_text:kabarnusantara.example" in res.notes


def test_site_rule_disagreeing_with_the_publishers_jsonld_body_loses(monkeypatch):
    # the rule points at the promo box (a redesign moved the story); the page's own articleBody says so
    rules = site_rules({"kabarnusantara.example": {"body": "//div[@class='promo']"}})
    monkeypatch.setattr(ex, "SITE_RULES", rules)
    page_body = _RULE_PAGE.split("<body>")[1].split("</body>")[0]
    html = _ld_page(_LD_STORY).replace("</body>", page_body + "</body>")
    res = extract(html, "https://kabarnusantara.example/ekonomi/harga-beras", now=NOW)
    assert res.method != "site-rule" and "Langganan" not in res.article.body


@pytest.mark.parametrize(
    "spec",
    [{"x.example": {"body": "//div[@class="}}, {"x.example": {"drop": [".//aside"]}},
     {"x.example": {"body": "//article", "keep": "//p"}}, {"x.example": {"body": [""]}}],
)
def test_malformed_site_rules_are_errors_at_load(spec):
    with pytest.raises(ValueError, match="sites.x.example"):
        site_rules(spec)


def test_site_rule_lookup_by_host_and_parent_domain():
    rules = site_rules({"www.Example.com": {"body": "//article"}})
    assert site_rule_for(rules, "https://m.example.com/a").host == "example.com"
    assert site_rule_for(rules, "https://example.com/a").host == "example.com"
    assert site_rule_for(rules, "https://example.org/a") is None and site_rule_for(rules, None) is None


def test_site_rule_lookup_survives_a_url_no_parser_reads():
    # an unclosed IPv6 bracket makes urlsplit raise; one bad URL must cost the rule, never the page
    rules = site_rules({"example.com": {"body": "//article"}})
    assert site_rule_for(rules, "http://[::1/x") is None


# ------------------------------------------------------------------------------------------ lead paragraph

_LEAD = "Die Stadt will den Busverkehr bis 2030 verdoppeln und dafür drei neue Linien einrichten."
_STORY = ("Der Gemeinderat hat am Dienstag einen Plan beschlossen, der den öffentlichen Verkehr in der Stadt "
          "grundlegend verändern soll, wie die Verwaltung mitteilte. ") * 3


def _lead_page(lead_html: str) -> str:
    return (f'<html><head><meta name="description" content="{_LEAD}"></head><body><article>'
            f"<h1>Mehr Busse für die Stadt</h1>{lead_html}<div class=\"text\"><p>{_STORY}</p>"
            f"<p>{_STORY}</p></div></article></body></html>")


def test_the_headline_repeated_inside_the_body_is_dropped_wherever_it_stands():
    from lxml import html as lxml_html

    pm = ex.meta.read_page(lxml_html.fromstring("<html><body><h1>Markets wobble on trade talks</h1></body></html>"))
    lead = "Hong Kong (CNN Business)A muddled view of the trade talks weighs on investors."
    # the headline of an embedded video after the lead, as the first line, and spaced or cased otherwise
    body = f"{lead}\nMarkets wobble on trade talks\nThe major indexes were mixed.\nMARKETS  wobble on trade talks"
    assert ex._drop_title_line(body, "Markets wobble on trade talks", pm) == f"{lead}\nThe major indexes were mixed."
    assert ex._drop_title_line("Markets wobble on trade talks\n" + lead, None, pm) == lead
    # a line that holds the headline and more is the story's; a body that is only the headline is kept
    kept = f"{lead}\nMarkets wobble on trade talks, and bonds rally."
    assert ex._drop_title_line(kept, "Markets wobble on trade talks", pm) == kept
    assert ex._drop_title_line("Markets wobble on trade talks", None, pm) == "Markets wobble on trade talks"


def test_lead_paragraph_shown_between_headline_and_body_is_put_back():
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(_lead_page(f'<div class="intro"><strong>{_LEAD}</strong></div>'))
    body = "\n".join([" ".join(_STORY.split())] * 2)
    text, added = ex.add_lead(tree, ex.meta.read_page(tree), body)
    assert added and text.split("\n")[0] == _LEAD and text.endswith(body)


@pytest.mark.parametrize(
    "lead_html",
    [f'<header class="article-header"><p class="dek">{_LEAD}</p></header>',  # the page's heading block
     f'<div class="c-entry-hero"><p>{_LEAD}</p></div>',
     f'<figure><figcaption>{_LEAD}</figcaption></figure>',  # a caption that repeats the description
     f'<p>{_LEAD} Mehr dazu im Liveblog.</p>'],  # not the description word for word
)
def test_lead_needs_the_description_word_for_word_outside_the_heading_block(lead_html):
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(_lead_page(lead_html))
    body = "\n".join([" ".join(_STORY.split())] * 2)
    assert ex.add_lead(tree, ex.meta.read_page(tree), body) == (body, False)


# ------------------------------------------------------------------------------------------ relative datelines

_FETCHED = "2025-03-01T05:30:12+00:00"


def _relative_page(dateline: str, ld_date: str | None = None) -> str:
    header = ('<div class="related"><ul><li><a href="/lain">Harga cabai turun</a>'
              '<span class="date">5 menit lalu</span></li></ul></div>'
              f'<h1>Harga Beras Naik</h1><div class="read__time">Kompas.com - {dateline}</div>')
    return _dated(ld_date, header)


def test_relative_dateline_counts_back_from_the_fetch_time():
    hints = {"country": "id", "fetched_at": _FETCHED}
    a = extract(_relative_page("2 jam lalu"), None, hints, now=NOW).article
    # the teaser's "5 menit lalu" (in the related block) is not the article's dateline
    assert a.published_at == "2025-03-01T10:30:12+07:00" and a.provenance["published_at"] == "relative"
    a = extract(_relative_page("3 hari yang lalu"), None, hints, now=NOW).article
    assert a.published_at == "2025-02-26T00:00:00+07:00"  # a day, in the source's zone
    a = extract(_relative_page("Kemarin, 14:30 WIB"), None, hints, now=NOW).article
    assert a.published_at == "2025-02-28T14:30:00+07:00"


def test_relative_dateline_without_a_fetch_time_counts_from_now():
    a = extract(_relative_page("1 jam yang lepas"), None, {"country": "my"}, now=NOW).article
    assert a.published_at == "2025-03-01T19:00:00+08:00" and a.provenance["published_at"] == "relative"


def test_an_absolute_date_outranks_a_relative_dateline():
    hints = {"country": "id", "fetched_at": _FETCHED}
    a = extract(_relative_page("2 jam lalu", "2025-02-27T08:00:00+07:00"), None, hints, now=NOW).article
    assert a.published_at == "2025-02-27T08:00:00+07:00" and a.provenance["published_at"] == "json-ld"
    url = "https://kabarnusantara.example/ekonomi/2025/02/27/harga-beras-naik"
    a = extract(_relative_page("2 jam lalu"), url, hints, now=NOW).article
    assert a.published_at == "2025-02-27T00:00:00+07:00" and a.provenance["published_at"] == "url"


def test_a_teasers_relative_time_is_not_the_storys_dateline():
    hints = {"country": "id", "fetched_at": _FETCHED}
    popular = ('<div class="terpopuler"><ul><li><a href="/berita/lain"><span class="date">1 jam lalu</span>'
               "Harga cabai turun di pasar induk</a></li></ul></div>")
    html = _dated(None, "<h1>Harga Beras Naik</h1>").replace("<article>", popular + "<article>")
    assert extract(html, None, hints, now=NOW).article.published_at is None
    # outside the story's <article>, even when not a link
    html = html.replace('<a href="/berita/lain">', "").replace("</a>", "")
    assert extract(html, None, hints, now=NOW).article.published_at is None
    # the story's own dateline is still read
    html = html.replace("<h1>Harga Beras Naik</h1>", '<h1>Harga Beras Naik</h1><div class="date">3 jam lalu</div>')
    assert extract(html, None, hints, now=NOW).article.published_at == "2025-03-01T09:30:12+07:00"


def test_an_update_time_written_relative_is_no_publication_date():
    hints = {"country": "id", "fetched_at": _FETCHED}
    a = extract(_relative_page("Diperbarui 2 jam lalu"), None, hints, now=NOW).article
    assert a.published_at is None


@pytest.mark.parametrize(
    ("value", "people", "agencies"),
    [
        # a correspondent's lead-in naming the place or the outlet before the name
        ("Kontributor Bandung, Agie Permadi", ["Agie Permadi"], []),
        ("Laporan wartawan Kompas.com Irfan Kamil", ["Irfan Kamil"], []),
        # the dateline's place or a degree after the last comma, an agency's place after its slash
        ("Von Anna Müller, Berlin", ["Anna Müller"], []),
        ("Oleh : Siti Aminah, S.Pd", ["Siti Aminah"], []),
        ("Reuters/Jakarta", [], ["Reuters"]),
        ("Felix Schröder, Jörg Soldwisch, dpa", ["Felix Schröder", "Jörg Soldwisch"], ["dpa"]),  # kept
        ("Jane Doe, Political Correspondent, in Westminster", ["Jane Doe"], []),
        ("Jane Doe in London", ["Jane Doe"], []),
        # what the name is credited for in brackets: the photographer is no writer
        ("Anna Müller (Text) und Tom Bauer (Fotos)", ["Anna Müller"], []),
        # a bio sentence, a cut date's preposition, the desk named after the outlet, desk initials
        ("Jane Doe is a reporter at The Star", ["Jane Doe"], []),
        ("Posted by Admin on 5 March", [], []),
        ("Tim Kompas", [], []),
        ("Budi Santoso - Kompasiana", ["Budi Santoso"], []),
        ("(ant/rd)", [], []),
        ("Sumber: ANTARA", [], []),  # the source line is attribution (cleaning reads it), no byline
        ("Jane Doe with AFP", ["Jane Doe"], []),
        ("Tim Kaine and Jane Doe", ["Tim Kaine", "Jane Doe"], []),  # "Tim" is also a first name
    ],
)
def test_byline_families_without_places_degrees_and_desks(value, people, agencies):
    assert meta.normalize_authors([value], {"kompas", "kompascom"}) == (people, agencies)


@pytest.mark.parametrize(
    "masthead",
    [
        '<div id="header"><a href="/"><h1>엔터 미디어</h1></a></div>',
        '<header><h1 class="site-title"><a href="https://kabar.example/" rel="home">Kabar Kita</a></h1></header>',
    ],
)
def test_an_h1_linking_to_the_home_page_is_the_masthead_not_the_headline(masthead):
    body = "<p>" + "Kalimat isi berita yang cukup panjang untuk diekstrak dengan baik. " * 12 + "</p>"
    html = (f"<html><head><title>엘제이-류화영 진흙탕 싸움, 공적인 사안 - Entermedia</title></head><body>{masthead}"
            f"<article>{body}</article></body></html>")
    res = extract(html, "http://entermedia.co.kr/news/news_view.html?idx=8576", now=NOW)
    assert res.article.title == "엘제이-류화영 진흙탕 싸움, 공적인 사안"
    linked = '<h1><a href="/news/2025/harga-beras">Harga beras naik</a></h1>'  # a link to the story itself
    html = f"<html><head><title>Kabar Kita</title></head><body>{linked}<article>{body}</article></body></html>"
    assert extract(html, "https://kabar.example/news/2025/harga-beras", now=NOW).article.title == "Harga beras naik"


def test_a_section_label_before_a_bar_goes_when_the_headline_says_the_rest_alone():
    body = "<p>" + "A sentence of the story that is long enough to be kept by the extractor. " * 12 + "</p>"
    head = ('<meta property="og:title" content="Opinion | Republicans Are Following Trump to Nowhere">'
            "<title>Opinion | Republicans Are Following Trump to Nowhere - The New York Times</title>")
    html = f"<html><head>{head}</head><body><h1>Republicans Are Following Trump to Nowhere</h1>{body}</body></html>"
    res = extract(html, "https://www.nytimes.com/2019/11/19/opinion/republicans.html", now=NOW)
    assert res.article.title == "Republicans Are Following Trump to Nowhere"
    # a kicker before a colon is the headline's (the outlet prints it so): it stays
    head = '<meta property="og:title" content="Kenia: Nairobi von unten">'
    html = f"<html><head>{head}</head><body><h1>Nairobi von unten</h1>{body}</body></html>"
    assert extract(html, "https://www.jungewelt.de/artikel/1.html", now=NOW).article.title == "Kenia: Nairobi von unten"


@pytest.mark.parametrize(
    ("head", "headline"),
    [
        # a site name of several names: the title may end in any one of them, or in all
        ('<meta property="og:site_name" content="産経新聞：産経ニュース">'
         "<title>小笠原諸島の警察無線「不感地帯」解消 住民から安堵の声 - 産経ニュース</title>",
         "小笠原諸島の警察無線「不感地帯」解消 住民から安堵の声"),
        ('<meta property="og:site_name" content="Israel Nachrichten – Chadashoth Israel – חדשות ישראל">'
         "<title>Bennett: „Ich bin nicht PM Netanyahus punching Ball“ | Israel Nachrichten – Chadashoth Israel"
         " – חדשות ישראל</title>", "Bennett: „Ich bin nicht PM Netanyahus punching Ball“"),
        # a section word in the site name names no outlet on its own
        ('<meta property="og:site_name" content="Landesspiegel - Sport">'
         "<title>Tor in der Nachspielzeit - Sport</title>", "Tor in der Nachspielzeit - Sport"),
    ],
)
def test_the_site_name_of_several_names(head, headline):
    assert extract(_head(head), "https://www.example.org/article/1", now=NOW).article.title == headline


@pytest.mark.parametrize(
    ("title", "url", "headline"),
    [
        # the outlet's name after the headline as the host does not spell it: with its article, umlauts
        # written as such, accents
        ("Klimagipfel endet ohne Einigung | Politik | DIE ZEIT", "https://www.zeit.de/politik/2024/klima",
         "Klimagipfel endet ohne Einigung"),
        ("Crisi di governo, il premier si dimette - la Repubblica", "https://www.repubblica.it/politica/1",
         "Crisi di governo, il premier si dimette"),
        ("Regierung tritt zurück - Süddeutsche Zeitung", "https://www.sueddeutsche.de/politik/1",
         "Regierung tritt zurück"),
        ("Regierung tritt zurück - Der Tagesspiegel", "https://www.tagesspiegel.de/politik/1.html",
         "Regierung tritt zurück"),
        ("Zpráva dne - Dění na Zprávách", "https://www.zpravy.example/1", "Zpráva dne - Dění na Zprávách"),
    ],
)
def test_the_site_name_spelt_otherwise_than_the_host(title, url, headline):
    assert extract(_head(f"<title>{title}</title>"), url, now=NOW).article.title == headline


@pytest.mark.parametrize(
    ("title", "url", "headline"),
    [
        # the outlet's name whose initials are the host's
        ("Government resigns | Financial Times", "https://www.ft.com/content/1", "Government resigns"),
        ("Regierung tritt zurück | Frankfurter Allgemeine Zeitung", "https://www.faz.net/aktuell/1.html",
         "Regierung tritt zurück"),
        ("Regierung tritt zurück | Frank Thomas", "https://www.kurier.example/1", "Regierung tritt zurück | Frank "
         "Thomas"),  # other initials: no outlet
        # the page of a story split over pages
        ("Pemerintah mundur - Halaman all - Kompas.com", "https://nasional.kompas.com/read/2024/1",
         "Pemerintah mundur"),
        ("Pemerintah mundur Halaman 2 - Kompas.com", "https://nasional.kompas.com/read/2024/1", "Pemerintah mundur"),
        ("警察無線の不感地帯解消（1/2ページ）", "https://www.sankei.com/article/1/", "警察無線の不感地帯解消"),
    ],
)
def test_the_site_name_by_its_initials_and_the_page_number_after_the_headline(title, url, headline):
    assert extract(_head(f"<title>{title}</title>"), url, now=NOW).article.title == headline


def test_title_without_the_site_name_and_the_day_after_it():
    html = _head('<meta property="og:title" content="Germany votes on migration law – DW – 01/31/2025">'
                 '<meta property="og:site_name" content="dw.com">')
    res = extract(html, "https://www.dw.com/en/germany-votes-on-migration-law/a-71472365", now=NOW)
    assert res.article.title == "Germany votes on migration law"
    html = _head('<meta property="og:title" content="Wahl 2025 – Ergebnis – 23.02.2025">')  # no outlet named:
    res = extract(html, "https://www.dw.com/de/wahl/a-1", now=NOW)  # a day may end a headline
    assert res.article.title == "Wahl 2025 – Ergebnis – 23.02.2025"


def _ld_headline(headline: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{headline}"}}</script>'


@pytest.mark.parametrize(
    ("head", "want"),
    [
        # og:title repeats the <title> (the search engines' title); the JSON-LD headline, written apart from
        # it, is the story's headline
        ('<title>Archäologische Sensation: Maya-Städte entdeckt | WAZ</title>'
         '<meta property="og:title" content="Archäologische Sensation: Maya-Städte entdeckt">'
         + _ld_headline("Unbekannte Maya-Städte werfen neues Licht auf die Frühzeit"),
         "Unbekannte Maya-Städte werfen neues Licht auf die Frühzeit"),
        # the JSON-LD headline repeats the <title>: og:title is the one written apart and stays
        ('<title>Olympische Spiele: Basketball-Aggressor beeindruckt | n-tv.de</title>'
         '<meta property="og:title" content="Deutscher Aggressor beeindruckt, Frankreich hadert">'
         + _ld_headline("Olympische Spiele: Basketball-Aggressor beeindruckt"),
         "Deutscher Aggressor beeindruckt, Frankreich hadert"),
        # the same headline but for a section after it or the separator of the kicker: no disagreement
        ('<title>Bubi-Bomber wieder da: Thioune fordert Geduld</title>'
         '<meta property="og:title" content="Bubi-Bomber wieder da: Thioune fordert Geduld">'
         + _ld_headline("Bubi-Bomber wieder da: Thioune fordert Geduld | Sport"),
         "Bubi-Bomber wieder da: Thioune fordert Geduld"),
        ('<title>Rückbau von Atomkraftwerk: Kühltürme gesprengt</title>'
         '<meta property="og:title" content="Rückbau von Atomkraftwerk: Kühltürme gesprengt">'
         + _ld_headline("Rückbau von Atomkraftwerk - Kühltürme gesprengt"),
         "Rückbau von Atomkraftwerk: Kühltürme gesprengt"),
        # a JSON-LD headline cut short to a length limit is no other headline
        ('<title>Archäologische Sensation: Uralte Maya-Städte in Guatemala entdeckt | WAZ</title>'
         '<meta property="og:title" content="Archäologische Sensation: Uralte Maya-Städte in Guatemala entdeckt">'
         + _ld_headline("Archäologische Sensation: Uralte Maya-Städte in Guat…"),
         "Archäologische Sensation: Uralte Maya-Städte in Guatemala entdeckt"),
        # no <title> to tell which one repeats it: og:title
        ('<meta property="og:title" content="Archäologische Sensation: Maya-Städte entdeckt">'
         + _ld_headline("Unbekannte Maya-Städte werfen neues Licht auf die Frühzeit"),
         "Archäologische Sensation: Maya-Städte entdeckt"),
    ],
)
def test_the_headline_written_apart_from_the_search_engines_title(head, want):
    res = extract(_head(head), "https://www.waz.de/panorama/article1.html", now=NOW)
    assert res.article.title == want


def test_the_json_ld_headline_of_another_story_is_not_written_apart():
    head = ('<title>Archäologische Sensation: Maya-Städte entdeckt | WAZ</title>'
            '<meta property="og:title" content="Archäologische Sensation: Maya-Städte entdeckt">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ein anderer Artikel", '
            '"mainEntityOfPage": "https://www.waz.de/sport/article2.html"}</script>')
    res = extract(_head(head), "https://www.waz.de/panorama/article1.html", now=NOW)
    assert res.article.title == "Archäologische Sensation: Maya-Städte entdeckt"
    for own in ("https://www.waz.de/panorama/article1.html#webpage", "/panorama/article1.html", "http://waz.de/panorama/article1.html/"):
        html = _head(head.replace("https://www.waz.de/sport/article2.html", own))
        assert extract(html, "https://www.waz.de/panorama/article1.html", now=NOW).article.title == "Ein anderer Artikel"


def test_the_body_loses_the_same_headline_line_whichever_headline_is_the_title():
    head = ('<title>ICJ concludes hearings | Daily Maverick</title>'
            '<meta property="og:title" content="ICJ concludes hearings">'
            + _ld_headline("Legal opinion expected after ICJ concludes hearings"))
    html = _head(head).replace("<article>", "<article><p>ICJ concludes hearings</p>"
                               "<p>Legal opinion expected after ICJ concludes hearings</p>")
    res = extract(html, "https://www.dailymaverick.co.za/article/1/", now=NOW)
    assert res.article.title == "Legal opinion expected after ICJ concludes hearings"
    lines = res.article.body.split("\n")
    assert "ICJ concludes hearings" not in lines  # og:title's line goes, as before the choice


_ORPHAN_STORY = """<html><head><title>Streit um Klöckner</title></head><body><main><article>
<h1>Streit um Julia Klöckner eskaliert</h1>
<p class="copy">Klöckner selbst reagierte mit einer Mischung aus Abwehr und Appell. Die CDU-Politikerin wies die
Vorwürfe zurück und rief stattdessen zu mehr Respekt in politischen Debatten auf.</p>
<h4 class="uppercase">Auch interessant</h4>
<div class="not-prose"><div class="relative"><a href="/politik/article1/lang.html"><span class="text-overline">
Einblick ins Privatleben</span><strong>Ex-Grünen-Chefin Ricarda Lang ist „in der Kinderplanung“</strong></a>
</div></div>
<h3 class="expressive-heading-xl">Kontroversen um Klöckners Entscheidungen</h3>
<p class="copy">Tatsächlich hat Klöckner in den ersten Monaten ihrer Amtszeit mehrfach Kontroversen ausgelöst.
Besonders umstritten war ihre Entscheidung, die Regenbogenflagge nicht zu hissen.</p>
<p class="copy">Diese Entscheidungen nährten den Vorwurf, Klöckner nutze ihr Amt nicht zur überparteilichen
Vermittlung, sagten Abgeordnete mehrerer Fraktionen am Mittwoch in Berlin.</p>
</article></main></body></html>"""


def test_the_label_of_a_dropped_teaser_block_goes_and_the_subheading_after_it_stays():
    from lxml import html as lxml_html

    body = "Auch interessant\nKontroversen um Klöckners Entscheidungen\nTatsächlich hat Klöckner …"
    assert ex.drop_orphan_labels(lxml_html.fromstring(_ORPHAN_STORY), body) == (
        "Kontroversen um Klöckners Entscheidungen\nTatsächlich hat Klöckner …", 1)
    # end to end: the final body keeps the story's subheading (the label used to take it for its teaser)
    text = extract_text(_ORPHAN_STORY, "https://www.waz.de/politik/article2/kloeckner.html")
    assert "Kontroversen um Klöckners Entscheidungen" in text and "Auch interessant" not in text


@pytest.mark.parametrize(
    "between",
    [
        "",  # two headings in a row, nothing dropped between them
        '<figure><img src="/a.jpg"><figcaption>Foto: dpa</figcaption></figure>',  # too little text
        # the block between was kept: its text is in the body
        "<p>Ex-Grünen-Chefin Ricarda Lang ist in der Kinderplanung, sagte sie dem Magazin.</p>",
    ],
)
def test_a_heading_is_no_orphan_label_without_a_dropped_block_after_it(between):
    from lxml import html as lxml_html

    html = (f"<html><body><article><h2>Erster Teil</h2>{between}<h2>Zweiter Teil</h2>"
            "<p>Text des zweiten Teils.</p></article></body></html>")
    body = "Erster Teil\nEx-Grünen-Chefin Ricarda Lang ist in der Kinderplanung, sagte sie dem Magazin.\n" \
        if "<p>" in between else "Erster Teil\n"
    body += "Zweiter Teil\nText des zweiten Teils."
    assert ex.drop_orphan_labels(lxml_html.fromstring(html), body) == (body, 0)


@pytest.mark.parametrize(("raw", "name"), [
    ("Ursula von der Leyen", "Ursula von der Leyen"),  # a particle, then a lowercase word
    ("Otto von Bismarck", "Otto von Bismarck"),  # a particle, then one word: the surname
    ("Carl af Ugglas", "Carl af Ugglas"),
    ("Capital Von Jemima Kelly", "Jemima Kelly"),  # a section label, then the lead-in and a whole name
])
def test_a_name_particle_is_not_taken_for_a_byline_lead_in(raw, name):
    assert meta.clean_name(raw) == name


@pytest.mark.parametrize(("value", "people", "agencies"), [
    ("Von Miller", ["Von Miller"], []),  # a surname opening with a particle that is also a lead-in
    ("By Von Miller", ["Von Miller"], []),
    ("Di Maria | 5 March 2025", ["Di Maria"], []),
    ("Von Max Muster", ["Max Muster"], []),  # a lead-in, then a whole name
    ("Von dpa", [], ["dpa"]),  # a lead-in, then the agency
    ("Von Redaktion", [], []),  # a lead-in, then the desk
])
def test_a_lead_in_word_before_one_surname_is_the_name_s_particle(value, people, agencies):
    assert meta.normalize_authors([value], {"dailycourier"}) == (people, agencies)


@pytest.mark.parametrize(("lang", "byline", "authors"), [
    ("zh-CN", "本报记者 张 三 李 四", ["张三", "李四"]),  # two-character names spaced to the width of three
    ("zh-CN", "记者 王伟 李娜", ["王伟", "李娜"]),  # two writers set apart by a space
    ("zh-CN", "新华社记者 王小明 张 三", ["王小明", "张三"]),
    ("ja", "田中 太郎", ["田中 太郎"]),  # a Japanese name: family name, space, given name
])
def test_chinese_bylines_written_apart_by_spaces(lang, byline, authors):
    html = (f'<html lang="{lang}"><head></head><body><article><h1>城市更新工作取得新进展</h1>'
            f'<p class="author">{byline}</p><p>' + "今年以来，全市各区加快推进老旧小区改造工作，居民生活条件明显改善。" * 6
            + "</p></article></body></html>")
    assert extract(html, "https://www.example.cn/news/2025/0305/c1001.html", now=NOW).article.authors == authors


@pytest.mark.parametrize("line", [
    # both days with their weekdays and zones written out: longer than one dateline
    "Published: Wednesday, March 5, 2025, 10:15 AM EST | Updated: Thursday, March 6, 2025, 08:30 AM EST",
    "Updated: Thursday, March 6, 2025, 08:30 AM EST | Published: Wednesday, March 5, 2025, 10:15 AM EST",
])
def test_a_dateline_naming_the_publication_and_the_update_at_length(line):
    html = ('<html><head><title>Council approves the budget</title></head><body><article><h1>Council approves '
            f'the budget</h1><div class="article-date">{line}</div><p>'
            + "The council approved the budget on Tuesday after a long debate in the chamber. " * 6
            + "</p></article></body></html>")
    a = extract(html, "https://www.dailycourier.com/news/council-approves-budget", {"country": "us"},
                now=datetime(2025, 3, 8, tzinfo=UTC)).article
    assert a.published_at == "2025-03-05T10:15:00-05:00" and a.provenance["published_at"] == "dateline"


def test_a_long_date_element_without_the_update_is_no_dateline():
    line = ("Wednesday, March 5, 2025, 10:15 AM EST - the council met for six hours and voted on the budget "
            "for the coming year")
    html = ('<html><head><title>Council approves the budget</title></head><body><article><h1>Council approves '
            f'the budget</h1><div class="article-date">{line}</div><p>'
            + "The council approved the budget on Tuesday after a long debate in the chamber. " * 6
            + "</p></article></body></html>")
    a = extract(html, "https://www.dailycourier.com/news/council-approves-budget", {"country": "us"},
                now=datetime(2025, 3, 8, tzinfo=UTC)).article
    assert a.provenance["published_at"] != "dateline"


@pytest.mark.parametrize("teasers", [
    # another story's day in the page's furniture, in an element no date class names: htmldate reads it by
    # its class ("meta", "post-meta") or in the text of a sidebar
    '<div class="related-posts"><ul><li><a href="/a">Other story</a> <span class="meta">01.02.2025</span>'
    "</li></ul></div>",
    '<aside><ul><li><a href="/a">Other story</a> <span>2025-02-01</span></li></ul></aside>',
    '<div class="sidebar"><ul><li><a href="/a">Other story</a> <span class="post-meta">February 1, 2025'
    "</span></li></ul></div>",
])
def test_a_teaser_s_day_without_a_date_class_is_not_the_story_s(teasers):
    story = "<p>" + "The council approved the budget on Tuesday after a long debate in the chamber. " * 6 + "</p>"
    page = ("<html><head><title>Council approves the budget</title></head><body><article><h1>Council approves "
            "the budget</h1>{}" + story + "</article>" + teasers + "</body></html>")
    url = "https://www.dailycourier.com/news/council-approves-budget"
    hints, now = {"country": "us"}, datetime(2025, 3, 8, tzinfo=UTC)
    assert extract(page.format(""), url, hints, now=now).article.published_at is None
    # the story's own line is still read
    dated = page.format('<p class="meta">Jenny Smith · 5 March 2025</p>')
    assert extract(dated, url, hints, now=now).article.published_at.startswith("2025-03-05")


# A link the standard library cannot parse (an unclosed IPv6 bracket: urlsplit raises ValueError) is a
# hostile page's cheapest weapon: it must cost that one value, never the article it stands on.
_BUDGET_STORY = "".join(
    f"<p>Paragraph {i} of the council's budget story, with enough words in it to be a paragraph.</p>"
    for i in range(8))


def test_an_unparsable_canonical_or_image_costs_only_that_value():
    page = ('<html><head><title>Council passes the budget</title>'
            '<link rel="canonical" href="http://[::1/budget">'
            '<meta property="og:image" content="//[::1/pic.jpg"></head>'
            f'<body><article><h1>Council passes the budget</h1>{_BUDGET_STORY}</article></body></html>')
    result = extract(page, "https://news.example.com/2025/03/budget/")
    assert result.article is not None, result.drop_reason
    assert result.article.canonical_url is None
    assert "Paragraph 7 of the council" in result.article.body


def test_an_unparsable_link_beside_a_teaser_line_costs_nothing():
    body = ("Read more | Council votes on the new budget for next year\n"
            "Paragraph one of the story, long enough to stand on its own as text.")
    tree = ex.parse('<html><body><a href="http://[::1/x">Council votes on the new budget for next year</a>'
                         '<a href="/2025/03/vote/">Council votes on the new budget for next year</a></body></html>').tree
    out, dropped = ex.drop_teaser_links(tree, body, "https://news.example.com/2025/03/budget/")
    assert dropped == 1 and out.startswith("Paragraph one")
