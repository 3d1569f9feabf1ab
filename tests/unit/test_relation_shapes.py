"""Relations in the other tools' formats, checked by those formats' own rules.

brat: the .ann and annotation.conf parsed back by the standoff rules of brat's
documentation (a parser written here, not Hashiya's reader): every `R` line joins two
entities of the document, its type is declared under [relations] with Arg1/Arg2 types
that admit the two entities' types, every attribute on a relation is declared for that
relation type with the value used. doccano and Label Studio: the lines and tasks checked
against JSON Schemas written from their documented formats (doccano's relation import
example, Label Studio's result format and the checks its SDK makes). Prodigy: `head` and
`child` are the last token of each end, as rel.manual saves them.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest

from annotations.export import to_brat, to_doccano, to_labelstudio, to_prodigy
from annotations.export.formats import (
    attribute_kinds,
    brat_annotation_conf,
    labelstudio_attributes,
    labelstudio_config,
    labelstudio_kind_labels,
    labelstudio_relations,
)
from annotations.schema import default_schema

TEXT = "قال المتحدث باسم الحكومة إن القوات اعتقلت 12 عنصراً 😀 في بغداد، وأضاف أن «العملية\nمستمرة»."
SCHEMA = default_schema()
KINDS = attribute_kinds(SCHEMA)


def span(sid: str, phrase: str, kind: str = "", **labels: Any) -> dict[str, Any]:
    start = TEXT.index(phrase)
    out: dict[str, Any] = {"id": sid, "start": start, "end": start + len(phrase), "text": phrase}
    if kind:
        out["kind"] = kind
    out["labels"] = labels
    out["created_at"] = out["updated_at"] = "2026-01-02T03:04:05Z"
    return out


RECORD: dict[str, Any] = {
    "format": "hashiya/2",
    "article_id": "a1",
    "title": "",
    "source": "",
    "published": None,
    "origin": None,
    "metadata": {},
    "text": TEXT,
    "annotator": "salma",
    "status": "done",
    "schema": {"name": "news", "version": "1.0"},
    "document_labels": {},
    "actors": [
        {"id": "iraqi_government", "name_ar": "الحكومة العراقية", "name_en": "Iraqi government", "aliases": []}
    ],
    "spans": sorted(
        [
            span("cue", "قال", "cue"),
            span("src", "المتحدث باسم الحكومة", "source", actor="iraqi_government"),
            span("c1", "القوات اعتقلت 12 عنصراً 😀 في بغداد", stance="neutral", claim_type="statistic"),
            span("c2", "«العملية\nمستمرة»", claim_type="official_statement"),
        ],
        key=lambda s: (s["start"], s["end"], s["id"]),
    ),
    "relations": [
        {"id": "r1", "type": "said_by", "from": "c1", "to": "src",
         "labels": {"quote": "indirect", "polarity": "affirmed"}},
        {"id": "r2", "type": "cue", "from": "c1", "to": "cue", "labels": {}},
        {"id": "r3", "type": "part_of", "from": "c2", "to": "c1", "labels": {}},
    ],
    "exported_at": "2026-01-02T03:04:05Z",
}  # fmt: skip


# --------------------------------------------------------------------------- brat


def parse_standoff(ann: str) -> dict[str, dict[str, Any]]:
    """A brat .ann by the standoff rules: `T` ID TAB TYPE START END[;START END]* TAB TEXT;
    `R` ID TAB TYPE ROLE:ID ROLE:ID; `A` ID TAB NAME TARGET [VALUE]; `#` ID TAB
    AnnotatorNotes TARGET TAB TEXT. Ids are unique in the document."""
    found: dict[str, dict[str, Any]] = {}
    for line in ann.split("\n")[:-1]:
        columns = line.split("\t")
        ann_id = columns[0]
        assert ann_id not in found, f"duplicate id {ann_id}"
        if ann_id[0] == "T":
            assert len(columns) == 3
            head, offsets = columns[1].split(" ", 1)
            fragments = [tuple(map(int, piece.split(" "))) for piece in offsets.split(";")]
            found[ann_id] = {"type": head, "fragments": fragments, "text": columns[2]}
        elif ann_id[0] == "R":
            assert len(columns) == 2
            rtype, arg1, arg2 = columns[1].split(" ")
            roles = dict(arg.split(":") for arg in (arg1, arg2))
            assert set(roles) == {"Arg1", "Arg2"}
            found[ann_id] = {"type": rtype, **roles}
        elif ann_id[0] == "A":
            parts = columns[1].split(" ")
            assert len(parts) in (2, 3)
            found[ann_id] = {"name": parts[0], "target": parts[1], "value": parts[2:] or [None]}
        elif ann_id[0] == "#":
            kind, target = columns[1].split(" ")
            assert kind == "AnnotatorNotes" and len(columns) == 3
            found[ann_id] = {"target": target, "note": columns[2]}
        else:
            raise AssertionError(f"unexpected line {line!r}")
    return found


def parse_conf(conf: str) -> dict[str, dict[str, list[str]]]:
    """annotation.conf: section -> type -> its argument specs (`Arg1:A|B`, `Value:x|y`)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = ""
    for line in conf.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        heading = re.fullmatch(r"\[(\w+)\]", line)
        if heading:
            current = heading.group(1)
            sections[current] = {}
            continue
        name, _, args = line.partition("\t")
        sections[current][name] = [a.strip() for a in args.split(",") if a.strip()]
    return sections


def arg_types(args: list[str], role: str) -> set[str]:
    (spec,) = [a for a in args if a.startswith(role + ":")]
    return set(spec.split(":", 1)[1].split("|"))


@pytest.mark.parametrize("label_from", ["claim_type", "actor", "stance"])
def test_brat_relations_follow_the_standoff_rules(label_from: str) -> None:
    document = to_brat(RECORD, label_from, kinds=KINDS, schema=SCHEMA)
    vocabulary = {"claim_type": [v.id for v in SCHEMA.values("claim_type")]}
    conf = parse_conf(
        brat_annotation_conf(
            [RECORD], label_from, vocabulary=vocabulary, kinds=KINDS, schema=SCHEMA
        )
    )
    found = parse_standoff(document.ann)
    entities = {k: v for k, v in found.items() if k.startswith("T")}
    relations = {k: v for k, v in found.items() if k.startswith("R")}
    assert len(relations) == 3 and document.skipped_relations == ()
    for entity in entities.values():
        assert entity["type"] in conf["entities"], entity
        assert entity["text"] == " ".join(document.txt[s:e] for s, e in entity["fragments"])
    by_text = {e["text"].replace(" ", ""): k for k, e in entities.items()}
    for rel in relations.values():
        declared = conf["relations"][rel["type"]]
        assert entities[rel["Arg1"]]["type"] in arg_types(declared, "Arg1")
        assert entities[rel["Arg2"]]["type"] in arg_types(declared, "Arg2")
    said_by = next(k for k, r in relations.items() if r["type"] == "said_by")
    assert relations[said_by]["Arg2"] == by_text["المتحدثباسمالحكومة"]
    on_said_by = {a["name"]: a["value"][0] for a in found.values() if a.get("target") == said_by}
    assert on_said_by == {"Quote": "indirect", "Polarity": "affirmed"}
    for attribute in (a for a in found.values() if "name" in a):
        target = found[attribute["target"]]
        declared = conf["attributes"][attribute["name"]]
        allowed = arg_types(declared, "Arg")
        assert target["type"] in allowed or (
            "<ENTITY>" in allowed and attribute["target"][0] == "T"
        )
        if attribute["value"][0] is not None:
            assert attribute["value"][0] in arg_types(declared, "Value")
    # The kinds: a source and a cue are labelled by kind unless the label is theirs too.
    kinds = {e["text"]: e["type"] for e in entities.values()}
    assert kinds["قال"] == "cue"
    if label_from == "actor":
        assert kinds["المتحدث باسم الحكومة"] == "iraqi_government"
        (kind_line,) = [a for a in found.values() if a.get("name") == "Kind"]
        assert kind_line["value"] == ["source"]
    else:
        assert kinds["المتحدث باسم الحكومة"] == "source"
        assert not [a for a in found.values() if a.get("name") == "Kind"]


def test_brat_relation_with_a_skipped_end_is_left_out() -> None:
    record = {
        **RECORD,
        "spans": [*RECORD["spans"], {**span("nl", "\n"), "id": "nl"}],
        "relations": [{"id": "rx", "type": "part_of", "from": "nl", "to": "c1", "labels": {}}],
    }
    document = to_brat(record, "claim_type", kinds=KINDS, schema=SCHEMA)
    assert document.skipped == ("nl",)
    assert document.skipped_relations == ("rx",)
    assert "\nR" not in "\n" + document.ann


# --------------------------------------------------------------------------- doccano

# doccano's "JSONL (Relation)" import (its example file, backend/data_import/pipeline/
# examples/relation_extraction/example.jsonl): integer entity ids, relations by them.
DOCCANO_RELATION_LINE = {
    "type": "object",
    "required": ["text", "entities", "relations"],
    "properties": {
        "text": {"type": "string"},
        "entities": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "start_offset", "end_offset", "label"],
                "properties": {
                    "id": {"type": "integer"},
                    "start_offset": {"type": "integer", "minimum": 0},
                    "end_offset": {"type": "integer", "minimum": 0},
                    "label": {"type": "string", "minLength": 1},
                },
            },
        },
        "relations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "from_id", "to_id", "type"],
                "properties": {
                    "id": {"type": "integer"},
                    "from_id": {"type": "integer"},
                    "to_id": {"type": "integer"},
                    "type": {"type": "string", "minLength": 1},
                },
            },
        },
    },
}


def test_doccano_relation_line_shape() -> None:
    line = to_doccano(RECORD, "claim_type", kinds=KINDS, schema=SCHEMA)
    jsonschema.validate(line, DOCCANO_RELATION_LINE)
    ids = {e["id"]: e for e in line["entities"]}
    assert len(ids) == len(line["entities"])
    for entity in line["entities"]:
        assert entity["end_offset"] > entity["start_offset"]
    pairs = {
        (TEXT[ids[r["from_id"]]["start_offset"] : ids[r["from_id"]]["end_offset"]], r["type"])
        for r in line["relations"]
    }
    assert ("«العملية\nمستمرة»", "part_of") in pairs
    (said_by,) = [r for r in line["relations"] if r["type"] == "said_by"]
    assert ids[said_by["to_id"]]["label"] == "source"
    # The plain sequence-labelling column is still there, and the links keep the ids.
    assert len(line["label"]) == len(line["entities"])
    assert [link["id"] for link in line["links"]] == ["r1", "r2", "r3"]
    # A schema with relations gives every line the keys, even one without relations.
    empty = to_doccano({**RECORD, "relations": []}, "claim_type", kinds=KINDS, schema=SCHEMA)
    assert empty["relations"] == [] and len(empty["entities"]) == 4


# --------------------------------------------------------------------------- Label Studio

# Label Studio's result format (labelstudio.io "Label Studio JSON format of annotated
# tasks"), with the fields its SDK's LabelInterface.validate_relation requires.
LABELSTUDIO_RESULT = {
    "oneOf": [
        {
            "type": "object",
            "required": ["id", "from_name", "to_name", "type", "value"],
            "properties": {"type": {"enum": ["labels", "choices", "textarea"]}},
        },
        {
            "type": "object",
            "required": ["from_id", "to_id", "type", "direction"],
            "properties": {
                "type": {"const": "relation"},
                "direction": {"enum": ["left", "right", "bi"]},
                "from_id": {"type": "string"},
                "to_id": {"type": "string"},
                "labels": {"type": "array", "items": {"type": "string"}},
            },
            "additionalProperties": False,
        },
    ]
}
LABELSTUDIO_TASK = {
    "type": "object",
    "required": ["data", "annotations"],
    "properties": {
        "data": {"type": "object", "required": ["text"]},
        "annotations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["result"],
                "properties": {"result": {"type": "array", "items": LABELSTUDIO_RESULT}},
            },
        },
    },
}


def test_labelstudio_relation_results_and_config() -> None:
    (task,) = to_labelstudio([RECORD], "claim_type", kinds=KINDS, schema=SCHEMA)
    jsonschema.validate(task, LABELSTUDIO_TASK)
    results = task["annotations"][0]["result"]
    regions = {r["id"] for r in results if r["type"] == "labels"}
    links = [r for r in results if r["type"] == "relation"]
    assert all(r["from_id"] in regions and r["to_id"] in regions for r in links)
    assert [r["labels"] for r in links] == [
        ["said_by", "quote:indirect", "polarity:affirmed"],
        ["cue"],
        ["part_of"],
    ]
    whose = task["meta"]["hashiya"]["annotations"][0]
    assert whose["kinds"] == {"cue": "cue", "src": "source"}
    assert [r["id"] for r in whose["relations"]] == ["r1", "r2", "r3"]
    labels = {r["id"]: r["value"]["labels"] for r in results if r["type"] == "labels"}
    assert labels["src"] == ["source"] and labels["cue"] == ["cue"]
    config = labelstudio_config(
        "claim_type",
        labelstudio_attributes(SCHEMA),
        used={},
        kind_labels=labelstudio_kind_labels(SCHEMA, "claim_type"),
        relations=labelstudio_relations(SCHEMA),
    )
    values = re.findall(r'<Relation value="([^"]+)"', config)
    for link in links:
        assert set(link["labels"]) <= set(values)
    assert '<Relations choice="multiple">' in config
    label_aliases = set(re.findall(r'<Label [^>]*alias="([^"]+)"', config))
    assert {"source", "cue", "statistic"} <= label_aliases


# --------------------------------------------------------------------------- Prodigy


def test_prodigy_relations_join_the_last_tokens() -> None:
    (task,) = to_prodigy(RECORD, "claim_type", kinds=KINDS, schema=SCHEMA)
    assert task["_view_id"] == "relations"
    tokens = task["tokens"]
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    for token in tokens:
        assert TEXT[token["start"] : token["end"]] == token["text"]
    spans = {s["id"]: s for s in task["spans"]}
    for s in spans.values():
        # The span covers its tokens exactly.
        assert tokens[s["token_start"]]["start"] == s["start"]
        assert tokens[s["token_end"]]["end"] == s["end"]
    by_pair = {(r["head_span"]["start"], r["child_span"]["start"]): r for r in task["relations"]}
    said = by_pair[(spans["c1"]["start"], spans["src"]["start"])]
    assert said["label"] == "said_by"
    assert (said["head"], said["child"]) == (spans["c1"]["token_end"], spans["src"]["token_end"])
    assert said["labels"] == {"quote": "indirect", "polarity": "affirmed"}
    assert said["child_span"]["label"] == "source"
    assert spans["src"]["kind"] == "source" and "kind" not in spans["c1"]
    # Without relations the task is as before (no tokens).
    (plain,) = to_prodigy({**RECORD, "relations": []}, "claim_type", kinds=KINDS, schema=SCHEMA)
    assert "tokens" not in plain and plain["_view_id"] == "ner_manual"
