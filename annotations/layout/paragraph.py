"""One paragraph: its cells (computed once) and its visual lines at any width (cached).

Pipeline (docs/layout.md):

1. Once per paragraph: direction (P2/P3 unless forced), levels (python-bidi), the part
   of L1 that does not depend on line breaks (segment separators), cells in logical
   order (characters grouped: a letter with its marks, a lam-alef ligature), shaping,
   mirroring (L4), and the words and spaces the wrapper works on.
2. Per width: greedy wrap on the logical cells (at spaces; a word wider than the line
   is split), then per line: L1 at the line end, L2 reordering by levels (a cell is
   reversed whole, which is L3 for the marks in it).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final, NamedTuple

from annotations.layout import chars, shaping
from annotations.layout.levels import first_strong_is_rtl, resolve_levels

DIRECTIONS: Final = ("auto", "rtl", "ltr")
WIDE_PLACEHOLDER: Final = "\u2026"  # a 2-cell character on a 1-cell-wide line
_LINE_CACHE_SIZE: Final = 8


class Cell(NamedTuple):
    """One drawn cell (two columns for a wide character).

    A NamedTuple rather than a frozen dataclass: just as immutable, and four times
    cheaper to create, which counts for a long article (one cell per character).
    """

    text: str  # what to draw: a glyph and its combining marks; never a control character
    start: int  # the logical range [start, end) of the paragraph this cell shows
    end: int
    width: int  # terminal columns: 1, or 2 for a wide character
    rtl: bool  # drawn at an odd level


_tuple_new = tuple.__new__


@dataclass(frozen=True)
class VisualLine:
    """One screen line of a paragraph.

    Offsets are code-point offsets into the paragraph's text; columns count from the
    line's own left edge (add `pad(width)` to place it on a canvas).
    """

    cells: tuple[Cell, ...]  # visual order, left to right
    start: int  # the logical slice [start, end) of the paragraph this line holds
    end: int
    width: int  # sum of the cells' widths
    rtl: bool  # the paragraph's direction: align right if True

    @cached_property
    def text(self) -> str:
        """The cells' texts, left to right: what to print."""
        return "".join(cell.text for cell in self.cells)

    @cached_property
    def _maps(self) -> tuple[list[int], list[int]]:
        # column of each offset in [start, end) (-1: not drawn); cell index of each column
        columns = [-1] * (self.end - self.start)
        cell_of_column: list[int] = []
        column = 0
        base = self.start
        for index, cell in enumerate(self.cells):
            for offset in range(cell.start, cell.end):
                columns[offset - base] = column
            cell_of_column.extend([index] * cell.width)
            column += cell.width
        return columns, cell_of_column

    def pad(self, width: int) -> int:
        """Blank columns before the first cell on a `width`-wide canvas (RTL: right-aligned)."""
        return max(0, width - self.width) if self.rtl else 0

    def column_of(self, offset: int) -> int | None:
        """The column of the cell showing `offset`, or None if this line does not draw it."""
        if not self.start <= offset < self.end:
            return None
        column = self._maps[0][offset - self.start]
        return None if column < 0 else column

    def cell_at(self, column: int) -> Cell | None:
        """The cell covering `column`, or None past the line's ends."""
        if not 0 <= column < self.width:
            return None
        return self.cells[self._maps[1][column]]

    def offset_at(self, column: int) -> int | None:
        """The logical offset (first character) of the cell covering `column`, or None."""
        cell = self.cell_at(column)
        if cell is None or cell.start == cell.end:
            return None
        return cell.start

    def column_ranges(self, start: int, end: int) -> list[tuple[int, int]]:
        """The column ranges [x0, x1), left to right, of the cells showing any of [start, end).

        A logical range can be several visual pieces in mixed-direction text.
        """
        ranges: list[tuple[int, int]] = []
        column = 0
        for cell in self.cells:
            right = column + cell.width
            if cell.start < end and start < cell.end:
                if ranges and ranges[-1][1] == column:
                    ranges[-1] = (ranges[-1][0], right)
                else:
                    ranges.append((column, right))
            column = right
        return ranges


def visual_order(levels: Sequence[int]) -> list[int]:
    """Rule L2: indices of `levels` in visual order, left to right."""
    count = len(levels)
    if not count:
        return []
    highest = max(levels)
    lowest = min(levels)
    if highest == lowest:
        return list(range(count - 1, -1, -1)) if highest % 2 else list(range(count))
    order = list(range(count))
    lowest_odd = lowest if lowest % 2 else lowest + 1
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < count:
            if levels[order[i]] >= level:
                j = i + 1
                while j < count and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


class _Word(NamedTuple):
    """Cells [start, end) between spaces, and the width of the spaces before them."""

    start: int
    end: int
    separator_width: int
    width: int


class _Segment(NamedTuple):
    """A stretch of the paragraph between hard line breaks (newline, LS, PS)."""

    start: int  # logical [start, end); `end` is the break's offset (or the text's end)
    end: int
    first_cell: int  # cells [first_cell, end_cell)
    end_cell: int
    words: list[_Word]


class _Wrap(NamedTuple):
    lines: list[VisualLine]
    starts: list[int]  # lines[i].start, for bisecting


class ParagraphLayout:
    """One paragraph laid out for a terminal without bidi support.

    Levels, shaping and cells are computed once, here; `lines(width)` wraps and
    reorders, and is cached per width (the last few widths).

    direction: "auto" (UAX #9 P2/P3: the first strong character, LTR if none), "rtl"
    or "ltr". shape: Arabic letters in joined presentation forms.
    """

    def __init__(self, text: str, direction: str = "auto", shape: bool = True) -> None:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}: {direction!r}")
        self.text = text
        self.direction = direction
        self.shape = shape
        if direction == "auto":
            self.rtl = bool(first_strong_is_rtl(text))
        else:
            self.rtl = direction == "rtl"
        self.level = 1 if self.rtl else 0
        self._wraps: OrderedDict[int, _Wrap] = OrderedDict()
        classes = {chars.char_info(ch).bidi_class for ch in set(text)}
        self._build(resolve_levels(text, self.rtl, classes))

    # -- once per paragraph --------------------------------------------------------

    def _build(self, char_levels: list[int]) -> None:
        text = self.text
        base_level = self.level
        infos = chars.char_infos(text)

        # L1, the part that does not depend on line breaks: segment and paragraph
        # separators, and the whitespace before them, go to the paragraph level.
        if chars.has_separators(text):
            reset = False
            transparent = chars.L1_TRANSPARENT
            for i in range(len(text) - 1, -1, -1):
                cls = infos[i].bidi_class
                if cls == "S" or cls == "B":
                    reset = True
                    char_levels[i] = base_level
                elif reset and cls in transparent:
                    char_levels[i] = base_level
                else:
                    reset = False

        # Cells in logical order, while they are being built:
        # [start, end, drawn, marks, width, kind, level, whitespace, character]
        raw: list[list[Any]] = []  # records, mutable while building
        breakers: list[int] = []  # cells before which joining stops (an invisible control)
        breaks: list[int] = []  # offsets of the hard line breaks
        base_kind, mark_kind, invisible_kind, hidden_kind = (
            chars.BASE,
            chars.MARK,
            chars.INVISIBLE,
            chars.HIDDEN,
        )
        dotted_circle = chars.DOTTED_CIRCLE
        append = raw.append
        for i, (ch, info, level) in enumerate(zip(text, infos, char_levels, strict=True)):
            kind = info.kind
            if kind <= hidden_kind:  # BASE, SPACE, CONTROL, HIDDEN
                append([i, i + 1, info.drawn, "", info.width, kind, level, info.whitespace, ch])
            elif kind == mark_kind:
                if raw:
                    last = raw[-1]
                    if last[1] == i and last[5] == base_kind and last[6] == level:
                        last[3] += ch
                        last[1] = i + 1
                        continue
                # Nothing to join: drawn on a dotted circle, in a cell of its own.
                append([i, i + 1, dotted_circle, ch, 1, base_kind, level, False, dotted_circle])
            elif kind == invisible_kind:
                if raw and raw[-1][1] == i and raw[-1][5] == base_kind:
                    raw[-1][1] = i + 1
                if ch != chars.ZWJ:
                    breakers.append(len(raw))
            else:  # REMOVED, BREAK
                if kind == chars.BREAK:
                    breaks.append(i)
                breakers.append(len(raw))

        # Shaping: a glyph per cell; a lam-alef's alef cell merges into its lam cell.
        glyphs: list[str] | None = None
        if self.shape:
            bases = [cell[8] if cell[5] == base_kind else " " for cell in raw]
            if not shaping.JOINING.isdisjoint(bases):
                glyphs = shaping.shape(bases, breakers)
            if glyphs is not None:
                for c, glyph in enumerate(glyphs):
                    if glyph == "" and (
                        c == 0 or raw[c - 1][1] != raw[c][0] or raw[c - 1][6] != raw[c][6]
                    ):
                        glyphs = None  # a ligature that cannot be one cell (never seen)
                        break

        # The cells, with L4 (mirrored glyphs at odd levels).
        cells: list[Cell] = []
        cell_levels: list[int] = []
        cell_ws: list[bool] = []
        cell_space: list[bool] = []
        cell_hidden: list[bool] = []
        mirrors = chars.MIRRORS
        mirrored = chars.mirrored
        new = _tuple_new
        space_kind = chars.SPACE
        for c, (start, end, glyph, marks, width, kind, level, whitespace, _ch) in enumerate(raw):
            if glyphs is not None:
                if glyphs[c] == "":  # the alef of a lam-alef: into the cell before
                    lam = cells[-1]
                    cells[-1] = new(Cell, (lam.text + marks, lam.start, end, 1, lam.rtl))
                    continue
                if kind == base_kind:
                    glyph = glyphs[c]
            odd = level % 2 == 1
            if odd and glyph in mirrors:
                glyph = mirrored(glyph)
            cells.append(new(Cell, (glyph + marks if marks else glyph, start, end, width, odd)))
            cell_levels.append(level)
            cell_ws.append(whitespace)
            cell_space.append(kind == space_kind)
            cell_hidden.append(kind == hidden_kind)

        self._cells = cells
        self._cell_levels = cell_levels
        self._cell_ws = cell_ws
        self._cell_space = cell_space
        self._cell_hidden = cell_hidden
        self._has_hidden = any(cell_hidden)
        self._cell_starts = [cell.start for cell in cells]
        self._segments = self._segment(breaks)

    def _segment(self, breaks: list[int]) -> list[_Segment]:
        """The stretches between hard breaks, with their words."""
        cells = self._cells
        space = self._cell_space
        starts = self._cell_starts
        segments = []
        segment_start = 0
        for segment_end in [*breaks, len(self.text)]:
            c0 = bisect_left(starts, segment_start)
            c1 = bisect_left(starts, segment_end)
            words: list[_Word] = []
            k = c0
            separator_start = c0
            separator_width = 0
            while k < c1:
                # Spaces (and hidden cells alone between spaces) separate words.
                while k < c1 and space[k]:
                    separator_width += cells[k].width
                    k += 1
                if k == c1:
                    break  # trailing spaces: not drawn
                word_start = k
                word_width = 0
                while k < c1 and not space[k]:
                    word_width += cells[k].width
                    k += 1
                if word_width == 0:  # only hidden cells: part of the separator
                    continue
                if word_start > c0 and separator_start == c0:
                    # Leading spaces: an indent, drawn, as a word of its own.
                    words.append(_Word(c0, word_start, 0, separator_width))
                    separator_width = 0
                words.append(_Word(word_start, k, separator_width, word_width))
                separator_start = k
                separator_width = 0
            segments.append(_Segment(segment_start, segment_end, c0, c1, words))
            segment_start = segment_end + 1
        return segments

    # -- per width ------------------------------------------------------------------

    def lines(self, width: int) -> list[VisualLine]:
        """The visual lines at `width` cells (>= 1), top to bottom. Cached per width."""
        return self._wrap(width).lines

    def _wrap(self, width: int) -> _Wrap:
        if width < 1:
            raise ValueError(f"width must be at least 1: {width}")
        wrap = self._wraps.get(width)
        if wrap is not None:
            self._wraps.move_to_end(width)
            return wrap
        lines: list[VisualLine] = []
        for segment_start, segment_end, c0, c1, words in self._segments:
            previous_last = -1
            for first, last in self._break(width, words):
                if first == c0:
                    start = segment_start
                elif first == previous_last:  # no spaces between: where the line before ends
                    start = self._cells[first].start
                else:  # after the spaces of the break
                    start = self._cells[first - 1].end
                previous_last = last
                end = self._cells[last].start if last < c1 else segment_end
                lines.append(self._line(first, last, start, end, width, c0, c1))
            if not words:
                end = self._cells[c0].start if c0 < c1 else segment_end
                lines.append(VisualLine((), segment_start, end, 0, self.rtl))
        wrap = _Wrap(lines, [line.start for line in lines])
        self._wraps[width] = wrap
        if len(self._wraps) > _LINE_CACHE_SIZE:
            self._wraps.popitem(last=False)
        return wrap

    def _break(self, width: int, words: list[_Word]) -> list[tuple[int, int]]:
        """Greedy line breaking: (first cell, end cell) of each line of one segment."""
        cells = self._cells
        out: list[tuple[int, int]] = []
        line_first = -1
        line_end = -1
        line_width = 0
        for word_start, word_end, separator_width, word_width in words:
            if line_first >= 0 and line_width + separator_width + word_width <= width:
                line_width += separator_width + word_width
                line_end = word_end
                continue
            if line_first >= 0:
                out.append((line_first, line_end))  # the separator spaces are not drawn
            if word_width <= width:
                line_first, line_end, line_width = word_start, word_end, word_width
                continue
            # A word wider than the line (a URL): split it between cells.
            line_first, line_width = word_start, 0
            for k in range(word_start, word_end):
                cell_width = cells[k].width
                if line_width + cell_width > width and k > line_first:
                    out.append((line_first, k))
                    line_first, line_width = k, 0
                line_width += cell_width
            line_end = word_end
        if line_first >= 0:
            out.append((line_first, line_end))
        return out

    def _line(
        self,
        first: int,
        last: int,
        start: int,
        end: int,
        width: int | None,
        segment_first: int,
        segment_end: int,
    ) -> VisualLine:
        """Cells [first, last) as one visual line holding the logical slice [start, end)."""
        cells = self._cells[first:last]
        levels = self._cell_levels[first:last]
        if not cells:
            return VisualLine((), start, end, 0, self.rtl)
        base_level = self.level
        # L1 at the line end: trailing whitespace goes to the paragraph level.
        ws = self._cell_ws
        k = last - 1
        while k >= first and ws[k]:
            if levels[k - first] != base_level:
                levels[k - first] = base_level
                cells[k - first] = cells[k - first]._replace(rtl=self.rtl)
            k -= 1
        if self.shape:
            # No joining across a line break inside a word.
            if first > segment_first and not self._cell_space[first - 1]:
                cell = cells[0]
                glyph = shaping.unjoin_before(cell.text[:1])
                if glyph != cell.text[:1]:
                    cells[0] = cell._replace(text=glyph + cell.text[1:])
            if last < segment_end and not self._cell_space[last]:
                cell = cells[-1]
                glyph = shaping.unjoin_after(cell.text[:1])
                if glyph != cell.text[:1]:
                    cells[-1] = cell._replace(text=glyph + cell.text[1:])
        if width is not None and width < 2:
            cells = [
                cell._replace(text=WIDE_PLACEHOLDER, width=1) if cell.width > width else cell
                for cell in cells
            ]
        order = visual_order(levels)
        if self._has_hidden:
            hidden = self._cell_hidden
            order = [i for i in order if not hidden[first + i]]
        line_width = sum(cell.width for cell in cells)
        return VisualLine(tuple([cells[i] for i in order]), start, end, line_width, self.rtl)

    def visual_line(self, start: int = 0, end: int | None = None) -> VisualLine:
        """The logical slice [start, end) as one visual line, however wide: no wrapping.

        Every cell wholly inside the slice is drawn, spaces included (L1 still applies
        at the end). For short strings (titles) and the conformance tests.
        """
        if end is None:
            end = len(self.text)
        first = bisect_left(self._cell_starts, start)
        last = bisect_left(self._cell_starts, end)
        while last > first and self._cells[last - 1].end > end:
            last -= 1
        return self._line(first, last, start, end, None, 0, len(self._cells))

    def locate(self, offset: int, width: int) -> tuple[int, int] | None:
        """(line index, column) of the cell showing `offset` at `width`, or None if not drawn."""
        wrap = self._wrap(width)
        index = bisect_right(wrap.starts, offset) - 1
        if index < 0:
            return None
        column = wrap.lines[index].column_of(offset)
        return None if column is None else (index, column)

    def offset_at(self, line: int, column: int, width: int) -> int | None:
        """The logical offset shown at (line, column) at `width`, or None (no cell there)."""
        lines = self._wrap(width).lines
        if not 0 <= line < len(lines):
            return None
        return lines[line].offset_at(column)
