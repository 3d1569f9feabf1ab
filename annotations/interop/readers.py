"""Other tools' annotation files, read into plain records (no database, no schema).

Each reader takes a file's content and returns `ForeignRecord`s (one per annotated text
and annotator) and the `ReadError`s of the records it could not read (each names the
file, the line and the field). Offsets are kept as the tool wrote them, in code points of
the record's raw text; the importer (`annotations.interop.imports`) normalises the text,
maps the offsets and the labels, and merges the records into the store.

Read: Label Studio's JSON and JSON-MIN exports, doccano's JSONL (sequence labelling,
with or without relations), Prodigy's JSONL (`db-out`), brat standoff (.ann + .txt), and
the files `hashiya export` writes in each of those formats, whose extra keys carry every
attribute and the passage ids.

Relations between a record's spans are `ForeignRelation`s, their ends resolved to the
record's spans here: an end the record does not have (another document's entity, a
region of another annotation) is a `ReadError` naming the relation's field, and the
record is not read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from annotations import untrusted
from annotations.export.links import BRAT_KIND
from annotations.untrusted import InputError, json_type

# The attributes Hashiya's own exports carry beside the label, by their names there.
HASHIYA_ATTRIBUTES = ("actor", "stance", "target", "claim_type", "note")
UNSET_LABEL = "_unset"  # what Hashiya's one-label formats write for "no value"


class ReadError(ValueError):
    """A record that cannot be read; str() is `FILE:LINE: field: reason` (`FILE: reason`
    for the file as a whole)."""

    def __init__(self, file: str, line: int, field: str, reason: str) -> None:
        self.file, self.line, self.field, self.reason = file, line, field, reason
        where = f"{file}:{line}" if line else file  # line 0: the file as a whole
        super().__init__(f"{where}: {field}: {reason}" if field else f"{where}: {reason}")


@dataclass
class ForeignSpan:
    """A labelled span as the tool wrote it."""

    start: int
    end: int
    place: str  # where it is in the record, for messages ("label[2]", "T3")
    label_field: str = ""  # where its label is (default: FIELD.label)
    label: str | None = None  # the tool's label (None or UNSET_LABEL: none)
    labels: tuple[str, ...] = ()  # more than one label on the span (Label Studio)
    attributes: dict[str, Any] = field(default_factory=dict)  # Hashiya's own: by name
    id: str | None = None  # Hashiya's passage id, when the file is Hashiya's
    quoted: str | None = None  # the text the tool says the span covers, if it says
    unit: str = "codepoint"  # "codepoint", "utf16", or "check" (decide from `quoted`)
    created_at: str | None = None
    updated_at: str | None = None
    kind: str | None = None  # the passage's kind, when the file says it (else from the label)


@dataclass
class ForeignRelation:
    """A relation between two spans of a record, as the tool wrote it."""

    place: str  # where it is in the record ("R2", "relations[0]")
    source: int  # the index of its from end in `ForeignRecord.spans`
    target: int  # the index of its to end
    type: str | None  # the tool's relation label (None: none, decided by the ends' kinds)
    type_field: str = ""  # where the type is
    attributes: dict[str, Any] = field(default_factory=dict)  # by attribute id
    id: str | None = None  # Hashiya's relation id, when the file carries it
    # Attributes Hashiya's file keeps beside the tool's labels (Label Studio's task meta):
    # only the text ones count, the tool's labels hold the others.
    kept: dict[str, Any] = field(default_factory=dict)
    line: int | None = None  # its own line in the file, where not the record's (brat)


@dataclass
class ForeignRecord:
    """One annotator's spans on one text."""

    file: str
    line: int
    text: str
    spans: list[ForeignSpan] = field(default_factory=list)
    annotator: str | None = None  # as the file says (None: the importer decides)
    # The annotator the file's name suggests (doccano's per-user export is USER.jsonl).
    file_annotator: str | None = None
    article_id: str | None = None  # Hashiya's article id, when the file carries it
    # An id to use only if the database has it with the same text (brat's file names).
    article_hint: str | None = None
    title: str | None = None
    source: str | None = None
    published: str | None = None
    origin: str | None = None
    status: str | None = None
    left_out: list[str] = field(default_factory=list)  # what the record had that is not kept
    relations: list[ForeignRelation] = field(default_factory=list)


Read = tuple[list[ForeignRecord], list[ReadError]]


class _Fields:
    """Typed access to one record's JSON, failing with the record's file and line."""

    def __init__(self, file: str, line: int) -> None:
        self.file, self.line = file, line

    def fail(self, where: str, reason: str) -> ReadError:
        return ReadError(self.file, self.line, where, reason)

    def get(self, obj: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
        if key not in obj:
            raise self.fail(where, "missing field")
        return self.typed(obj[key], where, kind)

    def optional(
        self, obj: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...]
    ) -> Any:
        value = obj.get(key)
        return None if value is None else self.typed(value, where, kind)

    def typed(self, value: Any, where: str, kind: type | tuple[type, ...]) -> Any:
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(where, f"expected {_names(kinds)}, got a boolean")
        if not isinstance(value, kinds):
            raise self.fail(where, f"expected {_names(kinds)}, got {json_type(value)}")
        return value

    def offset(self, obj: dict[str, Any], key: str, where: str) -> int:
        value: int = self.get(obj, key, where, int)
        return value


def _count(count: int, what: str) -> str:
    """`1 relation`, `2 relations`, `3 notes on no entity` (the first word counts)."""
    head, sep, rest = what.partition(" ")
    return f"{count} {head if count == 1 else head + 's'}{sep}{rest}"


def _names(kinds: tuple[type, ...]) -> str:
    words = {str: "a string", int: "an integer", list: "an array", dict: "an object"}
    return " or ".join(words.get(k, k.__name__) for k in kinds)


def _decode(file: str, line: int, raw: str | bytes) -> str:
    if isinstance(raw, bytes):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReadError(file, line, "", f"not UTF-8 (byte {exc.start + 1})") from None
    return raw


def _json(file: str, line: int, text: str) -> Any:
    try:
        data = untrusted.loads(text)
        untrusted.check_text(data)
    except json.JSONDecodeError as exc:
        raise ReadError(file, line, "", f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except InputError as exc:
        raise ReadError(file, line, exc.path, exc.reason) from None
    return data


def _json_lines(file: str, lines: Iterable[str | bytes]) -> Iterator[tuple[int, Any] | ReadError]:
    """(line number, decoded object) for each non-blank line, or the line's error."""
    for lineno, raw in enumerate(lines, start=1):
        try:
            text = _decode(file, lineno, raw)
            if lineno == 1:
                text = text.removeprefix("\ufeff")
            if not text.strip():
                continue
            data = _json(file, lineno, text.rstrip("\r\n"))  # an error's column on this line
            if not isinstance(data, dict):
                raise ReadError(file, lineno, "", f"expected a JSON object, got {json_type(data)}")
            yield lineno, data
        except ReadError as exc:
            yield exc


def _hashiya_attributes(f: _Fields, span: dict[str, Any], where: str) -> dict[str, Any]:
    """The attributes a Hashiya export writes on a span: its `labels` (any attribute),
    or the five fields of earlier exports (actor as id or object)."""
    if isinstance(span.get("labels"), dict):
        return _labels_object(f, span, where)
    out: dict[str, Any] = {}
    for name in HASHIYA_ATTRIBUTES:
        value = span.get(name)
        if value is None:
            continue
        if name == "actor" and isinstance(value, dict):
            out[name] = {
                "id": f.get(value, "id", f"{where}.actor.id", str),
                "name_ar": f.optional(value, "name_ar", f"{where}.actor.name_ar", str),
                "name_en": f.optional(value, "name_en", f"{where}.actor.name_en", str),
                "aliases": [
                    f.typed(a, f"{where}.actor.aliases[{i}]", str)
                    for i, a in enumerate(
                        f.optional(value, "aliases", f"{where}.actor.aliases", list) or []
                    )
                ],
            }
        else:
            out[name] = f.typed(value, f"{where}.{name}", str)
    return out


# --------------------------------------------------------------------------- doccano


def read_doccano(file: str, lines: Iterable[str | bytes]) -> Read:
    """doccano JSONL: `label: [[start, end, "LABEL"], ...]` (sequence labelling), or
    `entities: [{start_offset, end_offset, label}]` (with relation labelling on), or the
    older `labels`. Hashiya's own doccano lines also carry `spans` (ids and attributes, in
    the order of `label`) and the article's fields; doccano keeps them as metadata and
    writes them back at the top level, so they survive a trip through doccano."""
    records: list[ForeignRecord] = []
    errors: list[ReadError] = []
    for item in _json_lines(file, lines):
        if isinstance(item, ReadError):
            errors.append(item)
            continue
        lineno, data = item
        try:
            records.append(_doccano_record(file, lineno, data))
        except ReadError as exc:
            errors.append(exc)
    return records, errors


def _doccano_record(file: str, lineno: int, data: dict[str, Any]) -> ForeignRecord:
    f = _Fields(file, lineno)
    # doccano before 1.6 wrote the text as "data"
    text_key = "data" if "data" in data and "text" not in data else "text"
    text: str = f.get(data, text_key, text_key, str)
    record = ForeignRecord(file, lineno, text, **_article_fields(f, data))
    stem = Path(file).stem
    record.file_annotator = stem if stem and stem not in ("all", "-") else None
    extra = data.get("spans") if isinstance(data.get("spans"), list) else None
    mine = _hashiya_spans(f, extra)
    if "entities" in data and not _label_edited(data):
        entities = f.get(data, "entities", "entities", list)
        by_entity: dict[int | str, int] = {}  # entity id -> its span's index
        for index, entity in enumerate(entities):
            where = f"entities[{index}]"
            entity = f.typed(entity, where, dict)
            span = ForeignSpan(
                start=f.offset(entity, "start_offset", f"{where}.start_offset"),
                end=f.offset(entity, "end_offset", f"{where}.end_offset"),
                place=where,
                label=f.get(entity, "label", f"{where}.label", str),
                label_field=f"{where}.label",
            )
            waiting = mine.get((span.start, span.end))
            if waiting:
                span.id, span.attributes, span.kind = waiting.pop(0)
            entity_id = f.optional(entity, "id", f"{where}.id", (int, str))
            if entity_id is not None:
                by_entity.setdefault(entity_id, len(record.spans))
            record.spans.append(span)
        relations = f.optional(data, "relations", "relations", list) or []
        links = _hashiya_links(f, data.get("links"))
        for index, raw in enumerate(relations):
            where = f"relations[{index}]"
            relation = f.typed(raw, where, dict)
            ends = []
            for key in ("from_id", "to_id"):
                ref = f.get(relation, key, f"{where}.{key}", (int, str))
                if ref not in by_entity:
                    raise f.fail(f"{where}.{key}", f"no entity {ref!r} on this line")
                ends.append(by_entity[ref])
            found = ForeignRelation(
                place=where,
                source=ends[0],
                target=ends[1],
                type=f.optional(relation, "type", f"{where}.type", str),
                type_field=f"{where}.type",
            )
            link = (record.spans[ends[0]].id, record.spans[ends[1]].id, found.type)
            if link in links:
                found.id, found.attributes = links[link]
            record.relations.append(found)
    else:
        key = "label" if "label" in data or "labels" not in data else "labels"
        triples = f.optional(data, key, key, list) or []
        for index, triple in enumerate(triples):
            where = f"{key}[{index}]"
            triple = f.typed(triple, where, list)
            if len(triple) != 3:
                raise f.fail(where, f"expected [start, end, label], got {len(triple)} items")
            start = f.typed(triple[0], f"{where}[0]", int)
            end = f.typed(triple[1], f"{where}[1]", int)
            label = f.typed(triple[2], f"{where}[2]", str)
            span = ForeignSpan(
                start=start, end=end, place=where, label=label, label_field=f"{where}[2]"
            )
            # Hashiya's own span at the same place: its id and attributes (doccano may
            # have reordered the labels, or added and removed some).
            waiting = mine.get((start, end))
            if waiting:
                span.id, span.attributes, span.kind = waiting.pop(0)
            record.spans.append(span)
        _relations_from_links(f, record, data.get("links"))
    return record


def _label_edited(data: dict[str, Any]) -> bool:
    """True for a Hashiya line whose `label` column a sequence-labelling project
    changed: `label` and `entities` disagree, and the entities are as Hashiya wrote
    them (ids 0, 1, 2...; doccano's relation export numbers them by its database)."""
    entities, triples = data.get("entities"), data.get("label")
    if not isinstance(entities, list) or not isinstance(triples, list):
        return False
    if not all(isinstance(e, dict) for e in entities):
        return False
    if [e.get("id") for e in entities] != list(range(len(entities))):
        return False
    as_written = sorted(
        (e.get("start_offset"), e.get("end_offset"), e.get("label")) for e in entities
    )
    given = [tuple(t) for t in triples if isinstance(t, list)]
    try:
        return sorted(given) != as_written
    except TypeError:  # mixed types: not as written
        return True


def _relations_from_links(f: _Fields, record: ForeignRecord, links: Any) -> None:
    """Relations from Hashiya's `links` where only the `label` column was read: those
    whose two ends are still spans of the line (by passage id)."""
    if not isinstance(links, list):
        return
    by_id = {span.id: index for index, span in enumerate(record.spans) if span.id}
    for (source, target, rel_type), (rel_id, labels) in _hashiya_links(f, links).items():
        if source in by_id and target in by_id:
            record.relations.append(
                ForeignRelation(
                    place="links",
                    source=by_id[source],
                    target=by_id[target],
                    type=rel_type,
                    type_field="links",
                    attributes=labels,
                    id=rel_id,
                )
            )
        else:
            record.left_out.append(f"a {rel_type} relation whose end is no longer labelled")


HashiyaSpan = tuple[str | None, dict[str, Any], str | None]  # id, attributes, kind


def _hashiya_spans(f: _Fields, extra: list[Any] | None) -> dict[tuple[int, int], list[HashiyaSpan]]:
    """The `spans` metadata of Hashiya's doccano lines: (start, end) -> (id,
    attributes, kind)."""
    out: dict[tuple[int, int], list[HashiyaSpan]] = {}
    for index, mine in enumerate(extra or []):
        if not isinstance(mine, dict):
            continue
        start, end = mine.get("start"), mine.get("end")
        if type(start) is not int or type(end) is not int:
            continue
        where = f"spans[{index}]"
        entry = (
            f.optional(mine, "id", f"{where}.id", str),
            _hashiya_attributes(f, mine, where),
            f.optional(mine, "kind", f"{where}.kind", str),
        )
        out.setdefault((start, end), []).append(entry)
    return out


LinkKey = tuple[str | None, str | None, str | None]  # from span id, to span id, type


def _hashiya_links(f: _Fields, links: Any) -> dict[LinkKey, tuple[str | None, dict[str, Any]]]:
    """Relations as Hashiya's own files list them beside the tool's (`links` in doccano
    lines, `meta.hashiya` in Label Studio tasks): (from, to, type) -> (id, attributes)."""
    out: dict[LinkKey, tuple[str | None, dict[str, Any]]] = {}
    for index, link in enumerate(links if isinstance(links, list) else []):
        if not isinstance(link, dict):
            continue
        where = f"links[{index}]"
        key = (link.get("from"), link.get("to"), link.get("type"))
        if not all(isinstance(k, str) for k in key):
            continue
        out.setdefault(
            key, (f.optional(link, "id", f"{where}.id", str), _labels_object(f, link, where))
        )
    return out


def _labels_object(f: _Fields, holder: dict[str, Any], where: str) -> dict[str, Any]:
    """A span's or relation's `labels` object as Hashiya writes it (attribute -> value
    or values)."""
    labels = holder.get("labels")
    if not isinstance(labels, dict):
        return {}
    out: dict[str, Any] = {}
    for name, value in labels.items():
        if isinstance(value, list):
            out[name] = [
                f.typed(v, f"{where}.labels.{name}[{i}]", str) for i, v in enumerate(value)
            ]
        elif value is not None:
            out[name] = f.typed(value, f"{where}.labels.{name}", (str, bool))
    return out


def _article_fields(f: _Fields, data: dict[str, Any]) -> dict[str, Any]:
    """The article's fields Hashiya's exports write beside the text (any may be absent)."""
    return {
        name: f.optional(data, name, name, str)
        for name in ("article_id", "title", "source", "published", "origin", "annotator", "status")
    }


# --------------------------------------------------------------------------- Prodigy


def read_prodigy(file: str, lines: Iterable[str | bytes]) -> Read:
    """Prodigy JSONL (`prodigy db-out`): `text` and `spans` of {start, end, label}.
    Tasks answered "reject" or "ignore" are not annotations and are left out; the
    annotator is `meta.annotator` (Hashiya's own), else `_annotator_id`/`_session_id`."""
    records: list[ForeignRecord] = []
    errors: list[ReadError] = []
    for item in _json_lines(file, lines):
        if isinstance(item, ReadError):
            errors.append(item)
            continue
        lineno, data = item
        try:
            record = _prodigy_record(file, lineno, data)
        except ReadError as exc:
            errors.append(exc)
            continue
        if record is not None:
            records.append(record)
    return records, errors


def _prodigy_record(file: str, lineno: int, data: dict[str, Any]) -> ForeignRecord | None:
    f = _Fields(file, lineno)
    answer = f.optional(data, "answer", "answer", str)
    if answer not in (None, "accept"):
        return None
    text: str = f.get(data, "text", "text", str)
    meta = f.optional(data, "meta", "meta", dict) or {}
    fields = _article_fields(_Fields(file, lineno), meta)
    if fields["annotator"] is None:
        fields["annotator"] = f.optional(data, "_annotator_id", "_annotator_id", str) or f.optional(
            data, "_session_id", "_session_id", str
        )
    record = ForeignRecord(file, lineno, text, **fields)
    token_ends: list[int | None] = []  # each span's `token_end`, where it has one
    for index, raw in enumerate(f.optional(data, "spans", "spans", list) or []):
        where = f"spans[{index}]"
        span = f.typed(raw, where, dict)
        record.spans.append(
            ForeignSpan(
                start=f.offset(span, "start", f"{where}.start"),
                end=f.offset(span, "end", f"{where}.end"),
                place=where,
                label=f.optional(span, "label", f"{where}.label", str),
                id=f.optional(span, "id", f"{where}.id", str),
                attributes=_hashiya_attributes(f, span, where),
                quoted=f.optional(span, "text", f"{where}.text", str),
                kind=f.optional(span, "kind", f"{where}.kind", str),
            )
        )
        token_ends.append(f.optional(span, "token_end", f"{where}.token_end", int))
    for index, raw in enumerate(f.optional(data, "relations", "relations", list) or []):
        where = f"relations[{index}]"
        relation = f.typed(raw, where, dict)
        ends = [
            _prodigy_end(f, record, token_ends, relation, key, f"{where}.{key}")
            for key in ("head", "child")
        ]
        record.relations.append(
            ForeignRelation(
                place=where,
                source=ends[0],
                target=ends[1],
                type=f.optional(relation, "label", f"{where}.label", str),
                type_field=f"{where}.label",
                attributes=_labels_object(f, relation, where),
                id=f.optional(relation, "id", f"{where}.id", str),
            )
        )
    return record


def _prodigy_end(
    f: _Fields,
    record: ForeignRecord,
    token_ends: list[int | None],
    relation: dict[str, Any],
    key: str,
    where: str,
) -> int:
    """The span a Prodigy relation end is: the one at `head_span`/`child_span`'s
    offsets, else the one whose last token is `head`/`child` (Prodigy's arcs join a
    span's last tokens)."""
    given = relation.get(f"{key}_span")
    if isinstance(given, dict):
        start = f.offset(given, "start", f"{where}_span.start")
        end = f.offset(given, "end", f"{where}_span.end")
        at = [i for i, s in enumerate(record.spans) if (s.start, s.end) == (start, end)]
        label = given.get("label")
        labelled = [i for i in at if record.spans[i].label == label]
        if labelled or at:
            return (labelled or at)[0]
        raise f.fail(f"{where}_span", f"no span at {start}..{end} in this task")
    token: int = f.get(relation, key, where, int)
    for index, token_end in enumerate(token_ends):
        if token_end == token:
            return index
    raise f.fail(where, f"no span ends at token {token} in this task")


# --------------------------------------------------------------------------- Label Studio


def read_labelstudio(file: str, content: str | bytes) -> Read:
    """A Label Studio export: JSON (tasks with `annotations[].result[]`) or JSON-MIN
    (flat tasks with the region list under a control's name, e.g. `label`).

    Each annotation is a record. A `labels` result is a span; `choices` and `textarea`
    results on the same region (same `id`) are its other attributes, by control name
    (Hashiya's config names them after the attributes). Offsets are checked against
    `value.text`: code points if they match, else UTF-16 units if those match (what
    Label Studio before 1.4 and Hashiya's older exports wrote). Cancelled annotations and
    relations are left out; predictions are not annotations and are not read.
    """
    try:
        text = _decode(file, 1, content).removeprefix("\ufeff")
    except ReadError as exc:
        return [], [exc]
    try:
        tasks = list(_array_items(file, text))
    except ReadError as exc:
        return [], [exc]
    records: list[ForeignRecord] = []
    errors: list[ReadError] = []
    for lineno, index, task in tasks:
        try:
            records.extend(_labelstudio_task(file, lineno, index, task))
        except ReadError as exc:
            errors.append(exc)
    return records, errors


def _array_items(file: str, text: str) -> Iterator[tuple[int, int, Any]]:
    """(line, index, value) of each item of a top-level JSON array (or one object),
    with the line each item starts on, so messages point into the file."""
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if position < len(text) and text[position] == "{":
        yield 1 + text.count("\n", 0, position), 0, _json(file, 1, text)
        return
    if position >= len(text) or text[position] != "[":
        raise ReadError(
            file, 1 + text.count("\n", 0, position), "", "expected a JSON array of tasks"
        )
    position = _skip_space(text, position + 1)
    index = 0
    while position < len(text) and text[position] != "]":
        line = 1 + text.count("\n", 0, position)
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise ReadError(
                file, exc.lineno, "", f"not valid JSON: {exc.msg} (column {exc.colno})"
            ) from None
        except RecursionError:
            raise ReadError(file, line, f"[{index}]", untrusted.too_deep()) from None
        try:
            untrusted.check_nesting(value, f"[{index}]")
            untrusted.check_text(value, f"[{index}]")
        except InputError as exc:
            raise ReadError(file, line, exc.path, exc.reason) from None
        yield line, index, value
        index += 1
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
        elif position < len(text) and text[position] != "]":
            raise ReadError(
                file, 1 + text.count("\n", 0, position), "", "expected , or ] between tasks"
            )
    if position >= len(text):
        raise ReadError(file, 1 + text.count("\n"), "", "the array of tasks is not closed")


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _labelstudio_task(file: str, lineno: int, index: int, task: Any) -> list[ForeignRecord]:
    f = _Fields(file, lineno)
    task = f.typed(task, f"[{index}]", dict)
    if "annotations" not in task and "completions" not in task and "data" not in task:
        return _labelstudio_min(f, index, task)
    key = "annotations" if "annotations" in task else "completions"  # before 1.0: completions
    data = f.get(task, "data", f"[{index}].data", dict)
    text = _task_text(f, data, f"[{index}].data")
    fields = _article_fields(f, data)
    fields.pop("annotator")
    fields.pop("status")
    meta = task.get("meta")
    kept: dict[str, Any] = {}
    if isinstance(meta, dict) and isinstance(meta.get("hashiya"), dict):
        kept = meta["hashiya"]
    listed = kept.get("annotations")
    whose_list = [w for w in listed if isinstance(w, dict)] if isinstance(listed, list) else []
    default_unit = "utf16" if kept.get("offsets") == "utf16" else "codepoint"
    records = []
    for number, annotation in enumerate(f.optional(task, key, f"[{index}].{key}", list) or []):
        where = f"[{index}].{key}[{number}]"
        annotation = f.typed(annotation, where, dict)
        if annotation.get("was_cancelled") or annotation.get("skipped"):
            continue
        results = f.get(annotation, "result", f"{where}.result", list)
        # Who annotated: on the annotation (older Hashiya exports), or in the task's
        # meta, which Label Studio keeps (matched by the region ids it lists).
        own = annotation.get("hashiya")
        whose = own if isinstance(own, dict) else _whose(whose_list, results, number)
        record = ForeignRecord(
            file,
            lineno,
            text,
            annotator=_labelstudio_annotator(annotation, whose),
            status=whose.get("status") if isinstance(whose.get("status"), str) else None,
            **fields,
        )
        _labelstudio_results(f, record, results, f"{where}.result", whose)
        created = annotation.get("created_at")
        updated = annotation.get("updated_at")
        for span in record.spans:
            span.created_at = created if isinstance(created, str) else None
            span.updated_at = updated if isinstance(updated, str) else None
            if span.quoted is None:
                span.unit = default_unit
        records.append(record)
    return records


def _whose(whose_list: list[dict[str, Any]], results: list[Any], number: int) -> dict[str, Any]:
    """The `meta.hashiya.annotations` entry of an annotation: the one listing most of its
    region ids (Label Studio may reorder annotations, and people add some), else the
    entry at its position when it has no results to go by, else none."""
    ids = {r.get("id") for r in results if isinstance(r, dict) and isinstance(r.get("id"), str)}
    best, best_count = None, 0
    for entry in whose_list:
        regions = entry.get("regions")
        count = len(ids & set(regions)) if isinstance(regions, list) else 0
        if count > best_count:
            best, best_count = entry, count
    if best is not None:
        return best
    if not ids and number < len(whose_list):
        return whose_list[number]
    return {}


def _task_text(f: _Fields, data: dict[str, Any], where: str) -> str:
    if "text" in data:
        value: str = f.typed(data["text"], f"{where}.text", str)
        return value
    raise f.fail(f"{where}.text", "missing field (the task's text must be data.text)")


def _labelstudio_annotator(annotation: dict[str, Any], whose: dict[str, Any]) -> str | None:
    """Hashiya's annotator where the file keeps it, else the Label Studio user."""
    if isinstance(whose.get("annotator"), str) and whose["annotator"]:
        return str(whose["annotator"])
    user = annotation.get("completed_by")
    if isinstance(user, dict):
        user = user.get("email") or user.get("id")
    if isinstance(user, str) and user:
        return user
    if isinstance(user, int) and not isinstance(user, bool):
        return f"labelstudio-user-{user}"
    return None


def _labelstudio_results(
    f: _Fields,
    record: ForeignRecord,
    results: list[Any],
    where: str,
    whose: dict[str, Any] | None = None,
) -> None:
    regions: dict[str, ForeignSpan] = {}
    extras: list[tuple[str, str, Any, str]] = []  # (region id, control, value, where)
    relations: list[tuple[str, dict[str, Any]]] = []  # (where, result)
    for number, raw in enumerate(results):
        at = f"{where}[{number}]"
        result = f.typed(raw, at, dict)
        kind = result.get("type")
        if kind == "relation":
            relations.append((at, result))
            continue
        value = f.get(result, "value", f"{at}.value", dict)
        region_id = result.get("id") if isinstance(result.get("id"), str) else f"#{number}"
        if kind == "labels" or "labels" in value:
            labels = [
                f.typed(v, f"{at}.value.labels[{i}]", str)
                for i, v in enumerate(f.get(value, "labels", f"{at}.value.labels", list))
            ]
            span = ForeignSpan(
                start=f.offset(value, "start", f"{at}.value.start"),
                end=f.offset(value, "end", f"{at}.value.end"),
                place=f"{at}.value",
                label=labels[0] if len(labels) == 1 else None,
                labels=tuple(labels) if len(labels) > 1 else (),
                label_field=f"{at}.value.labels",
                id=region_id if result.get("id") is not None else None,
                quoted=f.optional(value, "text", f"{at}.value.text", str),
                unit="check",
            )
            regions[region_id] = span
            record.spans.append(span)
        elif kind in ("choices", "textarea") and "start" in value:
            control = f.get(result, "from_name", f"{at}.from_name", str)
            key = "choices" if kind == "choices" else "text"
            items = f.get(value, key, f"{at}.value.{key}", list)
            extras.append((region_id, control, items, f"{at}.value.{key}"))
        else:
            record.left_out.append(f"a {kind or 'untyped'} result not on a region ({at})")
    for region_id, control, items, at in extras:
        found = regions.get(region_id)
        if found is None:
            record.left_out.append(f"a {control} result on no labelled region ({at})")
            continue
        strings = [f.typed(item, f"{at}[{i}]", str) for i, item in enumerate(items)]
        if strings:
            found.attributes[control] = strings[0] if len(strings) == 1 else strings
    whose = whose or {}
    kinds = whose.get("kinds")
    if isinstance(kinds, dict):
        for region_id, kind in kinds.items():
            if region_id in regions and isinstance(kind, str):
                regions[region_id].kind = kind
    index_of = {id(span): i for i, span in enumerate(record.spans)}
    links = _hashiya_links(f, whose.get("relations"))
    for at, result in relations:
        ends = []
        for key in ("from_id", "to_id"):
            region_id = f.get(result, key, f"{at}.{key}", str)
            if region_id not in regions:
                raise f.fail(f"{at}.{key}", f"no labelled region {region_id!r} in this annotation")
            ends.append(index_of[id(regions[region_id])])
        if result.get("direction") == "left":  # drawn from the to end
            ends.reverse()
        tags = [
            f.typed(t, f"{at}.labels[{i}]", str)
            for i, t in enumerate(f.optional(result, "labels", f"{at}.labels", list) or [])
        ]
        types = [t for t in tags if ":" not in t]
        if len(types) > 1:
            raise f.fail(f"{at}.labels", f"{len(types)} relation types on one relation")
        attributes: dict[str, Any] = {}
        for tag in tags:
            name, sep, value = tag.partition(":")
            if sep:
                have = attributes.get(name)
                attributes[name] = value if have is None else [*_as_list(have), value]
        found_relation = ForeignRelation(
            place=at,
            source=ends[0],
            target=ends[1],
            type=types[0] if types else None,
            type_field=f"{at}.labels",
            attributes=attributes,
        )
        link = (record.spans[ends[0]].id, record.spans[ends[1]].id, found_relation.type)
        if link in links:
            found_relation.id, found_relation.kept = links[link]
        record.relations.append(found_relation)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _labelstudio_min(f: _Fields, index: int, task: dict[str, Any]) -> list[ForeignRecord]:
    """A JSON-MIN task: the data keys at the top, each control's regions under its name."""
    where = f"[{index}]"
    text: str = f.get(task, "text", f"{where}.text", str)
    fields = _article_fields(f, task)
    annotator = task.get("annotator")
    if isinstance(annotator, int) and not isinstance(annotator, bool):
        annotator = f"labelstudio-user-{annotator}"
    fields["annotator"] = annotator if isinstance(annotator, str) else None
    record = ForeignRecord(f.file, f.line, text, **fields)
    for key, value in task.items():
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            continue
        for number, region in enumerate(value):
            at = f"{where}.{key}[{number}]"
            if "labels" not in region:
                continue
            labels = [
                f.typed(v, f"{at}.labels[{i}]", str)
                for i, v in enumerate(f.get(region, "labels", f"{at}.labels", list))
            ]
            record.spans.append(
                ForeignSpan(
                    start=f.offset(region, "start", f"{at}.start"),
                    end=f.offset(region, "end", f"{at}.end"),
                    place=at,
                    label=labels[0] if len(labels) == 1 else None,
                    labels=tuple(labels) if len(labels) > 1 else (),
                    label_field=f"{at}.labels",
                    quoted=f.optional(region, "text", f"{at}.text", str),
                    unit="check",
                )
            )
    return [record]


# --------------------------------------------------------------------------- brat

BRAT_ATTRIBUTES = {"Actor": "actor", "Stance": "stance", "ClaimType": "claim_type"}


def brat_documents(path: Path) -> list[tuple[Path, Path]]:
    """The (.ann, .txt) pairs of a brat collection (a folder, searched below) or of
    one .ann or .txt file, sorted."""
    if path.is_dir():
        anns = sorted(
            p
            for p in path.rglob("*.ann")
            if not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
    else:
        anns = [path.with_suffix(".ann")]
    return [(ann, ann.with_suffix(".txt")) for ann in anns]


def read_brat(root: Path) -> Read:
    """A brat collection: each `DOC.ann` with its `DOC.txt`.

    `T` lines are spans (fragments joined where only whitespace separates them, as
    Hashiya writes a span crossing a line break); `A` lines `Actor`, `Stance`,
    `ClaimType` are those attributes and `Kind` the passage's kind; `AnnotatorNotes`
    hold the note (and the target, as `target: …; note`, when Hashiya wrote it). `R`
    lines are relations (`TYPE Arg1:T1 Arg2:T2`, Arg1 the from end), with the `A` lines
    and notes on their ids as their attributes (named in CamelCase, `Quote` for
    `quote`). Events, equivalences and normalisations are left out. The annotator is the
    sub-folder the document is in (Hashiya writes one per annotator), or None for a
    document at the top.
    """
    records: list[ForeignRecord] = []
    errors: list[ReadError] = []
    for ann, txt in brat_documents(root):
        try:
            records.append(_brat_document(root, ann, txt))
        except ReadError as exc:
            errors.append(exc)
    if not records and not errors:
        errors.append(ReadError(str(root), 0, "", "no .ann files"))
    return records, errors


def _read_text(path: Path, file: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(file, 0, "", f"cannot read ({exc.strerror or exc})") from None
    text = _decode(file, 1, data).removeprefix("\ufeff")
    try:
        untrusted.check_text(text)
    except InputError as exc:
        raise ReadError(file, 1, "", exc.reason) from None
    return text


def _brat_document(root: Path, ann: Path, txt: Path) -> ForeignRecord:
    ann_name, txt_name = str(ann), str(txt)
    if not txt.is_file():
        raise ReadError(
            ann_name, 0, "", f"no {txt.name} beside it (brat pairs DOC.ann with DOC.txt)"
        )
    text = _read_text(txt, txt_name)
    annotation = _read_text(ann, ann_name)
    relative = ann.relative_to(root).parent if root.is_dir() else Path()
    record = ForeignRecord(
        ann_name,
        1,
        text,
        annotator=relative.parts[0] if relative.parts else None,
        article_hint=ann.stem,
    )
    by_entity: dict[str, ForeignSpan] = {}
    left_out: dict[str, int] = {}
    relation_lines: list[tuple[int, str, list[str]]] = []  # (line, id, TYPE Arg1:X Arg2:Y)
    on_relations: dict[str, dict[str, Any]] = {}  # relation id -> attributes given to it
    for lineno, line in enumerate(annotation.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        kind = line[0]
        columns = line.split("\t")
        if kind == "T":
            span = _brat_entity(ann_name, lineno, columns, text)
            by_entity[columns[0]] = span
            record.spans.append(span)
        elif kind == "A" or kind == "M":
            parts = columns[1].split() if len(columns) > 1 else []
            if len(parts) < 2:
                raise ReadError(ann_name, lineno, columns[0], "expected NAME ENTITY [VALUE]")
            if parts[1].startswith("R"):
                given = on_relations.setdefault(parts[1], {})
                snake = _snake(parts[0])
                value: Any = parts[2] if len(parts) > 2 else True
                given[snake] = value if snake not in given else [*_as_list(given[snake]), value]
                continue
            target = by_entity.get(parts[1])
            if parts[0] == BRAT_KIND and target is not None and len(parts) == 3:
                target.kind = parts[2]
                continue
            name = BRAT_ATTRIBUTES.get(parts[0])
            if target is None or name is None or len(parts) != 3:
                left_out[f"attribute {parts[0]}"] = left_out.get(f"attribute {parts[0]}", 0) + 1
                continue
            target.attributes[name] = parts[2]
        elif kind == "#":
            parts = columns[1].split() if len(columns) > 1 else []
            if len(parts) > 1 and parts[1].startswith("R") and len(columns) > 2:
                on_relations.setdefault(parts[1], {}).update(_note_parts(columns[2]))
                continue
            target = by_entity.get(parts[1]) if len(parts) > 1 else None
            if target is None or len(columns) < 3:
                left_out["note on no entity"] = left_out.get("note on no entity", 0) + 1
                continue
            note = columns[2]
            if note.startswith("target: "):
                head, sep, rest = note[len("target: ") :].partition("; ")
                target.attributes["target"] = head
                if sep:
                    target.attributes["note"] = rest
            else:
                target.attributes["note"] = note
        elif kind == "R":
            parts = columns[1].split() if len(columns) > 1 else []
            if len(parts) != 3 or not all(":" in part for part in parts[1:]):
                raise ReadError(
                    ann_name, lineno, columns[0], "expected ID<TAB>TYPE Arg1:ID Arg2:ID"
                )
            relation_lines.append((lineno, columns[0], parts))
        else:
            names = {"E": "event", "*": "equivalence", "N": "normalisation"}
            what = names.get(kind, f"{kind} line")
            left_out[what] = left_out.get(what, 0) + 1
    position = {id(span): i for i, span in enumerate(record.spans)}
    index_of = {entity: position[id(span)] for entity, span in by_entity.items()}
    for lineno, rid, (rel_type, *args) in relation_lines:
        ends = []
        for arg in args:
            role, _, ref = arg.partition(":")
            if ref not in index_of:
                raise ReadError(
                    ann_name, lineno, f"{rid}.{role}", f"no entity {ref!r} in this document"
                )
            ends.append(index_of[ref])
        record.relations.append(
            ForeignRelation(
                place=rid,
                source=ends[0],
                target=ends[1],
                type=rel_type,
                type_field=rid,
                attributes=on_relations.get(rid, {}),
                line=lineno,
            )
        )
    record.left_out.extend(_count(count, what) for what, count in left_out.items())
    return record


def _snake(name: str) -> str:
    """A brat attribute name as an attribute id: `ClaimType` -> `claim_type`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _note_parts(note: str) -> dict[str, str]:
    """An AnnotatorNotes text as Hashiya writes it on a relation: `ATTRIBUTE: text`
    pieces joined by "; " (the note alone, as it is)."""
    out: dict[str, str] = {}
    for piece in note.split("; "):
        name, sep, text = piece.partition(": ")
        if sep and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
            out[name] = text
        else:
            out["note"] = f"{out['note']}; {piece}" if "note" in out else piece
    return out


def _brat_entity(file: str, lineno: int, columns: list[str], text: str) -> ForeignSpan:
    if len(columns) < 2:
        raise ReadError(file, lineno, columns[0], "expected ID<TAB>TYPE START END<TAB>TEXT")
    entity = columns[0]
    head, _, offsets = columns[1].partition(" ")
    fragments: list[tuple[int, int]] = []
    for piece in offsets.split(";"):
        numbers = piece.split()
        if len(numbers) != 2 or not all(n.isdigit() for n in numbers):
            raise ReadError(
                file, lineno, entity, f"bad offsets {offsets!r} (START END[;START END])"
            )
        fragments.append((int(numbers[0]), int(numbers[1])))
    for (_, end), (start, _) in pairwise(fragments):
        gap = text[end:start]
        if end > start or (gap and not gap.isspace()):
            raise ReadError(
                file,
                lineno,
                entity,
                "a discontinuous span with text between its fragments (a passage is one"
                " piece of text)",
            )
    quoted = columns[2] if len(columns) > 2 else None
    if quoted is not None and len(fragments) > 1:
        joined = " ".join(text[s:e] for s, e in fragments)
        if joined == quoted:
            quoted = None  # brat's own form of a fragmented span; offsets checked below
    return ForeignSpan(
        start=fragments[0][0],
        end=fragments[-1][1],
        place=entity,
        label=head,
        label_field=entity,
        quoted=quoted,
    )
