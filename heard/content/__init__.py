"""Starter content for Heard: scenario decks, prompt libraries and a demo team.

Everything here is plain TOML, reviewable in a pull request, plus a loader that validates
it. No Django: the web apps, the CLI and the tests all read content through this package.

>>> from heard.content import load_decks, load_prompts
>>> len(load_decks()) >= 4
True
"""

from .checks import MAX_BYTES, ContentError, Problem
from .demo import DemoTeam, load_demo
from .loader import (
    DECKS_DIR,
    Curveball,
    Deck,
    FollowUps,
    Persona,
    Scenario,
    deck_for_week,
    deck_to_dict,
    export_deck,
    load_deck,
    load_decks,
    parse_deck,
    validate_deck_data,
)
from .prompts import (
    PROMPTS_DIR,
    SPECS,
    DiagnosisResult,
    MicroPractice,
    Prompt,
    PromptLibrary,
    diagnose,
    load_practices,
    load_prompts,
    next_practice_options,
    validate_prompt_data,
)

__all__ = [
    "DECKS_DIR",
    "MAX_BYTES",
    "PROMPTS_DIR",
    "SPECS",
    "ContentError",
    "Curveball",
    "Deck",
    "DemoTeam",
    "DiagnosisResult",
    "FollowUps",
    "MicroPractice",
    "Persona",
    "Problem",
    "Prompt",
    "PromptLibrary",
    "Scenario",
    "deck_for_week",
    "deck_to_dict",
    "diagnose",
    "export_deck",
    "load_deck",
    "load_decks",
    "load_demo",
    "load_practices",
    "load_prompts",
    "next_practice_options",
    "parse_deck",
    "validate_deck_data",
    "validate_prompt_data",
]
