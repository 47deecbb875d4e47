"""EPITOME levels and ESConv strategy for a reply.

EPITOME (Sharma et al., 2020) rates three mechanisms 0 (none), 1 (weak) or 2 (strong):
emotional reactions, interpretations and explorations. ESConv (Liu et al., 2021) labels a
supporter's turn with one of eight strategies. Both are read from the moves the coach found
plus the cues in ``lexicons/epitome.toml``:

- emotional reactions: an explicit feeling of the responder's own ("I'm so sorry", "my heart
  goes out to you") is strong; warmth without naming a feeling ("hang in there", "you're not
  alone", "I hope things get better") is weak;
- interpretations: weighted cues for understanding shown through naming the other person's
  feeling or sharing a similar experience; a bare "I understand" is weak;
- explorations: each question is read on its own; generic ones ("what happened?") are weak,
  specific ones about the person ("how long have you felt this way?") strong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .lexicon import FLAGS, compile_alternation, load
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
_QUESTION = re.compile(r"[^.?!\n]*\?+", FLAGS)
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True, slots=True)
class _Cue:
    regex: re.Pattern
    weight: float
    cap: int


@dataclass(frozen=True, slots=True)
class _Compiled:
    er_strong: re.Pattern
    er_weak: re.Pattern
    ip_cues: tuple[_Cue, ...]
    ip_weak: re.Pattern
    ip_strong_at: float
    ex_not: re.Pattern
    ex_generic: re.Pattern
    ex_tell: re.Pattern
    ex_you: re.Pattern
    strategy: dict[str, re.Pattern]


@cache
def _compiled() -> _Compiled:
    data = load("epitome")
    er, ip, ex = data["emotional_reactions"], data["interpretations"], data["explorations"]
    cues = tuple(
        _Cue(compile_alternation(c["patterns"]), float(c["weight"]), int(c["cap"]))
        for c in ip["cues"].values()
    )
    strategy = {
        name: compile_alternation(pats)
        for name, pats in data["strategy"].items()
        if name != "source"
    }
    return _Compiled(
        er_strong=compile_alternation(er["strong"]),
        er_weak=compile_alternation(er["weak"]),
        ip_cues=cues,
        ip_weak=compile_alternation(ip["weak"]["patterns"]),
        ip_strong_at=float(ip["strong_at"]),
        ex_not=compile_alternation(ex["not_exploring"]),
        ex_generic=compile_alternation(ex["generic"]),
        ex_tell=compile_alternation(ex["tell_me"]),
        ex_you=compile_alternation(ex["about_you"]),
        strategy=strategy,
    )


def _count(regex: re.Pattern, text: str, cap: int) -> int:
    n = 0
    for _ in regex.finditer(text):
        n += 1
        if n >= cap:
            break
    return n


def emotional_reactions(scanned: str, labels: frozenset[str]) -> int:
    c = _compiled()
    if c.er_strong.search(scanned):
        return 2
    if c.er_weak.search(scanned):
        return 1
    if labels & {"emotion_labelling", "validation", "offering_support"}:
        return 1
    return 0


def interpretation_score(scanned: str) -> float:
    """Weighted evidence that the reply shows understanding (see lexicons/epitome.toml)."""
    return sum(cue.weight * _count(cue.regex, scanned, cue.cap) for cue in _compiled().ip_cues)


def interpretations(scanned: str, labels: frozenset[str]) -> int:
    c = _compiled()
    score = interpretation_score(scanned)
    if labels & {"interpretation", "emotion_labelling"}:
        score += 1.0
    if score >= c.ip_strong_at:
        return 2
    if c.ip_weak.search(scanned):
        return 1
    return 0


def explorations(scanned: str) -> int:
    c = _compiled()
    level = 1 if c.ex_tell.search(scanned) else 0
    for m in _QUESTION.finditer(scanned):
        q = m.group().strip()
        if c.ex_not.search(q):
            continue
        if c.ex_generic.search(q) or len(_WORD.findall(q)) < 3:
            level = max(level, 1)
        elif c.ex_you.search(q):
            return 2
    return level


def epitome_levels(scanned: str, moves: tuple[Finding, ...]) -> dict[str, int]:
    """EPITOME levels (0/1/2) for one reply.

    >>> epitome_levels("I'm so sorry. What happened?", ())
    {'emotional_reactions': 2, 'interpretations': 0, 'explorations': 1}
    """
    labels = frozenset(f.label for f in moves)
    return {
        "emotional_reactions": emotional_reactions(scanned, labels),
        "interpretations": interpretations(scanned, labels),
        "explorations": explorations(scanned),
    }


def strategy(scanned: str, moves: tuple[Finding, ...]) -> str:
    """The ESConv strategy that best describes a reply.

    >>> strategy("Have you tried talking to your manager about it?", ())
    'Question'
    """
    cues = _compiled().strategy
    has = {f.label for f in moves}.__contains__

    def hit(name: str) -> bool:
        return cues[name].search(scanned) is not None

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
