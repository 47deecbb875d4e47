"""Vulnerability disclosures: health, money and safety, with a response and a referral."""

from __future__ import annotations

import re
from functools import cache

from . import engine, prefilter
from .engine import FLAGS, Scanner, lower_same_length
from .lexicon import expand, fold, load, word_alternation
from .spans import MAX_CHARS, MAX_SPANS
from .types import Disclosure, Span

KINDS = ("health", "money", "safety")


def crisis_words() -> list[str]:
    """The fragments for thoughts of suicide or self-harm (``[health] crisis``)."""
    return list(load("disclosure")["health"]["crisis"])


def _patterns(kind: str) -> list[str]:
    data = load("disclosure")[kind]
    crisis = [word_alternation(data["crisis"])] if data.get("crisis") else []
    return [*(expand(p, {}) for p in data["patterns"]), *crisis]


@cache
def _compiled() -> dict[str, Scanner]:
    return {kind: Scanner("|".join(f"(?:{p})" for p in _patterns(kind))) for kind in KINDS}


@cache
def crisis_pattern() -> re.Pattern:
    """The crisis words as one case-blind pattern, for folded text (``lexicon.fold``)."""
    return re.compile(word_alternation(crisis_words()), re.IGNORECASE)


def _all_patterns() -> list[str]:
    return [p for kind in KINDS for p in _patterns(kind)]


@cache
def _any_kind() -> Scanner:
    # One alternation of every kind's patterns: it matches where one of them does (none
    # matches an empty string or refers to a group by number, so joining them changes none).
    return Scanner("|".join(f"(?:{p})" for p in _all_patterns()))


@cache
def _gate() -> prefilter.Prefilter | None:
    """With Hyperscan: a prefilter of every kind's patterns (one scan says whether any may
    match; most texts disclose nothing, and the alternation is slow to rule out)."""
    if not prefilter.available():
        return None
    gate = prefilter.Prefilter()
    gate.add(_all_patterns(), FLAGS)
    return gate


def has_disclosure(folded: str, low: str) -> bool:
    """``bool(detect_disclosure(text))``, from ``folded = fold(text[:MAX_CHARS])`` and
    ``low = lower_same_length(folded)``, in one scan and without building the findings.

    >>> text = "I lost my job and can't afford the bill"
    >>> has_disclosure(fold(text), lower_same_length(fold(text)))
    True
    """
    gate = _gate() if engine.prefilter_active() else None
    if gate is not None and not gate.scan(0, low):
        return False
    return _any_kind().search(folded, low)


def detect_disclosure(text: str) -> tuple[Disclosure, ...]:
    """Disclosures in ``text``, each with evidence, a suggested response and a referral.

    >>> [d.kind for d in detect_disclosure("I lost my job and can't afford the bill")]
    ['money']
    """
    text = "" if text is None else str(text)
    original = text[:MAX_CHARS]
    scanned = fold(original)
    low = lower_same_length(scanned)
    if not has_disclosure(scanned, low):  # one gated scan rules most texts out
        return ()
    responses = load("disclosure")["response"]
    out = []
    for kind, scanner in _compiled().items():
        spans = [Span(s, e, original[s:e]) for s, e in scanner.spans(scanned, low, MAX_SPANS)]
        if spans:
            crisis = kind == "health" and crisis_pattern().search(scanned) is not None
            r = responses["crisis" if crisis else kind]
            out.append(Disclosure(kind, tuple(spans), r["suggestion"], r["referral"]))
    return tuple(out)
