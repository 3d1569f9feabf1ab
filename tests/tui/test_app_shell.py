"""The app shell: the article list, opening an article, help, back, quit."""

from __future__ import annotations

from pathlib import Path

from tui.app import make_app
from tui.screens.article_list import ArticleListScreen
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.article_table import ArticleTable


async def test_first_start_imports_seeds_and_opens_an_article(tmp_path: Path) -> None:
    app = make_app(tmp_path / "h.db", annotator="sara")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ArticleListScreen)
        table = app.screen.query_one(ArticleTable)
        assert len(table.ids) == 5
        assert "sara" in app.sub_title and "h.db" in app.sub_title
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article_ids[app.screen.index] == app.store.article_ids()[1]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = [row for _, section in app.screen.sections() for row in section]
        keys = [keys for keys, _ in rows]
        assert "Esc" in keys and "q" in keys
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ArticleListScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
