"""Schema files: YAML text to a checked `LabelSchema`, or a one-line `SchemaError`.

The 2.0 layout (`actors:`, `attributes:`, `document_attributes:`) is read here; a file in
the 1.0 layout (`actor:`, `stance:`... at the top) is recognised by its keys and read by
`legacy`. `version` is the schema's own version, recorded with every annotation; it does
not choose the layout.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import yaml

from annotations.schema.legacy import LAYOUT_KEYS, read_legacy_schema
from annotations.schema.model import (
    ATTRIBUTE_TYPES,
    MULTIPLE_TYPES,
    Actor,
    Attribute,
    Kind,
    LabelSchema,
    LabelValue,
    RelationType,
    default_labels,
    implicit_kind,
)
from annotations.schema.reader import TAG, Reader, SchemaError, is_null
from annotations.untrusted import too_deep, yaml_too_deep

_LISTS = ("actors", "attributes", "document_attributes")  # what makes a file 2.0
TOP_KEYS = ("name", "version", "description", *_LISTS, "cues", "kinds", "relations")
_TOP_REQUIRED = ("name", "version", "attributes")
_ATTRIBUTE_KEYS = (
    "id",
    "type",
    "label_ar",
    "label_en",
    "description",
    "values",
    "multiple",
    "required",
    "when",
)
_KIND_KEYS = ("id", "label_ar", "label_en", "description", "shortcut", "color", "attributes")
_RELATION_KEYS = (
    "id",
    "label_ar",
    "label_en",
    "from",
    "to",
    "description",
    "shortcut",
    "color",
    "attributes",
)
_LEGACY_HINTS = {
    "actor": "a 1.0 key: in 2.0 the list is `actors:` and an attribute has type actor",
    "stance": "a 1.0 key: in 2.0 it is an entry of `attributes:`",
    "target": "a 1.0 key: in 2.0 it is an entry of `attributes:`",
    "claim_type": "a 1.0 key: in 2.0 it is an entry of `attributes:`",
    "note": "a 1.0 key: in 2.0 it is an entry of `attributes:`",
}


def _attribute(
    reader: Reader, node: yaml.Node, where: str, earlier: Sequence[str]
) -> tuple[Attribute, dict[str, yaml.Node]]:
    keys = reader.mapping(node, where, _ATTRIBUTE_KEYS, ("id", "type"))
    attr_id = reader.slug(keys["id"], f"{where}.id")
    kind = reader.line_text(keys["type"], f"{where}.type")
    if kind not in ATTRIBUTE_TYPES:
        reader.fail(
            keys["type"],
            f"{where}.type",
            f"unknown type '{kind}' (expected one of: {', '.join(ATTRIBUTE_TYPES)})",
        )
    label_ar, label_en = default_labels(attr_id)
    if "label_ar" in keys:
        label_ar = reader.line_text(keys["label_ar"], f"{where}.label_ar")
    if "label_en" in keys:
        label_en = reader.line_text(keys["label_en"], f"{where}.label_en")
    description = ""
    if "description" in keys:
        description = reader.text(keys["description"], f"{where}.description", required=False)
    values: tuple[LabelValue, ...] = ()
    if kind == "choice":
        if "values" not in keys:
            reader.fail(
                node, f"{where}.values", "missing field (a choice attribute lists its values)"
            )
        values = reader.value_list(keys["values"], f"{where}.values", reader.label_value)
    elif "values" in keys:
        reader.fail(
            keys["values"],
            f"{where}.values",
            f"only a choice attribute has values (this one is {kind})",
        )
    multiple = False
    if "multiple" in keys:
        multiple = reader.flag(keys["multiple"], f"{where}.multiple")
        if multiple and kind not in MULTIPLE_TYPES:
            reader.fail(
                keys["multiple"],
                f"{where}.multiple",
                f"only choice and actor attributes take several values (this one is {kind})",
            )
    required = reader.flag(keys["required"], f"{where}.required") if "required" in keys else False
    when = None
    if "when" in keys and not is_null(keys["when"]):
        when = reader.slug(keys["when"], f"{where}.when")
        if when not in earlier:
            before = ", ".join(earlier) or "none"
            reader.fail(
                keys["when"],
                f"{where}.when",
                f"'{when}' is not an earlier attribute of this list "
                f"(`when` names one declared before this one: {before})",
            )
    attribute = Attribute(
        id=attr_id,
        type=kind,
        label_ar=label_ar,
        label_en=label_en,
        description=description,
        values=values,
        multiple=multiple,
        required=required,
        when=when,
    )
    return attribute, keys


def _attributes(
    reader: Reader, node: yaml.Node, where: str, *, allow_empty: bool
) -> tuple[Attribute, ...]:
    items = reader.sequence(node, where)
    if not items and not allow_empty:
        reader.fail(node, where, "empty list: declare at least one attribute")
    attributes: list[Attribute] = []
    first_with_id: dict[str, int] = {}
    for index, item in enumerate(items):
        item_where = f"{where}[{index}]"
        attribute, keys = _attribute(reader, item, item_where, list(first_with_id))
        reader.first_use(first_with_id, attribute.id, index, keys["id"], where, "id")
        attributes.append(attribute)
    return tuple(attributes)


def _optional(keys: dict[str, yaml.Node], key: str) -> yaml.Node | None:
    node = keys.get(key)
    return None if node is None or is_null(node) else node


def _labels(
    reader: Reader, keys: dict[str, yaml.Node], where: str, item_id: str
) -> tuple[str, str]:
    label_ar = label_en = item_id
    if "label_ar" in keys:
        label_ar = reader.line_text(keys["label_ar"], f"{where}.label_ar")
    if "label_en" in keys:
        label_en = reader.line_text(keys["label_en"], f"{where}.label_en")
    return label_ar, label_en


def _key_colour_and_guidance(
    reader: Reader,
    keys: dict[str, yaml.Node],
    item_where: str,
    first: tuple[dict[str, int], int, str],
) -> tuple[str | None, str | None, str]:
    """A kind's or relation's optional `shortcut` (unique in its list: `first` is the
    first-use table, the item's index and the list's path), `color` and `description`."""
    first_with_shortcut, index, where = first
    shortcut = None
    if (found := _optional(keys, "shortcut")) is not None:
        shortcut = reader.shortcut(found, f"{item_where}.shortcut")
        reader.first_use(first_with_shortcut, shortcut, index, found, where, "shortcut")
    color = None
    if (found := _optional(keys, "color")) is not None:
        color = reader.color(found, f"{item_where}.color")
    description = ""
    if "description" in keys:
        description = reader.text(keys["description"], f"{item_where}.description", required=False)
    return shortcut, color, description


def _kinds(
    reader: Reader, node: yaml.Node, where: str, attributes: Sequence[Attribute]
) -> tuple[Kind, ...]:
    """`kinds:`: ids and shortcuts unique, each attribute an id of `attributes:`."""
    items = reader.sequence(node, where)
    if not items:
        reader.fail(node, where, "empty list: declare at least one kind (or leave `kinds` out)")
    known = [a.id for a in attributes]
    kinds: list[Kind] = []
    first_with_id: dict[str, int] = {}
    first_with_shortcut: dict[str, int] = {}
    for index, item in enumerate(items):
        item_where = f"{where}[{index}]"
        keys = reader.mapping(item, item_where, _KIND_KEYS, ("id",))
        kind_id = reader.slug(keys["id"], f"{item_where}.id")
        reader.first_use(first_with_id, kind_id, index, keys["id"], where, "id")
        label_ar, label_en = _labels(reader, keys, item_where, kind_id)
        shortcut, color, description = _key_colour_and_guidance(
            reader, keys, item_where, (first_with_shortcut, index, where)
        )
        # Without `attributes:` a kind has every attribute (a copy of a schema that gains
        # an attribute gives it to such a kind); `attributes: []` is none.
        attribute_ids = list(known)
        if (found := _optional(keys, "attributes")) is not None:
            seen: dict[str, int] = {}
            for at, attr_node in enumerate(reader.sequence(found, f"{item_where}.attributes")):
                attr_where = f"{item_where}.attributes[{at}]"
                attr_id = reader.slug(attr_node, attr_where)
                if attr_id not in known:
                    reader.fail(
                        attr_node,
                        attr_where,
                        f"no attribute '{attr_id}' (expected one of `attributes:`:"
                        f" {', '.join(known)})",
                    )
                if attr_id in seen:
                    reader.fail(
                        attr_node,
                        attr_where,
                        f"duplicate attribute '{attr_id}' (also {item_where}.attributes"
                        f"[{seen[attr_id]}])",
                    )
                seen[attr_id] = at
            # The schema's order, whatever the list's: the tag dialog shows one order.
            attribute_ids = [a for a in known if a in seen]
        kinds.append(
            Kind(
                id=kind_id,
                label_ar=label_ar,
                label_en=label_en,
                description=description,
                shortcut=shortcut,
                color=color,
                attribute_ids=tuple(attribute_ids),
            )
        )
    return tuple(kinds)


def _relations(
    reader: Reader, node: yaml.Node, where: str, kinds: Sequence[Kind]
) -> tuple[RelationType, ...]:
    """`relations:`: ids and shortcuts unique, `from` and `to` ids of `kinds:`."""
    kind_ids = [k.id for k in kinds]
    relations: list[RelationType] = []
    first_with_id: dict[str, int] = {}
    first_with_shortcut: dict[str, int] = {}
    for index, item in enumerate(reader.sequence(node, where)):
        item_where = f"{where}[{index}]"
        keys = reader.mapping(item, item_where, _RELATION_KEYS, ("id", "from", "to"))
        rel_id = reader.slug(keys["id"], f"{item_where}.id")
        reader.first_use(first_with_id, rel_id, index, keys["id"], where, "id")
        label_ar, label_en = _labels(reader, keys, item_where, rel_id)
        ends: list[str] = []
        for end in ("from", "to"):
            kind_id = reader.slug(keys[end], f"{item_where}.{end}")
            if kind_id not in kind_ids:
                reader.fail(
                    keys[end],
                    f"{item_where}.{end}",
                    f"no kind '{kind_id}' (expected one of: {', '.join(kind_ids)})",
                )
            ends.append(kind_id)
        shortcut, color, description = _key_colour_and_guidance(
            reader, keys, item_where, (first_with_shortcut, index, where)
        )
        attributes: tuple[Attribute, ...] = ()
        if (found := _optional(keys, "attributes")) is not None:
            attributes = _attributes(reader, found, f"{item_where}.attributes", allow_empty=True)
        relations.append(
            RelationType(
                id=rel_id,
                label_ar=label_ar,
                label_en=label_en,
                from_kind=ends[0],
                to_kind=ends[1],
                description=description,
                shortcut=shortcut,
                color=color,
                attributes=attributes,
            )
        )
    return tuple(relations)


def _read_schema(reader: Reader, root: yaml.Node) -> LabelSchema:
    if not isinstance(root, yaml.MappingNode):
        return read_legacy_schema(reader, root)  # reports "expected a mapping"
    top = {
        key.value: key
        for key, _value in root.value
        if isinstance(key, yaml.ScalarNode) and key.tag == TAG + "str"
    }
    if not any(key in top for key in _LISTS) and any(key in top for key in LAYOUT_KEYS):
        return read_legacy_schema(reader, root)
    for key, hint in _LEGACY_HINTS.items():
        if key in top:
            reader.fail(top[key], key, f"unknown key '{key}' ({hint})")
    keys = reader.mapping(root, "", TOP_KEYS, _TOP_REQUIRED)
    description = ""
    if "description" in keys:
        description = reader.text(keys["description"], "description", required=False)
    name = reader.line_text(keys["name"], "name")
    version = reader.line_text(keys["version"], "version")
    actors: tuple[Actor, ...] = ()
    if "actors" in keys:
        actors = reader.value_list(keys["actors"], "actors", reader.actor, allow_empty=True)
    attributes = _attributes(reader, keys["attributes"], "attributes", allow_empty=False)
    document_attributes: tuple[Attribute, ...] = ()
    if "document_attributes" in keys:
        document_attributes = _attributes(
            reader, keys["document_attributes"], "document_attributes", allow_empty=True
        )
    cues = reader.word_list(keys["cues"], "cues") if "cues" in keys else ()
    kinds: tuple[Kind, ...] = ()
    if "kinds" in keys and not is_null(keys["kinds"]):
        kinds = _kinds(reader, keys["kinds"], "kinds", attributes)
    relations: tuple[RelationType, ...] = ()
    if "relations" in keys and not is_null(keys["relations"]):
        # Without `kinds:` a relation links passages of the one implicit kind.
        relations = _relations(
            reader, keys["relations"], "relations", kinds or (implicit_kind(attributes),)
        )
    return LabelSchema(
        name=name,
        version=version,
        description=description,
        actors=actors,
        attributes=attributes,
        document_attributes=document_attributes,
        source=reader.filename,
        cues=cues,
        kinds=kinds,
        relations=relations,
    )


def _compose(text: str) -> yaml.Node | None:
    """The YAML's node tree, through libyaml when PyYAML has it (a twentieth of the time
    at start-up); a document libyaml refuses is composed again by the Python parser,
    whose errors (and their line numbers) are the ones reported."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except (yaml.YAMLError, RecursionError):
            pass
    return yaml.compose(text)


def parse_schema(text: str, filename: str = "<string>", *, bundled: bool = False) -> LabelSchema:
    """Read a schema from YAML text; `filename` names it in errors. Raises SchemaError.

    The `bundled` schema is Hashiya's own: it skips the nesting walk, which is PyYAML's
    parser in Python and was a tenth of the app's start-up."""
    try:
        deep_at = None if bundled else yaml_too_deep(text)
        if deep_at is not None:
            raise SchemaError(filename, deep_at, "(yaml)", too_deep())
        root = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = ", ".join(part for part in (exc.context, exc.problem) if part)
        raise SchemaError(filename, line, "(yaml)", message or "not valid YAML") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = f"{exc.reason}: U+{ord(char):04X}"
        raise SchemaError(filename, line, "(yaml)", message) from None
    except yaml.YAMLError as exc:
        raise SchemaError(filename, None, "(yaml)", str(exc)) from None
    except RecursionError:
        raise SchemaError(filename, None, "(yaml)", "nested too deeply") from None
    if root is None:
        raise SchemaError(filename, 1, "(top level)", "empty file: expected a schema mapping")
    return _read_schema(Reader(filename), root)


def load_schema(path: str | os.PathLike[str]) -> LabelSchema:
    """Read and check a schema file. Raises SchemaError (one line) for any problem."""
    filename = os.fspath(path)
    try:
        data = Path(filename).read_bytes()
    except OSError as exc:
        raise SchemaError(filename, None, "(file)", f"cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 text (byte 0x{data[exc.start]:02x})"
        raise SchemaError(filename, line, "(file)", message) from None
    return parse_schema(text, filename)


@cache
def default_schema() -> LabelSchema:
    """The bundled news schema (`annotations/schemas/news.yaml`), read once."""
    resource = resources.files("annotations").joinpath("schemas/news.yaml")
    return parse_schema(resource.read_text(encoding="utf-8"), str(resource), bundled=True)


def load_schema_or_default(path: str | os.PathLike[str] | None) -> LabelSchema:
    """The schema at `path`, or the bundled one when `path` is None."""
    return default_schema() if path is None else load_schema(path)


class _HoldsUserActors(Protocol):
    def user_actors(self) -> Sequence[Any]: ...


def schema_with_user_actors(store: _HoldsUserActors, schema: LabelSchema) -> LabelSchema:
    """The schema with the actors users added to this database (`Store.user_actors`)
    after its own."""
    return schema.with_extra_actors(
        Actor(a.id, a.name_ar, a.name_en, a.aliases) for a in store.user_actors()
    )
