"""Line up one article's relations across annotators, for the review screen.

Two relations of different annotators correspond when each end of one matches the same
end of the other by overlap (the end passages share a character, or are the same empty
span): the rule of relation agreement, but whatever their types, so that a relation
typed differently is one item with its types side by side. Each connected component of
that graph is one item:

| kind | meaning |
|---|---|
| `agreement` | every annotator has one relation there: same ends exactly, same type, same reviewed labels |
| `attributes_differ` | every annotator has one, same ends exactly; `differing` names `type` and/or the labels |
| `overlap` | every annotator has one, but the ends' boundaries differ (or someone has two) |
| `partial` | two or more annotators have it, some have not |
| `single` | only one annotator has it |

Items come in order of their `from` ends (start, end), then of the relations' ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotations.models import Passage
from annotations.review.compare import Kind, comparable, is_comment

if TYPE_CHECKING:
    from annotations.models import Relation
    from annotations.schema import LabelSchema

# A relation item's key among an article's decisions: this, then its relation ids
# (a passage item's key is its passage ids; the document item's is "document").
RELATION_ITEM_PREFIX = "relation:"


@dataclass(frozen=True)
class RelationItem:
    """One place where annotators' relations meet (or one stands alone).

    `relations` has a key for every compared annotator, in the order given: that
    annotator's relations in this item (an empty tuple: none here). `ends` maps every
    end's passage id to the passage.
    """

    article_id: str
    kind: Kind
    relations: Mapping[str, tuple[Relation, ...]]
    ends: Mapping[str, Passage]
    start: int  # where the item's `from` ends start (the smallest start)
    end: int  # ... and end (the largest end)
    differing: tuple[str, ...] = ()  # "type" and the reviewed relation attributes

    @property
    def key(self) -> str:
        return RELATION_ITEM_PREFIX + ",".join(sorted(r.id for r in self.all_relations))

    @property
    def all_relations(self) -> list[Relation]:
        return [r for rs in self.relations.values() for r in rs]

    @property
    def present(self) -> tuple[str, ...]:
        return tuple(a for a, rs in self.relations.items() if rs)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(a for a, rs in self.relations.items() if not rs)

    @property
    def is_disagreement(self) -> bool:
        return self.kind != "agreement"

    def source_of(self, relation: Relation) -> Passage:
        """The relation's `from` end."""
        return self.ends[relation.from_id]

    def target_of(self, relation: Relation) -> Passage:
        """The relation's `to` end."""
        return self.ends[relation.to_id]


def is_relation_key(key: str) -> bool:
    return key.startswith(RELATION_ITEM_PREFIX)


def reviewed_relation_attributes(schema: LabelSchema, type_ids: Iterable[str]) -> tuple[str, ...]:
    """The attributes of these relation types review compares (all but comments), in
    schema order, each once."""
    names: dict[str, None] = {}
    for type_id in type_ids:
        relation_type = schema.relation(type_id)
        if relation_type is not None:
            names.update((a.id, None) for a in relation_type.attributes if not is_comment(a))
    return tuple(names)


def _touch(a: Passage, b: Passage) -> bool:
    if (a.start, a.end) == (b.start, b.end):
        return True
    return min(a.end, b.end) > max(a.start, b.start)


def _differing(relations: Sequence[Relation], reviewed: Sequence[str]) -> tuple[str, ...]:
    out = ["type"] if len({r.type for r in relations}) > 1 else []
    for name in reviewed:
        if len({comparable(r.labels.get(name)) for r in relations}) > 1:
            out.append(name)
    return tuple(out)


def compare_relations(
    relations: Iterable[Relation],
    passages: Iterable[Passage],
    annotators: Sequence[str],
    schema: LabelSchema,
) -> list[RelationItem]:
    """Group one article's relations into review items (see the module docstring).

    `passages` are the article's passages (the relations' ends); a relation whose end is
    not among them is left out. Only the relations of `annotators` are compared.
    """
    by_id = {p.id: p for p in passages}
    wanted = dict.fromkeys(annotators)
    chosen = sorted(
        (r for r in relations if r.annotator in wanted and r.from_id in by_id and r.to_id in by_id),
        key=lambda r: (
            by_id[r.from_id].start,
            by_id[r.from_id].end,
            by_id[r.to_id].start,
            r.annotator,
            r.id,
        ),
    )
    if len({r.article_id for r in chosen}) > 1:
        raise ValueError("compare_relations takes the relations of one article")
    # Union-find over the correspondence graph (articles hold a few dozen relations).
    parent = list(range(len(chosen)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, ra in enumerate(chosen):
        for j in range(i + 1, len(chosen)):
            rb = chosen[j]
            if (
                ra.annotator != rb.annotator
                and _touch(by_id[ra.from_id], by_id[rb.from_id])
                and _touch(by_id[ra.to_id], by_id[rb.to_id])
            ):
                parent[root(j)] = root(i)
    groups: dict[int, list[Relation]] = {}
    for i, r in enumerate(chosen):
        groups.setdefault(root(i), []).append(r)
    everyone = len(wanted)
    items = []
    for group in groups.values():
        per: dict[str, list[Relation]] = {a: [] for a in wanted}
        for r in group:
            per[r.annotator].append(r)
        present = sum(1 for rs in per.values() if rs)
        reviewed = reviewed_relation_attributes(schema, {r.type for r in group})
        differing = _differing(group, reviewed)
        ends = {
            (by_id[r.from_id].start, by_id[r.from_id].end, by_id[r.to_id].start, by_id[r.to_id].end)
            for r in group
        }
        kind: Kind
        if present == 1:
            kind = "single"
        elif present < everyone:
            kind = "partial"
        elif len(ends) > 1 or len(group) > everyone:
            kind = "overlap"
        else:
            kind = "attributes_differ" if differing else "agreement"
        sources = [by_id[r.from_id] for r in group]
        items.append(
            RelationItem(
                article_id=group[0].article_id,
                kind=kind,
                relations={a: tuple(rs) for a, rs in per.items()},
                ends={pid: by_id[pid] for r in group for pid in (r.from_id, r.to_id)},
                start=min(p.start for p in sources),
                end=max(p.end for p in sources),
                differing=differing,
            )
        )
    items.sort(key=lambda item: (item.start, item.end, sorted(r.id for r in item.all_relations)))
    return items
