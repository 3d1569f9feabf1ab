"""What the dataset formats (spaCy, Hugging Face) read from native records, generically.

A native span's labels are its `labels` mapping (attribute id -> value); a span in the
first layout (`actor` … `note` fields) is read as the same mapping. A record's document
labels are its `document_labels`: the labels mapping of the record's annotator. Nothing
here knows an attribute by name: the schema in effect says what there is.

These formats need packages Hashiya does not install by default (`require` says which,
in one line); they are imported only when the format is used.
"""

from __future__ import annotations

import importlib
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from annotations.schema import Attribute, LabelSchema

# The fields a native span had before labels were one mapping, in the order written.
_FIRST_LAYOUT = ("actor", "stance", "target", "claim_type", "note")


class MissingPackage(RuntimeError):
    """A format needs a package that is not installed; str() is the one line to show."""


def require(module: str, format_name: str, package: str) -> ModuleType:
    """Import `module` for `--format format_name`, or raise MissingPackage naming `package`."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingPackage(
            f"--format {format_name} needs the {package} package, which is not installed"
            f" (pip install '{package}', or pip install 'hashiya[test]')"
        ) from None


def _canonical(value: Any) -> Any:
    """An actor travels as {id, names…}; a label holds its id."""
    if isinstance(value, Mapping):
        return value.get("id")
    if isinstance(value, list | tuple):
        items = [_canonical(item) for item in value]
        return [item for item in items if item is not None] or None
    return value


def _clean(labels: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in labels.items():
        value = _canonical(value)
        if value is None or value == "":
            continue  # absent = not labelled
        out[str(key)] = value
    return out


def span_labels(span: Mapping[str, Any]) -> dict[str, Any]:
    """The span's labels: attribute id -> value (a list for multiple, a bool for boolean)."""
    labels = span.get("labels")
    if isinstance(labels, Mapping):
        return _clean(labels)
    return _clean({key: span.get(key) for key in _FIRST_LAYOUT})


def record_document_labels(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record's annotator's document labels ({} when the record has none).

    Accepts the labels mapping itself, a mapping annotator -> labels, or a list of
    {annotator, labels} entries."""
    found = record.get("document_labels")
    annotator = record.get("annotator")
    if isinstance(found, list):
        for entry in found:
            if isinstance(entry, Mapping) and entry.get("annotator") == annotator:
                return _clean(entry.get("labels") or {})
        return {}
    if not isinstance(found, Mapping):
        return {}
    mine = found.get(annotator) if isinstance(annotator, str) else None
    if isinstance(mine, Mapping) and all(isinstance(v, Mapping) for v in found.values()):
        return _clean(mine)
    return _clean(found)


def level_attributes(
    schema: LabelSchema | None, level: str, used: Iterable[Mapping[str, Any]]
) -> list[Attribute]:
    """The schema's attributes of a level, then any other attribute the labels use
    (a record made under another schema), as text or its list, sorted by id."""
    declared = (
        list(schema.attributes if level == "passage" else schema.document_attributes)
        if (schema is not None)
        else []
    )
    known = {a.id for a in declared}
    extra: dict[str, Attribute] = {}
    for labels in used:
        for key, value in labels.items():
            if key in known or key in extra:
                continue
            kind = "boolean" if isinstance(value, bool) else "text"
            extra[key] = Attribute(
                id=key,
                type=kind,
                label_ar=key,
                label_en=key,
                multiple=isinstance(value, list),
            )
    return declared + [extra[key] for key in sorted(extra)]


def value_names(attribute: Attribute, used: Iterable[Mapping[str, Any]]) -> list[str]:
    """A choice attribute's value ids: the schema's in order, then others used, sorted."""
    declared = [v.id for v in attribute.values]
    seen = set(declared)
    others: set[str] = set()
    for labels in used:
        value = labels.get(attribute.id)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item not in seen:
                others.add(item)
    return declared + sorted(others)


def as_list(value: Any) -> list[Any]:
    """A label's values as a list (none, one, or several)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write bytes to `path` through a temporary file renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("xb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def spans_of(record: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    return record.get("spans") or ()
