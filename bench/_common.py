"""Shared plumbing for the benchmarks: where the data is, how results are written."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
# The datasets are never part of the repository; by default they sit beside it.
DEFAULT_DATA = Path(os.environ.get("HEARD_BENCH_DATA", REPO.parent / "shared" / "data"))


def supporter_turns_with_context(conv: dict) -> list[tuple[dict, str]]:
    """Each supporter (``sys``) turn of an ESConv conversation, with the seeker's last words
    before it (stripped; "" before the seeker has spoken)."""
    out, last = [], ""
    for turn in conv["dialog"]:
        if turn["speaker"] == "sys":
            out.append((turn, last))
        else:
            last = (turn.get("text") or "").strip()
    return out


def data_dir(arg: str | None) -> Path:
    path = Path(arg).expanduser() if arg else DEFAULT_DATA
    if not path.is_dir():
        sys.exit(f"benchmark data not found at {path} (pass --data DIR or set HEARD_BENCH_DATA)")
    return path


def machine() -> dict[str, Any]:
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "commit": commit,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def write_result(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "machine": machine(), **payload}
    path.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path


def lexical_engine():
    """``heard.coach.analyze`` and ``analyze_conversation`` if the lexical engine is present."""
    try:
        from heard.coach import analyze, analyze_conversation
    except ImportError as exc:
        return None, None, str(exc)
    return analyze, analyze_conversation, ""


def spearman(x: list[float], y: list[float]) -> dict:
    """Spearman's rho of two lists, with its p-value and n."""
    from scipy.stats import spearmanr

    res = spearmanr(x, y)
    return {"rho": round(float(res.statistic), 4), "p": float(res.pvalue), "n": len(x)}


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b in (None, 0):
        return None
    return round(a / b, 3)
