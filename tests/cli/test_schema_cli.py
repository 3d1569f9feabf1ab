"""`hashiya schema check` and `hashiya schema show`."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotations.schema import default_schema
from tui.cli import cli

MINI = textwrap.dedent(
    """\
    name: mini
    version: "0.3"
    actor:
      - id: isis
        name_ar: داعش
        name_en: ISIS
        shortcut: d
        color: firebrick
    stance:
      - id: neutral
        label_ar: محايد
        label_en: Neutral
        description: No side.
        shortcut: n
        color: gray
    target:
      allowed: false
    claim_type:
      - id: denial
        label_ar: نفي
        label_en: Denial
        description: Rejects a claim.
        shortcut: d
        color: "#fc0"
    """
)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    path = tmp_path / "mini.yaml"
    path.write_text(MINI, encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(MINI.replace("color: gray", "color: greyish"), encoding="utf-8")
    return path


def test_check_good_file(mini: Path) -> None:
    result = run("schema", "check", str(mini))
    assert result.exit_code == 0
    # A 1.0 file: `target: allowed: false` leaves the target out.
    assert result.stdout == f"{mini}: ok (1 actor; 4 attributes: actor, stance, claim_type, note)\n"


def test_check_bundled_schema() -> None:
    schema = default_schema()
    result = run("schema", "check", schema.source)
    assert result.exit_code == 0
    assert result.stdout == (
        f"{schema.source}: ok ({len(schema.actors)} actors; "
        "5 attributes: actor, stance, target, claim_type, note; "
        "3 kinds: content, source, cue; 3 relations: said_by, cue, part_of)\n"
    )


def test_show_lists_kinds_and_relations() -> None:
    result = run("--bidi", "terminal", "schema", "show")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    kinds = lines.index("kinds")
    assert lines[kinds + 1].split()[:3] == ["id", "key", "English"]
    assert "content: actor, stance, target, claim_type, note" in lines
    assert "source: actor, note" in lines and "cue: note" in lines
    assert any(line.startswith("said_by (content → source)") for line in lines)
    assert any(line.startswith("part_of (content → content)") for line in lines)
    assert "said_by.quote (3)" in lines and "said_by.polarity (2)" in lines
    assert any("مضمون" in line for line in lines[kinds:])  # logical order for a bidi terminal


def test_check_bad_file_prints_one_line_and_exits_1(bad: Path) -> None:
    result = run("schema", "check", str(bad))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{bad}:15: stance[0].color: unknown colour 'greyish' "
        "(use #rgb, #rrggbb or a CSS colour name)\n"
    )
    assert "Traceback" not in result.output


def test_check_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: mini\nactor: [\n", encoding="utf-8")
    result = run("schema", "check", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:3: (yaml): ")
    assert result.stderr.count("\n") == 1


def test_check_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    result = run("schema", "check", str(path))
    assert result.exit_code == 1
    assert result.stderr == f"{path}: (file): cannot read: No such file or directory\n"


def test_show_default_schema_as_tables() -> None:
    result = run("schema", "show")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("news ")
    assert f"actor ({len(default_schema().actors)})" in out
    assert "\nstance (4)\n" in out
    assert "\ntarget: text, when stance\n" in out
    assert "claim_type (8)" in out
    assert "\nnote: text\n\nkinds\n" in out  # the attributes, then kinds and relations
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("id "))
    assert header.split() == ["id", "key", "English", "colour", "Arabic"]
    isis = next(line for line in lines if line.startswith("isis "))
    assert isis.split()[:4] == ["isis", "d", "ISIS", "firebrick"]
    assert isis.endswith("داعش")
    # Columns line up: the English column starts at the same place in every row.
    assert isis.index("ISIS") == header.index("English")


def test_show_json_is_one_object_with_arabic_as_is() -> None:
    result = run("schema", "show", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data == default_schema().to_json()
    assert "داعش" in result.stdout  # ensure_ascii=False


def test_show_uses_the_root_schema_option(mini: Path) -> None:
    result = run("--schema", str(mini), "schema", "show", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["name"], data["version"]) == ("mini", "0.3")
    assert [a["id"] for a in data["actors"]] == ["isis"]
    assert [a["id"] for a in data["attributes"]] == ["actor", "stance", "claim_type", "note"]
    tables = run("--schema", str(mini), "schema", "show").stdout
    assert tables.startswith(f"mini 0.3  ({mini})")
    assert "\nstance (1)\n" in tables and "target" not in tables


def test_show_uses_the_schema_from_the_config_file(tmp_path: Path, mini: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"schema: {mini}\n", encoding="utf-8")
    result = run("--config", str(config), "schema", "show", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["name"] == "mini"


def test_show_bad_schema_prints_one_line_and_exits_1(bad: Path) -> None:
    result = run("--schema", str(bad), "schema", "show")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"{bad}:15: stance[0].color: unknown colour 'greyish'")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "args", [["schema", "-h"], ["schema", "check", "-h"], ["schema", "show", "--help"]]
)
def test_help_has_an_example(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0
    assert "Example: hashiya " in result.stdout


def test_schema_commands_do_not_import_textual(mini: Path) -> None:
    code = textwrap.dedent(
        f"""\
        import sys
        from click.testing import CliRunner
        from tui.cli import cli
        for args in (["schema", "check", {str(mini)!r}], ["schema", "show", "--json"]):
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, result.output
        print(sorted({{m.split(".")[0] for m in sys.modules}} & {{"textual", "rich"}}))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_show_names_required_attributes(tmp_path: Path) -> None:
    text = MINI.replace("stance:\n", "stance:\n  required: true\n  values:\n")
    text += "note:\n  required: true\n"
    path = tmp_path / "required.yaml"
    path.write_text(text, encoding="utf-8")
    assert run("schema", "check", str(path)).exit_code == 0
    tables = run("--schema", str(path), "schema", "show").stdout
    assert "\nstance (1, required)\n" in tables
    assert "claim_type (1)\n" in tables and "note: text, required" in tables
    data = json.loads(run("--schema", str(path), "schema", "show", "--json").stdout)
    required = {a["id"]: a["required"] for a in data["attributes"]}
    assert required == {"actor": False, "stance": True, "claim_type": False, "note": True}


PLUS = Path(__file__).resolve().parents[1] / "data" / "schemas" / "news-plus.yaml"


def test_check_a_2_0_file_lists_both_levels() -> None:
    result = run("schema", "check", str(PLUS))
    assert result.exit_code == 0
    assert result.stdout == (
        f"{PLUS}: ok ({len(default_schema().actors)} actors; "
        "6 attributes: actor, stance, target, claim_type, certainty, note; "
        "1 document attribute: overall_stance)\n"
    )
    tables = run("--schema", str(PLUS), "schema", "show").stdout
    assert "\ncertainty (3)\n" in tables
    assert "\ndocument attributes\n\noverall_stance (4)\n" in tables


def test_check_a_bad_2_0_file_names_line_and_field(tmp_path: Path) -> None:
    text = PLUS.read_text(encoding="utf-8")
    assert text.count("    when: stance") == 1
    line = text[: text.index("    when: stance")].count("\n") + 1
    path = tmp_path / "bad2.yaml"
    path.write_text(text.replace("    when: stance", "    when: certainty"), encoding="utf-8")
    result = run("schema", "check", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:{line}: attributes[2].when: 'certainty' is not an earlier attribute of this "
        "list (`when` names one declared before this one: actor, stance)\n"
    )
