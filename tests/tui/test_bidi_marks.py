"""Trojan Source: bidi embeddings, overrides and isolates applied and shown as marks.

The stored text holds «txet desrever» inside an RLO … PDF: the screen shows «reversed
text» (the override applied), with a mark where the override starts (⇇) and ends (⇡),
each in a cell of its own that maps back to the control's offset.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.articles import make_article
from annotations.store import Store
from tests.support.pilot import open_article
from tests.support.screens import screen_lines
from tui.app import make_app
from tui.widgets.bidi_text import set_bidi_marks

RLO, PDF, RLI, PDI = "\u202e", "\u202c", "\u2067", "\u2069"
TITLE = f"Title with {RLO}txet desrever{PDF} in it"
BODY = f"Say {RLO}txet desrever{PDF} now.\n\nThen {RLI}abc{PDI} too."
TEXT = f"{TITLE}\n\n{BODY}\n"
RAW = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


@pytest.fixture(autouse=True)
def _restore_marks() -> object:
    yield
    set_bidi_marks(True)  # the setting is per process: leave it as found


def _db(tmp_path: Path) -> tuple[Path, str]:
    article = make_article(TEXT)
    db = tmp_path / "trojan.db"
    with Store(db) as store:
        store.add_articles([article])
    return db, article.id


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_reader_shows_the_override_applied_between_its_marks(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    db, article_id = _db(tmp_path)
    app = make_app(db, annotator="sara", import_seeds=False)
    async with app.run_test(size=size) as pilot:
        view = await open_article(pilot, article_id)
        screen = screen_lines(app)
        assert any("Say \u21e1reversed text\u21c7 now." in row for row in screen), screen
        assert any("Then \u21e4abc\u2912 too." in row for row in screen), screen
        text = view.article.text
        rlo, pdf = text.index(RLO, len(TITLE)), text.index(PDF, len(TITLE))
        row_rlo, col_rlo = view.position_of(rlo)  # type: ignore[misc]
        row_pdf, col_pdf = view.position_of(pdf)  # type: ignore[misc]
        # Each mark takes a cell, and the cell maps to the control's own offset.
        top = view.region.y - int(view.scroll_offset.y)
        assert screen[top + row_rlo][view.region.x + col_rlo] == "\u21c7"
        assert screen[top + row_pdf][view.region.x + col_pdf] == "\u21e1"
        assert view.offset_at(row_rlo, col_rlo) == rlo
        assert view.offset_at(row_pdf, col_pdf) == pdf
        # Between them, the stored «txet desrever» drawn reversed: its first letter
        # on the right, next to the RLO's mark.
        assert view.offset_at(row_rlo, col_rlo - 1) == rlo + 1
        assert view.offset_at(row_pdf, col_pdf + 1) == pdf - 1
        assert col_pdf < col_rlo
        # The title in the list and in the reader's header shows them too.
        assert any("Title with \u21e1reversed text\u21c7 in it" in row for row in screen)
        assert not RAW & set("".join(screen))


async def test_the_list_shows_marks_in_titles(tmp_path: Path) -> None:
    db, _article_id = _db(tmp_path)
    app = make_app(db, annotator="sara", import_seeds=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = screen_lines(app)
        assert any("\u21e1reversed text\u21c7" in row for row in screen), screen
        assert not RAW & set("".join(screen))


async def test_the_setting_hides_the_marks_and_still_applies_the_controls(
    tmp_path: Path,
) -> None:
    db, article_id = _db(tmp_path)
    app = make_app(db, annotator="sara", import_seeds=False, bidi_marks=False)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_article(pilot, article_id)
        screen = screen_lines(app)
        assert any("Say reversed text now." in row for row in screen), screen
        assert any("Then abc too." in row for row in screen), screen
        assert not {"\u21c7", "\u21e1"} & set("".join(screen))
        assert view.position_of(view.article.text.index(RLO, len(TITLE))) is None


async def test_terminal_mode_never_sends_a_bidi_control(tmp_path: Path) -> None:
    db, article_id = _db(tmp_path)
    app = make_app(db, annotator="sara", import_seeds=False, bidi="terminal")
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_article(pilot, article_id)
        sent = "".join(row.line.text for row in view.rows if row.line is not None)
        assert not RAW & set(sent)
        # Logical order, as stored: the terminal cannot apply an override it never gets.
        assert "\u21c7txet desrever\u21e1" in sent


async def test_a_huge_paragraph_is_laid_out_only_where_shown(tmp_path: Path) -> None:
    sentence = "قالت الوزارة في بيان (رقم 17) إن الوضع تحسن بنسبة 12% وفق Reuters، "
    text = sentence * (1_000_000 // len(sentence.encode()))  # 1 MB, one paragraph
    article = make_article(text)
    db = tmp_path / "huge.db"
    with Store(db) as store:
        store.add_articles([article])
    app = make_app(db, annotator="sara", import_seeds=False)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_article(pilot, article.id)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(view.rows) > 5_000
        screen = "".join(screen_lines(app))
        assert "Reuters" in screen
        paragraph = view.article_layout.paragraph(0)
        assert not paragraph.whole
        # Built: the blocks around what is shown, never the whole paragraph.
        assert len(paragraph._blocks) <= 4
        await pilot.press("end")
        await pilot.pause()
        assert view.caret > len(text) - 200
        assert "Reuters" in "".join(screen_lines(app))
        assert len(paragraph._blocks) <= 4
