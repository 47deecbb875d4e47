"""The examples in the coach's docstrings stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "__init__", "analysis", "blame", "conversation", "disclosure", "engine", "epitome", "evaluate",
    "fidelity", "frameworks", "moves", "redact", "specificity", "state", "suggestions", "types",
]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module("heard.coach" if name == "__init__" else f"heard.coach.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
