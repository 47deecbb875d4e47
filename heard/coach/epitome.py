"""EPITOME levels and ESConv strategy for a reply.

EPITOME (Sharma et al., 2020) rates three mechanisms 0 (none), 1 (weak) or 2 (strong):
emotional reactions, interpretations and explorations. ESConv (Liu et al., 2021) labels a
supporter's turn with one of eight strategies. Both are read from the moves the coach found
plus a few extra cues in ``lexicons/epitome.toml``.
"""

from __future__ import annotations

import re
from functools import cache

from .lexicon import compile_alternation, load
from .types import Finding

STRATEGIES = (
    "Question",
    "Restatement or Paraphrasing",
    "Reflection of feelings",
    "Self-disclosure",
    "Affirmation and Reassurance",
    "Providing Suggestions",
    "Information",
    "Others",
)
MECHANISMS = ("emotional_reactions", "interpretations", "explorations")


@cache
def _cues() -> dict[str, re.Pattern]:
    data = load("epitome")
    out: dict[str, re.Pattern] = {}
    for mech in MECHANISMS:
        out[f"{mech}.strong"] = compile_alternation(data[mech]["strong"])
        out[f"{mech}.weak"] = compile_alternation(data[mech]["weak"])
    for name, pats in data["strategy"].items():
        if name != "source":
            out[f"strategy.{name}"] = compile_alternation(pats)
    return out


def epitome_levels(scanned: str, moves: tuple[Finding, ...]) -> dict[str, int]:
    """EPITOME levels (0/1/2) for one reply.

    >>> epitome_levels("I'm so sorry. What happened?", ())["explorations"]
    1
    """
    cues = _cues()
    has = {f.label for f in moves}.__contains__

    def level(mech: str) -> int:
        if cues[f"{mech}.strong"].search(scanned):
            return 2
        if cues[f"{mech}.weak"].search(scanned):
            return 1
        return 0

    er = level("emotional_reactions")
    if er < 2 and (has("emotion_labelling") or has("concrete_apology")):
        er = max(er, 1)
    ip = level("interpretations")
    if has("interpretation") or has("emotion_labelling"):
        ip = 2
    elif ip == 0 and has("validation"):
        ip = 1
    ex = level("explorations")
    return {"emotional_reactions": er, "interpretations": ip, "explorations": ex}


def strategy(scanned: str, moves: tuple[Finding, ...]) -> str:
    """The ESConv strategy that best describes a reply.

    >>> strategy("Have you tried talking to your manager about it?", ())
    'Question'
    """
    cues = _cues()
    has = {f.label for f in moves}.__contains__

    def hit(name: str) -> bool:
        return cues[f"strategy.{name}"].search(scanned) is not None

    if hit("question") and scanned.rstrip().endswith("?"):
        return "Question"
    if hit("restatement") or has("interpretation") and not has("emotion_labelling"):
        return "Restatement or Paraphrasing"
    if has("emotion_labelling") or hit("reflection"):
        return "Reflection of feelings"
    if hit("self_disclosure"):
        return "Self-disclosure"
    if hit("suggestion") or has("next_steps"):
        return "Providing Suggestions"
    if hit("information"):
        return "Information"
    if hit("affirmation") or has("validation"):
        return "Affirmation and Reassurance"
    if hit("question"):
        return "Question"
    return "Others"
