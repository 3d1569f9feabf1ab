"""Hashiya's own commands in the command palette (ctrl+p), one provider per screen area.

`AppCommands` and `ArticleCommands` are offered everywhere (the app's `COMMANDS`); the
list, the reader and the review screens add their own (`Screen.COMMANDS`). Each command
calls the same action its key does, so the palette and the keys never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from annotations.store import CatalogQuery
from annotations.text import printable
from tui.widgets.bidi_text import visual

if TYPE_CHECKING:
    from tui.app import HashiyaApp
    from tui.screens.article_list import ArticleListScreen
    from tui.screens.reader import ReaderScreen

Command = tuple[str, str, Callable[[], object]]  # name, help, what it runs

# How many articles a title search offers at most (a corpus may hold 100,000).
ARTICLE_HITS = 30


class CommandList(Provider):
    """A provider of a fixed list of commands, matched by name."""

    @property
    def hashiya(self) -> HashiyaApp:
        return cast("HashiyaApp", self.app)

    def commands(self) -> Iterable[Command]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for name, help_text, run in self.commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)


class AppCommands(CommandList):
    """The screens every part of the app reaches, and export."""

    def commands(self) -> Iterable[Command]:
        app = self.hashiya
        yield (
            "Review queue",
            "articles labelled by two or more annotators (R)",
            (app.action_review_queue),
        )
        yield "Agreement", "agreement figures of the whole corpus (A)", app.action_agreement
        yield "Overview", "progress by status, annotator and claim type", app.action_overview
        yield "My reviews", "verdicts and comments on my passages (M)", app.action_my_reviews
        # ("Export dataset", every annotator's labels, is among the app's system commands.)
        yield (
            "Export my labels",
            "native JSON Lines, to import-annotations elsewhere",
            (app.action_export_mine),
        )
        yield "Keys", "every key of this screen (?)", app.action_help


class ArticleCommands(Provider):
    """Open an article by its title (typed in any order of words, Arabic or Latin)."""

    @property
    def hashiya(self) -> HashiyaApp:
        return cast("HashiyaApp", self.app)

    def _titles(self, query: str) -> list[tuple[str, str]]:
        return self.hashiya.store.titles_matching(query.split(), ARTICLE_HITS)

    def _open(self, article_id: str) -> None:
        from tui.screens.reader import ReaderScreen

        app = self.hashiya
        ids = app.store.catalog_ids(CatalogQuery(annotator=app.settings.annotator))
        app.push_screen(ReaderScreen(ids, ids.index(article_id)))

    async def search(self, query: str) -> Hits:
        if not query.strip():
            return
        for article_id, title in self._titles(query):
            shown = "Open: " + visual(printable(title), 60)
            # Scored below the app's commands: a title search matches loosely.
            yield Hit(0.5, Text(shown), partial(self._open, article_id), text=shown)


class ListCommands(CommandList):
    """The article list: filters, by name rather than by cycling."""

    def commands(self) -> Iterable[Command]:
        screen = cast("ArticleListScreen", self.screen)
        yield (
            "Annotator filter: everyone",
            "show every article",
            partial(screen.set_annotated_by, None),
        )
        for name in self.hashiya.store.annotators():
            shown = visual(printable(name), 30)
            yield (
                f"Annotator filter: {shown}",
                f"only articles {shown} annotated",
                partial(screen.set_annotated_by, name),
            )
        yield (
            "Disagreements only (again: all)",
            "articles annotators disagree on (d)",
            (screen.action_toggle_disputed),
        )
        yield "Search articles", "full-text search (/)", screen.action_search


class ReaderCommands(CommandList):
    """The open article."""

    def commands(self) -> Iterable[Command]:
        screen = cast("ReaderScreen", self.screen)
        yield (
            "Mark done (again: in progress)",
            "this article, for you (D)",
            (screen.action_mark_done),
        )
        yield "Find in the article", "spelling variants match (/)", screen.action_find
        yield "Comment on the passage", "the passage under the caret (C)", screen.action_comment
        yield "Passages panel", "show or hide it (b)", screen.action_toggle_panel
        yield (
            "Link from the passage",
            "the passage under the caret, to another (r)",
            (screen.action_link),
        )
        yield "Attribution frame", "offer the content's source and cue (F)", screen.action_frame
        yield "Unlink", "a link of the passage under the caret (X)", screen.action_unlink
        yield (
            "Edit a link's labels",
            "a link of the passage under the caret (E)",
            (screen.action_edit_link),
        )
        yield (
            "Accept all suggestions on the screen",
            "they become your passages; asks first (ctrl+a)",
            screen.action_accept_all_suggestions,
        )


class ReviewCommands(CommandList):
    """One article in review."""

    def commands(self) -> Iterable[Command]:
        from tui.screens.review import ReviewScreen

        screen = cast(ReviewScreen, self.screen)
        yield (
            "Merge agreed passages of this article",
            "asks first (U)",
            (screen.action_merge_unanimous),
        )
        yield "Next disagreement", "(n)", partial(screen.action_jump, 1)
        yield "Reject this item", "no gold passage here (r)", screen.action_reject


class QueueCommands(CommandList):
    """The review queue."""

    def commands(self) -> Iterable[Command]:
        from tui.screens.review import ReviewQueueScreen

        screen = cast(ReviewQueueScreen, self.screen)
        yield (
            "Merge all agreed passages",
            "every article in the queue; asks first (U)",
            (screen.action_merge_all),
        )
