"""A saved passage survives its writer's death (SIGKILL at random moments, a hundred times)."""

from __future__ import annotations

import dataclasses
import os
import random
import signal
import sqlite3
from pathlib import Path

import pytest

from annotations.articles import make_article
from annotations.store import Store
from tests.support.processes import TEXT, fork, passage

KILLS = 100


@pytest.fixture
def db(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "team.db"
    article = make_article(TEXT)
    with Store(path) as store:
        store.add_articles([article])
    return path, article.id


def test_a_writer_killed_at_random_moments_loses_no_reported_passage(
    db: tuple[Path, str],
) -> None:
    path, article_id = db
    chance = random.Random(12)
    reported: set[str] = set()
    updated: set[str] = set()
    for round_ in range(KILLS):
        who = f"w{round_}"

        def write(store: Store, report: object, who: str = who) -> None:
            i = 0
            while True:
                p = passage(article_id, who, i)
                store.add_passage(p)
                print(f"add {p.id}", file=report)  # type: ignore[call-overload]
                if i % 3 == 2:
                    store.update_passage(dataclasses.replace(p, note="edited"))
                    print(f"update {p.id}", file=report)  # type: ignore[call-overload]
                i += 1

        pid, report = fork(write, path)
        wanted = chance.randrange(0, 12)  # lines to read before the kill: 0 kills at open
        lines = [report.readline() for _ in range(wanted)]  # type: ignore[attr-defined]
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        report.close()  # type: ignore[attr-defined]
        for line in lines:
            action, passage_id = line.split()
            (reported if action == "add" else updated).add(passage_id)

        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            stored = {
                r[0]: r[1]
                for r in conn.execute("SELECT id, json_extract(labels, '$.note') FROM passages")
            }
            audit: dict[str, list[str]] = {}
            for passage_id, action in conn.execute(
                "SELECT passage_id, action FROM audit ORDER BY id"
            ):
                audit.setdefault(passage_id, []).append(action)
        conn.close()
        assert reported <= stored.keys()
        assert all(stored[p] == "edited" for p in updated)
        # Each row committed with its audit row, never one without the other.
        assert audit.keys() == stored.keys()
        for passage_id, note in stored.items():
            assert audit[passage_id] == (["create", "update"] if note else ["create"])
    assert len(reported) >= KILLS  # the kills fell after many commits, not only at start
