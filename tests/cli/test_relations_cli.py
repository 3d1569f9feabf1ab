"""Relations on the command line: `hashiya agreement` figures on them, `hashiya search
--related-to`, the gold layer's relations in export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from annotations.export.json_schema import json_schema
from annotations.review.queue import accept_relation, article_review, merge_unanimous
from annotations.schema import default_schema
from annotations.store import Store
from tests.support.corpus import SEED_ID
from tests.support.relations import (
    ASAYISH_CONTENT,
    ASAYISH_CUE,
    ASAYISH_SOURCE,
    SECURITY_CONTENT,
    SECURITY_SOURCE,
    frames_db,
)
from tui.cli import cli


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    frames_db(path, asayish=True).close()
    return path


def test_agreement_prints_relation_figures(db: Path) -> None:
    code, out, _ = run(db, "agreement")
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    # omar: said_by and cue on the security frame; sara: the same two, and the Asayish
    # frame's said_by and cue. said_by: omar 1, sara 2, 1 matched exactly (the quote
    # differs, the ends do not): P = 1/1, R = 1/2, F1 = 2/3. cue: the same counts.
    assert [
        "omar",
        "sara",
        "said_by",
        "1",
        "2",
        "1.000/0.500/0.667",
        "(1)",
        "1.000/0.500/0.667",
        "(1)",
    ] in rows
    assert [
        "omar",
        "sara",
        "all",
        "types",
        "2",
        "4",
        "1.000/0.500/0.667",
        "(2)",
        "1.000/0.500/0.667",
        "(2)",
    ] in rows
    # The quote on the one matched said_by: direct against indirect, kappa 0 (n=1: one
    # item, p_o = 0, p_e = 0), no matched relation with the same labels.
    assert ["omar", "sara", "said_by", "quote", "0.000", "(n=1)", "0", "of", "1"] in rows


def test_agreement_json_has_the_relations(db: Path) -> None:
    code, out, _ = run(db, "agreement", "--json")
    assert code == 0
    data = json.loads(out)
    relations = data["relations"]
    (pair,) = relations["pairs"]
    assert pair["types"]["said_by"]["exact"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": pytest.approx(2 / 3),
        "matched": 1,
        "n_a": 1,
        "n_b": 2,
    }
    assert pair["types"]["part_of"]["exact"]["f1"] is None
    assert relations["n_items"]["relations_by_annotator"] == {"omar": 2, "sara": 4}
    assert data["pairs"][0]["a"] == "omar"  # the passage figures are still there


def hits(db: Path, *args: str) -> list[dict[str, Any]]:
    code, out, err = run(db, "search", "--json", *args)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_search_related_to_an_actor_by_id_name_or_alias(db: Path) -> None:
    by_id = hits(db, "--related-to", "anonymous_security_source")
    assert sorted((h["annotator"], h["text"]) for h in by_id) == [
        ("omar", SECURITY_CONTENT),
        ("sara", SECURITY_CONTENT),
    ]
    # The actor's Arabic name, spelled without the hamza: the same hits.
    assert hits(db, "--related-to", "مصدر امني") == by_id
    # With the other filters: one annotator's only.
    (only,) = hits(db, "--related-to", "anonymous_security_source", "--annotator", "omar")
    assert only["annotator"] == "omar" and only["labels"] == {"claim_type": "factual_report"}
    # sara's Asayish source has no actor label: its words are one of the actor's aliases.
    (asayish,) = hits(db, "--related-to", "asayish")
    assert (asayish["annotator"], asayish["text"]) == ("sara", ASAYISH_CONTENT)
    # Words of the content too.
    assert hits(db, "--related-to", "asayish", "داقوق") == []
    assert len(hits(db, "--related-to", "مصدر أمني", "داقوق")) == 2
    # An actor nobody quotes: no hits.
    assert hits(db, "--related-to", "isis") == []


def test_search_related_to_text_output_and_bad_actor(db: Path) -> None:
    code, out, _ = run(db, "search", "--related-to", "asayish")
    assert code == 0
    assert out.splitlines()[0].startswith(f"{SEED_ID}  ")
    assert "sara" in out.splitlines()[0] and "claim_type=factual_report" in out
    code, out, err = run(db, "search", "--related-to", "nobody-at-all")
    assert code == 2 and out == ""
    (line,) = [x for x in err.splitlines() if "nobody" in x]
    assert "--related-to" in line and "no actor 'nobody-at-all'" in line
    assert "Traceback" not in err


def test_gold_export_carries_gold_relations(db: Path, tmp_path: Path) -> None:
    with Store(db) as store:
        # The Asayish frame is sara's alone: take it out, so everything left agrees but
        # the quote; settle that by hand, the rest unanimously.
        for p in store.passages(SEED_ID, "sara"):
            if p.text in (ASAYISH_CONTENT, ASAYISH_SOURCE, ASAYISH_CUE):
                store.delete_passage(p.id, by="sara")
        review = article_review(store, SEED_ID)
        (item,) = [i for i in review.relations if i.kind == "attributes_differ"]
        accept_relation(store, item, item.relations["omar"][0], "lead")
        merge_unanimous(store, "lead")
        assert article_review(store, SEED_ID).settled
    code, out, err = run(db, "export", "--layer", "gold")
    assert code == 0, err
    (line,) = [json.loads(x) for x in out.splitlines() if json.loads(x)["article_id"] == SEED_ID]
    spans = {s["id"]: s for s in line["spans"]}
    links = sorted(
        (r["type"], spans[r["from"]]["text"], spans[r["to"]]["text"], r["labels"])
        for r in line["relations"]
    )
    assert links[1] == ("said_by", SECURITY_CONTENT, SECURITY_SOURCE, {"quote": "direct"})
    assert links[0][0] == "cue"
    assert {s.get("kind", "content") for s in spans.values()} == {"content", "source", "cue"}
    # Each gold relation says where it came from: the reviewer's choice, or everyone's.
    by_type = {r["type"]: r["provenance"] for r in line["relations"]}
    assert by_type["said_by"]["origin"] == "adjudicated"
    assert by_type["cue"]["origin"] == "unanimous"
    assert by_type["said_by"]["adjudicator"] == "lead" and len(by_type["said_by"]["sources"]) == 2
    jsonschema.validate(line, json_schema(default_schema()))
    # The gold line reads back: into a fresh database, the same links between the spans.
    exported = tmp_path / "gold.jsonl"
    exported.write_text(
        "\n".join(x for x in out.splitlines() if json.loads(x)["article_id"] == SEED_ID) + "\n",
        encoding="utf-8",
    )
    fresh = tmp_path / "fresh.db"
    code, _, err = run(fresh, "import-annotations", str(exported))
    assert code == 0, err
    with Store(fresh) as store:
        passages = {p.id: p for p in store.passages(SEED_ID, "gold")}
        back = sorted(
            (r.type, passages[r.from_id].text, passages[r.to_id].text, dict(r.labels))
            for r in store.relations(SEED_ID, "gold")
        )
    assert back == links


def test_merge_unanimous_takes_agreed_relations_with_their_ends(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    frames_db(db).close()
    code, out, _ = run(db, "--annotator", "lead", "review", "merge-unanimous")
    assert code == 0
    # The content, source and cue passages agree, and so does the cue relation; the
    # said_by's quote differs and is left for a reviewer.
    assert out.strip() == (
        "3 passages, 1 relation merged into the gold layer; 1 item still need a reviewer"
        " (R in the app)"
    )
    with Store(db) as store:
        (gold,) = store.gold_relations(SEED_ID)
        assert (gold.type, gold.origin, gold.adjudicator) == ("cue", "unanimous", "lead")
    code, out, _ = run(db, "review", "queue", "--json")
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert (record["items"], record["disagreements"], record["open"]) == (5, 1, 1)
