"""What the app's start-up skips or puts off gives what the full path gives."""

from __future__ import annotations

import subprocess
import sys
import threading
from importlib import resources
from pathlib import Path

import pytest

from annotations.schema import SchemaError, default_schema, parse_schema, schema_with_user_actors
from annotations.store import UserActor
from annotations.untrusted import yaml_too_deep


def test_the_bundled_schema_read_without_the_nesting_walk_is_the_checked_one() -> None:
    resource = resources.files("annotations").joinpath("schemas/news.yaml")
    text = resource.read_text(encoding="utf-8")
    assert yaml_too_deep(text) is None  # the walk it skips finds nothing
    assert default_schema() == parse_schema(text, str(resource))


def test_the_app_starts_without_yaml_and_reads_the_bundled_schema_when_asked(
    tmp_path: Path,
) -> None:
    # In a fresh interpreter: what a start imports is what `hashiya` pays for.
    code = (
        "import sys\n"
        "from tui.app import make_app\n"
        f"app = make_app({str(tmp_path / 'h.db')!r}, annotator='sara')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'yaml'\n"
        "    or m.startswith('annotations.schema')))\n"
        "from annotations.schema import default_schema, schema_with_user_actors\n"
        "assert app.base_schema is default_schema()\n"
        "assert app.label_schema == schema_with_user_actors(app.store, default_schema())\n"
        "print('yaml' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[]", "True"]


def test_actors_added_after_the_schema_was_read_are_in_it_after_a_reload(tmp_path: Path) -> None:
    from tui.app import make_app

    app = make_app(tmp_path / "h.db", annotator="sara")
    try:
        before = app.label_schema
        assert app.label_schema is before  # read once
        app.store.add_actor(UserActor("observers", "مراقبون", "Observers", created_by="sara"))
        assert "observers" not in [a.id for a in app.label_schema.actors]
        app.reload_schema()
        assert "observers" in [a.id for a in app.label_schema.actors]
        assert app.base_schema is default_schema()
    finally:
        app.store.close()


def test_a_worker_that_asks_for_the_schema_first_reads_it_on_a_connection_of_its_own(
    tmp_path: Path,
) -> None:
    from tui.app import make_app

    app = make_app(tmp_path / "h.db", annotator="sara")
    try:
        app.store.add_actor(UserActor("observers", "مراقبون", "Observers", created_by="sara"))
        got: list[object] = []
        worker = threading.Thread(target=lambda: got.append(app.label_schema))
        worker.start()
        worker.join()
        assert got == [schema_with_user_actors(app.store, default_schema())]
        assert "observers" in [a.id for a in app.label_schema.actors]
    finally:
        app.store.close()


def test_a_schema_file_given_is_read_before_the_app(tmp_path: Path) -> None:
    from tui.app import make_app

    bad = tmp_path / "labels.yaml"
    bad.write_text("name: [\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"labels\.yaml:2: \(yaml\)"):
        make_app(tmp_path / "h.db", annotator="sara", schema_path=bad)
