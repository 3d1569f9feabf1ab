"""`hashiya doctor`: stale quotes are reported, never moved."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from annotations.store import Store
from tests.support.corpus import SEED_ID, two_annotator_db
from tui.cli import cli


def test_healthy_database(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    result = CliRunner().invoke(cli, ["--db", str(db), "doctor"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.strip().endswith(": ok")


def test_stale_quote_and_unknown_label_are_reported(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    store = two_annotator_db(db)
    # Someone edited the stored text under a passage, and a label the schema lacks.
    store.conn.execute(
        "UPDATE articles SET text = replace(text, 'تصاعدت', 'تزايدت') WHERE id = ?", (SEED_ID,)
    )
    store.conn.execute(
        "UPDATE passages SET labels = json_set(labels, '$.stance', 'furious') WHERE annotator = 'omar'"
    )
    before = store.conn.execute('SELECT id, start, "end", text FROM passages').fetchall()
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(db), "doctor"], catch_exceptions=False)
    assert result.exit_code == 1
    stale = [line for line in result.output.splitlines() if "but the article now has" in line]
    assert len(stale) == 2  # sara's and omar's passage on the changed words
    assert "«تزايدت" in stale[0]
    assert (
        sum("stance: unknown value 'furious'" in line for line in result.output.splitlines()) == 2
    )
    store = Store(db)
    after = store.conn.execute('SELECT id, start, "end", text FROM passages').fetchall()
    assert after == before  # flagged, not moved


def test_labels_of_another_schema_are_reported_by_attribute(tmp_path: Path) -> None:
    """Labels made under a larger schema (news-plus: certainty, overall_stance) are read
    by the bundled one as unknown attributes, for passages and for document labels, and
    are left as they are; with the larger schema the database is healthy."""
    from annotations.models import DocumentLabels, freeze_labels

    db = tmp_path / "team.db"
    store = two_annotator_db(db)
    store.conn.execute(
        "UPDATE passages SET labels = json_set(labels, '$.certainty', 'likely')"
        " WHERE annotator = 'sara'"
    )
    store.set_document_labels(
        DocumentLabels(SEED_ID, "omar", freeze_labels({"overall_stance": "critical"})), by="omar"
    )
    before = store.conn.execute("SELECT id, labels FROM passages ORDER BY id").fetchall()
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(db), "doctor"], catch_exceptions=False)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert sum("(sara): certainty: unknown attribute 'certainty'" in line for line in lines) == 3
    assert [line for line in lines if line.startswith("document labels")] == [
        f"document labels of article {SEED_ID} (omar): overall_stance: unknown attribute"
        " 'overall_stance' (expected: none)"
    ]
    plus = Path(__file__).parents[1] / "data" / "schemas" / "news-plus.yaml"
    healthy = CliRunner().invoke(
        cli, ["--db", str(db), "--schema", str(plus), "doctor"], catch_exceptions=False
    )
    assert healthy.exit_code == 0, healthy.output
    after = Store(db).conn.execute("SELECT id, labels FROM passages ORDER BY id").fetchall()
    assert after == before
