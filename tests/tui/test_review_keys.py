"""Keys, confirmations, messages and the palette around review, as a user meets them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList

from annotations.seeds import import_seeds_if_empty
from annotations.store import Store
from tests.support.corpus import SEED_ID, two_annotator_db
from tests.support.pilot import open_article
from tests.support.screens import screen_lines
from tui.app import HashiyaApp, make_app
from tui.screens.article_list import ArticleListScreen
from tui.screens.base import HashiyaScreen
from tui.screens.confirm import ConfirmDialog
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen
from tui.screens.review import MyReviewsScreen, ReviewQueueScreen, ReviewScreen

SIZES = [(80, 24), (120, 40)]


def text(app: HashiyaApp) -> str:
    return "\n".join(screen_lines(app))


def status(app: HashiyaApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}").render())


async def until(pilot: Pilot[None], condition: Callable[[], object], what: str) -> None:
    """Wait for a condition (never a fixed sleep): the suite runs on busy machines."""
    for _ in range(400):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def team_db(tmp_path: Path) -> Path:
    """Two annotators; on the agreed passage both give the same target, omar a note."""
    db = tmp_path / "team.db"
    store = two_annotator_db(db)
    for who, note in (("omar", "ساخر"), ("sara", None)):
        (p,) = [p for p in store.passages(SEED_ID, who) if p.claim_type == "warning"]
        store.update_passage(replace(p, target="الحكومة", note=note))
    store.close()
    return db


@pytest.mark.parametrize("size", SIZES)
async def test_merge_all_asks_first_and_keeps_target_and_note(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    db = team_db(tmp_path)
    app = make_app(db, annotator="lead")
    async with app.run_test(size=size) as pilot:
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ReviewQueueScreen)
        assert "1 article to review · 0 settled" in text(app)
        # M means "my reviews" here too, never a merge.
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, MyReviewsScreen)
        await pilot.press("escape")
        await pilot.pause()
        with Store(db) as store:
            assert store.gold_passages() == []
        await pilot.press("U")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        shown = " ".join(text(app).split())
        assert "Merge 1 agreed passage in 1 article into gold?" in shown
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ReviewQueueScreen)
        assert "nothing merged" in status(app, "queue-status")
        with Store(db) as store:
            assert store.gold_passages() == []
        await pilot.press("U", "y")
        await pilot.pause()
        assert "1 agreed passage merged into gold" in status(app, "queue-status")
        with Store(db) as store:
            row = store.conn.execute(
                "SELECT json_extract(labels, '$.target'), json_extract(labels, '$.note'), notes, origin"
                " FROM gold_passages"
            ).fetchone()
        assert row[0] == "الحكومة" and row[1] == "ساخر" and row[3] == "unanimous"
        assert json.loads(row[2]) == [{"author": "omar", "text": "ساخر"}]
        assert "Merge" in screen_lines(app)[-1]  # the footer still names the key


async def test_a_differing_target_is_named_on_the_review_screen(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    store = two_annotator_db(db)
    (p,) = [p for p in store.passages(SEED_ID, "omar") if p.claim_type == "warning"]
    store.update_passage(replace(p, target="الحكومة"))
    store.close()
    app = make_app(db, annotator="lead")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("R", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("U")  # nothing agreed is left: no dialog, a line says so
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "no undecided agreements in this article" in status(app, "review-status")
        screen = app.screen
        target_item = next(i for i in screen.review.items if "target" in i.differing)
        screen._go(target_item)
        await pilot.pause()
        assert "same span, different labels (target)" in text(app)


async def test_empty_queue_says_what_to_do(tmp_path: Path) -> None:
    app = make_app(tmp_path / "h.db", annotator="sara")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        shown = " ".join(text(app).split())
        assert "Nothing to review yet." in shown
        assert "hashiya import-annotations FILE" in shown
        await pilot.press("U")
        await pilot.pause()
        assert "no undecided agreements to merge" in status(app, "queue-status")


@pytest.mark.parametrize("size", SIZES)
async def test_panel_names_values_and_the_accepted_version(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    app = make_app(db, annotator="lead")
    async with app.run_test(size=size) as pilot:
        await pilot.press("R", "enter")
        await pilot.pause()
        panel = str(app.screen.query_one("#review-panel").render())
        assert "Claim type: Factual report" in panel and "Claim type: Prediction" in panel
        assert "Stance: Neutral" in panel
        assert "factual_report" not in panel
        await pilot.press("2")
        await pilot.pause()
        assert "accepted version 2 (sara) into gold" in status(app, "review-status")
        panel = str(app.screen.query_one("#review-panel").render())
        assert "verdict: accepted version 2 (sara)\n  by lead" in panel
        with Store(db) as store:
            assert [g.claim_type for g in store.gold_passages(SEED_ID)] == ["factual_report"]
        await pilot.press("ctrl+z")
        assert status(app, "review-status").endswith("undone")
        await pilot.press("ctrl+z")
        assert status(app, "review-status").endswith("nothing to undo")
        await pilot.press("ctrl+y")
        assert status(app, "review-status").endswith("redone")
        await pilot.press("ctrl+y")
        assert status(app, "review-status").endswith("nothing to redo")
        with Store(db) as store:
            assert [g.claim_type for g in store.gold_passages(SEED_ID)] == ["factual_report"]


async def test_D_says_what_it_did_and_the_message_expires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(HashiyaScreen, "MESSAGE_SECONDS", 0.3)
    app = make_app(tmp_path / "h.db", annotator="sara")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_article(pilot)
        await pilot.press("D")
        assert "marked done (D again: back to in progress)" in status(app, "reader-status")
        assert app.store.status(SEED_ID, "sara") == "done"
        await until(pilot, lambda: "marked" not in status(app, "reader-status"), "expiry")
        assert "status: done" in status(app, "reader-status")
        await pilot.press("D")
        assert "marked in progress again (was done)" in status(app, "reader-status")
        assert app.store.status(SEED_ID, "sara") == "in_progress"


@pytest.mark.parametrize("size", SIZES)
async def test_help_names_keys_groups_screens_and_scrolls(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path / "h.db", annotator="sara")
    async with app.run_test(size=size) as pilot:
        await open_article(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        sections = app.screen.sections()
        titles = [title for title, _ in sections]
        assert titles[0] == "Reader (this screen)" and titles[1] == "Everywhere"
        assert titles[-1] == "Built into Textual"
        assert "Article list" in titles and "Review" in titles
        reader = dict((what, keys) for keys, what in sections[0][1])
        assert reader["Find"] == "/"
        assert reader["Next passage"] == "]" and reader["Prev passage"] == "["
        assert reader["Char left"] == "alt+← / ctrl+←"
        everywhere = dict((what, keys) for keys, what in sections[1][1])
        assert everywhere["Keys"] == "?" and everywhere["Review"] == "R"
        body = str(app.screen.query_one("#help-text").render())
        assert "slash" not in body and "square_bracket" not in body
        assert "question_mark" not in body
        assert body.index("Reader (this screen)") < body.index("Built into Textual")
        shown = text(app)
        assert "Keys — Reader" in shown and "Reader (this screen)" in shown
        scroll = app.screen.query_one("#help-keys")
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0
        await pilot.press("end")
        await until(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y, "the end")
        assert "Built into Textual" in text(app)
        await pilot.press("home")
        await until(pilot, lambda: scroll.scroll_y == 0, "the top")
        assert "Reader (this screen)" in text(app)


async def palette(pilot: Pilot[None], query: str, expect: str | None = None) -> str:
    """Open the palette, type `query`, wait for a first hit holding `expect` (default:
    the query's first word); returns that hit's text."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    await pilot.press(*query)
    options = app.screen.query_one(OptionList)

    def first() -> str:
        if not options.option_count:
            return ""
        return str(options.get_option_at_index(0).prompt)

    wanted = (expect or query.split()[0]).lower()
    await until(pilot, lambda: wanted in first().lower(), f"a hit for {query}")
    return first()


async def test_palette_offers_hashiyas_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # exports land in ~/Downloads
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "Downloads").mkdir()
    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    app = make_app(db, annotator="sara")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Review queue" in await palette(pilot, "Review queue")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewQueueScreen), "the queue")
        await pilot.press("escape")
        await pilot.pause()
        # The annotator filter, by name.
        assert "omar" in await palette(pilot, "Annotator filter: omar")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ArticleListScreen)
        assert screen.article_ids == [SEED_ID] and screen.query_state.annotated_by == "omar"
        # Open an article by a word of its title.
        store = app.store
        other = next(a for a in store.article_ids() if a != SEED_ID)
        article = store.get_article(other)
        assert article is not None
        word = max(article.title.split(), key=len)
        assert "Open:" in await palette(pilot, word, "Open:")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.article.id == other
        # Mark done, from the reader's own commands.
        assert "Mark done" in await palette(pilot, "Mark done")
        await pilot.press("enter")
        await until(pilot, lambda: store.status(other, "sara") == "done", "the status row")
        # Export this annotator's labels.
        assert "Export my labels" in await palette(pilot, "Export my labels", "my labels")
        await pilot.press("enter")
        downloads = tmp_path / "Downloads"
        await until(
            pilot,
            lambda: any(n.message.startswith("export: 2 lines saved") for n in app._notifications),
            "the export's delivery",
        )
        (written,) = downloads.glob("hashiya-sara-*.jsonl")
        records = [json.loads(line) for line in written.read_text("utf-8").splitlines()]
        assert {r["annotator"] for r in records} == {"sara"}
        assert sum(len(r["spans"]) for r in records) == 3


async def test_list_cursor_follows_the_article_read_last(tmp_path: Path) -> None:
    app = make_app(tmp_path / "h.db", annotator="sara")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ids = app.screen.article_ids  # type: ignore[attr-defined]
        await pilot.press("enter", "n", "n")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen.article.id == ids[2]
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ArticleListScreen)
        assert screen.table.current_id == ids[1]


async def test_an_empty_filter_says_how_to_undo_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.db")
    import_seeds_if_empty(store)
    store.set_status(SEED_ID, "sara", "in_progress")
    store.close()
    app = make_app(tmp_path / "h.db", annotator="sara")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert status(app, "list-status").startswith("5 articles · ")
        await pilot.press("f", "f")  # todo, then in progress
        await pilot.pause()
        assert status(app, "list-status").startswith("1 article · ")
        await pilot.press("f")  # done: none
        await pilot.pause()
        assert status(app, "list-status") == (
            "No article matches status: done. Press f to change it."
        )


@pytest.mark.parametrize("keys", [(), ("enter",), ("R",), ("R", "enter")])
async def test_footers_fit_80_columns(tmp_path: Path, keys: tuple[str, ...]) -> None:
    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    app = make_app(db, annotator="lead")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        footer = screen_lines(app)[-1]
        # Every key shown whole, then `?` for the rest, and room before the palette.
        assert "? Keys" in footer and footer.rstrip().endswith("^p palette")
        assert "  ? Keys  " in footer


def test_no_screen_gives_an_app_wide_key_another_meaning() -> None:
    from tui.screens.help import _declared, _screens

    app_keys = {b.key for b in _declared([HashiyaApp])}
    assert {"R", "M", "A", "q", "question_mark"} <= app_keys
    for title, cls, widgets in _screens():
        taken = {b.key for b in _declared([cls, *widgets])} & app_keys
        assert not taken, f"{title} rebinds {taken}"


def test_counts_agree_with_their_noun() -> None:
    from annotations.text import plural

    assert plural(1, "article") == "1 article"
    assert plural(0, "article") == "0 articles"
    assert plural(1204, "passage") == "1,204 passages"


async def test_my_reviews_when_there_are_none_says_why(tmp_path: Path) -> None:
    app = make_app(tmp_path / "h.db", annotator="sara")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, MyReviewsScreen)
        assert "No verdicts or comments on your passages yet." in " ".join(text(app).split())
