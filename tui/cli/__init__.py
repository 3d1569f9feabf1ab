"""The `hashiya` command line: a thin click layer over `annotations`.

Commands that need no UI never import Textual: only the default command (the app)
imports `tui.app`, inside the function that starts it.
"""

from __future__ import annotations

import importlib

from tui.cli.main import cli

# Each module adds its commands to `cli` when imported.
COMMAND_MODULES = ("corpus", "read", "labels", "dataset", "review", "search", "serve")
for _name in COMMAND_MODULES:
    importlib.import_module(f"tui.cli.{_name}")


def main() -> None:
    cli(prog_name="hashiya")


__all__ = ["cli", "main"]
