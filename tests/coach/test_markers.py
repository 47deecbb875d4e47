"""One exact-output test per marker: the label is found, with exactly this evidence."""

from __future__ import annotations

import pytest

from heard.coach import analyze
from heard.coach.lexicon import MOVES, PITFALLS, markers

CONTEXT = "This is the third time my order has gone missing and I'm furious."


def _labels(result) -> tuple[list[str], list[str]]:
    """The labels of a result's moves and of its pitfalls, in order."""
    return [f.label for f in result.moves], [f.label for f in result.pitfalls]


def _evidence(findings, label: str) -> list[str]:
    """The evidence texts of the finding with ``label``."""
    return [s.text for s in next(f for f in findings if f.label == label).spans]


# label -> (reply, the evidence spans expected for that label, other labels expected)
CASES: dict[str, tuple[str, list[str], set[str]]] = {
    "emotion_labelling": (
        "It sounds like you're exhausted by all of this.",
        ["It sounds like you're exhausted"],
        {"interpretation"},
    ),
    "acknowledging_impact": (
        "You've had to call us three times, and that has cost you a whole morning.",
        ["You've had to call", "that has cost you"],
        set(),
    ),
    "concrete_apology": (
        "I'm sorry we sent the parcel to the wrong address.",
        ["I'm sorry we sent the parcel to the wrong address"],
        set(),
    ),
    "validation": (
        "That's completely understandable.",
        ["That's completely understandable"],
        set(),
    ),
    "interpretation": (
        "So what you're saying is the invoice doesn't match the quote.",
        ["So what you're saying"],
        set(),
    ),
    "exploring_question": (
        "What happened when you tried to log in?",
        ["What happened when you tried to log in?"],
        set(),
    ),
    "next_steps": (
        "I'll refund the delivery charge by Friday.",
        ["I'll refund", "by Friday"],
        set(),
    ),
    "offering_support": (
        "What would be most helpful right now?",
        ["What would be most helpful"],
        {"exploring_question"},
    ),
    "boundary_statement": (
        "I'm not able to change the contract terms.",
        ["I'm not able to"],
        set(),
    ),
    "offering_space": ("Take your time, there's no rush.", ["Take your time", "no rush"], set()),
    "warm_handoff": (
        "I've shared your notes with the billing team so you won't have to repeat yourself.",
        ["I've shared your notes", "so you won't have to repeat"],
        set(),
    ),
    "scripted_line": (
        "We apologise for any inconvenience.",
        ["We apologise for any inconvenience"],
        set(),
    ),
    "reassurance_without_action": ("Don't worry about it.", ["Don't worry"], set()),
    "premature_solution": ("Have you tried restarting the router?", ["Have you tried"], set()),
    "defensiveness": ("That's not my fault.", ["That's not my fault"], set()),
    "blame": ("You didn't read the instructions.", ["You didn't read"], set()),
    "minimising": ("It's not a big deal.", ["It's not a big deal"], set()),
    "judgement": ("You're being too sensitive.", ["You're being too sensitive"], set()),
    "one_upping": (
        "You think that's bad? I had it way worse.",
        ["You think that's bad", "I had it way worse"],
        set(),
    ),
    "mirroring_anger": ("Calm down and listen.", ["Calm down"], set()),
    "over_promising": (
        "I promise this will never happen again.",
        ["I promise", "this will never happen again"],
        set(),
    ),
    "absolutist_language": (
        "You always leave it to the last minute.",
        ["You always"],
        set(),
    ),
}


def test_every_marker_has_a_case() -> None:
    assert set(CASES) == set(MOVES) | set(PITFALLS)
    assert {m.label for m in markers()} == set(MOVES) | set(PITFALLS)


@pytest.mark.parametrize("label", sorted(CASES))
def test_marker_exact_output(label: str) -> None:
    reply, evidence, others = CASES[label]
    context = CONTEXT if label == "premature_solution" else None
    result = analyze(reply, context=context)
    findings = {f.label: f for f in result.moves + result.pitfalls}
    assert label in findings, f"{label} not found in {reply!r}"
    finding = findings[label]
    assert finding.kind == ("move" if label in MOVES else "pitfall")
    assert [s.text for s in finding.spans] == evidence
    for s in finding.spans:
        assert reply[s.start : s.end] == s.text
    assert set(findings) - {label} == others
    assert 0.0 < finding.confidence <= 1.0
    assert finding.explanation


def test_markers_record_their_provenance() -> None:
    for m in markers():
        assert m.source.startswith("heard authors"), m.label


def test_vague_apology_is_not_a_concrete_one() -> None:
    result = analyze("Sorry for any inconvenience.")
    assert not result.has("concrete_apology")
    assert result.has("scripted_line")


def test_reassurance_with_a_next_step_is_not_a_pitfall() -> None:
    result = analyze("Don't worry, I'll send the replacement today.")
    assert result.has("next_steps")
    assert not result.has("reassurance_without_action")


def test_reassurance_with_a_step_for_them_is_not_a_pitfall() -> None:
    result = analyze("Don't worry if it spins for a moment, just tap Retry and it will load.")
    assert result.has("next_steps")
    assert not result.has("reassurance_without_action")


@pytest.mark.parametrize(
    ("reply", "evidence"),
    [
        # A step already taken in the reply is the behavioural part done, not promised.
        ("I've just refunded the duplicate charge.", ["I've just refunded"]),
        ("We have now passed this on to the courier.", ["We have now passed this on"]),
        # A worded timeframe is as concrete as a weekday.
        ("It will be back in your account within 2 working days.", ["within 2 working days"]),
    ],
)
def test_steps_taken_and_timeframes_are_next_steps(reply: str, evidence: list[str]) -> None:
    result = analyze(reply)
    assert [s.text for f in result.moves if f.label == "next_steps" for s in f.spans] == evidence
    assert not result.has("reassurance_without_action")


TEAM_CONTEXT = "I keep getting talked over in stand-up and I feel completely unheard."


@pytest.mark.parametrize(
    ("reply", "context", "kind", "label", "evidence"),
    [
        # The feelings of teams are labelled like the feelings of customers.
        (
            "It sounds like you feel unheard when that happens.",
            TEAM_CONTEXT,
            "move",
            "emotion_labelling",
            ["It sounds like you feel unheard"],
        ),
        ("Take the time you need.", None, "move", "offering_space", ["Take the time"]),
        (
            "Let me know if I can cover your on-call this week.",
            None,
            "move",
            "offering_support",
            ["Let me know if I can cover"],
        ),
        ("That's a lot on your plate.", None, "move", "validation", ["a lot on your plate"]),
        ("Three launches is a lot to carry.", None, "move", "validation", ["is a lot to carry"]),
        (
            "Per our policy, refunds take 10 days.",
            CONTEXT,
            "pitfall",
            "defensiveness",
            ["Per our policy"],
        ),
        # The stock opener before a "no" is scripted ...
        (
            "I understand your frustration. However, the order cannot be changed.",
            CONTEXT,
            "pitfall",
            "scripted_line",
            ["I understand your frustration"],
        ),
        # ... explaining their experience away is minimising ...
        (
            "I'm sure nobody is ignoring you on purpose.",
            TEAM_CONTEXT,
            "pitfall",
            "minimising",
            ["I'm sure nobody is"],
        ),
        (
            "Don't take it personally, they're busy.",
            TEAM_CONTEXT,
            "pitfall",
            "minimising",
            ["Don't take it personally"],
        ),
        (
            "Calm down, these things happen.",
            CONTEXT,
            "pitfall",
            "minimising",
            ["these things happen"],
        ),
        (
            "I totally get it, I had the same thing last year and it was way worse for me.",
            TEAM_CONTEXT,
            "pitfall",
            "one_upping",
            ["I had the same thing last year and it was way worse for me"],
        ),
        (
            "Sorry about that! We are experiencing high volumes.",
            CONTEXT,
            "pitfall",
            "scripted_line",
            ["We are experiencing high volumes"],
        ),
        (
            "You'll be fine, you've got this!",
            "I'm so nervous about presenting to the board tomorrow.",
            "pitfall",
            "reassurance_without_action",
            ["You'll be fine", "you've got this"],
        ),
        (
            "I'll cover your tickets today and I've swapped your Friday shift.",
            TEAM_CONTEXT,
            "move",
            "next_steps",
            ["I'll cover", "I've swapped"],
        ),
        # ... and a fix for a feeling is premature.
        (
            "You just need to speak up more.",
            TEAM_CONTEXT,
            "pitfall",
            "premature_solution",
            ["You just need to"],
        ),
        # Telling them what kind of person to be is a judgement, not a fix.
        (
            "Honestly, you just need to be more organised. Have you tried a to-do app?",
            "I'm behind on everything and I feel like I'm drowning.",
            "pitfall",
            "judgement",
            ["you just need to be more organised"],
        ),
        (
            "I get it, I went through the exact same thing last year and it was way worse.",
            "My dog died on Sunday and I can't focus.",
            "pitfall",
            "one_upping",
            ["I went through the exact same thing last year and it was way worse"],
        ),
        # The load and what the problem touches are impact.
        (
            "That must be so draining, juggling the night feeds and a full sprint.",
            "I'm barely sleeping since the baby came.",
            "move",
            "acknowledging_impact",
            ["juggling the night feeds and"],
        ),
        (
            "That must be so draining, juggling the night feeds and a full sprint.",
            "I'm barely sleeping since the baby came.",
            "move",
            "emotion_labelling",
            ["That must be so draining"],
        ),
        (
            "Waiting two weeks when you rely on that laptop for work is awful.",
            "My laptop has been dead for two weeks and I can't work.",
            "move",
            "acknowledging_impact",
            ["when you rely on"],
        ),
        ("I'm here when you want to talk.", None, "move", "offering_support", ["I'm here when"]),
        (
            "Let me transfer you to my colleague Ana in billing, she can see the invoice; "
            "I'll stay on the line until she picks up.",
            "I was charged the wrong amount on my invoice.",
            "move",
            "warm_handoff",
            [
                "transfer you to my colleague Ana in billing, she can",
                "I'll stay on the line until",
            ],
        ),
        (
            "Wow, that's a lot. How are you holding up?",
            "My mum's in hospital, I'm moving house and my laptop just died.",
            "move",
            "acknowledging_impact",
            ["that's a lot"],
        ),
        (
            "It's company policy, I can't do anything about it.",
            "Why can't I get a refund? The item arrived broken.",
            "pitfall",
            "defensiveness",
            ["It's company policy", "I can't do anything about it"],
        ),
        # The stock close while the problem is still open.
        (
            "No worries at all! Is there anything else I can help you with today?",
            "I still can't log in.",
            "pitfall",
            "scripted_line",
            ["No worries at all! Is there anything else"],
        ),
        (
            "We'll never let this happen again.",
            "You lost my booking.",
            "pitfall",
            "over_promising",
            ["We'll never let this happen again"],
        ),
    ],
)
def test_team_moves_and_pitfalls(reply, context, kind, label, evidence) -> None:
    result = analyze(reply, context=context)
    findings = result.moves if kind == "move" else result.pitfalls
    assert {f.label: [s.text for s in f.spans] for f in findings}[label] == evidence


def test_understanding_their_frustration_then_acting_is_not_scripted() -> None:
    result = analyze(
        "I understand your frustration with the delay, so I've refunded the shipping.",
        context=CONTEXT,
    )
    assert not result.has("scripted_line")
    assert result.has("next_steps")


def test_sorry_then_the_impact_in_its_own_clause_is_a_concrete_apology() -> None:
    reply = "I am sorry, that is really stressful with rent due."
    spans = [s.text for f in analyze(reply).moves if f.label == "concrete_apology" for s in f.spans]
    assert spans == ["I am sorry, that is really stressful with rent due"]
    # Sympathy that names nothing stays sympathy.
    assert not analyze("I'm sorry, that sounds really hard.").has("concrete_apology")
    assert not analyze("I have a question.").has("next_steps")


def test_naming_the_control_to_use_is_a_next_step() -> None:
    reply = "Click the Download invoice button at the top right."
    found = analyze(reply).moves
    assert [f.label for f in found] == ["next_steps"]
    assert found[0].spans[0].text == "Click the Download invoice button"


def test_solution_after_acknowledgement_is_not_premature() -> None:
    reply = "That sounds maddening. Have you tried restarting the router?"
    result = analyze(reply, context=CONTEXT)
    assert result.has("emotion_labelling")
    assert not result.has("premature_solution")


def test_solution_first_is_fine_when_the_person_is_just_stuck() -> None:
    result = analyze("Have you tried restarting the router?", context="How do I reset my router?")
    assert result.state is not None and result.state.need != "upset"
    assert not result.has("premature_solution")


def test_shouting_counts_as_mirroring_anger() -> None:
    result = analyze("THAT IS NOT HOW IT WORKS!!")
    finding = next(f for f in result.pitfalls if f.label == "mirroring_anger")
    assert [s.text for s in finding.spans] == ["THAT IS NOT HOW IT WORKS", "!!"]


def test_curly_apostrophes_are_understood() -> None:
    result = analyze("It sounds like you\u2019re worried.")
    finding = next(f for f in result.moves if f.label == "emotion_labelling")
    assert finding.spans[0].text == "It sounds like you\u2019re worried"


def test_a_bare_sorry_is_concrete_when_the_impact_is_named() -> None:
    reply = "I can see you've been waiting since Monday and that's not okay. I'm sorry."
    result = analyze(reply)
    labels = {f.label: [s.text for s in f.spans] for f in result.moves}
    assert labels["acknowledging_impact"] == ["you've been waiting since"]
    assert labels["validation"] == ["that's not okay"]
    assert labels["concrete_apology"] == ["I'm sorry"]
    assert not analyze("I'm sorry.").has("concrete_apology")


@pytest.mark.parametrize(
    ("reply", "moves", "pitfalls"),
    [
        # Sorry for how they feel names the feeling; it is not an apology for anything.
        ("I'm sorry you're feeling so alone right now.", ["emotion_labelling"], []),
        ("I'm sorry that you're feeling let down by the delay.", ["emotion_labelling"], []),
        # The non-apology defends.
        ("I'm sorry you feel that way.", [], ["defensiveness"]),
        ("I'm sorry if you were offended.", [], ["defensiveness"]),
        ("I'm sorry we lost your parcel.", ["concrete_apology"], []),
        ("Oh no. Losing a pet is like losing family.", ["validation"], []),
    ],
)
def test_sorry_for_a_feeling_is_not_an_apology(reply, moves, pitfalls) -> None:
    assert _labels(analyze(reply)) == (moves, pitfalls)


@pytest.mark.parametrize(
    ("reply", "moves", "pitfalls"),
    [
        # What a lead says in a 1:1: respect for telling, weight, and a choice of help.
        (
            "Thanks for telling me. That sounds like a lot to hold. Do you want ideas, or "
            "would it help more if I just listened for now?",
            ["validation", "offering_support"],
            [],
        ),
        (
            "Thank you for owning it so quickly. What do you need from me right now?",
            ["validation", "exploring_question", "offering_support"],
            [],
        ),
        ("It took real courage to say that.", ["validation"], []),
        # Praise for good news (NURSE Respect).
        ("Congrats, well deserved!", ["validation"], []),
        (
            "I'm so happy for you! What are you most looking forward to?",
            ["validation", "exploring_question"],
            [],
        ),
        (
            "So you've been putting real effort into the docs and it feels like it "
            "disappears. Is that it?",
            ["interpretation"],
            [],
        ),
        (
            "I can't share what others said, but we can go through it together.",
            ["offering_support", "boundary_statement"],
            [],
        ),
        # Changing the subject, hunting for the person and playing it down.
        ("Totally. Anyway, did you finish the Q3 deck?", [], ["one_upping"]),
        ("Let's not panic. Mistakes happen. Who pushed the change?", [], ["blame", "minimising"]),
        # "so you" that says nothing back.
        ("Just so you are aware, the office is closed.", [], []),
        ("The office is closed so you have to book online.", [], []),
    ],
)
def test_what_leads_say_in_one_to_ones(reply, moves, pitfalls) -> None:
    assert _labels(analyze(reply)) == (moves, pitfalls)


def test_sympathy_is_not_an_apology() -> None:
    result = analyze("I'm really sorry about your dad. Take whatever time you need.")
    assert [s.text for f in result.moves if f.label == "acknowledging_impact" for s in f.spans] == [
        "I'm really sorry about your dad"
    ]
    assert not result.has("concrete_apology")


def test_a_situation_named_as_hard_is_labelled() -> None:
    result = analyze("Being charged twice when money is tight is stressful.")
    assert result.has("emotion_labelling")
    assert not analyze("The weather is terrible.").has("emotion_labelling")


@pytest.mark.parametrize(
    "reply,context,kind,label,evidence",
    [
        (
            "I'm so sorry about your mother.",
            "My mother passed away last week and I need to close her account.",
            "move",
            "acknowledging_impact",
            ["I'm so sorry about your mother"],
        ),
        (
            "Oh no, missing her birthday must have been really disappointing.",
            "It didn't arrive for my daughter's birthday.",
            "move",
            "emotion_labelling",
            ["must have been really disappointing"],
        ),
        (
            "You must have done something wrong when you set it up.",
            "It's not working at all.",
            "pitfall",
            "blame",
            ["You must have done something wrong"],
        ),
        (
            "Sorry for any inconvenience. Please restart the app.",
            "I've lost a whole day's work because your app crashed AGAIN.",
            "pitfall",
            "premature_solution",
            ["Please restart"],
        ),
    ],
)
def test_condolence_implied_feeling_guessed_blame_and_polite_fix(
    reply, context, kind, label, evidence
) -> None:
    result = analyze(reply, context=context)
    findings = result.moves if kind == "move" else result.pitfalls
    found = {f.label: [s.text for s in f.spans] for f in findings}
    assert found[label] == evidence


def test_polite_fix_after_acknowledgement_is_not_premature() -> None:
    result = analyze(
        "I can hear how frustrating this is. Please restart the app and it should come back.",
        context="I've lost a whole day's work because your app crashed AGAIN.",
    )
    assert "premature_solution" not in {f.label for f in result.pitfalls}


@pytest.mark.parametrize(
    "reply",
    [
        "Your order shipped on Tuesday and the tracking number is in the e-mail we sent.",
        "The meeting was on Monday.",
        "Is that right? I thought the meeting was at 3.",
        "Our office hours are 9 to 5, Monday to Friday.",
        "Anyway, the results are in the doc.",
        "Thanks for the report, it was clear and useful.",
        "The policy is really confusing.",
        "The form is really long.",
        "Everyone has to sign in again.",
    ],
)
def test_plain_information_is_neither_a_move_nor_a_pitfall(reply: str) -> None:
    result = analyze(reply)
    assert result.moves == () and result.pitfalls == ()


ANGRY = "This is ridiculous, I've been waiting 3 weeks for my refund!!"


@pytest.mark.parametrize(
    ("reply", "moves", "pitfalls"),
    [
        # Naming the wait as too long acknowledges it, so the step after it is not premature.
        (
            "Three weeks is far too long to wait for your own money. I'm sorry. I've "
            "escalated it and you'll hear from me by noon tomorrow.",
            ["acknowledging_impact", "concrete_apology", "next_steps"],
            [],
        ),
        ("If you keep swearing I will end this chat.", ["boundary_statement"], []),
        (
            "I'll make sure you get your refund today, 100%.",
            ["next_steps"],
            ["premature_solution", "over_promising"],
        ),
        ("Ugh, fine. Whatever.", [], ["mirroring_anger"]),
        ("You people are always complaining.", [], ["judgement"]),
    ],
)
def test_hard_moments_with_an_angry_customer(reply, moves, pitfalls) -> None:
    assert _labels(analyze(reply, context=ANGRY)) == (moves, pitfalls)


def test_whatever_they_prefer_is_still_a_choice() -> None:
    result = analyze("We can do whatever you prefer.", context=ANGRY)
    assert result.has("offering_support") and not result.has("mirroring_anger")


@pytest.mark.parametrize(
    ("reply", "found"),
    [
        (
            "I'm so sorry - missing her birthday is awful.",
            {
                "emotion_labelling": ["missing her birthday is awful"],
                "acknowledging_impact": ["missing her birthday"],
                "concrete_apology": ["I'm so sorry"],
            },
        ),
        (
            "Our delay made you miss your flight.",
            {"acknowledging_impact": ["made you miss your flight"]},
        ),
        # Missing things that cost them nothing are not their loss named.
        ("You might miss the train if you wait.", {}),
        ("Did I miss the deadline?", {}),
        ("The missing parcel is at the depot.", {}),
    ],
)
def test_the_occasion_the_problem_took_from_them_is_its_impact(reply, found) -> None:
    moves = {f.label: [s.text for s in f.spans] for f in analyze(reply).moves}
    assert moves == found


@pytest.mark.parametrize(
    ("reply", "label", "evidence"),
    [
        ("You must be shattered.", "emotion_labelling", ["You must be shattered"]),
        ("You seem a bit down.", "emotion_labelling", ["You seem a bit down"]),
        ("How frightening.", "emotion_labelling", ["How frightening"]),
        ("That sounds like a nightmare.", "emotion_labelling", ["That sounds like a nightmare"]),
        ("What an ordeal.", "emotion_labelling", ["What an ordeal"]),
        ("Oh no, that's the worst.", "emotion_labelling", ["that's the worst"]),
        ("That's so exciting!", "emotion_labelling", ["That's so exciting"]),
        ("That's a completely fair reaction.", "validation", ["a completely fair reaction"]),
        (
            "So if I understand, the refund never arrived and nobody told you why?",
            "interpretation",
            ["So if I understand, the refund never arrived and nobody told you why"],
        ),
        (
            "In other words, you need it by Friday.",
            "interpretation",
            ["In other words, you need it by Friday"],
        ),
        (
            "Let me know how I can support you.",
            "offering_support",
            ["Let me know how I can support"],
        ),
        # What a lead says to a teammate.
        ("Thanks for flagging it. Let's talk tomorrow.", "next_steps", ["Let's talk"]),
        (
            "I'm sorry nobody noticed - that's on me.",
            "concrete_apology",
            ["I'm sorry nobody noticed - that's on me"],
        ),
        (
            "Can we look at what I can take off you this week?",
            "offering_support",
            ["what I can take off you"],
        ),
        # The moves of the phrase bank's lines, in other words.
        ("It's left you more confused, not less.", "emotion_labelling", ["left you more confused"]),
        ("This has been weighing on you.", "emotion_labelling", ["weighing on you"]),
        ("You've been kicking yourself about it.", "emotion_labelling", ["kicking yourself"]),
        ("I can hear you're still worried.", "emotion_labelling", ["you're still worried"]),
        ("That takes a toll.", "acknowledging_impact", ["takes a toll"]),
        (
            "There's no right way to feel about this.",
            "validation",
            ["There's no right way to feel"],
        ),
        (
            "Your feelings are completely valid.",
            "validation",
            ["Your feelings are completely valid"],
        ),
        ("Of course that hurt.", "validation", ["Of course that hurt"]),
        ("We can go at whatever pace suits you.", "offering_space", ["at whatever pace"]),
        ("Would a short pause help?", "offering_space", ["Would a short pause help"]),
        ("Which would suit you better?", "offering_support", ["Which would suit you better"]),
        # Sorry as chat and e-mail open it, without "I'm", and what was sent said as news.
        (
            "Sorry it took three emails to get here.",
            "concrete_apology",
            ["Sorry it took three emails to get here"],
        ),
        ("So sorry we lost your parcel.", "concrete_apology", ["So sorry we lost your parcel"]),
        ("Apologies that it took a week.", "concrete_apology", ["Apologies that it took a week"]),
        (
            "I've checked and the refund went out yesterday.",
            "next_steps",
            ["I've checked", "the refund went out"],
        ),
    ],
)
def test_more_everyday_ways_of_making_a_move(reply, label, evidence) -> None:
    assert _evidence(analyze(reply).moves, label) == evidence


@pytest.mark.parametrize(
    "reply",
    [
        "The site is down.",  # a site, not a person
        "It is down to the courier now.",
        "Your screen is shattered, so I'll send a new one.",
        "If I get a chance, I'll call.",
    ],
)
def test_look_alikes_of_those_moves_are_not_them(reply) -> None:
    labels = [f.label for f in analyze(reply).moves]
    assert "emotion_labelling" not in labels and "interpretation" not in labels


def test_sorry_you_are_going_through_it_is_sympathy_not_an_apology() -> None:
    assert not analyze("I'm so sorry you're going through this.").has("concrete_apology")
    for reply in (
        "Sorry you're going through this.",
        "Sorry for the wait.",
        "I feel sorry for you.",
        "You'll be sorry you did this.",
        "Apologies for any inconvenience.",
    ):
        assert not analyze(reply).has("concrete_apology"), reply
    assert analyze("I'm sorry we sent you the wrong size.").has("concrete_apology")


@pytest.mark.parametrize(
    ("reply", "label", "evidence"),
    [
        ("Thank you for your patience.", "scripted_line", ["Thank you for your patience"]),
        ("We did send you an email about this.", "defensiveness", ["We did send"]),
        (
            "Actually, our system shows it was delivered.",
            "defensiveness",
            ["Actually, our system shows"],
        ),
        ("That's the warehouse's fault.", "blame", ["That's the warehouse's fault"]),
        (
            "Someone in billing made a mistake.",
            "blame",
            ["Someone in billing made a mistake"],
        ),
        ("That was a silly thing to do.", "judgement", ["That was a silly"]),
        ("Why didn't you call sooner?", "judgement", ["Why didn't you"]),
        ("That happened to me too, but mine was worse.", "one_upping", ["mine was worse"]),
        (
            "Everyone gets charged twice sometimes.",
            "minimising",
            ["Everyone gets charged twice sometimes"],
        ),
    ],
)
def test_more_pitfalls_in_their_everyday_words(reply, label, evidence) -> None:
    assert _evidence(analyze(reply, context=CONTEXT).pitfalls, label) == evidence


def test_the_reproach_question_is_not_an_open_question() -> None:
    assert not analyze("Why didn't you call sooner?").has("exploring_question")
    assert analyze("Why did the payment fail?").has("exploring_question")
    # Thanks for their patience with what it cost them said is not the stock close.
    line = "Thank you for your patience; I know this took more of your time than it should have."
    result = analyze(line)
    assert not result.pitfalls
    assert [s.text for f in result.moves for s in f.spans] == ["took more of your time"]


def test_why_you_could_not_is_a_caring_question_not_a_reproach() -> None:
    result = analyze(
        "You seem really concerned about your mom! Why haven't you been able to call her?"
    )
    assert [f.label for f in result.moves] == ["emotion_labelling", "exploring_question"]
    assert result.pitfalls == ()
    assert analyze("Why haven't you paid?").has("judgement")


@pytest.mark.parametrize(
    ("reply", "label", "evidence"),
    [
        # What a lead or a teammate says when someone is struggling at work.
        (
            "That sounds like a really heavy week.",
            "emotion_labelling",
            ["That sounds like a really heavy week"],
        ),
        ("It sounds like you're feeling stuck.", "emotion_labelling", ["you're feeling stuck"]),
        ("Sounds like you're running on empty.", "emotion_labelling", ["you're running on empty"]),
        ("I know it's been a lot.", "acknowledging_impact", ["it's been a lot"]),
        (
            "That's the last thing you need the day before her birthday.",
            "acknowledging_impact",
            ["the last thing you need"],
        ),
        (
            "You've been carrying the on-call rota on your own for a month.",
            "acknowledging_impact",
            ["You've been carrying the on-call rota on your own"],
        ),
        (
            "Losing a whole afternoon to that meeting set your week back.",
            "acknowledging_impact",
            ["Losing a whole afternoon", "set your week back"],
        ),
        (
            "That's two weekends you've given up for this release.",
            "acknowledging_impact",
            ["weekends you've given up"],
        ),
        (
            "It's eaten into your evenings for weeks.",
            "acknowledging_impact",
            ["eaten into your evenings"],
        ),
        (
            "You've had to redo the deck three times now.",
            "acknowledging_impact",
            ["You've had to redo"],
        ),
        (
            "It means you've had no proper break since March.",
            "acknowledging_impact",
            ["you've had no proper break"],
        ),
        (
            "That's a really fair thing to raise.",
            "validation",
            ["That's a really fair thing to raise"],
        ),
        (
            "That's a completely reasonable ask.",
            "validation",
            ["That's a completely reasonable ask"],
        ),
        ("Thank you for carrying that.", "validation", ["Thank you for carrying"]),
        ("It's not your fault.", "validation", ["It's not your fault"]),
        ("None of this is on you.", "validation", ["None of this is on you"]),
        (
            "So it's less about the deadline and more about feeling left out of the decision.",
            "interpretation",
            ["less about the deadline and more about"],
        ),
        ("Let's look at what we can move.", "next_steps", ["Let's look at what"]),
        (
            "Let's sit down tomorrow and take two things off your plate.",
            "next_steps",
            ["Let's sit down"],
        ),
        (
            "I'll push the deadline to next week and tell the client myself.",
            "next_steps",
            ["I'll push the"],
        ),
        (
            "I can tell you what I know and when we'll hear more: Friday.",
            "next_steps",
            ["I can tell you what"],
        ),
        (
            "Want to walk through it together tomorrow?",
            "offering_support",
            ["Want to walk through it together"],
        ),
        ("Do you want to talk it through?", "offering_support", ["Do you want to talk it through"]),
        ("My door's open whenever you need it.", "offering_support", ["My door's open"]),
        ("Would that work for you?", "offering_support", ["Would that work for you?"]),
        (
            "Happy to pair on it if that helps.",
            "offering_support",
            ["Happy to pair on it if that helps"],
        ),
        ("Take ten minutes away from the queue.", "offering_space", ["Take ten minutes"]),
        ("Take the rest of the afternoon.", "offering_space", ["Take the rest of the afternoon"]),
        ("Step away for a bit, I'll cover.", "offering_space", ["Step away for a bit"]),
        (
            "No need to have an answer right now.",
            "offering_space",
            ["No need to have an answer right now"],
        ),
        (
            "I'll introduce you to Priya, who ran the last migration; I've told her what"
            " you're up against.",
            "warm_handoff",
            ["I've told her what you're"],
        ),
    ],
)
def test_what_leads_and_teammates_say(reply, label, evidence) -> None:
    assert _evidence(analyze(reply).moves, label) == evidence


@pytest.mark.parametrize(
    ("reply", "label", "evidence"),
    [
        (
            "Everyone's busy right now, we just need to push through.",
            "minimising",
            ["Everyone's busy", "we just need to push through"],
        ),
        ("It happens.", "minimising", ["It happens"]),
        ("It's not the end of the world.", "minimising", ["not the end of the world"]),
        ("Honestly, it's not a big thing.", "minimising", ["it's not a big thing"]),
        ("Worse things happen.", "minimising", ["Worse things happen"]),
        (
            "Everyone feels like that at some point.",
            "minimising",
            ["Everyone feels like that at some point"],
        ),
        # Their effort called ordinary.
        (
            "Well, that's the job. Everyone stayed late at some point.",
            "minimising",
            ["that's the job", "Everyone stayed late at some point"],
        ),
        ("It's part of the job, sadly.", "minimising", ["It's part of the job"]),
        (
            "I don't think that's true, we used your idea last month.",
            "defensiveness",
            ["I don't think that's true"],
        ),
        ("That's not fair, I've always backed you.", "defensiveness", ["I've always backed you"]),
        ("We've been over this already.", "defensiveness", ["We've been over this already"]),
        ("I'm doing the best I can here.", "defensiveness", ["I'm doing the best I can here"]),
        ("That's not what I said.", "defensiveness", ["That's not what I said"]),
        ("You need to develop a thicker skin in this job.", "judgement", ["a thicker skin"]),
        (
            "You're taking this far too personally.",
            "judgement",
            ["You're taking this far too personally"],
        ),
        ("You need to toughen up.", "judgement", ["You need to toughen up"]),
        ("Honestly, you're overthinking it.", "judgement", ["you're overthinking"]),
        ("That's a bit of an overreaction.", "judgement", ["a bit of an overreaction"]),
        ("You should be grateful you've got a job.", "judgement", ["You should be grateful"]),
        (
            "When I was your level I had twice the workload.",
            "one_upping",
            ["When I was your level", "I had twice the"],
        ),
        (
            "At least you're not dealing with what I've got on.",
            "one_upping",
            ["At least you're not dealing with what I've got on"],
        ),
        ("Don't stress about it.", "reassurance_without_action", ["Don't stress"]),
        ("It'll all work out in the end.", "reassurance_without_action", ["It'll all work out"]),
        (
            "If you'd asked for help earlier this wouldn't have happened.",
            "blame",
            ["If you'd asked for help earlier this wouldn't"],
        ),
        ("Well, you did sign up for the on-call rota.", "blame", ["you did sign up for"]),
        ("Just block out your calendar.", "premature_solution", ["Just block"]),
        (
            "Thanks for your feedback, we'll take it on board.",
            "scripted_line",
            ["we'll take it on board"],
        ),
    ],
)
def test_pitfalls_of_leads_and_teammates(reply, label, evidence) -> None:
    assert _evidence(analyze(reply, context=TEAM_CONTEXT).pitfalls, label) == evidence


@pytest.mark.parametrize(
    ("reply", "label", "evidence"),
    [
        (
            "Our system flags unusual activity, that's standard policy.",
            "defensiveness",
            ["that's standard policy"],
        ),
        (
            "Everyone has to make sacrifices with the new rota.",
            "minimising",
            ["Everyone has to make sacrifices"],
        ),
        (
            "You're being hard on yourself. One rough demo doesn't undo a year of good work.",
            "validation",
            ["You're being hard on yourself", "One rough demo doesn't undo"],
        ),
        (
            "Do you want to go over what happened together?",
            "offering_support",
            ["Do you want to go over what happened together"],
        ),
        (
            "It sounds like you feel unseen.",
            "emotion_labelling",
            ["It sounds like you feel unseen"],
        ),
        (
            "You shouldn't have had to explain it three times, and I'm sorry.",
            "concrete_apology",
            ["You shouldn't have had to explain it three times, and I'm sorry"],
        ),
        (
            "An exam in an hour with no access is really stressful.",
            "emotion_labelling",
            ["An exam in an hour with no access is really stressful"],
        ),
        (
            "I want to understand what's led here.",
            "exploring_question",
            ["I want to understand what"],
        ),
    ],
)
def test_moves_and_pitfalls_in_more_words(reply: str, label: str, evidence: list[str]) -> None:
    result = analyze(reply)
    assert _evidence((*result.moves, *result.pitfalls), label) == evidence


@pytest.mark.parametrize(
    ("reply", "moves", "pitfalls"),
    [
        # Look-alikes of the lines above, as they were read in real replies.
        ("I can tell you're tired.", ["emotion_labelling", "interpretation"], []),
        ("How does that work?", ["exploring_question"], []),
        ("After each class I would take 15 minutes to review my notes.", [], []),
        ("The last thing you want is for your happiness to depend on others.", [], []),
        ("While we're busy worrying about jobs, I look for good news.", [], []),
        ("In my experience man up means ignore your feelings.", [], []),
        ("I need something drastic to snap out of it.", [], []),
        ("I don't think you should have had to deal with that alone.", [], []),
        ("I don't think that's fair on you.", ["validation"], []),
        ("That wasn't your fault.", ["validation"], []),
        (
            "It happens to the best of us, and it's up to you what we do next.",
            ["validation", "offering_support"],
            [],
        ),
        ("That's the job I applied for.", [], []),
        ("At some point we should talk about the rota.", [], []),
    ],
)
def test_look_alikes_of_the_team_lines(reply, moves, pitfalls) -> None:
    result = analyze(reply)
    assert [f.label for f in result.moves] == moves
    assert [f.label for f in result.pitfalls] == pitfalls


@pytest.mark.parametrize(
    ("reply", "label", "evidence"),
    [
        # Support replies as agents write them (the sample conversations shipped with Heard).
        (
            "That's a real worry with rent due on Friday.",
            "emotion_labelling",
            ["That's a real worry"],
        ),
        (
            "Three hours of turning customers away at your bakery, that's lost sales and a"
            " stressful morning.",
            "acknowledging_impact",
            ["turning customers away", "lost sales"],
        ),
        (
            "Sleeping on an airport floor with two kids is exhausting.",
            "acknowledging_impact",
            ["Sleeping on an airport floor with two kids is exhausting"],
        ),
        (
            "Setting it up for the first time can be confusing, and the code is easy to miss.",
            "validation",
            ["can be confusing", "is easy to miss"],
        ),
        (
            "You did the right thing contacting us straight away.",
            "validation",
            ["You did the right thing"],
        ),
        (
            "Thanks for asking before paying, a new line on an invoice is a fair thing to question.",
            "validation",
            ["Thanks for asking before", "is a fair thing to"],
        ),
        ("It's exhausting and not okay.", "validation", ["and not okay"]),
        ("Brilliant, you did it.", "validation", ["you did it"]),
        (
            "I can hear you're really unhappy with the service.",
            "emotion_labelling",
            ["you're really unhappy"],
        ),
        ("Done: this month's fee is credited.", "next_steps", ["Done"]),
        ("Your refund has been processed.", "next_steps", ["Your refund has been processed"]),
        ("I've paused all payments from today.", "next_steps", ["I've paused all payments"]),
        (
            "I've locked the account so nobody can use it.",
            "next_steps",
            ["I've locked the account"],
        ),
        (
            "Sofia will join this chat in about five minutes.",
            "next_steps",
            ["will join this chat in about five minutes"],
        ),
        ("Let's get you to the right people quickly.", "next_steps", ["Let's get you to"]),
        ("I'll keep this chat open for 30 minutes.", "next_steps", ["I'll keep this chat open"]),
        ("Your next invoice will show it.", "next_steps", ["Your next invoice will show"]),
        (
            "If the setup is confusing too, just reply here and I'll help.",
            "offering_support",
            ["just reply here and I'll help"],
        ),
        (
            "You can upload it or post it, whichever is easier for you.",
            "offering_support",
            ["whichever is easier for you"],
        ),
        ("Compare them when you have a moment.", "offering_space", ["when you have a moment"]),
        (
            "I can't remove the fee. I can, though, credit this month.",
            "boundary_statement",
            ["I can't remove the fee. I can, though"],
        ),
        (
            "If you keep talking to me like that I'll end the call.",
            "boundary_statement",
            ["If you keep talking to me like that I'll end"],
        ),
        ("I've passed on that payroll runs tomorrow.", "warm_handoff", ["I've passed on that"]),
    ],
)
def test_support_replies_as_agents_write_them(reply, label, evidence) -> None:
    assert _evidence(analyze(reply).moves, label) == evidence


@pytest.mark.parametrize(
    ("reply", "label", "evidence"),
    [
        (
            "There is no outage on our side. All our systems are operating normally.",
            "defensiveness",
            ["There is no outage on our side", "All our systems are operating normally"],
        ),
        (
            "If it still does not work, we cannot help further.",
            "defensiveness",
            ["cannot help further"],
        ),
        (
            "Unfortunately our policy requires the account holder to call.",
            "defensiveness",
            ["our policy requires"],
        ),
        ("There's no need to shout.", "defensiveness", ["There's no need to shout"]),
        ("Please be advised that the holder must call us.", "scripted_line", ["Please be advised"]),
        ("We always value your feedback.", "scripted_line", ["We always value your feedback"]),
        (
            "Your refund was processed, so it's your bank's problem.",
            "blame",
            ["so it's your bank's problem"],
        ),
        (
            "Well, you're not listening to me either.",
            "mirroring_anger",
            ["you're not listening to me either"],
        ),
        (
            "It's very simple, everyone manages it.",
            "minimising",
            ["It's very simple", "everyone manages it"],
        ),
        ("Did you read the manual?", "judgement", ["Did you read the manual"]),
    ],
)
def test_support_pitfalls_as_agents_write_them(reply, label, evidence) -> None:
    assert _evidence(analyze(reply, context=CONTEXT).pitfalls, label) == evidence


@pytest.mark.parametrize(
    "reply",
    [
        "It can take up to a minute, so don't worry if it spins for a while.",  # explains
        "Bipolar can be very difficult to diagnose.",
        "A lot of gyms have been closed.",
        "Mine is in two days as well!",
        "I've stopped caring.",
        "Everyone gets that same feeling.",
        "It might be easier to work at home when you have a chance to get out.",
        "Let her know you did it because you wanted justice.",
    ],
)
def test_look_alikes_of_the_support_lines(reply) -> None:
    result = analyze(reply)
    found = {f.label for f in result.moves} | {f.label for f in result.pitfalls}
    assert not found & {
        "reassurance_without_action",
        "absolutist_language",
        "validation",
        "next_steps",
        "minimising",
        "offering_space",
    }, found


def test_a_protective_so_nobody_can_is_not_absolutist() -> None:
    assert analyze("I've locked the account so nobody can use it.").pitfalls == ()
    assert analyze("Nobody can help you now.").has("absolutist_language")


@pytest.mark.parametrize(
    ("reply", "label", "evidence"),
    [
        # Chat as people type it: no apostrophes, "u" and "ur", "that sucks".
        ("omg im so sorry!! thats awful, let me fix this", "emotion_labelling", ["thats awful"]),
        ("ugh that sucks, sorry", "emotion_labelling", ["ugh that sucks"]),
        ("Sorry. That sucks.", "emotion_labelling", ["That sucks"]),
        ("u must be so fed up", "emotion_labelling", ["u must be so fed up"]),
        (
            "totally get it, waiting this long is super frustrating",
            "validation",
            ["totally get it"],
        ),
        (
            "totally get it, waiting this long is super frustrating",
            "emotion_labelling",
            ["waiting this long is super frustrating"],
        ),
        ("want me to walk u thru it?", "offering_support", ["want me to walk"]),
        (
            "refund is on its way, should land in 2-3 days",
            "next_steps",
            ["is on its way", "should land in 2-3 days"],
        ),
        ("i'm escalating this to our team right now", "next_steps", ["i'm escalating"]),
    ],
)
def test_chat_as_people_type_it(reply, label, evidence) -> None:
    assert _evidence(analyze(reply).moves, label) == evidence


def test_chat_pitfalls_and_warm_exclamations() -> None:
    angry = "im so upset, my order never came and it was for my mums bday"
    assert _evidence(
        analyze("have u tried restarting?", context=angry).pitfalls, "premature_solution"
    ) == ["have u tried"]
    assert _evidence(analyze("lol calm down its just a delay").pitfalls, "minimising") == [
        "its just a"
    ]
    # Exclamation marks beside an acknowledgement are warmth; beside nothing, or with
    # capitals, they still read as raised voice.
    assert analyze("omg im so sorry!! thats awful", context=angry).pitfalls == ()
    assert analyze("ugh that sucks, sorry").pitfalls == ()
    assert _evidence(analyze("Stop emailing us!!", context=angry).pitfalls, "mirroring_anger") == [
        "!!"
    ]
    assert analyze("Ugh. Fine.").has("mirroring_anger")


@pytest.mark.parametrize(
    ("reply", "label", "evidence"),
    [
        # What a good answer to a drill says, in the agent's own words.
        (
            "An interview tomorrow with no internet is a horrible position to be in.",
            "acknowledging_impact",
            ["is a horrible position to be in"],
        ),
        (
            "You've already restarted the router four times.",
            "acknowledging_impact",
            ["You've already restarted the router four times"],
        ),
        ("Want me to do that?", "offering_support", ["Want me to do that"]),
        ("I can close it today with the registry reference.", "next_steps", ["I can close it"]),
        (
            "Jo in our bereavement team will be your one contact.",
            "warm_handoff",
            ["will be your one contact"],
        ),
        (
            "I'll accept the reference, so you won't need to send anything again.",
            "warm_handoff",
            ["so you won't need to send anything again"],
        ),
        ("So you have an issue with your back?", "interpretation", ["So you have an"]),
    ],
)
def test_what_a_good_drill_answer_says(reply, label, evidence) -> None:
    assert _evidence(analyze(reply).moves, label) == evidence


@pytest.mark.parametrize(
    "reply",
    [
        # A purpose clause after a step is not a reflection of their view.
        "I'm sending you a data boost now so you have a backup for the call.",
        "I can switch on payment links so your newsletter still goes out.",
    ],
)
def test_a_purpose_clause_is_not_an_interpretation(reply) -> None:
    assert not analyze(reply).has("interpretation")


@pytest.mark.parametrize(
    ("reply", "found"),
    [
        # Moves and pitfalls as support e-mails put them.
        (
            "You were charged twice because of a fault on our side, and I'm sorry - I know "
            "that's money you needed this week.",
            {
                "concrete_apology": ["a fault on our side"],
                "acknowledging_impact": ["that's money you needed"],
            },
        ),
        (
            "Hi Sam, that sounds like a really stressful start to the week.",
            {"emotion_labelling": ["a really stressful start to the week"]},
        ),
        (
            "Being cut off mid-call three times would make anyone furious.",
            {"validation": ["would make anyone furious"]},
        ),
        (
            "I've paused all reminders for 60 days. I can call or e-mail, whichever is easier.",
            {
                "next_steps": ["I've paused all reminders", "I can call"],
                "offering_support": ["whichever is easier"],
            },
        ),
        (
            "I can offer you a late checkout or a voucher. Which would help more?",
            {"offering_support": ["I can offer you a late checkout or", "Which would help more?"]},
        ),
        (
            "I've rebooked the visit, especially after you took the day off to wait in.",
            {"next_steps": ["I've rebooked"], "acknowledging_impact": ["especially after you"]},
        ),
        (
            "I'll stay as your contact, so any reply comes straight to me.",
            {"offering_support": ["I'll stay as your contact", "comes straight to me"]},
        ),
        (
            "You were promised a call back twice. That's not good enough, and I'm sorry.",
            {"concrete_apology": ["That's not good enough, and I'm sorry"]},
        ),
        (
            "We understand that this may be frustrating. However, the delay was caused by the "
            "courier and is outside of our control.",
            {
                "scripted_line": ["We understand that this may be frustrating"],
                "defensiveness": ["is outside of our control"],
            },
        ),
    ],
)
def test_support_emails(reply: str, found: dict[str, list[str]]) -> None:
    result = analyze(reply)
    for label, evidence in found.items():
        findings = result.moves if label in {f.label for f in result.moves} else result.pitfalls
        assert _evidence(findings, label) == evidence, label


@pytest.mark.parametrize(
    "reply",
    [
        "So many things are out of our control.",  # life, not the company's excuse
        "Your report was late twice. That's not good enough.",  # a verdict, not an apology
    ],
)
def test_look_alikes_in_support_emails(reply: str) -> None:
    labels = _labels(analyze(reply))
    assert "defensiveness" not in labels[1] and "concrete_apology" not in labels[0]
