"""Suggestions in the real binary at 80x24, as tmux shows them: dim and underlined,
named in the panel, accepted with `a` into a passage row."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.layout import draw
from annotations.schema import default_schema
from annotations.seeds import import_seeds_if_empty
from annotations.store import Store
from annotations.suggest import Suggesters
from tests.support.tmux import Tmux, brightness, hashiya_command, terminal_env

pytestmark = pytest.mark.e2e


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Tmux, Path]]:
    db = tmp_path / "e2e.db"
    with Store(db) as store:
        import_seeds_if_empty(store)
        suggesters = Suggesters(default_schema())
        for article_id in store.article_ids():
            article = store.get_article(article_id)
            assert article is not None
            store.add_suggestions(suggesters.suggest(article, ["actors"]))
    tmux = Tmux(
        hashiya_command("--db", str(db), "--annotator", "sara"), 80, 24, terminal_env(tmp_path)
    )
    try:
        yield tmux, db
    finally:
        tmux.close()


def find(cells: list[tuple[str, frozenset[str]]], text: str) -> list[frozenset[str]] | None:
    """The attributes of the cells where `text` is drawn on this row, if it is."""
    row = "".join(ch for ch, _ in cells)
    at = row.find(text)
    return None if at < 0 else [attrs for _, attrs in cells[at : at + len(text)]]


def test_a_suggestion_is_dim_and_underlined_on_screen_and_a_accepts_it(
    terminal: tuple[Tmux, Path],
) -> None:
    tmux, db = terminal
    tmux.wait_for_text("sorted by")
    tmux.send("Enter")
    with Store(db) as store:
        ids = store.article_ids()
    lines = tmux.wait_for(
        lambda lines: (
            any("suggestions" in line and "caret" in line for line in lines)
            and any(i in line for i in ids for line in lines)
        )
    )
    with Store(db) as store:
        opened = next(i for i in ids if any(i in line for line in lines))
        offered = store.open_suggestions(opened, "sara")
        text = store.get_article(opened).text  # type: ignore[union-attr]
    rows = tmux.styled_screen()
    seen = None
    for s in offered[1:]:  # not the first: the caret may sit on it
        drawn = draw(s.text).text
        for cells in rows:
            attrs = find(cells, drawn)
            if attrs is not None:
                seen = (s, attrs, cells)
                break
        if seen:
            break
    assert seen is not None, "no suggestion drawn whole on the first screen"
    suggestion, attrs, cells = seen
    # Underlined (SGR 4), and dim: Textual draws dim as a fainter foreground colour
    # (no SGR 2 reaches the terminal), so every terminal shows it.
    assert all("underline" in a for a in attrs), attrs
    plain = [a for ch, a in cells if ch.strip() and "underline" not in a]
    assert plain, "only suggestions on the row"
    text_colour = max(brightness(a) for a in plain)  # the article's own words on the row
    assert all(0 <= brightness(a) < text_colour for a in attrs), (attrs, text_colour)
    # ] to it (in text order over the suggestions before it), and the panel names it
    index = offered.index(suggestion)
    first = 1 if offered[0].start == 0 else 0  # the caret starts on offset 0
    tmux.send(*["]"] * (index + 1 - first))
    tmux.wait_for_text(f"[{suggestion.start}, {suggestion.end}) by actors")
    tmux.send("a")
    tmux.wait_for_text("accepted")
    conn = sqlite3.connect(db)
    try:
        rows_saved = conn.execute('SELECT start, "end", text, annotator FROM passages').fetchall()
        audit = conn.execute("SELECT action, suggested_by FROM audit").fetchall()
    finally:
        conn.close()
    assert rows_saved == [
        (suggestion.start, suggestion.end, text[suggestion.start : suggestion.end], "sara")
    ]
    assert audit == [("create", "actors")]
    # accepted: drawn as a passage now, no longer dim
    drawn = draw(suggestion.text).text

    def undimmed(_: list[str]) -> bool:
        found = [find(c, drawn) for c in tmux.styled_screen()]
        return any(a is not None and not any("underline" in x for x in a) for a in found)

    tmux.wait_for(undimmed)
