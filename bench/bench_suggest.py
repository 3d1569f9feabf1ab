"""Suggesting (`Suggesters.suggest`, every built-in source) over 10,000 synthetic articles
made from the seeds (1,000 with --quick): articles per second of CPU, against
normalising the same texts alone (search's `normalize`, the first step every suggester
takes) in the same run. Then how good they are: precision, recall and F1 of each
built-in suggester on the hand-labelled reference set (tests/data/suggest-reference.yaml,
exact spans and actors; docs/suggestions.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotations.articles import make_article
from annotations.schema import default_schema
from annotations.search.normalize import normalize
from annotations.seeds import seed_articles
from annotations.suggest import Suggesters
from annotations.suggest.evaluate import evaluate, load_reference
from bench.common import Row, best_timing
from bench.synthetic import synthetic_texts

REFERENCE = Path(__file__).resolve().parent.parent / "tests" / "data" / "suggest-reference.yaml"


def run(quick: bool) -> Iterator[Row]:
    n = 1_000 if quick else 10_000
    articles = [make_article(text, id=f"a{i}") for i, text in enumerate(synthetic_texts(n))]
    schema = default_schema()
    suggesters = Suggesters(schema)
    found = [0]

    def suggest_all() -> None:
        found[0] = sum(len(suggesters.suggest(a)) for a in articles)

    def normalise_all() -> None:
        for a in articles:
            normalize(a.text)

    base = best_timing(1 if n > 1_000 else 3, normalise_all)
    took = best_timing(1, suggest_all)
    rate = n / took.cpu
    yield Row(
        f"suggest {n:,} articles (all built-in, {found[0] / n:.0f} each)",
        rate,
        "articles/s",
        baseline="normalize() alone, same articles",
        ratio=rate / (n / base.cpu),
        cpu=took.cpu,
        wall=took.wall,
    )
    texts = {a.id: a for a in seed_articles()}
    reference = load_reference(
        str(REFERENCE),
        REFERENCE.read_text(encoding="utf-8"),
        lambda i: texts[i].text if i in texts else None,
        schema,
    )
    chosen = [texts[i] for i in reference.article_ids]
    for figures in evaluate(
        suggesters.suggest, chosen, reference, ("actors", "cues", "quotes"), schema
    ):
        p, r, f1 = figures.precision or 0.0, figures.recall or 0.0, figures.f1 or 0.0
        overlap = figures.overlap_f1 or 0.0
        yield Row(
            f"reference set: {figures.source} vs {'+'.join(figures.against)} (F1, exact)",
            100 * f1,
            "% F1",
            baseline=f"P {100 * p:.1f} R {100 * r:.1f} ({figures.found}/{figures.reference});"
            f" overlap F1 {100 * overlap:.1f}",
        )
