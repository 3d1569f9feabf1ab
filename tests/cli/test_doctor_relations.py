"""`hashiya doctor` on kinds and relations: dangling ends, kinds the type does not link,
unknown types and labels, attributes outside a passage's kind — reported, never fixed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from annotations.models import Relation
from annotations.store import Store
from tests.support.corpus import SEED_ID, passage_on, two_annotator_db
from tui.cli import cli

STAMP = "2026-01-02T03:04:05.000000Z"


def frame_db(path: Path) -> tuple[Store, dict[str, str]]:
    store = two_annotator_db(path)
    article = store.get_article(SEED_ID)
    assert article is not None
    words = article.text.split()
    content = passage_on(article, " ".join(words[2:5]), "sara", stance="neutral")
    source = replace(passage_on(article, words[0], "sara"), kind="source")
    cue = replace(passage_on(article, words[1], "sara"), kind="cue")
    for p in (content, source, cue):
        store.add_passage(p)
    for rid, rel_type, to in (("r1", "said_by", source), ("r2", "cue", cue)):
        store.add_relation(
            Relation(
                rid, SEED_ID, "sara", rel_type, content.id, to.id, {}, "news", "1.0", STAMP, STAMP
            ),
            by="sara",
        )
    return store, {"content": content.id, "source": source.id, "cue": cue.id}


def doctor(db: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["--db", str(db), "doctor"], catch_exceptions=False)
    return result.exit_code, result.output.splitlines()


def test_a_database_with_frames_is_healthy(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    frame_db(db)[0].close()
    code, lines = doctor(db)
    assert code == 0, lines
    assert lines[-1].endswith(": ok")


def test_broken_relations_and_kinds_are_reported_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    store, ids = frame_db(db)
    # What another tool with foreign keys off, or a hand edit, could leave behind.
    store.conn.execute("PRAGMA foreign_keys = OFF")
    store.conn.execute("DELETE FROM passages WHERE id = ?", (ids["cue"],))
    store.conn.execute("UPDATE passages SET kind = 'cue' WHERE id = ?", (ids["source"],))
    store.conn.execute(
        "UPDATE passages SET labels = json_set(labels, '$.stance', 'critical') WHERE id = ?",
        (ids["source"],),
    )
    store.conn.execute(
        "INSERT INTO relations (id, article_id, annotator, type, from_id, to_id, labels,"
        " created_at, updated_at) VALUES ('r3', ?, 'sara', 'quoted_by', ?, ?, '{}', '', ''),"
        " ('r4', ?, 'sara', 'part_of', ?, ?, '{\"quote\":\"direct\"}', '', '')",
        (SEED_ID, ids["content"], ids["source"], SEED_ID, ids["content"], ids["content"] + "x"),
    )
    store.conn.execute("UPDATE passages SET kind = 'speaker' WHERE annotator = 'omar'")
    before = store.conn.execute("SELECT * FROM relations ORDER BY id").fetchall()
    store.close()
    code, lines = doctor(db)
    assert code == 1
    source, cue, content = ids["source"], ids["cue"], ids["content"]
    expected = [
        f"passage {source} (sara): stance: unknown attribute 'stance' for kind cue (expected: note)",
        "relation r1 (sara, said_by): said by links a Content to a Source: its to end is a Cue"
        " passage, not a Source",
        f"relation r2 (sara, cue): its to passage {cue} does not exist",
        "relation r3 (sara, quoted_by): unknown relation type 'quoted_by' (expected one of:"
        " said_by, cue, part_of)",
        f"relation r4 (sara, part_of): its to passage {content}x does not exist",
    ]
    for line in expected:
        assert line in lines, (line, lines)
    unknown_kind = [line for line in lines if "kind: unknown kind 'speaker'" in line]
    assert len(unknown_kind) == 2  # omar's two passages
    store = Store(db)
    assert store.conn.execute("SELECT * FROM relations ORDER BY id").fetchall() == before
