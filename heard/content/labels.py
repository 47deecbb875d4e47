"""The closed vocabularies that content files may use.

Move and pitfall labels are the coach's labels (see docs/coach-api.md); a deck that asks
for a move the coach cannot see would make a drill impossible to pass, so the validator
rejects anything not listed here.
"""

from __future__ import annotations

from heard.coach.lexicon import MOVES as COACH_MOVES
from heard.coach.lexicon import PITFALLS as COACH_PITFALLS

# One source of truth: the coach's own label lists.
MOVES = frozenset(COACH_MOVES)
PITFALLS = frozenset(COACH_PITFALLS)

CHANNELS = frozenset({"phone", "chat", "email", "social"})

LEVELS = ("low", "medium", "high")

# The coach's reading of what the other person needs first (SPEC §1).
NEEDS = frozenset({"upset", "confused", "stuck"})

EMOTIONS = frozenset(
    {
        "anger",
        "anxiety",
        "confusion",
        "disappointment",
        "distrust",
        "embarrassment",
        "fear",
        "frustration",
        "grief",
        "overwhelm",
        "sadness",
        "shame",
        "worry",
        "relief",
        "gratitude",
    }
)

# Decks may name a finer emotion than the coach reads; each maps to the coach's nearest
# family so the simulated customer and the coach can compare like with like.
EMOTION_FAMILY = {
    "anger": "anger",
    "anxiety": "anxiety",
    "confusion": "confusion",
    "disappointment": "disappointment",
    "distrust": "frustration",
    "embarrassment": "shame",
    "fear": "fear",
    "frustration": "frustration",
    "grief": "grief",
    "overwhelm": "anxiety",
    "sadness": "sadness",
    "shame": "shame",
    "worry": "anxiety",
    "relief": "relief",
    "gratitude": "gratitude",
}

CURVEBALL_KINDS = frozenset(
    {
        "policy_change",
        "outage",
        "contradictory_information",
        "new_information",
        "disclosure",
        "escalation_demand",
        "third_party",
        "channel_switch",
        "deadline",
    }
)

# How the simulated customer answers, keyed by what the agent's last turn did.
# The first three are required so every drill can turn both ways.
REQUIRED_REACTIONS = ("acknowledged", "scripted", "defensive")
OPTIONAL_REACTIONS = ("rushed", "resolved")
REACTIONS = REQUIRED_REACTIONS + OPTIONAL_REACTIONS

STAKEHOLDERS = frozenset({"customer", "frontline", "supplier", "engineering", "finance"})

APPROACHES = ("culture_led", "systems_led", "skills_led")

PRACTICE_CATEGORIES = frozenset({"culture", "systems", "skills"})

MECHANISMS = frozenset({"psychological_safety", "cognitive_load", "dignity", "advocacy"})
