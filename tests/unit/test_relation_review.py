"""Relations in review: how they are lined up into items, and what accepting one does
to the gold layer (ends mapped or settled with it, refused on a rejected end)."""

from __future__ import annotations

from itertools import count
from pathlib import Path

import pytest

from annotations.models import Passage, Relation
from annotations.review.compare import compare_article
from annotations.review.queue import (
    ReviewError,
    accept,
    accept_relation,
    article_review,
    reject,
    restore,
)
from annotations.review.relation_items import compare_relations
from annotations.schema import default_schema
from annotations.store import Store
from tests.support.corpus import SEED_ID
from tests.support.relations import SECURITY_CONTENT, SECURITY_SOURCE, frames_db

_ids = count()
SCHEMA = default_schema()


def span(annotator: str, start: int, end: int, kind: str) -> Passage:
    return Passage(f"p{next(_ids):05d}", "art", start, end, "", annotator, {}, kind=kind)


def link(a: Passage, b: Passage, type_id: str = "said_by", **labels: str) -> Relation:
    return Relation(f"r{next(_ids):05d}", "art", a.annotator, type_id, a.id, b.id, labels)


def frame(who: str, content: tuple[int, int] = (0, 10), source: tuple[int, int] = (20, 25)):
    return span(who, *content, "content"), span(who, *source, "source")


def items(relations: list[Relation], passages: list[Passage], annotators: list[str]):
    return compare_relations(relations, passages, annotators, SCHEMA)


def test_kinds_of_relation_items() -> None:
    (oc, os_), (sc, ss) = frame("omar"), frame("sara")
    same = [link(oc, os_, quote="direct"), link(sc, ss, quote="direct")]
    (item,) = items(same, [oc, os_, sc, ss], ["omar", "sara"])
    assert (item.kind, item.differing) == ("agreement", ())
    labels = [link(oc, os_, quote="direct"), link(sc, ss, quote="mixed")]
    (item,) = items(labels, [oc, os_, sc, ss], ["omar", "sara"])
    assert (item.kind, item.differing) == ("attributes_differ", ("quote",))
    # Ends cut differently: the content one character longer.
    (oc2, os2), (sc2, ss2) = frame("omar", (0, 10)), frame("sara", (0, 11))
    (item,) = items([link(oc2, os2), link(sc2, ss2)], [oc2, os2, sc2, ss2], ["omar", "sara"])
    assert item.kind == "overlap"
    # Only omar; with a third annotator who has it too: partial.
    (ac, as_) = frame("amal")
    only = items([link(oc, os_)], [oc, os_, sc, ss], ["omar", "sara"])
    assert [i.kind for i in only] == ["single"]
    two = items([link(oc, os_), link(ac, as_)], [oc, os_, ac, as_], ["amal", "omar", "sara"])
    assert [(i.kind, i.missing) for i in two] == [("partial", ("sara",))]
    # Relations whose ends do not meet are items of their own, in text order.
    (sc3, ss3) = frame("sara", (40, 50), (60, 65))
    apart = items([link(oc, os_), link(sc3, ss3)], [oc, os_, sc3, ss3], ["omar", "sara"])
    assert [(i.kind, i.start) for i in apart] == [("single", 0), ("single", 40)]
    assert all(i.key.startswith("relation:") for i in apart)


def test_a_type_that_differs_is_one_item_naming_the_type() -> None:
    oa, ob = span("omar", 0, 10, "content"), span("omar", 20, 30, "content")
    sa = span("sara", 0, 10, "content")
    # The same two places: omar links them as two pieces of one content (part_of),
    # sara took the second for the source (said_by).
    sb_source = span("sara", 20, 30, "source")
    (item,) = items(
        [link(oa, ob, "part_of"), link(sa, sb_source, "said_by")],
        [oa, ob, sa, sb_source],
        ["omar", "sara"],
    )
    assert item.kind == "attributes_differ" and item.differing[0] == "type"


def test_a_passage_marked_as_another_kind_is_a_disagreement() -> None:
    content, source = span("omar", 0, 10, "content"), span("sara", 0, 10, "source")
    (item,) = compare_article([content, source], ["omar", "sara"], SCHEMA)
    assert item.kind == "attributes_differ" and item.differing[0] == "kind"
    # The default kind named or not is the same kind.
    unnamed = Passage("x1", "art", 0, 10, "", "sara", {}, kind="")
    (item,) = compare_article([content, unnamed], ["omar", "sara"], SCHEMA)
    assert item.kind == "agreement"


def test_accepting_a_relation_maps_its_ends_to_settled_gold_passages(tmp_path: Path) -> None:
    store = frames_db(tmp_path / "t.db")
    review = article_review(store, SEED_ID)
    content_item = next(
        i for i in review.items if any(p.text == SECURITY_CONTENT for p in i.passages["omar"])
    )
    accept(store, content_item, content_item.passages["omar"][0], "lead")
    (said_by,) = [i for i in review.relations if i.kind != "agreement"]
    before = {g.id for g in store.gold_passages(SEED_ID)}
    replaced = accept_relation(store, said_by, said_by.relations["sara"][0], "lead")
    # The content was in gold already: the relation points at that gold passage; the
    # source went in with it (one more gold passage, one more verdict in `ends`).
    (gold,) = store.gold_relations(SEED_ID)
    assert gold.from_id in before
    golds = {g.id: g for g in store.gold_passages(SEED_ID)}
    assert golds[gold.to_id].text == SECURITY_SOURCE and gold.to_id not in before
    assert len(replaced.ends) == 1
    assert article_review(store, SEED_ID).decision(said_by).verdict == "accept"  # type: ignore[union-attr]
    # Undo: the gold relation and the source's verdict go; the content's stays.
    restore(store, SEED_ID, said_by.key, replaced)
    assert store.gold_relations(SEED_ID) == []
    assert {g.id for g in store.gold_passages(SEED_ID)} == before


def test_a_rejected_end_refuses_the_relation_and_saves_nothing(tmp_path: Path) -> None:
    store = frames_db(tmp_path / "t.db")
    review = article_review(store, SEED_ID)
    source_item = next(
        i for i in review.items if any(p.text == SECURITY_SOURCE for p in i.passages["omar"])
    )
    reject(store, source_item, "lead")
    (said_by,) = [i for i in review.relations if i.kind != "agreement"]
    decisions = store.decisions(SEED_ID)
    with pytest.raises(ReviewError, match="was rejected"):
        accept_relation(store, said_by, said_by.relations["omar"][0], "lead")
    assert store.decisions(SEED_ID) == decisions
    assert store.gold_relations(SEED_ID) == [] and store.gold_passages(SEED_ID) == []


def test_a_relation_whose_end_was_replaced_is_open_again(tmp_path: Path) -> None:
    store = frames_db(tmp_path / "t.db")
    review = article_review(store, SEED_ID)
    (said_by,) = [i for i in review.relations if i.kind != "agreement"]
    accept_relation(store, said_by, said_by.relations["omar"][0], "lead")
    assert said_by.key not in {item_key for item_key in _open_keys(store)}
    # The reviewer settles the source's passage item again: its gold passage is replaced,
    # the gold relation goes with it (foreign keys), and the relation is to settle again.
    source_item = next(
        i
        for i in article_review(store, SEED_ID).items
        if any(p.text == SECURITY_SOURCE for p in i.passages["sara"])
    )
    accept(store, source_item, source_item.passages["sara"][0], "lead")
    assert store.gold_relations(SEED_ID) == []
    assert said_by.key in _open_keys(store)


def _open_keys(store: Store) -> set[str]:
    from annotations.review.queue import item_key

    return {item_key(i) for i in article_review(store, SEED_ID).open_items}
