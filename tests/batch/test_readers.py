"""Readers: both layouts, column mapping, grouping of utterance rows, bad records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heard.batch.readers import (
    Columns,
    InputError,
    parse_time,
    plan_input,
    read_inputs,
    read_plan,
)
from heard.batch.records import BadRecord, Limits, Record

SAMPLES = Path(__file__).resolve().parents[2] / "heard" / "content" / "samples"


def _records(items):
    return [i for i in items if isinstance(i, Record)]


def _bad(items):
    return [i for i in items if isinstance(i, BadRecord)]


def _turn(role, text, speaker=None, t=None):
    turn = {"speaker": speaker or role, "role": role, "text": text}
    if t is not None:
        turn["t"] = t
    return turn


def _write_jsonl(path: Path, rows) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(row if isinstance(row, str) else json.dumps(row))
            handle.write("\n")
    return path


def test_sample_conversations_are_read_whole():
    items = list(read_inputs([SAMPLES / "conversations.jsonl"]))
    records = _records(items)
    assert len(records) == len(items) == 20
    first = records[0]
    assert first.conversation_id == "S-1001"
    assert first.line == 1 and records[-1].line == 20
    assert first.agent == "maya"
    assert first.turns[0]["role"] == "customer" and first.turns[1]["role"] == "agent"
    assert first.metadata["channel"] == "chat"


def test_utterance_csv_with_mapped_columns_groups_rows():
    columns = Columns(id="conv", speaker="author", role="role", text="message", time="ts")
    items = list(read_inputs([SAMPLES / "utterances.csv"], columns=columns))
    records = _records(items)
    assert [r.conversation_id for r in records] == [
        "S-1001",
        "S-1002",
        "S-1003",
        "S-1004",
        "S-1005",
    ]
    first = records[0]
    assert first.line == 2  # the header is line 1
    assert len(first.turns) == 10
    assert first.agent == "maya"
    # ISO timestamps become seconds from the first turn
    assert first.turns[0]["t"] == 0.0 and first.turns[1]["t"] == 38.0


def test_unmapped_explicit_column_is_a_clear_input_error():
    with pytest.raises(InputError, match="--text-column"):
        list(read_inputs([SAMPLES / "utterances.csv"], columns=Columns(text="body")))


def test_usual_column_names_are_found_without_flags(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "conversation_id,speaker,role,text,timestamp\n"
        "c1,ann,customer,My order is late.,0\n"
        "c1,bo,agent,I'm sorry it's late; it arrives tomorrow.,12\n"
    )
    (record,) = list(read_inputs([path]))
    assert record.turns[1] == {
        "speaker": "bo",
        "role": "agent",
        "text": "I'm sorry it's late; it arrives tomorrow.",
        "t": 12.0,
    }


def test_utterance_jsonl_with_mapped_keys(tmp_path):
    path = _write_jsonl(
        tmp_path / "rows.jsonl",
        [
            {"conv": "a", "author": "cus", "kind": "user", "message": "Hi", "ts": 5},
            {"conv": "a", "author": "ag", "kind": "agent", "message": "Hello", "ts": 9},
            {"conv": "b", "author": "cus2", "kind": "customer", "message": "Hey", "ts": 1},
        ],
    )
    columns = Columns(id="conv", speaker="author", role="kind", text="message", time="ts")
    records = list(read_inputs([path], columns=columns))
    assert [(r.conversation_id, len(r.turns)) for r in records] == [("a", 2), ("b", 1)]
    assert records[0].turns[0]["role"] == "customer"  # "user" is a customer alias
    assert records[0].turns[1]["t"] == 4.0


def test_non_contiguous_rows_are_grouped_through_the_spill(tmp_path):
    path = tmp_path / "shuffled.csv"
    lines = ["conversation_id,speaker,role,text,timestamp"]
    lines += [
        "a,c,customer,a1,1",
        "b,c,customer,b1,1",
        "a,x,agent,a2,2",
        "c,c,customer,c1,1",
        "b,y,agent,b2,2",
        "a,c,customer,a3,3",
    ]
    path.write_text("\n".join(lines) + "\n")
    plan = plan_input(path)
    assert plan.contiguous is False and plan.conversations >= 3
    records = list(read_plan(plan, spill_dir=str(tmp_path)))
    got = {r.conversation_id: [t["text"] for t in r.turns] for r in records}
    assert got == {"a": ["a1", "a2", "a3"], "b": ["b1", "b2"], "c": ["c1"]}
    assert {r.conversation_id: r.line for r in records} == {"a": 2, "b": 3, "c": 5}
    # the order is deterministic (resume relies on it)
    again = [r.conversation_id for r in read_plan(plan, spill_dir=str(tmp_path))]
    assert again == [r.conversation_id for r in records]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("heard-spill-")]


def test_contiguous_rows_stream_without_the_spill(tmp_path):
    path = tmp_path / "ordered.csv"
    path.write_text("conversation_id,role,text\na,customer,x\na,agent,y\nb,customer,z\n")
    plan = plan_input(path)
    assert plan.contiguous is True and plan.conversations == 2


def test_bad_jsonl_records_are_reported_with_lines_and_good_ones_kept(tmp_path):
    good = {"id": "g1", "turns": [_turn("customer", "Hi"), _turn("agent", "Hello")]}
    rows = [
        good,  # 1
        '{"id": "broken", "turns": [',  # 2 malformed JSON
        {"turns": [_turn("agent", "no id")]},  # 3 missing id
        {"id": "g2", "turns": [_turn("customer", "Hey")]},  # 4 good
        {"id": "nt"},  # 5 missing turns
        {"id": "nx", "turns": [{"role": "agent", "speaker": "a"}]},  # 6 missing text
        {"id": "nr", "turns": [{"text": "hi"}]},  # 7 missing role
        {"id": "big", "turns": [_turn("agent", "x" * 501)]},  # 8 oversized text
        {"id": "role", "turns": [_turn("robot", "beep")]},  # 9 unknown role
        "",  # 10 blank: ignored
        {"id": "g3", "turns": [_turn("agent", "Bye", t="00:10")]},  # 11 good
        {"id": "bt", "turns": [_turn("agent", "Bye", t="yesterday-ish")]},  # 12 bad time
        "[1, 2]",  # 13 not an object
    ]
    path = _write_jsonl(tmp_path / "mixed.jsonl", rows)
    items = list(read_inputs([path], limits=Limits(max_text_chars=500)))
    assert [r.conversation_id for r in _records(items)] == ["g1", "g2", "g3"]
    bad = {b.line: b.reason for b in _bad(items)}
    assert sorted(bad) == [2, 3, 5, 6, 7, 8, 9, 12, 13]
    assert bad[2].startswith("malformed JSON")
    assert "missing field 'id'" in bad[3]
    assert "missing field 'turns'" in bad[5]
    assert "missing field 'text'" in bad[6]
    assert "missing field 'role'" in bad[7]
    assert "over the limit of 500" in bad[8]
    assert "unknown role" in bad[9]
    assert "timestamp" in bad[12]
    assert all(b.source == str(path) for b in _bad(items))
    assert "x" * 50 not in json.dumps([b.to_dict() for b in _bad(items)])  # no text leaks


def test_an_oversized_line_is_skipped_without_being_held(tmp_path):
    huge = {"id": "huge", "turns": [_turn("agent", "y" * 5000)]}
    path = _write_jsonl(
        tmp_path / "huge.jsonl",
        [
            {"id": "a", "turns": [_turn("agent", "ok")]},
            huge,
            {"id": "b", "turns": [_turn("agent", "ok")]},
        ],
    )
    items = list(read_inputs([path], limits=Limits(max_record_bytes=1000)))
    assert [r.conversation_id for r in _records(items)] == ["a", "b"]
    (bad,) = _bad(items)
    assert bad.line == 2 and "1000 bytes" in bad.reason


def test_bad_csv_rows_and_conversations(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "conversation_id,speaker,role,text,timestamp\n"
        "a,c,customer,hello,1\n"  # 2
        "a,x,agent,hi there,2\n"  # 3
        "b,c,customer,too,many,fields\n"  # 4 wrong field count
        ",c,customer,no id,1\n"  # 5 missing id
        "d,c,customer," + "z" * 300 + ",1\n"  # 6 oversized utterance -> conversation d skipped
        "d,x,agent,ok,2\n"  # 7
        "e,x,wizard,who am i,1\n"  # 8 unknown role
        "f,c,customer,fine,1\n"  # 9
    )
    items = list(read_inputs([path], limits=Limits(max_text_chars=200)))
    assert [r.conversation_id for r in _records(items)] == ["a", "f"]
    bad = {b.line: b for b in _bad(items)}
    assert sorted(bad) == [4, 5, 6, 8]
    assert "fields" in bad[4].reason
    assert "missing conversation id" in bad[5].reason
    assert bad[6].conversation_id == "d" and "over the limit of 200" in bad[6].reason
    assert "unknown role" in bad[8].reason


def test_turn_limit_for_utterance_rows(tmp_path):
    path = tmp_path / "long.csv"
    rows = ["conversation_id,role,text"] + [f"a,customer,line {i}" for i in range(12)]
    rows += ["b,agent,short"]
    path.write_text("\n".join(rows) + "\n")
    items = list(read_inputs([path], limits=Limits(max_turns=10)))
    assert [r.conversation_id for r in _records(items)] == ["b"]
    (bad,) = _bad(items)
    assert bad.line == 2 and "12 turns" in bad.reason


def test_missing_input_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        plan_input(tmp_path / "nope.jsonl")


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (None, None),
        ("", None),
        (12, 12.0),
        ("3.5", 3.5),
        ("01:30", 90.0),
        ("1:00:05", 3605.0),
        ("2026-03-04T09:00:10Z", 1772614810.0),
    ],
)
def test_parse_time(value, seconds):
    assert parse_time(value) == seconds


def test_parse_time_rejects_nonsense():
    with pytest.raises(ValueError):
        parse_time("next tuesday")


def test_gzipped_exports_are_read_like_plain_ones(tmp_path):
    import gzip

    plain = (SAMPLES / "conversations.jsonl").read_bytes()
    packed = tmp_path / "conversations.jsonl.gz"
    packed.write_bytes(gzip.compress(plain))
    rows = tmp_path / "utterances.csv.gz"
    rows.write_bytes(gzip.compress((SAMPLES / "utterances.csv").read_bytes()))
    assert len(_records(read_inputs([packed]))) == 20
    columns = Columns(id="conv", speaker="author", text="message", time="ts")
    assert len(_records(read_inputs([rows], columns=columns))) == 5


def test_a_truncated_gzip_keeps_what_it_could_read(tmp_path):
    import gzip

    data = gzip.compress((SAMPLES / "conversations.jsonl").read_bytes())
    broken = tmp_path / "cut.jsonl.gz"
    broken.write_bytes(data[: len(data) // 2])
    items = list(read_inputs([broken]))
    assert 0 < len(_records(items)) < 20
    assert "truncated or corrupt" in _bad(items)[-1].reason


def test_spreadsheet_csv_with_bom_and_semicolons(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffconversation_id;speaker;role;text;timestamp\n"
        "c1;ann;customer;My order, the blue one, is late.;0\n"
        'c1;bo;agent;"Sorry about that; it ships today.";5\n'
        "c2;bo;agent;unquoted; extra field;5\n".encode()
    )
    items = list(read_inputs([path]))
    (record,) = _records(items)
    assert record.conversation_id == "c1"
    assert [t["text"] for t in record.turns] == [
        "My order, the blue one, is late.",
        "Sorry about that; it ships today.",
    ]
    (bad,) = _bad(items)
    assert bad.line == 4 and "6 fields" in bad.reason


def test_system_and_bot_messages_are_skipped_and_counted(tmp_path):
    path = _write_jsonl(
        tmp_path / "chat.jsonl",
        [
            {
                "id": "c1",
                "turns": [
                    _turn("system", "Agent Maya joined the chat"),
                    _turn("customer", "Hi, my card was charged twice."),
                    _turn("bot", "Choose an option: 1) Billing 2) Delivery"),
                    _turn("agent", "I'm sorry about the double charge.", "maya"),
                ],
            },
            {"id": "c2", "turns": [_turn("system", "Chat closed")]},
        ],
    )
    items = list(read_inputs([path]))
    (record,) = _records(items)
    assert [t["role"] for t in record.turns] == ["customer", "agent"]
    assert record.metadata["skipped_turns"] == 2
    (bad,) = _bad(items)
    assert bad.line == 2 and bad.reason == "no agent or customer turns"


def test_errors_never_echo_what_could_be_conversation_text(tmp_path):
    path = tmp_path / "mismapped.csv"
    secret = "my email is dana@example.com and I am furious"
    path.write_text(f'conversation_id,role,text\nc1,customer,"{secret}"\nc2,"{secret}",hi\n')
    # the time column mapped, by mistake, onto the text column
    items = list(read_inputs([path], columns=Columns(time="text")))
    reasons = [b.reason for b in _bad(items)]
    assert len(reasons) == 2
    assert all("dana" not in r and "furious" not in r for r in reasons)


@pytest.mark.parametrize(
    "raw",
    [
        {"role": "agent", "text": "Hi", "speaker": " Maya ", "t": 3},
        {"role": "Customer", "text": "Hi", "t": 2.5},
        {"role": "agent", "text": "Hi", "speaker": "", "t": None},
        {"role": "agent", "text": "Hi", "speaker": " ", "timestamp": 7},
        {"role": "agent", "text": "Hi", "t": None, "timestamp": 7},
        {"role": "agent", "text": "Hi", "t": True},
        {"role": "agent", "text": "Hi", "t": float("nan")},
        {"role": "agent", "text": "Hi", "t": 2**60},
        {"role": "agent", "text": "Hi", "t": "00:05"},
        {"role": "agent", "text": "Hi", "speaker": 42},
        {"role": ["agent"], "text": "Hi"},
        {"role": "bot", "text": "Hi"},
        {"role": "agent", "text": "x" * 30},
        {"role": "agent", "text": 5},
        ["agent", "Hi"],
    ],
)
def test_the_usual_turn_is_checked_as_every_turn_is(raw) -> None:
    from heard.batch.readers import _check_turn, _check_turn_fully

    limits = Limits(max_text_chars=20)
    for _ in range(2):  # the second time the role is known
        assert _check_turn(raw, 3, limits) == _check_turn_fully(raw, 3, limits)


def test_raw_lines_parse_where_they_are_scored_into_the_same_records(tmp_path) -> None:
    from heard.batch.readers import parse_record
    from heard.batch.records import RawRecord

    path = tmp_path / "in.jsonl"
    good = {"id": "a", "agent": "maya", "turns": [{"role": "agent", "text": "Hi", "t": 1}]}
    path.write_text(
        json.dumps(good) + "\n\n" + '{"id": "b", "turns": [}\n' + json.dumps({"id": "c"}) + "\n"
    )
    plan = plan_input(path)
    parsed = list(read_plan(plan))
    raw = list(read_plan(plan, raw=True))
    assert all(isinstance(u, RawRecord) for u in raw)
    assert [parse_record(u) for u in raw] == parsed
    assert [type(r).__name__ for r in parsed] == ["Record", "BadRecord", "BadRecord"]


def test_a_line_too_deeply_nested_to_parse_is_a_bad_record_in_the_worker() -> None:
    from heard.batch.records import RawRecord
    from heard.batch.scoring import ScoreOptions, score_chunk
    from heard.qa.rubric import DEFAULT_RUBRIC_PATH

    options = ScoreOptions(DEFAULT_RUBRIC_PATH.read_text(encoding="utf-8"), "salt")
    deep = b'{"id": "d", "turns": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    [(status, line)] = score_chunk([RawRecord("in.jsonl", 7, deep, Limits())], options)
    assert status == "error"
    assert json.loads(line) == {
        "file": "in.jsonl",
        "line": 7,
        "conversation_id": None,
        "error": "unreadable record: RecursionError",
    }
