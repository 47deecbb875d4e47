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
