"""The terminal BiDi mode switch around the app (CSI 8 l / CSI 8 h)."""

from __future__ import annotations

import io

import pytest

from tui.terminal import BIDI_EXPLICIT, BIDI_IMPLICIT, explicit_bidi


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_explicit_mode_is_set_then_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    out = FakeTerminal()
    with explicit_bidi(True, out):
        out.write("<app>")
    assert out.getvalue() == BIDI_EXPLICIT + "<app>" + BIDI_IMPLICIT


def test_restored_even_when_the_app_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    out = FakeTerminal()
    with pytest.raises(RuntimeError), explicit_bidi(True, out):
        raise RuntimeError("crash")
    assert out.getvalue().endswith(BIDI_IMPLICIT)


def test_nothing_is_sent_in_terminal_mode_or_to_a_pipe() -> None:
    out = FakeTerminal()
    with explicit_bidi(False, out):
        pass
    pipe = io.StringIO()
    with explicit_bidi(True, pipe):
        pass
    assert out.getvalue() == "" and pipe.getvalue() == ""


def test_inside_tmux_the_outer_terminal_is_told_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    out = FakeTerminal()
    with explicit_bidi(True, out):
        pass
    assert out.getvalue().startswith(BIDI_EXPLICIT + "\x1bPtmux;\x1b\x1b[8l\x1b\\")
