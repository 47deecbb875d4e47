"""Empathy moves: which of the eleven moves a reply makes, with evidence spans."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache

from .engine import TextIndex, text_keys
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


class MarkerSet:
    """Compiled markers for some labels, in order, with what the gates need to visit them."""

    __slots__ = ("markers", "places", "segments")

    def __init__(self, labels: tuple[str, ...]) -> None:
        # Compiling registers the groups, so this comes before asking which are open.
        self.markers = tuple(marker(label) for label in labels)
        self.places = {m.group.id: i for i, m in enumerate(self.markers)}  # group id -> place
        # The prefilter segments holding these groups (see ``engine.TextIndex.open_in``).
        self.segments = frozenset(m.group.segment for m in self.markers)

    def opened(self, keys: TextIndex) -> list[int]:
        """Places (in order) of the markers whose group the text may match."""
        return open_markers(self.markers, self.places, keys.open_in(self.segments))


@cache
def marker_set(labels: tuple[str, ...]) -> MarkerSet:
    return MarkerSet(labels)


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
    move_set = marker_set(MOVES)
    compiled = move_set.markers
    found: list[Finding] = []
    for i in move_set.opened(keys):
        m = compiled[i]
        label = m.label
        spans = spans_at(m.group.spans(scanned, keys), original)
        if spans:
            conf = min(0.99, m.confidence + 0.04 * (len(spans) - 1))
            found.append(Finding("move", label, tuple(spans), conf, m.explanation))
    impact = next((f for f in found if f.label == "acknowledging_impact"), None)
    if impact is not None and not any(f.label == "concrete_apology" for f in found):
        bare = _BARE_APOLOGY.search(scanned)
        # A sorry that is itself the acknowledgement ("I'm so sorry about your dad") is
        # sympathy, not an apology.
        if bare and not any(s.start <= bare.start() < s.end for s in impact.spans):
            m = marker("concrete_apology")
            span = Span(bare.start(), bare.end(), original[bare.start() : bare.end()])
            found.append(
                Finding("move", "concrete_apology", (span,), m.confidence - 0.1, m.explanation)
            )
            order = {label: i for i, label in enumerate(MOVES)}
            found.sort(key=lambda f: order[f.label])
    return tuple(found)
