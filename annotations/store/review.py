"""Review: the gold layer, reviewers' decisions, comment threads."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotations.articles import now_iso
from annotations.models import (
    GOLD_ANNOTATOR,
    AuthoredNote,
    Comment,
    Decision,
    GoldDocumentLabels,
    GoldPassage,
)
from annotations.store.connection import StoreCore
from annotations.store.labels import labels_from_json, labels_json

GOLD_COLUMNS = (
    "id",
    "article_id",
    "start",
    "end",
    "text",
    "labels",
    "origin",
    "sources",
    "adjudicator",
    "schema_name",
    "schema_version",
    "created_at",
    "updated_at",
    "notes",
    "kind",
)
_GOLD_LABELS = GOLD_COLUMNS.index("labels")
_GOLD_SELECT = "SELECT " + ", ".join(f'"{c}"' for c in GOLD_COLUMNS) + " FROM gold_passages"


def _gold_from_row(row: Sequence[Any]) -> GoldPassage:
    values = list(row)
    values[GOLD_COLUMNS.index("sources")] = tuple(json.loads(values[GOLD_COLUMNS.index("sources")]))
    at = GOLD_COLUMNS.index("notes")
    values[at] = tuple(
        AuthoredNote(n["author"], n["text"], n.get("attribute", "note"))
        for n in json.loads(values[at])
    )
    values[_GOLD_LABELS] = labels_from_json(values[_GOLD_LABELS])
    return GoldPassage(*values[:-1], kind=values[-1])  # kind: keyword-only


def _note_json(note: AuthoredNote) -> dict[str, str]:
    """A gold comment as stored: the attribute only when it is not the note (the rows
    written before other comment attributes existed read back the same)."""
    data = {"author": note.author, "text": note.text}
    if note.attribute != "note":
        data["attribute"] = note.attribute
    return data


@dataclass(frozen=True)
class Replaced:
    """A decision taken back (and its gold passage), to restore on undo."""

    decision: Decision | None
    gold: GoldPassage | None


class ReviewQueries(StoreCore):
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
        values[_GOLD_LABELS] = labels_json(g.labels)
        values[GOLD_COLUMNS.index("notes")] = json.dumps(
            [_note_json(n) for n in g.notes], ensure_ascii=False
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

    def reviewable_article_ids(self) -> list[str]:
        """Articles with passages by two or more annotators."""
        rows = self.conn.execute(
            "SELECT article_id FROM passages WHERE annotator != ?"
            " GROUP BY article_id HAVING count(DISTINCT annotator) >= 2",
            (GOLD_ANNOTATOR,),
        )
        return [r[0] for r in rows]

    def commented_passage_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT DISTINCT passage_id FROM comments")}

    def set_gold_document_labels(self, g: GoldDocumentLabels) -> None:
        """Save the gold labels of an article (replacing any); empty labels delete them."""
        with self.transaction():
            if not g.labels:
                self.conn.execute(
                    "DELETE FROM gold_document_labels WHERE article_id = ?", (g.article_id,)
                )
                return
            stamp = now_iso()
            self.conn.execute(
                "INSERT OR REPLACE INTO gold_document_labels (article_id, labels, origin,"
                " sources, adjudicator, schema_name, schema_version, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    g.article_id,
                    labels_json(g.labels),
                    g.origin,
                    json.dumps(list(g.sources), ensure_ascii=False),
                    g.adjudicator,
                    g.schema_name,
                    g.schema_version,
                    g.created_at or stamp,
                    g.updated_at or stamp,
                ),
            )

    def gold_document_labels(self, article_id: str | None = None) -> list[GoldDocumentLabels]:
        sql = (
            "SELECT article_id, labels, origin, sources, adjudicator, schema_name,"
            " schema_version, created_at, updated_at FROM gold_document_labels"
        )
        params: list[Any] = []
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params.append(article_id)
        rows = self.conn.execute(sql + " ORDER BY article_id", params).fetchall()
        return [
            GoldDocumentLabels(
                r[0], labels_from_json(r[1]), r[2], tuple(json.loads(r[3])), r[4], *r[5:]
            )
            for r in rows
        ]

    def gold_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM gold_passages").fetchone()[0])

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
