"""Train the learned credit / dateline span model (``pipelines/credit_model.py``) on dev only.

    .venv/bin/python bench/train_credit_model.py [--cv 5] [--group site|id] [--fold A|B] [--out PATH]
                                                 [--no-write]

Every candidate span of a dev case (``credit_model.candidates``, with what the rules found as
features) is labelled from the corpus: a *source* when its credited name is one of the case's
``sources``, a *dateline* when it is the case's ``dateline_outlet``.  Two logistic regressions
with L2 (numpy, here only: the pipeline reads the stored weights), plain gradient descent.  Each
threshold is chosen on the training cases from out-of-fold scores (an inner two-fold split), as the
one that maximises the sources F1 (dateline F1) of the rules plus the model over those cases,
so it is set by what the model scores on text it did not see.

``--cv K`` first judges the method by K-fold cross-validation on dev: per fold it trains on the
other folds and prints the held-out fold's sources P/R/F1 and dateline F1, rules alone, rules +
the stored model (``--stored``; it was trained on part of the held-out fold, so this column
flatters it) and rules + the model trained on the other folds.  ``--group site`` (the default)
folds by *site* (``bench.quality_text.site_groups``: the id's site part, the URL host, the
source file), so every held-out fold is text from sites the model never saw - the measure of
transfer; the inner threshold split is by site too.  ``--group id`` folds by a hash of the case
id (sites shared across folds: what rounds before 12 reported).  Then it trains on all of dev
and writes the model.
``--with-dev-sc`` adds the site-disjoint dev_sc.jsonl to the cases (CV and training).
``--fold A`` / ``--fold B`` trains (and cross-validates) on one half of dev only
(``bench.quality_text.fold``), so the other half judges the model on text it was not trained on:
``quality_text.py --sets dev_b --credit-model PATH``.  ``blind.jsonl`` is never read.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.quality_text import CORPUS, fold, kfold, read_cases, site_fold, site_groups  # noqa: E402
from pipelines.clean import normalize_text  # noqa: E402
from pipelines.credit_model import (  # noqa: E402
    MODEL_PATH,
    Candidate,
    CreditModel,
    Known,
    as_known,
    candidates,
    credited_name,
    load_model,
    predict,
)
from pipelines.enrich import _run  # noqa: E402

L2 = 0.01
POS_BALANCE = 0.3  # the positive class weighed up by this share of the class ratio
WHICH = ("source", "dateline")
# 1.01 first: a model takes nothing unless some threshold does better than none on unseen cases
GRID = (1.01,) + tuple(round(0.05 * i, 2) for i in range(4, 20))


def norm_name(s: str | None) -> str:
    s = " ".join(unicodedata.normalize("NFKC", s or "").casefold().split())
    s = s[:-1].rstrip() if s.endswith(".") else s
    return s[4:] if s.startswith("www.") else s


@dataclass
class Case:
    id: str
    text: str
    known: Known
    rules_sources: list[str]
    rules_outlet: str | None
    cands: list[Candidate]
    gold_sources: set[str]
    gold_outlet: str
    site: str = ""  # the case's site group (bench.quality_text.site_groups); "" when not grouped


def split_of(c: Case, k: int, salt: str) -> int:
    """The fold ``0..k-1`` of a case: by its site group when it has one, else by its id."""
    return site_fold(c.site, k, salt) if c.site else kfold(c.id, k, salt)


def prepare(case: dict[str, Any], site: str = "") -> Case:
    text = normalize_text(case["text"])
    cleaned, _, attr = _run(text, None, credit_model=None)
    known = as_known(attr.sources, attr.photo_credits, attr.dateline_outlet, cleaned.removed_segments)
    exp = case["expected"]
    return Case(case["id"], text, known, list(attr.sources), attr.dateline_outlet, candidates(text, known),
                {norm_name(s) for s in exp["sources"]}, norm_name(exp.get("dateline_outlet")), site)


def labels(c: Case, cand: Candidate) -> tuple[int, int]:
    return (int(norm_name(credited_name(cand.name)) in c.gold_sources),
            int(bool(c.gold_outlet) and norm_name(cand.name) == c.gold_outlet))


def fit(cases: list[Case], which: int) -> tuple[dict[str, float], float]:
    """One logistic model over the candidates the rules did not already read (what it may add)."""
    data = [(cand.features, labels(c, cand)[which]) for c in cases for cand in c.cands
            if not (which == 0 and "rules_source" in cand.features)
            and not (which == 1 and c.known.outlet is not None)]
    if not any(lab for _, lab in data):
        return {}, -40.0  # nothing to learn from: a model that takes nothing
    names = sorted({k for f, _ in data for k in f})
    index = {k: j for j, k in enumerate(names)}
    x = np.zeros((len(data), len(names)))
    for r, (f, _) in enumerate(data):
        for k, v in f.items():
            x[r, index[k]] = v
    y = np.array([float(lab) for _, lab in data])
    pos = max(1.0, y.sum())
    sw = np.where(y == 1, max(1.0, (len(y) - pos) / pos * POS_BALANCE), 1.0)  # the rare class weighed up
    sw = sw / sw.mean()
    w, b = np.zeros(len(names)), 0.0
    for _ in range(1500):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        g = (p - y) * sw
        w -= 0.5 * (x.T @ g / len(y) + L2 * w)
        b -= 0.5 * g.mean()
    return {k: float(w[j]) for k, j in index.items()}, float(b)


def evaluate(model: CreditModel | None, cases: list[Case]) -> dict[str, float]:
    """Sources P/R/F1 and dateline F1 of the rules plus ``model`` (None: the rules alone)."""
    tp = fp = fn = dtp = dfp = dfn = 0
    for c in cases:
        added, outlet = predict(model, c.text, c.known, c.cands) if model else ([], None)
        dl = outlet or c.rules_outlet
        srcs = [s for s in c.rules_sources if not (outlet and norm_name(s) == norm_name(outlet))] + added
        got = {norm_name(s) for s in srcs}
        tp += len(got & c.gold_sources)
        fp += len(got - c.gold_sources)
        fn += len(c.gold_sources - got)
        d = norm_name(dl)
        if d and d == c.gold_outlet:
            dtp += 1
        else:
            dfp += int(bool(d))
            dfn += int(bool(c.gold_outlet))
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    dp, dr = dtp / max(1, dtp + dfp), dtp / max(1, dtp + dfn)
    return {"p": p, "r": r, "f1": 2 * p * r / max(1e-9, p + r),
            "dateline_f1": 2 * dp * dr / max(1e-9, dp + dr), "cases": len(cases)}


def _model(fits: list[tuple[dict[str, float], float]], thresholds: dict[str, float]) -> CreditModel:
    return CreditModel({m: fits[i][0] for i, m in enumerate(WHICH)},
                       {m: fits[i][1] for i, m in enumerate(WHICH)}, thresholds)


def train(cases: list[Case]) -> CreditModel:
    """Weights on every case; thresholds from the inner two-fold out-of-fold scores."""
    fits = [fit(cases, i) for i in range(2)]
    inner = [[c for c in cases if split_of(c, 2, "inner") == k] for k in (0, 1)]
    inner_fits = [[fit(inner[1 - k], i) for i in range(2)] for k in (0, 1)]
    thresholds = {}
    for m in WHICH:
        best = (-1.0, 0.5)
        for t in GRID:
            th = {"source": 1.01, "dateline": 1.01}
            th[m] = t
            tp_f = []
            for k in (0, 1):
                rep = evaluate(_model(inner_fits[k], th), inner[k])
                tp_f.append(rep["f1" if m == "source" else "dateline_f1"] * rep["cases"])
            score = sum(tp_f)
            if score > best[0] + 1e-9:
                best = (score, t)
        thresholds[m] = best[1]
    return _model(fits, thresholds)


def dump(model: CreditModel, extra: dict[str, Any]) -> dict[str, Any]:
    return {"weights": {m: {k: round(v, 4) for k, v in sorted(model.weights[m].items()) if abs(v) >= 1e-3}
                        for m in WHICH},
            "bias": {m: round(model.bias[m], 4) for m in WHICH},
            "threshold": model.threshold, **extra}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cv", type=int, default=5, help="folds of the cross-validation (0: none)")
    ap.add_argument("--group", choices=("site", "id"), default="site",
                    help="cross-validation folds by site group (default) or by case id")
    ap.add_argument("--stored", default=str(MODEL_PATH), help="the stored model, scored next to the new one")
    ap.add_argument("--out", default=str(MODEL_PATH), help="where to write the model")
    ap.add_argument("--fold", choices=("A", "B"), help="train on this half of dev only")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--with-dev-sc", action="store_true",
                    help="train (and cross-validate) on dev.jsonl and the site-disjoint dev_sc.jsonl")
    args = ap.parse_args(argv)
    files = ["dev.jsonl"] + (["dev_sc.jsonl"] if args.with_dev_sc else [])
    raw = [c for name in files for c in read_cases(CORPUS / name)
           if not args.fold or fold(c["id"]) == args.fold]
    groups = site_groups(raw) if args.group == "site" else {}
    cases = [prepare(c, groups.get(c["id"], "")) for c in raw]
    stored = load_model(Path(args.stored)) if Path(args.stored).exists() else None
    salt = "site" if args.group == "site" else "cv"
    report: dict[str, Any] = {"group": args.group}
    if args.cv:
        rows = []
        print(f"folds by {args.group}: {len(cases)} cases, {len(set(groups.values())) or len(cases)} groups")
        print(f"{'fold':>4s} {'n':>4s} {'sites':>5s}  rules P/R/F1 dateline    stored P/R/F1 dateline"
              f"    rules+model P/R/F1 dateline   thresholds")
        for k in range(args.cv):
            held = [c for c in cases if split_of(c, args.cv, salt) == k]
            model = train([c for c in cases if split_of(c, args.cv, salt) != k])
            a, s, b = evaluate(None, held), evaluate(stored, held), evaluate(model, held)
            rows.append((a, s, b))
            print(f"{k:4d} {len(held):4d} {len({c.site or c.id for c in held}):5d}  "
                  f"{a['p']:.3f}/{a['r']:.3f}/{a['f1']:.3f} {a['dateline_f1']:.3f}"
                  f"    {s['p']:.3f}/{s['r']:.3f}/{s['f1']:.3f} {s['dateline_f1']:.3f}"
                  f"    {b['p']:.3f}/{b['r']:.3f}/{b['f1']:.3f} {b['dateline_f1']:.3f}   {model.threshold}")
            report[f"fold{k}"] = {"rules": a, "stored": s, "model": b, "threshold": model.threshold}
        for name, j in (("rules", 0), ("stored", 1), ("model", 2)):
            f1 = [r[j]["f1"] for r in rows]
            dl = [r[j]["dateline_f1"] for r in rows]
            print(f"mean {name:6s}: sources F1 {np.mean(f1):.3f} (min {min(f1):.3f})  "
                  f"dateline F1 {np.mean(dl):.3f}")
    model = train(cases)
    report["all_dev_train_fit"] = evaluate(model, cases)
    if not args.no_write:
        Path(args.out).write_text(json.dumps(dump(model, {"trained_on": {
            "file": " + ".join(f"bench/corpus/attribution/{name}" for name in files),
            "fold": args.fold or "all",
            "cases": len(cases), "threshold_split": args.group}}), indent=1,
            ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps({"out": None if args.no_write else args.out, "threshold": model.threshold,
                      "train_fit": report["all_dev_train_fit"]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
