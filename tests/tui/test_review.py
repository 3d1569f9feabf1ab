"""Reviewing two annotators' passages: jump to a disagreement, accept one, find gold."""

from __future__ import annotations

from pathlib import Path

from annotations.store import Store
from tests.support.corpus import SEED_ID, two_annotator_db
from tests.support.pilot import open_article
from tui.app import make_app
from tui.screens.confirm import ConfirmDialog
from tui.screens.review import MyReviewsScreen, ReviewQueueScreen, ReviewScreen
from tui.widgets.reader_view import ReaderView


async def test_review_accept_reject_undo_and_gold_rows(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    app = make_app(db, annotator="lead")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ReviewQueueScreen)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        # It opens on the first disagreement: same span, claim types differ.
        item = screen.current
        assert item is not None and item.kind == "attributes_differ"
        assert item.differing == ("claim_type",)
        view = screen.query_one(ReaderView)
        assert view.caret == item.start
        await pilot.press("2")  # accept sara's version (annotators sorted: omar, sara)
        await pilot.pause()
        with Store(db) as store:
            gold = store.gold_passages(SEED_ID)
        assert [(g.claim_type, g.origin, g.adjudicator) for g in gold] == [
            ("factual_report", "adjudicated", "lead")
        ]
        assert sorted(gold[0].sources) == sorted(p.id for ps in item.passages.values() for p in ps)
        # The next disagreement: only sara marked the date.
        await pilot.press("n")
        assert screen.current is not None and screen.current.kind == "single"
        await pilot.press("r")  # rejected: no gold passage
        await pilot.press("U")  # the agreed passage goes in as unanimous, once confirmed
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        with Store(db) as store:
            origins = sorted(g.origin for g in store.gold_passages(SEED_ID))
            verdicts = sorted(d.verdict for d in store.decisions(SEED_ID))
        assert origins == ["adjudicated", "unanimous"]
        assert verdicts == ["accept", "reject", "unanimous"]
        assert screen.review.settled
        await pilot.press("ctrl+z")  # undo the reject
        await pilot.pause()
        with Store(db) as store:
            assert sorted(d.verdict for d in store.decisions(SEED_ID)) == ["accept", "unanimous"]
        assert not screen.review.settled


async def test_my_reviews_lists_verdicts_on_my_passages(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    lead = make_app(db, annotator="lead")
    async with lead.run_test(size=(140, 40)) as pilot:
        await pilot.press("R", "enter")
        await pilot.pause()
        await pilot.press("1")  # omar's version wins
        await pilot.pause()
    omar = make_app(db, annotator="omar")
    async with omar.run_test(size=(140, 40)) as pilot:
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(omar.screen, MyReviewsScreen)
        table = omar.screen.query_one("DataTable")
        assert table.row_count == 1  # type: ignore[attr-defined]
        assert str(table.get_row_at(0)[0]) == "accept"  # type: ignore[attr-defined]


async def test_agreement_screen_and_review_columns_in_the_list(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    app = make_app(db, annotator="lead")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("ArticleTable")
        row = table._row(table.ids.index(SEED_ID))  # type: ignore[attr-defined]
        assert (row.annotators, row.disagreements, row.review) == (2, 2, "unreviewed")
        await pilot.press("A")
        await app.workers.wait_for_complete()
        await pilot.pause()
        report = str(app.screen.query_one("#agreement-report").render())
        assert "Agreement of 2 annotators" in report
        assert "omar" in report and "sara" in report


async def test_comment_on_a_passage_and_filter_disputed_articles(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    app = make_app(db, annotator="omar")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("d")  # only articles the annotators disagree on
        await pilot.pause()
        assert app.screen.query_one("ArticleTable").ids == [SEED_ID]  # type: ignore[attr-defined]
        view = await open_article(pilot)
        passage = app.store.passages(SEED_ID, "omar")[0]
        view.caret = passage.start
        await pilot.press("C")
        await pilot.pause()
        await pilot.press(*"check the source", "enter")
        await pilot.pause()
        panel = str(app.screen.query_one("#panel-here").render())
        assert "omar: check the source" in panel
    with Store(db) as store:
        (comment,) = store.comments(passage.id)
    assert (comment.author, comment.body) == ("omar", "check the source")
