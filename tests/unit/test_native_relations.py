"""Kinds and relations in `hashiya/2`: written only when there are some, read back by both
readers alike, validated on import one line per problem (nothing saved from a bad line),
and the same rows after export -> import into a fresh database."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.articles import make_article
from annotations.exchange import (
    ImportAborted,
    actor_lookup,
    export_records,
    import_annotation_lines,
    native_lines,
)
from annotations.export import FormatError, native, native_record
from annotations.models import Article, Passage, Relation
from annotations.schema import default_schema
from annotations.store import Store

SCHEMA = default_schema()
STAMP = "2026-05-06T07:08:09.000000Z"
TEXT = "قال المتحدث باسم الوزارة إن القوات اعتقلت 12 عنصراً، وأضاف أن العملية مستمرة.\n"


def passage(article: Article, pid: str, words: str, kind: str = "", **labels: Any) -> Passage:
    start = article.text.index(words)
    return Passage(
        pid,
        article.id,
        start,
        start + len(words),
        words,
        "sara",
        labels,
        SCHEMA.name,
        SCHEMA.version,
        STAMP,
        STAMP,
        kind=kind,
    )


def relation(rid: str, article: Article, rel_type: str, a: str, b: str, **labels: str) -> Relation:
    return Relation(
        rid, article.id, "sara", rel_type, a, b, labels, SCHEMA.name, SCHEMA.version, STAMP, STAMP
    )


@pytest.fixture
def article() -> Article:
    return make_article(TEXT)


@pytest.fixture
def source(article: Article) -> Store:
    store = Store(":memory:")
    store.add_articles([article])
    for p in (
        passage(article, "c1", "القوات اعتقلت 12 عنصراً", stance="neutral"),
        passage(article, "c2", "العملية مستمرة"),
        passage(article, "s1", "المتحدث باسم الوزارة", "source", actor="isis"),
        passage(article, "v1", "قال", "cue"),
        passage(article, "v2", "وأضاف", "cue", note="ثانٍ"),
    ):
        store.add_passage(p)
    store.add_relation(
        relation("r1", article, "said_by", "c1", "s1", quote="indirect", polarity="affirmed"),
        by="sara",
    )
    store.add_relation(relation("r2", article, "cue", "c1", "v1"), by="sara")
    store.add_relation(relation("r3", article, "part_of", "c2", "c1"), by="sara")
    store.add_relation(relation("r4", article, "cue", "c2", "v2"), by="sara")
    return store


def lines_of(store: Store) -> list[str]:
    return list(native_lines(export_records(store, SCHEMA, exported_at=STAMP)))


def rows(store: Store, table: str) -> list[tuple[Any, ...]]:
    order = "id"
    return sorted(store.conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall())


def test_a_line_holds_span_kinds_and_relations(source: Store) -> None:
    (line,) = lines_of(source)
    record = json.loads(line)
    kinds = {span["id"]: span.get("kind") for span in record["spans"]}
    assert kinds == {"c1": None, "c2": None, "s1": "source", "v1": "cue", "v2": "cue"}
    source_span = next(span for span in record["spans"] if span["id"] == "s1")
    assert list(source_span)[:6] == ["id", "start", "end", "text", "kind", "labels"]
    assert list(record)[-3:] == ["spans", "relations", "exported_at"]
    assert record["relations"][0] == {
        "id": "r1",
        "type": "said_by",
        "from": "c1",
        "to": "s1",
        "labels": {"polarity": "affirmed", "quote": "indirect"},
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    assert [r["id"] for r in record["relations"]] == ["r1", "r2", "r3", "r4"]
    # The exporter's record is what native_record builds from the same rows.
    article = source.get_article(record["article_id"])
    assert article is not None
    expected = native_record(
        article,
        "sara",
        source.status(article.id, "sara"),
        SCHEMA.name,
        SCHEMA.version,
        source.passages(article.id, "sara"),
        actor_lookup(source, SCHEMA),
        STAMP,
        relations=source.relations(article.id, "sara"),
        layout=native.Layout.of(SCHEMA),
    )
    assert record == expected and list(record) == list(expected)


def test_a_line_without_kinds_or_relations_has_neither_key(article: Article) -> None:
    store = Store(":memory:")
    store.add_articles([article])
    store.add_passage(passage(article, "c1", "القوات"))
    (line,) = lines_of(store)
    record = json.loads(line)
    assert "relations" not in record and "kind" not in record["spans"][0]


def test_export_then_import_into_a_fresh_database_gives_the_same_rows(source: Store) -> None:
    exported = lines_of(source)
    fresh = Store(":memory:")
    result = import_annotation_lines(fresh, SCHEMA, "f.jsonl", exported, importer="me")
    assert result.errors == [] and result.conflicts == []
    assert (result.passages_added, result.relations_added) == (5, 4)
    assert "4 relations added" in result.summary
    for table in ("passages", "relations"):
        assert rows(fresh, table) == rows(source, table), table
    assert lines_of(fresh) == exported
    trail = fresh.relation_audit_trail("r1")
    assert [(t["action"], t["by"]) for t in trail] == [("import", "me")]
    # Again: nothing changes.
    again = import_annotation_lines(fresh, SCHEMA, "f.jsonl", exported)
    assert (again.relations_added, again.conflicts, again.errors) == (0, [], [])
    assert again.unchanged == 5 + 4
    assert rows(fresh, "relations") == rows(source, "relations")


def test_a_relation_that_differs_is_a_conflict_unless_incoming_is_preferred(source: Store) -> None:
    exported = lines_of(source)
    record = json.loads(exported[0])
    record["relations"][0]["labels"] = {"quote": "direct"}
    changed = [json.dumps(record, ensure_ascii=False)]
    kept = import_annotation_lines(source, SCHEMA, "f.jsonl", changed)
    assert kept.conflicts == [
        "f.jsonl:1: relation r1: polarity, quote differ from the database's (kept the"
        " database's; --prefer incoming takes the file's)"
    ]
    stored = source.relation("r1")
    assert stored is not None and stored.labels["quote"] == "indirect"
    taken = import_annotation_lines(source, SCHEMA, "f.jsonl", changed, prefer="incoming")
    assert taken.conflicts == [] and taken.relations_updated == 1
    stored = source.relation("r1")
    assert stored is not None and dict(stored.labels) == {"quote": "direct"}


def _line(source: Store) -> dict[str, Any]:
    return json.loads(lines_of(source)[0])


def _bad(source: Store, change: Any) -> str:
    record = _line(source)
    change(record)
    return json.dumps(record, ensure_ascii=False)


def _set(path: list[Any], value: Any) -> Any:
    def change(record: dict[str, Any]) -> None:
        target = record
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _span(record: dict[str, Any], span_id: str) -> int:
    return next(i for i, s in enumerate(record["spans"]) if s["id"] == span_id)


BAD_CASES = [
    (
        "end not on the line",
        _set(["relations", 0, "to"], "p9"),
        ["relations[0].to: no span 'p9' on this line"],
    ),
    (
        "unknown type",
        _set(["relations", 1, "type"], "quoted_by"),
        [
            "relations[1].type: unknown relation type 'quoted_by' (expected one of: said_by, cue, part_of)"
        ],
    ),
    (
        "kinds do not match",
        _set(["relations", 0, "to"], "v1"),
        ["relations[0].to: span 'v1' is a cue, but said_by links to a source"],
    ),
    (
        "both ends wrong",
        lambda r: r["relations"][0].update({"from": "s1", "to": "c1"}),
        [
            "relations[0].from: span 's1' is a source, but said_by links from a content",
            "relations[0].to: span 'c1' is a content, but said_by links to a source",
        ],
    ),
    (
        "bad relation labels",
        _set(["relations", 0, "labels"], {"quote": "verbatim", "stance": "critical"}),
        [
            "relations[0].labels.stance: unknown attribute 'stance' (expected: quote, polarity)",
            "relations[0].labels.quote: unknown value 'verbatim' (expected one of: direct,"
            " indirect, mixed)",
        ],
    ),
    (
        "self-link",
        lambda r: r["relations"][2].update({"to": "c2"}),
        ["relations[2].to: links span 'c2' to itself"],
    ),
    (
        "same link twice",
        lambda r: r["relations"].append({**r["relations"][1], "id": "r9"}),
        ["relations[4]: the same link as relations[1] (cue from 'c1' to 'v1')"],
    ),
    (
        "duplicate relation id",
        lambda r: r["relations"].append({**r["relations"][1], "to": "v2"}),
        ["relations[4].id: duplicate id 'r2' (also relations[1])"],
    ),
    (
        "unknown span kind",
        lambda r: r["spans"][_span(r, "s1")].update({"kind": "speaker"}),
        ["spans[{s1}].kind: unknown kind 'speaker' (expected one of: content, source, cue)"],
    ),
    (
        "label outside the kind",
        lambda r: r["spans"][_span(r, "v1")]["labels"].update({"stance": "critical"}),
        ["spans[{v1}].labels.stance: unknown attribute 'stance' for kind cue (expected: note)"],
    ),
    (
        "relations not an array",
        _set(["relations"], {"r1": 1}),
        ["relations: expected an array, got an object"],
    ),
    (
        "relation type not text",
        _set(["relations", 0, "type"], 3),
        ["relations[0].type: expected a string, got an integer"],
    ),
]


@pytest.mark.parametrize(("case", "change", "reasons"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_a_bad_line_is_one_line_per_problem_and_nothing_of_it_is_saved(
    source: Store, case: str, change: Any, reasons: list[str]
) -> None:
    record = _line(source)
    indexes = {f"{{{s['id']}}}": str(i) for i, s in enumerate(record["spans"])}
    expected = []
    for reason in reasons:
        for key, index in indexes.items():
            reason = reason.replace(key, index)
        expected.append(f"f.jsonl:1: {reason}")
    bad = _bad(source, change)
    fresh = Store(":memory:")
    with pytest.raises(ImportAborted) as info:
        import_annotation_lines(fresh, SCHEMA, "f.jsonl", [bad])
    assert info.value.errors == expected, case
    assert fresh.passage_count() == 0 and fresh.relation_count() == 0
    # With --skip-invalid a good line goes in, the bad one not at all.
    other = make_article("نص آخر: قال الوزير إن الوضع مستقر.\n")
    good = native_record(
        other,
        "sara",
        None,
        SCHEMA.name,
        SCHEMA.version,
        [passage(other, "g1", "الوضع مستقر"), passage(other, "g2", "قال", "cue")],
        {},
        STAMP,
        relations=[relation("gr", other, "cue", "g1", "g2")],
    )
    result = import_annotation_lines(
        fresh, SCHEMA, "f.jsonl", [bad, json.dumps(good)], skip_invalid=True
    )
    assert result.rejected == 1 and result.errors == expected
    assert {p.id for p in fresh.all_passages()} == {"g1", "g2"}
    assert [r.id for r in fresh.all_relations()] == ["gr"]


def test_a_relation_whose_stored_end_is_another_kind_is_not_imported(source: Store) -> None:
    # s1 is stored as a source; a file where its id is a cue (a conflict: the database's
    # passage is kept) cannot link a cue relation to it.
    record = _line(source)
    index = _span(record, "s1")
    record["spans"][index]["kind"] = "cue"
    record["spans"][index]["labels"] = {}
    record["relations"] = [{"id": "r9", "type": "cue", "from": "c1", "to": "s1", "labels": {}}]
    result = import_annotation_lines(source, SCHEMA, "f.jsonl", [json.dumps(record)])
    assert result.conflicts[0].startswith("f.jsonl:1: passage s1: kind, actor differ")
    assert result.conflicts[1] == (
        "f.jsonl:1: relation r9 not imported: cue links a Content to a Cue: its to end is"
        " a Source passage, not a Cue"
    )
    assert source.relation("r9") is None


def test_relation_times_default_to_the_import_when_the_file_has_none(source: Store) -> None:
    record = _line(source)
    for rel in record["relations"]:
        del rel["created_at"], rel["updated_at"]
    fresh = Store(":memory:")
    import_annotation_lines(fresh, SCHEMA, "f.jsonl", [json.dumps(record)])
    stamps = {(r.created_at, r.updated_at) for r in fresh.all_relations()}
    assert len(stamps) == 1
    created, updated = stamps.pop()
    assert created == updated and created > STAMP


# --- the two readers agree ------------------------------------------------------------


def _base() -> dict[str, Any]:
    article = make_article(TEXT)
    passages = [
        passage(article, "c1", "القوات اعتقلت 12 عنصراً", stance="neutral"),
        passage(article, "s1", "المتحدث باسم الوزارة", "source", actor="isis"),
        passage(article, "v1", "قال", "cue"),
    ]
    relations = [
        relation("r1", article, "said_by", "c1", "s1", quote="direct"),
        relation("r2", article, "cue", "c1", "v1"),
    ]
    return native_record(
        article, "sara", "done", "news", "1.0", passages, {}, STAMP, relations=relations
    )


ODD: list[Any] = [None, True, 0, 3, "", "x", "c1", "s1", "zz", [], {}, ["x"], {"quote": 1}]
RELATION_KEYS = ["id", "type", "from", "to", "labels", "created_at", "updated_at"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    record = _base()
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["relation", "relations", "kind"]))
        value = draw(st.sampled_from([*ODD, "DROP"]))
        target: Any
        if where == "relations":
            target, key = record, "relations"
            value = draw(st.sampled_from([[], [1], [{}], ODD, "DROP"]))
        elif where == "kind":
            target = record["spans"][draw(st.integers(0, 2))]
            key = "kind"
        else:
            rels = record.get("relations")
            if not isinstance(rels, list) or not rels or not isinstance(rels[0], dict):
                continue
            target = rels[draw(st.integers(0, len(rels) - 1))]
            if not isinstance(target, dict):
                continue
            key = draw(st.sampled_from(RELATION_KEYS))
        if value == "DROP":
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(value)
    return json.dumps(record, ensure_ascii=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_fast_path_agrees_with_the_full_reader_on_relations(line: str) -> None:
    quick = native._quick(json.loads(line))
    try:
        full = native._parse_fully(line, 1)
    except FormatError:
        assert quick is None
        return
    if quick is not None:
        assert quick == full


def test_the_fast_path_takes_a_line_with_relations() -> None:
    line = json.dumps(_base(), ensure_ascii=False)
    quick = native._quick(json.loads(line))
    assert quick is not None and quick.relations
    assert quick == native._parse_fully(line, 1)
    assert quick.to_dict(native.Layout.of(SCHEMA)) == _base()


# --- the JSON Schema of a line ----------------------------------------------------------


def test_the_json_schema_accepts_lines_with_kinds_and_relations(source: Store) -> None:
    import jsonschema

    from annotations.export import json_schema, span_records

    line_schema = json_schema(SCHEMA)
    jsonschema.Draft202012Validator.check_schema(line_schema)
    validator = jsonschema.Draft202012Validator(line_schema)
    record = _line(source)
    validator.validate(record)
    span_validator = jsonschema.Draft202012Validator(json_schema(SCHEMA, "span"))
    spans = span_records(record)
    assert [s.get("kind") for s in spans] == ["cue", "source", None, "cue", None]
    for span_line in spans:
        span_validator.validate(span_line)
    assert line_schema["$defs"]["relation"]["properties"]["type"]["enum"] == [
        "said_by",
        "cue",
        "part_of",
    ]
    said_by = line_schema["$defs"]["relation_labels_said_by"]["properties"]
    assert said_by["quote"]["enum"] == ["direct", "indirect", "mixed"]
    assert list(line_schema["$defs"]["labels_source"]["properties"]) == ["actor", "note"]

    def changed(change: Any) -> dict[str, Any]:
        out = copy.deepcopy(record)
        change(out)
        return out

    source_at = _span(record, "s1")
    cue_at = _span(record, "v1")
    for bad in (
        changed(lambda r: r["spans"][source_at]["labels"].update({"stance": "critical"})),
        changed(lambda r: r["spans"][cue_at].update({"kind": "speaker"})),
        changed(lambda r: r["relations"][0].update({"type": "quoted_by"})),
        changed(lambda r: r["relations"][0]["labels"].update({"quote": "verbatim"})),
        changed(lambda r: r["relations"][1]["labels"].update({"quote": "direct"})),
        changed(lambda r: r["relations"][0].pop("to")),
    ):
        assert not validator.is_valid(bad)
    # The default kind named outright is a content too.
    named = changed(lambda r: r["spans"][_span(r, "c1")].update({"kind": "content"}))
    validator.validate(named)
    assert not validator.is_valid(
        changed(lambda r: r["spans"][_span(r, "c1")].update({"kind": "cue"}))
    )  # a cue's labels hold no stance


# --- round trip, any frames -------------------------------------------------------------

KINDS = ["", "source", "cue"]
LABELS_OF = {"": {"stance": "critical"}, "source": {"actor": "isis"}, "cue": {}}


@st.composite
def framed_stores(draw: st.DrawFn) -> Store:
    """One article, two annotators' passages of random kinds, and random valid relations
    between each annotator's own passages."""
    article = make_article(TEXT)
    store = Store(":memory:")
    store.add_articles([article])
    count = 0
    for who in ("omar", "sara"):
        mine: list[Passage] = []
        for _ in range(draw(st.integers(0, 5))):
            start = draw(st.integers(0, len(TEXT) - 2))
            end = draw(st.integers(start + 1, len(TEXT) - 1))
            kind = draw(st.sampled_from(KINDS))
            count += 1
            p = Passage(
                f"{who}-p{count}", article.id, start, end, TEXT[start:end], who,
                LABELS_OF[kind], SCHEMA.name, SCHEMA.version, STAMP, STAMP, kind=kind,
            )  # fmt: skip
            store.add_passage(p)
            mine.append(p)
        for a in mine:
            for b in mine:
                for rel_type in SCHEMA.relations_between(a.kind, b.kind):
                    if a.id == b.id or not draw(st.booleans()):
                        continue
                    labels = {"quote": "direct"} if rel_type.id == "said_by" else {}
                    count += 1
                    store.add_relation(
                        Relation(
                            f"{who}-r{count}",
                            article.id,
                            who,
                            rel_type.id,
                            a.id,
                            b.id,
                            labels,
                            SCHEMA.name,
                            SCHEMA.version,
                            STAMP,
                            STAMP,
                        ),
                        by=who,
                    )
    return store


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(framed_stores())
def test_any_frames_round_trip_through_hashiya_2(store: Store) -> None:
    exported = lines_of(store)
    fresh = Store(":memory:")
    result = import_annotation_lines(fresh, SCHEMA, "f.jsonl", exported)
    assert result.errors == [] and result.conflicts == []
    assert result.relations_added == store.relation_count()
    for table in ("passages", "relations"):
        assert rows(fresh, table) == rows(store, table), table
    assert lines_of(fresh) == exported
