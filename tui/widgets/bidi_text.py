"""Short strings (titles, sources, names, notes) laid out for Textual widgets.

Textual draws strings in logical order; Arabic must be laid out (reordered, joined)
first. These cache the layout engine's answers, since lists redraw the same titles.
"""

from __future__ import annotations

from functools import lru_cache

from annotations.layout import ParagraphLayout, VisualLine
from annotations.layout import fit_line as _fit_line


@lru_cache(maxsize=8192)
def fit_line(text: str, width: int) -> VisualLine:
    """`text` as one visual line of at most `width` cells ("…" where it is cut).

    `.text` is what to draw; `.rtl` says to right-align it.
    """
    return _fit_line(text, max(width, 1))


def visual(text: str, width: int = 1000) -> str:
    """`text` in visual order for a one-line widget (labels, headers, options)."""
    return fit_line(text, width).text


def visual_lines(text: str, width: int) -> list[str]:
    """A paragraph wrapped to `width` and laid out: its lines in visual order, aligned."""
    layout = ParagraphLayout(" ".join(text.split()))
    return [" " * line.pad(width) + line.text for line in layout.lines(max(width, 1))]
