"""Making and relabelling passages: the checks every new or edited passage goes through,
whoever asks (the reader, a command, a test).

A passage is `article.text[start:end]` with labels from the schema in effect, in the
schema's canonical form (`LabelSchema.clean_labels`). Nothing here touches the store:
callers save what these return.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from annotations.articles import now_iso
from annotations.models import Article, DocumentLabels, Passage, freeze_labels
from annotations.schema import LabelSchema
from annotations.text import printable


class PassageError(ValueError):
    """A passage that may not be made: the message says why, in one line."""


def checked_labels(
    labels: Mapping[str, Any], schema: LabelSchema, level: str = "passage", *, kind: str = ""
) -> dict[str, Any]:
    """`labels` in canonical form, or PassageError naming the first problem (a passage's
    checked against its `kind`)."""
    cleaned = schema.clean_labels(labels, level)
    problems = schema.validate_labels(cleaned, level, kind=kind)
    if problems:
        attr_id, reason = problems[0]
        raise PassageError(f"{attr_id}: {reason}")
    return cleaned


def new_passage(
    article: Article,
    start: int,
    end: int,
    annotator: str,
    labels: Mapping[str, Any],
    schema: LabelSchema,
    *,
    stamp: str | None = None,
    kind: str = "",
) -> Passage:
    """A new passage on `article.text[start:end]` (code points, half-open), with a new id,
    of `kind` ("" or the schema's default kind: stored as "").

    Raises PassageError when the range is empty or outside the text, the kind is unknown,
    or the labels do not fit the schema and kind (an unknown attribute or value, a missing
    required one...).
    """
    text = article.text
    if not 0 <= start < end <= len(text):
        raise PassageError(
            f"no passage at [{start}, {end}): the article has {len(text)} characters"
        )
    kind = stored_kind(schema, kind)
    stamp = stamp or now_iso()
    return Passage(
        id=str(uuid.uuid4()),
        article_id=article.id,
        start=start,
        end=end,
        text=text[start:end],
        annotator=annotator,
        labels=freeze_labels(checked_labels(labels, schema, kind=kind)),
        schema_name=schema.name,
        schema_version=schema.version,
        created_at=stamp,
        updated_at=stamp,
        kind=kind,
    )


def stored_kind(schema: LabelSchema, kind: str) -> str:
    """The kind as stored: "" for the schema's default kind; PassageError when the schema
    has no such kind."""
    found = schema.kind(kind)
    if found is None:
        known = ", ".join(k.id for k in schema.kinds)
        raise PassageError(f"unknown kind '{printable(kind)}' (expected one of: {known})")
    return "" if found is schema.default_kind else found.id


def relabelled(
    passage: Passage,
    labels: Mapping[str, Any],
    schema: LabelSchema,
    *,
    stamp: str | None = None,
    kind: str | None = None,
) -> Passage:
    """`passage` with these labels instead of its own (and of `kind` when given), checked
    as for a new passage; it keeps the labels of attributes the schema does not know
    (made under another schema) and the schema name and version it was made under.
    Whether its relations still suit a new kind is `relations.broken_by`'s to say."""
    kind = passage.kind if kind is None else stored_kind(schema, kind)
    known = {k: v for k, v in labels.items() if schema.attribute(k) is not None}
    kept = {k: v for k, v in passage.labels.items() if schema.attribute(k) is None}
    merged = {**checked_labels(known, schema, kind=kind), **kept}
    return replace(passage, labels=freeze_labels(merged), updated_at=stamp or now_iso(), kind=kind)


def document_labels(
    article: Article,
    annotator: str,
    labels: Mapping[str, Any],
    schema: LabelSchema,
    *,
    stamp: str | None = None,
) -> DocumentLabels:
    """One annotator's labels on the whole `article` (the schema's document attributes),
    checked like a passage's; empty labels mean "none" (saving them deletes the row)."""
    stamp = stamp or now_iso()
    return DocumentLabels(
        article_id=article.id,
        annotator=annotator,
        labels=freeze_labels(checked_labels(labels, schema, "document")),
        schema_name=schema.name,
        schema_version=schema.version,
        created_at=stamp,
        updated_at=stamp,
    )
