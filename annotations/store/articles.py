"""Articles: import in bulk, look up, list in import order."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from annotations.faults import StoreError
from annotations.models import (
    Article,
)
from annotations.store.connection import StoreCore


@dataclass(frozen=True)
class ArticleSummary:
    """An article as the list shows it (no text)."""

    id: str
    title: str
    source: str
    published: str | None
    n_chars: int
    n_paragraphs: int
    imported_at: str


def _spans_json(spans: Sequence[Sequence[int]]) -> str:
    """`json.dumps(spans, separators=(",", ":"))` of (start, end) pairs, in a third less time."""
    return "[" + ",".join([f"[{start},{end}]" for start, end in spans]) + "]"


def _article_from_row(row: dict[str, Any]) -> Article:
    return Article(
        id=row["id"],
        title=row["title"],
        source=row["source"],
        text=row["text"],
        paragraphs=tuple((int(s), int(e)) for s, e in json.loads(row["paragraphs"])),
        published=row["published"],
        origin=row["origin"],
        imported_at=row["imported_at"],
        metadata=json.loads(row["metadata"] or "{}"),
    )


class ArticleQueries(StoreCore):
    def add_articles(self, articles: Iterable[Article]) -> list[bool]:
        """Insert articles not yet present; returns, per article, whether it was new."""
        batch = list(articles)
        with self.transaction() as conn:
            present = self._present_ids([a.id for a in batch])
            added: list[bool] = []
            rows = []
            for a in batch:
                new = a.id not in present
                added.append(new)
                if new:
                    present.add(a.id)
                    rows.append(
                        (
                            a.id,
                            a.title,
                            a.source,
                            a.published,
                            a.origin,
                            a.text,
                            _spans_json(a.paragraphs),
                            len(a.text),
                            len(a.paragraphs),
                            a.imported_at,
                            json.dumps(a.metadata, ensure_ascii=False, sort_keys=True)
                            if a.metadata
                            else "{}",
                        )
                    )
            conn.executemany(
                "INSERT INTO articles (id, title, source, published, origin, text,"
                " paragraphs, n_chars, n_paragraphs, imported_at, metadata)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return added

    def _present_ids(self, ids: list[str]) -> set[str]:
        present: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id FROM articles WHERE id IN ({marks})"
            present.update(r[0] for r in self.conn.execute(sql, chunk))
        return present

    def article_texts(self, ids: Sequence[str]) -> dict[str, str]:
        """The stored text of each of these ids that is in the database."""
        texts: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, text FROM articles WHERE id IN ({marks})"
            texts.update(self.conn.execute(sql, chunk))
        return texts

    def article_export_row(self, article_id: str) -> tuple[Any, ...] | None:
        """(id, title, source, published, origin, text, metadata JSON) of one article, as
        an export line carries it, or None."""
        row = self.conn.execute(
            "SELECT id, title, source, published, origin, text, metadata FROM articles"
            " WHERE id = ?",
            (article_id,),
        ).fetchone()
        return None if row is None else tuple(row)

    def article_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def has_articles(self) -> bool:
        """Any article at all (without counting them: a count reads a whole index)."""
        return self.conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None

    def has_article(self, article_id: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def get_article(self, id_or_prefix: str) -> Article | None:
        """The article with this id, or the only one whose id starts with it."""
        rows = self._dicts("SELECT * FROM articles WHERE id = ?", [id_or_prefix])
        if not rows and id_or_prefix:
            rows = self._dicts(
                "SELECT * FROM articles WHERE id >= ? AND id < ? LIMIT 2",
                [id_or_prefix, id_or_prefix + "\uffff"],
            )
            if len(rows) > 1:
                raise StoreError(f"article id prefix '{id_or_prefix}' is ambiguous")
        return _article_from_row(rows[0]) if rows else None

    def article_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY rowid")]

    def list_articles(self, limit: int | None = None, offset: int = 0) -> list[ArticleSummary]:
        """Articles in import order (no text)."""
        return list(self.iter_articles(limit, offset))

    def iter_articles(self, limit: int | None = None, offset: int = 0) -> Iterator[ArticleSummary]:
        """Articles in import order (no text), read one at a time as they are consumed."""
        sql = (
            "SELECT id, title, source, published, n_chars, n_paragraphs, imported_at"
            " FROM articles ORDER BY rowid"
        )
        params: Sequence[Any] = ()
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = (limit, offset)
        cursor = self.conn.execute(sql, params)
        try:
            for row in cursor:
                yield ArticleSummary(*row)
        finally:
            cursor.close()
