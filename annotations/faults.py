"""Database faults in words: the store's one error, and the connection that raises it.

Every `sqlite3.Error` raised by a statement on the store's connection (executing, or
fetching rows) becomes a `StoreError` whose message says what happened: disk full,
read-only database, read-only folder, busy past the timeout, corrupt file. The CLI
and the app print that message as one line; nothing above the store sees sqlite3.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any

from annotations.text import printable

# SQLite's primary result codes (the low byte of the extended code).
_PERM, _BUSY, _LOCKED, _NOMEM, _READONLY, _INTERRUPT, _IOERR = 3, 5, 6, 7, 8, 9, 10
_CORRUPT, _FULL, _CANTOPEN, _CONSTRAINT, _NOTADB = 11, 13, 14, 19, 26
_READONLY_DIRECTORY = _READONLY | (6 << 8)


class StoreError(RuntimeError):
    """A database problem worth one line to the user.

    `kind` names a fault for code that reacts to it (`full`, `readonly`,
    `readonly-folder`, `busy`, `corrupt`, `not-a-database`, `io`, `cantopen`,
    `constraint`, ...); it is empty for errors that are not faults.
    """

    def __init__(self, message: str, kind: str = "", *, reason: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.reason = message if reason is None else reason  # without the file name


def _fault(name: str, reason: str, kind: str) -> StoreError:
    return StoreError(f"{name}: {reason}", kind, reason=reason)


def _writable(path: Path) -> bool:
    # effective_ids: the permissions open(2) will apply (as root without
    # CAP_DAC_OVERRIDE, too).
    return os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids)


def _readonly_kind(path: Path) -> str:
    """Which of the two is read-only: the folder (no -wal/-shm files) or the file."""
    folder = path.parent
    if folder.exists() and not _writable(folder):
        return "readonly-folder"
    return "readonly"


def describe(exc: sqlite3.Error, path: Path, busy_timeout: float) -> StoreError:
    """The StoreError that says in words what `exc` means for the database at `path`."""
    name = printable(str(path))
    detail = printable(str(exc))
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    folder = printable(str(path.parent))
    if primary == _FULL:
        return _fault(name, "disk full: the database cannot grow; the change was not saved", "full")
    if primary in (_READONLY, _CANTOPEN, _PERM):
        kind = "readonly-folder" if code == _READONLY_DIRECTORY else _readonly_kind(path)
        if kind == "readonly-folder":
            return _fault(
                name,
                f"read-only folder: {folder} cannot be written (SQLite keeps"
                " its -wal and -shm files beside the database)",
                kind,
            )
        if path.exists() and not _writable(path):
            return _fault(name, "read-only database: the file cannot be written", kind)
        if primary == _CANTOPEN:
            return _fault(name, f"cannot open the database file ({detail})", "cantopen")
        return _fault(name, f"read-only database ({detail})", kind)
    if primary in (_BUSY, _LOCKED):
        return _fault(
            name,
            f"database busy: another process held it for more than {busy_timeout:g} s; try again",
            "busy",
        )
    if primary == _NOTADB:
        return _fault(
            name,
            "not a Hashiya database: the file is not SQLite, or is corrupt",
            "not-a-database",
        )
    if primary == _CORRUPT:
        return _fault(
            name,
            f"corrupt database: the file is damaged ({detail}); restore a backup",
            "corrupt",
        )
    if primary == _IOERR:
        return _fault(name, f"disk I/O error ({detail})", "io")
    if primary == _NOMEM:
        return _fault(name, "out of memory", "nomem")
    if primary == _INTERRUPT:
        return _fault(name, "interrupted", "interrupted")
    if primary == _CONSTRAINT:
        return _fault(name, f"refused by the database: {detail}", "constraint")
    return _fault(name, f"database error: {detail}", "error")


class FaultCursor(sqlite3.Cursor):
    """A cursor whose every sqlite3 error is a StoreError (fetching rows included)."""

    connection: FaultConnection

    def _fault(self, exc: sqlite3.Error) -> StoreError:
        return self.connection.fault(exc)

    def execute(self, sql: str, parameters: Any = (), /) -> FaultCursor:
        try:
            super().execute(sql, parameters)
        except sqlite3.Error as exc:
            raise self._fault(exc) from exc
        return self

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> FaultCursor:
        try:
            super().executemany(sql, seq_of_parameters)
        except sqlite3.Error as exc:
            raise self._fault(exc) from exc
        return self

    def executescript(self, sql_script: str, /) -> FaultCursor:
        try:
            super().executescript(sql_script)
        except sqlite3.Error as exc:
            raise self._fault(exc) from exc
        return self

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.Error as exc:
            raise self._fault(exc) from exc

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        try:
            return super().fetchmany(size)
        except sqlite3.Error as exc:
            raise self._fault(exc) from exc

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.Error as exc:
            raise self._fault(exc) from exc

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.Error as exc:
            raise self._fault(exc) from exc


class FaultConnection(sqlite3.Connection):
    """The store's connection: statements run on FaultCursors."""

    path: Path
    busy_timeout: float

    def fault(self, exc: sqlite3.Error) -> StoreError:
        return describe(exc, self.path, self.busy_timeout)

    def cursor(self, factory: Any = None) -> Any:
        return super().cursor(factory or FaultCursor)

    def execute(self, sql: str, parameters: Any = (), /) -> FaultCursor:
        return FaultCursor(self).execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> FaultCursor:
        return FaultCursor(self).executemany(sql, parameters)

    def executescript(self, sql_script: str, /) -> FaultCursor:
        return FaultCursor(self).executescript(sql_script)

    def commit(self) -> None:
        try:
            super().commit()
        except sqlite3.Error as exc:
            raise self.fault(exc) from exc

    def rollback(self) -> None:
        try:
            super().rollback()
        except sqlite3.Error as exc:
            raise self.fault(exc) from exc


STREAM_ROWS = 1000


def stream(cursor: sqlite3.Cursor, size: int = STREAM_ROWS) -> Iterator[Any]:
    """A cursor's rows, fetched `size` at a time and flattened in C: iterating a
    FaultCursor row by row runs its Python `__next__` for every row, which cost a bulk
    export a third of its time. Errors are still StoreErrors (from `fetchmany`)."""
    return chain.from_iterable(iter(partial(cursor.fetchmany, size), []))


def connect(path: Path, busy_timeout: float) -> FaultConnection:
    """Open the database at `path` (autocommit: transactions are explicit)."""
    try:
        conn = sqlite3.connect(
            str(path), timeout=busy_timeout, isolation_level=None, factory=FaultConnection
        )
    except sqlite3.Error as exc:
        raise describe(exc, path, busy_timeout) from exc
    conn.path = path
    conn.busy_timeout = busy_timeout
    return conn
