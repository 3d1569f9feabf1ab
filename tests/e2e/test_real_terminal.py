"""The real `hashiya` in tmux: what a person at a terminal sees, and what survives a kill."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len

from annotations.layout import ParagraphLayout
from annotations.seeds import seeds_dir
from tests.support.corpus import ARABIC_ANNOTATOR, arabic_team_db
from tests.support.screens import assert_arabic_laid_out, column_problems
from tests.support.tmux import Tmux, hashiya_command, quote, terminal_env

pytestmark = pytest.mark.e2e


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Tmux, Path]]:
    db = tmp_path / "e2e.db"
    env = terminal_env(tmp_path)
    tmux = Tmux(hashiya_command("--db", str(db), "--annotator", "sara"), 100, 30, env)
    try:
        yield tmux, db
    finally:
        tmux.close()


def open_longest_seed(tmux: Tmux) -> list[str]:
    tmux.wait_for_text("sorted by")  # the list is mounted and has the focus
    tmux.send("End", "Enter")
    return tmux.wait_for_text("caret 0")  # the reader's status: it has the focus


def _find_paragraph(screen: list[str], layout: ParagraphLayout) -> tuple[int, list[str]] | None:
    """(row, expected lines) where the paragraph's first visual line ends a screen row.

    The reader's text column is the terminal less the panel, scrollbar and margins:
    try each width and take the one whose first line is on screen.
    """
    reader_rows = [line.split("│")[0].rstrip() for line in screen]
    for width in range(20, 100):
        expected = [line.text for line in layout.lines(width)]
        for index in range(len(reader_rows) - len(expected)):
            shown = reader_rows[index : index + len(expected)]
            if all(row.endswith(line) for row, line in zip(shown, expected, strict=True)):
                return index, expected
    return None


def test_seed_lines_are_right_aligned_in_visual_order(terminal: tuple[Tmux, Path]) -> None:
    tmux, _ = terminal
    text = (seeds_dir() / "004_9b0f9bd658ff7730.txt").read_text(encoding="utf-8")
    layout = ParagraphLayout(text.split("\n")[0])
    open_longest_seed(tmux)
    screen = tmux.wait_for(lambda lines: _find_paragraph(lines, layout) is not None)
    found = _find_paragraph(screen, layout)
    assert found is not None
    top, expected = found
    reader_rows = [line.split("│")[0] for line in screen]
    shown = [row.rstrip() for row in reader_rows[top : top + len(expected)]]
    for row, line in zip(shown, expected, strict=True):
        assert row.endswith(line)
    # Right-aligned: every line of the paragraph ends in the same column.
    assert len({cell_len(row) for row in shown}) == 1
    # Visual order: the paragraph's first word («شفق», shaped) is at the right end.
    assert shown[0].endswith("ﻖﻔﺷ")
    # And every line holding Arabic (list, panel, status) is the engine's own layout.
    assert_arabic_laid_out(screen)


def test_agreement_tables_line_up_in_a_terminal(tmp_path: Path) -> None:
    """`hashiya agreement` on a terminal: names laid out, columns aligned in cells."""
    db = tmp_path / "team.db"
    arabic_team_db(db).close()
    env = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "XDG_CONFIG_HOME": str(tmp_path)}
    command = " ".join(quote(c) for c in hashiya_command("--db", str(db), "agreement"))
    # `cat` keeps the pane open, reading a terminal nobody types in, once it is done.
    tmux = Tmux(["sh", "-c", f"{command}; echo END-OF-REPORT; exec cat"], 200, 60, env)
    try:
        screen = tmux.wait_for_text("END-OF-REPORT")
    finally:
        tmux.close()
    assert_arabic_laid_out(screen, expected=[ARABIC_ANNOTATOR])
    lines = [line.rstrip() for line in screen]
    tables = [lines[i - 1 :] for i, line in enumerate(lines) if line.startswith("--")]
    assert len(tables) == 2
    for table in tables:
        assert column_problems(table) == []


def test_a_tag_survives_sigkill(terminal: tuple[Tmux, Path]) -> None:
    tmux, db = terminal
    open_longest_seed(tmux)
    # Each key once the screen shows the one before took effect: on a loaded machine
    # keys sent blindly may reach a screen that is not there yet.
    tmux.send("S-Left")
    tmux.wait_for_text("selected [0, ")
    tmux.send("S-Left")
    tmux.wait_for_text("selected [0, 12)")
    tmux.send("t")
    tmux.wait_for_text("Tag passage")
    tmux.send("1", "n", "f")
    tmux.wait_for_text("saved [0, 12)")
    tmux.kill(signal.SIGKILL)
    conn = sqlite3.connect(db)
    rows = conn.execute(
        'SELECT start, "end", text, json_extract(labels, "$.actor"),'
        ' json_extract(labels, "$.stance"), json_extract(labels, "$.claim_type") FROM passages'
    ).fetchall()
    conn.close()
    assert rows == [(0, 12, "شفق نيوز/ في", "shafaq_news", "neutral", "factual_report")]


def test_arabic_typed_with_harakat_reads_right_in_the_find_field(
    terminal: tuple[Tmux, Path],
) -> None:
    from annotations.layout import fit_line

    tmux, _db = terminal
    open_longest_seed(tmux)
    tmux.send("/")
    tmux.wait_for(lambda lines: any("Find in the article" in line for line in lines))
    typed = "السَّلامُ عليكم 25"
    tmux.type(typed)
    drawn = fit_line(typed, 200).text  # shaped, in visual order, marks on their letters
    screen = tmux.wait_for(lambda lines: any(drawn in line for line in lines))
    (row,) = [line for line in screen if drawn in line]
    # Right-aligned: the text ends at the field's right edge (its padding, then the border).
    assert row.split("▎")[0].rstrip().endswith(drawn)
