"""The QA rubric: loaded from TOML data, pre-scored from a coach ConversationAnalysis.

The rubric is defined once, as data, in ``heard/qa/rubric.toml``; this module only reads it
and applies it. It is pure Python (no Django) so the batch scorer, the drills and the QA
flows share it.

>>> rubric = load_rubric()
>>> [item.id for item in rubric.items][:2]
['genuine_acknowledgement', 'concrete_apology']
>>> # scores = prescore(analyze_conversation(turns))   # -> tuple[ItemScore, ...]

Every automatic score carries its evidence: which move, pitfall, metric or pattern moved it,
in which turn, with the character span and the quoted text, so a person reviewing the
pre-score can see why it was given.
"""

from __future__ import annotations

import math
import operator
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from re import _constants as _C  # type: ignore[attr-defined]
from re import _parser as _P  # type: ignore[attr-defined]
from typing import Any

DEFAULT_RUBRIC_PATH = Path(__file__).with_name("rubric.toml")

# Evidence quotes are kept per rule so a long conversation cannot blow up a result record.
MAX_EVIDENCE_PER_RULE = 3

_OPS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_SOURCES = ("move", "pitfall", "metric", "pattern")
_ROLES = ("agent", "customer")


class RubricError(ValueError):
    """The rubric file is malformed; the message names the item and field."""


@dataclass(frozen=True)
class Rule:
    """One piece of evidence an item looks for (see rubric.toml for the semantics)."""

    source: str
    label: str = ""  # move / pitfall label, or metric name
    weight: float = 0.0
    op: str = ""
    value: float = 0.0
    role: str = ""
    patterns: tuple[re.Pattern[str], ...] = ()
    combined: re.Pattern[str] | None = None  # the patterns as one alternation: one scan a turn
    # The same alternation without IGNORECASE, for lower-cased text (much faster in `re`);
    # only when no pattern has an upper-case character (\\B, \\W… would change meaning).
    lowered: re.Pattern[str] | None = None
    per_occurrence: bool = False
    cap: int = 1
    name: str = ""  # a readable description, shown in the evidence instead of the rule
    # Lower-case strings one of which every match holds (see ``required_strings``): a turn
    # in ASCII holding none of them is not scanned. None: no such strings are known.
    needs: frozenset[str] | None = None

    @cached_property
    def finding_key(self) -> tuple[str, str]:
        """(source, label): where a move or pitfall rule's hits are indexed."""
        return self.source, self.label

    @cached_property
    def description(self) -> str:
        """``describe()``, worked out once (a frozen rule never changes)."""
        return self.describe()

    def describe(self) -> str:
        if self.name:
            return self.name
        if self.source in ("move", "pitfall"):
            return f"{self.source} {self.label}"
        if self.source == "metric":
            return f"{self.label} {self.op} {_fmt(self.value)}"
        return f"{self.role} says {' | '.join(p.pattern for p in self.patterns)}"


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    when: tuple[Rule, ...] = ()
    require: tuple[Rule, ...] = ()
    forbid: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class RubricItem:
    id: str
    title: str
    description: str
    kind: str  # "evidence" | "checks"
    scale_min: int
    scale_max: int
    scale_labels: tuple[str, ...]
    base: float = 0.0
    evidence: tuple[Rule, ...] = ()
    applies_when: tuple[Rule, ...] = ()
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Rubric:
    id: str
    title: str
    version: int
    items: tuple[RubricItem, ...]
    source: str = ""  # where it was loaded from

    def item(self, item_id: str) -> RubricItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def labels(self) -> dict[str, set[str]]:
        """Every move and pitfall label the rubric refers to (to check against the coach)."""
        found: dict[str, set[str]] = {"move": set(), "pitfall": set()}
        for item in self.items:
            rules = list(item.evidence) + list(item.applies_when)
            for check in item.checks:
                rules += list(check.when) + list(check.require) + list(check.forbid)
            for rule in rules:
                if rule.source in found:
                    found[rule.source].add(rule.label)
        return found


@dataclass(frozen=True)
class Evidence:
    """Why an automatic score moved: the rule, its effect, and where in the conversation."""

    source: str  # "move" | "pitfall" | "metric" | "pattern" | "check"
    label: str
    effect: float  # the weight it added (negative lowers the score); 0 for context
    turn: int | None = None  # index into the conversation's turns
    start: int | None = None  # character offsets into that turn's text
    end: int | None = None
    quote: str = ""
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "label": self.label,
            "effect": self.effect,
            "turn": self.turn,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class ItemScore:
    item_id: str
    title: str
    score: int | None  # None: not applicable to this conversation
    raw: float | None  # before rounding and clamping
    scale_min: int
    scale_max: int
    level: str  # the scale label of `score`, or "not applicable"
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)

    @property
    def normalised(self) -> float | None:
        """The score on 0..1, for charts and comparisons across scales."""
        if self.score is None:
            return None
        return (self.score - self.scale_min) / (self.scale_max - self.scale_min)

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item_id,
            "title": self.title,
            "score": self.score,
            "raw": self.raw,
            "scale": [self.scale_min, self.scale_max],
            "level": self.level,
            "evidence": [e.to_dict() for e in self.evidence],
        }


# ---------------------------------------------------------------------------- loading


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


_REPEATS = (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", _C.MAX_REPEAT))


def _needs(seq: Any) -> list[frozenset[str]]:
    """Sets of lower-cased strings; every match of ``seq`` holds one string of each set."""
    found: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in seq:
        if op is _C.LITERAL:
            run.append(chr(av).lower())
            continue
        if run:  # a run of literal characters ends: the match holds it as it is
            found.append(frozenset(["".join(run)]))
            run = []
        if op is _C.SUBPATTERN:
            found.extend(_needs(av[-1]))
        elif op is _C.BRANCH:
            best = [_best(_needs(alternative)) for alternative in av[1]]
            if all(b is not None for b in best):
                found.append(frozenset().union(*best))  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            found.extend(_needs(av[2]))
        # Anything else (a class, \s, \b, an optional part…) requires no fixed string.
    if run:
        found.append(frozenset(["".join(run)]))
    return found


def _best(sets: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective set: its shortest string longest, then the fewest strings."""
    if not sets:
        return None
    return max(sets, key=lambda strings: (min(map(len, strings)), -len(strings)))


def required_strings(patterns: list[str] | tuple[str, ...]) -> frozenset[str] | None:
    """Lower-case strings one of which a text holds, lower-cased, wherever one of the
    patterns matches it case-insensitively; None when some pattern needs no fixed string.

    Only for ASCII texts: there case-insensitive matching is ASCII case, and ``str.lower``
    keeps every character where it is.

    >>> sorted(required_strings([r"\\b(refund|charged twice)\\b", r"\\bsecurity (check|question)"]))
    ['charged twice', 'refund', 'security ']
    """
    strings: set[str] = set()
    for pattern in patterns:
        try:
            best = _best(_needs(_P.parse(pattern, re.IGNORECASE)))
        except Exception:  # noqa: BLE001 - an unusual pattern only loses the shortcut
            return None
        if best is None or not all(s.isascii() for s in best):
            return None
        strings |= best
    return frozenset(strings)


def _rule(raw: dict[str, Any], where: str, *, weighted: bool) -> Rule:
    if not isinstance(raw, dict):
        raise RubricError(f"{where}: a rule must be a table")
    source = raw.get("source")
    if source not in _SOURCES:
        raise RubricError(f"{where}: source must be one of {', '.join(_SOURCES)}")
    weight = raw.get("weight", 0.0)
    if weighted and not isinstance(weight, int | float):
        raise RubricError(f"{where}: weight must be a number")
    cap = raw.get("cap", 1)
    common = {
        "name": str(raw.get("name", "")),
        "weight": float(weight),
        "per_occurrence": bool(raw.get("per_occurrence", False)),
        "cap": int(cap),
    }
    if source in ("move", "pitfall"):
        label = raw.get("label")
        if not isinstance(label, str) or not label:
            raise RubricError(f"{where}: a {source} rule needs a label")
        return Rule(source=source, label=label, **common)
    if source == "metric":
        metric, op, value = raw.get("metric"), raw.get("op"), raw.get("value")
        if not isinstance(metric, str) or op not in _OPS or not isinstance(value, int | float):
            raise RubricError(f"{where}: a metric rule needs metric, op (<, <=, ...) and value")
        return Rule(source="metric", label=metric, op=op, value=float(value), **common)
    role, patterns = raw.get("role"), raw.get("patterns")
    if role not in _ROLES or not isinstance(patterns, list) or not patterns:
        raise RubricError(f"{where}: a pattern rule needs role (agent|customer) and patterns")
    try:
        compiled = tuple(re.compile(p, re.IGNORECASE) for p in patterns)
        source = "|".join(f"(?:{p})" for p in patterns)
        combined = re.compile(source, re.IGNORECASE)
        lowered = re.compile(source) if source == source.lower() else None
    except (re.error, TypeError) as exc:
        raise RubricError(f"{where}: bad pattern: {exc}") from exc
    return Rule(
        source="pattern",
        role=role,
        patterns=compiled,
        combined=combined,
        lowered=lowered,
        needs=required_strings(patterns),
        **common,
    )


def _rules(raw: Any, where: str, *, weighted: bool) -> tuple[Rule, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise RubricError(f"{where}: expected an array of tables")
    return tuple(_rule(r, f"{where}[{i}]", weighted=weighted) for i, r in enumerate(raw))


def parse_rubric(data: dict[str, Any], source: str = "") -> Rubric:
    """Build a Rubric from parsed TOML data; raises RubricError with the faulty field."""
    scale = data.get("scale", {})
    default_min, default_max = int(scale.get("min", 0)), int(scale.get("max", 4))
    default_labels = tuple(scale.get("labels", ()))
    items = []
    seen = set()
    for index, raw in enumerate(data.get("items", [])):
        item_id = raw.get("id")
        where = f"items[{index}] ({item_id})"
        if not isinstance(item_id, str) or not item_id:
            raise RubricError(f"items[{index}]: id is required")
        if item_id in seen:
            raise RubricError(f"{where}: duplicate id")
        seen.add(item_id)
        item_scale = raw.get("scale", {})
        lo = int(item_scale.get("min", default_min))
        hi = int(item_scale.get("max", default_max))
        labels = tuple(item_scale.get("labels", default_labels if "scale" not in raw else ()))
        if hi <= lo:
            raise RubricError(f"{where}: scale max must be above min")
        if labels and len(labels) != hi - lo + 1:
            raise RubricError(f"{where}: the scale needs one label per point ({hi - lo + 1})")
        kind = raw.get("kind", "evidence")
        checks = []
        if kind == "checks":
            for c_index, c_raw in enumerate(raw.get("checks", [])):
                c_where = f"{where}.checks[{c_index}]"
                if not isinstance(c_raw.get("id"), str):
                    raise RubricError(f"{c_where}: id is required")
                check = Check(
                    id=c_raw["id"],
                    title=str(c_raw.get("title", c_raw["id"])),
                    when=_rules(c_raw.get("when"), f"{c_where}.when", weighted=False),
                    require=_rules(c_raw.get("require"), f"{c_where}.require", weighted=False),
                    forbid=_rules(c_raw.get("forbid"), f"{c_where}.forbid", weighted=False),
                )
                if not check.require and not check.forbid:
                    raise RubricError(f"{c_where}: a check needs require or forbid rules")
                checks.append(check)
            if not checks:
                raise RubricError(f"{where}: kind = 'checks' needs at least one check")
        elif kind != "evidence":
            raise RubricError(f"{where}: kind must be 'evidence' or 'checks'")
        items.append(
            RubricItem(
                id=item_id,
                title=str(raw.get("title", item_id)),
                description=str(raw.get("description", "")).strip(),
                kind=kind,
                scale_min=lo,
                scale_max=hi,
                scale_labels=labels,
                base=float(raw.get("base", lo)),
                evidence=_rules(raw.get("evidence"), f"{where}.evidence", weighted=True),
                applies_when=_rules(
                    raw.get("applies_when"), f"{where}.applies_when", weighted=False
                ),
                checks=tuple(checks),
            )
        )
    if not items:
        raise RubricError("the rubric has no items")
    return Rubric(
        id=str(data.get("id", "rubric")),
        title=str(data.get("title", "")),
        version=int(data.get("version", 1)),
        items=tuple(items),
        source=source,
    )


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> Rubric:
    with open(path, "rb") as handle:
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise RubricError(f"{path}: {exc}") from exc
    return parse_rubric(data, source=path)


def load_rubric(path: str | Path | None = None) -> Rubric:
    """Load a rubric file (Heard's default rubric when path is None); cached per file."""
    resolved = Path(path) if path is not None else DEFAULT_RUBRIC_PATH
    return _load_cached(str(resolved), resolved.stat().st_mtime_ns)


# ---------------------------------------------------------------------------- scoring


@dataclass(slots=True)
class _Hit:
    turn: int | None
    start: int | None
    end: int | None
    quote: str
    detail: str = ""


def conversation_facts(analysis: Any) -> dict[str, float]:
    """Numeric facts a metric rule can test: ConversationMetrics plus tone summaries."""
    metrics = analysis.metrics
    facts: dict[str, float] = {}
    for name in (
        "participation_equity",
        "open_questions",
        "closed_questions",
        "stacked_questions",
        "turns_to_first_acknowledgement",
        "seconds_to_first_acknowledgement",
        "escalations",
        "transfers",
    ):
        value = getattr(metrics, name, None)
        if isinstance(value, bool):
            value = float(value)
        if isinstance(value, int | float) and not math.isnan(value):
            facts[name] = float(value)
    facts["open_before_closed"] = float(bool(getattr(metrics, "open_before_closed", False)))
    tone = tuple(getattr(metrics, "tone_trajectory", ()) or ())
    if tone:
        facts["tone_start"] = float(tone[0])
        facts["tone_end"] = float(tone[-1])
        facts["tone_min"] = float(min(tone))
        facts["tone_change"] = float(tone[-1] - tone[0])
    roles = [t.turn.role for t in analysis.turns]
    facts["agent_turns"] = float(roles.count("agent"))
    facts["customer_turns"] = float(roles.count("customer"))
    intensities = [
        t.customer_state.intensity for t in analysis.turns if t.customer_state is not None
    ]
    if intensities:
        facts["max_customer_intensity"] = float(max(intensities))
    return facts


class _Context:
    """One conversation being scored: its facts and an index of its findings by label, built
    once so each rule is a lookup rather than a walk over every turn."""

    def __init__(self, analysis: Any) -> None:
        self.analysis = analysis
        self.facts = conversation_facts(analysis)
        self.findings: dict[tuple[str, str], list[_Hit]] = {}
        for turn in analysis.turns:
            result = turn.analysis
            if result is None:
                continue
            for kind, findings in (("move", result.moves), ("pitfall", result.pitfalls)):
                if not findings:
                    continue
                seen = set()
                for finding in findings:
                    if finding.label in seen:
                        continue  # one hit per turn: occurrences count turns, not spans
                    seen.add(finding.label)
                    spans = tuple(finding.spans)
                    hit = (
                        _Hit(turn.index, spans[0].start, spans[0].end, spans[0].text)
                        if spans
                        else _Hit(turn.index, None, None, "")
                    )
                    self.findings.setdefault((kind, finding.label), []).append(hit)
        self._patterns: dict[int, list[_Hit]] = {}
        # Per role: (index, text, its lower case or None, whether the text is ASCII).
        self._texts: dict[str, list[tuple[int, str, str | None, bool]]] | None = None

    def pattern_hits(self, rule: Rule) -> list[_Hit]:
        found = self._patterns.get(id(rule))
        if found is None:
            found = self._patterns[id(rule)] = self._scan(rule)
        return found

    def metric_hits(self, rule: Rule) -> list[_Hit]:
        value = self.facts.get(rule.label)
        if value is None or not _OPS[rule.op](value, rule.value):
            return []
        detail = f"{rule.label} = {_fmt(round(value, 3))} ({rule.op} {_fmt(rule.value)})"
        return [_Hit(None, None, None, "", detail)]

    def _turn_texts(self) -> dict[str, list[tuple[int, str, str | None, bool]]]:
        """Each turn's text by role, lower-cased once (None when lower-casing would move
        offsets: rare Unicode)."""
        if self._texts is None:
            self._texts = {}
            for turn in self.analysis.turns:
                text = turn.turn.text
                low = text.lower()
                entry = (turn.index, text, low if len(low) == len(text) else None, text.isascii())
                self._texts.setdefault(turn.turn.role, []).append(entry)
        return self._texts

    def _scan(self, rule: Rule) -> list[_Hit]:
        hits = []
        needs = rule.needs
        for index, text, low, ascii_text in self._turn_texts().get(rule.role, ()):
            if needs is not None and ascii_text and not any(map(low.__contains__, needs)):  # type: ignore[union-attr]
                continue  # no string every match holds: the patterns cannot match
            if low is not None and rule.lowered is not None:
                match = rule.lowered.search(low)
            elif rule.combined is not None:
                match = rule.combined.search(text)
            else:
                match = next((m for p in rule.patterns if (m := p.search(text))), None)
            if match:
                start, end = match.span()
                hits.append(_Hit(index, start, end, text[start:end]))
        return hits


_NO_HITS: tuple[_Hit, ...] = ()


def _fire(rule: Rule, ctx: _Context) -> Sequence[_Hit]:
    """The places where a rule fires (empty when it does not)."""
    source = rule.source
    if source == "move" or source == "pitfall":
        return ctx.findings.get(rule.finding_key, _NO_HITS)
    if source == "pattern":
        return ctx.pattern_hits(rule)
    return ctx.metric_hits(rule)


def _evidence(
    rule: Rule, hits: Sequence[_Hit], effect: float, source: str = ""
) -> list[dict[str, Any]]:
    """Evidence of a rule's hits, as ``Evidence.to_dict()`` gives it."""
    source = source or rule.source
    label = rule.label if rule.source != "pattern" else "pattern"
    out = []
    for hit in hits[:MAX_EVIDENCE_PER_RULE]:
        out.append(
            {
                "source": source,
                "label": label,
                "effect": effect if not out else 0.0,
                "turn": hit.turn,
                "start": hit.start,
                "end": hit.end,
                "quote": hit.quote,
                "detail": hit.detail or rule.description,
            }
        )
    return out


def _level(item: RubricItem, score: int | None) -> str:
    if score is None:
        return "not applicable"
    if item.scale_labels:
        return item.scale_labels[score - item.scale_min]
    return str(score)


def _round_half_up(value: float) -> int:
    return int(math.floor(value + 0.5))


def _item_data(
    item: RubricItem,
    score: int | None = None,
    raw: float | None = None,
    evidence: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One item's score as ``ItemScore.to_dict()`` gives it."""
    return {
        "item": item.id,
        "title": item.title,
        "score": score,
        "raw": raw,
        "scale": [item.scale_min, item.scale_max],
        "level": _level(item, score),
        "evidence": evidence if evidence is not None else [],
    }


def _score_evidence_item(item: RubricItem, ctx: _Context) -> dict[str, Any]:
    if item.applies_when and not any(_fire(r, ctx) for r in item.applies_when):
        return _item_data(item)
    raw = item.base
    evidence: list[dict[str, Any]] = []
    for rule in item.evidence:
        hits = _fire(rule, ctx)
        if not hits:
            continue
        times = min(len(hits), rule.cap) if rule.per_occurrence else 1
        effect = rule.weight * times
        raw += effect
        evidence.extend(_evidence(rule, hits, effect))
    score = min(item.scale_max, max(item.scale_min, _round_half_up(raw)))
    return _item_data(item, score, round(raw, 3), evidence)


def _score_checks_item(item: RubricItem, ctx: _Context) -> dict[str, Any]:
    applicable = passed = 0
    evidence: list[dict[str, Any]] = []
    for check in item.checks:
        if check.when:
            context = [(r, h) for r in check.when if (h := _fire(r, ctx))]
            if not context:
                continue
        else:
            context = []
        applicable += 1
        required = [(r, h) for r in check.require if (h := _fire(r, ctx))]
        forbidden = [(r, h) for r in check.forbid if (h := _fire(r, ctx))]
        ok = (not check.require or bool(required)) and not forbidden
        passed += ok
        verdict = "kept" if ok else "missed"
        for rule, hits in context[:1]:
            for ev in _evidence(rule, hits[:1], 0.0):
                evidence.append(_relabel(ev, check, f"applies: {ev['detail']}"))
        for rule, hits in required:
            for ev in _evidence(rule, hits, 0.0):
                evidence.append(_relabel(ev, check, f"{verdict}: found {rule.description}"))
        for rule, hits in forbidden:
            for ev in _evidence(rule, hits, -1.0):
                evidence.append(_relabel(ev, check, f"missed: {rule.description}"))
        if check.require and not required:
            evidence.append(
                Evidence(
                    "check", check.id, -1.0, detail=f"missed: {check.title} not found"
                ).to_dict()
            )
    if not applicable:
        return _item_data(item)
    raw = item.scale_min + (item.scale_max - item.scale_min) * passed / applicable
    score = min(item.scale_max, max(item.scale_min, _round_half_up(raw)))
    return _item_data(item, score, round(raw, 3), evidence)


def _relabel(ev: dict[str, Any], check: Check, detail: str) -> dict[str, Any]:
    ev["source"] = "check"
    ev["label"] = check.id
    ev["detail"] = detail
    return ev


def prescore_data(conversation_analysis: Any, rubric: Rubric | None = None) -> list[dict[str, Any]]:
    """``[item.to_dict() for item in prescore(...)]``, without building the ItemScores (the
    batch scorer writes these dicts as they are)."""
    rubric = rubric or load_rubric()
    ctx = _Context(conversation_analysis)
    return [
        _score_checks_item(item, ctx) if item.kind == "checks" else _score_evidence_item(item, ctx)
        for item in rubric.items
    ]


def prescore(conversation_analysis: Any, rubric: Rubric | None = None) -> tuple[ItemScore, ...]:
    """Pre-score a coach ConversationAnalysis against a rubric (Heard's default if None).

    Returns one ItemScore per rubric item, in rubric order; `score` is None for items that
    do not apply to this conversation. Spans in the evidence index the text of the turn
    named by `turn`.
    """
    return tuple(
        ItemScore(
            data["item"],
            data["title"],
            data["score"],
            data["raw"],
            data["scale"][0],
            data["scale"][1],
            data["level"],
            tuple(Evidence(**ev) for ev in data["evidence"]),
        )
        for data in prescore_data(conversation_analysis, rubric)
    )


def overall_data(items: list[dict[str, Any]]) -> float | None:
    """``overall`` of items given as ``prescore_data`` gives them."""
    values = [
        (d["score"] - d["scale"][0]) / (d["scale"][1] - d["scale"][0])
        for d in items
        if d["score"] is not None
    ]
    return round(sum(values) / len(values), 4) if values else None


def overall(scores: tuple[ItemScore, ...]) -> float | None:
    """Mean of the applicable items on 0..1 (None when no item applies)."""
    values = [s.normalised for s in scores if s.normalised is not None]
    return round(sum(values) / len(values), 4) if values else None
