"""Relations in the reader: linking two passages from the keyboard or the mouse (a fresh
selection becomes the new end), the frame of the passage under the caret in the panel
and in the text, unlinking and relabelling links, and the attribution frame offer.

`ReaderScreen.links` holds one; the screen wires keys and messages to its methods; the
records come from the core (`annotations.relations`, `annotations.passages`,
`annotations.suggest.frames`) and every change goes through the session's history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from annotations.history import Change, Changes, RelationChange
from annotations.models import Passage, Relation
from annotations.passages import PassageError, new_passage
from annotations.relations import (
    Frame,
    RelationError,
    frame_of,
    frames,
    new_relation,
    relabelled_relation,
)
from annotations.store import StoreError
from annotations.suggest.frames import FrameEnd, FrameOffer, offer_frame
from tui.screens.link_dialog import LinkChoice, LinkDialog, PickLinkDialog
from tui.screens.tag_dialog import LIST_TYPES, TagDialog, TagResult
from tui.widgets.bidi_text import line_text

if TYPE_CHECKING:
    from tui.screens.reader import ReaderScreen

QUOTE_CELLS = 24  # cells of a passage's words on the prompt line


def short(text: str, words: int = 6) -> str:
    """The first words of a passage, for a one-line prompt."""
    split = text.split()
    return " ".join(split[:words]) + ("…" if len(split) > words else "")


class Linking:
    """Linking, frames and the frame offer of one reader screen."""

    def __init__(self, screen: ReaderScreen) -> None:
        self.screen = screen
        self.link_origin: Passage | None = None  # `r` pressed on it: Enter links from it
        self.offer: FrameOffer | None = None  # the frame offered for a content (F)
        self._relations: list[Relation] = []
        self._frames: list[Frame] = []

    # -- reading ---------------------------------------------------------------------

    def relations(self) -> list[Relation]:
        """This annotator's links on the article (as last read)."""
        return self._relations

    def read_relations(self) -> None:
        self._relations = self.screen.hashiya.store.relations(
            self.screen.article.id, self.screen.annotator
        )
        self._frames = frames(self.screen.schema, self.screen.passages(), self._relations)
        if self.link_origin is not None and not any(
            p.id == self.link_origin.id for p in self.screen.passages()
        ):
            self.link_origin = None

    def links_of(self, passage: Passage) -> list[Relation]:
        return [r for r in self._relations if passage.id in (r.from_id, r.to_id)]

    def innermost_here(self, exclude: str | None = None) -> Passage | None:
        here = [p for p in self.screen.under_caret() if p.id != exclude]
        return min(here, key=lambda p: p.end - p.start) if here else None

    def show_frame(self) -> None:
        """The frame of the passage under the caret in the panel, its passages marked in
        the text (and the end a link starts from)."""
        here = self.innermost_here()
        frame = frame_of(here.id, self._frames) if here is not None else None
        if frame is not None and not frame.relations:
            frame = None
        marked: list[tuple[int, int]] = []
        if frame is not None:
            marked = [(p.start, p.end) for p in (*frame.contents, *frame.sources, *frame.cues)]
        if self.link_origin is not None:
            marked.append((self.link_origin.start, self.link_origin.end))
        self.screen.view.set_linked(marked)
        self.screen.panel.show_frame(
            frame, self.links_of(here) if here else [], self.screen.article.text
        )

    # -- the prompt line -------------------------------------------------------------

    def show_prompt(self) -> None:
        """The line above the status: the link being made, or the frame offered."""
        prompt = self.screen.prompt_line
        if self.link_origin is not None:
            quote = short(self.link_origin.text)
            text = (
                f"linking from «{quote}»: ]/[ or the caret to the other end, or select"
                " words · Enter links · Esc cancels"
            )
        elif self.offer is not None:
            # A Latin word between a quote and the next digit: a digit right after
            # Arabic would join its right-to-left run (UAX #9, N1) and read out of place.
            parts = []
            if self.offer.source is not None:
                parts.append(f"source «{short(self.offer.source.text, 4)}» (key 1)")
            if self.offer.cue is not None:
                parts.append(f"cue «{short(self.offer.cue.text, 4)}» (key 2)")
            both = " · Enter: both" if len(parts) == 2 else " · Enter: accept"
            text = "frame: " + " · ".join(parts) + both + " · Esc: no"
        else:
            prompt.display = False
            return
        prompt.update(
            line_text(
                text,
                self.screen.size.width or 80,
                shape=self.screen.hashiya.settings.shape,
                direction="ltr",
            )
        )
        prompt.display = True

    # -- linking -----------------------------------------------------------------------

    def link(self) -> None:
        """`r`: start a link from the passage under the caret; while linking, complete it."""
        if self.link_origin is not None:
            self.complete_link()
            return
        if not self.screen.schema.relations:
            self.screen._status(f"schema '{self.screen.schema.name}' has no relations")
            return
        origin = self.innermost_here()
        if origin is None:
            self.screen._status("put the caret on a passage to link from it (r)")
            return
        self.offer = None
        self.link_origin = origin
        self.screen.view.clear_selection()
        self.show_prompt()
        self.show_frame()

    def cancel_link(self) -> bool:
        """Escape: end the link being made, or drop the frame offered; False if neither."""
        if self.link_origin is None and self.offer is None:
            return False
        self.link_origin = None
        self.offer = None
        self.show_prompt()
        self.show_frame()
        self.screen._status("cancelled")
        return True

    def _choices(self, origin: Passage, target_kind: str | None) -> list[LinkChoice]:
        """The relation types that may link `origin` to a passage of `target_kind` (None:
        a new passage, of whichever kind the type wants), forwards or else backwards."""
        mine = self.screen.schema.kind_id(origin.kind)
        choices: list[LinkChoice] = []
        for rel in self.screen.schema.relations:
            forward = rel.from_kind == mine and target_kind in (None, rel.to_kind)
            backward = rel.to_kind == mine and target_kind in (None, rel.from_kind)
            if forward:
                choices.append(LinkChoice(rel, False, rel.to_kind))
            elif backward:
                choices.append(LinkChoice(rel, True, rel.from_kind))
        return choices

    def complete_link(self) -> None:
        """Enter while linking: the passage under the caret, or a new one on the
        selection, is the other end; the type is asked for (only those that fit)."""
        origin = self.link_origin
        if origin is None:
            return
        selection = self.screen.view.selection
        target: Passage | None = None
        if selection is None:
            target = self.innermost_here(exclude=origin.id)
            if target is None:
                self.screen._status("no passage under the caret: move to one (]/[) or select words")
                return
            choices = self._choices(origin, self.screen.schema.kind_id(target.kind))
            quote = target.text
        else:
            choices = self._choices(origin, None)
            quote = self.screen.article.text[selection[0] : selection[1]]
        if not choices:
            there = self.screen.schema.kind_id(target.kind) if target is not None else "any kind"
            self.screen._status(
                f"no relation links a {self.screen.schema.kind_id(origin.kind)} and a {there}",
                error=True,
            )
            return

        def chosen(choice: LinkChoice | None) -> None:
            if choice is None:
                self.screen._status("not linked (still linking: Esc ends)")
                return
            if target is None:
                assert selection is not None
                self._new_end(origin, selection, choice)
            else:
                self._ask_link_labels(origin, target, choice, None)

        title = "Link: which relation? (its key)"
        dialog = LinkDialog(choices, origin.text, quote, labels=self.screen.labels, title=title)
        with self.screen.hashiya.typed_ahead():
            self.screen.app.push_screen(dialog, chosen)

    def _new_end(self, origin: Passage, selection: tuple[int, int], choice: LinkChoice) -> None:
        """A fresh selection while linking: a passage of the kind the link wants, its
        labels asked for when that kind has any to choose (or any required)."""
        start, end = selection
        kind = choice.new_kind
        attributes = self.screen.schema.attributes_of(kind)
        asks = any(a.type in LIST_TYPES or a.required for a in attributes)

        def labelled(result: TagResult | None) -> None:
            if result is None:
                self.screen._status("not linked (still linking: Esc ends)")
                return
            try:
                self.screen._store_new_actors(result.new_actors)
                made = new_passage(
                    self.screen.article,
                    start,
                    end,
                    self.screen.annotator,
                    result.chosen,
                    self.screen.schema,
                    kind=kind,
                )
            except (StoreError, PassageError) as exc:
                self.screen._not_saved(exc)
                return
            self._ask_link_labels(origin, made, choice, made)

        if not asks:
            labelled(TagResult())
            return
        quote = self.screen.article.text[start:end]
        dialog = TagDialog(
            self.screen.schema,
            quote,
            title="New end of the link",
            labels=self.screen.labels,
            kind=kind,
            kind_fixed=True,
        )
        with self.screen.hashiya.typed_ahead():
            self.screen.app.push_screen(dialog, labelled)

    def _ask_link_labels(
        self,
        origin: Passage,
        target: Passage,
        choice: LinkChoice,
        new: Passage | None,
    ) -> None:
        """The relation's own attributes (the tag dialog at its level), then save."""
        rel = choice.relation

        def labelled(result: TagResult | None) -> None:
            if result is None:
                self.screen._status("not linked (still linking: Esc ends)")
                return
            self._save_link(origin, target, choice, result.chosen, new)

        if not rel.attributes:
            self._save_link(origin, target, choice, {}, new)
            return
        dialog = TagDialog(
            self.screen.schema,
            f"{short(origin.text)} → {short(target.text)}",
            title=f"Link: {rel.label_en or rel.id}",
            labels=self.screen.labels,
            level=rel.level,
        )
        with self.screen.hashiya.typed_ahead():
            self.screen.app.push_screen(dialog, labelled)

    def _save_link(
        self,
        origin: Passage,
        target: Passage,
        choice: LinkChoice,
        labels: dict[str, Any] | Any,
        new: Passage | None,
    ) -> None:
        start, end = (target, origin) if choice.reverse else (origin, target)
        try:
            relation = new_relation(
                self.screen.schema, start, end, choice.relation.id, labels, self.screen.annotator
            )
        except RelationError as exc:
            self.screen._status(f"not linked: {exc}", error=True)
            return
        try:
            if new is not None:
                self.screen.hashiya.store.add_passage(new)
            self.screen.hashiya.store.add_relation(relation, by=self.screen.annotator)
        except StoreError as exc:
            if new is not None:  # the passage alone is not what was asked for
                self._undo_partial(new)
            self.screen._not_saved(exc)
            return
        steps: list[Any] = [Change(None, new)] if new is not None else []
        steps.append(RelationChange(None, relation))
        self.screen.history.record(steps[0] if len(steps) == 1 else Changes(tuple(steps)))
        self.link_origin = None
        self.screen.view.clear_selection()
        self.screen.refresh_passages()
        name = choice.relation.label_en or choice.relation.id
        self.screen._status(f"linked: {name}" + (" (new passage)" if new is not None else ""))

    def _undo_partial(self, passage: Passage) -> None:
        try:
            self.screen.hashiya.store.delete_passage(passage.id, by=self.screen.annotator)
        except StoreError:
            pass  # the status line says the save failed; doctor sees what is left

    def link_clicked(self, offset: int) -> None:
        """A click while linking: the passage clicked is the other end."""
        if self.link_origin is None:
            return
        if self.innermost_here(exclude=self.link_origin.id) is not None:
            self.complete_link()

    # -- unlinking and relabelling -----------------------------------------------------

    def _pick_link(self, verb: str, then: Callable[[Relation], None]) -> None:
        here = self.innermost_here()
        links = self.links_of(here) if here is not None else []
        if not links:
            self.screen._status("no link on the passage under the caret")
            return
        if len(links) == 1:
            then(links[0])
            return
        by_id = {p.id: p for p in self.screen.passages()}
        lines = [self.screen.panel.relation_line(n, r, by_id) for n, r in enumerate(links, 1)]

        def picked(index: int | None) -> None:
            if index is not None:
                then(links[index])

        with self.screen.hashiya.typed_ahead():
            self.screen.app.push_screen(
                PickLinkDialog(f"{verb}: which link? (its number)", lines), picked
            )

    def unlink(self) -> None:
        """Delete a link of the passage under the caret (its number when it has several)."""

        def unlink(relation: Relation) -> None:
            try:
                gone = self.screen.hashiya.store.delete_relation(
                    relation.id, by=self.screen.annotator
                )
            except StoreError as exc:
                self.screen._not_saved(exc)
                return
            self.screen.history.record(RelationChange(gone, None))
            self.screen.refresh_passages()
            self.screen._status("unlinked (ctrl+z to undo)")

        self._pick_link("Unlink", unlink)

    def edit_link(self) -> None:
        """Edit the labels of a link of the passage under the caret."""

        def edit(relation: Relation) -> None:
            rel = self.screen.schema.relation(relation.type)
            if rel is None or not rel.attributes:
                self.screen._status(f"{relation.type}: this relation has no labels")
                return
            by_id = {p.id: p for p in self.screen.passages()}
            ends = [by_id.get(relation.from_id), by_id.get(relation.to_id)]
            quote = " → ".join(short(p.text) if p else "?" for p in ends)

            def done(result: TagResult | None) -> None:
                if result is None:
                    return
                try:
                    edited = relabelled_relation(relation, result.chosen, self.screen.schema)
                    self.screen.hashiya.store.update_relation(edited, by=self.screen.annotator)
                except RelationError as exc:
                    self.screen._status(f"not saved: {exc}", error=True)
                    return
                except StoreError as exc:
                    self.screen._not_saved(exc)
                    return
                self.screen.history.record(RelationChange(relation, edited))
                self.screen.refresh_passages()
                self.screen._status("link edited")

            dialog = TagDialog(
                self.screen.schema,
                quote,
                TagResult(dict(relation.labels)),
                title=f"Edit link: {rel.label_en or rel.id}",
                labels=self.screen.labels,
                level=rel.level,
            )
            with self.screen.hashiya.typed_ahead():
                self.screen.app.push_screen(dialog, done)

        self._pick_link("Edit", edit)

    # -- the attribution frame offer ---------------------------------------------------

    def frame(self) -> None:
        """`F`: offer the source and cue of the content under the caret."""
        here = self.innermost_here()
        if here is None:
            self.screen._status("put the caret on a content passage to find its frame (F)")
            return
        self.offer_frame_for(here, quiet=False)

    def offer_frame_for(self, content: Passage, *, quiet: bool) -> None:
        """Find the frame of `content` and offer it on the prompt line (`quiet`: say
        nothing when there is nothing to offer, as right after tagging)."""
        linked = [r.type for r in self._relations if r.from_id == content.id]
        offer = offer_frame(
            self.screen.schema, self.screen.article.text, content, self.screen.passages(), linked
        )
        if not offer.ends:
            if not quiet:
                why = "; ".join(offer.notes) or "nothing more to link"
                self.screen._status(f"no frame to offer: {why}")
            return
        self.link_origin = None
        self.offer = offer
        self.show_prompt()

    def accept_frame(self, which: str) -> None:
        """Accept the offered source (`1`), cue (`2`) or both (Enter)."""
        offer = self.offer
        if offer is None:
            return
        ends = [e for e in offer.ends if which in ("both", e.role)]
        if not ends:
            return
        content = next((p for p in self.screen.passages() if p.id == offer.content.id), None)
        if content is None:
            self.offer = None
            self.show_prompt()
            return
        steps: list[Any] = []
        try:
            for end in ends:
                self._accept_end(content, end, steps)
        except (StoreError, PassageError, RelationError) as exc:
            # What was saved of it is kept and can be undone as one step.
            if steps:
                self.screen.history.record(Changes(tuple(steps)))
            self.screen.refresh_passages()
            reason = exc.reason if isinstance(exc, StoreError) else str(exc)
            self.screen._status(f"not saved: {reason}", error=True)
            return
        self.screen.history.record(Changes(tuple(steps)))
        remaining = [e for e in offer.ends if e not in ends]
        self.offer = (
            FrameOffer(
                offer.content,
                next((e for e in remaining if e.role == "source"), None),
                next((e for e in remaining if e.role == "cue"), None),
            )
            if remaining
            else None
        )
        self.screen.refresh_passages()
        self.show_prompt()
        names = " and ".join(e.role for e in ends)
        self.screen._status(f"frame: {names} linked (ctrl+z undoes)")

    def _accept_end(self, content: Passage, end: FrameEnd, steps: list[Any]) -> None:
        """Save one offered end: its passage (unless already tagged) and its link; each
        saved change is added to `steps` as it is made."""
        store = self.screen.hashiya.store
        target = next((p for p in self.screen.passages() if p.id == end.existing), None)
        if target is None:
            target = new_passage(
                self.screen.article,
                end.start,
                end.end,
                self.screen.annotator,
                end.labels,
                self.screen.schema,
                kind=end.kind,
            )
            store.add_passage(target)
            steps.append(Change(None, target))
        relation = new_relation(
            self.screen.schema, content, target, end.relation, {}, self.screen.annotator
        )
        store.add_relation(relation, by=self.screen.annotator)
        steps.append(RelationChange(None, relation))
