"""The tag dialog: only what was chosen is saved, required attributes, keys typed ahead,
and the dialog at 80x24 and 120x40 (the quote as the engine lays it out, every focused
field on screen, value names whole)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual import events
from textual.widget import Widget

from annotations.config import Settings
from annotations.layout import ParagraphLayout
from annotations.schema import default_schema
from annotations.store import Store
from tests.support.corpus import SEED_ID
from tests.support.pilot import open_article
from tests.support.screens import screen_lines
from tui.app import HashiyaApp, make_app
from tui.screens.reader import ReaderScreen
from tui.screens.tag_dialog import Paragraph, TagDialog, ValueList
from tui.widgets.bidi_text import visual

Row = tuple[int, int, str | None, str | None, str | None]


def app_on(tmp_path: Path, *, labels: str = "en", schema: Path | None = None) -> HashiyaApp:
    db = tmp_path / "h.db"
    return make_app(
        db, settings=Settings(db_path=db, annotator="sara", labels=labels, schema_path=schema)
    )


def rows(app: HashiyaApp) -> list[Row]:
    with Store(app.settings.db_path) as store:  # a second connection: what is on disk
        return [
            (p.start, p.end, p.actor, p.stance, p.claim_type)
            for p in store.passages(SEED_ID, "sara")
        ]


def schema_requiring(tmp_path: Path, *attributes: str) -> Path:
    """The bundled schema with `attributes` marked `required: true`."""
    text = (Path(default_schema().source)).read_text(encoding="utf-8")
    for name in attributes:
        head = re.search(rf"\n  - id: {name}\n    type: \w+\n", text)
        assert head is not None
        text = text.replace(head.group(), f"{head.group()}    required: true\n", 1)
    path = tmp_path / "required.yaml"
    path.write_text(text, encoding="utf-8")
    return path


async def open_dialog(pilot: object, *keys: str) -> TagDialog:
    """Open the seed article, select the first two words, open the tag dialog."""
    await open_article(pilot)  # type: ignore[arg-type]
    await pilot.press("shift+left", "shift+left", *keys)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    dialog = pilot.app.screen  # type: ignore[attr-defined]
    assert isinstance(dialog, TagDialog)
    return dialog


def cells(row: str, x: int, width: int) -> str:
    """The characters of `row` drawn in columns [x, x + width)."""
    out, column = [], 0
    for char in row:
        if x <= column < x + width or (cell_len(char) == 0 and out and column <= x + width):
            out.append(char)
        column += cell_len(char)
    return "".join(out)


def drawn(app: HashiyaApp, widget: Widget) -> list[str]:
    """The screen text inside `widget`'s content (no scrollbar), row by row."""
    region = widget.scrollable_content_region
    lines = screen_lines(app)
    return [cells(lines[y], region.x, region.width) for y in range(region.y, region.bottom)]


# --- only what was chosen -------------------------------------------------------------------


async def test_ctrl_s_at_once_saves_no_label(tmp_path: Path) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dialog(pilot, "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
    # The first row of each list was highlighted, and nobody chose it.
    assert rows(app) == [(0, 12, None, None, None)]


async def test_a_moved_cursor_is_not_a_choice_either(tmp_path: Path) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dialog(pilot, "t")
        await pilot.press("d")  # ISIS, chosen; the stance list is next
        await pilot.press("down", "down")  # the cursor on Neutral: not chosen
        await pilot.press("tab", "down")  # the claim type list, cursor moved
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert rows(app) == [(0, 12, "isis", None, None)]


async def test_enter_chooses_the_highlighted_row(tmp_path: Path) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot, "t")
        await pilot.press("tab")  # from the actor list to the stance list
        assert app.focused is dialog.query_one("#stance", ValueList)
        await pilot.press("down", "enter")  # Critical, chosen; on to the claim type
        assert "✓[c]" in "\n".join(screen_lines(app))
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert rows(app) == [(0, 12, None, "critical", None)]


async def test_required_attributes_block_saving_with_one_line(tmp_path: Path) -> None:
    schema = schema_requiring(tmp_path, "stance", "claim_type")
    app = app_on(tmp_path, schema=schema)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot, "t")
        screen = "\n".join(screen_lines(app))
        assert "* required: stance, claim type" in screen
        assert "Stance *" in screen and "Claim type *" in screen
        assert "(none)" not in screen  # a required list offers no "none"
        await pilot.press("d", "ctrl+s")
        await pilot.pause()
        assert app.screen is dialog  # refused
        lines = [line for line in screen_lines(app) if "Not saved" in line]
        assert len(lines) == 1
        assert "Not saved: choose stance, claim type (required)" in lines[0]
        assert app.focused is dialog.query_one("#stance", ValueList)  # where to go on
        assert rows(app) == []
        await pilot.press("c", "w")  # critical; warning saves
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
    assert rows(app) == [(0, 12, "isis", "critical", "warning")]


async def test_a_required_note_is_named_when_missing(tmp_path: Path) -> None:
    schema = schema_requiring(tmp_path, "note")
    app = app_on(tmp_path, schema=schema)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot, "t")
        await pilot.press("d", "s", "f")  # the last shortcut saves: refused, no note
        await pilot.pause()
        assert app.screen is dialog
        assert any("Not saved: choose note (required)" in line for line in screen_lines(app))
        assert app.focused is dialog.query_one("#note")
        await pilot.press(*"seen", "enter")
        await pilot.pause()
    with Store(app.settings.db_path) as store:
        assert [p.note for p in store.passages(SEED_ID, "sara")] == ["seen"]


# --- keys typed ahead ---------------------------------------------------------------------


async def test_keys_typed_ahead_of_the_dialog_reach_it_in_order(tmp_path: Path) -> None:
    """Every key in one burst, as a terminal delivers them after a stall (slow SSH)."""
    app = app_on(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_article(pilot)
        for key in "stdsf":  # sentence, tag, ISIS, supportive, factual report
            app.post_message(events.Key(key, key))
        for _ in range(100):
            await pilot.pause()
            if rows(app) and isinstance(app.screen, ReaderScreen):
                break
        # Then the next tag right after, again in one burst: back from the dialog too.
        for key in "stqcw":
            app.post_message(events.Key(key, key))
        for _ in range(100):
            await pilot.pause()
            if len(rows(app)) == 2 and isinstance(app.screen, ReaderScreen):
                break
    sentence = rows(app)[0][:2]
    assert sorted(rows(app)) == [
        (*sentence, "al_qaeda", "critical", "warning"),
        (*sentence, "isis", "supportive", "factual_report"),
    ]


# --- the dialog at 80x24 and 120x40 ---------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_quote_is_the_engines_layout_at_the_dialogs_width(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=size) as pilot:
        await open_article(pilot)
        await pilot.press("down", "s", "t")  # a whole sentence: longer than the quote's room
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TagDialog)
        quote = dialog.query_one("#tag-quote", Paragraph)
        width = quote.size.width
        full = "«" + " ".join(dialog.quote.split()) + "»"
        # Cut, it ends with «…» and is the start of the passage.
        assert len(ParagraphLayout(full).lines(width)) > quote.max_lines
        assert quote.shown.endswith("…»") and full.startswith(quote.shown[:-2].rstrip())
        expected = [
            " " * line.pad(width) + line.text for line in ParagraphLayout(quote.shown).lines(width)
        ]
        assert 2 <= len(expected) <= quote.max_lines
        shown = drawn(app, quote)
        assert [line.rstrip() for line in shown] == [line.rstrip() for line in expected]
        # Right to left: every line ends at the quote's right edge, the first word first.
        assert all(cell_len(line.rstrip()) == width for line in shown)
        first_word = visual(dialog.quote.split()[0])
        assert shown[0].rstrip().endswith(first_word + "»")  # « mirrored, at the right


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_focused_field_is_on_screen(tmp_path: Path, size: tuple[int, int]) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=size) as pilot:
        dialog = await open_dialog(pilot, "t")
        box = dialog.query_one("#tag-box")
        assert box.region.height <= size[1]
        seen = set()
        for _ in range(7):  # every field once, and around again
            focused = app.focused
            assert focused is not None
            seen.add(focused.id)
            region = focused.region
            assert region.y >= 0 and region.bottom <= size[1], focused
            for y in (region.y, region.bottom - 1):
                widget, _ = app.screen.get_widget_at(region.x + 1, y)
                assert widget is focused or focused in widget.ancestors, (focused, widget)
            await pilot.press("tab")
        # The target is offered once a stance is chosen (`when: stance`): not yet.
        assert seen == {"actor-search", "actor", "stance", "claim_type", "note"}


def list_rows(app: HashiyaApp, values: ValueList) -> list[str]:
    return [line.rstrip() for line in drawn(app, values) if line.strip()]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_arabic_value_names_first_are_whole(tmp_path: Path, size: tuple[int, int]) -> None:
    app = app_on(tmp_path, labels="ar")
    schema = default_schema()
    async with app.run_test(size=size) as pilot:
        dialog = await open_dialog(pilot, "t")
        for field, values in (("stance", schema.stances), ("claim_type", schema.claim_types)):
            shown = list_rows(app, dialog.query_one(f"#{field}", ValueList))
            checked = 0
            for value in values:
                row = next((r for r in shown if f"[{value.shortcut}] " in r), None)
                if row is None:  # scrolled out of a short list
                    continue
                # The Arabic name first (left), whole; the English one whole or not at all.
                name = row.split(f"[{value.shortcut}] ", 1)[1]
                assert name.startswith(visual(value.label_ar)), (row, value.id)
                assert name in (
                    visual(value.label_ar),
                    f"{visual(value.label_ar)} · {value.label_en}",
                )
                checked += 1
            assert checked >= min(len(values), 5)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_english_first_never_shows_a_piece_of_an_arabic_name(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = app_on(tmp_path, labels="en")
    schema = default_schema()
    async with app.run_test(size=size) as pilot:
        dialog = await open_dialog(pilot, "t")
        for field in ("actor", "stance", "claim_type"):
            values = {v.id: v for v in schema.values(field)}
            widget = dialog.query_one(f"#{field}", ValueList)
            shown = list_rows(app, widget)
            assert shown
            for row, (value_id, *_rest) in zip(
                shown, widget.rows[int(widget.scroll_y) :], strict=False
            ):
                if value_id not in values:
                    continue
                value = values[value_id]
                name = row.split("] ", 1)[1] if "] " in row else row.strip()
                arabic = visual(value.label_ar)
                # The English name (or its start, cut with …), then the Arabic one whole.
                assert name in (value.label_en, f"{value.label_en} · {arabic}") or (
                    name.endswith("…") and value.label_en.startswith(name[:-1])
                ), (row, value_id)
