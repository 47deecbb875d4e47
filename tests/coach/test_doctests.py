"""The examples in the coach's docstrings stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import heard.coach

# Every module of the coach, found rather than listed, so a new one is never left out.
MODULES = ["__init__"] + sorted(m.name for m in pkgutil.iter_modules(heard.coach.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module("heard.coach" if name == "__init__" else f"heard.coach.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
