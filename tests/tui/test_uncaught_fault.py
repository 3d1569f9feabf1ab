"""A database fault no screen catches stops the app with its one line, not a traceback,
and what was saved before it stays saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.store import Store, StoreError
from tests.support.pilot import wait_until
from tui.app import make_app
from tui.screens.article_list import ArticleListScreen

LINE = "h.db: database is busy: another program held it past the timeout"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_fault_on_a_read_stops_the_app_with_one_line(
    tmp_path: Path, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path / "h.db", annotator="sara")
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ArticleListScreen), "the list")
        articles_before = len(app.store.article_ids())

        def busy() -> list[tuple[str, int]]:
            raise StoreError(LINE, "busy")

        monkeypatch.setattr(app.store, "sources", busy)
        await pilot.press("F")  # the source filter reads the sources
        await wait_until(pilot, lambda: app.return_code == 1, "the app stopped")
    assert app.fault == LINE
    assert not app._exit_renderables  # no traceback printed on exit
    with Store(tmp_path / "h.db") as store:
        assert len(store.article_ids()) == articles_before  # nothing lost


async def test_any_other_error_is_still_a_bug_with_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path / "h.db", annotator="sara")
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ArticleListScreen), "the list")

            def broken() -> list[tuple[str, int]]:
                raise ZeroDivisionError

            monkeypatch.setattr(app.store, "sources", broken)
            await pilot.press("F")
            await wait_until(pilot, lambda: app.return_code == 1, "the app stopped")
    assert app.fault is None
