"""What a keymap in the config may name: the app's binding ids and the keys Textual reads.

Textual's `set_keymap` ignores an id no binding has and a key name no key sends, so a
typo in the config would silently leave a key unbound; the app checks first.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import REPLACED_KEYS, Keys, key_to_character

import tui.screens
import tui.widgets

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
# Names Textual gives keys that send no character (escape, f1, pageup, ...).
NAMED_KEYS = frozenset(
    key.value.rpartition("+")[2] for key in Keys if not key.value.startswith("<")
)


@cache
def binding_ids() -> frozenset[str]:
    """The id of every binding the app's screens and widgets (and Textual's own) declare."""
    importlib.import_module("tui.app")
    for package in (tui.screens, tui.widgets):  # screens the app imports only when opened
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    ids: set[str] = set()
    pending: list[type] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        for binding in vars(cls).get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return frozenset(ids)


def key_problem(keys: str) -> str | None:
    """Why `keys` ("ctrl+s", "enter,t") names no key Textual can read, or None."""
    for key in keys.split(","):
        key = key.strip()
        if not key:
            return f"{keys!r} has an empty key (keys are separated by commas)"
        if len(key) == 1:
            if not key.isprintable():
                return f"{key!r} is not a key"
            continue
        *modifiers, name = key.split("+")
        unknown = [m for m in modifiers if m not in MODIFIERS]
        if unknown:
            return f"{unknown[0]!r} in {key!r} is not a modifier (one of {', '.join(sorted(MODIFIERS))})"
        if not _is_key_name(name):
            where = "" if name == key else f" in {key!r}"
            return f"{name!r}{where} is not a key name (keys are like t, ctrl+s, enter, f2, question_mark)"
    return None


def _is_key_name(name: str) -> bool:
    """A name Textual gives a key: one character, a named key, or a character's name
    as Textual spells it (question_mark, full_stop, plus)."""
    if len(name) == 1:
        return name.isprintable()
    if name in NAMED_KEYS:
        return True
    # Textual's names are lower case; key_to_character would take upper case too.
    return name.islower() and key_to_character(REPLACED_KEYS.get(name, name)) is not None
