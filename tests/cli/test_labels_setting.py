"""The `labels` display setting: config file key and `--labels`, checked in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.config import Settings
from tui.cli.main import cli


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """The settings the app would start with (the app itself is not started)."""
    seen: list[Settings] = []
    monkeypatch.setattr("tui.app.run_app", seen.append)
    return seen


def test_labels_default_config_and_option(tmp_path: Path, started: list[Settings]) -> None:
    db = ["--db", str(tmp_path / "h.db")]
    config = tmp_path / "config.yaml"
    assert CliRunner().invoke(cli, db).exit_code == 0
    config.write_text("labels: ar\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["--config", str(config), *db]).exit_code == 0
    result = CliRunner().invoke(cli, ["--config", str(config), "--labels", "en", *db])
    assert result.exit_code == 0
    assert [s.labels for s in started] == ["en", "ar", "en"]  # the option wins


def test_a_bad_labels_value_is_one_line(tmp_path: Path, started: list[Settings]) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("annotator: sara\nlabels: fr\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "list"])
    assert result.exit_code == 1
    assert result.output.strip().endswith(
        "config.yaml:2: key 'labels': expected ar or en, got 'fr'"
    )
    assert len(result.output.strip().splitlines()) == 1
    result = CliRunner().invoke(cli, ["--labels", "fr"])
    assert result.exit_code == 2 and "'fr' is not one of 'ar', 'en'" in result.output
    assert started == []
