"""Frameworks as views over moves: NURSE, L.A.S.T., NVC and the three empathy dimensions."""

from __future__ import annotations

import re
from functools import cache

from .lexicon import compile_alternation, load
from .types import Finding


@cache
def _cues() -> dict[str, re.Pattern]:
    data = load("frameworks")
    return {name: compile_alternation(entry["patterns"]) for name, entry in data.items()}


def cue(name: str, scanned: str) -> bool:
    return _cues()[name].search(scanned) is not None


def framework_view(moves: tuple[Finding, ...], scanned: str) -> dict[str, dict[str, bool]]:
    """Which parts of each framework a reply covered.

    >>> framework_view((), "Thanks for waiting.")["LAST"]["thank"]
    True
    """
    has = {f.label for f in moves}.__contains__
    listened = has("interpretation") or has("emotion_labelling") or has("acknowledging_impact")
    return {
        "NURSE": {
            "name": has("emotion_labelling"),
            "understand": has("interpretation") or has("acknowledging_impact"),
            "respect": has("validation") or has("concrete_apology"),
            "support": has("offering_support") or has("next_steps") or has("warm_handoff"),
            "explore": has("exploring_question"),
        },
        "LAST": {
            "listen": listened,
            "apologise": has("concrete_apology"),
            "solve": has("next_steps") or has("warm_handoff"),
            "thank": cue("thank", scanned),
        },
        "NVC": {
            "observation": has("acknowledging_impact") or cue("observation", scanned),
            "feeling": has("emotion_labelling"),
            "need": has("interpretation") and cue("need", scanned) or cue("need", scanned),
            "request": has("offering_support") or cue("request", scanned),
        },
        "dimensions": {
            "cognitive": has("interpretation")
            or has("exploring_question")
            or has("acknowledging_impact"),
            "emotional": has("emotion_labelling") or has("validation") or has("concrete_apology"),
            "behavioural": has("next_steps")
            or has("offering_support")
            or has("warm_handoff")
            or has("boundary_statement")
            or has("offering_space"),
        },
    }
