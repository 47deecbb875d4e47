"""Reflection fidelity for listening circles.

How much of the speaker's content and feeling a reflection captured, what it added that the
speaker never said, and whether it slipped in judgement or rebuttal.
"""

from __future__ import annotations

import re
from functools import cache

from .lexicon import FLAGS, compile_alternation, fold, load
from .spans import MAX_CHARS, find_spans
from .state import emotion_hits
from .types import FidelityReport

_WORD = re.compile(r"[a-z][a-z'-]+", FLAGS)


@cache
def _compiled() -> tuple[re.Pattern, re.Pattern, frozenset[str]]:
    data = load("fidelity")
    stop = frozenset(data["stopwords"]["words"].split())
    return (
        compile_alternation(data["judgement"]["patterns"]),
        compile_alternation(data["rebuttal"]["patterns"]),
        stop,
    )


def _stem(word: str) -> str:
    w = word.lower().strip("'-")
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def _content(text: str, stop: frozenset[str]) -> dict[str, str]:
    """Stem -> first surface form, for content words."""
    out: dict[str, str] = {}
    for m in _WORD.finditer(text):
        w = m.group().lower()
        if w in stop or len(w) < 3:
            continue
        out.setdefault(_stem(w), w)
    return out


def _feelings(text: str) -> dict[str, str]:
    """Emotion -> first word that expressed it."""
    out: dict[str, str] = {}
    for emotion, s, e in emotion_hits(text):
        out.setdefault(emotion, text[s:e].lower())
    return out


def reflection_fidelity(speaker_text: str, reflection: str) -> FidelityReport:
    """Compare a reflection with what the speaker said.

    >>> r = reflection_fidelity("I'm exhausted, the move took every weekend.",
    ...                         "You're worn out because the move ate your weekends.")
    >>> r.content_recall > 0
    True
    """
    speaker = fold(("" if speaker_text is None else str(speaker_text))[:MAX_CHARS])
    original = ("" if reflection is None else str(reflection))[:MAX_CHARS]
    scanned = fold(original)
    judgement_rx, rebuttal_rx, stop = _compiled()

    said = _content(speaker, stop)
    echoed = _content(scanned, stop)
    captured = [said[k] for k in said if k in echoed]
    missed = [said[k] for k in said if k not in echoed]
    added = [echoed[k] for k in echoed if k not in said]
    content_recall = len(captured) / len(said) if said else 1.0

    felt = _feelings(speaker)
    reflected = _feelings(scanned)
    feelings_captured = [w for e, w in felt.items() if e in reflected]
    feelings_missed = [w for e, w in felt.items() if e not in reflected]
    if felt:
        feeling_recall = len(feelings_captured) / len(felt)
    else:
        feeling_recall = 1.0 if not reflected else 0.5

    judgement = tuple(find_spans(judgement_rx, scanned, original))
    rebuttal = tuple(find_spans(rebuttal_rx, scanned, original))
    added_ratio = len(added) / max(1, len(echoed))
    score = 0.5 * min(1.0, content_recall * 1.5) + 0.4 * feeling_recall + 0.1 * (1 - added_ratio)
    score -= 0.15 * min(2, len(judgement)) + 0.2 * min(2, len(rebuttal))
    if not original.strip():
        score = 0.0

    feedback: list[str] = []
    if feelings_missed:
        feedback.append("Name the feeling too: they said " + ", ".join(feelings_missed) + ".")
    if content_recall < 0.3 and said:
        feedback.append("Bring back more of what they actually said, in their words or yours.")
    if added_ratio > 0.6 and len(added) >= 4:
        feedback.append("Much of the reflection is new content; check you aren't adding a story.")
    if judgement:
        feedback.append(
            "Leave the evaluation out; describe what they said, not whether it's right."
        )
    if rebuttal:
        feedback.append("Save your answer for your own turn; a reflection only mirrors.")
    return FidelityReport(
        score=round(max(0.0, min(1.0, score)), 3),
        content_recall=round(content_recall, 3),
        feeling_recall=round(feeling_recall, 3),
        captured=tuple(captured),
        missed=tuple(missed),
        feelings_captured=tuple(feelings_captured),
        feelings_missed=tuple(feelings_missed),
        added=tuple(added),
        judgement=judgement,
        rebuttal=rebuttal,
        feedback=tuple(feedback),
    )
