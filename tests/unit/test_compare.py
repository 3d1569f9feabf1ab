"""Review comparison: how one article's passages are grouped and classified."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from annotations.review.compare import (
    KINDS,
    ComparisonItem,
    compare_article,
    disagreements,
)
from tests.support.passages import passage


def kinds(items: list[ComparisonItem]) -> list[str]:
    return [item.kind for item in items]


def test_same_span_same_attributes_is_agreement() -> None:
    a, b = passage("a", 0, 10), passage("b", 0, 10)
    (item,) = compare_article([b, a])
    assert item.kind == "agreement"
    assert item.passages == {"a": (a,), "b": (b,)}
    assert (item.start, item.end) == (0, 10)
    assert item.differing == () and item.missing == ()
    assert not item.is_disagreement
    assert disagreements([item]) == []


def test_same_span_different_attributes_says_which() -> None:
    items = compare_article(
        [passage("a", 0, 10, stance="support"), passage("b", 0, 10, stance="oppose")]
    )
    assert kinds(items) == ["attributes_differ"]
    assert items[0].differing == ("stance",)
    items = compare_article(
        [
            passage("a", 0, 10, actor="gov", claim_type="fact"),
            passage("b", 0, 10, actor="army", claim_type=None),
        ]
    )
    assert items[0].differing == ("actor", "claim_type")


def test_target_is_compared_and_note_is_not() -> None:
    a = passage("a", 0, 10)
    b = replace(a, id="other", annotator="b", note="x", target="y")
    (item,) = compare_article([a, b])
    assert item.kind == "attributes_differ" and item.differing == ("target",)
    c = replace(a, id="third", annotator="b", note="x")
    assert kinds(compare_article([a, c])) == ["agreement"]


def test_overlapping_spans() -> None:
    a, b = passage("a", 0, 10), passage("b", 5, 15, stance="oppose")
    (item,) = compare_article([a, b])
    assert item.kind == "overlap"
    assert (item.start, item.end) == (0, 15)
    assert item.passages == {"a": (a,), "b": (b,)}
    assert item.differing == ("stance",)


def test_touching_spans_do_not_overlap() -> None:
    items = compare_article([passage("a", 0, 10), passage("b", 10, 20)])
    assert kinds(items) == ["single", "single"]
    assert [item.annotator for item in items] == ["a", "b"]
    assert items[0].missing == ("b",)


def test_a_chain_of_overlaps_is_one_item() -> None:
    # a [0,10) overlaps b [8,20) overlaps c [18,30); a and c do not touch.
    a, b, c = passage("a", 0, 10), passage("b", 8, 20), passage("c", 18, 30)
    (item,) = compare_article([c, a, b])
    assert item.kind == "overlap"
    assert (item.start, item.end) == (0, 30)
    assert item.present == ("a", "b", "c")


def test_only_one_annotator_is_single() -> None:
    items = compare_article([passage("a", 0, 10), passage("b", 50, 60), passage("a", 52, 58)])
    assert kinds(items) == ["single", "overlap"]
    assert items[0].annotator == "a"
    assert items[1].annotator is None


def test_one_annotators_own_overlaps_alone_are_single() -> None:
    items = compare_article([passage("a", 0, 10), passage("a", 5, 15), passage("b", 40, 50)])
    assert kinds(items) == ["single", "single"]
    assert len(items[0].passages["a"]) == 2


def test_same_span_from_some_annotators_only_is_partial() -> None:
    items = compare_article(
        [passage("a", 0, 10), passage("b", 0, 10), passage("c", 30, 40)], annotators=["a", "b", "c"]
    )
    assert kinds(items) == ["partial", "single"]
    assert items[0].missing == ("c",)
    assert items[1].annotator == "c"


def test_nested_agreements_stay_apart() -> None:
    # Everyone marked the same long quote and the same short quote inside it.
    items = compare_article(
        [passage(n, 0, 100) for n in "ab"] + [passage(n, 10, 20, actor="army") for n in "ab"]
    )
    assert kinds(items) == ["agreement", "agreement"]
    assert [(i.start, i.end) for i in items] == [(0, 100), (10, 20)]


def test_a_shared_span_leaves_the_rest_to_overlap() -> None:
    # a, b, c agree on [0,100); inside it a and b marked [10,20), c marked [12,20).
    items = compare_article(
        [passage(n, 0, 100) for n in "abc"]
        + [passage("a", 10, 20), passage("b", 10, 20), passage("c", 12, 20)]
    )
    assert kinds(items) == ["agreement", "overlap"]
    assert items[1].present == ("a", "b", "c")


def test_duplicates_of_one_span_stay_together() -> None:
    items = compare_article([passage("a", 0, 10), passage("a", 0, 10), passage("b", 0, 10)])
    assert kinds(items) == ["agreement"]
    assert len(items[0].passages["a"]) == 2


def test_empty_spans() -> None:
    items = compare_article([passage("a", 5, 5), passage("b", 5, 5), passage("a", 7, 7)])
    assert kinds(items) == ["agreement", "single"]


def test_annotators_argument_filters_and_orders() -> None:
    gold = passage("gold", 0, 10)
    a = passage("a", 0, 10)
    items = compare_article([a, gold, passage("z", 0, 10)], annotators=["gold", "a"])
    assert list(items[0].passages) == ["gold", "a"]
    assert kinds(items) == ["agreement"]
    # An annotator with no passage at all still counts: nothing here is agreed by all.
    items = compare_article([a, gold], annotators=["a", "gold", "b"])
    assert kinds(items) == ["partial"]
    assert items[0].missing == ("b",)
    assert compare_article([], annotators=["a"]) == []


def test_passages_of_two_articles_are_refused() -> None:
    with pytest.raises(ValueError):
        compare_article([passage("a", 0, 1), passage("b", 0, 1, article_id="other")])


def test_order_is_by_start_then_end_and_disagreements_keep_it() -> None:
    items = compare_article(
        [
            passage("a", 50, 60),
            passage("b", 50, 60, stance="oppose"),
            passage("a", 0, 10),
            passage("b", 0, 10),
            passage("b", 20, 25),
            passage("a", 20, 30),
        ]
    )
    assert [(i.start, i.end, i.kind) for i in items] == [
        (0, 10, "agreement"),
        (20, 30, "overlap"),
        (50, 60, "attributes_differ"),
    ]
    assert [i.kind for i in disagreements(items)] == ["overlap", "attributes_differ"]


@pytest.mark.parametrize("seed", range(40))
def test_every_passage_lands_in_exactly_one_well_formed_item(seed: int) -> None:
    rng = random.Random(seed)
    names = ["a", "b", "c"][: rng.randint(1, 3)]
    passages = []
    for _ in range(rng.randint(0, 25)):
        start = rng.randrange(0, 100)
        passages.append(
            passage(
                rng.choice(names),
                start,
                start + rng.randint(1, 15),
                stance=rng.choice(["support", "oppose"]),
            )
        )
    items = compare_article(passages, annotators=names)
    placed = [p.id for item in items for ps in item.passages.values() for p in ps]
    assert sorted(placed) == sorted(p.id for p in passages)
    assert [(i.start, i.end) for i in items] == sorted((i.start, i.end) for i in items)
    assert compare_article(list(reversed(passages)), annotators=names) == items
    for item in items:
        assert item.kind in KINDS
        inside = [p for ps in item.passages.values() for p in ps]
        assert item.start == min(p.start for p in inside)
        assert item.end == max(p.end for p in inside)
        spans = {(p.start, p.end) for p in inside}
        if item.kind in ("agreement", "attributes_differ"):
            assert len(spans) == 1 and item.missing == ()
            assert (item.kind == "agreement") == (item.differing == ())
        elif item.kind == "partial":
            assert len(spans) == 1 and len(item.present) >= 2 and item.missing
        elif item.kind == "overlap":
            assert len(spans) > 1 and len(item.present) >= 2
        else:
            assert len(item.present) == 1
