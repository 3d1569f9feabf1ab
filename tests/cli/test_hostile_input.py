"""Hostile strings in data never reach the terminal raw, and names are refused at the door.

A terminal acts on ESC and C1 sequences (an OSC sets the window title, OSC 52 writes the
clipboard) and bidi controls reorder what follows them. Names and labels holding any
are rejected on the way in (`FILE:LINE: field: reason`); a database that holds them
anyway (written by an older version) shows them as pictures in every command's output,
and as \\uXXXX escapes in its JSON.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotations.articles import make_article
from annotations.store import Store, UserActor
from tests.support.corpus import SEED_ID, passage_on, two_annotator_db
from tui.cli import cli

OSC_TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
C1_CSI = "\x9b31m"  # CSI as one C1 character
RLO = "\u202e"
HOSTILE = f"{OSC_TITLE}eve{C1_CSI}{RLO}"
# What must never be written: C0 but tab and newline, DEL, C1, and the bidi controls.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def run(db: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def assert_clean(*outputs: str) -> None:
    for output in outputs:
        found = RAW.findall(output)
        assert not found, f"raw {found!r} in {output!r}"


def hostile_db(path: Path) -> Store:
    """The two-annotator corpus plus everything a label file used to be able to bring in:
    an annotator, an actor, labels and an article whose fields hold terminal escapes."""
    store = two_annotator_db(path)
    seed = store.get_article(SEED_ID)
    assert seed is not None
    article = make_article(
        "صحيفة المساء\n\nقال الوزير إن الخطة جاهزة للتنفيذ في الأسبوع المقبل.",
        title=f"عنوان {HOSTILE}",
        source=f"source {HOSTILE}",
        id=f"art{OSC_TITLE}",
    )
    store.add_articles([article])
    store.add_actor(UserActor(f"actor{C1_CSI}", f"اسم{HOSTILE}", f"name{HOSTILE}", (HOSTILE,)))
    shared = "تصاعدت التحذيرات المحلية والدولية"
    store.add_passage(
        passage_on(seed, shared, HOSTILE, actor=f"actor{C1_CSI}", stance=f"st{OSC_TITLE}")
    )
    store.add_passage(passage_on(article, "الخطة", HOSTILE, claim_type="warning", note=HOSTILE))
    store.add_passage(passage_on(article, "الخطة", "sara", claim_type=f"c{RLO}"))
    return store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.db"
    hostile_db(path).close()
    return path


# --------------------------------------------------------------------------- refused at the door


def native_line(db: Path, **changes: Any) -> dict[str, Any]:
    """Sara's exported line with `changes`; a changed annotator brings new passage ids."""
    code, out, err = run(db, "export", "--annotator", "sara")
    assert code == 0, err
    record: dict[str, Any] = json.loads(out.splitlines()[0])
    record.update(changes)
    if "annotator" in changes:
        for span in record["spans"]:
            span["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, changes["annotator"] + span["id"]))
    return record


@pytest.fixture
def clean_db(tmp_path: Path) -> Path:
    path = tmp_path / "clean.db"
    two_annotator_db(path).close()
    return path


def passage_count(db: Path) -> int:
    with Store(db) as store:
        return len(list(store.all_passages()))


def test_an_annotator_with_a_terminal_escape_is_rejected(clean_db: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps(native_line(clean_db, annotator=OSC_TITLE)) + "\n")
    before = passage_count(clean_db)
    code, out, err = run(clean_db, "import-annotations", str(labels))
    assert code == 1
    assert f"{labels}:1: annotator: control character U+001B (ESC) at character 1" in err
    assert passage_count(clean_db) == before
    assert_clean(out, err)


def test_actor_names_and_aliases_are_checked(clean_db: Path, tmp_path: Path) -> None:
    record = native_line(clean_db)
    new = {"id": "newcomer", "name_ar": "وافد", "name_en": f"New{RLO}comer", "aliases": []}
    record["spans"][0]["actor"] = new
    lines = [json.dumps(record)]
    record = native_line(clean_db)
    record["spans"][0]["actor"] = {**new, "name_en": "New", "aliases": ["ok", f"x{C1_CSI}"]}
    lines.append(json.dumps(record))
    record = native_line(clean_db)
    record["spans"][0]["actor"] = {**new, "id": f"new{OSC_TITLE}", "name_en": "New"}
    lines.append(json.dumps(record))
    labels = tmp_path / "labels.jsonl"
    labels.write_text("\n".join(lines) + "\n")
    code, _, err = run(clean_db, "import-annotations", "--skip-invalid", str(labels))
    assert code == 1
    assert err.splitlines()[:3] == [
        f"{labels}:1: spans[0].actor.name_en: bidi control U+202E (RLO) at character 4",
        f"{labels}:2: spans[0].actor.aliases[1]: control character U+009B (CSI) at character 2",
        f"{labels}:3: spans[0].actor.id: control character U+001B (ESC) at character 4",
    ]
    with Store(clean_db) as store:
        assert store.user_actors() == []


def test_a_known_actor_described_with_hostile_names_is_rejected(
    clean_db: Path, tmp_path: Path
) -> None:
    record = native_line(clean_db)
    span = next(s for s in record["spans"] if s["actor"] is not None)
    span["actor"]["name_en"] = f"ISIS{OSC_TITLE}"
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps(record) + "\n")
    code, _, err = run(clean_db, "import-annotations", str(labels))
    assert code == 1
    assert ".actor.name_en: control character U+001B (ESC) at character 5" in err


def test_unpaired_isolates_are_rejected_paired_ones_kept(clean_db: Path, tmp_path: Path) -> None:
    paired = "\u2068سارة\u2069 B."  # FSI ... PDI: a name of mixed direction in one piece
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        json.dumps(native_line(clean_db, annotator=paired))
        + "\n"
        + json.dumps(native_line(clean_db, annotator="\u2067omar"))
        + "\n"
    )
    code, _, err = run(clean_db, "import-annotations", "--skip-invalid", str(labels))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{labels}:2: annotator: bidi control U+2067 (RLI) at character 1 is never closed by a PDI"
    )
    with Store(clean_db) as store:
        assert paired in {p.annotator for p in store.all_passages()}


def test_annotator_options_and_environment_are_checked(clean_db: Path, tmp_path: Path) -> None:
    for args in (
        ["--annotator", OSC_TITLE, "list"],
        ["export", "--annotator", f"a{C1_CSI}"],
        ["search", "--annotator", f"a{RLO}"],
        ["agreement", "--annotators", f"sara,{OSC_TITLE}"],
    ):
        code, out, err = run(clean_db, *args)
        assert code == 2, args
        assert "Invalid value for '--annotator" in err
        assert re.search(r"(control|bidi) \w+ ?\w* U\+[0-9A-F]{4}", err), err
        assert_clean(out, err)
    code, out, err = run(clean_db, "list", env={"HASHIYA_ANNOTATOR": OSC_TITLE})
    assert code == 1
    assert "HASHIYA_ANNOTATOR: control character U+001B (ESC) at character 1" in err
    assert_clean(out, err)


def test_config_values_are_checked(clean_db: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text('bidi: app\nannotator: "\\e]0;pwned\\a"\n', encoding="utf-8")
    code, out, err = run(clean_db, "--config", str(config), "list")
    assert code == 1
    assert f"{config}:2: annotator: control character U+001B (ESC) at character 1" in err
    assert_clean(out, err)
    config.write_text('keymap:\n  tag: "\\u202et"\n', encoding="utf-8")
    code, out, err = run(clean_db, "--config", str(config), "list")
    assert code == 1
    assert f"{config}:1: keymap: bidi control U+202E (RLO) at character 1" in err
    config.write_text('serve:\n  users:\n    "sa\\x9bra": abcdefghijklmnopqrstuvwxyz012345\n')
    code, out, err = run(clean_db, "--config", str(config), "list")
    assert code == 1
    assert f"{config}:1: serve: control character U+009B (CSI) at character 3" in err


def test_a_schema_label_with_an_escape_is_rejected(clean_db: Path, tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "annotations/schemas/news.yaml").read_text()
    label = re.search(r"label_en: (.+)", text)
    assert label is not None
    line = text[: label.start()].count("\n") + 1
    schema = tmp_path / "schema.yaml"
    schema.write_text(text.replace(label.group(0), 'label_en: "Army\\e]0;pwned\\a"', 1))
    code, out, err = run(clean_db, "schema", "check", str(schema))
    assert code == 1
    assert re.fullmatch(
        rf"{re.escape(str(schema))}:{line}: attributes\[\d+\]\.values\[0\]\.label_en: "
        r"control character U\+001B \(ESC\) at character 5\n",
        err,
    ), err
    assert_clean(out, err)


# --------------------------------------------------------------------------- never shown raw


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["agreement"],
        ["agreement", "--per-article", "--confusion"],
        ["review", "queue"],
        ["search", "الخطة"],
        ["search", "pwned"],
        ["search", "--passages"],
        ["search", "--passages", "--stance", f"st{OSC_TITLE}"],
        ["doctor"],
        ["cat", f"art{OSC_TITLE}"],
        ["cat", f"missing{OSC_TITLE}"],
        ["export", "--article", f"missing{OSC_TITLE}"],
    ],
)
def test_no_command_writes_a_control_from_data(db: Path, args: list[str]) -> None:
    _, out, err = run(db, *args)
    assert out or err
    assert_clean(out, err)


def test_the_agreement_table_shows_the_name_with_pictures(db: Path) -> None:
    code, out, _ = run(db, "agreement")
    assert code == 0
    assert "␛]0;pwned␇eve" in out
    assert "⇇" in out  # the RLO, visible and not applied


def test_doctor_names_a_hostile_label_visibly(db: Path) -> None:
    code, out, err = run(db, "doctor")
    assert code == 1
    assert "stance: unknown value 'st␛]0;pwned␇'" in out
    assert_clean(out, err)


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json"],
        ["agreement", "--json"],
        ["review", "queue", "--json"],
        ["search", "الخطة", "--json"],
        ["search", "--passages", "--json"],
    ],
)
def test_json_output_escapes_controls_and_stays_the_same_json(db: Path, args: list[str]) -> None:
    code, out, err = run(db, *args)
    assert code == 0, err
    assert_clean(out, err)
    lines = [out] if args[0] == "agreement" else out.splitlines()
    shown = set(strings([json.loads(line) for line in lines]))
    assert any(HOSTILE in text or OSC_TITLE in text for text in shown)  # values intact
    assert "\\u001b" in out


def strings(value: Any) -> list[str]:
    """Every string in a JSON value, keys too."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value, *(s for v in value.values() for s in strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_list_json_escapes_c1_and_round_trips(db: Path) -> None:
    code, out, _ = run(db, "list", "--json")
    assert code == 0
    titles = [json.loads(line)["title"] for line in out.splitlines()]
    assert f"عنوان {HOSTILE}" in titles
    assert "\\u009b31m\\u202e" in out
    assert "عنوان" in out  # Arabic stays text


def test_hostile_file_names_in_messages(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / f"in{OSC_TITLE}"
    folder.mkdir()
    binary = folder / f"bad{C1_CSI}.txt"
    binary.write_bytes(b"\x00\x01binary")
    code, out, err = run(db, "import", str(binary))
    assert code == 1 and "rejected" in err
    assert_clean(out, err)

    missing = tmp_path / f"gone{OSC_TITLE}.jsonl"
    code, out, err = run(db, "import-annotations", str(missing))
    assert code == 1 and "cannot read" in err
    assert_clean(out, err)

    labels = folder / f"labels{RLO}.jsonl"
    labels.write_text("not json\n")
    code, out, err = run(db, "import-annotations", str(labels))
    assert code == 1 and ":1: not valid JSON" in err
    assert_clean(out, err)

    output = folder / f"out{C1_CSI}.jsonl"
    code, out, err = run(db, "export", "--annotator", "sara", "-o", str(output))
    assert code == 0 and "written" in err
    assert_clean(out, err)

    schema = folder / f"schema{RLO}.yaml"
    schema.write_text((Path(__file__).parents[2] / "annotations/schemas/news.yaml").read_text())
    for args in (["schema", "check", str(schema)], ["--schema", str(schema), "schema", "show"]):
        code, out, err = run(db, *args)
        assert code == 0, err
        assert "schema⇇.yaml" in out
        assert_clean(out, err)
    schema.write_text("name: [\n")
    code, out, err = run(db, "schema", "check", str(schema))
    assert code == 1
    assert_clean(out, err)
    code, out, err = run(db, "--schema", str(folder / "nothing.yaml"), "schema", "show")
    assert code == 2 and "does not exist" in err
    assert_clean(out, err)


def test_export_to_a_terminal_escapes_controls_in_its_json(db: Path) -> None:
    """The real binary with a terminal (a pty) as stdout: no raw escape reaches it."""
    master, slave = os.openpty()
    hashiya = Path(sys.executable).with_name("hashiya")
    with subprocess.Popen(
        [str(hashiya), "--db", str(db), "export"],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
    ) as proc:
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the other end is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=120) == 0
    os.close(master)
    shown = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    assert_clean(shown)
    records = [json.loads(line) for line in shown.splitlines()]
    assert HOSTILE in {r["annotator"] for r in records}  # the same values
    # Into a pipe the lines are as -o writes them (json.dumps escapes C0 only).
    code, out, _ = run(db, "export")
    assert code == 0 and C1_CSI in out
    piped = [json.loads(line) for line in out.splitlines()]
    assert [{**r, "exported_at": ""} for r in piped] == [{**r, "exported_at": ""} for r in records]
