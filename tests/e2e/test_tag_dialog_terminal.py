"""The tag dialog built from a schema with an extra attribute, in the real binary at 80x24
with Arabic names first: what a person reads on screen, page by page, and the row saved."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.layout import draw
from tests.support.screens import assert_arabic_laid_out
from tests.support.tmux import Tmux, hashiya_command, terminal_env

pytestmark = pytest.mark.e2e

NEWS_PLUS = Path(__file__).parent.parent / "data" / "schemas" / "news-plus.yaml"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Tmux, Path]]:
    db = tmp_path / "e2e.db"
    command = hashiya_command(
        "--db", str(db), "--annotator", "sara", "--labels", "ar", "--schema", str(NEWS_PLUS)
    )
    tmux = Tmux(command, 80, 24, terminal_env(tmp_path))
    try:
        yield tmux, db
    finally:
        tmux.close()


def saved(db: Path) -> list[dict[str, object]]:
    conn = sqlite3.connect(db)
    try:
        return [json.loads(labels) for (labels,) in conn.execute("SELECT labels FROM passages")]
    finally:
        conn.close()


def shown(lines: list[str], text: str) -> bool:
    return any(draw(text).text in line for line in lines)


def test_the_dialogs_arabic_reads_right_page_by_page(terminal: tuple[Tmux, Path]) -> None:
    tmux, db = terminal
    tmux.wait_for_text("sorted by")
    tmux.send("Enter")
    tmux.wait_for_text("caret")
    tmux.send("S-Left", "t")
    # Page 1: the actor, stance and claim type columns, Arabic names first, whole.
    screen = tmux.wait_for(lambda lines: any("page 1 of 2" in line for line in lines))
    assert_arabic_laid_out(screen, expected=["الموقف", "مؤيد", "منتقد", "محايد", "داعش"])
    tmux.send("d", "c", "w")
    # Page 2: the certainty column the schema adds.
    screen = tmux.wait_for(lambda lines: any("page 2 of 2" in line for line in lines))
    assert_arabic_laid_out(screen, expected=["درجة اليقين", "مؤكد", "مرجح", "مشكوك فيه"])
    assert not shown(screen, "منتقد")  # page 1 is out of sight
    tmux.send("2")
    tmux.wait_for(lambda lines: not any("page 2 of 2" in line for line in lines))
    tmux.wait_for_text("1 passage")
    assert saved(db) == [
        {"actor": "isis", "stance": "critical", "claim_type": "warning", "certainty": "likely"}
    ]


def test_a_whole_tag_typed_in_one_burst_is_saved(terminal: tuple[Tmux, Path]) -> None:
    """Four shortcuts typed faster than the dialog moves its focus: each goes to its own
    column (the columns' focus events can arrive out of order, and an older one must not
    take the dialog back to an earlier column)."""
    tmux, db = terminal
    tmux.wait_for_text("sorted by")
    tmux.send("Enter")
    tmux.wait_for_text("caret")
    tmux.send("S-Left", "t")
    tmux.wait_for(lambda lines: any("page 1 of 2" in line for line in lines))
    tmux.send("d", "c", "w", "2")
    tmux.wait_for_text("1 passage")
    assert saved(db) == [
        {"actor": "isis", "stance": "critical", "claim_type": "warning", "certainty": "likely"}
    ]
