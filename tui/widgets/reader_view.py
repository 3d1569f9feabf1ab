"""The reader: an article laid out right-to-left, drawn on Textual's line API.

Only the visible rows are drawn. Every cell maps back to a logical code-point offset
of the stored text (through the layout engine), so the caret, the selection and the
passages are always logical ranges, however the text is ordered on screen.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.export.native import sentence_bounds
from annotations.layout import ArticleLayout, ParagraphLayout, VisualLine
from annotations.layout import Row as ArticleRow
from annotations.layout.chars import mirrored
from annotations.models import Article
from annotations.text import BIDI_CONTROL_PICTURES
from tui.widgets.bidi_text import bidi_marks as bidi_marks_setting

MARGIN = 1  # blank columns left and right of the text
LARGE_ARTICLE = 150_000  # characters: laid out in a worker thread (about half a second)
FIRST_SCREENS = 4  # screens of a large article laid out at once, before the worker ends


@dataclass(frozen=True)
class Row:
    """One screen row of the article."""

    line: VisualLine | None  # None for a blank row
    base: int | None  # absolute offset of the line's paragraph start; None: not article text
    pad: int  # blank columns before the first cell
    kind: str = "text"  # text | title | meta | blank


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


@dataclass(frozen=True)
class Highlight:
    """A passage as the reader paints it."""

    start: int
    end: int
    color: str  # hex
    stale: bool = False


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


class ReaderView(ScrollView, can_focus=True):
    """One article; a caret that always sits on a logical offset, and a selection."""

    BINDINGS = [
        Binding("left", "move_word(-1)", "Word left", show=False),
        Binding("right", "move_word(1)", "Word right", show=False),
        Binding("alt+left,ctrl+left", "move_char(-1)", "Char left", show=False),
        Binding("alt+right,ctrl+right", "move_char(1)", "Char right", show=False),
        Binding("shift+left", "extend_word(-1)", "Extend word left", show=False),
        Binding("shift+right", "extend_word(1)", "Extend word right", show=False),
        Binding(
            "alt+shift+left,ctrl+shift+left", "extend_char(-1)", "Extend char left", show=False
        ),
        Binding(
            "alt+shift+right,ctrl+shift+right", "extend_char(1)", "Extend char right", show=False
        ),
        Binding("up", "move_line(-1)", "Line up", show=False),
        Binding("down", "move_line(1)", "Line down", show=False),
        Binding("shift+up", "extend_line(-1)", "Extend line up", show=False),
        Binding("shift+down", "extend_line(1)", "Extend line down", show=False),
        Binding("k", "scroll_rows(-1)", "Scroll up", show=False),
        Binding("j", "scroll_rows(1)", "Scroll down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "Start", show=False),
        Binding("end", "edge(1)", "End", show=False),
        Binding("v", "toggle_mark", "Mark", id="reader.mark", show=False),
        Binding("s", "select_sentence", "Sentence", id="reader.sentence", show=False),
        Binding("P", "select_paragraph", "Paragraph", id="reader.paragraph", show=False),
    ]

    COMPONENT_CLASSES = {
        "reader--plain",
        "reader--title",
        "reader--meta",
        "reader--caret",
        "reader--selection",
        "reader--stale",
        "reader--bidi-mark",
    }

    DEFAULT_CSS = """
    ReaderView { height: 1fr; background: $surface; overflow-y: scroll; }
    ReaderView > .reader--title { text-style: bold; color: $text; }
    ReaderView > .reader--meta { color: $text-muted; }
    ReaderView > .reader--caret { background: $warning; color: $background; }
    ReaderView > .reader--selection { background: $accent 60%; }
    ReaderView > .reader--stale { text-style: strike; }
    ReaderView > .reader--bidi-mark { text-style: dim; }
    """

    caret: reactive[int] = reactive(0, init=False)

    class CaretMoved(Message):
        def __init__(self, offset: int) -> None:
            super().__init__()
            self.offset = offset

    class SelectionChanged(Message):
        def __init__(self, selection: tuple[int, int] | None) -> None:
            super().__init__()
            self.selection = selection

    def __init__(
        self,
        article: Article,
        *,
        direction: str = "auto",
        shape: bool = True,
        snap_to_words: bool = True,
        bidi: str = "app",
        bidi_marks: bool | None = None,
        id: str | None = None,
    ) -> None:
        self._style_cache: dict[tuple[object, ...], Style] = {}
        super().__init__(id=id)
        self.article = article
        self.direction = direction
        # bidi="terminal": the terminal reorders and shapes (mlterm, Konsole with bidi
        # on), so lines are sent in logical order, unshaped, unmirrored, unpadded.
        self.terminal_bidi = bidi == "terminal"
        shape = shape and not self.terminal_bidi
        self.shape = shape
        self.snap_to_words = snap_to_words
        # Bidi embeddings, overrides and isolates: applied, and drawn as marks unless hidden.
        marks = bidi_marks_setting() if bidi_marks is None else bidi_marks
        # Levels once per paragraph; widths only re-wrap; cells for the lines shown.
        self.article_layout = ArticleLayout(
            article.text, article.paragraphs, direction, shape, bidi_marks=marks
        )
        self.paragraph_starts = [s for s, _ in article.paragraphs]
        self.title_layout = ParagraphLayout(article.title or "", shape=shape, bidi_marks=marks)
        self.meta_layout = ParagraphLayout(
            " · ".join(x for x in (article.source, article.published or "", article.id) if x),
            shape=shape,
            bidi_marks=marks,
        )
        self.rows: Sequence[Row] = []
        self._text_width = 0
        self._header_rows = 0  # title, source and a blank row above the text
        self.selection_anchor: int | None = (
            None  # selection anchor (logical offset), None: no selection
        )
        self.marking = False  # `v` pressed: caret moves extend the selection
        self.snap = snap_to_words  # this selection snaps to whole words
        self.highlights: list[Highlight] = []
        self._paint: list[int] = []  # per offset: index+1 of the innermost highlight, 0 none
        self._depth: list[int] = []  # per offset: how many highlights cover it
        self._alt_pending = False
        self._dragging = False
        self._goal_column: int | None = None

    # -- layout ------------------------------------------------------------------------

    @property
    def text_width(self) -> int:
        # The vertical scrollbar is always shown (overflow-y: scroll), so the text width
        # does not change when it would appear.
        return max(self.scrollable_content_region.width - 2 * MARGIN, 1)

    def _relayout(self) -> None:
        if self.scrollable_content_region.width <= 2 * MARGIN:
            return  # not sized yet: laying out at width 1 would be wasted work
        width = self.text_width
        if width == self._text_width and self.rows:
            return
        if len(self.article.text) >= LARGE_ARTICLE and not self.article_layout.is_laid_out(width):
            # Seconds of work for a very long article: off the UI thread. The first
            # screens are laid out now, so the text is there at once.
            first = self.article_layout.first_rows(width, FIRST_SCREENS * max(self.size.height, 1))
            self._apply_layout(width, first)
            # After the first frame: the worker would compete with it for the GIL.
            self.call_after_refresh(self._layout_in_background, width)
            return
        self._apply_layout(width)

    @work(thread=True, exclusive=True, group="layout", exit_on_error=False)
    def _layout_in_background(self, width: int) -> None:
        self.article_layout.rows(width)  # wraps every paragraph (cached); touches no widget
        self.app.call_from_thread(self._layout_ready, width)

    def _layout_ready(self, width: int) -> None:
        if width == self.text_width:
            self._apply_layout(width)
            self._scroll_to_caret()
            self.refresh()

    def _apply_layout(self, width: int, article_rows: Sequence[ArticleRow] | None = None) -> None:
        # Keep the reading position: the logical offset at the top (unless at the very top).
        top = self.top_offset() if self.rows and self.scroll_offset.y > 0 else None
        self._text_width = width
        header: list[Row] = []
        for line in self.title_layout.lines(width) if self.article.title else []:
            header.append(Row(line, None, line.pad(width), "title"))
        for line in self.meta_layout.lines(width):
            header.append(Row(line, None, line.pad(width), "meta"))
        if self.terminal_bidi:
            header = [Row(logical_line(r.line), None, 0, r.kind) if r.line else r for r in header]
        header.append(Row(None, None, 0, "blank"))
        self._header_rows = len(header)
        if article_rows is None:
            article_rows = self.article_layout.rows(width)
        rows = ReaderRows(header, article_rows, self.terminal_bidi)
        self.rows = rows
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows))
        if top is not None:
            position = self.position_of(top)
            if position is not None:
                self.scroll_to(y=position[0], animate=False, immediate=True)

    def on_resize(self) -> None:
        self._relayout()
        self.refresh()

    def on_mount(self) -> None:
        self._relayout()
        self.caret = self._first_drawn_offset()

    def _first_drawn_offset(self) -> int:
        for row in self.rows:
            if row.base is not None and row.line is not None and row.line.cells:
                cell = row.line.cells[-1] if row.line.rtl else row.line.cells[0]
                return row.base + cell.start
        return 0

    def top_offset(self) -> int | None:
        """The logical offset at the top of the view: the reading position."""
        for index in range(int(self.scroll_offset.y), len(self.rows)):
            row = self.rows[index]
            if row.base is not None and row.line is not None:
                return row.base + row.line.start
        return None

    # -- maps ------------------------------------------------------------------------

    def paragraph_of(self, offset: int) -> int:
        return max(bisect_right(self.paragraph_starts, offset) - 1, 0)

    def position_of(self, offset: int) -> tuple[int, int] | None:
        """(row, column) of the cell showing the absolute offset, or None if not drawn."""
        if not self.rows:
            return None
        found = self.article_layout.position_of(offset, self._text_width)
        if found is None:
            return None
        row, column = found
        row += self._header_rows
        if self.terminal_bidi:  # our rows hold the lines in logical order
            r = self.rows[row]
            assert r.line is not None and r.base is not None
            logical_column = r.line.column_of(offset - r.base)
            if logical_column is None:
                return None
            column = logical_column
        return row, MARGIN + column

    def offset_at(self, row: int, column: int) -> int | None:
        """The absolute offset shown at (row, column) of the canvas, or None."""
        if not 0 <= row < len(self.rows):
            return None
        r = self.rows[row]
        if r.line is None or r.base is None:
            return None
        found = r.line.offset_at(column - MARGIN - r.pad)
        return None if found is None else r.base + found

    def nearest_offset(self, row: int, column: int) -> int | None:
        """The offset of the cell at or nearest to (row, column) on that row."""
        exact = self.offset_at(row, column)
        if exact is not None:
            return exact
        r = self.rows[row] if 0 <= row < len(self.rows) else None
        if r is None or r.line is None or r.base is None or not r.line.cells:
            return None
        left = MARGIN + r.pad
        cells = r.line.cells
        cell = cells[0] if column < left else cells[-1]
        return r.base + cell.start

    # -- drawing ---------------------------------------------------------------------

    def set_highlights(self, highlights: list[Highlight]) -> None:
        """Passages to paint; the shortest wins a cell's colour, nesting is underlined."""
        self.highlights = highlights
        self._style_cache.clear()
        size = len(self.article.text)
        paint = [0] * size
        depth = [0] * size
        order = sorted(
            range(len(highlights)), key=lambda i: -(highlights[i].end - highlights[i].start)
        )
        for i in order:
            h = highlights[i]
            lo, hi = max(h.start, 0), min(h.end, size)
            paint[lo:hi] = [i + 1] * (hi - lo)
            for k in range(lo, hi):
                depth[k] += 1
        self._paint, self._depth = paint, depth
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_cache.clear()  # the theme or CSS changed

    def _style(self, key: tuple[object, ...]) -> Style:
        """The style of a cell: (kind,) or (highlight index, depth, selected, caret, mark)."""
        cached = self._style_cache.get(key)
        if cached is not None:
            return cached
        base = self.rich_style
        if len(key) == 1:
            style = base + self.get_component_rich_style(f"reader--{key[0]}")
        else:
            index, depth, selected, caret, mark = key
            style = base
            if isinstance(index, int) and index >= 0:
                h = self.highlights[index]
                color = Color.parse(h.color)
                r, g, b = color.get_truecolor()
                light = (0.299 * r + 0.587 * g + 0.114 * b) > 150
                style += Style(bgcolor=color, color="black" if light else "white")
                if isinstance(depth, int) and depth > 1:
                    style += Style(underline=True)  # nested or overlapping passages
                if h.stale:
                    style += self.get_component_rich_style("reader--stale")
            if selected:
                style += self.get_component_rich_style("reader--selection")
            if mark:  # a bidi control's mark: there, but not text
                style += self.get_component_rich_style("reader--bidi-mark")
            if caret:
                style += self.get_component_rich_style("reader--caret")
        self._style_cache[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        base_style = self._style(("plain",))
        if not self.rows and y == 0:
            note = Segment(" " * MARGIN + "Laying out the article…", self._style(("meta",)))
            return Strip([note]).adjust_cell_length(width, base_style)
        if index >= len(self.rows):
            return Strip.blank(width, base_style)
        row = self.rows[index]
        if row.line is None:
            return Strip.blank(width, base_style)
        if row.base is None:
            text = " " * (MARGIN + row.pad) + row.line.text
            return Strip([Segment(text, self._style((row.kind,)))]).adjust_cell_length(
                width, base_style
            )
        selection = self.selection
        caret = self.caret
        paint, depth = self._paint, self._depth
        painted = len(paint)
        text = self.article.text
        segments: list[Segment] = [Segment(" " * (MARGIN + row.pad), base_style)]
        run_text: list[str] = []
        run_key: tuple[object, ...] | None = None
        for cell in row.line.cells:
            start = row.base + cell.start
            end = row.base + cell.end
            key = (
                paint[start] - 1 if start < painted else -1,
                depth[start] if start < painted else 0,
                selection is not None and start < selection[1] and selection[0] < end,
                start <= caret < end or start == end == caret,
                end - start == 1 and text[start] in BIDI_CONTROL_PICTURES,
            )
            if key == run_key:
                run_text.append(cell.text)
            else:
                if run_text and run_key is not None:
                    segments.append(Segment("".join(run_text), self._style(run_key)))
                run_text, run_key = [cell.text], key
        if run_text and run_key is not None:
            segments.append(Segment("".join(run_text), self._style(run_key)))
        return Strip(segments).adjust_cell_length(width, base_style)

    def _refresh_rows(self, *offsets: int) -> None:
        for offset in offsets:
            position = self.position_of(offset)
            if position is not None:
                y = position[0] - int(self.scroll_offset.y)
                self.refresh(Region(0, y, self.size.width, 1))

    # -- caret and selection -----------------------------------------------------------

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected logical range [start, end), snapped to words unless turned off."""
        if self.selection_anchor is None:
            return None
        start, end = (
            min(self.selection_anchor, self.caret),
            max(self.selection_anchor, self.caret) + 1,
        )
        end = min(end, len(self.article.text))
        if self.snap:
            start, end = self.word_bounds(start, end)
        return (start, end) if start < end else None

    def word_bounds(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) grown to whole words (letters, marks, digits)."""
        text = self.article.text
        if start < len(text) and is_word_char(text[start]):
            while start > 0 and is_word_char(text[start - 1]):
                start -= 1
        if end > 0 and is_word_char(text[end - 1]):
            while end < len(text) and is_word_char(text[end]):
                end += 1
        return start, end

    def select_range(self, start: int, end: int, *, snap: bool = False) -> None:
        """Select [start, end) (the caret goes to its last character)."""
        self.snap = snap and self.snap_to_words
        self.selection_anchor = start
        self.caret = max(end - 1, start)
        self._selection_changed()

    def clear_selection(self) -> None:
        if self.selection_anchor is not None:
            self.selection_anchor = None
            self.marking = False
            self._selection_changed()

    def _selection_changed(self) -> None:
        self.refresh()
        self.post_message(self.SelectionChanged(self.selection))

    def watch_caret(self, old: int, new: int) -> None:
        self._scroll_to_caret()
        if self.selection_anchor is not None:
            self.refresh()
        else:
            self._refresh_rows(old, new)
        self.post_message(self.CaretMoved(new))

    def _scroll_to_caret(self) -> None:
        position = self.position_of(self.caret)
        if position is None:
            return
        row = position[0]
        top = int(self.scroll_offset.y)
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def _visual_step(self, offset: int, direction: int) -> int | None:
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
        cell = r.line.cell_at(column - MARGIN - r.pad)
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

    def _word_step(self, offset: int, direction: int) -> int | None:
        """Move visually to the next word's first cell in that direction."""
        text = self.article.text
        word = self.word_bounds(offset, offset + 1) if is_word_char(text[offset]) else None
        current: int | None = offset
        while True:
            current = self._visual_step(current, direction) if current is not None else None
            if current is None:
                return None
            if is_word_char(text[current]) and (word is None or not word[0] <= current < word[1]):
                return current

    def _move(self, target: int | None, extend: bool, snap: bool) -> None:
        if target is None:
            return
        self._goal_column = None
        if extend or self.marking:
            if self.selection_anchor is None:
                self.selection_anchor = self.caret
                self.snap = snap and self.snap_to_words
            elif not snap:
                self.snap = False
            self.caret = target
            self._selection_changed()
        else:
            self.clear_selection()
            self.caret = target

    def action_move_char(self, direction: int) -> None:
        self._move(self._visual_step(self.caret, direction), False, False)

    def action_move_word(self, direction: int) -> None:
        self._move(self._word_step(self.caret, direction), False, True)

    def action_extend_char(self, direction: int) -> None:
        self._move(self._visual_step(self.caret, direction), True, False)

    def action_extend_word(self, direction: int) -> None:
        self._move(self._word_step(self.caret, direction), True, True)

    def _line_target(self, delta: int) -> int | None:
        position = self.position_of(self.caret)
        if position is None:
            return None
        row, column = position
        goal = self._goal_column if self._goal_column is not None else column
        target_row = row + delta
        while 0 <= target_row < len(self.rows):
            r = self.rows[target_row]
            if r.line is not None and r.base is not None and r.line.cells:
                found = self.nearest_offset(target_row, goal)
                if found is not None:
                    return found
            target_row += 1 if delta > 0 else -1
        return None

    def _move_line(self, delta: int, extend: bool) -> None:
        position = self.position_of(self.caret)
        goal = (
            self._goal_column if self._goal_column is not None else (position[1] if position else 0)
        )
        self._move(self._line_target(delta), extend, True)
        self._goal_column = goal

    def action_move_line(self, delta: int) -> None:
        self._move_line(delta, False)

    def action_extend_line(self, delta: int) -> None:
        self._move_line(delta, True)

    def action_scroll_rows(self, delta: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + delta, animate=False, immediate=True)

    def action_page(self, direction: int) -> None:
        height = max(self.scrollable_content_region.height - 1, 1)
        self._move_line(direction * height, False)

    def action_edge(self, end: int) -> None:
        if end:
            last = len(self.rows) - 1
            while last >= 0 and (self.rows[last].line is None or self.rows[last].base is None):
                last -= 1
            r = self.rows[last]
            if r.line is not None and r.base is not None and r.line.cells:
                cell = r.line.cells[0] if r.line.rtl else r.line.cells[-1]
                self._move(r.base + cell.start, False, False)
        else:
            self._move(self._first_drawn_offset(), False, False)
            self.scroll_to(y=0, animate=False, immediate=True)

    def action_toggle_mark(self) -> None:
        if self.marking:
            self.marking = False  # the selection stays until a plain move or Escape
        else:
            self.marking = True
            self.selection_anchor = self.caret
            self.snap = self.snap_to_words
            self._selection_changed()

    def action_select_sentence(self) -> None:
        start, end = sentence_bounds(self.article.text, self.caret, self.caret + 1)
        self.select_range(start, end)

    def action_select_paragraph(self) -> None:
        start, end = self.article.paragraphs[self.paragraph_of(self.caret)]
        self.select_range(start, end)

    # -- keys that terminals send as Escape + key (Alt) ------------------------------

    async def _on_key(self, event: events.Key) -> None:
        # Terminals without the kitty protocol send Alt+key as ESC then key; Textual
        # turns that into a bare "escape" (with no character) and the key.
        if event.key == "escape" and event.character is None:
            self._alt_pending = True
            event.stop()
            event.prevent_default()
            return
        if self._alt_pending:
            self._alt_pending = False
            actions = {
                "left": ("move_char", -1),
                "right": ("move_char", 1),
                "shift+left": ("extend_char", -1),
                "shift+right": ("extend_char", 1),
            }
            if event.key in actions:
                name, arg = actions[event.key]
                event.stop()
                event.prevent_default()
                getattr(self, f"action_{name}")(arg)
                return

    # -- mouse -------------------------------------------------------------------------

    def _mouse_offset(self, event: events.MouseEvent) -> int | None:
        row = int(self.scroll_offset.y) + event.y
        return self.nearest_offset(row, event.x)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = self._mouse_offset(event)
        if offset is None:
            return
        self.focus()
        self._dragging = True
        self.capture_mouse()
        self.marking = False
        self.selection_anchor = None
        self.caret = offset
        self._drag_anchor = offset
        self._selection_changed()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        offset = self._mouse_offset(event)
        if offset is None or (offset == self.caret and self.selection_anchor is not None):
            return
        if self.selection_anchor is None:
            self.selection_anchor = self._drag_anchor
            self.snap = self.snap_to_words
        self.caret = offset
        self._selection_changed()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    def on_click(self, event: events.Click) -> None:
        offset = self._mouse_offset(event)
        if offset is None:
            return
        if event.chain == 2:
            self.select_range(*self.word_bounds(offset, offset + 1))
        elif event.chain >= 3:
            self.select_range(*sentence_bounds(self.article.text, offset, offset + 1))
