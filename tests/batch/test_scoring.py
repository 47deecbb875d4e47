"""The worker side of `heard score`: result lines, remembered redactions, odd input values."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heard.batch import scoring
from heard.batch.records import Record
from heard.batch.scoring import ScoreOptions, _Redactor, dumps, score_chunk
from heard.qa.rubric import DEFAULT_RUBRIC_PATH

from .helpers import turn


def _json(data, **kwargs) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), **kwargs).encode()


_floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e-5, 1.5e-7, 1e16, 1e17, 1e22, 123456789012345.6, 0.0001, -0.0, 5e-324]),
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    _floats,
    st.text(),
)
_data = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


def _floats_in(data):
    if isinstance(data, float):
        yield data
    elif isinstance(data, list):
        for item in data:
            yield from _floats_in(item)
    elif isinstance(data, dict):
        for item in data.values():
            yield from _floats_in(item)


@settings(max_examples=600, deadline=None)
@given(_data)
def test_dumps_writes_what_json_writes(data) -> None:
    plain = all(map(scoring._plain, _floats_in(data)))
    try:
        expected = _json(data)
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8 line can hold it
        with pytest.raises(UnicodeEncodeError):
            dumps(data, plain=plain)
        return
    assert dumps(data, plain=plain) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=8))
def test_plain_floats_are_written_alike_by_orjson_and_json(values) -> None:
    values = [v for v in values if scoring._plain(v)]
    if scoring._orjson is not None:
        assert scoring._orjson.dumps(values) == _json(values)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 1e-5, 1.5e-7, 1e16, 1e22])
def test_floats_that_are_not_plain_are_written_as_json_writes_them(value) -> None:
    assert not scoring._plain(value)
    assert dumps({"x": [value, 0.5]}, plain=False) == _json({"x": [value, 0.5]})


def _options() -> ScoreOptions:
    return ScoreOptions(DEFAULT_RUBRIC_PATH.read_text(encoding="utf-8"), "salt")


def _record(conversation_id: str, turns, **metadata) -> Record:
    return Record("in.jsonl", 1, conversation_id, tuple(turns), "maya", metadata)


def test_result_lines_are_json_lines_of_the_results() -> None:
    record = _record(
        "c-1",
        [turn("customer", "My order is late.", t=0), turn("agent", "Sorry, it is.", "maya", 5)],
        channel="chat",
        score=math.nan,
        big=2**70,
    )
    [(status, line)] = score_chunk([record], _options())
    assert status == "ok"
    result = scoring.score_record(record, _options())
    assert line == _json(result)
    assert b'"score":NaN' in line and str(2**70).encode() in line


@pytest.mark.parametrize(
    ("t", "metadata"),
    [(1e17, {}), (None, {"weight": 1e-5}), (None, {"weight": math.inf}), (2.5, {"w": 0.25})],
)
def test_result_lines_with_any_floats_are_json_lines(t, metadata) -> None:
    record = _record(
        "c-3",
        [turn("customer", "My order is late.", t=0.0), turn("agent", "Sorry.", "maya", t)],
        **metadata,
    )
    [(status, line)] = score_chunk([record], _options())
    assert status == "ok"
    assert line == _json(scoring.score_record(record, _options()))


def test_text_json_cannot_write_makes_an_error_line_not_a_failed_run() -> None:
    record = _record("c-2", [turn("customer", "broken \ud800 text"), turn("agent", "Sorry.")])
    [(status, line)] = score_chunk([record], _options())
    assert status == "error"
    error = json.loads(line)
    assert error["conversation_id"] == "c-2"
    assert error["error"].startswith("unreadable text")
    assert "broken" not in error["error"]


def test_redactions_of_short_strings_are_remembered_within_bounds(monkeypatch) -> None:
    monkeypatch.setattr(scoring, "_MEMO_ENTRIES", 4)
    monkeypatch.setattr(scoring, "_TEXT_MEMO", {})
    monkeypatch.setattr(scoring, "_NAME_MEMO", {})
    redactor = _Redactor("salt")
    for i in range(10):
        assert redactor.text(f"call 07700 90012{i}") == "call [PHONE]"
        assert len(scoring._TEXT_MEMO) <= 4
    assert redactor.name("jo@example.com") == _Redactor("salt").name("jo@example.com")
    assert redactor.name("jo@example.com").startswith("email-")
    # The pseudonym is keyed by the run's salt, also when remembered.
    assert _Redactor("other").name("jo@example.com") != redactor.name("jo@example.com")
    long_text = "x" * (scoring._MEMO_MAX_CHARS + 1) + " jo@example.com"
    assert redactor.text(long_text).endswith("[EMAIL]")
    assert long_text not in scoring._TEXT_MEMO


@pytest.mark.parametrize("weight", ["0.00001", "1e17", "-3e-7"])
def test_rubric_weights_of_any_size_are_written_as_json_writes_them(weight) -> None:
    toml = DEFAULT_RUBRIC_PATH.read_text(encoding="utf-8")
    assert "weight = 2.5" in toml
    options = ScoreOptions(toml.replace("weight = 2.5", f"weight = {weight}"), "salt")
    record = _record(
        "c-4",
        [
            turn("customer", "I was charged twice and my refund is late.", t=0.0),
            turn("agent", "I'm sorry we charged you twice; the refund goes out today.", "maya"),
        ],
    )
    [(status, line)] = score_chunk([record], options)
    assert status == "ok"
    assert line == _json(scoring.score_record(record, options))


def test_warm_up_changes_no_result_and_forgets_what_it_redacted(monkeypatch) -> None:
    options = ScoreOptions(DEFAULT_RUBRIC_PATH.read_text(encoding="utf-8"), "salt")
    record = Record(
        "in.jsonl",
        1,
        "c-1",
        (
            turn("customer", "I lost my job and you charged me twice! Mail jo@example.com"),
            turn("agent", "I'm so sorry, that sounds stressful. I'll refund it today.", "maya"),
        ),
        agent="maya",
    )
    before = score_chunk([record], options)
    monkeypatch.setattr(scoring, "_warm", False)
    monkeypatch.setattr(scoring, "_TEXT_MEMO", {})
    monkeypatch.setattr(scoring, "_NAME_MEMO", {})
    scoring.warm_up(options)
    assert scoring._warm
    assert not scoring._TEXT_MEMO and not scoring._NAME_MEMO
    assert score_chunk([record], options) == before
    scoring.warm_up(options)  # once warm, only the rubric is looked up
    assert score_chunk([record], options) == before
