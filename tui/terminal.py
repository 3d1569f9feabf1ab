"""Talking to the terminal around the app: the terminal BiDi mode.

Terminals that implement the terminal BiDi recommendation (GNOME Terminal/VTE)
reorder right-to-left text again unless told not to. In `--bidi app` mode Hashiya
lays out every line itself, so it switches them to explicit mode (`CSI 8 l`) at
start and restores implicit mode (`CSI 8 h`) on exit. Other terminals ignore both.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

BIDI_EXPLICIT = "\x1b[8l"  # BDSM reset: the terminal must not reorder
BIDI_IMPLICIT = "\x1b[8h"  # BDSM set: the terminal's default implicit mode


def _for_outer_terminal(sequence: str) -> str:
    """Inside tmux, also pass the sequence through to the terminal tmux runs in (tmux
    itself ignores it; `set -g allow-passthrough on` lets this copy through)."""
    if os.environ.get("TMUX"):
        return sequence + "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return sequence


@contextmanager
def explicit_bidi(enabled: bool, stream: TextIO | None = None) -> Iterator[None]:
    """Within the block, terminals that do bidi themselves leave our lines alone."""
    out = stream or sys.__stdout__
    active = enabled and out is not None and out.isatty()
    if active and out is not None:
        out.write(_for_outer_terminal(BIDI_EXPLICIT))
        out.flush()
    try:
        yield
    finally:
        if active and out is not None:
            out.write(_for_outer_terminal(BIDI_IMPLICIT))
            out.flush()
