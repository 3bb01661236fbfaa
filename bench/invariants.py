"""Hypothesis steps per second with every invariant on, and with invariants off.

"On" is ``hoverify.properties.stateful.exploration_machine`` as ``hoverify explore`` runs it (a
selector that accepts no finding, so no example stops early). "Off" is the same machine
with the invariant work removed, and only that:
  - ``claims_hold`` is a no-op (still an ``@invariant``, so Hypothesis runs the same
    per-step machinery), and
  - the claim engine (``hoverify.properties.engine``) is not fed: no facts, no closures, no
    per-step claims (``Exploration._observe_new`` keeps only the
    message history the ``replay`` rule reads, which is model state, not an invariant).
Everything else is identical: the System, the rules, their preconditions (the attackers the
``rewrite`` rule needs are still registered by ``compromise``), the Action records. Both
run the same derandomized examples; ``same_actions`` checks they took the same actions.

``invariant_overhead`` = (steps/s off) / (steps/s on) - 1.
"""

from __future__ import annotations

import gc
import hashlib
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

from hoverify.properties.exploration import Exploration
from hoverify.properties.explore import EXPLORATION_KASME
from hoverify.properties.stateful import exploration_machine
from hoverify.statemachines.topology import small_topology
from hoverify.statemachines.variants import load
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, run_state_machine_as_test


class UnmonitoredExploration(Exploration):
    """The same system and actions; the claim engine is never told about a step."""

    def _observe_new(self, start: int, before: Any) -> None:
        for index in range(start, len(self.system.steps)):
            self.history.extend(self.system.steps[index].outcome.sent)


@dataclass
class Tally:
    steps: int = 0
    examples: int = 0
    digest: Any = field(default_factory=hashlib.sha256)


def machines(variant: str = "ts33401") -> tuple[type[RuleBasedStateMachine],
                                                 type[RuleBasedStateMachine]]:
    """(invariants on, invariants off)."""
    schedule = load(variant)
    topology = small_topology()
    on = exploration_machine(schedule, topology, EXPLORATION_KASME, lambda finding: False)

    class Off(on):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            RuleBasedStateMachine.__init__(self)
            self.exploration = UnmonitoredExploration(schedule, topology, EXPLORATION_KASME)

        @invariant()
        def claims_hold(self) -> None:
            return None

    Off.__name__ = on.__name__  # the derandomized seed must not differ by name
    return on, Off


def _counted(machine: type[RuleBasedStateMachine], tally: Tally) -> type[RuleBasedStateMachine]:
    class Counted(machine):  # type: ignore[misc, valid-type]
        def check_invariants(self, *args: Any, **kwargs: Any) -> None:
            tally.steps += 1  # once after set-up and once after each rule, as in explore
            super().check_invariants(*args, **kwargs)

        def teardown(self) -> None:
            tally.examples += 1
            for action in self.exploration.trace:
                tally.digest.update(action.text.encode())
            tally.digest.update(b"\n")
            super().teardown()

    Counted.__name__ = machine.__name__
    return Counted


def steps_per_second(machine: type[RuleBasedStateMachine], examples: int,
                     steps: int) -> tuple[float, Tally]:
    tally = Tally()
    gc.collect()  # start each run from the same heap, not with the last run's garbage
    start = perf_counter()
    run_state_machine_as_test(_counted(machine, tally), settings=settings(
        max_examples=examples, stateful_step_count=steps, database=None, derandomize=True,
        deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)))
    return tally.steps / (perf_counter() - start), tally
