"""Shared settings for the test suite: Hypothesis profiles are registered in one place, and
the default report is built once per test process (one per pytest-xdist worker)."""

from __future__ import annotations

import os

import pytest
from default_report import Generated, generate
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None)
settings.register_profile("deep", max_examples=2000, deadline=None)
# hypofuzz skips tests whose settings derandomize or set a non-default database.
settings.register_profile("fuzz", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def default_report(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(tmp_path_factory.mktemp("report") / "default")
