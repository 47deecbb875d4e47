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

from .engine import PatternGroup, text_keys
from .lexicon import compile_group, load
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
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True, slots=True)
class _Cue:
    group: PatternGroup
    weight: float
    cap: int


@dataclass(frozen=True, slots=True)
class _Compiled:
    er_strong: PatternGroup
    er_weak: PatternGroup
    ip_cues: tuple[_Cue, ...]
    ip_weak: PatternGroup
    ip_strong_at: float
    ex_not: PatternGroup
    ex_generic: PatternGroup
    ex_tell: PatternGroup
    ex_you: PatternGroup
    strategy: dict[str, PatternGroup]


@cache
def _compiled() -> _Compiled:
    data = load("epitome")
    er, ip, ex = data["emotional_reactions"], data["interpretations"], data["explorations"]
    cues = tuple(
        _Cue(compile_group(c["patterns"]), float(c["weight"]), int(c["cap"]))
        for c in ip["cues"].values()
    )
    strategy = {
        name: compile_group(pats) for name, pats in data["strategy"].items() if name != "source"
    }
    return _Compiled(
        er_strong=compile_group(er["strong"]),
        er_weak=compile_group(er["weak"]),
        ip_cues=cues,
        ip_weak=compile_group(ip["weak"]["patterns"]),
        ip_strong_at=float(ip["strong_at"]),
        ex_not=compile_group(ex["not_exploring"]),
        ex_generic=compile_group(ex["generic"]),
        ex_tell=compile_group(ex["tell_me"]),
        ex_you=compile_group(ex["about_you"]),
        strategy=strategy,
    )


def emotional_reactions(scanned: str, labels: frozenset[str], keys: frozenset[str]) -> int:
    c = _compiled()
    if c.er_strong.search(scanned, keys):
        return 2
    if c.er_weak.search(scanned, keys):
        return 1
    if labels & {"emotion_labelling", "validation", "offering_support"}:
        return 1
    return 0


def interpretation_score(scanned: str, keys: frozenset[str] | None = None) -> float:
    """Weighted evidence that the reply shows understanding (see lexicons/epitome.toml)."""
    if keys is None:
        keys = text_keys(scanned)
    cues = _compiled().ip_cues
    opened = keys.open_groups
    return sum(
        cue.weight * cue.group.count(scanned, keys, cue.cap)
        for cue in cues
        if cue.group.id in opened
    )


def interpretations(scanned: str, labels: frozenset[str], keys: frozenset[str]) -> int:
    c = _compiled()
    score = interpretation_score(scanned, keys)
    if labels & {"interpretation", "emotion_labelling"}:
        score += 1.0
    if score >= c.ip_strong_at:
        return 2
    if c.ip_weak.search(scanned, keys):
        return 1
    return 0


def questions(text: str) -> list[tuple[int, int]]:
    """(start, end) of each question: from the previous sentence end to the question mark.

    Linear in the text length (a regex with a leading ``[^.?!]*`` would not be).
    """
    out: list[tuple[int, int]] = []
    pos = text.find("?")
    while pos != -1:
        start = max(text.rfind(ch, 0, pos) for ch in ".!?\n") + 1
        end = pos + 1
        while end < len(text) and text[end] == "?":
            end += 1
        if text[start:pos].strip():
            out.append((start, end))
        pos = text.find("?", end)
    return out


def explorations(scanned: str, keys: frozenset[str]) -> int:
    c = _compiled()
    level = 1 if c.ex_tell.search(scanned, keys) else 0
    for start, end in questions(scanned):
        q = scanned[start:end].strip()
        qkeys = text_keys(q)
        if c.ex_not.search(q, qkeys):
            continue
        if c.ex_generic.search(q, qkeys) or len(_WORD.findall(q)) < 3:
            level = max(level, 1)
        elif c.ex_you.search(q, qkeys):
            return 2
    return level


def epitome_levels(
    scanned: str, moves: tuple[Finding, ...], keys: frozenset[str] | None = None
) -> dict[str, int]:
    """EPITOME levels (0/1/2) for one reply.

    >>> epitome_levels("I'm so sorry. What happened?", ())
    {'emotional_reactions': 2, 'interpretations': 0, 'explorations': 1}
    """
    if keys is None:
        keys = text_keys(scanned)
    labels = frozenset(f.label for f in moves)
    return {
        "emotional_reactions": emotional_reactions(scanned, labels, keys),
        "interpretations": interpretations(scanned, labels, keys),
        "explorations": explorations(scanned, keys),
    }


_BUT = re.compile(r"(?:^|[,.;!]\s*|\s)but\s+(?!also\b)", re.IGNORECASE)


def strategy(scanned: str, moves: tuple[Finding, ...], keys: frozenset[str] | None = None) -> str:
    """The ESConv strategy that best describes a reply.

    >>> strategy("How did your manager take it?", ())
    'Question'
    >>> strategy("Have you tried talking to your manager about it?", ())
    'Providing Suggestions'
    """
    if keys is None:
        keys = text_keys(scanned)
    cues = _compiled().strategy
    has = {f.label for f in moves}.__contains__

    def hit(name: str) -> bool:
        return cues[name].search(scanned, keys)

    asks = hit("question")
    if asks and hit("suggestion_question"):  # "Have you tried…? It might help.": an offer
        return "Providing Suggestions"
    if asks and scanned.rstrip().endswith("?"):
        return "Restatement or Paraphrasing" if hit("restatement") else "Question"
    # "I know it's hard, but you can get through this": what follows the "but" is the point.
    turn = _BUT.search(scanned)
    if turn is not None:
        tail = scanned[turn.end() :]
        tail_keys = text_keys(tail)
        if cues["affirmation"].search(tail, tail_keys):
            return "Affirmation and Reassurance"
        if cues["suggestion"].search(tail, tail_keys):
            return "Providing Suggestions"
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
    if asks:
        return "Question"
    return "Others"
