"""What every Hashiya screen shares: typed access to the app (its store and settings)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.screen import Screen
from textual.timer import Timer

if TYPE_CHECKING:
    from tui.app import HashiyaApp


class HashiyaScreen(Screen[None]):
    # How long a message ("saved", "nothing to undo") stays on the status line.
    MESSAGE_SECONDS: ClassVar[float] = 6.0
    message: str = ""
    _message_timer: Timer | None = None

    def set_message(self, text: str) -> None:
        """Show `text` on the status line until it expires (or the next message)."""
        self.message = text
        if self._message_timer is not None:
            self._message_timer.stop()
        self._message_timer = (
            self.set_timer(self.MESSAGE_SECONDS, self._expire_message) if text else None
        )

    def _expire_message(self) -> None:
        self.message = ""
        self._message_timer = None
        if self.is_mounted:
            self.show_status()

    def show_status(self) -> None:
        """Redraw the status line (screens with one override this)."""

    @property
    def hashiya(self) -> HashiyaApp:
        """The app, typed: `.store`, `.settings`, `.label_schema`, `.history`."""
        return cast("HashiyaApp", self.app)

    def data_changed(self) -> None:
        """Another process committed to the database: read again what this screen shows."""
