"""A small TOML writer for the shapes our content uses.

The standard library reads TOML (``tomllib``) but does not write it. Our content is plain:
tables, arrays of tables, strings, integers, floats, booleans and arrays of those. This
writer covers exactly that and refuses anything else, so an export can never silently drop
or mangle a value.

>>> print(dumps({"deck": {"id": "money", "tags": ["a", "b"]}}).strip())
[deck]
id = "money"
tags = ["a", "b"]
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
# Arrays longer than this on one line are broken into one item per line for review diffs.
_INLINE_WIDTH = 88


def dumps(data: Mapping[str, object]) -> str:
    """Return TOML text for ``data`` (a mapping of str keys)."""
    lines: list[str] = []
    _emit_table(lines, (), data)
    return "\n".join(lines).strip("\n") + "\n"


def _emit_table(lines: list[str], path: tuple[str, ...], table: Mapping[str, object]) -> None:
    scalars: list[tuple[str, object]] = []
    subtables: list[tuple[str, Mapping[str, object]]] = []
    table_arrays: list[tuple[str, Sequence[Mapping[str, object]]]] = []
    for key, value in table.items():
        if not isinstance(key, str):
            raise TypeError(f"TOML keys must be strings, got {key!r}")
        if isinstance(value, Mapping):
            subtables.append((key, value))
        elif _is_table_array(value):
            table_arrays.append((key, value))  # type: ignore[arg-type]
        else:
            scalars.append((key, value))
    for key, value in scalars:
        lines.append(f"{_key(key)} = {_value(value, key)}")
    for key, sub in subtables:
        lines.append("")
        lines.append(f"[{_dotted(path + (key,))}]")
        _emit_table(lines, path + (key,), sub)
    for key, items in table_arrays:
        for item in items:
            lines.append("")
            lines.append(f"[[{_dotted(path + (key,))}]]")
            _emit_table(lines, path + (key,), item)


def _is_table_array(value: object) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) > 0
        and all(isinstance(item, Mapping) for item in value)
    )


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(_key(part) for part in path)


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _value(value: object, key: str) -> str:
    # bool before int: bool is a subclass of int.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"{key}: NaN and infinity are not allowed in content files")
        return repr(value)
    if isinstance(value, str):
        return _multiline(value) if "\n" in value.strip("\n") else _string(value)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_key(k)} = {_value(v, k)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list | tuple):
        items = [_value(item, key) for item in value]
        one_line = "[" + ", ".join(items) + "]"
        if len(one_line) + len(key) + 3 <= _INLINE_WIDTH:
            return one_line
        return "[\n" + "".join(f"  {item},\n" for item in items) + "]"
    raise TypeError(f"{key}: cannot write a value of type {type(value).__name__} to TOML")


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\b": "\\b",
    "\f": "\\f",
}


def _string(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            # TOML forbids raw control characters inside basic strings.
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _multiline(text: str) -> str:
    # Multi-line basic string: newlines stay readable in review; quotes and backslashes are
    # escaped so no run of three quotes can close the string early.
    out = []
    for char in text:
        if char == "\n":
            out.append("\n")
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    # The newline right after the opening quotes is dropped by TOML readers.
    return '"""\n' + "".join(out) + '"""'
