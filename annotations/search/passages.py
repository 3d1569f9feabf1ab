"""Passage search: passages by label (actor, claim type, stance, annotator) and by words
of their quoted text or note, Arabic-normalised like the article search.

The store filters the labels (`Store.search_passage_rows`); the words are matched here,
in Python, on `normalize_text` of each quote and note: passages are short and few next
to articles, so they need no index. See docs/search.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotations.models import Passage
from annotations.search.index import QueryTerm, parse_query
from annotations.search.normalize import normalize, normalize_text

if TYPE_CHECKING:
    from annotations.schema import Actor, LabelSchema
    from annotations.store import Store

__all__ = ["PassageHit", "search_passages"]


@dataclass(frozen=True)
class PassageHit:
    """One passage that matched, with where the query's words are in it."""

    passage: Passage
    article_title: str
    # Matches in the quoted text (relative to `passage.text`) and in the note, in order.
    text_spans: tuple[tuple[int, int], ...] = ()
    note_spans: tuple[tuple[int, int], ...] = ()


def _term_patterns(terms: list[QueryTerm]) -> list[re.Pattern[str]]:
    return [re.compile(term.pattern()) for term in terms]


def _any_term(terms: list[QueryTerm]) -> re.Pattern[str]:
    # Longer terms first, as in the article search: a phrase wins over its first word.
    ordered = sorted(terms, key=lambda t: (-len(t.tokens), -sum(map(len, t.tokens))))
    return re.compile("|".join(term.pattern() for term in ordered))


def _spans(matcher: re.Pattern[str], text: str) -> tuple[tuple[int, int], ...]:
    normalised = normalize(text)
    return tuple(normalised.span_to_original(*m.span()) for m in matcher.finditer(normalised.text))


def search_passages(
    store: Store,
    query: str = "",
    *,
    actor: str | None = None,
    claim_type: str | None = None,
    stance: str | None = None,
    labels: Sequence[tuple[str, Any]] = (),
    annotator: str | None = None,
    article_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
    prefix_last: bool = True,
    related_to: Sequence[Actor] | None = None,
    schema: LabelSchema | None = None,
) -> list[PassageHit]:
    """Passages with these labels whose quoted text or note has every word of `query`.

    `labels` are (attribute, value) filters on any attribute, all of which must hold (a
    multi-valued attribute: its list holds the value); `actor`, `claim_type` and
    `stance` are the same for those three. The label filters are exact ids (None: any). `query` has the article search's syntax
    (`annotations.search.parse_query`: words, "phrases", the last word a prefix while
    typed unless `prefix_last` is false); each term must be in the quote or in the note.
    An empty query matches every passage with the labels; a query with no words at all
    (punctuation only) matches none. `related_to` keeps the contents attributed to one
    of these actors (`annotations.search.related`; `schema` gives the kinds and frames,
    default the bundled one). Passages come in article import order, then by offset.
    `limit` and `offset` page through the matches.
    """
    if limit <= 0:
        return []
    terms = parse_query(query, prefix_last=prefix_last) if query.strip() else []
    if query.strip() and not terms:
        return []
    filters = [
        (attribute, value)
        for attribute, value in (("actor", actor), ("claim_type", claim_type), ("stance", stance))
        if value is not None
    ]
    filters.extend(labels)
    offset = max(0, offset)
    related: set[str] | None = None
    if related_to is not None:
        from annotations.schema import default_schema
        from annotations.search.related import related_passage_ids

        related = related_passage_ids(
            store,
            schema or default_schema(),
            related_to,
            annotator=annotator,
            article_id=article_id,
        )
        if not related:
            return []
    if not terms and related is None:  # the labels alone: SQLite pages
        rows = store.search_passage_rows(filters, annotator, article_id, limit, offset)
        return [PassageHit(passage, title) for passage, title in rows]

    patterns = _term_patterns(terms)
    matcher = _any_term(terms) if terms else None
    hits: list[PassageHit] = []
    skipped = 0
    found = store.search_passage_rows(filters, annotator, article_id)
    try:
        for passage, title in found:
            if related is not None and passage.id not in related:
                continue
            quote = normalize_text(passage.text or "")
            note = normalize_text(passage.note or "")
            if not all(p.search(quote) or p.search(note) for p in patterns):
                continue
            if skipped < offset:
                skipped += 1
                continue
            hits.append(
                PassageHit(
                    passage,
                    title,
                    text_spans=_spans(matcher, passage.text or "") if matcher else (),
                    note_spans=_spans(matcher, passage.note or "") if matcher else (),
                )
            )
            if len(hits) >= limit:
                break
    finally:
        found.close()
    return hits
