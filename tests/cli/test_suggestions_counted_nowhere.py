"""Suggestions are not annotations: agreement, review, list and export read passages
only, unless a suggestion is accepted (then it is a passage, `suggested_by` in its span)
or `export --include-suggestions` asks for them (flagged)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.store import Store
from tests.support.corpus import SEED_ID, two_annotator_db
from tui.cli import cli


def run(db: Path, *args: str, annotator: str = "sara") -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), "--annotator", annotator, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def spans(out: str) -> list[dict[str, object]]:
    return [span for line in lines(out) for span in line["spans"]]  # type: ignore[attr-defined]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "h.db"
    two_annotator_db(path).close()
    return path


EXPORTED_AT = re.compile(r'"exported_at": ?"[^"]*"')  # the one field that differs
READS = [
    ("export",),
    ("export", "--unit", "span"),
    ("export", "--format", "doccano"),
    ("agreement",),
    ("agreement", "--json"),
    ("review", "queue"),
    ("list",),
]


def test_open_suggestions_change_no_figure_and_no_export(db: Path) -> None:
    before = {args: run(db, *args) for args in READS}
    assert all(code == 0 for code, _, _ in before.values()), before
    code, _, _ = run(db, "suggest", "--all")
    assert code == 0
    with Store(db) as store:
        assert len(store.suggestions()) > 100
    after = {args: run(db, *args) for args in READS}
    for args in READS:
        old, new = before[args][1], after[args][1]
        assert EXPORTED_AT.sub("", new) == EXPORTED_AT.sub("", old), args


def test_accepted_passages_carry_suggested_by_in_the_export(db: Path) -> None:
    run(db, "suggest", SEED_ID, "--sources", "actors")
    with Store(db) as store:
        first = store.open_suggestions(SEED_ID, "sara")[0]
        passage = store.accept_suggestion(first.id, "sara")
    code, out, _ = run(db, "export", "--annotator", "sara")
    assert code == 0
    by_id = {span["id"]: span for span in spans(out)}
    assert by_id[passage.id]["suggested_by"] == "actors"
    assert all("suggested_by" not in s for i, s in by_id.items() if i != passage.id)
    assert not any(s.get("suggested") for s in by_id.values())
    code, out, _ = run(db, "export", "--annotator", "sara", "--unit", "span")
    assert {line["id"]: line.get("suggested_by") for line in lines(out)}[passage.id] == "actors"


def test_include_suggestions_flags_them_and_import_never_makes_them_passages(
    db: Path, tmp_path: Path
) -> None:
    run(db, "suggest", SEED_ID, "--sources", "actors,cues")
    with Store(db) as store:
        offered = store.open_suggestions(SEED_ID, "sara")
        rejected = offered[1]
        store.reject_suggestion(rejected.id, "sara")
        passages = store.passage_count()
    code, out, _ = run(db, "export", "--include-suggestions", "--annotator", "sara")
    assert code == 0
    (line,) = [record for record in lines(out) if record["article_id"] == SEED_ID]
    flagged = [s for s in line["spans"] if s.get("suggested")]  # type: ignore[attr-defined]
    kept = [s for s in line["spans"] if not s.get("suggested")]  # type: ignore[attr-defined]
    with Store(db) as store:
        assert [s["id"] for s in kept] == [p.id for p in store.passages(SEED_ID, "sara")]
    assert {(s["start"], s["end"]) for s in flagged} == {
        (s.start, s.end) for s in offered if s.id != rejected.id
    }
    assert all(s["id"].startswith("suggestion:") for s in flagged)
    assert {s["suggested_by"] for s in flagged} == {"actors", "cues"}
    starts = [(s["start"], s["end"], s["id"]) for s in line["spans"]]  # type: ignore[attr-defined]
    assert starts == sorted(starts)
    # --unit span keeps the flag
    code, out, _ = run(db, "export", "--include-suggestions", "--unit", "span")
    assert sum(1 for record in lines(out) if record.get("suggested") is True) >= len(flagged)
    # read back into a fresh database: the passages, never the suggestions
    dump = tmp_path / "with-suggestions.jsonl"
    run(db, "export", "--include-suggestions", "--annotator", "sara", "-o", str(dump))
    fresh = tmp_path / "fresh.db"
    code, _, err = run(fresh, "import-annotations", str(dump))
    assert code == 0, err
    with Store(fresh) as store:
        assert sorted((p.start, p.end) for p in store.passages(SEED_ID, "sara")) == sorted(
            (s["start"], s["end"]) for s in kept
        )
        assert store.suggestions() == []
    with Store(db) as store:
        assert store.passage_count() == passages


def test_include_suggestions_gives_a_named_annotator_lines_where_they_have_none(
    db: Path,
) -> None:
    run(db, "suggest", "--all", "--sources", "actors")
    code, out, _ = run(db, "export", "--annotator", "lina")
    assert code == 0 and out == ""
    code, out, _ = run(db, "export", "--annotator", "lina", "--include-suggestions")
    with Store(db) as store:
        with_suggestions = {s.article_id for s in store.suggestions()}
    assert {line["article_id"] for line in lines(out)} == with_suggestions
    assert all(s["suggested"] is True for s in spans(out))


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "doccano", "--include-suggestions"),
        ("--layer", "gold", "--include-suggestions"),
    ],
)
def test_include_suggestions_elsewhere_is_one_line(db: Path, args: tuple[str, ...]) -> None:
    code, _, err = run(db, "export", *args)
    assert code == 2
    assert "--include-suggestions is for --format native" in err and "Traceback" not in err
