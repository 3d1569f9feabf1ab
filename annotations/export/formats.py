"""Other annotation tools' formats, made from native records.

Each converter takes native records (the dicts `native_record` returns, or parsed
`NativeRecord`s) and returns plain dicts or strings; `write_brat` and the writers in
`FORMATS` are the only functions that touch files, and they replace each file atomically
(brat's folder as a whole).

Where a format holds one label per span, `label_from` picks the attribute that becomes
the label (its value id; for actors, the actor id); a span without a value for it gets
the label `UNSET_LABEL`. The other attributes go where the format has room for them.
docs/format.md describes every mapping and its caveats.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import quoteattr

from annotations.export.conll import HEADER as CONLL_HEADER
from annotations.export.conll import ConllDocument, SpanIn, conll_document, document_lines, tokenize
from annotations.export.hashing import prodigy_hashes
from annotations.export.links import (
    BRAT_KIND,
    kind_types,
    label_kind,
    label_values,
    ordered_attributes,
    record_relations,
    relation_attribute_type,
    relation_tag_values,
    relation_tags,
)
from annotations.export.native import (
    LEGACY_LAYOUT,
    LINE_BREAKS,
    Layout,
    NativeRecord,
    dumps_line,
    native_lines,
)
from annotations.schema import BUILT_IN_LABELS, Actor, LabelSchema, LabelValue

# Any attribute id of the schema in effect (`hashiya export` checks it against the schema).
LabelFrom = str
# The attributes of the bundled schema a one-label format can take its label from.
LABEL_FROM_CHOICES: tuple[str, ...] = ("claim_type", "stance", "actor")
Unit = Literal["article", "span"]
UNSET_LABEL = "_unset"

RecordLike = Mapping[str, Any] | NativeRecord


@dataclass(frozen=True)
class Kind:
    """What the formats need to know of an attribute."""

    type: str  # choice | actor | text | boolean
    multiple: bool = False


# The attributes of a schema 1.0 (and of the bundled schema), for callers that give none.
LEGACY_KINDS: dict[str, Kind] = {
    "actor": Kind("actor"),
    "stance": Kind("choice"),
    "target": Kind("text"),
    "claim_type": Kind("choice"),
    "note": Kind("text"),
}


def attribute_kinds(schema: Any, level: str = "passage") -> dict[str, Kind]:
    """Attribute id -> Kind, in schema order, for a `LabelSchema`."""
    attributes = schema.attributes if level == "passage" else schema.document_attributes
    return {a.id: Kind(a.type, a.multiple) for a in attributes}


def _as_dict(record: RecordLike) -> Mapping[str, Any]:
    return record.to_dict() if isinstance(record, NativeRecord) else record


def _check_label_from(label_from: str, kinds: Mapping[str, Kind] | None = None) -> None:
    known = kinds if kinds is not None else LEGACY_KINDS
    if label_from not in known:
        raise ValueError(f"label_from must be one of {', '.join(known)}, not {label_from!r}")


def _values(span: Mapping[str, Any], attribute: str) -> list[str]:
    """The value ids of one attribute on a span, as text (several for `multiple`)."""
    value = span["labels"].get(attribute)
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)]


def span_labels(
    span: Mapping[str, Any], label_from: str, schema: LabelSchema | None = None
) -> list[str]:
    """The labels a one-label format gives a native span: one per value of the
    attribute (several for a `multiple` one), or [UNSET_LABEL]; a span whose kind does
    not have the attribute gets its kind's id (`links.label_kind`)."""
    kind = label_kind(span, label_from, schema)
    if kind is not None:
        return [kind]
    return _values(span, label_from) or [UNSET_LABEL]


def span_label(span: Mapping[str, Any], label_from: str, schema: LabelSchema | None = None) -> str:
    """The one label a format that holds one gives a span: the first value."""
    return span_labels(span, label_from, schema)[0]


def _flat_attributes(span: Mapping[str, Any]) -> dict[str, Any]:
    """A span's labels, as the line holds them (each attribute, actors by id)."""
    return {k: list(v) if isinstance(v, list) else v for k, v in span["labels"].items()}


def document_categories(record: Mapping[str, Any]) -> list[str]:
    """A line's document labels as category names `ATTRIBUTE:VALUE` (one per value)."""
    out = []
    for attribute, value in record.get("document_labels", {}).items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            shown = ("true" if item else "false") if isinstance(item, bool) else str(item)
            out.append(f"{attribute}:{shown}")
    return out


# --------------------------------------------------------------------------- overlaps


def overlapping_span_ids(spans: Iterable[Mapping[str, Any]]) -> set[str]:
    """The ids of the spans that share at least one character with another span."""
    ordered = sorted(spans, key=lambda s: (s["start"], s["end"]))
    found: set[str] = set()
    reach = -1  # the furthest end so far, and the span that reaches it
    reaching = ""
    for span in ordered:
        if span["start"] < reach:
            found.add(span["id"])
            found.add(reaching)
        if span["end"] > reach:
            reach, reaching = span["end"], span["id"]
    return found


# --------------------------------------------------------------------------- Prodigy

PRODIGY_VIEW = "ner_manual"  # spans that never overlap, on tokens
PRODIGY_OVERLAP_VIEW = "spans_manual"  # Prodigy's view for overlapping and nested spans
PRODIGY_RELATIONS_VIEW = "relations"  # rel.manual's view: spans and the arcs between them


def to_prodigy(
    record: RecordLike,
    label_from: LabelFrom,
    *,
    kinds: Mapping[str, Kind] | None = None,
    schema: LabelSchema | None = None,
) -> list[dict[str, Any]]:
    """Prodigy tasks (answer "accept") for one native record: one task.

    `_view_id` is `ner_manual`, or `spans_manual` when spans overlap (ner_manual cannot
    show them). `_input_hash` and `_task_hash` are computed from the task's content as
    Prodigy's `set_hashes` computes them (`annotations.export.hashing`).

    A record with relations is a `relations` task as Prodigy's rel.manual saves one:
    `tokens` (Hashiya's CoNLL tokenisation, cut at every span's edges), each span's
    `token_start`/`token_end`, and `relations` whose `head` and `child` are the token
    index of each end's last token, with `head_span`/`child_span` (the relation's
    `from` is its head). Each relation also carries its `id` and `labels`.
    """
    _check_label_from(label_from, kinds)
    data = _as_dict(record)
    spans = []
    first_label: dict[str, dict[str, Any]] = {}  # span id -> its first Prodigy span
    for span in data["spans"]:
        for label in span_labels(span, label_from, schema):
            shown: dict[str, Any] = {
                "start": span["start"],
                "end": span["end"],
                "text": span["text"],
                "label": label,
                "id": span["id"],
                "labels": _flat_attributes(span),
            }
            if span.get("kind"):
                shown["kind"] = span["kind"]
            first_label.setdefault(span["id"], shown)
            spans.append(shown)
    relations = record_relations(data)
    session = f"{data['schema']['name']}-{data['annotator']}"
    task: dict[str, Any] = {
        "text": data["text"],
        "meta": {
            "article_id": data["article_id"],
            "title": data["title"],
            "source": data["source"],
            "annotator": data["annotator"],
            "status": data["status"],
        },
        "_input_hash": 0,
        "_task_hash": 0,
    }
    if relations:
        task["tokens"] = _prodigy_tokens(data["text"], spans)
    task["spans"] = spans
    if relations:
        task["relations"] = _prodigy_relations(relations, first_label)
        view = PRODIGY_RELATIONS_VIEW
    else:
        view = PRODIGY_OVERLAP_VIEW if overlapping_span_ids(spans) else PRODIGY_VIEW
    task.update(
        {
            "_view_id": view,
            "accept": document_categories(data),
            "answer": "accept",
            "_annotator_id": session,
            "_session_id": session,
        }
    )
    task["_input_hash"], task["_task_hash"] = prodigy_hashes(task)
    return [task]


def _prodigy_tokens(text: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Prodigy's `tokens` for the text, and each span's `token_start`/`token_end`
    (inclusive, as Prodigy counts them; left out for a span with no token in it)."""
    pieces = tokenize(text, (edge for span in spans for edge in (span["start"], span["end"])))
    tokens = [
        {
            "text": text[start:end],
            "start": start,
            "end": end,
            "id": index,
            "ws": end < len(text) and text[end].isspace(),
        }
        for index, (start, end) in enumerate(pieces)
    ]
    starts = [start for start, _ in pieces]
    for span in spans:
        # Tokens are cut at span edges: the span's are those that start inside it.
        first = bisect_left(starts, span["start"])
        last = bisect_left(starts, span["end"]) - 1
        if first <= last:
            span["token_start"], span["token_end"] = first, last
    return tokens


def _prodigy_relations(
    relations: Iterable[Mapping[str, Any]], first_label: Mapping[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    out = []
    for relation in relations:
        head, child = first_label.get(relation["from"]), first_label.get(relation["to"])
        if head is None or child is None or "token_end" not in head or "token_end" not in child:
            continue  # an end with no token: Prodigy's arcs join tokens
        out.append(
            {
                "head": head["token_end"],
                "child": child["token_end"],
                "head_span": _prodigy_end(head),
                "child_span": _prodigy_end(child),
                "label": relation["type"],
                "id": relation["id"],
                "labels": dict(relation.get("labels") or {}),
            }
        )
    return out


def _prodigy_end(span: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("start", "end", "token_start", "token_end", "label")
    return {key: span[key] for key in keys}


# --------------------------------------------------------------------------- doccano


def to_doccano(
    record: RecordLike,
    label_from: LabelFrom,
    *,
    kinds: Mapping[str, Kind] | None = None,
    schema: LabelSchema | None = None,
) -> dict[str, Any]:
    """A doccano sequence-labelling line: `text`, `label` triples (one per value of the
    label attribute), the document labels as `cats` (`ATTRIBUTE:VALUE`), the rest as
    metadata.

    A record with relations, or any record when the schema declares relations, also
    has what doccano's relation import ("JSONL (Relation)") reads: `entities`
    (`id`, `start_offset`, `end_offset`, `label`; the same spans as `label`) and
    `relations` (`id`, `from_id`, `to_id` — entity ids, a span's first entity —, `type`).
    Each import keeps the other's keys as metadata. `links` holds the relations as the
    native line does (ids and attributes, which doccano has no place for)."""
    _check_label_from(label_from, kinds)
    data = _as_dict(record)
    triples = [
        [span["start"], span["end"], label]
        for span in data["spans"]
        for label in span_labels(span, label_from, schema)
    ]
    line: dict[str, Any] = {"text": data["text"], "label": triples}
    relations = record_relations(data)
    if relations or (schema is not None and schema.relations):
        entities: list[dict[str, Any]] = []
        first: dict[str, int] = {}
        for span in data["spans"]:
            for label in span_labels(span, label_from, schema):
                first.setdefault(span["id"], len(entities))
                entities.append(
                    {
                        "id": len(entities),
                        "start_offset": span["start"],
                        "end_offset": span["end"],
                        "label": label,
                    }
                )
        line["entities"] = entities
        line["relations"] = [
            {
                "id": number,
                "from_id": first[relation["from"]],
                "to_id": first[relation["to"]],
                "type": relation["type"],
            }
            for number, relation in enumerate(
                r for r in relations if r["from"] in first and r["to"] in first
            )
        ]
    line.update(
        {
            "cats": document_categories(data),
            "article_id": data["article_id"],
            "title": data["title"],
            "source": data["source"],
            "annotator": data["annotator"],
            "status": data["status"],
            "spans": [_doccano_span(span) for span in data["spans"]],
        }
    )
    if relations:
        line["links"] = [_native_relation(r) for r in relations]
    return line


def _doccano_span(span: Mapping[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {"id": span["id"], "start": span["start"], "end": span["end"]}
    if span.get("kind"):
        shown["kind"] = span["kind"]
    shown["labels"] = _flat_attributes(span)
    return shown


def _native_relation(relation: Mapping[str, Any]) -> dict[str, Any]:
    """A relation as the native line writes it (a plain copy)."""
    return {
        "id": relation["id"],
        "type": relation["type"],
        "from": relation["from"],
        "to": relation["to"],
        "labels": {
            k: list(v) if isinstance(v, list) else v
            for k, v in (relation.get("labels") or {}).items()
        },
    }


# --------------------------------------------------------------------------- Label Studio

# The unit of a Label Studio region's `start`/`end`. Label Studio itself counts code points
# (docs/interop.md has the evidence); `utf16` is for tools that count JavaScript string
# units instead.
LabelStudioOffsets = Literal["codepoint", "utf16"]
LABELSTUDIO_OFFSETS: tuple[LabelStudioOffsets, ...] = ("codepoint", "utf16")


def utf16_offsets(text: str) -> Callable[[int], int]:
    """A function from a code-point offset in `text` to its UTF-16 code-unit offset."""
    astral = [index for index, char in enumerate(text) if ord(char) > 0xFFFF]
    if not astral:
        return lambda index: index
    return lambda index: index + bisect_left(astral, index)


def _check_offsets(offsets: str) -> None:
    if offsets not in LABELSTUDIO_OFFSETS:
        raise ValueError(
            f"offsets must be one of {', '.join(LABELSTUDIO_OFFSETS)}, not {offsets!r}"
        )


def to_labelstudio(
    records: Iterable[RecordLike],
    label_from: LabelFrom,
    *,
    annotator_emails: Mapping[str, str] | None = None,
    offsets: LabelStudioOffsets = "codepoint",
    kinds: Mapping[str, Kind] | None = None,
    schema: LabelSchema | None = None,
) -> list[dict[str, Any]]:
    """Label Studio tasks: one per article, one annotation per annotator.

    Offsets are code points, as Label Studio stores them (`offsets="utf16"` gives
    UTF-16 code units instead). Each span is a region (id = the span id) with a `labels`
    result (several values for a `multiple` label attribute); its other attributes are
    per-region `choices` (choice, actor and boolean attributes; several values for a
    `multiple` one) and `textarea` (text attributes) results on the same region, and the
    document labels are `choices` results on the whole text (`document_ATTRIBUTE`),
    matching `labelstudio_config`. Who annotated is in the task's `meta.hashiya` (Label
    Studio keeps task meta; it drops unknown keys on annotations). `completed_by` is
    written only for annotators with an e-mail in `annotator_emails` (an annotator name
    that is itself an e-mail counts): Label Studio rejects a file naming a user it
    cannot find.

    Relations are `relation` results (`from_id`/`to_id` the span ids, `direction`
    "right", `labels` its type then `ATTRIBUTE:VALUE` per value, `links.relation_tags`);
    the task's meta also lists each annotation's relations as the native line holds
    them (ids, text attributes) and the kinds of its spans that are not the default.
    """
    _check_label_from(label_from, kinds)
    _check_offsets(offsets)
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for record in records:
        data = _as_dict(record)
        groups.setdefault(data["article_id"], []).append(data)
    return [
        _labelstudio_task(
            group, label_from, annotator_emails, offsets, kinds or LEGACY_KINDS, schema
        )
        for group in groups.values()
    ]


def iter_labelstudio_tasks(
    records: Iterable[RecordLike],
    label_from: LabelFrom,
    *,
    annotator_emails: Mapping[str, str] | None = None,
    offsets: LabelStudioOffsets = "codepoint",
    kinds: Mapping[str, Kind] | None = None,
    schema: LabelSchema | None = None,
) -> Iterator[dict[str, Any]]:
    """`to_labelstudio`, one task at a time, for records grouped by article (as
    `export_records` gives them): only one article's records are held at once.

    Raises ValueError when an article's records come apart (another article between)."""
    _check_label_from(label_from, kinds)
    _check_offsets(offsets)
    kinds = kinds or LEGACY_KINDS
    done: set[str] = set()
    group: list[Mapping[str, Any]] = []
    for record in records:
        data = _as_dict(record)
        article_id = data["article_id"]
        if group and group[0]["article_id"] != article_id:
            done.add(group[0]["article_id"])
            yield _labelstudio_task(group, label_from, annotator_emails, offsets, kinds, schema)
            group = []
        if article_id in done:
            raise ValueError(f"the records of article {article_id!r} are not together")
        group.append(data)
    if group:
        yield _labelstudio_task(group, label_from, annotator_emails, offsets, kinds, schema)


def _labelstudio_task(
    records: Sequence[Mapping[str, Any]],
    label_from: str,
    annotator_emails: Mapping[str, str] | None,
    offsets: LabelStudioOffsets,
    kinds: Mapping[str, Kind],
    schema: LabelSchema | None = None,
) -> dict[str, Any]:
    """The task of one article from its records (one per annotator)."""
    emails = annotator_emails or {}
    first = records[0]
    article_id = first["article_id"]
    annotations: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for data in records:
        if data["text"] != first["text"]:
            raise ValueError(f"article {article_id!r} has two different texts in the records")
        annotator = data["annotator"]
        if any(name == annotator for name, _, _ in annotations):
            raise ValueError(f"two records for article {article_id!r} by {annotator!r}")
        annotation: dict[str, Any] = {
            "result": _labelstudio_results(data, label_from, offsets, kinds, schema)
        }
        email = emails.get(annotator, annotator if "@" in annotator else None)
        if email is not None:
            annotation["completed_by"] = {"email": email}
        annotation["was_cancelled"] = False
        annotation["ground_truth"] = False
        whose = {
            "annotator": annotator,
            "status": data["status"],
            "schema": dict(data["schema"]),
            "regions": [span["id"] for span in data["spans"]],
        }
        span_kinds = {span["id"]: span["kind"] for span in data["spans"] if span.get("kind")}
        if span_kinds:
            whose["kinds"] = span_kinds
        relations = record_relations(data)
        if relations:
            whose["relations"] = [_native_relation(r) for r in relations]
        annotations.append((annotator, annotation, whose))
    annotations.sort(key=lambda entry: entry[0])
    return {
        "data": {
            "text": first["text"],
            "article_id": article_id,
            "title": first["title"],
            "source": first["source"],
            "published": first["published"],
            "origin": first["origin"],
        },
        "meta": {
            "hashiya": {
                "offsets": offsets,
                "annotations": [whose for _, _, whose in annotations],
            }
        },
        "annotations": [annotation for _, annotation, _ in annotations],
    }


def _labelstudio_results(
    data: Mapping[str, Any],
    label_from: str,
    offsets: LabelStudioOffsets,
    kinds: Mapping[str, Kind],
    schema: LabelSchema | None = None,
) -> list[dict[str, Any]]:
    convert = utf16_offsets(data["text"]) if offsets == "utf16" else None
    results: list[dict[str, Any]] = []
    for span in data["spans"]:
        span_id = span["id"]
        start, end = span["start"], span["end"]
        if convert is not None:
            start, end = convert(start), convert(end)
        region = {"start": start, "end": end, "text": span["text"]}
        labels = span_labels(span, label_from, schema)
        results.append(
            _labelstudio_result(span_id, "label", "labels", {**region, "labels": labels})
        )
        for attribute in _other_attributes(span, kinds, label_from):
            values = _values(span, attribute)
            if not values:
                continue
            if kinds.get(attribute, Kind("choice")).type == "text":
                typed = {"start": start, "end": end, "text": values}
                results.append(_labelstudio_result(span_id, attribute, "textarea", typed))
            else:
                choices = {**region, "choices": values}
                results.append(_labelstudio_result(span_id, attribute, "choices", choices))
    regions = {span["id"] for span in data["spans"]}
    for relation in record_relations(data):
        if relation["from"] in regions and relation["to"] in regions:
            results.append(
                {
                    "from_id": relation["from"],
                    "to_id": relation["to"],
                    "type": "relation",
                    "direction": "right",
                    "labels": relation_tags(relation, schema),
                }
            )
    for attribute, value in data.get("document_labels", {}).items():
        values = value if isinstance(value, list) else [value]
        shown = [("true" if v else "false") if isinstance(v, bool) else str(v) for v in values]
        results.append(
            {
                "id": f"document-{attribute}",
                "from_name": f"document_{attribute}",
                "to_name": "text",
                "type": "choices",
                "value": {"choices": shown},
            }
        )
    return results


def _other_attributes(
    span: Mapping[str, Any], kinds: Mapping[str, Kind], label_from: str
) -> list[str]:
    """The attributes of a span besides the label: the schema's in order, then others."""
    labels = span["labels"]
    known = [a for a in kinds if a != label_from and a in labels]
    return known + sorted(a for a in labels if a not in kinds and a != label_from)


def _labelstudio_result(
    span_id: str, name: str, kind: str, value: dict[str, Any]
) -> dict[str, Any]:
    return {"id": span_id, "from_name": name, "to_name": "text", "type": kind, "value": value}


@dataclass(frozen=True)
class LabelStudioChoice:
    """One value of a choice attribute in the labeling config."""

    id: str  # what results hold (the config's `alias`)
    name: str  # what the annotator sees (the config's `value`)
    hint: str = ""
    color: str = ""  # "#rrggbb", or "" for Label Studio's own
    shortcut: str = ""


@dataclass(frozen=True)
class LabelStudioAttribute:
    """One control of the labeling config: a choice attribute or a free text."""

    id: str  # the control's name, the results' `from_name`
    type: Literal["choice", "text"]
    title: str
    choices: tuple[LabelStudioChoice, ...] = ()
    multiple: bool = False
    per_region: bool = True  # False: about the whole article (a document attribute)


def _both_names(label_ar: str, label_en: str) -> str:
    """«Arabic · English», or the one there is."""
    return " · ".join(dict.fromkeys(name for name in (label_ar, label_en) if name))


# A boolean attribute's two answers (results hold the ids).
_BOOLEAN_CHOICES = (
    LabelStudioChoice(id="true", name="نعم · Yes"),
    LabelStudioChoice(id="false", name="لا · No"),
)


def labelstudio_attributes(schema: LabelSchema) -> tuple[LabelStudioAttribute, ...]:
    """The labeling config's controls for a schema: every passage attribute (per region)
    and document attribute (per task), choice and actor values with their names,
    guidelines, colours and keys, booleans as yes/no, text as a text area.

    Document attributes are named `document_ID` (ids are unique only within a level).
    The one place that reads the schema for Label Studio."""

    def choice(value: LabelValue | Actor) -> LabelStudioChoice:
        return LabelStudioChoice(
            id=value.id,
            name=_both_names(value.label_ar, value.label_en) or value.id,
            hint=value.description,
            color=value.color_hex,
            shortcut=value.shortcut or "",
        )

    controls = []
    for level, attributes in (
        ("passage", schema.attributes),
        ("document", schema.document_attributes),
    ):
        for attribute in attributes:
            if attribute.type == "choice":
                choices = tuple(choice(v) for v in attribute.values)
            elif attribute.type == "actor":
                choices = tuple(choice(a) for a in schema.actors)
            elif attribute.type == "boolean":
                choices = _BOOLEAN_CHOICES
            else:
                choices = ()
            controls.append(
                LabelStudioAttribute(
                    id=attribute.id if level == "passage" else f"document_{attribute.id}",
                    type="text" if attribute.type == "text" else "choice",
                    title=_both_names(attribute.label_ar, attribute.label_en) or attribute.id,
                    choices=choices,
                    multiple=attribute.multiple,
                    per_region=level == "passage",
                )
            )
    return tuple(controls)


def labelstudio_kind_labels(schema: LabelSchema, label_from: str) -> tuple[LabelStudioChoice, ...]:
    """The label control's values for the kinds whose spans are labelled by kind id
    (`links.label_kind`): their names, guidelines and colours."""
    out = []
    for kind_id in kind_types(schema, label_from):
        kind = schema.kind(kind_id)
        assert kind is not None
        out.append(
            LabelStudioChoice(
                id=kind.id,
                name=_both_names(kind.label_ar, kind.label_en) or kind.id,
                hint=kind.description,
                color=kind.color_hex or "",
            )
        )
    return tuple(out)


def labelstudio_relations(schema: LabelSchema) -> tuple[LabelStudioChoice, ...]:
    """The `<Relations>` values for a schema: each relation type (by id: a relation's
    labels hold the values, and Label Studio's `Relation` has no alias), then every
    `ATTRIBUTE:VALUE` of their choice and boolean attributes."""
    types = [
        LabelStudioChoice(id=r.id, name=r.id, color=r.color_hex or "") for r in schema.relations
    ]
    values = [LabelStudioChoice(id=v, name=v) for v in relation_tag_values(schema)]
    return (*types, *values)


def _plain_attribute(attribute: str) -> LabelStudioAttribute:
    kind: Literal["choice", "text"] = "text" if LEGACY_KINDS[attribute].type == "text" else "choice"
    return LabelStudioAttribute(
        id=attribute, type=kind, title=_both_names(*BUILT_IN_LABELS[attribute])
    )


# The controls when no schema is given: the attributes native records hold, no values.
_PLAIN_ATTRIBUTES = tuple(_plain_attribute(a) for a in LEGACY_KINDS)


def _xml_text(text: str) -> str:
    """`text` with what XML 1.0 cannot hold (controls, lone surrogates) as spaces."""
    return "".join(
        c
        if c in "\t\n\r" or ("\x20" <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd") or c > "\uffff"
        else " "
        for c in text
    )


def _attr(name: str, value: str) -> str:
    return f" {name}={quoteattr(_xml_text(value))}"


def labelstudio_config(
    label_from: LabelFrom,
    attributes: Sequence[LabelStudioAttribute] | None = None,
    *,
    used: Mapping[str, Iterable[str]] | None = None,
    kind_labels: Sequence[LabelStudioChoice] = (),
    relations: Sequence[LabelStudioChoice] = (),
) -> str:
    """A Label Studio labeling config (XML) that shows `to_labelstudio` tasks.

    `attributes` (from `labelstudio_attributes`) give each value its name, guideline,
    colour and key; values in `used` (attribute -> value ids the tasks hold, UNSET_LABEL
    included) that the attributes lack follow under their ids, sorted (UNSET_LABEL last),
    so that every result shows.
    The `label_from` attribute becomes the `Labels` control that draws regions; the
    other passage attributes are per-region controls shown when a region is selected,
    document attributes are about the whole task. `kind_labels` are more values of the
    label control (`labelstudio_kind_labels`); `relations` (`labelstudio_relations`), with
    the relation labels in `used[RELATIONS_USED]`, make the `<Relations>` control.
    """
    given = {a.id: a for a in (_PLAIN_ATTRIBUTES if attributes is None else attributes)}
    for name, kind in LEGACY_KINDS.items():  # the tasks hold these, whatever the schema
        if kind.type != "text":
            given.setdefault(name, _plain_attribute(name))
    passage = {a.id: Kind("text" if a.type == "text" else "choice") for a in given.values()}
    _check_label_from(label_from, {k: v for k, v in passage.items() if given[k].per_region})
    used = used or {}

    def choices_of(attribute: LabelStudioAttribute) -> list[LabelStudioChoice]:
        known = {c.id for c in attribute.choices}
        others = set(used.get(attribute.id, ())) - known
        extra = sorted(others - {UNSET_LABEL}) + [UNSET_LABEL] * (UNSET_LABEL in others)
        listed = [*attribute.choices, *(LabelStudioChoice(id=v, name=v) for v in extra)]
        return _distinct_names(listed)

    def options(choice: LabelStudioChoice, *, region_label: bool) -> str:
        text = _attr("value", choice.name) + _attr("alias", choice.id)
        if choice.hint:
            text += _attr("hint", choice.hint)
        if region_label and choice.color:
            text += _attr("background", choice.color)
        # Keys only on the labels: Label Studio's hotkeys are one namespace for the whole
        # config, and the schema's keys are unique within an attribute only.
        if region_label and choice.shortcut:
            text += _attr("hotkey", choice.shortcut)
        return text

    def control(attribute: LabelStudioAttribute, indent: str) -> list[str]:
        region = ' perRegion="true"' if attribute.per_region else ""
        name = _attr("name", attribute.id)
        lines = [f"{indent}<Header{_attr('value', attribute.title)}/>"]
        if attribute.type == "text":
            return [
                *lines,
                f'{indent}<TextArea{name} toName="text"{region} maxSubmissions="1"'
                ' editable="true"/>',
            ]
        # One value: a drop-down (an actor list can be long); several: check boxes.
        kind = 'choice="multiple"' if attribute.multiple else 'choice="single" layout="select"'
        return [
            *lines,
            f'{indent}<Choices{name} toName="text"{region} {kind}>',
            *(
                f"{indent}  <Choice{options(c, region_label=False)}/>"
                for c in choices_of(attribute)
            ),
            f"{indent}</Choices>",
        ]

    label = given[label_from]
    if kind_labels:
        known = {c.id for c in label.choices}
        label = replace(
            label, choices=(*label.choices, *(c for c in kind_labels if c.id not in known))
        )
    others = [a for a in given.values() if a.id != label_from]
    lines = ["<View>", f"  <Header{_attr('value', label.title)}/>"]
    lines.append('  <Labels name="label" toName="text">')
    lines += [f"    <Label{options(c, region_label=True)}/>" for c in choices_of(label)]
    lines.append("  </Labels>")
    relation_values = list(relations)
    listed = {c.id for c in relation_values}
    relation_values += [
        LabelStudioChoice(id=v, name=v) for v in sorted(set(used.get(RELATIONS_USED, ())) - listed)
    ]
    if relation_values:
        lines.append('  <Relations choice="multiple">')
        for choice in relation_values:
            color = _attr("background", choice.color) if choice.color else ""
            lines.append(f"    <Relation{_attr('value', choice.id)}{color}/>")
        lines.append("  </Relations>")
    lines.append('  <Text name="text" value="$text"/>')
    for attribute in others:
        if not attribute.per_region:
            lines += control(attribute, "  ")
    lines.append('  <View visibleWhen="region-selected">')
    for attribute in others:
        if attribute.per_region:
            lines += control(attribute, "    ")
    lines += ["  </View>", "</View>"]
    return "\n".join(lines) + "\n"


def _distinct_names(choices: Sequence[LabelStudioChoice]) -> list[LabelStudioChoice]:
    """The choices with names made distinct (Label Studio tells values apart by name)."""
    seen: set[str] = set()
    out = []
    for choice in choices:
        name = choice.name
        if name in seen:
            name = f"{name} ({choice.id})"
        seen.add(name)
        out.append(replace(choice, name=name))
    return out


RELATIONS_USED = "<relations>"  # `used` key of the relation labels (no attribute id has < >)


def labelstudio_config_path(tasks: Path) -> Path:
    """Where the labeling config goes beside a tasks file: `NAME.labelstudio.xml`."""
    return tasks.with_suffix(".labelstudio.xml")


def _labelstudio_used(
    task: Mapping[str, Any], label_from: str, used: dict[str, dict[str, None]]
) -> None:
    """Add the choice values a task's results hold to `used` (attribute -> ids, in order;
    relation labels under RELATIONS_USED)."""
    for annotation in task["annotations"]:
        for result in annotation["result"]:
            if result["type"] == "relation":
                for tag in result["labels"]:
                    used.setdefault(RELATIONS_USED, {})[tag] = None
                continue
            value = result["value"]
            attribute = label_from if result["from_name"] == "label" else result["from_name"]
            for choice in value.get("labels", value.get("choices", ())):
                used.setdefault(attribute, {})[choice] = None


def _collect_values(
    records: Iterable[RecordLike],
    vocabulary: Mapping[str, Sequence[str]] | None,
    label_from: str,
    kinds: Mapping[str, Kind] | None = None,
    schema: LabelSchema | None = None,
) -> dict[str, list[str]]:
    """Per attribute that takes values (not text): the vocabulary's values, then the
    others used, sorted. The label attribute lists the labels spans get: its values,
    the kinds labelled by kind id (`links.label_kind`), UNSET_LABEL when a span has none."""
    kinds = kinds or LEGACY_KINDS
    valued = [a for a, k in kinds.items() if k.type != "text" or a == label_from]
    declared = {a: list(dict.fromkeys((vocabulary or {}).get(a, ()))) for a in valued}
    for a in valued:
        if not declared[a] and kinds[a].type == "boolean":
            declared[a] = ["true", "false"]
    if schema is not None:
        declared[label_from] = list(
            dict.fromkeys([*declared[label_from], *kind_types(schema, label_from)])
        )
    used: dict[str, set[str]] = {a: set() for a in valued}
    for record in records:
        for span in _as_dict(record)["spans"]:
            for attribute in valued:
                if attribute == label_from:
                    used[attribute].update(span_labels(span, label_from, schema))
                else:
                    used[attribute].update(_values(span, attribute))
    return {a: declared[a] + sorted(used[a] - set(declared[a])) for a in valued}


# --------------------------------------------------------------------------- brat


def brat_attribute_name(attribute: str) -> str:
    """An attribute's name in brat: its id in CamelCase (`claim_type` -> `ClaimType`)."""
    return brat_name("".join(part[:1].upper() + part[1:] for part in attribute.split("_")))


BRAT_OVERLAP = "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"


@dataclass(frozen=True)
class BratDocument:
    """The .txt and .ann of one native record."""

    txt: str
    ann: str
    skipped: tuple[str, ...]  # ids of spans with no characters brat can show
    skipped_relations: tuple[str, ...] = ()  # ids of relations with a skipped end


@dataclass(frozen=True)
class BratResult:
    paths: tuple[Path, ...]
    skipped: tuple[str, ...]
    skipped_relations: tuple[str, ...] = ()


def brat_name(value: str) -> str:
    """A brat type or attribute-value name: letters, digits, _ - . only."""
    name = "".join(c if c.isalnum() or c in "_-." else "_" for c in value)
    return name or "_"


def brat_fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of text[start:end] between line breaks (brat's discontinuous span)."""
    fragments = []
    piece_start = start
    for index in range(start, end):
        if text[index] in LINE_BREAKS:
            if index > piece_start:
                fragments.append((piece_start, index))
            piece_start = index + 1
    if end > piece_start:
        fragments.append((piece_start, end))
    return fragments


def to_brat(
    record: RecordLike,
    label_from: LabelFrom,
    *,
    kinds: Mapping[str, Kind] | None = None,
    schema: LabelSchema | None = None,
) -> BratDocument:
    """The brat standoff files of one native record.

    The .txt is the text with each carriage return written as a newline (brat reads
    text files with universal newlines; the swap keeps every offset). A span crossing
    line breaks becomes fragments `START END;START END` and its text the fragments
    joined by a space, as brat expects. Spans with no character outside line breaks
    cannot be shown and are skipped. A span whose label attribute has several values is
    one entity per value. Every other attribute that takes values is an `A` line (one
    per value; a boolean one only when true, as brat's binary attributes are); text
    attributes go into the entity's AnnotatorNotes as `ATTRIBUTE: text`.

    A span whose kind lacks the label attribute is an entity of its kind's type
    (`source`); one of another kind than the default whose type is a label value has a
    `Kind` attribute. Each relation is an `R` line from its span's first entity (Arg1)
    to the other's (Arg2), its attributes `A` lines and notes on the `R` id; a relation
    with an end that was skipped is left out (`BratDocument.skipped_relations`).
    """
    kinds = kinds or LEGACY_KINDS
    _check_label_from(label_from, kinds)
    data = _as_dict(record)
    text: str = data["text"]
    lines: list[str] = []
    skipped: list[str] = []
    numbers = _BratNumbers()
    entity_of: dict[str, str] = {}  # span id -> its first entity
    for span in data["spans"]:
        fragments = brat_fragments(text, span["start"], span["end"])
        if not fragments:
            skipped.append(span["id"])
            continue
        offsets = ";".join(f"{s} {e}" for s, e in fragments)
        quoted = " ".join(text[s:e] for s, e in fragments)
        marked_kind = _brat_marked_kind(span, label_from, schema)
        for label in span_labels(span, label_from, schema):
            entity = numbers.next("T")
            entity_of.setdefault(span["id"], entity)
            lines.append(f"{entity}\t{brat_name(label)} {offsets}\t{quoted}")
            if marked_kind is not None:
                lines.append(f"{numbers.next('A')}\t{BRAT_KIND} {entity} {brat_name(marked_kind)}")
            typed = [
                (attribute, kinds.get(attribute, Kind("choice")).type)
                for attribute in _other_attributes(span, kinds, label_from)
            ]
            lines += _brat_labels(entity, span["labels"], typed, numbers)
    skipped_relations: list[str] = []
    for relation in record_relations(data):
        arg1, arg2 = entity_of.get(relation["from"]), entity_of.get(relation["to"])
        if arg1 is None or arg2 is None:
            skipped_relations.append(relation["id"])
            continue
        rid = numbers.next("R")
        lines.append(f"{rid}\t{brat_name(relation['type'])} Arg1:{arg1} Arg2:{arg2}")
        labels = relation.get("labels") or {}
        typed = [
            (a, relation_attribute_type(schema, relation["type"], a, labels[a]))
            for a in ordered_attributes(labels, schema, relation["type"])
        ]
        lines += _brat_labels(rid, labels, typed, numbers)
    txt = text.replace("\r", "\n")
    return BratDocument(
        txt=txt,
        ann="".join(f"{line}\n" for line in lines),
        skipped=tuple(skipped),
        skipped_relations=tuple(skipped_relations),
    )


class _BratNumbers:
    """The next id of each kind of brat line in one document (T1, A1, R1, #1)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        return f"{prefix}{self.counts[prefix]}"


def _brat_marked_kind(
    span: Mapping[str, Any], label_from: str, schema: LabelSchema | None
) -> str | None:
    """The kind a `Kind` attribute must name: a span not of the default kind whose type
    is a label value (its type does not say its kind)."""
    if schema is None or not schema.declares_kinds or not span.get("kind"):
        return None
    kind_id = schema.kind_id(span["kind"])
    if kind_id == schema.default_kind.id or label_kind(span, label_from, schema) is not None:
        return None
    return str(kind_id)


def _brat_labels(
    target: str,
    labels: Mapping[str, Any],
    typed: Iterable[tuple[str, str]],
    numbers: _BratNumbers,
) -> list[str]:
    """The `A` lines and the AnnotatorNotes line of one entity's or relation's labels."""
    lines = []
    parts = []
    for attribute, kind in typed:
        value = labels[attribute]
        name = brat_attribute_name(attribute)
        if kind == "text":
            parts.append(value if attribute == "note" else f"{attribute}: {value}")
        elif kind == "boolean" or isinstance(value, bool):
            if value is True:
                lines.append(f"{numbers.next('A')}\t{name} {target}")
        else:
            for item in label_values(labels, attribute):
                lines.append(f"{numbers.next('A')}\t{name} {target} {brat_name(item)}")
    if parts:
        note = "".join(" " if c in LINE_BREAKS else c for c in "; ".join(parts))
        lines.append(f"{numbers.next('#')}\tAnnotatorNotes {target}\t{note}")
    return lines


def brat_annotation_conf(
    records: Iterable[RecordLike],
    label_from: LabelFrom,
    *,
    vocabulary: Mapping[str, Sequence[str]] | None = None,
    kinds: Mapping[str, Kind] | None = None,
    schema: LabelSchema | None = None,
) -> str:
    """The annotation.conf declaring the entity types and every attribute `to_brat`
    writes (booleans as binary attributes), and the relation types: the schema's (Arg1
    and Arg2 the entity types of their kinds' spans) and any other a record holds."""
    kinds = kinds or LEGACY_KINDS
    _check_label_from(label_from, kinds)
    data = [_as_dict(record) for record in records]
    values = _collect_values(data, vocabulary, label_from, kinds, schema)
    lines = [
        "# Written by Hashiya. Entity types are the " + label_from + " value ids.",
        "[entities]",
        *dict.fromkeys(brat_name(v) for v in values[label_from]),
        "",
        "[relations]",
        "# Spans may overlap in any way.",
        BRAT_OVERLAP,
        *_brat_relation_types(data, label_from, vocabulary, schema),
        "",
        "[events]",
        "",
        "[attributes]",
    ]
    declared: dict[str, tuple[list[str], list[str] | None]] = {}  # name -> (args, values)

    def declare(name: str, arg: str, names: list[str] | None) -> None:
        args, known = declared.setdefault(name, ([], None if names is None else []))
        if arg not in args:
            args.append(arg)
        if known is not None and names is not None:
            known.extend(n for n in names if n not in known)

    for attribute, kind in kinds.items():
        if attribute == label_from or kind.type == "text":
            continue
        name = brat_attribute_name(attribute)
        if kind.type == "boolean":
            declare(name, "<ENTITY>", None)
            continue
        names = [brat_name(v) for v in values[attribute]]
        if names:
            declare(name, "<ENTITY>", names)
    marked = {_brat_marked_kind(span, label_from, schema) for r in data for span in r["spans"]}
    kind_names = sorted(brat_name(k) for k in marked if k is not None)
    if kind_names:
        declare(BRAT_KIND, "<ENTITY>", kind_names)
    for rel_type, attribute, value_type, names in _brat_relation_attributes(data, schema):
        declare(
            brat_attribute_name(attribute),
            brat_name(rel_type),
            None if value_type == "boolean" else names,
        )
    for name, (args, known) in declared.items():
        where = "Arg:" + "|".join(args)
        lines.append(f"{name}\t{where}" + (f", Value:{'|'.join(known)}" if known else ""))
    return "\n".join(lines) + "\n"


def _brat_relation_types(
    records: Sequence[Mapping[str, Any]],
    label_from: str,
    vocabulary: Mapping[str, Sequence[str]] | None,
    schema: LabelSchema | None,
) -> list[str]:
    """The [relations] lines: `TYPE<TAB>Arg1:TYPES, Arg2:TYPES`."""
    by_kind: dict[str, dict[str, None]] = {}  # kind id -> the entity types of its spans
    used: dict[str, None] = {}
    for record in records:
        for span in record["spans"]:
            kind = schema.kind_id(span.get("kind") or "") if schema is not None else ""
            for label in span_labels(span, label_from, schema):
                by_kind.setdefault(kind, {})[brat_name(label)] = None
        for relation in record_relations(record):
            used[relation["type"]] = None
    declared_values = [brat_name(v) for v in (vocabulary or {}).get(label_from, ())]

    def types_of(kind_id: str) -> str:
        if schema is None or not schema.declares_kinds:
            return "<ENTITY>"
        kind = schema.kind(kind_id)
        if kind is None or label_from not in kind.attribute_ids:
            return brat_name(kind_id)
        names = dict.fromkeys([*declared_values, *sorted(by_kind.get(kind.id, {}))])
        return "|".join(names) or "<ENTITY>"

    lines = []
    known = [] if schema is None else [r.id for r in schema.relations]
    for declared in schema.relations if schema is not None else ():
        lines.append(
            f"{brat_name(declared.id)}\tArg1:{types_of(declared.from_kind)},"
            f" Arg2:{types_of(declared.to_kind)}"
        )
    for rel_type in sorted(set(used) - set(known)):
        lines.append(f"{brat_name(rel_type)}\tArg1:<ENTITY>, Arg2:<ENTITY>")
    return lines


def _brat_relation_attributes(
    records: Sequence[Mapping[str, Any]], schema: LabelSchema | None
) -> list[tuple[str, str, str, list[str]]]:
    """(relation type, attribute, type, value names) of every relation attribute that
    takes values: the schema's (its values first), then the others the records hold."""
    found: dict[tuple[str, str], tuple[str, dict[str, None]]] = {}
    for declared in schema.relations if schema is not None else ():
        for attribute in declared.attributes:
            if attribute.type == "text":
                continue
            values = [v.id for v in attribute.values] if attribute.type == "choice" else []
            found[(declared.id, attribute.id)] = (attribute.type, dict.fromkeys(values))
    extra: dict[tuple[str, str], tuple[str, dict[str, None]]] = {}
    for record in records:
        for relation in record_relations(record):
            labels = relation.get("labels") or {}
            for attribute, value in labels.items():
                kind = relation_attribute_type(schema, relation["type"], attribute, value)
                if kind == "text":
                    continue
                key = (relation["type"], attribute)
                entry = found.get(key) or extra.setdefault(key, (kind, {}))
                for item in label_values(labels, attribute):
                    entry[1].setdefault(item, None)
    return [
        (rel_type, attribute, kind, [brat_name(v) for v in values])
        for (rel_type, attribute), (kind, values) in [*found.items(), *sorted(extra.items())]
    ]


# Longest file or folder name made from an id, in UTF-8 bytes: file systems allow 255,
# and brat adds `.txt` / `.ann`. Ids longer than this are clipped and get a hash.
MAX_NAME_BYTES = 100
_CLIPPED_BYTES = 80


def safe_filename(name: str) -> str:
    """A file or folder name for an id: kept if already safe and short, else cleaned,
    clipped and given a hash of the whole id."""
    cleaned = "".join(c if c.isalnum() or c in "_-." else "_" for c in name).lstrip(".")
    encoded = name.encode("utf-8", "surrogatepass")
    if cleaned == name and name and len(encoded) <= MAX_NAME_BYTES:
        return name
    digest = hashlib.blake2b(encoded, digest_size=4).hexdigest()
    clipped = cleaned.encode("utf-8")[:_CLIPPED_BYTES].decode("utf-8", "ignore")
    return f"{clipped or '_'}-{digest}"


class _Names:
    """Names for ids within one folder, distinct even where case does not count
    (macOS, Windows) and when a clipped name's hash is shared."""

    def __init__(self) -> None:
        self.by_id: dict[str, str] = {}
        self.taken: set[str] = set()

    def __call__(self, value: str) -> str:
        if value in self.by_id:
            return self.by_id[value]
        name = safe_filename(value)
        number = 1
        while name.casefold() in self.taken:
            number += 1
            name = f"{safe_filename(value)}-{number}"
        self.taken.add(name.casefold())
        self.by_id[value] = name
        return name


def write_brat(
    records: Iterable[RecordLike],
    folder: Path,
    label_from: LabelFrom,
    *,
    vocabulary: Mapping[str, Sequence[str]] | None = None,
    kinds: Mapping[str, Kind] | None = None,
    schema: LabelSchema | None = None,
) -> BratResult:
    """Write a brat collection: `annotation.conf`, then `ANNOTATOR/ARTICLE.txt` + `.ann`.

    brat pairs `DOC.ann` only with `DOC.txt`, so each annotator gets a sub-collection of
    their own; brat finds the shared annotation.conf in the parent folder. The files are
    written to a hidden folder beside `folder` first and moved in when all are written:
    an export that fails leaves `folder` as it was (or absent, if it was).
    """
    kinds = kinds or LEGACY_KINDS
    _check_label_from(label_from, kinds)
    data = [_as_dict(record) for record in records]
    skipped: list[str] = []
    skipped_relations: list[str] = []
    files: list[tuple[Path, str]] = []  # (path relative to the folder, content)
    seen: set[tuple[str, str]] = set()
    annotator_names = _Names()
    article_names: dict[str, _Names] = {}  # per annotator folder
    for record in data:
        key = (record["annotator"], record["article_id"])
        if key in seen:
            raise ValueError(f"two records for article {key[1]!r} by {key[0]!r}")
        seen.add(key)
        document = to_brat(record, label_from, kinds=kinds, schema=schema)
        annotator = annotator_names(record["annotator"])
        article = article_names.setdefault(annotator, _Names())(record["article_id"])
        files.append((Path(annotator, article + ".txt"), document.txt))
        files.append((Path(annotator, article + ".ann"), document.ann))
        skipped.extend(document.skipped)
        skipped_relations.extend(document.skipped_relations)
    files.append(
        (
            Path("annotation.conf"),
            brat_annotation_conf(
                data, label_from, vocabulary=vocabulary, kinds=kinds, schema=schema
            ),
        )
    )
    _write_folder(folder, files)
    return BratResult(
        paths=tuple(folder / path for path, _ in files),
        skipped=tuple(skipped),
        skipped_relations=tuple(skipped_relations),
    )


def _write_folder(folder: Path, files: Sequence[tuple[Path, str]]) -> None:
    """Write the files under `folder`, all of them or (on any failure) none."""
    missing = folder.parent
    while not missing.parent.exists() and missing.parent != missing:
        missing = missing.parent  # the topmost parent to create (removed on failure)
    created = None if folder.parent.exists() else missing
    folder.parent.mkdir(parents=True, exist_ok=True)
    stage = folder.with_name(f".{folder.name}.{secrets.token_hex(4)}.tmp")
    try:
        for path, content in files:
            target = stage / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8", newline="") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
        if not folder.exists():
            os.rename(stage, folder)
            return
        for path, _ in files:
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / path, folder / path)
        shutil.rmtree(stage)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if created is not None:
            shutil.rmtree(created, ignore_errors=True)
        raise


# --------------------------------------------------------------------------- files


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text to `path` through a temporary file renamed over it."""
    write_lines_atomic(path, [text], newline=False)


def write_lines_atomic(path: Path, lines: Iterable[str], *, newline: bool = True) -> int:
    """Write the lines (each followed by "\\n" unless newline=False) atomically; count them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    count = 0
    try:
        with temporary.open("x", encoding="utf-8", newline="") as stream:
            for line in lines:
                stream.write(f"{line}\n" if newline else line)
                count += 1
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class ExportOptions:
    """What `hashiya export` passes to a format."""

    label_from: LabelFrom = "claim_type"
    unit: Unit = "article"
    # Attribute -> value ids in schema order (brat's annotation.conf, Label Studio's config).
    vocabulary: Mapping[str, Sequence[str]] | None = None
    # Annotator -> e-mail of the matching Label Studio user (`completed_by`).
    annotator_emails: Mapping[str, str] | None = None
    # Label Studio: the region offsets' unit, and the labeling config's controls
    # (`labelstudio_attributes(schema)`; None: the values the tasks use, by id).
    labelstudio_offsets: LabelStudioOffsets = "codepoint"
    labelstudio_attributes: Sequence[LabelStudioAttribute] | None = None
    # Where a format says what the user should know about the file (one line each:
    # spans it had to leave out, settings the other tool needs); stderr in the CLI.
    report: Callable[[str], None] | None = None
    # The label schema in effect: the attributes and values of typed formats (hf, spacy).
    schema: LabelSchema | None = None
    # spacy: what to do with a span whose edges are not token edges (strict: leave it out).
    alignment_mode: str = "strict"
    # The schema's attributes (None: the five of schema 1.0) and the native line's layout.
    kinds: Mapping[str, Kind] | None = None
    document_kinds: Mapping[str, Kind] | None = None
    layout: Layout = LEGACY_LAYOUT

    @classmethod
    def for_schema(cls, label_schema: Any, /, **given: Any) -> ExportOptions:
        """The options for a `LabelSchema`: its attributes, layout and vocabulary (the
        value ids of each choice attribute, the actors for actor ones, in schema order)."""
        vocabulary: dict[str, list[str]] = {}
        for level, prefix in (("passage", ""), ("document", "document:")):
            for a in (
                label_schema.attributes if level == "passage" else label_schema.document_attributes
            ):
                if a.type == "choice":
                    vocabulary[prefix + a.id] = [v.id for v in a.values]
                elif a.type == "actor":
                    vocabulary[prefix + a.id] = [actor.id for actor in label_schema.actors]
        return cls(
            vocabulary=vocabulary,
            kinds=attribute_kinds(label_schema),
            document_kinds=attribute_kinds(label_schema, "document"),
            layout=Layout.of(label_schema),
            **{"schema": label_schema, **given},
        )


@dataclass(frozen=True)
class ExportSummary:
    written: int  # lines, tasks or documents
    skipped: tuple[str, ...] = ()  # ids of spans the format could not hold
    # Files written beside the output, with what each is (Label Studio's config).
    also_written: tuple[tuple[Path, str], ...] = ()


Writer = Callable[[Iterable[RecordLike], Path, ExportOptions], ExportSummary]
LineMaker = Callable[[Iterable[RecordLike], ExportOptions], Iterator[str]]


@dataclass(frozen=True)
class ExportFormat:
    """One `--format` choice."""

    name: str
    summary: str
    target: Literal["file", "folder"]
    suffix: str  # default file suffix ("" for a folder)
    units: tuple[Unit, ...]
    uses_label_from: bool
    write: Writer
    # For JSON Lines formats: the lines, so a caller can stream them (to stdout, say).
    lines: LineMaker | None = None


def _check_unit(name: str, units: tuple[Unit, ...], options: ExportOptions) -> None:
    if options.unit not in units:
        raise ValueError(f"the {name} format has no --unit {options.unit}")


def _native_lines(records: Iterable[RecordLike], options: ExportOptions) -> Iterator[str]:
    _check_unit("native", ("article", "span"), options)
    dicts = (_as_dict(record) for record in records)
    yield from native_lines(dicts, options.unit, options.layout)


def _prodigy_lines(records: Iterable[RecordLike], options: ExportOptions) -> Iterator[str]:
    _check_unit("prodigy", ("article",), options)
    for record in records:
        yield from (
            dumps_line(task)
            for task in to_prodigy(
                record, options.label_from, kinds=options.kinds, schema=options.schema
            )
        )


DOCCANO_OVERLAP_SETTING = "Allow overlapping spans"


def doccano_overlap_note(overlapping: int, spans: int) -> str:
    """The line said when a doccano export holds overlapping spans."""
    return (
        f"doccano: {overlapping} of {spans} spans overlap another span; a doccano project"
        f' keeps them only if it was created with "{DOCCANO_OVERLAP_SETTING}" checked'
        " (otherwise doccano drops them without a word)"
    )


def _doccano_lines(records: Iterable[RecordLike], options: ExportOptions) -> Iterator[str]:
    _check_unit("doccano", ("article",), options)
    spans = overlapping = 0
    for record in records:
        line = to_doccano(record, options.label_from, kinds=options.kinds, schema=options.schema)
        spans += len(line["label"])
        overlapping += len(overlapping_span_ids(line["spans"]))
        yield dumps_line(line)
    if overlapping and options.report is not None:
        options.report(doccano_overlap_note(overlapping, spans))


def to_conll(
    record: RecordLike,
    label_from: LabelFrom,
    *,
    kinds: Mapping[str, Kind] | None = None,
    schema: LabelSchema | None = None,
) -> ConllDocument:
    """The CoNLL document of one native record (annotations.export.conll), tagged with
    the `label_from` attribute's value ids (the first, for a `multiple` one: BIO holds
    one label per token)."""
    _check_label_from(label_from, kinds)
    data = _as_dict(record)
    spans = [
        SpanIn(span["start"], span["end"], span_label(span, label_from, schema), span["id"])
        for span in data["spans"]
    ]
    comments = [
        f"article_id = {data['article_id']}",
        f"annotator = {data['annotator']}",
        f"label_from = {label_from}",
    ]
    return conll_document(data["text"], spans, comments)


def conll_note(left_out: int, spans: int, untokenised: int) -> str:
    """The line said when a CoNLL export leaves spans out."""
    parts = []
    if left_out:
        parts.append(f"{left_out} of {spans} spans overlap a longer span and are not in the file")
    if untokenised:
        parts.append(f"{untokenised} spans hold no token (only spaces or format characters)")
    return "conll: " + "; ".join(parts) + " (BIO holds one label per token)"


def _conll_lines(records: Iterable[RecordLike], options: ExportOptions) -> Iterator[str]:
    _check_unit("conll", ("article",), options)
    yield from CONLL_HEADER
    yield ""
    spans = left_out = untokenised = 0
    for record in records:
        document = to_conll(record, options.label_from, kinds=options.kinds, schema=options.schema)
        spans += len(_as_dict(record)["spans"])
        left_out += len(document.overlapped)
        untokenised += len(document.untokenised)
        yield from document_lines(document)
    if (left_out or untokenised) and options.report is not None:
        options.report(conll_note(left_out, spans, untokenised))


def _write_conll(
    records: Iterable[RecordLike], dest: Path, options: ExportOptions
) -> ExportSummary:
    documents = 0

    def counted() -> Iterator[RecordLike]:
        nonlocal documents
        for record in records:
            documents += 1
            yield record

    write_lines_atomic(dest, _conll_lines(counted(), options))
    return ExportSummary(written=documents)


def _jsonl_writer(make_lines: LineMaker) -> Writer:
    def write(records: Iterable[RecordLike], dest: Path, options: ExportOptions) -> ExportSummary:
        return ExportSummary(written=write_lines_atomic(dest, make_lines(records, options)))

    return write


def _write_labelstudio(
    records: Iterable[RecordLike], dest: Path, options: ExportOptions
) -> ExportSummary:
    """The tasks file, then its labeling config beside it (`labelstudio_config_path`),
    with every value the tasks use."""
    _check_unit("labelstudio", ("article",), options)
    tasks = iter_labelstudio_tasks(
        records,
        options.label_from,
        annotator_emails=options.annotator_emails,
        offsets=options.labelstudio_offsets,
        kinds=options.kinds,
        schema=options.schema,
    )
    written = 0
    used: dict[str, dict[str, None]] = {}

    def pieces() -> Iterator[str]:
        # One JSON array, written a task at a time: "[\n" task ",\n" task ... "\n]\n".
        nonlocal written
        for task in tasks:
            _labelstudio_used(task, options.label_from, used)
            yield ("[\n" if not written else ",\n") + dumps_line(task)
            written += 1
        yield "\n]\n" if written else "[]\n"

    write_lines_atomic(dest, pieces(), newline=False)
    schema = options.schema
    config = labelstudio_config(
        options.label_from,
        options.labelstudio_attributes,
        used=used,
        kind_labels=labelstudio_kind_labels(schema, options.label_from) if schema else (),
        relations=labelstudio_relations(schema) if schema else (),
    )
    config_path = labelstudio_config_path(dest)
    write_text_atomic(config_path, config)
    return ExportSummary(written=written, also_written=((config_path, "labeling config"),))


def _write_brat(records: Iterable[RecordLike], dest: Path, options: ExportOptions) -> ExportSummary:
    _check_unit("brat", ("article",), options)
    result = write_brat(
        records,
        dest,
        options.label_from,
        vocabulary=options.vocabulary,
        kinds=options.kinds,
        schema=options.schema,
    )
    if result.skipped_relations and options.report is not None:
        options.report(
            f"brat: {len(result.skipped_relations)} relations left out (an end is a span"
            " brat cannot show)"
        )
    documents = sum(1 for path in result.paths if path.suffix == ".ann")
    return ExportSummary(written=documents, skipped=result.skipped)


def _attribution_lines(records: Iterable[RecordLike], options: ExportOptions) -> Iterator[str]:
    from annotations.export.attribution import attribution_lines
    from annotations.schema import default_schema

    _check_unit("attribution", ("article",), options)
    schema = options.schema if options.schema is not None else default_schema()
    yield from attribution_lines((_as_dict(record) for record in records), schema)


def _write_spacy(
    records: Iterable[RecordLike], dest: Path, options: ExportOptions
) -> ExportSummary:
    from annotations.export.spacy_docbin import write_docbin

    _check_unit("spacy", ("article",), options)
    docs, alignment = write_docbin(
        (_as_dict(record) for record in records),
        dest,
        label_from=options.label_from,
        schema=options.schema,
        alignment_mode=options.alignment_mode,
    )
    if options.report is not None:
        options.report(alignment.line(options.alignment_mode))
    return ExportSummary(written=docs, skipped=alignment.left_out)


def _write_hf(records: Iterable[RecordLike], dest: Path, options: ExportOptions) -> ExportSummary:
    from annotations.export.hf_dataset import write_dataset

    _check_unit("hf", ("article",), options)
    rows = write_dataset((_as_dict(record) for record in records), dest, schema=options.schema)
    return ExportSummary(written=rows)


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            name="native",
            summary="Hashiya JSON Lines: every attribute, lossless (docs/format.md).",
            target="file",
            suffix=".jsonl",
            units=("article", "span"),
            uses_label_from=False,
            write=_jsonl_writer(_native_lines),
            lines=_native_lines,
        ),
        ExportFormat(
            name="prodigy",
            summary="Prodigy tasks (ner_manual, spans_manual where spans overlap), for `prodigy db-in`.",
            target="file",
            suffix=".jsonl",
            units=("article",),
            uses_label_from=True,
            write=_jsonl_writer(_prodigy_lines),
            lines=_prodigy_lines,
        ),
        ExportFormat(
            name="doccano",
            summary="doccano sequence labelling (JSON Lines with `label`).",
            target="file",
            suffix=".jsonl",
            units=("article",),
            uses_label_from=True,
            write=_jsonl_writer(_doccano_lines),
            lines=_doccano_lines,
        ),
        ExportFormat(
            name="conll",
            summary="CoNLL token lines with BIO tags and offsets (tokenisation in docs/interop.md).",
            target="file",
            suffix=".conll",
            units=("article",),
            uses_label_from=True,
            write=_write_conll,
            lines=_conll_lines,
        ),
        ExportFormat(
            name="labelstudio",
            summary="Label Studio tasks (one JSON list) and NAME.labelstudio.xml, the labeling config.",
            target="file",
            suffix=".json",
            units=("article",),
            uses_label_from=True,
            write=_write_labelstudio,
        ),
        ExportFormat(
            name="brat",
            summary="brat standoff collection (a folder: annotation.conf, ANNOTATOR/ARTICLE.txt+.ann).",
            target="folder",
            suffix="",
            units=("article",),
            uses_label_from=True,
            write=_write_brat,
        ),
        ExportFormat(
            name="attribution",
            summary="Attribution frames, one JSON line each: cue, sources, contents (Citron-like).",
            target="file",
            suffix=".jsonl",
            units=("article",),
            uses_label_from=False,
            write=_jsonl_writer(_attribution_lines),
            lines=_attribution_lines,
        ),
        ExportFormat(
            name="spacy",
            summary="spaCy DocBin (.spacy): spans in doc.spans['hashiya'], document labels in doc.cats.",
            target="file",
            suffix=".spacy",
            units=("article",),
            uses_label_from=True,
            write=_write_spacy,
        ),
        ExportFormat(
            name="hf",
            summary="Hugging Face dataset folder (save_to_disk): typed features and a dataset card.",
            target="folder",
            suffix="",
            units=("article",),
            uses_label_from=False,
            write=_write_hf,
        ),
    )
}
