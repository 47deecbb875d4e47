"""The QA rubric: loaded from its TOML once, pre-scored with evidence (no Django)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from types import SimpleNamespace as NS

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heard.qa.rubric import (
    DEFAULT_RUBRIC_PATH,
    ItemScore,
    RubricError,
    load_rubric,
    overall,
    parse_rubric,
    prescore,
)


def span(text, part):
    start = text.index(part)
    return NS(start=start, end=start + len(part), text=part)


def finding(kind, label, text, part):
    return NS(kind=kind, label=label, spans=(span(text, part),), confidence=0.9, explanation="")


def agent_turn(index, text, moves=(), pitfalls=()):
    analysis = NS(
        moves=tuple(finding("move", label, text, part) for label, part in moves),
        pitfalls=tuple(finding("pitfall", label, text, part) for label, part in pitfalls),
    )
    return NS(
        index=index,
        turn=NS(speaker="ag", role="agent", text=text, t=None),
        analysis=analysis,
        customer_state=None,
    )


def customer_turn(index, text, emotion="frustration", intensity=0.7):
    state = NS(
        emotion=emotion,
        intensity=intensity,
        need="upset",
        lead="emotional",
        evidence=(),
        confidence=0.8,
    )
    return NS(
        index=index,
        turn=NS(speaker="cu", role="customer", text=text, t=None),
        analysis=None,
        customer_state=state,
    )


def metrics(**overrides):
    base = dict(
        talk_share={},
        participation_equity=0.9,
        open_questions=1,
        closed_questions=0,
        stacked_questions=0,
        open_before_closed=True,
        turns_to_first_acknowledgement=1,
        seconds_to_first_acknowledgement=None,
        pauses_after_disclosure=(),
        tone_trajectory=(-0.6, 0.2),
        escalations=0,
        transfers=0,
    )
    base.update(overrides)
    return NS(**base)


def conversation(turns, **metric_overrides):
    return NS(
        turns=tuple(turns), metrics=metrics(**metric_overrides), empathy_score=0.5, reasons=()
    )


GOOD_REPLY = (
    "I'm sorry you were charged twice and left short before rent. It sounds stressful. "
    "Can you confirm the postcode so I can verify your identity? I've refunded the $29."
)
GOOD = conversation(
    [
        customer_turn(0, "You charged me twice and I want a refund."),
        agent_turn(
            1,
            GOOD_REPLY,
            moves=[
                ("concrete_apology", "I'm sorry you were charged twice"),
                ("emotion_labelling", "It sounds stressful."),
                ("acknowledging_impact", "left short before rent"),
                ("next_steps", "I've refunded the $29."),
            ],
        ),
    ]
)

SCRIPTED_REPLY = "I understand how you feel. I guarantee this will never happen again."
SCRIPTED = conversation(
    [
        customer_turn(0, "You charged me twice and I want a refund."),
        agent_turn(
            1,
            SCRIPTED_REPLY,
            pitfalls=[
                ("scripted_line", "I understand how you feel."),
                ("over_promising", "I guarantee"),
            ],
        ),
    ],
    turns_to_first_acknowledgement=None,
    tone_trajectory=(-0.6, -0.8),
)


def scores_by_id(scores):
    return {s.item_id: s for s in scores}


def test_default_rubric_has_the_five_spec_items():
    rubric = load_rubric()
    assert [i.id for i in rubric.items] == [
        "genuine_acknowledgement",
        "concrete_apology",
        "clarity_under_constraints",
        "boundaries_and_handoffs",
        "compliance",
    ]
    assert rubric.source == str(DEFAULT_RUBRIC_PATH)
    compliance = rubric.item("compliance")
    assert [c.id for c in compliance.checks] == [
        "identity_verification",
        "no_promise_beyond_policy",
        "no_full_card_number_requested",
    ]
    assert all(i.description for i in rubric.items)


def test_rubric_labels_are_the_coachs_labels():
    from heard.content import labels

    used = load_rubric().labels()
    assert used["move"] <= labels.MOVES
    assert used["pitfall"] <= labels.PITFALLS


def test_a_warm_concrete_reply_scores_high_with_evidence():
    scores = scores_by_id(prescore(GOOD))
    ack = scores["genuine_acknowledgement"]
    # base 1 + labelling 1 + impact 1 + concrete apology 0.5 + early acknowledgement 0.5
    assert ack.raw == 4.0 and ack.score == 4 and ack.level == "exemplary"
    labels = [(e.source, e.label) for e in ack.evidence]
    assert ("move", "emotion_labelling") in labels and (
        "metric",
        "turns_to_first_acknowledgement",
    ) in labels
    labelling = next(e for e in ack.evidence if e.label == "emotion_labelling")
    assert labelling.turn == 1 and labelling.effect == 1.0
    assert GOOD_REPLY[labelling.start : labelling.end] == labelling.quote == "It sounds stressful."
    apology = scores["concrete_apology"]
    assert apology.score == 4
    compliance = scores["compliance"]
    assert compliance.score == 4
    verified = [e for e in compliance.evidence if e.label == "identity_verification"]
    assert any("verify your identity" in e.quote for e in verified)


def test_a_scripted_reply_scores_low_and_says_why():
    scores = scores_by_id(prescore(SCRIPTED))
    ack = scores["genuine_acknowledgement"]
    assert ack.score == 0
    scripted = next(e for e in ack.evidence if e.label == "scripted_line")
    assert scripted.effect == -1.0 and scripted.quote == "I understand how you feel."
    compliance = scores["compliance"]
    # identity not verified before a refund, and a promise beyond policy: 1 of 3 checks kept
    assert compliance.raw == pytest.approx(4 / 3, abs=1e-3) and compliance.score == 1
    missed = {e.label for e in compliance.evidence if e.detail.startswith("missed")}
    assert missed == {"identity_verification", "no_promise_beyond_policy"}


def test_items_that_do_not_apply_score_none():
    calm = conversation(
        [
            customer_turn(0, "How do I change the font size?"),
            agent_turn(1, "Open Settings, then Display."),
        ],
        tone_trajectory=(0.3, 0.5),
    )
    scores = scores_by_id(prescore(calm))
    assert scores["concrete_apology"].score is None
    assert scores["concrete_apology"].level == "not applicable"
    assert scores["compliance"].score == 4  # the always-on checks are kept
    assert scores["concrete_apology"].normalised is None
    assert 0.0 <= overall(tuple(scores.values())) <= 1.0


def test_item_scores_are_frozen_and_serialisable():
    score = prescore(GOOD)[0]
    assert isinstance(score, ItemScore)
    with pytest.raises(FrozenInstanceError):
        score.score = 0  # type: ignore[misc]
    data = score.to_dict()
    assert data["item"] == "genuine_acknowledgement" and data["scale"] == [0, 4]
    assert {"source", "label", "effect", "turn", "start", "end", "quote", "detail"} <= set(
        data["evidence"][0]
    )


def test_a_custom_rubric_from_data():
    rubric = parse_rubric(
        {
            "id": "mini",
            "scale": {"min": 1, "max": 3, "labels": ["low", "mid", "high"]},
            "items": [
                {
                    "id": "steps",
                    "title": "Next steps",
                    "base": 1,
                    "evidence": [
                        {
                            "source": "move",
                            "label": "next_steps",
                            "weight": 1,
                            "per_occurrence": True,
                            "cap": 2,
                        },
                    ],
                }
            ],
        }
    )
    two_steps = conversation(
        [
            agent_turn(0, "I'll refund it.", moves=[("next_steps", "I'll refund it.")]),
            agent_turn(1, "I'll call you.", moves=[("next_steps", "I'll call you.")]),
            agent_turn(2, "I'll email you.", moves=[("next_steps", "I'll email you.")]),
        ]
    )
    (score,) = prescore(two_steps, rubric)
    assert score.raw == 3.0 and score.score == 3 and score.level == "high"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"items": []}, "no items"),
        ({"items": [{"title": "x"}]}, "id is required"),
        ({"items": [{"id": "a", "evidence": [{"source": "vibes"}]}]}, "source must be"),
        ({"items": [{"id": "a", "evidence": [{"source": "move"}]}]}, "needs a label"),
        (
            {
                "items": [
                    {
                        "id": "a",
                        "evidence": [{"source": "metric", "metric": "x", "op": "~", "value": 1}],
                    }
                ]
            },
            "metric rule",
        ),
        (
            {
                "items": [
                    {
                        "id": "a",
                        "evidence": [{"source": "pattern", "role": "agent", "patterns": ["("]}],
                    }
                ]
            },
            "bad pattern",
        ),
        ({"items": [{"id": "a", "kind": "checks", "checks": [{"id": "c"}]}]}, "require or forbid"),
        ({"items": [{"id": "a"}, {"id": "a"}]}, "duplicate"),
        (
            {"scale": {"min": 0, "max": 2, "labels": ["a"]}, "items": [{"id": "a"}]},
            "one label per point",
        ),
    ],
)
def test_malformed_rubrics_are_refused_with_the_field(data, message):
    with pytest.raises(RubricError, match=message):
        parse_rubric(data)


@pytest.mark.parametrize(
    ("reply", "kept"),
    [
        ("Please don't share your password or card number here; I'll never ask for them.", True),
        ("Never send your full card number by e-mail.", True),
        ("Can you confirm the last four digits of the card?", True),
        ("Just tell me your password and I'll check the account.", False),
        ("Please provide the full card number so we can locate the account.", False),
        ("Thanks. Send me your full card number.", False),
    ],
)
def test_the_card_and_password_check_tells_requests_from_warnings(reply, kept):
    conv = conversation([customer_turn(0, "Where is my parcel?"), agent_turn(1, reply)])
    compliance = scores_by_id(prescore(conv))["compliance"]
    missed = {e.label for e in compliance.evidence if e.detail.startswith("missed")}
    assert ("no_full_card_number_requested" not in missed) is kept


def test_prescore_on_the_coachs_own_analysis():
    import heard.coach as coach

    turns = [
        {
            "speaker": "c",
            "role": "customer",
            "text": "You charged me twice and rent is due Friday.",
        },
        {
            "speaker": "maya",
            "role": "agent",
            "text": "I'm sorry we took the money twice; with rent due that's a real worry. "
            "Can you confirm the postcode so I can verify your identity? Then I'll refund it "
            "today and e-mail you the reference.",
        },
        {"speaker": "c", "role": "customer", "text": "Thank you, that helps."},
    ]
    analysis = coach.analyze_conversation(turns)
    scores = prescore(analysis)
    assert [s.item_id for s in scores] == [i.id for i in load_rubric().items]
    for score in scores:
        assert score.score is None or score.scale_min <= score.score <= score.scale_max
        for ev in score.evidence:
            if ev.turn is not None and ev.start is not None:
                assert turns[ev.turn]["text"][ev.start : ev.end] == ev.quote
    compliance = scores_by_id(scores)["compliance"]
    assert compliance.score == 4  # identity verified before the refund, nothing promised


_PATTERN_RULES = [
    rule
    for item in load_rubric().items
    for rule in (
        list(item.evidence)
        + list(item.applies_when)
        + [r for c in item.checks for r in c.when + c.require + c.forbid]
    )
    if rule.source == "pattern"
]
_WORDS = (
    "I personally GUARANTEE it; this will never happen to you again! 100% sure, 100 % guaranteed"
    " Please send me your full card number. Give me your password. Can you confirm your"
    " identity via the postcode on the account? security check Security Question verify"
    " I was charged twice; refund; my order is late, delayed, cancelled, cancellled, broken"
    " doesn't work, doesn’t work, not working, still waiting. close my account, update email"
    " ſure Ⅰ caſe K é ß İ . ? ! \n"
).split(" ")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=30).map(" ".join), st.booleans())
def test_turns_without_a_required_string_are_skipped_without_losing_a_match(text, upper):
    from dataclasses import replace

    from heard.qa.rubric import _Context

    text = text.upper() if upper else text
    turns = [agent_turn(0, text), customer_turn(1, text)]
    for rule in _PATTERN_RULES:
        assert rule.needs  # every pattern of Heard's rubric needs some fixed string
        gated = _Context(conversation(turns)).pattern_hits(rule)
        ungated = _Context(conversation(turns)).pattern_hits(replace(rule, needs=None))
        assert gated == ungated


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        ([r"\brefund\b"], {"refund"}),
        ([r"\b(verify|confirm)\b.{0,40}\b(identity|postcode)\b"], {"identity", "postcode"}),
        ([r"\bcancel+ed\b"], {"cance"}),
        ([r"\bi (personally )?(guarantee|promise)\b"], {"guarantee", "promise"}),
        ([r"\bsorry\b", r"\bapolog"], {"sorry", "apolog"}),
        ([r"\b(sorry|\w+ly)\b"], {"sorry", "ly"}),
        ([r"\b(sorry|\w+)\b"], None),  # an alternative without a fixed string
        ([r"\d{4}"], None),
        ([r"caſe"], None),  # (?i) matches "ſ" in the text to "s": not an ASCII string
    ],
)
def test_required_strings(patterns, expected):
    from heard.qa.rubric import required_strings

    found = required_strings(patterns)
    assert (set(found) if found is not None else None) == expected


def test_prescore_data_is_the_item_scores_as_dicts():
    import heard.coach as coach
    from heard.batch.synth import generate_conversations
    from heard.qa.rubric import overall_data, prescore_data

    for conv in generate_conversations(40, seed=17):
        analysis = coach.analyze_conversation(conv["turns"])
        items = prescore(analysis)
        data = prescore_data(analysis)
        assert data == [item.to_dict() for item in items]
        assert overall_data(data) == overall(items)
