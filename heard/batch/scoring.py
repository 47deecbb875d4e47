"""Score one conversation (or a chunk of them) into a redacted, JSON-ready result.

This is the code a pool worker or a Dask worker runs. It needs only the records and a small
picklable :class:`ScoreOptions` (the rubric travels as TOML text, so a remote worker needs
the ``heard`` package but no access to the driver's files).

Privacy: everything a result carries that came from the conversation is passed through
``heard.coach.redact``. Evidence quotes are redacted against the whole turn, so an e-mail
cut in half by a span is still removed; ids and speaker names that contain personal data
are replaced by a stable pseudonym (``email-3f2a9c1b``) keyed with the run's salt.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from heard.batch.records import BadRecord, Record
from heard.qa.rubric import Rubric, overall, parse_rubric, prescore

MAX_METADATA_CHARS = 500  # per metadata string value kept in a result

# Tests set this to make the worker process die on one conversation, as a crash in native
# code or an out-of-memory kill would; the driver must isolate it and carry on.
_CRASH_ID = os.environ.get("HEARD_BATCH_TEST_CRASH_ID")


@dataclass(frozen=True)
class ScoreOptions:
    rubric_toml: str
    salt: str


@lru_cache(maxsize=4)
def _rubric(toml_text: str) -> Rubric:
    return parse_rubric(tomllib.loads(toml_text), source="<run>")


def _redact_function():
    from heard.coach import redact

    return redact


@lru_cache(maxsize=8192)
def _redact_short(value: str) -> Any:
    # Agent names, ids and the coach's reason lines repeat across a run: redact each once
    # per worker. Redaction results are immutable, so sharing them is safe.
    return _redact_function()(value)


class _Redactor:
    """Redacts the strings of one record, remembering each turn's redaction."""

    def __init__(self, salt: str) -> None:
        self._redact = _redact_function()
        self._salt = salt
        self._turns: dict[int, Any] = {}

    def text(self, value: str) -> str:
        return _redact_short(value).text if len(value) <= 200 else self._redact(value).text

    def name(self, value: str | None) -> str | None:
        """An id or a name: kept when clean, pseudonymised when it holds personal data."""
        if value is None:
            return None
        found = _redact_short(value) if len(value) <= 200 else self._redact(value)
        if not found.items:
            return value
        kind = found.items[0][0]
        digest = hashlib.blake2b(
            value.encode("utf-8", "replace"), key=self._salt.encode()[:64], digest_size=4
        ).hexdigest()
        return f"{kind}-{digest}"

    def quote(self, turn_index: int, turn_text: str, start: int, end: int) -> str:
        """turn_text[start:end] with every redacted item overlapping it replaced."""
        redaction = self._turns.get(turn_index)
        if redaction is None:
            redaction = self._turns[turn_index] = self._redact(turn_text)
        pieces = []
        cursor = start
        for kind, span in sorted(redaction.items, key=lambda item: item[1].start):
            if span.end <= start or span.start >= end:
                continue
            lo = max(span.start, start)
            if lo > cursor:
                pieces.append(turn_text[cursor:lo])
            if lo >= cursor or span.end > cursor:
                pieces.append(f"[{kind.upper()}]")
            cursor = max(cursor, min(span.end, end))
        if cursor < end:
            pieces.append(turn_text[cursor:end])
        return "".join(pieces)


def _counts(analysis: Any, kind: str) -> dict[str, int]:
    """Turns in which each move / pitfall label was found."""
    counter: Counter[str] = Counter()
    for turn in analysis.turns:
        if turn.analysis is None:
            continue
        findings = turn.analysis.moves if kind == "move" else turn.analysis.pitfalls
        counter.update({f.label for f in findings})
    return dict(sorted(counter.items()))


def _metadata(metadata: dict[str, Any], redactor: _Redactor) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, value in list(metadata.items())[:20]:
        key = str(key)[:64]
        if key in ("agent", "agent_id", "agent_name"):
            continue  # carried as the pseudonymised "agent" field
        if isinstance(value, bool | int | float) or value is None:
            kept[key] = value
        elif isinstance(value, str):
            kept[key] = redactor.text(value[:MAX_METADATA_CHARS])
    return kept


def score_record(record: Record, options: ScoreOptions) -> dict[str, Any]:
    """Analyse, pre-score and redact one conversation; returns the result dict."""
    from heard.coach import analyze_conversation

    rubric = _rubric(options.rubric_toml)
    analysis = analyze_conversation(record.turns)
    items = prescore(analysis, rubric)
    redactor = _Redactor(options.salt)
    texts = [t["text"] for t in record.turns]

    rubric_out = []
    for item in items:
        data = item.to_dict()
        for ev in data["evidence"]:
            if ev["turn"] is not None and ev["start"] is not None:
                ev["quote"] = redactor.quote(ev["turn"], texts[ev["turn"]], ev["start"], ev["end"])
            elif ev["quote"]:
                ev["quote"] = redactor.text(ev["quote"])
        rubric_out.append(data)

    metrics = analysis.metrics.to_dict()
    # talk_share is keyed by speaker: names can be personal data.
    metrics["talk_share"] = {
        redactor.name(str(k)): v for k, v in (metrics.get("talk_share") or {}).items()
    }
    emotions = Counter(
        t.customer_state.emotion for t in analysis.turns if t.customer_state is not None
    )
    return {
        "id": redactor.name(record.conversation_id),
        "file": record.source,
        "line": record.line,
        "agent": redactor.name(record.agent),
        "turns": len(record.turns),
        "agent_turns": sum(1 for t in record.turns if t["role"] == "agent"),
        "customer_turns": sum(1 for t in record.turns if t["role"] == "customer"),
        "empathy_score": round(float(analysis.empathy_score), 4),
        "rubric_overall": overall(items),
        "rubric": rubric_out,
        "moves": _counts(analysis, "move"),
        "pitfalls": _counts(analysis, "pitfall"),
        "customer_emotions": dict(sorted(emotions.items())),
        "metrics": metrics,
        "reasons": [redactor.text(r) for r in analysis.reasons],
        "metadata": _metadata(record.metadata, redactor),
    }


def score_chunk(records: list[Record], options: ScoreOptions) -> list[tuple[str, str]]:
    """Score a chunk; one ("ok", result JSON line) or ("error", error JSON line) per record.

    A conversation the coach cannot analyse becomes an error line: it never takes the
    chunk (or the run) down with it.
    """
    out = []
    for record in records:
        if _CRASH_ID is not None and record.conversation_id == _CRASH_ID:
            os._exit(70)  # test hook: a worker dying mid-chunk (see tests/batch)
        try:
            result = score_record(record, options)
            out.append(("ok", json.dumps(result, ensure_ascii=False, separators=(",", ":"))))
        except Exception as exc:  # noqa: BLE001 - one bad conversation must not stop the run
            reason = f"analysis failed: {type(exc).__name__}"
            bad = BadRecord(record.source, record.line, reason, None)
            data = bad.to_dict()
            data["conversation_id"] = _safe_id(record.conversation_id, options)
            out.append(("error", json.dumps(data, ensure_ascii=False)))
    return out


def _safe_id(conversation_id: str, options: ScoreOptions) -> str | None:
    try:
        return _Redactor(options.salt).name(conversation_id)
    except Exception:  # noqa: BLE001 - the coach itself is failing; keep no raw id
        return None
