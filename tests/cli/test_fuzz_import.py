"""Fuzzing `hashiya import` and `hashiya import-annotations` through the real commands.

Files are built from valid lines and hostile ones: random bytes, valid lines with bytes
changed, fields replaced by random JSON (lone surrogates in strings and keys, wrong
types), and nesting hundreds or thousands deep. Whatever comes in: no traceback
(`catch_exceptions=False`), exit status 0 or 1, every message one line starting with the
file's name, the valid lines saved, and nothing in the database that breaks it (every
passage quotes its article; the database exports).
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.store import Store
from tests.support.corpus import two_annotator_db
from tui.cli import cli

FUZZ = settings(
    max_examples=150,
    deadline=None,  # a busy machine is not a failure
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PLACE = "\x00PLACE\x00"  # replaced in the JSON text by a raw (deeply nested) value
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "a\ud83d", "\ude00b"]


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@cache
def template_db() -> Path:
    """An empty, migrated database to copy for each example (migrating costs 70 ms)."""
    folder = Path(tempfile.mkdtemp(prefix="hashiya-fuzz-"))
    Store(folder / "empty.db").close()
    return folder / "empty.db"


@cache
def label_lines() -> tuple[str, ...]:
    """Valid native lines: an export of the two-annotator corpus."""
    folder = Path(tempfile.mkdtemp(prefix="hashiya-fuzz-"))
    two_annotator_db(folder / "source.db").close()
    code, out, err = run(folder / "source.db", "export")
    assert code == 0, err
    return tuple(out.splitlines())


ARTICLE_LINES = tuple(
    json.dumps(record, ensure_ascii=False)
    for record in (
        {"text": "قال الوزير إن القرار نهائي.", "title": "القرار", "source": "وكالة"},
        {"text": "نص ثان\nبفقرتين 😀", "published": "2025-01-02", "lang": "ar"},
        {"text": "English text, with an id.", "id": "en-1", "tags": ["a", {"b": 1}]},
    )
)


@contextmanager
def fresh_db() -> Iterator[tuple[Path, Path]]:
    with tempfile.TemporaryDirectory(prefix="hashiya-fuzz-") as folder:
        db = Path(folder) / "h.db"
        shutil.copyfile(template_db(), db)
        yield db, Path(folder)


# --------------------------------------------------------------------------- strategies

hostile_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(SURROGATES),
    st.builds(
        lambda a, s, b: a + s + b,
        st.text(max_size=4),
        st.sampled_from(SURROGATES),
        st.text(max_size=4),
    ),
    st.sampled_from(["", " ", "\n", "\x1b]0;x\x07", "\u202e", "\x85", "\ufeff"]),
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | hostile_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=10,
)


@st.composite
def deep_value(draw: st.DrawFn) -> str:
    """Raw JSON nested `levels` deep: arrays, objects or both."""
    levels = draw(st.sampled_from([99, 100, 101, 150, 400, 999, 1_000, 3_000]))
    kind = draw(st.sampled_from(["array", "object", "mixed"]))
    if kind == "array":
        return "[" * levels + "]" * levels
    if kind == "object":
        return '{"k":' * levels + "1" + "}" * levels
    return '[{"k":' * (levels // 2) + "1" + "}]" * (levels // 2)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path in a JSON value (to pick one to replace)."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key)
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield (*prefix, index)
            yield from _paths(child, (*prefix, index))


def _encode(record: Any, draw: st.DrawFn) -> bytes:
    ascii_only = draw(st.booleans())
    text = json.dumps(record, ensure_ascii=ascii_only)
    placeholder = json.dumps(PLACE, ensure_ascii=ascii_only)
    if placeholder in text:
        text = text.replace(placeholder, draw(deep_value()), 1)
    # Raw surrogates (ensure_ascii=False) become bytes that are not UTF-8.
    return text.encode("utf-8", "surrogatepass")


@st.composite
def hostile_line(draw: st.DrawFn, valid: tuple[str, ...]) -> bytes:
    base = draw(st.sampled_from(valid))
    kind = draw(st.sampled_from(["bytes", "mutated", "field", "deep", "extra", "type"]))
    if kind == "bytes":
        return draw(st.binary(max_size=120))
    if kind == "mutated":
        data = bytearray(base.encode("utf-8"))
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(data)))
            op = draw(st.sampled_from(["set", "insert", "delete", "cut"]))
            if op == "set" and at < len(data):
                data[at] = draw(st.integers(0, 255))
            elif op == "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=4))
            elif op == "delete":
                del data[at : at + draw(st.integers(1, 8))]
            else:
                del data[at:]
        return bytes(data)
    record = json.loads(base)
    paths = list(_paths(record))
    if kind == "extra":
        record[draw(hostile_text)] = PLACE if draw(st.booleans()) else draw(json_values)
        return _encode(record, draw)
    path = draw(st.sampled_from(paths))
    holder = record
    for key in path[:-1]:
        holder = holder[key]
    if kind == "deep":
        holder[path[-1]] = PLACE
    elif kind == "type":
        holder[path[-1]] = draw(json_values)
    else:
        holder[path[-1]] = draw(hostile_text)
    return _encode(record, draw)


def files(valid: tuple[str, ...]) -> st.SearchStrategy[list[tuple[bool, bytes]]]:
    """Lines of a file, each marked whether it is one of the valid lines, unchanged
    (valid lines among hostile ones: a bad line must not stop the next)."""
    good = st.sampled_from(valid).map(lambda line: (True, line.encode("utf-8")))
    bad = hostile_line(valid).map(lambda line: (False, line))
    return st.lists(st.one_of(good, bad, bad), min_size=1, max_size=6)


# --------------------------------------------------------------------------- checks


def lines_read(content: bytes) -> int:
    """Lines the importers read (split on LF only, as a file is iterated), not blank."""
    return sum(1 for raw in io.BytesIO(content) if raw.strip())


def check_messages(err: str, name: str) -> None:
    for line in err.splitlines():
        assert line.startswith((f"rejected: {name}", name)), line


def check_database(db: Path, folder: Path) -> None:
    """Nothing saved breaks the database: it is whole, every passage quotes its article,
    and it exports (the export reads every article back, metadata included)."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stale = conn.execute(
            "SELECT count(*) FROM passages p JOIN articles a ON a.id = p.article_id"
            ' WHERE substr(a.text, p.start + 1, p."end" - p.start) != p.text'
        ).fetchone()[0]
        assert stale == 0
    code, _, err = run(db, "export", "-o", str(folder / "out.jsonl"))
    assert code == 0, err


def stored(db: Path, sql: str) -> set[Any]:
    with sqlite3.connect(db) as conn:
        return set(conn.execute(sql))


# --------------------------------------------------------------------------- the tests


@FUZZ
@given(st.data())
def test_fuzz_import(data: st.DataObject) -> None:
    lines = data.draw(files(ARTICLE_LINES))
    content = b"\n".join(line for _, line in lines) + b"\n"
    with fresh_db() as (db, folder):
        path = folder / "in.jsonl"
        path.write_bytes(content)
        code, out, err = run(db, "import", str(path))
        assert code in (0, 1)
        check_messages(err, str(path))
        # Every line read is accounted for once: imported, already present or rejected.
        imported, present, rejected = (int(part.split()[0]) for part in out.split(", "))
        read = lines_read(content)
        assert imported + present + rejected == max(read, 1)
        assert (code == 1) == (rejected > 0)
        assert stored(db, "SELECT count(*) FROM articles") == {(imported,)}
        texts = {text for (text,) in stored(db, "SELECT text FROM articles")}
        for index, (is_valid, line) in enumerate(lines):
            record = json.loads(line) if is_valid else {}
            # An id given in the file can be taken first by a hostile line with other text.
            if is_valid and ("id" not in record or all(ok for ok, _ in lines[:index])):
                assert unicodedata.normalize("NFC", record["text"]) in texts
        check_database(db, folder)


@FUZZ
@given(st.data(), st.booleans())
def test_fuzz_import_annotations(data: st.DataObject, skip_invalid: bool) -> None:
    valid = label_lines()
    # The valid lines first: a hostile copy of a record later is then the conflict.
    first = data.draw(st.lists(st.sampled_from(valid), max_size=2, unique=True))
    hostile = data.draw(files(valid))
    # Valid lines among the hostile ones may meet a changed copy of their article first.
    lines = [(True, line.encode("utf-8")) for line in first] + [(False, b) for _, b in hostile]
    content = b"\n".join(line for _, line in lines) + b"\n"
    with fresh_db() as (db, folder):
        path = folder / "labels.jsonl"
        path.write_bytes(content)
        args = ["import-annotations", str(path)] + (["--skip-invalid"] if skip_invalid else [])
        code, out, err = run(db, *args)
        assert code in (0, 1)
        check_messages(err, str(path))
        passages = stored(db, 'SELECT id, article_id, start, "end", text, annotator FROM passages')
        if "nothing imported" in err:
            assert code == 1 and not skip_invalid
            assert passages == set() and stored(db, "SELECT id FROM articles") == set()
            return
        assert out.startswith(f"{path}: ")
        for is_valid, line in lines:
            if not is_valid:
                continue
            record = json.loads(line)
            for span in record["spans"]:
                row = (
                    span["id"],
                    record["article_id"],
                    span["start"],
                    span["end"],
                    span["text"],
                    record["annotator"],
                )
                assert row in passages
        check_database(db, folder)
