"""Driving the real `hashiya` binary in tmux, as a person at a terminal would."""

from __future__ import annotations

import os
import shutil
import signal
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
        exports = " ".join(f"{k}={quote(v)}" for k, v in env.items())
        shell = f"env {exports} " + " ".join(quote(c) for c in command)
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

    def wait_for(self, found: Callable[[list[str]], bool], timeout: float = 90.0) -> list[str]:
        """Capture the pane until `found(lines)`; the timeout only stops a hung test
        (a busy machine may take long to start Python)."""
        deadline = time.monotonic() + timeout
        lines = self.screen()
        while not found(lines):
            if time.monotonic() > deadline:
                raise AssertionError("screen never showed what was expected:\n" + "\n".join(lines))
            time.sleep(0.1)
            lines = self.screen()
        return lines

    def wait_for_text(self, text: str, timeout: float = 90.0) -> list[str]:
        return self.wait_for(lambda lines: any(text in line for line in lines), timeout)

    def pid(self) -> int:
        return int(self._tmux("display", "-p", "-t", self.name, "#{pane_pid}").strip())

    def app_pid(self) -> int:
        """The program's own process: the pane's shell may not have exec'd it."""
        pid = self.pid()
        while True:
            children = Path(f"/proc/{pid}/task/{pid}/children")
            found = children.read_text().split() if children.exists() else []
            if not found:
                return pid
            pid = int(found[0])

    def kill(self, sig: int = signal.SIGKILL, timeout: float = 90.0) -> None:
        """Send `sig` to the program and wait until its process is gone."""
        pid = self.app_pid()
        os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while _alive(pid):
            if time.monotonic() > deadline:
                raise AssertionError(f"process {pid} still running after signal {sig}")
            time.sleep(0.05)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie has finished: its state is Z)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def quote(value: str) -> str:
    """`value` as one word for sh."""
    return "'" + value.replace("'", "'\\''") + "'"


def terminal_env(home: Path) -> dict[str, str]:
    """The environment of a fresh user at a UTF-8 terminal: config and data under `home`."""
    return {
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }


def hashiya_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "hashiya"), *args]
