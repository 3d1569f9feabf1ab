"""Import speed (articles/s from one JSONL file) against sqlite-utils insert_all."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import sqlite_utils

from annotations.articles import make_article
from annotations.importer import import_paths
from annotations.store import Store
from bench.common import Row, timer
from bench.synthetic import write_jsonl


def run(quick: bool) -> list[Row]:
    n = 1_000 if quick else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = write_jsonl(folder / "corpus.jsonl", n)

        ours = 0.0
        for attempt in range(2):  # best of two: the machine is shared
            with Store(folder / f"hashiya{attempt}.db") as store, timer() as elapsed:
                report = import_paths(store, [str(source)])
            assert len(report.imported) == n, report.summary
            ours = max(ours, n / elapsed())

        # Baseline: the same rows, already built, inserted by sqlite-utils in one call.
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
        baseline = 0.0
        for attempt in range(2):
            db = sqlite_utils.Database(folder / f"baseline{attempt}.db")
            db.conn.execute("PRAGMA journal_mode = WAL")
            with timer() as elapsed:
                db["articles"].insert_all(rows, pk="id", batch_size=1000)
            baseline = max(baseline, n / elapsed())
            db.close()

    ratio = ours / baseline
    return [
        Row(
            f"import {n:,} articles (JSONL)",
            ours,
            "articles/s",
            baseline=f"sqlite-utils insert_all {baseline:,.0f}/s",
            ratio=ratio,
            goal=">= 0.25x",
            met=ratio >= 0.25,
        )
    ]
