"""Labels as data: the release-1 database upgrades with nothing lost, and labels of any
attribute (several values, booleans, whole articles) are stored and found."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from annotations.models import DocumentLabels, GoldDocumentLabels, Passage
from annotations.store import MIGRATIONS, Store
from tests.support.corpus import SEED_ID, two_annotator_db
from tests.support.release_db import DB, EXPORT, GOLD_EXPORT
from tui.cli.main import cli


def _spans(lines: list[str]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Every span of an export by (article, annotator, span id), with its line's fields."""
    out = {}
    for line in lines:
        record = json.loads(line)
        record.pop("exported_at")
        for span in record.pop("spans"):
            out[(record["article_id"], record["annotator"], span["id"])] = {**span, **record}
    return out


def _export(db: Path, *options: str) -> list[str]:
    result = CliRunner().invoke(cli, ["--db", str(db), "export", *options])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_the_release_1_database_upgrades_and_exports_passage_for_passage_the_same(
    tmp_path: Path,
) -> None:
    db = tmp_path / "release-1.db"
    shutil.copy(DB, db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 6
    with Store(db) as store:
        assert store.version == len(MIGRATIONS)
        columns = {r[1] for r in store.conn.execute("PRAGMA table_info(passages)")}
        gold_columns = {r[1] for r in store.conn.execute("PRAGMA table_info(gold_passages)")}
    for gone in ("actor", "stance", "target", "claim_type", "note"):
        assert gone not in columns and gone not in gold_columns
    assert "labels" in columns and "labels" in gold_columns
    for kept, options in ((EXPORT, ()), (GOLD_EXPORT, ("--layer", "gold", "--include-unresolved"))):
        before = kept.read_text(encoding="utf-8").splitlines()
        after = _export(db, *options)
        assert _spans(after) == _spans(before)
        assert len(_spans(after)) == (9 if kept == EXPORT else 2)
        # The lines too, but for the time of the export.
        assert [json.loads(x) | {"exported_at": ""} for x in after] == [
            json.loads(x) | {"exported_at": ""} for x in before
        ]


def test_migrated_labels_leave_out_what_was_not_labelled(tmp_path: Path) -> None:
    db = tmp_path / "release-1.db"
    shutil.copy(DB, db)
    with Store(db) as store:
        stored = {r[0] for r in store.conn.execute("SELECT labels FROM passages")}
        store_gold = [r[0] for r in store.conn.execute("SELECT labels FROM gold_passages")]
    assert '{"note":"نفي"}' in stored  # one attribute: the others absent, not null
    assert all("null" not in text for text in stored)
    assert '{"claim_type":"statistic","note":"omar: نسبة\\nsara: WHO 📊"}' in store_gold


def test_labels_of_any_attribute_round_trip_and_are_found(tmp_path: Path) -> None:
    store = two_annotator_db(tmp_path / "t.db")
    article = store.get_article(SEED_ID)
    assert article is not None
    labels = {"stance": "critical", "topics": ["security", "economy"], "explicit": True}
    p = Passage("p-x", SEED_ID, 0, 5, article.text[0:5], "amal", labels)
    store.add_passage(p)
    stored = store.passage("p-x")
    assert stored is not None and stored == p
    assert dict(stored.labels) == labels and stored.stance == "critical"
    assert store.passage_ids_with_labels([("topics", "economy")]) == {"p-x"}
    assert store.passage_ids_with_labels([("topics", "economy"), ("stance", "neutral")]) == set()
    critical = store.passage_ids_with_labels([("stance", "critical")])
    assert "p-x" in critical and len(critical) == 3
    assert store.passage_ids_with_labels([("stance", "critical")], annotator="amal") == {"p-x"}
    assert store.passage_ids_with_labels([("explicit", True)]) == {"p-x"}
    [row] = store.audit_trail("p-x")
    assert json.loads(row["after"])["labels"] == labels


def test_document_labels_are_saved_audited_and_deleted(tmp_path: Path) -> None:
    store = two_annotator_db(tmp_path / "t.db")
    mine = DocumentLabels(SEED_ID, "sara", {"overall_stance": "critical", "genre": ["news"]})
    store.set_document_labels(mine, by="sara")
    store.set_document_labels(
        DocumentLabels(SEED_ID, "omar", {"overall_stance": "neutral"}), by="omar"
    )
    [saved] = store.document_labels(SEED_ID, "sara")
    assert dict(saved.labels) == {"overall_stance": "critical", "genre": ["news"]}
    assert [d.annotator for d in store.all_document_labels()] == ["omar", "sara"]
    assert [d.annotator for d in store.all_document_labels(["sara"])] == ["sara"]
    store.set_document_labels(DocumentLabels(SEED_ID, "sara", {}), by="sara")
    assert store.document_labels(SEED_ID, "sara") == []
    actions = [r["action"] for r in store.document_audit_trail(SEED_ID, "sara")]
    assert actions == ["create", "delete"]

    gold = GoldDocumentLabels(
        SEED_ID, {"overall_stance": "neutral"}, "adjudicated", ("omar",), "lead"
    )
    store.set_gold_document_labels(gold)
    [found] = store.gold_document_labels(SEED_ID)
    assert found.sources == ("omar",) and dict(found.labels) == {"overall_stance": "neutral"}
