"""Shared settings for the test suite: Hypothesis profiles are registered in one place, and
what several test modules read is computed once per test run (``shared``), whichever
pytest-xdist worker runs them: the default report and the bounded search of ts33401."""

from __future__ import annotations

import fcntl
import math
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from default_report import Generated, generate
from hoverify.properties.verify import VerifyResult, verify
from hoverify.statemachines.variants import load
from hypothesis import HealthCheck, settings

import hoverify.progress
from hoverify.campaign import campaign, profile_database
from hoverify.errors import UsageError

T = TypeVar("T")


@pytest.fixture(autouse=True)
def _no_plain_progress_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command's stderr in a test (not a terminal) must not depend on how long it ran on a
    loaded machine: no plain progress line (``hoverify.progress.PLAIN_SECONDS``) unless a
    test sets the interval itself."""
    monkeypatch.setattr(hoverify.progress, "PLAIN_SECONDS", math.inf)


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


def shared(factory: pytest.TempPathFactory, name: str, compute: Callable[[Path], T]) -> T:
    """``compute(folder)``, once per test run: the first process to ask computes it (in a
    folder of its own) and leaves it pickled in the folder every pytest-xdist worker's
    temporary folders are in (the run's); the others wait for it there and read it. The
    tests only read what it returns."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the controller's: --basetemp gives each worker a folder in it
    pickled = root / f"{name}.pickle"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released as the file closes
        if pickled.exists():
            return pickle.loads(pickled.read_bytes())
        value = compute(root / name)
        pickled.write_bytes(pickle.dumps(value))
        return value


@pytest.fixture(scope="session")
def default_report(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """tests/test_report.py and tests/test_words.py read it."""
    return shared(tmp_path_factory, "default-report", generate)


@pytest.fixture(scope="session")
def ts33401_two_handovers(tmp_path_factory: pytest.TempPathFactory) -> VerifyResult:
    """``hoverify verify --variant ts33401 --max-handovers 2``: its default faults (drop and
    compromise) and claims; tests/test_verify.py and tests/test_exploration.py read it."""
    return shared(tmp_path_factory, "ts33401-two-handovers",
                  lambda _: verify(load("ts33401"), max_handovers=2))
