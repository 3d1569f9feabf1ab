"""The article list (sorted, filtered, its visible rows) and each annotator's status."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotations.articles import now_iso
from annotations.faults import StoreError
from annotations.store.connection import StoreCore

STATUSES = ("todo", "in_progress", "done")


@dataclass(frozen=True)
class CatalogRow:
    """One row of the article list: the article and its progress."""

    id: str
    title: str
    source: str
    published: str | None
    n_chars: int
    status: str  # the viewing annotator's: todo | in_progress | done
    my_passages: int
    all_passages: int
    annotators: int
    disagreements: int | None = None  # set by review for articles with 2+ annotators
    review: str = ""  # unreviewed | in_review | settled ("" with fewer than 2 annotators)


SORT_KEYS = {
    "imported": "a.rowid",
    "title": "a.title",
    "source": "a.source",
    "date": "coalesce(a.published, a.imported_at)",
    "length": "a.n_chars",
    "status": "coalesce(s.status, 'todo')",
    "passages": "(SELECT count(*) FROM passages p WHERE p.article_id = a.id)",
}


@dataclass(frozen=True)
class CatalogQuery:
    """What the article list shows: sort order and filters."""

    annotator: str
    sort: str = "imported"
    descending: bool = False
    source: str | None = None
    status: str | None = None  # the viewing annotator's status
    annotated_by: str | None = None  # has passages by this annotator
    ids: tuple[str, ...] | None = None  # restrict to these (search results)


class CatalogQueries(StoreCore):
    def catalog_ids(self, query: CatalogQuery, limit: int | None = None) -> list[str]:
        """Article ids in the list's order, filtered: cheap enough for 100,000 articles.

        An article row holds its text, so reading any column of every row reads the
        whole table (and n_chars and imported_at sit after the text, in its overflow
        pages). The query therefore touches `articles` rows only for what it sorts or
        filters on: the imported order and the status and annotator filters are answered
        from the primary-key index (which holds id and rowid), and article_status is
        joined only to sort by status (bench/bench_list.py).

        With `limit`, only the first ids: what the list's first screen shows.
        """
        first_rows = limit is not None and query.ids is None
        sql, params = self._catalog_from(query, order=True, first_rows=first_rows)
        if first_rows:
            sql += " LIMIT ?"
            params.append(limit)
        ids = [r[0] for r in self.conn.execute(sql, params)]
        if query.ids is not None:
            wanted = set(query.ids)
            ids = [i for i in ids if i in wanted]
            if limit is not None:
                ids = ids[:limit]
        return ids

    def catalog_count(self, query: CatalogQuery) -> int:
        """How many articles `catalog_ids(query)` gives, without reading their ids."""
        if query.ids is not None:
            return len(self.catalog_ids(query))
        sql, params = self._catalog_from(query, order=False)
        return int(self.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])

    def _catalog_from(
        self, query: CatalogQuery, *, order: bool, first_rows: bool = False
    ) -> tuple[str, list[Any]]:
        if query.sort not in SORT_KEYS:
            raise StoreError(f"unknown sort '{query.sort}' (one of {', '.join(SORT_KEYS)})")
        where: list[str] = []
        params: list[Any] = []
        sql = "SELECT a.id FROM articles a"
        if order and query.sort == "status":
            sql += " LEFT JOIN article_status s ON s.article_id = a.id AND s.annotator = ?"
            params.append(query.annotator)
        if query.source is not None:
            where.append("a.source = ?")
            params.append(query.source)
        if query.status == "todo":  # no status row, or one that says todo
            where.append(
                "a.id NOT IN (SELECT article_id FROM article_status"
                " WHERE annotator = ? AND status <> 'todo')"
            )
            params.append(query.annotator)
        elif query.status is not None:
            where.append(
                "a.id IN (SELECT article_id FROM article_status WHERE annotator = ? AND status = ?)"
            )
            params.extend([query.annotator, query.status])
        if query.annotated_by is not None:
            where.append("a.id IN (SELECT article_id FROM passages WHERE annotator = ?)")
            params.append(query.annotated_by)
        if where:
            sql += " WHERE " + " AND ".join(where)
        if order:
            # `+a.rowid` (not an index term): SQLite then scans the small primary-key
            # index and sorts, rather than walking the table in rowid order. For the
            # first rows only, walking the table from its start and stopping is cheaper.
            key = SORT_KEYS[query.sort]
            if query.sort == "imported" and not first_rows:
                key = "+a.rowid"
            sql += f" ORDER BY {key}{' DESC' if query.descending else ''}, +a.rowid"
        return sql, params

    def catalog_rows(self, ids: Sequence[str], annotator: str) -> dict[str, CatalogRow]:
        """The list's rows for these ids (the visible ones)."""
        out: dict[str, CatalogRow] = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            marks = ",".join("?" * len(chunk))
            sql = (
                "SELECT a.id, a.title, a.source, a.published, a.n_chars,"
                " coalesce(s.status, 'todo'),"
                " (SELECT count(*) FROM passages p WHERE p.article_id = a.id AND p.annotator = ?),"
                " (SELECT count(*) FROM passages p WHERE p.article_id = a.id),"
                " (SELECT count(DISTINCT annotator) FROM passages p WHERE p.article_id = a.id)"
                " FROM articles a LEFT JOIN article_status s"
                " ON s.article_id = a.id AND s.annotator = ?"
                f" WHERE a.id IN ({marks})"
            )
            for row in self.conn.execute(sql, [annotator, annotator, *chunk]):
                out[row[0]] = CatalogRow(*row)
        return out

    def titles_matching(self, words: Sequence[str], limit: int) -> list[tuple[str, str]]:
        """(id, title) of up to `limit` articles whose title contains every word, in import order."""
        sql = "SELECT id, title FROM articles"
        if words:
            sql += " WHERE " + " AND ".join("title LIKE ? ESCAPE '\\'" for _ in words)
        sql += " ORDER BY rowid LIMIT ?"
        params = [f"%{_like_escape(w)}%" for w in words]
        return [tuple(row) for row in self.conn.execute(sql, [*params, limit])]

    def sources(self) -> list[tuple[str, int]]:
        """Each source with its number of articles, most first."""
        return list(
            self.conn.execute(
                "SELECT source, count(*) FROM articles GROUP BY source ORDER BY 2 DESC, 1"
            )
        )

    def set_status(self, article_id: str, annotator: str, status: str) -> None:
        if status not in STATUSES:
            raise StoreError(f"unknown status '{status}' (one of {', '.join(STATUSES)})")
        with self.transaction():
            self.conn.execute(
                "INSERT INTO article_status (article_id, annotator, status, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (article_id, annotator)"
                " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
                (article_id, annotator, status, now_iso()),
            )

    def set_statuses(self, statuses: Sequence[tuple[str, str, str]]) -> None:
        """`set_status` of many (article id, annotator, status), in order, at one time."""
        for _, _, status in statuses:
            if status not in STATUSES:
                raise StoreError(f"unknown status '{status}' (one of {', '.join(STATUSES)})")
        at = now_iso()
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO article_status (article_id, annotator, status, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (article_id, annotator)"
                " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
                [(article_id, annotator, status, at) for article_id, annotator, status in statuses],
            )

    def statuses(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The stored status of each (article id, annotator) pair that has one."""
        if not pairs:
            return {}
        rows = self.conn.execute(
            "SELECT s.article_id, s.annotator, s.status FROM json_each(?) AS p"
            " JOIN article_status AS s ON s.article_id = json_extract(p.value, '$[0]')"
            " AND s.annotator = json_extract(p.value, '$[1]')",
            (json.dumps(pairs, ensure_ascii=False),),
        )
        return {(a, who): status for a, who, status in rows}

    def status_rows(self) -> dict[tuple[str, str], tuple[str, str]]:
        """Every stored status: (article id, annotator) -> (status, when it was set)."""
        rows = self.conn.execute(
            "SELECT article_id, annotator, status, updated_at FROM article_status"
        )
        return {(a, n): (s, at) for a, n, s, at in rows}

    def status(self, article_id: str, annotator: str) -> str:
        row = self.conn.execute(
            "SELECT status FROM article_status WHERE article_id = ? AND annotator = ?",
            (article_id, annotator),
        ).fetchone()
        return row[0] if row else "todo"

    def progress(self, annotator: str) -> dict[str, tuple[str, int]]:
        """Per article id: (this annotator's status, their passage count), where not todo/0."""
        out: dict[str, tuple[str, int]] = {}
        for article_id, status in self.conn.execute(
            "SELECT article_id, status FROM article_status WHERE annotator = ?", (annotator,)
        ):
            out[article_id] = (status, 0)
        for article_id, count in self.conn.execute(
            "SELECT article_id, count(*) FROM passages WHERE annotator = ? GROUP BY article_id",
            (annotator,),
        ):
            out[article_id] = (out.get(article_id, ("todo", 0))[0], count)
        return out

    # -- corpus figures (the overview) -----------------------------------------------

    def status_counts(self, annotator: str) -> dict[str, int]:
        """Articles per stored status of this annotator (todo: only those stored so)."""
        return dict(
            self.conn.execute(
                "SELECT s.status, count(*) FROM article_status s"
                " JOIN articles a ON a.id = s.article_id"
                " WHERE s.annotator = ? GROUP BY s.status",
                (annotator,),
            ).fetchall()
        )

    def furthest_status_counts(self) -> dict[str, int]:
        """Articles by the furthest status any annotator stored for them."""
        out: dict[str, int] = {}
        for furthest, count in self.conn.execute(
            "SELECT furthest, count(*) FROM (SELECT max(CASE s.status WHEN 'done' THEN 2"
            " WHEN 'in_progress' THEN 1 ELSE 0 END) AS furthest FROM article_status s"
            " JOIN articles a ON a.id = s.article_id GROUP BY s.article_id) GROUP BY furthest"
        ):
            out[STATUSES[furthest]] = out.get(STATUSES[furthest], 0) + count
        return out

    def annotator_status_counts(self) -> dict[tuple[str, str], int]:
        """(annotator, status) -> articles, for in_progress and done."""
        rows = self.conn.execute(
            "SELECT s.annotator, s.status, count(*) FROM article_status s"
            " JOIN articles a ON a.id = s.article_id"
            " WHERE s.status IN ('done', 'in_progress') GROUP BY s.annotator, s.status"
        )
        return {(name, status): count for name, status, count in rows}


def _like_escape(word: str) -> str:
    """`word` matched literally by LIKE ... ESCAPE '\\'."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
