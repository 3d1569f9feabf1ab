"""Relation agreement over a synthetic corpus: 10,000 articles x 3 annotators x 3 relations.

Each article has three attribution frames in a shared base annotation: a content and its
source (`said_by`, with `quote` and `polarity`) twice, and a content with its reporting
verb (`cue`) once. Each annotator copies the base, then misses a frame, moves an end's
boundaries or changes a relation's labels now and then (seeded, so every run measures
the same corpus): 6 passages and 3 relations per annotator and article. The baseline,
measured in the same run on the same passages, is the passage agreement
(`compute_agreement`).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from annotations.models import Passage, Relation
from annotations.review.agreement import compute_agreement
from annotations.review.relation_agreement import compute_relation_agreement
from bench.common import Row, best_timing

ANNOTATORS = ("amal", "omar", "sara")
QUOTES = ("direct", "indirect", "mixed")
POLARITIES = ("affirmed", "denied")
CLAIM_TYPES = ("factual_report", "opinion", "warning", "denial")


def relation_corpus(
    n_articles: int, seed: int = 7
) -> tuple[dict[str, list[Passage]], dict[str, list[Relation]]]:
    """The passages and relations of every article, by article id."""
    rng = random.Random(seed)
    passages: dict[str, list[Passage]] = {}
    relations: dict[str, list[Relation]] = {}
    for a in range(n_articles):
        article_id = f"art-{a:05d}"
        base = []
        at = 0
        for k in range(3):
            source = (at + rng.randint(0, 20), 0)
            source = (source[0], source[0] + rng.randint(4, 20))
            cue = (source[1] + 1, source[1] + rng.randint(3, 8))
            content = (cue[1] + 1, cue[1] + rng.randint(40, 200))
            at = content[1] + rng.randint(50, 400)
            kind = "cue" if k == 2 else "source"
            end = cue if k == 2 else source
            labels = (
                {} if k == 2 else {"quote": rng.choice(QUOTES), "polarity": rng.choice(POLARITIES)}
            )
            base.append((content, end, kind, labels, rng.choice(CLAIM_TYPES)))
        article_passages: list[Passage] = []
        article_relations: list[Relation] = []
        for name in ANNOTATORS:
            for k, (content, end, kind, labels, claim) in enumerate(base):
                if rng.random() < 0.05:
                    continue  # missed the frame
                if rng.random() < 0.10:  # the content cut differently
                    content = (content[0] + rng.randint(-5, 5), content[1] + rng.randint(-5, 5))
                if rng.random() < 0.05:  # the source or cue cut differently
                    end = (end[0], end[1] + rng.randint(1, 4))
                if labels and rng.random() < 0.10:
                    labels = {**labels, "quote": rng.choice(QUOTES)}
                prefix = f"{article_id}-{name}-{k}"
                article_passages.append(
                    Passage(
                        f"{prefix}-c",
                        article_id,
                        *content,
                        "",
                        name,
                        {"claim_type": claim},
                        kind="content",
                    )
                )
                article_passages.append(
                    Passage(f"{prefix}-e", article_id, *end, "", name, {}, kind=kind)
                )
                article_relations.append(
                    Relation(
                        f"{prefix}-r",
                        article_id,
                        name,
                        "cue" if kind == "cue" else "said_by",
                        f"{prefix}-c",
                        f"{prefix}-e",
                        labels,
                    )
                )
        passages[article_id] = article_passages
        relations[article_id] = article_relations
    return passages, relations


def run(quick: bool) -> Iterator[Row]:
    n_articles = 1_000 if quick else 10_000
    passages, relations = relation_corpus(n_articles)
    n_relations = sum(map(len, relations.values()))
    n_passages = sum(map(len, passages.values()))
    repeats = 3 if quick else 2
    # The baseline first, both in this run: CPU time is the steadier figure on a shared
    # machine (wall time also counts the waits for a core).
    baseline = best_timing(repeats, lambda: compute_agreement(passages))
    took = best_timing(repeats, lambda: compute_relation_agreement(passages, relations))
    goal = 5.0 * n_articles / 10_000
    yield Row(
        name=f"relation agreement, {n_articles:,} articles, {n_relations:,} relations",
        figure=took.cpu,
        unit="s CPU",
        baseline=f"passage agreement, same data, {baseline.cpu * 1000:.0f} ms CPU",
        ratio=baseline.cpu / took.cpu,
        goal=f"< {goal:g} s CPU",
        met=took.cpu < goal,
        cpu=took.cpu,
        wall=took.wall,
    )
    yield Row(
        name=f"passage agreement, the same {n_passages:,} passages (baseline)",
        figure=baseline.cpu,
        unit="s CPU",
        cpu=baseline.cpu,
        wall=baseline.wall,
    )
