"""`list --json` and `export --format labelstudio` stream: the first output is written
before the whole corpus is read, and the output is what the whole-corpus version gave."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import tui.cli.corpus as corpus_cli
from annotations.articles import make_article
from annotations.exchange import export_records
from annotations.export import FORMATS, ExportOptions, to_labelstudio
from annotations.export import formats as formats_module
from annotations.models import Passage
from annotations.schema import default_schema
from annotations.store import Store
from tui.cli import cli

TEXTS = [f"قال المتحدث رقم {i} إن الاتفاق قريب\u200f، ونفى الوزير ذلك." for i in range(6)]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "h.db"
    with Store(path) as store:
        articles = [
            make_article(text, id=f"art-{i}", source="رووداو", title=f"عنوان {i}")
            for i, text in enumerate(TEXTS)
        ]
        store.add_articles(articles)
        for i, article in enumerate(articles):
            for who in ("omar", "amal"):
                store.add_passage(
                    Passage(f"p{i}{who}", article.id, 4, 11, article.text[4:11], who, stance="x")
                )
    return path


def test_list_json_writes_each_line_before_reading_the_next_article(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, str]] = []
    iter_articles = Store.iter_articles

    def reading(self: Store, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for summary in iter_articles(self, *args, **kwargs):
            events.append(("read", summary.id))
            yield summary

    def writing(value: Any, **kwargs: Any) -> None:
        events.append(("write", value["id"]))

    monkeypatch.setattr(Store, "iter_articles", reading)
    monkeypatch.setattr(corpus_cli, "say_json", writing)
    result = CliRunner().invoke(cli, ["--db", str(db), "list", "--json"], catch_exceptions=False)
    assert result.exit_code == 0
    ids = [f"art-{i}" for i in range(len(TEXTS))]
    assert events == [(kind, i) for i in ids for kind in ("read", "write")]


def test_list_json_lines_are_the_stored_articles(db: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db), "list", "--json", "--limit", "4"])
    assert result.exit_code == 0
    with Store(db) as store:
        expected = [
            {
                "id": a.id,
                "title": a.title,
                "source": a.source,
                "published": a.published,
                "characters": a.n_chars,
                "paragraphs": a.n_paragraphs,
            }
            for a in store.list_articles(limit=4)
        ]
    assert [json.loads(line) for line in result.stdout.splitlines()] == expected


def test_labelstudio_file_is_written_a_task_at_a_time(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(db) as store:
        records = list(export_records(store, default_schema(), exported_at="t"))
    whole = to_labelstudio(records, "stance")
    written: list[str] = []
    dumps_line = formats_module.dumps_line

    def counting(value: Any) -> str:
        written.append(value["data"]["article_id"])
        return dumps_line(value)

    def feed() -> Iterator[dict[str, Any]]:
        for n, record in enumerate(records):
            # two records (two annotators) per article, grouped by article
            assert len(written) >= n // 2 - 1, "tasks held back until the input ends"
            yield record

    monkeypatch.setattr(formats_module, "dumps_line", counting)
    dest = tmp_path / "ls.json"
    summary = FORMATS["labelstudio"].write(feed(), dest, ExportOptions(label_from="stance"))
    assert summary.written == len(TEXTS) == len(written)
    assert json.loads(dest.read_text(encoding="utf-8")) == whole


def test_labelstudio_refuses_records_of_one_article_that_come_apart(
    db: Path, tmp_path: Path
) -> None:
    with Store(db) as store:
        records = list(export_records(store, default_schema(), exported_at="t"))
    apart = [records[0], records[2], records[1]]  # art-0, art-1, art-0 again
    dest = tmp_path / "ls.json"
    with pytest.raises(ValueError, match=r"art-0.*not together"):
        FORMATS["labelstudio"].write(iter(apart), dest, ExportOptions(label_from="stance"))
    assert not dest.exists()
    assert list(tmp_path.glob(".*.tmp")) == []


def test_labelstudio_of_nothing_is_an_empty_array(tmp_path: Path) -> None:
    dest = tmp_path / "ls.json"
    summary = FORMATS["labelstudio"].write(iter(()), dest, ExportOptions(label_from="stance"))
    assert summary.written == 0
    assert dest.read_text(encoding="utf-8") == "[]\n"
