"""Starting the app: no cycle collection until its first frame is drawn.

Importing Textual and the app and drawing the first frame make objects that live as
long as the app (modules, classes, functions, styles); the cycle collector, which runs
every few hundred allocations, walks them again and again and finds nothing to free:
about a twentieth of the start-up's CPU time. So the command that starts the app holds
collection before it imports it (`hold_collection`), and once the first frame is drawn
the app moves everything alive into the permanent generation, which later collections
never walk, and lets collection run again (`release_collection`).
"""

from __future__ import annotations

import gc

_held = False


def hold_collection() -> None:
    """No automatic cycle collection until `release_collection`."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release_collection() -> None:
    """Freeze what is alive (start-up's objects) and collect again, if held."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
