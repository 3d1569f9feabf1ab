"""Checks of a database's health: what `hashiya doctor` reports.

Nothing here changes the database: a passage whose quoted text no longer matches its
article is reported, never moved, and a label the schema does not know is reported, never
dropped. Each problem is one line, with every name from the data through the printable
filter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from annotations.schema import LabelSchema, schema_with_user_actors
from annotations.store import Store
from annotations.text import printable


@dataclass(frozen=True)
class Problem:
    kind: str  # "database" | "stale" | "label" | "document"
    message: str  # one line, printable


def check(store: Store, schema: LabelSchema) -> Iterator[Problem]:
    """Every problem in `store` under `schema` (with the users' own actors), in order:
    SQLite's integrity check, stale quotes, then passage and document labels the schema
    cannot read (unknown attributes or values, wrong types)."""
    integrity = store.integrity_check()
    if integrity != "ok":
        yield Problem("database", f"database: integrity check failed: {printable(integrity)}")
    for passage, actual in store.stale_passages():
        yield Problem(
            "stale",
            f"passage {printable(passage.id)} ({printable(passage.annotator)}, article"
            f" {printable(passage.article_id)} [{passage.start}, {passage.end})): quoted"
            f" «{printable(passage.text)}» but the article now has «{printable(actual)}»",
        )
    schema = schema_with_user_actors(store, schema)
    for passage in store.all_passages():
        for attribute, reason in schema.validate_labels(passage.labels, rules=False):
            yield Problem(
                "label",
                f"passage {printable(passage.id)} ({printable(passage.annotator)}):"
                f" {printable(attribute)}: {reason}",
            )
    for document in store.all_document_labels():
        for attribute, reason in schema.validate_labels(
            document.labels, level="document", rules=False
        ):
            yield Problem(
                "document",
                f"document labels of article {printable(document.article_id)}"
                f" ({printable(document.annotator)}): {printable(attribute)}: {reason}",
            )
