"""Frameworks as views over moves."""

from __future__ import annotations

from heard.coach import analyze


def test_nurse_parts() -> None:
    reply = (
        "It sounds like you're really worried. You were counting on this arriving, and your "
        "concern makes complete sense. I'm here for you. What worries you most?"
    )
    nurse = analyze(reply).frameworks["NURSE"]
    assert nurse == {
        "name": True,
        "understand": True,
        "respect": True,
        "support": True,
        "explore": True,
    }


def test_last_parts() -> None:
    reply = (
        "So what you're saying is the courier never came. I'm sorry we let you down on "
        "this. I'll book a new delivery for tomorrow. Thanks for bearing with us."
    )
    assert analyze(reply).frameworks["LAST"] == {
        "listen": True,
        "apologise": True,
        "solve": True,
        "thank": True,
    }


def test_nvc_parts() -> None:
    reply = (
        "I noticed your order was split into three parcels. It sounds like you're frustrated, "
        "and you need to know when everything will arrive. Would you be willing to share a "
        "delivery window that suits you?"
    )
    assert analyze(reply).frameworks["NVC"] == {
        "observation": True,
        "feeling": True,
        "need": True,
        "request": True,
    }


def test_dimensions() -> None:
    dims = analyze("That sounds exhausting. I'll call the engineer today.").frameworks["dimensions"]
    assert dims == {"cognitive": False, "emotional": True, "behavioural": True}


def test_an_empty_reply_covers_nothing() -> None:
    frameworks = analyze("").frameworks
    assert set(frameworks) == {"NURSE", "LAST", "NVC", "dimensions"}
    assert not any(v for parts in frameworks.values() for v in parts.values())
