"""Tagging passages in the reader: keys, mouse, the dialog, undo/redo, edit, delete."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.store import Store
from tests.support.corpus import SEED_ID
from tests.support.pilot import drag, open_article
from tui.app import HashiyaApp, make_app
from tui.screens.reader import ReaderScreen
from tui.screens.tag_dialog import TagDialog

SIZE = (120, 36)


@pytest.fixture
def app(tmp_path: Path) -> HashiyaApp:
    return make_app(tmp_path / "h.db", annotator="sara")


def rows(app: HashiyaApp) -> list[tuple[int, int, str, str | None, str | None, str | None]]:
    with Store(app.settings.db_path) as store:  # a second connection: what is on disk
        return [
            (p.start, p.end, p.text, p.actor, p.stance, p.claim_type)
            for p in store.passages(SEED_ID, "sara")
        ]


async def test_select_by_keys_and_tag_with_three_shortcuts(app: HashiyaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_article(pilot)
        assert view.caret == 0  # the first letter, at the right end of the first line
        # Left moves on in reading order in a right-to-left paragraph.
        await pilot.press("shift+left", "shift+left")
        assert view.selection == (0, 12)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagDialog)
        await pilot.press("1", "n", "f")  # actor Shafaq News, neutral, factual report
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
    assert rows(app) == [(0, 12, "شفق نيوز/ في", "shafaq_news", "neutral", "factual_report")]


async def test_select_by_mouse_over_arabic_with_digits(app: HashiyaApp) -> None:
    phrase = "سبتمبر/أيلول 2026"
    async with app.run_test(size=SIZE) as pilot:
        view = await open_article(pilot)
        start = view.article.text.index(phrase)
        end = start + len(phrase)
        first, last = view.position_of(start), view.position_of(end - 1)
        assert first is not None and last is not None
        # On screen the digits stay left-to-right inside the right-to-left line:
        # «2026» is drawn to the left of «سبتمبر».
        assert last[1] < first[1] and first[0] == last[0]
        await drag(pilot, view, start, end - 1)
        assert view.selection == (start, end)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("slash")
        await pilot.press(*"stat")  # not an actor: search finds nothing; escape the search
        await pilot.press("escape")
        await pilot.pause()
    assert rows(app) == []  # cancelled: nothing saved


async def test_mouse_drag_then_tag_saves_exact_offsets(app: HashiyaApp) -> None:
    phrase = "سبتمبر/أيلول 2026"
    async with app.run_test(size=SIZE) as pilot:
        view = await open_article(pilot)
        start = view.article.text.index(phrase)
        end = start + len(phrase)
        await drag(pilot, view, start, end - 1)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("g", "n", "s")  # Iraqi government, neutral, statistic
        await pilot.pause()
    saved = rows(app)
    assert [(s, e, t) for s, e, t, *_ in saved] == [(start, end, phrase)]


async def test_double_and_triple_click(app: HashiyaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_article(pilot)
        word = "التحذيرات"
        start = view.article.text.index(word)
        row, column = view.position_of(start + 3)  # type: ignore[misc]
        top = int(view.scroll_offset.y)
        await pilot.double_click(view, offset=(column, row - top))
        assert view.selection == (start, start + len(word))
        await pilot.triple_click(view, offset=(column, row - top))
        selected = view.article.text[slice(*view.selection)]  # type: ignore[misc]
        assert selected.startswith("شفق نيوز/") and selected.endswith("في العراق.")


async def test_undo_redo_edit_delete(app: HashiyaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_article(pilot)
        await pilot.press("ctrl+z", "ctrl+y")
        status = str(app.screen.query_one("#reader-status").render())
        assert status.startswith("nothing to redo")
        await pilot.press("ctrl+z")
        assert str(app.screen.query_one("#reader-status").render()).startswith("nothing to undo")
        await pilot.press("shift+left", "t")
        await pilot.pause()
        await pilot.press("1", "n", "f")
        await pilot.pause()
        assert len(rows(app)) == 1
        await pilot.press("ctrl+z")
        assert rows(app) == []
        await pilot.press("ctrl+y")
        assert len(rows(app)) == 1
        # Edit the passage under the caret: change the claim type to prediction.
        await pilot.press("right")  # back onto the passage (the caret moved past it)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, TagDialog)
        await pilot.press("1", "c", "p")
        await pilot.pause()
        assert [r[4:] for r in rows(app)] == [("critical", "prediction")]
        await pilot.press("x")
        assert rows(app) == []
        await pilot.press("ctrl+z")
        assert [r[4:] for r in rows(app)] == [("critical", "prediction")]
        await pilot.press("ctrl+z")  # undo the edit
        assert [r[4:] for r in rows(app)] == [("neutral", "factual_report")]


async def test_mark_done_shows_in_the_list(app: HashiyaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_article(pilot)
        await pilot.press("D", "escape")
        await pilot.pause()
        assert app.store.status(SEED_ID, "sara") == "done"
        table = app.screen.query_one("ArticleTable")
        row = table._row(table.ids.index(SEED_ID))  # type: ignore[attr-defined]
        assert row.status == "done"


async def test_a_new_actor_from_the_dialog_is_stored_and_used(app: HashiyaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_article(pilot)
        await pilot.press("shift+left", "t")
        await pilot.pause()
        await pilot.press("plus")  # + new actor…
        await pilot.pause()
        await pilot.press(*"مراقبون", "enter", *"Observers", "enter", *"محللون", "enter")
        await pilot.pause()
        await pilot.press("n", "f")
        await pilot.pause()
    with Store(app.settings.db_path) as store:
        actors = store.user_actors()
        passages = store.passages(SEED_ID, "sara")
    assert [(a.id, a.name_ar, a.name_en, a.aliases) for a in actors] == [
        ("observers", "مراقبون", "Observers", ("محللون",))
    ]
    assert [p.actor for p in passages] == ["observers"]
