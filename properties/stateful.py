"""The Hypothesis stateful exploration: a ``RuleBasedStateMachine`` over an
:class:`~hoverify.properties.exploration.Exploration`, used by the tests and by
``hoverify explore``.

Rules choose *which* message, neighbour or field by an index into a stable ordering, so
shrinking works on small integers. A finding raises :class:`ClaimViolated`, which carries
the replayable trace of the (shrunk) example.

Reaching deep states with Hypothesis' own levers (docs/exploration.md): one rule, ``step``,
drawing an action among those possible now, so that starting handovers and delivering are
always on while the faults follow swarm testing (which of them an example may use is drawn
with its first handover, ``@initialize``); a compromise drawn with it, of the serving eNB
once n handovers have completed or of an eNB the UE left n handovers before, or of the
serving eNB before the first handover, the UE then handed back to it (``PLANS``: forward and
backward security); deliveries counted from the oldest or the newest message,
and whether the source's UE context releases wait for a later handover (``RELEASES``), drawn
per example; one action per kind of edit, possible while a message with such an edit is in
flight, one edit per example (as verify bounds it); in-order deliveries that stop where a
fault gains a choice; preconditions that keep an action from repeating itself uselessly; and
``target()`` on how often each claim's situation arose, on the handovers decided before a
Path Switch Acknowledge and on those completed after a compromise (``explore`` runs the
generate phase only: the scores steer which of its mutations Hypothesis keeps).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from typing import Any, NamedTuple

from hoverify.properties.adversary import DEFAULT, Adversary
from hoverify.properties.exploration import (
    DEFAULT_FAULTS,
    FAULTS,
    Exploration,
    Finding,
    ShortestRuns,
    variant_error_finding,
)
from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.messages import Interface, Kind, Message
from hoverify.statemachines.topology import Topology
from hoverify.statemachines.variant import KeySchedule
from hypothesis import strategies as st
from hypothesis import target
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

INDEX = st.integers(min_value=0, max_value=3)


class Plan(NamedTuple):
    """A compromise drawn with the first handover: once ``after`` handovers have completed,
    of the eNB that served the UE ``ago`` handovers before (0: the serving eNB), if the UE
    has not been back to it since; with ``back``, the UE is then handed back to that eNB."""

    after: int
    ago: int
    back: bool = False


# The plans (or none). Forward security (TS 33.401 7.2.8.4) is about a party of an EARLIER
# hop deriving later keys: a serving eNB compromised as it serves (``SERVING``: the source of
# the next hop, also who edits that handover's messages: downgrade, denial, capture).
# Backward security (TS 33.501 3.1) is about a compromised eNB deriving EARLIER keys: those
# other eNBs used before a KeNB of its own that it knows (``BackwardSecurity.earlier``). Its
# situation arises in two ways: an eNB the UE left ``ago`` handovers before, compromised
# then (``LEFT``: at the first moment the UE has been away that long, whichever hop it left
# by; which keys it may still derive follows forward security's promise for the hop that
# took the UE away, n hops, 1 or 2 in the model, so ``ago`` is 1 or 2); and an eNB
# compromised early that the UE comes back to (``RETURN``: the serving eNB, compromised
# before the first handover; the first handover started while the UE is away from it goes
# back to one of its cells, by S1 or X2 as the topology has it; where edits are enabled its
# one edit is on the way, on S1 or X2). Drawn about as often as the claims they serve: four
# claims' attacker is a serving eNB, one's a compromised eNB with earlier keys: 3/4 and 1/4
# of the compromises drawn, the return plan counted in both (its eNB serves as the source of
# the hop away; it is one of the two draws of the serving eNB before the first handover).
# Simplest first, so that the draw shrinks towards no compromise, then the current source.
SERVING = [Plan(0, 0), Plan(1, 0), Plan(2, 0)]
LEFT = [Plan(1, 1), Plan(2, 2)]
RETURN = Plan(0, 0, back=True)
PLANS = st.sampled_from([None, *SERVING, RETURN, *SERVING[1:], *LEFT])
# The rewrite fault's actions, one per kind of edit (``hoverify.properties.exploration.
# edit_kind``), each possible only while a compromised eNB has a message in flight with an
# edit of its kind, so that a kind with few edits is not drowned by one with many: removing a
# field it relays (stripping a derivation-mode signal, /work/shared/spec handover-keys
# section 7) is possible only while a relayed container is in flight to it, e.g. the S1AP
# HandoverCommand. ``identity``, a flip of the eNB UE S1AP ID (TS 36.413 9.2.3.4) or an eNB
# UE X2AP ID (TS 36.423 9.2.24), is a kind of its own: it names another UE association or
# handover and changes no key material, so an example's swarm either spends its edit on
# identities or on what the UE and the target derive keys from; and each action is in the
# swarm on its own, so a delivery stops ``deliver_in_order`` for an identity's flip only in
# an example that may make one.
EDIT_KINDS = ("remove", "rewrite", "add", "identity")
# The messages that end a source eNB's part in a handover: it releases the UE context, and
# with it the keys (TS 36.300 10.1.2.1.1 step 18 for X2, 10.1.2.1.2 for S1; TS 36.423 8.2.3,
# TS 36.413 8.3.3). Backward security is about a party compromised after the UE left it: what
# it still holds depends on when its release arrives. An example that drew ``late`` holds
# each back until a later handover has completed (the attacker may delay any message: NDS/IP
# protects the backhaul's content, not its timing).
RELEASES = frozenset({Kind.X2AP_UE_CONTEXT_RELEASE, Kind.S1AP_UE_CONTEXT_RELEASE_COMMAND})


def on_the_backhaul(message: Message) -> bool:
    """A message of S1 or X2 (TS 36.413, TS 36.423): a handover's preparation, which carries
    the target's key material (KeNB* or {NH, NCC}, TS 33.401 7.2.8.4), unlike RRC on Uu."""
    return message.interface is not Interface.UU


class ClaimViolated(AssertionError):
    def __init__(self, finding: Finding) -> None:
        steps = "\n".join(f"  {a.text}" for a in finding.trace)
        promised = "promised" if finding.promised else "not promised"
        super().__init__(f"{finding.claim} violated ({promised}): {finding.detail}\n{steps}")
        self.finding = finding


Selector = Callable[[Finding], bool]


SCHEDULING = frozenset({"start_handover", "deliver", "deliver_in_order"})


def exploration_machine(variant: KeySchedule, topology: Topology, kasme: bytes,
                        selected: Selector, faults: frozenset[str] = DEFAULT_FAULTS,
                        counts: Counter[str] | None = None,
                        adversary: Adversary = DEFAULT,
                        aims: frozenset[str] | None = None,
                        shortest: ShortestRuns | None = None) -> type[RuleBasedStateMachine]:
    """A state machine class exploring ``variant``; it fails on the first finding that
    ``selected`` accepts (other findings are ignored, so a search can target one claim).
    ``faults`` enables the network faults and adversary actions; scheduling (starting
    handovers, delivering in any order) is always on. ``counts`` gathers how often each
    claim's situation arose over every example ("sometimes"); ``adversary`` is the attacker
    model (``hoverify.properties.adversary``); ``aims``: the claims whose situations the
    search steers towards (``target``; None: every claim's); ``shortest`` notes, per claim,
    the shortest trace in which its situation arose, and the shortest in which a compromised
    eNB served the UE too (its reason is judged on one of them: ``ShortestRuns``)."""
    unknown = faults - FAULTS
    if unknown:
        raise ValueError(f"unknown faults {sorted(unknown)} (known: {sorted(FAULTS)})")

    targets = adversary.targets(topology, variant)
    parties = st.integers(min_value=0, max_value=max(3, len(targets) - 1))

    history = st.integers(min_value=0, max_value=63)
    # swarm testing as Groce et al. define it, over the faults' actions: each left out of an
    # example with probability 1/2, independently (``st.frozensets`` gave the empty set to
    # two thirds of the examples: Hypothesis draws collections short)
    features = sorted(a for f in faults for a in (EDIT_KINDS if f == "rewrite" else (f,)))
    swarms = st.lists(st.booleans(), min_size=len(features), max_size=len(features)).map(
        lambda flags: frozenset(f for f, on in zip(features, flags, strict=True) if on))
    # Each action: when it is possible, and its arguments. A precondition keeps an action
    # from repeating itself uselessly: one compromised party per example, as verify bounds
    # it (an example that drew a planned compromise has it: the rule would take it first,
    # mostly too early); one edit per example, as verify bounds it, each kind of edit while
    # a compromised eNB has a message in flight with an edit of that kind; refuse while a
    # HandoverRequest is in flight; a new handover once the UE's last MeasurementReport has
    # been delivered (each start is a new hop: ``System.start_handover``). The actions open
    # only in a window (an edit, a refusal) come first: within this state machine Hypothesis
    # draws the first of the possible actions more often than the last (measured on
    # seed-fs, seed 1: with the edits listed last, deliver was drawn 9 times as often as
    # remove where both were possible; listed first, remove about as often as deliver).
    actions: dict[str, tuple[Callable[[HandoverExploration], bool],
                             dict[str, st.SearchStrategy[Any]]]] = {
        **{kind: (lambda m, kind=kind: bool(m._edit_choices(kind)), {"choice": history})
           for kind in EDIT_KINDS},
        "refuse": (lambda m: bool(m._refusable()), {"index": INDEX}),
        "start_handover": (lambda m: not m._reporting(), {"neighbour": INDEX}),
        "deliver": (lambda m: bool(m._deliverable()), {"index": INDEX}),
        "deliver_in_order": (lambda m: bool(m._deliverable()),
                             {"count": st.integers(min_value=1, max_value=8)}),
        "drop": (lambda m: m._in_flight(), {"index": INDEX}),
        "duplicate": (lambda m: m._in_flight(), {"index": INDEX}),
        "replay": (lambda m: bool(m.exploration.history), {"index": history}),
        "inject": (lambda m: bool(m.exploration.history), {"index": history}),
        "compromise": (lambda m: m.plan is None and not m._compromised(), {"enb": parties}),
    }

    # built once: a strategy built per step would cost as much as the step's model work
    editing = frozenset(EDIT_KINDS) if "rewrite" in faults else frozenset()
    arguments = {name: st.fixed_dictionaries(strategies)
                 for name, (_, strategies) in actions.items()}
    choices = functools.cache(st.sampled_from)

    class HandoverExploration(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.exploration = Exploration(variant, topology, kasme, counts=Counter(),
                                           adversary=adversary)
            self.plan: Plan | None = None
            self.planned: str | None = None  # the eNB the plan compromised
            self.swarm: frozenset[str] = frozenset()  # the faults this example may use
            self.newest = False  # deliveries count from the newest message in flight
            self.late = False  # releases wait for a later handover's completion (RELEASES)
            self.edits: dict[str, list[tuple[int, int]]] = {}  # this step's, by kind

        def _in_flight(self) -> bool:
            return bool(self.exploration.system.in_flight)

        def _deliverable(self) -> list[int]:
            """The in-flight messages a delivery may pick, by index, oldest first: all but,
            in an example that drew ``late``, the releases whose handover no later completed
            handover follows."""
            system = self.exploration.system
            if not self.late:
                return list(range(len(system.in_flight)))
            last = max(handover for handover, _ in self._served())
            return [i for i, m in enumerate(system.in_flight)
                    if m.kind not in RELEASES or m.handover < last]

        def _served(self) -> list[tuple[int, str]]:
            """(handover, eNB) of each handover completed so far, its target having accepted
            the HO confirm (TS 36.331 5.3.5.4), after (0, the first serving eNB): read from
            the model's steps, those since the last call."""
            steps = self.exploration.system.steps
            for step in steps[self.read:]:
                if step.message.kind is Kind.RRC_HANDOVER_CONFIRM and step.outcome.accepted:
                    self.served.append((step.hop, step.message.receiver))
            self.read = len(steps)
            return self.served

        def _reporting(self) -> bool:
            """A MeasurementReport of the UE is in flight: its eNB has not read it yet."""
            return any(m.kind is Kind.RRC_MEASUREMENT_REPORT
                       for m in self.exploration.system.in_flight)

        def _compromised(self) -> bool:
            """A party or key is compromised (the attacker ``network`` holds none)."""
            return any(a.entities for a in self.exploration.engine.facts.attackers)

        def _noted(self, effect: Callable[[], object]) -> None:
            """Take one action of the exploration (``effect``), then note the trace for each
            claim whose situation it made arise (``ShortestRuns``): after each action, not
            each step, as a step may take several (``deliver_in_order``, a planned
            compromise after a delivery), so that a claim's run ends on the action that
            made its situation arise."""
            try:
                effect()
            finally:
                if shortest is not None:
                    shortest.note(self.exploration)

        def _acting(self, effect: Callable[[], object]) -> None:
            """Run an action that delivers messages: an exception of a variant hook there is
            the finding ``variant-error``, with the trace up to that action. Once found, it
            is not searched for again and the example goes on (the message is lost)."""
            try:
                self._noted(effect)
                self._planned_compromise()
            except VariantError as error:
                finding = variant_error_finding(error, tuple(self.exploration.trace))
                if selected(finding):
                    raise ClaimViolated(finding) from error

        # One step: Hypothesis draws an action among those possible now, then its arguments.
        # Starting handovers and delivering are the model making progress and always on;
        # the faults follow swarm testing (Groce et al., ISSTA 2012): which of them this
        # example may use is drawn with its first handover (``swarm``). Hypothesis' own rule
        # flags would switch the deliveries off too: as rules, no delivery at all in 43% of
        # the examples. A first handover is drawn with the example, so none is spent without;
        # so are the planned compromise, the delivery order and whether releases are late.
        @initialize(neighbour=INDEX, plan=PLANS, swarm=swarms, newest=st.booleans(),
                    late=st.booleans())
        def first_handover(self, neighbour: int, plan: Plan | None,
                           swarm: frozenset[str], newest: bool, late: bool) -> None:
            self.plan = plan if "compromise" in faults else None
            if self.plan is not None and self.plan.back:
                # the compromised eNB may edit, and the UE's way back is not held up; no
                # late release: measured so when the MME refused the UE's next procedure
                # until an S1 hop's release completed (docs/exploration.md, RETURN)
                swarm, late = swarm | editing, False
            self.swarm, self.newest, self.late = swarm, newest, late
            self.read = 0  # the model's steps ``_served`` has read
            self.served = [(0, topology.cells[0].enb)]
            self.since = 0  # the handovers completed when the plan compromised its eNB
            self.start_handover(neighbour)

        @rule(data=st.data())
        def step(self, data: st.DataObject) -> None:
            possible = self._possible()
            name = data.draw(choices(possible))
            getattr(self, name)(**data.draw(arguments[name]))

        def _possible(self) -> tuple[str, ...]:
            """The actions possible now: scheduling, and this example's faults."""
            self.edits = {}
            return tuple(name for name, (ready, _) in actions.items()
                         if (name in SCHEDULING or name in self.swarm) and ready(self))

        def start_handover(self, neighbour: int) -> None:
            self._planned_compromise()
            neighbour = self._returning(neighbour)
            self._acting(lambda: self.exploration.start_handover(neighbour))

        def _planned_compromise(self) -> None:
            """The compromise this example drew (``PLANS``), once its handovers have
            completed, if no party is compromised yet (a recorded step like any other)."""
            if self.plan is None or self._compromised():
                return
            served = [enb for _, enb in self._served()]
            latest = len(served) - 1
            if latest < self.plan.after:
                return
            enb = served[latest - self.plan.ago]
            if enb in targets and enb not in served[latest - self.plan.ago + 1:]:
                self._noted(lambda: self.exploration.compromise(targets.index(enb)))
                self.planned, self.since = enb, len(served)

        def _returning(self, neighbour: int) -> int:
            """The neighbour a handover starts to: with a return plan, while the UE is away
            from the eNB it compromised and has not been back since, the ``neighbour``-th of
            that eNB's cells; else ``neighbour`` itself."""
            if self.plan is None or not self.plan.back or self.planned is None:
                return neighbour
            cells = self.exploration.neighbours()
            back = [i for i, cell in enumerate(cells) if cell.enb == self.planned]
            away = len(back) == sum(cell.enb == self.planned for cell in topology.cells)
            since = [enb for _, enb in self._served()[self.since:]]
            left = next((i for i, enb in enumerate(since) if enb != self.planned), len(since))
            if not away or self.planned in since[left:]:
                return neighbour
            return back[neighbour % len(back)]

        def deliver(self, index: int) -> None:
            """The ``index``-th message a delivery may pick (``_deliverable``), counted from
            the oldest or, in an example that drew ``newest``, from the newest."""
            deliverable = self._deliverable()
            i = index % len(deliverable)
            picked = deliverable[-1 - i if self.newest else i]
            self._acting(lambda: self.exploration.deliver(picked))

        def deliver_in_order(self, count: int) -> None:
            """Up to ``count`` deliveries, the oldest (or the newest) first: lets a search
            make progress. It stops early once a delivery gives this example's faults more
            choices than they had (an edit of a message just put in flight, a refusal of a
            HandoverRequest, any action not possible before): the next step may take one.
            """
            before = self._choices()
            for _ in range(count):
                if not self._deliverable():
                    break
                self.deliver(0)
                now = self._choices()
                if any(now[name] > before.get(name, 0) for name in now):
                    break
                before = now

        def _choices(self) -> dict[str, int]:
            """How many choices each fault of this example has now (1: an action possible
            whatever it takes)."""
            counts = {name: 1 for name in self._possible() if name not in SCHEDULING}
            if "refuse" in counts:
                counts["refuse"] = len(self._refusable())
            for kind in EDIT_KINDS:
                if kind in counts:
                    counts[kind] = len(self._edit_choices(kind))
            return counts

        def drop(self, index: int) -> None:
            self._noted(lambda: self.exploration.drop(index))

        def duplicate(self, index: int) -> None:
            self._noted(lambda: self.exploration.duplicate(index))

        def replay(self, index: int) -> None:
            self._noted(lambda: self.exploration.replay(index))

        def inject(self, index: int) -> None:
            self._noted(lambda: self.exploration.inject(index))

        def refuse(self, index: int) -> None:
            refusable = self._refusable()
            if len(refusable) < len(self.exploration.requests()):  # one left out: the rest
                index = refusable[index % len(refusable)]
            self._noted(lambda: self.exploration.refuse(index))

        def _refusable(self) -> list[int]:
            """The in-flight HandoverRequests admission control may refuse, by their place
            among ``Exploration.requests``: with a return plan, not those to the eNB it
            compromised (its admission control is the attacker's, who wants the UE back)."""
            requests = self.exploration.requests()
            if self.plan is None or not self.plan.back or self.planned is None:
                return list(range(len(requests)))
            in_flight = self.exploration.system.in_flight
            return [k for k, i in enumerate(requests) if in_flight[i].receiver != self.planned]

        def compromise(self, enb: int) -> None:
            self._noted(lambda: self.exploration.compromise(enb))

        def _edit_choices(self, kind: str) -> list[tuple[int, int]]:
            """The edits of ``kind`` the compromised eNBs can make now (once per step)."""
            if kind not in self.edits:
                edited = bool(self.exploration.engine.facts.rewritten)  # one, as verify
                where = on_the_backhaul if self.plan is not None and self.plan.back else None
                self.edits[kind] = (self.exploration.edit_choices(kind, where)
                                    if self._compromised() and not edited else [])
            return self.edits[kind]

        def _edit(self, kind: str, choice: int) -> None:
            """The ``choice``-th edit of ``kind`` the compromised eNBs can make now."""
            choices = self._edit_choices(kind)
            self._noted(lambda: self.exploration.edit(*choices[choice % len(choices)]))

        def remove(self, choice: int) -> None:
            self._edit("remove", choice)

        def rewrite(self, choice: int) -> None:
            self._edit("rewrite", choice)

        def add(self, choice: int) -> None:
            self._edit("add", choice)

        def identity(self, choice: int) -> None:
            self._edit("identity", choice)

        @invariant()
        def claims_hold(self) -> None:
            for finding in self.exploration.findings():
                if selected(finding):
                    raise ClaimViolated(finding)

        def teardown(self) -> None:
            """Tell Hypothesis how far this example went (``target``: of the mutations it
            makes of an example, it mutates further one that went at least as far on every
            score): how often the situation of each claim aimed at arose, the handovers
            decided before a Path Switch Acknowledge, and those completed after a
            compromise."""
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
