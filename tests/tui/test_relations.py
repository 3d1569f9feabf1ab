"""Relations in the reader, from the keyboard (and the mouse): a whole attribution frame
built with keys only at 80x24 and 120x40, the rows it saves (passages with their kinds,
relations with their labels, the audit), undo and redo, the panel and the marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from annotations.articles import make_article
from annotations.layout import fit_line
from annotations.models import Article
from annotations.store import Store
from tests.support.pilot import open_article, wait_for_text, wait_until
from tests.support.screens import assert_arabic_laid_out, screen_lines
from tui.app import HashiyaApp, make_app
from tui.screens.help import HelpScreen
from tui.screens.link_dialog import LinkDialog, PickLinkDialog
from tui.screens.reader import ReaderScreen
from tui.screens.tag_dialog import TagDialog
from tui.widgets.reader_view import ReaderView

TEXT = (
    "وأكد صباح النعمان أن القوات ستبقى على الحدود حتى نهاية العام.\n\n"
    "وقال السوداني إن الزيارة مهمة جدا للبلدين."
)
CONTENT = "القوات ستبقى على الحدود حتى نهاية العام"
SOURCE = "صباح النعمان"
CUE = "أكد"

Row = tuple[str, str, dict[str, object]]


@pytest.fixture
def article() -> Article:
    return make_article(TEXT, title="تصريح", source="test")


@pytest.fixture
def app(tmp_path: Path, article: Article) -> HashiyaApp:
    db = tmp_path / "h.db"
    with Store(db) as store:
        store.add_articles([article])
    return make_app(db, annotator="sara", import_seeds=False)


def passages(app: HashiyaApp, article: Article) -> list[Row]:
    """(text, kind, labels) of each saved passage, read on a second connection."""
    with Store(app.settings.db_path) as store:
        found = store.passages(article.id, "sara")
    return sorted((p.text, p.kind, dict(p.labels)) for p in found)


def relations(app: HashiyaApp, article: Article) -> list[Row]:
    """(type, "from text → to text", labels) of each saved relation."""
    with Store(app.settings.db_path) as store:
        by_id = {p.id: p for p in store.passages(article.id, "sara")}
        found = store.relations(article.id, "sara")
    return sorted(
        (r.type, f"{by_id[r.from_id].text} → {by_id[r.to_id].text}", dict(r.labels)) for r in found
    )


def audit(app: HashiyaApp, article: Article) -> list[tuple[str, str]]:
    """(relation type, action) of every audit row of the article's relations."""
    with Store(app.settings.db_path) as store:
        rows = store.conn.execute(
            "SELECT json_extract(coalesce(after, before), '$.type'), action"
            " FROM relation_audit WHERE article_id = ? ORDER BY rowid",
            (article.id,),
        ).fetchall()
    return [(str(t), str(a)) for t, a in rows]


def status(app: HashiyaApp) -> str:
    return str(app.screen.query_one("#reader-status").render())


def prompt(app: HashiyaApp) -> str:
    return str(app.screen.query_one("#reader-prompt").render())


async def caret_to(pilot: Pilot[None], view: ReaderView, offset: int) -> None:
    """Move the caret to `offset` by words (←/→: in a right-to-left paragraph ← goes on),
    then by characters (ctrl+←/→) where a word step would pass it or stays put."""
    for _ in range(100):
        if view.caret == offset:
            return
        before = view.caret
        await pilot.press("left" if view.caret < offset else "right")
        if view.caret == before or (before < offset) != (view.caret <= offset):
            break
    for _ in range(200):
        if view.caret == offset:
            return
        await pilot.press("ctrl+left" if view.caret < offset else "ctrl+right")
    raise AssertionError(f"the caret never reached {offset} (at {view.caret})")


async def select_by_keys(pilot: Pilot[None], view: ReaderView, phrase: str) -> tuple[int, int]:
    """Select `phrase` with the caret and shift+← (whole words), or ctrl+shift+← (by
    character) when the words would take more."""
    start = view.article.text.index(phrase)
    end = start + len(phrase)
    await caret_to(pilot, view, start)
    for _ in range(50):
        if view.selection is not None and view.selection[1] >= end:
            break
        await pilot.press("shift+left")
    if view.selection != (start, end):
        await pilot.press("left")  # a plain move ends the selection
        await caret_to(pilot, view, start)
        for _ in range(len(phrase) + 2):
            if view.selection == (start, end):
                break
            await pilot.press("ctrl+shift+left")
    assert view.selection == (start, end), (view.selection, (start, end))
    return start, end


async def tag_content(pilot: Pilot[None], app: HashiyaApp, view: ReaderView) -> None:
    await select_by_keys(pilot, view, CONTENT)
    await pilot.press("t")
    await wait_until(pilot, lambda: isinstance(app.screen, TagDialog), "the tag dialog")
    await pilot.press("d", "n", "f")  # actor ISIS, neutral, factual report
    await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader again")


CONTENT_LABELS = {"actor": "isis", "stance": "neutral", "claim_type": "factual_report"}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_frame_from_the_offer_in_a_few_keys(
    app: HashiyaApp, article: Article, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        view = await open_article(pilot, article.id)
        await tag_content(pilot, app, view)
        # Right after the tag: the frame offered on the line above the status.
        await wait_until(pilot, lambda: "frame:" in prompt(app), "the frame offer")
        assert "(key 1)" in prompt(app) and "(key 2)" in prompt(app)
        assert_arabic_laid_out(screen_lines(app), expected=[f"«{SOURCE}»", f"«{CUE}»"])
        await pilot.press("enter")  # both
        await wait_until(pilot, lambda: not app.screen.query_one("#reader-prompt").display, "")
        assert "source and cue linked" in status(app)
        # The panel, taller than the screen at 80x24 once it holds the frame, draws the
        # words whole: laid out at its width with the scrollbar's column kept for it.
        await caret_to(pilot, view, TEXT.index(CONTENT))
        lines = await wait_for_text(pilot, "FRAME")
        panel = [line.split("│", 1)[1] for line in lines if "│" in line]
        for words in (SOURCE, CUE, "ستبقى على الحدود"):
            shown = fit_line(words, 40).text
            assert any(shown in line for line in panel), (words, panel)
        # the links by the numbers that pick them, the heads apart from what follows
        assert any(line.strip().startswith("1 said by (") for line in panel), panel
        assert any(line.strip().startswith("[21, 60) Content") for line in panel), panel
    assert passages(app, article) == sorted(
        [
            (CONTENT, "", CONTENT_LABELS),
            (SOURCE, "source", {"actor": "sabah_al_numan"}),
            (CUE, "cue", {}),
        ]
    )
    assert relations(app, article) == [
        ("cue", f"{CONTENT} → {CUE}", {}),
        ("said_by", f"{CONTENT} → {SOURCE}", {}),
    ]
    assert sorted(audit(app, article)) == [("cue", "create"), ("said_by", "create")]


async def test_accepting_one_end_then_undo_and_redo(app: HashiyaApp, article: Article) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_article(pilot, article.id)
        await tag_content(pilot, app, view)
        await wait_until(pilot, lambda: "frame:" in prompt(app), "the frame offer")
        await pilot.press("2")  # the cue only; the source stays offered
        await wait_until(pilot, lambda: len(relations(app, article)) == 1, "the cue link")
        assert "(key 1)" in prompt(app) and "(key 2)" not in prompt(app)
        await pilot.press("1")
        await wait_until(pilot, lambda: len(relations(app, article)) == 2, "the source link")
        await pilot.press("ctrl+z")  # the source and its link: one step
        await pilot.pause()
        assert [t for t, *_ in relations(app, article)] == ["cue"]
        assert sorted(k for _, k, _ in passages(app, article)) == ["", "cue"]
        await pilot.press("ctrl+z", "ctrl+z")  # the cue, then the content itself
        await pilot.pause()
        assert passages(app, article) == [] and relations(app, article) == []
        await pilot.press("ctrl+y", "ctrl+y", "ctrl+y")
        await pilot.pause()
        assert [t for t, *_ in relations(app, article)] == ["cue", "said_by"]
        assert len(passages(app, article)) == 3
    assert [a for _, a in audit(app, article)] == [
        "create",
        "create",
        "undo",
        "undo",
        "redo",
        "redo",
    ]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_linking_by_keys_makes_the_other_end_and_shows_the_frame(
    app: HashiyaApp, article: Article, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        view = await open_article(pilot, article.id)
        await tag_content(pilot, app, view)
        await wait_until(pilot, lambda: "frame:" in prompt(app), "the frame offer")
        await pilot.press("escape")  # no thanks: linked by hand below
        content_start = TEXT.index(CONTENT)
        await caret_to(pilot, view, content_start)
        # r on the content, then a fresh selection: the source, made as it is linked.
        await pilot.press("r")
        await wait_until(pilot, lambda: "linking from" in prompt(app), "the linking prompt")
        await select_by_keys(pilot, view, SOURCE)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LinkDialog), "the link dialog")
        # A new end may be a source (said_by), a cue or another piece (part_of).
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog), "the source's tag")
        assert app.screen.kind == "source" and app.screen.steps == ("actor",)
        await pilot.press("slash", *"النعمان", "enter")  # the actor found by name
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, TagDialog) and app.screen.level == "relation:said_by",
            "the link's labels",
        )
        await pilot.press("i", "a")  # indirect, affirmed
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await wait_until(pilot, lambda: len(relations(app, article)) == 1, "the said_by link")
        # The cue: r on the content again, the caret onto the verb, Enter, v.
        await caret_to(pilot, view, content_start)
        await pilot.press("r")
        await select_by_keys(pilot, view, "وأكد")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LinkDialog), "the link dialog")
        await pilot.press("v")  # a cue has no list to choose from: saved at once
        await wait_until(pilot, lambda: len(relations(app, article)) == 2, "the cue link")
        assert isinstance(app.screen, ReaderScreen)
        # The panel shows the frame of the content under the caret.
        await caret_to(pilot, view, content_start)
        lines = await wait_for_text(pilot, "FRAME")
        assert any("source [5, 17)" in line for line in lines)
        assert any("cue [0, 4)" in line for line in lines)
        assert any("content [21, " in line for line in lines)
        assert_arabic_laid_out(lines, expected=[SOURCE, "وأكد"])
        # The frame's passages are marked in the text while the caret is on one of them.
        assert view.linked == ((0, 4), (5, 17), (content_start, content_start + len(CONTENT)))
        row, column = view.position_of(TEXT.index(SOURCE))  # type: ignore[misc]
        strip = view.render_line(row - int(view.scroll_offset.y))
        cell = next(iter(strip.crop(column, column + 1)))  # the source's first letter
        assert cell.style is not None and cell.style.reverse and cell.style.bold
        await caret_to(pilot, view, TEXT.index("السوداني"))
        assert view.linked == ()
        # The cue and its link were one step: undone and redone together.
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: len(relations(app, article)) == 1, "the cue undone")
        assert len(passages(app, article)) == 2
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: len(relations(app, article)) == 2, "the cue redone")
    assert passages(app, article) == sorted(
        [
            (CONTENT, "", CONTENT_LABELS),
            (SOURCE, "source", {"actor": "sabah_al_numan"}),
            ("وأكد", "cue", {}),
        ]
    )
    assert relations(app, article) == [
        ("cue", f"{CONTENT} → وأكد", {}),
        ("said_by", f"{CONTENT} → {SOURCE}", {"quote": "indirect", "polarity": "affirmed"}),
    ]


async def test_unlink_edit_a_link_and_undo(app: HashiyaApp, article: Article) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_article(pilot, article.id)
        await tag_content(pilot, app, view)
        await wait_until(pilot, lambda: "frame:" in prompt(app), "the frame offer")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(relations(app, article)) == 2, "the frame")
        await caret_to(pilot, view, TEXT.index(SOURCE))  # the source has one link: said_by
        await pilot.press("E")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog), "the link's labels")
        await pilot.press("d", "n")  # direct, denied
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        said = [r for r in relations(app, article) if r[0] == "said_by"]
        assert said[0][2] == {"quote": "direct", "polarity": "denied"}
        # The content has two links: X asks which, by the number the panel shows.
        await caret_to(pilot, view, TEXT.index(CONTENT))
        await pilot.press("X")
        await wait_until(pilot, lambda: isinstance(app.screen, PickLinkDialog), "which link")
        await pilot.press("2")
        await wait_until(pilot, lambda: len(relations(app, article)) == 1, "one link left")
        gone = {"cue", "said_by"} - {t for t, *_ in relations(app, article)}
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: len(relations(app, article)) == 2, "the link back")
        await pilot.press("ctrl+z")  # the edit
        await pilot.pause()
        said = [r for r in relations(app, article) if r[0] == "said_by"]
        assert said[0][2] == {}
        await pilot.press("ctrl+y", "ctrl+y")
        await wait_until(pilot, lambda: len(relations(app, article)) == 1, "unlinked again")
        assert {t for t, *_ in relations(app, article)} == {"cue", "said_by"} - gone
    actions = [a for _, a in audit(app, article)]
    assert actions.count("update") == 1 and actions.count("delete") == 1
    assert actions[-4:] == ["undo", "undo", "redo", "redo"]


async def test_deleting_a_passage_deletes_its_links_and_undo_restores_them(
    app: HashiyaApp, article: Article
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_article(pilot, article.id)
        await tag_content(pilot, app, view)
        await wait_until(pilot, lambda: "frame:" in prompt(app), "the frame offer")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(relations(app, article)) == 2, "the frame")
        await caret_to(pilot, view, TEXT.index(CONTENT))
        await pilot.press("x")
        await wait_until(pilot, lambda: relations(app, article) == [], "the links gone")
        assert len(passages(app, article)) == 2
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: len(relations(app, article)) == 2, "the links back")
        assert len(passages(app, article)) == 3


async def test_the_mouse_links_to_the_passage_clicked_and_escape_cancels(
    app: HashiyaApp, article: Article
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_article(pilot, article.id)
        await tag_content(pilot, app, view)
        await wait_until(pilot, lambda: "frame:" in prompt(app), "the frame offer")
        await pilot.press("1")  # the source only
        await wait_until(pilot, lambda: len(relations(app, article)) == 1, "said_by")
        await pilot.press("escape")
        # r on the source, then a click on the content: only the reverse of said_by fits.
        await caret_to(pilot, view, TEXT.index(SOURCE))
        await pilot.press("r")
        row, column = view.position_of(TEXT.index("الحدود"))  # type: ignore[misc]
        await pilot.click(view, offset=(column, row - int(view.scroll_offset.y)))
        await wait_until(pilot, lambda: isinstance(app.screen, LinkDialog), "the link dialog")
        dialog = app.screen
        assert isinstance(dialog, LinkDialog)
        assert [(c.relation.id, c.reverse) for c in dialog.choices] == [("said_by", True)]
        await pilot.press("escape")  # no type: still linking
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        assert "linking from" in prompt(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query_one("#reader-prompt").display
    assert len(relations(app, article)) == 1


async def test_no_relation_fits_two_sources(app: HashiyaApp, article: Article) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_article(pilot, article.id)
        await tag_content(pilot, app, view)
        await wait_until(pilot, lambda: "frame:" in prompt(app), "the frame offer")
        await pilot.press("1")
        await wait_until(pilot, lambda: len(relations(app, article)) == 1, "said_by")
        await caret_to(pilot, view, TEXT.index(SOURCE))
        await pilot.press("r")
        await caret_to(pilot, view, TEXT.index(SOURCE))
        await pilot.press("enter")
        assert "no passage under the caret" in status(app)


async def test_the_tag_dialog_chooses_the_kind(app: HashiyaApp, article: Article) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_article(pilot, article.id)
        await select_by_keys(pilot, view, "السوداني")
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog), "the tag dialog")
        lines = screen_lines(app)
        assert any("kind: ✓[c] Content   [s] Source   [v] Cue  (ctrl+k)" in line for line in lines)
        dialog = app.screen
        assert isinstance(dialog, TagDialog)
        assert dialog.steps == ("actor", "stance", "claim_type")
        await pilot.press("ctrl+k", "s")  # a source: actor and note
        await pilot.pause()
        assert dialog.steps == ("actor",)
        assert any(
            "kind:  [c] Content  ✓[s] Source   [v] Cue" in line for line in screen_lines(app)
        )
        await pilot.press("p")  # Mohammed Shia al-Sudani: the last column saves
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
    assert passages(app, article) == [("السوداني", "source", {"actor": "mohammed_shia_al_sudani"})]


async def test_help_lists_the_relation_keys(app: HashiyaApp, article: Article) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_article(pilot, article.id)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        assert isinstance(app.screen, HelpScreen)
        reader = {what: keys for keys, what in app.screen.sections()[0][1]}
        assert reader["Link"] == "r" and reader["Frame"] == "F"
        assert reader["Unlink"] == "X" and reader["Edit link"] == "E"
        assert reader["Accept source"] == "1" and reader["Accept cue"] == "2"
        tag = dict(next(rows for title, rows in app.screen.sections() if title == "Tag dialog"))
        assert tag["ctrl+k"] == "Kind"
