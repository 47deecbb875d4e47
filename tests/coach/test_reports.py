"""Reflection fidelity, specificity, blameless language and disclosures."""

from __future__ import annotations

import pytest

from heard.coach import blame_language, detect_disclosure, reflection_fidelity, specificity

SPEAKER = "I'm exhausted and angry. The move took every weekend and nobody at work noticed."


def test_a_faithful_reflection_scores_high() -> None:
    good = reflection_fidelity(
        SPEAKER, "You're exhausted and angry: the move took every weekend and work never noticed."
    )
    assert good.content_recall >= 0.6
    assert good.feeling_recall == 1.0
    assert good.judgement == () and good.rebuttal == ()
    assert good.score >= 0.8


def test_judgement_rebuttal_and_additions_are_flagged() -> None:
    poor = reflection_fidelity(
        SPEAKER, "You should have planned better, but actually your manager is great."
    )
    # The blame pitfall's longer evidence wins over the bare evaluative word inside it.
    assert [s.text for s in poor.judgement] == ["You should have"]
    assert [s.text for s in poor.rebuttal] == ["but actually"]
    assert "manager" in poor.added
    assert "angry" in poor.feelings_missed
    assert poor.score < 0.3
    assert poor.feedback


def test_feelings_match_by_family_and_their_words_are_not_counted_as_content() -> None:
    said = "I'm exhausted because the night shifts keep getting moved and nobody asks me first."
    report = reflection_fidelity(
        said, "You're worn out: your night shifts get moved and no one checks with you first."
    )
    assert report.feelings_captured == ("exhausted",)  # "worn out" is the same feeling
    assert report.feelings_missed == ("nobody asks",)
    assert 'they said "nobody asks" (hurt)' in report.feedback[0]
    assert "exhausted" not in report.missed and "worn" not in report.added
    assert "moved" in report.captured  # one stem for moved / move / moving
    assert set(report.captured) >= {"night", "shifts", "first"}


def test_minimising_advice_and_defending_count_as_rebuttal() -> None:
    said = "I'm exhausted because the night shifts keep getting moved and nobody asks me first."
    cases = {
        "You're tired, but everyone has to deal with shift changes.": "everyone has to deal with",
        "The shifts move a lot, that's just part of the job.": "that's just part of the job",
        "Your shifts keep moving, so have you tried talking to HR?": "have you tried",
        "Your shifts moved; as I said, that's not my department.": "as I said",
    }
    for reflection, evidence in cases.items():
        report = reflection_fidelity(said, reflection)
        assert evidence in [s.text for s in report.rebuttal], reflection
        assert "Save your answer for your own turn; a reflection only mirrors." in report.feedback
        for span in report.rebuttal:
            assert reflection[span.start : span.end] == span.text
    faithful = reflection_fidelity(said, "You're worn out because your night shifts keep moving.")
    assert faithful.rebuttal == () and faithful.judgement == ()


def test_a_feeling_turned_round_is_flagged() -> None:
    said = "Honestly I love the work, but the on-call rota is wrecking my sleep."
    turned = reflection_fidelity(said, "You hate your job.")
    assert turned.feedback[0] == (
        'They said they felt "love the work"; "hate" turns that round. '
        "Reflect the feeling they named."
    )
    faithful = reflection_fidelity(said, "You love the work, but the on-call is costing you sleep.")
    assert faithful.feelings_captured == ("love the work",)
    assert faithful.score - turned.score > 0.5
    # A guess of another unpleasant feeling, or a mixed message, is not turned round.
    assert not any(
        "turns that round" in f
        for f in reflection_fidelity("I'm exhausted.", "It sounds like you're angry.").feedback
    )
    assert not any(
        "turns that round" in f
        for f in reflection_fidelity("I'm thrilled and a bit scared.", "You sound scared.").feedback
    )


def test_unnoticed_work_reflected_in_other_words_is_the_feeling_captured() -> None:
    said = "I feel like I'm always the one covering the late shifts and nobody notices."
    report = reflection_fidelity(said, "So it feels like covering the late shifts goes unnoticed.")
    assert report.feelings_captured == ("nobody notices",)
    assert report.feeling_recall == 1.0
    assert "unnoticed" not in report.added


def test_doubting_what_happened_is_a_rebuttal_and_reassurance_is_no_verdict() -> None:
    said = "I feel invisible in meetings. People talk over me all the time."
    doubted = reflection_fidelity(said, "I don't think people talk over you that much.")
    assert [s.text for s in doubted.rebuttal] == ["I don't think people"]
    kind = reflection_fidelity("I keep thinking I messed it up.", "You did nothing wrong.")
    assert kind.judgement == () and kind.rebuttal == ()
    verdict = reflection_fidelity("I keep thinking I messed it up.", "You were wrong to say it.")
    assert [s.text for s in verdict.judgement] == ["wrong"]


def test_worry_and_not_knowing_handed_back_in_other_words_are_captured() -> None:
    said = "Since the reorg I don't know who I report to and it's stressing me out."
    report = reflection_fidelity(
        said, "Not knowing who you report to since the reorg is weighing on you."
    )
    assert report.feelings_missed == ()
    assert set(report.feelings_captured) == {"don't know who", "stressing"}


def test_an_empty_reflection_scores_zero() -> None:
    assert reflection_fidelity(SPEAKER, "").score == 0.0


def test_generic_kudos_gets_a_nudge() -> None:
    report = specificity("Great job, keep it up!")
    assert report.score == 0.0
    assert [s.text for s in report.generic] == ["Great job", "keep it up"]
    assert report.nudge == "Name the specific thing they did: what, and when?"


def test_specific_kudos_has_action_effect_outcome() -> None:
    text = (
        "Priya stayed late to rewrite the release notes, which meant I could sleep; "
        "the client signed on time."
    )
    report = specificity(text)
    assert report.action and report.effect and report.outcome
    assert report.nudge is None
    assert report.score >= 0.9
    for part in (report.action, report.effect, report.outcome):
        for s in part:
            assert text[s.start : s.end] == s.text


def test_time_saved_for_a_named_colleague_is_an_effect() -> None:
    report = specificity("Thanks Sam for rewriting the setup guide, which saved Priya a day.")
    assert [s.text for s in report.effect] == ["saved Priya a day"]


def test_kudos_without_outcome_is_nudged_toward_it() -> None:
    report = specificity("Thanks Priya, you stayed late to fix the build and I felt so relieved.")
    assert report.action and report.effect and not report.outcome
    # The action ends where the effect on someone else begins.
    assert [s.text for s in report.action] == ["you stayed late to fix the build"]
    assert "client" in report.nudge


def test_people_managing_on_their_own_and_counted_savings_are_found() -> None:
    report = specificity(
        "When you rewrote the onboarding doc on Tuesday, the two new hires set up their "
        "laptops without help, which saved the team about four hours."
    )
    assert "without help" in [s.text for s in report.effect]
    assert [s.text for s in report.outcome] == ["four hours"]
    assert report.nudge is None


@pytest.mark.parametrize(
    ("text", "action", "outcome"),
    [
        (
            "Thanks Priya for rewriting the onboarding checklist: new starters got set up on "
            "day one without help, and we cut setup tickets by 40%.",
            ["Thanks Priya for rewriting the onboarding checklist"],
            ["cut setup tickets by 40%"],
        ),
        (
            "Shout-out to @sam.k for running the retro so calmly.",
            ["Shout-out to @sam.k for running the retro so calmly"],
            [],
        ),
        # A percentage is an outcome wherever it stands in the sentence.
        ("Ana's fix dropped failed payments 30%.", [], ["30%"]),
    ],
)
def test_thanks_for_a_deed_and_moved_measures(text, action, outcome) -> None:
    report = specificity(text)
    assert [s.text for s in report.action] == action
    assert [s.text for s in report.outcome] == outcome


@pytest.mark.parametrize(
    ("text", "effect", "outcome"),
    [
        (
            "Sam paired with me for two hours on the flaky test, so I finally understood the "
            "mocking setup and the build has been green all week.",
            ["I finally understood"],
            ["two hours", "the build has been green"],
        ),
        (
            "Big thanks to Ana for covering my calls on Friday. I could take my daughter to the "
            "doctor without stressing, and no customer waited more than 5 minutes.",
            ["I could take", "without stressing"],
            ["and no customer waited", "5 minutes"],
        ),
        (
            "Thanks for jumping on the outage last night; the client never noticed.",
            [],
            ["the client never noticed"],
        ),
        (
            "Jo rewrote the FAQ and refund tickets dropped from 40 to 12 a week.",
            [],
            ["dropped from 40 to 12"],
        ),
        # What people can now do, and a before-and-after.
        (
            "Thanks Priya for rewriting the onboarding guide, new starters now get set up in a "
            "day instead of a week.",
            ["new starters now get set up"],
            ["in a day instead of a week"],
        ),
        (
            "Kudos to Tom for fixing the payment bug; because of that, 300 customers could "
            "check out on Black Friday.",
            ["300 customers could check out"],
            ["300 customers"],
        ),
    ],
)
def test_effects_on_people_and_outcomes_for_the_work(text, effect, outcome) -> None:
    report = specificity(text)
    assert [s.text for s in report.effect] == effect
    assert [s.text for s in report.outcome] == outcome


@pytest.mark.parametrize(
    ("text", "action", "effect", "outcome"),
    [
        (
            "Thanks Priya for staying late to fix the checkout bug, customers could pay again "
            "before the sale and we hit our target.",
            ["Thanks Priya for staying late to fix the checkout bug"],
            ["customers could pay"],
            ["we hit our target"],
        ),
        (
            "Big thanks to Omar for rewriting the onboarding guide - the two new hires were "
            "shipping by day three instead of week two.",
            ["Big thanks to Omar for rewriting the onboarding guide"],
            ["the two new hires were shipping"],
            ["by day three instead of week two"],
        ),
        (
            "Shoutout to Lee who spotted the duplicate invoices, which saved the client about 4k.",
            ["Lee who spotted the duplicate invoices"],
            [],
            ["saved the client about 4k"],
        ),
        (
            "Ana took the angry call from the hospital and calmed it down; they renewed the "
            "contract.",
            ["Ana took the angry call from the hospital and calmed it down"],
            [],
            ["they renewed the contract"],
        ),
    ],
)
def test_deeds_and_what_they_won_in_everyday_kudos(text, action, effect, outcome) -> None:
    report = specificity(text)
    assert [s.text for s in report.action] == action
    assert [s.text for s in report.effect] == effect
    assert [s.text for s in report.outcome] == outcome
    assert report.generic == ()


@pytest.mark.parametrize(
    ("text", "action", "effect", "outcome"),
    [
        (
            "Shout-out to Tom for covering my calls on Friday so I could get to the hospital.",
            ["Shout-out to Tom for covering my calls on Friday"],
            ["so I could"],
            [],
        ),
        (
            "Big thanks to Ana - her checklist for the release meant we caught two bugs.",
            ["her checklist"],
            ["meant we"],
            ["two bugs"],
        ),
        (
            "Thanks for jumping on the outage call, Kwame. Customers were back online in an hour.",
            ["Thanks for jumping on the outage call"],
            [],
            ["Customers were back online"],
        ),
        (
            "Thanks Leila for taking my escalations, I came back to an empty queue and the "
            "customers never noticed.",
            ["Thanks Leila for taking my escalations"],
            ["I came back to an empty queue"],
            ["the customers never noticed"],
        ),
        (
            "Thanks to Jess, her call scripts cut our handle time by a third.",
            ["her call scripts"],
            [],
            ["cut our handle time by a third"],
        ),
    ],
)
def test_what_things_made_did_and_what_came_back(text, action, effect, outcome) -> None:
    report = specificity(text)
    assert [s.text for s in report.action] == action
    assert [s.text for s in report.effect] == effect
    assert [s.text for s in report.outcome] == outcome


@pytest.mark.parametrize(
    "text",
    [
        "Kudos to the team for an awesome quarter!!",
        "Really appreciate you, Jo. You always go above and beyond.",
    ],
)
def test_praise_for_a_period_or_a_trait_is_generic(text: str) -> None:
    report = specificity(text)
    assert report.generic and not report.action and report.nudge


def test_how_a_sprint_was_is_not_an_outcome() -> None:
    assert specificity("The sprint was fine.").outcome == ()
    assert [s.text for s in specificity("The client was delighted.").outcome] == [
        "The client was delighted"
    ]


def test_a_plain_report_about_a_customer_has_no_outcome() -> None:
    assert specificity("The customer is asking for a refund.").outcome == ()


def test_praise_words_before_a_deed_are_not_generic_but_praise_for_being_great_is() -> None:
    assert specificity("Kudos to Tom for staying late to fix the payment bug.").generic == ()
    report = specificity("Shout out to the support team for being awesome as always.")
    assert [s.text for s in report.generic] == [
        "Shout out to the support team for being awesome as always"
    ]
    assert report.score == 0.0 and report.nudge is not None


def test_how_long_and_how_often_are_content_to_reflect_not_a_feeling_to_name() -> None:
    said = "I've been covering for Sam for three weeks and nobody has noticed. I'm exhausted."
    report = reflection_fidelity(said, "So you're annoyed at Sam.")
    # "for three weeks" suggests frustration to the state, but they named exhaustion.
    assert report.feelings_missed == ("exhausted",) and report.feeling_recall == 0.0
    good = reflection_fidelity(
        said, "You've carried Sam's work for three weeks and you're worn out."
    )
    assert good.feelings_captured == ("exhausted",) and good.feeling_recall == 1.0
    assert {"three", "weeks"} <= set(good.captured)


def test_thanks_for_nothing_in_particular_is_not_an_action() -> None:
    for text in ("Thanks for everything!", "Thank you for being awesome.", "Thanks for the help."):
        assert specificity(text).action == (), text


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("The deploy failed because Sam didn't run the tests.", ["Sam didn't run"]),
        ("It slipped because of Sam.", ["because of Sam"]),
        ("That was Sam's mistake.", ["Sam's mistake"]),
        ("The on-call engineer missed the alert.", ["The on-call engineer missed"]),
        ("Whoever merged this clearly didn't test it.", ["Whoever merged"]),
        ("Legal is always slowing us down.", ["Legal is always slowing"]),
    ],
)
def test_a_person_named_as_the_cause_is_blame(text: str, evidence: list[str]) -> None:
    assert [s.text for s in blame_language(text).blame] == evidence


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("QA should have caught this.", ["QA should have caught"]),
        ("The vendor dropped the ball again.", ["The vendor dropped the ball"]),
        ("Nobody bothered to check the migration.", ["Nobody bothered to"]),
        ("Sam should've tested it.", ["Sam should've tested"]),
        ("He should've known.", ["He should've known"]),
    ],
)
def test_a_team_a_vendor_or_nobody_named_as_the_cause_is_blame(text, evidence) -> None:
    report = blame_language(text)
    assert [s.text for s in report.blame] == evidence and report.score == 0.0


@pytest.mark.parametrize(
    ("text", "blame", "learning"),
    [
        ("Dev pushed a broken config and took prod down.", ["Dev pushed a broken"], []),
        (
            "The on-call engineer should have noticed the alert.",
            ["The on-call engineer should have noticed"],
            [],
        ),
        ("If Jake had tested it, we wouldn't be here.", ["If Jake had tested"], []),
        (
            "Somebody clearly wasn't paying attention.",
            ["Somebody clearly wasn't paying attention"],
            [],
        ),
        # The same events told through the system are learning, not blame.
        ("The deploy took prod down.", [], []),
        ("If we had a canary, we would have caught it.", [], []),
        ("We lacked a check on the config, so the bad value shipped.", [], ["We lacked a check"]),
        (
            "The alert threshold was set too high, so nobody was paged.",
            [],
            ["was set too high"],
        ),
        (
            "Engineering keeps shipping half-finished features and leaving us the fallout.",
            ["Engineering keeps shipping half-finished"],
            [],
        ),
        ("IT keeps ignoring our tickets.", ["IT keeps ignoring"], []),
        ("It keeps breaking.", [], []),
        (
            "We did not have an alert on queue depth, so nobody saw the backlog grow.",
            [],
            ["We did not have an alert"],
        ),
        ("Our runbook assumed the old hostname.", [], ["Our runbook assumed"]),
    ],
)
def test_blame_and_learning_in_post_mortem_words(text, blame, learning) -> None:
    report = blame_language(text)
    assert [s.text for s in report.blame] == blame
    assert [s.text for s in report.learning] == learning


def test_should_have_with_a_thing_is_not_a_counterfactual() -> None:
    assert blame_language("Support should have an on-call rota.").blame == ()
    assert blame_language("We should've tested it.").suggestions == (
        "Swap 'should have' for 'what would have helped us catch this?'",
    )


def test_a_system_named_as_the_cause_is_not_blame() -> None:
    for text in (
        "The tests didn't run because the pipeline skipped them.",
        "It slipped because of Sam team changes upstream.",
        "The new process slowed us down at first.",
        "Support is always so quick to help.",
    ):
        assert blame_language(text).blame == (), text
    report = blame_language("We missed the alert because the pager was muted.")
    assert [s.text for s in report.learning] == ["because the pager was"]


def test_feelings_said_as_events_are_captured_by_a_reflection_of_them() -> None:
    report = reflection_fidelity(
        "I've been covering two rotas since March and honestly I'm exhausted and a bit "
        "resentful that nobody asked.",
        "So you've been carrying two rotas since spring and you're worn out, and it stings "
        "that no one checked in.",
    )
    assert report.feelings_missed == ()
    assert report.feeling_recall == 1.0
    # Fillers are not content a reflection has to bring back.
    assert "honestly" not in report.missed and "since" not in report.captured


def test_a_feeling_they_ruled_out_is_not_handed_back() -> None:
    said = "I'm not angry, I'm just tired of chasing this every week."
    wrong = reflection_fidelity(said, "You're angry about having to chase it.")
    assert wrong.feelings_denied == ("angry",)
    assert wrong.feedback[0] == (
        "They said they were not angry; reflect the feeling they named, not one they ruled out."
    )
    # The denied word is neither a feeling to name nor content to bring back.
    assert "angry" not in wrong.missed
    right = reflection_fidelity(said, "So you're tired of chasing this every week.")
    assert right.feelings_denied == ()
    assert right.feelings_captured == ("tired of",)
    assert right.score > wrong.score + 0.4


def test_a_loss_and_not_being_listened_to_are_feelings_a_reflection_can_capture() -> None:
    r = reflection_fidelity(
        "My dad passed away in March and the bank keeps sending letters in his name.",
        "It sounds like the letters keep reopening the loss of your dad.",
    )
    assert (r.feelings_captured, r.feelings_missed) == (("passed away",), ())
    r = reflection_fidelity(
        "I feel like nobody on the team listens when I raise risks.",
        "You feel unheard when you raise risks.",
    )
    assert (r.feelings_captured, r.feelings_missed) == (("nobody on the team listens",), ())


def test_blame_vs_learning() -> None:
    blamey = blame_language("Bob forgot to run the migration. Human error, again.")
    assert [s.text for s in blamey.blame] == ["Bob forgot to", "Human error"]
    assert blamey.score == 0.0
    assert blamey.suggestions
    learning = blame_language("What made the migration easy to skip, and what can we learn?")
    assert learning.blame == () and learning.score == 1.0
    assert [s.text for s in learning.learning] == ["What made", "what can we learn"]


def test_a_habit_pinned_on_a_person_is_blame_and_a_system_habit_is_not() -> None:
    cases = {
        "You always forget to update the ticket.": ["You always forget"],
        "Sam keeps breaking the build.": ["Sam keeps breaking"],
        "She forgets to tag the release.": ["She forgets to"],
    }
    for text, evidence in cases.items():
        report = blame_language(text)
        assert [s.text for s in report.blame] == evidence, text
        assert report.score == 0.0
    assert blame_language("The deploy script keeps skipping the migration.").blame == ()
    assert blame_language("We always forget that step; what would help?").blame == ()


def test_we_should_have_is_not_blaming_a_person() -> None:
    assert blame_language("We should have added an alert.").blame == ()


def test_disclosures_by_kind() -> None:
    found = {
        d.kind: d
        for d in detect_disclosure(
            "I was diagnosed with cancer, I lost my job and my partner threatened me."
        )
    }
    assert set(found) == {"health", "money", "safety"}
    assert [s.text for s in found["money"].spans] == ["lost my job"]
    for d in found.values():
        assert d.suggestion and "Heard gives no" in d.referral


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("I was charged twice and my rent is due on Friday.", ["my rent is due"]),
        ("I needed that money for rent.", ["needed that money for rent"]),
        ("I'm overdrawn until payday.", ["overdrawn", "until payday"]),
        ("You charged me twice and my rent bounced.", ["my rent bounced"]),
        # Income lost to the problem, a job at risk, money borrowed to get by.
        ("The line's been down for days and I've lost a week's pay.", ["lost a week's pay"]),
        ("If this isn't fixed I'll lose my job.", ["I'll lose my job"]),
        ("I had to borrow money off my dad to cover it.", ["borrow money off my"]),
    ],
)
def test_money_pressure_said_in_passing_is_a_disclosure(text: str, evidence: list[str]) -> None:
    (found,) = detect_disclosure(text)
    assert found.kind == "money"
    assert [s.text for s in found.spans] == evidence


@pytest.mark.parametrize(
    "text",
    [
        "We lost three days of work when the sync failed.",
        "I lose my place in the queue every time.",
        "Will I lose my booking if I cancel?",
    ],
)
def test_lost_work_or_a_place_is_not_money_pressure(text: str) -> None:
    assert detect_disclosure(text) == ()


@pytest.mark.parametrize(
    ("text", "kind", "evidence"),
    [
        # Thoughts of not being here, without the words "suicide" or "end it all".
        (
            "Sometimes I think everyone would be better off without me.",
            "health",
            ["everyone would be better off without me"],
        ),
        ("Some days I want to die.", "health", ["want to die"]),
        ("I'm on antidepressants.", "health", ["antidepressants"]),
        ("My ex keeps turning up at my house.", "safety", ["keeps turning up at my house"]),
        (
            "Honestly some days I don't see the point of going on.",
            "health",
            ["don't see the point of going on"],
        ),
        ("I had a miscarriage last month and I'm still not right.", "health", ["miscarriage"]),
        (
            "My partner checks my phone and won't let me see my friends.",
            "safety",
            ["partner checks my phone", "won't let me see my"],
        ),
        ("The shift lead grabbed my arm in the stockroom.", "safety", ["grabbed my arm"]),
    ],
)
def test_crisis_and_safety_said_in_other_words(text: str, kind: str, evidence: list[str]) -> None:
    (found,) = detect_disclosure(text)
    assert (found.kind, [s.text for s in found.spans]) == (kind, evidence)
    assert "emergency services" in found.referral


@pytest.mark.parametrize(
    ("text", "kind", "evidence"),
    [
        ("I had a panic attack at my desk yesterday.", "health", ["had a panic attack"]),
        ("I've started chemo, so mornings are hard.", "health", ["started chemo"]),
        ("My pay was late so I'm using my overdraft.", "money", ["using my overdraft"]),
        # A landlord's threat is about money and a home, not their safety.
        ("My landlord is threatening to evict us.", "money", ["evict"]),
        ("He is threatening to hurt me.", "safety", ["threatening", "hurt me"]),
    ],
)
def test_episodes_treatments_and_threats_by_kind(text: str, kind: str, evidence: list[str]) -> None:
    (found,) = detect_disclosure(text)
    assert (found.kind, [s.text for s in found.spans]) == (kind, evidence)


def test_debt_said_as_facts_is_a_money_disclosure() -> None:
    (found,) = detect_disclosure("I'm in a lot of debt and the bailiffs came today.")
    assert (found.kind, [s.text for s in found.spans]) == (
        "money",
        ["in a lot of debt", "bailiffs"],
    )


def test_no_disclosure_in_ordinary_text() -> None:
    assert detect_disclosure("The parcel arrived a day late.") == ()
    for text in (
        "I want to kill this bug lol",
        "This deadline is killing me.",
        "The deploy keeps turning up errors.",
        "The build pushed me over the limit on CI minutes.",
        "My boss will have a fit when she sees this.",
        "Did you get a chance to look?",
        "My manager checks my pull requests every morning.",
    ):
        assert detect_disclosure(text) == (), text


def test_a_reflection_in_other_words_brings_back_what_was_said() -> None:
    said = "Honestly I love the work but the constant context switching is draining me."
    report = reflection_fidelity(
        said, "You enjoy the work itself, but jumping between tasks all day is wearing you down."
    )
    # "enjoy the work" is the joy of "love the work", "jumping" brings back "switching", and
    # "wearing you down" is the exhaustion of "draining me".
    assert report.captured == ("switching",)
    assert report.missed == ("constant", "context")
    assert report.feelings_captured == ("love the work", "draining me")
    assert report.feedback == ()
    # A word of the same meaning is no help when the rest is missed.
    thin = reflection_fidelity(said, "You enjoy it.")
    assert thin.captured == () and thin.score < report.score - 0.3


def test_a_feeling_set_aside_with_rather_than_is_not_handed_back() -> None:
    said = "I'm not angry about the reorg, I'm just worried about what it means for my team."
    right = reflection_fidelity(
        said, "You're worried about what the reorg means for your team, rather than angry."
    )
    assert right.feelings_denied == () and right.feedback == ()
    assert reflection_fidelity(said, "You're angry about the reorg.").feelings_denied == ("angry",)


def test_each_word_has_one_meaning_in_the_fidelity_lexicon() -> None:
    from heard.coach.fidelity import _stem
    from heard.coach.lexicon import load

    first: dict[str, str] = {}
    for line in load("fidelity")["same"]["groups"]:
        for word in line.split():
            assert first.setdefault(_stem(word), line) == line, (word, first[_stem(word)], line)


@pytest.mark.parametrize(
    ("text", "effect", "outcome"),
    [
        # What went right because of it, and what did not go wrong.
        (
            "Thanks Priya for staying late to fix the payment bug - it meant the Friday release"
            " went out on time and no customer was charged twice.",
            [],
            ["it meant the Friday release went out on time and no customer"],
        ),
        (
            "Sam took over my tickets while I was off sick, so nothing slipped.",
            [],
            ["so nothing slipped"],
        ),
        (
            "Ben ran the retro and made sure the quiet people got heard - we came out with three"
            " actions we actually did.",
            ["the quiet people got heard"],
            ["three actions"],
        ),
        (
            "Lena caught the typo in the contract before it went to the client, which saved us"
            " a very awkward call.",
            ["saved us a very awkward call"],
            [],
        ),
    ],
)
def test_kudos_effects_and_outcomes_in_everyday_words(text, effect, outcome) -> None:
    report = specificity(text)
    assert report.action
    assert [s.text for s in report.effect] == effect
    assert [s.text for s in report.outcome] == outcome


@pytest.mark.parametrize(
    ("text", "blame", "learning"),
    [
        (
            "Marco deployed on a Friday without telling anyone and broke checkout.",
            ["Marco deployed on a Friday without telling"],
            [],
        ),
        ("Why did nobody check the logs?", ["Why did nobody"], []),
        (
            "Next time Priya needs to double-check before she merges.",
            ["Priya needs to double-check"],
            [],
        ),
        (
            "The runbook was out of date, which made the fix take two hours.",
            [],
            ["The runbook was out of date"],
        ),
        (
            "It was a process gap: two teams each thought the other owned the migration.",
            [],
            ["process gap", "each thought the other"],
        ),
        ("The on-call rota had a gap over the bank holiday.", [], ["had a gap"]),
        # The system's own questions and steps are not blame.
        ("Why did the alert not fire?", [], []),
        ("We deployed without a canary.", [], []),
    ],
)
def test_blame_and_learning_in_a_retro(text, blame, learning) -> None:
    report = blame_language(text)
    assert [s.text for s in report.blame] == blame
    assert [s.text for s in report.learning] == learning


@pytest.mark.parametrize(
    ("text", "kind", "evidence"),
    [
        (
            "My ex keeps turning up outside the office.",
            "safety",
            ["keeps turning up outside the office"],
        ),
        ("I'm a carer for my mum.", "health", ["I'm a carer"]),
        ("I'm looking after my dad since his stroke.", "health", ["looking after my dad"]),
        ("I'm waiting for a biopsy result.", "health", ["biopsy"]),
        ("I'm waiting for my results.", "health", ["waiting for my results"]),
        ("I'm broke until Friday.", "money", ["I'm broke"]),
    ],
)
def test_disclosures_at_work(text: str, kind: str, evidence: list[str]) -> None:
    (found,) = detect_disclosure(text)
    assert (found.kind, [s.text for s in found.spans]) == (kind, evidence)


@pytest.mark.parametrize(
    "text",
    [
        "The test results for the build are green.",
        "I'm broke on ideas for the offsite.",
        "I'm looking after my son this weekend.",
    ],
)
def test_look_alikes_of_disclosures_at_work(text: str) -> None:
    assert detect_disclosure(text) == ()


@pytest.mark.parametrize(
    ("said", "reflection"),
    [
        # Their own evaluative words handed back are a mirror, not a verdict.
        (
            "I think I should have been asked before they changed my rota.",
            "So you feel you should have been asked before your rota changed.",
        ),
        (
            "I was wrong about the estimate and now the team is behind.",
            "You got the estimate wrong and now the team is behind.",
        ),
        (
            "My manager says I'm too emotional in meetings and it really hurt.",
            "It hurt to hear your manager call you too emotional.",
        ),
    ],
)
def test_their_own_evaluative_words_are_not_judgement(said: str, reflection: str) -> None:
    report = reflection_fidelity(said, reflection)
    assert report.judgement == () and report.feedback == ()


def test_a_verdict_they_did_not_give_is_still_judgement() -> None:
    report = reflection_fidelity("I'm exhausted from covering nights.", "You should have said no.")
    assert [s.text for s in report.judgement] == ["You should have"]
    said = "My manager says I'm too emotional in meetings and it really hurt."
    assert [s.text for s in reflection_fidelity(said, "You're being too emotional.").judgement] == [
        "You're being"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Feel like killing myself tonight.",
        "I'm tired of living, I just wanna die.",
        "Every day I wish I was dead. I'm better off dead.",
        "I regret not killing myself. There's nothing to live for.",
        "I don't even like living any more.",
    ],
)
def test_a_crisis_gets_the_crisis_response(text: str) -> None:
    (found,) = detect_disclosure(text)
    assert found.kind == "health"
    assert "safe right now" in found.suggestion
    assert "emergency services" in found.referral and "crisis line" in found.referral


def test_illness_without_a_crisis_keeps_the_health_response() -> None:
    (found,) = detect_disclosure("I've started chemo, so mornings are hard.")
    assert "safe right now" not in found.suggestion
