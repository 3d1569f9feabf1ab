"""Arabic-aware search: normalisation with an exact offset map, and the FTS5 index.

`normalize`/`tokenize` (annotations.search.normalize) are pure; the index functions
(annotations.search.index) take the store's `sqlite3.Connection`. See docs/search.md.
"""

from annotations.search.index import (
    SEARCH_SCHEMA_SQL,
    Hit,
    QueryTerm,
    find_in_text,
    index_articles,
    optimize_index,
    parse_query,
    rebuild_index,
    remove_article,
    search,
)
from annotations.search.normalize import (
    NORMALIZER_VERSION,
    Normalized,
    normalize,
    normalize_text,
    tokenize,
)

__all__ = [
    "NORMALIZER_VERSION",
    "SEARCH_SCHEMA_SQL",
    "Hit",
    "Normalized",
    "QueryTerm",
    "find_in_text",
    "index_articles",
    "normalize",
    "normalize_text",
    "optimize_index",
    "parse_query",
    "rebuild_index",
    "remove_article",
    "search",
    "tokenize",
]
