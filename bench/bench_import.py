"""Bulk import: `hashiya import` of one JSONL file, and `import-annotations` of a native
file with 3 spans a line, each in CPU time beside wall time.

Article import is measured against sqlite-utils `insert_all` of the same rows, already
built, in the same run; beside it is what no import of the file can skip (decoding,
parsing the JSON, NFC, the id's hash, one INSERT), to show how far the goal is reachable. Annotation import has an absolute goal; beside it is the floor
no import can go below: `Store.add_articles` and `Store.add_passages` saving the same
articles and rows, already built.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from annotations.articles import make_article
from annotations.exchange import IMPORT_CACHE_KIB, import_annotation_lines
from annotations.importer import JSONL_BUFFER, import_paths
from annotations.schema import default_schema
from annotations.store import PASSAGE_COLUMNS, Store
from bench.bench_export import ANNOTATORS, export_to, fill_passages, synthetic_articles
from bench.common import Row, Timing, best_timing, timing
from bench.synthetic import write_jsonl

IMPORT_GOAL = 0.5  # of sqlite-utils insert_all
SPANS_GOAL = 20_000  # spans/s of CPU
SPANS_PER_LINE = 3


def _least(timings: list[Timing]) -> Timing:
    return min(timings, key=lambda t: t.cpu)


def _article_rows(source: Path) -> list[dict[str, object]]:
    rows = []
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            a = make_article(json.loads(line)["text"])
            rows.append(
                {
                    "id": a.id,
                    "title": a.title,
                    "source": a.source,
                    "text": a.text,
                    "paragraphs": json.dumps(a.paragraphs),
                    "n_chars": len(a.text),
                    "n_paragraphs": len(a.paragraphs),
                    "imported_at": a.imported_at,
                }
            )
    return rows


def _unavoidable(source: Path, db: Path) -> None:
    """Decode each line, parse it, NFC the text, hash it, insert it: nothing else."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE articles (id TEXT PRIMARY KEY, text TEXT NOT NULL)")
    rows = []
    # The buffer the importer reads with: the default 8 KiB is a cost a reader can skip.
    with source.open("rb", buffering=JSONL_BUFFER) as lines:
        for raw in lines:
            text = unicodedata.normalize("NFC", json.loads(raw.decode("utf-8"))["text"])
            utf8 = text.encode("utf-8")  # encoded once: for the hash and for SQLite
            rows.append((hashlib.sha256(utf8).hexdigest()[:16], utf8))
    with conn:
        conn.executemany("INSERT INTO articles VALUES (?, CAST(? AS TEXT))", rows)
    conn.close()


def _articles_rows(folder: Path, n: int, repeat: int) -> Iterator[Row]:
    source = write_jsonl(folder / "corpus.jsonl", n)
    ours: list[Timing] = []
    for attempt in range(repeat):
        with Store(folder / f"hashiya{attempt}.db") as store, timing() as took:
            report = import_paths(store, [str(source)])
        assert len(report.imported) == n, report.summary
        ours.append(took())
    rows = _article_rows(source)
    floor: list[Timing] = []
    for attempt in range(repeat):
        db = sqlite_utils.Database(folder / f"baseline{attempt}.db")
        db.conn.execute("PRAGMA journal_mode = WAL")
        with timing() as took:
            db["articles"].insert_all(rows, pk="id", batch_size=1000)
        floor.append(took())
        db.close()
    unavoidable: list[Timing] = []
    for attempt in range(repeat):
        with timing() as took:
            _unavoidable(source, folder / f"unavoidable{attempt}.db")
        unavoidable.append(took())
    best, base, least = _least(ours), _least(floor), _least(unavoidable)
    ratio = base.cpu / best.cpu
    yield Row(
        f"import {n:,} articles (JSONL)",
        n / best.cpu,
        "articles/s CPU",
        baseline=f"sqlite-utils insert_all {n / base.cpu:,.0f}/s",
        ratio=ratio,
        goal=f">= {IMPORT_GOAL}x",
        met=ratio >= IMPORT_GOAL,
        cpu=best.cpu,
        wall=best.wall,
    )
    yield Row(
        "  the unavoidable part (decode, JSON, NFC, hash, INSERT)",
        n / least.cpu,
        "articles/s CPU",
        baseline=f"sqlite-utils insert_all {n / base.cpu:,.0f}/s",
        ratio=base.cpu / least.cpu,
        cpu=least.cpu,
        wall=least.wall,
    )


def _parse_lines(path: Path) -> None:
    """Decode and parse every line: what no reader of the file can skip."""
    with path.open("rb", buffering=JSONL_BUFFER) as lines:
        for raw in lines:
            json.loads(raw.decode("utf-8"))


def _spans_rows(folder: Path, n_articles: int, repeat: int) -> Iterator[Row]:
    articles = synthetic_articles(n_articles)
    n_spans = SPANS_PER_LINE * n_articles * len(ANNOTATORS)
    exported = folder / "spans.jsonl"
    columns = ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS)
    with Store(folder / "spans-source.db") as store:
        store.add_articles(articles)
        fill_passages(store, articles, n_spans)
        assert export_to(store, str(exported)) == n_articles * len(ANNOTATORS)
        rows = list(store.conn.execute(f"SELECT {columns} FROM passages ORDER BY rowid"))
    schema = default_schema()
    ours: list[Timing] = []
    floor: list[Timing] = []
    for attempt in range(repeat):
        with Store(folder / f"floor-spans{attempt}.db") as fresh:
            fresh.conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
            with timing() as took, fresh.transaction():
                fresh.add_articles(articles)
                for i in range(0, len(rows), 1000):
                    fresh.add_passages(rows[i : i + 1000], by="", action="import")
            floor.append(took())
        with (
            Store(folder / f"spans{attempt}.db") as fresh,
            exported.open("rb", buffering=JSONL_BUFFER) as lines,
        ):
            with timing() as took:
                result = import_annotation_lines(fresh, schema, exported.name, lines)
            assert result.passages_added == n_spans, result.summary
            ours.append(took())
    parsing = _least([best_timing(1, lambda: _parse_lines(exported)) for _ in range(repeat)])
    best, base = _least(ours), _least(floor)
    rate = n_spans / best.cpu
    yield Row(
        f"import-annotations {n_spans:,} spans, {SPANS_PER_LINE} a line",
        rate,
        "spans/s CPU",
        baseline=f"Store.add_articles+add_passages {n_spans / base.cpu:,.0f}/s",
        ratio=base.cpu / best.cpu,
        goal=f">= {SPANS_GOAL:,}/s",
        met=rate >= SPANS_GOAL,
        cpu=best.cpu,
        wall=best.wall,
    )
    # Each line carries its article's text: decoding and parsing the lines, then saving
    # the rows already built, is a ceiling no import of this file can pass.
    unavoidable = parsing.cpu + base.cpu
    yield Row(
        "  the unavoidable part (decode + JSON of each line, then the floor)",
        n_spans / unavoidable,
        "spans/s CPU",
        baseline=f"decode + JSON {parsing.cpu * 1000:,.0f} ms CPU",
        ratio=unavoidable / best.cpu,
        cpu=unavoidable,
        wall=parsing.wall + base.wall,
    )


def run(quick: bool) -> Iterator[Row]:
    n = 1_000 if quick else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        yield from _articles_rows(folder, n, 2 if quick else 3)
        yield from _spans_rows(folder, n // 2, 2 if quick else 3)
