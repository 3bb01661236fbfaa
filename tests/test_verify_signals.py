"""A ``verify`` search with worker processes, ended from outside (helper-251 #1: a
coordinator ended by ``kill`` left its workers running, some still searching, on a shared
machine).

- SIGTERM (``kill``, a job scheduler) ends it as Ctrl-C does: the counts and findings so far
  printed, the bound said not exhausted, the workers stopped; exit 143 (128 + SIGTERM); sent
  to the whole process group too, as a job scheduler (and a terminal's Ctrl-C) sends it: the
  workers leave it to the coordinator (helper-267: they ended on it, and the coordinator
  stopped with a traceback, its findings unsaved).
- SIGKILL (or the OOM killer) leaves the coordinator no say: on Linux the kernel ends its
  workers with it (``prctl(2)`` ``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc; PR_SET_PDEATHSIG is Linux's")

# enough states for the search to be in its workers' hands, mid-level, and for
# fake-cell-capture (6 steps, not promised) to have been found
STATES = 20_000


def _children(pid: int) -> list[int]:
    """The processes ``pid``'s threads started (proc(5): /proc/PID/task/TID/children)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _running(pid: int) -> bool:
    """Neither gone nor a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _ended(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while any(_running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.fixture
def searching(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[int]]]:
    """``verify`` at three handovers with two workers, past ``STATES`` states; then the
    coordinator and its workers. Whatever the test leaves running is killed."""
    progress = tmp_path / "progress.jsonl"
    search = subprocess.Popen(
        [sys.executable, "-m", "hoverify", "verify", "--variant", "ts33401",
         "--max-handovers", "3", "--workers", "2", "--quiet", "--json-progress",
         str(progress), "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        start_new_session=True)  # a process group of its own, as a job scheduler starts it
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 300
        while not progress.exists() or not any(
                json.loads(line)["states"] >= STATES for line in progress.read_text().splitlines()):
            assert search.poll() is None, search.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        workers = _children(search.pid)
        assert len(workers) >= 2, workers
        yield search, workers
    finally:
        for pid in [search.pid, *workers]:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
        search.communicate()


@pytest.mark.parametrize("group", [False, True], ids=["coordinator", "process-group"])
def test_sigterm_ends_verify_as_ctrl_c_does_and_stops_its_workers(
        searching: tuple[subprocess.Popen[str], list[int]], tmp_path: Path,
        group: bool) -> None:
    search, workers = searching
    if group:
        os.killpg(search.pid, signal.SIGTERM)
    else:
        search.send_signal(signal.SIGTERM)
    out, err = search.communicate(timeout=120)
    assert search.returncode == 128 + signal.SIGTERM, err
    assert "bound NOT exhausted: stopped (interrupted by Ctrl-C or SIGTERM) at depth " in out
    assert "fake-cell-capture: fails (not promised)" in out  # found so far, and saved
    assert [p.name for p in (tmp_path / "out").iterdir()] == [
        "ts33401-fake-cell-capture-not-promised.json"]
    assert "Traceback" not in err
    assert _ended(workers, 10), [pid for pid in workers if _running(pid)]


def test_the_workers_of_a_killed_coordinator_end_with_it(
        searching: tuple[subprocess.Popen[str], list[int]]) -> None:
    search, workers = searching
    search.kill()
    search.wait(timeout=60)
    assert _ended(workers, 30), [pid for pid in workers if _running(pid)]
