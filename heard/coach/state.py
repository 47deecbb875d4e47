"""The other person's state: emotion, intensity, primary need and the dimension to lead with.

Needs map to the three empathy dimensions: upset -> emotional resonance first, confused ->
cognitive understanding (information), stuck -> behavioural support (action).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from . import engine, prefilter
from .disclosure import crisis_pattern, crisis_words
from .engine import (
    Scanner,
    case_sensitive,
    first_class,
    lower_pattern,
    lower_same_length,
    starts_at_boundary,
)
from .lexicon import FLAGS, fold, load, word_alternation
from .spans import MAX_SPANS
from .types import OtherState, Span

LEAD = {"upset": "emotional", "confused": "cognitive", "stuck": "behavioural"}
_CAPS = re.compile(r"\b[A-Z]{3,}\b")
# A feeling they say of themselves ("I'm completely burnt out") outweighs one read from the
# situation ("covered nights for three weeks"): matched on the lower-cased text just before.
_SELF_STATEMENT = re.compile(
    r"(?:\bi(?:'m| am| feel| felt| have been|'ve been)|\bfeeling|\bmade me"
    r"|\bmakes me|\bleft me)(?: \w+){0,2} $"
)
SELF_WEIGHT = 0.5
# A situation that makes a feeling likely ("again", "for three weeks") counts for half a
# word that names one: "passed over for the promotion again" is hurt, not frustration.
SITUATION_WEIGHT = 0.5
# A feeling word under a softener ("a bit worried", "slightly annoyed") counts this much of a
# plain one, for which feeling it is and for the need.
SOFTENED_WEIGHT = 0.5
# A text that names no feeling takes its tone from words that judge ("great", "worse"), weaker
# than a named feeling: at most this far from 0.
WORD_TONE = 0.4
# At most this many other feelings are kept beside the main one (OtherState.also).
MAX_ALSO = 2
# A feeling word under a negation is not the feeling: "I'm not angry, just confused", "don't
# worry", "nothing to be scared of". Matched on the lower-cased text just before the word;
# only a few words may stand between ("not feeling anxious", "wasn't really worried"), so
# "I couldn't be more frustrated" and "I can't tell you how angry I am" keep their feeling.
# "Rather than angry" sets a feeling aside the same way; "more than angry" may heighten it.
# "never" is left out: "I've never been so angry" is anger. Words that carry the negation
# in them ("not happy", "can't sleep", "no idea") are matched whole and stay.
_NEGATED = re.compile(
    r"(?:\b(?:not|no|without|nothing to|rather than|instead of|as opposed to)"
    r"|\b(?:don|doesn|didn|isn|aren|wasn|weren|won|wouldn"
    r"|haven|hasn|hadn|ain)'?t|\bcannot)"
    r"(?: (?:really|very|so|too|even|particularly|remotely|overly|exactly|actually|longer|at all"
    r"|feel|feeling|felt|be|been|being|get|getting|got|am|is|are|was|were))* $"
)
_THREE_CAPITALS = re.compile(r"[A-Z]{3}")
_STUCK_PATTERN = (
    r"\b(?:can't|cannot|can not|won't|wont|doesn't|isn't|hasn't|haven't|didn't|still|tried|"
    r"keeps?|again|stuck|blocked|no way to|unable)\b"
)
_STUCK = Scanner(_STUCK_PATTERN, FLAGS)
# A request for something to be done ("Can you just unlock my account?", "I need this back
# today") says the person needs action: each counts this much towards "stuck", and a question
# that asks for action is not a question for information (it adds nothing to "confused").
# Every other question mark counts QUESTION_WEIGHT towards "confused", and FACTS_WEIGHT times
# that when it closes a question for facts ("Is it true?", "Why has my bill gone up?"), which
# outweighs a mild worry beside it; at most three count.
REQUEST_WEIGHT = 1.0
QUESTION_WEIGHT = 0.6
FACTS_WEIGHT = 2.5


class _Emotions:
    """The emotion lexicon as one alternation of named groups, one per emotion.

    Runs on the lower-cased folded text in capture form (see ``engine.PatternGroup``); each
    hit is ``(emotion, start, end)``, as ``finditer`` over the plain alternation gives.
    """

    __slots__ = ("plain", "rx", "names", "lows", "subsets")

    def __init__(self, groups: list[tuple[str, str]]) -> None:
        self.plain = re.compile("|".join(f"(?P<{n}>{b})" for n, b in groups), FLAGS)
        self.rx = None
        self.names = [n for n, _ in groups]
        self.lows: list[str] = []
        # Alternations of some emotions only (see ``hits``), by their places.
        self.subsets: dict[tuple[int, ...], re.Pattern | None] = {}
        if not any(case_sensitive(b) for _, b in groups):
            self.lows = [lower_pattern(b) for _, b in groups]
            self.rx = self._capture_form(list(range(len(groups))))

    def _capture_form(self, places: list[int]) -> re.Pattern | None:
        lows = [self.lows[i] for i in places]
        low = "|".join(f"(?P<{self.names[i]}>{b})" for i, b in zip(places, lows, strict=True))
        first = first_class(lows, 0)
        if first is None or not all(starts_at_boundary(b) for b in lows):
            return None
        rx = re.compile(first + r"(?<=\b.)" + f"(?<=(?=(?:{low})){first})")
        if rx.groups != len(places):
            return None  # a word with a group of its own: keep the plain scan
        return rx

    def hits(
        self, folded: str, low: str, only: tuple[int, ...] | None = None
    ) -> list[tuple[str, int, int]]:
        """``only``: the places of the emotions whose words may be in the text (the others'
        cannot match, so leaving them out of the alternation changes no hit)."""
        rx = self.rx
        if rx is None:
            return [(m.lastgroup or "", m.start(), m.end()) for m in self.plain.finditer(folded)]
        if only is not None:
            if not only:
                return []
            sub = self.subsets.get(only, rx)
            if sub is rx:
                sub = self._capture_form(list(only))
                if len(self.subsets) >= 4096:
                    self.subsets.clear()
                self.subsets[only] = sub
            if sub is not None:
                rx = sub
        out = []
        search = rx.search
        m = search(low)
        while m is not None:
            start, end = m.span(m.lastindex)
            out.append((m.lastgroup or "", start, end))
            m = search(low, end)
        return out


def _family_patterns() -> list[tuple[str, str]]:
    """Each emotion family's words and the situations that suggest it, as one alternation (the
    crisis family with the crisis words too), in lexicon order."""
    data = load("emotions")
    need = data["need"]
    out = []
    for name, entry in data["emotion"].items():
        words = [*entry["words"], *entry.get("situations", ())]
        if name == need["crisis_family"]:
            words += crisis_words()
        out.append((name, word_alternation(words)))
    return out


@cache
def _situations() -> re.Pattern | None:
    """Every emotion's situations ("for three weeks", "yet again"), to tell them from words
    that name a feeling."""
    found = [w for e in load("emotions")["emotion"].values() for w in e.get("situations", ())]
    return re.compile(word_alternation(found), FLAGS) if found else None


def is_situation(text: str, start: int, end: int) -> bool:
    """Whether the emotion hit ``text[start:end]`` is a situation that suggests the feeling
    (how long, how often) rather than a word that names it."""
    return _is_situation_word(lower_same_length(text[start:end]))


@lru_cache(maxsize=4096)
def _is_situation_word(low: str) -> bool:
    # The same few hits ("again", "for weeks") recur across texts: asked once each.
    rx = _situations()
    return rx is not None and rx.fullmatch(low) is not None


@cache
def _compiled() -> tuple[_Emotions, dict[str, float], dict[str, str], Scanner, Scanner]:
    data = load("emotions")
    groups, valence, need = _family_patterns(), {}, {}
    for name, entry in data["emotion"].items():
        valence[name] = float(entry["valence"])
        need[name] = entry["need"]
    emotions = _Emotions(groups)
    inten = data["intensity"]
    intensifiers = Scanner(word_alternation(inten["intensifiers"]), FLAGS)
    profanity = Scanner(word_alternation(inten["profanity"]), FLAGS)
    return emotions, valence, need, intensifiers, profanity


@cache
def _strength() -> tuple[re.Pattern, tuple[str, ...]]:
    """A feeling word at its height (matched whole against a found word), and the softeners
    that may stand just before one ("a bit annoyed"), each with the space after it."""
    inten = load("emotions")["intensity"]
    strong = re.compile(r"(?:" + "|".join([*inten["strong"], *crisis_words()]) + r")", FLAGS)
    return strong, tuple(d + " " for d in inten["downtoners"])


@cache
def _softener_ends(softeners: tuple[str, ...]) -> frozenset[str]:
    """The last letter of each softener (before its trailing space)."""
    return frozenset(d[-2] for d in softeners)


def _softened(low: str, start: int, softeners: tuple[str, ...]) -> bool:
    """Whether a softener, as a word of its own, ends right before ``start``."""
    if start < 2 or low[start - 1] != " " or low[start - 2] not in _softener_ends(softeners):
        return False  # most feeling words follow no softener: one look at the letter before
    for d in softeners:
        if low.endswith(d, 0, start):
            before = start - len(d) - 1
            if before < 0 or not low[before].isalnum():
                return True
    return False


def _strength_shift(low: str, hits: list[tuple[str, int, int]]) -> float:
    """What the words themselves add to the intensity: +0.15 for a feeling at its height
    ("livid", "devastated"; +0.05 more for each other, up to two), -0.1 when every feeling
    word is softened ("a bit annoyed", "slightly worried")."""
    strong, softeners = _strength()
    peaks = sum(strong.fullmatch(low, s, e) is not None for _, s, e in hits)
    if peaks:
        return 0.15 + 0.05 * min(2, peaks - 1)
    if hits and all(_softened(low, s, softeners) for _, s, _ in hits):
        return -0.1
    return 0.0


@cache
def _need_weight() -> dict[str, float]:
    """How much each emotion counts towards its need beside the others (``need_weight`` in
    the lexicon, 1 by default): a bereavement outweighs the errand that comes with it."""
    return {n: float(e.get("need_weight", 1.0)) for n, e in load("emotions")["emotion"].items()}


def emotion_valence() -> dict[str, float]:
    """Each emotion family's valence in -1..1 (``valence`` in the lexicon)."""
    return _compiled()[1]


@cache
def positive_emotions() -> frozenset[str]:
    """The emotion families of the lexicon with a positive valence (joy, gratitude, relief)."""
    return frozenset(e for e, v in _compiled()[1].items() if v > 0)


@cache
def _gate() -> tuple[prefilter.Prefilter, int] | None:
    """With Hyperscan: one prefilter for every pattern a reading runs (each emotion's
    words, then the intensifiers, profanity and "stuck" words), and the number of emotions.
    """
    if not prefilter.available():
        return None
    data = load("emotions")
    patterns = [p for _, p in _family_patterns()]
    inten = data["intensity"]
    patterns += [
        word_alternation(inten["intensifiers"]),
        word_alternation(inten["profanity"]),
        _STUCK_PATTERN,
        _need_pattern("requests"),
        _need_pattern("questions"),
        word_alternation([*data["tone"]["positive"], *data["tone"]["negative"]]),
    ]
    gate = prefilter.Prefilter()
    gate.add(patterns, FLAGS)
    return gate, len(data["emotion"])


@cache
def _crisis_family() -> str:
    return load("emotions")["need"]["crisis_family"]


def _need_pattern(kind: str) -> str:
    """``[need]`` patterns of the lexicon: ``requests`` for action or ``questions`` for facts."""
    return word_alternation(load("emotions")["need"][kind])


@cache
def _need_scanner(kind: str) -> Scanner:
    return Scanner(_need_pattern(kind), FLAGS)


def _may_match(low: str) -> tuple[tuple[int, ...], bool, bool, bool, bool, bool, bool] | None:
    """(places of the emotions that may match, and whether the intensifiers, profanity,
    "stuck" words, requests, questions for facts and [tone] words may), from one scan; None
    without the prefilter (everything runs)."""
    gate = _gate() if engine.prefilter_active() else None
    if gate is None:
        return None
    pf, n = gate
    found = pf.scan(0, low)
    if not found:
        return (), False, False, False, False, False, False
    found.sort()
    return (
        tuple(i for i in found if i < n),
        n in found,
        n + 1 in found,
        n + 2 in found,
        n + 3 in found,
        n + 4 in found,
        n + 5 in found,
    )


def _closing_marks(context: str, spans: list[tuple[int, int]]) -> set[int]:
    """The question marks that close the sentences of ``spans`` ("Can you unlock it?")."""
    closing = set()
    for _, end in spans:
        for i in range(end, min(len(context), end + 200)):
            if context[i] in ".!\n":
                break
            if context[i] == "?":
                closing.add(i)
                break
    return closing


@cache
def _emoji() -> re.Pattern:
    """One pattern of every emoji in the lexicon, a named group per emotion."""
    table = load("emotions").get("emoji", {})
    groups = [
        f"(?P<{name}>[{re.escape(chars)}])" for name, chars in table.items() if name != "source"
    ]
    return re.compile("(?:" + "|".join(groups) + ")\ufe0f?")


def _with_emoji(hits: list[tuple[str, int, int]], folded: str) -> list[tuple[str, int, int]]:
    """``hits`` with the emoji in ``folded`` added, in text order (ASCII text has none)."""
    if folded.isascii():
        return hits
    found = [(m.lastgroup or "", m.start(), m.end()) for m in _emoji().finditer(folded)]
    return sorted(hits + found, key=lambda h: h[1]) if found else hits


def _is_negated(low: str, start: int) -> bool:
    return _NEGATED.search(low, max(0, start - 48), start) is not None


def _word_hits(folded: str, low: str, may) -> list[tuple[str, int, int]]:
    """Every emotion word of the folded text (``low``: lower-cased, same length), negated or
    not, reading only the emotions the prefilter's ``may`` (see :func:`_may_match`) allows."""
    return _compiled()[0].hits(folded, low, None if may is None else may[0])


# A thanks that only closes a request is courtesy, not gratitude: "Can you just fix it?
# Thanks, Priya", "Thanks in advance". Read on the lower-cased text after the word (only a
# signature may follow) and before it (a request).
_IN_ADVANCE = re.compile(r"\s*(?:so much |very much )?in advance\b")
_REQUEST = re.compile(r"\?|\b(?:can|could|would|will) (?:you|someone|somebody)\b|\bplease\b")


def _only_a_signature(tail: str) -> bool:
    """Whether ``tail`` (what follows a thanks) is nothing, or a name after a comma or a
    line break: ", Priya (Little Acorns Playgroup)", ",\nBilal"."""
    rest = tail.lstrip(",.! \t")
    if not rest.strip(" \t\n.!"):
        return True
    separated = "," in tail[: len(tail) - len(rest)] or rest.startswith("\n")
    return (
        separated
        and len(rest) <= 60
        and len(rest.split()) <= 5
        and not any(mark in rest for mark in "?!;:")
    )


def _courtesy(low: str, hit: tuple[str, int, int]) -> bool:
    emotion, start, end = hit
    if emotion != "gratitude":
        return False
    if _IN_ADVANCE.match(low, end):
        return True
    return _only_a_signature(low[end:]) and _REQUEST.search(low, 0, start) is not None


def _split_negated(
    low: str, found: list[tuple[str, int, int]]
) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """``found`` parted into the feelings that are there and those said not to be; a thanks
    that only closes a request is neither."""
    kept: list[tuple[str, int, int]] = []
    denied: list[tuple[str, int, int]] = []
    for h in found:
        if _is_negated(low, h[1]):
            denied.append(h)
        elif not _courtesy(low, h):
            kept.append(h)
    return kept, denied


def _hits(folded: str, low: str, may) -> list[tuple[str, int, int]]:
    """Every emotion word and emoji of the folded text that is not negated."""
    found = _word_hits(folded, low, may)
    if found:
        found = _split_negated(low, found)[0]
    return _with_emoji(found, folded)


def _read(text: str) -> tuple[str, str, tuple | None]:
    """The folded text, its lower-cased form (same length) and the prefilter's answer."""
    folded = fold(text)
    low = lower_same_length(folded)
    return folded, low, _may_match(low)


def emotion_hits(text: str) -> list[tuple[str, int, int]]:
    """(emotion, start, end) for every emotion word in ``text``."""
    return _hits(*_read(text))


def emotion_hits_and_denied(
    text: str,
) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """From one reading: what :func:`emotion_hits` gives, and (emotion, start, end) for
    every feeling ``text`` says is not there ("I'm not angry")."""
    folded, low, may = _read(text)
    kept, denied = _split_negated(low, _word_hits(folded, low, may))
    return _with_emoji(kept, folded), denied


def tone(text: str) -> float:
    """Valence of a text in -1..1: from the feelings it names, or, when it names none, from
    the words that judge things good or bad ("that worked, great"), at most WORD_TONE."""
    return read_state_and_tone(text)[1]


@cache
def _tone_words() -> tuple[Scanner, Scanner]:
    """Scanners of the [tone] words that judge things good, and of those that judge them bad."""
    table = load("emotions")["tone"]
    return (
        Scanner(word_alternation(table["positive"]), FLAGS),
        Scanner(word_alternation(table["negative"]), FLAGS),
    )


def _word_tone(folded: str, low: str, may) -> float:
    """The tone of a text that names no feeling, from its [tone] words: +1 for each good one
    and -1 for each bad one (the other way round under a negation: "not great"), averaged and
    scaled to WORD_TONE."""
    if may is not None and not may[6]:
        return 0.0
    total = found = 0
    for sign, scanner in zip((1, -1), _tone_words(), strict=True):
        for start, _ in scanner.spans(folded, low, 8):
            total += -sign if _is_negated(low, start) else sign
            found += 1
    return round(WORD_TONE * total / found, 3) if found else 0.0


def _hits_intensity(
    text: str,
    folded: str,
    low: str,
    hits: list[tuple[str, int, int]],
    may: tuple[tuple[int, ...], bool, bool, bool] | None,
) -> float:
    """The intensity of a text with the feeling words found in it (see _strength_shift)."""
    intensity = _intensity(text, folded, low, len(hits), may)
    if hits:
        intensity = round(max(0.05, min(1.0, intensity + _strength_shift(low, hits))), 3)
    return intensity


def _intensity(
    text: str,
    folded: str,
    low: str,
    emotion_count: int,
    may: tuple[tuple[int, ...], bool, bool, bool] | None = None,
) -> float:
    """``may``: what ``_may_match`` found possible (None: run every scan)."""
    _, _, _, intensifiers, profanity = _compiled()
    score = 0.0
    if emotion_count:
        score += 0.25 + 0.1 * min(3, emotion_count - 1)
    if may is None or may[1]:
        score += 0.08 * len(intensifiers.spans(folded, low, 3))
    score += 0.05 * min(4, text.count("!"))
    # _CAPS needs three capitals in a row: _THREE_CAPITALS (a class prefix, so fast) first.
    capitals = _THREE_CAPITALS.search(text) is not None and _CAPS.search(text) is not None
    if capitals and not text.isupper() or text.isupper() and len(text) > 8:
        score += 0.15
    if (may is None or may[2]) and profanity.search(folded, low):
        score += 0.2
    return round(max(0.0, min(1.0, score)), 3)


def _question_weight(
    context: str, folded: str, low: str, may, requests: list[tuple[int, int]]
) -> float:
    """What the question marks add to "confused": none for one that closes a request for
    action (``requests``), FACTS_WEIGHT for a question for facts (see QUESTION_WEIGHT)."""
    marks = context.count("?")
    if not marks:
        return 0.0
    action = _closing_marks(context, requests) if requests else set()
    asked = _need_scanner("questions").spans(folded, low, 3) if may is None or may[5] else []
    if not action and not asked:  # plain questions: the usual case
        return QUESTION_WEIGHT * min(3, marks)
    facts = _closing_marks(context, asked) - action
    # The questions for facts first, then the others, up to three in all.
    weights = [FACTS_WEIGHT] * len(facts) + [1.0] * max(0, marks - len(action) - len(facts))
    return QUESTION_WEIGHT * sum(weights[:3])


def read_state_and_tone(context: str) -> tuple[OtherState, float]:
    """The other person's state and the tone of their words (-1..1), from one reading."""
    _, valence, need_of, _, _ = _compiled()
    crisis = _crisis_family()
    folded, low, may = _read(context)
    hits = _hits(folded, low, may)
    intensity = _hits_intensity(context, folded, low, hits, may)
    # Need scores: the emotions' needs first (in the order the emotions were first found),
    # then "stuck" words, questions and intensity, added in that order.
    upset = confused = stuck = 0.0
    emotion = "neutral"
    also: tuple[str, ...] = ()
    in_crisis = False  # thoughts of suicide or self-harm among the feelings
    if hits:
        softeners = _strength()[1]
        counts: dict[str, float] = {}
        felt: dict[str, None] = {}  # feelings they say are theirs, in the order said
        for e, start, end in hits:
            if is_situation(context, start, end):  # a fact, never said as their feeling
                counts[e] = counts.get(e, 0.0) + SITUATION_WEIGHT
                continue
            if e == crisis and not in_crisis:
                in_crisis = crisis_pattern().fullmatch(low, start, end) is not None
            own = _SELF_STATEMENT.search(low, max(0, start - 40), start) is not None
            weight = 1.0 + SELF_WEIGHT * own
            if _softened(low, start, softeners):  # "a bit worried" pulls less than "worried"
                weight *= SOFTENED_WEIGHT
            counts[e] = counts.get(e, 0.0) + weight
            if own or e == "gratitude":  # said of themselves ("I'm relieved"), or thanks
                felt[e] = None
        if any(valence[e] < 0 for e in counts):
            # Thanks inside a complaint ("thanks for nothing") should not win.
            counts = {e: c for e, c in counts.items() if valence[e] < 0}
        emotion = max(counts, key=lambda e: (counts[e], -valence[e]))
        if in_crisis:  # thoughts of suicide or self-harm are the feeling to meet, whatever else
            emotion = crisis
        also = tuple(e for e in felt if e != emotion)[:MAX_ALSO]
        scores = {"upset": 0.0, "confused": 0.0, "stuck": 0.0}
        weight = _need_weight()
        for e, c in counts.items():
            scores[need_of[e]] += c * (1.0 + (0.5 if valence[e] <= -0.8 else 0.0)) * weight[e]
        upset, confused, stuck = scores["upset"], scores["confused"], scores["stuck"]
    if may is None or may[3]:
        stuck += 0.5 * len(_STUCK.spans(folded, low, 4))
    requests = _need_scanner("requests").spans(folded, low, 3) if may is None or may[4] else []
    stuck += REQUEST_WEIGHT * len(requests)
    confused += _question_weight(context, folded, low, may, requests)
    upset += 1.5 * intensity
    if emotion in positive_emotions():
        upset += 0.5
    if not (upset or confused or stuck):
        need = "confused" if "?" in context else "stuck"
    elif in_crisis:
        need = "upset"  # thoughts of suicide or self-harm are met first, whatever else is asked
    elif upset >= confused and upset >= stuck:  # the highest; "upset" wins a tie,
        need = "upset"
    elif confused >= stuck:  # then "confused"
        need = "confused"
    else:
        need = "stuck"
    if not hits:
        return OtherState(emotion, intensity, need, LEAD[need], (), 0.3), _word_tone(
            folded, low, may
        )
    evidence = tuple(Span(s, e, context[s:e]) for _, s, e in hits[:MAX_SPANS])
    confidence = round(min(0.95, 0.35 + 0.15 * len(hits)), 3)
    state = OtherState(emotion, intensity, need, LEAD[need], evidence, confidence, also)
    total = sum(valence[e] for e, _, _ in hits)
    text_tone = max(-1.0, min(1.0, total / len(hits) * (0.6 + 0.4 * intensity)))
    return state, text_tone


def read_state(context: str) -> OtherState:
    """Read emotion, intensity and need from the other person's words.

    >>> read_state("I'm so confused, what does this charge mean?").need
    'confused'
    """
    return read_state_and_tone(context)[0]
