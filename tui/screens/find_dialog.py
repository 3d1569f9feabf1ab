"""A one-line prompt for `/` (find in the article): spelling variants match (docs/search.md)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui.widgets.bidi_input import BidiInput
from tui.widgets.bidi_text import fit_line


class FindDialog(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="find.cancel")]
    DEFAULT_CSS = """
    FindDialog { align: center bottom; }
    #find-box { width: 80; height: auto; border: thick $accent; background: $surface;
                padding: 0 1; margin-bottom: 2; }
    #find-preview { color: $text-muted; height: 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="find-box"):
            yield Label("Find in the article (diacritics, hamza and digit forms ignored)")
            yield BidiInput(placeholder='words, or "a phrase"', id="find")
            yield Static("", id="find-preview")

    @on(Input.Changed)
    def _preview(self, event: Input.Changed) -> None:
        # The Input shows logical order; this line shows the query as it reads.
        line = fit_line(event.value, 76)
        shown = line.text.rjust(76) if line.rtl else line.text
        self.query_one("#find-preview", Static).update(Text(shown), layout=False)

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
