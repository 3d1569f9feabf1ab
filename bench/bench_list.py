"""A large corpus: the article list's first paint, sorting and filtering.

A synthetic database of 100,000 articles (10,000 with --quick) made from the seeds
(bench/synthetic.py), written straight into `articles` with executemany, with passages
by three annotators on 5% of the articles and statuses on 10%. Then:

- first paint: a fresh interpreter opens the app on it (Textual's headless test driver);
  the figure is from the list screen's mount to its last visible row drawn, against the
  same on an empty database; also from `make_app` to then (the app's own start-up and
  the driver included; imports are bench_startup's);
- sort and filter: `Store.catalog_ids` for every sort key and each filter.

Search over a corpus of the same size (its index build against FTS5's, and queries) is
bench_search's.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

from annotations.store import SORT_KEYS, CatalogQuery, Store
from annotations.store.labels import labels_json
from annotations.text import paragraph_spans
from bench.common import Row, best_of, best_timing, least_of, process_run, timer
from bench.synthetic import synthetic_texts

ANNOTATOR = "bench"
ANNOTATORS = ("bench", "omar", "lina")
SOURCES = (
    "شفق نيوز",
    "إرم نيوز",
    "العرب",
    "الجزيرة نت",
    "السومرية نيوز",
    "رووداو",
    "عنب بلدي",
    "المدى",
    "الشرق الأوسط",
    "بغداد اليوم",
    "",
)
CLAIM_TYPES = ("factual_report", "official_statement", "warning", "prediction", "opinion")
PAINT_GOAL_S = 0.300

# A fresh interpreter (cold SQLite cache) opens the app on the database and prints two
# figures: seconds from the list screen's mount to its table's last visible line drawn
# (the list's own cost: the ids, their rows, the drawing), and from make_app to then.
PROBE = """
import asyncio, sys, time
from tui.app import make_app
from tui.screens.article_list import ArticleListScreen
from tui.widgets.article_table import ArticleTable

marks = {}
mount = ArticleListScreen.on_mount
render_line = ArticleTable.render_line

def timed_mount(self):
    marks.setdefault("mount", time.perf_counter())
    mount(self)

def timed_render_line(self, y):
    strip = render_line(self, y)
    if y == self.size.height - 1:
        marks.setdefault("painted", time.perf_counter())
    return strip

ArticleListScreen.on_mount = timed_mount
ArticleTable.render_line = timed_render_line

async def main():
    start = time.perf_counter()
    app = make_app(sys.argv[1], annotator="bench", import_seeds=False)
    async with app.run_test(size=(120, 36)) as pilot:
        while "painted" not in marks:
            await pilot.pause()
        table = app.screen.query_one(ArticleTable)
        assert len(table.ids) == int(sys.argv[2]), len(table.ids)
    print(marks["painted"] - marks["mount"], marks["painted"] - start)

asyncio.run(main())
"""


_SHARED: dict[int, Path] = {}


def shared_database(n: int) -> Path:
    """The `build_database` of n articles for this run, built once: the list and the
    start-up benchmarks read the same one (building 100,000 articles takes a minute).
    Removed when the run ends; the benchmarks only read it."""
    if n not in _SHARED:
        folder = Path(tempfile.mkdtemp(prefix="hashiya-bench-shared-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        build_database(folder / "list.db", n)
        _SHARED[n] = folder / "list.db"
    return _SHARED[n]


def build_database(path: Path, n: int, seed: int = 11) -> None:
    """n synthetic articles, with passages and statuses, written in bulk."""
    rng = random.Random(seed)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1_700_000_000))
    articles = []
    for number, text in enumerate(synthetic_texts(n, seed)):
        paragraphs = paragraph_spans(text)
        first = text[paragraphs[0][0] : paragraphs[0][1]].split()
        title = " ".join(first[: rng.randint(5, 12)])
        published = None
        if rng.random() > 0.1:
            published = f"20{rng.randint(18, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        articles.append(
            (
                hashlib.sha256(text.encode()).hexdigest()[:16],
                title,
                rng.choice(SOURCES),
                published,
                None,
                text,
                json.dumps(paragraphs, separators=(",", ":")),
                len(text),
                len(paragraphs),
                f"{stamp}.{number:06d}Z",
                "{}",
            )
        )
    passages = []
    statuses = []
    for article_id, _, _, _, _, text, spans, *_ in articles:
        if rng.random() < 0.05:
            paragraphs = json.loads(spans)
            for annotator in rng.sample(ANNOTATORS, rng.randint(1, 3)):
                for _ in range(rng.randint(1, 6)):
                    start, end = rng.choice(paragraphs)
                    end = min(end, start + rng.randint(10, 120))
                    passages.append(
                        (
                            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                            article_id,
                            start,
                            end,
                            text[start:end],
                            annotator,
                            labels_json(
                                {
                                    "actor": "isis",
                                    "stance": "neutral",
                                    "claim_type": rng.choice(CLAIM_TYPES),
                                }
                            ),
                            "news",
                            "1.0",
                            stamp,
                            stamp,
                        )
                    )
        if rng.random() < 0.1:
            statuses.append((article_id, ANNOTATOR, rng.choice(("in_progress", "done")), stamp))
    with Store(path) as store, store.transaction() as conn:
        conn.executemany(
            "INSERT INTO articles (id, title, source, published, origin, text, paragraphs,"
            " n_chars, n_paragraphs, imported_at, metadata) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            articles,
        )
        conn.executemany(
            'INSERT INTO passages (id, article_id, start, "end", text, annotator, labels,'
            " schema_name, schema_version, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            passages,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO article_status (article_id, annotator, status, updated_at)"
            " VALUES (?, ?, ?, ?)",
            statuses,
        )


LIST_JSON_GOAL = 2.0  # peak memory against the floor's

# The floor of `list --json`: the same columns in the same order, one json.dumps a row.
LIST_FLOOR = """
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
names = ("id", "title", "source", "published", "characters", "paragraphs")
sql = "SELECT id, title, source, published, n_chars, n_paragraphs FROM articles ORDER BY rowid"
for row in conn.execute(sql):
    sys.stdout.write(json.dumps(dict(zip(names, row)), ensure_ascii=False) + "\\n")
"""


def list_json_memory(db: Path, n: int) -> Iterator[Row]:
    """Peak memory of `hashiya list --json` against the floor, fresh processes."""
    hashiya = str(Path(sys.executable).parent / "hashiya")
    floor = least_of(2, lambda: process_run([sys.executable, "-c", LIST_FLOOR, str(db)]))
    ours = least_of(2, lambda: process_run([hashiya, "--db", str(db), "list", "--json"]))
    ratio = ours.peak_mib / floor.peak_mib
    yield Row(
        f"list --json ({n:,} articles): peak memory",
        ours.peak_mib,
        "MiB",
        baseline=f"sqlite3 + json.dumps {floor.peak_mib:.0f} MiB ({floor.cpu * 1000:.0f} ms CPU)",
        ratio=ratio,
        goal=f"<= {LIST_JSON_GOAL}x",
        met=ratio <= LIST_JSON_GOAL,
        cpu=ours.cpu,
        wall=ours.wall,
    )


def first_paint(db: Path, count: int, runs: int = 3) -> tuple[float, float]:
    """Best of `runs` fresh processes: seconds (list mount to drawn, make_app to drawn)."""
    best = (float("inf"), float("inf"))
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PROBE, str(db), str(count)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures = out.stdout.strip().splitlines()[-1].split()
        best = min(best, (float(figures[0]), float(figures[1])))
    return best


def run(quick: bool) -> Iterator[Row]:
    n = 10_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.db"
        Store(empty).close()
        with timer() as elapsed:
            db = shared_database(n)
        yield Row(f"build a {n:,}-article database (executemany)", elapsed(), "s")

        yield from list_json_memory(db, n)

        paint, app_paint = first_paint(db, n)
        empty_paint, empty_app_paint = first_paint(empty, 0)
        yield Row(
            f"list first paint ({n:,} articles)",
            paint * 1000,
            "ms",
            baseline=f"empty database {empty_paint * 1000:.0f} ms",
            ratio=paint / empty_paint,
            goal=f"< {PAINT_GOAL_S * 1000:.0f} ms",
            met=paint < PAINT_GOAL_S,
        )
        yield Row(
            f"make_app to list drawn ({n:,} articles)",
            app_paint * 1000,
            "ms",
            baseline=f"empty database {empty_app_paint * 1000:.0f} ms",
            ratio=app_paint / empty_app_paint,
        )

        with Store(db) as store:
            base = CatalogQuery(annotator=ANNOTATOR)
            first_ids = store.catalog_ids(base)
            visible = first_ids[:36]
            yield Row(
                "catalog_rows, one screen (36 rows)",
                best_of(5, lambda: store.catalog_rows(visible, ANNOTATOR)) * 1000,
                "ms",
            )
            for key in SORT_KEYS:
                query = replace(base, sort=key)
                took = best_timing(3, partial(store.catalog_ids, query))
                seconds = took.cpu
                yield Row(
                    f"sort by {key} (catalog_ids)",
                    seconds * 1000,
                    "ms CPU",
                    cpu=took.cpu,
                    wall=took.wall,
                    goal=f"< {PAINT_GOAL_S * 1000:.0f} ms",
                    met=seconds < PAINT_GOAL_S,
                )
            source = SOURCES[0]
            filters = {
                "filter status done": replace(base, status="done"),
                "filter status todo": replace(base, status="todo"),
                "filter source": replace(base, source=source),
                "filter annotated by omar": replace(base, annotated_by="omar"),
                "filter source + sort by title": replace(base, source=source, sort="title"),
            }
            for name, query in filters.items():
                took = best_timing(3, partial(store.catalog_ids, query))
                seconds = took.cpu
                yield Row(
                    f"{name} (catalog_ids)",
                    seconds * 1000,
                    "ms CPU",
                    cpu=took.cpu,
                    wall=took.wall,
                    goal=f"< {PAINT_GOAL_S * 1000:.0f} ms",
                    met=seconds < PAINT_GOAL_S,
                )
