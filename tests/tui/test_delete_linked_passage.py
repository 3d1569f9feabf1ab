"""Deleting a linked passage in the reader deletes its relations (each in the audit), and
ctrl+z puts the passage and its relations back: the rows on disk, read by a second
connection."""

from __future__ import annotations

from pathlib import Path

from annotations.models import Passage, Relation
from annotations.seeds import import_seeds_if_empty
from annotations.store import Store
from tests.support.corpus import SEED_ID
from tests.support.pilot import open_article
from tui.app import make_app

SIZE = (80, 24)
STAMP = "2026-01-02T03:04:05.000000Z"


def seeded(db: Path) -> tuple[Passage, Passage, Relation]:
    with Store(db) as store:
        import_seeds_if_empty(store)
        article = store.get_article(SEED_ID)
        assert article is not None
        text = article.text
        # The content covers the start of the article, where the reader's caret starts.
        content = Passage("c1", SEED_ID, 0, 30, text[0:30], "sara", {"stance": "neutral"},
                          "news", "1.0", STAMP, STAMP)  # fmt: skip
        source = Passage("s1", SEED_ID, 40, 50, text[40:50], "sara", {}, "news", "1.0",
                         STAMP, STAMP, kind="source")  # fmt: skip
        said = Relation("r1", SEED_ID, "sara", "said_by", "c1", "s1", {"quote": "direct"},
                        "news", "1.0", STAMP, STAMP)  # fmt: skip
        store.add_passage(content)
        store.add_passage(source)
        store.add_relation(said, by="sara")
    return content, source, said


def on_disk(db: Path) -> tuple[list[str], list[Relation], list[str]]:
    with Store(db) as store:
        return (
            [p.id for p in store.passages(SEED_ID, "sara")],
            store.relations(SEED_ID, "sara"),
            [t["action"] for t in store.relation_audit_trail("r1")],
        )


async def test_delete_then_undo_brings_the_relations_back(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    _content, _source, said = seeded(db)
    app = make_app(db, annotator="sara")
    async with app.run_test(size=SIZE) as pilot:
        view = await open_article(pilot)
        assert 0 <= view.caret < 30
        await pilot.press("x")
        await pilot.pause()
        assert on_disk(db) == (["s1"], [], ["create", "delete"])
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert on_disk(db) == (["c1", "s1"], [said], ["create", "delete", "undo"])
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert on_disk(db) == (["s1"], [], ["create", "delete", "undo", "redo"])
