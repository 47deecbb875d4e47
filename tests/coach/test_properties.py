"""Properties that hold for any input: valid spans, scores in range, no crashes."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heard.coach import (
    MAX_CHARS,
    analyze,
    analyze_conversation,
    blame_language,
    detect_disclosure,
    redact,
    reflection_fidelity,
    specificity,
)
from heard.coach.epitome import STRATEGIES

PHRASES = [
    "I'm so sorry", "that sounds frustrating", "what happened?", "I'll refund it today",
    "calm down!!", "It's not a big deal", "you always", "my name is Ana Lopez",
    "call 020 7946 0958", "ana@example.org", "4539 5787 6362 1486", "I lost my job",
    "😀", "\u200b", "\x00", "\x1b[31m", "\r\n", "Ça va très bien", "我很难过", "مرحبا",
    "ПРИВЕТ", "İstanbul", "ſorry", "???", "''''", "\\b(", "[NAME]",
]  # fmt: skip
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(PHRASES), max_size=12).map(" ".join),
    st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=12)), max_size=8).map("".join),
)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_spans(text: str, spans) -> None:
    for s in spans:
        assert 0 <= s.start <= s.end <= len(text)
        assert text[s.start : s.end] == s.text


@SETTINGS
@given(texts, st.one_of(st.none(), texts))
def test_analyze_properties(text: str, context: str | None) -> None:
    result = analyze(text, context=context)
    for f in result.moves + result.pitfalls:
        _check_spans(text, f.spans)
        assert f.spans and 0.0 <= f.confidence <= 1.0
    if result.state is not None:
        _check_spans(context, result.state.evidence)
        assert 0.0 <= result.state.intensity <= 1.0
        assert result.state.need in {"upset", "confused", "stuck"}
    assert 0.0 <= result.empathy_score <= 1.0
    assert set(result.epitome.values()) <= {0, 1, 2}
    assert result.strategy in STRATEGIES
    json.dumps(result.to_dict())


@SETTINGS
@given(texts)
def test_redact_properties(text: str) -> None:
    r = redact(text)
    last = 0
    for kind, s in r.items:
        _check_spans(text, [s])
        assert s.start >= last and s.end > s.start
        last = s.end
        assert kind in {
            "email", "phone", "card", "iban", "account", "address", "name", "id", "birth_date"
        }  # fmt: skip


@SETTINGS
@given(texts, texts)
def test_reports_properties(a: str, b: str) -> None:
    fid = reflection_fidelity(a, b)
    assert 0.0 <= fid.score <= 1.0
    _check_spans(b, fid.judgement + fid.rebuttal)
    spec = specificity(a)
    assert 0.0 <= spec.score <= 1.0
    _check_spans(a, spec.action + spec.effect + spec.outcome + spec.generic)
    bl = blame_language(b)
    assert 0.0 <= bl.score <= 1.0
    _check_spans(b, bl.blame + bl.learning)
    for d in detect_disclosure(a):
        _check_spans(a, d.spans)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["agent", "customer", "sys", "usr"]), texts), max_size=6))
def test_conversation_properties(turns) -> None:
    ca = analyze_conversation(
        [
            {"speaker": f"s{i % 3}", "role": r, "text": t, "t": i * 2.5}
            for i, (r, t) in enumerate(turns)
        ]
    )
    assert 0.0 <= ca.empathy_score <= 1.0
    assert 0.0 <= ca.metrics.participation_equity <= 1.0
    assert all(-1.0 <= x <= 1.0 for x in ca.metrics.tone_trajectory)
    json.dumps(ca.to_dict())


def test_empty_strings() -> None:
    assert analyze("").moves == ()
    assert analyze("", context="").state is None
    assert redact("").text == ""
    assert specificity("").score == 0.0
    assert blame_language("").score == 1.0
    assert detect_disclosure("") == ()
    assert reflection_fidelity("", "").score == 0.0


def test_a_megabyte_of_text_is_capped() -> None:
    text = ("I'm so sorry that sounds frustrating, what happened? " * 20_000)[:1_000_000]
    result = analyze(text, context=text)
    assert result.truncated
    for f in result.moves + result.pitfalls:
        _check_spans(text, f.spans)
        assert all(s.end <= MAX_CHARS for s in f.spans)
    for fn in (redact, specificity, blame_language, detect_disclosure):
        fn(text)
    reflection_fidelity(text, text)


def test_redaction_of_many_items_stays_fast() -> None:
    import time

    text = "Dr Ann Lee, call 020 7946 0958. " * 20_000
    started = time.perf_counter()
    result = redact(text)
    assert time.perf_counter() - started < 20  # was quadratic in the number of items
    assert len(result.items) == 40_000
    assert "[NAME]" in result.text and "[PHONE]" in result.text
