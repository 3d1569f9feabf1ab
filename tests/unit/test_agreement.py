"""Agreement figures: worked examples by hand, and random data against trusted libraries.

sklearn and krippendorff are test extras; the core computes everything itself and these
tests hold it to them.
"""

from __future__ import annotations

import json
import math
import random
import warnings
from collections import Counter
from collections.abc import Sequence

import krippendorff
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from annotations.models import Passage
from annotations.review.agreement import (
    AgreementReport,
    SpanScores,
    _side,
    _union_length,
    cohen_kappa,
    compute_agreement,
    format_figure,
    format_report,
    nominal_alpha,
)
from annotations.review.compare import compared_attributes
from annotations.schema import default_schema
from tests.support.passages import passage

COMPARED_ATTRIBUTES = tuple(a.id for a in compared_attributes(default_schema()))


def one_article(*passages: Passage) -> AgreementReport:
    return compute_agreement({"art": list(passages)})


# --------------------------------------------------------------------------- by hand


def test_kappa_two_by_two_by_hand() -> None:
    # 50 items: both yes 20, a yes / b no 5, a no / b yes 10, both no 15.
    # p_o = 35/50 = 0.7; a says yes 25/50, b 30/50: p_e = .5*.6 + .5*.4 = 0.5;
    # kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_kappa_undefined_when_chance_agreement_is_perfect() -> None:
    # Both used one label throughout: p_e = 1, kappa = 0/0.
    assert cohen_kappa(["x"] * 4, ["x"] * 4) is None
    assert cohen_kappa([], []) is None
    # Perfect agreement with variation is 1, total systematic disagreement is -1.
    assert cohen_kappa(["x", "y"], ["x", "y"]) == pytest.approx(1.0)
    assert cohen_kappa(["x", "y"], ["y", "x"]) == pytest.approx(-1.0)


def test_alpha_small_table_by_hand() -> None:
    # Units (a,a), (a,b), (b,b), (b,b): n_a = 3, n_b = 5, n = 8. The one split unit gives
    # coincidences o_ab = o_ba = 1/(2-1), so D = 2; n^2 - sum n_c^2 = 64 - 9 - 25 = 30;
    # alpha = 1 - (n-1) * D / 30 = 1 - 14/30.
    data = [["a", "a", "b", "b"], ["a", "b", "b", "b"]]
    assert nominal_alpha(data) == pytest.approx(1 - 14 / 30)


def test_alpha_krippendorff_2011_example() -> None:
    # Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), 4 coders x 12
    # units with gaps; nominal alpha = 0.743. Unit 12 has one value and is not pairable.
    # n_c = {1: 9, 2: 13, 3: 10, 4: 5, 5: 3}, n = 40, sum n_c^2 = 384; the split units
    # (2,2,3,2), (1,2,3,4), (1,1,2,1) give D = 6/3 + 12/3 + 6/3 = 8;
    # alpha = 1 - 39 * 8 / (1600 - 384) = 0.74342.
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    assert nominal_alpha(data) == pytest.approx(1 - 39 * 8 / 1216)
    assert nominal_alpha(data) == pytest.approx(0.743, abs=5e-4)


def test_alpha_undefined_cases() -> None:
    assert nominal_alpha([["x", "x"], ["x", "x"]]) is None  # one value: no variation
    assert nominal_alpha([["x", None], [None, "y"]]) is None  # nothing pairable
    assert nominal_alpha([[], []]) is None


def test_span_f1_exact_overlap_and_half_by_hand() -> None:
    report = one_article(
        passage("a", 0, 10),
        passage("a", 20, 30),
        passage("a", 40, 50),
        passage("b", 0, 10),  # exact
        passage("b", 25, 40),  # overlaps 5 of the shorter 10: exactly half, matches at 50%
        passage("b", 46, 60),  # overlaps 4 of the shorter 10: any-overlap only
        passage("b", 70, 80),  # nothing of a's
    )
    (pair,) = report.pairs
    # exact: 1 matched of 3 and 4: P = 1/3, R = 1/4, F1 = 2*1/7
    assert (pair.exact.matched, pair.exact.n_a, pair.exact.n_b) == (1, 3, 4)
    assert pair.exact.precision == pytest.approx(1 / 3)
    assert pair.exact.recall == pytest.approx(1 / 4)
    assert pair.exact.f1 == pytest.approx(2 / 7)
    # any overlap: 3 matched: P = 1, R = 3/4, F1 = 6/7
    assert pair.overlap.matched == 3
    assert pair.overlap.f1 == pytest.approx(6 / 7)
    # half the shorter span: [46, 60) fails, 2 matched, F1 = 4/7
    assert pair.overlap50.matched == 2
    assert pair.overlap50.f1 == pytest.approx(4 / 7)


def test_one_long_span_matches_only_one() -> None:
    report = one_article(
        passage("a", 0, 100),
        passage("b", 0, 10),
        passage("b", 20, 30),
        passage("b", 40, 50),
    )
    (pair,) = report.pairs
    assert pair.exact.matched == 0
    assert pair.overlap.matched == 1  # not 3: one-to-one
    assert pair.overlap.f1 == pytest.approx(2 * 1 / (1 + 3))
    assert pair.overlap50.matched == 1  # 10 of the shorter 10 characters


def test_greedy_takes_the_largest_overlap_first() -> None:
    # a1 [0,10) meets b1 [5,30) for 5 and b2 [8,12) for 2; a2 [20,40) meets b1 for 10.
    # Largest first: a2-b1 (10), then a1-b2 (2): two matches. Taking a1-b1 first would
    # leave a2 unmatched.
    report = one_article(
        passage("a", 0, 10),
        passage("a", 20, 40),
        passage("b", 5, 30),
        passage("b", 8, 12),
    )
    assert report.pairs[0].overlap.matched == 2


def test_kappa_and_confusion_on_exact_matches_only() -> None:
    report = one_article(
        passage("a", 0, 10, claim_type="fact"),
        passage("b", 0, 10, claim_type="fact"),
        passage("a", 20, 30, claim_type="opinion"),
        passage("b", 20, 30, claim_type="fact"),
        passage("a", 40, 50, claim_type="opinion"),
        passage("b", 40, 50, claim_type="opinion"),
        passage("a", 60, 70, claim_type="fact"),
        passage("b", 62, 70, claim_type="opinion"),  # not exact: not in kappa
    )
    (pair,) = report.pairs
    confusion = pair.confusion["claim_type"]
    assert confusion.labels == ("fact", "opinion")
    assert confusion.matrix() == [[1, 0], [1, 1]]  # rows a, columns b
    # p_o = 2/3; a: fact 1/3, opinion 2/3; b: fact 2/3, opinion 1/3;
    # p_e = 2/9 + 2/9 = 4/9; kappa = (2/3 - 4/9) / (5/9) = 0.4
    assert pair.kappa["claim_type"] == pytest.approx(0.4)
    # actor and stance are the same everywhere: one value, kappa undefined (not 1, not 0)
    assert pair.kappa["actor"] is None
    assert pair.confusion["actor"].n == 3
    assert pair.to_json()["n_matched"] == 3


def test_empty_attribute_is_a_value_of_its_own() -> None:
    report = one_article(
        passage("a", 0, 10, stance=None),
        passage("b", 0, 10, stance="oppose"),
        passage("a", 20, 30, stance="oppose"),
        passage("b", 20, 30, stance="oppose"),
    )
    confusion = report.pairs[0].confusion["stance"]
    assert confusion.labels == ("oppose", None)
    assert confusion.counts == {(None, "oppose"): 1, ("oppose", "oppose"): 1}


def test_character_alpha_by_hand() -> None:
    # a: [0,10) fact, [20,30) opinion. b: [0,5) fact, [5,10) opinion.
    # Characters anyone marked: 20. a gives fact x10, opinion x10; b fact x5, opinion x5
    # and O x10 (at 20-30): n_fact = 15, n_opinion = 15, n_O = 10, n = 40.
    # Differing characters: 5..10 and 20..30 = 15, each adding 2: D = 30.
    # alpha = 1 - 39 * 30 / (1600 - 225 - 225 - 100) = 1 - 1170/1050.
    report = one_article(
        passage("a", 0, 10, claim_type="fact"),
        passage("a", 20, 30, claim_type="opinion"),
        passage("b", 0, 5, claim_type="fact"),
        passage("b", 5, 10, claim_type="opinion"),
    )
    assert report.char_alpha.n_units == 20
    assert report.char_alpha.value == pytest.approx(1 - 1170 / 1050)
    assert report.pairs[0].char_alpha.value == pytest.approx(1 - 1170 / 1050)
    assert report.articles[0].char_alpha.value == pytest.approx(1 - 1170 / 1050)
    # The exact-match figures see none of this: no span matches, so no kappa at all.
    assert report.pairs[0].exact.matched == 0
    assert report.pairs[0].kappa["claim_type"] is None


def test_claim_type_named_o_is_not_outside() -> None:
    # a: [0,10) claim "O"; b: [10,20) claim "x". Every character differs.
    # outside: 10 (a) + 10 (b) = 20, "O" 10, "x" 10, n = 40, D = 20 * 2 = 40;
    # alpha = 1 - 39 * 40 / (1600 - 400 - 100 - 100) = 1 - 1560/1000.
    report = one_article(passage("a", 0, 10, claim_type="O"), passage("b", 10, 20, claim_type="x"))
    assert report.char_alpha.value == pytest.approx(1 - 1560 / 1000)


def test_nested_passages_take_the_innermost_label() -> None:
    # a marks [0,20) fact with [5,10) opinion inside; b marks the same two passages.
    # Characters agree everywhere: alpha 1 (with variation: fact and opinion).
    report = one_article(
        passage("a", 0, 20, claim_type="fact"),
        passage("a", 5, 10, claim_type="opinion"),
        passage("b", 0, 20, claim_type="fact"),
        passage("b", 5, 10, claim_type="opinion"),
    )
    assert report.char_alpha.value == pytest.approx(1.0)
    assert report.char_alpha.n_units == 20
    assert report.pairs[0].exact.matched == 2


def test_undefined_figures_are_none_and_printed_as_undefined() -> None:
    # a and b never annotate the same article: nothing is comparable.
    report = compute_agreement(
        {
            "one": [passage("a", 0, 10, article_id="one")],
            "two": [passage("b", 0, 10, article_id="two")],
        }
    )
    (pair,) = report.pairs
    assert pair.n_articles == 0
    assert pair.exact.f1 is None and pair.overlap.f1 is None
    assert pair.kappa == dict.fromkeys(COMPARED_ATTRIBUTES)
    assert report.alpha["actor"].value is None
    assert report.char_alpha.value is None
    data = report.to_json()
    assert data["pairs"][0]["span_f1_exact"] is None
    assert data["alpha"] == dict.fromkeys(COMPARED_ATTRIBUTES)
    assert json.loads(json.dumps(data)) == data
    text = format_report(report)
    assert "undefined (n=0" in text
    assert "0.000" not in text
    assert format_figure(None, 0) == "undefined (n=0)"
    assert format_figure(0.5, 1234) == "0.500 (n=1,234)"
    assert SpanScores(0, 0, 0).precision is None


def test_an_absent_annotator_does_not_count_against_the_others() -> None:
    # c has no passage in "one": for "one" only a and b are compared.
    corpus = {
        "one": [passage("a", 0, 10, article_id="one"), passage("b", 0, 10, article_id="one")],
        "two": [
            passage(n, 0, 10, claim_type=ct, article_id="two")
            for n, ct in (("a", "fact"), ("b", "fact"), ("c", "opinion"))
        ],
    }
    report = compute_agreement(corpus)
    by_pair = {(p.a, p.b): p for p in report.pairs}
    assert by_pair[("a", "b")].n_articles == 2
    assert by_pair[("a", "c")].n_articles == 1
    assert by_pair[("a", "c")].exact.f1 == 1.0
    assert report.articles[0].annotators == ("a", "b")
    assert report.n_compared_articles == 2


def test_annotators_argument_filters_and_orders() -> None:
    report = one_article(passage("a", 0, 10), passage("b", 0, 10), passage("gold", 0, 10))
    assert [(p.a, p.b) for p in report.pairs] == [("a", "b"), ("a", "gold"), ("b", "gold")]
    report = compute_agreement({"art": [passage("a", 0, 10), passage("gold", 0, 5)]}, ["gold", "a"])
    assert [(p.a, p.b) for p in report.pairs] == [("gold", "a")]
    report = compute_agreement({"art": [passage("a", 0, 10), passage("gold", 0, 5)]}, ["a", "b"])
    assert report.n_passages == 1 and report.n_compared_articles == 0


def test_empty_passages_are_left_out_and_counted() -> None:
    report = one_article(passage("a", 0, 10), passage("a", 5, 5), passage("b", 0, 10))
    assert report.n_empty == 1
    assert report.pairs[0].exact.n_a == 1


def test_report_json_shape_and_text() -> None:
    report = one_article(
        passage("a", 0, 10),
        passage("b", 0, 10, stance="oppose"),
        passage("a", 20, 30),
        passage("b", 20, 30),
        passage("a", 40, 50, stance="oppose"),
        passage("b", 42, 50, stance="oppose"),
    )
    data = report.to_json()
    (pair,) = data["pairs"]
    assert {"a", "b", "span_f1_exact", "span_f1_overlap", "kappa", "n_matched"} <= pair.keys()
    assert set(pair["kappa"]) == set(COMPARED_ATTRIBUTES)
    assert set(data["alpha"]) == set(COMPARED_ATTRIBUTES)
    assert data["n_items"]["articles"] == 1
    assert data["n_items"]["alpha_units"] == {"actor": 2, "stance": 2, "claim_type": 2}
    assert pair["confusion"]["stance"]["labels"] == ["oppose", "support"]
    assert len(data["articles"]) == 1
    assert "articles" not in report.to_json(per_article=False)
    json.dumps(data)
    text = format_report(report, confusion=True, per_article=True)
    assert "stance: a / b" in text
    assert "art" in text


# --------------------------------------------------------------------------- against libraries


def test_kappa_against_sklearn_on_random_labels() -> None:
    rng = random.Random(1)
    for _ in range(200):
        n = rng.randint(1, 40)
        labels = rng.sample(["w", "x", "y", "z"], rng.randint(1, 4))
        a = [rng.choice(labels) for _ in range(n)]
        b = [x if rng.random() < 0.6 else rng.choice(labels) for x in a]
        ours = cohen_kappa(a, b)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sklearn warns on 0/0 and returns nan
            theirs = cohen_kappa_score(a, b)
        if math.isnan(theirs):
            assert ours is None
        else:
            assert ours == pytest.approx(theirs)


def _krippendorff(rows: Sequence[Sequence[object]]) -> float | None:
    """krippendorff.alpha on coded values (None missing), None where it refuses."""
    codes: dict[object, int] = {}
    data = [[math.nan if v is None else codes.setdefault(v, len(codes)) for v in r] for r in rows]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 0/0 when only unpairable values vary
            value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:  # one value in the domain, or nothing pairable
        return None
    return None if math.isnan(value) else float(value)


def test_nominal_alpha_against_krippendorff_with_missing_values() -> None:
    rng = random.Random(2)
    for _ in range(200):
        coders = rng.randint(2, 5)
        units = rng.randint(1, 30)
        values = ["a", "b", "c", 4][: rng.randint(1, 4)]
        truth = [rng.choice(values) for _ in range(units)]
        data = [
            [
                None if rng.random() < 0.3 else (t if rng.random() < 0.7 else rng.choice(values))
                for t in truth
            ]
            for _ in range(coders)
        ]
        expected = _krippendorff(data)
        ours = nominal_alpha(data)
        if expected is None:
            assert ours is None
        else:
            assert ours == pytest.approx(expected)


# A brute-force reading of the same definitions, for random corpora.

OUTSIDE = ("outside",)  # claim types are ("claim", value): "O" and None stay distinct


def _character_labels(passages: Sequence[Passage], length: int) -> list[object]:
    labels: list[object] = []
    for x in range(length):
        covering = [p for p in passages if p.start <= x < p.end]
        if not covering:
            labels.append(OUTSIDE)
            continue
        best = min(
            covering,
            key=lambda p: (-p.start, p.end, p.claim_type is None, p.claim_type or "", p.id),
        )
        labels.append(("claim", best.claim_type))
    return labels


def _span_units(passages: Sequence[Passage]) -> dict[tuple[int, int, int], Passage]:
    units: dict[tuple[int, int, int], Passage] = {}
    seen: Counter[tuple[int, int]] = Counter()
    for p in sorted(passages, key=lambda p: (p.start, p.end, p.id)):
        units[(p.start, p.end, seen[(p.start, p.end)])] = p
        seen[(p.start, p.end)] += 1
    return units


def _greedy_matches(a: Sequence[Passage], b: Sequence[Passage], half: bool) -> int:
    order = lambda p: (p.start, p.end, p.id)  # noqa: E731
    a = sorted(a, key=order)
    b = sorted(b, key=order)
    candidates = []
    for i, p in enumerate(a):
        for j, q in enumerate(b):
            overlap = min(p.end, q.end) - max(p.start, q.start)
            if overlap <= 0:
                continue
            if half and 2 * overlap < min(p.end - p.start, q.end - q.start):
                continue
            union = max(p.end, q.end) - min(p.start, q.start)
            candidates.append((-overlap, union, i, j))
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, _, i, j in sorted(candidates):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    return len(used_a)


def _random_corpus(rng: random.Random, annotators: Sequence[str]) -> dict[str, list[Passage]]:
    corpus: dict[str, list[Passage]] = {}
    for art in range(rng.randint(1, 8)):
        article_id = f"art-{art}"
        length = rng.randint(30, 120)
        pool = []
        for _ in range(rng.randint(1, 6)):
            start = rng.randrange(0, length - 2)
            pool.append((start, rng.randint(start + 1, min(length, start + 40))))
        passages: list[Passage] = []
        for name in annotators:
            if rng.random() < 0.2:
                continue  # this annotator did not annotate the article
            for _ in range(rng.randint(0, 6)):
                start, end = rng.choice(pool)
                if rng.random() < 0.3:  # move the boundaries
                    start = max(0, start + rng.randint(-5, 5))
                    end = max(start + 1, min(length, end + rng.randint(-5, 5)))
                passages.append(
                    Passage(
                        id=f"{article_id}-{name}-{len(passages)}",
                        article_id=article_id,
                        start=start,
                        end=end,
                        text="",
                        annotator=name,
                        actor=rng.choice(["gov", "army", None]),
                        stance=rng.choice(["support", "oppose"]),
                        claim_type=rng.choice(["fact", "opinion", "O", None]),
                    )
                )
        corpus[article_id] = passages
    return corpus


@pytest.mark.parametrize("seed", range(150))
def test_compute_agreement_against_brute_force_and_libraries(seed: int) -> None:
    rng = random.Random(seed)
    annotators = ["a", "b", "c", "d"][: rng.randint(2, 4)]
    corpus = _random_corpus(rng, annotators)
    report = compute_agreement(corpus, annotators)

    present: dict[str, list[str]] = {}
    by: dict[tuple[str, str], list[Passage]] = {}
    for article_id, passages in corpus.items():
        for p in passages:
            by.setdefault((article_id, p.annotator), []).append(p)
        present[article_id] = [n for n in annotators if (article_id, n) in by]

    # Characters and attributes across all annotators, as krippendorff sees them.
    char_rows: list[list[object]] = [[] for _ in annotators]
    attr_rows: dict[str, list[list[object]]] = {
        name: [[] for _ in annotators] for name in COMPARED_ATTRIBUTES
    }
    for article_id in corpus:
        names = present[article_id]
        if len(names) < 2:
            continue
        labels = {n: _character_labels(by[(article_id, n)], 130) for n in names}
        marked = [x for x in range(130) if any(labels[n][x] != OUTSIDE for n in names)]
        units = {n: _span_units(by[(article_id, n)]) for n in names}
        keys = sorted(set().union(*units.values()))
        for r, n in enumerate(annotators):
            char_rows[r].extend(labels[n][x] if n in names else None for x in marked)
            for name in COMPARED_ATTRIBUTES:
                attr_rows[name][r].extend(
                    # wrap values so that an empty attribute is a value, not a gap
                    (getattr(units[n][k], name),) if n in names and k in units[n] else None
                    for k in keys
                )
    assert report.char_alpha.value == pytest.approx(_krippendorff(char_rows))
    for name in COMPARED_ATTRIBUTES:
        assert report.alpha[name].value == pytest.approx(_krippendorff(attr_rows[name]))

    for pair in report.pairs:
        exact = overlap = overlap50 = n_a = n_b = articles = 0
        kappa_a: dict[str, list[object]] = {name: [] for name in COMPARED_ATTRIBUTES}
        kappa_b: dict[str, list[object]] = {name: [] for name in COMPARED_ATTRIBUTES}
        pair_chars: list[list[object]] = [[], []]
        for article_id in corpus:
            if pair.a not in present[article_id] or pair.b not in present[article_id]:
                continue
            pa, pb = by[(article_id, pair.a)], by[(article_id, pair.b)]
            articles += 1
            n_a += len(pa)
            n_b += len(pb)
            ua, ub = _span_units(pa), _span_units(pb)
            for k in sorted(ua.keys() & ub.keys()):
                exact += 1
                for name in COMPARED_ATTRIBUTES:
                    kappa_a[name].append(str(getattr(ua[k], name)))
                    kappa_b[name].append(str(getattr(ub[k], name)))
            overlap += _greedy_matches(pa, pb, half=False)
            overlap50 += _greedy_matches(pa, pb, half=True)
            la, lb = _character_labels(pa, 130), _character_labels(pb, 130)
            for x in range(130):
                if la[x] != OUTSIDE or lb[x] != OUTSIDE:
                    pair_chars[0].append(la[x])
                    pair_chars[1].append(lb[x])
        assert pair.n_articles == articles
        assert (pair.exact.n_a, pair.exact.n_b) == (n_a, n_b)
        assert (pair.exact.matched, pair.overlap.matched, pair.overlap50.matched) == (
            exact,
            overlap,
            overlap50,
        )
        for name in COMPARED_ATTRIBUTES:
            if len(set(kappa_a[name]) | set(kappa_b[name])) < 2:
                assert pair.kappa[name] is None
            else:
                theirs = cohen_kappa_score(kappa_a[name], kappa_b[name])
                assert pair.kappa[name] == pytest.approx(theirs)
        assert pair.char_alpha.value == pytest.approx(_krippendorff(pair_chars))
        assert pair.char_alpha.n_units == len(pair_chars[0])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(st.integers(0, 60), st.integers(1, 20)).map(lambda t: (t[0], t[0] + t[1])),
            min_size=1,
            max_size=8,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_union_of_spans_matches_a_set_of_characters(
    spans_by_side: list[list[tuple[int, int]]],
) -> None:
    # Touching, nested, repeated spans: the sweep without a Python loop must count every
    # covered character once.
    sides = []
    for spans in spans_by_side:
        rows = [(0, s, e, f"id{i}", ("x", "y", "z")) for i, (s, e) in enumerate(sorted(spans))]
        sides.append(_side(rows))
    covered = {x for spans in spans_by_side for s, e in spans for x in range(s, e)}
    assert _union_length(sides) == len(covered)


def test_per_article_figures_pool_to_the_corpus() -> None:
    rng = random.Random(99)
    corpus = _random_corpus(rng, ["a", "b", "c"])
    report = compute_agreement(corpus)
    assert report.char_alpha.n_units == sum(a.char_alpha.n_units for a in report.articles)
    for name in COMPARED_ATTRIBUTES:
        assert report.alpha[name].n_units == sum(a.alpha[name].n_units for a in report.articles)
    for pair in report.pairs:
        parts = [p for a in report.articles for p in a.pairs if (p.a, p.b) == (pair.a, pair.b)]
        assert pair.exact.matched == sum(p.exact.matched for p in parts)
        assert pair.overlap.matched == sum(p.overlap.matched for p in parts)
        assert pair.char_alpha.n_units == sum(p.char_alpha.n_units for p in parts)
    # A single article's figures are those of a corpus of that article alone.
    for article in report.articles:
        alone = compute_agreement({article.article_id: corpus[article.article_id]})
        assert alone.char_alpha == article.char_alpha
        assert dict(alone.alpha) == dict(article.alpha)


def test_exact_match_measures_flatter_partial_overlaps() -> None:
    # The point of the character-level figure: b's boundaries drift by a few characters
    # on every passage. Exact matching then sees nothing to compare (kappa undefined),
    # while characters show that b agrees on most of the text.
    rng = random.Random(5)
    a, b = [], []
    for k in range(20):
        start = k * 50
        claim = rng.choice(["fact", "opinion", "quote"])
        a.append(passage("a", start, start + 40, claim_type=claim))
        b.append(passage("b", start + 2, start + 40, claim_type=claim))
    report = one_article(*a, *b)
    (pair,) = report.pairs
    assert pair.exact.matched == 0 and pair.kappa["claim_type"] is None
    assert pair.overlap.matched == 20
    assert report.char_alpha.value is not None and 0.8 < report.char_alpha.value < 1
