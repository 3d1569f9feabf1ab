"""Keys typed ahead of the tag dialog, in the real binary: none is lost, none reordered."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.tmux import Tmux, hashiya_command, terminal_env

pytestmark = pytest.mark.e2e

TRIES = 30
GAP = 0.02  # seconds between keys: faster than anyone types


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Tmux, Path]]:
    db = tmp_path / "e2e.db"
    env = terminal_env(tmp_path)
    tmux = Tmux(hashiya_command("--db", str(db), "--annotator", "sara"), 80, 24, env)
    try:
        yield tmux, db
    finally:
        tmux.close()


def passages(db: Path) -> list[tuple[str | None, str | None, str | None]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT json_extract(labels, '$.actor'), json_extract(labels, '$.stance'),"
            " json_extract(labels, '$.claim_type') FROM passages ORDER BY created_at"
        ).fetchall()
    finally:
        conn.close()


def wait_until(done: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def test_a_tag_typed_in_one_go_is_saved_every_time(terminal: tuple[Tmux, Path]) -> None:
    tmux, db = terminal
    tmux.wait_for(lambda lines: any("chars" in line for line in lines))
    tmux.send("Enter")
    tmux.wait_for(lambda lines: any("UNDER THE CARET" in line for line in lines))
    for count in range(1, TRIES + 1):
        # sentence, tag, ISIS, supportive, factual report: the last key saves
        tmux.send("s", "t", "d", "s", "f", gap=GAP)
        wait_until(lambda n=count: len(passages(db)) >= n, f"tag {count} saved")
        # Back in the reader before the next try (the status line counts the passages).
        status = f"{count} passage" + ("" if count == 1 else "s")
        tmux.wait_for(
            lambda lines, status=status: (
                not any("Tag passage" in line for line in lines)
                and any(f"· {status} ·" in line for line in lines)
            )
        )
    assert passages(db) == [("isis", "supportive", "factual_report")] * TRIES
