"""The article list: a virtual table that draws only its visible rows.

It holds the ordered article ids and fetches the visible rows from the store as they
scroll into view. At start the ids are `CatalogIds`: the first screenful and a count,
the rest read when something past them is asked for (100,000 ids cost a tenth of a
second that the first screen does not need).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.store import CatalogRow
from tui.widgets.bidi_text import padded

STATUS_MARK = {"todo": " ", "in_progress": "…", "done": "✓"}
LABELLED_MARK = "▪"  # after the status: the article has the annotator's article labels
# (header, width) of the fixed columns; the title takes the rest.
COLUMNS = (
    ("", 2),
    ("mine", 5),
    ("all", 5),
    ("who", 4),
    ("review", 8),
    ("chars", 7),
    ("source", 20),
)
SOURCE_WIDTH = COLUMNS[-1][1]
REVIEW_MARK = {"unreviewed": "?", "in_review": "…", "settled": "✓"}


def _review_cell(row: CatalogRow) -> str:
    """Disagreements and review status, e.g. "3 ?" (unreviewed), "✓" (settled)."""
    if row.disagreements is None:
        return ""
    mark = REVIEW_MARK.get(row.review, "")
    if row.review == "settled":
        return mark
    return f"{row.disagreements}✗ {mark}"


class CatalogIds(Sequence[str]):
    """The list's ids in order: the first ones now, all of them on first need."""

    def __init__(self, first: list[str], count: int, load: Callable[[], list[str]]) -> None:
        self._first = first
        self._count = count
        self._load = load
        self._all: list[str] | None = None if len(first) < count else first

    def _everything(self) -> list[str]:
        if self._all is None:
            self._all = self._load()
            self._count = len(self._all)
        return self._all

    def __len__(self) -> int:
        return self._count if self._all is None else len(self._all)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if self._all is None:
            if isinstance(index, slice):
                start, stop, step = index.indices(self._count)
                if stop <= len(self._first) or (step > 0 and start >= stop):
                    return self._first[index]
            elif 0 <= index < len(self._first):
                return self._first[index]
        return self._everything()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._everything())

    def __contains__(self, value: object) -> bool:
        return value in self._first or value in self._everything()

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        ids = self._first if value in self._first[start:stop] else self._everything()
        return ids.index(value, start, len(ids) if stop is None else stop)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CatalogIds({len(self)} ids)"


@dataclass
class RowSource:
    """Where rows come from: fetch(ids) -> {id: CatalogRow}; labelled() -> the ids of
    the articles with the annotator's own article labels."""

    fetch: Callable[[list[str]], dict[str, CatalogRow]]
    labelled: Callable[[], set[str]] = set


class ArticleTable(ScrollView, can_focus=True):
    """Rows of articles; Enter posts `ArticleTable.Selected`."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Open", id="list.open"),
    ]

    COMPONENT_CLASSES = {"article-table--header", "article-table--cursor", "article-table--done"}

    DEFAULT_CSS = """
    ArticleTable { height: 1fr; }
    ArticleTable > .article-table--header { text-style: bold; background: $panel; }
    ArticleTable > .article-table--cursor { background: $accent 40%; }
    ArticleTable:focus > .article-table--cursor { background: $accent; }
    ArticleTable > .article-table--done { color: $success; }
    """

    cursor: reactive[int] = reactive(0)

    class Selected(Message):
        def __init__(self, article_id: str, index: int) -> None:
            super().__init__()
            self.article_id = article_id
            self.index = index

    def __init__(self, source: RowSource, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = source
        self.ids: Sequence[str] = []
        self._rows: dict[str, CatalogRow] = {}
        self._labelled: set[str] | None = None  # read again after `invalidate`

    # -- data ------------------------------------------------------------------------

    def set_ids(self, ids: Sequence[str], keep: str | None = None) -> None:
        """Show these articles in this order; keep the cursor on `keep` if present."""
        self.ids = ids
        self._rows.clear()
        self.virtual_size = Size(self.size.width, len(ids) + 1)
        index = ids.index(keep) if keep is not None and keep in ids else 0
        self.cursor = min(index, max(len(ids) - 1, 0))
        self._scroll_cursor_into_view()
        self.refresh()

    def move_to_id(self, article_id: str) -> None:
        """Put the cursor on this article (if it is in the list)."""
        if article_id in self.ids:
            self._move_to(self.ids.index(article_id))

    def invalidate(self) -> None:
        """Rows changed in the database (status, counts): fetch them again when drawn."""
        self._rows.clear()
        self._labelled = None
        self.refresh()

    @property
    def current_id(self) -> str | None:
        return self.ids[self.cursor] if self.ids else None

    def _row(self, index: int) -> CatalogRow | None:
        article_id = self.ids[index]
        if article_id not in self._rows:
            top = int(self.scroll_offset.y)
            window = list(self.ids[max(0, top - 1) : top + self.size.height + 1])
            if article_id not in window:
                window = [article_id]
            self._rows.update(self.source.fetch(window))
        return self._rows.get(article_id)

    # -- drawing ---------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        fixed_width = sum(w for _, w in COLUMNS)
        title_width = max(width - fixed_width, 0)
        if y == 0:  # the header stays put
            style = self.get_component_rich_style("article-table--header")
            text = "".join(h.rjust(w - 1) + " " if h else h.ljust(w) for h, w in COLUMNS[:-1])
            text += "source".rjust(SOURCE_WIDTH - 2) + "  " + "title".rjust(title_width)
            return Strip([Segment(text[:width].ljust(width), style)], width)
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self.ids):
            return Strip.blank(width, self.rich_style)
        row = self._row(index)
        if row is None:
            return Strip.blank(width, self.rich_style)
        if self._labelled is None:
            self._labelled = self.source.labelled()
        fixed = [
            STATUS_MARK.get(row.status, "?") + (LABELLED_MARK if row.id in self._labelled else ""),
            str(row.my_passages or ""),
            str(row.all_passages or ""),
            str(row.annotators or ""),
            _review_cell(row),
            f"{row.n_chars:,}",
        ]
        line = "".join(
            (v.rjust(w - 1) + " ") if i else v.ljust(w)
            for i, (v, (_, w)) in enumerate(zip(fixed, COLUMNS[:-1], strict=True))
        )
        # Arabic cells: align by cell width (a letter with harakat is one cell).
        line += padded(row.source, SOURCE_WIDTH - 2) + "  "
        line += padded(row.title, title_width) if title_width else ""
        style = self.rich_style
        if index == self.cursor:
            style += self.get_component_rich_style("article-table--cursor")
        elif row.status == "done":
            style += self.get_component_rich_style("article-table--done")
        return Strip([Segment(line, style)], width).crop(0, width)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()

    # -- moving ----------------------------------------------------------------------

    def _scroll_cursor_into_view(self) -> None:
        height = max(self.size.height - 1, 1)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def _move_to(self, index: int) -> None:
        if not self.ids:
            return
        self.cursor = max(0, min(index, len(self.ids) - 1))
        self._scroll_cursor_into_view()

    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * max(self.size.height - 2, 1))

    def action_jump(self, where: int) -> None:
        self._move_to(len(self.ids) - 1 if where < 0 else where)

    def action_select(self) -> None:
        if self.ids:
            self.post_message(self.Selected(self.ids[self.cursor], self.cursor))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0 or not self.ids:
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if index < len(self.ids):
            self._move_to(index)
            if event.chain >= 2:
                self.action_select()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.ids) + 1)
