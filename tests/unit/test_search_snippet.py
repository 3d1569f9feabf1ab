"""A hit's snippet on one terminal line: fits, keeps the match in view, marks its cells."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.search.snippet import ELLIPSIS, snippet_line

SENTENCE = (
    "قالت وزارة الخارجية الأمريكية في بيان إن القوات الأمريكية ستبقى في العراق "
    "حتى عام 2026 وفق الاتفاق"
)


def shown_offsets(text: str, spans: list[tuple[int, int]], width: int) -> tuple[set[int], set[int]]:
    """(offsets drawn in marked cells, offsets of the spans drawn at all)."""
    line = snippet_line(text, spans, width)
    marked: set[int] = set()
    drawn: set[int] = set()
    column = 0
    for cell in line.line.cells:
        offsets = set(range(cell.start, cell.end))
        if any(x0 <= column < x1 for x0, x1 in line.marks):
            marked |= offsets
        drawn |= offsets
        column += cell.width
    in_spans = {i for s, e in spans for i in range(s, e)}
    return marked, drawn & in_spans


def test_short_text_is_whole_and_right_aligned() -> None:
    word = SENTENCE.index("العراق")
    line = snippet_line(SENTENCE, [(word, word + 6)], 200)
    assert line.rtl and ELLIPSIS not in line.text
    assert line.pad(200) == 200 - line.width
    assert len(line.marks) == 1
    x0, x1 = line.marks[0]
    assert x1 - x0 == 6  # one cell a letter: «العراق» has no lam-alef


def test_long_text_keeps_the_match_and_cuts_with_ellipses() -> None:
    last = SENTENCE.rindex("الأمريكية")
    line = snippet_line(SENTENCE, [(last, last + 9)], 30)
    assert line.width <= 30
    assert line.line.start <= last and last + 9 <= line.line.end
    # Right to left: words were left out on both sides, the end of the text on the left.
    assert line.text.startswith(ELLIPSIS) and line.text.endswith(ELLIPSIS)
    marked, drawn = shown_offsets(SENTENCE, [(last, last + 9)], 30)
    assert marked == drawn == set(range(last, last + 9))


def test_left_to_right_text() -> None:
    text = "the quick brown fox jumps over the lazy dog"
    line = snippet_line(text, [(16, 19)], 14)
    assert not line.rtl and line.width <= 14
    assert "fox" in line.text and line.text[line.marks[0][0] : line.marks[0][1]] == "fox"


def test_match_wider_than_the_line_is_cut() -> None:
    line = snippet_line("كلمةطويلةجدابلامسافات أخرى", [(0, 21)], 8)
    assert line.width <= 8


def test_controls_never_reach_the_line() -> None:
    line = snippet_line("خبر \x1b[31m عاجل\x07", [(0, 3)], 40)
    assert "\x1b" not in line.text and "\x07" not in line.text


def test_no_words() -> None:
    assert snippet_line("   ", [], 10).text == ""
    assert snippet_line("", [], 10).marks == ()


WORDS = st.sampled_from(
    ["العراق", "الأمريكية", "وتُعد", "لا", "2026", "Google", "«قسد»", "(داعش)", "x", "٢٠١٤"]
)


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(WORDS, min_size=1, max_size=30),
    pick=st.integers(min_value=0),
    width=st.integers(min_value=1, max_value=90),
)
def test_fits_and_marks_exactly_the_match(words: list[str], pick: int, width: int) -> None:
    text = " ".join(words)
    index = pick % len(words)
    start = sum(len(w) + 1 for w in words[:index])
    span = (start, start + len(words[index]))
    line = snippet_line(text, [span], width)
    assert line.width <= width
    assert sum(cell.width for cell in line.line.cells) == line.width
    marked, drawn = shown_offsets(text, [span], width)
    assert marked == drawn  # a marked cell shows the match, and all of it that is drawn
    if snippet_line(words[index], [(0, len(words[index]))], 10_000).width + 2 <= width:
        assert drawn == set(range(*span))  # room for it: the whole match is in view
