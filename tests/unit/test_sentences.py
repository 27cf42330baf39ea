"""The one sentence-end rule (pipelines/sentences.py) on what article lines really end with."""

from __future__ import annotations

import pytest

from pipelines.sentences import (
    SENTENCE_BREAK,
    SENTENCE_END,
    ends_clause,
    ends_sentence,
    ends_wrapped_sentence,
    heads_wrapped_sentence,
    sentence_count,
    stops_open,
)


@pytest.mark.parametrize(
    "line",
    [
        "Presiden Prabowo Subianto meresmikan bendungan itu pada Senin pagi.",
        "“Kami siap menghadapi musim hujan,” kata Kepala BPBD DKI Jakarta.",
        "Apakah harga beras akan turun menjelang Lebaran?",
        '"We will not back down," the minister told reporters.',
        "Hujan deras mengguyur Bogor sejak siang (Antara).",
        "Kerugian ditaksir mencapai Rp 2 miliar…",
        "Le ministre a déclaré «nous sommes prêts.»",
        "岸田首相は記者団に対し、「対応を急ぐ」と述べた。",
        "「政府は適切に対応する。」",
        "韩国总统尹锡悦当天表示：“将全力应对。”",
        "中央社記者今天在現場看到，救援人員仍在搜尋！",
        "[记者 张三 报道。]",
    ],
)
def test_a_line_closed_by_a_stop_and_its_quotes_ends_a_sentence(line):
    assert ends_sentence(line)


@pytest.mark.parametrize(
    "line",
    [
        "Baca juga: Harga Cabai Rawit Melonjak di Pasar Induk",
        "Penulis: Rina Wulandari | Editor: Ahmad Fauzi",
        "Foto: ANTARA/Aditya Pradana Putra",
        "Presiden mengatakan bahwa pemerintah akan",
        "Share this article",
    ],
)
def test_a_label_a_byline_or_a_cut_sentence_ends_none(line):
    assert not ends_sentence(line)
    assert not ends_sentence(line, cjk=False)


def test_cjk_stops_and_corner_brackets_count_only_with_cjk():
    assert ends_sentence("岸田首相は「対応を急ぐ」と述べた。")
    assert not ends_sentence("岸田首相は「対応を急ぐ」と述べた。", cjk=False)
    assert ends_sentence("[Kami siap.]") and not ends_sentence("[Kami siap.]", cjk=False)


def test_a_cut_off_ellipsis_is_no_sentence_closed_by_its_writer():
    teaser = "Polisi Tangkap Dua Pelaku Pencurian Motor di Depok, Salah Satunya…"
    assert ends_sentence(teaser)
    assert not ends_sentence(teaser, ellipsis=False)
    assert not ends_sentence("Baca selengkapnya di sini...", ellipsis=False)
    assert ends_sentence("Polisi menangkap dua pelaku.", ellipsis=False)
    assert ends_sentence("「対応を急ぐ」と述べた。」", ellipsis=False)


def test_a_colon_or_semicolon_ends_a_clause_not_a_sentence():
    assert ends_clause("Berikut daftar lengkapnya:") and not ends_sentence("Berikut daftar lengkapnya:")
    assert ends_clause("the ministry said in a statement;")
    assert ends_clause("「対応を急ぐ」と述べた。」")
    assert not ends_clause("Reporting by Jane Doe")


def test_sentence_ends_in_running_text():
    text = "Banjir merendam 200 rumah. “Air naik cepat,” kata warga. Apa penyebabnya? Belum jelas"
    assert sentence_count(text) == 3
    assert SENTENCE_END.search("Dr. Siti Nurhaliza") is not None  # an abbreviation's dot is a stop too
    assert SENTENCE_END.search("version 2.0 released") is None  # a dot inside a number is none
    assert sentence_count("東京は晴れ。大阪は雨。") == 0
    assert sentence_count("東京は晴れ。 大阪は雨。", cjk=True) == 2
    assert SENTENCE_BREAK.split("Hujan turun. Jalan banjir! Warga mengungsi?") == [
        "Hujan turun.", "Jalan banjir!", "Warga mengungsi?"]


def test_a_hard_wrapped_sentence_read_from_its_head():
    tail = "which were released online and are making the rounds on social media,"
    assert heads_wrapped_sentence("Photos", tail)
    assert heads_wrapped_sentence("Warga Kampung Melayu", "masih bertahan di tenda pengungsian sejak banjir datang")
    assert not heads_wrapped_sentence("Photos:", tail)  # a label
    assert not heads_wrapped_sentence("photos", tail)  # no capital: no sentence's head
    assert not heads_wrapped_sentence("Photos", "see more")  # too short to be a sentence's rest
    # the next line closes a sentence of its own: 'Photos' is a label over it
    assert not heads_wrapped_sentence("Photos", "which were released online. They are making the rounds")


def test_a_hard_wrapped_sentence_read_from_its_tail():
    head = "show Nigerian actress, Kate Henshaw, looking absolutely stunning in new"
    assert stops_open(head)
    assert ends_wrapped_sentence(head, "make-up photos.")
    assert ends_wrapped_sentence("Gempa berkekuatan magnitudo 5,6 mengguncang wilayah", "cianjur, jawa barat.")
    assert not ends_wrapped_sentence(head, "Make-up photos.")  # a capital opens its own line
    assert not ends_wrapped_sentence(head, "make-up photos")  # closes nothing
    assert not ends_wrapped_sentence("in new", "make-up photos.")  # the line above is too short
    assert not ends_wrapped_sentence(head + ".", "make-up photos.")  # the line above is finished
    assert not ends_wrapped_sentence("Berikut ini daftar lengkap para pemenang lomba:", "juara satu.")
    assert not stops_open("")
