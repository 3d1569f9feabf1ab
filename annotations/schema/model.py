"""The records of a label schema: actors, values, attributes and the schema itself.

A schema declares the actor registry and the attributes of a passage label and of a
document (a whole article), in the order the dialogs show them. Everything that used to be
spelled out per attribute (`stances`, `claim_types`, `target_allowed`...) is derived from
`attributes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, TypeAlias

from annotations.schema.actor_search import SearchKey, match_rank, search_key
from annotations.schema.colors import color_to_hex
from annotations.text import printable

ATTRIBUTE_TYPES = ("choice", "actor", "text", "boolean")
MULTIPLE_TYPES = ("choice", "actor")  # the types that may take several values
LEVELS = ("passage", "document")  # and "relation:<id>", one level per relation type
RELATION_LEVEL = "relation:"
# The one kind of a schema that declares none: every passage attribute.
IMPLICIT_KIND = "passage"
FIELDS = ("actor", "stance", "claim_type")  # the closed attributes of a 1.0 schema
ATTRIBUTES = ("actor", "stance", "target", "claim_type", "note")  # a 1.0 label's, in dialog order
# What the attributes of a 1.0 schema are called when a file gives them no label.
BUILT_IN_LABELS: dict[str, tuple[str, str]] = {
    "actor": ("الفاعل", "Actor"),
    "stance": ("الموقف", "Stance"),
    "target": ("موضوع الموقف", "Target"),
    "claim_type": ("نوع الادعاء", "Claim type"),
    "note": ("ملاحظة", "Note"),
}
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


@dataclass(frozen=True)
class LabelValue:
    """One value of a choice attribute (a stance, a claim type...)."""

    id: str
    label_ar: str
    label_en: str
    description: str  # the guideline shown in the tag dialog
    shortcut: str  # one character, unique within its attribute
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
    # Names that are also ordinary words («القاعدة», "the base"): suggested only with
    # context (annotations/suggest). `ambiguous` marks every name of the actor.
    ambiguous: bool = False
    ambiguous_aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Callers building user actors may pass a list; keep the actor hashable.
        if not isinstance(self.aliases, tuple):
            object.__setattr__(self, "aliases", tuple(self.aliases))
        if not isinstance(self.ambiguous_aliases, tuple):
            object.__setattr__(self, "ambiguous_aliases", tuple(self.ambiguous_aliases))

    def is_ambiguous(self, name: str) -> bool:
        """True when `name` (one of the actor's names) needs context to be suggested."""
        return self.ambiguous or name in self.ambiguous_aliases

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
            "aliases": [
                {"name": alias, "ambiguous": True} if alias in self.ambiguous_aliases else alias
                for alias in self.aliases
            ],
            "kind": self.kind,
            "description": self.description,
            "shortcut": self.shortcut,
            "color": self.color,
        }
        if self.ambiguous:
            data["ambiguous"] = True
        if self.user_added:
            data["user_added"] = True
        return data


Value: TypeAlias = Actor | LabelValue


@dataclass(frozen=True)
class FreeTextField:
    """Whether a free-text attribute (`target`, `note`) is used, and how: the 1.0 view of a
    text attribute, derived from `LabelSchema.attributes` (`LabelSchema.target`/`.note`)."""

    allowed: bool = True
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"allowed": self.allowed, "description": self.description}


def default_labels(attribute_id: str) -> tuple[str, str]:
    """(label_ar, label_en) of an attribute whose file gives none: a built-in name for the
    five attributes of a 1.0 schema, the id otherwise."""
    return BUILT_IN_LABELS.get(attribute_id, (attribute_id, attribute_id))


@dataclass(frozen=True)
class Attribute:
    """One attribute of a label: what it holds (`type`) and how the dialog offers it."""

    id: str  # a slug, unique within its level
    type: str  # one of ATTRIBUTE_TYPES
    label_ar: str
    label_en: str
    description: str = ""
    values: tuple[LabelValue, ...] = ()  # type choice only
    multiple: bool = False  # several values (a list); types choice and actor only
    required: bool = False  # a label may not be saved without it (once offered)
    when: str | None = None  # offered only once this earlier attribute has a value

    @cached_property
    def _by_id(self) -> dict[str, LabelValue]:
        return {value.id: value for value in self.values}

    @cached_property
    def _by_shortcut(self) -> dict[str, LabelValue]:
        return {value.shortcut: value for value in self.values if value.shortcut}

    def value(self, value_id: str) -> LabelValue | None:
        """The value with this id (choice attributes), or None."""
        return self._by_id.get(value_id)

    def by_shortcut(self, key: str) -> LabelValue | None:
        """The value whose shortcut is `key` (choice attributes), or None."""
        return self._by_shortcut.get(key)

    def to_json(self) -> dict[str, Any]:
        """The attribute laid out as in a 2.0 file: only the keys its type takes."""
        data: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "label_ar": self.label_ar,
            "label_en": self.label_en,
            "description": self.description,
        }
        if self.type in MULTIPLE_TYPES:
            data["multiple"] = self.multiple
        data["required"] = self.required
        if self.when is not None:
            data["when"] = self.when
        if self.type == "choice":
            data["values"] = [value.to_json() for value in self.values]
        return data


def legacy_attributes(
    stances: Iterable[LabelValue],
    claim_types: Iterable[LabelValue],
    target: FreeTextField = FreeTextField(),
    note: FreeTextField = FreeTextField(),
    required: Iterable[str] = (),
) -> tuple[Attribute, ...]:
    """The attributes a 1.0 schema stands for: actor, stance, target (once a stance is
    chosen), claim type and note; a free-text one that is not allowed is left out."""
    required = frozenset(required)

    def make(attribute_id: str, kind: str, **extra: Any) -> Attribute:
        label_ar, label_en = default_labels(attribute_id)
        return Attribute(
            attribute_id, kind, label_ar, label_en, required=attribute_id in required, **extra
        )

    attributes = [make("actor", "actor"), make("stance", "choice", values=tuple(stances))]
    if target.allowed:
        attributes.append(make("target", "text", description=target.description, when="stance"))
    attributes.append(make("claim_type", "choice", values=tuple(claim_types)))
    if note.allowed:
        attributes.append(make("note", "text", description=note.description))
    return tuple(attributes)


@dataclass(frozen=True)
class Kind:
    """A kind of passage (a claim's content, its source, its cue...): which of the
    schema's passage attributes its label holds."""

    id: str
    label_ar: str
    label_en: str
    description: str = ""
    shortcut: str | None = None  # picks the kind in the tag dialog
    color: str | None = None
    attribute_ids: tuple[str, ...] = ()  # ids from `LabelSchema.attributes`, in that order

    @property
    def color_hex(self) -> str | None:
        return None if self.color is None else color_to_hex(self.color)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "label_ar": self.label_ar,
            "label_en": self.label_en,
            "description": self.description,
        }
        if self.shortcut is not None:
            data["shortcut"] = self.shortcut
        if self.color is not None:
            data["color"] = self.color
        data["attributes"] = list(self.attribute_ids)
        return data


@dataclass(frozen=True)
class RelationType:
    """A typed, directed link from a passage of one kind to a passage of another (a
    content `said_by` its source), with attributes of its own."""

    id: str
    label_ar: str
    label_en: str
    from_kind: str
    to_kind: str
    description: str = ""  # the guideline shown when linking
    shortcut: str | None = None
    color: str | None = None
    attributes: tuple[Attribute, ...] = ()

    @property
    def level(self) -> str:
        """The level its labels are checked at (`LabelSchema.validate_labels`)."""
        return RELATION_LEVEL + self.id

    @property
    def color_hex(self) -> str | None:
        return None if self.color is None else color_to_hex(self.color)

    def attribute(self, attr_id: str) -> Attribute | None:
        for attribute in self.attributes:
            if attribute.id == attr_id:
                return attribute
        return None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "label_ar": self.label_ar,
            "label_en": self.label_en,
            "from": self.from_kind,
            "to": self.to_kind,
            "description": self.description,
        }
        if self.shortcut is not None:
            data["shortcut"] = self.shortcut
        if self.color is not None:
            data["color"] = self.color
        data["attributes"] = [a.to_json() for a in self.attributes]
        return data


def implicit_kind(attributes: Iterable[Attribute]) -> Kind:
    """The one kind of a schema that declares none: every passage attribute."""
    return Kind(
        IMPLICIT_KIND,
        "مقطع",
        "Passage",
        attribute_ids=tuple(a.id for a in attributes),
    )


def _kind_of(value: Any) -> str:
    """What a label value holds, for 'expected X, got Y' reasons."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _is_unset(value: Any) -> bool:
    """True for what stands for "not labelled": None, blank text, an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


def _shown(value: str) -> str:
    return printable(value)


@dataclass(frozen=True, init=False)
class LabelSchema:
    """A label schema: the actor registry and the attributes of a passage and of a document.
    Immutable; `with_extra_actors` makes a copy.

    Built from `attributes` (2.0), or, for code written against 1.0, from `stances`,
    `claim_types` and optionally `target`, `note` and `required`, which stand for the
    equivalent attributes (`legacy_attributes`).
    """

    name: str
    version: str
    actors: tuple[Actor, ...]
    attributes: tuple[Attribute, ...]  # a passage's, in the tag dialog's order
    document_attributes: tuple[Attribute, ...]  # a whole article's, per annotator
    description: str
    source: str = field(compare=False)  # the file it was read from
    cues: tuple[str, ...] = ()  # reporting verbs beyond the bundled lexicon (suggestions)
    # The kinds of passage, the first the default (a passage of kind "" is of it); never
    # empty: a schema that declares none has one implicit kind with every attribute.
    kinds: tuple[Kind, ...] = ()
    relations: tuple[RelationType, ...] = ()  # the links between passages it allows

    def __init__(
        self,
        name: str,
        version: str,
        actors: Iterable[Actor] = (),
        attributes: Iterable[Attribute] | None = None,
        document_attributes: Iterable[Attribute] = (),
        description: str = "",
        source: str = "",
        *,
        stances: Iterable[LabelValue] | None = None,
        claim_types: Iterable[LabelValue] | None = None,
        target: FreeTextField | None = None,
        note: FreeTextField | None = None,
        required: Iterable[str] | None = None,
        cues: Iterable[str] = (),
        kinds: Iterable[Kind] | None = None,
        relations: Iterable[RelationType] = (),
    ) -> None:
        legacy = (stances, claim_types, target, note, required)
        if attributes is None:
            attributes = legacy_attributes(
                stances or (),
                claim_types or (),
                target or FreeTextField(),
                note or FreeTextField(),
                required or (),
            )
        elif any(part is not None for part in legacy):
            raise TypeError("give attributes, or the 1.0 fields (stances, claim_types...)")
        set_field = object.__setattr__
        set_field(self, "name", name)
        set_field(self, "version", version)
        set_field(self, "actors", tuple(actors))
        set_field(self, "attributes", tuple(attributes))
        set_field(self, "document_attributes", tuple(document_attributes))
        set_field(self, "description", description)
        set_field(self, "source", source)
        set_field(self, "cues", tuple(cues))
        kinds = tuple(kinds or ())
        set_field(self, "kinds", kinds or (implicit_kind(self.attributes),))
        set_field(self, "relations", tuple(relations))

    # --- attributes -----------------------------------------------------------------

    def _level(self, level: str) -> tuple[Attribute, ...]:
        if level == "passage":
            return self.attributes
        if level == "document":
            return self.document_attributes
        if level.startswith(RELATION_LEVEL):
            relation = self.relation(level[len(RELATION_LEVEL) :])
            if relation is not None:
                return relation.attributes
        expected = ", ".join([*LEVELS, *(r.level for r in self.relations)])
        raise ValueError(f"unknown level {level!r} (expected one of: {expected})")

    @cached_property
    def _attributes_by_id(self) -> dict[str, dict[str, Attribute]]:
        levels = {
            "passage": {a.id: a for a in self.attributes},
            "document": {a.id: a for a in self.document_attributes},
        }
        for relation in self.relations:
            levels[relation.level] = {a.id: a for a in relation.attributes}
        return levels

    # --- kinds and relations ----------------------------------------------------------

    @property
    def declares_kinds(self) -> bool:
        """True when the file declared `kinds:` (not only the implicit one)."""
        return self.kinds != (implicit_kind(self.attributes),)

    @property
    def default_kind(self) -> Kind:
        """The kind of a passage whose kind is "" (the first declared)."""
        return self.kinds[0]

    @cached_property
    def _kinds_by_id(self) -> dict[str, Kind]:
        found = {kind.id: kind for kind in self.kinds}
        found[""] = self.kinds[0]
        return found

    def kind(self, kind_id: str) -> Kind | None:
        """The kind `kind_id` ("" is the default kind), or None."""
        return self._kinds_by_id.get(kind_id)

    def kind_by_shortcut(self, key: str) -> Kind | None:
        for kind in self.kinds:
            if kind.shortcut == key:
                return kind
        return None

    def kind_id(self, kind_id: str) -> str:
        """The id a passage's kind stands for ("" is the default kind's id)."""
        return kind_id or self.kinds[0].id

    @cached_property
    def _kind_attributes(self) -> dict[str, tuple[Attribute, ...]]:
        by_id = self._attributes_by_id["passage"]
        found = {
            kind.id: tuple(by_id[a] for a in kind.attribute_ids if a in by_id)
            for kind in self.kinds
        }
        found[""] = found[self.kinds[0].id]
        return found

    def attributes_of(self, kind_id: str) -> tuple[Attribute, ...]:
        """The passage attributes of a kind, in the schema's order ("" is the default
        kind; an unknown kind has none)."""
        return self._kind_attributes.get(kind_id, ())

    @cached_property
    def _relations_by_id(self) -> dict[str, RelationType]:
        return {relation.id: relation for relation in self.relations}

    def relation(self, rel_id: str) -> RelationType | None:
        """The relation type `rel_id`, or None."""
        return self._relations_by_id.get(rel_id)

    def relation_by_shortcut(self, key: str) -> RelationType | None:
        for relation in self.relations:
            if relation.shortcut == key:
                return relation
        return None

    def relations_between(self, from_kind: str, to_kind: str) -> tuple[RelationType, ...]:
        """The relation types that may link a passage of `from_kind` to one of `to_kind`
        ("" is the default kind), in schema order."""
        source, target = self.kind_id(from_kind), self.kind_id(to_kind)
        return tuple(r for r in self.relations if r.from_kind == source and r.to_kind == target)

    def attribute(self, attr_id: str, level: str = "passage") -> Attribute | None:
        """The attribute `attr_id` of a passage (or of a document), or None."""
        self._level(level)
        return self._attributes_by_id[level].get(attr_id)

    def _choice_values(self, attr_id: str) -> tuple[LabelValue, ...]:
        attribute = self.attribute(attr_id)
        return attribute.values if attribute is not None and attribute.type == "choice" else ()

    # --- derived, for code written against the 1.0 attributes -------------------------

    @property
    def stances(self) -> tuple[LabelValue, ...]:
        return self._choice_values("stance")

    @property
    def claim_types(self) -> tuple[LabelValue, ...]:
        return self._choice_values("claim_type")

    def _free_text(self, attr_id: str) -> FreeTextField:
        attribute = self.attribute(attr_id)
        if attribute is None:
            return FreeTextField(allowed=False)
        return FreeTextField(allowed=True, description=attribute.description)

    @property
    def target(self) -> FreeTextField:
        return self._free_text("target")

    @property
    def note(self) -> FreeTextField:
        return self._free_text("note")

    @property
    def target_allowed(self) -> bool:
        return self.attribute("target") is not None

    @property
    def note_allowed(self) -> bool:
        return self.attribute("note") is not None

    @property
    def required(self) -> frozenset[str]:
        """The ids of the passage attributes declared `required: true`."""
        return frozenset(a.id for a in self.attributes if a.required)

    def is_required(self, attribute: str) -> bool:
        """True when a label may not be saved without `attribute` (declared `required: true`)."""
        found = self.attribute(attribute)
        return found is not None and found.required

    def missing_required(self, labels: Mapping[str, Any], kind: str = "") -> list[str]:
        """The required passage attributes of `kind` that `labels` (attribute id -> value)
        leaves empty, in dialog order. Blank text and an empty list count as empty; an
        attribute whose `when` is unmet is not offered, so it is not missing."""
        return [
            a.id
            for a in self.attributes_of(kind)
            if a.required
            and _is_unset(labels.get(a.id))
            and (a.when is None or not _is_unset(labels.get(a.when)))
        ]

    def _closed(self, field_name: str) -> Attribute | None:
        """The attribute behind `values(field_name)`; ValueError when it has no values."""
        attribute = self.attribute(field_name)
        if attribute is not None and attribute.type in ("choice", "actor"):
            return attribute
        if field_name in FIELDS:
            return None
        closed = [a.id for a in self.attributes if a.type in ("choice", "actor")]
        known = ", ".join(dict.fromkeys([*FIELDS, *closed]))
        raise ValueError(f"unknown field {field_name!r} (expected one of: {known})")

    def values(self, field_name: str) -> tuple[Value, ...]:
        """The values of a choice attribute (`stance`, `claim_type`...) in schema order, or
        the actors for `actor` (and any attribute of type actor)."""
        attribute = self._closed(field_name)
        if field_name == "actor" or (attribute is not None and attribute.type == "actor"):
            return self.actors
        return attribute.values if attribute is not None else ()

    @cached_property
    def _actors_by_id(self) -> dict[str, Actor]:
        return {actor.id: actor for actor in self.actors}

    @cached_property
    def _actors_by_shortcut(self) -> dict[str, Actor]:
        return {actor.shortcut: actor for actor in self.actors if actor.shortcut}

    def actor(self, actor_id: str) -> Actor | None:
        return self._actors_by_id.get(actor_id)

    def stance(self, stance_id: str) -> LabelValue | None:
        attribute = self.attribute("stance")
        return attribute.value(stance_id) if attribute is not None else None

    def claim_type(self, claim_type_id: str) -> LabelValue | None:
        attribute = self.attribute("claim_type")
        return attribute.value(claim_type_id) if attribute is not None else None

    def by_shortcut(self, field_name: str, key: str) -> Value | None:
        """The value of a field whose shortcut is `key`, or None."""
        attribute = self._closed(field_name)
        if field_name == "actor" or (attribute is not None and attribute.type == "actor"):
            return self._actors_by_shortcut.get(key)
        return attribute.by_shortcut(key) if attribute is not None else None

    # --- labels -----------------------------------------------------------------------

    def validate_labels(
        self,
        labels: Mapping[str, Any],
        level: str = "passage",
        extra_actor_ids: Iterable[str] = (),
        *,
        rules: bool = True,
        kind: str = "",
    ) -> list[tuple[str, str]]:
        """Problems with a labels mapping (attribute id -> value) under this schema, as
        (attribute id, reason) pairs; empty when it is fine. With `rules=False` only what
        the schema cannot read is reported (the rules for making a label, `when` and
        `required`, are left out: labels made under an older schema may predate them).

        None, blank text and an empty list mean "not labelled". Reported: an unknown
        attribute, an unknown value or actor (`extra_actor_ids` are the users' own), a list
        for an attribute that takes one value or one value for a `multiple` one, a value of
        the wrong type (text must be text, boolean true/false), an attribute given while
        its `when` is unmet, and a `required` one left empty (once offered).

        `level` is "passage", "document" or "relation:<id>" (a relation type's
        attributes). A passage's labels are checked against its `kind` ("" is the
        default kind): an attribute of another kind is unknown for this one.
        """
        attributes = self._level(level)
        known = self._attributes_by_id[level]
        problems: list[tuple[str, str]] = []
        of_schema = known
        kind_id = ""
        if level == "passage":
            found = self.kind(kind)
            if found is None:
                expected = ", ".join(k.id for k in self.kinds)
                return [("kind", f"unknown kind '{_shown(kind)}' (expected one of: {expected})")]
            kind_id = found.id
            attributes = self.attributes_of(kind)
            known = {a.id: a for a in attributes}
        for key in labels:
            if key not in known:
                expected = ", ".join(known) or "none"
                shown = _shown(str(key))
                # An attribute of another kind is named as such; one the schema does not
                # have at all is just unknown.
                for_kind = f" for kind {kind_id}" if key in of_schema else ""
                problems.append(
                    (str(key), f"unknown attribute '{shown}'{for_kind} (expected: {expected})")
                )
        extra = set(extra_actor_ids)
        for attribute in attributes:
            value = labels.get(attribute.id)
            offered = attribute.when is None or not _is_unset(labels.get(attribute.when))
            if _is_unset(value):
                if rules and attribute.required and offered:
                    problems.append((attribute.id, "required, but not given"))
                continue
            reason = self._value_problem(attribute, value, extra)
            if reason is None and rules and not offered:
                reason = (
                    f"given without {attribute.when} (offered once {attribute.when} has a value)"
                )
            if reason is not None:
                problems.append((attribute.id, reason))
        return problems

    def _value_problem(self, attribute: Attribute, value: Any, extra: set[str]) -> str | None:
        if attribute.type == "text":
            return None if isinstance(value, str) else f"expected text, got {_kind_of(value)}"
        if attribute.type == "boolean":
            if isinstance(value, bool):
                return None
            return f"expected true or false, got {_kind_of(value)}"
        if attribute.multiple:
            if not isinstance(value, list | tuple):
                return f"expected a list of values (it takes several), got {_kind_of(value)}"
            items = list(value)
        else:
            if isinstance(value, list | tuple):
                return "expected one value, got a list (it takes one)"
            items = [value]
        seen: set[str] = set()
        for item in items:
            if not isinstance(item, str):
                return f"expected a value id (text), got {_kind_of(item)}"
            if item in seen:
                return f"duplicate value '{_shown(item)}'"
            seen.add(item)
            if attribute.type == "actor":
                if item not in self._actors_by_id and item not in extra:
                    return f"unknown actor '{_shown(item)}'"
            elif attribute.value(item) is None:
                known = ", ".join(v.id for v in attribute.values)
                return f"unknown value '{_shown(item)}' (expected one of: {known})"
        return None

    def clean_labels(self, labels: Mapping[str, Any], level: str = "passage") -> dict[str, Any]:
        """The canonical stored form of a labels mapping: None, blank text and empty lists
        left out; a `multiple` attribute as a list in the order given without duplicates
        (one value given alone becomes a list of it); the schema's attributes in schema
        order, then any it does not know, as given (kept: nothing is dropped silently).
        `level` as for `validate_labels`; a passage's attributes are those of the whole
        schema, whatever its kind (`validate_labels` checks the kind)."""
        self._level(level)
        known = self._attributes_by_id[level]
        cleaned: dict[str, Any] = {}
        for attr_id, attribute in known.items():
            if attr_id not in labels:
                continue
            value = labels[attr_id]
            if attribute.multiple:
                if isinstance(value, str):
                    value = [value]
                if isinstance(value, list | tuple):
                    value = list(dict.fromkeys(v for v in value if not _is_unset(v)))
            if not _is_unset(value):
                cleaned[attr_id] = value
        for key, value in labels.items():
            if key not in known and not _is_unset(value):
                cleaned[key] = value
        return cleaned

    # --- actors -----------------------------------------------------------------------

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
    def _actor_search_keys(self) -> list[tuple[Actor, list[SearchKey]]]:
        return [
            (actor, [search_key(name) for name in (*actor.names, actor.id) if name.strip()])
            for actor in self.actors
        ]

    def find_actors(self, query: str, limit: int | None = None) -> list[Actor]:
        """Actors whose names or aliases match `query`, best first.

        Matching folds both sides with search's rules (`normalize_for_search`: no
        diacritics or tatweel, alef forms, ى/ي, ة/ه, digits, Latin case and accents) and
        ignores punctuation and the article ال (or `al-`). Ranking: exact, exact without
        the article, prefix, word prefix, all words, substring, letters in order; ties go
        to the closer-sized name, then to schema order. An empty query lists every actor.
        """
        key = search_key(query)
        if not key.full:
            found = list(self.actors)
        else:
            ranked: list[tuple[tuple[int, int], int, Actor]] = []
            for order, (actor, names) in enumerate(self._actor_search_keys):
                ranks = [rank for name in names if (rank := match_rank(key, name)) is not None]
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
        """Problems with a passage's 1.0 labels under this schema (empty when it is fine).

        None means "not labelled" and is always fine. `extra_actor_ids` are the ids of the
        users' own actors. A non-empty `target` is a problem when the schema has none.
        """
        problems: list[str] = []
        if (
            actor is not None
            and actor not in self._actors_by_id
            and actor not in set(extra_actor_ids)
        ):
            problems.append(f"unknown actor '{actor}'")
        for field_name, value_id in (("stance", stance), ("claim_type", claim_type)):
            values = self._choice_values(field_name)
            if value_id is not None and all(v.id != value_id for v in values):
                known = ", ".join(v.id for v in values)
                problems.append(f"unknown {field_name} '{value_id}' (expected one of: {known})")
        if target and not self.target_allowed:
            problems.append(f"schema '{self.name}' does not allow a stance target")
        return problems

    def to_json(self) -> dict[str, Any]:
        """The schema as JSON-ready data in the 2.0 layout (whatever layout it was read
        from); the JSON is itself a valid schema file and reads back as this schema."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "actors": [actor.to_json() for actor in self.actors],
            "attributes": [a.to_json() for a in self.attributes],
            "document_attributes": [a.to_json() for a in self.document_attributes],
            **({"cues": list(self.cues)} if self.cues else {}),
            **({"kinds": [k.to_json() for k in self.kinds]} if self.declares_kinds else {}),
            **({"relations": [r.to_json() for r in self.relations]} if self.relations else {}),
        }
