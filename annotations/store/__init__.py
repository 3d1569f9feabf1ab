"""The database. This package owns it: every other module asks the Store.

SQLite through sqlite-utils, in WAL mode with a busy timeout and foreign keys on.
The schema grows by numbered migrations recorded in `PRAGMA user_version`.
Writes go through `Store.transaction()` (BEGIN IMMEDIATE, retried while another
process holds the write lock), so concurrent annotators never see "database is locked".

`connection.py` opens, migrates and runs transactions; `migrations.py` is the schema's
history; each other module holds the queries of one concern, as a class the Store is
made of. Nothing outside this package knows a table's shape.
"""

from __future__ import annotations

from annotations.faults import StoreError
from annotations.models import PASSAGE_COLUMNS
from annotations.store.articles import ArticleQueries, ArticleSummary
from annotations.store.catalog import SORT_KEYS, STATUSES, CatalogQueries, CatalogQuery, CatalogRow
from annotations.store.connection import BUSY_TIMEOUT_MS
from annotations.store.migrations import M5_GOLD_NOTES, MIGRATIONS
from annotations.store.passages import PassageQueries, UserActor, passage_to_dict
from annotations.store.relations import RelationQueries, relation_to_dict
from annotations.store.review import GOLD_COLUMNS, Replaced, ReviewQueries
from annotations.store.search_upkeep import SearchUpkeep
from annotations.store.suggestions import SUGGESTION_STATUSES, StoredSuggestion, SuggestionQueries

__all__ = [
    "BUSY_TIMEOUT_MS",
    "GOLD_COLUMNS",
    "M5_GOLD_NOTES",
    "MIGRATIONS",
    "PASSAGE_COLUMNS",
    "SORT_KEYS",
    "STATUSES",
    "SUGGESTION_STATUSES",
    "ArticleSummary",
    "CatalogQuery",
    "CatalogRow",
    "Replaced",
    "Store",
    "StoreError",
    "StoredSuggestion",
    "UserActor",
    "passage_to_dict",
    "relation_to_dict",
]


class Store(
    RelationQueries,  # over PassageQueries: deleting a passage deletes its relations
    SuggestionQueries,  # over ArticleQueries and PassageQueries: it makes passages
    ArticleQueries,
    PassageQueries,
    ReviewQueries,
    CatalogQueries,
    SearchUpkeep,
):
    """One open database. Create with `Store(path)`; migrations run on open."""
