"""What the readers yield: good conversations, bad records, and the limits that separate them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Clear, documented limits (see docs/batch.md). A record over a limit is reported in
# errors.jsonl with its file and line and skipped; the run goes on.
MAX_TEXT_CHARS = 20_000  # one utterance
MAX_TURNS = 2_000  # one conversation
MAX_RECORD_BYTES = 4 * 1024 * 1024  # one JSONL line (a whole conversation in that layout)
MAX_ID_CHARS = 256

AGENT_ROLES = frozenset(
    {"agent", "rep", "representative", "advisor", "staff", "support", "operator"}
)
# Messages that are part of an export but not of the conversation being assessed (a chat
# widget's "agent joined", an internal note, a bot's menu): skipped, and counted.
SKIPPED_ROLES = frozenset(
    {"system", "bot", "event", "note", "internal", "internal_note", "automated"}
)
CUSTOMER_ROLES = frozenset(
    {"customer", "user", "client", "visitor", "caller", "member", "end_user"}
)


@dataclass(frozen=True)
class Limits:
    max_text_chars: int = MAX_TEXT_CHARS
    max_turns: int = MAX_TURNS
    max_record_bytes: int = MAX_RECORD_BYTES
    max_id_chars: int = MAX_ID_CHARS


@dataclass(frozen=True, slots=True)
class Record:
    """One conversation, ready for the coach.

    ``turns`` are plain dicts ``{"speaker", "role", "text", "t"}`` (cheap to send to a worker);
    ``line`` is the 1-based line of the record (of its first row, for utterance rows).
    """

    source: str
    line: int
    conversation_id: str
    turns: tuple[dict[str, Any], ...]
    agent: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One JSONL line of the conversations layout, not parsed yet.

    The driver only cuts the file into lines; the worker that scores the line parses it
    (``readers.parse_conversation``), so parsing runs in parallel and a chunk travels to the
    worker as bytes rather than as many small objects.
    """

    source: str
    line: int
    data: bytes
    limits: Limits


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record that was skipped, with where it is and why (never the offending text)."""

    source: str
    line: int
    reason: str
    conversation_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.source,
            "line": self.line,
            "conversation_id": self.conversation_id,
            "error": self.reason,
        }


def normalise_role(value: Any) -> str | None:
    """Map an export's role value onto "agent" / "customer" / "skip" (None when unknown)."""
    if not isinstance(value, str):
        return None
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    if key in AGENT_ROLES:
        return "agent"
    if key in CUSTOMER_ROLES:
        return "customer"
    if key in SKIPPED_ROLES:
        return "skip"
    return None
