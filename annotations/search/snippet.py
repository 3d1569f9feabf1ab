"""A search hit's snippet as one visual line of a terminal, with the matches located.

The snippet of a `Hit` (or a passage's quote) is logical text; a terminal without bidi
needs it laid out (annotations.layout). `snippet_line` picks the words around the first
match that fit in `width` cells, lays them out as one line, and gives the columns of
every match, so that the command line and the app highlight the same cells. Pure: no
Textual, no Rich.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from annotations.layout import Cell, ParagraphLayout, VisualLine
from annotations.layout.chars import HARD_BREAKS

__all__ = ["ELLIPSIS", "SnippetLine", "snippet_line"]

ELLIPSIS = "\u2026"
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class SnippetLine:
    """One visual line of a snippet and where its matches are drawn."""

    line: VisualLine  # cells left to right; an ellipsis cell (covering no offset) where cut
    # Column ranges [x0, x1) of the line (add `pad(width)` on a canvas) showing a match,
    # left to right.
    marks: tuple[tuple[int, int], ...]

    @property
    def text(self) -> str:
        return self.line.text

    @property
    def rtl(self) -> bool:
        return self.line.rtl

    @property
    def width(self) -> int:
        return self.line.width

    def pad(self, width: int) -> int:
        """Blank columns before the line on a `width`-wide canvas (right-aligned if RTL)."""
        return self.line.pad(width)

    def runs(self) -> list[tuple[str, bool]]:
        """The line's text left to right in runs, each with whether it shows a match."""
        out: list[tuple[str, bool]] = []
        column = 0
        marks = self.marks
        for cell in self.line.cells:
            marked = any(x0 <= column < x1 for x0, x1 in marks)
            if out and out[-1][1] == marked:
                out[-1] = (out[-1][0] + cell.text, marked)
            else:
                out.append((cell.text, marked))
            column += cell.width
        return out


def snippet_line(
    text: str,
    spans: Sequence[tuple[int, int]],
    width: int,
    *,
    shape: bool = True,
    direction: str = "auto",
) -> SnippetLine:
    """`text` (a snippet: offsets relative to it) as one visual line of at most `width` cells.

    When all of it does not fit, the line holds whole words around the first of `spans`
    (the match is never cut off unless it alone is wider than the line), with an
    ellipsis at each end where words were left out: on the left for the end of a
    right-to-left text. Line breaks count as spaces. `marks` are the columns of every
    span that is drawn.
    """
    if width < 1:
        raise ValueError(f"width must be at least 1: {width}")
    flat = "".join(" " if ch in HARD_BREAKS else ch for ch in text)  # same offsets
    layout = ParagraphLayout(flat, direction, shape)
    words = [m.span() for m in _WORD.finditer(flat)]
    if not words:
        return SnippetLine(VisualLine((), 0, 0, 0, layout.rtl), ())
    lo, hi = words[0][0], words[-1][1]

    def cut_width(a: int, b: int) -> int:
        return layout.visual_line(a, b).width + (a > lo) + (b < hi)

    ellipses = True  # mark the ends where words were left out (not on a tiny line)
    if layout.visual_line(lo, hi).width <= width:
        a, b = lo, hi
    else:
        focus_start, focus_end = spans[0] if spans else (lo, lo)
        first = next((i for i, (_, e) in enumerate(words) if e > focus_start), len(words) - 1)
        last = first
        while last + 1 < len(words) and words[last + 1][0] < focus_end:
            last += 1
        a, b = words[first][0], words[last][1]
        if cut_width(a, b) > width:
            room = width - (a > lo) - 1
            if room < 1:
                ellipses, room = False, width
            b = _longest_end(layout, a, b, room)
        else:
            # Grow by whole words, one before then one after, while the line has room.
            grown = True
            while grown:
                grown = False
                if first > 0 and cut_width(words[first - 1][0], b) <= width:
                    first -= 1
                    a = words[first][0]
                    grown = True
                if last + 1 < len(words) and cut_width(a, words[last + 1][1]) <= width:
                    last += 1
                    b = words[last][1]
                    grown = True
    line = layout.visual_line(a, b)
    cells = list(line.cells)
    line_width = line.width
    # The ellipsis stands where text was left out: before the window at the start of the
    # reading direction (the right of a right-to-left line), after it at the end.
    cut_before, cut_after = ellipses and a > lo, ellipses and b < hi
    left, right = (cut_after, cut_before) if layout.rtl else (cut_before, cut_after)
    left_at, right_at = (b, a) if layout.rtl else (a, b)
    if left:
        cells.insert(0, Cell(ELLIPSIS, left_at, left_at, 1, False))
        line_width += 1
    if right:
        cells.append(Cell(ELLIPSIS, right_at, right_at, 1, False))
        line_width += 1
    shown = VisualLine(tuple(cells), a, b, line_width, layout.rtl)
    marks: list[tuple[int, int]] = []
    for start, end in spans:
        if start < b and a < end:
            marks.extend(shown.column_ranges(max(start, a), min(end, b)))
    return SnippetLine(shown, tuple(_merged(marks)))


def _longest_end(layout: ParagraphLayout, a: int, b: int, room: int) -> int:
    """The largest end <= b at a cell boundary with [a, end) no wider than `room`."""
    used = 0
    end = a
    for cell in sorted(layout.visual_line(a, b).cells, key=lambda cell: cell.start):
        if used + cell.width > room:
            break
        used += cell.width
        end = cell.end
    return max(end, a)


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for x0, x1 in sorted(ranges):
        if out and x0 <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], x1))
        else:
            out.append((x0, x1))
    return out
