"""Every screen draws Arabic as the layout engine lays it out: names, targets, notes,
comments, status lines, notifications, tables, at 80x24 and at 120x40."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.layout import draw
from tests.support.corpus import (
    ARABIC_ANNOTATOR,
    ARABIC_COMMENT,
    ARABIC_NOTE,
    ARABIC_TARGET,
    SEED_ID,
    arabic_team_db,
)
from tests.support.pilot import open_article, wait_for_text, wait_until
from tests.support.screens import arabic_problems, assert_arabic_laid_out
from tui.app import make_app
from tui.screens.agreement import AgreementScreen
from tui.screens.help import HelpScreen
from tui.screens.overview import OverviewScreen
from tui.screens.review import ReviewQueueScreen, ReviewScreen

SIZES = [(80, 24), (120, 40)]


def test_the_check_finds_arabic_drawn_wrong() -> None:
    """The helper itself: logical order, unjoined, or reversed twice all fail."""
    good = draw("قال المتحدث باسم الحكومة 2024").text
    assert arabic_problems([good, "plain English", "actor: " + draw("داعش").text]) == []
    assert arabic_problems(["قال المتحدث"])  # logical order, unjoined
    assert arabic_problems([good[::-1]])  # reversed twice
    assert arabic_problems([draw("قال المتحدث", shape=False).text])  # not joined
    # A word cut at a widget's edge keeps its forms: still the engine's.
    assert arabic_problems([draw("قال المتحدث باسم الحكومة", 12).text]) == []


@pytest.mark.parametrize("size", SIZES)
async def test_reader_panel_and_status(tmp_path: Path, size: tuple[int, int]) -> None:
    db = tmp_path / "team.db"
    arabic_team_db(db).close()
    app = make_app(db, annotator=ARABIC_ANNOTATOR)
    async with app.run_test(size=size) as pilot:
        view = await open_article(pilot, SEED_ID)
        passage = app.store.passages(SEED_ID, ARABIC_ANNOTATOR)[0]
        view.caret = passage.start
        lines = await wait_for_text(pilot, f"[{passage.start}, {passage.end})")
        assert_arabic_laid_out(lines, expected=[ARABIC_TARGET, ARABIC_NOTE, ARABIC_COMMENT])


@pytest.mark.parametrize("size", SIZES)
async def test_list_status_and_notification(tmp_path: Path, size: tuple[int, int]) -> None:
    db = tmp_path / "team.db"
    arabic_team_db(db).close()
    app = make_app(db, annotator="lead")
    async with app.run_test(size=size) as pilot:
        await wait_for_text(pilot, "articles")
        names = app.store.annotators()
        await pilot.press(*["a"] * (names.index(ARABIC_ANNOTATOR) + 1))
        name = draw(ARABIC_ANNOTATOR).text

        lines = await wait_for_text(pilot, f"annotated by: {name}")
        status = [line for line in lines if "sorted by" in line]
        assert status and f"annotated by: {name}" in status[0]
        assert_arabic_laid_out(lines, expected=[ARABIC_ANNOTATOR])
        # The toast (it may have expired on a slow machine: its text is what counts).
        toast = list(app._notifications)[-1].message
        assert toast == f"annotated by: {name}"
        assert not arabic_problems(toast.split("\n"))


@pytest.mark.parametrize("size", SIZES)
async def test_review_queue_and_panel(tmp_path: Path, size: tuple[int, int]) -> None:
    db = tmp_path / "team.db"
    arabic_team_db(db).close()
    app = make_app(db, annotator="lead")
    async with app.run_test(size=size) as pilot:
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewQueueScreen), "the queue")
        lines = await wait_for_text(pilot, "omar, sara, ")
        assert_arabic_laid_out(lines, expected=[ARABIC_ANNOTATOR])
        assert not arabic_problems(lines)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        passage = app.store.passages(SEED_ID, ARABIC_ANNOTATOR)[0]
        item = next(i for i in screen.review.items if i.start == passage.start)
        screen._go(item)
        lines = await wait_for_text(pilot, f"ITEM [{item.start}, {item.end})")
        assert_arabic_laid_out(lines, expected=[ARABIC_ANNOTATOR])
        if size[1] >= 40:  # the third version's target and note are below row 24
            assert_arabic_laid_out(lines, expected=[ARABIC_TARGET, ARABIC_NOTE, ARABIC_COMMENT])


@pytest.mark.parametrize("size", SIZES)
async def test_agreement_overview_and_help(tmp_path: Path, size: tuple[int, int]) -> None:
    db = tmp_path / "team.db"
    arabic_team_db(db).close()
    app = make_app(db, annotator=ARABIC_ANNOTATOR)
    async with app.run_test(size=size) as pilot:
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, AgreementScreen), "agreement")
        lines = await wait_for_text(pilot, "Agreement of 3 annotators")
        assert_arabic_laid_out(lines, expected=[ARABIC_ANNOTATOR])
        await pilot.press("escape", "o")
        await wait_until(pilot, lambda: isinstance(app.screen, OverviewScreen), "overview")
        lines = await wait_for_text(pilot, "By annotator")
        assert_arabic_laid_out(lines, expected=[ARABIC_ANNOTATOR])
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        lines = await wait_for_text(pilot, "Keys")
        assert not arabic_problems(lines)
