"""Other annotation tools' formats, made from native records.

Each converter takes native records (the dicts `native_record` returns, or parsed
`NativeRecord`s) and returns plain dicts or strings; `write_brat` and the writers in
`FORMATS` are the only functions that touch files, and they replace each file atomically
(brat's folder as a whole).

Where a format holds one label per span, `label_from` picks the attribute that becomes
the label (its value id; for actors, the actor id); a span without a value for it gets
the label `UNSET_LABEL`. The other attributes go where the format has room for them.
docs/format.md describes every mapping and its caveats.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import quoteattr

from annotations.export.conll import HEADER as CONLL_HEADER
from annotations.export.conll import ConllDocument, SpanIn, conll_document, document_lines
from annotations.export.hashing import prodigy_hashes
from annotations.export.native import (
    CATEGORICAL_ATTRIBUTES,
    LINE_BREAKS,
    SPAN_ATTRIBUTES,
    NativeRecord,
    dumps_line,
    span_records,
)
from annotations.schema import BUILT_IN_LABELS, Actor, LabelSchema, LabelValue

LabelFrom = Literal["claim_type", "stance", "actor"]
LABEL_FROM_CHOICES: tuple[LabelFrom, ...] = ("claim_type", "stance", "actor")
Unit = Literal["article", "span"]
UNSET_LABEL = "_unset"

RecordLike = Mapping[str, Any] | NativeRecord


def _as_dict(record: RecordLike) -> Mapping[str, Any]:
    return record.to_dict() if isinstance(record, NativeRecord) else record


def _check_label_from(label_from: str) -> None:
    if label_from not in LABEL_FROM_CHOICES:
        raise ValueError(
            f"label_from must be one of {', '.join(LABEL_FROM_CHOICES)}, not {label_from!r}"
        )


def _value_id(span: Mapping[str, Any], attribute: str) -> str | None:
    value = span[attribute]
    if attribute == "actor":
        return None if value is None else str(value["id"])
    return None if value is None else str(value)


def span_label(span: Mapping[str, Any], label_from: str) -> str:
    """The label a one-label format gives a native span."""
    value = _value_id(span, label_from)
    return UNSET_LABEL if value is None else value


def _flat_attributes(span: Mapping[str, Any]) -> dict[str, str | None]:
    """All five attributes with the actor reduced to its id."""
    return {
        "actor": _value_id(span, "actor"),
        "stance": span["stance"],
        "target": span["target"],
        "claim_type": span["claim_type"],
        "note": span["note"],
    }


# --------------------------------------------------------------------------- overlaps


def overlapping_span_ids(spans: Iterable[Mapping[str, Any]]) -> set[str]:
    """The ids of the spans that share at least one character with another span."""
    ordered = sorted(spans, key=lambda s: (s["start"], s["end"]))
    found: set[str] = set()
    reach = -1  # the furthest end so far, and the span that reaches it
    reaching = ""
    for span in ordered:
        if span["start"] < reach:
            found.add(span["id"])
            found.add(reaching)
        if span["end"] > reach:
            reach, reaching = span["end"], span["id"]
    return found


# --------------------------------------------------------------------------- Prodigy

PRODIGY_VIEW = "ner_manual"  # spans that never overlap, on tokens
PRODIGY_OVERLAP_VIEW = "spans_manual"  # Prodigy's view for overlapping and nested spans


def to_prodigy(record: RecordLike, label_from: LabelFrom) -> list[dict[str, Any]]:
    """Prodigy tasks (answer "accept") for one native record: one task.

    `_view_id` is `ner_manual`, or `spans_manual` when spans overlap (ner_manual cannot
    show them). `_input_hash` and `_task_hash` are computed from the task's content as
    Prodigy's `set_hashes` computes them (`annotations.export.hashing`).
    """
    _check_label_from(label_from)
    data = _as_dict(record)
    spans = [
        {
            "start": span["start"],
            "end": span["end"],
            "text": span["text"],
            "label": span_label(span, label_from),
            "id": span["id"],
            **_flat_attributes(span),
        }
        for span in data["spans"]
    ]
    session = f"{data['schema']['name']}-{data['annotator']}"
    task: dict[str, Any] = {
        "text": data["text"],
        "meta": {
            "article_id": data["article_id"],
            "title": data["title"],
            "source": data["source"],
            "annotator": data["annotator"],
            "status": data["status"],
        },
        "_input_hash": 0,
        "_task_hash": 0,
        "spans": spans,
        "_view_id": PRODIGY_OVERLAP_VIEW if overlapping_span_ids(spans) else PRODIGY_VIEW,
        "answer": "accept",
        "_annotator_id": session,
        "_session_id": session,
    }
    task["_input_hash"], task["_task_hash"] = prodigy_hashes(task)
    return [task]


# --------------------------------------------------------------------------- doccano


def to_doccano(record: RecordLike, label_from: LabelFrom) -> dict[str, Any]:
    """A doccano sequence-labelling line: `text`, `label` triples, the rest as metadata."""
    _check_label_from(label_from)
    data = _as_dict(record)
    return {
        "text": data["text"],
        "label": [
            [span["start"], span["end"], span_label(span, label_from)] for span in data["spans"]
        ],
        "article_id": data["article_id"],
        "title": data["title"],
        "source": data["source"],
        "annotator": data["annotator"],
        "status": data["status"],
        "spans": [
            {"id": span["id"], "start": span["start"], "end": span["end"], **_flat_attributes(span)}
            for span in data["spans"]
        ],
    }


# --------------------------------------------------------------------------- Label Studio

# The unit of a Label Studio region's `start`/`end`. Label Studio itself counts code points
# (docs/interop.md has the evidence); `utf16` is for tools that count JavaScript string
# units instead.
LabelStudioOffsets = Literal["codepoint", "utf16"]
LABELSTUDIO_OFFSETS: tuple[LabelStudioOffsets, ...] = ("codepoint", "utf16")


def utf16_offsets(text: str) -> Callable[[int], int]:
    """A function from a code-point offset in `text` to its UTF-16 code-unit offset."""
    astral = [index for index, char in enumerate(text) if ord(char) > 0xFFFF]
    if not astral:
        return lambda index: index
    return lambda index: index + bisect_left(astral, index)


def _check_offsets(offsets: str) -> None:
    if offsets not in LABELSTUDIO_OFFSETS:
        raise ValueError(
            f"offsets must be one of {', '.join(LABELSTUDIO_OFFSETS)}, not {offsets!r}"
        )


def to_labelstudio(
    records: Iterable[RecordLike],
    label_from: LabelFrom,
    *,
    annotator_emails: Mapping[str, str] | None = None,
    offsets: LabelStudioOffsets = "codepoint",
) -> list[dict[str, Any]]:
    """Label Studio tasks: one per article, one annotation per annotator.

    Offsets are code points, as Label Studio stores them (`offsets="utf16"` gives
    UTF-16 code units instead). Each span is a region (id = the span id) with a `labels`
    result; its other attributes are per-region `choices` (actor, stance, claim_type)
    and `textarea` (target, note) results on the same region, matching
    `labelstudio_config`. Who annotated is in the task's `meta.hashiya` (Label Studio
    keeps task meta; it drops unknown keys on annotations). `completed_by` is written
    only for annotators with an e-mail in `annotator_emails` (an annotator name that is
    itself an e-mail counts): Label Studio rejects a file naming a user it cannot find.
    """
    _check_label_from(label_from)
    _check_offsets(offsets)
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for record in records:
        data = _as_dict(record)
        groups.setdefault(data["article_id"], []).append(data)
    return [
        _labelstudio_task(group, label_from, annotator_emails, offsets) for group in groups.values()
    ]


def iter_labelstudio_tasks(
    records: Iterable[RecordLike],
    label_from: LabelFrom,
    *,
    annotator_emails: Mapping[str, str] | None = None,
    offsets: LabelStudioOffsets = "codepoint",
) -> Iterator[dict[str, Any]]:
    """`to_labelstudio`, one task at a time, for records grouped by article (as
    `export_records` gives them): only one article's records are held at once.

    Raises ValueError when an article's records come apart (another article between)."""
    _check_label_from(label_from)
    _check_offsets(offsets)
    done: set[str] = set()
    group: list[Mapping[str, Any]] = []
    for record in records:
        data = _as_dict(record)
        article_id = data["article_id"]
        if group and group[0]["article_id"] != article_id:
            done.add(group[0]["article_id"])
            yield _labelstudio_task(group, label_from, annotator_emails, offsets)
            group = []
        if article_id in done:
            raise ValueError(f"the records of article {article_id!r} are not together")
        group.append(data)
    if group:
        yield _labelstudio_task(group, label_from, annotator_emails, offsets)


def _labelstudio_task(
    records: Sequence[Mapping[str, Any]],
    label_from: str,
    annotator_emails: Mapping[str, str] | None,
    offsets: LabelStudioOffsets,
) -> dict[str, Any]:
    """The task of one article from its records (one per annotator)."""
    emails = annotator_emails or {}
    first = records[0]
    article_id = first["article_id"]
    annotations: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for data in records:
        if data["text"] != first["text"]:
            raise ValueError(f"article {article_id!r} has two different texts in the records")
        annotator = data["annotator"]
        if any(name == annotator for name, _, _ in annotations):
            raise ValueError(f"two records for article {article_id!r} by {annotator!r}")
        annotation: dict[str, Any] = {"result": _labelstudio_results(data, label_from, offsets)}
        email = emails.get(annotator, annotator if "@" in annotator else None)
        if email is not None:
            annotation["completed_by"] = {"email": email}
        annotation["was_cancelled"] = False
        annotation["ground_truth"] = False
        whose = {
            "annotator": annotator,
            "status": data["status"],
            "schema": dict(data["schema"]),
            "regions": [span["id"] for span in data["spans"]],
        }
        annotations.append((annotator, annotation, whose))
    annotations.sort(key=lambda entry: entry[0])
    return {
        "data": {
            "text": first["text"],
            "article_id": article_id,
            "title": first["title"],
            "source": first["source"],
            "published": first["published"],
            "origin": first["origin"],
        },
        "meta": {
            "hashiya": {
                "offsets": offsets,
                "annotations": [whose for _, _, whose in annotations],
            }
        },
        "annotations": [annotation for _, annotation, _ in annotations],
    }


def _labelstudio_results(
    data: Mapping[str, Any], label_from: str, offsets: LabelStudioOffsets
) -> list[dict[str, Any]]:
    convert = utf16_offsets(data["text"]) if offsets == "utf16" else None
    results: list[dict[str, Any]] = []
    for span in data["spans"]:
        span_id = span["id"]
        start, end = span["start"], span["end"]
        if convert is not None:
            start, end = convert(start), convert(end)
        region = {"start": start, "end": end, "text": span["text"]}
        label = span_label(span, label_from)
        results.append(
            _labelstudio_result(span_id, "label", "labels", {**region, "labels": [label]})
        )
        for attribute in CATEGORICAL_ATTRIBUTES:
            value = _value_id(span, attribute)
            if attribute != label_from and value is not None:
                choices = {**region, "choices": [value]}
                results.append(_labelstudio_result(span_id, attribute, "choices", choices))
        for attribute in ("target", "note"):
            if span[attribute]:
                typed = {"start": start, "end": end, "text": [span[attribute]]}
                results.append(_labelstudio_result(span_id, attribute, "textarea", typed))
    return results


def _labelstudio_result(
    span_id: str, name: str, kind: str, value: dict[str, Any]
) -> dict[str, Any]:
    return {"id": span_id, "from_name": name, "to_name": "text", "type": kind, "value": value}


@dataclass(frozen=True)
class LabelStudioChoice:
    """One value of a choice attribute in the labeling config."""

    id: str  # what results hold (the config's `alias`)
    name: str  # what the annotator sees (the config's `value`)
    hint: str = ""
    color: str = ""  # "#rrggbb", or "" for Label Studio's own
    shortcut: str = ""


@dataclass(frozen=True)
class LabelStudioAttribute:
    """One control of the labeling config: a choice attribute or a free text."""

    id: str  # the control's name, the results' `from_name`
    type: Literal["choice", "text"]
    title: str
    choices: tuple[LabelStudioChoice, ...] = ()
    multiple: bool = False
    per_region: bool = True  # False: about the whole article (a document attribute)


def _both_names(label_ar: str, label_en: str) -> str:
    """«Arabic · English», or the one there is."""
    return " · ".join(dict.fromkeys(name for name in (label_ar, label_en) if name))


# A boolean attribute's two answers (results hold the ids).
_BOOLEAN_CHOICES = (
    LabelStudioChoice(id="true", name="نعم · Yes"),
    LabelStudioChoice(id="false", name="لا · No"),
)


def labelstudio_attributes(schema: LabelSchema) -> tuple[LabelStudioAttribute, ...]:
    """The labeling config's controls for a schema: every passage attribute (per region)
    and document attribute (per task), choice and actor values with their names,
    guidelines, colours and keys, booleans as yes/no, text as a text area.

    Document attributes are named `document_ID` (ids are unique only within a level).
    The one place that reads the schema for Label Studio."""

    def choice(value: LabelValue | Actor) -> LabelStudioChoice:
        return LabelStudioChoice(
            id=value.id,
            name=_both_names(value.label_ar, value.label_en) or value.id,
            hint=value.description,
            color=value.color_hex,
            shortcut=value.shortcut or "",
        )

    controls = []
    for level, attributes in (
        ("passage", schema.attributes),
        ("document", schema.document_attributes),
    ):
        for attribute in attributes:
            if attribute.type == "choice":
                choices = tuple(choice(v) for v in attribute.values)
            elif attribute.type == "actor":
                choices = tuple(choice(a) for a in schema.actors)
            elif attribute.type == "boolean":
                choices = _BOOLEAN_CHOICES
            else:
                choices = ()
            controls.append(
                LabelStudioAttribute(
                    id=attribute.id if level == "passage" else f"document_{attribute.id}",
                    type="text" if attribute.type == "text" else "choice",
                    title=_both_names(attribute.label_ar, attribute.label_en) or attribute.id,
                    choices=choices,
                    multiple=attribute.multiple,
                    per_region=level == "passage",
                )
            )
    return tuple(controls)


def _plain_attribute(attribute: str) -> LabelStudioAttribute:
    kind: Literal["choice", "text"] = "choice" if attribute in CATEGORICAL_ATTRIBUTES else "text"
    return LabelStudioAttribute(
        id=attribute, type=kind, title=_both_names(*BUILT_IN_LABELS[attribute])
    )


# The controls when no schema is given: the attributes native records hold, no values.
_PLAIN_ATTRIBUTES = tuple(_plain_attribute(a) for a in SPAN_ATTRIBUTES)


def _xml_text(text: str) -> str:
    """`text` with what XML 1.0 cannot hold (controls, lone surrogates) as spaces."""
    return "".join(
        c
        if c in "\t\n\r" or ("\x20" <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd") or c > "\uffff"
        else " "
        for c in text
    )


def _attr(name: str, value: str) -> str:
    return f" {name}={quoteattr(_xml_text(value))}"


def labelstudio_config(
    label_from: LabelFrom,
    attributes: Sequence[LabelStudioAttribute] | None = None,
    *,
    used: Mapping[str, Iterable[str]] | None = None,
) -> str:
    """A Label Studio labeling config (XML) that shows `to_labelstudio` tasks.

    `attributes` (from `labelstudio_attributes`) give each value its name, guideline,
    colour and key; values in `used` (attribute -> value ids the tasks hold, UNSET_LABEL
    included) that the attributes lack follow under their ids, sorted (UNSET_LABEL last),
    so that every result shows.
    The `label_from` attribute becomes the `Labels` control that draws regions; the
    other passage attributes are per-region controls shown when a region is selected,
    document attributes are about the whole task.
    """
    _check_label_from(label_from)
    given = {a.id: a for a in (_PLAIN_ATTRIBUTES if attributes is None else attributes)}
    for name in CATEGORICAL_ATTRIBUTES:  # the tasks hold these, whatever the schema
        given.setdefault(name, _plain_attribute(name))
    used = used or {}

    def choices_of(attribute: LabelStudioAttribute) -> list[LabelStudioChoice]:
        known = {c.id for c in attribute.choices}
        others = set(used.get(attribute.id, ())) - known
        extra = sorted(others - {UNSET_LABEL}) + [UNSET_LABEL] * (UNSET_LABEL in others)
        listed = [*attribute.choices, *(LabelStudioChoice(id=v, name=v) for v in extra)]
        return _distinct_names(listed)

    def options(choice: LabelStudioChoice, *, region_label: bool) -> str:
        text = _attr("value", choice.name) + _attr("alias", choice.id)
        if choice.hint:
            text += _attr("hint", choice.hint)
        if region_label and choice.color:
            text += _attr("background", choice.color)
        # Keys only on the labels: Label Studio's hotkeys are one namespace for the whole
        # config, and the schema's keys are unique within an attribute only.
        if region_label and choice.shortcut:
            text += _attr("hotkey", choice.shortcut)
        return text

    def control(attribute: LabelStudioAttribute, indent: str) -> list[str]:
        region = ' perRegion="true"' if attribute.per_region else ""
        name = _attr("name", attribute.id)
        lines = [f"{indent}<Header{_attr('value', attribute.title)}/>"]
        if attribute.type == "text":
            return [
                *lines,
                f'{indent}<TextArea{name} toName="text"{region} maxSubmissions="1"'
                ' editable="true"/>',
            ]
        # One value: a drop-down (an actor list can be long); several: check boxes.
        kind = 'choice="multiple"' if attribute.multiple else 'choice="single" layout="select"'
        return [
            *lines,
            f'{indent}<Choices{name} toName="text"{region} {kind}>',
            *(
                f"{indent}  <Choice{options(c, region_label=False)}/>"
                for c in choices_of(attribute)
            ),
            f"{indent}</Choices>",
        ]

    label = given[label_from]
    others = [a for a in given.values() if a.id != label_from]
    lines = ["<View>", f"  <Header{_attr('value', label.title)}/>"]
    lines.append('  <Labels name="label" toName="text">')
    lines += [f"    <Label{options(c, region_label=True)}/>" for c in choices_of(label)]
    lines += ["  </Labels>", '  <Text name="text" value="$text"/>']
    for attribute in others:
        if not attribute.per_region:
            lines += control(attribute, "  ")
    lines.append('  <View visibleWhen="region-selected">')
    for attribute in others:
        if attribute.per_region:
            lines += control(attribute, "    ")
    lines += ["  </View>", "</View>"]
    return "\n".join(lines) + "\n"


def _distinct_names(choices: Sequence[LabelStudioChoice]) -> list[LabelStudioChoice]:
    """The choices with names made distinct (Label Studio tells values apart by name)."""
    seen: set[str] = set()
    out = []
    for choice in choices:
        name = choice.name
        if name in seen:
            name = f"{name} ({choice.id})"
        seen.add(name)
        out.append(replace(choice, name=name))
    return out


def labelstudio_config_path(tasks: Path) -> Path:
    """Where the labeling config goes beside a tasks file: `NAME.labelstudio.xml`."""
    return tasks.with_suffix(".labelstudio.xml")


def _labelstudio_used(
    task: Mapping[str, Any], label_from: str, used: dict[str, dict[str, None]]
) -> None:
    """Add the choice values a task's results hold to `used` (attribute -> ids, in order)."""
    for annotation in task["annotations"]:
        for result in annotation["result"]:
            value = result["value"]
            attribute = label_from if result["from_name"] == "label" else result["from_name"]
            for choice in value.get("labels", value.get("choices", ())):
                used.setdefault(attribute, {})[choice] = None


def _collect_values(
    records: Iterable[RecordLike],
    vocabulary: Mapping[str, Sequence[str]] | None,
    label_from: str,
) -> dict[str, list[str]]:
    """Per categorical attribute: the vocabulary's values, then the others used, sorted.

    The label attribute also lists UNSET_LABEL when a span has no value for it.
    """
    declared = {
        a: list(dict.fromkeys((vocabulary or {}).get(a, ()))) for a in CATEGORICAL_ATTRIBUTES
    }
    used: dict[str, set[str]] = {a: set() for a in CATEGORICAL_ATTRIBUTES}
    for record in records:
        for span in _as_dict(record)["spans"]:
            for attribute in CATEGORICAL_ATTRIBUTES:
                value = _value_id(span, attribute)
                if value is not None:
                    used[attribute].add(value)
                elif attribute == label_from:
                    used[attribute].add(UNSET_LABEL)
    return {a: declared[a] + sorted(used[a] - set(declared[a])) for a in CATEGORICAL_ATTRIBUTES}


# --------------------------------------------------------------------------- brat

BRAT_ATTRIBUTE_NAMES = {"actor": "Actor", "stance": "Stance", "claim_type": "ClaimType"}
BRAT_OVERLAP = "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"


@dataclass(frozen=True)
class BratDocument:
    """The .txt and .ann of one native record."""

    txt: str
    ann: str
    skipped: tuple[str, ...]  # ids of spans with no characters brat can show


@dataclass(frozen=True)
class BratResult:
    paths: tuple[Path, ...]
    skipped: tuple[str, ...]


def brat_name(value: str) -> str:
    """A brat type or attribute-value name: letters, digits, _ - . only."""
    name = "".join(c if c.isalnum() or c in "_-." else "_" for c in value)
    return name or "_"


def brat_fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of text[start:end] between line breaks (brat's discontinuous span)."""
    fragments = []
    piece_start = start
    for index in range(start, end):
        if text[index] in LINE_BREAKS:
            if index > piece_start:
                fragments.append((piece_start, index))
            piece_start = index + 1
    if end > piece_start:
        fragments.append((piece_start, end))
    return fragments


def to_brat(record: RecordLike, label_from: LabelFrom) -> BratDocument:
    """The brat standoff files of one native record.

    The .txt is the text with each carriage return written as a newline (brat reads
    text files with universal newlines; the swap keeps every offset). A span crossing
    line breaks becomes fragments `START END;START END` and its text the fragments
    joined by a space, as brat expects. Spans with no character outside line breaks
    cannot be shown and are skipped.
    """
    _check_label_from(label_from)
    data = _as_dict(record)
    text: str = data["text"]
    lines: list[str] = []
    skipped: list[str] = []
    number = attribute_number = note_number = 0
    for span in data["spans"]:
        fragments = brat_fragments(text, span["start"], span["end"])
        if not fragments:
            skipped.append(span["id"])
            continue
        number += 1
        offsets = ";".join(f"{s} {e}" for s, e in fragments)
        quoted = " ".join(text[s:e] for s, e in fragments)
        entity = f"T{number}"
        lines.append(f"{entity}\t{brat_name(span_label(span, label_from))} {offsets}\t{quoted}")
        for attribute in CATEGORICAL_ATTRIBUTES:
            value = _value_id(span, attribute)
            if attribute != label_from and value is not None:
                attribute_number += 1
                name = BRAT_ATTRIBUTE_NAMES[attribute]
                lines.append(f"A{attribute_number}\t{name} {entity} {brat_name(value)}")
        parts = []
        if span["target"]:
            parts.append(f"target: {span['target']}")
        if span["note"]:
            parts.append(span["note"])
        if parts:
            note_number += 1
            note = "".join(" " if c in LINE_BREAKS else c for c in "; ".join(parts))
            lines.append(f"#{note_number}\tAnnotatorNotes {entity}\t{note}")
    txt = text.replace("\r", "\n")
    return BratDocument(txt=txt, ann="".join(f"{line}\n" for line in lines), skipped=tuple(skipped))


def brat_annotation_conf(
    records: Iterable[RecordLike],
    label_from: LabelFrom,
    *,
    vocabulary: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The annotation.conf declaring the entity types and attributes `to_brat` writes."""
    _check_label_from(label_from)
    values = _collect_values(records, vocabulary, label_from)
    lines = [
        "# Written by Hashiya. Entity types are the " + label_from + " value ids.",
        "[entities]",
        *dict.fromkeys(brat_name(v) for v in values[label_from]),
        "",
        "[relations]",
        "# Spans may overlap in any way.",
        BRAT_OVERLAP,
        "",
        "[events]",
        "",
        "[attributes]",
    ]
    for attribute in CATEGORICAL_ATTRIBUTES:
        names = [brat_name(v) for v in values[attribute]]
        if attribute != label_from and names:
            choices = "|".join(dict.fromkeys(names))
            lines.append(f"{BRAT_ATTRIBUTE_NAMES[attribute]}\tArg:<ENTITY>, Value:{choices}")
    return "\n".join(lines) + "\n"


# Longest file or folder name made from an id, in UTF-8 bytes: file systems allow 255,
# and brat adds `.txt` / `.ann`. Ids longer than this are clipped and get a hash.
MAX_NAME_BYTES = 100
_CLIPPED_BYTES = 80


def safe_filename(name: str) -> str:
    """A file or folder name for an id: kept if already safe and short, else cleaned,
    clipped and given a hash of the whole id."""
    cleaned = "".join(c if c.isalnum() or c in "_-." else "_" for c in name).lstrip(".")
    encoded = name.encode("utf-8", "surrogatepass")
    if cleaned == name and name and len(encoded) <= MAX_NAME_BYTES:
        return name
    digest = hashlib.blake2b(encoded, digest_size=4).hexdigest()
    clipped = cleaned.encode("utf-8")[:_CLIPPED_BYTES].decode("utf-8", "ignore")
    return f"{clipped or '_'}-{digest}"


class _Names:
    """Names for ids within one folder, distinct even where case does not count
    (macOS, Windows) and when a clipped name's hash is shared."""

    def __init__(self) -> None:
        self.by_id: dict[str, str] = {}
        self.taken: set[str] = set()

    def __call__(self, value: str) -> str:
        if value in self.by_id:
            return self.by_id[value]
        name = safe_filename(value)
        number = 1
        while name.casefold() in self.taken:
            number += 1
            name = f"{safe_filename(value)}-{number}"
        self.taken.add(name.casefold())
        self.by_id[value] = name
        return name


def write_brat(
    records: Iterable[RecordLike],
    folder: Path,
    label_from: LabelFrom,
    *,
    vocabulary: Mapping[str, Sequence[str]] | None = None,
) -> BratResult:
    """Write a brat collection: `annotation.conf`, then `ANNOTATOR/ARTICLE.txt` + `.ann`.

    brat pairs `DOC.ann` only with `DOC.txt`, so each annotator gets a sub-collection of
    their own; brat finds the shared annotation.conf in the parent folder. The files are
    written to a hidden folder beside `folder` first and moved in when all are written:
    an export that fails leaves `folder` as it was (or absent, if it was).
    """
    _check_label_from(label_from)
    data = [_as_dict(record) for record in records]
    skipped: list[str] = []
    files: list[tuple[Path, str]] = []  # (path relative to the folder, content)
    seen: set[tuple[str, str]] = set()
    annotator_names = _Names()
    article_names: dict[str, _Names] = {}  # per annotator folder
    for record in data:
        key = (record["annotator"], record["article_id"])
        if key in seen:
            raise ValueError(f"two records for article {key[1]!r} by {key[0]!r}")
        seen.add(key)
        document = to_brat(record, label_from)
        annotator = annotator_names(record["annotator"])
        article = article_names.setdefault(annotator, _Names())(record["article_id"])
        files.append((Path(annotator, article + ".txt"), document.txt))
        files.append((Path(annotator, article + ".ann"), document.ann))
        skipped.extend(document.skipped)
    files.append(
        (Path("annotation.conf"), brat_annotation_conf(data, label_from, vocabulary=vocabulary))
    )
    _write_folder(folder, files)
    return BratResult(paths=tuple(folder / path for path, _ in files), skipped=tuple(skipped))


def _write_folder(folder: Path, files: Sequence[tuple[Path, str]]) -> None:
    """Write the files under `folder`, all of them or (on any failure) none."""
    missing = folder.parent
    while not missing.parent.exists() and missing.parent != missing:
        missing = missing.parent  # the topmost parent to create (removed on failure)
    created = None if folder.parent.exists() else missing
    folder.parent.mkdir(parents=True, exist_ok=True)
    stage = folder.with_name(f".{folder.name}.{secrets.token_hex(4)}.tmp")
    try:
        for path, content in files:
            target = stage / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8", newline="") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
        if not folder.exists():
            os.rename(stage, folder)
            return
        for path, _ in files:
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / path, folder / path)
        shutil.rmtree(stage)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if created is not None:
            shutil.rmtree(created, ignore_errors=True)
        raise


# --------------------------------------------------------------------------- files


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text to `path` through a temporary file renamed over it."""
    write_lines_atomic(path, [text], newline=False)


def write_lines_atomic(path: Path, lines: Iterable[str], *, newline: bool = True) -> int:
    """Write the lines (each followed by "\\n" unless newline=False) atomically; count them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    count = 0
    try:
        with temporary.open("x", encoding="utf-8", newline="") as stream:
            for line in lines:
                stream.write(f"{line}\n" if newline else line)
                count += 1
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class ExportOptions:
    """What `hashiya export` passes to a format."""

    label_from: LabelFrom = "claim_type"
    unit: Unit = "article"
    # Attribute -> value ids in schema order (brat's annotation.conf, Label Studio's config).
    vocabulary: Mapping[str, Sequence[str]] | None = None
    # Annotator -> e-mail of the matching Label Studio user (`completed_by`).
    annotator_emails: Mapping[str, str] | None = None
    # Label Studio: the region offsets' unit, and the labeling config's controls
    # (`labelstudio_attributes(schema)`; None: the values the tasks use, by id).
    labelstudio_offsets: LabelStudioOffsets = "codepoint"
    labelstudio_attributes: Sequence[LabelStudioAttribute] | None = None
    # Where a format says what the user should know about the file (one line each:
    # spans it had to leave out, settings the other tool needs); stderr in the CLI.
    report: Callable[[str], None] | None = None


@dataclass(frozen=True)
class ExportSummary:
    written: int  # lines, tasks or documents
    skipped: tuple[str, ...] = ()  # ids of spans the format could not hold
    # Files written beside the output, with what each is (Label Studio's config).
    also_written: tuple[tuple[Path, str], ...] = ()


Writer = Callable[[Iterable[RecordLike], Path, ExportOptions], ExportSummary]
LineMaker = Callable[[Iterable[RecordLike], ExportOptions], Iterator[str]]


@dataclass(frozen=True)
class ExportFormat:
    """One `--format` choice."""

    name: str
    summary: str
    target: Literal["file", "folder"]
    suffix: str  # default file suffix ("" for a folder)
    units: tuple[Unit, ...]
    uses_label_from: bool
    write: Writer
    # For JSON Lines formats: the lines, so a caller can stream them (to stdout, say).
    lines: LineMaker | None = None


def _check_unit(name: str, units: tuple[Unit, ...], options: ExportOptions) -> None:
    if options.unit not in units:
        raise ValueError(f"the {name} format has no --unit {options.unit}")


def _native_lines(records: Iterable[RecordLike], options: ExportOptions) -> Iterator[str]:
    _check_unit("native", ("article", "span"), options)
    for record in records:
        data = _as_dict(record)
        if options.unit == "span":
            yield from (dumps_line(line) for line in span_records(data))
        else:
            yield dumps_line(data)


def _prodigy_lines(records: Iterable[RecordLike], options: ExportOptions) -> Iterator[str]:
    _check_unit("prodigy", ("article",), options)
    for record in records:
        yield from (dumps_line(task) for task in to_prodigy(record, options.label_from))


DOCCANO_OVERLAP_SETTING = "Allow overlapping spans"


def doccano_overlap_note(overlapping: int, spans: int) -> str:
    """The line said when a doccano export holds overlapping spans."""
    return (
        f"doccano: {overlapping} of {spans} spans overlap another span; a doccano project"
        f' keeps them only if it was created with "{DOCCANO_OVERLAP_SETTING}" checked'
        " (otherwise doccano drops them without a word)"
    )


def _doccano_lines(records: Iterable[RecordLike], options: ExportOptions) -> Iterator[str]:
    _check_unit("doccano", ("article",), options)
    spans = overlapping = 0
    for record in records:
        line = to_doccano(record, options.label_from)
        spans += len(line["label"])
        overlapping += len(overlapping_span_ids(line["spans"]))
        yield dumps_line(line)
    if overlapping and options.report is not None:
        options.report(doccano_overlap_note(overlapping, spans))


def to_conll(record: RecordLike, label_from: LabelFrom) -> ConllDocument:
    """The CoNLL document of one native record (annotations.export.conll), tagged with
    the `label_from` attribute's value ids."""
    _check_label_from(label_from)
    data = _as_dict(record)
    spans = [
        SpanIn(span["start"], span["end"], span_label(span, label_from), span["id"])
        for span in data["spans"]
    ]
    comments = [
        f"article_id = {data['article_id']}",
        f"annotator = {data['annotator']}",
        f"label_from = {label_from}",
    ]
    return conll_document(data["text"], spans, comments)


def conll_note(left_out: int, spans: int, untokenised: int) -> str:
    """The line said when a CoNLL export leaves spans out."""
    parts = []
    if left_out:
        parts.append(f"{left_out} of {spans} spans overlap a longer span and are not in the file")
    if untokenised:
        parts.append(f"{untokenised} spans hold no token (only spaces or format characters)")
    return "conll: " + "; ".join(parts) + " (BIO holds one label per token)"


def _conll_lines(records: Iterable[RecordLike], options: ExportOptions) -> Iterator[str]:
    _check_unit("conll", ("article",), options)
    yield from CONLL_HEADER
    yield ""
    spans = left_out = untokenised = 0
    for record in records:
        document = to_conll(record, options.label_from)
        spans += len(_as_dict(record)["spans"])
        left_out += len(document.overlapped)
        untokenised += len(document.untokenised)
        yield from document_lines(document)
    if (left_out or untokenised) and options.report is not None:
        options.report(conll_note(left_out, spans, untokenised))


def _write_conll(
    records: Iterable[RecordLike], dest: Path, options: ExportOptions
) -> ExportSummary:
    documents = 0

    def counted() -> Iterator[RecordLike]:
        nonlocal documents
        for record in records:
            documents += 1
            yield record

    write_lines_atomic(dest, _conll_lines(counted(), options))
    return ExportSummary(written=documents)


def _jsonl_writer(make_lines: LineMaker) -> Writer:
    def write(records: Iterable[RecordLike], dest: Path, options: ExportOptions) -> ExportSummary:
        return ExportSummary(written=write_lines_atomic(dest, make_lines(records, options)))

    return write


def _write_labelstudio(
    records: Iterable[RecordLike], dest: Path, options: ExportOptions
) -> ExportSummary:
    """The tasks file, then its labeling config beside it (`labelstudio_config_path`),
    with every value the tasks use."""
    _check_unit("labelstudio", ("article",), options)
    tasks = iter_labelstudio_tasks(
        records,
        options.label_from,
        annotator_emails=options.annotator_emails,
        offsets=options.labelstudio_offsets,
    )
    written = 0
    used: dict[str, dict[str, None]] = {}

    def pieces() -> Iterator[str]:
        # One JSON array, written a task at a time: "[\n" task ",\n" task ... "\n]\n".
        nonlocal written
        for task in tasks:
            _labelstudio_used(task, options.label_from, used)
            yield ("[\n" if not written else ",\n") + dumps_line(task)
            written += 1
        yield "\n]\n" if written else "[]\n"

    write_lines_atomic(dest, pieces(), newline=False)
    config = labelstudio_config(options.label_from, options.labelstudio_attributes, used=used)
    config_path = labelstudio_config_path(dest)
    write_text_atomic(config_path, config)
    return ExportSummary(written=written, also_written=((config_path, "labeling config"),))


def _write_brat(records: Iterable[RecordLike], dest: Path, options: ExportOptions) -> ExportSummary:
    _check_unit("brat", ("article",), options)
    result = write_brat(records, dest, options.label_from, vocabulary=options.vocabulary)
    documents = sum(1 for path in result.paths if path.suffix == ".ann")
    return ExportSummary(written=documents, skipped=result.skipped)


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            name="native",
            summary="Hashiya JSON Lines: every attribute, lossless (docs/format.md).",
            target="file",
            suffix=".jsonl",
            units=("article", "span"),
            uses_label_from=False,
            write=_jsonl_writer(_native_lines),
            lines=_native_lines,
        ),
        ExportFormat(
            name="prodigy",
            summary="Prodigy tasks (ner_manual, spans_manual where spans overlap), for `prodigy db-in`.",
            target="file",
            suffix=".jsonl",
            units=("article",),
            uses_label_from=True,
            write=_jsonl_writer(_prodigy_lines),
            lines=_prodigy_lines,
        ),
        ExportFormat(
            name="doccano",
            summary="doccano sequence labelling (JSON Lines with `label`).",
            target="file",
            suffix=".jsonl",
            units=("article",),
            uses_label_from=True,
            write=_jsonl_writer(_doccano_lines),
            lines=_doccano_lines,
        ),
        ExportFormat(
            name="conll",
            summary="CoNLL token lines with BIO tags and offsets (tokenisation in docs/interop.md).",
            target="file",
            suffix=".conll",
            units=("article",),
            uses_label_from=True,
            write=_write_conll,
            lines=_conll_lines,
        ),
        ExportFormat(
            name="labelstudio",
            summary="Label Studio tasks (one JSON list) and NAME.labelstudio.xml, the labeling config.",
            target="file",
            suffix=".json",
            units=("article",),
            uses_label_from=True,
            write=_write_labelstudio,
        ),
        ExportFormat(
            name="brat",
            summary="brat standoff collection (a folder: annotation.conf, ANNOTATOR/ARTICLE.txt+.ann).",
            target="folder",
            suffix="",
            units=("article",),
            uses_label_from=True,
            write=_write_brat,
        ),
    )
}
