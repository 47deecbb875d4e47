"""Redaction: spans index the original text, placeholders replace the personal data."""

from __future__ import annotations

import pytest

from heard.coach import redact
from heard.coach.redact import iban_valid, luhn_valid

TEXT = (
    "Hi, my name is Sarah Jones. Card 4539 5787 6362 1486 was charged. "
    "Call +44 20 7946 0958 or mail sarah.j@example.co.uk. "
    "I live at 12 Baker Street, London NW1 6XE. IBAN GB82 WEST 1234 5698 7654 32. "
    "Account number: 12345678.\nThanks,\nSarah"
)


def test_everything_is_redacted_with_placeholders() -> None:
    r = redact(TEXT)
    assert r.text == (
        "Hi, my name is [NAME]. Card [CARD] was charged. Call [PHONE] or mail [EMAIL]. "
        "I live at [ADDRESS]. IBAN [IBAN]. Account number: [ACCOUNT].\nThanks,\n[NAME]"
    )
    assert [k for k, _ in r.items] == [
        "name", "card", "phone", "email", "address", "iban", "account", "name",
    ]  # fmt: skip


def test_spans_index_the_original_text() -> None:
    for _, span in redact(TEXT).items:
        assert TEXT[span.start : span.end] == span.text


def test_luhn_decides_what_is_a_card() -> None:
    assert luhn_valid("4539578763621486")
    assert not luhn_valid("4539578763621487")
    assert redact("card 4539 5787 6362 1486").text == "card [CARD]"
    assert "[CARD]" not in redact("card 4539 5787 6362 1487").text


def test_iban_checksum() -> None:
    assert iban_valid("GB82 WEST 1234 5698 7654 32")
    assert not iban_valid("GB83 WEST 1234 5698 7654 32")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm Priya and I need help", "I'm [NAME] and I need help"),
        ("This is Tom from billing.", "This is [NAME] from billing."),
        ("Dr. Patel said it was fine.", "Dr. [NAME] said it was fine."),
        ("I'm Very upset and I'm Sorry.", "I'm Very upset and I'm Sorry."),
        ("Best regards,\nAnna Smith", "Best regards,\n[NAME]"),
        ("ring me on 07700 900123", "ring me on [PHONE]"),
        ("nothing personal here", "nothing personal here"),
    ],
)
def test_names_and_phones(text: str, expected: str) -> None:
    assert redact(text).text == expected


def test_to_dict() -> None:
    d = redact("mail a@b.org").to_dict()
    assert d == {
        "text": "mail [EMAIL]",
        "items": [{"kind": "email", "span": {"start": 5, "end": 12, "text": "a@b.org"}}],
    }
