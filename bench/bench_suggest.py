"""Suggesting over the seeds (`Suggesters.suggest`, every built-in source): articles per
second of CPU, against normalising the same text alone (search's `normalize`, the first
step every suggester takes) in the same run. The seeds are repeated to 500 articles
(100 with --quick)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotations.articles import make_article
from annotations.schema import default_schema
from annotations.search.normalize import normalize
from annotations.suggest import Suggesters
from bench.common import Row, best_timing

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def run(quick: bool) -> Iterator[Row]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    n = 100 if quick else 500
    articles = [make_article(texts[i % len(texts)], id=f"seed{i}") for i in range(n)]
    suggesters = Suggesters(default_schema())
    found = [0]

    def suggest_all() -> None:
        found[0] = sum(len(suggesters.suggest(a)) for a in articles)

    def normalise_all() -> None:
        for a in articles:
            normalize(a.text)

    base = best_timing(3, normalise_all)
    took = best_timing(3, suggest_all)
    rate = n / took.cpu
    base_rate = n / base.cpu
    yield Row(
        f"suggest {n} seed articles (all built-in, {found[0] // n} each)",
        rate,
        "articles/s",
        baseline="normalize() alone, same articles",
        ratio=rate / base_rate,
        cpu=took.cpu,
        wall=took.wall,
    )
