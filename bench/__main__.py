"""`python -m bench [--quick] [NAME...]`: run the benchmarks and print one table."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from bench.common import Row, Timing, timing

FULL_RUN_BUDGET_S = 600  # a full `make bench` should take no longer (wall)


def _modules(names: list[str]) -> list[str]:
    here = Path(__file__).parent
    found = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if names:
        found = [m for m in found if any(n in m for n in names)]
    return found


def _fmt(x: float) -> str:
    if x >= 1000:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def _ms(seconds: float | None) -> str:
    return "" if seconds is None else f"{_fmt(seconds * 1000)} ms"


# (header, width) of each column; rows are printed as they finish, so widths are fixed
COLUMNS = [
    ("benchmark", 56),
    ("figure", 10),
    ("unit", 11),
    ("CPU", 11),
    ("wall", 11),
    ("ratio", 7),
    ("against", 44),
    ("goal", 16),
    ("met", 3),
]


def _cells(row: Row) -> list[str]:
    return [
        row.name,
        _fmt(row.figure),
        row.unit,
        _ms(row.cpu),
        _ms(row.wall),
        "" if row.ratio is None else f"{row.ratio:.2f}x",
        row.baseline,
        row.goal,
        "" if row.met is None else ("yes" if row.met else "NO"),
    ]


def print_row(cells: list[str]) -> None:
    line = "  ".join(c.ljust(w) for c, (_, w) in zip(cells, COLUMNS, strict=True))
    print(line.rstrip(), flush=True)


def print_header() -> None:
    print_row([h for h, _ in COLUMNS])
    print("-" * (sum(w for _, w in COLUMNS) + 2 * (len(COLUMNS) - 1)), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    parser.add_argument(
        "names", nargs="*", help="run only benchmarks whose module name contains these"
    )
    args = parser.parse_args()
    print_header()
    with timing() as whole:
        for name in _modules(args.names):
            print(f"running {name} ...", file=sys.stderr, flush=True)
            module = importlib.import_module(f"bench.{name}")
            with timing() as took:
                for row in module.run(quick=args.quick):  # each row as it is measured
                    print_row(_cells(row))
            print(f"  {name}: {_took(took())}", file=sys.stderr, flush=True)
    # The whole run's time, beside the goal for it (a full run fits in the budget).
    print(f"whole run: {_took(whole())}", flush=True)
    if not args.quick and whole().wall > FULL_RUN_BUDGET_S:
        print(f"  over the {FULL_RUN_BUDGET_S // 60:.0f}-minute budget of a full run", flush=True)
    return 0


def _took(t: Timing) -> str:
    return f"{t.wall:,.0f} s wall, {t.cpu:,.0f} s CPU (this process and its children)"


if __name__ == "__main__":
    sys.exit(main())
