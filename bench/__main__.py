"""`python -m bench [--quick] [NAME...]`: run the benchmarks and print one table."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from bench.common import Row


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


def print_table(rows: list[Row]) -> None:
    headers = ["benchmark", "figure", "unit", "ratio", "against", "goal", "met"]
    body = [
        [
            r.name,
            _fmt(r.figure),
            r.unit,
            "" if r.ratio is None else f"{r.ratio:.2f}x",
            r.baseline,
            r.goal,
            "" if r.met is None else ("yes" if r.met else "NO"),
        ]
        for r in rows
    ]
    widths = [
        max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(headers)
    ]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-" * len(line))
    for b in body:
        print("  ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    parser.add_argument(
        "names", nargs="*", help="run only benchmarks whose module name contains these"
    )
    args = parser.parse_args()
    rows: list[Row] = []
    for name in _modules(args.names):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        module = importlib.import_module(f"bench.{name}")
        rows.extend(module.run(quick=args.quick))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
