"""Relations between passages, and the attribution frames they make.

`new_relation` makes a relation with the schema's checks (the relation type exists, the
kinds of both ends suit it, both ends are one article's and one annotator's, no
self-link, no duplicate, labels the type allows); nothing here touches the store:
callers save what these return.

A frame is one claim with who said it and through which words: the content passages of
the default kind joined by relations from that kind to itself (`part_of`: a content in
several pieces), the passages those contents link to of kind `source` and of kind `cue`,
and the relations that make it. Every content passage is in exactly one frame (a content
linked to nothing is a frame of its own); the reader's panel, `--format attribution` and
search read frames from here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from annotations.articles import now_iso
from annotations.models import Passage, Relation, freeze_labels
from annotations.passages import PassageError, checked_labels
from annotations.schema import LabelSchema
from annotations.text import printable

# The kinds a frame's contents link to, by id (the bundled news schema's).
SOURCE_KIND = "source"
CUE_KIND = "cue"


class RelationError(ValueError):
    """A relation that may not be made: the message says why, in one line."""


def _shown(value: str) -> str:
    return printable(value)


def _kind_label(schema: LabelSchema, kind_id: str) -> str:
    kind = schema.kind(kind_id)
    return kind.label_en if kind is not None else _shown(kind_id or "(default)")


def check_ends(schema: LabelSchema, from_p: Passage, to_p: Passage, rel_type: str) -> str | None:
    """Why a relation of `rel_type` may not link `from_p` to `to_p` (one line), or None."""
    relation = schema.relation(rel_type)
    if relation is None:
        known = ", ".join(r.id for r in schema.relations) or "none"
        return f"unknown relation type '{_shown(rel_type)}' (expected one of: {known})"
    if from_p.id == to_p.id:
        return f"a passage cannot be linked to itself ({relation.label_en})"
    if from_p.article_id != to_p.article_id:
        return "the two passages are in different articles"
    if from_p.annotator != to_p.annotator:
        return (
            f"the two passages are by different annotators ({_shown(from_p.annotator)},"
            f" {_shown(to_p.annotator)})"
        )
    wrong: list[str] = []
    for end, passage, wanted in (
        ("from", from_p, relation.from_kind),
        ("to", to_p, relation.to_kind),
    ):
        have = schema.kind_id(passage.kind)
        if have != wanted:
            wrong.append(
                f"its {end} end is a {_kind_label(schema, have)} passage, not a"
                f" {_kind_label(schema, wanted)}"
            )
    if wrong:
        return (
            f"{relation.label_en} links a {_kind_label(schema, relation.from_kind)} to a"
            f" {_kind_label(schema, relation.to_kind)}: " + "; ".join(wrong)
        )
    return None


def relation_labels(
    schema: LabelSchema, rel_type: str, labels: Mapping[str, Any]
) -> dict[str, Any]:
    """`labels` in canonical form for a relation of `rel_type`, or RelationError naming
    the first problem."""
    relation = schema.relation(rel_type)
    if relation is None:
        raise RelationError(f"unknown relation type '{_shown(rel_type)}'")
    try:
        return checked_labels(labels, schema, relation.level)
    except PassageError as exc:
        raise RelationError(str(exc)) from None


def new_relation(
    schema: LabelSchema,
    from_p: Passage,
    to_p: Passage,
    rel_type: str,
    labels: Mapping[str, Any],
    annotator: str,
    *,
    existing: Iterable[Relation] = (),
    stamp: str | None = None,
) -> Relation:
    """A new relation of `rel_type` from `from_p` to `to_p`, with a new id.

    Raises RelationError (one line) for an unknown type, kinds that do not suit it, a
    self-link, ends in other articles or by another annotator than `annotator`, a link
    already among `existing` (same ends and type), or labels the type does not allow.
    """
    reason = check_ends(schema, from_p, to_p, rel_type)
    if reason is None and from_p.annotator != annotator:
        reason = f"the passages are {_shown(from_p.annotator)}'s, not {_shown(annotator)}'s"
    if reason is None:
        for other in existing:
            if (other.from_id, other.to_id, other.type) == (from_p.id, to_p.id, rel_type):
                reason = f"these two passages are already linked by {_shown(rel_type)}"
                break
    if reason is not None:
        raise RelationError(reason)
    stamp = stamp or now_iso()
    return Relation(
        id=str(uuid.uuid4()),
        article_id=from_p.article_id,
        annotator=annotator,
        type=rel_type,
        from_id=from_p.id,
        to_id=to_p.id,
        labels=freeze_labels(relation_labels(schema, rel_type, labels)),
        schema_name=schema.name,
        schema_version=schema.version,
        created_at=stamp,
        updated_at=stamp,
    )


def relabelled_relation(
    relation: Relation,
    labels: Mapping[str, Any],
    schema: LabelSchema,
    *,
    stamp: str | None = None,
) -> Relation:
    """`relation` with these labels instead of its own, checked as for a new one."""
    cleaned = relation_labels(schema, relation.type, labels)
    return replace(relation, labels=freeze_labels(cleaned), updated_at=stamp or now_iso())


def broken_by(
    schema: LabelSchema,
    passage: Passage,
    relations: Iterable[Relation],
    by_id: Mapping[str, Passage],
) -> list[Relation]:
    """The relations that `passage` (changed: another kind) would leave linking kinds
    their type does not link; `by_id` holds the other ends."""
    broken = []
    for rel in relations:
        if passage.id not in (rel.from_id, rel.to_id):
            continue
        from_p = passage if rel.from_id == passage.id else by_id.get(rel.from_id)
        to_p = passage if rel.to_id == passage.id else by_id.get(rel.to_id)
        if from_p is None or to_p is None or check_ends(schema, from_p, to_p, rel.type):
            broken.append(rel)
    return broken


@dataclass(frozen=True)
class Frame:
    """One claim: its content pieces in text order, the passages naming its sources and
    carrying its cues, and the relations between them."""

    contents: tuple[Passage, ...]
    sources: tuple[Passage, ...] = ()
    cues: tuple[Passage, ...] = ()
    relations: tuple[Relation, ...] = ()

    @property
    def first(self) -> Passage:
        """The frame's first content piece (the one its source and cue link from)."""
        return self.contents[0]

    @property
    def passages(self) -> tuple[Passage, ...]:
        """Every passage of the frame: contents, sources, cues."""
        return (*self.contents, *self.sources, *self.cues)

    @property
    def attributed(self) -> bool:
        """True when the frame has a source or a cue."""
        return bool(self.sources or self.cues)

    def holds(self, passage_id: str) -> bool:
        return any(p.id == passage_id for p in self.passages)


def _text_order(p: Passage) -> tuple[int, int, str]:
    return (p.start, p.end, p.id)


def frames(
    schema: LabelSchema, passages: Sequence[Passage], relations: Iterable[Relation]
) -> list[Frame]:
    """The frames of these passages (an article's, any annotators'), by their first
    content's place in the text. Relations whose ends are not among `passages` are left
    out."""
    by_id = {p.id: p for p in passages}
    content_kind = schema.default_kind.id
    is_content = {p.id for p in passages if schema.kind_id(p.kind) == content_kind}
    # Contents joined into one claim: the connected parts of the content-to-content links.
    parent = {pid: pid for pid in is_content}

    def root(pid: str) -> str:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    kept: list[Relation] = []
    for rel in relations:
        if rel.from_id not in by_id or rel.to_id not in by_id:
            continue
        kept.append(rel)
        if rel.from_id in is_content and rel.to_id in is_content:
            a, b = root(rel.from_id), root(rel.to_id)
            if a != b:
                parent[a] = b
    members: dict[str, list[Passage]] = {}
    for pid in is_content:
        members.setdefault(root(pid), []).append(by_id[pid])
    group_of = {pid: root(pid) for pid in is_content}
    linked: dict[str, dict[str, list[Passage]]] = {}
    frame_relations: dict[str, list[Relation]] = {}
    for rel in kept:
        group = group_of.get(rel.from_id)
        if group is None:
            continue  # not from a content: no frame's
        frame_relations.setdefault(group, []).append(rel)
        target = by_id[rel.to_id]
        kind = schema.kind_id(target.kind)
        if kind in (SOURCE_KIND, CUE_KIND):
            found = linked.setdefault(group, {}).setdefault(kind, [])
            if target not in found:
                found.append(target)
    result: list[Frame] = []
    for group, contents in members.items():
        ends = linked.get(group, {})
        result.append(
            Frame(
                contents=tuple(sorted(contents, key=_text_order)),
                sources=tuple(sorted(ends.get(SOURCE_KIND, ()), key=_text_order)),
                cues=tuple(sorted(ends.get(CUE_KIND, ()), key=_text_order)),
                relations=tuple(frame_relations.get(group, ())),
            )
        )
    result.sort(key=lambda frame: _text_order(frame.first))
    return result


def frame_of(passage_id: str, frames: Iterable[Frame]) -> Frame | None:
    """The frame holding this passage: the one it is a content of, else the first one it
    is a source or cue of; None when it is in none."""
    found: Frame | None = None
    for frame in frames:
        if any(p.id == passage_id for p in frame.contents):
            return frame
        if found is None and frame.holds(passage_id):
            found = frame
    return found
