"""Dialogs of linking: the relation type of a new link (one shortcut each, only the
types whose kinds fit the two ends), and which of a passage's links a key is for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from annotations.schema import RelationType
from tui.typeahead import give_back, typed_ahead
from tui.widgets.bidi_text import english_line, fit_line, name_pair

DIALOG_WIDTH = 76


@dataclass(frozen=True)
class LinkChoice:
    """One way to link the two ends: a relation type, and whether it runs from the
    second end to the first (`reverse`: only the reverse direction fits the kinds).
    `new_kind`: the kind a new end (a fresh selection) gets with it."""

    relation: RelationType
    reverse: bool = False
    new_kind: str = ""


class _KeyedOptions(OptionList):
    """Options a typed key picks at once (keys typed fast may come before focus); a key
    typed after the dialog closed goes back to the screen below."""

    def __init__(
        self, dialog: LinkDialog | PickLinkDialog, *options: Option, **kwargs: object
    ) -> None:
        super().__init__(*options, **kwargs)  # type: ignore[arg-type]
        self.dialog = dialog

    def picked(self, character: str) -> bool:
        """Pick what `character` names; whether it named something."""
        raise NotImplementedError

    async def _on_key(self, event: events.Key) -> None:
        if self.dialog.closed:
            give_back(self.app, event)
        elif not (event.character and self.picked(event.character)):
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()


class _Choices(_KeyedOptions):
    """The relation types; a shortcut picks one."""

    dialog: LinkDialog

    def picked(self, character: str) -> bool:
        return self.dialog.pick_shortcut(character)


class LinkDialog(ModalScreen[LinkChoice | None]):
    """Choose the relation type of a link from `origin` to `target` (quotes shown)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="link.cancel")]

    DEFAULT_CSS = f"""
    LinkDialog {{ align: center middle; }}
    #link-box {{ width: {DIALOG_WIDTH}; max-width: 100%; height: auto; max-height: 100%;
                border: thick $accent; background: $surface; padding: 0 1; }}
    #link-box OptionList {{ height: auto; max-height: 10; border: none; padding: 0; }}
    #link-guide {{ color: $text-muted; }}
    """

    def __init__(
        self,
        choices: Sequence[LinkChoice],
        origin: str,
        target: str,
        *,
        labels: str = "en",
        title: str = "Link",
    ) -> None:
        super().__init__()
        self.choices = list(choices)
        self.origin_text = origin
        self.target_text = target
        self.labels = labels
        self.heading = title
        self.closed = False

    def _names_of(self, relation: RelationType) -> tuple[str, str]:
        if self.labels == "ar":
            return relation.label_ar or relation.label_en, relation.label_en
        return relation.label_en or relation.label_ar, relation.label_ar

    def _prompt(self, choice: LinkChoice) -> Text:
        rel = choice.relation
        key = f"[{rel.shortcut}]" if rel.shortcut else "   "
        ends = f"{rel.to_kind} → {rel.from_kind}" if choice.reverse else ""
        ends = ends or f"{rel.from_kind} → {rel.to_kind}"
        first, second = self._names_of(rel)
        room = DIALOG_WIDTH - 8 - len(ends) - 3
        return Text(f"{key} {name_pair(first, second, room)}  ({ends})", no_wrap=True)

    def compose(self) -> ComposeResult:
        width = DIALOG_WIDTH - 6
        with Vertical(id="link-box"):
            yield Label(Text(english_line(self.heading, width), no_wrap=True), id="link-title")
            for head, quote in (("from", self.origin_text), ("to", self.target_text)):
                line = english_line(f"{head}: ", 6) + fit_line(f"«{quote}»", width - 6).text
                yield Label(Text(line, no_wrap=True), classes="link-end")
            yield _Choices(
                self,
                *[Option(self._prompt(c), id=str(i)) for i, c in enumerate(self.choices)],
                id="link-types",
            )
            yield Label("", id="link-guide")

    def on_mount(self) -> None:
        options = self.query_one(_Choices)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionHighlighted)
    def _guide(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index
        if 0 <= index < len(self.choices):
            text = self.choices[index].relation.description
            guide = fit_line(" ".join(text.split()), DIALOG_WIDTH - 6).text if text else ""
            self.query_one("#link-guide", Label).update(Text(guide, no_wrap=True))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._done(self.choices[event.option_index])

    def pick_shortcut(self, key: str) -> bool:
        for choice in self.choices:
            if choice.relation.shortcut == key:
                self._done(choice)
                return True
        return False

    def _done(self, choice: LinkChoice | None) -> None:
        if self.closed:
            return
        self.closed = True
        with typed_ahead(self.app, drain=False):
            self.dismiss(choice)

    def action_cancel(self) -> None:
        self._done(None)


class _Picks(_KeyedOptions):
    """The passage's links; a digit picks one by its number."""

    dialog: PickLinkDialog

    def picked(self, character: str) -> bool:
        if not character.isdigit():
            return False
        self.dialog.pick(int(character) - 1)
        return True


class PickLinkDialog(ModalScreen[int | None]):
    """Which of the passage's links: its number (as the panel shows it), Enter or a click."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick_link.cancel")]

    DEFAULT_CSS = f"""
    PickLinkDialog {{ align: center middle; }}
    #pick-box {{ width: {DIALOG_WIDTH}; max-width: 100%; height: auto; max-height: 100%;
                border: thick $accent; background: $surface; padding: 0 1; }}
    #pick-box OptionList {{ height: auto; max-height: 10; border: none; padding: 0; }}
    """

    def __init__(self, title: str, lines: Sequence[str]) -> None:
        """`lines`: each link drawn as one line (already laid out)."""
        super().__init__()
        self.heading = title
        self.link_lines = list(lines)
        self.closed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box"):
            yield Label(Text(english_line(self.heading, DIALOG_WIDTH - 6), no_wrap=True))
            yield _Picks(
                self,
                *[Option(Text(line, no_wrap=True)) for line in self.link_lines],
                id="pick-links",
            )

    def on_mount(self) -> None:
        picks = self.query_one(_Picks)
        picks.highlighted = 0
        picks.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.pick(event.option_index)

    def pick(self, index: int) -> None:
        if self.closed or not 0 <= index < len(self.link_lines):
            return
        self.closed = True
        with typed_ahead(self.app, drain=False):
            self.dismiss(index)

    def action_cancel(self) -> None:
        if not self.closed:
            self.closed = True
            with typed_ahead(self.app, drain=False):
                self.dismiss(None)
