"""Bulk article import: texts handed to SQLite as the UTF-8 bytes already made for the id,
the progress callback throttled."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotations import importer
from annotations.articles import article_id, make_article, make_article_utf8
from annotations.importer import import_paths
from annotations.store import Store

# Arabic with diacritics, an emoji (outside the BMP), a NUL-free control and CRLF.
TEXT = "قالَ الوزيرُ إنّ الاتفاقَ «نهائيّ» 🙂\r\nالفقرة الثانية\u200f هنا.\n"


def _write_jsonl(path: Path, texts: list[str]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for text in texts:
            out.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    return path


def test_make_article_utf8_is_the_stored_text_encoded() -> None:
    article, utf8 = make_article_utf8(TEXT)
    assert utf8 == article.text.encode("utf-8")
    assert article.id == article_id(article.text)
    assert article == make_article(TEXT, imported_at=article.imported_at)


def _stored(db: Path) -> list[tuple[str, str, int]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute("SELECT typeof(text), text, length(text) FROM articles"))
    finally:
        conn.close()


def test_imported_text_is_stored_as_text_in_code_points(tmp_path: Path) -> None:
    source = _write_jsonl(tmp_path / "a.jsonl", [TEXT, TEXT + "ثالثة\n"])
    with Store(tmp_path / "h.db") as store:
        report = import_paths(store, [str(source)])
        assert len(report.imported) == 2
        got = store.get_article(report.imported[0])
        assert got is not None and got.text == make_article(TEXT).text
        # SQL sees text, not a blob: LIKE and length in characters work on it
        (hits,) = store.conn.execute(
            "SELECT count(*) FROM articles WHERE text LIKE ?", ("%الفقرة الثانية%",)
        ).fetchone()
        assert hits == 2
    for kind, text, length in _stored(tmp_path / "h.db"):
        assert kind == "text"
        assert length == len(text)
    # importing again finds both present (the stored text compares equal to the new one)
    with Store(tmp_path / "h.db") as store:
        again = import_paths(store, [str(source)])
        assert not again.imported and len(again.present) == 2


def test_a_utf16_database_gets_the_text_not_reinterpreted_bytes(tmp_path: Path) -> None:
    db = tmp_path / "utf16.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA encoding = 'UTF-16le'")
    conn.execute("CREATE TABLE t (x)")  # the encoding is fixed when the file is first written
    conn.execute("DROP TABLE t")
    conn.commit()
    conn.close()
    source = _write_jsonl(tmp_path / "a.jsonl", [TEXT])
    with Store(db) as store:
        assert store.conn.execute("PRAGMA encoding").fetchone()[0].upper().startswith("UTF-16")
        report = import_paths(store, [str(source)])
        got = store.get_article(report.imported[0])
        assert got is not None and got.text == make_article(TEXT).text


def test_add_articles_refuses_a_utf8_list_of_another_length(tmp_path: Path) -> None:
    a, _ = make_article_utf8(TEXT)
    with Store(tmp_path / "h.db") as store, pytest.raises(ValueError):
        store.add_articles([a], utf8=[])


def test_progress_is_throttled_and_adds_up_to_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _write_jsonl(tmp_path / "a.jsonl", [f"مقال رقم {i}\n" for i in range(500)])
    calls: list[int] = []
    now = [100.0]
    monkeypatch.setattr(importer.time, "monotonic", lambda: now[0])

    def progress(n: int) -> None:
        calls.append(n)
        now[0] += 0.01  # a redraw takes time; the clock moves on meanwhile

    with Store(tmp_path / "h.db") as store:
        report = import_paths(store, [str(source)], progress=progress)
    assert len(report.imported) == 500
    assert sum(calls) == source.stat().st_size
    assert len(calls) == 1  # the clock stood still while reading: one redraw, at the end


def test_progress_is_called_again_once_the_interval_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _write_jsonl(tmp_path / "a.jsonl", [f"مقال رقم {i}\n" for i in range(10)])
    now = [0.0]

    def tick() -> float:
        now[0] += importer.PROGRESS_EVERY / 2  # two lines per interval
        return now[0]

    monkeypatch.setattr(importer.time, "monotonic", tick)
    calls: list[int] = []
    with Store(tmp_path / "h.db") as store:
        import_paths(store, [str(source)], progress=calls.append)
    assert sum(calls) == source.stat().st_size
    assert 3 <= len(calls) <= 7
