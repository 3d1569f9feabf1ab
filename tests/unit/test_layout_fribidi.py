"""The layout's visual order against GNU FriBidi, an independent implementation.

Lines are wrapped by our engine; FriBidi then resolves the levels of the whole paragraph
(``fribidi_get_par_embedding_levels_ex``) and reorders each line's logical slice
(``fribidi_reorder_line``, L1–L2). Both must give the same logical indices left to right.
Without libfribidi these tests fail (they do not skip): CI installs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.layout import ParagraphLayout, VisualLine
from annotations.text import paragraph_spans
from tests.support import fribidi

SEEDS = sorted((Path(__file__).parent.parent.parent / "seeds").glob("*.txt"))


@pytest.fixture(scope="module", autouse=True)
def _need_fribidi() -> None:
    try:
        fribidi.library()
    except fribidi.FribidiMissing as exc:
        pytest.fail(str(exc), pytrace=False)


def _drawn_order(line: VisualLine) -> list[int]:
    """Logical indices of the line's cells, left to right (a cell at an odd level reversed)."""
    order: list[int] = []
    for cell in line.cells:
        offsets = range(cell.start, cell.end)
        order.extend(reversed(offsets) if cell.rtl else offsets)
    return order


def _compare(text: str, width: int, direction: str = "auto") -> list[str]:
    ours = ParagraphLayout(text, direction=direction, shape=False)
    theirs = fribidi.Paragraph(text, direction)
    problems = []
    if ours.rtl != theirs.rtl:
        problems.append(f"direction: ours rtl={ours.rtl}, fribidi rtl={theirs.rtl}")
    for number, line in enumerate(ours.lines(width)):
        mine = _drawn_order(line)
        drawn = set(mine)
        reference = [i for i in theirs.visual_order(line.start, line.end) if i in drawn]
        if mine != reference or len(drawn) != len(mine):
            problems.append(
                f"line {number} [{line.start}:{line.end}] {text[line.start : line.end]!r}: "
                f"ours {mine}, fribidi {reference}"
            )
    return problems


def test_there_are_five_seeds() -> None:
    assert len(SEEDS) == 5


@pytest.mark.parametrize("width", [40, 80, 120])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.stem)
def test_seed_lines_match_fribidi(seed: Path, width: int) -> None:
    text = seed.read_text(encoding="utf-8")
    problems: list[str] = []
    count = 0
    for start, end in paragraph_spans(text):
        paragraph = text[start:end]
        layout = ParagraphLayout(paragraph, shape=False)
        # Every character but the spaces at breaks is drawn (the seeds have no controls).
        drawn = sum(len(set(_drawn_order(line))) for line in layout.lines(width))
        spaces_at_breaks = len(paragraph) - sum(
            line.end - line.start for line in layout.lines(width)
        )
        assert drawn == len(paragraph) - spaces_at_breaks
        problems += _compare(paragraph, width)
        count += len(layout.lines(width))
    assert count > 5
    assert not problems, "\n".join(problems[:5])


ARABIC_WORDS = ["قوات", "سوريا", "الديمقراطية", "(قسد)", "«داعش»", "عام", "٢٠٢٤", "لا"]
OTHER_WORDS = ["Google", "LLC", "2024", "12.5%", "https://example.com/a?b=1", "[1]", "a-b", "→"]


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(ARABIC_WORDS + OTHER_WORDS), min_size=1, max_size=40),
    width=st.integers(min_value=4, max_value=100),
    direction=st.sampled_from(["auto", "rtl", "ltr"]),
)
def test_random_mixed_text_matches_fribidi(words: list[str], width: int, direction: str) -> None:
    text = " ".join(words)
    assert not _compare(text, width, direction)
