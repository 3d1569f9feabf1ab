"""Undo and redo for one session: passage and relation changes in the reader, verdicts in
review.

Each change is saved before it is pushed here; undoing a change is another saved
change (its inverse), recorded in the audit table like any other. A change knows how
to put the database back (`revert`) and returns the change that puts it forward again,
so undo and redo are the same step and one model serves every kind of change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from annotations.models import Passage, Relation
from annotations.store import Store


class Undoable(Protocol):
    """A saved change that can be taken back."""

    def revert(self, store: Store, by: str, action: str) -> Undoable:
        """Make the database hold what it held before this change (`action`: "undo" or
        "redo", for the audit trail); returns the change that redoes it."""
        ...


@dataclass(frozen=True)
class Change:
    """One saved passage change: the passage before (None for a create) and after (None
    for a delete). `relations`: those deleted with the passage (`delete_passage`), put
    back when the passage is."""

    before: Passage | None
    after: Passage | None
    relations: tuple[Relation, ...] = ()

    @property
    def passage_id(self) -> str:
        passage = self.after or self.before
        assert passage is not None
        return passage.id

    def revert(self, store: Store, by: str, action: str) -> Change:
        target, current = self.before, self.after
        relations = self.relations
        if target is None and current is not None:
            relations = tuple(store.relations_of(current.id)) or relations
            store.delete_passage(current.id, by=by, action=action)
        elif target is not None and current is None:
            with store.transaction():
                store.add_passage(target, by=by, action=action)
                for rel in relations:
                    # An end deleted since stays deleted: that relation cannot come back.
                    other = rel.to_id if rel.from_id == target.id else rel.from_id
                    if store.passage(other) is not None and store.relation(rel.id) is None:
                        store.add_relation(rel, by=by, action=action)
        elif target is not None:
            store.update_passage(target, by=by, action=action)
        return Change(self.after, self.before, relations)


def delete_passage(store: Store, passage_id: str, *, by: str) -> Change:
    """Delete a passage and its relations (saved, audited); returns the change, whose
    undo puts both back."""
    with store.transaction():
        relations = tuple(store.relations_of(passage_id))
        before = store.delete_passage(passage_id, by=by)
    return Change(before, None, relations)


@dataclass(frozen=True)
class RelationChange:
    """One saved relation change: the relation before (None for a create) and after
    (None for a delete)."""

    before: Relation | None
    after: Relation | None

    @property
    def relation_id(self) -> str:
        relation = self.after or self.before
        assert relation is not None
        return relation.id

    def revert(self, store: Store, by: str, action: str) -> RelationChange:
        target, current = self.before, self.after
        if target is None and current is not None:
            store.delete_relation(current.id, by=by, action=action)
        elif target is not None and current is None:
            store.add_relation(target, by=by, action=action)
        elif target is not None:
            store.update_relation(target, by=by, action=action)
        return RelationChange(self.after, self.before)


class History:
    """The undo and redo stacks of one session (one per kind of work: the reader's
    passages, the reviewer's verdicts)."""

    def __init__(self, store: Store, annotator: str) -> None:
        self.store = store
        self.annotator = annotator
        self._undo: list[Undoable] = []
        self._redo: list[Undoable] = []

    def record(self, change: Undoable) -> None:
        """A change was saved: it can be undone; what was undone can no longer be redone."""
        self._undo.append(change)
        self._redo.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> Undoable | None:
        """Undo the last change; returns it, or None when there is nothing to undo.
        A failed save (StoreError) keeps both stacks as they were."""
        if not self._undo:
            return None
        change = self._undo[-1]
        inverse = change.revert(self.store, self.annotator, "undo")
        self._undo.pop()
        self._redo.append(inverse)
        return change

    def redo(self) -> Undoable | None:
        """Redo the last undone change; returns it (as first made), or None."""
        if not self._redo:
            return None
        inverse = self._redo[-1].revert(self.store, self.annotator, "redo")
        self._redo.pop()
        self._undo.append(inverse)
        return inverse


@dataclass(frozen=True)
class Changes:
    """Several saved changes made as one step (a new passage and the link to it; a
    frame's source and cue): undone last first, as one."""

    steps: tuple[Undoable, ...]

    def revert(self, store: Store, by: str, action: str) -> Changes:
        inverses = [step.revert(store, by, action) for step in reversed(self.steps)]
        return Changes(tuple(inverses))
