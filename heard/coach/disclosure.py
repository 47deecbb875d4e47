"""Vulnerability disclosures: health, money and safety, with a response and a referral."""

from __future__ import annotations

import re
from functools import cache

from .lexicon import compile_alternation, fold, load
from .spans import MAX_CHARS, find_spans
from .types import Disclosure

KINDS = ("health", "money", "safety")


@cache
def _compiled() -> dict[str, re.Pattern]:
    data = load("disclosure")
    return {kind: compile_alternation(data[kind]["patterns"]) for kind in KINDS}


def detect_disclosure(text: str) -> tuple[Disclosure, ...]:
    """Disclosures in ``text``, each with evidence, a suggested response and a referral.

    >>> [d.kind for d in detect_disclosure("I lost my job and can't afford the bill")]
    ['money']
    """
    text = "" if text is None else str(text)
    original = text[:MAX_CHARS]
    scanned = fold(original)
    responses = load("disclosure")["response"]
    out = []
    for kind, regex in _compiled().items():
        spans = find_spans(regex, scanned, original)
        if spans:
            r = responses[kind]
            out.append(Disclosure(kind, tuple(spans), r["suggestion"], r["referral"]))
    return tuple(out)
