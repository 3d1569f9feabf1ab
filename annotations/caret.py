"""The reader's caret and selection over an article's laid-out rows, with no widget.

The reader shows an article as rows of visual lines (the layout engine's, `annotations.
layout`); every cell maps back to a logical code-point offset. Here are the rules a
caret follows over those rows: where an offset is drawn, which offset a cell shows, a
step left or right (by cell or by word, on to the next row in reading order), a line up
or down keeping the column, the ends; and the selection: an anchor and the caret, grown
to whole words unless turned off. The widget (`tui/widgets/reader_view.py`) draws and
scrolls; it asks this model where to go.
"""

from __future__ import annotations

import unicodedata
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from annotations.layout import ArticleLayout, VisualLine
from annotations.layout import Row as ArticleRow
from annotations.layout.chars import mirrored


@dataclass(frozen=True)
class Row:
    """One screen row of the article."""

    line: VisualLine | None  # None for a blank row
    base: int | None  # absolute offset of the line's paragraph start; None: not article text
    pad: int  # blank columns before the first cell
    kind: str = "text"  # text | title | meta | blank


def logical_line(line: VisualLine) -> VisualLine:
    """The line's cells in logical order, brackets unmirrored: for a terminal that
    does bidi itself (its columns are then the terminal's business, not ours)."""
    cells = sorted(line.cells, key=lambda cell: (cell.start, cell.end))
    cells = [cell._replace(text=unmirrored(cell.text)) if cell.rtl else cell for cell in cells]
    return VisualLine(tuple(cells), line.start, line.end, line.width, line.rtl)


def unmirrored(text: str) -> str:
    return "".join(mirrored(ch) for ch in text)  # mirroring is its own inverse


def is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMN" or ch in "_\u200c\u200d"


def word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) grown to whole words (letters, marks, digits)."""
    if start < len(text) and is_word_char(text[start]):
        while start > 0 and is_word_char(text[start - 1]):
            start -= 1
    if end > 0 and is_word_char(text[end - 1]):
        while end < len(text) and is_word_char(text[end]):
            end += 1
    return start, end


class ReaderRows(Sequence[Row]):
    """The reader's rows: the header, then the article's rows, each made when read.

    The article's rows come from the layout, which builds a paragraph's lines only when
    they are shown; the last few hundred made here are kept (the screen and near it).
    """

    _KEEP = 512

    def __init__(self, header: list[Row], article: Sequence[ArticleRow], terminal_bidi: bool):
        self.header = header
        self._article = article
        self._terminal_bidi = terminal_bidi
        self._made: OrderedDict[int, Row] = OrderedDict()

    def __len__(self) -> int:
        return len(self.header) + len(self._article)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if index < len(self.header):
            return self.header[index]
        row = self._made.get(index)
        if row is None:
            found = self._article[index - len(self.header)]
            if found.line is None:
                row = Row(None, None, 0, "blank")
            elif self._terminal_bidi:
                row = Row(logical_line(found.line), found.base, 0, "text")
            else:
                row = Row(found.line, found.base, found.x, "text")
            self._made[index] = row
            if len(self._made) > self._KEEP:
                self._made.popitem(last=False)
        return row

    def __iter__(self) -> Iterator[Row]:
        for index in range(len(self)):
            yield self[index]


class Navigator:
    """Positions and moves over the rows of one laid-out article.

    Columns count from the canvas's left edge, `margin` blank columns before the text.
    `set_rows` gives the rows of the current width; until then nothing is drawn.
    """

    def __init__(
        self, text: str, layout: ArticleLayout, *, margin: int = 0, terminal_bidi: bool = False
    ) -> None:
        self.text = text
        self.layout = layout
        self.margin = margin
        self.terminal_bidi = terminal_bidi
        self.rows: Sequence[Row] = []
        self.width = 0  # the text width the rows are laid out at
        self.header_rows = 0  # rows above the article's first

    def set_rows(self, rows: Sequence[Row], header_rows: int, width: int) -> None:
        self.rows, self.header_rows, self.width = rows, header_rows, width

    # -- maps ------------------------------------------------------------------------

    def position_of(self, offset: int) -> tuple[int, int] | None:
        """(row, column) of the cell showing the absolute offset, or None if not drawn."""
        if not self.rows:
            return None
        found = self.layout.position_of(offset, self.width)
        if found is None:
            return None
        row, column = found
        row += self.header_rows
        if self.terminal_bidi:  # the rows hold the lines in logical order
            r = self.rows[row]
            assert r.line is not None and r.base is not None
            logical_column = r.line.column_of(offset - r.base)
            if logical_column is None:
                return None
            column = logical_column
        return row, self.margin + column

    def offset_at(self, row: int, column: int) -> int | None:
        """The absolute offset shown at (row, column) of the canvas, or None."""
        if not 0 <= row < len(self.rows):
            return None
        r = self.rows[row]
        if r.line is None or r.base is None:
            return None
        found = r.line.offset_at(column - self.margin - r.pad)
        return None if found is None else r.base + found

    def nearest_offset(self, row: int, column: int) -> int | None:
        """The offset of the cell at or nearest to (row, column) on that row."""
        exact = self.offset_at(row, column)
        if exact is not None:
            return exact
        r = self.rows[row] if 0 <= row < len(self.rows) else None
        if r is None or r.line is None or r.base is None or not r.line.cells:
            return None
        left = self.margin + r.pad
        cells = r.line.cells
        cell = cells[0] if column < left else cells[-1]
        return r.base + cell.start

    def top_offset(self, top_row: int) -> int | None:
        """The logical offset at the first article row from `top_row` on."""
        for index in range(top_row, len(self.rows)):
            row = self.rows[index]
            if row.base is not None and row.line is not None:
                return row.base + row.line.start
        return None

    # -- moves -------------------------------------------------------------------------

    def first_offset(self) -> int:
        """The offset read first: the start of the first drawn line, in reading order."""
        for row in self.rows:
            if row.base is not None and row.line is not None and row.line.cells:
                cell = row.line.cells[-1] if row.line.rtl else row.line.cells[0]
                return row.base + cell.start
        return 0

    def last_offset(self) -> int | None:
        """The offset read last: the end of the last drawn line, in reading order."""
        last = len(self.rows) - 1
        while last >= 0 and (self.rows[last].line is None or self.rows[last].base is None):
            last -= 1
        if last < 0:
            return None
        r = self.rows[last]
        if r.line is None or r.base is None or not r.line.cells:
            return None
        cell = r.line.cells[0] if r.line.rtl else r.line.cells[-1]
        return r.base + cell.start

    def visual_step(self, offset: int, direction: int) -> int | None:
        """The offset of the cell `direction` (-1 left, +1 right) of `offset`'s cell.

        At a row's edge it continues on the next row in reading order: for a
        right-to-left row, left goes on to the next row's right end.
        """
        position = self.position_of(offset)
        if position is None:
            return None
        row, column = position
        r = self.rows[row]
        assert r.line is not None and r.base is not None
        cell = r.line.cell_at(column - self.margin - r.pad)
        step_from = column + (cell.width if (cell and direction > 0) else 0)
        target = self.offset_at(row, step_from if direction > 0 else column - 1)
        if target is not None:
            return target
        forward = (direction < 0) == r.line.rtl  # moving on in reading order
        next_row = row + (1 if forward else -1)
        while 0 <= next_row < len(self.rows):
            n = self.rows[next_row]
            if n.line is not None and n.base is not None and n.line.cells:
                cells = n.line.cells
                edge = cells[-1] if direction < 0 else cells[0]
                return n.base + edge.start
            next_row += 1 if forward else -1
        return None

    def word_step(self, offset: int, direction: int) -> int | None:
        """Move visually to the next word's first cell in that direction."""
        text = self.text
        word = word_bounds(text, offset, offset + 1) if is_word_char(text[offset]) else None
        current: int | None = offset
        while True:
            current = self.visual_step(current, direction) if current is not None else None
            if current is None:
                return None
            if is_word_char(text[current]) and (word is None or not word[0] <= current < word[1]):
                return current

    def line_target(self, offset: int, delta: int, goal: int | None) -> int | None:
        """The offset `delta` rows down (up when negative) nearest to column `goal`
        (the offset's own column when None), skipping rows with no text."""
        position = self.position_of(offset)
        if position is None:
            return None
        row, column = position
        goal = goal if goal is not None else column
        target_row = row + delta
        while 0 <= target_row < len(self.rows):
            r = self.rows[target_row]
            if r.line is not None and r.base is not None and r.line.cells:
                found = self.nearest_offset(target_row, goal)
                if found is not None:
                    return found
            target_row += 1 if delta > 0 else -1
        return None


class Selection:
    """The anchor of a selection and how it grows: the selected range is from the anchor
    to the caret, both included, grown to whole words while `snap` holds."""

    def __init__(self, text: str, snap_to_words: bool = True) -> None:
        self.text = text
        self.snap_to_words = snap_to_words  # the setting
        self.anchor: int | None = None  # None: nothing selected
        self.marking = False  # `v` pressed: caret moves extend the selection
        self.snap = snap_to_words  # this selection snaps to whole words

    def range(self, caret: int) -> tuple[int, int] | None:
        """The selected logical range [start, end), or None."""
        if self.anchor is None:
            return None
        start, end = min(self.anchor, caret), max(self.anchor, caret) + 1
        end = min(end, len(self.text))
        if self.snap:
            start, end = word_bounds(self.text, start, end)
        return (start, end) if start < end else None

    def select(self, start: int, end: int, *, snap: bool = False) -> int:
        """Select [start, end); returns where the caret goes (its last character)."""
        self.snap = snap and self.snap_to_words
        self.anchor = start
        return max(end - 1, start)

    def clear(self) -> bool:
        """Select nothing; True if something was selected."""
        if self.anchor is None:
            return False
        self.anchor = None
        self.marking = False
        return True

    def extends(self, extend: bool) -> bool:
        """Whether a caret move extends the selection (shift held, or marking)."""
        return extend or self.marking

    def extend_from(self, caret: int, snap: bool) -> None:
        """Before the caret moves while extending: anchor at the caret if nothing is
        selected yet; a move by character turns word snapping off."""
        if self.anchor is None:
            self.anchor = caret
            self.snap = snap and self.snap_to_words
        elif not snap:
            self.snap = False

    def toggle_mark(self, caret: int) -> bool:
        """`v`: start marking from the caret, or stop (the selection stays). True when a
        selection started."""
        if self.marking:
            self.marking = False
            return False
        self.marking = True
        self.anchor = caret
        self.snap = self.snap_to_words
        return True
