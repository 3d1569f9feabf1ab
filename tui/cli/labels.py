"""Commands: labels (`hashiya schema check`, `show`, `json-schema`)."""

from __future__ import annotations

from pathlib import Path

import click

from annotations.layout.draw import cut_logical, draw, table
from annotations.schema import (
    Attribute,
    LabelSchema,
    SchemaError,
    Value,
    load_schema,
    load_schema_or_default,
)
from annotations.text import plural, printable
from tui.cli.main import cli, laid_out, say, say_json, settings_of
from tui.terminal import explicit_bidi


def _heading(attribute: Attribute, count: int | None = None) -> str:
    """`stance (4)`, `topics (6, several, required)`, `target: text, when stance`."""
    notes = [str(count)] if count is not None else []
    if attribute.multiple:
        notes.append("several")
    if attribute.required:
        notes.append("required")
    if attribute.when:
        notes.append(f"when {attribute.when}")
    if count is not None:
        return f"{attribute.id} ({', '.join(notes)})"
    return ", ".join([f"{attribute.id}: {attribute.type}", *notes])


def _describe_schema(schema: LabelSchema, *, logical: bool = True, shape: bool = True) -> list[str]:
    """The schema as readable text: a header, then each attribute in dialog order, a table
    of values for the ones with a list (choice, actor), one line for text and boolean."""

    def line(text: str) -> str:
        return cut_logical(text) if logical else draw(text, direction="ltr", shape=shape).text

    lines = [line(f"{schema.name} {schema.version}  ({schema.source or 'built in'})")]
    if schema.description:
        lines.append(line(schema.description))
    # Arabic goes last: a bidi terminal may reorder a line around it, and nothing follows
    # the last column to be pushed out of place.
    headers = ("id", "key", "English", "colour", "Arabic")
    levels = (("", schema.attributes), ("document attributes", schema.document_attributes))
    for title, attributes in levels:
        if title and attributes:
            lines.extend(["", title])
        for attribute in attributes:
            lines.append("")
            values: tuple[Value, ...] = ()
            if attribute.type == "actor":
                values = schema.actors
            elif attribute.type == "choice":
                values = attribute.values
            else:
                lines.append(line(printable(_heading(attribute))))
                continue
            lines.append(line(printable(_heading(attribute, len(values)))))
            rows = [
                tuple(
                    printable(cell)  # before measuring: a picture takes a cell
                    for cell in (
                        value.id,
                        value.shortcut or "",
                        value.label_en,
                        value.color,
                        value.label_ar,
                    )
                )
                for value in values
            ]
            lines.extend(table(headers, rows, shape=shape, logical=logical))
    if schema.declares_kinds:
        lines.extend(["", "kinds"])
        rows = [
            tuple(
                printable(cell)
                for cell in (
                    kind.id,
                    kind.shortcut or "",
                    kind.label_en,
                    kind.color or "",
                    kind.label_ar,
                )
            )
            for kind in schema.kinds
        ]
        lines.extend(table(headers, rows, shape=shape, logical=logical))
        for kind in schema.kinds:
            names = ", ".join(kind.attribute_ids) or "none"
            lines.append(line(printable(f"{kind.id}: {names}")))
    if schema.relations:
        lines.extend(["", "relations"])
        rows = [
            tuple(
                printable(cell)
                for cell in (
                    f"{r.id} ({r.from_kind} → {r.to_kind})",
                    r.shortcut or "",
                    r.label_en,
                    r.color or "",
                    r.label_ar,
                )
            )
            for r in schema.relations
        ]
        lines.extend(table(headers, rows, shape=shape, logical=logical))
        for r in schema.relations:
            for attribute in r.attributes:
                heading = f"{r.id}.{_heading(attribute, len(attribute.values) or None)}"
                lines.append(line(printable(heading)))
    return lines


def _summary(schema: LabelSchema) -> str:
    """`60 actors; 5 attributes: actor, stance, ...; 1 document attribute: ...; 3 kinds:
    ...; 3 relations: ...`."""
    parts = [plural(len(schema.actors), "actor")]
    for attributes, what in (
        (schema.attributes, "attribute"),
        (schema.document_attributes, "document attribute"),
    ):
        if attributes:
            names = ", ".join(a.id for a in attributes)
            parts.append(f"{plural(len(attributes), what)}: {names}")
    if schema.declares_kinds:
        names = ", ".join(k.id for k in schema.kinds)
        parts.append(f"{plural(len(schema.kinds), 'kind')}: {names}")
    if schema.relations:
        names = ", ".join(r.id for r in schema.relations)
        parts.append(f"{plural(len(schema.relations), 'relation')}: {names}")
    return "; ".join(parts)


@cli.group("schema")
def schema_group() -> None:
    """Check and show label schemas (what a passage label may hold).

    Example: hashiya schema check my-schema.yaml
    """


@schema_group.command("check")
@click.argument("file", type=click.Path(path_type=Path))
def schema_check(file: Path) -> None:
    """Check the label schema FILE (2.0 or 1.0 layout) and list its attributes.

    Prints 'FILE: ok (...)', or one line 'FILE:LINE: FIELD: problem' and exits 1.

    Example: hashiya schema check annotations/schemas/news.yaml
    """
    try:
        schema = load_schema(file)
    except SchemaError as exc:
        say(str(exc), err=True)
        raise SystemExit(1) from None
    say(f"{file}: ok ({_summary(schema)})")


@schema_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@click.pass_context
def schema_show(ctx: click.Context, as_json: bool) -> None:
    """Show the label schema in effect (from --schema, the config file, or the bundled one).

    Example: hashiya --schema my-schema.yaml schema show --json
    """
    try:
        schema = load_schema_or_default(settings_of(ctx).schema_path)
    except SchemaError as exc:
        say(str(exc), err=True)
        raise SystemExit(1) from None
    if as_json:
        say_json(schema.to_json(), indent=2)
    else:
        logical = not laid_out(ctx)
        lines = _describe_schema(schema, logical=logical, shape=settings_of(ctx).shape)
        with explicit_bidi(not logical):
            click.echo("\n".join(lines))


@schema_group.command("json-schema")
@click.option(
    "--schema",
    "file",
    type=click.Path(path_type=Path),
    help="The label schema file (default: the one in effect).",
)
@click.option(
    "--unit",
    type=click.Choice(["article", "span"]),
    default="article",
    show_default=True,
    help="The lines of `hashiya export --unit UNIT`.",
)
@click.pass_context
def schema_json_schema(ctx: click.Context, file: Path | None, unit: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a native export line under the label
    schema: each attribute's type, choice values, arrays for `multiple`, required ones,
    and the document attributes. Ship it beside a dataset as its contract.

    Example: hashiya schema json-schema --schema my-schema.yaml > line.schema.json
    """
    from annotations.export.json_schema import json_schema

    try:
        schema = load_schema(file) if file else load_schema_or_default(settings_of(ctx).schema_path)
    except SchemaError as exc:
        say(str(exc), err=True)
        raise SystemExit(1) from None
    say_json(json_schema(schema, "span" if unit == "span" else "article"), indent=2)


@cli.command("doctor")
@click.pass_context
def doctor_command(ctx: click.Context) -> None:
    """Check the database: SQLite integrity, passages whose quoted text no longer
    matches their article (never moved silently), passage or document labels the
    schema cannot read (unknown attributes or values, wrong types, an unknown kind), and
    relations whose ends are gone or are not the kinds their type links.

    Exits 1 when anything is wrong.

    Example: hashiya doctor
    """
    from annotations.doctor import check
    from tui.cli.main import load_label_schema, open_store

    store = open_store(ctx)
    problems = 0
    for problem in check(store, load_label_schema(ctx)):
        say(problem.message)
        problems += 1
    if problems:
        say(f"{problems} problems")
        ctx.exit(1)
    say(f"{store.path}: ok")
