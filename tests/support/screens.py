"""Looking at the app as a person would: screen text and PNG screenshots.

Textual's SVG screenshots hold each run of text as an SVG <text>; an SVG renderer
applies bidi to it again, which would reverse our already-reordered lines. Forcing
`unicode-bidi: bidi-override` makes the picture show the cells exactly as a terminal
without bidi shows them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from textual.app import App

BIDI_OVERRIDE = "text { unicode-bidi: bidi-override; direction: ltr; }\n"


def screen_svg(app: App[object]) -> str:
    svg = app.export_screenshot()
    return svg.replace("<style>", "<style>\n" + BIDI_OVERRIDE, 1)


def save_png(app: App[object], path: Path) -> Path | None:
    """Write a PNG of the screen (None when rsvg-convert is not installed)."""
    svg_path = path.with_suffix(".svg")
    svg_path.write_text(screen_svg(app), encoding="utf-8")
    converter = shutil.which("rsvg-convert")
    if converter is None:
        return None
    subprocess.run([converter, str(svg_path), "-o", str(path)], check=True)
    return path


def screen_lines(app: App[object]) -> list[str]:
    """The text of every screen row, as a terminal would show it."""
    update = app.screen._compositor.render_update(full=True)
    return ["".join(segment.text for segment in strip) for strip in update.strips]
