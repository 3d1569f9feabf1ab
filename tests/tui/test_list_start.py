"""The article list starts from its first page and a count; the rest is read on need,
and every key that moves past the first page lands on the same article as before."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotations.articles import make_article
from annotations.store import SORT_KEYS, CatalogQuery, Store
from tui.app import make_app
from tui.screens.article_list import FIRST_IDS, ArticleListScreen
from tui.widgets.article_table import ArticleTable, CatalogIds

N = FIRST_IDS + 57


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "big.db"
    with Store(path) as store:
        store.add_articles(
            make_article(f"خبر رقم {i} " + "كلمة " * (i % 13), id=f"a{i:04d}", title=f"عنوان {i}")
            for i in range(N)
        )
        store.set_status("a0003", "sara", "done")
        store.set_status("a0250", "sara", "in_progress")
    return path


def test_first_ids_and_count_agree_with_the_whole_list(db: Path) -> None:
    with Store(db) as store:
        base = CatalogQuery(annotator="sara")
        queries = [replace(base, sort=k, descending=d) for k in SORT_KEYS for d in (False, True)]
        queries += [replace(base, status=s) for s in ("todo", "in_progress", "done")]
        queries.append(replace(base, ids=("a0250", "a0003", "zzz")))
        for query in queries:
            whole = store.catalog_ids(query)
            assert store.catalog_ids(query, limit=FIRST_IDS) == whole[:FIRST_IDS], query
            assert store.catalog_count(query) == len(whole), query


def test_catalog_ids_reads_the_rest_only_past_the_first_page() -> None:
    loads: list[int] = []
    everything = [f"id{i}" for i in range(10)]

    def load() -> list[str]:
        loads.append(1)
        return everything

    ids = CatalogIds(everything[:4], 10, load)
    assert len(ids) == 10 and ids[0] == "id0" and ids[1:3] == ["id1", "id2"]
    assert "id2" in ids and ids.index("id3") == 3
    assert loads == []
    assert ids[7] == "id7" and ids[-1] == "id9" and ids[2:6] == everything[2:6]
    assert ids == everything and "id8" in ids and ids.index("id8") == 8
    assert loads == [1]  # read once


async def test_the_list_opens_on_its_count_and_end_reaches_the_last_article(db: Path) -> None:
    app = make_app(db, annotator="sara", import_seeds=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ArticleListScreen)
        table = app.screen.query_one(ArticleTable)
        status = str(app.screen.query_one("#list-status").render())
        assert f"{N:,} articles" in status
        assert table.current_id == "a0000"
        await pilot.press("end")
        await pilot.pause()
        assert table.current_id == f"a{N - 1:04d}"
        assert list(table.ids) == [f"a{i:04d}" for i in range(N)]
        await pilot.press("home", "s", "s", "s", "s")  # imported, title, source, date, length
        await pilot.pause()
        with Store(db) as store:
            by_length = store.catalog_ids(CatalogQuery(annotator="sara", sort="length"))
        assert table.current_id == "a0000"  # the cursor stays on its article
        await pilot.press("end")
        await pilot.pause()
        assert table.current_id == by_length[-1]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.article_ids[app.screen.index] == by_length[-1]  # type: ignore[attr-defined]


async def test_the_first_frame_reads_no_schema_and_the_review_column_follows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows two annotators labelled need the schema (YAML) for their review column: the
    first frame is drawn without it, and the column is filled in right after."""
    from tests.support.corpus import SEED_ID, two_annotator_db
    from tests.support.pilot import wait_for_text

    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    app = make_app(db, annotator="lead")
    schema_at_first_row: list[bool] = []
    render_line = ArticleTable.render_line

    def first_row_drawn(table: ArticleTable, y: int):  # type: ignore[no-untyped-def]
        strip = render_line(table, y)
        if y == 1 and not schema_at_first_row:
            schema_at_first_row.append(app.label_schema_if_read is not None)
        return strip

    monkeypatch.setattr(ArticleTable, "render_line", first_row_drawn)
    async with app.run_test(size=(140, 40)) as pilot:
        lines = await wait_for_text(pilot, "2✗ ?")
        assert schema_at_first_row == [False]
        table = app.screen.query_one(ArticleTable)
        row = table._row(table.ids.index(SEED_ID))
        assert row is not None and (row.disagreements, row.review) == (2, "unreviewed")
        assert sum("2✗ ?" in line for line in lines) == 1


async def test_cycle_collection_is_held_until_the_first_frame(db: Path) -> None:
    """The command holds collection while the app starts; its first frame releases it."""
    import gc

    from tests.support.pilot import wait_until
    from tui.startup import hold_collection

    hold_collection()
    try:
        assert not gc.isenabled()
        app = make_app(db, annotator="sara", import_seeds=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, gc.isenabled, "collection released after the first frame")
            assert gc.get_freeze_count() > 0  # start-up's objects moved out of its way
            assert app.screen.query_one(ArticleTable).current_id == "a0000"
    finally:
        gc.enable()
        gc.unfreeze()
