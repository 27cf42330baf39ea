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


# ---------------------------------------------------------------------------------------------- identity
# Stored documents are keyed by these: a normaliser change that moves one forks every stored article.
GOLDEN_IDS = {
    "https://www.tribunnews.com/internasional/2024/12/04/korea-utara-dan-rusia-resmi-berlakukan-perjanjian"
    "-pertahanan-bersama": "45538dbc1c4d39a5a4d6eb567b521632",
    "https://nasional.kompas.com/read/2024/12/05/10150011/judul-berita": "48ca209fb182a8fef6e07766c0c88df4",
    "https://www.kabarborneo.example/2024/12/05/banjir-surut-di-samarinda/":
        "c94c647bf28c0d4318f6cef816f73188",
    "https://www.thestar.com.my/news/nation/2024/12/05/floods-kelantan": "b0ceb15c58284e9f9aaa7651d2e92822",
    "https://example.com/berita/a.html?id=42&page=2": "127d9bfe0a1eb295b35f32b1a749fa3d",
    "http://127.0.0.1:8765/berita/banjir-jakarta-surut.html": "4ac95da1ecb69e273b04bba4b6c92ccb",
}


@pytest.mark.parametrize(("url", "golden"), GOLDEN_IDS.items())
def test_golden_ids(url, golden):
    assert dedupe.article_id(url) == golden
    tagged = url + ("&" if "?" in url else "?") + "utm_source=fb&fbclid=x"
    assert dedupe.article_id(tagged) == golden


@pytest.mark.parametrize("variant", [
    "https://portal.example/berita/a.html;jsessionid=0A1B2C3D4E5F60718293A4B5C6D7E8F9",
    "https://portal.example/berita/a.html;JSESSIONID=0A1B2C3D4E5F60718293A4B5C6D7E8F9?x=1",
    "https://portal.example/berita/a.html?PHPSESSID=9k3j2h4g5f6d7s8a9q0w1e2r3t&x=1",
    "https://portal.example/berita/a.html?x=1&sid=5f2b9c0e1d3a4b5c6d7e8f9a0b1c2d3e",
    "https://portal.example/berita/a.html?x=1&jsessionid=0A1B2C3D4E5F60718293A4B5C6D7E8F9",
])
def test_session_ids_are_not_part_of_the_id(variant):
    base = "https://portal.example/berita/a.html" + ("?x=1" if "x=1" in variant else "")
    assert dedupe.normalize_url(variant) == dedupe.normalize_url(base)


def test_a_short_sid_is_a_story_id_and_stays():
    # PHP-Nuke style: modules.php?name=News&file=article&sid=1234 — the sid IS the article
    a = "https://portal.example/modules.php?name=News&file=article&sid=1234"
    b = "https://portal.example/modules.php?name=News&file=article&sid=1235"
    assert dedupe.article_id(a) != dedupe.article_id(b)


@pytest.mark.parametrize(("discovered", "fetched"), [
    ("https://kabarborneo.example/2024/12/05/banjir/", "https://kabarborneo.example/2024/12/05/banjir/"),
    ("https://kabarborneo.example/?p=123", "https://kabarborneo.example/?p=123"),
    ("https://Kabarborneo.example/Berita/A.html?b=2&a=1#komentar", "https://kabarborneo.example/Berita/A.html?b=2&a=1"),
    ("https://kabarborneo.example/berita/a.html?utm_source=fb&id=7&fbclid=x",
     "https://kabarborneo.example/berita/a.html?id=7"),
    ("https://kabarborneo.example/berita/a.html;jsessionid=0A1B2C3D4E5F60718293A4B5C6D7E8F9",
     "https://kabarborneo.example/berita/a.html;jsessionid=0A1B2C3D4E5F60718293A4B5C6D7E8F9"),
    ("https://kabarborneo.example/berita/banjir besar.html", "https://kabarborneo.example/berita/banjir%20besar.html"),
])
def test_urls_are_fetched_as_discovered_only_made_safe(discovered, fetched):
    assert dedupe.fetch_url(discovered) == fetched


OWNER = {"domains": ["kabarborneo.example"], "ports": [80, 443]}
PAGE = "https://kabarborneo.example/2024/12/05/banjir-surut/"


def ids(*urls: str) -> list[str]:
    return [dedupe.article_id(u) for u in urls]


def test_a_canonical_of_the_same_site_gives_the_id_and_every_url_is_known():
    canon = "https://www.kabarborneo.example/2024/12/05/banjir-surut/?utm_source=share"
    who = dedupe.identify(PAGE + "amp/", canon, ["https://kabarborneo.example/?p=123"], OWNER)
    assert who.id == dedupe.article_id(canon) and who.canonical_accepted
    assert who.known_ids == tuple(dict.fromkeys(ids(canon, PAGE + "amp/", "https://kabarborneo.example/?p=123")))


def test_a_canonical_on_another_host_is_kept_but_does_not_give_the_id():
    wire = "https://kabarborneo.example/2024/12/05/banjir-surut/"
    who = dedupe.identify("https://partner.example/nasional/banjir-surut-samarinda", wire,
                          owner={"domains": ["partner.example"], "ports": [80, 443]})
    assert who.id == dedupe.article_id("https://partner.example/nasional/banjir-surut-samarinda")
    assert not who.canonical_accepted and dedupe.article_id(wire) not in who.known_ids
    # the same host on another port is another site too (the loopback fixture outlets)
    other = dedupe.identify("http://127.0.0.1:8002/berita/x", "http://127.0.0.1:8001/2024/12/05/x/",
                            owner={"domains": ["127.0.0.1"], "ports": [8002]})
    assert not other.canonical_accepted


def test_a_canonical_on_another_domain_of_the_same_source_is_accepted():
    owner = {"domains": ["kabarborneo.example", "kabarborneo.id"], "ports": [80, 443]}
    who = dedupe.identify(PAGE, "https://kabarborneo.id/2024/12/05/banjir-surut/", owner=owner)
    assert who.canonical_accepted
    assert not dedupe.identify(PAGE, "https://kabarborneo.id/2024/12/05/banjir-surut/").canonical_accepted


@pytest.mark.parametrize("bad", ["https://kabarborneo.example/", "https://kabarborneo.example", "not a url",
                                 "ftp://kabarborneo.example/x", "javascript:void(0)",
                                 PAGE + "{BASE}/2024/12/05/banjir-surut/", PAGE + "%7B%7Bcanonical%7D%7D"])
def test_a_home_page_or_broken_canonical_is_not_accepted(bad):
    who = dedupe.identify(PAGE, bad, owner=OWNER)
    assert who.id == dedupe.article_id(PAGE) and not who.canonical_accepted


def test_the_stored_url_has_no_session_id():
    assert dedupe.public_url("https://portal.example/berita/a.html;jsessionid=0A1B2C3D4E5F60718293A4B5C6D7E8F9"
                             "?x=1&PHPSESSID=9k3j2h4g5f6d7s8a9q0w1e2r3t&utm_source=fb") == \
        "https://portal.example/berita/a.html?x=1"
    assert dedupe.public_url("https://portal.example/modules.php?name=News&sid=1234") == \
        "https://portal.example/modules.php?name=News&sid=1234"


def test_a_bodys_fingerprints_fold_it_once_and_keep_their_values(monkeypatch):
    """content_hash, the MinHash fingerprint and revision_hash of a page come from one NFKC + case fold
    of its body (each folded the whole body again), with the values they had: line breaks of every
    kind, a combining accent after a break, ligatures, full-width letters, ß and final sigma."""
    import unicodedata

    from pipelines.article import Article
    from pipelines.process import fingerprint

    body = ("Straße in Köln: ﬁnale Ｓｉｔｚｕｎｇ des Rates.\r\nCafe\u0301 am Ende\u2028zweite Zeile\n\u0301Akzent "
            "nach dem Umbruch\x85NEL-Zeile ÅNGSTRÖM ǅ ΣΊΣΥΦΟΣ\n\n  Viele   Leerzeichen\tund Tabs  \n"
            + (Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "tribunnews-korut-rusia.txt").read_text())
    taken = [{"kind": "template_line", "text": "ABONNIEREN  Sie\u00a0uns"}, {"kind": "byline", "text": "Von X"}]
    folds = []
    real = unicodedata.normalize
    monkeypatch.setattr(dedupe.unicodedata, "normalize",
                        lambda form, text: folds.append(len(text)) or real(form, text))
    art = fingerprint(Article(url="https://x.example/a", source="s", title="t", body=body, removed_segments=taken))
    assert folds.count(len(body)) == 1, folds
    assert (art.content_hash, art.revision_hash) == ("c7355261bd3c6c23db140e93a86cb736",
                                                     "0c372b68349533ce5b9035dbf931c296")
    assert art.fingerprint.startswith("67424697f2184e7e101231546be6ba82")
    assert art.fingerprint_bands[:2] == ["00:ae306efd8c", "01:c96deee11a"]
    assert art.content_hash == dedupe.content_hash(body)
    assert art.revision_hash == dedupe.revision_hash(body, ["ABONNIEREN  Sie\u00a0uns"])


def test_fingerprinting_keeps_no_memory_of_the_words_it_saw():
    """A stage worker fingerprints every article it reads: words must not pile up in it between pages
    (an LRU of words held up to 200,000 of them, ~35 MB a worker, and was slower than hashing them)."""
    import tracemalloc

    from pipelines.dedupe import annotate

    words = [f"kata{i:05d}x" for i in range(40_000)]
    annotate({"body": "pemanasan awal " * 50})
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        doc = annotate({"body": " ".join(words)})
        del doc
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 500_000, grown
