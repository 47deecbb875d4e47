"""Result types of the coach: frozen dataclasses with evidence spans and ``to_dict()``.

Every span indexes the text it was found in, so ``text[span.start:span.end] == span.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


class _ToDict:
    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-safe data (dicts, lists, str, int, float, bool, None)."""
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Span(_ToDict):
    """Character offsets into the analysed text: ``text[start:end] == self.text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Finding(_ToDict):
    """A detected empathy move or pitfall with its evidence.

    >>> Finding("move", "validation", (Span(0, 14, "That's unfair."),), 0.8, "...").label
    'validation'
    """

    kind: str  # "move" | "pitfall"
    label: str
    spans: tuple[Span, ...]
    confidence: float
    explanation: str


@dataclass(frozen=True, slots=True)
class OtherState(_ToDict):
    """The other person's emotional state and primary need, read from the context text."""

    emotion: str
    intensity: float  # 0..1
    need: str  # "upset" | "confused" | "stuck"
    lead: str  # "emotional" | "cognitive" | "behavioural"
    evidence: tuple[Span, ...]  # spans index the *context* text
    confidence: float
    # Other feelings they name beside the main one, in the order said: "relieved it's fixed
    # but still angry it took a week" is anger, also relief.
    also: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Suggestion(_ToDict):
    """A phrase for a move the reply is missing, chosen for the other person's emotion and need."""

    move: str
    text: str
    reason: str
    alternatives: tuple[str, ...] = ()  # other phrasings of the same move, to choose from


# Fields of Analysis that ``analyze`` may leave to be worked out on first read.
LAZY_FIELDS = frozenset({"frameworks", "suggestions", "epitome", "strategy"})


@dataclass(frozen=True)
class Analysis(_ToDict):
    """The coach's reading of one reply.

    ``truncated`` is True when the text was longer than the analysis cap
    (``heard.coach.MAX_CHARS``); only the first ``MAX_CHARS`` characters were read, and all
    spans still index ``text``.

    ``disclosures`` are what the other person's message (the context) discloses of their
    health, money or safety, each with a sensitive response and a referral; their spans, like
    ``state.evidence``, index the context.

    ``analyze`` works out ``frameworks``, ``suggestions``, ``epitome`` and ``strategy`` when
    they are first read (and keeps them); reading, comparing, ``to_dict()``,
    ``dataclasses.replace`` and pickling see the same values as if they had been computed up
    front.
    """

    text: str
    moves: tuple[Finding, ...]
    pitfalls: tuple[Finding, ...]
    frameworks: dict[str, dict[str, bool]]
    state: OtherState | None
    suggestions: tuple[Suggestion, ...]
    epitome: dict[str, int]
    strategy: str
    empathy_score: float
    truncated: bool = False
    disclosures: tuple[Disclosure, ...] = ()

    def has(self, label: str) -> bool:
        """True when a move or pitfall with this label was found."""
        return any(f.label == label for f in self.moves) or any(
            f.label == label for f in self.pitfalls
        )

    def __getattr__(self, name: str) -> Any:
        # Only reached when ``name`` is not set yet: a deferred field is computed now, once.
        pending = self.__dict__.get("_pending")
        if pending is None or name not in LAZY_FIELDS:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = pending.compute(name)
        object.__setattr__(self, name, value)
        return value

    def __getstate__(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class Turn(_ToDict):
    """One utterance of a conversation. ``role`` is "agent" or "customer"; ``t`` in seconds."""

    speaker: str
    role: str
    text: str
    t: float | None = None


@dataclass(frozen=True, slots=True)
class TurnAnalysis(_ToDict):
    index: int
    turn: Turn
    analysis: Analysis | None  # for agent turns
    customer_state: OtherState | None  # for customer turns


@dataclass(frozen=True, slots=True)
class ConversationMetrics(_ToDict):
    talk_share: dict[str, float]
    participation_equity: float
    open_questions: int
    closed_questions: int
    stacked_questions: int
    open_before_closed: bool
    turns_to_first_acknowledgement: int | None
    seconds_to_first_acknowledgement: float | None
    pauses_after_disclosure: tuple[float, ...]
    tone_trajectory: tuple[float, ...]  # customer tone per customer turn, -1..1
    escalations: int
    transfers: int


@dataclass(frozen=True, slots=True)
class ConversationAnalysis(_ToDict):
    turns: tuple[TurnAnalysis, ...]
    metrics: ConversationMetrics
    empathy_score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FidelityReport(_ToDict):
    """How faithfully a reflection captured what a speaker said and felt.

    ``content_recall`` and ``feeling_recall`` are 0..1; ``added`` lists content words of the
    reflection the speaker never used; ``judgement`` and ``rebuttal`` point into the
    reflection text; ``feelings_denied`` lists the reflection's words for a feeling the
    speaker said they did not have ("I'm not angry" reflected as "you're angry").
    """

    score: float
    content_recall: float
    feeling_recall: float
    captured: tuple[str, ...]
    missed: tuple[str, ...]
    feelings_captured: tuple[str, ...]
    feelings_missed: tuple[str, ...]
    added: tuple[str, ...]
    judgement: tuple[Span, ...]
    rebuttal: tuple[Span, ...]
    feedback: tuple[str, ...]
    feelings_denied: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SpecificityReport(_ToDict):
    """Action -> effect on the person -> outcome for the work or client, with a nudge."""

    score: float
    action: tuple[Span, ...]
    effect: tuple[Span, ...]
    outcome: tuple[Span, ...]
    generic: tuple[Span, ...]
    nudge: str | None


@dataclass(frozen=True, slots=True)
class BlameReport(_ToDict):
    """Blame-oriented vs learning-oriented phrasing; ``score`` 1.0 is fully blameless."""

    score: float
    blame: tuple[Span, ...]
    learning: tuple[Span, ...]
    suggestions: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Disclosure(_ToDict):
    kind: str  # "health" | "money" | "safety"
    spans: tuple[Span, ...]
    suggestion: str
    referral: str


@dataclass(frozen=True, slots=True)
class Redaction(_ToDict):
    """Redacted text plus what was removed; spans index the ORIGINAL text."""

    text: str
    items: tuple[tuple[str, Span], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "items": [{"kind": k, "span": s.to_dict()} for k, s in self.items],
        }
