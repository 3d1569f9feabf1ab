"""The one way to put a string of unknown direction on one line, and tables of them.

Every string the app or the command line prints outside the reader (names, titles,
labels, notes, status lines, table cells) goes through `draw`: first the printable
filter (`annotations.text.printable`: nothing from data reaches a terminal raw), then
the layout engine (reordered, joined, cut with an ellipsis at the paragraph's end).
`logical=True` is for terminals that do bidi themselves (and pipes): the filtered
text in logical order, cut by cells, never reordered nor shaped.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import Final

from annotations.layout import chars
from annotations.layout.article import ELLIPSIS, fit_line
from annotations.layout.paragraph import VisualLine
from annotations.text import printable

UNLIMITED: Final = 10_000  # "as wide as it needs": one line, never cut in practice


@lru_cache(maxsize=16384)
def draw(
    text: str, width: int = UNLIMITED, *, direction: str = "auto", shape: bool = True
) -> VisualLine:
    """`text` as one visual line of at most `width` cells ("…" where it is cut).

    `direction` is "auto" for data alone (a name, a title), "ltr" for a line of English
    with data in it (a status line), "rtl" to force it. `.text` is what to print,
    `.width` its cells, `.rtl` says to right-align it, `.pad(width)` by how much.
    """
    return fit_line(printable(text), max(width, 1), direction, shape)


def cut_logical(text: str, width: int = UNLIMITED) -> str:
    """`text` filtered and in logical order, cut to `width` cells (for a terminal's bidi)."""
    flat = printable(text)
    if chars.cell_width(flat) <= width:
        return flat
    out, used = [], 0
    for ch in flat:
        cells = chars.char_info(ch).width
        if used + cells > width - 1:
            break
        out.append(ch)
        used += cells
    return "".join(out).rstrip() + ELLIPSIS


def cell(
    text: str,
    width: int,
    *,
    direction: str = "auto",
    shape: bool = True,
    align: str | None = None,
    logical: bool = False,
) -> str:
    """`text` drawn in exactly `width` terminal cells, padded with spaces.

    Right-to-left text is right-aligned, other text left-aligned, unless `align` is
    "left" or "right".
    """
    if logical:
        shown = cut_logical(text, width)
        used, rtl = chars.cell_width(shown), False
    else:
        line = draw(text, width, direction=direction, shape=shape)
        shown, used, rtl = line.text, line.width, line.rtl
    gap = " " * max(width - used, 0)
    right = align == "right" or (align is None and rtl)
    return gap + shown if right else shown + gap


def text_width(text: str, *, shape: bool = True, logical: bool = False) -> int:
    """Cells `text` takes once drawn (a lam-alef ligature is one, harakat none)."""
    if logical:
        return chars.cell_width(printable(text))
    return draw(text, shape=shape).width


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Collection[int] = (),
    rule: bool = False,
    shape: bool = True,
    logical: bool = False,
) -> list[str]:
    """Plain-text columns two spaces apart, padded by terminal cells, every cell drawn.

    Columns in `right` (numbers) are right-aligned; a column of Arabic is right-aligned
    cell by cell; the last column is not padded. `rule` puts a line of dashes under
    the headers.
    """
    n = len(headers)
    every = [headers, *rows]
    widths = [
        max(text_width(row[i], shape=shape, logical=logical) for row in every) for i in range(n)
    ]
    lines = []
    for number, row in enumerate(every):
        cells = []
        for i, value in enumerate(row):
            align = "right" if i in right else None
            if number == 0 and i not in right:
                align = "left"  # headers read as English, whatever is under them
            cells.append(cell(value, widths[i], shape=shape, align=align, logical=logical))
        lines.append("  ".join(cells).rstrip())
        if number == 0 and rule:
            lines.append("  ".join("-" * w for w in widths).rstrip())
    return lines
