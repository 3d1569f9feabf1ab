"""The native dataset format: JSON Lines, one object per (article, annotator).

A line holds the article (text and the metadata needed to recreate it), who annotated it,
under which label schema, and every span with its attributes. Offsets are code-point
offsets into the line's `text`, half-open, and `text[start:end] == span["text"]` always.
The full description, with an example, is in docs/format.md; the JSON Schemas are
`native.schema.json` (one line per article) and `span.schema.json` (`--unit span`).

Everything here works on plain records and strings: no database, no files.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal, NoReturn

from annotations import untrusted
from annotations.models import (
    MAX_ANNOTATOR,
    MAX_ARTICLE_ID,
    MAX_PASSAGE_ID,
    Article,
    Comment,
    Passage,
)
from annotations.text import check_name
from annotations.untrusted import InputError

FORMAT = "hashiya/1"
SPAN_FORMAT = "hashiya-span/1"

# The labelled attributes of a span, in the order they are written.
SPAN_ATTRIBUTES = ("actor", "stance", "target", "claim_type", "note")
# The attributes whose values come from the schema (or the actor list): one id each.
CATEGORICAL_ATTRIBUTES = ("actor", "stance", "claim_type")

# What Python's str.splitlines() splits on: a span's sentence never crosses one, and
# brat's line-oriented .ann files cannot hold one.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
SENTENCE_TERMINATORS = frozenset(".؟!؛?")
# Closing marks that stay with the sentence they end: `قال: "نعم."` ends after the quote.
_CLOSERS = frozenset("\"'”’»)]}")

NativeDict = dict[str, Any]
SchemaName = Literal["native", "span"]


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
    actor: ActorInfo | None = None
    stance: str | None = None
    target: str | None = None
    claim_type: str | None = None
    note: str | None = None
    created_at: str = ""
    updated_at: str = ""
    comments: tuple[SpanComment, ...] = ()  # written only when there are some

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "actor": None if self.actor is None else self.actor.to_dict(),
            "stance": self.stance,
            "target": self.target,
            "claim_type": self.claim_type,
            "note": self.note,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
        if self.comments:
            out["comments"] = [c.to_dict() for c in self.comments]
        return out


@dataclass(frozen=True)
class NativeRecord:
    """One line of a native file: an article and one annotator's spans on it."""

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
    format: str = FORMAT

    def to_dict(self) -> NativeDict:
        """The record as written, keys in their fixed order."""
        return {
            "format": self.format,
            "article_id": self.article_id,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "origin": self.origin,
            "metadata": copy.deepcopy(self.metadata),
            "text": self.text,
            "annotator": self.annotator,
            "status": self.status,
            "schema": {"name": self.schema_name, "version": self.schema_version},
            "spans": [span.to_dict() for span in self.spans],
            "exported_at": self.exported_at,
        }

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
                actor=None if span.actor is None else span.actor.id,
                stance=span.stance,
                target=span.target,
                claim_type=span.claim_type,
                note=span.note,
                schema_name=self.schema_name,
                schema_version=self.schema_version,
                created_at=span.created_at,
                updated_at=span.updated_at,
            )
            for span in self.spans
        ]

    def comments(self) -> list[Comment]:
        """The spans' comment threads, as comments on the passages of the same ids."""
        return [
            Comment(span.id, c.author, c.text, c.at) for span in self.spans for c in span.comments
        ]

    def actors(self) -> dict[str, ActorInfo]:
        """The actors the spans name, by id (for recreating unknown ones)."""
        return {span.actor.id: span.actor for span in self.spans if span.actor is not None}


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
) -> NativeDict:
    """The native record of one annotator's passages on one article.

    Spans are ordered by (start, end, id). Raises ValueError if a passage belongs to
    another article or annotator, or its offsets or quoted text do not fit the article.
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
        if not 0 <= passage.start <= passage.end <= len(article.text):
            raise ValueError(
                f"{where}: offsets {passage.start}..{passage.end} do not fit the text "
                f"of article {article.id!r} (length {len(article.text)})"
            )
        quoted = article.text[passage.start : passage.end]
        if quoted != passage.text:
            raise ValueError(
                f"{where}: quoted text {passage.text!r} differs from the article's {quoted!r}"
            )
        spans.append(
            NativeSpan(
                id=passage.id,
                start=passage.start,
                end=passage.end,
                text=quoted,
                actor=None if passage.actor is None else lookup_actor(actor_lookup, passage.actor),
                stance=passage.stance,
                target=passage.target,
                claim_type=passage.claim_type,
                note=passage.note,
                created_at=passage.created_at,
                updated_at=passage.updated_at,
            )
        )
    record = NativeRecord(
        article_id=article.id,
        title=article.title,
        source=article.source,
        text=article.text,
        annotator=annotator,
        status=status,
        schema_name=schema_name,
        schema_version=schema_version,
        spans=tuple(spans),
        exported_at=exported_at,
        published=article.published,
        origin=article.origin,
        metadata=dict(article.metadata),
    )
    return record.to_dict()


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


def dumps_line(record: Mapping[str, Any]) -> str:
    """One compact JSON line (no trailing newline), Arabic written as UTF-8 text."""
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
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


def span_record(record: Mapping[str, Any], span: Mapping[str, Any]) -> NativeDict:
    """One `--unit span` line: a span of a native record with the sentence around it."""
    text: str = record["text"]
    start, end = span["start"], span["end"]
    context_start, context_end = sentence_bounds(text, start, end)
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
        "actor": copy.deepcopy(span["actor"]),
        "stance": span["stance"],
        "target": span["target"],
        "claim_type": span["claim_type"],
        "note": span["note"],
        "context": text[context_start:context_end],
        "context_start": context_start,
        "start_in_context": start - context_start,
        "end_in_context": end - context_start,
        "created_at": span["created_at"],
        "updated_at": span["updated_at"],
        **({"comments": copy.deepcopy(span["comments"])} if span.get("comments") else {}),
        "exported_at": record["exported_at"],
    }


def span_records(record: Mapping[str, Any]) -> list[NativeDict]:
    """The `--unit span` lines of a native record, in span order."""
    return [span_record(record, span) for span in record["spans"]]


# --------------------------------------------------------------------------- reading


def parse_native_line(
    line: str, lineno: int, known_values: Mapping[str, Collection[str]] | None = None
) -> NativeRecord:
    """Read one native line, checking every field the format promises.

    `known_values` maps "actor", "stance" or "claim_type" to the ids the importing
    database knows; a span naming another one is an error. Attributes not in the mapping
    are not checked (user-added actors, for instance, are recreated by the importer).
    Raises FormatError. Keys the format does not define are ignored. Strings must be
    text UTF-8 can hold (no lone surrogates), metadata nests at most
    `untrusted.MAX_NESTING` levels, and ids have the lengths `annotations.models` allows.
    """
    try:
        data = untrusted.loads(line)
    except json.JSONDecodeError as error:
        raise FormatError(lineno, f"not valid JSON: {error.msg} (column {error.colno})") from None
    except InputError as error:
        raise FormatError(lineno, error.reason) from None
    reader = _Reader(lineno)
    if not isinstance(data, dict):
        reader.fail("", f"expected a JSON object, got {_json_type(data)}")
    if untrusted.may_hold_surrogates(line):
        reader.text(data)

    fmt = reader.string(data, "format", "format")
    if fmt != FORMAT:
        reader.fail("format", f"unsupported format {fmt!r} (this version reads {FORMAT!r})")
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
    raw_spans = reader.array(data, "spans", "spans")
    exported_at = reader.string(data, "exported_at", "exported_at")

    spans: list[NativeSpan] = []
    seen_ids: dict[str, int] = {}
    for index, raw in enumerate(raw_spans):
        path = f"spans[{index}]"
        if not isinstance(raw, dict):
            reader.fail(path, f"expected an object, got {_json_type(raw)}")
        span = reader.span(raw, path, text, known_values or {})
        if span.id in seen_ids:
            reader.fail(f"{path}.id", f"duplicate id {span.id!r} (also spans[{seen_ids[span.id]}])")
        seen_ids[span.id] = index
        spans.append(span)

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
    )


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


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
            self.fail(path, f"expected a string, got {_json_type(value)}")
        if non_empty and not value:
            self.fail(path, "must not be empty")
        return value

    def optional_string(self, obj: Mapping[str, Any], key: str, path: str) -> str | None:
        value = self._get(obj, key, path)
        if value is not None and not isinstance(value, str):
            self.fail(path, f"expected a string or null, got {_json_type(value)}")
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
            self.fail(path, f"expected an integer, got {_json_type(value)}")
        return value

    def object(self, obj: Mapping[str, Any], key: str, path: str) -> dict[str, Any]:
        value = self._get(obj, key, path)
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {_json_type(value)}")
        return value

    def array(self, obj: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = self._get(obj, key, path)
        if not isinstance(value, list):
            self.fail(path, f"expected an array, got {_json_type(value)}")
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
                self.fail(where, f"expected an object, got {_json_type(item)}")
            out.append(
                SpanComment(
                    author=self.name(item, "author", f"{where}.author"),
                    text=self.string(item, "text", f"{where}.text", non_empty=True),
                    at=self.string(item, "at", f"{where}.at"),
                )
            )
        return tuple(out)

    def actor(self, obj: Mapping[str, Any], path: str) -> ActorInfo | None:
        value = self._get(obj, "actor", path)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(path, f"expected an object or null, got {_json_type(value)}")
        aliases = value.get("aliases", [])
        if not isinstance(aliases, list):
            self.fail(f"{path}.aliases", f"expected an array, got {_json_type(aliases)}")
        for index, alias in enumerate(aliases):
            if not isinstance(alias, str):
                self.fail(f"{path}.aliases[{index}]", f"expected a string, got {_json_type(alias)}")
            self.check_name(alias, f"{path}.aliases[{index}]")
        return ActorInfo(
            id=self.name(value, "id", f"{path}.id"),
            name_ar=self.optional_name(value, "name_ar", f"{path}.name_ar"),
            name_en=self.optional_name(value, "name_en", f"{path}.name_en"),
            aliases=tuple(aliases),
        )

    def span(
        self,
        raw: Mapping[str, Any],
        path: str,
        text: str,
        known_values: Mapping[str, Collection[str]],
    ) -> NativeSpan:
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
        span = NativeSpan(
            id=span_id,
            start=start,
            end=end,
            text=quoted,
            actor=self.actor(raw, f"{path}.actor"),
            stance=self.optional_name(raw, "stance", f"{path}.stance"),
            target=self.optional_string(raw, "target", f"{path}.target"),
            claim_type=self.optional_name(raw, "claim_type", f"{path}.claim_type"),
            note=self.optional_string(raw, "note", f"{path}.note"),
            created_at=self.string(raw, "created_at", f"{path}.created_at"),
            updated_at=self.string(raw, "updated_at", f"{path}.updated_at"),
            comments=self.comments(raw, f"{path}.comments"),
        )
        for attribute, known in known_values.items():
            value = getattr(span, attribute, None)
            value_id = value.id if isinstance(value, ActorInfo) else value
            if value_id is not None and value_id not in known:
                where = f"{path}.actor.id" if attribute == "actor" else f"{path}.{attribute}"
                self.fail(where, f"unknown {attribute} {value_id!r}")
        return span


# --------------------------------------------------------------------------- schemas


def load_json_schema(name: SchemaName = "native") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a native line ("native") or a span line ("span")."""
    filename = "native.schema.json" if name == "native" else "span.schema.json"
    text = resources.files("annotations.export").joinpath(filename).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
