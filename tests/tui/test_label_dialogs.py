"""The tag dialog and the article-label dialog built from the schema: a schema with an
extra passage attribute and a document attribute works with no code change (columns,
pages at 80 columns, saved labels in the database, the panel and the list), several
values toggled, required attributes blocking with one line, `when` hiding and showing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from annotations.config import Settings
from annotations.schema import default_schema
from annotations.store import Store
from tests.support.corpus import SEED_ID
from tests.support.pilot import open_article, wait_until
from tests.support.screens import assert_arabic_laid_out, screen_lines
from tui.app import HashiyaApp, make_app
from tui.screens.reader import ReaderScreen
from tui.screens.tag_dialog import TagDialog, ValueList
from tui.widgets.bidi_text import visual

SIZES = [(80, 24), (120, 40)]
NEWS_PLUS = Path(__file__).parent.parent / "data" / "schemas" / "news-plus.yaml"

TOPICS = """  - id: topics
    type: choice
    label_ar: المواضيع
    label_en: Topics
    multiple: true
    required: true
    values:
      - {id: security, label_ar: أمن, label_en: Security, description: Attacks and forces., shortcut: "1", color: red}
      - {id: economy, label_ar: اقتصاد, label_en: Economy, description: Money and trade., shortcut: "2", color: green}
      - {id: politics, label_ar: سياسة, label_en: Politics, description: Parties and votes., shortcut: "3", color: blue}

"""


def app_on(tmp_path: Path, schema: Path | None = None, *, labels: str = "en") -> HashiyaApp:
    db = tmp_path / "h.db"
    return make_app(
        db, settings=Settings(db_path=db, annotator="sara", labels=labels, schema_path=schema)
    )


def saved(app: HashiyaApp) -> list[dict[str, Any]]:
    """The passages' labels as on disk (a second connection)."""
    with Store(app.settings.db_path) as store:
        return [dict(p.labels) for p in store.passages(SEED_ID, "sara")]


def saved_document(app: HashiyaApp) -> list[dict[str, Any]]:
    with Store(app.settings.db_path) as store:
        return [dict(d.labels) for d in store.document_labels(SEED_ID, "sara")]


def several_values_schema(tmp_path: Path) -> Path:
    """The bundled schema with several actors allowed and a required `topics` attribute
    (several values) before the claim type."""
    text = Path(default_schema().source).read_text(encoding="utf-8")
    text = text.replace(
        "  - id: actor\n    type: actor\n",
        "  - id: actor\n    type: actor\n    multiple: true\n",
        1,
    )
    text = text.replace("  - id: claim_type\n", TOPICS + "  - id: claim_type\n", 1)
    path = tmp_path / "several.yaml"
    path.write_text(text, encoding="utf-8")
    return path


async def open_dialog(pilot: Any) -> TagDialog:
    await open_article(pilot)
    await pilot.press("shift+left", "shift+left", "t")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, TagDialog), "the tag dialog")
    return pilot.app.screen  # type: ignore[no-any-return]


def screen_text(app: HashiyaApp) -> str:
    return "\n".join(screen_lines(app))


# --- an extra passage attribute, no code change ------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_an_extra_attribute_is_a_column_and_is_saved(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = app_on(tmp_path, NEWS_PLUS)
    async with app.run_test(size=size) as pilot:
        dialog = await open_dialog(pilot)
        certainty = dialog.query_one("#certainty", ValueList)
        await pilot.press("d", "c", "w")  # actor, stance, claim type: certainty is next
        await pilot.pause()
        assert app.screen is dialog and app.focused is certainty
        screen = screen_text(app)
        assert "Certainty" in screen and "[2] Likely" in screen
        if size == (80, 24):  # four columns do not fit 80 columns: two pages
            assert "page 2 of 2" in screen
            assert "Stance" not in screen  # the first page is scrolled away
        else:
            assert "page" not in screen and "Stance" in screen
        await pilot.press("2")  # certainty is the last single-valued column: it saves
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "saved")
    assert saved(app) == [
        {"actor": "isis", "stance": "critical", "claim_type": "warning", "certainty": "likely"}
    ]


async def test_the_first_page_comes_back_with_its_columns(tmp_path: Path) -> None:
    app = app_on(tmp_path, NEWS_PLUS)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot)
        assert "page 1 of 2" in screen_text(app)
        await pilot.press("d", "c", "w")
        await wait_until(pilot, lambda: "page 2 of 2" in screen_text(app), "page 2")
        await pilot.press("shift+tab")  # back to the claim type: page 1 again
        await wait_until(pilot, lambda: "page 1 of 2" in screen_text(app), "page 1")
        assert app.focused is dialog.query_one("#claim_type", ValueList)
        assert "✓[w] Warning" in screen_text(app)


# --- several values -----------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_several_values_toggle_with_their_shortcuts(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = app_on(tmp_path, several_values_schema(tmp_path))
    async with app.run_test(size=size) as pilot:
        dialog = await open_dialog(pilot)
        actors = dialog.query_one("#actor", ValueList)
        await pilot.press("d", "q", "d", "s")  # ISIS, al-Qaeda, ISIS off, SDF
        await pilot.pause()
        assert app.focused is actors  # a column of several values does not move on
        assert actors.chosen == ["al_qaeda", "sdf"]
        await pilot.press("tab", "c")  # on to the stance; critical moves on to the topics
        topics = dialog.query_one("#topics", ValueList)
        await wait_until(pilot, lambda: app.focused is topics, "the topics column")
        await pilot.press("1", "3", "2", "1")  # security, politics, economy, security off
        await pilot.pause()
        rows = [line for line in screen_lines(app) if "Politics" in line or "Economy" in line]
        assert any("✓[3] Politics" in line for line in rows)
        assert any("✓[2] Economy" in line for line in rows)
        assert not any("✓[1] Security" in line for line in screen_lines(app))
        await pilot.press("tab", "w")  # the claim type, the last single-valued: saves
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "saved")
    assert saved(app) == [
        {
            "actor": ["al_qaeda", "sdf"],
            "stance": "critical",
            "topics": ["politics", "economy"],
            "claim_type": "warning",
        }
    ]


async def test_a_required_attribute_of_several_values_blocks_saving_with_one_line(
    tmp_path: Path,
) -> None:
    app = app_on(tmp_path, several_values_schema(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot)
        assert "* required: topics" in screen_text(app)
        await pilot.press("d", "tab", "c", "tab", "w")  # no topic: refused
        await pilot.pause()
        assert app.screen is dialog
        lines = [line for line in screen_lines(app) if "Not saved" in line]
        assert len(lines) == 1 and "Not saved: choose topics (required)" in lines[0]
        assert app.focused is dialog.query_one("#topics", ValueList)
        assert saved(app) == []
        await pilot.press("2", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "saved")
    assert saved(app) == [
        {"actor": ["isis"], "stance": "critical", "topics": ["economy"], "claim_type": "warning"}
    ]


# --- when ---------------------------------------------------------------------------------


async def test_the_target_is_offered_once_a_stance_is_chosen_and_only_then(
    tmp_path: Path,
) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot)
        target = dialog.query_one("#target", Input)
        assert not target.display and "stance target" not in screen_text(app)
        await pilot.press("d", "c")  # a stance: the target is offered
        await wait_until(pilot, lambda: target.display, "the target field")
        assert "stance target (optional)" in screen_text(app)
        target.value = "الحكومة"
        stance = dialog.query_one("#stance", ValueList)
        stance.focus()
        await pilot.press("end", "enter")  # "(none)": no stance, so no target either
        await wait_until(pilot, lambda: not target.display, "the target hidden again")
        await pilot.press("f")  # factual report saves
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "saved")
    assert saved(app) == [{"actor": "isis", "claim_type": "factual_report"}]


# --- the article's own labels ----------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_article_labels_are_saved_at_once_and_shown_in_the_panel_and_the_list(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = app_on(tmp_path, NEWS_PLUS)
    async with app.run_test(size=size) as pilot:
        await open_article(pilot)
        assert "overall stance: —" in screen_text(app)
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog), "the article dialog")
        screen = screen_text(app)
        assert "Label the article" in screen and "Overall stance" in screen
        assert "Actor" not in screen  # the document's attributes only
        await pilot.press("c")  # one column: its pick saves
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "saved")
        assert saved_document(app) == [{"overall_stance": "critical"}]
        await wait_until(pilot, lambda: "overall stance: Critical" in screen_text(app), "panel")
        assert "article labels saved" in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ReaderScreen), "the list")
        rows = [line for line in screen_lines(app) if "▪" in line]
        assert len(rows) == 1 and rows[0].startswith(" ▪")  # not started, and labelled
    assert saved(app) == []  # no passage was made


async def test_arabic_article_labels_in_the_panel_are_laid_out(tmp_path: Path) -> None:
    app = app_on(tmp_path, NEWS_PLUS, labels="ar")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_article(pilot)
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog), "the article dialog")
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "saved")
        expected = "الموقف العام: متباين"
        await wait_until(
            pilot, lambda: visual(expected) in screen_text(app), "the Arabic line in the panel"
        )
        assert_arabic_laid_out(screen_lines(app), expected=[expected])


async def test_a_schema_without_article_labels_says_so_in_one_line(tmp_path: Path) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_article(pilot)
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        lines = [line for line in screen_lines(app) if "no article labels" in line]
        assert len(lines) == 1 and "schema 'news' has no article labels" in lines[0]
        assert "ARTICLE LABELS" not in screen_text(app)


async def test_a_boolean_attribute_is_a_toggle_saved_only_when_on(tmp_path: Path) -> None:
    text = Path(default_schema().source).read_text(encoding="utf-8")
    text = text.replace(
        "  - id: note\n",
        "  - id: quoted\n    type: boolean\n    label_ar: اقتباس\n    label_en: Quoted\n\n"
        "  - id: note\n",
        1,
    )
    schema = tmp_path / "quoted.yaml"
    schema.write_text(text, encoding="utf-8")
    app = app_on(tmp_path, schema)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot)
        toggle = dialog.query_one("#quoted")
        assert "[ ] Quoted (space)" in screen_text(app)
        toggle.focus()
        await pilot.press("space")
        await wait_until(pilot, lambda: "[x] Quoted (space)" in screen_text(app), "toggled on")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "saved")
        assert saved(app) == [{"quoted": True}]
        await pilot.press("e")  # edit: the toggle is on; off again, then saved
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog), "the edit dialog")
        assert "[x] Quoted (space)" in screen_text(app)
        app.screen.query_one("#quoted").focus()
        await pilot.press("space", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "edited")
    assert saved(app) == [{}]
