"""Several annotators on one database at once: no lost save, no "database is locked"."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

from annotations.articles import make_article
from annotations.store import Store
from tests.support.processes import TEXT, fork, passage

WRITER = """
import sys, uuid
from annotations.models import Passage
from annotations.store import Store
db, who, article_id, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
store = Store(db)
text = store.get_article(article_id).text
for i in range(n):
    start = i % (len(text) - 5)
    store.add_passage(Passage(id=str(uuid.uuid4()), article_id=article_id, start=start,
        end=start + 3, text=text[start:start + 3], annotator=who,
        created_at="t", updated_at="t"))
    store.set_status(article_id, who, "in_progress")
print("ok")
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    article = make_article("نص مشترك بين فريق من المشرحين يعملون في الوقت نفسه على الخادم.\n")
    with Store(db) as store:
        store.add_articles([article])
    n = 300
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), who, article.id, str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("sara", "omar", "lina")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err
        assert out.strip() == "ok"
    with Store(db) as store:
        counts = dict(
            store.conn.execute("SELECT annotator, count(*) FROM passages GROUP BY annotator")
        )
        audit = store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    assert counts == {"sara": n, "omar": n, "lina": n}
    assert audit == 3 * n


def test_eight_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    article_id = make_article(TEXT).id
    with Store(path) as store:
        store.add_articles([make_article(TEXT)])
    n = 60

    def write(store: Store, report: object) -> None:
        who = f"writer{os.getpid()}"
        for i in range(n):
            p = passage(article_id, who, i)
            store.add_passage(p)
            if i % 3 == 0:
                store.update_passage(dataclasses.replace(p, note="edited"))
            if i % 5 == 4:
                store.delete_passage(p.id, by=who)
            store.set_status(article_id, who, "in_progress")
        print(who, file=report)  # type: ignore[call-overload]

    writers = [fork(write, path) for _ in range(8)]
    names = []
    for pid, report in writers:
        names.append(report.readline().strip())  # type: ignore[attr-defined]
        report.close()  # type: ignore[attr-defined]
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    kept = [i for i in range(n) if i % 5 != 4]
    with Store(path) as store:
        for who in names:
            rows = store.passages(article_id, who)
            assert sorted(p.id for p in rows) == sorted(f"{who}-{i}" for i in kept)
            assert all((p.note == "edited") == (int(p.id.rsplit("-")[1]) % 3 == 0) for p in rows)
            assert store.status(article_id, who) == "in_progress"
            for i in range(n):
                expected = ["create"] + ["update"] * (i % 3 == 0) + ["delete"] * (i % 5 == 4)
                trail = store.audit_trail(f"{who}-{i}")
                assert [a["action"] for a in trail] == expected
                assert {a["annotator"] for a in trail} == {who}
        total = store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    assert total == 8 * sum(1 + (i % 3 == 0) + (i % 5 == 4) for i in range(n))
