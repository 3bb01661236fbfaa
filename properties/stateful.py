"""The Hypothesis stateful exploration: a ``RuleBasedStateMachine`` over an
:class:`~hoverify.properties.exploration.Exploration`, used by the tests and by
``hoverify explore``.

Rules choose *which* message, neighbour or field by an index into a stable ordering, so
shrinking works on small integers. A finding raises :class:`ClaimViolated`, which carries
the replayable trace of the (shrunk) example.

Reaching deep states with Hypothesis' own levers: its per-example rule flags (swarm
testing: each fault rule is on in some examples, off in others), a first handover in every
example with a drawn compromise of a hop's source (``@initialize``), edits drawn kind first,
preconditions that keep a rule from repeating itself uselessly, and ``target()`` on how
often each claim's situation arose, on the handovers decided before a Path Switch
Acknowledge and on those completed after a compromise (docs/exploration.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from hoverify.properties.adversary import DEFAULT, Adversary
from hoverify.properties.exploration import Exploration, Finding, variant_error_finding
from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.system import UE
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
# A compromise drawn with the first handover (or none): of the source eNB of the handover
# that starts after ``hop`` others. A compromised source eNB is whom forward security
# (TS 33.401 7.2.8.4) is about (it must not derive the keys of later hops) and who edits a
# handover's messages (downgrade, denial, capture).
PLANS = st.sampled_from([None, 0, 1, 2])
# The edits a compromised eNB draws from, kind first, so that a kind with few edits is not
# drowned by one with many: removing a field it relays first (stripping a derivation-mode
# signal, /work/shared/spec handover-keys section 7), so that shrinking tries it first.
EDIT_KINDS = ("remove", "rewrite", "add")


class ClaimViolated(AssertionError):
    def __init__(self, finding: Finding) -> None:
        steps = "\n".join(f"  {a.text}" for a in finding.trace)
        promised = "promised" if finding.promised else "not promised"
        super().__init__(f"{finding.claim} violated ({promised}): {finding.detail}\n{steps}")
        self.finding = finding


Selector = Callable[[Finding], bool]


FAULTS = frozenset({"drop", "duplicate", "replay", "refuse", "compromise", "rewrite", "inject"})
# explore's default: inject is asked for (it is a search of its own: forged messages)
DEFAULT_FAULTS = FAULTS - {"inject"}


def exploration_machine(variant: KeySchedule, topology: Topology, kasme: bytes,
                        selected: Selector, faults: frozenset[str] = DEFAULT_FAULTS,
                        counts: Counter[str] | None = None,
                        adversary: Adversary = DEFAULT,
                        aims: frozenset[str] | None = None) -> type[RuleBasedStateMachine]:
    """A state machine class exploring ``variant``; it fails on the first finding that
    ``selected`` accepts (other findings are ignored, so a search can target one claim).
    ``faults`` enables the network faults and adversary actions; scheduling (starting
    handovers, delivering in any order) is always on. ``counts`` gathers how often each
    claim's situation arose over every example ("sometimes"); ``adversary`` is the attacker
    model (``hoverify.properties.adversary``); ``aims``: the claims whose situations the
    search steers towards (``target``; None: every claim's)."""
    unknown = faults - FAULTS
    if unknown:
        raise ValueError(f"unknown faults {sorted(unknown)} (known: {sorted(FAULTS)})")

    targets = adversary.targets(topology, variant)
    parties = st.integers(min_value=0, max_value=max(3, len(targets) - 1))

    class HandoverExploration(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.exploration = Exploration(variant, topology, kasme, counts=Counter(),
                                           adversary=adversary)
            self.plan: int | None = None

        def _in_flight(self) -> bool:
            return bool(self.exploration.system.in_flight)

        def _compromised(self) -> bool:
            """A party or key is compromised (the attacker ``network`` holds none)."""
            return any(a.entities for a in self.exploration.engine.facts.attackers)

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
        @initialize(neighbour=INDEX, plan=PLANS)
        def first_handover(self, neighbour: int, plan: int | None) -> None:
            self.plan = plan if "compromise" in faults else None
            self.start_handover(neighbour)

        @rule(neighbour=INDEX)
        def start_handover(self, neighbour: int) -> None:
            self._planned_compromise()
            self._acting(lambda: self.exploration.start_handover(neighbour))

        def _planned_compromise(self) -> None:
            """The compromise this example drew (``PLANS``), as the handover it names starts:
            of its source eNB, if no party is compromised yet (a recorded step like any
            other)."""
            if self.plan is None or self._compromised() \
                    or self.exploration.engine.facts.hop != self.plan:
                return
            source = self.exploration.system.topology.cell(
                self.exploration.system.entity(UE).ctx.cell).enb
            if source in targets:
                self.exploration.compromise(targets.index(source))

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

        if "inject" in faults:  # only then a rule: the other searches draw as without it
            @precondition(lambda self: bool(self.exploration.history))
            @rule(index=st.integers(min_value=0, max_value=63))
            def inject(self, index: int) -> None:
                self.exploration.inject(index)

        @precondition(lambda self: "refuse" in faults and bool(self.exploration.requests()))
        @rule(index=INDEX)
        def refuse_preparation(self, index: int) -> None:
            self.exploration.refuse(index)

        # one compromised party per example, as verify bounds it: a rule that could only
        # repeat itself would take the steps the handovers need
        @precondition(lambda self: "compromise" in faults and not self._compromised())
        @rule(enb=parties)
        def compromise(self, enb: int) -> None:
            self.exploration.compromise(enb)

        @precondition(lambda self: "rewrite" in faults and self._compromised()
                      and bool(self.exploration.edit_choices()))
        @rule(index=INDEX, kind=st.sampled_from(EDIT_KINDS),
              leaf=st.integers(min_value=0, max_value=63))
        def rewrite(self, index: int, kind: str, leaf: int) -> None:
            """An edit of ``kind`` (``EDIT_KINDS``), else any edit, of a message the
            compromised eNBs handle."""
            chosen = self.exploration.edit_leaf(index, kind, leaf)
            self.exploration.edit(index, leaf if chosen is None else chosen)

        @invariant()
        def claims_hold(self) -> None:
            for finding in self.exploration.findings():
                if selected(finding):
                    raise ClaimViolated(finding)

        def teardown(self) -> None:
            """Tell Hypothesis how far this example went (``target``: it then mutates the
            examples that went furthest): how often the situation of each claim aimed at
            arose, the handovers decided before a Path Switch Acknowledge, and those
            completed after a compromise."""
            situations = self.exploration.engine.counts
            if counts is not None:
                counts.update(situations)
            for claim, arose in sorted(situations.items()):
                if aims is None or claim in aims:
                    target(arose, label=claim)
            facts = self.exploration.engine.facts
            target(len(facts.early), label="early decisions")
            since = [a.hop for a in facts.attackers if a.entities]
            if since:  # forward security is promised some hops after a compromise
                target(sum(c.number > min(since) for c in facts.completions),
                       label="handovers after a compromise")
            self.exploration.close()

    HandoverExploration.__name__ = f"HandoverExploration[{variant.name}]"
    return HandoverExploration
