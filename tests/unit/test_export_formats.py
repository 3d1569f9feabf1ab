"""The dataset formats: native JSON Lines, the span unit, Prodigy, doccano, Label Studio, brat."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.export import (
    FORMATS,
    UNSET_LABEL,
    ActorInfo,
    ExportOptions,
    FormatError,
    brat_annotation_conf,
    dumps_line,
    json_schema,
    native_record,
    parse_native_line,
    sentence_bounds,
    span_records,
    to_brat,
    to_doccano,
    to_labelstudio,
    to_prodigy,
    write_brat,
)
from annotations.export.formats import brat_fragments, safe_filename
from annotations.export.hashing import murmurhash3_32
from annotations.models import Article, Passage
from annotations.schema import default_schema, load_schema

# Arabic, Latin and digits; an emoji (outside the BMP) before the second span; the third
# span crosses a newline.
TEXT = (
    "قال الوزير Ahmad Ali إن 3 قرارات صدرت عام 2024. 😀 الحكومة ترفض ذلك!\n"
    "وأكد المتحدث أن «الاتفاق\nسيوقع غداً» في بغداد؟"
)
ARTICLE = Article(
    id="a1",
    title="تحركات قرب الحدود",
    source="إرم نيوز",
    text=TEXT,
    paragraphs=((0, 67), (68, len(TEXT))),
    published="2024-05-01",
    origin="seeds/a1.txt",
    metadata={"lang": "ar"},
)
ACTORS = {
    "gov-iq": ActorInfo("gov-iq", "الحكومة العراقية", "Iraqi government", ("بغداد",)),
}
STAMPS = {"created_at": "2024-05-02T10:00:00Z", "updated_at": "2024-05-02T10:05:00Z"}
SCHEMA = {"schema_name": "news", "schema_version": "1"}
EXPORTED_AT = "2024-06-01T00:00:00Z"


def passage(pid: str, start: int, end: int, annotator: str = "salma", **attributes: Any) -> Passage:
    return Passage(
        id=pid,
        article_id="a1",
        start=start,
        end=end,
        text=TEXT[start:end],
        annotator=annotator,
        **attributes,
        **SCHEMA,
        **STAMPS,
    )


# Given out of order: the record sorts them.
PASSAGES = [
    passage(
        "p3",
        85,
        103,
        actor="gov-iq",
        stance="supportive",
        claim_type="prediction",
        target="الاتفاق",
    ),
    passage("p1", 11, 32, actor="minister", claim_type="factual", note="اسم لاتيني"),
    passage("p2", 50, 66, actor="gov-iq", stance="critical"),
]

GOV: dict[str, Any] = {
    "id": "gov-iq",
    "name_ar": "الحكومة العراقية",
    "name_en": "Iraqi government",
    "aliases": ["بغداد"],
}
MINISTER: dict[str, Any] = {"id": "minister", "name_ar": None, "name_en": None, "aliases": []}
NATIVE: dict[str, Any] = {
    "format": "hashiya/2",
    "article_id": "a1",
    "title": "تحركات قرب الحدود",
    "source": "إرم نيوز",
    "published": "2024-05-01",
    "origin": "seeds/a1.txt",
    "metadata": {"lang": "ar"},
    "text": TEXT,
    "annotator": "salma",
    "status": "done",
    "schema": {"name": "news", "version": "1"},
    "document_labels": {},
    # Each actor the labels name, once, in order of first use; one nobody defines: id only.
    "actors": [MINISTER, GOV],
    "spans": [
        {
            "id": "p1",
            "start": 11,
            "end": 32,
            "text": "Ahmad Ali إن 3 قرارات",
            "labels": {"actor": "minister", "claim_type": "factual", "note": "اسم لاتيني"},
            **STAMPS,
        },
        {
            "id": "p2",
            "start": 50,
            "end": 66,
            "text": "الحكومة ترفض ذلك",
            "labels": {"actor": "gov-iq", "stance": "critical"},
            **STAMPS,
        },
        {
            "id": "p3",
            "start": 85,
            "end": 103,
            "text": "الاتفاق\nسيوقع غداً",
            # In the schema's order (actor, stance, target, claim_type, note).
            "labels": {
                "actor": "gov-iq",
                "stance": "supportive",
                "target": "الاتفاق",
                "claim_type": "prediction",
            },
            **STAMPS,
        },
    ],
    "exported_at": EXPORTED_AT,
}


def make_record(annotator: str = "salma", passages: list[Passage] | None = None) -> dict[str, Any]:
    return native_record(
        ARTICLE,
        annotator,
        "done",
        "news",
        "1",
        PASSAGES if passages is None else passages,
        ACTORS,
        EXPORTED_AT,
    )


@pytest.fixture
def record() -> dict[str, Any]:
    return make_record()


# --------------------------------------------------------------------------- native


def test_native_record_golden(record: dict[str, Any]) -> None:
    assert record == NATIVE
    assert list(record) == list(NATIVE)  # fixed key order
    assert list(record["spans"][0]) == list(NATIVE["spans"][0])


def test_every_span_quotes_its_offsets(record: dict[str, Any]) -> None:
    for span in record["spans"]:
        assert record["text"][span["start"] : span["end"]] == span["text"]


def test_spans_order_by_start_end_id() -> None:
    same = [passage("b", 0, 3), passage("a", 0, 3), passage("c", 0, 2)]
    assert [s["id"] for s in make_record(passages=same)["spans"]] == ["c", "a", "b"]


def test_actor_lookup_accepts_functions_and_mappings() -> None:
    def lookup(actor_id: str) -> Any:
        return (
            {"name_ar": "وزير", "name_en": "Minister", "aliases": ["الوزير"]}
            if actor_id == "minister"
            else None
        )

    result = native_record(ARTICLE, "salma", None, "news", "1", PASSAGES, lookup, EXPORTED_AT)
    assert result["actors"] == [
        {"id": "minister", "name_ar": "وزير", "name_en": "Minister", "aliases": ["الوزير"]},
        {"id": "gov-iq", "name_ar": None, "name_en": None, "aliases": []},
    ]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            Passage(id="x", article_id="a2", start=0, end=3, text=TEXT[:3], annotator="salma"),
            "belongs to article",
        ),
        (
            Passage(id="x", article_id="a1", start=0, end=3, text=TEXT[:3], annotator="omar"),
            "is by 'omar'",
        ),
        (
            Passage(id="x", article_id="a1", start=5, end=999, text="", annotator="salma"),
            "do not fit",
        ),
        (
            Passage(id="x", article_id="a1", start=0, end=3, text="old", annotator="salma"),
            "quoted text",
        ),
    ],
)
def test_native_record_refuses_passages_that_do_not_fit(bad: Passage, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_record(passages=[bad])


def test_dumps_line_is_one_compact_utf8_line(record: dict[str, Any]) -> None:
    line = dumps_line(record)
    assert "\n" not in line
    assert "الحكومة ترفض ذلك" in line and "😀" in line  # not \u-escaped
    assert line.startswith('{"format":"hashiya/2","article_id":"a1",')
    assert json.loads(line) == record


def test_dumps_line_escapes_unicode_line_separators() -> None:
    line = dumps_line({"text": "أ\u2028ب\u2029ج\x85د"})
    assert len(line.splitlines()) == 1
    assert json.loads(line) == {"text": "أ\u2028ب\u2029ج\x85د"}


def test_parse_round_trip(record: dict[str, Any]) -> None:
    parsed = parse_native_line(dumps_line(record), 1)
    assert parsed.to_dict() == record
    assert parsed.passages() == sorted(PASSAGES, key=lambda p: p.start)
    assert parsed.actors()["gov-iq"] == ACTORS["gov-iq"]
    assert parsed.actors()["minister"] == ActorInfo("minister")
    article = parsed.article(ARTICLE.paragraphs, imported_at=ARTICLE.imported_at)
    assert article == ARTICLE


def test_parse_ignores_unknown_keys(record: dict[str, Any]) -> None:
    record = {**record, "extra": 1}
    assert parse_native_line(json.dumps(record), 1).article_id == "a1"


def _mutated(change: Any) -> str:
    data = json.loads(json.dumps(NATIVE))
    change(data)
    return json.dumps(data, ensure_ascii=False)


PARSE_ERRORS = [
    ("{", "7: not valid JSON: Expecting property name enclosed in double quotes (column 2)"),
    ("[1, 2]", "7: expected a JSON object, got an array"),
    (_mutated(lambda d: d.pop("text")), "7: text: missing field"),
    (
        _mutated(lambda d: d.update(format="hashiya/3")),
        "7: format: unsupported format 'hashiya/3' (this version reads 'hashiya/2' and"
        " 'hashiya/1')",
    ),
    (_mutated(lambda d: d.update(annotator="")), "7: annotator: must not be empty"),
    (
        _mutated(lambda d: d.update(status=3)),
        "7: status: expected a string or null, got an integer",
    ),
    (_mutated(lambda d: d["schema"].pop("version")), "7: schema.version: missing field"),
    (_mutated(lambda d: d.update(spans={})), "7: spans: expected an array, got an object"),
    (_mutated(lambda d: d["spans"].append(3)), "7: spans[3]: expected an object, got an integer"),
    (_mutated(lambda d: d["spans"][2].pop("end")), "7: spans[2].end: missing field"),
    (
        _mutated(lambda d: d["spans"][1].update(start="50")),
        "7: spans[1].start: expected an integer, got a string",
    ),
    (
        _mutated(lambda d: d["spans"][1].update(start=True)),
        "7: spans[1].start: expected an integer, got a boolean",
    ),
    (
        _mutated(lambda d: d["spans"][1].update(start=-1)),
        "7: spans[1].start: -1 is before the start of the text",
    ),
    (
        _mutated(lambda d: d["spans"][1].update(end=500)),
        "7: spans[1].end: 500 is past the end of the text (length 114)",
    ),
    (_mutated(lambda d: d["spans"][1].update(start=60, end=55)), "7: spans[1]: start 60 > end 55"),
    (
        _mutated(lambda d: d["spans"][0].update(start=12)),
        "7: spans[0].text: 'Ahmad Ali إن 3 قرارات' differs from text[12:32] 'hmad Ali إن 3 قرارات'",
    ),
    (
        _mutated(lambda d: d["spans"][1].update(id="p1")),
        "7: spans[1].id: duplicate id 'p1' (also spans[0])",
    ),
    (
        _mutated(lambda d: d["spans"][0].update(labels=["minister"])),
        "7: spans[0].labels: expected an object, got an array",
    ),
    (
        _mutated(lambda d: d["spans"][0].pop("labels")),
        "7: spans[0].labels: missing field",
    ),
    (
        _mutated(lambda d: d["spans"][0]["labels"].update(note=3)),
        "7: spans[0].labels.note: expected a string, true/false or an array of strings,"
        " got an integer",
    ),
    (
        _mutated(lambda d: d["spans"][0]["labels"].update(topics=[])),
        "7: spans[0].labels.topics: an empty array (leave the attribute out instead)",
    ),
    (
        _mutated(lambda d: d["spans"][0]["labels"].update(topics=["a", 1])),
        "7: spans[0].labels.topics[1]: expected a string, got an integer",
    ),
    (
        _mutated(lambda d: d["document_labels"].update(overall=None)),
        "7: document_labels.overall: expected a string, true/false or an array of strings,"
        " got null",
    ),
    (_mutated(lambda d: d.pop("actors")), "7: actors: missing field"),
    (_mutated(lambda d: d["actors"][0].pop("id")), "7: actors[0].id: missing field"),
    (
        _mutated(lambda d: d["actors"][1].update(aliases=[1])),
        "7: actors[1].aliases[0]: expected a string, got an integer",
    ),
]


@pytest.mark.parametrize(
    ("line", "message"), PARSE_ERRORS, ids=[m.split(": ")[1] for _, m in PARSE_ERRORS]
)
def test_parse_errors_name_the_line_and_field(line: str, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        parse_native_line(line, 7)
    assert str(caught.value) == message
    assert caught.value.lineno == 7


def test_parse_checks_known_values(record: dict[str, Any]) -> None:
    line = dumps_line(record)
    known = {"stance": {"critical", "supportive"}, "claim_type": {"factual", "prediction"}}
    assert len(parse_native_line(line, 1, known).spans) == 3
    with pytest.raises(
        FormatError, match=r"^2: spans\[1\].labels.stance: unknown stance 'critical'$"
    ):
        parse_native_line(line, 2, {"stance": {"supportive"}})
    with pytest.raises(
        FormatError, match=r"^2: spans\[0\].labels.actor: unknown actor 'minister'$"
    ):
        parse_native_line(line, 2, {"actor": {"gov-iq"}})


# A line as release 1 wrote it (hashiya/1): the five fields on each span, the actor in place.
LINE_1 = {
    **{k: v for k, v in NATIVE.items() if k not in ("document_labels", "actors", "spans")},
    "format": "hashiya/1",
    "spans": [
        {
            "id": "p1",
            "start": 11,
            "end": 32,
            "text": "Ahmad Ali إن 3 قرارات",
            "actor": MINISTER,
            "stance": None,
            "target": None,
            "claim_type": "factual",
            "note": "اسم لاتيني",
            **STAMPS,
        },
        {
            "id": "p2",
            "start": 50,
            "end": 66,
            "text": "الحكومة ترفض ذلك",
            "actor": GOV,
            "stance": "critical",
            "target": None,
            "claim_type": None,
            "note": None,
            **STAMPS,
        },
        {
            "id": "p3",
            "start": 85,
            "end": 103,
            "text": "الاتفاق\nسيوقع غداً",
            "actor": GOV,
            "stance": "supportive",
            "target": "الاتفاق",
            "claim_type": "prediction",
            "note": None,
            **STAMPS,
        },
    ],
}


def test_a_hashiya_1_line_reads_as_the_same_labels(record: dict[str, Any]) -> None:
    parsed = parse_native_line(json.dumps(LINE_1, ensure_ascii=False), 1)
    assert parsed.format == "hashiya/1"
    assert parsed.passages() == sorted(PASSAGES, key=lambda p: p.start)
    assert parsed.actors() == {"minister": ActorInfo("minister"), "gov-iq": ACTORS["gov-iq"]}
    assert parsed.to_dict() == record  # written back as hashiya/2
    bad = json.loads(json.dumps(LINE_1))
    bad["spans"][1]["stance"] = 3
    with pytest.raises(FormatError, match=r"^4: spans\[1\].stance: expected a string or null"):
        parse_native_line(json.dumps(bad), 4)


# --------------------------------------------------------------------------- JSON Schema

PLUS = load_schema(Path(__file__).resolve().parents[1] / "data" / "schemas" / "news-plus.yaml")


def _valid(record: dict[str, Any], name: str = "news") -> dict[str, Any]:
    """The record with values the bundled schema knows (the fixture's are made up)."""
    out = json.loads(json.dumps(record))
    out["schema"] = {"name": name, "version": "1.0"}
    for span in out["spans"]:
        if span["labels"].get("claim_type") == "factual":
            span["labels"]["claim_type"] = "factual_report"
    return out


def test_json_schemas_accept_exported_lines(record: dict[str, Any]) -> None:
    native_schema = json_schema(default_schema())
    span_schema = json_schema(default_schema(), "span")
    record = _valid(record)
    jsonschema.Draft202012Validator.check_schema(native_schema)
    jsonschema.Draft202012Validator.check_schema(span_schema)
    jsonschema.Draft202012Validator(native_schema).validate(json.loads(dumps_line(record)))
    empty = {**make_record(passages=[]), "schema": record["schema"]}
    jsonschema.Draft202012Validator(native_schema).validate(empty)
    for line in span_records(record):
        jsonschema.Draft202012Validator(span_schema).validate(json.loads(dumps_line(line)))


def test_json_schema_comes_from_the_label_schema() -> None:
    generated = json_schema(PLUS)
    labels = generated["$defs"]["labels"]["properties"]
    assert list(labels) == [a.id for a in PLUS.attributes]
    assert labels["certainty"]["enum"] == ["certain", "likely", "doubtful"]
    assert labels["stance"]["enum"] == [v.id for v in PLUS.stances]
    document = generated["$defs"]["document_labels"]
    assert list(document["properties"]) == ["overall_stance"]
    assert generated["$defs"]["labels"]["dependentRequired"] == {"target": ["stance"]}


def test_json_schema_rejects_malformed_lines(record: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(json_schema(PLUS))
    record = _valid(record, "news-plus")
    assert validator.is_valid(record)
    missing = {k: v for k, v in record.items() if k != "spans"}
    bad_offset = json.loads(json.dumps(record))
    bad_offset["spans"][0]["start"] = -1
    bad_value = json.loads(json.dumps(record))
    bad_value["spans"][0]["labels"]["certainty"] = "x"
    several = json.loads(json.dumps(record))
    several["spans"][0]["labels"]["stance"] = ["critical"]
    unknown = json.loads(json.dumps(record))
    unknown["spans"][0]["labels"]["topic"] = "x"
    without_when = json.loads(json.dumps(record))
    del without_when["spans"][2]["labels"]["stance"]  # its target needs a stance
    document = {**record, "document_labels": {"overall_stance": "sideways"}}
    for bad in (
        missing,
        bad_offset,
        bad_value,
        several,
        unknown,
        without_when,
        document,
        {**record, "format": "hashiya/1"},
        {**record, "typo": 1},
    ):
        assert not validator.is_valid(bad)
    assert validator.is_valid({**record, "document_labels": {"overall_stance": "critical"}})


# --------------------------------------------------------------------------- span unit


def test_span_records_golden(record: dict[str, Any]) -> None:
    lines = span_records(record)
    assert [line["id"] for line in lines] == ["p1", "p2", "p3"]
    assert lines[2] == {
        "format": "hashiya-span/2",
        "id": "p3",
        "article_id": "a1",
        "title": "تحركات قرب الحدود",
        "source": "إرم نيوز",
        "annotator": "salma",
        "status": "done",
        "schema": {"name": "news", "version": "1"},
        "start": 85,
        "end": 103,
        "text": "الاتفاق\nسيوقع غداً",
        "labels": {
            "actor": "gov-iq",
            "stance": "supportive",
            "target": "الاتفاق",
            "claim_type": "prediction",
        },
        "actors": [GOV],  # only those this span's labels name
        "document_labels": {},
        "context": "وأكد المتحدث أن «الاتفاق\nسيوقع غداً» في بغداد؟",
        "context_start": 68,
        "start_in_context": 17,
        "end_in_context": 35,
        **STAMPS,
        "exported_at": EXPORTED_AT,
    }
    assert lines[0]["context"] == "قال الوزير Ahmad Ali إن 3 قرارات صدرت عام 2024."
    assert lines[1]["context"] == "😀 الحكومة ترفض ذلك!"
    for line in lines:
        context = line["context"]
        assert TEXT[line["context_start"] : line["context_start"] + len(context)] == context
        assert context[line["start_in_context"] : line["end_in_context"]] == line["text"]


@pytest.mark.parametrize(
    ("text", "span", "sentence"),
    [
        ("أولاً. ثم قال إن النمو 3.5 بالمئة. أخيراً", "النمو", "ثم قال إن النمو 3.5 بالمئة."),
        ("هل وافق؟ نعم وافق؛ لكن لاحقاً", "نعم", "نعم وافق؛"),
        ("Done! He said no? Fine", "said", "He said no?"),
        ("سطر أول\nسطر ثان بلا نقطة\nسطر ثالث", "ثان", "سطر ثان بلا نقطة"),
        ('قال: "نعم." ثم غادر.', "نعم", 'قال: "نعم."'),
        ('قال: "نعم." ثم غادر.', "غادر", "ثم غادر."),
        ('أولاً. "قال الوزير" إن الأمر انتهى. ثم', "الوزير", '"قال الوزير" إن الأمر انتهى.'),
        ("قال «نعم.» ثم غادر", "«نعم.»", "قال «نعم.»"),
        ("انتهى... ثم بدأ", "بدأ", "ثم بدأ"),
        ("قال الوزير", "الوزير", "قال الوزير"),
    ],
)
def test_sentence_bounds(text: str, span: str, sentence: str) -> None:
    start = text.index(span)
    begin, end = sentence_bounds(text, start, start + len(span))
    assert text[begin:end] == sentence


def test_sentence_bounds_keep_a_span_that_ends_a_sentence_or_line() -> None:
    text = "أولاً. الجملة الثانية.\nالتالية"
    start = text.index("الجملة")
    assert sentence_bounds(text, start, text.index("\n")) == (start, text.index("\n"))
    assert sentence_bounds(text, start, text.index("\n") + 1) == (start, text.index("\n") + 1)


# --------------------------------------------------------------------------- Prodigy


def test_prodigy_golden(record: dict[str, Any]) -> None:
    (task,) = to_prodigy(record, "claim_type")
    # Prodigy's recipe: MurmurHash3 of the input keys' JSON, then of the task keys' JSON
    # prefixed with the input hash.
    input_hash = murmurhash3_32(
        json.dumps({"text": TEXT}, sort_keys=True, separators=(",", ":")).encode()
    )
    spans_json = json.dumps({"spans": task["spans"]}, sort_keys=True, separators=(",", ":"))
    assert task == {
        "text": TEXT,
        "meta": {
            "article_id": "a1",
            "title": "تحركات قرب الحدود",
            "source": "إرم نيوز",
            "annotator": "salma",
            "status": "done",
        },
        "_input_hash": input_hash,
        "_task_hash": murmurhash3_32((str(input_hash) + spans_json).encode()),
        "spans": [
            {
                "start": 11,
                "end": 32,
                "text": "Ahmad Ali إن 3 قرارات",
                "label": "factual",
                "id": "p1",
                "labels": {"actor": "minister", "claim_type": "factual", "note": "اسم لاتيني"},
            },
            {
                "start": 50,
                "end": 66,
                "text": "الحكومة ترفض ذلك",
                "label": UNSET_LABEL,
                "id": "p2",
                "labels": {"actor": "gov-iq", "stance": "critical"},
            },
            {
                "start": 85,
                "end": 103,
                "text": "الاتفاق\nسيوقع غداً",
                "label": "prediction",
                "id": "p3",
                "labels": {
                    "actor": "gov-iq",
                    "stance": "supportive",
                    "target": "الاتفاق",
                    "claim_type": "prediction",
                },
            },
        ],
        "_view_id": "ner_manual",
        "accept": [],  # the document labels: none here
        "answer": "accept",
        "_annotator_id": "news-salma",
        "_session_id": "news-salma",
    }


def test_prodigy_hashes_are_stable_signed_32_bit(record: dict[str, Any]) -> None:
    # Pinned: MurmurHash3 x86 32-bit reference values (seed 0).
    assert murmurhash3_32(b"") == 0
    assert murmurhash3_32(b"hello") == 613153351
    assert murmurhash3_32("نص".encode()) == murmurhash3_32("نص".encode())
    (salma,) = to_prodigy(record, "stance")
    (again,) = to_prodigy(json.loads(json.dumps(record)), "stance")
    (omar,) = to_prodigy(
        make_record("omar", [replace(p, annotator="omar") for p in PASSAGES]), "stance"
    )
    (by_actor,) = to_prodigy(record, "actor")
    for value in (salma["_input_hash"], salma["_task_hash"]):
        assert -(2**31) <= value < 2**31
    assert (salma["_input_hash"], salma["_task_hash"]) == (
        again["_input_hash"],
        again["_task_hash"],
    )
    assert salma["_input_hash"] == omar["_input_hash"] == by_actor["_input_hash"]
    assert salma["_task_hash"] == omar["_task_hash"]  # same input, same spans
    assert salma["_task_hash"] != by_actor["_task_hash"]
    assert [s["label"] for s in by_actor["spans"]] == ["minister", "gov-iq", "gov-iq"]


# --------------------------------------------------------------------------- doccano


def test_doccano_golden(record: dict[str, Any]) -> None:
    assert to_doccano(record, "stance") == {
        "text": TEXT,
        "label": [[11, 32, UNSET_LABEL], [50, 66, "critical"], [85, 103, "supportive"]],
        "cats": [],  # the document labels: none here
        "article_id": "a1",
        "title": "تحركات قرب الحدود",
        "source": "إرم نيوز",
        "annotator": "salma",
        "status": "done",
        "spans": [
            {
                "id": "p1",
                "start": 11,
                "end": 32,
                "labels": {"actor": "minister", "claim_type": "factual", "note": "اسم لاتيني"},
            },
            {
                "id": "p2",
                "start": 50,
                "end": 66,
                "labels": {"actor": "gov-iq", "stance": "critical"},
            },
            {
                "id": "p3",
                "start": 85,
                "end": 103,
                "labels": {
                    "actor": "gov-iq",
                    "stance": "supportive",
                    "target": "الاتفاق",
                    "claim_type": "prediction",
                },
            },
        ],
    }


def test_label_from_must_be_an_attribute(record: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="label_from must be one of"):
        to_doccano(record, "certainty")
    assert to_doccano(record, "note")["label"][0] == [11, 32, "اسم لاتيني"]


# --------------------------------------------------------------------------- brat


def test_brat_golden(record: dict[str, Any]) -> None:
    document = to_brat(record, "claim_type")
    assert document.txt == TEXT
    assert document.skipped == ()
    assert document.ann == (
        "T1\tfactual 11 32\tAhmad Ali إن 3 قرارات\n"
        "A1\tActor T1 minister\n"
        "#1\tAnnotatorNotes T1\tاسم لاتيني\n"
        "T2\t_unset 50 66\tالحكومة ترفض ذلك\n"
        "A2\tActor T2 gov-iq\n"
        "A3\tStance T2 critical\n"
        "T3\tprediction 85 92;93 103\tالاتفاق سيوقع غداً\n"
        "A4\tActor T3 gov-iq\n"
        "A5\tStance T3 supportive\n"
        "#2\tAnnotatorNotes T3\ttarget: الاتفاق\n"
    )
    assert brat_annotation_conf([record], "claim_type", vocabulary={"stance": ["neutral"]}) == (
        "# Written by Hashiya. Entity types are the claim_type value ids.\n"
        "[entities]\n"
        "_unset\n"
        "factual\n"
        "prediction\n"
        "\n"
        "[relations]\n"
        "# Spans may overlap in any way.\n"
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n"
        "\n"
        "[events]\n"
        "\n"
        "[attributes]\n"
        "Actor\tArg:<ENTITY>, Value:gov-iq|minister\n"
        "Stance\tArg:<ENTITY>, Value:neutral|critical|supportive\n"
    )


def _check_brat_document(txt: str, ann: str) -> None:
    """brat's own check: each T line's text is its fragments of the .txt joined by a space."""
    assert ann.splitlines() == ann.split("\n")[:-1]  # no line break but the "\n"s
    for line in ann.splitlines():
        if line.startswith("T"):
            _, middle, quoted = line.split("\t", 2)
            fragments = [
                tuple(map(int, piece.split())) for piece in middle.split(" ", 1)[1].split(";")
            ]
            assert quoted == " ".join(txt[s:e] for s, e in fragments)
            for (_, end), (start, _) in pairwise(fragments):
                assert end < start  # brat refuses touching fragments


def test_brat_carriage_returns_and_empty_spans() -> None:
    text = "سطر\r\nثان\n\nثالث"
    article = Article(id="r", title="", source="", text=text, paragraphs=())
    passages = [
        Passage(
            id="s1",
            article_id="r",
            start=0,
            end=7,
            text=text[:7],
            annotator="x",
            claim_type="factual",
            note="أولاً\u2028ثانياً\nثالثاً",
        ),
        Passage(id="s2", article_id="r", start=8, end=10, text=text[8:10], annotator="x"),
    ]
    document = to_brat(native_record(article, "x", None, "n", "1", passages, {}, ""), "claim_type")
    assert document.txt == "سطر\n\nثان\n\nثالث"
    assert len(document.txt) == len(text)
    assert document.ann == "T1\tfactual 0 3;5 7\tسطر ثا\n#1\tAnnotatorNotes T1\tأولاً ثانياً ثالثاً\n"
    assert document.skipped == ("s2",)
    _check_brat_document(document.txt, document.ann)


def test_write_brat_folder(tmp_path: Path, record: dict[str, Any]) -> None:
    omar = make_record(
        "omar/../x", [passage("o1", 0, 3, annotator="omar/../x", claim_type="opinion")]
    )
    result = write_brat([record, omar], tmp_path / "brat", "claim_type")
    folder = tmp_path / "brat"
    odd = safe_filename("omar/../x")
    assert "/" not in odd and not odd.startswith(".")
    assert sorted(str(p.relative_to(folder)) for p in result.paths) == sorted(
        ["annotation.conf", "salma/a1.txt", "salma/a1.ann", f"{odd}/a1.txt", f"{odd}/a1.ann"]
    )
    assert (folder / "salma" / "a1.txt").read_text(encoding="utf-8") == TEXT
    assert (folder / "salma" / "a1.ann").read_text(encoding="utf-8") == to_brat(
        record, "claim_type"
    ).ann
    assert "opinion" in (folder / "annotation.conf").read_text(encoding="utf-8")
    assert not list(folder.rglob("*.tmp"))
    with pytest.raises(ValueError, match="two records"):
        write_brat([record, record], tmp_path / "again", "claim_type")


def test_safe_filename() -> None:
    assert safe_filename("000_088e13db0ba0ba5b") == "000_088e13db0ba0ba5b"
    assert safe_filename("سلمى") == "سلمى"
    assert safe_filename("a b") != safe_filename("a_b")
    assert safe_filename("..") not in {"..", "."}


# --------------------------------------------------------------------------- registry


# spacy and hf are read back with their own packages in test_dataset_formats.py.
@pytest.mark.parametrize("name", sorted(set(FORMATS) - {"spacy", "hf", "attribution"}))
def test_formats_write_files(tmp_path: Path, name: str, record: dict[str, Any]) -> None:
    fmt = FORMATS[name]
    dest = tmp_path / f"out{fmt.suffix}"
    summary = fmt.write([record], dest, ExportOptions(label_from="stance"))
    assert summary.written == 1
    if fmt.target == "file":
        content = dest.read_text(encoding="utf-8")
        if fmt.suffix == ".jsonl":
            assert fmt.lines is not None
            assert content == "".join(
                f"{line}\n" for line in fmt.lines([record], ExportOptions(label_from="stance"))
            )
            assert [json.loads(line) for line in content.splitlines()]
        elif fmt.suffix == ".conll":
            assert fmt.lines is not None
            assert content == "".join(
                f"{line}\n" for line in fmt.lines([record], ExportOptions(label_from="stance"))
            )
        else:
            assert json.loads(content) == to_labelstudio([record], "stance")
    else:
        assert (dest / "annotation.conf").is_file()


def test_native_span_unit(tmp_path: Path, record: dict[str, Any]) -> None:
    dest = tmp_path / "spans.jsonl"
    assert FORMATS["native"].write([record], dest, ExportOptions(unit="span")).written == 3
    lines = [json.loads(line) for line in dest.read_text(encoding="utf-8").splitlines()]
    assert lines == span_records(record)
    with pytest.raises(ValueError, match="no --unit span"):
        FORMATS["prodigy"].write([record], tmp_path / "p.jsonl", ExportOptions(unit="span"))


# --------------------------------------------------------------------------- pyarrow


def test_native_jsonl_loads_with_pyarrow(tmp_path: Path, record: dict[str, Any]) -> None:
    pa_json = pytest.importorskip("pyarrow.json")
    other = make_record("omar", [passage("o1", 0, 3, annotator="omar", stance="critical")])
    empty = make_record("layla", [])
    path = tmp_path / "native.jsonl"
    FORMATS["native"].write([record, other, empty], path, ExportOptions())
    table = pa_json.read_json(path)
    rows = table.to_pylist()
    assert table.num_rows == 3
    assert [row["annotator"] for row in rows] == ["salma", "omar", "layla"]
    assert rows[0]["text"] == TEXT
    assert rows[0]["title"] == "تحركات قرب الحدود"
    spans = rows[0]["spans"]
    assert [(s["start"], s["end"]) for s in spans] == [(11, 32), (50, 66), (85, 103)]
    for span in spans:
        assert rows[0]["text"][span["start"] : span["end"]] == span["text"]
    assert spans[1]["labels"]["actor"] == "gov-iq"
    assert rows[0]["actors"][1]["name_ar"] == "الحكومة العراقية"
    assert rows[2]["spans"] == []


# --------------------------------------------------------------------------- properties

_CHARS = st.sampled_from(list("بسم الله 7Ab.؟!\n\r😀🇮\u2028\t«»"))


@st.composite
def _articles(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = draw(st.text(_CHARS, max_size=40))
    bounds = st.integers(min_value=0, max_value=len(text))
    spans = [tuple(sorted(pair)) for pair in draw(st.lists(st.tuples(bounds, bounds), max_size=5))]
    return text, spans  # type: ignore[return-value]


@settings(max_examples=150, deadline=None)
@given(_articles())
def test_every_format_keeps_offsets_and_text(case: tuple[str, list[tuple[int, int]]]) -> None:
    text, spans = case
    article = Article(id="h", title="t", source="s", text=text, paragraphs=())
    passages = [
        Passage(
            id=f"p{i}",
            article_id="h",
            start=s,
            end=e,
            text=text[s:e],
            annotator="a",
            stance="critical",
        )
        for i, (s, e) in enumerate(spans)
    ]
    data = native_record(article, "a", None, "n", "1", passages, {}, "")
    parsed = parse_native_line(dumps_line(data), 1)
    assert parsed.to_dict() == data
    for line in span_records(data):
        begin = line["context_start"]
        context = line["context"]
        assert text[begin : begin + len(context)] == context
        assert context[line["start_in_context"] : line["end_in_context"]] == line["text"]
    for s in to_prodigy(data, "stance")[0]["spans"]:
        assert text[s["start"] : s["end"]] == s["text"]
    doccano = to_doccano(data, "stance")["label"]
    assert [(s, e) for s, e, _ in doccano] == [(s["start"], s["end"]) for s in data["spans"]]
    units = text.encode("utf-16-le")
    for task in to_labelstudio([data], "stance"):
        for result in task["annotations"][0]["result"]:
            value = result["value"]
            assert text[value["start"] : value["end"]] == value["text"]
    for task in to_labelstudio([data], "stance", offsets="utf16"):
        for result in task["annotations"][0]["result"]:
            value = result["value"]
            assert units[2 * value["start"] : 2 * value["end"]].decode("utf-16-le") == value["text"]
    document = to_brat(data, "stance")
    assert len(document.txt) == len(text)
    _check_brat_document(document.txt, document.ann)
    for span in data["spans"]:
        pieces = brat_fragments(text, span["start"], span["end"])
        assert "".join(text[s:e] for s, e in pieces) == "".join(
            c for c in span["text"] if c not in "\n\r\u2028"
        )


# --------------------------------------------------------------------------- hygiene


def test_export_needs_no_ui_or_test_only_packages() -> None:
    code = (
        "import sys, annotations.export as e; from annotations.schema import default_schema; e.json_schema(default_schema(), 'span');"
        "bad = [m for m in ('textual', 'rich', 'jsonschema', 'pyarrow') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
