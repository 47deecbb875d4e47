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


@settings(max_examples=600, deadline=None)
@given(_data)
def test_dumps_writes_what_json_writes(data) -> None:
    try:
        expected = _json(data)
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8 line can hold it
        with pytest.raises(UnicodeEncodeError):
            dumps(data)
        return
    assert dumps(data) == expected


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_dumps_writes_nan_and_infinity_as_json_does_when_told(value) -> None:
    assert dumps({"x": [value, 0.5]}, finite=False) == _json({"x": [value, 0.5]})


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
