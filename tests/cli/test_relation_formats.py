"""Relations and kinds through the other tools' formats: `hashiya export --format
prodigy|doccano|labelstudio|brat` and back with `import-annotations`, and `--format
attribution`.

Round trips: a database with attribution frames (content, source, cue, a content in two
pieces) by two annotators, exported in each format and imported into an empty database,
gives the same relations between the same passages (offsets, kinds) with the same labels;
importing the file again adds nothing. Bad relations (an end not in the document, an
unknown type, kinds the type does not link) are one line naming file, line and field,
and nothing of the file is saved.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.articles import make_article
from annotations.models import Passage, Relation
from annotations.store import Store
from tui.cli import cli

TEXT = (
    "قال المتحدث باسم الحكومة إن القوات اعتقلت 12 عنصراً في بغداد، وأضاف أن «العملية مستمرة».\n"
    "ونفى مصدر أمني 😀 ذلك."
)
STAMP = "2026-01-02T03:04:05.000000Z"
ARTICLE = make_article(TEXT)


def run(db: Path, *args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def passage(pid: str, phrase: str, who: str, kind: str = "", **labels: Any) -> Passage:
    start = TEXT.index(phrase)
    return Passage(
        pid,
        ARTICLE.id,
        start,
        start + len(phrase),
        phrase,
        who,
        labels,
        schema_name="news",
        schema_version="1.0",
        created_at=STAMP,
        updated_at=STAMP,
        kind=kind,
    )


def relation(rid: str, rtype: str, source: str, target: str, who: str, **labels: Any) -> Relation:
    return Relation(
        id=rid,
        article_id=ARTICLE.id,
        annotator=who,
        type=rtype,
        from_id=source,
        to_id=target,
        labels=labels,
        schema_name="news",
        schema_version="1.0",
        created_at=STAMP,
        updated_at=STAMP,
    )


PASSAGES = (
    passage("s-cue", "قال", "salma", "cue"),
    passage("s-src", "المتحدث باسم الحكومة", "salma", "source", actor="iraqi_government"),
    passage(
        "s-c1",
        "القوات اعتقلت 12 عنصراً في بغداد",
        "salma",
        stance="neutral",
        claim_type="official_statement",
    ),
    passage("s-c2", "«العملية مستمرة»", "salma", claim_type="official_statement"),
    passage("o-cue", "نفى", "omar", "cue"),
    passage("o-src", "مصدر أمني", "omar", "source", actor="anonymous_security_source"),
    passage("o-c1", "ذلك", "omar", claim_type="denial"),
)
RELATIONS = (
    relation("r1", "said_by", "s-c1", "s-src", "salma", quote="indirect", polarity="affirmed"),
    relation("r2", "cue", "s-c1", "s-cue", "salma"),
    relation("r3", "part_of", "s-c2", "s-c1", "salma"),
    relation("r4", "said_by", "o-c1", "o-src", "omar", polarity="denied"),
    relation("r5", "cue", "o-c1", "o-cue", "omar"),
)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    db = tmp_path / "source.db"
    store = Store(db)
    try:
        store.add_articles([ARTICLE])
        for p in PASSAGES:
            store.add_passage(p)
        for r in RELATIONS:
            store.add_relation(r, by=r.annotator)
    finally:
        store.close()
    return db


def relations_of(db: Path) -> set[tuple[Any, ...]]:
    """Each relation by what a user sees: annotator, type, both ends (offsets, kind), labels."""
    with Store(db) as store:
        by_id = {p.id: p for p in store.all_passages()}
        found = set()
        for r in store.all_relations():
            ends = [by_id[r.from_id], by_id[r.to_id]]
            found.add(
                (
                    r.annotator,
                    r.type,
                    *((e.start, e.end, e.kind) for e in ends),
                    tuple(sorted(r.labels.items())),
                )
            )
        return found


def kinds_of(db: Path) -> set[tuple[str, int, int, str]]:
    with Store(db) as store:
        return {(p.annotator, p.start, p.end, p.kind) for p in store.all_passages()}


def relation_ids(db: Path) -> set[str]:
    with Store(db) as store:
        return {r.id for r in store.all_relations()}


def out_path(tmp_path: Path, fmt: str) -> Path:
    return tmp_path / {"brat": "brat", "labelstudio": "tasks.json"}.get(fmt, f"{fmt}.jsonl")


@pytest.mark.parametrize(
    ("fmt", "label_from", "keeps_ids"),
    [
        ("prodigy", "claim_type", True),
        ("doccano", "claim_type", True),
        ("labelstudio", "claim_type", True),
        ("labelstudio", "actor", True),
        ("brat", "claim_type", False),
        ("brat", "actor", False),
    ],
)
def test_relations_round_trip(
    tmp_path: Path, source: Path, fmt: str, label_from: str, keeps_ids: bool
) -> None:
    out = out_path(tmp_path, fmt)
    code, _, err = run(
        source, "export", "--format", fmt, "--label-from", label_from, "-o", str(out)
    )
    assert code == 0, err
    target = tmp_path / "target.db"
    code, stdout, err = run(target, "import-annotations", "--format", fmt, str(out))
    assert code == 0, err
    assert "0 lines rejected" in stdout
    assert kinds_of(target) == kinds_of(source)
    assert relations_of(target) == relations_of(source)
    assert len(relations_of(target)) == len(RELATIONS)
    if keeps_ids:
        assert relation_ids(target) == relation_ids(source)
    # The same file again adds nothing.
    before = relations_of(target), relation_ids(target)
    code, stdout, err = run(target, "import-annotations", "--format", fmt, str(out))
    assert code == 0, err
    assert (relations_of(target), relation_ids(target)) == before
    # And into the database it came from: the relations are found again, none added.
    code, stdout, err = run(source, "import-annotations", "--format", fmt, str(out))
    assert code == 0, err
    assert relation_ids(source) == {r.id for r in RELATIONS}


def test_attribution_export(tmp_path: Path, source: Path) -> None:
    out = tmp_path / "frames.jsonl"
    code, _, err = run(source, "export", "--format", "attribution", "-o", str(out))
    assert code == 0, err
    frames = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(f["annotator"], f["id"]) for f in frames] == [("omar", "o-c1"), ("salma", "s-c1")]
    omar, salma = frames
    piece = {p.id: {"start": p.start, "end": p.end, "text": p.text, "id": p.id} for p in PASSAGES}
    assert salma["contents"] == [piece["s-c1"], piece["s-c2"]]  # text order
    assert salma["sources"] == [piece["s-src"]]
    assert salma["cue"] == [piece["s-cue"]]
    for f in frames:
        for part in (*f["contents"], *f["sources"], *f["cue"]):
            assert TEXT[part["start"] : part["end"]] == part["text"]
    assert salma["labels"] == {"stance": "neutral", "claim_type": "official_statement"}
    said_by = [r for r in salma["relations"] if r["type"] == "said_by"]
    assert said_by == [
        {
            "type": "said_by",
            "from": "s-c1",
            "to": "s-src",
            "labels": {"quote": "indirect", "polarity": "affirmed"},
        }
    ]
    assert salma["actor"]["id"] == "iraqi_government"
    assert salma["actor"]["name_ar"] == "الحكومة العراقية"
    assert omar["actor"]["id"] == "anonymous_security_source"
    assert omar["sources"][0]["text"] == "مصدر أمني"
    # To stdout too (a JSON Lines format).
    code, stdout, _ = run(source, "export", "--format", "attribution", "--annotator", "omar")
    assert code == 0
    assert [json.loads(line)["id"] for line in stdout.splitlines()] == ["o-c1"]


# --------------------------------------------------------------------------- bad relations


def brat_folder(tmp_path: Path, ann: str) -> Path:
    folder = tmp_path / "in" / "huda"
    folder.mkdir(parents=True)
    (folder / "doc.txt").write_text(TEXT, encoding="utf-8")
    (folder / "doc.ann").write_text(ann, encoding="utf-8")
    return folder.parent


def brat_entity(tid: str, phrase: str, label: str) -> str:
    start = TEXT.index(phrase)
    return f"{tid}\t{label} {start} {start + len(phrase)}\t{phrase}\n"


def saved_nothing(db: Path) -> bool:
    if not db.exists():
        return True
    with Store(db) as store:
        return not list(store.all_passages()) and not list(store.all_relations())


def test_brat_relation_to_an_entity_the_document_lacks(tmp_path: Path) -> None:
    ann = (
        brat_entity("T1", "القوات اعتقلت 12 عنصراً في بغداد", "official_statement")
        + brat_entity("T2", "المتحدث باسم الحكومة", "source")
        + "R1\tsaid_by Arg1:T1 Arg2:T2\n"
        + "R2\tsaid_by Arg1:T1 Arg2:T9\n"
    )
    folder = brat_folder(tmp_path, ann)
    db = tmp_path / "t.db"
    code, _, err = run(db, "import-annotations", "--format", "brat", str(folder))
    assert code == 1
    ann_file = folder / "huda" / "doc.ann"
    assert err.splitlines() == [
        f"{ann_file}:4: R2.Arg2: no entity 'T9' in this document",
        f"{folder}: nothing imported (fix the lines above, or --skip-invalid)",
    ]
    assert saved_nothing(db)


def test_brat_relation_between_the_wrong_kinds_and_of_an_unknown_type(tmp_path: Path) -> None:
    base = brat_entity("T1", "القوات اعتقلت 12 عنصراً في بغداد", "official_statement")
    base += brat_entity("T2", "المتحدث باسم الحكومة", "source")
    ann_file = tmp_path / "in" / "huda" / "doc.ann"
    for line, reason in (
        ("R1\tsaid_by Arg1:T2 Arg2:T1\n", "R1: said_by links a content to a source, not a source to a content"),
        ("R1\tspoke Arg1:T1 Arg2:T2\n", "R1: unknown relation type 'spoke' (expected one of: said_by, cue, part_of)"),
        ("R1\tsaid_by Arg1:T1 Arg2:T2\nA1\tQuote R1 loud\n", "R1.quote: unknown quote 'loud' (expected one of: direct, indirect, mixed)"),
    ):  # fmt: skip
        folder = brat_folder(tmp_path, base + line)
        db = tmp_path / "t.db"
        code, _, err = run(db, "import-annotations", "--format", "brat", str(folder))
        assert code == 1
        assert err.splitlines()[0] == f"{ann_file}:3: {reason}"
        assert saved_nothing(db)
        db.unlink(missing_ok=True)
        for f in folder.rglob("*"):
            if f.is_file():
                f.unlink()
        (folder / "huda").rmdir()
        folder.rmdir()


def test_doccano_relation_to_a_missing_entity(tmp_path: Path) -> None:
    start = TEXT.index("القوات")
    line = {
        "text": TEXT,
        "entities": [{"id": 1, "start_offset": start, "end_offset": start + 6, "label": "denial"}],
        "relations": [{"id": 0, "from_id": 1, "to_id": 7, "type": "said_by"}],
    }
    path = tmp_path / "huda.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    db = tmp_path / "t.db"
    code, _, err = run(db, "import-annotations", "--format", "doccano", str(path))
    assert code == 1
    assert err.splitlines()[0] == f"{path}:1: relations[0].to_id: no entity 7 on this line"
    assert saved_nothing(db)


def test_label_studio_relation_to_a_region_of_another_annotation(tmp_path: Path) -> None:
    start = TEXT.index("القوات")
    region = {
        "id": "a",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": start + 6, "text": "القوات", "labels": ["denial"]},
    }
    other = {**region, "id": "b"}
    link = {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right", "labels": []}
    task = {
        "data": {"text": TEXT},
        "annotations": [
            {"completed_by": {"email": "huda@example.org"}, "result": [region, link]},
            {"completed_by": {"email": "omar@example.org"}, "result": [other]},
        ],
    }
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "t.db"
    code, _, err = run(db, "import-annotations", "--format", "labelstudio", str(path))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{path}:1: [0].annotations[0].result[1].to_id: no labelled region 'b' in this annotation"
    )
    assert saved_nothing(db)


def test_prodigy_relation_to_no_span(tmp_path: Path) -> None:
    start = TEXT.index("القوات")
    task = {
        "text": TEXT,
        "spans": [
            {"start": start, "end": start + 6, "label": "denial", "token_start": 5, "token_end": 5}
        ],
        "relations": [
            {
                "head": 5,
                "child": 9,
                "head_span": {"start": start, "end": start + 6, "label": "denial"},
                "child_span": {"start": 40, "end": 52, "label": "source"},
                "label": "said_by",
            }
        ],
        "answer": "accept",
        "_annotator_id": "news-huda",
    }
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(task, ensure_ascii=False) + "\n", encoding="utf-8")
    db = tmp_path / "t.db"
    code, _, err = run(db, "import-annotations", "--format", "prodigy", str(path))
    assert code == 1
    assert (
        err.splitlines()[0] == f"{path}:1: relations[0].child_span: no span at 40..52 in this task"
    )
    assert saved_nothing(db)


def test_an_unlabelled_label_studio_arrow_takes_the_type_its_kinds_allow(tmp_path: Path) -> None:
    """Label Studio's relations often carry no label: the one type the schema allows
    between the ends' kinds (a content to a source: said_by) is taken."""

    def region(rid: str, phrase: str, label: str) -> dict[str, Any]:
        start = TEXT.index(phrase)
        value = {"start": start, "end": start + len(phrase), "text": phrase, "labels": [label]}
        return {
            "id": rid,
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": value,
        }

    result = [
        region("c", "القوات اعتقلت 12 عنصراً في بغداد", "official_statement"),
        region("s", "المتحدث باسم الحكومة", "Source"),  # the kind's English name
        region("v", "قال", "فعل الإسناد"),  # the kind's Arabic name
        {"from_id": "c", "to_id": "s", "type": "relation", "direction": "right"},
        {"from_id": "v", "to_id": "c", "type": "relation", "direction": "left", "labels": ["cue"]},
    ]
    task = {"data": {"text": TEXT}, "annotations": [{"completed_by": 3, "result": result}]}
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "t.db"
    code, _, err = run(db, "import-annotations", "--format", "labelstudio", str(path))
    assert code == 0, err
    found = relations_of(db)
    content, source = "القوات اعتقلت 12 عنصراً في بغداد", "المتحدث باسم الحكومة"
    c1, src = TEXT.index(content), TEXT.index(source)
    content_end = (c1, c1 + len(content), "")
    assert found == {
        ("labelstudio-user-3", "said_by", content_end, (src, src + len(source), "source"), ()),
        ("labelstudio-user-3", "cue", content_end, (0, 3, "cue"), ()),
    }


def test_prodigy_rel_manual_task_by_token_indices(tmp_path: Path) -> None:
    """A task as Prodigy's rel.manual saves it, without Hashiya's keys: spans with their
    token ranges, arcs between the spans' last tokens (no head_span/child_span)."""
    words = TEXT.split(" ")
    tokens, position = [], 0
    for number, word in enumerate(words):
        start = TEXT.index(word, position)
        position = start + len(word)
        tokens.append({"text": word, "start": start, "end": position, "id": number, "ws": True})

    def prodigy_span(first: int, last: int, label: str) -> dict[str, Any]:
        start, end = tokens[first]["start"], tokens[last]["end"]
        return {"start": start, "end": end, "token_start": first, "token_end": last, "label": label}

    # «المتحدث باسم الحكومة» (tokens 1-3), «القوات ... بغداد،» (5-10), «قال» (0)
    task = {
        "text": TEXT,
        "tokens": tokens,
        "spans": [prodigy_span(1, 3, "SOURCE"), prodigy_span(5, 9, "official_statement"), prodigy_span(0, 0, "CUE")],
        "relations": [
            {"head": 9, "child": 3, "label": "SAID_BY"},
            {"head": 9, "child": 0, "label": "cue"},
        ],
        "answer": "accept",
        "_annotator_id": "attribution-huda",
        "_view_id": "relations",
    }  # fmt: skip
    path = tmp_path / "rel.jsonl"
    path.write_text(json.dumps(task, ensure_ascii=False) + "\n", encoding="utf-8")
    db = tmp_path / "t.db"
    code, _, err = run(db, "import-annotations", "--format", "prodigy", str(path))
    assert code == 0, err
    content = (tokens[5]["start"], tokens[9]["end"], "")
    assert relations_of(db) == {
        ("attribution-huda", "said_by", content, (tokens[1]["start"], tokens[3]["end"], "source"), ()),
        ("attribution-huda", "cue", content, (0, 3, "cue"), ()),
    }  # fmt: skip


def test_doccano_label_column_edited_keeps_the_relations(tmp_path: Path, source: Path) -> None:
    """A Hashiya doccano line edited in a sequence-labelling project: its `label` column
    changed (doccano keeps `entities`, `relations` and `links` as they were, as
    metadata). The labels come from `label`, the relations from `links`."""
    out = tmp_path / "d.jsonl"
    assert run(source, "export", "--format", "doccano", "-o", str(out))[0] == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    (salma,) = [line for line in lines if line["annotator"] == "salma"]
    c1 = TEXT.index("القوات")
    for triple in salma["label"]:
        if triple[0] == c1:
            triple[2] = "statistic"  # was official_statement
    path = tmp_path / "salma.jsonl"
    path.write_text(json.dumps({"id": 9, **salma}, ensure_ascii=False) + "\n", encoding="utf-8")
    target = tmp_path / "t.db"
    code, _, err = run(target, "import-annotations", "--format", "doccano", str(path))
    assert code == 0, err
    with Store(target) as store:
        changed = store.passage("s-c1")
        assert changed is not None and changed.labels["claim_type"] == "statistic"
    assert relation_ids(target) == {"r1", "r2", "r3"}
    assert relations_of(target) == {r for r in relations_of(source) if r[0] == "salma"}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 12) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _fuzzed_line(fmt: str, relation: dict[str, Any]) -> Any:
    start = TEXT.index("القوات")
    source = TEXT.index("المتحدث")
    if fmt == "doccano":
        return {
            "text": TEXT,
            "entities": [
                {"id": 1, "start_offset": start, "end_offset": start + 6, "label": "denial"},
                {"id": 2, "start_offset": source, "end_offset": source + 7, "label": "source"},
            ],
            "relations": [relation],
        }
    if fmt == "prodigy":
        return {
            "text": TEXT,
            "spans": [
                {"start": start, "end": start + 6, "label": "denial", "token_end": 5},
                {"start": source, "end": source + 7, "label": "source", "token_end": 1},
            ],
            "relations": [relation],
            "_annotator_id": "x-huda",
        }

    def region(rid: str, at: int, length: int, label: str) -> dict[str, Any]:
        value = {"start": at, "end": at + length, "text": TEXT[at : at + length], "labels": [label]}
        return {
            "id": rid,
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": value,
        }

    result = [region("a", start, 6, "denial"), region("b", source, 7, "source"), relation]
    return [{"data": {"text": TEXT}, "annotations": [{"completed_by": 1, "result": result}]}]


RELATION_KEYS = {
    "doccano": ("id", "from_id", "to_id", "type"),
    "prodigy": ("head", "child", "head_span", "child_span", "label", "id", "labels"),
    "labelstudio": ("from_id", "to_id", "type", "direction", "labels"),
}
GOOD = {
    "doccano": {"id": 0, "from_id": 1, "to_id": 2, "type": "said_by"},
    "prodigy": {"head": 5, "child": 1, "label": "said_by"},
    "labelstudio": {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right"},
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), fmt=st.sampled_from(sorted(GOOD)))
def test_fuzzed_relations_are_one_line_each_or_saved_whole(data: st.DataObject, fmt: str) -> None:
    """Any value in any field of a relation: exit 0 or 1, never a traceback, every
    message one line naming the file; when accepted, the relation's ends are passages."""
    relation = dict(GOOD[fmt])
    for key in data.draw(st.sets(st.sampled_from(RELATION_KEYS[fmt]), max_size=3)):
        relation[key] = data.draw(JSON_VALUES)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("tasks.json" if fmt == "labelstudio" else "huda.jsonl")
        line = _fuzzed_line(fmt, relation)
        path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
        db = Path(folder) / "t.db"
        code, _, err = run(db, "import-annotations", "--format", fmt, str(path))
        assert code in (0, 1), err
        for message in err.splitlines():
            assert message.startswith(str(path)), message
        if code == 0:
            with Store(db) as store:
                ids = {p.id for p in store.all_passages()}
                for r in store.all_relations():
                    assert {r.from_id, r.to_id} <= ids
