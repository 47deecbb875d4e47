"""The demo team that `heard demo` seeds: members, logs, kudos, pulse answers, stories.

>>> demo = load_demo()
>>> sum(m.role == "owner" for m in demo.members)
1
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import labels
from .checks import Checker, ContentError, Problem, duplicates, read_toml_file

DEMO_FILE = Path(__file__).parent / "demo.toml"
ROLES = frozenset({"owner", "facilitator", "member"})


@dataclass(frozen=True)
class Member:
    key: str  # stable slug other records refer to
    display_name: str
    role: str  # owner | facilitator | member
    job: str
    pronouns: str = ""


@dataclass(frozen=True)
class LogEntry:
    author: str
    situation: str
    cues: str
    what_i_did: str
    next_time: str
    days_ago: int
    shared: bool = False


@dataclass(frozen=True)
class Kudos:
    sender: str
    recipient: str
    text: str
    days_ago: int


@dataclass(frozen=True)
class PulseAnswer:
    question: str  # id in prompts/pulse.toml
    days_ago: int
    text: str = ""
    value: int | None = None
    member: str = ""  # empty when anonymous — anonymous answers never name anyone


@dataclass(frozen=True)
class ImpactStory:
    author: str
    action: str
    effect: str
    outcome: str
    mechanism: str
    days_ago: int


@dataclass(frozen=True)
class DemoTeam:
    name: str
    slug: str
    description: str
    members: tuple[Member, ...]
    empathy_log: tuple[LogEntry, ...]
    kudos: tuple[Kudos, ...]
    pulse_answers: tuple[PulseAnswer, ...]
    impact_stories: tuple[ImpactStory, ...]

    def member(self, key: str) -> Member:
        for member in self.members:
            if member.key == key:
                return member
        raise KeyError(key)


def load_demo(path: str | Path | None = None) -> DemoTeam:
    """Load and validate the demo data. Raises ContentError listing every problem."""
    file = Path(path) if path is not None else DEMO_FILE
    data = read_toml_file(file)
    problems: list[Problem] = []
    top = Checker(str(file), "", problems)
    top.only(data, ("team", "members", "empathy_log", "kudos", "pulse_answers", "impact_stories"))
    team = top.table(data, "team")
    tc = top.at("team")
    tc.only(team, ("name", "slug", "description"))

    members = []
    for raw in top.tables(data, "members", min_items=3):
        c = top.at(f"member '{raw.get('key', '?')}'")
        c.only(raw, ("key", "display_name", "role", "job", "pronouns"))
        members.append(
            Member(
                key=c.slug(raw, "key"),
                display_name=c.text(raw, "display_name"),
                role=c.choice(raw, "role", ROLES),
                job=c.text(raw, "job"),
                pronouns=c.text(raw, "pronouns", required=False),
            )
        )
    keys = {m.key for m in members}
    for repeated in duplicates(m.key for m in members):
        top.at(f"member '{repeated}'").fail("key", "used by two members")
    owners = sum(m.role == "owner" for m in members)
    if members and owners != 1:
        top.fail("members", f"needs exactly one owner, found {owners}")

    def who(c: Checker, raw: dict, name: str, *, required: bool = True) -> str:
        value = c.text(raw, name, required=required)
        if value and value not in keys:
            c.fail(name, f"{value!r} is not a member key")
        return value

    entries = []
    for n, raw in enumerate(top.tables(data, "empathy_log"), start=1):
        c = top.at(f"empathy_log #{n}")
        c.only(
            raw, ("author", "situation", "cues", "what_i_did", "next_time", "days_ago", "shared")
        )
        entries.append(
            LogEntry(
                author=who(c, raw, "author"),
                situation=c.text(raw, "situation"),
                cues=c.text(raw, "cues"),
                what_i_did=c.text(raw, "what_i_did"),
                next_time=c.text(raw, "next_time"),
                days_ago=c.integer(raw, "days_ago", minimum=0) or 0,
                shared=c.boolean(raw, "shared"),
            )
        )

    kudos = []
    for n, raw in enumerate(top.tables(data, "kudos"), start=1):
        c = top.at(f"kudos #{n}")
        c.only(raw, ("from", "to", "text", "days_ago"))
        sender, recipient = who(c, raw, "from"), who(c, raw, "to")
        if sender and sender == recipient:
            c.fail("to", "kudos go to someone else")
        kudos.append(
            Kudos(
                sender, recipient, c.text(raw, "text"), c.integer(raw, "days_ago", minimum=0) or 0
            )
        )

    from .prompts import load_prompts  # late import: demo answers refer to pulse questions

    pulse_ids = {q.id: q for q in load_prompts("pulse").section("questions")}
    answers = []
    for n, raw in enumerate(top.tables(data, "pulse_answers"), start=1):
        c = top.at(f"pulse_answers #{n}")
        c.only(raw, ("question", "days_ago", "text", "value", "member"))
        question = c.text(raw, "question")
        if question and question not in pulse_ids:
            c.fail("question", f"{question!r} is not a question in prompts/pulse.toml")
        text = c.text(raw, "text", required=False)
        value = c.integer(raw, "value", required=False)
        kind = pulse_ids[question].kind if question in pulse_ids else None
        if kind == "scale" and value is None:
            c.fail("value", "a scale question needs a value")
        if kind == "text" and not text:
            c.fail("text", "a text question needs a text answer")
        answers.append(
            PulseAnswer(
                question=question,
                days_ago=c.integer(raw, "days_ago", minimum=0) or 0,
                text=text,
                value=value,
                member=who(c, raw, "member", required=False),
            )
        )

    stories = []
    for n, raw in enumerate(top.tables(data, "impact_stories"), start=1):
        c = top.at(f"impact_stories #{n}")
        c.only(raw, ("author", "action", "effect", "outcome", "mechanism", "days_ago"))
        stories.append(
            ImpactStory(
                author=who(c, raw, "author"),
                action=c.text(raw, "action"),
                effect=c.text(raw, "effect"),
                outcome=c.text(raw, "outcome"),
                mechanism=c.choice(raw, "mechanism", labels.MECHANISMS),
                days_ago=c.integer(raw, "days_ago", minimum=0) or 0,
            )
        )

    result = DemoTeam(
        name=tc.text(team, "name"),
        slug=tc.slug(team, "slug"),
        description=tc.text(team, "description"),
        members=tuple(members),
        empathy_log=tuple(entries),
        kudos=tuple(kudos),
        pulse_answers=tuple(answers),
        impact_stories=tuple(stories),
    )
    if problems:
        raise ContentError(problems)
    return result
