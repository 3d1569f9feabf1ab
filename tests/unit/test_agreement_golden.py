"""Every agreement figure, exactly as first computed, on seeded synthetic corpora.

The golden file holds the full JSON report (per article, confusion matrices) of two
corpora: one shaped like the benchmark's (three mostly agreeing annotators, some nested
passages) and one of small crowded articles with up to five annotators, repeated spans,
empty passages, overlapping passages of one annotator and empty attributes. A faster
implementation must give the same numbers to the last bit: floats are compared exactly.

Regenerate (only when a figure's definition changes on purpose):
    python -m tests.unit.test_agreement_golden
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from annotations.models import Passage
from annotations.review.agreement import compute_agreement, format_report

GOLDEN = Path(__file__).parents[1] / "data" / "golden" / "agreement_report.json"

ACTORS = ("gov", "army", "un", None)
STANCES = ("support", "oppose", "neutral", None)
CLAIMS = ("fact", "opinion", "quote", "O", None)


def _passage(
    rng: random.Random, article_id: str, name: str, n: int, start: int, end: int
) -> Passage:
    return Passage(
        id=f"{article_id}-{name}-{n:03d}-{rng.randrange(10**6):06d}",
        article_id=article_id,
        start=start,
        end=end,
        text="",
        annotator=name,
        actor=rng.choice(ACTORS),
        stance=rng.choice(STANCES),
        claim_type=rng.choice(CLAIMS),
    )


def agreeing_corpus(seed: int, n_articles: int) -> dict[str, list[Passage]]:
    """Three annotators copying a shared base with a few moves, drops and relabels."""
    rng = random.Random(seed)
    corpus: dict[str, list[Passage]] = {}
    for a in range(n_articles):
        article_id = f"agree-{a:03d}"
        slot = rng.randint(40, 200)
        base = []
        for k in range(rng.randint(3, 25)):
            start = k * slot + rng.randint(0, slot // 4)
            base.append((start, start + rng.randint(slot // 3, slot // 2), rng.random()))
        passages: list[Passage] = []
        for name in ("amal", "omar", "sara"):
            if rng.random() < 0.05:
                continue  # did not annotate this article
            for k, (start, end, flavour) in enumerate(base):
                roll = rng.random()
                if roll < 0.05:
                    continue
                if roll < 0.2:
                    start = max(k * slot, start + rng.randint(-8, 8))
                    end = max(start + 1, end + rng.randint(-8, 8))
                p = _passage(rng, article_id, name, len(passages), start, end)
                if flavour < 0.7 and rng.random() < 0.9:  # mostly the shared labels
                    labels = random.Random(f"{article_id}-{k}")
                    p = Passage(
                        p.id, p.article_id, p.start, p.end, "", name,
                        actor=labels.choice(ACTORS),
                        stance=labels.choice(STANCES),
                        claim_type=labels.choice(CLAIMS),
                    )  # fmt: skip
                passages.append(p)
                if rng.random() < 0.03:  # nested inside this one
                    passages.append(
                        _passage(rng, article_id, name, len(passages), start + 2, start + 9)
                    )
        corpus[article_id] = passages
    return corpus


def crowded_corpus(seed: int, n_articles: int) -> dict[str, list[Passage]]:
    """Short articles, up to five annotators, spans drawn from a small pool."""
    rng = random.Random(seed)
    corpus: dict[str, list[Passage]] = {}
    for a in range(n_articles):
        article_id = f"crowd-{a:03d}"
        length = rng.randint(20, 150)
        pool = []
        for _ in range(rng.randint(1, 8)):
            start = rng.randrange(0, length - 2)
            pool.append((start, rng.randint(start + 1, min(length, start + 50))))
        passages: list[Passage] = []
        for name in ("a", "b", "c", "d", "e")[: rng.randint(1, 5)]:
            if rng.random() < 0.15:
                continue
            for _ in range(rng.randint(0, 8)):
                start, end = rng.choice(pool)
                roll = rng.random()
                if roll < 0.25:
                    start = max(0, start + rng.randint(-6, 6))
                    end = max(start + 1, min(length, end + rng.randint(-6, 6)))
                elif roll < 0.3:
                    end = start - rng.randint(0, 2)  # covers nothing: left out, counted
                passages.append(_passage(rng, article_id, name, len(passages), start, end))
        corpus[article_id] = passages
    return corpus


def reports() -> dict[str, Any]:
    """Each corpus's full report, through JSON (tuples become lists) as it is stored."""
    out: dict[str, Any] = {}
    for name, corpus in (
        ("agreeing", agreeing_corpus(11, 40)),
        ("crowded", crowded_corpus(12, 80)),
    ):
        report = compute_agreement(corpus)
        out[name] = json.loads(json.dumps(report.to_json()))
        out[name + "_text"] = format_report(report, confusion=True, per_article=True)
    # Another annotator order, and a subset of the annotators.
    chosen = compute_agreement(crowded_corpus(12, 80), ["d", "b", "a"])
    out["crowded_dba"] = json.loads(json.dumps(chosen.to_json(per_article=False)))
    return out


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def current() -> dict[str, Any]:
    return reports()


@pytest.mark.parametrize("name", ["agreeing", "crowded", "crowded_dba"])
def test_every_figure_is_as_golden(
    golden: dict[str, Any], current: dict[str, Any], name: str
) -> None:
    want, got = golden[name], current[name]
    # Corpus figures first, for a readable failure; then every article.
    assert {k: v for k, v in got.items() if k != "articles"} == {
        k: v for k, v in want.items() if k != "articles"
    }
    assert len(got.get("articles", ())) == len(want.get("articles", ()))
    for mine, theirs in zip(got.get("articles", ()), want.get("articles", ()), strict=True):
        assert mine == theirs


@pytest.mark.parametrize("name", ["agreeing_text", "crowded_text"])
def test_text_report_is_as_golden(
    golden: dict[str, Any], current: dict[str, Any], name: str
) -> None:
    assert current[name] == golden[name]


def test_golden_corpora_exercise_the_hard_cases(current: dict[str, Any]) -> None:
    # The golden file is only a guard if its corpora reach every branch.
    crowded = current["crowded"]
    assert crowded["n_items"]["empty_passages"] > 0
    assert len(crowded["annotators"]) == 5
    assert any(len(a["annotators"]) >= 4 for a in crowded["articles"])
    agreeing = current["agreeing"]
    assert agreeing["n_items"]["passages"] > 1000
    assert all(p["kappa"]["actor"] is not None for p in agreeing["pairs"])


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(reports(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
