"""Short strings (titles, sources, names) laid out for one terminal line.

Textual draws strings in logical order; Arabic must be laid out (reordered, joined)
first. These helpers run the layout engine on one line and cache the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from annotations.layout import ParagraphLayout

ELLIPSIS = "…"


@dataclass(frozen=True)
class FittedLine:
    text: str  # visual order, at most `width` cells, nothing raw from the terminal's view
    rtl: bool  # right-align it


@lru_cache(maxsize=8192)
def fit_line(text: str, width: int, shape: bool = True) -> FittedLine:
    """The first visual line of `text` (newlines as spaces) in `width` cells, "…" if cut."""
    if width <= 0:
        return FittedLine("", False)
    flat = " ".join(text.split())
    layout = ParagraphLayout(flat, shape=shape)
    lines = layout.lines(width)
    if not lines:
        return FittedLine("", layout.rtl)
    if len(lines) == 1:
        return FittedLine(lines[0].text, layout.rtl)
    first = layout.lines(max(width - 1, 1))[0]
    # The ellipsis goes where the line is cut: the left end of a right-to-left line.
    shown = ELLIPSIS + first.text if layout.rtl else first.text + ELLIPSIS
    return FittedLine(shown, layout.rtl)


def visual(text: str, width: int = 1000) -> str:
    """`text` in visual order for a one-line widget (labels, headers, options)."""
    return fit_line(text, width).text


def visual_lines(text: str, width: int) -> list[str]:
    """A paragraph wrapped to `width` and laid out: its lines in visual order, aligned."""
    layout = ParagraphLayout(" ".join(text.split()))
    return [" " * line.pad(width) + line.text for line in layout.lines(max(width, 1))]
