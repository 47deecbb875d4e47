"""Synthetic but realistic support conversations, for benchmarks and load tests.

Everything here is written for the project (no fetched data). A conversation is a scenario
(double charge, outage, late delivery, …) played by an agent with a style — warm, scripted,
defensive or brisk — over a fixed number of turns, customer and agent alternating. Slots
(amounts, days, order numbers, names) and occasional personal data (e-mails, phone numbers)
vary the text so the coach sees realistic spread, and a seed makes it reproducible.

>>> conv = next(generate_conversations(1, seed=7))
>>> len(conv["turns"]), conv["turns"][0]["role"]
(10, 'customer')

    python -m heard.batch.synth 10000 --out conversations.jsonl [--layout utterances]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections.abc import Iterator
from pathlib import Path

AGENTS = (
    ("maya", "warm"),
    ("priya", "warm"),
    ("jun", "warm"),
    ("alex", "brisk"),
    ("noor", "brisk"),
    ("tom", "scripted"),
    ("sam", "scripted"),
    ("leo", "defensive"),
    ("kit", "defensive"),
    ("ines", "warm"),
)

SCENARIOS = {
    "double charge": {
        "open": [
            "I've been charged twice for my {plan} plan this month, ${amount} taken two times.",
            "Why are there two payments of ${amount} on my statement? I only ordered once.",
            "You took ${amount} twice from my account and now I'm overdrawn.",
        ],
        "impact": "being charged twice and left short of money",
        "fix": "I've refunded the duplicate ${amount}; it shows in your bank within {days} days",
    },
    "outage": {
        "open": [
            "Your service has been down for {hours} hours and I can't work.",
            "Nothing loads since this morning. Is the whole thing broken again?",
            "I run a small shop and the card reader has been offline for {hours} hours.",
        ],
        "impact": "losing {hours} hours of work to the outage",
        "fix": "the engineers expect service back within the hour and I'll text you when it is",
    },
    "late delivery": {
        "open": [
            "My order {order} was due {days} days ago and it still hasn't arrived.",
            "Where is my parcel? It was meant to be here for a birthday on {day}.",
            "Tracking for order {order} hasn't moved in {days} days. This is so frustrating.",
        ],
        "impact": "waiting {days} extra days for something you needed",
        "fix": "it's at the local depot and out for delivery tomorrow before noon",
    },
    "account locked": {
        "open": [
            "I'm locked out of my account and I need to pay my staff tomorrow.",
            "My account got locked after I changed my phone number. I'm really worried.",
            "I can't log in at all and nobody answers my emails.",
        ],
        "impact": "being locked out right when you need your account",
        "fix": "I've sent a secure reset link to the email on file; it's valid for 30 minutes",
    },
    "setup help": {
        "open": [
            "I'm trying to set up the {device} and I'm completely lost.",
            "The app keeps asking for a pairing code for my {device} and I can't find it.",
            "I don't understand the instructions for the {device} at all.",
        ],
        "impact": "spending your evening stuck on the {device} setup",
        "fix": "the code is on the sticker behind the front cover; type it in and tap Pair",
    },
    "cancellation": {
        "open": [
            "I'd like to cancel my subscription please. Money is tight at the moment.",
            "Please close my account, I don't use it any more.",
            "I want to cancel before the next payment of ${amount} goes out.",
        ],
        "impact": "having to deal with this while money is tight",
        "fix": "I've cancelled it today with no exit fee and you'll get an email confirming it",
    },
}

CUSTOMER_FOLLOW = {
    "upset": [
        "That's the {nth} time this has happened. I'm honestly fed up.",
        "I've already explained this to two people. Why does nobody fix it?",
        "This is really stressing me out.",
        "I just need someone to actually help me.",
    ],
    "question": [
        "So what happens now?",
        "How long will that take?",
        "Is there anything I need to do on my side?",
        "Can you make sure it doesn't happen again?",
    ],
    "calmer": [
        "Okay, that helps. Thank you.",
        "Right, that makes sense.",
        "Thanks, I appreciate you looking into it.",
        "Fine, I'll wait for that then.",
    ],
    "angrier": [
        "That's not an answer. This is ridiculous.",
        "You're not listening to me at all.",
        "I want to speak to a manager.",
        "Unbelievable. I'm going to leave a review about this.",
    ],
    "contact": [
        "You can reach me on {phone} if that's easier.",
        "My email is {email} if you need it.",
    ],
}

AGENT_LINES = {
    "warm": [
        "I'm sorry about {impact}; that sounds really stressful.",
        "It sounds like you're frustrated, and that makes sense after {impact}.",
        "Thanks for explaining it so clearly. Let me check your account now.",
        "Here's what I've done: {fix}.",
        "Would it help if I called you tomorrow to confirm it's sorted, or would an email suit you better?",
        "I can't change the policy on that, but what I can do is {fix}.",
        "Before I make changes, can you confirm the postcode on the account so I can verify your identity?",
        "I'll stay on this with you until it's fixed. Is there anything else worrying you about it?",
    ],
    "scripted": [
        "I understand how you feel. We apologise for any inconvenience caused.",
        "Thank you for your patience. Your satisfaction is important to us.",
        "I understand your frustration. Please allow 7 to 10 business days.",
        "We're all in this together. Is there anything else I can help you with?",
        "As per our policy, this is being processed.",
        "Don't worry, everything will be fine.",
    ],
    "defensive": [
        "There's no problem on our side. You must have entered something wrong.",
        "As I already said, that is the policy.",
        "It's not a big deal, it will sort itself out.",
        "You should have read the terms before you signed up.",
        "There's no need to raise your voice.",
        "I guarantee it will be fixed tomorrow. This will never happen again.",
    ],
    "brisk": [
        "Checking now.",
        "Done: {fix}.",
        "Anything else?",
        "Can you send me the order number?",
        "Okay. Next step is a reset; I've emailed you the link.",
        "I've noted that on the account.",
    ],
}

DEVICES = ("thermostat", "router", "printer", "doorbell camera", "card reader")
PLANS = ("Basic", "Plus", "Family", "Business")
DAYS = ("Monday", "Tuesday", "Friday", "Saturday")
FIRST = ("dana", "omar", "lucia", "ravi", "beth", "kofi", "mei", "jonas")


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format(**slots)


def _slots(rng: random.Random) -> dict[str, str]:
    name = rng.choice(FIRST)
    return {
        "amount": str(rng.choice((12, 19, 29, 45, 58, 120))),
        "days": str(rng.randint(3, 10)),
        "hours": str(rng.randint(2, 6)),
        "order": f"#{rng.randint(10000, 99999)}",
        "day": rng.choice(DAYS),
        "device": rng.choice(DEVICES),
        "plan": rng.choice(PLANS),
        "nth": rng.choice(("second", "third", "fourth")),
        "email": f"{name}.{rng.randint(10, 99)}@example.com",
        "phone": f"07700 9{rng.randint(10000, 99999)}",
    }


def generate_conversations(n: int, *, turns: int = 10, seed: int = 0) -> Iterator[dict]:
    """Yield n conversation records ({"id", "agent", "topic", "channel", "turns"})."""
    rng = random.Random(seed)
    topics = list(SCENARIOS)
    for index in range(n):
        agent, style = rng.choice(AGENTS)
        topic = rng.choice(topics)
        scenario = SCENARIOS[topic]
        slots = _slots(rng)
        slots["impact"] = _fill(scenario["impact"], slots)
        slots["fix"] = _fill(scenario["fix"], slots)
        out = []
        t = 0.0
        mood = "upset"
        agent_lines = AGENT_LINES[style]
        for turn in range(turns):
            if turn % 2 == 0:
                if turn == 0:
                    text = _fill(rng.choice(scenario["open"]), slots)
                elif rng.random() < 0.06:
                    text = _fill(rng.choice(CUSTOMER_FOLLOW["contact"]), slots)
                else:
                    text = _fill(rng.choice(CUSTOMER_FOLLOW[mood]), slots)
                out.append({"speaker": "customer", "role": "customer", "text": text, "t": t})
            else:
                if style == "warm" and turn == 1:
                    line = agent_lines[rng.choice((0, 1))]
                else:
                    line = rng.choice(agent_lines)
                out.append({"speaker": agent, "role": "agent", "text": _fill(line, slots), "t": t})
                if style == "warm":
                    mood = rng.choice(("question", "calmer", "calmer"))
                elif style == "brisk":
                    mood = rng.choice(("question", "calmer", "upset"))
                else:
                    mood = rng.choice(("angrier", "upset", "question"))
            t += round(rng.uniform(8, 60), 1)
        yield {
            "id": f"syn{seed}c{index:07d}",
            "agent": agent,
            "topic": topic,
            "channel": rng.choice(("chat", "phone", "email", "social")),
            "turns": out,
        }


def write_jsonl(path: str | Path, n: int, *, turns: int = 10, seed: int = 0) -> Path:
    """One conversation per line."""
    path = Path(path)
    with open(path, "w", encoding="utf-8") as handle:
        for conv in generate_conversations(n, turns=turns, seed=seed):
            handle.write(json.dumps(conv, ensure_ascii=False) + "\n")
    return path


def write_utterances_csv(path: str | Path, n: int, *, turns: int = 10, seed: int = 0) -> Path:
    """One utterance per row: conversation_id, speaker, role, text, timestamp."""
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("conversation_id", "speaker", "role", "text", "timestamp"))
        for conv in generate_conversations(n, turns=turns, seed=seed):
            for turn in conv["turns"]:
                writer.writerow(
                    (conv["id"], turn["speaker"], turn["role"], turn["text"], turn["t"])
                )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m heard.batch.synth")
    parser.add_argument("n", type=int, help="number of conversations")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--layout", choices=("conversations", "utterances"), default="conversations"
    )
    args = parser.parse_args(argv)
    writer = write_jsonl if args.layout == "conversations" else write_utterances_csv
    writer(args.out, args.n, turns=args.turns, seed=args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
