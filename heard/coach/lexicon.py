"""Loads the coach's data files (``lexicons/*.toml``) and compiles their patterns once.

Patterns may use ``{NAME}`` placeholders that expand to an alternation defined under
``[vars]``. Everything is compiled on first use and cached for the life of the process.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .engine import FLAGS, PatternGroup

LEXICON_DIR = Path(__file__).with_name("lexicons")
_PLACEHOLDER = re.compile(r"\{([A-Z_]+)\}")

# Curly quotes folded to straight ones; the mapping keeps the text length, so spans found in
# the folded text index the original text as well.
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})


def fold(text: str) -> str:
    """Fold typographic apostrophes and quotes so patterns need only ASCII ones."""
    if text.isascii():  # nothing to fold (a constant-time check)
        return str(text)
    return text.translate(_FOLD)


@cache
def load(name: str) -> dict[str, Any]:
    """Parse ``lexicons/<name>.toml`` (cached)."""
    with (LEXICON_DIR / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


def expand(pattern: str, variables: dict[str, Any]) -> str:
    """Replace ``{NAME}`` by ``(?:a|b|c)`` from ``variables``."""

    def sub(m: re.Match[str]) -> str:
        value = variables[m.group(1)]
        if isinstance(value, list):
            return "(?:" + "|".join(value) + ")"
        return str(value)

    # Expand repeatedly so variables may refer to other variables.
    for _ in range(3):
        new = _PLACEHOLDER.sub(sub, pattern)
        if new == pattern:
            break
        pattern = new
    return pattern


def word_alternation(words: list[str]) -> str:
    """A lexicon list as one alternation matched on word boundaries."""
    return r"\b(?:" + "|".join(words) + r")\b"


def compile_alternation(patterns: list[str], variables: dict[str, Any] | None = None) -> re.Pattern:
    """One compiled alternation for a list of patterns."""
    variables = variables or {}
    return re.compile("|".join(f"(?:{expand(p, variables)})" for p in patterns), FLAGS)


def compile_group(patterns: list[str], variables: dict[str, Any] | None = None) -> PatternGroup:
    """A gated group of patterns (see engine.py): runs only what could match."""
    variables = variables or {}
    return PatternGroup([expand(p, variables) for p in patterns], FLAGS)


@dataclass(frozen=True, slots=True)
class Marker:
    """A move or pitfall definition from ``markers.toml``."""

    kind: str
    label: str
    group: PatternGroup
    confidence: float
    explanation: str
    source: str


@cache
def markers() -> tuple[Marker, ...]:
    """All move and pitfall markers, compiled (cached)."""
    data = load("markers")
    variables = data.get("vars", {})
    out: list[Marker] = []
    for kind in ("move", "pitfall"):
        for label, entry in data[kind].items():
            out.append(
                Marker(
                    kind=kind,
                    label=label,
                    group=compile_group(entry["patterns"], variables),
                    confidence=float(entry.get("confidence", 0.75)),
                    explanation=entry["explanation"],
                    source=entry["source"],
                )
            )
    return tuple(out)


@cache
def marker(label: str) -> Marker:
    for m in markers():
        if m.label == label:
            return m
    raise KeyError(label)


MOVES: tuple[str, ...] = (
    "emotion_labelling",
    "acknowledging_impact",
    "concrete_apology",
    "validation",
    "interpretation",
    "exploring_question",
    "next_steps",
    "offering_support",
    "boundary_statement",
    "offering_space",
    "warm_handoff",
)
PITFALLS: tuple[str, ...] = (
    "scripted_line",
    "reassurance_without_action",
    "premature_solution",
    "defensiveness",
    "blame",
    "minimising",
    "judgement",
    "one_upping",
    "mirroring_anger",
    "over_promising",
    "absolutist_language",
)
