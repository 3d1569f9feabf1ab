"""Full-text search over the corpus (SQLite FTS5) and find-in-article, Arabic-aware.

The index holds the *normalised* title and text of each article (`normalize_text`), so
spelling variation is folded away before SQLite's unicode61 tokenizer splits words. FTS5
says which articles match; the exact offsets come from re-normalising the stored text of
each hit in Python and mapping the matches back (`Normalized.span_to_original`).

The database belongs to `annotations/store/`: run `SEARCH_SCHEMA_SQL` as one numbered
migration (then `rebuild_index` to index the articles already stored). Every function
here takes the store's `sqlite3.Connection` and expects the store's
`articles(id TEXT PRIMARY KEY, title TEXT, text TEXT)` table.

Query syntax (docs/search.md): words, all of which must match; "quoted phrases" (also
«…» and “…”); the last word is a prefix while it is being typed (no space after it).
Nothing else is syntax, so no query can be an FTS5 syntax error.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from annotations.search.normalize import normalize, normalize_text, tokenize

__all__ = [
    "SEARCH_SCHEMA_SQL",
    "Hit",
    "QueryTerm",
    "find_in_text",
    "index_articles",
    "optimize_index",
    "parse_query",
    "rebuild_index",
    "remove_article",
    "search",
]

SEARCH_SCHEMA_SQL: list[str] = [
    # FTS5 rowids are integers and article ids are text: this table numbers the indexed
    # articles. Deleting an article deletes its row here (with foreign keys on), and the
    # trigger below deletes its index entry.
    """CREATE TABLE search_docs (
    docid INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE
)""",
    # The normalised title and text. The table keeps its own copy of them (not
    # contentless) so that deleting a row needs nothing but its rowid.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
)""",
    # Rank a match in the title four times higher than one in the text.
    "INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')",
    """CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
    DELETE FROM search_fts WHERE rowid = old.docid;
END""",
]

# The last word of a query is a prefix only from this many letters: a one-letter prefix
# matches nearly every article and says nothing yet.
MIN_PREFIX_CHARS = 2
# More terms than this are ignored (a pasted paragraph is not a query).
MAX_QUERY_TERMS = 32
# Characters of context in a snippet, around the hit, at most.
SNIPPET_CHARS = 160

_OPEN_QUOTES = {'"': '"', "«": "»", "“": "”"}
_QUERY_PART_RE = re.compile(r'"[^"]*"?|«[^»]*»?|“[^”]*”?|[^\s"«“]+')
_WORD_CHAR = r"[^\W_]"  # a letter or digit, as in `tokenize`
_NOT_AFTER_WORD = rf"(?<!{_WORD_CHAR})"
_NOT_BEFORE_WORD = rf"(?!{_WORD_CHAR})"
_SEPARATORS = r"[\W_]+"


@dataclass(frozen=True)
class QueryTerm:
    """One word or phrase of a query: normalised tokens, all of which must follow in order.

    When `prefix` is true the last token matches any word that starts with it.
    """

    tokens: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        """The term as an FTS5 string: quoted, so that it can never be FTS5 syntax."""
        quoted = '"' + " ".join(self.tokens).replace('"', '""') + '"'
        return quoted + "*" if self.prefix else quoted

    def pattern(self) -> str:
        """A regex matching the term in normalised text, whole words only."""
        body = _SEPARATORS.join(re.escape(token) for token in self.tokens)
        tail = f"{_WORD_CHAR}*" if self.prefix else _NOT_BEFORE_WORD
        return _NOT_AFTER_WORD + body + tail


@dataclass(frozen=True)
class Hit:
    """One matching article; every offset is a code-point offset into stored text."""

    article_id: str
    title: str
    # The first match in the article's text, or None when only the title matched.
    start: int | None
    end: int | None
    # Every match in the text and in the title, in order; a prefix match covers the
    # whole word it begins, and a match covers the harakat of its last letter.
    spans: tuple[tuple[int, int], ...]
    title_spans: tuple[tuple[int, int], ...]
    # The stored text around the first match (the start of the text when the title
    # alone matched), within its paragraph: text[snippet_start:snippet_start + len].
    snippet: str
    snippet_start: int
    # The matches inside the snippet, relative to it (the first match first).
    snippet_spans: tuple[tuple[int, int], ...]
    rank: float  # FTS5 bm25: lower is better


def parse_query(query: str, *, prefix_last: bool = True) -> list[QueryTerm]:
    """The terms of a user's query, normalised; [] when it has no words at all.

    Words are split on white space; a word that normalises to several tokens (`al-Qaeda`,
    `U.S.`) is a phrase. Text in quotes (`"…"`, `«…»`, `“…”`) is a phrase; a quote left
    open runs to the end. With `prefix_last`, the last word or open phrase is a prefix
    unless white space follows it, i.e. while the user is still typing it.
    """
    terms: list[QueryTerm] = []
    parts = list(_QUERY_PART_RE.finditer(query))
    for number, part in enumerate(parts):
        raw = part.group()
        closed = True
        if raw[0] in _OPEN_QUOTES:
            closed = len(raw) > 1 and raw[-1] == _OPEN_QUOTES[raw[0]]
            raw = raw[1:-1] if closed else raw[1:]
        normalised = normalize_text(raw)
        tokens = tuple(normalised[s:e] for s, e in tokenize(normalised))
        if not tokens:
            continue
        typing = (
            prefix_last
            and number == len(parts) - 1
            and part.end() == len(query)
            and not (closed and part.group()[0] in _OPEN_QUOTES)
            and len(tokens[-1]) >= MIN_PREFIX_CHARS
        )
        term = QueryTerm(tokens, prefix=typing)
        if term not in terms:
            terms.append(term)
    return terms[:MAX_QUERY_TERMS]


def _matcher(terms: list[QueryTerm]) -> re.Pattern[str]:
    # Longer terms first: at one position a phrase wins over its first word alone.
    ordered = sorted(terms, key=lambda t: (-len(t.tokens), -sum(map(len, t.tokens))))
    return re.compile("|".join(term.pattern() for term in ordered))


def _spans(matcher: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """Every match in `text` (stored, not normalised), as offsets into `text`."""
    normalised = normalize(text)
    return [normalised.span_to_original(*m.span()) for m in matcher.finditer(normalised.text)]


def find_in_text(query: str, text: str, *, prefix_last: bool = True) -> list[tuple[int, int]]:
    """Every match of `query` in one article's stored `text`, as (start, end) offsets.

    For search within the open article: matches of any of the query's terms, in order,
    not overlapping; the query syntax is `search`'s.
    """
    terms = parse_query(query, prefix_last=prefix_last)
    if not terms:
        return []
    return _spans(_matcher(terms), text)


@contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    """All or nothing, inside or outside the caller's transaction."""
    conn.execute("SAVEPOINT search_index")
    try:
        yield
    except BaseException:
        # After disk full or an I/O error SQLite may have rolled back the whole
        # transaction, savepoint included: then there is nothing left to undo.
        if conn.in_transaction:
            conn.execute("ROLLBACK TO search_index")
            conn.execute("RELEASE search_index")
        raise
    conn.execute("RELEASE search_index")


def index_articles(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, str]]) -> int:
    """Index (article_id, title, text) rows, replacing what was indexed for those ids.

    The articles must be in the `articles` table (the index refers to them). All rows
    are indexed in one savepoint: all or none. Returns the number of rows indexed.
    """
    count = 0
    rows = iter(rows)
    with _savepoint(conn):
        while chunk := list(islice(rows, _INDEX_CHUNK)):
            count += len(chunk)
            _index_chunk(conn, chunk)
    return count


# Rows looked up, numbered and inserted together: one statement per chunk instead of two
# a row. Below SQLite's smallest limit of host parameters (999).
_INDEX_CHUNK = 500


def _index_chunk(conn: sqlite3.Connection, chunk: list[tuple[str, str, str]]) -> None:
    # An id given twice is indexed once, with its last text, as indexing it again would.
    latest = {article_id: (title, text) for article_id, title, text in chunk}
    marks = ", ".join("?" * len(latest))
    found = dict(
        conn.execute(
            f"SELECT article_id, docid FROM search_docs WHERE article_id IN ({marks})",
            list(latest),
        ).fetchall()
    )
    if found:
        conn.executemany(
            "DELETE FROM search_fts WHERE rowid = ?", [(docid,) for docid in found.values()]
        )
    new = [article_id for article_id in latest if article_id not in found]
    if new:
        # The numbers SQLite would give them one by one: after the largest in use.
        (largest,) = conn.execute("SELECT max(docid) FROM search_docs").fetchone()
        first = (largest or 0) + 1
        numbered = list(enumerate(new, start=first))
        conn.executemany("INSERT INTO search_docs (docid, article_id) VALUES (?, ?)", numbered)
        found.update((article_id, docid) for docid, article_id in numbered)
    conn.executemany(
        "INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)",
        [
            (found[article_id], normalize_text(title or ""), normalize_text(text or ""))
            for article_id, (title, text) in latest.items()
        ],
    )


def remove_article(conn: sqlite3.Connection, article_id: str) -> bool:
    """Take one article out of the index; False if it was not in it.

    Deleting the article from `articles` does this too when foreign keys are on.
    """
    with _savepoint(conn):
        # The trigger on search_docs deletes the index entry.
        deleted = conn.execute("DELETE FROM search_docs WHERE article_id = ?", (article_id,))
    return deleted.rowcount > 0


def rebuild_index(conn: sqlite3.Connection) -> int:
    """Index every article in `articles` afresh (after the migration, or a rule change)."""
    with _savepoint(conn):
        conn.execute("DELETE FROM search_fts")
        conn.execute("DELETE FROM search_docs")
        rows = conn.execute("SELECT id, title, text FROM articles ORDER BY rowid")
        count = index_articles(conn, rows)
    optimize_index(conn)
    return count


def optimize_index(conn: sqlite3.Connection) -> None:
    """Merge the index into one b-tree: faster queries after a large build (takes a while)."""
    with _savepoint(conn):
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")


# Ranking costs about 2 µs per matching article, so a query matching most of a large
# corpus is ranked among its RANK_WINDOW most recently indexed matches only; the older
# matches follow them, newest first. Below that many matches, everything is ranked.
RANK_WINDOW = 10_000

_WINDOW_BOUND_SQL = """
SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?
"""
_RANKED_SQL = """
SELECT rowid, rank FROM search_fts
WHERE search_fts MATCH ? AND rowid >= ? ORDER BY rank LIMIT ? OFFSET ?
"""
_OLDER_SQL = """
SELECT rowid, rank FROM search_fts
WHERE search_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ? OFFSET ?
"""
_ARTICLE_SQL = """
SELECT d.article_id, a.title, a.text FROM search_docs AS d JOIN articles AS a ON a.id = d.article_id
WHERE d.docid = ?
"""


def _matching_docids(
    conn: sqlite3.Connection, expression: str, limit: int, offset: int
) -> list[tuple[int, float]]:
    """(docid, rank) of the matches from `offset`, best first (see RANK_WINDOW)."""
    found = conn.execute(_WINDOW_BOUND_SQL, (expression, RANK_WINDOW - 1)).fetchone()
    bound = found[0] if found else 0  # the oldest docid in the window
    docids: list[tuple[int, float]] = []
    if offset < RANK_WINDOW:
        ranked_limit = min(limit, RANK_WINDOW - offset)
        docids += conn.execute(_RANKED_SQL, (expression, bound, ranked_limit, offset)).fetchall()
    if found and len(docids) < limit:
        older_offset = max(0, offset - RANK_WINDOW)
        older = conn.execute(_OLDER_SQL, (expression, bound, limit - len(docids), older_offset))
        docids += older.fetchall()
    return docids


def search(
    conn: sqlite3.Connection,
    query: str,
    limit: int = 50,
    offset: int = 0,
    *,
    prefix_last: bool = True,
) -> list[Hit]:
    """The articles matching `query`, best first, with the matches' stored-text offsets.

    An article matches when every term of the query is in its title or its text. Any
    string is a valid query: one without words matches nothing. Results are ranked by
    bm25, among the RANK_WINDOW most recently indexed matches when there are more.
    """
    terms = parse_query(query, prefix_last=prefix_last)
    if not terms or limit <= 0:
        return []
    offset = max(0, offset)
    expression = " AND ".join(term.fts() for term in terms)
    matcher = _matcher(terms)
    hits = []
    for docid, rank in _matching_docids(conn, expression, limit, offset):
        article = conn.execute(_ARTICLE_SQL, (docid,)).fetchone()
        if article is None:  # indexed, but no longer in `articles` (foreign keys off)
            continue
        article_id, title, text = article[0], article[1] or "", article[2] or ""
        spans = _spans(matcher, text)
        if spans:
            snippet_start, snippet_end = _snippet_range(text, *spans[0])
        else:  # the title alone matched: show the beginning of the text
            first = len(text) - len(text.lstrip())
            snippet_start, snippet_end = _snippet_range(text, first, first)
        snippet_spans = tuple(
            (max(s, snippet_start) - snippet_start, min(e, snippet_end) - snippet_start)
            for s, e in spans
            if s < snippet_end and e > snippet_start
        )
        hits.append(
            Hit(
                article_id=article_id,
                title=title,
                start=spans[0][0] if spans else None,
                end=spans[0][1] if spans else None,
                spans=tuple(spans),
                title_spans=tuple(_spans(matcher, title)),
                snippet=text[snippet_start:snippet_end],
                snippet_start=snippet_start,
                snippet_spans=snippet_spans,
                rank=rank,
            )
        )
    return hits


def _snippet_range(text: str, start: int, end: int) -> tuple[int, int]:
    """A range of `text` of at most SNIPPET_CHARS around text[start:end] (the hit itself
    when it is longer), inside the hit's paragraph, not cutting words at its edges."""
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    if para_end == -1:
        para_end = len(text)
    room = max(0, SNIPPET_CHARS - (end - start))
    before = min(start - para_start, room // 2)
    after = min(para_end - end, room - before)
    before = min(start - para_start, room - after)  # room left after a short tail
    snippet_start, snippet_end = start - before, end + after
    # Begin and end at spaces rather than inside words (unless the hit is in the way).
    if snippet_start > para_start and not text[snippet_start - 1].isspace():
        while snippet_start < start and not text[snippet_start - 1].isspace():
            snippet_start += 1
    if snippet_end < para_end and not text[snippet_end].isspace():
        while snippet_end > end and not text[snippet_end].isspace():
            snippet_end -= 1
    return snippet_start, snippet_end
