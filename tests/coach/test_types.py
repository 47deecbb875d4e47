"""Result types: frozen, JSON-safe, spans that index the text."""

from __future__ import annotations

import dataclasses
import json

import pytest

from heard.coach import MAX_CHARS, Analysis, Span, analyze, load_model


def test_analysis_is_frozen_and_json_safe() -> None:
    result = analyze("I'm sorry we missed your delivery; I'll rebook it for tomorrow.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.empathy_score = 1.0  # type: ignore[misc]
    data = json.loads(json.dumps(result.to_dict()))
    assert data["moves"][0]["spans"][0] == {
        "start": 0,
        "end": 33,
        "text": result.moves[0].spans[0].text,
    }
    assert result.moves[0].spans[0].text == "I'm sorry we missed your delivery"
    assert set(data) == {f.name for f in dataclasses.fields(Analysis)}


def test_span_to_dict() -> None:
    assert Span(1, 3, "ab").to_dict() == {"start": 1, "end": 3, "text": "ab"}


def test_epitome_and_strategy_are_in_range() -> None:
    result = analyze("I'm so sorry. I've been there too. How long have you felt this way?")
    assert result.epitome == {"emotional_reactions": 2, "interpretations": 2, "explorations": 2}
    assert result.strategy == "Question"


def test_long_texts_are_capped_and_say_so() -> None:
    text = "That sounds exhausting. " * (MAX_CHARS // 10)
    result = analyze(text)
    assert result.truncated
    assert result.text == text
    assert all(s.end <= MAX_CHARS for f in result.moves for s in f.spans)


def test_model_overrides_epitome_and_strategy() -> None:
    class Fake:
        def epitome_levels(self, pairs):
            assert pairs == [("their words", "Ok.")]
            return [{"emotional_reactions": 1, "interpretations": 0, "explorations": 2}]

        def strategies(self, texts):
            return ["Self-disclosure"]

    result = analyze("Ok.", context="their words", model=Fake())
    assert result.epitome == {"emotional_reactions": 1, "interpretations": 0, "explorations": 2}
    assert result.strategy == "Self-disclosure"


def test_load_model_imports_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    fake = types.ModuleType("heard.coach.semantic")

    class CoachModel:
        @classmethod
        def load(cls, path):
            return ("loaded", path)

    fake.CoachModel = CoachModel  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "heard.coach.semantic", fake)
    assert load_model("/m") == ("loaded", "/m")


def test_deferred_fields_equal_the_eager_computation() -> None:
    import pickle

    from heard.coach import analyze
    from heard.coach.epitome import epitome_levels, strategy
    from heard.coach.frameworks import framework_view
    from heard.coach.lexicon import fold
    from heard.coach.suggestions import suggest

    text = "I'm so sorry, that sounds exhausting. What would help most? I'll call you by Friday."
    a = analyze(text, context="I'm furious, this is the third time it broke!")
    scanned = fold(text)
    assert a.frameworks == framework_view(a.moves, scanned)
    assert a.epitome == epitome_levels(scanned, a.moves)
    assert a.strategy == strategy(scanned, a.moves)
    assert a.suggestions == suggest(a.moves, a.pitfalls, a.state, seed=text[:200])
    b = analyze(text, context="I'm furious, this is the third time it broke!")
    assert b == a and b.to_dict() == a.to_dict()
    c = pickle.loads(pickle.dumps(analyze(text)))
    assert c == analyze(text) and "_pending" not in vars(c)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.epitome = {}  # type: ignore[misc]
    with pytest.raises(AttributeError):
        _ = a.not_a_field


def test_disclosures_are_read_from_the_context_and_index_it() -> None:
    import pickle

    context = "Since I lost my job I'm behind on my rent, and I'm on antidepressants."
    a = analyze("Thanks for telling me.", context=context)
    assert [d.kind for d in a.disclosures] == ["health", "money"]
    for d in a.disclosures:
        assert all(context[s.start : s.end] == s.text for s in d.spans)
    assert [d["kind"] for d in a.to_dict()["disclosures"]] == ["health", "money"]
    assert pickle.loads(pickle.dumps(a)).disclosures == a.disclosures
    assert dataclasses.replace(a, strategy="Others").disclosures == a.disclosures
    # The reply's own words are not the other person's disclosure.
    assert analyze("I lost my job once too.").disclosures == ()
    assert analyze("I lost my job once too.", context="Where is my parcel?").disclosures == ()
