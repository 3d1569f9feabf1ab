"""The bulk paths of the layout (cells of plain text built at once, wrapping a line or a
word at a time, one-level lines) give exactly what the general, one-by-one paths give,
for a paragraph in one block or in many."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

import annotations.layout.paragraph as paragraph_module
from annotations.layout.paragraph import ParagraphLayout, _Cells, _Wrapper

# Arabic letters (lam and alefs for the ligature), harakat, Latin, digits, brackets
# (mirrored), spaces of several widths, a wide letter; sometimes a newline or an isolate.
ALPHABET = [*"لاأإآبتمعن", "\u064b", "\u064e", "\u0651", *"abZ19٣()[]<>«»., "]
ALPHABET += ["\t", "\u3000", "\u4e2d", "  ", "لا", "لاً", "لّاَ", "(لا)", " \u064b"]
RARE = ["\n", "\u2067", "\u2069", "\u200f", "\u200d"]

# News-like words: lam-alefs often, a haraka now and then (the bulk path's few-marks case).
WORDS = ["قال", "الأمم", "لا", "بيان", "إلى", "شدّة", "مصرَ", "(2024)", "Google", "«داعش»", "لأنّ"]

texts = (
    st.lists(st.sampled_from(ALPHABET + RARE), max_size=200).map("".join)
    | st.lists(st.sampled_from(ALPHABET), max_size=200).map("".join)
    | st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join)
)


def _one_by_one(wrapper: _Wrapper, cells: _Cells, first: int, last: int, *_: object) -> None:
    for c in range(first, last):
        wrapper.cell(cells.starts[c], cells.ends[c], cells.widths[c], cells.space[c])


def _lines(text: str, direction: str, width: int, shape: bool) -> list[object]:
    layout = ParagraphLayout(text, direction, shape=shape)
    return [(line.start, line.end, line.cells, line.width) for line in layout.lines(width)]


@settings(max_examples=400, deadline=None)
@given(
    texts,
    st.sampled_from(["auto", "rtl", "ltr"]),
    st.integers(min_value=1, max_value=30),
    st.booleans(),
    st.sampled_from([paragraph_module.BLOCK, 7, 40]),
)
def test_bulk_paths_equal_the_general_ones(
    text: str, direction: str, width: int, shape: bool, block: int
) -> None:
    with patch.object(paragraph_module, "BLOCK", block):
        fast = _lines(text, direction, width, shape)
        with (
            patch.object(ParagraphLayout, "_build_plain", lambda *args: None),
            patch.object(ParagraphLayout, "_feed", staticmethod(_one_by_one)),
        ):
            slow = _lines(text, direction, width, shape)
    assert fast == slow


def _l2_one_by_one(levels: list[int]) -> list[int]:
    """Rule L2 as UAX #9 words it, a character at a time."""
    order = list(range(len(levels)))
    lowest_odd = min(levels) | 1
    for level in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


@settings(max_examples=400, deadline=None)
@given(
    st.integers(min_value=0, max_value=5).flatmap(
        lambda base: st.lists(st.integers(min_value=base, max_value=base + 3), min_size=1)
    )
)
def test_visual_order_by_runs_equals_l2_one_by_one(levels: list[int]) -> None:
    expected = _l2_one_by_one(levels)
    assert paragraph_module.visual_order(levels) == expected
    assert paragraph_module.visual_order(bytearray(levels)) == expected
