"""The native dataset format: JSON Lines, one object per (article, annotator).

A line holds the article (text and the metadata needed to recreate it), who annotated it,
under which label schema, that annotator's labels on the whole article
(`document_labels`), the actors its labels name (`actors`, once each) and every span with
its `labels` (attribute id -> value). Offsets are code-point offsets into the line's
`text`, half-open, and `text[start:end] == span["text"]` always. A span of a kind other
than the schema's default says so (`kind`); `relations` link spans of the line by id. The full description is
in docs/format.md; the JSON Schema of a line comes from the label schema in effect
(`annotations.export.json_schema`, `hashiya schema json-schema`).

Lines of the first version (`hashiya/1`: five fixed attributes on each span, the actor
written out in place) are still read, as the same labels.

This module is the one implementation of the format: what `export_records` and the
importer use (they pass rows and decoded JSON in, for speed, but the shapes are made and
checked here). Everything works on plain records and strings: no database, no files.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from annotations import untrusted
from annotations.models import (
    LEGACY_ATTRIBUTES,
    MAX_ANNOTATOR,
    MAX_ARTICLE_ID,
    MAX_PASSAGE_ID,
    Article,
    Comment,
    Passage,
    Relation,
    freeze_labels,
)
from annotations.text import check_name
from annotations.untrusted import (
    MAX_NESTING,
    InputError,
    check_nesting,
    json_type,
    may_hold_surrogates,
)

FORMAT = "hashiya/2"
FORMAT_1 = "hashiya/1"  # still read
READ_FORMATS = (FORMAT, FORMAT_1)
SPAN_FORMAT = "hashiya-span/2"

# The fixed span fields of a `hashiya/1` line, in the order they were written.
SPAN_ATTRIBUTES_1 = LEGACY_ATTRIBUTES

# What Python's str.splitlines() splits on: a span's sentence never crosses one, and
# brat's line-oriented .ann files cannot hold one.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
SENTENCE_TERMINATORS = frozenset(".؟!؛?")
# Closing marks that stay with the sentence they end: `قال: "نعم."` ends after the quote.
_CLOSERS = frozenset("\"'”’»)]}")

NativeDict = dict[str, Any]
Labels = Mapping[str, Any]


class FormatError(ValueError):
    """A line of a native file that cannot be read; str() is `LINE: PATH: reason`."""

    def __init__(self, lineno: int, reason: str, path: str = "") -> None:
        self.lineno = lineno
        self.path = path
        self.reason = reason
        super().__init__(f"{lineno}: {path}: {reason}" if path else f"{lineno}: {reason}")


@dataclass(frozen=True)
class ActorInfo:
    """An actor as it travels in a dataset, enough to recreate it in another database."""

    id: str
    name_ar: str | None = None
    name_en: str | None = None
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name_ar": self.name_ar,
            "name_en": self.name_en,
            "aliases": list(self.aliases),
        }


# How native_record finds an actor's names: a mapping or a function from actor id to an
# ActorInfo, a mapping with those keys, or any object with those attributes.
ActorLookup = Mapping[str, Any] | Callable[[str], Any]


@dataclass(frozen=True)
class Layout:
    """What a line's shape takes from the label schema: the order labels are written in
    (the schema's), and which attributes name actors (their entries go in `actors`)."""

    order: tuple[str, ...] = LEGACY_ATTRIBUTES
    document_order: tuple[str, ...] = ()
    actor_attributes: tuple[str, ...] = ("actor",)
    document_actor_attributes: tuple[str, ...] = ()

    @classmethod
    def of(cls, schema: Any) -> Layout:
        """The layout of a `LabelSchema`."""
        return cls(
            order=tuple(a.id for a in schema.attributes),
            document_order=tuple(a.id for a in schema.document_attributes),
            actor_attributes=tuple(a.id for a in schema.attributes if a.type == "actor"),
            document_actor_attributes=tuple(
                a.id for a in schema.document_attributes if a.type == "actor"
            ),
        )

    def ordered(self, labels: Labels, document: bool = False) -> dict[str, Any]:
        """The labels as written: the schema's attributes in its order, then any other
        (kept, never dropped) by id; lists copied."""
        order = self.document_order if document else self.order
        out = {k: _copy_value(labels[k]) for k in order if k in labels}
        if len(out) != len(labels):
            out.update((k, _copy_value(labels[k])) for k in sorted(labels) if k not in out)
        return out

    def actor_ids(self, labels: Labels, document: bool = False) -> Iterable[str]:
        """The actor ids these labels name, in attribute order."""
        for attr_id in self.document_actor_attributes if document else self.actor_attributes:
            value = labels.get(attr_id)
            if isinstance(value, str):
                yield value
            elif isinstance(value, list):
                yield from value


def _copy_value(value: Any) -> Any:
    return list(value) if isinstance(value, list | tuple) else value


LEGACY_LAYOUT = Layout()


class LabelOrder:
    """Stored labels text -> the labels as written, remembered per distinct text: an
    export sees the same few combinations over and over."""

    def __init__(self, layout: Layout, document: bool = False) -> None:
        self.layout = layout
        self.document = document
        self.seen: dict[str, dict[str, Any]] = {}

    def __call__(self, stored: str) -> dict[str, Any]:
        found = self.seen.get(stored)
        if found is None:
            found = self.layout.ordered(json.loads(stored), self.document)
            if len(self.seen) < 100_000:
                self.seen[stored] = found
        # A copy of the outer mapping (cheap); the lists inside are never changed.
        return dict(found)


@dataclass(frozen=True)
class SpanComment:
    """One comment of a span's thread, as it travels in a dataset."""

    author: str
    text: str
    at: str

    def to_dict(self) -> dict[str, str]:
        return {"author": self.author, "text": self.text, "at": self.at}


@dataclass(frozen=True)
class NativeSpan:
    """One span of a native record."""

    id: str
    start: int
    end: int
    text: str
    labels: Labels = field(default_factory=dict)  # attribute id -> value, as written
    created_at: str = ""
    updated_at: str = ""
    comments: tuple[SpanComment, ...] = ()  # written only when there are some
    kind: str = ""  # the schema's kind; "" (the default kind) is not written
    suggested: bool = False  # an open suggestion (export --include-suggestions), no passage

    def to_dict(self, layout: Layout = LEGACY_LAYOUT) -> dict[str, Any]:
        return span_dict(
            self.id,
            self.start,
            self.end,
            self.text,
            layout.ordered(self.labels),
            self.created_at,
            self.updated_at,
            [c.to_dict() for c in self.comments],
            kind=self.kind,
        )


@dataclass(frozen=True)
class NativeRelation:
    """One relation of a native record: a typed link between two spans of the line."""

    id: str
    type: str
    from_id: str  # span ids of the same line
    to_id: str
    labels: Labels = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return relation_dict(
            self.id,
            self.type,
            self.from_id,
            self.to_id,
            dict(self.labels),
            self.created_at,
            self.updated_at,
        )


def relation_dict(
    rel_id: str,
    rel_type: str,
    from_id: str,
    to_id: str,
    labels: dict[str, Any],
    created_at: str,
    updated_at: str,
) -> dict[str, Any]:
    """A relation as a line holds it (keys in their fixed order)."""
    return {
        "id": rel_id,
        "type": rel_type,
        "from": from_id,
        "to": to_id,
        "labels": labels,
        "created_at": created_at,
        "updated_at": updated_at,
    }


def span_dict(
    span_id: str,
    start: int,
    end: int,
    text: str,
    labels: dict[str, Any],
    created_at: str,
    updated_at: str,
    comments: list[dict[str, str]] | None = None,
    *,
    kind: str = "",
) -> dict[str, Any]:
    """A span as a line holds it (keys in their fixed order; `kind` only when it is not
    the default)."""
    span: dict[str, Any] = {"id": span_id, "start": start, "end": end, "text": text}
    if kind:
        span["kind"] = kind
    span["labels"] = labels
    span["created_at"] = created_at
    span["updated_at"] = updated_at
    if comments:  # the key only on commented spans
        span["comments"] = comments
    return span


def row_spans(
    rows: Iterable[Sequence[Any]],
    text: str,
    order: LabelOrder,
    threads: Mapping[str, list[dict[str, str]]],
) -> list[dict[str, Any]]:
    """The spans of stored passage rows of one article, as `span_dict` makes them: each
    row (id, article id, annotator, start, end, quoted text, labels as stored, created
    at, updated at, kind); `threads` the comment threads by passage id (copied in).

    The export's inner loop, so `span_dict` and `check_quote` are spelled out here.
    Raises QuoteError (from `check_quote`) if a row's quote does not fit `text`."""
    spans: list[dict[str, Any]] = []
    append = spans.append
    seen = order.seen
    length = len(text)
    for span_id, article_id, _, start, end, quoted, stored, created_at, updated_at, kind in rows:
        if not 0 <= start <= end <= length or text[start:end] != quoted:
            check_quote(span_id, article_id, text, start, end, quoted)
        labels = seen.get(stored)
        labels = order(stored) if labels is None else labels.copy()
        span = {
            "id": span_id,
            "start": start,
            "end": end,
            "text": quoted,
            "kind": kind,
            "labels": labels,
            "created_at": created_at,
            "updated_at": updated_at,
        }
        if not kind:  # the default kind is not written (the other keys keep their order)
            del span["kind"]
        if threads:
            thread = threads.get(span_id)
            if thread:
                span["comments"] = [dict(c) for c in thread]
        append(span)
    return spans


def record_dict(
    article: Sequence[Any],
    annotator: str,
    status: str | None,
    schema_name: str,
    schema_version: str,
    document_labels: dict[str, Any],
    actors: list[dict[str, Any]],
    spans: list[dict[str, Any]],
    exported_at: str,
    relations: list[dict[str, Any]] | None = None,
) -> NativeDict:
    """A line (keys in their fixed order; `relations` only when there are some).
    `article` is (id, title, source, published, origin, text, metadata)."""
    line: NativeDict = {
        "format": FORMAT,
        "article_id": article[0],
        "title": article[1],
        "source": article[2],
        "published": article[3],
        "origin": article[4],
        "metadata": article[6],
        "text": article[5],
        "annotator": annotator,
        "status": status,
        "schema": {"name": schema_name, "version": schema_version},
        "document_labels": document_labels,
        "actors": actors,
        "spans": spans,
    }
    if relations:
        line["relations"] = relations
    line["exported_at"] = exported_at
    return line


def used_actors(
    spans: Iterable[Mapping[str, Any]],
    document_labels: Labels,
    layout: Layout,
    actor_dict: Callable[[str], dict[str, Any]],
) -> list[dict[str, Any]]:
    """The `actors` of a line: each actor its labels name, once, in order of first use
    (document labels first, then the spans in order)."""
    seen: dict[str, dict[str, Any]] = {}
    for actor_id in layout.actor_ids(document_labels, document=True):
        if actor_id not in seen:
            seen[actor_id] = actor_dict(actor_id)
    # `layout.actor_ids` spelled out: this runs for every span of an export.
    attributes = layout.actor_attributes
    for span in spans:
        labels = span["labels"]
        for attr_id in attributes:
            value = labels.get(attr_id)
            if value is None:
                continue
            if isinstance(value, str):
                if value not in seen:
                    seen[value] = actor_dict(value)
            elif isinstance(value, list):
                for actor_id in value:
                    if actor_id not in seen:
                        seen[actor_id] = actor_dict(actor_id)
    return list(seen.values())


@dataclass(frozen=True)
class NativeRecord:
    """One line of a native file: an article, one annotator's spans and document labels.

    `format` is the version the line was read from; `to_dict` always writes FORMAT."""

    article_id: str
    title: str
    source: str
    text: str
    annotator: str
    status: str | None
    schema_name: str
    schema_version: str
    spans: tuple[NativeSpan, ...]
    exported_at: str
    published: str | None = None
    origin: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    document_labels: Labels = field(default_factory=dict)
    actor_entries: tuple[ActorInfo, ...] = ()  # the line's `actors`
    format: str = FORMAT
    relations: tuple[NativeRelation, ...] = ()

    def to_dict(self, layout: Layout = LEGACY_LAYOUT) -> NativeDict:
        """The record as written, keys in their fixed order."""
        spans = [span.to_dict(layout) for span in self.spans]
        document = layout.ordered(self.document_labels, document=True)
        known = {a.id: a for a in self.actor_entries}
        actors = used_actors(
            spans, document, layout, lambda i: known.get(i, ActorInfo(i)).to_dict()
        )
        article = (
            self.article_id,
            self.title,
            self.source,
            self.published,
            self.origin,
            self.text,
            copy.deepcopy(self.metadata),
        )
        return record_dict(
            article,
            self.annotator,
            self.status,
            self.schema_name,
            self.schema_version,
            document,
            actors,
            spans,
            self.exported_at,
            [r.to_dict() for r in self.relations],
        )

    def article(self, paragraphs: tuple[tuple[int, int], ...], imported_at: str = "") -> Article:
        """The article to store; paragraphs are not in the format, the importer computes them."""
        return Article(
            id=self.article_id,
            title=self.title,
            source=self.source,
            text=self.text,
            paragraphs=paragraphs,
            published=self.published,
            origin=self.origin,
            imported_at=imported_at,
            metadata=copy.deepcopy(self.metadata),
        )

    def passages(self) -> list[Passage]:
        """The spans as passages of this record's annotator."""
        return [
            Passage(
                id=span.id,
                article_id=self.article_id,
                start=span.start,
                end=span.end,
                text=span.text,
                annotator=self.annotator,
                labels=span.labels,
                schema_name=self.schema_name,
                schema_version=self.schema_version,
                created_at=span.created_at,
                updated_at=span.updated_at,
                kind=span.kind,
            )
            for span in self.spans
        ]

    def relation_records(self, stamp: str = "") -> list[Relation]:
        """The relations as relations of this record's annotator (`stamp` stands in
        for times the line does not give)."""
        return [
            Relation(
                id=r.id,
                article_id=self.article_id,
                annotator=self.annotator,
                type=r.type,
                from_id=r.from_id,
                to_id=r.to_id,
                labels=freeze_labels(r.labels),
                schema_name=self.schema_name,
                schema_version=self.schema_version,
                created_at=r.created_at or stamp,
                updated_at=r.updated_at or r.created_at or stamp,
            )
            for r in self.relations
        ]

    def comments(self) -> list[Comment]:
        """The spans' comment threads, as comments on the passages of the same ids."""
        return [
            Comment(span.id, c.author, c.text, c.at) for span in self.spans for c in span.comments
        ]

    def actors(self) -> dict[str, ActorInfo]:
        """The actors the line describes, by id (for recreating unknown ones)."""
        return {a.id: a for a in self.actor_entries}


# --------------------------------------------------------------------------- writing


def native_record(
    article: Article,
    annotator: str,
    status: str | None,
    schema_name: str,
    schema_version: str,
    passages: Iterable[Passage],
    actor_lookup: ActorLookup,
    exported_at: str,
    *,
    document_labels: Labels | None = None,
    layout: Layout = LEGACY_LAYOUT,
    relations: Iterable[Relation] = (),
) -> NativeDict:
    """The native record of one annotator's passages (and document labels, and the
    relations between them) on one article.

    Spans are ordered by (start, end, id); labels are written in `layout`'s (the
    schema's) order; relations in the order given, those whose ends are not both among
    `passages` left out. Raises ValueError if a passage belongs to another article or
    annotator, or its offsets or quoted text do not fit the article.
    """
    spans = []
    for passage in sorted(passages, key=lambda p: (p.start, p.end, p.id)):
        where = f"passage {passage.id}"
        if passage.article_id != article.id:
            raise ValueError(
                f"{where} belongs to article {passage.article_id!r}, not {article.id!r}"
            )
        if passage.annotator != annotator:
            raise ValueError(f"{where} is by {passage.annotator!r}, not {annotator!r}")
        spans.append(
            span_dict(
                passage.id,
                passage.start,
                passage.end,
                check_quote(
                    passage.id, article.id, article.text, passage.start, passage.end, passage.text
                ),
                layout.ordered(passage.labels),
                passage.created_at,
                passage.updated_at,
                kind=passage.kind,
            )
        )
    document = layout.ordered(document_labels or {}, document=True)
    actors = used_actors(spans, document, layout, lambda i: lookup_actor(actor_lookup, i).to_dict())
    row = (
        article.id,
        article.title,
        article.source,
        article.published,
        article.origin,
        article.text,
        copy.deepcopy(dict(article.metadata)),
    )
    return record_dict(
        row,
        annotator,
        status,
        schema_name,
        schema_version,
        document,
        actors,
        spans,
        exported_at,
        line_relations(relations, {span["id"] for span in spans}),
    )


def line_relations(
    relations: Iterable[Relation], span_ids: Collection[str]
) -> list[dict[str, Any]]:
    """The `relations` of a line: those whose two ends are among its spans."""
    return [
        relation_dict(
            r.id, r.type, r.from_id, r.to_id, r.labels.to_dict(), r.created_at, r.updated_at
        )
        for r in relations
        if r.from_id in span_ids and r.to_id in span_ids
    ]


class QuoteError(ValueError):
    """A passage's offsets or quoted text do not fit its article's text."""


def check_quote(
    passage_id: str, article_id: str, text: str, start: int, end: int, quoted: str
) -> str:
    """`quoted`, after checking it is text[start:end]; QuoteError if it is not."""
    if not 0 <= start <= end <= len(text):
        raise QuoteError(
            f"passage {passage_id}: offsets {start}..{end} do not fit the text "
            f"of article {article_id!r} (length {len(text)})"
        )
    if text[start:end] != quoted:
        raise QuoteError(
            f"passage {passage_id}: quoted text {quoted!r} differs from the article's "
            f"{text[start:end]!r}"
        )
    return quoted


def lookup_actor(actor_lookup: ActorLookup, actor_id: str) -> ActorInfo:
    """The ActorInfo for an id; an actor the lookup does not know keeps only its id."""
    found = (
        actor_lookup.get(actor_id) if isinstance(actor_lookup, Mapping) else actor_lookup(actor_id)
    )
    if found is None:
        return ActorInfo(id=actor_id)
    if isinstance(found, ActorInfo):
        return found

    def attribute(key: str) -> Any:
        return found.get(key) if isinstance(found, Mapping) else getattr(found, key, None)

    return ActorInfo(
        id=actor_id,
        name_ar=attribute("name_ar"),
        name_en=attribute("name_en"),
        aliases=tuple(attribute("aliases") or ()),
    )


# Characters json.dumps(ensure_ascii=False) leaves raw that some line readers split on
# (str.splitlines, editors). They only ever occur inside JSON strings, so escaping them
# there keeps the line one line without changing the value.
_LINE_SAFE = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})
# Records are trees the exporters build (no cycles to look for: that check costs a
# dictionary entry per object written).
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def dumps_line(record: Mapping[str, Any]) -> str:
    """One compact JSON line (no trailing newline), Arabic written as UTF-8 text."""
    line = _COMPACT.encode(record)
    # translate() costs most of a line's time: only when one of the three is there.
    if "\x85" in line or "\u2028" in line or "\u2029" in line:
        line = line.translate(_LINE_SAFE)
    return line


# --------------------------------------------------------------------------- span unit


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The (start, end) of the sentence, or sentences, around text[start:end].

    A sentence ends after . ؟ ! ؛ or ? together with any closing quotes or brackets
    written right after it, or at a line break (a paragraph end). A full stop between two
    digits (3.5) ends nothing. Whitespace at either end is left out; the result always
    contains the span.
    """
    sentence_start = start
    while sentence_start > 0:
        before = sentence_start - 1
        if text[before] in LINE_BREAKS or _ends_sentence(text, before):
            break
        sentence_start = before
    if sentence_start > 0 and text[sentence_start - 1] not in LINE_BREAKS:
        # Closing marks written right after the terminator end the previous sentence.
        while sentence_start < start and text[sentence_start] in _CLOSERS:
            sentence_start += 1
    while sentence_start < start and text[sentence_start].isspace():
        sentence_start += 1

    sentence_end = end
    span_ends_sentence = end > start and (
        text[end - 1] in LINE_BREAKS or _closes_sentence(text, end - 1)
    )
    if not span_ends_sentence:
        while sentence_end < len(text) and text[sentence_end] not in LINE_BREAKS:
            sentence_end += 1
            if _ends_sentence(text, sentence_end - 1):
                break
    if sentence_end > 0 and _closes_sentence(text, sentence_end - 1):
        while sentence_end < len(text) and (
            text[sentence_end] in SENTENCE_TERMINATORS or text[sentence_end] in _CLOSERS
        ):
            sentence_end += 1
    while sentence_end > end and text[sentence_end - 1].isspace():
        sentence_end -= 1
    return sentence_start, sentence_end


def _ends_sentence(text: str, index: int) -> bool:
    """text[index] is a sentence terminator (not a decimal point)."""
    char = text[index]
    if char not in SENTENCE_TERMINATORS:
        return False
    if char == "." and 0 < index < len(text) - 1:
        return not (text[index - 1].isdigit() and text[index + 1].isdigit())
    return True


def _closes_sentence(text: str, index: int) -> bool:
    """text[index] is a terminator, or a closing mark written right after one."""
    while index >= 0 and text[index] in _CLOSERS:
        index -= 1
    return index >= 0 and _ends_sentence(text, index)


# What a span says of suggestions: the suggester a passage was accepted from, and on
# an open suggestion (export --include-suggestions) the flag and the model's score.
SUGGESTION_KEYS = ("suggested", "suggested_by", "score")


def span_record(
    record: Mapping[str, Any], span: Mapping[str, Any], layout: Layout = LEGACY_LAYOUT
) -> NativeDict:
    """One `--unit span` line: a span of a native record with the sentence around it,
    its line's document labels and the actors its labels name."""
    text: str = record["text"]
    start, end = span["start"], span["end"]
    context_start, context_end = sentence_bounds(text, start, end)
    named = set(layout.actor_ids(span["labels"]))
    return {
        "format": SPAN_FORMAT,
        "id": span["id"],
        "article_id": record["article_id"],
        "title": record["title"],
        "source": record["source"],
        "annotator": record["annotator"],
        "status": record["status"],
        "schema": dict(record["schema"]),
        "start": start,
        "end": end,
        "text": span["text"],
        **({"kind": span["kind"]} if span.get("kind") else {}),
        "labels": copy.deepcopy(span["labels"]),
        "actors": [copy.deepcopy(a) for a in record["actors"] if a["id"] in named],
        "document_labels": copy.deepcopy(record["document_labels"]),
        "context": text[context_start:context_end],
        "context_start": context_start,
        "start_in_context": start - context_start,
        "end_in_context": end - context_start,
        "created_at": span["created_at"],
        "updated_at": span["updated_at"],
        **({"comments": copy.deepcopy(span["comments"])} if span.get("comments") else {}),
        **{key: span[key] for key in SUGGESTION_KEYS if key in span},
        "exported_at": record["exported_at"],
    }


def span_records(record: Mapping[str, Any], layout: Layout = LEGACY_LAYOUT) -> list[NativeDict]:
    """The `--unit span` lines of a native record, in span order."""
    return [span_record(record, span, layout) for span in record["spans"]]


def native_lines(
    records: Iterable[Mapping[str, Any]], unit: str = "article", layout: Layout = LEGACY_LAYOUT
) -> Iterator[str]:
    """The lines of a native export (`--unit article` or `span`)."""
    if unit not in ("article", "span"):
        raise ValueError(f"the native format has no unit {unit!r}")
    for record in records:
        if unit == "span":
            yield from (dumps_line(line) for line in span_records(record, layout))
        else:
            yield dumps_line(record)


# --------------------------------------------------------------------------- reading


def parse_native_line(
    line: str, lineno: int, known_values: Mapping[str, Collection[str]] | None = None
) -> NativeRecord:
    """Read one native line (`hashiya/2`, or `hashiya/1` read as the same labels),
    checking every field the format promises.

    `known_values` maps attribute ids to the value ids the importing database knows; a
    span naming another one is an error (the full check against a label schema is
    `LabelSchema.validate_labels`, which the importer runs). Raises FormatError. Keys the
    format does not define are ignored. Strings must be text UTF-8 can hold (no lone
    surrogates), metadata nests at most `untrusted.MAX_NESTING` levels, and ids have the
    lengths `annotations.models` allows.

    Most lines are plainly valid: those are checked straight on the decoded JSON with no
    per-field calls; anything else goes through the field-by-field reader, which names
    the first problem.
    """
    try:
        data = json.loads(line)  # a line end is JSON whitespace
    except (ValueError, RecursionError):
        data = None
    record = None
    if type(data) is dict and not may_hold_surrogates(line):
        record = _quick(data)
    if record is None:
        record = _parse_fully(line.rstrip("\r\n"), lineno)
    if known_values:
        _check_known(record, lineno, known_values)
    return record


def _check_known(
    record: NativeRecord, lineno: int, known_values: Mapping[str, Collection[str]]
) -> None:
    for index, span in enumerate(record.spans):
        for attr_id, known in known_values.items():
            value = span.labels.get(attr_id)
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, str) and item not in known:
                    raise FormatError(
                        lineno, f"unknown {attr_id} {item!r}", f"spans[{index}].labels.{attr_id}"
                    )


_ACCEPTED_ACTORS: dict[str, dict[str, Any]] = {}


def _plain_labels(labels: dict[str, Any]) -> bool:
    """A labels object as the full reader accepts it."""
    if "" in labels:
        return False
    for value in labels.values():
        kind = type(value)
        if kind is str or kind is bool:
            continue
        if kind is not list or not value or not all(type(v) is str for v in value):
            return False
    return True


def _quick(data: dict[str, Any]) -> NativeRecord | None:
    """The record of a plainly valid `hashiya/2` line (every check the full reader
    makes), else None."""
    try:
        article_id = data["article_id"]
        title = data["title"]
        source = data["source"]
        published = data["published"]
        origin = data["origin"]
        metadata = data["metadata"]
        text = data["text"]
        annotator = data["annotator"]
        status = data["status"]
        schema = data["schema"]
        document = data["document_labels"]
        actors = data["actors"]
        spans = data["spans"]
        exported_at = data["exported_at"]
        if not (
            data["format"] == FORMAT
            and type(exported_at) is str
            and type(article_id) is str
            and article_id
            and len(article_id) <= MAX_ARTICLE_ID
            and type(title) is str
            and type(source) is str
            and (published is None or type(published) is str)
            and (origin is None or type(origin) is str)
            and type(metadata) is dict
            and type(text) is str
            and type(annotator) is str
            and annotator
            and len(annotator) <= MAX_ANNOTATOR
            and check_name(annotator) is None
            and (status is None or type(status) is str)
            and type(schema) is dict
            and type(document) is dict
            and type(actors) is list
            and type(spans) is list
        ):
            return None
        schema_name = schema["name"]
        schema_version = schema["version"]
    except KeyError:
        return None
    if type(schema_name) is not str or type(schema_version) is not str:
        return None
    if metadata and not _shallow(metadata):
        return None
    if document and not _plain_labels(document):
        return None
    entries = []
    accepted = _ACCEPTED_ACTORS
    for actor in actors:
        if type(actor) is not dict:
            return None
        # Every line of a file lists the same few actors: one equal to an actor accepted
        # before needs no checks (a dict comparison costs less than checking each alias).
        actor_id = actor.get("id")
        if type(actor_id) is not str or accepted.get(actor_id) != actor:
            if not _plain_actor(actor):
                return None
            if len(accepted) < 10_000:
                accepted[actor["id"]] = copy.deepcopy(actor)
        entries.append(
            ActorInfo(
                actor["id"], actor["name_ar"], actor["name_en"], tuple(actor.get("aliases", ()))
            )
        )
    length = len(text)
    seen: set[str] = set()
    out: list[NativeSpan] = []
    for span in spans:
        if type(span) is not dict:
            return None
        try:
            span_id = span["id"]
            start = span["start"]
            end = span["end"]
            quoted = span["text"]
            labels = span["labels"]
            created_at = span["created_at"]
            updated_at = span["updated_at"]
        except KeyError:
            return None
        if not (
            type(span_id) is str
            and span_id
            and len(span_id) <= MAX_PASSAGE_ID
            and span_id not in seen
            and type(start) is int
            and type(end) is int
            and 0 <= start <= end <= length
            and type(quoted) is str
            and text[start:end] == quoted
            and type(labels) is dict
            and type(created_at) is str
            and type(updated_at) is str
        ):
            return None
        if labels and not _plain_labels(labels):
            return None
        kind = span.get("kind", "")
        if type(kind) is not str or (kind and check_name(kind) is not None):
            return None
        seen.add(span_id)
        comments: tuple[SpanComment, ...] = ()
        thread = span.get("comments")
        if thread is not None:
            if not _plain_comments(thread):
                return None
            comments = tuple(SpanComment(c["author"], c["text"], c["at"]) for c in thread)
        out.append(
            NativeSpan(
                span_id,
                start,
                end,
                quoted,
                labels,
                created_at,
                updated_at,
                comments,
                kind,
                suggested=span.get("suggested") is True,
            )
        )
    relations: tuple[NativeRelation, ...] = ()
    raw_relations = data.get("relations")
    if raw_relations is not None:
        found = _quick_relations(raw_relations, seen)
        if found is None:
            return None
        relations = found
    return NativeRecord(
        article_id=article_id,
        title=title,
        source=source,
        text=text,
        annotator=annotator,
        status=status,
        schema_name=schema_name,
        schema_version=schema_version,
        spans=tuple(out),
        exported_at=exported_at,
        published=published,
        origin=origin,
        metadata=metadata,
        document_labels=document,
        actor_entries=tuple(entries),
        relations=relations,
    )


def _quick_relations(raw: object, span_ids: Collection[str]) -> tuple[NativeRelation, ...] | None:
    """The relations of a plainly valid line (every check the full reader makes), else
    None."""
    if type(raw) is not list:
        return None
    out: list[NativeRelation] = []
    seen: set[str] = set()
    for rel in raw:
        if type(rel) is not dict:
            return None
        rel_id = rel.get("id")
        rel_type = rel.get("type")
        from_id = rel.get("from")
        to_id = rel.get("to")
        labels = rel.get("labels", {})
        created_at = rel.get("created_at", "")
        updated_at = rel.get("updated_at", "")
        if not (
            type(rel_id) is str
            and rel_id
            and len(rel_id) <= MAX_PASSAGE_ID
            and rel_id not in seen
            and type(rel_type) is str
            and rel_type
            and check_name(rel_type) is None
            and type(from_id) is str
            and type(to_id) is str
            and from_id in span_ids
            and to_id in span_ids
            and type(labels) is dict
            and type(created_at) is str
            and type(updated_at) is str
        ):
            return None
        if labels and not _plain_labels(labels):
            return None
        seen.add(rel_id)
        out.append(NativeRelation(rel_id, rel_type, from_id, to_id, labels, created_at, updated_at))
    return tuple(out)


def _plain_comments(thread: object) -> bool:
    """A comment thread as the full reader accepts it."""
    return type(thread) is list and all(
        type(c) is dict
        and type(c.get("author")) is str
        and c["author"]
        and check_name(c["author"]) is None
        and type(c.get("text")) is str
        and c["text"]
        and type(c.get("at")) is str
        for c in thread
    )


def _shallow(metadata: dict[str, Any]) -> bool:
    """Metadata within the nesting limit (most is flat: that is checked first)."""
    if not any(isinstance(value, dict | list) for value in metadata.values()):
        return True
    try:
        check_nesting(metadata, limit=MAX_NESTING)
    except ValueError:
        return False
    return True


def _plain_actor(actor: dict[str, Any]) -> bool:
    """An actor object as the full reader accepts it."""
    try:
        actor_id, name_ar, name_en = actor["id"], actor["name_ar"], actor["name_en"]
    except KeyError:
        return False
    aliases = actor.get("aliases", [])
    return (
        type(actor_id) is str
        and bool(actor_id)
        and check_name(actor_id) is None
        and (name_ar is None or (type(name_ar) is str and check_name(name_ar) is None))
        and (name_en is None or (type(name_en) is str and check_name(name_en) is None))
        and type(aliases) is list
        and all(type(alias) is str and check_name(alias) is None for alias in aliases)
    )


def _parse_fully(line: str, lineno: int) -> NativeRecord:
    try:
        data = untrusted.loads(line)
    except json.JSONDecodeError as error:
        raise FormatError(lineno, f"not valid JSON: {error.msg} (column {error.colno})") from None
    except InputError as error:
        raise FormatError(lineno, error.reason) from None
    reader = _Reader(lineno)
    if not isinstance(data, dict):
        reader.fail("", f"expected a JSON object, got {json_type(data)}")
    if untrusted.may_hold_surrogates(line):
        reader.text(data)

    fmt = reader.string(data, "format", "format")
    if fmt not in READ_FORMATS:
        reader.fail(
            "format",
            f"unsupported format {fmt!r} (this version reads {' and '.join(map(repr, READ_FORMATS))})",
        )
    version_1 = fmt == FORMAT_1
    article_id = reader.string(data, "article_id", "article_id", non_empty=True)
    reader.length(article_id, "article_id", MAX_ARTICLE_ID)
    title = reader.string(data, "title", "title")
    source = reader.string(data, "source", "source")
    published = reader.optional_string(data, "published", "published")
    origin = reader.optional_string(data, "origin", "origin")
    metadata = reader.object(data, "metadata", "metadata")
    reader.nesting(metadata, "metadata")
    text = reader.string(data, "text", "text")
    annotator = reader.name(data, "annotator", "annotator")
    reader.length(annotator, "annotator", MAX_ANNOTATOR)
    status = reader.optional_string(data, "status", "status")
    schema = reader.object(data, "schema", "schema")
    schema_name = reader.string(schema, "name", "schema.name")
    schema_version = reader.string(schema, "version", "schema.version")
    entries: dict[str, ActorInfo] = {}
    if version_1:
        document: dict[str, Any] = {}
    else:
        document = reader.labels(data, "document_labels", "document_labels")
        for index, raw in enumerate(reader.array(data, "actors", "actors")):
            actor = reader.actor_object(raw, f"actors[{index}]")
            entries.setdefault(actor.id, actor)
    raw_spans = reader.array(data, "spans", "spans")
    exported_at = reader.string(data, "exported_at", "exported_at")

    spans: list[NativeSpan] = []
    seen_ids: dict[str, int] = {}
    for index, raw in enumerate(raw_spans):
        path = f"spans[{index}]"
        if not isinstance(raw, dict):
            reader.fail(path, f"expected an object, got {json_type(raw)}")
        span = reader.span(raw, path, text, entries if version_1 else None)
        if span.id in seen_ids:
            reader.fail(f"{path}.id", f"duplicate id {span.id!r} (also spans[{seen_ids[span.id]}])")
        seen_ids[span.id] = index
        spans.append(span)
    relations: list[NativeRelation] = []
    if not version_1 and "relations" in data:
        seen_relations: dict[str, int] = {}
        for index, raw in enumerate(reader.array(data, "relations", "relations")):
            path = f"relations[{index}]"
            if not isinstance(raw, dict):
                reader.fail(path, f"expected an object, got {json_type(raw)}")
            rel = reader.relation(raw, path, seen_ids)
            if rel.id in seen_relations:
                reader.fail(
                    f"{path}.id",
                    f"duplicate id {rel.id!r} (also relations[{seen_relations[rel.id]}])",
                )
            seen_relations[rel.id] = index
            relations.append(rel)

    return NativeRecord(
        format=fmt,
        article_id=article_id,
        title=title,
        source=source,
        published=published,
        origin=origin,
        metadata=metadata,
        text=text,
        annotator=annotator,
        status=status,
        schema_name=schema_name,
        schema_version=schema_version,
        spans=tuple(spans),
        exported_at=exported_at,
        document_labels=document,
        actor_entries=tuple(entries.values()),
        relations=tuple(relations),
    )


class _Reader:
    """Field access that raises FormatError naming the line and the field's path."""

    def __init__(self, lineno: int) -> None:
        self.lineno = lineno

    def fail(self, path: str, reason: str) -> NoReturn:
        raise FormatError(self.lineno, reason, path)

    def text(self, data: Any) -> None:
        """Every string and key is text UTF-8 can hold."""
        try:
            untrusted.check_text(data)
        except InputError as error:
            self.fail(error.path, error.reason)

    def nesting(self, value: Any, path: str) -> None:
        try:
            untrusted.check_nesting(value, path)
        except InputError as error:
            self.fail(error.path, error.reason)

    def length(self, value: str, path: str, limit: int) -> None:
        if len(value) > limit:
            self.fail(path, f"{len(value):,} characters long (at most {limit})")

    def _get(self, obj: Mapping[str, Any], key: str, path: str) -> Any:
        if key not in obj:
            self.fail(path, "missing field")
        return obj[key]

    def string(self, obj: Mapping[str, Any], key: str, path: str, non_empty: bool = False) -> str:
        value = self._get(obj, key, path)
        if not isinstance(value, str):
            self.fail(path, f"expected a string, got {json_type(value)}")
        if non_empty and not value:
            self.fail(path, "must not be empty")
        return value

    def optional_string(self, obj: Mapping[str, Any], key: str, path: str) -> str | None:
        value = self._get(obj, key, path)
        if value is not None and not isinstance(value, str):
            self.fail(path, f"expected a string or null, got {json_type(value)}")
        return value

    def name(self, obj: Mapping[str, Any], key: str, path: str) -> str:
        """A non-empty string shown on one line (an annotator, an id)."""
        value = self.string(obj, key, path, non_empty=True)
        self.check_name(value, path)
        return value

    def optional_name(self, obj: Mapping[str, Any], key: str, path: str) -> str | None:
        value = self.optional_string(obj, key, path)
        if value is not None:
            self.check_name(value, path)
        return value

    def check_name(self, value: str, path: str) -> None:
        reason = check_name(value)
        if reason is not None:
            self.fail(path, reason)

    def integer(self, obj: Mapping[str, Any], key: str, path: str) -> int:
        value = self._get(obj, key, path)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"expected an integer, got {json_type(value)}")
        return value

    def object(self, obj: Mapping[str, Any], key: str, path: str) -> dict[str, Any]:
        value = self._get(obj, key, path)
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {json_type(value)}")
        return value

    def array(self, obj: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = self._get(obj, key, path)
        if not isinstance(value, list):
            self.fail(path, f"expected an array, got {json_type(value)}")
        return value

    def comments(self, obj: Mapping[str, Any], path: str) -> tuple[SpanComment, ...]:
        """A span's optional comment thread (files written before comments travelled
        have none)."""
        if "comments" not in obj:
            return ()
        raw = self.array(obj, "comments", path)
        out = []
        for index, item in enumerate(raw):
            where = f"{path}[{index}]"
            if not isinstance(item, dict):
                self.fail(where, f"expected an object, got {json_type(item)}")
            out.append(
                SpanComment(
                    author=self.name(item, "author", f"{where}.author"),
                    text=self.string(item, "text", f"{where}.text", non_empty=True),
                    at=self.string(item, "at", f"{where}.at"),
                )
            )
        return tuple(out)

    def actor_object(self, value: Any, path: str) -> ActorInfo:
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {json_type(value)}")
        aliases = value.get("aliases", [])
        if not isinstance(aliases, list):
            self.fail(f"{path}.aliases", f"expected an array, got {json_type(aliases)}")
        for index, alias in enumerate(aliases):
            if not isinstance(alias, str):
                self.fail(f"{path}.aliases[{index}]", f"expected a string, got {json_type(alias)}")
            self.check_name(alias, f"{path}.aliases[{index}]")
        return ActorInfo(
            id=self.name(value, "id", f"{path}.id"),
            name_ar=self.optional_name(value, "name_ar", f"{path}.name_ar"),
            name_en=self.optional_name(value, "name_en", f"{path}.name_en"),
            aliases=tuple(aliases),
        )

    def labels(self, obj: Mapping[str, Any], key: str, path: str) -> dict[str, Any]:
        """A labels object: attribute id -> text, true/false, or a non-empty array of text."""
        value = self.object(obj, key, path)
        for attr_id, item in value.items():
            where = untrusted.field_path(path, attr_id)
            if not attr_id:
                self.fail(path, "an attribute id must not be empty")
            if isinstance(item, list):
                if not item:
                    self.fail(where, "an empty array (leave the attribute out instead)")
                for index, element in enumerate(item):
                    if not isinstance(element, str):
                        self.fail(
                            f"{where}[{index}]", f"expected a string, got {json_type(element)}"
                        )
            elif not isinstance(item, str | bool):
                self.fail(
                    where,
                    f"expected a string, true/false or an array of strings, got {json_type(item)}",
                )
        return value

    def span(
        self,
        raw: Mapping[str, Any],
        path: str,
        text: str,
        actors_1: dict[str, ActorInfo] | None,
    ) -> NativeSpan:
        """One span; `actors_1` is given for a `hashiya/1` line, whose spans carry their
        actor in place (it is added there)."""
        span_id = self.string(raw, "id", f"{path}.id", non_empty=True)
        self.length(span_id, f"{path}.id", MAX_PASSAGE_ID)
        start = self.integer(raw, "start", f"{path}.start")
        end = self.integer(raw, "end", f"{path}.end")
        quoted = self.string(raw, "text", f"{path}.text")
        if start < 0:
            self.fail(f"{path}.start", f"{start} is before the start of the text")
        if end > len(text):
            self.fail(f"{path}.end", f"{end} is past the end of the text (length {len(text)})")
        if start > end:
            self.fail(path, f"start {start} > end {end}")
        if text[start:end] != quoted:
            self.fail(
                f"{path}.text", f"{quoted!r} differs from text[{start}:{end}] {text[start:end]!r}"
            )
        kind = ""
        if actors_1 is None:
            labels = self.labels(raw, "labels", f"{path}.labels")
            if "kind" in raw:
                kind = self.string(raw, "kind", f"{path}.kind")
                if kind:
                    self.check_name(kind, f"{path}.kind")
        else:
            labels = self._labels_1(raw, path, actors_1)
        return NativeSpan(
            id=span_id,
            start=start,
            end=end,
            text=quoted,
            labels=labels,
            created_at=self.string(raw, "created_at", f"{path}.created_at"),
            updated_at=self.string(raw, "updated_at", f"{path}.updated_at"),
            comments=self.comments(raw, f"{path}.comments"),
            kind=kind,
            suggested=raw.get("suggested") is True,
        )

    def relation(
        self, raw: Mapping[str, Any], path: str, span_ids: Collection[str]
    ) -> NativeRelation:
        """One relation: both ends spans of this line."""
        rel_id = self.string(raw, "id", f"{path}.id", non_empty=True)
        self.length(rel_id, f"{path}.id", MAX_PASSAGE_ID)
        rel_type = self.name(raw, "type", f"{path}.type")
        ends = []
        for key in ("from", "to"):
            span_id = self.string(raw, key, f"{path}.{key}", non_empty=True)
            if span_id not in span_ids:
                self.fail(f"{path}.{key}", f"no span {span_id!r} on this line")
            ends.append(span_id)
        labels = self.labels(raw, "labels", f"{path}.labels") if "labels" in raw else {}
        created_at = (
            self.string(raw, "created_at", f"{path}.created_at") if "created_at" in raw else ""
        )
        updated_at = (
            self.string(raw, "updated_at", f"{path}.updated_at") if "updated_at" in raw else ""
        )
        return NativeRelation(rel_id, rel_type, ends[0], ends[1], labels, created_at, updated_at)

    def _labels_1(
        self, raw: Mapping[str, Any], path: str, actors: dict[str, ActorInfo]
    ) -> dict[str, Any]:
        """The five fixed fields of a `hashiya/1` span, as labels."""
        labels: dict[str, Any] = {}
        value = self._get(raw, "actor", f"{path}.actor")
        if value is not None:
            if not isinstance(value, dict):
                self.fail(f"{path}.actor", f"expected an object or null, got {json_type(value)}")
            actor = self.actor_object(value, f"{path}.actor")
            actors.setdefault(actor.id, actor)
            labels["actor"] = actor.id
        for attr_id, named in (
            ("stance", True),
            ("target", False),
            ("claim_type", True),
            ("note", False),
        ):
            where = f"{path}.{attr_id}"
            item = (
                self.optional_name(raw, attr_id, where)
                if named
                else self.optional_string(raw, attr_id, where)
            )
            if item is not None:
                labels[attr_id] = item
        return labels
