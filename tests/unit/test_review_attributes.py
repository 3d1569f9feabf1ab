"""Review on any attribute the schema declares: news-plus's `certainty` and `overall_stance`
with no code per attribute; several values compared as sets; document labels reviewed,
stored as gold with provenance, undone and redone through the review session."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotations.models import DocumentLabels
from annotations.review.compare import (
    DOCUMENT_ITEM,
    compare_article,
    compare_documents,
    compared_attributes,
    reviewed_attributes,
)
from annotations.review.queue import (
    accept,
    article_review,
    merge_unanimous,
    review_queue,
    unanimous_items,
)
from annotations.review.session import ReviewSession
from annotations.schema import Attribute, LabelSchema, load_schema
from annotations.seeds import import_seeds_if_empty
from annotations.store import Store
from tests.support.corpus import SEED_ID, passage_on
from tests.support.passages import passage

NEWS_PLUS = Path(__file__).parents[1] / "data" / "schemas" / "news-plus.yaml"
PHRASE = "تصاعدت التحذيرات المحلية والدولية"
LABELS = {"actor": "isis", "stance": "critical", "claim_type": "warning"}


@pytest.fixture(scope="module")
def plus() -> LabelSchema:
    return load_schema(NEWS_PLUS)


def with_topics(schema: LabelSchema) -> LabelSchema:
    """news-plus with a multi-valued choice attribute `topics` as well."""
    claim = schema.attribute("claim_type")
    assert claim is not None
    topics = Attribute(
        "topics", "choice", "مواضيع", "Topics", values=claim.values[:4], multiple=True
    )
    return replace(schema, attributes=(*schema.attributes, topics))


def test_attributes_come_from_the_schema(plus: LabelSchema) -> None:
    assert [a.id for a in compared_attributes(plus)] == [
        "actor",
        "stance",
        "claim_type",
        "certainty",
    ]
    # target qualifies a stance (when: stance): reviewed; note stands alone: a comment.
    assert reviewed_attributes(plus) == ("actor", "stance", "target", "claim_type", "certainty")
    assert [a.id for a in compared_attributes(plus, "document")] == ["overall_stance"]
    assert reviewed_attributes(plus, "document") == ("overall_stance",)


def test_an_extra_attribute_is_compared(plus: LabelSchema) -> None:
    a = passage("a", 0, 10)
    b = passage("b", 0, 10)
    a = replace(a, labels={**a.labels, "certainty": "certain"})
    b = replace(b, labels={**b.labels, "certainty": "doubtful"})
    (item,) = compare_article([a, b], schema=plus)
    assert item.kind == "attributes_differ" and item.differing == ("certainty",)
    # The bundled schema has no certainty: the same passages agree there.
    (bundled,) = compare_article([a, b])
    assert bundled.kind == "agreement"


def test_several_values_compare_as_sets(plus: LabelSchema) -> None:
    schema = with_topics(plus)
    a = passage("a", 0, 10)
    a = replace(a, labels={**a.labels, "topics": ["warning", "denial"]})
    b = replace(passage("b", 0, 10), labels={**a.labels, "topics": ["denial", "warning"]})
    (item,) = compare_article([a, b], schema=schema)
    assert item.kind == "agreement"
    c = replace(passage("b", 0, 10), labels={**a.labels, "topics": ["warning"]})
    (item,) = compare_article([a, c], schema=schema)
    assert item.differing == ("topics",)


def test_document_items_by_kind(plus: LabelSchema) -> None:
    def doc(who: str, value: str | None) -> DocumentLabels:
        return DocumentLabels("art", who, {"overall_stance": value} if value else {})

    same = compare_documents([doc("a", "critical"), doc("b", "critical")], ["a", "b"], plus)
    assert same is not None and same.kind == "agreement" and same.key == DOCUMENT_ITEM
    differ = compare_documents([doc("a", "critical"), doc("b", "neutral")], ["a", "b"], plus)
    assert differ is not None and differ.kind == "attributes_differ"
    assert differ.differing == ("overall_stance",)
    partial = compare_documents([doc("a", "critical"), doc("b", "critical")], ["a", "b", "c"], plus)
    assert partial is not None and partial.kind == "partial" and partial.missing == ("c",)
    single = compare_documents([doc("a", "critical"), doc("b", None)], ["a", "b"], plus)
    assert single is not None and single.kind == "single" and single.present == ("a",)
    assert compare_documents([], ["a", "b"], plus) is None


def _store(tmp_path: Path, omar: dict[str, str], sara: dict[str, str]) -> Store:
    store = Store(tmp_path / "team.db")
    import_seeds_if_empty(store)
    article = store.get_article(SEED_ID)
    assert article is not None
    store.add_passage(passage_on(article, PHRASE, "omar", **{**LABELS, **omar}))
    store.add_passage(passage_on(article, PHRASE, "sara", **{**LABELS, **sara}))
    return store


def _with_labels(store: Store, annotator: str, labels: dict[str, str]) -> None:
    p = next(p for p in store.passages(SEED_ID) if p.annotator == annotator)
    store.update_passage(replace(p, labels={**p.labels, **labels}), by=annotator)


def test_unanimous_merge_keeps_the_extra_attribute(tmp_path: Path, plus: LabelSchema) -> None:
    store = _store(tmp_path, {}, {})
    _with_labels(store, "omar", {"certainty": "likely"})
    _with_labels(store, "sara", {"certainty": "doubtful"})
    assert unanimous_items(store, schema=plus) == []
    (item,) = article_review(store, SEED_ID, schema=plus).items
    assert item.differing == ("certainty",)
    _with_labels(store, "sara", {"certainty": "likely"})
    assert merge_unanimous(store, "lead", schema=plus) == 1
    (gold,) = store.gold_passages(SEED_ID)
    assert gold.labels == {**LABELS, "certainty": "likely"}
    assert gold.origin == "unanimous" and gold.adjudicator == "lead"


def test_accept_with_changes_edits_any_attribute(tmp_path: Path, plus: LabelSchema) -> None:
    store = _store(tmp_path, {}, {"claim_type": "prediction"})
    _with_labels(store, "omar", {"certainty": "likely"})
    (item,) = article_review(store, SEED_ID, schema=plus).items
    omar = item.passages["omar"][0]
    accept(store, item, omar, "lead", {"certainty": "certain", "stance": None}, plus)
    (gold,) = store.gold_passages(SEED_ID)
    assert gold.labels == {"actor": "isis", "claim_type": "warning", "certainty": "certain"}
    assert [d.verdict for d in store.decisions(SEED_ID)] == ["edit"]


def _documents(store: Store, omar: str, sara: str) -> None:
    for who, value in (("omar", omar), ("sara", sara)):
        store.set_document_labels(DocumentLabels(SEED_ID, who, {"overall_stance": value}), by=who)


def test_document_labels_are_an_item_of_the_review(tmp_path: Path, plus: LabelSchema) -> None:
    store = _store(tmp_path, {}, {})
    _documents(store, "critical", "neutral")
    review = article_review(store, SEED_ID, schema=plus)
    assert review.document is not None and review.document.kind == "attributes_differ"
    assert review.n_items == 2 and review.n_disagreements == 1
    assert [item.key for item in review.open_items if item is review.document] == ["document"]
    assert not review.settled
    # The queue puts the article first: half its items disagree.
    assert [r.article_id for r in review_queue(store, plus)] == [SEED_ID]
    # The passage merges unanimously; the document labels need a reviewer.
    assert merge_unanimous(store, "lead", schema=plus) == 1
    assert not article_review(store, SEED_ID, schema=plus).settled


def test_document_accept_undo_redo(tmp_path: Path, plus: LabelSchema) -> None:
    store = _store(tmp_path, {}, {})
    _documents(store, "critical", "neutral")
    session = ReviewSession(store, SEED_ID, "lead", plus)
    document = session.review.document
    assert document is not None
    session.accept_document(document, "sara")
    (gold,) = store.gold_document_labels(SEED_ID)
    assert (gold.labels, gold.origin, gold.sources, gold.adjudicator) == (
        {"overall_stance": "neutral"},
        "adjudicated",
        ("omar", "sara"),
        "lead",
    )
    assert store.decision(SEED_ID, DOCUMENT_ITEM).verdict == "accept"
    # Accepting the other version replaces it; undo puts sara's back, then nothing.
    session.accept_document(document, "omar", {"overall_stance": "mixed"})
    assert store.gold_document_labels(SEED_ID)[0].labels == {"overall_stance": "mixed"}
    assert store.decision(SEED_ID, DOCUMENT_ITEM).verdict == "edit"
    assert session.undo()
    assert store.gold_document_labels(SEED_ID)[0].labels == {"overall_stance": "neutral"}
    assert session.undo()
    assert store.gold_document_labels(SEED_ID) == []
    assert store.decision(SEED_ID, DOCUMENT_ITEM) is None
    assert not session.undo()
    assert session.redo() and session.redo()
    assert store.gold_document_labels(SEED_ID)[0].labels == {"overall_stance": "mixed"}
    assert not session.redo()


def test_document_labels_merge_unanimously(tmp_path: Path, plus: LabelSchema) -> None:
    store = _store(tmp_path, {}, {})
    _documents(store, "critical", "critical")
    assert merge_unanimous(store, "lead", schema=plus) == 2
    (gold,) = store.gold_document_labels(SEED_ID)
    assert (gold.labels, gold.origin, gold.sources, gold.adjudicator) == (
        {"overall_stance": "critical"},
        "unanimous",
        ("omar", "sara"),
        "lead",
    )
    assert store.decision(SEED_ID, DOCUMENT_ITEM).verdict == "unanimous"
    assert article_review(store, SEED_ID, schema=plus).settled


def test_passage_verdicts_undo_through_the_session(tmp_path: Path, plus: LabelSchema) -> None:
    store = _store(tmp_path, {}, {"claim_type": "prediction"})
    session = ReviewSession(store, SEED_ID, "lead", plus)
    (item,) = session.review.items
    session.accept(item, item.passages["sara"][0])
    session.reject(session.review.items[0])
    assert [d.verdict for d in store.decisions(SEED_ID)] == ["reject"]
    assert store.gold_passages(SEED_ID) == []
    assert session.undo()
    (gold,) = store.gold_passages(SEED_ID)
    assert gold.claim_type == "prediction"
    assert session.undo() and store.decisions(SEED_ID) == []
    assert session.redo()
    assert [d.verdict for d in store.decisions(SEED_ID)] == ["accept"]
