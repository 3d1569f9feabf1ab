"""`hashiya export --layer gold`: adjudicated passages with their provenance."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from annotations.export.json_schema import json_schema
from annotations.review.queue import accept, article_review, merge_unanimous, reject
from annotations.schema import default_schema
from tests.support.corpus import SEED_ID, two_annotator_db
from tui.cli import cli


def export(db: Path, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(
        cli, ["--db", str(db), "export", "--layer", "gold", *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_unsettled_articles_are_left_out_unless_asked(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    store = two_annotator_db(db)
    merge_unanimous(store, "lead")
    store.close()
    assert export(db) == []
    records = export(db, "--include-unresolved")
    assert [r["annotator"] for r in records] == ["gold"]
    assert records[0]["status"] == "in_progress"
    spans = records[0]["spans"]
    assert [s["provenance"]["origin"] for s in spans] == ["unanimous"]  # type: ignore[index]


def test_settled_article_exports_with_provenance(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    store = two_annotator_db(db)
    merge_unanimous(store, "lead")
    review = article_review(store, SEED_ID)
    disputed, single = review.open_items
    omar_version = disputed.passages["omar"][0]
    accept(store, disputed, omar_version, "lead")
    reject(store, single, "lead")
    store.close()
    (record,) = export(db)
    jsonschema.validate(record, json_schema(default_schema()))
    assert record["status"] == "done"
    text = record["text"]
    spans = record["spans"]
    assert isinstance(text, str) and isinstance(spans, list)
    assert [s["provenance"]["origin"] for s in spans] == ["unanimous", "adjudicated"]
    adjudicated = spans[1]
    assert adjudicated["labels"]["claim_type"] == "prediction"  # omar's version
    assert adjudicated["provenance"]["adjudicator"] == "lead"
    assert sorted(adjudicated["provenance"]["sources"]) == sorted(
        p.id for ps in disputed.passages.values() for p in ps
    )
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]
