"""Offline suggestions: passages Hashiya proposes and an annotator accepts or rejects.

Built-in suggesters need no download: actor mentions (`actors`: every name and alias,
with Arabic clitics and search's spelling rules, ambiguous names only in context; `gold`:
the surface forms of gold passages), claims (`cues`: what a reporting verb introduces;
`quotes`: quotations) and propagation (`propagation`: the words of a tagged passage
elsewhere). Other packages add suggesters through the `hashiya.suggesters` entry point
group (`plugins`). Suggestions live in their own table (`Store.add_suggestions`) and are
never annotations until accepted. docs/suggestions.md says what each one does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from annotations.models import Article, Passage
from annotations.schema import LabelSchema
from annotations.suggest.actors import Gazetteer, actor_mentions, gold_forms, suggest_actors
from annotations.suggest.claims import suggest_claims
from annotations.suggest.lexicon import Lexicon, bundled_lexicon
from annotations.suggest.model import (
    BUILT_IN_SOURCES,
    CLAIM_SOURCES,
    Suggestion,
    make_suggestion,
)
from annotations.suggest.plugins import GROUP, Plugin, Suggester, SuggesterUnavailable, load_plugins
from annotations.suggest.propagation import propagate, propagate_in_articles
from annotations.suggest.words import Words

__all__ = [
    "BUILT_IN_SOURCES",
    "CLAIM_SOURCES",
    "GROUP",
    "Gazetteer",
    "Lexicon",
    "Plugin",
    "Suggester",
    "SuggesterUnavailable",
    "Suggesters",
    "Suggestion",
    "Words",
    "bundled_lexicon",
    "gold_forms",
    "load_plugins",
    "make_suggestion",
    "propagate",
    "propagate_in_articles",
]


class Suggesters:
    """The built-in suggesters set up for one schema (and the gold layer's names), with
    any plugins: `suggest(article)` runs those `sources` names."""

    def __init__(
        self,
        schema: LabelSchema,
        *,
        gold: Iterable[object] = (),
        plugins: Sequence[Plugin] = (),
        lexicon: Lexicon | None = None,
    ) -> None:
        self.schema = schema
        self.lexicon = (lexicon or bundled_lexicon()).with_cues(schema.cues)
        self.gazetteer = Gazetteer.of(schema, gold_forms(gold))
        self.plugins = {p.name: p for p in plugins}

    @property
    def sources(self) -> tuple[str, ...]:
        return (*BUILT_IN_SOURCES, *self.plugins)

    def suggest(
        self,
        article: Article,
        sources: Iterable[str] = BUILT_IN_SOURCES,
        passages: Iterable[Passage] = (),
    ) -> list[Suggestion]:
        """Suggestions on one article, by start, then end, then source; one per span
        and labels (the first source wins). `passages`: the labelled passages that
        propagation spreads (any annotator's; each annotator's own spans are skipped)."""
        wanted = set(sources)
        words = Words(article.text)
        found: list[Suggestion] = []
        named = actor_mentions(words, self.gazetteer, self.lexicon)
        mentions = [m for m, _ in named]
        if wanted & {"actors", "gold"}:
            found += [
                s
                for s in suggest_actors(
                    article.id, words, self.schema, self.gazetteer, self.lexicon, named
                )
                if s.source in wanted
            ]
        if wanted & {"cues", "quotes"}:
            chosen = tuple(s for s in ("cues", "quotes") if s in wanted)
            found += suggest_claims(article.id, words, self.schema, mentions, self.lexicon, chosen)
        if "propagation" in wanted:
            found += propagate(passages, article.id, words)
        for name, plugin in self.plugins.items():
            if name in wanted:
                found += plugin.run(article, self.schema)
        unique: dict[object, Suggestion] = {}
        for s in found:
            unique.setdefault(s.key, s)
        return sorted(unique.values(), key=lambda s: (s.start, s.end, s.source))
