"""Commands: `hashiya import` and `hashiya list` (the corpus)."""

from __future__ import annotations

import click

from annotations.importer import DEFAULT_MAX_BYTES, expand_paths, import_paths, total_bytes
from tui.cli.main import cli, open_store, print_table, progress_bar, say, say_json


def _parse_size(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    text = value.strip().lower().removesuffix("b")
    try:
        if text and text[-1] in units:
            return int(float(text[:-1]) * units[text[-1]])
        return int(text)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a size (e.g. 5M, 500k, 1048576)") from None


@cli.command("import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--text-field", default="text", show_default=True, help="JSONL field with the text.")
@click.option(
    "--max-size",
    default=f"{DEFAULT_MAX_BYTES // (1024 * 1024)}M",
    show_default=True,
    help="Largest article accepted (a .txt file, or one JSONL line).",
)
@click.pass_context
def import_command(
    ctx: click.Context, paths: tuple[str, ...], text_field: str, max_size: str
) -> None:
    """Import articles: .txt files, folders (recursive), .jsonl files, or - for stdin.

    JSONL: one article per line with `text` (or --text-field), and optionally
    `title`, `source`, `url`, `published`, `id`; other fields are kept as metadata.
    Importing an article already present is a no-op. Exits 1 when anything was rejected.

    Example: hashiya import seeds/ more.jsonl
    """
    store = open_store(ctx)
    max_bytes = _parse_size(max_size)
    files = list(expand_paths(list(paths)))
    stdin = click.open_file("-", "rb") if "-" in files else None
    with progress_bar(total_bytes(files), "importing") as progress:
        report = import_paths(
            store,
            files,
            text_field=text_field,
            max_bytes=max_bytes,
            progress=progress,
            stdin=stdin,
        )
    for message in report.rejected:
        say(f"rejected: {message}", err=True)
    say(report.summary)
    if report.rejected:
        ctx.exit(1)


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line, for machines.")
@click.option("--limit", type=int, help="At most this many articles.")
@click.pass_context
def list_command(ctx: click.Context, as_json: bool, limit: int | None) -> None:
    """List the articles: id, title, source, characters, paragraphs.

    Example: hashiya list --json | jq .title
    """
    store = open_store(ctx)
    if as_json:  # streamed: one article read, one line written
        for a in store.iter_articles(limit=limit):
            record = {
                "id": a.id,
                "title": a.title,
                "source": a.source,
                "published": a.published,
                "characters": a.n_chars,
                "paragraphs": a.n_paragraphs,
            }
            say_json(record)
        return
    rows = store.list_articles(limit=limit)
    if not rows:
        click.echo("no articles (hashiya import PATH...)")
        return
    headers = ("id", "characters", "paragraphs", "source", "title")
    table = [(a.id, str(a.n_chars), str(a.n_paragraphs), a.source, a.title) for a in rows]
    print_table(ctx, headers, table, right=(1, 2))
