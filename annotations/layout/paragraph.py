"""One paragraph: its levels (computed once), its cells (a block at a time, on demand)
and its visual lines at any width.

Pipeline (docs/layout.md):

1. Once per paragraph: direction (P2/P3 unless forced), levels (python-bidi, in pieces
   for a long paragraph), the levels of the bidi marks, the part of L1 that does not
   depend on line breaks (segment separators).
2. Per block of text (the whole of a short paragraph, kept): cells in logical order
   (characters grouped: a letter with its marks, a lam-alef ligature, a bidi control's
   mark), shaping, mirroring (L4).
3. Per width: greedy wrap on the logical cells, streamed (at spaces; a word wider than
   the line is split), kept as each line's logical slice; then per line, when read:
   L1 at the line end, L2 reordering by levels (a cell is reversed whole, which is L3
   for the marks in it).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterator, MutableSequence, Sequence
from functools import cache
from itertools import chain, compress, repeat
from threading import RLock
from typing import Any, Final, NamedTuple, overload

from annotations.layout import chars, shaping
from annotations.layout.levels import first_strong_is_rtl, paragraph_levels

DIRECTIONS: Final = ("auto", "rtl", "ltr")
WIDE_PLACEHOLDER: Final = "\u2026"  # a 2-cell character on a 1-cell-wide line
_LINE_CACHE_SIZE: Final = 8  # widths whose wrap is kept
# A paragraph longer than this many characters is built a block at a time, on demand.
BLOCK: Final = 4096
_BLOCK_CACHE_SIZE: Final = 4
_BUILT_LINES: Final = 512  # lines kept built per width, for a long paragraph
# Cells of context around a block: cell grouping looks one record back, joining one or
# two letters either way; eight is well past both.
_CONTEXT_CELLS: Final = 8


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


# Cells in bulk: map(_new_tuple, repeat(Cell), tuples) calls tuple.__new__ directly,
# cheaper than a partial or Cell's own __new__.
_new_tuple = tuple.__new__

# Over plain text's layout codes (`chars.LAYOUT_OF`) and levels.
_MARK_RUNS = re.compile(b"m+")
_RUNS = re.compile(rb"(.)\1*", re.DOTALL)  # runs of one level


@cache
def _high_runs(level: int) -> re.Pattern[bytes]:
    """Runs of one level's byte (compiled when first needed: 128 at import cost a few ms
    of every start)."""
    return re.compile(re.escape(bytes((level,))) + b"+")


_ODD = (False, True) * 64  # by level: drawn right to left


# A line's cells as columns: texts, starts, ends, widths, then either rtl (one flag
# for all) and None, the columns in visual order; or the cells' levels and their
# visual order (indices into the columns, which are in logical order).
_Columns = tuple[
    Sequence[str], Sequence[int], Sequence[int], Sequence[int], "bool | Sequence[int]",
    "list[int] | None",
]  # fmt: skip


class VisualLine:
    """One screen line of a paragraph.

    Offsets are code-point offsets into the paragraph's text; columns count from the
    line's own left edge (add `pad(width)` to place it on a canvas).

    A line the layout makes keeps its cells as columns (strings and numbers) and makes
    the `Cell`s each time `cells` is read: a long article's lines then hold no object
    per character, which the garbage collector would walk through again and again.
    """

    __slots__ = ("_cells", "_columns", "_maps", "_text", "end", "rtl", "start", "width")

    def __init__(self, cells: Sequence[Cell], start: int, end: int, width: int, rtl: bool) -> None:
        self._cells: tuple[Cell, ...] | None = tuple(cells)
        self._columns: _Columns | None = None
        self._text: str | None = None
        self._maps: tuple[list[int], list[int]] | None = None
        self.start = start  # the logical slice [start, end) of the paragraph this line holds
        self.end = end
        self.width = width  # sum of the cells' widths
        self.rtl = rtl  # the paragraph's direction: align right if True

    @classmethod
    def _of_columns(
        cls, columns: _Columns, start: int, end: int, width: int, rtl: bool
    ) -> VisualLine:
        line = cls.__new__(cls)
        line._cells = None
        line._columns = columns
        line._text = None
        line._maps = None
        line.start, line.end, line.width, line.rtl = start, end, width, rtl
        return line

    @property
    def cells(self) -> tuple[Cell, ...]:
        """The cells, left to right."""
        if self._cells is not None:
            return self._cells
        texts, starts, ends, widths, rtl, order = self._columns  # type: ignore[misc]
        count = len(texts)
        if order is None:
            flags = repeat(rtl, count)
            return tuple(
                map(
                    _new_tuple,
                    repeat(Cell, count),
                    zip(texts, starts, ends, widths, flags, strict=True),
                )
            )
        odd = map(_ODD.__getitem__, rtl)  # type: ignore[arg-type]
        logical = list(zip(texts, starts, ends, widths, odd, strict=True))
        return tuple(map(_new_tuple, repeat(Cell, len(order)), map(logical.__getitem__, order)))

    @property
    def text(self) -> str:
        """The cells' texts, left to right: what to print."""
        if self._text is None:
            if self._columns is not None:
                texts, order = self._columns[0], self._columns[5]
                self._text = "".join(texts if order is None else map(texts.__getitem__, order))
            else:
                self._text = "".join(cell.text for cell in self.cells)
        return self._text

    def _key(self) -> tuple[object, ...]:
        return (self.cells, self.start, self.end, self.width, self.rtl)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"VisualLine(cells={self.cells!r}, start={self.start!r}, end={self.end!r}, "
            f"width={self.width!r}, rtl={self.rtl!r})"
        )

    def _columns_and_cells(self) -> tuple[list[int], list[int]]:
        # column of each offset in [start, end) (-1: not drawn); cell index of each column
        if self._maps is not None:
            return self._maps
        columns = [-1] * (self.end - self.start)
        cell_of_column: list[int] = []
        column = 0
        base = self.start
        if self._columns is not None:
            _texts, starts, ends, widths, _rtl, order = self._columns
            if order is not None:
                starts, ends, widths = (
                    [column[i] for i in order] for column in (starts, ends, widths)
                )
            bounds: Iterator[tuple[int, int, int]] = zip(starts, ends, widths, strict=True)
        else:
            bounds = ((cell.start, cell.end, cell.width) for cell in self.cells)
        for index, (cell_start, cell_end, cell_width) in enumerate(bounds):
            for offset in range(cell_start, cell_end):
                columns[offset - base] = column
            cell_of_column.extend([index] * cell_width)
            column += cell_width
        self._maps = columns, cell_of_column
        return self._maps

    def pad(self, width: int) -> int:
        """Blank columns before the first cell on a `width`-wide canvas (RTL: right-aligned)."""
        return max(0, width - self.width) if self.rtl else 0

    def column_of(self, offset: int) -> int | None:
        """The column of the cell showing `offset`, or None if this line does not draw it."""
        if not self.start <= offset < self.end:
            return None
        column = self._columns_and_cells()[0][offset - self.start]
        return None if column < 0 else column

    def cell_at(self, column: int) -> Cell | None:
        """The cell covering `column`, or None past the line's ends."""
        if not 0 <= column < self.width:
            return None
        index = self._columns_and_cells()[1][column]
        if self._columns is None:
            return self.cells[index]
        texts, starts, ends, widths, rtl, order = self._columns
        if order is None:
            return Cell(texts[index], starts[index], ends[index], widths[index], rtl)  # type: ignore[arg-type]
        i = order[index]
        return Cell(texts[i], starts[i], ends[i], widths[i], _ODD[rtl[i]])  # type: ignore[index]

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
    """Rule L2: indices of `levels` in visual order, left to right.

    Worked on runs of one level (a line has a few), each reversed whole: a run is
    (start, end, reversed)."""
    count = len(levels)
    if not count:
        return []
    highest = max(levels)
    lowest = min(levels)
    if highest == lowest:
        return list(range(count - 1, -1, -1)) if highest % 2 else list(range(count))
    data = levels if isinstance(levels, (bytes, bytearray)) else bytes(levels)
    if highest == lowest + 1:  # two levels (most mixed lines): the runs of the higher
        high = _high_runs(highest)
        order: list[int] = []
        if lowest % 2:  # all reversed, each higher run back in order
            position = count
            for begin, end in reversed([match.span() for match in high.finditer(data)]):
                order.extend(range(position - 1, end - 1, -1))
                order.extend(range(begin, end))
                position = begin
            order.extend(range(position - 1, -1, -1))
        else:  # each higher run reversed
            position = 0
            for match in high.finditer(data):
                begin, end = match.span()
                order.extend(range(position, begin))
                order.extend(range(end - 1, begin - 1, -1))
                position = end
            order.extend(range(position, count))
        return order
    runs = [(*run.span(), False) for run in _RUNS.finditer(data)]
    run_levels = [data[begin] for begin, _end, _flipped in runs]
    lowest_odd = lowest if lowest % 2 else lowest + 1
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        n = len(runs)
        while i < n:
            if run_levels[i] >= level:
                j = i + 1
                while j < n and run_levels[j] >= level:
                    j += 1
                runs[i:j] = [(begin, end, not flipped) for begin, end, flipped in runs[i:j][::-1]]
                run_levels[i:j] = run_levels[i:j][::-1]
                i = j
            else:
                i += 1
    order = []
    for begin, end, flipped in runs:
        order.extend(range(end - 1, begin - 1, -1) if flipped else range(begin, end))
    return order


class _Cells:
    """A paragraph's cells, in logical order, as parallel sequences (no Cell objects yet).

    Built for a window of the text; `first`/`last` bound the cells that belong to the
    range asked for (those whose start lies in it); the others are context. The bulk
    path makes the flags bytes, the levels a bytearray and the offsets ranges where it
    can; `narrow` says every cell is one column wide.
    """

    __slots__ = (
        "ends", "hidden", "levels", "narrow", "space", "starts", "texts", "uniform", "widths",
        "ws",
    )  # fmt: skip

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.starts: Sequence[int] = []
        self.ends: Sequence[int] = []
        self.widths: Sequence[int] = []
        self.levels: MutableSequence[int] = []
        self.ws: Sequence[int] = []
        self.space: Sequence[int] = []
        self.hidden: Sequence[int] = []
        self.narrow = False
        self.uniform: int | None = None  # the level of every cell, if one (and none hidden)


class _Block(NamedTuple):
    cells: _Cells
    first: int  # cells [first, last) start in the block's range
    last: int
    breaks: list[int]  # offsets of the hard line breaks in the block's range


class _Wrap(NamedTuple):
    starts: array[int]  # the logical slice [starts[i], ends[i]) of line i
    ends: array[int]
    flags: bytearray  # UNJOIN_FIRST | UNJOIN_LAST


UNJOIN_FIRST: Final = 1  # the line starts inside a word: its first letter joins nothing before
UNJOIN_LAST: Final = 2  # the line ends inside a word


class _Wrapper:
    """Greedy line breaking, fed the cells of a paragraph one at a time in logical order.

    Lines break at spaces; the spaces at a break are not drawn; a word wider than the
    line is split between cells; spaces at the start of a segment (a stretch between
    hard breaks) are an indent, drawn, as a word of their own; spaces at its end are
    not drawn. Cells of no width alone between spaces belong to the spaces. Each line
    found is appended to `out` as (start, end, flags), the logical slice it holds:
    its cells are those whose start lies in it. Only the word being read is held.
    """

    def __init__(self, width: int) -> None:
        self.width = width
        self.out: list[tuple[int, int, int]] = []
        self.begin(0)

    def begin(self, segment_start: int) -> None:
        self.segment_start = segment_start
        self.index = 0  # cells seen in this segment
        self.first_cell_start = -1
        self.prev_end = segment_start
        self.prev_space = 0
        self.separator = 0  # width of the spaces since the last word
        self.words = False  # a word seen in this segment
        self.leading: list[tuple[int, int, int, int]] | None = []  # cells before the first word
        self.run_first = -1  # the run of non-space cells being read
        self.run_width = 0
        self.run_cells: list[tuple[int, int, int, int]] = []
        self.run_start = 0
        self.run_prev_end = 0
        self.run_prev_space = 0
        self.splitting = False  # the run is wider than the line: split as it comes
        self.line_first = -1  # the line being filled (-1: none)
        self.line_width = 0
        self.line_start = 0
        self.line_flags = 0
        self.line_last = 0
        self.line_end = 0
        self.line_end_flag = 0
        self.previous_last = -1

    def cell(self, start: int, end: int, width: int, space: int) -> None:
        index = self.index
        if self.first_cell_start < 0:
            self.first_cell_start = start
        if space:
            if self.run_first >= 0:
                self._end_run(index, start, False)
            self.separator += width
            if self.leading is not None:
                self.leading.append((start, end, width, True))
        else:
            if self.run_first < 0:
                self.run_first = index
                self.run_width = 0
                self.run_start = start
                self.run_prev_end = self.prev_end
                self.run_prev_space = self.prev_space
            self.run_width += width
            if self.splitting:
                self._split_step(index, start, width, False, self.prev_end, self.prev_space)
            else:
                self.run_cells.append((start, end, width, False))
                if self.run_width > self.width:
                    self._begin_split()
        self.prev_end = end
        self.prev_space = space
        self.index = index + 1

    def word(self, count: int, start: int, end: int, width: int) -> None:
        """`count` cells of a word at once, as `cell` would take them one by one: a
        word of [start, end), 0 < width <= the line's, after a space, past the
        segment's first word (the caller checks)."""
        self.run_first = self.index
        self.run_width = width
        self.run_start = start
        self.run_prev_end = self.prev_end
        self.run_prev_space = self.prev_space
        self.prev_end = end
        self.prev_space = 0
        self.index += count

    def narrow(
        self,
        space: bytes,
        starts: Sequence[int],
        ends: Sequence[int],
        c: int,
        last: int,
        final: bool = False,
    ) -> int:
        """Cells [c, last) of one column each (`space`: 1 for a space), a line at a time
        where `cell` and `word` would take them one by one; the index of the first cell
        not taken (a word that may go on past `last`, or must be split, is left).
        `final`: the segment ends at `last` (`space` then has a 1 at `last`).

        Only with no word being read, and past the segment's first word unless `c` is
        its first cell: every cell between the last word placed and `c` was a space."""
        if self.run_first >= 0:
            return c
        entry = c
        width = self.width
        base = self.index - c  # the wrapper's index of cell c
        limit_end = last if final else last - 1  # the furthest word end that can be seen
        find, rfind = space.find, space.rfind
        if self.leading is not None:  # the segment's first word, if it starts it
            if self.index or self.words or c >= last or space[c]:
                return c
            x = find(b"\x01", c, limit_end + 1)
            if x < 0 or x - c > width:
                return c
            self.first_cell_start = starts[c]
            self.leading = None
            self.words = True
            self.line_first = base + c
            self.line_start = self.segment_start
            self.line_flags = 0
            self.line_width = x - c
            self.line_last = base + x
            self.line_end = starts[x] if x < last else ends[last - 1]
            self.line_end_flag = 0
            c = x
        elif self.line_first < 0:
            return c
        line_width = self.line_width
        separator = self.separator
        while True:
            # The furthest word end x (a space at x, none at x - 1) that fits on the line.
            room_end = c + width - line_width - separator
            capped = room_end > limit_end
            if capped:
                room_end = limit_end
            q = rfind(b"\x00\x01", c, room_end + 1) if room_end > c else -1
            if q >= 0:
                x = q + 1
                line_width += separator + x - c
                separator = 0
                self.line_last = base + x
                self.line_end = starts[x] if x < last else ends[last - 1]
                self.line_end_flag = 0
                c = x
                continue
            if capped:
                break
            s = find(b"\x00", c, last)  # the next word, which does not fit
            if s < 0:
                break
            x = find(b"\x01", s, limit_end + 1)
            if x < 0 or x - s > width:
                separator += s - c
                c = s
                break
            self._emit()
            self.line_first = base + s
            prev_end = ends[s - 1] if s > entry else self.prev_end
            self.line_start = starts[s] if base + s == self.previous_last else prev_end
            self.line_flags = 0
            line_width = x - s
            separator = 0
            self.line_last = base + x
            self.line_end = starts[x] if x < last else ends[last - 1]
            self.line_end_flag = 0
            c = x
        self.line_width = line_width
        self.separator = separator
        self.index = base + c
        if c > entry:
            self.prev_end = ends[c - 1]
            self.prev_space = space[c - 1]
        return c

    def end(self, segment_end: int) -> None:
        """The segment ends at `segment_end` (a hard break or the paragraph's end)."""
        if self.run_first >= 0:
            self._end_run(self.index, segment_end, False)
        if self.line_first >= 0:
            self._emit()
        if not self.words:  # nothing drawn: one empty line
            end = self.first_cell_start if self.first_cell_start >= 0 else segment_end
            self.out.append((self.segment_start, end, 0))

    # -- words ---------------------------------------------------------------------------

    def _end_run(self, next_index: int, next_start: int, next_joins: bool) -> None:
        if self.splitting:
            self.line_last = next_index
            self.line_end = next_start
            self.line_end_flag = UNJOIN_LAST if next_joins else 0
            self.splitting = False
        elif self.run_width == 0:  # no width: part of the spaces around it
            if self.leading is not None:
                self.leading.extend(self.run_cells)
            self.run_cells = []
            self.run_first = -1
            return
        else:
            self._indent()
            self._place(
                self.run_first,
                next_index,
                self.separator,
                self.run_width,
                self.run_start,
                self.run_prev_end,
                self.run_prev_space,
                self.run_cells,
                next_start,
                next_joins,
            )
        self.words = True
        self.leading = None
        self.separator = 0
        self.run_cells = []
        self.run_first = -1

    def _indent(self) -> None:
        """Spaces before the segment's first word: a word of their own."""
        if self.words or self.run_first <= 0 or self.leading is None:
            return
        leading = self.leading
        self._place(
            0, self.run_first, 0, self.separator, leading[0][0], 0, False, leading,
            self.run_start, True,
        )  # fmt: skip
        self.separator = 0

    def _place(
        self,
        first: int,
        last: int,
        separator: int,
        width: int,
        start: int,
        prev_end: int,
        prev_space: int,
        cells: list[tuple[int, int, int, int]],
        next_start: int,
        next_joins: bool,
    ) -> None:
        if self.line_first >= 0 and self.line_width + separator + width <= self.width:
            self.line_width += separator + width
        else:
            if self.line_first >= 0:
                self._emit()
            self._start_line(first, start, prev_end, prev_space)
            if width <= self.width:
                self.line_width = width
            else:  # only an indent gets here: words are split as they come
                for k, (cell_start, cell_end, cell_width, space) in enumerate(cells, first):
                    self._split_step(k, cell_start, cell_width, space, prev_end, prev_space)
                    prev_end, prev_space = cell_end, space
        self.line_last = last
        self.line_end = next_start
        self.line_end_flag = UNJOIN_LAST if next_joins else 0

    def _begin_split(self) -> None:
        """The run being read is wider than a line: break the line before it, split it."""
        self._indent()
        if self.line_first >= 0:
            self._emit()
        prev_end, prev_space = self.run_prev_end, self.run_prev_space
        self._start_line(self.run_first, self.run_start, prev_end, prev_space)
        for k, (start, end, width, space) in enumerate(self.run_cells, self.run_first):
            self._split_step(k, start, width, space, prev_end, prev_space)
            prev_end, prev_space = end, space
        self.run_cells = []
        self.splitting = True

    # -- lines ---------------------------------------------------------------------------

    def _start_line(self, first: int, start: int, prev_end: int, prev_space: int) -> None:
        self.line_first = first
        self.line_width = 0
        if first == 0:
            self.line_start = self.segment_start
            self.line_flags = 0
            return
        # No spaces between this line and the one before (a split word): from the cell;
        # else after the spaces of the break.
        self.line_start = start if first == self.previous_last else prev_end
        self.line_flags = 0 if prev_space else UNJOIN_FIRST

    def _split_step(
        self, k: int, start: int, width: int, space: int, prev_end: int, prev_space: int
    ) -> None:
        if self.line_width + width > self.width and k > self.line_first:
            self.line_last = k
            self.line_end = start
            self.line_end_flag = 0 if space else UNJOIN_LAST
            self._emit()
            self._start_line(k, start, prev_end, prev_space)
        self.line_width += width

    def _emit(self) -> None:
        self.out.append((self.line_start, self.line_end, self.line_flags | self.line_end_flag))
        self.previous_last = self.line_last
        self.line_first = -1


class _Lines(Sequence[VisualLine]):
    """A paragraph's visual lines at one width, each built when it is first asked for."""

    def __init__(self, layout: ParagraphLayout, width: int, wrap: _Wrap) -> None:
        self._layout = layout
        self._width = width
        self._wrap = wrap
        self._built: OrderedDict[int, VisualLine] = OrderedDict()
        # A short paragraph keeps every line; a long one the last few hundred.
        self._keep = len(wrap.starts) if layout.whole else _BUILT_LINES

    def __len__(self) -> int:
        return len(self._wrap.starts)

    @overload
    def __getitem__(self, index: int) -> VisualLine: ...

    @overload
    def __getitem__(self, index: slice) -> list[VisualLine]: ...

    def __getitem__(self, index: int | slice) -> VisualLine | list[VisualLine]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        count = len(self._wrap.starts)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(index)
        line = self._built.get(index)
        if line is None:
            wrap = self._wrap
            line = self._layout._visual(
                wrap.starts[index], wrap.ends[index], wrap.flags[index], self._width
            )
            self._built[index] = line
            if len(self._built) > self._keep:
                self._built.popitem(last=False)
        return line

    def __iter__(self) -> Iterator[VisualLine]:
        # What __getitem__ gives, without its checks per line.
        built, wrap, visual, width = self._built, self._wrap, self._layout._visual, self._width
        for index in range(len(wrap.starts)):
            line = built.get(index)
            if line is None:
                line = visual(wrap.starts[index], wrap.ends[index], wrap.flags[index], width)
                built[index] = line
                if len(built) > self._keep:
                    built.popitem(last=False)
            yield line

    @property
    def starts(self) -> array[int]:
        return self._wrap.starts


class ParagraphLayout:
    """One paragraph laid out for a terminal without bidi support.

    Levels are computed once, here, for the whole paragraph (a byte per character).
    Cells are built a block of text at a time when a line needs them (a short paragraph
    is one block, kept); `lines(width)` wraps (kept per width: a few bytes a line) and
    builds each line when it is asked for, so a long paragraph costs memory for what is
    shown, not for what it holds.

    direction: "auto" (UAX #9 P2/P3: the first strong character, LTR if none), "rtl"
    or "ltr". shape: Arabic letters in joined presentation forms. bidi_marks: draw the
    bidi embeddings, overrides and isolates as marks (`annotations.text`
    BIDI_CONTROL_PICTURES) where they are, while still applying them; else they are
    applied and not drawn.
    """

    def __init__(
        self, text: str, direction: str = "auto", shape: bool = True, bidi_marks: bool = True
    ) -> None:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}: {direction!r}")
        self.text = text
        self.direction = direction
        self.shape = shape
        self.bidi_marks = bidi_marks
        if direction == "auto":
            self.rtl = bool(first_strong_is_rtl(text))
        else:
            self.rtl = direction == "rtl"
        self.level = 1 if self.rtl else 0
        self.whole = len(text) <= BLOCK  # one block, built once
        self._wraps: OrderedDict[int, tuple[_Wrap, _Lines]] = OrderedDict()
        self._blocks: OrderedDict[int, _Block] = OrderedDict()
        self._lock = RLock()  # the reader wraps in a worker thread while it draws
        self._profile = chars.profile(text)
        self._levels = self._resolve()
        self._whole_block = self._build(0, len(text)) if self.whole else None

    # -- once per paragraph --------------------------------------------------------

    def _resolve(self) -> bytearray:
        text = self.text
        levels = paragraph_levels(text, self.rtl, self._profile.translate(chars.BIDI_OF))
        if self.bidi_marks and chars.has_embeddings(text):
            # A mark is laid out with what it delimits: an opener at the level of the
            # character after it, a PDF at that of the character before it. Either is
            # the level of a neighbour, so the other cells keep their order.
            n = len(text)
            removed = chars.X9_REMOVED_CLASSES
            bidirectional = chars.bidi_class
            for position in chars.embedding_positions(text):
                step = -1 if text[position] == chars.PDF else 1
                j = position + step
                while 0 <= j < n and bidirectional(text[j]) in removed:
                    j += step
                levels[position] = levels[j] if 0 <= j < n else self.level
        # L1, the part that does not depend on line breaks: segment and paragraph
        # separators, and the whitespace before them, go to the paragraph level.
        base_level = self.level
        transparent = chars.L1_TRANSPARENT
        bidirectional = chars.bidi_class
        for position in chars.separator_positions(text):
            levels[position] = base_level
            j = position - 1
            while j >= 0 and bidirectional(text[j]) in transparent:
                levels[j] = base_level
                j -= 1
        return levels

    def _block(self, k: int) -> _Block:
        """Block `k` of a long paragraph: the cells starting in text [k*BLOCK, (k+1)*BLOCK)."""
        with self._lock:
            block = self._blocks.get(k)
            if block is not None:
                self._blocks.move_to_end(k)
                return block
            block = self._build(k * BLOCK, min((k + 1) * BLOCK, len(self.text)))
            self._blocks[k] = block
            if len(self._blocks) > _BLOCK_CACHE_SIZE:
                self._blocks.popitem(last=False)
            return block

    def _window(self, lo: int, hi: int) -> tuple[int, int]:
        """[lo, hi) widened by enough cells that the cells in [lo, hi) come out as in the
        whole paragraph (grouping and joining look only a few characters away)."""
        text = self.text
        starts_cell = self._starts_cell
        count = 0
        w0 = lo
        while w0 > 0 and count < _CONTEXT_CELLS:
            w0 -= 1
            if starts_cell(text[w0]):
                count += 1
        count = 0
        w1 = hi
        n = len(text)
        while w1 < n and count < _CONTEXT_CELLS:
            if starts_cell(text[w1]):
                count += 1
            w1 += 1
        return w0, w1

    def _starts_cell(self, ch: str) -> bool:
        kind = chars.char_info(ch).kind
        return kind <= chars.HIDDEN or (kind == chars.REMOVED and self.bidi_marks)

    def _build(self, lo: int, hi: int) -> _Block:
        """The cells starting in [lo, hi), built from a window around it."""
        w0, w1 = (lo, hi) if self.whole else self._window(lo, hi)
        text = self.text[w0:w1]
        codes = self._profile[w0:w1].translate(chars.LAYOUT_OF)
        if b"x" not in codes:
            block = self._build_plain(lo, hi, w0, text, codes)
            if block is not None:
                return block
        char_levels = self._levels[w0:w1]
        infos = chars.char_infos(text)
        marks = self.bidi_marks
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
        control_kind = chars.CONTROL
        dotted_circle = chars.DOTTED_CIRCLE
        append = raw.append
        for i, (ch, info, level) in enumerate(zip(text, infos, char_levels, strict=True), w0):
            kind = info.kind
            if kind <= hidden_kind:  # BASE, SPACE, CONTROL, HIDDEN
                if kind == hidden_kind and marks and info.picture:  # an isolate, as its mark
                    append([i, i + 1, info.picture, "", 1, control_kind, level, True, ch])
                else:
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
            elif marks and info.picture:  # an embedding, override or PDF, drawn as its mark
                # Whitespace to L1: trailing, it goes to the paragraph level (UAX #9
                # 5.2, retaining explicit formatting characters).
                append([i, i + 1, info.picture, "", 1, control_kind, level, True, ch])
            else:  # REMOVED, BREAK
                if kind == chars.BREAK and lo <= i < hi:
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
        cells = _Cells()
        texts = cells.texts
        widths: list[int] = []
        starts: list[int] = []
        ends: list[int] = []
        levels: list[int] = []
        ws: list[bool] = []
        space: list[bool] = []
        hidden: list[bool] = []
        cells.starts, cells.ends, cells.levels, cells.widths = starts, ends, levels, widths
        cells.ws, cells.space, cells.hidden = ws, space, hidden
        mirrors = chars.MIRRORS
        mirrored = chars.mirrored
        space_kind = chars.SPACE
        for c, (start, end, glyph, marks_of, width, kind, level, whitespace, _ch) in enumerate(raw):
            if glyphs is not None:
                if glyphs[c] == "":  # the alef of a lam-alef: into the cell before
                    texts[-1] += marks_of
                    ends[-1] = end
                    widths[-1] = 1
                    continue
                if kind == base_kind:
                    glyph = glyphs[c]
            if level % 2 == 1 and glyph in mirrors:
                glyph = mirrored(glyph)
            texts.append(glyph + marks_of if marks_of else glyph)
            starts.append(start)
            ends.append(end)
            widths.append(width)
            levels.append(level)
            ws.append(whitespace)
            space.append(kind == space_kind)
            hidden.append(kind == hidden_kind)
        return _Block(cells, bisect_left(starts, lo), bisect_left(starts, hi), breaks)

    def _build_plain(self, lo: int, hi: int, w0: int, text: str, codes: bytes) -> _Block | None:
        """`_build` in bulk for text of letters, spaces and marks that each follow a
        letter at its level (no controls, breaks nor bidi formatting), or None if a
        mark does not. A cell per letter or space, holding its marks (and a lam-alef's
        alef: the lam's cell). String and bytes methods over the text and its layout
        codes (`chars.LAYOUT_OF`) do the work, not a loop over the characters."""
        window_end = w0 + len(text)
        levels = self._levels[w0:window_end]
        marks = chars.MARK_CODE in codes
        starts: Sequence[int]
        if marks:
            if codes[0] == chars.MARK_CODE or b"sm" in codes or b"tm" in codes or b"Sm" in codes:
                return None  # on a dotted circle: one by one
            mark_runs = [run.span() for run in _MARK_RUNS.finditer(codes)]
            if levels.count(levels[0]) != len(levels):
                for a, b in mark_runs:  # each run at the level of the letter before it
                    if levels.count(levels[a - 1], a - 1, b) != b - a + 1:
                        return None  # a mark at another level than its letter
            if len(mark_runs) * 16 < len(codes):  # a few marks: the text between them
                bounds = [0, *chain.from_iterable(mark_runs), len(codes)]
                pieces = zip(bounds[::2], bounds[1::2], strict=True)
                bases = "".join([text[a:b] for a, b in pieces])
                cell_levels = bytearray(levels)
                starts = list(range(w0, window_end))
                for a, b in reversed(mark_runs):
                    del cell_levels[a:b], starts[a:b]
            else:
                first_of_cell = codes.translate(chars.STARTS_CELL)
                cell_levels = bytearray(compress(levels, first_of_cell))
                bases = "".join(compress(text, first_of_cell))
                starts = list(compress(range(w0, window_end), first_of_cell))
            cell_codes = codes.replace(b"m", b"")
        else:
            cell_levels = levels
            bases = text
            cell_codes = codes
            starts = range(w0, window_end)
        glyphs = bases
        if self.shape and b"j" in codes:
            shaped = shaping.shape_text(bases)
            merged = shaped.find(shaping.MERGED) if shaped is not None else -1
            while merged >= 0:
                if merged == 0 or cell_levels[merged - 1] != cell_levels[merged]:
                    shaped = None  # a ligature that cannot be one cell (never seen)
                    break
                merged = shaped.find(shaping.MERGED, merged + 1)  # type: ignore[union-attr]
            if shaped is not None:
                glyphs = shaped
        if b"t" in codes:
            glyphs = glyphs.translate(chars.SPACES_DRAWN)
        texts = list(glyphs)
        if b"r" in cell_codes or b"R" in cell_codes:  # byte searches: faster than a class
            mirrored = chars.mirrored
            for match in chars.MIRROR_CODES.finditer(cell_codes):
                c = match.start()
                if cell_levels[c] % 2 == 1:
                    texts[c] = mirrored(texts[c])
        if marks:  # each run of marks into the cell before it
            before = 1  # marks before the run, and the cell it joins
            for begin, end in mark_runs:
                texts[begin - before] += text[begin:end]
                before += end - begin
        if glyphs is not bases and shaping.MERGED in glyphs:
            # The alef of each lam-alef (and its marks) in the lam's cell: a few cells
            # a paragraph, deleted from the end (a compress of every column cost more).
            found = []
            merged = glyphs.find(shaping.MERGED)
            while merged >= 0:
                found.append(merged)
                merged = glyphs.find(shaping.MERGED, merged + 1)
            starts = list(starts)
            cell_levels = bytearray(cell_levels)
            codes_left = bytearray(cell_codes)
            for merged in reversed(found):
                texts[merged - 1] += texts[merged][1:]
                del texts[merged], starts[merged], cell_levels[merged], codes_left[merged]
            cell_codes = bytes(codes_left)
        cells = _Cells()
        cells.texts = texts
        cells.starts = starts
        if isinstance(starts, range):
            cells.ends = range(w0 + 1, window_end + 1)
        else:
            cells.ends = [*starts[1:], window_end]
        if not (
            b"w" in cell_codes or b"W" in cell_codes or b"S" in cell_codes or b"R" in cell_codes
        ):
            cells.widths = b"\x01" * len(cell_codes)  # bytes: never walked by the collector
            cells.narrow = True
        else:
            cells.widths = cell_codes.translate(chars.WIDTH_OF_CODE)
        cells.levels = cell_levels
        if cell_levels and cell_levels.count(cell_levels[0]) == len(cell_levels):
            cells.uniform = cell_levels[0]
        cells.ws = cell_codes.translate(chars.IS_WHITESPACE)
        cells.space = cell_codes.translate(chars.IS_SPACE)
        cells.hidden = bytes(len(cell_codes))
        return _Block(cells, bisect_left(starts, lo), bisect_left(starts, hi), [])

    # -- per width ------------------------------------------------------------------

    def _all_blocks(self) -> Iterator[_Block]:
        if self._whole_block is not None:
            yield self._whole_block
            return
        for k in range((len(self.text) + BLOCK - 1) // BLOCK):
            yield self._block(k)

    def _bounds(self, width: int) -> Iterator[list[tuple[int, int, int]]]:
        """(start, end, flags) of every line at `width`, a block's worth at a time."""
        if width < 1:
            raise ValueError(f"width must be at least 1: {width}")
        wrapper = _Wrapper(width)
        cell = wrapper.cell
        out = wrapper.out
        blocks = 1 if self._whole_block is not None else (len(self.text) + BLOCK - 1) // BLOCK
        for number, block in enumerate(self._all_blocks(), 1):
            cells = block.cells
            starts, ends, widths, space = cells.starts, cells.ends, cells.widths, cells.space
            breaks = block.breaks
            if not breaks:
                final = number == blocks and block.last == len(starts)
                self._feed(wrapper, cells, block.first, block.last, final)
                if out:
                    yield out[:]
                    out.clear()
                continue
            b = 0
            for c in range(block.first, block.last):
                start = starts[c]
                while b < len(breaks) and breaks[b] < start:
                    wrapper.end(breaks[b])
                    wrapper.begin(breaks[b] + 1)
                    b += 1
                cell(start, ends[c], widths[c], space[c])
            for offset in breaks[b:]:
                wrapper.end(offset)
                wrapper.begin(offset + 1)
            if out:
                yield out[:]
                out.clear()
        wrapper.end(len(self.text))
        yield out

    @staticmethod
    def _feed(wrapper: _Wrapper, cells: _Cells, first: int, last: int, final: bool) -> None:
        """Cells [first, last) to the wrapper (no hard break among them; `final`: the
        paragraph ends with them): a line at a time where they are all one column wide,
        else a word at a time where it fits on a line, else a cell at a time."""
        starts, ends, widths, space = cells.starts, cells.ends, cells.widths, cells.space
        cell, word = wrapper.cell, wrapper.word
        narrow = wrapper.narrow if cells.narrow and isinstance(space, bytes) else None
        spaces = space + b"\x01" if final and isinstance(space, bytes) else space
        limit = wrapper.width
        c = first
        while c < last:
            if narrow is not None:
                c = narrow(spaces, starts, ends, c, last, final)  # type: ignore[arg-type]
                if c >= last:
                    break
            if space[c] or wrapper.leading is not None or wrapper.run_first >= 0:
                cell(starts[c], ends[c], widths[c], space[c])
                c += 1
                continue
            try:
                after = space.index(True, c, last)
            except ValueError:  # the word may go on in the next block: one by one
                after = last
            width = sum(widths[c:after]) if after < last else 0
            if 0 < width <= limit:
                word(after - c, starts[c], ends[after - 1], width)
            else:
                for k in range(c, after):
                    cell(starts[k], ends[k], widths[k], space[k])
            c = after

    def _wrap(self, width: int) -> tuple[_Wrap, _Lines]:
        with self._lock:
            found = self._wraps.get(width)
            if found is not None:
                self._wraps.move_to_end(width)
                return found
            starts: array[int] = array("q")
            ends: array[int] = array("q")
            flags = bytearray()
            for bounds in self._bounds(width):
                for start, end, flag in bounds:
                    starts.append(start)
                    ends.append(end)
                    flags.append(flag)
            wrap = _Wrap(starts, ends, flags)
            found = (wrap, _Lines(self, width, wrap))
            self._wraps[width] = found
            if len(self._wraps) > _LINE_CACHE_SIZE:
                self._wraps.popitem(last=False)
            return found

    def lines(self, width: int) -> Sequence[VisualLine]:
        """The visual lines at `width` cells (>= 1), top to bottom.

        The wrap is cached per width (the last few); each line is built when it is
        first read (a long paragraph keeps only the last few hundred built).
        """
        return self._wrap(width)[1]

    def iter_lines(self, width: int) -> Iterator[VisualLine]:
        """The visual lines at `width`, top to bottom, each built as the wrap finds it:
        for printing a paragraph of any length in memory bounded by a block."""
        cached = self._wraps.get(width)
        if cached is not None:
            yield from cached[1]
            return
        for bounds in self._bounds(width):
            for start, end, flag in bounds:
                yield self._visual(start, end, flag, width)

    def _cells_for(self, start: int, end: int) -> tuple[_Cells, int, int]:
        """The cells whose start lies in [start, end): (cells, first, last)."""
        if self._whole_block is not None:
            cells = self._whole_block.cells
        else:
            k = start // BLOCK
            if end <= (k + 1) * BLOCK:
                cells = self._block(k).cells
            else:  # across two blocks: a window of its own
                cells = self._build(start, end).cells
        return cells, bisect_left(cells.starts, start), bisect_left(cells.starts, end)

    def _visual(self, start: int, end: int, flags: int, width: int | None) -> VisualLine:
        """The line holding the logical slice [start, end) (the cells starting in it)."""
        cells, first, last = self._cells_for(start, end)
        return self._line(cells, first, last, start, end, flags, width)

    def _line(
        self,
        cells: _Cells,
        first: int,
        last: int,
        start: int,
        end: int,
        flags: int,
        width: int | None,
    ) -> VisualLine:
        """Cells [first, last) as one visual line holding the logical slice [start, end)."""
        if first >= last:
            return VisualLine((), start, end, 0, self.rtl)
        if cells.uniform == self.level and cells.narrow:
            # The block is at the paragraph level throughout, every cell one column (most
            # lines of news): L1 changes nothing, L2 is a reversal or nothing. The
            # columns are fresh slices, read only from now on.
            count = last - first
            if self.level:
                before = first - 1 if first else None  # a reversed slice [last - 1 .. first]
                texts = cells.texts[last - 1 : before : -1]
                if self.shape and flags:  # the logical first glyph is the last one
                    self._unjoin(texts, flags, -1, 0)
                starts = cells.starts[last - 1 : before : -1]
                ends = cells.ends[last - 1 : before : -1]
            else:
                texts = cells.texts[first:last]
                if self.shape and flags:
                    self._unjoin(texts, flags)
                starts, ends = cells.starts[first:last], cells.ends[first:last]
            columns: _Columns = (texts, starts, ends, (1,) * count, self.level == 1, None)
            return VisualLine._of_columns(columns, start, end, count, self.rtl)
        texts = cells.texts[first:last]
        if self.shape and flags:
            self._unjoin(texts, flags)
        levels = cells.levels[first:last]
        widths = cells.widths[first:last]
        base_level = self.level
        # L1 at the line end: trailing whitespace goes to the paragraph level.
        ws = cells.ws
        k = last - 1
        while k >= first and ws[k]:
            levels[k - first] = base_level
            k -= 1
        if width is not None and width < 2:
            widths = list(widths)
            for i, cell_width in enumerate(widths):
                if cell_width > width:
                    texts[i] = WIDE_PLACEHOLDER
                    widths[i] = 1
        hidden = cells.hidden[first:last]
        starts = cells.starts[first:last]
        ends = cells.ends[first:last]
        if levels.count(levels[0]) == len(levels) and True not in hidden:
            # One level (most lines): no reordering but a reversal.
            rtl = levels[0] % 2 == 1
            total = sum(widths)
            if rtl:
                texts.reverse()
                widths = widths[::-1]
                starts, ends = starts[::-1], ends[::-1]
            columns = (tuple(texts), starts, ends, tuple(widths), rtl, None)
            return VisualLine._of_columns(columns, start, end, total, self.rtl)
        order = visual_order(levels)
        if True in hidden:
            order = [i for i in order if not hidden[i]]
        columns = (tuple(texts), starts, ends, tuple(widths), levels, order)
        return VisualLine._of_columns(columns, start, end, sum(widths), self.rtl)

    @staticmethod
    def _unjoin(texts: list[str], flags: int, first: int = 0, last: int = -1) -> None:
        """No joining across a line break inside a word: the first and last glyphs of a
        line (`flags`; at `texts[first]` and `texts[last]`) as if nothing came before or
        after them."""
        if flags & UNJOIN_FIRST:
            text = texts[first]
            glyph = shaping.unjoin_before(text[:1])
            if glyph != text[:1]:
                texts[first] = glyph + text[1:]
        if flags & UNJOIN_LAST:
            text = texts[last]
            glyph = shaping.unjoin_after(text[:1])
            if glyph != text[:1]:
                texts[last] = glyph + text[1:]

    def visual_line(self, start: int = 0, end: int | None = None) -> VisualLine:
        """The logical slice [start, end) as one visual line, however wide: no wrapping.

        Every cell wholly inside the slice is drawn, spaces included (L1 still applies
        at the end). For short strings (titles) and the conformance tests.
        """
        if end is None:
            end = len(self.text)
        if self._whole_block is not None:
            cells = self._whole_block.cells
        else:
            cells = self._build(start, end).cells
        starts = cells.starts
        first = bisect_left(starts, start)
        last = bisect_left(starts, end)
        while last > first and cells.ends[last - 1] > end:
            last -= 1
        flags = 0
        if first > 0 and first < len(starts) and not cells.space[first - 1]:
            flags |= UNJOIN_FIRST
        if last < len(starts) and last > first and not cells.space[last]:
            flags |= UNJOIN_LAST
        return self._line(cells, first, last, start, end, flags, None)

    def locate(self, offset: int, width: int) -> tuple[int, int] | None:
        """(line index, column) of the cell showing `offset` at `width`, or None if not drawn."""
        wrap, lines = self._wrap(width)
        index = bisect_right(wrap.starts, offset) - 1
        if index < 0:
            return None
        column = lines[index].column_of(offset)
        return None if column is None else (index, column)

    def offset_at(self, line: int, column: int, width: int) -> int | None:
        """The logical offset shown at (line, column) at `width`, or None (no cell there)."""
        lines = self.lines(width)
        if not 0 <= line < len(lines):
            return None
        return lines[line].offset_at(column)
