"""`hashiya suggest --evaluate --against FILE|gold|ANNOTATOR`: the figures per suggester,
on the hand-labelled reference set and on real labels; bad references in one line."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.schema import default_schema
from annotations.seeds import seed_articles
from annotations.store import Store
from annotations.suggest import Suggestion
from annotations.suggest.evaluate import Reference, RefSpan, load_reference, score
from tests.support.corpus import SEED_ID, passage_on, two_annotator_db
from tui.cli import cli

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "suggest-reference.yaml"


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), "--annotator", "sara", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def figures(out: str) -> dict[str, dict[str, object]]:
    return {row["source"]: row for row in json.loads(out)}


def test_the_reference_set_figures(tmp_path: Path) -> None:
    # an empty database: the reference is on the bundled seeds
    code, out, err = run(
        tmp_path / "h.db", "suggest", "--evaluate", "--against", str(REFERENCE), "--json"
    )
    assert code == 0, err
    got = figures(out)
    counts = {
        source: (row["suggested"], row["correct"], row["found"], row["reference"])
        for source, row in got.items()
    }
    assert counts == {
        "actors": (123, 113, 113, 122),
        "cues": (28, 12, 12, 52),
        "quotes": (20, 20, 20, 21),
        "propagation": (0, 0, 0, 174),  # nothing tagged to spread
        "gold": (0, 0, 0, 122),  # no gold layer
    }
    assert got["actors"]["precision"] == pytest.approx(113 / 123)
    assert got["actors"]["recall"] == pytest.approx(113 / 122)
    assert got["cues"]["overlap"]["found"] == 21  # type: ignore[index]
    assert got["gold"]["precision"] is None
    # nothing stored: evaluating is not suggesting
    with Store(tmp_path / "h.db") as store:
        assert store.suggestions() == []


def test_the_table_names_each_suggester(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path / "h.db", "suggest", "--evaluate", "--against", str(REFERENCE))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "source", "against", "suggested", "correct", "found", "P", "R", "F1", "P~", "R~", "F1~"
    ]  # fmt: skip
    assert lines[1].split()[:8] == [
        "actors",
        "mentions",
        "123",
        "113",
        "113/122",
        "91.9",
        "92.6",
        "92.2",
    ]
    assert lines[-1].startswith("3 articles of ")


def test_the_reference_spans_are_whole_words() -> None:
    """Each hand-labelled span starts and ends on a word edge (a clitic before it is
    outside, but for the ل that took the alef of ال)."""
    texts = {a.id: a.text for a in seed_articles()}
    reference = load_reference(str(REFERENCE), REFERENCE.read_text(), texts.get, default_schema())
    assert len(reference.article_ids) == 3
    assert reference.count("mentions") == 122 and reference.count("claims") == 52
    assert reference.count("quotes") == 21

    def letter(ch: str) -> bool:
        return unicodedata.category(ch)[0] in "LM"

    for article_id, by in reference.spans.items():
        text = texts[article_id]
        for category, spans in by.items():
            for span in spans:
                before = text[span.start - 1] if span.start else " "
                after = text[span.end] if span.end < len(text) else " "
                clitic = before in "وفبلك" and (span.start < 2 or not letter(text[span.start - 2]))
                assert not letter(before) or clitic, (category, text[span.start : span.end])
                assert not letter(after), (category, text[span.start : span.end])


def test_against_an_annotator_reads_her_passages(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    two_annotator_db(db).close()
    with Store(db) as store:
        article = store.get_article(SEED_ID)
        assert article is not None
        for n in (1, 2):  # two mentions she tagged, and one with the wrong actor
            store.add_passage(passage_on(article, "داعش", "lina", n, actor="isis"))
        store.add_passage(passage_on(article, "التحالف الدولي", "lina", actor="isis"))
    args = ("suggest", "--evaluate", "--against", "lina", "--sources", "actors", "--json")
    code, out, err = run(db, *args)
    assert code == 0, err
    row = figures(out)["actors"]
    assert row["reference"] == 3 and row["found"] == 2 and row["correct"] == 2
    assert row["suggested"] > 20  # every mention on the article she labelled
    assert row["precision"] == pytest.approx(2 / row["suggested"])  # type: ignore[operator]


@pytest.mark.parametrize(
    ("against", "message"),
    [
        ("gold", "--against gold: the gold layer is empty"),
        ("nobody", "--against: no file 'nobody' and no passages by that annotator"),
    ],
)
def test_against_nothing_is_one_line(tmp_path: Path, against: str, message: str) -> None:
    code, _, err = run(tmp_path / "h.db", "suggest", "--evaluate", "--against", against)
    assert code == 1 and message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("format: x\narticles: []\n", "ref.yaml:1: format: expected 'hashiya-suggest-reference/1'"),
        (
            "format: hashiya-suggest-reference/1\narticles:\n  - article: nope\n",
            "ref.yaml:3: articles[0].article: no article 'nope' in the database",
        ),
        (
            f"format: hashiya-suggest-reference/1\narticles:\n  - article: {SEED_ID}\n"
            "    mentions:\n      - [داعش, isis]\n      - [داعش, nobody]\n",
            "ref.yaml:6: articles[0].mentions[1][1]: unknown actor 'nobody'",
        ),
        (
            f"format: hashiya-suggest-reference/1\narticles:\n  - article: {SEED_ID}\n"
            "    claims:\n      - ليس في النص\n",
            "ref.yaml:5: articles[0].claims[0]: 'ليس في النص' is not in the text after offset 0",
        ),
        (
            f"format: hashiya-suggest-reference/1\narticles:\n  - article: {SEED_ID}\n"
            "    mentions:\n      - [داعش, isis, 0]\n",
            "ref.yaml:5: articles[0].mentions[0][2]: expected an occurrence: 1, 2, ...",
        ),
        ("format: [\n", "ref.yaml:2: not YAML"),
    ],
)
def test_a_bad_reference_file_is_one_line(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "ref.yaml"
    path.write_text(body, encoding="utf-8")
    code, out, err = run(tmp_path / "h.db", "suggest", "--evaluate", "--against", str(path))
    assert code == 1 and out == ""
    assert f"{path}{message.removeprefix('ref.yaml')}" in err, err
    assert len(err.strip().splitlines()) == 1


def test_evaluate_options_go_together(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "h.db", "suggest", "--evaluate")
    assert code == 2 and "--evaluate needs --against" in err
    code, _, err = run(tmp_path / "h.db", "suggest", "--all", "--against", "gold")
    assert code == 2 and "--against and --json are for --evaluate" in err


def test_score_exact_overlap_and_actor() -> None:
    schema = default_schema()
    reference = Reference(
        {"a": {"mentions": [RefSpan(0, 10, "isis")], "claims": [RefSpan(20, 40)]}}
    )

    def s(start: int, end: int, source: str, **labels: str) -> Suggestion:
        return Suggestion("a", start, end, "", labels, source)

    exact = score("actors", [s(0, 10, "actors", actor="isis")], reference, schema)
    assert (exact.precision, exact.recall, exact.f1) == (1.0, 1.0, 1.0)
    wrong = score("actors", [s(0, 10, "actors", actor="sdf")], reference, schema)
    assert (wrong.correct, wrong.found, wrong.overlap_correct) == (0, 0, 0)
    # a claim cut short: not exact; overlapping 15 of 20 characters: counted as overlap
    near = score("cues", [s(25, 40, "cues"), s(41, 60, "cues")], reference, schema)
    assert (near.suggested, near.correct, near.overlap_correct, near.overlap_found) == (2, 0, 1, 1)
    assert near.overlap_precision == 0.5 and near.overlap_recall == 1.0
    assert near.recall == 0.0 and near.f1 == 0.0
