"""The suite's own settings: what keeps it passing on a busy machine."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


def test_hypothesis_runs_without_deadlines_by_default() -> None:
    ci = settings.get_profile("ci")
    assert ci.deadline is None
    assert HealthCheck.too_slow in ci.suppress_health_check
    if "HYPOTHESIS_PROFILE" not in os.environ:
        assert settings().deadline is None  # loaded by tests/conftest.py
