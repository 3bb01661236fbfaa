"""The Hypothesis stateful exploration: a ``RuleBasedStateMachine`` over an
:class:`~hoverify.properties.exploration.Exploration`, used by the tests and by
``hoverify explore``.

Rules choose *which* message, neighbour or field by an index into a stable ordering, so
shrinking works on small integers. A finding raises :class:`ClaimViolated`, which carries
the replayable trace of the (shrunk) example.

Reaching deep states with Hypothesis' own levers: its per-example rule flags (swarm
testing: each fault rule is on in some examples, off in others), a first handover in every
example (``@initialize``), preconditions that keep a rule from repeating itself uselessly,
and ``target()`` on how often each claim's situation arose and on the handovers decided
before a Path Switch Acknowledge (docs/exploration.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from hoverify.properties.exploration import Exploration, Finding, variant_error_finding
from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.topology import Topology
from hoverify.statemachines.variant import KeySchedule
from hypothesis import strategies as st
from hypothesis import target
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

INDEX = st.integers(min_value=0, max_value=3)


class ClaimViolated(AssertionError):
    def __init__(self, finding: Finding) -> None:
        steps = "\n".join(f"  {a.text}" for a in finding.trace)
        promised = "promised" if finding.promised else "not promised"
        super().__init__(f"{finding.claim} violated ({promised}): {finding.detail}\n{steps}")
        self.finding = finding


Selector = Callable[[Finding], bool]


FAULTS = frozenset({"drop", "duplicate", "replay", "refuse", "compromise", "rewrite"})


def exploration_machine(variant: KeySchedule, topology: Topology, kasme: bytes,
                        selected: Selector, faults: frozenset[str] = FAULTS,
                        counts: Counter[str] | None = None) -> type[RuleBasedStateMachine]:
    """A state machine class exploring ``variant``; it fails on the first finding that
    ``selected`` accepts (other findings are ignored, so a search can target one claim).
    ``faults`` enables the network faults and adversary actions; scheduling (starting
    handovers, delivering in any order) is always on. ``counts`` gathers how often each
    claim's situation arose over every example ("sometimes")."""
    unknown = faults - FAULTS
    if unknown:
        raise ValueError(f"unknown faults {sorted(unknown)} (known: {sorted(FAULTS)})")

    class HandoverExploration(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.exploration = Exploration(variant, topology, kasme, counts=Counter())

        def _in_flight(self) -> bool:
            return bool(self.exploration.system.in_flight)

        def _acting(self, effect: Callable[[], object]) -> None:
            """Run an action that delivers messages: an exception of a variant hook there is
            the finding ``variant-error``, with the trace up to that action. Once found, it
            is not searched for again and the example goes on (the message is lost)."""
            try:
                effect()
            except VariantError as error:
                finding = variant_error_finding(error, tuple(self.exploration.trace))
                if selected(finding):
                    raise ClaimViolated(finding) from error

        # Hypothesis draws, per example, which rules are enabled (swarm testing: a fault
        # rule is off in some examples, on in others); a first handover is no rule, so that
        # no example is spent without one
        @initialize(neighbour=INDEX)
        def first_handover(self, neighbour: int) -> None:
            self.start_handover(neighbour)

        @rule(neighbour=INDEX)
        def start_handover(self, neighbour: int) -> None:
            self._acting(lambda: self.exploration.start_handover(neighbour))

        @precondition(lambda self: self._in_flight())
        @rule(index=INDEX)
        def deliver(self, index: int) -> None:
            self._acting(lambda: self.exploration.deliver(index))

        @precondition(lambda self: self._in_flight())
        @rule(count=st.integers(min_value=1, max_value=8))
        def deliver_in_order(self, count: int) -> None:
            """Up to ``count`` deliveries, oldest first: lets a search make progress."""
            for _ in range(count):
                if not self._in_flight():
                    break
                self._acting(lambda: self.exploration.deliver(0))

        @precondition(lambda self: "drop" in faults and self._in_flight())
        @rule(index=INDEX)
        def drop(self, index: int) -> None:
            self.exploration.drop(index)

        @precondition(lambda self: "duplicate" in faults and self._in_flight())
        @rule(index=INDEX)
        def duplicate(self, index: int) -> None:
            self.exploration.duplicate(index)

        @precondition(lambda self: "replay" in faults and bool(self.exploration.history))
        @rule(index=st.integers(min_value=0, max_value=63))
        def replay(self, index: int) -> None:
            self.exploration.replay(index)

        @precondition(lambda self: "refuse" in faults and bool(self.exploration.requests()))
        @rule(index=INDEX)
        def refuse_preparation(self, index: int) -> None:
            self.exploration.refuse(index)

        # one compromised eNB per example, as verify bounds it: a rule that could only
        # repeat itself would take the steps the handovers need
        @precondition(lambda self: "compromise" in faults
                      and not self.exploration.engine.facts.attackers)
        @rule(enb=INDEX)
        def compromise(self, enb: int) -> None:
            self.exploration.compromise(enb)

        @precondition(lambda self: "rewrite" in faults
                      and bool(self.exploration.engine.facts.attackers)
                      and bool(self.exploration.edit_choices()))
        @rule(index=INDEX, leaf=st.integers(min_value=0, max_value=63))
        def rewrite(self, index: int, leaf: int) -> None:
            self.exploration.edit(index, leaf)

        @invariant()
        def claims_hold(self) -> None:
            for finding in self.exploration.findings():
                if selected(finding):
                    raise ClaimViolated(finding)

        def teardown(self) -> None:
            """Tell Hypothesis how far this example went (``target``: it then mutates the
            examples that went furthest): how often each claim's situation arose, and the
            handovers decided before a Path Switch Acknowledge."""
            situations = self.exploration.engine.counts
            if counts is not None:
                counts.update(situations)
            for claim, arose in sorted(situations.items()):
                target(arose, label=claim)
            target(len(self.exploration.engine.facts.early), label="early decisions")
            self.exploration.close()

    HandoverExploration.__name__ = f"HandoverExploration[{variant.name}]"
    return HandoverExploration
