"""`faults.stream`: a cursor's rows in chunks, every row once, faults still StoreErrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.articles import make_article
from annotations.faults import stream
from annotations.store import Store, StoreError

LONG = "نص طويل عن الأخبار في بغداد والأنبار. " * 200


def test_every_row_once_in_order_across_chunks(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db") as store:
        store.add_articles([make_article(f"مقال رقم {i}\n") for i in range(7)])
        expected = store.article_ids()
        got = [row[0] for row in stream(store.conn.execute(_IDS), size=3)]
        assert got == expected and len(got) == 7
        assert list(stream(store.conn.execute(_IDS + " LIMIT 0"), size=3)) == []


_IDS = "SELECT id FROM articles ORDER BY rowid"


def test_a_fault_while_rows_are_read_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    with Store(path) as store:
        store.add_articles([make_article("نص قصير.\n"), make_article(f"{LONG}\n")])
    size = path.stat().st_size
    with path.open("r+b") as f:  # the long article's last pages: the schema stays
        f.seek(size - 3 * 4096)
        f.write(b"\xa5" * 3 * 4096)
    with Store(path) as damaged, pytest.raises(StoreError) as caught:
        for _ in stream(damaged.conn.execute("SELECT id, length(text) FROM articles"), size=1):
            pass
    assert caught.value.kind == "corrupt"
