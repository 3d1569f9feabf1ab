"""From bytes to the stored text, and the stored text's paragraphs.

The stored text is the input decoded as UTF-8 (BOM dropped), CR/CRLF turned into LF,
and put in Unicode NFC; nothing else changes. Every offset in Hashiya is a code-point
offset into this stored text, so these few rules must never change silently.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any


class TextError(ValueError):
    """Input that cannot become an article's text; the message is one line."""


def decode(data: bytes) -> str:
    """UTF-8 bytes to a str, BOM dropped. Rejects binary data and bad UTF-8 with the byte offset."""
    if data.find(b"\x00", 0, 65536) != -1:
        raise TextError(f"binary data (NUL byte at offset {data.index(0)})")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TextError(f"not UTF-8 (invalid byte at offset {exc.start})") from None


def normalize(text: str) -> str:
    """The stored form: CR/CRLF → LF, BOM dropped, NFC."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:  # one quick scan where most text has none
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def paragraph_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each paragraph: every non-blank line, surrounding spaces left out.

    Articles use both blank-line-separated paragraphs and one paragraph per line, so a
    paragraph is a line; blank lines only separate.
    """
    # Lines split at LF only; other line-like whitespace (VT, FF, U+2028) is stripped at
    # the ends like a space. str methods, not a regex: a quarter less time; a line with
    # nothing to strip (`strip` gives the line itself) needs no second look.
    spans: list[tuple[int, int]] = []
    append = spans.append
    pos = 0
    for line in text.split("\n"):
        n = len(line)
        if n:
            body = line.strip()
            if body is line:
                append((pos, pos + n))
            elif body:
                start = pos + n - len(line.lstrip())
                append((start, start + len(body)))
        pos += n + 1
    return tuple(spans)


def is_blank(text: str) -> bool:
    """Empty or all whitespace (as `not text.strip()`, without copying the text)."""
    return not text or text.isspace()


# Control characters that must never reach a terminal raw: C0 but tab/newline, DEL, C1.
_CONTROL_PICTURES = {0x1B: "␛", 0x7F: "␡"}


def control_picture(ch: str) -> str | None:
    """The visible stand-in for a control character, or None if `ch` is not one."""
    code = ord(ch)
    if code in _CONTROL_PICTURES:
        return _CONTROL_PICTURES[code]
    if code < 0x20 and ch not in "\t\n":
        return chr(0x2400 + code)  # the Control Pictures block: ␀ ␁ ...
    if 0x80 <= code < 0xA0:
        return "�"
    return None


# Bidi embeddings, overrides and isolates: applied by the layout, and drawn where they
# start and end as these pictures (one cell each) unless the user hides them. Arrows
# point the way the control sets the text; dashed: embedding, paired: override, to a
# bar: isolate; the pops point up.
BIDI_CONTROL_PICTURES: dict[str, str] = {
    "\u202a": "\u21e2",  # LRE ⇢
    "\u202b": "\u21e0",  # RLE ⇠
    "\u202d": "\u21c9",  # LRO ⇉
    "\u202e": "\u21c7",  # RLO ⇇
    "\u202c": "\u21e1",  # PDF ⇡
    "\u2066": "\u21e5",  # LRI ⇥
    "\u2067": "\u21e4",  # RLI ⇤
    "\u2068": "\u21f9",  # FSI ⇹
    "\u2069": "\u2912",  # PDI ⤒
}


def bidi_control_picture(ch: str) -> str | None:
    """The visible mark for a bidi embedding, override or isolate, or None."""
    return BIDI_CONTROL_PICTURES.get(ch)


def is_tag_character(ch: str) -> bool:
    """U+E0000–U+E007F: invisible tags (they can smuggle text past a reader)."""
    return "\U000e0000" <= ch <= "\U000e007f"


# Every character `printable` shows otherwise or `check_name` may object to: text
# without any passes both at once.
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, lines: bool = False, keep_bidi: bool = False) -> str:
    """`text` with control characters shown as pictures and tabs/newlines as spaces.

    For output of strings from data (titles, sources, names, labels, file names) on a
    terminal. Explicit bidi controls are shown as pictures too: applied raw they would
    reorder the rest of the line out of sight. With `lines=True` newlines are kept, for
    text of several lines (a report, a message naming a file). With `keep_bidi=True` the
    bidi controls are left in, for the layout engine, which applies them and draws a
    mark where each starts and ends.
    """
    if not _SUSPECT.search(text):  # the usual case: nothing to show differently
        return text
    out = []
    for ch in text:
        if ch == "\n" and lines:
            out.append(ch)
            continue
        if ch in "\t\n":
            out.append(" ")
            continue
        picture = control_picture(ch)
        if picture is None and not keep_bidi:
            picture = bidi_control_picture(ch)
        out.append(picture if picture is not None else ch)
    return "".join(out)


# The short names of the bidi controls, for messages.
BIDI_CONTROL_NAMES = {
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u202c": "PDF",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}
_ISOLATE_OPENERS = frozenset("\u2066\u2067\u2068")
_PDI = "\u2069"
_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x09: "TAB", 0x0A: "LF", 0x0D: "CR"}
_CONTROL_NAMES |= {0x1B: "ESC", 0x7F: "DEL", 0x85: "NEL", 0x9B: "CSI", 0x9D: "OSC"}


def check_name(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` cannot be a name or a label, or None when it can.

    Annotator and actor names, schema labels and descriptions, and config values are
    shown on a line of the terminal and the app, so they may not hold control characters
    (C0, DEL, C1; tabs and newlines only where `multiline`), line or paragraph
    separators, or bidi embeddings and overrides (LRE RLE LRO RLO PDF), which reorder
    what follows them out of sight. Isolates (LRI RLI FSI ... PDI) keep a name of mixed
    direction in one piece and are allowed in pairs. The reason is one short phrase.
    """
    if not _SUSPECT.search(value):
        return None
    open_isolates: list[int] = []
    for index, ch in enumerate(value):
        code = ord(ch)
        at = f"at character {index + 1}"
        if multiline and ch in "\t\n":
            continue
        if code < 0x20 or 0x7F <= code < 0xA0:
            name = _CONTROL_NAMES.get(code)
            shown = f"U+{code:04X}" + (f" ({name})" if name else "")
            return f"control character {shown} {at}"
        if ch in "\u2028\u2029":
            return f"line separator U+{code:04X} {at}"
        if ch in _ISOLATE_OPENERS:
            open_isolates.append(index)
        elif ch == _PDI:
            if not open_isolates:
                return f"bidi control U+2069 (PDI) {at} closes no isolate"
            open_isolates.pop()
        elif ch in BIDI_CONTROL_NAMES:
            return f"bidi control U+{code:04X} ({BIDI_CONTROL_NAMES[ch]}) {at}"
    if open_isolates:
        index = open_isolates[0]
        ch = value[index]
        return (
            f"bidi control U+{ord(ch):04X} ({BIDI_CONTROL_NAMES[ch]}) at character {index + 1}"
            " is never closed by a PDI"
        )
    return None


# What json.dumps(ensure_ascii=False) leaves raw that a terminal would act on: DEL, C1,
# line separators and the bidi controls (C0 it escapes itself).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable_json(value: Any, *, indent: int | None = None) -> str:
    """`value` as JSON for a terminal: Arabic as UTF-8 text, every control character
    (C0, DEL, C1) and bidi control escaped as \\uXXXX, so it is still the same JSON value."""
    return escape_json_text(json.dumps(value, ensure_ascii=False, indent=indent))


def escape_json_text(text: str) -> str:
    """JSON text (as json.dumps writes it) with DEL, C1, line separators and bidi controls
    escaped as \\uXXXX: the same JSON value, nothing a terminal acts on.

    Outside strings JSON text is ASCII, so these characters only occur inside strings,
    where the escape means the character itself.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 article", "2 articles", "1,204 articles": a count with its noun agreeing."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"
