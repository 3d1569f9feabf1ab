"""Line up one article's passages across annotators, for the review screen.

The passages are grouped into comparison items, in two steps:

1. **Shared spans.** Passages with exactly the same (start, end) form a span group. A span
   group that every annotator contributed to is an item on its own, whatever else overlaps
   it: `agreement` when all its passages carry the same actor, stance, stance target and
   claim type, `attributes_differ` otherwise (naming the attributes that differ). Notes
   are not compared: they are the annotators' own words, and gold keeps each one with its
   author (`queue.merge_unanimous`).
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
from typing import Literal

from annotations.models import Passage

# The labelled attributes that agreement measures (categories with a kappa each).
COMPARED_ATTRIBUTES: tuple[str, ...] = ("actor", "stance", "claim_type")
# What must be equal for review to call passages an agreement and merge them unasked:
# the measured attributes and the free-text stance target, which gold would otherwise
# take from one annotator and drop for the others.
REVIEWED_ATTRIBUTES: tuple[str, ...] = ("actor", "stance", "target", "claim_type")

Kind = Literal["agreement", "attributes_differ", "partial", "overlap", "single"]
KINDS: tuple[Kind, ...] = ("agreement", "attributes_differ", "partial", "overlap", "single")


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


def _differing(passages: Iterable[Passage]) -> tuple[str, ...]:
    values: dict[str, set[str | None]] = {name: set() for name in REVIEWED_ATTRIBUTES}
    for p in passages:
        attributes = p.attributes()
        for name in REVIEWED_ATTRIBUTES:
            values[name].add(attributes.get(name))
    return tuple(name for name in REVIEWED_ATTRIBUTES if len(values[name]) > 1)


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


def _item(component: list[Passage], annotators: Sequence[str], full: bool) -> ComparisonItem:
    by_annotator: dict[str, list[Passage]] = {a: [] for a in annotators}
    for p in component:
        by_annotator[p.annotator].append(p)
    passages = {a: tuple(ps) for a, ps in by_annotator.items()}
    present = sum(1 for ps in passages.values() if ps)
    one_span = all(p.start == component[0].start and p.end == component[0].end for p in component)
    differing = _differing(component)
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
    passages: Iterable[Passage], annotators: Sequence[str] | None = None
) -> list[ComparisonItem]:
    """Group one article's passages into comparison items (see the module docstring).

    `annotators` chooses whose passages are compared and the order of each item's
    `passages`; by default every annotator found, sorted. Passages of other annotators are
    ignored. Raises ValueError when the passages belong to more than one article.
    """
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
    items = [_item(g, annotators, full=True) for g in full_groups]
    items.extend(_item(c, annotators, full=False) for c in _overlap_components(rest))
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
