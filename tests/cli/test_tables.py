"""Plain-text tables of the command line: columns line up in terminal cells, with
Arabic names (harakat take no cell) laid out or, in a pipe, in logical order."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from annotations.layout import table
from annotations.review.agreement import compute_agreement, format_report
from annotations.review.queue import passages_by_article
from tests.support.corpus import ARABIC_ANNOTATOR, arabic_team_db
from tests.support.screens import arabic_problems, column_problems
from tui.cli import cli


def _tables(text: str) -> list[list[str]]:
    """Each table of a report: from its header line (the line above a rule) on."""
    lines = text.split("\n")
    return [lines[i - 1 :] for i, line in enumerate(lines) if line.startswith("--")]


def test_agreement_columns_line_up_with_an_arabic_name_in_a_pipe(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    arabic_team_db(db).close()
    result = CliRunner().invoke(cli, ["--db", str(db), "agreement"], catch_exceptions=False)
    assert result.exit_code == 0
    assert ARABIC_ANNOTATOR in result.output  # a pipe: logical order, as stored
    tables = _tables(result.output)
    assert len(tables) == 2
    for lines in tables:
        assert any(ARABIC_ANNOTATOR in line for line in lines)
        assert column_problems(lines) == []


def test_agreement_report_laid_out_for_a_terminal_without_bidi(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    store = arabic_team_db(db)
    report = compute_agreement(passages_by_article(store))
    store.close()
    text = format_report(report, confusion=True, per_article=True)
    assert ARABIC_ANNOTATOR not in text  # nothing in logical order
    assert arabic_problems(text.split("\n")) == []
    tables = _tables(text)
    assert len(tables) > 2
    for lines in tables:
        assert column_problems(lines) == []


def test_the_table_helper_pads_by_cells_and_right_aligns_arabic() -> None:
    lines = table(["name", "n"], [["سَارة", "1"], ["omar", "12"]], right=(1,), rule=True)
    assert lines[0] == "name   n"
    assert lines[1] == "----  --"
    assert lines[2] == "ﺓﺭﺎﺳَ   1"  # four cells (the fatha takes none)
    assert lines[3] == "omar  12"
    assert column_problems(lines) == []
    # A column's Arabic cells end at its right edge, as a right-to-left reader expects.
    assert table(["who"], [["قال"], ["omar x"]]) == ["who", "   ﻝﺎﻗ", "omar x"]
    # Control characters from data never reach the terminal raw.
    assert table(["x"], [["a\x1b[31mb"]]) == ["x", "a␛[31mb"]
