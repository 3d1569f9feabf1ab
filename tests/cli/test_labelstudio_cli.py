"""`hashiya export --format labelstudio`: the tasks, the labeling config beside them, the
offset unit and the annotators' Label Studio users."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotations.models import Article
from annotations.schema import default_schema
from annotations.store import Store
from tests.support.corpus import passage_on
from tui.cli import cli

# An emoji and a ZWJ family before the passage: 4 characters outside the BMP.
TEXT = "قال المتحدث 😀 إن العائلة 👨\u200d👩\u200d👧 شاهدت الحكومة العراقية ترفض الاتفاق."
ARTICLE = Article(
    id="emoji", title="رموز", source="اختبار", text=TEXT, paragraphs=((0, len(TEXT)),)
)


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "ls.db"
    store = Store(path)
    store.add_articles([ARTICLE])
    store.add_passage(
        passage_on(ARTICLE, "الحكومة العراقية", "sara", actor="iraqi_government", stance="critical")
    )
    store.add_passage(passage_on(ARTICLE, "ترفض الاتفاق", "omar", stance="neutral"))
    store.close()
    return path


def label_region(tasks: list[dict[str, Any]], annotator: str) -> dict[str, Any]:
    (task,) = tasks
    whose = [w["annotator"] for w in task["meta"]["hashiya"]["annotations"]]
    annotation = task["annotations"][whose.index(annotator)]
    (value,) = [r["value"] for r in annotation["result"] if r["type"] == "labels"]
    return value


def test_export_writes_tasks_in_code_points_and_the_config(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    code, _, err = run(
        db, "export", "--format", "labelstudio", "--label-from", "stance", "-o", str(out)
    )
    assert code == 0, err
    config = tmp_path / "tasks.labelstudio.xml"
    assert err.splitlines() == [f"{out}: 1 written", f"{config}: labeling config"]
    tasks = json.loads(out.read_text(encoding="utf-8"))
    value = label_region(tasks, "sara")
    start = TEXT.index("الحكومة العراقية")
    assert (value["start"], value["end"]) == (start, start + len("الحكومة العراقية"))
    assert TEXT[value["start"] : value["end"]] == value["text"]
    root = ET.fromstring(config.read_text(encoding="utf-8"))
    (labels,) = root.iter("Labels")
    # The stances, then the kinds whose passages have no stance (labelled by kind).
    kinds = [k for k in default_schema().kinds if "stance" not in k.attribute_ids]
    assert [(e.get("alias"), e.get("value")) for e in labels] == [
        (v.id, f"{v.label_ar} · {v.label_en}") for v in default_schema().stances
    ] + [(k.id, f"{k.label_ar} · {k.label_en}") for k in kinds]
    assert [k.id for k in kinds] == ["source", "cue"]
    (actors,) = [e for e in root.iter("Choices") if e.get("name") == "actor"]
    assert [e.get("alias") for e in actors] == [a.id for a in default_schema().actors]


def test_export_utf16_offsets_on_request(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    code, _, err = run(
        db, "export", "--format", "labelstudio", "--offsets", "utf16", "-o", str(out)
    )
    assert code == 0, err
    value = label_region(json.loads(out.read_text(encoding="utf-8")), "sara")
    start = TEXT.index("الحكومة العراقية") + 4
    assert (value["start"], value["end"]) == (start, start + len("الحكومة العراقية"))


def test_export_credits_annotators_to_label_studio_users(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    args = ["export", "--format", "labelstudio", "-o", str(out)]
    code, _, err = run(db, *args, "--labelstudio-user", "sara=sara@example.org")
    assert code == 0, err
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    assert [a.get("completed_by") for a in task["annotations"]] == [
        None,  # omar: no user named, credited to whoever imports
        {"email": "sara@example.org"},
    ]
    code, _, err = run(db, *args, "--labelstudio-user", "sara")
    assert code == 2 and "'sara' is not ANNOTATOR=EMAIL" in err


@pytest.mark.parametrize(
    ("option", "value"), [("--offsets", "utf16"), ("--labelstudio-user", "a=a@b.org")]
)
def test_label_studio_options_need_its_format(db: Path, option: str, value: str) -> None:
    code, out, err = run(db, "export", "--format", "native", option, value)
    assert code == 2 and f"{option} is for --format labelstudio only" in err
    assert out == ""
