"""Shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The suite runs on busy two-core machines: an example may take long there without
# anything being wrong, so no deadline and no "too slow" health check. This profile is
# the default; HYPOTHESIS_PROFILE=dev gives Hypothesis's own (deadlines on).
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The live interop tests run real tools that are not test extras (Label Studio, in a
# virtualenv of its own): only on request (`make interop-labelstudio`), never counted
# here as passed or skipped; the summary says they were not run.
INTEROP_OPT_IN = "HASHIYA_LABELSTUDIO_VENV"
collect_ignore = [] if os.environ.get(INTEROP_OPT_IN) else ["interop"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    ran = any(
        str(getattr(report, "nodeid", "")).startswith("tests/interop/")
        for reports in terminalreporter.stats.values()
        for report in reports
    )
    if not ran:
        terminalreporter.write_line(
            "not run: tests/interop (Label Studio live test; make interop-labelstudio)"
        )


ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).parent / "data"


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user's database or config from a test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("HASHIYA_DB", raising=False)
    monkeypatch.delenv("HASHIYA_ANNOTATOR", raising=False)
