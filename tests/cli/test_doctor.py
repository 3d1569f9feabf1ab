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
    assert sum("unknown stance 'furious'" in line for line in result.output.splitlines()) == 2
    store = Store(db)
    after = store.conn.execute('SELECT id, start, "end", text FROM passages').fetchall()
    assert after == before  # flagged, not moved
