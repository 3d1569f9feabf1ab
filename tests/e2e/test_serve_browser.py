"""`hashiya serve` in a real browser: tokens, the app drawn by xterm.js, a tag saved."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.models import Passage
from annotations.seeds import import_seeds_if_empty
from annotations.store import Store
from tests.support.browser import (
    Browser,
    ServeProcess,
    SocketTab,
    chromium_missing,
    chromium_profile,
    wait_until,
)
from tests.support.tmux import Tmux, hashiya_command

pytestmark = pytest.mark.e2e

SARA = "sara-token-0123456789abcdef"
OMAR = "omar-token-fedcba9876543210"
END, SHIFT_LEFT = "\x1b[F", "\x1b[1;2D"  # what xterm.js sends for End and Shift+Left


def _status(url: str, cookie: str | None = None) -> int:
    request = urllib.request.Request(url)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[ServeProcess, Path]]:
    db = tmp_path / "served.db"
    config = tmp_path / "config.yaml"
    config.write_text(f"serve:\n  users:\n    sara: {SARA}\n    omar: {OMAR}\n", encoding="utf-8")
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_DATA_HOME": str(tmp_path / "data")}
    server = ServeProcess(["--db", str(db), "--config", str(config)], env, tmp_path / "serve.log")
    try:
        yield server, db
    finally:
        server.stop()


def test_no_page_without_a_token_and_tokens_never_logged(
    served: tuple[ServeProcess, Path],
) -> None:
    server, _ = served
    assert _status(server.base + "/") == 403
    assert _status(server.base + "/static/js/textual.js") == 403
    assert _status(server.base + "/?token=not-a-token-at-all") == 403
    assert _status(server.base + "/", cookie="hashiya_token=guess") == 403
    assert _status(server.base + "/", cookie=f"hashiya_token={SARA}") == 200
    log = server.output()
    assert "wrong token" in log and "no token" in log
    assert SARA not in log and OMAR not in log and "not-a-token-at-all" not in log


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    reason = chromium_missing()
    if reason is not None:
        pytest.skip(reason)
    tab = Browser(chromium_profile(tmp_path), tmp_path / "downloads")
    try:
        yield tab
    finally:
        tab.close()


def test_tagging_in_the_browser_saves_as_the_tokens_annotator(
    served: tuple[ServeProcess, Path], browser: Browser, tmp_path: Path
) -> None:
    from selenium.webdriver.common.keys import Keys

    server, db = served
    browser.open(f"{server.base}/?token={OMAR}")
    # the token left the address bar for a cookie
    assert "token=" not in browser.driver.current_url
    browser.wait_for(lambda lines: any("chars" in line for line in lines))
    browser.keys(Keys.END, Keys.ENTER)
    # the longest seed's first words, shaped and right-to-left, at the right of a row
    browser.wait_for(
        lambda lines: (
            any("UNDER THE CARET" in line for line in lines)
            and any(line.split("│")[0].rstrip().endswith("ﻖﻔﺷ") for line in lines)
        )
    )
    browser.keys(Keys.SHIFT + Keys.LEFT, Keys.SHIFT + Keys.LEFT, "t")
    browser.wait_for(lambda lines: any("Tag passage" in line for line in lines))
    browser.keys("1", "n", "f")
    browser.wait_for(lambda lines: any("saved [0, 12)" in line for line in lines))
    rows = sqlite3.connect(db).execute('SELECT start, "end", annotator FROM passages').fetchall()
    assert rows == [(0, 12, "omar")]
    # the page drew Arabic with the served font, not a fallback
    loaded = browser.driver.execute_script(
        "return document.fonts.check('16px \"Roboto Mono\"', 'ﻖﻔﺷ') &&"
        " [...document.fonts].some(f => f.status === 'loaded')"
    )
    assert loaded
    shot = browser.screenshot(tmp_path / "reader-in-browser.png")
    assert shot.stat().st_size > 10_000


def test_an_export_started_in_the_browser_is_a_download(
    served: tuple[ServeProcess, Path], browser: Browser, tmp_path: Path
) -> None:
    from selenium.webdriver.common.keys import Keys

    server, db = served
    with Store(db) as store:
        import_seeds_if_empty(store)
        article = store.get_article(store.article_ids()[0])
        assert article is not None
        quote = article.text[0:12]
        store.add_passage(
            Passage(
                id="p-browser",
                article_id=article.id,
                start=0,
                end=12,
                text=quote,
                annotator="sara",
                actor=None,
                stance="neutral",
                claim_type="factual_report",
            )
        )
    browser.open(f"{server.base}/?token={SARA}")
    browser.wait_for(lambda lines: any("chars" in line for line in lines))
    browser.keys(Keys.CONTROL + "p")
    browser.wait_for(lambda lines: any("Search for commands" in line for line in lines))
    browser.keys("Export dataset")
    browser.wait_for(lambda lines: any("Export dataset" in line for line in lines))
    browser.keys(Keys.ENTER)
    downloads = tmp_path / "downloads"
    done = wait_until(
        lambda: [p for p in downloads.glob("hashiya-*.jsonl")] if downloads.exists() else [],
        60,
        "the downloaded export",
    )
    wait_until(lambda: done[0].read_text(encoding="utf-8").endswith("\n"), 30, "a whole file")
    (line,) = [json.loads(text) for text in done[0].read_text(encoding="utf-8").splitlines()]
    assert line["annotator"] == "sara"
    assert [(s["start"], s["end"], s["text"]) for s in line["spans"]] == [(0, 12, quote)]
    browser.wait_for(lambda lines: any("export: 1 line downloaded" in line for line in lines))


async def test_tabs_and_a_terminal_tagging_at_once_lose_nothing(
    served: tuple[ServeProcess, Path], tmp_path: Path
) -> None:
    """Four browser tabs (two people, one of them twice) and a terminal session tag at
    the same moment; every tag is in the database under the right annotator."""
    server, db = served
    tokens = [SARA, SARA, OMAR, OMAR]
    names = {SARA: "sara", OMAR: "omar"}
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_DATA_HOME": str(tmp_path / "data")}
    terminal = Tmux(hashiya_command("--db", str(db), "--annotator", "lina"), 100, 30, env)

    async def tag(tab: SocketTab, words: int) -> None:
        await tab.wait_for(lambda lines: any("chars" in line for line in lines))
        await tab.send(END, "\r")
        await tab.wait_for(lambda lines: any("UNDER THE CARET" in line for line in lines))
        await tab.send(*[SHIFT_LEFT] * words, "t")
        await tab.wait_for(lambda lines: any("Tag passage" in line for line in lines))
        await tab.send("1", "n", "f")
        await tab.wait_for(lambda lines: any("saved [0, " in line for line in lines))

    try:
        async with contextlib.AsyncExitStack() as stack:
            tabs = [await stack.enter_async_context(SocketTab(server.base, t)) for t in tokens]
            terminal.wait_for(lambda lines: any("chars" in line for line in lines), timeout=90)
            terminal.send("End", "Enter")
            terminal.wait_for(lambda lines: any("UNDER THE CARET" in line for line in lines))
            terminal.send("S-Left", "t")
            await asyncio.gather(*(tag(tab, 1 + i) for i, tab in enumerate(tabs)))
            terminal.wait_for(lambda lines: any("Tag passage" in line for line in lines))
            terminal.send("1", "n", "f")
            terminal.wait_for(lambda lines: any("saved [0, " in line for line in lines))
    finally:
        terminal.close()
    rows = (
        sqlite3.connect(db)
        .execute('SELECT annotator, start, "end" FROM passages ORDER BY annotator, "end"')
        .fetchall()
    )
    audits = sqlite3.connect(db).execute("SELECT count(*) FROM audit").fetchone()[0]
    assert sorted(r[0] for r in rows) == sorted([*(names[t] for t in tokens), "lina"])
    assert all(start == 0 for _, start, _ in rows)
    assert audits == len(rows)
