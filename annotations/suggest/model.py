"""A suggestion: a passage someone may accept, with the labels it would get."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from annotations.models import FrozenLabels, freeze_labels

# The built-in suggesters, by the source name their suggestions carry. "cues" and
# "quotes" come from one suggester (claims), "gold" is the actor suggester fed with the
# surface forms of gold passages. Plugins add their entry point's name.
BUILT_IN_SOURCES = ("actors", "cues", "quotes", "propagation", "gold")
# The ones that suggest what is claimed: accepted, such a passage is a frame's content.
CLAIM_SOURCES = frozenset({"cues", "quotes"})


@dataclass(frozen=True)
class Suggestion:
    """A span of an article's stored text (code points, half-open) and the labels a
    passage made from it would hold. `source` names the suggester; `score` is a model's
    confidence (None for the built-in ones); `reason` says in a few words why (shown in
    the panel)."""

    article_id: str
    start: int
    end: int
    text: str
    labels: FrozenLabels = field(default_factory=FrozenLabels)
    source: str = ""
    score: float | None = None
    reason: str = ""
    annotator: str | None = None  # whom it is for (propagation: whose passage it spreads)

    def __post_init__(self) -> None:
        if not isinstance(self.labels, FrozenLabels):
            object.__setattr__(self, "labels", freeze_labels(self.labels))

    @property
    def key(self) -> tuple[str, int, int, FrozenLabels]:
        """What makes two suggestions the same offer: the span and the labels."""
        return (self.article_id, self.start, self.end, self.labels)


def make_suggestion(
    article_id: str,
    text: str,
    span: tuple[int, int],
    labels: Mapping[str, Any],
    source: str,
    reason: str,
    score: float | None = None,
    annotator: str | None = None,
) -> Suggestion:
    """A suggestion on `text` (the stored article text) at `span`."""
    start, end = span
    return Suggestion(
        article_id,
        start,
        end,
        text[start:end],
        freeze_labels(labels),
        source,
        score,
        reason,
        annotator,
    )
