"""Driving the real `hashiya` binary in tmux, as a person at a terminal would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path


class Tmux:
    """One detached tmux session running a command at a fixed size."""

    def __init__(self, command: list[str], width: int, height: int, env: dict[str, str]) -> None:
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux is not installed (apt-get install tmux; .ci/run does it)")
        self.name = f"hashiya-{uuid.uuid4().hex[:8]}"
        self.socket = f"hashiya-test-{os.getpid()}-{self.name}"
        exports = " ".join(f"{k}={_quote(v)}" for k, v in env.items())
        shell = f"env {exports} " + " ".join(_quote(c) for c in command)
        self._tmux("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), shell)

    def _tmux(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"tmux {args[0]} failed: {out.stderr.strip()}")
        return out.stdout

    def send(self, *keys: str, gap: float = 0.1) -> None:
        """Send tmux key names one at a time, `gap` seconds apart (a fast typist)."""
        for key in keys:
            self._tmux("send-keys", "-t", self.name, key)
            time.sleep(gap)

    def type(self, text: str) -> None:
        """Send `text` as typed characters (no key names), all at once."""
        self._tmux("send-keys", "-t", self.name, "-l", text)

    def screen(self) -> list[str]:
        return self._tmux("capture-pane", "-p", "-t", self.name).split("\n")

    def wait_for(self, found: Callable[[list[str]], bool], timeout: float = 15.0) -> list[str]:
        deadline = time.monotonic() + timeout
        lines = self.screen()
        while not found(lines):
            if time.monotonic() > deadline:
                raise AssertionError("screen never showed what was expected:\n" + "\n".join(lines))
            time.sleep(0.1)
            lines = self.screen()
        return lines

    def pid(self) -> int:
        return int(self._tmux("display", "-p", "-t", self.name, "#{pane_pid}").strip())

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def hashiya_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "hashiya"), *args]
