"""The Label Studio format: tasks (offset unit, annotators in the task's meta) and the
labeling config made from the schema. tests/interop has the same checked against a real
Label Studio."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from annotations.export import (
    FORMATS,
    UNSET_LABEL,
    ExportOptions,
    LabelStudioAttribute,
    LabelStudioChoice,
    labelstudio_attributes,
    labelstudio_config,
    labelstudio_config_path,
    to_labelstudio,
)
from annotations.schema import Actor, Attribute, LabelSchema, default_schema, load_schema
from tests.conftest import DATA
from tests.unit.test_export_formats import TEXT, make_record, passage


@pytest.fixture
def record() -> dict[str, Any]:
    return make_record()


def result(span_id: str, name: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": span_id, "from_name": name, "to_name": "text", "type": kind, "value": value}


def label_values(task: dict[str, Any]) -> list[dict[str, Any]]:
    return [r["value"] for a in task["annotations"] for r in a["result"] if r["type"] == "labels"]


# --------------------------------------------------------------------------- tasks


def test_labelstudio_golden(record: dict[str, Any]) -> None:
    p1 = {"start": 11, "end": 32, "text": "Ahmad Ali إن 3 قرارات"}
    p2 = {"start": 50, "end": 66, "text": "الحكومة ترفض ذلك"}  # after the emoji
    p3 = {"start": 85, "end": 103, "text": "الاتفاق\nسيوقع غداً"}
    assert to_labelstudio([record], "stance") == [
        {
            "data": {
                "text": TEXT,
                "article_id": "a1",
                "title": "تحركات قرب الحدود",
                "source": "إرم نيوز",
                "published": "2024-05-01",
                "origin": "seeds/a1.txt",
            },
            "meta": {
                "hashiya": {
                    "offsets": "codepoint",
                    "annotations": [
                        {
                            "annotator": "salma",
                            "status": "done",
                            "schema": {"name": "news", "version": "1"},
                            "regions": ["p1", "p2", "p3"],
                        }
                    ],
                }
            },
            "annotations": [
                {
                    "result": [
                        result("p1", "label", "labels", {**p1, "labels": [UNSET_LABEL]}),
                        result("p1", "actor", "choices", {**p1, "choices": ["minister"]}),
                        result("p1", "claim_type", "choices", {**p1, "choices": ["factual"]}),
                        result("p1", "note", "textarea", {**p1, "text": ["اسم لاتيني"]}),
                        result("p2", "label", "labels", {**p2, "labels": ["critical"]}),
                        result("p2", "actor", "choices", {**p2, "choices": ["gov-iq"]}),
                        result("p3", "label", "labels", {**p3, "labels": ["supportive"]}),
                        result("p3", "actor", "choices", {**p3, "choices": ["gov-iq"]}),
                        result("p3", "claim_type", "choices", {**p3, "choices": ["prediction"]}),
                        result("p3", "target", "textarea", {**p3, "text": ["الاتفاق"]}),
                    ],
                    "was_cancelled": False,
                    "ground_truth": False,
                }
            ],
        }
    ]


def region_texts(task: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Every result's value with its region's text (textareas' regions included)."""
    results = task["annotations"][0]["result"]
    texts = {r["id"]: r["value"]["text"] for r in results if r["type"] == "labels"}
    return [(r["value"], texts[r["id"]]) for r in results]


def test_offsets_are_code_points_by_default(record: dict[str, Any]) -> None:
    (task,) = to_labelstudio([record], "claim_type")
    assert task["meta"]["hashiya"]["offsets"] == "codepoint"
    text = task["data"]["text"]
    assert [(v["start"], v["end"]) for v in label_values(task)] == [(11, 32), (50, 66), (85, 103)]
    for value, quote in region_texts(task):
        assert text[value["start"] : value["end"]] == quote


def test_utf16_offsets_on_request(record: dict[str, Any]) -> None:
    (task,) = to_labelstudio([record], "claim_type", offsets="utf16")
    assert task["meta"]["hashiya"]["offsets"] == "utf16"
    units = task["data"]["text"].encode("utf-16-le")
    # p2 and p3 come after the emoji: one unit more than their code points.
    assert [(v["start"], v["end"]) for v in label_values(task)] == [(11, 32), (51, 67), (86, 104)]
    for value, quote in region_texts(task):
        assert units[2 * value["start"] : 2 * value["end"]].decode("utf-16-le") == quote
    with pytest.raises(ValueError, match="offsets must be one of codepoint, utf16"):
        to_labelstudio([record], "claim_type", offsets="bytes")  # type: ignore[arg-type]


def test_annotators_are_kept_in_the_task_meta(record: dict[str, Any]) -> None:
    omar = make_record("omar", [passage("o1", 0, 3, annotator="omar", stance="critical")])
    tasks = to_labelstudio(
        [record, omar], "stance", annotator_emails={"salma": "salma@example.org"}
    )
    assert len(tasks) == 1
    (task,) = tasks
    whose = task["meta"]["hashiya"]["annotations"]
    # One entry per annotation, in the same order, naming the regions it holds.
    assert [w["annotator"] for w in whose] == ["omar", "salma"]
    assert [w["regions"] for w in whose] == [["o1"], ["p1", "p2", "p3"]]
    for entry, annotation in zip(whose, task["annotations"], strict=True):
        assert {r["id"] for r in annotation["result"]} == set(entry["regions"])
        assert "hashiya" not in annotation  # Label Studio drops it on import
    assert "completed_by" not in task["annotations"][0]  # no known user: it would refuse
    assert task["annotations"][1]["completed_by"] == {"email": "salma@example.org"}
    other = {**omar, "text": omar["text"] + "!"}
    with pytest.raises(ValueError, match="two different texts"):
        to_labelstudio([record, other], "stance")
    with pytest.raises(ValueError, match="two records"):
        to_labelstudio([record, record], "stance")


def test_an_annotator_named_by_email_is_credited() -> None:
    record = make_record("salma@example.org", [passage("a", 0, 3, annotator="salma@example.org")])
    (task,) = to_labelstudio([record], "stance")
    assert task["annotations"][0]["completed_by"] == {"email": "salma@example.org"}


# --------------------------------------------------------------------------- config


def parse(config: str) -> ET.Element:
    return ET.fromstring(config)


def options(element: ET.Element) -> list[dict[str, str]]:
    return [dict(child.attrib) for child in element]


def control(root: ET.Element, tag: str, name: str) -> ET.Element:
    (found,) = [e for e in root.iter(tag) if e.get("name") == name]
    return found


def shown_name(value: Any) -> str:
    return " · ".join(dict.fromkeys(n for n in (value.label_ar, value.label_en) if n))


def test_config_holds_every_schema_value_with_its_label() -> None:
    schema = default_schema()
    root = parse(labelstudio_config("stance", labelstudio_attributes(schema)))
    assert root.tag == "View"
    text = next(root.iter("Text"))
    assert text.attrib == {"name": "text", "value": "$text"}
    labels = control(root, "Labels", "label")
    assert labels.get("toName") == "text"
    assert options(labels) == [
        {
            "value": shown_name(v),
            "alias": v.id,
            "hint": v.description,
            "background": v.color_hex,
            "hotkey": v.shortcut,
        }
        for v in schema.stances
    ]
    for name, values in (("actor", schema.actors), ("claim_type", schema.claim_types)):
        choices = control(root, "Choices", name)
        assert choices.attrib == {
            "name": name,
            "toName": "text",
            "perRegion": "true",
            "choice": "single",
            "layout": "select",
        }
        listed = options(choices)
        assert [(o["alias"], o["value"]) for o in listed] == [
            (v.id, shown_name(v) or v.id) for v in values
        ]
        assert all("hotkey" not in o for o in listed)  # keys are one namespace in the config
    for name in ("target", "note"):
        area = control(root, "TextArea", name)
        assert area.get("perRegion") == "true" and area.get("toName") == "text"
    # Per-region controls show once a region is selected; each has a heading.
    (per_region,) = [v for v in root.iter("View") if v.get("visibleWhen") == "region-selected"]
    headers = [h.get("value") for h in per_region.iter("Header")]
    assert headers == [
        "الفاعل · Actor",
        "موضوع الموقف · Target",
        "نوع الادعاء · Claim type",
        "ملاحظة · Note",
    ]
    assert not [e for e in root.iter("Choices") if e.get("name") == "stance"]


def test_config_names_are_the_control_names_tasks_use(record: dict[str, Any]) -> None:
    root = parse(labelstudio_config("stance", labelstudio_attributes(default_schema())))
    names = {e.get("name") for e in root.iter() if e.get("toName") == "text"}
    (task,) = to_labelstudio([record], "stance")
    used = {r["from_name"] for a in task["annotations"] for r in a["result"]}
    assert used <= names
    assert {r["to_name"] for a in task["annotations"] for r in a["result"]} == {"text"}


def test_config_with_actors_as_the_label() -> None:
    schema = default_schema()
    root = parse(labelstudio_config("actor", labelstudio_attributes(schema)))
    labels = control(root, "Labels", "label")
    assert [o["alias"] for o in options(labels)] == [a.id for a in schema.actors]
    assert [o["alias"] for o in options(control(root, "Choices", "stance"))] == [
        v.id for v in schema.stances
    ]
    assert not [e for e in root.iter("Choices") if e.get("name") == "actor"]


def test_config_adds_the_values_tasks_use_that_the_schema_lacks() -> None:
    attributes = labelstudio_attributes(default_schema())
    used = {"stance": ["critical", UNSET_LABEL, "sarcastic"], "actor": ["user-added"]}
    root = parse(labelstudio_config("stance", attributes, used=used))
    labels = options(control(root, "Labels", "label"))
    assert [o["alias"] for o in labels][-2:] == ["sarcastic", UNSET_LABEL]  # sorted, unset last
    assert labels[-1]["value"] == UNSET_LABEL
    actors = options(control(root, "Choices", "actor"))
    assert actors[-1] == {"value": "user-added", "alias": "user-added"}


def test_config_without_a_schema_lists_the_used_ids() -> None:
    used = {"claim_type": ["factual"], "actor": ["gov-iq"], "stance": ["critical"]}
    root = parse(labelstudio_config("claim_type", used=used))
    assert options(control(root, "Labels", "label")) == [{"value": "factual", "alias": "factual"}]
    assert options(control(root, "Choices", "actor")) == [{"value": "gov-iq", "alias": "gov-iq"}]
    assert {e.get("name") for e in root.iter("TextArea")} == {"target", "note"}


def test_config_follows_the_schema_for_free_text_and_user_actors() -> None:
    bundled = default_schema()
    schema = LabelSchema(
        bundled.name,
        bundled.version,
        bundled.actors,
        attributes=[a for a in bundled.attributes if a.type != "text"],
    ).with_extra_actors([Actor(id="mayor", name_ar="رئيس البلدية", name_en="", user_added=True)])
    root = parse(labelstudio_config("stance", labelstudio_attributes(schema)))
    assert not list(root.iter("TextArea"))
    actors = options(control(root, "Choices", "actor"))
    assert actors[-1]["alias"] == "mayor" and actors[-1]["value"] == "رئيس البلدية"


def test_config_of_a_schema_with_more_attributes() -> None:
    schema = load_schema(DATA / "schemas" / "news-plus.yaml")
    root = parse(labelstudio_config("claim_type", labelstudio_attributes(schema)))
    certainty = control(root, "Choices", "certainty")
    assert certainty.get("perRegion") == "true"
    certainty_values = schema.attribute("certainty")
    assert certainty_values is not None
    assert [(o["alias"], o["value"], o["hint"]) for o in options(certainty)] == [
        (v.id, f"{v.label_ar} · {v.label_en}", v.description) for v in certainty_values.values
    ]
    # A document attribute is about the whole task: outside the per-region view.
    overall = control(root, "Choices", "document_overall_stance")
    assert overall.get("perRegion") is None
    (per_region,) = [v for v in root.iter("View") if v.get("visibleWhen") == "region-selected"]
    assert overall not in list(per_region.iter("Choices"))
    assert [o["alias"] for o in options(overall)] == ["supportive", "critical", "neutral", "mixed"]


def test_config_multiple_and_boolean_attributes() -> None:
    attributes = [
        LabelStudioAttribute(
            id="topics",
            type="choice",
            title="Topics",
            choices=(LabelStudioChoice("a", "A"), LabelStudioChoice("b", "B")),
            multiple=True,
        ),
        *labelstudio_attributes(
            LabelSchema(
                "b",
                "1",
                attributes=[Attribute(id="quoted", type="boolean", label_ar="منقول", label_en="")],
            )
        ),
    ]
    root = parse(labelstudio_config("stance", attributes))
    topics = control(root, "Choices", "topics")
    assert topics.get("choice") == "multiple" and topics.get("layout") is None
    quoted = control(root, "Choices", "quoted")
    assert [(o["alias"], o["value"]) for o in options(quoted)] == [
        ("true", "نعم · Yes"),
        ("false", "لا · No"),
    ]
    assert "منقول" in [h.get("value") for h in root.iter("Header")]


def test_config_names_are_distinct_and_xml_safe() -> None:
    attributes = [
        LabelStudioAttribute(
            id="stance",
            type="choice",
            title="Stance",
            choices=(
                LabelStudioChoice(id="a", name="Same"),
                LabelStudioChoice(id="b", name="Same"),
                LabelStudioChoice(id="c", name='<"quoted"> & \x07bell\ud800'),
            ),
        )
    ]
    root = parse(labelstudio_config("stance", attributes))
    assert [o["value"] for o in options(control(root, "Labels", "label"))] == [
        "Same",
        "Same (b)",
        '<"quoted"> &  bell ',
    ]


def test_writer_puts_the_config_beside_the_tasks(tmp_path: Path, record: dict[str, Any]) -> None:
    dest = tmp_path / "tasks.json"
    options_ = ExportOptions(
        label_from="stance", labelstudio_attributes=labelstudio_attributes(default_schema())
    )
    summary = FORMATS["labelstudio"].write([record], dest, options_)
    config = tmp_path / "tasks.labelstudio.xml"
    assert labelstudio_config_path(dest) == config
    assert summary.also_written == ((config, "labeling config"),)
    assert json.loads(dest.read_text(encoding="utf-8")) == to_labelstudio([record], "stance")
    root = parse(config.read_text(encoding="utf-8"))
    labels = [o["alias"] for o in options(control(root, "Labels", "label"))]
    assert labels == [v.id for v in default_schema().stances] + [UNSET_LABEL]  # p1 has none
    actors = [o["alias"] for o in options(control(root, "Choices", "actor"))]
    assert actors[-2:] == ["gov-iq", "minister"]  # used, not in the bundled schema


def test_writer_offsets_option(tmp_path: Path, record: dict[str, Any]) -> None:
    dest = tmp_path / "tasks.json"
    options_ = ExportOptions(label_from="stance", labelstudio_offsets="utf16")
    FORMATS["labelstudio"].write([record], dest, options_)
    tasks = json.loads(dest.read_text(encoding="utf-8"))
    assert tasks == to_labelstudio([record], "stance", offsets="utf16")
    assert tasks != to_labelstudio([record], "stance")
