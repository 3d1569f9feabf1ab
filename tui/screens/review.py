"""Team review: the queue of articles to review, one article's competing passages,
and each annotator's own verdicts ("my reviews")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from annotations.models import Decision, Passage, Relation
from annotations.review.compare import ComparisonItem, DocumentItem
from annotations.review.queue import (
    ArticleReview,
    ReviewError,
    ReviewItem,
    agreed_words,
    item_article,
    item_key,
    item_passages,
    merge_unanimous,
    my_reviews,
    review_queue,
    unanimous_items,
)
from annotations.review.relation_items import RelationItem
from annotations.review.session import ReviewSession
from annotations.schema import Attribute, LabelSchema
from annotations.store import StoreError
from annotations.text import plural
from tui.commands import QueueCommands, ReviewCommands
from tui.screens.base import HashiyaScreen
from tui.screens.confirm import ConfirmDialog
from tui.screens.tag_dialog import TagDialog, TagResult
from tui.widgets.bidi_input import BidiInput
from tui.widgets.bidi_text import (
    english_line,
    fit_line,
    labelled,
    line_text,
    lines_text,
    visual,
    visual_lines,
)
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
DOCUMENT_KIND_NAMES = {
    "agreement": "agreement",
    "attributes_differ": "different labels",
    "partial": "not everyone gave some",
    "single": "only one annotator",
}
KIND_NAMES = {
    "agreement": "agreement",
    "attributes_differ": "same span, different labels",
    "partial": "same span, not everyone",
    "overlap": "overlapping spans",
    "single": "only one annotator",
}
RELATION_KIND_NAMES = {
    "agreement": "agreement",
    "attributes_differ": "same ends, different labels",
    "partial": "not everyone linked these",
    "overlap": "ends cut differently",
    "single": "only one annotator",
}
PANEL_WIDTH = 64  # at most; on a narrow terminal half the width, so the article shows
PANEL_MIN_WIDTH = 38


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


def _same_labels(a: Passage, b: Passage) -> bool:
    return (a.start, a.end, a.attributes()) == (b.start, b.end, b.attributes())


def value_name(schema: LabelSchema, attribute: Attribute, value: Any) -> str:
    """A label value as a reader names it: a value's or actor's English label, "yes" or
    "no", the text itself; several values joined by commas; "—" when not labelled."""
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(value_name(schema, attribute, v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if attribute.type == "actor":
        actor = schema.actor(value)
        return actor.name_en if actor else str(value)
    if attribute.type == "choice":
        found = attribute.value(value)
        return found.label_en if found else str(value)
    return str(value)


def label_lines(
    schema: LabelSchema,
    attributes: tuple[Attribute, ...],
    labels: Any,
    width: int,
    indent: str = "    ",
) -> list[str]:
    """One line per attribute: the categorical ones always (— when empty), free text only
    when given, laid out in its own direction."""
    lines: list[str] = []
    for attribute in attributes:
        value = labels.get(attribute.id)
        head = f"{indent}{attribute.label_en}: "
        if attribute.type == "text":
            if value:
                lines.append(labelled(english_line(head, width), str(value), width))
        else:
            name = value_name(schema, attribute, value)
            if attribute.type == "actor" or value is None:
                lines.append(labelled(english_line(head, width), name, width))
            else:
                lines.append(english_line(head + name, width))
    return lines


class ReviewScreen(HashiyaScreen):
    """One article: every annotator's passages, classified, and the reviewer's verdicts."""

    COMMANDS = {ReviewCommands}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="review.back"),
        Binding("n", "jump(1)", "Next", id="review.next", tooltip="Next disagreement"),
        Binding("N", "jump(-1)", "Prev dispute", id="review.prev", show=False),
        Binding(
            "d",
            "document",
            "Document",
            id="review.document",
            tooltip="The annotators' labels on the whole article",
            show=False,
        ),
        Binding(
            "l",
            "relations",
            "Relations",
            id="review.relations",
            tooltip="The annotators' relations from the passage under the caret (again: the next)",
            show=False,
        ),
        *(
            Binding(str(n), f"accept({n - 1})", "Accept version 1-9", show=False)
            for n in range(1, 10)
        ),
        Binding("a", "accept(0)", "Accept", id="review.accept_first", tooltip="Accept version 1"),
        Binding("e", "edit_accept", "Edit", id="review.edit", tooltip="Edit, then accept"),
        Binding("r", "reject", "Reject", id="review.reject"),
        Binding("c", "discuss", "Discuss", id="review.discuss", show=False),
        Binding("U", "merge_unanimous", "Merge agreed", id="review.merge", show=False),
        Binding("ctrl+z", "undo", "Undo", id="review.undo"),
        Binding("ctrl+y", "redo", "Redo", id="review.redo", show=False),
    ]

    DEFAULT_CSS = f"""
    #review-panel {{ width: {PANEL_WIDTH}; height: 1fr; border-left: solid $primary;
                     padding: 0 1; overflow-y: auto; scrollbar-gutter: stable;
                     scrollbar-size-vertical: 1; }}
    """

    def __init__(self, article_id: str, annotators: list[str] | None = None) -> None:
        super().__init__()
        self.article_id = article_id
        self.annotators = annotators
        article = self.hashiya.store.get_article(article_id)
        assert article is not None
        self.article = article
        self.session = ReviewSession(
            self.hashiya.store,
            article_id,
            self.hashiya.settings.annotator,
            self.hashiya.label_schema,
            annotators,
        )
        self.current: ReviewItem | None = None

    @property
    def review(self) -> ArticleReview:
        return self.session.review

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

    @property
    def panel_width(self) -> int:
        return max(PANEL_MIN_WIDTH, min(PANEL_WIDTH, self.size.width // 2))

    def on_resize(self) -> None:
        panel = self.query_one("#review-panel", Static)
        if panel.styles.width is None or panel.styles.width.value != self.panel_width:
            panel.styles.width = self.panel_width
            self._show()

    def on_mount(self) -> None:
        self.query_one("#review-panel", Static).styles.width = self.panel_width
        self.refresh_review()
        self.view.focus()
        disputes = self._disputes()
        if disputes:
            self.call_after_refresh(self._go, disputes[0])

    # -- state -------------------------------------------------------------------------

    def refresh_review(self) -> None:
        self.session.reload()
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
            self.current = next((i for i in self.review.all_items if item_key(i) == key), None)
        self._show()

    def data_changed(self) -> None:
        self.refresh_review()

    def _disputes(self) -> list[ReviewItem]:
        """Items still needing a reviewer: disagreements without a settling verdict (the
        document's first)."""
        open_keys = {item_key(i) for i in self.review.open_items}
        return [i for i in self.review.all_items if i.is_disagreement and item_key(i) in open_keys]

    def _item_at(self, offset: int) -> ComparisonItem | None:
        here = [i for i in self.review.items if i.start <= offset < i.end]
        return min(here, key=lambda i: i.end - i.start) if here else None

    def _relations_at(self, offset: int) -> list[RelationItem]:
        return [i for i in self.review.relations if i.start <= offset < max(i.end, i.start + 1)]

    @on(ReaderView.CaretMoved)
    def _caret(self, event: ReaderView.CaretMoved) -> None:
        current = self.current
        # A relation item stays while the caret is on its passage (`l` went there).
        if isinstance(current, RelationItem) and current in self._relations_at(event.offset):
            self._show()
            return
        item = self._item_at(event.offset)
        if item is not None:
            self.current = item
        self._show()

    def _go(self, item: ReviewItem) -> None:
        self.current = item
        if isinstance(item, ComparisonItem | RelationItem):
            self.view.clear_selection()
            self.view.caret = item.start
        self._show()

    def action_relations(self) -> None:
        here = self._relations_at(self.view.caret)
        if not here:
            self._status("no relation from here (n: the next disagreement)")
            return
        current = self.current
        at = here.index(current) + 1 if isinstance(current, RelationItem) and current in here else 0
        self._go(here[at % len(here)])

    def action_document(self) -> None:
        document = self.review.document
        if document is None:
            self._status("no document labels on this article")
            return
        self._go(document)

    # -- the panel ---------------------------------------------------------------------

    def _version(self, index: int, annotator: str, passages: tuple[Passage, ...]) -> list[str]:
        schema = self.hashiya.label_schema
        width = self.panel_width - 4
        head = english_line(f"[{index + 1}] {annotator}", width)
        if not passages:
            return [head, "    (nothing marked here)"]
        lines = [head]
        for p in passages:
            lines.append(f"    [{p.start}, {p.end})")
            lines.extend("    " + line for line in visual_lines(p.text, width - 4)[:3])
            lines.extend(label_lines(schema, schema.attributes_of(p.kind), p.labels, width))
            for comment in self.hashiya.store.comments(p.id):
                head = english_line(f"    💬 {comment.author}:", width // 2) + " "
                lines.append(labelled(head, comment.body, width))
        return lines

    def _relation_version(
        self, index: int, annotator: str, item: RelationItem, relations: tuple[Relation, ...]
    ) -> list[str]:
        schema = self.hashiya.label_schema
        width = self.panel_width - 4
        head = english_line(f"[{index + 1}] {annotator}", width)
        if not relations:
            return [head, "    (no relation here)"]
        lines = [head]
        for r in relations:
            relation_type = schema.relation(r.type)
            name = relation_type.label_en if relation_type else r.type
            source, target = item.source_of(r), item.target_of(r)
            spans = f"[{source.start}, {source.end}) → [{target.start}, {target.end})"
            lines.append(english_line(f"    {name}: {spans}", width))
            for arrow, end in (("from", source), ("to", target)):
                lines.append(labelled(english_line(f"    {arrow} ", 10), end.text, width))
            if relation_type is not None:
                lines.extend(label_lines(schema, relation_type.attributes, r.labels, width))
        return lines

    def _document_version(self, index: int, annotator: str, item: DocumentItem) -> list[str]:
        schema = self.hashiya.label_schema
        width = self.panel_width - 4
        head = english_line(f"[{index + 1}] {annotator}", width)
        given = item.labels[annotator]
        if given is None:
            return [head, "    (no document labels)"]
        return [head, *label_lines(schema, schema.document_attributes, given.labels, width)]

    def _show(self) -> None:
        review = self.review
        width = self.panel_width - 4
        out = [
            english_line(
                f"{plural(len(review.annotators), 'annotator')}: {', '.join(review.annotators)}",
                width,
            ),
            f"{plural(review.n_items, 'item')} · {plural(review.n_disagreements, 'disagreement')}",
            f"{len(review.open_items)} open · {review.status.replace('_', ' ')}",
            "",
        ]
        document = review.document
        if document is not None and document is not self.current:
            state = DOCUMENT_KIND_NAMES[document.kind]
            decided = review.decision(document)
            if decided is not None and decided.verdict != "discuss":
                state = "settled"
            out.append(english_line(f"document labels: {state} (d)", width))
            out.append("")
        item = self.current
        if item is None:
            out.append("Move the caret onto a passage, or n for the next disagreement.")
        elif isinstance(item, DocumentItem):
            out.append(english_line(f"DOCUMENT LABELS: {DOCUMENT_KIND_NAMES[item.kind]}", width))
            if item.differing:
                out.append(english_line("differ: " + ", ".join(item.differing), width))
            decided = review.decision(item)
            if decided is not None:
                out.extend(_verdict_lines(self._document_verdict(decided), decided, width))
            out.append("")
            for index, annotator in enumerate(item.labels):
                out.extend(self._document_version(index, annotator, item))
                out.append("")
            out.append("1-9/a accept · r reject")
            out.append("c discuss · ^z undo")
        elif isinstance(item, RelationItem):
            kind = RELATION_KIND_NAMES[item.kind]
            if item.differing:
                kind += " (" + ", ".join(item.differing) + ")"
            out.append(f"RELATION from [{item.start}, {item.end})")
            out.append(english_line(kind, width))
            decided = review.decision(item)
            if decided is not None:
                words = self._relation_verdict(item, decided.verdict, decided.gold_id)
                out.extend(_verdict_lines(words, decided, width))
            out.append("")
            for index, (annotator, relations) in enumerate(item.relations.items()):
                out.extend(self._relation_version(index, annotator, item, relations))
                out.append("")
            out.append("1-9/a accept (with its ends) · r reject")
            out.append("c discuss · l next relation here · ^z undo")
        else:
            kind = KIND_NAMES[item.kind]
            if item.differing:
                kind += " (" + ", ".join(item.differing) + ")"
            out.append(f"ITEM [{item.start}, {item.end}): {kind}")
            decided = review.decision(item)
            if decided is not None:
                words = self._verdict_words(item, decided.verdict, decided.gold_id)
                out.extend(_verdict_lines(words, decided, width))
            out.append("")
            for index, (annotator, passages) in enumerate(item.passages.items()):
                out.extend(self._version(index, annotator, passages))
                out.append("")
            out.append("1-9/a accept · e edit+accept")
            out.append("r reject · c discuss · ^z undo")
        self.query_one("#review-panel", Static).update(lines_text(out))
        self._status()

    def _document_verdict(self, decided: Any) -> str:
        words = {
            "unanimous": "merged (everyone agreed)",
            "reject": "rejected",
            "discuss": "to discuss",
            "edit": "edited and accepted",
            "accept": "accepted",
        }
        text = words.get(decided.verdict, decided.verdict)
        if decided.verdict == "accept":
            gold = self.hashiya.store.gold_document_labels(self.article_id)
            document = self.review.document
            if gold and document is not None:
                for index, (annotator, given) in enumerate(document.labels.items()):
                    if given is not None and given.labels == gold[0].labels:
                        return f"accepted version {index + 1} ({annotator})"
        return text

    def _relation_verdict(self, item: RelationItem, verdict: str, gold_id: str | None) -> str:
        words = {
            "unanimous": "merged (everyone agreed)",
            "reject": "rejected",
            "discuss": "to discuss",
            "accept": "accepted",
        }
        if verdict == "accept":
            if gold_id not in self.review.gold_relations:
                return "accepted, but an end's passage changed since: settle again"
            gold = next(
                (g for g in self.hashiya.store.gold_relations(self.article_id) if g.id == gold_id),
                None,
            )
            for index, (annotator, relations) in enumerate(item.relations.items()):
                if gold is not None and any(
                    (r.type, r.labels) == (gold.type, gold.labels) for r in relations
                ):
                    return f"accepted version {index + 1} ({annotator})"
        return words.get(verdict, verdict)

    def _verdict_words(self, item: ComparisonItem, verdict: str, gold_id: str | None) -> str:
        """ "accepted version 2 (sara)" rather than a bare verdict: which one won."""
        words = {
            "unanimous": "merged (everyone agreed)",
            "reject": "rejected",
            "discuss": "to discuss",
            "edit": "edited and accepted",
        }
        if verdict != "accept":
            return words.get(verdict, verdict)
        gold = next(
            (g for g in self.hashiya.store.gold_passages(self.article_id) if g.id == gold_id), None
        )
        if gold is not None:
            chosen = gold.as_passage()
            for index, (annotator, passages) in enumerate(item.passages.items()):
                if any(_same_labels(p, chosen) for p in passages):
                    return f"accepted version {index + 1} ({annotator})"
        return "accepted"

    def show_status(self) -> None:
        self._status()

    def _status(self, message: str | None = None) -> None:
        """The status line: what is left, and the last thing done (for a few seconds)."""
        if message is not None:
            self.set_message(message)
        disputes = len(self._disputes())
        parts = [f"{plural(disputes, 'disagreement')} to settle", f"reviewer {self.reviewer}"]
        if self.message:
            parts.append(self.message)
        self.query_one("#review-status", Static).update(
            line_text(" · ".join(parts), self.size.width or 80, direction="ltr")
        )

    # -- decisions ---------------------------------------------------------------------

    def _saved(self, step: Any, done: str) -> None:
        """Run one saving step of the session; say what was done, or why it was not."""
        try:
            step()
        except (StoreError, ReviewError) as exc:
            self._status(f"not saved: {exc}")
            return
        self.set_message(done)
        self.refresh_review()

    def _version_of(self, index: int) -> Passage | None:
        item = self.current
        if item is None:
            self._status("move the caret onto a passage first (n: next disagreement)")
            return None
        if not isinstance(item, ComparisonItem):
            return None
        versions = list(item.passages.values())
        if index >= len(versions) or not versions[index]:
            self._status(f"version {index + 1}: that annotator marked nothing here")
            return None
        return versions[index][0]

    def _version_name(self, item: ComparisonItem, passage: Passage) -> str:
        index = list(item.passages).index(passage.annotator)
        return f"version {index + 1} ({passage.annotator})"

    def action_accept(self, index: int) -> None:
        item = self.current
        if isinstance(item, DocumentItem):
            self._accept_document(item, index)
            return
        if isinstance(item, RelationItem):
            self._accept_relation(item, index)
            return
        passage = self._version_of(index)
        if passage is None or not isinstance(item, ComparisonItem):
            return
        self._saved(
            lambda: self.session.accept(item, passage),
            f"accepted {self._version_name(item, passage)} into gold",
        )

    def _accept_document(self, item: DocumentItem, index: int) -> None:
        annotators = list(item.labels)
        if index >= len(annotators) or item.labels[annotators[index]] is None:
            self._status(f"version {index + 1}: that annotator gave no document labels")
            return
        annotator = annotators[index]
        self._saved(
            lambda: self.session.accept_document(item, annotator),
            f"accepted the document labels of version {index + 1} ({annotator}) into gold",
        )

    def _accept_relation(self, item: RelationItem, index: int) -> None:
        versions = list(item.relations.items())
        if index >= len(versions) or not versions[index][1]:
            self._status(f"version {index + 1}: that annotator has no relation here")
            return
        annotator, relations = versions[index]
        self._saved(
            lambda: self.session.accept_relation(item, relations[0]),
            f"accepted the relation of version {index + 1} ({annotator}) into gold, with its ends",
        )

    def action_edit_accept(self) -> None:
        item = self.current
        if isinstance(item, DocumentItem):
            self._status("document labels: accept a version (1-9), or reject (r)")
            return
        if isinstance(item, RelationItem):
            self._status("relations: accept a version (1-9), or reject (r)")
            return
        passage = self._version_of(0) or (
            item_passages(item)[0]
            if isinstance(item, ComparisonItem) and item_passages(item)
            else None
        )
        if passage is None or not isinstance(item, ComparisonItem):
            return
        initial = TagResult.of(passage)

        def done(result: TagResult | None) -> None:
            if result is None:
                return
            self._saved(
                lambda: self.session.accept(item, passage, result.labels()),
                f"edited {self._version_name(item, passage)}, accepted into gold",
            )

        self.app.push_screen(
            TagDialog(self.hashiya.label_schema, passage.text, initial, title="Edit and accept"),
            done,
        )

    def action_reject(self) -> None:
        item = self.current
        if item is not None:
            words = (
                "no gold labels"
                if isinstance(item, DocumentItem)
                else "no gold relation here"
                if isinstance(item, RelationItem)
                else "no gold passage here"
            )
            self._saved(lambda: self.session.reject(item), f"rejected: {words}")

    def action_discuss(self) -> None:
        item = self.current
        if item is None:
            return

        def done(comment: str | None) -> None:
            if comment:
                self._saved(lambda: self.session.discuss(item, comment), "marked for discussion")

        self.app.push_screen(CommentDialog("Mark for discussion: your comment"), done)

    def action_merge_unanimous(self) -> None:
        pending = self.session.pending_unanimous()
        if not pending:
            self._status("no undecided agreements in this article")
            return
        words = agreed_words(pending)

        def done(yes: bool | None) -> None:
            if not yes:
                self._status("nothing merged")
                return
            try:
                self.session.merge_unanimous()
            except StoreError as exc:
                self._status(f"not saved: {exc}")
                return
            self.set_message(f"{words} merged into gold")
            self.refresh_review()

        self.app.push_screen(
            ConfirmDialog(
                f"Merge {words} of this article into gold? Each is what every annotator "
                "marked with the same labels and target; every note goes along with its "
                "author."
            ),
            done,
        )

    def action_undo(self) -> None:
        try:
            done = self.session.undo()
        except StoreError as exc:
            self._status(f"not undone: {exc}")
            return
        self._status("undone" if done else "nothing to undo")
        self.refresh_review()

    def action_redo(self) -> None:
        try:
            done = self.session.redo()
        except StoreError as exc:
            self._status(f"not redone: {exc}")
            return
        self._status("redone" if done else "nothing to redo")
        self.refresh_review()

    def action_jump(self, direction: int) -> None:
        disputes = self._disputes()
        if not disputes:
            self._status("no disagreements left to settle")
            return
        if isinstance(self.current, DocumentItem) and self.current in disputes:
            at = disputes.index(self.current)
            self._go(disputes[(at + direction) % len(disputes)])
            return
        caret = self.view.caret
        # Passages and relations in text order (a relation after the passage it is from).
        spans = sorted(
            (i for i in disputes if isinstance(i, ComparisonItem | RelationItem)),
            key=lambda i: (i.start, isinstance(i, RelationItem), i.end),
        )
        documents = [i for i in disputes if isinstance(i, DocumentItem)]
        if self.current in spans:
            at = spans.index(self.current) + direction
            if 0 <= at < len(spans):
                self._go(spans[at])
                return
            self._go((documents or spans)[0 if direction > 0 else -1])
            return
        if direction > 0:
            later = [i for i in spans if i.start > caret]
            target: ReviewItem = later[0] if later else (documents or spans)[0]
        else:
            earlier = [i for i in spans if i.start < caret]
            target = earlier[-1] if earlier else (documents or spans)[-1]
        self._go(target)


class ReviewQueueScreen(HashiyaScreen):
    """Articles labelled by two or more annotators, lowest agreement first."""

    COMMANDS = {QueueCommands}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="queue.back"),
        Binding("U", "merge_all", "Merge all agreed", id="queue.merge"),
    ]

    EMPTY = (
        "Nothing to review yet. The queue lists articles that two or more annotators have "
        "labelled. Bring a colleague's labels in with `hashiya import-annotations FILE` "
        "(they export theirs with `hashiya export -o FILE`), or tag as a second annotator "
        "with `hashiya --annotator NAME`."
    )

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="queue-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("agree", "disputes", "open", "status", "annotators", "title", "id")
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def data_changed(self) -> None:
        self.reload()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.reviews: list[ArticleReview] = review_queue(
            self.hashiya.store, self.hashiya.label_schema
        )
        for review in self.reviews:
            article = self.hashiya.store.get_article(review.article_id)
            title = fit_line(article.title if article else "", 50).text
            share = "—" if review.agreement is None else f"{review.agreement:.0%}"
            table.add_row(
                share,
                review.n_disagreements,
                len(review.open_items),
                review.status,
                Text(visual(", ".join(review.annotators), 30)),
                Text(title),
                review.article_id,
                key=review.article_id,
            )
        if self.reviews:
            table.move_cursor(row=min(row, len(self.reviews) - 1))
        table.display = bool(self.reviews)
        self.show_status()

    def show_status(self) -> None:
        if not self.reviews:
            line = self.EMPTY
        else:
            settled = sum(1 for r in self.reviews if r.settled)
            line = f"{plural(len(self.reviews), 'article')} to review · {settled} settled"
        if self.message:
            line += " · " + self.message
        self.query_one("#queue-status", Static).update(Text(line))

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(ReviewScreen(self.reviews[event.cursor_row].article_id))

    def action_merge_all(self) -> None:
        store = self.hashiya.store
        schema = self.hashiya.label_schema
        pending = unanimous_items(store, schema=schema)
        if not pending:
            self.set_message("no undecided agreements to merge")
            self.show_status()
            return
        articles = len({item_article(i) for i in pending})
        words = agreed_words(pending)

        def done(yes: bool | None) -> None:
            if not yes:
                self.set_message("nothing merged")
                self.show_status()
                return
            merge_unanimous(store, self.hashiya.settings.annotator, schema=schema)
            self.set_message(f"{words} merged into gold")
            self.reload()

        self.app.push_screen(
            ConfirmDialog(
                f"Merge {words} in "
                f"{plural(articles, 'article')} into gold? Each is a passage every annotator "
                "marked with the same span, labels and target; every note goes along with "
                "its author."
            ),
            done,
        )


class MyReviewsScreen(HashiyaScreen):
    """Verdicts and comments on my own passages."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="mine.back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="mine-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="mine-status", classes="empty-note")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("verdict", "by", "comments", "passage", "article")
        self.reload()
        table.focus()

    def data_changed(self) -> None:
        self.reload()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        reviews = my_reviews(self.hashiya.store, self.hashiya.settings.annotator)
        table.display = bool(reviews)
        self.query_one("#mine-status", Static).update(
            Text(
                f"{plural(len(reviews), 'passage')} of yours reviewed or commented on."
                if reviews
                else "No verdicts or comments on your passages yet. They appear here once a "
                "reviewer settles an article you labelled (R: the review queue) or a "
                "colleague comments on one of your passages."
            )
        )
        for review in reviews:
            p = review.passage
            comments = "; ".join(f"{c.author}: {c.body}" for c in review.comments)
            table.add_row(
                review.verdict or "—",
                Text(visual(review.reviewer or "—", 20)),
                Text(fit_line(comments, 40).text),
                Text(fit_line(p.text, 40).text),
                p.article_id,
            )


def _verdict_lines(words: str, decided: Decision, width: int) -> list[str]:
    """An item's verdict in the panel: what was decided, by whom, with their comment."""
    verdict = english_line(f"  by {decided.reviewer}", width)
    if decided.comment:
        verdict = labelled(verdict + " — ", decided.comment, width)
    return [english_line(f"verdict: {words}", width), verdict]
