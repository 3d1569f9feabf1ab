"""Corpus figures for the overview screen: progress by status, annotator and claim type.

Read-only aggregate queries over a Hashiya database; takes a `sqlite3.Connection` (its
own, in a worker thread, for a large corpus) and never writes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

__all__ = ["AnnotatorFigures", "Overview", "corpus_overview"]

STATUSES = ("todo", "in_progress", "done")


@dataclass(frozen=True)
class AnnotatorFigures:
    annotator: str
    passages: int
    articles_done: int
    articles_in_progress: int


@dataclass(frozen=True)
class Overview:
    articles: int
    passages: int
    # The viewing annotator's status of every article (todo: no status row).
    mine: dict[str, int]
    # Every article by how far anyone got: done by someone, else in progress by
    # someone, else todo.
    everyone: dict[str, int]
    annotators: tuple[AnnotatorFigures, ...]  # by passages, most first
    # Passages (everyone's) per claim type id; "" for passages without one.
    claim_types: dict[str, int]


def corpus_overview(conn: sqlite3.Connection, annotator: str) -> Overview:
    """The figures of the corpus as `annotator` sees it."""
    articles = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    passages = int(conn.execute("SELECT count(*) FROM passages").fetchone()[0])

    mine = dict.fromkeys(STATUSES, 0)
    for status, count in conn.execute(
        "SELECT s.status, count(*) FROM article_status s JOIN articles a ON a.id = s.article_id"
        " WHERE s.annotator = ? GROUP BY s.status",
        (annotator,),
    ):
        mine[status] = count
    mine["todo"] = articles - mine["in_progress"] - mine["done"]

    everyone = dict.fromkeys(STATUSES, 0)
    # 2 done, 1 in progress: the furthest any annotator got with each article.
    for furthest, count in conn.execute(
        "SELECT furthest, count(*) FROM (SELECT max(CASE s.status WHEN 'done' THEN 2"
        " WHEN 'in_progress' THEN 1 ELSE 0 END) AS furthest FROM article_status s"
        " JOIN articles a ON a.id = s.article_id GROUP BY s.article_id) GROUP BY furthest"
    ):
        everyone[STATUSES[furthest]] += count
    everyone["todo"] = articles - everyone["in_progress"] - everyone["done"]

    figures: dict[str, list[int]] = {}
    for name, count in conn.execute("SELECT annotator, count(*) FROM passages GROUP BY annotator"):
        figures.setdefault(name, [0, 0, 0])[0] = count
    for name, status, count in conn.execute(
        "SELECT s.annotator, s.status, count(*) FROM article_status s"
        " JOIN articles a ON a.id = s.article_id"
        " WHERE s.status IN ('done', 'in_progress') GROUP BY s.annotator, s.status"
    ):
        figures.setdefault(name, [0, 0, 0])[1 if status == "done" else 2] = count
    by_annotator = tuple(
        sorted(
            (AnnotatorFigures(name, *values) for name, values in figures.items()),
            key=lambda f: (-f.passages, -f.articles_done, f.annotator),
        )
    )

    claim_types: dict[str, int] = {}
    for claim, count in conn.execute("SELECT claim_type, count(*) FROM passages GROUP BY 1"):
        claim_types[claim or ""] = claim_types.get(claim or "", 0) + count
    return Overview(articles, passages, mine, everyone, by_annotator, claim_types)
