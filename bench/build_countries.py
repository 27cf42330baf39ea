"""Build ``pipelines/patterns/countries.json``: the names of the world's countries and territories in
every pattern language (``pipelines.patterns.languages()``) and English, from CLDR (Babel, installed
with the project's dependencies through courlan), plus the short forms CLDR does not list
(``SHORT_FORMS``).  The pipeline reads the JSON (data); Babel is needed only to rebuild it:

    .venv/bin/python bench/build_countries.py

Used by ``pipelines.gazetteer.is_country``: a country in a dateline's brackets ("GAZA (Palestina) -",
"KUALA LUMPUR (Malaysia) -") is where the place is, not the outlet that wrote the story."""
from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines import patterns  # noqa: E402

OUT = patterns.PATTERN_DIR / "countries.json"  # where gazetteer.is_country reads it
# short or common forms used in datelines that CLDR's standard names do not give
SHORT_FORMS = [
    "Palestina", "Palestine", "Palestin", "فلسطين", "Палестина", "Filistin",
    "Korea", "Korsel", "Korut", "AS", "USA", "UK", "UAE", "RRT", "RI", "Britain", "Inggris",
    "Holland", "Czechia", "Burma", "Vatican", "Vatikan", "Taiwan", "Kosovo", "Hong Kong", "Macau",
    "Tiongkok", "China", "Cina", "RDC", "DRC", "Congo", "Kongo",
]


def fold(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold().strip()


def build() -> list[str]:
    from babel import Locale

    names: set[str] = {fold(n) for n in SHORT_FORMS}
    for lang in sorted({*patterns.languages(), "en"}):
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha() and code not in ("ZZ", "EU", "EZ", "UN", "QO"):
                names.add(fold(name))
    return sorted(n for n in names if n)


if __name__ == "__main__":
    data = build()
    OUT.write_text(json.dumps({"source": "CLDR territory names via Babel (bench/build_countries.py)",
                               "names": data}, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(data)} names -> {OUT.relative_to(ROOT)}")
