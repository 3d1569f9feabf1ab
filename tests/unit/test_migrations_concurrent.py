"""Processes started together on one database migrate it once, and none fails."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from annotations.store import MIGRATIONS, Store
from annotations.store.migrations import apply
from tests.support.processes import open_together

PROCESSES = 8
DATABASES = 20


def _start_together(paths: list[Path]) -> list[str]:
    """Open each database from PROCESSES processes at once; the failures."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    procs = [
        context.Process(target=open_together, args=([str(p) for p in paths], barrier, results))
        for _ in range(PROCESSES)
    ]
    for proc in procs:
        proc.start()
    # Read before joining: a process exits only once what it queued has been read.
    found = [results.get(timeout=120) for _ in range(PROCESSES * len(paths))]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    return [f for f in found if f != "ok"]


def _schema(path: Path) -> tuple[int, list[tuple[str, str]]]:
    with sqlite3.connect(path) as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        names = conn.execute("SELECT type, name FROM sqlite_master ORDER BY type, name").fetchall()
    return version, names


@pytest.fixture(scope="module")
def expected_schema(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, list[Any]]:
    path = tmp_path_factory.mktemp("one") / "alone.db"
    Store(path).close()
    return _schema(path)


def test_eight_processes_on_new_databases(tmp_path: Path, expected_schema: Any) -> None:
    paths = [tmp_path / f"new-{i}.db" for i in range(DATABASES)]
    assert _start_together(paths) == []
    assert [_schema(p) for p in paths] == [expected_schema] * DATABASES


def test_eight_processes_upgrading_from_the_previous_version(
    tmp_path: Path, expected_schema: Any
) -> None:
    paths = [tmp_path / f"old-{i}.db" for i in range(DATABASES)]
    for path in paths:  # a database as the previous Hashiya left it
        with sqlite3.connect(path, isolation_level=None) as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("BEGIN")
            for migration in MIGRATIONS[:-1]:
                apply(conn, migration)
            conn.execute("COMMIT")
            conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
        conn.close()
    assert _start_together(paths) == []
    assert [_schema(p) for p in paths] == [expected_schema] * DATABASES
