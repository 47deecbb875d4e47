"""Redaction of personal data before anything is stored for review.

Finds e-mail addresses, phone numbers, payment card numbers (Luhn-checked) with their
security codes and expiry dates, IBANs (mod-97 checked) and other account and order numbers,
identity numbers (social security, National Insurance, passport, licence, NHS), dates of
birth, street addresses, @handles, and names: a capitalised word on the given-name lists
(``lexicons/given_names.toml``) wherever it stands ("Tom was rude to me"); after cues such as
"my name is", "I'm", "this is", after honorifics, in sign-offs, and where the words around a
capitalised word say it is a person ("my manager Tom", "Will said", "thanks to Sam", "spoke
with Ann", "Ann and I", "Maria from the warehouse"), which also finds names the lists leave
out because they are words too ("Will", "Hope"); and names typed in lower case after a cue or
a greeting ("hi my name is sarah", "thanks priya"). Spans index the ORIGINAL text; the
redacted text uses placeholders such as ``[EMAIL]``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from .lexicon import load
from .types import Redaction, Span

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
_ACCOUNT = re.compile(
    r"(?i)\b(?:account|acct|a/c|sort code|routing|policy|customer|member|reference|ref|order|"
    r"booking|ticket|case|invoice)(?: (?:number|no\.?|num|#|code|id))?(?: (?:is|was))?[:#]?\s*#?"
    # digits, or letters and digits with two digits at least ("A1B2C3D4")
    r"([0-9][0-9 -]{3,20}[0-9]|(?=[A-Z0-9-]*\d[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,20}[A-Z0-9])\b"
)
# The rest of a card: its security code, its expiry date and "card ending 4242".
_CARD_DETAIL = re.compile(
    r"(?i)\b(?:cvv2?|cvc2?|cv2|csc|security code)\b[:\s#]*(\d{3,4})\b"
    r"|\b(?:exp(?:iry|iration)?(?: date)?|expires|valid (?:thru|through|until))\b[:\s]*"
    r"((?:0?[1-9]|1[0-2])\s?/\s?(?:\d{4}|\d{2}))(?!\d)"
    r"|\bcard (?:ending|ends|number ending) (?:in |with )?(\d{4})\b"
)
# Identity numbers: US social security and UK National Insurance numbers by their shape,
# others (passport, licence, NHS number ...) by the words before them.
_ID = re.compile(
    r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])"
    r"|\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
)
_ID_CUED = re.compile(
    r"(?i:\b(?:passport|driv(?:ing|er'?s) licen[cs]e|licen[cs]e|national id|id card|id|ssn|"
    r"social security|ni|national insurance|nhs|tax id|tin|medicare)(?: (?:number|no\.?|num|#))?"
    r"(?: is)?[:#]?\s*)([A-Z0-9](?=[A-Z0-9 -]*\d)[A-Z0-9 -]{4,18}[A-Z0-9])\b"
)
# Every _ID_CUED match holds one of these (lower-cased, in an ASCII text).
_ID_WORDS = ("passport", "licen", "id", "ssn", "social security", "ni", "national insurance",
             "nhs", "tin", "medicare")  # fmt: skip
# Every _ID match has a digit group after a hyphen or a space ("123-45-6789", "QQ 12 34 56 C")
# or two capitals right before a digit ("QQ123456C").
_ID_SHAPE = re.compile(r"\d-\d|[A-Z]{2} ?\d")
_BIRTH = re.compile(
    r"(?i)\b(?:dob|d\.o\.b\.?|date of birth|born on|birthday is)[:\s]*(?:is )?"
    r"(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4})\b"
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]?\d{2,4}){1,4}(?![\w])"
)
_STREET = re.compile(
    # a flat or unit before the number ("flat 2, 17 ..."), the number, the street's name
    # ("Queen's Avenue") and its kind
    r"\b(?:(?:[Ff]lat|[Aa]pt|[Aa]partment|[Uu]nit|[Ss]uite) ?#?\d{1,4}[A-Za-z]?,? )?"
    r"\d{1,5}[A-Za-z]?,? (?:[A-Z][a-z'’]+ ){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|"
    r"Boulevard|Blvd|Close|Court|Ct|Way|Place|Pl|Terrace|Crescent|Square|Sq|Gardens|Grove|Hill|"
    r"Parkway|Row|Mews|Strasse|Straße|Gasse|Weg)\b\.?"
    # then a flat or unit after it ("Apt 3"), the town, a US state and the postcode or ZIP
    r"(?:,? (?:Apt|Apartment|Unit|Suite|Ste|Flat|Floor)\.? ?#?\d{1,4}[A-Za-z]?)?"
    r"(?:,? [A-Z][a-z]+(?: [A-Z][a-z]+){0,2})?(?:,? [A-Z]{2}(?= \d{5}))?"
    r"(?:,? [A-Z]{1,2}\d{1,2}[A-Z]? ?\d[A-Z]{2}|,? \d{5}(?:-\d{4})?|,? \d{4})?"
)
_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d{1,2}[A-Z]? \d[A-Z]{2}\b")
# Upper- and lower-case letters of the Latin, Greek and Cyrillic alphabets, for names such
# as "José", "Zoë", "Søren" and "Дмитрий" (the standard re module has no \p{Lu}).
_LETTERS = [chr(c) for r in ((0x41, 0x250), (0x370, 0x530)) for c in range(*r)]
_UPPER = "[" + "".join(c for c in _LETTERS if c.isupper() and c.isalpha()) + "]"
_LOWER = "[" + "".join(c for c in _LETTERS if c.islower() and c.isalpha()) + "]"
# One word of a name: "Tom", "Tom's", "Jean-Luc", "O'Neill", "McDonald", "DeShawn", "José".
_NAME_WORD = (
    f"{_UPPER}(?:{_LOWER}+(?:{_UPPER}{_LOWER}+)?|['’]{_UPPER}{_LOWER}+)(?:['’-]{_UPPER}?{_LOWER}+)*"
)
_NAME = _NAME_WORD + r"(?: " + _NAME_WORD + r"){0,2}"
_NAME_CUE = re.compile(
    r"\b(?:[Mm]y name is|[Mm]y name's|I'm|I’m|I am|[Tt]his is|[Ii]t's|[Cc]all me|[Ss]peaking with|"
    r"[Ss]poke (?:to|with)|[Nn]ame:)\s+(" + _NAME + ")"
)
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Madam)\.?\s+(" + _NAME + ")")
# A name after a sign-off: on a line of its own in any case ("thanks,\nanna"), on the
# sign-off's own line only capitalised ("Thanks Tom", not "Thanks for your help").
_SIGNOFF = re.compile(
    r"(?m)^(?i:thanks|thank you|cheers|regards|best(?: regards| wishes)?|kind regards|"
    r"many thanks|sincerely|yours(?: sincerely| truly)?|warmly|love|br)[,!.]?[ \t]*\n?[ \t]*("
    r"(?<=\n)(?i:" + _NAME + r")|(?<!\n)" + _NAME + r")[ \t]*$"
)
_ROLES = (
    r"manager|boss|colleague|co-?worker|teammate|team ?lead|lead|supervisor|director|mentor|"
    r"friend|partner|husband|wife|son|daughter|mum|mom|dad|brother|sister|cousin|uncle|aunt|"
    r"grandson|granddaughter|doctor|GP|nurse|therapist|counsell?or|carer|caregiver|landlord|"
    r"landlady|neighbou?r|flatmate|roommate|agent|adviser|advisor|rep|engineer|client|tenant|"
    r"coach|tutor|teacher|report|hire"
)
_DEPARTMENTS = (
    r"team|department|dept|desk|office|warehouse|billing|support|finance|accounts|HR|payroll|"
    r"sales|legal|security|ops|operations|marketing|engineering|QA|reception|front desk|"
    r"helpdesk|help desk|branch|store|shop|depot|call centre|call center|customer service"
)
# Words around a capitalised word that say it is a person.
_CONTEXT_NAMES = (
    # "my manager Tom", "our new hire, Sam"
    re.compile(
        r"\b(?:[Mm]y|[Oo]ur|[Yy]our|[Hh]is|[Hh]er|[Tt]heir|[Tt]he) (?:new |old |former |line )?"
        r"(?:" + _ROLES + r"),? (" + _NAME + r")"
    ),
    # "Priya said", "Tom told me"
    re.compile(
        r"(?<![\w'’])(" + _NAME + r") (?:said|says|told|asked|mentioned|e-?mailed|called|rang|"
        r"wrote|replied|promised|thinks|thought|wants|wanted|agreed|confirmed|explained|"
        r"messaged|texted|suggested|shouted|snapped|insisted|signed|approved|handled|helped)\b"
    ),
    # "thanks to Sam", "shout-out to Priya", "spoke with Ann", "asked Tom"
    re.compile(
        r"\b(?:[Tt]hanks|[Tt]hank you|[Kk]udos|[Ss]hout-?out|[Pp]rops|[Cc]heers|[Tt]alked|"
        r"[Ss]poke|[Ss]poken|[Mm]et|[Cc]hatted|[Ww]orked|[Pp]aired|[Aa]sked|[Tt]old|[Cc]alled|"
        r"[Ee]-?mailed|[Mm]essaged|[Pp]inged|[Rr]ang|[Tt]hanked|cc'?d?|CC)(?: (?:to|with))?,? "
        r"(" + _NAME + r")"
    ),
    # "Ann and I"
    re.compile(r"(?<![\w'’])(" + _NAME + r") and (?:I|me)\b"),
    # A hand-off to a person: "I'm transferring you to Jordan", "I'll put you through to Ann".
    re.compile(
        r"\b(?:[Tt]ransferr?(?:ing|ed)?|[Pp]ut(?:ting)?|[Pp]ass(?:ing|ed)?|[Hh]and(?:ing|ed)?|"
        r"[Cc]onnect(?:ing|ed)?|[Ii]ntroduc(?:e|ing|ed)|[Ss]end(?:ing)?) you (?:over |through "
        r"|back )?to (" + _NAME + r")"
    ),
    # A name and the role it holds: "Jordan, the team lead", "Ann, our carer".
    re.compile(
        r"(?<![\w'’])(" + _NAME + r"), (?:the|our|your|my|his|her|their) (?:new |senior |duty )?"
        r"(?:" + _ROLES + r")\b"
    ),
    # A greeting: "Hi Dana,", "Hello Siobhan!", "Dear Priya".
    re.compile(
        r"(?:^|(?<=[.!?\n] )|(?<=\n))(?:[Hh]i|[Hh]ello|[Hh]ey|[Dd]ear|[Mm]orning|"
        r"[Gg]ood (?:morning|afternoon|evening))(?: there)?,? (" + _NAME + r")(?=[,!.?:;\s]|$)"
    ),
)
# A full name, two or three capitalised words that are not known non-names, after a word
# that introduces a person: "the order for Dana Whitfield", "it's with Tom Baker now".
_FULL_NAME_AFTER = re.compile(
    r"\b(?:for|with|to|from|by|and|or|cc|of)\s+(" + _NAME_WORD + r"(?: " + _NAME_WORD + r"){1,2})\b"
)
# "Maria from the warehouse", "Jordan in billing": the department is found first (a word
# every such match holds), then a name right before it.
_DEPARTMENT_AFTER = re.compile(
    r"(?<=[\w'’-] )(?:from|in|at|on) (?:the )?(?:[a-z]+ )?(?:" + _DEPARTMENTS + r")\b"
)
_NAME_BEFORE = re.compile(r"(?<![\w'’])(" + _NAME + r") $")
# A name typed in lower case, as in chat: after "my name is" any word but the few that follow
# it without being a name ("my name is will", not "my name is on the lease"); after a
# greeting or a lighter cue only a listed given name that is not also a word ("hi sarah",
# "thanks priya", not "this is crystal clear"); and after "I'm" or "this is", or a name of
# three letters after a greeting, only where the clause ends with it ("im priya and...",
# "this is james from support", "hi sam!", not "i am soo used to it" or "thanks soo much").
# The cue starts a line or follows a space; the name is looked ahead at, so "hi my name is
# sarah" reads "hi my" and then "my name is sarah".
_LOWER_CUE = re.compile(
    r"(?<![^ \n\t])(?i:(my name is|my name's|my name’s|my names|name:)|"
    r"(hi|hey|hello|dear|thanks|thank you|cheers)|i'm|i’m|im|i am|this is|it's|it’s|call me)"
    r"[,:]? +(?=([a-z]+)\b(?!['’-]?\w)([ \t]*(?:[,.!?;:)]|$)|[ \t]+(?:and|btw|from|here|speaking|"
    r"with|at|on)\b)?)"
)
_NOT_NAMES_AFTER_NAME_IS = frozenset(
    """on in at as under spelled spelt written wrong misspelled listed printed missing there
    different correct incorrect changed showing shown displayed attached mentioned above below
    same unique common pretty quite too long short hard private known unknown important
    irrelevant used being""".split()
)
_ONLY_A_TO_Z = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
# A capitalised word on its own (not inside "iPhone" or "a.Tom@"), for the given-name lists.
_LONE_WORD = re.compile(r"(?<![\w'’@.-])" + _NAME_WORD + r"(?![\w@])")
_NAME_RUN = re.compile(_NAME)
# Words that make a listed name part of a place: "San Diego", "St Helena", "Myrtle Beach".
_PLACE_BEFORE = re.compile(
    r"\b(?:San|Santa|Santo|St\.?|Saint|Mount|Mt\.?|Lake|Port|Fort|Cape|Los|Las|New|Palo) $"
)
_PLACE_AFTER = frozenset(
    """Beach Bay City County Park Island Islands Springs Valley Falls Hills Heights Harbor
    Harbour Lake River Bridge Station Airport Hospital Clinic University College School Academy
    Institute Centre Center Hall Mall Church Cathedral Stadium Arena Hotel Inn Street St Road
    Rd Avenue Ave Lane Drive Boulevard Way Square Place Terrace Gardens Bank Foundation Trust
    Fund Prize Award Airlines Group Inc Ltd LLC Corp Co Company""".split()
)
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z][\w.-]{1,30}(?<![.-])")

# Capitalised words that follow "I'm" / "this is" without being names.
_NOT_NAMES = frozenset(
    """A An The I So Not Very Really Just Still Also Sorry Afraid Sure Glad Happy Here There
    Calling Writing Trying Going Looking Getting Having Being Done Fine Okay Ok Good Great Fed
    Tired Angry Upset Confused Worried Frustrated Disappointed Annoyed Concerned Unable Able
    Now Today Tomorrow Yesterday Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    About Back Only Never Always Actually Honestly Currently Afraid Stuck Lost New Your My
    Our Their His Her It This That What When Where Why How Who Please Thanks Thank English
    Customer Support Team Manager Agent Billing Sales Service Services Help He She They We You
    Then
    And But Or If Because After Before Since While Also Yes No Well Anyway Someone Somebody
    Everyone Everybody Nobody Management Finance HR IT Legal Marketing Engineering Product
    Operations Ops Security Leadership Mum Mom Dad Mummy Daddy Grandma Grandad God Everything
    Nothing Something All Both Which Whoever Last Next Dear Hi Hello Hey Morning Evening
    January February March April May June July August September October November December
    Christmas Easter Slack Teams Zoom Jira Google Microsoft Apple Amazon Doctor Nurse I'm I’m
    I've I’ve I'd I’d I'll I’ll It's It’s That's That’s What's What’s Here's There's Let's
    Don't Can't Didn't Won't Mr Mrs Ms Mx Miss Dr Prof Sir Dame Madam Folks Guys Friends Again
    Visa Mastercard Paypal PayPal Prime Pay Cloud Store Street Road Avenue""".split()
)

PLACEHOLDER = {
    "email": "[EMAIL]",
    "phone": "[PHONE]",
    "card": "[CARD]",
    "iban": "[IBAN]",
    "account": "[ACCOUNT]",
    "address": "[ADDRESS]",
    "name": "[NAME]",
    "id": "[ID]",
    "birth_date": "[DATE OF BIRTH]",
}


def luhn_valid(digits: str) -> bool:
    """Luhn checksum of a digit string.

    >>> luhn_valid("4539578763621486"), luhn_valid("4539578763621487")
    (True, False)
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    s = iban.replace(" ", "").upper()
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    try:
        number = "".join(str(int(c, 36)) for c in moved)
    except ValueError:
        return False
    return int(number) % 97 == 1


# Cheap checks that let most turns skip most patterns; each is implied by every match of
# the patterns it guards, so a text failing one cannot match them:
_DIGIT = re.compile(r"\d")  # IBAN, card, account, street, postcode and phone all need a digit
_SPACE_CAPITAL = re.compile(r"\s" + _UPPER)  # a name after a cue or honorific: \s+ and a capital
# Every word a name match keeps is one of these runs, and not one of _NOT_NAMES.
_CAPITALISED = re.compile(_NAME_WORD)
# A sign-off line starts with one of these words (in any case; see _SIGNOFF).
_SIGNOFF_START = re.compile(
    r"(?im)^(?:thank|cheers|regards|best|kind|many|sincerely|yours|warmly|love|br)"
)
# Every _HONORIFIC match starts with one of these (case-sensitive, as the pattern is).
_HONORIFIC_WORD = re.compile(r"Mr|Ms|Mx|Miss|Madam|Dr|Prof|Sir|Dame")
# IBANs and postcodes have a capital letter right before a digit.
_CAPITAL_DIGIT = re.compile(r"[A-Z]\d")
# A street address has a digit, then a capitalised word after a space.
_NUMBER_WORD = re.compile(r"\d[A-Za-z]?,? [A-Z]")
# Words one of which every _ACCOUNT match holds (lower-cased, in an ASCII text).
_ACCOUNT_WORDS = (
    "account", "acct", "a/c", "sort code", "routing", "policy", "customer", "member", "ref",
    "order", "booking", "ticket", "case", "invoice",
)  # fmt: skip


@cache
def _name_lists() -> dict[str, frozenset[str]]:
    """Each list of ``lexicons/given_names.toml`` (census, kept, world, not_names,
    word_names) as a set of names, read once."""
    return {part: frozenset(t["names"].split()) for part, t in load("given_names").items()}


@cache
def given_names() -> frozenset[str]:
    """The given names of ``lexicons/given_names.toml`` that are redacted wherever they
    stand: census, kept and world names (those of one or two letters only from the kept
    list), minus the listed non-names and the capitalised words known not to be names."""
    lists = _name_lists()
    listed = {n for n in lists["census"] | lists["world"] if len(n) > 2} | lists["kept"]
    return frozenset(listed - lists["not_names"] - _NOT_NAMES)


@cache
def _word_names() -> re.Pattern[str]:
    """A name that is also a word, with the verb or possessive after it that makes it a
    person ([word_names] of ``lexicons/given_names.toml``): "Will was", "Mark's"."""
    names = "|".join(sorted(_name_lists()["word_names"]))
    return re.compile(
        r"(?<![\w'’@.-])(" + names + r")(?=['’]s\b| (?:is|was|has|had|isn't|wasn't|hasn't|"
        r"hadn't|'s been|’s been)\b)"
    )


@cache
def _plain_given_names() -> frozenset[str]:
    """The given names that are not also English words (not the [kept] list): safe to find
    in lower case."""
    return given_names() - _name_lists()["kept"]


@cache
def _plain_lower_names_bytes() -> frozenset[bytes]:
    return frozenset(n.lower().encode("ascii") for n in _plain_given_names() if n.isascii())


def _lower_case_names(text: str, out: list[tuple[int, int, str, int]]) -> None:
    """Names typed in lower case after a cue or a greeting (see _LOWER_CUE)."""
    for m in _LOWER_CUE.finditer(text):
        word = m.group(3)
        if word.capitalize() in _NOT_NAMES:
            continue
        if m.group(1) is not None:
            if word in _NOT_NAMES_AFTER_NAME_IS:
                continue
        elif word.capitalize() not in _plain_given_names():
            continue
        elif m.group(4) is None and (m.group(2) is None or len(word) < 4):
            continue  # "i am soo used to it", "thanks soo much"; but "hi sarah how are you"
        out.append((m.start(3), m.end(3), "name", 6))


def _may_have_lower_case_name(text: str) -> bool:
    """False only when no _LOWER_CUE name can be in text: after "my name is" (or "name:")
    any word, after another cue a listed name, which few lower-case words are."""
    if "name" in text.lower():
        return True
    # The runs of a-z, found by turning every other character into a space (what a regex
    # findall of [a-z]+ gives, at half the cost).
    words = text.encode("ascii", "replace").translate(_ONLY_A_TO_Z).split()
    return not _plain_lower_names_bytes().isdisjoint(words)


def _word_name(word: str) -> bool:
    """Whether a capitalised word (or its possessive) is one of the [word_names]."""
    return word.removesuffix("'s").removesuffix("’s") in _name_lists()["word_names"]


@lru_cache(maxsize=8192)  # the gate and the scan ask about the same words, turn after turn
def _is_given_name(word: str) -> bool:
    """ "Tom", "Tom's", "Priya", "Anne-Marie" and "Jean-Luc" (a listed first part)."""
    names = given_names()
    if word in names:
        return True
    if not word.isascii():  # "José", "Zoë", "Renée": the census lists spell them unaccented
        bare = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
        if len(bare) == len(word) and bare in names:
            return True
    for suffix in ("'s", "’s", "'", "’"):
        if word.endswith(suffix) and word[: -len(suffix)] in names:
            return True
    first, _, rest = word.partition("-")
    return bool(rest) and first in names and all(p[:1].isupper() for p in rest.split("-"))


def _listed_names(
    text: str,
    out: list[tuple[int, int, str, int]],
    gated: bool = False,
    capitalised: list[str] | None = None,
) -> None:
    """Names on the given-name lists, wherever they stand ("Tom was rude to me", "Priya
    covered my shift"), with the capitalised words after them up to a known non-name ("Tom
    Baker"), without a possessive "'s"; not when the words around them make them a place
    ("San Diego", "Myrtle Beach"); and a name that is also a word where a verb of being or a
    possessive follows it ("Will was great", "Mark's idea"). With ``gated``, each scan is
    skipped when no capitalised word is one it could find (a lone word's match is also one
    of _CAPITALISED's, given as ``capitalised`` when already found)."""
    found = _CAPITALISED.findall(text) if capitalised is None else capitalised
    if not gated or any(_word_name(w) for w in found):
        for m in _word_names().finditer(text):
            out.append((m.start(1), m.end(1), "name", 6))
    if gated and not any(_is_given_name(w) for w in found):
        return
    for m in _LONE_WORD.finditer(text):
        if not _is_given_name(m.group()):
            continue
        if _PLACE_BEFORE.search(text, max(0, m.start() - 20), m.start()) is not None:
            continue
        run = _NAME_RUN.match(text, m.start())
        words = run.group().split(" ") if run is not None else [m.group()]
        if len(words) > 1 and words[1] in _PLACE_AFTER:
            continue
        keep = [words[0]]
        for w in words[1:]:
            if w in _NOT_NAMES or keep[-1].endswith(("'s", "’s")):
                break
            keep.append(w)
        end = m.start() + len(" ".join(keep))
        if keep[-1].endswith(("'s", "’s")):
            end -= 2
        out.append((m.start(), end, "name", 6))


def _may_have_name_cue(text: str) -> bool:
    """False only when no _NAME_CUE cue ("my name is", "I'm", "this is"...) is in text."""
    low = text.lower()  # the cue's letters lower-case one by one, so a cue stays a substring
    return (
        "name" in low  # my name is, my name's, name:
        or "i'm" in low
        or "i\u2019m" in low
        or "i am" in low
        or "this is" in low
        or "it's" in low
        or "call me" in low
        or "speaking with" in low
        or "spoke " in low
    )


def _may_hold(text: str, words: tuple[str, ...]) -> bool:
    """False only when no (?i) match of a pattern whose matches hold one of ``words`` can be
    in ``text``."""
    if not text.isascii():  # (?i) also matches e.g. "\u017f" for "s": let the pattern decide
        return True
    low = text.lower()
    return any(word in low for word in words)


def _candidates(text: str) -> list[tuple[int, int, str, int]]:
    """(start, end, kind, priority) for every candidate; lower priority wins overlaps."""
    out: list[tuple[int, int, str, int]] = []
    if "@" in text:
        for m in _EMAIL.finditer(text):
            out.append((m.start(), m.end(), "email", 0))
    if _DIGIT.search(text) is not None:
        _numbers(text, out, gated=True)
    if "@" in text:
        for m in _HANDLE.finditer(text):
            out.append((m.start(), m.end(), "name", 6))
    # The sign-off pattern ignores case ("thanks,\nanna"); every other name pattern needs a
    # capitalised word that is not a known non-name.
    capitalised = _CAPITALISED.findall(text)
    # False only when no name can be found: every capitalised word is a known non-name
    # ("Thanks", "My", "I'm"), as in most turns.
    may_name = any(w not in _NOT_NAMES for w in capitalised)
    names = []
    cue = may_name and _may_have_name_cue(text)
    # An honorific is itself in _NOT_NAMES, and so may be the name after it ("Miss May").
    honorific = _HONORIFIC_WORD.search(text) is not None
    if (cue or honorific) and _SPACE_CAPITAL.search(text) is not None:
        if cue:
            names.append(_NAME_CUE)
        if honorific:
            names.append(_HONORIFIC)
    # A line starts at the beginning of the text or after "\n" (the only line break of ^).
    if _SIGNOFF_START.match(text) is not None or (
        "\n" in text and _SIGNOFF_START.search(text) is not None
    ):
        names.append(_SIGNOFF)
    if may_name:
        _context_names(text, out, gated=True, capitalised=capitalised)
    if _may_have_lower_case_name(text):
        _lower_case_names(text, out)
    for rx in names:
        for m in rx.finditer(text):
            start, end = m.start(1), m.end(1)
            keep = _name_words(rx, m.group(1).split(" "))
            if not keep:
                continue
            end = start + len(" ".join(keep))
            out.append((start, end, "name", 6))
    return out


def _name_words(rx: re.Pattern[str], words: list[str]) -> list[str]:
    """The leading words of a cue, honorific or sign-off match that are plausibly a name:
    up to the first known non-name, in any case; after an honorific the first word is a name
    whatever it is ("Miss May", "Dr Will"); after a cue, none when the first is not ("I'm
    Sorry")."""
    keep = []
    for i, w in enumerate(words):
        known = w in _NOT_NAMES or w.capitalize() in _NOT_NAMES  # "thanks,\nthe team"
        if known and not (i == 0 and rx is _HONORIFIC):
            break
        keep.append(w)
    return keep


def _context_names(
    text: str,
    out: list[tuple[int, int, str, int]],
    gated: bool = False,
    capitalised: list[str] | None = None,
) -> None:
    """Names the words around them point to (and, ungated, @handles: ``_candidates`` finds
    those itself). The name's own words are trimmed of capitalised words that are not names,
    at either end ("Then Tom said" gives "Tom")."""
    if not gated:
        for m in _HANDLE.finditer(text):
            out.append((m.start(), m.end(), "name", 6))
    found = []
    for m in _DEPARTMENT_AFTER.finditer(text):
        name = _NAME_BEFORE.search(text, max(0, m.start() - 80), m.start())
        if name is not None:
            found.append(name)
    # (A gate on the words every match holds cost more than the patterns it guarded.)
    found += [m for rx in _CONTEXT_NAMES for m in rx.finditer(text)]
    _listed_names(text, out, gated, capitalised)
    # A full name needs two words left once known non-names are trimmed ("for Black Friday",
    # "with Customer Services" and "for Amazon Prime" keep one word and are not names).
    for m in _FULL_NAME_AFTER.finditer(text):
        if sum(w not in _NOT_NAMES for w in m.group(1).split(" ")) >= 2:
            found.append(m)
    for m in found:
        start = m.start(1)
        words = m.group(1).split(" ")
        while words and words[0] in _NOT_NAMES:
            start += len(words.pop(0)) + 1
        while words and words[-1] in _NOT_NAMES:
            words.pop()
        if words and all(w not in _NOT_NAMES for w in words):
            out.append((start, start + len(" ".join(words)), "name", 6))


def _numbers(text: str, out: list[tuple[int, int, str, int]], gated: bool = False) -> None:
    """Candidates that contain a digit: IBANs, cards, accounts, addresses, phone numbers.

    With ``gated``, patterns whose matches need something the text lacks are skipped (the
    same candidates come out): a card has 13 digits or more, a phone number 7 or more.
    """
    digits = len(_DIGIT.findall(text)) if gated else 99
    capital_digit = not gated or _CAPITAL_DIGIT.search(text) is not None
    if digits >= 3:
        for m in _CARD_DETAIL.finditer(text):
            g = next(i for i in (1, 2, 3) if m.group(i) is not None)
            out.append((m.start(g), m.end(g), "card", 1))
    # An identity number may hold a single digit ("passport A1BCDEF"); a birth date holds 4.
    if not gated or _ID_SHAPE.search(text) is not None:
        for m in _ID.finditer(text):
            out.append((m.start(), m.end(), "id", 1))
    if not gated or _may_hold(text, _ID_WORDS):
        for m in _ID_CUED.finditer(text):
            out.append((m.start(1), m.end(1), "id", 1))
    if digits >= 4:
        for m in _BIRTH.finditer(text):
            out.append((m.start(1), m.end(1), "birth_date", 1))
    if capital_digit:
        for m in _IBAN.finditer(text):
            if iban_valid(m.group()):
                out.append((m.start(), m.end(), "iban", 1))
    if digits >= 13:
        for m in _CARD.finditer(text):
            digits_found = re.sub(r"\D", "", m.group())
            if 13 <= len(digits_found) <= 19 and luhn_valid(digits_found):
                out.append((m.start(), m.end(), "card", 1))
    if digits >= 2 and (not gated or _may_hold(text, _ACCOUNT_WORDS)):
        for m in _ACCOUNT.finditer(text):
            out.append((m.start(1), m.end(1), "account", 2))
    if not gated or _NUMBER_WORD.search(text) is not None:
        for m in _STREET.finditer(text):
            out.append((m.start(), m.end(), "address", 3))
    if capital_digit:
        for m in _POSTCODE.finditer(text):
            out.append((m.start(), m.end(), "address", 4))
    if digits >= 7:
        for m in _PHONE.finditer(text):
            found = sum(c.isdigit() for c in m.group())
            if 7 <= found <= 15 and not _DATE.fullmatch(m.group()):
                out.append((m.start(), m.end(), "phone", 5))


def _chosen(text: str, candidates: list[tuple[int, int, str, int]]) -> list[tuple[int, int, str]]:
    """The candidates kept (lower priority first, then leftmost, then longest), in order."""
    chosen: list[tuple[int, int, str]] = []
    taken = bytearray(len(text))  # 1 where a chosen item already covers the text
    for start, end, kind, _ in sorted(candidates, key=lambda c: (c[3], c[0], -c[1])):
        if 1 in taken[start:end]:
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append((start, end, kind))
    chosen.sort()
    return chosen


def redaction_items(text: str) -> tuple[tuple[str, Span], ...]:
    """``redact(text).items``, without building the redacted text (nothing at all for the
    usual text, which holds no personal data).

    >>> redaction_items("Mail me at ann@example.com")
    (('email', Span(start=11, end=26, text='ann@example.com')),)
    """
    candidates = _candidates(text)
    if not candidates:
        return ()
    return tuple(
        (kind, Span(start, end, text[start:end])) for start, end, kind in _chosen(text, candidates)
    )


def redact(text: str) -> Redaction:
    """Replace personal data with placeholders.

    >>> redact("Mail me at ann@example.com").text
    'Mail me at [EMAIL]'
    """
    text = "" if text is None else str(text)
    candidates = _candidates(text)
    if not candidates:
        return Redaction(text, ())
    parts: list[str] = []
    pos = 0
    items: list[tuple[str, Span]] = []
    for start, end, kind in _chosen(text, candidates):
        parts.append(text[pos:start])
        parts.append(PLACEHOLDER[kind])
        items.append((kind, Span(start, end, text[start:end])))
        pos = end
    parts.append(text[pos:])
    return Redaction("".join(parts), tuple(items))
