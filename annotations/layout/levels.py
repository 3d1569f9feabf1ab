"""Paragraph direction (UAX #9 P2/P3) and resolved embedding levels (X1–I2).

The levels come from python-bidi 0.6, whose Rust core (the unicode-bidi crate) passes
all of BidiCharacterTest but has no public API for them: ``get_display(text,
debug=True)`` returns the crate's ``BidiInfo`` debug dump instead of the display
string, and that dump lists the resolved levels, before rule L1, one per UTF-8 byte.
We read them from there and keep one per code point. The dump is checked (one level
per byte, every byte of a character at the same level), and anything unexpected
raises `LevelsError` rather than laying text out wrong.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import compress

from bidi import get_display


class LevelsError(RuntimeError):
    """python-bidi's debug output was not what this module understands."""


_STRONG = {"L": False, "R": True, "AL": True}
_ISOLATE_INITIATORS = frozenset({"LRI", "RLI", "FSI"})
# The text field of the dump (a Rust-escaped string) and the levels list after it.
_TEXT_FIELD = re.compile(r'text: "(?:[^"\\]|\\.)*"', re.DOTALL)
_LEVELS_START = re.compile(r"levels: \[")
_PRETTY_LEVELS = "\n    levels: ["
_LEVELS_END = re.compile(r"\]\s*,\s*paragraphs: \[")
_LEVEL = re.compile(r"Level\(\s*(\d+)")
_SURROGATES = re.compile("[\ud800-\udfff]")
# bytes.translate table: 1 for a byte that starts a UTF-8 sequence, 0 for a continuation.
_FIRST_BYTES = bytes(0 if 0x80 <= byte < 0xC0 else 1 for byte in range(256))


def first_strong_is_rtl(text: str) -> bool | None:
    """P2/P3: True if the first strong character is R or AL, False if L, None if none.

    Characters between an isolate initiator and its matching PDI (or the end) are
    skipped. The whole text counts as one paragraph: a newline in it does not stop the
    search (the layout gives one direction to everything it lays out together).
    """
    depth = 0
    bidirectional = unicodedata.bidirectional
    for ch in text:
        cls = bidirectional(ch)
        if cls in _ISOLATE_INITIATORS:
            depth += 1
        elif cls == "PDI":
            if depth:
                depth -= 1
        elif depth == 0 and cls in _STRONG:
            return _STRONG[cls]
    return None


# Classes that can put a character of an RTL (LTR) paragraph above the paragraph level;
# "" is a character this Python's Unicode does not know: the engine may.
_EXPLICIT = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", ""}
_NOT_ALL_RTL = frozenset({"L", "EN", "AN"} | _EXPLICIT)
_NOT_ALL_LTR = frozenset({"R", "AL", "AN"} | _EXPLICIT)


def uniform_level(classes: set[str], rtl: bool) -> int | None:
    """The level of every character, if the bidi classes present make it a constant.

    An RTL paragraph with no L, EN, AN nor explicit formatting is all at level 1: its
    neutrals (and NSM, separators, terminators) fall between R's or the paragraph's R
    edges (W1–W7, N1–N2). Likewise an LTR paragraph with no R, AL, AN nor explicit
    formatting is all at level 0 (its EN become L by W7). Most news paragraphs are one
    or the other, and need no call to the engine.
    """
    if rtl:
        return 1 if classes.isdisjoint(_NOT_ALL_RTL) else None
    return 0 if classes.isdisjoint(_NOT_ALL_LTR) else None


def resolve_levels(text: str, rtl: bool, classes: set[str] | None = None) -> list[int]:
    """The resolved embedding level of every code point of `text` (before L1).

    The paragraph level is forced to 1 if `rtl` else 0. Characters removed by rule X9
    (explicit formatting, BN) get whatever level the engine gives them: they are never
    drawn, so it does not matter. `classes`, the set of the bidi classes in `text`,
    allows the shortcut of `uniform_level`.
    """
    if not text:
        return []
    if classes is not None:
        level = uniform_level(classes, rtl)
        if level is not None:
            return [level] * len(text)
    safe = _SURROGATES.sub("\ufffd", text)  # lone surrogates cannot be encoded
    dump = get_display(safe, base_dir="R" if rtl else "L", debug=True)
    if not isinstance(dump, str):  # pragma: no cover - str in, str out
        raise LevelsError("python-bidi returned bytes for a str")
    # In the pretty dump a field starts on a line of its own, and newlines in the text
    # field are escaped, so this cannot be found inside the text; else skip the text.
    begin = dump.find(_PRETTY_LEVELS)
    if begin >= 0:
        begin += len(_PRETTY_LEVELS)
    else:
        text_field = _TEXT_FIELD.search(dump)
        start = _LEVELS_START.search(dump, text_field.end()) if text_field else None
        if start is None:
            raise LevelsError("no levels in python-bidi's debug output")
        begin = start.end()
    end = _LEVELS_END.search(dump, begin)
    if end is None:
        raise LevelsError("no end to the levels in python-bidi's debug output")
    per_byte = _LEVEL.findall(dump, begin, end.start())
    encoded_length = len(safe.encode("utf-8"))
    if len(per_byte) != encoded_length:
        raise LevelsError(
            f"python-bidi gave {len(per_byte)} levels for {encoded_length} UTF-8 bytes"
        )
    if safe.isascii():
        return list(map(int, per_byte))
    # One level per character: those of its first and of its last byte, which must agree.
    data = safe.encode("utf-8")
    first_bytes = data.translate(_FIRST_BYTES)
    last_bytes = first_bytes[1:] + b"\x01"
    at_first = list(compress(per_byte, first_bytes))
    if at_first != list(compress(per_byte, last_bytes)):
        raise LevelsError("bytes of one character at different levels in python-bidi's output")
    return list(map(int, at_first))
