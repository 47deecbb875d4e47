"""Small helpers for building evidence spans."""

from __future__ import annotations

import re

from .types import Span

MAX_SPANS = 8  # per finding; enough evidence to show, bounded for huge inputs
# Texts longer than this are read up to here only (work stays bounded on megabyte inputs);
# Analysis.truncated says so, and every span still indexes the full text.
MAX_CHARS = 20_000


def span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def find_spans(
    regex: re.Pattern, scanned: str, original: str, limit: int = MAX_SPANS
) -> list[Span]:
    """Spans of ``regex`` in ``scanned`` (a same-length fold of ``original``)."""
    out: list[Span] = []
    for m in regex.finditer(scanned):
        s, e = m.span()
        if e > s:
            out.append(Span(s, e, original[s:e]))
            if len(out) >= limit:
                break
    return out


def spans_of(matches: list[re.Match], original: str, limit: int = MAX_SPANS) -> list[Span]:
    """Spans for matches found in a same-length fold of ``original``."""
    return [Span(m.start(), m.end(), original[m.start() : m.end()]) for m in matches[:limit]]


def spans_at(pairs: list[tuple[int, int]], original: str, limit: int = MAX_SPANS) -> list[Span]:
    """Spans for ``(start, end)`` pairs found in a same-length fold of ``original``."""
    return [Span(s, e, original[s:e]) for s, e in pairs[:limit]]
