"""The first screen: the articles in the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header

from annotations.text import printable

if TYPE_CHECKING:
    from tui.app import HashiyaApp


class ArticleListScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "open_article", "Open", id="list.open"),
    ]

    @property
    def hashiya(self) -> HashiyaApp:
        from tui.app import HashiyaApp

        assert isinstance(self.app, HashiyaApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="article-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("source", "chars", "¶", "title", "id")
        self.refresh_rows()
        table.focus()

    def refresh_rows(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for a in self.hashiya.store.list_articles():
            table.add_row(
                printable(a.source),
                a.n_chars,
                a.n_paragraphs,
                printable(a.title),
                a.id,
                key=a.id,
            )

    @property
    def article_ids(self) -> list[str]:
        table = self.query_one(DataTable)
        return [str(row.key.value) for row in table.ordered_rows]

    def action_open_article(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self.open_row(table.cursor_row)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_row(event.cursor_row)

    def open_row(self, index: int) -> None:
        from tui.screens.reader import ReaderScreen

        ids = self.article_ids
        self.app.push_screen(ReaderScreen(ids, index))
