"""`hashiya search`: articles by words (any spelling), passages by label and words."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotations.search import normalize_text
from annotations.store import Store
from tests.support.corpus import SEED_ID, two_annotator_db
from tui.cli import cli


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def hits(db: Path, *args: str) -> list[dict[str, Any]]:
    code, out, _ = run(db, "search", "--json", *args)
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def cells(line: str) -> int:
    """Terminal cells of a line of laid-out text (marks take none)."""
    return sum(1 for ch in line if not unicodedata.combining(ch))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "h.db"
    two_annotator_db(path).close()  # the seeds, and passages by sara and omar
    return path


@pytest.fixture
def texts(db: Path) -> dict[str, str]:
    with Store(db) as store:
        return {i: store.get_article(i).text for i in store.article_ids()}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("الامريكية", "الأمريكية"),  # no hamza
        ("الأمريكية", "الأمريكية"),  # as stored
        ("وتعد", "وتُعد"),  # no damma
        ("وتُعد", "وتُعد"),  # with it
        ("وَتُعَدُّ", "وتُعد"),  # more harakat than the text has
    ],
)
def test_json_offsets_are_the_stored_word(
    db: Path, texts: dict[str, str], query: str, stored: str
) -> None:
    found = hits(db, query, "--limit", "50")
    assert found
    expected = sum(1 for text in texts.values() if stored in text)
    assert len(found) == expected
    for hit in found:
        text = texts[hit["article_id"]]
        assert text[hit["start"] : hit["end"]] == stored
        assert [hit["start"], hit["end"]] == hit["spans"][0]
        for start, end in hit["spans"]:
            assert normalize_text(text[start:end]) == normalize_text(query)
        start = hit["snippet_start"]
        assert text[start : start + len(hit["snippet"])] == hit["snippet"]
        assert set(hit) == {
            "article_id",
            "start",
            "end",
            "title",
            "snippet",
            "snippet_start",
            "spans",
        }


def test_hamza_and_no_hamza_give_the_same_hits(db: Path) -> None:
    assert hits(db, "الامريكية") == hits(db, "الأمريكية")


def test_several_words_must_all_match(db: Path, texts: dict[str, str]) -> None:
    found = hits(db, "الامريكية", "داعش")
    assert found
    for hit in found:
        text = normalize_text(texts[hit["article_id"]])
        assert "الامريكيه" in text and "داعش" in text


def test_text_output_is_laid_out_and_plain(db: Path, texts: dict[str, str]) -> None:
    code, out, _ = run(db, "search", "وتعد", "--width", "70")
    assert code == 0
    assert "\x1b" not in out  # not a terminal: no escape sequences
    lines = out.splitlines()
    [hit] = hits(db, "وتعد")
    assert lines[0].startswith(f"{hit['article_id']}  {hit['start']}-{hit['end']}")
    snippet = lines[1]
    assert cells(snippet) == 70  # right-to-left: right-aligned to the width
    # Laid out: the word reads right to left, so it is printed reversed (and joined).
    assert "وتعد" not in snippet
    assert all(cells(line) <= 70 for line in lines)


def test_the_index_is_built_on_first_search(db: Path) -> None:
    with Store(db) as store:
        assert store.unindexed_count() == 5
    assert hits(db, "داعش")
    with Store(db) as store:
        assert store.unindexed_count() == 0


def test_limit_and_offset(db: Path) -> None:
    every = hits(db, "في", "--limit", "10")
    assert len(every) == 5
    assert hits(db, "في", "--limit", "2") == every[:2]
    assert hits(db, "في", "--limit", "2", "--offset", "2") == every[2:4]


def test_no_match_is_said_on_stderr(db: Path) -> None:
    code, out, err = run(db, "search", "كلمةغيرموجودة")
    assert code == 0 and out == ""
    assert "no articles match" in err


def test_a_query_is_needed(db: Path) -> None:
    code, _, err = run(db, "search")
    assert code == 2
    assert "QUERY" in err


HOSTILE = [
    '"',
    "«",
    "“unclosed",
    "*",
    "NEAR(a b)",
    "AND OR NOT",
    "title:داعش",
    "^داعش",
    "'; DROP TABLE articles; --",
    "\x1b[31mred\x1b[0m",
    "\x00",
    "\u202e\u2066داعش",
    "ـــ",
    "ًٌٍ",
    "😀 داعش",
    "(" * 500,
    "داعش " * 200,
    "a" * 5000,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_crash(db: Path, query: str) -> None:
    for args in (["--json"], []):
        code, out, err = run(db, "search", *args, "--", query)
        assert code == 0
        assert "\x1b" not in out and "\x1b" not in err
        assert "\x00" not in out and "\x00" not in err
    with Store(db) as store:
        assert store.article_count() == 5


def test_passages_by_actor(db: Path) -> None:
    found = hits(db, "--actor", "isis")
    assert sorted(p["annotator"] for p in found) == ["omar", "sara"]
    assert {p["text"] for p in found} == {"تصاعدت التحذيرات المحلية والدولية"}
    assert all(p["labels"]["actor"] == "isis" and p["article_id"] == SEED_ID for p in found)


def test_passages_by_claim_type_and_annotator(db: Path) -> None:
    [prediction] = hits(db, "--claim-type", "prediction")
    assert prediction["annotator"] == "omar"
    assert prediction["text"] == "قرار إخراج التحالف الدولي من العراق ثابت"
    assert len(hits(db, "--passages", "--annotator", "sara")) == 3
    assert len(hits(db, "--claim-type", "factual_report", "--annotator", "omar")) == 0


def test_passages_by_words_of_quote_or_note(db: Path, texts: dict[str, str]) -> None:
    found = hits(db, "--passages", "التحذيرات")  # in the quote
    assert len(found) == 2
    for p in found:
        start, end = p["text_spans"][0]
        assert p["text"][start:end] == "التحذيرات"
        assert texts[p["article_id"]][p["start"] : p["end"]] == p["text"]
    [dated] = hits(db, "--passages", "date")  # in the note
    assert dated["labels"]["note"] == "date" and dated["note_spans"] == [[0, 4]]
    assert hits(db, "--passages", "--actor", "isis", "العراق") == []  # both must hold
    # Spelling is folded as in the article search: «اخراج» finds «إخراج».
    assert len(hits(db, "--passages", "اخراج")) == 2


def test_passage_text_output(db: Path) -> None:
    code, out, _ = run(db, "search", "--actor", "isis", "--width", "60")
    assert code == 0 and "\x1b" not in out
    lines = out.splitlines()
    assert SEED_ID in lines[0] and "actor=isis" in lines[0] and "claim_type=warning" in lines[0]
    assert cells(lines[1]) == 60  # the quote, laid out right-to-left


def test_unknown_label_is_noted(db: Path) -> None:
    code, out, err = run(db, "search", "--claim-type", "rumour")
    assert code == 0 and out == ""
    assert "not a claim type" in err and "no passages match" in err


def test_index_command_indexes_only_what_is_new(tmp_path: Path) -> None:
    from annotations.importer import import_paths
    from annotations.seeds import seeds_dir

    db = tmp_path / "i.db"
    with Store(db) as store:
        import_paths(store, [str(seeds_dir())])
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", str(db), "index"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "5 articles indexed (0 already were)"
    again = runner.invoke(cli, ["--db", str(db), "index"])
    assert again.output.strip() == "0 articles indexed (5 already were)"
    with Store(db) as store:
        assert store.unindexed_count() == 0
        hits = store.conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
    assert hits == 5
    rebuilt = runner.invoke(cli, ["--db", str(db), "index", "--rebuild"])
    assert rebuilt.output.strip() == "5 articles indexed afresh"


NEWS_PLUS = Path(__file__).parents[1] / "data" / "schemas" / "news-plus.yaml"


def test_label_filters_on_any_attribute(db: Path) -> None:
    found = hits(db, "--label", "stance=critical", "--label", "claim_type=warning")
    assert sorted(p["annotator"] for p in found) == ["omar", "sara"]
    assert all(p["labels"]["stance"] == "critical" for p in found)
    assert hits(db, "--label", "stance=critical", "--label", "claim_type=prediction") == []
    [omar] = hits(db, "--label", "claim_type=prediction", "--annotator", "omar")
    assert omar["text"] == "قرار إخراج التحالف الدولي من العراق ثابت"
    # An attribute the bundled schema lacks: named, one line, nothing printed.
    code, out, err = run(db, "search", "--label", "certainty=likely")
    assert code == 2 and out == ""
    (line,) = [x for x in err.splitlines() if "certainty" in x]
    assert "unknown attribute 'certainty'" in line and "--label" in line
    code, out, err = run(db, "search", "--label", "stance=angry")
    assert code == 2 and out == ""
    assert "unknown value 'angry' of stance" in err and "critical" in err
    code, _, err = run(db, "search", "--label", "stance")
    assert code == 2 and "expected ATTR=VALUE" in err
    assert "Traceback" not in err


def test_label_filter_on_an_extra_attribute(db: Path) -> None:
    from dataclasses import replace

    with Store(db) as store:
        p = next(p for p in store.passages(SEED_ID, "sara") if p.claim_type == "warning")
        store.update_passage(replace(p, labels={**p.labels, "certainty": "doubtful"}), by="sara")
    code, out, _ = run(
        db, "--schema", str(NEWS_PLUS), "search", "--json", "--label", "certainty=doubtful"
    )
    assert code == 0
    [found] = [json.loads(line) for line in out.splitlines()]
    assert found["annotator"] == "sara" and found["labels"]["certainty"] == "doubtful"
    code, out, _ = run(db, "--schema", str(NEWS_PLUS), "search", "--label", "certainty=doubtful")
    assert code == 0 and "certainty=doubtful" in out.splitlines()[0]


TOPICS = """  - id: topics
    type: choice
    multiple: true
    values:
      - {id: security, label_ar: أمن, label_en: Security, description: Security., shortcut: "7", color: red}
      - {id: politics, label_ar: سياسة, label_en: Politics, description: Politics., shortcut: "8", color: blue}
      - {id: economy, label_ar: اقتصاد, label_en: Economy, description: Economy., shortcut: "9", color: green}

  - id: note
"""


def test_multi_valued_labels_match_by_membership(db: Path, tmp_path: Path) -> None:
    schema = tmp_path / "topics.yaml"
    text = NEWS_PLUS.read_text(encoding="utf-8")
    assert text.count("  - id: note\n") == 1
    schema.write_text(text.replace("  - id: note\n", TOPICS), encoding="utf-8")
    from dataclasses import replace

    with Store(db) as store:
        p = next(p for p in store.passages(SEED_ID, "omar") if p.claim_type == "warning")
        labels = {**p.labels, "topics": ["security", "politics"]}
        store.update_passage(replace(p, labels=labels), by="omar")
    for value in ("politics", "security"):
        code, out, _ = run(
            db, "--schema", str(schema), "search", "--json", "--label", f"topics={value}"
        )
        assert code == 0
        assert [json.loads(line)["id"] for line in out.splitlines()] == [p.id]
    code, out, err = run(db, "--schema", str(schema), "search", "--label", "topics=economy")
    assert code == 0 and out == "" and "no passages match" in err
    code, out, _ = run(db, "--schema", str(schema), "search", "--label", "topics=politics")
    assert "topics=security,politics" in out.splitlines()[0]
