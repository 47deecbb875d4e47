"""Heard's language coach: findings with evidence spans for replies and conversations.

Pure Python; imports nothing from Django. See docs/coach-api.md for the contract.

>>> from heard.coach import analyze
>>> analyze("I'm sorry we charged you twice; I'll refund it today.").has("concrete_apology")
True
"""

from __future__ import annotations

from typing import Any

from .analysis import MAX_CHARS, analyze
from .blame import blame_language
from .conversation import analyze_conversation
from .disclosure import detect_disclosure
from .fidelity import reflection_fidelity
from .redact import redact
from .specificity import specificity
from .types import (
    Analysis,
    BlameReport,
    ConversationAnalysis,
    ConversationMetrics,
    Disclosure,
    FidelityReport,
    Finding,
    OtherState,
    Redaction,
    Span,
    SpecificityReport,
    Suggestion,
    Turn,
    TurnAnalysis,
)


def load_model(path: Any) -> Any:
    """Load learned heads written by ``heard coach train`` (needs ``heard[semantic]``).

    Imported lazily so the lexical path never pays for the embedding model.
    """
    from .semantic import CoachModel  # noqa: PLC0415

    loader = getattr(CoachModel, "load", None)
    return loader(path) if loader is not None else CoachModel(path)


__all__ = [
    "MAX_CHARS",
    "Analysis",
    "BlameReport",
    "ConversationAnalysis",
    "ConversationMetrics",
    "Disclosure",
    "FidelityReport",
    "Finding",
    "OtherState",
    "Redaction",
    "Span",
    "SpecificityReport",
    "Suggestion",
    "Turn",
    "TurnAnalysis",
    "analyze",
    "analyze_conversation",
    "blame_language",
    "detect_disclosure",
    "load_model",
    "reflection_fidelity",
    "redact",
    "specificity",
]
