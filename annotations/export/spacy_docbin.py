"""`--format spacy`: a spaCy `DocBin` (`.spacy`), one `Doc` per (article, annotator).

Each Doc is the article's text tokenised by a blank Arabic pipeline (`spacy.blank("ar")`),
with:

- `doc.spans["hashiya"]`: every span that lines up with the tokens, overlaps included,
  its `label_` the `label_from` attribute's value (one Span per value for a multi-valued
  attribute, `_unset` when it has none). spaCy spans are made of whole tokens, and the
  blank pipeline keeps clitics and some punctuation on words (`وقال`, `2024.`), so a
  passage whose edge falls inside a token is left out (`strict`), shrunk to the tokens
  inside it (`contract`) or grown to the tokens it touches (`expand`);
- `doc.spans["hashiya"].attrs["passages"]`: for each Span, in order, the passage it came
  from: id, its own start and end (code points, half-open), text and whole labels;
- `doc.cats`: the annotator's document labels, one key `ATTRIBUTE:VALUE` per value of a
  document choice attribute (1.0 the chosen, 0.0 the others) and `ATTRIBUTE` for a
  boolean; nothing for an attribute left empty;
- `doc.user_data["hashiya"]`: the article and record fields, the document labels as
  given, and the passages left out, so nothing is lost.

docs/interop.md says how to load it and what survives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from annotations.export.formats import UNSET_LABEL
from annotations.export.labelled import (
    as_list,
    level_attributes,
    plural,
    record_document_labels,
    require,
    span_labels,
    spans_of,
    value_names,
    write_bytes_atomic,
)
from annotations.schema import LabelSchema

AlignmentMode = Literal["strict", "contract", "expand"]
ALIGNMENT_MODES: tuple[AlignmentMode, ...] = ("strict", "contract", "expand")
SPANS_KEY = "hashiya"
USER_DATA_KEY = "hashiya"
FORMAT = "hashiya-spacy/1"
LANGUAGE = "ar"


@dataclass
class Alignment:
    """How the spans of an export met spaCy's tokens."""

    spans: int = 0  # passages given
    aligned: int = 0  # passages whose edges are token edges
    moved: int = 0  # kept with edges moved to tokens (contract, expand)
    left_out: tuple[str, ...] = ()  # passage ids not in doc.spans

    def line(self, mode: str) -> str:
        """The line said on stderr."""
        head = (
            f"spacy: {self.aligned:,} of {plural(self.spans, 'span')} align with the tokens"
            " of a blank Arabic pipeline (a spaCy span is whole tokens, and its tokenizer"
            " keeps some punctuation and every clitic on the word)"
        )
        if mode == "strict":
            if not self.left_out:
                return head
            return (
                f"{head}; {len(self.left_out):,} left out of doc.spans (kept in"
                f" doc.user_data[{USER_DATA_KEY!r}]['left_out']): --alignment-mode contract"
                " or expand moves their edges to tokens"
            )
        tail = f"; {self.moved:,} kept with their edges moved to tokens ({mode})"
        if self.left_out:
            tail += f", {len(self.left_out):,} left out (no whole token inside)"
        return head + tail


def _cats(
    labels: Mapping[str, Any], attributes: Iterable[Any], names: Mapping[str, list[str]]
) -> dict[str, float]:
    cats: dict[str, float] = {}
    for attribute in attributes:
        value = labels.get(attribute.id)
        if value is None:
            continue
        if attribute.type == "boolean":
            cats[attribute.id] = 1.0 if value else 0.0
        elif attribute.type == "choice":
            chosen = set(as_list(value))
            for name in names[attribute.id]:
                cats[f"{attribute.id}:{name}"] = 1.0 if name in chosen else 0.0
    return cats


def _passage_info(span: Mapping[str, Any], labels: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": span["id"],
        "start": span["start"],
        "end": span["end"],
        "text": span["text"],
        "labels": dict(labels),
    }


def docbin_bytes(
    records: Iterable[Mapping[str, Any]],
    *,
    label_from: str,
    schema: LabelSchema | None = None,
    alignment_mode: str = "strict",
) -> tuple[bytes, int, Alignment]:
    """The DocBin's bytes, the number of Docs and how the spans aligned."""
    if alignment_mode not in ALIGNMENT_MODES:
        raise ValueError(f"alignment_mode must be one of {', '.join(ALIGNMENT_MODES)}")
    spacy = require("spacy", "spacy", "spacy")
    tokens = require("spacy.tokens", "spacy", "spacy")
    data = list(records)
    document_labels = [record_document_labels(record) for record in data]
    document_attributes = level_attributes(schema, "document", document_labels)
    names = {
        a.id: value_names(a, document_labels) for a in document_attributes if a.type == "choice"
    }
    nlp = spacy.blank(LANGUAGE)
    docbin = tokens.DocBin(store_user_data=True)
    alignment = Alignment()
    left_out: list[str] = []
    for record, doc_labels in zip(data, document_labels, strict=True):
        doc = nlp.make_doc(record["text"])
        spans = []
        passages = []
        not_kept = []
        for span in spans_of(record):
            labels = span_labels(span)
            alignment.spans += 1
            info = _passage_info(span, labels)
            made = doc.char_span(span["start"], span["end"], alignment_mode="strict")
            if made is not None:
                alignment.aligned += 1
            elif alignment_mode != "strict":
                made = doc.char_span(span["start"], span["end"], alignment_mode=alignment_mode)
                if made is not None and len(made):
                    alignment.moved += 1
                else:
                    made = None
            if made is None:
                left_out.append(span["id"])
                not_kept.append(info)
                continue
            for value in as_list(labels.get(label_from)) or [UNSET_LABEL]:
                spans.append(doc.char_span(made.start_char, made.end_char, label=str(value)))
                passages.append(info)
        doc.spans[SPANS_KEY] = spans
        doc.spans[SPANS_KEY].attrs["passages"] = passages
        doc.cats = _cats(doc_labels, document_attributes, names)
        doc.user_data[USER_DATA_KEY] = {
            "format": FORMAT,
            "article_id": record["article_id"],
            "title": record.get("title"),
            "source": record.get("source"),
            "published": record.get("published"),
            "annotator": record["annotator"],
            "status": record.get("status"),
            "schema": dict(record.get("schema") or {}),
            "label_from": label_from,
            "alignment_mode": alignment_mode,
            "document_labels": doc_labels,
            "left_out": not_kept,
        }
        docbin.add(doc)
    alignment.left_out = tuple(left_out)
    return docbin.to_bytes(), len(data), alignment


def write_docbin(
    records: Iterable[Mapping[str, Any]],
    path: Path,
    *,
    label_from: str,
    schema: LabelSchema | None = None,
    alignment_mode: str = "strict",
) -> tuple[int, Alignment]:
    """Write the DocBin to `path` atomically; the number of Docs and the alignment."""
    data, docs, alignment = docbin_bytes(
        records, label_from=label_from, schema=schema, alignment_mode=alignment_mode
    )
    write_bytes_atomic(path, data)
    return docs, alignment
