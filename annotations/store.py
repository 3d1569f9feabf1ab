"""The database. This module owns it: every other module asks the Store.

SQLite through sqlite-utils, in WAL mode with a busy timeout and foreign keys on.
The schema grows by numbered migrations recorded in `PRAGMA user_version`.
Writes go through `Store.transaction()` (BEGIN IMMEDIATE, retried while another
process holds the write lock), so concurrent annotators never see "database is locked".
"""

from __future__ import annotations

import json
import operator
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotations.articles import now_iso
from annotations.faults import StoreError, connect
from annotations.models import (
    PASSAGE_COLUMNS,
    Article,
    AuthoredNote,
    Comment,
    Decision,
    GoldPassage,
    Passage,
)
from annotations.search.index import SEARCH_SCHEMA_SQL, index_articles
from annotations.text import printable

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 30_000

__all__ = ["Store", "StoreError"]


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

M3_REVIEW = """
        CREATE TABLE gold_passages (       -- the adjudicated layer
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            actor TEXT,
            stance TEXT,
            target TEXT,
            claim_type TEXT,
            note TEXT,
            origin TEXT NOT NULL CHECK (origin IN ('unanimous', 'adjudicated')),
            sources TEXT NOT NULL DEFAULT '[]',   -- JSON ids of the passages it came from
            adjudicator TEXT NOT NULL,
            schema_name TEXT NOT NULL DEFAULT '',
            schema_version TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (start >= 0 AND start < "end")
        );
        CREATE INDEX gold_article ON gold_passages(article_id, start);
        CREATE TABLE decisions (           -- one reviewer verdict on one comparison item
            id INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id),
            item TEXT NOT NULL,            -- the item's key: its passage ids, sorted, joined
            verdict TEXT NOT NULL CHECK (verdict IN
                ('accept', 'edit', 'reject', 'discuss', 'unanimous')),
            gold_id TEXT,
            reviewer TEXT NOT NULL,
            comment TEXT,
            at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX decisions_item ON decisions(article_id, item);
        CREATE TABLE comments (            -- short threads on any passage
            id INTEGER PRIMARY KEY,
            passage_id TEXT NOT NULL,
            author TEXT NOT NULL,
            body TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX comments_passage ON comments(passage_id, id);
"""

# The full-text index (annotations/search): built lazily, see Store.ensure_search_index.
M4_SEARCH = ";\n".join(SEARCH_SCHEMA_SQL) + ";"

# Gold keeps each annotator's note with its author (JSON [{"author", "text"}, ...]).
M5_GOLD_NOTES = """
        ALTER TABLE gold_passages ADD COLUMN notes TEXT NOT NULL DEFAULT '[]';
"""

# Indexes that answer two orders by reading an index instead of sorting the table:
# the export's (article, annotator, start, end, id), which is linear then at a million
# passages, and the list by length (n_chars sits after the text, in its overflow pages;
# the index also holds the id the list reads). The export's index starts with the
# columns of passages_article, so it replaces it. (IF [NOT] EXISTS: a database whose
# version was set back, to redo an earlier migration, has them already.)
M6_ORDER_INDEXES = """
        CREATE INDEX IF NOT EXISTS passages_export
            ON passages(article_id, annotator, start, "end", id);
        DROP INDEX IF EXISTS passages_article;
        CREATE INDEX IF NOT EXISTS articles_length ON articles(n_chars, id);
"""

MIGRATIONS: list[str] = [
    M1_ARTICLES,
    M2_PASSAGES,
    M3_REVIEW,
    M4_SEARCH,
    M5_GOLD_NOTES,
    M6_ORDER_INDEXES,
]


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


_PASSAGE_SELECT = "SELECT " + ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS) + " FROM passages"
STATUSES = ("todo", "in_progress", "done")
GOLD_COLUMNS = (
    "id",
    "article_id",
    "start",
    "end",
    "text",
    "actor",
    "stance",
    "target",
    "claim_type",
    "note",
    "origin",
    "sources",
    "adjudicator",
    "schema_name",
    "schema_version",
    "created_at",
    "updated_at",
    "notes",
)
_GOLD_SELECT = "SELECT " + ", ".join(f'"{c}"' for c in GOLD_COLUMNS) + " FROM gold_passages"


def _gold_from_row(row: Sequence[Any]) -> GoldPassage:
    values = list(row)
    values[GOLD_COLUMNS.index("sources")] = tuple(json.loads(values[GOLD_COLUMNS.index("sources")]))
    at = GOLD_COLUMNS.index("notes")
    values[at] = tuple(AuthoredNote(n["author"], n["text"]) for n in json.loads(values[at]))
    return GoldPassage(*values)


def passage_to_dict(p: Passage) -> dict[str, Any]:
    return {c: getattr(p, c) for c in PASSAGE_COLUMNS}


_passage_values = operator.attrgetter(*PASSAGE_COLUMNS)
# A passages row as the audit's JSON object (what passage_to_dict gives, as SQL).
_AUDIT_JSON_OBJECT = "json_object(" + ", ".join(f"'{c}', \"{c}\"" for c in PASSAGE_COLUMNS) + ")"


def _passage_from_row(row: Sequence[Any]) -> Passage:
    return Passage(*row)


@dataclass(frozen=True)
class UserActor:
    """An actor added by a user from the tag dialog (beside the schema's)."""

    id: str
    name_ar: str
    name_en: str
    aliases: tuple[str, ...] = ()
    created_by: str = ""
    created_at: str = ""


@dataclass(frozen=True)
class CatalogRow:
    """One row of the article list: the article and its progress."""

    id: str
    title: str
    source: str
    published: str | None
    n_chars: int
    status: str  # the viewing annotator's: todo | in_progress | done
    my_passages: int
    all_passages: int
    annotators: int
    disagreements: int | None = None  # set by review for articles with 2+ annotators
    review: str = ""  # unreviewed | in_review | settled ("" with fewer than 2 annotators)


SORT_KEYS = {
    "imported": "a.rowid",
    "title": "a.title",
    "source": "a.source",
    "date": "coalesce(a.published, a.imported_at)",
    "length": "a.n_chars",
    "status": "coalesce(s.status, 'todo')",
    "passages": "(SELECT count(*) FROM passages p WHERE p.article_id = a.id)",
}


@dataclass(frozen=True)
class CatalogQuery:
    """What the article list shows: sort order and filters."""

    annotator: str
    sort: str = "imported"
    descending: bool = False
    source: str | None = None
    status: str | None = None  # the viewing annotator's status
    annotated_by: str | None = None  # has passages by this annotator
    ids: tuple[str, ...] | None = None  # restrict to these (search results)


@dataclass(frozen=True)
class Replaced:
    """A decision taken back (and its gold passage), to restore on undo."""

    decision: Decision | None
    gold: GoldPassage | None


def _statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, one by one (trigger bodies kept whole).

    Migrations run statement by statement inside `Store.transaction()`: executescript
    would commit the transaction first.
    """
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if _has_sql(buffer):
                yield buffer
            buffer = ""


def _has_sql(statement: str) -> bool:
    lines = (line.split("--", 1)[0].strip() for line in statement.splitlines())
    return any(line and line != ";" for line in lines)


class Store:
    """One open database. Create with `Store(path)`; migrations run on open."""

    def __init__(self, path: Path | str, *, busy_timeout: float = BUSY_TIMEOUT_MS / 1000) -> None:
        """Open (creating if need be) and migrate; `busy_timeout`: seconds to wait for a
        write lock another process holds before giving up with "database busy"."""
        self.path = Path(path) if str(path) != ":memory:" else Path(":memory:")
        self.busy_timeout = busy_timeout
        if str(self.path) != ":memory:":
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                folder = printable(str(self.path.parent))
                raise StoreError(f"{folder}: cannot create the folder ({exc.strerror})") from None
        conn = connect(self.path, busy_timeout)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            # Switching a new file to WAL can be refused at once while another process
            # opens it too (SQLite's deadlock rule does not wait): retried like BEGIN.
            self._while_busy(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self.conn = conn
            self._depth = 0
            self.migrate()
        except BaseException:
            conn.close()
            raise

    # -- lifecycle -------------------------------------------------------------------

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils on the same connection, for ad-hoc queries and inspection.

        Imported on first use: it costs a fifth of a second at start-up.
        """
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def _dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def data_version(self) -> int:
        """A number that changes when another connection commits (`PRAGMA data_version`).

        Cheap enough to ask every second: it reads no table. This connection's own
        commits do not change it, so a screen is not refreshed by its own saves.
        """
        try:
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot check for changes ({exc})") from None

    def migrate(self) -> None:
        """Apply the migrations this database has not had, each in its own transaction.

        The version is read again inside the write lock: processes started together on
        a new database each find the migrations the others have not applied yet.
        """
        latest = len(MIGRATIONS)
        while (current := self.version) < latest:
            with self.transaction():
                if self.version != current:
                    continue  # another process migrated meanwhile: look again
                number = current + 1
                try:
                    for statement in _statements(MIGRATIONS[current]):
                        self.conn.execute(statement)
                    self.conn.execute(f"PRAGMA user_version = {number}")
                except StoreError as exc:
                    raise StoreError(f"migration {number} failed: {exc}", exc.kind) from exc
        if current > latest:
            raise StoreError(
                f"{printable(str(self.path))}: database version {current} is newer than"
                f" this Hashiya ({latest}); upgrade Hashiya"
            )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE), retried while the database is busy.

        Nested calls join the outer transaction. Everything inside commits or nothing does.
        """
        if self._depth:
            if not self.conn.in_transaction:
                raise self._rolled_back()
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self._while_busy(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        self._depth = 1
        try:
            yield self.conn
            if not self.conn.in_transaction:
                raise self._rolled_back()
            self.conn.execute("COMMIT")
        except BaseException:
            # After disk full or I/O errors SQLite may have rolled back already.
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except StoreError:
                    pass  # the first error is the one worth reporting
            raise
        finally:
            self._depth = 0

    def _while_busy(self, step: Callable[[], object]) -> None:
        """Run `step`, again while it fails with "busy", until the busy timeout has passed.

        SQLite waits out the timeout itself, except where waiting could deadlock: there
        it says "busy" at once, and the step is retried here.
        """
        delay = 0.01
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                step()
                return
            except StoreError as exc:
                if exc.kind != "busy" or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.25)

    def _rolled_back(self) -> StoreError:
        # SQLite rolled the transaction back on an error (disk full, I/O) that the code
        # inside caught: nothing more may run in it, or commit.
        return StoreError(
            f"{printable(str(self.path))}: the change was rolled back; nothing was saved"
        )

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

    def article_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

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

    # -- passages --------------------------------------------------------------------
    # Every change is committed with its audit row in one transaction before returning,
    # so a passage the UI shows as saved survives a crash the next instant.

    def _audit(
        self,
        passage_id: str,
        action: str,
        annotator: str,
        before: Passage | None,
        after: Passage | None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO audit (passage_id, action, annotator, at, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                passage_id,
                action,
                annotator,
                now_iso(),
                None if before is None else json.dumps(passage_to_dict(before), ensure_ascii=False),
                None if after is None else json.dumps(passage_to_dict(after), ensure_ascii=False),
            ),
        )

    def _insert_passage(self, p: Passage) -> None:
        marks = ", ".join("?" * len(PASSAGE_COLUMNS))
        columns = ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS)
        self.conn.execute(
            f"INSERT INTO passages ({columns}) VALUES ({marks})",
            tuple(getattr(p, c) for c in PASSAGE_COLUMNS),
        )

    def add_passage(self, p: Passage, *, by: str | None = None, action: str = "create") -> None:
        """Save a new passage (and mark the article in progress for its annotator)."""
        with self.transaction():
            self._insert_passage(p)
            self._audit(p.id, action, by or p.annotator, None, p)
            self.conn.execute(
                "INSERT OR IGNORE INTO article_status (article_id, annotator, status, updated_at)"
                " VALUES (?, ?, 'in_progress', ?)",
                (p.article_id, p.annotator, now_iso()),
            )

    def add_passages(
        self,
        passages: Sequence[Passage | tuple[Any, ...]],
        *,
        by: str,
        action: str,
        skip_existing: bool = False,
    ) -> list[str]:
        """Save many new passages at once (imports), each with its audit row.

        Each is a Passage or, as bulk imports have them, a tuple of its values in
        PASSAGE_COLUMNS order. With `skip_existing`, a passage whose id is stored already
        is left out (the stored one untouched, no audit row) and the ids left out are
        returned; otherwise such a passage raises StoreError (kind "constraint").
        """
        marks = ", ".join("?" * len(PASSAGE_COLUMNS))
        columns = ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS)
        insert = f"INSERT INTO passages ({columns}) VALUES ({marks})"
        if skip_existing:
            insert += " ON CONFLICT (id) DO NOTHING"  # only the id: CHECKs still apply
        rows = [p if isinstance(p, tuple) else _passage_values(p) for p in passages]
        with self.transaction():
            # New rows get rowids above the largest one now, so the audit rows can be made
            # by SQLite from exactly the rows this call added (json_object: the same value
            # as json.dumps, compact), with no probe of the random-keyed id index per row.
            last = self.conn.execute("SELECT coalesce(max(rowid), 0) FROM passages").fetchone()[0]
            self.conn.executemany(insert, rows)
            audited = self.conn.execute(
                "INSERT INTO audit (passage_id, action, annotator, at, before, after)"
                " SELECT id, ?, coalesce(nullif(?, ''), annotator), ?, NULL,"
                f" {_AUDIT_JSON_OBJECT} FROM passages WHERE rowid > ? ORDER BY rowid",
                (action, by, now_iso(), last),
            ).rowcount
            if audited == len(rows):
                return []
            added = {
                r[0] for r in self.conn.execute("SELECT id FROM passages WHERE rowid > ?", (last,))
            }
        return [row[0] for row in rows if row[0] not in added]

    def update_passage(self, p: Passage, *, by: str | None = None, action: str = "update") -> None:
        """Replace a passage's fields (same id); the audit keeps the version before."""
        with self.transaction():
            before = self.passage(p.id)
            if before is None:
                raise StoreError(f"passage {p.id} does not exist")
            sets = ", ".join(f'"{c}" = ?' for c in PASSAGE_COLUMNS[1:])
            self.conn.execute(
                f"UPDATE passages SET {sets} WHERE id = ?",
                (*(getattr(p, c) for c in PASSAGE_COLUMNS[1:]), p.id),
            )
            self._audit(p.id, action, by or p.annotator, before, p)

    def delete_passage(self, passage_id: str, *, by: str, action: str = "delete") -> Passage:
        """Delete a passage; returns it as it was (the audit keeps it too)."""
        with self.transaction():
            before = self.passage(passage_id)
            if before is None:
                raise StoreError(f"passage {passage_id} does not exist")
            self.conn.execute("DELETE FROM passages WHERE id = ?", (passage_id,))
            self._audit(passage_id, action, by, before, None)
        return before

    def passage(self, passage_id: str) -> Passage | None:
        row = self.conn.execute(_PASSAGE_SELECT + " WHERE id = ?", (passage_id,)).fetchone()
        return None if row is None else _passage_from_row(row)

    def passages(self, article_id: str, annotator: str | None = None) -> list[Passage]:
        """An article's passages (one annotator's, or everyone's), by start, end, id."""
        sql = _PASSAGE_SELECT + " WHERE article_id = ?"
        params: list[Any] = [article_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        sql += ' ORDER BY start, "end", id'
        return [_passage_from_row(r) for r in self.conn.execute(sql, params)]

    def all_passages(self, annotators: Sequence[str] | None = None) -> Iterator[Passage]:
        """Every passage, by article, start, end, id (streamed)."""
        sql = _PASSAGE_SELECT
        params: list[Any] = []
        if annotators:
            sql += f" WHERE annotator IN ({','.join('?' * len(annotators))})"
            params.extend(annotators)
        sql += ' ORDER BY article_id, start, "end", id'
        for row in self.conn.execute(sql, params):
            yield _passage_from_row(row)

    def annotators(self, article_id: str | None = None) -> list[str]:
        sql = "SELECT DISTINCT annotator FROM passages"
        params: list[Any] = []
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params.append(article_id)
        return [r[0] for r in self.conn.execute(sql + " ORDER BY annotator", params)]

    def audit_trail(self, passage_id: str) -> list[dict[str, Any]]:
        return self._dicts(
            "SELECT action, annotator, at, before, after FROM audit WHERE passage_id = ?"
            " ORDER BY id",
            [passage_id],
        )

    def stale_passages(self) -> Iterator[tuple[Passage, str]]:
        """Passages whose quoted text no longer matches the article at their offsets."""
        columns = ", ".join(f'p."{c}"' for c in PASSAGE_COLUMNS)
        sql = (
            f"SELECT {columns}, a.text FROM passages p JOIN articles a ON a.id = p.article_id"
            " ORDER BY p.article_id, p.start"
        )
        for row in self.conn.execute(sql):
            p = _passage_from_row(row[:-1])
            actual = row[-1][p.start : p.end]
            if actual != p.text:
                yield p, actual

    # -- user actors -----------------------------------------------------------------

    def add_actor(self, actor: UserActor) -> bool:
        """Store an actor added by a user; False when the id exists already."""
        with self.transaction():
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO actors (id, name_ar, name_en, aliases, created_by,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    actor.id,
                    actor.name_ar,
                    actor.name_en,
                    json.dumps(list(actor.aliases), ensure_ascii=False),
                    actor.created_by,
                    actor.created_at or now_iso(),
                ),
            )
        return cur.rowcount == 1

    def user_actors(self) -> list[UserActor]:
        rows = self.conn.execute(
            "SELECT id, name_ar, name_en, aliases, created_by, created_at FROM actors ORDER BY id"
        )
        return [UserActor(r[0], r[1], r[2], tuple(json.loads(r[3])), r[4], r[5]) for r in rows]

    # -- per-article status ----------------------------------------------------------

    def set_status(self, article_id: str, annotator: str, status: str) -> None:
        if status not in STATUSES:
            raise StoreError(f"unknown status '{status}' (one of {', '.join(STATUSES)})")
        with self.transaction():
            self.conn.execute(
                "INSERT INTO article_status (article_id, annotator, status, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (article_id, annotator)"
                " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
                (article_id, annotator, status, now_iso()),
            )

    def set_statuses(self, statuses: Sequence[tuple[str, str, str]]) -> None:
        """`set_status` of many (article id, annotator, status), in order, at one time."""
        for _, _, status in statuses:
            if status not in STATUSES:
                raise StoreError(f"unknown status '{status}' (one of {', '.join(STATUSES)})")
        at = now_iso()
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO article_status (article_id, annotator, status, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (article_id, annotator)"
                " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
                [(article_id, annotator, status, at) for article_id, annotator, status in statuses],
            )

    def statuses(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The stored status of each (article id, annotator) pair that has one."""
        if not pairs:
            return {}
        rows = self.conn.execute(
            "SELECT s.article_id, s.annotator, s.status FROM json_each(?) AS p"
            " JOIN article_status AS s ON s.article_id = json_extract(p.value, '$[0]')"
            " AND s.annotator = json_extract(p.value, '$[1]')",
            (json.dumps(pairs, ensure_ascii=False),),
        )
        return {(a, who): status for a, who, status in rows}

    def status(self, article_id: str, annotator: str) -> str:
        row = self.conn.execute(
            "SELECT status FROM article_status WHERE article_id = ? AND annotator = ?",
            (article_id, annotator),
        ).fetchone()
        return row[0] if row else "todo"

    def progress(self, annotator: str) -> dict[str, tuple[str, int]]:
        """Per article id: (this annotator's status, their passage count), where not todo/0."""
        out: dict[str, tuple[str, int]] = {}
        for article_id, status in self.conn.execute(
            "SELECT article_id, status FROM article_status WHERE annotator = ?", (annotator,)
        ):
            out[article_id] = (status, 0)
        for article_id, count in self.conn.execute(
            "SELECT article_id, count(*) FROM passages WHERE annotator = ? GROUP BY article_id",
            (annotator,),
        ):
            out[article_id] = (out.get(article_id, ("todo", 0))[0], count)
        return out

    # -- review: the gold layer, decisions, comments -----------------------------------

    def decide(self, decision: Decision, gold: GoldPassage | None = None) -> Replaced:
        """Save a verdict (and its gold passage) in one transaction, replacing an earlier
        verdict on the same item and its gold passage. Returns what it replaced (for undo)."""
        with self.transaction():
            replaced = self.undo_decision(decision.article_id, decision.item)
            if gold is not None:
                self._insert_gold(gold)
            self.conn.execute(
                "INSERT INTO decisions (article_id, item, verdict, gold_id, reviewer, comment, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    decision.article_id,
                    decision.item,
                    decision.verdict,
                    gold.id if gold is not None else decision.gold_id,
                    decision.reviewer,
                    decision.comment,
                    decision.at or now_iso(),
                ),
            )
        return replaced

    def undo_decision(self, article_id: str, item: str) -> Replaced:
        """Remove the verdict on an item and its gold passage; returns what was removed."""
        with self.transaction():
            previous = self.decision(article_id, item)
            gold = None
            if previous is not None:
                if previous.gold_id:
                    found = [g for g in self.gold_passages(article_id) if g.id == previous.gold_id]
                    gold = found[0] if found else None
                self._drop_decision(previous)
        return Replaced(previous, gold)

    def _drop_decision(self, decision: Decision) -> None:
        if decision.gold_id:
            self.conn.execute("DELETE FROM gold_passages WHERE id = ?", (decision.gold_id,))
        self.conn.execute(
            "DELETE FROM decisions WHERE article_id = ? AND item = ?",
            (decision.article_id, decision.item),
        )

    def _insert_gold(self, g: GoldPassage) -> None:
        values = [getattr(g, c) for c in GOLD_COLUMNS]
        values[GOLD_COLUMNS.index("sources")] = json.dumps(list(g.sources))
        values[GOLD_COLUMNS.index("notes")] = json.dumps(
            [{"author": n.author, "text": n.text} for n in g.notes], ensure_ascii=False
        )
        columns = ", ".join(f'"{c}"' for c in GOLD_COLUMNS)
        marks = ", ".join("?" * len(GOLD_COLUMNS))
        self.conn.execute(f"INSERT INTO gold_passages ({columns}) VALUES ({marks})", values)

    def decision(self, article_id: str, item: str) -> Decision | None:
        row = self.conn.execute(
            "SELECT article_id, item, verdict, reviewer, gold_id, comment, at FROM decisions"
            " WHERE article_id = ? AND item = ?",
            (article_id, item),
        ).fetchone()
        return None if row is None else Decision(*row)

    def decisions(self, article_id: str | None = None) -> list[Decision]:
        sql = "SELECT article_id, item, verdict, reviewer, gold_id, comment, at FROM decisions"
        params: list[Any] = []
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params.append(article_id)
        return [Decision(*r) for r in self.conn.execute(sql + " ORDER BY id", params)]

    def gold_passages(self, article_id: str | None = None) -> list[GoldPassage]:
        sql = _GOLD_SELECT
        params: list[Any] = []
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params.append(article_id)
        sql += ' ORDER BY article_id, start, "end", id'
        return [_gold_from_row(r) for r in self.conn.execute(sql, params)]

    def add_comment(self, comment: Comment) -> int:
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO comments (passage_id, author, body, at) VALUES (?, ?, ?, ?)",
                (comment.passage_id, comment.author, comment.body, comment.at or now_iso()),
            )
        return int(cur.lastrowid or 0)

    def comment_threads(self) -> dict[str, list[Comment]]:
        """Every passage's comments, by passage id, oldest first (for export)."""
        threads: dict[str, list[Comment]] = {}
        rows = self.conn.execute(
            "SELECT passage_id, author, body, at, id FROM comments ORDER BY passage_id, id"
        )
        for row in rows:
            threads.setdefault(row[0], []).append(Comment(*row))
        return threads

    def add_comments(self, comments: Iterable[Comment]) -> int:
        """Add comments not already there (same passage, author, words and time): an
        import of the same file twice adds them once. Returns how many were added."""
        added = 0
        with self.transaction():
            for c in comments:
                cur = self.conn.execute(
                    "INSERT INTO comments (passage_id, author, body, at)"
                    " SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM comments"
                    " WHERE passage_id = ? AND author = ? AND body = ? AND at = ?)",
                    (c.passage_id, c.author, c.body, c.at) * 2,
                )
                added += cur.rowcount
        return added

    def comments(self, passage_id: str) -> list[Comment]:
        rows = self.conn.execute(
            "SELECT passage_id, author, body, at, id FROM comments WHERE passage_id = ?"
            " ORDER BY id",
            (passage_id,),
        )
        return [Comment(*r) for r in rows]

    # -- the article list ------------------------------------------------------------

    def catalog_ids(self, query: CatalogQuery, limit: int | None = None) -> list[str]:
        """Article ids in the list's order, filtered: cheap enough for 100,000 articles.

        An article row holds its text, so reading any column of every row reads the
        whole table (and n_chars and imported_at sit after the text, in its overflow
        pages). The query therefore touches `articles` rows only for what it sorts or
        filters on: the imported order and the status and annotator filters are answered
        from the primary-key index (which holds id and rowid), and article_status is
        joined only to sort by status (bench/bench_list.py).

        With `limit`, only the first ids: what the list's first screen shows.
        """
        first_rows = limit is not None and query.ids is None
        sql, params = self._catalog_from(query, order=True, first_rows=first_rows)
        if first_rows:
            sql += " LIMIT ?"
            params.append(limit)
        ids = [r[0] for r in self.conn.execute(sql, params)]
        if query.ids is not None:
            wanted = set(query.ids)
            ids = [i for i in ids if i in wanted]
            if limit is not None:
                ids = ids[:limit]
        return ids

    def catalog_count(self, query: CatalogQuery) -> int:
        """How many articles `catalog_ids(query)` gives, without reading their ids."""
        if query.ids is not None:
            return len(self.catalog_ids(query))
        sql, params = self._catalog_from(query, order=False)
        return int(self.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])

    def _catalog_from(
        self, query: CatalogQuery, *, order: bool, first_rows: bool = False
    ) -> tuple[str, list[Any]]:
        if query.sort not in SORT_KEYS:
            raise StoreError(f"unknown sort '{query.sort}' (one of {', '.join(SORT_KEYS)})")
        where: list[str] = []
        params: list[Any] = []
        sql = "SELECT a.id FROM articles a"
        if order and query.sort == "status":
            sql += " LEFT JOIN article_status s ON s.article_id = a.id AND s.annotator = ?"
            params.append(query.annotator)
        if query.source is not None:
            where.append("a.source = ?")
            params.append(query.source)
        if query.status == "todo":  # no status row, or one that says todo
            where.append(
                "a.id NOT IN (SELECT article_id FROM article_status"
                " WHERE annotator = ? AND status <> 'todo')"
            )
            params.append(query.annotator)
        elif query.status is not None:
            where.append(
                "a.id IN (SELECT article_id FROM article_status WHERE annotator = ? AND status = ?)"
            )
            params.extend([query.annotator, query.status])
        if query.annotated_by is not None:
            where.append("a.id IN (SELECT article_id FROM passages WHERE annotator = ?)")
            params.append(query.annotated_by)
        if where:
            sql += " WHERE " + " AND ".join(where)
        if order:
            # `+a.rowid` (not an index term): SQLite then scans the small primary-key
            # index and sorts, rather than walking the table in rowid order. For the
            # first rows only, walking the table from its start and stopping is cheaper.
            key = SORT_KEYS[query.sort]
            if query.sort == "imported" and not first_rows:
                key = "+a.rowid"
            sql += f" ORDER BY {key}{' DESC' if query.descending else ''}, +a.rowid"
        return sql, params

    def catalog_rows(self, ids: Sequence[str], annotator: str) -> dict[str, CatalogRow]:
        """The list's rows for these ids (the visible ones)."""
        out: dict[str, CatalogRow] = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            marks = ",".join("?" * len(chunk))
            sql = (
                "SELECT a.id, a.title, a.source, a.published, a.n_chars,"
                " coalesce(s.status, 'todo'),"
                " (SELECT count(*) FROM passages p WHERE p.article_id = a.id AND p.annotator = ?),"
                " (SELECT count(*) FROM passages p WHERE p.article_id = a.id),"
                " (SELECT count(DISTINCT annotator) FROM passages p WHERE p.article_id = a.id)"
                " FROM articles a LEFT JOIN article_status s"
                " ON s.article_id = a.id AND s.annotator = ?"
                f" WHERE a.id IN ({marks})"
            )
            for row in self.conn.execute(sql, [annotator, annotator, *chunk]):
                out[row[0]] = CatalogRow(*row)
        return out

    def sources(self) -> list[tuple[str, int]]:
        """Each source with its number of articles, most first."""
        return list(
            self.conn.execute(
                "SELECT source, count(*) FROM articles GROUP BY source ORDER BY 2 DESC, 1"
            )
        )

    # -- the full-text index -------------------------------------------------------------
    # Import does not index (it would halve its speed); searches first index whatever
    # articles are not indexed yet.

    def unindexed_count(self) -> int:
        return int(
            self.conn.execute(
                "SELECT count(*) FROM articles a"
                " WHERE NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.article_id = a.id)"
            ).fetchone()[0]
        )

    def ensure_search_index(
        self, progress: Callable[[int], None] | None = None, batch: int = 1000
    ) -> int:
        """Index the articles not yet in the search index; returns how many were.

        Articles are visited once, in rowid order, each batch starting after the last one
        seen: the build is linear in the corpus (a batch never rescans what was indexed).
        """
        done = 0
        after = 0
        while True:
            rows = self.conn.execute(
                "SELECT a.rowid, a.id, a.title, a.text FROM articles a"
                " WHERE a.rowid > ?"
                " AND NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.article_id = a.id)"
                " ORDER BY a.rowid LIMIT ?",
                (after, batch),
            ).fetchall()
            if not rows:
                return done
            after = rows[-1][0]
            with self.transaction():
                index_articles(self.conn, (row[1:] for row in rows))
            done += len(rows)
            if progress is not None:
                progress(len(rows))
