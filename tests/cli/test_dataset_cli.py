"""`hashiya export` and `hashiya import-annotations`: the labelled dataset, end to end.

The golden file is the fixture database's native export with `exported_at` and the seeds'
folder normalised. After a deliberate change to the format, regenerate it with
`python -m tests.cli.test_dataset_cli` and review the diff.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click.testing
import jsonschema
import pyarrow.json as pj
import pytest
from click.testing import CliRunner

from annotations import exchange
from annotations.export import json_schema
from annotations.models import Passage
from annotations.schema import default_schema
from annotations.seeds import seeds_dir
from annotations.store import PASSAGE_COLUMNS, Store, UserActor
from tests.support.corpus import SEED_ID, STAMP, passage_on, two_annotator_db
from tui.cli import cli

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden" / "two_annotator_export.jsonl"
EXPORTED_AT = re.compile(r'"exported_at":"[^"]*"')
NORMAL_STAMP = '"exported_at":"<exported_at>"'
ROOT = Path(__file__).resolve().parent.parent.parent


def run(db: Path, *args: str, input: bytes | str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def without_stamp(text: str) -> str:
    return EXPORTED_AT.sub(NORMAL_STAMP, text)


def normalised(text: str) -> str:
    """An export with nothing that depends on the clock or the checkout's location."""
    seeds = json.dumps(str(seeds_dir()))[1:-1]
    return without_stamp(text).replace(seeds, "<seeds>")


def db_digest(path: Path) -> str:
    """A hash of every row of every table (the database's whole content)."""
    digest = hashlib.sha256()
    with sqlite3.connect(path) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        for table in tables:
            digest.update(table.encode())
            for row in sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{table}"')):
                digest.update(row.encode())
    return digest.hexdigest()


def row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {
            t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            for t in ("articles", "passages", "audit", "actors", "article_status")
        }


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    two_annotator_db(path).close()
    return path


@pytest.fixture
def exported(db: Path, tmp_path: Path) -> Path:
    out = tmp_path / "a.jsonl"
    code, _, err = run(db, "export", "-o", str(out))
    assert code == 0, err
    return out


def records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


# --------------------------------------------------------------------------- export


def test_golden_export(db: Path) -> None:
    code, out, err = run(db, "export")
    assert code == 0, err
    assert normalised(out) == GOLDEN.read_text(encoding="utf-8")


GOLDEN_1 = GOLDEN.with_name("two_annotator_export.hashiya-1.jsonl")


def test_a_hashiya_1_file_imports_as_the_same_labels(tmp_path: Path) -> None:
    """The golden export as release 1 wrote it (hashiya/1), imported into a fresh
    database, exports as today's golden file."""
    fresh = tmp_path / "fresh.db"
    code, out, err = run(fresh, "import-annotations", str(GOLDEN_1))
    assert code == 0, err
    assert "5 passages added" in out
    code, out, err = run(fresh, "export")
    assert code == 0, err
    assert normalised(out) == GOLDEN.read_text(encoding="utf-8")


def test_every_line_is_valid_and_quotes_its_text(db: Path) -> None:
    code, out, _ = run(db, "export")
    assert code == 0
    validator = jsonschema.Draft202012Validator(json_schema(default_schema()))
    lines = records(out)
    assert [(r["article_id"], r["annotator"]) for r in lines] == [
        (SEED_ID, "omar"),
        (SEED_ID, "sara"),
    ]
    for record in lines:
        validator.validate(record)
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"]
    # Arabic as UTF-8 text, not \u escapes.
    assert "تصاعدت التحذيرات" in out
    assert "\\u06" not in out


def test_export_is_deterministic(db: Path) -> None:
    with Store(db) as store:
        for article_id in store.article_ids():
            article = store.get_article(article_id)
            assert article is not None
            word = article.text.split()[3]
            store.add_passage(passage_on(article, word, "amal", claim_type="opinion"))
            store.add_passage(passage_on(article, article.text[:2], "amal"))
    first = run(db, "export")[1]
    second = run(db, "export")[1]
    assert without_stamp(first) == without_stamp(second)
    lines = records(first)
    keys = [(r["article_id"], r["annotator"]) for r in lines]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for record in lines:
        order = [(s["start"], s["end"], s["id"]) for s in record["spans"]]
        assert order == sorted(order)


def test_export_to_a_file_reports_and_matches_stdout(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "labels.jsonl"
    code, stdout, err = run(db, "export", "-o", str(out))
    assert code == 0
    assert stdout == ""
    assert f"{out}: 2 written" in err
    assert without_stamp(out.read_text(encoding="utf-8")) == without_stamp(run(db, "export")[1])
    assert [p.name for p in out.parent.iterdir()] == ["labels.jsonl"]  # no temporary left


def test_filter_annotator(db: Path) -> None:
    lines = records(run(db, "export", "--annotator", "sara")[1])
    assert [r["annotator"] for r in lines] == ["sara"]
    assert len(lines[0]["spans"]) == 3
    lines = records(run(db, "export", "--annotator", "sara", "--annotator", "omar")[1])
    assert len(lines) == 2
    assert run(db, "export", "--annotator", "nobody")[1] == ""


def test_filter_article_by_id_or_prefix(db: Path) -> None:
    with Store(db) as store:
        other = next(i for i in store.article_ids() if i != SEED_ID)
        article = store.get_article(other)
        assert article is not None
        store.add_passage(passage_on(article, article.text[:5], "sara"))
    assert len(records(run(db, "export")[1])) == 3
    lines = records(run(db, "export", "--article", SEED_ID[:6])[1])
    assert {r["article_id"] for r in lines} == {SEED_ID}
    lines = records(run(db, "export", "--article", other)[1])
    assert [r["article_id"] for r in lines] == [other]
    code, _, err = run(db, "export", "--article", "nope")
    assert code == 1 and "no article 'nope'" in err


def test_filter_status_done_includes_done_articles_without_passages(db: Path) -> None:
    with Store(db) as store:
        other = next(i for i in store.article_ids() if i != SEED_ID)
        store.set_status(other, "omar", "done")  # read it: nothing to label
    lines = records(run(db, "export", "--status", "done")[1])
    assert sorted((r["article_id"], r["annotator"], r["status"]) for r in lines) == sorted(
        [(SEED_ID, "sara", "done"), (other, "omar", "done")]
    )
    empty = next(r for r in lines if r["article_id"] == other)
    assert empty["spans"] == []
    statuses = {r["status"] for r in records(run(db, "export", "--status", "in_progress")[1])}
    assert statuses == {"in_progress"}


def test_filter_since(db: Path) -> None:
    later = "2026-03-01T10:00:00.000000Z"
    with Store(db) as store:
        article = store.get_article(SEED_ID)
        assert article is not None
        fresh = passage_on(article, "مراقبين", "omar")
        store.add_passage(Passage(**{**fresh.__dict__, "created_at": later, "updated_at": later}))
    lines = records(run(db, "export", "--since", "2026-02-01")[1])
    assert [[s["id"] for s in r["spans"]] for r in lines] == [[fresh.id]]
    # A time with an offset is compared in UTC: 13:00+03:00 is 10:00Z.
    assert len(records(run(db, "export", "--since", "2026-03-01T13:00+03:00")[1])) == 1
    assert run(db, "export", "--since", "2026-03-01T13:00:01+03:00")[1] == ""
    # Every passage of the fixture was last changed at STAMP.
    lines = records(run(db, "export", "--since", STAMP[:19])[1])
    assert sum(len(r["spans"]) for r in lines) == 6
    code, _, err = run(db, "export", "--since", "last week")
    assert code == 2 and "not an ISO date or time" in err


@pytest.mark.parametrize("label_from", ["claim_type", "stance", "actor"])
def test_jsonl_formats_parse(db: Path, tmp_path: Path, label_from: str) -> None:
    for name in ("prodigy", "doccano"):
        out = tmp_path / f"{name}.jsonl"
        code, _, err = run(
            db, "export", "--format", name, "--label-from", label_from, "-o", str(out)
        )
        assert code == 0, err
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(lines) == 2
        for line in lines:
            assert "تصاعدت" in line["text"]
        if name == "prodigy":
            labels = {s["label"] for line in lines for s in line["spans"]}
        else:
            labels = {label for line in lines for _, _, label in line["label"]}
        expected = {"claim_type": "warning", "stance": "critical", "actor": "isis"}[label_from]
        assert expected in labels
        assert without_stamp(
            run(db, "export", "--format", name, "--label-from", label_from)[1]
        ) == (out.read_text(encoding="utf-8"))


def test_labelstudio_file_parses(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "ls.json"
    code, _, err = run(db, "export", "--format", "labelstudio", "-o", str(out))
    assert code == 0, err
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert len(tasks) == 1  # one task per article, one annotation per annotator
    assert len(tasks[0]["annotations"]) == 2
    code, _, err = run(db, "export", "--format", "labelstudio")
    assert code == 2 and "needs -o FILE" in err


def test_brat_folder_parses(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    code, _, err = run(
        db, "export", "--format", "brat", "--label-from", "stance", "-o", str(folder)
    )
    assert code == 0, err
    assert (folder / "annotation.conf").is_file()
    anns = sorted(folder.glob("*/*.ann"))
    assert [p.parent.name for p in anns] == ["omar", "sara"]
    for ann in anns:
        txt = ann.with_suffix(".txt").read_text(encoding="utf-8")
        for line in ann.read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                _, kind_offsets, quoted = line.split("\t")
                _, start, end = kind_offsets.split(" ")
                assert txt[int(start) : int(end)] == quoted
    code, _, err = run(db, "export", "--format", "brat")
    assert code == 2 and "give -o FOLDER" in err


def test_unit_span(db: Path) -> None:
    code, out, _ = run(db, "export", "--unit", "span")
    assert code == 0
    validator = jsonschema.Draft202012Validator(json_schema(default_schema(), "span"))
    lines = records(out)
    assert len(lines) == 5
    for line in lines:
        validator.validate(line)
        context = line["context"]
        assert context[line["start_in_context"] : line["end_in_context"]] == line["text"]
        assert len(context) > len(line["text"]) or context == line["text"]
    code, _, err = run(db, "export", "--unit", "span", "--format", "prodigy")
    assert code == 2 and "has no --unit span" in err


def test_stdout_is_utf8_whatever_the_locale(db: Path) -> None:
    env = {**os.environ, "HASHIYA_DB": str(db), "PYTHONIOENCODING": "ascii", "LC_ALL": "C"}
    done = subprocess.run(
        [sys.executable, "-c", "from tui.cli import main; main()", "export"],
        capture_output=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "تصاعدت".encode() in done.stdout
    assert done.stderr == b""


def test_export_read_by_pyarrow(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    run(db, "export", "-o", str(out))
    table = pj.read_json(out)
    assert table.num_rows == 2
    rows = table.to_pylist()
    assert [r["annotator"] for r in rows] == ["omar", "sara"]
    for row in rows:
        assert row["source"] == "شفق نيوز"
        for span in row["spans"]:
            assert row["text"][span["start"] : span["end"]] == span["text"]
    assert sum(len(r["spans"]) for r in rows) == 5


def test_progress_bar_only_on_a_terminal(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "a.jsonl"
    code, _, err = run(db, "export", "-o", str(out))
    assert code == 0 and "exporting" not in err
    plain = without_stamp(out.read_text(encoding="utf-8"))
    # Now stderr (and stdout) are terminals: a bar on stderr, the file the same.
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    code, stdout, err = run(db, "export", "-o", str(out))
    assert code == 0 and "exporting" in err and stdout == ""
    assert without_stamp(out.read_text(encoding="utf-8")) == plain
    # Lines to the terminal: no bar over them.
    code, stdout, err = run(db, "export")
    assert code == 0 and "exporting" not in err
    assert without_stamp(stdout) == plain


def test_a_stale_passage_stops_the_export_in_one_line(db: Path, tmp_path: Path) -> None:
    with Store(db) as store:
        passage = store.passages(SEED_ID, "sara")[0]
        with store.transaction() as conn:
            conn.execute("UPDATE passages SET text = 'قديم' WHERE id = ?", (passage.id,))
    out = tmp_path / "a.jsonl"
    code, _, err = run(db, "export", "-o", str(out))
    assert code == 1
    assert err == (
        f"Error: export stopped: {out} not written: passage {passage.id}: quoted text 'قديم'"
        f" differs from the article's {passage.text!r} (`hashiya doctor` lists such passages)\n"
    )
    assert not out.exists()


# --------------------------------------------------------------------------- atomic -o


def test_export_failing_midway_leaves_the_previous_file(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.cli.dataset as dataset

    out = tmp_path / "labels.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    real = dataset.export_records

    def failing(*args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        records = real(*args, **kwargs)
        try:
            yield next(records)
            raise RuntimeError("disk on fire")
        finally:
            records.close()

    monkeypatch.setattr(dataset, "export_records", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run(db, "export", "-o", str(out))
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir() if "labels" in p.name] == ["labels.jsonl"]


def _big_db(path: Path, passages: int) -> None:
    """The fixture plus many passages (straight into the table) so an export takes a while."""
    two_annotator_db(path).close()
    with Store(path) as store:
        article = store.get_article(SEED_ID)
        assert article is not None
        text = article.text
        rows = []
        for i in range(passages):
            start = (i * 7) % (len(text) - 40)
            end = start + 5 + i % 30
            rows.append(
                (
                    str(uuid.UUID(int=i)),
                    SEED_ID,
                    start,
                    end,
                    text[start:end],
                    f"annotator{i % 50}",
                    '{"actor":"isis","claim_type":"warning","stance":"critical"}',
                    "news",
                    "1.0",
                    STAMP,
                    STAMP,
                    "",  # kind: the default
                )
            )
        columns = ", ".join(f'"{c}"' for c in PASSAGE_COLUMNS)
        with store.transaction() as conn:
            conn.executemany(
                f"INSERT INTO passages ({columns}) VALUES ({', '.join('?' * len(PASSAGE_COLUMNS))})",
                rows,
            )


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("big") / "big.db"
    _big_db(db, 300_000)
    return db


HASHIYA = [sys.executable, "-c", "from tui.cli import main; main()"]


def test_a_closed_pipe_ends_the_export_quietly(big_db: Path) -> None:
    proc = subprocess.Popen(
        [*HASHIYA, "--db", str(big_db), "export"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100).startswith(b'{"format":"hashiya/2"')
    proc.stdout.close()  # like `| head`
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 1
    assert err == b""


def test_export_killed_midway_leaves_no_file(big_db: Path, tmp_path: Path) -> None:
    db = big_db
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "labels.jsonl"
    proc = subprocess.Popen(
        [*HASHIYA, "--db", str(db), "export", "-o", str(target)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        # Kill it once it has written part of its temporary file.
        while time.monotonic() < deadline and proc.poll() is None:
            partial = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
            if partial and partial[0].stat().st_size > 0:
                break
            time.sleep(0.005)
        assert proc.poll() is None, "the export finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not target.exists()


# --------------------------------------------------------------------------- import


def test_round_trip_into_a_fresh_database(exported: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    code, out, err = run(fresh, "import-annotations", str(exported))
    assert code == 0, err
    assert "5 passages added, 0 updated, 0 unchanged, 0 conflicts, 1 articles added" in out
    again = run(fresh, "export")[1]
    assert without_stamp(again) == without_stamp(exported.read_text(encoding="utf-8"))
    with Store(fresh) as store:
        assert store.status(SEED_ID, "sara") == "done"
        assert store.status(SEED_ID, "omar") == "in_progress"
        assert store.user_actors() == []  # schema actors are not copied as users'


def test_importing_twice_changes_nothing(exported: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    assert run(fresh, "import-annotations", str(exported))[0] == 0
    before = db_digest(fresh)
    code, out, _ = run(fresh, "import-annotations", str(exported))
    assert code == 0
    assert "0 passages added, 0 updated, 5 unchanged, 0 conflicts, 0 articles added" in out
    assert db_digest(fresh) == before
    # Into the database it came from: nothing new either.
    assert "5 unchanged" in run(tmp_path / "a.db", "import-annotations", str(exported))[1]


def test_conflict_is_reported_and_database_kept(exported: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    run(fresh, "import-annotations", str(exported))
    with Store(fresh) as store:
        mine = store.passages(SEED_ID, "omar")[0]
        store.update_passage(Passage(**{**mine.__dict__, "stance": "supportive", "note": "x"}))
    line = 1  # omar's line comes first
    code, out, err = run(fresh, "import-annotations", str(exported))
    assert code == 0
    assert err.splitlines() == [
        f"{exported}:{line}: passage {mine.id}: stance, note differ from the database's"
        " (kept the database's; --prefer incoming takes the file's)"
    ]
    assert "1 conflicts" in out
    with Store(fresh) as store:
        assert store.passage(mine.id).stance == "supportive"  # type: ignore[union-attr]

    code, out, err = run(fresh, "import-annotations", "--prefer", "incoming", str(exported))
    assert code == 0 and err == ""
    assert "0 passages added, 1 updated, 4 unchanged, 0 conflicts" in out
    with Store(fresh) as store:
        kept = store.passage(mine.id)
        assert kept is not None and kept.stance == mine.stance and kept.note is None
        assert store.audit_trail(mine.id)[-1]["action"] == "import"


def test_article_with_other_text_is_a_conflict(exported: Path, tmp_path: Path) -> None:
    line = exported.read_text(encoding="utf-8").splitlines()[0]
    record = json.loads(line)
    record["text"] = record["text"] + " تعديل"
    changed = tmp_path / "changed.jsonl"
    changed.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    code, _, err = run(tmp_path / "a.db", "import-annotations", str(changed))
    assert code == 1  # the line's spans were refused
    assert err.strip() == (
        f"{changed}:1: article {SEED_ID}: its text differs from the database's;"
        " the line's spans were not imported"
    )


def test_user_added_actor_travels_with_the_labels(tmp_path: Path) -> None:
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    two_annotator_db(a).close()
    with Store(a) as store:
        store.add_actor(UserActor("tribal_council", "مجلس العشائر", "", ("شيوخ العشائر",), "sara"))
        article = store.get_article(SEED_ID)
        assert article is not None
        store.add_passage(passage_on(article, "مراقبين", "sara", actor="tribal_council"))
    out = tmp_path / "a.jsonl"
    run(a, "export", "-o", str(out))
    code, summary, err = run(b, "import-annotations", str(out))
    assert code == 0, err
    assert "1 actors added" in summary
    with Store(b) as store:
        [actor] = store.user_actors()
        assert (actor.id, actor.name_ar, actor.name_en, actor.aliases) == (
            "tribal_council",
            "مجلس العشائر",
            "",
            ("شيوخ العشائر",),
        )
    assert without_stamp(run(b, "export")[1]) == without_stamp(out.read_text(encoding="utf-8"))


def test_stdin_and_a_missing_file(exported: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    code, out, _ = run(fresh, "import-annotations", "-", input=exported.read_bytes())
    assert code == 0 and "-: 5 passages added" in out
    code, _, err = run(fresh, "import-annotations", str(tmp_path / "nope.jsonl"))
    assert code == 1 and "nope.jsonl: cannot read (No such file or directory)" in err


# --------------------------------------------------------------------------- bad input


def _fixture_line(exported: Path, index: int = 1) -> dict[str, Any]:
    """sara's line: three spans, the first with an actor."""
    record: dict[str, Any] = json.loads(exported.read_text(encoding="utf-8").splitlines()[index])
    return record


def _bad_cases(good: dict[str, Any]) -> list[tuple[str, bytes, str]]:
    """(case, line, the error after FILE:LINE: )."""
    text = good["text"]
    span = good["spans"][0]

    def changed(**edits: Any) -> bytes:
        record = json.loads(json.dumps(good))
        for path, value in edits.items():
            if path.startswith("label_"):
                labels = record["spans"][0]["labels"]
                key = path.removeprefix("label_")
                if value is _DROP:
                    del labels[key]
                else:
                    labels[key] = value
            elif path.startswith("span_"):
                key = path.removeprefix("span_")
                if value is _DROP:
                    del record["spans"][0][key]
                else:
                    record["spans"][0][key] = value
            elif value is _DROP:
                del record[path]
            else:
                record[path] = value
        return json.dumps(record, ensure_ascii=False).encode()

    quoted = text[span["start"] + 1 : span["end"] + 1]
    return [
        (
            "not json",
            b'{"format": "hashiya/2", ',
            "not valid JSON: Expecting property name enclosed in double quotes (column 25)",
        ),
        ("missing field", changed(annotator=_DROP), "annotator: missing field"),
        ("missing span field", changed(span_end=_DROP), "spans[0].end: missing field"),
        (
            "offset past the end",
            changed(span_end=len(text) + 5),
            f"spans[0].end: {len(text) + 5} is past the end of the text (length {len(text)})",
        ),
        (
            "negative offset",
            changed(span_start=-1),
            "spans[0].start: -1 is before the start of the text",
        ),
        (
            "quote differs",
            changed(span_text=quoted),
            f"spans[0].text: {quoted!r} differs from text[{span['start']}:{span['end']}] "
            f"{span['text']!r}",
        ),
        (
            "unknown stance",
            changed(label_stance="furious"),
            "spans[0].labels.stance: unknown value 'furious' (expected one of: supportive, critical, neutral, mixed)",
        ),
        (
            "unknown claim type",
            changed(label_claim_type="rumour"),
            "spans[0].labels.claim_type: unknown value 'rumour' (expected one of: "
            + ", ".join(v.id for v in default_schema().claim_types)
            + ")",
        ),
        (
            "unknown attribute",
            changed(label_certainty="likely"),
            "spans[0].labels.certainty: unknown attribute 'certainty' (expected: actor, stance,"
            " target, claim_type, note)",
        ),
        (
            "a list for one value",
            changed(label_stance=["critical"]),
            "spans[0].labels.stance: expected one value, got a list (it takes one)",
        ),
        (
            "unknown status",
            changed(status="finished"),
            "status: unknown status 'finished' (one of todo, in_progress, done)",
        ),
        (
            "unknown actor without names",
            changed(label_actor="ghost"),
            "spans[0].labels.actor: unknown actor 'ghost' with no names to create it from",
        ),
        (
            "empty span",
            changed(span_end=span["start"], span_text=""),
            "spans[0]: empty span (start == end): a passage covers at least one character",
        ),
        ("not utf-8", b'{"format": "hashiya/1", "title": "\xff"}', "not UTF-8 (byte 35 is 0xff)"),
    ]


_DROP = object()


def test_each_kind_of_bad_line_is_reported_and_nothing_imported(
    exported: Path, tmp_path: Path
) -> None:
    good_line = exported.read_text(encoding="utf-8").splitlines()[1].encode()
    target = tmp_path / "target.db"
    Store(target).close()
    before = db_digest(target)
    for case, bad, reason in _bad_cases(_fixture_line(exported)):
        path = tmp_path / "bad.jsonl"
        path.write_bytes(good_line + b"\n" + bad + b"\n")
        code, out, err = run(target, "import-annotations", str(path))
        assert code == 1, case
        assert out == "", case
        assert err.splitlines() == [
            f"{path}:2: {reason}",
            f"{path}: nothing imported (fix the lines above, or --skip-invalid)",
        ], case
        assert "Traceback" not in err
        assert db_digest(target) == before, case


def test_every_bad_line_is_reported(exported: Path, tmp_path: Path) -> None:
    good = exported.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{good[0]}\nnot json\n\n{good[1]}\n[1]\n", encoding="utf-8")
    code, _, err = run(tmp_path / "t.db", "import-annotations", str(path))
    assert code == 1
    assert err.splitlines() == [
        f"{path}:2: not valid JSON: Expecting value (column 1)",
        f"{path}:5: expected a JSON object, got an array",
        f"{path}: nothing imported (fix the lines above, or --skip-invalid)",
    ]


def test_skip_invalid_applies_the_good_lines(exported: Path, tmp_path: Path) -> None:
    good = exported.read_text(encoding="utf-8").splitlines()
    record = _fixture_line(exported)
    record["spans"][0]["labels"]["stance"] = "furious"
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        good[0] + "\n" + json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    target = tmp_path / "t.db"
    code, out, err = run(target, "import-annotations", "--skip-invalid", str(path))
    assert code == 1  # something was rejected
    assert err.splitlines() == [
        f"{path}:2: spans[0].labels.stance: unknown value 'furious' (expected one of: supportive, critical, neutral, mixed)"
    ]
    assert "2 passages added" in out and "1 lines rejected" in out
    with Store(target) as store:
        assert store.annotators() == ["omar"]


def test_failure_while_applying_rolls_everything_back(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "t.db"
    two_annotator_db(target).close()
    with Store(target) as store:
        other = next(i for i in store.article_ids() if i != SEED_ID)
        article = store.get_article(other)
        assert article is not None
        store.add_passage(passage_on(article, article.text[:4], "amal"))
    run(target, "export", "-o", str(tmp_path / "all.jsonl"))
    fresh = tmp_path / "fresh.db"
    Store(fresh).close()
    before, counts = db_digest(fresh), row_counts(fresh)
    calls = []
    real = Store.add_passages

    def failing(self: Store, *args: Any, **kwargs: Any) -> list[str]:
        calls.append(1)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "add_passages", failing)
    # A batch a line, so the failure comes after earlier lines were saved.
    monkeypatch.setattr(exchange._Merger, "BATCH_LINES", 1)
    code, out, err = run(fresh, "import-annotations", str(tmp_path / "all.jsonl"))
    assert code == 1 and out == ""
    assert err == f"{tmp_path / 'all.jsonl'}: nothing imported (disk I/O error)\n"
    assert len(calls) == 2
    assert row_counts(fresh) == counts
    assert db_digest(fresh) == before


# --------------------------------------------------------------------------- golden


def regenerate() -> None:
    """Rewrite the golden file from the fixture database (review the diff!)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "a.db"
        two_annotator_db(db).close()
        code, out, err = run(db, "export")
        assert code == 0, err
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(normalised(out), encoding="utf-8")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    regenerate()
