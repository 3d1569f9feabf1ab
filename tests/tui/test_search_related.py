"""The passage search screen's "said by" filter: contents attributed to an actor."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select

from tests.support.pilot import wait_until
from tests.support.relations import ASAYISH_CONTENT, SECURITY_CONTENT, frames_db
from tui.app import make_app
from tui.screens.search import SearchScreen


async def test_said_by_filter_keeps_the_actors_contents(tmp_path: Path) -> None:
    frames_db(tmp_path / "h.db", asayish=True).close()
    app = make_app(tmp_path / "h.db", annotator="sara")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("slash", "ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen) and screen.mode == "passages"
        assert len(screen.hits) == 9  # every passage: 3 of omar's, 6 of sara's
        screen.query_one("#related-filter", Select).value = "anonymous_security_source"
        await wait_until(pilot, lambda: len(screen.hits) == 2, "two contents said by it")
        assert {(h.passage.annotator, h.passage.text) for h in screen.hits} == {
            ("omar", SECURITY_CONTENT),
            ("sara", SECURITY_CONTENT),
        }
        # With the annotator filter too; then an actor named only by the source's words.
        screen.query_one("#annotator-filter", Select).value = "sara"
        await wait_until(pilot, lambda: len(screen.hits) == 1, "sara's only")
        screen.query_one("#related-filter", Select).value = "asayish"
        await wait_until(
            pilot,
            lambda: [h.passage.text for h in screen.hits] == [ASAYISH_CONTENT],
            "the Asayish content",
        )
