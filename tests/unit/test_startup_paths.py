"""What the app's start-up skips or puts off gives what the full path gives."""

from __future__ import annotations

from importlib import resources

from annotations.schema import default_schema, parse_schema
from annotations.untrusted import yaml_too_deep


def test_the_bundled_schema_read_without_the_nesting_walk_is_the_checked_one() -> None:
    resource = resources.files("annotations").joinpath("schemas/news.yaml")
    text = resource.read_text(encoding="utf-8")
    assert yaml_too_deep(text) is None  # the walk it skips finds nothing
    assert default_schema() == parse_schema(text, str(resource))
