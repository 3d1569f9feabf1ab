"""A one-line text field: its value drawn in visual order, the caret moved visually.

A terminal field that draws its value in logical order shows Arabic backwards and
unjoined. Here the value is laid out by the engine as one unwrapped line (shaped,
reordered, controls as pictures) and the caret lives on that line:

- Caret stops are the line's cells, plus one free cell after the text at the end of
  the paragraph direction (the left of a right-to-left value), where the caret stands
  at the end of the value. The caret is drawn on the cell of the character after it in
  logical order, as in a left-to-right field; each stop is the first offset of its
  cell (the end cell: the value's length).
- Left and Right go to the stop on that side on screen. An offset inside a cell (the
  alef of a lam-alef, a haraka) is drawn on that cell and moves from it.
- Edits work on the logical value: Backspace removes the character before the caret
  (one code point: the last haraka first), Delete the character after it with its
  combining marks, words are runs of letters, digits and marks in logical order.

`FieldLayout` answers where things are drawn; `LineEditor` is the editing state
(value, anchor, caret) and every key's effect on it. Neither knows about Textual.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate
from typing import Final

from annotations.layout.article import fit_line
from annotations.layout.chars import mirrored
from annotations.layout.paragraph import ParagraphLayout, VisualLine
from annotations.text import printable

# Kinds of run `FieldLayout.runs` returns; the widget gives each a style.
PLAIN: Final = "plain"
SELECTED: Final = "selected"
CARET: Final = "caret"
PLACEHOLDER: Final = "placeholder"

PASSWORD_CHARACTER: Final = "•"
# Joiners count as word characters: ZWNJ sits inside Persian and Arabic words.
_WORD_JOINERS: Final = frozenset("\u200c\u200d_")


def display_text(value: str, password: bool = False) -> str:
    """What the field lays out for `value`: one character for each, controls as pictures.

    Same length as `value`, so offsets into it are offsets into the value.
    """
    if password:
        return PASSWORD_CHARACTER * len(value)
    return printable(value)


def one_line(text: str) -> str:
    """Pasted text for a one-line field: each line break becomes a space."""
    return " ".join(text.splitlines())


class FieldLayout:
    """A field's value as one visual line, with the caret's stops and the maps.

    Canvas columns count from the left edge of the text plus its end cell: for a
    right-to-left value the end cell is column 0 and the text follows; for a
    left-to-right value the text starts at column 0 and the end cell follows it.
    """

    def __init__(
        self, value: str, password: bool = False, shape: bool = True, reorder: bool = True
    ) -> None:
        self.value = value
        paragraph = ParagraphLayout(display_text(value, password), shape=shape and reorder)
        line = paragraph.visual_line()
        if reorder:
            self.rtl: bool = paragraph.rtl
        else:
            # For a terminal that does bidi itself: the cells in logical order, brackets
            # as typed, not aligned; it reorders the line (and its columns are its own).
            self.rtl = False
            in_order = sorted(line.cells, key=lambda cell: (cell.start, cell.end))
            line = VisualLine(
                tuple(
                    cell._replace(text=_unmirrored(cell.text)) if cell.rtl else cell
                    for cell in in_order
                ),
                line.start,
                line.end,
                line.width,
                False,
            )
        self.line: VisualLine = line
        length = len(value)
        # Slots, left to right: the line's cells and the end cell, each with its canvas
        # column: (text, start, end, width, is a stop). A slot showing at least one
        # offset is a caret stop; a cell that shows none (a mark standing for nothing)
        # is drawn but never holds the caret.
        slots = [(c.text, c.start, c.end, c.width, c.end > c.start) for c in self.line.cells]
        end_slot = (" ", length, length, 1, True)
        if self.rtl:
            slots.insert(0, end_slot)
        else:
            slots.append(end_slot)
        self._slots = slots
        self._slot_columns = [0, *accumulate(slot[3] for slot in slots)]
        self.width = self._slot_columns.pop()  # the canvas: the text and the end cell
        self.stops: list[int] = []  # caret stops' offsets, left to right
        self.stop_columns: list[int] = []
        self.stop_widths: list[int] = []
        stop_at_column: list[int] = []
        stop_of = [-1] * (length + 1)  # the stop showing each offset 0..length
        index = -1
        for (_text, start, end, width, stop), column in zip(slots, self._slot_columns, strict=True):
            if stop:
                index += 1
                self.stops.append(start)
                self.stop_columns.append(column)
                self.stop_widths.append(width)
                if end - start > 1:
                    stop_of[start:end] = [index] * (end - start)
                else:
                    stop_of[start] = index
            if width == 1:
                stop_at_column.append(max(index, 0))
            else:
                stop_at_column.extend([max(index, 0)] * width)
        self._stop_at_column = stop_at_column
        self.end_stop = stop_of[length]
        # An offset no cell shows (a bidi control) goes with the next one that is shown,
        # in logical order.
        if -1 in stop_of:
            for offset in range(length - 1, -1, -1):
                if stop_of[offset] < 0:
                    stop_of[offset] = stop_of[offset + 1]
        self._stop_of = stop_of

    def stop_of(self, offset: int) -> int:
        """The index (left to right) of the stop the caret at `offset` is drawn on."""
        return self._stop_of[max(0, min(offset, len(self.value)))]

    def column_of(self, offset: int) -> int:
        """The canvas column the caret at `offset` is drawn on."""
        return self.stop_columns[self.stop_of(offset)]

    def offset_at(self, column: int) -> int:
        """The caret offset for a canvas column (a click); past either side, that side's stop."""
        if column < 0:
            return self.stops[0]
        if column >= self.width:
            return self.stops[-1]
        return self.stops[self._stop_at_column[column]]

    def move(self, offset: int, step: int) -> int:
        """The offset `step` stops to the right (negative: to the left) of `offset` on screen."""
        index = max(0, min(self.stop_of(offset) + step, len(self.stops) - 1))
        return self.stops[index]

    def scroll(self, width: int, caret: int, scroll: int | None = None) -> int:
        """The first canvas column to show in `width` columns so that the caret is seen.

        `scroll` is the one shown before (None: none yet, show the start of the value).
        Zero when everything fits.
        """
        most = self.width - width
        if most <= 0:
            return 0
        if scroll is None:
            scroll = most if self.rtl else 0
        index = self.stop_of(caret)
        column = self.stop_columns[index]
        scroll = max(min(scroll, column), column + self.stop_widths[index] - width)
        return max(0, min(scroll, most))

    def origin(self, width: int, scroll: int) -> int:
        """The field column of canvas column 0: right-aligned when RTL and it all fits."""
        if self.width <= width:
            return width - self.width if self.rtl else 0
        return -scroll

    def runs(
        self,
        width: int,
        scroll: int,
        caret: int | None,
        selection: tuple[int, int] | None = None,
    ) -> list[tuple[str, str]]:
        """What the field shows in `width` columns: (text, kind) runs, left to right.

        `caret` None: not drawn (no focus, or blinked off). `selection`: a logical range.
        The runs' cells add up to exactly `width`; a wide cell cut by an edge is blanks.
        """
        origin = self.origin(width, scroll)
        caret_stop = None if caret is None else self.stop_of(caret)
        low, high = sorted(selection) if selection else (0, 0)
        out: list[tuple[str, str]] = []
        x = 0

        def put(text: str, kind: str) -> None:
            if out and out[-1][1] == kind:
                out[-1] = (out[-1][0] + text, kind)
            else:
                out.append((text, kind))

        columns = self._slot_columns
        first = max(bisect_right(columns, -origin) - 1, 0)  # the first slot in view
        caret_start = None if caret_stop is None else self.stops[caret_stop]
        for text, start, end, cell_width, stop in self._slots[first:]:
            left = origin + columns[first]
            first += 1
            if left >= width:
                break
            if left + cell_width <= 0:
                continue
            if left > x:
                put(" " * (left - x), PLAIN)
                x = left
            if stop and start == caret_start:
                kind = CARET
            elif start < high and low < end:
                kind = SELECTED
            else:
                kind = PLAIN
            if left < 0 or left + cell_width > width:  # cut by an edge
                visible = min(left + cell_width, width) - max(left, 0)
                text = " " * visible
                cell_width = visible
            put(text, kind)
            x += cell_width
        if x < width:
            put(" " * (width - x), PLAIN)
        return out


def _unmirrored(text: str) -> str:
    return "".join(mirrored(ch) for ch in text)  # mirroring is its own inverse


@lru_cache(maxsize=64)
def field_layout(
    value: str, password: bool = False, shape: bool = True, reorder: bool = True
) -> FieldLayout:
    """`FieldLayout(...)`, cached: a field redraws the same value on every blink."""
    return FieldLayout(value, password, shape, reorder)


def placeholder_runs(placeholder: str, width: int, caret: bool) -> list[tuple[str, str]]:
    """An empty field: its placeholder laid out and aligned, the caret on its first cell."""
    pieces = [" "] * width
    rtl = False
    if placeholder and width > 0:
        line = fit_line(placeholder, width)
        pad = line.pad(width)
        rtl = line.rtl
        pieces = [" "] * pad + [cell.text for cell in line.cells]
        pieces += [" "] * (width - pad - line.width)
    if not caret or not pieces:
        return [("".join(pieces), PLACEHOLDER)]
    if rtl:
        return [("".join(pieces[:-1]), PLACEHOLDER), (pieces[-1], CARET)]
    return [(pieces[0], CARET), ("".join(pieces[1:]), PLACEHOLDER)]


# -- editing -------------------------------------------------------------------------


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch in _WORD_JOINERS or unicodedata.category(ch)[0] == "M"


def word_starts(value: str) -> list[int]:
    """Offsets where a word begins: a letter, digit or mark after anything else."""
    return [
        i for i, ch in enumerate(value) if _is_word(ch) and (i == 0 or not _is_word(value[i - 1]))
    ]


def previous_word_start(value: str, offset: int) -> int:
    """The last word start before `offset`, or 0."""
    found = 0
    for start in word_starts(value):
        if start >= offset:
            break
        found = start
    return found


def next_word_start(value: str, offset: int) -> int:
    """The first word start after `offset`, or the end of the value."""
    for start in word_starts(value):
        if start > offset:
            return start
    return len(value)


def cluster_end(value: str, offset: int) -> int:
    """The end of the character at `offset` with the combining marks that follow it."""
    end = min(offset + 1, len(value))
    while end < len(value) and unicodedata.category(value[end])[0] == "M":
        end += 1
    return end


@dataclass(frozen=True)
class LineEditor:
    """A field's value and its selection (`anchor` to `caret`, logical offsets).

    Every method returns the state after one key; the value is only ever changed
    logically. Visual moves need the value's layout, which is built on demand.
    """

    value: str = ""
    caret: int = 0
    anchor: int | None = None  # None: nothing selected
    password: bool = False
    shape: bool = True  # FieldLayout's options
    reorder: bool = True

    @property
    def selection(self) -> tuple[int, int]:
        """The selected logical range [start, end) (empty when nothing is selected)."""
        if self.anchor is None:
            return (self.caret, self.caret)
        return (min(self.anchor, self.caret), max(self.anchor, self.caret))

    @property
    def layout(self) -> FieldLayout:
        return field_layout(self.value, self.password, self.shape, self.reorder)

    def _to(self, caret: int, select: bool) -> LineEditor:
        caret = max(0, min(caret, len(self.value)))
        if not select:
            return replace(self, caret=caret, anchor=None)
        anchor = self.caret if self.anchor is None else self.anchor
        return replace(self, caret=caret, anchor=None if anchor == caret else anchor)

    def _replace_range(self, start: int, end: int, text: str) -> LineEditor:
        value = self.value[:start] + text + self.value[end:]
        return replace(self, value=value, caret=start + len(text), anchor=None)

    # -- moves --

    def left(self, select: bool = False) -> LineEditor:
        """One cell to the left on screen (with no shift, a selection collapses to its left side)."""
        return self._visual(-1, select)

    def right(self, select: bool = False) -> LineEditor:
        """One cell to the right on screen."""
        return self._visual(1, select)

    def _visual(self, step: int, select: bool) -> LineEditor:
        layout = self.layout
        start, end = self.selection
        if not select and start != end:
            stops = sorted((start, end), key=layout.stop_of)
            return self._to(stops[0] if step < 0 else stops[-1], False)
        return self._to(layout.move(self.caret, step), select)

    def word_left(self, select: bool = False) -> LineEditor:
        """To the word on the left: the next word in a right-to-left value, else the previous."""
        return self._word(forward=self.layout.rtl, select=select)

    def word_right(self, select: bool = False) -> LineEditor:
        """To the word on the right: the previous word in a right-to-left value, else the next."""
        return self._word(forward=not self.layout.rtl, select=select)

    def _word(self, forward: bool, select: bool) -> LineEditor:
        if self.password:
            return self._to(len(self.value) if forward else 0, select)
        if forward:
            return self._to(next_word_start(self.value, self.caret), select)
        return self._to(previous_word_start(self.value, self.caret), select)

    def home(self, select: bool = False) -> LineEditor:
        """To the start of the value (the right end of a right-to-left value)."""
        return self._to(0, select)

    def end(self, select: bool = False) -> LineEditor:
        """To the end of the value."""
        return self._to(len(self.value), select)

    def select_all(self) -> LineEditor:
        return replace(self, anchor=0 if self.value else None, caret=len(self.value))

    # -- edits --

    def insert(self, text: str) -> LineEditor:
        """`text` typed or pasted at the caret, replacing the selection."""
        start, end = self.selection
        return self._replace_range(start, end, text)

    def backspace(self) -> LineEditor:
        """The selection, or the one code point before the caret, removed."""
        start, end = self.selection
        if start != end:
            return self._replace_range(start, end, "")
        if self.caret == 0:
            return self
        return self._replace_range(self.caret - 1, self.caret, "")

    def delete(self) -> LineEditor:
        """The selection, or the character after the caret with its combining marks, removed."""
        start, end = self.selection
        if start != end:
            return self._replace_range(start, end, "")
        if self.caret >= len(self.value):
            return self
        return self._replace_range(self.caret, cluster_end(self.value, self.caret), "")

    def delete_word_before(self) -> LineEditor:
        """The selection, or back to the start of the word before the caret, removed."""
        start, end = self.selection
        if start != end:
            return self._replace_range(start, end, "")
        if self.password:
            return self._replace_range(0, self.caret, "")
        return self._replace_range(previous_word_start(self.value, self.caret), self.caret, "")

    def delete_word_after(self) -> LineEditor:
        """The selection, or up to the start of the next word, removed."""
        start, end = self.selection
        if start != end:
            return self._replace_range(start, end, "")
        if self.password:
            return self._replace_range(self.caret, len(self.value), "")
        return self._replace_range(self.caret, next_word_start(self.value, self.caret), "")

    def delete_to_start(self) -> LineEditor:
        start, end = self.selection
        if start != end:
            return self._replace_range(start, end, "")
        return self._replace_range(0, self.caret, "")

    def delete_to_end(self) -> LineEditor:
        start, end = self.selection
        if start != end:
            return self._replace_range(start, end, "")
        return self._replace_range(self.caret, len(self.value), "")
