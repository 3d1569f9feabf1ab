"""Store decisions on suggestions: accepting several at once, undo and redo of each."""

from __future__ import annotations

from pathlib import Path

from annotations.seeds import import_seeds_if_empty
from annotations.store import Store
from annotations.suggest import Suggestion
from annotations.suggest.decisions import SuggestionDecision
from tests.support.corpus import SEED_ID


def offer(store: Store, *spans: tuple[int, int, str]) -> list[str]:
    article = store.get_article(SEED_ID)
    assert article is not None
    made = [
        Suggestion(SEED_ID, s, e, article.text[s:e], {"stance": stance}, "actors")
        for s, e, stance in spans
    ]
    store.add_suggestions(made)
    return [o.id for o in store.open_suggestions(SEED_ID, "sara")]


def test_accepting_several_skips_a_span_taken_and_one_decided_meanwhile(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db") as store:
        import_seeds_if_empty(store)
        # the same words from two sources with different labels, and a third span
        ids = offer(store, (0, 8, "neutral"), (0, 8, "critical"), (56, 80, "neutral"))
        assert len(ids) == 3
        store.reject_suggestion(ids[2], "sara")  # decided in another terminal
        accepted = store.accept_suggestions(ids, "sara")
        assert [sid for sid, _ in accepted] == [ids[0]]
        assert [(p.start, p.end) for p in store.passages(SEED_ID, "sara")] == [(0, 8)]
        assert store.suggestion(ids[1]).status == "open"  # type: ignore[union-attr]


def test_undo_and_redo_of_an_accept_and_a_reject(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db") as store:
        import_seeds_if_empty(store)
        ids = offer(store, (0, 8, "neutral"), (56, 80, "neutral"))
        accepted = store.accept_suggestions(ids[:1], "sara")
        change = SuggestionDecision.accepted(accepted)
        inverse = change.revert(store, "sara", "undo")
        assert store.passages(SEED_ID, "sara") == []
        assert [s.id for s in store.open_suggestions(SEED_ID, "sara")][:1] != []
        inverse.revert(store, "sara", "redo")
        (passage,) = store.passages(SEED_ID, "sara")
        assert passage.id == accepted[0][1].id  # the same passage again
        trail = [(t["action"], t["suggested_by"]) for t in store.audit_trail(passage.id)]
        assert trail == [("create", "actors"), ("undo", None), ("redo", "actors")]
        store.reject_suggestion(ids[1], "sara")
        rejected = SuggestionDecision.rejected(ids[1])
        back = rejected.revert(store, "sara", "undo")
        assert any(s.start == 56 for s in store.open_suggestions(SEED_ID, "sara"))
        back.revert(store, "sara", "redo")
        assert not any(s.start == 56 for s in store.open_suggestions(SEED_ID, "sara"))
