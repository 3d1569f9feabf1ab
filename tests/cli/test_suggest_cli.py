"""`hashiya suggest` and `hashiya import-annotations --as-suggestions`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.store import Store
from tests.support.corpus import SEED_ID, passage_on, two_annotator_db
from tui.cli import cli


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), "--annotator", "sara", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "h.db"
    two_annotator_db(path).close()
    return path


def test_suggest_fills_the_table_and_prints_one_line_per_article(db: Path) -> None:
    with Store(db) as store:  # a passage whose words come again in its article
        article = store.get_article(SEED_ID)
        assert article is not None and article.text.count("التنظيم") > 1
        store.add_passage(passage_on(article, "التنظيم", "sara", actor="isis"))
    code, out, _ = run(db, "suggest", "--all")
    assert code == 0
    lines = out.splitlines()
    with Store(db) as store:
        ids = store.article_ids()
        stored = store.suggestions()
        passages = store.passage_count()
    assert len(lines) == len(ids) + 1
    assert [line.split()[0] for line in lines[:-1]] == ids
    assert lines[-1] == f"{len(ids)} articles: {len(stored)} new suggestions"
    assert {s.source for s in stored} >= {"actors", "cues", "quotes", "propagation"}
    # propagation spreads each annotator's passages for that annotator only
    spread = [s for s in stored if s.source == "propagation"]
    assert {(s.annotator, s.text, s.labels["actor"]) for s in spread} == {
        ("sara", "التنظيم", "isis"),
        ("sara", "للتنظيم", "isis"),
    }
    assert {s.annotator for s in stored if s.source != "propagation"} == {None}
    # again: nothing new, nothing annotated
    code, out, _ = run(db, "suggest", "--all")
    assert out.splitlines()[-1] == f"{len(ids)} articles: 0 new suggestions"
    with Store(db) as store:
        assert store.passage_count() == passages


def test_suggest_one_article_with_some_sources(db: Path) -> None:
    code, out, _ = run(db, "suggest", SEED_ID[:8], "--sources", "actors")
    assert code == 0
    assert out.splitlines()[0].startswith(f"{SEED_ID} ")
    assert "(actors " in out.splitlines()[0]
    with Store(db) as store:
        assert {s.source for s in store.suggestions()} == {"actors"}
        assert {s.article_id for s in store.suggestions()} == {SEED_ID}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--all", "--sources", "actors,model-x"), "unknown source 'model-x'"),
        ((), "give ARTICLE ids, or --all"),
        (("nope",), "no article 'nope'"),
    ],
)
def test_suggest_bad_options_are_one_line(db: Path, args: tuple[str, ...], message: str) -> None:
    code, _, err = run(db, "suggest", *args)
    assert code != 0 and message in err and "Traceback" not in err


def _predictions(db: Path, tmp_path: Path) -> Path:
    """omar's export, as if a model had predicted it, with a score per span."""
    exported = tmp_path / "omar.jsonl"
    code, _, _ = run(db, "export", "--annotator", "omar", "-o", str(exported))
    assert code == 0
    lines = []
    for line in exported.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for index, span in enumerate(record["spans"]):
            span["score"] = 0.5 + index / 100
        lines.append(json.dumps(record, ensure_ascii=False))
    exported.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return exported


def test_predictions_come_in_as_suggestions_with_their_scores(db: Path, tmp_path: Path) -> None:
    path = _predictions(db, tmp_path)
    with Store(db) as store:
        before = store.passage_count()
        omar = store.passages(SEED_ID, "omar")
    code, out, err = run(db, "import-annotations", "--as-suggestions", str(path))
    assert code == 0, err
    assert "(annotations unchanged)" in out
    with Store(db) as store:
        assert store.passage_count() == before
        stored = [s for s in store.suggestions(SEED_ID) if s.source == "import"]
    assert sorted((s.start, s.end, dict(s.labels)) for s in stored) == sorted(
        (p.start, p.end, dict(p.labels)) for p in omar
    )
    assert {s.score for s in stored} >= {0.5}
    assert all(s.reason == "predicted by omar" for s in stored)


def test_a_bad_prediction_line_saves_nothing(db: Path, tmp_path: Path) -> None:
    path = _predictions(db, tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["spans"][0]["score"] = "high"
    lines[0] = json.dumps(record, ensure_ascii=False)
    lines.append('{"format": "hashiya/1", "article_id": ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(db, "import-annotations", "--as-suggestions", str(path))
    assert code == 1
    errors = err.splitlines()
    assert errors[0] == f'{path}:1: spans[0].score: expected a number, got "high"'
    assert errors[1].startswith(f"{path}:{len(lines)}: (line): not valid JSON")
    assert errors[-1] == f"{path}: nothing imported (fix the lines above)"
    with Store(db) as store:
        assert store.suggestions() == []
