"""One pass over a text that tells which of many patterns can match it at all.

Each pattern is rewritten, once, into a Hyperscan expression that matches wherever the
pattern does (often in more places): lookarounds are dropped, counted repeats become "at
least as many", word boundaries stay only beside a certain ASCII word character, and
anything that may match a non-ASCII character becomes "any character" (or a class holding
"?"). A text is scanned as its lower-cased form (``engine.lower_same_length``) with every
non-ASCII character replaced by ``?``, and the scan reports every pattern that may match.
Python's ``re`` then runs only those, so results are exactly those of ``re``: a pattern
left out cannot match. (Case folding maps every character that a case-insensitive ASCII
pattern character matches to ASCII in the lower-cased form; tests check it for all of
Unicode.)

Hyperscan is optional: without the ``hyperscan`` package (or on a machine it does not
support), ``available()`` is False and the engine gates patterns by their words instead.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from pathlib import Path
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

from . import engine  # edge_chars; engine imports this module first, used at call time

try:  # pragma: no branch - which branch runs depends on the machine
    import hyperscan as _hs
except ImportError:  # pragma: no cover - exercised by tests that hide the package
    _hs = None

_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)
_ANY = "."  # compiled with DOTALL: any one character (the text is one byte a character)
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
# Characters of the ASCII form of a text that a category may stand for ("?" stands for any
# non-ASCII character).
_CATEGORY_BYTES = {
    C.CATEGORY_DIGIT: "0123456789?",
    C.CATEGORY_SPACE: " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f?",
    C.CATEGORY_WORD: "".join(sorted(_WORD)) + "?",
}


@functools.lru_cache(maxsize=8192)
def parse(pattern: str, flags: int) -> Any:
    """``re._parser.parse``, once per pattern: the coach reads each parse tree several
    times (and never changes it)."""
    return P.parse(pattern, flags)


class Unsupported(Exception):
    """A construct the rewriting does not handle: the pattern is always run."""


def _byte(ch: int) -> str:
    c = chr(ch)
    return c if c.isascii() and c.isalnum() else f"\\x{ch:02x}"


def _runs(chars: set[int]) -> str:
    """A class body for ``chars``, runs of three or more as ranges."""
    out: list[str] = []
    codes = sorted(chars)
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        if j - i >= 2:
            out.append(f"{_byte(codes[i])}-{_byte(codes[j])}")
        else:
            out.extend(_byte(c) for c in codes[i : j + 1])
        i = j + 1
    return "".join(out)


def _class(items: list) -> str:
    """A class for an ``IN`` node, or ``_ANY`` when it may match more than ASCII can tell."""
    negate = bool(items) and items[0][0] is C.NEGATE
    body = items[1:] if negate else items
    chars: set[int] = set()
    for kind, value in body:
        if kind is C.LITERAL:
            if value > 0x7F:
                return _ANY
            chars.add(value)
        elif kind is C.RANGE:
            lo, hi = value
            if hi > 0x7F:
                return _ANY
            chars.update(range(lo, hi + 1))
        elif kind is C.CATEGORY and value in _CATEGORY_BYTES and not negate:
            chars.update(ord(c) for c in _CATEGORY_BYTES[value])
        else:
            return _ANY
    if negate:
        # Case folding makes a negated class with letters hard to bound; "?" (any non-ASCII
        # character) may be anything the class allows, so it is never excluded.
        if any(chr(c).isalpha() for c in chars):
            return _ANY
        chars.discard(ord("?"))
        if not chars:
            return _ANY
        return "[^" + _runs(chars) + "]"
    return "[" + _runs(chars) + "]"


def _ascii_word(chars: frozenset[str] | None) -> bool:
    return bool(chars) and chars <= _WORD  # type: ignore[operator]


def _rewrite(seq: list) -> str:
    out: list[str] = []
    for i, (op, av) in enumerate(seq):
        if op is C.LITERAL:
            out.append(_byte(av) if av <= 0x7F else _ANY)
        elif op is C.NOT_LITERAL or op is C.ANY:
            out.append(_ANY)
        elif op is C.IN:
            out.append(_class(av))
        elif op is C.AT:
            # A word boundary next to a certain ASCII word character holds in the ASCII form
            # as well (non-ASCII characters there are "?", never word characters); every
            # other anchor is dropped.
            if av is C.AT_BOUNDARY and (
                _ascii_word(engine.edge_chars(seq[i + 1 :]))
                or _ascii_word(engine.edge_chars(seq[:i], last=True))
            ):
                out.append("\\b")
            elif av in (C.AT_BEGINNING, C.AT_BEGINNING_LINE):
                # Multi-line "^" (at the start or after "\n") holds wherever either form of
                # Python's "^" does; "\n" is itself in the ASCII form.
                out.append("^")
            elif av in (C.AT_END, C.AT_END_LINE):
                out.append("$")  # likewise: before any "\n", or at the end
        elif op in (C.ASSERT, C.ASSERT_NOT):
            continue
        elif op is C.SUBPATTERN:
            out.append("(?:" + _rewrite(list(av[-1])) + ")")
        elif op is C.ATOMIC_GROUP:
            out.append("(?:" + _rewrite(list(av)) + ")")
        elif op is C.BRANCH:
            out.append("(?:" + "|".join(_rewrite(list(alt)) for alt in av[1]) + ")")
        elif op in _REPEATS:
            lo, hi, item = av
            body = _rewrite(list(item))
            if not body:
                continue
            # Counted repeats are costly to compile and scan; any count of at least ``lo``
            # is a wider condition.
            if hi == 1:
                body = body if lo == 1 else f"(?:{body})?"
            else:
                body = f"(?:{body})" + ("*" if lo == 0 else "+")
            out.append(body)
        else:
            raise Unsupported(str(op))
    return "".join(out)


def superset(pattern: str, flags: int) -> bytes | None:
    """A Hyperscan expression that matches the ASCII form of a text wherever ``pattern``
    (with ``flags``) matches the text, or None when none is derived (the pattern can match
    the empty string, or uses a construct the rewriting does not handle).

    >>> superset(r"\\bI'?m (?:so )?sorry(?!\\w)", 2)  # 2: re.IGNORECASE
    b'\\\\bI(?:\\\\x27)?m\\\\x20(?:so\\\\x20)?sorry'
    """
    seq = parse(pattern, flags)
    if seq.getwidth()[0] == 0:
        return None
    try:
        return _rewrite(list(seq)).encode("ascii")
    except Unsupported:
        return None


def ascii_form(low: str) -> bytes:
    """The bytes a text is scanned as: its lower-cased form, non-ASCII characters as "?"."""
    return low.encode("ascii", "replace")


def _collect(pid: int, start: int, end: int, flags: int, found: list[int]) -> None:
    found.append(pid)


_MODE_FLAGS = 0  # set with the module's Hyperscan flags below
_HS_VERSION = ""
if _hs is not None:
    _MODE_FLAGS = (
        _hs.HS_FLAG_CASELESS
        | _hs.HS_FLAG_DOTALL
        | _hs.HS_FLAG_MULTILINE
        | _hs.HS_FLAG_SINGLEMATCH
        | _hs.HS_FLAG_PREFILTER
    )
    _HS_VERSION = str(getattr(_hs, "__version__", ""))


def cache_dir() -> Path | None:
    """Where compiled databases are kept between runs (None: not kept).

    ``HEARD_COACH_CACHE`` names the folder ("" keeps nothing); by default it is the user's
    cache folder for Heard.
    """
    raw = os.environ.get("HEARD_COACH_CACHE")
    if raw is not None:
        return Path(raw).expanduser() if raw.strip() else None
    try:
        import platformdirs
    except ImportError:  # pragma: no cover - a dependency of the project
        return None
    return Path(platformdirs.user_cache_dir("heard", False)) / "coach"


def _build(expressions: list[bytes]) -> tuple[Any, list[int]]:
    """A block-mode database of ``expressions`` (each id: its place in the list), and the
    places of those Hyperscan rejects (left out: they must then always be run).

    Databases are kept in ``cache_dir()`` under a digest of the expressions, so the same
    lexicons compile once per machine.
    """
    hs = _hs
    assert hs is not None
    digest = hashlib.sha256("\0".join([_HS_VERSION, str(_MODE_FLAGS)]).encode())
    digest.update(b"\0".join(expressions))
    folder = cache_dir()
    path = folder / f"prefilter-{digest.hexdigest()[:32]}.hsdb" if folder is not None else None
    if path is not None:
        try:
            return hs.loadb(path.read_bytes(), hs.HS_MODE_BLOCK), []
        except (OSError, hs.error, ValueError, TypeError):
            pass  # not kept yet, or built for another machine or version: build anew
    ids = list(range(len(expressions)))
    rejected: list[int] = []
    db = hs.Database(mode=hs.HS_MODE_BLOCK)
    try:
        db.compile(expressions=expressions, ids=ids, flags=_MODE_FLAGS)
    except hs.error:
        for i, e in enumerate(expressions):
            try:
                hs.Database(mode=hs.HS_MODE_BLOCK).compile(
                    expressions=[e], ids=[i], flags=_MODE_FLAGS
                )
            except hs.error:
                rejected.append(i)
        kept = [i for i in ids if i not in rejected]
        if not kept:
            return None, rejected
        db = hs.Database(mode=hs.HS_MODE_BLOCK)
        db.compile(expressions=[expressions[i] for i in kept], ids=kept, flags=_MODE_FLAGS)
    if path is not None and not rejected:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(hs.dumpb(db))
            os.replace(tmp, path)
            _prune(path.parent)
        except OSError:
            pass  # a read-only or full disk only costs the next run a compile
    return db, rejected


KEEP = 24  # compiled databases kept in the cache folder (the most recently written)


def _prune(folder: Path) -> None:
    """Remove all but the ``KEEP`` newest databases (lexicons change; old ones linger)."""
    kept = sorted(folder.glob("prefilter-*.hsdb"), key=lambda p: p.stat().st_mtime)
    for old in kept[:-KEEP]:
        old.unlink(missing_ok=True)


class _Segment:
    """Patterns added together (between two scans), compiled into one database."""

    __slots__ = ("first", "expressions", "always", "db", "members", "compiled")

    def __init__(self, first: int) -> None:
        self.first = first
        self.expressions: list[bytes | None] = []
        self.always: list[int] = []  # ids of patterns that are always run
        self.db: Any = None
        # Database id -> ids of the patterns with that expression. The database holds each
        # distinct expression once, sorted, so it does not depend on the order patterns
        # were added in (which may vary from run to run) and its cached copy is found.
        self.members: list[tuple[int, ...]] = []
        self.compiled = False


class Prefilter:
    """Patterns added one by one; ``scan`` gives the ids of those that may match a text.

    Patterns are kept in segments: those added between two scans form one, compiled into
    one Hyperscan database when it is first scanned, after which new patterns start a new
    segment (so adding patterns never compiles earlier ones again, and a text is scanned
    only for the segments asked about). Patterns without a usable rewriting, or that
    Hyperscan rejects, are always reported.
    """

    def __init__(self) -> None:
        self.segments: list[_Segment] = [_Segment(0)]
        self.count = 0
        self._lock = threading.RLock()
        self._local = threading.local()

    def add(self, patterns: list[str], flags: int) -> tuple[int, int]:
        """Add patterns (kept in one segment); (id of the first, segment)."""
        with self._lock:
            segment = self.segments[-1]
            if segment.compiled:
                segment = _Segment(self.count)
                self.segments.append(segment)
            first = self.count
            for p in patterns:
                expression = superset(p, flags)
                segment.expressions.append(expression)
                if expression is None:
                    segment.always.append(self.count)
                self.count += 1
            return first, len(self.segments) - 1

    def _compile(self, segment: _Segment) -> None:
        with self._lock:
            if segment.compiled:
                return
            by_expression: dict[bytes, list[int]] = {}
            for i, e in enumerate(segment.expressions):
                if e is not None:
                    by_expression.setdefault(e, []).append(segment.first + i)
            distinct = sorted(by_expression)
            if distinct:
                segment.db, rejected = _build(distinct)
                segment.members = [tuple(by_expression[e]) for e in distinct]
                for i in rejected:
                    segment.always += segment.members[i]
                segment.always.sort()
            segment.compiled = True

    def always(self, seg: int) -> list[int]:
        """Ids of the patterns of segment ``seg`` that every scan reports."""
        segment = self.segments[seg]
        if not segment.compiled:
            self._compile(segment)
        return segment.always

    def scan(self, seg: int, low: str) -> list[int]:
        """Ids of the patterns of segment ``seg`` that may match a text, given its
        lower-cased form (``engine.lower_same_length``), ``always`` ones included;
        unordered."""
        segment = self.segments[seg]
        if not segment.compiled:
            self._compile(segment)
        db = segment.db
        if db is None or not low:
            return list(segment.always)
        try:
            scratch = self._local.scratch[seg]
        except (AttributeError, KeyError):
            # One scratch space per thread and segment (scans may run in several threads).
            scratch = _hs.Scratch(db)  # type: ignore[union-attr]
            if not hasattr(self._local, "scratch"):
                self._local.scratch = {}
            self._local.scratch[seg] = scratch
        hits: list[int] = []
        # data (ascii_form), match handler, flags, context, scratch
        db.scan(low.encode("ascii", "replace"), _collect, 0, hits, scratch)
        found = list(segment.always)
        if hits:
            members = segment.members
            for i in hits:
                found += members[i]
        return found


@functools.cache
def available() -> bool:
    """Whether Hyperscan is installed and works on this machine."""
    if _hs is None:
        return False
    try:
        db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        db.compile(expressions=[b"ab\\b"], ids=[0], flags=_MODE_FLAGS)
        found: list[int] = []
        db.scan(b"xab.", match_event_handler=_collect, context=found, scratch=_hs.Scratch(db))
    except Exception:  # noqa: BLE001 - an unsupported CPU or a broken build: do without
        return False
    return found == [0]
