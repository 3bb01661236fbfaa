"""Whole commands in a subprocess: ``hoverify report`` (time, peak memory) and ``hoverify
verify`` (states per second, as the command reports it).

Each runs as ``python3 -m hoverify.cli ...`` with the repository on ``PYTHONPATH``, in a fresh
temporary directory (so nothing lands in the working tree). Peak memory is the command's
``ru_maxrss`` from ``os.wait4`` (the command and the descendants it waited for), taken by a
small launcher process that starts it: on Linux a process keeps, in its ``ru_maxrss``, the
peak of the image it replaced at ``exec``, so a command started directly by this benchmark
(over 1 GiB after the 10^6-node closure) would report this process's peak, not its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Finished:
    returncode: int
    seconds: float
    peak_mib: float
    stdout: str
    stderr: str


# Runs argv[2:], waits for it, writes its exit code, wall time and ru_maxrss to argv[1].
_LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"returncode": os.waitstatus_to_exitcode(status), "maxrss_kib": usage.ru_maxrss,
               "seconds": time.perf_counter() - start}, out)
"""


def hoverify(*args: str, cwd: Path, module: str = "hoverify.cli",
             environ: dict[str, str | None] | None = None) -> Finished:
    """Run ``hoverify ARGS`` in ``cwd`` (as ``python -m MODULE``), with the variables of
    ``environ`` set (None: unset); wall time and peak resident memory of the command."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    for name, value in (environ or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    with tempfile.TemporaryDirectory() as tmp:
        measured = Path(tmp) / "measured.json"
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            subprocess.run([sys.executable, "-c", _LAUNCHER, str(measured), sys.executable,
                            "-m", module, *args], cwd=cwd, env=env, stdout=stdout,
                           stderr=stderr, stdin=subprocess.DEVNULL, check=True)
        result = json.loads(measured.read_text())
        return Finished(result["returncode"], result["seconds"],
                        result["maxrss_kib"] / 1024,  # KiB on Linux
                        out.read_text(errors="replace"), err.read_text(errors="replace"))


@contextmanager
def compiled() -> Iterator[dict[str, str | None]]:
    """The ``environ`` under which a command reads the package's bytecode as an install
    leaves it, written by its first run into a scratch ``PYTHONPYCACHEPREFIX``: where
    ``PYTHONDONTWRITEBYTECODE`` is set, as on the development VM, every run would else
    compile every module again, which costs start-up time and ~4 MiB of peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        yield {"PYTHONDONTWRITEBYTECODE": None, "PYTHONPYCACHEPREFIX": tmp}


@dataclass(frozen=True)
class Measured:
    value: float | None
    note: str
    extra: dict[str, object]


def report() -> tuple[Measured, Measured]:
    """``hoverify report`` on its default set of variants: (seconds, peak MiB)."""
    with tempfile.TemporaryDirectory() as tmp:
        done = hoverify("report", "--out", str(Path(tmp) / "report"), cwd=Path(tmp))
    if done.returncode != 0:  # report exits 0 whatever the verdicts
        reason = f"`hoverify report` exited {done.returncode}: {_last_line(done.stderr)}"
        return Measured(None, reason, {}), Measured(None, reason, {})
    extra: dict[str, object] = {"exit_code": done.returncode}
    return (Measured(done.seconds, "default variants, wall time", extra),
            Measured(done.peak_mib, "peak RSS of the report process", extra))


def verify(max_handovers: int, variant: str = "ts33401") -> Measured:
    """``hoverify verify --json``: its own states-per-second figure."""
    with tempfile.TemporaryDirectory() as tmp:
        done = hoverify("verify", "--variant", variant, "--max-handovers", str(max_handovers),
                        "--json", "--out", str(Path(tmp) / "findings"), cwd=Path(tmp))
    if done.returncode not in (0, 1):  # 1: a promised claim is violated within the bound
        return Measured(None, f"`hoverify verify` exited {done.returncode}: "
                              f"{_last_line(done.stderr)}", {})
    try:
        document = json.loads(done.stdout)
        rate = float(document["states_per_second"])
    except (ValueError, KeyError, TypeError) as error:
        return Measured(None, f"unreadable `hoverify verify --json` output ({error})", {})
    extra = {key: document.get(key) for key in ("states", "transitions", "seconds", "faults")}
    extra["peak_mib"] = round(done.peak_mib, 1)
    return Measured(rate, f"{variant}, at most {max_handovers} handover(s), default faults",
                    extra)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"
