"""A model's predictions in the native format as suggestions (`import-annotations
--as-suggestions`): each span of each line becomes a suggestion on the line's article
with the span's labels, its `score` (optional, a finite number) and the source
"import". The file is read whole and checked first: any bad line, and nothing is saved.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

from annotations.export.native import FormatError, parse_native_line
from annotations.schema import LabelSchema
from annotations.suggest.model import Suggestion
from annotations.text import printable

IMPORT_SOURCE = "import"


@dataclass
class PredictionErrors(Exception):
    """The file's bad lines, each `FILE:LINE: field: reason`."""

    errors: list[str]


def read_predictions(
    name: str,
    lines: Iterable[bytes | str],
    schema: LabelSchema,
    article_texts: dict[str, str],
    extra_actor_ids: Iterable[str] = (),
    source: str = IMPORT_SOURCE,
) -> list[Suggestion]:
    """The suggestions of a native file; PredictionErrors naming every bad line.

    `article_texts`: the stored text of each article the database has (by id); a line on
    another article, or on a different text, is refused (import the article first)."""
    extra = set(extra_actor_ids)
    shown = printable(name)
    errors: list[str] = []
    out: list[Suggestion] = []
    for lineno, raw in enumerate(lines, start=1):

        def fail(field: str, reason: str, lineno: int = lineno) -> None:
            errors.append(f"{shown}:{lineno}: {field}: {printable(reason)}")

        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as exc:
            fail("(line)", f"not UTF-8 text (byte {exc.start + 1})")
            continue
        if not line.strip():
            continue

        try:
            record = parse_native_line(line, lineno)
        except FormatError as exc:
            fail(exc.path or "(line)", exc.reason)
            continue
        stored = article_texts.get(record.article_id)
        if stored is None:
            fail("article_id", f"{record.article_id!r} is not in this database (import it first)")
            continue
        if stored != record.text:
            fail("text", "differs from the stored article of that id")
            continue
        raw_spans = json.loads(line).get("spans", [])
        for index, passage in enumerate(record.passages()):
            where = f"spans[{index}]"
            score = raw_spans[index].get("score") if index < len(raw_spans) else None
            if score is not None and (
                isinstance(score, bool)
                or not isinstance(score, int | float)
                or not math.isfinite(score)
            ):
                fail(f"{where}.score", f"expected a number, got {json.dumps(score)[:40]}")
                continue
            problems = schema.validate_labels(passage.labels, extra_actor_ids=extra)
            if problems:
                attr, reason = problems[0]
                fail(f"{where}.labels.{attr}", reason)
                continue
            if passage.start == passage.end:
                fail(where, "an empty span")
                continue
            out.append(
                Suggestion(
                    record.article_id,
                    passage.start,
                    passage.end,
                    passage.text,
                    passage.labels,
                    source,
                    None if score is None else float(score),
                    f"predicted by {printable(record.annotator)}",
                )
            )
    if errors:
        raise PredictionErrors(errors)
    return out
