"""An attribution frame built with keys in the real binary at 80x24: what a person reads on
the offer line and in the panel, and the rows the database holds afterwards."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.articles import make_article
from annotations.store import Store
from tests.support.screens import assert_arabic_laid_out
from tests.support.tmux import Tmux, hashiya_command, terminal_env

pytestmark = pytest.mark.e2e

TEXT = (
    "وأكد صباح النعمان أن القوات ستبقى على الحدود حتى نهاية العام.\n\n"
    "وقال السوداني إن الزيارة مهمة جدا للبلدين."
)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Tmux, Path]]:
    db = tmp_path / "e2e.db"
    with Store(db) as store:
        store.add_articles([make_article(TEXT, title="تصريح", source="test")])
    tmux = Tmux(
        hashiya_command("--db", str(db), "--annotator", "sara"), 80, 24, terminal_env(tmp_path)
    )
    try:
        yield tmux, db
    finally:
        tmux.close()


def rows(db: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    conn = sqlite3.connect(db)
    try:
        passages = sorted(conn.execute("SELECT text, kind FROM passages").fetchall())
        relations = sorted(
            conn.execute(
                "SELECT r.type, f.text, t.text FROM relations r"
                " JOIN passages f ON f.id = r.from_id JOIN passages t ON t.id = r.to_id"
            ).fetchall()
        )
    finally:
        conn.close()
    return passages, relations


def test_a_frame_with_keys_on_screen_and_on_disk(terminal: tuple[Tmux, Path]) -> None:
    tmux, db = terminal
    tmux.wait_for_text("sorted by")
    tmux.send("Enter")
    tmux.wait_for_text("caret 0")
    # The content: four words on (← goes on in a right-to-left paragraph), then six
    # steps of shift+← (each takes in the word the caret reaches).
    tmux.send(*["Left"] * 4, *["S-Left"] * 6)
    tmux.wait_for_text("selected [21, 60)")
    tmux.send("t")
    tmux.wait_for_text("Tag passage")
    tmux.send("d", "n", "f")
    screen = tmux.wait_for_text("(key 2)")
    assert_arabic_laid_out(screen, expected=["«صباح النعمان»", "«أكد»"])
    tmux.send("Enter")
    tmux.wait_for_text("source and cue linked")
    tmux.send("Right")  # back onto the content: the panel shows its frame
    screen = tmux.wait_for_text("FRAME")
    assert any("source [5, 17)" in line for line in screen)
    assert any("cue [1, 4)" in line for line in screen)
    assert_arabic_laid_out(screen, expected=["صباح النعمان", "أكد"])
    assert rows(db) == (
        sorted(
            [
                ("القوات ستبقى على الحدود حتى نهاية العام", ""),
                ("صباح النعمان", "source"),
                ("أكد", "cue"),
            ]
        ),
        sorted(
            [
                ("cue", "القوات ستبقى على الحدود حتى نهاية العام", "أكد"),
                ("said_by", "القوات ستبقى على الحدود حتى نهاية العام", "صباح النعمان"),
            ]
        ),
    )
    tmux.send("C-z")  # the frame was one step
    tmux.wait_for_text("undone")
    assert rows(db) == ([("القوات ستبقى على الحدود حتى نهاية العام", "")], [])
