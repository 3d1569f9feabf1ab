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
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from annotations.models import Passage
from annotations.schema import Actor, LabelSchema, LabelValue
from annotations.text import check_name
from tui.widgets.bidi_text import fit_line, visual_lines

NEW_ACTOR = "__new__"
LABEL_WIDTH = 25  # cells for a value's name in a column of the dialog
GUIDE_WIDTH = 104
NONE = "__none__"


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
        return replace(
            passage,
            actor=self.actor,
            stance=self.stance,
            target=self.target,
            claim_type=self.claim_type,
            note=self.note,
            updated_at=updated_at,
        )

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


class ValueList(OptionList):
    """An OptionList whose values can also be picked by their one-key shortcuts."""

    class Picked(OptionList.OptionSelected):
        pass

    def __init__(
        self,
        field: str,
        values: list[tuple[str, str, str | None]],
        on_shortcut: Callable[[str], bool],
        **kwargs: object,
    ):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.field = field
        self.on_shortcut = on_shortcut
        self.shortcuts: dict[str, str] = {}
        self.set_values(values)

    def set_values(self, values: list[tuple[str, str, str | None]]) -> None:
        """(id, label, shortcut) rows."""
        self.clear_options()
        self.shortcuts = {key: value_id for value_id, _label, key in values if key}
        for value_id, label, key in values:
            prefix = f"[{key}] " if key else "    "
            # Text: no markup. no_wrap: a wrapped visual line would read in the wrong order.
            self.add_option(Option(Text(prefix + label, no_wrap=True), id=value_id))
        if values:
            self.highlighted = 0

    def select_id(self, value_id: str | None) -> None:
        if value_id is None:
            return
        for index in range(self.option_count):
            if self.get_option_at_index(index).id == value_id:
                self.highlighted = index
                return

    async def _on_key(self, event: events.Key) -> None:
        # The dialog decides which field a shortcut is for: keys typed fast arrive
        # before a focus change, and must still go to the next field.
        if event.character and self.on_shortcut(event.character):
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
    #tag-box { width: 98%; max-width: 110; height: auto; max-height: 95%; border: thick $accent;
               background: $surface; padding: 0 1; }
    #tag-quote { color: $text; text-style: italic; margin-bottom: 1; }
    #tag-fields { height: auto; }
    #tag-fields > Vertical { width: 1fr; height: auto; }
    #tag-fields OptionList { height: 12; }
    #actor-search { margin-bottom: 0; }
    #tag-guide { color: $text-muted; height: 4; margin-top: 1; }
    .preview { color: $text-muted; height: 1; }
    #tag-free Input { width: 1fr; }
    """

    def __init__(
        self,
        schema: LabelSchema,
        quote: str,
        initial: TagResult | None = None,
        *,
        title: str = "Tag passage",
    ) -> None:
        super().__init__()
        self.schema = schema
        self.quote = quote
        self.initial = initial
        self.heading = title
        self.new_actor: Actor | None = None
        self.step = "actor"  # the field the next shortcut key picks a value of
        self.closed = False  # dismissed: keys still queued must not act again
        self.label_width = LABEL_WIDTH  # fitted to the columns once they are laid out

    # -- building --------------------------------------------------------------------

    def _actor_rows(self, actors: list[Actor]) -> list[tuple[str, str, str | None]]:
        rows: list[tuple[str, str, str | None]] = [
            (a.id, bidi(f"{a.name_en} · {a.name_ar}", self.label_width), a.shortcut) for a in actors
        ]
        rows.append((NEW_ACTOR, "+ new actor…", "+"))
        rows.append((NONE, "(no actor)", None))
        return rows

    def _value_rows(self, values: tuple[LabelValue, ...]) -> list[tuple[str, str, str | None]]:
        rows: list[tuple[str, str, str | None]] = [
            (v.id, bidi(f"{v.label_en} · {v.label_ar}", self.label_width), v.shortcut)
            for v in values
        ]
        rows.append((NONE, "(none)", None))
        return rows

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-box"):
            yield Label(self.heading, id="tag-title")
            quote = "\n".join(visual_lines("«" + self.quote + "»", GUIDE_WIDTH)[:3])
            yield Static(Text(quote), id="tag-quote")
            with Horizontal(id="tag-fields"):
                with Vertical():
                    yield Label("Actor  (/ to search)")
                    yield Input(placeholder="name, alias…", id="actor-search")
                    yield Static("", classes="preview", id="actor-preview")
                    yield ValueList(
                        "actor",
                        self._actor_rows(list(self.schema.actors)),
                        self.shortcut,
                        id="actor",
                    )
                with Vertical():
                    yield Label("Stance")
                    yield ValueList(
                        "stance", self._value_rows(self.schema.stances), self.shortcut, id="stance"
                    )
                with Vertical():
                    yield Label("Claim type")
                    yield ValueList(
                        "claim_type",
                        self._value_rows(self.schema.claim_types),
                        self.shortcut,
                        id="claim_type",
                    )
            with Horizontal(id="tag-free"):
                yield Input(placeholder="stance target (optional)", id="target")
                yield Input(placeholder="note (optional)", id="note")
            yield Static("", classes="preview", id="free-preview")
            yield Static("", id="tag-guide")

    def on_resize(self) -> None:
        """Fit the value names to the columns: a label wider than its column would wrap,
        and a wrapped visual line reads in the wrong order."""
        actors = self.query_one("#actor", ValueList)
        width = max(actors.scrollable_content_region.width - 5, 8)  # "[k] " and a margin
        if width == self.label_width:
            return
        self.label_width = width
        query = self.query_one("#actor-search", Input).value
        rows = {
            "actor": self._actor_rows(self.schema.find_actors(query)),
            "stance": self._value_rows(self.schema.stances),
            "claim_type": self._value_rows(self.schema.claim_types),
        }
        for name, values in rows.items():
            widget = self.query_one(f"#{name}", ValueList)
            index = widget.highlighted
            chosen = widget.get_option_at_index(index).id if index is not None else None
            widget.set_values(values)
            widget.select_id(chosen)

    def on_mount(self) -> None:
        lists = {
            name: self.query_one(f"#{name}", ValueList)
            for name in ("actor", "stance", "claim_type")
        }
        if self.initial is not None:
            lists["actor"].select_id(self.initial.actor)
            lists["stance"].select_id(self.initial.stance)
            lists["claim_type"].select_id(self.initial.claim_type)
            self.query_one("#target", Input).value = self.initial.target or ""
            self.query_one("#note", Input).value = self.initial.note or ""
        if not self.schema.target_allowed:
            self.query_one("#target", Input).display = False
        lists["actor"].focus()
        self._show_guide(lists["actor"])

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
        text = described.description if described else ""
        guide = "\n".join(visual_lines(text, GUIDE_WIDTH)) if text.strip() else ""
        self.query_one("#tag-guide", Static).update(Text(guide))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if isinstance(event.option_list, ValueList):
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

    STEPS = ("actor", "stance", "claim_type")

    def shortcut(self, key: str) -> bool:
        """Pick the current field's value with this shortcut and move on; False if none."""
        if self.closed:
            return True
        values = self.query_one(f"#{self.step}", ValueList)
        value_id = values.shortcuts.get(key)
        if value_id is None:
            return False
        values.select_id(value_id)
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

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        values = event.option_list
        if not isinstance(values, ValueList):
            return
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
            actors.select_id(actor.id)
            self._advance("actor")

        self.app.push_screen(NewActorDialog(self.schema), added)

    def _chosen(self, name: str) -> str | None:
        values = self.query_one(f"#{name}", ValueList)
        if values.highlighted is None:
            return None
        value_id = values.get_option_at_index(values.highlighted).id
        return None if value_id in (NONE, NEW_ACTOR) else value_id

    def action_search_actor(self) -> None:
        self.query_one("#actor-search", Input).focus()

    def action_save(self) -> None:
        if self.closed:
            return
        self.closed = True
        target = self.query_one("#target", Input).value.strip() or None
        note = self.query_one("#note", Input).value.strip() or None
        actor = self._chosen("actor")
        new_actor = self.new_actor if self.new_actor and self.new_actor.id == actor else None
        self.dismiss(
            TagResult(
                actor=actor,
                stance=self._chosen("stance"),
                target=target,
                claim_type=self._chosen("claim_type"),
                note=note,
                new_actor=new_actor,
            )
        )

    def action_cancel(self) -> None:
        if not self.closed:
            self.closed = True
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
            yield Input(placeholder="Arabic name", id="name-ar")
            yield Input(placeholder="English name", id="name-en")
            yield Input(placeholder="aliases, comma-separated (optional)", id="aliases")
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
