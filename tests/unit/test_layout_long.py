"""Long paragraphs: built a block at a time, resolved in pieces, the same as in one go."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import annotations.layout.levels as levels_module
import annotations.layout.paragraph as paragraph_module
from annotations.layout import ParagraphLayout, chars, render_plain
from annotations.layout.levels import paragraph_levels, resolve_levels, simple_levels

ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةى" + "لالألإلآ"
ALPHABET = (
    ARABIC
    + "abcXYZ"
    + "0123٠١"
    + "()[]«»"
    + ".,:-%"
    + "\u064e\u0651\u0301"  # harakat, an accent
    + "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    + "\u200c\u200d\u00ad\U000e0041"
    + "\x1b\t\n"
    + "   \u3000"
    + "א一"
)
texts = st.text(alphabet=ALPHABET, min_size=1, max_size=300)


def _lines(layout: ParagraphLayout, width: int) -> list[tuple[object, ...]]:
    return [(line.start, line.end, line.width, line.cells) for line in layout.lines(width)]


@settings(max_examples=300, deadline=None)
@given(
    text=texts,
    width=st.integers(min_value=1, max_value=40),
    direction=st.sampled_from(["auto", "rtl", "ltr"]),
    shape=st.booleans(),
    marks=st.booleans(),
    block=st.integers(min_value=1, max_value=24),
)
def test_blocks_give_the_same_lines_as_one_build(
    text: str, width: int, direction: str, shape: bool, marks: bool, block: int
) -> None:
    whole = ParagraphLayout(text, direction, shape, marks)
    expected = _lines(whole, width)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paragraph_module, "BLOCK", block)
        patch.setattr(levels_module, "CHUNK", block)
        pieces = ParagraphLayout(text, direction, shape, marks)
        assert not pieces.whole or len(text) <= block
        assert _lines(pieces, width) == expected
        streamed = [(x.start, x.end, x.width, x.cells) for x in pieces.iter_lines(width)]
        assert streamed == expected
        for offset in range(0, len(text), 7):
            assert pieces.locate(offset, width) == whole.locate(offset, width)
        assert pieces.visual_line().cells == whole.visual_line().cells


@settings(max_examples=300, deadline=None)
@given(text=texts, rtl=st.booleans(), chunk=st.integers(min_value=1, max_value=30))
def test_levels_in_pieces_equal_the_whole(text: str, rtl: bool, chunk: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(levels_module, "CHUNK", chunk)
        assert list(paragraph_levels(text, rtl)) == resolve_levels(text, rtl)


def _news_paragraph(size: int) -> str:
    sentence = "قالت وزارة الصحة في بيان (رقم 2024/17) إن «الوضع» تحسّن بنسبة 12% منذ يناير، "
    latin = "according to Reuters "
    out = []
    total = 0
    while total < size:
        out.append(sentence)
        out.append(latin)
        total += len(sentence.encode()) + len(latin)
    return "".join(out)


def test_a_long_paragraph_is_printed_in_memory_bounded_by_a_block() -> None:
    text = _news_paragraph(2_000_000)  # 2 MB of UTF-8, one paragraph
    tracemalloc.start()
    try:
        layout = ParagraphLayout(text)
        after_levels = tracemalloc.get_traced_memory()[0]
        lines = layout.iter_lines(80)
        first = next(lines)
        # The first line comes before the rest is laid out: little more than the levels.
        assert first.start == 0 and first.width <= 80
        assert tracemalloc.get_traced_memory()[0] - after_levels < 5_000_000
        count = 1 + sum(1 for _ in lines)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count > 15_000
    # The text itself is 2.6 MB in Python; cells for all of it would be hundreds of MB.
    assert peak < 40_000_000, peak


def test_render_plain_of_a_long_paragraph_equals_its_lines() -> None:
    text = _news_paragraph(60_000)
    expected = "\n".join(" " * line.pad(60) + line.text for line in ParagraphLayout(text).lines(60))
    assert render_plain(text, [(0, len(text))], 60) == expected


ARABIC_NEWS = ARABIC + "0123456789٠١٢٣" + ",./:+-%$#«»()!؟،" + "\u064e\u0651" + "  \t"


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=ARABIC_NEWS, min_size=1, max_size=80))
def test_the_levels_without_the_engine_equal_the_engine_on_arabic_news(text: str) -> None:
    found = simple_levels(text, chars.profile(text).translate(chars.BIDI_OF), rtl=True)
    assert found is not None
    assert list(found) == resolve_levels(text, rtl=True)


def test_the_levels_without_the_engine_take_news_with_numbers_and_names() -> None:
    text = "قالت الوزارة إن النسبة 12.5% و٣٤ (في عام 2024/17) - تحسّنت وفق Reuters (AP) اليوم"
    for rtl in (True, False):
        found = simple_levels(text, chars.profile(text).translate(chars.BIDI_OF), rtl)
        assert found is not None and list(found) == resolve_levels(text, rtl)
        assert 2 in found
