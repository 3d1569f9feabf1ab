"""The core never imports Textual or Rich, and no CLI command but the app does."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import annotations


def _core_modules() -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages(annotations.__path__, prefix="annotations.")
        if not m.name.startswith("annotations.seeds.")
    ]


def test_core_modules_exist() -> None:
    names = _core_modules()
    assert "annotations.store" in names
    assert "annotations.importer" in names


def test_annotations_never_imports_textual_or_rich() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {_core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_cli_without_the_app_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tui.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--version'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(any(m.split('.')[0] == 'textual' for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_version_loads_no_command_and_nothing_of_the_core() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['hashiya', '--version']\n"
        "from tui.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('annotations.', 'tui.cli.'))\n"
        "    or m.split('.')[0] in ('yaml', 'sqlite3', 'sqlite_utils', 'urllib', 'http'))\n"
        "# pathlib needs urllib.parse; urllib.request and http.client must not load\n"
        "print(','.join(m for m in loaded if m not in ('tui.cli.main', 'urllib', 'urllib.parse')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == ""


def test_every_command_is_found_where_the_registry_says() -> None:
    from tui.cli.main import COMMANDS, cli

    names = set(cli.list_commands(None))  # type: ignore[arg-type]
    assert names == set(COMMANDS)
    for name in sorted(names):
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.name == name
    assert set(cli.commands) == names  # no module defines a command the registry lacks
