"""The JSON Schema (draft 2020-12) of a native line, made from a label schema.

A dataset ships with its exact contract: the labels object of a span and of the document
lists the schema's attributes, each with its type (the value ids of a choice as an enum,
an array for a `multiple` one), `required` attributes required (once their `when` holds)
and an attribute given only with its `when`; a span of another kind than the default has
that kind's attributes, and a relation its type's. What JSON Schema cannot say, the
reader checks: text[start:end] equals the span's text, every actor a label names is in
the line's `actors` or the importing database, and a relation's ends are spans of the
line of the kinds its type links.
"""

from __future__ import annotations

from typing import Any, Literal

from annotations.export.native import FORMAT, SPAN_FORMAT
from annotations.models import MAX_ANNOTATOR, MAX_ARTICLE_ID, MAX_PASSAGE_ID
from annotations.schema import Attribute, LabelSchema, RelationType

Unit = Literal["article", "span"]
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(schema: LabelSchema, unit: Unit = "article") -> dict[str, Any]:
    """The JSON Schema of a native line (`--unit article`) or span line (`--unit span`)
    written under `schema`."""
    if unit not in ("article", "span"):
        raise ValueError(f"the native format has no unit {unit!r}")
    defs = {
        "offset": {"type": "integer", "minimum": 0},
        "nullable_string": {"type": ["string", "null"]},
        "schema": {
            "type": "object",
            "required": ["name", "version"],
            "additionalProperties": False,
            "properties": {
                "name": {"const": schema.name},
                "version": {"type": "string"},
            },
        },
        "comment": {
            "type": "object",
            "required": ["author", "text", "at"],
            "additionalProperties": False,
            "properties": {
                "author": {"type": "string", "minLength": 1},
                "text": {"type": "string", "minLength": 1},
                "at": {"type": "string", "description": "When it was written (ISO 8601, UTC)."},
            },
        },
        "actor": {
            "type": "object",
            "required": ["id", "name_ar", "name_en", "aliases"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "name_ar": {"$ref": "#/$defs/nullable_string"},
                "name_en": {"$ref": "#/$defs/nullable_string"},
                "aliases": {"type": "array", "items": {"type": "string"}},
            },
        },
        "labels": _labels(
            schema.attributes_of(""),
            "A span's labels (of the default kind): attribute id -> value.",
        ),
        **{
            f"labels_{kind.id}": _labels(
                schema.attributes_of(kind.id), f"The labels of a {kind.label_en} span."
            )
            for kind in schema.kinds[1:]
        },
        "document_labels": _labels(
            schema.document_attributes,
            "The annotator's labels on the whole article: attribute id -> value.",
        ),
        "provenance": {
            "description": 'Gold layer only (annotator "gold"): how the passage was settled.',
            "type": "object",
            "required": ["origin", "sources", "adjudicator"],
            "additionalProperties": False,
            "properties": {
                "origin": {"enum": ["unanimous", "adjudicated"]},
                "sources": {"type": "array", "items": {"type": "string"}},
                "adjudicator": {"type": "string"},
                "notes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["author", "text"],
                        "additionalProperties": False,
                        "properties": {
                            "author": {"type": "string", "minLength": 1},
                            "text": {"type": "string", "minLength": 1},
                        },
                    },
                },
            },
        },
    }
    common = {
        "article_id": {"type": "string", "minLength": 1, "maxLength": MAX_ARTICLE_ID},
        "title": {"type": "string"},
        "source": {"type": "string", "description": "The outlet or feed the article came from."},
        "annotator": {"type": "string", "minLength": 1, "maxLength": MAX_ANNOTATOR},
        "status": {
            "type": ["string", "null"],
            "description": "The annotator's progress on the article.",
        },
        "schema": {"$ref": "#/$defs/schema"},
        "document_labels": {"$ref": "#/$defs/document_labels"},
        "exported_at": {"type": "string", "description": "When the file was written (UTC)."},
    }
    span_fields = {
        "id": {"type": "string", "minLength": 1, "maxLength": MAX_PASSAGE_ID},
        "start": {"$ref": "#/$defs/offset"},
        "end": {"$ref": "#/$defs/offset"},
        "text": {"type": "string", "description": "text[start:end] (checked by the reader)."},
        "kind": {
            "enum": [kind.id for kind in schema.kinds],
            "description": f"The kind of passage; absent: {schema.default_kind.id}.",
        },
        "labels": {"$ref": "#/$defs/labels"} if len(schema.kinds) == 1 else {"type": "object"},
        "created_at": {"type": "string"},
        "updated_at": {"type": "string"},
        "comments": {
            "description": "The passage's comment thread, oldest first; only when it has one.",
            "type": "array",
            "items": {"$ref": "#/$defs/comment"},
        },
    }
    actors = {
        "type": "array",
        "description": "The actors the labels name, once each, in order of first use.",
        "items": {"$ref": "#/$defs/actor"},
    }
    if unit == "span":
        properties: dict[str, Any] = {
            "format": {"const": SPAN_FORMAT},
            "id": span_fields["id"],
            **{k: common[k] for k in ("article_id", "title", "source", "annotator", "status")},
            "schema": common["schema"],
            **{k: span_fields[k] for k in ("start", "end", "text", "kind", "labels")},
            "actors": actors,
            "document_labels": common["document_labels"],
            "context": {"type": "string", "description": "The sentence(s) around the span."},
            "context_start": {"$ref": "#/$defs/offset"},
            "start_in_context": {"$ref": "#/$defs/offset"},
            "end_in_context": {"$ref": "#/$defs/offset"},
            "created_at": span_fields["created_at"],
            "updated_at": span_fields["updated_at"],
            "comments": span_fields["comments"],
            "exported_at": common["exported_at"],
        }
        title = f"Hashiya span line ({SPAN_FORMAT}), label schema {schema.name}"
    else:
        defs["span"] = {
            "type": "object",
            "required": [k for k in span_fields if k not in ("comments", "kind")],
            "additionalProperties": False,
            "properties": {**span_fields, "provenance": {"$ref": "#/$defs/provenance"}},
            **_kind_labels(schema),
        }
        defs["relation"] = _relation(schema.relations)
        for relation in schema.relations:
            defs[f"relation_labels_{relation.id}"] = _labels(
                relation.attributes, f"The labels of a {relation.label_en} relation."
            )
        properties = {
            "format": {"const": FORMAT, "description": "Format and version of the line."},
            **{k: common[k] for k in ("article_id", "title", "source")},
            "published": {"$ref": "#/$defs/nullable_string"},
            "origin": {"$ref": "#/$defs/nullable_string"},
            "metadata": {"type": "object", "description": "Free-form, kept as imported."},
            "text": {"type": "string", "description": "Offsets count its code points."},
            **{k: common[k] for k in ("annotator", "status", "schema", "document_labels")},
            "document_provenance": {"$ref": "#/$defs/provenance"},
            "actors": actors,
            "spans": {
                "type": "array",
                "description": "Ordered by (start, end, id).",
                "items": {"$ref": "#/$defs/span"},
            },
            "relations": {
                "type": "array",
                "description": "Links between spans of this line; only when there are some.",
                "items": {"$ref": "#/$defs/relation"},
            },
            "exported_at": common["exported_at"],
        }
        title = f"Hashiya native line ({FORMAT}), label schema {schema.name}"
    optional = {"comments", "document_provenance", "relations", "kind"}
    top: dict[str, Any] = _kind_labels(schema) if unit == "span" else {}
    return {
        "$schema": DRAFT,
        "$id": f"urn:hashiya:{'span' if unit == 'span' else 'native'}:2:{schema.name}",
        "title": title,
        "description": (
            f"Generated from label schema {schema.name!r} version {schema.version!r}. Offsets"
            " are code-point offsets into the article's text, half-open. Lines Hashiya"
            " writes have exactly these keys, in this order (its reader ignores others)."
        ),
        "type": "object",
        "required": [k for k in properties if k not in optional],
        "additionalProperties": False,
        "properties": properties,
        **top,
        "$defs": defs,
    }


def _kind_labels(schema: LabelSchema) -> dict[str, Any]:
    """The conditions that give a span (an object with `kind` and `labels`) the labels of
    its kind; none when the schema has one kind."""
    if len(schema.kinds) == 1:
        return {}
    default = schema.default_kind.id
    conditions: list[dict[str, Any]] = [
        {
            "if": {
                "anyOf": [
                    {"not": {"required": ["kind"]}},
                    {"properties": {"kind": {"const": default}}},
                ]
            },
            "then": {"properties": {"labels": {"$ref": "#/$defs/labels"}}},
        }
    ]
    for kind in schema.kinds[1:]:
        conditions.append(
            {
                "if": {"required": ["kind"], "properties": {"kind": {"const": kind.id}}},
                "then": {"properties": {"labels": {"$ref": f"#/$defs/labels_{kind.id}"}}},
            }
        )
    return {"allOf": conditions}


def _relation(relations: tuple[RelationType, ...]) -> dict[str, Any]:
    """A relation of a line: its type one of the schema's, its labels that type's."""
    return {
        "type": "object",
        "required": ["id", "type", "from", "to", "labels"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "minLength": 1, "maxLength": MAX_PASSAGE_ID},
            "type": {"enum": [r.id for r in relations]},
            "from": {"type": "string", "minLength": 1, "description": "A span id of the line."},
            "to": {"type": "string", "minLength": 1, "description": "A span id of the line."},
            "labels": {"type": "object"},
            "created_at": {"type": "string"},
            "updated_at": {"type": "string"},
            "provenance": {"$ref": "#/$defs/provenance"},  # gold lines only
        },
        "allOf": [
            {
                "if": {"properties": {"type": {"const": r.id}}},
                "then": {"properties": {"labels": {"$ref": f"#/$defs/relation_labels_{r.id}"}}},
            }
            for r in relations
        ],
    }


def _labels(attributes: tuple[Attribute, ...], description: str) -> dict[str, Any]:
    required = [a.id for a in attributes if a.required and a.when is None]
    # An attribute needs its `when` present; a required one with a `when` is required
    # once the `when` is there.
    dependent: dict[str, list[str]] = {}
    for a in attributes:
        if a.when is not None:
            dependent.setdefault(a.id, []).append(a.when)
            if a.required:
                dependent.setdefault(a.when, []).append(a.id)
    out: dict[str, Any] = {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "properties": {a.id: _value(a) for a in attributes},
    }
    if required:
        out["required"] = required
    if dependent:
        out["dependentRequired"] = dependent
    return out


def _value(attribute: Attribute) -> dict[str, Any]:
    """The JSON Schema of one attribute's value."""
    one: dict[str, Any]
    if attribute.type == "boolean":
        one = {"type": "boolean"}
    elif attribute.type == "text":
        one = {"type": "string", "minLength": 1}
    elif attribute.type == "choice":
        one = {"enum": [v.id for v in attribute.values]}
    else:  # actor: the registry's or a user's (listed in the line's `actors`)
        one = {"type": "string", "minLength": 1}
    if attribute.multiple:
        one = {"type": "array", "items": one, "minItems": 1, "uniqueItems": True}
    return {"title": attribute.label_en, "description": attribute.description, **one}
