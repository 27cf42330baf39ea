"""Ids, hashes and near-duplicate fingerprints on real news text."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import dedupe

SEED = (Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "tribunnews-korut-rusia.txt").read_text()
BODY = "\n".join(SEED.splitlines()[1:])  # without the title line

UNRELATED = (
    "Harga minyak sawit mentah di pasar Malaysia naik untuk hari ketiga berturut-turut pada Selasa, "
    "didorong oleh permintaan yang kuat dari India dan melemahnya ringgit terhadap dolar Amerika. "
    "Kontrak berjangka untuk pengiriman Februari di Bursa Malaysia Derivatives naik 1,2 persen menjadi "
    "4.890 ringgit per ton. Para pedagang mengatakan produksi yang lebih rendah akibat musim hujan di "
    "Sabah dan Sarawak juga menopang harga, sementara stok di Indonesia diperkirakan turun pada akhir "
    "tahun karena program biodiesel B40 menyerap lebih banyak minyak sawit di dalam negeri."
)


def reprint(body: str) -> str:
    """What a second outlet makes of a wire story: own dateline, no 'Baca juga', last paragraph
    cut, an agency credit line appended."""
    lines = [ln for ln in body.splitlines() if not ln.startswith("Baca juga")]
    lines[0] = lines[0].replace("TRIBUNNEWS.COM-", "Seoul (ANTARA) -")
    return "\n".join(lines[:-1] + ["(Sumber: AFP/Reuters)"])


@pytest.mark.parametrize("a,b", [
    ("https://www.Tribunnews.com/internasional/2024/12/04/korut?utm_source=fb&utm_medium=x#top",
     "https://www.tribunnews.com/internasional/2024/12/04/korut"),
    ("HTTPS://example.com:443/a/b/", "https://example.com/a/b"),
    ("http://example.com:80", "http://example.com/"),
    ("https://example.com/a?b=2&a=1&fbclid=XYZ&gclid=1", "https://example.com/a?a=1&b=2"),
    ("https://example.com//berita///a.html", "https://example.com/berita/a.html"),
    ("https://example.com/%7Euser/caf%C3%A9", "https://example.com/~user/café"),
])
def test_equivalent_urls_get_one_id(a, b):
    assert dedupe.normalize_url(a) == dedupe.normalize_url(b)
    assert dedupe.article_id(a) == dedupe.article_id(b)


def test_meaningful_differences_keep_distinct_ids():
    base = "https://example.com/berita/a.html"
    for other in ("https://example.com/berita/b.html", "https://example.com/berita/a.html?page=2",
                  "http://example.com:8080/berita/a.html", "https://example.org/berita/a.html"):
        assert dedupe.article_id(base) != dedupe.article_id(other), other
    assert dedupe.article_id(base) == dedupe.article_id(base)
    assert len(dedupe.article_id(base)) == 32


@pytest.mark.parametrize("bad", ["", "   ", "ftp://example.com/x", "not a url", "https://", None])
def test_bad_urls_raise_clear_errors(bad):
    with pytest.raises(ValueError):
        dedupe.article_id(bad)


def test_content_hash_ignores_layout_not_words():
    h = dedupe.content_hash(BODY)
    assert dedupe.content_hash("  " + BODY.replace("\n", "\n\n").upper() + "\n") == h
    assert dedupe.content_hash(BODY.replace("Rabu", "Kamis", 1)) != h  # a stealth edit
    assert dedupe.content_hash("") is None and dedupe.content_hash(" \n") is None


def test_fingerprint_is_deterministic_and_compact():
    doc = dedupe.annotate({"body": BODY})
    again = dedupe.annotate({"body": BODY})
    assert doc["fingerprint"] == again["fingerprint"]
    assert len(doc["fingerprint"]) == dedupe.PERMUTATIONS * 4  # 16-bit values, hex
    assert len(doc["fingerprint_bands"]) == dedupe.PERMUTATIONS // dedupe.ROWS
    assert len(set(doc["fingerprint_bands"])) == len(doc["fingerprint_bands"])


def test_reprint_is_similar_and_unrelated_story_is_not():
    a = dedupe.annotate({"body": BODY})
    b = dedupe.annotate({"body": reprint(BODY)})
    c = dedupe.annotate({"body": UNRELATED})
    assert a["content_hash"] != b["content_hash"]
    assert dedupe.similarity(a["fingerprint"], b["fingerprint"]) >= 0.7
    assert set(a["fingerprint_bands"]) & set(b["fingerprint_bands"])  # the index finds it
    assert dedupe.similarity(a["fingerprint"], c["fingerprint"]) < 0.1
    assert not set(a["fingerprint_bands"]) & set(c["fingerprint_bands"])


def test_short_bodies_get_no_fingerprint():
    doc = dedupe.annotate({"body": "Gempa magnitudo 5,1 guncang Sukabumi."})
    assert doc["content_hash"] and doc["fingerprint"] is None and doc["fingerprint_bands"] == []
    assert dedupe.annotate({"body": None})["content_hash"] is None


def _cand(id_, body, first_seen, cluster=None):
    d = dedupe.annotate({"id": id_, "body": body, "first_seen_at": first_seen})
    d["cluster_id"] = cluster or id_
    return d


def test_choose_cluster_prefers_match_within_window():
    doc = _cand("new", reprint(BODY), "2024-12-04T12:00:00+07:00")
    old = _cand("old", BODY, "2024-12-04T08:00:00+07:00")
    other = _cand("oth", UNRELATED, "2024-12-04T09:00:00+07:00")
    assert dedupe.choose_cluster(doc, [other, old], window_days=3)["id"] == "old"
    stale = _cand("old", BODY, "2024-10-01T08:00:00+00:00")
    assert dedupe.choose_cluster(doc, [stale], window_days=3) is None
    assert dedupe.choose_cluster(doc, [other], window_days=3) is None
    assert dedupe.choose_cluster(doc, [dict(doc)], window_days=3) is None  # never itself


def test_choose_cluster_exact_hash_then_earliest():
    doc = _cand("new", BODY, "2024-12-05T00:00:00Z")
    first = _cand("a", BODY, "2024-12-04T01:00:00Z")
    second = _cand("b", BODY, "2024-12-04T03:00:00Z", cluster="a")
    near = _cand("c", reprint(BODY), "2024-12-03T23:00:00Z")
    assert dedupe.choose_cluster(doc, [second, near, first], window_days=7)["id"] == "a"
    # an unparseable fingerprint from elsewhere is skipped, not a crash
    broken = {"id": "x", "fingerprint": "zz", "first_seen_at": "2024-12-04T00:00:00Z"}
    assert dedupe.choose_cluster(dict(doc, content_hash="h"), [broken], window_days=7) is None
