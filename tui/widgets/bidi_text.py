"""Strings of unknown direction (titles, names, notes, status lines) for Textual widgets.

Textual draws strings in logical order and wraps them; Arabic must be laid out
(reordered, joined) first, at the width it will be drawn in, and never wrapped again.
Everything here is `annotations.layout.draw` (the printable filter, then the layout
engine) in the forms widgets need: a str, a padded str, a `rich.text.Text` that does
not wrap, several lines of a paragraph.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from annotations.layout import ParagraphLayout, VisualLine
from annotations.layout import cell as _cell
from annotations.layout import draw as _draw
from annotations.text import printable

LONG = 1000  # a width no one-line widget reaches


def fit_line(text: str, width: int, shape: bool = True, direction: str = "auto") -> VisualLine:
    """`text` as one visual line of at most `width` cells ("…" where it is cut).

    `.text` is what to draw; `.rtl` says to right-align it.
    """
    return _draw(text, max(width, 1), direction=direction, shape=shape)


def visual(text: str, width: int = LONG, shape: bool = True) -> str:
    """`text` in visual order for a one-line widget (labels, headers, options)."""
    return fit_line(text, width, shape).text


def padded(
    text: str, width: int, shape: bool = True, align: str | None = None, direction: str = "auto"
) -> str:
    """`text` in exactly `width` cells: right-aligned if right-to-left (or `align`)."""
    return _cell(text, max(width, 1), direction=direction, shape=shape, align=align)


def english_line(text: str, width: int = LONG, shape: bool = True) -> str:
    """A line of English with data in it ("saved · «قال»"): left-to-right, laid out."""
    return fit_line(text, width, shape, direction="ltr").text


def labelled(head: str, value: str, width: int, shape: bool = True) -> str:
    """`head` (English, already drawn: "note: ") then a value of unknown direction,
    laid out on its own in the rest of `width` (right-aligned there if right-to-left),
    so that it reads as it would alone whatever its direction and the head's."""
    room = max(width - cell_len(head), 4)
    line = fit_line(value, room, shape)
    return head + " " * line.pad(room) + line.text


def line_text(
    text: str,
    width: int = LONG,
    style: Style | str = "",
    *,
    shape: bool = True,
    direction: str = "auto",
) -> Text:
    """One laid-out line as Rich text that never wraps (a second wrap would break it)."""
    return Text(fit_line(text, width, shape, direction).text, style=style, no_wrap=True, end="")


def lines_text(lines: list[str]) -> Text:
    """Lines already drawn (by the functions here) as one Rich text that never wraps."""
    return Text("\n".join(lines), no_wrap=True, end="")


def visual_lines(text: str, width: int, shape: bool = True) -> list[str]:
    """A paragraph wrapped to `width` and laid out: its lines in visual order, aligned."""
    layout = ParagraphLayout(" ".join(printable(text).split()), shape=shape)
    return [" " * line.pad(width) + line.text for line in layout.lines(max(width, 1))]
