"""Shared settings for the test suite: Hypothesis profiles are registered in one place, and
the default report is built once per test process (one per pytest-xdist worker)."""

from __future__ import annotations

import os

import pytest
from default_report import Generated, generate
from hypothesis import HealthCheck, settings

from hoverify.campaign import campaign, profile_database
from hoverify.errors import UsageError


def pytest_configure(config: pytest.Config) -> None:
    """The profiles, and the one ``HYPOTHESIS_PROFILE`` names (``ci`` by default). ``fuzz``
    (for hypofuzz, which skips tests whose settings derandomize or set another database
    than the profile's) takes its database from ``HOVERIFY_DATABASE`` (hoverify.campaign):
    a bad one is a usage error, one line, before any test runs; so is a bad campaign
    (``HOVERIFY_FUZZ``, the fuzz target's: tests/test_fuzz.py)."""
    settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("dev", deadline=None)
    settings.register_profile("deep", max_examples=2000, deadline=None)
    name = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    try:
        database = profile_database() if name == "fuzz" else None
        campaign()
    except UsageError as error:
        raise pytest.UsageError(str(error)) from None
    settings.register_profile("fuzz", deadline=None,
                              **({} if database is None else {"database": database}))
    settings.load_profile(name)


@pytest.fixture(scope="session")
def default_report(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(tmp_path_factory.mktemp("report") / "default")
