"""The order indexes (the last migration): an older database upgrades, orders stay."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import annotations.store as store_module
from annotations.articles import make_article
from annotations.exchange import export_records
from annotations.models import Passage
from annotations.schema import default_schema
from annotations.store import MIGRATIONS, CatalogQuery, Store
from annotations.store.migrations import M6_ORDER_INDEXES

EXPORT_ORDER = 'SELECT id FROM passages ORDER BY article_id, annotator, start, "end", id'
TEXTS = ("قال الوزير إن الاتفاق قريب.", "نفى المتحدث ذلك.", "أعلنت الحكومة خطة جديدة طويلة.")


def _fill(store: Store) -> None:
    articles = [make_article(text, id=f"a{i}") for i, text in enumerate(TEXTS)]
    store.add_articles(articles)
    for i, article in enumerate(articles):
        for who in ("omar", "amal"):
            for start, end in ((5, 9), (0, 4), (0, 3), (5, 9)):
                store.add_passage(
                    Passage(
                        f"p-{i}-{who}-{start}-{end}-{len(store.passages(article.id))}",
                        article.id,
                        start,
                        end,
                        article.text[start:end],
                        who,
                        claim_type="opinion",
                    )
                )


def test_a_database_before_the_indexes_upgrades_and_keeps_its_rows_and_orders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    before = MIGRATIONS.index(M6_ORDER_INDEXES)
    fresh = Store(tmp_path / "fresh.db")  # the same rows, written by this Hashiya
    _fill(fresh)
    with monkeypatch.context() as m:  # the Hashiya before the order indexes
        m.setattr(store_module.migrations, "MIGRATIONS", MIGRATIONS[:before])
        with Store(path) as old:
            assert old.version == before
            old.add_articles([fresh.get_article(i) for i in fresh.article_ids()])  # type: ignore[misc]
            with old.transaction():  # its passages table had a column per attribute
                for p in fresh.all_passages():
                    old.conn.execute(
                        'INSERT INTO passages (id, article_id, start, "end", text, annotator,'
                        " claim_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', '')",
                        (p.id, p.article_id, p.start, p.end, p.text, p.annotator, p.claim_type),
                    )
                    old.conn.execute(
                        "INSERT OR IGNORE INTO article_status VALUES (?, ?, 'in_progress', '')",
                        (p.article_id, p.annotator),
                    )
            before_ids = [r[0] for r in old.conn.execute(EXPORT_ORDER)]

    with Store(path) as store:
        assert store.version == len(MIGRATIONS)
        indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert {"passages_export", "articles_length"} <= indexes
        assert "passages_article" not in indexes
        assert [r[0] for r in store.conn.execute(EXPORT_ORDER)] == before_ids
        assert list(export_records(store, default_schema(), exported_at="t")) == list(
            export_records(fresh, default_schema(), exported_at="t")
        )
        assert store.conn.execute("SELECT count(*) FROM passages").fetchone()[0] == 24


def test_the_export_order_and_the_length_sort_read_an_index_not_a_sort(tmp_path: Path) -> None:
    with Store(tmp_path / "new.db") as store:
        plans = {
            sql: " ".join(r[-1] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            for sql in (
                EXPORT_ORDER.replace("SELECT id", "SELECT *"),
                "SELECT a.id FROM articles a ORDER BY a.n_chars, +a.rowid",
            )
        }
    export_plan, length_plan = plans.values()
    assert "passages_export" in export_plan and "TEMP B-TREE" not in export_plan
    assert "COVERING INDEX articles_length" in length_plan


def test_sort_by_length_is_by_length_then_import_order(tmp_path: Path) -> None:
    texts = ["ب" * 30, "أ" * 10, "ج" * 30, "د" * 20, "ه" * 10]
    with Store(tmp_path / "s.db") as store:
        store.add_articles([make_article(t, id=f"x{i}") for i, t in enumerate(texts)])
        query = CatalogQuery(annotator="omar", sort="length")
        assert store.catalog_ids(query) == ["x1", "x4", "x3", "x0", "x2"]
        assert store.catalog_ids(replace(query, descending=True)) == ["x0", "x2", "x3", "x1", "x4"]
