"""The default report (``hoverify report``: every built-in variant), as the tests read it.

``conftest.py`` builds it once per test run (fixture ``default_report``, whichever
pytest-xdist worker asks first) for ``tests/test_report.py`` and ``tests/test_words.py``, which
built the same report each (8-16 s of the suite apiece). The tests only read it;
``test_two_runs_write_identical_bytes`` builds a second one of its own to compare with.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from hoverify.reports.data import ReportData

from hoverify.report_job import choose_variants, write_report


class Generated(NamedTuple):
    out: Path
    data: ReportData
    progress: list[str]


def generate(out: Path) -> Generated:
    progress: list[str] = []
    data = write_report(out, choose_variants(None), progress.append)
    return Generated(out, data, progress)
