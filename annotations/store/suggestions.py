"""Suggestions: passages proposed by a suggester (annotations/suggest), kept apart from
the annotators' passages until one accepts them. Open, accepted or rejected; a rejected
one is remembered, so the same span with the same labels is never offered again to that
annotator. Nothing here counts as an annotation: export, review and agreement read
`passages` only."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotations.articles import now_iso
from annotations.faults import StoreError
from annotations.models import FrozenLabels, Passage
from annotations.store.articles import ArticleQueries
from annotations.store.labels import labels_from_json, labels_json
from annotations.store.passages import PassageQueries

SUGGESTION_STATUSES = ("open", "accepted", "rejected")
_COLUMNS = (
    "id",
    "article_id",
    "start",
    "end",
    "text",
    "labels",
    "source",
    "score",
    "reason",
    "annotator",
    "status",
    "passage_id",
    "decided_at",
    "created_at",
)
_SELECT = "SELECT " + ", ".join(f's."{c}"' for c in _COLUMNS) + " FROM suggestions s"


@dataclass(frozen=True)
class StoredSuggestion:
    """A suggestion row. `annotator` None: offered to everyone."""

    id: str
    article_id: str
    start: int
    end: int
    text: str
    labels: FrozenLabels
    source: str
    score: float | None
    reason: str
    annotator: str | None
    status: str
    passage_id: str | None  # the passage it became, once accepted
    decided_at: str | None
    created_at: str


def suggestion_id_of(
    article_id: str, start: int, end: int, labels: str, annotator: str | None
) -> str:
    """The id of a suggestion: the same offer to the same person is the same row."""
    key = "\x1f".join((article_id, str(start), str(end), labels, annotator or ""))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _row(row: Sequence[Any]) -> StoredSuggestion:
    values = list(row)
    values[5] = labels_from_json(values[5])
    return StoredSuggestion(*values)


class SuggestionQueries(ArticleQueries, PassageQueries):
    def add_suggestions(self, suggestions: Iterable[Any], *, annotator: str | None = None) -> int:
        """Store suggestions (`annotations.suggest.Suggestion`s) for `annotator`, or for
        everyone; returns how many are new. One already stored (open, accepted or
        rejected) is left as it is: a rejection is never undone by suggesting again."""
        stamp = now_iso()
        rows = []
        for s in suggestions:
            labels = labels_json(s.labels)
            rows.append(
                (
                    suggestion_id_of(s.article_id, s.start, s.end, labels, annotator),
                    s.article_id,
                    s.start,
                    s.end,
                    s.text,
                    labels,
                    s.source,
                    s.score,
                    s.reason,
                    annotator,
                    stamp,
                )
            )
        with self.transaction():
            before = self.conn.total_changes
            self.conn.executemany(
                'INSERT INTO suggestions (id, article_id, start, "end", text, labels, source,'
                " score, reason, annotator, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                rows,
            )
            return self.conn.total_changes - before

    def suggestion(self, suggestion_id: str) -> StoredSuggestion | None:
        row = self.conn.execute(_SELECT + " WHERE s.id = ?", (suggestion_id,)).fetchone()
        return None if row is None else _row(row)

    def suggestions(
        self, article_id: str | None = None, status: str | None = None
    ) -> list[StoredSuggestion]:
        """Every stored suggestion (any annotator), by article, start, end, id."""
        where, params = [], []
        for column, value in (("article_id", article_id), ("status", status)):
            if value is not None:
                where.append(f"s.{column} = ?")
                params.append(value)
        sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
        sql += ' ORDER BY s.article_id, s.start, s."end", s.id'
        return [_row(r) for r in self.conn.execute(sql, params)]

    def open_suggestions(self, article_id: str, annotator: str) -> list[StoredSuggestion]:
        """What to offer `annotator` on an article, by start, end, source: open
        suggestions made for them or for everyone, except those they have decided on
        already and those on a span they have a passage at."""
        sql = (
            _SELECT + " WHERE s.article_id = ? AND s.status = 'open'"
            " AND (s.annotator = ? OR (s.annotator IS NULL AND NOT EXISTS ("
            "  SELECT 1 FROM suggestions d WHERE d.article_id = s.article_id"
            '  AND d.start = s.start AND d."end" = s."end" AND d.labels = s.labels'
            "  AND d.annotator = ?)))"
            " AND NOT EXISTS (SELECT 1 FROM passages p WHERE p.article_id = s.article_id"
            '  AND p.annotator = ? AND p.start = s.start AND p."end" = s."end")'
            ' ORDER BY s.start, s."end", s.source, s.id'
        )
        params = (article_id, annotator, annotator, annotator)
        return [_row(r) for r in self.conn.execute(sql, params)]

    def articles_with_open_suggestions(self, annotators: Sequence[str]) -> list[str]:
        """The articles with an open suggestion made for one of `annotators` or for
        everyone, by id."""
        rows = self.conn.execute(
            "SELECT DISTINCT article_id FROM suggestions WHERE status = 'open'"
            " AND (annotator IS NULL OR annotator IN (SELECT value FROM json_each(?)))"
            " ORDER BY article_id",
            (_json_list(annotators),),
        )
        return [r[0] for r in rows]

    def suggested_by(self) -> dict[str, str]:
        """Passage id -> the suggester it was accepted from, for the passages that still
        exist (as their audit row names it; read from the accepted suggestions, which
        are far fewer rows than the audit)."""
        rows = self.conn.execute(
            "SELECT s.passage_id, s.source FROM suggestions s"
            " JOIN passages p ON p.id = s.passage_id WHERE s.status = 'accepted'"
        )
        return {r[0]: r[1] for r in rows}

    def suggestion_counts(self) -> dict[tuple[str, str], int]:
        """(source, status) -> how many."""
        rows = self.conn.execute("SELECT source, status, count(*) FROM suggestions GROUP BY 1, 2")
        return {(r[0], r[1]): r[2] for r in rows}

    def _decide(self, suggestion_id: str, annotator: str, status: str) -> StoredSuggestion:
        """Mark a suggestion decided by `annotator`; one made for everyone stays open for
        the others (the decision is a row of `annotator`'s own)."""
        found = self.suggestion(suggestion_id)
        if found is None:
            raise StoreError(f"suggestion {suggestion_id} does not exist")
        if found.annotator not in (None, annotator):
            raise StoreError(f"suggestion {suggestion_id} was made for {found.annotator}")
        own_id = suggestion_id
        if found.annotator is None:
            own_id = self._own_copy(found, annotator)
        mine = self.suggestion(own_id)
        assert mine is not None
        if mine.status != "open":
            raise StoreError(f"suggestion {suggestion_id} is {mine.status} already")
        self.conn.execute(
            "UPDATE suggestions SET status = ?, decided_at = ? WHERE id = ?",
            (status, now_iso(), own_id),
        )
        return mine

    def _own_copy(self, found: StoredSuggestion, annotator: str) -> str:
        labels = labels_json(found.labels)
        own_id = suggestion_id_of(found.article_id, found.start, found.end, labels, annotator)
        self.conn.execute(
            'INSERT INTO suggestions (id, article_id, start, "end", text, labels, source, score,'
            " reason, annotator, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (
                own_id,
                found.article_id,
                found.start,
                found.end,
                found.text,
                labels,
                found.source,
                found.score,
                found.reason,
                annotator,
                found.created_at,
            ),
        )
        return own_id

    def accept_suggestion(
        self,
        suggestion_id: str,
        annotator: str,
        *,
        schema_name: str = "",
        schema_version: str = "",
    ) -> Passage:
        """Make the suggestion `annotator`'s passage, in one transaction with its audit
        row (`suggested_by`: the suggestion's source) and the suggestion marked accepted.
        Refused when the article's text no longer holds the suggested text there."""
        with self.transaction():
            return self._accept(suggestion_id, annotator, schema_name, schema_version)

    def accept_suggestions(
        self,
        suggestion_ids: Sequence[str],
        annotator: str,
        *,
        schema_name: str = "",
        schema_version: str = "",
    ) -> list[tuple[str, Passage]]:
        """Accept several suggestions in one transaction (all or none), in the order
        given; one on a span `annotator` already has a passage at (one just accepted
        included: two sources may offer the same words with different labels) is left
        open, and one `annotator` has decided on meanwhile (another terminal) is left as
        it is. Returns (suggestion id, passage) for each accepted."""
        accepted = []
        with self.transaction():
            for sid in suggestion_ids:
                found = self.suggestion(sid)
                if found is None or self._has_passage_at(found, annotator):
                    continue
                own = self.suggestion(self._own_id(sid, annotator))
                if own is not None and own.status != "open":
                    continue
                passage = self._accept(sid, annotator, schema_name, schema_version)
                accepted.append((sid, passage))
        return accepted

    def _has_passage_at(self, s: StoredSuggestion, annotator: str) -> bool:
        row = self.conn.execute(
            'SELECT 1 FROM passages WHERE article_id = ? AND annotator = ? AND start = ? AND "end" = ?',
            (s.article_id, annotator, s.start, s.end),
        ).fetchone()
        return row is not None

    def _accept(
        self, suggestion_id: str, annotator: str, schema_name: str, schema_version: str
    ) -> Passage:
        mine = self._decide(suggestion_id, annotator, "accepted")
        texts = self.article_texts([mine.article_id])
        actual = texts.get(mine.article_id, "")[mine.start : mine.end]
        if actual != mine.text:
            raise StoreError(
                f"suggestion {suggestion_id}: the article no longer has its text there"
            )
        stamp = now_iso()
        passage = Passage(
            id=str(uuid.uuid4()),
            article_id=mine.article_id,
            start=mine.start,
            end=mine.end,
            text=mine.text,
            annotator=annotator,
            labels=mine.labels,
            schema_name=schema_name,
            schema_version=schema_version,
            created_at=stamp,
            updated_at=stamp,
        )
        self.add_passage(passage, suggested_by=mine.source)
        self.conn.execute(
            "UPDATE suggestions SET passage_id = ? WHERE id = ?", (passage.id, mine.id)
        )
        return passage

    def _own_id(self, suggestion_id: str, annotator: str) -> str:
        """The row holding `annotator`'s decision on a suggestion (a copy of its own for
        one made for everyone)."""
        found = self.suggestion(suggestion_id)
        if found is None:
            raise StoreError(f"suggestion {suggestion_id} does not exist")
        if found.annotator is not None:
            return found.id
        labels = labels_json(found.labels)
        return suggestion_id_of(found.article_id, found.start, found.end, labels, annotator)

    def reopen_suggestion(
        self, suggestion_id: str, annotator: str, *, action: str = "undo"
    ) -> None:
        """Take back `annotator`'s decision on a suggestion (undo): it is offered again,
        and the passage an accept made is deleted (audited as `action`)."""
        with self.transaction():
            own = self.suggestion(self._own_id(suggestion_id, annotator))
            if own is None or own.status == "open":
                raise StoreError(f"suggestion {suggestion_id} is not decided")
            if own.passage_id is not None and self.passage(own.passage_id) is not None:
                self.delete_passage(own.passage_id, by=annotator, action=action)
            self.conn.execute(
                "UPDATE suggestions SET status = 'open', passage_id = NULL, decided_at = NULL"
                " WHERE id = ?",
                (own.id,),
            )

    def redecide_suggestion(
        self,
        suggestion_id: str,
        annotator: str,
        passage: Passage | None,
        *,
        action: str = "redo",
    ) -> None:
        """Make a decision again (redo): accepted with this very passage, or rejected
        (`passage` None)."""
        with self.transaction():
            mine = self._decide(
                suggestion_id, annotator, "rejected" if passage is None else "accepted"
            )
            if passage is not None:
                self.add_passage(passage, by=annotator, action=action, suggested_by=mine.source)
                self.conn.execute(
                    "UPDATE suggestions SET passage_id = ? WHERE id = ?", (passage.id, mine.id)
                )

    def reject_suggestion(self, suggestion_id: str, annotator: str) -> None:
        """Reject a suggestion for `annotator`: never offered to them again (the same
        span with the same labels, whoever suggests it)."""
        with self.transaction():
            self._decide(suggestion_id, annotator, "rejected")

    def clear_open_suggestions(self, article_ids: Sequence[str], sources: Sequence[str]) -> int:
        """Delete the open suggestions of these sources on these articles (decided ones
        stay: they are the memory of what was accepted and rejected)."""
        with self.transaction():
            cur = self.conn.execute(
                "DELETE FROM suggestions WHERE status = 'open'"
                " AND article_id IN (SELECT value FROM json_each(?))"
                " AND source IN (SELECT value FROM json_each(?))",
                (_json_list(article_ids), _json_list(sources)),
            )
            return cur.rowcount


def _json_list(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)
