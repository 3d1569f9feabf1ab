"""Keys typed ahead of a screen change reach the screen on top after it, in the order typed.

Textual gives each key to the focused widget of the top screen, and a screen opens in
steps: pushed at once, composed, mounted and focused later. A key that arrives in between
finds a screen with nothing focused and is lost; a key that arrived just before the push
was already sent to the old screen's widget and comes back to the app unhandled, too
late for the old screen's bindings. `TypeAheadApp.typed_ahead()` holds both kinds from
the screen change until the new top screen has worked through what was queued for it
(its mount and focus, or the result callback of a dialog that closed), then replays
them in the order typed.

It is done here and not by each screen, because only the app sees every key in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field

from textual import events
from textual.app import App
from textual.message import Message
from textual.timer import Timer

# A hold that never ends would swallow every key; this ends one if a screen never
# settles (it always does, long before; this is a guard, not a wait).
HOLD_LIMIT = 5.0


@dataclass(eq=False)
class _Hold:
    waiting: set[str]
    early: list[events.Key] = field(default_factory=list)  # sent before the change, back now
    typed: list[events.Key] = field(default_factory=list)  # arrived after the change
    timer: Timer | None = None


class _ReturnedKey(events.Key):
    """A key a closed screen got after it closed, given back to the app."""


class TypeAheadApp(App[None]):
    """An app whose screen changes keep the keys typed ahead of them."""

    class KeysDrained(Message):
        """Sent to the widget keys went to: it reaches the app after every key sent before."""

        def __init__(self, hold: _Hold) -> None:
            super().__init__()
            self.hold = hold

    def __init__(self) -> None:
        super().__init__()
        self._hold: _Hold | None = None
        # Keys being replayed; keys typed meanwhile queue behind them, in order.
        self._replaying: list[events.Key] | None = None

    @contextmanager
    def typed_ahead(self, *, drain: bool = True) -> Iterator[None]:
        """Around a screen change (push, dismiss): keys typed from now reach the screen on
        top afterwards, in order.

        `drain`: also wait for keys already sent to the focused widget to come back (when
        it stays mounted: pushing a screen over it). A closing dialog gives its keys back
        with `give_back` instead.
        """
        hold = _Hold({"settled", "drained"} if drain else {"settled"})
        previous = self._hold
        if previous is not None:  # a change during a change: its keys wait for this one
            hold.early = [*previous.early, *previous.typed]
            if previous.timer is not None:
                previous.timer.stop()
        if drain:
            (self.focused or self.screen).post_message(self.KeysDrained(hold))
        self._hold = hold
        try:
            yield
        except BaseException:
            self._hold = None
            raise
        # The new top screen runs this after everything queued for it before: compose,
        # mount and focus for a pushed screen; the result callback for the one below a
        # closed dialog. Then the app's queue runs the release, after the focus change.
        self.screen.call_later(self.call_later, self._settle, hold, "settled")
        hold.timer = self.set_timer(HOLD_LIMIT, lambda: self._settle(hold, *hold.waiting))

    def give_back(self, key: events.Key) -> None:
        """A key that reached a screen after it closed: to the screen on top now, in turn."""
        self.post_message(_ReturnedKey(key.key, key.character))

    async def on_event(self, event: events.Event) -> None:
        hold = self._hold
        if hold is not None and isinstance(event, events.Key):
            # A forwarded key is one sent before the change that came back unhandled.
            early = event.is_forwarded or isinstance(event, _ReturnedKey)
            (hold.early if early else hold.typed).append(event)
            return
        if self._replaying is not None and isinstance(event, events.Key):
            self._replaying.append(event)  # typed during a replay: after the replayed keys
            return
        await super().on_event(event)

    def on_type_ahead_app_keys_drained(self, message: KeysDrained) -> None:
        self._settle(message.hold, "drained")

    def _settle(self, hold: _Hold, *conditions: str) -> None:
        hold.waiting.difference_update(conditions)
        if hold.waiting or self._hold is not hold:
            return
        self._hold = None
        if hold.timer is not None:
            hold.timer.stop()
        keys = [*hold.early, *hold.typed]
        if keys:
            # from now until the replay has run, new keys queue behind the held ones
            if self._replaying is not None:
                self._replaying.extend(keys)
                return
            self._replaying = keys
            self.call_next(self._replay)

    async def _replay(self) -> None:
        queue = self._replaying
        if queue is None:
            return
        try:
            while queue:
                if self._hold is not None:  # a replayed key changed screens again
                    self._hold.typed.extend(queue)
                    return
                key = queue.pop(0)
                # As if typed now: app bindings first, then the focused widget on top.
                await super().on_event(events.Key(key.key, key.character))
        finally:
            self._replaying = None


def typed_ahead(app: App[object], *, drain: bool = True) -> AbstractContextManager[None]:
    """`app.typed_ahead(drain=...)` when the app keeps keys across screen changes."""
    if isinstance(app, TypeAheadApp):
        return app.typed_ahead(drain=drain)
    return nullcontext()


def give_back(app: App[object], key: events.Key) -> None:
    """`app.give_back(key)` when the app keeps keys across screen changes."""
    if isinstance(app, TypeAheadApp):
        app.give_back(key)
