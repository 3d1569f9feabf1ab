"""The reader: what it draws, resizing, the caret moving visually, find in the article."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.layout import ParagraphLayout
from tests.support.pilot import open_article
from tests.support.screens import screen_lines
from tui.app import HashiyaApp, make_app
from tui.screens.reader import ReaderScreen


@pytest.fixture
def app(tmp_path: Path) -> HashiyaApp:
    return make_app(tmp_path / "h.db", annotator="sara")


async def test_first_lines_are_drawn_exactly_as_the_engine_lays_them_out(
    app: HashiyaApp,
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_article(pilot)
        start, end = view.article.paragraphs[0]
        expected = ParagraphLayout(view.article.text[start:end]).lines(view.text_width)
        screen = screen_lines(app)
        first_row, column = view.position_of(start)  # type: ignore[misc]
        top = view.region.y - int(view.scroll_offset.y)
        for number, line in enumerate(expected[:4]):
            row = screen[top + first_row + number]
            x = view.region.x + 1 + line.pad(view.text_width)  # margin + right alignment
            assert row[x : x + len(line.text)] == line.text
        # The first letter of the paragraph sits at its line's right end (after the
        # one-column margin, the last column of the text).
        assert column == 1 + view.text_width - 1


async def test_resize_keeps_the_reading_position(app: HashiyaApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        view = await open_article(pilot)
        await pilot.press(*["j"] * 25)
        await pilot.pause()
        before = view.top_offset()
        assert before is not None and before > 0
        await pilot.resize_terminal(80, 30)
        await pilot.pause()
        after = view.top_offset()
        assert after is not None
        # The line at the top now starts at or just before the same text.
        position = view.position_of(before)
        assert position is not None
        assert position[0] == int(view.scroll_offset.y)
        assert after <= before


async def test_left_always_goes_left(app: HashiyaApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_article(pilot)
        for _ in range(6):
            row, column = view.position_of(view.caret)  # type: ignore[misc]
            await pilot.press("ctrl+left")  # one cell to the left
            new_row, new_column = view.position_of(view.caret)  # type: ignore[misc]
            assert (new_row, new_column) == (row, column - 1) or (
                new_row, new_column) == (row, column - 2)  # fmt: skip
        # In a right-to-left paragraph, going left is going forward in the text.
        assert view.caret > 0
        await pilot.press("ctrl+right")
        row, column = view.position_of(view.caret)  # type: ignore[misc]
        await pilot.press("down")
        assert view.position_of(view.caret)[0] == row + 1  # type: ignore[index]


async def test_find_in_the_article_ignores_hamza_and_moves_between_hits(
    app: HashiyaApp,
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        view = await open_article(pilot)
        text = view.article.text
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"الامريكية", "enter")  # written without the hamza
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        assert len(screen.hits) >= 2
        first = view.selection
        assert first is not None and text[first[0] : first[1]] in ("الأمريكية", "الأميركية")
        await pilot.press("n")
        second = view.selection
        assert second is not None and second[0] > first[0]
        await pilot.press("N")
        assert view.selection == first
        await pilot.press("escape")
        assert screen.hits == [] and view.selection is None


async def test_terminal_bidi_mode_sends_logical_unshaped_lines(tmp_path: Path) -> None:
    app = make_app(tmp_path / "h.db", annotator="sara", bidi="terminal")
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_article(pilot)
        start, _end = view.article.paragraphs[0]
        text = view.article.text
        row, _ = view.position_of(start)  # type: ignore[misc]
        line = view.rows[row].line
        assert line is not None
        # The terminal gets the characters in logical order, as stored (not shaped).
        assert line.text == text[start + line.start : start + line.end].rstrip()
        assert view.rows[row].pad == 0


async def test_a_very_long_article_is_laid_out_off_the_ui_thread(tmp_path: Path) -> None:
    from annotations.articles import make_article
    from annotations.store import Store
    from tui.widgets.reader_view import LARGE_ARTICLE

    paragraph = "قالت مصادر أمنية إن القوات انسحبت من 12 موقعاً قرب الحدود (وفق Reuters).\n"
    text = paragraph * (LARGE_ARTICLE // len(paragraph) + 10)
    article = make_article(text)
    db = tmp_path / "big.db"
    with Store(db) as store:
        store.add_articles([article])
    app = make_app(db, annotator="sara", import_seeds=False)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_article(pilot, article.id)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(view.rows) > len(article.paragraphs)
        assert "ﺔﻴﻨﻣﺃ" in "".join(screen_lines(app))  # drawn, shaped
        await pilot.press("ctrl+left")
        assert view.caret > 0


async def test_a_very_long_article_shows_its_first_screen_before_it_is_all_wrapped(
    tmp_path: Path,
) -> None:
    import threading
    from unittest.mock import patch

    from annotations.articles import make_article
    from annotations.layout import ArticleLayout
    from annotations.store import Store
    from tui.widgets.reader_view import LARGE_ARTICLE

    paragraph = "قالت مصادر أمنية إن القوات انسحبت من 12 موقعاً قرب الحدود (وفق Reuters).\n\n"
    text = paragraph * (LARGE_ARTICLE // len(paragraph) + 10)
    article = make_article(text)
    db = tmp_path / "big.db"
    with Store(db) as store:
        store.add_articles([article])
    release = threading.Event()
    whole_wrap = ArticleLayout.rows

    def held_rows(layout: ArticleLayout, width: int) -> object:
        release.wait(timeout=120)  # the worker's whole wrap waits for the test
        return whole_wrap(layout, width)

    app = make_app(db, annotator="sara", import_seeds=False)
    with patch.object(ArticleLayout, "rows", held_rows):
        async with app.run_test(size=(80, 24)) as pilot:
            try:
                view = await open_article(pilot, article.id)
                await pilot.pause()
                lines = screen_lines(app)
                # The first paragraphs are on screen, shaped, while the rest is not wrapped.
                assert sum("ﺔﻴﻨﻣﺃ" in line for line in lines) >= 5
                assert len(view.rows) < len(article.paragraphs)
                await pilot.press("ctrl+left")
                assert view.caret > 0
            finally:
                release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert len(view.rows) > 2 * len(article.paragraphs)
