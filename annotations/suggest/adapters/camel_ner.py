"""An example suggester over CAMeL Tools' Arabic NER (`pip install camel-tools`, then
`camel_data -i ner-arabert`): organisations and people it finds become actor suggestions
when their text is one of an actor's names (search's spelling rules), with no actor
otherwise. Registered as the entry point `camel-ner`; without CAMeL Tools installed it
reports itself unavailable and nothing else changes.

It is also the pattern for other models: a class with `suggest(article, schema)`
returning `Suggestion`s in stored-text offsets (code points, half-open).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from annotations.models import Article
from annotations.schema import LabelSchema, normalize_for_search
from annotations.suggest.model import Suggestion
from annotations.suggest.plugins import SuggesterUnavailable

_KINDS = ("ORG", "PERS")


class CamelNer:
    def __init__(self) -> None:
        try:
            from camel_tools.ner import NERecognizer
            from camel_tools.tokenizers.word import (
                simple_word_tokenize,
            )
        except ImportError:
            raise SuggesterUnavailable("camel-tools is not installed") from None
        try:
            self._ner: Any = NERecognizer.pretrained()
        except Exception as exc:  # the model is a separate download
            raise SuggesterUnavailable(f"no CAMeL NER model ({exc})") from None
        self._tokenize = simple_word_tokenize

    def suggest(self, article: Article, schema: LabelSchema) -> Iterator[Suggestion]:
        names = {
            normalize_for_search(name): actor.id for actor in schema.actors for name in actor.names
        }
        for start, end in article.paragraphs:
            yield from self._paragraph(article, schema, start, end, names)

    def _paragraph(
        self, article: Article, schema: LabelSchema, start: int, end: int, names: dict[str, str]
    ) -> Iterator[Suggestion]:
        text = article.text
        tokens = self._tokenize(text[start:end])
        tags = self._ner.predict_sentence(tokens)
        spans: list[tuple[int, int]] = []
        cursor = start
        for token in tokens:  # the tokenizer keeps every character of a token
            at = text.find(token, cursor, end)
            spans.append((at, at + len(token)))
            cursor = at + len(token)
        entity: list[int] = []
        for index, tag in enumerate([*tags, "O"]):
            inside = tag.startswith("I-") and entity
            if entity and not inside:
                s, e = spans[entity[0]][0], spans[entity[-1]][1]
                actor = names.get(normalize_for_search(text[s:e]))
                labels = {"actor": actor} if actor else {}
                yield Suggestion(article.id, s, e, text[s:e], labels, "", None, "CAMeL NER")  # type: ignore[arg-type]
                entity = []
            if tag[2:] in _KINDS and tag.startswith("B-"):
                entity = [index]
            elif inside:
                entity.append(index)
