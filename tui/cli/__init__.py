"""The `hashiya` command line: a thin click layer over `annotations`.

Commands load lazily: `COMMANDS` says which module defines each, and a module is
imported only when its command runs (or `-h` lists them all), so `hashiya --version`
imports click and nothing of the core. Commands that need no UI never import Textual:
only the default command (the app) imports `tui.app`, inside the function that starts it.
"""

from __future__ import annotations

from tui.cli.main import cli


def main() -> None:
    cli(prog_name="hashiya")


__all__ = ["cli", "main"]
