"""Export -> import into a fresh database -> export gives the same lines (property tests).

Also: the exporter's fast record building equals `native_record`, its fast line writer
equals `dumps_line`, and the importer's quick check never accepts a line the full reader
(`parse_native_line`) refuses, nor reads one differently.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.exchange import (
    ExportFilter,
    ImportAborted,
    _LineChecker,
    _Merger,
    actor_lookup,
    export_records,
    import_annotation_lines,
    native_line,
    native_lines,
)
from annotations.export import FormatError, dumps_line, native_record, parse_native_line
from annotations.models import Article, Passage
from annotations.schema import default_schema
from annotations.store import Store, UserActor, passage_to_dict
from annotations.text import paragraph_spans

SCHEMA = default_schema()
STAMP = "2026-05-06T07:08:09.000000Z"
USER_ACTOR = UserActor("tribal_council", "مجلس العشائر", "", ("شيوخ",), "sara")

# Arabic letters and digits, Latin, ASCII digits, brackets and quotes, combining marks
# (fatha, kasra, shadda, an acute accent), characters outside the BMP, line breaks
# including the ones JSON Lines writers must escape.
ALPHABET = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوية"
    "٠١٢٣٩"
    "abcXYZ"
    "0123456789"
    "()[]{}«»\"'"
    "\u064e\u0650\u0651\u0301"
    "😀𝐀"
    " .،؟!\n\u2028\x85"
)
ANNOTATORS = ("omar", "sara")
ACTORS = [None, USER_ACTOR.id, *(a.id for a in SCHEMA.actors[:4])]
STANCES = [None, *(v.id for v in SCHEMA.stances)]
CLAIM_TYPES = [None, *(v.id for v in SCHEMA.claim_types)]
FREE_TEXT = st.none() | st.text(alphabet=ALPHABET, max_size=12)

texts = st.text(alphabet=ALPHABET, min_size=1, max_size=120)


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[Article], list[Passage], list[tuple[str, str, str]]]:
    """Articles, passages with random valid offsets, and some statuses."""
    articles = []
    for index, text in enumerate(draw(st.lists(texts, min_size=1, max_size=3))):
        articles.append(
            Article(
                id=f"art-{index}-{draw(st.sampled_from(['a', 'ب', '😀']))}",
                title=draw(st.text(alphabet=ALPHABET, max_size=10)),
                source=draw(st.sampled_from(["شفق نيوز", "Reuters", ""])),
                text=text,
                paragraphs=paragraph_spans(text),
                published=draw(st.none() | st.just("2025-01-02")),
                origin=draw(st.none() | st.just("feeds/x.jsonl")),
                imported_at=STAMP,
                metadata=draw(st.sampled_from([{}, {"lang": "ar"}, {"tags": ["a", "ب"], "n": 3}])),
            )
        )
    passages = []
    for _ in range(draw(st.integers(0, 12))):
        article = draw(st.sampled_from(articles))
        start = draw(st.integers(0, len(article.text) - 1))
        end = draw(st.integers(start + 1, len(article.text)))
        stamp = draw(st.sampled_from([STAMP, "2026-01-01T00:00:00.000000Z"]))
        passages.append(
            Passage(
                id=str(draw(st.uuids())),
                article_id=article.id,
                start=start,
                end=end,
                text=article.text[start:end],
                annotator=draw(st.sampled_from(ANNOTATORS)),
                actor=draw(st.sampled_from(ACTORS)),
                stance=draw(st.sampled_from(STANCES)),
                target=draw(FREE_TEXT),
                claim_type=draw(st.sampled_from(CLAIM_TYPES)),
                note=draw(FREE_TEXT),
                schema_name=SCHEMA.name,
                schema_version=draw(st.sampled_from([SCHEMA.version, "0.9"])),
                created_at=stamp,
                updated_at=stamp,
            )
        )
    statuses = draw(
        st.lists(
            st.tuples(
                st.sampled_from([a.id for a in articles]),
                st.sampled_from(ANNOTATORS),
                st.sampled_from(["todo", "in_progress", "done"]),
            ),
            max_size=4,
        )
    )
    return articles, passages, statuses


def build(corpus: tuple[list[Article], list[Passage], list[tuple[str, str, str]]]) -> Store:
    articles, passages, statuses = corpus
    store = Store(":memory:")
    store.add_articles(articles)
    store.add_actor(USER_ACTOR)
    for passage in passages:
        store.add_passage(passage)
    for article_id, annotator, status in statuses:
        store.set_status(article_id, annotator, status)
    return store


def lines_of(store: Store, unit: str = "article") -> list[str]:
    return list(native_lines(export_records(store, SCHEMA, exported_at=STAMP), unit))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_export_import_export_gives_the_same_lines(corpus: Any) -> None:
    source = build(corpus)
    exported = lines_of(source)
    for line in exported:
        assert "\n" not in line and "\u2028" not in line and "\x85" not in line
    fresh = Store(":memory:")
    file = [f"{line}\n".encode() for line in exported]
    result = import_annotation_lines(fresh, SCHEMA, "f.jsonl", file, importer="me")
    assert result.errors == [] and result.conflicts == []
    assert result.passages_added == len(corpus[1])
    assert lines_of(fresh) == exported
    assert lines_of(fresh, "span") == lines_of(source, "span")
    # And again: nothing changes.
    again = import_annotation_lines(fresh, SCHEMA, "f.jsonl", file)
    assert (again.passages_added, again.unchanged, again.conflicts) == (0, len(corpus[1]), [])
    assert lines_of(fresh) == exported


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_export_records_are_what_native_record_builds(corpus: Any) -> None:
    store = build(corpus)
    actors = actor_lookup(store, SCHEMA)
    for record in export_records(store, SCHEMA, exported_at=STAMP):
        article = store.get_article(record["article_id"])
        assert article is not None
        expected = native_record(
            article,
            record["annotator"],
            store.status(article.id, record["annotator"]),
            SCHEMA.name,
            SCHEMA.version,
            store.passages(article.id, record["annotator"]),
            actors,
            STAMP,
        )
        assert record == expected
        assert list(record) == list(expected)  # key order too


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=ALPHABET),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(deadline=None)  # a busy machine is not a failure
@given(st.dictionaries(st.text(alphabet=ALPHABET, max_size=4), json_values, max_size=5))
def test_native_line_is_dumps_line(record: dict[str, Any]) -> None:
    assert native_line(record) == dumps_line(record)


def test_import_audit_rows_hold_the_passages() -> None:
    text = "قال الوزير إن 3 قرارات صدرت 😀 أمس."
    article = Article("a1", "t", "s", text, paragraph_spans(text))
    source = Store(":memory:")
    source.add_articles([article])
    passage = Passage(
        "p1", "a1", 4, 10, text[4:10], "sara", "isis", "critical", 'هدف "x"', None, "n\n",
        SCHEMA.name, SCHEMA.version, STAMP, STAMP,
    )  # fmt: skip
    source.add_passage(passage)
    fresh = Store(":memory:")
    import_annotation_lines(fresh, SCHEMA, "f", lines_of(source), importer="lead")
    [row] = fresh.audit_trail("p1")
    assert (row["action"], row["annotator"], row["before"]) == ("import", "lead", None)
    assert json.loads(row["after"]) == passage_to_dict(passage)


def test_add_passages_skipping_existing_ids() -> None:
    text = "نص قصير للتجربة."
    store = Store(":memory:")
    store.add_articles([Article("a1", "t", "s", text, paragraph_spans(text))])

    def passage(pid: str, start: int, **kw: Any) -> Passage:
        return Passage(pid, "a1", start, start + 2, text[start : start + 2], "sara", **kw)

    store.add_passage(passage("p1", 0, note="mine"))
    skipped = store.add_passages(
        [passage("p0", 3), passage("p1", 0), passage("p2", 5)],
        by="lead",
        action="import",
        skip_existing=True,
    )
    assert skipped == ["p1"]
    assert store.passage("p1") == passage("p1", 0, note="mine")  # untouched
    assert [t["action"] for t in store.audit_trail("p1")] == ["create"]
    for pid in ("p0", "p2"):
        [row] = store.audit_trail(pid)
        assert (row["action"], row["annotator"]) == ("import", "lead")
        assert json.loads(row["after"]) == passage_to_dict(store.passage(pid))  # type: ignore[arg-type]
    assert store.add_passages([], by="", action="import") == []


def test_a_bad_line_leaves_the_store_unchanged() -> None:
    text = "نص قصير للتجربة."
    source = Store(":memory:")
    source.add_articles([Article("a1", "t", "s", text, paragraph_spans(text))])
    source.add_passage(
        Passage("p1", "a1", 0, 2, text[:2], "sara", created_at=STAMP, updated_at=STAMP)
    )
    good = lines_of(source)
    fresh = Store(":memory:")
    with pytest.raises(ImportAborted) as caught:
        import_annotation_lines(fresh, SCHEMA, "f", [*good, "{"])
    assert caught.value.errors == [
        "f:2: not valid JSON: Expecting property name enclosed in double quotes (column 2)"
    ]
    assert fresh.article_count() == 0
    assert list(fresh.all_passages()) == []


# --------------------------------------------------------------------------- quick check


def _base_record() -> dict[str, Any]:
    text = "قال الوزير Ahmad إن 3 قرارات صدرت. 😀 الحكومة ترفض!"
    article = Article("a1", "عنوان", "مصدر", text, paragraph_spans(text), "2025-01-01")
    passages = [
        Passage("p1", "a1", 4, 10, text[4:10], "sara",
                {"actor": "isis", "stance": "critical", "target": "هدف", "claim_type": "warning"},
                "news", "1.0", STAMP, STAMP),
        Passage("p2", "a1", 11, 16, text[11:16], "sara", {"note": "ملاحظة"},
                "news", "1.0", STAMP, STAMP),
    ]  # fmt: skip
    store = Store(":memory:")
    return native_record(
        article, "sara", "done", "news", "1.0", passages, actor_lookup(store, SCHEMA), STAMP
    )


ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    3,
    10_000,
    1.5,
    "",
    "x",
    "isis",
    "critical",
    [],
    {},
    ["x"],
]
TOP_KEYS = list(_base_record())
SPAN_KEYS = list(_base_record()["spans"][0])
ACTOR_KEYS = ["id", "name_ar", "name_en", "aliases"]


@st.composite
def mutated_lines(draw: st.DrawFn) -> str:
    record = _base_record()
    for _ in range(draw(st.integers(1, 3))):
        target: Any
        where = draw(st.sampled_from(["top", "span", "actor", "schema", "spans"]))
        value = draw(st.sampled_from([*ODD_VALUES, "DROP"]))
        if where == "top":
            target, key = record, draw(st.sampled_from(TOP_KEYS))
        elif where == "schema":
            target, key = record.get("schema"), draw(st.sampled_from(["name", "version"]))
        elif where == "spans":
            target, key = record, "spans"
            value = draw(st.sampled_from([[], [1], [{}], ODD_VALUES]))
        else:
            spans = record.get("spans")
            if not isinstance(spans, list) or not spans or not isinstance(spans[0], dict):
                continue
            target = spans[draw(st.integers(0, len(spans) - 1))]
            if not isinstance(target, dict):
                continue
            if where == "actor":
                if not isinstance(target.get("actor"), dict):
                    continue
                target, key = target["actor"], draw(st.sampled_from(ACTOR_KEYS))
                value = draw(st.sampled_from([*ODD_VALUES, "DROP", "al_qaeda", "ghost", ["a", 1]]))
            else:
                key = draw(st.sampled_from(SPAN_KEYS))
                if key in ("start", "end") and type(target.get(key)) is int:
                    value = draw(st.sampled_from([value, target[key] + 1, target[key] - 1]))
        if not isinstance(target, dict):
            continue
        if value == "DROP":
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(value)
    return json.dumps(record, ensure_ascii=False)


@settings(max_examples=400, deadline=None)
@given(mutated_lines())
def test_quick_check_agrees_with_the_full_reader(line: str) -> None:
    checker = _LineChecker(Store(":memory:"), SCHEMA)
    quick = checker._quick(json.loads(line), 1)
    try:
        full = checker._checked(parse_native_line(line, 1, checker.known_values), 1)
    except FormatError:
        assert quick is None
        return
    if quick is not None:
        assert (quick.article, quick.annotator, quick.status, quick.rows) == (
            full.article,
            full.annotator,
            full.status,
            full.rows,
        )
        assert full.new_actors == []


def test_quick_check_takes_the_plain_line() -> None:
    checker = _LineChecker(Store(":memory:"), SCHEMA)
    line = json.dumps(_base_record(), ensure_ascii=False)
    quick = checker._quick(json.loads(line), 1)
    assert quick is not None
    full = checker._checked(parse_native_line(line, 1, checker.known_values), 1)
    assert quick.rows == full.rows and quick.article == full.article


def test_export_filter_default_is_every_annotator() -> None:
    assert ExportFilter() == ExportFilter(annotators=(), articles=(), status=None, since=None)


def relabelled(corpus: Any) -> Any:
    """The corpus with other labels on its passages and its statuses set back."""
    articles, passages, statuses = corpus
    changed = [dataclasses.replace(p, note="غيّر", stance=None) for p in passages]
    return articles, changed, [(a, who, "todo") for a, who, _ in statuses]


def _import_outcome(
    target: Any, file: list[bytes], prefer: str, batch_lines: int, monkeypatch: Any
) -> tuple[Any, ...]:
    monkeypatch.setattr(_Merger, "BATCH_LINES", batch_lines)
    store = build(target)
    result = import_annotation_lines(store, SCHEMA, "f.jsonl", file, prefer=prefer)
    audit = store.conn.execute(
        "SELECT passage_id, action, annotator, before, after FROM audit ORDER BY id"
    ).fetchall()
    return result, lines_of(store), audit


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(), corpora(), st.sampled_from(["database", "incoming"]))
def test_batched_import_is_line_by_line(first: Any, second: Any, prefer: str) -> None:
    # The file names some passages twice with other labels, statuses out of order, and
    # (second) articles whose ids the first gave other texts: conflicts of every kind.
    file = [
        f"{line}\n".encode()
        for corpus in (first, relabelled(first), relabelled(second), first, second)
        for line in lines_of(build(corpus))
    ]
    with pytest.MonkeyPatch.context() as monkeypatch:
        batched = _import_outcome(second, file, prefer, 500, monkeypatch)
        one_by_one = _import_outcome(second, file, prefer, 1, monkeypatch)
    assert batched == one_by_one


def test_import_stamps_a_batch_once() -> None:
    text = "نص المقال"
    articles = [Article(f"a{i}", "t", "s", text, paragraph_spans(text)) for i in range(3)]
    passages = [
        Passage(
            f"p{i}",
            f"a{i}",
            0,
            2,
            "نص",
            "sara",
            *[None] * 5,
            SCHEMA.name,
            SCHEMA.version,
            STAMP,
            STAMP,
        )
        for i in range(3)
    ]
    source = build((articles, passages, [(f"a{i}", "sara", "done") for i in range(3)]))
    fresh = Store(":memory:")
    result = import_annotation_lines(fresh, SCHEMA, "f", lines_of(source))
    assert (result.passages_added, result.articles_added, result.statuses_set) == (3, 3, 3)
    stamps = fresh.conn.execute(
        "SELECT count(DISTINCT imported_at) FROM articles UNION ALL"
        " SELECT count(DISTINCT at) FROM audit UNION ALL"
        " SELECT count(DISTINCT updated_at) FROM article_status"
    ).fetchall()
    assert stamps == [(1,), (1,), (1,)]
