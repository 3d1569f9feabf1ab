"""`hashiya import-annotations --format labelstudio|doccano|prodigy|brat`: labels from
other tools.

Round trips: a database's passages exported in each format and imported into an empty
database come back with the same offsets, texts and labels (and, where the format keeps
them, the same ids). Files as the tools write them (shaped on their own export code and
examples) come in with their labels mapped to the schema. Bad input is one line naming
file, line and field, and nothing is saved.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.articles import article_id, make_article
from annotations.models import Passage
from annotations.store import Store, UserActor
from tests.support.corpus import STAMP, two_annotator_db
from tui.cli import cli

# Emoji (one outside the BMP before most spans, a ZWJ family, a flag), Latin inside
# Arabic, harakat; spans that overlap and nest.
TEXT = (
    "قال 😀 الوزير 👨\u200d👩\u200d👧 إن Google ستفتح مكتباً في بغداد 🇮🇶، والحكومة ترفض ذلك.\n"
    "وأكّد المتحدث أنَّ «الاتفاق سيوقع غداً»."
)


def run(db: Path, *args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _passage(
    article_text: str, aid: str, phrase: str, who: str, n: int = 1, **labels: Any
) -> Passage:
    start = -1
    for _ in range(n):
        start = article_text.index(phrase, start + 1)
    return Passage(
        id=f"{who}-{phrase}-{n}",
        article_id=aid,
        start=start,
        end=start + len(phrase),
        text=phrase,
        annotator=who,
        schema_name="news",
        schema_version="1.0",
        created_at=STAMP,
        updated_at=STAMP,
        **labels,
    )


def source_db(path: Path) -> Store:
    """The two-annotator corpus and an emoji article with overlapping spans."""
    store = two_annotator_db(path)
    article = make_article(TEXT)
    store.add_articles([article])
    store.add_actor(UserActor("google", "غوغل", "Google", (), created_by="sara"))
    text, aid = article.text, article.id
    for p in (
        _passage(
            text,
            aid,
            "الوزير",
            "sara",
            actor="iraqi_government",
            stance="critical",
            claim_type="official_statement",
            target="القرار",
            note="ملاحظة قصيرة",
        ),
        _passage(text, aid, "😀 الوزير 👨\u200d👩\u200d👧", "sara", stance="neutral"),
        _passage(text, aid, "👨\u200d👩\u200d👧", "sara", claim_type="opinion"),
        _passage(text, aid, "Google", "sara", actor="google", claim_type="prediction"),
        _passage(
            text, aid, "والحكومة ترفض", "omar", stance="critical", claim_type="factual_report"
        ),
        _passage(text, aid, "«الاتفاق سيوقع غداً»", "omar", actor="iraqi_government"),
    ):
        store.add_passage(p)
    return store


Row = tuple[str, str, int, int, str, Any, Any, Any, Any, Any]


def passages(db: Path) -> set[Row]:
    """Every passage as (article text, annotator, start, end, text, labels...)."""
    with Store(db) as store:
        rows = set()
        for p in store.all_passages():
            article = store.get_article(p.article_id)
            assert article is not None
            assert article.text[p.start : p.end] == p.text
            rows.add(
                (
                    hashlib.sha256(article.text.encode()).hexdigest(),
                    p.annotator,
                    p.start,
                    p.end,
                    p.text,
                    p.actor,
                    p.stance,
                    p.target,
                    p.claim_type,
                    p.note,
                )
            )
        return rows


def passage_ids(db: Path) -> set[tuple[str, str]]:
    with Store(db) as store:
        return {(p.id, p.article_id) for p in store.all_passages()}


def db_digest(path: Path) -> str:
    connection = sqlite3.connect(path)
    digest = hashlib.sha256()
    tables = [
        r[0]
        for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
        )
    ]
    for table in tables:
        for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
            digest.update(repr(row).encode())
    connection.close()
    return digest.hexdigest()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    db = tmp_path / "source.db"
    source_db(db).close()
    return db


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(
    ("fmt", "label_from", "keeps_ids"),
    [
        ("prodigy", "claim_type", True),
        ("prodigy", "actor", True),
        ("doccano", "stance", True),
        ("labelstudio", "claim_type", True),
        ("brat", "claim_type", False),
        ("brat", "stance", False),
    ],
)
def test_round_trip(
    tmp_path: Path, source: Path, fmt: str, label_from: str, keeps_ids: bool
) -> None:
    out = tmp_path / (
        "export" if fmt == "brat" else f"export.{'json' if fmt == 'labelstudio' else 'jsonl'}"
    )
    code, _, err = run(
        source, "export", "--format", fmt, "--label-from", label_from, "-o", str(out)
    )
    assert code == 0, err
    target = tmp_path / "target.db"
    # The user-added actor travels by its id alone: --add-actors creates it here.
    args = ["import-annotations", "--format", fmt, "--add-actors", str(out)]
    code, stdout, err = run(target, *args)
    assert code == 0, err
    assert "0 lines rejected" in stdout
    assert passages(target) == passages(source)
    if keeps_ids:
        assert passage_ids(target) == passage_ids(source)
    # Importing the same file again changes nothing.
    before = db_digest(target)
    code, stdout, err = run(target, *args)
    assert code == 0, err
    assert "0 passages added, 0 updated" in stdout
    assert db_digest(target) == before


def test_round_trip_into_the_same_database_changes_nothing(tmp_path: Path, source: Path) -> None:
    # brat keeps no passage ids: spans at the place of this annotator's passages are them.
    out = tmp_path / "brat"
    assert run(source, "export", "--format", "brat", "-o", str(out))[0] == 0
    before = passages(source)
    code, stdout, err = run(source, "import-annotations", "--format", "brat", str(out))
    assert code == 0, err
    assert "0 passages added, 0 updated" in stdout
    assert passages(source) == before


def test_prodigy_round_trip_keeps_article_ids_and_status(tmp_path: Path, source: Path) -> None:
    out = tmp_path / "p.jsonl"
    assert run(source, "export", "--format", "prodigy", "-o", str(out))[0] == 0
    target = tmp_path / "t.db"
    assert (
        run(target, "import-annotations", "--format", "prodigy", "--add-actors", str(out))[0] == 0
    )
    with Store(source) as a, Store(target) as b:
        assert set(b.article_ids()) == {p.article_id for p in a.all_passages()}
        first = next(iter(b.article_ids()))
        assert b.get_article(first).title == a.get_article(first).title  # type: ignore[union-attr]
        assert b.status("e731f89812faa840", "sara") == "done"


def test_doccano_file_edited_in_doccano(tmp_path: Path, source: Path) -> None:
    """Hashiya's doccano lines as doccano exports them after editing: the metadata at the
    top with doccano's `id` and `Comments`, labels reordered, one changed, one added."""
    out = tmp_path / "d.jsonl"
    assert (
        run(source, "export", "--format", "doccano", "--label-from", "stance", "-o", str(out))[0]
        == 0
    )
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    edited = next(
        line for line in lines if line["annotator"] == "sara" and "الوزير" in line["text"]
    )
    minister = edited["text"].index("الوزير")
    labels = edited["label"][::-1]
    for triple in labels:
        if triple[:2] == [minister, minister + 6]:
            triple[2] = "supportive"  # was critical
    labels.append([0, 3, "mixed"])  # «قال»: a new span
    path = tmp_path / "sara.jsonl"
    path.write_text(
        json.dumps(
            {
                "id": 3,
                **{k: v for k, v in edited.items() if k != "label"},
                "label": labels,
                "Comments": [],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    code, stdout, err = run(
        source, "import-annotations", "--format", "doccano", "--prefer", "incoming", str(path)
    )
    assert code == 0, err
    assert "1 passages added, 1 updated" in stdout
    with Store(source) as store:
        changed = store.passage("sara-الوزير-1")
        assert changed is not None
        # The label changed; the other attributes came back from the metadata as they were.
        assert (changed.stance, changed.actor, changed.target) == (
            "supportive",
            "iraqi_government",
            "القرار",
        )
        added = [p for p in store.passages(changed.article_id, "sara") if p.start == 0]
        assert [(p.text, p.stance) for p in added] == [("قال", "mixed")]


# --------------------------------------------------------------------------- the tools' own files


def _ls_region(
    text: str, phrase: str, labels: list[str], rid: str, utf16: bool = False
) -> dict[str, Any]:
    start = text.index(phrase)
    end = start + len(phrase)
    if utf16:
        start = len(text[:start].encode("utf-16-le")) // 2
        end = len(text[:end].encode("utf-16-le")) // 2
    return {
        "value": {"start": start, "end": end, "text": phrase, "labels": labels},
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
    }


def test_labelstudio_json_export(tmp_path: Path) -> None:
    """Label Studio's JSON export: tasks with annotations[].result[], users by id."""
    text = make_article(TEXT).text
    tasks = [
        {
            "id": 7,
            "annotations": [
                {
                    "id": 11,
                    "completed_by": 3,
                    "result": [
                        _ls_region(text, "الوزير", ["Critical"], "r1"),
                        _ls_region(text, "Google", ["prediction"], "r2", utf16=True),
                        {"from_id": "r1", "to_id": "r2", "type": "relation", "direction": "right"},
                    ],
                    "was_cancelled": False,
                    "ground_truth": False,
                    "created_at": "2024-03-01T10:00:00.000000Z",
                    "updated_at": "2024-03-01T10:05:00.000000Z",
                    "lead_time": 12.5,
                    "task": 7,
                    "project": 1,
                },
                {"id": 12, "completed_by": 4, "result": [], "was_cancelled": True},
            ],
            "predictions": [],
            "data": {"text": text},
            "meta": {},
            "project": 1,
        }
    ]
    path = tmp_path / "project-1-at-2024.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=2), encoding="utf-8")
    db = tmp_path / "t.db"
    code, _, err = run(db, "import-annotations", "--format", "labelstudio", str(path))
    assert code == 0, err
    # The arrow between two contents has no label: the one type linking them (part_of).
    with Store(db) as store:
        assert [(r.type, r.annotator) for r in store.all_relations()] == [
            ("part_of", "labelstudio-user-3")
        ]
    rows = passages(db)
    start = text.index("Google")
    assert {(r[1], r[2], r[3], r[4], r[6], r[8]) for r in rows} == {
        (
            "labelstudio-user-3",
            text.index("الوزير"),
            text.index("الوزير") + 6,
            "الوزير",
            "critical",
            None,
        ),
        ("labelstudio-user-3", start, start + 6, "Google", None, "prediction"),
    }
    with Store(db) as store:
        assert store.article_ids() == [article_id(text)]


def test_labelstudio_annotators_kept_in_task_meta(tmp_path: Path) -> None:
    """Label Studio keeps the task's `meta` but credits imported annotations to whoever
    imported them: the annotator comes from `meta.hashiya.annotations`, matched by the
    region ids each lists, whatever order Label Studio gives the annotations."""
    text = make_article(TEXT).text
    a, b = text.index("الوزير"), text.index("Google")

    def region(rid: str, start: int, phrase: str, label: str) -> dict[str, Any]:
        value = {"start": start, "end": start + len(phrase), "text": phrase, "labels": [label]}
        return {
            "id": rid,
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": value,
        }

    stance = {
        "id": "r1",
        "from_name": "stance",
        "to_name": "text",
        "type": "choices",
        "value": {"start": a, "end": a + 6, "text": "الوزير", "choices": ["critical"]},
    }
    note = {
        "id": "r1",
        "from_name": "note",
        "to_name": "text",
        "type": "textarea",
        "value": {"start": a, "end": a + 6, "text": ["ملاحظة"]},
    }
    task = {
        "id": 1,
        "data": {"text": text, "article_id": "my-article", "title": "t", "source": "s"},
        "meta": {
            "hashiya": {
                "offsets": "codepoint",
                "annotations": [
                    {"annotator": "sara", "status": "done", "regions": ["r1"]},
                    {"annotator": "omar", "status": "in_progress", "regions": ["r2"]},
                ],
            }
        },
        "annotations": [
            {"id": 9, "completed_by": 1, "result": [region("r2", b, "Google", "prediction")]},
            {
                "id": 8,
                "completed_by": 1,
                "result": [region("r1", a, "الوزير", "warning"), stance, note],
            },
            {"id": 10, "completed_by": 2, "result": [region("new", 0, "قال", "opinion")]},
        ],
    }
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "t.db"
    code, _, err = run(db, "import-annotations", "--format", "labelstudio", str(path))
    assert code == 0, err
    assert {(r[1], r[2], r[6], r[8], r[9]) for r in passages(db)} == {
        ("sara", a, "critical", "warning", "ملاحظة"),
        ("omar", b, None, "prediction", None),
        ("labelstudio-user-2", 0, None, "opinion", None),
    }
    with Store(db) as store:
        assert store.article_ids() == ["my-article"]
        assert store.status("my-article", "sara") == "done"
        assert store.status("my-article", "omar") == "in_progress"


def test_labelstudio_json_min_export(tmp_path: Path) -> None:
    text = make_article(TEXT).text
    start = text.index("بغداد")
    path = tmp_path / "min.json"
    path.write_text(
        json.dumps(
            [
                {
                    "text": text,
                    "id": 7,
                    "label": [
                        {
                            "start": start,
                            "end": start + 5,
                            "text": "بغداد",
                            "labels": ["Iraqi government"],
                        }
                    ],
                    "annotator": "sara@example.org",
                    "annotation_id": 11,
                }
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    code, _, err = run(db, "import-annotations", "--format", "labelstudio", str(path))
    assert code == 0, err
    ((row),) = passages(db)
    assert row[1:6] == ("sara@example.org", start, start + 5, "بغداد", "iraqi_government")


def test_doccano_jsonl_exports(tmp_path: Path) -> None:
    """doccano 1.8: USER.jsonl with `label` triples; with relations on, `entities`."""
    text = make_article(TEXT).text
    a, b = text.index("الوزير"), text.index("والحكومة ترفض")
    plain = tmp_path / "admin.jsonl"
    plain.write_text(
        json.dumps(
            {
                "id": 1,
                "text": text,
                "label": [[a, a + 6, "Critical"], [b, b + 13, "neutral"]],
                "Comments": [],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    relation = tmp_path / "all.jsonl"
    relation.write_text(
        json.dumps(
            {
                "id": 1,
                "text": text,
                "entities": [{"id": 4, "label": "warning", "start_offset": a, "end_offset": a + 6}],
                "relations": [],
                "Comments": [],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    code, _, err = run(db, "import-annotations", "--format", "doccano", str(plain))
    assert code == 0, err
    code, _, err = run(
        db, "import-annotations", "--format", "doccano", "--annotator", "lina", str(relation)
    )
    assert code == 0, err
    assert {(r[1], r[2], r[3], r[6], r[8]) for r in passages(db)} == {
        ("admin", a, a + 6, "critical", None),
        ("admin", b, b + 13, "neutral", None),
        ("lina", a, a + 6, None, "warning"),
    }


def test_prodigy_db_out(tmp_path: Path) -> None:
    """`prodigy db-out`: tokens, spans with token indexes, rejected tasks left out."""
    text = make_article(TEXT).text
    a = text.index("Google")
    accepted = {
        "text": text,
        "_input_hash": 12345,
        "_task_hash": -678,
        "tokens": [{"text": "Google", "start": a, "end": a + 6, "id": 5, "ws": True}],
        "spans": [
            {"start": a, "end": a + 6, "token_start": 5, "token_end": 5, "label": "US government"}
        ],
        "_view_id": "ner_manual",
        "answer": "accept",
        "_timestamp": 1700000000,
        "_annotator_id": "news-ali",
        "_session_id": "news-ali",
    }
    rejected = {**accepted, "answer": "reject", "_annotator_id": "news-mona"}
    path = tmp_path / "db-out.jsonl"
    path.write_text(
        "\n".join(json.dumps(t, ensure_ascii=False) for t in (accepted, rejected)) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    code, _, err = run(
        db, "import-annotations", "--format", "prodigy", "--label-to", "actor", str(path)
    )
    assert code == 0, err
    assert {(r[1], r[2], r[5]) for r in passages(db)} == {("news-ali", a, "us_government")}


def test_brat_collection(tmp_path: Path) -> None:
    """brat standoff with the tool's own lines: entities, attributes, notes, relations."""
    text = make_article(TEXT).text + "\n"  # brat's .txt usually ends with a newline
    a, b = text.index("الوزير"), text.index("الاتفاق سيوقع")
    folder = tmp_path / "collection"
    folder.mkdir()
    (folder / "doc1.txt").write_text(text, encoding="utf-8")
    (folder / "doc1.ann").write_text(
        f"T1\tCritical {a} {a + 6}\tالوزير\n"
        f"T2\tprediction {b} {b + 7}\tالاتفاق\n"
        "A1\tActor T1 iraqi_government\n"
        "#1\tAnnotatorNotes T2\tقال المتحدث\n"
        "R1\tpart_of Arg1:T2 Arg2:T1\n"
        "E1\tAttack:T1 Target:T2\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    code, _, err = run(
        db, "import-annotations", "--format", "brat", "--annotator", "huda", str(folder)
    )
    assert code == 0, err
    assert "1 event not imported" in err
    with Store(db) as store:
        ((rel),) = list(store.all_relations())
        ends = store.passage(rel.from_id), store.passage(rel.to_id)
        assert rel.type == "part_of"
        assert [(e.start, e.annotator) for e in ends if e is not None] == [(b, "huda"), (a, "huda")]
    assert {(r[1], r[2], r[3], r[5], r[6], r[8], r[9]) for r in passages(db)} == {
        ("huda", a, a + 6, "iraqi_government", "critical", None, None),
        ("huda", b, b + 7, None, None, "prediction", "قال المتحدث"),
    }


def test_crlf_text_offsets_move_with_the_stored_text(tmp_path: Path) -> None:
    # A doccano text with CR LF: stored with LF, so every offset after it moves back.
    raw = "السطر الأول\r\nقال الوزير"
    start = raw.index("الوزير")
    path = tmp_path / "x.jsonl"
    path.write_text(
        json.dumps({"text": raw, "label": [[start, start + 6, "critical"]]}) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    assert run(db, "import-annotations", "--format", "doccano", str(path))[0] == 0
    ((row),) = passages(db)
    assert row[2:5] == (start - 1, start + 5, "الوزير")


# --------------------------------------------------------------------------- labels and bad input


def test_unknown_label_is_one_line_and_nothing_is_saved(tmp_path: Path) -> None:
    text = make_article(TEXT).text
    a = text.index("Google")
    path = tmp_path / "bad.jsonl"
    good = {"text": text, "label": [[a, a + 6, "critical"]]}
    bad = {"text": text, "label": [[a, a + 6, "critical"], [0, 3, "Alphabet Inc"]]}
    path.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in (good, bad)) + "\n", encoding="utf-8"
    )
    db = tmp_path / "t.db"
    Store(db).close()
    before = db_digest(db)
    code, _, err = run(db, "import-annotations", "--format", "doccano", str(path))
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0] == (
        f"{path}:2: label[1][2]: unknown label 'Alphabet Inc' (not a stance or claim_type or"
        " actor id or name; --add-actors adds it as an actor)"
    )
    assert lines[-1] == f"{path}: nothing imported (fix the lines above, or --skip-invalid)"
    assert db_digest(db) == before
    # --add-actors: the label becomes an actor.
    code, _, err = run(db, "import-annotations", "--format", "doccano", "--add-actors", str(path))
    assert code == 0, err
    with Store(db) as store:
        assert [(a.id, a.name_en) for a in store.user_actors()] == [
            ("alphabet-inc", "Alphabet Inc")
        ]
    assert {(r[2], r[5], r[6]) for r in passages(db)} == {
        (a, None, "critical"),
        (0, "alphabet-inc", None),
    }


@pytest.mark.parametrize(
    ("fmt", "name", "content", "message"),
    [
        (
            "doccano",
            "a.jsonl",
            '{"text": "نص", "label": [[0, 9, "critical"]]}\n',
            "a.jsonl:1: label[0]: offsets 0..9 do not fit the text (length 2)",
        ),
        (
            "doccano",
            "a.jsonl",
            '{"text": "نص", "label": [[0, "2", "critical"]]}\n',
            "a.jsonl:1: label[0][1]: expected an integer, got a string",
        ),
        ("doccano", "a.jsonl", '\n{"label": []}\n', "a.jsonl:2: text: missing field"),
        (
            "doccano",
            "a.jsonl",
            '{"text": "نص", "label": [[1, 1, "critical"]]}\n',
            "a.jsonl:1: label[0]: empty span (length 2)",
        ),
        (
            "prodigy",
            "p.jsonl",
            '{"text": "نص", "spans": [{"start": 0, "end": 2, "text": "xx", "label": "critical"}]}\n',
            "p.jsonl:1: spans[0]: text 'xx' differs from the text's 'نص' at 0..2",
        ),
        (
            "prodigy",
            "p.jsonl",
            '{"text": "نص", "spans": [{"start": 0, "end": 2}]\n',
            "p.jsonl:1: not valid JSON: Expecting ',' delimiter (column 49)",
        ),
        (
            "labelstudio",
            "l.json",
            '[\n{"data": {"text": "نص"}, "annotations": [{"result": [{"type": "labels", "value": {"start": 0, "end": 2, "labels": ["critical", "neutral"]}}]}]}\n]',
            "l.json:2: [0].annotations[0].result[0].value.labels: 2 labels on one span; each attribute here takes one value",
        ),
        (
            "labelstudio",
            "l.json",
            '{"tasks": 1',
            "l.json:1: not valid JSON: Expecting ',' delimiter (column 12)",
        ),
        ("doccano", "a.jsonl", '{"text": "نص", "label": [[0, 2, "warning"]]}\n', None),
    ],
)
def test_bad_input_is_one_line(
    tmp_path: Path, fmt: str, name: str, content: str, message: str | None
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    db = tmp_path / "t.db"
    Store(db).close()
    before = db_digest(db)
    code, _, err = run(db, "import-annotations", "--format", fmt, str(path))
    if message is None:  # the control case: the same shape, valid
        assert code == 0, err
        return
    assert code == 1
    assert err.splitlines()[0] == f"{tmp_path}/{message}"
    assert "Traceback" not in err
    assert db_digest(db) == before


def test_brat_bad_lines_name_the_ann_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "d.txt").write_text("قال الوزير إن الحكومة", encoding="utf-8")
    (folder / "d.ann").write_text(
        "T1\tcritical 4 10\tالوزير\nT2\tcritical 0 3;14 21\tقال الحكومة\n", encoding="utf-8"
    )
    db = tmp_path / "t.db"
    code, _, err = run(db, "import-annotations", "--format", "brat", str(folder))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{folder}/d.ann:2: T2: a discontinuous span with text between its fragments"
        " (a passage is one piece of text)"
    )


AMBIGUOUS_SCHEMA = """\
name: mini
version: "1"
actor:
  - id: isis
    name_ar: داعش
    name_en: ISIS
stance:
  - id: neutral
    label_ar: محايد
    label_en: Neutral
    description: No side.
    shortcut: n
    color: gray
claim_type:
  - id: neutral
    label_ar: محايد
    label_en: Neutral claim
    description: A claim that takes no side.
    shortcut: c
    color: gray
"""


def test_ambiguous_label_asks_for_label_to(tmp_path: Path) -> None:
    # "neutral" is a stance and a claim type: the label names two attributes' values.
    schema = tmp_path / "schema.yaml"
    schema.write_text(AMBIGUOUS_SCHEMA, encoding="utf-8")
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "نص ما", "label": [[0, 2, "neutral"]]}\n', encoding="utf-8")
    db = tmp_path / "t.db"
    code, _, err = run(
        db, "--schema", str(schema), "import-annotations", "--format", "doccano", str(path)
    )
    assert code == 1
    assert err.splitlines()[0] == (
        f"{path}:1: label[0][2]: label 'neutral' is a value of claim_type and stance (--label-to says which)"
    )
    code, _, err = run(
        db,
        "--schema",
        str(schema),
        "import-annotations",
        "--format",
        "doccano",
        "--label-to",
        "stance",
        str(path),
    )
    assert code == 0, err
    assert {(r[6], r[8]) for r in passages(db)} == {("neutral", None)}


def test_skip_invalid_imports_the_good_records(tmp_path: Path) -> None:
    text = make_article(TEXT).text
    a = text.index("Google")
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        json.dumps({"text": text, "label": [[a, a + 6, "prediction"]]}, ensure_ascii=False)
        + "\nnot json\n"
        + json.dumps({"text": text, "label": [[a, a + 6, "nothing-like-it"]]})
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    code, stdout, err = run(
        db, "import-annotations", "--format", "doccano", "--skip-invalid", str(path)
    )
    assert code == 1  # lines were rejected
    assert [line.split(": ")[0] for line in err.splitlines()] == [f"{path}:2", f"{path}:3"]
    assert "1 passages added" in stdout and "2 lines rejected" in stdout
    assert {(r[2], r[8]) for r in passages(db)} == {(a, "prediction")}


def test_standard_input(tmp_path: Path) -> None:
    line = json.dumps({"text": "قال الوزير", "label": [[4, 10, "critical"]]}, ensure_ascii=False)
    db = tmp_path / "t.db"
    code, _, err = run(
        db,
        "import-annotations",
        "--format",
        "doccano",
        "--annotator",
        "rana",
        "-",
        input=(line + "\n").encode(),
    )
    assert code == 0, err
    assert {(r[1], r[4], r[6]) for r in passages(db)} == {("rana", "الوزير", "critical")}
    code, _, err = run(db, "import-annotations", "--format", "brat", "-", input=b"")
    assert (code, err.strip()) == (1, "-: brat needs a folder or a .ann file, not stdin")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 60) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    [
        "text",
        "label",
        "labels",
        "entities",
        "spans",
        "annotations",
        "result",
        "value",
        "data",
        "start",
        "end",
        "start_offset",
        "end_offset",
        "meta",
        "annotator",
        "answer",
        "id",
    ]
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(["doccano", "prodigy", "labelstudio"]),
    records=st.lists(st.dictionaries(FIELDS, JSON_VALUES, max_size=6), max_size=3),
    text=st.text(alphabet="قال الوزير😀\r\n\u0301Ab", max_size=20),
    raw=st.binary(max_size=30),
)
def test_fuzzed_files_are_one_line_errors(
    fmt: str, records: list[dict[str, Any]], text: str, raw: bytes
) -> None:
    """Whatever a file holds: no traceback, exit 0 or 1, every message names the file,
    and what is saved quotes its article."""
    folder = Path(tempfile.mkdtemp(prefix="hashiya-interop-fuzz-"))
    try:
        for record in records:
            record.setdefault("text", text)
        if fmt == "labelstudio":
            content = json.dumps(
                [{"data": {"text": text}, "annotations": [{"result": [r]}]} for r in records]
                + records
            )
        else:
            content = "\n".join(json.dumps(r) for r in records)
        path = folder / f"in.{'json' if fmt == 'labelstudio' else 'jsonl'}"
        path.write_bytes(content.encode("utf-8", "surrogatepass") + b"\n" + raw)
        db = folder / "t.db"
        code, _, err = run(db, "import-annotations", "--format", fmt, "--add-actors", str(path))
        assert code in (0, 1)
        for line in err.splitlines():
            assert line.startswith(str(path)), line
        passages(db)  # every passage quotes its article
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_decomposed_hamza_offsets_move_and_a_cut_inside_it_is_refused(tmp_path: Path) -> None:
    # «ا» + U+0654 (hamza above) is stored as «أ» (NFC): one code point fewer before the span.
    raw = "قال ا\u0654حمد إن الوزير"
    start = raw.index("الوزير")
    path = tmp_path / "nfc.jsonl"
    path.write_text(
        json.dumps({"text": raw, "label": [[start, start + 6, "critical"]]})
        + "\n"
        + json.dumps({"text": raw, "label": [[0, 5, "critical"]]})
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    code, _, err = run(db, "import-annotations", "--format", "doccano", str(path))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{path}:2: label[0]: offsets 0..5 cut a character sequence the stored text joins"
        " (CR LF, or a letter and its mark)"
    )
    code, _, err = run(db, "import-annotations", "--format", "doccano", "--skip-invalid", str(path))
    ((row),) = passages(db)
    assert row[2:5] == (start - 1, start + 5, "الوزير")


def test_doccano_utf16_offsets(tmp_path: Path) -> None:
    # An emoji before the span: UTF-16 counts it twice; --offsets utf16 says so.
    text = "😀 قال الوزير"
    start = text.index("الوزير")
    units = len(text[:start].encode("utf-16-le")) // 2
    path = tmp_path / "old.jsonl"
    path.write_text(
        json.dumps({"text": text, "label": [[units, units + 6, "critical"]]}) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    code, _, err = run(
        db, "import-annotations", "--format", "doccano", "--offsets", "utf16", str(path)
    )
    assert code == 0, err
    ((row),) = passages(db)
    assert row[2:5] == (start, start + 6, "الوزير")


def test_brat_file_level_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    db = tmp_path / "t.db"
    code, _, err = run(db, "import-annotations", "--format", "brat", str(empty))
    assert (code, err.splitlines()[0]) == (1, f"{empty}: no .ann files")
    (empty / "lonely.ann").write_text("T1\tcritical 0 3\tقال\n", encoding="utf-8")
    code, _, err = run(db, "import-annotations", "--format", "brat", str(empty))
    assert err.splitlines()[0] == (
        f"{empty}/lonely.ann: no lonely.txt beside it (brat pairs DOC.ann with DOC.txt)"
    )
    code, _, err = run(db, "import-annotations", "--format", "doccano", str(empty))
    assert (code, err.strip()) == (1, f"{empty}: a folder (only --format brat reads folders)")
