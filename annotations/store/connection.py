"""The store's connection: opening (WAL, busy timeout, foreign keys), migrations run
under the write lock, transactions retried while busy. Every sqlite3 error on it is a
`StoreError` in words (annotations/faults.py).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from annotations.faults import StoreError, connect
from annotations.store import migrations
from annotations.text import printable

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 30_000


class StoreCore:
    """The open connection: opening, migrating, transactions. The query modules add the rest."""

    def __init__(self, path: Path | str, *, busy_timeout: float = BUSY_TIMEOUT_MS / 1000) -> None:
        """Open (creating if need be) and migrate; `busy_timeout`: seconds to wait for a
        write lock another process holds before giving up with "database busy"."""
        self.path = Path(path) if str(path) != ":memory:" else Path(":memory:")
        self.busy_timeout = busy_timeout
        if str(self.path) != ":memory:":
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                folder = printable(str(self.path.parent))
                raise StoreError(f"{folder}: cannot create the folder ({exc.strerror})") from None
        conn = connect(self.path, busy_timeout)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            # Switching a new file to WAL can be refused at once while another process
            # opens it too (SQLite's deadlock rule does not wait): retried like BEGIN.
            self._while_busy(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self.conn = conn
            self._depth = 0
            self.migrate()
        except BaseException:
            conn.close()
            raise

    # -- lifecycle -------------------------------------------------------------------

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils on the same connection, for ad-hoc queries and inspection.

        Imported on first use: it costs a fifth of a second at start-up.
        """
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def _dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def data_version(self) -> int:
        """A number that changes when another connection commits (`PRAGMA data_version`).

        Cheap enough to ask every second: it reads no table. This connection's own
        commits do not change it, so a screen is not refreshed by its own saves.
        """
        try:
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot check for changes ({exc})") from None

    def integrity_check(self) -> str:
        """SQLite's own check of the file: "ok", or what is wrong."""
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])

    def migrate(self) -> None:
        """Apply the migrations this database has not had, each in its own transaction.

        The version is read again inside the write lock: processes started together on
        a new database each find the migrations the others have not applied yet.
        """
        latest = len(migrations.MIGRATIONS)
        while (current := self.version) < latest:
            with self.transaction():
                if self.version != current:
                    continue  # another process migrated meanwhile: look again
                number = current + 1
                try:
                    migrations.apply(self.conn, migrations.MIGRATIONS[current])
                    self.conn.execute(f"PRAGMA user_version = {number}")
                except StoreError as exc:
                    raise StoreError(f"migration {number} failed: {exc}", exc.kind) from exc
        if current > latest:
            raise StoreError(
                f"{printable(str(self.path))}: database version {current} is newer than"
                f" this Hashiya ({latest}); upgrade Hashiya"
            )

    @contextmanager
    def page_cache(self, kib: int) -> Iterator[None]:
        """A larger SQLite page cache for a bulk job, the previous size restored after."""
        before = int(self.conn.execute("PRAGMA cache_size").fetchone()[0])
        self.conn.execute(f"PRAGMA cache_size = {-abs(kib)}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {before}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE), retried while the database is busy.

        Nested calls join the outer transaction. Everything inside commits or nothing does.
        """
        if self._depth:
            if not self.conn.in_transaction:
                raise self._rolled_back()
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self._while_busy(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        self._depth = 1
        try:
            yield self.conn
            if not self.conn.in_transaction:
                raise self._rolled_back()
            self.conn.execute("COMMIT")
        except BaseException:
            # After disk full or I/O errors SQLite may have rolled back already.
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except StoreError:
                    pass  # the first error is the one worth reporting
            raise
        finally:
            self._depth = 0

    def _while_busy(self, step: Callable[[], object]) -> None:
        """Run `step`, again while it fails with "busy", until the busy timeout has passed.

        SQLite waits out the timeout itself, except where waiting could deadlock: there
        it says "busy" at once, and the step is retried here.
        """
        delay = 0.01
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                step()
                return
            except StoreError as exc:
                if exc.kind != "busy" or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.25)

    def _rolled_back(self) -> StoreError:
        # SQLite rolled the transaction back on an error (disk full, I/O) that the code
        # inside caught: nothing more may run in it, or commit.
        return StoreError(
            f"{printable(str(self.path))}: the change was rolled back; nothing was saved"
        )
