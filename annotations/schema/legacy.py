"""Schema files in the 1.0 layout: `actor:`, `stance:`, `target:`, `claim_type:` and `note:`
at the top, read as the equivalent 2.0 schema (`model.legacy_attributes`).

A list attribute is required in its mapping form, `stance: {required: true, values: [...]}`;
a free-text one with `required: true` in its section. `allowed: false` leaves the
attribute out, so nothing can be labelled with it.
"""

from __future__ import annotations

from collections.abc import Callable

import yaml

from annotations.schema.model import (
    Actor,
    FreeTextField,
    LabelSchema,
    LabelValue,
    legacy_attributes,
)
from annotations.schema.reader import Reader, V, is_null

LAYOUT_KEYS = ("actor", "stance", "target", "claim_type", "note")  # what makes a file 1.0
TOP_KEYS = (
    "name",
    "version",
    "description",
    "actor",
    "stance",
    "target",
    "claim_type",
    "note",
    "cues",
)
_TOP_REQUIRED = ("name", "version", "actor", "stance", "claim_type")
_FREE_TEXT_KEYS = ("allowed", "required", "description")
_LIST_KEYS = ("required", "values")  # the mapping form of actor/stance/claim_type


def _values(
    reader: Reader,
    node: yaml.Node,
    where: str,
    read_one: Callable[[yaml.Node, str], tuple[V, dict[str, yaml.Node]]],
) -> tuple[tuple[V, ...], bool]:
    """The values of a list attribute and whether it is required: a list of values, or a
    mapping `{required: true, values: [...]}`."""
    required = False
    if isinstance(node, yaml.MappingNode):
        keys = reader.mapping(node, where, _LIST_KEYS, ("values",))
        if "required" in keys:
            required = reader.flag(keys["required"], f"{where}.required")
        node = keys["values"]
        where = f"{where}.values"
    return reader.value_list(node, where, read_one), required


def _free_text(reader: Reader, node: yaml.Node, where: str) -> tuple[FreeTextField, bool]:
    """A free-text attribute and whether it is required."""
    if is_null(node):
        return FreeTextField(), False
    keys = reader.mapping(node, where, _FREE_TEXT_KEYS, ())
    allowed = reader.flag(keys["allowed"], f"{where}.allowed") if "allowed" in keys else True
    required = False
    if "required" in keys:
        required = reader.flag(keys["required"], f"{where}.required")
        if required and not allowed:
            reader.fail(
                keys["required"], f"{where}.required", "a field not allowed cannot be required"
            )
    description = ""
    if "description" in keys:
        description = reader.text(keys["description"], f"{where}.description", required=False)
    return FreeTextField(allowed=allowed, description=description), required


def read_legacy_schema(reader: Reader, root: yaml.Node) -> LabelSchema:
    """A 1.0 file's top-level mapping as the equivalent 2.0 schema."""
    keys = reader.mapping(root, "", TOP_KEYS, _TOP_REQUIRED)
    description = ""
    if "description" in keys:
        description = reader.text(keys["description"], "description", required=False)
    free_text = {
        name: _free_text(reader, keys[name], name) if name in keys else (FreeTextField(), False)
        for name in ("target", "note")
    }
    name = reader.line_text(keys["name"], "name")
    version = reader.line_text(keys["version"], "version")
    actors: tuple[Actor, ...]
    stances: tuple[LabelValue, ...]
    claim_types: tuple[LabelValue, ...]
    actors, actor_required = _values(reader, keys["actor"], "actor", reader.actor)
    stances, stance_required = _values(reader, keys["stance"], "stance", reader.label_value)
    claim_types, claim_required = _values(
        reader, keys["claim_type"], "claim_type", reader.label_value
    )
    required = {
        "actor": actor_required,
        "stance": stance_required,
        "target": free_text["target"][1],
        "claim_type": claim_required,
        "note": free_text["note"][1],
    }
    return LabelSchema(
        name=name,
        version=version,
        description=description,
        actors=actors,
        attributes=legacy_attributes(
            stances,
            claim_types,
            target=free_text["target"][0],
            note=free_text["note"][0],
            required=[attribute for attribute, flag in required.items() if flag],
        ),
        source=reader.filename,
        cues=reader.word_list(keys["cues"], "cues") if "cues" in keys else (),
    )
