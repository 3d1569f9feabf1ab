"""Reading composed YAML nodes into schema records, with the line of every problem.

Line numbers come from composing the YAML into nodes (`yaml.compose`), which keep the
position of every key and value; nothing is constructed from tags, so loading is safe.
Both layouts (2.0 in `loader`, 1.0 in `legacy`) read their parts through `Reader`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import NoReturn, TypeVar

import yaml

from annotations.schema.colors import is_valid_color
from annotations.schema.model import (
    ACTOR_KINDS,
    DEFAULT_ACTOR_COLOR,
    DEFAULT_ACTOR_KIND,
    MAX_ID_LENGTH,
    Actor,
    LabelValue,
)
from annotations.text import check_name
from annotations.untrusted import InputError, check_text

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
TAG = "tag:yaml.org,2002:"
_TEXT_TAGS = {TAG + "str", TAG + "int", TAG + "float"}  # numbers are read as typed
_VALUE_KEYS = ("id", "label_ar", "label_en", "description", "shortcut", "color")
_ACTOR_KEYS = (
    "id",
    "name_ar",
    "name_en",
    "aliases",
    "kind",
    "description",
    "shortcut",
    "color",
    "ambiguous",
)
_ALIAS_KEYS = ("name", "ambiguous")  # the mapping form of an alias
_ACTOR_REQUIRED = ("id", "name_ar", "name_en")

V = TypeVar("V", Actor, LabelValue)


class SchemaError(Exception):
    """A bad schema file. `str()` is one line: `FILE:LINE: FIELD: message`.

    `line` is 1-based, or None when the problem is not at a line (an unreadable file);
    `field` is a path such as `claim_type[3].shortcut`, or a pseudo-field in parentheses
    (`(file)`, `(yaml)`, `(top level)`) for problems outside any field.
    """

    def __init__(self, path: str, line: int | None, field: str, message: str) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.message = " ".join(message.split())  # always one line
        super().__init__(path, line, field, self.message)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}"


def _describe(node: yaml.Node) -> str:
    """What a node holds, for 'expected X, got Y' messages."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    kinds = {"str": "text", "int": "a number", "float": "a number", "bool": "true/false"}
    if node.tag == TAG + "null":
        return "nothing"
    if node.tag.startswith(TAG) and node.tag[len(TAG) :] in kinds:
        shown = node.value if len(node.value) <= 40 else node.value[:39] + "…"
        return f"{kinds[node.tag[len(TAG) :]]} ({shown!r})"
    return f"a value tagged {node.tag}"


def _path(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


class Reader:
    """Walks composed YAML nodes, raising SchemaError at the first problem."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, node: yaml.Node, field_path: str, message: str) -> NoReturn:
        raise SchemaError(self.filename, node.start_mark.line + 1, field_path, message)

    def mapping(
        self, node: yaml.Node, where: str, keys: Sequence[str], required: Sequence[str]
    ) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, where or "(top level)", f"expected a mapping, got {_describe(node)}")
        found: dict[str, yaml.Node] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag == TAG + "str"):
                self.fail(key_node, where or "(top level)", f"bad key: {_describe(key_node)}")
            key = key_node.value
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"expected: {', '.join(keys)}"
                self.fail(key_node, _path(where, key), f"unknown key '{key}' ({hint})")
            if key in found:
                self.fail(
                    key_node, _path(where, key), f"duplicate key (also on line {key_lines[key]})"
                )
            found[key] = value_node
            key_lines[key] = key_node.start_mark.line + 1
        for key in required:
            if key not in found:
                self.fail(node, _path(where, key), "missing field")
        return found

    def text(self, node: yaml.Node, where: str, *, required: bool = True) -> str:
        """A string value, stripped; numbers are taken as typed (`version: 1.0` is "1.0")."""
        if isinstance(node, yaml.ScalarNode) and node.tag == TAG + "null":
            if required:
                self.fail(node, where, "missing value")
            return ""
        if not (isinstance(node, yaml.ScalarNode) and node.tag in _TEXT_TAGS):
            hint = " (quote it)" if node.tag == TAG + "bool" else ""
            self.fail(node, where, f"expected text, got {_describe(node)}{hint}")
        value = str(node.value).strip()
        if required and not value:
            self.fail(node, where, "empty value")
        try:
            check_text(value)
        except InputError as exc:
            self.fail(node, where, exc.reason)
        reason = check_name(value, multiline=True)
        if reason is not None:
            self.fail(node, where, reason)
        return value

    def line_text(self, node: yaml.Node, where: str) -> str:
        value = self.text(node, where)
        if "\n" in value:
            self.fail(node, where, "expected one line of text")
        reason = check_name(value)
        if reason is not None:
            self.fail(node, where, reason)
        return value

    def flag(self, node: yaml.Node, where: str) -> bool:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == TAG + "bool"):
            self.fail(node, where, f"expected true or false, got {_describe(node)}")
        return str(node.value).lower() in ("true", "yes", "on")

    def sequence(self, node: yaml.Node, where: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, where, f"expected a list, got {_describe(node)}")
        return list(node.value)

    def slug(self, node: yaml.Node, where: str) -> str:
        value = self.line_text(node, where)
        if not _SLUG.match(value) or len(value) > MAX_ID_LENGTH:
            self.fail(
                node,
                where,
                f"bad id '{value}': use lowercase a-z, digits, '_' or '-' "
                f"(starting with a letter or digit, at most {MAX_ID_LENGTH})",
            )
        return value

    def shortcut(self, node: yaml.Node, where: str) -> str:
        value = self.line_text(node, where)
        if len(value) != 1 or not value.isprintable():
            self.fail(node, where, f"a shortcut is one printable character, got '{value}'")
        return value

    def color(self, node: yaml.Node, where: str) -> str:
        value = self.line_text(node, where)
        if not is_valid_color(value):
            self.fail(
                node, where, f"unknown colour '{value}' (use #rgb, #rrggbb or a CSS colour name)"
            )
        return value.lower()

    def label_value(self, node: yaml.Node, where: str) -> tuple[LabelValue, dict[str, yaml.Node]]:
        keys = self.mapping(node, where, _VALUE_KEYS, _VALUE_KEYS)
        value = LabelValue(
            id=self.slug(keys["id"], f"{where}.id"),
            label_ar=self.line_text(keys["label_ar"], f"{where}.label_ar"),
            label_en=self.line_text(keys["label_en"], f"{where}.label_en"),
            description=self.text(keys["description"], f"{where}.description"),
            shortcut=self.shortcut(keys["shortcut"], f"{where}.shortcut"),
            color=self.color(keys["color"], f"{where}.color"),
        )
        return value, keys

    def actor(self, node: yaml.Node, where: str) -> tuple[Actor, dict[str, yaml.Node]]:
        keys = self.mapping(node, where, _ACTOR_KEYS, _ACTOR_REQUIRED)
        aliases: list[str] = []
        ambiguous_aliases: list[str] = []
        if "aliases" in keys and not is_null(keys["aliases"]):
            for index, alias in enumerate(self.sequence(keys["aliases"], f"{where}.aliases")):
                alias_where = f"{where}.aliases[{index}]"
                if isinstance(alias, yaml.MappingNode):
                    # {name: القاعدة, ambiguous: true}: a name that is also a common word
                    parts = self.mapping(alias, alias_where, _ALIAS_KEYS, ("name",))
                    name = self.line_text(parts["name"], f"{alias_where}.name")
                    if "ambiguous" in parts and self.flag(
                        parts["ambiguous"], f"{alias_where}.ambiguous"
                    ):
                        ambiguous_aliases.append(name)
                    aliases.append(name)
                else:
                    aliases.append(self.line_text(alias, alias_where))
        ambiguous = False
        if "ambiguous" in keys:
            ambiguous = self.flag(keys["ambiguous"], f"{where}.ambiguous")
        kind = DEFAULT_ACTOR_KIND
        if "kind" in keys and not is_null(keys["kind"]):
            kind = self.line_text(keys["kind"], f"{where}.kind")
            if kind not in ACTOR_KINDS:
                self.fail(
                    keys["kind"],
                    f"{where}.kind",
                    f"unknown kind '{kind}' (expected one of: {', '.join(ACTOR_KINDS)})",
                )
        shortcut = None
        if "shortcut" in keys and not is_null(keys["shortcut"]):
            shortcut = self.shortcut(keys["shortcut"], f"{where}.shortcut")
        color = DEFAULT_ACTOR_COLOR
        if "color" in keys and not is_null(keys["color"]):
            color = self.color(keys["color"], f"{where}.color")
        description = ""
        if "description" in keys:
            description = self.text(keys["description"], f"{where}.description", required=False)
        actor = Actor(
            id=self.slug(keys["id"], f"{where}.id"),
            name_ar=self.line_text(keys["name_ar"], f"{where}.name_ar"),
            name_en=self.line_text(keys["name_en"], f"{where}.name_en"),
            aliases=tuple(aliases),
            kind=kind,
            description=description,
            shortcut=shortcut,
            color=color,
            ambiguous=ambiguous,
            ambiguous_aliases=tuple(ambiguous_aliases),
        )
        return actor, keys

    def word_list(self, node: yaml.Node, where: str) -> tuple[str, ...]:
        """A list of one-line texts (`cues:`)."""
        return tuple(
            self.line_text(item, f"{where}[{index}]")
            for index, item in enumerate(self.sequence(node, where))
        )

    def first_use(
        self,
        seen: dict[str, int],
        key: str,
        index: int,
        node: yaml.Node,
        where: str,
        field_name: str,
    ) -> None:
        """Record that item `index` of the list at `where` uses `key` for `field_name`;
        fail naming the earlier item when one already did."""
        if key in seen:
            self.fail(
                node,
                f"{where}[{index}].{field_name}",
                f"duplicate {field_name} '{key}' (also used by {where}[{seen[key]}])",
            )
        seen[key] = index

    def value_list(
        self,
        node: yaml.Node,
        where: str,
        read_one: Callable[[yaml.Node, str], tuple[V, dict[str, yaml.Node]]],
        *,
        allow_empty: bool = False,
    ) -> tuple[V, ...]:
        """A list of values or actors: ids unique, shortcuts unique within the list."""
        items = self.sequence(node, where)
        if not items and not allow_empty:
            self.fail(node, where, "empty list: declare at least one value")
        values: list[V] = []
        first_with_id: dict[str, int] = {}
        first_with_shortcut: dict[str, int] = {}
        for index, item in enumerate(items):
            item_where = f"{where}[{index}]"
            value, keys = read_one(item, item_where)
            self.first_use(first_with_id, value.id, index, keys["id"], where, "id")
            if value.shortcut:
                self.first_use(
                    first_with_shortcut, value.shortcut, index, keys["shortcut"], where, "shortcut"
                )
            values.append(value)
        return tuple(values)


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == TAG + "null"
