"""Blameless language for retrospectives: blame-oriented vs learning-oriented phrasing."""

from __future__ import annotations

import re
from functools import cache

from .lexicon import FLAGS, compile_alternation, fold, load
from .spans import MAX_CHARS, find_spans
from .types import BlameReport

_SHOULD = re.compile(r"\bshould(?: have|'ve)\b", FLAGS)


@cache
def _compiled() -> tuple[re.Pattern, re.Pattern]:
    data = load("blame")
    return compile_alternation(data["blame"]["patterns"]), compile_alternation(
        data["learning"]["patterns"]
    )


def blame_language(text: str) -> BlameReport:
    """Score 1.0 for learning-oriented text, lower the more it blames people.

    >>> blame_language("What made the deploy go wrong, and what can we learn?").score
    1.0
    """
    text = "" if text is None else str(text)
    original = text[:MAX_CHARS]
    # Folding only swaps quote characters; the blame cues need the original capitals for names.
    scanned = fold(original)
    blame_rx, learning_rx = _compiled()
    blame = tuple(find_spans(blame_rx, scanned, original))
    learning = tuple(find_spans(learning_rx, scanned, original))
    if not blame:
        score = 1.0
    else:
        score = len(learning) / (len(learning) + 1.5 * len(blame))
    tips = load("blame")["suggestions"]
    suggestions: list[str] = []
    if blame:
        suggestions.append(tips["blame"])
    if _SHOULD.search(scanned):
        suggestions.append(tips["should"])
    return BlameReport(round(score, 3), blame, learning, tuple(suggestions))
