"""Store.catalog_ids: every sort and filter against a plain Python model of the list."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.store import SORT_KEYS, CatalogQuery, Store
from tests.support.corpus import two_annotator_db


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with two_annotator_db(tmp_path / "h.db") as store:
        ids = store.article_ids()
        store.set_status(ids[0], "sara", "in_progress")
        store.set_status(ids[1], "sara", "todo")  # an explicit todo row
        store.set_status(ids[2], "omar", "done")  # someone else's status
        yield store


def model(store: Store, q: CatalogQuery) -> list[str]:
    rows = []
    for rowid, article_id, title, source, published, imported_at, n_chars in store.conn.execute(
        "SELECT rowid, id, title, source, published, imported_at, n_chars FROM articles"
    ):
        status = store.status(article_id, q.annotator)
        annotators = store.annotators(article_id)
        if q.source is not None and source != q.source:
            continue
        if q.status is not None and status != q.status:
            continue
        if q.annotated_by is not None and q.annotated_by not in annotators:
            continue
        if q.ids is not None and article_id not in q.ids:
            continue
        key = {
            "imported": rowid,
            "title": title,
            "source": source,
            "date": published or imported_at,
            "length": n_chars,
            "status": status,
            "passages": len(store.passages(article_id)),
        }[q.sort]
        rows.append((key, rowid, article_id))
    rows.sort(key=lambda r: r[1])  # ties: import order, whichever the direction
    rows.sort(key=lambda r: r[0], reverse=q.descending)
    return [r[2] for r in rows]


def test_every_sort_and_filter_matches_the_model(store: Store) -> None:
    sources = [None, *(s for s, _ in store.sources())]
    ids = store.article_ids()
    for sort, descending, source, status, by, only in itertools.product(
        SORT_KEYS,
        (False, True),
        sources[:2],
        (None, "todo", "in_progress", "done"),
        (None, "sara", "omar", "nobody"),
        (None, (ids[4], ids[0])),
    ):
        q = CatalogQuery("sara", sort, descending, source, status, by, only)
        assert store.catalog_ids(q) == model(store, q), q


def test_statuses_are_the_viewers(store: Store) -> None:
    ids = store.article_ids()
    assert store.catalog_ids(CatalogQuery("sara", status="in_progress")) == [ids[0]]
    assert store.catalog_ids(CatalogQuery("omar", status="done")) == [ids[2]]
    todo = store.catalog_ids(CatalogQuery("sara", status="todo"))
    assert ids[1] in todo and ids[2] in todo and ids[0] not in todo


def test_titles_match_every_word_literally(tmp_path: Path) -> None:
    from annotations.models import Article

    with Store(tmp_path / "t.db") as store:
        titles = ["نسبة 50% من السجناء", "نسبة 50 من السجناء", "a_b c", "axb c"]
        store.add_articles(
            Article(id=f"a{n}", title=t, source="s", text=t, paragraphs=((0, len(t)),))
            for n, t in enumerate(titles)
        )
        assert store.titles_matching(["السجناء", "50%"], 10) == [("a0", "نسبة 50% من السجناء")]
        assert [i for i, _ in store.titles_matching(["a_b"], 10)] == ["a2"]
        assert [i for i, _ in store.titles_matching([], 1)] == ["a0"]
