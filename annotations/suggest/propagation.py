"""Label propagation: once a passage is tagged, the same words elsewhere (in its article,
or on request in every article of the store) are suggested with the same labels."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from annotations.models import Passage
from annotations.suggest.actors import Gazetteer, Name, choose, name_words
from annotations.suggest.model import Suggestion, make_suggestion
from annotations.suggest.words import Words


def propagate(passages: Iterable[Passage], article_id: str, words: Words) -> list[Suggestion]:
    """Suggestions in one article (`words` of its stored text) for the words of each
    labelled passage, with its labels; never on a span a passage of the same annotator
    covers already, longest first."""
    passages = [p for p in passages if p.labels]
    out: list[Suggestion] = []
    for annotator in sorted({p.annotator for p in passages}):
        own = [p for p in passages if p.annotator == annotator]
        taken = [(p.start, p.end) for p in own if p.article_id == article_id]
        by_words: dict[tuple[str, ...], Passage] = {}
        for p in own:
            by_words.setdefault(name_words(p.text), p)
        names = [
            Name(w, str(i), p.text, source="propagation")
            for i, (w, p) in enumerate(by_words.items())
            if w
        ]
        sources = list(by_words.values())
        for mention in choose(Gazetteer(names).mentions(words)):
            start, end = words.span(mention.first, mention.last, mention.skip)
            if any(s < end and start < e for s, e in taken):
                continue
            passage = sources[int(mention.name.actor_id)]
            out.append(
                make_suggestion(
                    article_id,
                    words.text,
                    (start, end),
                    passage.labels,
                    "propagation",
                    f"same words as a passage by {annotator}",
                    annotator=annotator,
                )
            )
    return out


def propagate_in_articles(
    passages: Iterable[Passage], articles: Iterable[tuple[str, str]]
) -> Iterator[Suggestion]:
    """`propagate` over (article id, stored text) pairs: the corpus, through the store."""
    passages = list(passages)
    for article_id, text in articles:
        yield from propagate(passages, article_id, Words(text))
