"""The words the built-in suggesters look for: `cues.yaml` beside this module, plus the
reporting verbs a schema adds (`cues:`). Every word is kept in search's normalised form
(annotations/search/normalize.py), the one the matching runs on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from annotations.search.normalize import normalize_text


def fold(word: str) -> str:
    """A word as the matcher compares it (search's rules)."""
    return normalize_text(word.strip())


@dataclass(frozen=True)
class Lexicon:
    cues: dict[str, str | None]  # reporting verb form -> the claim type it hints at
    complementizers: frozenset[str]
    title_words: frozenset[str]
    ordinary_after: frozenset[str]
    ordinary_before: frozenset[str]
    cue_window: int
    min_quote_words: int

    def with_cues(self, extra: tuple[str, ...]) -> Lexicon:
        """This lexicon with a schema's own reporting verbs (no claim type hint)."""
        if not extra:
            return self
        cues = dict(self.cues)
        for word in extra:
            cues.setdefault(fold(word), None)
        return Lexicon(
            cues,
            self.complementizers,
            self.title_words,
            self.ordinary_after,
            self.ordinary_before,
            self.cue_window,
            self.min_quote_words,
        )


@cache
def bundled_lexicon() -> Lexicon:
    """The lexicon in annotations/suggest/cues.yaml, read once."""
    text = resources.files("annotations.suggest").joinpath("cues.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    cues: dict[str, str | None] = {}
    for verb in data["reporting_verbs"]:
        for form in verb["forms"]:
            cues[fold(form)] = verb.get("claim")
    return Lexicon(
        cues=cues,
        complementizers=frozenset(fold(w) for w in data["complementizers"]),
        title_words=frozenset(fold(w) for w in data["title_words"]),
        ordinary_after=frozenset(fold(w) for w in data["ordinary_after"]),
        ordinary_before=frozenset(fold(w) for w in data["ordinary_before"]),
        cue_window=int(data["cue_window"]),
        min_quote_words=int(data["min_quote_words"]),
    )
