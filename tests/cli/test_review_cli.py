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


NEWS_PLUS = Path(__file__).parents[1] / "data" / "schemas" / "news-plus.yaml"


def _plus_db(tmp_path: Path) -> Path:
    """Two annotators: certainty on both shared spans (they differ on one), and the
    overall stance of three articles (they differ on one)."""
    from annotations.models import DocumentLabels

    db = tmp_path / "team.db"
    store = two_annotator_db(db)
    for p in store.passages(SEED_ID):
        disputed = p.claim_type in ("factual_report", "prediction")
        if p.claim_type == "statistic":
            continue
        value = "likely" if disputed and p.annotator == "omar" else "certain"
        store.update_passage(replace(p, labels={**p.labels, "certainty": value}), by=p.annotator)
    others = [a for a in store.article_ids() if a != SEED_ID][:2]
    stances = {SEED_ID: ("critical", "neutral"), others[0]: ("critical",) * 2}
    stances[others[1]] = ("neutral",) * 2
    for article_id, (omar, sara) in stances.items():
        for who, value in (("omar", omar), ("sara", sara)):
            labels = DocumentLabels(article_id, who, {"overall_stance": value})
            store.set_document_labels(labels, by=who)
    store.close()
    return db


def test_agreement_on_an_extra_attribute_and_a_document_attribute(tmp_path: Path) -> None:
    db = _plus_db(tmp_path)
    code, out = run(db, "--schema", str(NEWS_PLUS), "agreement", "--json")
    assert code == 0
    data = json.loads(out)
    (pair,) = data["pairs"]
    # certainty on the 2 matched spans: omar (certain, likely), sara (certain, certain):
    # p_o = 1/2 = p_e, kappa 0; alpha over 4 values (3 certain): 1 - 3 * 2 / (16 - 10) = 0.
    assert pair["kappa"]["certainty"] == 0.0 and data["alpha"]["certainty"] == 0.0
    assert data["n_items"]["alpha_units"]["certainty"] == 2
    document = data["document"]
    # 3 articles, omar (critical, critical, neutral), sara (neutral, critical, neutral):
    # kappa (3 * 2 - 4) / (9 - 4) = 0.4; alpha 1 - 5 * 2 / (36 - 18) = 4/9.
    (doc_pair,) = document["pairs"]
    assert doc_pair["n_articles"] == 3
    assert doc_pair["kappa"]["overall_stance"] == 0.4
    assert abs(document["alpha"]["overall_stance"] - 4 / 9) < 1e-12
    assert document["n_items"]["alpha_units"] == {"overall_stance": 3}

    code, text = run(db, "--schema", str(NEWS_PLUS), "agreement")
    assert code == 0
    lines = text.splitlines()
    assert any(line.startswith("  certainty   0.000 (n=2 spans)") for line in lines)
    assert "Document attributes, articles as units: 3 articles labelled by two or more" in text
    assert any("overall stance" in line and "0.444 (n=3 articles)" in line for line in lines)
    assert any("0.400 (n=3)" in line for line in lines)  # the pair's kappa
    # The bundled schema has neither: no certainty, no document section.
    code, text = run(db, "agreement")
    assert code == 0 and "certainty" not in text and "Document attributes" not in text
    code, text = run(db, "agreement", "--characters", "note")
    assert code == 2 and "no single-valued compared attribute 'note'" in text


def test_merge_unanimous_counts_document_labels(tmp_path: Path) -> None:
    db = _plus_db(tmp_path)
    code, out = run(db, "--schema", str(NEWS_PLUS), "review", "merge-unanimous")
    assert code == 0
    # The agreed passage, and the two articles both gave the same overall stance (on the
    # queue by their document labels alone); the seed article's differ: left for review.
    assert out.startswith("1 passage and the document labels of 2 articles merged")
    with Store(db) as store:
        golds = [g.article_id for g in store.gold_document_labels()]
    assert SEED_ID not in golds
