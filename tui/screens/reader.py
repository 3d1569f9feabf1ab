"""The reader: one article. (Plain text until the right-to-left layout lands.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from annotations.text import printable

if TYPE_CHECKING:
    from tui.app import HashiyaApp


class ReaderScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="reader.back"),
    ]

    def __init__(self, article_ids: list[str], index: int) -> None:
        super().__init__()
        self.article_ids = article_ids
        self.index = index

    def compose(self) -> ComposeResult:
        app = cast("HashiyaApp", self.app)
        article = app.store.get_article(self.article_ids[self.index])
        assert article is not None
        yield Header()
        with VerticalScroll():
            yield Static(printable(article.title), id="reader-title")
            for start, end in article.paragraphs:
                yield Static(printable(article.text[start:end]) + "\n", markup=False)
        yield Footer()
