#!/usr/bin/env python3
"""Hashes of every body ``extract_text`` gives on the AEB and news sets, to check that a speed change
leaves the output byte-identical.

    .venv/bin/python bench/body_hashes.py --out before.json          # on the old code
    .venv/bin/python bench/body_hashes.py --out after.json --compare before.json

Per page it hashes the extraction stage's result (drop reason, method, body) and the final body (after
cleaning, language and attribution, as ``quality_extraction`` scores it). ``--compare`` prints only how
many pages differ per set and exits 1 when any does (no page is named: the sets hold blind pages).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import sys
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.quality_extraction import DATASETS, load_models, load_scorer  # noqa: E402
from bench.shared_data import shared_bench  # noqa: E402


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def hashes(shared: Path, limit: int = 0) -> dict[str, dict[str, str]]:
    from pipelines import extract as ex

    ev = load_scorer(shared)
    load_models()
    out: dict[str, dict[str, str]] = {}
    for rel in DATASETS:
        _, pages = ev.load_dataset(str(shared / rel))
        if limit:
            pages = pages[:limit]
        name = Path(rel).name
        for p in pages:
            html = gzip.decompress(Path(p["html_path"]).read_bytes()).decode("utf-8", errors="replace")
            res = ex.extract(html, p["url"])
            stage = f"{res.drop_reason}|{res.method}|{res.article.body if res.article else ''}"
            final = ex.final_body(res.article) if res.article else ""
            out[f"{name}:{p['id']}"] = {"extract": _sha(stage), "final": _sha(final)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(shared_bench()))
    ap.add_argument("--limit", type=int, default=0, help="first N pages of each set only")
    ap.add_argument("--out", required=True)
    ap.add_argument("--compare", help="an earlier --out file: count the pages whose hashes differ")
    args = ap.parse_args()
    logging.disable(logging.CRITICAL)
    warnings.filterwarnings("ignore")
    now = hashes(Path(args.shared).resolve(), args.limit)
    Path(args.out).write_text(json.dumps(now, indent=0, sort_keys=True), encoding="utf-8")
    if not args.compare:
        print(f"{len(now)} pages hashed -> {args.out}")
        return 0
    before = json.loads(Path(args.compare).read_text(encoding="utf-8"))
    bad = 0
    for set_name in (Path(rel).name for rel in DATASETS):
        keys = [k for k in now if k.startswith(set_name + ":")]
        diff_stage = sum(1 for k in keys if before.get(k, {}).get("extract") != now[k]["extract"])
        diff_final = sum(1 for k in keys if before.get(k, {}).get("final") != now[k]["final"])
        bad += diff_stage + diff_final
        print(f"{set_name}: {len(keys)} pages, extraction stage differs on {diff_stage}, "
              f"final body on {diff_final}")
    print("identical" if not bad else "DIFFERENT")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
