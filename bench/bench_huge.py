"""A huge paragraph: `hashiya cat` and opening the reader on one 5 MB paragraph.

Each run is a fresh process, so its peak memory (max RSS) and CPU time are its own.
Baselines in the same run: for `cat`, a process that reads the same file, decodes and
normalises it and writes it out (no layout: the floor for printing the text); for the
reader, the same app opening a short article (the app's own start and first frame).
The 5 MB paragraph is news-like (Arabic with digits, brackets and Latin names), so
the levels come from the engine, not the shortcut.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench.common import Row, process_run

GOAL_SECONDS = 5.0
GOAL_MB = 300.0
SENTENCE = (
    "قالت وزارة الصحة في بيان (رقم 2024/17) إن «الوضع» تحسّن بنسبة 12% منذ يناير وفق Reuters، "
)

_FLOOR = """
import sys
from annotations.text import decode, normalize
text = normalize(decode(open(sys.argv[1], "rb").read()))
sys.stdout.write(text)
"""

_READER = """
import asyncio, sys
from pathlib import Path
from annotations.articles import make_article
from annotations.store import Store

async def main(db, article_id):
    from tui.app import make_app
    from tui.widgets.reader_view import ReaderView
    app = make_app(Path(db), annotator="bench", import_seeds=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ids = app.screen.article_ids
        await pilot.press(*(["down"] * ids.index(article_id)), "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.screen.query_one(ReaderView)
        assert len(view.rows) > 3, len(view.rows)
        for y in range(view.size.height):
            view.render_line(y)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def _measure(args: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s, max RSS MB) of one child process, measured from a small process of
    its own (`bench.common.process_run`): a child forked from the bench would start its
    ru_maxrss at the bench's size."""
    run = process_run(args)
    return run.wall, run.cpu, run.peak_mib * 1.048576


def _rows(
    name: str,
    baseline: str,
    ours: tuple[float, float, float],
    floor: tuple[float, float, float],
    goals: bool,
) -> list[Row]:
    wall, cpu, rss = ours
    floor_wall, floor_cpu, floor_rss = floor
    return [
        Row(
            name=f"{name}: CPU",
            figure=cpu,
            unit="s",
            baseline=baseline,
            ratio=cpu / floor_cpu if floor_cpu else None,
            goal=f"< {GOAL_SECONDS:g} s" if goals else "",
            met=cpu < GOAL_SECONDS if goals else None,
        ),
        Row(
            name=f"{name}: wall", figure=wall, unit="s", baseline=baseline, ratio=wall / floor_wall
        ),
        Row(
            name=f"{name}: peak memory (max RSS)",
            figure=rss,
            unit="MB",
            baseline=baseline,
            ratio=rss / floor_rss,
            goal=f"< {GOAL_MB:g} MB" if goals else "",
            met=rss < GOAL_MB if goals else None,
        ),
    ]


def run(quick: bool) -> Iterator[Row]:
    from annotations.articles import make_article
    from annotations.seeds import seeds_dir
    from annotations.store import Store

    size = 1_000_000 if quick else 5_000_000
    label = f"{size / 1e6:g} MB paragraph"
    text = SENTENCE * (size // len(SENTENCE.encode("utf-8")))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "huge.txt"
        path.write_text(text + "\n", encoding="utf-8")
        python = sys.executable
        floor = _measure([python, "-c", _FLOOR, str(path)])
        hashiya = [python, "-c", "from tui.cli import main; main()"]
        cat = _measure([*hashiya, "cat", str(path), "--width", "80"])
        yield from _rows(
            f"cat, {label}, width 80", "read+decode+write, same file", cat, floor, True
        )

        db = Path(tmp) / "huge.db"
        huge = make_article(text)
        short = make_article(sorted(seeds_dir().glob("*.txt"))[0].read_text(encoding="utf-8"))
        with Store(db) as store:
            store.add_articles([huge, short])
        short_open = _measure([python, "-c", _READER, str(db), short.id])
        huge_open = _measure([python, "-c", _READER, str(db), huge.id])
        yield from _rows(
            f"open the reader, {label}, 80x24",
            "the same app opening a seed article",
            huge_open,
            short_open,
            True,
        )
