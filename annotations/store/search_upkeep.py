"""Keeping the full-text index (annotations/search/index.py) up to date."""

from __future__ import annotations

from collections.abc import Callable

from annotations.search.index import index_articles
from annotations.store.connection import StoreCore


class SearchUpkeep(StoreCore):
    # Import does not index (it would halve its speed); searches first index whatever
    # articles are not indexed yet.

    def unindexed_count(self) -> int:
        return int(
            self.conn.execute(
                "SELECT count(*) FROM articles a"
                " WHERE NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.article_id = a.id)"
            ).fetchone()[0]
        )

    def ensure_search_index(
        self, progress: Callable[[int], None] | None = None, batch: int = 1000
    ) -> int:
        """Index the articles not yet in the search index; returns how many were.

        Articles are visited once, in rowid order, each batch starting after the last one
        seen: the build is linear in the corpus (a batch never rescans what was indexed).
        """
        done = 0
        after = 0
        while True:
            rows = self.conn.execute(
                "SELECT a.rowid, a.id, a.title, a.text FROM articles a"
                " WHERE a.rowid > ?"
                " AND NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.article_id = a.id)"
                " ORDER BY a.rowid LIMIT ?",
                (after, batch),
            ).fetchall()
            if not rows:
                return done
            after = rows[-1][0]
            with self.transaction():
                index_articles(self.conn, (row[1:] for row in rows))
            done += len(rows)
            if progress is not None:
                progress(len(rows))
