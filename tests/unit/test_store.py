"""The store: migrations, stable ids, idempotent import, transactions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotations.articles import make_article
from annotations.importer import import_paths
from annotations.store import MIGRATIONS, Store, StoreError


def test_migrations_from_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Store(path) as store:
        assert store.version == len(MIGRATIONS)
        tables = set(store.db.table_names())
        assert {"articles", "passages", "audit", "actors", "article_status"} <= tables
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # Reopening applies nothing twice.
    with Store(path) as store:
        assert store.version == len(MIGRATIONS)


def test_newer_database_is_refused_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this Hashiya"):
        Store(path)


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a Hashiya database"):
        Store(path)


def test_ids_agree_across_databases(tmp_path: Path, seeds_dir: Path) -> None:
    files = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        import_paths(a, files)
        import_paths(b, list(reversed(files)))
        assert sorted(a.article_ids()) == sorted(b.article_ids())
        assert len(a.article_ids()) == 5


def test_reimport_is_a_noop(tmp_path: Path, seeds_dir: Path) -> None:
    files = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    with Store(tmp_path / "a.db") as store:
        first = import_paths(store, files)
        second = import_paths(store, files)
        assert len(first.imported) == 5 and not first.present
        assert not second.imported and len(second.present) == 5
        assert store.article_count() == 5 and store.has_articles()


def test_stored_article_round_trips(tmp_path: Path) -> None:
    article = make_article("عنوان\r\n\r\nنص فيه 2024 وGoogle.\n", metadata={"k": "v"})
    with Store(tmp_path / "a.db") as store:
        store.add_articles([article])
        got = store.get_article(article.id[:6])
    assert got is not None
    assert got.text == "عنوان\n\nنص فيه 2024 وGoogle.\n"
    assert got.paragraphs == article.paragraphs
    assert got.metadata == {"k": "v"}


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.add_articles([make_article("نص أول\n")])
            raise RuntimeError("boom")
        assert store.article_count() == 0
        assert not store.has_articles()
