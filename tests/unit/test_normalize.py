"""Search normalisation: every rule on its own, with its offsets mapped back exactly."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.search.normalize import normalize, normalize_text, tokenize


def offsets(text: str) -> list[int]:
    """to_original for every normalised offset, the end included."""
    n = normalize(text)
    return [n.to_original(i) for i in range(len(n.text) + 1)]


# --- dropped: harakat, other Arabic marks, tatweel -------------------------------------


@pytest.mark.parametrize("mark", [chr(cp) for cp in range(0x064B, 0x0653)] + ["\u0670"])
def test_harakat_and_superscript_alef_are_dropped(mark: str) -> None:
    n = normalize(f"ب{mark}ت")
    assert n.text == "بت"
    assert offsets(f"ب{mark}ت") == [0, 2, 3]
    # The mark belongs to the letter before it: a span ending there covers it.
    assert n.span_to_original(0, 1) == (0, 2)
    assert n.span_to_original(1, 2) == (2, 3)
    assert n.span_to_original(0, 2) == (0, 3)


def test_word_with_harakat_maps_back_to_the_stored_word() -> None:
    stored = "ذلك وتُعد قاعدةً"
    n = normalize(stored)
    assert n.text == "ذلك وتعد قاعده"
    start = n.text.index("وتعد")
    assert n.span_to_original(start, start + 4) == (4, 9)
    assert stored[4:9] == "وتُعد"
    # Trailing tanween is part of the word's last letter.
    start = n.text.index("قاعده")
    s, e = n.span_to_original(start, start + 5)
    assert stored[s:e] == "قاعدةً"


@pytest.mark.parametrize(
    "mark", [chr(cp) for cp in [*range(0x0610, 0x061B), *range(0x06D6, 0x06EE)]]
)
def test_other_arabic_marks_are_dropped(mark: str) -> None:
    n = normalize(f"ب{mark}ت")
    assert n.text == "بت"
    assert offsets(f"ب{mark}ت") == [0, 2, 3]
    attached = unicodedata.category(mark) == "Mn" or mark in "\u06e5\u06e6"
    assert n.span_to_original(0, 1) == ((0, 2) if attached else (0, 1))


def test_tatweel_is_dropped_and_not_attached() -> None:
    stored = "بـــالأمر"
    n = normalize(stored)
    assert n.text == "بالامر"
    assert offsets(stored) == [0, 4, 5, 6, 7, 8, 9]
    assert n.span_to_original(0, 6) == (0, 9)  # inside the range: covered
    assert n.span_to_original(1, 6) == (4, 9)  # before it: not covered
    assert n.span_to_original(0, 1) == (0, 1)  # after it: not covered either


def test_leading_and_trailing_drops() -> None:
    stored = "ـَكتبَ"
    n = normalize(stored)
    assert n.text == "كتب"
    assert offsets(stored) == [2, 3, 4, 6]
    assert n.span_to_original(0, 3) == (2, 6)
    assert n.span_to_original(1, 1) == (3, 3)


# --- letters ------------------------------------------------------------------------------


@pytest.mark.parametrize("alef", list("أإآٱٲٳٵ"))
def test_alef_forms_fold_to_bare_alef(alef: str) -> None:
    n = normalize(f"س{alef}د")
    assert n.text == "ساد"
    assert offsets(f"س{alef}د") == [0, 1, 2, 3]
    assert n.span_to_original(1, 2) == (1, 2)


def test_american_with_and_without_hamza() -> None:
    assert normalize_text("الأمريكية") == normalize_text("الامريكية") == "الامريكيه"
    assert offsets("الأمريكية") == list(range(10))


@pytest.mark.parametrize(
    ("stored", "folded"),
    [("على", "علي"), ("ی", "ي"), ("ک", "ك"), ("کتابی", "كتابي")],
)
def test_yeh_and_kaf_forms(stored: str, folded: str) -> None:
    assert normalize(stored).text == folded
    assert offsets(stored) == list(range(len(stored) + 1))


def test_taa_marbuta_folds_to_heh_unless_asked_not_to() -> None:
    assert normalize("مدرسة").text == "مدرسه"
    assert normalize("مدرسة", taa_marbuta=False).text == "مدرسة"
    assert normalize_text("مدرسة", taa_marbuta=False) == "مدرسة"
    assert offsets("مدرسة") == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("word", ["مسؤول", "رئيس", "شيء", "ۀ"])
def test_hamza_carriers_are_kept(word: str) -> None:
    assert normalize(word).text == word
    assert normalize_text("مسؤول") != normalize_text("مسوول")
    assert normalize_text("مسئول") != normalize_text("مسؤول")


# --- digits --------------------------------------------------------------------------------


@pytest.mark.parametrize("zero", ["٠", "۰"])  # Arabic-Indic, Extended (Persian)
def test_eastern_digits_fold_to_ascii(zero: str) -> None:
    digits = "".join(chr(ord(zero) + d) for d in range(10))
    assert normalize(digits).text == "0123456789"
    assert offsets(digits) == list(range(11))
    assert normalize_text("عام ١٩٤٨") == normalize_text("عام 1948") == "عام 1948"


# --- Latin ------------------------------------------------------------------------------------


def test_latin_is_case_folded() -> None:
    stored = "ISIS and Isis"
    assert normalize(stored).text == "isis and isis"
    assert offsets(stored) == list(range(len(stored) + 1))


def test_latin_accents_are_dropped() -> None:
    assert normalize("Café Déjà").text == "cafe deja"
    assert offsets("Café") == [0, 1, 2, 3, 4]


def test_sharp_s_expands_and_maps_back_to_itself() -> None:
    stored = "Straße x"
    n = normalize(stored)
    assert n.text == "strasse x"
    assert offsets(stored) == [0, 1, 2, 3, 4, 4, 5, 6, 7, 8]
    assert n.span_to_original(0, 7) == (0, 6)
    assert n.span_to_original(4, 5) == (4, 5)  # half of "ss" is still all of "ß"
    assert n.span_to_original(8, 9) == (7, 8)


# --- presentation forms (text pasted from PDFs) -------------------------------------------


def test_presentation_form_letters_fold_to_base_letters() -> None:
    stored = "ﺍﻟﻌﺮﺍﻕ ﺍﻷﻣﺮﻳﻜﻴﺔ"
    n = normalize(stored)
    assert n.text == "العراق الامريكيه"
    assert offsets(stored)[:7] == list(range(7))


def test_lam_alef_ligature_expands_and_maps_back_to_itself() -> None:
    stored = "ﻻ ﻷن"
    n = normalize(stored)
    assert n.text == "لا لان"
    assert offsets(stored) == [0, 0, 1, 2, 2, 3, 4]
    assert n.span_to_original(1, 2) == (0, 1)
    assert n.span_to_original(3, 6) == (2, 4)


def test_word_ligatures_expand() -> None:
    assert normalize("ﷲ").text == "الله"
    assert offsets("ﷲ") == [0, 0, 0, 0, 1]
    assert normalize("﷼").text == "ريال"


def test_isolated_harakat_forms_are_dropped() -> None:
    stored = "ب\ufe70\ufe76ت"  # isolated fathatan, isolated fatha
    assert normalize(stored).text == "بت"
    assert offsets(stored) == [0, 3, 4]


def test_fullwidth_forms() -> None:
    assert normalize("ＩＳＩＳ１２").text == "isis12"


# --- invisible characters ------------------------------------------------------------------


@pytest.mark.parametrize("invisible", ["\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u00ad"])
def test_format_characters_are_dropped(invisible: str) -> None:
    stored = f"ال{invisible}عراق"
    n = normalize(stored)
    assert n.text == "العراق"
    assert n.span_to_original(0, 6) == (0, 7)


def test_zero_width_space_still_separates_words() -> None:
    n = normalize("داعش\u200bسوريا")
    assert n.text == "داعش\u200bسوريا"
    assert tokenize(n.text) == [(0, 4), (5, 10)]


# --- tokenize -------------------------------------------------------------------------------


def test_tokenize_splits_on_everything_but_letters_and_digits() -> None:
    text = normalize_text('لـ"إرم نيوز"، 2014م و_x al-Qaeda')
    words = [text[s:e] for s, e in tokenize(text)]
    assert words == ["ل", "ارم", "نيوز", "2014م", "و", "x", "al", "qaeda"]


# --- the map as a whole ----------------------------------------------------------------------


def test_errors_on_offsets_out_of_range() -> None:
    n = normalize("كتب")
    with pytest.raises(IndexError):
        n.to_original(4)
    with pytest.raises(IndexError):
        n.span_to_original(2, 1)


def test_every_word_of_the_seeds_maps_back_exactly(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        stored = path.read_text(encoding="utf-8")
        n = normalize(stored)
        assert n.text == normalize_text(stored)
        for start, end in tokenize(n.text):
            s, e = n.span_to_original(start, end)
            assert normalize_text(stored[s:e]) == n.text[start:end]
            assert s == 0 or not normalize_text(stored[s - 1]).isalnum()


ALPHABET = st.sampled_from(
    [
        *"ابتةىيأإآٱؤئءکیـ ،.\n-",
        *["\u064e", "\u064b", "\u0651", "\u0670", "\u06e5", "\u200c", "\u200f"],
        *"aBßİ٣۷5",
        *["ﻻ", "ﷲ", "\ufe70", "ﺍ", "ﬁ", "😀"],
    ]
)


@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_map_equals_folding_one_character_at_a_time(stored: str) -> None:
    n = normalize(stored)
    expected_text = ""
    expected_map = []
    for i, c in enumerate(stored):
        folded = normalize_text(c)
        expected_text += folded
        expected_map += [i] * len(folded)
    assert n.text == expected_text == normalize_text(stored)
    assert [n.to_original(i) for i in range(len(n.text))] == expected_map
    assert n.to_original(len(n.text)) == len(stored)


@given(st.lists(ALPHABET, max_size=40).map("".join), st.data())
def test_spans_cover_what_produced_them(stored: str, data: st.DataObject) -> None:
    n = normalize(stored)
    start = data.draw(st.integers(0, len(n.text)))
    end = data.draw(st.integers(start, len(n.text)))
    s, e = n.span_to_original(start, end)
    assert 0 <= s <= e <= len(stored)
    assert n.text[start:end] in normalize_text(stored[s:e])
    if not any(len(normalize_text(c)) > 1 for c in stored):
        assert normalize_text(stored[s:e]) == n.text[start:end]


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
