"""Relations between passages (each change with its audit row) and gold relations.

A relation links two passages of one article and one annotator; the store checks that
both ends exist and agree with the relation's article and annotator. Whether their kinds
suit the relation type is the schema's to say (`annotations.relations.new_relation`).
Deleting a passage deletes its relations first, each with its audit row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from annotations.articles import now_iso
from annotations.faults import StoreError
from annotations.models import (
    GOLD_RELATION_COLUMNS,
    RELATION_COLUMNS,
    GoldRelation,
    Passage,
    Relation,
)
from annotations.store.labels import labels_from_json, labels_json
from annotations.store.passages import PassageQueries
from annotations.text import printable

_COLUMNS = ", ".join(f'"{c}"' for c in RELATION_COLUMNS)
_SELECT = f"SELECT {_COLUMNS} FROM relations"
_ORDER = " ORDER BY article_id, annotator, created_at, id"
_LABELS = RELATION_COLUMNS.index("labels")
_GOLD_COLUMNS = ", ".join(f'"{c}"' for c in GOLD_RELATION_COLUMNS)
_GOLD_LABELS = GOLD_RELATION_COLUMNS.index("labels")
_GOLD_SOURCES = GOLD_RELATION_COLUMNS.index("sources")


def relation_to_dict(r: Relation) -> dict[str, Any]:
    """A relation as the audit keeps it (JSON-ready: labels as a plain object)."""
    out = {c: getattr(r, c) for c in RELATION_COLUMNS}
    out["labels"] = r.labels.to_dict()
    return out


def relation_from_row(row: Sequence[Any]) -> Relation:
    values = list(row)
    values[_LABELS] = labels_from_json(values[_LABELS])
    return Relation(*values)


def _relation_values(r: Relation) -> tuple[Any, ...]:
    values = [getattr(r, c) for c in RELATION_COLUMNS]
    values[_LABELS] = labels_json(r.labels)
    return tuple(values)


def _gold_from_row(row: Sequence[Any]) -> GoldRelation:
    values = list(row)
    values[_GOLD_LABELS] = labels_from_json(values[_GOLD_LABELS])
    values[_GOLD_SOURCES] = tuple(json.loads(values[_GOLD_SOURCES]))
    return GoldRelation(*values)


def _shown(value: str) -> str:
    return printable(value)


class RelationQueries(PassageQueries):
    # Every change is committed with its audit row in one transaction before returning,
    # as passages' are.

    def _relation_audit(
        self,
        rel: Relation,
        action: str,
        by: str,
        before: Relation | None,
        after: Relation | None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO relation_audit (relation_id, article_id, annotator, action, before,"
            " after, by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rel.id,
                rel.article_id,
                rel.annotator,
                action,
                None
                if before is None
                else json.dumps(relation_to_dict(before), ensure_ascii=False),
                None if after is None else json.dumps(relation_to_dict(after), ensure_ascii=False),
                by,
                now_iso(),
            ),
        )

    def _check_ends(self, r: Relation, ends: dict[str, tuple[str, str]] | None = None) -> None:
        """StoreError (one line) unless both ends exist, in the relation's article and by
        its annotator, and are two passages. `ends`: passage id -> (article, annotator)
        already read (a batch)."""
        if r.from_id == r.to_id:
            raise StoreError(
                f"relation {_shown(r.id)}: links passage {_shown(r.from_id)} to itself"
            )
        if ends is None:
            ends = self._passage_owners([r.from_id, r.to_id])
        for end, passage_id in (("from", r.from_id), ("to", r.to_id)):
            owner = ends.get(passage_id)
            if owner is None:
                raise StoreError(
                    f"relation {_shown(r.id)}: its {end} passage {_shown(passage_id)}"
                    " does not exist"
                )
            if owner[0] != r.article_id:
                raise StoreError(
                    f"relation {_shown(r.id)}: its {end} passage {_shown(passage_id)} is in"
                    f" article {_shown(owner[0])}, not {_shown(r.article_id)}"
                )
            if owner[1] != r.annotator:
                raise StoreError(
                    f"relation {_shown(r.id)}: its {end} passage {_shown(passage_id)} is"
                    f" {_shown(owner[1])}'s, not {_shown(r.annotator)}'s"
                )

    def _passage_owners(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        rows = self.conn.execute(
            "SELECT id, article_id, annotator FROM passages"
            " WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        )
        return {row[0]: (row[1], row[2]) for row in rows}

    def _check_new_link(self, r: Relation) -> None:
        found = self.conn.execute(
            "SELECT id FROM relations WHERE from_id = ? AND to_id = ? AND type = ? AND id != ?",
            (r.from_id, r.to_id, r.type, r.id),
        ).fetchone()
        if found is not None:
            raise StoreError(
                f"relation {_shown(r.id)}: {_shown(r.from_id)} is already linked to"
                f" {_shown(r.to_id)} by {_shown(r.type)} (relation {_shown(found[0])})"
            )

    def add_relation(self, r: Relation, *, by: str, action: str = "create") -> None:
        """Save a new relation with its audit row; StoreError (one line) when an end is
        missing, in another article or another annotator's, or the link exists."""
        with self.transaction():
            self._check_ends(r)
            self._check_new_link(r)
            if self.relation(r.id) is not None:
                raise StoreError(f"relation {_shown(r.id)} exists already")
            self.conn.execute(
                f"INSERT INTO relations ({_COLUMNS}) VALUES ({', '.join('?' * len(RELATION_COLUMNS))})",
                _relation_values(r),
            )
            self._relation_audit(r, action, by, None, r)

    def add_relations(
        self, batch: Sequence[Relation], *, by: str, action: str = "import"
    ) -> list[str]:
        """Save many new relations at once (imports), each with its audit row, checked as
        `add_relation` checks one. A relation whose id is stored already with the same
        content is left out, and its id returned; with other content it is a StoreError
        (as is any other problem), and nothing of the batch is saved."""
        if not batch:
            return []
        with self.transaction():
            ends = self._passage_owners([i for r in batch for i in (r.from_id, r.to_id)])
            stored = self.relations_by_id([r.id for r in batch])
            fresh: list[Relation] = []
            kept: list[str] = []
            for r in batch:
                have = stored.get(r.id)
                if have is not None:
                    if same_link(have, r):
                        kept.append(r.id)
                        continue
                    raise StoreError(
                        f"relation {_shown(r.id)} exists already with other ends or labels"
                    )
                self._check_ends(r, ends)
                self._check_new_link(r)
                stored[r.id] = r
                fresh.append(r)
            marks = ", ".join("?" * len(RELATION_COLUMNS))
            self.conn.executemany(
                f"INSERT INTO relations ({_COLUMNS}) VALUES ({marks})",
                [_relation_values(r) for r in fresh],
            )
            for r in fresh:
                self._relation_audit(r, action, by, None, r)
        return kept

    def update_relation(self, r: Relation, *, by: str, action: str = "update") -> None:
        """Replace a relation's fields (same id): its type, ends or labels; the audit
        keeps the version before."""
        with self.transaction():
            before = self.relation(r.id)
            if before is None:
                raise StoreError(f"relation {_shown(r.id)} does not exist")
            self._check_ends(r)
            self._check_new_link(r)
            sets = ", ".join(f'"{c}" = ?' for c in RELATION_COLUMNS[1:])
            self.conn.execute(
                f"UPDATE relations SET {sets} WHERE id = ?", (*_relation_values(r)[1:], r.id)
            )
            self._relation_audit(r, action, by, before, r)

    def delete_relation(self, rel_id: str, *, by: str, action: str = "delete") -> Relation:
        """Delete a relation; returns it as it was (the audit keeps it too)."""
        with self.transaction():
            before = self.relation(rel_id)
            if before is None:
                raise StoreError(f"relation {_shown(rel_id)} does not exist")
            self.conn.execute("DELETE FROM relations WHERE id = ?", (rel_id,))
            self._relation_audit(before, action, by, before, None)
        return before

    def delete_passage(self, passage_id: str, *, by: str, action: str = "delete") -> Passage:
        """Delete a passage and, first, its relations (each with its audit row, the same
        `action`); returns the passage as it was."""
        with self.transaction():
            for rel in self.relations_of(passage_id):
                self.conn.execute("DELETE FROM relations WHERE id = ?", (rel.id,))
                self._relation_audit(rel, action, by, rel, None)
            return super().delete_passage(passage_id, by=by, action=action)

    def relation_problem(self, r: Relation) -> str | None:
        """Why `add_relation` would refuse `r` (its ends, or the link exists under another
        id), in one line, or None: what an import reports and goes on past."""
        try:
            self._check_ends(r)
            self._check_new_link(r)
        except StoreError as exc:
            return str(exc)
        return None

    def relations_by_id(self, ids: Sequence[str]) -> dict[str, Relation]:
        """The stored relations of those ids that exist, in one query."""
        if not ids:
            return {}
        rows = self.conn.execute(
            _SELECT + " WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),)
        )
        return {row[0]: relation_from_row(row) for row in rows}

    def relation(self, rel_id: str) -> Relation | None:
        row = self.conn.execute(_SELECT + " WHERE id = ?", (rel_id,)).fetchone()
        return None if row is None else relation_from_row(row)

    def relations(self, article_id: str, annotator: str | None = None) -> list[Relation]:
        """An article's relations (one annotator's, or everyone's), by annotator, then in
        the order they were made."""
        sql = _SELECT + " WHERE article_id = ?"
        params: list[Any] = [article_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        return [relation_from_row(r) for r in self.conn.execute(sql + _ORDER, params)]

    def all_relations(self, annotators: Sequence[str] | None = None) -> Iterator[Relation]:
        """Every relation, by article, annotator, then the order they were made (streamed)."""
        sql = _SELECT
        params: list[Any] = []
        if annotators:
            sql += f" WHERE annotator IN ({','.join('?' * len(annotators))})"
            params.extend(annotators)
        for row in self.conn.execute(sql + _ORDER, params):
            yield relation_from_row(row)

    def relations_of(self, passage_id: str) -> list[Relation]:
        """The relations from or to a passage, in the order they were made."""
        rows = self.conn.execute(
            _SELECT + " WHERE from_id = ? UNION " + _SELECT + " WHERE to_id = ?" + _ORDER,
            (passage_id, passage_id),
        )
        return [relation_from_row(r) for r in rows]

    def relation_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM relations").fetchone()[0])

    def relation_audit_trail(self, rel_id: str) -> list[dict[str, Any]]:
        return self._dicts(
            "SELECT action, annotator, by, at, before, after FROM relation_audit"
            " WHERE relation_id = ? ORDER BY id",
            [rel_id],
        )

    # -- gold ------------------------------------------------------------------------

    def add_gold_relation(self, g: GoldRelation) -> None:
        """Save a gold relation between two gold passages of its article."""
        with self.transaction():
            if g.from_id == g.to_id:
                raise StoreError(
                    f"gold relation {_shown(g.id)}: links gold passage {_shown(g.from_id)}"
                    " to itself"
                )
            for end, passage_id in (("from", g.from_id), ("to", g.to_id)):
                row = self.conn.execute(
                    "SELECT article_id FROM gold_passages WHERE id = ?", (passage_id,)
                ).fetchone()
                if row is None or row[0] != g.article_id:
                    where = "does not exist" if row is None else f"is in article {_shown(row[0])}"
                    raise StoreError(
                        f"gold relation {_shown(g.id)}: its {end} gold passage"
                        f" {_shown(passage_id)} {where}"
                    )
            values = [getattr(g, c) for c in GOLD_RELATION_COLUMNS]
            values[_GOLD_LABELS] = labels_json(g.labels)
            values[_GOLD_SOURCES] = json.dumps(list(g.sources), ensure_ascii=False)
            stamp = now_iso()
            at = GOLD_RELATION_COLUMNS.index("created_at")
            values[at] = values[at] or stamp
            values[at + 1] = values[at + 1] or stamp
            marks = ", ".join("?" * len(GOLD_RELATION_COLUMNS))
            self.conn.execute(
                f"INSERT INTO gold_relations ({_GOLD_COLUMNS}) VALUES ({marks})", values
            )

    def gold_relations(self, article_id: str | None = None) -> list[GoldRelation]:
        sql = f"SELECT {_GOLD_COLUMNS} FROM gold_relations"
        params: list[Any] = []
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params.append(article_id)
        sql += " ORDER BY article_id, created_at, id"
        return [_gold_from_row(r) for r in self.conn.execute(sql, params)]

    def delete_gold_relation(self, gold_id: str) -> GoldRelation:
        """Delete a gold relation; returns it as it was."""
        with self.transaction():
            row = self.conn.execute(
                f"SELECT {_GOLD_COLUMNS} FROM gold_relations WHERE id = ?", (gold_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"gold relation {_shown(gold_id)} does not exist")
            self.conn.execute("DELETE FROM gold_relations WHERE id = ?", (gold_id,))
        return _gold_from_row(row)


def same_link(a: Relation, b: Relation) -> bool:
    """The same relation as far as an import cares: ends, type and labels."""
    return (a.article_id, a.annotator, a.type, a.from_id, a.to_id, a.labels) == (
        b.article_id,
        b.annotator,
        b.type,
        b.from_id,
        b.to_id,
        b.labels,
    )
