"""Empathy moves: which of the eleven moves a reply makes, with evidence spans."""

from __future__ import annotations

from .engine import text_keys
from .lexicon import MOVES, marker
from .spans import spans_of
from .types import Finding

ACKNOWLEDGING = frozenset(
    {
        "emotion_labelling",
        "acknowledging_impact",
        "concrete_apology",
        "validation",
        "interpretation",
    }
)


def detect_moves(
    scanned: str, original: str, keys: frozenset[str] | None = None
) -> tuple[Finding, ...]:
    """Moves found in ``scanned`` (the folded text); spans index ``original``.

    >>> [f.label for f in detect_moves("No rush.", "No rush.")]
    ['offering_space']
    """
    if keys is None:
        keys = text_keys(scanned)
    found: list[Finding] = []
    for label in MOVES:
        m = marker(label)
        spans = spans_of(m.group.finditer(scanned, keys), original)
        if spans:
            conf = min(0.99, m.confidence + 0.04 * (len(spans) - 1))
            found.append(Finding("move", label, tuple(spans), conf, m.explanation))
    return tuple(found)
