"""Paragraph direction (UAX #9 P2/P3) and resolved embedding levels (X1–I2).

Text without explicit embeddings, overrides or isolates (news: Arabic with Latin names,
numbers and brackets) is resolved here, by `simple_levels`: W1–W7, N0–N2 and I1–I2 as
substitutions over a string of bidi classes. The rest goes to python-bidi 0.6, whose
Rust core (the unicode-bidi crate) passes all of BidiCharacterTest but has no public
API for levels: ``get_display(text, debug=True)`` returns the crate's ``BidiInfo``
debug dump instead of the display string, and that dump lists the resolved levels,
before rule L1, one per UTF-8 byte. We read them from there and keep one per code
point. The dump is checked (one level per byte, every byte of a character at the same
level), and anything unexpected raises `LevelsError` rather than laying text out wrong.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from itertools import compress
from typing import Final

from bidi import get_display
from bidi.mirror import MIRRORED

from annotations.layout import chars


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


# -- a long paragraph, in pieces ------------------------------------------------------

# Pieces of about this many characters go to the engine one at a time, so the debug
# dump (some 40 characters per UTF-8 byte) stays small whatever the paragraph's size.
CHUNK: Final = 512
_EXPLICIT_OR_SEPARATOR = re.compile("[\u202a-\u202e\u2066-\u2069\n\x1c-\x1e\x85\u2029]")
_OPENERS = frozenset("\u202a\u202b\u202d\u202e")  # LRE RLE LRO RLO
_ISOLATE_OPENERS = frozenset("\u2066\u2067\u2068")  # LRI RLI FSI
_PARAGRAPH_SEPARATORS = frozenset("\n\x1c\x1d\x1e\x85\u2029")
# Bracket pairs (BD16) that straddle a cut would be resolved differently (N0).
_CANONICAL_BRACKETS = {"\u2329": "\u3008", "\u232a": "\u3009"}
_STACK_LIMIT: Final = 60  # deeper than this: no cuts (the engine's overflow rules apply)


def paragraph_levels(text: str, rtl: bool, classes: bytes | None = None) -> bytearray:
    """The resolved level of every code point (before L1), for a paragraph of any length.

    Equal to `resolve_levels` on the whole text. A long paragraph is resolved in pieces
    cut only where nothing reaches across the cut: between two strong characters, with
    no explicit embedding, override or isolate open and no bracket pair open. There the
    rules that look past a character (W1–W7, N0–N2, X1–X8) see the same thing on either
    side as in the whole text, and the engine gets the paragraph level forced (sos and
    eos are that level's direction, as the strong character at the cut makes them
    irrelevant). Each piece may use the `uniform_level` shortcut, or `simple_levels`,
    on its own. `classes`: the text's bidi classes as `chars.BIDI_OF` letters.
    """
    if classes is None:
        classes = chars.profile(text).translate(chars.BIDI_OF)
    out = bytearray()
    mixed = _NOT_ALL_RTL_LETTERS if rtl else _NOT_ALL_LTR_LETTERS
    for start, end in _pieces(text):
        piece = classes[start:end]
        if mixed.search(piece) is None:  # `uniform_level`
            out += (b"\x01" if rtl else b"\x00") * len(piece)
            continue
        simple = simple_levels(text[start:end], piece, rtl)
        out += simple if simple is not None else bytes(resolve_levels(text[start:end], rtl))
    return out


def _letters(classes: frozenset[str]) -> re.Pattern[bytes]:
    letters = "".join(chars.CLASS_LETTERS[name] for name in sorted(classes))
    return re.compile(b"[" + re.escape((letters + chars.UNKNOWN_CLASS).encode()) + b"]")


_NOT_ALL_RTL_LETTERS = _letters(_NOT_ALL_RTL - {""})
_NOT_ALL_LTR_LETTERS = _letters(_NOT_ALL_LTR - {""})

# -- levels without the engine ----------------------------------------------------------

# Class letters (chars.CLASS_LETTERS) `simple_levels` resolves: no explicit formatting,
# no BN, no paragraph separator, no unknown character.
_NOT_SIMPLE = re.compile(b"[^LRAEstNcmowS]")
_LONG_MARK_RUN = re.compile(b"m{8}")
_EN_AFTER_AL = re.compile(b"A[^LRAE]*E[^LRA]*")
_EN_AFTER_L = re.compile(b"L[^LRE]*E[^LR]*")
_SEPARATOR_BETWEEN_EN = re.compile(b"(?<=E)[sc](?=E)")
_SEPARATOR_BETWEEN_AN = re.compile(b"(?<=N)c(?=N)")
_TERMINATORS_BY_EN = re.compile(b"t+(?=E)|(?<=E)t+")
_W6 = bytes.maketrans(b"stcwS", b"ooooo")
_FIRST_STRONG = re.compile(b"[LR]")
_NEUTRALS_BETWEEN_L = re.compile(b"(?<=L)o+(?=L)")
_NEUTRALS_BETWEEN_R = re.compile(b"(?<=[REN])o+(?=[REN])")
# I1–I2 (N1–N2 done: what is left neutral takes the paragraph's direction).
_LEVELS_RTL = bytes(2 if chr(byte) in "LEN" else 1 for byte in range(256))
_LEVELS_LTR = bytes({"R": 1, "E": 2, "N": 2}.get(chr(byte), 0) for byte in range(256))
# Strong directions for N0: L, and R for R and the numbers; everything else neutral.
_AS_DIRECTIONS = bytes(
    ord("R") if chr(byte) in "REN" else ord("L") if chr(byte) == "L" else ord("o")
    for byte in range(256)
)


def _replace_in(old: bytes, new: bytes) -> Callable[[re.Match[bytes]], bytes]:
    return lambda match: match.group().replace(old, new)


def _fill(letter: bytes) -> Callable[[re.Match[bytes]], bytes]:
    return lambda match: letter * (match.end() - match.start())


def simple_levels(text: str, classes: bytes, rtl: bool) -> bytearray | None:
    """The levels of a paragraph (or a piece of one, see `paragraph_levels`) with no
    explicit formatting, BN nor paragraph separator, or None if it has any (the engine
    is needed then). `classes`: its characters' `chars.BIDI_OF` letters.

    With no explicit formatting the paragraph is one isolating run sequence at the
    paragraph level, and sos and eos are the paragraph's direction; the rules W1–W7,
    N0–N2 and I1–I2 are then a few substitutions over the string of classes, each rule
    applied to the whole string before the next, as UAX #9 says. Property tests check
    it against the engine.
    """
    if _NOT_SIMPLE.search(classes) is not None:
        return None
    c = classes
    sos = b"R" if rtl else b"L"
    # W1: a mark takes the class of the character before it (sos at the start).
    if b"m" in c:
        if _LONG_MARK_RUN.search(c) is not None:
            return None
        leading = len(c) - len(c.lstrip(b"m"))
        if leading:
            c = sos * leading + c[leading:]
        present = [bytes((letter,)) for letter in set(c) if letter != ord("m")]
        while b"m" in c:
            for letter in present:
                c = c.replace(letter + b"m", letter + letter)
    # W2: a European number after an Arabic letter (the last strong one) is Arabic.
    if b"E" in c and b"A" in c:
        c = _EN_AFTER_AL.sub(_replace_in(b"E", b"N"), c)
    # W3
    c = c.replace(b"A", b"R")
    # W4: one separator between two numbers of a kind is of that kind.
    # (Each substitution runs only where a byte search finds what it would change.)
    if b"EsE" in c or b"EcE" in c:
        c = _SEPARATOR_BETWEEN_EN.sub(b"E", c)
    if b"NcN" in c:
        c = _SEPARATOR_BETWEEN_AN.sub(b"N", c)
    # W5: terminators next to a European number are European numbers.
    if b"tE" in c or b"Et" in c:
        c = _TERMINATORS_BY_EN.sub(_fill(b"E"), c)
    # W6: the other separators and terminators are neutral; so are spaces from here on.
    c = c.translate(_W6)
    # W7: a European number after L (or sos L) is L.
    if b"E" in c:
        if not rtl:
            first_strong = _FIRST_STRONG.search(c)
            head = first_strong.start() if first_strong is not None else len(c)
            c = c[:head].replace(b"E", b"L") + c[head:]
        if b"L" in c:
            c = _EN_AFTER_L.sub(_replace_in(b"E", b"L"), c)
    # N0: bracket pairs.
    if _BRACKET.search(text) is not None:
        resolved = _bracket_pairs(text, classes, c, rtl)
        if resolved is None:
            return None
        c = resolved
    # N1–N2: neutrals between two strong characters of one direction take it (numbers
    # count as R); the others the paragraph's. Only the opposite direction changes a level.
    if rtl:
        if b"Lo" in c:
            c = _NEUTRALS_BETWEEN_L.sub(_fill(b"L"), c)
        return bytearray(c.translate(_LEVELS_RTL))
    if b"Ro" in c or b"Eo" in c or b"No" in c:
        c = _NEUTRALS_BETWEEN_R.sub(_fill(b"R"), c)
    return bytearray(c.translate(_LEVELS_LTR))


def _bracket_pairs(text: str, original: bytes, c: bytes, rtl: bool) -> bytes | None:
    """Rule N0 on the classes `c` (W1–W7 done): each bracket pair (BD16) takes a
    direction from what it holds and what comes before it. None past BD16's limit."""
    openers: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    on = ord("o")
    for match in _BRACKET.finditer(text):
        position = match.start()
        if original[position] != on:
            continue
        ch = match.group()
        if unicodedata.category(ch) == "Ps":
            if len(openers) >= 63:
                return None
            openers.append((_CANONICAL_BRACKETS.get(ch, ch), position))
            continue
        wanted = _CANONICAL_BRACKETS.get(MIRRORED.get(ch, ""), MIRRORED.get(ch, ""))
        for k in range(len(openers) - 1, -1, -1):
            if openers[k][0] == wanted:
                pairs.append((openers[k][1], position))
                del openers[k:]
                break
    if not pairs:
        return c
    pairs.sort()
    out = bytearray(c)
    embedding = ord("R") if rtl else ord("L")
    opposite = ord("L") if rtl else ord("R")
    mark = ord("m")
    for opening, closing in pairs:
        inside = out[opening + 1 : closing].translate(_AS_DIRECTIONS)
        if embedding in inside:
            direction = embedding
        elif opposite in inside:
            last = max(out.rfind(letter, 0, opening) for letter in b"LREN")
            context = _AS_DIRECTIONS[out[last]] if last >= 0 else embedding
            direction = opposite if context == opposite else embedding
        else:
            continue
        for position in (opening, closing):
            out[position] = direction
            # Marks after a bracket take its new direction.
            j = position + 1
            while j < len(out) and original[j] == mark:
                out[j] = direction
                j += 1
    return bytes(out)


def _pieces(text: str) -> list[tuple[int, int]]:
    """Cuts of `text` into pieces of about CHUNK characters (one piece if it cannot be cut)."""
    n = len(text)
    if n <= CHUNK:
        return [(0, n)]
    depth_at = _explicit_depths(text)
    if depth_at is None:
        return [(0, n)]
    brackets = _bracket_spans(text)
    if brackets is None:
        return [(0, n)]
    bidirectional = unicodedata.bidirectional
    pieces: list[tuple[int, int]] = []
    start = 0
    i = CHUNK
    explicit_positions, explicit_depths = depth_at
    while i < n:
        # A cut at i: text[i - 1] and text[i] strong, nothing open across it.
        if (
            bidirectional(text[i]) in _STRONG
            and bidirectional(text[i - 1]) in _STRONG
            and _depth(explicit_positions, explicit_depths, i) == 0
            and not _inside(brackets, i)
        ):
            pieces.append((start, i))
            start = i
            i += CHUNK
        else:
            i += 1
    pieces.append((start, n))
    return pieces


def _explicit_depths(text: str) -> tuple[list[int], list[int]] | None:
    """Positions of the explicit formatting characters and the stack depth after each.

    The stack of X1–X8 (embeddings and isolates; a PDF pops an embedding, a PDI pops to
    its isolate, a paragraph separator empties it). None if it gets deep enough for the
    engine's overflow rules to matter.
    """
    positions: list[int] = []
    depths: list[int] = []
    stack: list[bool] = []  # True: an isolate
    for match in _EXPLICIT_OR_SEPARATOR.finditer(text):
        ch = match.group()
        if ch in _OPENERS:
            stack.append(False)
        elif ch in _ISOLATE_OPENERS:
            stack.append(True)
        elif ch == "\u202c":  # PDF
            if stack and not stack[-1]:
                stack.pop()
        elif ch == "\u2069":  # PDI
            if True in stack:
                while not stack.pop():
                    pass
        elif ch in _PARAGRAPH_SEPARATORS:
            stack.clear()
        if len(stack) > _STACK_LIMIT:
            return None
        positions.append(match.start())
        depths.append(len(stack))
    return positions, depths


def _depth(positions: list[int], depths: list[int], i: int) -> int:
    """The stack depth just before offset `i`."""
    k = bisect_left(positions, i) - 1
    return depths[k] if k >= 0 else 0


def _bracket_spans(text: str) -> list[tuple[int, int]] | None:
    """[open, close] offsets of the bracket pairs BD16 could form (a superset), merged.

    An opening bracket that is never closed counts as open to the end: a pair may still
    be formed with a closing bracket anywhere after it. None past BD16's stack limit.
    """
    openers: list[tuple[str, int]] = []
    spans: list[tuple[int, int]] = []
    for match in _BRACKET.finditer(text):
        ch = match.group()
        if unicodedata.category(ch) == "Ps":
            if len(openers) >= 63:
                return None
            openers.append((_CANONICAL_BRACKETS.get(ch, ch), match.start()))
            continue
        wanted = _CANONICAL_BRACKETS.get(MIRRORED.get(ch, ""), MIRRORED.get(ch, ""))
        for k in range(len(openers) - 1, -1, -1):
            if openers[k][0] == wanted:
                spans.append((openers[k][1], match.start()))
                del openers[k:]
                break
    spans.extend((position, len(text)) for _ch, position in openers)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(spans: list[tuple[int, int]], i: int) -> bool:
    """True if a cut before offset `i` falls within one of `spans`."""
    k = bisect_left(spans, (i, -1)) - 1
    return k >= 0 and spans[k][0] < i <= spans[k][1]


_BRACKET = re.compile(
    "["
    + "".join(
        re.escape(ch)
        for ch in sorted(MIRRORED)
        if unicodedata.category(ch) in ("Ps", "Pe") and unicodedata.mirrored(ch)
    )
    + "\u2329\u232a\u3008\u3009]"
)
