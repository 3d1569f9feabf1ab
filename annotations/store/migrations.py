"""The schema's history: numbered migrations, each an SQL script.

A migration's position in MIGRATIONS + 1 is the version (`PRAGMA user_version`) it makes;
`StoreCore.migrate` applies the missing ones, each in its own write transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from annotations.search.index import SEARCH_SCHEMA_SQL

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
