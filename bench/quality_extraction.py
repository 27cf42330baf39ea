#!/usr/bin/env python3
"""Extraction quality and speed: ``pipelines.extract:extract_text`` against plain ``trafilatura.extract``.

Both run in this one process, over the same pages, scored by the shared benchmark's own scorer
(``eval_extraction.py``: AEB 4-gram shingle P/R/F1). Speed is pages per second of this process's CPU time
(``time.process_time``), page by page, interleaved; the wall-clock ratio is printed beside it (on a shared,
loaded machine wall time also counts the time a call waited for a core). Prints one table, the targets and
whether each is met, and the extraction stage's own body before the crawl's cleaning (``extraction_only`` in
the JSON), so a change in either stage can be told apart.

    .venv/bin/python bench/quality_extraction.py [--shared DIR] [--part tune|blind|all] [--json-out F]

Each set is reported for its tuning part, its blind part (``bench/splits.json``, see ``bench/splits.py``) and
in full; the news set also per language. Tuning runs use ``--part tune`` and never look at blind pages.

The shared folder comes from ``--shared``, else the rule of ``bench/shared_data.py``:
$NEWS_INGEST_BENCH, $NEWS_SHARED_DIR, ``../shared`` beside the checkout or beside a worktree's main
checkout.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import logging
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.shared_data import shared_bench  # noqa: E402

DATASETS = ("extraction/aeb", "news")
TARGET_SPEED_RATIO = 0.8
TOKEN_RE = re.compile(r"\w+")  # the scorer's token: a page with none is "empty"


def load_scorer(shared: Path) -> ModuleType:
    path = shared / "eval_extraction.py"
    if not path.is_file():
        raise SystemExit(f"{path} not found: pass --shared or set NEWS_INGEST_BENCH")
    spec = importlib.util.spec_from_file_location("eval_extraction", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


_WARM_UP_TEXTS = (
    "Warm-up text for the language models, which a crawl process loads once when it starts.",
    # the Indonesian/Malay decision loads its own restricted identifier (~0.6 s) the first time
    "Pemerintah menyatakan bahwa harga beras di pasar induk naik menjelang Ramadan, kata pedagang kepada "
    "wartawan di Jakarta pada hari Kamis.",
)


def load_models() -> None:
    """Load what a worker loads once at start-up, before anything is timed: both language detectors
    (langdetect reads ~55 profiles, about 1 s, the first time a close call needs it; py3langid its model;
    the Indonesian/Malay identifier), every language's pattern tables and dateparser's tables. Left to happen
    inside the timed loop, each one-off cost landed on whichever page first needed it (up to 0.8 s on one
    page)."""
    from pipelines import dates, extract, language, patterns
    from pipelines.enrich import analyze_text

    for text in _WARM_UP_TEXTS:
        language.langid_top(text)
        language.langdetect_top(text)
        analyze_text(text)
    for lang in (*patterns.languages(), "cs"):  # cs: no pattern file, the all-files scope (as warm_up)
        analyze_text(_WARM_UP_TEXTS[0], lang)
    dates.warm_up()  # dateparser's tables (~140 ms on its first parse), as the crawl's warm_up
    patterns.warm_up()  # every per-scope rule and loaded-once table, as the crawl's warm_up
    # trafilatura's justext stoplist of every language (~90 ms), built by whichever call first falls back to
    # justext: left lazy it landed inside plain trafilatura's timed call on an AEB page (its default mode
    # reaches justext), so the one-off counted against plain trafilatura and lifted our AEB ratio by ~0.03
    extract.warm_up()


def make_ours() -> tuple[Callable[[str, str | None], str], dict[str, list[float]], Counter[str], list[str]]:
    """extract_text, instrumented: per-stage milliseconds, drop reasons and the extraction stage's own body
    (before cleaning) on the side."""
    from pipelines import extract as ex

    load_models()

    stage_ms: dict[str, list[float]] = {"extract": [], "analyze": [], "extract_cpu": []}
    drops: Counter[str] = Counter()
    extracted: list[str] = []

    def run(html: str, url: str | None) -> str:
        t0, c0 = time.perf_counter(), time.process_time()
        res = ex.extract(html, url)
        t1 = time.perf_counter()
        stage_ms["extract"].append((t1 - t0) * 1000)
        stage_ms["extract_cpu"].append((time.process_time() - c0) * 1000)
        extracted.append(res.article.body if res.ok else "")
        if not res.ok:
            drops[res.drop_reason or "?"] += 1
            return ""
        text = ex.final_body(res.article)
        stage_ms["analyze"].append((time.perf_counter() - t1) * 1000)
        return text

    return run, stage_ms, drops, extracted


def run_interleaved(
    fns: tuple[Callable[[str, str | None], str | None], ...],
    pages: list[dict[str, Any]],
    warmup: int,
    stage_ms: dict[str, list[float]],
    drops: Counter[str],
) -> list[list[dict[str, Any]]]:
    """Run every extractor on each page in turn (order alternating), so load on a shared machine hits all
    of them alike. Returns one prediction list per extractor, in the scorer's format."""
    htmls = [
        gzip.decompress(Path(p["html_path"]).read_bytes()).decode("utf-8", errors="replace") for p in pages
    ]
    for html, p in list(zip(htmls, pages, strict=True))[:warmup]:
        for fn in fns:
            fn(html, p["url"])
    for v in stage_ms.values():
        v.clear()
    drops.clear()
    out: list[list[dict[str, Any]]] = [[] for _ in fns]
    for i, (html, p) in enumerate(zip(htmls, pages, strict=True)):
        order = range(len(fns)) if i % 2 == 0 else reversed(range(len(fns)))
        for k in order:
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                text, status, err = fns[k](html, p["url"]), "ok", None
            except Exception as e:  # noqa: BLE001 - counted as a failed page, like the shared runner does
                text, status, err = None, "exception", f"{type(e).__name__}: {e}"
            secs, cpu = time.perf_counter() - t0, time.process_time() - c0
            if status == "ok" and not TOKEN_RE.search(text or ""):
                status = "empty"
            out[k].append({"text": text, "status": status, "error": err, "seconds": secs, "cpu_seconds": cpu})
    return out


def plain_trafilatura(html: str, url: str | None) -> str | None:
    import trafilatura

    return trafilatura.extract(html, url=url)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = str(shared_bench())
    ap.add_argument("--shared", default=default, help=f"shared bench folder (default {default})")
    ap.add_argument("--limit", type=int, default=0, help="first N pages of each set only")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--bootstrap", type=int, default=200)
    ap.add_argument("--json-out", help="write all numbers as JSON here")
    ap.add_argument("--per-page", help="write per-page F1 of both extractors (JSON lines) here")
    ap.add_argument("--part", choices=("tune", "blind", "all"), default="all",
                    help="run only this part of the split (tuning runs use --part tune)")
    ap.add_argument("--include-blind", action="store_true", help="--per-page also writes blind pages")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO / "bench"))
    from splits import load as load_splits
    from splits import part_of

    splits = load_splits()

    logging.disable(logging.CRITICAL)
    warnings.filterwarnings("ignore")
    shared = Path(args.shared).resolve()
    ev = load_scorer(shared)
    ours, stage_ms, drops, extracted = make_ours()
    pick_enrich = "pipelines.enrich" if importlib.util.find_spec("pipelines.enrich") else "missing (raw body)"

    report: dict[str, Any] = {"shared": str(shared), "enrich": pick_enrich, "datasets": {}}
    per_page = open(args.per_page, "w", encoding="utf-8") if args.per_page else None  # noqa: SIM115
    cols = ("P", "R", "F1")
    head = f"{'dataset':<8} {'extractor':<28} {'n':>4} " + " ".join(f"{c:>6}" for c in cols)
    head += f" {'pages/s':>8} {'med ms':>7}  fail"
    print(head)
    all_ok = True
    for rel in DATASETS:
        _, pages = ev.load_dataset(str(shared / rel))
        name = Path(rel).name
        parts = {p["id"]: part_of(splits, name, p) for p in pages}
        if args.part != "all":
            pages = [p for p in pages if parts[p["id"]] == args.part]
        if args.limit:
            pages = pages[: args.limit]
        rows_by: dict[str, Any] = {}
        labels = ("trafilatura.extract", "extract_text")
        preds_by = run_interleaved((plain_trafilatura, ours), pages, args.warmup, stage_ms, drops)
        raw_preds = [
            {"text": t, "status": "ok" if TOKEN_RE.search(t) else "empty", "error": None, "seconds": 0}
            for t in extracted[-len(pages):]
        ]
        raw_rows, raw_m = ev.score_dataset(pages, raw_preds, 0, 0)
        report["datasets"].setdefault(name, {})["extraction_only"] = {
            k: raw_m[k] for k in ("precision", "recall", "f1", "n")
        }
        for label, preds in zip(labels, preds_by, strict=True):
            rows, m = ev.score_dataset(pages, preds, args.bootstrap, 0)
            secs = [p["seconds"] for p in preds]
            m["pages_per_s"] = len(secs) / sum(secs)
            m["pages_per_cpu_s"] = len(preds) / sum(p["cpu_seconds"] for p in preds)
            m["median_ms"] = statistics.median(secs) * 1000
            if label == "extract_text":
                m["drops"] = dict(drops)
                m["stage_median_ms"] = {k: statistics.median(v) for k, v in stage_ms.items() if v}
                m["extract_stage_pages_per_s"] = len(stage_ms["extract"]) / (sum(stage_ms["extract"]) / 1000)
                m["extract_stage_pages_per_cpu_s"] = len(stage_ms["extract_cpu"]) / (
                    sum(stage_ms["extract_cpu"]) / 1000)
            rows_by[label] = rows
            report["datasets"].setdefault(name, {})[label] = {
                k: v for k, v in m.items() if not k.endswith("_std")
            }
            print(
                f"{name:<8} {label:<28} {m['n']:>4} {m['precision']:>6.3f} {m['recall']:>6.3f} "
                f"{m['f1']:>6.3f} {m['pages_per_s']:>8.1f} {m['median_ms']:>7.1f}  "
                f"{m['exceptions']}/{m['empty']}"
            )
        print(f"  {'(extract_text before cleaning)':<37} {raw_m['n']:>4} {raw_m['precision']:>6.3f} "
              f"{raw_m['recall']:>6.3f} {raw_m['f1']:>6.3f}")
        shown = ("tune", "blind") if args.part == "all" else ()
        for part in shown:
            sub = [r for r in raw_rows if parts[r["id"]] == part]
            pm = ev.score_pages(sub, 0)
            only = report["datasets"][name]["extraction_only"]
            only[part] = {k: pm[k] for k in ("precision", "recall", "f1")}
        for part in shown:
            for label in labels:
                sub = [r for r in rows_by[label] if parts[r["id"]] == part]
                pm = ev.score_pages(sub, 0)
                report["datasets"][name][label][part] = {k: pm[k] for k in ("precision", "recall", "f1", "n")}
                print(f"  {part:<6} {label:<28} {pm['n']:>4} {pm['precision']:>6.3f} {pm['recall']:>6.3f} "
                      f"{pm['f1']:>6.3f}")
        if name == "news":
            langs: dict[str, list[int]] = {}
            for i, r in enumerate(rows_by["extract_text"]):
                langs.setdefault(r["language"] or "?", []).append(i)
            by_lang = report["datasets"][name]["by_language"] = {}
            print(f"  {'lang':<6} {'n':>3}  {'trafilatura F1':>14} {'extract_text F1':>15}  delta"
                  + ("   (tune / blind F1 of extract_text)" if shown else ""))
            for lang in sorted(langs, key=lambda k: (-len(langs[k]), k)):
                idx = langs[lang]
                base_f1 = ev.score_pages([rows_by["trafilatura.extract"][i] for i in idx], 0)["f1"]
                ours_f1 = ev.score_pages([rows_by["extract_text"][i] for i in idx], 0)["f1"]
                by_lang[lang] = {"n": len(idx), "trafilatura": base_f1, "extract_text": ours_f1}
                extra = ""
                for part in shown:
                    mine = rows_by["extract_text"]
                    sub = [mine[i] for i in idx if parts[mine[i]["id"]] == part]
                    f = ev.score_pages(sub, 0)["f1"] if sub else float("nan")
                    by_lang[lang][part] = f
                    extra += f" {f:6.3f}"
                delta = ours_f1 - base_f1
                print(f"  {lang:<6} {len(idx):>3}  {base_f1:>14.3f} {ours_f1:>15.3f} {delta:+.3f}{extra}")
        if per_page:
            for a, b in zip(rows_by["trafilatura.extract"], rows_by["extract_text"], strict=True):
                if parts[a["id"]] != "tune" and not args.include_blind:
                    continue
                per_page.write(
                    json.dumps(
                        {
                            "dataset": name,
                            "id": a["id"],
                            "trafilatura_f1": round(a["f1"], 4),
                            "ours_f1": round(b["f1"], 4),
                            "ours_p": round(b["precision"], 4),
                            "ours_r": round(b["recall"], 4),
                        }
                    )
                    + "\n"
                )
        base, mine = report["datasets"][name]["trafilatura.extract"], report["datasets"][name]["extract_text"]
        wall_ratio = mine["pages_per_s"] / base["pages_per_s"]
        ratio = mine["pages_per_cpu_s"] / base["pages_per_cpu_s"]
        extract_ratio = mine["extract_stage_pages_per_cpu_s"] / base["pages_per_cpu_s"]
        f1_ok = mine["f1"] > base["f1"] if name == "news" else mine["f1"] >= base["f1"]
        speed_ok = ratio >= TARGET_SPEED_RATIO
        all_ok &= f1_ok and speed_ok
        report["datasets"][name]["targets"] = {
            "f1": f1_ok,
            "speed_ratio": ratio,
            "speed_ratio_wall": wall_ratio,
            "speed": speed_ok,
            "extract_stage_speed_ratio": extract_ratio,
        }
        print(
            f"  -> F1 {mine['f1'] - base['f1']:+.3f} vs trafilatura ({'ok' if f1_ok else 'MISSED'}); "
            f"speed {ratio:.2f}x in CPU time ({'ok' if speed_ok else 'MISSED'}, "
            f"target >= {TARGET_SPEED_RATIO}; "
            f"extraction stage alone {extract_ratio:.2f}x; wall clock {wall_ratio:.2f}x); "
            f"stage median ms {json.dumps({k: round(v, 2) for k, v in mine['stage_median_ms'].items()})}; "
            f"drops {mine['drops'] or 0}"
        )
    print(f"cleaning stage: {pick_enrich}")
    print("targets:", "all met" if all_ok else "NOT all met")
    if per_page:
        per_page.close()
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
