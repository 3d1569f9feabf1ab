"""Child processes of tests: writers forked from the test (no interpreter start-up, so a
hundred kills take seconds), and work for spawned processes (importable without pytest).

The test process must hold no connection while it forks, as SQLite requires.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotations.models import Passage
from annotations.store import Store

TEXT = "نص مشترك بين فريق من المشرحين يعملون في الوقت نفسه على الخادم نفسه.\n"


def open_together(paths: list[str], barrier: Any, results: Any) -> None:
    """One of several processes: open each database the moment all the others do.

    Reports "ok" or the failure, per database, on `results`.
    """
    for path in paths:
        barrier.wait(timeout=60)
        try:
            Store(path).close()
        except Exception as exc:
            results.put(f"{path}: {type(exc).__name__}: {exc}")
        else:
            results.put("ok")


def passage(article_id: str, who: str, i: int) -> Passage:
    start = i % (len(TEXT) - 6)
    return Passage(
        id=f"{who}-{i}",
        article_id=article_id,
        start=start,
        end=start + 4,
        text=TEXT[start : start + 4],
        annotator=who,
        created_at="t",
        updated_at="t",
    )


def fork(work: Callable[[Store, object], None], db: Path) -> tuple[int, object]:
    """A child process running `work(store, report)`; returns its pid and the read end
    of the pipe on which it reports, one line at a time, what it has committed."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_fd)
        status = 0
        try:
            with os.fdopen(write_fd, "w", buffering=1) as report:
                work(Store(db), report)
        except BaseException as exc:
            os.write(2, f"writer failed: {type(exc).__name__}: {exc}\n".encode())
            status = 1
        os._exit(status)
    os.close(write_fd)
    return pid, os.fdopen(read_fd, "r")
