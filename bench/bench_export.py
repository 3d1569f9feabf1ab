"""Dataset export and import: 1,000,000 passages over 10,000 articles, 2 annotators.

Export is `export_records` with the native line writer (what `hashiya export` runs), to
/dev/null, against the least any exporter must do, measured in the same run: read the
same passage rows in the same order with plain sqlite3 and write each with `json.dumps`.
CPU per passage is also measured at 1% of the data: linear means the same cost. Peak
memory of `hashiya export` (native, Label Studio) is measured in fresh processes on
10,000 articles x 4 spans, against the same floor script.

Import is `import_annotation_lines` of that exported file into a fresh database that
already holds the articles (so it measures merging passages, not adding articles). Its
goal is absolute; the floor beside it is `Store.add_passages` saving the same rows,
already built (each with its audit row): the SQLite work no import can avoid.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotations.articles import make_article
from annotations.exchange import (
    IMPORT_CACHE_KIB,
    export_records,
    import_annotation_lines,
    native_lines,
)
from annotations.models import Article
from annotations.schema import default_schema
from annotations.store import PASSAGE_COLUMNS, Store
from annotations.store.labels import labels_json
from bench.common import Row, Timing, best_timing, least_of, process_run, timing
from bench.synthetic import synthetic_texts

ANNOTATORS = ("amal", "omar")
STAMP = "2026-01-02T03:04:05.000000Z"
EXPORT_GOAL = 0.7  # of the floor
LINEAR_GOAL = 1.1  # CPU per passage at 100x the data, against at 1x
MEMORY_GOAL = 1.5  # Label Studio's peak memory against the native exporter's (it streams)
IMPORT_GOAL = 50_000  # passages/s


def synthetic_articles(n: int) -> list[Article]:
    return [
        make_article(text, id=f"art-{i:06d}", source="bench")
        for i, text in enumerate(synthetic_texts(n))
    ]


def fill_passages(store: Store, articles: list[Article], n_passages: int, seed: int = 7) -> None:
    """n_passages valid passages (quote = the article's slice), straight into the table."""
    rng = random.Random(seed)
    schema = default_schema()
    actors = [a.id for a in schema.actors] + [None]
    stances = [v.id for v in schema.stances] + [None]
    claims = [v.id for v in schema.claim_types] + [None]
    per_pair = n_passages // (len(articles) * len(ANNOTATORS))
    rows = []
    for article in articles:
        text = article.text
        for annotator in ANNOTATORS:
            for _ in range(per_pair):
                start = rng.randrange(len(text) - 1)
                end = min(len(text), start + rng.randint(5, 120))
                rows.append(
                    (
                        str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        article.id,
                        start,
                        end,
                        text[start:end],
                        annotator,
                        labels_json(
                            {
                                "actor": rng.choice(actors),
                                "stance": (stance := rng.choice(stances)),
                                "target": "القرار" if stance and rng.random() < 0.2 else None,
                                "claim_type": rng.choice(claims),
                                "note": "راجع المصدر" if rng.random() < 0.05 else None,
                            }
                        ),
                        schema.name,
                        schema.version,
                        STAMP,
                        STAMP,
                        "",  # kind: the default
                    )
                )
    columns = ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS)
    marks = ", ".join("?" * len(PASSAGE_COLUMNS))
    with store.transaction() as conn:
        conn.executemany(f"INSERT INTO passages ({columns}) VALUES ({marks})", rows)
        conn.executemany(
            "INSERT INTO article_status (article_id, annotator, status, updated_at)"
            " VALUES (?, ?, ?, ?)",
            [
                (a.id, who, "done" if i % 3 else "in_progress", STAMP)
                for i, a in enumerate(articles)
                for who in ANNOTATORS
            ],
        )


def export_to(store: Store, path: str) -> int:
    """Our export: records, native lines, written as UTF-8. Returns the lines written."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        for line in native_lines(export_records(store, default_schema())):
            out.write(line + "\n")
            count += 1
    return count


def floor_export(store: Store, path: str) -> int:
    """The floor: the same rows, same order, plain sqlite3 and json.dumps."""
    columns = ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS)
    sql = f'SELECT {columns} FROM passages ORDER BY article_id, annotator, start, "end", id'
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        for row in store.conn.execute(sql):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def floor_import(path: Path, articles: list[Article], rows: list[tuple[Any, ...]]) -> Timing:
    """`Store.add_passages` alone saving the rows, already built, 100 at a time, with
    the import's page cache: the SQLite work no import can avoid."""
    with Store(path) as fresh:
        fresh.add_articles(articles)
        fresh.conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
        with timing() as took, fresh.transaction():
            for i in range(0, len(rows), 100):
                fresh.add_passages(rows[i : i + 100], by="", action="import")
        return took()


FLOOR_SCRIPT = """
import json, sqlite3, sys
columns = sys.argv[2]
conn = sqlite3.connect(sys.argv[1])
sql = f'SELECT {columns} FROM passages ORDER BY article_id, annotator, start, "end", id'
with open(sys.argv[3], "w", encoding="utf-8") as out:
    for row in conn.execute(sql):
        out.write(json.dumps(row, ensure_ascii=False) + "\\n")
"""


def _export_rate(store: Store, n_passages: int, repeat: int) -> tuple[float, Timing, float]:
    """(ours passages/s, our timing, floor passages/s): best of `repeat`, by CPU."""
    floor = best_timing(repeat, lambda: floor_export(store, os.devnull))
    ours = best_timing(repeat, lambda: export_to(store, os.devnull))
    return n_passages / ours.cpu, ours, n_passages / floor.cpu


def _memory_rows(folder: Path, n_articles: int) -> Iterator[Row]:
    """Peak memory of `hashiya export` (native, labelstudio) against the floor, each a
    fresh process on the same database: 4 spans an article."""
    db = folder / "memory.db"
    articles = synthetic_articles(n_articles)
    with Store(db) as store:
        store.add_articles(articles)
        fill_passages(store, articles, 4 * n_articles)
    n_spans = 4 * n_articles
    hashiya = str(Path(sys.executable).parent / "hashiya")
    columns = ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS)
    floor = least_of(
        2,
        lambda: process_run([sys.executable, "-c", FLOOR_SCRIPT, str(db), columns, os.devnull]),
    )
    runs = {}
    for name in ("native", "labelstudio"):
        out = folder / f"out-{name}.json"
        runs[name] = least_of(
            2,
            lambda name=name, out=out: process_run(  # type: ignore[misc]
                [hashiya, "--db", str(db), "export", "--format", name, "-o", str(out)]
            ),
        )
    native = runs["native"]
    yield Row(
        f"export --format native, {n_spans:,} spans: peak memory",
        native.peak_mib,
        "MiB",
        baseline=f"sqlite3 + json.dumps {floor.peak_mib:.0f} MiB",
        ratio=native.peak_mib / floor.peak_mib,
        cpu=native.cpu,
        wall=native.wall,
    )
    ours = runs["labelstudio"]
    ratio = ours.peak_mib / native.peak_mib
    yield Row(
        f"export --format labelstudio, {n_spans:,} spans: peak memory",
        ours.peak_mib,
        "MiB",
        baseline=f"native export {native.peak_mib:.0f} MiB (floor {floor.peak_mib:.0f})",
        ratio=ratio,
        goal=f"<= {MEMORY_GOAL}x",
        met=ratio <= MEMORY_GOAL,
        cpu=ours.cpu,
        wall=ours.wall,
    )


def run(quick: bool) -> Iterator[Row]:
    n_articles = 1_000 if quick else 10_000
    n_passages = 100 * n_articles
    schema = default_schema()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        yield from _memory_rows(folder, n_articles)

        # Per passage at 1% of the data, then at all of it: linear means the same cost.
        small_articles = synthetic_articles(n_articles // 100)
        with Store(folder / "small.db") as small:
            small.add_articles(small_articles)
            fill_passages(small, small_articles, n_passages // 100)
            small_rate, _, _ = _export_rate(small, n_passages // 100, 5)

        articles = synthetic_articles(n_articles)
        with Store(folder / "source.db") as store:
            store.add_articles(articles)
            fill_passages(store, articles, n_passages)
            ours, took, floor = _export_rate(store, n_passages, 3)
            ratio = ours / floor
            yield Row(
                f"export {n_passages:,} passages (native)",
                ours,
                "passages/s CPU",
                baseline=f"sqlite3 + json.dumps {floor:,.0f}/s",
                ratio=ratio,
                goal=f">= {EXPORT_GOAL}x",
                met=ratio >= EXPORT_GOAL,
                cpu=took.cpu,
                wall=took.wall,
            )
            growth = small_rate / ours
            yield Row(
                f"export: CPU per passage at {n_passages:,} vs {n_passages // 100:,}",
                growth,
                "x",
                baseline=f"{small_rate:,.0f} passages/s at 1% of the data",
                goal=f"<= {LINEAR_GOAL}x (linear)",
                met=growth <= LINEAR_GOAL,
            )
            exported = folder / "export.jsonl"
            export_to(store, str(exported))
            columns = ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS)
            rows = list(
                store.conn.execute(
                    f'SELECT {columns} FROM passages ORDER BY article_id, annotator, start, "end"'
                )
            )

        ours: list[Timing] = []
        floors: list[Timing] = []
        for attempt in range(2):
            floors.append(floor_import(folder / f"floor{attempt}.db", articles, rows))
            with Store(folder / f"import{attempt}.db") as fresh:
                fresh.add_articles(articles)
                with exported.open("rb") as lines, timing() as took:
                    result = import_annotation_lines(fresh, schema, exported.name, lines)
                assert result.passages_added == n_passages, result.summary
                ours.append(took())
            for leftover in folder.glob(f"*{attempt}.db*"):
                leftover.unlink()

    best = min(ours, key=lambda t: t.cpu)
    import_floor = n_passages / min(t.cpu for t in floors)
    imported = n_passages / best.cpu
    yield Row(
        f"import {n_passages:,} passages (native)",
        imported,
        "passages/s CPU",
        baseline=f"Store.add_passages alone {import_floor:,.0f}/s",
        ratio=imported / import_floor,
        goal=f">= {IMPORT_GOAL:,}/s",
        met=imported >= IMPORT_GOAL,
        cpu=best.cpu,
        wall=best.wall,
    )
