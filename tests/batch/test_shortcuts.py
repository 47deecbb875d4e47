"""Shortcuts the batch path takes through the coach give what the coach's full answers give."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heard.batch.synth import generate_conversations
from heard.coach import MAX_CHARS, detect_disclosure, engine
from heard.coach.disclosure import has_disclosure
from heard.coach.engine import lower_same_length
from heard.coach.lexicon import fold

from .helpers import SAMPLES


def _texts() -> list[str]:
    texts = []
    with open(SAMPLES / "conversations.jsonl", encoding="utf-8") as handle:
        for line in handle:
            texts += [t["text"] for t in json.loads(line)["turns"]]
    for conv in generate_conversations(60, seed=21):
        texts += [t["text"] for t in conv["turns"]]
    return texts + [
        "I lost my job and can\u2019t afford the bill",
        "My mum is in HOSPITAL and I'm scared he'll hurt me again.",
        "",
        "x" * (MAX_CHARS + 50) + " I can't pay rent",
    ]


def _has(text: str) -> bool:
    folded = fold(text[:MAX_CHARS])
    return has_disclosure(folded, lower_same_length(folded))


@pytest.fixture(params=[True, False], ids=["prefilter", "words"])
def gated(request):
    """Run with the Hyperscan prefilter (when it works here) and without it."""
    previous = engine.use_prefilter(request.param)
    yield
    engine.use_prefilter(previous)


@pytest.mark.parametrize("text", _texts())
def test_has_disclosure_is_whether_detect_disclosure_finds_one(text, gated) -> None:
    assert _has(text) == bool(detect_disclosure(text))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["I", "lost", "my", "job", "can't", "afford", "rent", "hospital", "scared", "he",
             "hits", "me", "debt", "cancer", "diagnosed", "\u2019", "ÉTÉ", " ", ".", "!"]
        ),
        max_size=14,
    ).map(" ".join)
)  # fmt: skip
def test_has_disclosure_agrees_on_word_salad(text) -> None:
    assert _has(text) == bool(detect_disclosure(text))
