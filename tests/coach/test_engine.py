"""The gated matcher finds exactly what scanning every pattern would find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from heard.coach.engine import FLAGS, PatternGroup, requirements, text_keys
from heard.coach.lexicon import expand, fold, load

WORDS = (
    "i you I'm you're sorry so that sounds like frustrating must be what how have tried "
    "it's not a big deal my fault we'll I'll refund by Friday take your time no rush "
    "understand feel same been there hope hang in when was never always calm down THE "
    "İt ſorry ıt straße café ésorry soé naïve ÀLWAYS Ωmega 😀 ? ! . , ' \n"
).split(" ")


def _all_patterns() -> list[str]:
    data = load("markers")
    out = []
    for kind in ("move", "pitfall"):
        for entry in data[kind].values():
            out += [expand(p, data["vars"]) for p in entry["patterns"]]
    return out


PATTERNS = _all_patterns()
GROUPS = [(p, PatternGroup([p])) for p in PATTERNS]


def test_requirements() -> None:
    assert requirements(r"\bI'?m (?:so )?sorry\b") == (frozenset({"sorr"}),)
    assert requirements(r"\b(?:I|we)(?:'ll| will) (?:fix|send)\b") == (
        frozenset({"fix", "send"}),
        frozenset({"will", "ll"}),
        frozenset({"i", "we"}),
    )
    assert requirements(r"\?") == (frozenset({"?"}),)
    assert requirements(r"\d+") == ()


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30).map(" ".join))
def test_gated_matches_equal_plain_scanning(text: str) -> None:
    folded = fold(text)
    index = text_keys(folded)
    for pattern, group in GROUPS:
        plain = [m.span() for m in re.finditer(pattern, folded, FLAGS) if m.end() > m.start()]
        gated = [m.span() for m in group.finditer(folded, index)]
        assert gated == plain, pattern


def _all_groups() -> list:
    """Every gated group the coach compiles: markers, EPITOME and strategy cues, frameworks."""
    from heard.coach.epitome import _compiled
    from heard.coach.frameworks import _cues
    from heard.coach.lexicon import markers

    c = _compiled()
    groups = [m.group for m in markers()]
    groups += [c.er_strong, c.er_weak, c.ip_weak, c.ex_not, c.ex_generic, c.ex_tell, c.ex_you]
    groups += [cue.group for cue in c.ip_cues] + list(c.strategy.values()) + list(_cues().values())
    return groups


ALL_GROUPS = _all_groups()


def _reference(group: PatternGroup, folded: str) -> list[tuple[int, int]]:
    """Each chunk's patterns as one plain case-insensitive alternation over the folded text,
    every chunk scanned; matches of several chunks merged leftmost first, longest on ties."""
    found: list[tuple[int, int]] = []
    for chunk in group.chunks:
        rx = re.compile("|".join(f"(?:{p})" for p in chunk.patterns), FLAGS)
        found += [m.span() for m in rx.finditer(folded) if m.end() > m.start()]
    if len(group.chunks) == 1:
        return found
    found.sort(key=lambda s: (s[0], -s[1]))
    kept, end = [], -1
    for s, e in found:
        if s >= end:
            kept.append((s, e))
            end = e
    return kept


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30).map(" ".join))
def test_groups_find_what_a_plain_scan_finds(text: str) -> None:
    folded = fold(text)
    index = text_keys(folded)
    for group in ALL_GROUPS:
        expected = _reference(group, folded)
        assert [m.span() for m in group.finditer(folded, index)] == expected
        assert group.search(folded, index) == bool(expected)
        assert group.count(folded, index, 3) == min(3, len(expected))


def test_groups_on_real_replies() -> None:
    replies = [
        "I'm so sorry, that sounds exhausting. What would help most right now?",
        "That's not a big deal, calm down. You always do this!!",
        "I hear you: it must be so frustrating to be stuck. I'll refund it by Friday.",
        "Thank you for waiting. I understand how you feel; I've been there too.",
        "ésorry naïve İt ſorry: you're feeling let down and that makes sense.",
    ]
    for text in replies:
        folded = fold(text)
        index = text_keys(folded)
        for group in ALL_GROUPS:
            assert [m.span() for m in group.finditer(folded, index)] == _reference(group, folded)


WORDS_STATE = WORDS + (
    "furious fed up third 3rd 12th ٣th time again still not waiting so very at all "
    "damn hell can't log in lost my job afford hurt myself doctor worried what if "
    "escalate speak to a manager formal complaint transferring you put you through"
).split(" ")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS_STATE), max_size=30).map(" ".join))
def test_state_and_disclosure_scans_equal_plain_scanning(text: str) -> None:
    from heard.coach.conversation import _ESCALATION, _TRANSFER
    from heard.coach.disclosure import _compiled as disclosure_scanners
    from heard.coach.engine import lower_same_length
    from heard.coach.state import _STUCK, _compiled

    folded = fold(text)
    low = lower_same_length(folded)
    emotions, _, _, intensifiers, profanity = _compiled()
    assert emotions.rx is not None
    assert emotions.hits(folded, low) == [
        (m.lastgroup, m.start(), m.end()) for m in emotions.plain.finditer(folded)
    ]
    scanners = (intensifiers, profanity, _STUCK, _ESCALATION, _TRANSFER)
    for scanner in (*scanners, *disclosure_scanners().values()):
        plain = re.compile(scanner.rx.pattern if not scanner.lowered else _source(scanner), FLAGS)
        expected = [m.span() for m in plain.finditer(folded) if m.end() > m.start()]
        assert scanner.spans(folded, low) == expected
        assert scanner.spans(folded, low, 2) == expected[:2]
        assert scanner.search(folded, low) == bool(plain.search(folded))


def _source(scanner) -> str:
    """The (lower-cased) pattern a capture-form scanner wraps."""
    p = scanner.rx.pattern
    if not scanner.capture:
        return p
    return p[p.index("(?<=(?=(") + len("(?<=(?=(") : p.rindex("))")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS + ["STOP", "NOW", "OK", "ID", "!!", "!!!", "A", "B,"]),
                max_size=20).map(" ".join))  # fmt: skip
def test_shouting_pre_check_changes_nothing(text: str) -> None:
    from heard.coach.pitfalls import _SHOUT, _shouting

    expected = [s.start for s in _shouting(text)]
    plain = [m.start() for m in _SHOUT.finditer(text)]
    assert set(expected) <= set(plain)
    if "!!" not in text and not re.search("[A-Z]{2}", text):
        assert plain == []
