"""Database faults reach the user as one StoreError in words, and lose nothing saved.

Each fault is real (tests/support/faults.py says how): a full disk, a read-only file, a
read-only folder, a write lock held past the timeout, a corrupt file.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotations.articles import make_article
from annotations.models import Article, Passage
from annotations.store import MIGRATIONS, Store, StoreError
from tests.support.faults import fill_disk, free_disk, python_unprivileged, write_lock_held

LONG = "نص طويل عن الأخبار في بغداد والأنبار. " * 200  # about 15 KB: needs new pages


def long_article(tag: str = "") -> Article:
    return make_article(f"{LONG}{tag}\n", title="مقال طويل")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "h.db")
    s.add_articles([make_article("نص قصير.\n"), long_article()])
    return s


def a_passage(store: Store, length: int, who: str = "sara") -> Passage:
    article = next(a for a in store.list_articles() if a.n_chars > length)
    text = store.get_article(article.id).text  # type: ignore[union-attr]
    return Passage(
        id=f"p{length}-{who}",
        article_id=article.id,
        start=0,
        end=length,
        text=text[:length],
        annotator=who,
        created_at="t",
        updated_at="t",
    )


def counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("articles", "passages", "audit")
        )


# -- disk full -------------------------------------------------------------------------


def test_disk_full_on_a_passage_is_one_error_and_saves_nothing(store: Store) -> None:
    fill_disk(store.conn)
    before = counts(store.path)
    with pytest.raises(StoreError) as caught:
        store.add_passage(a_passage(store, 3000))
    error = caught.value
    assert error.kind == "full"
    assert (
        str(error) == f"{store.path}: disk full: the database cannot grow; the change was not saved"
    )
    assert error.reason == "disk full: the database cannot grow; the change was not saved"
    # Not the rollback of a transaction SQLite had rolled back already.
    assert "rollback" not in str(error) and not store.conn.in_transaction
    assert counts(store.path) == before
    # The store goes on: a small change fits, and with space again the long one saves.
    store.add_passage(a_passage(store, 3))
    free_disk(store.conn)
    store.add_passage(a_passage(store, 3000))
    assert counts(store.path) == (before[0], before[1] + 2, before[2] + 2)
    assert [r["action"] for r in store.audit_trail("p3000-sara")] == ["create"]


def test_disk_full_on_import_and_on_indexing(store: Store) -> None:
    fill_disk(store.conn)
    with pytest.raises(StoreError, match="disk full") as caught:
        store.add_articles([long_article("another")])
    assert caught.value.kind == "full"
    with pytest.raises(StoreError, match="disk full"):
        store.ensure_search_index()  # the FTS index is written inside a savepoint
    assert not store.conn.in_transaction
    assert store.unindexed_count() == 2
    free_disk(store.conn)
    assert store.ensure_search_index() == 2


def test_disk_full_inside_a_larger_transaction_rolls_all_of_it_back(store: Store) -> None:
    fill_disk(store.conn)
    before = counts(store.path)
    with pytest.raises(StoreError, match="disk full"), store.transaction():
        store.add_passage(a_passage(store, 3))
        store.add_passage(a_passage(store, 3000))
    assert counts(store.path) == before


def test_an_error_caught_inside_a_transaction_still_commits_nothing(store: Store) -> None:
    fill_disk(store.conn)
    before = counts(store.path)
    with pytest.raises(StoreError), store.transaction():
        store.add_passage(a_passage(store, 3))
        try:
            store.add_passage(a_passage(store, 3000))
        except StoreError:
            pass  # a caller that swallows the fault must not commit half a change
        store.add_passage(a_passage(store, 4))
    assert counts(store.path) == before


# -- read-only -------------------------------------------------------------------------

WRITE = """
import sys
from annotations.articles import make_article
from annotations.store import Store, StoreError
try:
    store = Store(sys.argv[1])
    print(store.article_count())
    store.add_articles([make_article("مقال جديد.\\n")])
except StoreError as exc:
    print(exc.kind, exc, sep="\\n")
"""


def test_read_only_file(store: Store) -> None:
    store.close()
    store.path.chmod(0o444)
    out = python_unprivileged(WRITE, str(store.path))
    assert out.stderr == ""
    assert out.stdout.splitlines() == [
        "2",  # reading works
        "readonly",
        f"{store.path}: read-only database: the file cannot be written",
    ]
    assert counts(store.path)[0] == 2


@pytest.mark.parametrize("existing", [True, False], ids=["existing", "new"])
def test_read_only_folder(tmp_path: Path, existing: bool) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "h.db"
    if existing:
        Store(path).close()  # closed: no -wal or -shm file is left
    folder.chmod(0o555)
    try:
        out = python_unprivileged(WRITE, str(path))
    finally:
        folder.chmod(0o755)
    lines = out.stdout.splitlines()
    assert out.stderr == ""
    assert lines[-2:] == [
        "readonly-folder",
        f"{path}: read-only folder: {folder} cannot be written (SQLite keeps its -wal and"
        " -shm files beside the database)",
    ]
    assert "not a Hashiya database" not in out.stdout


# -- busy ------------------------------------------------------------------------------


def test_busy_past_the_timeout(store: Store) -> None:
    store.close()
    with write_lock_held(store.path):
        waiting = Store(store.path, busy_timeout=0.2)  # opening needs no write lock
        with pytest.raises(StoreError) as caught:
            waiting.add_passage(a_passage(waiting, 3))
        assert caught.value.kind == "busy"
        assert str(caught.value) == (
            f"{store.path}: database busy: another process held it for more than 0.2 s; try again"
        )
        assert not waiting.conn.in_transaction
    waiting.add_passage(a_passage(waiting, 3))  # the lock is gone: it saves
    assert counts(store.path)[1:] == (1, 1)


# -- corrupt ---------------------------------------------------------------------------


def test_garbage_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert caught.value.kind == "not-a-database"
    assert str(caught.value) == (
        f"{path}: not a Hashiya database: the file is not SQLite, or is corrupt"
    )


def test_damaged_pages_are_a_corrupt_database(store: Store) -> None:
    store.close()  # checkpointed: every page is in the file
    size = store.path.stat().st_size
    with store.path.open("r+b") as f:
        f.seek(size - 3 * 4096)  # the long article's last pages: the schema stays
        f.write(b"\xa5" * 3 * 4096)
    damaged = Store(store.path)
    with pytest.raises(StoreError) as caught:
        for _ in damaged.conn.execute("SELECT id, length(text) FROM articles"):
            pass  # the error comes while rows are read
    assert caught.value.kind == "corrupt"
    assert str(caught.value).startswith(f"{store.path}: corrupt database: the file is damaged")


# -- messages --------------------------------------------------------------------------


def test_a_newer_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="is newer than this Hashiya"):
        Store(path)


def test_a_constraint_is_a_store_error_too(store: Store) -> None:
    p = a_passage(store, 3)
    store.add_passage(p)
    with pytest.raises(StoreError) as caught:
        store.add_passage(p)
    assert caught.value.kind == "constraint"
    assert "UNIQUE constraint failed: passages.id" in str(caught.value)
    assert json.loads(store.audit_trail(p.id)[0]["after"])["id"] == p.id
