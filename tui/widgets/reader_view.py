"""The reader: an article laid out right-to-left, drawn on Textual's line API.

Only the visible rows are drawn. Every cell maps back to a logical code-point offset
of the stored text (through the layout engine), so the caret, the selection and the
passages are always logical ranges, however the text is ordered on screen.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

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

from annotations.caret import (
    Navigator,
    ReaderRows,
    Row,
    Selection,
    logical_line,
    word_bounds,
)
from annotations.export.native import sentence_bounds
from annotations.layout import ArticleLayout, ParagraphLayout
from annotations.layout import Row as ArticleRow
from annotations.models import Article
from annotations.text import BIDI_CONTROL_PICTURES
from tui.widgets.bidi_text import bidi_marks as bidi_marks_setting

MARGIN = 1  # blank columns left and right of the text
LARGE_ARTICLE = 150_000  # characters: laid out in a worker thread (about half a second)
FIRST_SCREENS = 4  # screens of a large article laid out at once, before the worker ends


@dataclass(frozen=True)
class Highlight:
    """A passage as the reader paints it."""

    start: int
    end: int
    color: str  # hex
    stale: bool = False


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
        "reader--linked",
        "reader--suggestion",
    }

    DEFAULT_CSS = """
    ReaderView { height: 1fr; background: $surface; overflow-y: scroll; }
    ReaderView > .reader--title { text-style: bold; color: $text; }
    ReaderView > .reader--meta { color: $text-muted; }
    ReaderView > .reader--caret { background: $warning; color: $background; }
    ReaderView > .reader--selection { background: $accent 60%; }
    ReaderView > .reader--stale { text-style: strike; }
    ReaderView > .reader--bidi-mark { text-style: dim; }
    ReaderView > .reader--linked { text-style: bold reverse; }
    ReaderView > .reader--suggestion { text-style: dim underline; }
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

    class Clicked(Message):
        """A click that selected nothing: the caret is at `offset` (linking picks the
        passage there)."""

        def __init__(self, offset: int) -> None:
            super().__init__()
            self.offset = offset

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
        # Where the caret may go and what is selected: the model this widget drives.
        self.navigator = Navigator(
            article.text, self.article_layout, margin=MARGIN, terminal_bidi=self.terminal_bidi
        )
        self.selection_model = Selection(article.text, snap_to_words)
        self.highlights: list[Highlight] = []
        self._paint: list[int] = []  # per offset: index+1 of the innermost highlight, 0 none
        self._depth: list[int] = []  # per offset: how many highlights cover it
        self.linked: tuple[tuple[int, int], ...] = ()  # ranges marked as one frame
        self._linked: bytearray = bytearray()  # per offset: 1 inside a linked range
        self._suggested = bytearray()  # per offset: 1 where a suggestion covers it
        self._alt_pending = False
        self._dragging = False
        self._goal_column: int | None = None

    @property
    def selection_anchor(self) -> int | None:
        """The selection's anchor (a logical offset); None: nothing selected."""
        return self.selection_model.anchor

    @selection_anchor.setter
    def selection_anchor(self, value: int | None) -> None:
        self.selection_model.anchor = value

    @property
    def marking(self) -> bool:
        """`v` pressed: caret moves extend the selection."""
        return self.selection_model.marking

    @marking.setter
    def marking(self, value: bool) -> None:
        self.selection_model.marking = value

    @property
    def snap(self) -> bool:
        """This selection snaps to whole words."""
        return self.selection_model.snap

    @snap.setter
    def snap(self, value: bool) -> None:
        self.selection_model.snap = value

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
        if article_rows is None:
            article_rows = self.article_layout.rows(width)
        rows = ReaderRows(header, article_rows, self.terminal_bidi)
        self.rows = rows
        self.navigator.set_rows(rows, len(header), width)
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
        return self.navigator.first_offset()

    def top_offset(self) -> int | None:
        """The logical offset at the top of the view: the reading position."""
        return self.navigator.top_offset(int(self.scroll_offset.y))

    # -- maps ------------------------------------------------------------------------

    def visible_range(self) -> tuple[int, int] | None:
        """[first, last) offsets of the article text on the rows now on screen."""
        top = int(self.scroll_offset.y)
        height = self.scrollable_content_region.height
        first: int | None = None
        last = 0
        for index in range(top, min(top + height, len(self.rows))):
            row = self.rows[index]
            if row.line is None or row.base is None or not row.line.cells:
                continue
            lo = row.base + min(c.start for c in row.line.cells)
            hi = row.base + max(c.end for c in row.line.cells)
            first = lo if first is None else min(first, lo)
            last = max(last, hi)
        return None if first is None else (first, last)

    def paragraph_of(self, offset: int) -> int:
        return max(bisect_right(self.paragraph_starts, offset) - 1, 0)

    def position_of(self, offset: int) -> tuple[int, int] | None:
        """(row, column) of the cell showing the absolute offset, or None if not drawn."""
        return self.navigator.position_of(offset)

    def offset_at(self, row: int, column: int) -> int | None:
        """The absolute offset shown at (row, column) of the canvas, or None."""
        return self.navigator.offset_at(row, column)

    def nearest_offset(self, row: int, column: int) -> int | None:
        """The offset of the cell at or nearest to (row, column) on that row."""
        return self.navigator.nearest_offset(row, column)

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

    def set_linked(self, ranges: Sequence[tuple[int, int]]) -> None:
        """Mark these ranges (the passages linked to the one under the caret)."""
        ranges = tuple(sorted(ranges))
        if ranges == self.linked:
            return
        self.linked = ranges
        self._linked = self._covered(ranges)
        self.refresh()

    def set_suggestions(self, spans: Sequence[tuple[int, int]]) -> None:
        """Suggestions to draw (dim and underlined: offered, not annotated)."""
        self._suggested = self._covered(spans)
        self.refresh()

    def _covered(self, ranges: Sequence[tuple[int, int]]) -> bytearray:
        """Per offset of the text: 1 inside one of `ranges` (empty when there are none:
        render_line reads past the end as 0)."""
        size = len(self.article.text)
        mask = bytearray(size) if ranges else bytearray()
        for start, end in ranges:
            lo, hi = max(start, 0), min(end, size)
            if hi > lo:
                mask[lo:hi] = b"\x01" * (hi - lo)
        return mask

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_cache.clear()  # the theme or CSS changed

    def _style(self, key: tuple[object, ...]) -> Style:
        """The style of a cell: (kind,) or (highlight index, depth, selected, caret, mark,
        suggested, linked)."""
        cached = self._style_cache.get(key)
        if cached is not None:
            return cached
        base = self.rich_style
        if len(key) == 1:
            style = base + self.get_component_rich_style(f"reader--{key[0]}")
        else:
            index, depth, selected, caret, mark, suggested, linked = key
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
            if suggested:
                style += self.get_component_rich_style("reader--suggestion")
            if selected:
                style += self.get_component_rich_style("reader--selection")
            if mark:  # a bidi control's mark: there, but not text
                style += self.get_component_rich_style("reader--bidi-mark")
            if linked:
                style += self.get_component_rich_style("reader--linked")
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
        linked, suggested = self._linked, self._suggested
        linked_n, suggested_n = len(linked), len(suggested)
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
                start < suggested_n and suggested[start] == 1,
                start < linked_n and linked[start] == 1,
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
        return self.selection_model.range(self.caret)

    def word_bounds(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) grown to whole words (letters, marks, digits)."""
        return word_bounds(self.article.text, start, end)

    def select_range(self, start: int, end: int, *, snap: bool = False) -> None:
        """Select [start, end) (the caret goes to its last character)."""
        self.caret = self.selection_model.select(start, end, snap=snap)
        self._selection_changed()

    def clear_selection(self) -> None:
        if self.selection_model.clear():
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
        return self.navigator.visual_step(offset, direction)

    def _word_step(self, offset: int, direction: int) -> int | None:
        return self.navigator.word_step(offset, direction)

    def _move(self, target: int | None, extend: bool, snap: bool) -> None:
        if target is None:
            return
        self._goal_column = None
        if self.selection_model.extends(extend):
            self.selection_model.extend_from(self.caret, snap)
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
        return self.navigator.line_target(self.caret, delta, self._goal_column)

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
            self._move(self.navigator.last_offset(), False, False)
        else:
            self._move(self._first_drawn_offset(), False, False)
            self.scroll_to(y=0, animate=False, immediate=True)

    def action_toggle_mark(self) -> None:
        # Off again: the selection stays until a plain move or Escape.
        if self.selection_model.toggle_mark(self.caret):
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
        if event.chain == 1 and self.selection is None:
            self.post_message(self.Clicked(self.caret))
        elif event.chain == 2:
            self.select_range(*self.word_bounds(offset, offset + 1))
        elif event.chain >= 3:
            self.select_range(*sentence_bounds(self.article.text, offset, offset + 1))
