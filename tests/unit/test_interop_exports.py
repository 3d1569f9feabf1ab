"""Prodigy's views and hashes, doccano's overlap warning, and the CoNLL format read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from murmurhash import mrmr

from annotations.articles import make_article
from annotations.export import FORMATS, ExportOptions, native_record, to_prodigy
from annotations.export.conll import SpanIn, conll_document, read_conll, tokenize
from annotations.export.formats import overlapping_span_ids, to_conll
from annotations.export.hashing import murmurhash3_32, prodigy_hashes
from annotations.models import Passage
from annotations.store import Store
from tests.support.corpus import STAMP
from tui.cli import cli

TEXT = (
    "قال 😀 الوزير 👨\u200d👩\u200d👧 إن Google ستفتح مكتباً في بغداد 🇮🇶، والحكومة ترفض ذلك.\n"
    "وأكّد المتحدث أنَّ «الاتفاق سيوقع غداً»."
)
ARTICLE = make_article(TEXT, title="t", source="s", imported_at=STAMP)


def passage(phrase: str, pid: str, who: str = "sara", **labels: Any) -> Passage:
    start = ARTICLE.text.index(phrase)
    return Passage(
        id=pid,
        article_id=ARTICLE.id,
        start=start,
        end=start + len(phrase),
        text=phrase,
        annotator=who,
        schema_name="news",
        schema_version="1.0",
        created_at=STAMP,
        updated_at=STAMP,
        **labels,
    )


MINISTER = passage("الوزير", "p1", stance="critical", claim_type="official_statement")
AROUND = passage("😀 الوزير 👨\u200d👩\u200d👧", "p2", stance="neutral")  # contains p1, p3
FAMILY = passage("👨\u200d👩\u200d👧", "p3", claim_type="opinion")
GOOGLE = passage("Google", "p4", claim_type="prediction")
CLITIC = passage("الحكومة ترفض", "p5", claim_type="factual_report")  # starts after «و»


def record(passages: list[Passage], annotator: str = "sara") -> dict[str, Any]:
    return native_record(ARTICLE, annotator, "done", "news", "1.0", passages, {}, STAMP)


# --------------------------------------------------------------------------- Prodigy


def test_prodigy_view_is_spans_manual_only_where_spans_overlap() -> None:
    (flat,) = to_prodigy(record([MINISTER, GOOGLE, CLITIC]), "claim_type")
    (nested,) = to_prodigy(record([MINISTER, AROUND, GOOGLE]), "claim_type")
    (touching,) = to_prodigy(record([passage("قال", "a"), passage(" 😀", "b")]), "claim_type")
    assert flat["_view_id"] == "ner_manual"
    assert nested["_view_id"] == "spans_manual"
    assert touching["_view_id"] == "ner_manual"  # end == start is no overlap


def test_overlapping_span_ids() -> None:
    spans = record([MINISTER, AROUND, FAMILY, GOOGLE, CLITIC])["spans"]
    assert overlapping_span_ids(spans) == {"p1", "p2", "p3"}
    assert overlapping_span_ids(record([GOOGLE, CLITIC])["spans"]) == set()


def _prodigy_reference(task: dict[str, Any]) -> tuple[int, int]:
    """The hashes as Prodigy's set_hashes makes them, with the murmurhash package
    Prodigy uses: the input keys' JSON, then the task keys' JSON after the input hash."""
    dumped = json.dumps({"text": task["text"]}, sort_keys=True, separators=(",", ":"))
    input_hash = mrmr.hash(dumped)
    spans = json.dumps({"spans": task["spans"]}, sort_keys=True, separators=(",", ":"))
    return input_hash, mrmr.hash(str(input_hash) + spans)


def test_prodigy_hashes_are_prodigys() -> None:
    (task,) = to_prodigy(record([MINISTER, AROUND, GOOGLE]), "stance")
    assert (task["_input_hash"], task["_task_hash"]) == _prodigy_reference(task)
    assert prodigy_hashes(task) == _prodigy_reference(task)


@given(st.binary(max_size=64))
def test_murmurhash3_matches_the_murmurhash_package(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    assert murmurhash3_32(text.encode("utf-8")) == mrmr.hash(text)


def test_prodigy_hashes_are_stable_across_exports(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with Store(db) as store:
        store.add_articles([ARTICLE])
        for p in (MINISTER, AROUND, GOOGLE):
            store.add_passage(p)
        store.add_passage(passage("الوزير", "o1", who="omar", stance="critical"))

    def export() -> list[dict[str, Any]]:
        result = CliRunner().invoke(cli, ["--db", str(db), "export", "--format", "prodigy"])
        assert result.exit_code == 0, result.stderr
        return [json.loads(line) for line in result.stdout.splitlines()]

    first, second = export(), export()
    hashes = [(t["_input_hash"], t["_task_hash"]) for t in first]
    assert hashes == [(t["_input_hash"], t["_task_hash"]) for t in second]
    (omar, sara) = first
    assert omar["_input_hash"] == sara["_input_hash"]  # the same text
    assert omar["_task_hash"] != sara["_task_hash"]  # other spans


# --------------------------------------------------------------------------- doccano


def _db_with(tmp_path: Path, passages: list[Passage], name: str = "d.db") -> Path:
    db = tmp_path / name
    with Store(db) as store:
        store.add_articles([ARTICLE])
        for p in passages:
            store.add_passage(p)
    return db


def test_doccano_export_says_how_many_spans_overlap(tmp_path: Path) -> None:
    db = _db_with(tmp_path, [MINISTER, AROUND, FAMILY, GOOGLE, CLITIC])
    out = tmp_path / "d.jsonl"
    result = CliRunner().invoke(
        cli, ["--db", str(db), "export", "--format", "doccano", "-o", str(out)]
    )
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "doccano: 3 of 5 spans overlap another span; a doccano project keeps them only if it was"
        ' created with "Allow overlapping spans" checked (otherwise doccano drops them without a word)',
        f"{out}: 1 written",
    ]
    # To stdout too, and nothing said when no span overlaps.
    result = CliRunner().invoke(cli, ["--db", str(db), "export", "--format", "doccano"])
    assert "3 of 5 spans overlap" in result.stderr
    flat = _db_with(tmp_path, [GOOGLE, CLITIC], "flat.db")
    result = CliRunner().invoke(cli, ["--db", str(flat), "export", "--format", "doccano"])
    assert result.exit_code == 0
    assert result.stderr == ""


# --------------------------------------------------------------------------- CoNLL


def test_tokenize_keeps_emoji_sequences_and_cuts_at_span_edges() -> None:
    text = "قال 😀 الوزير 👨\u200d👩\u200d👧 🇮🇶 👍🏽، والحكومة\u200f."
    tokens = [text[s:e] for s, e in tokenize(text)]
    assert tokens == [
        "قال",
        "😀",
        "الوزير",
        "👨\u200d👩\u200d👧",
        "🇮🇶",
        "👍🏽",
        "،",
        "والحكومة",
        ".",
    ]
    cut = text.index("الحكومة")
    assert [text[s:e] for s, e in tokenize(text, [cut])][-3:] == ["و", "الحكومة", "."]


def test_conll_file_reads_back_to_the_spans(tmp_path: Path) -> None:
    db = _db_with(tmp_path, [MINISTER, AROUND, FAMILY, GOOGLE, CLITIC])
    out = tmp_path / "spans.conll"
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(db),
            "export",
            "--format",
            "conll",
            "--label-from",
            "claim_type",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.stderr
    # AROUND is the longest of the three overlapping spans: it wins, the two inside it go.
    assert result.stderr.splitlines() == [
        "conll: 2 of 5 spans overlap a longer span and are not in the file (BIO holds one label per token)",
        f"{out}: 1 written",
    ]
    content = out.read_text(encoding="utf-8")
    assert content.startswith("# hashiya conll: columns TOKEN START END TAG")
    (document,) = read_conll(content.splitlines())
    assert document.comments == {
        "article_id": ARTICLE.id,
        "annotator": "sara",
        "label_from": "claim_type",
    }
    text = ARTICLE.text
    for token, start, end, _ in document.tokens:
        assert text[start:end] == token
    assert document.spans() == [
        (AROUND.start, AROUND.end, "_unset"),
        (GOOGLE.start, GOOGLE.end, "prediction"),
        (CLITIC.start, CLITIC.end, "factual_report"),
    ]
    # The clitic «و» before the span is a token of its own, outside it.
    index = [t[1] for t in document.tokens].index(CLITIC.start)
    assert document.tokens[index - 1][0] == "و"
    assert document.tokens[index - 1][3] == "O"


def test_conll_sentences_are_lines() -> None:
    document = conll_document(ARTICLE.text, [SpanIn(0, 3, "X", "a")])
    first_line = ARTICLE.text.split("\n")[0]
    assert [t[0] for t in document.sentences[0]][-1] == "."
    assert document.sentences[0][-1][2] == len(first_line)
    assert len(document.sentences) == 2


def test_conll_registry_entry_and_untokenised_spans(tmp_path: Path) -> None:
    blank = Passage(
        id="sp",
        article_id=ARTICLE.id,
        start=3,
        end=4,
        text=" ",
        annotator="sara",
        created_at=STAMP,
        updated_at=STAMP,
    )
    notes: list[str] = []
    options = ExportOptions(label_from="stance", report=notes.append)
    written = FORMATS["conll"].write([record([MINISTER, blank])], tmp_path / "x.conll", options)
    assert written.written == 1
    assert notes == [
        "conll: 1 spans hold no token (only spaces or format characters) (BIO holds one label per token)"
    ]
    assert to_conll(record([MINISTER]), "stance").untokenised == []


@pytest.mark.parametrize("label_from", ["stance", "claim_type", "actor"])
def test_conll_tags_follow_label_from(label_from: str) -> None:
    document = to_conll(record([MINISTER]), label_from)  # type: ignore[arg-type]
    tags = {t[3] for s in document.sentences for t in s} - {"O"}
    expected = {"stance": "critical", "claim_type": "official_statement", "actor": "_unset"}[
        label_from
    ]
    assert tags == {f"B-{expected}"}


def test_conll_to_a_terminal_shows_controls_as_pictures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import click.testing

    text = "قال \x07 الوزير \u202e كلمة"  # BEL is a token of its own; RLO separates
    article = make_article(text, title="t", source="s", imported_at=STAMP)
    db = tmp_path / "c.db"
    start = article.text.index("الوزير")
    with Store(db) as store:
        store.add_articles([article])
        store.add_passage(
            Passage(
                "w",
                article.id,
                start,
                start + 6,
                "الوزير",
                "sara",
                created_at=STAMP,
                updated_at=STAMP,
            )
        )
    args = ["--db", str(db), "export", "--format", "conll"]
    piped = CliRunner().invoke(cli, args).stdout
    assert "\x07\t" in piped  # a file or a pipe gets the text as it is
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    shown = CliRunner().invoke(cli, args).stdout
    assert "\x07" not in shown and "\u202e" not in shown
    assert "\u2407\t" in shown  # ␇, the control picture
