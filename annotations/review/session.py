"""A reviewer's session on one article: verdicts saved at once, undone and redone.

The review screen wires keys to these methods; it keeps no state of its own beyond what
is on screen. Every verdict is recorded in one `History` (the reader's undo model), so
undo and redo put back exactly what a verdict replaced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from annotations.history import History
from annotations.models import Passage, Relation
from annotations.review.compare import ComparisonItem, DocumentItem
from annotations.review.queue import (
    ArticleReview,
    DecisionChange,
    ReviewItem,
    Taken,
    accept,
    accept_document,
    accept_relation,
    article_review,
    discuss,
    item_key,
    merge_unanimous,
    reject,
    unanimous_items,
)
from annotations.review.relation_items import RelationItem
from annotations.store import Store

if TYPE_CHECKING:
    from annotations.schema import LabelSchema


class ReviewSession:
    """One reviewer adjudicating one article."""

    def __init__(
        self,
        store: Store,
        article_id: str,
        reviewer: str,
        schema: LabelSchema,
        annotators: Sequence[str] | None = None,
    ) -> None:
        self.store = store
        self.article_id = article_id
        self.reviewer = reviewer
        self.schema = schema
        self.annotators = tuple(annotators) if annotators else None
        self.history = History(store, reviewer)
        self.review = self.reload()

    def reload(self) -> ArticleReview:
        """Read the article's items and decisions again (after any change, anyone's)."""
        self.review = article_review(self.store, self.article_id, self.annotators, self.schema)
        return self.review

    def _record(self, item: ReviewItem, replaced: Taken) -> None:
        self.history.record(DecisionChange(self.article_id, item_key(item), replaced))
        self.reload()

    def accept(
        self, item: ComparisonItem, passage: Passage, changes: Mapping[str, Any] | None = None
    ) -> None:
        """Accept a passage version into gold (edited by `changes`)."""
        self._record(item, accept(self.store, item, passage, self.reviewer, changes, self.schema))

    def accept_document(
        self, item: DocumentItem, annotator: str, changes: Mapping[str, Any] | None = None
    ) -> None:
        """Accept an annotator's document labels into gold (edited by `changes`)."""
        replaced = accept_document(self.store, item, annotator, self.reviewer, changes, self.schema)
        self._record(item, replaced)

    def accept_relation(self, item: RelationItem, relation: Relation) -> None:
        """Accept an annotator's relation into gold, with its ends (see
        `queue.accept_relation`); one undo takes back all of it."""
        replaced = accept_relation(self.store, item, relation, self.reviewer, self.schema)
        self._record(item, replaced)

    def reject(self, item: ReviewItem) -> None:
        self._record(item, reject(self.store, item, self.reviewer))

    def discuss(self, item: ReviewItem, comment: str) -> None:
        self._record(item, discuss(self.store, item, self.reviewer, comment))

    def pending_unanimous(self) -> list[ReviewItem]:
        """This article's undecided full agreements (what `merge_unanimous` merges)."""
        return unanimous_items(self.store, [self.article_id], self.schema)

    def merge_unanimous(self) -> int:
        """Merge this article's undecided full agreements into gold; returns how many."""
        merged = merge_unanimous(self.store, self.reviewer, [self.article_id], self.schema)
        self.reload()
        return merged

    def undo(self) -> bool:
        """Undo the last verdict; False when there is none. A failed save (StoreError)
        changes nothing."""
        done = self.history.undo() is not None
        self.reload()
        return done

    def redo(self) -> bool:
        done = self.history.redo() is not None
        self.reload()
        return done
