"""Looking at the app as a person would: screen text and PNG screenshots.

SVG screenshots are misleading for right-to-left text: an SVG renderer applies bidi
to each run of text again and draws Arabic with a proportional fallback font, so
lines look reordered or ragged that are right in a terminal. `save_png` instead draws
every cell at its own grid position, exactly as a terminal without bidi shows it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len

from annotations.layout import ParagraphLayout, draw

if TYPE_CHECKING:
    from textual.app import App

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
CELL_WIDTH, CELL_HEIGHT = 10, 20


def screen_lines(app: App[object]) -> list[str]:
    """The text of every screen row, as a terminal would show it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def is_arabic_letter(ch: str) -> bool:
    """An Arabic letter in any form: base (U+0600 block) or presentation form (ligatures too)."""
    return unicodedata.category(ch).startswith("L") and "ARABIC" in unicodedata.name(ch, "")


def _cells(line: str) -> list[str]:
    """The screen line's cells: each glyph with the marks drawn on it."""
    cells: list[str] = []
    for ch in line:
        if cells and cell_len(ch) == 0 and unicodedata.category(ch) in ("Mn", "Me"):
            cells[-1] += ch
        else:
            cells.append(ch)
    return cells


def _arabic_runs(cells: list[str]) -> list[list[str]]:
    """Maximal runs of Arabic letter cells, single spaces between them included."""
    runs: list[list[str]] = []
    current: list[str] = []
    for index, cell in enumerate(cells):
        if is_arabic_letter(cell[0]):
            current.append(cell)
            continue
        following = cells[index + 1] if index + 1 < len(cells) else ""
        if cell == " " and current and following and is_arabic_letter(following[0]):
            current.append(cell)
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    return runs


def arabic_problems(lines: Iterable[str], shape: bool = True) -> list[str]:
    """Lines holding Arabic that the layout engine would not draw so, with why.

    Every run of Arabic letters on a captured screen (Pilot's `screen_lines`, tmux's
    capture-pane) is read back to logical text (the cells right to left, presentation
    forms undone by NFKC) and laid out again by the engine; the run must be that
    layout. Arabic drawn in logical order, unjoined, or reversed twice fails: the
    joining forms show which end of a word is its start. The two end cells of a run
    may differ in form only (a word cut at the edge of a widget keeps its forms).
    """
    problems = []
    for row, line in enumerate(lines):
        for run in _arabic_runs(_cells(line)):
            logical = "".join(unicodedata.normalize("NFKC", cell) for cell in reversed(run))
            expected = _cells(ParagraphLayout(logical, "rtl", shape).visual_line().text)
            if expected == run:
                continue
            same_count = len(expected) == len(run)
            inner_ok = same_count and expected[1:-1] == run[1:-1]
            ends_ok = same_count and all(
                unicodedata.normalize("NFKC", a) == unicodedata.normalize("NFKC", b)
                for a, b in ((expected[0], run[0]), (expected[-1], run[-1]))
            )
            if not (inner_ok and ends_ok):
                problems.append(
                    f"row {row}: {''.join(run)!r} is not the engine's layout of "
                    f"{logical!r} ({''.join(expected)!r})\n  in: {line.rstrip()!r}"
                )
    return problems


def assert_arabic_laid_out(
    lines: Iterable[str], expected: Iterable[str] = (), shape: bool = True
) -> list[str]:
    """Fail unless every line holding Arabic is the engine's layout (`arabic_problems`)
    and each of the logical strings `expected` is drawn whole on some line. Returns the
    lines, so a test can go on looking at them."""
    lines = list(lines)
    problems = arabic_problems(lines, shape)
    for text in expected:
        drawn = draw(text, shape=shape).text
        if not any(drawn in line for line in lines):
            problems.append(f"{text!r} is not on screen as {drawn!r}")
    if not any(is_arabic_letter(ch) for line in lines for ch in line) and not problems:
        problems.append("no Arabic on screen at all: the check would prove nothing")
    assert not problems, "\n".join(problems) + "\n\nscreen:\n" + "\n".join(lines)
    return lines


def app_lines(app: App[object]) -> list[str]:
    """`screen_lines` of the app, checked with `assert_arabic_laid_out`."""
    return assert_arabic_laid_out(screen_lines(app))


def column_problems(lines: list[str]) -> list[str]:
    """Rows of a plain-text table (headers, a rule of dashes, rows) whose columns do not
    start where the rule says, counted in terminal cells (not code points)."""
    rule = next(i for i, line in enumerate(lines) if line.startswith("-"))
    starts = [
        i for i, ch in enumerate(lines[rule]) if ch == "-" and (i == 0 or lines[rule][i - 1] == " ")
    ]
    problems = []
    for row, line in enumerate(lines[rule + 1 :], rule + 1):
        if not line.strip():
            break
        cells = [cell for cell in _cells(line) for _ in range(max(cell_len(cell), 1))]
        # Two spaces end every padded column: text there means the row is shifted.
        if any(start < len(cells) and cells[start - 1] != " " for start in starts[1:]):
            problems.append(f"row {row}: columns not at cells {starts}: {line!r}")
    return problems


def save_png(app: App[object], path: Path) -> Path:
    """Draw the screen cell by cell into a PNG (needs Pillow and DejaVu Sans Mono)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT_PATH, 16)
    strips = app.screen._compositor.render_strips()
    width = max(strip.cell_length for strip in strips)
    image = Image.new("RGB", (width * CELL_WIDTH, len(strips) * CELL_HEIGHT), (30, 30, 30))
    draw = ImageDraw.Draw(image)
    for y, strip in enumerate(strips):
        x = 0
        for segment in strip:
            style = segment.style
            fg = style.color.get_truecolor() if style and style.color else (220, 220, 220)
            bg = style.bgcolor.get_truecolor() if style and style.bgcolor else None
            for ch in segment.text:
                cells = cell_len(ch)
                if cells == 0:  # a combining mark sits on the cell before it
                    draw.text(((x - 1) * CELL_WIDTH, y * CELL_HEIGHT), ch, font=font, fill=fg)
                    continue
                box = (x * CELL_WIDTH, y * CELL_HEIGHT)
                if bg is not None:
                    right = (x + cells) * CELL_WIDTH - 1
                    draw.rectangle([box, (right, (y + 1) * CELL_HEIGHT - 1)], fill=bg)
                draw.text(box, ch, font=font, fill=fg)
                x += cells
    image.save(path)
    return path
