"""Start-up: `hashiya --version`, and the app until the article list is drawn."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from annotations.importer import import_paths
from annotations.store import Store
from bench.common import Row, Timing, process_timing, timing
from bench.synthetic import write_jsonl

# Runs in a fresh interpreter: CPU time from process start to the first painted list.
PROBE = """
import time, asyncio, sys
from tui.app import make_app
from tui.screens.article_list import ArticleListScreen
async def main():
    app = make_app(sys.argv[1], annotator="bench", import_seeds=False)
    async with app.run_test(size=(120, 36)) as pilot:
        while not (isinstance(app.screen, ArticleListScreen) and app.screen.is_mounted):
            await pilot.pause()
        await pilot.pause()
        print(time.process_time())  # CPU seconds from process start to the painted list
asyncio.run(main())
"""


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
        db = Path(tmp) / "big.db"
        with Store(db) as store:
            import_paths(store, [str(write_jsonl(Path(tmp) / "c.jsonl", n))])
        best: Timing | None = None
        for _ in range(3):
            with timing() as took:
                out = subprocess.run(
                    [sys.executable, "-c", PROBE, str(db)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
            cpu = float(out.stdout.strip().splitlines()[-1])
            if best is None or cpu < best.cpu:
                best = Timing(took().wall, cpu)
    assert best is not None
    yield Row(
        f"app start to article list ({n:,} articles)",
        best.cpu * 1000,
        "ms CPU",
        goal="< 300 ms CPU",
        met=best.cpu < 0.3,
        cpu=best.cpu,
        wall=best.wall,
    )
