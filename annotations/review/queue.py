"""Adjudication: from annotators' passages to the gold layer, one decision at a time.

An article's passages are lined up into comparison items (`compare.compare_article`).
A reviewer settles each item: `unanimous` (everyone agreed on span, actor, stance, stance
target and claim type: merged in one step, keeping every annotator's note with its author),
`accept` one version, `edit` (a version changed, then accepted), `reject` (no gold
passage), or `discuss` (with a comment; not settled). An article is settled when every
item has a decision other than `discuss`. Every decision is saved at once and can be
undone (`undo`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from annotations.articles import now_iso
from annotations.models import AuthoredNote, Comment, Decision, GoldPassage, Passage
from annotations.review.compare import ComparisonItem, compare_article
from annotations.store import CatalogRow, Replaced, Store

SETTLING = ("unanimous", "accept", "edit", "reject")


def item_key(item: ComparisonItem) -> str:
    """A stable name for an item: its passage ids, sorted, joined."""
    return ",".join(sorted(p.id for ps in item.passages.values() for p in ps))


def item_passages(item: ComparisonItem) -> list[Passage]:
    return [p for ps in item.passages.values() for p in ps]


@dataclass(frozen=True)
class ArticleReview:
    """Where an article stands in review."""

    article_id: str
    annotators: tuple[str, ...]
    items: tuple[ComparisonItem, ...]
    decisions: dict[str, Decision]  # by item key

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_agreements(self) -> int:
        return sum(1 for item in self.items if item.kind == "agreement")

    @property
    def n_disagreements(self) -> int:
        return self.n_items - self.n_agreements

    @property
    def agreement(self) -> float | None:
        """Share of items on which all annotators fully agree; None with no items."""
        return self.n_agreements / self.n_items if self.items else None

    def decision(self, item: ComparisonItem) -> Decision | None:
        return self.decisions.get(item_key(item))

    @property
    def open_items(self) -> list[ComparisonItem]:
        """Items with no settling decision yet (in article order)."""
        return [
            item
            for item in self.items
            if (d := self.decision(item)) is None or d.verdict not in SETTLING
        ]

    @property
    def settled(self) -> bool:
        return bool(self.items) and not self.open_items

    @property
    def status(self) -> str:
        """unreviewed | in_review | settled (single-annotator articles: single)."""
        if len(self.annotators) < 2:
            return "single"
        if self.settled:
            return "settled"
        return "in_review" if self.decisions else "unreviewed"


def article_review(
    store: Store, article_id: str, annotators: Sequence[str] | None = None
) -> ArticleReview:
    passages = [p for p in store.passages(article_id) if p.annotator != "gold"]
    chosen = tuple(annotators) if annotators else tuple(sorted({p.annotator for p in passages}))
    items = tuple(compare_article(passages, chosen)) if len(chosen) >= 2 else ()
    decisions = {d.item: d for d in store.decisions(article_id)}
    return ArticleReview(article_id, chosen, items, decisions)


def passages_by_article(
    store: Store, annotators: Sequence[str] | None = None, article_id: str | None = None
) -> dict[str, list[Passage]]:
    """The annotators' passages grouped by article, for agreement. Passages imported
    from a gold export (annotator "gold") are not an annotator's and are left out."""
    grouped: dict[str, list[Passage]] = {}
    for p in store.all_passages(annotators or None):
        if p.annotator != "gold" and (article_id is None or p.article_id == article_id):
            grouped.setdefault(p.article_id, []).append(p)
    return grouped


def with_review(store: Store, rows: dict[str, CatalogRow]) -> dict[str, CatalogRow]:
    """Catalog rows with their disagreements and review status (for the article list)."""
    out = dict(rows)
    for article_id, row in rows.items():
        if row.annotators >= 2:
            review = article_review(store, article_id)
            out[article_id] = replace(
                row, disagreements=review.n_disagreements, review=review.status
            )
    return out


def disputed_article_ids(store: Store) -> list[str]:
    """Articles where the annotators disagree somewhere (for the list's filter)."""
    return [r.article_id for r in review_queue(store) if r.n_disagreements]


def unresolved(store: Store) -> tuple[int, int, int]:
    """Over the review queue: (items without a settling verdict, articles they are in,
    articles settled)."""
    reviews = review_queue(store)
    open_reviews = [r for r in reviews if not r.settled]
    items = sum(len(r.open_items) for r in open_reviews)
    return items, len(open_reviews), len(reviews) - len(open_reviews)


def review_queue(store: Store) -> list[ArticleReview]:
    """Articles labelled by two or more annotators, lowest agreement first, unsettled first."""
    reviews = [article_review(store, article_id) for article_id in store.reviewable_article_ids()]
    reviews.sort(
        key=lambda r: (r.settled, r.agreement if r.agreement is not None else 1, r.article_id)
    )
    return reviews


def merged_notes(passages: Sequence[Passage]) -> tuple[str | None, tuple[AuthoredNote, ...]]:
    """The gold note and notes of passages merged unanimously: every note kept with its
    author; the note text is their one text when they agree, else one "author: text" line
    each (so formats with a single note column lose nothing either)."""
    notes = tuple(AuthoredNote(p.annotator, p.note) for p in passages if p.note)
    texts = list(dict.fromkeys(n.text for n in notes))
    if not texts:
        return None, notes
    if len(texts) == 1:
        return texts[0], notes
    return "\n".join(f"{n.author}: {n.text}" for n in notes), notes


def _gold_from(
    passage: Passage,
    item: ComparisonItem,
    origin: str,
    reviewer: str,
    changes: dict[str, str | None] | None = None,
) -> GoldPassage:
    stamp = now_iso()
    changes = changes or {}
    attributes = {**passage.attributes(), **changes}
    if origin == "unanimous":
        note, notes = merged_notes(item_passages(item))
    else:
        # The reviewer read every version and chose this one: its note, or the reviewer's.
        note = attributes.get("note")
        author = (
            reviewer if changes.get("note", passage.note) != passage.note else passage.annotator
        )
        notes = (AuthoredNote(author, note),) if note else ()
    return GoldPassage(
        id=str(uuid.uuid4()),
        article_id=passage.article_id,
        start=passage.start,
        end=passage.end,
        text=passage.text,
        labels={**attributes, "note": note},
        origin=origin,
        sources=tuple(sorted(p.id for p in item_passages(item))),
        adjudicator=reviewer,
        schema_name=passage.schema_name,
        schema_version=passage.schema_version,
        created_at=stamp,
        updated_at=stamp,
        notes=notes,
    )


def unanimous_items(store: Store, article_ids: Iterable[str] | None = None) -> list[ComparisonItem]:
    """The full agreements no reviewer has decided yet: what `merge_unanimous` would merge."""
    ids = (
        list(article_ids)
        if article_ids is not None
        else [r.article_id for r in review_queue(store)]
    )
    out: list[ComparisonItem] = []
    for article_id in ids:
        review = article_review(store, article_id)
        out.extend(
            item
            for item in review.items
            if item.kind == "agreement" and review.decision(item) is None
        )
    return out


def merge_unanimous(store: Store, reviewer: str, article_ids: Iterable[str] | None = None) -> int:
    """Put every undecided full agreement into the gold layer (`unanimous`), in one
    transaction; returns how many passages were merged. Agreement covers span, actor,
    stance, stance target and claim type; the annotators' notes all go into gold, each
    with its author."""
    merged = 0
    with store.transaction():
        for item in unanimous_items(store, article_ids):
            first = item_passages(item)[0]
            gold = _gold_from(first, item, "unanimous", reviewer)
            store.decide(Decision(first.article_id, item_key(item), "unanimous", reviewer), gold)
            merged += 1
    return merged


def accept(
    store: Store,
    item: ComparisonItem,
    passage: Passage,
    reviewer: str,
    changes: dict[str, str | None] | None = None,
) -> Replaced:
    """Accept one version into the gold layer (`edit` when `changes` alter it).
    Returns what it replaced, for undo."""
    verdict = "edit" if changes else "accept"
    gold = _gold_from(passage, item, "adjudicated", reviewer, changes)
    decision = Decision(passage.article_id, item_key(item), verdict, reviewer, gold.id)
    return store.decide(decision, gold)


def reject(
    store: Store, item: ComparisonItem, reviewer: str, comment: str | None = None
) -> Replaced:
    """No gold passage here. Returns what it replaced."""
    article_id = item_passages(item)[0].article_id
    return store.decide(Decision(article_id, item_key(item), "reject", reviewer, comment=comment))


def discuss(store: Store, item: ComparisonItem, reviewer: str, comment: str) -> Replaced:
    """Mark for discussion: the comment goes on every passage of the item too."""
    passages = item_passages(item)
    with store.transaction():
        previous = store.decide(
            Decision(passages[0].article_id, item_key(item), "discuss", reviewer, comment=comment)
        )
        for p in passages:
            store.add_comment(Comment(p.id, reviewer, comment))
    return previous


def restore(store: Store, article_id: str, item: str, replaced: Replaced) -> Replaced:
    """Undo a decision: put back what it replaced (a verdict and its gold passage, or
    nothing). Returns what the undo took away, so it can be redone the same way."""
    with store.transaction():
        current = store.undo_decision(article_id, item)
        if replaced.decision is not None:
            store.decide(replaced.decision, replaced.gold)
    return current


@dataclass(frozen=True)
class MyReview:
    passage: Passage
    verdict: str | None
    reviewer: str | None
    comments: tuple[Comment, ...]


def my_reviews(store: Store, annotator: str) -> list[MyReview]:
    """Verdicts and comments on this annotator's passages, for a "my reviews" view."""
    out: list[MyReview] = []
    decided: dict[str, Decision] = {}
    for d in store.decisions():
        for passage_id in d.item.split(","):
            decided[passage_id] = d
    commented = store.commented_passage_ids()
    for p in store.all_passages([annotator]):
        found = decided.get(p.id)
        if found is None and p.id not in commented:
            continue
        out.append(
            MyReview(
                p,
                found.verdict if found else None,
                found.reviewer if found else None,
                tuple(store.comments(p.id)),
            )
        )
    return out
