"""Commands: `hashiya export` and `hashiya import-annotations` (the labelled dataset)."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any, cast

import click

from annotations.exchange import (
    ExportError,
    ExportFilter,
    ImportAborted,
    count_passages,
    export_records,
    import_annotation_lines,
    schema_with_user_actors,
)
from annotations.export.formats import (
    FORMATS,
    LABELSTUDIO_OFFSETS,
    ExportOptions,
    LabelFrom,
    LabelStudioOffsets,
    Unit,
    labelstudio_attributes,
)
from annotations.export.labelled import MissingPackage
from annotations.export.spacy_docbin import ALIGNMENT_MODES
from annotations.importer import JSONL_BUFFER
from annotations.interop.imports import (
    FOREIGN_FORMATS,
    LABEL_TO_CHOICES,
    ForeignFormat,
    ForeignOptions,
    LabelTo,
    Offsets,
    import_foreign,
)
from annotations.models import GOLD_ANNOTATOR
from annotations.review.queue import unresolved
from annotations.store import STATUSES, Store, StoreError
from annotations.text import escape_json_text, plural, printable
from tui.cli.main import (
    check_names,
    cli,
    load_label_schema,
    open_store,
    progress_bar,
    say,
    settings_of,
)


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
    metavar="ATTR",
    default="claim_type",
    show_default=True,
    help="For formats with one label per span: which attribute of the schema is the label.",
)
@click.option(
    "--alignment-mode",
    type=click.Choice(ALIGNMENT_MODES),
    default="strict",
    show_default=True,
    help="spacy: a span whose edges are not token edges is left out (strict), shrunk to"
    " the tokens inside it (contract) or grown to the tokens it touches (expand).",
)
@click.option(
    "--annotator",
    "annotators",
    multiple=True,
    callback=check_names,
    help="Only these annotators (repeatable).",
)
@click.option("--article", "articles", multiple=True, help="Only these article ids (repeatable).")
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    help="Only (article, annotator) pairs with this status.",
)
@click.option(
    "--since",
    help="Only passages updated at or after this ISO date or time (UTC unless it has an offset).",
)
@click.option(
    "--layer",
    type=click.Choice(["annotators", GOLD_ANNOTATOR]),
    default="annotators",
    show_default=True,
    help="gold: the adjudicated passages, with their provenance.",
)
@click.option(
    "--include-unresolved", is_flag=True, help="With --layer gold: articles not yet settled too."
)
@click.option(
    "--include-suggestions",
    is_flag=True,
    help="--format native: each line also holds the open suggestions offered to its"
    ' annotator, flagged ("suggested": true, "suggested_by": the suggester).',
)
@click.option(
    "--offsets",
    type=click.Choice(LABELSTUDIO_OFFSETS),
    default="codepoint",
    show_default=True,
    help="--format labelstudio: the regions' unit. Label Studio counts code points; "
    "utf16 is for tools that count JavaScript string units.",
)
@click.option(
    "--labelstudio-user",
    "labelstudio_users",
    multiple=True,
    metavar="ANNOTATOR=EMAIL",
    help="--format labelstudio: credit this annotator's annotations to the Label Studio "
    "user with this e-mail (repeatable; the user must exist there).",
)
@click.pass_context
def export_command(
    ctx: click.Context,
    output: Path | None,
    format_name: str,
    unit: str,
    label_from: str,
    alignment_mode: str,
    annotators: tuple[str, ...],
    articles: tuple[str, ...],
    status: str | None,
    since: str | None,
    layer: str,
    include_unresolved: bool,
    include_suggestions: bool,
    offsets: str,
    labelstudio_users: tuple[str, ...],
) -> None:
    """Export the labels as a dataset (JSON Lines by default).

    Offsets are code-point offsets into each record's text, and text[start:end] is
    always the span's text. The format is described in docs/format.md. With -o the file
    is written atomically; the order is deterministic (article id, annotator, start, end).

    --format labelstudio also writes the project's labeling config beside the tasks
    (tasks.json: tasks.labelstudio.xml); see docs/interop.md.

    Example: hashiya export -o labels.jsonl --status done
    """
    fmt = FORMATS[format_name]
    if format_name != "labelstudio" and (offsets != "codepoint" or labelstudio_users):
        option = "--labelstudio-user" if labelstudio_users else "--offsets"
        raise click.UsageError(f"{option} is for --format labelstudio only")
    if include_suggestions and (format_name != "native" or layer == GOLD_ANNOTATOR):
        raise click.UsageError(
            "--include-suggestions is for --format native of the annotators' layer"
            " (other formats cannot flag a span as suggested)"
        )
    emails = _labelstudio_emails(labelstudio_users)
    if unit not in fmt.units:
        raise click.UsageError(f"--format {format_name} has no --unit {unit}")
    if fmt.target == "folder" and output is None:
        raise click.UsageError(f"--format {format_name} writes a folder: give -o FOLDER")
    if output is None and fmt.lines is None:
        raise click.UsageError(f"--format {format_name} needs -o FILE")
    store = open_store(ctx)
    schema = load_label_schema(ctx)
    flt = ExportFilter(
        annotators=annotators,
        articles=tuple(_resolve_article(store, a) for a in articles),
        status=status,
        since=None if since is None else _since_bound(since),
        layer=layer,
        include_unresolved=include_unresolved,
        include_suggestions=include_suggestions,
    )
    if fmt.uses_label_from and schema.attribute(label_from) is None:
        known = ", ".join(a.id for a in schema.attributes)
        raise click.UsageError(
            f"--label-from: unknown attribute {printable(label_from)!r} (the schema's: {known})"
        )
    full_schema = schema_with_user_actors(store, schema)
    options = ExportOptions.for_schema(
        full_schema,
        label_from=cast("LabelFrom", label_from),
        unit=cast("Unit", unit),
        annotator_emails=emails,
        labelstudio_offsets=cast("LabelStudioOffsets", offsets),
        labelstudio_attributes=labelstudio_attributes(full_schema),
        report=_report,
        schema=schema,
        alignment_mode=alignment_mode,
    )
    if layer == GOLD_ANNOTATOR and not include_unresolved:
        _say_what_gold_leaves_out(store)
    records = export_records(store, schema, flt)
    try:
        # A bar on stderr when it is a terminal (and the lines are not going to the same
        # screen); it counts passages, and counting them costs a query.
        show = sys.stderr.isatty() and (output is not None or not sys.stdout.isatty())
        bar = progress_bar(count_passages(store, flt), "exporting") if show else nullcontext(None)
        with bar as progress:
            stream = records if progress is None else _counting(records, progress)
            if output is None:
                assert fmt.lines is not None
                lines = fmt.lines(stream, options)
                complete = _write_stdout(lines, json_text=fmt.suffix in (".jsonl", ".json"))
            else:  # the format's writer: it counts what it writes (lines, documents, tasks)
                summary = fmt.write(stream, output, options)
    except ExportError as exc:
        where = "" if output is None else f"{output} not written: "
        raise click.ClickException(
            f"export stopped: {where}{exc} (`hashiya doctor` lists such passages)"
        ) from None
    except MissingPackage as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        target = output or "stdout"
        raise click.ClickException(f"{target}: cannot write ({exc.strerror or exc})") from None
    finally:
        records.close()  # before the store closes
    if output is None:
        if not complete:
            ctx.exit(1)  # (this closes the store)
        return
    say(f"{output}: {summary.written} written", err=True)
    for path, what in summary.also_written:
        say(f"{path}: {what}", err=True)
    for span_id in summary.skipped:
        say(f"skipped: span {span_id} (the format cannot hold it)", err=True)


def _labelstudio_emails(given: tuple[str, ...]) -> dict[str, str]:
    """--labelstudio-user ANNOTATOR=EMAIL options as a mapping."""
    emails: dict[str, str] = {}
    for item in given:
        annotator, sep, email = item.partition("=")
        if not sep or not annotator.strip() or "@" not in email:
            raise click.BadParameter(
                f"{item!r} is not ANNOTATOR=EMAIL", param_hint="--labelstudio-user"
            )
        emails[annotator.strip()] = email.strip()
    return emails


def _report(line: str) -> None:
    """What a format says about the file it wrote (stderr, one line each)."""
    say(line, err=True)


def _say_what_gold_leaves_out(store: Store) -> None:
    """On stderr: how many items the gold export leaves out, and how to include them."""
    items, articles, settled = unresolved(store)
    if not items:
        return
    lead = "nothing is settled yet" if not settled else "left out"
    say(
        f"{lead}: {plural(items, 'item')} unresolved in {plural(articles, 'article')}"
        " (--include-unresolved exports those articles as they stand; `hashiya review queue`"
        " lists them)",
        err=True,
    )


def _write_stdout(lines: Iterator[str], *, json_text: bool = True) -> bool:
    """Stream lines to stdout as UTF-8, whatever the locale. False if the reader (head,
    less) went away first: the rest is dropped, quietly.

    On a terminal, controls in the JSON's strings are written as escapes (the same JSON),
    and in other text (CoNLL) shown as pictures; into a pipe or a file the lines go as
    `-o` writes them."""
    out = sys.stdout.buffer
    if sys.stdout.isatty():
        lines = map(escape_json_text if json_text else _printable_columns, lines)
    try:
        for line in lines:
            out.write(line.encode("utf-8") + b"\n")
        out.flush()
    except BrokenPipeError:
        try:  # keep Python from complaining when it flushes stdout at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, out.fileno())
        except (OSError, ValueError):
            pass
        return False
    return True


def _printable_columns(line: str) -> str:
    """A tab-separated line for a terminal: each column filtered, the tabs kept."""
    return "\t".join(printable(column) for column in line.split("\t"))


def _since_bound(given: str) -> str:
    """--since as stored times compare: a date as is, a time converted to UTC."""
    try:
        if len(given) == 10:
            return date.fromisoformat(given).isoformat()
        moment = datetime.fromisoformat(given)
    except ValueError:
        raise click.BadParameter(
            f"{given!r} is not an ISO date or time (2026-01-31, 2026-01-31T08:00, "
            "2026-01-31T08:00+03:00)",
            param_hint="--since",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # stored times are UTC
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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


IMPORT_FORMATS = ("native", *FOREIGN_FORMATS)


@cli.command("import-annotations")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(IMPORT_FORMATS),
    default="native",
    show_default=True,
    help="native: `hashiya export` JSON Lines; or another tool's export (docs/interop.md).",
)
@click.option(
    "--prefer",
    type=click.Choice(["database", "incoming"]),
    default="database",
    show_default=True,
    help="Which version wins when a passage id exists with different content.",
)
@click.option("--skip-invalid", is_flag=True, help="Apply the good lines and report the bad ones.")
@click.option(
    "--annotator",
    callback=check_names,
    help="Other formats: whose labels these are (default: the file's, else you).",
)
@click.option(
    "--label-to",
    type=click.Choice(LABEL_TO_CHOICES),
    default="auto",
    show_default=True,
    help="Other formats: the attribute a span's label is a value of (auto: the one it names).",
)
@click.option(
    "--add-actors", is_flag=True, help="Other formats: a label no value names becomes a new actor."
)
@click.option(
    "--offsets",
    type=click.Choice(["codepoint", "utf16"]),
    default="codepoint",
    show_default=True,
    help="Other formats: the offsets' unit where the file does not quote the span's text.",
)
@click.option(
    "--as-suggestions",
    is_flag=True,
    help="Native files of a model's predictions (optional `score` per span): stored as"
    " suggestions, not annotations (docs/suggestions.md).",
)
@click.pass_context
def import_annotations_command(
    ctx: click.Context,
    files: tuple[str, ...],
    format_name: str,
    prefer: str,
    skip_invalid: bool,
    annotator: str | None,
    label_to: str,
    add_actors: bool,
    offsets: str,
    as_suggestions: bool,
) -> None:
    """Merge labels into this database: `hashiya export` files (native JSON Lines), or
    Label Studio, doccano, Prodigy or brat exports (--format; docs/interop.md).

    Missing articles are added (native: with the same ids; other formats: found by
    their text, else added); passages are merged by id, so importing the same file twice
    changes nothing. A passage whose id exists with other content is a conflict:
    reported, and the database's version kept unless --prefer incoming. A line whose
    article id holds a different text here is refused. A file goes in whole or not at
    all, unless --skip-invalid. Bad lines are reported as FILE:LINE: field: reason; the
    exit status is 1 if any was, or any line was refused.

    \b
    Examples:
      hashiya import-annotations omar.jsonl sara.jsonl
      hashiya import-annotations --format doccano --label-to actor admin.jsonl
    """
    store = open_store(ctx)
    schema = load_label_schema(ctx)
    me = settings_of(ctx).annotator
    failed = False
    if as_suggestions:
        if format_name != "native" or skip_invalid:
            raise click.UsageError(
                "--as-suggestions reads native files whole (no --format, --skip-invalid)"
            )
        from tui.cli.suggest import import_suggestions

        for name in files:
            failed = not import_suggestions(store, schema, name) or failed
        if failed:
            ctx.exit(1)
        return
    if format_name != "native":
        options = ForeignOptions(
            annotator=annotator,
            fallback_annotator=me,
            label_to=cast("LabelTo", label_to),
            add_actors=add_actors,
            offsets=cast("Offsets", offsets),
            prefer=prefer,
            skip_invalid=skip_invalid,
            importer=me,
        )
        for name in files:
            failed = not _import_foreign_file(store, schema, format_name, name, options) or failed
        if failed:
            ctx.exit(1)
        return
    for name in files:
        if name != "-" and os.path.isdir(name):
            say(f"{name}: a folder (only --format brat reads folders)", err=True)
            failed = True
            continue
        try:
            # The article import's buffer: lines carry whole articles (a tenth faster).
            if name == "-":
                handle: IO[bytes] = sys.stdin.buffer
            else:
                handle = open(name, "rb", buffering=JSONL_BUFFER)  # noqa: SIM115
            size = 0 if name == "-" else os.fstat(handle.fileno()).st_size
        except OSError as exc:
            say(f"{name}: cannot read ({exc.strerror})", err=True)
            failed = True
            continue
        try:
            bar = progress_bar(size, name) if size else nullcontext(None)
            with bar as progress:
                result = import_annotation_lines(
                    store,
                    schema,
                    name,
                    handle,
                    prefer=prefer,
                    skip_invalid=skip_invalid,
                    importer=me,
                    progress=progress,
                )
        except ImportAborted as exc:
            for line in exc.errors:
                say(line, err=True)
            say(f"{name}: nothing imported (fix the lines above, or --skip-invalid)", err=True)
            failed = True
            continue
        except (OSError, StoreError, sqlite3.Error) as exc:
            say(f"{name}: nothing imported ({exc})", err=True)
            failed = True
            continue
        finally:
            if name != "-":
                handle.close()
        for line in result.errors + result.conflicts:
            say(line, err=True)
        say(f"{name}: {result.summary}")
        failed = failed or bool(result.errors) or bool(result.text_conflicts)
    if failed:
        ctx.exit(1)


def _import_foreign_file(
    store: Store, schema: Any, format_name: str, name: str, options: ForeignOptions
) -> bool:
    """Import one file of another tool's format; False if anything failed."""
    fmt = cast("ForeignFormat", format_name)
    is_folder = name != "-" and os.path.isdir(name)
    if is_folder and fmt != "brat":
        say(f"{name}: a folder (only --format brat reads folders)", err=True)
        return False
    content: bytes | None = None
    try:
        if name == "-":
            if fmt == "brat":
                say("-: brat needs a folder or a .ann file, not stdin", err=True)
                return False
            content = sys.stdin.buffer.read()
        elif not os.path.exists(name):
            say(f"{name}: cannot read (No such file or directory)", err=True)
            return False
        foreign = import_foreign(store, schema, fmt, name, options, content=content)
    except ImportAborted as exc:
        for line in exc.errors:
            say(line, err=True)
        say(f"{name}: nothing imported (fix the lines above, or --skip-invalid)", err=True)
        return False
    except (OSError, StoreError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        say(f"{name}: nothing imported ({reason})", err=True)
        return False
    result = foreign.result
    for line in result.errors + result.conflicts + foreign.left_out:
        say(line, err=True)
    say(f"{name}: {plural(foreign.records, 'record')} read; {result.summary}")
    return not (result.errors or result.text_conflicts)
