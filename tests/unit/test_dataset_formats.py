"""`--format spacy` and `--format hf`, read back with the real spaCy and `datasets`.

The records are native records as the export makes them: spans with `labels` and the
record's `document_labels`, and spans in the first layout (actor … note fields), under
the bundled schema and under tests/data/schemas/news-plus.yaml, whose `certainty` and
`overall_stance` must come through with no code for them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import datasets
import pytest
import spacy
from spacy.tokens import DocBin

from annotations.export import FORMATS, ExportOptions
from annotations.export.hf_dataset import CARD
from annotations.export.labelled import MissingPackage, record_document_labels, span_labels
from annotations.export.spacy_docbin import SPANS_KEY, USER_DATA_KEY
from annotations.schema import LabelSchema, default_schema, load_schema

ROOT = Path(__file__).resolve().parent.parent.parent
NEWS_PLUS = ROOT / "tests" / "data" / "schemas" / "news-plus.yaml"

# A family emoji (five code points joined by ZWJ) before every span: code points, not
# UTF-16 units (which would count eight) nor bytes.
FAMILY = "👨\u200d👩\u200d👧"
TEXT = f"{FAMILY} قال الوزير: «سنفعل ذلك» ثم غادر."


def at(phrase: str, n: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(n):
        start = TEXT.index(phrase, start + 1)
    return start, start + len(phrase)


def span(span_id: str, start: int, end: int, **labels: Any) -> dict[str, Any]:
    return {
        "id": span_id,
        "start": start,
        "end": end,
        "text": TEXT[start:end],
        "labels": labels,
        "created_at": "2026-01-02T03:04:05Z",
        "updated_at": "2026-01-02T03:04:06Z",
    }


def record(annotator: str, spans: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "format": "hashiya/2",
        "article_id": "a1",
        "title": "تصريح",
        "source": "إرم نيوز",
        "published": "2026-01-01",
        "origin": "seeds/a1.txt",
        "metadata": {},
        "text": TEXT,
        "annotator": annotator,
        "status": "done",
        "schema": {"name": "news-plus", "version": "1.0"},
        "spans": spans,
        "exported_at": "2026-01-03T00:00:00Z",
        **extra,
    }


WORD = at("الوزير")  # one token
WORD_COLON = at("الوزير:")  # two tokens
QUOTE = at("«سنفعل ذلك»")  # four tokens, overlapping nothing above
INSIDE = at("لوزير")  # inside a token: no whole token within it
ACROSS = at("قال الوزير: «سن")  # its end falls inside «سنفعل»


def plus_records() -> list[dict[str, Any]]:
    sara = record(
        "sara",
        [
            span("s1", *WORD, actor="iraqi_government", stance="critical", certainty="certain"),
            span("s2", *WORD_COLON, claim_type="warning", certainty="likely"),
            span("s3", *QUOTE, stance="neutral", target="الاتفاق", note="اقتباس"),
            span("s4", *INSIDE, claim_type="opinion"),
            span("s5", *ACROSS, claim_type="denial", certainty="doubtful"),
        ],
        document_labels={"overall_stance": "critical"},
    )
    omar = record(
        "omar",
        [span("o1", *WORD, actor="iraqi_government", stance="critical", certainty="likely")],
        document_labels={},
    )
    return [omar, sara]


def first_layout_record() -> dict[str, Any]:
    """A span as the first native layout writes it: five fixed fields, actor an object."""
    start, end = QUOTE
    return {
        **record("layla", []),
        "format": "hashiya/1",
        "schema": {"name": "news", "version": "1.0"},
        "spans": [
            {
                "id": "l1",
                "start": start,
                "end": end,
                "text": TEXT[start:end],
                "actor": {"id": "isis", "name_ar": "داعش", "name_en": "ISIS", "aliases": []},
                "stance": "critical",
                "target": None,
                "claim_type": "warning",
                "note": None,
                "created_at": "",
                "updated_at": "",
            }
        ],
    }


@pytest.fixture(scope="module")
def plus() -> LabelSchema:
    return load_schema(NEWS_PLUS)


def multi_schema(tmp_path: Path) -> LabelSchema:
    """news-plus with `certainty` multi-valued and a boolean document attribute."""
    text = NEWS_PLUS.read_text(encoding="utf-8")
    text = text.replace(
        "  - id: certainty\n    type: choice\n",
        "  - id: certainty\n    type: choice\n    multiple: true\n",
    )
    text += "\n  - id: verified\n    type: boolean\n"
    path = tmp_path / "multi.yaml"
    path.write_text(text, encoding="utf-8")
    return load_schema(path)


def export(name: str, records: list[dict[str, Any]], dest: Path, **options: Any) -> list[str]:
    said: list[str] = []
    summary = FORMATS[name].write(records, dest, ExportOptions(report=said.append, **options))
    assert summary.written == len(records)
    return said


def read_docs(path: Path) -> list[Any]:
    return list(DocBin().from_disk(path).get_docs(spacy.blank("ar").vocab))


# --------------------------------------------------------------------------- labels


def test_span_labels_read_both_layouts() -> None:
    assert span_labels(first_layout_record()["spans"][0]) == {
        "actor": "isis",
        "stance": "critical",
        "claim_type": "warning",
    }
    assert span_labels({"labels": {"certainty": ["likely"], "note": "", "x": None}}) == {
        "certainty": ["likely"]
    }


def test_document_labels_in_each_shape() -> None:
    labels = {"overall_stance": "mixed"}
    assert record_document_labels({"annotator": "a", "document_labels": labels}) == labels
    assert record_document_labels({"annotator": "a", "document_labels": {"a": labels}}) == labels
    listed = [{"annotator": "b", "labels": {}}, {"annotator": "a", "labels": labels}]
    assert record_document_labels({"annotator": "a", "document_labels": listed}) == labels
    assert record_document_labels({"annotator": "a"}) == {}


# --------------------------------------------------------------------------- spaCy


def test_spacy_strict_keeps_aligned_spans_exactly(tmp_path: Path, plus: LabelSchema) -> None:
    out = tmp_path / "out.spacy"
    said = export("spacy", plus_records(), out, schema=plus, label_from="claim_type")
    assert said == [
        "spacy: 4 of 6 spans align with the tokens of a blank Arabic pipeline (a spaCy span is"
        " whole tokens, and its tokenizer keeps some punctuation and every clitic on the word);"
        " 2 left out of doc.spans (kept in doc.user_data['hashiya']['left_out']):"
        " --alignment-mode contract or expand moves their edges to tokens"
    ]
    omar, sara = read_docs(out)
    assert sara.text == TEXT
    group = sara.spans[SPANS_KEY]
    passages = group.attrs["passages"]
    assert [p["id"] for p in passages] == ["s1", "s2", "s3"]
    for made, passage in zip(group, passages, strict=True):
        assert (made.start_char, made.end_char) == (passage["start"], passage["end"])
        assert made.text == passage["text"] == TEXT[passage["start"] : passage["end"]]
    # Overlapping spans both kept; label_ from --label-from, `_unset` without a value.
    assert [s.label_ for s in group] == ["_unset", "warning", "_unset"]
    assert (group[0].start_char, group[0].end_char) == WORD
    assert passages[0]["labels"] == {
        "actor": "iraqi_government",
        "stance": "critical",
        "certainty": "certain",
    }
    assert passages[2]["labels"]["target"] == "الاتفاق"
    hashiya = sara.user_data[USER_DATA_KEY]
    assert hashiya["annotator"] == "sara" and hashiya["article_id"] == "a1"
    assert [p["id"] for p in hashiya["left_out"]] == ["s4", "s5"]
    assert hashiya["left_out"][1]["labels"]["certainty"] == "doubtful"
    # Document labels: one-hot over the schema's values of overall_stance.
    assert sara.cats == {
        "overall_stance:supportive": 0.0,
        "overall_stance:critical": 1.0,
        "overall_stance:neutral": 0.0,
        "overall_stance:mixed": 0.0,
    }
    assert hashiya["document_labels"] == {"overall_stance": "critical"}
    assert omar.cats == {}  # nothing chosen: no cats, rather than a row of zeros


def test_spacy_label_from_any_attribute(tmp_path: Path, plus: LabelSchema) -> None:
    out = tmp_path / "out.spacy"
    export("spacy", plus_records(), out, schema=plus, label_from="certainty")
    _, sara = read_docs(out)
    assert [s.label_ for s in sara.spans[SPANS_KEY]] == ["certain", "likely", "_unset"]


@pytest.mark.parametrize(
    ("mode", "moved", "edges", "left_out"),
    [
        ("contract", 1, {"s5": at("قال الوزير: «")}, ["s4"]),
        ("expand", 2, {"s4": WORD, "s5": at("قال الوزير: «سنفعل")}, []),
    ],
)
def test_spacy_alignment_modes_move_edges(
    tmp_path: Path,
    plus: LabelSchema,
    mode: str,
    moved: int,
    edges: dict[str, tuple[int, int]],
    left_out: list[str],
) -> None:
    out = tmp_path / "out.spacy"
    said = export("spacy", plus_records(), out, schema=plus, alignment_mode=mode)
    assert f"; {moved} kept with their edges moved to tokens ({mode})" in said[0]
    assert said[0].startswith("spacy: 4 of 6 spans align")
    _, sara = read_docs(out)
    group = sara.spans[SPANS_KEY]
    by_id = {p["id"]: s for s, p in zip(group, group.attrs["passages"], strict=True)}
    for span_id, (start, end) in edges.items():
        made = by_id[span_id]
        assert (made.start_char, made.end_char) == (start, end)
        original = next(p for p in group.attrs["passages"] if p["id"] == span_id)
        assert (original["start"], original["end"]) == {"s4": INSIDE, "s5": ACROSS}[span_id]
    assert [p["id"] for p in sara.user_data[USER_DATA_KEY]["left_out"]] == left_out


def test_spacy_multiple_values_are_several_spans(tmp_path: Path) -> None:
    schema = multi_schema(tmp_path)
    records = [
        record(
            "sara",
            [span("s1", *WORD, certainty=["certain", "likely"])],
            document_labels={"overall_stance": "neutral", "verified": True},
        )
    ]
    out = tmp_path / "out.spacy"
    export("spacy", records, out, schema=schema, label_from="certainty")
    (doc,) = read_docs(out)
    group = doc.spans[SPANS_KEY]
    assert [(s.label_, s.start_char, s.end_char) for s in group] == [
        ("certain", *WORD),
        ("likely", *WORD),
    ]
    assert [p["id"] for p in group.attrs["passages"]] == ["s1", "s1"]
    assert doc.cats["verified"] == 1.0
    assert doc.cats["overall_stance:neutral"] == 1.0


def test_spacy_first_layout_records_with_the_bundled_schema(tmp_path: Path) -> None:
    out = tmp_path / "out.spacy"
    export("spacy", [first_layout_record()], out, schema=default_schema(), label_from="actor")
    (doc,) = read_docs(out)
    (made,) = doc.spans[SPANS_KEY]
    assert made.label_ == "isis" and made.text == "«سنفعل ذلك»"
    assert doc.spans[SPANS_KEY].attrs["passages"][0]["labels"]["claim_type"] == "warning"
    assert doc.cats == {}


# --------------------------------------------------------------------------- Hugging Face


def check_offsets(dataset: Any) -> int:
    """Every span's offsets against its row's text; the number of spans checked."""
    checked = 0
    for row in dataset:
        for item in row["spans"]:
            assert row["text"][item["start"] : item["end"]] == item["text"]
            checked += 1
    return checked


def test_hf_features_from_the_schema(tmp_path: Path, plus: LabelSchema) -> None:
    out = tmp_path / "hf"
    records = plus_records()
    export("hf", records, out, schema=plus)
    dataset = datasets.load_from_disk(str(out))
    assert len(dataset) == 2
    assert check_offsets(dataset) == 6
    span_feature = dataset.features["spans"].feature
    labels = span_feature["labels"]
    assert list(labels) == [a.id for a in plus.attributes]
    assert labels["certainty"].names == ["certain", "likely", "doubtful"]
    assert labels["stance"].names == [v.id for v in plus.stances]
    assert labels["claim_type"].names == [v.id for v in plus.claim_types]
    assert labels["actor"] == datasets.Value("string")
    assert span_feature["start"] == datasets.Value("int32")
    assert span_feature["created_at"] == datasets.Value("string")
    document = dataset.features["document_labels"]
    assert document["overall_stance"].names == ["supportive", "critical", "neutral", "mixed"]

    omar, sara = dataset
    assert (omar["annotator"], sara["annotator"]) == ("omar", "sara")
    assert sara["document_labels"] == {"overall_stance": 1}
    assert omar["document_labels"] == {"overall_stance": None}
    first = sara["spans"][0]
    assert (first["id"], first["start"], first["end"]) == ("s1", *WORD)
    assert labels["certainty"].int2str(first["labels"]["certainty"]) == "certain"
    assert first["labels"]["actor"] == "iraqi_government"
    assert first["labels"]["claim_type"] is None
    assert sara["spans"][2]["labels"]["target"] == "الاتفاق"
    assert first["created_at"] == "2026-01-02T03:04:05Z"


def test_hf_multiple_values_are_a_list_of_class_labels(tmp_path: Path) -> None:
    schema = multi_schema(tmp_path)
    records = [
        record(
            "sara",
            [span("s1", *WORD, certainty=["doubtful", "certain"]), span("s2", *QUOTE)],
            document_labels={"verified": False},
        )
    ]
    out = tmp_path / "hf"
    export("hf", records, out, schema=schema)
    dataset = datasets.load_from_disk(str(out))
    certainty = dataset.features["spans"].feature["labels"]["certainty"]
    assert isinstance(certainty, datasets.List)
    assert certainty.feature.names == ["certain", "likely", "doubtful"]
    first, second = dataset[0]["spans"]
    assert first["labels"]["certainty"] == [2, 0]  # in the order given
    assert second["labels"]["certainty"] == []
    assert dataset.features["document_labels"]["verified"] == datasets.Value("bool")
    assert dataset[0]["document_labels"] == {"overall_stance": None, "verified": False}


def test_hf_first_layout_records_and_no_document_attributes(tmp_path: Path) -> None:
    out = tmp_path / "hf"
    export("hf", [first_layout_record()], out, schema=default_schema())
    dataset = datasets.load_from_disk(str(out))
    assert "document_labels" not in dataset.features
    (item,) = dataset[0]["spans"]
    names = dataset.features["spans"].feature["labels"]["claim_type"]
    assert names.int2str(item["labels"]["claim_type"]) == "warning"
    assert item["labels"]["actor"] == "isis"
    assert check_offsets(dataset) == 1


def test_hf_card_states_schema_annotators_agreement_offsets(
    tmp_path: Path, plus: LabelSchema
) -> None:
    out = tmp_path / "hf"
    export("hf", plus_records(), out, schema=plus)
    card = (out / CARD).read_text(encoding="utf-8")
    assert card.startswith("---\nlanguage:\n- ar\n")
    assert "**Unicode code points** of `text`, the article's text in NFC, and are half-open" in card
    assert "#### `certainty`: Certainty (درجة اليقين)" in card
    assert "| `doubtful` | Doubtful | مشكوك فيه | Presented as uncertain or disputed" in card
    assert "### Document attributes" in card and "#### `overall_stance`" in card
    assert "| omar | 1 | 1 |" in card and "| sara | 1 | 5 |" in card
    # omar and sara both have the one-token span: span F1 exact = 2*1/(1+5).
    assert "| omar / sara | 0.333 |" in card
    assert "Krippendorff's alpha" in card


def test_hf_card_one_annotator_has_no_agreement(tmp_path: Path) -> None:
    out = tmp_path / "hf"
    export("hf", [first_layout_record()], out, schema=default_schema())
    card = (out / CARD).read_text(encoding="utf-8")
    assert "One annotator (or the gold layer): no agreement figures." in card
    assert "| layla | 1 | 1 |" in card


def test_hf_replaces_a_dataset_but_not_another_folder(tmp_path: Path, plus: LabelSchema) -> None:
    out = tmp_path / "hf"
    export("hf", plus_records(), out, schema=plus)
    export("hf", [first_layout_record()], out, schema=default_schema())
    assert len(datasets.load_from_disk(str(out))) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hf"]  # no stage left behind
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(FileExistsError):
        export("hf", plus_records(), other, schema=plus)
    assert [p.name for p in other.iterdir()] == ["mine.txt"]


# --------------------------------------------------------------------------- packages


@pytest.mark.parametrize(("name", "package"), [("spacy", "spacy"), ("hf", "datasets")])
def test_missing_package_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, package: str
) -> None:
    monkeypatch.setitem(sys.modules, package, None)  # import raises ImportError
    with pytest.raises(MissingPackage) as caught:
        FORMATS[name].write(plus_records(), tmp_path / "out", ExportOptions())
    assert str(caught.value) == (
        f"--format {name} needs the {package} package, which is not installed"
        f" (pip install '{package}', or pip install 'hashiya[test]')"
    )
    assert not (tmp_path / "out").exists()


def test_packages_are_imported_only_by_their_formats() -> None:
    code = (
        "import sys, tui.cli, annotations.export.spacy_docbin, annotations.export.hf_dataset\n"
        "print(sorted(m for m in ('spacy', 'datasets') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "[]"


def test_empty_exports_load_back(tmp_path: Path, plus: LabelSchema) -> None:
    FORMATS["hf"].write([], tmp_path / "hf", ExportOptions(schema=plus))
    dataset = datasets.load_from_disk(str(tmp_path / "hf"))
    assert len(dataset) == 0
    assert dataset.features["spans"].feature["labels"]["certainty"].names == [
        "certain",
        "likely",
        "doubtful",
    ]
    said: list[str] = []
    FORMATS["spacy"].write([], tmp_path / "x.spacy", ExportOptions(report=said.append))
    assert read_docs(tmp_path / "x.spacy") == []
    assert said[0].startswith("spacy: 0 of 0 spans align")
