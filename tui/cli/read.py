"""Command: `hashiya cat` (an article laid out for a terminal without bidi)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from annotations.layout import iter_plain
from annotations.store import StoreError
from annotations.text import TextError, decode, normalize, paragraph_spans
from tui.cli.main import cli, open_store, settings_of
from tui.terminal import explicit_bidi


def _terminal_width() -> int:
    if sys.stdout.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return 80


@cli.command("cat")
@click.argument("article")
@click.option(
    "--width", type=click.IntRange(min=1), help="Columns (default: the terminal's, else 80)."
)
@click.option(
    "--no-shape", "no_shape", is_flag=True, default=None, help="Do not join Arabic letters."
)
@click.option(
    "--direction",
    type=click.Choice(["auto", "rtl", "ltr"]),
    default="auto",
    show_default=True,
    help="Force every paragraph's direction (auto: each paragraph's first strong letter).",
)
@click.option(
    "--bidi",
    type=click.Choice(["app", "terminal"]),
    help="app: Hashiya reorders (default); terminal: print wrapped logical lines for a "
    "terminal that does bidi itself (mlterm, Konsole with bidi on).",
)
@click.option(
    "--bidi-marks",
    type=click.Choice(["show", "hide"]),
    help="show (default): a mark where a bidi embedding, override or isolate starts and "
    "ends; hide: apply them without marks.",
)
@click.pass_context
def cat_command(
    ctx: click.Context,
    article: str,
    width: int | None,
    no_shape: bool | None,
    direction: str,
    bidi: str | None,
    bidi_marks: str | None,
) -> None:
    """Print an article laid out right-to-left, as plain text, and nothing else.

    ARTICLE is an article id (or a unique prefix) from the database, or a text
    file. Right-to-left lines end exactly at column WIDTH; paragraphs are separated
    by one empty line. The way to read an Arabic file in a terminal that cannot, and
    to check the layout by eye.

    Example: hashiya cat e731f898 --width 60
    """
    settings = settings_of(ctx)
    path = Path(article)
    if path.is_file():
        try:
            text = normalize(decode(path.read_bytes()))
        except (TextError, OSError) as exc:
            raise click.ClickException(f"{article}: {exc}") from None
        paragraphs = paragraph_spans(text)
    else:
        store = open_store(ctx)
        try:
            found = store.get_article(article)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None
        if found is None:
            raise click.ClickException(f"{article}: no such file, nor an article with that id")
        text, paragraphs = found.text, found.paragraphs
    mode = bidi or settings.bidi
    shape = settings.shape if no_shape is None else not no_shape
    marks = settings.bidi_marks if bidi_marks is None else bidi_marks == "show"
    lines = iter_plain(text, paragraphs, width or _terminal_width(), direction, shape, mode, marks)
    # A terminal that reorders by itself (VTE) must not reorder our lines again.
    with explicit_bidi(mode == "app"):
        # Line by line: a huge paragraph is printed as it is laid out.
        for line in lines:
            click.echo(line)
