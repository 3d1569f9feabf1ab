"""The layout on concrete cases: what a reader of Arabic news must see."""

from __future__ import annotations

from pathlib import Path

import pytest

import annotations.layout.levels as levels_module
from annotations.layout import (
    ArticleLayout,
    LevelsError,
    ParagraphLayout,
    fit_line,
    render_plain,
)
from annotations.layout.shaping import reshaper_configuration
from annotations.text import paragraph_spans

SEEDS = Path(__file__).parent.parent.parent / "seeds"


def visual(text: str, width: int = 80, direction: str = "auto", shape: bool = True) -> list[str]:
    return [line.text for line in ParagraphLayout(text, direction, shape).lines(width)]


# -- order ------------------------------------------------------------------------------


def test_brackets_are_mirrored_in_rtl() -> None:
    assert visual("(قسد)", shape=False) == ["(دسق)"]
    assert visual("قوات سوريا الديمقراطية (قسد) في", shape=False) == [
        "يف (دسق) ةيطارقميدلا ايروس تاوق"
    ]
    assert visual("«داعش» و[قسد]", shape=False) == ["[دسق]و «شعاد»"]


def test_shaped_brackets_are_mirrored_too() -> None:
    (line,) = visual("(قسد)")
    assert line[0] == "(" and line[-1] == ")"
    assert line[1:-1] == "\ufeaa\ufeb4\ufed7"  # dal final, seen medial, qaf initial


def test_digits_latin_and_url_keep_their_order_inside_arabic() -> None:
    assert visual("في عام 2024 قال", shape=False) == ["لاق 2024 ماع يف"]
    assert visual("قالت شركة Google LLC إن", shape=False) == ["نإ Google LLC ةكرش تلاق"]
    assert visual("زوروا https://example.com/ar للمزيد", shape=False) == [
        "ديزملل https://example.com/ar اوروز"
    ]


def test_paragraph_direction() -> None:
    assert ParagraphLayout("قال Google").rtl
    assert not ParagraphLayout("Google قال").rtl
    assert ParagraphLayout("\u2066Google\u2069 قال").rtl  # P2 skips isolates
    assert not ParagraphLayout("2024").rtl  # no strong character: LTR
    assert not ParagraphLayout("قال", direction="ltr").rtl
    assert ParagraphLayout("Hello", direction="rtl").rtl
    with pytest.raises(ValueError, match="direction"):
        ParagraphLayout("x", direction="up")


def test_levels_are_resolved_on_the_whole_paragraph() -> None:
    # Wrapped at 12, the second line has no strong Arabic letter of its own; it still
    # belongs to an RTL paragraph, so «Google LLC» stays after (left of) the Arabic.
    lines = ParagraphLayout("قالت الشركة Google LLC", shape=False).lines(12)
    assert [line.text for line in lines] == ["ةكرشلا تلاق", "Google LLC"]
    assert all(line.rtl for line in lines)


def test_bidi_controls_hidden_are_honoured_and_not_drawn() -> None:
    text = "abc \u202eXYZ\u202c def \u200fghi"
    (line,) = ParagraphLayout(text, shape=False, bidi_marks=False).lines(80)
    assert line.text == "abc ZYX def ghi"
    for offset in (4, 8, 14):  # RLO, PDF, RLM
        assert line.column_of(offset) is None


def test_bidi_controls_are_honoured_and_drawn_as_marks_where_they_are() -> None:
    # Trojan Source: the override still reverses XYZ, and a mark shows where it
    # starts (⇇, RLO, on the right: it reads right to left) and ends (⇡, PDF).
    text = "abc \u202eXYZ\u202c def \u200fghi"
    (line,) = ParagraphLayout(text, shape=False).lines(80)
    assert line.text == "abc \u21e1ZYX\u21c7 def ghi"
    assert line.column_of(4) == 8  # the RLO's mark, in a cell of its own
    assert line.column_of(8) == 4  # the PDF's
    assert line.offset_at(8) == 4 and line.offset_at(4) == 8
    assert [line.column_of(i) for i in (5, 6, 7)] == [7, 6, 5]  # X Y Z reversed
    assert line.column_of(14) is None  # RLM: a mark, never drawn


def test_isolates_are_drawn_as_marks_around_what_they_isolate() -> None:
    text = "abc \u2067XYZ\u2069 def"  # RLI ... PDI
    (line,) = ParagraphLayout(text, shape=False).lines(80)
    # XYZ is strong L inside an RTL isolate: its order is kept, the marks bracket it.
    assert line.text == "abc \u21e4XYZ\u2912 def"
    assert line.column_of(4) == 4 and line.column_of(8) == 8
    hidden = ParagraphLayout(text, shape=False, bidi_marks=False).lines(80)[0]
    assert hidden.text == "abc XYZ def"


# -- cells and maps ---------------------------------------------------------------------


def test_lam_alef_is_one_cell_for_two_characters() -> None:
    (line,) = ParagraphLayout("سلام").lines(80)
    assert [(cell.text, cell.start, cell.end) for cell in line.cells] == [
        ("\ufee1", 3, 4),  # meem isolated (alef does not join forward)
        ("\ufefc", 1, 3),  # lam-alef, final form
        ("\ufeb3", 0, 1),  # seen initial
    ]
    assert line.column_of(1) == line.column_of(2) == 1
    assert line.offset_at(1) == 1
    (alone,) = ParagraphLayout("لا").lines(80)
    assert [(cell.text, cell.start, cell.end, cell.width) for cell in alone.cells] == [
        ("\ufefb", 0, 2, 1)
    ]


def test_a_letter_with_shadda_and_fatha_is_one_cell() -> None:
    text = "\u0634\u062f\u0651\u064e"  # sheen, dal, shadda, fatha
    (line,) = ParagraphLayout(text).lines(80)
    assert [(cell.text, cell.start, cell.end, cell.width) for cell in line.cells] == [
        ("\ufeaa\u0651\u064e", 1, 4, 1),
        ("\ufeb7", 0, 1, 1),
    ]
    assert line.width == 2
    assert line.column_of(2) == line.column_of(3) == 0


def test_zwnj_stops_joining_and_zwj_and_harakat_do_not() -> None:
    def forms(text: str) -> list[tuple[str, int, int]]:
        (line,) = ParagraphLayout(text).lines(80)
        return [(cell.text[0], cell.start, cell.end) for cell in line.cells]

    beh_final, beh_initial, beh_isolated = "\ufe90", "\ufe91", "\ufe8f"
    assert forms("\u0628\u0628") == [(beh_final, 1, 2), (beh_initial, 0, 1)]
    assert forms("\u0628\u200c\u0628") == [(beh_isolated, 2, 3), (beh_isolated, 0, 2)]
    assert forms("\u0628\u200d\u0628") == [(beh_final, 2, 3), (beh_initial, 0, 2)]
    assert forms("\u0628\u064e\u0628") == [(beh_final, 2, 3), (beh_initial, 0, 2)]


def test_an_orphan_mark_sits_on_a_dotted_circle() -> None:
    (line,) = ParagraphLayout("\u0651ب", shape=False).lines(80)
    assert [cell.text for cell in line.cells] == ["ب", "\u25cc\u0651"]


def test_the_reshaper_keeps_harakat_and_only_lam_alef_ligatures() -> None:
    configuration = reshaper_configuration()
    assert configuration["delete_harakat"] is False
    assert configuration["ARABIC LIGATURE ALLAH"] is False
    assert configuration["ARABIC LIGATURE LAM WITH ALEF"] is True
    assert sum(value is True for value in configuration.values()) == 5  # 4 lam-alef + on
    (line,) = ParagraphLayout("الله").lines(80)
    assert line.text == "\ufeea\ufee0\ufedf\ufe8d"  # four cells, not the wide ﷲ (U+FDF2)


def test_the_reshapers_ligature_pattern_is_the_librarys_for_its_configuration() -> None:
    # The layout's reshaper makes its pattern from the lam-alef ligatures alone; the
    # library's, asking its configuration about every ligature, must be the same.
    from arabic_reshaper import ArabicReshaper

    from annotations.layout import shaping

    library = ArabicReshaper(configuration=reshaper_configuration())
    ours = shaping._reshaper()
    assert ours._ligatures_re.pattern == library._ligatures_re.pattern
    assert ours._ligatures_re.flags == library._ligatures_re.flags
    assert ours._re_group_index_to_ligature_forms == library._re_group_index_to_ligature_forms
    assert len(ours._re_group_index_to_ligature_forms) == 4


def test_column_ranges_of_a_mixed_span() -> None:
    # «في Google» in an RTL line: the span is two visual pieces.
    (line,) = ParagraphLayout("قال في Google أمس", shape=False).lines(80)
    assert line.text == "سمأ Google يف لاق"
    assert line.column_ranges(4, 10) == [(4, 7), (10, 13)]  # «Goo», and « يف»


# -- controls ---------------------------------------------------------------------------


def test_escape_is_drawn_as_a_picture() -> None:
    text = "abc\x1b[31mred\x07"
    (line,) = ParagraphLayout(text).lines(80)
    assert line.text == "abc␛[31mred␇"
    out = render_plain(text, [(0, len(text))], 80)
    assert "\x1b" not in out and "\x07" not in out
    assert "␛" in render_plain(text, [(0, len(text))], 80, bidi="terminal")


def test_tab_is_a_space_and_c1_a_replacement() -> None:
    assert visual("a\tb\x85c") == ["a b�c"]


# -- wrapping ---------------------------------------------------------------------------


def test_a_long_url_is_split_across_lines() -> None:
    url = "https://example.com/" + "a" * 90
    text = f"see {url} now"
    lines = ParagraphLayout(text).lines(40)
    assert [line.width for line in lines] == [3, 40, 40, 34]
    assert "".join(text[line.start : line.end] for line in lines[1:]) == url + " now"
    assert all(line.width <= 40 for line in lines)


def test_spaces_at_a_break_are_not_drawn() -> None:
    layout = ParagraphLayout("hello   world")
    lines = layout.lines(7)
    assert [(line.text, line.start, line.end) for line in lines] == [
        ("hello", 0, 5),
        ("world", 8, 13),
    ]
    assert all(layout.locate(offset, 7) is None for offset in (5, 6, 7))


def test_a_newline_inside_a_paragraph_breaks_the_line() -> None:
    assert visual("one\ntwo") == ["one", "two"]


def test_no_joining_across_a_line_break_inside_a_word() -> None:
    lines = visual("بببب", width=2)
    # beh final + beh initial on both lines: the split cuts the join.
    assert lines == ["\ufe90\ufe91", "\ufe90\ufe91"]


def test_wide_characters() -> None:
    assert visual("一二三", width=4) == ["一二", "三"]
    assert visual("一二", width=1) == ["…", "…"]


# -- alignment and plain rendering ------------------------------------------------------


def test_render_plain_right_aligns_rtl_lines() -> None:
    text = "مرحبا بكم في هشية"
    out = render_plain(text, [(0, len(text))], 20, shape=False)
    assert out == "   ةيشه يف مكب ابحرم"
    assert len(out) == 20


def test_render_plain_leaves_english_left_aligned() -> None:
    text = "Hello world, this is English.\n\nSecond paragraph."
    spans = [(0, 29), (31, 48)]
    out = render_plain(text, spans, 12)
    assert out == "Hello world,\nthis is\nEnglish.\n\nSecond\nparagraph."


def test_render_plain_terminal_mode_keeps_logical_order() -> None:
    text = "قال Google\x1b"
    out = render_plain(text, [(0, len(text))], 80, bidi="terminal")
    assert out == "قال Google␛"
    with pytest.raises(ValueError, match="bidi"):
        render_plain(text, [(0, 3)], 80, bidi="both")


def test_render_plain_direction_forces_every_paragraph() -> None:
    text = "قال"
    assert render_plain(text, [(0, 3)], 10, shape=False) == "       لاق"
    assert render_plain(text, [(0, 3)], 10, direction="ltr", shape=False) == "لاق"


def test_pad_and_rtl_are_exposed_for_alignment() -> None:
    (line,) = ParagraphLayout("مرحبا").lines(20)
    assert line.rtl and line.pad(20) == 15
    (line,) = ParagraphLayout("hello").lines(20)
    assert not line.rtl and line.pad(20) == 0


# -- article ----------------------------------------------------------------------------


def test_article_rows_and_positions() -> None:
    text = "عنوان\n\nفي عام 2024 قال\n\nEnglish here"
    spans = [(0, 5), (7, 22), (24, 36)]
    article = ArticleLayout(text, spans, shape=False)
    rows = article.rows(20)
    assert [row.paragraph for row in rows] == [0, None, 1, None, 2]
    assert [(row.start, row.end) for row in rows if row.line] == spans
    assert rows[2].x == 5 and rows[2].line is not None and rows[2].line.text == "لاق 2024 ماع يف"
    # The «2» of 2024 (offset 14) is drawn at column 5 + 4.
    assert article.position_of(14, 20) == (2, 9)
    assert article.offset_at(2, 9, 20) == 14
    assert article.position_of(5, 20) is None  # the newline between paragraphs
    assert article.offset_at(1, 0, 20) is None  # a blank row
    for offset in range(len(text)):
        position = article.position_of(offset, 20)
        if position is not None:
            assert article.offset_at(*position, 20) == offset
    with pytest.raises(ValueError, match="out of order"):
        ArticleLayout(text, [(7, 22), (0, 5)])


def test_fit_line_cuts_with_an_ellipsis_at_the_paragraph_end() -> None:
    line = fit_line("قال Google LLC في 2024 إن", 12, shape=False)
    # «قال Google» fits in 11 cells; the space after it is dropped; «…» goes left.
    assert (line.text, line.width, line.start, line.end, line.rtl) == (
        "…Google لاق",
        11,
        0,
        10,
        True,
    )
    assert line.offset_at(0) is None  # the ellipsis shows no character
    assert fit_line("short", 12).text == "short"
    assert fit_line("Hello there world", 10).text == "Hello the…"
    assert fit_line("one\ntwo", 20).text == "one two"


# -- caching and the level source -------------------------------------------------------


def test_lines_are_cached_and_a_new_width_only_rewraps(monkeypatch: pytest.MonkeyPatch) -> None:
    layout = ParagraphLayout("قال Google LLC في 2024 إن")
    first = layout.lines(10)
    assert layout.lines(10) is first

    def no_more_levels(*args: object, **kwargs: object) -> str:
        raise AssertionError("levels resolved again")

    monkeypatch.setattr(levels_module, "get_display", no_more_levels)
    assert layout.lines(30)  # re-wraps from the cached levels and cells


def test_unexpected_debug_output_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(levels_module, "get_display", lambda *a, **k: "BidiInfo { }")
    with pytest.raises(LevelsError):
        ParagraphLayout("abc \u2067אב\u2069")  # an isolate: the engine is needed


def test_shaping_by_cached_words_equals_the_reshaper_on_whole_paragraphs() -> None:
    from arabic_reshaper import ArabicReshaper

    from annotations.layout.chars import mirrored
    from annotations.text import paragraph_spans

    reshaper = ArabicReshaper(configuration=reshaper_configuration())
    checked = 0
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for start, end in paragraph_spans(text):
            paragraph = text[start:end]
            cells = sorted(ParagraphLayout(paragraph).visual_line().cells, key=lambda c: c.start)
            # Logical order, L4 undone: what the reshaper gives for the whole paragraph.
            logical = "".join(
                (mirrored(cell.text[0]) + cell.text[1:]) if cell.rtl else cell.text
                for cell in cells
            )
            assert logical == reshaper.reshape(paragraph), path.name
            checked += 1
    assert checked > 100


def test_a_compact_debug_dump_is_read_past_the_text_field(monkeypatch: pytest.MonkeyPatch) -> None:
    # The text itself says «levels: [Level(7)»: the parser must not be fooled by it.
    text = 'x levels: [Level(7)], "'
    escaped = text.replace('"', '\\"')
    n = len(text)
    dump = (
        f'BidiInfo {{ text: "{escaped}", original_classes: [{", ".join(["L"] * n)}], '
        f"levels: [{', '.join(['Level(0)'] * n)}], "
        f"paragraphs: [ParagraphInfo {{ range: 0..{n}, level: Level(0) }}] }}"
    )
    monkeypatch.setattr(levels_module, "get_display", lambda *a, **k: dump)
    assert levels_module.resolve_levels(text, rtl=False) == [0] * n


def test_iterating_the_rows_gives_them_as_indexing_does() -> None:
    text = "قال Google في 2024\n\nسطر ثان طويل بعض الشيء هنا\n\n\n\nthird paragraph (الثالث)"
    spans = list(paragraph_spans(text))
    layout = ArticleLayout(text, spans)
    for width in (3, 10, 80):
        for rows in (layout.first_rows(width, 2), layout.rows(width)):
            assert list(rows) == [rows[i] for i in range(len(rows))]
            assert len(list(rows)) == len(rows)
