"""From bytes to the stored text, and the stored text's paragraphs.

The stored text is the input decoded as UTF-8 (BOM dropped), CR/CRLF turned into LF,
and put in Unicode NFC; nothing else changes. Every offset in Hashiya is a code-point
offset into this stored text, so these few rules must never change silently.
"""

from __future__ import annotations

import re
import unicodedata


class TextError(ValueError):
    """Input that cannot become an article's text; the message is one line."""


def decode(data: bytes) -> str:
    """UTF-8 bytes to a str, BOM dropped. Rejects binary data and bad UTF-8 with the byte offset."""
    if b"\x00" in data[:65536]:
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
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


_PARAGRAPH = re.compile(r"[^\S\n]*(\S(?:[^\n]*\S)?)[^\S\n]*")


def paragraph_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each paragraph: every non-blank line, surrounding spaces left out.

    Articles use both blank-line-separated paragraphs and one paragraph per line, so a
    paragraph is a line; blank lines only separate.
    """
    return tuple(m.span(1) for m in _PARAGRAPH.finditer(text))


def is_blank(text: str) -> bool:
    return not text.strip()


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


def printable(text: str) -> str:
    """`text` with control characters shown as pictures and tabs/newlines as spaces.

    For one-line output of article fields (titles, sources) on a terminal.
    """
    out = []
    for ch in text:
        if ch in "\t\n":
            out.append(" ")
            continue
        picture = control_picture(ch)
        out.append(picture if picture is not None else ch)
    return "".join(out)
