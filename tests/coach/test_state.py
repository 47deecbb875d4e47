"""The other person's state: emotion, intensity, need and the dimension to lead with."""

from __future__ import annotations

import pytest

from heard.coach import analyze
from heard.coach.state import read_state, tone


def _read(context: str) -> tuple[str, list[str]]:
    """The emotion read from ``context`` and the words it was read from."""
    state = read_state(context)
    return state.emotion, [s.text for s in state.evidence]


@pytest.mark.parametrize(
    ("context", "emotion", "need", "lead"),
    [
        ("I'm absolutely furious, this is outrageous.", "anger", "upset", "emotional"),
        ("I'm so confused, what does this charge mean?", "confusion", "confused", "cognitive"),
        (
            "I've tried everything and it still won't let me log in.",
            "frustration",
            "stuck",
            "behavioural",
        ),
        ("I'm scared I'll lose the house.", "fear", "upset", "emotional"),
        ("Thank you so much for sorting it out.", "gratitude", "upset", "emotional"),
        ("Phew, what a relief.", "relief", "upset", "emotional"),
        ("My mum passed away last week and I'm heartbroken.", "sadness", "upset", "emotional"),
        # Situations that carry a feeling without naming it.
        ("The app keeps spinning and I cannot pay.", "frustration", "stuck", "behavioural"),
        ("My rent is due tomorrow and I'm already overdrawn.", "anxiety", "upset", "emotional"),
        # The feelings of teams as much as of customers.
        ("I'm completely burnt out after covering two rotas.", "exhaustion", "upset", "emotional"),
        (
            "I felt so left out when they announced it at the all-hands.",
            "hurt",
            "upset",
            "emotional",
        ),
        ("I'm mortified, I sent the client the wrong invoice.", "shame", "upset", "emotional"),
        ("We shipped it and I'm so proud of the team!", "joy", "upset", "emotional"),
        # Said as events, not feelings: left out, good news, an emergency.
        ("I keep getting talked over in stand-up.", "hurt", "upset", "emotional"),
        ("I got the promotion!", "joy", "upset", "emotional"),
        ("I passed my certification exam today!!", "joy", "upset", "emotional"),
        ("I had a family emergency and missed the shift.", "anxiety", "upset", "emotional"),
        # Not being able to pay the rent is a worry, not a payment form that fails.
        ("Now I cannot pay my rent.", "anxiety", "upset", "emotional"),
        ("I can't pay with my card.", "frustration", "stuck", "behavioural"),
        ("My dad is in hospital and I'm struggling to focus.", "anxiety", "upset", "emotional"),
        ("The new rota means I never see my kids.", "sadness", "upset", "emotional"),
        # What they say they feel outweighs what the situation suggests.
        (
            "I'm completely burnt out, I've covered nights for three weeks.",
            "exhaustion",
            "upset",
            "emotional",
        ),
        # A praise word under a negation is a let-down.
        ("I'm not very happy with how this went.", "disappointment", "upset", "emotional"),
        # Too little sleep and too much work, said as facts.
        (
            "I'm barely sleeping since the baby came and I'm behind on everything.",
            "exhaustion",
            "upset",
            "emotional",
        ),
        ("I'm swamped and I feel like I'm drowning.", "exhaustion", "upset", "emotional"),
        # Left without information is confusion; a lost booking is not.
        (
            "I don't know who I report to anymore and nobody tells us anything.",
            "confusion",
            "confused",
            "cognitive",
        ),
        ("I'm a bit lost with the new expenses form.", "confusion", "confused", "cognitive"),
        ("You lost my booking.", "frustration", "stuck", "behavioural"),
        # A laptop that died is a failure, not a bereavement; a missed flight is frustration.
        ("My laptop just died and I lost my basket.", "frustration", "stuck", "behavioural"),
        ("I missed my flight because your app crashed.", "frustration", "stuck", "behavioural"),
        ("I lost my job.", "sadness", "upset", "emotional"),
        # Turned away, or decided over.
        (
            "I tried to explain it to my manager and she just walked away.",
            "hurt",
            "upset",
            "emotional",
        ),
        (
            "I don't mind working hard but this deadline was set without asking anyone.",
            "hurt",
            "upset",
            "emotional",
        ),
        (
            "I've got my review tomorrow and I can't stop thinking about it.",
            "anxiety",
            "upset",
            "emotional",
        ),
        ("I've had a really rough week.", "sadness", "upset", "emotional"),
        ("They changed the plan and nobody warned us.", "hurt", "upset", "emotional"),
        ("You made me look stupid in the demo.", "shame", "upset", "emotional"),
        (
            "The handover was a mess, I got the pager and no runbook.",
            "frustration",
            "stuck",
            "behavioural",
        ),
    ],
)
def test_emotion_need_and_lead(context: str, emotion: str, need: str, lead: str) -> None:
    state = read_state(context)
    assert (state.emotion, state.need, state.lead) == (emotion, need, lead)
    for span in state.evidence:
        assert context[span.start : span.end] == span.text


@pytest.mark.parametrize(
    "context",
    [
        "Happy to help with the next step.",  # a service phrase, not joy
        "My phone battery drained overnight.",  # a battery, not a person
        "Pleased to confirm the order has shipped.",
    ],
)
def test_look_alike_phrases_are_not_feelings(context: str) -> None:
    assert read_state(context).emotion == "neutral"


def test_a_double_charge_with_rent_due_is_not_read_as_calm() -> None:
    state = read_state("I was charged twice and my rent is due tomorrow.")
    assert state.emotion in {"frustration", "anxiety"}
    assert state.intensity > 0
    assert state.need == "upset"  # money pressure outweighs the practical problem
    assert [s.text for s in state.evidence] == ["charged twice", "my rent is due"]


def test_neutral_text_has_no_emotion() -> None:
    state = read_state("Could you tell me the opening hours?")
    assert state.emotion == "neutral"
    assert state.need == "confused"
    assert state.evidence == ()


def test_intensity_rises_with_caps_exclamations_and_profanity() -> None:
    calm = read_state("I'm annoyed about the delay.").intensity
    loud = read_state("I'm SO annoyed about this damn delay!!!").intensity
    assert 0.0 <= calm < loud <= 1.0


def test_intensity_follows_how_strong_the_words_are() -> None:
    # The same feeling, softened, plain and at its height.
    for soft, plain, peak in [
        ("I'm a bit annoyed.", "I'm annoyed.", "I'm livid."),
        ("I'm slightly worried.", "I'm worried.", "I'm terrified."),
        ("I'm kind of sad.", "I'm sad.", "I'm devastated."),
    ]:
        levels = [read_state(t).intensity for t in (soft, plain, peak)]
        assert levels == sorted(set(levels)), (soft, levels)
    # One softened word among plain ones does not soften the whole message.
    assert (
        read_state("A bit worried, and honestly angry.").intensity
        == read_state("Worried, and honestly angry.").intensity
    )


def test_thanks_inside_a_complaint_does_not_win() -> None:
    assert read_state("Thanks for nothing, I'm livid.").emotion == "anger"


def test_tone_is_signed() -> None:
    assert tone("I'm furious and disgusted.") < 0 < tone("Thank you, I'm so relieved.")
    assert tone("The parcel is blue.") == 0.0


def test_state_is_only_read_with_context() -> None:
    assert analyze("Thanks for waiting.").state is None
    assert analyze("Thanks for waiting.", context="Where is my order?!").state is not None


def test_state_and_tone_come_from_one_reading() -> None:
    from heard.coach.state import read_state_and_tone

    for text in [
        "I'm furious and disgusted.",
        "Thank you, I'm so relieved.",
        "The parcel is blue.",
    ]:
        assert read_state_and_tone(text)[0] == read_state(text)


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("Ok, that worked, great.", 1),
        ("The new layout is much better.", 1),
        ("It's worse today than yesterday.", -1),
        ("The food was not great.", -1),
        ("Not bad at all.", 1),
        ("Ok, when will it be fixed?", 0),
        ("What kind of plan is it, and what did you mean by it?", 0),
        ("Good morning, I have a question about my bill.", 0),
        ("Have a good day.", 0),
        ("Hard to say until I try it.", 0),
    ],
)
def test_a_text_that_names_no_feeling_takes_its_tone_from_words_that_judge(
    text: str, sign: int
) -> None:
    from heard.coach.state import WORD_TONE

    assert read_state(text).emotion == "neutral"
    value = tone(text)
    assert (value > 0) - (value < 0) == sign
    assert abs(value) <= WORD_TONE < abs(tone("I'm furious."))


@pytest.mark.parametrize(
    ("context", "emotion", "evidence"),
    [
        ("still not working 😡😡", "anger", ["still not", "😡", "😡"]),
        ("😭😭 my order never came", "sadness", ["😭", "😭", "never came"]),
        ("love it ❤️", "joy", ["love it", "❤️"]),
        ("🤔 what does this mean?", "confusion", ["🤔", "what does this mean"]),
    ],
)
def test_emoji_carry_feelings(context: str, emotion: str, evidence: list[str]) -> None:
    state = read_state(context)
    assert state.emotion == emotion
    assert [s.text for s in state.evidence] == evidence
    for span in state.evidence:
        assert context[span.start : span.end] == span.text


def test_every_emoji_belongs_to_an_emotion_family() -> None:
    from heard.coach.lexicon import load

    data = load("emotions")
    families = set(data["emotion"])
    for name, chars in data["emoji"].items():
        if name != "source":
            assert name in families, name
            assert all(ord(c) > 0x2000 for c in chars), name  # single emoji characters
    assert read_state("ok 👍").emotion == "neutral"  # a thumbs-up is an acknowledgement


# Everyday ways of saying how they feel, each read into the family whose lines fit it
# (with the words that carried it).
@pytest.mark.parametrize(
    ("context", "emotion", "evidence"),
    [
        ("Honestly I'm really upset, the party was yesterday.", "sadness", ["upset"]),
        ("I'm upset with your service.", "anger", ["upset with your"]),
        ("I'm irate.", "anger", ["irate"]),
        ("I'm sick to death of this.", "anger", ["sick to death of"]),
        ("How dare you cut me off.", "anger", ["How dare", "cut me off"]),
        ("I've had enough.", "anger", ["I've had enough"]),
        ("I'm done with you people.", "anger", ["done with you people"]),
        ("The site is down again.", "frustration", ["site is down", "again"]),
        ("I'm at my wits' end.", "frustration", ["wits' end"]),
        ("I'm fed up with chasing this.", "frustration", ["fed up"]),
        ("I'm tired of asking.", "frustration", ["tired of"]),
        ("It's driving me up the wall.", "frustration", ["driving me up the wall"]),
        ("I keep getting cut off.", "frustration", ["keep getting cut off"]),
        ("Nothing has been done about it.", "frustration", ["Nothing has been done"]),
        ("I'm petrified.", "fear", ["petrified"]),
        ("I'm freaking out.", "fear", ["freaking out"]),
        ("My mind is racing.", "anxiety", ["My mind is racing"]),
        ("I'm on tenterhooks.", "anxiety", ["on tenterhooks"]),
        ("I feel awful.", "sadness", ["feel awful"]),
        ("I've been feeling down.", "sadness", ["I've been feeling down"]),
        ("I'm really struggling.", "sadness", ["I'm really struggling"]),
        ("I'm in a bad place.", "sadness", ["in a bad place"]),
        ("I'm distraught.", "sadness", ["distraught"]),
        ("Im feeling a little down", "sadness", ["feeling a little down"]),
        ("I'm not okay. It's all pointless.", "sadness", ["It's all pointless"]),
        (
            "My loneliness is killing me, I'm tired of being alone.",
            "sadness",
            ["loneliness", "tired of", "alone"],
        ),
        ("Phew, it finally arrived!", "relief", ["Phew", "finally arrived"]),
        (
            "It looks like there is finally light at the end of the tunnel.",
            "relief",
            ["light at the end of the tunnel"],
        ),
        ("I lost my job last week.", "sadness", ["lost my job"]),
        ("My dad passed away in March.", "grief", ["passed away"]),
        ("I'm calling about my late husband's account.", "grief", ["my late husband"]),
        ("I lost my pregnancy six weeks ago.", "grief", ["lost my pregnancy"]),
        ("I'm gutted it didn't arrive.", "disappointment", ["gutted"]),
        ("What a let-down.", "disappointment", ["let-down"]),
        ("I'm so demotivated.", "disappointment", ["demotivated"]),
        ("I'm absolutely shattered.", "exhaustion", ["absolutely shattered"]),
        ("I'm dead on my feet.", "exhaustion", ["dead on my feet"]),
        ("It felt like a slap in the face.", "hurt", ["slap in the face"]),
        ("I don't feel heard.", "hurt", ["don't feel heard"]),
        ("Nobody seems to notice.", "hurt", ["Nobody seems to notice"]),
        ("I feel like such an idiot.", "shame", ["feel like such an idiot"]),
        ("I messed up the rota.", "shame", ["I messed up"]),
        ("I don't get it.", "confusion", ["don't get it"]),
        ("What's going on with my order?", "confusion", ["What's going on"]),
        ("I'm lost, which button do I press?", "confusion", ["lost"]),
        ("I'm so glad.", "joy", ["glad"]),
        ("That's brilliant news!", "joy", ["brilliant news"]),
        ("That's wonderful.", "joy", ["That's wonderful"]),
    ],
)
def test_everyday_feeling_words(context: str, emotion: str, evidence: list[str]) -> None:
    assert _read(context) == (emotion, evidence)


# A feeling said not to be there is not read; one said strongly through a negation is.
@pytest.mark.parametrize(
    ("context", "emotion"),
    [
        ("I'm not angry, just confused.", "confusion"),
        ("I'm not worried about it.", "neutral"),
        ("Don't worry.", "neutral"),
        ("There's nothing to be scared of.", "neutral"),
        ("I wasn't really worried.", "neutral"),
        ("I'm not feeling anxious any more.", "neutral"),
        ("I couldn't be more frustrated.", "frustration"),
        ("I can't tell you how angry I am.", "anger"),
        ("I've never been so angry.", "anger"),
        ("I'm not happy with this.", "disappointment"),
        ("Isn't it frustrating?", "frustration"),
    ],
)
def test_a_negated_feeling_is_not_read(context: str, emotion: str) -> None:
    assert read_state(context).emotion == emotion


@pytest.mark.parametrize(
    "context",
    [
        "My screen is shattered.",  # a phone, not a person
        "I'm down for Thursday.",  # agreeing, not low
        "The price went down to £20.",
        "She crushed it in the demo.",
        "I have an upset stomach.",
        "When will it finally arrive?",  # no relief in a wait
        "What's the point of this form?",
        "I'm going down to the shop.",
        "We've been in lock down for a year.",
    ],
)
def test_more_look_alikes_are_not_feelings(context: str) -> None:
    assert read_state(context).emotion == "neutral"


# How people say they are struggling at work, and a situation weighed against a feeling.
@pytest.mark.parametrize(
    ("context", "emotion", "evidence"),
    [
        (
            "The customer shouted at me for twenty minutes and I'm shaking.",
            "fear",
            ["shouted at me", "I'm shaking"],
        ),
        ("I'm not sure I'm cut out for this role.", "anxiety", ["cut out for"]),
        ("I'm out of my depth with this migration.", "anxiety", ["out of my depth"]),
        ("I'm not coping.", "anxiety", ["I'm not coping"]),
        (
            "Everything is on fire and I'm the only one on call.",
            "anxiety",
            ["Everything is on fire"],
        ),
        # "again" suggests frustration; a word that names the feeling outweighs it.
        ("I got passed over for the promotion again.", "hurt", ["got passed over", "again"]),
        (
            "I've been waiting three weeks and I'm worried.",
            "anxiety",
            ["waiting three weeks", "worried"],
        ),
        ("Nobody thanked us for working the whole weekend.", "hurt", ["Nobody thanked us"]),
        (
            "My manager criticised me in front of the whole team.",
            "shame",
            ["criticised me in front of"],
        ),
        ("I feel like I'm failing at everything.", "shame", ["I feel like I'm failing"]),
        (
            "Nobody's explained the new rota and I don't know when I'm working.",
            "confusion",
            ["Nobody's explained", "don't know when"],
        ),
        ("It's really getting to me.", "sadness", ["getting to me"]),
        ("I'm starting to wonder why I bother.", "disappointment", ["wonder why I bother"]),
        ("We finally shipped it!", "joy", ["We finally shipped"]),
        ("I was shaking with anger.", "anger", ["anger"]),
        (
            "I'm really struggling with the on-call rota.",
            "exhaustion",
            ["struggling with the on-call rota"],
        ),
        (
            "I'm struggling with everything at the moment.",
            "sadness",
            ["struggling with everything"],
        ),
        # Not good enough: a service found wanting, not self-doubt.
        ("The service is not good enough.", "disappointment", ["is not good enough"]),
        ("I feel like I'm not good enough.", "anxiety", ["I'm not good enough"]),
    ],
)
def test_struggling_at_work(context: str, emotion: str, evidence: list[str]) -> None:
    assert _read(context) == (emotion, evidence)


@pytest.mark.parametrize(
    "context",
    [
        "The washing machine is shaking.",
        "I did it one time but it made no difference.",
        "The parcel finally got to me.",
        "I'm struggling with the new app.",  # stuck, not low
    ],
)
def test_look_alikes_of_struggling_at_work(context: str) -> None:
    assert read_state(context).emotion == "neutral"


# How customers put it when they write in: insults, ultimatums, the loyal customer let
# down, things gone, a repeat said before.
@pytest.mark.parametrize(
    ("context", "emotion", "evidence"),
    [
        ("Are you completely useless?", "anger", ["Are you completely useless"]),
        ("Put me through to a manager. Now.", "anger", ["Put me through to a manager"]),
        (
            "You have one hour to make this right or my 80k followers hear all about it.",
            "anger",
            ["You have one hour to", "my 80k followers hear"],
        ),
        ("Legal robbery.", "anger", ["Legal robbery"]),
        (
            "Do you people even understand?",
            "anger",
            ["Do you people even understand"],
        ),
        (
            "I have never once complained, and I wonder whether I should look elsewhere.",
            "disappointment",
            ["never once complained", "look elsewhere"],
        ),
        (
            "So which is it? I'm screenshotting everything.",
            "frustration",
            ["So which is it", "screenshotting everything"],
        ),
        ("I already said this last week.", "frustration", ["I already said"]),
        ("Twelve years of playlists gone.", "frustration", ["playlists gone"]),
        ("Our team lost every edit from yesterday.", "frustration", ["Our team lost every"]),
        ("The checkout is throwing errors.", "frustration", ["throwing errors"]),
        ("My internet has been off since six.", "frustration", ["been off since six"]),
        ("I press Save and nothing happens.", "frustration", ["nothing happens"]),
        (
            "I don't really understand what's wrong with it.",
            "confusion",
            ["don't really understand"],
        ),
        ("I don't want to be cut off.", "anxiety", ["don't want to be cut off"]),
        ("Can you do that without him being told?", "fear", ["without him being told"]),
        ("It's been a really long week.", "exhaustion", ["been a really long week"]),
        ("Worst airline ever. #neveragain", "anger", ["Worst airline ever", "neveragain"]),
        ("Otherwise I'll post about you everywhere.", "anger", ["post about you everywhere"]),
        ("Money is tight at the moment.", "anxiety", ["Money is tight"]),
        ("I want a manager.", "anger", ["I want a manager"]),
        ("That isn't an answer.", "frustration", ["That isn't an answer"]),
        ("That doesn't bring back my recipes.", "frustration", ["That doesn't bring back"]),
        ("I am not sending you his card number. This is awful.", "sadness", ["This is awful"]),
        ("Had a shitty day.", "sadness", ["a shitty day"]),
    ],
)
def test_how_customers_put_it(context: str, emotion: str, evidence: list[str]) -> None:
    assert _read(context) == (emotion, evidence)


@pytest.mark.parametrize(
    ("context", "emotion"),
    [
        # A thanks that closes a request is courtesy; thanks for something done is gratitude.
        ("Can you just fix it? Thanks, Priya (Little Acorns Playgroup)", "neutral"),
        ("Could I get my money back?\n\nThanks,\nBilal", "neutral"),
        ("Please send the form. Thanks in advance!", "neutral"),
        ("That worked. Thanks!", "gratitude"),
        ("Great job on the fix. Thank you, Sam!", "gratitude"),
        ("Can you help? Thank you so much, you're a lifesaver.", "gratitude"),
        # Look-alikes of the words above.
        ("Hello love, it's only me again.", "neutral"),
        # "again" after thanks, an apology or a greeting is courtesy, not a repeated fault.
        ("i hope you have a good evening, thanks again, bye", "gratitude"),
        ("Thank you again for listening.", "gratitude"),
        ("Sorry again for the rant.", "neutral"),
        ("hello again, the app crashed again", "frustration"),
        ("He's useless with tech.", "neutral"),
        ("Do you understand what I mean?", "neutral"),
        ("I was on a 2 month streak.", "neutral"),
        ("I'm down for Thursday.", "neutral"),
        ("The credit for this month, and I'll think about the annual plan.", "neutral"),
    ],
)
def test_courtesy_and_look_alikes(context: str, emotion: str) -> None:
    assert read_state(context).emotion == emotion


@pytest.mark.parametrize(
    ("context", "emotion", "also"),
    [
        # Two feelings said together: the main one leads, the other is kept beside it.
        ("I'm relieved it's finally fixed, but honestly still angry it took a week.", "anger",
         ("relief",)),
        ("Thanks for sorting it, though I'm still really worried it'll happen again.", "anxiety",
         ("gratitude",)),
        ("I'm happy about the promotion but terrified I'll mess it up.", "fear", ("joy",)),
        ("I'm excited to start but nervous about meeting everyone.", "anxiety", ("joy",)),
        ("I'm glad it worked out but I feel guilty that Sam had to cover.", "shame", ("joy",)),
        # One feeling, a denied one, or one read from what happened: nothing beside it.
        ("I'm disappointed, not angry, just disappointed.", "disappointment", ()),
        ("I'm not angry, I'm confused about what happened.", "confusion", ()),
        ("My parcel is late again.", "frustration", ()),
        # A feeling they do not say is theirs ("part of me is...") is left out.
        ("Part of me is relieved the project got cancelled, part of me is gutted.",
         "disappointment", ()),
    ],
)  # fmt: skip
def test_mixed_feelings(context: str, emotion: str, also: tuple[str, ...]) -> None:
    state = read_state(context)
    assert (state.emotion, state.also) == (emotion, also)
    assert state.to_dict()["also"] == list(also)


@pytest.mark.parametrize(
    ("context", "emotion", "evidence"),
    [
        # Everyday feeling words beyond support calls, as people write about their week.
        ("She was so rude to me in front of everyone.", "anger", ["so rude"]),
        ("I can't believe they gave my seat away!", "anger", ["can't believe they"]),
        ("It really bothers me when people push in.", "frustration", ["bothers me"]),
        ("My neighbour gets on my nerves.", "frustration", ["gets on my nerves"]),
        ("The noise outside scared me.", "fear", ["scared"]),
        ("I'm fearful for my job.", "fear", ["fearful"]),
        ("It was a nerve-wracking flight.", "anxiety", ["nerve-wracking"]),
        ("I really miss my dad.", "sadness", ["I really miss my dad"]),
        ("I cried all the way home.", "sadness", ["cried"]),
        ("We're going through a hard time.", "sadness", ["going through a hard time"]),
        ("It has been really hard lately.", "sadness", ["It has been really hard"]),
        ("I didn't get the job I interviewed for.", "disappointment", ["didn't get the job"]),
        ("Our trip was cancelled at the last minute.", "disappointment", ["trip was cancelled"]),
        ("I feel bad about forgetting her birthday.", "shame", ["I feel bad"]),
        (
            "I can't believe I forgot my own password again.",
            "shame",
            ["can't believe I forgot", "again"],
        ),
        ("I was so embarassed.", "shame", ["embarassed"]),
        ("I'm so thankful for your patience.", "gratitude", ["thankful"]),
        ("That means a lot.", "gratitude", ["That means a lot"]),
        ("So stoked for the weekend!", "joy", ["stoked"]),
        ("I can't wait to see them.", "joy", ["can't wait"]),
        ("I couldn't be happier.", "joy", ["couldn't be happier"]),
        ("My partner has been cheating on me.", "hurt", ["cheating on me"]),
        ("I'm at breaking point with this rota.", "exhaustion", ["at breaking point"]),
        ("I feel worthless.", "sadness", ["feel worthless"]),
        ("I'm stuck in a rut.", "sadness", ["stuck in a rut"]),
        ("I got laid off last week.", "sadness", ["laid off"]),
        ("I've been furloughed again.", "sadness", ["furloughed", "again"]),
        ("Sometimes I feel inadequate as a parent.", "shame", ["feel inadequate"]),
        ("My friends are avoiding me.", "hurt", ["avoiding me"]),
        ("She stabbed me in the back.", "hurt", ["stabbed me in the back"]),
        ("My ex is harassing me.", "anger", ["harassing me"]),
        ("He's spreading rumours about me.", "anger", ["spreading rumours about me"]),
        (
            "I have a final tomorrow and I might not pass.",
            "anxiety",
            ["final tomorrow", "might not pass"],
        ),
        (
            "There's so much pressure from my parents.",
            "anxiety",
            ["so much pressure"],
        ),
        ("Don't you dare close this ticket.", "anger", ["Don't you dare"]),
        (
            "I've explained this to four different people. Why do I have to start over?",
            "frustration",
            ["explained this to four different people", "start over"],
        ),
        (
            "There's a strange man waiting outside the shop every night.",
            "fear",
            ["a strange man waiting"],
        ),
        ("I keep checking my account every hour.", "anxiety", ["keep checking my account"]),
        ("We had to put our dog down yesterday.", "grief", ["put our dog down"]),
        ("Oh thank goodness, I thought I'd lost all my photos.", "relief", ["thank goodness"]),
        (
            "Sorry, I think I deleted the whole folder by mistake. I feel terrible.",
            "shame",
            ["by mistake. I feel terrible"],
        ),
        ("I feel awful, I deleted the client folder.", "shame", ["I feel awful, I deleted"]),
        ("I feel terrible.", "sadness", ["feel terrible"]),
        # Feelings said in plain words, or as what happened.
        ("I can't wait for the holidays!", "joy", ["can't wait"]),
        ("We're so lucky to have such a good neighbour.", "gratitude", ["so lucky"]),
        ("When the results came in I felt destroyed.", "sadness", ["felt destroyed"]),
        ("I feel bad for missing her recital.", "shame", ["I feel bad"]),
        ("Spiders give me the creeps.", "fear", ["give me the creeps"]),
        ("My cheeks went bright red when he read it out.", "shame", ["My cheeks went bright red"]),
        ("I really shouldn't have said that to her.", "shame", ["I really shouldn't have"]),
        ("Since the move I have nobody to go out with.", "sadness", ["nobody to go out with"]),
        ("Last month my girlfriend and I broke up.", "sadness", ["and I broke up"]),
        ("The vet said our cat has to be euthanised.", "grief", ["euthanised"]),
        ("My sister was diagnosed with cancer in May.", "sadness", ["diagnosed with"]),
        ("The older boys used to bully me at the bus stop.", "hurt", ["bully me"]),
        ("They went to the pub without me again.", "hurt", ["went to the pub without me"]),
        ("My manager didn't even care.", "hurt", ["didn't even care"]),
        ("My extra hours go unnoticed.", "hurt", ["hours go unnoticed"]),
        (
            "Sorry all, I pushed the wrong config and took the site down.",
            "shame",
            ["I pushed the wrong"],
        ),
        ("I broke the build, sorry.", "shame", ["I broke the build"]),
        ("Honestly, life is good.", "joy", ["life is good"]),
        ("It was wonderful to have a week at home.", "joy", ["It was wonderful to"]),
        ("I'm so hyped for Saturday!", "joy", ["so hyped"]),
        ("I'm happy to be back at work.", "joy", ["I'm happy to be"]),
        ("She passed her driving licence!", "joy", ["passed her driving licence"]),
        ("My son got into art school.", "joy", ["got into art school"]),
        ("Queueing twice is such a pain.", "frustration", ["such a pain"]),
        ("I can't stand it when meetings overrun.", "frustration", ["can't stand it"]),
        ("The plumber never even showed up.", "disappointment", ["never even showed up"]),
        # Terse and plain support lines.
        ("It freezes every time I open the camera.", "frustration", ["every time I open"]),
        ("Updated it and now nothing loads.", "frustration", ["nothing loads"]),
        (
            "I've told you four times it's the wrong address.",
            "frustration",
            ["I've told you four times"],
        ),
        (
            "I've been trying to reach someone all week.",
            "frustration",
            ["I've been trying to reach someone"],
        ),
        ("That's the last straw.", "anger", ["the last straw"]),
        ("I freak out every time the phone rings.", "fear", ["freak out"]),
        (
            "My interview is in an hour.",
            "anxiety",
            ["interview is in an hour"],
        ),
        ("We've had no hot water since Sunday.", "anxiety", ["no hot water"]),
        (
            "I'm always the only one who stays to close up.",
            "hurt",
            ["I'm always the only one who stays"],
        ),
        (
            "I was up until 2am on the release and nobody even said thanks.",
            "hurt",
            ["nobody even said thanks"],
        ),
        ("A lorry was tailgating me the whole way.", "anger", ["tailgating"]),
        ("Someone stole the tools out of my van.", "anger", ["stole the tools out of my"]),
        ("I thought someone was trying to break in.", "fear", ["someone was trying to break in"]),
        ("I'm not looking forward to the review on Monday.", "anxiety", ["not looking forward to"]),
        ("That site looks really dodgy.", "anxiety", ["looks really dodgy"]),
        ("I got a terrible mark on the essay.", "disappointment", ["a terrible mark"]),
        (
            "The gig was called off at the last minute.",
            "disappointment",
            ["called off at the last minute"],
        ),
        (
            "I got accepted into the nursing programme!",
            "joy",
            ["accepted into the nursing programme"],
        ),
        ("We won £50 in the raffle!", "joy", ["We won £50"]),
        ("Watching her learn to swim has been so rewarding.", "joy", ["so rewarding"]),
        ("I feel at ease for the first time in months.", "joy", ["feel at ease"]),
    ],
)
def test_feeling_words_of_everyday_life(context: str, emotion: str, evidence: list[str]) -> None:
    assert _read(context) == (emotion, evidence)


@pytest.mark.parametrize(
    "context",
    [
        "I think it's rude to assume.",
        "It is hard to find the button.",
        "I look forward to your reply.",
        "I can't wait until Friday for a refund.",
        "I feel bad for you, that sounds awful to deal with.",
        "My computer keeps giving me a hard time.",
        "This is the worst it'll ever be, then it gets better.",
        "It means a lot to me but I can't focus on it.",
        "I put him to sleep at eight, then logged back in.",
        "Can you put my name down for the Friday slot?",
        "I can't wait for a refund much longer.",
        "I shouldn't have to chase this.",
        "I won't pay this.",
        "The error was not noticed until Monday.",
        "You took the site down!",
        "Hello, it's nice to meet you.",
        "I'm happy to wait.",
        "I'm happy to pay the fee.",
        "I have a pain in my back.",
        "I'm the only one who got it right!",
        "Our gas bill went up.",
        "I took the bus down to the shop.",
    ],
)
def test_look_alikes_of_everyday_feelings(context: str) -> None:
    emotion, _ = _read(context)
    assert emotion not in {"anger", "sadness", "joy", "shame", "gratitude"}, emotion


@pytest.mark.parametrize(
    ("context", "emotion"),
    [
        ("The box arrived empty.", "neutral"),
        ("I feel so empty since she left.", "sadness"),
        ("Good job, a family, but it's all empty.", "sadness"),
        ("I'm so upset with the shipping company.", "anger"),
        ("Have you ever had your heart broken?", "sadness"),
    ],
)
def test_empty_upset_and_broken_as_feelings(context: str, emotion: str) -> None:
    assert read_state(context).emotion == emotion


def test_left_without_someone_is_not_done_without_their_signature() -> None:
    assert _read("The engineer left without me signing anything.") == ("neutral", [])
    assert _read("They left without me.") == ("hurt", ["left without me"])


@pytest.mark.parametrize(
    "context",
    [
        "I want to kill myself.",
        "Why am I still fighting? I just want to die.",
        "Sometimes I have suicidal thoughts.",
        "I've started cutting myself again.",
        # Other feelings said more often do not outweigh it.
        "I'm tired of it all, tired of being let down, tired of trying. I want to kill myself.",
    ],
)
def test_thoughts_of_suicide_or_self_harm_are_the_deepest_sadness(context: str) -> None:
    state = read_state(context)
    assert (state.emotion, state.need, state.lead) == ("sadness", "upset", "emotional")
    assert state.intensity >= 0.4


@pytest.mark.parametrize(
    ("context", "need"),
    [
        # A request for action is "stuck", whatever question mark ends it.
        ("Can you just unlock my account? I have a client call in ten minutes.", "stuck"),
        ("The build has been red all morning and I can't merge. Can someone look?", "stuck"),
        ("Please cancel my subscription before Monday.", "stuck"),
        ("I just need it closed.", "stuck"),
        ("Could I get my money back?", "stuck"),
        # A question for facts is "confused", even with a worry beside it.
        ("Is this email about a failed payment really from you? I'm a bit worried.", "confused"),
        ("Last week I was told delivery is free, now it says £4.99. Which is right?", "confused"),
        ("Why has my bill gone up? Nobody told me.", "confused"),
        ("Can you take the Friday on-call? I've got my daughter's recital.", "stuck"),
        ("I need someone to review my PR before the release tonight.", "stuck"),
        (
            "Which of these two priorities should I do first? I was told both are urgent.",
            "confused",
        ),
        ("Am I supposed to own the client calls now, or is that still Sam?", "confused"),
        ("I feel like nobody on this team respects me.", "upset"),
        # Needing someone to listen is not a request for action.
        ("I really need someone to talk to. Everything is falling apart.", "upset"),
        # Asked what to do, an order, or access asked for.
        ("My card was charged twice. What do I do?", "confused"),
        ("Cancel my subscription. I'm done.", "stuck"),
        ("Could I get access to the shared account?", "stuck"),
        ("Not sure if this is the right place, but my address is wrong on the order.", "stuck"),
        ("I need to get up for work but I can't face it.", "upset"),
    ],
)
def test_requests_for_action_and_questions_for_facts(context: str, need: str) -> None:
    assert read_state(context).need == need
