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
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any

from annotations.articles import now_iso
from annotations.export.native import (
    FORMAT,
    ActorInfo,
    FormatError,
    NativeRecord,
    dumps_line,
    native_record,
    parse_native_line,
    span_records,
)
from annotations.models import (
    GOLD_ANNOTATOR,
    LEGACY_ATTRIBUTES,
    MAX_ANNOTATOR,
    MAX_ARTICLE_ID,
    MAX_PASSAGE_ID,
    Article,
    Comment,
    Passage,
)
from annotations.review.queue import article_review
from annotations.schema import LabelSchema
from annotations.schema import schema_with_user_actors as schema_with_user_actors  # re-export
from annotations.store import PASSAGE_COLUMNS, STATUSES, Store, UserActor
from annotations.store.labels import labels_from_json, labels_json
from annotations.store.passages import passage_from_row
from annotations.text import check_name, paragraph_spans
from annotations.untrusted import MAX_NESTING, check_nesting, may_hold_surrogates

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

    Each is what `native_record` returns for the pair; spans in (start, end, id) order.
    An (article, annotator) pair marked done with no passages is a record too ("nothing
    to label here" is an answer). Raises ExportError on a passage whose quoted text no
    longer matches its article.
    """
    stamp = exported_at or now_iso()
    actors = actor_lookup(store, schema)
    if flt.layer == GOLD:
        yield from _gold_records(store, schema, flt, actors, stamp)
        return
    statuses = store.status_rows()
    empty_keys = sorted(
        key
        for key, (status, at) in statuses.items()
        if status == "done"
        and (not flt.annotators or key[1] in flt.annotators)
        and (not flt.articles or key[0] in flt.articles)
        and (not flt.since or at >= flt.since)
    )
    if flt.since and empty_keys:
        # Only pairs with no passages at all: a pair whose passages are older than
        # --since is not "done with nothing to label".
        with_passages = store.annotated_pairs()
        empty_keys = [key for key in empty_keys if key not in with_passages]
    articles = _ArticleCache(store)
    actor_dicts = {actor_id: info.to_dict() for actor_id, info in actors.items()}
    threads = _comment_dicts(store)
    passage_rows = store.export_passage_rows(flt.annotators, flt.articles, flt.since)
    try:
        groups = groupby(passage_rows, key=itemgetter(1, 2))
        for key, rows in _merge_groups(groups, empty_keys):
            status = statuses.get(key, ("todo", ""))[0]
            if flt.status is not None and status != flt.status:
                continue
            article = articles.get(key[0])
            text: str = article[5]
            yield {
                "format": FORMAT,
                "article_id": article[0],
                "title": article[1],
                "source": article[2],
                "published": article[3],
                "origin": article[4],
                "metadata": json.loads(article[6]),
                "text": text,
                "annotator": key[1],
                "status": status,
                "schema": {"name": schema.name, "version": schema.version},
                "spans": [_span_dict(row, text, actor_dicts, threads) for row in rows],
                "exported_at": stamp,
            }
    finally:
        passage_rows.close()  # now, while the database is open for sure


# The characters `dumps_line` escapes so a line stays one line for every reader.
_LINE_BREAKS_IN_JSON = ("\x85", "\u2028", "\u2029")
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def native_line(record: Mapping[str, Any]) -> str:
    """`dumps_line(record)`, the same text, faster: only lines holding one of the three
    characters it escapes pay for the escaping (str.translate over every character of
    every line took most of an export's time)."""
    line = _COMPACT.encode(record)
    if any(char in line for char in _LINE_BREAKS_IN_JSON):
        return dumps_line(record)
    return line


def native_lines(records: Iterable[Mapping[str, Any]], unit: str = "article") -> Iterator[str]:
    """The lines of a native export (`--unit article` or `span`), as `FORMATS["native"]`
    writes them."""
    if unit not in ("article", "span"):
        raise ValueError(f"the native format has no unit {unit!r}")
    for record in records:
        if unit == "span":
            yield from (native_line(line) for line in span_records(record))
        else:
            yield native_line(record)


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


_NO_LABELS: dict[str, Any] = {}


def _span_dict(
    row: tuple[Any, ...],
    text: str,
    actor_dicts: Mapping[str, dict[str, Any]],
    threads: Mapping[str, list[dict[str, str]]],
) -> dict[str, Any]:
    passage_id, article_id, _, start, end, quoted, stored = row[:7]
    labels = _NO_LABELS if stored == "{}" else json.loads(stored)
    actor = labels.get("actor")
    if not 0 <= start <= end <= len(text):
        raise ExportError(
            f"passage {passage_id}: offsets {start}..{end} do not fit the text "
            f"of article {article_id!r} (length {len(text)})"
        )
    if text[start:end] != quoted:
        raise ExportError(
            f"passage {passage_id}: quoted text {quoted!r} differs from the article's "
            f"{text[start:end]!r}"
        )
    if actor is not None:
        known = actor_dicts.get(actor)
        if known is None:  # an actor neither the schema nor the users define: id only
            actor = {"id": actor, "name_ar": None, "name_en": None, "aliases": []}
        else:
            actor = {**known, "aliases": list(known["aliases"])}
    span = {
        "id": passage_id,
        "start": start,
        "end": end,
        "text": quoted,
        "actor": actor,
        "stance": labels.get("stance"),
        "target": labels.get("target"),
        "claim_type": labels.get("claim_type"),
        "note": labels.get("note"),
        "created_at": row[7],
        "updated_at": row[8],
    }
    thread = threads.get(passage_id)
    if thread:  # the key only on commented spans: files stay as they were otherwise
        span["comments"] = [dict(c) for c in thread]
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
    by_article: dict[str, list[Any]] = {}
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
            # The threads of the passages it came from (a discussion is on each of
            # them: one copy of each comment), and any on the gold passage itself.
            thread = {
                (c["author"], c["text"], c["at"]): c
                for passage_id in (*g.sources, g.id)
                for c in threads.get(passage_id, ())
            }
            if thread:
                span["comments"] = sorted(thread.values(), key=itemgetter("at"))
            span["provenance"] = {
                "origin": g.origin,
                "sources": list(g.sources),
                "adjudicator": g.adjudicator,
                "notes": [{"author": n.author, "text": n.text} for n in g.notes],
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
    statuses_set: int = 0
    comments_added: int = 0
    conflicts: list[str] = field(default_factory=list)  # FILE:LINE: what differs
    # Lines refused because their article's id holds another text here (in `conflicts`
    # too): their spans were not imported, so the import failed for them.
    text_conflicts: int = 0
    errors: list[str] = field(default_factory=list)  # FILE:LINE: reason (lines rejected)

    @property
    def summary(self) -> str:
        return (
            f"{self.passages_added} passages added, {self.passages_updated} updated, "
            f"{self.unchanged} unchanged, {len(self.conflicts)} conflicts, "
            f"{self.articles_added} articles added, {self.actors_added} actors added, "
            f"{len(self.errors)} lines rejected"
            + (f", {self.comments_added} comments added" if self.comments_added else "")
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


class _LineChecker:
    """Reads a line, or raises FormatError naming what is wrong.

    Beyond what the format promises (`parse_native_line`), the line must suit this
    database: values the schema knows, a known status, spans that are not empty, and
    actors either known or described well enough to be created.

    Most lines are plainly valid: `_quick` checks those straight on the decoded JSON and
    builds the passage rows without intermediate objects. Anything it is not sure of goes
    to `parse_native_line`, which finds the problem and names it.
    """

    def __init__(self, store: Store, schema: LabelSchema) -> None:
        self.stances = frozenset(v.id for v in schema.stances)
        self.claim_types = frozenset(v.id for v in schema.claim_types)
        self.known_values = {"stance": self.stances, "claim_type": self.claim_types}
        # Actors a line may name by id alone: the schema's, the users', and the new ones
        # earlier good lines of the file describe.
        self.actor_ids = {a.id for a in schema.actors} | {a.id for a in store.user_actors()}
        # Each known actor as export writes it: a span's actor equal to it needs no checks.
        self.actor_forms = {
            actor_id: info.to_dict() for actor_id, info in actor_lookup(store, schema).items()
        }

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
        try:
            data = json.loads(text)  # the line end is JSON whitespace: no copy without it
        except (ValueError, RecursionError):
            data = None  # the full reader names the problem
        # A `\ud8..` escape may decode to a lone surrogate: the full reader checks strings.
        if type(data) is dict and not may_hold_surrogates(text):
            line = self._quick(data, lineno)
            if line is not None:
                return line
        text = text.rstrip("\r\n")  # so a JSON error's column is on this line
        return self._checked(parse_native_line(text, lineno, self.known_values), lineno)

    def _quick(self, data: dict[str, Any], lineno: int) -> _Line | None:
        """The line if it is plainly valid (every check `_checked` makes), else None."""
        try:
            article_id = data["article_id"]
            title = data["title"]
            source = data["source"]
            published = data["published"]
            origin = data["origin"]
            metadata = data["metadata"]
            text = data["text"]
            annotator = data["annotator"]
            status = data["status"]
            schema = data["schema"]
            spans = data["spans"]
            if not (
                data["format"] == FORMAT
                and type(data["exported_at"]) is str
                and type(article_id) is str
                and article_id
                and len(article_id) <= MAX_ARTICLE_ID
                and type(title) is str
                and type(source) is str
                and (published is None or type(published) is str)
                and (origin is None or type(origin) is str)
                and type(metadata) is dict
                and type(text) is str
                and type(annotator) is str
                and annotator
                and len(annotator) <= MAX_ANNOTATOR
                and check_name(annotator) is None
                and (status is None or (type(status) is str and status in _PROGRESS_ORDER))
                and type(schema) is dict
                and type(spans) is list
            ):
                return None
            schema_name = schema["name"]
            schema_version = schema["version"]
        except KeyError:
            return None
        if metadata and not _shallow(metadata):
            return None
        if type(schema_name) is not str or type(schema_version) is not str:
            return None
        length = len(text)
        stances, claim_types = self.stances, self.claim_types
        actor_ids, actor_forms = self.actor_ids, self.actor_forms
        seen: set[str] = set()
        rows: list[PassageRow] = []
        comments: list[Comment] = []
        for span in spans:
            if type(span) is not dict:
                return None
            try:
                span_id = span["id"]
                start = span["start"]
                end = span["end"]
                quoted = span["text"]
                actor = span["actor"]
                stance = span["stance"]
                target = span["target"]
                claim_type = span["claim_type"]
                note = span["note"]
                created_at = span["created_at"]
                updated_at = span["updated_at"]
            except KeyError:
                return None
            if not (
                type(span_id) is str
                and span_id
                and len(span_id) <= MAX_PASSAGE_ID
                and span_id not in seen
                and type(start) is int
                and type(end) is int
                and 0 <= start < end <= length
                and type(quoted) is str
                and text[start:end] == quoted
                and (stance is None or (type(stance) is str and stance in stances))
                and (claim_type is None or (type(claim_type) is str and claim_type in claim_types))
                and (target is None or type(target) is str)
                and (note is None or type(note) is str)
                and type(created_at) is str
                and type(updated_at) is str
            ):
                return None
            seen.add(span_id)
            thread = span.get("comments")
            if thread is not None:
                if not _plain_comments(thread):
                    return None  # the full reader names what is wrong
                comments.extend(Comment(span_id, c["author"], c["text"], c["at"]) for c in thread)
            actor_id = None
            if actor is not None:
                if type(actor) is not dict:
                    return None
                actor_id = actor.get("id")
                if type(actor_id) is not str or actor_id not in actor_ids:
                    return None  # new actors: the full reader describes them
                if actor != actor_forms.get(actor_id) and not _plain_actor(actor):
                    return None
            labels = {
                key: value
                for key, value in (
                    ("actor", actor_id),
                    ("stance", stance),
                    ("target", target),
                    ("claim_type", claim_type),
                    ("note", note),
                )
                if value is not None
            }
            rows.append(
                (
                    span_id,
                    article_id,
                    start,
                    end,
                    quoted,
                    annotator,
                    labels_json(labels),
                    schema_name,
                    schema_version,
                    created_at,
                    updated_at,
                )
            )
        article = Article(article_id, title, source, text, (), published, origin, "", metadata)
        return _Line(lineno, article, annotator, status, rows, [], comments)

    def _checked(self, record: NativeRecord, lineno: int) -> _Line:
        """The line of a record `parse_native_line` read, after this database's checks."""
        if record.status is not None and record.status not in STATUSES:
            raise FormatError(
                lineno, f"unknown status {record.status!r} (one of {', '.join(STATUSES)})", "status"
            )
        described: dict[str, ActorInfo] = {}
        for index, span in enumerate(record.spans):
            if span.start == span.end:
                raise FormatError(
                    lineno,
                    "empty span (start == end): a passage covers at least one character",
                    f"spans[{index}]",
                )
            actor = span.actor
            if actor is None or actor.id in self.actor_ids or actor.id in described:
                continue
            if not (actor.name_ar or actor.name_en):
                raise FormatError(
                    lineno,
                    f"unknown actor {actor.id!r} with no names to create it from",
                    f"spans[{index}].actor",
                )
            described[actor.id] = actor
        self.actor_ids.update(described)
        rows = [_passage_row(p) for p in record.passages()]
        article = record.article(())
        return _Line(
            lineno,
            article,
            record.annotator,
            record.status,
            rows,
            [*described.values()],
            record.comments(),
        )


def _plain_comments(thread: object) -> bool:
    """A comment thread as `parse_native_line` accepts it."""
    return type(thread) is list and all(
        type(c) is dict
        and type(c.get("author")) is str
        and c["author"]
        and check_name(c["author"]) is None
        and type(c.get("text")) is str
        and c["text"]
        and type(c.get("at")) is str
        for c in thread
    )


def _shallow(metadata: dict[str, Any]) -> bool:
    """Metadata within the nesting limit (most is flat: that is checked first)."""
    if not any(isinstance(value, dict | list) for value in metadata.values()):
        return True
    try:
        check_nesting(metadata, limit=MAX_NESTING)
    except ValueError:
        return False
    return True


def _plain_actor(actor: dict[str, Any]) -> bool:
    """An actor object as `parse_native_line` accepts it (the id checked already)."""
    try:
        name_ar, name_en = actor["name_ar"], actor["name_en"]
    except KeyError:
        return False
    aliases = actor.get("aliases", [])
    return (
        (name_ar is None or (type(name_ar) is str and check_name(name_ar) is None))
        and (name_en is None or (type(name_en) is str and check_name(name_en) is None))
        and type(aliases) is list
        and all(type(alias) is str and check_name(alias) is None for alias in aliases)
    )


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
                [
                    replace(a, paragraphs=paragraph_spans(a.text), imported_at=imported_at)
                    for a in self.new_articles.values()
                ]
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
            if line.status is not None:
                statuses.append((line.article.id, line.annotator, line.status))
        if comments:
            result.comments_added += store.add_comments(comments)
        self._merge_statuses(statuses)

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


def _attribute_order(key: str) -> tuple[int, str]:
    at = LEGACY_ATTRIBUTES.index(key) if key in LEGACY_ATTRIBUTES else len(LEGACY_ATTRIBUTES)
    return (at, key)
