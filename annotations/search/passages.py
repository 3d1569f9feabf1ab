"""Passage search: passages by label (actor, claim type, stance, annotator) and by words
of their quoted text or note, Arabic-normalised like the article search.

Store-independent: the function takes a `sqlite3.Connection` on a Hashiya database and
reads its `passages` table (and `articles`, for titles). No index: passages are short
and few next to articles, and the labels are filtered by SQL; the words are matched in
Python on `normalize_text` of each quote and note. See docs/search.md.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from annotations.models import PASSAGE_COLUMNS, Passage
from annotations.search.index import QueryTerm, parse_query
from annotations.search.normalize import normalize, normalize_text

__all__ = ["PassageHit", "search_passages"]

_COLUMNS = PASSAGE_COLUMNS
_SELECT = (
    "SELECT "
    + ", ".join(f'p."{c}"' for c in _COLUMNS)
    + ", coalesce(a.title, '') FROM passages AS p LEFT JOIN articles AS a ON a.id = p.article_id"
)
_ORDER = ' ORDER BY a.rowid, p.start, p."end", p.id'
# Rows fetched from SQLite at a time while words are matched in Python.
_FETCH = 500


@dataclass(frozen=True)
class PassageHit:
    """One passage that matched, with where the query's words are in it."""

    passage: Passage
    article_title: str
    # Matches in the quoted text (relative to `passage.text`) and in the note, in order.
    text_spans: tuple[tuple[int, int], ...] = ()
    note_spans: tuple[tuple[int, int], ...] = ()


def _term_patterns(terms: list[QueryTerm]) -> list[re.Pattern[str]]:
    return [re.compile(term.pattern()) for term in terms]


def _any_term(terms: list[QueryTerm]) -> re.Pattern[str]:
    # Longer terms first, as in the article search: a phrase wins over its first word.
    ordered = sorted(terms, key=lambda t: (-len(t.tokens), -sum(map(len, t.tokens))))
    return re.compile("|".join(term.pattern() for term in ordered))


def _spans(matcher: re.Pattern[str], text: str) -> tuple[tuple[int, int], ...]:
    normalised = normalize(text)
    return tuple(normalised.span_to_original(*m.span()) for m in matcher.finditer(normalised.text))


def search_passages(
    conn: sqlite3.Connection,
    query: str = "",
    *,
    actor: str | None = None,
    claim_type: str | None = None,
    stance: str | None = None,
    annotator: str | None = None,
    article_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
    prefix_last: bool = True,
) -> list[PassageHit]:
    """Passages with these labels whose quoted text or note has every word of `query`.

    The label filters are exact ids (None: any). `query` has the article search's syntax
    (`annotations.search.parse_query`: words, "phrases", the last word a prefix while
    typed unless `prefix_last` is false); each term must be in the quote or in the note.
    An empty query matches every passage with the labels; a query with no words at all
    (punctuation only) matches none. Passages come in article import order, then by
    offset. `limit` and `offset` page through the matches.
    """
    if limit <= 0:
        return []
    terms = parse_query(query, prefix_last=prefix_last) if query.strip() else []
    if query.strip() and not terms:
        return []
    where: list[str] = []
    params: list[object] = []
    for column, value in (
        ("actor", actor),
        ("claim_type", claim_type),
        ("stance", stance),
        ("annotator", annotator),
        ("article_id", article_id),
    ):
        if value is not None:
            where.append(f"p.{column} = ?")
            params.append(value)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + _ORDER
    offset = max(0, offset)
    if not terms:  # the labels alone: SQLite pages
        rows = conn.execute(sql + " LIMIT ? OFFSET ?", (*params, limit, offset))
        return [PassageHit(Passage(*row[:-1]), row[-1] or "") for row in rows]

    patterns = _term_patterns(terms)
    matcher = _any_term(terms)
    hits: list[PassageHit] = []
    skipped = 0
    for row in _rows(conn, sql, params):
        quote = normalize_text(row[4] or "")
        note = normalize_text(row[10] or "")
        if not all(p.search(quote) or p.search(note) for p in patterns):
            continue
        if skipped < offset:
            skipped += 1
            continue
        passage = Passage(*row[:-1])
        hits.append(
            PassageHit(
                passage,
                row[-1] or "",
                text_spans=_spans(matcher, passage.text or ""),
                note_spans=_spans(matcher, passage.note or ""),
            )
        )
        if len(hits) >= limit:
            break
    return hits


def _rows(conn: sqlite3.Connection, sql: str, params: list[object]) -> Iterator[tuple[Any, ...]]:
    cursor = conn.execute(sql, params)
    try:
        while batch := cursor.fetchmany(_FETCH):
            yield from batch
    finally:
        cursor.close()
