"""Plain records shared by the core: articles and passages.

Offsets everywhere are code-point offsets into `Article.text` (the stored text),
half-open: a passage covers `text[start:end]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

# The longest ids accepted from files and options, in characters. Ids are repeated in
# every exported line and become file names (brat); an article hash is 16 characters and
# a passage UUID 36. Article ids given in JSONL files are often URLs, hence the room.
MAX_ARTICLE_ID = 512
MAX_PASSAGE_ID = 128
MAX_ANNOTATOR = 100


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


# The passage's fields in order: the columns of the `passages` table.
PASSAGE_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Passage))


@dataclass(frozen=True)
class AuthoredNote:
    """An annotator's note as the gold layer keeps it: the words and who wrote them."""

    author: str
    text: str


@dataclass(frozen=True)
class GoldPassage:
    """A passage of the adjudicated (gold) layer, with where it came from."""

    id: str
    article_id: str
    start: int
    end: int
    text: str
    actor: str | None
    stance: str | None
    target: str | None
    claim_type: str | None
    note: str | None
    origin: str  # "unanimous" (every annotator agreed) or "adjudicated" (a reviewer chose)
    sources: tuple[str, ...]  # ids of the annotators' passages it came from
    adjudicator: str
    schema_name: str = ""
    schema_version: str = ""
    created_at: str = ""
    updated_at: str = ""
    # Every note of the passages it came from, with its author (annotator order); `note`
    # is their one text when they agree, or each as an "author: text" line.
    notes: tuple[AuthoredNote, ...] = ()

    def as_passage(self) -> Passage:
        """The gold passage as a Passage of the annotator "gold" (for display and export)."""
        return Passage(
            id=self.id,
            article_id=self.article_id,
            start=self.start,
            end=self.end,
            text=self.text,
            annotator="gold",
            actor=self.actor,
            stance=self.stance,
            target=self.target,
            claim_type=self.claim_type,
            note=self.note,
            schema_name=self.schema_name,
            schema_version=self.schema_version,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )


@dataclass(frozen=True)
class Decision:
    """A reviewer's verdict on one comparison item (a group of competing passages)."""

    article_id: str
    item: str  # the item's key: its passage ids, sorted, joined by ","
    verdict: str  # accept | edit | reject | discuss | unanimous
    reviewer: str
    gold_id: str | None = None
    comment: str | None = None
    at: str = ""


@dataclass(frozen=True)
class Comment:
    passage_id: str
    author: str
    body: str
    at: str = ""
    id: int | None = None
