"""These tests never touch Django. The suite-wide autouse fixture asks for pytest-django's
``settings``; a plain stand-in here lets this folder run with or without Django configured
(``pytest -p no:django``)."""

from types import SimpleNamespace

import pytest


@pytest.fixture
def settings():
    return SimpleNamespace()
