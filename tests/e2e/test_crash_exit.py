"""A crash of the real app in a terminal exits non-zero (Textual prints the traceback)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.support.tmux import Tmux, terminal_env

pytestmark = pytest.mark.e2e

# The real entry point, with one action broken: an unexpected error, as a bug would be.
CRASHING = """
import sys
from tui.app import HashiyaApp
def broken(self):
    raise RuntimeError("an unexpected bug")
HashiyaApp.action_help = broken
from tui.cli import main
sys.argv[0] = "hashiya"
main()
"""


def wait_for_file(path: Path, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists() or not path.read_text().endswith("\n"):
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} never appeared")
        time.sleep(0.05)
    return path.read_text()


def test_a_crash_in_the_app_exits_non_zero(tmp_path: Path) -> None:
    status = tmp_path / "status"
    env = terminal_env(tmp_path)
    app = f"{sys.executable} -c '{CRASHING}' --db {tmp_path / 'h.db'} --annotator sara"
    tmux = Tmux(["sh", "-c", f"{app}; echo $? > {status}; sleep 60"], 100, 30, env)
    try:
        tmux.wait_for(lambda lines: any("chars" in line for line in lines))
        tmux.send("?")
        assert wait_for_file(status) == "1\n"
        screen = tmux.wait_for(lambda lines: any("an unexpected bug" in line for line in lines))
        assert any("RuntimeError" in line for line in screen)
    finally:
        tmux.close()
