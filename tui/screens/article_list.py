"""The first screen: the articles in the database, with sort and filters."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from annotations.store import SORT_KEYS, STATUSES, CatalogQuery, CatalogRow
from annotations.text import plural
from tui.commands import ListCommands
from tui.screens.base import HashiyaScreen
from tui.widgets.article_table import ArticleTable, CatalogIds, RowSource
from tui.widgets.bidi_text import line_text

if TYPE_CHECKING:
    from collections.abc import Sequence

SORTS = tuple(SORT_KEYS)
STATUS_FILTERS: tuple[str | None, ...] = (None, *STATUSES)
FIRST_IDS = 200  # ids read at once: a tall terminal's screenful and a few pages down


class ArticleListScreen(HashiyaScreen):
    COMMANDS = {ListCommands}
    BINDINGS = [
        Binding("s", "cycle_sort", "Sort", id="list.sort"),
        Binding("S", "reverse_sort", "Reverse", id="list.reverse", show=False),
        Binding("f", "cycle_status", "Filter", id="list.status", tooltip="Status filter"),
        Binding("F", "cycle_source", "Source filter", id="list.source", show=False),
        # search, overview and the annotator filter
        Binding("slash", "search", "Search", id="list.search"),
        Binding("o", "overview", "Overview", id="list.overview", show=False),
        Binding(
            "a",
            "cycle_annotated_by",
            "Annotator",
            id="list.annotated_by",
            tooltip="Annotator filter",
        ),
        Binding("d", "toggle_disputed", "Disagreements", id="list.disputed", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.query_state = CatalogQuery(annotator=self.hashiya.settings.annotator)
        self._review_pending = False  # rows were drawn without review: redraw once read

    def _with_review(self, rows: dict[str, CatalogRow]) -> dict[str, CatalogRow]:
        # The schema is read only for rows that can disagree, and never before the first
        # frame (YAML is a sixth of the start): rows drawn before it have their review
        # column empty, filled in right after.
        if not any(row.annotators >= 2 for row in rows.values()):
            return rows
        schema = self.hashiya.label_schema_if_read
        if schema is None:
            if not self._review_pending:
                self._review_pending = True
                self.call_after_refresh(self._review_ready)
            return rows
        from annotations.review.queue import with_review

        return with_review(self.hashiya.store, rows, schema)

    def _review_ready(self) -> None:
        self._review_pending = False
        self.hashiya.label_schema  # noqa: B018 - read now that the list is drawn
        self.table.invalidate()

    def compose(self) -> ComposeResult:
        yield Header()
        store = self.hashiya.store
        annotator = self.hashiya.settings.annotator
        source = RowSource(
            fetch=lambda ids: self._with_review(store.catalog_rows(ids, annotator)),
            labelled=lambda: {d.article_id for d in store.document_labels(annotator=annotator)},
        )
        yield ArticleTable(source, id="article-table")
        yield Static("", id="list-status")
        yield Footer()

    @property
    def table(self) -> ArticleTable:
        return self.query_one(ArticleTable)

    def on_mount(self) -> None:
        self.reload()
        self.table.focus()

    def on_screen_resume(self) -> None:
        self.table.invalidate()  # statuses and counts may have changed in the reader
        if self.hashiya.last_read is not None:  # n/p in the reader moved on: follow it
            self.table.move_to_id(self.hashiya.last_read)

    def data_changed(self) -> None:
        """A colleague's import or tags: the ids (new articles) and every row again."""
        self.reload()
        self.table.invalidate()

    def reload(self, keep: str | None = None) -> None:
        store, q = self.hashiya.store, self.query_state
        ids = CatalogIds(
            store.catalog_ids(q, limit=FIRST_IDS),
            store.catalog_count(q),
            lambda: store.catalog_ids(q),
        )
        self.table.set_ids(ids, keep=keep or self.table.current_id)
        filters = []
        if q.status:
            filters.append(f"status: {q.status.replace('_', ' ')}")
        if q.source:
            filters.append(f"source: {q.source}")
        if q.annotated_by:
            filters.append(f"annotated by: {q.annotated_by}")
        if q.ids is not None:
            filters.append("with disagreements")
        if not ids and filters:
            # Say what hides everything, and the key that undoes each filter.
            keys = {"status": "f", "source": "F", "annotated by": "a", "with disagreements": "d"}
            undo = [keys[f.split(":")[0]] for f in filters]
            line = f"No article matches {' · '.join(filters)}. Press {'/'.join(undo)} to change it."
        elif not ids:
            line = "No articles yet: `hashiya import FILE...` brings some in."
        else:
            sort = f"sorted by {q.sort}{' ↓' if q.descending else ''}"
            line = " · ".join([plural(len(ids), "article"), sort, *filters])
        status = line_text(line, self.size.width or 80, direction="ltr")
        self.query_one("#list-status", Static).update(status)

    def action_toggle_disputed(self) -> None:
        """Only articles on which the annotators disagree (again: all articles)."""
        from annotations.review.queue import disputed_article_ids

        q = self.query_state
        ids = (
            None
            if q.ids is not None
            else tuple(disputed_article_ids(self.hashiya.store, self.hashiya.label_schema))
        )
        self.query_state = replace(q, ids=ids)
        self.reload()

    @property
    def article_ids(self) -> Sequence[str]:
        return self.table.ids

    def action_cycle_sort(self) -> None:
        q = self.query_state
        self.query_state = replace(q, sort=SORTS[(SORTS.index(q.sort) + 1) % len(SORTS)])
        self.reload()

    def action_reverse_sort(self) -> None:
        self.query_state = replace(self.query_state, descending=not self.query_state.descending)
        self.reload()

    def action_cycle_status(self) -> None:
        q = self.query_state
        at = STATUS_FILTERS.index(q.status)
        self.query_state = replace(q, status=STATUS_FILTERS[(at + 1) % len(STATUS_FILTERS)])
        self.reload()

    def action_cycle_source(self) -> None:
        sources: list[str | None] = [None, *(s for s, _ in self.hashiya.store.sources())]
        q = self.query_state
        at = sources.index(q.source) if q.source in sources else 0
        self.query_state = replace(q, source=sources[(at + 1) % len(sources)])
        self.reload()

    @on(ArticleTable.Selected)
    def _open(self, event: ArticleTable.Selected) -> None:
        from tui.screens.reader import ReaderScreen

        self.app.push_screen(ReaderScreen(self.table.ids, event.index))

    # -- search, overview, annotator filter -----------------------------------------

    def action_search(self) -> None:
        from tui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen())

    def action_overview(self) -> None:
        from tui.screens.overview import OverviewScreen

        self.app.push_screen(OverviewScreen())

    def action_cycle_annotated_by(self) -> None:
        """Show only articles with passages by the next annotator (then everyone's again)."""
        names: list[str | None] = [None, *self.hashiya.store.annotators()]
        q = self.query_state
        at = names.index(q.annotated_by) if q.annotated_by in names else 0
        self.set_annotated_by(names[(at + 1) % len(names)])

    def set_annotated_by(self, who: str | None) -> None:
        """Only articles with passages by `who` (None: every article)."""
        self.query_state = replace(self.query_state, annotated_by=who)
        self.reload()
        self.notify(f"annotated by: {who or 'anyone'}", timeout=2)
