"""Start-up: `hashiya --version`, and the app until the article list is drawn."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from annotations.importer import import_paths
from annotations.store import Store
from bench.common import Row
from bench.synthetic import write_jsonl

# Runs in a fresh interpreter: time from process start to the first painted article list.
PROBE = """
import time, asyncio, sys
t0 = time.perf_counter()
from tui.app import make_app
from tui.screens.article_list import ArticleListScreen
async def main():
    app = make_app(sys.argv[1], annotator="bench", import_seeds=False)
    async with app.run_test(size=(120, 36)) as pilot:
        while not (isinstance(app.screen, ArticleListScreen) and app.screen.is_mounted):
            await pilot.pause()
        await pilot.pause()
        print(time.perf_counter() - t0)
asyncio.run(main())
"""


def _process_seconds(args: list[str], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def run(quick: bool) -> list[Row]:
    n = 1_000 if quick else 10_000
    hashiya = str(Path(sys.executable).parent / "hashiya")
    version = _process_seconds([hashiya, "--version"])
    python_only = _process_seconds([sys.executable, "-c", "pass"])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "big.db"
        with Store(db) as store:
            import_paths(store, [str(write_jsonl(Path(tmp) / "c.jsonl", n))])
        paints = []
        for _ in range(3):
            out = subprocess.run(
                [sys.executable, "-c", PROBE, str(db)], check=True, capture_output=True, text=True
            )
            paints.append(float(out.stdout.strip().splitlines()[-1]))
    paint = min(paints)
    return [
        Row(
            "hashiya --version",
            version * 1000,
            "ms",
            baseline=f"python -c pass {python_only * 1000:.0f} ms",
            ratio=version / python_only,
        ),
        Row(
            f"app start to article list ({n:,} articles)",
            paint * 1000,
            "ms",
            goal="< 1000 ms",
            met=paint < 1.0,
        ),
    ]
