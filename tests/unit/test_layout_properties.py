"""Invariants of the layout maps, on random mixed text at random widths (hypothesis)."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.layout import ParagraphLayout, chars, render_plain
from annotations.layout.chars import BIDI_FORMATTING
from annotations.layout.levels import resolve_levels, simple_levels, uniform_level

ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةى" + "لالألإلآ"  # lam-alefs on purpose
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
LATIN = "abcdefgXYZ"
DIGITS = "0123456789٠١٢٣"
BRACKETS = "()[]{}<>«»"
PUNCTUATION = ".,:;/-!?'\"%+"
COMBINING = HARAKAT + "\u0301\u0308"
CONTROLS = "".join(map(chr, range(0x20))) + "\x7f\x80\x85\x9b\x9f"
INVISIBLE = "\u200b\u200c\u200d\u00ad\u2060\ufeff"
SPACES = "   \u00a0\u3000"
OTHER = "אבג一二😀"
ALPHABET = (
    ARABIC
    + LATIN
    + DIGITS
    + BRACKETS
    + PUNCTUATION
    + COMBINING
    + "".join(sorted(BIDI_FORMATTING))
    + CONTROLS
    + INVISIBLE
    + SPACES
    + OTHER
)

# What a cell may never contain: C0, DEL, C1 (ESC among them) and bidi controls.
FORBIDDEN = frozenset(CONTROLS) | BIDI_FORMATTING

# Characters that may be left undrawn: spaces at a break, hard breaks, controls that
# the algorithm removes, invisible format characters with nothing to join.
MAY_BE_UNDRAWN = frozenset(" \t\u3000\n\u2028\u2029") | BIDI_FORMATTING | frozenset(INVISIBLE)


def _is_whitespace_or_undrawn(ch: str) -> bool:
    return ch in MAY_BE_UNDRAWN or unicodedata.bidirectional(ch) == "BN"


# Raw strings, and word-like runs between spaces (so that lines break at spaces too).
words = st.text(alphabet=ALPHABET.replace(" ", ""), min_size=1, max_size=18)
separators = st.text(alphabet="  \t\u200f", min_size=1, max_size=3)
texts = st.one_of(
    st.text(alphabet=ALPHABET, max_size=200),
    st.lists(st.tuples(words, separators), max_size=30).map(
        lambda pairs: "".join(word + separator for word, separator in pairs)
    ),
)
widths = st.integers(min_value=1, max_value=120)
directions = st.sampled_from(["auto", "rtl", "ltr"])


@settings(max_examples=400, deadline=None)
@given(text=texts, width=widths, direction=directions, shape=st.booleans())
def test_maps_are_consistent(text: str, width: int, direction: str, shape: bool) -> None:
    layout = ParagraphLayout(text, direction=direction, shape=shape)
    lines = layout.lines(width)
    assert lines, "every paragraph has at least one line"

    covering: dict[int, tuple[int, int]] = {}  # offset -> (line, column of its cell)
    previous_end = 0
    for number, line in enumerate(lines):
        # No line wider than the width; the width is the cells' widths.
        assert line.width <= width
        assert line.width == sum(cell.width for cell in line.cells)
        assert line.rtl == layout.rtl
        # Slices in order; between them, only spaces and undrawn characters.
        assert previous_end <= line.start <= line.end <= len(text)
        assert all(_is_whitespace_or_undrawn(ch) for ch in text[previous_end : line.start])
        previous_end = line.end
        column = 0
        for cell in line.cells:
            assert cell.width in (1, 2)
            assert line.start <= cell.start < cell.end <= line.end
            assert not FORBIDDEN & set(cell.text), repr(cell.text)
            assert cell.text and "\n" not in cell.text and "\t" not in cell.text
            for offset in range(cell.start, cell.end):
                assert offset not in covering, f"offset {offset} in two cells"
                covering[offset] = (number, column)
            column += cell.width
    assert all(_is_whitespace_or_undrawn(ch) for ch in text[previous_end:])

    for offset, ch in enumerate(text):
        where = layout.locate(offset, width)
        if offset not in covering:
            # Not drawn: only spaces at a break and the controls that are never drawn.
            assert where is None
            assert _is_whitespace_or_undrawn(ch), f"{ch!r} at {offset} not drawn"
            continue
        # logical -> cell -> logical gives back the cell's first offset.
        assert where == covering[offset]
        line_index, column = where
        back = layout.offset_at(line_index, column, width)
        shown = lines[line_index].cell_at(column)
        assert shown is not None and back == shown.start and shown.start <= offset < shown.end

    # cell -> logical -> cell: every column of every line.
    for number, line in enumerate(lines):
        for column in range(line.width):
            at_column = line.cell_at(column)
            shown_offset = layout.offset_at(number, column, width)
            assert at_column is not None and shown_offset == at_column.start
            found = layout.locate(shown_offset, width)
            assert found is not None and found[0] == number
            assert found[1] <= column < found[1] + at_column.width


@settings(max_examples=150, deadline=None)
@given(
    paragraphs=st.lists(texts, min_size=1, max_size=4),
    width=widths,
    bidi=st.sampled_from(["app", "terminal"]),
)
def test_render_plain_never_emits_a_control(paragraphs: list[str], width: int, bidi: str) -> None:
    text = ""
    spans = []
    for paragraph in paragraphs:
        flat = paragraph.replace("\n", " ")
        spans.append((len(text), len(text) + len(flat)))
        text += flat + "\n\n"
    out = render_plain(text, spans, width, bidi=bidi)
    controls = set(CONTROLS) - {"\n"}
    assert not controls & set(out)
    if bidi == "app":
        assert not BIDI_FORMATTING & set(out)
        for row in out.split("\n"):
            # Every row fits: one column per character but for the wide ones.
            columns = sum(
                2 if unicodedata.east_asian_width(ch) in "WF" else 0 if _zero(ch) else 1
                for ch in row
            )
            assert columns <= width


def _zero(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me")


NEUTRAL = BRACKETS + PUNCTUATION + SPACES + CONTROLS + INVISIBLE + "\u0301\u0651"
ALL_RTL = st.text(alphabet=ARABIC + "אבג" + NEUTRAL, max_size=120)
ALL_LTR = st.text(alphabet=LATIN + "0123456789" + NEUTRAL, max_size=120)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), rtl=st.booleans())
def test_the_uniform_level_shortcut_agrees_with_the_engine(data: st.DataObject, rtl: bool) -> None:
    text = data.draw(ALL_RTL if rtl else ALL_LTR)
    level = uniform_level({unicodedata.bidirectional(ch) for ch in text}, rtl)
    assert level == (1 if rtl else 0)
    engine = resolve_levels(text, rtl)  # no classes given: always the engine
    for ch, resolved in zip(text, engine, strict=True):
        if unicodedata.bidirectional(ch) != "BN":  # X9 removes BN: its level is moot
            assert resolved == level, (ch, text)


# Mixed text with no explicit formatting, BN nor paragraph separator: what the levels
# computed without the engine take (brackets, marks, numbers of both kinds, Hebrew).
SIMPLE = (
    ARABIC + HARAKAT + LATIN + DIGITS + BRACKETS + PUNCTUATION + "\u0301" + "אב"
    + "\u2329\u232a\u3008\u3009\u00b0$#\u066a\u060c\u061f" + "  \t\u00a0\u3000"
)  # fmt: skip
simple_words = st.text(alphabet=SIMPLE.replace(" ", ""), min_size=1, max_size=12)
simple_texts = st.one_of(
    st.text(alphabet=SIMPLE, max_size=160),
    st.lists(simple_words, max_size=24).map(" ".join),
)


@settings(max_examples=600, deadline=None)
@given(text=simple_texts, rtl=st.booleans())
def test_the_levels_without_the_engine_equal_the_engine(text: str, rtl: bool) -> None:
    found = simple_levels(text, chars.profile(text).translate(chars.BIDI_OF), rtl)
    assert found is not None
    engine = resolve_levels(text, rtl)  # no classes given: always the engine
    assert list(found) == engine, (text, rtl)
