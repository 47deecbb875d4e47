"""Measure the coach against a labelled EPITOME-style CSV (macro-F1 per mechanism).

    python -m heard.coach.evaluate path/to/emotional-reactions.dev.csv [...]

The CSV needs the columns ``seeker_post``, ``response_post`` and ``level``; the mechanism
is read from the file name (emotional-reactions, interpretations, explorations). Data is
read at run time only; nothing from it is stored.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .analysis import analyze

MECHANISM_BY_FILE = {
    "emotional-reactions": "emotional_reactions",
    "interpretations": "interpretations",
    "explorations": "explorations",
}


def macro_f1(gold: Sequence[int], pred: Sequence[int], labels: Sequence[int] = (0, 1, 2)) -> float:
    """Unweighted mean of per-class F1 over ``labels``.

    >>> macro_f1([0, 1, 2], [0, 1, 2])
    1.0
    """
    scores = []
    for c in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p != c)
        denom = 2 * tp + fp + fn
        scores.append(2 * tp / denom if denom else 0.0)
    return sum(scores) / len(scores)


def mechanism_for(path: str | Path) -> str:
    name = Path(path).name
    for key, mech in MECHANISM_BY_FILE.items():
        if name.startswith(key):
            return mech
    raise ValueError(f"cannot tell the mechanism from the file name {name!r}")


def predict_lexical(seeker: str, response: str, mechanism: str) -> int:
    return analyze(response, context=seeker).epitome[mechanism]


def evaluate(
    path: str | Path,
    predict: Callable[[str, str, str], int] = predict_lexical,
) -> dict[str, float]:
    """Accuracy and macro-F1 of ``predict`` on one CSV."""
    mech = mechanism_for(path)
    gold: list[int] = []
    pred: list[int] = []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            gold.append(int(row["level"]))
            pred.append(int(predict(row["seeker_post"], row["response_post"], mech)))
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0
    return {"n": len(gold), "accuracy": round(acc, 4), "macro_f1": round(macro_f1(gold, pred), 4)}


def main(argv: list[str] | None = None) -> int:
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for p in paths:
        r = evaluate(p)
        print(
            f"{Path(p).name}: n={r['n']} accuracy={r['accuracy']:.3f} macro-F1={r['macro_f1']:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
