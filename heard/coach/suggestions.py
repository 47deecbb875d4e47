"""Suggestions for missing moves, drawn from the phrase bank to fit emotion and need."""

from __future__ import annotations

import re
import zlib
from functools import cache

from .disclosure import crisis_pattern
from .lexicon import fold, load
from .reflect import fill, their_words
from .state import positive_emotions
from .types import Finding, OtherState, Suggestion

# Which moves matter most, in order, for each primary need.
PRIORITY = {
    "upset": ("emotion_labelling", "validation", "acknowledging_impact", "next_steps"),
    "confused": ("interpretation", "exploring_question", "next_steps", "emotion_labelling"),
    "stuck": ("acknowledging_impact", "next_steps", "offering_support", "emotion_labelling"),
    None: ("emotion_labelling", "exploring_question", "next_steps"),
}
# Good news or thanks (an emotion of positive valence) asks for sharing the feeling and
# curiosity, not repair.
PRIORITY_POSITIVE = ("emotion_labelling", "exploring_question", "acknowledging_impact")
# Thoughts of suicide or self-harm in their words: ask about safety first, then meet the
# pain, then get them to help (the phrase bank's lines cued by "crisis").
PRIORITY_CRISIS = ("exploring_question", "emotion_labelling", "offering_support", "warm_handoff")
# A pitfall is best repaired by the move it crowds out.
REPAIR = {
    "scripted_line": ("emotion_labelling", "the stock phrase can sound performed"),
    "reassurance_without_action": ("next_steps", "reassurance lands when it comes with a step"),
    "premature_solution": ("emotion_labelling", "acknowledge the feeling before the fix"),
    "defensiveness": ("concrete_apology", "own what went wrong instead of defending it"),
    "blame": ("concrete_apology", "take ownership instead of placing fault"),
    "minimising": ("validation", "the problem is as big as it feels to them"),
    "judgement": ("interpretation", "describe their view without evaluating it"),
    "one_upping": ("exploring_question", "bring the attention back to their story"),
    "mirroring_anger": ("offering_space", "lower the temperature before going on"),
    "over_promising": ("next_steps", "commit to what you will actually do"),
    "absolutist_language": ("interpretation", "describe this situation, not all situations"),
}
REASON = {
    "emotion_labelling": "Naming the feeling shows you noticed it",
    "acknowledging_impact": "Saying what this cost them shows you see the whole problem",
    "concrete_apology": "An apology that names what went wrong is believed",
    "validation": "Telling them their reaction makes sense lowers the temperature",
    "interpretation": "Reflecting their view in your words proves you listened",
    "exploring_question": "An open question invites the part of the story you don't have yet",
    "next_steps": "A concrete next step turns empathy into something they can rely on",
    "offering_support": "Offering a choice gives them back some control",
    "boundary_statement": "A clear, kind limit is easier to hear than a vague one",
    "offering_space": "A pause helps when feelings run high",
    "warm_handoff": "Passing on the context spares them repeating the story",
}
CRISIS_REASON = (
    "They may be thinking of ending their life: asking directly and calmly whether they are "
    "safe comes before anything else, and asking does not put the idea in their head"
)
SAFETY_QUESTION = "exploring_question"
# A question of the reply that already asks about their safety.
_SAFETY = re.compile(
    r"\b(?:safe|suicid\w*|ending your life|killing yourself|(?:hurt|harm)(?:ing)? yourself|self[- ]harm)\b",
    re.IGNORECASE,
)
MAX_SUGGESTIONS = 3
MAX_ALTERNATIVES = 2  # other phrasings offered beside each suggestion


# How each emotion reads after "they seem …".
SEEM = {
    "anger": "angry",
    "frustration": "frustrated",
    "fear": "afraid",
    "disappointment": "disappointed",
    "sadness": "sad",
    "grief": "bereaved",
    "confusion": "confused",
    "anxiety": "anxious",
    "relief": "relieved",
    "gratitude": "grateful",
    "exhaustion": "exhausted",
    "hurt": "hurt",
    "shame": "embarrassed",
    "joy": "happy",
    "neutral": "calm",
}


def seem(state: OtherState) -> str:
    """How they seem, in words for people, with the other feelings they named.

    >>> seem(OtherState("anger", 0.5, "upset", "emotional", (), 0.5, ("relief",)))
    'angry, and relieved too'
    """
    main = SEEM.get(state.emotion, state.emotion)
    if not state.also:
        return main
    return f"{main}, and {' and '.join(SEEM.get(e, e) for e in state.also)} too"


# What each need asks of the reply, in words for people.
NEED_TEXT = {
    "upset": "emotional resonance (they are upset)",
    "confused": "understanding and information (they are confused)",
    "stuck": "practical help (they are stuck)",
}
# Good news, thanks and relief ask for resonance too, but they are not upset.
_GLAD_TEXT = {
    "joy": "emotional resonance (they are sharing good news)",
    "gratitude": "emotional resonance (they are thankful)",
    "relief": "emotional resonance (they are relieved)",
}


def need_text(state: OtherState) -> str:
    """What the other person's need asks of the reply, in words for people.

    >>> from heard.coach.state import read_state
    >>> need_text(read_state("I got the promotion!"))
    'emotional resonance (they are sharing good news)'
    """
    if state.need == "upset" and state.emotion in _GLAD_TEXT:
        return _GLAD_TEXT[state.emotion]
    return NEED_TEXT.get(state.need, state.need)


@cache
def _bank() -> tuple[dict, ...]:
    return tuple(load("phrase_bank")["phrase"])


@cache
def _cues() -> tuple[dict[str, re.Pattern], frozenset[str], frozenset[str]]:
    """Each cued phrase's text -> what in the other person's words it was written for; the
    phrases offered only when their cues match ("cued_only"); and those that then come before
    every other line ("cued_first")."""
    sets = {
        name: re.compile(r"\b(?:" + "|".join(words) + ")", re.IGNORECASE)
        for name, words in load("phrase_bank").get("cue_sets", {}).items()
    }
    # Built in: thoughts of suicide or self-harm, the crisis list of the disclosure lexicon.
    sets["crisis"] = crisis_pattern()
    cues = {p["text"]: sets[p["cues"]] for p in _bank() if p.get("cues")}
    only = frozenset(p["text"] for p in _bank() if p.get("cued_only"))
    return cues, only, frozenset(p["text"] for p in _bank() if p.get("cued_first"))


@cache
def _tiers(move: str, emotion: str | None, need: str | None) -> tuple[tuple[str, ...], ...]:
    """The phrases that fit a move, best fit first: exact emotion and need beat wildcards.

    A phrase written for any emotion presumes some trouble, so good news and thanks only
    get the phrases written for them; ``not_emotions`` keeps a wildcard phrase away from
    feelings it would jar with (a "technical problem" line after a bereavement).
    """
    scored: dict[int, list[str]] = {}
    for p in _bank():
        if p["move"] != move or emotion in p.get("not_emotions", ()) or "also" in p:
            continue
        wildcard = "*" in p["emotions"] and emotion not in positive_emotions()
        em = 2 if emotion in p["emotions"] else 1 if wildcard else -1
        nd = 2 if need in p["needs"] else 1 if "*" in p["needs"] else -1
        if em < 0 or nd < 0:
            continue
        scored.setdefault(em * 3 + nd * 2, []).append(p["text"])
    return tuple(tuple(scored[k]) for k in sorted(scored, reverse=True))


@cache
def _mixed(move: str, emotion: str | None) -> tuple[tuple[str, frozenset[str]], ...]:
    """The lines for mixed feelings that fit a move and main emotion, with the other
    feelings each was written for (``also`` in the phrase bank)."""
    return tuple(
        (p["text"], frozenset(p["also"]))
        for p in _bank()
        if "also" in p and p["move"] == move and emotion in p["emotions"]
    )


def pick_phrase(move: str, emotion: str | None, need: str | None, seed: str = "") -> str:
    """The best-fitting phrase for a move; ties vary with ``seed`` so lines don't repeat.

    >>> pick_phrase("offering_space", "sadness", "upset")
    'We can go at whatever pace feels right for you.'
    """
    ranked = rank_phrases(move, emotion, need, seed)
    return ranked[0] if ranked else ""


def rank_phrases(
    move: str,
    emotion: str | None,
    need: str | None,
    seed: str = "",
    slots: dict[str, str] | None = None,
    context: str | None = None,
    also: tuple[str, ...] = (),
) -> list[str]:
    """Every phrase that fits a move, the one to offer first.

    Best fit comes first; among equals, a phrase whose ``cues`` match the other person's
    words (``context``) comes first ("nobody thanked us" brings the line about work that
    went unnoticed before the one about being left out of a decision), and the order turns
    with ``seed`` so lines don't repeat. A ``cued_only`` phrase is offered only when its
    cues match: "still shaken" fits a caller who shouted, not a fear of losing a job.
    With ``slots`` (the other person's words, see ``reflect.their_words``), phrases whose
    every slot can be filled come first, filled in: a line in their own words beats a
    slightly closer but generic one. With ``also`` (other feelings they named beside the
    main one), the lines written for that mix come before all others.

    >>> rank_phrases("validation", "hurt", "upset", context="Nobody thanked us.")[0]
    'Of course that hurt. Wanting [the effort you put in] to be noticed is fair.'
    >>> rank_phrases("emotion_labelling", "anger", "upset", also=("relief",))[0]
    "I'm glad it's finally sorted, and it makes sense you're still annoyed it took this long."
    """
    key = zlib.crc32(seed.encode("utf-8", "replace"))
    cues, cued_only, cued_first = _cues()
    mixed = [text for text, meant in _mixed(move, emotion) if meant & set(also)]
    first: list[str] = []
    ordered: list[str] = []
    for tier in _tiers(move, emotion, need):
        cued = [p for p in tier if p in cues and context and cues[p].search(context)]
        first += [p for p in cued if p in cued_first]
        cued = [p for p in cued if p not in cued_first]
        rest = [p for p in tier if p not in cued and p not in cued_only and p not in first]
        for part in (cued, rest):
            if part:
                turn = key % len(part)
                ordered += part[turn:] + part[:turn]
    ordered = first + ordered
    if not slots:
        return mixed + ordered
    filled = [fill(p, slots) for p in ordered]
    personal = [f for p, f in zip(ordered, filled, strict=True) if f != p and "[" not in f]
    return [fill(p, slots) for p in mixed] + personal + [f for f in filled if f not in personal]


def asked_about_safety(moves: tuple[Finding, ...]) -> bool:
    """Whether a reply's questions ask about the person's safety ("Are you safe right now?")."""
    return any(
        f.label == SAFETY_QUESTION and any(_SAFETY.search(s.text) for s in f.spans) for f in moves
    )


def suggest(
    moves: tuple[Finding, ...],
    pitfalls: tuple[Finding, ...],
    state: OtherState | None,
    seed: str = "",
    context: str | None = None,
) -> tuple[Suggestion, ...]:
    """Up to three suggestions: repairs for pitfalls first, then missing priority moves (after
    thoughts of suicide or self-harm, a question about their safety before everything).

    Each offers its best line and up to two alternatives; with the other person's message
    (``context``), slots like "[what happened]" are filled with their own words.
    """
    present = {f.label for f in moves}
    # Cues are matched on the folded words ("don’t" as "don't"); slots come from the words.
    cue_text = fold(context) if context else None
    crisis = cue_text is not None and crisis_pattern().search(cue_text) is not None
    if crisis and not asked_about_safety(moves):
        # Thoughts of suicide or self-harm: the safety question is asked for even when the
        # reply asked something else.
        present.discard(SAFETY_QUESTION)
    emotion = state.emotion if state else None
    need = state.need if state else None
    also = state.also if state else ()
    slots = their_words(context) if context else None
    wanted: list[tuple[str, str]] = [(SAFETY_QUESTION, CRISIS_REASON + ".")] if crisis else []
    for f in pitfalls:
        move, why = REPAIR[f.label]
        wanted.append((move, f"Instead of {f.label.replace('_', ' ')}: {why}."))
    if crisis:
        priority = PRIORITY_CRISIS
    elif emotion in positive_emotions():
        priority = PRIORITY_POSITIVE
    else:
        priority = PRIORITY[need]
    for move in priority:
        reason = REASON[move]
        if state is not None:
            reason += f" (they seem {seem(state)}; lead with the {state.lead} dimension)"
        wanted.append((move, reason + "."))
    out: list[Suggestion] = []
    seen: set[str] = set()
    for move, reason in wanted:
        if move in present or move in seen:
            continue
        ranked = rank_phrases(move, emotion, need, seed, slots, cue_text, also)
        if ranked:
            alternatives = tuple(ranked[1 : 1 + MAX_ALTERNATIVES])
            out.append(Suggestion(move, ranked[0], reason, alternatives))
            seen.add(move)
        if len(out) >= MAX_SUGGESTIONS:
            break
    return tuple(out)
