"""The search screen (articles and passages), the overview, and the annotator filter."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from textual.widgets import OptionList, Select, Static

from annotations.search import Hit
from annotations.search.passages import PassageHit
from annotations.store import Store
from tests.support.corpus import SEED_ID, two_annotator_db
from tui.app import HashiyaApp, make_app
from tui.screens.article_list import ArticleListScreen
from tui.screens.overview import OverviewScreen, bar
from tui.screens.reader import ReaderScreen
from tui.screens.search import SearchScreen
from tui.widgets.article_table import ArticleTable
from tui.widgets.bidi_input import BidiInput
from tui.widgets.reader_view import ReaderView

SIZE = (120, 36)


@pytest.fixture
def app(tmp_path: Path) -> HashiyaApp:
    return make_app(tmp_path / "h.db", annotator="sara")


@pytest.fixture
def team_app(tmp_path: Path) -> HashiyaApp:
    two_annotator_db(tmp_path / "h.db").close()
    return make_app(tmp_path / "h.db", annotator="sara")


def screen_text(app: HashiyaApp) -> str:
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )


def count_in(line: str) -> int:
    """The count of a chart row: its first number standing alone."""
    found = re.search(r"(?<!\S)(\d[\d,]*)(?!\S)", line)
    assert found, line
    return int(found.group(1).replace(",", ""))


def status(app: HashiyaApp) -> str:
    return str(app.screen.query_one("#search-status", Static).render())


async def test_search_without_hamza_opens_the_hit_selected(app: HashiyaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"الامريكية")  # typed without the hamza
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert status(app).startswith("3 articles")
        hit = screen.hits[0]
        assert isinstance(hit, Hit) and hit.start is not None and hit.end is not None
        text = app.store.get_article(hit.article_id).text  # type: ignore[union-attr]
        assert text[hit.start : hit.end] == "الأمريكية"
        # The field itself shows the query laid out, not in logical order.
        shown = screen.query_one("#search-input", BidiInput).render_line(0).text
        assert "الامريكية" not in shown and shown.strip()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        view = app.screen.query_one(ReaderView)
        assert app.screen.article.id == hit.article_id
        assert view.selection == (hit.start, hit.end)
        assert hit.start <= view.caret < hit.end
        # Back in the search, the results are still there.
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is screen and len(screen.hits) == 3


async def test_results_are_laid_out_with_the_match_marked(app: HashiyaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"وتعد")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        [hit] = screen.hits
        prompt = screen.query_one(OptionList).get_option_at_index(0).prompt
        lines = str(prompt).split("\n")
        assert lines[0].startswith(f"{hit.article_id} {hit.start}-{hit.end}")
        assert "وتُعد" not in lines[1]  # laid out, right to left
        marked = [
            str(prompt)[span.start : span.end]
            for span in prompt.spans  # type: ignore[union-attr]
            if "reverse" in str(span.style)
        ]
        # The marked cells are the word, drawn in visual order: ﺪﻌُﺗﻭ.
        assert len(marked) == 1 and len([c for c in marked[0] if not unicodedata.combining(c)]) == 4
        # Nothing in logical order reached the screen.
        assert "وتُعد" not in screen_text(app)


async def test_a_new_keystroke_replaces_the_search(app: HashiyaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"داعش")
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"كلمةغيرموجودة")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.hits == []
        assert status(app) == "no articles match"
        await pilot.press("enter")  # nothing to open
        await pilot.pause()
        assert app.screen is screen


async def test_hostile_query_does_not_crash(app: HashiyaApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *'"«*(NEAR', "quotation_mark")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert "failed" not in status(app)


async def test_passage_search_by_actor_and_note(team_app: HashiyaApp) -> None:
    app = team_app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen) and screen.mode == "passages"
        assert len(screen.hits) == 5  # every passage, no filter yet
        screen.query_one("#filter-actor", Select).value = "isis"
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sorted(h.passage.annotator for h in screen.hits) == ["omar", "sara"]
        screen.query_one("#filter-actor", Select).clear()
        screen.query_one("#annotator-filter", Select).value = "sara"
        await pilot.press(*"date")  # the note of one of sara's passages
        await app.workers.wait_for_complete()
        await pilot.pause()
        [hit] = screen.hits
        assert isinstance(hit, PassageHit) and hit.passage.note == "date"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article.id == SEED_ID
        view = app.screen.query_one(ReaderView)
        assert view.selection == (hit.passage.start, hit.passage.end)


async def test_overview_counts(team_app: HashiyaApp) -> None:
    app = team_app
    with Store(app.settings.db_path) as store:  # omar starts another article too
        store.set_status(store.article_ids()[0], "omar", "in_progress")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        report = str(app.screen.query_one("#overview-report", Static).render())
        lines = [" ".join(line.split()) for line in report.splitlines()]
        assert lines[0] == "5 articles · 5 passages · 2 annotators"
        mine = lines[lines.index("Your articles (sara), by status") + 1 :][:3]
        assert [count_in(line) for line in mine] == [4, 0, 1]  # to do, in progress, done
        everyone = lines[lines.index("Everyone: articles by how far anyone got") + 1 :][:3]
        assert [count_in(line) for line in everyone] == [3, 1, 1]
        by_annotator = lines[
            lines.index("By annotator: passages (articles done, in progress)") + 1 :
        ]
        assert by_annotator[0].startswith("sara 3 ") and by_annotator[0].endswith(
            "1 done, 0 in progress"
        )
        assert by_annotator[1].startswith("omar 2 ") and by_annotator[1].endswith(
            "0 done, 2 in progress"
        )
        claims = {
            line.split()[0]: count_in(line)
            for line in lines[lines.index("Passages by claim type") + 1 :]
            if line
        }
        assert claims["Warning"] == 2 and claims["Prediction"] == 1
        assert claims["Factual"] == 1 and claims["Statistic"] == 1 and claims["Denial"] == 0
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ArticleListScreen)


def test_bar_uses_eighths() -> None:
    assert bar(0, 10) == ""
    assert bar(10, 10, 4) == "████"
    assert bar(5, 10, 4) == "██"
    assert bar(1, 16, 1) == "▏"
    assert bar(1, 10_000, 30) == "▏"  # never invisible when not zero


async def test_annotator_filter_cycles(team_app: HashiyaApp) -> None:
    app = team_app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ArticleTable)
        assert len(table.ids) == 5
        await pilot.press("a")  # omar (annotators are in name order)
        await pilot.pause()
        assert table.ids == [SEED_ID]
        assert app.screen.query_state.annotated_by == "omar"  # type: ignore[attr-defined]
        await pilot.press("a")  # sara
        assert app.screen.query_state.annotated_by == "sara"  # type: ignore[attr-defined]
        assert table.ids == [SEED_ID]
        await pilot.press("a")  # everyone again
        assert len(table.ids) == 5
