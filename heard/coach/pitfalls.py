"""Pitfalls: lines that undercut empathy, with evidence spans.

Most pitfalls are pure patterns; three depend on the rest of the reply:
reassurance only counts as a pitfall when no next step is stated, a solution only counts as
premature when the person is upset and no acknowledgement comes first, and shouting
(words in capitals, stacked exclamation marks) counts as mirroring anger.
"""

from __future__ import annotations

import re
from bisect import insort

from .engine import text_keys
from .lexicon import PITFALLS
from .moves import ACKNOWLEDGING, marker_set
from .spans import MAX_SPANS, spans_at
from .types import Finding, OtherState, Span

_SHOUT = re.compile(r"\b[A-Z]{2,}(?:[ ,]+[A-Z]{2,})+\b|!{2,}")
# Capitalised abbreviations that are not shouting.
_NOT_SHOUT = frozenset({"OK", "ID", "UK", "US", "EU", "PIN", "FAQ", "ASAP", "PDF", "URL", "SMS"})


# Every shouting match holds two capitals in a row or "!!": checked first (it runs from a
# character-class prefix, so far faster than _SHOUT on the many texts with neither).
_TWO_CAPITALS = re.compile(r"[A-Z]{2}")


def _shouting(original: str, warm: bool = False) -> list[Span]:
    """Words in capitals and stacked exclamation marks; ``warm``: the reply acknowledges
    them, and "So sorry!!" is warmth, so exclamation marks alone are not shouting."""
    out: list[Span] = []
    if "!!" not in original and _TWO_CAPITALS.search(original) is None:
        return out
    for m in _SHOUT.finditer(original):
        words = [w for w in re.split(r"[ ,]+", m.group()) if w]
        if m.group().startswith("!") and not warm or sum(w not in _NOT_SHOUT for w in words) >= 2:
            out.append(Span(m.start(), m.end(), m.group()))
            if len(out) >= MAX_SPANS:
                break
    return out


_ANGER = PITFALLS.index("mirroring_anger")
_PREMATURE = PITFALLS.index("premature_solution")


def detect_pitfalls(
    scanned: str,
    original: str,
    moves: tuple[Finding, ...],
    state: OtherState | None = None,
    keys: frozenset[str] | None = None,
    acknowledged: bool = False,
) -> tuple[Finding, ...]:
    """Pitfalls in a reply, given the moves already found and the other person's state.

    ``acknowledged``: an earlier reply in the same conversation already acknowledged them,
    so a solution now is no longer premature.
    """
    if keys is None:
        keys = text_keys(scanned)
    labels = {f.label for f in moves}
    warm = not labels.isdisjoint(ACKNOWLEDGING)
    pitfall_set = marker_set(PITFALLS)
    compiled = pitfall_set.markers
    visit = pitfall_set.opened(keys)
    if not visit and (state is None or "next_steps" not in labels):
        # No pattern can match (most replies): only shouting can be a pitfall.
        shouting = _shouting(original, warm)
        if not shouting:
            return ()
        m = compiled[_ANGER]
        conf = min(0.99, m.confidence + 0.04 * (len(shouting) - 1))
        return (Finding("pitfall", m.label, tuple(shouting), conf, m.explanation),)
    # Shouting counts as mirroring anger whatever the patterns find.
    if _ANGER not in visit:
        insort(visit, _ANGER)
    if (
        state is not None
        and "next_steps" in labels
        and _PREMATURE not in visit
        and not acknowledged
    ):
        # A premature solution may rest on the next steps alone; they have always been
        # weighed only when the text holds a word the group's patterns need, and still are
        # (whichever way the text was gated).
        if compiled[_PREMATURE].group.words_open(keys):
            insort(visit, _PREMATURE)
    found: list[Finding] = []
    for i in visit:
        m = compiled[i]
        label = m.label
        spans = spans_at(m.group.spans(scanned, keys), original)
        if label == "reassurance_without_action" and "next_steps" in labels:
            continue
        if label == "mirroring_anger":
            shouting = _shouting(original, warm)  # in order, at most MAX_SPANS
            if spans:
                spans = sorted(spans + shouting, key=lambda s: s.start)[:MAX_SPANS]
            else:
                spans = shouting
        if label == "premature_solution":
            spans = [] if acknowledged else _premature(spans, moves, state)
        if spans:
            conf = min(0.99, m.confidence + 0.04 * (len(spans) - 1))
            found.append(Finding("pitfall", label, tuple(spans), conf, m.explanation))
    return tuple(found)


def _premature(
    spans: list[Span], moves: tuple[Finding, ...], state: OtherState | None
) -> list[Span]:
    solution = list(spans)
    for f in moves:
        if f.label == "next_steps":
            solution.extend(f.spans)
    if not solution:
        return []
    first_solution = min(s.start for s in solution)
    ack_starts = [s.start for f in moves if f.label in ACKNOWLEDGING for s in f.spans]
    first_ack = min(ack_starts) if ack_starts else None
    if state is not None:
        emotional = state.need == "upset" or state.intensity >= 0.4
        if emotional and (first_ack is None or first_ack > first_solution):
            return sorted(solution, key=lambda s: s.start)[:MAX_SPANS]
        return []
    # Without the other person's words, only an opening that is nothing but a fix counts.
    if first_ack is None and spans and spans[0].start <= 2:
        return spans[:MAX_SPANS]
    return []
