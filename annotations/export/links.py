"""Kinds and relations as the other tools' formats write them.

A native line's spans may carry a `kind` (absent: the schema's default kind) and the
line its `relations` (`{"id", "type", "from", "to", "labels"}`, ends by span id). One-label
formats label a span by the `--label-from` attribute's value; a span whose kind does not
have that attribute (a source, when the label is a claim type) is labelled by its kind's
id instead, so every end of a relation says what it is. These are the rules the writers
in `formats` share.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annotations.schema import LabelSchema

BRAT_KIND = "Kind"  # brat's attribute naming a span's kind where its entity type does not


def record_relations(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A native line's relations ([] when it has none)."""
    return list(data.get("relations") or ())


def label_kind(span: Mapping[str, Any], label_from: str, schema: LabelSchema | None) -> str | None:
    """The kind id a span is labelled with when its kind lacks the label attribute;
    None when the label is the attribute's value (or the schema declares no kinds)."""
    if schema is None or not schema.declares_kinds:
        return None
    given = span.get("kind") or ""
    kind = schema.kind(given)
    if kind is None:
        return given or None
    return None if label_from in kind.attribute_ids else kind.id


def kind_types(schema: LabelSchema, label_from: str) -> list[str]:
    """The kinds whose spans a one-label format labels by kind id, in schema order."""
    if not schema.declares_kinds:
        return []
    return [k.id for k in schema.kinds if label_from not in k.attribute_ids]


def relation_attribute_type(
    schema: LabelSchema | None, relation_type: str, attribute: str, value: Any
) -> str:
    """An attribute's type on a relation: the schema's, else guessed from the value (a
    boolean, else a value from a list)."""
    relation = schema.relation(relation_type) if schema is not None else None
    found = relation.attribute(attribute) if relation is not None else None
    if found is not None:
        return found.type
    return "boolean" if isinstance(value, bool) else "choice"


def label_values(labels: Mapping[str, Any], attribute: str) -> list[str]:
    """The value ids of one attribute in a labels object, as text."""
    value = labels.get(attribute)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [("true" if v else "false") if isinstance(v, bool) else str(v) for v in items]


def relation_tags(relation: Mapping[str, Any], schema: LabelSchema | None) -> list[str]:
    """A relation's labels in a tool that holds a list of names per relation (Label
    Studio): its type, then `ATTRIBUTE:VALUE` for each value of a choice or boolean
    attribute (text attributes have no place there)."""
    tags = [str(relation["type"])]
    labels: Mapping[str, Any] = relation.get("labels") or {}
    for attribute in ordered_attributes(labels, schema, str(relation["type"])):
        kind = relation_attribute_type(schema, relation["type"], attribute, labels[attribute])
        if kind == "text":
            continue
        tags.extend(f"{attribute}:{v}" for v in label_values(labels, attribute))
    return tags


def ordered_attributes(
    labels: Mapping[str, Any], schema: LabelSchema | None, relation_type: str
) -> list[str]:
    """The attributes of a relation's labels: the schema's order, then the others by id."""
    relation = schema.relation(relation_type) if schema is not None else None
    known = [a.id for a in relation.attributes] if relation is not None else []
    return [a for a in known if a in labels] + sorted(a for a in labels if a not in known)


def relation_tag_values(schema: LabelSchema) -> list[str]:
    """Every `ATTRIBUTE:VALUE` a relation of the schema may hold (`relation_tags`)."""
    out: list[str] = []
    for relation in schema.relations:
        for attribute in relation.attributes:
            if attribute.type == "choice":
                out.extend(f"{attribute.id}:{v.id}" for v in attribute.values)
            elif attribute.type == "boolean":
                out.extend((f"{attribute.id}:true", f"{attribute.id}:false"))
    return list(dict.fromkeys(out))
