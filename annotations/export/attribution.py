"""`--format attribution`: who said what, through which words — one JSON object per frame.

Citron-like (BBC's quote format): each attributed frame of an (article, annotator) is a
line with its `cue`, `sources` and `contents`, each a list of `{start, end, text, id}`
(code points of the article's text, half-open, in text order), the labels of its first
content piece, the relations that make it (with their own labels, such as `quote` and
`polarity`), and the actor of its source. Frames come from `annotations.relations.frames`,
the same frames the reader's panel shows; a content linked to no source and no cue is no
attribution and has no line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from annotations.export.links import record_relations
from annotations.export.native import dumps_line
from annotations.models import Passage, Relation, freeze_labels
from annotations.relations import Frame, frames
from annotations.schema import LabelSchema


def record_frames(data: Mapping[str, Any], schema: LabelSchema) -> list[Frame]:
    """The attributed frames of one native line (`Frame.attributed`), in text order."""
    article, annotator = data["article_id"], data["annotator"]
    passages = [
        Passage(
            span["id"],
            article,
            span["start"],
            span["end"],
            span["text"],
            annotator,
            span["labels"],
            kind=span.get("kind") or "",
        )
        for span in data["spans"]
    ]
    relations = [
        Relation(
            id=r["id"],
            article_id=article,
            annotator=annotator,
            type=r["type"],
            from_id=r["from"],
            to_id=r["to"],
            labels=freeze_labels(r.get("labels") or {}),
        )
        for r in record_relations(data)
    ]
    return [f for f in frames(schema, passages, relations) if f.attributed]


def _piece(passage: Passage) -> dict[str, Any]:
    return {"start": passage.start, "end": passage.end, "text": passage.text, "id": passage.id}


def _plain(labels: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, (list, tuple)) else v for k, v in labels.items()}


def frame_object(data: Mapping[str, Any], frame: Frame) -> dict[str, Any]:
    """The line of one frame."""
    actors = {a["id"]: a for a in data.get("actors") or ()}
    actor = None
    for source in frame.sources:
        value = source.labels.get("actor")
        if isinstance(value, str):
            actor = actors.get(value, {"id": value, "name_ar": None, "name_en": None})
            break
    return {
        "article_id": data["article_id"],
        "annotator": data["annotator"],
        "id": frame.first.id,
        "cue": [_piece(p) for p in frame.cues],
        "sources": [_piece(p) for p in frame.sources],
        "contents": [_piece(p) for p in frame.contents],
        "labels": _plain(frame.first.labels),
        "relations": [
            {"type": r.type, "from": r.from_id, "to": r.to_id, "labels": _plain(r.labels)}
            for r in frame.relations
        ],
        "actor": None if actor is None else dict(actor),
    }


def attribution_lines(records: Iterable[Mapping[str, Any]], schema: LabelSchema) -> Iterator[str]:
    """One JSON line per attributed frame of each record, records in the order given."""
    for data in records:
        for frame in record_frames(data, schema):
            yield dumps_line(frame_object(data, frame))
