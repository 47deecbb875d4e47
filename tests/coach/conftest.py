"""The coach's tests need no database and no Django: plain functions over text."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords():
    """Shadow the suite-wide password-hasher fixture: the coach has no users, and this keeps
    its tests runnable without Django settings (``pytest -p no:django tests/coach``)."""
    yield
