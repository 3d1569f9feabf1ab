"""Start-up: `hashiya --version`, and the app until the article list is drawn.

The app's figure is the CPU time of a fresh interpreter from its start to the list's
last visible row drawn (Textual's headless driver, 120x36), on a database of 100,000
articles (10,000 with --quick) built by bench_list. The floor, in the same run, is a
bare Textual app drawn by the same driver: a header, a line-API table of as many virtual
rows (what the article list is to Textual), a status line and a footer, with cycle
collection held until it is drawn as the app's is (and, in its own row, without); the
ratio is against it. `python -c "import textual.app"` is measured too.
Bytecode is cached (into a temporary folder) as in an installed Hashiya.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench.bench_list import build_database
from bench.common import Row, Timing, compiled_env, process_timing, timing

GOAL_S = 0.300

# Each prints the CPU seconds from process start to its screen drawn. The app's is
# started as the `hashiya` command starts it: cycle collection held until the first
# frame (tui/startup.py).
PROBE = """
from tui.startup import hold_collection
hold_collection()
import asyncio, sys, time
from tui.app import make_app
from tui.widgets.article_table import ArticleTable

drawn = []
render_line = ArticleTable.render_line

def timed_render_line(self, y):
    strip = render_line(self, y)
    if y == self.size.height - 1 and not drawn:
        drawn.append(time.process_time())
    return strip

ArticleTable.render_line = timed_render_line

async def main():
    app = make_app(sys.argv[1], annotator="bench")
    async with app.run_test(size=(120, 36)) as pilot:
        while not drawn:
            await pilot.pause()
    print(drawn[0])

asyncio.run(main())
"""

BARE_APP = """
import asyncio, sys, time
from rich.segment import Segment
from textual.app import App
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Header, Static

drawn = []
ROWS = int(sys.argv[1])

class Table(ScrollView, can_focus=True):
    # What the article list is to Textual: a line-API table of ROWS virtual rows.
    def on_mount(self):
        self.virtual_size = Size(self.size.width, ROWS + 1)

    def render_line(self, y):
        index = int(self.scroll_offset.y) + y
        text = "status  mine  all  title" if y == 0 else f"{index:>6}  {index % 7:>4}  article {index}"
        strip = Strip([Segment(text.ljust(self.size.width), self.rich_style)], self.size.width)
        if y == self.size.height - 1 and not drawn:
            drawn.append(time.process_time())
        return strip

class Bare(App):
    def compose(self):
        yield Header()
        yield Table()
        yield Static(f"{ROWS:,} articles")
        yield Footer()

async def main():
    async with Bare().run_test(size=(120, 36)) as pilot:
        while not drawn:
            await pilot.pause()
    print(drawn[0])

asyncio.run(main())
"""


TEXTUAL_ONLY = "import time, textual.app; print(time.process_time())"
HELD = "import gc; gc.disable()\n"  # the bare app with collection held as the app's is


def _probe(code: str, *args: str, env: dict[str, str], runs: int = 3) -> Timing:
    """The least CPU time to the first paint of `runs` fresh processes, with its wall."""
    best: Timing | None = None
    for _ in range(runs):
        with timing() as took:
            out = subprocess.run(
                [sys.executable, "-c", code, *args],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            )
        cpu = float(out.stdout.strip().splitlines()[-1])
        if best is None or cpu < best.cpu:
            best = Timing(took().wall, cpu)
    assert best is not None
    return best


def run(quick: bool) -> Iterator[Row]:
    n = 10_000 if quick else 100_000
    hashiya = str(Path(sys.executable).parent / "hashiya")
    version = process_timing([hashiya, "--version"])
    click_only = process_timing([sys.executable, "-c", "import click"])
    python_only = process_timing([sys.executable, "-c", "pass"])
    yield Row(
        "hashiya --version",
        version.cpu * 1000,
        "ms CPU",
        baseline=f"python -c 'import click' {click_only.cpu * 1000:.0f} ms CPU "
        f"(pass: {python_only.cpu * 1000:.0f})",
        ratio=version.cpu / click_only.cpu,
        goal="<= 1.5x",
        met=version.cpu <= 1.5 * click_only.cpu,
        cpu=version.cpu,
        wall=version.wall,
    )
    with tempfile.TemporaryDirectory() as tmp:
        env = compiled_env(str(Path(tmp) / "pycache"))
        db = Path(tmp) / "big.db"
        build_database(db, n)
        _probe(PROBE, str(db), env=env, runs=1)  # fills the bytecode cache
        _probe(BARE_APP, str(n), env=env, runs=1)
        textual = _probe(TEXTUAL_ONLY, env=env)
        yield Row(
            "python -c 'import textual.app'",
            textual.cpu * 1000,
            "ms CPU",
            cpu=textual.cpu,
            wall=textual.wall,
        )
        bare = _probe(BARE_APP, str(n), env=env, runs=5)
        yield Row(
            f"bare Textual app drawn (header, a {n:,}-row line-API table, footer)",
            bare.cpu * 1000,
            "ms CPU",
            cpu=bare.cpu,
            wall=bare.wall,
        )
        held = _probe(HELD + BARE_APP, str(n), env=env, runs=5)
        yield Row(
            "the same bare app, cycle collection held until drawn (the floor)",
            held.cpu * 1000,
            "ms CPU",
            cpu=held.cpu,
            wall=held.wall,
        )
        app = _probe(PROBE, str(db), env=env, runs=5)
        yield Row(
            f"app start to article list drawn ({n:,} articles)",
            app.cpu * 1000,
            "ms CPU",
            baseline=f"bare app, held {held.cpu * 1000:.0f} ms "
            f"(not held {bare.cpu * 1000:.0f}; import textual.app {textual.cpu * 1000:.0f})",
            ratio=app.cpu / held.cpu,
            goal=f"< {GOAL_S * 1000:.0f} ms CPU",
            met=app.cpu < GOAL_S,
            cpu=app.cpu,
            wall=app.wall,
        )
