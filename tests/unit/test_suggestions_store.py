"""Suggestions in the store: accepted → a passage with its audit naming the suggester;
rejected → never offered again; never counted as annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.exchange import ExportFilter, export_records
from annotations.schema import default_schema
from annotations.store import Store, StoreError
from annotations.suggest import Suggesters, Suggestion
from tests.support.corpus import SEED_ID, two_annotator_db


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return two_annotator_db(tmp_path / "h.db")


def _offer(store: Store, phrase: str = "داعش", **labels: str) -> Suggestion:
    text = store.get_article(SEED_ID).text  # type: ignore[union-attr]
    start = text.index(phrase)
    return Suggestion(
        SEED_ID,
        start,
        start + len(phrase),
        phrase,
        labels or {"actor": "isis"},
        "actors",
        None,
        "name",
    )


def _open_ids(store: Store, annotator: str) -> list[str]:
    return [s.id for s in store.open_suggestions(SEED_ID, annotator)]


def test_accepting_makes_a_passage_with_suggested_by_in_its_audit(store: Store) -> None:
    offer = _offer(store)
    assert store.add_suggestions([offer]) == 1
    passages_before = store.passage_count()
    [stored] = store.open_suggestions(SEED_ID, "sara")
    passage = store.accept_suggestion(stored.id, "sara", schema_name="news", schema_version="1.0")
    assert store.passage_count() == passages_before + 1
    row = store.passage(passage.id)
    assert row is not None
    assert (row.start, row.end, row.text, row.annotator) == (offer.start, offer.end, "داعش", "sara")
    assert dict(row.labels) == {"actor": "isis"}
    [audit] = store.audit_trail(passage.id)
    assert (audit["action"], audit["annotator"], audit["suggested_by"]) == (
        "create",
        "sara",
        "actors",
    )
    # for everyone: sara's decision is her own; omar is still offered it
    assert _open_ids(store, "sara") == []
    assert _open_ids(store, "omar") == [stored.id]
    mine = [s for s in store.suggestions(SEED_ID) if s.annotator == "sara"]
    assert [(s.status, s.passage_id) for s in mine] == [("accepted", passage.id)]


def test_a_rejection_is_remembered(store: Store) -> None:
    offer = _offer(store)
    store.add_suggestions([offer], annotator="sara")
    [stored] = store.open_suggestions(SEED_ID, "sara")
    store.reject_suggestion(stored.id, "sara")
    assert _open_ids(store, "sara") == []
    # suggesting the same span and labels again, from any source, changes nothing
    again = Suggestion(offer.article_id, offer.start, offer.end, offer.text, offer.labels, "gold")
    assert store.add_suggestions([again], annotator="sara") == 0
    assert store.add_suggestions([again]) == 1  # an offer to everyone...
    assert _open_ids(store, "sara") == []  # ...is still not made to sara
    assert len(_open_ids(store, "omar")) == 1
    with pytest.raises(StoreError, match="rejected already"):
        store.reject_suggestion(stored.id, "sara")
    with pytest.raises(StoreError, match="made for sara"):
        store.accept_suggestion(stored.id, "omar")


def test_other_labels_on_the_same_span_are_another_offer(store: Store) -> None:
    store.add_suggestions([_offer(store)], annotator="sara")
    store.reject_suggestion(store.open_suggestions(SEED_ID, "sara")[0].id, "sara")
    other = _offer(store, actor="international_coalition")
    assert store.add_suggestions([other], annotator="sara") == 1


def test_a_span_the_annotator_tagged_is_not_offered(store: Store) -> None:
    omar = {(p.start, p.end) for p in store.passages(SEED_ID, "omar")}
    sara = next(p for p in store.passages(SEED_ID, "sara") if (p.start, p.end) not in omar)
    text = store.get_article(SEED_ID).text  # type: ignore[union-attr]
    offer = Suggestion(
        SEED_ID, sara.start, sara.end, text[sara.start : sara.end], {"actor": "isis"}, "actors"
    )
    store.add_suggestions([offer])
    assert _open_ids(store, "sara") == []
    assert len(_open_ids(store, "omar")) == 1


def test_suggestions_never_count_as_annotations(store: Store) -> None:
    schema = default_schema()

    def exported() -> list[dict[str, object]]:
        lines = [dict(r) for r in export_records(store, schema, ExportFilter())]
        return [{k: v for k, v in line.items() if k != "exported_at"} for line in lines]

    before = exported()
    pairs = store.annotated_pairs()
    counts = store.passage_counts_by_annotator()
    article = store.get_article(SEED_ID)
    assert article is not None
    found = Suggesters(schema).suggest(article)
    assert len(found) > 10
    store.add_suggestions(found)
    store.add_suggestions(found, annotator="nadia")
    assert exported() == before
    assert store.annotated_pairs() == pairs
    assert store.passage_counts_by_annotator() == counts
    assert "nadia" not in store.annotators()


def test_accepting_refuses_a_suggestion_whose_text_moved(store: Store) -> None:
    offer = _offer(store)
    wrong = Suggestion(offer.article_id, offer.start, offer.end, "غير ذلك", offer.labels, "import")
    store.add_suggestions([wrong])
    [stored] = store.open_suggestions(SEED_ID, "sara")
    count = store.passage_count()
    with pytest.raises(StoreError, match="no longer has its text"):
        store.accept_suggestion(stored.id, "sara")
    assert store.passage_count() == count
    assert _open_ids(store, "sara") == [stored.id]  # nothing half-saved
