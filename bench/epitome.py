"""EPITOME dev: the shipped lexical engine and the heads trained on EPITOME train.

    .venv/bin/python -m bench.epitome [--data DIR] [--model MODEL_DIR]

Without ``--model`` the heads are trained first (``heard coach train`` on DIR, train files
only) into a temporary directory, and the training time is recorded. Accuracy and macro-F1
of each mechanism on ``epitome/*.dev.csv`` are printed beside the published figures and
written to ``bench/results/epitome.json``.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from bench._common import data_dir, lexical_engine, ratio, write_result

TASKS = {
    "emotional_reactions": "emotional-reactions",
    "interpretations": "interpretations",
    "explorations": "explorations",
}
# (accuracy, macro-F1): Sharma et al. 2020, and the reproduction in issue 4 of the authors'
# repository. The higher macro-F1 of the two is the bar.
PUBLISHED = {
    "emotional_reactions": {"sharma2020": (0.7943, 0.7446), "reproduction": (0.786, 0.764)},
    "interpretations": {"sharma2020": (0.8404, 0.6260), "reproduction": (0.849, 0.657)},
    "explorations": {"sharma2020": (0.9261, 0.7258), "reproduction": (0.911, 0.717)},
}


def bar(task: str) -> float:
    return max(f1 for _, f1 in PUBLISHED[task].values())


def read_dev(root: Path) -> dict[str, list[dict]]:
    """Every row of each mechanism's dev file (scored per file, as published)."""
    out = {}
    for task, stem in TASKS.items():
        with (root / "epitome" / f"{stem}.dev.csv").open(encoding="utf-8", newline="") as fh:
            out[task] = [
                {
                    "seeker": r["seeker_post"],
                    "response": r["response_post"],
                    "level": int(r["level"]),
                }
                for r in csv.DictReader(fh)
            ]
    return out


def predict(fn, rows_by_task: dict[str, list[dict]]) -> dict[str, list[int]]:
    """Run ``fn`` once per distinct (seeker, response) and read each task's level."""
    pairs = sorted({(r["seeker"], r["response"]) for rows in rows_by_task.values() for r in rows})
    levels = dict(zip(pairs, fn(pairs), strict=True))
    return {
        t: [levels[(r["seeker"], r["response"])][t] for r in rows]
        for t, rows in rows_by_task.items()
    }


def scores(gold: list[int], pred: list[int]) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": round(float(accuracy_score(gold, pred)), 4),
        "macro_f1": round(float(f1_score(gold, pred, average="macro", labels=[0, 1, 2])), 4),
    }


def bootstrap_ci(gold: list[int], pred: list[int], *, n: int = 1000, seed: int = 0):
    """95 % percentile interval of macro-F1 over ``n`` resamples of the dev rows: how much
    of a difference on 329 rows is noise."""
    import numpy as np
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(seed)
    g, p = np.asarray(gold), np.asarray(pred)
    stats = [
        f1_score(g[idx], p[idx], average="macro", labels=[0, 1, 2], zero_division=0)
        for idx in (rng.integers(0, len(g), len(g)) for _ in range(n))
    ]
    lo, hi = np.percentile(stats, [2.5, 97.5])
    return [round(float(lo), 3), round(float(hi), 3)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data")
    ap.add_argument("--model", help="a model written by `heard coach train` (else: train one)")
    ap.add_argument("--epochs", type=int, default=None)
    args = ap.parse_args(argv)
    root = data_dir(args.data)
    rows = read_dev(root)
    gold = {t: [r["level"] for r in rows[t]] for t in TASKS}
    n_rows = {t: len(v) for t, v in rows.items()}
    result: dict = {"dev_rows": n_rows, "published": PUBLISHED, "systems": {}}

    analyze, _, why = lexical_engine()
    if analyze is not None:
        t0 = time.perf_counter()
        preds = predict(
            lambda pairs: [analyze(resp, context=seek).epitome for seek, resp in pairs], rows
        )
        result["systems"]["lexical"] = {t: scores(gold[t], preds[t]) for t in TASKS} | {
            "seconds": round(time.perf_counter() - t0, 2)
        }
    else:
        result["systems"]["lexical"] = {"unavailable": why}

    from heard.coach.semantic import CoachModel

    training = None
    if args.model:
        model_dir = Path(args.model)
    else:
        from heard.coach.train import TrainConfig, train

        model_dir = Path(tempfile.mkdtemp(prefix="heard-coach-")) / "model"
        cfg = TrainConfig() if args.epochs is None else TrainConfig(epochs=args.epochs)
        t0 = time.perf_counter()
        report = train(root, model_dir, cfg=cfg)
        training = {
            "seconds": round(time.perf_counter() - t0, 1),
            "best_epoch": report["best_epoch"],
        }
    model = CoachModel.load(model_dir)
    t0 = time.perf_counter()
    preds = predict(model.epitome_levels, rows)
    trained = {
        t: scores(gold[t], preds[t]) | {"macro_f1_95ci": bootstrap_ci(gold[t], preds[t])}
        for t in TASKS
    }
    trained["seconds"] = round(time.perf_counter() - t0, 2)
    info = model.meta.get("trained", {})
    trained["model"] = {
        "dir": str(model_dir),
        "trained": info.get("seconds"),
        "training_load_average": info.get("load_average"),
        "precision": model.meta.get("precision"),
        "layers": model.encoder.config.num_hidden_layers,
        "lexical_features": model.meta.get("lexical_labels") is not None,
        "evidence_pool": bool(model.meta.get("evidence_pool")),
        "refit_on_all_pairs": info.get("refit_on_all_pairs"),
        "folds": info.get("folds", 1),
        "runs": info.get("runs", 1),
        "best_epoch": info.get("best_epoch"),
        "held_out": info.get("held_out"),
    }
    selection = model.meta.get("trained", {}).get("selection", {})
    trained["cross_validated_on_train"] = {
        t: selection.get(t, {}).get("cv_macro_f1") for t in TASKS
    }
    if training:
        trained["training"] = training
    result["systems"]["trained"] = trained

    print(
        f"EPITOME dev ({n_rows['emotional_reactions']} rows per mechanism): accuracy / macro-F1, "
        "ratio = macro-F1 / published bar"
    )
    print(
        f"{'task':22} {'lexical':>15} {'trained':>15} {'published':>15}  ratio lex  ratio trained"
    )
    result["ratios"] = {}
    for t in TASKS:
        lex = result["systems"]["lexical"].get(t)
        tr = trained[t]
        pub_acc, pub_f1 = max(PUBLISHED[t].values(), key=lambda v: v[1])
        r_lex = ratio(lex["macro_f1"], pub_f1) if lex else None
        r_tr = ratio(tr["macro_f1"], pub_f1)
        result["ratios"][t] = {"lexical_vs_published": r_lex, "trained_vs_published": r_tr}
        lex_s = f"{lex['accuracy']:.3f}/{lex['macro_f1']:.3f}" if lex else "n/a"
        print(
            f"{t:22} {lex_s:>15} {tr['accuracy']:.3f}/{tr['macro_f1']:.3f}"
            f"     {pub_acc:.3f}/{pub_f1:.3f}  {r_lex!s:>9}  {r_tr!s:>13}"
        )
    path = write_result("epitome", result)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
