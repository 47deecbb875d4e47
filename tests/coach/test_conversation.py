"""analyze_conversation: per-turn analyses and the conversation micro-metrics."""

from __future__ import annotations

import pytest

from heard.coach import Turn, analyze_conversation

TRANSCRIPT = [
    {
        "speaker": "Sam",
        "role": "customer",
        "text": "My card was charged twice and I'm furious!",
        "t": 0,
    },
    {
        "speaker": "Ana",
        "role": "agent",
        "text": "Do you have the order number? Is it the blue one?",
        "t": 5,
    },
    {
        "speaker": "Sam",
        "role": "customer",
        "text": "Yes, 4412. I lost my job and can't afford this.",
        "t": 20,
    },
    {
        "speaker": "Ana",
        "role": "agent",
        "text": "That sounds really stressful. What would help most right now?",
        "t": 31,
    },
    {"speaker": "Sam", "role": "customer", "text": "A refund today, please.", "t": 40},
    {
        "speaker": "Ana",
        "role": "agent",
        "text": "I'll refund the second charge today and e-mail you when it's done.",
        "t": 52,
    },
    {"speaker": "Sam", "role": "customer", "text": "Thank you, that's a relief.", "t": 60},
]


def test_metrics() -> None:
    m = analyze_conversation(TRANSCRIPT).metrics
    assert set(m.talk_share) == {"Sam", "Ana"}
    assert sum(m.talk_share.values()) == pytest.approx(1.0)
    assert 0.9 < m.participation_equity <= 1.0
    assert (m.open_questions, m.closed_questions, m.stacked_questions) == (1, 2, 1)
    assert m.open_before_closed is False
    assert m.turns_to_first_acknowledgement == 3
    assert m.seconds_to_first_acknowledgement == 31.0
    assert m.pauses_after_disclosure == (11.0,)
    assert len(m.tone_trajectory) == 4
    assert m.tone_trajectory[0] < 0 < m.tone_trajectory[-1]
    assert (m.escalations, m.transfers) == (0, 0)


def test_turns_get_the_right_analysis() -> None:
    ca = analyze_conversation(TRANSCRIPT)
    assert [t.analysis is not None for t in ca.turns] == [
        False,
        True,
        False,
        True,
        False,
        True,
        False,
    ]
    assert ca.turns[0].customer_state is not None
    assert ca.turns[0].customer_state.emotion == "anger"
    # an agent turn is read against the customer's last message
    assert ca.turns[3].analysis.state.emotion != "neutral"


def test_score_and_reasons() -> None:
    ca = analyze_conversation(TRANSCRIPT)
    assert 0.0 <= ca.empathy_score <= 1.0
    # Said with where the tone started and ended.
    assert any(
        r.startswith("The customer's tone improved over the conversation, from negative to ")
        for r in ca.reasons
    )
    assert any("stacked" in r for r in ca.reasons)


def _support(agent_lines: list[str], last_words: str) -> list[dict]:
    turns = [
        {"speaker": "c", "role": "customer", "text": "My flight was cancelled and I'm stranded."}
    ]
    for line in agent_lines:
        turns.append({"speaker": "a", "role": "agent", "text": line})
        turns.append({"speaker": "c", "role": "customer", "text": "Okay."})
    turns[-1]["text"] = last_words
    return turns


def test_score_rewards_empathy_sustained_over_the_conversation() -> None:
    warm = "That sounds exhausting, and it makes sense you're upset. What would help most?"
    practical = "I've booked you on the 9:40 tomorrow."
    once = analyze_conversation(_support([warm, practical, practical], "Okay."))
    throughout = analyze_conversation(_support([warm, warm, practical], "Okay."))
    assert throughout.empathy_score > once.empathy_score
    assert any("reflecting feelings or meaning" in r for r in throughout.reasons)


def test_score_reads_how_the_other_person_ends() -> None:
    lines = ["That sounds stressful. I've booked you on the 9:40 tomorrow."]
    relieved = analyze_conversation(_support(lines, "Thank you so much, what a relief."))
    furious = analyze_conversation(_support(lines, "This is outrageous, I'm furious."))
    assert relieved.empathy_score > furious.empathy_score
    assert any("final turn read positive" in r for r in relieved.reasons)
    assert any("final turn read negative" in r for r in furious.reasons)
    # An upset start and a relieved end: the reason says both, not one for the other.
    (reason,) = [r for r in relieved.reasons if "final turn" in r]
    assert reason.startswith("The customer's last 2 turns read ")


@pytest.mark.parametrize(("agent", "customer"), [("supporter", "seeker"), ("sys", "usr")])
def test_role_synonyms(agent: str, customer: str) -> None:
    ca = analyze_conversation(
        [
            {"speaker": "a", "role": customer, "text": "I feel so alone."},
            {"speaker": "b", "role": agent, "text": "That sounds lonely. What happened?"},
        ]
    )
    assert [t.turn.role for t in ca.turns] == ["customer", "agent"]
    assert ca.metrics.turns_to_first_acknowledgement == 1


def test_turn_objects_and_missing_times() -> None:
    ca = analyze_conversation(
        [Turn("c", "customer", "Where is my parcel?"), Turn("a", "agent", "Let me check.")]
    )
    assert ca.metrics.seconds_to_first_acknowledgement is None
    assert ca.metrics.turns_to_first_acknowledgement is None
    assert any("never acknowledged" in r for r in ca.reasons)


def test_transfers_and_escalations() -> None:
    ca = analyze_conversation(
        [
            {"role": "customer", "text": "I want to speak to a manager."},
            {"role": "agent", "text": "I'm transferring you to my supervisor now."},
        ]
    )
    assert (ca.metrics.escalations, ca.metrics.transfers) == (1, 1)


def test_empty_and_unknown_roles() -> None:
    ca = analyze_conversation([])
    assert ca.turns == () and ca.empathy_score == 0.0
    with pytest.raises(ValueError, match="unknown role"):
        analyze_conversation([{"role": "narrator", "text": "Once upon a time"}])


def test_to_dict_is_json_safe() -> None:
    import json

    json.dumps(analyze_conversation(TRANSCRIPT).to_dict())


def test_questions_inside_a_turn_are_read_one_by_one() -> None:
    m = analyze_conversation(
        [{"role": "agent", "text": "Ok. Did it break? How are you feeling?"}]
    ).metrics
    assert (m.open_questions, m.closed_questions, m.stacked_questions) == (1, 1, 1)
    assert m.open_before_closed is False


def test_model_predictions_replace_the_lexical_ones() -> None:
    class Fake:
        calls = 0

        def epitome_levels(self, pairs):
            Fake.calls += 1
            assert pairs == [("I feel so alone.", "That sounds lonely.")]
            return [{"emotional_reactions": 2, "interpretations": 1, "explorations": 0}]

        def strategies(self, texts):
            return ["Reflection of feelings"]

    ca = analyze_conversation(
        [
            {"role": "customer", "text": "I feel so alone."},
            {"role": "agent", "text": "That sounds lonely."},
        ],
        model=Fake(),
    )
    agent = ca.turns[1].analysis
    assert agent.epitome == {"emotional_reactions": 2, "interpretations": 1, "explorations": 0}
    assert agent.strategy == "Reflection of feelings"
    assert Fake.calls == 1  # one batched call for the whole conversation
    # The reply's score averages the patterns' score with the model's reading (3 of 6).
    lexical = (
        analyze_conversation(
            [
                {"role": "customer", "text": "I feel so alone."},
                {"role": "agent", "text": "That sounds lonely."},
            ]
        )
        .turns[1]
        .analysis
    )
    assert agent.empathy_score == round((lexical.empathy_score + 0.5) / 2, 4)
    assert agent.moves == lexical.moves  # the evidence is still the patterns' own


@pytest.mark.parametrize(
    "text",
    [
        "plain ASCII, I WANT to Speak To A Manager?",
        "I’m done. I want to speak to a manager!",  # a typographic apostrophe: folded
        "\u0130stanbul \u212aelvin \u017fo? I'd like to e\u017fcalate",  # lower-cases to ASCII
        "Stra\u00dfe \u0130I\u0307 ?",  # lower case longer than the character: kept
        "",
    ],
)
def test_turns_are_folded_and_lower_cased_as_the_coach_does(text: str) -> None:
    from heard.coach.conversation import _fold, _lower
    from heard.coach.engine import lower_same_length
    from heard.coach.lexicon import fold

    assert _fold(text) == fold(text)
    assert _lower(_fold(text)) == lower_same_length(fold(text))


@pytest.mark.parametrize(
    ("role", "text", "escalations", "transfers"),
    [
        ("customer", "Get me your supervisor now.", 1, 0),
        ("customer", "I'm going to cancel my contract.", 1, 0),
        ("customer", "I'll take my business elsewhere.", 1, 0),
        ("customer", "I'm leaving you for another provider.", 1, 0),
        ("customer", "I'm posting this all over Twitter.", 1, 0),
        ("customer", "This is going to my solicitor.", 1, 0),
        ("customer", "I'll be reporting you to trading standards.", 1, 0),
        ("agent", "I'm passing this to our billing team, they'll call you.", 0, 1),
        ("agent", "I've sent your complaint over to the escalations desk.", 1, 1),
        # Everyday requests and errands are neither.
        ("customer", "Can I cancel my order?", 0, 0),
        ("customer", "I want a new card.", 0, 0),
        ("agent", "I sent it to the printer.", 0, 0),
        ("agent", "Send this to a friend.", 0, 0),
    ],
)
def test_leaving_going_public_or_legal_and_the_case_handed_on(
    role: str, text: str, escalations: int, transfers: int
) -> None:
    m = analyze_conversation([{"role": role, "text": text}]).metrics
    assert (m.escalations, m.transfers) == (escalations, transfers)


def test_escalations_in_non_ascii_turns_are_counted() -> None:
    ca = analyze_conversation(
        [
            {"role": "customer", "text": "I’m done, I want to speak to a manager!"},
            {"role": "agent", "text": "I’m transferring you to my supervisor now."},
            {
                "role": "customer",
                "text": "Fine, I\u2019ll e\u017fcalate this as a formal complaint.",
            },
        ]
    )
    assert ca.metrics.escalations == 2
    assert ca.metrics.transfers == 1


@pytest.mark.parametrize(
    "item",
    [
        {"speaker": "Ana", "role": "agent", "text": "Hi", "t": 2.5},
        {"speaker": "Sam", "role": "Customer", "text": "Hi", "t": None},
        {"speaker": "Sam", "role": "user", "text": "Hi"},
        {"speaker": "Sam", "role": "user", "text": "Hi", "time": 3.0},
        {"speaker": "Sam", "role": "user", "text": "Hi", "t": None, "timestamp": 3.0},
        {"speaker": "", "role": "agent", "text": "Hi", "t": 1.0},
        {"speaker": "Ana", "role": "agent", "text": "Hi", "t": 4},
        {"speaker": "Ana", "role": "agent", "text": "Hi", "t": float("nan")},
        {"speaker": "Ana", "role": "agent", "text": "Hi", "t": "12"},
        {"speaker": 7, "role": "agent", "text": "Hi"},
        {"speaker": "Ana", "role": "agent", "content": "Hi"},
        {"speaker": "Ana", "role": "agent", "text": None},
        {"speaker": "Ana", "role": "", "speaker_role": "agent", "text": "Hi"},
    ],
)
def test_the_usual_turn_converts_as_every_turn_does(item) -> None:
    from heard.coach.conversation import _ROLE_OF, to_turn

    _ROLE_OF.clear()
    first = to_turn(item)  # the roles are not known yet: the general conversion
    assert to_turn(item) == first  # now they are
    assert to_turn(dict(item)) == first


def test_an_unknown_or_unhashable_role_is_refused() -> None:
    from heard.coach.conversation import to_turn

    with pytest.raises(ValueError):
        to_turn({"speaker": "x", "role": "wizard", "text": "Hi"})
    with pytest.raises(ValueError):
        to_turn({"speaker": "x", "role": ["agent"], "text": "Hi"})


def test_escalation_and_transfer_checks_skip_only_turns_that_cannot_match() -> None:
    from heard.coach import conversation as c
    from heard.qa.rubric import required_strings

    # The scanners run on the lower-cased turn; each match holds one of these strings.
    assert c._ESCALATION.lowered and c._TRANSFER.lowered
    for pattern, needs in (
        (c._ESCALATION_PATTERN, c._ESCALATION_NEEDS),
        (c._TRANSFER_PATTERN, c._TRANSFER_NEEDS),
    ):
        required = required_strings([pattern])
        assert required
        # A text holding a required string holds one of the needs.
        assert all(any(need in string for need in needs) for string in required)


def test_times_may_be_iso_timestamps_or_clock_times() -> None:
    iso = [
        dict(turn, t=f"2026-01-05T10:{turn['t'] // 60:02d}:{turn['t'] % 60:02d}Z")
        for turn in TRANSCRIPT
    ]
    clock = [dict(turn, t=f"{turn['t'] // 60}:{turn['t'] % 60:02d}") for turn in TRANSCRIPT]
    expected = analyze_conversation(TRANSCRIPT).metrics
    for turns in (iso, clock):
        m = analyze_conversation(turns).metrics
        assert m.seconds_to_first_acknowledgement == expected.seconds_to_first_acknowledgement
        assert m.pauses_after_disclosure == expected.pauses_after_disclosure == (11.0,)
    # Without a zone a timestamp is UTC, so a naive and a zoned one can be compared.
    mixed = [
        dict(TRANSCRIPT[0], t="2026-01-05T10:00:00"),
        dict(TRANSCRIPT[3], t="2026-01-05T11:00:31+01:00"),
    ]
    assert analyze_conversation(mixed).metrics.seconds_to_first_acknowledgement == 31.0


@pytest.mark.parametrize("bad", ["soon", "1:xx", "inf", "10:00:00:00", True])
def test_an_unreadable_time_names_its_turn_and_not_its_value(bad) -> None:
    turns = [TRANSCRIPT[0], dict(TRANSCRIPT[1], t=bad)]
    with pytest.raises(
        ValueError, match=r"^turn 2: (unreadable timestamp|time is not finite|a boolean)"
    ) as caught:
        analyze_conversation(turns)
    assert str(bad) not in str(caught.value).removeprefix("turn 2: ")


def test_what_followed_each_disclosure_is_a_reason() -> None:
    reasons = analyze_conversation(TRANSCRIPT).reasons
    assert (
        "Turn 3 disclosed money trouble; the next reply (turn 4) after 11 s acknowledged it."
        in reasons
    )
    brushed = [TRANSCRIPT[2], {"speaker": "Ana", "role": "agent", "text": "Ok. Order number?"}]
    assert analyze_conversation(brushed).reasons[-1] == (
        "Turn 1 disclosed money trouble; the next reply (turn 2) did not acknowledge it."
    )


def test_a_late_acknowledgement_is_named_by_the_reply_it_came_in() -> None:
    ca = analyze_conversation(
        [
            {"role": "agent", "text": "Hello, you're through to support."},
            {"role": "customer", "text": "My order never came and the party was yesterday."},
            {"role": "agent", "text": "Can I have your order number?"},
            {"role": "customer", "text": "55120933."},
            {"role": "agent", "text": "I'm so sorry - missing the party is awful."},
        ]
    )
    assert ca.metrics.turns_to_first_acknowledgement == 3
    assert (
        "First acknowledgement came in reply 2, 3 turns after their first message; "
        "earlier is better."
    ) in ca.reasons


def test_a_fix_after_an_earlier_acknowledgement_is_not_premature() -> None:
    angry = "This is the fourth time I've called. I want a manager NOW."
    fix = "I'll pass on everything to the team lead and she'll call you within ten minutes."
    acknowledged = analyze_conversation(
        [
            {"speaker": "c", "role": "customer", "text": angry},
            {"speaker": "a", "role": "agent", "text": "Four calls and no fix, I'd be angry too."},
            {"speaker": "c", "role": "customer", "text": "Then get me a manager."},
            {"speaker": "a", "role": "agent", "text": fix},
        ]
    )
    assert [f.label for f in acknowledged.turns[3].analysis.pitfalls] == []
    # The same fix as the first answer to an angry customer still jumps ahead.
    first = analyze_conversation(
        [
            {"speaker": "c", "role": "customer", "text": angry},
            {"speaker": "a", "role": "agent", "text": fix},
        ]
    )
    assert [f.label for f in first.turns[1].analysis.pitfalls] == ["premature_solution"]


def test_after_thoughts_of_suicide_the_reason_says_whether_safety_was_asked() -> None:
    said = {"speaker": "Jo", "role": "customer", "text": "Honestly I don't want to live anymore."}
    asked = {
        "speaker": "Ana",
        "role": "agent",
        "text": "Thank you for telling me. Are you safe right now?",
    }
    brushed = {"speaker": "Ana", "role": "agent", "text": "Ok. What's your order number?"}
    assert analyze_conversation([said, asked]).reasons[-1] == (
        "Turn 1 disclosed thoughts of suicide or self-harm; the next reply (turn 2) "
        "acknowledged it and asked about their safety."
    )
    assert analyze_conversation([said, brushed]).reasons[-1] == (
        "Turn 1 disclosed thoughts of suicide or self-harm; the next reply (turn 2) "
        "did not acknowledge it and did not ask about their safety."
    )
