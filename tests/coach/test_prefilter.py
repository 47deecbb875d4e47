"""The Hyperscan prefilter gates patterns without changing a single result.

Every group is checked with both gates (the prefilter scan and the word gate) against a
plain scan, the coach's whole output is compared between the two, and the coach without
Hyperscan installed is run in a separate process.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heard.coach import analyze, engine, prefilter
from heard.coach.engine import FLAGS, lower_same_length, text_keys
from heard.coach.lexicon import fold
from heard.coach.state import emotion_hits, read_state_and_tone

from .test_engine import ALL_GROUPS, WORDS, _reference

REPO = Path(__file__).resolve().parents[2]
# pyproject.toml installs hyperscan where it has wheels; there these tests always run (and
# test_hyperscan_is_installed_where_it_has_wheels fails if it is missing), elsewhere the
# word gate alone is tested.
HAS_WHEELS = (sys.platform == "linux" and platform.machine() == "x86_64") or sys.platform in (
    "darwin",
    "win32",
)
needs_package = pytest.mark.skipif(
    not prefilter.available(),
    reason="hyperscan has no wheel for this platform; runs on Linux x86_64, macOS, Windows",
)
needs_hyperscan = pytest.mark.skipif(
    not engine.prefilter_available(),
    reason="hyperscan has no wheel for this platform, or HEARD_COACH_PREFILTER=0 was set; "
    "runs on Linux x86_64, macOS and Windows with the gate on",
)


@pytest.mark.skipif(not HAS_WHEELS, reason="hyperscan has no wheel for this platform")
def test_hyperscan_is_installed_where_it_has_wheels() -> None:
    assert prefilter.available(), "pyproject.toml installs hyperscan here; the install failed"


REPLIES = [
    "I'm so sorry, that sounds exhausting. What would help most right now?",
    "That's not a big deal, calm down. You always do this!!",
    "I hear you: it must be so frustrating to be stuck. I'll refund it by Friday.",
    "Thank you for waiting. I understand how you feel; I've been there too.",
    "ésorry naïve İt ſorry: you're feeling let down and that makes sense.",
    "NO RUSH AT ALL. TAKE YOUR TIME\nmaybe we could talk tomorrow?\nsame here",
    "Why would you ever do that? At least it's over. You'll be fine, trust me.",
    "",
    "😀😀 ?",
]
# Words and pieces that matter to the prefilter's rewriting: non-ASCII letters beside ASCII
# ones (word boundaries), characters case folding maps to ASCII, newlines (line anchors).
TRICKY = [
    "İ", "ı", "ſ", "K", "é", "ß", "Σ", "ς", "µ", "\n", "\r\n", "\t", "  ", "-", "'", "\u2019",
    "?", "!", "$", "%", "<3", "@", "#", "٣", "²", "_", "x", "S", "I", "OK", "ID",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(WORDS + TRICKY), max_size=30).map(
    lambda parts: "".join(p + (" " if i % 3 else "") for i, p in enumerate(parts))
)


@contextmanager
def gated_by(prefiltered: bool):
    previous = engine.use_prefilter(prefiltered)
    try:
        yield
    finally:
        engine.use_prefilter(previous)


def _group_results(folded: str) -> list:
    index = text_keys(folded)
    out = []
    for group in ALL_GROUPS:
        out.append(
            (
                [m.span() for m in group.finditer(folded, index)],
                group.search(folded, index),
                group.count(folded, index, 2),
                group.id in index.open_groups or not group.search(folded, index),
            )
        )
    return out


@needs_hyperscan
@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_both_gates_find_what_a_plain_scan_finds(text: str) -> None:
    folded = fold(text)
    with gated_by(True):
        assert text_keys(folded).prefiltered
        prefiltered = _group_results(folded)
    with gated_by(False):
        assert not text_keys(folded).prefiltered
        words = _group_results(folded)
    assert prefiltered == words
    for group, (spans, found, count, opened) in zip(ALL_GROUPS, prefiltered, strict=True):
        expected = _reference(group, folded)
        assert spans == expected
        assert found == bool(expected)
        assert count == min(2, len(expected))
        assert opened


@needs_package
@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_the_rewriting_never_misses_a_match(text: str) -> None:
    """A pattern that matches is always among those the scan reports."""
    folded = fold(text)
    low = lower_same_length(folded)
    found = set(_PREFILTER.scan(0, low))
    for pid, pattern in enumerate(EVERY_PATTERN):
        if re.search(pattern, folded, FLAGS):
            assert pid in found, (pattern, prefilter.superset(pattern, FLAGS))


# Every pattern of every group the coach compiles, in a prefilter of their own.
EVERY_PATTERN = [p for group in ALL_GROUPS for chunk in group.chunks for p in chunk.patterns]
_PREFILTER = prefilter.Prefilter() if prefilter.available() else None
if _PREFILTER is not None:
    _PREFILTER.add(EVERY_PATTERN, FLAGS)


def _coach_output(texts: list[str]) -> list:
    out = []
    for text in texts:
        out.append(analyze(text).to_dict())
        out.append(analyze(text, context="I'm furious, this is the third time!").to_dict())
        state, tone = read_state_and_tone(text)
        out.append([state.to_dict(), tone, emotion_hits(text)])
    return out


@needs_hyperscan
@settings(max_examples=60, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=4))
def test_coach_output_is_the_same_with_either_gate(texts: list[str]) -> None:
    with gated_by(True):
        prefiltered = _coach_output(REPLIES + texts)
    with gated_by(False):
        words = _coach_output(REPLIES + texts)
    assert prefiltered == words


_CHILD = """
import json, sys
{setup}
from heard.coach import analyze, engine
from heard.coach.state import emotion_hits, read_state_and_tone
texts = json.loads(sys.stdin.read())
out = []
for t in texts:
    out.append(analyze(t).to_dict())
    out.append(analyze(t, context="I'm furious, this is the third time!").to_dict())
    s, tone = read_state_and_tone(t)
    out.append([s.to_dict(), tone, emotion_hits(t)])
print(json.dumps({{"prefilter": engine.prefilter_active(), "out": out}}))
"""


def _run_child(setup: str, env: dict[str, str] | None = None) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD.format(setup=setup)],
        input=json.dumps(REPLIES),
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        check=True,
        timeout=300,
    )
    return json.loads(result.stdout)


def test_without_hyperscan_the_coach_falls_back_to_word_gates() -> None:
    # An import of hyperscan fails, as on a machine without the package.
    hidden = _run_child("sys.modules['hyperscan'] = None")
    assert hidden["prefilter"] is False
    with gated_by(False):
        expected = json.loads(json.dumps(_coach_output(REPLIES)))
    assert hidden["out"] == expected
    if engine.prefilter_available():
        with gated_by(True):
            assert json.loads(json.dumps(_coach_output(REPLIES))) == expected


def test_the_prefilter_can_be_turned_off(tmp_path: Path) -> None:
    off = _run_child("", {"HEARD_COACH_PREFILTER": "0"})
    assert off["prefilter"] is False
    on = _run_child("", {"HEARD_COACH_CACHE": str(tmp_path), "HEARD_COACH_PREFILTER": "1"})
    assert on["prefilter"] is prefilter.available()
    assert on["out"] == off["out"]


def test_use_prefilter_without_hyperscan_stays_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_PREFILTER", None)
    previous = engine.use_prefilter(True)
    try:
        assert engine.prefilter_active() is False
        assert not text_keys("no rush").prefiltered
    finally:
        engine._USE_PREFILTER = previous


def test_superset_rewriting() -> None:
    sup = prefilter.superset
    assert sup(r"\bI'?m (?:so )?sorry(?!\w)", FLAGS) == rb"\bI(?:\x27)?m\x20(?:so\x20)?sorry"
    # Lookarounds are dropped; counted repeats widen to "any number, at least the minimum".
    assert sup(r"(?<!not )\bsure\b[^.?!\n]{2,80}\?", FLAGS) == rb"\bsure\b(?:[^\x0a\x21\x2e])+\x3f"
    # A boundary beside a non-ASCII or unknown character cannot be kept.
    assert sup(r"\bé\b", FLAGS) == b"."
    assert sup(r"\b\w+ing\b", FLAGS) == rb"(?:[0-9\x3fA-Z\x5fa-z])+ing\b"
    assert sup(r"(?-i:[A-Z]{2,})\b", FLAGS) == rb"(?:(?:[A-Z])+)\b"
    assert sup(r"[^a-z]x", FLAGS) == b".x"  # a negated class with letters: any character
    # Line anchors are kept (multi-line), categories and non-ASCII stand for "?" too.
    assert sup(r"^\s*maybe\d$", FLAGS) == rb"^(?:[\x09-\x0d\x1c-\x20\x3f])*maybe[0-9\x3f]$"
    # Nothing to gate on: patterns that can match the empty string, or back-references.
    assert sup(r"(?:so )?", FLAGS) is None
    assert sup(r"(a)\1", FLAGS) is None


@needs_package
def test_patterns_without_a_rewriting_are_always_reported(tmp_path: Path) -> None:
    p = prefilter.Prefilter()
    first, seg = p.add([r"(\w)\1", r"\bno rush\b", r"x?"], FLAGS)
    assert (first, seg) == (0, 0)
    assert sorted(p.scan(0, "nothing here")) == [0, 2]
    assert sorted(p.scan(0, "no rush at all")) == [0, 1, 2]
    assert sorted(p.scan(0, "")) == [0, 2]
    # Patterns added after a scan form a new segment; earlier ones are not compiled again.
    db = p.segments[0].db
    assert p.add([r"\btake your time\b", r"\bno rush\b"], FLAGS) == (3, 1)
    assert sorted(p.scan(1, "no rush, take your time")) == [3, 4]
    assert p.segments[0].db is db


@needs_package
def test_compiled_databases_are_kept_between_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARD_COACH_CACHE", str(tmp_path))
    first = prefilter.Prefilter()
    first.add([r"\bno rush\b", r"\btake your time\b"], FLAGS)
    assert first.scan(0, "take your time") == [1]
    kept = list(tmp_path.glob("prefilter-*.hsdb"))
    assert len(kept) == 1
    # The same expressions added in another order load the same database.
    second = prefilter.Prefilter()
    second.add([r"\btake your time\b", r"\bno rush\b"], FLAGS)
    assert second.scan(0, "take your time") == [0]
    assert list(tmp_path.glob("prefilter-*.hsdb")) == kept
    # A damaged file is rebuilt; an empty setting keeps nothing.
    kept[0].write_bytes(b"not a database")
    third = prefilter.Prefilter()
    third.add([r"\bno rush\b", r"\btake your time\b"], FLAGS)
    assert third.scan(0, "no rush") == [0]
    monkeypatch.setenv("HEARD_COACH_CACHE", "")
    assert prefilter.cache_dir() is None


@needs_package
def test_the_cache_keeps_the_newest_databases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARD_COACH_CACHE", str(tmp_path))
    monkeypatch.setattr(prefilter, "KEEP", 2)
    for word in ("alpha", "bravo", "charlie", "delta"):
        p = prefilter.Prefilter()
        p.add([rf"\b{word}\b"], FLAGS)
        assert p.scan(0, f"say {word}") == [0]
    assert len(list(tmp_path.glob("prefilter-*.hsdb"))) == 2


@needs_hyperscan
def test_scans_from_several_threads_agree() -> None:
    texts = [fold(t) for t in REPLIES] * 40
    with gated_by(True):
        expected = [_group_results(t) for t in texts[: len(REPLIES)]] * 40
        with ThreadPoolExecutor(4) as pool:
            got = list(pool.map(_group_results, texts))
    assert got == expected


def test_case_folding_to_ascii_is_covered_by_the_lower_case_form() -> None:
    """Every character a case-insensitive ASCII pattern character matches becomes that
    character in ``lower_same_length``: the prefilter may then scan the lower-cased text."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for code in range(0x80):
        ch = chr(code)
        for m in re.finditer(re.escape(ch), every, re.IGNORECASE):
            assert lower_same_length(m.group()) == ch.lower(), (ch, m.group())
    for m in re.finditer("[a-z]", every, re.IGNORECASE):
        low = lower_same_length(m.group())
        assert low.isascii() and low.isalpha(), m.group()


def test_docstring_examples() -> None:
    import doctest

    assert doctest.testmod(prefilter, optionflags=doctest.ELLIPSIS).failed == 0
