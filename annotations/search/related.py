"""Passages by relation: the contents attributed to an actor (`search --related-to`).

A content is attributed to an actor when its attribution frame (`annotations.relations.
frames`: the content, its `part_of` pieces, the sources it is `said_by`) has a source
that is the actor's: the source's actor attribute holds the actor, or, where the source
has no actor label, its words are one of the actor's names or aliases (matched as the
schema's actor search matches a name exactly: spelling, harakat and the article ال
aside). Every piece of such a frame's content is a hit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from annotations.schema.actor_search import match_rank, search_key

if TYPE_CHECKING:
    from annotations.models import Passage, Relation
    from annotations.schema import Actor, LabelSchema
    from annotations.store import Store

# match_rank tiers that name an actor outright: the exact name, or without the article.
_EXACT_TIERS = 1


class ActorNotFound(ValueError):
    """No actor, or more than one, answers to what was given (the message says which)."""


def names_actor(actor: Actor, text: str) -> bool:
    """Whether `text` is one of the actor's names or aliases (or its id), folded as the
    actor search folds them."""
    query = search_key(text)
    if not query.full:
        return False
    for name in (*actor.names, actor.id):
        rank = match_rank(query, search_key(name)) if name.strip() else None
        if rank is not None and rank[0] <= _EXACT_TIERS:
            return True
    return False


def resolve_actor(schema: LabelSchema, given: str) -> Actor:
    """The actor `given` names: its id, else the one actor the schema's actor search puts
    first with an exact match of a name or alias (or the only one it finds at all).
    ActorNotFound (one line) when there is none or the name is shared."""
    found = schema.actor(given)
    if found is not None:
        return found
    candidates = schema.find_actors(given)
    if not candidates:
        raise ActorNotFound(f"no actor '{given}' in schema {schema.name} (by id, name or alias)")
    exact = [a for a in candidates if names_actor(a, given)]
    if len(exact) == 1 or (not exact and len(candidates) == 1):
        return (exact or candidates)[0]
    listed = ", ".join(a.id for a in (exact or candidates)[:6])
    raise ActorNotFound(f"'{given}' names several actors ({listed}): give an id")


def _actor_values(schema: LabelSchema, source: Passage) -> set[str]:
    values: set[str] = set()
    for attribute in schema.attributes_of(source.kind):
        if attribute.type != "actor":
            continue
        value = source.labels.get(attribute.id)
        if isinstance(value, list):
            values.update(value)
        elif isinstance(value, str):
            values.add(value)
    return values


def is_actors_source(schema: LabelSchema, source: Passage, actors: Collection[Actor]) -> bool:
    """Whether a source passage stands for one of `actors`: by its actor label, or (with
    none) by its words."""
    labelled = _actor_values(schema, source)
    if labelled:
        return any(a.id in labelled for a in actors)
    return any(names_actor(a, source.text) for a in actors)


def related_passage_ids(
    store: Store,
    schema: LabelSchema,
    actors: Iterable[Actor],
    *,
    annotator: str | None = None,
    article_id: str | None = None,
) -> set[str]:
    """Ids of the content passages attributed to any of `actors` (see the module
    docstring), by `annotator` and in `article_id` when given."""
    from annotations.relations import frames

    wanted = list(actors)
    by_article: dict[str, dict[str, list[Relation]]] = {}
    for r in store.all_relations([annotator] if annotator else None):
        if article_id is None or r.article_id == article_id:
            by_article.setdefault(r.article_id, {}).setdefault(r.annotator, []).append(r)
    found: set[str] = set()
    for art, by_annotator in by_article.items():
        passages: dict[str, list[Passage]] = {}
        for p in store.passages(art):
            passages.setdefault(p.annotator, []).append(p)
        for name, relations in by_annotator.items():
            for frame in frames(schema, passages.get(name, []), relations):
                if any(is_actors_source(schema, s, wanted) for s in frame.sources):
                    found.update(p.id for p in frame.contents)
    return found
