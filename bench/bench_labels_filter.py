"""Filtering passages by one label value (`Store.passage_ids_with_labels`, `search --label`).

1,000,000 passages (100,000 with --quick), labels as the store keeps them (one JSON
object a row). Three ways to find the passages with actor = one of 50 values (2%):
no index (json_extract on every row, what the store does), an expression index on
json_extract(labels, '$."actor"'), and a side table passage_values(passage_id,
attribute, value) with an index on (attribute, value). Each against the no-index scan
of the same run; the index build time and the file size each adds are shown too.
"""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench.common import Row, timing

STANCES = ("supportive", "critical", "neutral", "mixed")
CLAIMS = ("factual_report", "official_statement", "warning", "prediction", "opinion")
ACTORS = tuple(f"actor_{i}" for i in range(50))
WANTED = "actor_7"
PATH = '$."actor"'


def _build(path: Path, n: int) -> None:
    chance = random.Random(13)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(
        "CREATE TABLE passages (id TEXT PRIMARY KEY, article_id TEXT NOT NULL,"
        ' start INTEGER, "end" INTEGER, text TEXT, annotator TEXT,'
        " labels TEXT NOT NULL DEFAULT '{}')"
    )
    conn.execute("BEGIN")
    rows = []
    for i in range(n):
        labels = {"actor": chance.choice(ACTORS), "stance": chance.choice(STANCES)}
        if chance.random() < 0.6:
            labels["claim_type"] = chance.choice(CLAIMS)
        text = json.dumps(labels, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        rows.append((f"p{i:08d}", f"a{i // 20:06d}", 0, 10, "نص المقطع", f"ann{i % 3}", text))
        if len(rows) == 50_000:
            conn.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            rows = []
    conn.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    conn.close()


def _query(conn: sqlite3.Connection, sql: str, runs: int = 5) -> tuple[float, float, int]:
    """Median wall and CPU seconds of `sql` (the ids of the WANTED actor), and the count."""
    walls, cpus, found = [], [], 0
    for _ in range(runs):
        with timing() as took:
            found = len(conn.execute(sql, (WANTED,)).fetchall())
        walls.append(took().wall)
        cpus.append(took().cpu)
    return statistics.median(walls), statistics.median(cpus), found


def _size(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def run(quick: bool) -> Iterator[Row]:
    n = 100_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "labels.db"
        _build(path, n)
        conn = sqlite3.connect(path, isolation_level=None)
        size0 = _size(path)
        scan_sql = f"SELECT id FROM passages WHERE json_extract(labels, '{PATH}') = ?"
        wall, cpu, found = _query(conn, scan_sql)
        base = cpu
        yield Row(
            f"filter {n:,} passages by actor (no index, {found:,} found)",
            wall * 1000,
            "ms",
            cpu=cpu,
            wall=wall,
        )

        with timing() as took:
            conn.execute(f"CREATE INDEX passages_actor ON passages(json_extract(labels, '{PATH}'))")
        build = took()
        wall, cpu, found = _query(conn, scan_sql)
        size1 = _size(path)
        yield Row(
            f"  json_extract expression index (build {build.cpu:.2f} s CPU, +{(size1 - size0) / 2**20:.0f} MiB)",
            wall * 1000,
            "ms",
            "no index, same run",
            base / cpu if cpu else None,
            cpu=cpu,
            wall=wall,
        )
        conn.execute("DROP INDEX passages_actor")

        with timing() as took:
            conn.execute("BEGIN")
            conn.execute(
                "CREATE TABLE passage_values (passage_id TEXT NOT NULL, attribute TEXT NOT NULL,"
                " value TEXT NOT NULL)"
            )
            conn.execute(
                "INSERT INTO passage_values SELECT p.id, j.key, j.value FROM passages p,"
                " json_each(p.labels) j"
            )
            conn.execute(
                "CREATE INDEX passage_values_value ON passage_values(attribute, value, passage_id)"
            )
            conn.execute("COMMIT")
        build = took()
        size2 = _size(path)
        side_sql = "SELECT passage_id FROM passage_values WHERE attribute = 'actor' AND value = ?"
        wall, cpu, found = _query(conn, side_sql)
        yield Row(
            f"  side table passage_values (build {build.cpu:.2f} s CPU, +{(size2 - size1) / 2**20:.0f} MiB)",
            wall * 1000,
            "ms",
            "no index, same run",
            base / cpu if cpu else None,
            cpu=cpu,
            wall=wall,
        )
        conn.close()
