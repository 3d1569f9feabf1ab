"""The one-line field model: caret stops, visual moves, scrolling, logical edits (no Textual)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from annotations.layout import fit_line
from annotations.layout.field import (
    CARET,
    PLACEHOLDER,
    SELECTED,
    FieldLayout,
    LineEditor,
    one_line,
    placeholder_runs,
)
from tests.unit.test_layout_properties import ALPHABET

MIXED = "قال المتحدث 25 ISIS"


def shown(runs: list[tuple[str, str]]) -> str:
    return "".join(text for text, _kind in runs)


def caret_column(runs: list[tuple[str, str]]) -> int:
    x = 0
    for text, kind in runs:
        if kind == CARET:
            return x
        x += cell_len(text)
    raise AssertionError("no caret drawn")


def test_a_right_to_left_value_is_drawn_shaped_in_visual_order_and_right_aligned() -> None:
    field = FieldLayout(MIXED)
    assert field.rtl
    runs = field.runs(40, field.scroll(40, 0), None)
    engine = fit_line(MIXED, 40)
    assert shown(runs) == " " * (40 - engine.width) + engine.text
    assert engine.text.startswith("ISIS 25 ")  # Latin and digits to the left, left-to-right
    assert "\u0642" not in engine.text  # qaf drawn in a joined presentation form


def test_left_moves_the_caret_left_on_screen_and_maps_to_logical_offsets() -> None:
    field = FieldLayout(MIXED)
    editor = LineEditor(MIXED, 0)
    columns = [field.column_of(editor.caret)]
    offsets = [editor.caret]
    for _ in range(len(field.stops) + 2):  # past the left end: it stays there
        editor = editor.left()
        columns.append(field.column_of(editor.caret))
        offsets.append(editor.caret)
    assert columns[0] == field.width - 1  # the first letter, at the right end
    distinct = list(dict.fromkeys(columns))
    assert distinct == sorted(distinct, reverse=True) and distinct[-1] == 0
    # In reading order through the Arabic, then the digits and Latin left to right.
    assert offsets[:12] == list(range(12))
    # Then «25», still drawn left to right: its 5 first, then its 2; then «ISIS» from its end.
    assert offsets[12:20] == [13, 12, 14, 18, 17, 16, 15, len(MIXED)]
    assert offsets[-1] == len(MIXED)  # the end of the value is at the left edge


def test_right_from_the_end_of_a_right_to_left_value_enters_the_last_word() -> None:
    editor = LineEditor(MIXED, len(MIXED)).right()
    assert editor.caret == MIXED.index("ISIS")  # the leftmost cell on screen


def test_left_to_right_value_moves_like_a_plain_input() -> None:
    editor = LineEditor("abc", 3)
    assert [editor.left().caret, editor.left().left().caret, editor.right().caret] == [2, 1, 3]
    field = FieldLayout("abc")
    assert not field.rtl and field.stops == [0, 1, 2, 3] and field.stop_columns == [0, 1, 2, 3]


def test_lam_alef_is_one_cell_and_a_caret_inside_it_is_drawn_on_it() -> None:
    value = "بلاد"  # beh, lam, alef, dal: lam-alef one cell
    field = FieldLayout(value)
    assert len(field.line.cells) == 3
    lam_alef = field.column_of(1)
    assert field.column_of(2) == lam_alef  # the alef: inside the ligature's cell
    assert field.offset_at(lam_alef) == 1  # a click there puts the caret before the lam
    # From inside the ligature, Left goes on to the dal, Right back to the beh.
    assert LineEditor(value, 2).left().caret == 3
    assert LineEditor(value, 2).right().caret == 0


def test_harakat_stay_with_their_letter() -> None:
    value = "بَتْ"  # beh fatha teh sukun
    field = FieldLayout(value)
    assert [cell.text[1:] for cell in field.line.cells] == ["\u0652", "\u064e"]
    assert field.stops == [4, 2, 0]
    assert field.column_of(1) == field.column_of(0)  # the fatha is in the beh's cell


def test_wide_characters_take_two_columns_both_mapping_to_the_character() -> None:
    field = FieldLayout("中文a")
    assert field.stop_columns == [0, 2, 4, 5]
    assert [field.offset_at(c) for c in range(6)] == [0, 0, 1, 1, 2, 3]


def test_controls_are_pictures_but_the_value_is_kept() -> None:
    editor = LineEditor("a\x1b[2Jb", 0)
    runs = editor.layout.runs(20, 0, None)
    assert "\x1b" not in shown(runs) and "␛" in shown(runs)
    assert editor.value == "a\x1b[2Jb"


def test_an_undrawn_bidi_control_goes_with_the_next_drawn_character() -> None:
    field = FieldLayout("a\u200fb")  # RLM: it has a level, but no cell
    assert field.stop_of(1) == field.stop_of(2)
    # Embeddings and isolates are shown as marks (and keep their place in the value).
    shown = FieldLayout("a\u202bb")
    assert "\u21e0" in shown.line.text and shown.stop_of(1) != shown.stop_of(2)


def test_a_long_value_scrolls_to_keep_the_caret_in_view() -> None:
    value = " ".join(["كلمة"] * 10)  # 49 cells
    field = FieldLayout(value)
    at_start = field.runs(12, field.scroll(12, 0), 0)
    assert caret_column(at_start) == 11  # the first letter, at the right edge
    assert shown(at_start) == field.line.text[-12:]
    at_end = field.runs(12, field.scroll(12, len(value), None), len(value))
    assert caret_column(at_end) == 0
    assert shown(at_end)[1:] == field.line.text[:11]
    # Moving one cell from a scrolled view keeps the rest where it was.
    scroll = field.scroll(12, len(value))
    assert field.scroll(12, LineEditor(value, len(value)).right().caret, scroll) == scroll


def test_selection_is_a_logical_range_shown_on_its_cells() -> None:
    editor = LineEditor(MIXED, 0).left(select=True).left(select=True).left(select=True)
    assert editor.selection == (0, 3)
    runs = editor.layout.runs(40, 0, editor.caret, editor.selection)
    selected = "".join(text for text, kind in runs if kind == SELECTED)
    assert len(selected) == 3  # «قال» as three cells: the caret is on the space
    replaced = editor.insert("قالت")
    assert replaced.value == "قالت" + MIXED[3:] and replaced.caret == 4
    assert LineEditor(MIXED, 0).left(True).left(True).left().caret == 2  # collapses left


def test_backspace_deletes_the_logical_character_before_the_caret() -> None:
    caret = MIXED.index("25") + 1  # between 2 and 5
    editor = LineEditor(MIXED, caret).backspace()
    assert editor.value == MIXED.replace("25", "5") and editor.caret == caret - 1
    # One code point: the haraka before the caret first.
    assert LineEditor("بَ", 2).backspace().value == "ب"
    assert LineEditor("", 0).backspace().value == ""


def test_delete_removes_the_character_after_the_caret_with_its_marks() -> None:
    assert LineEditor("بَت", 0).delete().value == "ت"
    assert LineEditor("abc", 3).delete().value == "abc"


def test_word_moves_follow_the_text_direction() -> None:
    # In a right-to-left value the word to the left is the next word.
    editor = LineEditor(MIXED, 0).word_left()
    assert editor.caret == MIXED.index("المتحدث")
    assert editor.word_left().word_left().caret == MIXED.index("ISIS")
    assert editor.word_right().caret == 0
    assert LineEditor("one two", 7).word_left().caret == 4
    # A word with harakat is one word.
    voweled = "كَتَبَ الولد"
    assert LineEditor(voweled, 0).word_left().caret == voweled.index("الولد")
    assert LineEditor(voweled, len(voweled)).delete_word_before().value == "كَتَبَ "


def test_home_and_end_are_the_logical_start_and_end() -> None:
    editor = LineEditor(MIXED, 5)
    assert editor.home().caret == 0 and editor.end().caret == len(MIXED)
    assert editor.home(select=True).selection == (0, 5)


def test_paste_into_one_line_keeps_every_line() -> None:
    assert one_line("قال\nالمتحدث\r\n25") == "قال المتحدث 25"
    assert LineEditor("ab", 1).insert(one_line("x\ny")).value == "ax yb"


def test_placeholder_is_aligned_to_its_direction_with_the_caret_at_its_start() -> None:
    runs = placeholder_runs("note", 10, caret=True)
    assert runs == [("n", CARET), ("ote      ", PLACEHOLDER)]
    arabic = placeholder_runs("ملاحظة", 10, caret=True)
    assert arabic[-1][1] == CARET and shown(arabic) == " " * 5 + fit_line("ملاحظة", 10).text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=60), st.integers(min_value=1, max_value=50))
def test_every_caret_position_maps_to_a_cell_and_back(value: str, width: int) -> None:
    field = FieldLayout(value)
    # The stops: each cell's first offset and the end, each once.
    assert sorted(field.stops) == sorted({*field.stops}) and len(value) in field.stops
    for offset in range(len(value) + 1):
        stop = field.stop_of(offset)
        column = field.column_of(offset)
        # offset -> cell -> offset gives the cell's first offset, and the same cell
        back = field.offset_at(column)
        assert back == field.stops[stop]
        assert field.stop_of(back) == stop
        start = field.stops[stop]
        if start != len(value):  # a caret inside a cell is drawn on that cell
            cell = field.line.cells[stop - (1 if field.rtl else 0)]
            assert cell.start <= offset < cell.end or offset < cell.start
    # Right from the leftmost stop visits every stop once, left to right.
    editor = LineEditor(value, field.stops[0])
    visited = [editor.caret]
    for _ in range(len(field.stops) - 1):
        editor = editor.right()
        visited.append(editor.caret)
    assert visited == field.stops
    # Whatever the caret and width, the field draws exactly `width` columns, caret seen.
    for caret in (0, len(value) // 2, len(value)):
        runs = field.runs(width, field.scroll(width, caret), caret)
        assert sum(cell_len(text) for text, _ in runs) == width
        assert any(kind == CARET for _, kind in runs)


def test_for_a_terminal_doing_bidi_the_value_is_sent_in_logical_order() -> None:
    field = FieldLayout("قال (25)", reorder=False)
    assert field.line.text == "قال (25)" and not field.rtl
    assert field.stops == list(range(len("قال (25)") + 1))
    assert LineEditor("قال", 3, reorder=False).left().caret == 2
