"""Benchmarks: `make bench` (python -m bench) prints one table of figures.

Each `bench/bench_*.py` module defines `run(quick: bool) -> list[Row]`.
Figures are printed, never asserted: speed never fails the test run.
"""
