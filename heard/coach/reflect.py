"""The other person's own words, turned round to be said back to them.

Suggestions from the phrase bank carry bracketed slots ("after [what happened]"). When the
other person's message says plainly what happened or what is at stake, the slot is filled
with their words seen from the listener's side: "I was charged twice" becomes "you were
charged twice", "my rent" becomes "your rent". When it does not, the slot stays for the
writer to fill: a clumsy guess would be worse than an honest blank.

    >>> for slot, words in their_words("I was charged twice and my rent is due tomorrow!").items():
    ...     print(f"{slot}: {words}")
    what happened: you were charged twice
    time / money / a day's work: money
    what's at stake: your rent
    name the impact: worry about your rent
    their view in your words: you were charged twice and your rent is due tomorrow
"""

from __future__ import annotations

import re

MAX_WORDS = 14  # longer clauses read as a transcript, not a reflection

# First person -> second person; "you" in their message means us.
_SWAP = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "i'm": "you're",
    "im": "you're",
    "i've": "you've",
    "i'll": "you'll",
    "i'd": "you'd",
    "we": "you",
    "us": "you",
    "our": "your",
    "ours": "yours",
    "ourselves": "yourselves",
    "we're": "you're",
    "we've": "you've",
    "we'll": "you'll",
    "we'd": "you'd",
    "your": "our",
    "yours": "ours",
    "you're": "we're",
    "you've": "we've",
    "you'll": "we'll",
}
# Verbs that agree with the new subject: "I am" -> "you are", "I was" -> "you were".
_AGREE = {"am": "are", "was": "were", "wasn't": "weren't"}
_CONJUNCTIONS = frozenset({"and", "but", "then", "so", "because", "that", "when", "if"})
# Shouted words are said back in an even voice ("TWICE" -> "twice"); shorter capitals are
# kept as acronyms (VAT, UPS, PIN) unless they are everyday words people shout.
_SHOUTED = frozenset(
    "no not now yet all any one two ten ever just this days week weeks month lost paid why how "
    "what over more again still never every only".split()
)
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|[^A-Za-z]+")
# A clause that says what happened to them, in their voice: it starts with them.
_OWN_CLAUSE = re.compile(r"^(?:i|we|my|our)\b|^(?:i'm|i've|im|we've|we're)\b", re.IGNORECASE)
_ABOUT_THEM_OR_US = re.compile(r"^(?:i|we|my|our|you|your)\b|^(?:i'm|i've|im|we've|we're)\b", re.I)
_YOU_ALL = re.compile(r"\byou (?:guys|lot|people|all)\b", re.IGNORECASE)
_CLAUSE_SPLIT = re.compile(r"[.!?;:\n]+|,\s*(?:and|but|so)\s+|\s+(?:and|but|so|because)\s+")
_LEAD_IN = re.compile(
    r"^(?:(?:hi|hello|hey|ok(?:ay)?|so|well|look|honestly|basically|um+|uh+|yes|no)\b[,\s]*)+",
    re.IGNORECASE,
)
# What can be at stake for a person, said as "my/our X".
_STAKE = re.compile(
    r"\b(?:my|our)\s+((?:\w+\s+)?(?:rent|mortgage|bills?|job|wages|salary|pay|savings|"
    r"deposit|refund|money|account|business|shop|home|house|flat|flight|holiday|trip|"
    r"wedding|exam|interview|appointment|deadline|health|order|delivery|parcel|visa|loan|"
    r"pension|benefits|tuition|credit|insurance|car|lease))\b",
    re.IGNORECASE,
)
# "What happened" is told in the past: a past or perfect verb early in the clause.
# A state they are in now is not something that happened: "I'm relieved it's fixed", "I am
# exhausted" ("relieved" and "exhausted" only look like past tenses).
_PRESENT_STATE = re.compile(r"^(?:i'm|i’m|im|i am|i feel|we're|we are|we feel)\b", re.I)
_PAST = re.compile(
    r"^(?:\S+\s+){0,3}?(?:(?!(?:need|feed|speed|bleed|proceed|exceed|succeed)\b)\w+ed|was|were|got|had|'ve|have|has|paid|lost|bought|sent|spent|"
    r"went|made|took|gave|told|said|left|fell|broke|forgot|found|heard|put|kept|ran|came|"
    r"did|didn't|couldn't|wasn't|weren't|haven't|hasn't)\b",
    re.IGNORECASE,
)
# The time they gave up, for "You've given up [your weekend] for this": "working the whole
# weekend" gives "your whole weekend".
_TIME_GIVEN = re.compile(
    r"\b(?:my|our|the|a|an|all|(two|three|four|five|six)) ((?:whole |entire |full )?(?:bank "
    r"holiday|holiday|weekends?|evenings?|nights?|day off|saturday|sunday|lunch breaks?|"
    r"lunchtimes?))\b(?! (?:shifts?|out|bus|train|before|owl)\b)",
    re.IGNORECASE,
)
# What a problem has cost them, for "This has cost you [time / money / a day's work]".
_COSTS = (
    (
        "time",
        re.compile(
            r"\b(?:on hold|waiting|waited|hours?|days?|weeks?|all (?:day|morning|afternoon)|"
            r"(?:took|taken|wasted) (?:the )?(?:whole|entire)?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "money",
        re.compile(
            r"[£$€]|\b(?:charged|overcharged|billed|refund|paid|payment|fee|money|debited|"
            r"rent|overdrawn|cost me)\b",
            re.IGNORECASE,
        ),
    ),
)
# Someone close to them, for "I'm so sorry about [your dad]": "my husband", "our late mum".
_CLOSE = re.compile(
    r"\b(?:my|our) (?:late |dear |beloved |lovely |darling |little |baby |old )?"
    r"(husband|wife|partner|fianc[eé]e?|dad|father|mum|mom|mother|son|daughter|child|baby|"
    r"brother|sister|grandma|grandmother|grandad|granddad|grandfather|grandpa|gran|granny|"
    r"nan|nana|uncle|aunt|auntie|cousin|best friend|friend|dog|cat)\b",
    re.IGNORECASE,
)
# Words of a death, to pick the person lost when several are named.
_DEATH = re.compile(
    r"\b(?:died|dying|passed(?: away| on)?|death|funeral|lost|losing|loss|late|grie\w*|"
    r"bereave\w*|put (?:down|to sleep)|euthani[sz]\w*)\b",
    re.IGNORECASE,
)
# A feeling said before what they see, left for the emotion-labelling lines to name: "I'm
# confused, the invoice says £40" is said back as "the invoice says £40".
_FEELING_FIRST = re.compile(
    r"^(?:i'm|i’m|im|i am|we're|we are|i feel|i'm feeling|i am feeling)\s+(?:so |really |very "
    r"|a bit |a little |just |totally |completely |quite |pretty )?[a-z]+(?: out| off| up)?,\s+(?=\S)",
    re.IGNORECASE,
)
_ASKED_AFTER_COMMA = re.compile(r",\s*(?:why|what|how|when|where|who|which)\b", re.I)
_QUESTION_START = re.compile(
    r"^(?:why|what|how|when|where|who|which|can|could|will|would|is|are|do|does)\b", re.I
)


def perspective(text: str) -> str:
    """``text`` said back to its writer: first person becomes second, "you" becomes "we".

    >>> perspective("I'm worried my order won't arrive, you said Friday")
    "you're worried your order won't arrive, we said Friday"
    >>> perspective("You charged me TWICE for the VAT")
    'we charged you twice for the VAT'
    """
    out: list[str] = []
    previous = ""
    clause_start = True
    for token in _WORD.findall(text):
        if not token[0].isalpha():
            out.append(token)
            clause_start = clause_start or any(ch in ",.;:!?\n" for ch in token)
            continue
        low = token.lower().replace("’", "'")
        if len(token) > 1 and token.isupper() and (len(token) >= 5 or low in _SHOUTED):
            token = low
        if low == "you":
            # Their "you" is the listener: "we" as a subject, "us" otherwise.
            word = "we" if clause_start or previous in _CONJUNCTIONS else "us"
        elif low in _AGREE and previous in ("i", "we"):
            word = _AGREE[low]
        else:
            word = _SWAP.get(low, token)
        out.append(word)
        previous = low
        clause_start = False
    said = "".join(out)
    return said[:1].lower() + said[1:]


def _clauses(context: str) -> list[str]:
    parts = (_LEAD_IN.sub("", p.strip()).strip(" ,-") for p in _CLAUSE_SPLIT.split(context))
    return [p for p in parts if p]


def their_words(context: str) -> dict[str, str]:
    """Slot values taken from the other person's message (only the ones it clearly gives).

    Keys are phrase-bank slot names: ``what happened`` (their first short clause, told in
    the past, about themselves or about us), ``name what went wrong`` (what they say we
    did: "you lost my parcel" gives "lost your parcel"), ``what's at stake`` ("your rent")
    with the ``name the impact`` it gives ("worry about your rent"), ``your weekend`` (the
    time they gave: "the whole weekend" gives "your whole weekend"), ``their view in your
    words`` (their first sentence, when it is short, about them and not a question; a
    feeling said first is left to the lines that name it), and ``your dad`` (someone close
    they name: "my husband died" gives "your husband").
    """
    slots: dict[str, str] = {}
    context = _YOU_ALL.sub("you", context)
    short = [
        c
        for c in _clauses(context)
        if len(c.split()) <= MAX_WORDS and not _ASKED_AFTER_COMMA.search(c)
    ]
    told = [
        c
        for c in short
        if _ABOUT_THEM_OR_US.match(c) and _PAST.match(c) and not _PRESENT_STATE.match(c)
    ]
    if told:
        slots["what happened"] = perspective(told[0])
    # "You charged me twice" -> "I'm sorry we [charged you twice]".
    ours = [c for c in short if re.match(r"you\b(?!'re|r)", c, re.I) and _PAST.match(c)]
    if ours:
        slots["name what went wrong"] = perspective(ours[0]).removeprefix("we ")
    cost = [word for word, cue in _COSTS if cue.search(context)]
    if cost:
        slots["time / money / a day's work"] = " and ".join(cost)
    stake = _STAKE.search(context)
    if stake:
        slots["what's at stake"] = "your " + stake.group(1).lower()
        # "... and that you had to [name the impact]": what the fault put at risk.
        slots["name the impact"] = "worry about " + slots["what's at stake"]
    given = _TIME_GIVEN.search(context)
    if given:
        slots["your weekend"] = "your " + " ".join(g for g in given.groups() if g).lower()
    first = re.split(r"(?<=[.!?])\s+|\n", context.strip(), maxsplit=1)[0].strip()
    # A question is asked back, not said back ("you're confused, what does this mean?").
    asked = "?" in first or _ASKED_AFTER_COMMA.search(first) is not None
    first = _LEAD_IN.sub("", first).strip(" ,-").rstrip(".!?")
    if first and not asked and _OWN_CLAUSE.match(first) and len(first.split()) <= MAX_WORDS + 4:
        seen = _FEELING_FIRST.sub("", first, count=1)
        if len(seen.split()) < 3:  # "I'm sorry, I know": nothing seen without the feeling
            seen = first
        slots["their view in your words"] = perspective(seen)
    close = list(_CLOSE.finditer(context))
    if close:
        death = _DEATH.search(context)
        if death is not None:  # of several, the one named nearest the words of a death
            close.sort(key=lambda m: abs(m.start() - death.start()))
        slots["your dad"] = "your " + close[0].group(1).lower()
    # Their words with a square bracket in them would read as a slot still to fill.
    return {k: v for k, v in slots.items() if "[" not in v and "]" not in v}


_SLOT = re.compile(r"\[([^\]]+)\]")


def fill(text: str, slots: dict[str, str]) -> str:
    """``text`` with every slot ``slots`` knows filled in; the others stay bracketed.

    >>> fill("Worried about [what's at stake]? Call [team].", {"what's at stake": "your rent"})
    'Worried about your rent? Call [team].'
    """
    if not slots:
        return text
    return _SLOT.sub(lambda m: slots.get(m.group(1), m.group(0)), text)
