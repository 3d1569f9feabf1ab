"""Short strings (titles, sources, names, notes) laid out for Textual widgets.

Textual draws strings in logical order; Arabic must be laid out (reordered, joined)
first. These cache the layout engine's answers, since lists redraw the same titles.
"""

from __future__ import annotations

from functools import lru_cache

from annotations.layout import ParagraphLayout, VisualLine
from annotations.layout import fit_line as _fit_line

ELLIPSIS = "…"
NAME_SEPARATOR = " · "


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
