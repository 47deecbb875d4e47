"""Every shipped deck, prompt library and the demo team load, validate and hang together."""

from __future__ import annotations

import pytest

from heard.content import (
    SPECS,
    Curveball,
    FollowUps,
    deck_for_week,
    diagnose,
    labels,
    load_decks,
    load_demo,
    load_practices,
    load_prompts,
    next_practice_options,
)


@pytest.fixture(scope="module")
def decks():
    return load_decks()


def test_at_least_four_decks_of_six_scenarios(decks):
    assert len(decks) >= 4
    for deck in decks:
        assert len(deck.scenarios) >= 6, deck.id


def test_deck_metadata_is_the_projects(decks):
    for deck in decks:
        assert deck.licence == "Apache-2.0"
        assert deck.authors == ("Heard contributors",)
        assert deck.version
    weeks = [deck.rotation_week for deck in decks]
    assert len(set(weeks)) == len(weeks), "two decks share a rotation week"


def test_scenario_ids_unique_across_decks(decks):
    ids = [s.id for deck in decks for s in deck.scenarios]
    assert len(ids) == len(set(ids))


def test_shipped_decks_cover_every_channel_move_and_pitfall(decks):
    scenarios = [s for deck in decks for s in deck.scenarios]
    assert {s.channel for s in scenarios} == set(labels.CHANNELS)
    assert set().union(*(s.success_signals for s in scenarios)) == set(labels.MOVES)
    assert set().union(*(s.pitfalls for s in scenarios)) == set(labels.PITFALLS)
    assert {s.need for s in scenarios} == set(labels.NEEDS)


def test_every_scenario_can_turn_both_ways_and_has_a_curveball(decks):
    for deck in decks:
        for s in deck.scenarios:
            assert len(s.follow_ups.acknowledged) >= 2, s.id
            assert len(s.follow_ups.scripted) >= 2, s.id
            assert len(s.follow_ups.defensive) >= 2, s.id
            assert s.curveballs, s.id
            assert 0 <= s.intensity <= 1


def test_no_stock_empathy_line_in_briefs_or_resolutions(decks):
    # The customer may quote a stock line back at the agent; our own framing never uses one.
    stock = ("i understand how you feel", "sorry for any inconvenience")
    for deck in decks:
        for s in deck.scenarios:
            for text in (s.agent_brief, *s.follow_ups.resolved, *s.reflection_questions):
                assert not any(line in text.lower() for line in stock), s.id


def test_deck_rotation_wraps_around(decks):
    assert deck_for_week(decks, 1) == decks[0]
    assert deck_for_week(decks, len(decks) + 1) == decks[0]
    assert deck_for_week(decks, 2) == decks[1]
    with pytest.raises(ValueError):
        deck_for_week([], 1)


def test_scenario_lookup(decks):
    deck = decks[0]
    first = deck.scenarios[0]
    assert deck.scenario(first.id) is first
    with pytest.raises(KeyError):
        deck.scenario("no-such-scenario")


def test_curveball_triggers():
    by_turn = Curveball("outage", "down again", after_turn=2)
    assert not by_turn.fires(1)
    assert by_turn.fires(2)
    by_word = Curveball("policy_change", "new rule", keywords=("Refund",))
    assert by_word.fires(1, "I can refund that today")
    assert not by_word.fires(5, "Let me check")


def test_follow_ups_fall_back_when_optional_reactions_are_empty():
    lines = FollowUps(acknowledged=("a1", "a2"), scripted=("s1", "s2"), defensive=("d1", "d2"))
    assert lines.for_reaction("rushed") == ("d1", "d2")
    assert lines.for_reaction("resolved") == ("a1", "a2")
    with pytest.raises(KeyError):
        lines.for_reaction("delighted")


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_prompt_library_loads(name):
    library = load_prompts(name)
    assert library.id == name
    assert library.licence == "Apache-2.0"
    for section in SPECS[name]:
        assert library.section(section), f"{name}.{section} is empty"


def test_pulse_questions_have_kinds_and_categories():
    questions = load_prompts("pulse").section("questions")
    assert {q.kind for q in questions} == {"text", "scale"}
    assert any(q.id == "obstacle-to-clear" for q in questions)
    for q in questions:
        if q.kind == "scale":
            assert q.scale_min < q.scale_max and q.low_label and q.high_label


def test_prompt_lookup_and_missing_attributes():
    library = load_prompts("journal")
    prompt = library.get("log-situation")
    assert prompt.field == "situation"
    assert prompt.nonexistent is None
    with pytest.raises(KeyError):
        library.get("nope")
    with pytest.raises(KeyError):
        library.section("nope")
    with pytest.raises(KeyError):
        load_prompts("not-a-library")


def test_perspectives_cover_every_stakeholder_and_immersion_runs_in_order():
    library = load_prompts("leadership")
    assert {p.stakeholder for p in library.section("perspectives")} == set(labels.STAKEHOLDERS)
    assert [p.step for p in library.section("immersion")] == [1, 2, 3, 4, 5]


def test_practices_have_three_to_five_behaviours_in_every_category():
    practices = load_practices()
    assert {p.category for p in practices} == {"culture", "systems", "skills"}
    for practice in practices:
        assert 3 <= len(practice.behaviours) <= 5
    after_culture = next_practice_options(practices, "culture")
    assert after_culture and all(p.category != "culture" for p in after_culture)


def test_diagnosis_gives_an_approach_with_reasons():
    result = diagnose(
        {
            "main-source-of-stress": "difficult-conversations",
            "recent-miss": "better-words",
            "processes-today": "clear-and-followed",
        }
    )
    assert result.approach == "skills_led"
    assert "what to say in the moment" in result.reason
    assert result.first_steps
    assert result.scores["skills_led"] == 8


def test_diagnosis_ties_start_with_systems():
    assert diagnose({}).approach == "systems_led"


def test_diagnosis_rejects_unknown_answers():
    with pytest.raises(KeyError, match="no answer"):
        diagnose({"main-source-of-stress": "aliens"})
    with pytest.raises(KeyError, match="unknown question"):
        diagnose({"favourite-colour": "blue"})


def test_mechanisms_cover_all_four():
    mechanisms = load_prompts("recognition").section("mechanisms")
    assert {m.id for m in mechanisms} == set(labels.MECHANISMS)


def test_demo_team():
    demo = load_demo()
    assert 5 <= len(demo.members) <= 6
    assert [m.role for m in demo.members].count("owner") == 1
    assert any(m.role == "facilitator" for m in demo.members)
    keys = {m.key for m in demo.members}
    assert all(k.sender in keys and k.recipient in keys for k in demo.kudos)
    assert {s.mechanism for s in demo.impact_stories} == set(labels.MECHANISMS)
    assert demo.empathy_log and demo.pulse_answers
    # Enough anonymous answers to one question to show an aggregate (k = 5).
    energy = [a for a in demo.pulse_answers if a.question == "energy-level" and not a.member]
    assert len(energy) >= 5
    assert demo.member("amaka").role == "owner"


def test_labels_match_the_coach():
    from heard.coach import lexicon

    assert set(lexicon.MOVES) == set(labels.MOVES)
    assert set(lexicon.PITFALLS) == set(labels.PITFALLS)


def test_every_emotion_maps_to_a_coach_emotion_family(decks):
    import tomllib
    from pathlib import Path

    assert set(labels.EMOTION_FAMILY) == set(labels.EMOTIONS)
    lexicon = Path(labels.__file__).parent.parent / "coach" / "lexicons" / "emotions.toml"
    coach_emotions = set(tomllib.loads(lexicon.read_text(encoding="utf-8"))["emotion"])
    assert set(labels.EMOTION_FAMILY.values()) <= coach_emotions
    assert decks[0].scenarios[0].coach_emotion in coach_emotions


def test_the_deck_template_loads_and_does_not_clash_with_shipped_decks(decks):
    from heard.content import load_deck
    from heard.content.loader import DECKS_DIR

    template = load_deck(DECKS_DIR.parent / "templates" / "deck.toml")
    shipped_ids = {s.id for deck in decks for s in deck.scenarios}
    assert not {s.id for s in template.scenarios} & shipped_ids
    assert template.id not in {deck.id for deck in decks}


# Drill openings the coach reads as their authors labelled them (the emotion family a drill's
# feedback is fitted to). The others are subtler on purpose (sarcasm, understatement, a
# greeting that hides loneliness); a change to the coach may add to this list, never lose one.
READ_AS_LABELLED = {
    "abuse-aimed-at-agent",
    "baby-emails-after-loss",
    "broadband-down-before-interview",
    "closing-late-fathers-account",
    "daughter-managing-mother-with-dementia",
    "deaf-customer-phone-only-escalation",
    "double-charge-before-rent",
    "insulin-supplies-late",
    "leaving-abusive-partner-shared-account",
    "nine-year-customer-price-rise",
    "public-refund-complaint",
    "redundancy-hardship-and-hopelessness",
    "sarcastic-thanks",
    "screen-magnifier-form-loop",
    "small-business-invoice-vat",
    "smart-meter-jargon",
    "sync-outage-lost-edits",
    "third-call-same-delay",
    "third-transfer-no-repeating",
    "threat-to-go-public",
    "two-agents-two-answers",
}


def test_the_coach_reads_drill_openings_as_their_authors_did(decks):
    from heard.coach.state import read_state

    read = {s.id: read_state(s.opening).emotion for d in decks for s in d.scenarios}
    labelled = {s.id: s.coach_emotion for d in decks for s in d.scenarios}
    assert READ_AS_LABELLED <= set(read)
    assert {i for i in READ_AS_LABELLED if read[i] != labelled[i]} == set()
