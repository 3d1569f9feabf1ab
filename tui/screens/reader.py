"""The reader screen: one article, its passages, and tagging."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Static

from annotations.history import Change, delete_passage
from annotations.models import Article, Comment, Passage
from annotations.passages import PassageError, document_labels, new_passage, relabelled
from annotations.relations import broken_by
from annotations.schema import Actor, LabelSchema
from annotations.search import find_in_text
from annotations.store import StoredSuggestion, StoreError, UserActor
from annotations.suggest.decisions import SuggestionDecision
from annotations.suggest.model import CLAIM_SOURCES
from annotations.text import plural
from tui.commands import ReaderCommands
from tui.screens.base import HashiyaScreen
from tui.screens.confirm import ConfirmDialog
from tui.screens.find_dialog import FindDialog
from tui.screens.reader_links import Linking
from tui.screens.tag_dialog import TagDialog, TagResult
from tui.widgets.bidi_text import line_text
from tui.widgets.passage_panel import PassagePanel
from tui.widgets.reader_view import Highlight, ReaderView

if TYPE_CHECKING:
    from collections.abc import Sequence

DEFAULT_COLOR = "#808080"


class ReaderScreen(HashiyaScreen):
    COMMANDS = {ReaderCommands}
    BINDINGS = [
        Binding("escape", "back", "Back", id="reader.back"),
        Binding("enter,t", "tag", "Tag", id="reader.tag"),
        Binding("e", "edit", "Edit", id="reader.edit"),
        Binding("x,delete", "delete", "Delete", id="reader.delete"),
        Binding(
            "a",
            "accept_suggestion",
            "Accept suggestion",
            id="reader.accept_suggestion",
            show=False,
        ),
        Binding(
            "ctrl+a",
            "accept_all_suggestions",
            "Accept all on screen",
            id="reader.accept_all_suggestions",
            show=False,
        ),
        Binding(
            "right_square_bracket",
            "next_passage(1)",
            "Next passage",
            id="reader.next_passage",
            show=False,
        ),
        Binding(
            "left_square_bracket",
            "next_passage(-1)",
            "Prev passage",
            id="reader.prev_passage",
            show=False,
        ),
        Binding("ctrl+z", "undo", "Undo", id="reader.undo"),
        Binding("ctrl+y", "redo", "Redo", id="reader.redo", show=False),
        Binding("D", "mark_done", "Done", id="reader.done"),
        Binding("C", "comment", "Comment", id="reader.comment", show=False),
        Binding("L", "document_labels", "Article labels", id="reader.document_labels", show=False),
        Binding("b", "toggle_panel", "Panel", id="reader.panel", show=False),
        Binding("n", "next(1)", "Next article / hit", id="reader.next", show=False),
        Binding("N", "next(-1)", "Prev hit", id="reader.prev_hit", show=False),
        Binding("p", "other_article(-1)", "Prev article", id="reader.prev_article", show=False),
        Binding("slash", "find", "Find", id="reader.find", show=False),
        Binding("r", "link", "Link", id="reader.link", show=False),
        Binding("F", "frame", "Frame", id="reader.frame", show=False),
        Binding("X", "unlink", "Unlink", id="reader.unlink", show=False),
        Binding("E", "edit_link", "Edit link", id="reader.edit_link", show=False),
        Binding(
            "1", "accept_frame('source')", "Accept source", id="reader.accept_source", show=False
        ),
        Binding("2", "accept_frame('cue')", "Accept cue", id="reader.accept_cue", show=False),
    ]

    def __init__(
        self, article_ids: Sequence[str], index: int, focus: tuple[int, int] | None = None
    ) -> None:
        """Open article_ids[index]; `focus` (start, end) puts the caret there and selects it."""
        super().__init__()
        self.article_ids = article_ids
        self.index = index
        self.focus_range = focus
        article = self.hashiya.store.get_article(article_ids[index])
        assert article is not None
        self.article: Article = article
        self.history = self.hashiya.history
        self.message_is_error = False
        self._passages: list[Passage] = []
        self.links = Linking(self)  # relations: linking, frames, the frame offer
        self._suggestions: list[StoredSuggestion] = []  # open ones offered to this annotator
        self._stale = 0  # passages whose quoted text no longer matches (counted on refresh)
        self.hits: list[tuple[int, int]] = []  # matches of `/` in this article
        self.hit_index = 0
        self.query_text = ""

    @property
    def schema(self) -> LabelSchema:
        return self.hashiya.label_schema

    @property
    def labels(self) -> str:
        """Which name of a label value comes first: "ar" or "en"."""
        return self.hashiya.settings.labels

    @property
    def annotator(self) -> str:
        return self.hashiya.settings.annotator

    @property
    def view(self) -> ReaderView:
        return self.query_one(ReaderView)

    @property
    def panel(self) -> PassagePanel:
        return self.query_one(PassagePanel)

    @property
    def prompt_line(self) -> Static:
        return self.query_one("#reader-prompt", Static)

    def compose(self) -> ComposeResult:
        settings = self.hashiya.settings
        yield Header()
        with Horizontal():
            yield ReaderView(
                self.article,
                shape=settings.shape,
                bidi=settings.bidi,
                snap_to_words=settings.snap_to_words,
                id="reader",
            )
            yield PassagePanel(
                self.schema, self.hashiya.store.comments, labels=self.labels, id="passage-panel"
            )
        yield Static("", id="reader-prompt")
        yield Static("", id="reader-status")
        yield Footer()

    def on_mount(self) -> None:
        self.hashiya.last_read = self.article.id
        self.panel.display = self.hashiya.settings.show_panel
        self.prompt_line.display = False
        self.refresh_passages()
        self.view.focus()
        if self.focus_range is not None:
            self.call_after_refresh(self.view.select_range, *self.focus_range)

    # -- passages --------------------------------------------------------------------

    def passages(self) -> list[Passage]:
        """This annotator's passages on the article (as last read from the database)."""
        return self._passages

    def refresh_passages(self) -> None:
        """Read the passages again (after a change) and redraw them."""
        self._passages = self.hashiya.store.passages(self.article.id, self.annotator)
        self.links.read_relations()
        text = self.article.text
        self._stale = sum(1 for p in self._passages if text[p.start : p.end] != p.text)
        passages = self._passages
        text = self.article.text
        highlights = []
        for p in passages:
            highlights.append(
                Highlight(p.start, p.end, self._color(p), text[p.start : p.end] != p.text)
            )
        self.view.set_highlights(highlights)
        self._suggestions = self.hashiya.store.open_suggestions(self.article.id, self.annotator)
        self.view.set_suggestions([(s.start, s.end) for s in self._suggestions])
        self.panel.show_all(passages)
        self.panel.show_here(passages, self.view.caret, text, force=True)
        self.links.show_frame()
        self.panel.show_suggestions(self.suggestions_under_caret())
        self.panel.show_document(self.my_document_labels())
        self.links.show_prompt()
        self._status()

    def _color(self, p: Passage) -> str:
        """A passage's colour: its claim type's, else its kind's (a source, a cue)."""
        claim = self.schema.claim_type(p.claim_type) if p.claim_type else None
        if claim is not None:
            return claim.color_hex
        kind = self.schema.kind(p.kind)
        if kind is not None and kind.color_hex and kind is not self.schema.default_kind:
            return kind.color_hex
        return DEFAULT_COLOR

    def data_changed(self) -> None:
        """This annotator's passages saved by another process (another terminal, an import)."""
        self.refresh_passages()

    def under_caret(self) -> list[Passage]:
        caret = self.view.caret
        return [p for p in self.passages() if p.start <= caret < p.end]

    def suggestions(self) -> list[StoredSuggestion]:
        """The open suggestions offered to this annotator on the article, by start."""
        return self._suggestions

    def suggestions_under_caret(self) -> list[StoredSuggestion]:
        caret = self.view.caret
        return [s for s in self._suggestions if s.start <= caret < s.end]

    def show_status(self) -> None:
        self._status()

    def _status(self, message: str | None = None, *, error: bool = False) -> None:
        """Refresh the status line. A message stays a few seconds (or until the next);
        an error stays until the next message, first and in red."""
        if message is not None:
            self.set_message(message)
            self.message_is_error = error
            if error and self._message_timer is not None:
                self._message_timer.stop()
                self._message_timer = None
        message = self.message
        store = self.hashiya.store
        count = len(self.passages())
        status = store.status(self.article.id, self.annotator)
        selection = self.view.selection
        parts = [
            f"{self.index + 1}/{len(self.article_ids)}",
            plural(count, "passage"),
            *([plural(len(self._suggestions), "suggestion")] if self._suggestions else []),
            f"status: {status.replace('_', ' ')}",
            f"caret {self.view.caret}",
        ]
        if selection:
            parts.append(f"selected [{selection[0]}, {selection[1]})")
        if self._stale:
            parts.append(
                f"⚠ {plural(self._stale, 'passage')} no longer match the text (hashiya doctor)"
            )
        if message:
            # what just happened first: at 80 columns the rest may be cut, not the message
            parts.insert(0, message)
        # One fixed-height line: no layout pass on every caret move.
        line = line_text(
            " · ".join(parts),
            self.size.width or 80,
            shape=self.hashiya.settings.shape,
            direction="ltr",
        )
        if message and self.message_is_error:
            line.stylize("bold red", 0, len(message))
        self.query_one("#reader-status", Static).update(line, layout=False)

    def _not_saved(self, exc: StoreError | PassageError) -> None:
        """A write failed (disk full, read-only, busy: the screen reads again what is saved)
        or was refused (a passage the text cannot hold): say so in one line."""
        if isinstance(exc, PassageError):
            self._status(f"not saved: {exc}", error=True)
            return
        self.refresh_passages()
        self._status(f"not saved: {exc.reason}", error=True)

    @on(ReaderView.CaretMoved)
    def _caret_moved(self, event: ReaderView.CaretMoved) -> None:
        self.panel.show_here(self.passages(), event.offset, self.article.text)
        offer = self.links.offer
        if offer is not None and not offer.content.start <= event.offset <= offer.content.end:
            self.links.offer = None  # off the content: Enter tags again, it accepts nothing
            self.links.show_prompt()
        self.links.show_frame()
        self.panel.show_suggestions(self.suggestions_under_caret())
        self._status()

    @on(ReaderView.Clicked)
    def _clicked(self, event: ReaderView.Clicked) -> None:
        self.links.link_clicked(event.offset)

    @on(ReaderView.SelectionChanged)
    def _selection_changed(self) -> None:
        self._status()

    # -- relations (tui/screens/reader_links.py) -------------------------------------------

    def action_link(self) -> None:
        """Start a link from the passage under the caret; while linking, complete it."""
        self.links.link()

    def action_frame(self) -> None:
        """Offer the source and cue of the content under the caret."""
        self.links.frame()

    def action_accept_frame(self, which: str) -> None:
        self.links.accept_frame(which)

    def action_unlink(self) -> None:
        self.links.unlink()

    def action_edit_link(self) -> None:
        self.links.edit_link()

    # -- tagging ---------------------------------------------------------------------

    def _store_new_actors(self, actors: Sequence[Actor]) -> None:  # raises StoreError
        if not actors:
            return
        for actor in actors:
            self.hashiya.store.add_actor(
                UserActor(actor.id, actor.name_ar, actor.name_en, actor.aliases, self.annotator)
            )
        self.hashiya.reload_schema()

    def action_tag(self) -> None:
        if self.links.link_origin is not None:  # Enter while linking: the other end
            self.links.complete_link()
            return
        if self.links.offer is not None and self.view.selection is None:
            self.links.accept_frame("both")
            return
        selection = self.view.selection
        if selection is None:
            self._status("select a passage first (Shift+arrows, v, s, or the mouse)")
            return
        start, end = selection
        quote = self.article.text[start:end]

        def done(result: TagResult | None) -> None:
            if result is not None:
                self.save_new_passage(start, end, result)

        with self.hashiya.typed_ahead():  # `t` and the shortcuts, typed in one go
            self.app.push_screen(TagDialog(self.schema, quote, labels=self.labels, kind=""), done)

    def save_new_passage(self, start: int, end: int, result: TagResult) -> Passage | None:
        """Save a tag on [start, end): committed to the database before it is shown.

        None when the database refused it (the status line says why; the selection stays).
        """
        try:
            self._store_new_actors(result.new_actors)
            passage = new_passage(
                self.article,
                start,
                end,
                self.annotator,
                result.chosen,
                self.schema,
                kind=result.kind,
            )
            self.hashiya.store.add_passage(passage)
        except (StoreError, PassageError) as exc:
            self._not_saved(exc)
            return None
        self.history.record(Change(None, passage))
        self.view.clear_selection()
        self.links.offer = None
        self.refresh_passages()
        self._status(f"saved [{start}, {end})")
        self.links.offer_frame_for(passage, quiet=True)  # a content: its source and cue, if found
        return passage

    def _target_passage(self) -> Passage | None:
        here = self.under_caret()
        if not here:
            self._status("no passage under the caret")
            return None
        return min(here, key=lambda p: p.end - p.start)  # the innermost

    def action_edit(self) -> None:
        passage = self._target_passage()
        if passage is None:
            return
        initial = TagResult.of(passage)

        def done(result: TagResult | None) -> None:
            if result is None:
                return
            try:
                self._store_new_actors(result.new_actors)
                edited = relabelled(passage, result.chosen, self.schema, kind=result.kind)
                by_id = {p.id: p for p in self.passages()}
                broken = broken_by(self.schema, edited, self.links.links_of(passage), by_id)
                if broken:
                    names = ", ".join(sorted({r.type for r in broken}))
                    self._status(
                        f"not saved: a {edited.kind or 'default'} passage cannot keep its"
                        f" links ({names}); unlink them first (X)",
                        error=True,
                    )
                    return
                self.hashiya.store.update_passage(edited)
            except (StoreError, PassageError) as exc:
                self._not_saved(exc)
                return
            self.history.record(Change(passage, edited))
            self.refresh_passages()
            self._status("edited")

        dialog = TagDialog(
            self.schema,
            passage.text,
            initial,
            title="Edit passage",
            labels=self.labels,
            kind=passage.kind,
        )
        with self.hashiya.typed_ahead():
            self.app.push_screen(dialog, done)

    def action_delete(self) -> None:
        """Delete the passage under the caret, or reject the suggestion there (the
        innermost of the two; a passage when they are as long)."""
        suggested = self.suggestions_under_caret()
        if suggested:
            innermost = min(suggested, key=lambda s: s.end - s.start)
            passages = self.under_caret()
            if (
                not passages
                or min(p.end - p.start for p in passages) > innermost.end - innermost.start
            ):
                self.reject_suggestion(innermost)
                return
        passage = self._target_passage()
        if passage is None:
            return
        try:
            change = delete_passage(self.hashiya.store, passage.id, by=self.annotator)
        except StoreError as exc:
            self._not_saved(exc)
            return
        self.history.record(change)
        self.refresh_passages()
        links = f" and {plural(len(change.relations), 'link')}" if change.relations else ""
        self._status(f"deleted{links} (ctrl+z to undo)")

    # -- suggestions -----------------------------------------------------------------

    def _target_suggestion(self) -> StoredSuggestion | None:
        here = self.suggestions_under_caret()
        if not here:
            self._status("no suggestion under the caret")
            return None
        return min(here, key=lambda s: (s.end - s.start, s.start))  # the innermost

    def action_accept_suggestion(self) -> None:
        """The suggestion under the caret becomes this annotator's passage."""
        suggestion = self._target_suggestion()
        if suggestion is not None:
            self.accept_suggestions([suggestion])

    def accept_suggestions(self, suggestions: Sequence[StoredSuggestion]) -> int:
        """Accept these suggestions in one transaction (one undo); how many were."""
        try:
            accepted = self.hashiya.store.accept_suggestions(
                [s.id for s in suggestions],
                self.annotator,
                schema_name=self.schema.name,
                schema_version=self.schema.version,
            )
        except StoreError as exc:
            self._not_saved(exc)
            return 0
        if accepted:
            self.history.record(SuggestionDecision.accepted(accepted))
        self.refresh_passages()
        if not accepted:  # decided in another terminal, or a passage is there now
            self._status("nothing accepted: decided already, or you have a passage there")
        elif len(suggestions) == 1:
            p = accepted[0][1]
            self._status(f"accepted [{p.start}, {p.end}) from {suggestions[0].source}")
            if suggestions[0].source in CLAIM_SOURCES:  # a content: offer its source and cue
                self.links.offer_frame_for(p, quiet=True)
        else:
            self._status(f"accepted {plural(len(accepted), 'suggestion')} (ctrl+z to undo)")
        return len(accepted)

    def reject_suggestion(self, suggestion: StoredSuggestion) -> None:
        """Not offered to this annotator again (ctrl+z takes it back)."""
        try:
            self.hashiya.store.reject_suggestion(suggestion.id, self.annotator)
        except StoreError as exc:
            self._not_saved(exc)
            return
        self.history.record(SuggestionDecision.rejected(suggestion.id))
        self.refresh_passages()
        self._status(f"rejected [{suggestion.start}, {suggestion.end}) (ctrl+z to undo)")

    def suggestions_in_view(self) -> list[StoredSuggestion]:
        """The open suggestions whose words are all on the screen."""
        shown = self.view.visible_range()
        if shown is None:
            return []
        first, last = shown
        return [s for s in self._suggestions if s.start >= first and s.end <= last]

    def action_accept_all_suggestions(self) -> None:
        """Every suggestion wholly on screen becomes a passage, after a confirmation."""
        in_view = self.suggestions_in_view()
        if not in_view:
            self._status("no suggestion on the screen")
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.accept_suggestions(in_view)

        question = (
            f"Accept the {plural(len(in_view), 'suggestion')} on the screen?"
            " They become your passages (ctrl+z takes them all back)."
        )
        self.app.push_screen(ConfirmDialog(question), done)

    def action_undo(self) -> None:
        try:
            change = self.history.undo()
        except StoreError as exc:
            self._not_saved(exc)
            return
        self.refresh_passages()
        self._status("undone" if change else "nothing to undo")

    def action_redo(self) -> None:
        try:
            change = self.history.redo()
        except StoreError as exc:
            self._not_saved(exc)
            return
        self.refresh_passages()
        self._status("redone" if change else "nothing to redo")

    def action_next_passage(self, direction: int) -> None:
        """To the next (previous) passage or suggestion, in text order."""
        caret = self.view.caret
        passages: list[Passage | StoredSuggestion] = [*self.passages(), *self._suggestions]
        if direction > 0:
            after = [p for p in passages if p.start > caret]
            target = min(after, key=lambda p: p.start) if after else None
        else:
            before = [p for p in passages if p.start < caret and not p.start <= caret < p.end]
            inside = [p for p in passages if p.start < caret < p.end]
            candidates = before + inside
            target = max(candidates, key=lambda p: p.start) if candidates else None
        if target is None:
            self._status("no more passages or suggestions")
            return
        self.view.clear_selection()
        self.view.caret = target.start

    def action_comment(self) -> None:
        """Add a comment to the passage under the caret (a short thread, seen in review)."""
        passage = self._target_passage()
        if passage is None:
            return
        from tui.screens.review import CommentDialog

        def done(body: str | None) -> None:
            if body:
                try:
                    self.hashiya.store.add_comment(Comment(passage.id, self.annotator, body))
                except StoreError as exc:
                    self._not_saved(exc)
                    return
                self.panel.show_here(
                    self.passages(), self.view.caret, self.article.text, force=True
                )
                self._status("comment saved")

        with self.hashiya.typed_ahead():
            self.app.push_screen(CommentDialog("Comment on the passage under the caret"), done)

    # -- the article's own labels ----------------------------------------------------------

    def my_document_labels(self) -> dict[str, Any]:
        """This annotator's labels on the whole article (as last read from the database)."""
        found = self.hashiya.store.document_labels(self.article.id, self.annotator)
        return dict(found[0].labels) if found else {}

    def action_document_labels(self) -> None:
        """Label the whole article with the schema's document attributes; saved at once."""
        if not self.schema.document_attributes:
            self._status(f"schema '{self.schema.name}' has no article labels (document_attributes)")
            return
        initial = TagResult(self.my_document_labels())

        def done(result: TagResult | None) -> None:
            if result is None:
                return
            try:
                self._store_new_actors(result.new_actors)
                labels = document_labels(self.article, self.annotator, result.chosen, self.schema)
                self.hashiya.store.set_document_labels(labels, by=self.annotator)
            except (StoreError, PassageError) as exc:
                self._not_saved(exc)
                return
            self.panel.show_document(labels.labels)
            self._status("article labels saved" if labels.labels else "article labels cleared")

        title = self.article.title or self.article.text[:200]
        dialog = TagDialog(
            self.schema,
            title,
            initial,
            title="Label the article",
            labels=self.labels,
            level="document",
        )
        with self.hashiya.typed_ahead():
            self.app.push_screen(dialog, done)

    def action_mark_done(self) -> None:
        store = self.hashiya.store
        current = store.status(self.article.id, self.annotator)
        new = "in_progress" if current == "done" else "done"
        try:
            store.set_status(self.article.id, self.annotator, new)
        except StoreError as exc:
            self._not_saved(exc)
            return
        self._status(
            "marked done (D again: back to in progress)"
            if new == "done"
            else "marked in progress again (was done)"
        )

    def action_toggle_panel(self) -> None:
        self.panel.display = not self.panel.display

    # -- find in the article ---------------------------------------------------------------

    def action_find(self) -> None:
        def done(query: str | None) -> None:
            if not query:
                return
            self.hits = find_in_text(query, self.article.text)
            self.query_text = query
            if not self.hits:
                self._status(f"«{query}»: not found")
                return
            caret = self.view.caret
            index = next((i for i, (s, _) in enumerate(self.hits) if s >= caret), 0)
            self._show_hit(index)

        with self.hashiya.typed_ahead():
            self.app.push_screen(FindDialog(), done)

    def _show_hit(self, index: int) -> None:
        self.hit_index = index % len(self.hits)
        start, end = self.hits[self.hit_index]
        self.view.select_range(start, end)
        self._status(
            f"«{self.query_text}»: hit {self.hit_index + 1} of {len(self.hits)} (n/N, Esc ends)"
        )

    def action_next(self, direction: int) -> None:
        """n/N move between hits while a search is on; otherwise n opens the next article."""
        if self.hits:
            self._show_hit(self.hit_index + direction)
        elif direction > 0:
            self.action_other_article(1)

    def action_other_article(self, delta: int) -> None:
        index = self.index + delta
        if 0 <= index < len(self.article_ids):
            self.app.switch_screen(ReaderScreen(self.article_ids, index))

    def action_back(self) -> None:
        if self.links.cancel_link():
            return
        if self.hits:
            self.hits = []
            self.view.clear_selection()
            self._status("")
            return
        if self.view.selection_anchor is not None:
            self.view.clear_selection()
            return
        self.app.pop_screen()
