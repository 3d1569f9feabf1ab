"""Adjudication: from annotators' labels to the gold layer, one decision at a time.

An article's passages are lined up into comparison items (`compare.compare_article`),
and its document labels into one document item (`compare.compare_documents`). A
reviewer settles each item: `unanimous` (everyone agreed on the span and every reviewed
attribute: merged in one step, keeping every annotator's comment with its author),
`accept` one version, `edit` (a version changed, then accepted), `reject` (no gold
labels), or `discuss` (with a comment; not settled). An article is settled when every
item has a decision other than `discuss`. Every decision is saved at once and can be
undone (`restore`, or `session.ReviewSession`).

Relations are items too (`relation_items.compare_relations`): accepting one puts a gold
relation between gold passages, its ends mapped to the gold passages their passages went
into, or (where an end's passage item is not settled yet) that end's version accepted
along with it, and undone with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from annotations.articles import now_iso
from annotations.models import (
    GOLD_ANNOTATOR,
    AuthoredNote,
    Comment,
    Decision,
    DocumentLabels,
    GoldDocumentLabels,
    GoldPassage,
    GoldRelation,
    Passage,
    Relation,
    freeze_labels,
)
from annotations.review.compare import (
    DOCUMENT_ITEM,
    ComparisonItem,
    DocumentItem,
    bundled_schema,
    comment_attributes,
    compare_article,
    compare_documents,
)
from annotations.review.relation_items import RelationItem, compare_relations, is_relation_key
from annotations.store import CatalogRow, Replaced, Store
from annotations.text import plural

if TYPE_CHECKING:
    from annotations.schema import LabelSchema

SETTLING = ("unanimous", "accept", "edit", "reject")
# The verdicts that put something into gold.
INTO_GOLD = ("unanimous", "accept", "edit")
ReviewItem = ComparisonItem | DocumentItem | RelationItem


class ReviewError(ValueError):
    """A verdict that cannot be given as asked (one line, for the status line)."""


def item_key(item: ReviewItem) -> str:
    """A stable name for an item: its passage ids, sorted, joined (`document` for the
    document item; `relation:` and the relation ids for a relation item)."""
    if isinstance(item, DocumentItem):
        return DOCUMENT_ITEM
    if isinstance(item, RelationItem):
        return item.key
    return ",".join(sorted(p.id for ps in item.passages.values() for p in ps))


def item_passages(item: ComparisonItem) -> list[Passage]:
    return [p for ps in item.passages.values() for p in ps]


@dataclass(frozen=True)
class ArticleReview:
    """Where an article stands in review."""

    article_id: str
    annotators: tuple[str, ...]
    items: tuple[ComparisonItem, ...]  # the passages', in article order
    decisions: dict[str, Decision]  # by item key
    document: DocumentItem | None = None  # the document labels', when anyone gave some
    relations: tuple[RelationItem, ...] = ()  # the relations', in article order
    gold_relations: frozenset[str] = frozenset()  # ids of the article's gold relations

    @property
    def all_items(self) -> tuple[ReviewItem, ...]:
        """Every item: the document item first, then the passages', then the relations'."""
        document: tuple[ReviewItem, ...] = (self.document,) if self.document is not None else ()
        return document + self.items + self.relations

    @property
    def n_items(self) -> int:
        return len(self.all_items)

    @property
    def n_agreements(self) -> int:
        return sum(1 for item in self.all_items if item.kind == "agreement")

    @property
    def n_disagreements(self) -> int:
        return self.n_items - self.n_agreements

    @property
    def agreement(self) -> float | None:
        """Share of items on which all annotators fully agree; None with no items."""
        return self.n_agreements / self.n_items if self.items or self.relations else None

    def decision(self, item: ReviewItem) -> Decision | None:
        return self.decisions.get(item_key(item))

    @property
    def open_items(self) -> list[ReviewItem]:
        """Items with no settling decision yet (the document's first, then in article
        order)."""
        return [item for item in self.all_items if not self._settled(item)]

    def _settled(self, item: ReviewItem) -> bool:
        decided = self.decision(item)
        if decided is None or decided.verdict not in SETTLING:
            return False
        # A gold relation goes with its ends' gold passages: when a verdict on an end
        # replaced that passage, the relation is to settle again.
        return not (
            isinstance(item, RelationItem)
            and decided.verdict in INTO_GOLD
            and decided.gold_id not in self.gold_relations
        )

    @property
    def settled(self) -> bool:
        return bool(self.all_items) and not self.open_items

    @property
    def status(self) -> str:
        """unreviewed | in_review | settled (single-annotator articles: single)."""
        if len(self.annotators) < 2:
            return "single"
        if self.settled:
            return "settled"
        return "in_review" if self.decisions else "unreviewed"


def article_review(
    store: Store,
    article_id: str,
    annotators: Sequence[str] | None = None,
    schema: LabelSchema | None = None,
) -> ArticleReview:
    """Where an article stands: its items (passages' and document's) and decisions.
    `schema` says which attributes are reviewed (default: the bundled one)."""
    schema = schema or bundled_schema()
    passages = [p for p in store.passages(article_id) if p.annotator != GOLD_ANNOTATOR]
    documents = [d for d in store.document_labels(article_id) if d.annotator != GOLD_ANNOTATOR]
    # The passages are compared among the annotators who marked some (one who marked none
    # is taken not to have annotated the article); the document labels among them and
    # anyone who gave document labels, so that a missing one shows.
    if annotators:
        chosen = by_documents = tuple(annotators)
    else:
        chosen = tuple(sorted({p.annotator for p in passages}))
        by_documents = tuple(sorted({*chosen, *(d.annotator for d in documents)}))
    items = tuple(compare_article(passages, chosen, schema)) if len(chosen) >= 2 else ()
    relation_items: tuple[RelationItem, ...] = ()
    if len(chosen) >= 2:
        relations = [r for r in store.relations(article_id) if r.annotator != GOLD_ANNOTATOR]
        if relations:
            relation_items = tuple(compare_relations(relations, passages, chosen, schema))
    document = compare_documents(documents, by_documents, schema)
    if document is not None and len(chosen) < 2:
        chosen = by_documents
    decisions = {d.item: d for d in store.decisions(article_id)}
    gold_relations = (
        frozenset(g.id for g in store.gold_relations(article_id)) if relation_items else frozenset()
    )
    return ArticleReview(
        article_id, chosen, items, decisions, document, relation_items, gold_relations
    )


def relations_by_article(
    store: Store, annotators: Sequence[str] | None = None, article_id: str | None = None
) -> dict[str, list[Relation]]:
    """The annotators' relations grouped by article, for agreement."""
    grouped: dict[str, list[Relation]] = {}
    for r in store.all_relations(annotators or None):
        if r.annotator != GOLD_ANNOTATOR and (article_id is None or r.article_id == article_id):
            grouped.setdefault(r.article_id, []).append(r)
    return grouped


def passages_by_article(
    store: Store, annotators: Sequence[str] | None = None, article_id: str | None = None
) -> dict[str, list[Passage]]:
    """The annotators' passages grouped by article, for agreement. Passages imported
    from a gold export (annotator "gold") are not an annotator's and are left out."""
    grouped: dict[str, list[Passage]] = {}
    for p in store.all_passages(annotators or None):
        if p.annotator != GOLD_ANNOTATOR and (article_id is None or p.article_id == article_id):
            grouped.setdefault(p.article_id, []).append(p)
    return grouped


def documents_by_article(
    store: Store, annotators: Sequence[str] | None = None, article_id: str | None = None
) -> dict[str, list[DocumentLabels]]:
    """The annotators' document labels grouped by article, for agreement."""
    grouped: dict[str, list[DocumentLabels]] = {}
    for d in store.all_document_labels(annotators or None):
        if d.annotator != GOLD_ANNOTATOR and (article_id is None or d.article_id == article_id):
            grouped.setdefault(d.article_id, []).append(d)
    return grouped


def with_review(
    store: Store, rows: dict[str, CatalogRow], schema: LabelSchema | None = None
) -> dict[str, CatalogRow]:
    """Catalog rows with their disagreements and review status (for the article list)."""
    out = dict(rows)
    for article_id, row in rows.items():
        if row.annotators >= 2:
            review = article_review(store, article_id, schema=schema)
            out[article_id] = replace(
                row, disagreements=review.n_disagreements, review=review.status
            )
    return out


def disputed_article_ids(store: Store, schema: LabelSchema | None = None) -> list[str]:
    """Articles where the annotators disagree somewhere (for the list's filter)."""
    return [r.article_id for r in review_queue(store, schema) if r.n_disagreements]


def unresolved(store: Store, schema: LabelSchema | None = None) -> tuple[int, int, int]:
    """Over the review queue: (items without a settling verdict, articles they are in,
    articles settled)."""
    reviews = review_queue(store, schema)
    open_reviews = [r for r in reviews if not r.settled]
    items = sum(len(r.open_items) for r in open_reviews)
    return items, len(open_reviews), len(reviews) - len(open_reviews)


def reviewable_article_ids(store: Store) -> list[str]:
    """Articles with passages, or document labels, by two or more annotators."""
    ids = set(store.reviewable_article_ids())
    by_article: dict[str, set[str]] = {}
    for d in store.all_document_labels():
        if d.annotator != GOLD_ANNOTATOR and d.labels:
            by_article.setdefault(d.article_id, set()).add(d.annotator)
    ids.update(a for a, names in by_article.items() if len(names) >= 2)
    return sorted(ids)


def review_queue(store: Store, schema: LabelSchema | None = None) -> list[ArticleReview]:
    """Articles labelled by two or more annotators (passages or document labels), lowest
    agreement first, unsettled first."""
    schema = schema or bundled_schema()
    reviews = [
        article_review(store, article_id, schema=schema)
        for article_id in reviewable_article_ids(store)
    ]
    reviews.sort(
        key=lambda r: (r.settled, r.agreement if r.agreement is not None else 1, r.article_id)
    )
    return reviews


def merged_texts(
    labelled: Sequence[tuple[str, Mapping[str, Any]]], attribute: str
) -> tuple[str | None, tuple[AuthoredNote, ...]]:
    """A comment attribute merged from several annotators' labels ((author, labels)
    pairs): every text kept with its author; the merged text is their one text when they
    agree, else one "author: text" line each (so formats with a single column lose
    nothing either)."""
    notes = tuple(
        AuthoredNote(author, text, attribute)
        for author, labels in labelled
        if (text := labels.get(attribute))
    )
    texts = list(dict.fromkeys(n.text for n in notes))
    if not texts:
        return None, notes
    if len(texts) == 1:
        return texts[0], notes
    return "\n".join(f"{n.author}: {n.text}" for n in notes), notes


def merged_notes(passages: Sequence[Passage]) -> tuple[str | None, tuple[AuthoredNote, ...]]:
    """The merged `note` of passages merged unanimously (see `merged_texts`)."""
    return merged_texts([(p.annotator, p.labels) for p in passages], "note")


def _with_changes(labels: Mapping[str, Any], changes: Mapping[str, Any] | None) -> dict[str, Any]:
    """`labels` with `changes` applied: a None, blank or empty value removes the label."""
    out = dict(labels)
    for key, value in (changes or {}).items():
        if value is None or value == "" or value == [] or value == ():
            out.pop(key, None)
        else:
            out[key] = list(value) if isinstance(value, tuple) else value
    return out


def _gold_labels(
    chosen: tuple[str, Mapping[str, Any]],
    everyone: Sequence[tuple[str, Mapping[str, Any]]],
    origin: str,
    reviewer: str,
    comments: Sequence[str],
    changes: Mapping[str, Any] | None,
) -> tuple[dict[str, Any], tuple[AuthoredNote, ...]]:
    """The gold labels from a chosen version (author, labels), and every comment with its
    author: all annotators' merged when unanimous; else the chosen version's, or the
    reviewer's where the reviewer changed it."""
    author, labels = chosen
    gold = _with_changes(labels, changes)
    notes: list[AuthoredNote] = []
    for attribute in comments:
        if origin == "unanimous":
            text, authored = merged_texts(everyone, attribute)
        else:
            # The reviewer read every version and chose this one: its text, or the reviewer's.
            text = gold.get(attribute)
            by = reviewer if text != labels.get(attribute) else author
            authored = (AuthoredNote(by, text, attribute),) if text else ()
        if text:
            gold[attribute] = text
        else:
            gold.pop(attribute, None)
        notes.extend(authored)
    return gold, tuple(notes)


def _gold_from(
    passage: Passage,
    item: ComparisonItem,
    origin: str,
    reviewer: str,
    schema: LabelSchema,
    changes: Mapping[str, Any] | None = None,
) -> GoldPassage:
    stamp = now_iso()
    passages = item_passages(item)
    labels, notes = _gold_labels(
        (passage.annotator, passage.labels),
        [(p.annotator, p.labels) for p in passages],
        origin,
        reviewer,
        comment_attributes(schema),
        changes,
    )
    return GoldPassage(
        id=str(uuid.uuid4()),
        article_id=passage.article_id,
        start=passage.start,
        end=passage.end,
        text=passage.text,
        labels=labels,
        origin=origin,
        sources=tuple(sorted(p.id for p in passages)),
        adjudicator=reviewer,
        schema_name=passage.schema_name,
        schema_version=passage.schema_version,
        created_at=stamp,
        updated_at=stamp,
        notes=notes,
        kind=passage.kind,
    )


def _gold_document(
    chosen: DocumentLabels,
    item: DocumentItem,
    origin: str,
    reviewer: str,
    schema: LabelSchema,
    changes: Mapping[str, Any] | None = None,
) -> GoldDocumentLabels:
    stamp = now_iso()
    given = [d for d in item.labels.values() if d is not None]
    labels, _notes = _gold_labels(
        (chosen.annotator, chosen.labels),
        [(d.annotator, d.labels) for d in given],
        origin,
        reviewer,
        comment_attributes(schema, "document"),
        changes,
    )
    return GoldDocumentLabels(
        article_id=chosen.article_id,
        labels=freeze_labels(labels),
        origin=origin,
        sources=tuple(d.annotator for d in given),
        adjudicator=reviewer,
        schema_name=chosen.schema_name,
        schema_version=chosen.schema_version,
        created_at=stamp,
        updated_at=stamp,
    )


def item_article(item: ReviewItem) -> str:
    """The article an item is in."""
    if isinstance(item, DocumentItem | RelationItem):
        return item.article_id
    return item_passages(item)[0].article_id


def agreed_words(items: Sequence[ReviewItem]) -> str:
    """ "2 agreed passages, 1 agreed relation and the document labels of 1 article": what
    a merge takes."""
    passages = sum(1 for i in items if isinstance(i, ComparisonItem))
    relations = sum(1 for i in items if isinstance(i, RelationItem))
    documents = len(items) - passages - relations
    parts = [plural(passages, "agreed passage")] if passages or not (documents or relations) else []
    if relations:
        parts.append(plural(relations, "agreed relation"))
    if documents:
        parts.append(f"the document labels of {plural(documents, 'article')}")
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def unanimous_items(
    store: Store, article_ids: Iterable[str] | None = None, schema: LabelSchema | None = None
) -> list[ReviewItem]:
    """The full agreements no reviewer has decided yet: what `merge_unanimous` would merge."""
    ids = (
        list(article_ids)
        if article_ids is not None
        else [r.article_id for r in review_queue(store, schema)]
    )
    out: list[ReviewItem] = []
    for article_id in ids:
        review = article_review(store, article_id, schema=schema)
        pending = [
            item
            for item in review.all_items
            if item.kind == "agreement" and review.decision(item) is None
        ]
        if any(isinstance(item, RelationItem) for item in pending):
            # A relation goes in when both its ends are (or go in with it) in gold.
            in_gold = {s for g in store.gold_passages(article_id) for s in g.sources}
            in_gold.update(
                p.id
                for item in pending
                if isinstance(item, ComparisonItem)
                for p in item_passages(item)
            )
            pending = [
                item
                for item in pending
                if not isinstance(item, RelationItem)
                or all(r.from_id in in_gold and r.to_id in in_gold for r in item.all_relations)
            ]
        out.extend(pending)
    return out


def merge_unanimous(
    store: Store,
    reviewer: str,
    article_ids: Iterable[str] | None = None,
    schema: LabelSchema | None = None,
) -> int:
    """Put every undecided full agreement into the gold layer (`unanimous`), in one
    transaction; returns how many items were merged (passages, and articles' document
    labels, and relations whose ends are in gold). Agreement covers the span and every
    reviewed attribute; the annotators' comments all go into gold, each with its author."""
    schema = schema or bundled_schema()
    merged = 0
    with store.transaction():
        for item in unanimous_items(store, article_ids, schema):
            if isinstance(item, RelationItem):
                gold_relation = _gold_relation(
                    store, item, item.all_relations[0], "unanimous", reviewer
                )
                store.add_gold_relation(gold_relation)
                store.decide(
                    Decision(item.article_id, item.key, "unanimous", reviewer, gold_relation.id)
                )
            elif isinstance(item, DocumentItem):
                first_labels = next(d for d in item.labels.values() if d is not None)
                gold_document = _gold_document(first_labels, item, "unanimous", reviewer, schema)
                decide_document(
                    store,
                    Decision(item.article_id, DOCUMENT_ITEM, "unanimous", reviewer),
                    gold_document,
                )
            else:
                first = item_passages(item)[0]
                gold = _gold_from(first, item, "unanimous", reviewer, schema)
                store.decide(
                    Decision(first.article_id, item_key(item), "unanimous", reviewer), gold
                )
            merged += 1
    return merged


def accept(
    store: Store,
    item: ComparisonItem,
    passage: Passage,
    reviewer: str,
    changes: Mapping[str, Any] | None = None,
    schema: LabelSchema | None = None,
) -> Replaced:
    """Accept one version into the gold layer (`edit` when `changes` alter it; a None
    value removes that label). Returns what it replaced, for undo."""
    schema = schema or bundled_schema()
    gold = _gold_from(passage, item, "adjudicated", reviewer, schema, changes)
    verdict = "edit" if gold.labels != passage.labels else "accept"
    decision = Decision(passage.article_id, item_key(item), verdict, reviewer, gold.id)
    return store.decide(decision, gold)


@dataclass(frozen=True)
class DocumentReplaced:
    """A document verdict taken back, and the gold document labels it had set."""

    decision: Decision | None
    gold: GoldDocumentLabels | None


@dataclass(frozen=True)
class RelationReplaced:
    """A relation verdict taken back: the verdict and gold relation it had set, and the
    verdicts on its ends' passage items given along with it (item key, what each
    replaced), undone and redone with it."""

    decision: Decision | None
    gold: GoldRelation | None
    ends: tuple[tuple[str, Replaced], ...] = ()


Taken = Replaced | DocumentReplaced | RelationReplaced


def _take_document(store: Store, article_id: str) -> DocumentReplaced:
    """Remove the document verdict and gold document labels; returns what was removed."""
    with store.transaction():
        previous = store.decision(article_id, DOCUMENT_ITEM)
        found = store.gold_document_labels(article_id)
        if previous is not None:
            store.undo_decision(article_id, DOCUMENT_ITEM)
        if found:
            store.set_gold_document_labels(GoldDocumentLabels(article_id))  # empty: removed
    return DocumentReplaced(previous, found[0] if found else None)


def decide_document(
    store: Store, decision: Decision, gold: GoldDocumentLabels | None = None
) -> DocumentReplaced:
    """Save a verdict on an article's document labels (and the gold document labels it
    sets) in one transaction, replacing an earlier one. Returns what it replaced."""
    with store.transaction():
        replaced = _take_document(store, decision.article_id)
        if gold is not None and gold.labels:
            store.set_gold_document_labels(gold)
        store.decide(decision)
    return replaced


def accept_document(
    store: Store,
    item: DocumentItem,
    annotator: str,
    reviewer: str,
    changes: Mapping[str, Any] | None = None,
    schema: LabelSchema | None = None,
) -> DocumentReplaced:
    """Accept one annotator's document labels into gold (`edit` when `changes` alter
    them). Returns what it replaced, for undo."""
    chosen = item.labels.get(annotator)
    if chosen is None:
        raise ValueError(f"{annotator} gave no document labels on {item.article_id}")
    gold = _gold_document(
        chosen, item, "adjudicated", reviewer, schema or bundled_schema(), changes
    )
    verdict = "edit" if gold.labels != chosen.labels else "accept"
    return decide_document(store, Decision(item.article_id, DOCUMENT_ITEM, verdict, reviewer), gold)


def reject(store: Store, item: ReviewItem, reviewer: str, comment: str | None = None) -> Taken:
    """No gold labels here. Returns what it replaced."""
    decision = Decision(item_article(item), item_key(item), "reject", reviewer, comment=comment)
    if isinstance(item, DocumentItem):
        return decide_document(store, decision)
    if isinstance(item, RelationItem):
        return decide_relation(store, decision)
    return store.decide(decision)


def discuss(store: Store, item: ReviewItem, reviewer: str, comment: str) -> Taken:
    """Mark for discussion: the comment goes on every passage of the item too (a document
    or relation item keeps it on the verdict)."""
    decision = Decision(item_article(item), item_key(item), "discuss", reviewer, comment=comment)
    if isinstance(item, DocumentItem):
        return decide_document(store, decision)
    if isinstance(item, RelationItem):
        return decide_relation(store, decision)
    with store.transaction():
        previous = store.decide(decision)
        for p in item_passages(item):
            store.add_comment(Comment(p.id, reviewer, comment))
    return previous


def restore(store: Store, article_id: str, item: str, replaced: Taken) -> Taken:
    """Undo a decision: put back what it replaced (a verdict and its gold labels, or
    nothing). Returns what the undo took away, so it can be redone the same way."""
    if is_relation_key(item):
        assert isinstance(replaced, RelationReplaced)
        return _restore_relation(store, article_id, item, replaced)
    if item == DOCUMENT_ITEM:
        assert isinstance(replaced, DocumentReplaced)
        with store.transaction():
            current = _take_document(store, article_id)
            if replaced.decision is not None:
                decide_document(store, replaced.decision, replaced.gold)
        return current
    assert isinstance(replaced, Replaced)
    return _restore_passage(store, article_id, item, replaced)


def _take_relation(store: Store, article_id: str, key: str) -> RelationReplaced:
    """Remove a relation item's verdict and its gold relation; returns what was removed."""
    with store.transaction():
        previous = store.decision(article_id, key)
        gold = None
        if previous is not None:
            if previous.gold_id:
                found = [g for g in store.gold_relations(article_id) if g.id == previous.gold_id]
                if found:
                    gold = found[0]
                    store.delete_gold_relation(gold.id)
            store.undo_decision(article_id, key)
    return RelationReplaced(previous, gold)


def decide_relation(store: Store, decision: Decision) -> RelationReplaced:
    """Save a verdict that puts nothing into gold (reject, discuss) on a relation item,
    replacing an earlier one and its gold relation. Returns what it replaced."""
    with store.transaction():
        replaced = _take_relation(store, decision.article_id, decision.item)
        store.decide(decision)
    return replaced


def _gold_of(store: Store, article_id: str, passage_id: str) -> str | None:
    """The gold passage an annotator's passage went into (by its sources), if any."""
    for g in store.gold_passages(article_id):
        if passage_id in g.sources:
            return g.id
    return None


def _gold_relation(
    store: Store, item: RelationItem, relation: Relation, origin: str, reviewer: str
) -> GoldRelation:
    """A gold relation from one annotator's, between the gold passages of its ends."""
    ends = []
    for passage_id in (relation.from_id, relation.to_id):
        gold_id = _gold_of(store, item.article_id, passage_id)
        if gold_id is None:
            raise ReviewError("an end of the relation is not in gold")
        ends.append(gold_id)
    stamp = now_iso()
    return GoldRelation(
        id=str(uuid.uuid4()),
        article_id=item.article_id,
        type=relation.type,
        from_id=ends[0],
        to_id=ends[1],
        labels=relation.labels,
        origin=origin,
        sources=tuple(sorted(r.id for r in item.all_relations)),
        adjudicator=reviewer,
        created_at=stamp,
        updated_at=stamp,
    )


def _end_into_gold(
    store: Store, item: RelationItem, passage: Passage, reviewer: str, schema: LabelSchema
) -> tuple[str, Replaced] | None:
    """Put a relation's end into gold unless its passage is there already: accept that
    passage's version of its passage item. Returns (item key, what it replaced), or None
    when nothing was decided. ReviewError when a reviewer rejected that passage item."""
    if _gold_of(store, item.article_id, passage.id) is not None:
        return None
    review = article_review(store, item.article_id, tuple(item.relations), schema)
    found = next(
        (i for i in review.items if any(p.id == passage.id for p in item_passages(i))), None
    )
    words = f"«{_clip(passage.text)}»"
    if found is None:
        raise ReviewError(f"the relation's end {words} is not a passage of this review")
    decided = review.decision(found)
    if decided is not None and decided.verdict == "reject":
        raise ReviewError(f"the relation's end {words} was rejected: accept a version of it first")
    return item_key(found), accept(store, found, passage, reviewer, schema=schema)


def _clip(text: str, width: int = 24) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def accept_relation(
    store: Store,
    item: RelationItem,
    relation: Relation,
    reviewer: str,
    schema: LabelSchema | None = None,
) -> RelationReplaced:
    """Accept one annotator's relation into gold with its ends: each end maps to the gold
    passage its passage went into, or that passage's version is accepted now (in the same
    transaction, undone with it). Returns what it replaced, for undo; ReviewError (saving
    nothing) when an end's passage item was rejected."""
    schema = schema or bundled_schema()
    with store.transaction():
        taken = _take_relation(store, item.article_id, item.key)
        ends = tuple(
            decided
            for passage in (item.source_of(relation), item.target_of(relation))
            if (decided := _end_into_gold(store, item, passage, reviewer, schema)) is not None
        )
        gold = _gold_relation(store, item, relation, "adjudicated", reviewer)
        store.add_gold_relation(gold)
        store.decide(Decision(item.article_id, item.key, "accept", reviewer, gold.id))
    return RelationReplaced(taken.decision, taken.gold, ends)


def _restore_passage(store: Store, article_id: str, item: str, replaced: Replaced) -> Replaced:
    """Put a passage item's verdict back as it was; returns what that took away."""
    with store.transaction():
        taken = store.undo_decision(article_id, item)
        if replaced.decision is not None:
            store.decide(replaced.decision, replaced.gold)
    return taken


def _restore_relation(
    store: Store, article_id: str, key: str, replaced: RelationReplaced
) -> RelationReplaced:
    with store.transaction():
        taken = _take_relation(store, article_id, key)
        ends = tuple(
            (end, _restore_passage(store, article_id, end, before)) for end, before in replaced.ends
        )
        if replaced.decision is not None:
            if replaced.gold is not None:
                store.add_gold_relation(replaced.gold)
            store.decide(replaced.decision)
    return RelationReplaced(taken.decision, taken.gold, ends)


@dataclass(frozen=True)
class DecisionChange:
    """A saved verdict as an undoable change (`annotations.history`)."""

    article_id: str
    item: str
    replaced: Taken  # what the verdict replaced: put back on undo

    def revert(self, store: Store, by: str, action: str) -> DecisionChange:
        return DecisionChange(
            self.article_id, self.item, restore(store, self.article_id, self.item, self.replaced)
        )


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
        if is_relation_key(d.item) or d.item == DOCUMENT_ITEM:
            continue  # keys of passage ids only
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
