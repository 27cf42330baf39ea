"""analyze_text / enrich: the three text stages together, on the seed article and on Article dicts."""

import asyncio
import json
import logging
import unicodedata
from pathlib import Path

import pytest

from pipelines.article import Article
from pipelines.enrich import analyze_text, enrich, enrich_failed

FIX = Path(__file__).resolve().parents[1] / "fixtures"
SEED = (FIX / "seed" / "tribunnews-korut-rusia.txt").read_text(encoding="utf-8")


def test_seed_article():
    r = analyze_text(SEED, None)
    assert r["sources"] == ["Asharq Al-Awsat", "AFP"]
    assert r["dateline_outlet"] == "Tribunnews.com"
    assert r["lang"] == "id"
    assert "Baca juga" not in r["clean_text"]
    assert "SUMBER" not in r["clean_text"]
    assert "TRIBUNNEWS.COM" not in r["clean_text"]
    # KCNA is quoted in the story, and the story stays whole
    assert "KCNA" not in r["sources"]
    assert "kantor berita resmi Korea Utara KCNA mengatakan pada hari Kamis" in r["clean_text"]
    assert "Putin memuji kesepakatan itu pada bulan Juni" in r["clean_text"]
    assert r["is_wire_copy"] is True


def test_analyze_text_keys_for_the_scorer():
    r = analyze_text(SEED, None)
    for key in (
        "sources",
        "dateline_outlet",
        "photo_credits",
        "clean_text",
        "lang",
        "attribution_lines",
        "boilerplate_lines",
    ):
        assert key in r
    assert "SUMBER: ASHARQ AL-AWSAT, AFP" in r["attribution_lines"]
    assert any(line.startswith("TRIBUNNEWS.COM-") for line in r["attribution_lines"])
    assert any(line.startswith("Baca juga:") for line in r["boilerplate_lines"])


LEAD = ("The Senate passed the spending bill on Tuesday after a week of debate over the limits it sets "
        "on the defence budget and on aid abroad.")


@pytest.mark.parametrize("stamp,kept,sources,outlet", [
    ("WASHINGTON (AP) —", True, ["AP"], None),  # the place it was filed from: the story's dateline
    ("BERLIN --", True, [], None),
    ("JAKARTA, KOMPAS.com -", True, [], "Kompas.com"),
    ("(Reuters) -", False, ["Reuters"], None),  # a bare name: the agency's tag, read into sources
    ("BEIRUT/THE HAGUE, March 7 (Reuters) -", True, ["Reuters"], None),  # filed from two places: one stamp
    ("GAZA CITY/CAIRO, March 7 (Reuters) -", True, ["Reuters"], None),
    # a caption's words glued before the place: the stamp is read, the lead goes back without them
    ("Acquire Licensing RightsLONDON, Nov 29 (Reuters) -", False, ["Reuters"], None),
])
def test_the_opening_dateline_is_read_and_stays_the_leads_unless_a_bare_name(stamp, kept, sources, outlet):
    r = analyze_text(f"{stamp} {LEAD}\nThe bill now goes to the House, where its fate is less certain.", "en")
    assert r["dateline"] == stamp and r["sources"] == sources and r["dateline_outlet"] == outlet
    assert r["clean_text"].startswith(f"{stamp} {LEAD}" if kept else LEAD)
    assert r["attribution_lines"][0] == f"{stamp} {LEAD}"


def test_given_language_skips_detection():
    assert analyze_text(SEED, "ms")["lang"] == "ms"


def test_foreign_banner_lines_at_the_top_are_dropped():
    body = (
        "Au crépuscule de sa longue carrière, Joseph Blatter a décidé de régler ses comptes avec son ancien "
        "protégé, Michel Platini, selon plusieurs responsables de la fédération internationale."
    )
    r = analyze_text(
        f"لبنان لا يريد الحرب\nLe Liban ne veut pas la guerre\nLebanon does not want war\n{body}", None
    )
    assert r["lang"] == "fr"
    assert "Lebanon does not want war" not in r["clean_text"]
    assert body in r["clean_text"]


def test_enrich_fills_article_fields():
    art = Article(
        url="https://www.tribunnews.com/x",
        body=SEED,
        authors=["Redaksi"],
        language="id",
        provenance={"language": "meta", "title": "json-ld"},
    )
    out = enrich(art, language="id")
    assert out.source_attribution == ["Asharq Al-Awsat", "AFP"]
    assert out.dateline == "TRIBUNNEWS.COM-"
    assert out.dateline_outlet == "Tribunnews.com"
    assert out.language == "id" and out.provenance["language"] == "detector"
    assert out.provenance["title"] == "json-ld"
    assert 0 < out.language_confidence <= 1
    assert out.is_wire_copy is True
    assert "SUMBER: ASHARQ AL-AWSAT, AFP" in out.attribution_text
    assert {s["kind"] for s in out.removed_segments} >= {"related", "credit_line"}
    assert "Baca juga" not in out.body and out.authors == ["Redaksi"]
    assert art.body == SEED and art.source_attribution == []  # the article given is left as it was


def test_enrich_merges_bylines_into_authors_and_editors():
    body = (
        "Beliau berkata kerajaan akan memberi bantuan kepada mangsa banjir yang terjejas secepat mungkin, "
        "katanya dalam kenyataan di sini hari ini.\nPenulis: Ahmad Faiz\nEditor: Siti Nur"
    )
    out = enrich(Article(body=body, authors=["ahmad faiz"]), declared_language="ms")
    assert out.authors == ["ahmad faiz"] and out.editors == ["Siti Nur"]
    assert out.language == "ms"
    assert "Penulis" not in out.body


def test_enrich_malay_bernama_fixture():
    out = enrich(Article(body=(FIX / "text" / "ms_bernama_banjir.txt").read_text()))
    assert out.language == "ms"
    assert out.source_attribution == ["Bernama"] and out.is_wire_copy is True
    # the wire's dateline is read (Bernama) and stays the lead's: it names the place and the day
    assert out.dateline == "KUALA LUMPUR, 12 Dis (Bernama) --"
    assert out.body.startswith("KUALA LUMPUR, 12 Dis (Bernama) -- Jumlah mangsa banjir")


@pytest.mark.parametrize("body", [None, "", "\x00\x01", "<script>var a=1;</script>", "🙂" * 50])
def test_enrich_bad_bodies_never_raise(body):
    out = enrich(Article(body=body, language="id", provenance={"language": "meta"}))
    assert out.source_attribution == []
    assert out.language in ("id", "und", "en")


def _broken(*args, **kwargs):
    raise RuntimeError("rule bug")


def test_a_stage_crash_is_logged_and_reported_not_silent(monkeypatch, caplog):
    monkeypatch.setattr("pipelines.enrich.attribute", _broken)
    with caplog.at_level(logging.ERROR, logger="pipelines.enrich"):
        r = analyze_text(SEED, None)
        out = enrich(Article(url="https://example.com/a", body=SEED))
    assert "rule bug" in r["error"] and r["sources"] == []
    assert enrich_failed(out) and out.body == SEED  # kept as extracted, and marked
    assert sum("rule bug" in (rec.exc_text or "") for rec in caplog.records) == 2
    monkeypatch.undo()
    assert not enrich_failed(enrich(Article(body=SEED)))


def test_crawl_counts_enrich_errors(monkeypatch):
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from crawler.items import FetchedPage
    from crawler.pipelines import ProcessPipeline
    from pipelines.process import ProcessResult, enrich_article
    from pipelines.templates import read_evidence

    crawler = get_crawler(settings_dict={"STAGE_WORKERS": 0})
    crawler.stats = MemoryStatsCollector(crawler)
    stage = ProcessPipeline.from_crawler(crawler)

    def fetched() -> FetchedPage:  # as the spider's page reading hands it over: extracted, to be enriched
        art = Article(url="https://example.com/a", source="sample", body=SEED)
        return FetchedPage(url=art.url, body=b"", source="sample", result=ProcessResult(
            article=enrich_article(art), extracted=True, evidence=read_evidence(SEED, None, art.url)))

    asyncio.run(stage.process_item(fetched()))
    assert crawler.stats.get_value("news/enrich_errors") is None
    monkeypatch.setattr("pipelines.enrich.attribute", _broken)
    out = asyncio.run(stage.process_item(fetched()))
    assert crawler.stats.get_value("news/enrich_errors") == 1
    assert out.body == SEED
    stage.close_spider()


def test_empty_body_keeps_extracted_language():
    out = enrich(Article(body="", language="id", provenance={"language": "meta"}))
    assert out.language == "id" and out.provenance["language"] == "meta"


def test_timings_are_reported():
    t: dict[str, float] = {}
    analyze_text(SEED, None, timings=t)
    assert set(t) == {"clean", "language", "attribution"} and all(v >= 0 for v in t.values())


# --- own labelled cases (tests/fixtures/text/attribution_cases.jsonl, README labelling rules) ---------

CASES = [
    json.loads(line)
    for line in (FIX / "text" / "attribution_cases.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def _key(name):
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split()).rstrip(".")


def test_case_file_is_large_and_well_formed():
    assert len(CASES) >= 30
    assert len({c["id"] for c in CASES}) == len(CASES)
    langs = {c["lang"] for c in CASES}
    assert {"id", "ms", "en", "de", "fr", "es", "ru", "ar"} <= langs
    for c in CASES:
        for line in c["expected"]["boilerplate_lines"]:
            assert line in [x.strip() for x in c["text"].split("\n")], (c["id"], line)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_own_case(case):
    exp = case["expected"]
    r = analyze_text(case["text"], None)
    assert sorted(map(_key, r["sources"])) == sorted(map(_key, exp["sources"]))
    assert (_key(r["dateline_outlet"]) if r["dateline_outlet"] else None) == (
        _key(exp["dateline_outlet"]) if exp["dateline_outlet"] else None
    )
    assert sorted(map(_key, r["photo_credits"])) == sorted(map(_key, exp["photo_credits"]))
    body = _key(r["clean_text"])
    for phrase in exp["clean_text_must_contain"]:
        assert _key(phrase) in body, phrase
    for phrase in exp["clean_text_must_not_contain"]:
        assert _key(phrase) not in body, phrase
    assert r["lang"] == case["lang"]


def test_own_cases_precision_no_false_source_on_hard_negatives():
    """Micro precision over all cases, and no source at all where the gold has none."""
    tp = fp = 0
    for c in CASES:
        got = {_key(s) for s in analyze_text(c["text"], None)["sources"]}
        gold = {_key(s) for s in c["expected"]["sources"]}
        tp += len(got & gold)
        fp += len(got - gold)
        if "hard_negative" in c["phenomena"] and not gold:
            assert not got, c["id"]
    assert tp / max(1, tp + fp) >= 0.97


def test_an_agency_credited_in_the_byline_reaches_source_attribution():
    """Extraction finds 'By Jane Doe, AFP' in the page's byline and records the agency as a
    ``byline_agency`` segment (pipelines/extract_meta.py); enrich merges it with the body's credits
    instead of overwriting it, and the story counts as wire copy."""
    body = (
        "Pejabat setempat mengatakan banjir merendam ratusan rumah di tiga kecamatan sejak Senin malam, "
        "dan warga mulai mengungsi ke balai desa.\nSUMBER: REUTERS"
    )
    out = enrich(Article(body=body, removed_segments=[{"kind": "byline_agency", "text": "AFP"}]))
    assert out.source_attribution == ["Reuters", "AFP"]
    assert out.is_wire_copy is True
    assert {"kind": "byline_agency", "text": "AFP"} in out.removed_segments
    # the same agency credited twice is one source; a body without credits keeps the byline's
    out = enrich(Article(body=body, removed_segments=[{"kind": "byline_agency", "text": "Reuters"}]))
    assert out.source_attribution == ["Reuters"]
    plain = "Pejabat setempat mengatakan banjir merendam ratusan rumah di tiga kecamatan sejak Senin malam."
    out = enrich(Article(body=plain, removed_segments=[{"kind": "byline_agency", "text": "AFP"}]))
    assert out.source_attribution == ["AFP"] and out.is_wire_copy is True


def test_one_language_detection_per_body(monkeypatch):
    """py3langid reads a body's head once: its language picks cleaning's labels and is the article's
    language.  (A first guess on the raw head and a second detection on the cleaned head ran it twice
    whenever cleaning changed the head, as the related-link line here makes it.)"""
    from pipelines import language

    calls = []

    class Counting:  # the model, counting its classify calls (its attributes are read-only)
        def __init__(self, real):
            self.real = real

        def classify(self, text):
            calls.append(text)
            return self.real.classify(text)

        def __getattr__(self, name):
            return getattr(self.real, name)

    counting = Counting(language._langid())
    monkeypatch.setattr(language, "_langid", lambda: counting)
    language.langid_top.cache_clear()
    para = ("Die Bundesregierung will den Ausbau von Ladesäulen für Elektroautos in den kommenden Jahren "
            "deutlich stärker fördern, kündigte das Verkehrsministerium am Montag in Berlin an. ")
    body = f"Lesen Sie auch: Neue Regeln für E-Autos ab Januar\n{para * 3}\n{para * 2}"
    r = analyze_text(body, None)
    assert r["lang"] == "de"
    assert "Lesen Sie auch" not in r["clean_text"]
    assert len(calls) == 1, [c[:60] for c in calls]


REP_BODY = (
    "Pemerintah menyatakan program itu akan dilanjutkan tahun depan dengan anggaran yang lebih besar dari "
    "tahun ini, kata pejabat tersebut kepada wartawan di Jakarta."
)


def test_a_short_line_the_page_printed_twice_is_furniture():
    text = f"Berita Utama Hari Ini\n{REP_BODY}\nLatar Belakang Kebijakan\n{REP_BODY}\nBerita Utama Hari Ini"
    out = analyze_text(text, "id")
    assert "Berita Utama Hari Ini" not in out["clean_text"]
    assert "Latar Belakang Kebijakan" in out["clean_text"]  # a subheading is printed once


INTERVIEW_ANSWERS = (
    "— Внезапно я захотел вести блог, совершенно любой, и однажды понял, что больше всего люблю готовить.",
    "— Еда объединяет: где бы мы ни оказались, за одним столом с другими людьми мы всегда найдём общий язык.",
    "— Я всегда любила готовить, а еще больше мне нравится сам процесс и красивая подача блюда на столе.",
)


def test_a_question_put_to_each_guest_of_an_interview_series_stays():
    # a list-shaped story prints its recurring question once per guest: three copies or more are the
    # list's own part, not a widget printed over and under the story
    guests = ("Андрей Рудьков", "Олеся Куприн", "Евгения Левицкая")
    question = "Что вас вдохновило на создание кулинарной страницы?"
    text = "\n".join(f"{guest}\n{question}\n{answer}" for guest, answer in zip(guests, INTERVIEW_ANSWERS, strict=True))
    out = analyze_text(text, "ru")
    assert out["clean_text"].count(question) == 3
    assert all(answer in out["clean_text"] for answer in INTERVIEW_ANSWERS)


def test_a_shop_link_under_each_product_of_a_list_stays():
    products = [
        ("Apple AirPods Pro for $235", "Since the AirPods first launched in 2016, users and critics alike have "
         "been asking for noise cancellation, and Apple finally delivered it this year."),
        ("Sonos Move for $400", "Sonos speakers have long been considered some of the best home entertainment "
         "speakers available, but they all needed a power outlet until now."),
        ("Amazon Echo Buds for $130", "In many ways, 2019 was the year of wireless earbuds, and Amazon's Echo "
         "Buds have been well received for far less money than their rivals."),
    ]
    text = "\n".join(f"{name}\n- See it now: Amazon\n{para}" for name, para in products)
    out = analyze_text(text, "en")
    assert out["clean_text"].count("See it now: Amazon") == 3


def test_a_phrase_the_writer_uses_twice_in_two_forms_stays():
    text = (f"{REP_BODY}\nHere’s the thing …\n{REP_BODY.replace('Pemerintah', 'Menteri')}\n"
            f"Here’s the thing:\n{REP_BODY.replace('Pemerintah', 'Gubernur')}")
    out = analyze_text(text, "id")
    assert "Here’s the thing …" in out["clean_text"] and "Here’s the thing:" in out["clean_text"]


def test_repeated_furniture_goes_and_the_credit_beside_it_is_still_read():
    text = f"Pilihan Redaksi Terbaru\n{REP_BODY}\nFoto: ANTARA/Jane Doe\n{REP_BODY}\nPilihan Redaksi Terbaru"
    out = analyze_text(text, "id")
    assert out["photo_credits"] == ["ANTARA"]
    assert "Pilihan Redaksi Terbaru" not in out["clean_text"] and out["clean_text"].count("Pemerintah") == 2


def test_lyrics_without_running_text_keep_the_line_they_sing_twice():
    # a choir blog's hymn: every line short, the first one sung again; no story to tell furniture from
    text = ("Lord of the Harvest\nLord of the harvest, lord of the land\nYou hold the seasons in your hand\n"
            "Bless every furrow, bless every seed\nGive to the hungry all that they need\n"
            "Lord of the harvest, lord of the land\nNo comments:\nPost a Comment")
    out = analyze_text(text, "en")
    assert out["clean_text"].count("Lord of the harvest, lord of the land") == 2


def test_a_refrain_a_sentence_runs_into_stays_in_a_post_with_prose():
    intro = ("This prayer of the Tewa people was translated for the blog from an English version printed in a "
             "collection of Native American songs in 1918, and it is read at the start of every planting season.")
    verse = ("O our Mother the Earth, O our Father the Sky,\nThen weave for us a garment of brightness,\n"
             "That we may walk fittingly where birds sing,\nThat we may walk fittingly where the grass is green,\n"
             "Weave for us a garment of brightness,\nThat we may walk fittingly where birds sing,\n"
             "O our Mother the Earth, O our Father the Sky.")
    text = f"{intro}\n{verse}\nYou are commenting using your WordPress.com account. Log Out / Change )"
    out = analyze_text(text, "en")
    assert out["clean_text"].count("That we may walk fittingly where birds sing,") == 2


def test_a_widget_line_left_between_removed_furniture_below_the_story_goes():
    widget = ("Harga Bahan Bakar\nRON 95\nRM 2.59\n+0.05\nTerakhir Kemas Kini 26 Feb, 2026\nBerita Berkaitan\n"
              "[FOTO] PDRM Guna Proton S70? Unit Sama Semasa Istiadat Pertabalan Agong Dikesan!")
    out = analyze_text(f"{REP_BODY}\n{REP_BODY.replace('Pemerintah', 'Menteri')}\n{widget}", "id")
    assert "Terakhir Kemas Kini" not in out["clean_text"] and "Menteri menyatakan" in out["clean_text"]
    assert "Terakhir Kemas Kini 26 Feb, 2026" in out["boilerplate_lines"]


def test_a_short_sentence_between_removed_furniture_below_the_story_stays():
    text = (f"{REP_BODY}\n{REP_BODY.replace('Pemerintah', 'Menteri')}\nBaca juga: Harga Cabai Naik Lagi di Pasar Induk\n"
            "Polisi masih menyelidiki kasus itu.\nIkuti kami di Google News")
    assert "Polisi masih menyelidiki kasus itu." in analyze_text(text, "id")["clean_text"]


def test_the_bench_lists_removed_lines_that_are_not_labelled_furniture():
    """quality_text.false_removals: a line the stages removed that the case labels neither
    furniture nor a credit is listed with the kind of the rule that took it; a labelled furniture
    line, a credit line and a dateline cut off a kept paragraph are not."""
    from bench.quality_text import false_removals

    lead = ("JAKARTA - Pemerintah mewaspadai kenaikan harga sejumlah bahan pangan menjelang Ramadan, "
            "kata Deputi Bidang Koordinasi Pangan dalam keterangannya di Jakarta, Senin.")
    more = ("Menurut dia, harga cabai dan bawang merah sudah naik di beberapa daerah sejak pekan lalu "
            "dan pemerintah akan menggelar operasi pasar bila perlu.")
    text = f"{lead}\n{more}\nBaca juga: Harga Cabai Naik Lagi di Pasar Induk\n(ant/abc)"
    case = {"text": text, "expected": {"boilerplate_lines": ["Baca juga: Harga Cabai Naik Lagi di Pasar Induk"],
                                       "attribution_lines": ["(ant/abc)"], "clean_text_must_not_contain": []}}
    out = analyze_text(text, "id")
    assert false_removals(case, out) == []  # the teaser is labelled, the tag a credit, the dateline a cut
    unlabelled = {**case, "expected": {**case["expected"], "boilerplate_lines": []}}
    assert false_removals(unlabelled, out) == [
        ("related", "text", "Baca juga: Harga Cabai Naik Lagi di Pasar Induk")]
    assert any(s["kind"] == "related" for s in out["removed_segments"])


def test_sources_are_written_as_the_labelling_rules_write_them():
    # the dts copy credits itself in full in the dateline and by its short brand under the picture
    dts = ("Berlin (dts Nachrichtenagentur) - Die Zahl der Arbeitslosen ist im November gesunken. Das teilte "
           "die Bundesagentur für Arbeit am Dienstag mit.\n"
           "Die Arbeitslosenquote lag bei 5,6 Prozent, wie die Behörde in Nürnberg weiter mitteilte.\n"
           "Foto/Quelle: dts")
    assert analyze_text(dts, None)["sources"] == ["dts"]
    fmt = ("KUALA LUMPUR: Kerajaan akan mengumumkan langkah baharu bagi menangani kenaikan harga barang minggu "
           "depan, kata seorang menteri.\n"
           "Beliau berkata perkara itu dibincangkan dalam mesyuarat Kabinet semalam.\n"
           "Sumber: Free Malaysia Today (FMT)")
    assert analyze_text(fmt, None)["sources"] == ["FMT"]
    bbc = ("Pemerintah Inggris mengumumkan paket bantuan baru bagi warga yang terdampak kenaikan harga energi.\n"
           "Paket itu mencakup potongan tagihan listrik selama enam bulan.\n"
           "Sumber: BBC News")
    assert analyze_text(bbc, None)["sources"] == ["BBC"]
