"""What each character is to the layout: its kind, its width in cells, what is drawn for it.

Decisions (docs/layout.md explains them):

- Letters, digits, punctuation: one cell, two for East Asian Wide/Fullwidth.
- Combining marks (Mn, Me: Arabic harakat, accents, variation selectors) take no cell:
  they join the cell of the character before them. A mark with nothing to join (at the
  start, after a space or a control, or at another bidi level) is drawn on a dotted
  circle, ``◌`` + mark, in a cell of its own.
- Invisible format characters (bidi class BN that are not controls: ZWJ, ZWNJ, ZWSP,
  word joiner, soft hyphen, BOM, tags) take no cell either: they join the cell before
  them without being drawn, or are not drawn at all if there is none.
- Bidi formatting characters (LRE RLE LRO RLO PDF LRI RLI FSI PDI) and marks (LRM RLM
  ALM) do their work in the algorithm. The embeddings, overrides and isolates are also
  drawn, as a mark (`picture`) in a cell of their own, unless the layout is asked to
  hide them: text that reorders itself must not look like ordinary text. The marks
  LRM RLM ALM are never drawn (they reorder nothing by themselves and are common in
  Arabic text). The isolates and marks are not removed by rule X9: they have a level
  and take part in reordering (L1, L2); undrawn, as cells of no width then left out.
- Control characters (C0 but tab and newline, DEL, C1, and lone surrogates) are drawn
  as a visible picture (``␛`` for ESC), never raw.
- Tab and the breaking spaces are spaces: a line may break there. They are drawn as one
  plain space (U+3000 IDEOGRAPHIC SPACE as itself, two cells).
- Newline, LINE SEPARATOR and PARAGRAPH SEPARATOR force a line break and are not drawn.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from threading import Lock
from typing import Final, NamedTuple

from bidi.mirror import MIRRORED

from annotations.layout.shaping import JOINING
from annotations.text import bidi_control_picture, control_picture

# Kinds of character. The first four start a cell.
BASE: Final = 0  # starts a cell of its own
SPACE: Final = 1  # a breaking space: starts a cell, and a line may break at it
CONTROL: Final = 2  # a control character: a cell showing its picture
HIDDEN: Final = 3  # an isolate or bidi mark: a cell of no width (reordered), never drawn
MARK: Final = 4  # a combining mark: drawn in the cell before it
INVISIBLE: Final = 5  # an invisible format character: in the cell before it, not drawn
REMOVED: Final = 6  # an embedding, override or PDF (removed by rule X9): never drawn
BREAK: Final = 7  # newline / LS / PS: ends the line, not drawn

EMBEDDINGS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e")  # LRE RLE PDF LRO RLO
PDF: Final = "\u202c"
ISOLATES_AND_MARKS: Final = frozenset(
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
    "\u200e\u200f\u061c"  # LRM RLM ALM
)
BIDI_FORMATTING: Final = EMBEDDINGS | ISOLATES_AND_MARKS
HARD_BREAKS: Final = frozenset("\n\u2028\u2029")
BREAKING_SPACES: Final = frozenset(
    " \t\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000"
)
ZWJ: Final = "\u200d"
DOTTED_CIRCLE: Final = "\u25cc"

# Bidi classes that rule L1 resets to the paragraph level at a line end (with X9's
# removed characters, which are never cells here).
WHITESPACE_CLASSES: Final = frozenset({"WS", "S", "B", "LRI", "RLI", "FSI", "PDI"})
# Classes L1 also resets before a segment or paragraph separator.
L1_TRANSPARENT: Final = WHITESPACE_CLASSES | {
    "BN",
    "LRE",
    "RLE",
    "LRO",
    "RLO",
    "PDF",
}


# Classes X9 removes: never a cell unless drawn as a mark.
X9_REMOVED_CLASSES: Final = frozenset({"BN", "LRE", "RLE", "LRO", "RLO", "PDF"})


class CharInfo(NamedTuple):
    kind: int
    width: int  # cells: 0 for the kinds that do not start a cell, and HIDDEN
    drawn: str  # what a cell shows for it ("" for the zero-width kinds)
    bidi_class: str  # unicodedata.bidirectional
    whitespace: bool  # reset to the paragraph level by L1 at a line end
    picture: str = ""  # the mark drawn for an embedding, override or isolate


_CACHE: dict[str, CharInfo] = {}
# Characters of bidi class S or B (segment and paragraph separators) in Unicode 14.
_SEPARATORS = re.compile("[\t\n\x0b\x0d\x1c-\x1f\x85\u2029]")


def char_info(ch: str) -> CharInfo:
    """The layout's view of one character (memoised: texts use few distinct ones)."""
    info = _CACHE.get(ch)
    if info is None:
        info = _CACHE[ch] = _classify(ch)
    return info


def clear_cache() -> None:
    """Forget the characters seen so far (for measurements)."""
    _CACHE.clear()
    _PROFILES.clear()
    _BLOCK_TABLES.clear()


def char_infos(text: str) -> list[CharInfo]:
    """`char_info` of every character of `text`."""
    infos = list(map(_CACHE.get, text))
    if None in infos:
        return [char_info(ch) for ch in text]
    return infos  # type: ignore[return-value]  # no None left


# Each character's profile as one byte (`profile`): a text becomes bytes in one pass,
# and bytes.translate turns those into what a bulk path needs, a byte per character:
# its layout code (LAYOUT_OF) or its bidi class (BIDI_OF, letters of CLASS_LETTERS).
# Layout codes of plain text (letters, breaking spaces, marks; anything else is x):
# b/B a base of one cell (B: whitespace to L1), w/W of two cells, j an Arabic letter
# (joins), r/R a mirrored character (one/two cells), s U+0020, t another breaking
# space, S U+3000, m a combining mark (no cell of its own).
CLASS_LETTERS: Final = {
    "L": "L", "R": "R", "AL": "A", "EN": "E", "ES": "s", "ET": "t", "AN": "N", "CS": "c",
    "NSM": "m", "BN": "b", "B": "B", "S": "S", "WS": "w", "ON": "o", "LRE": "1",
    "LRO": "2", "RLE": "3", "RLO": "4", "PDF": "5", "LRI": "6", "RLI": "7", "FSI": "8",
    "PDI": "9",
}  # fmt: skip
UNKNOWN_CLASS: Final = "?"  # a character this Python's Unicode does not know
MARK_CODE: Final = b"m"[0]
LAYOUT_OF = bytearray(b"x" * 256)  # profile byte -> layout code
BIDI_OF = bytearray(UNKNOWN_CLASS.encode() * 256)  # profile byte -> class letter
_PROFILE_BYTES: dict[tuple[str, str], str] = {}
_PROFILE_LOCK = Lock()


def _layout_code(ch: str) -> str:
    info = char_info(ch)
    kind, width = info.kind, info.width
    if kind == MARK:
        return "m"
    if kind == SPACE:
        if width == 2:
            return "S"
        return "s" if ch == " " else "t"
    if kind != BASE:
        return "x"
    if ch in MIRRORS:
        return "R" if width == 2 else "r"
    if ch in JOINING:
        return "j"
    code = "w" if width == 2 else "b"
    return code.upper() if info.whitespace else code


class _Profiles(dict[int, str]):
    """A str.translate table: code point -> its profile byte (as a character), made
    when first met."""

    def __missing__(self, code_point: int) -> str:
        ch = chr(code_point)
        key = (_layout_code(ch), CLASS_LETTERS.get(unicodedata.bidirectional(ch), UNKNOWN_CLASS))
        with _PROFILE_LOCK:
            byte = _PROFILE_BYTES.get(key)
            if byte is None:
                if len(_PROFILE_BYTES) >= 255:  # never seen: 0 is x and unknown
                    byte = "\x00"
                else:
                    byte = chr(len(_PROFILE_BYTES) + 1)
                    LAYOUT_OF[ord(byte)] = ord(key[0])
                    BIDI_OF[ord(byte)] = ord(key[1])
                    _PROFILE_BYTES[key] = byte
            self[code_point] = byte
        return byte


_PROFILES = _Profiles()


# Text of a few 256-character blocks of the BMP (Arabic with ASCII, Latin-1 and some
# punctuation: news) is profiled with bytes methods over its UTF-16 code units: the low
# bytes through a table per block, the high bytes saying which table applies. A
# str.translate over a mapping makes an int per character, which costs ten times more.
_BLOCK_TABLES: dict[int, bytes] = {}  # high byte -> the profile byte of each low byte
# Shorter texts (titles, names: what the first screen shows) are profiled a character
# at a time: a block's table classifies 256 characters, most of which a title lacks.
_BULK_PROFILE: Final = 128
_MOST_BLOCKS: Final = 4  # more blocks than this in one text (or one beyond the BMP): str.translate


def _block_table(high: int) -> bytes:
    table = _BLOCK_TABLES.get(high)
    if table is None:
        base = high << 8
        table = "".join([_PROFILES[base + low] for low in range(256)]).encode("latin-1")
        _BLOCK_TABLES[high] = table
    return table


def profile(text: str) -> bytes:
    """The profile byte of every character of `text` (see LAYOUT_OF, BIDI_OF)."""
    if len(text) < _BULK_PROFILE:  # a title, a name: not worth a block's table
        return text.translate(_PROFILES).encode("latin-1")
    if text.isascii():
        return text.encode("ascii").translate(_block_table(0))
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) != 2 * len(text):  # a character beyond the BMP: a surrogate pair
        return text.translate(_PROFILES).encode("latin-1")
    high = units[1::2]
    low = units[0::2]
    first = high[0]
    rest = high.translate(None, bytes((first,)))
    if not rest:
        return low.translate(_block_table(first))
    blocks = [first]
    while rest and len(blocks) < _MOST_BLOCKS:
        blocks.append(rest[0])
        rest = rest.translate(None, bytes((rest[0],)))
    if rest:
        return text.translate(_PROFILES).encode("latin-1")
    combined = 0
    for block in blocks:
        is_block = bytes(block) + b"\xff" + bytes(255 - block)  # 0xFF at `block`, else 0
        in_block = int.from_bytes(high.translate(is_block), "little")
        combined |= int.from_bytes(low.translate(_block_table(block)), "little") & in_block
    return combined.to_bytes(len(low), "little")


# bytes.translate tables over layout codes: 1 for a character that starts a cell / is a
# breaking space / is whitespace to L1; its cell's width.
STARTS_CELL: Final = bytes(0 if byte == MARK_CODE else 1 for byte in range(256))
IS_SPACE: Final = bytes(1 if chr(byte) in "stS" else 0 for byte in range(256))
IS_WHITESPACE: Final = bytes(1 if chr(byte) in "BWstS" else 0 for byte in range(256))
WIDTH_OF_CODE: Final = bytes(2 if chr(byte) in "wWSR" else 1 for byte in range(256))
MIRROR_CODES = re.compile(b"[rR]")
# What a breaking space is drawn as (one plain space but U+3000, itself).
SPACES_DRAWN: Final = {ord(ch): " " for ch in BREAKING_SPACES if ch not in (" ", "\u3000")}


def has_separators(text: str) -> bool:
    """True if `text` has a character of bidi class S or B (tab, newline...)."""
    return _SEPARATORS.search(text) is not None


def separator_positions(text: str) -> Iterator[int]:
    """Offsets of the characters of bidi class S or B."""
    return (match.start() for match in _SEPARATORS.finditer(text))


_EMBEDDINGS = re.compile("[\u202a-\u202e]")


def has_embeddings(text: str) -> bool:
    """True if `text` has an LRE, RLE, PDF, LRO or RLO."""
    return _EMBEDDINGS.search(text) is not None


def embedding_positions(text: str) -> Iterator[int]:
    """Offsets of the LRE, RLE, PDF, LRO and RLO in `text`."""
    return (match.start() for match in _EMBEDDINGS.finditer(text))


def bidi_class(ch: str) -> str:
    """`unicodedata.bidirectional`, memoised."""
    return char_info(ch).bidi_class


def _classify(ch: str) -> CharInfo:
    code = ord(ch)
    bidi_class = unicodedata.bidirectional(ch)
    whitespace = bidi_class in WHITESPACE_CLASSES
    if ch in HARD_BREAKS:
        return CharInfo(BREAK, 0, "", bidi_class, whitespace)
    if ch in BREAKING_SPACES:
        wide = ch == "\u3000"
        return CharInfo(SPACE, 2 if wide else 1, ch if wide else " ", bidi_class, whitespace)
    if ch in EMBEDDINGS:
        return CharInfo(REMOVED, 0, "", bidi_class, whitespace, bidi_control_picture(ch) or "")
    if ch in ISOLATES_AND_MARKS:
        return CharInfo(HIDDEN, 0, "", bidi_class, whitespace, bidi_control_picture(ch) or "")
    picture = control_picture(ch)
    if picture is not None:
        return CharInfo(CONTROL, 1, picture, bidi_class, whitespace)
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate cannot even be encoded
        return CharInfo(CONTROL, 1, "\ufffd", "L", False)
    category = unicodedata.category(ch)
    if category in ("Mn", "Me"):
        return CharInfo(MARK, 0, ch, bidi_class, whitespace)
    if bidi_class == "BN":
        return CharInfo(INVISIBLE, 0, "", bidi_class, whitespace)
    width = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return CharInfo(BASE, width, ch, bidi_class, whitespace)


# Characters that L4 may change.
MIRRORS: Final = frozenset(ch for ch in MIRRORED if unicodedata.mirrored(ch))


def mirrored(ch: str) -> str:
    """Rule L4: the Bidi_Mirroring_Glyph of `ch`, or `ch` itself.

    Characters that are Bidi_Mirrored without a mirror glyph (∑, ∛...) stay as they are:
    a terminal has no way to draw them mirrored.
    """
    glyph = MIRRORED.get(ch)
    if glyph is not None and unicodedata.mirrored(ch):
        return glyph
    return ch


def cell_width(text: str) -> int:
    """Terminal columns `text` takes when drawn as it is (marks and invisibles take none)."""
    return sum(char_info(ch).width for ch in text)
