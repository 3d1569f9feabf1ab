"""Reviewing relations: a relation the annotators label differently, taken into gold with
its ends, undone and redone; the panel at 80x24 and 120x40."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from annotations.review.compare import ComparisonItem
from annotations.review.relation_items import RelationItem
from annotations.store import Store
from tests.support.corpus import SEED_ID, passage_on
from tests.support.pilot import wait_for_text, wait_until
from tests.support.relations import SECURITY_CONTENT, SECURITY_SOURCE, frames_db
from tests.support.screens import assert_arabic_laid_out, screen_lines
from tui.app import make_app
from tui.screens.confirm import ConfirmDialog
from tui.screens.review import ReviewScreen
from tui.widgets.reader_view import ReaderView


def gold_rows(db: Path) -> tuple[list[tuple[str, str, str, dict[str, str]]], list[tuple[str, str]]]:
    """(gold relations as (type, from text, to text, labels), gold passages (text, kind))."""
    with Store(db) as store:
        golds = {g.id: g for g in store.gold_passages(SEED_ID)}
        relations = [
            (r.type, golds[r.from_id].text, golds[r.to_id].text, dict(r.labels))
            for r in store.gold_relations(SEED_ID)
        ]
        return sorted(relations), sorted((g.text, g.kind) for g in golds.values())


async def test_relation_disagreement_into_gold_with_its_ends_undo_redo(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    frames_db(db).close()
    app = make_app(db, annotator="lead")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "review screen")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        # Every passage is agreed on; the one disagreement is the said_by's quote.
        item = screen.current
        assert isinstance(item, RelationItem)
        assert (item.kind, item.differing) == ("attributes_differ", ("quote",))
        lines = await wait_for_text(pilot, "RELATION from")
        panel = "\n".join(lines)
        assert "same ends, different labels (quote)" in panel
        assert "Quote: Direct" in panel and "Quote: Indirect" in panel
        assert "[1] omar" in panel and "[2] sara" in panel
        assert_arabic_laid_out(lines)
        await pilot.press("2")  # sara's: indirect
        await wait_for_text(pilot, "accepted the relation of version 2 (sara)")
        relations, passages = gold_rows(db)
        assert relations == [("said_by", SECURITY_CONTENT, SECURITY_SOURCE, {"quote": "indirect"})]
        # The ends went into gold with it, as what they are.
        assert passages == sorted([(SECURITY_CONTENT, "content"), (SECURITY_SOURCE, "source")])
        with Store(db) as store:
            (gold,) = store.gold_relations(SEED_ID)
            assert gold.origin == "adjudicated" and gold.adjudicator == "lead"
            assert sorted(gold.sources) == sorted(r.id for r in item.all_relations)
            assert sorted(d.verdict for d in store.decisions(SEED_ID)) == ["accept"] * 3
        await wait_for_text(pilot, "verdict: accepted version 2 (sara)")

        await pilot.press("ctrl+z")  # one undo takes back the relation and its ends
        await wait_for_text(pilot, "undone")
        assert gold_rows(db) == ([], [])
        with Store(db) as store:
            assert store.decisions(SEED_ID) == []

        await pilot.press("ctrl+y")
        await wait_for_text(pilot, "redone")
        assert gold_rows(db) == (relations, passages)
        with Store(db) as store:
            assert store.gold_relations(SEED_ID)[0].id == gold.id

        # What is left agrees: the cue, its relation. U merges them, once confirmed.
        await pilot.press("U")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.review.settled, "article settled")
        relations, passages = gold_rows(db)
        assert [r[0] for r in relations] == ["cue", "said_by"]
        assert len(passages) == 3


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_relation_item_panel_fits_the_terminal(tmp_path: Path, size: tuple[int, int]) -> None:
    db = tmp_path / "team.db"
    frames_db(db).close()
    app = make_app(db, annotator="lead")
    async with app.run_test(size=size) as pilot:
        await pilot.press("R")
        await pilot.pause()
        await pilot.press("enter")
        lines = await wait_for_text(pilot, "RELATION from")
        assert len(lines) == size[1] and all(cell_len(line) <= size[0] for line in lines)
        shown = "\n".join(lines)
        assert "[1] omar" in shown and "said by" in shown
        assert_arabic_laid_out(lines)
        # r rejects the relation: no gold relation, nothing else in gold either.
        await pilot.press("r")
        await wait_for_text(pilot, "rejected: no gold relation here")
        assert gold_rows(db) == ([], [])
        assert any("verdict: rejected" in line for line in screen_lines(app))


async def test_n_reaches_relation_items_in_text_order_and_l_cycles_them(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    store = frames_db(db)
    article = store.get_article(SEED_ID)
    assert article is not None
    # A passage disagreement earlier in the article (claim types differ).
    disputed = "قرار إخراج التحالف الدولي من العراق ثابت"
    for who, claim in (("omar", "prediction"), ("sara", "factual_report")):
        store.add_passage(passage_on(article, disputed, who, kind="content", claim_type=claim))
    store.close()
    app = make_app(db, annotator="lead")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "review screen")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        first = screen.current
        assert isinstance(first, ComparisonItem) and first.differing == ("claim_type",)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(screen.current, RelationItem), "relation")
        assert screen.current.kind == "attributes_differ"  # type: ignore[union-attr]
        view = screen.query_one(ReaderView)
        assert view.caret == screen.current.start  # type: ignore[union-attr]
        await pilot.press("n")  # wraps to the first
        await wait_until(pilot, lambda: screen.current == first, "back to the passage")
        # l: the relations from the content under the caret (said_by, cue), in turn.
        view.caret = screen.review.relations[0].start
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        one = screen.current
        await pilot.press("l")
        await pilot.pause()
        other = screen.current
        assert isinstance(one, RelationItem) and isinstance(other, RelationItem)
        assert {one.all_relations[0].type, other.all_relations[0].type} == {"said_by", "cue"}
        await pilot.press("l")
        await pilot.pause()
        assert screen.current == one
        await wait_for_text(pilot, "RELATION from")


async def test_agreement_screen_shows_the_relation_figures(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    frames_db(db).close()
    app = make_app(db, annotator="lead")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("A")
        await app.workers.wait_for_complete()
        await pilot.pause()
        report = str(app.screen.query_one("#agreement-report").render())
        rows = [line.split() for line in report.splitlines()]
        assert "Relations of 2 annotators over 1 articles (1 annotated by two or more)," in report
        # One said_by each, same ends: matched exactly; the quote differs (kappa n=1).
        assert ["omar", "sara", "said_by", "1", "1", "1.000/1.000/1.000", "(1)",
                "1.000/1.000/1.000", "(1)"] in rows  # fmt: skip
        assert ["omar", "sara", "said_by", "quote", "0.000", "(n=1)", "0", "of", "1"] in rows
