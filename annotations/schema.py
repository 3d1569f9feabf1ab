"""The label schema: what a passage label may hold, declared in a YAML file.

A schema lists the values of the three closed fields of a passage label (`actor`,
`stance`, `claim_type`) and says whether the free-text fields (`target`, `note`) are
used. `docs/schema.md` describes the file layout. Loading checks everything and raises
`SchemaError`, whose message is one line: `FILE:LINE: FIELD: message`.

Line numbers come from composing the YAML into nodes (`yaml.compose`), which keep the
position of every key and value; nothing is constructed from tags, so loading is safe.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn, Protocol, TypeAlias, TypeVar

import yaml

from annotations.text import check_name
from annotations.untrusted import InputError, check_text, too_deep, yaml_too_deep

FIELDS = ("actor", "stance", "claim_type")
ATTRIBUTES = ("actor", "stance", "target", "claim_type", "note")  # a label's, in dialog order
ACTOR_KINDS = (
    "armed_group",
    "government",
    "security",
    "international",
    "organization",
    "media",
    "person",
    "anonymous",
    "other",
)
DEFAULT_ACTOR_KIND = "other"
DEFAULT_ACTOR_COLOR = "grey"
MAX_ID_LENGTH = 64

# CSS Color Module Level 4 named colours (the X11 names the web kept), lowercase.
# fmt: off
CSS_COLORS: dict[str, str] = {
    "aliceblue": "#f0f8ff", "antiquewhite": "#faebd7", "aqua": "#00ffff", "aquamarine": "#7fffd4",
    "azure": "#f0ffff", "beige": "#f5f5dc", "bisque": "#ffe4c4", "black": "#000000",
    "blanchedalmond": "#ffebcd", "blue": "#0000ff", "blueviolet": "#8a2be2", "brown": "#a52a2a",
    "burlywood": "#deb887", "cadetblue": "#5f9ea0", "chartreuse": "#7fff00",
    "chocolate": "#d2691e", "coral": "#ff7f50", "cornflowerblue": "#6495ed",
    "cornsilk": "#fff8dc", "crimson": "#dc143c", "cyan": "#00ffff", "darkblue": "#00008b",
    "darkcyan": "#008b8b", "darkgoldenrod": "#b8860b", "darkgray": "#a9a9a9",
    "darkgreen": "#006400", "darkgrey": "#a9a9a9", "darkkhaki": "#bdb76b",
    "darkmagenta": "#8b008b", "darkolivegreen": "#556b2f", "darkorange": "#ff8c00",
    "darkorchid": "#9932cc", "darkred": "#8b0000", "darksalmon": "#e9967a",
    "darkseagreen": "#8fbc8f", "darkslateblue": "#483d8b", "darkslategray": "#2f4f4f",
    "darkslategrey": "#2f4f4f", "darkturquoise": "#00ced1", "darkviolet": "#9400d3",
    "deeppink": "#ff1493", "deepskyblue": "#00bfff", "dimgray": "#696969", "dimgrey": "#696969",
    "dodgerblue": "#1e90ff", "firebrick": "#b22222", "floralwhite": "#fffaf0",
    "forestgreen": "#228b22", "fuchsia": "#ff00ff", "gainsboro": "#dcdcdc",
    "ghostwhite": "#f8f8ff", "gold": "#ffd700", "goldenrod": "#daa520", "gray": "#808080",
    "green": "#008000", "greenyellow": "#adff2f", "grey": "#808080", "honeydew": "#f0fff0",
    "hotpink": "#ff69b4", "indianred": "#cd5c5c", "indigo": "#4b0082", "ivory": "#fffff0",
    "khaki": "#f0e68c", "lavender": "#e6e6fa", "lavenderblush": "#fff0f5", "lawngreen": "#7cfc00",
    "lemonchiffon": "#fffacd", "lightblue": "#add8e6", "lightcoral": "#f08080",
    "lightcyan": "#e0ffff", "lightgoldenrodyellow": "#fafad2", "lightgray": "#d3d3d3",
    "lightgreen": "#90ee90", "lightgrey": "#d3d3d3", "lightpink": "#ffb6c1",
    "lightsalmon": "#ffa07a", "lightseagreen": "#20b2aa", "lightskyblue": "#87cefa",
    "lightslategray": "#778899", "lightslategrey": "#778899", "lightsteelblue": "#b0c4de",
    "lightyellow": "#ffffe0", "lime": "#00ff00", "limegreen": "#32cd32", "linen": "#faf0e6",
    "magenta": "#ff00ff", "maroon": "#800000", "mediumaquamarine": "#66cdaa",
    "mediumblue": "#0000cd", "mediumorchid": "#ba55d3", "mediumpurple": "#9370db",
    "mediumseagreen": "#3cb371", "mediumslateblue": "#7b68ee", "mediumspringgreen": "#00fa9a",
    "mediumturquoise": "#48d1cc", "mediumvioletred": "#c71585", "midnightblue": "#191970",
    "mintcream": "#f5fffa", "mistyrose": "#ffe4e1", "moccasin": "#ffe4b5",
    "navajowhite": "#ffdead", "navy": "#000080", "oldlace": "#fdf5e6", "olive": "#808000",
    "olivedrab": "#6b8e23", "orange": "#ffa500", "orangered": "#ff4500", "orchid": "#da70d6",
    "palegoldenrod": "#eee8aa", "palegreen": "#98fb98", "paleturquoise": "#afeeee",
    "palevioletred": "#db7093", "papayawhip": "#ffefd5", "peachpuff": "#ffdab9",
    "peru": "#cd853f", "pink": "#ffc0cb", "plum": "#dda0dd", "powderblue": "#b0e0e6",
    "purple": "#800080", "rebeccapurple": "#663399", "red": "#ff0000", "rosybrown": "#bc8f8f",
    "royalblue": "#4169e1", "saddlebrown": "#8b4513", "salmon": "#fa8072",
    "sandybrown": "#f4a460", "seagreen": "#2e8b57", "seashell": "#fff5ee", "sienna": "#a0522d",
    "silver": "#c0c0c0", "skyblue": "#87ceeb", "slateblue": "#6a5acd", "slategray": "#708090",
    "slategrey": "#708090", "snow": "#fffafa", "springgreen": "#00ff7f", "steelblue": "#4682b4",
    "tan": "#d2b48c", "teal": "#008080", "thistle": "#d8bfd8", "tomato": "#ff6347",
    "turquoise": "#40e0d0", "violet": "#ee82ee", "wheat": "#f5deb3", "white": "#ffffff",
    "whitesmoke": "#f5f5f5", "yellow": "#ffff00", "yellowgreen": "#9acd32",
}
# fmt: on

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
_HEX_COLOR = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})\Z")
_TAG = "tag:yaml.org,2002:"
_TEXT_TAGS = {_TAG + "str", _TAG + "int", _TAG + "float"}  # numbers are read as typed


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


def is_valid_color(color: str) -> bool:
    """True for `#rgb`, `#rrggbb` or a CSS/X11 colour name (any case)."""
    color = color.strip().lower()
    return bool(_HEX_COLOR.match(color)) or color in CSS_COLORS


def color_to_hex(color: str) -> str:
    """`#rrggbb` for a valid colour (see `is_valid_color`); ValueError otherwise."""
    color = color.strip().lower()
    if color in CSS_COLORS:
        return CSS_COLORS[color]
    if not _HEX_COLOR.match(color):
        raise ValueError(f"unknown colour {color!r}")
    if len(color) == 4:
        return "#" + "".join(digit * 2 for digit in color[1:])
    return color


@dataclass(frozen=True)
class LabelValue:
    """One value of a closed field: a stance or a claim type."""

    id: str
    label_ar: str
    label_en: str
    description: str  # the guideline shown in the tag dialog
    shortcut: str  # one character, unique within its field
    color: str  # as written: `#rgb`, `#rrggbb` or a colour name (lowercase)

    @property
    def color_hex(self) -> str:
        return color_to_hex(self.color)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label_ar": self.label_ar,
            "label_en": self.label_en,
            "description": self.description,
            "shortcut": self.shortcut,
            "color": self.color,
        }


Stance: TypeAlias = LabelValue
ClaimType: TypeAlias = LabelValue


@dataclass(frozen=True)
class Actor:
    """Who speaks or acts in a passage: from the schema, or added by a user at run time."""

    id: str
    name_ar: str
    name_en: str
    aliases: tuple[str, ...] = ()  # other names, Arabic and English mixed
    kind: str = DEFAULT_ACTOR_KIND  # one of ACTOR_KINDS
    description: str = ""
    shortcut: str | None = None  # optional for actors; unique when present
    color: str = DEFAULT_ACTOR_COLOR
    user_added: bool = False  # True for actors stored in the database, not the schema

    def __post_init__(self) -> None:
        # Callers building user actors may pass a list; keep the actor hashable.
        if not isinstance(self.aliases, tuple):
            object.__setattr__(self, "aliases", tuple(self.aliases))

    @property
    def label_ar(self) -> str:
        return self.name_ar

    @property
    def label_en(self) -> str:
        return self.name_en

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the actor goes by: Arabic, English, then the aliases."""
        return (self.name_ar, self.name_en, *self.aliases)

    @property
    def color_hex(self) -> str:
        return color_to_hex(self.color)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "name_ar": self.name_ar,
            "name_en": self.name_en,
            "aliases": list(self.aliases),
            "kind": self.kind,
            "description": self.description,
            "shortcut": self.shortcut,
            "color": self.color,
        }
        if self.user_added:
            data["user_added"] = True
        return data


Value: TypeAlias = Actor | LabelValue


@dataclass(frozen=True)
class FreeTextField:
    """A free-text attribute of a label (`target`, `note`): whether it is used, and how."""

    allowed: bool = True
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"allowed": self.allowed, "description": self.description}


# --- search -----------------------------------------------------------------------------

_ARABIC_LETTER_FORMS = str.maketrans(
    {
        "\u0671": "\u0627",  # ٱ alef wasla -> ا (أ إ آ lose their marks in NFKD)
        "\u0649": "\u064a",  # ى alef maksura -> ي
        "\u0629": "\u0647",  # ة teh marbuta -> ه
        "\u06cc": "\u064a",  # ی Farsi yeh -> ي
        "\u06a9": "\u0643",  # ک keheh -> ك
        "\u06be": "\u0647",  # ھ heh doachashmee -> ه
        "\u0640": "",  # tatweel
    }
)


def normalize_for_search(text: str) -> str:
    """Text folded for matching names: no diacritics or tatweel, one alef, ي for ى, ه for ة,
    Latin casefolded, punctuation as spaces.

    NFKD splits أ إ آ (and ؤ ئ) into a base letter and a combining hamza or madda, and
    presentation forms into plain letters; dropping combining marks then removes the
    harakat, the hamza marks and Latin accents alike.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = kept.translate(_ARABIC_LETTER_FORMS).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


def _without_articles(normalized: str) -> str:
    """Drop the article: ال at the start of a word, and a Latin `al`/`el` word before a name."""
    words = normalized.split()
    kept = []
    for index, word in enumerate(words):
        if word.startswith("\u0627\u0644") and len(word) > 3:
            kept.append(word[2:])
        elif word in ("al", "el") and index < len(words) - 1:
            continue
        else:
            kept.append(word)
    return " ".join(kept)


@dataclass(frozen=True)
class _SearchKey:
    full: str  # normalized
    bare: str  # normalized, articles dropped


def _search_key(text: str) -> _SearchKey:
    full = normalize_for_search(text)
    return _SearchKey(full, _without_articles(full))


def _subsequence_span(needle: str, haystack: str) -> int | None:
    """Length of the shortest-from-the-left window of `haystack` holding `needle` in order."""
    start = -1
    position = 0
    for char in needle:
        position = haystack.find(char, position)
        if position < 0:
            return None
        if start < 0:
            start = position
        position += 1
    return position - start


def _match_rank(query: _SearchKey, name: _SearchKey) -> tuple[int, int] | None:
    """(tier, spread) of a name for a query, lower is better; None when it does not match.

    Tiers: 0 exact, 1 exact without articles, 2 prefix, 3 prefix of a later word,
    4 every query word starts a name word, 5 substring, 6 letters in order.
    """
    if query.full == name.full:
        return (0, 0)
    if query.bare == name.bare:
        return (1, 0)
    spread = abs(len(name.bare) - len(query.bare))
    if name.bare.startswith(query.bare) or name.full.startswith(query.full):
        return (2, spread)
    if f" {query.bare}" in f" {name.bare}" or f" {query.full}" in f" {name.full}":
        return (3, spread)
    name_words = name.bare.split() + name.full.split()
    if all(any(word.startswith(q) for word in name_words) for q in query.bare.split()):
        return (4, spread)
    if query.bare in name.bare or query.full in name.full:
        return (5, spread)
    letters = query.bare.replace(" ", "")
    if len(letters) >= 2:
        span = _subsequence_span(letters, name.bare.replace(" ", ""))
        if span is not None:
            return (6, span - len(letters))
    return None


# --- the schema -------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelSchema:
    """A label schema: the values of `actor`, `stance` and `claim_type`, and the rules for
    the free-text `target` and `note`. Immutable; `with_extra_actors` makes a copy."""

    name: str
    version: str
    actors: tuple[Actor, ...]
    stances: tuple[LabelValue, ...]
    claim_types: tuple[LabelValue, ...]
    description: str = ""
    target: FreeTextField = FreeTextField()
    note: FreeTextField = FreeTextField()
    required: frozenset[str] = frozenset()  # attributes a label must have (ATTRIBUTES ids)
    source: str = field(default="", compare=False)  # the file it was read from

    @property
    def target_allowed(self) -> bool:
        return self.target.allowed

    @property
    def note_allowed(self) -> bool:
        return self.note.allowed

    def is_required(self, attribute: str) -> bool:
        """True when a label may not be saved without `attribute` (declared `required: true`)."""
        return attribute in self.required

    def missing_required(self, labels: Mapping[str, str | None]) -> list[str]:
        """The required attributes that `labels` (attribute id -> value) leaves empty, in
        ATTRIBUTES order. Blank text counts as empty."""
        return [
            name
            for name in ATTRIBUTES
            if name in self.required and not (labels.get(name) or "").strip()
        ]

    def values(self, field_name: str) -> tuple[Value, ...]:
        """The values of `actor`, `stance` or `claim_type`, in schema order."""
        if field_name == "actor":
            return self.actors
        if field_name == "stance":
            return self.stances
        if field_name == "claim_type":
            return self.claim_types
        raise ValueError(f"unknown field {field_name!r} (expected one of: {', '.join(FIELDS)})")

    @cached_property
    def _by_id(self) -> dict[str, dict[str, Value]]:
        return {name: {value.id: value for value in self.values(name)} for name in FIELDS}

    @cached_property
    def _by_shortcut(self) -> dict[str, dict[str, Value]]:
        return {
            name: {value.shortcut: value for value in self.values(name) if value.shortcut}
            for name in FIELDS
        }

    def actor(self, actor_id: str) -> Actor | None:
        value = self._by_id["actor"].get(actor_id)
        return value if isinstance(value, Actor) else None

    def stance(self, stance_id: str) -> LabelValue | None:
        value = self._by_id["stance"].get(stance_id)
        return value if isinstance(value, LabelValue) else None

    def claim_type(self, claim_type_id: str) -> LabelValue | None:
        value = self._by_id["claim_type"].get(claim_type_id)
        return value if isinstance(value, LabelValue) else None

    def by_shortcut(self, field_name: str, key: str) -> Value | None:
        """The value of a field whose shortcut is `key`, or None."""
        if field_name not in FIELDS:
            raise ValueError(f"unknown field {field_name!r} (expected one of: {', '.join(FIELDS)})")
        return self._by_shortcut[field_name].get(key)

    def with_extra_actors(self, actors: Iterable[Actor]) -> LabelSchema:
        """A copy that also holds `actors` (the users' own, from the database), marked
        `user_added`, after the schema's.

        The schema wins conflicts: an extra actor whose id the schema (or an earlier extra
        actor) already uses is left out, and a shortcut already taken is dropped.
        """
        ids = {actor.id for actor in self.actors}
        shortcuts = {actor.shortcut for actor in self.actors if actor.shortcut}
        extra: list[Actor] = []
        for actor in actors:
            if actor.id in ids:
                continue
            ids.add(actor.id)
            shortcut = actor.shortcut if actor.shortcut not in shortcuts else None
            if shortcut:
                shortcuts.add(shortcut)
            extra.append(replace(actor, shortcut=shortcut, user_added=True))
        if not extra:
            return self
        return replace(self, actors=(*self.actors, *extra))

    @cached_property
    def _actor_search_keys(self) -> list[tuple[Actor, list[_SearchKey]]]:
        return [
            (actor, [_search_key(name) for name in (*actor.names, actor.id) if name.strip()])
            for actor in self.actors
        ]

    def find_actors(self, query: str, limit: int | None = None) -> list[Actor]:
        """Actors whose names or aliases match `query`, best first.

        Matching ignores Arabic diacritics and tatweel, alef forms, ى/ي, ة/ه, Latin case,
        punctuation and the article ال (or `al-`). Ranking: exact, exact without the
        article, prefix, word prefix, all words, substring, letters in order; ties go to
        the closer-sized name, then to schema order. An empty query lists every actor.
        """
        key = _search_key(query)
        if not key.full:
            found = list(self.actors)
        else:
            ranked: list[tuple[tuple[int, int], int, Actor]] = []
            for order, (actor, names) in enumerate(self._actor_search_keys):
                ranks = [rank for name in names if (rank := _match_rank(key, name)) is not None]
                if ranks:
                    ranked.append((min(ranks), order, actor))
            ranked.sort(key=lambda item: (item[0], item[1]))
            found = [actor for _rank, _order, actor in ranked]
        return found if limit is None else found[:limit]

    def validate_passage_attributes(
        self,
        actor: str | None,
        stance: str | None,
        claim_type: str | None,
        extra_actor_ids: Iterable[str] = (),
        *,
        target: str | None = None,
    ) -> list[str]:
        """Problems with a passage's labels under this schema (empty when it is fine).

        None means "not labelled" and is always fine. `extra_actor_ids` are the ids of the
        users' own actors. A non-empty `target` is a problem when the schema allows none.
        """
        problems: list[str] = []
        if (
            actor is not None
            and actor not in self._by_id["actor"]
            and actor not in set(extra_actor_ids)
        ):
            problems.append(f"unknown actor '{actor}'")
        for field_name, value_id in (("stance", stance), ("claim_type", claim_type)):
            if value_id is not None and value_id not in self._by_id[field_name]:
                known = ", ".join(self._by_id[field_name])
                problems.append(f"unknown {field_name} '{value_id}' (expected one of: {known})")
        if target and not self.target.allowed:
            problems.append(f"schema '{self.name}' does not allow a stance target")
        return problems

    def to_json(self) -> dict[str, Any]:
        """The schema as JSON-ready data, laid out like the YAML file (a required list
        attribute in its mapping form, `{required: true, values: [...]}`)."""
        data: dict[str, Any] = {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "actor": [actor.to_json() for actor in self.actors],
            "stance": [stance.to_json() for stance in self.stances],
            "target": self.target.to_json(),
            "claim_type": [claim_type.to_json() for claim_type in self.claim_types],
            "note": self.note.to_json(),
        }
        for name in ATTRIBUTES:
            if name not in self.required:
                continue
            if isinstance(data[name], list):
                data[name] = {"required": True, "values": data[name]}
            else:
                data[name]["required"] = True
        return data


# --- loading ----------------------------------------------------------------------------

_TOP_KEYS = ("name", "version", "description", "actor", "stance", "target", "claim_type", "note")
_TOP_REQUIRED = ("name", "version", "actor", "stance", "claim_type")
_VALUE_KEYS = ("id", "label_ar", "label_en", "description", "shortcut", "color")
_ACTOR_KEYS = ("id", "name_ar", "name_en", "aliases", "kind", "description", "shortcut", "color")
_ACTOR_REQUIRED = ("id", "name_ar", "name_en")
_FREE_TEXT_KEYS = ("allowed", "required", "description")
_LIST_KEYS = ("required", "values")  # the mapping form of actor/stance/claim_type

_V = TypeVar("_V", Actor, LabelValue)


def _describe(node: yaml.Node) -> str:
    """What a node holds, for 'expected X, got Y' messages."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    kinds = {"str": "text", "int": "a number", "float": "a number", "bool": "true/false"}
    if node.tag == _TAG + "null":
        return "nothing"
    if node.tag.startswith(_TAG) and node.tag[len(_TAG) :] in kinds:
        shown = node.value if len(node.value) <= 40 else node.value[:39] + "…"
        return f"{kinds[node.tag[len(_TAG) :]]} ({shown!r})"
    return f"a value tagged {node.tag}"


def _path(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


class _Reader:
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
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag == _TAG + "str"):
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
        if isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null":
            if required:
                self.fail(node, where, "missing value")
            return ""
        if not (isinstance(node, yaml.ScalarNode) and node.tag in _TEXT_TAGS):
            hint = " (quote it)" if node.tag == _TAG + "bool" else ""
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
        if not (isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "bool"):
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
        if "aliases" in keys and not _is_null(keys["aliases"]):
            for index, alias in enumerate(self.sequence(keys["aliases"], f"{where}.aliases")):
                aliases.append(self.line_text(alias, f"{where}.aliases[{index}]"))
        kind = DEFAULT_ACTOR_KIND
        if "kind" in keys and not _is_null(keys["kind"]):
            kind = self.line_text(keys["kind"], f"{where}.kind")
            if kind not in ACTOR_KINDS:
                self.fail(
                    keys["kind"],
                    f"{where}.kind",
                    f"unknown kind '{kind}' (expected one of: {', '.join(ACTOR_KINDS)})",
                )
        shortcut = None
        if "shortcut" in keys and not _is_null(keys["shortcut"]):
            shortcut = self.shortcut(keys["shortcut"], f"{where}.shortcut")
        color = DEFAULT_ACTOR_COLOR
        if "color" in keys and not _is_null(keys["color"]):
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
        )
        return actor, keys

    def values(
        self,
        node: yaml.Node,
        where: str,
        read_one: Callable[[yaml.Node, str], tuple[_V, dict[str, yaml.Node]]],
    ) -> tuple[tuple[_V, ...], bool]:
        """The values of a list attribute and whether it is required. The attribute is
        a list of values, or a mapping `{required: true, values: [...]}`."""
        required = False
        if isinstance(node, yaml.MappingNode):
            keys = self.mapping(node, where, _LIST_KEYS, ("values",))
            if "required" in keys:
                required = self.flag(keys["required"], f"{where}.required")
            node = keys["values"]
            where = f"{where}.values"
        items = self.sequence(node, where)
        if not items:
            self.fail(node, where, "empty list: declare at least one value")
        values: list[_V] = []
        first_with_id: dict[str, int] = {}
        first_with_shortcut: dict[str, int] = {}
        for index, item in enumerate(items):
            item_where = f"{where}[{index}]"
            value, keys = read_one(item, item_where)
            if value.id in first_with_id:
                other = f"{where}[{first_with_id[value.id]}]"
                self.fail(
                    keys["id"],
                    f"{item_where}.id",
                    f"duplicate id '{value.id}' (also used by {other})",
                )
            first_with_id[value.id] = index
            if value.shortcut:
                if value.shortcut in first_with_shortcut:
                    other = f"{where}[{first_with_shortcut[value.shortcut]}]"
                    self.fail(
                        keys["shortcut"],
                        f"{item_where}.shortcut",
                        f"duplicate shortcut '{value.shortcut}' (also used by {other})",
                    )
                first_with_shortcut[value.shortcut] = index
            values.append(value)
        return tuple(values), required

    def free_text(self, node: yaml.Node, where: str) -> tuple[FreeTextField, bool]:
        """A free-text attribute and whether it is required."""
        if _is_null(node):
            return FreeTextField(), False
        keys = self.mapping(node, where, _FREE_TEXT_KEYS, ())
        allowed = self.flag(keys["allowed"], f"{where}.allowed") if "allowed" in keys else True
        required = False
        if "required" in keys:
            required = self.flag(keys["required"], f"{where}.required")
            if required and not allowed:
                self.fail(
                    keys["required"], f"{where}.required", "a field not allowed cannot be required"
                )
        description = ""
        if "description" in keys:
            description = self.text(keys["description"], f"{where}.description", required=False)
        return FreeTextField(allowed=allowed, description=description), required

    def schema(self, root: yaml.Node) -> LabelSchema:
        keys = self.mapping(root, "", _TOP_KEYS, _TOP_REQUIRED)
        description = ""
        if "description" in keys:
            description = self.text(keys["description"], "description", required=False)
        free_text = {
            name: self.free_text(keys[name], name) if name in keys else (FreeTextField(), False)
            for name in ("target", "note")
        }
        name = self.line_text(keys["name"], "name")
        version = self.line_text(keys["version"], "version")
        actors, actor_required = self.values(keys["actor"], "actor", self.actor)
        stances, stance_required = self.values(keys["stance"], "stance", self.label_value)
        claim_types, claim_required = self.values(
            keys["claim_type"], "claim_type", self.label_value
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
            stances=stances,
            target=free_text["target"][0],
            claim_types=claim_types,
            note=free_text["note"][0],
            required=frozenset(attribute for attribute, flag in required.items() if flag),
            source=self.filename,
        )


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null"


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
    return _Reader(filename).schema(root)


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
