"""The agreement screen: the figures of `hashiya agreement`, computed off the UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.widgets import Footer, Header, Static

from annotations.review.agreement import compute_agreement, format_report
from annotations.review.queue import (
    documents_by_article,
    passages_by_article,
    relations_by_article,
)
from annotations.review.relation_agreement import (
    compute_relation_agreement,
    format_relation_report,
)
from annotations.store import Store
from tui.screens.base import HashiyaScreen
from tui.widgets.bidi_text import lines_text

if TYPE_CHECKING:
    pass


class AgreementScreen(HashiyaScreen):
    DEFAULT_CSS = """
    #agreement-report { width: auto; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="agreement.back"),
        Binding("c", "toggle_option('confusion')", "Confusion matrices", id="agreement.confusion"),
        Binding("a", "toggle_option('per_article')", "Per article", id="agreement.articles"),
    ]

    @dataclass
    class Computed(Message):
        report: str

    def __init__(self) -> None:
        super().__init__()
        self.options = {"confusion": False, "per_article": False}

    def compose(self) -> ComposeResult:
        yield Header()
        with ScrollableContainer(id="agreement-scroll"):
            yield Static(Text("Computing agreement…"), id="agreement-report")
        yield Footer()

    def on_mount(self) -> None:
        self.compute()

    def data_changed(self) -> None:
        self.compute()

    def action_toggle_option(self, option: str) -> None:
        self.options[option] = not self.options[option]
        self.compute()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def compute(self) -> None:
        # Its own connection: SQLite connections stay in the thread that made them.
        with Store(self.hashiya.settings.db_path) as store:
            grouped = passages_by_article(store)
            documents = documents_by_article(store)
            relations = relations_by_article(store)
        schema = self.hashiya.label_schema
        report = compute_agreement(grouped, schema=schema, documents_by_article=documents)
        shape = self.hashiya.settings.shape
        text = format_report(report, **self.options, shape=shape)
        if schema.relations or relations:
            relation_report = compute_relation_agreement(grouped, relations, schema=schema)
            text += "\n\n" + format_relation_report(relation_report, **self.options, shape=shape)
        if len(report.annotators) < 2:
            text = "Agreement needs passages by two or more annotators.\n\n" + text
        self.post_message(self.Computed(text))

    @on(Computed)
    def _show(self, message: Computed) -> None:
        # Drawn lines: never wrapped again (the report scrolls sideways instead).
        self.query_one("#agreement-report", Static).update(lines_text(message.report.split("\n")))
