"""Working beside colleagues: what other processes commit appears without a restart."""

from __future__ import annotations

import subprocess
from pathlib import Path

from annotations.store import Store
from tests.support.corpus import SEED_ID, passage_on, two_annotator_db
from tests.support.pilot import open_article, wait_for_text, wait_until
from tests.support.screens import assert_arabic_laid_out, screen_lines
from tests.support.tmux import hashiya_command
from tui.app import make_app
from tui.screens.reader import ReaderScreen
from tui.screens.review import ReviewQueueScreen

COLLEAGUE_TEXT = "مراسل الأنباء الحية/ وصلت قافلة المساعدات إلى المدينة صباح اليوم.\n"


async def test_a_colleagues_import_appears_in_the_list(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    app = make_app(db, annotator="sara")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_text(pilot, "articles")
        before = len(app.screen.article_ids)  # type: ignore[attr-defined]
        incoming = tmp_path / "colleague.txt"
        incoming.write_text(COLLEAGUE_TEXT, encoding="utf-8")
        # Another process: the real command, as a colleague would run it.
        subprocess.run(
            [*hashiya_command("--db", str(db)), "import", str(incoming)],
            check=True,
            capture_output=True,
        )
        await wait_until(
            pilot,
            lambda: len(app.screen.article_ids) == before + 1,  # type: ignore[attr-defined]
            "the imported article in the list",
        )
        lines = await wait_for_text(pilot, f"{before + 1:,} articles")
        with Store(db) as store:
            title = next(a.title for a in store.list_articles() if "قافلة" in a.title)
        assert_arabic_laid_out(lines, expected=[title])


async def test_a_tag_saved_elsewhere_refreshes_the_open_article(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    app = make_app(db, annotator="sara")
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_article(pilot)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        before = len(screen.passages())
        await wait_for_text(pilot, f"ALL PASSAGES ({before})")
        # The same annotator in another terminal tags a passage on this article.
        with Store(db) as other:
            article = other.get_article(SEED_ID)
            assert article is not None
            new = passage_on(article, "التحالف الدولي", "sara", claim_type="claim")
            other.add_passage(new)
        lines = await wait_for_text(pilot, f"ALL PASSAGES ({before + 1})")
        assert any(p.id == new.id for p in screen.passages())
        view.caret = new.start
        lines = await wait_for_text(pilot, f"[{new.start}, {new.end})")
        assert_arabic_laid_out(lines, expected=["التحالف الدولي"])
        assert f"{before + 1} passages" in screen_lines(app)[-2]


async def test_the_review_queue_shows_a_colleagues_tags(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    two_annotator_db(db).close()
    app = make_app(db, annotator="lead")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewQueueScreen), "the queue")
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        assert [r.article_id for r in screen.reviews] == [SEED_ID]
        with Store(db) as other:
            ids = [i for i in other.article_ids() if i != SEED_ID]
            article = other.get_article(ids[0])
            assert article is not None
            phrase = article.text[article.paragraphs[0][0] : article.paragraphs[0][0] + 12]
            for who in ("sara", "omar"):
                other.add_passage(passage_on(article, phrase, who, claim_type="claim"))
        await wait_until(pilot, lambda: len(screen.reviews) == 2, "a second article to review")
        assert {r.article_id for r in screen.reviews} == {SEED_ID, article.id}
