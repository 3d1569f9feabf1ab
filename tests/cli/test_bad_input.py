"""Hostile and broken input to `import`, `import-annotations`, `export` and the config:
one line naming file, line and field, the rest goes on, nothing saved is lost.

`catch_exceptions=False` makes any traceback fail the test.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotations.articles import make_article
from annotations.models import MAX_ANNOTATOR, MAX_ARTICLE_ID, MAX_PASSAGE_ID
from annotations.store import Store
from tests.support.corpus import SEED_ID, passage_on, two_annotator_db
from tui.cli import cli

DEEP = 1_000  # levels of nesting: json.loads itself fails near here
TOO_DEEP = "nested too deeply (more than 100 levels)"


def run(db: Path, *args: str, input: bytes | str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def article_line(text: str, **fields: Any) -> str:
    return json.dumps({"text": text, **fields}, ensure_ascii=False)


def stored_texts(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT id, text FROM articles"))


def table_rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as conn:
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"'), key=repr)
            for t in ("articles", "passages", "audit", "actors", "article_status")
        }


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "h.db"


@pytest.fixture
def label_line(tmp_path: Path) -> dict[str, Any]:
    """One native record (sara's labels on a seed), to be changed by each test."""
    source = tmp_path / "source.db"
    two_annotator_db(source).close()
    code, out, err = run(source, "export", "--annotator", "sara")
    assert code == 0, err
    record: dict[str, Any] = json.loads(out.splitlines()[0])
    assert record["spans"]
    return record


def renamed(record: dict[str, Any], article_id: str) -> dict[str, Any]:
    """The record on a new article (same text) with new span ids: nothing in common with
    another copy."""
    copy = json.loads(json.dumps(record))
    copy["article_id"] = article_id
    for span in copy["spans"]:
        span["id"] = f"{article_id}-{span['id']}"[:MAX_PASSAGE_ID]
    return copy


# --------------------------------------------------------------------------- nesting


def test_deep_json_in_an_article_file_is_one_line_and_the_import_goes_on(
    db: Path, tmp_path: Path
) -> None:
    first = write_lines(
        tmp_path / "a.jsonl",
        [
            article_line("نص أول"),
            '{"text": "نص عميق", "extra": ' + deep(DEEP) + "}",
            article_line("نص ثان"),
            '{"text": "بيانات عميقة", "meta": ' + deep(300) + "}",
        ],
    )
    second = write_lines(tmp_path / "b.jsonl", [article_line("نص ثالث")])
    code, out, err = run(db, "import", str(first), str(second))
    assert code == 1
    assert err.splitlines() == [
        f"rejected: {first}:2: {TOO_DEEP}",
        f"rejected: {first}:4: field 'meta': {TOO_DEEP}",
    ]
    assert "3 imported, 0 already present, 2 rejected" in out
    assert sorted(stored_texts(db).values()) == sorted(["نص أول", "نص ثان", "نص ثالث"])


def test_deep_json_in_a_label_file_is_one_line_and_the_next_file_goes_in(
    db: Path, tmp_path: Path, label_line: dict[str, Any]
) -> None:
    good = json.dumps(renamed(label_line, "good"), ensure_ascii=False)
    with_deep_key = good[:-1] + ', "extra": ' + deep(DEEP) + "}"
    deep_metadata = renamed(label_line, "meta")
    deep_metadata["metadata"] = {"tags": "PLACE"}
    deep_metadata_line = json.dumps(deep_metadata, ensure_ascii=False).replace('"PLACE"', deep(300))
    bad = write_lines(tmp_path / "bad.jsonl", [good, with_deep_key, deep_metadata_line])
    after = write_lines(
        tmp_path / "after.jsonl", [json.dumps(renamed(label_line, "after"), ensure_ascii=False)]
    )
    code, out, err = run(db, "import-annotations", str(bad), str(after))
    assert code == 1
    assert err.splitlines() == [
        f"{bad}:2: {TOO_DEEP}",
        f"{bad}:3: metadata.tags: {TOO_DEEP}",
        f"{bad}: nothing imported (fix the lines above, or --skip-invalid)",
    ]
    assert list(stored_texts(db)) == ["after"]
    assert out.startswith(f"{after}: {len(label_line['spans'])} passages added")
    code, _out, err = run(db, "import-annotations", "--skip-invalid", str(bad))
    assert code == 1
    assert sorted(stored_texts(db)) == ["after", "good"]


def test_deep_yaml_config_names_the_line(db: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    nested = "".join("  " * i + f"k{i}:\n" for i in range(1, 400))
    config.write_text("annotator: sara\nkeymap:\n" + nested, encoding="utf-8")
    code, _, err = run(db, "--config", str(config), "list")
    assert code == 1
    assert err == f"Error: {config}:102: {TOO_DEEP}\n"
    config.write_text("keymap: " + deep(5_000) + "\n", encoding="utf-8")
    code, _, err = run(db, "--config", str(config), "list")
    assert code == 1
    assert err == f"Error: {config}:1: {TOO_DEEP}\n"


# --------------------------------------------------------------------------- surrogates

SURROGATE = "a lone surrogate \\ud800 (half of a UTF-16 pair, not a character)"


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"text": "نص", "title": "عنوان \\ud800"}', "field 'title': "),
        ('{"text": "نص", "source": "\\ud800"}', "field 'source': "),
        ('{"text": "نص \\ud800"}', "field 'text': "),
        ('{"text": "نص", "lang": {"\\ud800": 1}}', "field 'lang[\"\\ud800\"]': the key holds "),
        ('{"text": "نص", "tags": ["a", "\\ud800"]}', "field 'tags[1]': "),
    ],
)
def test_lone_surrogates_in_an_article_name_the_field(
    db: Path, tmp_path: Path, line: str, field: str
) -> None:
    path = write_lines(tmp_path / "s.jsonl", [line, article_line("نص سليم")])
    code, _out, err = run(db, "import", str(path))
    assert code == 1
    assert err == f"rejected: {path}:1: {field}{SURROGATE}\n"
    assert list(stored_texts(db).values()) == ["نص سليم"]


@pytest.mark.parametrize(
    ("where", "path"),
    [
        (("spans", 0, "note"), "spans[0].note"),
        (("spans", 0, "stance"), "spans[0].stance"),
        (("spans", 0, "target"), "spans[0].target"),
        (("title",), "title"),
        (("annotator",), "annotator"),
    ],
)
def test_lone_surrogates_in_labels_name_the_field(
    db: Path, tmp_path: Path, label_line: dict[str, Any], where: tuple[Any, ...], path: str
) -> None:
    record = renamed(label_line, "s1")
    holder: Any = record
    for key in where[:-1]:
        holder = holder[key]
    holder[where[-1]] = "PLACE"
    line = json.dumps(record, ensure_ascii=False).replace('"PLACE"', '"x\\ud800"')
    bad = write_lines(tmp_path / "s.jsonl", [line])
    before = table_rows(db) if db.exists() else None
    code, _, err = run(db, "import-annotations", str(bad))
    assert code == 1
    assert err.splitlines()[0] == f"{bad}:1: {path}: {SURROGATE}"
    assert before is None or table_rows(db) == before
    assert stored_texts(db) == {}


def test_lone_surrogate_in_an_actor_name_and_a_metadata_key(
    db: Path, tmp_path: Path, label_line: dict[str, Any]
) -> None:
    record = renamed(label_line, "s2")
    record["spans"][0]["actor"] = {"id": "new_actor", "name_ar": "PLACE", "name_en": None}
    record["metadata"] = {"KEY": 1}
    line = json.dumps(record, ensure_ascii=False).replace('"PLACE"', '"\\udfff"')
    other = line.replace('"\\udfff"', '"ok"').replace('"KEY"', '"k\\udc00"')
    bad = write_lines(tmp_path / "s.jsonl", [line, other])
    code, _, err = run(db, "import-annotations", str(bad))
    assert code == 1
    assert err.splitlines()[:2] == [
        f"{bad}:1: spans[0].actor.name_ar: a lone surrogate \\udfff (half of a UTF-16 pair,"
        " not a character)",
        f'{bad}:2: metadata["k\\udc00"]: the key holds a lone surrogate \\udc00 (half of a'
        " UTF-16 pair, not a character)",
    ]


def test_surrogate_pairs_are_text(db: Path, tmp_path: Path) -> None:
    """An escaped pair is one character (an emoji): kept."""
    path = write_lines(
        tmp_path / "p.jsonl", ['{"text": "نص \\ud83d\\ude00", "title": "\\ud83d\\ude00"}']
    )
    code, _, err = run(db, "import", str(path))
    assert code == 0, err
    assert list(stored_texts(db).values()) == ["نص 😀"]


def test_lone_surrogate_in_the_config_names_the_key(db: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text('annotator: "\\ud800"\n', encoding="utf-8")
    code, _, err = run(db, "--config", str(config), "list")
    assert code == 1
    assert err == f"Error: {config}:1: key 'annotator': {SURROGATE}\n"
    config.write_text('keymap:\n  reader.tag: t\n  reader.edit: "\\ud800"\n', encoding="utf-8")
    code, _, err = run(db, "--config", str(config), "list")
    assert code == 1
    assert err == f"Error: {config}:3: key 'keymap': {SURROGATE}\n"


# --------------------------------------------------------------------------- one id, two texts


def test_one_id_with_two_texts_in_a_file_is_rejected(db: Path, tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "dup.jsonl",
        [
            article_line("النص الأول", id="a1"),
            article_line("النص الثاني", id="a1"),
            article_line("النص الأول", id="a1"),
        ],
    )
    code, out, err = run(db, "import", str(path))
    assert code == 1
    assert err == (
        f'rejected: {path}:2: id "a1" is taken by a different text (see {path}:1); not imported\n'
    )
    assert "1 imported, 1 already present, 1 rejected" in out
    assert stored_texts(db) == {"a1": "النص الأول"}


def test_an_id_the_database_holds_with_another_text_is_rejected(db: Path, tmp_path: Path) -> None:
    run(db, "import", str(write_lines(tmp_path / "one.jsonl", [article_line("الأول", id="a1")])))
    again = write_lines(tmp_path / "two.jsonl", [article_line("الثاني", id="a1")])
    code, out, err = run(db, "import", str(again))
    assert code == 1
    assert err == (
        f'rejected: {again}:1: id "a1" is taken by a different text (in the database);'
        " not imported\n"
    )
    assert "0 imported, 0 already present, 1 rejected" in out
    assert stored_texts(db) == {"a1": "الأول"}
    # A .txt whose hash id a JSONL line took for another text.
    taken = make_article("نص الملف\n")
    line = write_lines(tmp_path / "taken.jsonl", [article_line("شيء آخر", id=taken.id)])
    run(db, "import", str(line))
    text_file = tmp_path / "file.txt"
    text_file.write_text("نص الملف\n", encoding="utf-8")
    code, _, err = run(db, "import", str(text_file))
    assert code == 1
    assert f"rejected: {text_file}: id " in err and "in the database" in err
    assert stored_texts(db)[taken.id] == "شيء آخر"


def test_import_annotations_refuses_another_text_under_an_id_in_the_same_file(
    db: Path, tmp_path: Path, label_line: dict[str, Any]
) -> None:
    first = renamed(label_line, "x1")
    second = renamed(label_line, "x1")
    second["text"] = first["text"] + " تعديل"
    for span in second["spans"]:
        span["id"] += "-2"
    path = write_lines(
        tmp_path / "two.jsonl",
        [json.dumps(first, ensure_ascii=False), json.dumps(second, ensure_ascii=False)],
    )
    code, _out, err = run(db, "import-annotations", str(path))
    assert code == 1
    assert err == (
        f"{path}:2: article x1: its text differs from the database's;"
        " the line's spans were not imported\n"
    )
    assert stored_texts(db) == {"x1": first["text"]}
    with Store(db) as store:
        assert {p.id for p in store.passages("x1")} == {s["id"] for s in first["spans"]}


# --------------------------------------------------------------------------- files and folders


def test_an_unreadable_subfolder_is_reported(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """We run as root in CI, where chmod 000 does not stop reading: the folder is made
    unreadable where the importer lists it (os.scandir), as the kernel would."""
    tree = tmp_path / "tree"
    (tree / "a").mkdir(parents=True)
    (tree / "locked").mkdir()
    (tree / "a" / "one.txt").write_text("نص مقروء\n", encoding="utf-8")
    (tree / "locked" / "two.txt").write_text("نص مقفل\n", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == tree / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = run(db, "import", str(tree))
    assert code == 1
    assert err == (
        f"rejected: {tree / 'locked'}: cannot read folder (Permission denied);"
        " nothing in it was imported\n"
    )
    assert "1 imported, 0 already present, 1 rejected" in out
    assert list(stored_texts(db).values()) == ["نص مقروء\n"]


def test_symbolic_links_that_lead_nowhere(db: Path, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "real.txt").write_text("نص حقيقي\n", encoding="utf-8")
    (tree / "loop.txt").symlink_to("loop.txt")
    (tree / "gone.txt").symlink_to("missing.txt")
    (tree / "back").symlink_to(".")  # a folder link back up: its files once
    (tree / "ignored.png").symlink_to("ignored.png")  # not an article file
    code, out, err = run(db, "import", str(tree), str(tree / "loop.txt"))
    assert code == 1
    assert err.splitlines() == [
        f'rejected: {tree / "gone.txt"}: a symbolic link to "missing.txt", which does not exist',
        f"rejected: {tree / 'loop.txt'}: a symbolic link that loops (it never reaches a file)",
        f"rejected: {tree / 'loop.txt'}: a symbolic link that loops (it never reaches a file)",
    ]
    assert "1 imported, 0 already present, 3 rejected" in out


# --------------------------------------------------------------------------- keymap


def test_unknown_keymap_ids_and_key_names_are_one_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.app

    started: list[bool] = []
    monkeypatch.setattr(tui.app.HashiyaApp, "run", lambda self, **kw: started.append(True))
    config = tmp_path / "config.yaml"
    config.write_text("keymap:\n  reader.tag: t\n  reader.tga: x\n", encoding="utf-8")
    code, _, err = run(db, "--config", str(config))
    assert code == 1
    assert err.startswith(f"Error: {config}:3: keymap: unknown binding id 'reader.tga'")
    assert "did you mean reader.tag" in err and err.count("\n") == 1
    config.write_text("keymap:\n  reader.tag: t\n\n  reader.edit: ctrl+blah\n", encoding="utf-8")
    code, _, err = run(db, "--config", str(config))
    assert code == 1
    assert err == (
        f"Error: {config}:4: keymap: reader.edit: 'blah' in 'ctrl+blah' is not a key name"
        " (keys are like t, ctrl+s, enter, f2, question_mark)\n"
    )
    config.write_text("keymap:\n  reader.tag: hyperx+a\n", encoding="utf-8")
    code, _, err = run(db, "--config", str(config))
    assert code == 1 and "'hyperx' in 'hyperx+a' is not a modifier" in err
    assert not started
    config.write_text(
        "keymap:\n  reader.tag: enter,t,space\n  quit: ctrl+q\n  list.search: question_mark,f2\n",
        encoding="utf-8",
    )
    code, _, err = run(db, "--config", str(config))
    assert code == 0, err
    assert started == [True]


def test_every_binding_id_in_the_source_can_be_remapped() -> None:
    """The keymap check knows every id a Binding declares, wherever it is declared."""
    import re

    from tui.keymap import binding_ids

    root = Path(__file__).parents[2] / "tui"
    declared = {
        match
        for path in root.rglob("*.py")
        for match in re.findall(
            r'Binding\((?:[^()]|\([^()]*\))*?\bid="([^"]+)"', path.read_text(encoding="utf-8")
        )
    }
    assert len(declared) > 50
    assert declared <= binding_ids()


# --------------------------------------------------------------------------- id lengths


def test_ids_have_a_length_limit(db: Path, tmp_path: Path, label_line: dict[str, Any]) -> None:
    articles = write_lines(
        tmp_path / "ids.jsonl",
        [
            article_line("نص بمعرف طويل", id="x" * (MAX_ARTICLE_ID + 1)),
            article_line("نص بمعرف مقبول", id="y" * MAX_ARTICLE_ID),
        ],
    )
    code, _, err = run(db, "import", str(articles))
    assert code == 1
    assert err == (
        f"rejected: {articles}:1: field 'id' is {MAX_ARTICLE_ID + 1} characters long"
        f" (the limit is {MAX_ARTICLE_ID})\n"
    )
    assert list(stored_texts(db)) == ["y" * MAX_ARTICLE_ID]

    long_article = renamed(label_line, "z" * 5_000)
    long_annotator = renamed(label_line, "b1") | {"annotator": "n" * (MAX_ANNOTATOR + 1)}
    long_span = renamed(label_line, "b2")
    long_span["spans"][0]["id"] = "s" * (MAX_PASSAGE_ID + 1)
    labels = write_lines(
        tmp_path / "labels.jsonl",
        [json.dumps(r, ensure_ascii=False) for r in (long_article, long_annotator, long_span)],
    )
    code, _, err = run(db, "import-annotations", str(labels))
    assert code == 1
    assert err.splitlines() == [
        f"{labels}:1: article_id: 5,000 characters long (at most {MAX_ARTICLE_ID})",
        f"{labels}:2: annotator: {MAX_ANNOTATOR + 1} characters long (at most {MAX_ANNOTATOR})",
        f"{labels}:3: spans[0].id: {MAX_PASSAGE_ID + 1} characters long (at most {MAX_PASSAGE_ID})",
        f"{labels}: nothing imported (fix the lines above, or --skip-invalid)",
    ]
    code, _, err = run(db, "--annotator", "n" * (MAX_ANNOTATOR + 1), "list")
    assert code == 1
    assert err == (
        f"Error: --annotator: {MAX_ANNOTATOR + 1} characters long (an annotator name has at"
        f" most {MAX_ANNOTATOR})\n"
    )


# --------------------------------------------------------------------------- brat


def test_a_huge_article_id_does_not_fail_a_brat_export(db: Path, tmp_path: Path) -> None:
    """A database from before the limits may hold any id: brat names stay short and apart."""
    store = two_annotator_db(db)
    seed = store.get_article(SEED_ID)
    assert seed is not None
    ids = ["L" * 5_000, "L" * 4_999 + "M", "l" * 5_000]  # one prefix; and only case apart
    for article_id in ids:
        article = make_article(seed.text, id=article_id)
        store.add_articles([article])
        store.add_passage(passage_on(article, "التحالف الدولي", "sara", stance="critical"))
    store.close()
    folder = tmp_path / "brat"
    code, _, err = run(db, "export", "--format", "brat", "-o", str(folder))
    assert code == 0, err
    names = sorted(p.name for p in (folder / "sara").iterdir())
    assert len(names) == 2 * (len(ids) + 1)  # .txt and .ann each
    assert len({name.casefold() for name in names}) == len(names)
    assert max(len(name.encode()) for name in names) <= 104
    texts = [p for p in (folder / "sara").glob("L*.txt")] + list((folder / "sara").glob("l*.txt"))
    assert len(texts) == 3
    assert all(p.read_text(encoding="utf-8") == seed.text for p in texts)


@pytest.mark.parametrize("existing", [False, True])
def test_a_brat_export_that_fails_leaves_no_folder(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    """The disk fills up after the first files: nothing of the export stays (and a folder
    that was there keeps what it had)."""
    two_annotator_db(db).close()
    folder = tmp_path / "out" / "brat"
    if existing:
        (folder / "sara").mkdir(parents=True)
        (folder / "sara" / "old.txt").write_text("قديم", encoding="utf-8")
    real_fsync = os.fsync
    calls: list[int] = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    code, _, err = run(db, "export", "--format", "brat", "-o", str(folder))
    assert code == 1
    assert err == f"Error: {folder}: cannot write (No space left on device)\n"
    if existing:
        assert sorted(
            p.relative_to(tmp_path).as_posix() for p in (tmp_path / "out").rglob("*")
        ) == [
            "out/brat",
            "out/brat/sara",
            "out/brat/sara/old.txt",
        ]
    else:
        assert not (tmp_path / "out").exists()


def test_a_config_folder_that_cannot_be_read_is_one_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user's home (a shared server, `sudo -u`): stat itself is refused."""
    config = tmp_path / "private" / "config.yaml"
    real_stat = Path.stat

    def stat(self: Path, **kwargs: Any) -> os.stat_result:
        if self == config:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    code, _, err = run(db, "--config", str(config), "list")
    assert code == 1
    assert err == f"Error: {config}: cannot read: Permission denied\n"


def test_the_json_schemas_state_the_id_limits() -> None:
    from annotations.export.json_schema import json_schema
    from annotations.schema import default_schema

    native_schema = json_schema(default_schema())
    native = native_schema["properties"]
    span = json_schema(default_schema(), "span")["properties"]
    span_id = native_schema["$defs"]["span"]["properties"]["id"]
    assert native["article_id"]["maxLength"] == span["article_id"]["maxLength"] == MAX_ARTICLE_ID
    assert native["annotator"]["maxLength"] == span["annotator"]["maxLength"] == MAX_ANNOTATOR
    assert span_id["maxLength"] == span["id"]["maxLength"] == MAX_PASSAGE_ID


def test_a_schema_label_with_a_lone_surrogate_or_deep_yaml_names_the_line(
    db: Path, tmp_path: Path
) -> None:
    bundled = (Path(__file__).parents[2] / "annotations/schemas/news.yaml").read_text(
        encoding="utf-8"
    )
    schema = tmp_path / "labels.yaml"
    schema.write_text(bundled.replace("name_ar: داعش", 'name_ar: "\\ud800"', 1), encoding="utf-8")
    line = bundled[: bundled.index("name_ar: داعش")].count("\n") + 1
    code, _, err = run(db, "schema", "check", str(schema))
    assert code == 1
    assert err == f"{schema}:{line}: actors[0].name_ar: {SURROGATE}\n"
    schema.write_text("name: x\nversion: '1'\nactor:\n  - " + deep(400) + "\n", encoding="utf-8")
    code, _, err = run(db, "schema", "check", str(schema))
    assert code == 1
    assert err == f"{schema}:4: (yaml): {TOO_DEEP}\n"
