"""Suggesters from other packages: the entry point group `hashiya.suggesters`.

An entry point names an object with a `suggest(article, schema)` method (or a class
or factory making one with no arguments) that returns `Suggestion`s for an `Article`; its entry
point name is the source its suggestions carry. A package that needs a model the user
has not installed raises `SuggesterUnavailable` when loaded: it is listed as unavailable,
never an error. `annotations/suggest/adapters/` holds the documented example.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from annotations.models import Article
from annotations.schema import LabelSchema
from annotations.suggest.model import BUILT_IN_SOURCES, Suggestion

GROUP = "hashiya.suggesters"


class SuggesterUnavailable(Exception):
    """Raised by a suggester whose package or model is not installed here."""


@runtime_checkable
class Suggester(Protocol):
    """What an external suggester provides."""

    def suggest(self, article: Article, schema: LabelSchema) -> Iterable[Suggestion]: ...


@dataclass(frozen=True)
class Plugin:
    name: str
    suggester: Suggester | None  # None: unavailable
    problem: str = ""  # why it is unavailable, in one line

    def run(self, article: Article, schema: LabelSchema) -> list[Suggestion]:
        """Its suggestions on `article`, checked: on the article, inside its text, the
        quoted text exact, labelled with this plugin's name."""
        if self.suggester is None:
            return []
        out: list[Suggestion] = []
        for s in self.suggester.suggest(article, schema):
            if not 0 <= s.start < s.end <= len(article.text):
                continue
            out.append(
                replace(
                    s,
                    article_id=article.id,
                    text=article.text[s.start : s.end],
                    source=self.name,
                )
            )
        return out


def load_plugins() -> list[Plugin]:
    """Every suggester installed in the group, available or not, by name."""
    plugins: list[Plugin] = []
    for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        if entry.name in BUILT_IN_SOURCES:
            plugins.append(Plugin(entry.name, None, "the name of a built-in suggester"))
            continue
        try:
            obj = entry.load()
            # an object with suggest(), or a class or factory that makes one
            suggester = obj if hasattr(obj, "suggest") and not isinstance(obj, type) else obj()
        except SuggesterUnavailable as exc:
            plugins.append(Plugin(entry.name, None, str(exc) or "not available"))
            continue
        except Exception as exc:  # a broken plugin must not stop the built-in ones
            plugins.append(Plugin(entry.name, None, f"cannot load: {type(exc).__name__}: {exc}"))
            continue
        if not isinstance(suggester, Suggester):
            plugins.append(Plugin(entry.name, None, "has no suggest(article, schema) method"))
            continue
        plugins.append(Plugin(entry.name, suggester))
    return plugins
