"""A save the database refuses (disk full) is one line; nothing is shown as saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from annotations.store import Store
from tests.support.corpus import SEED_ID
from tests.support.faults import fill_disk, free_disk
from tests.support.pilot import open_article
from tests.support.screens import screen_lines
from tui.app import HashiyaApp, make_app
from tui.screens.reader import ReaderScreen
from tui.screens.tag_dialog import TagDialog

LONG = 3000  # code points: over a page, so the database must grow to hold the passage
REASON = "not saved: disk full: the database cannot grow; the change was not saved"


def stored(app: HashiyaApp) -> tuple[int, int]:
    with Store(app.settings.db_path) as store:  # a second connection: what is on disk
        passages = len(store.passages(SEED_ID))
        audit = store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    return passages, audit


async def tag_selection(app: HashiyaApp, pilot: Pilot[None]) -> None:
    await pilot.press("t")
    await pilot.pause()
    assert isinstance(app.screen, TagDialog)
    await pilot.press("1", "n", "f")  # actor, stance, claim type: saves
    await pilot.pause()
    assert isinstance(app.screen, ReaderScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_save_on_a_full_disk_says_so_and_the_session_goes_on(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path / "h.db", annotator="sara")
    async with app.run_test(size=size) as pilot:
        view = await open_article(pilot)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view.select_range(0, LONG)
        fill_disk(app.store.conn)
        await tag_selection(app, pilot)

        # One line, first on the status row, whole at 80 columns.
        shown = [line for line in screen_lines(app) if "not saved" in line]
        assert len(shown) == 1 and shown[0].lstrip().startswith(REASON)
        assert stored(app) == (0, 0)
        assert screen.passages() == [] and view.highlights == []
        assert not any("saved [" in line for line in screen_lines(app))
        assert view.selection == (0, LONG)  # kept, to try again
        assert not app.history.can_undo

        # The app still answers keys, and saves once there is room.
        await pilot.press("shift+left")
        assert view.selection != (0, LONG)
        view.select_range(0, LONG)
        free_disk(app.store.conn)
        await tag_selection(app, pilot)
        assert stored(app) == (1, 1)
        assert any(f"saved [0, {LONG})" in line for line in screen_lines(app))
        assert not any("not saved" in line for line in screen_lines(app))
    assert app.return_code in (None, 0)
