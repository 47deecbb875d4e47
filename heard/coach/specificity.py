"""Specificity of kudos and impact stories: action -> effect on the person -> outcome."""

from __future__ import annotations

import re
from functools import cache

from .lexicon import compile_alternation, fold, load
from .spans import MAX_CHARS, find_spans
from .types import SpecificityReport

PARTS = ("action", "effect", "outcome", "generic")


@cache
def _compiled() -> dict[str, re.Pattern]:
    data = load("specificity")
    return {part: compile_alternation(data[part]["patterns"]) for part in PARTS}


def specificity(text: str) -> SpecificityReport:
    """How concrete a kudos or impact story is, with a nudge toward what's missing.

    >>> specificity("Great job!").nudge is not None
    True
    """
    text = "" if text is None else str(text)
    original = text[:MAX_CHARS]
    scanned = fold(original)
    found = {part: tuple(find_spans(rx, scanned, original)) for part, rx in _compiled().items()}
    score = 0.4 * bool(found["action"]) + 0.3 * bool(found["effect"]) + 0.3 * bool(found["outcome"])
    if found["generic"] and score < 0.4:
        score = max(0.0, score - 0.1)
    if len(original.split()) >= 25 and score:
        score += 0.05
    score = round(min(1.0, score), 3)
    nudge = None
    if not found["action"]:
        nudge = "Name the specific thing they did: what, and when?"
    elif not found["effect"]:
        nudge = "Say what it changed for you or the person they helped."
    elif not found["outcome"]:
        nudge = "Add the knock-on effect for the work or the client."
    return SpecificityReport(
        score, found["action"], found["effect"], found["outcome"], found["generic"], nudge
    )
