#!/usr/bin/env python3
"""What the cleaning stage removes that the truth keeps, on the tuning pages of AEB and the news set only.

For each tuning page (``bench/splits.json``; blind pages are never read here): the lines of the extraction
stage's body (``extract().article.body``) that are not lines of ``extract_text``'s final body, with the kind
``removed_segments`` records for them (``partial:<kind>``: the line stays with its head cut off, a dateline
or an agency stamp) and whether the truth holds the line (half or more of its 4-word shingles, or of its words
for a shorter line, are the truth's). Tallied by kind, with the set's F1 if that kind's lines were put back
(mean page precision and recall by the shared scorer), and the cost of the removals by design together
(``BY_DESIGN``: datelines, credit lines, bylines, copyright / republish notes, photo credits).

    .venv/bin/python bench/cleaning_losses.py [--shared DIR] [--half A|B] [--pages N] [--lines KIND ...]

``--lines`` prints the removed lines of those kinds (``truth``: every removed line the truth holds).
``--half A`` / ``--half B``: one half of the tuning pages only (``tune_half``: a hash of the split unit, the
page on AEB, the publisher on news), so a rule can be made stricter reading one half and judged on the other.
``--pages N``: the N pages whose recall the cleaning lowers most, with the kinds of the true lines it took.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import logging
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench.shared_data import shared_bench  # noqa: E402

BY_DESIGN = frozenset({
    "partial:None", "partial:byline_agency", "partial:photo_credit", "copyright", "republish", "credit_line",
    "attribution", "byline", "photo_credit", "footer",
})


def tune_half(set_name: str, unit: str) -> str:
    """'A' or 'B': the half of the tuning part a split unit falls in (a hash of its name, not scores)."""
    return "AB"[int(hashlib.sha1(f"{set_name}:half:{unit}".encode()).hexdigest(), 16) % 2]


def _shingles(toks: list[str]) -> set[tuple[str, ...]]:
    return {tuple(toks[i:i + 4]) for i in range(len(toks) - 3)}


def _in_truth(ev: Any, line: str, truth_shingles: set[tuple[str, ...]], truth_words: set[str]) -> float:
    toks = ev.tokenize(line)
    if not toks:
        return 1.0
    if len(toks) >= 4:
        sh = [tuple(toks[i:i + 4]) for i in range(len(toks) - 3)]
        return sum(s in truth_shingles for s in sh) / len(sh)
    return sum(t in truth_words for t in toks) / len(toks)


def _put_back(record: dict[str, Any], kinds: set[str] | frozenset[str]) -> str:
    text = record["final"]
    extra = []
    for g in record["gone"]:
        if g["kind"] in kinds:
            if g["part"]:
                text = text.replace(g["part"], g["line"], 1)
            else:
                extra.append(g["line"])
    return text + ("\n" + "\n".join(extra) if extra else "")


def _prf(ev: Any, records: list[dict[str, Any]], texts: list[str]) -> tuple[float, float, float]:
    p = r = 0.0
    for rec, text in zip(records, texts, strict=True):
        tp, fp, fn = ev.page_counts(rec["truth"], text)
        p += ev.page_precision(tp, fp, fn)
        r += ev.page_recall(tp, fp, fn)
    p, r = p / len(records), r / len(records)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _fmt(prf: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.4f}" for x in prf)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(shared_bench()))
    ap.add_argument("--lines", nargs="*", default=[])
    ap.add_argument("--half", choices=("A", "B"), help="one half of the tuning pages only")
    ap.add_argument("--pages", type=int, default=0, help="list the N pages whose recall drops most")
    args = ap.parse_args()
    from quality_extraction import load_models, load_scorer
    from splits import load as load_splits
    from splits import part_of, unit_of

    from pipelines import extract as ex
    from pipelines.clean import normalize_text
    from pipelines.enrich import enrich

    logging.disable(logging.CRITICAL)
    warnings.filterwarnings("ignore")
    shared = Path(args.shared).resolve()
    ev = load_scorer(shared)
    splits = load_splits()
    load_models()
    for rel in ("extraction/aeb", "news"):
        name = Path(rel).name
        _, pages = ev.load_dataset(str(shared / rel))
        records: list[dict[str, Any]] = []
        for p in pages:
            if part_of(splits, name, p) != "tune":
                continue
            if args.half and tune_half(name, unit_of(name, p)) != args.half:
                continue
            html = gzip.decompress(Path(p["html_path"]).read_bytes()).decode("utf-8", errors="replace")
            res = ex.extract(html, p["url"])
            if res.article is None:
                continue
            raw = [ln.strip() for ln in normalize_text(res.article.body or "").split("\n") if ln.strip()]
            final_article = enrich(res.article)
            final = final_article.body or ""
            kept = {ln.strip() for ln in final.split("\n")}
            segs = [s for s in final_article.removed_segments if isinstance(s, dict) and s.get("text")]
            toks = ev.tokenize(p["truth"])
            truth_shingles, truth_words = _shingles(toks), set(toks)
            gone = []
            for ln in raw:
                if ln in kept:
                    continue
                part = max((k for k in kept if k and len(k) >= 20 and k in ln), key=len, default=None)
                kind = next((s["kind"] for s in segs if s["text"].strip() == ln), None)
                if kind is None:  # a segment cut out of the line (a dateline, a stamp)
                    kind = next((s["kind"] for s in segs if (t := s["text"].strip()) and t in ln), None)
                kind = f"partial:{kind}" if part else str(kind)
                gone.append({"line": ln, "kind": kind, "part": part,
                             "truth": _in_truth(ev, ln, truth_shingles, truth_words)})
            records.append({"id": p["id"], "truth": p["truth"], "raw": "\n".join(raw), "final": final,
                            "gone": gone})
        base = _prf(ev, records, [r["final"] for r in records])
        stage = _prf(ev, records, [r["raw"] for r in records])
        half = f" (half {args.half})" if args.half else ""
        print(f"== {name}: {len(records)} tune pages{half}; extract_text P/R/F1 {_fmt(base)}; "
              f"extraction stage {_fmt(stage)}")
        tally: dict[str, Counter[str]] = {}
        for r in records:
            for g in r["gone"]:
                t = tally.setdefault(g["kind"], Counter())
                t["lines"] += 1
                t["chars"] += len(g["line"])
                if g["truth"] >= 0.5:
                    t["in_truth"] += 1
                    t["truth_chars"] += len(g["line"])
        print(f"  {'kind':<26} {'lines':>5} {'chars':>6} {'in truth':>8} {'chars':>6}   put back: dP dR dF1")
        for kind, t in sorted(tally.items(), key=lambda kv: -kv[1]["truth_chars"]):
            after = _prf(ev, records, [_put_back(r, {kind}) for r in records])
            print(f"  {kind:<26} {t['lines']:>5} {t['chars']:>6} {t['in_truth']:>8} {t['truth_chars']:>6}   "
                  f"{after[0] - base[0]:+.4f} {after[1] - base[1]:+.4f} {after[2] - base[2]:+.4f}")
        design = _prf(ev, records, [_put_back(r, BY_DESIGN) for r in records])
        n_lines = sum(1 for r in records for g in r["gone"] if g["kind"] in BY_DESIGN)
        n_pages = sum(1 for r in records if any(g["kind"] in BY_DESIGN for g in r["gone"]))
        print(f"  by design ({n_lines} lines on {n_pages} pages) put back: P/R/F1 {_fmt(design)} "
              f"(F1 {design[2] - base[2]:+.4f}, recall {design[1] - base[1]:+.4f})")
        drops = []
        for r in records:
            r_stage = ev.page_recall(*ev.page_counts(r["truth"], r["raw"]))
            r_final = ev.page_recall(*ev.page_counts(r["truth"], r["final"]))
            kinds = Counter(g["kind"] for g in r["gone"] if g["truth"] >= 0.5)
            drops.append((r_stage - r_final, r["id"], kinds))
        for d, pid, kinds in sorted(drops, key=lambda t: -t[0])[:args.pages]:
            print(f"    recall -{d:.4f} {pid[:40]:<40} {dict(kinds)}")
        for r in records:
            for g in r["gone"]:
                if g["kind"] in args.lines or ("truth" in args.lines and g["truth"] >= 0.5):
                    print(f"    {r['id'][:40]:<40} {g['kind']:<20} {g['truth']:.2f} {g['line'][:140]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
