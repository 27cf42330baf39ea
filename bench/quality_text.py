"""Quality and speed of the text stages (cleaning, language, attribution).

    .venv/bin/python bench/quality_text.py [--shared ../shared/bench] [--json out.json]

1. Attribution / boilerplate / language on ``attribution/sample.jsonl`` through the shared scorer
   (``attribution/score.py``) with ``pipelines.enrich:analyze_text``; targets: sources F1 >= 0.95,
   boilerplate removal >= 0.95, dateline outlet accuracy >= 0.95.
2. Language accuracy per language on the true bodies of ``news/**/*.truth.json``, full body and
   first sentence, ours next to plain seeded langdetect, plus the Malay/Indonesian fixtures.
3. Median milliseconds per article of each stage (clean, language, attribution) over those bodies.
Exits non-zero when an attribution target is missed.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.enrich import analyze_text  # noqa: E402
from pipelines.language import detect_language, langdetect_top  # noqa: E402

TARGETS = {"sources_f1": 0.95, "boilerplate_removed": 0.95, "dateline_accuracy": 0.95}
_FIRST_SENT = re.compile(r"^(.{20,}?[.!?。！？])(?:\s|$)", re.S)


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    m = _FIRST_SENT.match(text)
    return (m.group(1) if m else text)[:300]


def run_scorer(shared: Path) -> dict:
    score_py = shared / "attribution" / "score.py"
    data = shared / "attribution" / "sample.jsonl"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        proc = subprocess.run(
            [sys.executable, str(score_py), str(data), "pipelines.enrich:analyze_text", "--json", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        print(proc.stdout.split("\nper language")[0])
        if proc.returncode != 0 or not out.exists():
            print(proc.stderr, file=sys.stderr)
            raise SystemExit("attribution scorer failed")
        return json.loads(out.read_text())


def _get(report: dict, *path: str) -> float | None:
    node = report
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node if isinstance(node, (int, float)) else None


def attribution_targets(report: dict) -> dict[str, float | None]:
    overall = report.get("overall", report)
    return {
        "sources_f1": _get(overall, "sources", "f1"),
        "boilerplate_removed": _get(overall, "boilerplate", "must_not_contain_removed"),
        "dateline_accuracy": _get(overall, "dateline_outlet", "accuracy"),
    }


def language_bench(shared: Path) -> tuple[dict, list[dict[str, float]]]:
    bodies: list[tuple[str, str]] = []
    for path in sorted(glob.glob(str(shared / "news" / "**" / "*.truth.json"), recursive=True)):
        truth = json.loads(Path(path).read_text(encoding="utf-8"))
        if truth.get("body") and truth.get("language"):
            bodies.append((truth["language"], truth["body"]))
    for path in sorted((ROOT / "tests" / "fixtures" / "text").glob("*.txt")):
        lang = path.name.split("_")[0]
        bodies.append((lang, path.read_text(encoding="utf-8")))
    stats: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    timings: list[dict[str, float]] = []
    for gold, body in bodies:
        for kind, text in (("full", body), ("first", first_sentence(body))):
            ours = detect_language(text)[0]
            base = langdetect_top(text)
            for name, pred in (("ours", ours), ("langdetect", base[0] if base else "und")):
                cell = stats[gold][f"{name}_{kind}"]
                cell[0] += int(pred == gold)
                cell[1] += 1
        t: dict[str, float] = {}
        analyze_text(body, None, timings=t)
        timings.append(t)
    return stats, timings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.environ.get("SHARED_BENCH", str(ROOT.parent / "shared" / "bench")))
    ap.add_argument("--json", help="write all numbers here")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "attribution" / "sample.jsonl").exists():
        raise SystemExit(f"shared bench data not found under {shared} (use --shared)")

    print("== attribution / boilerplate / language (attribution/sample.jsonl)")
    report = run_scorer(shared)
    targets = attribution_targets(report)
    failed = []
    for key, goal in TARGETS.items():
        val = targets[key]
        ok = val is not None and val >= goal
        failed += [] if ok else [key]
        shown = "n/a" if val is None else f"{val:.3f}"
        print(f"  {key:22s} {shown:>6}  target >= {goal}  {'ok' if ok else 'MISSED'}")

    print("\n== language accuracy (news bodies + id/ms fixtures): full body | first sentence")
    stats, timings = language_bench(shared)
    cols = ("ours_full", "langdetect_full", "ours_first", "langdetect_first")
    print(f"  {'lang':6s} {'n':>3s}  " + "  ".join(f"{c:>16s}" for c in cols))
    totals = defaultdict(lambda: [0, 0])
    for lang in sorted(stats, key=lambda k: -stats[k]["ours_full"][1]):
        row = stats[lang]
        for c in cols:
            totals[c][0] += row[c][0]
            totals[c][1] += row[c][1]
        print(
            f"  {lang:6s} {row['ours_full'][1]:3d}  "
            + "  ".join(f"{row[c][0] / row[c][1]:16.3f}" for c in cols)
        )
    print(
        f"  {'all':6s} {totals['ours_full'][1]:3d}  "
        + "  ".join(f"{totals[c][0] / totals[c][1]:16.3f}" for c in cols)
    )

    print("\n== median ms per article and stage")
    medians = {k: statistics.median(t[k] for t in timings) for k in ("clean", "language", "attribution")}
    for k, v in medians.items():
        print(f"  {k:12s} {v:7.2f} ms")

    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "attribution": targets,
                    "attribution_report": report,
                    "language": {lang: {c: stats[lang][c] for c in cols} for lang in stats},
                    "language_overall": {c: totals[c][0] / totals[c][1] for c in cols},
                    "median_ms": medians,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    if failed:
        print(f"\nMISSED targets: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
