"""Moving labels between databases: native records out of the store, and back in.

Export reads passages in (article id, annotator, start, end, id) order and yields one
native record per (article, annotator). Import merges records by passage id: the
same file imported twice changes nothing, and a passage that differs is a conflict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from annotations.articles import now_iso
from annotations.export.native import (
    ActorInfo,
    FormatError,
    NativeRecord,
    native_record,
    parse_native_line,
)
from annotations.models import Article, Passage
from annotations.schema import Actor, LabelSchema
from annotations.store import PASSAGE_COLUMNS, Store, UserActor
from annotations.text import paragraph_spans

GOLD = "gold"


@dataclass(frozen=True)
class ExportFilter:
    annotators: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    status: str | None = None
    since: str | None = None  # ISO date or time: passages updated at or after it
    layer: str = "annotators"  # annotators | gold
    include_unresolved: bool = False  # gold: articles with undecided disagreements too


def actor_lookup(store: Store, schema: LabelSchema) -> dict[str, ActorInfo]:
    """Every actor the database knows, schema's and users', as they travel in datasets."""
    known = {a.id: ActorInfo(a.id, a.name_ar, a.name_en, tuple(a.aliases)) for a in schema.actors}
    for a in store.user_actors():
        known.setdefault(a.id, ActorInfo(a.id, a.name_ar, a.name_en, a.aliases))
    return known


def schema_with_user_actors(store: Store, schema: LabelSchema) -> LabelSchema:
    return schema.with_extra_actors(
        Actor(a.id, a.name_ar, a.name_en, a.aliases) for a in store.user_actors()
    )


def _passage_rows(store: Store, flt: ExportFilter) -> Iterator[tuple[Any, ...]]:
    columns = ", ".join(f'p."{c}"' for c in PASSAGE_COLUMNS)
    where: list[str] = []
    params: list[Any] = []
    if flt.annotators:
        where.append(f"p.annotator IN ({','.join('?' * len(flt.annotators))})")
        params.extend(flt.annotators)
    if flt.articles:
        where.append(f"p.article_id IN ({','.join('?' * len(flt.articles))})")
        params.extend(flt.articles)
    if flt.since:
        where.append("p.updated_at >= ?")
        params.append(flt.since)
    sql = f"SELECT {columns} FROM passages p"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += ' ORDER BY p.article_id, p.annotator, p.start, p."end", p.id'
    yield from store.conn.execute(sql, params)


def _statuses(store: Store) -> dict[tuple[str, str], str]:
    rows = store.conn.execute("SELECT article_id, annotator, status FROM article_status")
    return {(a, n): s for a, n, s in rows}


def export_records(
    store: Store,
    schema: LabelSchema,
    flt: ExportFilter = ExportFilter(),
    exported_at: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Native records, in (article id, annotator) order, for the filter."""
    stamp = exported_at or now_iso()
    actors = actor_lookup(store, schema)
    if flt.layer == GOLD:
        yield from _gold_records(store, schema, flt, actors, stamp)
        return
    statuses = _statuses(store)
    groups: dict[tuple[str, str], list[Passage]] = {}
    # (article, annotator) pairs marked done with no passages are records too: "nothing
    # to label here" is an answer. They sort in among the others.
    if not flt.since:
        for key, status in statuses.items():
            if (
                status == "done"
                and (not flt.annotators or key[1] in flt.annotators)
                and (not flt.articles or key[0] in flt.articles)
            ):
                groups[key] = []
    empty_keys = sorted(groups)
    article: Article | None = None
    for key, passages in _merge_groups(_passage_groups(store, flt), empty_keys):
        status = statuses.get(key, "todo")
        if flt.status is not None and status != flt.status:
            continue
        if article is None or article.id != key[0]:
            article = store.get_article(key[0])
        assert article is not None
        yield native_record(
            article, key[1], status, schema.name, schema.version, passages, actors, stamp
        )


def _passage_groups(
    store: Store, flt: ExportFilter
) -> Iterator[tuple[tuple[str, str], list[Passage]]]:
    rows = (Passage(*row) for row in _passage_rows(store, flt))
    for key, group in groupby(rows, key=lambda p: (p.article_id, p.annotator)):
        yield key, list(group)


def _merge_groups(
    groups: Iterator[tuple[tuple[str, str], list[Passage]]], empty_keys: list[tuple[str, str]]
) -> Iterator[tuple[tuple[str, str], list[Passage]]]:
    """The passage groups with the empty (done, no passages) keys put in order among them."""
    pending = iter(empty_keys)
    empty = next(pending, None)
    for key, passages in groups:
        while empty is not None and empty <= key:
            if empty < key:
                yield empty, []
            empty = next(pending, None)
        yield key, passages
    while empty is not None:
        yield empty, []
        empty = next(pending, None)


def _gold_records(
    store: Store,
    schema: LabelSchema,
    flt: ExportFilter,
    actors: Mapping[str, ActorInfo],
    stamp: str,
) -> Iterator[dict[str, Any]]:
    from annotations.review.queue import article_review_state  # review builds on export

    by_article: dict[str, list[Any]] = {}
    for g in store.gold_passages():
        if flt.articles and g.article_id not in flt.articles:
            continue
        if flt.since and g.updated_at < flt.since:
            continue
        by_article.setdefault(g.article_id, []).append(g)
    for article_id in sorted(by_article):
        state = article_review_state(store, article_id)
        if not state.settled and not flt.include_unresolved:
            continue
        article = store.get_article(article_id)
        assert article is not None
        golds = sorted(by_article[article_id], key=lambda g: (g.start, g.end, g.id))
        record = native_record(
            article,
            GOLD,
            "done" if state.settled else "in_progress",
            schema.name,
            schema.version,
            [g.as_passage() for g in golds],
            actors,
            stamp,
        )
        provenance = {g.id: g for g in golds}
        for span in record["spans"]:
            g = provenance[span["id"]]
            span["provenance"] = {
                "origin": g.origin,
                "sources": list(g.sources),
                "adjudicator": g.adjudicator,
            }
        yield record


# --------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    articles_added: int = 0
    passages_added: int = 0
    passages_updated: int = 0
    unchanged: int = 0
    actors_added: int = 0
    conflicts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # FILE:LINE: reason

    @property
    def summary(self) -> str:
        return (
            f"{self.passages_added} passages added, {self.passages_updated} updated, "
            f"{self.unchanged} unchanged, {len(self.conflicts)} conflicts, "
            f"{self.articles_added} articles added, {self.actors_added} actors added, "
            f"{len(self.errors)} lines rejected"
        )


class ImportAborted(Exception):
    """The file had bad lines and --skip-invalid was not given: nothing was applied."""


_CONTENT = tuple(c for c in PASSAGE_COLUMNS if c not in ("created_at", "updated_at"))


def _same_content(a: Passage, b: Passage) -> bool:
    return all(getattr(a, c) == getattr(b, c) for c in _CONTENT)


def import_annotation_lines(
    store: Store,
    schema: LabelSchema,
    name: str,
    lines: Iterable[str],
    *,
    prefer: str = "database",
    skip_invalid: bool = False,
    importer: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Merge one native file into the store: all of it in one transaction, or none.

    With `skip_invalid`, good lines go in and bad ones are reported; otherwise any bad
    line aborts the file (ImportAborted) and the database is unchanged.
    """
    result = ImportResult()
    full = schema_with_user_actors(store, schema)
    known_actor_ids = {a.id for a in full.actors}
    known = {
        "stance": {v.id for v in schema.stances},
        "claim_type": {v.id for v in schema.claim_types},
    }
    records: list[tuple[int, NativeRecord]] = []
    new_actors: dict[str, ActorInfo] = {}
    for lineno, line in enumerate(lines, start=1):
        if progress:
            progress(len(line.encode("utf-8")))
        if not line.strip():
            continue
        try:
            record = parse_native_line(line, lineno, known)
            for index, span in enumerate(record.spans):
                if span.actor is None or span.actor.id in known_actor_ids:
                    continue
                if not (span.actor.name_ar or span.actor.name_en):
                    raise FormatError(
                        lineno,
                        f"unknown actor {span.actor.id!r} with no names to recreate it",
                        f"spans[{index}].actor",
                    )
                new_actors.setdefault(span.actor.id, span.actor)
        except FormatError as exc:
            result.errors.append(f"{name}:{exc}")
            continue
        records.append((lineno, record))
    if result.errors and not skip_invalid:
        raise ImportAborted("\n".join(result.errors))

    with store.transaction():
        for actor in new_actors.values():
            added = store.add_actor(
                UserActor(
                    actor.id,
                    actor.name_ar or actor.name_en or actor.id,
                    actor.name_en or actor.name_ar or actor.id,
                    actor.aliases,
                    created_by=importer,
                )
            )
            result.actors_added += int(added)
        for lineno, record in records:
            _merge_record(store, name, lineno, record, prefer, importer, result)
    return result


def _merge_record(
    store: Store,
    name: str,
    lineno: int,
    record: NativeRecord,
    prefer: str,
    importer: str,
    result: ImportResult,
) -> None:
    existing = (
        store.get_article(record.article_id) if store.has_article(record.article_id) else None
    )
    if existing is None:
        store.add_articles([record.article(paragraph_spans(record.text), now_iso())])
        result.articles_added += 1
    elif existing.text != record.text:
        result.conflicts.append(
            f"{name}:{lineno}: article {record.article_id}: text differs from the database's;"
            " its spans were not imported"
        )
        return
    incoming = record.passages()
    current = {p.id: p for p in _passages_by_id(store, [p.id for p in incoming])}
    to_add: list[Passage] = []
    for p in incoming:
        have = current.get(p.id)
        if have is None:
            to_add.append(p)
        elif _same_content(have, p):
            result.unchanged += 1
        elif prefer == "incoming":
            store.update_passage(p, by=importer or p.annotator, action="import")
            result.passages_updated += 1
        else:
            result.conflicts.append(
                f"{name}:{lineno}: passage {p.id} differs from the database's (kept the"
                " database's; --prefer incoming takes the file's)"
            )
    if to_add:
        store.add_passages(to_add, by=importer, action="import")
        result.passages_added += len(to_add)
    if record.status and record.status != "todo":
        current_status = store.status(record.article_id, record.annotator)
        if current_status == "todo" or prefer == "incoming":
            store.set_status(record.article_id, record.annotator, record.status)


def _passages_by_id(store: Store, ids: list[str]) -> list[Passage]:
    found: list[Passage] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        columns = ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS)
        rows = store.conn.execute(
            f"SELECT {columns} FROM passages WHERE id IN ({','.join('?' * len(chunk))})", chunk
        )
        found.extend(Passage(*r) for r in rows)
    return found
