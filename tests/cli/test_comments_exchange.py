"""Comments on passages travel: native export, `--unit span`, gold, and back in."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from annotations.export.json_schema import json_schema
from annotations.models import Comment
from annotations.review.queue import accept, article_review, merge_unanimous, reject
from annotations.schema import default_schema
from annotations.store import Store
from tests.support.corpus import SEED_ID, two_annotator_db
from tui.cli import cli


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def commented_db(tmp_path: Path) -> tuple[Path, str]:
    db = tmp_path / "team.db"
    store = two_annotator_db(db)
    (date,) = [p for p in store.passages(SEED_ID, "sara") if p.note == "date"]
    store.add_comment(Comment(date.id, "omar", "التاريخ ناقص؟", "2026-01-03T00:00:00Z"))
    store.add_comment(Comment(date.id, "sara", "no, it is there", "2026-01-04T00:00:00Z"))
    store.close()
    return db, date.id


def test_native_export_carries_comment_threads_and_imports_them(tmp_path: Path) -> None:
    db, passage_id = commented_db(tmp_path)
    code, out, _ = run(db, "export", "--annotator", "sara")
    assert code == 0
    (record,) = [json.loads(line) for line in out.splitlines()]
    jsonschema.validate(record, json_schema(default_schema()))
    by_id = {s["id"]: s for s in record["spans"]}
    assert by_id[passage_id]["comments"] == [
        {"author": "omar", "text": "التاريخ ناقص؟", "at": "2026-01-03T00:00:00Z"},
        {"author": "sara", "text": "no, it is there", "at": "2026-01-04T00:00:00Z"},
    ]
    # Spans without comments are written as before.
    assert all("comments" not in s for i, s in by_id.items() if i != passage_id)
    exported = tmp_path / "sara.jsonl"
    exported.write_text(out, encoding="utf-8")
    other = tmp_path / "other.db"
    code, out, err = run(other, "import-annotations", str(exported))
    assert code == 0, out + err
    assert "2 comments added" in out + err
    with Store(other) as store:
        rows = store.conn.execute(
            "SELECT passage_id, author, body, at FROM comments ORDER BY id"
        ).fetchall()
    assert rows == [
        (passage_id, "omar", "التاريخ ناقص؟", "2026-01-03T00:00:00Z"),
        (passage_id, "sara", "no, it is there", "2026-01-04T00:00:00Z"),
    ]
    # The same file again adds nothing.
    code, out, err = run(other, "import-annotations", str(exported))
    assert code == 0 and "comments added" not in out + err
    with Store(other) as store:
        assert store.conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 2


def test_span_unit_carries_comments(tmp_path: Path) -> None:
    db, passage_id = commented_db(tmp_path)
    code, out, _ = run(db, "export", "--annotator", "sara", "--unit", "span")
    assert code == 0
    lines = {r["id"]: r for r in map(json.loads, out.splitlines())}
    schema = json_schema(default_schema(), "span")
    for line in lines.values():
        jsonschema.validate(line, schema)
    assert [c["author"] for c in lines[passage_id]["comments"]] == ["omar", "sara"]


def test_a_bad_comment_is_one_line_naming_the_field(tmp_path: Path) -> None:
    db, passage_id = commented_db(tmp_path)
    code, out, _ = run(db, "export", "--annotator", "sara")
    record = json.loads(out)
    for span in record["spans"]:
        if span["id"] == passage_id:
            span["comments"][1]["author"] = 7
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, err = run(tmp_path / "other.db", "import-annotations", str(bad))
    assert code != 0
    assert ".comments[1].author: expected a string, got an integer" in out + err
    assert "Traceback" not in out + err


def test_gold_spans_carry_the_sources_comments_and_notes(tmp_path: Path) -> None:
    db, passage_id = commented_db(tmp_path)
    store = Store(db)
    merge_unanimous(store, "lead")
    review = article_review(store, SEED_ID)
    disputed, single = review.open_items
    accept(store, disputed, disputed.passages["omar"][0], "lead")
    accept(store, single, single.passages["sara"][0], "lead")
    store.close()
    code, out, _ = run(db, "export", "--layer", "gold")
    assert code == 0
    (record,) = [json.loads(line) for line in out.splitlines()]
    jsonschema.validate(record, json_schema(default_schema()))
    (dated,) = [s for s in record["spans"] if passage_id in s["provenance"]["sources"]]
    assert [c["text"] for c in dated["comments"]] == ["التاريخ ناقص؟", "no, it is there"]
    assert dated["labels"]["note"] == "date"
    assert dated["provenance"]["notes"] == [{"author": "sara", "text": "date"}]


def test_gold_export_with_nothing_settled_says_what_is_left(tmp_path: Path) -> None:
    db, _ = commented_db(tmp_path)
    code, out, err = run(db, "export", "--layer", "gold")
    assert code == 0 and out == ""
    assert err.strip() == (
        "nothing is settled yet: 3 items unresolved in 1 article (--include-unresolved"
        " exports those articles as they stand; `hashiya review queue` lists them)"
    )
    with Store(db) as store:
        merge_unanimous(store, "lead")
        reject(store, article_review(store, SEED_ID).open_items[0], "lead")
    code, out, err = run(db, "export", "--layer", "gold", "--include-unresolved")
    assert code == 0 and err == "" and len(out.splitlines()) == 1


def test_a_comment_author_with_a_bidi_override_is_refused(tmp_path: Path) -> None:
    db, passage_id = commented_db(tmp_path)
    code, out, _ = run(db, "export", "--annotator", "sara")
    record = json.loads(out)
    for span in record["spans"]:
        if span["id"] == passage_id:
            span["comments"][0]["author"] = "omar\u202e"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, err = run(tmp_path / "other.db", "import-annotations", str(bad))
    assert code != 0 and ".comments[0].author" in out + err
    assert "Traceback" not in out + err
