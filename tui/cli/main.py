"""The `hashiya` click group and the options every command shares."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from annotations import __version__

if TYPE_CHECKING:  # the core loads when a command runs, not for --version or -h
    from annotations.config import Settings
    from annotations.schema import LabelSchema
    from annotations.store import Store

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

# command name -> the module of tui.cli that defines it (with @cli.command)
COMMANDS: dict[str, str] = {
    "import": "corpus",
    "list": "corpus",
    "cat": "read",
    "schema": "labels",
    "doctor": "labels",
    "export": "dataset",
    "import-annotations": "dataset",
    "agreement": "review",
    "review": "review",
    "search": "search",
    "index": "search",
    "serve": "serve",
    "suggest": "suggest",
}


@contextmanager
def _printable_errors() -> Iterator[None]:
    """Error messages name files, ids and values from data: show them with pictures."""
    try:
        yield
    except click.ClickException as exc:
        from annotations.text import printable

        exc.message = printable(exc.message, lines=True)  # type: ignore[misc]  # Final in stubs only
        raise


class LazyGroup(click.Group):
    """A group whose commands are imported the first time they are asked for, and whose
    errors, every command's, go through `printable` (database faults included)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"tui.cli.{COMMANDS[cmd_name]}")
        return self.commands.get(cmd_name)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _printable_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _printable_errors():
            try:
                return super().invoke(ctx)
            except Exception as exc:
                from annotations.faults import StoreError

                if isinstance(exc, StoreError):  # a fault no command caught: one line, exit 1
                    raise click.ClickException(str(exc)) from None
                raise


def say(message: str, *, err: bool = False, lines: bool = False) -> None:
    """One line of plain output (several with `lines`): strings from data in it are shown
    with control and bidi pictures, never raw."""
    from annotations.text import printable

    click.echo(printable(message, lines=lines), err=err)


def say_json(value: Any, *, indent: int | None = None) -> None:
    """`--json` output: controls and bidi controls in strings escaped as \\uXXXX."""
    from annotations.text import printable_json

    click.echo(printable_json(value, indent=indent))


def check_names(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """An option's names (`--annotator`): rejected if a terminal would act on them."""
    from annotations.text import check_name

    for name in (value,) if isinstance(value, str) else value or ():
        reason = check_name(name)
        if reason is not None:
            raise click.BadParameter(reason, ctx=ctx, param=param)
    return value


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS, invoke_without_command=True)
@click.version_option(__version__, "--version", prog_name="hashiya")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="HASHIYA_DB",
    help="SQLite database file (default: in your data directory; env HASHIYA_DB).",
)
@click.option(
    "--annotator",
    callback=check_names,
    help="Your annotator name (env HASHIYA_ANNOTATOR; default: OS user).",
)
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
    "--labels",
    type=click.Choice(["ar", "en"]),
    help="Which name of a label value comes first in the app (default en; config: labels).",
)
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
    labels: str | None,
    bidi_marks: str | None,
) -> None:
    """Hashiya (حاشية): read and annotate Arabic news in the terminal.

    With no command, opens the app on the database (importing the bundled
    sample articles the first time).

    Example: hashiya --annotator sara
    """
    if ctx.invoked_subcommand is None:
        from tui.startup import hold_collection

        hold_collection()  # until the app's first frame
    from annotations.config import ConfigError, load_settings

    try:
        settings = load_settings(
            config_path,
            db_path=db_path,
            annotator=annotator,
            schema_path=schema_path,
            bidi=bidi,
            shape=None if no_shape is None else not no_shape,
            labels=labels,
            bidi_marks=bidi_marks,
        )
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    ctx.obj = settings
    if ctx.invoked_subcommand is None:
        from annotations.store import StoreError
        from tui.app import run_app  # the only place the CLI imports Textual

        errors: tuple[type[Exception], ...] = (ConfigError, StoreError)
        if settings.schema_path is not None:  # only a given file can be bad (and needs YAML)
            from annotations.schema import SchemaError

            errors += (SchemaError,)
        try:
            run_app(settings)
        except errors as exc:
            raise click.ClickException(str(exc)) from None


def settings_of(ctx: click.Context) -> Settings:
    """The resolved settings of the group, for subcommands."""
    from annotations.config import Settings

    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def open_store(ctx: click.Context) -> Store:
    """The database of the settings, opened (and migrated); closed when the command ends."""
    from annotations.store import Store, StoreError

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
    from annotations.text import printable

    shown = printable(label)  # often a file name
    with click.progressbar(length=max(total, 1), label=shown, file=sys.stderr) as bar:
        yield bar.update


def load_label_schema(ctx: click.Context) -> LabelSchema:
    """The label schema in effect (--schema, config, or the bundled one), or a one-line error."""
    from annotations.schema import SchemaError, load_schema_or_default

    try:
        return load_schema_or_default(settings_of(ctx).schema_path)
    except SchemaError as exc:
        raise click.ClickException(str(exc)) from None


def laid_out(ctx: click.Context) -> bool:
    """True when output is laid out like the app does it (reordered, joined).

    That is on a terminal in `--bidi app` mode, so Arabic reads right in a terminal
    without bidi; in a pipe or in `--bidi terminal` mode text stays in logical order.
    """
    return settings_of(ctx).bidi == "app" and sys.stdout.isatty()


def for_terminal(ctx: click.Context, text: str) -> str:
    """Article text for one line of command output (controls never pass raw)."""
    from annotations.layout.draw import cut_logical, draw

    flat = " ".join(text.split())
    if laid_out(ctx):
        return draw(flat, shape=settings_of(ctx).shape).text
    return cut_logical(flat)


def print_table(
    ctx: click.Context,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Collection[int] = (),
) -> None:
    """Plain-text columns (`annotations.layout.draw.table`): every cell drawn, padded by
    terminal cells, so Arabic columns line up."""
    from annotations.layout.draw import table
    from tui.terminal import explicit_bidi

    logical = not laid_out(ctx)
    lines = table(headers, rows, right=right, shape=settings_of(ctx).shape, logical=logical)
    with explicit_bidi(not logical):
        click.echo("\n".join(lines))
