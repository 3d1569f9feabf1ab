"""Faults on the command line: a full disk, a read-only database, a crash.

Each is one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.articles import make_article
from annotations.store import Store
from tests.support.faults import fill_every_store, hashiya_unprivileged
from tui.cli import cli

LONG = "نص طويل عن الأخبار في بغداد والأنبار. " * 200  # over a page: the file must grow


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "h.db"
    with Store(path) as store:
        store.add_articles([make_article("مقال قصير.\n"), make_article(LONG + "\n")])
    return path


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "new.txt"
    path.write_text(LONG + "جديد\n", encoding="utf-8")
    return path


def article_count(db: Path) -> int:
    with Store(db) as store:
        return store.article_count()


def test_import_on_a_full_disk(
    db: Path, article_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        fill_every_store(patched)
        code, out, err = run(db, "import", str(article_file))
    assert (code, out) == (1, "")
    assert err == f"Error: {db}: disk full: the database cannot grow; the change was not saved\n"
    assert article_count(db) == 2


def test_search_on_a_full_disk(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        fill_every_store(patched)  # the search index must be built first, and cannot be
        code, out, err = run(db, "search", "بغداد")
    assert (code, out) == (1, "")
    assert err == f"Error: {db}: disk full: the database cannot grow; the change was not saved\n"
    code, out, err = run(db, "search", "--json", "بغداد")  # with room again, it works
    assert code == 0 and len(out.splitlines()) == 1


def test_import_into_a_read_only_database(db: Path, article_file: Path, tmp_path: Path) -> None:
    db.chmod(0o444)
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    out = hashiya_unprivileged("--db", str(db), "import", str(article_file), env=env)
    assert (out.returncode, out.stdout) == (1, "")
    assert out.stderr == f"Error: {db}: read-only database: the file cannot be written\n"
    assert article_count(db) == 2


def test_import_into_a_read_only_folder(db: Path, article_file: Path, tmp_path: Path) -> None:
    Store(db).close()
    db.parent.joinpath("ro").mkdir()
    target = db.parent / "ro" / "h.db"
    db.rename(target)
    target.parent.chmod(0o555)
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    try:
        out = hashiya_unprivileged("--db", str(target), "import", str(article_file), env=env)
    finally:
        target.parent.chmod(0o755)
    assert (out.returncode, out.stdout) == (1, "")
    assert out.stderr.startswith(f"Error: {target}: read-only folder: {target.parent} cannot")
    assert out.stderr.count("\n") == 1


def test_a_corrupt_database_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "junk.db"
    db.write_bytes(b"\x00garbage" * 4096)
    code, out, err = run(db, "list")
    assert (code, out) == (1, "")
    assert err == f"Error: {db}: not a Hashiya database: the file is not SQLite, or is corrupt\n"
