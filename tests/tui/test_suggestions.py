"""Suggestions in the reader: drawn apart, named in the panel, accepted (one, or all on
the screen), rejected, undone, and visited with ]/[ among the passages."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.segment import Segment
from rich.style import Style

from annotations.schema import default_schema
from annotations.seeds import import_seeds_if_empty
from annotations.store import Store
from annotations.suggest import Suggesters, Suggestion
from tests.support.corpus import SEED_ID, passage_on
from tests.support.faults import fill_disk, free_disk
from tests.support.pilot import open_article, wait_for_text, wait_until
from tests.support.screens import screen_lines
from tui.app import HashiyaApp, make_app
from tui.screens.confirm import ConfirmDialog
from tui.screens.reader import ReaderScreen
from tui.widgets.reader_view import ReaderView

SMALL = (80, 24)
LARGE = (120, 40)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The seeds, with the actor suggestions on the seed article stored for everyone."""
    path = tmp_path / "h.db"
    with Store(path) as store:
        import_seeds_if_empty(store)
        article = store.get_article(SEED_ID)
        assert article is not None
        found = Suggesters(default_schema()).suggest(article, ["actors"])
        assert store.add_suggestions(found) == len(found) > 20
    return path


def app_for(db: Path, annotator: str = "sara") -> HashiyaApp:
    return make_app(db, annotator=annotator)


def stored(db: Path) -> tuple[list[tuple[int, int, str, dict[str, object]]], dict[str, str]]:
    """On disk (a second connection): sara's passages, and each suggestion's status for
    her, by span."""
    with Store(db) as store:
        passages = [
            (p.start, p.end, p.text, dict(p.labels)) for p in store.passages(SEED_ID, "sara")
        ]
        mine = {
            f"{s.start}-{s.end}": s.status
            for s in store.suggestions(SEED_ID)
            if s.annotator == "sara"
        }
    return passages, mine


def cell_style(view: ReaderView, offset: int) -> Style:
    """The style the reader draws the cell of `offset` with."""
    position = view.position_of(offset)
    assert position is not None
    row, column = position
    strip = view.render_line(row - int(view.scroll_offset.y))
    at = 0
    for segment in strip:
        assert isinstance(segment, Segment)
        width = segment.cell_length
        if at <= column < at + width:
            assert segment.style is not None
            return segment.style
        at += width
    raise AssertionError(f"no cell at column {column}")


def reader(app: HashiyaApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_suggestions_are_drawn_dim_and_underlined_and_named_in_the_panel(
    db: Path, size: tuple[int, int]
) -> None:
    app = app_for(db)
    async with app.run_test(size=size) as pilot:
        view = await open_article(pilot)
        screen = reader(app)
        offered = screen.suggestions()
        assert len(offered) > 20
        await wait_for_text(pilot, f"{len(offered)} suggestions")
        # «شفق نيوز» [0, 8) is suggested: dim and underlined, no passage colour
        style = cell_style(view, 3)
        assert style.dim and style.underline
        # a word no suggestion covers: plain
        plain = cell_style(view, 10)
        assert not plain.dim and not plain.underline
        # the caret on a suggestion: the panel names the suggester and the labels
        await pilot.press("right_square_bracket")
        assert view.caret == 56  # «المعارضة السورية المسلحة»
        lines = await wait_for_text(pilot, "by actors")
        panel = "\n".join(lines)
        assert "SUGGESTED (a accept · x reject)" in panel
        assert "[56, 80) by actors" in panel
        assert "actor:" in panel
    assert stored(db) == ([], {})  # looking saves nothing


async def test_accept_makes_the_passage_with_suggested_by_and_undo_takes_it_back(
    db: Path,
) -> None:
    app = app_for(db)
    async with app.run_test(size=SMALL) as pilot:
        view = await open_article(pilot)
        offered = len(reader(app).suggestions())
        await pilot.press("right_square_bracket", "a")
        await wait_for_text(pilot, "accepted [56, 80) from actors")
        passages, decided = stored(db)
        assert passages == [
            (56, 80, "المعارضة السورية المسلحة", {"actor": "syrian_armed_opposition"})
        ]
        assert decided == {"56-80": "accepted"}
        with Store(db) as store:
            (passage,) = store.passages(SEED_ID, "sara")
            trail = store.audit_trail(passage.id)
        assert [(t["action"], t["suggested_by"]) for t in trail] == [("create", "actors")]
        # now a passage, no longer offered: drawn as a passage, not as a suggestion
        assert len(reader(app).suggestions()) == offered - 1
        assert not cell_style(view, 60).dim
        await pilot.press("ctrl+z")
        await wait_for_text(pilot, "undone")
        assert stored(db) == ([], {"56-80": "open"})
        assert len(reader(app).suggestions()) == offered
        assert cell_style(view, 60).dim
        await pilot.press("ctrl+y")
        await wait_for_text(pilot, "redone")
        assert stored(db)[0] == passages
        assert stored(db)[1] == {"56-80": "accepted"}


async def test_reject_is_remembered_and_not_offered_again(db: Path) -> None:
    app = app_for(db)
    async with app.run_test(size=SMALL) as pilot:
        view = await open_article(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert view.caret == 82  # «نظام بشار الأسد»
        await pilot.press("x")
        await wait_for_text(pilot, "rejected [82, 97)")
        assert stored(db) == ([], {"82-97": "rejected"})
        assert not cell_style(view, 85).dim
    # suggesting the same span again, and a new session: not offered to sara
    with Store(db) as store:
        article = store.get_article(SEED_ID)
        assert article is not None
        store.add_suggestions(Suggesters(default_schema()).suggest(article, ["actors"]))
    app = app_for(db)
    async with app.run_test(size=SMALL) as pilot:
        view = await open_article(pilot)
        assert all(s.start != 82 for s in reader(app).suggestions())
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert view.caret == 160  # straight from 56 to «داعش»: 82 is gone
    # another annotator is still offered it
    app = app_for(db, "omar")
    async with app.run_test(size=SMALL) as pilot:
        await open_article(pilot)
        assert any(s.start == 82 for s in reader(app).suggestions())


async def test_ctrl_a_accepts_every_suggestion_on_the_screen_after_a_confirmation(
    db: Path,
) -> None:
    app = app_for(db)
    async with app.run_test(size=SMALL) as pilot:
        view = await open_article(pilot)
        screen = reader(app)
        shown = view.visible_range()
        assert shown is not None
        in_view = screen.suggestions_in_view()
        assert 2 <= len(in_view) < len(screen.suggestions())
        assert all(shown[0] <= s.start and s.end <= shown[1] for s in in_view)
        await pilot.press("ctrl+a")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        assert any(f"Accept the {len(in_view)} suggestions" in line for line in screen_lines(app))
        await pilot.press("n")  # no: nothing saved
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "back")
        assert stored(db) == ([], {})
        await pilot.press("ctrl+a")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("y")
        await wait_for_text(pilot, f"accepted {len(in_view)} suggestions")
        passages, decided = stored(db)
        assert [(p[0], p[1]) for p in passages] == [(s.start, s.end) for s in in_view]
        assert [p[3] for p in passages] == [dict(s.labels) for s in in_view]
        assert set(decided.values()) == {"accepted"} and len(decided) == len(in_view)
        # one undo takes them all back
        await pilot.press("ctrl+z")
        await wait_for_text(pilot, "undone")
        assert stored(db)[0] == []
        assert set(stored(db)[1].values()) == {"open"}


async def test_brackets_move_over_passages_and_suggestions_in_text_order(db: Path) -> None:
    with Store(db) as store:
        article = store.get_article(SEED_ID)
        assert article is not None
        # a passage between two suggestions (on words no suggestion covers)
        store.add_passage(passage_on(article, "تصاعدت التحذيرات", "sara", stance="neutral"))
        tagged = article.text.index("تصاعدت التحذيرات")
    assert 97 < tagged < 160
    app = app_for(db)
    async with app.run_test(size=SMALL) as pilot:
        view = await open_article(pilot)
        visited = []
        for _ in range(4):
            await pilot.press("right_square_bracket")
            visited.append(view.caret)
        assert visited == [56, 82, tagged, 160]
        back = []
        for _ in range(3):
            await pilot.press("left_square_bracket")
            back.append(view.caret)
        assert back == [tagged, 82, 56]
        # x on the passage deletes it (as before); a on it: no suggestion there
        await pilot.press("right_square_bracket", "right_square_bracket", "a")
        await wait_for_text(pilot, "no suggestion under the caret")
        await pilot.press("x")
        await wait_for_text(pilot, "deleted")
        assert stored(db) == ([], {})


async def test_a_models_suggestion_shows_its_name_and_score(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    with Store(path) as store:
        import_seeds_if_empty(store)
        article = store.get_article(SEED_ID)
        assert article is not None
        start = article.text.index("التحذيرات")
        end = start + len("التحذيرات")
        model = Suggestion(
            SEED_ID,
            start,
            end,
            article.text[start:end],
            {"claim_type": "warning"},
            "my-model",
            0.87,
        )
        store.add_suggestions([model])
    app = app_for(path)
    async with app.run_test(size=SMALL) as pilot:
        view = await open_article(pilot)
        await pilot.press("right_square_bracket")
        assert view.caret == start
        lines = await wait_for_text(pilot, "by my-model")
        assert any("score 0.87" in line for line in lines)
        assert any("claim type:" in line for line in lines)
        assert cell_style(view, start).underline


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_an_accept_on_a_full_disk_is_one_line_and_nothing_changes(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    path = tmp_path / "h.db"
    with Store(path) as store:
        import_seeds_if_empty(store)
        article = store.get_article(SEED_ID)
        assert article is not None
        long = Suggestion(SEED_ID, 0, 3000, article.text[:3000], {"stance": "neutral"}, "my-model")
        store.add_suggestions([long])  # over a page: accepting it must grow the database
    app = app_for(path)
    async with app.run_test(size=size) as pilot:
        await open_article(pilot)
        fill_disk(app.store.conn)
        await pilot.press("a")
        lines = await wait_for_text(pilot, "not saved: disk full")
        assert len([line for line in lines if "not saved" in line]) == 1
        assert len(reader(app).suggestions()) == 1  # still offered
        assert not app.history.can_undo
        free_disk(app.store.conn)
        await pilot.press("a")
        await wait_for_text(pilot, "accepted [0, 3000) from my-model")
    passages, decided = stored(path)
    assert [(p[0], p[1], p[3]) for p in passages] == [(0, 3000, {"stance": "neutral"})]
    assert decided == {"0-3000": "accepted"}


async def test_x_rejects_a_suggestion_inside_a_passage_and_deletes_the_passage_elsewhere(
    db: Path,
) -> None:
    with Store(db) as store:
        article = store.get_article(SEED_ID)
        assert article is not None
        # a passage over «المعارضة السورية المسلحة لنظام بشار الأسد»: two suggestions inside
        store.add_passage(
            passage_on(
                article, "المعارضة السورية المسلحة لنظام بشار الأسد", "sara", stance="neutral"
            )
        )
    app = app_for(db)
    async with app.run_test(size=SMALL) as pilot:
        view = await open_article(pilot)
        view.caret = 60  # in «المعارضة السورية المسلحة» [56, 80), a suggestion
        await pilot.press("x")
        await wait_for_text(pilot, "rejected [56, 80)")
        passages, decided = stored(db)
        assert [(p[0], p[1]) for p in passages] == [(56, 97)] and decided == {"56-80": "rejected"}
        view.caret = 81  # the space between: the passage only
        await pilot.press("x")
        await wait_for_text(pilot, "deleted")
        assert stored(db) == ([], {"56-80": "rejected"})


async def test_suggestions_made_by_another_process_appear(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    with Store(path) as store:
        import_seeds_if_empty(store)
    app = app_for(path)
    async with app.run_test(size=SMALL) as pilot:
        view = await open_article(pilot)
        assert reader(app).suggestions() == []
        with Store(path) as other:  # `hashiya suggest` in another terminal
            article = other.get_article(SEED_ID)
            assert article is not None
            made = Suggesters(default_schema()).suggest(article, ["actors"])
            other.add_suggestions(made)
        await wait_for_text(pilot, f"{len(made)} suggestions")
        assert cell_style(view, 60).underline


async def test_accepting_a_claim_offers_its_frame_and_enter_links_source_and_cue(
    tmp_path: Path,
) -> None:
    """A cue suggester's claim accepted is a content: the reader offers the reporting verb
    and the actor before it as cue and source, and Enter saves the whole frame."""
    path = tmp_path / "h.db"
    with Store(path) as store:
        import_seeds_if_empty(store)
        article = store.get_article(SEED_ID)
        assert article is not None
        store.add_suggestions(Suggesters(default_schema()).suggest(article, ["cues"]))
    app = app_for(path)
    async with app.run_test(size=SMALL) as pilot:
        view = await open_article(pilot)
        await pilot.press("right_square_bracket")
        assert view.caret == 252  # «القضاء على التنظيم المتشدد …», after «أشارت»
        await pilot.press("a")
        await wait_until(
            pilot,
            lambda: "frame:" in str(app.screen.query_one("#reader-prompt").render()),
            "the frame offer after the accept",
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(stored(path)[0]) == 3, "content, source and cue")
    with Store(path) as store:
        passages = {p.kind: p for p in store.passages(SEED_ID, "sara")}
        relations = store.relations(SEED_ID, "sara")
    assert passages["cue"].text == "أشارت"
    assert sorted((r.type, r.from_id, r.to_id) for r in relations) == sorted(
        [
            ("cue", passages[""].id, passages["cue"].id),
            ("said_by", passages[""].id, passages["source"].id),
        ]
    )
