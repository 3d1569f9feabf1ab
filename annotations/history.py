"""Undo and redo of passage changes for one session.

Each change is saved before it is pushed here; undoing a change is another saved
change (its inverse), recorded in the audit table like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotations.models import Passage
from annotations.store import Store


@dataclass(frozen=True)
class Change:
    """One saved change: the passage before (None for a create) and after (None for a delete)."""

    before: Passage | None
    after: Passage | None

    @property
    def passage_id(self) -> str:
        passage = self.after or self.before
        assert passage is not None
        return passage.id


class History:
    def __init__(self, store: Store, annotator: str) -> None:
        self.store = store
        self.annotator = annotator
        self._undo: list[Change] = []
        self._redo: list[Change] = []

    def record(self, change: Change) -> None:
        """A change was saved: it can be undone; what was undone can no longer be redone."""
        self._undo.append(change)
        self._redo.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def _apply(self, target: Passage | None, current: Passage | None, action: str) -> None:
        """Make the database hold `target` where it holds `current` now."""
        if target is None and current is not None:
            self.store.delete_passage(current.id, by=self.annotator, action=action)
        elif target is not None and current is None:
            self.store.add_passage(target, by=self.annotator, action=action)
        elif target is not None:
            self.store.update_passage(target, by=self.annotator, action=action)

    def undo(self) -> Change | None:
        """Undo the last change; returns it, or None when there is nothing to undo."""
        if not self._undo:
            return None
        change = self._undo[-1]
        self._apply(change.before, change.after, "undo")  # a failed save keeps the stacks
        self._redo.append(self._undo.pop())
        return change

    def redo(self) -> Change | None:
        if not self._redo:
            return None
        change = self._redo[-1]
        self._apply(change.after, change.before, "redo")
        self._undo.append(self._redo.pop())
        return change
