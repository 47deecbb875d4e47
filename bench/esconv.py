"""ESConv dev: supporter-turn strategies, and conversation empathy vs the seeker's rating.

    .venv/bin/python -m bench.esconv [--data DIR] [--model MODEL_DIR]

1. Strategy of each supporter turn (8 classes), macro-F1 and accuracy: the shipped lexical
   engine (``analyze(turn, context=last seeker turn).strategy``) and, with ``--model``, the
   trained head (given the last seeker turn too; a model that reads context is also scored
   on the turns alone).
2. Spearman correlation between ``analyze_conversation(...).empathy_score`` and the seeker's
   own ``survey_score.seeker.empathy`` rating (1-5), beside the peer: VADER's mean compound
   sentiment of the supporter's turns (published at about 0.15). With ``--model`` the mean
   EPITOME level the trained heads give the supporter's turns is reported too (with the
   last seeker turn, and for a model that reads context also without it), and the
   conversation score with the model reading each reply. The lexical score and VADER are
   also correlated on the train split (800 rated conversations), a steadier reading.
Results go to ``bench/results/esconv.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench._common import (
    data_dir,
    lexical_engine,
    ratio,
    spearman,
    supporter_turns_with_context,
    write_result,
)
from heard.coach.epitome import STRATEGIES

VADER_PUBLISHED = 0.15


def read_dev(root: Path, split: str = "dev") -> list[dict]:
    with (root / "esconv" / f"{split}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def vader_mean(vader, conv: dict) -> float:
    """VADER's mean compound sentiment of the supporter's turns."""
    values = [
        vader.polarity_scores(t["text"])["compound"]
        for t in conv["dialog"]
        if t["speaker"] == "sys"
    ] or [0.0]
    return sum(values) / len(values)


def supporter_turns(conversations: list[dict]) -> list[tuple[str, str, str]]:
    """(text, last seeker words, strategy) for every labelled supporter turn."""
    out = []
    for conv in conversations:
        for turn, context in supporter_turns_with_context(conv):
            text = (turn.get("text") or "").strip()
            if turn.get("strategy") in STRATEGIES and text:
                out.append((text, context, turn["strategy"]))
    return out


def as_turns(conv: dict) -> list[dict]:
    return [
        {
            "speaker": "supporter" if t["speaker"] == "sys" else "seeker",
            "role": "agent" if t["speaker"] == "sys" else "customer",
            "text": t.get("text") or "",
        }
        for t in conv["dialog"]
    ]


def rating(conv: dict) -> float | None:
    try:
        return float(conv["survey_score"]["seeker"]["empathy"])
    except (KeyError, TypeError, ValueError):
        return None


def strategy_scores(gold: list[str], pred: list[str]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": round(float(accuracy_score(gold, pred)), 4),
        "macro_f1": round(float(f1_score(gold, pred, average="macro", labels=list(STRATEGIES))), 4),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data")
    ap.add_argument("--model", help="a model written by `heard coach train`")
    args = ap.parse_args(argv)
    root = data_dir(args.data)
    convs = read_dev(root)
    turns = supporter_turns(convs)
    gold = [s for _, _, s in turns]
    rated = [c for c in convs if rating(c) is not None]
    ratings = [rating(c) for c in rated]
    result: dict = {
        "dev_conversations": len(convs),
        "supporter_turns": len(turns),
        "rated_conversations": len(rated),
        "strategy": {},
        "empathy_correlation": {},
    }

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    vader_scores = [vader_mean(vader, conv) for conv in rated]
    result["empathy_correlation"]["vader_mean_compound"] = spearman(vader_scores, ratings)

    analyze, analyze_conversation, why = lexical_engine()
    if analyze is not None:
        t0 = time.perf_counter()
        pred = [analyze(text, context=ctx or None).strategy for text, ctx, _ in turns]
        result["strategy"]["lexical"] = strategy_scores(gold, pred) | {
            "seconds": round(time.perf_counter() - t0, 2)
        }
        t0 = time.perf_counter()
        lex_scores = [analyze_conversation(as_turns(c)).empathy_score for c in rated]
        result["empathy_correlation"]["lexical_empathy_score"] = spearman(lex_scores, ratings) | {
            "seconds": round(time.perf_counter() - t0, 2)
        }
        # The same two scores on the 4.6x larger train split (the lexical score is fitted to
        # neither split): a steadier reading of it against the peer than 174 dev
        # conversations give.
        train = [c for c in read_dev(root, "train") if rating(c) is not None]
        train_ratings = [rating(c) for c in train]
        result["train_split_correlation"] = {
            "conversations": len(train),
            "vader_mean_compound": spearman([vader_mean(vader, c) for c in train], train_ratings),
            "lexical_empathy_score": spearman(
                [analyze_conversation(as_turns(c)).empathy_score for c in train], train_ratings
            ),
        }
    else:
        result["strategy"]["lexical"] = {"unavailable": why}
        result["empathy_correlation"]["lexical_empathy_score"] = {"unavailable": why}

    if args.model:
        from heard.coach.semantic import EPITOME_TASKS, CoachModel

        model = CoachModel.load(args.model)
        t0 = time.perf_counter()
        # Each turn with the seeker's last words, as in training and in the product; a
        # model that reads context is also scored on the replies alone, to show what the
        # context does on this data.
        texts = [text for text, _, _ in turns]
        pred = model.strategies(texts, [ctx for _, ctx, _ in turns])
        result["strategy"]["trained"] = strategy_scores(gold, pred) | {
            "seconds": round(time.perf_counter() - t0, 2)
        }
        reads_context = bool(model.meta.get("context_tokens"))
        if reads_context:
            result["strategy"]["trained, reply alone"] = strategy_scores(
                gold, model.strategies(texts)
            )

        def mean_levels(with_context: bool) -> list[float]:
            out = []
            for conv in rated:
                pairs = [
                    (last if with_context else "", t["text"])
                    for t, last in supporter_turns_with_context(conv)
                ]
                levels = model.epitome_levels(pairs)
                per_turn = [sum(lv[k] for k in EPITOME_TASKS) / 6 for lv in levels] or [0.0]
                out.append(sum(per_turn) / len(per_turn))
            return out

        corr = result["empathy_correlation"]
        corr["trained_mean_epitome"] = spearman(mean_levels(True), ratings)
        if reads_context:
            corr["trained_mean_epitome_reply_alone"] = spearman(mean_levels(False), ratings)
        if analyze_conversation is not None:
            # The product's own conversation score, with the model reading each reply.
            t0 = time.perf_counter()
            scored = [analyze_conversation(as_turns(c), model=model).empathy_score for c in rated]
            result["empathy_correlation"]["trained_empathy_score"] = spearman(scored, ratings) | {
                "seconds": round(time.perf_counter() - t0, 2)
            }

    vader_rho = result["empathy_correlation"]["vader_mean_compound"]["rho"]
    result["ratios"] = {
        name: ratio(v.get("rho"), vader_rho)
        for name, v in result["empathy_correlation"].items()
        if name != "vader_mean_compound"
    }
    print(f"ESConv dev: {len(convs)} conversations, {len(turns)} supporter turns")
    for name, v in result["strategy"].items():
        if "macro_f1" in v:
            print(f"  strategy {name:8} accuracy {v['accuracy']:.3f}  macro-F1 {v['macro_f1']:.3f}")
        else:
            print(f"  strategy {name:8} unavailable: {v['unavailable']}")
    print(f"  Spearman with the seeker's empathy rating (n={len(rated)}; VADER published ≈ 0.15):")
    for name, v in result["empathy_correlation"].items():
        if "rho" in v:
            r = result["ratios"].get(name)
            extra = f"  ratio vs VADER {r}" if r is not None else ""
            print(f"    {name:24} rho {v['rho']:+.3f} (p={v['p']:.3g}){extra}")
        else:
            print(f"    {name:24} unavailable")
    tr = result.get("train_split_correlation")
    if tr:
        v, lx = tr["vader_mean_compound"]["rho"], tr["lexical_empathy_score"]["rho"]
        print(
            f"  on train ({tr['conversations']} conversations): VADER rho {v:+.3f}, "
            f"lexical empathy score rho {lx:+.3f} (ratio {ratio(lx, v)})"
        )
    print(f"wrote {write_result('esconv', result)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
