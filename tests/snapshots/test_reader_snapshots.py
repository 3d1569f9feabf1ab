"""Snapshots of the screens whose look matters: the reader, plain and with passages.

Review every changed snapshot before accepting it (`pytest --snapshot-update`), and
look at it: `tests/support/screens.py` saves a PNG that shows the cells as a terminal
without bidi does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.support.corpus import two_annotator_db
from tests.support.pilot import open_article
from tui.app import make_app

SIZE = (110, 32)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A relative database path keeps the header (it names the database) the same on
    # every machine.
    monkeypatch.chdir(tmp_path)
    return Path("team.db")


async def open_seed(pilot: Pilot[None]) -> None:
    await open_article(pilot)


def test_reader(snap_compare, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(in_tmp, annotator="sara")
    assert snap_compare(app, terminal_size=SIZE, run_before=open_seed)


def test_reader_with_passages_highlighted(snap_compare, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    two_annotator_db(in_tmp).close()
    app = make_app(in_tmp, annotator="sara")

    async def open_and_select(pilot: Pilot[None]) -> None:
        await open_seed(pilot)
        await pilot.press("down", "shift+left", "shift+left")  # a live selection too

    assert snap_compare(app, terminal_size=SIZE, run_before=open_and_select)
