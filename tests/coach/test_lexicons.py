"""The coach's data files: every entry says where it came from, and every pattern compiles."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from heard.coach.lexicon import FLAGS, LEXICON_DIR, expand, load

FILES = sorted(LEXICON_DIR.glob("*.toml"))
DATA_KEYS = {
    "patterns", "words", "strong", "weak", "text", "suggestion", "intensifiers", "names",
}  # fmt: skip


def _tables(node: dict, inherited: bool):
    has_source = inherited or "source" in node
    yield node, has_source
    for value in node.values():
        if isinstance(value, dict):
            yield from _tables(value, has_source)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                yield from _tables(item, has_source)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_entry_records_its_provenance(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    file_source = "source" in data.get("meta", {})
    for table, has_source in _tables(data, file_source):
        if DATA_KEYS & set(table):
            assert has_source, (
                f"{path.name}: a table with {sorted(DATA_KEYS & set(table))} has no source"
            )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_pattern_compiles(path: Path) -> None:
    variables = load("markers")["vars"]

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in {"patterns", "strong", "weak", "not_exploring", "generic", "tell_me",
                           "about_you", "words", "question", "restatement", "reflection",
                           "self_disclosure", "affirmation", "suggestion", "information"}:  # fmt: skip
                    if isinstance(value, list):
                        for p in value:
                            re.compile(expand(p, variables), FLAGS)
                else:
                    walk(value)

    walk(tomllib.loads(path.read_text(encoding="utf-8")))


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_string_holds_a_control_character(path: Path) -> None:
    """A single backslash in a TOML string is an escape: "\\b" written as "\b" becomes a
    backspace, and the pattern silently never matches."""
    for text in _strings(tomllib.loads(path.read_text(encoding="utf-8"))):
        bad = [hex(ord(c)) for c in text if ord(c) < 32 and c not in "\n\t"]
        assert not bad, f"{path.name}: {bad} in {text[:60]!r}"


def test_no_nrc_lexicon_anywhere() -> None:
    for path in LEXICON_DIR.iterdir():
        assert "nrc" not in path.read_text(encoding="utf-8").lower(), path.name


def test_the_api_guide_names_every_emotion_family() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "coach-api.md").read_text()
    listed = re.search(r"`OtherState\.emotion` is one of the families.*?or `neutral`", guide, re.S)
    assert listed is not None
    words = set(re.findall(r"[a-z]+", listed.group(0)))
    assert set(load("emotions")["emotion"]) <= words


def _string_lists(node, path: str = ""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _string_lists(value, f"{path}.{key}")
    elif isinstance(node, list):
        if node and all(isinstance(v, str) for v in node):
            yield path, node
        for item in node:
            if isinstance(item, dict):
                yield from _string_lists(item, path)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_list_holds_the_same_entry_twice(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for where, values in _string_lists(data):
        twice = sorted({v for v in values if values.count(v) > 1})
        assert not twice, (where, twice)
