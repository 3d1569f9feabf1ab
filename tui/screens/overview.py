"""The overview screen: how far the corpus is annotated, with small bar charts.

The figures (annotations.overview) are computed in a thread worker on its own
connection; the screen draws them when they arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState

from annotations.overview import Overview, corpus_overview
from annotations.schema import Attribute, LabelSchema
from annotations.store import Store
from annotations.text import plural
from tui.screens.base import HashiyaScreen
from tui.widgets.bidi_text import english_line, fit_line

if TYPE_CHECKING:
    pass

EIGHTHS = " ▏▎▍▌▋▊▉"
BAR_WIDTH = 30
LABEL_WIDTH = 28
STATUS_NAMES = {"todo": "to do", "in_progress": "in progress", "done": "done"}
STATUS_COLORS = {"todo": "#808080", "in_progress": "#d7af00", "done": "#5faf5f"}
DEFAULT_COLOR = "#5f87af"


def bar(value: int, largest: int, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of unicode blocks, `width` cells for `largest`, eighths between."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[rest] if rest else "")


def chart_row(label: str, value: int, largest: int, total: int, color: str) -> Text:
    """label, count, bar and share of `total`, on one line."""
    row = Text(no_wrap=True, end="")
    row.append(label + " " * max(LABEL_WIDTH - cell_len(label), 0) + " ")
    row.append(f"{value:>8,} ")
    row.append(bar(value, largest).ljust(BAR_WIDTH), Style(color=color))
    if total:
        row.append(f" {value / total:6.1%}", "dim")
    return row


def _label(text: str) -> str:
    """A name for the label column: laid out (Arabic), controls made visible."""
    return fit_line(text, LABEL_WIDTH).text


def render_overview(figures: Overview, annotator: str, schema: LabelSchema) -> Text:
    """The whole report as Rich text (no markup from the data)."""
    out = Text(end="")

    def section(title: str) -> None:
        if out.plain:
            out.append("\n")
        out.append(english_line(title) + "\n", "bold underline")

    def rows(items: list[tuple[str, int, str]], total: int) -> None:
        largest = max((value for _, value, _ in items), default=0)
        for label, value, color in items:
            out.append_text(chart_row(label, value, largest, total, color))
            out.append("\n")

    out.append(
        f"{plural(figures.articles, 'article')} · {plural(figures.passages, 'passage')} · "
        f"{plural(len(figures.annotators), 'annotator')}\n",
        "bold",
    )
    for title, counts in (
        (f"Your articles ({annotator}), by status", figures.mine),
        ("Everyone: articles by how far anyone got", figures.everyone),
    ):
        section(title)
        rows(
            [(STATUS_NAMES[s], counts[s], STATUS_COLORS[s]) for s in STATUS_NAMES], figures.articles
        )

    section("By annotator: passages (articles done, in progress)")
    if not figures.annotators:
        out.append("no passages yet\n", "dim")
    largest = max((f.passages for f in figures.annotators), default=0)
    for f in figures.annotators:
        out.append_text(
            chart_row(_label(f.annotator), f.passages, largest, figures.passages, DEFAULT_COLOR)
        )
        out.append(f"  {f.articles_done:,} done, {f.articles_in_progress:,} in progress\n", "dim")

    for attribute in counted_attributes(schema):
        counts = figures.labels.get(attribute.id, {})
        words = attribute.label_en.lower() if attribute.label_en.isascii() else attribute.id
        section(f"Passages by {words}")
        items: list[tuple[str, int, str]] = []
        for value in attribute.values:
            name = value.label_en or value.id
            if value.label_ar and len(name) + 1 + len(value.label_ar) <= LABEL_WIDTH:
                name = f"{name} {value.label_ar}"  # the Arabic name too when it fits whole
            items.append((_label(name), counts.get(value.id, 0), value.color_hex))
        known = {value.id for value in attribute.values}
        for value_id, count in sorted(counts.items()):
            if value_id and value_id not in known:
                items.append((_label(f"{value_id} (not in schema)"), count, DEFAULT_COLOR))
        if counts.get(""):
            items.append((_label(f"(no {words})"), counts[""], "#808080"))
        rows(items, figures.passages)
    return out


def counted_attributes(schema: LabelSchema) -> tuple[Attribute, ...]:
    """The attributes the overview counts passages by: the choice ones, in schema order."""
    return tuple(a for a in schema.attributes if a.type == "choice")


class OverviewScreen(HashiyaScreen):
    """Counts of the corpus: statuses, annotators, the values of each choice attribute."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="overview.back"),
        Binding("r", "refresh_figures", "Refresh", id="overview.refresh"),
    ]

    @dataclass
    class Computed(Message):
        figures: Overview

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(Text("Counting…"), id="overview-report")
        yield Footer()

    def on_mount(self) -> None:
        self.compute()

    def data_changed(self) -> None:
        self.compute()

    def action_refresh_figures(self) -> None:
        self.compute()

    @work(thread=True, exclusive=True, exit_on_error=False, group="overview")
    def compute(self) -> None:
        # Its own connection: SQLite connections stay in the thread that made them.
        with Store(self.hashiya.settings.db_path) as store:
            attributes = [a.id for a in counted_attributes(self.schema)]
            figures = corpus_overview(store, self.hashiya.settings.annotator, attributes)
        self.post_message(self.Computed(figures))

    @on(Computed)
    def _show(self, message: Computed) -> None:
        report = render_overview(message.figures, self.hashiya.settings.annotator, self.schema)
        self.query_one("#overview-report", Static).update(report)

    @property
    def schema(self) -> LabelSchema:
        return self.hashiya.label_schema

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "overview":
            error = event.worker.error
            self.query_one("#overview-report", Static).update(
                Text(f"could not count: {type(error).__name__}: {error}")
            )
