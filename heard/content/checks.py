"""Shared pieces for validating content files: problems, size limits and field checks.

Validation collects every problem in a file instead of stopping at the first, so a
reviewer fixing a deck sees the whole list at once.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Content files are hand-written text; anything bigger is a mistake or an attack on memory.
MAX_BYTES = 1024 * 1024

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file.

    >>> str(Problem("decks/money.toml", "scenario 'late-fee'", "intensity", "must be 0..1"))
    "decks/money.toml: scenario 'late-fee': intensity: must be 0..1"
    """

    file: str
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        parts = [self.file, self.where, self.field, self.message]
        return ": ".join(part for part in parts if part)


class ContentError(ValueError):
    """Raised when a content file cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in content"
        super().__init__(heading + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


def read_toml_file(path: Path) -> dict[str, Any]:
    """Read a TOML file, refusing oversized or unreadable files with a clear message."""
    label = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ContentError([Problem(label, "", "", f"cannot read file ({exc.strerror})")]) from exc
    if size > MAX_BYTES:
        raise ContentError([_too_big(label, size)])
    return parse_toml_text(path.read_bytes(), label)


def parse_toml_text(raw: bytes | str, label: str) -> dict[str, Any]:
    """Parse TOML from bytes or text (an upload, say) under the same size limit."""
    try:
        data = raw.encode("utf-8") if isinstance(raw, str) else raw
    except UnicodeEncodeError as exc:  # lone surrogates from a badly decoded upload
        raise ContentError(
            [Problem(label, "", "", f"text cannot be stored as UTF-8 (position {exc.start})")]
        ) from exc
    if len(data) > MAX_BYTES:
        raise ContentError([_too_big(label, len(data))])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(
            [Problem(label, "", "", f"not UTF-8 text (bad byte at offset {exc.start})")]
        ) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError([Problem(label, "", "", f"not valid TOML: {exc}")]) from exc


def _too_big(label: str, size: int) -> Problem:
    return Problem(
        label,
        "",
        "",
        f"file is {size / (1024 * 1024):.1f} MB ({size} bytes); content files are limited "
        f"to 1 MB — split it into several files",
    )


class Checker:
    """Reads fields out of one table, recording a Problem for each bad or missing field."""

    def __init__(self, file: str, where: str, problems: list[Problem]):
        self.file = file
        self.where = where
        self.problems = problems

    def at(self, where: str) -> Checker:
        return Checker(self.file, where, self.problems)

    def fail(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.where, field, message))

    def table(self, data: Mapping[str, Any], field: str, *, required: bool = True) -> dict:
        value = data.get(field)
        if value is None:
            if required:
                self.fail(field, "missing (expected a table)")
            return {}
        if not isinstance(value, dict):
            self.fail(field, f"must be a table, got {_kind(value)}")
            return {}
        return value

    def tables(self, data: Mapping[str, Any], field: str, *, min_items: int = 0) -> list[dict]:
        value = data.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(field, f"must be an array of tables ([[{field}]]), got {_kind(value)}")
            return []
        if len(value) < min_items:
            self.fail(field, f"needs at least {min_items} entries, found {len(value)}")
        return value

    def text(
        self, data: Mapping[str, Any], field: str, *, required: bool = True, default: str = ""
    ) -> str:
        value = data.get(field)
        if value is None:
            if required:
                self.fail(field, "missing (expected text)")
            return default
        if not isinstance(value, str):
            self.fail(field, f"must be text, got {_kind(value)}")
            return default
        if required and not value.strip():
            self.fail(field, "must not be empty")
        return value

    def slug(self, data: Mapping[str, Any], field: str = "id") -> str:
        value = self.text(data, field)
        if value and not SLUG.match(value):
            self.fail(field, f"{value!r} is not a slug (lowercase letters, digits and hyphens)")
        return value

    def choice(
        self,
        data: Mapping[str, Any],
        field: str,
        allowed: Iterable[str],
        *,
        required: bool = True,
        default: str = "",
    ) -> str:
        allowed = sorted(allowed)
        value = self.text(data, field, required=required, default=default)
        if value and value not in allowed:
            self.fail(field, f"unknown value {value!r}; expected one of: {', '.join(allowed)}")
        return value

    def texts(
        self,
        data: Mapping[str, Any],
        field: str,
        *,
        required: bool = True,
        min_items: int = 0,
        max_items: int | None = None,
        allowed: Iterable[str] | None = None,
        what: str = "value",
    ) -> tuple[str, ...]:
        value = data.get(field)
        if value is None:
            if required:
                self.fail(field, "missing (expected a list of text)")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(field, f"must be a list of text, got {_kind(value)}")
            return ()
        if len(value) < min_items:
            self.fail(field, f"needs at least {min_items} entries, found {len(value)}")
        if max_items is not None and len(value) > max_items:
            self.fail(field, f"allows at most {max_items} entries, found {len(value)}")
        if any(not v.strip() for v in value):
            self.fail(field, "contains an empty entry")
        if allowed is not None:
            known = sorted(allowed)
            for item in value:
                if item not in known:
                    self.fail(
                        field, f"unknown {what} {item!r}; expected one of: {', '.join(known)}"
                    )
        seen: set[str] = set()
        for item in value:
            if item in seen:
                self.fail(field, f"{item!r} is listed twice")
            seen.add(item)
        return tuple(value)

    def integer(
        self,
        data: Mapping[str, Any],
        field: str,
        *,
        required: bool = True,
        minimum: int | None = None,
        maximum: int | None = None,
        default: int | None = None,
    ) -> int | None:
        value = data.get(field)
        if value is None:
            if required:
                self.fail(field, "missing (expected a whole number)")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, f"must be a whole number, got {_kind(value)}")
            return default
        if minimum is not None and value < minimum:
            self.fail(field, f"must be at least {minimum} (got {value})")
        if maximum is not None and value > maximum:
            self.fail(field, f"must be at most {maximum} (got {value})")
        return value

    def unit(
        self,
        data: Mapping[str, Any],
        field: str,
        *,
        required: bool = True,
        low: float = 0.0,
        default: float = 0.0,
    ) -> float:
        """A number between ``low`` and 1 (intensities are 0..1, shifts are -1..1)."""
        value = data.get(field)
        if value is None:
            if required:
                self.fail(field, f"missing (expected a number between {low:g} and 1)")
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(field, f"must be a number between {low:g} and 1, got {_kind(value)}")
            return default
        if not low <= value <= 1:
            self.fail(field, f"must be between {low:g} and 1 (got {value})")
        return float(value)

    def boolean(self, data: Mapping[str, Any], field: str, *, default: bool = False) -> bool:
        value = data.get(field, default)
        if not isinstance(value, bool):
            self.fail(field, f"must be true or false, got {_kind(value)}")
            return default
        return value

    def only(self, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
        """Flag keys we do not know — usually a typo that would otherwise be ignored."""
        known = set(allowed)
        for key in data:
            if key not in known:
                self.fail(key, f"unknown field; expected one of: {', '.join(sorted(known))}")


def duplicates(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for item in items:
        if item in seen and item not in repeated:
            repeated.append(item)
        seen.add(item)
    return repeated


def _kind(value: object) -> str:
    names = {str: "text", int: "a number", float: "a number", bool: "true/false"}
    names.update({list: "a list", dict: "a table"})
    return names.get(type(value), type(value).__name__)
