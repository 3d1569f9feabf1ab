"""The tag dialog: actor, stance (+ target), claim type and note for one passage.

The quick path is one key per field: the actor's shortcut, the stance's, the claim
type's, and the passage is saved. Anything else is reachable by Tab and typing:
`/` searches actors by any of their names (Arabic or English), Enter picks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from annotations.models import Passage, freeze_labels
from annotations.schema import ATTRIBUTES, Actor, LabelSchema, LabelValue
from annotations.text import check_name
from tui.typeahead import give_back, typed_ahead
from tui.widgets.bidi_input import BidiInput
from tui.widgets.bidi_text import clipped_lines, fit_line, name_pair

NEW_ACTOR = "__new__"
NONE = "__none__"
CHOSEN = "✓"  # marks the chosen row of a value list
PREFIX_WIDTH = 5  # the mark, "[k]" and a space before a value's name
LABEL_WIDTH = 15  # cells for a value's name before its list is laid out (fits 80 columns)
LIST_HEIGHT = 12
COMPACT_BELOW = 32  # rows: below this the dialog drops margins and shortens lists
COMPACT_CHROME = 17  # rows the compact dialog needs besides its lists


@dataclass(frozen=True)
class TagResult:
    actor: str | None
    stance: str | None
    target: str | None
    claim_type: str | None
    note: str | None
    new_actor: Actor | None = None  # an actor the user added here, to be stored

    @classmethod
    def of(cls, passage: Passage) -> TagResult:
        """A passage's labels, to start the dialog from when editing."""
        return cls(passage.actor, passage.stance, passage.target, passage.claim_type, passage.note)

    def applied_to(self, passage: Passage, updated_at: str) -> Passage:
        """The passage with these labels."""
        # Attributes this dialog does not show keep their values.
        labels = freeze_labels({**passage.labels, **self.labels()})
        return replace(passage, labels=labels, updated_at=updated_at)

    def labels(self) -> dict[str, str | None]:
        """The labels as passage fields."""
        return {
            "actor": self.actor,
            "stance": self.stance,
            "target": self.target,
            "claim_type": self.claim_type,
            "note": self.note,
        }


def bidi(text: str, width: int = 60) -> str:
    """Text for a one-line Textual label, in visual order (Textual does no bidi)."""
    return fit_line(text, width).text


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return slug or "actor"


def attribute_name(attribute: str) -> str:
    """An attribute id as people read it: `claim_type` is "claim type"."""
    return attribute.replace("_", " ")


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
    and marked; the highlight alone chooses nothing (a list's cursor is not a choice)."""

    def __init__(
        self,
        field: str,
        values: list[Row],
        on_key: Callable[[events.Key], bool],
        **kwargs: object,
    ):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.field = field
        self.on_key_typed = on_key
        self.shortcuts: dict[str, str] = {}
        self.rows: list[Row] = []
        self.picked: str | None = None  # the row chosen (NONE: chosen empty); None: no choice
        self.set_values(values)

    @property
    def chosen(self) -> str | None:
        """The value id chosen, or None (nothing chosen, or "(none)")."""
        return None if self.picked in (None, NONE, NEW_ACTOR) else self.picked

    def _name_width(self) -> int:
        width = self.scrollable_content_region.width
        return max(width - PREFIX_WIDTH, 4) if width else LABEL_WIDTH

    def _prompt(self, row: Row) -> Text:
        value_id, first, second, key = row
        mark = CHOSEN if value_id == self.picked else " "
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
        for index, row in enumerate(self.rows):
            self.replace_option_prompt_at_index(index, self._prompt(row))

    def pick(self, value_id: str) -> None:
        """Choose `value_id` (and highlight it)."""
        previous, self.picked = self.picked, value_id
        for index, row in enumerate(self.rows):
            if row[0] in (previous, value_id):
                self.replace_option_prompt_at_index(index, self._prompt(row))
        self.select_id(value_id)

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


class TagDialog(ModalScreen[TagResult | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="tag.cancel"),
        Binding("ctrl+s", "save", "Save", id="tag.save"),
        Binding("slash", "search_actor", "Find actor", id="tag.find_actor"),
    ]

    DEFAULT_CSS = """
    TagDialog { align: center middle; }
    #tag-box { width: 100%; max-width: 112; height: auto; max-height: 100%;
               border: thick $accent; background: $surface; padding: 0 1;
               scrollbar-size-vertical: 1; }
    #tag-quote { color: $text; text-style: italic; margin-bottom: 1; }
    #tag-fields { height: auto; }
    #tag-fields > Vertical { width: 1fr; height: auto; }
    #tag-fields > #stance-column { width: 22; }
    #tag-fields > Vertical:focus-within > .heading { text-style: bold reverse; }
    #tag-fields ValueList { height: auto; max-height: 12; border: none; padding: 0; scrollbar-size-vertical: 1; }
    #actor-search { margin-bottom: 0; }
    #tag-message { color: $warning; height: 1; }
    #tag-guide { color: $text-muted; margin-top: 1; }
    .preview { color: $text-muted; height: 1; }
    #tag-free { height: auto; }
    #tag-free Input { width: 1fr; }
    TagDialog.-compact #tag-quote { margin-bottom: 0; }
    TagDialog.-compact #tag-guide { margin-top: 0; }
    """

    STEPS = ("actor", "stance", "claim_type")

    def __init__(
        self,
        schema: LabelSchema,
        quote: str,
        initial: TagResult | None = None,
        *,
        title: str = "Tag passage",
        labels: str = "en",
    ) -> None:
        super().__init__()
        self.schema = schema
        self.quote = quote
        self.initial = initial
        self.heading = title
        self.labels = labels  # "ar": a value's Arabic name first; "en": its English name
        self.new_actor: Actor | None = None
        self.step = "actor"  # the field the next shortcut key picks a value of
        self.closed = False  # dismissed: keys still queued go back to the app

    # -- building --------------------------------------------------------------------

    def _names(self, name_ar: str, name_en: str) -> tuple[str, str]:
        return (name_ar, name_en) if self.labels == "ar" else (name_en, name_ar)

    def _actor_rows(self, actors: list[Actor]) -> list[Row]:
        rows: list[Row] = [(a.id, *self._names(a.name_ar, a.name_en), a.shortcut) for a in actors]
        rows.append((NEW_ACTOR, "+ new actor…", "", "+"))
        if not self.schema.is_required("actor"):
            rows.append((NONE, "(no actor)", "", None))
        return rows

    def _value_rows(self, field: str, values: tuple[LabelValue, ...]) -> list[Row]:
        rows: list[Row] = [(v.id, *self._names(v.label_ar, v.label_en), v.shortcut) for v in values]
        if not self.schema.is_required(field):
            rows.append((NONE, "(none)", "", None))
        return rows

    def _heading(self, field: str, text: str) -> Label:
        required = " *" if self.schema.is_required(field) else ""
        return Label(text.replace("%", required), classes="heading")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="tag-box", can_focus=False):  # Tab goes to fields only
            yield Label(self.heading, id="tag-title")
            yield Paragraph("«" + self.quote, close="»", id="tag-quote")
            with Horizontal(id="tag-fields"):
                with Vertical(id="actor-column"):
                    yield self._heading("actor", "Actor%  (/ to search)")
                    yield BidiInput(placeholder="name, alias…", id="actor-search")
                    yield Static("", classes="preview", id="actor-preview")
                    yield ValueList(
                        "actor", self._actor_rows(list(self.schema.actors)), self._key, id="actor"
                    )
                with Vertical(id="stance-column"):
                    yield self._heading("stance", "Stance%")
                    yield ValueList(
                        "stance",
                        self._value_rows("stance", self.schema.stances),
                        self._key,
                        id="stance",
                    )
                with Vertical(id="claim-column"):
                    yield self._heading("claim_type", "Claim type%")
                    yield ValueList(
                        "claim_type",
                        self._value_rows("claim_type", self.schema.claim_types),
                        self._key,
                        id="claim_type",
                    )
            with Horizontal(id="tag-free"):
                yield BidiInput(placeholder="stance target (optional)", id="target")
                yield BidiInput(placeholder="note (optional)", id="note")
            yield Static("", classes="preview", id="free-preview")
            yield Static("", id="tag-message")
            yield Paragraph(id="tag-guide")

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

    def on_mount(self) -> None:
        lists = self._lists()
        if self.initial is not None:
            for name in self.STEPS:
                value_id = getattr(self.initial, name)
                if value_id is not None:
                    lists[name].pick(value_id)
            self.query_one("#target", Input).value = self.initial.target or ""
            self.query_one("#note", Input).value = self.initial.note or ""
        if not self.schema.target_allowed:
            self.query_one("#target", Input).display = False
        if not self.schema.note_allowed:
            self.query_one("#note", Input).display = False
        for name in ("target", "note"):
            if self.schema.is_required(name):
                field = self.query_one(f"#{name}", Input)
                field.placeholder = field.placeholder.replace("(optional)", "(required)")
        if self.schema.required:
            names = [attribute_name(a) for a in ATTRIBUTES if a in self.schema.required]
            self._say("* required: " + ", ".join(names))
        lists["actor"].focus()
        self._show_guide(lists["actor"])

    def _lists(self) -> dict[str, ValueList]:
        return {name: self.query_one(f"#{name}", ValueList) for name in self.STEPS}

    def _say(self, message: str) -> None:
        line = Text(fit_line(message, 200).text, no_wrap=True, overflow="ellipsis")
        self.query_one("#tag-message", Static).update(line)

    # -- guidelines and previews ---------------------------------------------------------

    def _show_guide(self, values: ValueList) -> None:
        index = values.highlighted
        if index is None:
            return
        value_id = values.get_option_at_index(index).id or ""
        described: Actor | LabelValue | None
        if values.field == "actor":
            described = self.schema.actor(value_id) or (
                self.new_actor if self.new_actor and self.new_actor.id == value_id else None
            )
        elif values.field == "stance":
            described = self.schema.stance(value_id)
        else:
            described = self.schema.claim_type(value_id)
        self.query_one("#tag-guide", Paragraph).show(described.description if described else "")

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # The guide is for the field being filled, not for every list that moved.
        if isinstance(event.option_list, ValueList) and event.option_list.field == self.step:
            self._show_guide(event.option_list)

    @on(Input.Changed, "#actor-search")
    def _search(self, event: Input.Changed) -> None:
        actors = self.schema.find_actors(event.value)
        self.query_one("#actor", ValueList).set_values(self._actor_rows(actors))
        self.query_one("#actor-preview", Static).update(Text(bidi(event.value, 34)))

    @on(Input.Changed, "#target, #note")
    def _free_text(self, event: Input.Changed) -> None:
        self.query_one("#free-preview", Static).update(Text(bidi(event.value, 104)))

    @on(Input.Submitted, "#actor-search")
    def _search_done(self) -> None:
        actors = self.query_one("#actor", ValueList)
        actors.focus()
        if actors.option_count:
            actors.highlighted = 0
            actors.action_select()

    @on(Input.Submitted, "#target, #note")
    def _free_done(self) -> None:
        self.action_save()

    # -- picking -----------------------------------------------------------------------

    def _key(self, event: events.Key) -> bool:
        """A key typed in a value list; True when the dialog took it."""
        if self.closed:
            give_back(self.app, event)  # typed after the dialog closed: for the screen below
            return True
        return event.character is not None and self.shortcut(event.character)

    def shortcut(self, key: str) -> bool:
        """Pick the current field's value with this shortcut and move on; False if none."""
        if self.closed:
            return True
        values = self.query_one(f"#{self.step}", ValueList)
        value_id = values.shortcuts.get(key)
        if value_id is None:
            return False
        values.pick(value_id)
        if value_id == NEW_ACTOR:
            self._ask_new_actor()
        else:
            self._advance(values.field)
        return True

    def _advance(self, field: str) -> None:
        """After a pick in `field`: the next field, or save after the last."""
        if field == self.STEPS[-1]:
            self.action_save()
            return
        self.step = self.STEPS[self.STEPS.index(field) + 1]
        self.query_one(f"#{self.step}", ValueList).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, ValueList):
            self.step = event.widget.field
            self._show_guide(event.widget)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        values = event.option_list
        if not isinstance(values, ValueList) or event.option.id is None:
            return
        values.pick(event.option.id)
        if values.field == "actor" and event.option.id == NEW_ACTOR:
            self._ask_new_actor()
            return
        self._advance(values.field)

    def _ask_new_actor(self) -> None:
        def added(actor: Actor | None) -> None:
            if actor is None:
                return
            existing = self.schema.actor(actor.id)
            if existing is None:
                self.new_actor = actor
                self.schema = self.schema.with_extra_actors([actor])
            actors = self.query_one("#actor", ValueList)
            actors.set_values(self._actor_rows(list(self.schema.actors)))
            actors.pick(actor.id)
            self._advance("actor")

        with typed_ahead(self.app):
            self.app.push_screen(NewActorDialog(self.schema), added)

    def action_search_actor(self) -> None:
        self.query_one("#actor-search", Input).focus()

    def _result(self) -> TagResult:
        """What was chosen and typed: an attribute nobody chose is None."""
        lists = self._lists()
        target = self.query_one("#target", Input).value.strip() or None
        note = self.query_one("#note", Input).value.strip() or None
        actor = lists["actor"].chosen
        return TagResult(
            actor=actor,
            stance=lists["stance"].chosen,
            target=target if self.schema.target_allowed else None,
            claim_type=lists["claim_type"].chosen,
            note=note if self.schema.note_allowed else None,
            new_actor=self.new_actor if self.new_actor and self.new_actor.id == actor else None,
        )

    def action_save(self) -> None:
        if self.closed:
            return
        result = self._result()
        missing = self.schema.missing_required(result.labels())
        if missing:
            self._say(
                "Not saved: choose " + ", ".join(map(attribute_name, missing)) + " (required)"
            )
            first = missing[0]
            if first in self.STEPS:
                self.step = first
            self.query_one(f"#{first}").focus()
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
