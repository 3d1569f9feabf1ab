"""Commands: labels."""

from __future__ import annotations

from tui.cli.main import cli  # noqa: F401
