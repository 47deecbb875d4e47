"""EPITOME levels and ESConv strategies on hand-written replies."""

from __future__ import annotations

import pytest

from heard.coach import analyze
from heard.coach.epitome import STRATEGIES, questions
from heard.coach.evaluate import macro_f1


@pytest.mark.parametrize(
    ("reply", "er", "ip", "ex"),
    [
        ("I'm so sorry you're going through this.", 2, 0, 0),
        ("Hang in there, you've got this.", 1, 0, 0),
        ("The bus leaves at nine.", 0, 0, 0),
        ("I went through the same thing when I lost my job.", 0, 2, 0),
        ("I understand.", 1, 1, 0),
        ("What happened?", 0, 0, 1),
        ("How long have you been feeling like this?", 0, 0, 2),
        ("Do you want to talk about it?", 0, 0, 0),
    ],
)
def test_levels(reply: str, er: int, ip: int, ex: int) -> None:
    assert analyze(reply).epitome == {
        "emotional_reactions": er,
        "interpretations": ip,
        "explorations": ex,
    }


@pytest.mark.parametrize(
    ("reply", "strategy"),
    [
        ("How are you feeling about the interview?", "Question"),
        ("So you're saying your manager ignored the request.", "Restatement or Paraphrasing"),
        ("It sounds like you're feeling really overwhelmed.", "Reflection of feelings"),
        ("When I was laid off I felt the same.", "Self-disclosure"),
        ("You're doing great, don't give up.", "Affirmation and Reassurance"),
        ("Maybe you could try writing it down first.", "Providing Suggestions"),
        ("Many people find that a helpline is a good first step.", "Information"),
        ("Hello there.", "Others"),
        # A question that offers a course of action is a suggestion.
        ("Have you thought about talking to your sister?", "Providing Suggestions"),
        ("Would you be open to trying a journal?", "Providing Suggestions"),
        # Checking understanding is a restatement, question mark or not.
        ("So you lost the job you loved last month? Is that right?", "Restatement or Paraphrasing"),
        # After "but", the point of the reply.
        ("I know this is hard, but I know you can make it through.", "Affirmation and Reassurance"),
        ("I do online work, mostly copywriting.", "Self-disclosure"),
        ("They say it is best to keep a routine.", "Information"),
        # Confidence in them and in how it will go.
        (
            "It might be hard at first, but I believe that in the end you will be happy you did.",
            "Affirmation and Reassurance",
        ),
        ("Have confidence in yourself as well!", "Affirmation and Reassurance"),
        ("That's the way to go. Keep seeking help.", "Affirmation and Reassurance"),
        # An offer put as a question, wherever the question stands.
        (
            "Have you considered seeing your GP? They might be able to help.",
            "Providing Suggestions",
        ),
        ("Have you spoken to your manager yet?", "Providing Suggestions"),
        ("Have you told anyone how you feel?", "Question"),
        ("You'll be alright, take care of yourself first.", "Affirmation and Reassurance"),
        ("I have no doubt you'll find your way.", "Affirmation and Reassurance"),
        ("You're not to blame for any of this.", "Affirmation and Reassurance"),
    ],
)
def test_strategies(reply: str, strategy: str) -> None:
    assert analyze(reply).strategy == strategy
    assert strategy in STRATEGIES


def test_questions_are_found_linearly() -> None:
    text = "Fine. But why? And how long have you felt this way??"
    assert [text[s:e] for s, e in questions(text)] == [
        " But why?",
        " And how long have you felt this way??",
    ]
    assert questions("x" * 100_000 + "?")[0] == (0, 100_001)


def test_macro_f1() -> None:
    assert macro_f1([0, 1, 2, 2], [0, 1, 2, 2]) == 1.0
    assert macro_f1([0, 0, 0], [1, 1, 1]) == 0.0
