"""Moving labels between databases: native records out of the store, and back in.

Export reads passages in (article id, annotator, start, end, id) order and yields one
native record per (article, annotator), exactly as `native_record` builds them but
straight from the rows (no intermediate objects per passage). Import merges records by
passage id, one file in one transaction: the same file imported twice changes nothing,
and a passage whose id exists with different content is a conflict.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any

from annotations.articles import now_iso
from annotations.export.native import (
    ActorInfo,
    FormatError,
    LabelOrder,
    Layout,
    NativeRecord,
    QuoteError,
    dumps_line,
    line_relations,
    native_record,
    parse_native_line,
    record_dict,
    row_spans,
    span_dict,
    used_actors,
)
from annotations.export.native import (
    native_lines as native_lines,  # re-export
)
from annotations.faults import stream
from annotations.models import (
    GOLD_ANNOTATOR,
    LEGACY_ATTRIBUTES,
    Article,
    Comment,
    DocumentLabels,
    Passage,
    Relation,
    freeze_labels,
)
from annotations.relations import check_ends
from annotations.review.queue import article_review
from annotations.schema import RELATION_LEVEL, LabelSchema
from annotations.schema import schema_with_user_actors as schema_with_user_actors  # re-export
from annotations.store import PASSAGE_COLUMNS, STATUSES, Store, UserActor
from annotations.store.labels import labels_from_json, labels_json
from annotations.store.passages import passage_from_row
from annotations.store.relations import same_link
from annotations.text import paragraph_spans
from annotations.untrusted import field_path

GOLD = GOLD_ANNOTATOR


@dataclass(frozen=True)
class ExportFilter:
    """Which records an export holds; empty tuples and None mean "all"."""

    annotators: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    status: str | None = None
    since: str | None = None  # ISO date or UTC time (as stored): passages updated at or after
    layer: str = "annotators"  # annotators | gold
    include_unresolved: bool = False  # gold: articles with undecided disagreements too
    # annotators: each line also holds the open suggestions offered to its annotator,
    # flagged ("suggested": true); with `annotators`, their lines on articles where they
    # have suggestions but no passages too
    include_suggestions: bool = False


class ExportError(ValueError):
    """A passage the database holds cannot be exported as it is (its quote is stale)."""


def actor_lookup(store: Store, schema: LabelSchema) -> dict[str, ActorInfo]:
    """Every actor the database knows, schema's and users', as they travel in datasets."""
    known = {a.id: ActorInfo(a.id, a.name_ar, a.name_en, tuple(a.aliases)) for a in schema.actors}
    for a in store.user_actors():
        known.setdefault(a.id, ActorInfo(a.id, a.name_ar, a.name_en, a.aliases))
    return known


# --------------------------------------------------------------------------- export


def count_passages(store: Store, flt: ExportFilter = ExportFilter()) -> int:
    """How many passages an export with this filter reads (for a progress bar)."""
    if flt.layer == GOLD:
        return store.gold_count()
    return store.count_passages(flt.annotators, flt.articles, flt.since)


def export_records(
    store: Store,
    schema: LabelSchema,
    flt: ExportFilter = ExportFilter(),
    exported_at: str | None = None,
) -> Generator[dict[str, Any], None, None]:
    """Native records, in (article id, annotator) order, for the filter.

    Each is what `native_record` returns for the pair (with the schema's layout); spans
    in (start, end, id) order. An (article, annotator) pair marked done with no passages
    is a record too ("nothing to label here" is an answer), and so is a pair with only
    document labels. Raises ExportError on a passage whose quoted text no longer matches
    its article.
    """
    stamp = exported_at or now_iso()
    actors = actor_lookup(store, schema)
    layout = Layout.of(schema)
    if flt.layer == GOLD:
        yield from _gold_records(store, schema, flt, actors, stamp)
        return
    statuses = store.status_rows()
    empty_keys = {
        key
        for key, (status, at) in statuses.items()
        if status == "done"
        and (not flt.annotators or key[1] in flt.annotators)
        and (not flt.articles or key[0] in flt.articles)
        and (not flt.since or at >= flt.since)
    }
    if flt.since and empty_keys:
        # Only pairs with no passages at all: a pair whose passages are older than
        # --since is not "done with nothing to label".
        with_passages = store.annotated_pairs()
        empty_keys = {key for key in empty_keys if key not in with_passages}
    document_order = LabelOrder(layout, document=True)
    documents = {
        (d.article_id, d.annotator): document_order(labels_json(d.labels))
        for d in store.all_document_labels(flt.annotators or None)
        if (not flt.articles or d.article_id in flt.articles)
        and (not flt.since or d.updated_at >= flt.since)
    }
    suggestion_keys: set[Key] = set()
    suggested_by = store.suggested_by()
    if flt.include_suggestions and flt.annotators:
        suggestion_keys = {
            (article_id, annotator)
            for article_id in store.articles_with_open_suggestions(flt.annotators)
            for annotator in flt.annotators
            if not flt.articles or article_id in flt.articles
        }
    articles = _ArticleCache(store)
    # Shared by every line that lists the actor (a record is read, never changed, by the
    # writers; one that edits a record copies it first): a copy per line and actor was
    # a twentieth of an export.
    actor_dicts = {actor_id: info.to_dict() for actor_id, info in actors.items()}
    threads = _comment_dicts(store)
    order = LabelOrder(layout)
    relations: dict[Key, list[Relation]] = {}
    for rel in store.all_relations(flt.annotators or None):
        if not flt.articles or rel.article_id in flt.articles:
            relations.setdefault((rel.article_id, rel.annotator), []).append(rel)
    passage_rows = store.export_passage_rows(flt.annotators, flt.articles, flt.since)
    try:
        groups = groupby(stream(passage_rows), key=itemgetter(1, 2))
        extra_keys = sorted(empty_keys | documents.keys() | suggestion_keys)
        for key, rows in _merge_groups(groups, extra_keys):
            status = statuses.get(key, ("todo", ""))[0]
            if flt.status is not None and status != flt.status:
                continue
            article = articles.get(key[0])
            text: str = article[5]
            try:
                spans = row_spans(rows, text, order, threads)
            except QuoteError as exc:
                raise ExportError(str(exc)) from None
            if suggested_by:
                for span in spans:
                    source = suggested_by.get(span["id"])
                    if source is not None:  # accepted from a suggestion: which suggester
                        span["suggested_by"] = source
            if flt.include_suggestions:
                offered = [_suggested_span(s, order) for s in store.open_suggestions(*key)]
                if offered:
                    spans = sorted([*spans, *offered], key=itemgetter("start", "end", "id"))
                elif not spans and key not in empty_keys and key not in documents:
                    continue  # a line only for suggestions, and there are none
            document = documents.get(key, {})
            yield record_dict(
                (*article[:6], json.loads(article[6])),
                key[1],
                status,
                schema.name,
                schema.version,
                document,
                used_actors(spans, document, layout, partial(_actor_dict, actor_dicts)),
                spans,
                stamp,
                line_relations(relations.get(key, ()), {span["id"] for span in spans})
                if key in relations
                else None,
            )
    finally:
        passage_rows.close()  # now, while the database is open for sure


def _actor_dict(known: Mapping[str, dict[str, Any]], actor_id: str) -> dict[str, Any]:
    """An actor as a line lists it; one neither the schema nor the users define: id only."""
    found = known.get(actor_id)
    if found is None:
        return {"id": actor_id, "name_ar": None, "name_en": None, "aliases": []}
    return found


def native_line(record: Mapping[str, Any]) -> str:
    """`dumps_line(record)` (kept for callers of the earlier name)."""
    return dumps_line(record)


class _ArticleCache:
    """The article rows export needs, one at a time (records come grouped by article)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.row: tuple[Any, ...] = ("",)

    def get(self, article_id: str) -> tuple[Any, ...]:
        if self.row[0] != article_id:
            row = self.store.article_export_row(article_id)
            if row is None:
                raise ExportError(f"article {article_id!r} has passages but is not in the database")
            self.row = row
        return self.row


def _comment_dicts(store: Store) -> dict[str, list[dict[str, str]]]:
    """Each passage's comment thread as a span carries it, by passage id."""
    return {
        passage_id: [{"author": c.author, "text": c.body, "at": c.at} for c in thread]
        for passage_id, thread in store.comment_threads().items()
    }


def _suggested_span(s: Any, order: LabelOrder) -> dict[str, Any]:
    """An open suggestion as an `--include-suggestions` line holds it: a span flagged
    `suggested`, with its source and score (never read back as a passage)."""
    span = span_dict(
        f"suggestion:{s.id}",
        s.start,
        s.end,
        s.text,
        order(labels_json(s.labels)),
        s.created_at,
        s.created_at,
    )
    span["suggested"] = True
    span["suggested_by"] = s.source
    if s.score is not None:
        span["score"] = s.score
    return span


Key = tuple[str, str]


def _merge_groups(
    groups: Iterable[tuple[Key, Iterable[tuple[Any, ...]]]], empty_keys: list[Key]
) -> Iterator[tuple[Key, Iterable[tuple[Any, ...]]]]:
    """The passage groups with the empty (done, no passages) keys put in order among them.

    SQLite orders text by its UTF-8 bytes, which is code-point order, as Python's is.
    """
    pending = iter(empty_keys)
    empty = next(pending, None)
    for key, rows in groups:
        while empty is not None and empty <= key:
            if empty < key:
                yield empty, ()
            empty = next(pending, None)
        yield key, rows
    while empty is not None:
        yield empty, ()
        empty = next(pending, None)


def _gold_records(
    store: Store,
    schema: LabelSchema,
    flt: ExportFilter,
    actors: Mapping[str, ActorInfo],
    stamp: str,
) -> Iterator[dict[str, Any]]:
    threads = _comment_dicts(store)
    gold_documents = {
        d.article_id: d
        for d in store.gold_document_labels()
        if (not flt.articles or d.article_id in flt.articles)
        and (not flt.since or d.updated_at >= flt.since)
    }
    by_article: dict[str, list[Any]] = {a: [] for a in gold_documents}
    for g in store.gold_passages():
        if flt.articles and g.article_id not in flt.articles:
            continue
        if flt.since and g.updated_at < flt.since:
            continue
        by_article.setdefault(g.article_id, []).append(g)
    for article_id in sorted(by_article):
        state = article_review(store, article_id)
        if not state.settled and not flt.include_unresolved:
            continue
        article = store.get_article(article_id)
        assert article is not None
        golds = sorted(by_article[article_id], key=lambda g: (g.start, g.end, g.id))
        document = gold_documents.get(article_id)
        gold_relations = store.gold_relations(article_id)
        record = native_record(
            article,
            GOLD,
            "done" if state.settled else "in_progress",
            schema.name,
            schema.version,
            [g.as_passage() for g in golds],
            actors,
            stamp,
            document_labels=None if document is None else document.labels,
            layout=Layout.of(schema),
            relations=[_gold_relation(g) for g in gold_relations],
        )
        if document is not None:
            record["document_provenance"] = _provenance(document)
        by_id = {g.id: g for g in gold_relations}
        for relation in record.get("relations", ()):
            relation["provenance"] = _provenance(by_id[relation["id"]])
        provenance = {g.id: g for g in golds}
        for span in record["spans"]:
            g = provenance[span["id"]]
            # The threads of the passages it came from (a discussion is on each of
            # them: one copy of each comment), and any on the gold passage itself.
            thread = {
                (c["author"], c["text"], c["at"]): c
                for passage_id in (*g.sources, g.id)
                for c in threads.get(passage_id, ())
            }
            if thread:
                span["comments"] = sorted(thread.values(), key=itemgetter("at"))
            span["provenance"] = _provenance(g)
        yield record


def _gold_relation(g: Any) -> Relation:
    """A gold relation as a relation of the annotator "gold" (for the gold export)."""
    return Relation(
        g.id,
        g.article_id,
        GOLD,
        g.type,
        g.from_id,
        g.to_id,
        g.labels,
        "",
        "",
        g.created_at,
        g.updated_at,
    )


def _provenance(g: Any) -> dict[str, Any]:
    """How a gold passage or gold document labels were settled, as a line carries it."""
    out = {"origin": g.origin, "sources": list(g.sources), "adjudicator": g.adjudicator}
    notes = getattr(g, "notes", None)
    if notes is not None:
        out["notes"] = [{"author": n.author, "text": n.text} for n in notes]
    return out


# --------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    articles_added: int = 0
    passages_added: int = 0
    passages_updated: int = 0
    unchanged: int = 0
    actors_added: int = 0
    statuses_set: int = 0
    comments_added: int = 0
    conflicts: list[str] = field(default_factory=list)  # FILE:LINE: what differs
    # Lines refused because their article's id holds another text here (in `conflicts`
    # too): their spans were not imported, so the import failed for them.
    text_conflicts: int = 0
    errors: list[str] = field(default_factory=list)  # FILE:LINE: field: reason, one a problem
    rejected: int = 0  # lines refused (a line may have several problems in `errors`)
    document_labels_set: int = 0  # (article, annotator) pairs whose document labels were saved
    relations_added: int = 0
    relations_updated: int = 0

    @property
    def summary(self) -> str:
        return (
            f"{self.passages_added} passages added, {self.passages_updated} updated, "
            f"{self.unchanged} unchanged, {len(self.conflicts)} conflicts, "
            f"{self.articles_added} articles added, {self.actors_added} actors added, "
            f"{self.rejected} lines rejected"
            + (f", {self.comments_added} comments added" if self.comments_added else "")
            + (f", {self.relations_added} relations added" if self.relations_added else "")
            + (f", {self.relations_updated} relations updated" if self.relations_updated else "")
            + (
                f", {self.document_labels_set} document labels set"
                if self.document_labels_set
                else ""
            )
        )


class ImportAborted(Exception):
    """The file had bad lines and --skip-invalid was not given: nothing was applied."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


PassageRow = tuple[Any, ...]  # a passage's values in PASSAGE_COLUMNS order, labels as stored

# What makes two versions of a passage "the same": the labels and where they sit. The
# timestamps and the schema version the values were chosen under are bookkeeping.
_CONTENT_COLUMNS = (
    "id",
    "article_id",
    "start",
    "end",
    "text",
    "annotator",
    "labels",
    "kind",
)
_CONTENT_INDEXES = tuple(PASSAGE_COLUMNS.index(c) for c in _CONTENT_COLUMNS)
_content = itemgetter(*_CONTENT_INDEXES)
_passage_attributes = attrgetter(*PASSAGE_COLUMNS)
_LABELS = PASSAGE_COLUMNS.index("labels")


def _passage_row(p: Passage) -> PassageRow:
    values = list(_passage_attributes(p))
    values[_LABELS] = labels_json(p.labels)
    return tuple(values)


_PROGRESS_ORDER = {status: rank for rank, status in enumerate(STATUSES)}
_BOM = "\ufeff"
# SQLite's page cache while an import runs (KiB): the passage and audit indexes are keyed
# by random UUIDs, and with the default 2 MB nearly every insert rereads a page.
IMPORT_CACHE_KIB = 256 * 1024


def import_annotation_lines(
    store: Store,
    schema: LabelSchema,
    name: str,
    lines: Iterable[str | bytes],
    *,
    prefer: str = "database",
    skip_invalid: bool = False,
    importer: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Merge one native file into the store: all of it in one transaction, or none.

    `lines` are the file's lines, as text or as UTF-8 bytes (bytes let a line that is
    not UTF-8 be reported with its number). Articles the database lacks are added with
    their ids; passages are merged by id; unknown actors named in the file are created.
    A passage whose id exists with other content is a conflict: the database's version
    stays unless `prefer == "incoming"`. With `skip_invalid`, good lines go in and bad
    ones are reported in `errors`; otherwise any bad line raises ImportAborted (with
    every bad line) and the database is unchanged. `progress` gets each line's size.
    """
    if prefer not in ("database", "incoming"):
        raise ValueError(f"prefer must be 'database' or 'incoming', not {prefer!r}")
    result = ImportResult()
    checker = _LineChecker(store, schema)
    merger = _Merger(store, schema, name, prefer, importer, result)
    with store.page_cache(IMPORT_CACHE_KIB), store.transaction():
        for lineno, raw in enumerate(lines, start=1):
            if progress is not None:
                progress(len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8")))
            try:
                line = checker.check(raw, lineno)
            except FormatError as exc:
                result.errors.append(f"{name}:{exc}")
                result.rejected += 1
                continue
            except LineProblems as exc:
                result.errors.extend(f"{name}:{error}" for error in exc.errors)
                result.rejected += 1
                continue
            if line is None or (result.errors and not skip_invalid):
                continue  # blank, or the file will not go in: only look for more bad lines
            merger.merge(line)
        if result.errors and not skip_invalid:
            raise ImportAborted(result.errors)  # rolls the transaction back
        merger.flush()
    return result


@dataclass
class _Line:
    """A checked line, ready to merge."""

    lineno: int
    article: Article  # without paragraphs: computed only if the article is new
    annotator: str
    status: str | None
    rows: list[PassageRow]
    new_actors: list[ActorInfo]  # actors unknown when the line was checked, described in it
    comments: list[Comment] = field(default_factory=list)  # the spans' comment threads
    document: DocumentLabels | None = None  # the annotator's labels on the whole article
    relations: list[Relation] = field(default_factory=list)  # times "" when the file has none


_SORTED = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class LineProblems(Exception):
    """Everything wrong with one line (each a FormatError: one line of output each)."""

    def __init__(self, errors: list[FormatError]) -> None:
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


class _LineChecker:
    """Reads a line, or raises FormatError / LineProblems naming what is wrong.

    Beyond what the format promises (`parse_native_line`), the line must suit this
    database: labels the schema allows (`LabelSchema.validate_labels`, every problem
    named), a known status, spans that are not empty, and actors either known or
    described well enough to be created.
    """

    def __init__(self, store: Store, schema: LabelSchema) -> None:
        self.schema = schema
        # Actors a line may name by id alone: the schema's, the users', and the new ones
        # earlier good lines of the file describe.
        self.actor_ids = {a.id for a in schema.actors} | {a.id for a in store.user_actors()}
        self.user_actor_ids = self.actor_ids - {a.id for a in schema.actors}
        self.actor_attributes = [a.id for a in schema.attributes if a.type == "actor"]
        self.document_actor_attributes = [
            a.id for a in schema.document_attributes if a.type == "actor"
        ]
        # Labels already found fine (as sorted text) -> their stored text: most spans of
        # a file share a few combinations.
        self.fine: dict[str, str] = {}

    def check(self, raw: str | bytes, lineno: int) -> _Line | None:
        if isinstance(raw, bytes):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FormatError(
                    lineno, f"not UTF-8 (byte {exc.start + 1} is 0x{raw[exc.start]:02x})"
                ) from None
        else:
            text = raw
        if lineno == 1 and text.startswith(_BOM):
            text = text[1:]
        if not text or text.isspace():
            return None
        return self._checked(parse_native_line(text, lineno), lineno)

    def _stored(
        self,
        labels: Mapping[str, Any],
        level: str,
        path: str,
        lineno: int,
        problems: list[FormatError],
        extra: set[str],
        kind: str = "",
    ) -> str:
        """The stored text of a span's (of `kind`), a relation's or the document's
        labels, after the schema's checks (problems appended, one per attribute)."""
        # The line's labels hold no nulls (the reader refuses them): the stored text
        # straight from the sorted encoder.
        key = _SORTED.encode(labels) if labels else "{}"
        cached = level == "passage" and not kind
        found = self.fine.get(key) if cached else None
        if found is not None:
            return found
        wrong = self.schema.validate_labels(
            labels, level, extra_actor_ids=self.user_actor_ids | extra, kind=kind
        )
        for attr_id, reason in wrong:
            problems.append(FormatError(lineno, reason, field_path(path, attr_id)))
        if wrong:
            return key
        stored = key  # as the file has them: an export of the import is the file again
        if cached and len(self.fine) < 100_000:
            self.fine[key] = stored
        return stored

    def _checked(self, record: NativeRecord, lineno: int) -> _Line:
        """The line of a record `parse_native_line` read, after this database's checks."""
        problems: list[FormatError] = []
        if record.status is not None and record.status not in STATUSES:
            problems.append(
                FormatError(
                    lineno,
                    f"unknown status {record.status!r} (one of {', '.join(STATUSES)})",
                    "status",
                )
            )
        listed = record.actors()
        named: dict[str, str] = {}  # actor id -> where it is first named
        for attr_id in self.document_actor_attributes:
            _collect_actors(
                record.document_labels.get(attr_id), f"document_labels.{attr_id}", named
            )
        rows: list[PassageRow] = []
        for index, span in enumerate(record.spans):
            path = f"spans[{index}]"
            if span.start == span.end:
                problems.append(
                    FormatError(
                        lineno,
                        "empty span (start == end): a passage covers at least one character",
                        path,
                    )
                )
            for attr_id in self.actor_attributes:
                _collect_actors(span.labels.get(attr_id), f"{path}.labels.{attr_id}", named)
        described: dict[str, ActorInfo] = {}
        for actor_id, where in named.items():
            if actor_id in self.actor_ids:
                continue
            info = listed.get(actor_id)
            if info is None or not (info.name_ar or info.name_en):
                problems.append(
                    FormatError(
                        lineno, f"unknown actor {actor_id!r} with no names to create it from", where
                    )
                )
                continue
            described[actor_id] = info
        # Actors this line names are checked above (known, or described): the schema's
        # check of the labels leaves them to that.
        extra = set(named)
        kinds: dict[str, str | None] = {}  # span id -> its kind as stored (None: unknown)
        for index, span in enumerate(record.spans):
            if span.suggested:  # an open suggestion exported with the labels: not a passage
                continue
            span_kind = self._kind(span.kind, f"spans[{index}].kind", lineno, problems)
            kinds[span.id] = span_kind
            stored = self._stored(
                span.labels,
                "passage",
                f"spans[{index}].labels",
                lineno,
                problems,
                extra,
                span_kind or "",
            )
            rows.append(
                (
                    span.id,
                    record.article_id,
                    span.start,
                    span.end,
                    span.text,
                    record.annotator,
                    stored,
                    record.schema_name,
                    record.schema_version,
                    span.created_at,
                    span.updated_at,
                    span_kind or "",
                )
            )
        relations = self._relations(record, kinds, lineno, problems, extra)
        document = None
        if record.document_labels:
            stored = self._stored(
                record.document_labels, "document", "document_labels", lineno, problems, extra
            )
            document = DocumentLabels(
                record.article_id,
                record.annotator,
                labels_from_json(stored),
                record.schema_name,
                record.schema_version,
            )
        if problems:
            raise LineProblems(problems)
        self.actor_ids.update(described)
        self.user_actor_ids.update(described)
        return _Line(
            lineno,
            record.article(()),
            record.annotator,
            record.status,
            rows,
            [*described.values()],
            record.comments(),
            document,
            relations,
        )

    def _kind(self, kind: str, path: str, lineno: int, problems: list[FormatError]) -> str | None:
        """A span's kind as stored ("" for the default kind), or None (a problem)."""
        found = self.schema.kind(kind)
        if found is None:
            known = ", ".join(k.id for k in self.schema.kinds)
            problems.append(
                FormatError(lineno, f"unknown kind {kind!r} (expected one of: {known})", path)
            )
            return None
        return "" if found is self.schema.default_kind else found.id

    def _relations(
        self,
        record: NativeRecord,
        kinds: Mapping[str, str | None],
        lineno: int,
        problems: list[FormatError],
        extra: set[str],
    ) -> list[Relation]:
        """The line's relations, after the schema's checks: a known type, both ends of
        the kinds it links, no self-link, no link twice, labels the type allows."""
        links: dict[tuple[str, str, str], int] = {}
        for index, rel in enumerate(record.relations):
            path = f"relations[{index}]"
            relation = self.schema.relation(rel.type)
            if relation is None:
                known = ", ".join(r.id for r in self.schema.relations) or "none"
                problems.append(
                    FormatError(
                        lineno,
                        f"unknown relation type {rel.type!r} (expected one of: {known})",
                        f"{path}.type",
                    )
                )
                continue
            if rel.from_id == rel.to_id:
                problems.append(
                    FormatError(lineno, f"links span {rel.to_id!r} to itself", f"{path}.to")
                )
            for end, span_id, wanted in (
                ("from", rel.from_id, relation.from_kind),
                ("to", rel.to_id, relation.to_kind),
            ):
                have = kinds.get(span_id)
                if have is None:
                    continue  # its kind is a problem of its own
                have = self.schema.kind_id(have)
                if have != wanted:
                    problems.append(
                        FormatError(
                            lineno,
                            f"span {span_id!r} is a {have}, but {rel.type} links {end} a {wanted}",
                            f"{path}.{end}",
                        )
                    )
            link = (rel.from_id, rel.to_id, rel.type)
            if link in links:
                problems.append(
                    FormatError(
                        lineno,
                        f"the same link as relations[{links[link]}] ({rel.type} from"
                        f" {rel.from_id!r} to {rel.to_id!r})",
                        path,
                    )
                )
            links.setdefault(link, index)
            self._stored(rel.labels, relation.level, f"{path}.labels", lineno, problems, extra)
        if problems:
            return []
        return [
            replace(
                made,
                labels=freeze_labels(
                    self.schema.clean_labels(made.labels, RELATION_LEVEL + made.type)
                ),
            )
            for made in record.relation_records()
        ]


def _stored_article(a: Article, imported_at: str) -> Article:
    """A new article of the file as stored: its paragraphs, the batch's time. (Built
    directly: `dataclasses.replace` took half as long again as the paragraphs.)"""
    return Article(
        a.id,
        a.title,
        a.source,
        a.text,
        paragraph_spans(a.text),
        a.published,
        a.origin,
        imported_at,
        a.metadata,
    )


def _collect_actors(value: Any, where: str, named: dict[str, str]) -> None:
    for actor_id in value if isinstance(value, list) else (value,):
        if isinstance(actor_id, str):
            named.setdefault(actor_id, where)


@dataclass
class _Pending:
    """A line merged into the batch, waiting for the batch to be saved."""

    where: str  # FILE:LINE
    line: _Line | None  # None: nothing of it is saved
    conflicts: list[str]  # found before saving (its article's text), in line order


class _Merger:
    """Applies checked lines to the store (inside the import's transaction).

    Lines are saved in batches of `BATCH_LINES`: one `add_articles`, one `add_passages`
    (so one audit insert), one comments call and one status upsert a batch, each at one
    time, with the same outcome as saving line by line. A line naming a passage id
    already in the batch is saved after the batch before it, so it is compared with it.
    """

    BATCH_LINES = 500

    def __init__(
        self,
        store: Store,
        schema: LabelSchema,
        name: str,
        prefer: str,
        importer: str,
        result: ImportResult,
    ) -> None:
        self.store = store
        self.schema = schema
        self.name = name
        self.prefer = prefer
        self.importer = importer
        self.result = result
        self.actor_ids = {a.id for a in schema.actors} | {a.id for a in store.user_actors()}
        self.article: tuple[str, str] = ("", "")  # the last article seen: (id, text)
        self.pending: list[_Pending] = []
        self.new_articles: dict[str, Article] = {}  # added by the batch, not saved yet
        self.pending_ids: set[str] = set()  # passage ids in the batch

    def merge(self, line: _Line) -> None:
        result = self.result
        where = f"{self.name}:{line.lineno}"
        # Actors first, even if the spans are refused below: later lines may name them by id.
        self._create_actors(line.new_actors)
        article = line.article
        text = self._article_text(article.id)
        if text is None:
            self.new_articles[article.id] = article
            result.articles_added += 1
            self.article = (article.id, article.text)
        elif text != article.text:
            conflict = (
                f"{where}: article {article.id}: its text differs from the database's;"
                " the line's spans were not imported"
            )
            result.text_conflicts += 1
            self.pending.append(_Pending(where, None, [conflict]))  # reported in line order
            return
        ids = [row[0] for row in line.rows]
        if not self.pending_ids.isdisjoint(ids):
            self.flush()  # compared with the batch's version, as line by line
        self.pending_ids.update(ids)
        self.pending.append(_Pending(where, line, []))
        if len(self.pending) >= self.BATCH_LINES:
            self.flush()

    def flush(self) -> None:
        """Save the batch."""
        pending, self.pending = self.pending, []
        self.pending_ids = set()
        if not pending:
            return
        result = self.result
        store = self.store
        if self.new_articles:
            imported_at = now_iso()
            store.add_articles(
                [_stored_article(a, imported_at) for a in self.new_articles.values()]
            )
            self.new_articles = {}
        # Insert first: in the usual case every id is new, and the insert's own check of
        # the id index is the only one. Ids already stored come back, to be compared.
        rows = [row for p in pending if p.line is not None for row in p.line.rows]
        stored = store.add_passages(rows, by=self.importer, action="import", skip_existing=True)
        result.passages_added += len(rows) - len(stored)
        current = self._existing(stored)
        comments: list[Comment] = []
        statuses: list[tuple[str, str, str]] = []
        for p in pending:
            result.conflicts.extend(p.conflicts)
            line = p.line
            if line is None:
                continue
            for row in line.rows if current else ():
                have = current.get(row[0])
                if have is None:
                    continue  # just added
                if _content(have) == _content(row):
                    result.unchanged += 1
                elif self.prefer == "incoming":
                    passage = passage_from_row(row)
                    by = self.importer or passage.annotator
                    store.update_passage(passage, by=by, action="import")
                    result.passages_updated += 1
                else:
                    result.conflicts.append(
                        f"{p.where}: passage {row[0]}: {_differences(have, row)} differ from"
                        " the database's (kept the database's; --prefer incoming takes the"
                        " file's)"
                    )
            comments.extend(line.comments)
            if line.document is not None:
                self._merge_document(p.where, line.document)
            if line.status is not None:
                statuses.append((line.article.id, line.annotator, line.status))
        if comments:
            result.comments_added += store.add_comments(comments)
        self._merge_relations(pending)
        self._merge_statuses(statuses)

    def _merge_relations(self, pending: list[_Pending]) -> None:
        """The batch's relations: new ones saved (their ends as the database now has
        them must suit them), equal ones unchanged, other ones a conflict (the
        database's kept unless --prefer incoming)."""
        incoming = [(p.where, r) for p in pending if p.line is not None for r in p.line.relations]
        if not incoming:
            return
        store, result = self.store, self.result
        stamp = now_iso()
        have = store.relations_by_id([r.id for _, r in incoming])
        ends = {
            row[0]: passage_from_row(row)
            for row in store.passage_rows(
                list({i for _, r in incoming for i in (r.from_id, r.to_id)})
            ).values()
        }
        fresh: list[Relation] = []
        for where, rel in incoming:
            if not rel.created_at:
                rel = replace(rel, created_at=stamp, updated_at=stamp)
            stored = have.get(rel.id)
            if stored is not None and same_link(stored, rel):
                result.unchanged += 1
                continue
            if stored is not None and self.prefer != "incoming":
                result.conflicts.append(
                    f"{where}: relation {rel.id}: {_relation_differences(stored, rel)} differ"
                    " from the database's (kept the database's; --prefer incoming takes the"
                    " file's)"
                )
                continue
            reason = self._end_problem(rel, ends)
            if reason is None:
                reason = store.relation_problem(rel) if stored is None else None
            if reason is not None:
                result.conflicts.append(f"{where}: relation {rel.id} not imported: {reason}")
                continue
            if stored is not None:
                store.update_relation(rel, by=self.importer or rel.annotator, action="import")
                result.relations_updated += 1
            else:
                fresh.append(rel)
                have[rel.id] = rel
        if fresh:
            store.add_relations(fresh, by=self.importer, action="import")
            result.relations_added += len(fresh)

    def _end_problem(self, rel: Relation, ends: Mapping[str, Passage]) -> str | None:
        """Why the passages the database holds under the relation's span ids cannot be
        its ends (a span that was a conflict keeps the database's passage)."""
        from_p, to_p = ends.get(rel.from_id), ends.get(rel.to_id)
        if from_p is None or to_p is None:
            return None  # the store names the missing end
        if from_p.article_id != rel.article_id or from_p.annotator != rel.annotator:
            return f"passage {rel.from_id} in the database is another article's or annotator's"
        return check_ends(self.schema, from_p, to_p, rel.type)

    def _merge_document(self, where: str, incoming: DocumentLabels) -> None:
        """An annotator's document labels: new ones saved, equal ones unchanged, other
        ones a conflict (the database's kept unless --prefer incoming)."""
        found = self.store.document_labels(incoming.article_id, incoming.annotator)
        have = found[0].labels if found else None
        if have == incoming.labels:
            return
        if have and self.prefer != "incoming":
            keys = sorted(set(have) | set(incoming.labels))
            differ = ", ".join(k for k in keys if have.get(k) != incoming.labels.get(k))
            self.result.conflicts.append(
                f"{where}: document labels of {incoming.annotator} on {incoming.article_id}:"
                f" {differ} differ from the database's (kept the database's; --prefer"
                " incoming takes the file's)"
            )
            return
        self.store.set_document_labels(incoming, by=self.importer or incoming.annotator)
        self.result.document_labels_set += 1

    def _article_text(self, article_id: str) -> str | None:
        if self.article[0] == article_id:
            return self.article[1]
        new = self.new_articles.get(article_id)
        if new is not None:
            self.article = (article_id, new.text)
            return new.text
        text = self.store.article_texts([article_id]).get(article_id)
        if text is None:
            return None
        self.article = (article_id, text)
        return text

    def _create_actors(self, actors: list[ActorInfo]) -> None:
        for actor in actors:
            if actor.id in self.actor_ids:
                continue
            self.actor_ids.add(actor.id)
            added = self.store.add_actor(
                UserActor(
                    actor.id,
                    actor.name_ar or "",
                    actor.name_en or "",
                    actor.aliases,
                    created_by=self.importer,
                )
            )
            self.result.actors_added += int(added)

    def _existing(self, ids: list[str]) -> dict[str, PassageRow]:
        """The stored rows of those ids that exist, in one query."""
        return self.store.passage_rows(ids)

    def _merge_statuses(self, statuses: list[tuple[str, str, str]]) -> None:
        """A status further along than the database's is taken (done > in_progress >
        todo); with --prefer incoming, any status that differs is. In line order."""
        if not statuses:
            return
        current = self.store.statuses([(a, who) for a, who, _ in statuses])
        changes: list[tuple[str, str, str]] = []
        for article_id, annotator, incoming in statuses:
            have = current.get((article_id, annotator), "todo")
            if incoming == have:
                continue
            further = _PROGRESS_ORDER[incoming] > _PROGRESS_ORDER.get(have, 0)
            if further or self.prefer == "incoming":
                current[(article_id, annotator)] = incoming
                changes.append((article_id, annotator, incoming))
                self.result.statuses_set += 1
        self.store.set_statuses(changes)


def _differences(have: PassageRow, row: PassageRow) -> str:
    """The fields that differ, a label by its attribute (the release-1 ones in their
    order first)."""
    names = [PASSAGE_COLUMNS[i] for i in _CONTENT_INDEXES if have[i] != row[i] and i != _LABELS]
    ours, theirs = labels_from_json(have[_LABELS]), labels_from_json(row[_LABELS])
    keys = sorted(set(ours) | set(theirs), key=_attribute_order)
    names.extend(k for k in keys if ours.get(k) != theirs.get(k))
    return ", ".join(names)


def _relation_differences(have: Relation, rel: Relation) -> str:
    names = [
        name
        for name, ours, theirs in (
            ("type", have.type, rel.type),
            ("from", have.from_id, rel.from_id),
            ("to", have.to_id, rel.to_id),
            ("article", have.article_id, rel.article_id),
            ("annotator", have.annotator, rel.annotator),
        )
        if ours != theirs
    ]
    keys = sorted(set(have.labels) | set(rel.labels))
    names.extend(k for k in keys if have.labels.get(k) != rel.labels.get(k))
    return ", ".join(names)


def _attribute_order(key: str) -> tuple[int, str]:
    at = LEGACY_ATTRIBUTES.index(key) if key in LEGACY_ATTRIBUTES else len(LEGACY_ATTRIBUTES)
    return (at, key)
