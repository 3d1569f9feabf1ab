"""Plain records shared by the core: articles, passages and their labels.

Offsets everywhere are code-point offsets into `Article.text` (the stored text),
half-open: a passage covers `text[start:end]`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

# The longest ids accepted from files and options, in characters. Ids are repeated in
# every exported line and become file names (brat); an article hash is 16 characters and
# a passage UUID 36. Article ids given in JSONL files are often URLs, hence the room.
MAX_ARTICLE_ID = 512
MAX_PASSAGE_ID = 128
MAX_ANNOTATOR = 100
# The annotator name the gold layer goes by in exports (never an annotator's own).
GOLD_ANNOTATOR = "gold"


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


Labels = Mapping[str, Any]
# The attributes of the release-1 label model, which records still answer by name.
LEGACY_ATTRIBUTES = ("actor", "stance", "target", "claim_type", "note")


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()  # a compat keyword not given (None given means: not labelled)


class FrozenLabels(Mapping[str, Any]):
    """An immutable attribute id -> value mapping, equal by value to any mapping.

    Values are as stored: a string (choice, actor, text), a bool (boolean) or a list of
    strings (multiple); the lists are copies, and the hash treats them as tuples. A None
    value is left out (absent = not labelled).
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()) -> None:
        items = data.items() if isinstance(data, Mapping) else data
        self._data: dict[str, Any] = {
            k: list(v) if isinstance(v, list | tuple) else v for k, v in items if v is not None
        }

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(
            frozenset((k, tuple(v) if isinstance(v, list) else v) for k, v in self._data.items())
        )

    def __repr__(self) -> str:
        return f"FrozenLabels({self._data!r})"

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def values_of(self, keys: Iterable[str]) -> tuple[Any, ...]:
        """The values of these attributes in order (None where not labelled): one call
        for what agreement reads of every passage."""
        return tuple(map(self._data.get, keys))

    def to_dict(self) -> dict[str, Any]:
        """A plain (JSON-ready) copy."""
        return {k: list(v) if isinstance(v, list) else v for k, v in self._data.items()}


EMPTY_LABELS = FrozenLabels()


def freeze_labels(labels: Mapping[str, Any] | None) -> FrozenLabels:
    """The immutable form of a labels mapping (None: no labels)."""
    if not labels:
        return EMPTY_LABELS
    if isinstance(labels, FrozenLabels):
        return labels
    return FrozenLabels(labels)


def _with_legacy(labels: Mapping[str, Any] | None, legacy: Mapping[str, Any]) -> FrozenLabels:
    """`labels` with the compat keywords given (actor=..., None removes) folded in."""
    given = {k: v for k, v in legacy.items() if v is not UNSET}
    if not given:
        return freeze_labels(labels)
    merged = dict(labels or {})
    for key, value in given.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return freeze_labels(merged)


def _first(value: Any) -> Any:
    """A label as one value: a list's first element (compat for multiple attributes)."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


class _LegacyLabel:
    """A read-only attribute named like a label: its one value (`_first`) or None."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> str | None:
        if obj is None:
            return self  # type: ignore[return-value]
        value: str | None = _first(obj.labels.get(self.name))
        return value


class _LegacyLabels:
    """Read-only `.actor`, `.stance`, `.target`, `.claim_type`, `.note` from `labels`,
    for code written for the fixed five attributes."""

    labels: FrozenLabels

    actor = _LegacyLabel()
    stance = _LegacyLabel()
    target = _LegacyLabel()
    claim_type = _LegacyLabel()
    note = _LegacyLabel()

    def attributes(self) -> dict[str, Any]:
        """The labels, as compared by review and agreement (absent: not labelled)."""
        return dict(self.labels)


@dataclass(frozen=True, init=False)
class Passage(_LegacyLabels):
    """One labelled span of an article by one annotator (or the gold layer)."""

    id: str  # UUID4, hex with dashes
    article_id: str
    start: int
    end: int
    text: str  # the quoted text, text[start:end] when it was made
    annotator: str
    labels: FrozenLabels  # attribute id -> value; absent = not labelled
    schema_name: str
    schema_version: str
    created_at: str
    updated_at: str
    kind: str  # the schema's kind of passage; "" is the default (first) kind

    def __init__(
        self,
        id: str,
        article_id: str,
        start: int,
        end: int,
        text: str,
        annotator: str,
        labels: Mapping[str, Any] | str | None = None,
        *fields: str | None,
        schema_name: str = "",
        schema_version: str = "",
        created_at: str = "",
        updated_at: str = "",
        actor: str | None = UNSET,
        stance: str | None = UNSET,
        target: str | None = UNSET,
        claim_type: str | None = UNSET,
        note: str | None = UNSET,
        kind: str = "",
    ) -> None:
        """`fields`: schema_name, schema_version, created_at, updated_at, positionally.
        The release-1 positional order (actor, stance, target, claim_type, note in place
        of `labels`, then those four) is read too."""
        legacy = {
            "actor": actor,
            "stance": stance,
            "target": target,
            "claim_type": claim_type,
            "note": note,
        }
        if isinstance(labels, str) or len(fields) > 4:
            values = (labels, *fields)
            legacy.update(zip(LEGACY_ATTRIBUTES, values[:5], strict=False))  # type: ignore[arg-type]
            labels, fields = None, values[5:]  # type: ignore[assignment]
        named = [schema_name, schema_version, created_at, updated_at]
        named[: len(fields)] = fields  # type: ignore[assignment]
        setter = object.__setattr__
        setter(self, "id", id)
        setter(self, "article_id", article_id)
        setter(self, "start", start)
        setter(self, "end", end)
        setter(self, "text", text)
        setter(self, "annotator", annotator)
        setter(self, "labels", _with_legacy(labels, legacy))
        setter(self, "schema_name", named[0])
        setter(self, "schema_version", named[1])
        setter(self, "created_at", named[2])
        setter(self, "updated_at", named[3])
        setter(self, "kind", kind)


# The passage's fields in order: the columns of the `passages` table (`kind` last).
PASSAGE_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Passage))


@dataclass(frozen=True)
class AuthoredNote:
    """An annotator's comment as the gold layer keeps it: the words, who wrote them, and
    which comment attribute they are (the note, or another free-text one)."""

    author: str
    text: str
    attribute: str = "note"


@dataclass(frozen=True, init=False)
class GoldPassage(_LegacyLabels):
    """A passage of the adjudicated (gold) layer, with where it came from."""

    id: str
    article_id: str
    start: int
    end: int
    text: str
    labels: FrozenLabels
    origin: str  # "unanimous" (every annotator agreed) or "adjudicated" (a reviewer chose)
    sources: tuple[str, ...]  # ids of the annotators' passages it came from
    adjudicator: str
    schema_name: str
    schema_version: str
    created_at: str
    updated_at: str
    # Every note of the passages it came from, with its author (annotator order); the
    # `note` label is their one text when they agree, or each as an "author: text" line.
    notes: tuple[AuthoredNote, ...]
    kind: str  # as Passage.kind

    def __init__(
        self,
        id: str,
        article_id: str,
        start: int,
        end: int,
        text: str,
        labels: Mapping[str, Any] | None = None,
        origin: str = "adjudicated",
        sources: tuple[str, ...] = (),
        adjudicator: str = "",
        schema_name: str = "",
        schema_version: str = "",
        created_at: str = "",
        updated_at: str = "",
        notes: tuple[AuthoredNote, ...] = (),
        *,
        actor: str | None = UNSET,
        stance: str | None = UNSET,
        target: str | None = UNSET,
        claim_type: str | None = UNSET,
        note: str | None = UNSET,
        kind: str = "",
    ) -> None:
        setter = object.__setattr__
        setter(self, "id", id)
        setter(self, "article_id", article_id)
        setter(self, "start", start)
        setter(self, "end", end)
        setter(self, "text", text)
        legacy = {
            "actor": actor,
            "stance": stance,
            "target": target,
            "claim_type": claim_type,
            "note": note,
        }
        setter(self, "labels", _with_legacy(labels, legacy))
        setter(self, "origin", origin)
        setter(self, "sources", tuple(sources))
        setter(self, "adjudicator", adjudicator)
        setter(self, "schema_name", schema_name)
        setter(self, "schema_version", schema_version)
        setter(self, "created_at", created_at)
        setter(self, "updated_at", updated_at)
        setter(self, "notes", tuple(notes))
        setter(self, "kind", kind)

    def as_passage(self) -> Passage:
        """The gold passage as a Passage of the annotator "gold" (for display and export)."""
        return Passage(
            id=self.id,
            article_id=self.article_id,
            start=self.start,
            end=self.end,
            text=self.text,
            annotator=GOLD_ANNOTATOR,
            labels=self.labels,
            schema_name=self.schema_name,
            schema_version=self.schema_version,
            created_at=self.created_at,
            updated_at=self.updated_at,
            kind=self.kind,
        )


@dataclass(frozen=True)
class Relation:
    """A typed, directed link between two passages of one article and one annotator (a
    content `said_by` its source), with labels of its own (the relation type's
    attributes)."""

    id: str
    article_id: str
    annotator: str
    type: str  # a relation type of the schema (`LabelSchema.relation`)
    from_id: str  # passage ids
    to_id: str
    labels: FrozenLabels = field(default=EMPTY_LABELS)
    schema_name: str = ""
    schema_version: str = ""
    created_at: str = ""
    updated_at: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", freeze_labels(self.labels))


# The relation's fields in order: the columns of the `relations` table.
RELATION_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Relation))


@dataclass(frozen=True)
class GoldRelation:
    """A relation of the adjudicated layer, between gold passages, with where it came
    from (the annotators' relations it was accepted from)."""

    id: str
    article_id: str
    type: str
    from_id: str  # gold passage ids
    to_id: str
    labels: FrozenLabels = field(default=EMPTY_LABELS)
    origin: str = "adjudicated"  # unanimous | adjudicated
    sources: tuple[str, ...] = ()  # ids of the annotators' relations it came from
    adjudicator: str = ""
    created_at: str = ""
    updated_at: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", freeze_labels(self.labels))
        object.__setattr__(self, "sources", tuple(self.sources))


GOLD_RELATION_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(GoldRelation))


@dataclass(frozen=True)
class DocumentLabels:
    """One annotator's labels on a whole article (the schema's document attributes)."""

    article_id: str
    annotator: str
    labels: FrozenLabels = field(default=EMPTY_LABELS)
    schema_name: str = ""
    schema_version: str = ""
    created_at: str = ""
    updated_at: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", freeze_labels(self.labels))


@dataclass(frozen=True)
class GoldDocumentLabels:
    """The adjudicated labels on a whole article, with where they came from."""

    article_id: str
    labels: FrozenLabels = field(default=EMPTY_LABELS)
    origin: str = "adjudicated"  # unanimous | adjudicated
    sources: tuple[str, ...] = ()  # the annotators whose labels it came from
    adjudicator: str = ""
    schema_name: str = ""
    schema_version: str = ""
    created_at: str = ""
    updated_at: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", freeze_labels(self.labels))
        object.__setattr__(self, "sources", tuple(self.sources))


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
