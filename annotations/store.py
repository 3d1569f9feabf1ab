"""The database. This module owns it: every other module asks the Store.

SQLite through sqlite-utils, in WAL mode with a busy timeout and foreign keys on.
The schema grows by numbered migrations recorded in `PRAGMA user_version`.
Writes go through `Store.transaction()` (BEGIN IMMEDIATE, retried while another
process holds the write lock), so concurrent annotators never see "database is locked".
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from annotations.models import Article

BUSY_TIMEOUT_MS = 30_000


class StoreError(RuntimeError):
    """A database problem worth one line to the user."""


# Each migration is an SQL script; its position + 1 is the version it makes.
M1_ARTICLES = """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            published TEXT,
            origin TEXT,
            text TEXT NOT NULL,
            paragraphs TEXT NOT NULL,      -- JSON [[start, end], ...], code-point offsets
            n_chars INTEGER NOT NULL,
            n_paragraphs INTEGER NOT NULL,
            imported_at TEXT NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}'
        );
        -- no title/source indexes here: each slows every import, and sorting is done elsewhere
"""

M2_PASSAGES = """
        CREATE TABLE actors (              -- actors added by users, beside the schema's
            id TEXT PRIMARY KEY,
            name_ar TEXT NOT NULL DEFAULT '',
            name_en TEXT NOT NULL DEFAULT '',
            aliases TEXT NOT NULL DEFAULT '[]',
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE TABLE passages (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            annotator TEXT NOT NULL,
            actor TEXT,
            stance TEXT,
            target TEXT,
            claim_type TEXT,
            note TEXT,
            schema_name TEXT NOT NULL DEFAULT '',
            schema_version TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (start >= 0 AND start < "end")
        );
        CREATE INDEX passages_article ON passages(article_id, annotator, start);
        CREATE INDEX passages_annotator ON passages(annotator);
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            passage_id TEXT NOT NULL,
            action TEXT NOT NULL,          -- create | update | delete (and undo/redo of them)
            annotator TEXT NOT NULL,
            at TEXT NOT NULL,
            before TEXT,                   -- JSON of the row before, NULL on create
            after TEXT                     -- JSON of the row after, NULL on delete
        );
        CREATE INDEX audit_passage ON audit(passage_id);
        CREATE TABLE article_status (
            article_id TEXT NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done')),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator)
        );
"""

MIGRATIONS: list[str] = [M1_ARTICLES, M2_PASSAGES]


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


class Store:
    """One open database. Create with `Store(path)`; migrations run on open."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path) if str(path) != ":memory:" else Path(":memory:")
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a Hashiya database ({exc})") from None
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._depth = 0
        self.migrate()

    # -- lifecycle -------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Apply the migrations this database has not had, each in its own transaction."""
        current = self.version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: database version {current} is newer than this Hashiya "
                f"({len(MIGRATIONS)}); upgrade Hashiya"
            )
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            # executescript commits any open transaction, so the script carries its own.
            try:
                self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
                )
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise StoreError(f"{self.path}: migration {number} failed: {exc}") from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE), retried while the database is busy.

        Nested calls join the outer transaction. Everything inside commits or nothing does.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        delay = 0.01
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise StoreError(f"{self.path}: database stayed busy for 30 s") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.25)
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self.conn.execute("COMMIT")

    # -- articles --------------------------------------------------------------------

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
                            json.dumps(a.paragraphs, separators=(",", ":")),
                            len(a.text),
                            len(a.paragraphs),
                            a.imported_at,
                            json.dumps(a.metadata, ensure_ascii=False, sort_keys=True),
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

    def article_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def has_article(self, article_id: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def get_article(self, id_or_prefix: str) -> Article | None:
        """The article with this id, or the only one whose id starts with it."""
        rows = list(self.db.query("SELECT * FROM articles WHERE id = ?", [id_or_prefix]))
        if not rows and id_or_prefix:
            rows = list(
                self.db.query(
                    "SELECT * FROM articles WHERE id >= ? AND id < ? LIMIT 2",
                    [id_or_prefix, id_or_prefix + "\uffff"],
                )
            )
            if len(rows) > 1:
                raise StoreError(f"article id prefix '{id_or_prefix}' is ambiguous")
        return _article_from_row(rows[0]) if rows else None

    def article_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY rowid")]

    def list_articles(self, limit: int | None = None, offset: int = 0) -> list[ArticleSummary]:
        """Articles in import order (no text)."""
        sql = (
            "SELECT id, title, source, published, n_chars, n_paragraphs, imported_at"
            " FROM articles ORDER BY rowid"
        )
        params: Sequence[Any] = ()
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = (limit, offset)
        return [ArticleSummary(*row) for row in self.conn.execute(sql, params)]
