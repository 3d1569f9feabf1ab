"""Command: `hashiya search` (articles by words; passages by label and words)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from typing import Any

import click

from annotations.layout.chars import cell_width
from annotations.layout.draw import cut_logical, draw
from annotations.schema import LabelSchema, schema_with_user_actors
from annotations.search import Hit, search
from annotations.search.passages import PassageHit, search_passages
from annotations.search.related import ActorNotFound, resolve_actor
from annotations.search.snippet import SnippetLine, snippet_line
from annotations.store import Store
from annotations.text import printable
from tui.cli.main import (
    check_names,
    cli,
    load_label_schema,
    open_store,
    progress_bar,
    say_json,
    settings_of,
)
from tui.terminal import explicit_bidi


def _terminal_width() -> int:
    if sys.stdout.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return 80


class _Printer:
    """Lines for this terminal: laid out (or logical for `--bidi terminal`), highlighted
    only when standard output is a terminal."""

    def __init__(self, width: int, shape: bool, bidi: str, color: bool) -> None:
        self.width = width
        self.shape = shape
        self.bidi = bidi
        self.color = color

    def snippet(self, text: str, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> str:
        """One line: the words around the first span, right-aligned if right-to-left."""
        line = snippet_line(text, spans, self.width, shape=self.shape)
        if self.bidi == "terminal":  # the terminal reorders: give it the logical words
            return printable(text[line.line.start : line.line.end])
        return " " * line.pad(self.width) + self._marked(line)

    def _marked(self, line: SnippetLine) -> str:
        if not self.color:
            return line.text
        return "".join(
            click.style(text, bold=True, reverse=True) if marked else text
            for text, marked in line.runs()
        )

    def title(self, prefix: str, title: str) -> str:
        """`prefix`, then the title in the rest of the line (right-aligned if RTL)."""
        room = self.width - cell_width(prefix) - 2
        if room < 8:
            return prefix
        if self.bidi == "terminal":  # logical order, cut to the room left
            return f"{prefix}  {cut_logical(' '.join(title.split()), room)}"
        line = draw(title, room, shape=self.shape)
        shown = line.text
        if self.color:
            shown = click.style(shown, bold=True)
        return f"{prefix}  " + " " * line.pad(room) + shown


def _ensure_index(store: Store) -> None:
    pending = store.unindexed_count()
    if pending:
        with progress_bar(pending, "indexing") as progress:
            store.ensure_search_index(progress)


def _hit_json(hit: Hit) -> dict[str, Any]:
    return {
        "article_id": hit.article_id,
        "start": hit.start,
        "end": hit.end,
        "title": hit.title,
        "snippet": hit.snippet,
        "snippet_start": hit.snippet_start,
        "spans": [list(span) for span in hit.spans],
    }


def _passage_json(hit: PassageHit) -> dict[str, Any]:
    p = hit.passage
    return {
        "id": p.id,
        "article_id": p.article_id,
        "article_title": hit.article_title,
        "start": p.start,
        "end": p.end,
        "text": p.text,
        "annotator": p.annotator,
        "labels": dict(p.labels),
        "text_spans": [list(span) for span in hit.text_spans],
        "note_spans": [list(span) for span in hit.note_spans],
    }


def label_filters(schema: LabelSchema, given: Sequence[str]) -> list[tuple[str, Any]]:
    """`--label ATTR=VALUE` options as (attribute, value) filters; a usage error naming
    the option when the attribute or the value is not the schema's. A boolean takes
    true/false; an actor or text attribute any value (users add actors of their own)."""
    filters: list[tuple[str, Any]] = []
    for item in given:
        attr_id, sep, value = item.partition("=")
        attr_id = attr_id.strip()
        if not sep or not attr_id or not value:
            raise click.BadParameter(
                f"'{printable(item)}': expected ATTR=VALUE (e.g. stance=critical)",
                param_hint="--label",
            )
        attribute = schema.attribute(attr_id)
        if attribute is None:
            known = ", ".join(a.id for a in schema.attributes)
            raise click.BadParameter(
                f"unknown attribute '{printable(attr_id)}' in schema {schema.name}"
                f" (expected one of: {known})",
                param_hint="--label",
            )
        parsed: Any = value
        if attribute.type == "boolean":
            if value.lower() not in ("true", "false"):
                raise click.BadParameter(
                    f"{attr_id}: expected true or false, not '{printable(value)}'",
                    param_hint="--label",
                )
            parsed = value.lower() == "true"
        elif attribute.type == "choice" and attribute.value(value) is None:
            known = ", ".join(v.id for v in attribute.values)
            raise click.BadParameter(
                f"unknown value '{printable(value)}' of {attr_id} (expected one of: {known})",
                param_hint="--label",
            )
        filters.append((attr_id, parsed))
    return filters


def _warn_unknown(schema: LabelSchema, field: str, value: str | None) -> None:
    """A filter value the schema does not know: say so (passages may still have it)."""
    if value is None:
        return
    known = {v.id for v in schema.values(field)}
    if value not in known:
        name = field.replace("_", " ")
        click.echo(
            f"note: '{printable(value)}' is not a {name} of the schema {schema.name} "
            f"(hashiya schema show lists them)",
            err=True,
        )


@cli.command("search")
@click.argument("query", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit, for machines.")
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most N hits."
)
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip the first N hits.")
@click.option(
    "--width", type=click.IntRange(min=20), help="Columns (default: the terminal's, else 80)."
)
@click.option(
    "--passages",
    is_flag=True,
    help="Search passages: QUERY matches their quoted text or note (optional).",
)
@click.option("--actor", help="Passages with this actor id (implies --passages).")
@click.option("--claim-type", help="Passages with this claim type id (implies --passages).")
@click.option("--stance", help="Passages with this stance id (implies --passages).")
@click.option(
    "--label",
    "labels",
    multiple=True,
    metavar="ATTR=VALUE",
    help="Passages whose attribute ATTR holds VALUE (any attribute of the schema; a "
    "multi-valued one matches when VALUE is among its values). Repeat: all must hold. "
    "Implies --passages.",
)
@click.option(
    "--annotator",
    "by",
    callback=check_names,
    help="Passages by this annotator (implies --passages).",
)
@click.option(
    "--related-to",
    metavar="ACTOR",
    help="Contents attributed to this actor (id, name or alias): their frame has a source "
    "(said_by) that is the actor's. Implies --passages.",
)
@click.pass_context
def search_command(
    ctx: click.Context,
    query: tuple[str, ...],
    as_json: bool,
    limit: int,
    offset: int,
    width: int | None,
    passages: bool,
    actor: str | None,
    claim_type: str | None,
    stance: str | None,
    labels: tuple[str, ...],
    by: str | None,
    related_to: str | None,
) -> None:
    """Search the articles for words, whatever their spelling (hamza, harakat, digits).

    Every word must be in the article; "quoted words" must follow each other. Each hit
    shows the article id, the offsets of the first match (code points into the stored
    text), the title and the words around the match. The search index is built first
    for articles not yet in it.

    With --passages (or any of --label, --actor, --claim-type, --stance, --annotator),
    search the passages instead: QUERY, if given, matches their quoted text or note.

    Example: hashiya search الأمريكية --limit 5

    Example: hashiya search --label stance=critical --label claim_type=warning

    Example: hashiya search --related-to "الجيش الإسرائيلي"
    """
    settings = settings_of(ctx)
    text = " ".join(query)
    passage_mode = (
        passages
        or bool(labels)
        or any(v is not None for v in (actor, claim_type, stance, by, related_to))
    )
    if not passage_mode and not text.strip():
        raise click.UsageError("give a QUERY (or --passages with filters)")
    store = open_store(ctx)
    printer = _Printer(
        width or _terminal_width(),
        settings.shape,
        settings.bidi,
        color=sys.stdout.isatty() and not as_json,
    )
    if passage_mode:
        schema = load_label_schema(ctx)
        filters = label_filters(schema, labels)
        _warn_unknown(schema, "actor", actor)
        _warn_unknown(schema, "claim_type", claim_type)
        _warn_unknown(schema, "stance", stance)
        related = None
        if related_to is not None:
            try:
                related = [resolve_actor(schema_with_user_actors(store, schema), related_to)]
            except ActorNotFound as exc:
                raise click.BadParameter(printable(str(exc)), param_hint="--related-to") from None
        found = search_passages(
            store,
            text,
            actor=actor,
            claim_type=claim_type,
            stance=stance,
            labels=filters,
            annotator=by,
            limit=limit,
            offset=offset,
            prefix_last=False,
            related_to=related,
            schema=schema,
        )
        if as_json:
            for passage_hit in found:
                say_json(_passage_json(passage_hit))
            return
        with explicit_bidi(settings.bidi == "app"):
            _print_passages(printer, found, schema)
        if not found:
            click.echo("no passages match", err=True)
        return

    _ensure_index(store)
    hits = search(store.conn, text, limit=limit, offset=offset, prefix_last=False)
    if as_json:
        for hit in hits:
            say_json(_hit_json(hit))
        return
    with explicit_bidi(settings.bidi == "app"):
        for number, hit in enumerate(hits):
            if number:
                click.echo("")
            where = "title" if hit.start is None else f"{hit.start}-{hit.end}"
            click.echo(printer.title(f"{printable(hit.article_id)}  {where}", hit.title))
            click.echo(printer.snippet(hit.snippet, hit.snippet_spans))
    if not hits:
        click.echo(f"no articles match «{printable(text)}»", err=True)


def _label_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(printable(str(v)) for v in value)
    return printable(str(value))


def _print_passages(printer: _Printer, found: list[PassageHit], schema: LabelSchema) -> None:
    # The attributes whose values are ids (not free text) go on the head line.
    shown = [a.id for a in schema.attributes if a.type != "text"]
    for number, hit in enumerate(found):
        p = hit.passage
        if number:
            click.echo("")
        extra = [k for k in p.labels if schema.attribute(k) is None]
        labels = " ".join(
            f"{printable(name)}={_label_value(p.labels[name])}"
            for name in (*shown, *extra)
            if name in p.labels
        )
        head = f"{printable(p.article_id)}  {p.start}-{p.end}  {printable(p.annotator)}"
        click.echo(f"{head}  {labels}".rstrip())
        click.echo(printer.snippet(p.text, hit.text_spans))
        if p.note:
            click.echo(printer.snippet(p.note, hit.note_spans))


@cli.command("index")
@click.option("--rebuild", is_flag=True, help="Index every article afresh, not only new ones.")
@click.pass_context
def index_command(ctx: click.Context, rebuild: bool) -> None:
    """Build the search index now (searches otherwise build it on first use).

    Only articles not indexed yet are indexed: after an import, this takes time
    proportional to what was imported. A progress bar shows on a terminal.

    Example: hashiya import corpus.jsonl && hashiya index
    """
    from annotations.search import rebuild_index

    store = open_store(ctx)
    if rebuild:
        with store.transaction() as conn:
            count = rebuild_index(conn)
        click.echo(f"{count:,} {'article' if count == 1 else 'articles'} indexed afresh")
        return
    pending = store.unindexed_count()
    _ensure_index(store)
    total = store.article_count()
    noun = "article" if pending == 1 else "articles"
    click.echo(f"{pending:,} {noun} indexed ({total - pending:,} already were)")
