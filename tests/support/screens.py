"""Looking at the app as a person would: screen text and PNG screenshots.

SVG screenshots are misleading for right-to-left text: an SVG renderer applies bidi
to each run of text again and draws Arabic with a proportional fallback font, so
lines look reordered or ragged that are right in a terminal. `save_png` instead draws
every cell at its own grid position, exactly as a terminal without bidi shows it.
"""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.app import App

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
CELL_WIDTH, CELL_HEIGHT = 10, 20


def screen_lines(app: App[object]) -> list[str]:
    """The text of every screen row, as a terminal would show it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


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
