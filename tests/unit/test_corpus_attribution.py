"""The attribution evaluation corpus (bench/corpus/attribution): schema, exact lines, split hygiene.

Reads only the repository's own files. The blind part is validated here for structure only; nobody
tunes on it (see bench/corpus/attribution/README.md).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "corpus" / "attribution"
PARTS = ("dev", "blind", "dev_sc", "dev_sd")
# dev_sc.jsonl: a third dev part from sites used by no case of dev.jsonl or blind.jsonl (site-disjoint),
# labelled before the pipeline was run on it; its records say split "dev" (the split rule holds for them).
# dev_sd.jsonl: a fourth dev part (round 15), from sites used by no case of dev, blind or dev_sc, labelled
# before the pipeline was run on it; split "dev" too.
SPLIT_OF = {"dev": "dev", "blind": "blind", "dev_sc": "dev", "dev_sd": "dev"}

# Size of the corpus as landed; the floor moves up with every landed batch
# (target of issue 11: >= 300 texts in >= 15 languages; built towards ~400 in >= 16 languages).
MIN_CASES = 989
MIN_LANGUAGES = 16
MIN_PER_LANGUAGE = 8

RECORD_KEYS = {"id", "lang", "url", "text", "expected", "phenomena", "tags", "notes", "provenance", "split"}
EXPECTED_KEYS = {
    "sources",
    "dateline_outlet",
    "attribution_lines",
    "photo_credits",
    "photo_credit_lines",
    "boilerplate_lines",
    "clean_text_must_contain",
    "clean_text_must_not_contain",
}
PHENOMENA = {
    "credit_line", "agency_dateline", "outlet_dateline", "relay_credit", "inline_or_coded_end_tag",
    "byline", "copyright_line", "multi_source", "photo_credit", "photo_credit_only",
    "in_text_mention_not_source", "ordinary_word_sumber_source", "hard_negative", "no_attribution",
    "read_also_related_boilerplate", "prompt_boilerplate", "page_chrome", "no_boilerplate",
    "layout_noise", "non_latin_script",
}
_WS = re.compile(r"\s+")


def norm(s: str) -> str:
    """The scorer's comparison form: NFKC, whitespace collapsed, case-folded."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", s)).strip().casefold()


def split_rule(case_id: str) -> str:
    return "dev" if int(hashlib.sha1(case_id.encode()).hexdigest()[:8], 16) % 5 < 3 else "blind"


def load(part: str) -> list[dict]:
    path = CORPUS / f"{part}.jsonl"
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{n} is empty"
        rows.append(json.loads(line))
    return rows


CASES = {part: load(part) for part in PARTS}
ALL = [(part, c) for part in PARTS for c in CASES[part]]


def rest_of_text(case: dict) -> str:
    """The text with every listed boilerplate line removed (what a perfect cleaner keeps)."""
    boiler = {b.strip() for b in case["expected"]["boilerplate_lines"]}
    return norm("\n".join(ln for ln in case["text"].split("\n") if ln.strip() not in boiler))


def test_size_and_languages():
    langs = Counter(c["lang"] for _, c in ALL)
    assert len(ALL) >= MIN_CASES
    big = {lang for lang, n in langs.items() if n >= MIN_PER_LANGUAGE}
    assert len(big) >= MIN_LANGUAGES, langs
    # Indonesian and Malay are the largest groups.
    top_two = {lang for lang, _ in langs.most_common(2)}
    assert top_two == {"id", "ms"}, langs.most_common(4)


def test_both_parts_cover_every_language():
    langs = {lang for lang, n in Counter(c["lang"] for _, c in ALL).items() if n >= 5}
    for part in ("dev", "blind"):
        assert langs <= {c["lang"] for c in CASES[part]}, part
    assert len(CASES["blind"]) >= 0.3 * len(ALL)
    assert len(CASES["dev"]) >= 0.5 * len(ALL)


def test_ids_unique_across_parts():
    ids = Counter(c["id"] for _, c in ALL)
    assert [i for i, n in ids.items() if n > 1] == []


def test_split_field_matches_file_and_rule():
    for part, c in ALL:
        assert c["split"] == SPLIT_OF[part], c["id"]
        assert split_rule(c["id"]) == SPLIT_OF[part], c["id"]


def test_no_text_shared_between_parts():
    def long_lines(cases):
        """Long body lines (boilerplate such as a site's promo may recur legitimately)."""
        return {
            norm(ln)
            for c in cases
            for ln in c["text"].split("\n")
            if len(ln.strip()) >= 120 and ln.strip() not in {b.strip() for b in c["expected"]["boilerplate_lines"]}
        }

    dev = CASES["dev"] + CASES["dev_sc"] + CASES["dev_sd"]
    dev_texts = {norm(c["text"]) for c in dev}
    assert not dev_texts & {norm(c["text"]) for c in CASES["blind"]}
    assert not long_lines(dev) & long_lines(CASES["blind"])
    assert not long_lines(CASES["dev_sc"]) & long_lines(CASES["dev"])
    assert not long_lines(CASES["dev_sd"]) & long_lines(CASES["dev"] + CASES["dev_sc"])
    assert len({norm(c["text"]) for _, c in ALL}) == len(ALL)


def _site(case: dict) -> str | None:
    """The registrable domain of a case's page (blogs on a hosting domain by their own name)."""
    host = (urlsplit(case.get("url") or case["provenance"].get("url") or "").hostname or "").casefold()
    labels = [x for x in host.split(".") if x]
    for hosting in ("blogspot", "wordpress"):
        if hosting in labels[:-1] and labels.index(hosting) > 0:
            return ".".join(labels[labels.index(hosting) - 1:labels.index(hosting) + 1])
    n = 3 if len(labels) >= 3 and labels[-2] in {"co", "com", "net", "org", "ac", "go", "gov", "or"} and len(labels[-1]) == 2 else 2
    return ".".join(labels[-n:]) if len(labels) >= 2 else None


def test_dev_sc_sites_are_new():
    """dev_sc is the part judged on sites never seen: no page host (nor id site part) of dev or blind."""
    old = {_site(c) for part in ("dev", "blind") for c in CASES[part]} - {None}
    old_ids = {c["id"].split("-")[1] for part in ("dev", "blind") for c in CASES[part]}
    assert len(CASES["dev_sc"]) >= 80
    assert all(c["provenance"].get("url") for c in CASES["dev_sc"])
    assert sorted(_site(c) for c in CASES["dev_sc"] if _site(c) in old) == []
    assert sorted(c["id"] for c in CASES["dev_sc"] if c["id"].split("-")[1] in old_ids) == []


def test_dev_sd_sites_are_new():
    """dev_sd is the second part judged on sites never seen: no page host (nor id site part) of dev, blind or dev_sc."""
    old = {_site(c) for part in ("dev", "blind", "dev_sc") for c in CASES[part]} - {None}
    old_ids = {c["id"].split("-")[1] for part in ("dev", "blind", "dev_sc") for c in CASES[part]}
    assert len(CASES["dev_sd"]) >= 60
    assert all(c["provenance"].get("url") for c in CASES["dev_sd"])
    assert sorted(_site(c) for c in CASES["dev_sd"] if _site(c) in old) == []
    assert sorted(c["id"] for c in CASES["dev_sd"] if c["id"].split("-")[1] in old_ids) == []
    langs = Counter(c["lang"] for c in CASES["dev_sd"])
    assert langs["id"] + langs["ms"] >= len(CASES["dev_sd"]) / 3
    assert len(set(langs) - {"id", "ms"}) >= 10


@pytest.mark.parametrize("part,case", ALL, ids=[c["id"] for _, c in ALL])
def test_record_schema(part, case):
    assert set(case) == RECORD_KEYS
    assert re.fullmatch(r"[a-z]{2}", case["lang"])
    assert isinstance(case["text"], str) and case["text"].strip()
    assert case["url"] is None or case["url"].startswith(("http://", "https://"))
    exp = case["expected"]
    assert set(exp) == EXPECTED_KEYS
    for key in EXPECTED_KEYS - {"dateline_outlet"}:
        assert isinstance(exp[key], list) and all(isinstance(x, str) and x.strip() for x in exp[key]), key
    assert exp["dateline_outlet"] is None or (isinstance(exp["dateline_outlet"], str) and exp["dateline_outlet"].strip())
    assert len({norm(s) for s in exp["sources"]}) == len(exp["sources"])
    assert set(case["phenomena"]) <= PHENOMENA
    assert isinstance(case["tags"], list) and isinstance(case["notes"], str) and case["notes"].strip()
    prov = case["provenance"]
    # A page, a repository file, an index file id, or (for a stored page without address) the query.
    assert prov.get("url") or prov.get("repo") or prov.get("index_file_id") or prov.get("query"), prov


@pytest.mark.parametrize("part,case", ALL, ids=[c["id"] for _, c in ALL])
def test_labelled_lines_are_exact_lines_of_text(part, case):
    lines = {ln.strip() for ln in case["text"].split("\n")}
    exp = case["expected"]
    for key in ("attribution_lines", "photo_credit_lines", "boilerplate_lines"):
        for ln in exp[key]:
            assert ln.strip() in lines, (key, ln)


@pytest.mark.parametrize("part,case", ALL, ids=[c["id"] for _, c in ALL])
def test_clean_text_phrases_are_satisfiable(part, case):
    exp = case["expected"]
    rest = rest_of_text(case)
    assert 2 <= len(exp["clean_text_must_contain"]) <= 3
    for phrase in exp["clean_text_must_contain"]:
        assert norm(phrase) in rest, phrase
    for phrase in exp["clean_text_must_not_contain"]:
        assert norm(phrase) not in rest, phrase
        assert any(norm(phrase) in norm(b) for b in exp["boilerplate_lines"]), phrase
    # One phrase per boilerplate line, unless the line cannot be tested by substring: too short
    # ('0', 'A', 'ADS') or its words also occur in the text that stays ('POLITIK' over a politics story).
    for line in exp["boilerplate_lines"]:
        if not any(norm(p) in norm(line) for p in exp["clean_text_must_not_contain"]):
            assert len(norm(line)) < 4 or norm(line) in rest, ("boilerplate line without a phrase", line)


@pytest.mark.parametrize("part,case", ALL, ids=[c["id"] for _, c in ALL])
def test_phenomena_agree_with_labels(part, case):
    exp, ph = case["expected"], set(case["phenomena"])
    assert ("no_boilerplate" in ph) == (not exp["boilerplate_lines"])
    if exp["sources"]:
        assert "no_attribution" not in ph
    if len(exp["sources"]) > 1:
        assert "multi_source" in ph
    if exp["dateline_outlet"]:
        assert "outlet_dateline" in ph
    if exp["photo_credits"]:
        assert ph & {"photo_credit", "photo_credit_only"}
