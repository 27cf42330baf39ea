import re
from pathlib import Path

import pytest

from pipelines import patterns
from pipelines.regex_guard import (
    anchored_at_start,
    first_chars,
    guarded,
    literal_alternation,
    mark_test,
    requires_one_of,
)

LINES = [
    "Seperti dilansir Reuters, harga minyak naik pada hari Kamis.",
    "DILANSIR DARI Livemint, saham teknologi turun.",
    "Coverage quoted from The Guardian today",
    "«Мы готовы», – передает ТАСС слова министра.",
    "Giá vàng tăng mạnh (theo VnExpress) trong phiên sáng nay.",
    "Follow us on Google News and our WhatsApp channel for updates",
    "Baca juga: Harga beras naik jelang Ramadan",
    "Copyright © 2024 Kompas.com. All rights reserved.",
    "(Foto: AFP/John Doe) Demonstranten in Berlin.",
    "",
    "ǅ ſ K – ÉCOLE école",
]


def _same(a: re.Pattern[str], b: re.Pattern[str], text: str) -> None:
    got = [(m.span(), m.groups(), m.groupdict()) for m in b.finditer(text)]
    assert got == [(m.span(), m.groups(), m.groupdict()) for m in a.finditer(text)]
    for meth in ("match", "fullmatch", "search"):
        ma, mb = getattr(a, meth)(text), getattr(b, meth)(text)
        assert (ma and (ma.span(), ma.groups())) == (mb and (mb.span(), mb.groups()))


def test_an_alternation_of_case_insensitive_words_gets_a_guard_with_the_same_matches():
    rx = re.compile(r"(?:quoted from|\bvia|(?:dilansir|dikutip)(?: dari)?|(?:,|\s[-–—])\s*передает|\(\s*theo)"
                    r"\s+(?P<val>[^\s,.;:()][^,;:()\n]{1,40})", re.IGNORECASE)
    g = guarded(rx)
    assert g is not rx and g.pattern.startswith("(?=[")
    assert g.groupindex == rx.groupindex
    for line in LINES:
        _same(rx, g, line)
        _same(rx, g, line.upper())


@pytest.mark.parametrize("pattern,flags", [
    (r"(?:foo|bar|baz)?", 0),  # can match the empty string
    (r"^(?:foo|bar|baz)", re.IGNORECASE),  # anchored: the engine tries the start only
    (r"(?i:foo|bar|baz)x", 0),  # a local flag the guard would not share
    (r"(?:[^\W\d_]+|foo|bar)", 0),  # a negated class
    (r"(?:\w+|foo|bar)", re.IGNORECASE),  # a class that passes nearly everywhere
    (r"(?:[A-Z]x|foo|bar)", 0),  # a wide range
    (r"Dilarang keras", re.IGNORECASE),  # a literal start: one test already
    (r"(?:Copyright|저작권자)\s*©", re.IGNORECASE),  # two alternatives cost no more than the guard
])
def test_patterns_a_guard_cannot_help_or_could_change_are_left_alone(pattern, flags):
    rx = re.compile(pattern, flags)
    assert guarded(rx) is rx


def test_local_case_flag_is_never_narrowed():
    rx = re.compile(r"(?:(?i:x)y|ab|cd)", 0)
    assert guarded(rx).search("Xy") is not None


def test_first_characters_of_branches_repeats_and_zero_width_items():
    assert first_chars(re.compile(r"(?<!\w)(?:ab|\(c|d?e)")) == r"[a\(de]"
    assert first_chars(re.compile(r"\b(?:x|y)*z")) == "[xyz]"
    assert first_chars(re.compile(r"(?:a|)")) is None


@pytest.mark.parametrize("key", ["prompts", "chrome_patterns", "caption_credits", "copyright_notices",
                                 "dateline_patterns", "leading_residue", "block_patterns"])
@pytest.mark.parametrize("lang", [None, "en", "id", "ru", "vi"])
def test_pattern_file_regexes_match_exactly_as_written(key, lang):
    compiled = patterns.regexes(key, lang=lang)
    written = patterns.merged(key, patterns.scope_key(lang))
    assert len(compiled) == len(written)
    for rx, src in zip(compiled, written, strict=True):
        plain = re.compile(src, re.IGNORECASE)
        for line in LINES:
            _same(plain, rx, line)


@pytest.mark.parametrize(("pattern", "needs"), [
    (r"[A-Z]+ -", True), (r"\w+(?:\s*[-:]){1,2}", True), (r"\w+(?:\s*[-–]){1,2}", False), (r"[-:]x", True), (r"(?=.*:)x", True),
    (r"(?<=/)x", True), (r"x(?:-|:\s)", True),
    (r"x(?:-)?", False), (r"[-a]x", False), (r"a|b-", False), (r"[^x]", False), (r"\S+", False), (r"x.y", False),
])
def test_requires_one_of_reads_whether_every_match_needs_such_a_character(pattern, needs):
    assert requires_one_of(re.compile(pattern), "-:/") is needs


def test_a_dateline_pattern_said_to_need_a_separator_matches_no_line_without_one():
    # match_dateline tries only the other patterns on such a line (most lines of a story): the reading
    # must hold for every pattern file, on real lines (the fixtures' bodies and made-up datelines)
    from pipelines import clean

    lines = [ln for p in (Path(__file__).parents[1] / "fixtures" / "text").glob("*.txt")
             for ln in p.read_text(encoding="utf-8").splitlines()]
    lines += ["DETIK.COM. Pemerintah mengumumkan harga beras naik", "新华社北京3月5日电 记者王明报道",
              "JAKARTA, KOMPAS.com Presiden mengatakan", "Ankara_aa.com.tr Bakan açıkladı", *LINES]
    unmarked = [ln for ln in lines if not clean._DATELINE_MARK.search(ln)]
    assert len(unmarked) > 20
    for lang in (None, *patterns.languages()):
        needing = [rx for rx in clean._dateline_rxs(lang) if rx not in clean._unmarked_dateline_rxs(lang)]
        assert needing
        for rx in needing:
            assert all(rx.match(ln) is None and rx.search(ln) is None for ln in unmarked), rx.pattern


def test_a_caption_credit_shape_said_to_need_a_mark_matches_no_line_without_one():
    # caption_credit tries only the other shapes on a line without a slash, a bracket, '摄' or '=' (most
    # lines of a story)
    from pipelines import attribution

    lines = [ln for p in (Path(__file__).parents[1] / "fixtures" / "text").glob("*.txt")
             for ln in p.read_text(encoding="utf-8").splitlines()]
    lines += ["TRIBUN JABAR GANI KURNIAWAN", "Photo by AFP", "Ilustrasi Freepik", "新华社记者 李明", *LINES]
    unmarked = [ln for ln in lines if not attribution._CAPTION_MARK.search(ln)]
    assert len(unmarked) > 20
    for lang in (None, *patterns.languages()):
        shapes = patterns.regexes("caption_credits", 0, lang)
        needing = [rx for rx in shapes if rx not in attribution._unmarked_caption_credits(lang)]
        for rx in needing:
            assert all(rx.search(ln) is None for ln in unmarked), rx.pattern


@pytest.mark.parametrize(("pattern", "flags", "anchored"), [
    (r"^baca juga\b", re.I, True), (r"^(?:share|tweet)\b.*$", re.I, True), (r"^a|b", 0, False),
    (r"(?:^a|^b)", 0, True), (r"(?:^a|b)", 0, False), (r"\bfollow us\b", re.I, False), (r"^x", re.M, False), (r"a^", 0, False),
])
def test_anchored_at_start_reads_whether_every_match_starts_at_the_text_start(pattern, flags, anchored):
    assert anchored_at_start(pattern, flags) is anchored


@pytest.mark.parametrize("key", ["prompts", "notices"])
@pytest.mark.parametrize("lang", [None, *patterns.languages()])
def test_a_line_search_finds_what_the_one_alternation_finds(key, lang):
    # clean._is_prompt tries a list's anchored entries at the line's start only: on real lines (the
    # fixtures' bodies) and prompts of several files, some entry matches exactly where one searched
    # alternation of every entry does
    lines = [ln for p in (Path(__file__).parents[1] / "fixtures" / "text").glob("*.txt")
             for ln in p.read_text(encoding="utf-8").splitlines()]
    lines += [*LINES, "Share this article", "Ikuti kami di Google News", "Abonnieren Sie unseren Newsletter",
              "Disclaimer: The views expressed by experts are their own.", "Click here to subscribe",
              "Síguenos en Twitter", "Suivez-nous sur Facebook", "Подписывайтесь на наш канал"]
    one = patterns.combined(key, lang=lang)
    split = patterns.line_search(key, lang=lang)
    assert (one is None) == (split is None)
    if one is None or split is None:
        return
    found = [ln for ln in lines if one.search(ln)]
    assert found and len(found) < len(lines)
    assert [ln for ln in lines if split.search(ln)] == found


def test_a_rights_notice_said_to_need_a_copyright_sign_matches_no_line_without_one():
    # rights_notice tries only the other notices on a line without ©/ⓒ/Ⓒ (nearly every line); the signs
    # are read case-insensitively ('ⓒ' and 'Ⓒ' are one letter's cases), so all three count
    from pipelines import attribution

    lines = [ln for p in (Path(__file__).parents[1] / "fixtures" / "text").glob("*.txt")
             for ln in p.read_text(encoding="utf-8").splitlines()]
    lines += ["저작권자 (c) 연합뉴스, 무단 전재-재배포 금지", "Copyright 2024 Kompas.com. All rights reserved.", *LINES]
    unmarked = [ln for ln in lines if not attribution._RIGHTS_MARK.search(ln)]
    assert len(unmarked) > 20
    assert attribution._RIGHTS_MARK.search("Ⓒ 연합뉴스 무단 전재 및 재배포 금지")
    for lang in (None, *patterns.languages()):
        needing = [rx for rx in patterns.regexes("copyright_notices", lang=lang)
                   if rx not in attribution._unmarked_rights_notices(lang)]
        assert needing
        for rx in needing:
            assert all(rx.search(ln) is None for ln in unmarked), rx.pattern


def test_marks_with_letters_count_only_when_the_text_is_tested_ignoring_case():
    # 'ⓒ' matches 'Ⓒ' case-insensitively, and 'k' the Kelvin sign: a letter counts only when the line is
    # tested for it as the engine folds case (mark_test)
    rx = re.compile("[ⓒ©]x", re.IGNORECASE)
    assert not requires_one_of(rx, "ⓒ©")
    assert requires_one_of(rx, "ⓒ©", tested_ignoring_case=True)
    assert mark_test("ⓒ©").search("Ⓒx") and rx.search("Ⓒx")
    assert mark_test("k").search("\u212a") and re.compile("k", re.IGNORECASE).search("\u212a")


# names sharing prefixes, in cases and spellings the engine folds ('ſ' is an 's', 'K' (Kelvin) a 'k', 'İ' an
# 'i'), a name that is another one's start ('AP', 'APA'), and one with a space ('Associated Press')
_NAMES = ["AP", "APA", "AFP", "Associated Press", "Associated", "Press TV", "Kyodo", "KYODO News", "Kompas",
          "Kompas.com", "Antara", "ANTARA News", "İHA", "iha", "ſda", "SDA", "Ksa", "Кыргыз", "кыргыз туусу",
          "新华社", "新华网", "新华", "PA Media", "PA"]
_TEXTS = [
    "(AP) — Officials said. APA and AFP reported; the Associated  Press\nwrote, per Press TV.",
    "KYODO NEWS - Kyodo. Kompas.com: Kompas.comet, ANTARA News antara newsroom, İHA ihA İha",
    "sda SDA ſda Sda ksa KSA Ksa Кыргыз туусу КЫРГЫЗ ТУУСУ, 新华社北京 新华网 新华",
    "PA Media-PA Mediation, PA.Media PA. Next (PA) APAP AP-APA",
]


@pytest.mark.parametrize("flags", [re.IGNORECASE, 0, re.IGNORECASE | re.ASCII])
def test_a_literal_alternation_as_a_prefix_tree_finds_what_the_longest_first_alternation_finds(flags):
    """The finder of the alias table is this tree: on every text, the same matches and spans as the flat
    alternation longest first, also where the pattern's end rejects the longest name and a shorter wins."""
    flat = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(_NAMES), key=len, reverse=True))
    tree = literal_alternation(dict.fromkeys(_NAMES), flags)
    for head, tail in (("", ""), (r"(?<![\w.@/-])", r"(?![\w@-]|\.\w)"), (r"\b", r"(?=\s|$)")):
        a, b = re.compile(f"{head}({flat}){tail}", flags), re.compile(f"{head}({tree}){tail}", flags)
        for text in _TEXTS:
            for variant in (text, text.upper(), text.lower(), text.title()):
                _same(a, b, variant)


def test_the_alias_finder_is_a_prefix_tree_of_the_table():
    finder = patterns.alias_table().finder
    assert "(?:A(?:" in finder.pattern  # the names opening with an 'A' share one branch
    found = [m.group(1) for m in finder.finditer("Associated Press and AP. Kyodo News, via ANTARA News (AFP)")]
    assert found == ["Associated Press", "AP", "Kyodo News", "ANTARA News", "AFP"]


@pytest.mark.parametrize("key", ["photo_labels", "related_labels", "credit_labels", "byline_prefixes"])
@pytest.mark.parametrize("flags", [re.IGNORECASE, 0])
def test_a_label_alternation_finds_what_its_labels_longest_first_find(key, flags):
    for lang in ("en", "id", None):
        labels = sorted({x.strip() for x in patterns.merged(key, lang) if x.strip()}, key=len, reverse=True)
        flat = re.compile(r"(?<!\w)(" + "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in labels)
                          + r")\s*[:：|]", flags)
        tree = re.compile(r"(?<!\w)(" + patterns.label_alternation(key, lang, flags) + r")\s*[:：|]", flags)
        for label in labels[:60]:
            for text in (f"{label}: Reuters", f"Caption. {label.upper()} | AFP", f"x {label.lower()}s: y"):
                _same(flat, tree, text)
        for line in LINES:
            _same(flat, tree, line)
