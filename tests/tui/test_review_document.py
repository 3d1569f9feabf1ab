"""Reviewing a disagreement on the document labels (news-plus's `overall_stance`), as a
reviewer at 80x24 and 120x40 meets it: shown side by side, accepted into gold, undone and
redone, with the rows in the database checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.models import DocumentLabels
from annotations.review.compare import DOCUMENT_ITEM, DocumentItem
from annotations.store import Store
from tests.support.corpus import SEED_ID, two_annotator_db
from tests.support.pilot import wait_for_text, wait_until
from tests.support.screens import screen_lines
from tui.app import make_app
from tui.screens.review import ReviewQueueScreen, ReviewScreen

NEWS_PLUS = Path(__file__).parents[1] / "data" / "schemas" / "news-plus.yaml"


def _db(tmp_path: Path) -> Path:
    db = tmp_path / "team.db"
    store = two_annotator_db(db)
    for who, value in (("omar", "critical"), ("sara", "neutral")):
        store.set_document_labels(DocumentLabels(SEED_ID, who, {"overall_stance": value}), by=who)
    store.close()
    return db


def _gold(db: Path) -> list[tuple[dict[str, object], str, tuple[str, ...], str]]:
    with Store(db) as store:
        return [
            (dict(g.labels), g.origin, g.sources, g.adjudicator)
            for g in store.gold_document_labels(SEED_ID)
        ]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_document_disagreement_accept_undo_redo(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    db = _db(tmp_path)
    app = make_app(db, annotator="lead", schema_path=NEWS_PLUS)
    async with app.run_test(size=size) as pilot:
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewQueueScreen), "the queue")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        # It opens on the first open disagreement: the document labels.
        await wait_until(pilot, lambda: isinstance(screen.current, DocumentItem), "document item")
        lines = await wait_for_text(pilot, "DOCUMENT LABELS: different labels")
        shown = "\n".join(lines)
        assert "differ: overall_stance" in shown
        assert "[1] omar" in shown and "[2] sara" in shown
        assert "Overall stance: Critical" in shown and "Overall stance: Neutral" in shown

        await pilot.press("2")  # sara's version
        await wait_for_text(pilot, "verdict: accepted version 2 (sara)")
        assert _gold(db) == [
            ({"overall_stance": "neutral"}, "adjudicated", ("omar", "sara"), "lead")
        ]
        with Store(db) as store:
            decision = store.decision(SEED_ID, DOCUMENT_ITEM)
            assert decision is not None and decision.verdict == "accept"

        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: _gold(db) == [], "the undo")
        with Store(db) as store:
            assert store.decision(SEED_ID, DOCUMENT_ITEM) is None
        assert "verdict:" not in "\n".join(screen_lines(app))

        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: bool(_gold(db)), "the redo")
        assert _gold(db)[0][0] == {"overall_stance": "neutral"}

        # n goes on to the passages' disagreements; d comes back to the document labels.
        await pilot.press("n")
        await wait_until(pilot, lambda: not isinstance(screen.current, DocumentItem), "next")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(screen.current, DocumentItem), "d")
        await pilot.press("r")
        await wait_until(pilot, lambda: _gold(db) == [], "the reject")
        with Store(db) as store:
            decision = store.decision(SEED_ID, DOCUMENT_ITEM)
            assert decision is not None and decision.verdict == "reject"
