"""What every benchmark shares: a row of the table and a timer."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Row:
    name: str  # what was measured, e.g. "import 10,000 articles (JSONL)"
    figure: float
    unit: str  # e.g. "articles/s", "ms"
    baseline: str = ""  # what the ratio is against, measured in the same run
    ratio: float | None = None  # figure / baseline figure (or baseline/figure for times)
    goal: str = ""  # e.g. ">= 25% of baseline", "< 50 ms"
    met: bool | None = None


@contextmanager
def timer() -> Iterator[Callable[[], float]]:
    """`with timer() as elapsed: ...; elapsed()` gives seconds."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())


def best_of(n: int, fn: Callable[[], object]) -> float:
    """The fastest of n runs of fn, in seconds (the least disturbed by the machine)."""
    best = float("inf")
    for _ in range(n):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
