"""The coach's tests need no database: plain functions over text."""

from __future__ import annotations

import pytest


@pytest.fixture
def angry_customer() -> str:
    return "This is the third time my order has gone missing and I'm furious."
