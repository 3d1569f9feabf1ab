"""`hashiya export --format spacy|hf` from a database, read back with spaCy and `datasets`."""

from __future__ import annotations

import sys
from pathlib import Path

import datasets
import pytest
import spacy
from click.testing import CliRunner
from spacy.tokens import DocBin

from annotations.export.hf_dataset import CARD
from annotations.models import Article
from annotations.schema import default_schema
from annotations.text import paragraph_spans
from tests.support.corpus import passage_on, two_annotator_db
from tui.cli import cli

# A ZWJ family emoji and a flag (astral code points) before the spans.
TEXT = "👩\u200d👩\u200d👦 🇮🇶 أعلنت الحكومة العراقية: «الانسحاب سيكتمل»، وقال مسؤول إن الأمر محسوم."
ARTICLE = Article(
    id="emoji",
    title="الانسحاب",
    source="إرم نيوز",
    text=TEXT,
    paragraphs=paragraph_spans(TEXT),
)


def make_db(path: Path) -> Path:
    store = two_annotator_db(path)
    store.add_articles([ARTICLE])
    # Aligned with spaCy's tokens, then one whose end falls inside «الانسحاب».
    for phrase, attrs in (
        ("الحكومة العراقية", {"actor": "iraqi_government", "stance": "neutral"}),
        ("«الانسحاب سيكتمل»", {"claim_type": "prediction"}),
        ("الحكومة العراقية: «الانس", {"claim_type": "official_statement"}),
    ):
        store.add_passage(passage_on(ARTICLE, phrase, "sara", **attrs))
    store.close()
    return path


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "db.sqlite")


def test_export_spacy_reports_alignment_and_keeps_text(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "labels.spacy"
    code, _, err = run(db, "export", "--format", "spacy", "-o", str(out), "--label-from", "stance")
    assert code == 0, err
    lines = err.splitlines()
    assert lines[0].startswith("spacy: 7 of 8 spans align with the tokens of a blank Arabic")
    assert "1 left out of doc.spans" in lines[0]
    assert lines[1] == f"{out}: 3 written"
    assert len(lines) == 3 and lines[2].startswith("skipped: span ")
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("ar").vocab))
    emoji = next(d for d in docs if d.user_data["hashiya"]["article_id"] == "emoji")
    assert emoji.text == TEXT
    group = emoji.spans["hashiya"]
    assert [s.text for s in group] == ["الحكومة العراقية", "«الانسحاب سيكتمل»"]
    assert [s.label_ for s in group] == ["neutral", "_unset"]
    assert group[0].start_char == TEXT.index("الحكومة") == 15  # code points (UTF-16: 20)
    assert group.attrs["passages"][1]["labels"] == {"claim_type": "prediction"}
    left = emoji.user_data["hashiya"]["left_out"]
    assert [p["text"] for p in left] == ["الحكومة العراقية: «الانس"]
    assert lines[2] == f"skipped: span {left[0]['id']} (the format cannot hold it)"


def test_export_spacy_expand_keeps_every_span(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "labels.spacy"
    code, _, err = run(
        db, "export", "--format", "spacy", "--alignment-mode", "expand", "-o", str(out)
    )
    assert code == 0, err
    assert "; 1 kept with their edges moved to tokens (expand)" in err.splitlines()[0]
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("ar").vocab))
    assert sum(len(d.spans["hashiya"]) for d in docs) == 8
    emoji = next(d for d in docs if d.user_data["hashiya"]["article_id"] == "emoji")
    assert emoji.spans["hashiya"][1].text == "الحكومة العراقية: «الانسحاب"


def test_export_hf_loads_with_every_offset_exact(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "dataset"
    code, _, err = run(db, "export", "--format", "hf", "-o", str(out))
    assert code == 0, err
    assert err.splitlines() == [f"{out}: 3 written"]
    dataset = datasets.load_from_disk(str(out))
    schema = default_schema()
    labels = dataset.features["spans"].feature["labels"]
    assert labels["stance"].names == [v.id for v in schema.stances]
    assert labels["claim_type"].names == [v.id for v in schema.claim_types]
    spans = 0
    for row in dataset:
        for item in row["spans"]:
            assert row["text"][item["start"] : item["end"]] == item["text"]
            spans += 1
    assert spans == 8
    emoji = next(r for r in dataset if r["article_id"] == "emoji")
    assert emoji["text"] == TEXT
    assert [
        labels["claim_type"].int2str(s["labels"]["claim_type"]) for s in emoji["spans"][1:]
    ] == [
        "official_statement",
        "prediction",
    ]
    card = (out / CARD).read_text(encoding="utf-8")
    assert "| omar / sara |" in card and "| sara | 2 | 6 |" in card


def test_export_hf_needs_a_folder_and_has_no_span_unit(db: Path) -> None:
    code, _, err = run(db, "export", "--format", "hf")
    assert code == 2 and "--format hf writes a folder: give -o FOLDER" in err
    code, _, err = run(db, "export", "--format", "spacy", "--unit", "span", "-o", "x.spacy")
    assert code == 2 and "--format spacy has no --unit span" in err


@pytest.mark.parametrize(("name", "package"), [("spacy", "spacy"), ("hf", "datasets")])
def test_export_without_the_package_is_one_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, package: str
) -> None:
    monkeypatch.setitem(sys.modules, package, None)
    code, _, err = run(db, "export", "--format", name, "-o", str(tmp_path / "out"))
    assert code == 1
    assert err == (
        f"Error: --format {name} needs the {package} package, which is not installed"
        f" (pip install '{package}', or pip install 'hashiya[test]')\n"
    )
    assert not (tmp_path / "out").exists()


def test_export_hf_gold_layer_keeps_provenance(tmp_path: Path) -> None:
    from annotations.review.queue import accept, article_review, merge_unanimous, reject
    from tests.support.corpus import SEED_ID

    db = tmp_path / "team.db"
    store = two_annotator_db(db)
    merge_unanimous(store, "lead")
    disputed, single = article_review(store, SEED_ID).open_items
    accept(store, disputed, disputed.passages["omar"][0], "lead")
    reject(store, single, "lead")
    store.close()
    out = tmp_path / "gold"
    code, _, err = run(db, "export", "--format", "hf", "--layer", "gold", "-o", str(out))
    assert code == 0, err
    (row,) = datasets.load_from_disk(str(out))
    assert row["annotator"] == "gold"
    assert [s["provenance"]["origin"] for s in row["spans"]] == ["unanimous", "adjudicated"]
    assert row["spans"][1]["provenance"]["adjudicator"] == "lead"
    assert len(row["spans"][1]["provenance"]["sources"]) == 2
    card = (out / CARD).read_text(encoding="utf-8")
    assert "One annotator (or the gold layer): no agreement figures." in card


def test_export_hf_over_another_folder_is_one_line(db: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    code, _, err = run(db, "export", "--format", "hf", "-o", str(mine))
    assert code == 1
    assert err == (
        f"Error: {mine}: cannot write (a folder that is neither empty nor a saved dataset"
        " is in the way)\n"
    )
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
