"""``analyze``: the coach's reading of one reply."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from .engine import text_keys
from .epitome import epitome_levels, strategy
from .frameworks import framework_view
from .lexicon import fold
from .moves import detect_moves
from .pitfalls import detect_pitfalls
from .spans import MAX_CHARS
from .state import read_state
from .suggestions import suggest
from .types import Analysis, Finding, OtherState

MOVE_WEIGHT = {
    "emotion_labelling": 0.22,
    "acknowledging_impact": 0.16,
    "concrete_apology": 0.16,
    "validation": 0.15,
    "interpretation": 0.15,
    "exploring_question": 0.12,
    "next_steps": 0.15,
    "offering_support": 0.1,
    "boundary_statement": 0.05,
    "offering_space": 0.08,
    "warm_handoff": 0.12,
}
PITFALL_WEIGHT = {
    "scripted_line": 0.08,
    "reassurance_without_action": 0.08,
    "premature_solution": 0.1,
    "defensiveness": 0.15,
    "blame": 0.18,
    "minimising": 0.15,
    "judgement": 0.15,
    "one_upping": 0.12,
    "mirroring_anger": 0.2,
    "over_promising": 0.08,
    "absolutist_language": 0.06,
}


def empathy_score(
    moves: tuple[Finding, ...],
    pitfalls: tuple[Finding, ...],
    frameworks: dict[str, dict[str, bool]],
    state: OtherState | None,
) -> float:
    """0..1: saturating credit for moves, minus pitfalls, plus leading with the right dimension."""
    credit = sum(MOVE_WEIGHT[f.label] for f in moves)
    if state is not None and frameworks["dimensions"].get(state.lead):
        credit += 0.1
    penalty = sum(PITFALL_WEIGHT[f.label] for f in pitfalls)
    score = 0.05 + 0.95 * (1.0 - math.exp(-2.4 * credit)) - penalty
    return round(max(0.0, min(1.0, score)), 4)


def analyze(text: str, *, context: str | None = None, model: Any = None) -> Analysis:
    """Analyse one reply, optionally with the other person's message as ``context``.

    >>> a = analyze("That sounds really frustrating. What would help most right now?")
    >>> sorted(f.label for f in a.moves)
    ['emotion_labelling', 'exploring_question', 'offering_support']
    """
    text = "" if text is None else str(text)
    truncated = len(text) > MAX_CHARS
    original = text[:MAX_CHARS] if truncated else text
    scanned = fold(original)
    state = None
    if context is not None and str(context).strip():
        ctx = str(context)
        state = read_state(ctx[:MAX_CHARS])
    keys = text_keys(scanned)
    moves = detect_moves(scanned, original, keys)
    pitfalls = detect_pitfalls(scanned, original, moves, state, keys)
    frameworks = framework_view(moves, scanned, keys)
    result = Analysis(
        text=text,
        moves=moves,
        pitfalls=pitfalls,
        frameworks=frameworks,
        state=state,
        suggestions=suggest(moves, pitfalls, state, seed=original[:200]),
        epitome=epitome_levels(scanned, moves, keys),
        strategy=strategy(scanned, moves, keys),
        empathy_score=empathy_score(moves, pitfalls, frameworks, state),
        truncated=truncated,
    )
    if model is not None:
        result = apply_model(result, model, context or "")
    return result


def apply_model(result: Analysis, model: Any, context: str) -> Analysis:
    """Replace the lexical EPITOME levels and strategy with a learned model's predictions."""
    text = result.text[:MAX_CHARS]
    levels = model.epitome_levels([(context, text)])[0]
    strat = model.strategies([text])[0]
    return replace(result, epitome={k: int(v) for k, v in dict(levels).items()}, strategy=strat)
