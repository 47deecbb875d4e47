"""The learned coach model the studio uses when ``HEARD_COACH_MODEL`` names one.

Loaded once per process (``heard serve`` loads it before it starts answering, so the
first person on the Coach page does not wait) and shared by every request.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings

_lock = threading.Lock()
_loaded: dict[str, Any] = {}


def coach_model() -> Any:
    """The model from ``settings.HEARD_COACH_MODEL``, or None for the lexical coach."""
    path = getattr(settings, "HEARD_COACH_MODEL", None)
    if path is None:
        return None
    key = str(path)
    model = _loaded.get(key)
    if model is None:
        with _lock:
            model = _loaded.get(key)
            if model is None:
                from heard.coach import load_model  # noqa: PLC0415 - torch only when asked

                model = _loaded[key] = load_model(path)
    return model
