"""The hints extraction gets with a page (pipelines.hints): typed fields, plain data on a request."""

from __future__ import annotations

import json

import pytest

from pipelines.extract import extract
from pipelines.hints import Hints, Owner

PAGE = """<html lang="id"><head></head><body><article>
<p>Warga di tiga kecamatan mulai kembali ke rumah masing-masing setelah banjir surut pada Selasa pagi,
kata petugas badan penanggulangan bencana daerah kepada wartawan di posko pengungsian.</p>
<p>Petugas masih membersihkan lumpur dari jalan utama dan memperbaiki tanggul yang jebol di dua titik
sejak Senin malam, sementara bantuan logistik terus berdatangan dari kabupaten tetangga.</p>
</article></body></html>"""


def test_the_wire_form_is_json_and_reads_back_to_the_same_hints():
    hints = Hints(source="kabar", country="ID", owner=Owner(("kabar.example",), (80, 443)),
                  redirected_from=("https://kabar.example/a",), article_links=("https://kabar.example/b",),
                  pages=2, pages_incomplete=True)
    wire = json.loads(json.dumps(hints.to_wire()))
    assert wire["owner"] == {"domains": ["kabar.example"], "ports": [80, 443]}
    assert "feed_title" not in wire  # only what is set travels
    assert Hints.of(wire) == hints


def test_a_misspelt_hint_is_an_error_not_a_hint_ignored():
    with pytest.raises(ValueError, match=r"unknown hint\(s\) \['langauge_hint'\]"):
        Hints.of({"langauge_hint": "id"})


def test_extraction_reads_the_typed_hints_and_their_wire_form_alike():
    hints = Hints(source="kabar", country="ID", feed_title="Banjir surut di tiga kecamatan")
    typed, wire = extract(PAGE, "https://kabar.example/a", hints), extract(PAGE, "https://kabar.example/a",
                                                                           hints.to_wire())
    assert typed.article is not None and wire.article is not None
    assert typed.article.title == wire.article.title == "Banjir surut di tiga kecamatan"
    assert (typed.article.source, typed.article.country) == ("kabar", "ID")
    assert typed.article.provenance["title"] == "feed"
