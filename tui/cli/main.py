"""The `hashiya` click group and the options every command shares."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from annotations import __version__
from annotations.config import ConfigError, Settings, load_settings
from annotations.schema import LabelSchema, SchemaError, load_schema_or_default
from annotations.store import Store, StoreError
from annotations.text import printable

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


@click.group(context_settings=CONTEXT_SETTINGS, invoke_without_command=True)
@click.version_option(__version__, "--version", prog_name="hashiya")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="HASHIYA_DB",
    help="SQLite database file (default: in your data directory; env HASHIYA_DB).",
)
@click.option("--annotator", help="Your annotator name (env HASHIYA_ANNOTATOR; default: OS user).")
@click.option(
    "--schema",
    "schema_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Label schema YAML (default: the bundled news schema).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default: ~/.config/hashiya/config.yaml).",
)
@click.option(
    "--bidi",
    type=click.Choice(["app", "terminal"]),
    help="app: Hashiya reorders right-to-left text (default); terminal: your terminal does.",
)
@click.option("--no-shape", is_flag=True, default=None, help="Do not join Arabic letters.")
@click.option(
    "--bidi-marks",
    type=click.Choice(["show", "hide"]),
    help="show (default): draw a mark where a bidi embedding, override or isolate starts "
    "and ends (text that reorders itself); hide: apply them without marks.",
)
@click.pass_context
def cli(
    ctx: click.Context,
    db_path: Path | None,
    annotator: str | None,
    schema_path: Path | None,
    config_path: Path | None,
    bidi: str | None,
    no_shape: bool | None,
    bidi_marks: str | None,
) -> None:
    """Hashiya (حاشية): read and annotate Arabic news in the terminal.

    With no command, opens the app on the database (importing the bundled
    sample articles the first time).

    Example: hashiya --annotator sara
    """
    try:
        settings = load_settings(
            config_path,
            db_path=db_path,
            annotator=annotator,
            schema_path=schema_path,
            bidi=bidi,
            shape=None if no_shape is None else not no_shape,
            bidi_marks=bidi_marks,
        )
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    ctx.obj = settings
    if ctx.invoked_subcommand is None:
        from tui.app import run_app  # the only place the CLI imports Textual

        try:
            run_app(settings)
        except (StoreError, SchemaError) as exc:
            raise click.ClickException(str(exc)) from None


def settings_of(ctx: click.Context) -> Settings:
    """The resolved settings of the group, for subcommands."""
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def open_store(ctx: click.Context) -> Store:
    """The database of the settings, opened (and migrated); closed when the command ends."""
    settings = settings_of(ctx)
    try:
        store = Store(settings.db_path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    ctx.call_on_close(store.close)
    return store


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr, or None when stderr is not a terminal (scripts, CI)."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=max(total, 1), label=label, file=sys.stderr) as bar:
        yield bar.update


def load_label_schema(ctx: click.Context) -> LabelSchema:
    """The label schema in effect (--schema, config, or the bundled one), or a one-line error."""
    try:
        return load_schema_or_default(settings_of(ctx).schema_path)
    except SchemaError as exc:
        raise click.ClickException(str(exc)) from None


def for_terminal(ctx: click.Context, text: str) -> str:
    """Article text for one line of command output.

    On a terminal in `--bidi app` mode it is laid out (reordered, joined) like the app
    does it, so Arabic reads right in a terminal without bidi; in a pipe or in
    `--bidi terminal` mode it stays in logical order. Controls never pass raw.
    """
    settings = settings_of(ctx)
    if settings.bidi == "app" and sys.stdout.isatty():
        from annotations.layout import fit_line

        return fit_line(text, 10_000, bidi_marks=settings.bidi_marks).text
    from annotations.layout import terminal_safe

    return printable(terminal_safe(" ".join(text.split()), settings.bidi_marks))
