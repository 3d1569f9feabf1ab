"""Labels coming in from other tools: their files merged into the store.

`import_foreign` reads a Label Studio, doccano, Prodigy or brat file
(`annotations.interop.readers`), turns each record into a native record — the text
normalised as `hashiya import` stores it and the offsets moved with it, the labels
mapped to the schema's values, the article found or created — and hands the records to
the native import (`annotations.exchange.import_annotation_lines`): one transaction for
the whole file, passages merged by id, conflicts reported. A record that cannot be
mapped is one line `FILE:LINE: field: reason`; unless `skip_invalid`, any such line
means nothing is saved.

A file `hashiya export` wrote carries the passage ids, every attribute and the article
ids, so it comes back as it left. Passages from the tools themselves get ids derived
from (article, annotator, start, end), so importing the same file twice changes nothing.

A span's kind is the file's, else the kind its label names, else the schema's default.
Relations between a record's spans become the native line's `relations`: the type by id
or name (or the one type the ends' kinds allow), checked against both ends' kinds, their
attributes against the type's; a relation keeps the file's id, else the id of the same
link already stored, else one derived from (article, annotator, type, ends).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from annotations.articles import article_id, derive_title_and_source, now_iso
from annotations.exchange import (
    ImportAborted,
    ImportResult,
    actor_lookup,
    import_annotation_lines,
)
from annotations.export.native import FORMAT, dumps_line, span_dict
from annotations.interop.readers import (
    UNSET_LABEL,
    ForeignRecord,
    ForeignRelation,
    ForeignSpan,
    Read,
    ReadError,
    read_brat,
    read_doccano,
    read_labelstudio,
    read_prodigy,
)
from annotations.models import MAX_ANNOTATOR
from annotations.schema import MAX_ID_LENGTH, Attribute, LabelSchema, RelationType
from annotations.store import Store
from annotations.text import check_name, normalize

ForeignFormat = Literal["labelstudio", "doccano", "prodigy", "brat"]
FOREIGN_FORMATS: tuple[ForeignFormat, ...] = ("labelstudio", "doccano", "prodigy", "brat")
LabelTo = Literal["auto", "stance", "claim_type", "actor"]
LABEL_TO_CHOICES: tuple[LabelTo, ...] = ("auto", "stance", "claim_type", "actor")
Offsets = Literal["codepoint", "utf16"]

# The attributes a passage has, by kind: those whose values come from a list (the label
# of a one-label format is one of these), and free text.
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")  # as the schema's ids
_ID_NAMESPACE = uuid.UUID("5b0c1f4e-3f3a-4d8e-9a51-6a8e0f7c2d10")


@dataclass
class ForeignOptions:
    """How `hashiya import-annotations --format ...` reads a file."""

    annotator: str | None = (
        None  # every record's annotator (else the file's, else `fallback_annotator`)
    )
    fallback_annotator: str = ""
    label_to: LabelTo = "auto"
    add_actors: bool = False  # unknown labels become actors
    offsets: Offsets = "codepoint"  # for files that do not quote the span's text
    prefer: str = "database"
    skip_invalid: bool = False
    importer: str = ""


@dataclass
class ForeignResult:
    """The native import's result, with what the format could not bring in."""

    result: ImportResult
    records: int = 0
    left_out: list[str] = field(default_factory=list)  # FILE:LINE: what was not kept


def read_foreign(fmt: ForeignFormat, path: str, content: bytes | None = None) -> Read:
    """The records of a file in one of `FOREIGN_FORMATS` (brat: a folder or a .ann)."""
    if fmt == "brat":
        return read_brat(Path(path))
    data = Path(path).read_bytes() if content is None else content
    if fmt == "labelstudio":
        return read_labelstudio(path, data)
    lines = data.splitlines(keepends=True)
    if fmt == "doccano":
        return read_doccano(path, lines)
    if fmt == "prodigy":
        return read_prodigy(path, lines)
    raise ValueError(f"unknown format {fmt!r}")


def import_foreign(
    store: Store,
    schema: LabelSchema,
    fmt: ForeignFormat,
    path: str,
    options: ForeignOptions,
    *,
    content: bytes | None = None,
) -> ForeignResult:
    """Merge the file at `path` (or `content`, read as that file) into the store.

    Raises ImportAborted with every bad record's line when any record is bad and
    `options.skip_invalid` is not set: then nothing was saved.
    """
    records, read_errors = read_foreign(fmt, path, content)
    errors = [str(e) for e in read_errors]
    mapper = _Mapper(store, schema, options)
    lines: list[str] = []
    origins: list[str] = []  # FILE:LINE of each native line, in order
    left_out: list[str] = []
    for record in records:
        where = f"{record.file}:{record.line}"
        try:
            native = mapper.native(record)
        except ReadError as exc:
            errors.append(str(exc))
            continue
        lines.append(dumps_line(native))
        origins.append(where)
        left_out.extend(f"{where}: {what} not imported" for what in record.left_out)
    if errors and not options.skip_invalid:
        raise ImportAborted(errors)
    name = path  # each message's NAME:N is replaced by the record's own FILE:LINE below
    try:
        result = import_annotation_lines(
            store,
            schema,
            name,
            lines,
            prefer=options.prefer,
            skip_invalid=options.skip_invalid,
            importer=options.importer,
        )
    except ImportAborted as exc:
        raise ImportAborted(errors + [_placed(e, name, origins) for e in exc.errors]) from None
    result.errors = errors + [_placed(e, name, origins) for e in result.errors]
    result.rejected += len(errors)  # records the reader or the mapper refused
    result.conflicts = [_placed(c, name, origins) for c in result.conflicts]
    return ForeignResult(result=result, records=len(lines), left_out=left_out)


def _placed(message: str, name: str, origins: Sequence[str]) -> str:
    """A native import message (`NAME:N: ...`) with the record's own FILE:LINE."""
    prefix = f"{name}:"
    if not message.startswith(prefix):
        return message
    number, sep, rest = message[len(prefix) :].partition(":")
    if not sep or not number.isdigit() or not 0 < int(number) <= len(origins):
        return message
    return f"{origins[int(number) - 1]}:{rest}"


# --------------------------------------------------------------------------- text


class _Offsets:
    """Offsets in a raw text moved to its stored (normalised) form."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = normalize(raw)
        self.same = self.text == raw
        self._utf16: list[int] | None = None
        self._moved: dict[int, int | None] = {}

    def prepare(self, cuts: Iterable[int]) -> None:
        """Work out where the raw offsets `cuts` land in the stored text, in one pass
        (normalising the pieces between them; a cut the pieces disagree at is looked at
        alone)."""
        if self.same:
            return
        raw = self.raw
        points = sorted({c for c in cuts if 0 <= c <= len(raw)} | {0, len(raw)})
        pieces = [
            normalize(raw[a:b]) if a == 0 else _line_ends_nfc(raw[a:b]) for a, b in pairwise(points)
        ]
        if "".join(pieces) == self.text:
            total = 0
            self._moved = {0: 0}
            for point, piece in zip(points[1:], pieces, strict=True):
                total += len(piece)
                self._moved[point] = total
        else:
            self._moved = {point: self._alone(point) for point in points}

    def stored(self, offset: int) -> int | None:
        """The stored text's offset for a raw code-point offset; None if normalising
        changes the characters on both sides of it together (inside CR LF, or between a
        letter and a mark it composes with)."""
        if self.same:
            return offset
        if offset not in self._moved:
            self._moved[offset] = self._alone(offset)
        return self._moved[offset]

    def _alone(self, offset: int) -> int | None:
        before = normalize(self.raw[:offset])
        if before + _line_ends_nfc(self.raw[offset:]) != self.text:
            return None
        return len(before)

    def from_utf16(self, offset: int) -> int | None:
        """The raw code-point offset of a UTF-16 offset (None inside a surrogate pair)."""
        if self._utf16 is None:
            units = [0]
            for char in self.raw:
                units.append(units[-1] + (2 if ord(char) > 0xFFFF else 1))
            self._utf16 = units
        index = bisect_left(self._utf16, offset)
        if index >= len(self._utf16) or self._utf16[index] != offset:
            return None
        return index


def _line_ends_nfc(text: str) -> str:
    """`normalize` for a piece after the start: a BOM there is a character, kept."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class _Vocabulary:
    """What a label may be: each choice attribute's and the actors' ids and names."""

    by_attribute: dict[str, dict[str, set[str]]]  # attribute -> key (id or name) -> ids
    actor_forms: dict[str, dict[str, Any]]  # actor id -> its native form

    @classmethod
    def of(cls, store: Store, schema: LabelSchema) -> _Vocabulary:
        by_attribute: dict[str, dict[str, set[str]]] = {}
        for attribute in (a.id for a in schema.attributes if a.type == "choice"):
            keys: dict[str, set[str]] = {}
            for value in schema.values(attribute):
                for key in (value.id, value.label_en, value.label_ar):
                    if key:
                        keys.setdefault(_key(key), set()).add(value.id)
            by_attribute[attribute] = keys
        actors: dict[str, set[str]] = {}
        forms: dict[str, dict[str, Any]] = {}
        for actor_id, info in actor_lookup(store, schema).items():
            forms[actor_id] = info.to_dict()
            for name in (actor_id, info.name_ar, info.name_en, *info.aliases):
                if name:
                    actors.setdefault(_key(name), set()).add(actor_id)
        by_attribute["actor"] = actors
        return cls(by_attribute, forms)

    def find(self, attribute: str, label: str) -> set[str]:
        """The ids `label` names in `attribute`: its id first, else its names."""
        keys = self.by_attribute.get(attribute, {})
        if attribute == "actor" and label in self.actor_forms:
            return {label}
        exact = {i for i in keys.get(_key(label), set()) if i == label}
        return exact or keys.get(_key(label), set())


def _key(name: str) -> str:
    """Names compare in NFC, case-folded, with spaces and `_`/`-` alike."""
    folded = unicodedata.normalize("NFC", name).casefold().strip()
    return " ".join(folded.replace("_", " ").replace("-", " ").split())


def _actor_id(name: str, taken: Mapping[str, Any]) -> str:
    """An id for a new actor named `name`: the name itself if it is an id (an actor
    another database added travels by id), else its Latin letters and digits, else a hash."""
    if _SLUG.match(name) and len(name) <= MAX_ID_LENGTH and name not in taken:
        return name
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in name.lower())
    slug = "-".join(part for part in slug.split("-") if part)[:48]
    if not slug:
        slug = "actor-" + uuid.uuid5(_ID_NAMESPACE, name).hex[:8]
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


class _Mapper:
    """Foreign records to native records, against this database's schema and actors."""

    def __init__(self, store: Store, schema: LabelSchema, options: ForeignOptions) -> None:
        self.store = store
        self.schema = schema
        self.options = options
        self.vocabulary = _Vocabulary.of(store, schema)
        self.new_actors: dict[str, dict[str, Any]] = {}  # label key -> actor added
        self.stamp = now_iso()
        self._by_text: dict[str, str] | None = None  # text hash -> article id, built on need
        self._positions: dict[tuple[str, str], dict[tuple[int, int], str]] = {}
        self._links: dict[tuple[str, str], dict[tuple[str, str, str], str]] = {}

    # -- records

    def native(self, record: ForeignRecord) -> dict[str, Any]:
        fail = _Failer(record.file, record.line)
        annotator = self._annotator(record, fail)
        offsets = _Offsets(record.text)
        text = offsets.text
        article = self._article(record, text)
        spans: list[dict[str, Any]] = []
        actors: dict[str, dict[str, Any]] = {}  # the line's `actors`, in order of first use
        seen: dict[str, int] = {}
        raw_offsets = [self._raw_offsets(span, offsets, fail) for span in record.spans]
        offsets.prepare(edge for pair in raw_offsets for edge in pair)
        ids_of: list[str] = []  # each span's passage id and kind id, in the record's order
        kinds_of: list[str] = []
        for span, (raw_start, raw_end) in zip(record.spans, raw_offsets, strict=True):
            start, end = self._stored(span, offsets, raw_start, raw_end, fail)
            kind, label_is_kind = self._kind(span, fail)
            labels = self.labels(span, fail, label_is_kind=label_is_kind)
            # A span with no id of its own, where this annotator has a passage, is that
            # passage (compared, not added twice); else an id from where it is.
            passage_id = span.id or self._stored_ids(article, annotator).get((start, end))
            if passage_id is None or passage_id in seen:
                if span.id:
                    raise fail(f"{span.place}.id", f"duplicate id {passage_id!r}")
                passage_id = self._passage_id(article, annotator, start, end, seen)
            seen[passage_id] = 1
            ids_of.append(passage_id)
            kinds_of.append(kind)
            for value in labels.values():
                for item in value if isinstance(value, list) else (value,):
                    if isinstance(item, dict):  # an actor, as its native object
                        actors.setdefault(item["id"], item)
            spans.append(
                native_span(
                    passage_id,
                    start,
                    end,
                    text[start:end],
                    labels,
                    span.created_at or self.stamp,
                    span.updated_at or span.created_at or self.stamp,
                    kind="" if kind == self.schema.default_kind.id else kind,
                )
            )
        spans.sort(key=lambda s: (s["start"], s["end"], s["id"]))
        relations = self._relations(record, article, annotator, ids_of, kinds_of, fail)
        title, source = (
            (record.title, record.source)
            if record.title is not None and record.source is not None
            else derive_title_and_source(text)
        )
        status = record.status if record.status in ("todo", "in_progress", "done") else None
        return {
            "format": FORMAT,
            "article_id": article,
            "title": record.title if record.title is not None else title,
            "source": record.source if record.source is not None else source,
            "published": record.published,
            "origin": record.origin if record.origin is not None else record.file,
            "metadata": {},
            "text": text,
            "annotator": annotator,
            "status": status,
            "schema": {"name": self.schema.name, "version": self.schema.version},
            "document_labels": {},
            "actors": list(actors.values()),
            "spans": spans,
            **({"relations": relations} if relations else {}),
            "exported_at": self.stamp,
        }

    def _annotator(self, record: ForeignRecord, fail: _Failer) -> str:
        name = (
            self.options.annotator
            or record.annotator
            or record.file_annotator
            or self.options.fallback_annotator
        )
        if not name:
            raise fail("annotator", "no annotator in the file: give --annotator NAME")
        reason = check_name(name)
        if reason is not None or len(name) > MAX_ANNOTATOR:
            raise fail("annotator", reason or f"longer than {MAX_ANNOTATOR} characters")
        return name

    def _article(self, record: ForeignRecord, text: str) -> str:
        """The id of the stored article with this text: the file's own id (Hashiya's
        exports carry it; a new article keeps it), else the text's hash id, else any
        article with the same text; a new article by the hash id otherwise."""
        for given in (record.article_id, record.article_hint):
            if not given:
                continue
            stored = self.store.article_texts([given]).get(given)
            if stored == text or (stored is None and given == record.article_id):
                return given
        hashed = article_id(text)
        if self.store.has_article(hashed):
            return hashed
        if self._by_text is None:
            ids = self.store.article_ids()
            self._by_text = {article_id(t): i for i, t in self.store.article_texts(ids).items()}
        return self._by_text.get(hashed, hashed)

    def _stored_ids(self, article: str, annotator: str) -> dict[tuple[int, int], str]:
        """(start, end) -> id of the passages this annotator has on the article."""
        key = (article, annotator)
        if key not in self._positions:
            self._positions[key] = {
                (p.start, p.end): p.id for p in self.store.passages(article, annotator)
            }
        return self._positions[key]

    @staticmethod
    def _passage_id(
        article: str, annotator: str, start: int, end: int, seen: Mapping[str, int]
    ) -> str:
        base = f"{article}\x1f{annotator}\x1f{start}\x1f{end}"
        candidate, number = str(uuid.uuid5(_ID_NAMESPACE, base)), 1
        while candidate in seen:
            number += 1
            candidate = str(uuid.uuid5(_ID_NAMESPACE, f"{base}\x1f{number}"))
        return candidate

    def _raw_offsets(self, span: ForeignSpan, offsets: _Offsets, fail: _Failer) -> tuple[int, int]:
        """The span's code-point offsets in the record's raw text, checked."""
        raw = offsets.raw
        start, end = span.start, span.end
        unit = span.unit
        if unit == "check":
            unit = "codepoint"
            if span.quoted is not None and raw[start:end] != span.quoted:
                first, last = offsets.from_utf16(start), offsets.from_utf16(end)
                if first is not None and last is not None and raw[first:last] == span.quoted:
                    unit = "utf16"
        elif unit == "codepoint" and span.quoted is None and self.options.offsets == "utf16":
            unit = "utf16"
        if unit == "utf16":
            moved = offsets.from_utf16(start), offsets.from_utf16(end)
            if moved[0] is None or moved[1] is None:
                raise fail(span.place, f"offsets {start}..{end} fall inside a character (UTF-16)")
            start, end = moved[0], moved[1]
        if not 0 <= start < end <= len(raw):
            what = "empty span" if start == end else f"offsets {start}..{end} do not fit the text"
            raise fail(span.place, f"{what} (length {len(raw)})")
        if span.quoted is not None and raw[start:end] != span.quoted:
            raise fail(
                span.place,
                f"text {span.quoted!r} differs from the text's {raw[start:end]!r} at {start}..{end}",
            )
        return start, end

    @staticmethod
    def _stored(
        span: ForeignSpan, offsets: _Offsets, start: int, end: int, fail: _Failer
    ) -> tuple[int, int]:
        """Raw offsets moved to the stored text."""
        stored = offsets.stored(start), offsets.stored(end)
        if stored[0] is None or stored[1] is None:
            raise fail(
                span.place,
                f"offsets {start}..{end} cut a character sequence the stored text joins"
                " (CR LF, or a letter and its mark)",
            )
        return stored[0], stored[1]

    # -- kinds and relations

    def _kind(self, span: ForeignSpan, fail: _Failer) -> tuple[str, bool]:
        """The span's kind id (the file's, else the kind its label names, else the
        default kind), and whether the label is that kind's name rather than a value."""
        named = self._find_kind(span.label) if span.label not in (None, UNSET_LABEL) else None
        if span.kind:
            found = self._find_kind(span.kind)
            if found is None:
                known = ", ".join(k.id for k in self.schema.kinds)
                raise fail(
                    f"{span.place}.kind", f"unknown kind {span.kind!r} (expected one of: {known})"
                )
            return found, named == found
        if named is not None and self.schema.declares_kinds:
            return named, True
        return self.schema.default_kind.id, False

    def _find_kind(self, name: str | None) -> str | None:
        """The kind `name` is the id or a name of."""
        if not name:
            return None
        for kind in self.schema.kinds:
            if name == kind.id:
                return kind.id
        wanted = _key(name)
        for kind in self.schema.kinds:
            if wanted in {_key(n) for n in (kind.id, kind.label_en, kind.label_ar) if n}:
                return kind.id
        return None

    def _relations(
        self,
        record: ForeignRecord,
        article: str,
        annotator: str,
        ids_of: Sequence[str],
        kinds_of: Sequence[str],
        fail: _Failer,
    ) -> list[dict[str, Any]]:
        """The record's relations as the native line holds them, checked: a type of the
        schema that suits both ends' kinds, labels its attributes allow."""
        out: list[dict[str, Any]] = []
        if record.relations and not self.schema.relations:
            count = len(record.relations)
            record.left_out.append(f"{count} relation{'s' if count != 1 else ''}")
            return out  # the schema has no relations to hold them
        seen: set[tuple[str, str, str]] = set()
        ids: set[str] = set()
        for relation in record.relations:
            if relation.line is not None:  # brat: the R line, not the document's first
                fail = _Failer(record.file, relation.line)
            from_kind, to_kind = kinds_of[relation.source], kinds_of[relation.target]
            found = self._relation_type(relation, from_kind, to_kind, fail)
            if (from_kind, to_kind) != (found.from_kind, found.to_kind):
                raise fail(
                    relation.place,
                    f"{found.id} links a {found.from_kind} to a {found.to_kind}, not a"
                    f" {from_kind} to a {to_kind}",
                )
            from_id, to_id = ids_of[relation.source], ids_of[relation.target]
            if from_id == to_id:
                raise fail(relation.place, "links a passage to itself")
            key = (found.id, from_id, to_id)
            if key in seen:
                record.left_out.append(
                    f"a second {found.id} between the same spans ({relation.place})"
                )
                continue
            seen.add(key)
            relation_id = (
                relation.id
                or self._stored_links(article, annotator).get(key)
                or str(uuid.uuid5(_ID_NAMESPACE, "\x1f".join((article, annotator, *key))))
            )
            if relation_id in ids:
                raise fail(f"{relation.place}.id", f"duplicate relation id {relation_id!r}")
            ids.add(relation_id)
            labels = self._relation_labels(record, relation, found, fail)
            out.append(
                {
                    "id": relation_id,
                    "type": found.id,
                    "from": from_id,
                    "to": to_id,
                    "labels": labels,
                }
            )
        return out

    def _relation_type(
        self, relation: ForeignRelation, from_kind: str, to_kind: str, fail: _Failer
    ) -> RelationType:
        where = relation.type_field or relation.place
        if relation.type is None:
            fitting = self.schema.relations_between(from_kind, to_kind)
            if len(fitting) == 1:
                return fitting[0]
            reason = f"{len(fitting)} relation types link a {from_kind} to a {to_kind}"
            raise fail(where, f"no relation type given ({reason})")
        for candidate in self.schema.relations:
            if relation.type == candidate.id:
                return candidate
        wanted = _key(relation.type)
        for candidate in self.schema.relations:
            names = (candidate.id, candidate.label_en, candidate.label_ar)
            if wanted in {_key(n) for n in names if n}:
                return candidate
        known = ", ".join(r.id for r in self.schema.relations) or "none"
        raise fail(where, f"unknown relation type {relation.type!r} (expected one of: {known})")

    def _relation_labels(
        self,
        record: ForeignRecord,
        relation: ForeignRelation,
        found: RelationType,
        fail: _Failer,
    ) -> dict[str, Any]:
        given = dict(relation.attributes)
        for name, value in relation.kept.items():
            attribute = found.attribute(name)
            if attribute is not None and attribute.type == "text":
                given.setdefault(name, value)
        labels: dict[str, Any] = {}
        for attribute in found.attributes:  # the schema's order
            if attribute.id not in given:
                continue
            value = given.pop(attribute.id)
            where = f"{relation.place}.{attribute.id}"
            items = value if isinstance(value, list) else [value]
            values = [self._relation_value(attribute, v, where, fail) for v in items]
            values = [v for v in values if v is not None]
            if not values:
                continue
            labels[attribute.id] = values if attribute.multiple else values[0]
            if not attribute.multiple and len(values) > 1:
                raise fail(where, f"{len(values)} values; {attribute.id} takes one")
        for name in given:
            record.left_out.append(f"attribute {name} of {found.id} ({relation.place})")
        return labels

    @staticmethod
    def _relation_value(attribute: Attribute, value: Any, where: str, fail: _Failer) -> Any:
        if attribute.type == "text":
            return value if isinstance(value, str) and value else None
        if attribute.type == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.casefold() in ("true", "false"):
                return value.casefold() == "true"
            raise fail(where, f"expected true or false, got {value!r}")
        if not isinstance(value, str):
            raise fail(where, f"expected one value, got {type(value).__name__}")
        for item in attribute.values:
            if value == item.id:
                return item.id
        wanted = _key(value)
        for item in attribute.values:
            if wanted in {_key(n) for n in (item.id, item.label_en, item.label_ar) if n}:
                return item.id
        known = ", ".join(v.id for v in attribute.values)
        raise fail(where, f"unknown {attribute.id} {value!r} (expected one of: {known})")

    def _stored_links(self, article: str, annotator: str) -> dict[tuple[str, str, str], str]:
        """(type, from, to) -> id of the relations this annotator has on the article."""
        key = (article, annotator)
        if key not in self._links:
            self._links[key] = {
                (r.type, r.from_id, r.to_id): r.id for r in self.store.relations(article, annotator)
            }
        return self._links[key]

    # -- labels

    def labels(
        self, span: ForeignSpan, fail: _Failer, *, label_is_kind: bool = False
    ) -> dict[str, Any]:
        """The span's labels as attribute -> value (ids), from the file's attributes
        and its label (unless the label names the span's kind)."""
        labels: dict[str, Any] = {}
        for attribute, value in span.attributes.items():
            where = f"{span.place}.{attribute}"
            found = self.schema.attribute(attribute)
            if found is None:
                continue  # other controls (a Label Studio config of the user's own)
            if found.multiple and isinstance(value, list):
                items = [
                    self._one(found.type, attribute, v, f"{where}[{i}]", fail)
                    for i, v in enumerate(value)
                ]
                labels[attribute] = [i for i in items if i is not None] or None
            else:
                labels[attribute] = self._one(found.type, attribute, value, where, fail)
                if found.multiple and labels[attribute] is not None:
                    labels[attribute] = [labels[attribute]]
        if span.labels:
            raise fail(
                f"{span.place}.labels",
                f"{len(span.labels)} labels on one span; each attribute here takes one value",
            )
        if span.label is not None and span.label != UNSET_LABEL and not label_is_kind:
            self._label(span.label, labels, span.label_field or f"{span.place}.label", fail)
        return labels

    def _one(self, kind: str, attribute: str, value: Any, where: str, fail: _Failer) -> Any:
        """One value of an attribute of type `kind`, as the native line writes it."""
        if kind == "text":
            return value if isinstance(value, str) and value else None
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.casefold() in ("true", "false"):
                return value.casefold() == "true"
            raise fail(where, f"expected true or false, got {value!r}")
        if kind == "actor":
            return self._actor(value, where, fail)
        return self._choice(attribute, value, where, fail)

    def _choice(self, attribute: str, value: Any, where: str, fail: _Failer) -> str:
        if not isinstance(value, str):
            raise fail(where, f"expected one value, got {type(value).__name__}")
        found = self.vocabulary.find(attribute, value)
        if len(found) == 1:
            return next(iter(found))
        if not found:
            raise fail(where, f"unknown {attribute} {value!r} (not a value of the schema)")
        raise fail(where, f"{value!r} names several {attribute} values: {', '.join(sorted(found))}")

    def _actor(self, value: Any, where: str, fail: _Failer) -> dict[str, Any]:
        if isinstance(value, dict):  # Hashiya's own: the actor travels with its names
            known = self.vocabulary.actor_forms.get(value["id"])
            if known is not None:
                return known
            if not (value.get("name_ar") or value.get("name_en")) and not self.options.add_actors:
                raise fail(
                    f"{where}.id", f"unknown actor {value['id']!r} with no names to create it from"
                )
            return {
                **value,
                "name_en": value.get("name_en") or (None if value.get("name_ar") else value["id"]),
            }
        if not isinstance(value, str):
            raise fail(where, f"expected one actor, got {type(value).__name__}")
        found = self.vocabulary.find("actor", value)
        if len(found) == 1:
            return self.vocabulary.actor_forms[next(iter(found))]
        if found:
            raise fail(where, f"{value!r} names several actors: {', '.join(sorted(found))}")
        if not self.options.add_actors:
            raise fail(where, f"unknown actor {value!r} (--add-actors creates it)")
        return self._new_actor(value)

    def _new_actor(self, name: str) -> dict[str, Any]:
        key = _key(name)
        if key not in self.new_actors:
            taken = {
                **self.vocabulary.actor_forms,
                **{a["id"]: a for a in self.new_actors.values()},
            }
            arabic = any("\u0600" <= c <= "\u06ff" for c in name)
            self.new_actors[key] = {
                "id": _actor_id(name, taken),
                "name_ar": name if arabic else None,
                "name_en": None if arabic else name,
                "aliases": [],
            }
        return self.new_actors[key]

    def _label(self, label: str, labels: dict[str, Any], where: str, fail: _Failer) -> None:
        """Put a one-label format's label where it belongs (`label_to`, or the one
        attribute whose values it names)."""
        attributes = (
            (
                *(a.id for a in self.schema.attributes if a.type == "choice"),
                *(("actor",) if self.schema.attribute("actor") is not None else ()),
            )
            if self.options.label_to == "auto"
            else (self.options.label_to,)
        )
        matches = {a: self.vocabulary.find(a, label) for a in attributes}
        matches = {a: ids for a, ids in matches.items() if ids}
        if len(matches) > 1:
            # The file's own attributes may say which one it is (Hashiya's exports).
            agreeing = {a: ids for a, ids in matches.items() if _value_id(labels.get(a)) in ids}
            if len(agreeing) == 1:
                matches = agreeing
            else:
                raise fail(
                    where,
                    f"label {label!r} is a value of {' and '.join(sorted(matches))}"
                    " (--label-to says which)",
                )
        if not matches:
            if self.options.add_actors and "actor" in attributes:
                labels.setdefault("actor", self._new_actor(label))
                return
            wanted = " or ".join(attributes)
            raise fail(
                where,
                f"unknown label {label!r} (not a {wanted} id or name"
                + ("; --add-actors adds it as an actor)" if "actor" in attributes else ")"),
            )
        ((attribute, ids),) = matches.items()
        if len(ids) > 1:
            raise fail(
                where, f"label {label!r} names several {attribute} values: {', '.join(sorted(ids))}"
            )
        value_id = next(iter(ids))
        value: Any = self.vocabulary.actor_forms[value_id] if attribute == "actor" else value_id
        # The label wins over the attribute written beside it: the label is what the
        # other tool shows and lets people change.
        found = self.schema.attribute(attribute)
        if found is not None and found.multiple:
            have = labels.get(attribute) or []
            labels[attribute] = [*have, value] if value not in have else have
        else:
            labels[attribute] = value


def _value_id(value: Any) -> Any:
    return value["id"] if isinstance(value, dict) else value


class _Failer:
    def __init__(self, file: str, line: int) -> None:
        self.file, self.line = file, line

    def __call__(self, where: str, reason: str) -> ReadError:
        return ReadError(self.file, self.line, where, reason)


def native_span(
    passage_id: str,
    start: int,
    end: int,
    text: str,
    labels: Mapping[str, Any],
    created_at: str,
    updated_at: str,
    *,
    kind: str = "",
) -> dict[str, Any]:
    """A native span from a passage's labels (attribute -> value; an actor as its
    native object, written as its id: the line lists the object in `actors`), and its
    kind ("" the default)."""
    written = {
        k: [_value_id(i) for i in v] if isinstance(v, list) else _value_id(v)
        for k, v in labels.items()
        if v is not None
    }
    span = span_dict(passage_id, start, end, text, written, created_at, updated_at)
    if kind:
        span["kind"] = kind
    return span
