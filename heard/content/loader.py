"""Load, validate and export scenario decks (and re-export the prompt and demo loaders).

Decks are TOML files under ``heard/content/decks/`` (the format is described in the
README there). Loading always validates; a bad file raises :class:`ContentError` whose
``problems`` name the file, the scenario and the field.

>>> decks = load_decks()
>>> deck = decks[0]
>>> parse_deck(export_deck(deck)) == deck
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import labels
from .checks import Checker, ContentError, Problem, duplicates, parse_toml_text, read_toml_file
from .demo import load_demo
from .emit import dumps
from .prompts import load_prompts

__all__ = [
    "DECKS_DIR",
    "ContentError",
    "Curveball",
    "Deck",
    "FollowUps",
    "Persona",
    "Problem",
    "Scenario",
    "deck_for_week",
    "export_deck",
    "load_deck",
    "load_decks",
    "load_demo",
    "load_prompts",
    "parse_deck",
    "validate_deck_data",
]

DECKS_DIR = Path(__file__).parent / "decks"


@dataclass(frozen=True)
class Persona:
    name: str
    summary: str
    voice: str = ""  # how they write or speak: pace, register, habits


@dataclass(frozen=True)
class Curveball:
    """Something that changes mid-scenario. Fires after a turn number or on a keyword."""

    kind: str
    message: str
    after_turn: int | None = None
    keywords: tuple[str, ...] = ()
    intensity_shift: float = 0.0  # how the customer's intensity moves when it lands (-1..1)
    note: str = ""  # for the facilitator: what the curveball tests

    def fires(self, turn: int, agent_text: str = "") -> bool:
        """True when this curveball is due after the agent's ``turn`` (1-based).

        It stays due on later turns too; the caller delivers each curveball once.

        >>> Curveball("outage", "It's down again", after_turn=2).fires(2)
        True
        >>> Curveball("policy_change", "...", keywords=("refund",)).fires(1, "A Refund is ...")
        True
        """
        if self.after_turn is not None and turn >= self.after_turn:
            return True
        lowered = agent_text.casefold()
        return any(word.casefold() in lowered for word in self.keywords)


@dataclass(frozen=True)
class FollowUps:
    """What the simulated customer says next, by how the agent's last turn landed."""

    acknowledged: tuple[str, ...]
    scripted: tuple[str, ...]
    defensive: tuple[str, ...]
    rushed: tuple[str, ...] = ()  # a solution before any acknowledgement
    resolved: tuple[str, ...] = ()  # the customer feels heard and has a way forward

    def for_reaction(self, reaction: str) -> tuple[str, ...]:
        if reaction not in labels.REACTIONS:
            raise KeyError(f"unknown reaction {reaction!r}")
        lines = getattr(self, reaction)
        # Fall back to the nearest required reaction so a simulator always has a line.
        if not lines:
            lines = self.defensive if reaction == "rushed" else self.acknowledged
        return lines


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    channel: str
    emotion: str
    intensity: float
    need: str
    stakes: str
    stakes_detail: str
    ambiguity: str
    persona: Persona
    agent_brief: str
    opening: str
    success_signals: tuple[str, ...]
    pitfalls: tuple[str, ...]
    follow_ups: FollowUps
    reflection_questions: tuple[str, ...]
    curveballs: tuple[Curveball, ...] = ()
    accessibility: tuple[str, ...] = ()
    cultural_cues: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    minutes: int = 5

    @property
    def coach_emotion(self) -> str:
        """The coach's emotion family for this scenario (``worry`` reads as ``anxiety``)."""
        return labels.EMOTION_FAMILY[self.emotion]


@dataclass(frozen=True)
class Deck:
    id: str
    title: str
    version: str
    description: str
    skill_focus: tuple[str, ...]
    licence: str
    authors: tuple[str, ...]
    rotation_week: int
    scenarios: tuple[Scenario, ...]
    # Where the deck came from; not part of its identity, so exports compare equal.
    source: str = field(default="", compare=False)

    def scenario(self, scenario_id: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.id == scenario_id:
                return scenario
        raise KeyError(f"deck {self.id!r} has no scenario {scenario_id!r}")


_DECK_FIELDS = (
    "id",
    "title",
    "version",
    "description",
    "skill_focus",
    "licence",
    "authors",
    "rotation_week",
)
_SCENARIO_FIELDS = (
    "id",
    "title",
    "channel",
    "emotion",
    "intensity",
    "need",
    "stakes",
    "stakes_detail",
    "ambiguity",
    "accessibility",
    "cultural_cues",
    "persona",
    "agent_brief",
    "opening",
    "curveballs",
    "success_signals",
    "pitfalls",
    "follow_ups",
    "reflection_questions",
    "tags",
    "minutes",
)
_CURVEBALL_FIELDS = ("kind", "message", "after_turn", "keywords", "intensity_shift", "note")


def validate_deck_data(data: Mapping[str, Any], file: str = "<deck>") -> list[Problem]:
    """Return every problem in parsed deck data (empty when the deck is usable)."""
    problems: list[Problem] = []
    _build_deck(data, file, problems)
    return problems


def parse_deck(text: str | bytes, source: str = "<upload>") -> Deck:
    """Build a deck from TOML text, e.g. an uploaded file. Raises ContentError."""
    data = parse_toml_text(text, source)
    return _deck_or_raise(data, source)


def load_deck(path: str | Path) -> Deck:
    """Load and validate one deck file. Raises ContentError listing every problem."""
    path = Path(path)
    data = read_toml_file(path)
    return _deck_or_raise(data, str(path))


def load_decks(path: str | Path | None = None) -> list[Deck]:
    """Load every ``*.toml`` deck in ``path`` (default: the shipped decks).

    Deck ids and scenario ids must be unique across the whole folder, because drills and
    scores refer to scenarios by id. Decks come back in rotation order.
    """
    folder = Path(path) if path is not None else DECKS_DIR
    if not folder.is_dir():
        raise ContentError([Problem(str(folder), "", "", "not a folder of deck files")])
    decks: list[Deck] = []
    problems: list[Problem] = []
    for file in sorted(folder.glob("*.toml")):
        try:
            decks.append(load_deck(file))
        except ContentError as exc:
            problems.extend(exc.problems)
    for deck_id in duplicates(d.id for d in decks):
        files = ", ".join(d.source for d in decks if d.id == deck_id)
        problems.append(Problem(str(folder), f"deck '{deck_id}'", "id", f"used by {files}"))
    owners: dict[str, str] = {}
    for deck in decks:
        for scenario in deck.scenarios:
            if scenario.id in owners:
                problems.append(
                    Problem(
                        deck.source,
                        f"scenario '{scenario.id}'",
                        "id",
                        f"already used in deck '{owners[scenario.id]}'; scenario ids must be "
                        "unique across decks",
                    )
                )
            owners.setdefault(scenario.id, deck.id)
    if problems:
        raise ContentError(problems)
    return sorted(decks, key=lambda d: (d.rotation_week, d.id))


def deck_for_week(decks: Iterable[Deck], week: int) -> Deck:
    """Pick this week's deck: decks rotate in ``rotation_week`` order, one per week.

    ``week`` is any running week number (an ISO week is fine); the rotation wraps around.
    """
    ordered = sorted(decks, key=lambda d: (d.rotation_week, d.id))
    if not ordered:
        raise ValueError("no decks to rotate")
    return ordered[(week - 1) % len(ordered)]


def export_deck(deck: Deck) -> str:
    """Return TOML text for ``deck`` that :func:`parse_deck` reads back to an equal deck."""
    return dumps(deck_to_dict(deck))


def deck_to_dict(deck: Deck) -> dict[str, Any]:
    """Plain data for a deck, in the same shape as the TOML files (JSON-safe too)."""
    return {
        "deck": {
            "id": deck.id,
            "title": deck.title,
            "version": deck.version,
            "description": deck.description,
            "skill_focus": list(deck.skill_focus),
            "licence": deck.licence,
            "authors": list(deck.authors),
            "rotation_week": deck.rotation_week,
        },
        "scenarios": [_scenario_to_dict(s) for s in deck.scenarios],
    }


def _scenario_to_dict(s: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": s.id,
        "title": s.title,
        "channel": s.channel,
        "emotion": s.emotion,
        "intensity": s.intensity,
        "need": s.need,
        "stakes": s.stakes,
        "stakes_detail": s.stakes_detail,
        "ambiguity": s.ambiguity,
        "minutes": s.minutes,
        "accessibility": list(s.accessibility),
        "cultural_cues": list(s.cultural_cues),
        "tags": list(s.tags),
        "agent_brief": s.agent_brief,
        "opening": s.opening,
        "success_signals": list(s.success_signals),
        "pitfalls": list(s.pitfalls),
        "reflection_questions": list(s.reflection_questions),
        "persona": {"name": s.persona.name, "summary": s.persona.summary},
        "follow_ups": {
            reaction: list(getattr(s.follow_ups, reaction))
            for reaction in labels.REACTIONS
            if getattr(s.follow_ups, reaction)
        },
    }
    if s.persona.voice:
        out["persona"]["voice"] = s.persona.voice
    curveballs = []
    for c in s.curveballs:
        item: dict[str, Any] = {"kind": c.kind}
        if c.after_turn is not None:
            item["after_turn"] = c.after_turn
        if c.keywords:
            item["keywords"] = list(c.keywords)
        if c.intensity_shift:
            item["intensity_shift"] = c.intensity_shift
        item["message"] = c.message
        if c.note:
            item["note"] = c.note
        curveballs.append(item)
    if curveballs:
        out["curveballs"] = curveballs
    return out


def _deck_or_raise(data: Mapping[str, Any], file: str) -> Deck:
    problems: list[Problem] = []
    deck = _build_deck(data, file, problems)
    if problems or deck is None:
        raise ContentError(problems)
    return deck


def _build_deck(data: Mapping[str, Any], file: str, problems: list[Problem]) -> Deck | None:
    top = Checker(file, "", problems)
    top.only(data, ("deck", "scenarios"))
    meta = top.table(data, "deck")
    check = top.at("deck")
    check.only(meta, _DECK_FIELDS)
    deck_id = check.slug(meta, "id")
    title = check.text(meta, "title")
    version = check.text(meta, "version")
    description = check.text(meta, "description")
    skill_focus = check.texts(
        meta, "skill_focus", min_items=1, allowed=labels.MOVES, what="move label"
    )
    licence = check.text(meta, "licence")
    authors = check.texts(meta, "authors", min_items=1)
    rotation_week = check.integer(meta, "rotation_week", minimum=1, maximum=53, default=1)

    raw_scenarios = top.tables(data, "scenarios", min_items=1)
    scenarios: list[Scenario] = []
    for index, raw in enumerate(raw_scenarios, start=1):
        scenario = _build_scenario(raw, index, top, problems)
        if scenario is not None:
            scenarios.append(scenario)
    for repeated in duplicates(str(raw.get("id", "")) for raw in raw_scenarios):
        if repeated:
            top.at(f"scenario '{repeated}'").fail("id", "duplicate scenario id in this deck")

    if problems:
        return None
    return Deck(
        id=deck_id,
        title=title,
        version=version,
        description=description,
        skill_focus=skill_focus,
        licence=licence,
        authors=authors,
        rotation_week=rotation_week or 1,
        scenarios=tuple(scenarios),
        source=file,
    )


def _build_scenario(
    raw: Mapping[str, Any], index: int, top: Checker, problems: list[Problem]
) -> Scenario | None:
    before = len(problems)
    raw_id = raw.get("id")
    label = f"scenario '{raw_id}'" if isinstance(raw_id, str) and raw_id else f"scenario #{index}"
    check = top.at(label)
    check.only(raw, _SCENARIO_FIELDS)
    scenario_id = check.slug(raw, "id")
    title = check.text(raw, "title")
    channel = check.choice(raw, "channel", labels.CHANNELS)
    emotion = check.choice(raw, "emotion", labels.EMOTIONS)
    intensity = check.unit(raw, "intensity")
    need = check.choice(raw, "need", labels.NEEDS)
    stakes = check.choice(raw, "stakes", labels.LEVELS)
    stakes_detail = check.text(raw, "stakes_detail")
    ambiguity = check.choice(raw, "ambiguity", labels.LEVELS)
    minutes = check.integer(raw, "minutes", required=False, minimum=1, maximum=60, default=5)
    accessibility = check.texts(raw, "accessibility", required=False)
    cultural_cues = check.texts(raw, "cultural_cues", required=False)
    tags = check.texts(raw, "tags", required=False)
    agent_brief = check.text(raw, "agent_brief")
    opening = check.text(raw, "opening")
    success_signals = check.texts(
        raw, "success_signals", min_items=1, allowed=labels.MOVES, what="move label"
    )
    pitfalls = check.texts(
        raw, "pitfalls", min_items=1, allowed=labels.PITFALLS, what="pitfall label"
    )
    reflection_questions = check.texts(raw, "reflection_questions", min_items=2)

    persona_raw = check.table(raw, "persona")
    persona_check = check.at(f"{label} persona")
    persona_check.only(persona_raw, ("name", "summary", "voice"))
    persona = Persona(
        name=persona_check.text(persona_raw, "name") if persona_raw else "",
        summary=persona_check.text(persona_raw, "summary") if persona_raw else "",
        voice=persona_check.text(persona_raw, "voice", required=False),
    )

    follow_raw = check.table(raw, "follow_ups")
    follow_check = check.at(f"{label} follow_ups")
    follow_check.only(follow_raw, labels.REACTIONS)
    lines: dict[str, tuple[str, ...]] = {}
    if follow_raw:
        for reaction in labels.REQUIRED_REACTIONS:
            lines[reaction] = follow_check.texts(follow_raw, reaction, min_items=2)
        for reaction in labels.OPTIONAL_REACTIONS:
            lines[reaction] = follow_check.texts(follow_raw, reaction, required=False)

    curveballs: list[Curveball] = []
    for number, cb in enumerate(check.tables(raw, "curveballs"), start=1):
        cb_check = check.at(f"{label} curveball #{number}")
        cb_check.only(cb, _CURVEBALL_FIELDS)
        kind = cb_check.choice(cb, "kind", labels.CURVEBALL_KINDS)
        message = cb_check.text(cb, "message")
        after_turn = cb_check.integer(cb, "after_turn", required=False, minimum=1, maximum=50)
        keywords = cb_check.texts(cb, "keywords", required=False)
        if after_turn is None and not keywords:
            cb_check.fail("trigger", "needs after_turn (a turn number) or keywords (a list)")
        shift = cb_check.unit(cb, "intensity_shift", required=False, low=-1.0)
        note = cb_check.text(cb, "note", required=False)
        curveballs.append(Curveball(kind, message, after_turn, keywords, shift, note))

    if len(problems) > before:
        return None
    return Scenario(
        id=scenario_id,
        title=title,
        channel=channel,
        emotion=emotion,
        intensity=intensity,
        need=need,
        stakes=stakes,
        stakes_detail=stakes_detail,
        ambiguity=ambiguity,
        persona=persona,
        agent_brief=agent_brief,
        opening=opening,
        success_signals=success_signals,
        pitfalls=pitfalls,
        follow_ups=FollowUps(**lines),
        reflection_questions=reflection_questions,
        curveballs=tuple(curveballs),
        accessibility=accessibility,
        cultural_cues=cultural_cues,
        tags=tags,
        minutes=minutes or 5,
    )
