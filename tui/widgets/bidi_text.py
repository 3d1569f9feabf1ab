"""Short strings (titles, sources, names) laid out right-to-left for one terminal line."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from annotations.text import printable


@dataclass(frozen=True)
class FittedLine:
    text: str  # visual order, at most `width` cells
    rtl: bool  # right-align it


@lru_cache(maxsize=4096)
def fit_line(text: str, width: int) -> FittedLine:
    """The first visual line of `text` laid out in `width` cells (an ellipsis if cut)."""
    # Placeholder until the layout engine lands: no reordering.
    shown = printable(text)
    return FittedLine(shown[:width], False)
