"""The other person's state: how well the coach reads the feeling in someone's own words.

    .venv/bin/python -m bench.state [--data DIR]

Two public sets where the writer named their own feeling:

1. **EmpatheticDialogues** (``empathetic_intents/annotated/*.csv``; one file per emotion the
   writer was asked to talk about, chosen by them before writing). The text is the speaker's
   first turn of each conversation, what a listener would be answering. The 32 emotions are
   mapped to the coach's families where one fits (``ED_FAMILY``: "furious" is anger,
   "lonely" is sadness); the rest (surprised, nostalgic, prepared …) are left out of the
   family scores but kept for valence where that is clear (``ED_VALENCE``).
2. **ESConv** (``esconv/{train,dev}.jsonl``): the situation each seeker wrote before the chat,
   with the ``emotion_type`` they chose and their own ``initial_emotion_intensity`` (1-5).

Scores: accuracy and macro-F1 of the coach's emotion family, and of five broader groups
(anger, fear, sadness, shame, good feelings: ``GROUPS``); the share of texts where it names a
feeling at all; valence (is the feeling a bad or a good one) beside the peer, VADER's compound
sentiment, on the same texts; and on ESConv the Spearman correlation of the coach's intensity
with the seeker's own, beside VADER's negativity. A reading of "neutral" counts as wrong
everywhere; the coach's valence is the sign of its tone (``state.tone``: the feelings named, or
the words that judge things good or bad when none is). EmpatheticDialogues is split in two halves by a hash of the conversation id: the
"watch" half may be read when writing lexicons, the "check" half is only reported. Results go
to ``bench/results/state.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from bench._common import data_dir, ratio, spearman, write_result

# The writer's emotion (EmpatheticDialogues) as the coach's family.
ED_FAMILY = {
    "angry": "anger",
    "furious": "anger",
    "annoyed": "frustration",
    "afraid": "fear",
    "terrified": "fear",
    "anxious": "anxiety",
    "apprehensive": "anxiety",
    "sad": "sadness",
    "lonely": "sadness",
    "devastated": "sadness",
    "disappointed": "disappointment",
    "ashamed": "shame",
    "guilty": "shame",
    "embarrassed": "shame",
    "grateful": "gratitude",
    "joyful": "joy",
    "excited": "joy",
    "content": "joy",
    "proud": "joy",
}
# Valence of the emotions whose sign is not in doubt (family or not).
ED_VALENCE = {
    **{e: -1 for e in ("angry", "furious", "annoyed", "afraid", "terrified", "anxious")},
    **{e: -1 for e in ("apprehensive", "sad", "lonely", "devastated", "disappointed")},
    **{e: -1 for e in ("ashamed", "guilty", "embarrassed", "jealous", "disgusted")},
    **{e: 1 for e in ("grateful", "joyful", "excited", "content", "proud", "hopeful")},
    **{e: 1 for e in ("confident", "impressed", "caring", "trusting", "faithful")},
}
# The seeker's emotion_type (ESConv) as the coach's family.
ESCONV_FAMILY = {
    "anxiety": "anxiety",
    "nervousness": "anxiety",
    "fear": "fear",
    "depression": "sadness",
    "sadness": "sadness",
    "anger": "anger",
    "shame": "shame",
    "guilt": "shame",
}
ESCONV_VALENCE = {e: -1 for e in (*ESCONV_FAMILY, "disgust", "jealousy", "pain")}
# Broader groups: a near miss inside a group ("frustration" for "anger") is still a fair reading.
GROUPS = {
    "anger": ("anger", "frustration"),
    "fear": ("fear", "anxiety"),
    "sadness": ("sadness", "grief", "hurt", "disappointment", "exhaustion"),
    "shame": ("shame",),
    "good": ("joy", "gratitude", "relief"),
}
GROUP_OF = {family: group for group, families in GROUPS.items() for family in families}
HALVES = ("watch", "check")


def half(dialog_id: str) -> str:
    return HALVES[zlib.crc32(dialog_id.encode("utf-8")) % 2]


def read_empathetic_dialogues(root: Path) -> list[dict]:
    """The speaker's first turn of every conversation, with the emotion of its file."""
    out = []
    for path in sorted((root / "empathetic_intents" / "annotated").glob("*.csv")):
        seen: set[str] = set()
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                dialog = row.get("Dialog_ID") or ""
                if row.get("Type") != "utterance" or row.get("Actor") != "speaker":
                    continue
                if dialog in seen or not (row.get("Text") or "").strip():
                    continue
                seen.add(dialog)
                out.append(
                    {
                        "id": dialog,
                        "text": row["Text"].strip(),
                        "emotion": path.stem,
                        "half": half(dialog),
                    }
                )
    return out


def read_esconv(root: Path, split: str) -> list[dict]:
    out = []
    with (root / "esconv" / f"{split}.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            conv = json.loads(line)
            text = (conv.get("situation") or "").strip()
            if not text:
                continue
            try:
                felt = float(conv["survey_score"]["seeker"]["initial_emotion_intensity"])
            except (KeyError, TypeError, ValueError):
                felt = None
            out.append({"text": text, "emotion": conv.get("emotion_type", ""), "felt": felt})
    return out


def _f1(gold: list[str], pred: list[str]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(gold))
    return {
        "n": len(gold),
        "accuracy": round(float(accuracy_score(gold, pred)), 4),
        "macro_f1": round(
            float(f1_score(gold, pred, average="macro", labels=labels, zero_division=0)), 4
        ),
    }


def _sign(x: float, dead: float = 0.05) -> int:
    return 1 if x >= dead else -1 if x <= -dead else 0


def score(
    rows: list[dict],
    family_of: dict[str, str],
    valence_of: dict[str, int],
    coach: Callable[[str], tuple[str, float, float]],
    vader: Callable[[str], dict],
) -> dict:
    """Family, group, coverage and valence scores of the coach (and VADER's valence)."""
    readings = [coach(r["text"]) for r in rows]
    polarity = [vader(r["text"]) for r in rows]
    fam = [
        (family_of[r["emotion"]], e)
        for r, (e, _, _) in zip(rows, readings, strict=True)
        if r["emotion"] in family_of
    ]
    gold_f, pred_f = [g for g, _ in fam], [p for _, p in fam]
    gold_g = [GROUP_OF[g] for g in gold_f]
    pred_g = [GROUP_OF.get(p, "none") for p in pred_f]
    signed = [
        (valence_of[r["emotion"]], _sign(t), _sign(v["compound"]))
        for r, (_, _, t), v in zip(rows, readings, polarity, strict=True)
        if r["emotion"] in valence_of
    ]
    coach_ok = sum(g == c for g, c, _ in signed) / max(1, len(signed))
    vader_ok = sum(g == v for g, _, v in signed) / max(1, len(signed))
    majority = max(set(gold_f), key=gold_f.count) if gold_f else ""
    return {
        "texts": len(rows),
        "named_a_feeling": round(
            sum(e != "neutral" for e, _, _ in readings) / max(1, len(rows)), 4
        ),
        "family": _f1(gold_f, pred_f),
        "family_majority_class": _f1(gold_f, [majority] * len(gold_f)),
        "group": _f1(gold_g, pred_g),
        "valence": {
            "n": len(signed),
            "coach_accuracy": round(coach_ok, 4),
            "vader_accuracy": round(vader_ok, 4),
            "coach_vs_vader": ratio(coach_ok, vader_ok),
        },
    }


def intensity_correlation(rows: list[dict], coach, vader) -> dict:
    rated = [r for r in rows if r["felt"] is not None]
    felt = [r["felt"] for r in rated]
    rho = spearman([coach(r["text"])[1] for r in rated], felt)["rho"]
    peer = spearman([vader(r["text"])["neg"] for r in rated], felt)["rho"]
    return {
        "n": len(rated),
        "coach_rho": rho,
        "vader_neg_rho": peer,
        "coach_vs_vader": ratio(rho, peer),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data")
    args = ap.parse_args(argv)
    root = data_dir(args.data)

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from heard.coach.state import read_state_and_tone

    polarity = SentimentIntensityAnalyzer().polarity_scores

    def coach(text: str) -> tuple[str, float, float]:
        state, tone = read_state_and_tone(text)
        return state.emotion, state.intensity, tone

    t0 = time.perf_counter()
    ed = read_empathetic_dialogues(root)
    result: dict = {"empathetic_dialogues": {}, "esconv": {}}
    for part in HALVES:
        rows = [r for r in ed if r["half"] == part]
        result["empathetic_dialogues"][part] = score(rows, ED_FAMILY, ED_VALENCE, coach, polarity)
    for split in ("train", "dev"):
        rows = read_esconv(root, split)
        result["esconv"][split] = score(rows, ESCONV_FAMILY, ESCONV_VALENCE, coach, polarity) | {
            "intensity": intensity_correlation(rows, coach, polarity)
        }
    result["seconds"] = round(time.perf_counter() - t0, 1)
    path = write_result("state", result)

    for name, parts in result.items():
        if not isinstance(parts, dict):
            continue
        for part, r in parts.items():
            v = r["valence"]
            print(
                f"{name} {part}: {r['texts']} texts, a feeling named in {r['named_a_feeling']:.0%}; "
                f"family acc {r['family']['accuracy']:.3f} macro-F1 {r['family']['macro_f1']:.3f} "
                f"(majority class {r['family_majority_class']['macro_f1']:.3f}); "
                f"group acc {r['group']['accuracy']:.3f} macro-F1 {r['group']['macro_f1']:.3f}; "
                f"valence {v['coach_accuracy']:.3f} vs VADER {v['vader_accuracy']:.3f} "
                f"({v['coach_vs_vader']}x)"
            )
            if "intensity" in r:
                i = r["intensity"]
                print(
                    f"  intensity vs the seeker's own (n={i['n']}): rho {i['coach_rho']:.3f}, "
                    f"VADER negativity {i['vader_neg_rho']:.3f}"
                )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
