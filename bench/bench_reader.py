"""The reader in the app: time from a key press to the redrawn frame.

On the longest seed with 200 passages: scrolling one line, moving the caret, and
saving a tag. Two figures each:
- frame: the key's action plus drawing every visible line (`render_line`), timed in
  the app's own loop: what a keypress costs Hashiya;
- round trip: a key sent through Textual's Pilot until the screen is idle again,
  with the ratio against the same round trip for a key bound to nothing (Pilot's and
  Textual's own cost, measured in the same run).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from annotations.models import Passage
from annotations.seeds import import_seeds_if_empty
from annotations.store import Store
from bench.common import Row

LONGEST = "e731f89812faa840"
GOALS = {
    "scroll": ("scroll one line", 5.0),
    "caret": ("caret move", 16.0),
    "save": ("save a tag", 50.0),
}


def _database(path: Path, n_passages: int) -> None:
    with Store(path) as store:
        import_seeds_if_empty(store)
        article = store.get_article(LONGEST)
        assert article is not None
        text = article.text
        step = max(len(text) // n_passages, 1)
        rows = []
        for i in range(n_passages):
            start = min(i * step, len(text) - 50)
            end = start + 5 + i % 40
            rows.append(
                Passage(
                    id=str(uuid.uuid4()),
                    article_id=LONGEST,
                    start=start,
                    end=end,
                    text=text[start:end],
                    annotator="bench",
                    claim_type=("factual_report", "warning", "statistic")[i % 3],
                    created_at="t",
                    updated_at="t",
                )
            )
        store.add_passages(rows, by="bench", action="create")


async def _measure(db: Path, presses: int) -> dict[str, list[float]]:
    from tui.app import make_app
    from tui.screens.reader import ReaderScreen
    from tui.screens.tag_dialog import TagResult
    from tui.widgets.reader_view import ReaderView

    app = make_app(db, annotator="bench")
    t: dict[str, list[float]] = {
        k: [] for k in ("scroll", "caret", "save", "rt_none", "rt_scroll", "rt_caret")
    }
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ids = app.screen.article_ids  # type: ignore[attr-defined]
        await pilot.press(*(["down"] * ids.index(LONGEST)), "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.query_one(ReaderView)

        def frame(name: str, action: Callable[[], object]) -> None:
            start = time.perf_counter()
            action()
            for y in range(view.size.height):
                view.render_line(y)
            t[name].append(time.perf_counter() - start)

        for i in range(presses):
            frame("scroll", lambda: view.action_scroll_rows(1))
            frame("caret", lambda i=i: view.action_move_word(-1 if i % 2 else 1))
        for _ in range(max(presses // 4, 5)):
            view.action_extend_word(-1)
            tag = TagResult("isis", "critical", None, "warning", None)
            # The dialog's last key runs this: save, record for undo, redraw.
            frame("save", lambda tag=tag: screen.save_new_passage(*view.selection, tag))  # type: ignore[misc]

        async def round_trip(name: str, key: str) -> None:
            start = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            t[name].append(time.perf_counter() - start)

        for _ in range(presses // 2):
            await round_trip("rt_none", "f12")
            await round_trip("rt_scroll", "j")
            await round_trip("rt_caret", "left")
    return t


def run(quick: bool) -> list[Row]:
    presses = 20 if quick else 60
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "reader.db"
        _database(db, 200)
        t = asyncio.run(_measure(db, presses))

    def ms(name: str) -> float:
        return statistics.median(t[name]) * 1000

    rows = []
    for name, (label, goal) in GOALS.items():
        rows.append(
            Row(
                f"reader, 200 passages: {label} (frame)",
                ms(name),
                "ms",
                baseline=f"worst {max(t[name]) * 1000:.1f} ms",
                goal=f"< {goal:g} ms",
                met=ms(name) < goal,
            )
        )
    for name, label in (("rt_scroll", "scroll one line"), ("rt_caret", "caret move")):
        rows.append(
            Row(
                f"reader: {label} (Pilot round trip)",
                ms(name),
                "ms",
                baseline=f"unbound key {ms('rt_none'):.1f} ms",
                ratio=ms(name) / ms("rt_none"),
            )
        )
    return rows
