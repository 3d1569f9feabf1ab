"""Several annotators on one database at once: no lost save, no "database is locked"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from annotations.articles import make_article
from annotations.store import Store

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
