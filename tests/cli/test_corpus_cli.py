"""`hashiya import` and `hashiya list` with good and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.store import Store
from tui.cli import cli


def run(db: Path, *args: str, input: bytes | str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "h.db"


def test_import_seeds_folder_then_again(db: Path, seeds_dir: Path) -> None:
    code, out, _ = run(db, "import", str(seeds_dir))
    assert code == 0
    assert "5 imported, 0 already present, 0 rejected" in out
    code, out, _ = run(db, "import", str(seeds_dir))
    assert code == 0
    assert "0 imported, 5 already present, 0 rejected" in out


def test_list_table_and_json(db: Path, seeds_dir: Path) -> None:
    run(db, "import", str(seeds_dir))
    code, out, _ = run(db, "list")
    assert code == 0
    assert "شفق نيوز" in out and "e731f89812faa840" in out
    code, out, _ = run(db, "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 5
    longest = max(rows, key=lambda r: r["characters"])
    assert longest["id"] == "e731f89812faa840"
    assert longest["source"] == "شفق نيوز"
    assert set(longest) >= {"id", "title", "source", "characters", "paragraphs"}


def test_jsonl_fields_and_text_field(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        {"body": "نص المقال الأول.", "title": "عنوان", "source": "وكالة", "url": "http://x/1"},
        {"body": "نص المقال الثاني.", "published": "2025-01-02", "lang": "ar"},
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    code, out, _ = run(db, "import", "--text-field", "body", str(path))
    assert code == 0 and "2 imported" in out
    with Store(db) as store:
        articles = [store.get_article(i) for i in store.article_ids()]
    first, second = articles
    assert first is not None and second is not None
    assert (first.title, first.source, first.origin) == ("عنوان", "وكالة", "http://x/1")
    assert second.published == "2025-01-02" and second.metadata == {"lang": "ar"}


def test_stdin_text_and_jsonl(db: Path) -> None:
    code, out, _ = run(db, "import", "-", input="مقال من الدخل القياسي.\n".encode())
    assert code == 0 and "1 imported" in out
    code, out, _ = run(db, "import", "-", input='{"text": "مقال آخر."}\n')
    assert code == 0 and "1 imported" in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "latin1.txt",
            "caf\xe9".encode("latin-1"),
            "latin1.txt: not UTF-8 (invalid byte at offset 3)",
        ),
        ("empty.txt", b"  \n\n", "empty.txt: empty"),
        ("bin.txt", b"\x7fELF\x00\x01\x02", "bin.txt: binary data (NUL byte at offset 4)"),
        ("big.txt", "ا".encode() * 600, "big.txt: too large (1,200 bytes; the limit is 1,024"),
        ("bad.jsonl", b'{"text": "ok"}\n{oops\n', "bad.jsonl:2: not JSON"),
        ("notext.jsonl", b'{"title": "t"}\n', "notext.jsonl:1: no 'text' field"),
        ("wrongtype.jsonl", b'{"text": 5}\n', "wrongtype.jsonl:1: field 'text' is not a string"),
        ("list.jsonl", b"[1, 2]\n", "list.jsonl:1: not a JSON object"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(
    db: Path, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("مقال سليم.\n")
    code, out, err = run(db, "import", "--max-size", "1k", str(bad), str(good))
    assert code == 1
    rejected = [line for line in err.splitlines() if line.startswith("rejected: ")]
    assert len(rejected) == 1
    assert message in rejected[0]
    assert "Traceback" not in out + err
    with Store(db) as store:  # the good file still went in
        texts = {store.get_article(i).text for i in store.article_ids()}  # type: ignore[union-attr]
    assert "مقال سليم.\n" in texts


def test_missing_path(db: Path) -> None:
    code, _, err = run(db, "import", "/no/such/file.txt")
    assert code == 1 and "/no/such/file.txt: no such file or folder" in err


def test_bad_config_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("annotator: sara\nbidi: sideways\n")
    result = CliRunner().invoke(cli, ["--config", str(config), "list"])
    assert result.exit_code == 1
    assert "config.yaml:2: key 'bidi': expected app or terminal" in result.output
    assert "Traceback" not in result.output


def test_version_and_help() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and "hashiya" in result.output
    result = CliRunner().invoke(cli, ["import", "-h"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_the_app_refuses_a_bad_database_or_schema_in_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 50)
    result = CliRunner().invoke(cli, ["--db", str(junk)])
    assert result.exit_code == 1
    assert "not a Hashiya database" in result.output and "Traceback" not in result.output
    schema = tmp_path / "bad.yaml"
    schema.write_text("name: x\nversion: 1\n")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "ok.db"), "--schema", str(schema)])
    assert result.exit_code == 1
    assert "bad.yaml" in result.output and "Traceback" not in result.output
