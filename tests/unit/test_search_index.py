"""The FTS5 search index and find-in-article, on the seed articles."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.search import (
    SEARCH_SCHEMA_SQL,
    find_in_text,
    index_articles,
    normalize,
    normalize_text,
    parse_query,
    rebuild_index,
    remove_article,
    search,
    tokenize,
)
from annotations.search import index as search_index

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@cache
def seed_rows() -> list[tuple[str, str, str]]:
    """(id, title, text) for every seed: the id is the file's number, the title its
    first line."""
    rows = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        rows.append((path.stem[:3], text.split("\n", 1)[0][:80], text))
    return rows


@cache
def texts() -> dict[str, str]:
    return {article_id: text for article_id, _, text in seed_rows()}


def make_db(rows: list[tuple[str, str, str]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("CREATE TABLE articles (id TEXT PRIMARY KEY, title TEXT, text TEXT)")
    for statement in SEARCH_SCHEMA_SQL:
        conn.execute(statement)
    conn.executemany("INSERT INTO articles VALUES (?, ?, ?)", rows)
    conn.commit()
    return conn


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    rows = seed_rows()
    conn = make_db(rows)
    assert index_articles(conn, rows) == len(rows)
    conn.commit()
    yield conn
    conn.close()


def ids(hits: list[search_index.Hit]) -> set[str]:
    return {hit.article_id for hit in hits}


def assert_exact(hit: search_index.Hit, query_word: str) -> None:
    """Every span of the hit is, in the stored text, a word that normalises to the query."""
    text = texts()[hit.article_id]
    assert hit.spans, hit
    assert (hit.start, hit.end) == hit.spans[0]
    for start, end in hit.spans:
        assert normalize_text(text[start:end]) == normalize_text(query_word)
        assert start == 0 or not text[start - 1].isalnum()
        assert end == len(text) or not text[end].isalnum()


# --- spelling variation ----------------------------------------------------------------


def test_with_and_without_hamza_find_the_same_words(db: sqlite3.Connection) -> None:
    with_hamza = search(db, "الأمريكية ")
    without = search(db, "الامريكية ")
    assert ids(with_hamza) == ids(without) == {"000", "001", "004"}
    assert [h.spans for h in with_hamza] == [h.spans for h in without]
    for hit in with_hamza:
        assert_exact(hit, "الأمريكية")
        for start, end in hit.spans:
            assert texts()[hit.article_id][start:end] == "الأمريكية"
    stored = texts()["000"]
    expected = [m.span() for m in re.finditer(r"(?<!\w)الأمريكية(?!\w)", stored)]
    hit_000 = next(h for h in with_hamza if h.article_id == "000")
    assert list(hit_000.spans) == expected


def test_with_and_without_harakat(db: sqlite3.Connection) -> None:
    for query in ("وتُعد", "وتعد"):
        [hit] = search(db, query + " ")
        assert hit.article_id == "001"
        assert texts()["001"][hit.start : hit.end] == "وتُعد"
    stored = set()
    for hit in search(db, "يعد "):
        assert_exact(hit, "يعد")
        stored |= {texts()[hit.article_id][s:e] for s, e in hit.spans}
    assert stored == {"يعد", "يُعد"}


def test_shadda_in_the_stored_text(db: sqlite3.Connection) -> None:
    hits = search(db, "الموقع ")
    spans = [(h.article_id, s, e) for h in hits for s, e in h.spans]
    stored = [texts()[a][s:e] for a, s, e in spans]
    assert "الموقّع" in stored


def test_arabic_indic_digits_match_ascii_digits(db: sqlite3.Connection) -> None:
    eastern = search(db, "٢٠١٤")
    western = search(db, "2014")
    assert ids(eastern) == ids(western) == {"002", "004"}
    for hit in eastern:
        for start, end in hit.spans:
            assert texts()[hit.article_id][start:end] == "2014"


def test_taa_marbuta_and_alef_maqsura(db: sqlite3.Connection) -> None:
    hits = search(db, "السفاره ")
    assert ids(hits) == {"000", "001"}
    for hit in hits:
        assert_exact(hit, "السفارة")
    hits = search(db, "الي ")  # إلى, spelled the way many type it
    assert {texts()[h.article_id][h.start : h.end] for h in hits} == {"إلى"}


def test_hamza_carriers_are_not_folded(db: sqlite3.Connection) -> None:
    assert search(db, "المسؤولين ")
    assert search(db, "المسوولين ") == []


# --- query syntax --------------------------------------------------------------------------


def test_all_words_must_match(db: sqlite3.Connection) -> None:
    assert ids(search(db, "داعش بغداد ")) <= ids(search(db, "داعش "))
    assert search(db, "داعش كلمةغيرموجودة ") == []


def test_phrase(db: sqlite3.Connection) -> None:
    hits = search(db, '"القوات الأمريكية"')
    assert hits
    for hit in hits:
        for start, end in hit.spans:
            stored = texts()[hit.article_id][start:end]
            assert stored.split() == ["القوات", "الأمريكية"]
    assert search(db, '"الأمريكية القوات"') == []


@pytest.mark.parametrize("quotes", ["«»", "“”"])
def test_other_quotes_make_phrases(db: sqlite3.Connection, quotes: str) -> None:
    query = f"{quotes[0]}القوات الأمريكية{quotes[1]}"
    assert ids(search(db, query)) == ids(search(db, '"القوات الأمريكية"'))


def test_last_word_is_a_prefix_while_typing(db: sqlite3.Connection) -> None:
    hits = search(db, "امريك")
    assert hits
    for hit in hits:
        for start, end in hit.spans:
            word = texts()[hit.article_id][start:end]
            assert normalize_text(word).startswith("امريك")
            assert " " not in word
    assert search(db, "امريك ") == []  # a space ends the word
    assert search(db, "امريك", prefix_last=False) == []


def test_parse_query() -> None:
    terms = parse_query('الأمريكية "القوات  الأمنية" al-Qaeda «بغداد» وتُع')
    assert [(t.tokens, t.prefix) for t in terms] == [
        (("الامريكيه",), False),
        (("القوات", "الامنيه"), False),
        (("al", "qaeda"), False),
        (("بغداد",), False),
        (("وتع",), True),
    ]
    assert parse_query('"open phrase') == [search_index.QueryTerm(("open", "phrase"), True)]
    assert parse_query('"closed"') == [search_index.QueryTerm(("closed",), False)]
    assert parse_query("a b") == [
        search_index.QueryTerm(("a",)),
        search_index.QueryTerm(("b",)),  # one letter: too short to be a prefix
    ]
    assert parse_query("داعش داعش ") == [search_index.QueryTerm(("داعش",))]
    assert parse_query(" - * : ") == []


HOSTILE = [
    "",
    " ",
    '"',
    '""',
    '"""',
    "*",
    "-",
    ":",
    "^",
    "(",
    ")",
    "'",
    "\\",
    "\x00",
    "AND",
    "OR NOT",
    "NEAR(داعش سوريا, 2)",
    "title:داعش",
    "{title body}: داعش",
    "-داعش",
    "داعش*",
    '"داعش',
    'داعش"',
    'د"اعش',
    "داعش OR سوريا",
    "* OR *",
    "😀",
    "ـــ",
    "\u064e\u064b",
    '"' * 1001,
    "داعش " * 500,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(db: sqlite3.Connection, query: str) -> None:
    hits = search(db, query)
    assert isinstance(hits, list)
    assert isinstance(find_in_text(query, texts()["000"]), list)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_query_is_valid(query: str) -> None:
    rows = seed_rows()[:1]
    conn = make_db(rows)
    index_articles(conn, rows)
    search(conn, query)
    find_in_text(query, rows[0][2])


# --- hits -------------------------------------------------------------------------------


def test_snippet_is_stored_text_around_the_first_hit(db: sqlite3.Connection) -> None:
    for hit in search(db, "داعش "):
        text = texts()[hit.article_id]
        assert hit.start is not None and hit.end is not None
        assert text[hit.snippet_start : hit.snippet_start + len(hit.snippet)] == hit.snippet
        s, e = hit.snippet_spans[0]
        assert (s + hit.snippet_start, e + hit.snippet_start) == (hit.start, hit.end)
        assert "\n" not in hit.snippet
        assert len(hit.snippet) <= search_index.SNIPPET_CHARS
        for s, e in hit.snippet_spans:
            assert normalize_text(hit.snippet[s:e]) == "داعش"


def test_title_only_match() -> None:
    rows = [("x1", "عنوان عن الأنبار", "نص لا يذكر المحافظة.\nفقرة ثانية.")]
    conn = make_db(rows)
    index_articles(conn, rows)
    [hit] = search(conn, "الانبار ")
    assert hit.start is None and hit.end is None and hit.spans == ()
    assert hit.title_spans == ((9, 16),)
    assert hit.snippet == "نص لا يذكر المحافظة." and hit.snippet_start == 0
    assert hit.snippet_spans == ()


def test_title_and_text_together_satisfy_all_words() -> None:
    rows = [("x1", "الأنبار", "قوات على الحدود")]
    conn = make_db(rows)
    index_articles(conn, rows)
    [hit] = search(conn, "الانبار الحدود ")
    assert hit.title_spans == ((0, 7),)
    assert hit.spans == ((9, 15),)


def test_title_weighs_more_than_text() -> None:
    rows = [
        ("in-text", "خبر", "خبر عن الأنبار وعن أمور أخرى كثيرة"),
        ("in-title", "الأنبار", "خبر عن أمور أخرى كثيرة وعن الحدود"),
    ]
    conn = make_db(rows)
    index_articles(conn, rows)
    assert [h.article_id for h in search(conn, "الانبار ")] == ["in-title", "in-text"]


def test_limit_and_offset_page_through_the_results(db: sqlite3.Connection) -> None:
    everything = [h.article_id for h in search(db, "داعش ")]
    assert len(everything) == 5
    pages = [h.article_id for i in range(5) for h in search(db, "داعش ", limit=1, offset=i)]
    assert pages == everything
    assert [h.article_id for h in search(db, "داعش ", limit=2, offset=3)] == everything[3:]
    assert search(db, "داعش ", limit=0) == []
    assert search(db, "داعش ", limit=-1) == []
    assert [h.article_id for h in search(db, "داعش ", offset=-3)] == everything


@pytest.mark.parametrize("window", [1, 2, 3, 10])
def test_large_result_sets_rank_a_window_then_newest_first(
    db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    monkeypatch.setattr(search_index, "RANK_WINDOW", window)
    everything = [h.article_id for h in search(db, "داعش ")]
    assert sorted(everything) == ["000", "001", "002", "003", "004"]
    pages = [h.article_id for i in range(5) for h in search(db, "داعش ", limit=1, offset=i)]
    assert pages == everything
    if window < 5:  # past the window: the rest by index order, newest first
        assert everything[window:] == sorted(everything[window:], reverse=True)


# --- keeping the index up to date -----------------------------------------------------------


def test_remove_article(db: sqlite3.Connection) -> None:
    assert remove_article(db, "000")
    assert "000" not in ids(search(db, "الامريكية "))
    assert not remove_article(db, "000")


def test_deleting_the_article_removes_it_from_the_index(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM articles WHERE id = '000'")
    assert "000" not in ids(search(db, "الامريكية "))
    assert db.execute("SELECT count(*) FROM search_fts").fetchone() == (4,)


def test_indexing_again_replaces(db: sqlite3.Connection) -> None:
    db.execute("UPDATE articles SET text = 'نص جديد عن الأنبار' WHERE id = '000'")
    index_articles(db, [("000", "عنوان", "نص جديد عن الأنبار")])
    assert db.execute("SELECT count(*) FROM search_fts").fetchone() == (5,)
    assert "000" not in ids(search(db, "الامريكية "))
    [hit] = [h for h in search(db, "الانبار ") if h.article_id == "000"]
    assert hit.spans == ((11, 18),)


def test_indexing_is_all_or_nothing(db: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.IntegrityError):  # "nope" is not in `articles`
        index_articles(db, [("000", "", "كلمةجديدة"), ("nope", "", "كلمةجديدة")])
    assert search(db, "كلمةجديدة") == []
    assert "000" in ids(search(db, "الامريكية "))


def test_rebuild_index(db: sqlite3.Connection) -> None:
    before = [(h.article_id, h.spans) for h in search(db, "داعش ")]
    assert rebuild_index(db) == 5
    assert [(h.article_id, h.spans) for h in search(db, "داعش ")] == before


def test_index_and_python_agree_on_the_words(db: sqlite3.Connection) -> None:
    """Every token FTS5 indexed is a word of `tokenize`, and the other way round: FTS5
    says which articles match, Python where, so the two must split words alike."""
    db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, search_fts, row)")
    indexed = {term for (term,) in db.execute("SELECT term FROM vocab")}
    ours = set()
    for _, title, text in seed_rows():
        for field in (title, text):
            normalised = normalize_text(field)
            ours |= {normalised[s:e] for s, e in tokenize(normalised)}
    assert indexed == ours


def test_every_word_of_a_seed_finds_it(db: sqlite3.Connection) -> None:
    text = texts()["003"]
    normalised = normalize(text)
    spans = [normalised.span_to_original(s, e) for s, e in tokenize(normalised.text)]
    words = {text[s:e] for s, e in spans}
    assert {"أيضًا", "تشكّل", "أساسيًا"} <= words  # with their harakat
    for word in sorted(words)[::5]:
        hits = search(db, word + " ")
        hit = next(h for h in hits if h.article_id == "003")
        assert_exact(hit, word)


# --- find in article ---------------------------------------------------------------------------


def test_find_in_text_finds_every_occurrence_in_order() -> None:
    text = texts()["004"]
    spans = find_in_text("داعش", text, prefix_last=False)
    expected = [m.span() for m in re.finditer(r"(?<!\w)داعش(?!\w)", text)]
    assert spans == expected and len(spans) > 10


def test_find_in_text_with_harakat_and_several_terms() -> None:
    text = "قال إنَّ القواتِ الأمريكيةَ وتُعد أكبر. الامريكية"
    spans = find_in_text("القوات الامريكية ", text)
    assert [text[s:e] for s, e in spans] == ["القواتِ", "الأمريكيةَ", "الامريكية"]
    spans = find_in_text('"القوات الامريكية"', text)
    assert [text[s:e] for s, e in spans] == ["القواتِ الأمريكيةَ"]
    assert find_in_text("", text) == []


def test_the_core_does_not_import_textual() -> None:
    code = (
        "import sys, annotations.search, annotations.search.index;"
        "assert 'textual' not in sys.modules and 'rich' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_indexing_in_chunks_numbers_and_replaces_as_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rows indexed a chunk at a time get the docids and index entries that indexing them
    one at a time gives, an id repeated inside a chunk or across chunks included."""
    seeds = seed_rows()
    rows = [
        (f"{n:03d}-{i}", title, text)
        for i, (n, (_, title, text)) in enumerate((n, seeds[n % len(seeds)]) for n in range(7))
    ]
    again = [(rows[1][0], "عنوان", "نص جديد عن الأنبار"), rows[4], (rows[1][0], "", "كلمةجديدة")]
    one_by_one = make_db(rows)
    for row in [*rows, *again]:
        index_articles(one_by_one, [row])
    monkeypatch.setattr(search_index, "_INDEX_CHUNK", 3)
    chunked = make_db(rows)
    assert index_articles(chunked, [*rows, *again]) == len(rows) + len(again)

    def contents(conn: sqlite3.Connection) -> list[object]:
        docs = conn.execute("SELECT docid, article_id FROM search_docs ORDER BY docid")
        fts = conn.execute("SELECT rowid, title, body FROM search_fts ORDER BY rowid")
        return [docs.fetchall(), fts.fetchall()]

    assert contents(chunked) == contents(one_by_one)
    for query in ["كلمةجديدة", "الانبار ", "داعش "]:
        assert search(chunked, query) == search(one_by_one, query)


def test_a_bad_row_in_the_middle_of_a_chunk_indexes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search_index, "_INDEX_CHUNK", 3)
    rows = seed_rows()
    conn = make_db(rows)
    bad = [*rows[:2], ("nope", "", "كلمةجديدة"), *rows[2:]]
    with pytest.raises(sqlite3.IntegrityError):
        index_articles(conn, bad)
    assert conn.execute("SELECT count(*) FROM search_docs").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM search_fts").fetchone() == (0,)
