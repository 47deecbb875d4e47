"""Suggestions fit the other person's emotion and need, and come from the phrase bank."""

from __future__ import annotations

import pytest

from heard.coach import analyze
from heard.coach.lexicon import load
from heard.coach.suggestions import pick_phrase

REPLY = "Ok."


def _texts(context: str | None) -> dict[str, str]:
    return {s.move: s.text for s in analyze(REPLY, context=context).suggestions}


def test_suggestions_differ_by_emotion() -> None:
    angry = _texts("I'm furious, this is outrageous!")
    sad = _texts("My dog died and I'm heartbroken.")
    assert angry["emotion_labelling"] != sad["emotion_labelling"]


def test_suggestions_differ_by_need() -> None:
    confused = _texts("I don't understand what this charge is for?")
    stuck = _texts("I've tried everything and it still won't connect.")
    assert set(confused) != set(stuck)
    assert "interpretation" in confused
    assert "acknowledging_impact" in stuck


def test_no_suggestion_for_a_move_already_made() -> None:
    result = analyze("That sounds really frustrating.", context="I'm fed up with this.")
    assert "emotion_labelling" not in {s.move for s in result.suggestions}


def test_pitfalls_get_a_repair() -> None:
    result = analyze("Calm down.", context="I'm furious!")
    first = result.suggestions[0]
    assert first.move == "offering_space"
    assert "mirroring anger" in first.reason


def test_at_most_three_suggestions() -> None:
    assert 0 < len(analyze("Ok.").suggestions) <= 3


def test_phrase_bank_avoids_the_stock_line() -> None:
    for phrase in load("phrase_bank")["phrase"]:
        assert "understand how you feel" not in phrase["text"].lower()
        assert phrase["text"].strip()


def test_pick_phrase_is_deterministic_and_specific() -> None:
    a = pick_phrase("offering_space", "sadness", "upset", seed="x")
    assert a == pick_phrase("offering_space", "sadness", "upset", seed="x")
    assert a == "We can go at whatever pace feels right for you."
    assert pick_phrase("no_such_move", None, None) == ""


def test_good_news_gets_lines_written_for_it_not_repair_lines() -> None:
    result = analyze(REPLY, context="I got the promotion!!")
    moves = [s.move for s in result.suggestions]
    assert moves == ["emotion_labelling", "exploring_question", "acknowledging_impact"]
    lines = " ".join(
        [s.text for s in result.suggestions]
        + [a for s in result.suggestions for a in s.alternatives]
    )
    for trouble in ("disrupted", "problem", "sorry", "makes sense", "fed up"):
        assert trouble not in lines


def test_thanks_gets_a_glad_line_and_a_question_about_what_is_left() -> None:
    texts = _texts("Thank you so much, that really helped.")
    assert texts["emotion_labelling"].startswith(("It sounds like a weight", "I'm really glad"))
    assert "?" in texts["exploring_question"]


def test_a_bereavement_gets_no_technical_problem_line() -> None:
    result = analyze(REPLY, context="My mum died last week and I need to close her account.")
    impact = next(s for s in result.suggestions if s.move == "acknowledging_impact")
    for line in (impact.text, *impact.alternatives):
        assert "technical problem" not in line and "the occasion" not in line
    assert "grieving" in impact.text


def test_a_question_is_not_said_back_as_their_view() -> None:
    texts = _texts("I'm so confused, what does this charge on my statement mean?")
    assert "what does this charge" not in texts["interpretation"]


def test_a_feeling_they_name_outweighs_one_read_from_the_situation() -> None:
    texts = _texts("I'm completely burnt out, I've covered nights for three weeks.")
    assert texts["emotion_labelling"].startswith("You sound worn out")


def test_an_apology_line_names_what_the_fault_put_at_risk() -> None:
    result = analyze(
        "As I already explained, refunds take 14 days.",
        context="You charged me TWICE and now I can't pay my rent.",
    )
    apology = next(s for s in result.suggestions if s.move == "concrete_apology")
    assert apology.text == (
        "I'm sorry we charged you twice and that you had to worry about your rent because of it."
    )


def test_the_need_of_good_news_is_not_called_upset() -> None:
    from heard.coach.state import read_state
    from heard.coach.suggestions import need_text

    assert need_text(read_state("I passed my exam!")) == (
        "emotional resonance (they are sharing good news)"
    )
    assert need_text(read_state("Thank you so much.")) == "emotional resonance (they are thankful)"
    assert need_text(read_state("I'm furious.")) == "emotional resonance (they are upset)"


def test_load_hurt_and_shame_at_work_get_lines_a_lead_would_say() -> None:
    tired = pick_phrase("next_steps", "exhaustion", "upset", seed="x")
    assert tired.startswith("Let's take [one thing] off your plate")
    hurt = pick_phrase("next_steps", "hurt", "upset", seed="x")
    assert "part of [the next decision]" in hurt
    shown_up = analyze(
        "OK, I'll look into it.",
        context="You made me look stupid in front of the client.",
    )
    lines = " ".join(
        [s.text for s in shown_up.suggestions]
        + [a for s in shown_up.suggestions for a in s.alternatives]
    )
    assert "technical problem" not in lines
    assert pick_phrase("exploring_question", "shame", "upset", seed="x").startswith(
        "What would help you feel ready"
    )


def _all_lines(reply: str, context: str) -> list[str]:
    result = analyze(reply, context=context)
    return [s.text for s in result.suggestions] + [
        a for s in result.suggestions for a in s.alternatives
    ]


def test_sadness_that_is_not_a_death_gets_no_grieving_line() -> None:
    for context in (
        "Honestly I'm really upset, the party was yesterday and she had nothing to open.",
        "I've been feeling down since I lost my job.",
    ):
        assert analyze(REPLY, context=context).state.emotion == "sadness"
        lines = _all_lines(REPLY, context)
        assert lines and not any("griev" in line for line in lines), lines
    assert pick_phrase("acknowledging_impact", "sadness", "upset", seed="x").startswith(
        "Dealing with [this] on top of everything else"
    )


def test_a_bereavement_gets_lines_written_for_it() -> None:
    context = "My dad passed away in March and I still can't close his account."
    result = analyze(REPLY, context=context)
    # The loss leads, though the errand is practical.
    assert (result.state.emotion, result.state.need) == ("grief", "upset")
    labelling = next(s for s in result.suggestions if s.move == "emotion_labelling")
    assert any(
        line.startswith("I'm so sorry about your dad.")
        for line in (labelling.text, *labelling.alternatives)
    )
    impact = next(s for s in result.suggestions if s.move == "acknowledging_impact")
    assert "grieving" in impact.text
    assert pick_phrase("next_steps", "grief", "upset", seed="x").startswith(
        "I'll take care of [the account]"
    )


def _filled(text: str) -> str:
    """A phrase as a writer would send it: each [placeholder] filled with its first example."""
    import re

    return re.sub(r"\[([^\]]+)\]", lambda m: m.group(1).split(" / ")[0], text)


def test_every_line_the_coach_offers_is_credited_when_used() -> None:
    # A suggestion taken up must count as the move it was offered for, and trip no pitfall:
    # otherwise the coach would go on asking for a move the writer has just made.
    phrases = load("phrase_bank")["phrase"]
    assert len(phrases) == 120
    for phrase in phrases:
        result = analyze(_filled(phrase["text"]))
        assert phrase["move"] in {f.label for f in result.moves}, phrase["text"]
        assert not result.pitfalls, (phrase["text"], [f.label for f in result.pitfalls])


def _offered(reply: str, context: str) -> list[str]:
    return [
        line
        for s in analyze(reply, context=context).suggestions
        for line in (s.text, *s.alternatives)
    ]


def test_lines_written_for_what_happened_come_first() -> None:
    unthanked = analyze("Hmm.", context="Nobody thanked us for working the whole weekend.")
    assert [s.text for s in unthanked.suggestions] == [
        "It sounds like that stung, and feeling unseen at work is not a small thing.",
        "Of course that hurt. Wanting [the effort you put in] to be noticed is fair.",
        "You've given up your whole weekend for this, and it deserved to be noticed.",
    ]
    left_out = analyze("Hmm.", context="I keep getting talked over in stand-up.")
    assert left_out.suggestions[0].text == (
        "It sounds like it stung to be left out of [the decision], not just inconvenient."
    )
    shaken = analyze("Right.", context="A caller shouted at me for twenty minutes and I'm shaking.")
    assert shaken.suggestions[0].text == (
        "That sounds frightening, and it makes sense you're still shaken."
    )


def test_a_line_for_one_situation_is_not_offered_in_another() -> None:
    # Fear of an outcome is not fear of a person: no "still shaken", no "shouted at".
    offered = _offered("ok", "I'm scared I'll lose my job.")
    assert offered and not [line for line in offered if "shaken" in line or "shouted" in line]
    assert "[the effort you put in]" not in " ".join(_offered("Hmm.", "I feel left out."))


def test_every_cue_set_compiles_is_used_and_every_cued_only_line_has_one() -> None:
    import re

    bank = load("phrase_bank")
    for words in bank["cue_sets"].values():
        re.compile("|".join(words))
    named = {phrase.get("cues") for phrase in bank["phrase"]} - {None}
    # Every name is a set (or the built-in "crisis"), every set is used.
    assert named == {*bank["cue_sets"], "crisis"}
    for phrase in bank["phrase"]:
        assert not phrase.get("cued_only") or phrase.get("cues"), phrase["text"]


@pytest.mark.parametrize(
    ("context", "first_line"),
    [
        (
            "My manager criticised me in front of the whole team.",
            "That must have been humiliating, being [criticised] in front of [the whole team].",
        ),
        (
            "I feel like I'm failing at everything.",
            "It sounds like you feel you're failing, and that's a painful place to be.",
        ),
        (
            "I'm really nervous about presenting to the board tomorrow.",
            "It sounds like you're nervous about [tomorrow], which makes sense with this much riding"
            " on it.",
        ),
        (
            "I'm scared to say anything in retro in case it gets back to my manager.",
            "It sounds like you're afraid of what happens if you speak up.",
        ),
    ],
)
def test_shame_and_fear_get_lines_for_what_happened(context: str, first_line: str) -> None:
    assert analyze("OK.", context=context).suggestions[0].text == first_line


def test_a_line_about_a_client_mistake_needs_one() -> None:
    offered = _offered("OK.", "I feel like I'm failing at everything.")
    assert not [line for line in offered if "[the client]" in line]
    assert "Being caught out in front of [the client]" in " ".join(
        _offered("OK.", "I made a mistake in the client report and they noticed.")
    )


def test_mixed_feelings_get_a_line_that_names_both() -> None:
    mixed = analyze(
        "Ok, noted.", context="I'm relieved it's fixed, but still angry it took a week."
    )
    assert mixed.suggestions[0].text == (
        "I'm glad it's finally sorted, and it makes sense you're still annoyed it took this long."
    )
    assert "they seem angry, and relieved too" in mixed.suggestions[0].reason
    nervous = analyze("Ok.", context="I'm excited to start but nervous about meeting everyone.")
    assert nervous.suggestions[0].text == (
        "It sounds like you're pleased and a bit daunted at the same time."
    )
    # Without the second feeling, the lines for a mix are never offered.
    angry = "I'm still angry it took a week."
    mixed_lines = {p["text"] for p in load("phrase_bank")["phrase"] if "also" in p}
    offered = _offered("Ok, noted.", angry)
    assert offered and not mixed_lines & set(offered)


@pytest.mark.parametrize(
    "reply",
    ["Have you tried going for a walk?", "I'm so sorry you feel this way. What happened today?"],
)
def test_after_thoughts_of_suicide_the_first_suggestion_asks_about_safety(reply: str) -> None:
    a = analyze(reply, context="I don't want to live anymore. Why am I still fighting?")
    first = a.suggestions[0]
    assert first.move == "exploring_question"
    assert "safe right now" in first.text
    assert "asking directly" in first.reason
    # Then the pain, then help: the lines written for a crisis, not the everyday ones.
    lines = [s.text for s in a.suggestions]
    assert any("taking what you said seriously" in t for t in lines)
    assert any("crisis line" in t for t in lines)


def test_a_reply_that_asks_about_safety_is_not_told_to_ask_again() -> None:
    a = analyze("Are you safe right now?", context="Some days I want to die.")
    assert a.has("exploring_question")
    assert all("safe" not in s.text for s in a.suggestions)
    assert [s.move for s in a.suggestions][:1] == ["emotion_labelling"]


def test_the_crisis_lines_are_never_offered_without_a_crisis() -> None:
    a = analyze("Okay.", context="I'm so sad, my dog died last week.")
    lines = [t for s in a.suggestions for t in (s.text, *s.alternatives)]
    assert not any("ending your life" in t or "crisis line" in t for t in lines)


def test_a_crisis_typed_with_a_curly_apostrophe_is_met_the_same() -> None:
    straight = analyze("Ok.", context="I don't want to live anymore.")
    curly = analyze("Ok.", context="I don’t want to live anymore.")
    assert [s.text for s in curly.suggestions] == [s.text for s in straight.suggestions]
    assert "safe right now" in curly.suggestions[0].text
