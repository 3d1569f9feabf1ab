"""Driving the real `hashiya` binary in tmux, as a person at a terminal would."""

from __future__ import annotations

import os
import re
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

    def styled_screen(self) -> list[list[tuple[str, frozenset[str]]]]:
        """The pane's rows as (character, attributes) cells: the SGR attributes in
        force where it is drawn ("dim", "underline", "bold", "reverse", "italic", and
        the foreground colour as "fg=5;n" or "fg=2;r;g;b")."""
        raw = self._tmux("capture-pane", "-p", "-e", "-t", self.name).split("\n")
        return [_styled_cells(line) for line in raw]

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


_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_ATTRIBUTES = {"1": "bold", "2": "dim", "3": "italic", "4": "underline", "7": "reverse"}
_ENDS = {"21": ("bold", "dim"), "22": ("bold", "dim"), "23": ("italic",), "24": ("underline",)}
_ENDS["27"] = ("reverse",)


def _styled_cells(line: str) -> list[tuple[str, frozenset[str]]]:
    cells: list[tuple[str, frozenset[str]]] = []
    on: set[str] = set()
    at = 0
    for match in _SGR.finditer(line):
        cells.extend((ch, frozenset(on)) for ch in line[at : match.start()])
        at = match.end()
        codes = match.group(1).split(";") if match.group(1) else ["0"]
        k = 0
        while k < len(codes):
            code = codes[k].split(":")[0]  # 4:3 (curly) is an underline too
            if code in ("38", "48", "58"):  # a colour: 5;n or 2;r;g;b follow
                width = 3 if k + 1 < len(codes) and codes[k + 1] == "5" else 5
                if code == "38":
                    on.difference_update({a for a in on if a.startswith("fg=")})
                    on.add("fg=" + ";".join(codes[k + 1 : k + width]))
                k += width
                continue
            if code == "39":
                on.difference_update({a for a in on if a.startswith("fg=")})
            if code in ("0", ""):
                on.clear()
            elif code in _ATTRIBUTES:
                on.add(_ATTRIBUTES[code])
            elif code in _ENDS:
                on.difference_update(_ENDS[code])
            k += 1
    cells.extend((ch, frozenset(on)) for ch in line[at:])
    return cells


def brightness(attributes: frozenset[str]) -> float:
    """How light a cell's foreground colour is (0 black .. 255 white); -1 when the
    terminal's default colour is used."""
    colour = next((a[3:] for a in attributes if a.startswith("fg=")), None)
    if colour is None:
        return -1.0
    parts = [int(x) for x in colour.split(";")]
    if parts[0] == 2:
        r, g, b = parts[1:4]
    elif parts[1] >= 232:  # the grey ramp
        r = g = b = 8 + 10 * (parts[1] - 232)
    elif parts[1] >= 16:  # the 6x6x6 cube
        steps = (0, 95, 135, 175, 215, 255)
        n = parts[1] - 16
        r, g, b = steps[n // 36], steps[n // 6 % 6], steps[n % 6]
    else:  # the 16 system colours: light ones from 8 on
        r = g = b = 192 if parts[1] >= 8 or parts[1] == 7 else 96
    return 0.299 * r + 0.587 * g + 0.114 * b


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
