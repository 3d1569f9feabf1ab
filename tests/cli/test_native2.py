"""hashiya/2 with a schema of more attributes (news-plus: `certainty` on passages,
`overall_stance` on the article), through the real commands: import checks every label
with the schema and saves document labels, export writes them in schema order, the
generated JSON Schema accepts the lines, and the other formats take any attribute."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from click.testing import CliRunner

from annotations.models import DocumentLabels
from annotations.store import Store
from tests.cli.test_dataset_cli import db_digest
from tui.cli import cli

PLUS = Path(__file__).resolve().parents[1] / "data" / "schemas" / "news-plus.yaml"
TEXT = "قال الوزير إن الهجوم «مرجّح» خلال أيام، ونفت الجماعة ذلك."
STAMP = "2026-03-04T05:06:07.000000Z"


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["--db", str(db), "--schema", str(PLUS), *args], catch_exceptions=False
    )
    return result.exit_code, result.stdout, result.stderr


def line(**changes: Any) -> dict[str, Any]:
    """A hashiya/2 line under news-plus: two spans, document labels, a new actor."""
    minister = TEXT.index("الوزير")
    group = TEXT.index("ونفت")
    record: dict[str, Any] = {
        "format": "hashiya/2",
        "article_id": "a-plus",
        "title": "عنوان",
        "source": "مصدر",
        "published": None,
        "origin": None,
        "metadata": {},
        "text": TEXT,
        "annotator": "huda",
        "status": "done",
        "schema": {"name": "news-plus", "version": "1.0"},
        # Written in the file in another order than the schema's: stored and exported
        # in the schema's.
        "document_labels": {"overall_stance": "critical"},
        "actors": [
            {"id": "local_group", "name_ar": "الجماعة", "name_en": None, "aliases": []},
        ],
        "spans": [
            {
                "id": "s1",
                "start": minister,
                "end": minister + 6,
                "text": "الوزير",
                "labels": {"certainty": "likely", "stance": "critical", "actor": "isis"},
                "created_at": STAMP,
                "updated_at": STAMP,
            },
            {
                "id": "s2",
                "start": group,
                "end": group + 4,
                "text": "ونفت",
                "labels": {"actor": "local_group", "claim_type": "denial"},
                "created_at": STAMP,
                "updated_at": STAMP,
            },
        ],
        "exported_at": STAMP,
    }
    record.update(changes)
    return record


def write(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def test_import_saves_every_attribute_and_document_labels_and_exports_them(
    tmp_path: Path,
) -> None:
    db = tmp_path / "a.db"
    code, out, err = run(db, "import-annotations", str(write(tmp_path / "in.jsonl", line())))
    assert code == 0, err
    assert "2 passages added" in out and "1 actors added" in out
    assert "1 document labels set" in out
    with Store(db) as store:
        passages = {p.id: p for p in store.passages("a-plus", "huda")}
        assert dict(passages["s1"].labels) == {
            "actor": "isis",
            "certainty": "likely",
            "stance": "critical",
        }
        assert store.document_labels("a-plus", "huda") == [
            DocumentLabels(
                "a-plus",
                "huda",
                {"overall_stance": "critical"},
                "news-plus",
                "1.0",
                *[store.document_labels("a-plus", "huda")[0].created_at] * 2,
            )
        ]
    code, out, err = run(db, "export")
    assert code == 0, err
    (exported,) = [json.loads(x) for x in out.splitlines()]
    spans = exported["spans"]
    # The schema's order: actor, stance, target, claim_type, certainty, note.
    assert list(spans[0]["labels"].items()) == [
        ("actor", "isis"),
        ("stance", "critical"),
        ("certainty", "likely"),
    ]
    assert exported["document_labels"] == {"overall_stance": "critical"}
    assert [a["id"] for a in exported["actors"]] == ["isis", "local_group"]
    assert exported["actors"][1]["name_ar"] == "الجماعة"
    # The JSON Schema the command prints accepts the line.
    code, schema_text, err = run(db, "schema", "json-schema")
    assert code == 0, err
    jsonschema.Draft202012Validator(json.loads(schema_text)).validate(exported)
    # And refuses one with a value the schema does not have.
    exported["spans"][0]["labels"]["certainty"] = "sure"
    assert not jsonschema.Draft202012Validator(json.loads(schema_text)).is_valid(exported)
    # Importing the export again changes nothing.
    before = db_digest(db)
    again = write(tmp_path / "again.jsonl", json.loads(out))
    code, out2, err = run(db, "import-annotations", str(again))
    assert code == 0, err
    assert "2 unchanged" in out2 and "document labels set" not in out2
    assert db_digest(db) == before


def test_bad_labels_are_one_line_each_and_nothing_is_saved(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    Store(db).close()
    before = db_digest(db)
    bad = line()
    bad["spans"][1]["labels"]["certainty"] = "x"
    bad["spans"][1]["labels"]["stance"] = ["critical", "neutral"]
    bad["document_labels"] = {"overall_stance": "sideways", "topic": "war"}
    good = line(article_id="a-other")
    path = write(tmp_path / "bad.jsonl", good, bad)
    code, out, err = run(db, "import-annotations", str(path))
    assert code == 1 and out == ""
    stances = "supportive, critical, neutral, mixed"
    assert err.splitlines() == [
        f"{path}:2: spans[1].labels.stance: expected one value, got a list (it takes one)",
        f"{path}:2: spans[1].labels.certainty: unknown value 'x' (expected one of: certain,"
        " likely, doubtful)",
        f"{path}:2: document_labels.topic: unknown attribute 'topic' (expected: overall_stance)",
        f"{path}:2: document_labels.overall_stance: unknown value 'sideways' (expected one of:"
        f" {stances})",
        f"{path}: nothing imported (fix the lines above, or --skip-invalid)",
    ]
    assert db_digest(db) == before


def test_a_conflicting_document_label_is_reported_and_kept(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    assert run(db, "import-annotations", str(write(tmp_path / "1.jsonl", line())))[0] == 0
    changed = write(tmp_path / "2.jsonl", line(document_labels={"overall_stance": "neutral"}))
    _, _, err = run(db, "import-annotations", str(changed))
    assert f"{changed}:1: document labels of huda on a-plus: overall_stance differ" in err
    with Store(db) as store:
        assert dict(store.document_labels("a-plus", "huda")[0].labels) == {
            "overall_stance": "critical"
        }
    code, _, err = run(db, "import-annotations", "--prefer", "incoming", str(changed))
    assert code == 0, err
    with Store(db) as store:
        assert dict(store.document_labels("a-plus", "huda")[0].labels) == {
            "overall_stance": "neutral"
        }


def test_label_from_takes_any_attribute_of_the_schema(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    assert run(db, "import-annotations", str(write(tmp_path / "in.jsonl", line())))[0] == 0
    code, out, err = run(db, "export", "--format", "doccano", "--label-from", "certainty")
    assert code == 0, err
    (doccano,) = [json.loads(x) for x in out.splitlines()]
    assert [label for _, _, label in doccano["label"]] == ["likely", "_unset"]
    assert doccano["cats"] == ["overall_stance:critical"]
    code, out, err = run(db, "export", "--format", "prodigy", "--label-from", "certainty")
    assert json.loads(out)["accept"] == ["overall_stance:critical"]
    code, out, err = run(db, "export", "--format", "doccano", "--label-from", "mood")
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == (
        "Error: --label-from: unknown attribute 'mood' (the schema's: actor, stance, target,"
        " claim_type, certainty, note)"
    )
    folder = tmp_path / "brat"
    code, out, err = run(db, "export", "--format", "brat", "-o", str(folder))
    assert code == 0, err
    conf = (folder / "annotation.conf").read_text(encoding="utf-8")
    assert "Certainty\tArg:<ENTITY>, Value:certain|likely|doubtful" in conf
    ann = (folder / "huda" / "a-plus.ann").read_text(encoding="utf-8")
    assert "\tCertainty T1 likely" in ann
    labelstudio = tmp_path / "ls.json"
    code, out, err = run(db, "export", "--format", "labelstudio", "-o", str(labelstudio))
    assert code == 0, err
    results = json.loads(labelstudio.read_text(encoding="utf-8"))[0]["annotations"][0]["result"]
    assert {
        "id": "document-overall_stance",
        "from_name": "document_overall_stance",
        "to_name": "text",
        "type": "choices",
        "value": {"choices": ["critical"]},
    } in results
