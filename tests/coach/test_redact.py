"""Redaction: spans index the original text, placeholders replace the personal data."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
        # After a sign-off a name stands on its own line in any case, or on the same line
        # capitalised: the rest of a thank-you is not a name.
        ("thanks,\nanna", "thanks,\n[NAME]"),
        ("Thanks Tom", "Thanks [NAME]"),
        ("Thanks for your help", "Thanks for your help"),
        ("thank you so much", "thank you so much"),
        ("Thank you again", "Thank you again"),
        ("Cheers mate", "Cheers mate"),
        ("Kind regards,\nthe team", "Kind regards,\nthe team"),
        ("Love conquers all", "Love conquers all"),
        # Names typed in lower case, as in chat.
        ("hi my name is sarah", "hi my name is [NAME]"),
        ("my name is will, and i need help", "my name is [NAME], and i need help"),
        ("my name is on the lease", "my name is on the lease"),
        ("hello, this is james from support", "hello, this is [NAME] from support"),
        ("im priya and im stuck", "im [NAME] and im stuck"),
        ("thanks sam!", "thanks [NAME]!"),
        ("this is crystal clear, i am sad", "this is crystal clear, i am sad"),
        ("hi there, call me later", "hi there, call me later"),
        # Names with letters beyond ASCII, whole.
        ("My name is José.", "My name is [NAME]."),
        ("I spoke with Zoë and Søren Kierkegaard", "I spoke with [NAME] and [NAME]"),
        ("Hi Björn, Dr. Müller called.", "Hi [NAME], Dr. [NAME] called."),
        ("Renée was kind.", "[NAME] was kind."),
        ("ring me on 07700 900123", "ring me on [PHONE]"),
        ("nothing personal here", "nothing personal here"),
    ],
)
def test_names_and_phones(text: str, expected: str) -> None:
    assert redact(text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My manager Tom said it was fine.", "My manager [NAME] said it was fine."),
        ("Then Priya said no.", "Then [NAME] said no."),
        ("Shout-out to Priya Raman for the notes!", "Shout-out to [NAME] for the notes!"),
        (
            "I spoke with Ann, then Ann and I agreed.",
            "I spoke with [NAME], then [NAME] and I agreed.",
        ),
        ("Ping @sam.k about it.", "Ping [NAME] about it."),
        # Capitalised words that are not people stay.
        ("Yesterday Support said it was fixed.", "Yesterday Support said it was fixed."),
        ("We moved to London last May.", "We moved to London last May."),
        ("Mum said I should call.", "Mum said I should call."),
        ("It said error 500 on Friday.", "It said error 500 on Friday."),
        # Greetings, full names after "for" / "with", and names with inner capitals.
        ("Hi Dana, thanks for reaching out.", "Hi [NAME], thanks for reaching out."),
        ("Thanks. Hello Siobhan!", "Thanks. Hello [NAME]!"),
        ("Order 55120933 for Dana Whitfield", "Order [ACCOUNT] for [NAME]"),
        ("The parcel is with Tom Baker now.", "The parcel is with [NAME] now."),
        ("Speak to Mr O'Neill about it.", "Speak to Mr [NAME] about it."),
        ("cc Siobhan McDonald", "cc [NAME]"),
        ("Jean-Luc Picard signed it.", "[NAME] signed it."),
        ("Hi there, how can I help?", "Hi there, how can I help?"),
        ("Hi team, quick update.", "Hi team, quick update."),
        ("I paid for Amazon Prime.", "I paid for Amazon Prime."),
        ("Call Customer Services.", "Call Customer Services."),
        ("Ask for Black Friday deals.", "Ask for Black Friday deals."),
        ("It was sent via Royal Mail.", "It was sent via Royal Mail."),
        # A hand-off to a person, and a name with the role it holds.
        (
            "I'm transferring you to Jordan, the team lead, now.",
            "I'm transferring you to [NAME], the team lead, now.",
        ),
        ("I'll put you through to Ann.", "I'll put you through to [NAME]."),
        ("I'll put you through to Billing.", "I'll put you through to Billing."),
        ("Then, the manager called.", "Then, the manager called."),
    ],
)
def test_names_pointed_to_by_the_words_around_them(text: str, expected: str) -> None:
    r = redact(text)
    assert r.text == expected
    for _, span in r.items:
        assert text[span.start : span.end] == span.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A listed given name is a name wherever it stands, with the surname after it.
        ("Tom was rude to me on the phone.", "[NAME] was rude to me on the phone."),
        ("Priya covered my shift.", "[NAME] covered my shift."),
        ("Since Aoife left I do two jobs.", "Since [NAME] left I do two jobs."),
        ("Rahul's feedback stung.", "[NAME]'s feedback stung."),
        ("Ravi Patel keeps emailing me.", "[NAME] keeps emailing me."),
        ("Emma, Liam and Zara joined.", "[NAME], [NAME] and [NAME] joined."),
        ("Mei-Ling's mother passed away.", "[NAME]'s mother passed away."),
        ("Jean-Luc was kind.", "[NAME] was kind."),
        ("Bob's Xmas Cookie Recipe", "[NAME]'s Xmas Cookie Recipe"),
        ("Doug Support Team", "[NAME] Support Team"),
        # Names that are also words need the words around them to say it is a person.
        ("Will you join on Monday? Will said yes.", "Will you join on Monday? [NAME] said yes."),
        ("Will was great on the call.", "[NAME] was great on the call."),
        ("Sue is on leave and Mark has her calls.", "[NAME] is on leave and [NAME] has her calls."),
        ("Frank's idea saved us. We will be there.", "[NAME]'s idea saved us. We will be there."),
        ("Hope is all we have. Summer is busy.", "Hope is all we have. Summer is busy."),
        ("Mark the ticket as urgent.", "Mark the ticket as urgent."),
        ("Hope this helps.", "Hope this helps."),
        ("Grace period is 14 days.", "Grace period is 14 days."),
        ("Frank feedback is useful.", "Frank feedback is useful."),
        # Listed names that are mostly something else, and names inside a place.
        ("Alexa stopped working and my Mac froze.", "Alexa stopped working and my Mac froze."),
        ("Our office in Dallas is shut.", "Our office in Dallas is shut."),
        ("Christian holidays and Easter", "Christian holidays and Easter"),
        ("I live in San Diego now.", "I live in San Diego now."),
        ("Myrtle Beach was lovely.", "Myrtle Beach was lovely."),
        ("My iPhone and the Yin and Yang of it.", "My iPhone and the Yin and Yang of it."),
        ("Don't worry, Ok?", "Don't worry, Ok?"),
    ],
)
def test_listed_given_names(text: str, expected: str) -> None:
    r = redact(text)
    assert r.text == expected
    for _, span in r.items:
        assert text[span.start : span.end] == span.text


def test_given_name_lists() -> None:
    """Each list is sorted, holds each name once and only capitalised words; a non-name
    names something listed (else it does nothing); kept and world names are not census names
    (but for census names of two letters, kept by listing them again); and the census list
    holds no word of the dictionary it was cut against (a spot check of common ones)."""
    from heard.coach.lexicon import load
    from heard.coach.redact import _NAME_WORD, given_names

    data = load("given_names")
    lists = {part: data[part]["names"].split() for part in ("census", "kept", "world", "not_names")}
    for part, names in lists.items():
        assert names == sorted(set(names)), part
        assert all(re.fullmatch(_NAME_WORD, n) for n in names), part
    listed = set(lists["census"]) | set(lists["kept"]) | set(lists["world"])
    assert set(lists["not_names"]) <= listed
    # (a census name of two letters is kept by listing it again: "Jo")
    assert all(
        len(n) < 3 for n in set(lists["census"]) & (set(lists["kept"]) | set(lists["world"]))
    )
    assert not {"Will", "Hope", "Mark", "Grace", "May", "Joy", "Max", "Bill"} & set(lists["census"])
    # Names that are also words are found only with a verb after them, never on their own.
    word_names = data["word_names"]["names"].split()
    assert word_names == sorted(set(word_names)) and not set(word_names) & listed
    names = given_names()
    assert {"Tom", "Priya", "Ed", "Jo"} <= names
    assert not {"Paris", "Alexa", "Ok", "Al", "Sunday", "Yang"} & names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "card ending 4242, expiry 04/27, cvv 123",
            "card ending [CARD], expiry [CARD], cvv [CARD]",
        ),
        ("My SSN is 123-45-6789.", "My SSN is [ID]."),
        ("NI number QQ 12 34 56 C, passport 533380006", "NI number [ID], passport [ID]"),
        ("My NHS number is 943 476 5919", "My NHS number is [ID]"),
        (
            "DOB 12/03/1988 and I was born on 1st May 1990? No.",
            "DOB [DATE OF BIRTH] and I was born on [DATE OF BIRTH]? No.",
        ),
        ("Order #A1B2C3D4 and ticket 99812", "Order #[ACCOUNT] and ticket [ACCOUNT]"),
        (
            "I spoke to Jordan in billing and Maria from the warehouse",
            "I spoke to [NAME] in billing and [NAME] from the warehouse",
        ),
        # Dates, counts, years and words that only look like these stay.
        (
            "We shipped 1,250 units on 2026-01-05 at 10:30.",
            "We shipped 1,250 units on 2026-01-05 at 10:30.",
        ),
        (
            "The ID field was updated in 2024; case 2024 closed.",
            "The ID field was updated in 2024; case 2024 closed.",
        ),
        ("Order ABCDEF shipped from the warehouse.", "Order ABCDEF shipped from the warehouse."),
        # An account number said with "is" is an account, not a phone number.
        ("my account is 12345678", "my account is [ACCOUNT]"),
        # Addresses whole: a flat before the number, an apostrophe in the street's name, a
        # unit, town, state and ZIP after it.
        ("I live at flat 2, 17 Queen's Avenue, Leeds LS6 1AB.", "I live at [ADDRESS]."),
        (
            "My address is 42 Elm Road, Apt 3, Springfield, IL 62704 today",
            "My address is [ADDRESS] today",
        ),
        # The honorific stays, the name goes, even a name that is also a word.
        ("Spoke to Dr. Patel and Miss May.", "Spoke to Dr. [NAME] and Miss [NAME]."),
    ],
)
def test_card_details_identity_numbers_birth_dates_and_order_numbers(text, expected) -> None:
    r = redact(text)
    assert r.text == expected
    for _, span in r.items:
        assert text[span.start : span.end] == span.text


def test_to_dict() -> None:
    d = redact("mail a@b.org").to_dict()
    assert d == {
        "text": "mail [EMAIL]",
        "items": [{"kind": "email", "span": {"start": 5, "end": 12, "text": "a@b.org"}}],
    }


def _ungated_candidates(text: str) -> list:
    """Every redaction pattern run on every text, without the cheap pre-checks."""
    import importlib

    r = importlib.import_module("heard.coach.redact")
    out = [(m.start(), m.end(), "email", 0) for m in r._EMAIL.finditer(text)]
    r._numbers(text, out)
    r._context_names(text, out)
    r._lower_case_names(text, out)
    for rx in (r._NAME_CUE, r._HONORIFIC, r._SIGNOFF):
        for m in rx.finditer(text):
            keep = r._name_words(rx, m.group(1).split(" "))
            if not keep:
                continue
            out.append((m.start(1), m.start(1) + len(" ".join(keep)), "name", 6))
    return sorted(out)


PIECES = (
    "Hi my name is Sarah Jones call me Bob I'm Ann i'm ann Mr Smith Dr. Who thanks THANKS,\n"
    "Bob cheers ſincerely Kind regards best wishes BR Love 4539 5787 6362 1486 +44 20 7946 0958 "
    "12 Baker Street NW1 6XE GB82 WEST 1234 5698 7654 32 account 12345678 ref #99812 a@b.co "
    "٣٣٣٣٣٣٣ 2024-01-02 ordinary words here . , \n \t"
    # Cues, honorifics and numbers in the shapes the cheap checks look for (and miss).
    " I’m I am This is It's it's Name: Spoke spoke with Speaking my name's Ms Miss Mx Madam"
    " Dame Prof Sir MR ms \nRegards \nthanks,\nAnna caſe CASE ticket a/c order 12345 99 4539"
    " 5787 6362 1486 (555) 123-4567 555.123.4567 07700 900123 221B 5, Lange Strasse SW1A 1AA"
    " DE89 3704 0044 0532 0130 00 ٣٣٣٣٣٣٣٣٣٣٣٣٣٣"
    # Names pointed to by the words around them, in the shapes the cheap checks look for.
    " my manager Tom said Then Priya Raman and I me told asked Kudos to shout-out Shout-out"
    " spoke with Met cc CC @sam.k @ x@y.org Yesterday Support wants Mum thanked Ann,"
    # Card details, identity numbers, birth dates and names by their department.
    " cvv 123 CVC: 4567 expiry 04/27 exp 4/2027 card ending 4242 123-45-6789 QQ 12 34 56 C"
    " QQ123456C passport 533380006 licence A1BCDEF NHS number 943 476 5919 DOB 12/03/1988"
    " born on 1st May 1990 date of birth: 1990-05-01 Maria from the warehouse Jordan in billing"
    " order A1B2C3D4 ticket 99812"
    # Greetings and full names after a word that introduces a person.
    " Hi Hello hey Dear Good morning there Dana, Siobhan! for with from Whitfield Baker O'Neill"
    " Jean-Luc DeShawn Amazon Prime Customer Services"
    # Listed given names, places around them and possessives.
    " Tom Rahul's Aoife Mei-Ling San Diego Myrtle Beach Alexa Will Hope Doug"
    " José Zoë Søren Ángela Renée for your help so much thanks,\nthe"
    " Will was Mark's is has Hope Frank"
    # Names typed in lower case after a cue or a greeting.
    " my name is will sarah im priya hi crystal THIS IS james MY NAMES on"
).split(" ")


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map(" ".join))
def test_pre_checks_find_what_every_pattern_finds(text: str) -> None:
    from heard.coach.redact import _candidates

    assert sorted(_candidates(text)) == _ungated_candidates(text)


@pytest.mark.parametrize(
    "text",
    [
        "Spoke to Ann about it",  # the "spoke" cue after a capital
        "I’m Zoe",  # a typographic apostrophe in the cue
        "Miss May called",  # an honorific that contains no other one
        "ACCOUNT NO. 12345678",  # an account cue in capitals
        "caſe 123456",  # (?i) matches the long s of "caſe": the account pattern must run
        "call (555) 123-4567",  # seven digits: a phone number
        "card 4539 5787 6362 1486",  # thirteen digits or more: a card number
        "Regards\nAnna Smith",  # a sign-off after a line break
        "5 Lange Strasse, 10115 Berlin",  # a street: a digit, then a capitalised word
        "SW1A 1AA",  # a postcode: a capital right before a digit
        "thanks,\nanna",  # a sign-off name in lower case: the sign-off ignores case
        "I'm McDonald",  # a name run that starts inside a word
        "Sam from the warehouse",  # a name placed by its department
        "passport A1BCDEF",  # an identity number with a single digit
        "SSN 123-45-6789",  # an identity number by its shape
    ],
)
def test_cheap_checks_let_through_what_the_patterns_find(text: str) -> None:
    from heard.coach.redact import _candidates

    found = sorted(_candidates(text))
    assert found == _ungated_candidates(text)
    assert found, text
