"""Turns a coach analysis into what the Coach page shows: the reply with its evidence marked.

Every character of the user's text is escaped; only the <mark> tags are ours.

    >>> marks = [(0, 5, "move", "Validation")]
    >>> str(mark_spans("Fair enough <b>", marks))
    '<mark class="move" title="Validation">Fair </mark>enough &lt;b&gt;'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from heard.coach import analyze
from heard.coach.suggestions import need_text, seem

FRAMEWORK_NAMES = {"NURSE": "NURSE", "LAST": "L.A.S.T.", "NVC": "NVC", "dimensions": "Dimensions"}


def display_name(label: str) -> str:
    return label.replace("_", " ").capitalize()


def mark_spans(text: str, marks: list[tuple[int, int, str, str]]) -> SafeString:
    """Wrap each (start, end, css_class, title) span in <mark>; overlapping spans keep the first."""
    out: list[str] = []
    cursor = 0
    for start, end, css, title in sorted(marks, key=lambda m: (m[0], -(m[1] - m[0]))):
        if start < cursor or start >= end:
            continue
        out.append(escape(text[cursor:start]))
        out.append(f'<mark class="{css}" title="{escape(title)}">{escape(text[start:end])}</mark>')
        cursor = end
    out.append(escape(text[cursor:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece of user text above is escaped


@dataclass(frozen=True)
class FindingView:
    name: str
    quote: str
    explanation: str


def _views(findings) -> list[FindingView]:
    return [
        FindingView(
            name=display_name(f.label),
            quote=" … ".join(s.text for s in f.spans),
            explanation=f.explanation,
        )
        for f in findings
    ]


EPITOME_NAMES = {
    "emotional_reactions": "Emotional reactions",
    "interpretations": "Interpretations",
    "explorations": "Explorations",
}
LEVEL_NAMES = ("none", "weak", "strong")


def highlighted_analysis(reply: str, context: str | None, model: Any = None) -> dict:
    result = analyze(reply, context=context, model=model)
    marks = [
        (s.start, s.end, f.kind, display_name(f.label))
        for f in (*result.moves, *result.pitfalls)
        for s in f.spans
    ]
    state = None
    if result.state is not None:
        state = {
            "emotion": result.state.emotion,
            "seem": seem(result.state),
            "intensity_pct": round(result.state.intensity * 100),
            "need_text": need_text(result.state),
            "lead": result.state.lead,
        }
    return {
        "html": mark_spans(result.text, marks),
        "truncated": len(result.text) < len(reply),
        "moves": _views(result.moves),
        "pitfalls": _views(result.pitfalls),
        "state": state,
        "disclosures": [
            {
                "kind": d.kind,
                "quotes": [s.text for s in d.spans],
                "suggestion": d.suggestion,
                "referral": d.referral,
            }
            for d in result.disclosures
        ],
        "frameworks": [
            (FRAMEWORK_NAMES.get(name, name), [(display_name(p), ok) for p, ok in parts.items()])
            for name, parts in result.frameworks.items()
        ],
        "suggestions": [
            {
                "move_name": display_name(s.move),
                "text": s.text,
                "reason": s.reason,
                "alternatives": s.alternatives,
            }
            for s in result.suggestions
        ],
        "score_pct": round(result.empathy_score * 100),
        "epitome": [
            (EPITOME_NAMES.get(name, name), LEVEL_NAMES[level], level)
            for name, level in result.epitome.items()
        ],
        "strategy": result.strategy,
        "learned": model is not None,
    }
