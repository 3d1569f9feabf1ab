"""Passages (each change with its audit row), labels on whole articles, and the actors
users added."""

from __future__ import annotations

import json
import operator
import sqlite3
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from annotations.articles import now_iso
from annotations.faults import StoreError
from annotations.models import (
    PASSAGE_COLUMNS,
    DocumentLabels,
    Passage,
)
from annotations.store.connection import StoreCore
from annotations.store.labels import labels_from_json, labels_json

_PASSAGE_SELECT = "SELECT " + ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS) + " FROM passages"


_LABELS = PASSAGE_COLUMNS.index("labels")
_KIND = PASSAGE_COLUMNS.index("kind")  # the last: Passage takes it by keyword
# The passage columns a native export reads, in this order (`export_passage_rows`).
EXPORT_ROW_COLUMNS = (
    "id",
    "article_id",
    "annotator",
    "start",
    "end",
    "text",
    "labels",
    "created_at",
    "updated_at",
    "kind",
)


def _path(attribute: str) -> str:
    """The JSON path of one attribute in `labels` (quoted: any id is safe)."""
    return '$."' + attribute.replace('"', '""') + '"'


def _label_where(filters: Sequence[tuple[str, Any]], column: str) -> tuple[list[str], list[Any]]:
    """SQL terms for "labels hold this value": equal, or an element of its list."""
    where: list[str] = []
    params: list[Any] = []
    for attribute, value in filters:
        where.append(
            f"(json_extract({column}, ?) = ? OR EXISTS (SELECT 1 FROM json_each({column}, ?)"
            f" WHERE json_type({column}, ?) = 'array' AND value = ?))"
        )
        path = _path(attribute)
        params.extend([path, value, path, path, value])
    return where, params


def _passage_where(
    annotators: Sequence[str], articles: Sequence[str], since: str | None
) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if annotators:
        where.append(f"annotator IN ({','.join('?' * len(annotators))})")
        params.extend(annotators)
    if articles:
        where.append(f"article_id IN ({','.join('?' * len(articles))})")
        params.extend(articles)
    if since:
        where.append("updated_at >= ?")
        params.append(since)
    return (" WHERE " + " AND ".join(where) if where else ""), params


def passage_to_dict(p: Passage) -> dict[str, Any]:
    """A passage as the audit keeps it (JSON-ready: labels as a plain object)."""
    out = {c: getattr(p, c) for c in PASSAGE_COLUMNS}
    out["labels"] = p.labels.to_dict()
    return out


_passage_attributes = operator.attrgetter(*PASSAGE_COLUMNS)


def _passage_values(p: Passage | Sequence[Any]) -> tuple[Any, ...]:
    """A passage's row values, labels as their stored text."""
    values = list(p) if isinstance(p, tuple | list) else list(_passage_attributes(p))
    values[_LABELS] = labels_json(values[_LABELS])
    return tuple(values)


# A passages row as the audit's JSON object (what passage_to_dict gives, as SQL).
_AUDIT_JSON_OBJECT = (
    "json_object("
    + ", ".join(
        f"'{c}', json(\"{c}\")" if c == "labels" else f"'{c}', \"{c}\"" for c in PASSAGE_COLUMNS
    )
    + ")"
)


def passage_from_row(row: Sequence[Any]) -> Passage:
    """The Passage of a row in PASSAGE_COLUMNS order (labels as stored text)."""
    values = list(row)
    values[_LABELS] = labels_from_json(values[_LABELS])
    return Passage(*values[:_KIND], kind=values[_KIND])


@dataclass(frozen=True)
class UserActor:
    """An actor added by a user from the tag dialog (beside the schema's)."""

    id: str
    name_ar: str
    name_en: str
    aliases: tuple[str, ...] = ()
    created_by: str = ""
    created_at: str = ""


class PassageQueries(StoreCore):
    # Every change is committed with its audit row in one transaction before returning,
    # so a passage the UI shows as saved survives a crash the next instant.

    def _audit(
        self,
        passage_id: str,
        action: str,
        annotator: str,
        before: Passage | None,
        after: Passage | None,
        suggested_by: str | None = None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO audit (passage_id, action, annotator, at, before, after, suggested_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                passage_id,
                action,
                annotator,
                now_iso(),
                None if before is None else json.dumps(passage_to_dict(before), ensure_ascii=False),
                None if after is None else json.dumps(passage_to_dict(after), ensure_ascii=False),
                suggested_by,
            ),
        )

    def _insert_passage(self, p: Passage) -> None:
        marks = ", ".join("?" * len(PASSAGE_COLUMNS))
        columns = ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS)
        self.conn.execute(
            f"INSERT INTO passages ({columns}) VALUES ({marks})",
            _passage_values(p),
        )

    def add_passage(
        self,
        p: Passage,
        *,
        by: str | None = None,
        action: str = "create",
        suggested_by: str | None = None,
    ) -> None:
        """Save a new passage (and mark the article in progress for its annotator);
        `suggested_by`: the suggester it was accepted from, kept in the audit row."""
        with self.transaction():
            self._insert_passage(p)
            self._audit(p.id, action, by or p.annotator, None, p, suggested_by)
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
        PASSAGE_COLUMNS order (labels as a mapping, or as stored text). With `skip_existing`, a passage whose id is stored already
        is left out (the stored one untouched, no audit row) and the ids left out are
        returned; otherwise such a passage raises StoreError (kind "constraint").
        """
        marks = ", ".join("?" * len(PASSAGE_COLUMNS))
        columns = ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS)
        insert = f"INSERT INTO passages ({columns}) VALUES ({marks})"
        if skip_existing:
            insert += " ON CONFLICT (id) DO NOTHING"  # only the id: CHECKs still apply
        rows = [_passage_values(p) for p in passages]
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
                f"UPDATE passages SET {sets} WHERE id = ?", (*_passage_values(p)[1:], p.id)
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
        return None if row is None else passage_from_row(row)

    def passages(self, article_id: str, annotator: str | None = None) -> list[Passage]:
        """An article's passages (one annotator's, or everyone's), by start, end, id."""
        sql = _PASSAGE_SELECT + " WHERE article_id = ?"
        params: list[Any] = [article_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        sql += ' ORDER BY start, "end", id'
        return [passage_from_row(r) for r in self.conn.execute(sql, params)]

    def all_passages(self, annotators: Sequence[str] | None = None) -> Iterator[Passage]:
        """Every passage, by article, start, end, id (streamed)."""
        sql = _PASSAGE_SELECT
        params: list[Any] = []
        if annotators:
            sql += f" WHERE annotator IN ({','.join('?' * len(annotators))})"
            params.extend(annotators)
        sql += ' ORDER BY article_id, start, "end", id'
        for row in self.conn.execute(sql, params):
            yield passage_from_row(row)

    def export_passage_rows(
        self,
        annotators: Sequence[str] = (),
        articles: Sequence[str] = (),
        since: str | None = None,
    ) -> sqlite3.Cursor:
        """The rows an export reads, streamed in (article id, annotator, start, end, id)
        order: EXPORT_ROW_COLUMNS, labels as stored text (`labels_from_json` reads it).

        No record per passage: export turns the rows straight into its lines. `since`:
        passages updated at or after it. The caller closes the cursor."""
        columns = ", ".join(f'"{c}"' for c in EXPORT_ROW_COLUMNS)
        where, params = _passage_where(annotators, articles, since)
        sql = f'SELECT {columns} FROM passages{where} ORDER BY article_id, annotator, start, "end", id'
        return self.conn.execute(sql, params)

    def count_passages(
        self,
        annotators: Sequence[str] = (),
        articles: Sequence[str] = (),
        since: str | None = None,
    ) -> int:
        """How many passages `export_passage_rows` with the same filters gives."""
        where, params = _passage_where(annotators, articles, since)
        return int(self.conn.execute(f"SELECT count(*) FROM passages{where}", params).fetchone()[0])

    def annotated_pairs(self) -> set[tuple[str, str]]:
        """Every (article id, annotator) with at least one passage."""
        return set(self.conn.execute("SELECT DISTINCT article_id, annotator FROM passages"))

    def passage_rows(self, ids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
        """The stored rows of those ids that exist (PASSAGE_COLUMNS order, labels as
        stored text), in one query: what an import compares its rows with."""
        if not ids:
            return {}
        columns = ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS)
        rows = self.conn.execute(
            f"SELECT {columns} FROM passages WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        )
        return {row[0]: row for row in rows}

    def passage_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM passages").fetchone()[0])

    def passage_counts_by_annotator(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT annotator, count(*) FROM passages GROUP BY annotator")
        return dict(rows.fetchall())

    def label_value_counts(self, attribute: str) -> dict[Any, int]:
        """Passages per value of one attribute (None: without it); a multi-valued
        attribute counts each of its values."""
        rows = self.conn.execute(
            "SELECT CASE json_type(p.labels, ?) WHEN 'array' THEN v.value"
            " ELSE json_extract(p.labels, ?) END, count(*)"
            " FROM passages p LEFT JOIN json_each(p.labels, ?) v"
            " ON json_type(p.labels, ?) = 'array' GROUP BY 1",
            (_path(attribute),) * 4,
        )
        return dict(rows.fetchall())

    def passage_ids_with_labels(
        self, filters: Sequence[tuple[str, Any]], annotator: str | None = None
    ) -> set[str]:
        """Ids of the passages whose labels hold every (attribute, value) of `filters`
        (a multi-valued attribute: its list contains the value)."""
        where, params = _label_where(filters, "labels")
        if annotator is not None:
            where.append("annotator = ?")
            params.append(annotator)
        sql = "SELECT id FROM passages" + (" WHERE " + " AND ".join(where) if where else "")
        return {row[0] for row in self.conn.execute(sql, params)}

    def search_passage_rows(
        self,
        filters: Sequence[tuple[str, Any]] = (),
        annotator: str | None = None,
        article_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Generator[tuple[Passage, str], None, None]:
        """Passages with these labels, and their article's title, in article import
        order then by offset (streamed; `limit`/`offset` page in SQL)."""
        where, params = _label_where(filters, "p.labels")
        for column, value in (("annotator", annotator), ("article_id", article_id)):
            if value is not None:
                where.append(f"p.{column} = ?")
                params.append(value)
        columns = ", ".join(f'p."{c}"' for c in PASSAGE_COLUMNS)
        sql = (
            f"SELECT {columns}, coalesce(a.title, '') FROM passages AS p"
            " LEFT JOIN articles AS a ON a.id = p.article_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + ' ORDER BY a.rowid, p.start, p."end", p.id'
        )
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params.extend([limit, max(0, offset)])
        cursor = self.conn.execute(sql, params)
        try:
            while batch := cursor.fetchmany(500):
                for row in batch:
                    yield passage_from_row(row[:-1]), row[-1]
        finally:
            cursor.close()

    def annotators(self, article_id: str | None = None) -> list[str]:
        sql = "SELECT DISTINCT annotator FROM passages"
        params: list[Any] = []
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params.append(article_id)
        return [r[0] for r in self.conn.execute(sql + " ORDER BY annotator", params)]

    def audit_trail(self, passage_id: str) -> list[dict[str, Any]]:
        return self._dicts(
            "SELECT action, annotator, at, before, after, suggested_by FROM audit"
            " WHERE passage_id = ?"
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
            p = passage_from_row(row[:-1])
            actual = row[-1][p.start : p.end]
            if actual != p.text:
                yield p, actual

    # -- labels on whole articles -------------------------------------------------------

    def set_document_labels(self, d: DocumentLabels, *, by: str) -> None:
        """Save one annotator's labels on an article (empty labels delete them), with a
        document audit row, in one transaction."""
        with self.transaction():
            found = self.document_labels(d.article_id, d.annotator)
            before = found[0] if found else None
            stamp = d.updated_at or now_iso()
            if not d.labels:
                if before is None:
                    return
                self.conn.execute(
                    "DELETE FROM document_labels WHERE article_id = ? AND annotator = ?",
                    (d.article_id, d.annotator),
                )
                self._document_audit(d.article_id, d.annotator, "delete", by, before, None)
                return
            after = replace(
                d,
                created_at=before.created_at if before else (d.created_at or stamp),
                updated_at=stamp,
            )
            self.conn.execute(
                "INSERT INTO document_labels (article_id, annotator, labels, schema_name,"
                " schema_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (article_id, annotator) DO UPDATE SET labels = excluded.labels,"
                " schema_name = excluded.schema_name, schema_version = excluded.schema_version,"
                " updated_at = excluded.updated_at",
                (
                    after.article_id,
                    after.annotator,
                    labels_json(after.labels),
                    after.schema_name,
                    after.schema_version,
                    after.created_at,
                    after.updated_at,
                ),
            )
            action = "create" if before is None else "update"
            self._document_audit(d.article_id, d.annotator, action, by, before, after)

    def _document_audit(
        self,
        article_id: str,
        annotator: str,
        action: str,
        by: str,
        before: DocumentLabels | None,
        after: DocumentLabels | None,
    ) -> None:
        def as_json(d: DocumentLabels | None) -> str | None:
            if d is None:
                return None
            row = {f.name: getattr(d, f.name) for f in fields(d)}
            row["labels"] = d.labels.to_dict()
            return json.dumps(row, ensure_ascii=False)

        self.conn.execute(
            "INSERT INTO document_audit (article_id, annotator, action, by, at, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (article_id, annotator, action, by, now_iso(), as_json(before), as_json(after)),
        )

    def document_labels(
        self, article_id: str | None = None, annotator: str | None = None
    ) -> list[DocumentLabels]:
        """Document labels by article and annotator (None: any), in that order."""
        where, params = [], []
        for column, value in (("article_id", article_id), ("annotator", annotator)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        return list(self._document_rows(where, params))

    def all_document_labels(
        self, annotators: Sequence[str] | None = None
    ) -> Iterator[DocumentLabels]:
        """Every annotator's document labels, by article and annotator (streamed)."""
        where: list[str] = []
        params: list[Any] = []
        if annotators:
            where.append(f"annotator IN ({','.join('?' * len(annotators))})")
            params.extend(annotators)
        yield from self._document_rows(where, params)

    def document_audit_trail(self, article_id: str, annotator: str) -> list[dict[str, Any]]:
        return self._dicts(
            "SELECT action, by, at, before, after FROM document_audit"
            " WHERE article_id = ? AND annotator = ? ORDER BY id",
            [article_id, annotator],
        )

    def _document_rows(self, where: list[str], params: list[Any]) -> Iterator[DocumentLabels]:
        sql = (
            "SELECT article_id, annotator, labels, schema_name, schema_version, created_at,"
            " updated_at FROM document_labels"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY article_id, annotator"
        )
        for row in self.conn.execute(sql, params).fetchall():
            yield DocumentLabels(row[0], row[1], labels_from_json(row[2]), *row[3:])

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
