"""Commands: `hashiya export` and `hashiya import-annotations` (the labelled dataset)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import click

from annotations.exchange import (
    ExportFilter,
    ImportAborted,
    export_records,
    import_annotation_lines,
)
from annotations.export.formats import FORMATS, ExportOptions, LabelFrom, Unit
from annotations.store import STATUSES, Store, StoreError
from tui.cli.main import cli, load_label_schema, open_store, progress_bar, settings_of

LABEL_FROM = ("claim_type", "stance", "actor")


@cli.command("export")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File (or folder for brat); default: stdout.",
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(sorted(FORMATS)),
    default="native",
    show_default=True,
)
@click.option(
    "--unit",
    type=click.Choice(["article", "span"]),
    default="article",
    show_default=True,
    help="article: one line per (article, annotator); span: one line per passage.",
)
@click.option(
    "--label-from",
    type=click.Choice(LABEL_FROM),
    default="claim_type",
    show_default=True,
    help="For formats with one label per span: which attribute is the label.",
)
@click.option(
    "--annotator", "annotators", multiple=True, help="Only these annotators (repeatable)."
)
@click.option("--article", "articles", multiple=True, help="Only these article ids (repeatable).")
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    help="Only (article, annotator) pairs with this status.",
)
@click.option("--since", help="Only passages updated at or after this ISO date/time.")
@click.option(
    "--layer",
    type=click.Choice(["annotators", "gold"]),
    default="annotators",
    show_default=True,
    help="gold: the adjudicated passages, with their provenance.",
)
@click.option(
    "--include-unresolved", is_flag=True, help="With --layer gold: articles not yet settled too."
)
@click.pass_context
def export_command(
    ctx: click.Context,
    output: Path | None,
    format_name: str,
    unit: str,
    label_from: str,
    annotators: tuple[str, ...],
    articles: tuple[str, ...],
    status: str | None,
    since: str | None,
    layer: str,
    include_unresolved: bool,
) -> None:
    """Export the labels as a dataset (JSON Lines by default).

    Offsets are code-point offsets into each record's text, and text[start:end] is
    always the span's text. The format is described in docs/format.md. With -o the file
    is written atomically; the order is deterministic (article id, annotator, start, end).

    Example: hashiya export -o labels.jsonl --status done
    """
    store = open_store(ctx)
    schema = load_label_schema(ctx)
    fmt = FORMATS[format_name]
    if unit not in fmt.units:
        raise click.UsageError(f"--format {format_name} has no --unit {unit}")
    if fmt.target == "folder" and output is None:
        raise click.UsageError(f"--format {format_name} writes a folder: give -o FOLDER")
    flt = ExportFilter(
        annotators=annotators,
        articles=tuple(_resolve_article(store, a) for a in articles),
        status=status,
        since=since,
        layer=layer,
        include_unresolved=include_unresolved,
    )
    options = ExportOptions(
        label_from=cast("LabelFrom", label_from),
        unit=cast("Unit", unit),
        vocabulary={
            "actor": [a.id for a in schema.actors],
            "stance": [v.id for v in schema.stances],
            "claim_type": [v.id for v in schema.claim_types],
        },
    )
    records = export_records(store, schema, flt)
    total = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    with progress_bar(total, "exporting") as progress:
        if progress is not None:
            records = _counting(records, progress)
        if output is None:
            if fmt.lines is None:
                raise click.UsageError(f"--format {format_name} needs -o FILE")
            for line in fmt.lines(records, options):
                sys.stdout.write(line + "\n")
            return
        summary = fmt.write(records, output, options)
    click.echo(f"{output}: {summary.written} written", err=True)
    for span_id in summary.skipped:
        click.echo(f"skipped: span {span_id} (the format cannot hold it)", err=True)


def _counting(
    records: Iterator[dict[str, Any]], progress: Callable[[int], None]
) -> Iterator[dict[str, Any]]:
    for record in records:
        progress(len(record["spans"]))
        yield record


def _resolve_article(store: Store, given: str) -> str:
    try:
        article = store.get_article(given)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    if article is None:
        raise click.ClickException(f"no article '{given}'")
    return str(article.id)


@cli.command("import-annotations")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--prefer",
    type=click.Choice(["database", "incoming"]),
    default="database",
    show_default=True,
    help="Which version wins when a passage id exists with different content.",
)
@click.option("--skip-invalid", is_flag=True, help="Apply the good lines and report the bad ones.")
@click.pass_context
def import_annotations_command(
    ctx: click.Context, files: tuple[str, ...], prefer: str, skip_invalid: bool
) -> None:
    """Merge labels exported by `hashiya export` (native JSON Lines) into this database.

    Missing articles are added with the same ids; passages are merged by id, so
    importing the same file twice changes nothing. A file goes in whole or not at all,
    unless --skip-invalid. Bad lines are reported as FILE:LINE: reason.

    Example: hashiya import-annotations omar.jsonl sara.jsonl
    """
    store = open_store(ctx)
    schema = load_label_schema(ctx)
    me = settings_of(ctx).annotator
    failed = False
    for name in files:
        try:
            handle = sys.stdin if name == "-" else open(name, encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            click.echo(f"{name}: cannot read ({exc.strerror})", err=True)
            failed = True
            continue
        try:
            with handle:
                result = import_annotation_lines(
                    store,
                    schema,
                    name,
                    handle,
                    prefer=prefer,
                    skip_invalid=skip_invalid,
                    importer=me,
                )
        except ImportAborted as exc:
            click.echo(str(exc), err=True)
            click.echo(
                f"{name}: nothing imported (fix the lines above, or --skip-invalid)", err=True
            )
            failed = True
            continue
        except UnicodeDecodeError as exc:
            click.echo(f"{name}: not UTF-8 (invalid byte at offset {exc.start})", err=True)
            failed = True
            continue
        for line in result.errors + result.conflicts:
            click.echo(line, err=True)
        click.echo(f"{name}: {result.summary}")
        failed = failed or bool(result.errors)
    if failed:
        ctx.exit(1)
