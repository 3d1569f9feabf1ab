"""Typing Arabic into the app's text fields: what the screen shows, where the caret goes."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

from annotations.config import Settings
from annotations.layout import fit_line
from annotations.store import Store
from tests.support.corpus import SEED_ID
from tests.support.pilot import open_article
from tui.app import HashiyaApp, make_app
from tui.screens.find_dialog import FindDialog
from tui.screens.search import SearchScreen
from tui.screens.tag_dialog import TagDialog
from tui.widgets.bidi_input import BidiInput

MIXED = "قال المتحدث 25 ISIS"
SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def app(tmp_path: Path) -> HashiyaApp:
    return make_app(tmp_path / "h.db", annotator="sara")


def field_cells(app: HashiyaApp, field: BidiInput) -> list[tuple[str, bool]]:
    """The screen cells of the field's text area, left to right: (text, drawn as the caret).

    Read from the composited screen, cell by cell (a combining mark joins its cell).
    """
    region = field.content_region
    strip = app.screen._compositor.render_strips()[region.y]
    caret_background = field.get_component_rich_style("input--cursor").bgcolor
    cells: list[tuple[str, bool]] = []
    for segment in strip:
        is_caret = segment.style is not None and segment.style.bgcolor == caret_background
        for ch in segment.text:
            if cell_len(ch) == 0 and cells:
                cells[-1] = (cells[-1][0] + ch, cells[-1][1])
            else:
                cells.extend([(ch, is_caret)] + [("", is_caret)] * (cell_len(ch) - 1))
    return cells[region.x : region.x + region.width]


def field_text(app: HashiyaApp, field: BidiInput) -> str:
    return "".join(text for text, _ in field_cells(app, field))


def caret_column(app: HashiyaApp, field: BidiInput) -> int:
    columns = [x for x, (_text, caret) in enumerate(field_cells(app, field)) if caret]
    assert len(columns) == 1, columns
    return columns[0]


def engine_line(value: str, width: int) -> str:
    """The engine's own layout of `value` in a `width`-wide field, right-aligned if RTL."""
    line = fit_line(value, width)
    assert line.width < width  # fits: no ellipsis
    pad = line.pad(width)
    return " " * pad + line.text + " " * (width - pad - line.width)


async def type_into(pilot: Pilot[None], field: BidiInput, text: str) -> None:
    field.cursor_blink = False  # the caret stays drawn while the screen is read
    await pilot.press(*text)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_find_field_draws_typed_arabic_as_the_engine_and_edits_it_logically(
    app: HashiyaApp, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await open_article(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, FindDialog)
        field = app.screen.query_one("#find", BidiInput)
        await type_into(pilot, field, MIXED)
        width = field.content_region.width
        assert field.value == MIXED
        assert field_text(app, field) == engine_line(MIXED, width)
        line = fit_line(MIXED, width)
        # The caret at the end of a right-to-left value: just left of its last word.
        assert caret_column(app, field) == width - line.width - 1

        await pilot.press("home")  # the start of the value: its first letter, on the right
        await pilot.pause()
        assert field.cursor_position == 0 and caret_column(app, field) == width - 1
        await pilot.press("left")  # Left is left on screen, and on in reading order
        await pilot.pause()
        assert field.cursor_position == 1 and caret_column(app, field) == width - 2

        await pilot.press("backspace")  # the logical character before the caret: the qaf
        await pilot.pause()
        assert field.value == MIXED[1:] and field.cursor_position == 0
        assert field_text(app, field) == engine_line(MIXED[1:], width)

        await pilot.press("end")
        field.post_message(events.Paste(" داعش\nقسد"))
        await pilot.pause()
        pasted = MIXED[1:] + " داعش قسد"
        assert field.value == pasted
        assert field_text(app, field) == engine_line(pasted, width)

        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, FindDialog)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_search_field_right_aligns_arabic_and_scrolls_a_long_query(
    app: HashiyaApp, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        field = app.screen.query_one("#search-input", BidiInput)
        await type_into(pilot, field, MIXED)
        width = field.content_region.width
        assert field_text(app, field) == engine_line(MIXED, width)
        # Longer than the field: the end stays in view, the caret at the left edge.
        words = " ".join(["المتحدث"] * (width // 8 + 2))
        await pilot.press("ctrl+u")
        await type_into(pilot, field, words)
        assert field.value == words
        assert caret_column(app, field) == 0
        shown = field_text(app, field)
        assert shown[1:] == fit_line(words, 10_000).text[: width - 1]
        await pilot.press("home")  # the start of the query: scrolled to the right end
        await pilot.pause()
        assert caret_column(app, field) == width - 1
        assert field_text(app, field) == fit_line(words, 10_000).text[-width:]


async def tab_to(pilot: Pilot[None], field_id: str) -> BidiInput:
    """Tab through the dialog until the field has the focus (the way a user gets there)."""
    for _ in range(12):
        if pilot.app.focused is not None and pilot.app.focused.id == field_id:
            break
        await pilot.press("tab")
        await pilot.pause()
    field = pilot.app.focused
    assert isinstance(field, BidiInput) and field.id == field_id
    return field


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_target_and_note_typed_in_the_tag_dialog_reach_the_database(
    app: HashiyaApp, size: tuple[int, int]
) -> None:
    target, note = "المتحدث باسم ISIS", "قال 25 مرة"
    async with app.run_test(size=size) as pilot:
        await open_article(pilot)
        await pilot.press("shift+left", "t")
        await pilot.pause()
        assert isinstance(app.screen, TagDialog)
        await pilot.press("1", "n")  # actor, stance; then the free-text fields
        await pilot.pause()
        field = await tab_to(pilot, "target")
        await type_into(pilot, field, target)
        if size == (120, 40):  # at 80x24 the dialog does not fit the screen yet
            assert field_text(app, field) == engine_line(target, field.content_region.width)
        field = await tab_to(pilot, "note")
        await type_into(pilot, field, note)
        if size == (120, 40):
            assert field_text(app, field) == engine_line(note, field.content_region.width)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, TagDialog)
    with Store(app.settings.db_path) as store:
        (passage,) = store.passages(SEED_ID, "sara")
    assert (passage.actor, passage.stance, passage.target, passage.note) == (
        "shafaq_news",
        "neutral",
        target,
        note,
    )


async def test_comment_field_draws_arabic_and_the_comment_is_saved(tmp_path: Path) -> None:
    from tests.support.corpus import two_annotator_db

    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    app = make_app(db, annotator="omar")
    body = "راجع المصدر 2"
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_article(pilot)
        passage = app.store.passages(SEED_ID, "omar")[0]
        view.caret = passage.start
        await pilot.press("C")
        await pilot.pause()
        field = app.screen.query_one("#comment", BidiInput)
        await type_into(pilot, field, body)
        assert field_text(app, field) == engine_line(body, field.content_region.width)
        await pilot.press("enter")
        await pilot.pause()
    with Store(db) as store:
        (comment,) = store.comments(passage.id)
    assert comment.body == body


async def open_find(pilot: Pilot[None]) -> BidiInput:
    await open_article(pilot)
    await pilot.press("slash")
    await pilot.pause()
    assert isinstance(pilot.app.screen, FindDialog)
    return pilot.app.screen.query_one("#find", BidiInput)


async def test_harakat_lam_alef_and_wide_characters_keep_their_cells(app: HashiyaApp) -> None:
    value = "السَّلامُ عليكم 中文"
    async with app.run_test(size=(80, 24)) as pilot:
        field = await open_find(pilot)
        field.cursor_blink = False
        # Pasted: Pilot cannot press a combining mark (it sends the key without its
        # character); the real terminal is tested in tests/e2e.
        field.post_message(events.Paste(value))
        await pilot.pause()
        assert field.value == value
        width = field.content_region.width
        assert field_text(app, field) == engine_line(value, width)
        cells = [text for text, _ in field_cells(app, field)]
        assert "\ufefc" in cells  # lam-alef (final form): one cell
        assert any("\u0651" in cell and "\u064e" in cell for cell in cells)  # on the sin
        await pilot.press("home", "left", "left")  # from the alef, past the lam, to the sin
        await pilot.pause()
        assert field.cursor_position == 2
        await pilot.press("left")  # the sin's marks are in its cell: on to the lam-alef
        await pilot.pause()
        assert field.cursor_position == 5
        assert cells[caret_column(app, field)] == "\ufefc"


async def test_a_click_puts_the_caret_on_the_character_under_the_mouse(app: HashiyaApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        field = await open_find(pilot)
        await type_into(pilot, field, MIXED)
        width = field.content_region.width
        left = width - fit_line(MIXED, width).width  # where «ISIS» starts on screen
        inset = field.content_region.x - field.region.x
        await pilot.click(field, offset=(inset + left + 1, 1))  # its second letter, «S»
        await pilot.pause()
        assert field.cursor_position == MIXED.index("ISIS") + 1
        assert caret_column(app, field) == left + 1


async def test_field_keys_have_ids_and_can_be_remapped(tmp_path: Path) -> None:
    assert all(binding.id for binding in BidiInput.BINDINGS)  # type: ignore[union-attr]
    settings = Settings(
        db_path=tmp_path / "h.db", annotator="sara", keymap={"input.cursor_left": "ctrl+b"}
    )
    app = make_app(tmp_path / "h.db", settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        field = await open_find(pilot)
        await type_into(pilot, field, MIXED)
        await pilot.press("home", "ctrl+b")
        await pilot.pause()
        assert field.cursor_position == 1


async def test_a_terminal_doing_bidi_gets_the_value_in_logical_order(tmp_path: Path) -> None:
    app = make_app(tmp_path / "h.db", annotator="sara", bidi="terminal")
    async with app.run_test(size=(80, 24)) as pilot:
        field = await open_find(pilot)
        await type_into(pilot, field, MIXED)
        assert field_text(app, field).rstrip() == MIXED  # unshaped, not reordered


def test_every_text_field_in_the_app_is_a_bidi_input() -> None:
    root = Path(__file__).resolve().parents[2] / "tui"
    plain = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "Input(" in line and "BidiInput(" not in line and "class BidiInput" not in line
    ]
    assert plain == []


async def type_as_terminal(pilot: Pilot[None], text: str) -> None:
    """Each character as the terminal driver's parser reports it: Pilot's `press` loses
    the character of a key whose Unicode name has a hyphen (ZERO WIDTH NON-JOINER)."""
    driver = pilot.app._driver
    assert driver is not None
    for ch in text:
        driver.send_message(events.Key(ch if ch.isalnum() else _character_to_key(ch), ch))
        await pilot.pause()


async def test_typed_joiners_and_bidi_marks_are_kept(app: HashiyaApp) -> None:
    """ZWNJ (a Persian keyboard's half-space), RLM and an isolate typed into a field stay
    in the value: Textual's Input drops every character that is not `isprintable`."""
    async with app.run_test(size=(80, 24)) as pilot:
        await open_article(pilot)
        await pilot.press("slash")
        field = app.screen.query_one("#find", BidiInput)
        field.cursor_blink = False
        await type_as_terminal(pilot, "مي\u200cخواهم\u200fA\u2067ب\u2069")
        assert field.value == "مي\u200cخواهم\u200fA\u2067ب\u2069"
        assert "\u2067" not in field_text(app, field)  # applied, and drawn as its mark
        assert "\u21e4" in field_text(app, field)
        await pilot.press("backspace", "backspace")
        assert field.value == "مي\u200cخواهم\u200fA\u2067"
