"""A fast matcher for many small regular expressions over one short text.

Scanning a few hundred patterns over every reply is the coach's main cost, and most
patterns cannot match most replies. So each pattern is analysed once, when it is compiled,
for the words any match must contain: ``\\bI'?m (?:so )?sorry`` needs the word "i" and a
word starting "sorr". A group of patterns (one marker) is scanned, as one compiled
alternation, only when the text has at least one word each of its patterns needs. Patterns
for which nothing can be derived make their group always scan. Results are identical to
scanning every group; they only arrive sooner.

With Hyperscan installed, a sharper gate comes first (see prefilter.py): one scan of the
text names the patterns that may match at all, and only those run, each group's chunks
keeping their alternation order and merging as above. The word gate remains the fallback,
and ``use_prefilter`` switches between the two (tests compare them).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Collection
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]

from . import prefilter as _pf

FLAGS = re.IGNORECASE | re.MULTILINE
KEY_LEN = 4  # word beginnings are compared on at most this many characters
# Punctuation that patterns rely on, indexed like words ("?" for questions, "<" for "<3").
PUNCTUATION_KEYS = frozenset("?!%<@$£€#")
# Very common words make poor gates: a rarer requirement is checked first.
_COMMON = frozenset(
    "i you the a an to and it is that this we so my me your of in for be not do are was "
    "have just can if or on at with".split()
)
_WORD_START_AT = {C.AT_BEGINNING, C.AT_BEGINNING_LINE, C.AT_BEGINNING_STRING, C.AT_BOUNDARY}
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)

Keys = frozenset[str]


# ---------------------------------------------------------------- pattern analysis


def _non_word_class(items: list) -> bool:
    """True for a character class that only holds non-word characters (``\\s``, ``\\W``, ``[ ,]``)."""
    for kind, value in items:
        if kind is C.CATEGORY:
            if value not in (C.CATEGORY_SPACE, C.CATEGORY_NOT_WORD):
                return False
        elif kind is C.LITERAL:
            ch = chr(value)
            if ch.isalnum() or ch == "_":
                return False
        else:
            return False
    return True


def _cost(keys: Keys) -> int:
    return sum(20 if k in _COMMON else 15 if len(k) == 1 else 8 if len(k) == 2 else 1 for k in keys)


def _requirements(seq: list, word_start: bool) -> list[Keys]:
    """Key sets that every match of ``seq`` satisfies (each: at least one key present)."""
    return _walk(seq, word_start, False)[0]


def _ends_word(seq: list, i: int, after: bool) -> bool:
    """Whether a word certainly ends before ``seq[i]`` (``after``: past the end of ``seq``)."""
    if i >= len(seq):
        return after
    op, av = seq[i]
    if op is C.SUBPATTERN:
        return _ends_word(list(av[-1]), 0, after and _ends_word(seq, i + 1, after))
    if op is C.BRANCH:
        rest = _ends_word(seq, i + 1, after)
        return all(_ends_word(list(alt), 0, rest) for alt in av[1])
    if op is C.AT:
        return av is not C.AT_NON_BOUNDARY
    if op is C.IN:
        return _non_word_class(av)
    if op is C.LITERAL:
        ch = chr(av)
        return not (ch.isalnum() or ch == "_")
    return False


def _walk(seq: list, word_start: bool, ends_after: bool) -> tuple[list[Keys], bool]:
    """(requirements of ``seq``; whether a word certainly starts right after it).

    ``ends_after``: whether a word certainly ends right after ``seq``.
    """
    options: list[Keys] = []
    run = ""  # letters/digits of a literal that began at a word start
    in_run = False

    def close(word_ends: bool = False) -> None:
        # A run shorter than KEY_LEN is only usable when the word certainly ends with it.
        nonlocal run, in_run
        if in_run and run and (len(run) >= KEY_LEN or word_ends):
            options.append(frozenset({run[:KEY_LEN]}))
        run, in_run = "", False

    for i, (op, av) in enumerate(seq):
        if op is C.LITERAL:
            ch = chr(av).casefold()
            if len(ch) == 1 and ch.isascii() and ch.isalnum():
                if in_run:
                    run += ch
                elif word_start:
                    run, in_run = ch, True
                word_start = False
            else:
                word_char = len(ch) == 1 and (ch.isalnum() or ch == "_")
                close(word_ends=not word_char)
                word_start = not word_char
                if ch in PUNCTUATION_KEYS:
                    options.append(frozenset({ch}))
            continue
        close(
            word_ends=(op is C.AT and av is not C.AT_NON_BOUNDARY)
            or (op is C.IN and _non_word_class(av))
        )
        if op is C.AT:
            word_start = av in _WORD_START_AT
        elif op is C.SUBPATTERN:
            sub, word_start = _walk(list(av[-1]), word_start, _ends_word(seq, i + 1, ends_after))
            options.extend(sub)
        elif op is C.BRANCH:
            union: set[str] = set()
            complete = True
            ends = True
            for alt in av[1]:
                alt_options, alt_end = _walk(
                    list(alt), word_start, _ends_word(seq, i + 1, ends_after)
                )
                ends = ends and alt_end
                if not alt_options:
                    complete = False
                else:
                    union |= min(alt_options, key=_cost)
            if complete and union:
                options.append(frozenset(union))
            word_start = ends
        elif op in _REPEATS:
            sub, end = _walk(list(av[2]), word_start, False)
            if av[0] >= 1:
                options.extend(sub)
                word_start = end
            else:
                word_start = word_start and end
        elif op is C.IN and _non_word_class(av):
            word_start = True
        else:
            word_start = False
    close(word_ends=ends_after)
    return options, word_start


def _case_sensitive_part(seq: list) -> bool:
    for op, av in seq:
        if op is C.SUBPATTERN:
            if av[2] & re.IGNORECASE or _case_sensitive_part(list(av[-1])):
                return True
        elif op is C.BRANCH:
            if any(_case_sensitive_part(list(alt)) for alt in av[1]):
                return True
        elif op in _REPEATS:
            if _case_sensitive_part(list(av[2])):
                return True
        elif op in (C.ASSERT, C.ASSERT_NOT):
            if _case_sensitive_part(list(av[1])):
                return True
    return False


def requirements(pattern: str, flags: int = FLAGS) -> tuple[Keys, ...]:
    """Key sets every match satisfies (one key of each set present), cheapest first.

    >>> [sorted(r) for r in requirements(r"\\bI'?m (?:so )?sorry\\b")]
    [['sorr']]
    """
    # Keys and texts are both casefolded, so a requirement holds for case-sensitive parts too.
    seq = list(_pf.parse(pattern, flags))
    return tuple(sorted(set(_requirements(seq, word_start=False)), key=_cost))


# ---------------------------------------------------------------- matching

_KEY_RE = re.compile(r"(?<![a-z0-9])[a-z0-9]{1," + str(KEY_LEN) + "}")


# Non-ASCII characters that a case-insensitive pattern matches to an ASCII letter
# (dotted/dotless i, long s, Kelvin sign): folded here so lower-cased matching agrees.
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def lower_same_length(text: str) -> str:
    """Lower case that keeps every offset: ``len(result) == len(text)``.

    Characters whose lower case is longer than one character are kept as they are.
    """
    if text.isascii():  # the common case, and a constant-time check
        return text.lower()
    text = text.translate(_ASCII_FOLD)
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def lower_pattern(pattern: str) -> str:
    """Lower-case a pattern's literal characters, leaving escapes (``\\W``, ``\\B``...) alone.

    >>> lower_pattern(r"\\bI'm\\W")
    "\\\\bi'm\\\\W"
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        else:
            out.append(pattern[i].lower())
            i += 1
    return "".join(out)


_PUNCTUATION_RE = re.compile("[" + re.escape("".join(sorted(PUNCTUATION_KEYS))) + "]")
_GROUP_BY_KEY: dict[str, list[int]] = {}  # word key -> ids of groups that key may open
_GROUP_ALWAYS: set[int] = set()  # ids of groups with a pattern that cannot be gated
_GROUP_COUNT = 0

# With Hyperscan, every pattern of every group is also added to one prefilter (see
# prefilter.py), and a text is gated by one scan that names the patterns that may match.
# HEARD_COACH_PREFILTER=0 keeps the word gates alone.
_PREFILTER: _pf.Prefilter | None = (
    _pf.Prefilter()
    if _pf.available() and os.environ.get("HEARD_COACH_PREFILTER", "1") != "0"
    else None
)
_USE_PREFILTER = _PREFILTER is not None
_PID_GROUP: list[int] = []  # prefilter pattern id -> id of its group


def use_prefilter(on: bool) -> bool:
    """Gate texts indexed from now on by the prefilter scan (True, when Hyperscan is there)
    or by words alone (False). Returns the previous setting; results are the same."""
    global _USE_PREFILTER
    previous = _USE_PREFILTER
    _USE_PREFILTER = bool(on) and _PREFILTER is not None
    return previous


def prefilter_available() -> bool:
    """Whether the prefilter can be used (Hyperscan works, HEARD_COACH_PREFILTER is not 0)."""
    return _PREFILTER is not None


def prefilter_active() -> bool:
    """Whether texts are gated by the prefilter scan."""
    return _USE_PREFILTER


def _register_group(gate: Keys | None) -> int:
    global _GROUP_COUNT
    gid = _GROUP_COUNT
    _GROUP_COUNT += 1
    if gate is None:
        _GROUP_ALWAYS.add(gid)
    else:
        for k in gate:
            _GROUP_BY_KEY.setdefault(k, []).append(gid)
    return gid


def _register_patterns(gid: int, patterns: list[str], flags: int) -> tuple[int, int]:
    """Add a group's patterns to the prefilter: (id of the first, prefilter segment), or
    (-1, -1) without a prefilter."""
    if _PREFILTER is None:
        return -1, -1
    first, segment = _PREFILTER.add(patterns, flags)
    while len(_PID_GROUP) < first + len(patterns):
        _PID_GROUP.append(-1)
    _PID_GROUP[first : first + len(patterns)] = [gid] * len(patterns)
    return first, segment


def _word_keys(low: str) -> frozenset[str]:
    keys = set(_KEY_RE.findall(low))
    keys.update(_PUNCTUATION_RE.findall(low))
    return frozenset(keys)


class TextIndex:
    """One text prepared for matching: its lower-case form (same length, so offsets hold)
    and either, with the prefilter, which patterns may match (scanned per prefilter segment
    when first asked: group id -> ids of its patterns), or the beginnings of its words
    (first KEY_LEN characters, or the whole word)."""

    __slots__ = ("_keys", "lower", "_open", "_open_count", "_segs")

    def __init__(self, folded: str) -> None:
        self.lower = low = lower_same_length(folded)
        self._open: set[int] | dict[int, list[int]] | None = None
        self._open_count = 0
        if _USE_PREFILTER:
            self._keys: frozenset[str] | None = None
            self._segs: list[dict[int, list[int]] | None] | None = []
            return
        self._keys = _word_keys(low)
        self._segs = None
        if _GROUP_COUNT:
            self.open_groups  # noqa: B018 - computed now, while the text is at hand

    @property
    def prefiltered(self) -> bool:
        """Whether this text is gated by the prefilter scan (else by its words)."""
        return self._segs is not None

    def segment_hits(self, seg: int) -> dict[int, list[int]]:
        """Group id -> ids of its patterns that may match, for the groups of one prefilter
        segment (scanned once)."""
        segs = self._segs
        assert segs is not None and _PREFILTER is not None
        if seg < len(segs):
            hits = segs[seg]
            if hits is not None:
                return hits
        else:
            segs.extend([None] * (seg + 1 - len(segs)))
        hits = {}
        group_of = _PID_GROUP
        for pid in _PREFILTER.scan(seg, self.lower):
            gid = group_of[pid]
            pids = hits.get(gid)
            if pids is None:
                hits[gid] = [pid]
            else:
                pids.append(pid)
        segs[seg] = hits
        return hits

    def open_in(self, segments: frozenset[int]) -> Collection[int]:
        """Ids of groups that could match, exact for the groups of ``segments`` (prefilter
        segments, see ``PatternGroup.segment``) and supporting ``in``, ``len`` and
        iteration."""
        segs = self._segs
        if segs is None:
            return self.open_groups
        if len(segments) == 1:
            for seg in segments:
                hits = segs[seg] if seg < len(segs) else None
                return self.segment_hits(seg) if hits is None else hits
        merged: dict[int, list[int]] = {}
        for seg in segments:
            merged.update(self.segment_hits(seg))
        return merged

    @property
    def keys(self) -> frozenset[str]:
        """The beginnings of the text's words (and the punctuation keys it holds)."""
        if self._keys is None:
            self._keys = _word_keys(self.lower)
        return self._keys

    @property
    def open_groups(self) -> set[int] | dict[int, list[int]]:
        """Ids of the pattern groups that could match this text (computed once); supports
        ``in``, ``len`` and iteration."""
        if self._segs is not None:
            count = len(_PREFILTER.segments)  # type: ignore[union-attr]
            if self._open is None or self._open_count != count:
                merged: dict[int, list[int]] = {}
                for seg in range(count):
                    merged.update(self.segment_hits(seg))
                self._open, self._open_count = merged, count
            return self._open
        if self._open is None or self._open_count != _GROUP_COUNT:
            opened = set(_GROUP_ALWAYS)
            by_key = _GROUP_BY_KEY
            for k in by_key.keys() & self.keys:  # only the words some gate asks for
                opened.update(by_key[k])
            self._open = opened
            self._open_count = _GROUP_COUNT
        return self._open


def text_keys(folded: str) -> TextIndex:
    """Index the words of ``folded`` (a reply after ``lexicon.fold``)."""
    return TextIndex(folded)


@functools.cache
def _decimal_digits() -> frozenset[str]:
    """Every character ``\\d`` matches in a str pattern (Unicode category Nd)."""
    return frozenset(chr(c) for c in range(0x110000) if chr(c).isdecimal())


def first_chars(seq: list) -> frozenset[str] | None:
    """The characters a match of ``seq`` can start with, or None when unknown or empty.

    >>> sorted(first_chars(list(P.parse(r"\\b(?:i'm|we) (?:so )?sorry"))))
    ['i', 'w']
    """
    return edge_chars(seq)


def edge_chars(seq: list, last: bool = False) -> frozenset[str] | None:
    """The characters a match of ``seq`` can start (``last``: end) with; None when unknown."""
    chars: set[str] = set()
    for op, av in reversed(seq) if last else seq:
        if op is C.AT:
            continue
        if op is C.LITERAL:
            chars.add(chr(av))
            return frozenset(chars)
        if op is C.IN:
            for kind, value in av:
                if kind is C.LITERAL:
                    chars.add(chr(value))
                elif kind is C.RANGE and value[1] - value[0] < 64:
                    chars.update(chr(c) for c in range(value[0], value[1] + 1))
                elif kind is C.CATEGORY and value is C.CATEGORY_DIGIT:
                    chars.update(_decimal_digits())
                else:
                    return None
            return frozenset(chars)
        if op is C.SUBPATTERN:
            sub = edge_chars(list(av[-1]), last)
            if sub is None:
                return None
            return frozenset(chars | sub)
        if op is C.BRANCH:
            for alt in av[1]:
                sub = edge_chars(list(alt), last)
                if sub is None:
                    return None
                chars |= sub
            return frozenset(chars)
        if op in _REPEATS:
            sub = edge_chars(list(av[2]), last)
            if sub is None:
                return None
            chars |= sub
            if av[0] >= 1:
                return frozenset(chars)
            continue  # optional: the match may also start (end) with what follows (precedes)
        return None
    return None


def _prefilter(patterns: list[str], flags: int) -> str:
    """A lookahead that rejects, in one step, positions no pattern can start at."""
    chars: set[str] = set()
    for p in patterns:
        sub = first_chars(list(P.parse(p, flags)))
        if sub is None:
            return ""
        chars |= sub
    if not chars or len(chars) > 20:
        return ""
    return "(?=[" + "".join(re.escape(c) for c in sorted(chars)) + "])"


def _starts_at_boundary(seq: list) -> bool:
    """Whether every match of ``seq`` starts with ``\\b`` (at a word boundary)."""
    while seq:
        op, av = seq[0]
        if op is C.SUBPATTERN:
            seq = list(av[-1])
        elif op is C.BRANCH:
            return all(_starts_at_boundary(list(alt)) for alt in av[1])
        else:
            return op is C.AT and av is C.AT_BOUNDARY
    return False


@functools.lru_cache(maxsize=8192)
def _pattern_facts(pattern: str, flags: int) -> tuple[frozenset[str] | None, bool]:
    """(first characters of a match, or None when unknown or the pattern can match empty;
    whether every match starts with \\b), parsed once per pattern."""
    seq = _pf.parse(pattern, flags)
    first = None if seq.getwidth()[0] == 0 else first_chars(list(seq)) or None
    return first, _starts_at_boundary(list(seq))


def _first_class(patterns: list[str], flags: int) -> str | None:
    """A character class of every character a match of any pattern can start with, or None.

    None also when some pattern can match the empty string.
    """
    chars: set[str] = set()
    for p in patterns:
        sub = _pattern_facts(p, flags)[0]
        if sub is None:
            return None
        chars |= sub
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


class Hit:
    """Where one match lies (``start()``, ``end()`` and ``span()`` like ``re.Match``)."""

    __slots__ = ("_start", "_end")

    def __init__(self, start: int, end: int) -> None:
        self._start, self._end = start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def span(self) -> tuple[int, int]:
        return self._start, self._end


def _scan_spans(rx: re.Pattern, text: str, cap: int = 1 << 30) -> list[tuple[int, int]]:
    """Non-overlapping matches of a capture-form alternation (see ``_Chunk``), as finditer.

    Each search stops at the leftmost position where the alternation matches; its match is
    group 1, and the next search starts where it ended, as ``finditer`` would.
    """
    out: list[tuple[int, int]] = []
    search = rx.search
    m = search(text)
    while m is not None:
        span = m.span(1)
        out.append(span)
        if len(out) >= cap:
            break
        m = search(text, span[1])
    return out


def _scan(rx: re.Pattern, text: str, cap: int = 1 << 30) -> list[Hit]:
    """``_scan_spans`` as match-like objects."""
    return [Hit(s, e) for s, e in _scan_spans(rx, text, cap)]


@functools.lru_cache(maxsize=4096)
def _compile_lowered(lowerable: tuple[str, ...], low_flags: int) -> tuple[re.Pattern, bool]:
    """One alternation of lower-cased patterns, and whether it is in capture form.

    When every match starts with one of a known set of characters (and none is empty), the
    alternation runs in "capture form": ``[S](?<=(?=(ALT))[S])``. The regular-expression
    engine then skips in C to the next character of S, and group 1 holds the alternation's
    own match starting there; ``_scan_spans`` continues from its end, so the matches are the
    ones ``finditer`` over ALT gives. When every pattern starts with \\b, ``(?<=\\b.)``
    first drops positions inside words.
    """
    first = _first_class(list(lowerable), low_flags)
    alternation = "|".join(f"(?:{p})" for p in lowerable)
    if first is not None:
        at_word = all(_pattern_facts(p, low_flags)[1] for p in lowerable)
        rx = re.compile(
            first + (r"(?<=\b.)" if at_word else "") + f"(?<=(?=({alternation})){first})",
            low_flags,
        )
        return rx, True
    rx = re.compile(_prefilter(list(lowerable), low_flags) + "(?:" + alternation + ")", low_flags)
    return rx, False


class _Chunk:
    """A few patterns scanned as one alternation, behind one gate."""

    __slots__ = (
        "gate",
        "lowered",
        "cased",
        "needs",
        "capture",
        "patterns",
        "low_patterns",
        "low_flags",
        "subsets",
        "low_sources",
        "low_list",
        "cased_list",
        "flags",
        "ready",
    )

    def __init__(self, items: list[tuple[str, tuple[Keys, ...]]], flags: int) -> None:
        # Every requirement of every pattern: the chunk is scanned only if some pattern has
        # all of its requirements met (``gate`` is the cheap first check).
        self.needs: tuple[tuple[Keys, ...], ...] | None = (
            None if any(not reqs for _, reqs in items) else tuple(reqs for _, reqs in items)
        )
        gate: set[str] | None = set()
        lowerable: list[str] = []
        low_sources: list[str] = []
        cased: list[str] = []
        for p, reqs in items:
            if not reqs:
                gate = None
            elif gate is not None:
                gate |= reqs[0]
            if flags & re.IGNORECASE and not _case_sensitive_part(list(_pf.parse(p, flags))):
                lowerable.append(lower_pattern(p))
                low_sources.append(p)
            else:
                cased.append(p)
        # The patterns of each part in order (the prefilter names them one by one).
        self.low_sources = tuple(low_sources)
        self.low_list = tuple(lowerable)
        self.cased_list = tuple(cased)
        self.flags = flags
        self.gate = None if gate is None else frozenset(gate)
        low_flags = flags & ~re.IGNORECASE
        # When every match starts with one of a known set of characters (and none is
        # empty), the alternation runs in "capture form": ``[S](?<=(?=(ALT))[S])``. The
        # regular-expression engine then skips in C to the next character of S, and group 1
        # holds the alternation's own match starting there; ``_scan`` continues from its
        # end, so the matches are the ones ``finditer`` over ALT gives.
        # When every pattern starts with \b, ``(?<=\b.)`` first drops positions inside words.
        self.patterns = tuple(p for p, _ in items)
        # Compiled by ``prepare`` when the word gate first needs them (a text gated by the
        # prefilter runs only the patterns that may match, compiled one plan at a time).
        self.lowered: re.Pattern | None = None
        self.capture = False
        self.cased: re.Pattern | None = None
        self.ready = False
        # A pattern whose required words are missing cannot match anywhere in the text, so
        # leaving it out of the alternation changes no match: when only one pattern of an
        # all-lower-cased chunk can match, that pattern alone is scanned.
        self.low_patterns = tuple(lowerable) if not cased and self.needs is not None else None
        self.low_flags = low_flags
        self.subsets: dict[int, tuple[re.Pattern, bool]] = {}

    def prepare(self) -> None:
        """Compile the chunk's alternations (once)."""
        if self.ready:
            return
        if self.low_list:
            self.lowered, self.capture = _compile_lowered(self.low_list, self.low_flags)
        if self.cased_list:
            alternation = "|".join(f"(?:{p})" for p in self.cased_list)
            self.cased = re.compile(alternation, self.flags)
        self.ready = True

    def pick(self, keys: frozenset[str]) -> tuple[re.Pattern, bool] | None:
        """The lower-cased alternation to scan for a text with ``keys`` (None: nothing can
        match), with whether it is in capture form."""
        patterns = self.low_patterns
        if patterns is None:
            return (self.lowered, self.capture) if self.could_match(keys) else None
        isdisjoint = keys.isdisjoint
        mask = 0
        bit = 1
        for reqs in self.needs:  # type: ignore[union-attr]
            if not any(map(isdisjoint, reqs)):  # every requirement has a word in the text
                mask |= bit
            bit <<= 1
        if not mask:
            return None
        if mask & (mask - 1):
            # Several patterns: the whole chunk (compiling every subset would cost more
            # than it saves).
            return self.lowered, self.capture  # type: ignore[return-value]
        found = self.subsets.get(mask)
        if found is None:
            chosen = tuple(p for i, p in enumerate(patterns) if mask >> i & 1)
            found = self.subsets[mask] = _compile_lowered(chosen, self.low_flags)
        return found

    def could_match(self, keys: frozenset[str]) -> bool:
        """Whether some pattern of the chunk has every word it needs in ``keys``."""
        needs = self.needs
        if needs is None:
            return True
        isdisjoint = keys.isdisjoint
        for reqs in needs:
            if not any(map(isdisjoint, reqs)):
                return True
        return False


class PatternGroup:
    """Several patterns used as one alternation; parts that cannot match are not scanned.

    Patterns are gathered in small chunks of patterns needing the same words, and a chunk is
    scanned only when the text has those words. Case-insensitive patterns are lower-cased
    and run case-sensitively on the lower-cased text, which lets the regular-expression
    engine skip ahead on literal prefixes; patterns with a case-sensitive part run on the
    original text.

    >>> g = PatternGroup([r"\\bno rush\\b", r"\\btake your time\\b"])
    >>> s = "Take your time."
    >>> [s[m.start() : m.end()] for m in g.finditer(s, text_keys(s))]
    ['Take your time']
    """

    __slots__ = (
        "chunks",
        "gate",
        "id",
        "_fast",
        "_first_pid",
        "_where",
        "_plans",
        "segment",
        "_ready",
    )
    CHUNK = 6
    MAX_PLANS = 1024  # scan plans kept per group (one per set of patterns that may match)

    def __init__(self, patterns: list[str], flags: int = FLAGS) -> None:
        items = [(p, requirements(p, flags)) for p in patterns]
        # Patterns gated by the same words sit together, so rare words gate whole chunks.
        items.sort(key=lambda it: sorted(it[1][0]) if it[1] else ["~"])
        self.chunks = tuple(
            _Chunk(items[i : i + self.CHUNK], flags) for i in range(0, len(items), self.CHUNK)
        )
        gates = [c.gate for c in self.chunks]
        self.gate = None if any(g is None for g in gates) else frozenset().union(*gates)
        self.id = _register_group(self.gate)
        # The common case: one chunk, all of it lower-cased.
        only = self.chunks[0] if len(self.chunks) == 1 else None
        self._fast = only if only is not None and not only.cased_list else None
        self._ready = False  # chunks compiled (see ``_prepare``)
        # Prefilter ids: each chunk's lower-cased patterns, then its case-sensitive ones;
        # ``_where[pid - _first_pid]`` is (chunk, case-sensitive part, place in the part).
        ordered: list[str] = []
        where: list[tuple[int, bool, int]] = []
        for ci, c in enumerate(self.chunks):
            ordered += c.low_sources
            where += [(ci, False, j) for j in range(len(c.low_sources))]
            ordered += c.cased_list
            where += [(ci, True, j) for j in range(len(c.cased_list))]
        self._where = tuple(where)
        self._first_pid, self.segment = _register_patterns(self.id, ordered, flags)
        self._plans: dict[tuple[int, ...], tuple[tuple[re.Pattern, bool, bool], ...]] = {}

    def _prepare(self) -> None:
        """Compile every chunk, for texts gated by their words."""
        for c in self.chunks:
            c.prepare()
        self._ready = True

    # ------------------------------------------------------------ prefilter path

    def _plan(self, pids: list[int]) -> tuple[tuple[re.Pattern, bool, bool], ...]:
        """What to scan when only ``pids`` may match: per part (a chunk's lower-cased or
        case-sensitive patterns) with a pattern among them, in chunk order, the alternation
        of those patterns alone, whether it is in capture form, and whether it runs on the
        lower-cased text. Leaving out patterns that cannot match changes no match."""
        key = (pids[0],) if len(pids) == 1 else tuple(sorted(set(pids)))
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        chosen: dict[tuple[int, bool], list[int]] = {}
        first = self._first_pid
        for pid in key:
            ci, cased, j = self._where[pid - first]
            chosen.setdefault((ci, cased), []).append(j)
        parts: list[tuple[re.Pattern, bool, bool]] = []
        for (ci, cased), places in sorted(chosen.items()):
            c = self.chunks[ci]
            if cased:
                alternation = "|".join(f"(?:{c.cased_list[j]})" for j in places)
                parts.append((re.compile(alternation, c.flags), False, False))
            else:
                rx, capture = _compile_lowered(tuple(c.low_list[j] for j in places), c.low_flags)
                parts.append((rx, capture, True))
        plan = tuple(parts)
        if len(self._plans) >= self.MAX_PLANS:
            self._plans.clear()
        self._plans[key] = plan
        return plan

    def _hits(self, index: TextIndex) -> list[int] | None:
        """Prefilter ids of this group's patterns that may match the indexed text."""
        segs = index._segs
        seg = self.segment
        hits = segs[seg] if seg < len(segs) else None  # type: ignore[arg-type]
        if hits is None:
            hits = index.segment_hits(seg)
        return hits.get(self.id)

    @staticmethod
    def _run(
        plan: tuple[tuple[re.Pattern, bool, bool], ...], text: str, low: str, cap: int
    ) -> list[tuple[int, int]]:
        if len(plan) == 1:
            rx, capture, lowered = plan[0]
            if capture:
                return _scan_spans(rx, low, cap)
            out = []
            for m in rx.finditer(low if lowered else text):
                if m.end() > m.start():
                    out.append(m.span())
                    if len(out) >= cap:
                        break
            return out
        found: list[tuple[int, int]] = []
        parts = 0
        for rx, capture, lowered in plan:
            if capture:
                got = _scan_spans(rx, low)
            else:
                got = [
                    m.span() for m in rx.finditer(low if lowered else text) if m.end() > m.start()
                ]
            if got:
                found.extend(got)
                parts += 1
        # Each part's matches are in order and do not overlap: merging changes nothing
        # unless two parts found some.
        return _merge(found) if parts > 1 else found

    def _open(self, index: TextIndex) -> tuple[_Chunk, ...] | list[_Chunk]:
        if index._segs is not None:
            return self.chunks if self._hits(index) else ()
        if not self._ready:
            self._prepare()
        opened = index._open
        if opened is None or index._open_count != _GROUP_COUNT:
            opened = index.open_groups
        if self.id not in opened:
            return ()
        keys = index._keys
        return [
            c
            for c in self.chunks
            if (c.gate is None or not c.gate.isdisjoint(keys)) and c.could_match(keys)
        ]

    def words_open(self, index: TextIndex) -> bool:
        """Whether the text holds a word (or key) one of the group's patterns needs: the
        word gate alone, also when the text was gated by the prefilter."""
        return self.gate is None or not self.gate.isdisjoint(index.keys)

    def could_match(self, index: TextIndex) -> bool:
        return bool(self._open(index))

    def search(self, text: str, index: TextIndex) -> bool:
        if index._segs is not None:
            pids = self._hits(index)
            if pids is None:
                return False
            low = index.lower
            for rx, _, lowered in self._plan(pids):
                if rx.search(low if lowered else text) is not None:
                    return True
            return False
        if not self._ready:
            self._prepare()
        fast = self._fast
        if fast is not None:
            opened = index._open
            if opened is None or index._open_count != _GROUP_COUNT:
                opened = index.open_groups
            if self.id not in opened:
                return False
            picked = fast.pick(index._keys)
            return picked is not None and picked[0].search(index.lower) is not None
        for c in self._open(index):
            if c.lowered is not None and c.lowered.search(index.lower):
                return True
            if c.cased is not None and c.cased.search(text):
                return True
        return False

    def finditer(self, text: str, index: TextIndex) -> list[Hit]:
        """Non-overlapping matches, leftmost first (longest on ties).

        Offsets index ``text``; take evidence as ``text[m.start():m.end()]``.
        """
        return [Hit(s, e) for s, e in self.spans(text, index)]

    def spans(self, text: str, index: TextIndex) -> list[tuple[int, int]]:
        """``(start, end)`` of each match ``finditer`` gives."""
        if index._segs is not None:
            pids = self._hits(index)
            if pids is None:
                return []
            return self._run(self._plan(pids), text, index.lower, 1 << 30)
        if not self._ready:
            self._prepare()
        fast = self._fast
        if fast is not None:
            opened = index._open
            if opened is None or index._open_count != _GROUP_COUNT:
                opened = index.open_groups
            if self.id not in opened:
                return []
            picked = fast.pick(index._keys)
            if picked is None:
                return []
            rx, capture = picked
            if capture:
                return _scan_spans(rx, index.lower)
            return [m.span() for m in rx.finditer(index.lower) if m.end() > m.start()]
        opened = index._open
        if opened is None or index._open_count != _GROUP_COUNT:
            opened = index.open_groups
        if self.id not in opened:
            return []
        keys = index._keys
        found: list[tuple[int, int]] = []
        parts = 0
        for c in self.chunks:
            if c.gate is not None and c.gate.isdisjoint(keys):
                continue
            if c.cased is None:
                picked = c.pick(keys)  # None when no pattern of the chunk can match
                if picked is None:
                    continue
                rx, capture = picked
            elif c.could_match(keys):
                rx, capture = c.lowered, c.capture
            else:
                continue
            if rx is not None:
                if capture:
                    found.extend(_scan_spans(rx, index.lower))
                else:
                    found.extend(m.span() for m in rx.finditer(index.lower) if m.end() > m.start())
                parts += 1
            if c.cased is not None:
                found.extend(m.span() for m in c.cased.finditer(text) if m.end() > m.start())
                parts += 1
        return _merge(found) if parts > 1 and len(found) > 1 else found

    def count(self, text: str, index: TextIndex, cap: int) -> int:
        """Number of matches, stopping at ``cap``."""
        if index._segs is not None:
            pids = self._hits(index)
            if pids is None:
                return 0
            return min(cap, len(self._run(self._plan(pids), text, index.lower, cap)))
        if not self._ready:
            self._prepare()
        fast = self._fast
        if fast is None:
            return min(cap, len(self.spans(text, index)))
        if self.id not in index.open_groups:
            return 0
        picked = fast.pick(index._keys)
        if picked is None:
            return 0
        rx, capture = picked
        if capture:
            return len(_scan_spans(rx, index.lower, cap))
        n = 0
        for m in rx.finditer(index.lower):
            if m.end() > m.start():
                n += 1
                if n >= cap:
                    break
        return n


def _merge(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    found.sort(key=lambda m: (m[0], -m[1]))
    kept: list[tuple[int, int]] = []
    end = -1
    for m in found:
        if m[0] >= end:
            kept.append(m)
            end = m[1]
    return kept


class Scanner:
    """One case-insensitive pattern, run like ``PatternGroup`` chunks but without word gates.

    When the pattern has no case-sensitive part it runs on the lower-cased text (pass
    ``lower_same_length(folded)`` as ``low``), in capture form when its first characters are
    known; otherwise it runs as written on ``folded``. ``spans`` equals
    ``[m.span() for m in re.finditer(pattern, folded, FLAGS) if m.end() > m.start()]``.

    >>> s = Scanner(r"\\b(?:so|very)\\b")
    >>> t = "So very tired"
    >>> s.spans(t, lower_same_length(t))
    [(0, 2), (3, 7)]
    """

    __slots__ = ("rx", "lowered", "capture")

    def __init__(self, pattern: str, flags: int = FLAGS) -> None:
        seq = list(P.parse(pattern, flags))
        self.lowered = bool(flags & re.IGNORECASE) and not _case_sensitive_part(seq)
        self.capture = False
        if not self.lowered:
            self.rx = re.compile(pattern, flags)
            return
        low = lower_pattern(pattern)
        low_flags = flags & ~re.IGNORECASE
        first = _first_class([low], low_flags)
        if first is None:
            self.rx = re.compile(low, low_flags)
            return
        at_word = _starts_at_boundary(list(P.parse(low, low_flags)))
        self.rx = re.compile(
            first + (r"(?<=\b.)" if at_word else "") + f"(?<=(?=({low})){first})", low_flags
        )
        self.capture = True

    def spans(self, folded: str, low: str, cap: int = 1 << 30) -> list[tuple[int, int]]:
        if self.capture:
            return _scan_spans(self.rx, low, cap)
        out = []
        for m in self.rx.finditer(low if self.lowered else folded):
            if m.end() > m.start():
                out.append(m.span())
                if len(out) >= cap:
                    break
        return out

    def search(self, folded: str, low: str) -> bool:
        """Whether ``re.search(pattern, folded, FLAGS)`` finds a match."""
        return self.rx.search(low if self.lowered else folded) is not None


def case_sensitive(pattern: str, flags: int = FLAGS) -> bool:
    """Whether a pattern has a part that must not run on lower-cased text."""
    return not flags & re.IGNORECASE or _case_sensitive_part(list(P.parse(pattern, flags)))


def first_class(patterns: list[str], flags: int) -> str | None:
    """A class of every first character of the patterns' matches (None: unknown, or empty)."""
    return _first_class(patterns, flags)


def starts_at_boundary(pattern: str, flags: int = 0) -> bool:
    """Whether every match of ``pattern`` starts with ``\\b``."""
    return _starts_at_boundary(list(P.parse(pattern, flags)))
