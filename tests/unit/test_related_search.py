"""Finding the actor `--related-to` names, and when a source stands for it."""

from __future__ import annotations

import pytest

from annotations.models import Passage
from annotations.schema import Actor, default_schema
from annotations.search.related import ActorNotFound, is_actors_source, resolve_actor

SCHEMA = default_schema()


def test_an_actor_by_id_name_alias_or_a_unique_partial_name() -> None:
    assert resolve_actor(SCHEMA, "asayish").id == "asayish"
    assert resolve_actor(SCHEMA, "الآسايش").id == "asayish"  # its Arabic name
    assert resolve_actor(SCHEMA, "جهاز الامن العام").id == "asayish"  # an alias, no hamza
    assert resolve_actor(SCHEMA, "Asayish").id == "asayish"  # an alias's word


def test_a_shared_name_or_no_match_is_one_line() -> None:
    twin = SCHEMA.with_extra_actors([Actor("isis_media", "داعش", "ISIS media")])
    with pytest.raises(ActorNotFound, match=r"names several actors \(isis, isis_media\)"):
        resolve_actor(twin, "داعش")
    with pytest.raises(ActorNotFound, match="no actor 'zzzz'"):
        resolve_actor(SCHEMA, "zzzz")


def source(text: str, actor: str | None = None) -> Passage:
    return Passage(
        "s", "art", 0, len(text), text, "omar", {"actor": actor} if actor else {}, kind="source"
    )


def test_a_source_is_the_actors_by_label_or_by_its_words() -> None:
    asayish = resolve_actor(SCHEMA, "asayish")
    assert is_actors_source(SCHEMA, source("الأمن", "asayish"), [asayish])
    # A label says who it is, whatever the words.
    assert not is_actors_source(SCHEMA, source("جهاز الأمن العام", "krg"), [asayish])
    # No label: the words must be one of its names (the article and spelling aside).
    assert is_actors_source(SCHEMA, source("جهاز الامن العام"), [asayish])
    assert not is_actors_source(SCHEMA, source("جهاز الأمن"), [asayish])
