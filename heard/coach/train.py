"""``heard coach train``: learn the coach's semantic heads from labelled data you provide.

By default (``--mode finetune``) the bundled all-MiniLM-L6-v2 encoder is cut to its lowest
``--layers`` layers and the upper ones are fine-tuned on the EPITOME pairs with one
multi-task objective: the levels (0/1/2) of the three mechanisms from the pooled reply,
and, per token, whether it lies inside an evidence phrase the annotators marked. Each reply
is read with the first ``--context-tokens`` (32) tokens of the seeker's words after it, so
its tokens attend to what it answers; the heads pool the reply's own tokens. That
token tagger stays in the model: each mechanism's head also reads the reply's tokens pooled
with weights from the tagger's scores for it (``--no-evidence-pool`` leaves this out). The epoch
and per-class decision offsets are chosen on a held-out 15 % of the training pairs
(``--refit`` then trains again from the start on every training pair for that many
epochs, keeping the offsets the first run chose; ``--runs N`` trains N times in different
data orders and keeps the mean of their weights). The heads read the lexical engine's findings beside
the pooled reply (``--no-lexical`` leaves them out). The ESConv strategy head is then a
logistic regression over the fine-tuned encoder's vectors.
The model answers everything from one encoder pass per reply. On a CPU with native
bfloat16 it answers in bfloat16 (about twice as fast; the epoch, offsets and strategy head
are then chosen on bfloat16 outputs); elsewhere an int8 copy of the encoder becomes the
default when it keeps the held-out accuracy.
``--mode features`` keeps the encoder as shipped and fits logistic-regression heads over
its pooled vectors, TF-IDF n-grams, an evidence tagger and the lexical engine's findings,
chosen by grouped cross-validation (slower to answer). The model, fine-tuned encoder
included, goes to ``--out``, a directory outside the installed package::

    heard coach train --data ../shared/data --out ~/heard-models/coach

Only files whose names say they are training files are read: a name containing ``dev``,
``test``, ``valid`` or ``heldout`` is refused outright, so evaluation data can sit in the
same directory without leaking into the model. Two layouts are understood:

1. The public research layout, as distributed::

       DIR/epitome/emotional-reactions.train.csv   sp_id,rp_id,seeker_post,response_post,level,rationales
       DIR/epitome/interpretations.train.csv       (same columns; rows joined on sp_id + rp_id)
       DIR/epitome/explorations.train.csv
       DIR/esconv/train.jsonl                      one conversation per line: {"dialog": [{"speaker":
                                                   "usr"|"sys", "text": ..., "strategy": ...}, ...]}

2. A generic labelled layout, for a team's own data::

       DIR/epitome.train.csv      seeker,response,emotional_reactions,interpretations,explorations
                                  (levels 0/1/2; optional columns emotional_reactions_rationales,
                                  ... with pipe-separated evidence phrases; optional group column
                                  keeps related rows on the same side of the held-out split)
       DIR/strategies.train.csv   text,strategy[,context][,group]   (strategy: one of the eight names)

Either file may be missing, but not both. Model selection uses the training files alone:
a 15 % held-out part of them, whole seeker posts (finetune mode), or grouped
cross-validation (features mode).
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import json
import math
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heard.coach.semantic import EPITOME_TASKS, LEVELS, STRATEGIES, context_ids

_FORBIDDEN = {"dev", "test", "tests", "valid", "validation", "val", "heldout", "eval"}
_EPITOME_FILES = {
    "emotional_reactions": "emotional-reactions",
    "interpretations": "interpretations",
    "explorations": "explorations",
}


class NotTrainingData(ValueError):
    """Raised when asked to read a file that is not named as training data."""


def assert_training_file(path: str | Path) -> Path:
    """Return ``path`` if its file name marks it as training data, else raise.

    >>> assert_training_file("epitome/explorations.train.csv").name
    'explorations.train.csv'
    >>> assert_training_file("esconv/dev.jsonl")
    Traceback (most recent call last):
    ...
    heard.coach.train.NotTrainingData: refusing to train on 'dev.jsonl': ...
    """
    p = Path(path)
    tokens = {t for t in re.split(r"[^a-z0-9]+", p.name.lower()) if t}
    bad = tokens & _FORBIDDEN
    if bad or "train" not in tokens:
        raise NotTrainingData(
            f"refusing to train on {p.name!r}: only files named for training are read "
            f"(name must contain 'train' and none of {sorted(_FORBIDDEN)})"
        )
    return p


def _open_training(path: Path):
    assert_training_file(path)
    return path.open(encoding="utf-8", newline="")


# -- data ---------------------------------------------------------------------------------
@dataclass
class EpitomeExample:
    seeker: str
    response: str
    levels: dict[str, int]
    rationales: dict[str, list[str]] = field(default_factory=dict)
    group: str = ""


@dataclass
class StrategyExample:
    text: str
    strategy: str
    context: str = ""
    group: str = ""


def _level(value: str, where: str) -> int:
    level = int(str(value).strip())
    if level not in range(LEVELS):
        raise ValueError(f"{where}: level must be 0, 1 or 2, got {value!r}")
    return level


def _split_rationales(value: str | None) -> list[str]:
    return [r.strip() for r in (value or "").split("|") if len(r.strip()) > 1]


def read_research_epitome(folder: Path) -> list[EpitomeExample]:
    """Join the three EPITOME ``*.train.csv`` files on (sp_id, rp_id)."""
    merged: dict[tuple[str, str], EpitomeExample] = {}
    for task, stem in _EPITOME_FILES.items():
        path = folder / f"{stem}.train.csv"
        with _open_training(path) as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                key = (row["sp_id"], row["rp_id"])
                ex = merged.get(key)
                if ex is None:
                    ex = merged[key] = EpitomeExample(
                        seeker=row["seeker_post"],
                        response=row["response_post"],
                        levels={},
                        group=row["sp_id"],
                    )
                if task in ex.levels:  # a repeated pair: the first label wins
                    continue
                ex.levels[task] = _level(row["level"], f"{path}:{n}")
                ex.rationales[task] = _split_rationales(row.get("rationales"))
    return [ex for ex in merged.values() if len(ex.levels) == len(EPITOME_TASKS)]


def read_research_esconv(path: Path) -> list[StrategyExample]:
    """Supporter turns (speaker ``sys``) with their strategy and the seeker's last words."""
    out: list[StrategyExample] = []
    with _open_training(path) as fh:
        for n, line in enumerate(fh):
            if not line.strip():
                continue
            conv = json.loads(line)
            context = ""
            for turn in conv.get("dialog", []):
                text = (turn.get("text") or "").strip()
                if turn.get("speaker") == "sys":
                    strategy = turn.get("strategy")
                    if strategy in STRATEGIES and text:
                        out.append(StrategyExample(text, strategy, context, f"conv{n}"))
                else:
                    context = text
    return out


def read_generic_epitome(path: Path) -> list[EpitomeExample]:
    out = []
    with _open_training(path) as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            out.append(
                EpitomeExample(
                    seeker=row.get("seeker") or "",
                    response=row["response"],
                    levels={t: _level(row[t], f"{path}:{n}") for t in EPITOME_TASKS},
                    rationales={
                        t: _split_rationales(row.get(f"{t}_rationales")) for t in EPITOME_TASKS
                    },
                    group=row.get("group") or f"row{n}",
                )
            )
    return out


def read_generic_strategies(path: Path) -> list[StrategyExample]:
    out = []
    with _open_training(path) as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            if row["strategy"] not in STRATEGIES:
                raise ValueError(f"{path}:{n}: unknown strategy {row['strategy']!r}")
            out.append(
                StrategyExample(
                    row["text"], row["strategy"], row.get("context") or "", row.get("group") or ""
                )
            )
    return out


def read_training_data(data_dir: str | Path) -> tuple[list[EpitomeExample], list[StrategyExample]]:
    """Read whichever of the two layouts ``data_dir`` holds (see the module docstring)."""
    root = Path(data_dir).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"no such data directory: {root}")
    epitome: list[EpitomeExample] = []
    turns: list[StrategyExample] = []
    if (root / "epitome").is_dir():
        epitome = read_research_epitome(root / "epitome")
    elif (root / "epitome.train.csv").is_file():
        epitome = read_generic_epitome(root / "epitome.train.csv")
    if (root / "esconv" / "train.jsonl").is_file():
        turns = read_research_esconv(root / "esconv" / "train.jsonl")
    elif (root / "strategies.train.csv").is_file():
        turns = read_generic_strategies(root / "strategies.train.csv")
    if not epitome and not turns:
        raise FileNotFoundError(
            f"no training files found in {root}: expected epitome/*.train.csv and "
            "esconv/train.jsonl, or epitome.train.csv and strategies.train.csv"
        )
    return epitome, turns


def _hash32(key: str) -> int:
    return int.from_bytes(hashlib.sha1(key.encode()).digest()[:4], "big")


def _held_out(group: str, fraction: float, seed: int) -> bool:
    return _hash32(f"{seed}:{group}") / 2**32 < fraction


def _fold(group: str, folds: int, seed: int) -> int:
    """The cross-fitting fold of a group (whole seeker posts stay in one fold)."""
    return _hash32(f"{seed}:fold:{group}") % folds


# -- training -----------------------------------------------------------------------------
def macro_f1(gold: Sequence[int], pred: Sequence[int], labels: Sequence[int]) -> float:
    """Macro-averaged F1 over ``labels`` present in gold or predictions (sklearn's convention)."""
    present = [c for c in labels if c in set(gold) or c in set(pred)]
    if not present:
        return 0.0
    scores = []
    for c in present:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p != c)
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def _class_weights(labels: Sequence[int], n_classes: int, power: float):
    counts = Counter(labels)
    total = len(labels)
    return [
        (total / (n_classes * counts[c])) ** power if counts.get(c) else 1.0
        for c in range(n_classes)
    ]


@dataclass
class TrainConfig:
    # "features": linear heads over the shipped encoder's pooled vectors and TF-IDF n-grams,
    # regularisation and decision offsets chosen by cross-validation on the training data.
    # "finetune": cut the encoder to ``layers`` layers and train its upper ones with the
    # EPITOME heads; the strategy head is then fitted on the fine-tuned vectors.
    mode: str = "finetune"
    pools: tuple[str, ...] = ("mean", "mean_mid", "max")
    pair: bool = True
    # Learn a token tagger from the annotators' evidence phrases (rationales) and give the
    # heads its per-reply aggregates; training rows get them from held-out folds.
    evidence: bool = True
    # Give the heads the shipped lexical engine's findings as features too.
    lexical: bool = True
    dense_weight: float = 1.0
    c_grid: tuple[float, ...] = (0.5, 2.0)
    strategy_c_grid: tuple[float, ...] = (1.0,)
    # Whole conversations are taken (in a fixed pseudo-random order) up to this many turns:
    # the strategy head saturates well before all of ESConv and training stays in budget.
    strategy_max_turns: int = 6000
    # Grouped cross-validation folds for the linear heads' choices (features mode, and the
    # strategy head when it has a grid to choose from).
    cv_folds: int = 5
    epochs: int = 4
    batch_size: int = 16
    lr: float = 1.5e-4
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    # Tokens read per reply (about one reply in eight is longer than 64 tokens).
    max_length: int = 96
    # Encoder layers kept (of the shipped six): fewer layers answer faster.
    layers: int = 4
    # The lowest layers are kept as shipped and their outputs computed once: training then
    # costs a fraction of full fine-tuning on a 2-core machine (0 = fine-tune everything).
    freeze_layers: int = 2
    rationale_weight: float = 0.5
    # Read each reply with the first this many tokens of the seeker's words after it (the
    # heads still pool the reply's tokens only); 0 reads the reply alone. On the held-out
    # training pairs of two seeds, 32 tokens raised the mean macro-F1 of the three
    # mechanisms from 0.753 to 0.783 and from 0.742 to 0.759 (48 tokens: 0.784, 0.758).
    context_tokens: int = 32
    # Each mechanism's head also reads the reply's tokens pooled with weights from that
    # mechanism's evidence scores (the rationale tagger, kept in the model): one evidence
    # phrase in a long reply is not averaged away.
    evidence_pool: bool = True
    class_weight_power: float = 0.5
    val_fraction: float = 0.15
    tune_bias: bool = True
    # Finetune mode: measure an int8 copy of the encoder on the held-out pairs and make it
    # the default when it loses at most this much mean macro-F1 there. On a CPU with native
    # bfloat16 it must also answer those pairs at least ``int8_speedup`` times as fast as
    # bfloat16 (which it does on some such CPUs and not on others: it is timed here).
    int8: bool = True
    int8_tolerance: float = 0.01
    int8_speedup: float = 1.15
    # How the model computes when answering: "auto" is bfloat16 on a CPU with native
    # bfloat16 (the epoch, offsets and strategy head are then chosen on bfloat16 outputs,
    # so nothing is lost to the faster arithmetic), else float32 or, when it keeps the
    # held-out accuracy, int8. "float", "bf16" and "int8" force one.
    precision: str = "auto"
    # Once the epoch and offsets are chosen on the held-out part, train again from the start
    # on every training pair for that many epochs (about a sixth more data; costs one more
    # run of that length). Off by default: the decision offsets were tuned on the first
    # run's outputs, and the refit model is calibrated differently (on EPITOME it put 82 of
    # 329 dev replies in a class that has 7).
    refit: bool = False
    # Choose the epoch and the per-class offsets by cross-fitting instead of one held-out
    # part: train ``folds`` times, each time holding out one fold of whole seeker posts, tune
    # the offsets on the out-of-fold outputs of every training pair, then train once more on
    # all pairs for the chosen number of epochs. The rarest levels (77 of 2,120 EPITOME
    # pairs for weak interpretations) then get offsets measured on all their examples rather
    # than on the dozen in a 15 % part. Costs ``folds`` + 1 runs; 1 keeps the held-out part.
    folds: int = 1
    # Run the fine-tuning itself with bfloat16 products (faster where native, but the
    # gradients are coarser).
    train_bf16: bool = False
    # Train this many times from the same start, each run with its own order of the pairs
    # (and dropout), and answer with the mean of the runs' weights, epoch by epoch (a
    # "model soup": the runs stay close to the shipped encoder, so their mean is a model of
    # the same size that answers as fast as one run). The epoch is chosen and the offsets
    # tuned on the mean's held-out outputs. Costs ``runs`` runs. On EPITOME the mean of 3
    # scored within noise of single runs (held-out mean macro-F1 0.760 against 0.753-0.763
    # for its three runs), so one run is the default; the mean is steadier per mechanism.
    runs: int = 1
    seed: int = 13


def _tokenize_epitome(tokenizer, examples: list[EpitomeExample], cfg: TrainConfig):
    """Token ids plus, per task, a 0/1 tag per token: inside one of the rationale phrases."""
    items = []
    for ex in examples:
        # The reply's own tokens (tagged below), then the start of the seeker's words.
        enc = tokenizer(
            ex.response,
            truncation=True,
            max_length=cfg.max_length,
            return_offsets_mapping=True,
        )
        in_response = [s == 0 for s in enc.sequence_ids()]
        offsets = enc["offset_mapping"]
        tags = {}
        lowered = ex.response.lower()
        for task in EPITOME_TASKS:
            spans = []
            for phrase in ex.rationales.get(task, []):
                at = lowered.find(phrase.lower())
                if at >= 0:
                    spans.append((at, at + len(phrase)))
            tags[task] = [
                1.0 if inside and any(s < e2 and s2 < e for s2, e2 in spans) and e > s else 0.0
                for inside, (s, e) in zip(in_response, offsets, strict=True)
            ]
        items.append((enc["input_ids"], tags, ex.levels, len(enc["input_ids"])))
    if cfg.context_tokens:
        extras = context_ids(tokenizer, [ex.seeker for ex in examples], cfg.context_tokens)
        items = [(ids + extra, *rest) for (ids, *rest), extra in zip(items, extras, strict=True)]
    return items


def _pad(torch, seqs: list[list[int]], pad_id: int):
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s, dtype=torch.long)
        mask[i, : len(s)] = 1
    return ids, mask


def _tune_bias(logits, gold: list[int], n_classes: int) -> list[float]:
    """Per-class additive logit offsets (class 0 fixed at 0) that maximise macro-F1 on the
    held-out part of the training data; a coarse grid keeps it from chasing noise."""
    grid = [x / 4 for x in range(-4, 9)]  # -1.0 .. 2.0
    best = (macro_f1(gold, logits.argmax(-1).tolist(), range(n_classes)), [0.0] * n_classes)
    if n_classes != LEVELS:
        return best[1]
    import torch

    for b1 in grid:
        for b2 in grid:
            shifted = logits + torch.tensor([0.0, b1, b2])
            score = macro_f1(gold, shifted.argmax(-1).tolist(), range(n_classes))
            # Prefer smaller offsets when scores tie: the grid is coarse on purpose.
            if score > best[0] + 1e-9:
                best = (score, [0.0, b1, b2])
    return best[1]


def _cap_turns(turns: list[StrategyExample], cfg: TrainConfig, log) -> list[StrategyExample]:
    """Whole conversations, in a fixed pseudo-random order, up to ``strategy_max_turns``."""
    if len(turns) <= cfg.strategy_max_turns:
        return turns
    by_group: dict[str, list[StrategyExample]] = {}
    for t in turns:
        by_group.setdefault(t.group, []).append(t)
    order = sorted(by_group, key=lambda g: hashlib.sha1(f"{cfg.seed}:{g}".encode()).digest())
    kept: list[StrategyExample] = []
    for g in order:
        if len(kept) + len(by_group[g]) > cfg.strategy_max_turns and kept:
            break
        kept += by_group[g]
    log(f"using {len(kept)} of {len(turns)} strategy turns")
    return kept


def _linear_from_logistic(linear, clf, n_classes: int) -> None:
    """Copy a fitted multinomial logistic regression into ``linear`` (same decisions);
    classes the data lacked get a very low score."""
    import numpy as np
    import torch

    weight = np.zeros((n_classes, clf.coef_.shape[1]), dtype=np.float32)
    bias = np.full(n_classes, -30.0, dtype=np.float32)
    classes = list(clf.classes_)
    if len(classes) == 2:  # binary: sklearn keeps one row, the score of the second class
        weight[classes[1]] = clf.coef_[0]
        bias[classes[0]] = 0.0
        bias[classes[1]] = clf.intercept_[0]
    else:
        weight[classes] = clf.coef_
        bias[classes] = clf.intercept_
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(weight))
        linear.bias.copy_(torch.from_numpy(bias))


def _held_out_f1(model, examples: list[EpitomeExample], bias: dict[str, list[float]]):
    """Macro-F1 per mechanism of ``model`` (decision offsets ``bias``) on ``examples``."""
    import numpy as np

    scores = model.scores(
        [e.response for e in examples], [e.seeker for e in examples], names=EPITOME_TASKS
    )
    out = {}
    for t in EPITOME_TASKS:
        s = scores[t] + np.asarray(bias.get(t, [0.0] * LEVELS), dtype=scores[t].dtype)
        out[t] = macro_f1([e.levels[t] for e in examples], s.argmax(-1).tolist(), range(LEVELS))
    return out


def _timed_f1(model, held: list[EpitomeExample], bias) -> tuple[dict[str, float], float]:
    """``_held_out_f1`` and the seconds it took, after a warm-up on a few pairs (the CPU
    library builds its kernels on first use)."""
    _held_out_f1(model, held[:16], bias)
    started = time.perf_counter()
    found = _held_out_f1(model, held, bias)
    return found, time.perf_counter() - started


def _int8_check(
    model, held: list[EpitomeExample], bias, cfg: TrainConfig, log, *, base: str = "float"
):
    """Compare the encoder as it answers now (``base``: float, or bf16) with an int8 copy on
    the held-out pairs. Int8 becomes the model's default when it costs at most
    ``cfg.int8_tolerance`` of mean macro-F1 there; against bf16 it must also answer at least
    ``cfg.int8_speedup`` times as fast (float is always slower on a CPU)."""
    from heard.coach.semantic import CoachModel

    full, full_s = _timed_f1(model, held, bias)
    copy_ = CoachModel(model.tokenizer, copy.deepcopy(model.encoder), model.heads, model.meta)
    quant, quant_s = _timed_f1(copy_.quantize(), held, bias)
    drop = sum(full.values()) / len(full) - sum(quant.values()) / len(quant)
    speedup = full_s / quant_s if quant_s > 0 else 0.0
    use = drop <= cfg.int8_tolerance and (base != "bf16" or speedup >= cfg.int8_speedup)
    log(
        f"int8 encoder on the held-out pairs, against {base}: "
        + "  ".join(f"{t} {full[t]:.3f}->{quant[t]:.3f}" for t in EPITOME_TASKS)
        + f", {speedup:.2f}x as fast  ({'used' if use else 'not used'} by default)"
    )
    return {
        base: full,
        "int8": quant,
        "mean_drop": round(drop, 4),
        "speedup": round(speedup, 3),
        "use": use,
    }


def train_model(
    epitome: list[EpitomeExample],
    turns: list[StrategyExample],
    cfg: TrainConfig | None = None,
    *,
    log: Callable[[str], None] = print,
):
    """Fine-tune the bundled encoder on the EPITOME pairs; return ``(CoachModel, report)``.

    One multi-task objective: the three mechanisms' levels from the mean-pooled reply, plus,
    per token, whether it lies inside an evidence phrase the annotators marked. Only the
    lowest ``cfg.layers`` layers of the encoder are kept (fewer layers answer faster), the
    lowest ``cfg.freeze_layers`` of those stay as shipped and their outputs are computed once
    per text. The epoch and the per-class decision offsets are chosen on a held-out part of
    the training pairs (whole seeker posts). The strategy head is then a logistic regression
    over the fine-tuned encoder's pooled vectors of the strategy-labelled turns, copied into
    a linear layer: one encoder pass per reply gives every answer.
    """
    import numpy as np

    from heard.coach.semantic import (
        PRECISIONS,
        CoachModel,
        _autocast,
        _encode,
        _torch,
        bf16_native,
        build_heads,
        head_logits,
        lexical_analyses,
        lexical_features,
        lexical_labels,
        lexical_width,
        own_mask,
    )

    cfg = cfg or TrainConfig()
    if cfg.precision not in (*PRECISIONS, "auto"):
        raise ValueError(f"precision must be auto, {', '.join(PRECISIONS)}: {cfg.precision!r}")
    if cfg.runs < 1:
        raise ValueError(f"runs must be at least 1: {cfg.runs}")
    if cfg.folds > 1 and cfg.refit:
        raise ValueError(
            "folds and refit cannot be combined: cross-fitting already ends with one run on "
            "every training pair"
        )
    torch = _torch()
    bf16 = cfg.precision == "bf16" or (cfg.precision == "auto" and bf16_native())
    started = time.monotonic()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    model = CoachModel.from_base(
        {
            "max_length": cfg.max_length,
            "use_context": False,
            "context_tokens": cfg.context_tokens,
            "bias": {},
        }
    )
    tok, encoder, heads = model.tokenizer, model.encoder, model.heads
    hidden = encoder.config.hidden_size
    lexical = None
    if cfg.lexical:
        # The heads read the lexical engine's findings beside the pooled reply (each reply
        # analysed with the seeker's words, as when answering); the vocabulary of move and
        # pitfall labels comes from the training replies only.
        ep_analyses = lexical_analyses([e.response for e in epitome], [e.seeker for e in epitome])
        lexical = {"labels": lexical_labels(ep_analyses)}
        lexical["epitome"] = dict(zip(map(id, epitome), ep_analyses, strict=True))
        model.meta["lexical_labels"] = lexical["labels"]
        log(
            f"analysed {len(epitome)} replies with the lexical engine ({time.monotonic() - started:.0f}s)"
        )

    def lexical_rows(examples: list[EpitomeExample]):
        if lexical is None:
            return None
        rows = [lexical["epitome"][id(e)] for e in examples]
        return torch.from_numpy(lexical_features(rows, lexical["labels"]))

    heads = model.heads = build_heads(
        hidden,
        extra=lexical_width(lexical["labels"]) if lexical else 0,
        evidence=cfg.evidence_pool,
    )
    model.meta["evidence_pool"] = cfg.evidence_pool

    keep = max(1, min(cfg.layers, len(encoder.encoder.layer)))
    if keep < len(encoder.encoder.layer):
        encoder.encoder.layer = encoder.encoder.layer[:keep]
        encoder.config.num_hidden_layers = keep
    layers = encoder.encoder.layer
    frozen = max(0, min(cfg.freeze_layers, keep))
    rationale_head = (
        heads["evidence"] if cfg.evidence_pool else torch.nn.Linear(hidden, len(EPITOME_TASKS))
    )
    pad_id = tok.pad_token_id or 0

    fold_of = [_fold(e.group, cfg.folds, cfg.seed) for e in epitome] if cfg.folds > 1 else []
    folds = cfg.folds if len(set(fold_of)) == cfg.folds > 1 else 1
    if folds > 1:
        # Every pair is trained on; each fold is held out once, below.
        ep_train, ep_val = epitome, epitome[:0]
        how = f"cross-fitting over {folds} folds to choose the epoch and offsets"
    else:
        ep_train = [e for e in epitome if not _held_out(e.group, cfg.val_fraction, cfg.seed)]
        ep_val = [e for e in epitome if _held_out(e.group, cfg.val_fraction, cfg.seed)]
        if len(ep_val) < 2 or len(ep_train) < 2:  # tiny data sets: train and pick on all of it
            ep_train = ep_val = epitome
        how = f"holding out {len(ep_val)} to choose the epoch and offsets"
    log(
        f"fine-tuning {keep - frozen} of {keep} encoder layers on {len(ep_train)} EPITOME "
        f"pairs; {how}" + ("; answers in bfloat16" if bf16 else "")
    )
    ep_items = _tokenize_epitome(tok, ep_train, cfg)
    ep_val_items = _tokenize_epitome(tok, ep_val, cfg)
    blocks = {"ep": lexical_rows(ep_train), "ep_val": lexical_rows(ep_val) if ep_val else None}

    def logits_of(kind: str, states, mask, idx: list[int]):
        block = blocks[kind]
        return head_logits(
            heads, states, mask, None if block is None else block[idx], EPITOME_TASKS
        )

    from transformers.masking_utils import create_bidirectional_mask

    if frozen:
        for p in encoder.embeddings.parameters():
            p.requires_grad_(False)
        for layer in layers[:frozen]:
            for p in layer.parameters():
                p.requires_grad_(False)

    def run_layers(h, mask, chosen):
        m = create_bidirectional_mask(config=encoder.config, inputs_embeds=h, attention_mask=mask)
        for layer in chosen:
            h = layer(h, m)
        return h

    def build_cache(seqs: list[list[int]], low_precision: bool = False):
        """Outputs of the frozen layers, one unpadded float16 tensor per sequence; with
        ``low_precision`` computed in bfloat16, as the model will answer."""
        cache: list[Any] = [None] * len(seqs)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        encoder.eval()
        with torch.inference_mode():
            for start in range(0, len(order), 64):
                idx = order[start : start + 64]
                ids, mask = _pad(torch, [seqs[i] for i in idx], pad_id)
                with _autocast(low_precision):
                    h = run_layers(encoder.embeddings(input_ids=ids), mask, layers[:frozen])
                for b, i in enumerate(idx):
                    cache[i] = h[b, : len(seqs[i])].to(torch.float16).clone()
        return cache

    caches: dict[str, list[Any]] = {}
    if frozen:
        caches["ep"] = build_cache([c[0] for c in ep_items], cfg.train_bf16)
        caches["ep_val"] = (
            caches["ep"]
            if ep_val is ep_train and bf16 == cfg.train_bf16
            else build_cache([c[0] for c in ep_val_items], bf16)
        )
        if folds > 1:  # every pair is held out once: its outputs as the model will answer
            caches["all_eval"] = (
                caches["ep"]
                if bf16 == cfg.train_bf16
                else build_cache([c[0] for c in ep_items], bf16)
            )
        log(f"cached the {frozen} frozen layers ({time.monotonic() - started:.0f}s)")

    def forward(kind: str, items, idx: list[int]):
        """Last hidden states for ``items[idx]`` (through the trainable layers only), the
        ids and the mask of the reply's own tokens (the ones the heads read)."""
        ids, mask = _pad(torch, [items[i][0] for i in idx], pad_id)
        own = own_mask(mask, [items[i][3] for i in idx])
        if not frozen:
            return encoder(input_ids=ids, attention_mask=mask).last_hidden_state, ids, own
        h = torch.zeros((len(idx), ids.shape[1], hidden))
        for b, i in enumerate(idx):
            c = caches[kind][i]
            h[b, : c.shape[0]] = c.float()
        return run_layers(h, mask, layers[frozen:]), ids, own

    def class_weights(examples: list[EpitomeExample]):
        return {
            t: torch.tensor(
                _class_weights([e.levels[t] for e in examples], LEVELS, cfg.class_weight_power)
            )
            for t in EPITOME_TASKS
        }

    no_decay = ("bias", "LayerNorm.weight")
    trainable = [(n, p) for n, p in encoder.named_parameters() if p.requires_grad]
    groups = [
        {
            "params": [p for n, p in trainable if not n.endswith(no_decay)],
            "lr": cfg.lr,
            "weight_decay": cfg.weight_decay,
        },
        {"params": [p for n, p in trainable if n.endswith(no_decay)], "lr": cfg.lr},
        {
            "params": [p for t in EPITOME_TASKS for p in heads[t].parameters()]
            + list(rationale_head.parameters()),
            "lr": cfg.head_lr,
        },
    ]
    groups = [g for g in groups if g["params"]]
    for g in groups:
        g.setdefault("weight_decay", 0.0)
    base_lrs = [g["lr"] for g in groups]

    class Run:
        """One optimisation run: AdamW with linear warm-up and decay over ``cfg.epochs``."""

        def __init__(self, kind: str, items, examples: list[EpitomeExample]):
            self.kind, self.items = kind, items
            self.weights = class_weights(examples)
            self.opt = torch.optim.AdamW([dict(g) for g in groups])
            self.total = max(1, math.ceil(len(items) / cfg.batch_size) * cfg.epochs)
            self.warmup = int(self.total * cfg.warmup)
            self.step = 0

        def set_lr(self):
            if self.step < self.warmup:
                scale = (self.step + 1) / max(1, self.warmup)
            else:
                scale = max(0.0, (self.total - self.step) / max(1, self.total - self.warmup))
            for g, base in zip(self.opt.param_groups, base_lrs, strict=True):
                g["lr"] = base * scale

        def epoch(self) -> float:
            """Train one epoch; return the mean loss."""
            encoder.train()
            heads.train()
            rationale_head.train()
            order = list(range(len(self.items)))
            random.shuffle(order)
            running = 0.0
            batches = [order[i : i + cfg.batch_size] for i in range(0, len(order), cfg.batch_size)]
            for idx in batches:
                self.set_lr()
                chunk = [self.items[i] for i in idx]
                with _autocast(cfg.train_bf16):
                    hidden_states, ids, mask = forward(self.kind, self.items, idx)
                hidden_states = hidden_states.float()
                found = logits_of(self.kind, hidden_states, mask, idx)
                loss = 0.0
                for t in EPITOME_TASKS:
                    gold = torch.tensor([c[2][t] for c in chunk])
                    loss = loss + ce(found[t], gold, weight=self.weights[t])
                if cfg.rationale_weight > 0:
                    tags = torch.zeros((len(chunk), ids.shape[1], len(EPITOME_TASKS)))
                    for b, c in enumerate(chunk):
                        for k, t in enumerate(EPITOME_TASKS):
                            tags[b, : len(c[1][t]), k] = torch.tensor(c[1][t])
                    # The model's own tagger already scored the tokens; else the
                    # training-only one.
                    tagged = found.get("evidence")
                    if tagged is None:
                        tagged = rationale_head(hidden_states)
                    per_token = bce(tagged, tags, reduction="none").mean(-1)
                    m = mask.to(per_token.dtype)
                    loss = loss + cfg.rationale_weight * (per_token * m).sum() / m.sum()
                self.opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_([p for g in groups for p in g["params"]], 1.0)
                self.opt.step()
                self.step += 1
                running += loss.item()
            return running / max(1, len(batches))

    def evaluate(kind: str = "ep_val", items=None):
        items = ep_val_items if items is None else items
        encoder.eval()
        heads.eval()
        logits: dict[str, list[Any]] = {t: [] for t in EPITOME_TASKS}
        with torch.inference_mode():
            for start in range(0, len(items), 64):
                idx = list(range(start, min(start + 64, len(items))))
                with _autocast(bf16):
                    states, _, mask = forward(kind, items, idx)
                found = logits_of(kind, states.float(), mask, idx)
                for t in EPITOME_TASKS:
                    logits[t].append(found[t])
        out = {t: torch.cat(v) for t, v in logits.items()}
        gold = {t: [c[2][t] for c in items] for t in EPITOME_TASKS}
        return argmax_f1(out, gold), out, gold

    def argmax_f1(logits, gold) -> dict[str, float]:
        return {t: macro_f1(gold[t], logits[t].argmax(-1).tolist(), range(LEVELS)) for t in gold}

    def offsets(logits, gold):
        """Per-class offsets tuned on ``logits`` and the macro-F1 they give, per task."""
        bias = {t: [0.0] * LEVELS for t in EPITOME_TASKS}
        tuned = argmax_f1(logits, gold)
        if cfg.tune_bias:
            for t in EPITOME_TASKS:
                bias[t] = _tune_bias(logits[t], gold[t], LEVELS)
                shifted = logits[t] + torch.tensor(bias[t])
                tuned[t] = macro_f1(gold[t], shifted.argmax(-1).tolist(), range(LEVELS))
        return bias, tuned

    ce = torch.nn.functional.cross_entropy
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    refit = cfg.refit and ep_val is not ep_train and bool(ep_items)
    initial = None
    if refit or folds > 1 or cfg.runs > 1:
        initial = {
            "encoder": copy.deepcopy(encoder.state_dict()),
            "heads": copy.deepcopy(heads.state_dict()),
            "rationale": copy.deepcopy(rationale_head.state_dict()),
        }

    def restart(seed: int) -> None:
        """Back to the shipped encoder and the same initial heads; a new data order."""
        encoder.load_state_dict(initial["encoder"])
        heads.load_state_dict(initial["heads"])
        rationale_head.load_state_dict(initial["rationale"])
        random.seed(seed)
        torch.manual_seed(seed)

    params = [p for g in groups for p in g["params"]]

    def runs(kind: str, items, examples, epochs: int, what: str, *, fresh: bool):
        """``cfg.runs`` runs of ``epochs`` epochs over ``items``, each from the initial
        weights (the first from the current ones unless ``fresh``) with its own data order.
        Per epoch: the sum of the runs' trained weights and their mean loss."""
        totals: list[list[Any]] = []
        losses = [0.0] * epochs
        for s in range(cfg.runs):
            if s or fresh:
                restart(cfg.seed + s)
            run = Run(kind, items, examples)
            for epoch in range(1, epochs + 1):
                loss = run.epoch()
                losses[epoch - 1] += loss / cfg.runs
                log(
                    what
                    + (f", run {s + 1}/{cfg.runs}" if cfg.runs > 1 else "")
                    + f", epoch {epoch}/{epochs}: loss {loss:.3f}"
                    f"  ({time.monotonic() - started:.0f}s)"
                )
                _add_weights(totals, epoch - 1, params)
        return totals, losses

    def train_from_start(kind: str, items, examples, epochs: int, what: str) -> None:
        """From the initial weights, ``epochs`` epochs over ``items`` (the chosen count);
        with ``cfg.runs`` > 1 the mean of that many runs."""
        totals, _ = runs(
            kind, items, examples, epochs, f"{what} on all {len(items)} pairs", fresh=True
        )
        if totals:
            _set_mean(params, totals[-1], cfg.runs)

    def judge(label: dict[str, Any]) -> dict[str, Any]:
        """Held-out macro-F1 of the current weights, with per-class offsets tuned."""
        plain, val_logits, val_gold = evaluate()
        bias, tuned = offsets(val_logits, val_gold)
        elapsed = time.monotonic() - started
        history.append(
            {
                **label,
                "held_out": plain,
                "held_out_with_offsets": tuned,
                "seconds": round(elapsed, 1),
            }
        )
        return {
            "score": sum(tuned.values()) / len(tuned),
            "bias": bias,
            "scores": tuned,
            "plain": plain,
            "elapsed": elapsed,
        }

    def hold_out() -> dict[str, Any]:
        """``cfg.runs`` runs of ``cfg.epochs``; the mean weights of the epoch whose mean
        does best on the held-out part."""
        epochs = cfg.epochs if ep_items else 0
        totals, losses = runs(
            "ep", ep_items, ep_train, epochs, f"training on {len(ep_items)} pairs", fresh=False
        )
        chosen: dict[str, Any] = {"score": -1.0}
        for epoch, (total, loss) in enumerate(zip(totals, losses, strict=True), 1):
            _set_mean(params, total, cfg.runs)
            judged = judge({"epoch": epoch, "loss": loss, "runs": cfg.runs})
            plain, tuned = judged["plain"], judged["scores"]
            log(
                f"epoch {epoch}/{cfg.epochs}"
                + (f", mean of {cfg.runs} runs" if cfg.runs > 1 else "")
                + ": held-out "
                + "  ".join(f"{k} {plain[k]:.3f}/{tuned[k]:.3f}" for k in plain)
            )
            if judged["score"] > chosen["score"]:
                keep_weights = not refit
                chosen = {
                    **judged,
                    "epoch": epoch,
                    "encoder": copy.deepcopy(encoder.state_dict()) if keep_weights else None,
                    "heads": copy.deepcopy(heads.state_dict()) if keep_weights else None,
                }
        return chosen

    def cross_fit() -> dict[str, Any]:
        """Train once per fold with that fold held out, choose the epoch and offsets on the
        out-of-fold outputs of every pair, then train on all pairs for that many epochs."""
        n = len(ep_items)
        oof = [{t: torch.zeros((n, LEVELS)) for t in EPITOME_TASKS} for _ in range(cfg.epochs)]
        for k in range(folds):
            inside = [i for i in range(n) if fold_of[i] != k]
            outside = [i for i in range(n) if fold_of[i] == k]
            caches["fold"] = [caches["ep"][i] for i in inside] if frozen else []
            caches["fold_val"] = [caches["all_eval"][i] for i in outside] if frozen else []
            for kind, idx in (("fold", inside), ("fold_val", outside)):
                blocks[kind] = None if blocks["ep"] is None else blocks["ep"][idx]
            if k:
                restart(cfg.seed)
            run = Run("fold", [ep_items[i] for i in inside], [ep_train[i] for i in inside])
            for epoch in range(1, cfg.epochs + 1):
                loss = run.epoch()
                plain, out, _ = evaluate("fold_val", [ep_items[i] for i in outside])
                for t in EPITOME_TASKS:
                    oof[epoch - 1][t][outside] = out[t]
                elapsed = time.monotonic() - started
                history.append(
                    {
                        "fold": k + 1,
                        "epoch": epoch,
                        "loss": loss,
                        "held_out": plain,
                        "seconds": round(elapsed, 1),
                    }
                )
                log(
                    f"fold {k + 1}/{folds} ({len(outside)} held out), epoch {epoch}/{cfg.epochs}: "
                    f"loss {loss:.3f}  held-out "
                    + "  ".join(f"{t} {v:.3f}" for t, v in plain.items())
                    + f"  ({elapsed:.0f}s)"
                )
        gold = {t: [c[2][t] for c in ep_items] for t in EPITOME_TASKS}
        chosen: dict[str, Any] = {"score": -1.0}
        for epoch, logits in enumerate(oof, 1):
            plain = argmax_f1(logits, gold)
            bias, tuned = offsets(logits, gold)
            history.append(
                {"epoch": epoch, "out_of_fold": plain, "out_of_fold_with_offsets": tuned}
            )
            log(
                f"out of fold, epoch {epoch}: "
                + "  ".join(f"{t} {plain[t]:.3f}/{tuned[t]:.3f}" for t in plain)
            )
            score = sum(tuned.values()) / len(tuned)
            if score > chosen["score"]:
                chosen = {"score": score, "epoch": epoch, "bias": bias, "scores": tuned}
        for kind in ("fold", "fold_val", "all_eval"):
            caches.pop(kind, None)
        train_from_start("ep", ep_items, ep_train, chosen["epoch"], "training")
        return {
            **chosen,
            "encoder": copy.deepcopy(encoder.state_dict()),
            "heads": copy.deepcopy(heads.state_dict()),
            "check": [ep_train[i] for i in range(n) if fold_of[i] == folds - 1],
        }

    history: list[dict[str, Any]] = []
    best = cross_fit() if folds > 1 else hold_out()
    if refit:
        # The epoch and offsets are chosen; now learn from every training pair, held-out
        # part included, for that many epochs (same schedule, same seed).
        if frozen:
            caches["all"] = caches["ep"] + build_cache([c[0] for c in ep_val_items], cfg.train_bf16)
        block = blocks["ep"]
        blocks["all"] = None if block is None else torch.cat([block, blocks["ep_val"]])
        train_from_start("all", ep_items + ep_val_items, ep_train + ep_val, best["epoch"], "refit")
        best["encoder"] = encoder.state_dict()
        best["heads"] = heads.state_dict()
    if epitome:
        encoder.load_state_dict(best["encoder"])
        heads.load_state_dict(best["heads"])
    encoder.eval()
    heads.eval()
    caches.clear()

    selection: dict[str, Any] = {}
    turns = _cap_turns(turns, cfg, log)
    if turns:
        texts = [t.text for t in turns]
        pooled, _ = _encode(
            tok,
            encoder,
            texts,
            [t.context or None for t in turns],
            max_length=cfg.max_length,
            batch_size=64,
            bf16=bf16,
            context_tokens=cfg.context_tokens,
        )
        # Scaled to unit mean norm: the solver converges in far fewer steps; the scale is
        # folded back into the copied weights.
        X = pooled.numpy()
        scale = float(np.linalg.norm(X, axis=1).mean()) or 1.0
        X = X / scale
        if lexical is not None:
            rows = lexical_analyses(texts, [t.context or None for t in turns])
            X = np.hstack([X, lexical_features(rows, lexical["labels"])])
        y = [STRATEGIES.index(t.strategy) for t in turns]
        groups_st = [t.group or str(i) for i, t in enumerate(turns)]
        log(f"encoded {len(texts)} strategy turns ({time.monotonic() - started:.0f}s)")
        clf, chosen = _fit_head(
            X, y, groups_st, cfg.strategy_c_grid, cfg, len(STRATEGIES), log, "strategy"
        )
        _linear_from_logistic(heads["strategy"][-1], clf, len(STRATEGIES))
        with torch.no_grad():
            heads["strategy"][-1].weight[:, :hidden].div_(scale)
        selection["strategy"] = chosen

    bias_out = best.get("bias", {}) if cfg.tune_bias else {}
    int8 = None
    if bf16:
        precision = "bf16"
        if epitome and cfg.int8 and cfg.precision == "auto":
            # Some CPUs with native bfloat16 still answer faster in int8: time both.
            model.meta["precision"] = "bf16"
            check = best.get("check", ep_val)
            int8 = _int8_check(model, check, bias_out, cfg, log, base="bf16")
            if int8["use"]:
                precision = "int8"
    elif cfg.precision in ("float", "int8"):
        precision = cfg.precision
    else:
        # Cross-fitted models were trained on every pair: the int8 copy is then compared
        # with the float one on the last fold (a relative check, both answer the same pairs).
        check = best.get("check", ep_val)
        int8 = _int8_check(model, check, bias_out, cfg, log) if epitome and cfg.int8 else None
        precision = "int8" if int8 is not None and int8["use"] else "float"
    model.meta["precision"] = precision
    model.meta["int8"] = precision == "int8"
    model.meta.update(
        {
            "bias": bias_out,
            "trained": {
                "mode": "finetune",
                "epochs": cfg.epochs,
                "best_epoch": best.get("epoch"),
                "refit_on_all_pairs": refit,
                "runs": cfg.runs,
                "folds": folds,
                "held_out": best.get("scores"),
                "selection": selection,
                "int8": int8,
                "precision": precision,
                "epitome_pairs": len(ep_train),
                "strategy_turns": len(turns),
                "seconds": round(time.monotonic() - started, 1),
                # Shared machines train slower: the load when training ended, beside the time.
                "load_average": [round(x, 2) for x in os.getloadavg()]
                if hasattr(os, "getloadavg")
                else None,
                "config": {
                    k: (list(v) if isinstance(v, tuple) else v) for k, v in cfg.__dict__.items()
                },
            },
        }
    )
    report = {"history": history, **model.meta["trained"], "bias": bias_out}
    return model, report


def _add_weights(totals: list[list[Any]], epoch: int, params) -> None:
    """Add the current values of ``params`` to the sum kept for ``epoch`` (a new sum when
    this is the first run to reach it)."""
    import torch

    with torch.no_grad():
        if epoch == len(totals):
            totals.append([p.detach().clone() for p in params])
        else:
            for total, p in zip(totals[epoch], params, strict=True):
                total.add_(p)


def _set_mean(params, total: list[Any], runs: int) -> None:
    """Set ``params`` to the mean of ``runs`` runs summed in ``total``."""
    import torch

    with torch.no_grad():
        for p, t in zip(params, total, strict=True):
            p.copy_(t / runs)


def _cv_probabilities(X, y, groups, C: float, folds: int, seed: int, n_classes: int):
    """Out-of-fold class probabilities of a class-weighted logistic regression."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

    y = np.asarray(y)
    proba = np.zeros((len(y), n_classes))
    k = max(2, min(folds, len(set(groups))))
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    for fit_idx, held in splitter.split(X, y, groups):
        clf = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
        clf.fit(X[fit_idx], y[fit_idx])
        proba[np.ix_(held, clf.classes_)] = clf.predict_proba(X[held])
    return proba


def _fit_head(X, y, groups, grid, cfg: TrainConfig, n_classes: int, log, name: str):
    """Pick C (and for 3-level heads the decision offsets) by grouped cross-validation on
    the training data, then fit on all of it."""
    import numpy as np
    import torch
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(y)
    best = None
    if len(set(y.tolist())) < 2:
        raise ValueError(f"{name}: the training data has a single class")
    search = len(grid) > 1 or (cfg.tune_bias and n_classes == LEVELS)
    for C in grid if search else ():
        proba = _cv_probabilities(X, y, groups, C, cfg.cv_folds, cfg.seed, n_classes)
        scores = torch.from_numpy(np.log(proba + 1e-9))
        plain = macro_f1(y.tolist(), scores.argmax(-1).tolist(), range(n_classes))
        bias = [0.0] * n_classes
        tuned = plain
        if cfg.tune_bias and n_classes == LEVELS:
            bias = _tune_bias(scores, y.tolist(), n_classes)
            tuned = macro_f1(
                y.tolist(),
                (scores + torch.tensor(bias)).argmax(-1).tolist(),
                range(n_classes),
            )
        log(f"  {name}: C={C} cross-validated macro-F1 {plain:.3f} (with offsets {tuned:.3f})")
        if best is None or tuned > best["cv_macro_f1"] + 1e-9:
            best = {"C": C, "cv_macro_f1": tuned, "cv_macro_f1_plain": plain, "bias": bias}
    if best is None:
        best = {
            "C": grid[0],
            "cv_macro_f1": None,
            "cv_macro_f1_plain": None,
            "bias": [0.0] * n_classes,
        }
    clf = LogisticRegression(C=best["C"], class_weight="balanced", max_iter=3000).fit(X, y)
    return clf, best


def _token_tags(example: EpitomeExample, offsets) -> Any:
    """0/1 per kept token and mechanism: does the token overlap an evidence phrase?"""
    import numpy as np

    lowered = example.response.lower()
    tags = np.zeros((len(offsets), len(EPITOME_TASKS)), dtype=np.float32)
    for k, task in enumerate(EPITOME_TASKS):
        for phrase in example.rationales.get(task, []):
            at = lowered.find(phrase.lower())
            if at < 0:
                continue
            end = at + len(phrase)
            for j, (s, e) in enumerate(offsets):
                if s < end and at < e:
                    tags[j, k] = 1.0
    return tags


def _fit_tagger(states: list[Any], tags: list[Any], *, l2: float = 1e-4, iters: int = 60):
    """Logistic regression per mechanism over token vectors (full-batch L-BFGS)."""
    import numpy as np
    import torch

    X = torch.from_numpy(np.concatenate(states)).float()
    Y = torch.from_numpy(np.concatenate(tags)).float()
    W = torch.zeros((X.shape[1], Y.shape[1]), requires_grad=True)
    b = torch.zeros(Y.shape[1], requires_grad=True)
    opt = torch.optim.LBFGS([W, b], lr=1.0, max_iter=iters, line_search_fn="strong_wolfe")
    loss_fn = torch.nn.functional.binary_cross_entropy_with_logits

    def closure():
        opt.zero_grad()
        loss = loss_fn(X @ W + b, Y) + l2 * (W**2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return W.detach().numpy(), b.detach().numpy()


def _add_evidence(featurizer, epitome: list[EpitomeExample], tokens, dense, cfg: TrainConfig):
    """Fit the evidence tagger; prepend its aggregates to ``dense``. Each training row's
    aggregates come from a tagger that never saw that row's group (out-of-fold)."""
    import numpy as np

    from heard.coach.semantic import evidence_from_tokens

    tags = [_token_tags(ex, tok[1]) for ex, tok in zip(epitome, tokens, strict=True)]
    states = [tok[0] for tok in tokens]
    k = max(2, cfg.cv_folds)
    fold = [
        int.from_bytes(hashlib.sha1(f"{cfg.seed}:{e.group}".encode()).digest()[:4], "big") % k
        for e in epitome
    ]
    oof = np.zeros((len(epitome), 3 * len(EPITOME_TASKS)), dtype=np.float32)
    for f in range(k):
        fit = [i for i in range(len(epitome)) if fold[i] != f]
        held = [i for i in range(len(epitome)) if fold[i] == f]
        if not held or not fit:
            continue
        W, b = _fit_tagger([states[i] for i in fit], [tags[i] for i in fit])
        oof[held] = evidence_from_tokens([tokens[i] for i in held], W, b)
    featurizer.token_head = _fit_tagger(states, tags)
    block = oof * featurizer.evidence_weight * featurizer.dense_weight
    return np.hstack([block, dense])


def train_features(
    epitome: list[EpitomeExample],
    turns: list[StrategyExample],
    cfg: TrainConfig | None = None,
    *,
    log: Callable[[str], None] = print,
):
    """Fit the linear heads of a features model; return ``(CoachModel, report)``."""
    from heard.coach.semantic import CoachModel, Featurizer, FullProba, _base

    cfg = cfg or TrainConfig()
    started = time.monotonic()
    turns = _cap_turns(turns, cfg, log)
    featurizer = Featurizer(
        cfg.pools, pair=cfg.pair, dense_weight=cfg.dense_weight, max_length=cfg.max_length
    )
    featurizer.fit([e.response for e in epitome] + [t.text for t in turns])
    tokenizer, encoder = _base()
    ep_analyses = turn_analyses = None
    if cfg.lexical:
        ep_analyses = featurizer.analyses(
            [e.response for e in epitome], [e.seeker for e in epitome]
        )
        turn_analyses = featurizer.analyses([t.text for t in turns])
        featurizer.fit_lexical(ep_analyses + turn_analyses)
        log(f"analysed the texts with the lexical engine ({time.monotonic() - started:.0f}s)")
    heads: dict[str, Any] = {}
    bias: dict[str, list[float]] = {}
    selection: dict[str, Any] = {}
    if epitome:
        texts = [e.response for e in epitome]
        dense, tokens = featurizer.dense(
            tokenizer,
            encoder,
            texts,
            [e.seeker for e in epitome],
            keep_tokens=True,
            analyses=ep_analyses,
        )
        groups = [e.group for e in epitome]
        log(f"encoded {len(texts)} EPITOME pairs ({time.monotonic() - started:.0f}s)")
        if cfg.evidence and any(e.rationales.get(t) for e in epitome for t in EPITOME_TASKS):
            dense = _add_evidence(featurizer, epitome, tokens, dense, cfg)
            log(f"fitted the evidence tagger ({time.monotonic() - started:.0f}s)")
        X = featurizer.combine(dense, texts)
        for task in EPITOME_TASKS:
            clf, chosen = _fit_head(
                X, [e.levels[task] for e in epitome], groups, cfg.c_grid, cfg, LEVELS, log, task
            )
            heads[task] = FullProba(clf, LEVELS)
            bias[task] = chosen["bias"]
            selection[task] = chosen
    if turns:
        texts = [t.text for t in turns]
        dense = featurizer.dense(tokenizer, encoder, texts, None, analyses=turn_analyses)
        X = featurizer.combine(dense, texts)
        y = [STRATEGIES.index(t.strategy) for t in turns]
        groups = [t.group or str(i) for i, t in enumerate(turns)]
        log(f"encoded {len(texts)} strategy turns ({time.monotonic() - started:.0f}s)")
        clf, chosen = _fit_head(
            X, y, groups, cfg.strategy_c_grid, cfg, len(STRATEGIES), log, "strategy"
        )
        heads["strategy"] = FullProba(clf, len(STRATEGIES))
        selection["strategy"] = chosen
    seconds = round(time.monotonic() - started, 1)
    trained = {
        "mode": "features",
        "selection": selection,
        "epitome_pairs": len(epitome),
        "strategy_turns": len(turns),
        "seconds": seconds,
        "best_epoch": None,
        "config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in cfg.__dict__.items()},
    }
    model = CoachModel.from_features(
        featurizer, heads, {"bias": bias, "max_length": cfg.max_length, "trained": trained}
    )
    log(f"fitted the heads in {seconds:.0f}s")
    return model, {**trained, "bias": bias}


def _inside_package(path: Path) -> bool:
    root = Path(__file__).resolve().parents[1]
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    return True


def train(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    cfg: TrainConfig | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Read ``data_dir``, train, write the model to ``out_dir``; return the training report."""
    out = Path(out_dir).expanduser()
    if _inside_package(out):
        raise ValueError(f"refusing to write a trained model inside the heard package: {out}")
    epitome, turns = read_training_data(data_dir)
    cfg = cfg or TrainConfig()
    fit = train_features if cfg.mode == "features" else train_model
    model, report = fit(epitome, turns, cfg, log=log)
    model.save(out)
    (out / "training-report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    log(f"wrote {out} in {report['seconds']:.0f}s (best epoch {report['best_epoch']})")
    return report


# -- command line ------------------------------------------------------------------------
def _run(args: argparse.Namespace) -> int:
    cfg = TrainConfig(
        mode=args.mode,
        epochs=args.epochs,
        layers=args.layers,
        lr=args.lr,
        max_length=args.max_length,
        seed=args.seed,
        freeze_layers=args.freeze_layers,
        lexical=not args.no_lexical,
        strategy_max_turns=args.strategy_max_turns,
        tune_bias=not args.no_bias,
        rationale_weight=args.rationale_weight,
        precision=args.precision,
        refit=args.refit,
        folds=args.folds,
        runs=args.runs,
        evidence_pool=args.evidence_pool,
        context_tokens=args.context_tokens,
    )
    try:
        train(args.data, args.out, cfg=cfg, log=lambda m: print(m, file=sys.stderr, flush=True))
    except (NotTrainingData, FileNotFoundError, ValueError) as exc:
        print(f"heard coach train: {exc}", file=sys.stderr)
        return 2
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--data", required=True, help="directory with *.train.* files")
    parser.add_argument("--out", required=True, help="directory to write the model to")
    parser.add_argument(
        "--mode",
        choices=("features", "finetune"),
        default=TrainConfig.mode,
        help="fine-tune the encoder's upper layers with the heads, or fit linear "
        "heads over the shipped encoder and n-gram features",
    )
    parser.add_argument(
        "--epochs", type=int, default=TrainConfig.epochs, help="fine-tuning epochs (finetune mode)"
    )
    parser.add_argument(
        "--max-length",
        type=int,
        default=TrainConfig.max_length,
        help="tokens read per reply, in training and later when the model answers",
    )
    parser.add_argument(
        "--layers",
        type=int,
        default=TrainConfig.layers,
        help="encoder layers kept, of six (finetune mode; fewer answer faster)",
    )
    parser.add_argument(
        "--lr", type=float, default=TrainConfig.lr, help="encoder learning rate (finetune mode)"
    )
    parser.add_argument(
        "--rationale-weight",
        type=float,
        default=TrainConfig.rationale_weight,
        help="weight of the evidence-phrase tagging loss (finetune mode)",
    )
    parser.add_argument(
        "--evidence-pool",
        action=argparse.BooleanOptionalAction,
        default=TrainConfig.evidence_pool,
        help="each mechanism's head also reads the reply's tokens weighted by the evidence "
        "tagger's scores for that mechanism (finetune mode)",
    )
    parser.add_argument("--no-bias", action="store_true", help="skip per-class offset tuning")
    parser.add_argument(
        "--no-lexical",
        action="store_true",
        help="heads read the encoder alone, not the lexical engine's findings beside it",
    )
    parser.add_argument(
        "--strategy-max-turns",
        type=int,
        default=TrainConfig.strategy_max_turns,
        help="cap on strategy-labelled turns (whole conversations are kept)",
    )
    parser.add_argument(
        "--freeze-layers",
        type=int,
        default=TrainConfig.freeze_layers,
        help="encoder layers kept as shipped (0 fine-tunes all of them)",
    )
    parser.add_argument(
        "--precision",
        choices=("auto", "float", "bf16", "int8"),
        default=TrainConfig.precision,
        help="how the model computes when answering (finetune mode): auto is bf16 on a CPU "
        "with native bfloat16, else float, or int8 when it keeps the held-out accuracy",
    )
    parser.add_argument(
        "--refit",
        action=argparse.BooleanOptionalAction,
        default=TrainConfig.refit,
        help="after choosing the epoch and offsets on the held-out part, train again on all "
        "training pairs (finetune mode)",
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=TrainConfig.folds,
        metavar="K",
        help="choose the epoch and offsets by K-fold cross-fitting on all training pairs, "
        "then train on all of them (finetune mode; K + 1 runs; 1 = one held-out part)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=TrainConfig.runs,
        metavar="N",
        help="train N times from the same start in different data orders and keep the mean "
        "of their weights: steadier, no slower to answer (finetune mode; costs N runs)",
    )
    parser.add_argument(
        "--context-tokens",
        type=int,
        default=TrainConfig.context_tokens,
        metavar="N",
        help="read each reply with the first N tokens of the other person's message after "
        "it (finetune mode; 0 reads the reply alone)",
    )
    parser.add_argument("--seed", type=int, default=TrainConfig.seed)
    parser.set_defaults(func=_run, handler=_run)
    return parser


def register_train(coach_subparsers) -> argparse.ArgumentParser:
    """Add ``train`` to the ``heard coach`` sub-commands."""
    parser = coach_subparsers.add_parser(
        "train",
        help="fine-tune the semantic heads on labelled data",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    return add_arguments(parser)


def main(argv: list[str] | None = None) -> int:
    parser = add_arguments(
        argparse.ArgumentParser(
            prog="heard coach train", formatter_class=argparse.ArgumentDefaultsHelpFormatter
        )
    )
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
