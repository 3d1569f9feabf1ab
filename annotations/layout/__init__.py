"""The bidi layout engine: Arabic (and mixed) text drawn right in a terminal without bidi.

Terminals, Textual and Rich put characters left to right in the order they get them.
This package turns a paragraph's logical text into visual lines of terminal cells:
wrapped on the logical text, each line reordered by the Unicode Bidirectional
Algorithm (UAX #9), Arabic letters in their joined forms, mirrored brackets, controls
made visible; with maps both ways between logical offsets and screen columns. It is
pure Python (its own levels for text without explicit formatting, python-bidi for
the rest; arabic-reshaper for the shaping) and never imports Textual or Rich.
docs/layout.md has the design notes.

Public API:

``ParagraphLayout(text, direction="auto", shape=True, bidi_marks=True)``
    One paragraph. ``direction`` is "auto" (UAX #9 P2/P3: the first strong character,
    skipping isolates; LTR if none), "rtl" or "ltr". Levels are computed once (a byte
    per character); cells a block of text at a time, when a line needs them.
    ``bidi_marks``: draw embeddings, overrides and isolates as marks (still applied).
    ``.rtl``: the paragraph direction (right-align if True).
    ``.lines(width) -> Sequence[VisualLine]``: wrapped and reordered; the wrap is cached
    per width, each line built when read.
    ``.iter_lines(width) -> Iterator[VisualLine]``: the same, built as found (printing).
    ``.locate(offset, width) -> (line, column) | None``: None if the offset is not drawn.
    ``.offset_at(line, column, width) -> int | None``.
    ``.visual_line(start=0, end=None) -> VisualLine``: a logical slice as one line, unwrapped.

``VisualLine``: ``cells`` (visual order; made each time they are read: a line keeps
    columns), ``start``/``end`` (the logical slice it holds),
    ``width`` (cells), ``rtl`` (paragraph direction), ``text`` (what to print),
    ``pad(width)`` (blank columns before it on a canvas), ``column_of(offset)``,
    ``offset_at(column)``, ``cell_at(column)``, ``column_ranges(start, end)`` (the column
    ranges showing a logical range: several pieces in mixed text).

``Cell``: ``text`` (glyph + combining marks; never a control), ``start``/``end`` (logical
    range it shows: a lam-alef ligature or a letter with harakat is one cell for several
    characters), ``width`` (1, or 2 for East Asian wide), ``rtl`` (odd level).

``ArticleLayout(text, paragraphs, direction="auto", shape=True, bidi_marks=True)``
    An article's stored text and its (start, end) paragraph spans.
    ``.rows(width) -> Sequence[Row]``: every screen row, a blank row between paragraphs
    (each made when read).
    ``.position_of(offset, width) -> (row, column) | None`` (absolute offsets, canvas columns).
    ``.offset_at(row, column, width) -> int | None``. ``.paragraph(i) -> ParagraphLayout``.

``Row``: ``paragraph`` (None for a blank row), ``line``, ``index``, ``x`` (padding),
    ``base`` (absolute offset of the paragraph), ``start``/``end``, ``column_of(offset)``,
    ``offset_at(column)``.

``render_plain(text, paragraphs, width, direction="auto", shape=True, bidi="app",
bidi_marks=True) -> str`` and ``iter_plain(...)`` (line by line)
    The article as plain text (``hashiya cat``); ``bidi="terminal"`` gives the wrapped
    logical lines for terminals that do bidi themselves (no bidi control nor tag
    character sent raw). ``terminal_safe(text, bidi_marks=True)``: one such line.

``fit_line(text, width, direction="auto", shape=True, bidi_marks=True) -> VisualLine``
    A title or name on one line of at most ``width`` cells, cut with an ellipsis.

``draw(text, width, direction="auto", shape=True) -> VisualLine`` (``layout.draw``)
    The one way to draw any string of unknown direction on one line: the printable
    filter, then ``fit_line``. ``cell(...)`` pads it to a width, ``table(...)`` makes
    plain-text columns padded by terminal cells.

Offsets are code-point offsets into the paragraph's text (``ParagraphLayout``,
``VisualLine``, ``Cell``) or into the article's text (``ArticleLayout``, ``Row``).
"""

from annotations.layout.article import (
    ArticleLayout,
    Row,
    fit_line,
    iter_plain,
    render_plain,
    terminal_safe,
)
from annotations.layout.draw import cell, draw, table
from annotations.layout.levels import LevelsError
from annotations.layout.paragraph import Cell, ParagraphLayout, VisualLine

__all__ = [
    "ArticleLayout",
    "Cell",
    "LevelsError",
    "ParagraphLayout",
    "Row",
    "VisualLine",
    "cell",
    "draw",
    "fit_line",
    "iter_plain",
    "render_plain",
    "table",
    "terminal_safe",
]
