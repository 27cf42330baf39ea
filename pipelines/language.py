"""Language identification of a body (``detect_language``: the one rule; the text stages run it once
per body, as extracted, and cleaning then uses that language's labels).

Two seeded/deterministic detectors share the decision.  py3langid runs first on the first
``DETECT_CHARS`` characters: it is ~10x cheaper than langdetect, and when it is sure of a
long-enough text its answer stands.  Otherwise (short text, close call) langdetect - the detector
our users named, seeded for reproducibility - is consulted and the two are reconciled; py3langid
also covers languages langdetect has no profile for.  Neither knows Malay well, so the id/ms
split is decided by marker words from ``patterns/id.yaml`` / ``patterns/ms.yaml`` over a longer
sample, then py3langid restricted to the pair.  The page's declared language and the source's
configured language break close calls.  Empty or letterless text is ``und``.
"""

from __future__ import annotations

import copy
import re
import threading
from functools import lru_cache
from itertools import islice

from pipelines import patterns

MAX_CHARS = 3000  # id/ms marker counting (cheap regexes) looks at this much of the body
DETECT_CHARS = 1000  # the statistical detectors see this much: their cost is linear in length, and
# a thousand characters of running text decide the language as well as three thousand do
SHORT_CHARS = 200  # below this langdetect is unreliable and py3langid decides
# py3langid (fast) goes first; at or above this probability on SHORT_CHARS+ of text it has never been
# wrong on the benchmark bodies, so the slower langdetect is consulted only below it (close calls)
LANGID_SURE = 0.99
_LETTER = re.compile(r"[^\W\d_]")
ENOUGH_LETTERS = 40  # detect_language asks only whether a text has 0, < 12, < 40 letters, or more
_URLS = re.compile(patterns.URL_IN_TEXT + r"|\S+@\S+")
_URL_MARKS = ("@", "http", "www.")  # _URLS matches nothing in a text holding none of these


def _without_urls(text: str) -> str:
    """``text`` with web and e-mail addresses blanked. Most bodies hold none, and ``\\S+@`` retries every
    word of the text from each of its letters: those are not scanned."""
    if not any(mark in text for mark in _URL_MARKS):
        return text
    return _URLS.sub(" ", text)


_lock = threading.Lock()

# codes the detectors emit that we report under another ISO 639-1 code
_ALIASES = {
    "zh-cn": "zh",
    "zh-tw": "zh",
    "nb": "no",
    "nn": "no",
    "iw": "he",
    "in": "id",
    "jw": "jv",
    "yue": "zh",
    "wuu": "zh",
    "ary": "ar",
    "arz": "ar",
}
_ID_FAMILY = ("id", "ms")

Result = tuple[str, float, str]


def normalize_code(code: str | None) -> str | None:
    """'id-ID' -> 'id', 'zh-cn' -> 'zh', '' -> None."""
    if not code or not isinstance(code, str):
        return None
    c = code.strip().lower().replace("_", "-")
    if not c or c in ("und", "x-default", "mul", "zxx"):
        return None
    c = _ALIASES.get(c, c)
    c = c.split("-")[0]
    c = _ALIASES.get(c, c)
    return c if re.fullmatch(r"[a-z]{2,3}", c) else None


@lru_cache(maxsize=1)
def _langdetect_factory():
    from langdetect import DetectorFactory
    from langdetect.detector_factory import init_factory

    DetectorFactory.seed = 0
    init_factory()
    from langdetect import detector_factory

    detector_factory._factory.set_seed(0)
    return detector_factory._factory


@lru_cache(maxsize=1)
def _langid():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def _langid_id_ms():
    # a shallow copy restricted to the pair: it shares the full model's arrays (set_languages only
    # re-points attributes), so a second ~80 MB copy of the model is not loaded in every process
    ident = copy.copy(_langid())
    ident.set_languages(list(_ID_FAMILY))
    return ident


@lru_cache(maxsize=1)
def _langdetect_langs() -> frozenset[str]:
    return frozenset(normalize_code(c) or c for c in _langdetect_factory().get_lang_list())


def langdetect_top(text: str) -> tuple[str, float] | None:
    """Plain seeded langdetect (also used as the benchmark baseline)."""
    from langdetect.lang_detect_exception import LangDetectException

    factory = _langdetect_factory()
    with _lock:  # the seeded detector is deterministic only when calls do not interleave
        try:
            det = factory.create()
            det.set_max_text_length(DETECT_CHARS)
            det.append(text)
            probs = det.get_probabilities()
        except LangDetectException:
            return None
    if not probs:
        return None
    return normalize_code(probs[0].lang) or probs[0].lang, float(probs[0].prob)


def langid_rank(text: str) -> list[tuple[str, float]]:
    """py3langid's normalised probabilities, best first (codes as the model spells them)."""
    return [(lang, float(p)) for lang, p in _langid().rank(text)]


@lru_cache(maxsize=8)
def langid_top(text: str) -> tuple[str, float]:
    """py3langid's best (code, probability); the last few texts are remembered (one asked about again
    costs nothing).  The text stages ask once per body (``detect_language``, ``pipelines.enrich``)."""
    lang, prob = _langid().classify(text)
    return normalize_code(lang) or lang, float(prob)


def _alt_rx(words: list[str], flags: int) -> re.Pattern[str] | None:
    if not words:
        return None
    alt = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(r"(?<![\w])(?:" + alt + r")(?![\w])", flags)


@lru_cache(maxsize=1)
def _markers() -> dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]]:
    # lower-case markers match any case ("Bahawa" opening a sentence); capitalised ones ("Kamis",
    # "RM", "DPR") only as written, so the verb "kamis" or a word "rm" cannot count
    out = {}
    for lang in _ID_FAMILY:
        words = patterns.for_lang(lang)["markers"]
        lower = [w for w in words if w == w.lower()]
        upper = [w for w in words if w != w.lower()]
        out[lang] = (_alt_rx(lower, re.IGNORECASE), _alt_rx(upper, 0))
    return out


def id_ms_scores(text: str) -> dict[str, int]:
    """Marker-word hits per language of the Indonesian/Malay pair."""
    scores = {}
    for lang, rxs in _markers().items():
        scores[lang] = sum(len(rx.findall(text)) for rx in rxs if rx is not None)
    return scores


def _decide_id_ms(text: str, declared: str | None, hint: str | None) -> tuple[str, float, str]:
    """Indonesian or Malay: marker words decide when they clearly lean one way; else py3langid
    restricted to the pair when it is sure; else the page's / source's language; else the pair's
    detector anyway."""
    scores = id_ms_scores(text)
    ms, idn = scores.get("ms", 0), scores.get("id", 0)
    pair, pair_p = _langid_id_ms().classify(text)
    clear = max(ms, idn) >= 3 and abs(ms - idn) >= max(2, 0.3 * max(ms, idn))
    if clear:
        lang = "ms" if ms > idn else "id"
        return lang, round(max(ms, idn) / (ms + idn), 3), "detector"
    if pair_p >= 0.85:
        return pair, round(float(pair_p), 3), "detector"
    if ms != idn:
        lang = "ms" if ms > idn else "id"
        return lang, round(max(ms, idn) / (ms + idn), 3), "detector"
    for code, prov in ((declared, "declared"), (hint, "hint")):
        if code in _ID_FAMILY:
            return code, 0.5, prov
    return pair, float(pair_p), "detector"


_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")


def _script_check(text: str, lang: str) -> str:
    """Korean needs Hangul, Japanese needs kana; Han text without either is Chinese."""
    if lang not in ("ko", "ja", "zh"):
        return lang
    hangul, kana, han = len(_HANGUL.findall(text)), len(_KANA.findall(text)), len(_HAN.findall(text))
    if hangul > max(kana, han) * 0.2 and hangul >= 5:
        return "ko"
    if kana >= 5 and kana >= 0.05 * han:
        return "ja"
    return "zh" if han >= 5 else lang


def _head(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary (a split word is a foreign n-gram)."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit // 2, limit)
    return text[: cut if cut > 0 else limit]


def detect_language(text: str, declared: str | None = None, hint: str | None = None) -> Result:
    """(ISO 639-1 code, confidence 0..1, provenance) for a body; never raises.

    provenance is "detector" when the text decided, "declared" when the page's own language tag
    decided a close call or too-short text, "hint" when the source's configured language did."""
    declared, hint = normalize_code(declared), normalize_code(hint)
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    sample = _without_urls(text[: MAX_CHARS * 2])[:MAX_CHARS]
    letters = sum(1 for _ in islice(_LETTER.finditer(sample), ENOUGH_LETTERS))  # counted up to what is asked
    if letters == 0:  # nothing to judge; callers keep a declared language if they want one
        return "und", 0.0, "detector"
    if letters < 12:  # a word or two: nothing a detector can be trusted on
        for code, prov in ((declared, "declared"), (hint, "hint")):
            if code:
                return code, 0.3, prov
    head = _head(sample, DETECT_CHARS)
    lid, lid_p = langid_top(head)
    sure = lid_p >= LANGID_SURE and len(head) >= SHORT_CHARS
    ld = None if sure else langdetect_top(head)
    if ld is None:
        lang, prob = lid, lid_p
    else:
        ld_lang, ld_p = ld
        if lid not in _langdetect_langs() and lid_p >= 0.9:
            lang, prob = lid, lid_p  # a language langdetect has no profile for (zu, xh, ...)
        elif ld_lang == lid or (ld_lang in _ID_FAMILY and lid in _ID_FAMILY):
            lang, prob = ld_lang, max(ld_p, lid_p)
        elif len(head) < SHORT_CHARS or ld_p < 0.8:
            lang, prob = (lid, lid_p) if lid_p >= ld_p * 0.9 else (ld_lang, ld_p)
        else:
            lang, prob = ld_lang, ld_p
    prov = "detector"
    lang = _script_check(head, lang)
    if lang in _ID_FAMILY or (lid in _ID_FAMILY and lid_p > 0.5):
        lang, prob, prov = _decide_id_ms(sample, declared, hint)
    elif prob < 0.6 or letters < 40:
        # close call: trust the page's declaration, then the source's language, if one is plausible
        for code, p in ((declared, "declared"), (hint, "hint")):
            if code and code != lang:
                ranked = dict(_langid().rank(head)[:5])
                if code in ranked or letters < 40:
                    return code, round(float(ranked.get(code, prob)), 3), p
    return lang, round(float(prob), 3), prov
