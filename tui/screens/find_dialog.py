"""A one-line prompt for `/` (find in the article): spelling variants match (docs/search.md)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.widgets.bidi_input import BidiInput


class FindDialog(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="find.cancel")]
    DEFAULT_CSS = """
    FindDialog { align: center bottom; }
    #find-box { width: 80; height: auto; border: thick $accent; background: $surface;
                padding: 0 1; margin-bottom: 2; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="find-box"):
            yield Label("Find in the article (diacritics, hamza and digit forms ignored)")
            yield BidiInput(placeholder='words, or "a phrase"', id="find")

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
