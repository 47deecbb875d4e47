"""``analyze_conversation``: per-turn analyses plus conversation micro-metrics."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from .analysis import MAX_CHARS, analyze_with_state, model_predictions, with_predictions
from .disclosure import crisis_pattern, detect_disclosure, has_disclosure
from .engine import Scanner, lower_same_length
from .epitome import questions
from .lexicon import FLAGS, fold
from .moves import ACKNOWLEDGING
from .state import read_state_and_tone
from .suggestions import asked_about_safety
from .types import ConversationAnalysis, ConversationMetrics, Turn, TurnAnalysis

ROLE_SYNONYMS = {
    "agent": "agent",
    "supporter": "agent",
    "sys": "agent",
    "system": "agent",
    "assistant": "agent",
    "listener": "agent",
    "customer": "customer",
    "seeker": "customer",
    "usr": "customer",
    "user": "customer",
    "client": "customer",
    "speaker": "customer",
    "representative": "agent",
    "rep": "agent",
    "operator": "agent",
    "support": "agent",
    "staff": "agent",
    "advisor": "agent",
    "adviser": "agent",
    "caller": "customer",
    "guest": "customer",
    "member": "customer",
    "requester": "customer",
}
_OPEN = re.compile(
    r"^\W*(?:\w+,\s*)?(?:so,?\s*)?(?:what|how|why|which|where|when|who|tell me|could you (?:tell|walk|describe|share)|"
    r"can you (?:tell|walk|describe|share)|in what way)\b",
    FLAGS,
)
_ESCALATION_PATTERN = (
    r"\b(?:escalat\w*|(?:speak|talk) to (?:a|your|the|someone|somebody) "
    r"(?:manager|supervisor|senior|in charge)|"
    r"(?:get|fetch|want|give)(?: me)? (?:a|your|the) (?:manager|supervisor|boss)|"
    r"formal complaint|ombudsman|"
    # Leaving, going public or going legal: "I'll take my business elsewhere".
    r"(?:going to|gonna|will|I'll|I will|I'm going to) cancel (?:my|the|our) "
    r"(?:contract|account|subscription|membership|policy)|"
    r"(?:take|taking) (?:my|our) (?:business|custom|money) elsewhere|"
    r"(?:leaving|leave|switching|switch|moving|move) (?:you )?(?:for|to) "
    r"(?:another|a different|a new|a better) (?:provider|company|bank|supplier|network|insurer)|"
    r"(?:post|posting|put|putting|share|sharing|write|writing|tweet|tweeting)"
    r"(?: (?:this|it|about (?:this|it|you)))? (?:all )?(?:over|on) "
    r"(?:twitter|facebook|social media|trustpilot|reddit|tiktok|instagram|linkedin)|"
    r"(?:my|a) (?:solicitor|lawyer|attorney)|legal action|small claims|"
    r"(?:see|take) you (?:to|in) court|sue (?:you|the company)|"
    r"trading standards|the regulator|consumer rights|better business bureau)\b"
)
_TRANSFER_PATTERN = (
    r"\b(?:transfer(?:ring)? you|put(?:ting)? you through|connect(?:ing)? you (?:to|with)|"
    r"hand(?:ing)? you (?:over|on)|pass(?:ing)? you (?:over|on|to)|"
    # The case handed on, the person with it: "I'm passing this to our billing team".
    r"(?:pass|passing|passed|hand|handing|handed|send|sending|sent|refer|referring|referred|"
    r"forward|forwarding|forwarded) "
    r"(?:this|it|your (?:case|ticket|complaint|query|request|details)) (?:on |over )?to (?:our|the|my|a) "
    r"(?:[\w-]+ )?(?:team|department|dept|colleague|specialists?|manager|supervisor|engineers?|"
    r"billing|complaints|retentions|escalations|desk|unit))\b"
)
_ESCALATION = Scanner(_ESCALATION_PATTERN, FLAGS)
_TRANSFER = Scanner(_TRANSFER_PATTERN, FLAGS)
# Both run on the lower-cased turn, where every match holds one of these strings (checked
# against the patterns by the tests): a turn holding none of them is not scanned.
_ESCALATION_NEEDS = (
    "escalat", "manager", "supervisor", "senior", "in charge", "boss", "formal complaint",
    "ombudsman", "cancel", "elsewhere", "nother", " different", " new", " better",
    "twitter", "facebook", "social media", "trustpilot", "reddit", "tiktok", "instagram",
    "linkedin", "solicitor", "lawyer", "attorney", "legal action", "small claims", "court",
    "sue ", "trading standards", "regulator", "consumer rights", "better business bureau",
)  # fmt: skip
_TRANSFER_NEEDS = (
    "transfer", " you through", "connect", " you ", "team", "department", "dept", "colleague",
    "specialist", "manager", "supervisor", "engineer", "billing", "complaints", "retentions",
    "escalations", "desk", "unit",
)  # fmt: skip


def normalise_role(role: str) -> str:
    """Map role synonyms ("supporter", "seeker", "sys", "usr"...) to "agent" / "customer"."""
    r = str(role or "").strip().lower()
    if r not in ROLE_SYNONYMS:
        raise ValueError(f"unknown role {role!r}: use 'agent' or 'customer'")
    if type(role) is str and len(_ROLE_OF) < 256:
        _ROLE_OF[role] = ROLE_SYNONYMS[r]
    return ROLE_SYNONYMS[r]


# Role values already seen, as written ("agent", "Customer"…) -> "agent" / "customer".
_ROLE_OF: dict[str, str] = {}


def to_turn(item: Turn | Mapping[str, Any]) -> Turn:
    if type(item) is dict:
        # The usual turn (from a reader or JSON): a known role, a str text and speaker, a
        # numeric or missing time; the general conversion below gives the same Turn.
        value = item.get("role")
        role = _ROLE_OF.get(value) if type(value) is str else None
        text = item.get("text")
        speaker = item.get("speaker")
        t = item["t"] if "t" in item else item.get("time", item.get("timestamp"))
        if (
            role is not None
            and type(text) is str
            and type(speaker) is str
            and speaker
            and (t is None or (type(t) is float and t - t == 0.0))
        ):
            return Turn(speaker, role, text, t)
    elif isinstance(item, Turn):
        return replace(item, role=normalise_role(item.role))
    if not isinstance(item, Mapping):
        raise TypeError(f"a turn must be a Turn or a dict, not {type(item).__name__}")
    role = normalise_role(item.get("role") or item.get("speaker_role") or "")
    text = item.get("text", item.get("content", ""))
    t = item.get("t", item.get("time", item.get("timestamp")))
    if isinstance(t, float) and math.isnan(t):
        t = None  # a missing time, as records from a data frame carry it
    speaker = item.get("speaker") or role
    return Turn(str(speaker), role, "" if text is None else str(text), parse_time(t))


_CLOCK_PART = re.compile(r"\d+(?:\.\d+)?")


def parse_time(value: Any) -> float | None:
    """Seconds from a number, an ISO-8601 timestamp or [H:]MM:SS; raises ValueError if bad.

    >>> parse_time("01:30"), parse_time("2026-01-05T10:00:40Z") - parse_time("2026-01-05T10:00:00Z")
    (90.0, 40.0)
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("a boolean is not a time")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("time is not finite")
        return float(value)
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(number):
            raise ValueError("time is not finite")
        return number
    # The value is never echoed in the message: a mis-mapped column could hold conversation text.
    if ":" in text and "-" not in text and "T" not in text:
        parts = text.split(":")
        if 2 <= len(parts) <= 3 and all(_CLOCK_PART.fullmatch(p) for p in parts):
            seconds = 0.0
            for part in parts:
                seconds = seconds * 60 + float(part)
            return seconds
        raise ValueError("unreadable timestamp")
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("unreadable timestamp") from None
    # A timestamp without a zone is read as UTC, so the result does not depend on the machine.
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def _fold(text: str) -> str:
    """``fold(text)``; an ASCII text has nothing to fold (and most turns are ASCII)."""
    return text if text.isascii() else fold(text)


def _lower(folded: str) -> str:
    """``lower_same_length(folded)``; lower-casing ASCII never changes a length."""
    return folded.lower() if folded.isascii() else lower_same_length(folded)


def _questions(text: str, folded: str | None = None) -> list[bool]:
    """For each question in ``text``: True when open (``folded``: ``fold`` of its first
    MAX_CHARS characters, when already at hand)."""
    if "?" not in text[:MAX_CHARS]:  # folding keeps "?" where it is: no "?", no question
        return []
    if folded is None:
        folded = _fold(text[:MAX_CHARS])
    return [bool(_OPEN.match(folded[start:end])) for start, end in questions(folded)]


def analyze_conversation(
    turns: Iterable[Turn | Mapping[str, Any]], *, model: Any = None
) -> ConversationAnalysis:
    """Analyse a transcript: agent turns get an Analysis, customer turns an OtherState.

    >>> ca = analyze_conversation([
    ...     {"speaker": "Sam", "role": "customer", "text": "I'm furious, it broke again!"},
    ...     {"speaker": "Ana", "role": "agent", "text": "That sounds maddening. What happened?"},
    ... ])
    >>> ca.metrics.turns_to_first_acknowledgement
    1
    """
    items = []
    for n, t in enumerate(turns, 1):
        try:
            items.append(to_turn(t))
        except ValueError as e:
            raise ValueError(f"turn {n}: {e}") from None
    analysed: list[TurnAnalysis] = []
    tones: dict[int, float] = {}  # customer turn index -> tone, read with the state
    last_state = None  # the state read from the latest customer turn: the agent's context
    acknowledged = False  # an agent turn so far acknowledged them: later fixes are not premature
    for i, turn in enumerate(items):
        if turn.role == "agent":
            a = analyze_with_state(turn.text, last_state, acknowledged=acknowledged)
            acknowledged = acknowledged or any(f.label in ACKNOWLEDGING for f in a.moves)
            analysed.append(TurnAnalysis(i, turn, a, None))
        else:
            state, turn_tone = (
                read_state_and_tone(turn.text[:MAX_CHARS]) if turn.text.strip() else (None, 0.0)
            )
            last_state = state
            tones[i] = turn_tone
            analysed.append(TurnAnalysis(i, turn, None, state))
    if model is not None:
        analysed = _apply_model(analysed, model)
    metrics, disclosed = _metrics(analysed, tones)
    score, reasons = _score(analysed, metrics)
    reasons.extend(_disclosure_reasons(analysed, disclosed))
    return ConversationAnalysis(tuple(analysed), metrics, score, tuple(reasons))


def _apply_model(analysed: list[TurnAnalysis], model: Any) -> list[TurnAnalysis]:
    agent = [ta for ta in analysed if ta.analysis is not None]
    if not agent:
        return analysed
    contexts: dict[int, str] = {}
    last = ""
    for ta in analysed:
        if ta.analysis is None:
            last = ta.turn.text
        else:
            contexts[ta.index] = last
    pairs = [(contexts[ta.index][:MAX_CHARS], ta.turn.text[:MAX_CHARS]) for ta in agent]
    by_index = {}
    for ta, (levels, strat) in zip(agent, model_predictions(model, pairs), strict=True):
        by_index[ta.index] = replace(ta, analysis=with_predictions(ta.analysis, levels, strat))
    return [by_index.get(ta.index, ta) for ta in analysed]


def _metrics(
    analysed: list[TurnAnalysis], tones: dict[int, float]
) -> tuple[ConversationMetrics, list[int]]:
    """The micro-metrics, and the places of the customer turns that disclose something."""
    # One walk over the turns: words per speaker, questions, escalations and transfers, the
    # customer's tone; each turn folded and lower-cased once (kept for disclosures).
    words: dict[str, int] = {}
    folded_turns: list[str] = []
    lows: list[str] = []
    open_q = closed_q = stacked = 0
    first_kind: bool | None = None
    escalations = transfers = 0
    first_customer: TurnAnalysis | None = None
    trajectory: list[float] = []
    for ta in analysed:
        turn = ta.turn
        text = turn.text
        words[turn.speaker] = words.get(turn.speaker, 0) + len(text.split())
        cut = text[:MAX_CHARS]
        if cut.isascii():  # folding changes nothing, lower-casing no length
            folded, low = cut, cut.lower()
        else:
            folded = fold(cut)
            low = lower_same_length(folded)
        folded_turns.append(folded)
        lows.append(low)
        role = turn.role
        if role == "agent":
            if "?" in cut:  # folding keeps "?" where it is: no "?", no question
                qs = _questions(text, folded)
                if qs and first_kind is None:
                    first_kind = qs[0]
                open_q += sum(qs)
                closed_q += len(qs) - sum(qs)
                if len(qs) >= 2:
                    stacked += 1
            if any(map(low.__contains__, _TRANSFER_NEEDS)):
                transfers += _TRANSFER.search(folded, low)
        elif role == "customer":
            if first_customer is None:
                first_customer = ta
            trajectory.append(round(tones.get(ta.index, 0.0), 3))
        if any(map(low.__contains__, _ESCALATION_NEEDS)):
            escalations += _ESCALATION.search(folded, low)
    total = sum(words.values())
    share = {s: (w / total if total else 0.0) for s, w in words.items()}
    equity = _equity(list(share.values()))

    after = -1 if first_customer is None else first_customer.index
    ack = next(
        (
            ta
            for ta in analysed
            if ta.analysis is not None
            and ta.index > after
            and any(f.label in ACKNOWLEDGING for f in ta.analysis.moves)
        ),
        None,
    )
    turns_to_ack = seconds_to_ack = None
    if ack is not None:
        origin = first_customer if first_customer is not None else analysed[0]
        turns_to_ack = ack.index - origin.index
        if ack.turn.t is not None and origin.turn.t is not None:
            seconds_to_ack = round(max(0.0, ack.turn.t - origin.turn.t), 3)

    pauses: list[float] = []
    disclosed: list[int] = []
    for i, ta in enumerate(analysed):
        turn = ta.turn
        if turn.role != "customer" or not has_disclosure(folded_turns[i], lows[i]):
            continue
        disclosed.append(i)
        nxt = analysed[i + 1].turn.t if i + 1 < len(analysed) else None
        if turn.t is not None and nxt is not None:
            pauses.append(round(max(0.0, nxt - turn.t), 3))

    return ConversationMetrics(
        talk_share=share,
        participation_equity=equity,
        open_questions=open_q,
        closed_questions=closed_q,
        stacked_questions=stacked,
        open_before_closed=bool(first_kind),
        turns_to_first_acknowledgement=turns_to_ack,
        seconds_to_first_acknowledgement=seconds_to_ack,
        pauses_after_disclosure=tuple(pauses),
        tone_trajectory=tuple(trajectory),
        escalations=escalations,
        transfers=transfers,
    ), disclosed


_DISCLOSED = {"health": "a health matter", "money": "money trouble", "safety": "a safety concern"}


def _disclosure_reasons(analysed: list[TurnAnalysis], disclosed: list[int]) -> list[str]:
    """What followed each disclosure: the pause (when timed) and whether the next reply
    acknowledged it before moving on."""
    reasons = []
    for i in disclosed:
        reply = next((ta for ta in analysed[i + 1 :] if ta.analysis is not None), None)
        if reply is None:
            continue
        t0, t1 = analysed[i].turn.t, reply.turn.t
        pause = f" after {max(0.0, t1 - t0):.0f} s" if t0 is not None and t1 is not None else ""
        heard = any(f.label in ACKNOWLEDGING for f in reply.analysis.moves)
        text = analysed[i].turn.text[:MAX_CHARS]
        kinds = [_DISCLOSED[d.kind] for d in detect_disclosure(text)]
        done = "acknowledged it" if heard else "did not acknowledge it"
        if crisis_pattern().search(fold(text)):
            # Thoughts of suicide or self-harm: what matters first is whether they were asked
            # about their safety.
            kinds = ["thoughts of suicide or self-harm"]
            safe = asked_about_safety(reply.analysis.moves)
            done += (
                " and asked about their safety" if safe else " and did not ask about their safety"
            )
        reasons.append(
            f"Turn {i + 1} disclosed {' and '.join(kinds) or 'something personal'}; "
            f"the next reply (turn {reply.index + 1}){pause} {done}."
        )
    return reasons


def _equity(shares: list[float]) -> float:
    """Normalised entropy of talk shares: 1.0 when everyone talks equally."""
    shares = [s for s in shares if s > 0]
    if len(shares) <= 1:
        return 1.0 if shares else 0.0
    h = -sum(s * math.log(s) for s in shares)
    return round(h / math.log(len(shares)), 4)


# Moves that reflect the person's feelings or meaning back to them: they count twice
# towards a conversation's sustained presence.
REFLECTIVE = frozenset({"emotion_labelling", "validation", "interpretation"})
PRESENCE_RATE = 0.1  # presence = 1 - exp(-rate x weighted moves): ~0.63 after ten
WEIGHTS = {"quality": 0.3, "presence": 0.4, "outcome": 0.3}


def _score(analysed: list[TurnAnalysis], m: ConversationMetrics) -> tuple[float, list[str]]:
    """The conversation's empathy score in [0, 1], with the reasons behind it.

    Three parts, then adjustments. *Quality*: the mean of the agent's reply scores.
    *Presence*: empathy sustained over the whole conversation, a saturating count of the
    agent's moves, with reflections of feeling and meaning counted twice (one good line
    does not make an empathic conversation, and a long one is not penalised for its
    practical turns). *Outcome*: how the other person sounds in their last three turns.
    Then a missing acknowledgement, pitfalls and a worsening tone take points off, and an
    acknowledgement in the first reply and an improving tone add a little.
    """
    reasons: list[str] = []
    agent = [ta.analysis for ta in analysed if ta.analysis is not None]
    if not agent:
        return 0.0, ["No agent turns to score."]
    base = sum(a.empathy_score for a in agent) / len(agent)
    moves = sum(len(a.moves) for a in agent)
    reflective = sum(1 for a in agent for f in a.moves if f.label in REFLECTIVE)
    presence = 1.0 - math.exp(-PRESENCE_RATE * (moves + reflective))
    ending = m.tone_trajectory[-3:]
    outcome = (1.0 + sum(ending) / len(ending)) / 2 if ending else 0.5
    score = (
        WEIGHTS["quality"] * base + WEIGHTS["presence"] * presence + WEIGHTS["outcome"] * outcome
    )
    reasons.append(f"Average reply score {base:.2f} over {len(agent)} agent turn(s).")
    reasons.append(
        f"{moves} empathy move(s) across the conversation, {reflective} of them reflecting "
        f"feelings or meaning (presence {presence:.2f})."
    )

    def mood(x: float) -> str:  # on the 0..1 outcome scale
        return "positive" if x > 0.55 else "negative" if x < 0.45 else "neutral"

    if ending:
        last = mood((1.0 + ending[-1]) / 2)
        if len(ending) == 1:
            reasons.append(f"The customer's last turn read {last} (outcome {outcome:.2f}).")
        else:
            reasons.append(
                f"The customer's last {len(ending)} turns read {mood(outcome)} on average "
                f"(outcome {outcome:.2f}); their final turn read {last}."
            )
    if m.turns_to_first_acknowledgement is None:
        score -= 0.1
        reasons.append("The customer's feelings or situation were never acknowledged.")
    elif m.turns_to_first_acknowledgement <= 1:
        score += 0.05
        reasons.append("Acknowledged the customer in the first reply.")
    else:
        # Said as the reply it came in, which is how an agent counts: "in reply 2".
        origin = next((ta.index for ta in analysed if ta.turn.role == "customer"), 0)
        came = origin + m.turns_to_first_acknowledgement
        reply = sum(1 for ta in analysed if ta.analysis is not None and origin < ta.index <= came)
        reasons.append(
            f"First acknowledgement came in reply {reply}, "
            f"{m.turns_to_first_acknowledgement} turns after their first message; earlier is better."
        )
    pitfalls = sorted({f.label for a in agent for f in a.pitfalls})
    if pitfalls:
        score -= 0.03 * len(pitfalls)
        reasons.append("Pitfalls: " + ", ".join(p.replace("_", " ") for p in pitfalls) + ".")
    if m.stacked_questions:
        reasons.append(f"{m.stacked_questions} turn(s) stacked several questions at once.")
    if m.open_questions and m.open_before_closed:
        reasons.append("Opened with an open question before closed ones.")
    if len(m.tone_trajectory) >= 2:
        first, final = m.tone_trajectory[0], m.tone_trajectory[-1]
        delta = final - first
        # Said with where it started and ended: from negative to neutral is not to positive.
        moved = f"from {mood((1 + first) / 2)} to {mood((1 + final) / 2)}"
        if delta > 0.2:
            score += 0.05
            reasons.append(f"The customer's tone improved over the conversation, {moved}.")
        elif delta < -0.2:
            score -= 0.05
            reasons.append(f"The customer's tone worsened over the conversation, {moved}.")
    if m.transfers > 1:
        reasons.append(f"{m.transfers} transfers; each one risks making the customer repeat.")
    return round(max(0.0, min(1.0, score)), 4), reasons
