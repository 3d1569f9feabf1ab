"""`--format hf`: a Hugging Face `datasets` folder (`save_to_disk`) and its dataset card.

One row per (article, annotator): the article, the annotator's document labels and a
list of spans, each with its labels. The `Features` come from the label schema: a choice
attribute is a `ClassLabel` whose names are the schema's value ids (a `List` of them when
it is multi-valued), an actor attribute the actor id as a string, text a string, boolean
a bool; offsets are int32 and timestamps strings, as stored. A value left empty is null
(an empty list for a multi-valued attribute).

The card (`README.md` in the folder) states the schema with its guidelines, the
annotators, the agreement figures of `annotations.review.agreement` and the offset
contract. docs/interop.md says how to load the folder and what survives.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotations import __version__
from annotations.export.labelled import (
    level_attributes,
    plural,
    record_document_labels,
    require,
    span_labels,
    spans_of,
    value_names,
)
from annotations.models import Passage
from annotations.schema import Attribute, LabelSchema

CARD = "README.md"
# What save_to_disk writes: a folder holding this is a dataset an export may replace.
_DATASET_MARKER = "state.json"

# Record fields that become string columns, in column order.
_ARTICLE_COLUMNS = ("article_id", "annotator", "title", "source", "published", "origin", "status")


def _feature(datasets: Any, attribute: Attribute, names: Sequence[str]) -> Any:
    if attribute.type == "choice":
        single = datasets.ClassLabel(names=list(names))
    elif attribute.type == "boolean":
        return datasets.Value("bool")
    else:
        single = datasets.Value("string")
    return datasets.List(single) if attribute.multiple else single


def _labels_row(labels: Mapping[str, Any], attributes: Sequence[Attribute]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for attribute in attributes:
        value = labels.get(attribute.id)
        values = [] if value is None else value if isinstance(value, list) else [value]
        if attribute.multiple:
            row[attribute.id] = [str(v) for v in values]
        elif attribute.type == "boolean":
            row[attribute.id] = value if isinstance(value, bool) else None
        else:  # a list for a single-valued attribute: its first value, as the compat reads it
            row[attribute.id] = str(values[0]) if values else None
    return row


class Layout:
    """The columns of a dataset made from these records under this schema."""

    def __init__(self, records: Sequence[Mapping[str, Any]], schema: LabelSchema | None) -> None:
        self.span_labels = [[span_labels(s) for s in spans_of(r)] for r in records]
        self.document_labels = [record_document_labels(r) for r in records]
        used = [labels for spans in self.span_labels for labels in spans]
        self.passage_attributes = level_attributes(schema, "passage", used)
        self.document_attributes = level_attributes(schema, "document", self.document_labels)
        self.names = {
            a.id: value_names(a, used) for a in self.passage_attributes if a.type == "choice"
        }
        self.document_names = {
            a.id: value_names(a, self.document_labels)
            for a in self.document_attributes
            if a.type == "choice"
        }
        self.provenance = any("provenance" in s for r in records for s in spans_of(r))

    def features(self, datasets: Any) -> Any:
        string = datasets.Value("string")
        span = {
            "id": string,
            "start": datasets.Value("int32"),
            "end": datasets.Value("int32"),
            "text": string,
            "labels": {
                a.id: _feature(datasets, a, self.names.get(a.id, ()))
                for a in self.passage_attributes
            },
            "created_at": string,
            "updated_at": string,
        }
        if self.provenance:
            span["provenance"] = {
                "origin": string,
                "sources": datasets.List(string),
                "adjudicator": string,
            }
        columns: dict[str, Any] = {name: string for name in _ARTICLE_COLUMNS}
        columns.update(schema_name=string, schema_version=string, text=string)
        if self.document_attributes:
            columns["document_labels"] = {
                a.id: _feature(datasets, a, self.document_names.get(a.id, ()))
                for a in self.document_attributes
            }
        columns["spans"] = datasets.List(span)
        columns["exported_at"] = string
        return datasets.Features(columns)

    def rows(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for record, spans, doc_labels in zip(
            records, self.span_labels, self.document_labels, strict=True
        ):
            row: dict[str, Any] = {name: record.get(name) for name in _ARTICLE_COLUMNS}
            schema = record.get("schema") or {}
            row.update(
                schema_name=schema.get("name"),
                schema_version=schema.get("version"),
                text=record["text"],
            )
            if self.document_attributes:
                row["document_labels"] = _labels_row(doc_labels, self.document_attributes)
            row["spans"] = [
                self._span_row(span, labels)
                for span, labels in zip(spans_of(record), spans, strict=True)
            ]
            row["exported_at"] = record.get("exported_at")
            out.append(row)
        return out

    def _span_row(self, span: Mapping[str, Any], labels: Mapping[str, Any]) -> dict[str, Any]:
        row = {
            "id": span["id"],
            "start": span["start"],
            "end": span["end"],
            "text": span["text"],
            "labels": _labels_row(labels, self.passage_attributes),
            "created_at": span.get("created_at"),
            "updated_at": span.get("updated_at"),
        }
        if self.provenance:
            given = span.get("provenance") or {}
            row["provenance"] = {
                "origin": given.get("origin"),
                "sources": list(given.get("sources") or ()),
                "adjudicator": given.get("adjudicator"),
            }
        return row


# --------------------------------------------------------------------------- card


def _cell(value: Any) -> str:
    """A Markdown table cell: one line, pipes escaped."""
    text = "" if value is None else str(value)
    return " ".join(text.split()).replace("|", "\\|")


def _figure(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def agreement_figures(records: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The corpus figures of `compute_agreement` over the records' spans (None with
    fewer than two annotators)."""
    from annotations.review.agreement import compute_agreement

    by_article: dict[str, list[Passage]] = {}
    for record in records:
        passages = by_article.setdefault(record["article_id"], [])
        for span in spans_of(record):
            passages.append(
                Passage(
                    id=span["id"],
                    article_id=record["article_id"],
                    start=span["start"],
                    end=span["end"],
                    text=span["text"],
                    annotator=record["annotator"],
                    labels=span_labels(span),
                )
            )
    annotators = sorted({record["annotator"] for record in records})
    if len(annotators) < 2:
        return None
    report = compute_agreement(by_article, annotators)
    return report.to_json(per_article=False, confusion=False)


def _attribute_section(attribute: Attribute, feature: str) -> list[str]:
    flags = [f"type `{attribute.type}`"]
    if attribute.multiple:
        flags.append("several values")
    if attribute.required:
        flags.append("required")
    if attribute.when:
        flags.append(f"offered once `{attribute.when}` has a value")
    lines = [
        f"#### `{attribute.id}`: {_cell(attribute.label_en)} ({_cell(attribute.label_ar)})",
        "",
        f"{', '.join(flags).capitalize()}; feature `{feature}`.",
    ]
    if attribute.description:
        lines += ["", _cell(attribute.description)]
    if attribute.values:
        lines += ["", "| value | English | Arabic | guideline |", "|---|---|---|---|"]
        lines += [
            f"| `{_cell(v.id)}` | {_cell(v.label_en)} | {_cell(v.label_ar)} | {_cell(v.description)} |"
            for v in attribute.values
        ]
    return [*lines, ""]


def _feature_text(attribute: Attribute) -> str:
    inner = {"choice": "ClassLabel", "boolean": "Value('bool')"}.get(
        attribute.type, "Value('string')"
    )
    if attribute.type == "boolean":
        return inner
    return f"List({inner})" if attribute.multiple else inner


def dataset_card(
    records: Sequence[Mapping[str, Any]],
    layout: Layout,
    schema: LabelSchema | None,
    agreement: Mapping[str, Any] | None,
) -> str:
    """The dataset card (README.md) of the exported folder."""
    counts: Counter[str] = Counter()
    rows: Counter[str] = Counter()
    for record in records:
        rows[record["annotator"]] += 1
        counts[record["annotator"]] += len(spans_of(record))
    articles = len({record["article_id"] for record in records})
    name = schema.name if schema is not None else "hashiya"
    lines = [
        "---",
        "language:",
        "- ar",
        f"pretty_name: {json.dumps(f'{name}: passages labelled with Hashiya', ensure_ascii=False)}",
        "tags:",
        "- hashiya",
        "- span-annotation",
        "---",
        "",
        f"# {_cell(name)}: passages labelled with Hashiya",
        "",
        f"Exported by Hashiya {__version__} on {datetime.now(UTC).date().isoformat()}:"
        f" {plural(len(records), 'row')} (one per article and annotator),"
        f" {plural(articles, 'article')}, {plural(sum(counts.values()), 'span')}.",
        "",
        "```python",
        "from datasets import load_from_disk",
        'ds = load_from_disk("THIS_FOLDER")',
        'row = ds[0]; span = row["spans"][0]',
        'assert row["text"][span["start"]:span["end"]] == span["text"]',
        'names = ds.features["spans"].feature["labels"]  # ClassLabel per choice attribute',
        "```",
        "",
        "## Offsets",
        "",
        "`start` and `end` count **Unicode code points** of `text`, the article's text in NFC,"
        ' and are half-open: `text[start:end] == span["text"]` with Python\'s string'
        " indexing. They are not UTF-16 code units (JavaScript string indices) nor bytes:"
        " an emoji or a ZWJ sequence before a span counts one per code point.",
        "",
        "## Columns",
        "",
        "| column | what |",
        "|---|---|",
        "| `article_id`, `title`, `source`, `published`, `origin` | the article |",
        "| `annotator`, `status` | who labelled it, and their status for the article |",
        "| `schema_name`, `schema_version` | the label schema the labels were made under |",
        "| `text` | the article's text (NFC) |",
    ]
    if layout.document_attributes:
        lines.append(
            "| `document_labels` | the annotator's labels on the whole article, one field per"
            " document attribute (null when left empty) |"
        )
    lines += [
        "| `spans` | the passages: `id`, `start`, `end`, `text`, `labels` (one field per"
        " attribute; null, or an empty list, when left empty), `created_at`, `updated_at`"
        + (
            ", `provenance` (gold: origin, source passages, adjudicator)"
            if layout.provenance
            else ""
        )
        + " |",
        "| `exported_at` | when the export was made (UTC, ISO 8601) |",
        "",
        "Timestamps are ISO 8601 strings, as stored. A choice attribute is a `ClassLabel`"
        " (an integer; `.int2str` gives the value id).",
        "",
        "## Label schema",
        "",
    ]
    if schema is not None:
        lines += [
            f"`{_cell(schema.name)}`, version `{_cell(schema.version)}`."
            + (f" {_cell(schema.description)}" if schema.description else ""),
            "",
        ]
    for title, attributes in (
        ("Passage attributes", layout.passage_attributes),
        ("Document attributes", layout.document_attributes),
    ):
        if not attributes:
            continue
        lines += [f"### {title}", ""]
        for attribute in attributes:
            lines += _attribute_section(attribute, _feature_text(attribute))
    lines += ["## Annotators", "", "| annotator | articles | spans |", "|---|---|---|"]
    lines += [f"| {_cell(a)} | {rows[a]:,} | {counts[a]:,} |" for a in sorted(rows)]
    lines += ["", "## Agreement", ""]
    lines += _agreement_lines(agreement)
    return "\n".join(lines).rstrip("\n") + "\n"


def _agreement_lines(agreement: Mapping[str, Any] | None) -> list[str]:
    if agreement is None:
        return ["One annotator (or the gold layer): no agreement figures.", ""]
    items = agreement.get("n_items") or {}
    lines = [
        "Computed by Hashiya (docs/agreement.md) over the articles two or more annotators"
        f" labelled ({items.get('compared_articles', 0):,} of {items.get('articles', 0):,})."
        " Undefined: nothing to compare, or no variation.",
        "",
        "| pair | span F1 exact | overlap | overlap ≥ 50% | "
        + " | ".join(f"κ {k}" for k in _kappa_keys(agreement))
        + " |",
        "|---|---|---|---|" + "---|" * len(_kappa_keys(agreement)),
    ]
    for pair in agreement.get("pairs", ()):
        kappa = pair.get("kappa") or {}
        lines.append(
            f"| {_cell(pair['a'])} / {_cell(pair['b'])}"
            f" | {_figure(pair.get('span_f1_exact'))}"
            f" | {_figure(pair.get('span_f1_overlap'))}"
            f" | {_figure(pair.get('span_f1_overlap50'))} | "
            + " | ".join(_figure(kappa.get(k)) for k in _kappa_keys(agreement))
            + " |"
        )
    alpha = agreement.get("alpha") or {}
    lines += ["", "Krippendorff's alpha (nominal) across all annotators, over exact spans:", ""]
    lines += [f"- `{_cell(k)}`: {_figure(v)}" for k, v in alpha.items()]
    lines += [f"- characters (in a passage or not): {_figure(agreement.get('char_alpha'))}", ""]
    return lines


def _kappa_keys(agreement: Mapping[str, Any]) -> list[str]:
    keys: dict[str, None] = {}
    for pair in agreement.get("pairs", ()):
        keys.update(dict.fromkeys(pair.get("kappa") or {}))
    return list(keys)


# --------------------------------------------------------------------------- writing


def write_dataset(
    records: Iterable[Mapping[str, Any]],
    folder: Path,
    *,
    schema: LabelSchema | None = None,
) -> int:
    """Write the dataset folder (all of it, or on failure nothing); the number of rows.

    An existing `folder` is replaced only if it is empty or a saved dataset."""
    datasets = require("datasets", "hf", "datasets")
    if folder.exists() and not _replaceable(folder):
        raise FileExistsError(
            17, "a folder that is neither empty nor a saved dataset is in the way", str(folder)
        )
    data = list(records)
    layout = Layout(data, schema)
    features = layout.features(datasets)
    rows = [features.encode_example(row) for row in layout.rows(data)]
    card = dataset_card(data, layout, schema, agreement_figures(data))
    folder.parent.mkdir(parents=True, exist_ok=True)
    stage = folder.with_name(f".{folder.name}.{secrets.token_hex(4)}.tmp")
    old = folder.with_name(f".{folder.name}.{secrets.token_hex(4)}.old")
    datasets.disable_progress_bars()
    try:
        if rows:
            dataset = datasets.Dataset.from_list(rows, features=features)
        else:  # from_list needs a row to find the columns
            dataset = datasets.Dataset.from_dict({k: [] for k in features}, features=features)
        # One shard even when empty: a folder of none does not load back.
        dataset.save_to_disk(str(stage), num_shards=1)
        (stage / CARD).write_text(card, encoding="utf-8")
        if folder.exists():
            os.rename(folder, old)
        os.rename(stage, folder)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if old.exists() and not folder.exists():
            os.rename(old, folder)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return len(rows)


def _replaceable(folder: Path) -> bool:
    if not folder.is_dir():
        return False
    return not any(folder.iterdir()) or (folder / _DATASET_MARKER).is_file()
