"""The help screen: Hashiya's keys, grouped by screen, the screen beneath first.

Keys are named as people read them (`/`, `]`, `Esc`, `ctrl+←`), every key of one action
on one row (`ctrl+← / alt+←`), the user's keymap applied. Textual's own keys come last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, cast

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.keys import key_to_character
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

if TYPE_CHECKING:
    from tui.app import HashiyaApp

KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "tab": "Tab",
    "delete": "Delete",
    "backspace": "Backspace",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "insert": "Insert",
    "slash": "/",  # Unicode calls it SOLIDUS, so Textual's lookup misses it
    "backslash": "\\",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}
KEY_COLUMN = 24  # cells for the keys of one row; longer key lists take their own line


def describe_key(key: str) -> str:
    """A key as people read it: "slash" -> "/", "ctrl+left" -> "ctrl+←"."""
    *modifiers, last = key.split("+") if key != "+" else ("+",)
    name = KEY_NAMES.get(last)
    if name is None:
        char = key_to_character(last) if len(last) > 1 else last
        name = char if char is not None and char.isprintable() and char != " " else last
    return "+".join([*modifiers, name])


Row = tuple[str, str]  # keys shown, what they do


def _screens() -> list[tuple[str, type[DOMNode], tuple[type[DOMNode], ...]]]:
    """(title, screen, the widgets whose keys work on it) for every Hashiya screen."""
    from tui.screens.agreement import AgreementScreen
    from tui.screens.article_list import ArticleListScreen
    from tui.screens.overview import OverviewScreen
    from tui.screens.reader import ReaderScreen
    from tui.screens.review import MyReviewsScreen, ReviewQueueScreen, ReviewScreen
    from tui.screens.search import SearchScreen
    from tui.screens.tag_dialog import TagDialog
    from tui.widgets.article_table import ArticleTable
    from tui.widgets.reader_view import ReaderView

    return [
        ("Article list", ArticleListScreen, (ArticleTable,)),
        ("Reader", ReaderScreen, (ReaderView,)),
        ("Tag dialog", TagDialog, ()),
        ("Search", SearchScreen, ()),
        ("Overview", OverviewScreen, ()),
        ("Review queue", ReviewQueueScreen, ()),
        ("Review", ReviewScreen, (ReaderView,)),
        ("My reviews", MyReviewsScreen, ()),
        ("Agreement", AgreementScreen, ()),
    ]


@cache
def _declared_by(cls: type[DOMNode]) -> frozenset[tuple[str, str]]:
    return frozenset((b.action, b.description) for b in _declared([cls]))


def _declared(classes: Iterable[type[DOMNode]]) -> list[Binding]:
    """The bindings Hashiya's own classes declare (not Textual's base classes), in order."""
    out: list[Binding] = []
    for cls in classes:
        for klass in reversed(cls.__mro__):
            if not klass.__module__.startswith("tui.") or "BINDINGS" not in vars(klass):
                continue
            spec: list[BindingType] = vars(klass)["BINDINGS"]
            out.extend(Binding.make_bindings(spec))
    return out


def _rows(bindings: Iterable[Binding], keymap: Mapping[str, str]) -> list[Row]:
    """One row per description, its keys joined, the keymap applied."""
    keys: dict[str, list[str]] = {}
    for b in bindings:
        chosen = keymap.get(b.id, b.key) if b.id else b.key
        what = b.tooltip or b.description or b.action.replace("_", " ")
        names = keys.setdefault(what, [])
        for key in chosen.split(","):
            name = describe_key(key.strip())
            if name not in names:
                names.append(name)
    return [(" / ".join(names), what) for what, names in keys.items()]


def _section(title: str, rows: list[Row]) -> list[Text]:
    lines = [Text(title, style="bold")]
    for keys, what in rows:
        if cell_len(keys) < KEY_COLUMN:
            lines.append(Text("  " + keys + " " * (KEY_COLUMN - cell_len(keys)) + what))
        else:
            lines.append(Text("  " + keys))
            lines.append(Text("  " + " " * KEY_COLUMN + what))
    lines.append(Text(""))
    return lines


class HelpScreen(ModalScreen[None]):
    """Hashiya's keys: the screen beneath, everywhere, the other screens; Textual's last."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { background: $background 60%; }
    #help-title { height: 1; text-style: bold; background: $panel; padding: 0 1; }
    #help-keys { height: 1fr; border: round $primary; padding: 0 1; }
    #help-hint { height: 1; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, beneath: Screen[object]) -> None:
        super().__init__()
        self.beneath = beneath

    def _title_of(self, screen: Screen[object]) -> str:
        for title, cls, _ in _screens():
            if type(screen) is cls:
                return title
        return type(screen).__name__.removesuffix("Screen")

    def sections(self) -> list[tuple[str, list[Row]]]:
        """What the help shows, section by section (also for tests)."""
        keymap = cast("HashiyaApp", self.app).settings.keymap or {}
        here = self._title_of(self.beneath)
        app_own = _declared_by(type(self.app))
        mine: list[Binding] = []
        everywhere: list[Binding] = []
        builtin: list[Binding] = []
        for active in self.beneath.active_bindings.values():
            b = active.binding
            own = (b.action, b.description) in _declared_by(type(active.node))
            if (b.action, b.description) in app_own and active.node is self.app:
                everywhere.append(b)
            elif own:
                mine.append(b)
            elif b.action == "command_palette":
                everywhere.append(b)
            else:
                builtin.append(b)
        # The screen's own keys before those of the widget in focus (movement keys).
        mine.sort(key=lambda b: (b.action, b.description) not in _declared_by(type(self.beneath)))
        out = [(f"{here} (this screen)", _rows(mine, keymap))]
        out.append(("Everywhere", _rows(everywhere, keymap)))
        for title, cls, widgets in _screens():
            if title == here:
                continue
            out.append((title, _rows(_declared([cls, *widgets]), keymap)))
        out.append(("Built into Textual", _rows(builtin, keymap)))
        return [(title, rows) for title, rows in out if rows]

    def compose(self) -> ComposeResult:
        yield Static(f"Keys — {self._title_of(self.beneath)}", id="help-title")
        with VerticalScroll(id="help-keys"):
            lines: list[Text] = []
            for title, rows in self.sections():
                lines.extend(_section(title, rows))
            yield Static(Text("\n").join(lines), id="help-text")
        yield Static("↑ ↓ PgUp PgDn Home End: scroll · Esc, ? or q: close", id="help-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-keys", VerticalScroll).focus()
