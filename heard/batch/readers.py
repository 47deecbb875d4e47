"""Readers for conversation exports, streaming and with bounded memory.

Two layouts are read, from JSONL or CSV/TSV files:

* **conversations** (JSONL): one conversation per line,
  ``{"id": ..., "turns": [{"speaker", "role", "text", "t"?}, ...], ...metadata}``.
* **utterances** (CSV, TSV or JSONL): one utterance per row with a conversation id, speaker,
  role, text and an optional timestamp. Column names are mapped with :class:`Columns`.

Any of them may be gzip-compressed (``calls.csv.gz``); a compressed file that breaks off is
read up to the break, which is reported as a bad record.

Utterance rows are grouped by conversation id. Exports normally keep the rows of a
conversation together, so that case is streamed: each group is handed on as soon as the id
changes, holding one conversation in memory. Before streaming, a cheap pre-scan checks the
assumption with a fixed-size Bloom filter of finished ids (1 MiB whatever the file size).
If an id seems to reappear after its group ended, the file is read through a bounded
on-disk spill instead: rows are partitioned by a hash of the id into bucket files of about
``SPILL_BUCKET_BYTES`` each, then each bucket is grouped in memory. Conversations from a
spilled file come out ordered by bucket and then by first line, deterministically, and the
rows of each conversation keep their file order. A Bloom false positive only costs the
spill, never correctness.

>>> for item in read_inputs(["calls.csv"], columns=Columns(id="conv", text="message")):
...     print(item)          # Record(...) or BadRecord(...)                   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heard.batch.records import BadRecord, Limits, RawRecord, Record, normalise_role
from heard.coach.conversation import parse_time

LAYOUTS = ("auto", "conversations", "utterances")
SPILL_BUCKET_BYTES = 16 * 1024 * 1024  # a bucket is grouped in memory: ~5x this in objects
MAX_SPILL_BUCKETS = 512  # open files at once; past 8 GiB of input, buckets grow instead

# When a column is not named on the command line, the first of these present in the header
# is used.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("conversation_id", "conversation", "conv_id", "conv", "ticket_id", "id"),
    "speaker": ("speaker", "author", "speaker_id", "name", "from"),
    "role": ("role", "speaker_role", "sender_type", "type"),
    "text": ("text", "message", "body", "utterance", "content"),
    "time": ("t", "timestamp", "time", "ts", "created_at", "sent_at"),
}


@dataclass(frozen=True)
class Columns:
    """Column names of an utterance-per-row export; None means "find a usual name"."""

    id: str | None = None
    speaker: str | None = None
    role: str | None = None
    text: str | None = None
    time: str | None = None

    def resolve(self, header: Iterable[str]) -> dict[str, str | None]:
        present = list(header)
        lowered = {h.strip().lower(): h for h in present}
        resolved: dict[str, str | None] = {}
        for field_name, candidates in DEFAULT_COLUMNS.items():
            chosen = getattr(self, field_name)
            if chosen is not None:
                resolved[field_name] = chosen if chosen in present else None
                if resolved[field_name] is None:
                    raise ValueError(
                        f"column {chosen!r} (--{field_name}-column) is not in the header"
                    )
                continue
            resolved[field_name] = next((lowered[c] for c in candidates if c in lowered), None)
        missing = [f for f in ("id", "role", "text") if resolved[f] is None]
        if missing:
            names = ", ".join(f"--{m}-column" for m in missing)
            raise ValueError(f"cannot find the {', '.join(missing)} column; name it with {names}")
        return resolved


class InputError(ValueError):
    """An input cannot be read at all (missing file, unknown layout, unmapped columns)."""


# ---------------------------------------------------------------------------- helpers


def _clean_id(value: Any, limits: Limits) -> str | None:
    if value is None or isinstance(value, bool | dict | list):
        return None
    text = str(value).strip()
    if not text or len(text) > limits.max_id_chars:
        return None
    return text


_SKIP = "skip"


# Role values as exports write them ("agent", "Customer"…) -> "agent" / "customer"; only
# values that are one of the two, so the common turn takes the short way in _check_turn.
_KNOWN_ROLES: dict[str, str] = {}
_FLOAT_INTS = 2**53  # ints whose float() is exact and finite


def _check_turn(raw: Any, index: int, limits: Limits) -> tuple[dict[str, Any] | None, str]:
    """Validate one turn; returns (turn, ""), (None, reason), or (None, _SKIP) for a system or
    bot message that is not part of the assessed conversation."""
    if type(raw) is dict:
        # The usual turn (text, a known role, a plain speaker, a numeric or missing time)
        # without the general checks; anything else goes the long way below.
        text = raw.get("text")
        value = raw.get("role")
        role = _KNOWN_ROLES.get(value) if type(value) is str else None
        if type(text) is str and role is not None and len(text) <= limits.max_text_chars:
            speaker = raw.get("speaker")
            t = raw["t"] if "t" in raw else raw.get("timestamp")
            if (speaker is None or type(speaker) is str) and (
                t is None
                or (type(t) is float and t - t == 0.0)
                or (type(t) is int and -_FLOAT_INTS < t < _FLOAT_INTS)
            ):
                speaker = speaker.strip()[: limits.max_id_chars] if speaker else role
                return {"speaker": speaker, "role": role, "text": text, "t": _float(t)}, ""
    return _check_turn_fully(raw, index, limits)


def _float(t: float | int | None) -> float | None:
    return None if t is None else float(t)


def _check_turn_fully(raw: Any, index: int, limits: Limits) -> tuple[dict[str, Any] | None, str]:
    if not isinstance(raw, dict):
        return None, f"turn {index}: not an object"
    text = raw.get("text")
    if not isinstance(text, str):
        return None, f"turn {index}: missing field 'text'"
    if len(text) > limits.max_text_chars:
        return None, (
            f"turn {index}: text of {len(text)} characters is over the limit of "
            f"{limits.max_text_chars}"
        )
    if "role" not in raw or raw.get("role") in (None, ""):
        return None, f"turn {index}: missing field 'role'"
    value = raw.get("role")
    role = normalise_role(value)
    if role in ("agent", "customer") and type(value) is str and len(_KNOWN_ROLES) < 256:
        _KNOWN_ROLES[value] = role  # type: ignore[assignment]
    if role is None:
        value = str(raw.get("role"))
        # Echo short role tokens ("wizard") to help fix the export, never free text.
        shown = f" {value!r}" if re.fullmatch(r"[\w -]{1,20}", value) else ""
        return None, f"turn {index}: unknown role{shown} (agent|customer)"
    if role == "skip":
        return None, _SKIP
    speaker = raw.get("speaker")
    speaker = str(speaker).strip()[: limits.max_id_chars] if speaker not in (None, "") else role
    try:
        t = parse_time(raw.get("t", raw.get("timestamp")))
    except ValueError as exc:
        return None, f"turn {index}: {exc}"
    return {"speaker": speaker, "role": role, "text": text, "t": t}, ""


def _relative_times(turns: list[dict[str, Any]]) -> None:
    """Make timestamps relative to the first timed turn (epoch seconds are unwieldy)."""
    first = next((t["t"] for t in turns if t["t"] is not None), None)
    if first is None:
        return
    for turn in turns:
        if turn["t"] is not None:
            turn["t"] = round(turn["t"] - first, 3)


def _agent_of(turns: list[dict[str, Any]], metadata: dict[str, Any]) -> str | None:
    for key in ("agent", "agent_id", "agent_name"):
        value = metadata.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return next((t["speaker"] for t in turns if t["role"] == "agent"), None)


def base_suffix(path: Path) -> str:
    """ ".csv" for calls.csv and calls.csv.gz alike."""
    name = path.name.lower()
    if name.endswith(".gz"):
        return Path(name[:-3]).suffix
    return path.suffix.lower()


def _open_binary(path: Path) -> Any:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")  # noqa: SIM115


def _open_text(path: Path) -> Any:
    # utf-8-sig: spreadsheet exports often start with a byte-order mark, which would
    # otherwise become part of the first column's name.
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", newline="", encoding="utf-8-sig", errors="replace")
    return open(path, newline="", encoding="utf-8-sig", errors="replace")  # noqa: SIM115


def _delimiter(path: Path) -> str:
    """Tab for .tsv; for .csv, whichever of , ; | or tab the header line uses most (spreadsheets
    in many locales write semicolons)."""
    if base_suffix(path) == ".tsv":
        return "\t"
    with _open_text(path) as handle:
        try:
            header = handle.readline(64 * 1024)
        except (OSError, EOFError):
            return ","
    counts = {d: header.count(d) for d in (",", ";", "|", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


class _Unreadable:
    """The rest of a (compressed) file cannot be read: truncated or corrupt."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _iter_lines(path: Path, max_bytes: int) -> Iterator[tuple[int, bytes | None | _Unreadable]]:
    """(line number, raw line) pairs; raw is None for a line over max_bytes (not kept), and
    an _Unreadable (last) when a compressed file breaks off."""
    with _open_binary(path) as handle:
        number = 0
        while True:
            try:
                line = handle.readline(max_bytes + 1)
            except (OSError, EOFError) as exc:
                yield number + 1, _Unreadable(f"the file is truncated or corrupt from here ({exc})")
                return
            if not line:
                return
            number += 1
            if len(line) > max_bytes and not line.endswith(b"\n"):
                # Oversized: drain the rest of the line without holding it.
                while True:
                    try:
                        rest = handle.readline(1024 * 1024)
                    except (OSError, EOFError):
                        break  # reported at the next read
                    if not rest or rest.endswith(b"\n"):
                        break
                yield number, None
                continue
            yield number, line


def _too_long(limits: Limits) -> str:
    return f"record is over the limit of {limits.max_record_bytes} bytes"


# ---------------------------------------------------------------------------- layouts


def detect_layout(path: Path) -> str:
    """ "conversations" for JSONL records with a "turns" list, otherwise "utterances".

    Looks at the first 50 records, so one bad record at the top does not decide: any record
    with "turns" means conversations; records with a text-like field and no "turns" mean
    utterance rows; anything else is read as conversations (and reported record by record).
    """
    if base_suffix(path) in (".csv", ".tsv"):
        return "utterances"
    text_keys = set(DEFAULT_COLUMNS["text"])
    saw_rows = False
    with _open_binary(path) as handle:
        for _ in range(50):
            try:
                line = handle.readline(MAX_PROBE_BYTES)
            except (OSError, EOFError):
                break
            if not line:
                break
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict):
                if "turns" in data:
                    return "conversations"
                if text_keys & {str(k).lower() for k in data}:
                    saw_rows = True
    return "utterances" if saw_rows else "conversations"


MAX_PROBE_BYTES = 1024 * 1024


def _nonblank_lines(
    path: Path, source: str, limits: Limits
) -> Iterator[tuple[int, bytes] | BadRecord]:
    """(line number, bytes) for each non-blank line; a BadRecord for an unreadable one."""
    for number, line in _iter_lines(path, limits.max_record_bytes):
        if line is None:
            yield BadRecord(source, number, _too_long(limits))
            continue
        if isinstance(line, _Unreadable):
            yield BadRecord(source, number, line.reason)
            continue
        if not line.strip():
            continue
        yield number, line


def read_conversation_jsonl(
    path: Path, source: str, limits: Limits
) -> Iterator[Record | BadRecord]:
    for item in _nonblank_lines(path, source, limits):
        if isinstance(item, BadRecord):
            yield item
            continue
        number, line = item
        yield parse_conversation(line, source, number, limits)


def parse_conversation(
    line: bytes | str, source: str, number: int, limits: Limits
) -> Record | BadRecord:
    try:
        data = json.loads(line)
    except UnicodeDecodeError:
        return BadRecord(source, number, "not valid UTF-8")
    except ValueError as exc:
        return BadRecord(source, number, f"malformed JSON: {exc.args[0] if exc.args else exc}")
    if not isinstance(data, dict):
        return BadRecord(source, number, "a record must be a JSON object")
    conv_id = _clean_id(data.get("id", data.get("conversation_id")), limits)
    if conv_id is None:
        return BadRecord(source, number, "missing field 'id'")
    raw_turns = data.get("turns")
    if not isinstance(raw_turns, list) or not raw_turns:
        return BadRecord(source, number, "missing field 'turns' (a non-empty list)", conv_id)
    if len(raw_turns) > limits.max_turns:
        return BadRecord(
            source,
            number,
            f"{len(raw_turns)} turns is over the limit of {limits.max_turns}",
            conv_id,
        )
    turns = []
    skipped = 0
    for index, raw in enumerate(raw_turns):
        turn, reason = _check_turn(raw, index, limits)
        if turn is None:
            if reason == _SKIP:
                skipped += 1
                continue
            return BadRecord(source, number, reason, conv_id)
        turns.append(turn)
    if not turns:
        return BadRecord(source, number, "no agent or customer turns", conv_id)
    _relative_times(turns)
    metadata = {k: v for k, v in data.items() if k not in ("id", "conversation_id", "turns")}
    if skipped:
        metadata["skipped_turns"] = skipped
    return Record(source, number, conv_id, tuple(turns), _agent_of(turns, metadata), metadata)


def parse_record(unit: Record | RawRecord | BadRecord) -> Record | BadRecord:
    """A RawRecord parsed (as ``read_plan`` without ``raw`` would give it); others as given."""
    if isinstance(unit, RawRecord):
        return parse_conversation(unit.data, unit.source, unit.line, unit.limits)
    return unit


@dataclass(slots=True)
class _Row:
    line: int
    conversation_id: str
    values: dict[str, Any]  # speaker / role / text / t as found in the file


def _csv_rows(
    path: Path, source: str, columns: Columns, limits: Limits
) -> Iterator[_Row | BadRecord]:
    delimiter = _delimiter(path)
    # csv refuses fields over its limit; keep it just above the text limit so an oversized
    # utterance becomes a reported bad row instead of a memory problem.
    csv.field_size_limit(max(limits.max_text_chars * 4 + 1024, 131072))
    with _open_text(path) as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        except (csv.Error, OSError, EOFError) as exc:
            raise InputError(f"{source}: unreadable header: {exc}") from None
        try:
            mapping = columns.resolve(header)
        except ValueError as exc:
            raise InputError(f"{source}: {exc}") from None
        index = {name: i for i, name in enumerate(header)}
        previous_end = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield BadRecord(source, previous_end + 1, f"unreadable CSV row: {exc}")
                previous_end = reader.line_num
                continue
            except (OSError, EOFError) as exc:
                reason = f"the file is truncated or corrupt from here ({exc})"
                yield BadRecord(source, previous_end + 1, reason)
                return
            line = previous_end + 1
            previous_end = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                yield BadRecord(
                    source, line, f"row has {len(row)} fields, the header has {len(header)}"
                )
                continue
            values = {
                field_name: row[index[column]] if column is not None else None
                for field_name, column in mapping.items()
            }
            conv_id = _clean_id(values.pop("id"), limits)
            if conv_id is None:
                yield BadRecord(source, line, f"missing conversation id ({mapping['id']})")
                continue
            yield _Row(line, conv_id, values)


def _jsonl_rows(
    path: Path, source: str, columns: Columns, limits: Limits
) -> Iterator[_Row | BadRecord]:
    mapping: dict[str, str | None] | None = None
    for item in _nonblank_lines(path, source, limits):
        if isinstance(item, BadRecord):
            yield item
            continue
        number, line = item
        try:
            data = json.loads(line)
        except ValueError as exc:
            yield BadRecord(source, number, f"malformed JSON: {exc.args[0] if exc.args else exc}")
            continue
        if not isinstance(data, dict):
            yield BadRecord(source, number, "a row must be a JSON object")
            continue
        if mapping is None:
            try:
                mapping = columns.resolve(data.keys())
            except ValueError as exc:
                raise InputError(f"{source}: {exc}") from None
        values = {
            field_name: data.get(column) if column is not None else None
            for field_name, column in mapping.items()
        }
        conv_id = _clean_id(values.pop("id"), limits)
        if conv_id is None:
            yield BadRecord(source, number, f"missing conversation id ({mapping['id']})")
            continue
        yield _Row(number, conv_id, values)


def _group(rows: list[_Row], source: str, limits: Limits, truncated: int = 0) -> Record | BadRecord:
    first = rows[0]
    if truncated:
        return BadRecord(
            source,
            first.line,
            f"{len(rows) + truncated} turns is over the limit of {limits.max_turns}",
            first.conversation_id,
        )
    turns = []
    skipped = 0
    for index, row in enumerate(rows):
        raw = dict(row.values)
        raw["t"] = raw.pop("time", None)
        turn, reason = _check_turn(raw, index, limits)
        if turn is None:
            if reason == _SKIP:
                skipped += 1
                continue
            return BadRecord(source, row.line, reason, first.conversation_id)
        turns.append(turn)
    if not turns:
        return BadRecord(source, first.line, "no agent or customer turns", first.conversation_id)
    _relative_times(turns)
    metadata = {"skipped_turns": skipped} if skipped else {}
    return Record(
        source, first.line, first.conversation_id, tuple(turns), _agent_of(turns, {}), metadata
    )


def _group_contiguous(
    rows: Iterator[_Row | BadRecord], source: str, limits: Limits
) -> Iterator[Record | BadRecord]:
    current: list[_Row] = []
    dropped = 0
    for row in rows:
        if isinstance(row, BadRecord):
            yield row
            continue
        if current and row.conversation_id != current[0].conversation_id:
            yield _group(current, source, limits, dropped)
            current, dropped = [], 0
        if len(current) >= limits.max_turns:
            dropped += 1  # keep counting, stop holding rows: memory stays bounded
        else:
            current.append(row)
    if current:
        yield _group(current, source, limits, dropped)


class _Bloom:
    """A fixed-size Bloom filter of strings (1 MiB, 3 hashes)."""

    def __init__(self, bits: int = 8 * 1024 * 1024) -> None:
        self.bits = bits
        self.array = bytearray(bits // 8)

    def _positions(self, key: str) -> list[int]:
        digest = hashlib.blake2b(key.encode("utf-8", "replace"), digest_size=12).digest()
        return [int.from_bytes(digest[i : i + 4], "little") % self.bits for i in (0, 4, 8)]

    def add(self, key: str) -> None:
        for pos in self._positions(key):
            self.array[pos >> 3] |= 1 << (pos & 7)

    def __contains__(self, key: str) -> bool:
        return all(self.array[pos >> 3] & (1 << (pos & 7)) for pos in self._positions(key))


def scan_utterances(rows: Iterator[_Row | BadRecord]) -> tuple[bool, int]:
    """Pre-scan: (rows of each id are contiguous?, number of conversations)."""
    finished = _Bloom()
    current: str | None = None
    groups = 0
    contiguous = True
    for row in rows:
        if isinstance(row, BadRecord):
            continue
        if row.conversation_id != current:
            if current is not None:
                finished.add(current)
            if contiguous and row.conversation_id in finished:
                contiguous = False
            current = row.conversation_id
            groups += 1
    return contiguous, groups


def _bucket_of(conv_id: str, buckets: int) -> int:
    digest = hashlib.blake2b(conv_id.encode("utf-8", "replace"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % buckets


def _group_spilled(
    rows: Iterator[_Row | BadRecord], source: str, size: int, limits: Limits, spill_dir: str | None
) -> Iterator[Record | BadRecord]:
    buckets = min(MAX_SPILL_BUCKETS, max(1, math.ceil(size / SPILL_BUCKET_BYTES)))
    workdir = tempfile.mkdtemp(prefix="heard-spill-", dir=spill_dir)
    try:
        handles = [
            open(os.path.join(workdir, f"{b:05d}.jsonl"), "w", encoding="utf-8")
            for b in range(buckets)
        ]
        try:
            for row in rows:
                if isinstance(row, BadRecord):
                    yield row
                    continue
                record = [row.line, row.conversation_id, row.values]
                handles[_bucket_of(row.conversation_id, buckets)].write(
                    json.dumps(record, ensure_ascii=False) + "\n"
                )
        finally:
            for handle in handles:
                handle.close()
        for b in range(buckets):
            groups: dict[str, list[_Row]] = {}
            dropped: dict[str, int] = {}
            with open(os.path.join(workdir, f"{b:05d}.jsonl"), encoding="utf-8") as handle:
                for text in handle:
                    line, conv_id, values = json.loads(text)
                    group = groups.setdefault(conv_id, [])
                    if len(group) >= limits.max_turns:
                        dropped[conv_id] = dropped.get(conv_id, 0) + 1
                    else:
                        group.append(_Row(line, conv_id, values))
            for conv_id, group in sorted(groups.items(), key=lambda kv: kv[1][0].line):
                yield _group(group, source, limits, dropped.get(conv_id, 0))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------------------- entry points


@dataclass(frozen=True)
class InputPlan:
    """How one input file will be read."""

    path: Path
    source: str
    layout: str
    contiguous: bool = True
    conversations: int = 0  # for progress and ETA


def _row_reader(plan: InputPlan, columns: Columns, limits: Limits) -> Iterator[_Row | BadRecord]:
    if base_suffix(plan.path) in (".csv", ".tsv"):
        return _csv_rows(plan.path, plan.source, columns, limits)
    return _jsonl_rows(plan.path, plan.source, columns, limits)


def _count_lines(path: Path) -> int:
    count = 0
    last = b"\n"
    with _open_binary(path) as handle:
        try:
            while chunk := handle.read(1024 * 1024):
                count += chunk.count(b"\n")
                last = chunk[-1:]
        except (OSError, EOFError):
            pass  # a broken compressed file: reported when it is read
    return count + (last != b"\n")


def plan_input(
    path: str | Path,
    layout: str = "auto",
    columns: Columns | None = None,
    limits: Limits | None = None,
) -> InputPlan:
    """Check an input and pre-scan it (count conversations; contiguity of utterance rows)."""
    columns = columns or Columns()
    limits = limits or Limits()
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    if layout not in LAYOUTS:
        raise InputError(f"unknown layout {layout!r}")
    chosen = detect_layout(p) if layout == "auto" else layout
    if chosen == "conversations":
        if base_suffix(p) in (".csv", ".tsv"):
            raise InputError(f"{path}: CSV holds utterance rows; use --layout utterances")
        return InputPlan(p, str(path), chosen, True, _count_lines(p))
    plan = InputPlan(p, str(path), chosen)
    contiguous, groups = scan_utterances(_row_reader(plan, columns, limits))
    return InputPlan(p, str(path), chosen, contiguous, groups)


def read_plan(
    plan: InputPlan,
    columns: Columns | None = None,
    limits: Limits | None = None,
    spill_dir: str | None = None,
    raw: bool = False,
) -> Iterator[Record | RawRecord | BadRecord]:
    """Stream the records of one planned input, in a deterministic order.

    With ``raw``, a JSONL line of the conversations layout comes as a RawRecord, to be
    parsed with ``parse_record`` where it is scored (the same Record or BadRecord results).
    """
    columns = columns or Columns()
    limits = limits or Limits()
    if plan.layout == "conversations":
        if raw:
            for item in _nonblank_lines(plan.path, plan.source, limits):
                if isinstance(item, BadRecord):
                    yield item
                else:
                    yield RawRecord(plan.source, item[0], item[1], limits)
            return
        yield from read_conversation_jsonl(plan.path, plan.source, limits)
        return
    rows = _row_reader(plan, columns, limits)
    if plan.contiguous:
        yield from _group_contiguous(rows, plan.source, limits)
    else:
        size = plan.path.stat().st_size
        if plan.path.name.lower().endswith(".gz"):
            size *= 6  # typical text compression: size buckets by what they will hold
        yield from _group_spilled(rows, plan.source, size, limits, spill_dir)


def read_inputs(
    paths: Iterable[str | Path],
    layout: str = "auto",
    columns: Columns | None = None,
    limits: Limits | None = None,
) -> Iterator[Record | BadRecord]:
    """Plan and read several inputs one after the other."""
    for path in paths:
        plan = plan_input(path, layout, columns, limits)
        yield from read_plan(plan, columns, limits)


__all__ = [
    "Columns",
    "InputError",
    "InputPlan",
    "LAYOUTS",
    "detect_layout",
    "parse_time",
    "plan_input",
    "read_inputs",
    "read_plan",
]
