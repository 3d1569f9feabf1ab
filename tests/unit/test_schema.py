"""The label schema: loading, one-line errors, lookups, extra actors and actor search."""

from __future__ import annotations

import json
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from annotations.schema import (
    ACTOR_KINDS,
    ATTRIBUTES,
    FIELDS,
    Actor,
    Attribute,
    LabelSchema,
    SchemaError,
    color_to_hex,
    default_schema,
    implicit_kind,
    is_valid_color,
    load_schema,
    load_schema_or_default,
    normalize_for_search,
    parse_schema,
)

# A small valid schema; the error tests break one line of it at a time. Line numbers
# in the tests refer to this text.
GOOD = textwrap.dedent(
    """\
    name: mini
    version: 2
    actor:
      - id: isis
        name_ar: داعش
        name_en: ISIS
        aliases: [تنظيم الدولة, Daesh]
        shortcut: d
        color: firebrick
      - id: sdf
        name_ar: قوات سوريا الديمقراطية
        name_en: Syrian Democratic Forces
        aliases: [قسد, SDF]
    stance:
      - id: supportive
        label_ar: مؤيد
        label_en: Supportive
        description: Approves.
        shortcut: s
        color: "#0a0"
    target:
      allowed: false
    claim_type:
      - id: factual_report
        label_ar: خبر
        label_en: Factual report
        description: Events as fact.
        shortcut: f
        color: SteelBlue
      - id: denial
        label_ar: نفي
        label_en: Denial
        description: Rejects a claim.
        shortcut: d
        color: "#AbCdEf"
    """
)


def write(tmp_path: Path, text: str, name: str = "my.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> SchemaError:
    path = write(tmp_path, text)
    with pytest.raises(SchemaError) as info:
        load_schema(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:")
    return info.value


def replace_line(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# --- loading a good file -----------------------------------------------------------------


def test_good_schema_loads(tmp_path: Path) -> None:
    schema = load_schema(write(tmp_path, GOOD))
    assert (schema.name, schema.version) == ("mini", "2")
    assert [a.id for a in schema.actors] == ["isis", "sdf"]
    assert [s.id for s in schema.stances] == ["supportive"]
    assert [c.id for c in schema.claim_types] == ["factual_report", "denial"]
    assert schema.target_allowed is False
    assert schema.note_allowed is True  # no `note:` section: the default
    sdf = schema.actors[1]
    assert sdf.shortcut is None and sdf.kind == "other" and sdf.color == "grey"
    assert sdf.aliases == ("قسد", "SDF")
    assert schema.claim_types[0].color == "steelblue"
    assert schema.claim_types[1].color_hex == "#abcdef"
    assert schema.stances[0].color_hex == "#00aa00"
    assert schema.source == str(tmp_path / "my.yaml")


def test_version_is_read_as_typed(tmp_path: Path) -> None:
    schema = load_schema(write(tmp_path, GOOD.replace("version: 2", "version: 1.10")))
    assert schema.version == "1.10"


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_schema(path).name == "mini"


# --- one-line errors: file, line, field, message ------------------------------------------

BAD_CASES = [
    pytest.param(
        replace_line(GOOD, "version: 2\n", "version: [2\n"),
        3,
        "(yaml)",
        "while parsing a flow sequence",
        id="not-yaml",
    ),
    pytest.param(
        replace_line(GOOD, "  - id: sdf\n", "  - id: isis\n"),
        10,
        "actor[1].id",
        "duplicate id 'isis' (also used by actor[0])",
        id="duplicate-id",
    ),
    pytest.param(
        replace_line(
            GOOD, "    shortcut: d\n    color: firebrick", "    shortcut: x\n    color: red"
        ).replace("aliases: [قسد, SDF]", "aliases: [قسد, SDF]\n    shortcut: x"),
        14,
        "actor[1].shortcut",
        "duplicate shortcut 'x' (also used by actor[0])",
        id="duplicate-actor-shortcut",
    ),
    pytest.param(
        replace_line(
            GOOD, '    shortcut: d\n    color: "#AbCdEf"', "    shortcut: f\n    color: red"
        ),
        34,
        "claim_type[1].shortcut",
        "duplicate shortcut 'f' (also used by claim_type[0])",
        id="duplicate-shortcut",
    ),
    pytest.param(
        replace_line(GOOD, "color: SteelBlue", "color: steel-blue"),
        29,
        "claim_type[0].color",
        "unknown colour 'steel-blue'",
        id="unknown-colour",
    ),
    pytest.param(
        replace_line(GOOD, '"#0a0"', '"#0a0f"'),
        20,
        "stance[0].color",
        "unknown colour '#0a0f'",
        id="bad-hex-colour",
    ),
    pytest.param(
        replace_line(GOOD, "    label_en: Supportive\n", ""),
        15,
        "stance[0].label_en",
        "missing field",
        id="missing-field",
    ),
    pytest.param(
        replace_line(GOOD, "name: mini\n", ""),
        1,
        "name",
        "missing field",
        id="missing-top-field",
    ),
    pytest.param(
        replace_line(GOOD, "description: Approves.", "description: [Approves]"),
        18,
        "stance[0].description",
        "expected text, got a list",
        id="wrong-type-list",
    ),
    pytest.param(
        replace_line(GOOD, "label_en: Denial", "label_en: yes"),
        32,
        "claim_type[1].label_en",
        "expected text, got true/false ('yes') (quote it)",
        id="wrong-type-bool",
    ),
    pytest.param(
        replace_line(GOOD, "  allowed: false", "  allowed: sometimes"),
        22,
        "target.allowed",
        "expected true or false, got text ('sometimes')",
        id="wrong-type-flag",
    ),
    pytest.param(
        replace_line(GOOD, "aliases: [قسد, SDF]", "aliases: قسد"),
        13,
        "actor[1].aliases",
        "expected a list, got text ('قسد')",
        id="aliases-not-a-list",
    ),
    pytest.param(
        replace_line(GOOD, "aliases: [قسد, SDF]", "aliases: [قسد, [SDF]]"),
        13,
        "actor[1].aliases[1]",
        "expected text, got a list",
        id="alias-not-text",
    ),
    pytest.param(
        replace_line(GOOD, "color: firebrick", "colour: firebrick"),
        9,
        "actor[0].colour",
        "unknown key 'colour' (did you mean 'color'?)",
        id="unknown-key",
    ),
    pytest.param(
        GOOD + "fields: {}\n",
        36,
        "fields",
        "unknown key 'fields' (expected: name, version,",
        id="unknown-top-key",
    ),
    pytest.param(
        GOOD.split("claim_type:")[0] + "claim_type: []\n",
        23,
        "claim_type",
        "empty list: declare at least one value",
        id="empty-value-list",
    ),
    pytest.param(
        replace_line(GOOD, "  - id: supportive", "  - id: Supportive"),
        15,
        "stance[0].id",
        "bad id 'Supportive': use lowercase a-z, digits, '_' or '-'",
        id="bad-id",
    ),
    pytest.param(
        replace_line(GOOD, "shortcut: s\n", "shortcut: sp\n"),
        19,
        "stance[0].shortcut",
        "a shortcut is one printable character, got 'sp'",
        id="long-shortcut",
    ),
    pytest.param(
        replace_line(GOOD, "    name_en: ISIS\n", "    name_en: ISIS\n    name_en: IS\n"),
        7,
        "actor[0].name_en",
        "duplicate key (also on line 6)",
        id="duplicate-key",
    ),
    pytest.param(
        replace_line(GOOD, "    name_en: ISIS\n", "    name_en:\n"),
        6,
        "actor[0].name_en",
        "missing value",
        id="null-value",
    ),
    pytest.param(
        replace_line(GOOD, "aliases: [قسد, SDF]", "aliases: [قسد, SDF]\n    kind: militia"),
        14,
        "actor[1].kind",
        "unknown kind 'militia'",
        id="unknown-kind",
    ),
    pytest.param(
        GOOD + "  - junk\n",
        36,
        "claim_type[2]",
        "expected a mapping, got text ('junk')",
        id="value-not-a-mapping",
    ),
    pytest.param("- a\n- b\n", 1, "(top level)", "expected a mapping, got a list", id="root-list"),
    pytest.param("", 1, "(top level)", "empty file", id="empty-file"),
    pytest.param(
        GOOD + "---\nname: other\n",
        36,
        "(yaml)",
        "expected a single document in the stream, but found another document",
        id="two-documents",
    ),
    pytest.param(
        replace_line(GOOD, "    name_en: ISIS\n", "    name_en: ISIS\n\tkind: person\n"),
        7,
        "(yaml)",
        "found character '\\t' that cannot start any token",
        id="tab-indent",
    ),
    pytest.param(
        replace_line(GOOD, "name_en: ISIS", "name_en: IS\x07IS"),
        6,
        "(yaml)",
        "special characters are not allowed: U+0007",
        id="control-character",
    ),
    # YAML's escapes let a quoted string hold what its reader refuses raw.
    pytest.param(
        replace_line(GOOD, "label_en: Supportive", 'label_en: "Sup\\e]0;pwned\\a"'),
        17,
        "stance[0].label_en",
        "control character U+001B (ESC) at character 4",
        id="escaped-esc-in-label",
    ),
    pytest.param(
        replace_line(GOOD, "description: Approves.", 'description: "Appr\\u202eoves."'),
        18,
        "stance[0].description",
        "bidi control U+202E (RLO) at character 5",
        id="override-in-description",
    ),
    pytest.param(
        replace_line(GOOD, "aliases: [قسد, SDF]", 'aliases: [قسد, "S\\x9bDF"]'),
        13,
        "actor[1].aliases[1]",
        "control character U+009B (CSI) at character 2",
        id="c1-in-alias",
    ),
    pytest.param(
        replace_line(GOOD, "name_ar: داعش", 'name_ar: "\\u2067داعش"'),
        5,
        "actor[0].name_ar",
        "bidi control U+2067 (RLI) at character 1 is never closed by a PDI",
        id="unpaired-isolate-in-name",
    ),
    pytest.param(
        replace_line(GOOD, "shortcut: s", 'shortcut: "\\u202d"'),
        19,
        "stance[0].shortcut",
        "bidi control U+202D (LRO) at character 1",
        id="override-as-shortcut",
    ),
    pytest.param(
        replace_line(GOOD, "name: mini", 'name: "mi\\tni"'),
        1,
        "name",
        "control character U+0009 (TAB) at character 3",
        id="tab-in-name",
    ),
]


def test_paired_isolates_and_multiline_descriptions_are_kept(tmp_path: Path) -> None:
    text = replace_line(GOOD, "name_ar: داعش", 'name_ar: "\\u2068داعش\\u2069 (IS)"')
    text = replace_line(
        text, "description: Approves.", "description: |\n      Line one.\n      Two."
    )
    schema = load_schema(write(tmp_path, text))
    assert schema.actors[0].name_ar == "\u2068داعش\u2069 (IS)"
    assert schema.stances[0].description == "Line one.\nTwo."


@pytest.mark.parametrize(("text", "line", "field", "message"), BAD_CASES)
def test_bad_schema_gives_one_line_error(
    tmp_path: Path, text: str, line: int, field: str, message: str
) -> None:
    error = error_of(tmp_path, text)
    assert (error.line, error.field) == (line, field), str(error)
    assert message in error.message, str(error)
    assert str(error) == f"{tmp_path / 'my.yaml'}:{line}: {field}: {error.message}"


def test_error_format_matches_the_documented_example(tmp_path: Path) -> None:
    text = replace_line(
        GOOD, '    shortcut: d\n    color: "#AbCdEf"', "    shortcut: f\n    color: red"
    )
    error = error_of(tmp_path, text)
    assert str(error) == (
        f"{tmp_path / 'my.yaml'}:34: claim_type[1].shortcut: "
        "duplicate shortcut 'f' (also used by claim_type[0])"
    )


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(SchemaError) as info:
        load_schema(path)
    assert str(info.value) == f"{path}: (file): cannot read: No such file or directory"
    assert info.value.line is None


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"name: mini\nversion: 1\n# caf\xe9\n")
    with pytest.raises(SchemaError) as info:
        load_schema(path)
    assert str(info.value) == f"{path}:3: (file): not UTF-8 text (byte 0xe9)"


def test_yaml_tags_are_not_executed(tmp_path: Path) -> None:
    text = replace_line(GOOD, "name: mini", "name: !!python/object/apply:os.getcwd []")
    error = error_of(tmp_path, text)
    assert (error.line, error.field) == (1, "name")
    assert "expected text, got a list" in error.message or "tagged" in error.message


def test_parse_schema_names_the_given_file() -> None:
    with pytest.raises(SchemaError, match=r"^inline:1: \(top level\): empty file"):
        parse_schema("", filename="inline")


# --- the bundled schema ----------------------------------------------------------------------


def test_default_schema_loads_from_package_resources() -> None:
    schema = default_schema()
    assert schema.name == "news"
    assert schema.version
    assert schema.source.endswith("news.yaml")
    assert load_schema_or_default(None) is schema
    assert len(schema.stances) == 4 and len(schema.claim_types) == 8
    assert schema.target_allowed and schema.note_allowed


def test_default_schema_values_are_the_agreed_sets() -> None:
    schema = default_schema()
    assert [s.id for s in schema.stances] == ["supportive", "critical", "neutral", "mixed"]
    assert {c.id for c in schema.claim_types} == {
        "factual_report",
        "official_statement",
        "warning",
        "prediction",
        "opinion",
        "denial",
        "allegation",
        "statistic",
    }
    for value in (*schema.stances, *schema.claim_types):
        assert value.label_ar and value.label_en and value.description and value.shortcut


@pytest.mark.parametrize(
    ("query", "actor_id"),
    [
        ("داعش", "isis"),
        ("تنظيم الدولة", "isis"),
        ("ISIS", "isis"),
        ("قسد", "sdf"),
        ("قوات سوريا الديمقراطية", "sdf"),
        ("SDF", "sdf"),
        ("السفارة الأمريكية", "us_embassy"),
        ("US Embassy", "us_embassy"),
        ("القيادة المركزية الأمريكية", "centcom"),
        ("سنتكوم", "centcom"),
        ("CENTCOM", "centcom"),
        ("الحكومة العراقية", "iraqi_government"),
        ("القوات الأمنية العراقية", "iraqi_security_forces"),
        ("الآسايش", "asayish"),
        ("مصدر أمني", "anonymous_security_source"),
        ("صباح النعمان", "sabah_al_numan"),
        ("عمران الكركوشي", "imran_al_karkoshi"),
        ("هيثم الزركاني", "haitham_al_zarkani"),
        ("علي نعمة البنداوي", "ali_nima_al_bandawi"),
        ("محمد شياع السوداني", "mohammed_shia_al_sudani"),
        ("قاسم الأعرجي", "qasim_al_araji"),
        ("ريبر أحمد", "rebar_ahmed"),
        ("مظلوم عبدي", "mazloum_abdi"),
        ("محسن رضائي", "mohsen_rezaei"),
        ("أنتوني بلينكن", "antony_blinken"),
        ("دانييل شابيرو", "daniel_shapiro"),
        ("كوريلا", "michael_kurilla"),
        ("مقتدى الصدر", "muqtada_al_sadr"),
        ("حميد العبيدي", "hamid_al_obaidi"),
        ("علي المعماري", "ali_al_maamari"),
        ("عدنان الكناني", "adnan_al_kinani"),
        ("سيف رعد", "saif_raad"),
        ("فراس إلياس", "firas_elias"),
        ("سرمد البياتي", "sarmad_al_bayati"),
        ("شفق نيوز", "shafaq_news"),
        ("إرم نيوز", "erem_news"),
        ("العرب", "al_arab"),
        ("واشنطن", "us_government"),
        ("الولايات المتحدة", "us_government"),
        ("دمشق", "syrian_government"),
        ("الحكومة السورية", "syrian_government"),
        ("التحالف الدولي", "international_coalition"),
        ("تركيا", "turkey"),
        ("إيران", "iran"),
        ("البيشمركة", "peshmerga"),
    ],
)
def test_default_schema_covers_the_seed_actors(query: str, actor_id: str) -> None:
    assert [a.id for a in default_schema().find_actors(query, limit=1)] == [actor_id]


def test_named_people_of_the_default_schema_appear_in_the_seeds(seeds_dir: Path) -> None:
    seeds = normalize_for_search(
        " ".join(path.read_text(encoding="utf-8") for path in sorted(seeds_dir.glob("*.txt")))
    )
    missing = [
        actor.id
        for actor in default_schema().actors
        if actor.kind == "person"
        and not any(normalize_for_search(name) in seeds for name in actor.names)
    ]
    assert missing == []


def test_default_schema_names_are_unambiguous() -> None:
    """No two actors share a name or alias once normalised, so an exact name finds one."""
    owner: dict[str, str] = {}
    clashes = []
    for actor in default_schema().actors:
        for name in {normalize_for_search(n) for n in actor.names}:
            if owner.setdefault(name, actor.id) != actor.id:
                clashes.append((name, owner[name], actor.id))
    assert clashes == []


def test_every_default_actor_is_found_first_by_its_names() -> None:
    schema = default_schema()
    for actor in schema.actors:
        for name in actor.names:
            assert schema.find_actors(name)[0] is actor, (name, actor.id)


def test_default_schema_kinds_and_colours_are_valid() -> None:
    schema = default_schema()
    for actor in schema.actors:
        assert actor.kind in ACTOR_KINDS
        assert actor.color_hex.startswith("#")


# --- model: lookups, JSON, extra actors, validation --------------------------------------------


def test_lookups_by_id_and_shortcut() -> None:
    schema = default_schema()
    isis = schema.actor("isis")
    assert isis is not None and isis.name_ar == "داعش" and isis.name_en == "ISIS"
    assert isis.label_ar == isis.name_ar  # actors answer to the value interface too
    assert schema.actor("nobody") is None
    critical = schema.stance("critical")
    assert critical is not None and critical.label_en == "Critical"
    assert schema.stance("isis") is None
    denial = schema.claim_type("denial")
    assert denial is not None
    assert schema.by_shortcut("claim_type", denial.shortcut) is denial
    assert schema.by_shortcut("actor", "d") is isis
    assert schema.by_shortcut("stance", "c") is critical
    assert schema.by_shortcut("stance", "?") is None
    with pytest.raises(ValueError, match="unknown field 'colour'"):
        schema.by_shortcut("colour", "d")
    assert schema.values("stance") == schema.stances
    assert FIELDS == ("actor", "stance", "claim_type")


def test_to_json_is_the_2_0_layout_and_round_trips(tmp_path: Path) -> None:
    schema = default_schema()
    data = schema.to_json()
    assert set(data) == {
        "name",
        "version",
        "description",
        "actors",
        "attributes",
        "document_attributes",
        "kinds",
        "relations",
    }
    assert data["actors"][0] == {
        "id": "isis",
        "name_ar": "داعش",
        "name_en": "ISIS",
        "aliases": list(schema.actors[0].aliases),
        "kind": "armed_group",
        "description": schema.actors[0].description,
        "shortcut": "d",
        "color": "firebrick",
    }
    assert [a["id"] for a in data["attributes"]] == list(ATTRIBUTES)
    assert data["document_attributes"] == []
    stance = data["attributes"][1]
    assert [s["id"] for s in stance["values"]] == ["supportive", "critical", "neutral", "mixed"]
    assert set(stance["values"][0]) == {
        "id",
        "label_ar",
        "label_en",
        "description",
        "shortcut",
        "color",
    }
    assert data["attributes"][0] == {
        "id": "actor",
        "type": "actor",
        "label_ar": "الفاعل",
        "label_en": "Actor",
        "description": "",
        "multiple": False,
        "required": False,
    }
    assert data["attributes"][2] == {
        "id": "target",
        "type": "text",
        "label_ar": "موضوع الموقف",
        "label_en": "Target",
        "description": schema.target.description,
        "required": False,
        "when": "stance",
    }
    # JSON is YAML: the dump reads back as the same schema.
    path = write(tmp_path, json.dumps(data, ensure_ascii=False), "dump.json")
    assert load_schema(path) == schema


def test_with_extra_actors_adds_user_actors_after_the_schema() -> None:
    schema = default_schema()
    mine = Actor(
        id="tribal_council", name_ar="مجلس العشائر", name_en="Tribal council", shortcut="z"
    )
    clash = Actor(id="isis", name_ar="شيء آخر", name_en="Something else")
    taken = Actor(id="new_one", name_ar="جديد", name_en="New one", shortcut="d")
    again = Actor(id="tribal_council", name_ar="مكرر", name_en="Repeat")
    extended = schema.with_extra_actors([mine, clash, taken, again])
    assert [a.id for a in extended.actors[len(schema.actors) :]] == ["tribal_council", "new_one"]
    added = extended.actor("tribal_council")
    assert added is not None and added.user_added and added.name_ar == "مجلس العشائر"
    assert extended.actor("isis") == schema.actor("isis")  # the schema wins
    new_one = extended.actor("new_one")
    assert new_one is not None and new_one.shortcut is None  # 'd' is ISIS's
    assert extended.by_shortcut("actor", "z") is added
    assert extended.find_actors("العشائر")[0] is added
    assert schema.actor("tribal_council") is None  # the original is untouched
    assert schema.with_extra_actors([]) is schema
    assert extended.to_json()["actors"][-1]["user_added"] is True
    listed = Actor("listed", "مدرج", "Listed", ["a", "b"])  # type: ignore[arg-type]
    assert listed.aliases == ("a", "b") and hash(listed)


def test_validate_passage_attributes() -> None:
    schema = default_schema()
    assert schema.validate_passage_attributes("isis", "critical", "warning") == []
    assert schema.validate_passage_attributes(None, None, None) == []
    assert schema.validate_passage_attributes("mine", None, None, extra_actor_ids=["mine"]) == []
    problems = schema.validate_passage_attributes("nobody", "angry", "rumour")
    assert problems[0] == "unknown actor 'nobody'"
    assert problems[1].startswith("unknown stance 'angry' (expected one of: supportive,")
    assert problems[2].startswith("unknown claim_type 'rumour' (expected one of:")
    assert len(problems) == 3


def test_target_not_allowed_is_reported(tmp_path: Path) -> None:
    schema = load_schema(write(tmp_path, GOOD))
    assert schema.validate_passage_attributes(None, "supportive", None, target="x") == [
        "schema 'mini' does not allow a stance target"
    ]
    assert default_schema().validate_passage_attributes(None, "supportive", None, target="x") == []


def test_schemas_are_immutable() -> None:
    schema = default_schema()
    with pytest.raises(AttributeError):
        schema.name = "other"  # type: ignore[misc]
    assert isinstance(schema, LabelSchema)


# --- colours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("color", "hex_value"),
    [
        ("#abc", "#aabbcc"),
        ("#A0B1C2", "#a0b1c2"),
        ("red", "#ff0000"),
        ("DarkSlateGrey", "#2f4f4f"),
        ("rebeccapurple", "#663399"),
    ],
)
def test_valid_colours(color: str, hex_value: str) -> None:
    assert is_valid_color(color)
    assert color_to_hex(color) == hex_value


@pytest.mark.parametrize("color", ["#abcd", "#ggg", "reddish", "bright_red", "", "rgb(1,2,3)"])
def test_invalid_colours(color: str) -> None:
    assert not is_valid_color(color)
    with pytest.raises(ValueError):
        color_to_hex(color)


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("دَاعِشُ", "داعش"),  # harakat
        ("داعـــش", "داعش"),  # tatweel
        ("أإآٱا", "ااااا"),  # alef forms
        ("مستشفى", "مستشفي"),  # alef maksura
        ("السفارة", "السفاره"),  # teh marbuta
        ("Türkiye  U.S.", "turkiye u s"),  # accents, case, punctuation
        ("ﺩﺍﻋﺶ", "داعش"),  # presentation forms
    ],
)
def test_normalize_for_search(text: str, normalized: str) -> None:
    assert normalize_for_search(text) == normalized


@pytest.mark.parametrize(
    ("query", "actor_id"),
    [
        ("قسد", "sdf"),
        ("sdf", "sdf"),
        ("Sdf", "sdf"),
        ("سوريا الديمقراطية", "sdf"),
        ("الديمقراطيه", "sdf"),  # teh marbuta typed as heh
        ("democratic syrian", "sdf"),  # words in any order
        ("داعش", "isis"),
        ("دَاعِش", "isis"),
        ("داعـــش", "isis"),
        ("daesh", "isis"),
        ("اسايش", "asayish"),  # no article, no madda
        ("الاسايش", "asayish"),
        ("سفارة امريكية", "us_embassy"),  # no article, no hamza
        ("centcom", "centcom"),
        ("cent", "centcom"),  # prefix
        ("سنتك", "centcom"),
        ("sudani", "mohammed_shia_al_sudani"),  # al- optional
        ("al-sudani", "mohammed_shia_al_sudani"),
        ("shaf", "shafaq_news"),
        ("كركوشي", "imran_al_karkoshi"),  # ال optional in the query too
        ("coalition", "international_coalition"),
        ("مصدر امني", "anonymous_security_source"),
        ("kurilla", "michael_kurilla"),
        ("ktrlla", None),  # letters not in order anywhere
    ],
)
def test_find_actors_ranks_the_intended_actor_first(query: str, actor_id: str | None) -> None:
    found = default_schema().find_actors(query)
    if actor_id is None:
        assert found == []
    else:
        assert found and found[0].id == actor_id, [a.id for a in found[:5]]


def test_find_actors_ranks_exact_before_prefix_before_substring_before_subsequence() -> None:
    actors = tuple(
        Actor(id=actor_id, name_ar="", name_en=name)
        for actor_id, name in [
            ("subsequence", "Bxaxsxrxa"),
            ("substring", "Abasra"),
            ("word_prefix", "Old Basra"),
            ("prefix", "Basra Province"),
            ("exact", "basra"),
        ]
    )
    schema = LabelSchema(name="t", version="1", actors=actors, stances=(), claim_types=())
    assert [a.id for a in schema.find_actors("Basra")] == [
        "exact",
        "prefix",
        "word_prefix",
        "substring",
        "subsequence",
    ]
    assert [a.id for a in schema.find_actors("basra", limit=2)] == ["exact", "prefix"]
    assert [a.id for a in schema.find_actors("  ")] == [a.id for a in actors]


def test_subsequence_query_finds_an_abbreviation() -> None:
    assert default_schema().find_actors("cntcm")[0].id == "centcom"


def test_the_example_in_the_docs_is_a_valid_schema(tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "schema.md"
    example = docs.read_text(encoding="utf-8").split("```yaml\n", 1)[1].split("```", 1)[0]
    schema = load_schema(write(tmp_path, example))
    assert [a.id for a in schema.actors] == ["sdf"]
    assert schema.find_actors("قسد")[0].id == "sdf"
    assert schema.claim_types[0].color_hex == "#ee6633"


# --- required attributes -----------------------------------------------------------------


def test_required_attributes_are_read_from_either_form(tmp_path: Path) -> None:
    # A list attribute is required in its mapping form; a free-text one with a key.
    text = replace_line(
        GOOD,
        "stance:\n  - id: supportive",
        "stance:\n  required: true\n  values:\n  - id: supportive",
    )
    text = replace_line(
        text, "target:\n  allowed: false", "target:\n  allowed: true\n  required: true"
    )
    schema = load_schema(write(tmp_path, text))
    assert schema.required == {"stance", "target"}
    assert [s.id for s in schema.stances] == ["supportive"]
    assert schema.is_required("stance") and not schema.is_required("claim_type")
    assert load_schema(write(tmp_path, GOOD)).required == frozenset()


def test_missing_required_names_empty_attributes_in_dialog_order(tmp_path: Path) -> None:
    text = replace_line(
        GOOD,
        "claim_type:\n  - id: factual",
        "claim_type:\n  required: true\n  values:\n  - id: factual",
    )
    text = replace_line(
        text, "actor:\n  - id: isis", "actor:\n  required: true\n  values:\n  - id: isis"
    )
    schema = load_schema(write(tmp_path, text))
    assert schema.missing_required({"actor": None, "stance": "supportive"}) == [
        "actor",
        "claim_type",
    ]
    assert schema.missing_required({"actor": "isis", "claim_type": " "}) == ["claim_type"]
    assert schema.missing_required({"actor": "isis", "claim_type": "denial"}) == []


def test_required_round_trips_through_json(tmp_path: Path) -> None:
    text = replace_line(
        GOOD,
        "stance:\n  - id: supportive",
        "stance:\n  required: true\n  values:\n  - id: supportive",
    )
    text = text + "note:\n  required: true\n"
    schema = load_schema(write(tmp_path, text))
    data = schema.to_json()
    required = {a["id"]: a["required"] for a in data["attributes"]}
    assert required == {"actor": False, "stance": True, "claim_type": False, "note": True}
    path = write(tmp_path, json.dumps(data, ensure_ascii=False), "dump.json")
    assert load_schema(path) == schema


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        (
            "stance:\n  - id: supportive",
            "stance:\n  required: yes please\n  values:\n  - id: supportive",
            15,
            "stance.required",
            "expected true or false",
        ),
        (
            "target:\n  allowed: false",
            "target:\n  allowed: false\n  required: true",
            23,
            "target.required",
            "a field not allowed cannot be required",
        ),
        (
            "stance:\n  - id: supportive",
            "stance:\n  required: true\n  - id: supportive",
            15,
            "(yaml)",
            "",
        ),
        (
            "stance:\n  - id: supportive",
            "stance:\n  required: true\n  valuez:\n  - id: supportive",
            16,
            "stance.valuez",
            "did you mean 'values'?",
        ),
    ],
)
def test_bad_required_gives_one_line_error(
    tmp_path: Path, old: str, new: str, line: int, field: str, message: str
) -> None:
    error = error_of(tmp_path, replace_line(GOOD, old, new))
    assert error.field == field, str(error)
    assert message in error.message, str(error)
    if field != "(yaml)":
        assert error.line == line, str(error)


# --- schema 2.0: attributes of a passage and of a document -----------------------------------

# A small 2.0 schema with every type; line numbers in the tests refer to this text.
GOOD2 = textwrap.dedent(
    """\
    name: mini
    version: "2.0"
    actors:
      - id: isis
        name_ar: داعش
        name_en: ISIS
        shortcut: d
    attributes:
      - id: speaker
        type: actor
        multiple: true
      - id: stance
        type: choice
        required: true
        values:
          - id: critical
            label_ar: منتقد
            label_en: Critical
            description: Opposes.
            shortcut: c
            color: crimson
          - id: neutral
            label_ar: محايد
            label_en: Neutral
            description: No side.
            shortcut: n
            color: gray
      - id: target
        type: text
        when: stance
        required: true
      - id: topics
        type: choice
        multiple: true
        label_ar: المواضيع
        label_en: Topics
        values:
          - id: prisons
            label_ar: السجون
            label_en: Prisons
            description: Prisons and camps.
            shortcut: c
            color: "#abc"
          - id: withdrawal
            label_ar: الانسحاب
            label_en: Withdrawal
            description: Troops leaving.
            shortcut: w
            color: steelblue
      - id: quoted
        type: boolean
        description: The passage is a direct quotation.
    document_attributes:
      - id: stance
        type: choice
        values:
          - id: critical
            label_ar: منتقد
            label_en: Critical
            description: Opposes.
            shortcut: c
            color: crimson
      - id: summary
        type: text
        when: stance
    """
)
DATA = Path(__file__).resolve().parents[1] / "data" / "schemas"


def test_a_2_0_schema_reads_every_type(tmp_path: Path) -> None:
    schema = load_schema(write(tmp_path, GOOD2))
    assert (schema.name, schema.version) == ("mini", "2.0")
    assert [a.id for a in schema.actors] == ["isis"]
    speaker, stance, target, topics, quoted = schema.attributes
    assert speaker == Attribute("speaker", "actor", "speaker", "speaker", multiple=True)
    assert (stance.type, stance.required, stance.multiple) == ("choice", True, False)
    assert [v.id for v in stance.values] == ["critical", "neutral"]
    assert (stance.label_ar, stance.label_en) == ("الموقف", "Stance")  # a built-in name
    assert (target.type, target.when, target.required) == ("text", "stance", True)
    assert (topics.label_ar, topics.label_en, topics.multiple) == ("المواضيع", "Topics", True)
    assert topics.by_shortcut("c") is topics.value("prisons")  # `c` is free within topics
    assert topics.value("nothing") is None and topics.by_shortcut("x") is None
    assert quoted.type == "boolean" and quoted.description.startswith("The passage")
    assert [a.id for a in schema.document_attributes] == ["stance", "summary"]
    assert schema.attribute("summary") is None
    assert schema.attribute("summary", "document") is schema.document_attributes[1]
    assert schema.attribute("stance", "document") != schema.attribute("stance")
    with pytest.raises(ValueError, match="unknown level 'article'"):
        schema.attribute("stance", "article")


def test_the_1_0_view_is_derived_from_the_attributes(tmp_path: Path) -> None:
    schema = load_schema(write(tmp_path, GOOD2))
    assert [v.id for v in schema.stances] == ["critical", "neutral"]
    assert schema.claim_types == () and schema.claim_type("denial") is None
    assert schema.target_allowed and not schema.note_allowed
    assert schema.required == {"stance", "target"} and schema.is_required("target")
    assert schema.values("topics") == schema.attributes[3].values
    assert schema.values("speaker") == schema.actors  # any actor attribute: the registry
    assert schema.by_shortcut("topics", "w") is schema.attributes[3].value("withdrawal")
    assert schema.by_shortcut("actor", "d") is schema.actor("isis")
    with pytest.raises(ValueError, match="unknown field 'quoted'"):
        schema.values("quoted")
    # `when` unmet: the target is not offered, so it is not missing.
    assert schema.missing_required({}) == ["stance"]
    assert schema.missing_required({"stance": "neutral"}) == ["target"]


def test_the_bundled_schema_is_2_0_with_the_five_attributes() -> None:
    schema = default_schema()
    # The layout is 2.0; the version is the label set's own, unchanged with its values (it
    # is recorded with every annotation and written in every export line).
    assert schema.version == "1.0"
    assert "\nattributes:\n" in Path(schema.source).read_text(encoding="utf-8")
    assert [(a.id, a.type, a.when) for a in schema.attributes] == [
        ("actor", "actor", None),
        ("stance", "choice", None),
        ("target", "text", "stance"),
        ("claim_type", "choice", None),
        ("note", "text", None),
    ]
    assert schema.document_attributes == ()
    assert not any(a.required or a.multiple for a in schema.attributes)


def test_the_1_0_copy_of_the_bundled_schema_loads_as_the_2_0_one() -> None:
    old = load_schema(DATA / "news-1.0.yaml")
    new = default_schema()
    assert "\nstance:\n" in (DATA / "news-1.0.yaml").read_text(encoding="utf-8")
    assert old.attributes == new.attributes
    assert old.actors == new.actors
    assert old.document_attributes == new.document_attributes == ()
    # name, version and description too; kinds and relations are what 1.0 cannot say
    assert old == replace(new, kinds=(implicit_kind(new.attributes),), relations=())
    assert [k.id for k in old.kinds] == ["passage"] and old.relations == ()


def test_news_plus_adds_certainty_and_overall_stance_with_no_code() -> None:
    plus = load_schema(DATA / "news-plus.yaml")
    bundled = default_schema()
    assert plus.actors == bundled.actors
    assert [a.id for a in plus.attributes] == [
        "actor",
        "stance",
        "target",
        "claim_type",
        "certainty",
        "note",
    ]
    assert tuple(a for a in plus.attributes if a.id != "certainty") == bundled.attributes
    certainty = plus.attribute("certainty")
    assert certainty is not None and certainty.type == "choice" and not certainty.multiple
    assert [(v.id, v.shortcut) for v in certainty.values] == [
        ("certain", "1"),
        ("likely", "2"),
        ("doubtful", "3"),
    ]
    overall = plus.attribute("overall_stance", "document")
    assert overall is not None and overall.values == bundled.stances


@pytest.mark.parametrize(
    ("section", "dropped"),
    [("target:\n  allowed: false", "target"), ("note:\n  allowed: false", "note")],
)
def test_1_0_allowed_false_drops_the_attribute_and_is_enforced(
    tmp_path: Path, section: str, dropped: str
) -> None:
    text = GOOD.replace("target:\n  allowed: false\n", "") + section + "\n"
    schema = load_schema(write(tmp_path, text))
    assert dropped not in [a.id for a in schema.attributes]
    assert schema.validate_labels({dropped: "a remark"}) == [
        (
            dropped,
            f"unknown attribute '{dropped}' (expected: "
            + ", ".join(a.id for a in schema.attributes)
            + ")",
        )
    ]


def test_1_0_required_maps_onto_the_attribute(tmp_path: Path) -> None:
    text = replace_line(
        GOOD, "actor:\n  - id: isis", "actor:\n  required: true\n  values:\n  - id: isis"
    )
    text += "note:\n  required: true\n  description: Say why.\n"
    schema = load_schema(write(tmp_path, text))
    by_id = {a.id: a for a in schema.attributes}
    assert by_id["actor"].required and by_id["note"].required
    assert by_id["note"].description == "Say why."
    assert not by_id["stance"].required and not by_id["claim_type"].required


def test_the_2_0_dump_of_news_plus_round_trips(tmp_path: Path) -> None:
    plus = load_schema(DATA / "news-plus.yaml")
    data = plus.to_json()
    assert [a["id"] for a in data["document_attributes"]] == ["overall_stance"]
    path = write(tmp_path, json.dumps(data, ensure_ascii=False), "dump.json")
    assert load_schema(path) == plus
    mini = load_schema(write(tmp_path, GOOD2))
    path = write(tmp_path, json.dumps(mini.to_json(), ensure_ascii=False), "mini.json")
    assert load_schema(path) == mini


def test_a_legacy_constructor_builds_the_1_0_attributes() -> None:
    schema = LabelSchema(name="t", version="1", actors=(), stances=(), claim_types=())
    assert [a.id for a in schema.attributes] == list(ATTRIBUTES)
    with pytest.raises(TypeError):
        LabelSchema(name="t", version="1", attributes=(), stances=())


BAD2_CASES = [
    pytest.param(
        replace_line(GOOD2, "    type: boolean", "    type: yes_no"),
        51,
        "attributes[4].type",
        "unknown type 'yes_no' (expected one of: choice, actor, text, boolean)",
        id="unknown-type",
    ),
    pytest.param(
        replace_line(GOOD2, "    type: boolean\n", "    type: boolean\n    values: []\n"),
        52,
        "attributes[4].values",
        "only a choice attribute has values (this one is boolean)",
        id="values-on-boolean",
    ),
    pytest.param(
        GOOD2.split("  - id: topics")[0] + "  - id: topics\n    type: choice\n",
        32,
        "attributes[3].values",
        "missing field (a choice attribute lists its values)",
        id="choice-without-values",
    ),
    pytest.param(
        replace_line(GOOD2, "    when: stance\n    required: true", "    multiple: true"),
        30,
        "attributes[2].multiple",
        "only choice and actor attributes take several values (this one is text)",
        id="multiple-on-text",
    ),
    pytest.param(
        replace_line(GOOD2, "    when: stance\n    required: true", "    when: topics"),
        30,
        "attributes[2].when",
        "'topics' is not an earlier attribute of this list "
        "(`when` names one declared before this one: speaker, stance)",
        id="when-names-a-later-attribute",
    ),
    pytest.param(
        replace_line(GOOD2, "    when: stance\n    required: true", "    when: target"),
        30,
        "attributes[2].when",
        "'target' is not an earlier attribute",
        id="when-names-itself",
    ),
    pytest.param(
        replace_line(
            GOOD2,
            "  - id: summary\n    type: text\n    when: stance\n",
            "  - id: summary\n    type: text\n    when: quoted\n",
        ),
        65,
        "document_attributes[1].when",
        "'quoted' is not an earlier attribute of this list "
        "(`when` names one declared before this one: stance)",
        id="when-names-the-other-level",
    ),
    pytest.param(
        replace_line(GOOD2, "  - id: quoted", "  - id: topics"),
        50,
        "attributes[4].id",
        "duplicate id 'topics' (also used by attributes[3])",
        id="duplicate-attribute-id",
    ),
    pytest.param(
        replace_line(GOOD2, "        shortcut: w", "        shortcut: c"),
        48,
        "attributes[3].values[1].shortcut",
        "duplicate shortcut 'c' (also used by attributes[3].values[0])",
        id="duplicate-shortcut-within-an-attribute",
    ),
    pytest.param(
        replace_line(GOOD2, '"#abc"', "tealish"),
        43,
        "attributes[3].values[0].color",
        "unknown colour 'tealish'",
        id="bad-value-colour",
    ),
    pytest.param(
        replace_line(GOOD2, "        label_en: Withdrawal\n", ""),
        44,
        "attributes[3].values[1].label_en",
        "missing field",
        id="value-missing-label",
    ),
    pytest.param(
        replace_line(GOOD2, "    label_en: Topics", '    label_en: "Top\\u202eics"'),
        36,
        "attributes[3].label_en",
        "bidi control U+202E (RLO) at character 4",
        id="check-name-on-attribute-label",
    ),
    pytest.param(
        replace_line(GOOD2, "    label_ar: المواضيع", "    label_ar: [المواضيع]"),
        35,
        "attributes[3].label_ar",
        "expected text, got a list",
        id="attribute-label-not-text",
    ),
    pytest.param(
        replace_line(
            GOOD2, "    multiple: true\n  - id: stance", "    multiple: maybe\n  - id: stance"
        ),
        11,
        "attributes[0].multiple",
        "expected true or false, got text ('maybe')",
        id="multiple-not-a-flag",
    ),
    pytest.param(
        replace_line(
            GOOD2, "    when: stance\n    required: true", "    when: stance\n    requird: true"
        ),
        31,
        "attributes[2].requird",
        "unknown key 'requird' (did you mean 'required'?)",
        id="unknown-attribute-key",
    ),
    pytest.param(
        replace_line(GOOD2, "  - id: speaker\n", "  - id: Speaker\n"),
        9,
        "attributes[0].id",
        "bad id 'Speaker'",
        id="bad-attribute-id",
    ),
    pytest.param(
        replace_line(GOOD2, "    name_en: ISIS\n", "    name_en: ISIS\n    colour: red\n"),
        7,
        "actors[0].colour",
        "unknown key 'colour' (did you mean 'color'?)",
        id="actor-unknown-key",
    ),
    pytest.param(
        GOOD2 + "stance: []\n",
        66,
        "stance",
        "unknown key 'stance' (a 1.0 key: in 2.0 it is an entry of `attributes:`)",
        id="a-1.0-key-in-a-2.0-file",
    ),
    pytest.param(
        "name: x\nversion: '2.0'\n",
        1,
        "attributes",
        "missing field",
        id="no-attributes",
    ),
    pytest.param(
        "name: x\nversion: '2.0'\nattributes: []\n",
        3,
        "attributes",
        "empty list: declare at least one attribute",
        id="empty-attributes",
    ),
    pytest.param(
        GOOD2 + "extras: {}\n",
        66,
        "extras",
        "unknown key 'extras' (expected: name, version, description, actors, attributes, "
        "document_attributes, cues, kinds, relations)",
        id="unknown-2.0-top-key",
    ),
    pytest.param(
        replace_line(
            GOOD2,
            "  - id: summary\n    type: text\n",
            "  - id: summary\n    type: text\n    values:\n",
        ),
        65,
        "document_attributes[1].values",
        "only a choice attribute has values (this one is text)",
        id="document-attribute-error",
    ),
]


@pytest.mark.parametrize(("text", "line", "field", "message"), BAD2_CASES)
def test_a_bad_2_0_schema_gives_one_line_error(
    tmp_path: Path, text: str, line: int, field: str, message: str
) -> None:
    error = error_of(tmp_path, text)
    assert (error.line, error.field) == (line, field), str(error)
    assert message in error.message, str(error)
    assert str(error) == f"{tmp_path / 'my.yaml'}:{line}: {field}: {error.message}"


# --- validate_labels and clean_labels --------------------------------------------------------


@pytest.fixture
def mini2(tmp_path: Path) -> LabelSchema:
    return load_schema(write(tmp_path, GOOD2))


def test_valid_labels_have_no_problems(mini2: LabelSchema) -> None:
    labels = {
        "speaker": ["isis", "mine"],
        "stance": "critical",
        "target": "the withdrawal",
        "topics": ["withdrawal"],
        "quoted": False,
    }
    assert mini2.validate_labels(labels, extra_actor_ids=["mine"]) == []
    assert mini2.validate_labels({"stance": "neutral", "target": "x", "note": None}) == [
        ("note", "unknown attribute 'note' (expected: speaker, stance, target, topics, quoted)")
    ]
    assert mini2.validate_labels({"stance": "critical"}, "document") == []


# Each case adds its labels to a complete, valid label: one problem, named by attribute.
VALID = {"stance": "neutral", "target": "x"}


@pytest.mark.parametrize(
    ("labels", "attribute", "reason"),
    [
        ({"colour": "red"}, "colour", "unknown attribute 'colour' (expected: speaker,"),
        (
            {"topics": ["prisons", "taxes"]},
            "topics",
            "unknown value 'taxes' (expected one of: prisons, withdrawal)",
        ),
        ({"speaker": ["nobody"]}, "speaker", "unknown actor 'nobody'"),
        ({"stance": ["critical"]}, "stance", "expected one value, got a list (it takes one)"),
        ({"topics": "prisons"}, "topics", "expected a list of values (it takes several), got text"),
        ({"topics": ["prisons", "prisons"]}, "topics", "duplicate value 'prisons'"),
        ({"topics": [3]}, "topics", "expected a value id (text), got a number"),
        ({"stance": True}, "stance", "expected a value id (text), got true/false"),
        ({"target": 7}, "target", "expected text, got a number"),
        ({"quoted": "yes"}, "quoted", "expected true or false, got text"),
        ({"quoted": 1}, "quoted", "expected true or false, got a number"),
        (
            {"stance": None, "target": "the army"},
            "stance",
            "required, but not given",
        ),
        ({"target": "  "}, "target", "required, but not given"),
        ({"stance": "rumour\x1b]0;x"}, "stance", "unknown value 'rumour␛]0;x'"),
    ],
)
def test_validate_labels_names_each_problem(
    mini2: LabelSchema, labels: dict[str, object], attribute: str, reason: str
) -> None:
    problems = mini2.validate_labels({**VALID, **labels})
    assert [p[0] for p in problems][:1] == [attribute], problems
    assert problems[0][1].startswith(reason), problems


def test_an_attribute_given_before_its_when_is_reported(mini2: LabelSchema) -> None:
    problems = mini2.validate_labels({"target": "the army"})
    assert problems == [
        ("stance", "required, but not given"),
        ("target", "given without stance (offered once stance has a value)"),
    ]


def test_validate_labels_checks_the_document_level(mini2: LabelSchema) -> None:
    assert mini2.validate_labels({"summary": "x"}, "document") == [
        ("summary", "given without stance (offered once stance has a value)")
    ]
    assert mini2.validate_labels({"quoted": True}, "document")[0][0] == "quoted"
    with pytest.raises(ValueError, match="unknown level"):
        mini2.validate_labels({}, "corpus")


def test_clean_labels_gives_the_canonical_form(mini2: LabelSchema) -> None:
    labels = {
        "quoted": False,
        "topics": ["withdrawal", "", "prisons", "withdrawal", None],
        "note": "from an older schema",
        "target": "   ",
        "speaker": [],
        "stance": "critical",
        "gone": None,
    }
    cleaned = mini2.clean_labels(labels)
    assert cleaned == {
        "stance": "critical",
        "topics": ["withdrawal", "prisons"],
        "quoted": False,
        "note": "from an older schema",
    }
    assert list(cleaned) == ["stance", "topics", "quoted", "note"]  # schema order, then others
    assert mini2.clean_labels({"speaker": "isis"}) == {"speaker": ["isis"]}
    assert mini2.clean_labels({"summary": "x", "stance": "critical"}, "document") == {
        "stance": "critical",
        "summary": "x",
    }
    assert mini2.validate_labels(mini2.clean_labels({**labels, "note": None, "target": "t"})) == []


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("٢٠٢٤ و۱۲", "2024 و12"),  # Arabic-Indic and Persian digits
        ("عبد\u200cالله", "عبدالله"),  # a ZWNJ does not split a name
        ("مسؤول رئيس", "مسؤول رئيس"),  # the hamza on waw and yeh is kept
        ("  «قسد»،  SDF!  ", "قسد sdf"),
    ],
)
def test_normalize_for_search_follows_the_search_rules(text: str, normalized: str) -> None:
    assert normalize_for_search(text) == normalized
