"""A new actor typed (or pasted) in the app is checked like every other name."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from annotations.store import Store
from tests.support.pilot import open_article
from tui.app import HashiyaApp, make_app
from tui.screens.tag_dialog import NewActorDialog, TagDialog


@pytest.fixture
def app(tmp_path: Path) -> HashiyaApp:
    return make_app(tmp_path / "h.db", annotator="sara")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_new_actor_with_a_bidi_override_is_refused(
    app: HashiyaApp, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await open_article(pilot)
        await pilot.press("shift+left", "t")
        await pilot.pause()
        await pilot.press("plus")  # + new actor…
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NewActorDialog)
        # As pasted: an override that would show "Observers" for "srevresbO".
        dialog.query_one("#name-ar", Input).value = "مراقبون"
        dialog.query_one("#name-en", Input).value = "Obs\u202eervers"
        dialog.query_one("#aliases", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # still open, to be corrected
        error = str(dialog.query_one("#new-actor-error", Static).render())
        assert error == "English name: bidi control U+202E (RLO) at character 4"
        assert dialog.query_one("#new-actor-error", Static).region.width > len(error)

        dialog.query_one("#name-en", Input).value = "Observers"
        dialog.query_one("#aliases", Input).value = "ok, \x1b]0;pwned\x07"
        dialog.query_one("#aliases", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        error = str(dialog.query_one("#new-actor-error", Static).render())
        assert error == "alias: control character U+001B (ESC) at character 1"

        dialog.query_one("#aliases", Input).value = "محللون"
        dialog.query_one("#aliases", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TagDialog)
        await pilot.press("n", "f")  # stance and claim type: the passage and actor are saved
        await pilot.pause()
    with Store(app.settings.db_path) as store:
        assert [(a.name_en, a.aliases) for a in store.user_actors()] == [("Observers", ("محللون",))]
