"""Corpus figures for the overview screen: progress by status and annotator, and passages
by the value of each choice attribute of the schema.

Read-only aggregates the store counts; takes a Store (its own, in a worker thread, for
a large corpus) and never writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
    # Per counted attribute (schema order): passages (everyone's) per value id, "" for
    # passages without one; a multi-valued attribute counts each of its values.
    labels: dict[str, dict[str, int]]


def corpus_overview(store: Store, annotator: str, attributes: Sequence[str] = ()) -> Overview:
    """The figures of the corpus as `annotator` sees it, with passages counted by the
    value of each attribute in `attributes` (the schema's choice attributes)."""
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

    labels: dict[str, dict[str, int]] = {}
    for attribute in attributes:
        counts: dict[str, int] = {}
        for value, count in store.label_value_counts(attribute).items():
            key = _key(value)
            counts[key] = counts.get(key, 0) + count
        labels[attribute] = counts
    return Overview(articles, passages, mine, everyone, by_annotator, labels)


def _key(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
