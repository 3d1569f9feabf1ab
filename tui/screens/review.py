"""Team review: the queue of articles to review, one article's competing passages,
and each annotator's own verdicts ("my reviews")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from annotations.models import Passage
from annotations.review.compare import ComparisonItem
from annotations.review.queue import (
    ArticleReview,
    accept,
    article_review,
    discuss,
    item_key,
    item_passages,
    merge_unanimous,
    my_reviews,
    reject,
    restore,
    review_queue,
)
from annotations.store import Replaced
from tui.screens.base import HashiyaScreen
from tui.screens.tag_dialog import TagDialog, TagResult
from tui.widgets.bidi_input import BidiInput
from tui.widgets.bidi_text import fit_line, visual_lines
from tui.widgets.reader_view import Highlight, ReaderView

if TYPE_CHECKING:
    pass

KIND_COLORS = {
    "agreement": "#2e7d32",
    "attributes_differ": "#ef6c00",
    "partial": "#c62828",
    "overlap": "#c62828",
    "single": "#757575",
}
SETTLED_COLOR = "#1565c0"
KIND_NAMES = {
    "agreement": "agreement",
    "attributes_differ": "same span, different labels",
    "partial": "same span, not everyone",
    "overlap": "overlapping spans",
    "single": "only one annotator",
}
PANEL_WIDTH = 64


class CommentDialog(ModalScreen[str | None]):
    """One line of text: a comment for a passage or a discussion."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="comment.cancel")]
    DEFAULT_CSS = """
    CommentDialog { align: center middle; }
    #comment-box { width: 80; height: auto; border: thick $accent; background: $surface;
                   padding: 0 1; }
    #comment-preview { color: $text-muted; height: 1; }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(id="comment-box"):
            yield Label(self.heading)
            yield BidiInput(placeholder="comment", id="comment")
            yield Static("", id="comment-preview")

    @on(Input.Changed)
    def _preview(self, event: Input.Changed) -> None:
        self.query_one("#comment-preview", Static).update(Text(fit_line(event.value, 76).text))

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReviewScreen(HashiyaScreen):
    """One article: every annotator's passages, classified, and the reviewer's verdicts."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="review.back"),
        Binding("n", "jump(1)", "Next dispute", id="review.next"),
        Binding("N", "jump(-1)", "Prev dispute", id="review.prev"),
        *(
            Binding(str(n), f"accept({n - 1})", f"Accept version {n}", show=False)
            for n in range(1, 10)
        ),
        Binding("a", "accept(0)", "Accept 1st", id="review.accept_first"),
        Binding("e", "edit_accept", "Edit+accept", id="review.edit"),
        Binding("r", "reject", "Reject", id="review.reject"),
        Binding("c", "discuss", "Discuss", id="review.discuss"),
        Binding("U", "merge_unanimous", "Merge agreed", id="review.merge"),
        Binding("ctrl+z", "undo", "Undo", id="review.undo"),
        Binding("ctrl+y", "redo", "Redo", id="review.redo", show=False),
    ]

    DEFAULT_CSS = f"""
    #review-panel {{ width: {PANEL_WIDTH}; height: 1fr; border-left: solid $primary;
                     padding: 0 1; overflow-y: auto; }}
    """

    def __init__(self, article_id: str, annotators: list[str] | None = None) -> None:
        super().__init__()
        self.article_id = article_id
        self.annotators = annotators
        article = self.hashiya.store.get_article(article_id)
        assert article is not None
        self.article = article
        self.review = article_review(self.hashiya.store, article_id, annotators)
        self.current: ComparisonItem | None = None
        self._undo: list[tuple[str, Replaced]] = []  # (item key, what the decision replaced)
        self._redo: list[tuple[str, Replaced]] = []

    @property
    def view(self) -> ReaderView:
        return self.query_one(ReaderView)

    @property
    def reviewer(self) -> str:
        return self.hashiya.settings.annotator

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            settings = self.hashiya.settings
            yield ReaderView(
                self.article, shape=settings.shape, bidi=settings.bidi, id="review-reader"
            )
            yield Static("", id="review-panel")
        yield Static("", id="review-status")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_review()
        self.view.focus()
        disputes = self._disputes()
        if disputes:
            self.call_after_refresh(self._go, disputes[0])

    # -- state -------------------------------------------------------------------------

    def refresh_review(self) -> None:
        self.review = article_review(self.hashiya.store, self.article_id, self.annotators)
        highlights = []
        for item in self.review.items:
            decided = self.review.decision(item)
            color = (
                SETTLED_COLOR
                if decided and decided.verdict != "discuss"
                else KIND_COLORS[item.kind]
            )
            for p in item_passages(item):
                highlights.append(Highlight(p.start, p.end, color))
        self.view.set_highlights(highlights)
        if self.current is not None:
            key = item_key(self.current)
            self.current = next((i for i in self.review.items if item_key(i) == key), None)
        self._show()

    def _disputes(self) -> list[ComparisonItem]:
        """Items still needing a reviewer: disagreements without a settling verdict."""
        open_keys = {item_key(i) for i in self.review.open_items}
        return [i for i in self.review.items if i.is_disagreement and item_key(i) in open_keys]

    def _item_at(self, offset: int) -> ComparisonItem | None:
        here = [i for i in self.review.items if i.start <= offset < i.end]
        return min(here, key=lambda i: i.end - i.start) if here else None

    @on(ReaderView.CaretMoved)
    def _caret(self, event: ReaderView.CaretMoved) -> None:
        item = self._item_at(event.offset)
        if item is not None:
            self.current = item
        self._show()

    def _go(self, item: ComparisonItem) -> None:
        self.current = item
        self.view.clear_selection()
        self.view.caret = item.start
        self._show()

    # -- the panel ---------------------------------------------------------------------

    def _version(self, index: int, annotator: str, passages: tuple[Passage, ...]) -> list[str]:
        schema = self.hashiya.label_schema
        width = PANEL_WIDTH - 4
        head = f"[{index + 1}] {annotator}"
        if not passages:
            return [head, "    (nothing marked here)"]
        lines = [head]
        for p in passages:
            actor = schema.actor(p.actor) if p.actor else None
            lines.append(f"    [{p.start}, {p.end})")
            lines.extend("    " + line for line in visual_lines(p.text, width - 4)[:3])
            lines.append(f"    actor: {actor.name_en if actor else (p.actor or '—')}")
            lines.append(f"    stance: {p.stance or '—'}" + (f" → {p.target}" if p.target else ""))
            lines.append(f"    claim: {p.claim_type or '—'}")
            if p.note:
                lines.append("    note: " + fit_line(p.note, width - 10).text)
            for comment in self.hashiya.store.comments(p.id):
                lines.append(f"    💬 {comment.author}: " + fit_line(comment.body, width - 16).text)
        return lines

    def _show(self) -> None:
        review = self.review
        out = [
            f"{len(review.annotators)} annotators: {', '.join(review.annotators)}",
            f"{review.n_items} items · {review.n_disagreements} disagreements · "
            f"{len(review.open_items)} open · {review.status}",
            "",
        ]
        item = self.current
        if item is None:
            out.append("Move the caret onto a passage, or n for the next disagreement.")
        else:
            kind = KIND_NAMES[item.kind]
            if item.differing:
                kind += " (" + ", ".join(item.differing) + ")"
            out.append(f"ITEM [{item.start}, {item.end}): {kind}")
            decided = review.decision(item)
            if decided is not None:
                verdict = f"verdict: {decided.verdict} by {decided.reviewer}"
                if decided.comment:
                    verdict += " — " + fit_line(decided.comment, 30).text
                out.append(verdict)
            out.append("")
            for index, (annotator, passages) in enumerate(item.passages.items()):
                out.extend(self._version(index, annotator, passages))
                out.append("")
            out.append("1-9/a accept · e edit+accept · r reject · c discuss · ^z undo")
        self.query_one("#review-panel", Static).update(Text("\n".join(out), no_wrap=True))
        disputes = len(self._disputes())
        self.query_one("#review-status", Static).update(
            Text(f"{disputes} disagreements to settle · reviewer {self.reviewer}")
        )

    # -- decisions ---------------------------------------------------------------------

    def _record(self, item: ComparisonItem, replaced: Replaced) -> None:
        self._undo.append((item_key(item), replaced))
        self._redo.clear()
        self.refresh_review()

    def _version_of(self, index: int) -> Passage | None:
        item = self.current
        if item is None:
            return None
        versions = list(item.passages.values())
        if index >= len(versions) or not versions[index]:
            self.notify("that annotator marked nothing here", severity="warning")
            return None
        return versions[index][0]

    def action_accept(self, index: int) -> None:
        passage = self._version_of(index)
        if passage is None or self.current is None:
            return
        self._record(self.current, accept(self.hashiya.store, self.current, passage, self.reviewer))

    def action_edit_accept(self) -> None:
        passage = self._version_of(0) or (
            item_passages(self.current)[0] if self.current and item_passages(self.current) else None
        )
        item = self.current
        if passage is None or item is None:
            return
        initial = TagResult.of(passage)

        def done(result: TagResult | None) -> None:
            if result is None:
                return
            self._record(
                item, accept(self.hashiya.store, item, passage, self.reviewer, result.labels())
            )

        self.app.push_screen(
            TagDialog(self.hashiya.label_schema, passage.text, initial, title="Edit and accept"),
            done,
        )

    def action_reject(self) -> None:
        if self.current is not None:
            self._record(self.current, reject(self.hashiya.store, self.current, self.reviewer))

    def action_discuss(self) -> None:
        item = self.current
        if item is None:
            return

        def done(comment: str | None) -> None:
            if comment:
                self._record(item, discuss(self.hashiya.store, item, self.reviewer, comment))

        self.app.push_screen(CommentDialog("Mark for discussion: your comment"), done)

    def action_merge_unanimous(self) -> None:
        merged = merge_unanimous(self.hashiya.store, self.reviewer, [self.article_id])
        self.refresh_review()
        self.notify(f"{merged} agreed passages merged into the gold layer")

    def action_undo(self) -> None:
        if not self._undo:
            self.notify("nothing to undo")
            return
        key, replaced = self._undo.pop()
        current = restore(self.hashiya.store, self.article_id, key, replaced)
        self._redo.append((key, current))
        self.refresh_review()

    def action_redo(self) -> None:
        if not self._redo:
            return
        key, replaced = self._redo.pop()
        current = restore(self.hashiya.store, self.article_id, key, replaced)
        self._undo.append((key, current))
        self.refresh_review()

    def action_jump(self, direction: int) -> None:
        disputes = self._disputes()
        if not disputes:
            self.notify("no disagreements left to settle")
            return
        caret = self.view.caret
        if direction > 0:
            later = [i for i in disputes if i.start > caret]
            target = later[0] if later else disputes[0]
        else:
            earlier = [i for i in disputes if i.start < caret]
            target = earlier[-1] if earlier else disputes[-1]
        self._go(target)


class ReviewQueueScreen(HashiyaScreen):
    """Articles labelled by two or more annotators, lowest agreement first."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="queue.back"),
        Binding("M", "merge_all", "Merge all agreed", id="queue.merge"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("agree", "disputes", "open", "status", "annotators", "title", "id")
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self.reviews: list[ArticleReview] = review_queue(self.hashiya.store)
        for review in self.reviews:
            article = self.hashiya.store.get_article(review.article_id)
            title = fit_line(article.title if article else "", 50).text
            share = "—" if review.agreement is None else f"{review.agreement:.0%}"
            table.add_row(
                share,
                review.n_disagreements,
                len(review.open_items),
                review.status,
                ", ".join(review.annotators),
                Text(title),
                review.article_id,
                key=review.article_id,
            )

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(ReviewScreen(self.reviews[event.cursor_row].article_id))

    def action_merge_all(self) -> None:
        merged = merge_unanimous(self.hashiya.store, self.hashiya.settings.annotator)
        self.notify(f"{merged} agreed passages merged into the gold layer")
        self.reload()


class MyReviewsScreen(HashiyaScreen):
    """Verdicts and comments on my own passages."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="mine.back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="mine-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("verdict", "by", "comments", "passage", "article")
        for review in my_reviews(self.hashiya.store, self.hashiya.settings.annotator):
            p = review.passage
            comments = "; ".join(f"{c.author}: {c.body}" for c in review.comments)
            table.add_row(
                review.verdict or "—",
                review.reviewer or "—",
                Text(fit_line(comments, 40).text),
                Text(fit_line(p.text, 40).text),
                p.article_id,
            )
        table.focus()
