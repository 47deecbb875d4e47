"""Prompt libraries: pulse questions, journal and circle prompts, practices, diagnosis.

Each library is one TOML file in ``heard/content/prompts/`` with a ``[library]`` header
and named sections, each an array of tables whose entries have at least an ``id`` and a
``text``. :data:`SPECS` says which sections and fields each library has; the validator
holds every file to it.

>>> pulse = load_prompts("pulse")
>>> pulse.section("questions")[0].kind in {"text", "scale"}
True
>>> diagnose({"main-source-of-stress": "chaotic-processes"}).approach
'systems_led'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import labels
from .checks import Checker, ContentError, Problem, duplicates, read_toml_file

PROMPTS_DIR = Path(__file__).parent / "prompts"


@dataclass(frozen=True)
class FieldSpec:
    type: str  # "text" | "slug" | "texts" | "int" | "choice" | "answers"
    required: bool = True
    allowed: frozenset[str] = frozenset()
    min_items: int = 0
    max_items: int | None = None


@dataclass(frozen=True)
class SectionSpec:
    fields: Mapping[str, FieldSpec]
    min_items: int = 1


def _text(required: bool = True) -> FieldSpec:
    return FieldSpec("text", required)


def _choice(*allowed: str, required: bool = True) -> FieldSpec:
    return FieldSpec("choice", required, frozenset(allowed))


def _section(min_items: int = 1, **fields: FieldSpec) -> SectionSpec:
    base = {"id": FieldSpec("slug"), "text": _text()}
    base.update(fields)
    return SectionSpec(base, min_items)


_HINT = _text(required=False)

SPECS: dict[str, dict[str, SectionSpec]] = {
    "pulse": {
        "questions": _section(
            8,
            kind=_choice("text", "scale"),
            category=_choice(
                "obstacles",
                "energy",
                "workload",
                "support",
                "connection",
                "recognition",
                "focus",
                "learning",
                "wellbeing",
            ),
            hint=_HINT,
            scale_min=FieldSpec("int", False),
            scale_max=FieldSpec("int", False),
            low_label=_text(False),
            high_label=_text(False),
        )
    },
    "meetings": {
        "check_in": _section(6, focus=_choice("task", "collaboration", "wellbeing"), hint=_HINT),
        "plus_delta": _section(
            6, side=_choice("plus", "delta"), focus=_choice("task", "collaboration", "wellbeing")
        ),
    },
    "journal": {
        "empathy_log": _section(
            4, field=_choice("situation", "cues", "what_i_did", "next_time"), hint=_HINT
        ),
        "state_check": _section(
            4,
            kind=_choice("scale", "text", "choice"),
            options=FieldSpec("texts", False),
            hint=_HINT,
        ),
        "reflection": _section(
            6,
            after=_choice("decision", "crisis", "hard_conversation"),
            revisit_after_days=FieldSpec("int", False),
        ),
        "peer_debrief": _section(3),
        "fatigue": _section(
            4, signal=_choice("dread", "drained", "impatience", "numbness", "cynicism")
        ),
        "recovery": _section(4),
    },
    "leadership": {
        "perspectives": _section(
            5,
            stakeholder=FieldSpec("choice", True, labels.STAKEHOLDERS),
            follow_ups=FieldSpec("texts", False),
        ),
        "stakeholder_map": _section(3),
        "immersion": _section(5, step=FieldSpec("int"), title=_text(), hint=_HINT),
        "quarterly": _section(3),
    },
    "baseline": {
        "parts": SectionSpec(
            {
                "id": FieldSpec("slug"),
                "text": _text(),
                "part": _choice("supported", "missed"),
                "hint": _HINT,
            },
            min_items=2,
        ),
        "themes": _section(5, name=_text(), keywords=FieldSpec("texts", True, min_items=2)),
    },
    "practices": {
        "practices": _section(
            6,
            name=_text(),
            category=FieldSpec("choice", True, labels.PRACTICE_CATEGORIES),
            behaviours=FieldSpec("texts", True, min_items=3, max_items=5),
            weeks=FieldSpec("int", False),
        ),
        "review": _section(3, decision=_choice("adopt", "adapt", "abandon", required=False)),
    },
    "diagnosis": {
        "questions": _section(5, answers=FieldSpec("answers")),
        "approaches": SectionSpec(
            {
                "id": FieldSpec("choice", True, frozenset(labels.APPROACHES)),
                "text": _text(),
                "title": _text(),
                "reason": _text(),
                "first_steps": FieldSpec("texts", True, min_items=2),
            },
            min_items=3,
        ),
    },
    "circles": {
        "topics": _section(
            8, category=_choice("work", "customers", "change", "growth", "across-a-divide")
        ),
        "facilitator": _section(
            8,
            phase=_choice(
                "before",
                "opening",
                "speaking",
                "reflecting",
                "correcting",
                "handover",
                "breakouts",
                "plenary",
                "difficult-moment",
                "closing",
            ),
        ),
        "corners": _section(3, answers=FieldSpec("texts", True, min_items=3)),
        "tent": _section(3),
    },
    "recognition": {
        "kudos": _section(4, hint=_HINT),
        "impact": _section(3, step=_choice("action", "effect", "outcome"), hint=_HINT),
        "mechanisms": SectionSpec(
            {
                "id": FieldSpec("choice", True, labels.MECHANISMS),
                "text": _text(),
                "title": _text(),
                "example": _text(),
                "prompt": _text(),
            },
            min_items=4,
        ),
        "spotter": _section(3),
    },
}

_LIBRARY_FIELDS = ("id", "title", "version", "description", "licence", "authors")


@dataclass(frozen=True)
class Prompt:
    """One prompt. ``details`` holds the section-specific fields (category, kind, …)."""

    id: str
    text: str
    details: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __getattr__(self, name: str) -> Any:
        # Lets callers write prompt.kind / prompt.category; missing fields read as None.
        if name.startswith("_") or name == "details":
            raise AttributeError(name)
        return self.details.get(name)


@dataclass(frozen=True)
class PromptLibrary:
    id: str
    title: str
    version: str
    description: str
    licence: str
    authors: tuple[str, ...]
    sections: Mapping[str, tuple[Prompt, ...]] = field(hash=False)

    def section(self, name: str) -> tuple[Prompt, ...]:
        if name not in self.sections:
            raise KeyError(f"library {self.id!r} has no section {name!r}")
        return self.sections[name]

    def get(self, prompt_id: str) -> Prompt:
        for prompts in self.sections.values():
            for prompt in prompts:
                if prompt.id == prompt_id:
                    return prompt
        raise KeyError(f"library {self.id!r} has no prompt {prompt_id!r}")


def load_prompts(name: str, path: str | Path | None = None) -> PromptLibrary:
    """Load the prompt library ``name`` (one of :data:`SPECS`), validated.

    ``path`` overrides the file (for teams' own copies and for tests).
    """
    if name not in SPECS:
        raise KeyError(f"unknown prompt library {name!r}; known: {', '.join(sorted(SPECS))}")
    file = Path(path) if path is not None else PROMPTS_DIR / f"{name}.toml"
    data = read_toml_file(file)
    problems: list[Problem] = []
    library = _build_library(name, data, str(file), problems)
    if problems or library is None:
        raise ContentError(problems)
    return library


def validate_prompt_data(name: str, data: Mapping[str, Any], file: str) -> list[Problem]:
    problems: list[Problem] = []
    _build_library(name, data, file, problems)
    return problems


def _build_library(
    name: str, data: Mapping[str, Any], file: str, problems: list[Problem]
) -> PromptLibrary | None:
    spec = SPECS[name]
    top = Checker(file, "", problems)
    top.only(data, ("library", *spec))
    meta = top.table(data, "library")
    check = top.at("library")
    check.only(meta, _LIBRARY_FIELDS)
    library_id = check.slug(meta, "id")
    if library_id and library_id != name:
        check.fail("id", f"is {library_id!r} but the file is the {name!r} library")
    sections: dict[str, tuple[Prompt, ...]] = {}
    all_ids: list[str] = []
    for section_name, section_spec in spec.items():
        if section_name not in data:
            top.fail(section_name, f"missing section (add [[{section_name}]] entries)")
            continue
        items = top.tables(data, section_name, min_items=section_spec.min_items)
        prompts = []
        for index, raw in enumerate(items, start=1):
            raw_id = raw.get("id")
            where = f"{section_name} '{raw_id}'" if raw_id else f"{section_name} #{index}"
            prompts.append(_build_prompt(raw, section_spec, top.at(where)))
            all_ids.append(str(raw_id or ""))
        sections[section_name] = tuple(prompts)
    for repeated in duplicates(i for i in all_ids if i):
        top.at(f"prompt '{repeated}'").fail("id", "duplicate id in this library")
    _extra_rules(name, sections, top)
    if problems:
        return None
    return PromptLibrary(
        id=library_id,
        title=check.text(meta, "title"),
        version=check.text(meta, "version"),
        description=check.text(meta, "description"),
        licence=check.text(meta, "licence"),
        authors=check.texts(meta, "authors", min_items=1),
        sections=sections,
    )


def _build_prompt(raw: Mapping[str, Any], spec: SectionSpec, check: Checker) -> Prompt:
    check.only(raw, spec.fields)
    values: dict[str, Any] = {}
    for name, fs in spec.fields.items():
        if fs.type == "slug":
            values[name] = check.slug(raw, name)
        elif fs.type == "text":
            values[name] = check.text(raw, name, required=fs.required)
        elif fs.type == "choice":
            values[name] = check.choice(raw, name, fs.allowed, required=fs.required)
        elif fs.type == "texts":
            values[name] = check.texts(
                raw, name, required=fs.required, min_items=fs.min_items, max_items=fs.max_items
            )
        elif fs.type == "int":
            values[name] = check.integer(raw, name, required=fs.required, minimum=0)
        elif fs.type == "answers":
            values[name] = _answers(raw, name, check)
    details = {k: v for k, v in values.items() if k not in ("id", "text") and v not in ("", None)}
    return Prompt(id=values["id"], text=values["text"], details=details)


def _answers(raw: Mapping[str, Any], name: str, check: Checker) -> tuple[Mapping[str, Any], ...]:
    answers = []
    for index, item in enumerate(check.tables(raw, name, min_items=2), start=1):
        sub = check.at(f"{check.where} answer #{index}")
        sub.only(item, ("id", "text", "points", "because"))
        points = sub.table(item, "points")
        for approach, value in points.items():
            if approach not in labels.APPROACHES:
                sub.fail(
                    "points",
                    f"unknown approach {approach!r}; expected one of: "
                    + ", ".join(labels.APPROACHES),
                )
            elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
                sub.fail("points", f"{approach} must be a whole number 0..3 (got {value!r})")
        answers.append(
            {
                "id": sub.slug(item, "id"),
                "text": sub.text(item, "text"),
                "points": dict(points),
                "because": sub.text(item, "because"),
            }
        )
    for repeated in duplicates(a["id"] for a in answers):
        check.fail(name, f"answer id {repeated!r} is used twice")
    return tuple(answers)


def _extra_rules(name: str, sections: Mapping[str, tuple[Prompt, ...]], top: Checker) -> None:
    if name == "pulse":
        for q in sections.get("questions", ()):
            if q.kind == "scale":
                where = top.at(f"questions '{q.id}'")
                for needed in ("scale_min", "scale_max", "low_label", "high_label"):
                    if q.details.get(needed) in (None, ""):
                        where.fail(needed, "required for a scale question")
                low, high = q.details.get("scale_min"), q.details.get("scale_max")
                if isinstance(low, int) and isinstance(high, int) and low >= high:
                    where.fail("scale_max", f"must be above scale_min ({low})")
    if name == "baseline":
        parts = {p.part for p in sections.get("parts", ())}
        if parts and parts != {"supported", "missed"}:
            top.fail("parts", "needs one 'supported' part and one 'missed' part")
    if name == "diagnosis":
        found = {a.id for a in sections.get("approaches", ())}
        for missing in sorted(set(labels.APPROACHES) - found):
            top.fail("approaches", f"missing approach {missing!r}")
    if name == "leadership":
        found = {p.stakeholder for p in sections.get("perspectives", ())}
        for missing in sorted(labels.STAKEHOLDERS - found):
            top.fail("perspectives", f"no prompt for stakeholder {missing!r}")
        steps = [p.step for p in sections.get("immersion", ())]
        if steps and steps != list(range(1, len(steps) + 1)):
            top.fail("immersion", f"steps must run 1, 2, 3 … in order (got {steps})")
    if name == "recognition":
        found = {m.id for m in sections.get("mechanisms", ())}
        for missing in sorted(labels.MECHANISMS - found):
            top.fail("mechanisms", f"missing mechanism {missing!r}")
    if name == "practices":
        found = {p.category for p in sections.get("practices", ())}
        for missing in sorted(labels.PRACTICE_CATEGORIES - found):
            top.fail("practices", f"no practice in category {missing!r}")


# --- typed views for the two libraries with logic attached -----------------------------


@dataclass(frozen=True)
class MicroPractice:
    id: str
    name: str
    category: str  # culture | systems | skills
    description: str
    behaviours: tuple[str, ...]
    weeks: int = 4


def load_practices(path: str | Path | None = None) -> list[MicroPractice]:
    """The micro-practice catalogue, as typed records."""
    library = load_prompts("practices", path)
    return [
        MicroPractice(
            id=p.id,
            name=p.name,
            category=p.category,
            description=p.text,
            behaviours=p.behaviours,
            weeks=p.weeks or 4,
        )
        for p in library.section("practices")
    ]


def next_practice_options(
    practices: list[MicroPractice], last_category: str
) -> list[MicroPractice]:
    """Practices to try next: SPEC §5 asks for the next one from another category."""
    return [p for p in practices if p.category != last_category]


@dataclass(frozen=True)
class DiagnosisResult:
    approach: str  # culture_led | systems_led | skills_led
    title: str
    reason: str
    scores: Mapping[str, int] = field(hash=False)
    first_steps: tuple[str, ...] = ()


# When scores tie, start where change is easiest to argue for: fixing friction in the
# process (systems), then shared skills, then culture.
_TIE_ORDER = ("systems_led", "skills_led", "culture_led")


def diagnose(answers: Mapping[str, str], path: str | Path | None = None) -> DiagnosisResult:
    """Suggest a starting approach from questionnaire answers ({question_id: answer_id}).

    Unknown question or answer ids raise KeyError so a stale form cannot guess silently.
    """
    library = load_prompts("diagnosis", path)
    scores = dict.fromkeys(labels.APPROACHES, 0)
    reasons: dict[str, list[str]] = {a: [] for a in labels.APPROACHES}
    questions = {q.id: q for q in library.section("questions")}
    for question_id, answer_id in answers.items():
        if question_id not in questions:
            raise KeyError(f"unknown question {question_id!r}")
        options = {a["id"]: a for a in questions[question_id].answers}
        if answer_id not in options:
            raise KeyError(f"question {question_id!r} has no answer {answer_id!r}")
        answer = options[answer_id]
        for approach, points in answer["points"].items():
            scores[approach] += points
            if points:
                reasons[approach].append(answer["because"])
    best = max(_TIE_ORDER, key=lambda a: (scores[a], -_TIE_ORDER.index(a)))
    approach = next(a for a in library.section("approaches") if a.id == best)
    because = reasons[best]
    reason = approach.reason
    if because:
        reason += " Your answers pointed here: " + "; ".join(because) + "."
    return DiagnosisResult(
        approach=best,
        title=approach.title,
        reason=reason,
        scores=scores,
        first_steps=approach.first_steps,
    )
