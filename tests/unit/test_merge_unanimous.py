"""Merging full agreements into gold keeps everything the annotators wrote."""

from __future__ import annotations

import json
from pathlib import Path

from annotations.models import AuthoredNote
from annotations.review.queue import accept, article_review, merge_unanimous, unanimous_items
from annotations.seeds import import_seeds_if_empty
from annotations.store import M5_GOLD_NOTES, MIGRATIONS, Store
from tests.support.corpus import SEED_ID, passage_on

PHRASE = "تصاعدت التحذيرات المحلية والدولية"
LABELS = {"actor": "isis", "stance": "critical", "claim_type": "warning"}


def _two(tmp_path: Path, omar: dict[str, str | None], sara: dict[str, str | None]) -> Store:
    store = Store(tmp_path / "team.db")
    import_seeds_if_empty(store)
    article = store.get_article(SEED_ID)
    assert article is not None
    store.add_passage(passage_on(article, PHRASE, "omar", **LABELS, **omar))
    store.add_passage(passage_on(article, PHRASE, "sara", **LABELS, **sara))
    return store


def test_target_on_one_side_is_not_merged(tmp_path: Path) -> None:
    store = _two(tmp_path, {"target": "الحكومة", "note": "ساخر"}, {})
    assert unanimous_items(store) == []
    assert merge_unanimous(store, "lead") == 0
    assert store.conn.execute("SELECT count(*) FROM gold_passages").fetchone()[0] == 0
    (item,) = article_review(store, SEED_ID).items
    assert item.kind == "attributes_differ" and item.differing == ("target",)


def test_one_note_goes_into_gold_with_its_author(tmp_path: Path) -> None:
    store = _two(tmp_path, {"target": "الحكومة", "note": "ساخر"}, {"target": "الحكومة"})
    assert merge_unanimous(store, "lead") == 1
    row = store.conn.execute(
        "SELECT json_extract(labels, '$.target'), json_extract(labels, '$.note'), notes, origin FROM gold_passages"
    ).fetchone()
    assert row[0] == "الحكومة" and row[1] == "ساخر" and row[3] == "unanimous"
    assert json.loads(row[2]) == [{"author": "omar", "text": "ساخر"}]
    (gold,) = store.gold_passages(SEED_ID)
    assert gold.notes == (AuthoredNote("omar", "ساخر"),)


def test_every_note_is_kept_with_its_author(tmp_path: Path) -> None:
    store = _two(tmp_path, {"note": "ساخر"}, {"note": "quoted from AFP"})
    assert merge_unanimous(store, "lead") == 1
    (gold,) = store.gold_passages(SEED_ID)
    assert gold.notes == (AuthoredNote("omar", "ساخر"), AuthoredNote("sara", "quoted from AFP"))
    assert gold.note == "omar: ساخر\nsara: quoted from AFP"


def test_the_same_note_from_both_is_one_text_two_authors(tmp_path: Path) -> None:
    store = _two(tmp_path, {"note": "ساخر"}, {"note": "ساخر"})
    merge_unanimous(store, "lead")
    (gold,) = store.gold_passages(SEED_ID)
    assert gold.note == "ساخر"
    assert [n.author for n in gold.notes] == ["omar", "sara"]


def test_accepting_a_version_keeps_its_note_and_author(tmp_path: Path) -> None:
    store = _two(tmp_path, {"target": "الحكومة", "note": "ساخر"}, {})
    (item,) = article_review(store, SEED_ID).items
    accept(store, item, item.passages["omar"][0], "lead")
    (gold,) = store.gold_passages(SEED_ID)
    assert (gold.target, gold.note) == ("الحكومة", "ساخر")
    assert gold.notes == (AuthoredNote("omar", "ساخر"),)
    # An edited note is the reviewer's.
    accept(store, item, item.passages["omar"][0], "lead", {"note": "irony"})
    (gold,) = store.gold_passages(SEED_ID)
    assert gold.notes == (AuthoredNote("lead", "irony"),)


def test_a_database_from_before_gold_notes_opens_with_its_gold(tmp_path: Path) -> None:
    store = _two(tmp_path, {"note": "ساخر"}, {})
    merge_unanimous(store, "lead")
    store.conn.execute("ALTER TABLE gold_passages DROP COLUMN notes")
    store.conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(M5_GOLD_NOTES)}")
    store.close()
    with Store(tmp_path / "team.db") as reopened:
        assert reopened.version == len(MIGRATIONS)
        (gold,) = reopened.gold_passages(SEED_ID)
    assert gold.note == "ساخر" and gold.notes == ()
