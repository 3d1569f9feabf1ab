"""The fast title, source and paragraph rules give what the plain ones give.

The plain versions below are the rules as first written (whole-text alternation regex,
every line casefolded, paragraphs by regex); the store's must agree with them on the
seeds, on synthetic articles made from them, and on generated text.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.articles import (
    _BYLINE,
    _SENTENCE_END,
    _WRITER,
    BOILERPLATE_LINES,
    KNOWN_OUTLETS,
    _shorten,
    derive_source,
    derive_title,
    derive_title_and_source,
    make_article,
)
from annotations.seeds import seeds_dir
from annotations.text import is_blank, normalize, paragraph_spans
from bench.synthetic import synthetic_texts

_OUTLET_NAMED = re.compile("|".join(re.escape(o) for o in KNOWN_OUTLETS))
_PARAGRAPH = re.compile(r"[^\S\n]*(\S(?:[^\n]*\S)?)[^\S\n]*")


def plain_lines(text: str, most: int = 12) -> list[str]:
    lines = []
    for line in text.split("\n", 60)[:60]:
        if line.strip():
            lines.append(line.strip())
            if len(lines) == most:
                break
    return lines


def plain_boilerplate(line: str) -> bool:
    return line.casefold() in BOILERPLATE_LINES


def plain_source(text: str) -> str:
    for line in plain_lines(text)[:5]:
        if plain_boilerplate(line):
            continue
        writer = _WRITER.match(line)
        if writer:
            return writer.group("outlet").strip()
        byline = _BYLINE.match(line)
        if byline and any(byline.group("outlet").startswith(o) for o in KNOWN_OUTLETS):
            return byline.group("outlet").strip()
        break
    named = _OUTLET_NAMED.search(text)
    return named.group(0) if named else ""


def plain_title(text: str) -> str:
    lines = [line for line in plain_lines(text) if not plain_boilerplate(line)]
    for line in lines[:3]:
        if _WRITER.match(line):
            continue
        byline = _BYLINE.match(line)
        if byline and len(line.split()) <= 4:
            continue
        if len(line.split()) <= 25 and not line.endswith((".", "。")):
            return line
        if byline and any(byline.group("outlet").startswith(o) for o in KNOWN_OUTLETS):
            line = line[byline.end() :]
        end = _SENTENCE_END.search(line)
        return _shorten(line[: end.start()] if end else line)
    return ""


def plain_paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span(1) for m in _PARAGRAPH.finditer(text))


def assert_same(raw: str) -> None:
    text = normalize(raw)
    expected = (plain_title(text), plain_source(text))
    assert derive_title_and_source(text) == expected
    assert (derive_title(text), derive_source(text)) == expected
    assert paragraph_spans(text) == plain_paragraphs(text)
    article = make_article(raw)
    assert (article.title, article.source) == expected
    # One field given: the other is still derived, the same way.
    assert make_article(raw, title="given").source == expected[1]
    assert make_article(raw, source="given").title == expected[0]


def test_seeds_and_synthetic_articles_derive_as_before() -> None:
    seeds = [path.read_text(encoding="utf-8") for path in sorted(seeds_dir().glob("*.txt"))]
    assert seeds
    for text in [*seeds, *synthetic_texts(300)]:
        assert_same(text)


def test_outlets_named_first_and_at_the_same_place() -> None:
    # «العرب نيوز» and «العربية نت» start alike; the one that comes first in the text wins.
    assert_same("نص طويل جدا.\nقالت العربية نت إن العرب نيوز نقلت الخبر.")
    assert_same("نص طويل جدا.\nنقلت العرب نيوز ثم العربية نت.")
    assert_same("نص.\n" + "كلام " * 5000 + "المدى")
    assert_same("LOGO\nMenu\nشفق نيوز- بغداد\nعنوان الخبر\n")
    assert_same("ADVERTISEMENT\n\u0130stanbul\n")  # İ casefolds to two characters


@pytest.mark.parametrize("blank_lines", [57, 58, 59, 60, 61])
def test_only_the_first_sixty_lines_are_read_for_the_title(blank_lines: int) -> None:
    # The headline on line 58, 59, 60, 61 or 62: past line 60 it is not a headline.
    assert_same("\n" * blank_lines + "عنوان الخبر\nشفق نيوز- بغداد\n")
    assert_same("LOGO\n" + "\n \n" * (blank_lines // 2) + "عنوان\n" + "Menu\n" * 14)


def test_boilerplate_above_the_headline_past_twelve_lines() -> None:
    for n in (9, 10, 11, 12, 13):
        assert_same("Menu\n" * n + "عنوان الخبر\n\nكتب : صفاء مصطفى... العرب نيوز\n")


# Lines built from the pieces the rules look at: outlets, boilerplate, bylines, dashes,
# sentence ends, odd whitespace.
_PIECES = st.sampled_from(
    [
        *KNOWN_OUTLETS,
        *BOILERPLATE_LINES,
        "LOGO",
        "Share",
        "كتب : صفاء مصطفى... ",
        "- بغداد",
        "/ ",
        "خبر",
        "عاجل جدا",
        ".",
        "؟",
        " ",
        "\t",
        "\u00a0",
        "\u2028",
        "\x0b",
        "\n",
        "\n\n",
        "\r\n",
        "İ",
        "ß",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=60))
def test_generated_text_derives_as_before(pieces: list[str]) -> None:
    assert_same("".join(pieces))


@given(
    st.text(
        alphabet=st.sampled_from([" ", "\t", "\n", "\u00a0", "\u2028", "\x1c", "\x85", "a", "ب"])
    )
)
def test_blank_is_what_strip_leaves_nothing_of(text: str) -> None:
    assert is_blank(text) == (not text.strip())
