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


RAW_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
TAGS = {chr(c) for c in range(0xE0000, 0xE0080)}


def _trojan(tmp_path: Path) -> Path:
    path = tmp_path / "trojan.txt"
    path.write_text(
        "Say \u202etxet desrever\u202c now.\n\nThen \u2067abc\u2069 too\U000e0041\U000e0042.\n",
        encoding="utf-8",
    )
    return path


def test_bidi_controls_are_applied_and_shown_as_marks(tmp_path: Path) -> None:
    out = cat(str(_trojan(tmp_path)), "--width", "60")
    assert out.split("\n")[:3] == [
        "Say \u21e1reversed text\u21c7 now.",
        "",
        "Then \u21e4abc\u2912 too.",
    ]
    assert not RAW_BIDI & set(out)


def test_bidi_marks_can_be_hidden(tmp_path: Path) -> None:
    path = str(_trojan(tmp_path))
    out = cat(path, "--width", "60", "--bidi-marks", "hide")
    assert out.split("\n")[0] == "Say reversed text now."
    config = tmp_path / "config.yaml"
    config.write_text("bidi_marks: hide\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "cat", path, "--width", "60"])
    assert result.stdout.split("\n")[0] == "Say reversed text now."
    config.write_text("bidi_marks: maybe\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "cat", path])
    assert result.exit_code == 1
    assert f"{config}:1: key 'bidi_marks': expected show or hide" in result.output


def test_terminal_mode_never_sends_bidi_controls_nor_tags(tmp_path: Path) -> None:
    path = str(_trojan(tmp_path))
    for marks in ("show", "hide"):
        out = cat(path, "--width", "60", "--bidi", "terminal", "--bidi-marks", marks)
        assert not (RAW_BIDI | TAGS) & set(out)
    out = cat(path, "--width", "60", "--bidi", "terminal")
    # Logical order: the override is not applied, its marks show where it was.
    assert out.split("\n")[0] == "Say \u21c7txet desrever\u21e1 now."


def test_a_huge_paragraph_is_printed_as_it_is_laid_out(tmp_path: Path) -> None:
    import tracemalloc

    from annotations.layout import iter_plain

    sentence = "قالت الوزارة في بيان (رقم 17) إن الوضع تحسن بنسبة 12% وفق Reuters، "
    text = sentence * (2_000_000 // len(sentence.encode()))  # 2 MB, one paragraph
    tracemalloc.start()
    try:
        lines = iter_plain(text, [(0, len(text))], 80)
        first = next(lines)  # printed before the rest is laid out
        at_first = tracemalloc.get_traced_memory()[0]
        count = 1 + sum(1 for _ in lines)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(first) == 80 and count > 10_000
    assert at_first < 10_000_000  # levels (a byte a character) and one block of cells
    assert peak < 40_000_000, peak  # cells for the whole paragraph: hundreds of MB


def test_list_never_prints_bidi_controls(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    CliRunner().invoke(cli, ["--db", str(db), "import", str(_trojan(tmp_path))])
    for mode in ("app", "terminal"):
        result = CliRunner().invoke(cli, ["--db", str(db), "--bidi", mode, "list"])
        assert result.exit_code == 0, result.output
        assert "\u21c7txet desrever\u21e1" in result.stdout  # a pipe: logical order
        assert not (RAW_BIDI | TAGS) & set(result.stdout)
