"""Reflection fidelity for listening circles.

How much of the speaker's content and feeling a reflection captured, what it added that the
speaker never said, and whether it slipped in judgement or rebuttal.

Content words are compared by their Snowball stems ("moved" and "moving" are one word), and
everyday words of the same meaning count as one ("enjoy" brings back "love");
feelings by emotion family ("exhausted" and "worn out" are one feeling). Judgement is the
reflection's own evaluative words plus the coach's judgement and blame pitfalls; rebuttal is
disagreement plus the minimising, defensive, one-upping and advice-giving pitfalls, none of
which belong in a reflection.
"""

from __future__ import annotations

import re
from functools import cache

import snowballstemmer

from .engine import text_keys
from .lexicon import FLAGS, PITFALLS, compile_alternation, fold, load
from .moves import marker_set
from .spans import MAX_CHARS, MAX_SPANS, find_spans, spans_at
from .state import emotion_hits_and_denied, emotion_valence, is_situation
from .suggestions import SEEM
from .types import FidelityReport, Span

# The coach's pitfalls that also spoil a reflection, by the part of the report they join.
_JUDGEMENT_PITFALLS = frozenset({"judgement", "blame"})
_REBUTTAL_PITFALLS = frozenset({"minimising", "defensiveness", "one_upping", "premature_solution"})

_WORD = re.compile(r"[a-z][a-z'-]+", FLAGS)


@cache
def _compiled() -> tuple[re.Pattern, re.Pattern, frozenset[str]]:
    data = load("fidelity")
    stop = frozenset(data["stopwords"]["words"].split())
    return (
        compile_alternation(data["judgement"]["patterns"]),
        compile_alternation(data["rebuttal"]["patterns"]),
        stop,
    )


@cache
def _stemmer():
    return snowballstemmer.stemmer("english")


def _stem(word: str) -> str:
    return _stemmer().stemWord(word.lower().strip("'-"))


@cache
def _meanings() -> dict[str, str]:
    """Stem -> the stem that stands for its meaning (``[same]`` in fidelity.toml): "enjoy"
    and "love" are one meaning, as "moved" and "moving" are one stem."""
    out: dict[str, str] = {}
    for line in load("fidelity")["same"]["groups"]:
        stems = [_stem(w) for w in line.split()]
        for s in stems:
            out.setdefault(s, stems[0])
    return out


def _pitfall_spans(scanned: str, original: str) -> tuple[list[Span], list[Span]]:
    """Spans of the pitfalls that count as judgement, and of those that count as rebuttal."""
    keys = text_keys(scanned)
    pitfalls = marker_set(PITFALLS)
    judgement: list[Span] = []
    rebuttal: list[Span] = []
    for i in pitfalls.opened(keys):
        m = pitfalls.markers[i]
        into = (
            judgement
            if m.label in _JUDGEMENT_PITFALLS
            else rebuttal
            if m.label in _REBUTTAL_PITFALLS
            else None
        )
        if into is not None:
            into += spans_at(m.group.spans(scanned, keys), original)
    return judgement, rebuttal


_ADDRESS = re.compile(r"^(?:you(?:'re| are|'ve| have)?|your)\s+", re.IGNORECASE)


def _their_own_words(judged: str, speaker: str) -> bool:
    """Whether an evaluative phrase in the reflection only hands back the speaker's own
    words: "you should have been asked" after "I should have been asked", "too emotional"
    after "my manager says I'm too emotional" is a mirror, not a verdict."""
    core = _ADDRESS.sub("", judged.strip()).lower()
    return bool(core) and re.search(r"\b" + re.escape(core) + r"\b", speaker.lower()) is not None


def _merged(*groups: list[Span]) -> tuple[Span, ...]:
    """The spans in text order, each stretch of text once (overlaps keep the first, longest)."""
    out: list[Span] = []
    for span in sorted((s for g in groups for s in g), key=lambda s: (s.start, -s.end)):
        if out and span.start < out[-1].end:
            continue
        out.append(span)
    return tuple(out[:MAX_SPANS])


def _content(text: str, stop: frozenset[str], feelings: list[tuple[int, int]]) -> dict[str, str]:
    """Meaning (a stem, or the stem standing for words of the same meaning) -> first surface
    form, for content words outside the feeling words (those are compared by emotion
    family instead)."""
    out: dict[str, str] = {}
    same = _meanings()
    for m in _WORD.finditer(text):
        w = m.group().lower()
        if w in stop or len(w) < 3:
            continue
        if any(s <= m.start() < e for s, e in feelings):
            continue
        stem = _stem(w)
        out.setdefault(same.get(stem, stem), w)
    return out


# How pleasant or unpleasant a feeling must be to count as turned round (joy 0.8 against
# anger -1.0 does; confusion, -0.3, never does).
STRONG_VALENCE = 0.5


def _turns_round(emotion: str, felt: dict[str, str]) -> bool:
    """True when ``emotion`` is clearly pleasant and every feeling they named clearly
    unpleasant, or the other way round (confusion and the like, of weak valence, never)."""
    valence = emotion_valence()
    strong = [valence[e] for e in felt if abs(valence[e]) >= STRONG_VALENCE]
    if not strong or len(strong) < len(felt) or abs(valence[emotion]) < STRONG_VALENCE:
        return False
    return all((v > 0) != (valence[emotion] > 0) for v in strong)


def _feelings(text: str) -> tuple[dict[str, str], list[tuple[int, int]], set[str]]:
    """Emotion -> first words that expressed it, where every feeling word is (a denied one
    too: it is neither a feeling to name nor content to bring back), and the emotions the
    text says are not there. How long and how often ("for three weeks", "yet again") are
    what happened: content to bring back, not a feeling to name."""
    out: dict[str, str] = {}
    where: list[tuple[int, int]] = []
    found, denied = emotion_hits_and_denied(text)
    for emotion, s, e in found:
        if is_situation(text, s, e):
            continue
        out.setdefault(emotion, text[s:e].lower())
        where.append((s, e))
    where += [(s, e) for _, s, e in denied]
    return out, where, {emotion for emotion, _, _ in denied}


def reflection_fidelity(speaker_text: str, reflection: str) -> FidelityReport:
    """Compare a reflection with what the speaker said.

    >>> r = reflection_fidelity("I'm exhausted, the move took every weekend.",
    ...                         "You're worn out because the move ate your weekends.")
    >>> r.content_recall > 0
    True
    """
    speaker = fold(("" if speaker_text is None else str(speaker_text))[:MAX_CHARS])
    original = ("" if reflection is None else str(reflection))[:MAX_CHARS]
    scanned = fold(original)
    judgement_rx, rebuttal_rx, stop = _compiled()

    felt, felt_at, denied = _feelings(speaker)
    reflected, reflected_at, _ = _feelings(scanned)
    said = _content(speaker, stop, felt_at)
    echoed = _content(scanned, stop, reflected_at)
    captured = [said[k] for k in said if k in echoed]
    missed = [said[k] for k in said if k not in echoed]
    added = [echoed[k] for k in echoed if k not in said]
    content_recall = len(captured) / len(said) if said else 1.0

    feelings_captured = [w for e, w in felt.items() if e in reflected]
    feelings_missed = [w for e, w in felt.items() if e not in reflected]
    missed_named = [f'"{w}" ({SEEM.get(e, e)})' for e, w in felt.items() if e not in reflected]
    # A feeling they said they did not have, handed back to them; or one that turns round
    # every feeling they named ("I love the work" reflected as "you hate your job").
    put_on = {e: w for e, w in reflected.items() if e in denied and e not in felt}
    turned = {e: w for e, w in reflected.items() if e not in felt and _turns_round(e, felt)}
    if felt:
        feeling_recall = len(feelings_captured) / len(felt)
    else:
        feeling_recall = 1.0 if not reflected else 0.5

    judged, answered = _pitfall_spans(scanned, original)
    judgement = tuple(
        span
        for span in _merged(find_spans(judgement_rx, scanned, original), judged)
        if not _their_own_words(span.text, speaker)
    )
    rebuttal = _merged(find_spans(rebuttal_rx, scanned, original), answered)
    added_ratio = len(added) / max(1, len(echoed))
    score = 0.5 * min(1.0, content_recall * 1.5) + 0.4 * feeling_recall + 0.1 * (1 - added_ratio)
    score -= 0.15 * min(2, len(judgement)) + 0.2 * min(2, len(rebuttal))
    score -= 0.25 * len(put_on) + 0.25 * len(turned)
    if not original.strip():
        score = 0.0

    feedback: list[str] = []
    if put_on:
        feedback.append(
            "They said they were not "
            + " or ".join(SEEM.get(e, e) for e in put_on)
            + "; reflect the feeling they named, not one they ruled out."
        )
    if turned:
        feedback.append(
            "They said they felt "
            + " and ".join(f'"{w}"' for w in felt.values())
            + "; "
            + " and ".join(f'"{w}"' for w in turned.values())
            + " turns that round. Reflect the feeling they named."
        )
    if feelings_missed:
        feedback.append("Name the feeling too: they said " + ", ".join(missed_named) + ".")
    if content_recall < 0.3 and said:
        feedback.append("Bring back more of what they actually said, in their words or yours.")
    if added_ratio > 0.6 and len(added) >= 4:
        feedback.append("Much of the reflection is new content; check you aren't adding a story.")
    if judgement:
        feedback.append(
            "Leave the evaluation out; describe what they said, not whether it's right."
        )
    if rebuttal:
        feedback.append("Save your answer for your own turn; a reflection only mirrors.")
    return FidelityReport(
        score=round(max(0.0, min(1.0, score)), 3),
        content_recall=round(content_recall, 3),
        feeling_recall=round(feeling_recall, 3),
        captured=tuple(captured),
        missed=tuple(missed),
        feelings_captured=tuple(feelings_captured),
        feelings_missed=tuple(feelings_missed),
        added=tuple(added),
        judgement=judgement,
        rebuttal=rebuttal,
        feedback=tuple(feedback),
        feelings_denied=tuple(put_on.values()),
    )
