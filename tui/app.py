"""The Textual app: built by one factory, `make_app`, for the CLI and the tests alike."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from annotations.config import Settings, default_annotator
from annotations.exchange import schema_with_user_actors
from annotations.history import History
from annotations.schema import LabelSchema, load_schema_or_default
from annotations.seeds import import_seeds_if_empty
from annotations.store import Store
from tui.screens.article_list import ArticleListScreen
from tui.screens.help import HelpScreen
from tui.terminal import explicit_bidi
from tui.widgets.bidi_text import set_bidi_marks, visual


class HashiyaApp(App[None]):
    """Read and annotate Arabic news."""

    CSS_PATH = "app.tcss"
    TITLE = "Hashiya " + visual("حاشية")
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Keys", id="help"),
        Binding("R", "review_queue", "Review", id="review_queue"),
        Binding("M", "my_reviews", "My reviews", id="my_reviews", show=False),
        Binding("A", "agreement", "Agreement", id="agreement", show=False),
    ]

    def __init__(self, settings: Settings, store: Store, schema: LabelSchema) -> None:
        super().__init__()
        self.settings = settings
        set_bidi_marks(settings.bidi_marks)  # every string the widgets lay out
        self.store = store
        self.base_schema = schema
        self.label_schema = schema_with_user_actors(store, schema)
        self.history = History(store, settings.annotator)  # undo/redo for the whole session
        self.sub_title = f"{settings.db_path} · {settings.annotator}"

    def reload_schema(self) -> None:
        """Pick up actors users added (they live in the database)."""
        self.label_schema = schema_with_user_actors(self.store, self.base_schema)

    def get_default_screen(self) -> ArticleListScreen:
        return ArticleListScreen()

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)

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

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are reported (workers never touch widgets)."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(f"{event.worker.name}: {event.worker.error}", severity="error")

    def action_help(self) -> None:
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
    """The app on a database; an empty one gets the bundled seed articles."""
    if settings is None:
        settings = Settings(
            db_path=Path(db_path),
            annotator=annotator or default_annotator(),
            schema_path=schema_path,
            bidi=bidi,
            shape=shape,
            bidi_marks=bidi_marks,
        )
    schema = load_schema_or_default(settings.schema_path)
    store = Store(settings.db_path)
    if import_seeds:
        import_seeds_if_empty(store)
    return HashiyaApp(settings, store, schema)


def run_app(settings: Settings) -> None:
    """Start the app in this terminal (the CLI's default command)."""
    app = make_app(settings.db_path, settings=settings)
    with explicit_bidi(settings.bidi == "app"):
        app.run()
