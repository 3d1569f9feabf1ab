"""Driving the app in tests as a user would: open an article, drag the mouse."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

from tests.support.corpus import SEED_ID
from tui.screens.reader import ReaderScreen
from tui.widgets.reader_view import ReaderView


async def open_article(pilot: Pilot[None], article_id: str = SEED_ID) -> ReaderView:
    """From the article list, walk down to the article and press Enter."""
    await pilot.pause()
    ids = pilot.app.screen.article_ids  # type: ignore[attr-defined]
    await pilot.press(*(["down"] * ids.index(article_id)), "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReaderScreen)
    return pilot.app.screen.query_one(ReaderView)


async def drag(pilot: Pilot[None], view: ReaderView, start: int, last: int) -> None:
    """Press the mouse on the cell of offset `start`, move to `last`'s cell, release."""
    first, final = view.position_of(start), view.position_of(last)
    assert first is not None and final is not None
    top = int(view.scroll_offset.y)
    await pilot.mouse_down(view, offset=(first[1], first[0] - top))
    await pilot.hover(view, offset=(final[1], final[0] - top))
    await pilot.mouse_up(view, offset=(final[1], final[0] - top))
    await pilot.pause()


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], object], what: str, timeout: float = 60.0
) -> None:
    """Let the app run until `condition()` holds (a wait on a condition, not a sleep).

    The timeout is only there to fail a test that would otherwise hang; on a busy
    machine it is never what a passing test waits for.
    """
    deadline = time.monotonic() + timeout
    await pilot.pause()
    while not condition():
        if time.monotonic() > deadline:
            from tests.support.screens import screen_lines

            screen = "\n".join(screen_lines(pilot.app))
            raise AssertionError(f"never happened within {timeout:.0f} s: {what}\n{screen}")
        await pilot.pause(0.02)


async def wait_for_text(pilot: Pilot[None], text: str, timeout: float = 60.0) -> list[str]:
    """Wait until `text` is on the screen (as drawn); the screen's lines."""
    from tests.support.screens import screen_lines

    await wait_until(
        pilot, lambda: any(text in line for line in screen_lines(pilot.app)), repr(text), timeout
    )
    return screen_lines(pilot.app)
