"""Real database faults for tests: a full disk, read-only files and folders, a held lock.

- A full disk: `PRAGMA max_page_count` set to the database's size makes SQLite's pager
  refuse every new page with SQLITE_FULL, the code a full file system gives (checked by
  hand on a full tmpfs: the same message). Growth needs a change larger than the free
  space in existing pages, so the tests save long passages or articles (over a page).
- Read-only: chmod, and for a test run as root, the process that must be refused runs
  without CAP_DAC_OVERRIDE (dropped from its capability bounding set), so the kernel
  applies the file modes to it as it does to any user.
"""

from __future__ import annotations

import ctypes
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from annotations.store import Store

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER = 1, 2, 3


def fill_disk(conn: sqlite3.Connection) -> None:
    """From now on this connection cannot make the database grow by a single page."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    conn.execute(f"PRAGMA max_page_count = {pages}")


def free_disk(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA max_page_count = 4294967294")


def fill_every_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Store opened from now on in this test finds the disk full (in-process CLI)."""
    real = Store.__init__

    def opened_full(self: Store, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        fill_disk(self.conn)

    monkeypatch.setattr(Store, "__init__", opened_full)


def _drop_root_overrides() -> None:
    """In the child, before exec: no capability lets root ignore file modes."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def as_a_user() -> Callable[[], None] | None:
    """`preexec_fn` for a subprocess that file modes must bind (None when not root)."""
    return _drop_root_overrides if os.geteuid() == 0 else None


def run_unprivileged(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a command to which chmod applies, root or not; text output captured."""
    return subprocess.run(
        args, preexec_fn=as_a_user(), capture_output=True, text=True, timeout=60, **kwargs
    )


def python_unprivileged(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_unprivileged([sys.executable, "-c", code, *args])


def hashiya_unprivileged(*args: str, env: dict[str, str] | None = None) -> Any:
    """The real `hashiya` binary, to which chmod applies."""
    binary = str(Path(sys.executable).parent / "hashiya")
    return run_unprivileged([binary, *args], env={**os.environ, **(env or {})})


@contextmanager
def write_lock_held(path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's writer: holds the write lock on the database until the block ends."""
    other = sqlite3.connect(str(path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield other
    finally:
        other.execute("ROLLBACK")
        other.close()
