"""Checks of a database's health: what `hashiya doctor` reports.

Nothing here changes the database: a passage whose quoted text no longer matches its
article is reported, never moved, a label the schema does not know is reported, never
dropped, and so is a relation whose ends are gone or do not suit its type. Each problem is one line, with every name from the data through the printable
filter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from annotations.models import Passage
from annotations.relations import check_ends
from annotations.schema import LabelSchema, schema_with_user_actors
from annotations.store import Store
from annotations.text import printable


@dataclass(frozen=True)
class Problem:
    kind: str  # "database" | "stale" | "label" | "document" | "relation"
    message: str  # one line, printable


def check(store: Store, schema: LabelSchema) -> Iterator[Problem]:
    """Every problem in `store` under `schema` (with the users' own actors), in order:
    SQLite's integrity check, stale quotes, passage and document labels the schema
    cannot read (unknown attributes or values, wrong types, an unknown kind, an attribute
    outside the passage's kind), then relations: an end missing, ends in two articles or
    by two annotators, kinds the relation type does not link, an unknown type, labels
    the type cannot read."""
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
    relations = list(store.all_relations())
    ends = {i for r in relations for i in (r.from_id, r.to_id)}
    found: dict[str, Passage] = {}
    for passage in store.all_passages():
        if passage.id in ends:
            found[passage.id] = passage
        problems = schema.validate_labels(passage.labels, rules=False, kind=passage.kind)
        for attribute, reason in problems:
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
    for relation in relations:
        where = (
            f"relation {printable(relation.id)} ({printable(relation.annotator)},"
            f" {printable(relation.type)})"
        )
        from_p, to_p = found.get(relation.from_id), found.get(relation.to_id)
        missing = [
            f"its {end} passage {printable(pid)} does not exist"
            for end, pid, p in (("from", relation.from_id, from_p), ("to", relation.to_id, to_p))
            if p is None
        ]
        if missing:
            yield Problem("relation", f"{where}: {'; '.join(missing)}")
            continue
        assert from_p is not None and to_p is not None
        wrong = check_ends(schema, from_p, to_p, relation.type)
        if wrong is None and (from_p.article_id, from_p.annotator) != (
            relation.article_id,
            relation.annotator,
        ):
            wrong = "its passages are another article's or annotator's"
        if wrong is not None:
            yield Problem("relation", f"{where}: {wrong}")
            continue
        rel_type = schema.relation(relation.type)
        assert rel_type is not None
        for attribute, why in schema.validate_labels(
            relation.labels, level=rel_type.level, rules=False
        ):
            yield Problem("relation", f"{where}: {printable(attribute)}: {why}")
