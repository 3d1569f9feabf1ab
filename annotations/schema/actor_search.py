"""Finding actors by any of their names: the folding and the ranking behind
`LabelSchema.find_actors`."""

from __future__ import annotations

from dataclasses import dataclass

from annotations.search.normalize import normalize_text, tokenize


def normalize_for_search(text: str) -> str:
    """Text folded for matching names: search's normalisation (`annotations.search.normalize`,
    rules in docs/search.md), then its words joined by single spaces, so punctuation and
    runs of white space separate words and nothing else.

    One set of rules serves the full-text index and the actor finder: no harakat or tatweel,
    one alef, ي for ى, ه for ة, ASCII digits, Latin casefolded without accents, presentation
    forms folded back; ؤ and ئ keep their hamza.
    """
    folded = normalize_text(text)
    return " ".join(folded[start:end] for start, end in tokenize(folded))


def _without_articles(normalized: str) -> str:
    """Drop the article: ال at the start of a word, and a Latin `al`/`el` word before a name."""
    words = normalized.split()
    kept = []
    for index, word in enumerate(words):
        if word.startswith("\u0627\u0644") and len(word) > 3:
            kept.append(word[2:])
        elif word in ("al", "el") and index < len(words) - 1:
            continue
        else:
            kept.append(word)
    return " ".join(kept)


@dataclass(frozen=True)
class SearchKey:
    full: str  # normalized
    bare: str  # normalized, articles dropped


def search_key(text: str) -> SearchKey:
    full = normalize_for_search(text)
    return SearchKey(full, _without_articles(full))


def _subsequence_span(needle: str, haystack: str) -> int | None:
    """Length of the shortest-from-the-left window of `haystack` holding `needle` in order."""
    start = -1
    position = 0
    for char in needle:
        position = haystack.find(char, position)
        if position < 0:
            return None
        if start < 0:
            start = position
        position += 1
    return position - start


def match_rank(query: SearchKey, name: SearchKey) -> tuple[int, int] | None:
    """(tier, spread) of a name for a query, lower is better; None when it does not match.

    Tiers: 0 exact, 1 exact without articles, 2 prefix, 3 prefix of a later word,
    4 every query word starts a name word, 5 substring, 6 letters in order.
    """
    if query.full == name.full:
        return (0, 0)
    if query.bare == name.bare:
        return (1, 0)
    spread = abs(len(name.bare) - len(query.bare))
    if name.bare.startswith(query.bare) or name.full.startswith(query.full):
        return (2, spread)
    if f" {query.bare}" in f" {name.bare}" or f" {query.full}" in f" {name.full}":
        return (3, spread)
    name_words = name.bare.split() + name.full.split()
    if all(any(word.startswith(q) for word in name_words) for q in query.bare.split()):
        return (4, spread)
    if query.bare in name.bare or query.full in name.full:
        return (5, spread)
    letters = query.bare.replace(" ", "")
    if len(letters) >= 2:
        span = _subsequence_span(letters, name.bare.replace(" ", ""))
        if span is not None:
            return (6, span - len(letters))
    return None
