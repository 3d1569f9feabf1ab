"""The Textual app: built by one factory, `make_app`, for the CLI and the tests alike."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from annotations.config import Settings, check_keymap, default_annotator
from annotations.layout import ParagraphLayout
from annotations.store import Store, StoreError
from annotations.text import printable
from tui.commands import AppCommands, ArticleCommands
from tui.screens.article_list import ArticleListScreen
from tui.screens.base import HashiyaScreen
from tui.startup import release_collection
from tui.terminal import explicit_bidi
from tui.typeahead import TypeAheadApp
from tui.widgets.bidi_text import english_line, set_bidi_marks, visual

if TYPE_CHECKING:
    from annotations.history import History
    from annotations.schema import LabelSchema

# Other processes' commits (a colleague's import or tags) are looked for this often,
# while nobody has typed or clicked for IDLE_SECONDS.
POLL_SECONDS = 1.0
IDLE_SECONDS = 0.5


class HashiyaApp(TypeAheadApp):
    """Read and annotate Arabic news."""

    CSS_PATH = "app.tcss"
    TITLE = "Hashiya " + visual("حاشية")
    COMMANDS = TypeAheadApp.COMMANDS | {AppCommands, ArticleCommands}
    BINDINGS = [
        # Few keys in footers, so they fit at 80 columns: `?` lists every key.
        Binding("q", "quit", "Quit", id="quit", show=False),
        Binding("question_mark", "help", "Keys", id="help"),
        Binding("R", "review_queue", "Review", id="review_queue", show=False),
        Binding("M", "my_reviews", "My reviews", id="my_reviews", show=False),
        Binding("A", "agreement", "Agreement", id="agreement", show=False),
    ]

    def __init__(self, settings: Settings, store: Store, schema: LabelSchema | None) -> None:
        """`schema` None: the bundled one, read once the article list is drawn (the list
        does not need it, and YAML and the schema were a tenth of the start-up)."""
        super().__init__()
        self._thread = threading.get_ident()  # the one `store` may be used from
        self.settings = settings
        set_bidi_marks(settings.bidi_marks)  # every string the widgets lay out
        self.store = store
        self._base_schema = schema
        self._label_schema: LabelSchema | None = None
        self._history: History | None = None
        self.sub_title = english_line(f"{settings.db_path} · {settings.annotator}")
        self._exports: dict[str, tuple[Path, int]] = {}  # delivery name -> temp file, lines
        self.last_read: str | None = None  # the article the reader showed last (for the list)
        self._data_version: int | None = None
        self._last_input = 0.0
        self.fault: str | None = None  # a database fault no screen caught: the app stopped on it

    @property
    def history(self) -> History:
        """Undo and redo for the whole session (made when first asked for: the list
        does not need it, nor its module, before its first frame)."""
        if self._history is None:
            from annotations.history import History

            self._history = History(self.store, self.settings.annotator)
        return self._history

    @property
    def base_schema(self) -> LabelSchema:
        """The schema as read from its file."""
        if self._base_schema is None:
            from annotations.schema import default_schema

            self._base_schema = default_schema()
        return self._base_schema

    @property
    def label_schema(self) -> LabelSchema:
        """The schema with the actors users added to this database."""
        if self._label_schema is None:
            self._label_schema = self._read_label_schema()
        return self._label_schema

    @property
    def label_schema_if_read(self) -> LabelSchema | None:
        """The schema if it has been read, else None (reading it is YAML: not before the
        first frame)."""
        return self._label_schema

    def _read_label_schema(self) -> LabelSchema:
        from annotations.schema import schema_with_user_actors

        if threading.get_ident() == self._thread:
            return schema_with_user_actors(self.store, self.base_schema)
        with Store(self.settings.db_path) as store:  # a worker asked first
            return schema_with_user_actors(store, self.base_schema)

    def reload_schema(self) -> None:
        """Pick up actors users added (they live in the database)."""
        if self._label_schema is not None:  # else it is read with them when first needed
            self._label_schema = self._read_label_schema()

    def get_default_screen(self) -> ArticleListScreen:
        return ArticleListScreen()

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self._data_version = self.store.data_version()
        self.set_interval(POLL_SECONDS, self.poll_changes, name="poll changes")
        self.call_after_refresh(release_collection)  # held by the command until the first frame
        self.call_after_refresh(lambda: self.label_schema)  # the list is drawn: read it now
        # After the first frame (and the schema read): a worker competes for the GIL.
        self.call_after_refresh(self._warm_actor_search)

    @work(thread=True, exit_on_error=False, group="warm", name="warm actor search")
    def _warm_actor_search(self) -> None:
        """Build the search folding table and the actors' search keys now, off the UI
        thread: the first actor search of a session would otherwise pay for them."""
        self.label_schema.find_actors("a")

    def _handle_exception(self, error: Exception) -> None:
        """A database fault (busy, read-only, disk full, corrupt) that no screen caught
        stops the app with its one line, not a traceback: every change is committed
        before it is shown, so nothing saved is lost. Anything else is a bug, and
        Textual's traceback is what a bug report needs."""
        if isinstance(error, StoreError):
            self.fault = str(error)
            self._return_code = 1
            self._exception_event.set()  # a test's Pilot stops waiting on the stopped screen
            self.bell()
            self._close_messages_no_wait()  # what Textual's own fatal-error exit does
            return
        super()._handle_exception(error)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def poll_changes(self) -> None:
        """Redraw what other processes changed: every screen on the stack reads again."""
        if time.monotonic() - self._last_input < IDLE_SECONDS:
            return  # someone is typing: look again at the next tick
        try:
            version = self.store.data_version()
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        if version == self._data_version:
            return
        self._data_version = version
        self.reload_schema()
        for screen in self.screen_stack:
            # Not while the app shuts down: a screen's widgets may be gone already.
            if isinstance(screen, HashiyaScreen) and screen.is_mounted and screen.is_attached:
                screen.data_changed()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification laid out at the toast's width (Textual would wrap it as LTR).

        Messages are never markup: they may quote data.
        """
        width = max(min(60, self.size.width // 2) - 4, 10)
        layout = ParagraphLayout(printable(message), direction="ltr", shape=self.settings.shape)
        lines = [line.text for line in layout.lines(width)]
        super().notify(
            "\n".join(lines),
            title=english_line(title) if title else "",
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def action_review_queue(self) -> None:
        from tui.screens.review import ReviewQueueScreen

        if not isinstance(self.screen, ReviewQueueScreen):
            self.push_screen(ReviewQueueScreen())

    def action_my_reviews(self) -> None:
        from tui.screens.review import MyReviewsScreen

        if not isinstance(self.screen, MyReviewsScreen):
            self.push_screen(MyReviewsScreen())

    def action_agreement(self) -> None:
        from tui.screens.agreement import AgreementScreen

        if not isinstance(self.screen, AgreementScreen):
            self.push_screen(AgreementScreen())

    def action_overview(self) -> None:
        from tui.screens.overview import OverviewScreen

        if not isinstance(self.screen, OverviewScreen):
            self.push_screen(OverviewScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Export dataset",
            "All labels as native JSON Lines: a download in the browser, a file in a terminal",
            self.action_export_dataset,
        )

    def action_export_dataset(self) -> None:
        self.notify("exporting the dataset…", timeout=3)
        self._export_dataset()

    def action_export_mine(self) -> None:
        """Only this annotator's labels: the file a colleague merges with import-annotations."""
        self.notify("exporting your labels…", timeout=3)
        self._export_dataset((self.settings.annotator,))

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", name="export")
    def _export_dataset(self, annotators: tuple[str, ...] = ()) -> None:
        """Write the native export to a temporary file, then deliver it: in a browser
        (`hashiya serve`) it downloads, in a terminal it lands in the downloads folder."""
        import tempfile

        from annotations.exchange import ExportFilter, export_records, native_lines

        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        who = "".join(c if c.isalnum() else "_" for c in annotators[0]) if annotators else ""
        name = f"hashiya-{who}-{stamp}.jsonl" if who else f"hashiya-{stamp}.jsonl"
        flt = ExportFilter(annotators=annotators)
        with (
            tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", suffix=".jsonl", delete=False
            ) as out,
            Store(self.settings.db_path) as store,
        ):
            lines = 0
            for line in native_lines(export_records(store, self.base_schema, flt)):
                out.write(line + "\n")
                lines += 1
        self.call_from_thread(self._deliver_export, Path(out.name), name, lines)

    def _deliver_export(self, path: Path, name: str, lines: int) -> None:
        self._exports[name] = (path, lines)
        if self.is_web:
            self.deliver_binary(
                path, save_filename=name, mime_type="application/x-ndjson", name=name
            )
            return
        # In a terminal Textual writes what it delivers in text mode, into a folder that
        # must exist: the downloads folder, or beside the database when there is none.
        from platformdirs import user_downloads_path

        folder = user_downloads_path()
        if not folder.is_dir():
            folder = self.settings.db_path.parent
        # An open text file: given a path, Textual reads bytes and writes in text mode.
        text = path.open(encoding="utf-8")
        self.deliver_text(text, save_directory=folder, save_filename=name, name=name)

    def on_delivery_complete(self, event: events.DeliveryComplete) -> None:
        path, lines = self._exports.pop(event.name or "", (None, 0))
        if path is not None:
            path.unlink(missing_ok=True)
        where = "downloaded" if self.is_web else f"saved to {event.path}"
        noun = "line" if lines == 1 else "lines"
        self.notify(f"export: {lines} {noun} {where}", timeout=6)

    def on_delivery_failed(self, event: events.DeliveryFailed) -> None:
        path, _ = self._exports.pop(event.name or "", (None, 0))
        if path is not None:
            path.unlink(missing_ok=True)
        self.notify(f"export failed: {event.exception}", severity="error")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are reported (workers never touch widgets)."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(f"{event.worker.name}: {event.worker.error}", severity="error")

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def on_unmount(self) -> None:
        self.store.close()


def make_app(
    db_path: Path | str,
    *,
    annotator: str | None = None,
    schema_path: Path | None = None,
    bidi: str = "app",
    shape: bool = True,
    bidi_marks: bool = True,
    import_seeds: bool = True,
    settings: Settings | None = None,
) -> HashiyaApp:
    """The app on a database; an empty one gets the bundled seed articles.

    Raises ConfigError if the settings' keymap names a binding or a key that does not exist.
    """
    if settings is None:
        settings = Settings(
            db_path=Path(db_path),
            annotator=annotator or default_annotator(),
            schema_path=schema_path,
            bidi=bidi,
            shape=shape,
            bidi_marks=bidi_marks,
        )
    if settings.keymap:
        from tui.keymap import binding_ids, key_problem

        check_keymap(settings, binding_ids(), key_problem)
    schema = None
    if settings.schema_path is not None:  # read now: a bad file is an error before the app
        from annotations.schema import load_schema

        schema = load_schema(settings.schema_path)
    store = Store(settings.db_path)
    if import_seeds:
        from annotations.seeds import import_seeds_if_empty

        import_seeds_if_empty(store)
    return HashiyaApp(settings, store, schema)


def run_app(settings: Settings) -> None:
    """Start the app in this terminal (the CLI's default command)."""
    app = make_app(settings.db_path, settings=settings)
    with explicit_bidi(settings.bidi == "app"):
        try:
            app.run()
        finally:
            release_collection()  # if the app stopped before its first frame
    if app.fault is not None:
        raise StoreError(app.fault)  # the CLI prints it as one line
    if app.return_code:  # a crash: Textual has printed the traceback
        raise SystemExit(app.return_code)
