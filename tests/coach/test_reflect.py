"""Their own words said back to them: perspective, slots and the lines that use them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heard.coach import analyze
from heard.coach.reflect import fill, perspective, their_words


@pytest.mark.parametrize(
    ("said", "back"),
    [
        ("I was charged twice", "you were charged twice"),
        ("I'm worried my order won't arrive", "you're worried your order won't arrive"),
        ("We were promised a refund by Monday", "you were promised a refund by Monday"),
        ("You lost my parcel", "we lost your parcel"),
        ("nobody has called us back", "nobody has called you back"),
        ("your app charged me twice", "our app charged you twice"),
        ("I told you, and you ignored me", "you told us, and we ignored you"),
    ],
)
def test_perspective(said: str, back: str) -> None:
    assert perspective(said) == back


def test_slots_come_only_from_what_they_clearly_said() -> None:
    assert their_words("Why is this so hard?") == {}
    slots = their_words("Hi, you guys lost my parcel and I've been waiting for two weeks.")
    assert slots["what happened"] == "we lost your parcel"
    assert slots["name what went wrong"] == "lost your parcel"
    assert slots["time / money / a day's work"] == "time"
    assert slots["what's at stake"] == "your parcel"
    # A present-tense need is not "what happened".
    assert "what happened" not in their_words("I need the money back before Friday.")


def test_long_clauses_are_not_parroted() -> None:
    long = "I " + " ".join(["really"] * 20) + " wanted this to work"
    assert "what happened" not in their_words(long)
    assert "their view in your words" not in their_words(long)


def test_fill_leaves_unknown_slots_for_the_writer() -> None:
    assert fill(
        "After [what happened], call [team].", {"what happened": "you were charged twice"}
    ) == ("After you were charged twice, call [team].")


def test_their_words_with_square_brackets_are_left_for_the_writer() -> None:
    assert their_words("MY[") == {}
    assert "their view in your words" not in their_words("My order [#4411] never came")


@given(st.text(max_size=300))
def test_their_words_never_fails_and_only_fills_known_slots(context: str) -> None:
    slots = their_words(context)
    assert set(slots) <= {
        "what happened",
        "name what went wrong",
        "time / money / a day's work",
        "what's at stake",
        "name the impact",
        "your weekend",
        "their view in your words",
        "your dad",
    }
    assert all(isinstance(v, str) and v and "[" not in v for v in slots.values())


def test_suggestions_use_their_words_and_offer_alternatives() -> None:
    context = "I was charged twice and my rent is due tomorrow, this is ridiculous"
    result = analyze("We apologise for any inconvenience.", context=context)
    by_move = {s.move: s for s in result.suggestions}
    assert "you were charged twice" in by_move["emotion_labelling"].text
    assert by_move["acknowledging_impact"].text == "This has cost you money, and that matters."
    for s in result.suggestions:
        assert s.text not in s.alternatives
        assert len(set(s.alternatives)) == len(s.alternatives) <= 2
    assert by_move["emotion_labelling"].alternatives  # more than one way to say it
    assert result.to_dict()["suggestions"][0]["alternatives"] == list(
        result.suggestions[0].alternatives
    )


def test_without_their_words_the_slots_stay_for_the_writer() -> None:
    result = analyze("Ok.", context="This is ridiculous, I'm furious.")
    lines = [s.text for s in result.suggestions] + [
        a for s in result.suggestions for a in s.alternatives
    ]
    fed_up = [line for line in lines if line.startswith("It sounds like you're fed up")]
    assert fed_up == ["It sounds like you're fed up, and with good reason after [what happened]."]


@pytest.mark.parametrize(
    ("context", "given"),
    [
        ("Nobody thanked us for working the whole weekend on the migration.", "your whole weekend"),
        ("I gave up two weekends for this release and nobody noticed.", "your two weekends"),
        ("I worked through my lunch break every day this week.", "your lunch break"),
        ("The night shift is hard.", None),  # a shift, not time they gave up
        ("We had a night out.", None),
    ],
)
def test_the_time_they_gave_fills_its_slot(context: str, given: str | None) -> None:
    assert their_words(context).get("your weekend") == given


def test_a_line_about_unnoticed_work_names_the_time_they_gave() -> None:
    result = analyze(
        "Well, everyone's busy right now.",
        context="Nobody thanked us for working the whole weekend on the migration. Honestly I'm"
        " starting to wonder why I bother.",
    )
    assert "You've given up your whole weekend for this, and it deserved to be noticed." in [
        s.text for s in result.suggestions
    ]


@pytest.mark.parametrize(
    ("context", "lost"),
    [
        ("My husband died in March and I still get letters addressed to him.", "your husband"),
        ("My son rang to say my mum had passed away.", "your mum"),
        ("Our dog was put to sleep on Friday.", "your dog"),
        ("I want to cancel my broadband.", None),
    ],
)
def test_the_person_they_lost_fills_its_slot(context: str, lost: str | None) -> None:
    assert their_words(context).get("your dad") == lost


def test_a_feeling_said_first_is_left_out_of_their_view() -> None:
    slots = their_words("I'm confused, the invoice says £40 but the app says £35. Which is it?")
    assert slots["their view in your words"] == "the invoice says £40 but the app says £35"
    # With nothing seen beside it, the feeling stays.
    assert their_words("I'm sorry, I know.")["their view in your words"] == "you're sorry, you know"
