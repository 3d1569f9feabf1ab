"""Kinds of passage and relation types in the schema: loading, one-line errors, lookups,
the labels of each kind and of each relation type."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from annotations.schema import (
    IMPLICIT_KIND,
    LabelSchema,
    SchemaError,
    default_schema,
    load_schema,
    parse_schema,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "schemas"

# Line numbers in the error tests refer to this text.
GOOD = textwrap.dedent(
    """\
    name: frames
    version: "1"
    actors:
      - {id: isis, name_ar: داعش, name_en: ISIS}
    attributes:
      - id: actor
        type: actor
      - id: stance
        type: choice
        values:
          - {id: critical, label_ar: منتقد, label_en: Critical, description: x, shortcut: c, color: red}
      - id: note
        type: text
    kinds:
      - id: content
        label_ar: مضمون
        label_en: Content
        shortcut: c
        color: steelblue
        attributes: [stance, actor, note]
      - id: source
        label_en: Source
        shortcut: s
        attributes: [actor]
      - id: cue
        attributes: []
    relations:
      - id: said_by
        label_ar: على لسان
        label_en: said by
        from: content
        to: source
        shortcut: s
        color: orange
        description: Who said it.
        attributes:
          - id: quote
            type: choice
            values:
              - {id: direct, label_ar: مباشر, label_en: Direct, description: x, shortcut: d, color: green}
      - id: part_of
        from: content
        to: content
    """
)


def parsed(text: str = GOOD) -> LabelSchema:
    return parse_schema(text, "frames.yaml")


def error(text: str) -> SchemaError:
    with pytest.raises(SchemaError) as info:
        parsed(text)
    return info.value


def test_kinds_and_relations_are_read_with_their_attributes() -> None:
    schema = parsed()
    assert [k.id for k in schema.kinds] == ["content", "source", "cue"]
    content, source, cue = schema.kinds
    # the schema's order, whatever order the kind lists them in
    assert content.attribute_ids == ("actor", "stance", "note")
    assert (content.label_ar, content.shortcut, content.color) == ("مضمون", "c", "steelblue")
    assert (source.label_ar, source.label_en) == ("source", "Source")  # an id stands in
    assert cue.attribute_ids == () and cue.shortcut is None  # `attributes: []`
    assert schema.default_kind is content
    assert schema.kind("") is content and schema.kind("source") is source
    assert schema.kind("nope") is None
    assert schema.kind_by_shortcut("s") is source
    assert [a.id for a in schema.attributes_of("source")] == ["actor"]
    assert [a.id for a in schema.attributes_of("")] == ["actor", "stance", "note"]
    assert schema.attributes_of("nope") == ()
    said_by = schema.relation("said_by")
    assert said_by is not None
    assert (said_by.from_kind, said_by.to_kind, said_by.shortcut) == ("content", "source", "s")
    assert said_by.description == "Who said it."
    assert [a.id for a in said_by.attributes] == ["quote"]
    assert said_by.level == "relation:said_by"
    assert schema.relation("nope") is None
    assert schema.relation_by_shortcut("s") is said_by
    assert schema.relations_between("content", "source") == (said_by,)
    assert schema.relations_between("", "source") == (said_by,)  # "" is the default kind
    assert [r.id for r in schema.relations_between("content", "content")] == ["part_of"]
    assert schema.relations_between("source", "content") == ()
    assert schema.declares_kinds


def test_a_kind_without_an_attributes_list_has_every_attribute() -> None:
    schema = parsed(GOOD.replace("    attributes: []\n", ""))
    assert schema.kind("cue") is not None
    assert [a.id for a in schema.attributes_of("cue")] == ["actor", "stance", "note"]
    # So a copy of the bundled schema that gains an attribute gives it to its contents.
    bundled = default_schema()
    assert schema_text_kinds_content_has_no_list(bundled.source)


def schema_text_kinds_content_has_no_list(path: str) -> bool:
    text = Path(path).read_text(encoding="utf-8")
    content = text.split("  - id: content\n", 1)[1].split("  - id: source\n", 1)[0]
    return "attributes:" not in content.replace("# no `attributes:`", "")


def test_a_schema_without_kinds_has_one_implicit_kind_with_every_attribute() -> None:
    v1 = load_schema(DATA / "news-1.0.yaml")
    minimal = parse_schema("name: m\nversion: '2'\nattributes:\n  - {id: note, type: text}\n")
    for schema in (v1, minimal):
        assert len(schema.kinds) == 1
        kind = schema.kinds[0]
        assert kind.id == IMPLICIT_KIND and schema.default_kind is kind
        assert kind.attribute_ids == tuple(a.id for a in schema.attributes)
        assert schema.relations == ()
        assert not schema.declares_kinds
        assert "kinds" not in schema.to_json() and "relations" not in schema.to_json()
        assert schema.validate_labels({"oops": "x"}) == [
            ("oops", f"unknown attribute 'oops' (expected: {', '.join(kind.attribute_ids)})")
        ]
    # A relation may link passages of the implicit kind.
    linked = parse_schema(
        "name: m\nversion: '2'\nattributes:\n  - {id: note, type: text}\n"
        "relations:\n  - {id: same, from: passage, to: passage}\n"
    )
    assert [r.id for r in linked.relations_between("", "")] == ["same"]


def test_labels_are_checked_against_the_passage_kind() -> None:
    schema = parsed()
    assert schema.validate_labels({"stance": "critical"}) == []
    assert schema.validate_labels({"actor": "isis"}, kind="source") == []
    assert schema.validate_labels({"stance": "critical"}, kind="source") == [
        ("stance", "unknown attribute 'stance' for kind source (expected: actor)")
    ]
    assert schema.validate_labels({"note": "x"}, kind="cue") == [
        ("note", "unknown attribute 'note' for kind cue (expected: none)")
    ]
    assert schema.validate_labels({}, kind="nope") == [
        ("kind", "unknown kind 'nope' (expected one of: content, source, cue)")
    ]


def test_relation_labels_are_checked_and_cleaned_at_the_relation_level() -> None:
    schema = parsed()
    level = "relation:said_by"
    assert schema.validate_labels({"quote": "direct"}, level) == []
    assert schema.validate_labels({"quote": "exact", "stance": "critical"}, level) == [
        ("stance", "unknown attribute 'stance' (expected: quote)"),
        ("quote", "unknown value 'exact' (expected one of: direct)"),
    ]
    assert schema.validate_labels({"quote": "direct"}, "relation:part_of") == [
        ("quote", "unknown attribute 'quote' (expected: none)")
    ]
    assert schema.clean_labels({"quote": "direct", "x": ""}, level) == {"quote": "direct"}
    assert schema.attribute("quote", level) is not None
    assert schema.attribute("quote") is None
    with pytest.raises(ValueError, match="unknown level 'relation:nope'"):
        schema.validate_labels({}, "relation:nope")


def test_the_bundled_schema_has_the_attribution_model_with_guidance() -> None:
    schema = default_schema()
    assert schema.version == "1.0"
    assert [k.id for k in schema.kinds] == ["content", "source", "cue"]
    assert schema.default_kind.attribute_ids == ("actor", "stance", "target", "claim_type", "note")
    assert [a.id for a in schema.attributes_of("source")] == ["actor", "note"]
    assert [a.id for a in schema.attributes_of("cue")] == ["note"]
    ends = {r.id: (r.from_kind, r.to_kind) for r in schema.relations}
    assert ends == {
        "said_by": ("content", "source"),
        "cue": ("content", "cue"),
        "part_of": ("content", "content"),
    }
    said_by = schema.relation("said_by")
    assert said_by is not None
    values = {a.id: [v.id for v in a.values] for a in said_by.attributes}
    assert values == {"quote": ["direct", "indirect", "mixed"], "polarity": ["affirmed", "denied"]}
    for item in (*schema.kinds, *schema.relations):
        assert len(item.description) > 60, item.id  # guidance, not a placeholder
        assert item.shortcut and item.color
    # What existing passages hold is a content's label still.
    assert schema.validate_labels({"actor": "isis", "stance": "critical"}) == []


def test_kinds_and_relations_round_trip_through_to_json() -> None:
    for schema in (parsed(), default_schema()):
        again = parse_schema(json.dumps(schema.to_json(), ensure_ascii=False))
        assert again.kinds == schema.kinds
        assert again.relations == schema.relations
        assert again == schema


def _broken(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        pytest.param(
            _broken("attributes: [actor]", "attributes: [actor, colour]"),
            24,
            "kinds[1].attributes[1]",
            "no attribute 'colour' (expected one of `attributes:`: actor, stance, note)",
            id="kind-attribute-unknown",
        ),
        pytest.param(
            _broken("attributes: [actor]", "attributes: [actor, actor]"),
            24,
            "kinds[1].attributes[1]",
            "duplicate attribute 'actor'",
            id="kind-attribute-twice",
        ),
        pytest.param(
            _broken("  - id: cue\n", "  - id: source\n"),
            25,
            "kinds[2].id",
            "duplicate id 'source' (also used by kinds[1])",
            id="kind-id-twice",
        ),
        pytest.param(
            _broken(
                "    shortcut: s\n    attributes: [actor]",
                "    shortcut: c\n    attributes: [actor]",
            ),
            23,
            "kinds[1].shortcut",
            "duplicate shortcut 'c' (also used by kinds[0])",
            id="kind-shortcut-twice",
        ),
        pytest.param(
            _broken("to: source", "to: speaker"),
            32,
            "relations[0].to",
            "no kind 'speaker' (expected one of: content, source, cue)",
            id="relation-to-unknown",
        ),
        pytest.param(
            _broken("  - id: part_of\n    from: content", "  - id: part_of\n    from: claim"),
            42,
            "relations[1].from",
            "no kind 'claim'",
            id="relation-from-unknown",
        ),
        pytest.param(
            _broken("  - id: part_of\n    from: content\n", "  - id: part_of\n"),
            41,
            "relations[1].from",
            "missing field",
            id="relation-from-missing",
        ),
        pytest.param(
            _broken("  - id: part_of", "  - id: said_by"),
            41,
            "relations[1].id",
            "duplicate id 'said_by' (also used by relations[0])",
            id="relation-id-twice",
        ),
        pytest.param(
            _broken("        type: choice", "        type: colour"),
            38,
            "relations[0].attributes[0].type",
            "unknown type 'colour'",
            id="relation-attribute-type",
        ),
        pytest.param(
            _broken("    color: orange", "    colour: orange"),
            34,
            "relations[0].colour",
            "unknown key 'colour' (did you mean 'color'?)",
            id="relation-key-unknown",
        ),
        pytest.param(
            _broken("kinds:\n  - id: content", "kinds: []\nx:\n  - id: content"),
            14,
            "kinds",
            "empty list",
            id="kinds-empty",
        ),
    ],
)
def test_a_bad_kind_or_relation_is_one_line_naming_file_line_and_field(
    text: str, line: int, field: str, message: str
) -> None:
    if "kinds: []" in text:
        text = text.split("\nx:\n")[0] + "\n"  # kinds: [] and nothing after it
    found = error(text)
    assert (found.line, found.field) == (line, field), str(found)
    assert message in found.message, str(found)
    assert str(found).startswith(f"frames.yaml:{line}: {field}: ")
    assert "\n" not in str(found)
