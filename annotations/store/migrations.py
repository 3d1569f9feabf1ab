"""The schema's history: numbered migrations, each an SQL script or a function.

A migration's position in MIGRATIONS + 1 is the version (`PRAGMA user_version`) it makes;
`StoreCore.migrate` applies the missing ones, each in its own write transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

from annotations.faults import StoreError
from annotations.search.index import SEARCH_SCHEMA_SQL
from annotations.store.labels import labels_json

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

# Labels become data: each passage's (and gold passage's) attribute values move from the
# fixed columns actor/stance/target/claim_type/note into one JSON object, `labels`
# (null columns left out: absent = not labelled), and the fixed columns are dropped.
# Labels on whole articles get their own tables, per annotator and for the gold layer;
# their changes are audited as passages' are. A function rather than a script: the JSON
# is written by the same encoder as the store's (annotations/store/labels.py), and a
# table that has `labels` already (a version set back) is left as it is.
LEGACY_COLUMNS = ("actor", "stance", "target", "claim_type", "note")
M7_DOCUMENT_TABLES = """
        CREATE TABLE IF NOT EXISTS document_labels (
            article_id TEXT NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL,
            labels TEXT NOT NULL DEFAULT '{}',
            schema_name TEXT NOT NULL DEFAULT '',
            schema_version TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator)
        );
        CREATE TABLE IF NOT EXISTS gold_document_labels (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            labels TEXT NOT NULL DEFAULT '{}',
            origin TEXT NOT NULL CHECK (origin IN ('unanimous', 'adjudicated')),
            sources TEXT NOT NULL DEFAULT '[]',   -- JSON: the annotators it came from
            adjudicator TEXT NOT NULL,
            schema_name TEXT NOT NULL DEFAULT '',
            schema_version TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS document_audit (
            id INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL,
            annotator TEXT NOT NULL,       -- whose labels (the layer)
            action TEXT NOT NULL,          -- create | update | delete
            by TEXT NOT NULL,
            at TEXT NOT NULL,
            before TEXT,                   -- JSON of the row before, NULL on create
            after TEXT                     -- JSON of the row after, NULL on delete
        );
        CREATE INDEX IF NOT EXISTS document_audit_article ON document_audit(article_id, annotator);
"""


def m7_labels(conn: sqlite3.Connection) -> None:
    """Migration 7: passage labels as JSON, document label tables."""

    def legacy_labels(*values: str | None) -> str:
        return labels_json(dict(zip(LEGACY_COLUMNS, values, strict=True)))

    conn.create_function("hashiya_legacy_labels", len(LEGACY_COLUMNS), legacy_labels)
    for table in ("passages", "gold_passages"):
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if "labels" not in columns:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN labels TEXT NOT NULL DEFAULT '{{}}'")
        if not set(LEGACY_COLUMNS) <= columns:
            continue
        quoted = ", ".join(f'"{c}"' for c in LEGACY_COLUMNS)
        conn.execute(f"UPDATE {table} SET labels = hashiya_legacy_labels({quoted})")
        if sqlite3.sqlite_version_info < (3, 35, 0):
            raise StoreError(
                f"SQLite {sqlite3.sqlite_version} cannot drop columns; 3.35 or later is needed"
            )
        for column in LEGACY_COLUMNS:
            conn.execute(f'ALTER TABLE {table} DROP COLUMN "{column}"')
    for statement in statements(M7_DOCUMENT_TABLES):
        conn.execute(statement)


# Suggestions (annotations/suggest): passages proposed by a suggester, apart from the
# annotators' own until accepted. One row per (span, labels, annotator); `annotator` NULL
# is an offer to everyone, and an annotator's decision on it is a row of their own. The
# audit names the suggester a passage came from (`suggested_by`).
M8_SUGGESTIONS = """
        CREATE TABLE IF NOT EXISTS suggestions (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            labels TEXT NOT NULL DEFAULT '{}',
            source TEXT NOT NULL,          -- actors | cues | quotes | propagation | gold | a plugin
            score REAL,                    -- a model's confidence, NULL for the built-in ones
            reason TEXT NOT NULL DEFAULT '',
            annotator TEXT,                -- whom it is for; NULL: everyone
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'accepted', 'rejected')),
            passage_id TEXT,               -- the passage it became
            decided_at TEXT,
            created_at TEXT NOT NULL,
            CHECK (start >= 0 AND start < "end")
        );
        CREATE UNIQUE INDEX IF NOT EXISTS suggestions_offer
            ON suggestions(article_id, start, "end", labels, coalesce(annotator, ''));
        CREATE INDEX IF NOT EXISTS suggestions_article ON suggestions(article_id, status, start);
"""


def m8_suggestions(conn: sqlite3.Connection) -> None:
    """Migration 8: the suggestions table, and `audit.suggested_by`."""
    for statement in statements(M8_SUGGESTIONS):
        conn.execute(statement)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(audit)")}
    if "suggested_by" not in columns:
        conn.execute("ALTER TABLE audit ADD COLUMN suggested_by TEXT")


# Kinds and relations: each passage (and gold passage) is of a kind of the schema ("" the
# default, so every passage made before keeps its meaning), and relations link two
# passages of one article and annotator (gold relations two gold passages). A relation
# goes with its ends: ON DELETE CASCADE is the net under `delete_passage`, which deletes
# them first with their audit rows. Whether the kinds suit the relation type is the
# schema's to say (annotations/relations.py), not SQL's.
M9_RELATIONS = """
        CREATE TABLE IF NOT EXISTS relations (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL,
            type TEXT NOT NULL,
            from_id TEXT NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            to_id TEXT NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            labels TEXT NOT NULL DEFAULT '{}',
            schema_name TEXT NOT NULL DEFAULT '',
            schema_version TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (from_id != to_id)
        );
        CREATE INDEX IF NOT EXISTS relations_article ON relations(article_id, annotator);
        CREATE UNIQUE INDEX IF NOT EXISTS relations_link ON relations(from_id, to_id, type);
        CREATE INDEX IF NOT EXISTS relations_to ON relations(to_id);
        CREATE TABLE IF NOT EXISTS gold_relations (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id),
            type TEXT NOT NULL,
            from_id TEXT NOT NULL REFERENCES gold_passages(id) ON DELETE CASCADE,
            to_id TEXT NOT NULL REFERENCES gold_passages(id) ON DELETE CASCADE,
            labels TEXT NOT NULL DEFAULT '{}',
            origin TEXT NOT NULL CHECK (origin IN ('unanimous', 'adjudicated')),
            sources TEXT NOT NULL DEFAULT '[]',   -- JSON ids of the relations it came from
            adjudicator TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (from_id != to_id)
        );
        CREATE INDEX IF NOT EXISTS gold_relations_article ON gold_relations(article_id);
        CREATE INDEX IF NOT EXISTS gold_relations_from ON gold_relations(from_id);
        CREATE INDEX IF NOT EXISTS gold_relations_to ON gold_relations(to_id);
        CREATE TABLE IF NOT EXISTS relation_audit (
            id INTEGER PRIMARY KEY,
            relation_id TEXT NOT NULL,
            article_id TEXT NOT NULL,
            annotator TEXT NOT NULL,       -- whose relation (the layer)
            action TEXT NOT NULL,          -- create | update | delete | import (and undo/redo)
            before TEXT,                   -- JSON of the row before, NULL on create
            after TEXT,                    -- JSON of the row after, NULL on delete
            by TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS relation_audit_relation ON relation_audit(relation_id);
"""


def m9_relations(conn: sqlite3.Connection) -> None:
    """Migration 9: `kind` on passages and gold passages, the relation tables."""
    for table in ("passages", "gold_passages"):
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if "kind" not in columns:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN kind TEXT NOT NULL DEFAULT ''")
    for statement in statements(M9_RELATIONS):
        conn.execute(statement)


Migration = str | Callable[[sqlite3.Connection], None]

MIGRATIONS: list[Migration] = [
    M1_ARTICLES,
    M2_PASSAGES,
    M3_REVIEW,
    M4_SEARCH,
    M5_GOLD_NOTES,
    M6_ORDER_INDEXES,
    m7_labels,
    m8_suggestions,
    m9_relations,
]


def apply(conn: sqlite3.Connection, migration: Migration) -> None:
    """Run one migration on `conn` (inside the caller's transaction)."""
    if callable(migration):
        migration(conn)
        return
    for statement in statements(migration):
        conn.execute(statement)


def statements(script: str) -> Iterator[str]:
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
