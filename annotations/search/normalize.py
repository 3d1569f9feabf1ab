"""Arabic-aware search normalisation, with an exact offset map back to the stored text.

`normalize(text)` folds away the spelling variation that should not matter to a search
(harakat, tatweel, hamza on alef, alef maqsura, taa marbuta, digit shapes, letter case,
presentation forms pasted from PDFs) and remembers, for every character of the result,
which character of the stored text produced it. Search runs on the normalised text; hits
are mapped back with `Normalized.span_to_original`, so they are code-point offsets into
the stored text like every other offset in Hashiya.

Every rule folds one character of the input into zero, one or more characters of the
output, independently of its neighbours. That is what makes the map exact, and it means
`normalize` is a fixed translation table (`str.translate`) built once from the rules
below. The rules, and why, are in docs/search.md.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

__all__ = [
    "NORMALIZER_VERSION",
    "Normalized",
    "normalize",
    "normalize_text",
    "tokenize",
]

# Bump when a rule changes: an index built with another version must be rebuilt.
NORMALIZER_VERSION = 1

ALEF = "\u0627"
YEH = "\u064a"
KAF = "\u0643"
HEH = "\u0647"
TATWEEL = "\u0640"

# Alef with hamza above/below, with madda, wasla, wavy hamza above/below, high hamza.
_ALEF_FORMS = "\u0623\u0625\u0622\u0671\u0672\u0673\u0675"
_LETTER_FOLDS: dict[str, str] = {
    **dict.fromkeys(_ALEF_FORMS, ALEF),
    "\u0649": YEH,  # ى alef maqsura
    "\u06cc": YEH,  # ی Farsi yeh
    "\u06a9": KAF,  # ک keheh (Persian kaf)
}
TAA_MARBUTA = "\u0629"

# Arabic marks dropped by name (most are also category Mn, dropped anyway): Quranic
# annotation signs, harakat and the other combining marks, superscript alef, the small
# high/low marks of U+06D6..U+06ED, and tatweel.
_ARABIC_DROPPED = [
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06ED),
    (0x0640, 0x0640),
]
# Dropped marks that belong to the letter before them: a span that ends on that letter
# also covers them (see `Normalized.span_to_original`).
_ATTACHED_EXTRA = {0x06E5, 0x06E6}  # small waw, small yeh (category Lm)

# Blocks whose compatibility characters are folded with NFKC: Alphabetic Presentation
# Forms (Latin ligatures, Hebrew), Arabic Presentation Forms-A and -B, and Halfwidth and
# Fullwidth Forms.
_COMPAT_BLOCKS = [(0xFB00, 0xFDFF), (0xFE70, 0xFEFF), (0xFF00, 0xFFEF)]
# Arabic blocks: their letters are folded only by the explicit rules above, never by the
# generic "decompose and drop the marks" rule (which would fold ؤ to و and ئ to ي).
_ARABIC_BLOCKS = [
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
]
ZERO_WIDTH_SPACE = "\u200b"  # kept: it separates words in some scripts

# Letters and digits in the sense of SQLite's unicode61 tokenizer (categories L* and N*);
# everything else separates tokens.
_WORD_RE = re.compile(r"[^\W_]+")


def _codepoint_set(ranges: list[tuple[int, int]]) -> frozenset[int]:
    return frozenset(cp for lo, hi in ranges for cp in range(lo, hi + 1))


_ARABIC_DROPPED_SET = _codepoint_set(_ARABIC_DROPPED)
_COMPAT_SET = _codepoint_set(_COMPAT_BLOCKS)
_ARABIC_SET = _codepoint_set(_ARABIC_BLOCKS)


@dataclass(frozen=True)
class _Folding:
    """The translation table for one setting of the rules, and a regex of its keys."""

    table: dict[int, str]
    attached: frozenset[str]  # dropped characters that are marks on the preceding letter
    # The frequent one-for-one folds of Arabic letters, done first with str.replace (which
    # runs at hundreds of millions of characters a second, str.translate at a tenth).
    frequent: tuple[tuple[str, str], ...]
    changed: re.Pattern[str]  # one character that the table may change
    reshaping: re.Pattern[str]  # one character that the table may drop or expand

    def fold_match(self, match: re.Match[str]) -> str:
        c = match.group()
        return self.table.get(ord(c), c)


def _codepoints() -> list[int]:
    # Every character that may need folding lies in planes 0-1 or is a tag or variation
    # selector in plane 14; planes 2-3 hold only CJK ideographs, which fold to themselves.
    return [
        *range(0xD800),
        *range(0xE000, 0x20000),
        *range(0xE0000, 0xE0080),
        *range(0xE0100, 0xE01F0),
    ]


def _fold_char(c: str, taa_marbuta: bool) -> str:
    """What one character becomes under the rules, before the fixed-point pass."""
    cp = ord(c)
    if c in _LETTER_FOLDS:
        return _LETTER_FOLDS[c]
    if c == TAA_MARBUTA:
        return HEH if taa_marbuta else c
    category = unicodedata.category(c)
    if cp in _ARABIC_DROPPED_SET or (category in ("Mn", "Me", "Cf") and c != ZERO_WIDTH_SPACE):
        return ""
    if cp in _COMPAT_SET:
        compat = unicodedata.normalize("NFKC", c)
        if compat != c:
            folded = "".join(_fold_char(x, taa_marbuta) for x in compat)
            # The isolated forms of harakat are a space and a mark: drop them whole.
            return "" if folded.isspace() else folded
    if category == "Nd":
        return str(unicodedata.decimal(c))
    if cp in _ARABIC_SET:
        return c
    folded = c.casefold()
    if folded != c or unicodedata.decomposition(c):
        decomposed = unicodedata.normalize("NFD", folded)
        bare = "".join(x for x in decomposed if unicodedata.category(x) != "Mn")
        folded = unicodedata.normalize("NFC", bare)
    return folded


def _char_class(cps: list[int]) -> str:
    """A regex character class matching exactly the sorted code points `cps`."""
    ranges: list[list[int]] = []
    for cp in cps:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    parts = [
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in ranges
    ]
    return "[" + "".join(parts) + "]"


@cache
def _folding(taa_marbuta: bool) -> _Folding:
    table: dict[int, str] = {}
    for cp in _codepoints():
        c = chr(cp)
        folded = _fold_char(c, taa_marbuta)
        if folded != c:
            table[cp] = folded
    # Fixed point: what a rule produces is already normalised (normalize is idempotent).
    for cp, folded in table.items():
        while (again := folded.translate(table)) != folded:
            folded = again
        table[cp] = folded
    attached = frozenset(
        chr(cp)
        for cp, folded in table.items()
        if not folded and (unicodedata.category(chr(cp)) in ("Mn", "Me") or cp in _ATTACHED_EXTRA)
    )
    frequent = tuple((c, table[ord(c)]) for c in [*_LETTER_FOLDS, TAA_MARBUTA] if ord(c) in table)
    return _Folding(
        table=table,
        attached=attached,
        frequent=frequent,
        changed=_char_pattern(table),
        reshaping=_char_pattern({cp: f for cp, f in table.items() if len(f) != 1}),
    )


def _char_pattern(table: dict[int, str]) -> re.Pattern[str]:
    """One character that may be a key of `table` (look it up to be sure)."""
    # Test the Basic Multilingual Plane with one class (a bitmap, fast) and let every
    # supplementary-plane character through to a table look-up: a class with many
    # ranges above U+FFFF is tested range by range and is ten times slower.
    bmp = sorted(cp for cp in table if cp <= 0xFFFF)
    return re.compile(_char_class(bmp) + "|[\U00010000-\U0010ffff]")


def normalize_text(text: str, *, taa_marbuta: bool = True) -> str:
    """The normalised form of `text`, without the offset map (what the index stores).

    Equal to `normalize(text, taa_marbuta=taa_marbuta).text`, and faster.
    """
    folding = _folding(taa_marbuta)
    for letter, folded in folding.frequent:
        text = text.replace(letter, folded)
    return folding.changed.sub(folding.fold_match, text)


@dataclass(frozen=True)
class Normalized:
    """A normalised text and the map from its offsets back to the original's.

    The map is piecewise: segment k starts at normalised offset `_seg_norm[k]`, which
    came from original offset `_seg_orig[k]`. In an identity segment the offsets then
    advance together; in an expansion segment (one original character that became
    several, like the ligature ﻻ → لا) every normalised offset maps to `_seg_orig[k]`.
    """

    original: str
    text: str
    _seg_norm: list[int]
    _seg_orig: list[int]
    _seg_expansion: list[bool]
    _attached: frozenset[str]

    def to_original(self, i: int) -> int:
        """The original offset of the character that produced normalised character `i`.

        `to_original(len(text))` is `len(original)`. Characters dropped just before the
        one at `i` (a tatweel, a leading mark) are not included: the result is the offset
        of the character that produced `text[i]` itself.
        """
        if not 0 <= i <= len(self.text):
            raise IndexError(f"offset {i} outside 0..{len(self.text)}")
        if i == len(self.text):
            return len(self.original)
        k = bisect_right(self._seg_norm, i) - 1
        if self._seg_expansion[k]:
            return self._seg_orig[k]
        return self._seg_orig[k] + (i - self._seg_norm[k])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original range of characters that produced `text[start:end]`.

        The range starts at the character that produced `text[start]` and ends after the
        one that produced `text[end - 1]` plus the dropped combining marks that follow it
        (its harakat: a span never splits a letter from its marks). Dropped characters
        inside the range are covered; dropped characters before it, and a tatweel or a
        format character after it, are not. An empty range maps to an empty range at
        `to_original(start)`.
        """
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span {start}..{end} outside 0..{len(self.text)}")
        if start == end:
            at = self.to_original(start)
            return at, at
        orig_start = self.to_original(start)
        orig_end = self.to_original(end - 1) + 1
        original = self.original
        while orig_end < len(original) and original[orig_end] in self._attached:
            orig_end += 1
        return orig_start, orig_end


def normalize(text: str, *, taa_marbuta: bool = True) -> Normalized:
    """Normalise `text` for search and keep the offset map back to it.

    Rules (docs/search.md): Arabic harakat, other Arabic marks, every other combining
    mark and invisible format characters are dropped, and so is tatweel; أ إ آ ٱ ٲ ٳ ٵ → ا;
    ى and Farsi ی → ي; Persian ک → ك; ة → ه when `taa_marbuta` is true (the default, used
    by the index and by queries); ؤ and ئ are kept; every decimal digit becomes an ASCII
    digit; Latin and other cased scripts are case-folded and lose their accents; Arabic
    presentation forms, ligatures and fullwidth forms are folded back with NFKC.
    """
    folding = _folding(taa_marbuta)
    table = folding.table
    seg_norm = [0]
    seg_orig = [0]
    seg_expansion = [False]
    shift = 0  # normalised offset minus original offset, after the last fold seen

    # One-for-one folds leave the offsets alone: only drops and expansions shape the map.
    for match in folding.reshaping.finditer(text):
        at = match.start()
        folded = table.get(ord(text[at]))
        if folded is None or len(folded) == 1:  # not folded after all, or one for one
            continue
        out_at = at + shift  # where the fold lands in the normalised text
        if folded:  # one character became several: they all map to it
            seg_norm.append(out_at)
            seg_orig.append(at)
            seg_expansion.append(True)
        shift += len(folded) - 1
        # What follows maps one for one again, from the next original character.
        out_next = at + 1 + shift
        if seg_norm[-1] == out_next:  # only after a drop: an empty segment, replace it
            seg_orig[-1] = at + 1
        else:
            seg_norm.append(out_next)
            seg_orig.append(at + 1)
            seg_expansion.append(False)
    return Normalized(
        original=text,
        text=normalize_text(text, taa_marbuta=taa_marbuta),
        _seg_norm=seg_norm,
        _seg_orig=seg_orig,
        _seg_expansion=seg_expansion,
        _attached=folding.attached,
    )


def tokenize(normalized_text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the words of a normalised text.

    A word is a run of letters and digits (Unicode categories L* and N*), as SQLite's
    unicode61 tokenizer splits them; everything else separates words.
    """
    return [m.span() for m in _WORD_RE.finditer(normalized_text)]
