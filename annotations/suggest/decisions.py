"""Accepting and rejecting suggestions as undoable changes (annotations.history).

An accept makes the annotator's passage (the audit row names the suggester); undoing it
deletes that passage and offers the suggestion again; redoing it brings back the same
passage (same id). A reject is undone the same way, minus the passage. Accepting every
suggestion in view is one change, so one undo takes it all back.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotations.models import Passage
from annotations.store import Store


@dataclass(frozen=True)
class SuggestionDecision:
    """Decisions saved on suggestions: (suggestion id, the passage an accept made, or
    None for a reject). `undone`: this is the inverse (the decisions taken back)."""

    decisions: tuple[tuple[str, Passage | None], ...]
    undone: bool = False

    @classmethod
    def accepted(cls, pairs: list[tuple[str, Passage]]) -> SuggestionDecision:
        return cls(tuple(pairs))

    @classmethod
    def rejected(cls, suggestion_id: str) -> SuggestionDecision:
        return cls(((suggestion_id, None),))

    @property
    def passages(self) -> list[Passage]:
        return [p for _, p in self.decisions if p is not None]

    def revert(self, store: Store, by: str, action: str) -> SuggestionDecision:
        with store.transaction():  # every decision of the change, or none
            for suggestion_id, passage in reversed(self.decisions):
                if self.undone:
                    store.redecide_suggestion(suggestion_id, by, passage, action=action)
                else:
                    store.reopen_suggestion(suggestion_id, by, action=action)
        return SuggestionDecision(self.decisions, not self.undone)
