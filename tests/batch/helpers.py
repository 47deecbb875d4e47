"""Shared helpers for the batch tests (inputs with personal data and bad records)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "heard" / "content" / "samples"

# Personal data planted in the inputs; none of it may reach any output file.
EMAIL = "dana.whitfield@example.com"
AGENT_EMAIL = "jo.smith@support.example.com"
CARD = "4111 1111 1111 1111"
PHONE = "07700 900123"
SECRETS = (EMAIL, AGENT_EMAIL, CARD, PHONE, "ticket-" + EMAIL)


def turn(role, text, speaker=None, t=None):
    return {"speaker": speaker or role, "role": role, "text": text, "t": t}


def personal_data_conversations() -> list[dict]:
    return [
        {
            "id": "ticket-" + EMAIL,
            "agent": AGENT_EMAIL,
            "customer_email": EMAIL,
            "turns": [
                turn("customer", f"You charged me twice! My card is {CARD}, email {EMAIL}."),
                turn(
                    "agent",
                    f"I'm sorry you were charged twice, that's money you needed. I've sent the "
                    f"refund confirmation to {EMAIL} and I'll call you on {PHONE} tomorrow.",
                    speaker=AGENT_EMAIL,
                ),
                turn("customer", "Thank you, that helps."),
            ],
        },
        {
            "id": "plain-1",
            "agent": "maya",
            "turns": [
                turn("customer", "My parcel is late and I'm upset."),
                turn("agent", "I'm sorry it's late. It arrives tomorrow before noon.", "maya"),
            ],
        },
    ]


def write_mixed_input(path: Path, good: list[dict], *, oversized_chars: int = 30_000) -> dict:
    """Good records interleaved with malformed JSON, missing fields and oversized text.

    Returns {"good_ids": [...], "bad_lines": {line: kind}}.
    """
    bad_rows = [
        ('{"id": "broken", "turns": [{"role": "agent", "text": "unterminated', "malformed"),
        (json.dumps({"id": "no-turns"}), "missing turns"),
        (json.dumps({"id": "no-text", "turns": [{"role": "agent"}]}), "missing text"),
        (
            json.dumps({"id": "huge", "turns": [turn("agent", "blah " * (oversized_chars // 5))]}),
            "oversized",
        ),
    ]
    lines: list[str] = []
    bad_lines: dict[int, str] = {}
    for i, conv in enumerate(good):
        lines.append(json.dumps(conv))
        if i % max(1, len(good) // len(bad_rows)) == 0 and bad_rows:
            row, kind = bad_rows.pop(0)
            lines.append(row)
            bad_lines[len(lines)] = kind
    for row, kind in bad_rows:
        lines.append(row)
        bad_lines[len(lines)] = kind
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"good_ids": [c["id"] for c in good], "bad_lines": bad_lines}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
