"""Line up one article's passages across annotators, for the review screen.

The passages are grouped into comparison items, in two steps:

1. **Shared spans.** Passages with exactly the same (start, end) form a span group. A span
   group that every annotator contributed to is an item on its own, whatever else overlaps
   it: `agreement` when all its passages carry the same reviewed attributes,
   `attributes_differ` otherwise (naming the attributes that differ). Which attributes
   are reviewed comes from the schema (`reviewed_attributes`): every attribute but a
   comment, a free-text attribute standing on its own (the bundled `note`). Comments are
   the annotators' own words: gold keeps each one with its author
   (`queue.merge_unanimous`). Several values (`multiple`) compare as sets.
2. **Overlap components.** The remaining passages are joined when they overlap (share at
   least one character; identical empty spans count as overlapping), and each connected
   component of that overlap graph is one item. A chain A overlaps B overlaps C is one
   item even when A and C do not touch. A component is `single` when it holds passages of
   one annotator only, `partial` when its passages all share one span but some annotators
   have none there, and `overlap` when its spans differ.

Taking full span groups out first keeps nested passages apart: when every annotator marked
the same long quote and the same short quote inside it, that is two agreements rather than
one large overlap. An annotator's duplicates of one span stay in that span's group.

Items come in a stable order: by start, then end, then the passages they hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from annotations.models import DocumentLabels, Passage

if TYPE_CHECKING:
    from annotations.schema import Attribute, LabelSchema

# The attribute types whose values are categories: what agreement measures (a kappa and
# an alpha each). A `text` attribute is free text: never measured.
CATEGORICAL_TYPES: tuple[str, ...] = ("choice", "actor", "boolean")

Kind = Literal["agreement", "attributes_differ", "partial", "overlap", "single"]
KINDS: tuple[Kind, ...] = ("agreement", "attributes_differ", "partial", "overlap", "single")
# The key of an article's document item among its passage items (whose keys are passage
# ids joined by ","; an id never holds a comma, so this never collides).
DOCUMENT_ITEM = "document"


def compared_attributes(schema: LabelSchema, level: str = "passage") -> tuple[Attribute, ...]:
    """The attributes agreement measures, in schema order: the categorical ones."""
    return tuple(a for a in _level(schema, level) if a.type in CATEGORICAL_TYPES)


def is_comment(attribute: Attribute) -> bool:
    """A free-text attribute standing on its own (the bundled `note`): the annotator's own
    words, kept with their author rather than compared. A text attribute offered `when`
    another has a value (a stance's `target`) qualifies that value and is reviewed."""
    return attribute.type == "text" and attribute.when is None


def reviewed_attributes(schema: LabelSchema, level: str = "passage") -> tuple[str, ...]:
    """What must be equal for review to call labels an agreement and merge them unasked:
    every attribute but the comments (which gold would otherwise take from one annotator
    and drop for the others)."""
    return tuple(a.id for a in _level(schema, level) if not is_comment(a))


def comment_attributes(schema: LabelSchema, level: str = "passage") -> tuple[str, ...]:
    return tuple(a.id for a in _level(schema, level) if is_comment(a))


def _level(schema: LabelSchema, level: str) -> tuple[Attribute, ...]:
    return schema.document_attributes if level == "document" else schema.attributes


def comparable(value: Any) -> Any:
    """A label value as compared: several values (a list) as a set, in any order."""
    return frozenset(value) if isinstance(value, list | tuple) else value


@dataclass(frozen=True)
class ComparisonItem:
    """One place in the article where annotators' passages meet (or one stands alone).

    `passages` has a key for every compared annotator, in the order given, holding that
    annotator's passages in this item ordered by (start, end, id); an empty tuple means
    the annotator marked nothing here.
    """

    kind: Kind
    start: int  # smallest start of the item's passages
    end: int  # largest end of the item's passages
    passages: Mapping[str, tuple[Passage, ...]]
    # The reviewed attributes with more than one value among the item's passages
    # (always empty for `agreement`; informative for every other kind too).
    differing: tuple[str, ...] = ()

    @property
    def present(self) -> tuple[str, ...]:
        """Annotators with at least one passage in this item."""
        return tuple(a for a, ps in self.passages.items() if ps)

    @property
    def missing(self) -> tuple[str, ...]:
        """Annotators with no passage in this item."""
        return tuple(a for a, ps in self.passages.items() if not ps)

    @property
    def annotator(self) -> str | None:
        """For a `single` item, the annotator who has it; otherwise None."""
        present = self.present
        return present[0] if self.kind == "single" and present else None

    @property
    def is_disagreement(self) -> bool:
        return self.kind != "agreement"


def _passage_order(p: Passage) -> tuple[int, int, str, str]:
    return (p.start, p.end, p.annotator, p.id)


def differing_labels(
    labels: Iterable[Mapping[str, Any]], reviewed: Sequence[str]
) -> tuple[str, ...]:
    """The attributes of `reviewed` with more than one value among `labels`."""
    values: dict[str, set[Any]] = {name: set() for name in reviewed}
    for mapping in labels:
        for name in reviewed:
            values[name].add(comparable(mapping.get(name)))
    return tuple(name for name in reviewed if len(values[name]) > 1)


def _overlap_components(passages: list[Passage]) -> list[list[Passage]]:
    """Connected components of the overlap graph; `passages` sorted by _passage_order.

    Intervals sorted by start overlap something already in the current component exactly
    when they start before the component's furthest end, so one sweep suffices.
    """
    components: list[list[Passage]] = []
    current: list[Passage] = []
    reach = 0
    for p in passages:
        if current and (
            p.start < reach or (p.start == current[-1].start and p.end == current[-1].end)
        ):
            current.append(p)
            reach = max(reach, p.end)
        else:
            current = [p]
            components.append(current)
            reach = p.end
    return components


def _item(
    component: list[Passage],
    annotators: Sequence[str],
    full: bool,
    reviewed: Sequence[str],
    kind_of: Any = None,
) -> ComparisonItem:
    by_annotator: dict[str, list[Passage]] = {a: [] for a in annotators}
    for p in component:
        by_annotator[p.annotator].append(p)
    passages = {a: tuple(ps) for a, ps in by_annotator.items()}
    present = sum(1 for ps in passages.values() if ps)
    one_span = all(p.start == component[0].start and p.end == component[0].end for p in component)
    differing = differing_labels((p.labels for p in component), reviewed)
    if kind_of is not None and len({kind_of(p.kind) for p in component}) > 1:
        differing = ("kind", *differing)  # a content against a source is no agreement
    kind: Kind
    if full:
        kind = "attributes_differ" if differing else "agreement"
    elif present == 1:
        kind = "single"
    elif one_span:
        kind = "partial"
    else:
        kind = "overlap"
    return ComparisonItem(
        kind=kind,
        start=min(p.start for p in component),
        end=max(p.end for p in component),
        passages=passages,
        differing=differing,
    )


def compare_article(
    passages: Iterable[Passage],
    annotators: Sequence[str] | None = None,
    schema: LabelSchema | None = None,
) -> list[ComparisonItem]:
    """Group one article's passages into comparison items (see the module docstring).

    `annotators` chooses whose passages are compared and the order of each item's
    `passages`; by default every annotator found, sorted. Passages of other annotators are
    ignored. `schema` says which attributes are reviewed (default: the bundled one).
    Raises ValueError when the passages belong to more than one article.
    """
    schema = schema or bundled_schema()
    reviewed = reviewed_attributes(schema)
    chosen = list(passages)
    if len({p.article_id for p in chosen}) > 1:
        raise ValueError("compare_article takes the passages of one article")
    if annotators is None:
        annotators = sorted({p.annotator for p in chosen})
    else:
        annotators = list(dict.fromkeys(annotators))
        wanted = set(annotators)
        chosen = [p for p in chosen if p.annotator in wanted]
    if not chosen:
        return []
    chosen.sort(key=_passage_order)

    # Step 1: span groups that every annotator contributed to.
    span_groups: dict[tuple[int, int], list[Passage]] = {}
    for p in chosen:
        span_groups.setdefault((p.start, p.end), []).append(p)
    everyone = len(annotators)
    full_groups: list[list[Passage]] = []
    rest: list[Passage] = []
    for group in span_groups.values():
        if everyone >= 2 and len({p.annotator for p in group}) == everyone:
            full_groups.append(group)
        else:
            rest.extend(group)
    rest.sort(key=_passage_order)

    # Step 2: overlap components of what is left.
    kind_of = schema.kind_id if schema is not None and len(schema.kinds) > 1 else None
    items = [_item(g, annotators, True, reviewed, kind_of) for g in full_groups]
    items.extend(_item(c, annotators, False, reviewed, kind_of) for c in _overlap_components(rest))
    items.sort(
        key=lambda item: (
            item.start,
            item.end,
            sorted(_passage_order(p) for ps in item.passages.values() for p in ps),
        )
    )
    return items


def disagreements(items: Iterable[ComparisonItem]) -> list[ComparisonItem]:
    """The items that need review: every kind but `agreement`, in their order."""
    return [item for item in items if item.kind != "agreement"]


@dataclass(frozen=True)
class DocumentItem:
    """The annotators' labels on the whole article, side by side (one item per article).

    `labels` has a key for every compared annotator, in the order given: their document
    labels, or None when they gave none. `kind` is `agreement` (everyone gave the same
    reviewed attributes), `attributes_differ`, `partial` (some gave none) or `single`.
    """

    article_id: str
    kind: Kind
    labels: Mapping[str, DocumentLabels | None]
    differing: tuple[str, ...] = ()

    key = DOCUMENT_ITEM

    @property
    def present(self) -> tuple[str, ...]:
        return tuple(a for a, d in self.labels.items() if d is not None)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(a for a, d in self.labels.items() if d is None)

    @property
    def is_disagreement(self) -> bool:
        return self.kind != "agreement"


def compare_documents(
    labels: Iterable[DocumentLabels],
    annotators: Sequence[str],
    schema: LabelSchema | None = None,
) -> DocumentItem | None:
    """One article's document labels compared across `annotators` (in that order); None
    when fewer than two annotators are compared or none of them gave document labels."""
    by_annotator: dict[str, DocumentLabels | None] = dict.fromkeys(annotators)
    article_ids = set()
    for d in labels:
        if d.annotator in by_annotator and d.labels:
            by_annotator[d.annotator] = d
            article_ids.add(d.article_id)
    if len(article_ids) > 1:
        raise ValueError("compare_documents takes the document labels of one article")
    given = [d for d in by_annotator.values() if d is not None]
    if len(by_annotator) < 2 or not given:
        return None
    reviewed = reviewed_attributes(schema or bundled_schema(), "document")
    differing = differing_labels((d.labels for d in given), reviewed)
    kind: Kind
    if len(given) == 1:
        kind = "single"
    elif len(given) < len(by_annotator):
        kind = "partial"
    else:
        kind = "attributes_differ" if differing else "agreement"
    return DocumentItem(given[0].article_id, kind, by_annotator, differing)


def bundled_schema() -> LabelSchema:
    """The bundled schema, read when first needed (the app starts without YAML)."""
    from annotations.schema import default_schema

    return default_schema()
