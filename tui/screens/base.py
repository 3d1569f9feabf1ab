"""What every Hashiya screen shares: typed access to the app (its store and settings)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from tui.app import HashiyaApp


class HashiyaScreen(Screen[None]):
    @property
    def hashiya(self) -> HashiyaApp:
        """The app, typed: `.store`, `.settings`, `.label_schema`, `.history`."""
        return cast("HashiyaApp", self.app)

    def data_changed(self) -> None:
        """Another process committed to the database: read again what this screen shows."""
