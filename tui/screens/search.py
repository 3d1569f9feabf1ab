"""The search screen: articles by words (the FTS5 index), or passages by label and words.

Searching runs in exclusive thread workers (each keystroke's search replaces the one
before), on their own SQLite connection; they post `Results` and never touch widgets.
The index is built on first use by another worker, with its progress on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Footer, Header, Input, OptionList, Select, Static, Tab, Tabs
from textual.worker import Worker, WorkerState, get_current_worker

from annotations.schema import Attribute, LabelSchema
from annotations.search import Hit, search
from annotations.search.passages import PassageHit, search_passages
from annotations.search.snippet import SnippetLine, snippet_line
from annotations.store import Store
from annotations.text import plural
from tui.screens.base import HashiyaScreen
from tui.widgets.bidi_input import BidiInput
from tui.widgets.bidi_text import english_line, fit_line, padded

if TYPE_CHECKING:
    pass

ARTICLES, PASSAGES = "articles", "passages"
PAGE = 50  # hits fetched at a time; the next page when the cursor reaches the last
FILTER_LABEL_WIDTH = 18  # the options of the filter selects, on one line
MARK = Style(bold=True, reverse=True)
DIM = Style(dim=True)


@dataclass(frozen=True)
class SearchRequest:
    """One search, as the screen asked for it (compared by identity: the latest wins)."""

    mode: str
    query: str
    filters: dict[str, Any] = field(default_factory=dict)  # passage filters: attribute -> value
    offset: int = 0
    width: int = 80
    shape: bool = True
    annotator: str | None = None  # passages by this annotator only
    related_to: str | None = None  # contents attributed to this actor (its id) only


class _Cancelled(Exception):
    """The index worker was cancelled (the screen closed); stop between batches."""


def styled_line(line: SnippetLine, width: int, mark: Style = MARK) -> Text:
    """A laid-out snippet line as Rich text, right-aligned if RTL, matches in `mark`."""
    out = Text(" " * line.pad(width), no_wrap=True, end="")
    for text, marked in line.runs():
        out.append(text, mark if marked else None)
    return out


def _shown(text: str, width: int = 60, shape: bool = True) -> str:
    """A label, a name or an id for one line: laid out, controls made visible."""
    return fit_line(text, width, shape).text


def _title_line(title: str, left: str, width: int, shape: bool) -> Text:
    """`left` (dim), then the title laid out in the rest of the line."""
    left = _shown(left, max(width // 2, 1), shape)
    room = max(width - cell_len(left) - 2, 1)
    line = Text(left, style=DIM, no_wrap=True, end="")
    line.append("  ")
    line.append(padded(title, room, shape), "bold")
    return line


def article_option(hit: Hit, width: int, shape: bool = True) -> Text:
    """Two lines: id and offsets with the title, then the snippet with the matches marked."""
    where = "title" if hit.start is None else f"{hit.start}-{hit.end}"
    out = _title_line(hit.title, f"{hit.article_id} {where}", width, shape)
    out.append("\n")
    line = snippet_line(hit.snippet, hit.snippet_spans, width, shape=shape)
    out.append_text(styled_line(line, width))
    return out


def filter_attributes(schema: LabelSchema) -> tuple[Attribute, ...]:
    """The passage attributes a search filters on: those whose values are a list (choice,
    actor, boolean), in schema order."""
    return tuple(a for a in schema.attributes if a.type in ("choice", "actor", "boolean"))


def _value_names(
    schema: LabelSchema, attribute: Attribute, value: Any
) -> list[tuple[str, str | None]]:
    """(name, colour) of each of a label's values, as the passage line shows them."""
    values = value if isinstance(value, list) else [value]
    out: list[tuple[str, str | None]] = []
    for v in values:
        if isinstance(v, bool):
            out.append((f"{attribute.label_en}: {'yes' if v else 'no'}", None))
        elif attribute.type == "actor":
            actor = schema.actor(v)
            out.append((actor.name_en or actor.id if actor else str(v), None))
        else:
            found = attribute.value(v)
            out.append((found.label_en if found else str(v), found.color_hex if found else None))
    return out


def passage_option(hit: PassageHit, schema: LabelSchema, width: int, shape: bool = True) -> Text:
    """Labels and where the passage is, the quote (matches marked), and the note if any."""
    p = hit.passage
    out = Text(_shown(p.annotator, 30, shape), style="bold", no_wrap=True, end="")
    for attribute in filter_attributes(schema):
        if attribute.id not in p.labels:
            continue
        for name, color in _value_names(schema, attribute, p.labels[attribute.id]):
            out.append(" · ")
            out.append(_shown(name, 40, shape), color)
    out.append(" · " + _shown(f"{p.article_id} {p.start}-{p.end}", 60, shape), DIM)
    out.truncate(width)
    out.append("\n")
    out.append_text(styled_line(snippet_line(p.text, hit.text_spans, width, shape=shape), width))
    if p.note:
        out.append("\n")
        note = snippet_line(p.note, hit.note_spans, width, shape=shape)
        out.append_text(styled_line(note, width, MARK))
    return out


class SearchScreen(HashiyaScreen):
    """Type to search; Enter opens the highlighted hit in the reader."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="search.back"),
        Binding("ctrl+t", "toggle_mode", "Articles/passages", id="search.mode"),
        Binding("down", "focus_results", "Results", id="search.results", show=False),
        Binding("ctrl+f", "focus_query", "Query", id="search.query", show=False),
    ]

    DEFAULT_CSS = """
    SearchScreen #search-input { margin: 0 1; }
    SearchScreen #passage-filters { height: auto; }
    SearchScreen #passage-filters Select { width: 1fr; }
    SearchScreen #passage-filters SelectOverlay { text-wrap: nowrap; text-overflow: ellipsis; }
    SearchScreen #search-status { height: 1; margin: 0 2; color: $text-muted; }
    SearchScreen #search-results { height: 1fr; }
    """

    @dataclass
    class Results(Message):
        request: SearchRequest
        hits: list[Any]  # Hit or PassageHit
        options: list[Text]

    @dataclass
    class IndexProgress(Message):
        done: int
        total: int

    @dataclass
    class IndexReady(Message):
        indexed: int

    def __init__(self, mode: str = ARTICLES, query: str = "") -> None:
        super().__init__()
        self.mode = mode
        self.initial_query = query
        self.hits: list[Any] = []
        self.request: SearchRequest | None = None  # the latest; older results are dropped
        self.pending = False  # an article search is waiting for the index
        self.index_ready = False
        self.more = False  # the last page was full: there may be more

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Tabs(
            Tab("Articles", id=ARTICLES),
            Tab("Passages", id=PASSAGES),
            active=self.mode,
            id="search-tabs",
        )
        yield BidiInput(
            value=self.initial_query, placeholder=self._placeholder(), id="search-input"
        )
        with Horizontal(id="passage-filters"):
            yield from self._filter_selects()
        yield Static("", id="search-status")
        yield OptionList(id="search-results")
        yield Footer()

    def _filter_selects(self) -> list[Select[Any]]:
        schema = self.hashiya.label_schema

        def label(en: str, ar: str) -> Text:
            # One short line, laid out as a whole (a wrapped visual line reads wrong): the
            # Arabic name too when both fit.
            both = f"{en} · {ar}"
            shown = both if ar and len(both) <= FILTER_LABEL_WIDTH else en
            return Text(fit_line(shown, FILTER_LABEL_WIDTH).text)

        selects: list[Select[Any]] = []
        for attribute in filter_attributes(schema):
            options: list[tuple[Text, Any]]
            if attribute.type == "actor":
                options = [(label(a.name_en or a.id, a.name_ar), a.id) for a in schema.actors]
            elif attribute.type == "boolean":
                options = [(label("yes", ""), True), (label("no", ""), False)]
            else:
                options = [(label(v.label_en or v.id, v.label_ar), v.id) for v in attribute.values]
            selects.append(
                Select(options, prompt=attribute.id.replace("_", " "), id=f"filter-{attribute.id}")
            )
        if schema.relations:
            selects.append(
                Select(
                    [(label(a.name_en or a.id, a.name_ar), a.id) for a in schema.actors],
                    prompt="said by",
                    id="related-filter",
                )
            )
        selects.append(
            Select(
                [(label(name, ""), name) for name in self.hashiya.store.annotators()],
                prompt="annotator",
                id="annotator-filter",
            )
        )
        return selects

    def _placeholder(self) -> str:
        if self.mode == ARTICLES:
            return "words to find in the articles (any spelling: hamza, harakat, digits)"
        return "words of the quoted text or note (optional); filter by label below"

    @property
    def input(self) -> Input:
        return self.query_one("#search-input", Input)

    @property
    def results(self) -> OptionList:
        return self.query_one("#search-results", OptionList)

    @property
    def result_width(self) -> int:
        return max(self.results.scrollable_content_region.width - 2, 20)

    def on_mount(self) -> None:
        self.query_one("#passage-filters").display = self.mode == PASSAGES
        self.input.focus()
        self._status("building the search index…")
        self.build_index()

    # -- the index -------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="search-index")
    def build_index(self) -> None:
        worker = get_current_worker()
        with Store(self.hashiya.settings.db_path) as store:
            total = store.unindexed_count()
            done = 0

            def progress(count: int) -> None:
                nonlocal done
                done += count
                if worker.is_cancelled:
                    raise _Cancelled
                self.post_message(self.IndexProgress(done, total))

            if total:
                self.post_message(self.IndexProgress(0, total))
                try:
                    store.ensure_search_index(progress, batch=250)
                except _Cancelled:
                    return
        self.post_message(self.IndexReady(total))

    @on(IndexProgress)
    def _index_progress(self, message: IndexProgress) -> None:
        self._status(f"indexing articles for search: {message.done:,} of {message.total:,}…")

    @on(IndexReady)
    def _index_ready(self, message: IndexReady) -> None:
        self.index_ready = True
        if message.indexed:
            self.notify(f"{plural(message.indexed, 'article')} indexed for search")
        if self.pending or (self.mode == ARTICLES and self.input.value.strip()):
            self.pending = False
            self.start_search()
        elif self.mode == ARTICLES:
            self._status("type words to search the articles")

    # -- searching -------------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        """The chosen label filters: attribute id -> value."""
        chosen: dict[str, Any] = {}
        for attribute in filter_attributes(self.hashiya.label_schema):
            value = self.query_one(f"#filter-{attribute.id}", Select).value
            if isinstance(value, str | bool):
                chosen[attribute.id] = value
        return chosen

    def annotator_filter(self) -> str | None:
        value = self.query_one("#annotator-filter", Select).value
        return value if isinstance(value, str) else None

    def related_filter(self) -> str | None:
        """The actor chosen under "said by": contents attributed to it only."""
        found = self.query("#related-filter")
        value = found.first(Select).value if found else None
        return value if isinstance(value, str) else None

    def start_search(self, offset: int = 0) -> None:
        """Search for what the input and filters say now (a new page when offset > 0)."""
        request = SearchRequest(
            self.mode,
            self.input.value,
            self.filters() if self.mode == PASSAGES else {},
            offset,
            self.result_width,
            self.hashiya.settings.shape,
            self.annotator_filter() if self.mode == PASSAGES else None,
            self.related_filter() if self.mode == PASSAGES else None,
        )
        self.request = request
        if request.mode == ARTICLES and not request.query.strip():
            self.pending = False
            self.workers.cancel_group(self, "search")
            self._show([], [], replace=True)
            if self.index_ready:  # else the status shows the indexing
                self._status("type words to search the articles")
            return
        if request.mode == ARTICLES and not self.index_ready:
            self.pending = True  # searched when the index is ready
            return
        if offset == 0:
            self._status("searching…")
        self.run_search(request)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def run_search(self, request: SearchRequest) -> None:
        worker = get_current_worker()
        hits: Sequence[Hit | PassageHit]
        schema = self.hashiya.label_schema
        with Store(self.hashiya.settings.db_path) as store:
            if worker.is_cancelled:
                return
            if request.mode == ARTICLES:
                hits = search(store.conn, request.query, limit=PAGE, offset=request.offset)
            else:
                actor = schema.actor(request.related_to) if request.related_to else None
                hits = search_passages(
                    store,
                    request.query,
                    limit=PAGE,
                    offset=request.offset,
                    labels=list(request.filters.items()),
                    annotator=request.annotator,
                    related_to=[actor] if actor is not None else None,
                    schema=schema,
                )
        options: list[Text] = []  # laid out here, off the UI thread
        for hit in hits:
            if worker.is_cancelled:
                return
            if isinstance(hit, PassageHit):
                options.append(passage_option(hit, schema, request.width, request.shape))
            else:
                options.append(article_option(hit, request.width, request.shape))
        if not worker.is_cancelled:
            self.post_message(self.Results(request, list(hits), options))

    @on(Results)
    def _results(self, message: Results) -> None:
        if message.request is not self.request:
            return  # an older search, overtaken by a keystroke
        request = message.request
        self.more = len(message.hits) == PAGE
        self._show(message.hits, message.options, replace=request.offset == 0)
        count = len(self.hits)
        shown = f"{count:,}{'+' if self.more else ''}"
        what = "articles" if request.mode == ARTICLES else "passages"
        if not count:
            self._status(f"no {what} match")
        else:
            self._status(f"{shown} {what} · Enter opens · ↓ to the list · ctrl+t switches")

    def _show(self, hits: list[Any], options: list[Text], *, replace: bool) -> None:
        results = self.results
        if replace:
            self.hits = list(hits)
            results.set_options(options)
            if options:
                results.highlighted = 0
        else:
            self.hits.extend(hits)
            results.add_options(options)

    def _status(self, text: str) -> None:
        width = max(self.size.width, 20)
        shown = english_line(text, width, self.hashiya.settings.shape)
        self.query_one("#search-status", Static).update(Text(shown, no_wrap=True, end=""))

    @on(Input.Changed, "#search-input")
    def _query_changed(self, event: Input.Changed) -> None:
        self.start_search()

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        if self.mode == PASSAGES:
            self.start_search()

    @on(Tabs.TabActivated, "#search-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        mode = event.tab.id or ARTICLES
        if mode == self.mode:
            return
        self.mode = mode
        self.query_one("#passage-filters").display = mode == PASSAGES
        self.input.placeholder = self._placeholder()
        self.start_search()

    def action_toggle_mode(self) -> None:
        tabs = self.query_one("#search-tabs", Tabs)
        tabs.active = PASSAGES if self.mode == ARTICLES else ARTICLES

    def action_focus_results(self) -> None:
        if self.hits:
            self.results.focus()

    def action_focus_query(self) -> None:
        self.input.focus()

    @on(OptionList.OptionHighlighted, "#search-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.more and event.option_index == len(self.hits) - 1 and self.request is not None:
            self.more = False
            self.start_search(offset=len(self.hits))

    def on_resize(self) -> None:
        if not self.is_mounted:
            return
        if self.hits and self.request is not None and self.request.width != self.result_width:
            self.start_search()  # lay the results out again at the new width

    # -- opening ---------------------------------------------------------------------

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        index = self.results.highlighted
        self.open_hit(0 if index is None else index)

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.open_hit(event.option_index)

    def open_hit(self, index: int) -> None:
        """Open the reader on hit `index`, the match (or the passage) selected."""
        from tui.screens.reader import ReaderScreen

        if not 0 <= index < len(self.hits):
            return
        hit = self.hits[index]
        if isinstance(hit, PassageHit):
            ids = list(dict.fromkeys(h.passage.article_id for h in self.hits))
            p = hit.passage
            where: tuple[int, int] | None = (p.start, p.end)
            position = ids.index(p.article_id)
        else:
            ids = [h.article_id for h in self.hits]
            where = None if hit.start is None else (hit.start, hit.end)
            position = index
        if not self.hashiya.store.has_article(ids[position]):
            self._status("that article is no longer in the database")
            return
        self.app.push_screen(ReaderScreen(ids, position, focus=where))

    # -- failures --------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group in ("search", "search-index"):
            error = event.worker.error
            self._status(f"search failed: {type(error).__name__}: {error}")
