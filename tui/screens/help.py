"""The help screen: every key that works on the screen beneath, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Static

from tui.widgets.bidi_text import line_text


def describe_key(key: str) -> str:
    names = {"question_mark": "?", "escape": "Esc", "enter": "Enter", "space": "Space"}
    return names.get(key, key)


class HelpScreen(ModalScreen[None]):
    """Lists the active bindings of `beneath` (and the app's)."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, beneath: Screen[object]) -> None:
        super().__init__()
        self.beneath = beneath

    def compose(self) -> ComposeResult:
        name = self.beneath.__class__.__name__.removesuffix("Screen")
        yield Static(line_text(f"Keys — {name}"))
        yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("key", "action")
        seen: set[tuple[str, str]] = set()
        for key, active in self.beneath.active_bindings.items():
            binding = active.binding
            what = binding.description or binding.action.replace("_", " ")
            if (what, binding.action) in seen and not binding.show:
                continue
            seen.add((what, binding.action))
            table.add_row(line_text(describe_key(key)), line_text(what))
