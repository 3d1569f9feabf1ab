"""`hashiya agreement` and `hashiya review`: the figures a team checks its labels by."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from annotations.store import Store
from tests.support.corpus import SEED_ID, two_annotator_db
from tui.cli import cli


def run(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_agreement_json_has_the_promised_keys_and_figures(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    code, out = run(db, "agreement", "--json")
    assert code == 0
    data = json.loads(out)
    (pair,) = data["pairs"]
    assert (pair["a"], pair["b"]) == ("omar", "sara")
    # omar's 2 spans both match sara's 3 exactly: P = 1, R = 2/3, F1 = 0.8.
    assert pair["span_f1_exact"] == 0.8 and pair["n_matched"] == 2
    assert pair["kappa"]["actor"] == 1.0  # same actor on both matched spans
    assert set(data["alpha"]) == {"actor", "stance", "claim_type"}
    assert data["n_items"]["passages"] == 5


def test_undefined_figures_say_so(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    store = two_annotator_db(db)
    store.conn.execute("DELETE FROM passages WHERE annotator = 'omar'")
    store.close()
    code, out = run(db, "agreement", "--annotators", "omar,sara")
    assert code == 0
    assert "undefined" in out and " 0.000" not in out


def test_review_queue_and_merge_unanimous(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    code, out = run(db, "review", "queue", "--json")
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["article_id"] == SEED_ID and record["disagreements"] == 2
    code, out = run(db, "--annotator", "lead", "review", "merge-unanimous")
    assert code == 0
    assert (
        out.strip()
        == "1 passage merged into the gold layer; 2 items still need a reviewer (R in the app)"
    )
    with Store(db) as store:
        (gold,) = store.gold_passages(SEED_ID)
    assert gold.origin == "unanimous" and gold.adjudicator == "lead"


def test_merge_unanimous_keeps_target_and_notes_or_leaves_the_item(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    store = two_annotator_db(db)
    # omar gives the agreed passage a target and a note; sara does not.
    (omar,) = [p for p in store.passages(SEED_ID, "omar") if p.claim_type == "warning"]
    store.update_passage(replace(omar, target="الحكومة", note="ساخر"))
    store.close()
    code, out = run(db, "--annotator", "lead", "review", "merge-unanimous")
    assert code == 0 and out.startswith("0 passages merged")
    with Store(db) as store:
        assert store.gold_passages(SEED_ID) == []
        (sara,) = [p for p in store.passages(SEED_ID, "sara") if p.claim_type == "warning"]
        store.update_passage(replace(sara, target="الحكومة", note="quoted"))
    code, out = run(db, "--annotator", "lead", "review", "merge-unanimous")
    assert out.startswith("1 passage merged")
    with Store(db) as store:
        row = store.conn.execute(
            "SELECT json_extract(labels, '$.target'), json_extract(labels, '$.note'), notes FROM gold_passages"
        ).fetchone()
    assert row[0] == "الحكومة"
    assert row[1] == "omar: ساخر\nsara: quoted"
    assert json.loads(row[2]) == [
        {"author": "omar", "text": "ساخر"},
        {"author": "sara", "text": "quoted"},
    ]
