"""Empathy moves: which of the eleven moves a reply makes, with evidence spans."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache

from .engine import text_keys
from .lexicon import FLAGS, MOVES, Marker, marker
from .spans import spans_at
from .types import Finding, Span

ACKNOWLEDGING = frozenset(
    {
        "emotion_labelling",
        "acknowledging_impact",
        "concrete_apology",
        "validation",
        "interpretation",
    }
)


# "I'm sorry." on its own is concrete when the same reply names the impact.
_BARE_APOLOGY = re.compile(
    r"\b(?:I'm|I am|we're|we are)(?: so| really| truly| very)? sorry\b|\b(?:I|we) apologi[sz]e\b"
    r"|\b(?:my|our) apologies\b",
    FLAGS,
)


@cache
def _move_markers() -> tuple[Marker, ...]:
    return tuple(marker(label) for label in MOVES)


@cache
def _move_places() -> dict[int, int]:
    """Group id -> place of its marker in ``_move_markers()``."""
    return {m.group.id: i for i, m in enumerate(_move_markers())}


@cache
def _move_segments() -> frozenset[int]:
    """The prefilter segments holding the move groups (see ``engine.TextIndex.open_in``)."""
    return frozenset(m.group.segment for m in _move_markers())


def open_markers(
    compiled: tuple[Marker, ...], places: dict[int, int], opened: Collection[int]
) -> list[int]:
    """Places (in order) of the markers whose group is in ``opened``; visits only the
    opened groups when they are fewer than the markers (the prefilter opens one or two)."""
    if not opened:
        return []
    if len(opened) < len(compiled):
        return sorted(i for gid in opened if (i := places.get(gid)) is not None)
    return [i for i, m in enumerate(compiled) if m.group.id in opened]


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
    found: list[Finding] = []
    for i in open_markers(compiled, _move_places(), keys.open_in(_move_segments())):
        m = compiled[i]
        label = m.label
        spans = spans_at(m.group.spans(scanned, keys), original)
        if spans:
            conf = min(0.99, m.confidence + 0.04 * (len(spans) - 1))
            found.append(Finding("move", label, tuple(spans), conf, m.explanation))
    labels = {f.label for f in found}
    if "acknowledging_impact" in labels and "concrete_apology" not in labels:
        bare = _BARE_APOLOGY.search(scanned)
        if bare:
            m = marker("concrete_apology")
            span = Span(bare.start(), bare.end(), original[bare.start() : bare.end()])
            found.append(
                Finding("move", "concrete_apology", (span,), m.confidence - 0.1, m.explanation)
            )
            order = {label: i for i, label in enumerate(MOVES)}
            found.sort(key=lambda f: order[f.label])
    return tuple(found)
