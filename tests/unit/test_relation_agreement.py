"""Relation agreement: a hand-worked example, the matching rules, the report."""

from __future__ import annotations

import json
from itertools import count

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.models import Passage, Relation
from annotations.review.relation_agreement import (
    compute_relation_agreement,
    format_relation_report,
)
from annotations.schema import default_schema

_ids = count()


def span(annotator: str, start: int, end: int, kind: str, article_id: str = "art") -> Passage:
    return Passage(f"p{next(_ids):05d}", article_id, start, end, "", annotator, {}, kind=kind)


def link(a: Passage, b: Passage, type_id: str = "said_by", **labels: str) -> Relation:
    return Relation(f"r{next(_ids):05d}", a.article_id, a.annotator, type_id, a.id, b.id, labels)


def worked_example() -> tuple[dict[str, list[Passage]], dict[str, list[Relation]]]:
    """omar (a) and sara (b) on one article.

    omar: R1 said_by [0,10)->[20,25) direct/affirmed; R2 said_by [30,50)->[60,65)
          indirect; R3 cue [0,10)->[26,29).
    sara: R1' said_by [0,10)->[20,25) direct/affirmed (the same ends: exact);
          R2' said_by [32,50)->[60,65) direct (the content cut two characters later:
          overlap only); R4' said_by [70,80)->[90,95) direct (omar has none there).
    """
    o_c1, o_s1 = span("omar", 0, 10, "content"), span("omar", 20, 25, "source")
    o_c2, o_s2 = span("omar", 30, 50, "content"), span("omar", 60, 65, "source")
    o_q = span("omar", 26, 29, "cue")
    s_c1, s_s1 = span("sara", 0, 10, "content"), span("sara", 20, 25, "source")
    s_c2, s_s2 = span("sara", 32, 50, "content"), span("sara", 60, 65, "source")
    s_c3, s_s3 = span("sara", 70, 80, "content"), span("sara", 90, 95, "source")
    relations = [
        link(o_c1, o_s1, quote="direct", polarity="affirmed"),
        link(o_c2, o_s2, quote="indirect"),
        link(o_c1, o_q, "cue"),
        link(s_c1, s_s1, quote="direct", polarity="affirmed"),
        link(s_c2, s_s2, quote="direct"),
        link(s_c3, s_s3, quote="direct"),
    ]
    passages = [o_c1, o_s1, o_c2, o_s2, o_q, s_c1, s_s1, s_c2, s_s2, s_c3, s_s3]
    return {"art": passages}, {"art": relations}


def test_hand_worked_example() -> None:
    passages, relations = worked_example()
    report = compute_relation_agreement(passages, relations, schema=default_schema())
    (pair,) = report.pairs
    assert (pair.a, pair.b, pair.n_articles) == ("omar", "sara", 1)
    said_by = pair.by_type["said_by"]
    # said_by: omar 2, sara 3. Exact: only R1 = R1' (1). Overlap: R1 = R1', and R2 = R2'
    # (contents [30,50) and [32,50) share 18 characters, sources the same) (2).
    # exact   P = 1/2, R = 1/3, F1 = 2*1 / (2+3) = 0.4
    # overlap P = 2/2, R = 2/3, F1 = 2*2 / (2+3) = 0.8
    assert (said_by.exact.matched, said_by.exact.n_a, said_by.exact.n_b) == (1, 2, 3)
    assert said_by.exact.precision == pytest.approx(0.5)
    assert said_by.exact.recall == pytest.approx(1 / 3)
    assert said_by.exact.f1 == pytest.approx(0.4)
    assert said_by.overlap.matched == 2
    assert said_by.overlap.precision == pytest.approx(1.0)
    assert said_by.overlap.recall == pytest.approx(2 / 3)
    assert said_by.overlap.f1 == pytest.approx(0.8)
    # cue: omar 1, sara 0: P = 0/1 = 0, R = 0/0 undefined, F1 = 0 / (1+0) = 0.
    cue = pair.by_type["cue"]
    assert (cue.exact.n_a, cue.exact.n_b, cue.overlap.matched) == (1, 0, 0)
    assert cue.exact.precision == 0.0 and cue.exact.recall is None and cue.exact.f1 == 0.0
    # part_of: nobody: every figure undefined, never 0.
    part_of = pair.by_type["part_of"]
    assert part_of.exact.f1 is None and part_of.overlap.precision is None
    # All types: omar 3, sara 3; exact 1 -> P = R = F1 = 1/3; overlap 2 -> 2/3.
    assert (pair.overall.exact.n_a, pair.overall.exact.n_b) == (3, 3)
    assert pair.overall.exact.f1 == pytest.approx(1 / 3)
    assert pair.overall.overlap.f1 == pytest.approx(2 / 3)
    # Labels on the 2 relations matched by overlap: quote (direct, direct), (indirect,
    # direct): n = 2, diagonal d = 1; omar's marginals direct 1, indirect 1, sara's
    # direct 2: chance = 1*2 + 1*0 = 2; kappa = (n*d - chance) / (n^2 - chance)
    # = (2 - 2) / (4 - 2) = 0. polarity (affirmed, affirmed), (none, none): d = 2,
    # chance = 1*1 + 1*1 = 2; kappa = (4 - 2) / (4 - 2) = 1.
    assert said_by.kappa["quote"] == pytest.approx(0.0)
    assert said_by.kappa["polarity"] == pytest.approx(1.0)
    assert said_by.confusion["quote"].counts == {("direct", "direct"): 1, ("indirect", "direct"): 1}
    # Same labels on every attribute: R1/R1' only.
    assert said_by.same_labels == 1
    assert report.relations_by_annotator == {"omar": 3, "sara": 3}
    assert report.n_relations == 6 and report.n_compared_articles == 1


def test_json_and_text_report_carry_the_figures() -> None:
    passages, relations = worked_example()
    report = compute_relation_agreement(passages, relations)
    data = json.loads(json.dumps(report.to_json()))
    said_by = data["pairs"][0]["types"]["said_by"]
    assert said_by["exact"]["f1"] == pytest.approx(0.4)
    assert said_by["overlap"]["matched"] == 2
    assert said_by["kappa"] == {"quote": pytest.approx(0.0), "polarity": pytest.approx(1.0)}
    assert data["pairs"][0]["types"]["cue"]["exact"]["recall"] is None
    assert data["articles"][0]["pairs"][0]["matched"] == {"exact": 1, "overlap": 2}
    text = format_relation_report(report, confusion=True, per_article=True)
    rows = [line.split() for line in text.splitlines()]
    assert [
        "omar",
        "sara",
        "said_by",
        "2",
        "3",
        "0.500/0.333/0.400",
        "(1)",
        "1.000/0.667/0.800",
        "(2)",
    ] in rows
    assert [
        "omar",
        "sara",
        "all",
        "types",
        "3",
        "3",
        "0.333/0.333/0.333",
        "(1)",
        "0.667/0.667/0.667",
        "(2)",
    ] in rows
    assert [
        "omar",
        "sara",
        "cue",
        "1",
        "0",
        "0.000/undefined/0.000",
        "(0)",
        "0.000/undefined/0.000",
        "(0)",
    ] in rows
    assert ["omar", "sara", "said_by", "quote", "0.000", "(n=2)", "1", "of", "2"] in rows
    assert any(
        "said_by quote: omar / sara (rows a, columns b)" in line for line in text.splitlines()
    )


def test_one_to_one_greedy_prefers_the_larger_overlap() -> None:
    # omar links one long content to its source; sara cut it into two contents with the
    # same source. Only one of sara's can match omar's: the one sharing more characters.
    o_c, o_s = span("omar", 0, 100, "content"), span("omar", 200, 210, "source")
    s_c1, s_c2 = span("sara", 0, 30, "content"), span("sara", 30, 100, "content")
    s_s = span("sara", 200, 210, "source")
    small, large = link(s_c1, s_s), link(s_c2, s_s)
    report = compute_relation_agreement(
        {"art": [o_c, o_s, s_c1, s_c2, s_s]}, {"art": [link(o_c, o_s), small, large]}
    )
    scores = report.pairs[0].by_type["said_by"]
    assert (scores.exact.matched, scores.overlap.matched) == (0, 1)
    assert (scores.overlap.n_a, scores.overlap.n_b) == (1, 2)


def test_type_must_match_and_ends_match_end_to_end() -> None:
    # Same spans, another type: no match. Ends swapped (from with to): no match either.
    o_a, o_b = span("omar", 0, 10, "content"), span("omar", 20, 30, "content")
    s_a, s_b = span("sara", 0, 10, "content"), span("sara", 20, 30, "content")
    report = compute_relation_agreement(
        {"art": [o_a, o_b, s_a, s_b]},
        {"art": [link(o_a, o_b, "part_of"), link(s_b, s_a, "part_of")]},
    )
    assert report.pairs[0].overall.overlap.matched == 0
    report = compute_relation_agreement(
        {"art": [o_a, o_b, s_a, s_b]},
        {"art": [link(o_a, o_b, "part_of"), link(s_a, s_b, "said_by")]},
    )
    assert report.pairs[0].overall.overlap.matched == 0
    assert report.pairs[0].by_type["part_of"].exact.n_a == 1


def test_an_article_counts_only_for_annotators_with_passages_there() -> None:
    # amal has no passage in art2: that article is not hers. She has a passage in art1
    # and no relation there: she annotated it and found none (recall for the others 0).
    o_c, o_s = span("omar", 0, 10, "content", "art2"), span("omar", 20, 25, "source", "art2")
    s_c, s_s = span("sara", 0, 10, "content", "art2"), span("sara", 20, 25, "source", "art2")
    amal = span("amal", 0, 10, "content", "art1")
    omar1 = span("omar", 0, 10, "content", "art1")
    omar1s = span("omar", 20, 25, "source", "art1")
    report = compute_relation_agreement(
        {"art1": [amal, omar1, omar1s], "art2": [o_c, o_s, s_c, s_s]},
        {"art1": [link(omar1, omar1s)], "art2": [link(o_c, o_s), link(s_c, s_s)]},
    )
    pairs = {(p.a, p.b): p for p in report.pairs}
    assert pairs[("amal", "omar")].n_articles == 1
    assert (
        pairs[("amal", "omar")].overall.exact.n_a,
        pairs[("amal", "omar")].overall.exact.n_b,
    ) == (0, 1)
    assert pairs[("amal", "sara")].n_articles == 0
    assert pairs[("amal", "sara")].overall.exact.f1 is None
    assert pairs[("omar", "sara")].overall.exact.f1 == 1.0


def test_a_relation_with_an_end_not_in_the_article_is_left_out_and_counted() -> None:
    o_c, o_s = span("omar", 0, 10, "content"), span("omar", 20, 25, "source")
    s_c = span("sara", 0, 10, "content")
    dangling = Relation("r-x", "art", "sara", "said_by", s_c.id, "gone", {})
    report = compute_relation_agreement(
        {"art": [o_c, o_s, s_c]}, {"art": [link(o_c, o_s), dangling]}
    )
    assert report.n_unresolved == 1
    assert report.pairs[0].overall.exact.n_b == 0


def test_no_relations_is_one_line_not_empty_tables() -> None:
    content = span("omar", 0, 10, "content")
    other = span("sara", 0, 10, "content")
    report = compute_relation_agreement({"art": [content, other]}, {})
    assert report.pairs[0].overall.exact.f1 is None
    assert format_relation_report(report) == (
        "Relations: none by these annotators, so nothing to compare"
    )


@st.composite
def two_annotators(draw: st.DrawFn) -> tuple[dict[str, list[Passage]], dict[str, list[Relation]]]:
    passages: list[Passage] = []
    relations: list[Relation] = []
    for who in ("omar", "sara"):
        mine = []
        for _ in range(draw(st.integers(1, 6))):
            start = draw(st.integers(0, 60))
            mine.append(span(who, start, start + draw(st.integers(0, 15)), "content"))
        passages.extend(mine)
        for _ in range(draw(st.integers(0, 6))):
            a, b = draw(st.sampled_from(mine)), draw(st.sampled_from(mine))
            kind = draw(st.sampled_from(["said_by", "part_of"]))
            relations.append(link(a, b, kind, quote=draw(st.sampled_from(["direct", "mixed"]))))
    return {"art": passages}, {"art": relations}


@settings(max_examples=150, deadline=None)
@given(two_annotators())
def test_matching_invariants(
    corpus: tuple[dict[str, list[Passage]], dict[str, list[Relation]]],
) -> None:
    passages, relations = corpus
    forward = compute_relation_agreement(passages, relations, ["omar", "sara"])
    backward = compute_relation_agreement(passages, relations, ["sara", "omar"])
    for ab, ba in zip(
        (forward.pairs[0].overall, *forward.pairs[0].by_type.values()),
        (backward.pairs[0].overall, *backward.pairs[0].by_type.values()),
        strict=True,
    ):
        # One-to-one: never more matches than either has; exact matches are overlap ones.
        assert ab.exact.matched <= ab.overlap.matched <= min(ab.exact.n_a, ab.exact.n_b)
        # a against b is b against a, precision and recall swapped (exact matching; by
        # overlap, ties between equally good candidates go by order, so it may differ).
        assert ab.exact.matched == ba.exact.matched
        assert (ab.exact.n_a, ab.exact.n_b) == (ba.exact.n_b, ba.exact.n_a)
        assert ab.same_labels <= ab.overlap.matched
