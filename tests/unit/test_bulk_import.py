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


def test_make_article_utf8_reuses_the_raw_utf8_only_when_the_text_is_unchanged() -> None:
    plain = "قال الوزير إن الاتفاق نهائي.\n"
    article, utf8 = make_article_utf8(plain, raw_utf8=plain.encode("utf-8"))
    assert utf8 == article.text.encode("utf-8") and article.id == article_id(plain)
    # CRLF and a decomposed letter change in normalizing: the raw bytes are not the text's
    changed = "e\u0301\r\nقال\n"
    article, utf8 = make_article_utf8(changed, raw_utf8=changed.encode("utf-8"))
    assert article.text == "\u00e9\nقال\n"
    assert utf8 == article.text.encode("utf-8") and article.id == article_id(article.text)


SURROGATE = "a lone surrogate \\ud800 (half of a UTF-16 pair, not a character)"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        # the first field in the line's order is named, the text or another
        ('{"title": "\\ud800", "text": "نص \\ud800"}', f"field 'title': {SURROGATE}"),
        ('{"text": "نص \\ud800", "title": "\\ud800"}', f"field 'text': {SURROGATE}"),
        ('{"text": "نص", "x": 1, "title": "\\ud800"}', f"field 'title': {SURROGATE}"),
        # the surrogate is found before the other field checks, as before
        ('{"text": "نص \\ud800", "title": 3}', f"field 'text': {SURROGATE}"),
        ('{"text": "نص", "title": 3, "m": ["\\ud800"]}', f"field 'm[0]': {SURROGATE}"),
        ('{"text": ["\\ud800"]}', f"field 'text[0]': {SURROGATE}"),
        ('{"text": "نص", "\\ud800": 1}', "field '[\"\\ud800\"]': the key holds " + SURROGATE),
        ('{"text": "نص", "title": 3}', "field 'title' is not a string"),
        ('{"text": 3}', "field 'text' is not a string"),
    ],
)
def test_a_lone_surrogate_is_named_in_the_lines_order(
    tmp_path: Path, line: str, message: str
) -> None:
    source = tmp_path / "s.jsonl"
    source.write_text(line + "\n" + json.dumps({"text": "سليم"}) + "\n", encoding="utf-8")
    with Store(tmp_path / "h.db") as store:
        report = import_paths(store, [str(source)])
        assert report.rejected == [f"{source}:1: {message}"]
        assert len(report.imported) == 1
