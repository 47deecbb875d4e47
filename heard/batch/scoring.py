"""Score one conversation (or a chunk of them) into a redacted, JSON-ready result.

This is the code a pool worker or a Dask worker runs. It needs only the records and a small
picklable :class:`ScoreOptions` (the rubric travels as TOML text, so a remote worker needs
the ``heard`` package but no access to the driver's files).

Privacy: everything a result carries that came from the conversation is passed through
``heard.coach.redact``. Each turn is redacted whole (until ``redact`` finds nothing more) and
every span is mapped into the redacted text, so evidence quotes are cut from already
redacted text and an e-mail cut in half by a span still disappears; customers appear as
"customer"; ids and agent names that contain personal data are replaced by a stable
pseudonym (``email-3f2a9c1b``) keyed with the run's salt.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from heard.batch.records import BadRecord, Limits, RawRecord, Record
from heard.qa.rubric import Rubric, overall_data, parse_rubric, prescore_data

try:  # a C encoder, ~10x faster than json's for these results; the output is the same
    import orjson as _orjson
except ImportError:  # pragma: no cover - json gives the same bytes, only slower
    _orjson = None

MAX_METADATA_CHARS = 500  # per metadata string value kept in a result
# Strings this short (ids, agent names, metadata values, the coach's reasons) repeat across
# conversations; their redaction is remembered per process, up to this many of them.
_MEMO_MAX_CHARS = 200
_MEMO_ENTRIES = 8192

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


def _items_function():
    from heard.coach.redact import redaction_items

    return redaction_items


# Redactions of short strings and pseudonyms, shared by the records a process scores.
_TEXT_MEMO: dict[str, str] = {}
_NAME_MEMO: dict[tuple[str, str], str] = {}


def _remember(memo: dict, key: Any, value: Any) -> Any:
    if len(memo) >= _MEMO_ENTRIES:
        memo.clear()  # bounded: a long run over ever-new strings cannot grow it
    memo[key] = value
    return value


class _Redactor:
    """Redacts the strings of one record, remembering each turn's redaction."""

    __slots__ = ("_items", "_salt", "_turns")

    def __init__(self, salt: str) -> None:
        self._items = _items_function()
        self._salt = salt
        self._turns: dict[int, RedactedText] = {}

    def text(self, value: str) -> str:
        if len(value) > _MEMO_MAX_CHARS:
            return RedactedText(value, self._items).text
        known = _TEXT_MEMO.get(value)
        if known is None:
            known = _remember(_TEXT_MEMO, value, RedactedText(value, self._items).text)
        return known

    def name(self, value: str | None) -> str | None:
        """An id or a name: kept when clean, pseudonymised when it holds personal data."""
        if value is None:
            return None
        key = (self._salt, value)
        known = _NAME_MEMO.get(key)
        if known is None:
            known = self._pseudonym(value)
            if len(value) <= _MEMO_MAX_CHARS:
                _remember(_NAME_MEMO, key, known)
        return known

    def _pseudonym(self, value: str) -> str:
        items = self._items(value)
        if not items:
            return value
        kind = items[0][0]
        digest = hashlib.blake2b(
            value.encode("utf-8", "replace"), key=self._salt.encode()[:64], digest_size=4
        ).hexdigest()
        return f"{kind}-{digest}"

    def turn(self, index: int, text: str) -> RedactedText:
        found = self._turns.get(index)
        if found is None:
            found = self._turns[index] = RedactedText(text, self._items)
        return found

    def quote(self, turn_index: int, turn_text: str, start: int, end: int) -> str:
        """The redacted text of turn_text[start:end] (items cut by the span go whole)."""
        redacted = self.turn(turn_index, turn_text)
        mapped = redacted.map(start, end)
        return redacted.text[mapped[0] : mapped[1]] if mapped else ""


def _by_start(item: tuple[str, Any]) -> tuple[int, int]:
    return item[1].start, -item[1].end


class RedactedText:
    """A turn's redacted text, and where spans of the original text land in it.

    Placeholders are ``[KIND]`` (``[EMAIL]``, ``[PHONE]``, …). Redaction repeats until the text
    is a fixed point of ``redact`` (so an importer re-checking it finds nothing). A span that
    starts or ends inside a redacted item is widened to the whole placeholder.

    ``items_of`` is ``heard.coach.redact.redaction_items`` (or a function giving the same).

    >>> from heard.coach.redact import redaction_items
    >>> r = RedactedText("Mail ann@example.com today", redaction_items)
    >>> r.text, r.map(0, 4), r.map(5, 8), r.map(21, 26)
    ('Mail [EMAIL] today', (0, 4), (5, 12), (13, 18))
    """

    __slots__ = ("text", "_passes")

    def __init__(self, text: str, items_of: Any, max_passes: int = 3) -> None:
        self._passes: list[list[tuple[int, int, int, int]]] = []
        for _ in range(max_passes):
            items = items_of(text)
            if not items:  # the usual turn: nothing to redact
                break
            items = sorted(items, key=_by_start)
            pieces, moves, cursor, shift = [], [], 0, 0
            for kind, span in items:
                if span.start < cursor or span.end <= span.start:
                    continue  # overlaps an item already replaced
                placeholder = f"[{kind.upper()}]"
                pieces.append(text[cursor : span.start])
                new_start = span.start + shift
                pieces.append(placeholder)
                moves.append((span.start, span.end, new_start, new_start + len(placeholder)))
                shift += len(placeholder) - (span.end - span.start)
                cursor = span.end
            pieces.append(text[cursor:])
            self._passes.append(moves)
            text = "".join(pieces)
        self.text = text

    @staticmethod
    def _map_one(moves: list[tuple[int, int, int, int]], offset: int, is_end: bool) -> int:
        shift = 0
        for old_start, old_end, new_start, new_end in moves:
            if offset < old_start or (is_end and offset == old_start):
                break
            if offset < old_end or (is_end and offset == old_end):
                return new_end if is_end else new_start
            shift = new_end - old_end
        return offset + shift

    @property
    def unchanged(self) -> bool:
        """True when nothing was redacted: ``map`` is then the identity (for non-empty spans)."""
        return not self._passes

    def map(self, start: int, end: int) -> tuple[int, int] | None:
        """(start, end) in the redacted text, or None for an empty span."""
        for moves in self._passes:
            start = self._map_one(moves, start, False)
            end = self._map_one(moves, end, True)
        return (start, end) if end > start else None


# Metadata fields whose name says they identify a person are dropped outright: redaction
# cannot recognise a bare name ("Dana Whitfield") without a cue.
_PERSONAL_KEY = re.compile(
    r"name|e-?mail|phone|mobile|address|customer|user|contact|birth|dob|ssn|card|account|iban|"
    r"\bip\b|ip_?addr",
    re.IGNORECASE,
)


def _metadata(metadata: dict[str, Any], redactor: _Redactor, odd: list[bool]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, value in list(metadata.items())[:20]:
        key = str(key)[:64]
        if key in ("agent", "agent_id", "agent_name") or _PERSONAL_KEY.search(key):
            continue  # the agent is carried as "agent"; personal fields are not kept
        if isinstance(value, bool | int | float) or value is None:
            if isinstance(value, float) and not _plain(value):
                odd[0] = True  # e.g. NaN or 1e-05: json writes the record (see dumps)
            kept[key] = value
        elif isinstance(value, str):
            kept[key] = redactor.text(value[:MAX_METADATA_CHARS])
    return kept


def score_record(record: Record, options: ScoreOptions) -> dict[str, Any]:
    """Analyse, pre-score and redact one conversation; returns the result dict."""
    return _score_record(record, options)[0]


def _score_record(record: Record, options: ScoreOptions) -> tuple[dict[str, Any], bool]:
    """The result dict, and whether it holds a float that is not plain (see ``dumps``)."""
    from heard.coach import analyze_conversation

    rubric = _rubric(options.rubric_toml)
    analysis = analyze_conversation(record.turns)
    items = prescore_data(analysis, rubric)
    redactor = _Redactor(options.salt)
    texts = [t["text"] for t in record.turns]
    odd = [False]

    rubric_out = []
    for data in items:
        if data["raw"] is not None and not _plain(data["raw"]):
            odd[0] = True
        for ev in data["evidence"]:
            if not _plain(ev["effect"]):
                odd[0] = True
            if ev["turn"] is not None and ev["start"] is not None:
                # Evidence spans index the redacted transcript text, like the findings'.
                turn_text = redactor.turn(ev["turn"], texts[ev["turn"]])
                mapped = turn_text.map(ev["start"], ev["end"])
                ev["start"], ev["end"] = mapped if mapped else (None, None)
                ev["quote"] = turn_text.text[mapped[0] : mapped[1]] if mapped else ""
            elif ev["quote"]:
                ev["quote"] = redactor.text(ev["quote"])
        rubric_out.append(data)

    customers = set()
    agent_turns = customer_turns = 0
    for t in record.turns:
        role = t["role"]
        if role == "customer":
            customers.add(t["speaker"])
            customer_turns += 1
        elif role == "agent":
            agent_turns += 1
    metrics = _metrics_dict(analysis.metrics, odd)
    # talk_share is keyed by speaker: customers become "customer" (their names are personal
    # data and not needed for QA); agent names are kept unless they hold personal data.
    talk_share: dict[str, float] = {}
    for speaker, share in (metrics.get("talk_share") or {}).items():
        key = "customer" if speaker in customers else redactor.name(str(speaker)) or "agent"
        talk_share[key] = round(talk_share.get(key, 0.0) + share, 4)
    metrics["talk_share"] = talk_share
    # Turns in which each move and pitfall label was found, and the customers' emotions:
    # counted while the transcript is written.
    moves: dict[str, int] = {}
    pitfalls: dict[str, int] = {}
    emotions: dict[str, int] = {}
    transcript = _transcript(analysis, texts, redactor, odd, moves, pitfalls, emotions)
    rubric_overall = overall_data(items)
    if rubric_overall is not None and not _plain(rubric_overall):
        odd[0] = True
    empathy = round(float(analysis.empathy_score), 4)
    if not _plain(empathy):
        odd[0] = True
    result = {
        "id": redactor.name(record.conversation_id),
        "file": record.source,
        "line": record.line,
        "agent": redactor.name(record.agent),
        "turns": len(record.turns),
        "agent_turns": agent_turns,
        "customer_turns": customer_turns,
        "empathy_score": empathy,
        "rubric_overall": rubric_overall,
        "rubric": rubric_out,
        "transcript": transcript,
        "moves": dict(sorted(moves.items())),
        "pitfalls": dict(sorted(pitfalls.items())),
        "customer_emotions": dict(sorted(emotions.items())),
        "metrics": metrics,
        "reasons": [redactor.text(r) for r in analysis.reasons],
        "metadata": _metadata(record.metadata, redactor, odd),
    }
    return result, odd[0]


def _plain(value: float) -> bool:
    """Whether json and orjson write this float alike: 0, or 1e-4 <= |value| < 1e16 (json
    writes the others with an exponent, NaN and infinity by name; orjson differently)."""
    return value == 0.0 or 1e-4 <= abs(value) < 1e16


def _metrics_dict(metrics: Any, odd: list[bool]) -> dict[str, Any]:
    """ConversationMetrics as JSON-ready data (flat fields: cheaper than a generic walk)."""
    out: dict[str, Any] = {}
    floats: list[float] = []
    for name in metrics.__dataclass_fields__:
        value = getattr(metrics, name)
        kind = type(value)
        if kind is int or kind is bool or value is None:  # most fields: kept as they are
            pass
        elif isinstance(value, float):
            value = round(value, 4)
            floats.append(value)
        elif isinstance(value, tuple | list):
            value = [round(v, 4) if isinstance(v, float) else v for v in value]
            floats.extend(v for v in value if isinstance(v, float))
        elif isinstance(value, dict):
            value = {str(k): round(v, 4) if isinstance(v, float) else v for k, v in value.items()}
            floats.extend(v for v in value.values() if isinstance(v, float))
        out[name] = value
    if not all(map(_plain, floats)):
        odd[0] = True
    return out


def _transcript(
    analysis: Any,
    texts: list[str],
    redactor: _Redactor,
    odd: list[bool],
    moves: dict[str, int],
    pitfalls: dict[str, int],
    emotions: dict[str, int],
) -> list[dict[str, Any]]:
    """The redacted conversation, with each finding's spans mapped into the redacted text;
    counts in ``moves`` and ``pitfalls`` the turns with each label, in ``emotions`` the
    customer turns with each emotion."""
    out = []
    for turn in analysis.turns:
        role = turn.turn.role
        redacted = redactor.turn(turn.index, texts[turn.index])
        t = turn.turn.t
        if t is not None and not _plain(t):
            odd[0] = True
        entry: dict[str, Any] = {
            "speaker": "customer" if role == "customer" else redactor.name(turn.turn.speaker),
            "role": role,
            "text": redacted.text,
            "t": t,
        }
        result = turn.analysis
        if result is not None:
            unchanged = redacted.unchanged
            for kind, findings, counts in (
                ("moves", result.moves, moves),
                ("pitfalls", result.pitfalls, pitfalls),
            ):
                spans = []
                labels = set()
                for finding in findings:
                    label = finding.label
                    labels.add(label)
                    for span in finding.spans:
                        if unchanged:  # nothing redacted: spans stay where they are
                            if span.end > span.start:
                                spans.append({"label": label, "start": span.start, "end": span.end})
                            continue
                        mapped = redacted.map(span.start, span.end)
                        if mapped:
                            spans.append({"label": label, "start": mapped[0], "end": mapped[1]})
                for label in labels:
                    counts[label] = counts.get(label, 0) + 1
                entry[kind] = spans
        state = turn.customer_state
        if state is not None:
            intensity = round(float(state.intensity), 3)
            if not _plain(intensity):
                odd[0] = True
            entry["state"] = {"emotion": state.emotion, "intensity": intensity, "need": state.need}
            emotions[state.emotion] = emotions.get(state.emotion, 0) + 1
        out.append(entry)
    return out


def dumps(data: Any, plain: bool = True) -> bytes:
    """``json.dumps(data, ensure_ascii=False, separators=(",", ":"))`` as UTF-8, faster.

    ``plain`` says that every float in ``data`` is 0 or 1e-4 <= |x| < 1e16: json and orjson
    write those alike, while json writes others as ``1e-05``, ``NaN``, ``Infinity`` and
    orjson as ``0.00001``, ``null``. Ints over 64 bits and other values orjson refuses go
    through json too. Raises UnicodeEncodeError for a string json cannot write as UTF-8
    (a lone surrogate).
    """
    if _orjson is not None and plain:
        try:
            return _orjson.dumps(data)
        except TypeError:  # orjson.JSONEncodeError: an int over 64 bits, a lone surrogate…
            pass
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def score_chunk(
    records: list[Record | RawRecord], options: ScoreOptions
) -> list[tuple[str, bytes]]:
    """Score a chunk; one ("ok", result JSON line) or ("error", error JSON line) per record.

    Lines are UTF-8 bytes without the newline. A RawRecord is parsed here first; a record
    that cannot be read, or a conversation the coach cannot analyse, becomes an error line:
    it never takes the chunk (or the run) down with it.
    """
    from heard.batch.readers import parse_record

    out = []
    for unit in records:
        try:
            record = parse_record(unit)
        except Exception as exc:  # noqa: BLE001 - e.g. JSON nested too deep to parse
            record = BadRecord(unit.source, unit.line, f"unreadable record: {type(exc).__name__}")
        if isinstance(record, BadRecord):
            data = record.to_dict()
            data["conversation_id"] = _safe_id(record.conversation_id, options)
            out.append(("error", error_line(data)))
            continue
        if _CRASH_ID is not None and record.conversation_id == _CRASH_ID:
            os._exit(70)  # test hook: a worker dying mid-chunk (see tests/batch)
        try:
            result, odd = _score_record(record, options)
        except Exception as exc:  # noqa: BLE001 - one bad conversation must not stop the run
            reason = f"analysis failed: {type(exc).__name__}"
        else:
            try:
                out.append(("ok", dumps(result, plain=not odd)))
                continue
            except UnicodeEncodeError:
                reason = "unreadable text: an unpaired surrogate escape (\\ud800-\\udfff)"
        data = BadRecord(record.source, record.line, reason, None).to_dict()
        data["conversation_id"] = _safe_id(record.conversation_id, options)
        out.append(("error", error_line(data)))
    return out


# A small conversation that takes the scorer's main paths (moves, pitfalls, customer state,
# questions, a disclosure, an escalation and a transfer, personal data to redact, typographic
# quotes): scoring it compiles the coach's patterns and pattern databases and the rubric.
_WARM_UP = Record(
    source="<warm-up>",
    line=0,
    conversation_id="warm-up",
    agent="agent",
    turns=(
        {"speaker": "customer", "role": "customer", "t": 0.0,
         "text": "I'm furious, you charged me twice!! I lost my job and can\u2019t pay rent."},
        {"speaker": "agent", "role": "agent", "t": 30.0,
         "text": "I'm so sorry we charged you twice; that sounds really stressful. What happened "
                 "when you called? I'll refund it today and email ann@example.com."},
        {"speaker": "customer", "role": "customer", "t": 60.0,
         "text": "I want to speak to a manager. Call me on 07700 900123, my name is Ann Lee."},
        {"speaker": "agent", "role": "agent", "t": 90.0,
         "text": "Calm down, it's policy. I'm transferring you to my supervisor now."},
    ),
    metadata={"channel": "chat"},
)  # fmt: skip


def warm_up(options: ScoreOptions | None = None) -> None:
    """Score a built-in conversation and forget it, so the patterns (and ``options``' rubric,
    Heard's default one without) are compiled before the first real chunk.

    Run where the pool's worker processes are forked from, they all start warm.
    """
    global _warm
    if options is not None:
        _rubric(options.rubric_toml)
    if _warm:  # e.g. a worker forked from a process that warmed up
        return
    if options is None:
        from heard.qa.rubric import DEFAULT_RUBRIC_PATH

        options = ScoreOptions(DEFAULT_RUBRIC_PATH.read_text(encoding="utf-8"), "warm-up")
    records: list[Record | RawRecord] = [_WARM_UP]
    # The shipped sample conversations, when present, compile the patterns' variants that
    # support conversations usually need (each set of words a text may hold has its own).
    samples = Path(__file__).resolve().parents[1] / "content" / "samples" / "conversations.jsonl"
    try:
        with open(samples, "rb") as handle:
            records += [RawRecord("<warm-up>", n, line, Limits()) for n, line in enumerate(handle)]
    except OSError:
        pass
    score_chunk(records, options)
    _TEXT_MEMO.clear()
    _NAME_MEMO.clear()
    _warm = True


_warm = False


def error_line(data: dict[str, Any]) -> bytes:
    """One errors.jsonl line (without the newline), as UTF-8."""
    return json.dumps(data, ensure_ascii=False).encode("utf-8", "replace")


def _safe_id(conversation_id: str | None, options: ScoreOptions) -> str | None:
    try:
        return _Redactor(options.salt).name(conversation_id)
    except Exception:  # noqa: BLE001 - the coach itself is failing; keep no raw id
        return None
