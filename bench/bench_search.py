"""Search: index build speed against plain FTS5, and query latency, on synthetic articles.

Articles are made from the seed paragraphs, shuffled (3 to 12 paragraphs each), in a
temporary database: 100,000 of them, or 5,000 with --quick. The baseline inserts the raw,
unnormalised title and text into a plain FTS5 table in the same run.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from annotations.search import (
    SEARCH_SCHEMA_SQL,
    find_in_text,
    index_articles,
    optimize_index,
    search,
)
from bench.common import Row, best_of, timer

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# A mix of what users type: rare and very common words, with and without hamza and
# harakat, phrases, prefixes being typed, digits of both kinds, and no match at all.
QUERIES = [
    "الأمريكية",
    "الامريكية",
    "وتُعد",
    "داعش",
    "في",
    '"القوات الأمريكية"',
    "العراق سوريا",
    "٢٠١٤",
    "2014",
    "الحدود",
    "بغداد واشنطن",
    "الانسحاب",
    '"المعارضة السورية"',
    "قسد",
    "الأنبار",
    "امريك",
    "تنظيم داعش",
    "السفارة الأمريكية",
    "عين الأسد",
    "كلمةغيرموجودة",
]


def _paragraphs() -> list[str]:
    found: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        found.extend(p.strip() for p in path.read_text(encoding="utf-8").split("\n"))
    return [p for p in found if len(p) > 40]


def _articles(count: int) -> Iterator[tuple[str, str, str]]:
    """The same `count` synthetic (id, title, text) rows on every call."""
    paragraphs = _paragraphs()
    rng = random.Random(20240101)
    for number in range(count):
        body = rng.sample(paragraphs, rng.randint(3, 12))
        title = " ".join(rng.choice(paragraphs).split()[:8])
        yield f"a{number:06d}", title, "\n".join(body)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _with_articles(path: Path, count: int) -> sqlite3.Connection:
    conn = _connect(path)
    conn.execute("CREATE TABLE articles (id TEXT PRIMARY KEY, title TEXT, text TEXT)")
    with conn:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO articles VALUES (?, ?, ?)", _articles(count))
    return conn


def run(quick: bool) -> list[Row]:
    count = 5_000 if quick else 100_000
    chars = statistics.mean(len(text) for _, _, text in _articles(1_000))
    label = f"{count:,} articles of ~{chars:,.0f} chars"
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="hashiya-bench-search-") as tmp:
        baseline = _with_articles(Path(tmp) / "baseline.db", count)
        baseline.execute("CREATE VIRTUAL TABLE raw_fts USING fts5(title, body)")
        with timer() as elapsed:
            baseline.execute("BEGIN")
            baseline.executemany(
                "INSERT INTO raw_fts (title, body) VALUES (?, ?)",
                ((title, text) for _, title, text in _articles(count)),
            )
            baseline.execute("COMMIT")
        baseline_rate = count / elapsed()
        baseline.close()
        (Path(tmp) / "baseline.db").unlink()

        conn = _with_articles(Path(tmp) / "search.db", count)
        for statement in SEARCH_SCHEMA_SQL:
            conn.execute(statement)
        with timer() as elapsed:
            index_articles(conn, _articles(count))
        rate = count / elapsed()
        rows.append(
            Row(
                name=f"search index build, {label}",
                figure=rate,
                unit="articles/s",
                baseline=f"plain FTS5 insert, raw text ({baseline_rate:,.0f}/s)",
                ratio=rate / baseline_rate,
                goal=">= 2,000 articles/s",
                met=rate >= 2_000,
            )
        )
        with timer() as elapsed:
            optimize_index(conn)
        rows.append(Row(name=f"search index optimize, {label}", figure=elapsed(), unit="s"))

        for query in QUERIES:  # warm the page cache
            search(conn, query)
        latencies = []
        for query in QUERIES:
            start = time.perf_counter()
            search(conn, query)
            latencies.append((time.perf_counter() - start) * 1000)
        median = statistics.median(latencies)
        rows.append(
            Row(
                name=f"search query median of {len(QUERIES)}, {label}",
                figure=median,
                unit="ms",
                goal="< 100 ms",
                met=median < 100,
            )
        )
        worst = max(latencies)
        worst_query = QUERIES[latencies.index(worst)]
        rows.append(
            Row(name=f"search query worst ({worst_query}), {label}", figure=worst, unit="ms")
        )
        conn.close()

    longest = max((p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")), key=len)
    find_ms = [best_of(5, partial(find_in_text, query, longest)) * 1000 for query in QUERIES]
    rows.append(
        Row(
            name=f"find in article ({len(longest):,} chars), median",
            figure=statistics.median(find_ms),
            unit="ms",
            goal="< 10 ms",
            met=statistics.median(find_ms) < 10,
        )
    )
    return rows
