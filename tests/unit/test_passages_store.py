"""Passages in the store: saves with audit rows, undo/redo, stale quotes, status."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from annotations.articles import make_article
from annotations.history import Change, History
from annotations.models import Article, Passage
from annotations.store import Store, StoreError, UserActor

TEXT = "قال مصدر أمني إن قوات (قسد) انسحبت عام 2024 من Google LLC.\n"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "p.db")


@pytest.fixture
def article(store: Store) -> Article:
    a = make_article(TEXT)
    store.add_articles([a])
    return a


def passage(article: Article, start: int, end: int, **attrs: str) -> Passage:
    return Passage(
        id=str(uuid.uuid4()),
        article_id=article.id,
        start=start,
        end=end,
        text=article.text[start:end],
        annotator=attrs.pop("annotator", "sara"),
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z",
        **attrs,
    )


def test_add_update_delete_leave_an_audit_trail(store: Store, article: Article) -> None:
    p = passage(article, 4, 13, actor="security_source", claim_type="factual_report")
    store.add_passage(p)
    assert store.passages(article.id) == [p]
    assert store.status(article.id, "sara") == "in_progress"
    edited = replace(p, stance="neutral")
    store.update_passage(edited)
    assert store.passage(p.id) == edited
    store.delete_passage(p.id, by="sara")
    assert store.passages(article.id) == []
    trail = store.audit_trail(p.id)
    assert [t["action"] for t in trail] == ["create", "update", "delete"]
    assert trail[0]["before"] is None and trail[2]["after"] is None


def test_invalid_offsets_are_refused_by_the_database(store: Store, article: Article) -> None:
    bad = replace(passage(article, 4, 13), start=13, end=4)
    with pytest.raises(Exception, match="CHECK"):
        store.add_passage(bad)
    assert store.passages(article.id) == []


def test_undo_redo_create_edit_delete(store: Store, article: Article) -> None:
    history = History(store, "sara")
    p = passage(article, 0, 3)
    store.add_passage(p)
    history.record(Change(None, p))
    edited = replace(p, claim_type="statistic")
    store.update_passage(edited)
    history.record(Change(p, edited))
    store.delete_passage(p.id, by="sara")
    history.record(Change(edited, None))

    history.undo()  # the delete
    assert store.passage(p.id) == edited
    history.undo()  # the edit
    assert store.passage(p.id) == p
    history.undo()  # the create
    assert store.passage(p.id) is None
    assert history.undo() is None
    history.redo()
    history.redo()
    assert store.passage(p.id) == edited
    actions = [t["action"] for t in store.audit_trail(p.id)]
    assert actions == ["create", "update", "delete", "undo", "undo", "undo", "redo", "redo"]


def test_stale_passages_are_found_not_moved(store: Store, article: Article) -> None:
    good = passage(article, 0, 3)
    stale = replace(passage(article, 4, 7), text="شيء آخر")
    store.add_passage(good)
    store.add_passage(stale)
    found = list(store.stale_passages())
    assert [(p.id, actual) for p, actual in found] == [(stale.id, article.text[4:7])]
    assert store.passage(stale.id) == stale


def test_user_actors_and_status(store: Store, article: Article) -> None:
    assert store.add_actor(UserActor("new_mp", "نائب", "An MP", ("عضو البرلمان",), "sara"))
    assert not store.add_actor(UserActor("new_mp", "x", "y"))
    assert [a.id for a in store.user_actors()] == ["new_mp"]
    assert store.user_actors()[0].aliases == ("عضو البرلمان",)
    store.set_status(article.id, "sara", "done")
    assert store.status(article.id, "sara") == "done"
    assert store.status(article.id, "omar") == "todo"
    with pytest.raises(StoreError):
        store.set_status(article.id, "sara", "finished")
