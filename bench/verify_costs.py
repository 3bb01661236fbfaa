"""What a ``verify`` search costs beyond the model, per state in memory, and what a second
worker brings (issue 17, item 6). Default faults (drop, compromise) on ``ts33401``.

- ``overhead``: transitions per CPU-second of ``verify`` in this process, over steps per
  CPU-second of the bare model taking the same transitions: for every transition of the
  search, restore the parent's snapshot of the ``System`` and take the action on the model
  alone (start a handover, deliver or drop a message; a compromise is no step of the model,
  so it is only the restore), without claims, fingerprints or snapshots of the result. That
  is the bare model's CPU over ``verify``'s on the same transitions: 1 for a free ``verify``.
  The transitions are recorded once, from a search, before the rounds. (Until 2026-11-30 the
  ratio divided ``verify``'s *states* per CPU-second, and a search takes about 2.5
  transitions per state, so a free ``verify`` would have scored 0.40 against a goal of 0.5;
  that figure is still reported, as information: ``state_overhead``.)
- ``bytes_per_state``: peak RSS of ``hoverify verify --workers 1`` that exhausts its bound,
  minus the peak RSS of the same command stopped at one state (interpreter, imports, model
  set-up), over the states visited. Both read the package compiled (bytecode written by a
  first run into a scratch ``PYTHONPYCACHEPREFIX``): compiling it at start-up raises the
  stopped run's peak by about 4 MiB, and the figure at two handovers fell from 147 to 110 B
  with the shell's ``PYTHONDONTWRITEBYTECODE`` (measured 2026-12-06), so it measured the
  environment rather than ``verify``.
- ``parallel_efficiency``: ``hoverify verify --workers 2``'s states per second over twice
  ``--workers 1``'s (each the command's own wall-clock figure), measured alternately; the
  load average of the last minute beside each round.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoverify.properties.exploration import Action, Exploration
from hoverify.properties.explore import EXPLORATION_KASME
from hoverify.properties.verify import verify
from hoverify.statemachines.system import UE, Snapshot, System
from hoverify.statemachines.topology import small_topology
from hoverify.statemachines.variants import load

from bench import commands

VARIANT = "ts33401"


def transitions(max_handovers: int) -> list[tuple[Snapshot, Action]]:
    """Every transition of the search: the parent's snapshot of the system, the action."""
    recorded: list[tuple[Snapshot, Action]] = []
    apply = Exploration.apply

    def recording(self: Exploration, action: Action) -> Action | None:
        recorded.append((self.system.snapshot(), action))
        return apply(self, action)

    Exploration.apply = recording  # type: ignore[method-assign]
    try:
        verify(load(VARIANT), max_handovers=max_handovers)
    finally:
        Exploration.apply = apply  # type: ignore[method-assign]
    return recorded


def _model_step(system: System, action: Action) -> None:
    if action.kind == "start":
        current = system.topology.cell(system.entity(UE).ctx.cell)
        system.start_handover([c for c in system.topology.cells if c != current][action.index])
    elif action.kind == "deliver":
        system.deliver(action.index)
    elif action.kind == "drop":
        system.drop(action.index)
    # compromise: the adversary's knowledge, no step of the model


def bare_steps_per_cpu_second(recorded: list[tuple[Snapshot, Action]]) -> float:
    exploration = Exploration(load(VARIANT), small_topology(), EXPLORATION_KASME)
    system = exploration.system
    start = time.process_time()
    for snapshot, action in recorded:
        system.restore(snapshot)
        _model_step(system, action)
    seconds = time.process_time() - start
    exploration.close()
    return len(recorded) / seconds


@dataclass(frozen=True)
class Search:
    """One ``verify`` in this process: what it visited and took, and its CPU seconds."""
    states: int
    transitions: int
    cpu_seconds: float

    @property
    def transitions_per_second(self) -> float:
        return self.transitions / self.cpu_seconds

    @property
    def states_per_second(self) -> float:
        return self.states / self.cpu_seconds


def verify_search(max_handovers: int) -> Search:
    start = time.process_time()
    result = verify(load(VARIANT), max_handovers=max_handovers)
    return Search(result.states, result.transitions, time.process_time() - start)


@dataclass(frozen=True)
class Run:
    states: int
    states_per_second: float
    peak_mib: float


def command(*args: str, environ: dict[str, str | None] | None = None) -> Run:
    """``hoverify verify --json`` on the bound given, in a subprocess."""
    with tempfile.TemporaryDirectory() as tmp:
        done = commands.hoverify("verify", "--variant", VARIANT, "--json", "--quiet",
                                 "--out", str(Path(tmp) / "findings"), *args, cwd=Path(tmp),
                                 environ=environ)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"`hoverify verify {' '.join(args)}` exited {done.returncode}: "
                           f"{done.stderr.strip()[-200:]}")
    document = json.loads(done.stdout)
    return Run(document["states"], document["states_per_second"], done.peak_mib)


def bytes_per_state(max_handovers: int) -> tuple[float, Run, Run]:
    bound = ["--max-handovers", str(max_handovers), "--workers", "1"]
    with commands.compiled() as compiled:
        command(*bound, "--max-states", "1", environ=compiled)  # writes the bytecode
        full = command(*bound, environ=compiled)
        base = command(*bound, "--max-states", "1", environ=compiled)
    return (full.peak_mib - base.peak_mib) * 2**20 / full.states, full, base


def parallel_efficiency(max_handovers: int) -> tuple[float, dict[str, Any]]:
    """One round: one worker, then two, alternately; the load average beside."""
    bound = ["--max-handovers", str(max_handovers)]
    load_before = os.getloadavg()[0]
    one = command(*bound, "--workers", "1")
    two = command(*bound, "--workers", "2")
    ratio = two.states_per_second / (2 * one.states_per_second)
    return ratio, {"one_worker_states_per_second": one.states_per_second,
                   "two_workers_states_per_second": two.states_per_second,
                   "states": one.states, "same_states": one.states == two.states,
                   "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def rounds(measure: Callable[[], tuple[float, Any]], count: int) -> tuple[list[float], list[Any]]:
    values, extras = [], []
    for _ in range(count):
        value, extra = measure()
        values.append(value)
        extras.append(extra)
    return values, extras
