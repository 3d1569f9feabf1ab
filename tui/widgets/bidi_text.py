"""Short strings (titles, sources, names, notes) laid out for Textual widgets.

Textual draws strings in logical order; Arabic must be laid out (reordered, joined)
first. These cache the layout engine's answers, since lists redraw the same titles.
Bidi embeddings, overrides and isolates are drawn as marks unless the app's setting
hides them (`set_bidi_marks`, from `Settings.bidi_marks`).
"""

from __future__ import annotations

from functools import lru_cache

from annotations.layout import ParagraphLayout, VisualLine
from annotations.layout import fit_line as _fit_line

_marks = {"show": True}  # the app's setting, one per process


def set_bidi_marks(show: bool) -> None:
    """Draw (True) or hide the marks of bidi controls in every string laid out here."""
    if _marks["show"] != show:
        _marks["show"] = show
        _fit.cache_clear()


def bidi_marks() -> bool:
    return _marks["show"]


@lru_cache(maxsize=8192)
def _fit(text: str, width: int, marks: bool) -> VisualLine:
    return _fit_line(text, max(width, 1), bidi_marks=marks)


def fit_line(text: str, width: int) -> VisualLine:
    """`text` as one visual line of at most `width` cells ("…" where it is cut).

    `.text` is what to draw; `.rtl` says to right-align it.
    """
    return _fit(text, width, _marks["show"])


def visual(text: str, width: int = 1000) -> str:
    """`text` in visual order for a one-line widget (labels, headers, options)."""
    return fit_line(text, width).text


def visual_lines(text: str, width: int) -> list[str]:
    """A paragraph wrapped to `width` and laid out: its lines in visual order, aligned."""
    layout = ParagraphLayout(" ".join(text.split()), bidi_marks=_marks["show"])
    return [" " * line.pad(width) + line.text for line in layout.lines(max(width, 1))]
