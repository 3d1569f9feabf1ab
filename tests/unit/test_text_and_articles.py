"""The stored text rules, paragraphs, ids, and derived titles and sources."""

from __future__ import annotations

import pytest

from annotations.articles import article_id, derive_source, derive_title, make_article
from annotations.text import TextError, decode, normalize, paragraph_spans, printable


def test_decode_drops_bom_and_rejects_bad_utf8_with_offset() -> None:
    assert decode("\ufeffنص".encode()) == "نص"
    with pytest.raises(TextError, match=r"not UTF-8 \(invalid byte at offset 3\)"):
        decode(b"abc\xff")
    with pytest.raises(TextError, match="binary"):
        decode(b"ab\x00cd")


def test_normalize_line_ends_and_nfc() -> None:
    # alef + hamza above (2 code points) composes to U+0623 under NFC
    assert normalize("a\r\nb\rc") == "a\nb\nc"
    assert normalize("\u0627\u0654") == "\u0623"


def test_paragraphs_are_lines_and_blank_blocks() -> None:
    text = "عنوان\n\nفقرة أولى\nفقرة ثانية\n\n  فقرة ثالثة  \n"
    spans = paragraph_spans(text)
    assert [text[s:e] for s, e in spans] == ["عنوان", "فقرة أولى", "فقرة ثانية", "فقرة ثالثة"]


def test_id_is_stable_hash_of_stored_text() -> None:
    a = make_article("نص\r\n")
    b = make_article("نص\n")
    assert a.id == b.id == article_id("نص\n")
    assert len(a.id) == 16


def test_titles_and_sources_of_the_seed_styles() -> None:
    byline = "شفق نيوز- بغداد\n\nفي تطور لافت يشير إلى بدء تنفيذ الاتفاق.\n"
    assert derive_source(byline) == "شفق نيوز"
    assert derive_title(byline).startswith("في تطور لافت")
    web = 'logo\nالعالم العربي\nخاص\n\nهل تم تحريك داعش؟\n\nنص لـ"إرم نيوز".\n'
    assert derive_title(web) == "هل تم تحريك داعش؟"
    assert derive_source(web) == "إرم نيوز"
    writer = "كتب : صفاء مصطفى... العرب نيوز اللندنية\nأعلنت السلطات.\n"
    assert derive_source(writer) == "العرب نيوز اللندنية"
    assert derive_title(writer) == "أعلنت السلطات"


def test_overrides_win_over_derived_fields() -> None:
    a = make_article("شفق نيوز- بغداد\nنص.\n", title="T", source="S")
    assert (a.title, a.source) == ("T", "S")


def test_printable_never_lets_controls_through() -> None:
    shown = printable("a\x1b[31mb\x07\x9b\tc")
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert shown == "a␛[31mb␇� c"
