"""The reader's caret and selection model, with no widget: positions over the laid-out
rows, moves by cell, word and line in visual order, and how a selection grows."""

from __future__ import annotations

from annotations.caret import Navigator, ReaderRows, Selection, word_bounds
from annotations.layout import ArticleLayout

TEXT = "قال الوزير إن الخطة جاهزة\nوأضاف أن التنفيذ يبدأ غدا"  # two right-to-left paragraphs
PARAGRAPHS = [(0, 25), (26, len(TEXT))]


def navigator(width: int = 12, margin: int = 1) -> Navigator:
    layout = ArticleLayout(TEXT, PARAGRAPHS)
    nav = Navigator(TEXT, layout, margin=margin)
    nav.set_rows(ReaderRows([], layout.rows(width), False), 0, width)
    return nav


def test_every_offset_drawn_maps_back_to_itself() -> None:
    nav = navigator()
    for offset, char in enumerate(TEXT):
        position = nav.position_of(offset)
        if char.isspace() and position is None:
            continue  # a space where a line is wrapped, or the paragraph break: not drawn
        assert position is not None, offset
        assert nav.offset_at(*position) == offset


def test_right_to_left_rows_read_from_their_right_end() -> None:
    nav = navigator()
    first = nav.first_offset()
    assert first == 0
    row, column = nav.position_of(0)  # type: ignore[misc]
    assert row == 0 and column > nav.margin  # the first letter is at the right, not the left


def test_left_is_onwards_in_a_right_to_left_text_and_goes_on_to_the_next_row() -> None:
    nav = navigator()
    offset, seen = 0, [0]
    while (offset := nav.visual_step(offset, -1)) is not None:  # type: ignore[assignment]
        seen.append(offset)
    # Every character drawn once, in reading order, across rows and paragraphs.
    assert seen == [i for i in range(len(TEXT)) if nav.position_of(i) is not None]
    assert [i for i, ch in enumerate(TEXT) if not ch.isspace()] == [
        i for i in seen if not TEXT[i].isspace()
    ]
    assert nav.visual_step(0, 1) is None  # right of the first letter: nothing before it


def test_word_moves_land_on_each_words_first_letter() -> None:
    nav = navigator(width=40)
    starts, offset = [0], 0
    while (offset := nav.word_step(offset, -1)) is not None:  # type: ignore[assignment]
        starts.append(offset)
    words = [
        i for i, ch in enumerate(TEXT) if ch.isalpha() and (i == 0 or not TEXT[i - 1].isalpha())
    ]
    assert starts == words


def test_line_moves_keep_the_column_and_skip_rows_without_text() -> None:
    nav = navigator()
    _row, column = nav.position_of(0)  # type: ignore[misc]
    below = nav.line_target(0, 1, None)
    assert below is not None and below > 0
    assert nav.position_of(below)[0] == 1  # type: ignore[index]
    assert nav.line_target(0, -1, None) is None  # nothing above the first row
    last = nav.last_offset()
    assert last == len(TEXT) - 1
    assert nav.line_target(last, 1, column) is None


def test_a_selection_runs_from_anchor_to_caret_and_snaps_to_words() -> None:
    selection = Selection(TEXT, snap_to_words=True)
    assert selection.range(5) is None
    selection.extend_from(5, snap=True)  # the caret inside «الوزير»
    assert selection.range(6) == word_bounds(TEXT, 5, 7) == (4, 10)
    selection.extend_from(6, snap=False)  # a move by character: exact from now on
    assert selection.range(6) == (5, 7)
    assert selection.clear() and not selection.clear()
    caret = selection.select(14, 19)
    assert (caret, selection.range(caret)) == (18, (14, 19))


def test_marking_starts_at_the_caret_and_stops_keeping_the_selection() -> None:
    selection = Selection(TEXT, snap_to_words=False)
    assert selection.toggle_mark(4)
    assert selection.extends(False) and selection.range(9) == (4, 10)
    assert not selection.toggle_mark(9)
    assert not selection.extends(False) and selection.range(9) == (4, 10)
