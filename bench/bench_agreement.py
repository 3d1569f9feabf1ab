"""Agreement over a synthetic corpus: 10,000 articles x 3 annotators x 30 passages.

The annotators mostly agree: each copies a shared base annotation, then moves some
boundaries, drops or adds passages and relabels some attributes (seeded, so every run
measures the same corpus). The baseline, measured in the same run, is the least any
implementation must do: read every passage once and group it by article and annotator
in (start, end) order. A second row measures the same corpus under a schema with one more
passage attribute (`certainty`) and a document attribute (`overall_stance`, each
annotator labelling every article).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from annotations.models import DocumentLabels, Passage
from annotations.review.agreement import compute_agreement
from annotations.schema import Attribute, LabelSchema, default_schema
from bench.common import Row, best_timing

ANNOTATORS = ("amal", "omar", "sara")
ACTORS = tuple(f"actor-{i}" for i in range(20))
STANCES = ("support", "oppose", "neutral", None)
CLAIM_TYPES = ("fact", "opinion", "prediction", "quote", "accusation", "denial")


def synthetic_corpus(
    n_articles: int, per_annotator: int = 30, seed: int = 7
) -> dict[str, list[Passage]]:
    """Articles of 3,000-8,000 characters with mostly agreeing annotators."""
    rng = random.Random(seed)
    corpus: dict[str, list[Passage]] = {}
    for a in range(n_articles):
        article_id = f"art-{a:05d}"
        length = rng.randint(3000, 8000)
        slot = length // (per_annotator + 2)
        base = []
        for k in range(per_annotator):
            lo = k * slot
            start = lo + rng.randint(0, slot // 4)
            end = start + rng.randint(slot // 3, slot // 2)
            base.append(
                (
                    start,
                    end,
                    rng.choice(ACTORS),
                    rng.choice(STANCES),
                    rng.choice(CLAIM_TYPES),
                )
            )
        passages: list[Passage] = []
        for name in ANNOTATORS:
            made = 0
            for k, (start, end, actor, stance, claim) in enumerate(base):
                roll = rng.random()
                if roll < 0.03:
                    continue  # missed
                if roll < 0.12:  # boundaries moved
                    start = max(k * slot, start + rng.randint(-8, 8))
                    end = max(start + 1, end + rng.randint(-8, 8))
                if rng.random() < 0.06:
                    actor = rng.choice(ACTORS)
                if rng.random() < 0.08:
                    stance = rng.choice(STANCES)
                if rng.random() < 0.08:
                    claim = rng.choice(CLAIM_TYPES)
                passages.append(
                    Passage(
                        f"{article_id}-{name}-{made}",
                        article_id,
                        start,
                        end,
                        "",
                        name,
                        actor=actor,
                        stance=stance,
                        claim_type=claim,
                    )
                )
                made += 1
                if rng.random() < 0.01:  # a nested passage inside this one
                    passages.append(
                        Passage(
                            f"{article_id}-{name}-{made}",
                            article_id,
                            start + 2,
                            start + 10,
                            "",
                            name,
                            actor=rng.choice(ACTORS),
                            claim_type=rng.choice(CLAIM_TYPES),
                        )
                    )
                    made += 1
            if rng.random() < 0.3:  # an extra passage in the gap after the last slot
                start = per_annotator * slot + rng.randint(0, slot)
                passages.append(
                    Passage(
                        f"{article_id}-{name}-{made}",
                        article_id,
                        start,
                        start + rng.randint(5, slot),
                        "",
                        name,
                        actor=rng.choice(ACTORS),
                        claim_type=rng.choice(CLAIM_TYPES),
                    )
                )
        corpus[article_id] = passages
    return corpus


CERTAINTY = ("certain", "likely", "doubtful")


def plus_schema() -> LabelSchema:
    """The bundled schema with a passage attribute `certainty` and a document attribute
    `overall_stance` (the stances' values)."""
    schema = default_schema()
    stance = schema.attribute("stance")
    assert stance is not None
    certainty = Attribute("certainty", "choice", "درجة اليقين", "Certainty")
    overall = Attribute(
        "overall_stance", "choice", "الموقف العام", "Overall stance", values=stance.values
    )
    return replace(
        schema, attributes=(*schema.attributes, certainty), document_attributes=(overall,)
    )


def with_extra_attributes(
    corpus: dict[str, list[Passage]], seed: int = 11
) -> tuple[dict[str, list[Passage]], dict[str, list[DocumentLabels]]]:
    """The corpus with a certainty on every passage (mostly the same for one place of an
    article, whoever marked it) and every annotator's overall stance of every article."""
    rng = random.Random(seed)
    passages: dict[str, list[Passage]] = {}
    documents: dict[str, list[DocumentLabels]] = {}
    stances = ("supportive", "critical", "neutral", "mixed")
    for article_id, found in corpus.items():
        out = []
        for p in found:
            place = zlib.crc32(f"{article_id}/{p.start // 100}".encode())
            value = CERTAINTY[place % 3] if rng.random() < 0.9 else rng.choice(CERTAINTY)
            out.append(replace(p, labels={**p.labels, "certainty": value}))
        passages[article_id] = out
        base = rng.choice(stances)
        documents[article_id] = [
            DocumentLabels(
                article_id,
                name,
                {"overall_stance": base if rng.random() < 0.8 else rng.choice(stances)},
            )
            for name in ANNOTATORS
        ]
    return passages, documents


def group_only(corpus: dict[str, list[Passage]]) -> int:
    """The baseline: every passage read once, grouped by annotator in span order."""
    total = 0
    for article_id in sorted(corpus):
        groups: dict[str, list[tuple[int, int]]] = {}
        for p in corpus[article_id]:
            groups.setdefault(p.annotator, []).append((p.start, p.end))
        for spans in groups.values():
            spans.sort()
            total += len(spans)
    return total


def run(quick: bool) -> Iterator[Row]:
    n_articles = 1_000 if quick else 10_000
    corpus = synthetic_corpus(n_articles)
    n_passages = sum(map(len, corpus.values()))
    repeats = 3 if quick else 2
    # Both measured here, the baseline first: CPU time is the steadier figure on a
    # shared machine (wall time also counts the waits for a core).
    baseline = best_timing(repeats, lambda: group_only(corpus))
    took = best_timing(repeats, lambda: compute_agreement(corpus))
    goal = 5.0 * n_articles / 10_000
    yield Row(
        name=f"compute_agreement, {n_articles:,} articles, {n_passages:,} passages",
        figure=took.cpu,
        unit="s CPU",
        baseline=f"read + group passages, {baseline.cpu * 1000:.0f} ms CPU",
        ratio=baseline.cpu / took.cpu,
        goal=f"< {goal:g} s CPU",
        met=took.cpu < goal,
        cpu=took.cpu,
        wall=took.wall,
    )
    yield Row(
        name="read + group the same passages (baseline)",
        figure=baseline.cpu,
        unit="s CPU",
        cpu=baseline.cpu,
        wall=baseline.wall,
    )
    schema = plus_schema()
    plus, documents = with_extra_attributes(corpus)
    extra = best_timing(
        repeats, lambda: compute_agreement(plus, schema=schema, documents_by_article=documents)
    )
    yield Row(
        name="the same + certainty + a document attribute (overall stance)",
        figure=extra.cpu,
        unit="s CPU",
        baseline=f"compute_agreement above, {took.cpu:.2f} s CPU",
        ratio=took.cpu / extra.cpu,
        goal=f"< {goal:g} s CPU",
        met=extra.cpu < goal,
        cpu=extra.cpu,
        wall=extra.wall,
    )
    yield from _krippendorff_rows(corpus, 100 if quick else 300)


def _character_matrix(corpus: Mapping[str, Sequence[Passage]]) -> Any:
    """Per-character claim-type codes, annotators x characters anyone marked (numpy).

    Overlapping passages of one annotator are painted so that the one compute_agreement
    picks (latest start, then earliest end, claim type, id) is painted last.
    """
    import numpy as np

    codes: dict[str | None, int] = {}
    columns = []
    for passages in corpus.values():
        length = max(p.end for p in passages)
        painted = np.full((len(ANNOTATORS), length), -1.0)
        for r, name in enumerate(ANNOTATORS):
            mine = sorted(
                (p for p in passages if p.annotator == name),
                key=lambda p: (-p.start, p.end, p.claim_type is None, p.claim_type or "", p.id),
                reverse=True,
            )
            for p in mine:
                painted[r, p.start : p.end] = codes.setdefault(p.claim_type, len(codes))
        columns.append(painted[:, (painted >= 0).any(axis=0)])
    return np.concatenate(columns, axis=1)


def _krippendorff_rows(corpus: dict[str, list[Passage]], n_articles: int) -> Iterator[Row]:
    """The krippendorff package on the same characters, if it is installed (test extra)."""
    try:
        import krippendorff
    except ImportError:
        return
    subset = {k: corpus[k] for k in sorted(corpus)[:n_articles]}
    matrix = _character_matrix(subset)  # building it is not timed
    theirs: list[float] = []
    their = best_timing(
        1,
        lambda: theirs.append(
            krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
        ),
    )
    ours = compute_agreement(subset).char_alpha.value
    our = best_timing(3, lambda: compute_agreement(subset))
    same = ours is not None and abs(ours - theirs[0]) < 1e-9
    yield Row(
        name=(
            f"all figures, {n_articles} articles, {matrix.shape[1]:,} characters "
            f"(char alpha {'equal' if same else 'DIFFERS'})"
        ),
        figure=our.cpu,
        unit="s CPU",
        baseline="krippendorff pkg, char alpha only",
        ratio=their.cpu / our.cpu,
        cpu=our.cpu,
        wall=our.wall,
    )
    yield Row(
        name="krippendorff package, character alpha only",
        figure=their.cpu,
        unit="s CPU",
        cpu=their.cpu,
        wall=their.wall,
    )
