#!/usr/bin/env python3
"""The tuning/blind split of the development sets, so a tuned number and a blind number can be told apart.

Rule (deterministic, from names only, never from scores): a unit is blind when
``int(sha1(f"{set}:{unit}").hexdigest(), 16) % 100 < BLIND_PERCENT``. The unit is the publisher on the news
set (all pages of a publisher fall on one side, so a site's markup cannot leak from tuning into blind) and
the page id on AEB. ``bench/splits.json`` holds the rule and the resulting lists; the benchmarks read it and
report tune, blind and full-set numbers. Nobody tuning looks at blind pages or their per-page errors.

    .venv/bin/python bench/splits.py [--shared ../shared/bench]    # (re)writes bench/splits.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from bench.shared_data import shared_bench  # noqa: E402

SPLITS_PATH = REPO / "bench" / "splits.json"
BLIND_PERCENT = 35


def is_blind(set_name: str, unit: str, percent: int = BLIND_PERCENT) -> bool:
    return int(hashlib.sha1(f"{set_name}:{unit}".encode()).hexdigest(), 16) % 100 < percent


def unit_of(set_name: str, page: dict) -> str:
    """The split unit of a page as eval_extraction.load_dataset returns it."""
    return page["publisher"] if set_name == "news" else page["id"]


def load() -> dict:
    return json.loads(SPLITS_PATH.read_text(encoding="utf-8"))


def part_of(splits: dict, set_name: str, page: dict) -> str:
    """'tune' or 'blind' for one page (by the stored lists; a page missing from them is an error)."""
    unit = unit_of(set_name, page)
    s = splits["sets"][set_name]
    if unit in s["blind"]:
        return "blind"
    if unit in s["tune"]:
        return "tune"
    raise SystemExit(f"{set_name}: {unit!r} is in neither part of bench/splits.json; rerun bench/splits.py")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = str(shared_bench())
    ap.add_argument("--shared", default=default)
    args = ap.parse_args()
    sys.path.insert(0, str(REPO / "bench"))
    from quality_extraction import load_scorer

    ev = load_scorer(Path(args.shared))
    out = {
        "rule": f"blind when int(sha1('<set>:<unit>').hexdigest(), 16) % 100 < {BLIND_PERCENT}; "
        "unit = publisher (news), page id (aeb)",
        "blind_percent": BLIND_PERCENT,
        "sets": {},
    }
    for set_name, rel in (("aeb", "extraction/aeb"), ("news", "news")):
        _, pages = ev.load_dataset(str(Path(args.shared) / rel))
        units = sorted({unit_of(set_name, p) for p in pages})
        blind = [u for u in units if is_blind(set_name, u)]
        tune = [u for u in units if not is_blind(set_name, u)]
        n_blind = sum(1 for p in pages if is_blind(set_name, unit_of(set_name, p)))
        out["sets"][set_name] = {"unit": "publisher" if set_name == "news" else "page",
                                 "pages": {"tune": len(pages) - n_blind, "blind": n_blind},
                                 "tune": tune, "blind": blind}
        print(f"{set_name}: {len(tune)} tune / {len(blind)} blind units; "
              f"{len(pages) - n_blind} tune / {n_blind} blind pages")
    SPLITS_PATH.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
