"""The tag dialog: a passage's labels (or an article's), one column per attribute of the
schema.

Choice and actor attributes are value lists side by side (an actor list has its own
type-to-find field and a row to add an actor); text attributes are fields under them,
boolean ones toggles. The quick path is one key per column: each column's shortcut picks
its value and moves on, and the pick in the last single-valued column saves. A column of
a `multiple: true` attribute toggles values with their shortcuts instead (Tab moves on).
An attribute whose `when` is unmet is not shown until it is met.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalScroll, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from annotations.models import Passage, freeze_labels
from annotations.schema import Actor, Attribute, LabelSchema, LabelValue
from annotations.text import check_name
from tui.typeahead import give_back, typed_ahead
from tui.widgets.bidi_input import BidiInput
from tui.widgets.bidi_text import clipped_lines, fit_line, name_pair

NEW_ACTOR = "__new__"
NONE = "__none__"
CHOSEN = "✓"  # marks the chosen rows of a value list
PREFIX_WIDTH = 5  # the mark, "[k]" and a space before a value's name
LABEL_WIDTH = 15  # cells for a value's name before its list is laid out (fits 80 columns)
LIST_HEIGHT = 12
COMPACT_BELOW = 32  # rows: below this the dialog drops margins and shortens lists
COMPACT_CHROME = 17  # rows the compact dialog needs besides its lists
COLUMN_MIN = 22  # cells: a value list narrower than this cuts most names
ACTOR_COLUMN_MIN = 26  # the actor list also holds its find field
COLUMN_MAX = 36  # a choice column wider than this takes room the actors need
COLUMN_CHROME = 2  # a value list's scrollbar and the option's padding
LIST_TYPES = ("choice", "actor")  # attributes shown as a column of values
TOGGLE_KEY = "space"


@dataclass(frozen=True)
class TagResult:
    """What the dialog chose: `chosen` is the labels to save (`schema.clean_labels`)."""

    chosen: Mapping[str, Any] = field(default_factory=dict)
    offered: tuple[str, ...] = ()  # every attribute the dialog had (cleared ones too)
    new_actors: tuple[Actor, ...] = ()  # actors the user added here, to be stored
    kind: str = ""  # the passage's kind (a dialog without a kind line: "")

    @classmethod
    def of(cls, passage: Passage) -> TagResult:
        """A passage's labels, to start the dialog from when editing."""
        return cls(dict(passage.attributes()), kind=passage.kind)

    @property
    def new_actor(self) -> Actor | None:
        return self.new_actors[0] if self.new_actors else None

    def labels(self) -> dict[str, Any]:
        """Every attribute offered, None where nothing is chosen: changes to apply over
        labels saved before (an attribute cleared here must clear there)."""
        out: dict[str, Any] = dict.fromkeys(self.offered)
        out.update(self.chosen)
        return out

    def applied_to(self, passage: Passage, updated_at: str) -> Passage:
        """The passage with these labels; attributes this dialog did not offer keep theirs."""
        merged = {**passage.labels, **self.labels()}
        labels = {k: v for k, v in merged.items() if v is not None}
        return replace(passage, labels=freeze_labels(labels), updated_at=updated_at)


def schema_attributes(schema: LabelSchema, level: str) -> tuple[Attribute, ...]:
    """The attributes a dialog at `level` may show: every passage attribute (a kind shows
    its own), the document's, or a relation type's ("relation:<id>")."""
    if level == "passage":
        return schema.attributes
    if level == "document":
        return schema.document_attributes
    relation = schema.relation(level.removeprefix("relation:"))
    return relation.attributes if relation is not None else ()


def bidi(text: str, width: int = 60) -> str:
    """Text for a one-line Textual label, in visual order (Textual does no bidi)."""
    return fit_line(text, width).text


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return slug or "actor"


def attribute_name(attribute: str) -> str:
    """An attribute id as people read it: `claim_type` is "claim type"."""
    return attribute.replace("_", " ")


def is_set(value: Any) -> bool:
    """A label value that counts as given (not None, blank text, an empty list or False
    for `when`)."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple):
        return bool(value)
    return True


# (value id, first name, second name, shortcut): one row of a value list
Row = tuple[str, str, str, str | None]


class Paragraph(Static):
    """Text of any direction laid out by the engine at this widget's own width, in at
    most `max_lines` lines, cut with "…" (a Static would wrap a visual line again, and a
    wrapped visual line reads in the wrong order)."""

    DEFAULT_CSS = "Paragraph { width: 1fr; height: auto; }"

    def __init__(self, text: str = "", *, max_lines: int = 3, close: str = "", **kwargs: str):
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.text = text
        self.max_lines = max_lines
        self.close = close
        self.shown = ""  # the logical text the lines on screen are the layout of
        self.lines: list[str] = []

    def show(self, text: str | None = None, max_lines: int | None = None) -> None:
        if text is not None:
            self.text = text
        if max_lines is not None:
            self.max_lines = max_lines
        self._lay_out()

    def on_resize(self) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        width = self.size.width
        if width < 1:
            return
        if self.text.strip():
            self.shown, self.lines = clipped_lines(self.text, width, self.max_lines, self.close)
        else:
            self.shown, self.lines = "", []
        self.update(Text("\n".join(self.lines), no_wrap=True, overflow="crop"))


class ValueList(OptionList):
    """The values of one attribute. A value is chosen by its shortcut, Enter or a click,
    and marked; the highlight alone chooses nothing (a list's cursor is not a choice).
    A `multiple` list toggles: every chosen row is marked."""

    def __init__(
        self,
        attribute: Attribute,
        values: list[Row],
        on_key: Callable[[events.Key], bool],
        **kwargs: object,
    ):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.attribute = attribute
        self.field = attribute.id
        self.multiple = attribute.multiple
        self.on_key_typed = on_key
        self.shortcuts: dict[str, str] = {}
        self.rows: list[Row] = []
        self.marked: list[str] = []  # the rows chosen, in the order chosen (NONE: chosen empty)
        self.set_values(values)

    @property
    def picked(self) -> str | None:
        """The last row chosen, or None."""
        return self.marked[-1] if self.marked else None

    @property
    def chosen(self) -> str | list[str] | None:
        """The label value: a value id (a list of them when `multiple`), or None."""
        ids = [v for v in self.marked if v not in (NONE, NEW_ACTOR)]
        if self.multiple:
            return ids or None
        return ids[0] if ids else None

    def _name_width(self) -> int:
        width = self.scrollable_content_region.width
        return max(width - PREFIX_WIDTH, 4) if width else LABEL_WIDTH

    def _prompt(self, row: Row) -> Text:
        value_id, first, second, key = row
        mark = CHOSEN if value_id in self.marked else " "
        keycap = f"[{key}]" if key else "   "
        # Text: no markup. no_wrap: a wrapped visual line would read in the wrong order.
        return Text(f"{mark}{keycap} {name_pair(first, second, self._name_width())}", no_wrap=True)

    def set_values(self, values: list[Row]) -> None:
        """The rows to offer; the highlight goes to the first."""
        self.rows = list(values)
        self.shortcuts = {key: value_id for value_id, _first, _second, key in values if key}
        self.clear_options()
        self.add_options([Option(self._prompt(row), id=row[0]) for row in self.rows])
        if values:
            self.highlighted = 0

    def on_resize(self) -> None:
        """Names fitted to the list's width: a value's name never wraps."""
        self._redraw()

    def _redraw(self, ids: Collection[str] | None = None) -> None:
        for index, row in enumerate(self.rows):
            if ids is None or row[0] in ids:
                self.replace_option_prompt_at_index(index, self._prompt(row))

    def pick(self, value_id: str) -> None:
        """Choose `value_id` (and highlight it); in a `multiple` list, toggle it."""
        before = list(self.marked)
        if self.multiple and value_id not in (NONE, NEW_ACTOR):
            if value_id in self.marked:
                self.marked.remove(value_id)
            else:
                self.marked.append(value_id)
        else:
            self.marked = [value_id]
        self._redraw({*before, value_id})
        self.select_id(value_id)

    def set_chosen(self, value: Any) -> None:
        """Mark the values of a saved label (a list for `multiple`)."""
        ids = value if isinstance(value, list | tuple) else [value]
        self.marked = [str(v) for v in ids if isinstance(v, str)]
        self._redraw()
        if self.marked:
            self.select_id(self.marked[-1])

    def select_id(self, value_id: str | None) -> None:
        """Highlight `value_id` (choosing nothing)."""
        if value_id is None:
            return
        for index, row in enumerate(self.rows):
            if row[0] == value_id:
                self.highlighted = index
                return

    async def _on_key(self, event: events.Key) -> None:
        # The dialog decides which field a shortcut is for: keys typed fast arrive
        # before a focus change, and must still go to the next field.
        if self.on_key_typed(event):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)


class Toggle(Static, can_focus=True):
    """A boolean attribute: Space (or Enter, or a click) turns it on and off."""

    DEFAULT_CSS = """
    Toggle { width: 1fr; height: 1; }
    Toggle:focus { text-style: bold reverse; }
    """

    def __init__(self, attribute: Attribute, name: str, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.attribute = attribute
        self.label = name
        self.value = False

    def on_mount(self) -> None:
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def set(self, value: bool) -> None:
        self.value = value
        self._draw()
        self.post_message(self.Changed(self))

    def _draw(self) -> None:
        box = "[x]" if self.value else "[ ]"
        width = max(self.size.width - 12, 4) if self.size.width else 20
        self.update(Text(f"{box} {fit_line(self.label, width).text} ({TOGGLE_KEY})", no_wrap=True))

    @dataclass
    class Changed(events.Message):
        toggle: Toggle

    def on_key(self, event: events.Key) -> None:
        if event.key in (TOGGLE_KEY, "enter"):
            event.stop()
            event.prevent_default()
            self.set(not self.value)

    def on_click(self) -> None:
        self.set(not self.value)


KIND_STEP = "__kind__"  # the step of the kind line: its shortcuts choose the kind


class KindLine(Static, can_focus=False):
    """The kinds of passage, one shortcut each, the chosen one marked: the dialog's top
    line. Its keys go to the dialog (typed fast, they may arrive before a focus change).
    It takes the focus only when asked (ctrl+k): the screen's first focus must go to the
    first column, or the shortcuts typed ahead of the dialog would choose kinds."""

    DEFAULT_CSS = """
    KindLine { height: 1; width: 1fr; }
    KindLine:focus { text-style: bold; background: $accent 30%; }
    """

    def __init__(self, on_key: Callable[[events.Key], bool], **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.on_key_typed = on_key

    async def _on_key(self, event: events.Key) -> None:
        if self.on_key_typed(event):
            event.stop()
            event.prevent_default()

    def on_blur(self) -> None:
        self.can_focus = False


class ColumnRow(HorizontalScroll, can_focus=False):
    """The row of value columns; the dialog lays them out again whenever its width changes."""

    def __init__(self, on_resize: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.resized = on_resize

    def on_resize(self) -> None:
        self.resized()


class TagDialog(ModalScreen[TagResult | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="tag.cancel"),
        Binding("ctrl+s", "save", "Save", id="tag.save"),
        Binding("slash", "search_actor", "Find actor", id="tag.find_actor"),
        Binding("ctrl+k", "choose_kind", "Kind", id="tag.kind"),
    ]

    DEFAULT_CSS = """
    TagDialog { align: center middle; }
    #tag-box { width: 100%; max-width: 112; height: auto; max-height: 100%;
               border: thick $accent; background: $surface; padding: 0 1;
               scrollbar-size-vertical: 1; }
    #tag-quote { color: $text; text-style: italic; margin-bottom: 1; }
    #tag-kind { color: $text; }
    #tag-fields { height: auto; scrollbar-size-horizontal: 0; }
    #tag-fields > Vertical { width: 1fr; height: auto; }
    #tag-fields > Vertical:focus-within > .heading { text-style: bold reverse; }
    #tag-fields ValueList { height: auto; max-height: 12; border: none; padding: 0; scrollbar-size-vertical: 1; }
    #tag-message { color: $warning; height: 1; }
    #tag-guide { color: $text-muted; margin-top: 1; }
    .preview { color: $text-muted; height: 1; }
    .free-row { height: auto; }
    .free-row Input { width: 1fr; }
    .free-row Toggle { width: 1fr; padding: 1 1; height: 3; }
    TagDialog.-compact #tag-quote { margin-bottom: 0; }
    TagDialog.-compact #tag-guide { margin-top: 0; }
    """

    def __init__(
        self,
        schema: LabelSchema,
        quote: str,
        initial: TagResult | None = None,
        *,
        title: str = "Tag passage",
        labels: str = "en",
        level: str = "passage",
        kind: str | None = None,
        kind_fixed: bool = False,
    ) -> None:
        """`level`: "passage", "document" or "relation:<id>" (a relation type's labels).
        `kind`: a passage's kind, chosen on the top line (its shortcuts) and deciding the
        columns; None: no kind line, every attribute of the level. `kind_fixed`: the kind
        is shown but may not change (a link's new end)."""
        super().__init__()
        self.schema = schema
        self.quote = quote
        self.initial = initial
        self.heading = title
        self.labels = labels  # "ar": a value's Arabic name first; "en": its English name
        self.level = level  # which of the schema's attributes
        self.attributes: tuple[Attribute, ...] = schema_attributes(schema, level)
        self.kind = schema.kind_id(kind) if kind is not None else None
        # A kind line when the schema has kinds to choose from, or the kind is fixed.
        self.kind_line = kind is not None and (len(schema.kinds) > 1 or kind_fixed)
        self.kind_fixed = kind_fixed
        self.new_actors: list[Actor] = []
        self.steps: tuple[str, ...] = ()  # the columns shortcuts go through
        self.saving_step: str | None = None  # its pick saves
        self.step = ""  # the column the next shortcut is for
        self._set_steps()
        self.closed = False  # dismissed: keys still queued go back to the app
        self._pages: list[tuple[int, list[Widget]]] = []  # (x, columns) when paged
        self._page = 0

    def _kind_ids(self) -> set[str] | None:
        """The attributes of the chosen kind (None: no kind, every attribute)."""
        if self.kind is None:
            return None
        return {a.id for a in self.schema.attributes_of(self.kind)}

    def _set_steps(self) -> None:
        ids = self._kind_ids()
        mine = [a for a in self.attributes if ids is None or a.id in ids]
        columns = [a.id for a in mine if a.type in LIST_TYPES]
        self.steps = tuple(columns)
        single = [a.id for a in mine if a.type in LIST_TYPES and not a.multiple]
        self.saving_step = single[-1] if single else None
        self.step = columns[0] if columns else ""

    # -- building --------------------------------------------------------------------

    def _names(self, name_ar: str, name_en: str) -> tuple[str, str]:
        return (name_ar, name_en) if self.labels == "ar" else (name_en, name_ar)

    def _attr_label(self, attribute: Attribute) -> str:
        """An attribute's name in the first language."""
        return self._names(attribute.label_ar, attribute.label_en)[0]

    def _said(self, attribute: Attribute) -> str:
        """An attribute's name inside a sentence ("choose claim type")."""
        name = self._attr_label(attribute)
        return name[:1].lower() + name[1:] if self.labels != "ar" else name

    def _attribute(self, attr_id: str) -> Attribute:
        found = next((a for a in self.attributes if a.id == attr_id), None)
        assert found is not None
        return found

    def _actor_rows(self, attribute: Attribute, actors: list[Actor]) -> list[Row]:
        rows: list[Row] = [(a.id, *self._names(a.name_ar, a.name_en), a.shortcut) for a in actors]
        rows.append((NEW_ACTOR, "+ new actor…", "", "+"))
        if not attribute.required and not attribute.multiple:
            rows.append((NONE, "(no actor)", "", None))
        return rows

    def _value_rows(self, attribute: Attribute) -> list[Row]:
        rows: list[Row] = [
            (v.id, *self._names(v.label_ar, v.label_en), v.shortcut) for v in attribute.values
        ]
        if not attribute.required and not attribute.multiple:
            rows.append((NONE, "(none)", "", None))
        return rows

    def _heading(self, attribute: Attribute, extra: str = "") -> Label:
        required = " *" if attribute.required else ""
        several = " (several)" if attribute.multiple else ""
        text = fit_line(self._attr_label(attribute), 40).text + required + several + extra
        return Label(Text(text, no_wrap=True, overflow="ellipsis"), classes="heading")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="tag-box", can_focus=False):  # Tab goes to fields only
            yield Label(self.heading, id="tag-title")
            if self.kind_line:
                yield KindLine(self._key, id="tag-kind")
            yield Paragraph("«" + self.quote, close="»", id="tag-quote")
            with ColumnRow(self._fit_columns, id="tag-fields"):
                for attribute in self.attributes:
                    if attribute.type == "actor":
                        with Vertical(id=f"{attribute.id}-column", classes="column actor-column"):
                            yield self._heading(attribute, "  (/ to search)")
                            yield BidiInput(
                                placeholder="name, alias…",
                                id=f"{attribute.id}-search",
                                classes="actor-search",
                            )
                            yield Static("", classes="preview", id=f"{attribute.id}-preview")
                            rows = self._actor_rows(attribute, list(self.schema.actors))
                            yield ValueList(attribute, rows, self._key, id=attribute.id)
                    elif attribute.type == "choice":
                        with Vertical(id=f"{attribute.id}-column", classes="column"):
                            yield self._heading(attribute)
                            yield ValueList(
                                attribute, self._value_rows(attribute), self._key, id=attribute.id
                            )
            free = [a for a in self.attributes if a.type not in LIST_TYPES]
            for first in range(0, len(free), 2):  # two to a row: each field keeps some room
                with Horizontal(classes="free-row"):
                    for attribute in free[first : first + 2]:
                        yield self._free_field(attribute)
            yield Static("", classes="preview", id="free-preview")
            yield Static("", id="tag-message")
            yield Paragraph(id="tag-guide")

    def _free_field(self, attribute: Attribute) -> Widget:
        name = self._said(attribute)
        if attribute.type == "boolean":
            return Toggle(attribute, self._attr_label(attribute), id=attribute.id)
        state = "required" if attribute.required else "optional"
        if attribute.id == "target":
            name = "stance target"  # what the bundled schema's users know it as
        field = BidiInput(placeholder=f"{name} ({state})", id=attribute.id)
        return field

    def on_resize(self, event: events.Resize) -> None:
        """Fit the screen's height: on a short terminal (80x24) the quote, the guide and
        the lists get fewer lines, and what still does not fit scrolls."""
        rows = event.size.height
        compact = rows < COMPACT_BELOW
        self.set_class(compact, "-compact")
        self.query_one("#tag-quote", Paragraph).show(max_lines=2 if compact else 3)
        self.query_one("#tag-guide", Paragraph).show(max_lines=2 if compact else 4)
        height = max(4, min(LIST_HEIGHT, rows - COMPACT_CHROME)) if compact else LIST_HEIGHT
        for values in self.query(ValueList):
            values.styles.max_height = height

    def _fit_columns(self) -> None:
        """Lay the columns out in pages of what fits the width side by side: within a
        page, a choice column as wide as its longest name (within bounds), actor columns
        the rest. One page is shown at a time, the one holding the focused column (the
        title says which page of how many); Tab and the shortcuts move on to the next."""
        if self.closed or not self.is_mounted:
            return
        row = self.query_one("#tag-fields", HorizontalScroll)
        width = row.size.width
        columns = [c for c in row.query(".column") if c.display]
        if not width or not columns:
            return
        pages: list[list[Widget]] = [[]]
        used = 0
        for column in columns:
            least = self._least(column)
            if pages[-1] and used + least > width:
                pages.append([])
                used = 0
            pages[-1].append(column)
            used += least
        self._pages = []
        x = 0
        for page in pages:
            widths = self._share(page, width)
            for column, cells in zip(page, widths, strict=True):
                column.styles.min_width = None
                column.styles.width = cells
            self._pages.append((x, page))
            x += sum(widths)
        self.call_after_refresh(self._show_page)

    def _least(self, column: Widget) -> int:
        return ACTOR_COLUMN_MIN if column.has_class("actor-column") else COLUMN_MIN

    def _share(self, page: list[Widget], width: int) -> list[int]:
        """The widths of one page's columns, filling `width` when they fit in it."""
        actor = [c.has_class("actor-column") for c in page]
        least = [self._least(c) for c in page]
        wanted = [
            least[i] if actor[i] else min(max(self._natural(c), COLUMN_MIN), COLUMN_MAX)
            for i, c in enumerate(page)
        ]
        over = sum(wanted) - width
        while over > 0 and any(w > m for w, m in zip(wanted, least, strict=True)):
            widest = max(range(len(wanted)), key=lambda i: wanted[i] - least[i])
            wanted[widest] -= 1
            over -= 1
        if over < 0:  # room left: to the (first) actor column, or shared out
            grow = [i for i in range(len(page)) if actor[i]][:1] or list(range(len(page)))
            for n, i in enumerate(grow):
                wanted[i] += -over // len(grow) + (1 if n < -over % len(grow) else 0)
        return wanted

    def _natural(self, column: Widget) -> int:
        """Cells a choice column needs to show its longest first name whole."""
        values = column.query_one(ValueList)
        names = [fit_line(first, 200).width for _id, first, _second, _key in values.rows]
        return max(names, default=0) + PREFIX_WIDTH + COLUMN_CHROME

    def _page_of(self, widget: Widget | None) -> int:
        """The page holding `widget` (a column or inside one); the current page else."""
        if widget is not None:
            for index, (_x, page) in enumerate(self._pages):
                if any(widget is column or column in widget.ancestors for column in page):
                    return index
        return self._page

    def _show_page(self) -> None:
        """Scroll the row to the page of the focused column; the title says which."""
        if self.closed or not self.is_mounted or not self._pages:
            return
        self._page = min(self._page_of(self.app.focused), len(self._pages) - 1)
        row = self.query_one("#tag-fields", HorizontalScroll)
        row.scroll_to(x=self._pages[self._page][0], animate=False, immediate=True)
        title = self.heading
        if len(self._pages) > 1:
            title += f" · page {self._page + 1} of {len(self._pages)} (Tab: next column)"
        self.query_one("#tag-title", Label).update(Text(title, no_wrap=True, overflow="ellipsis"))

    def on_mount(self) -> None:
        lists = self._lists()
        initial = self.initial.chosen if self.initial is not None else {}
        for attribute in self.attributes:
            value = initial.get(attribute.id)
            if value is None:
                continue
            if attribute.id in lists:
                lists[attribute.id].set_chosen(value)
            elif attribute.type == "text" and isinstance(value, str):
                self.query_one(f"#{attribute.id}", Input).value = value
            elif attribute.type == "boolean":
                self.query_one(f"#{attribute.id}", Toggle).value = value is True
        self._show_kind()
        self._focus_first()

    def _focus_first(self) -> None:
        """After opening or choosing a kind: say what is required, focus the first column."""
        ids = self._kind_ids()
        required = [
            self._said(a) for a in self.attributes if a.required and (ids is None or a.id in ids)
        ]
        self._say("* required: " + ", ".join(required) if required else "")
        self._show_offered()
        lists = self._lists()
        first = next((lists[s] for s in self.steps if self._column(s).display), None)
        if first is not None:
            first.focus()
            self._show_guide(first)
            return
        free = [
            self.query_one(f"#{a.id}")
            for a in self.attributes
            if a.type not in LIST_TYPES and (ids is None or a.id in ids)
        ]
        if free:
            free[0].focus()
        else:
            self.focus_next()

    # -- the kind ----------------------------------------------------------------------

    def _show_kind(self) -> None:
        if not self.kind_line:
            return
        parts = []
        for kind in self.schema.kinds:
            if self.kind_fixed and kind.id != self.kind:
                continue
            name = fit_line(self._names(kind.label_ar, kind.label_en)[0], 20).text
            mark = CHOSEN if kind.id == self.kind else " "
            key = f"[{kind.shortcut}]" if kind.shortcut and not self.kind_fixed else ""
            parts.append(f"{mark}{key} {name}")
        hint = "" if self.kind_fixed else "  (ctrl+k)"
        line = "kind: " + "  ".join(parts) + hint
        self.query_one("#tag-kind", KindLine).update(Text(line, no_wrap=True, overflow="ellipsis"))

    def choose_kind(self, kind_id: str) -> None:
        """Make the passage of this kind: its attributes become the columns."""
        if self.kind_fixed or self.schema.kind(kind_id) is None:
            return
        self.kind = self.schema.kind_id(kind_id)
        self._set_steps()
        self._show_kind()
        self._focus_first()

    def action_choose_kind(self) -> None:
        if self.kind_line and not self.kind_fixed:
            self.step = KIND_STEP
            line = self.query_one("#tag-kind", KindLine)
            line.can_focus = True
            line.focus()

    def _column(self, attr_id: str) -> Widget:
        return self.query_one(f"#{attr_id}-column")

    def _lists(self) -> dict[str, ValueList]:
        return {values.field: values for values in self.query(ValueList)}

    def _say(self, message: str) -> None:
        line = Text(fit_line(message, 200).text, no_wrap=True, overflow="ellipsis")
        self.query_one("#tag-message", Static).update(line)

    # -- what is offered (`when`) --------------------------------------------------------

    def _values(self) -> dict[str, Any]:
        """Every attribute's value as the dialog holds it now (None: nothing)."""
        lists = self._lists()
        out: dict[str, Any] = {}
        for attribute in self.attributes:
            if attribute.id in lists:
                out[attribute.id] = lists[attribute.id].chosen
            elif attribute.type == "text":
                out[attribute.id] = self.query_one(f"#{attribute.id}", Input).value.strip() or None
            else:
                out[attribute.id] = self.query_one(f"#{attribute.id}", Toggle).value or None
        return out

    def _offered(self, values: Mapping[str, Any]) -> set[str]:
        """The attributes shown: those without `when`, and those whose `when` is met
        (and is itself offered)."""
        offered: set[str] = set()
        ids = self._kind_ids()
        for attribute in self.attributes:
            if ids is not None and attribute.id not in ids:
                continue
            when = attribute.when
            if when is None or (when in offered and is_set(values.get(when))):
                offered.add(attribute.id)
        return offered

    def _show_offered(self) -> None:
        offered = self._offered(self._values())
        changed = False
        for attribute in self.attributes:
            widget: Widget = self.query_one(f"#{attribute.id}")
            if attribute.type in LIST_TYPES:
                widget = self.query_one(f"#{attribute.id}-column")
            shown = attribute.id in offered
            if widget.display != shown:
                widget.display = shown
                changed = True
        for row in self.query(".free-row"):
            row.display = any(child.display for child in row.children)
        if changed and self.is_mounted:
            self.call_after_refresh(self._fit_columns)

    # -- guidelines and previews ---------------------------------------------------------

    def _show_guide(self, values: ValueList) -> None:
        index = values.highlighted
        if index is None:
            return
        value_id = values.get_option_at_index(index).id or ""
        described: Actor | LabelValue | None
        if values.attribute.type == "actor":
            described = self.schema.actor(value_id)
        else:
            described = values.attribute.value(value_id)
        self.query_one("#tag-guide", Paragraph).show(described.description if described else "")

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # The guide is for the field being filled, not for every list that moved.
        if isinstance(event.option_list, ValueList) and event.option_list.field == self.step:
            self._show_guide(event.option_list)

    @on(Input.Changed, ".actor-search")
    def _search(self, event: Input.Changed) -> None:
        attr_id = (event.input.id or "").removesuffix("-search")
        actors = self.schema.find_actors(event.value)
        self.query_one(f"#{attr_id}", ValueList).set_values(
            self._actor_rows(self._attribute(attr_id), actors)
        )
        self.query_one(f"#{attr_id}-preview", Static).update(Text(bidi(event.value, 34)))

    @on(Input.Changed)
    def _free_text(self, event: Input.Changed) -> None:
        if event.input.has_class("actor-search"):
            return
        self.query_one("#free-preview", Static).update(Text(bidi(event.value, 104)))
        self._show_offered()

    @on(Toggle.Changed)
    def _toggled(self) -> None:
        self._show_offered()

    @on(Input.Submitted, ".actor-search")
    def _search_done(self, event: Input.Submitted) -> None:
        attr_id = (event.input.id or "").removesuffix("-search")
        actors = self.query_one(f"#{attr_id}", ValueList)
        actors.focus()
        if actors.option_count:
            actors.highlighted = 0
            actors.action_select()

    @on(Input.Submitted)
    def _free_done(self, event: Input.Submitted) -> None:
        if not event.input.has_class("actor-search"):
            self.action_save()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget = event.widget
        if widget is not self.focused:
            # Each widget posts its own focus event, so after keys typed fast an older
            # one can arrive last: it must not take the step back to an earlier column.
            return
        if isinstance(widget, KindLine):
            self.step = KIND_STEP
            kind = self.schema.kind(self.kind or "")
            self.query_one("#tag-guide", Paragraph).show(kind.description if kind else "")
        elif isinstance(widget, ValueList):
            self.step = widget.field
            self._show_guide(widget)
        elif (
            isinstance(widget, Toggle | Input)
            and widget.id
            and not widget.has_class("actor-search")
        ):
            attribute = next((a for a in self.attributes if a.id == widget.id), None)
            if attribute is not None:
                self.query_one("#tag-guide", Paragraph).show(attribute.description)
        self.call_after_refresh(self._show_page)

    # -- picking -----------------------------------------------------------------------

    def _key(self, event: events.Key) -> bool:
        """A key typed in a value list; True when the dialog took it."""
        if self.closed:
            give_back(self.app, event)  # typed after the dialog closed: for the screen below
            return True
        return event.character is not None and self.shortcut(event.character)

    def shortcut(self, key: str) -> bool:
        """Pick the current column's value with this shortcut and move on; False if none."""
        if self.closed:
            return True
        if self.step == KIND_STEP:
            kind = self.schema.kind_by_shortcut(key)
            if kind is None:
                return False
            self.choose_kind(kind.id)
            return True
        if not self.step:
            return False
        values = self.query_one(f"#{self.step}", ValueList)
        value_id = values.shortcuts.get(key)
        if value_id is None:
            return False
        self._chose(values, value_id)
        return True

    def _chose(self, values: ValueList, value_id: str) -> None:
        values.pick(value_id)
        self._show_offered()
        if value_id == NEW_ACTOR:
            self._ask_new_actor(values)
        elif not values.multiple:
            self._advance(values.field)

    def _advance(self, field: str) -> None:
        """After a pick in `field`: the next column offered, or save after the last
        single-valued one."""
        if field == self.saving_step:
            self.action_save()
            return
        later = self.steps[self.steps.index(field) + 1 :]
        lists = self._lists()
        following = next((s for s in later if self._column(s).display), None)
        if following is None:
            self.focus_next()
            return
        self.step = following
        lists[following].focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        values = event.option_list
        if not isinstance(values, ValueList) or event.option.id is None:
            return
        self._chose(values, event.option.id)

    def _ask_new_actor(self, values: ValueList) -> None:
        def added(actor: Actor | None) -> None:
            if actor is None:
                values.marked = [v for v in values.marked if v != NEW_ACTOR]
                values._redraw()
                return
            if self.schema.actor(actor.id) is None:
                self.new_actors.append(actor)
                self.schema = self.schema.with_extra_actors([actor])
            kept = [v for v in values.marked if v != NEW_ACTOR]
            values.set_values(self._actor_rows(values.attribute, list(self.schema.actors)))
            values.marked = kept if values.multiple else []
            values.pick(actor.id)
            self._show_offered()
            if not values.multiple:
                self._advance(values.field)

        with typed_ahead(self.app):
            self.app.push_screen(NewActorDialog(self.schema), added)

    def action_search_actor(self) -> None:
        searches = [
            s
            for s in self.query(".actor-search")
            if self._column((s.id or "").removesuffix("-search")).display
        ]
        if not searches:
            return
        # The find field of the actor column being filled, or the first.
        here = next((s for s in searches if s.id == f"{self.step}-search"), searches[0])
        here.focus()

    def _result(self) -> TagResult:
        """What was chosen and typed, in the schema's canonical form; an attribute not
        offered (its `when` unmet) is left out."""
        values = self._values()
        offered = self._offered(values)
        chosen = self.schema.clean_labels(
            {k: v for k, v in values.items() if k in offered}, self.level
        )
        actor_ids: set[Any] = set()
        for attribute in self.attributes:
            if attribute.type == "actor":
                value = chosen.get(attribute.id)
                actor_ids.update(value if isinstance(value, list) else [value])
        ids = self._kind_ids()
        return TagResult(
            chosen=chosen,
            offered=tuple(a.id for a in self.attributes if ids is None or a.id in ids),
            new_actors=tuple(a for a in self.new_actors if a.id in actor_ids),
            # The default kind is stored as "" (what every passage made before kinds is).
            kind="" if self.kind in (None, self.schema.default_kind.id) else self.kind,
        )

    def action_save(self) -> None:
        if self.closed:
            return
        result = self._result()
        missing = [
            a
            for a in self.attributes
            if a.required and a.id in self._offered(self._values()) and a.id not in result.chosen
        ]
        if missing:
            names = ", ".join(self._said(a) for a in missing)
            self._say(f"Not saved: choose {names} (required)")
            first = missing[0]
            if first.id in self.steps:
                self.step = first.id
            self.query_one(f"#{first.id}").focus()
            return
        self.closed = True
        with typed_ahead(self.app, drain=False):
            self.dismiss(result)

    def action_cancel(self) -> None:
        if not self.closed:
            self.closed = True
            with typed_ahead(self.app, drain=False):
                self.dismiss(None)


class NewActorDialog(ModalScreen[Actor | None]):
    """Add an actor the schema does not have: stored in the database with the labels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="new_actor.cancel")]

    DEFAULT_CSS = """
    NewActorDialog { align: center middle; }
    #new-actor-box { width: 70; height: auto; border: thick $accent; background: $surface;
                     padding: 0 1; }
    #new-actor-error { color: $error; height: 1; }
    """

    def __init__(self, schema: LabelSchema) -> None:
        super().__init__()
        self.schema = schema

    def compose(self) -> ComposeResult:
        with Vertical(id="new-actor-box"):
            yield Label("New actor")
            yield BidiInput(placeholder="Arabic name", id="name-ar")
            yield BidiInput(placeholder="English name", id="name-en")
            yield BidiInput(placeholder="aliases, comma-separated (optional)", id="aliases")
            yield Static("", classes="preview", id="new-actor-preview")
            yield Static("", id="new-actor-error")

    @on(Input.Changed)
    def _preview(self, event: Input.Changed) -> None:
        self.query_one("#new-actor-preview", Static).update(Text(bidi(event.value, 66)))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "aliases":
            self.focus_next()
            return
        name_ar = self.query_one("#name-ar", Input).value.strip()
        name_en = self.query_one("#name-en", Input).value.strip()
        if not (name_ar or name_en):
            self.query_one("#new-actor-error", Static).update("give at least one name")
            return
        aliases = tuple(
            a.strip() for a in self.query_one("#aliases", Input).value.split(",") if a.strip()
        )
        fields = [("Arabic name", name_ar), ("English name", name_en)]
        for label, value in [*fields, *(("alias", alias) for alias in aliases)]:
            reason = check_name(value)
            if reason is not None:
                self.query_one("#new-actor-error", Static).update(f"{label}: {reason}")
                return
        base = slugify(name_en) if name_en else "actor"
        actor_id, n = base, 2
        while self.schema.actor(actor_id) is not None:
            actor_id, n = f"{base}_{n}", n + 1
        self.dismiss(Actor(actor_id, name_ar or name_en, name_en or name_ar, aliases))

    def action_cancel(self) -> None:
        self.dismiss(None)
