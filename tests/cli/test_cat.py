"""`hashiya cat`: the article laid out as plain text, and nothing else."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rich.cells import cell_len

from annotations.layout import ParagraphLayout
from annotations.seeds import seeds_dir
from tui.cli import cli

SEED = seeds_dir() / "001_3a822ea7c6f0785a.txt"


def cat(*args: str, db: Path | None = None) -> str:
    base = ["--db", str(db)] if db else []
    result = CliRunner().invoke(cli, [*base, "cat", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_rtl_lines_end_at_the_width_and_paragraphs_are_split(tmp_path: Path) -> None:
    out = cat(str(SEED), "--width", "50")
    blocks = out.rstrip("\n").split("\n\n")
    paragraphs = [line for line in SEED.read_text(encoding="utf-8").split("\n") if line.strip()]
    assert len(blocks) == len(paragraphs)
    for block, paragraph in zip(blocks, paragraphs, strict=True):
        expected = [line.text for line in ParagraphLayout(paragraph).lines(50)]
        lines = block.split("\n")
        assert [line.lstrip(" ") for line in lines] == expected
        assert all(cell_len(line) == 50 for line in lines)  # right-aligned to column 50
    assert "\x1b" not in out  # nothing but text when stdout is not a terminal


def test_by_article_id_from_the_database(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    CliRunner().invoke(cli, ["--db", str(db), "import", str(SEED)], catch_exceptions=False)
    assert cat("5641cdf9", "--width", "50", db=db) == cat(str(SEED), "--width", "50")


def test_terminal_mode_prints_wrapped_logical_lines() -> None:
    out = cat(str(SEED), "--width", "40", "--bidi", "terminal")
    first = out.split("\n")[0]
    assert first == "شفق نيوز- بغداد"  # logical order, not shaped, not padded


def test_controls_never_reach_the_terminal(tmp_path: Path) -> None:
    evil = tmp_path / "evil.txt"
    evil.write_text("نص فيه \x1b[31mأحمر\x1b[0m وجرس \x07 هنا.\n", encoding="utf-8")
    for mode in ("app", "terminal"):
        out = cat(str(evil), "--width", "60", "--bidi", mode)
        assert "\x1b" not in out and "\x07" not in out
        assert "␛" in out and "␇" in out


def test_direction_ltr_and_no_shape() -> None:
    out = cat(str(SEED), "--width", "50", "--direction", "ltr", "--no-shape")
    first = out.split("\n")[0]
    assert not first.startswith(" ")  # LTR: left-aligned
    assert "\ufe8e" not in out and "ﺷ" not in out  # no presentation forms


def test_unknown_article_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "h.db"), "cat", "nope"])
    assert result.exit_code == 1
    assert "nope: no such file, nor an article with that id" in result.output
    assert "Traceback" not in result.output
