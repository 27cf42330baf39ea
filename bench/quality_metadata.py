#!/usr/bin/env python3
"""Metadata quality: title, authors, publication date — ours vs trafilatura's metadata vs htmldate, one run.

On the news set's truth files (``title``, ``authors``, ``publishing_date``), every system on every page in
this one process, reported for the tuning part, the blind part (``bench/splits.json``) and the full set:

- **title**: exact match after normalisation (NFKC, case, quotes/dashes, whitespace, edge punctuation,
  invisible soft hyphens and zero-width marks);
- **authors F1**: per-page set F1 of normalised names (both empty = 1), mean over pages. Two columns:
  *people* drops, on both sides alike, credits that are a news agency (``pipelines/patterns/agencies.yaml``)
  or the outlet itself (the truth's publisher names or the page's own ``og:site_name``/``application-name``,
  accents folded) — in this project those are attribution, not authors;
  *as given* scores the truth lists untouched (Fundus lists ``dpa``, ``AP``, ``ORF.at`` as authors);
- **date day / minute**: the publication date on the truth's calendar day (in the truth's zone), and
  within 60 seconds of it (a date-only answer counts as midnight);
- **has**: share of pages where the system gave a value at all (for authors also *people*: a person named,
  outlet and agency credits aside as in the people score).

"ours" is what the pipeline indexes: ``pipelines.process.process_page`` (extraction, then cleaning, which adds
bylines found in the body) with the hints the crawl gives: the source's country and the fetch time (the
truth file's ``crawl_date``, what a crawler knows of every page it fetched; a relative dateline such as
"2 jam lalu" is counted back from it). trafilatura is
``trafilatura.extract_metadata(html, default_url=url)`` (its date is htmldate's day). htmldate is
``find_date(html, url=url, original_date=True, outputformat='%Y-%m-%dT%H:%M:%S%z')``.

    .venv/bin/python bench/quality_metadata.py [--shared DIR] [--json-out F] [--per-page F [--include-blind]]

``--per-page`` writes the tuning pages only, unless ``--include-blind`` (for the final report, not tuning).
"""

from __future__ import annotations

import argparse
import gzip
import html as html_lib
import json
import logging
import re
import statistics
import sys
import time
import unicodedata
import warnings
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from quality_extraction import load_scorer  # noqa: E402
from splits import load as load_splits  # noqa: E402
from splits import part_of  # noqa: E402

from bench.shared_data import shared_bench  # noqa: E402

PARTS = ("tune", "blind", "full")
FIELDS = ("title", "authors_people", "authors_given", "date_day", "date_minute")
TARGETS = {"title": 0.85, "authors_people": 0.88, "date_day": 0.99, "date_minute": 0.96}

_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛“”„«»‹›\"`´"} | {c: "-" for c in "–—‐‑‒―−"})
_WS = re.compile(r"\s+")


# ------------------------------------------------------------------------------------------ normalising


_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")  # soft hyphen, zero-width marks: never seen


def norm_title(text: str | None) -> str:
    t = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text or "")).casefold().translate(_QUOTES)
    return _WS.sub(" ", t).strip(" .:;,-|")


def norm_name(text: str | None) -> str:
    t = unicodedata.normalize("NFKC", text or "").casefold().translate(_QUOTES)
    return _WS.sub(" ", t).strip(" .,;:-|")


def _squash(text: str) -> str:
    """Letters and digits only, accents folded ("Habertürk" = "Haberturk"), a leading "the" dropped."""
    decomposed = unicodedata.normalize("NFKD", norm_name(text))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", folded.removeprefix("the "))


_SITE_NAME_META = re.compile(
    r"<meta\s[^>]*(?:property|name)\s*=\s*[\"'](?:og:site_name|application-name)[\"'][^>]*>", re.I
)
_CONTENT = re.compile(r"content\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)


def outlet_names(truth: dict[str, Any], html: str) -> list[str]:
    """How the outlet names itself: the truth's publisher names and the page's own og:site_name /
    application-name (the truth lists "朝日新聞デジタル", the page's site name, for the Asahi Shimbun)."""
    names = [truth.get("publisher_name"), truth.get("publisher")]
    for tag in _SITE_NAME_META.findall(html[:200_000]):
        if m := _CONTENT.search(tag):
            names.append(html_lib.unescape(m.group(1) or m.group(2) or ""))
    return [k for k in (_squash(x) for x in names if x) if k]


def is_credit_not_person(name: str, outlet_names: list[str]) -> bool:
    """An agency or the outlet itself (the same rule is applied to the truth and to every system)."""
    from pipelines import patterns

    src = patterns.alias_table().resolve(name)
    if src is not None and src.is_agency:
        return True
    key = _squash(name)
    return any(key and (key == o or (len(o) >= 4 and key.startswith(o))) for o in outlet_names if o)


def author_f1(truth: list[str], pred: list[str]) -> float:
    t = {norm_name(x) for x in truth if norm_name(x)}
    p = {norm_name(x) for x in pred if norm_name(x)}
    if not t and not p:
        return 1.0
    if not t or not p:
        return 0.0
    return 2 * len(t & p) / (len(t) + len(p))


def read_when(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _aware(dt: datetime) -> bool:
    return dt.tzinfo is not None and dt.utcoffset() is not None


def same_day(truth: datetime, pred: datetime | None) -> bool:
    if pred is None:
        return False
    if _aware(truth) and _aware(pred):
        return pred.astimezone(truth.tzinfo).date() == truth.date()
    return pred.date() == truth.date()


def same_minute(truth: datetime, pred: datetime | None) -> bool:
    if pred is None:
        return False
    if _aware(truth) and _aware(pred):
        return abs(pred - truth) < timedelta(seconds=60)
    return abs(pred.replace(tzinfo=None) - truth.replace(tzinfo=None)) < timedelta(seconds=60)  # wall clocks


# ------------------------------------------------------------------------------------------ systems


def ours(html: str, url: str | None, country: str | None, fetched_at: str | None = None) -> dict[str, Any]:
    from pipelines.process import process_page

    res = process_page(html, url or "", {"country": country, "fetched_at": fetched_at})
    a = res.article
    if a is None:
        return {"title": None, "authors": [], "date": None, "note": res.drop_reason}
    return {"title": a.title, "authors": list(a.authors or []), "date": a.published_at,
            "provenance": {k: a.provenance.get(k) for k in ("title", "authors", "published_at")}}


def trafilatura_meta(html: str, url: str | None, country: str | None, fetched_at: str | None = None
                     ) -> dict[str, Any]:
    import trafilatura

    m = trafilatura.extract_metadata(html, default_url=url)
    if m is None:
        return {"title": None, "authors": [], "date": None}
    authors = [x.strip() for x in (m.author or "").split(";") if x.strip()]
    return {"title": m.title, "authors": authors, "date": m.date}


def htmldate_only(html: str, url: str | None, country: str | None, fetched_at: str | None = None
                  ) -> dict[str, Any]:
    from htmldate import find_date

    d = find_date(html, url=url, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z")
    return {"date": d}  # a date finder only: no title, no authors


SYSTEMS = (("ours", ours), ("trafilatura", trafilatura_meta), ("htmldate", htmldate_only))


# ------------------------------------------------------------------------------------------ scoring


def score_page(truth: dict[str, Any], out: dict[str, Any], outlet_names: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    if "title" in out:
        row["title"] = float(norm_title(out.get("title")) == norm_title(truth.get("title")))
        row["has_title"] = float(bool(out.get("title")))
    if out.get("authors") is not None:
        given = [x for x in truth.get("authors") or [] if x]
        pred = out["authors"]
        row["authors_given"] = author_f1(given, pred)
        people = [x for x in pred if not is_credit_not_person(x, outlet_names)]
        row["authors_people"] = author_f1(
            [x for x in given if not is_credit_not_person(x, outlet_names)], people)
        row["has_authors"] = float(bool(pred))
        row["has_people"] = float(bool(people))  # a person named (has_authors counts outlets, agencies too)
    want = read_when(truth.get("publishing_date"))
    got = read_when(out.get("date"))
    if want is not None:
        row["date_day"] = float(same_day(want, got))
        row["date_minute"] = float(same_minute(want, got))
        row["has_date"] = float(got is not None)
    return row


def summarise(rows: list[dict[str, Any]]) -> dict[str, float]:
    out: dict[str, float] = {"n": len(rows)}
    for key in (*FIELDS, "has_title", "has_authors", "has_people", "has_date"):
        vals = [r[key] for r in rows if key in r]
        if vals:
            out[key] = statistics.mean(vals)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = str(shared_bench())
    ap.add_argument("--shared", default=default, help=f"shared bench folder (default {default})")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--json-out")
    ap.add_argument("--per-page", help="per-page values and scores (JSON lines) of the tuning pages")
    ap.add_argument("--include-blind", action="store_true", help="--per-page also writes blind pages")
    ap.add_argument("--part", choices=("tune", "blind", "all"), default="all",
                    help="run only this part of the split (tuning runs use --part tune)")
    args = ap.parse_args()
    logging.disable(logging.CRITICAL)
    warnings.filterwarnings("ignore")

    shared = Path(args.shared).resolve()
    ev = load_scorer(shared)
    splits = load_splits()
    _, pages = ev.load_dataset(str(shared / "news"))
    if args.part != "all":
        pages = [p for p in pages if part_of(splits, "news", p) == args.part]
    if args.limit:
        pages = pages[: args.limit]
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {s: {p: [] for p in PARTS} for s, _ in SYSTEMS}
    ms: dict[str, list[float]] = {s: [] for s, _ in SYSTEMS}
    per_page = open(args.per_page, "w", encoding="utf-8") if args.per_page else None  # noqa: SIM115
    for i, page in enumerate(pages):
        html = gzip.decompress(Path(page["html_path"]).read_bytes()).decode("utf-8", errors="replace")
        truth = json.loads(Path(page["html_path"][: -len(".html.gz")] + ".truth.json").read_text("utf-8"))
        country = page["id"].split("/")[0]
        outlets = outlet_names(truth, html)
        part = part_of(splits, "news", page)
        order = SYSTEMS if i % 2 == 0 else tuple(reversed(SYSTEMS))
        record: dict[str, Any] = {"id": page["id"], "part": part}
        for name, fn in order:
            t0 = time.perf_counter()
            try:
                out = fn(html, page["url"], country, truth.get("crawl_date"))
            except Exception as e:  # noqa: BLE001 - a failing system scores 0 on the page, as in the text bench
                out = {"title": None, "authors": [], "date": None, "error": f"{type(e).__name__}: {e}"}
            ms[name].append((time.perf_counter() - t0) * 1000)
            scored = score_page(truth, out, outlets)
            rows[name][part].append(scored)
            rows[name]["full"].append(scored)
            record[name] = {"out": out, "score": scored}
        if per_page and (part == "tune" or args.include_blind):
            record["truth"] = {k: truth.get(k) for k in ("title", "authors", "publishing_date")}
            per_page.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    if per_page:
        per_page.close()

    report: dict[str, Any] = {"shared": str(shared), "splits": splits["rule"], "systems": {}}
    head = f"{'part':<6} {'system':<12} {'n':>4} " + " ".join(f"{f:>14}" for f in FIELDS)
    head += f" {'has t/a/p/d':>20} {'med ms':>7}"
    print(head)
    for part in PARTS if args.part == "all" else (args.part,):
        for name, _ in SYSTEMS:
            m = summarise(rows[name][part])
            m["median_ms"] = statistics.median(ms[name]) if ms[name] else float("nan")
            report["systems"].setdefault(name, {})[part] = m
            cells = " ".join(f"{m[f]:>14.3f}" if f in m else f"{'-':>14}" for f in FIELDS)
            has = "/".join(f"{m[k]:.2f}" if k in m else "-"
                           for k in ("has_title", "has_authors", "has_people", "has_date"))
            print(f"{part:<6} {name:<12} {m['n']:>4} {cells} {has:>20} {m['median_ms']:>7.1f}")
    shown = "blind" if args.part == "all" else args.part
    mine = report["systems"]["ours"][shown]
    print(f"targets (ours, {shown} part):", ", ".join(
        f"{f} {mine.get(f, 0):.3f} {'ok' if mine.get(f, 0) >= t else 'MISSED'} (>= {t})"
        for f, t in TARGETS.items()))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
