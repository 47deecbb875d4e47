"""Empathy moves: which of the eleven moves a reply makes, with evidence spans."""

from __future__ import annotations

from functools import cache

from .engine import text_keys
from .lexicon import MOVES, Marker, marker
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


@cache
def _move_markers() -> tuple[Marker, ...]:
    return tuple(marker(label) for label in MOVES)


def detect_moves(
    scanned: str, original: str, keys: frozenset[str] | None = None
) -> tuple[Finding, ...]:
    """Moves found in ``scanned`` (the folded text); spans index ``original``.

    >>> [f.label for f in detect_moves("No rush.", "No rush.")]
    ['offering_space']
    """
    if keys is None:
        keys = text_keys(scanned)
    compiled = _move_markers()  # compile (and register) the groups before asking which are open
    opened = keys.open_groups
    found: list[Finding] = []
    for m in compiled:
        if m.group.id not in opened:
            continue
        label = m.label
        spans = spans_of(m.group.finditer(scanned, keys), original)
        if spans:
            conf = min(0.99, m.confidence + 0.04 * (len(spans) - 1))
            found.append(Finding("move", label, tuple(spans), conf, m.explanation))
    return tuple(found)
