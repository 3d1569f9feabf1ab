"""Relations between passages: making them (the schema's checks), the store (rows, audit,
foreign keys, passage deletes), undo and redo, and attribution frames."""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from annotations.articles import make_article
from annotations.history import Change, History, RelationChange, delete_passage
from annotations.models import Article, GoldPassage, GoldRelation, Passage, Relation
from annotations.relations import Frame, RelationError, frame_of, frames, new_relation
from annotations.schema import default_schema
from annotations.store import Store, StoreError

# «قال المتحدث إن القوات اعتقلت 12 عنصراً، وأضاف أن "العملية مستمرة"»
TEXT = "قال المتحدث باسم الوزارة إن القوات اعتقلت 12 عنصراً، وأضاف أن العملية مستمرة.\n"
SCHEMA = default_schema()


def span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "r.db")


@pytest.fixture
def article(store: Store) -> Article:
    a = make_article(TEXT)
    store.add_articles([a])
    return a


def passage(
    article: Article, words: str, kind: str = "", annotator: str = "sara", **labels: str
) -> Passage:
    start, end = span(article.text, words)
    return Passage(
        id=str(uuid.uuid4()),
        article_id=article.id,
        start=start,
        end=end,
        text=words,
        annotator=annotator,
        labels=labels,
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z",
        kind=kind,
    )


@pytest.fixture
def frame_passages(store: Store, article: Article) -> dict[str, Passage]:
    found = {
        "content": passage(article, "القوات اعتقلت 12 عنصراً", stance="neutral"),
        "piece": passage(article, "العملية مستمرة"),
        "source": passage(article, "المتحدث باسم الوزارة", "source", actor="isis"),
        "cue": passage(article, "قال", "cue"),
        "cue2": passage(article, "وأضاف", "cue"),
    }
    for p in found.values():
        store.add_passage(p)
    return found


def link(
    store: Store, ps: dict[str, Passage], a: str, b: str, rel_type: str, **labels: str
) -> Relation:
    rel = new_relation(
        SCHEMA, ps[a], ps[b], rel_type, labels, "sara", existing=store.relations(ps[a].article_id)
    )
    store.add_relation(rel, by="sara")
    return rel


# --- the records -------------------------------------------------------------------------


def test_passage_kind_is_a_keyword_field_stored_and_read_back(
    store: Store, article: Article
) -> None:
    p = passage(article, "المتحدث باسم الوزارة", "source", actor="isis")
    assert p.kind == "source"
    assert passage(article, "قال").kind == ""
    store.add_passage(p)
    assert store.passage(p.id) == p
    assert store.passages(article.id)[0].kind == "source"
    assert store.conn.execute("SELECT kind FROM passages").fetchone() == ("source",)
    after = json.loads(store.audit_trail(p.id)[0]["after"])
    assert after["kind"] == "source"
    edited = replace(p, kind="")
    store.update_passage(edited, by="sara")
    assert store.passage(p.id) == edited


def test_gold_passages_carry_a_kind(store: Store, article: Article) -> None:
    from annotations.models import Decision

    gold = GoldPassage(
        "g1", article.id, 4, 10, article.text[4:10], {"actor": "isis"}, kind="source"
    )
    store.decide(Decision(article.id, "x", "accept", "rev", gold_id="g1"), gold)
    (found,) = store.gold_passages(article.id)
    assert found.kind == "source" and found == gold
    assert found.as_passage().kind == "source"


# --- making a relation -------------------------------------------------------------------


def test_new_relation_checks_kinds_ends_and_labels(frame_passages: dict[str, Passage]) -> None:
    ps = frame_passages
    rel = new_relation(
        SCHEMA, ps["content"], ps["source"], "said_by", {"quote": "indirect"}, "sara"
    )
    assert (rel.type, rel.from_id, rel.to_id, rel.annotator) == (
        "said_by",
        ps["content"].id,
        ps["source"].id,
        "sara",
    )
    assert rel.article_id == ps["content"].article_id
    assert dict(rel.labels) == {"quote": "indirect"}
    assert (rel.schema_name, rel.schema_version) == ("news", "1.0")

    def refused(
        a: Passage, b: Passage, rel_type: str, labels: dict[str, str] | None = None, **kw: object
    ) -> str:
        with pytest.raises(RelationError) as info:
            new_relation(SCHEMA, a, b, rel_type, labels or {}, "sara", **kw)  # type: ignore[arg-type]
        message = str(info.value)
        assert "\n" not in message
        return message

    assert refused(ps["source"], ps["content"], "said_by") == (
        "said by links a Content to a Source: its from end is a Source passage, not a Content;"
        " its to end is a Content passage, not a Source"
    )
    assert "its to end is a Cue passage, not a Source" in refused(
        ps["content"], ps["cue"], "said_by"
    )
    assert refused(ps["content"], ps["content"], "part_of").startswith(
        "a passage cannot be linked to itself"
    )
    other = replace(ps["source"], id="elsewhere", article_id="another")
    assert refused(ps["content"], other, "said_by") == "the two passages are in different articles"
    theirs = replace(ps["source"], id="theirs", annotator="omar")
    assert "different annotators" in refused(ps["content"], theirs, "said_by")
    assert refused(ps["content"], ps["source"], "quoted_by").startswith(
        "unknown relation type 'quoted_by'"
    )
    assert refused(ps["content"], ps["source"], "said_by", {"quote": "verbatim"}) == (
        "quote: unknown value 'verbatim' (expected one of: direct, indirect, mixed)"
    )
    assert refused(ps["content"], ps["cue"], "cue", {"quote": "direct"}).startswith(
        "quote: unknown attribute 'quote'"
    )
    assert refused(ps["content"], ps["source"], "said_by", existing=[rel]) == (
        "these two passages are already linked by said_by"
    )
    with pytest.raises(RelationError, match="the passages are sara's, not omar's"):
        new_relation(SCHEMA, ps["content"], ps["source"], "said_by", {}, "omar")


# --- the store ---------------------------------------------------------------------------


def test_relations_are_saved_read_updated_deleted_and_audited(
    store: Store, frame_passages: dict[str, Passage]
) -> None:
    ps = frame_passages
    said = link(store, ps, "content", "source", "said_by", quote="indirect")
    cue = link(store, ps, "content", "cue", "cue")
    article_id = ps["content"].article_id
    assert store.relation(said.id) == said
    assert store.relations(article_id) == [said, cue] or store.relations(article_id) == [cue, said]
    assert set(store.relations(article_id, "sara")) == {said, cue}
    assert store.relations(article_id, "omar") == []
    assert set(store.all_relations()) == {said, cue}
    assert list(store.all_relations(["omar"])) == []
    assert set(store.relations_of(ps["content"].id)) == {said, cue}
    assert store.relations_of(ps["source"].id) == [said]
    row = store.conn.execute(
        "SELECT type, from_id, to_id, labels FROM relations WHERE id = ?", (said.id,)
    ).fetchone()
    assert row == ("said_by", ps["content"].id, ps["source"].id, '{"quote":"indirect"}')

    edited = replace(said, labels={"quote": "direct", "polarity": "denied"})
    store.update_relation(edited, by="sara")
    assert store.relation(said.id) == edited
    assert store.delete_relation(said.id, by="sara") == edited
    assert store.relation(said.id) is None
    trail = store.relation_audit_trail(said.id)
    assert [t["action"] for t in trail] == ["create", "update", "delete"]
    assert trail[0]["before"] is None and trail[2]["after"] is None
    assert json.loads(trail[1]["before"])["labels"] == {"quote": "indirect"}
    assert json.loads(trail[1]["after"])["labels"] == {"polarity": "denied", "quote": "direct"}
    assert {t["annotator"] for t in trail} == {"sara"} and {t["by"] for t in trail} == {"sara"}


def test_the_store_refuses_relations_whose_ends_do_not_fit(
    store: Store, article: Article, frame_passages: dict[str, Passage]
) -> None:
    ps = frame_passages
    good = new_relation(SCHEMA, ps["content"], ps["source"], "said_by", {}, "sara")
    missing = replace(good, id="r-missing", to_id="nowhere")
    theirs = passage(article, "الوزارة", "source", annotator="omar")
    store.add_passage(theirs)
    other = make_article("نص آخر تماماً.\n")
    store.add_articles([other])
    elsewhere = Passage("far", other.id, 0, 2, "نص", "sara", kind="source")
    store.add_passage(elsewhere)
    cases = {
        "does not exist": missing,
        "is omar's, not sara's": replace(good, id="r-omar", to_id=theirs.id),
        f"is in article {other.id}, not {article.id}": replace(good, id="r-far", to_id="far"),
        "to itself": replace(good, id="r-self", to_id=good.from_id),
    }
    for reason, rel in cases.items():
        with pytest.raises(StoreError) as info:
            store.add_relation(rel, by="sara")
        assert reason in str(info.value) and "\n" not in str(info.value)
    store.add_relation(good, by="sara")
    with pytest.raises(StoreError, match="already linked"):
        store.add_relation(replace(good, id="again"), by="sara")
    with pytest.raises(StoreError, match="exists already"):
        store.add_relation(good, by="sara")
    with pytest.raises(StoreError, match="does not exist"):
        store.update_relation(missing, by="sara")
    with pytest.raises(StoreError, match="does not exist"):
        store.delete_relation("nowhere", by="sara")
    assert store.relations(article.id) == [good]
    assert store.relation_audit_trail("r-omar") == []


def test_deleting_a_passage_deletes_its_relations_each_in_the_audit(
    store: Store, frame_passages: dict[str, Passage]
) -> None:
    ps = frame_passages
    said = link(store, ps, "content", "source", "said_by")
    cue = link(store, ps, "content", "cue", "cue")
    piece = link(store, ps, "piece", "content", "part_of")
    kept = link(store, ps, "piece", "cue2", "cue")
    store.delete_passage(ps["content"].id, by="omar")
    assert store.relations(ps["content"].article_id) == [kept]
    for rel in (said, cue, piece):
        trail = store.relation_audit_trail(rel.id)
        assert [t["action"] for t in trail] == ["create", "delete"]
        assert trail[1]["by"] == "omar" and json.loads(trail[1]["before"])["id"] == rel.id
    assert [t["action"] for t in store.audit_trail(ps["content"].id)] == ["create", "delete"]


def test_foreign_keys_cascade_when_sql_deletes_a_passage_directly(
    store: Store, frame_passages: dict[str, Passage]
) -> None:
    ps = frame_passages
    link(store, ps, "content", "source", "said_by")
    assert store.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    with store.transaction():
        store.conn.execute("DELETE FROM passages WHERE id = ?", (ps["source"].id,))
    assert store.relations(ps["content"].article_id) == []
    with pytest.raises(StoreError), store.transaction():
        store.conn.execute(
            "INSERT INTO relations (id, article_id, annotator, type, from_id, to_id, created_at,"
            " updated_at) VALUES ('x', ?, 'sara', 'cue', ?, 'ghost', '', '')",
            (ps["content"].article_id, ps["content"].id),
        )


def test_add_relations_saves_a_batch_or_nothing(
    store: Store, frame_passages: dict[str, Passage]
) -> None:
    ps = frame_passages
    said = new_relation(SCHEMA, ps["content"], ps["source"], "said_by", {}, "sara")
    cue = new_relation(SCHEMA, ps["content"], ps["cue"], "cue", {}, "sara")
    assert store.add_relations([said, cue], by="importer") == []
    assert {t["action"] for r in (said, cue) for t in store.relation_audit_trail(r.id)} == {
        "import"
    }
    assert store.add_relations([said], by="importer") == [said.id]  # the same again: left out
    piece = new_relation(SCHEMA, ps["piece"], ps["content"], "part_of", {}, "sara")
    with pytest.raises(StoreError, match="does not exist"):
        store.add_relations([piece, replace(cue, id="bad", to_id="ghost")], by="importer")
    assert store.relation(piece.id) is None
    with pytest.raises(StoreError, match="other ends or labels"):
        store.add_relations([replace(said, labels={"quote": "direct"})], by="importer")
    assert store.relation_count() == 2


def test_gold_relations_link_gold_passages(store: Store, article: Article) -> None:
    from annotations.models import Decision

    a = GoldPassage("ga", article.id, 0, 3, article.text[0:3], kind="cue")
    b = GoldPassage("gb", article.id, 4, 10, article.text[4:10], kind="source")
    c = GoldPassage("gc", article.id, 28, 40, article.text[28:40])
    for g in (a, b, c):
        store.decide(Decision(article.id, g.id, "accept", "rev", gold_id=g.id), g)
    rel = GoldRelation(
        "gr",
        article.id,
        "said_by",
        "gc",
        "gb",
        {"quote": "indirect"},
        "adjudicated",
        ("r1", "r2"),
        "rev",
    )
    store.add_gold_relation(rel)
    (found,) = store.gold_relations(article.id)
    assert (found.sources, dict(found.labels), found.adjudicator) == (
        ("r1", "r2"),
        {"quote": "indirect"},
        "rev",
    )
    assert found.created_at and found.updated_at
    assert store.gold_relations() == [found]
    with pytest.raises(StoreError, match="does not exist"):
        store.add_gold_relation(replace(rel, id="gx", to_id="nope"))
    assert store.delete_gold_relation("gr") == found
    assert store.gold_relations() == []
    store.add_gold_relation(rel)
    store.undo_decision(article.id, "gb")  # its gold passage goes: the relation goes with it
    assert store.gold_relations() == []


def test_migration_9_adds_kind_and_the_relation_tables_to_an_old_database(tmp_path: Path) -> None:
    from annotations.store import migrations

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for migration in migrations.MIGRATIONS[:8]:
        migrations.apply(conn, migration)
    conn.execute("PRAGMA user_version = 8")
    conn.execute(
        "INSERT INTO articles (id, text, paragraphs, n_chars, n_paragraphs, imported_at)"
        " VALUES ('a', 'قال', '[[0, 3]]', 3, 1, '')"
    )
    conn.execute(
        'INSERT INTO passages (id, article_id, start, "end", text, annotator, created_at,'
        " updated_at, labels) VALUES ('p', 'a', 0, 3, 'قال', 'sara', '', '', '{}')"
    )
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.version == len(migrations.MIGRATIONS) == 9
    (p,) = store.passages("a")
    assert p.kind == ""
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"relations", "gold_relations", "relation_audit"} <= tables
    gold_columns = {r[1] for r in store.conn.execute("PRAGMA table_info(gold_passages)")}
    assert "kind" in gold_columns


# --- undo and redo ---------------------------------------------------------------------


def test_relation_changes_undo_and_redo(store: Store, frame_passages: dict[str, Passage]) -> None:
    ps = frame_passages
    history = History(store, "sara")
    said = link(store, ps, "content", "source", "said_by")
    history.record(RelationChange(None, said))
    edited = replace(said, labels={"quote": "direct"})
    store.update_relation(edited, by="sara")
    history.record(RelationChange(said, edited))
    store.delete_relation(said.id, by="sara")
    history.record(RelationChange(edited, None))

    history.undo()
    assert store.relation(said.id) == edited
    history.undo()
    assert store.relation(said.id) == said
    history.undo()
    assert store.relation(said.id) is None
    history.redo()
    assert store.relation(said.id) == said
    history.redo()
    assert store.relation(said.id) == edited
    actions = [t["action"] for t in store.relation_audit_trail(said.id)]
    assert actions == ["create", "update", "delete", "undo", "undo", "undo", "redo", "redo"]


def test_undoing_a_passage_delete_puts_its_relations_back(
    store: Store, frame_passages: dict[str, Passage]
) -> None:
    ps = frame_passages
    history = History(store, "sara")
    said = link(store, ps, "content", "source", "said_by", quote="direct")
    cue = link(store, ps, "content", "cue", "cue")
    change = delete_passage(store, ps["content"].id, by="sara")
    assert isinstance(change, Change) and set(change.relations) == {said, cue}
    history.record(change)
    assert store.relations(ps["content"].article_id) == []
    history.undo()
    assert store.passage(ps["content"].id) == ps["content"]
    assert set(store.relations(ps["content"].article_id)) == {said, cue}
    assert [t["action"] for t in store.relation_audit_trail(said.id)] == [
        "create",
        "delete",
        "undo",
    ]
    history.redo()
    assert store.passage(ps["content"].id) is None and store.relation_count() == 0
    history.undo()
    assert set(store.relations(ps["content"].article_id)) == {said, cue}


def test_undoing_a_delete_leaves_out_a_relation_whose_other_end_went_since(
    store: Store, frame_passages: dict[str, Passage]
) -> None:
    ps = frame_passages
    said = link(store, ps, "content", "source", "said_by")
    cue = link(store, ps, "content", "cue", "cue")
    change = delete_passage(store, ps["content"].id, by="sara")
    store.delete_passage(ps["source"].id, by="sara")
    change.revert(store, "sara", "undo")
    assert store.relations(ps["content"].article_id) == [cue]
    assert store.relation(said.id) is None


# --- frames ----------------------------------------------------------------------------


def test_frames_gather_contents_sources_and_cues(
    store: Store, frame_passages: dict[str, Passage]
) -> None:
    ps = frame_passages
    said = link(store, ps, "content", "source", "said_by")
    cue = link(store, ps, "content", "cue", "cue")
    piece = link(store, ps, "piece", "content", "part_of")
    cue2 = link(store, ps, "piece", "cue2", "cue")
    article_id = ps["content"].article_id
    found = frames(SCHEMA, store.passages(article_id), store.relations(article_id))
    assert len(found) == 1
    (frame,) = found
    assert frame.contents == (ps["content"], ps["piece"])  # text order
    assert frame.first == ps["content"]
    assert frame.sources == (ps["source"],)
    assert frame.cues == (ps["cue"], ps["cue2"])
    assert set(frame.relations) == {said, cue, piece, cue2}
    assert frame.attributed
    for p in ps.values():
        assert frame_of(p.id, found) is frame
    assert frame_of("nowhere", found) is None


def test_every_content_is_in_one_frame_and_unlinked_ones_stand_alone(
    store: Store, article: Article, frame_passages: dict[str, Passage]
) -> None:
    ps = frame_passages
    link(store, ps, "content", "source", "said_by")
    # A second claim attributed to the same source: two frames share it.
    other = passage(article, "العملية", stance="critical")
    store.add_passage(other)
    ps["other"] = other
    link(store, ps, "other", "source", "said_by")
    found = frames(SCHEMA, store.passages(article.id), store.relations(article.id))
    assert [f.contents for f in found] == [(ps["content"],), (other,), (ps["piece"],)]
    assert [f.sources for f in found] == [(ps["source"],), (ps["source"],), ()]
    assert not found[2].attributed
    assert frame_of(ps["source"].id, found) is found[0]  # the first it is a source of
    assert frame_of(other.id, found) is found[1]
    # Sources and cues alone make no frame; relations to passages not given are left out.
    assert frames(SCHEMA, [ps["source"], ps["cue"]], store.relations(article.id)) == []
    alone = frames(SCHEMA, [ps["content"]], store.relations(article.id))
    assert alone == [Frame(contents=(ps["content"],))]


def test_frames_survive_a_cycle_of_part_of_links(article: Article) -> None:
    a = passage(article, "القوات")
    b = passage(article, "العملية")
    loop = [
        Relation("r1", article.id, "sara", "part_of", a.id, b.id),
        Relation("r2", article.id, "sara", "part_of", b.id, a.id),
    ]
    (frame,) = frames(SCHEMA, [a, b], loop)
    assert frame.contents == (a, b)
    assert set(frame.relations) == set(loop)


def test_the_release_1_database_upgrades_to_kinds_and_relations(tmp_path: Path) -> None:
    import shutil

    from tests.support.release_db import DB

    db = tmp_path / "release-1.db"
    shutil.copy(DB, db)
    with Store(db) as upgraded:
        assert upgraded.version == 9
        passages = list(upgraded.all_passages())
        assert passages and {p.kind for p in passages} == {""}  # all contents, as before
        assert {g.kind for g in upgraded.gold_passages()} == {""}
        assert upgraded.relation_count() == 0
        # Two of one annotator's passages on one article can now be linked.
        by_pair: dict[tuple[str, str], list[Passage]] = {}
        for p in passages:
            by_pair.setdefault((p.article_id, p.annotator), []).append(p)
        first, second = next(ps for ps in by_pair.values() if len(ps) >= 2)[:2]
        rel = new_relation(SCHEMA, second, first, "part_of", {}, first.annotator)
        upgraded.add_relation(rel, by=first.annotator)
        (framed,) = [f for f in frames(SCHEMA, passages, [rel]) if len(f.contents) == 2]
        assert set(framed.contents) == {first, second}


def test_a_new_kind_is_checked_and_the_relations_it_breaks_are_named(
    store: Store, frame_passages: dict[str, Passage]
) -> None:
    from annotations.passages import PassageError, new_passage, relabelled
    from annotations.relations import broken_by

    ps = frame_passages
    said = link(store, ps, "content", "source", "said_by")
    cue = link(store, ps, "content", "cue", "cue")
    as_cue = relabelled(ps["source"], {}, SCHEMA, kind="cue")
    assert as_cue.kind == "cue" and dict(as_cue.labels) == {}
    by_id = {p.id: p for p in ps.values()}
    assert broken_by(SCHEMA, as_cue, [said, cue], by_id) == [said]
    assert broken_by(SCHEMA, ps["source"], [said, cue], by_id) == []
    assert relabelled(ps["cue"], {}, SCHEMA, kind="content").kind == ""  # the default
    with pytest.raises(PassageError, match="for kind cue"):
        relabelled(ps["source"], {"actor": "isis"}, SCHEMA, kind="cue")
    with pytest.raises(PassageError, match="unknown kind 'speaker'"):
        relabelled(ps["source"], {}, SCHEMA, kind="speaker")
    article = store.get_article(ps["content"].article_id)
    assert article is not None
    made = new_passage(article, 0, 3, "sara", {}, SCHEMA, kind="cue")
    assert made.kind == "cue"
    assert new_passage(article, 0, 3, "sara", {}, SCHEMA, kind="content").kind == ""
    with pytest.raises(PassageError, match="for kind source"):
        new_passage(article, 0, 3, "sara", {"stance": "critical"}, SCHEMA, kind="source")
