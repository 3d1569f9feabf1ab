"""A text input that draws its value as it reads: Arabic shaped, in visual order.

Textual's `Input` draws the value in logical order, one character per cell: Arabic comes
out backwards and unjoined. `BidiInput` is an `Input` (same value, placeholder,
`Changed`/`Submitted` messages, `cursor_position` as a logical offset) whose drawing,
caret moves, mouse mapping and scrolling come from the layout engine's one-line field
model (`annotations.layout.field`): the value is laid out as one line, right-aligned
when it is right-to-left, Left and Right move the caret on screen, and every edit is
made on the logical value by `LineEditor`.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Offset
from textual.strip import Strip
from textual.widgets import Input
from textual.widgets._input import _RESTRICT_TYPES, Selection

from annotations.layout.chars import BIDI_FORMATTING
from annotations.layout.field import (
    CARET,
    PLACEHOLDER,
    SELECTED,
    FieldLayout,
    LineEditor,
    field_layout,
    one_line,
    placeholder_runs,
)

# Format characters typed on purpose: Persian and Arabic keyboards send ZWNJ (and ZWJ),
# bidi-aware layouts the marks and isolates. `Key.is_printable` says no to them, so
# Input would drop them; the layout applies them (and draws the isolates and embeddings).
TYPED_FORMAT_CHARACTERS = frozenset("\u200c\u200d") | BIDI_FORMATTING


def _binding(keys: str, action: str, description: str, name: str) -> Binding:
    return Binding(keys, action, description, show=False, id=f"input.{name}")


class BidiInput(Input, inherit_bindings=False):
    """An `Input` laid out by the bidi engine. Suggestions and highlighters are not drawn."""

    # Textual's keys, each with an id so a keymap can move it.
    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("left", "cursor_left", "Move cursor left", "cursor_left"),
        _binding("shift+left", "cursor_left(True)", "Select left", "select_left"),
        _binding("ctrl+left", "cursor_left_word", "Word to the left", "word_left"),
        _binding(
            "ctrl+shift+left", "cursor_left_word(True)", "Select a word left", "select_word_left"
        ),
        _binding("right", "cursor_right", "Move cursor right", "cursor_right"),
        _binding("shift+right", "cursor_right(True)", "Select right", "select_right"),
        _binding("ctrl+right", "cursor_right_word", "Word to the right", "word_right"),
        _binding(
            "ctrl+shift+right",
            "cursor_right_word(True)",
            "Select a word right",
            "select_word_right",
        ),
        _binding("backspace", "delete_left", "Delete the character before", "delete_left"),
        _binding("ctrl+shift+a", "select_all", "Select all", "select_all"),
        _binding("home,ctrl+a", "home", "Go to start", "home"),
        _binding("end,ctrl+e", "end", "Go to end", "end"),
        _binding("shift+home", "home(True)", "Select to the start", "select_home"),
        _binding("shift+end", "end(True)", "Select to the end", "select_end"),
        _binding("delete,ctrl+d", "delete_right", "Delete the character after", "delete_right"),
        _binding("enter", "submit", "Submit", "submit"),
        _binding("ctrl+w", "delete_left_word", "Delete the word before", "delete_left_word"),
        _binding(
            "ctrl+u,super+backspace", "delete_left_all", "Delete to the start", "delete_left_all"
        ),
        _binding(
            "ctrl+backspace,alt+backspace",
            "delete_right_word",
            "Delete to the next word",
            "delete_right_word",
        ),
        _binding("ctrl+k", "delete_right_all", "Delete to the end", "delete_right_all"),
        _binding("ctrl+x", "cut", "Cut", "cut"),
        _binding("ctrl+c,super+c", "copy", "Copy", "copy"),
        _binding("ctrl+v", "paste", "Paste", "paste"),
    ]

    _scroll: int | None = None  # first canvas column shown; None until the first draw

    # -- the model ---------------------------------------------------------------------

    @property
    def _options(self) -> tuple[bool, bool]:
        """(shape, reorder) from the app's settings: a terminal doing bidi gets logical order."""
        settings = getattr(self.app, "settings", None)
        reorder = getattr(settings, "bidi", "app") == "app"
        return bool(getattr(settings, "shape", True)) and reorder, reorder

    @property
    def field(self) -> FieldLayout:
        """The value's one-line layout."""
        return field_layout(self.value, self.password, *self._options)

    @property
    def editor(self) -> LineEditor:
        """The value and selection as the editing model sees them."""
        start, end = self.selection
        shape, reorder = self._options
        anchor = None if start == end else start
        return LineEditor(self.value, end, anchor, self.password, shape, reorder)

    def _allowed(self, value: str) -> bool:
        """Input's own limits: `max_length`, `restrict` and `type`."""
        if self.max_length and len(value) > self.max_length:
            return False
        if self.restrict and re.fullmatch(self.restrict, value) is None:
            return False
        pattern = _RESTRICT_TYPES.get(self.type)
        return pattern is None or re.fullmatch(pattern, value) is not None

    def _apply(self, editor: LineEditor) -> None:
        if editor.value != self.value:
            if not self._allowed(editor.value):
                self.restricted()
                return
            self.value = editor.value
        anchor = editor.caret if editor.anchor is None else editor.anchor
        self.selection = Selection(anchor, editor.caret)

    def _view_width(self) -> int:
        return max(self.scrollable_content_region.width, 1)

    def _scrolled(self) -> tuple[FieldLayout, int, int]:
        """(layout, width, scroll) for the current value and caret; keeps the caret in view."""
        layout = self.field
        width = self._view_width()
        self._scroll = layout.scroll(width, self.cursor_position, self._scroll)
        return layout, width, self._scroll

    # -- drawing -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        if y != 0:
            return Strip.blank(self.size.width, self.rich_style)
        caret = self.has_focus and self._cursor_visible
        if not self.value:
            runs = placeholder_runs(self.placeholder, self._view_width(), caret)
        else:
            layout, width, scroll = self._scrolled()
            start, end = self.selection
            selection = (start, end) if self.has_focus else None
            runs = layout.runs(width, scroll, self.cursor_position if caret else None, selection)
        styles = {
            CARET: self.get_component_rich_style("input--cursor"),
            SELECTED: self.get_component_rich_style("input--selection"),
            PLACEHOLDER: self.get_component_rich_style("input--placeholder"),
        }
        plain = Style()
        strip = Strip([Segment(text, styles.get(kind, plain)) for text, kind in runs])
        return strip.apply_style(self.rich_style)

    @property
    def content_width(self) -> int:
        if not self.value:
            return cell_len(self.placeholder) + 1
        return self.field.width

    @property
    def cursor_screen_offset(self) -> Offset:
        """Where the terminal's own cursor goes (input methods draw there)."""
        x, y, _width, _height = self.content_region
        if not self.value:
            return Offset(x, y)
        layout, width, scroll = self._scrolled()
        return Offset(x + layout.origin(width, scroll) + layout.column_of(self.cursor_position), y)

    def _watch_selection(self, selection: Selection) -> None:
        self.app.clear_selection()
        self.app.cursor_position = self.cursor_screen_offset

    def _cell_offset_to_index(self, offset: int) -> int:
        """The caret offset for a click at content column `offset`."""
        if not self.value:
            return 0
        layout, width, scroll = self._scrolled()
        return layout.offset_at(offset - layout.origin(width, scroll))

    # -- keys --------------------------------------------------------------------------

    def action_cursor_left(self, select: bool = False) -> None:
        self._apply(self.editor.left(select))

    def action_cursor_right(self, select: bool = False) -> None:
        self._apply(self.editor.right(select))

    def action_cursor_left_word(self, select: bool = False) -> None:
        self._apply(self.editor.word_left(select))

    def action_cursor_right_word(self, select: bool = False) -> None:
        self._apply(self.editor.word_right(select))

    def action_home(self, select: bool = False) -> None:
        self._apply(self.editor.home(select))

    def action_end(self, select: bool = False) -> None:
        self._apply(self.editor.end(select))

    def action_select_all(self) -> None:
        self._apply(self.editor.select_all())

    def action_delete_left(self) -> None:
        self._apply(self.editor.backspace())

    def action_delete_right(self) -> None:
        self._apply(self.editor.delete())

    def action_delete_left_word(self) -> None:
        self._apply(self.editor.delete_word_before())

    def action_delete_right_word(self) -> None:
        self._apply(self.editor.delete_word_after())

    def action_delete_left_all(self) -> None:
        self._apply(self.editor.delete_to_start())

    def action_delete_right_all(self) -> None:
        self._apply(self.editor.delete_to_end())

    def action_paste(self) -> None:
        self._apply(self.editor.insert(one_line(self.app.clipboard)))

    async def _on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character in TYPED_FORMAT_CHARACTERS:
            event.stop()
            event.prevent_default()
            self._apply(self.editor.insert(event.character))
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        # All of the pasted text, its line breaks as spaces: a one-line field keeps
        # every word of a multi-line quote instead of only its first line.
        if event.text:
            self._apply(self.editor.insert(one_line(event.text)))
        event.stop()
        event.prevent_default()  # Input's own handler would paste the first line again
