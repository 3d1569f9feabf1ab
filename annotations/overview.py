"""Corpus figures for the overview screen: progress by status, annotator and claim type.

Read-only aggregates the store counts; takes a Store (its own, in a worker thread, for
a large corpus) and never writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotations.store.catalog import STATUSES

if TYPE_CHECKING:
    from annotations.store import Store

__all__ = ["AnnotatorFigures", "Overview", "corpus_overview"]


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


def corpus_overview(store: Store, annotator: str) -> Overview:
    """The figures of the corpus as `annotator` sees it."""
    articles = store.article_count()
    passages = store.passage_count()

    mine = dict.fromkeys(STATUSES, 0)
    mine.update(store.status_counts(annotator))
    mine["todo"] = articles - mine["in_progress"] - mine["done"]

    everyone = dict.fromkeys(STATUSES, 0)
    everyone.update(store.furthest_status_counts())
    everyone["todo"] = articles - everyone["in_progress"] - everyone["done"]

    figures: dict[str, list[int]] = {}
    for name, count in store.passage_counts_by_annotator().items():
        figures.setdefault(name, [0, 0, 0])[0] = count
    for (name, status), count in store.annotator_status_counts().items():
        figures.setdefault(name, [0, 0, 0])[1 if status == "done" else 2] = count
    by_annotator = tuple(
        sorted(
            (AnnotatorFigures(name, *values) for name, values in figures.items()),
            key=lambda f: (-f.passages, -f.articles_done, f.annotator),
        )
    )

    claim_types: dict[str, int] = {}
    for claim, count in store.label_value_counts("claim_type").items():
        claim_types[claim or ""] = claim_types.get(claim or "", 0) + count
    return Overview(articles, passages, mine, everyone, by_annotator, claim_types)
