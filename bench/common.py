"""What every benchmark shares: a row of the table, timers of wall and CPU time."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
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
    cpu: float | None = None  # CPU seconds of the measured work (user + system)
    wall: float | None = None  # wall seconds of the same work


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds
    cpu: float  # seconds of CPU (user + system), this process and its waited-for children


def _cpu_now() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def timer() -> Iterator[Callable[[], float]]:
    """`with timer() as elapsed: ...; elapsed()` gives wall seconds."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())


@contextmanager
def timing() -> Iterator[Callable[[], Timing]]:
    """`with timing() as took: ...; took()` gives wall and CPU seconds of the block.

    CPU time includes child processes that were waited for, and other threads of this
    process: on a shared machine it is the steadier figure (wall time can be several
    times CPU time when other work runs)."""
    wall0, cpu0 = time.perf_counter(), _cpu_now()
    done: list[Timing] = []
    yield lambda: done[0] if done else Timing(time.perf_counter() - wall0, _cpu_now() - cpu0)
    done.append(Timing(time.perf_counter() - wall0, _cpu_now() - cpu0))


def best_of(n: int, fn: Callable[[], object]) -> float:
    """The fastest of n runs of fn, in wall seconds (the least disturbed by the machine)."""
    return best_timing(n, fn).wall


def best_timing(n: int, fn: Callable[[], object]) -> Timing:
    """The run of fn with the least CPU time out of n, with its wall time."""
    best: Timing | None = None
    for _ in range(n):
        with timing() as took:
            fn()
        if best is None or took().cpu < best.cpu:
            best = took()
    assert best is not None
    return best


def process_timing(args: Sequence[str], repeat: int = 5) -> Timing:
    """The least CPU time of `repeat` runs of a command, with its wall time."""
    return best_timing(repeat, lambda: subprocess.run(args, check=True, capture_output=True))


@dataclass(frozen=True)
class ProcessRun:
    wall: float  # seconds
    cpu: float  # seconds of CPU (user + system) of the process
    peak_mib: float  # its peak resident memory (ru_maxrss)


# Runs a command and prints its CPU seconds and peak memory (KiB). A small process of its
# own, because a child's ru_maxrss starts from its parent's size at fork (the bench's).
_MEASURE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def process_run(args: Sequence[str], env: Mapping[str, str] | None = None) -> ProcessRun:
    """Run a command (output discarded) and measure it alone: its CPU time and peak
    memory (the floor of this measure is a bare interpreter's, about 10 MiB)."""
    with timer() as elapsed:
        out = subprocess.run(
            [sys.executable, "-c", _MEASURE, *args],
            check=True,
            capture_output=True,
            text=True,
            env=None if env is None else dict(env),
        )
    cpu, peak_kib = out.stdout.split()
    return ProcessRun(elapsed(), float(cpu), int(peak_kib) / 1024)


def least_of(n: int, run: Callable[[], ProcessRun]) -> ProcessRun:
    """The run with the least CPU time out of n (peak memory: the least too)."""
    runs = [run() for _ in range(n)]
    best = min(runs, key=lambda r: r.cpu)
    return ProcessRun(best.wall, best.cpu, min(r.peak_mib for r in runs))


def compiled_env(cache: str) -> dict[str, str]:
    """This environment with bytecode caching on, into `cache`: start-up as an installed
    Hashiya has it (pip compiles the package), even where PYTHONDONTWRITEBYTECODE is set."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env
