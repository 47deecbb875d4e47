"""Frameworks as views over moves: NURSE, L.A.S.T., NVC and the three empathy dimensions."""

from __future__ import annotations

from functools import cache

from .engine import PatternGroup, text_keys
from .lexicon import compile_group, load
from .types import Finding


@cache
def _cues() -> dict[str, PatternGroup]:
    data = load("frameworks")
    return {name: compile_group(entry["patterns"]) for name, entry in data.items()}


def framework_view(
    moves: tuple[Finding, ...], scanned: str, keys: frozenset[str] | None = None
) -> dict[str, dict[str, bool]]:
    """Which parts of each framework a reply covered.

    >>> framework_view((), "Thanks for waiting.")["LAST"]["thank"]
    True
    """
    if keys is None:
        keys = text_keys(scanned)
    cues = _cues()

    def cue(name: str, text: str) -> bool:
        return cues[name].search(text, keys)

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
            "need": cue("need", scanned),
            "request": has("offering_support") or cue("request", scanned),
        },
        "dimensions": dimensions(moves),
    }


def dimensions(moves: tuple[Finding, ...]) -> dict[str, bool]:
    """Which of the three empathy dimensions the moves cover (the view's "dimensions")."""
    has = {f.label for f in moves}.__contains__
    return {
        "cognitive": has("interpretation")
        or has("exploring_question")
        or has("acknowledging_impact"),
        "emotional": has("emotion_labelling") or has("validation") or has("concrete_apology"),
        "behavioural": has("next_steps")
        or has("offering_support")
        or has("warm_handoff")
        or has("boundary_statement")
        or has("offering_space"),
    }
