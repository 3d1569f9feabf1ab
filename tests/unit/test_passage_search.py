"""annotations.search.passages: passages by label, and by words of the quote or note."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.search.passages import search_passages
from annotations.store import Store
from tests.support.corpus import SEED_ID, two_annotator_db


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with two_annotator_db(tmp_path / "h.db") as store:
        yield store


def test_no_query_no_filter_is_every_passage_in_order(store: Store) -> None:
    hits = search_passages(store)
    assert len(hits) == 5
    keys = [(h.passage.start, h.passage.end, h.passage.id) for h in hits]
    assert keys == sorted(keys)  # one article: by offset
    assert all(h.article_title and h.passage.article_id == SEED_ID for h in hits)
    assert {h.passage.schema_name for h in hits} == {"news"}


def test_filters_combine(store: Store) -> None:
    assert len(search_passages(store, actor="isis")) == 2
    assert len(search_passages(store, actor="isis", annotator="omar")) == 1
    assert len(search_passages(store, stance="neutral")) == 2
    [hit] = search_passages(store, claim_type="statistic")
    assert hit.passage.note == "date"
    assert search_passages(store, actor="nobody") == []
    assert len(search_passages(store, article_id=SEED_ID)) == 5


def test_words_in_quote_or_note_all_must_match(store: Store) -> None:
    hits = search_passages(store, "التحالف العراق")
    assert len(hits) == 2
    for hit in hits:
        spans = hit.text_spans
        assert [hit.passage.text[s:e] for s, e in spans] == ["التحالف", "العراق"]
    assert search_passages(store, "التحالف date") == []  # no passage has both
    [dated] = search_passages(store, "DATE")  # case folded, in the note
    assert dated.note_spans == ((0, 4),) and dated.text_spans == ()


def test_spelling_is_folded_and_the_last_word_is_a_prefix(store: Store) -> None:
    assert len(search_passages(store, "اخراج")) == 2  # «إخراج» without hamza
    assert len(search_passages(store, "ايلول")) == 1  # «أيلول»
    assert len(search_passages(store, "التحذير")) == 2  # prefix of «التحذيرات»
    assert search_passages(store, "التحذير", prefix_last=False) == []


def test_paging(store: Store) -> None:
    every = search_passages(store, "")
    assert search_passages(store, "", limit=2) == every[:2]
    assert search_passages(store, "", limit=2, offset=3) == every[3:]
    worded = search_passages(store, "العراق")
    assert search_passages(store, "العراق", limit=1, offset=1) == worded[1:2]
    assert search_passages(store, "", limit=0) == []


@pytest.mark.parametrize("query", ['"', "***", "' OR 1=1 --", "\x1b[2J", "«»", "NEAR(", "(" * 300])
def test_hostile_queries(store: Store, query: str) -> None:
    search_passages(store, query)  # no exception
    assert len(search_passages(store)) == 5
