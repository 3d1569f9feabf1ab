"""The label model comes from the schema, end to end: the bundled schema plus a passage
attribute (`certainty`) and a document attribute (`overall_stance`), in
tests/data/schemas/news-plus.yaml, with no code for either. Two annotators tag in the app,
the corpus is exported, imported into a fresh database, measured and reviewed; at every
step the two new attributes are there, as a user would check them: rows in the database,
the exported lines, the agreement figures and the review screen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from annotations.config import Settings
from annotations.store import Store
from tests.support.pilot import open_article, wait_for_text, wait_until
from tui.app import make_app
from tui.cli import cli
from tui.screens.reader import ReaderScreen
from tui.screens.review import ReviewQueueScreen, ReviewScreen
from tui.screens.tag_dialog import TagDialog

NEWS_PLUS = Path(__file__).parents[1] / "data" / "schemas" / "news-plus.yaml"


async def tag_as(db: Path, who: str, certainty: str, overall: str) -> None:
    """`who` tags the first article's first two words (ISIS, critical, warning, and the
    certainty key), then labels the article (the overall stance key), at 80x24."""
    app = make_app(db, settings=Settings(db_path=db, annotator=who, schema_path=NEWS_PLUS))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_article(pilot)
        await pilot.press("shift+left", "shift+left", "t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog), "the tag dialog")
        await pilot.press("d", "c", "w", certainty)
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the tag saved")
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog), "the article dialog")
        await pilot.press(overall)
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "labels saved")


def hashiya(db: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["--db", str(db), "--schema", str(NEWS_PLUS), *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def passages(db: Path) -> list[tuple[str, int, int, str, dict[str, Any]]]:
    with Store(db) as store:
        return sorted(
            (p.annotator, p.start, p.end, p.text, dict(p.labels)) for p in store.all_passages()
        )


def document_labels(db: Path) -> list[tuple[str, str, dict[str, Any]]]:
    with Store(db) as store:
        return sorted((d.article_id, d.annotator, dict(d.labels)) for d in store.document_labels())


async def test_a_schema_with_two_more_attributes_goes_through_every_step(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    await tag_as(db, "sara", "2", "c")  # likely; critical
    await tag_as(db, "omar", "1", "n")  # certain; neutral

    # Tagged: the rows on disk carry the new attributes as data.
    tagged = passages(db)
    assert [(who, labels) for who, *_, labels in tagged] == [
        (
            "omar",
            {
                "actor": "isis",
                "stance": "critical",
                "claim_type": "warning",
                "certainty": "certain",
            },
        ),
        (
            "sara",
            {"actor": "isis", "stance": "critical", "claim_type": "warning", "certainty": "likely"},
        ),
    ]
    article_id = document_labels(db)[0][0]
    assert document_labels(db) == [
        (article_id, "omar", {"overall_stance": "neutral"}),
        (article_id, "sara", {"overall_stance": "critical"}),
    ]

    # Exported: each span's labels and the line's document labels.
    out = tmp_path / "team.jsonl"
    hashiya(db, "export", "-o", str(out))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # One line per (article, annotator): each annotator's spans and document labels.
    assert {span["labels"]["certainty"] for line in lines for span in line["spans"]} == {
        "certain",
        "likely",
    }
    assert {line["annotator"]: line["document_labels"] for line in lines} == {
        "omar": {"overall_stance": "neutral"},
        "sara": {"overall_stance": "critical"},
    }

    # Imported into a fresh database: the same passages and document labels.
    fresh = tmp_path / "fresh.db"
    hashiya(fresh, "import-annotations", str(out))
    assert passages(fresh) == tagged
    assert document_labels(fresh) == document_labels(db)

    # Measured: the extra passage attribute and the document attribute have figures.
    figures = json.loads(hashiya(fresh, "agreement", "--json"))
    (pair,) = figures["pairs"]
    assert pair["kappa"]["certainty"] is not None  # two matched spans, different values
    assert pair["confusion"]["certainty"]["labels"] == ["certain", "likely"]
    assert "overall_stance" in json.dumps(figures["document"])

    # Reviewed: the document labels and then the passages' certainty are disagreements; a
    # reviewer takes sara's version of both into gold.
    app = make_app(fresh, annotator="lead", schema_path=NEWS_PLUS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewQueueScreen), "the queue")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        shown = "\n".join(await wait_for_text(pilot, "differ: overall_stance"))
        assert "[1] omar" in shown and "[2] sara" in shown
        await pilot.press("2")
        await wait_for_text(pilot, "verdict: accepted version 2 (sara)")
        await pilot.press("n")
        shown = "\n".join(await wait_for_text(pilot, "certainty"))
        await pilot.press("2")
        await wait_for_text(pilot, "verdict: accepted version 2 (sara)")
    with Store(fresh) as store:
        (gold,) = store.gold_passages()
        assert dict(gold.labels)["certainty"] == "likely"
        (gold_document,) = store.gold_document_labels()
        assert dict(gold_document.labels) == {"overall_stance": "critical"}
