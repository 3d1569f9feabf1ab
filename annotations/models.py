"""Plain records shared by the core: articles and passages.

Offsets everywhere are code-point offsets into `Article.text` (the stored text),
half-open: a passage covers `text[start:end]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    source: str
    text: str
    # (start, end) code-point offsets of each paragraph in `text`, in order.
    paragraphs: tuple[tuple[int, int], ...]
    published: str | None = None
    origin: str | None = None  # the path or URL it was imported from
    imported_at: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Passage:
    """One labelled span of an article by one annotator (or the gold layer)."""

    id: str  # UUID4, hex with dashes
    article_id: str
    start: int
    end: int
    text: str  # the quoted text, text[start:end] when it was made
    annotator: str
    actor: str | None = None  # actor id (schema or user-added)
    stance: str | None = None
    target: str | None = None  # stance toward what (free text)
    claim_type: str | None = None
    note: str | None = None
    schema_name: str = ""
    schema_version: str = ""
    created_at: str = ""
    updated_at: str = ""

    def attributes(self) -> dict[str, str | None]:
        """The labelled attributes, as compared by review and agreement."""
        return {
            "actor": self.actor,
            "stance": self.stance,
            "target": self.target,
            "claim_type": self.claim_type,
            "note": self.note,
        }
