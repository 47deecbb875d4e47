"""Checks one line of a `heard score` result file before the studio stores it.

The file comes from a user's upload, so nothing in it is trusted: every field the studio
reads is type-checked and bounded, every span must lie inside its turn, and a transcript
that still holds personal data is refused (the scorer redacts; a hand-edited file may not)."""

from __future__ import annotations

import json
import math
from typing import Any

from heard.coach import redact

MAX_LINE_BYTES = 2_000_000
MAX_TURNS = 500
MAX_TURN_CHARS = 20_000
MAX_ID_CHARS = 200
MAX_AGENT_CHARS = 120


class RecordError(ValueError):
    """A line that cannot be imported; the message says which field and why."""


def _number(value: Any, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RecordError(f"'{name}' must be a number")
    if not low <= value <= high:
        raise RecordError(f"'{name}' must be between {low} and {high}")
    return float(value)


def _text(value: Any, name: str, limit: int, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise RecordError(f"'{name}' must be a non-empty string")
    if len(value) > limit:
        raise RecordError(f"'{name}' is longer than {limit} characters")
    return value


def _spans(findings: Any, text: str, where: str) -> list[dict[str, Any]]:
    if findings is None:
        return []
    if not isinstance(findings, list):
        raise RecordError(f"{where} must be a list")
    out = []
    for finding in findings[:100]:
        if not isinstance(finding, dict):
            raise RecordError(f"{where} entries must be objects")
        label = _text(finding.get("label"), f"{where}.label", 60)
        start, end = finding.get("start"), finding.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise RecordError(f"{where} span of '{label}' lies outside its turn")
        out.append({"label": label, "start": start, "end": end})
    return out


def check_scored_line(line: bytes | str) -> dict[str, Any]:
    """The cleaned record, or :class:`RecordError` saying what is wrong."""
    if len(line) > MAX_LINE_BYTES:
        raise RecordError(f"the line is larger than {MAX_LINE_BYTES // 1_000_000} MB")
    try:
        data = json.loads(line)
    except UnicodeDecodeError:
        raise RecordError("the line is not valid UTF-8") from None
    except ValueError as exc:
        raise RecordError(f"malformed JSON ({exc.args[0] if exc.args else exc})") from None
    if not isinstance(data, dict):
        raise RecordError("a line must be a JSON object")
    conversation_id = _text(data.get("id"), "id", MAX_ID_CHARS)
    agent = _text(data.get("agent"), "agent", MAX_AGENT_CHARS, required=False)
    empathy = _number(data.get("empathy_score"), "empathy_score", 0.0, 1.0)
    overall = data.get("rubric_overall")
    overall = None if overall is None else _number(overall, "rubric_overall", 0.0, 1.0)
    transcript = data.get("transcript")
    if not isinstance(transcript, list) or not transcript:
        raise RecordError(
            "'transcript' is missing: import the conversations.jsonl written by `heard score`"
        )
    if len(transcript) > MAX_TURNS:
        raise RecordError(f"{len(transcript)} turns is over the limit of {MAX_TURNS}")
    turns = []
    for index, turn in enumerate(transcript):
        where = f"transcript[{index}]"
        if not isinstance(turn, dict):
            raise RecordError(f"{where} must be an object")
        text = _text(turn.get("text"), f"{where}.text", MAX_TURN_CHARS)
        if redact(text).text != text:
            raise RecordError(f"{where}.text still contains personal data; re-run `heard score`")
        role = turn.get("role")
        if role not in ("agent", "customer"):
            raise RecordError(f"{where}.role must be 'agent' or 'customer'")
        turns.append(
            {
                "speaker": _text(
                    turn.get("speaker"), f"{where}.speaker", MAX_AGENT_CHARS, required=False
                ),
                "role": role,
                "text": text,
                "moves": _spans(turn.get("moves"), text, f"{where}.moves"),
                "pitfalls": _spans(turn.get("pitfalls"), text, f"{where}.pitfalls"),
            }
        )
    rubric = data.get("rubric") if isinstance(data.get("rubric"), list) else []
    return {
        "id": conversation_id,
        "agent": agent,
        "empathy_score": empathy,
        "rubric_overall": overall,
        "transcript": turns,
        "rubric": rubric[:50],
        "reasons": [r for r in data.get("reasons", []) if isinstance(r, str)][:20],
        "metrics": data.get("metrics") if isinstance(data.get("metrics"), dict) else {},
        "moves": data.get("moves") if isinstance(data.get("moves"), dict) else {},
        "pitfalls": data.get("pitfalls") if isinstance(data.get("pitfalls"), dict) else {},
    }
