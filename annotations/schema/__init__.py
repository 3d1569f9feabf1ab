"""The label schema: the actors and the attributes a label may hold, declared in YAML.

A schema (docs/schema.md) lists the actor registry, the attributes of a passage and of
a whole document, the kinds of passage (each with its attributes) and the relations that
link them. Attributes are `choice` (one value of a list, or several), `actor`, `text` or
`boolean`, each optionally `required` or offered only `when` an earlier one has a value.
Files in the 1.0 layout are read as the equivalent 2.0 schema. Loading checks everything
and raises `SchemaError`, whose message is one line: `FILE:LINE: FIELD: message`.

`model` holds the records, `loader` reads 2.0 files, `legacy` 1.0 files, `reader` the
YAML nodes both are made of, `actor_search` finds actors by name.
"""

from annotations.schema.actor_search import normalize_for_search
from annotations.schema.colors import CSS_COLORS, color_to_hex, is_valid_color
from annotations.schema.loader import (
    default_schema,
    load_schema,
    load_schema_or_default,
    parse_schema,
    schema_with_user_actors,
)
from annotations.schema.model import (
    ACTOR_KINDS,
    ATTRIBUTE_TYPES,
    ATTRIBUTES,
    BUILT_IN_LABELS,
    DEFAULT_ACTOR_COLOR,
    DEFAULT_ACTOR_KIND,
    FIELDS,
    IMPLICIT_KIND,
    LEVELS,
    MAX_ID_LENGTH,
    MULTIPLE_TYPES,
    RELATION_LEVEL,
    Actor,
    Attribute,
    ClaimType,
    FreeTextField,
    Kind,
    LabelSchema,
    LabelValue,
    RelationType,
    Stance,
    Value,
    default_labels,
    implicit_kind,
    legacy_attributes,
)
from annotations.schema.reader import SchemaError

__all__ = [
    "ACTOR_KINDS",
    "ATTRIBUTES",
    "ATTRIBUTE_TYPES",
    "BUILT_IN_LABELS",
    "CSS_COLORS",
    "DEFAULT_ACTOR_COLOR",
    "DEFAULT_ACTOR_KIND",
    "FIELDS",
    "IMPLICIT_KIND",
    "LEVELS",
    "MAX_ID_LENGTH",
    "MULTIPLE_TYPES",
    "RELATION_LEVEL",
    "Actor",
    "Attribute",
    "ClaimType",
    "FreeTextField",
    "Kind",
    "LabelSchema",
    "LabelValue",
    "RelationType",
    "SchemaError",
    "Stance",
    "Value",
    "color_to_hex",
    "default_labels",
    "default_schema",
    "implicit_kind",
    "is_valid_color",
    "legacy_attributes",
    "load_schema",
    "load_schema_or_default",
    "normalize_for_search",
    "parse_schema",
    "schema_with_user_actors",
]
