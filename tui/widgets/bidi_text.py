"""Strings of unknown direction (titles, names, notes, status lines) for Textual widgets.

Textual draws strings in logical order and wraps them; Arabic must be laid out
(reordered, joined) first, at the width it will be drawn in, and never wrapped again.
Everything here is `annotations.layout.draw` (the printable filter, then the layout
engine) in the forms widgets need: a str, a padded str, a `rich.text.Text` that does
not wrap, several lines of a paragraph.
Bidi embeddings, overrides and isolates are drawn as marks unless the app's setting
hides them (`set_bidi_marks`, from `Settings.bidi_marks`).
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

ELLIPSIS = "…"
NAME_SEPARATOR = " · "

_marks = {"show": True}  # the app's setting, one per process


def set_bidi_marks(show: bool) -> None:
    """Draw (True) or hide the marks of bidi controls in every string laid out here."""
    if _marks["show"] != show:
        _marks["show"] = show


def bidi_marks() -> bool:
    return _marks["show"]


def fit_line(text: str, width: int, shape: bool = True, direction: str = "auto") -> VisualLine:
    """`text` as one visual line of at most `width` cells ("…" where it is cut).

    `.text` is what to draw; `.rtl` says to right-align it.
    """
    return _draw(text, max(width, 1), direction=direction, shape=shape, bidi_marks=_marks["show"])


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
    layout = ParagraphLayout(
        " ".join(printable(text, keep_bidi=True).split()), shape=shape, bidi_marks=_marks["show"]
    )
    return [" " * line.pad(width) + line.text for line in layout.lines(max(width, 1))]


def clipped_lines(text: str, width: int, max_lines: int, close: str = "") -> tuple[str, list[str]]:
    """`text + close` wrapped to `width` in at most `max_lines` lines, laid out like
    `visual_lines`; text that needs more is cut and ends with "…" + `close`.

    Returns the logical text shown (what the lines are the layout of) and its lines.
    """
    width, max_lines = max(width, 1), max(max_lines, 1)
    flat = " ".join(text.split())
    shown = flat + close
    lines = ParagraphLayout(shown).lines(width)
    if len(lines) > max_lines:
        # Cut after the last line that fits, then back until the mark fits too.
        cut = flat[: min(lines[max_lines - 1].end, len(flat))]
        while True:
            shown = cut.rstrip() + ELLIPSIS + close
            lines = ParagraphLayout(shown).lines(width)
            if len(lines) <= max_lines or not cut:
                break
            cut = cut[:-1]
    return shown, [" " * line.pad(width) + line.text for line in lines[:max_lines]]


def name_pair(first: str, second: str, width: int) -> str:
    """Two names of one thing ("Supportive", "مؤيد") on one line of `width` cells, in
    visual order, `first` on the left: each laid out on its own, the first cut with "…"
    only if it alone is too wide, the second shown whole or not at all (a name cut to a
    few letters reads as another word)."""
    if not first.strip():
        first, second = second, ""
    head = fit_line(first, width)
    if not second.strip():
        return head.text
    tail = fit_line(second, 10_000)
    if head.width + len(NAME_SEPARATOR) + tail.width > width:
        return head.text
    return head.text + NAME_SEPARATOR + tail.text
