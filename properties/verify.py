"""``hoverify verify``: every interleaving within a bound, breadth first, not a sample.

The checker knows nothing of the protocol (stateright's split): it drives the same
:class:`~properties.exploration.Exploration` as the Hypothesis search, through the same
replayable :class:`~properties.exploration.Action` list (``Exploration.apply``), and the same
:class:`~properties.exploration.Monitor` judges every step. A path is therefore a trace that
``properties.explore.replay(..., strict=True)`` and ``hoverify replay`` reproduce.

Bound. From the state after initial AS security on ``small_topology()`` (or the topology
given): at most
``max_handovers`` handovers started (to any of the UE's neighbour cells), any in-flight message
delivered next (links are not FIFO), and the enabled faults: ``drop`` any in-flight message,
``duplicate`` one (at most ``MAX_DUPLICATES`` per path), ``refuse`` an in-flight
HandoverRequest by admission control, ``compromise`` any eNB at any time (at most
``MAX_COMPROMISES`` per path). ``replay`` and ``rewrite`` are not bounded by this and are
left to the Hypothesis search.

Breadth first, so the first path on which a claim is violated is a shortest one; it is
recorded per (claim, promised) and the search goes on until the bound is exhausted (or, with
``claims``, until those claims are found).

Fingerprint (two states merged must have identical futures *and* identical future verdicts).
The future of a state is fixed by what the actions and the monitor read:
- the system: each entity's (state name, ctx) (immutable records), the messages in flight
  as a multiset (any of them may be delivered next, so their order is no part of the state;
  equal messages give equal successors, so only the first of equal ones is tried), and
  ``System.hop`` (the handovers started, the budget of ``start``);
- the adversary's budget: duplications used, compromised eNBs (the monitor's attackers);
- the monitor, field by field (``MONITOR_STATE`` below accounts for each, and a test fails
  when a field is added to ``Monitor`` or ``KeyGraph`` without being accounted for):
  the completions in order (the serving eNB of each hop, its KeNB and hop type: every later
  verdict reads them); per attacker its eNB, its compromise hop and its knowledge closure;
  the (attacker, hop) pairs already judged; the hops decided before a Path Switch
  Acknowledge (a promise may assume there are none); and the parts of the key graph that
  future closures read: the derivations (keyed by clause, output name and input values, so
  node numbering and order do not matter; they fix every node and edge), the public values
  handed to every attacker, and, while an eNB can still be compromised, what each eNB's
  last step left in its key record (``compromise`` learns exactly that, filtered by the
  graph of that time). With no attacker and none possible the key graph cannot influence a
  verdict and is left out. Everything else the monitor keeps (holders, labels, step
  numbers, the history of what each entity saw before a compromise) is never read by a
  verdict.
- violations are not state: the verifier harvests each one on the step that makes it and
  clears the monitor's record (the monitor keeps the first violation per claim and
  promised-or-not, so an unpromised one earlier on a path never masks a promised one).

Snapshots. ``System.snapshot()`` is a tuple of immutable records; restoring it is cheap (its
steps list is only truncated, so after restoring an unrelated state new steps are numbered
from the list's length: only the key graph's step records see those numbers, and no verdict
reads them). The monitor holds a networkx key graph and mutable closures, so each queued
state keeps its monitor pickled: one ``pickle.dumps`` per new state, one ``loads`` per action
taken from it that observes a step (start, deliver, compromise); a drop, duplication or
refusal observes nothing and shares the parent's copy. After two handovers the monitor
pickles to ~10 KB: dumps and loads take ~0.7 ms, ``copy.deepcopy`` ~4.7 ms, one action
~0.35 ms, and re-running the path would cost O(depth) actions per state. Measured for
ts33401, two handovers, drop and compromise: 24003 states, 60870 transitions, 22-25 s on
two cores (~1000 states/s), 135 MB; a third of the time is in ``pickle.loads``.

No partial-order reduction. Deduplication already merges the diamonds of independent
deliveries, so a reduction (sleep or ample sets) could only save transitions (2.5 per
state), and it would need a proof that the monitor's verdicts do not depend on the order it
observes steps in; they do: a compromise's hop depends on whether a completion came first,
and a violation is recorded on the step that makes a key known.

Every "always" has a "sometimes": ``VerifyResult.reached`` counts the states in which the
situations the claims speak of arose (``sometimes``), ``VerifyResult.taken`` the transitions
per action kind.
"""

from __future__ import annotations

import pickle
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any

from properties.exploration import (
    VARIANT_ERROR,
    Action,
    Exploration,
    Finding,
    Monitor,
    variant_error_finding,
)
from properties.explore import EXPLORATION_KASME
from statemachines.entity import VariantError
from statemachines.messages import Kind
from statemachines.system import Snapshot
from statemachines.topology import Topology, small_topology
from statemachines.variant import KeySchedule

VERIFY_FAULTS = frozenset({"drop", "duplicate", "refuse", "compromise"})
DEFAULT_FAULTS = frozenset({"drop", "compromise"})
MAX_DUPLICATES = 1
MAX_COMPROMISES = 1
OBSERVING = frozenset({"start", "deliver", "compromise"})  # actions that change the monitor
REQUESTS = (Kind.X2AP_HANDOVER_REQUEST, Kind.S1AP_HANDOVER_REQUEST)

# How the fingerprint treats each field of the monitor and of its key graph.
MONITOR_STATE = {
    "variant": "constant",
    "kg": "derivations, public values, last key record per eNB (see KEY_GRAPH_STATE)",
    "attackers": "eNB, compromise hop, knowledge closure",
    "completions": "in the fingerprint",
    "serving": "follows from completions",
    "early": "in the fingerprint (hops and pending decisions)",
    "violations": "harvested per step and cleared",
    "violated_at": "harvested per step and cleared",
    "trace_length": "bookkeeping for violated_at",
    "_derivations_seen": "equals len(kg.derivation_order) after each step",
    "_public_seen": "equals len(kg.public_added) after each step",
    "_checked": "in the fingerprint",
}
KEY_GRAPH_STATE = {
    "graph": "follows from the derivations",
    "seen": "read only from the step of a compromise on",
    "kept": "the last entry per eNB, while an eNB can be compromised",
    "hop_first_step": "not read by the monitor",
    "_derivations": "its keys are the derivations in the fingerprint",
    "derivation_order": "the same derivations, in an order that does not matter",
    "public_added": "as a set",
    "_index": "follows from the derivations (and is only filled for properties.closure)",
}


def sometimes(monitor: Monitor, max_handovers: int) -> dict[str, bool]:
    """The situations each "always" needs to have arisen to mean anything (stateright's
    pairing of a safety property with reachability): counted over the states explored."""
    done = len(monitor.completions)
    hops = [a.hop for a in monitor.attackers.values()]
    return {
        "handover completed": done >= 1,
        "every handover of the bound completed": done >= max_handovers,
        # forward security is judged: a handover completed after the compromise
        "eNB compromised, then a handover completed": any(h <= done for h in hops),
        # backward security is judged: the compromise came after a completed handover
        "handover completed, then an eNB compromised": any(h > 1 for h in hops),
    }


@dataclass
class VerifyResult:
    variant: str
    max_handovers: int
    faults: frozenset[str]
    states: int = 0
    transitions: int = 0
    depth: int = 0  # the longest path explored
    exhausted: bool = False
    seconds: float = 0.0
    # the shortest violation of each (claim, promised), promised or not
    shortest: dict[tuple[str, bool], Finding] = field(default_factory=dict)
    reached: Counter[str] = field(default_factory=Counter)  # states per ``sometimes``
    taken: Counter[str] = field(default_factory=Counter)  # transitions per action kind

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds else 0.0

    @property
    def promise_broken(self) -> bool:
        return any(promised for _, promised in self.shortest)

    def findings(self) -> list[Finding]:
        """The shortest violation of each claim, promised or not (as ``explore`` lists
        them): the promised ones first, then in the order found."""
        return [finding for (_, promised), finding in sorted(self.shortest.items(),
                                                             key=lambda item: not item[0][1])]


@dataclass(frozen=True, slots=True)
class _Node:
    id: int
    snapshot: Snapshot
    monitor: bytes  # pickled
    duplicates: int  # duplications on the path
    attackers: int  # eNBs compromised on the path


def verify(variant: KeySchedule, *, max_handovers: int = 2,
           faults: frozenset[str] = DEFAULT_FAULTS, claims: frozenset[str] | None = None,
           progress: Callable[[str], None] | None = None,
           topology: Topology | None = None) -> VerifyResult:
    """Explore every state within the bound, breadth first; ``claims`` stops the search
    once each of them is violated (then the bound is not exhausted)."""
    unknown = faults - VERIFY_FAULTS
    if unknown:
        raise ValueError(f"verify cannot bound the faults {', '.join(sorted(unknown))} "
                         f"(it supports: {', '.join(sorted(VERIFY_FAULTS))})")
    if max_handovers < 1:
        raise ValueError(f"the bound needs at least one handover, got {max_handovers}")
    result = VerifyResult(variant.name, max_handovers, faults)
    started = time.perf_counter()
    exploration = Exploration(variant, topology or small_topology(), EXPLORATION_KASME)
    search = _Search(exploration, result, max_handovers, faults)
    try:
        search.run(claims, progress)
    finally:
        exploration.close()
    result.seconds = time.perf_counter() - started
    return result


class _Search:
    def __init__(self, exploration: Exploration, result: VerifyResult, max_handovers: int,
                 faults: frozenset[str]) -> None:
        self.exploration = exploration
        self.result = result
        self.max_handovers = max_handovers
        self.faults = faults
        self.parents: list[tuple[int, Action | None]] = [(-1, None)]  # node id -> (parent, action)
        self.seen: set[Hashable] = set()
        self.interned: dict[Hashable, Hashable] = {}

    def run(self, claims: frozenset[str] | None,
            progress: Callable[[str], None] | None) -> None:
        monitor = self.exploration.monitor
        self._harvest(None, None)  # the set-up, should it violate anything
        root = _Node(0, self.exploration.system.snapshot(), self._freeze(monitor), 0, 0)
        self.seen.add(self._fingerprint(0))
        self._count(monitor)
        level = [root]
        while level:
            following: list[_Node] = []
            for node in level:
                for action, shared, duplicates in self._successors(node):
                    self.result.transitions += 1
                    self.result.taken[action.kind] += 1
                    if self._harvest(node.id, action) and claims is not None \
                            and claims <= {c for c, _ in self.result.shortest}:
                        self.result.states = len(self.seen)
                        return
                    key = self._fingerprint(duplicates)
                    if key in self.seen:
                        continue
                    self.seen.add(key)
                    self._count(self.exploration.monitor)
                    following.append(_Node(
                        len(self.parents), self.exploration.system.snapshot(),
                        shared if shared is not None else self._freeze(self.exploration.monitor),
                        duplicates, len(self.exploration.monitor.attackers)))
                    self.parents.append((node.id, action))
            if following:
                self.result.depth += 1
            level = following
            self.result.states = len(self.seen)
            if progress:
                progress(f"depth {self.result.depth}: {self.result.states} states, "
                         f"{self.result.transitions} transitions")
        self.result.exhausted = True

    # -- monitors kept per state ---------------------------------------------------------------
    def _freeze(self, monitor: Monitor) -> bytes:
        """The monitor pickled without its variant: the variant is the same in every state,
        and a reviewer's variant class cannot be pickled (its file is no importable module)."""
        variant, monitor.variant = monitor.variant, None  # type: ignore[assignment]
        try:
            return pickle.dumps(monitor)
        finally:
            monitor.variant = variant

    def _thaw(self, frozen: bytes) -> Monitor:
        monitor: Monitor = pickle.loads(frozen)
        monitor.variant = self.exploration.system.variant
        return monitor

    # -- the actions from one state ------------------------------------------------------------
    def _successors(self, node: _Node) -> Iterator[tuple[Action, bytes | None, int]]:
        """Take each enabled action from ``node``; after each, the exploration holds the
        successor. Yields the action, the successor's pickled monitor when it is the
        parent's (nothing observed), and the duplications used."""
        exploration = self.exploration
        unobserved: Monitor | None = None  # one copy serves every action that observes nothing
        for kind, index in self._enabled(node):
            exploration.system.restore(node.snapshot)
            if kind in OBSERVING:
                exploration.monitor = self._thaw(node.monitor)
            else:
                unobserved = unobserved or self._thaw(node.monitor)
                exploration.monitor = unobserved
            exploration.trace.clear()  # the path lives in self.parents
            exploration.history.clear()  # read only by the replay fault, not bounded here
            try:
                action = exploration.apply(Action(kind, index))
            except VariantError as error:  # a finding; the path ends with the action
                self._variant_error(node.id, error)
                continue
            assert action is not None  # only enabled actions are offered
            yield (action, None if kind in OBSERVING else node.monitor,
                   node.duplicates + (kind == "duplicate"))

    def _enabled(self, node: _Node) -> list[tuple[str, int]]:
        system = self.exploration.system
        system.restore(node.snapshot)
        actions: list[tuple[str, int]] = []
        # compromise first: of equally short counterexamples, the one found reads "compromise
        # enb-1, start handover ..." (compromised from that hop on)
        if self._can_compromise(node.attackers):
            actions += [("compromise", i) for i in range(len(system.topology.enbs))]
        if system.hop < self.max_handovers:
            actions += [("start", i) for i in range(len(self.exploration.neighbours()))]
        distinct = _first_of_equal(system.in_flight)
        actions += [("deliver", i) for i in distinct]
        if "drop" in self.faults:
            actions += [("drop", i) for i in distinct]
        if "duplicate" in self.faults and node.duplicates < MAX_DUPLICATES:
            actions += [("duplicate", i) for i in distinct]
        if "refuse" in self.faults:
            requests = [m for m in system.in_flight if m.kind in REQUESTS]
            actions += [("refuse", i) for i in _first_of_equal(requests)]
        return actions

    def _can_compromise(self, attackers: int) -> bool:
        return "compromise" in self.faults and attackers < MAX_COMPROMISES

    # -- verdicts and the fingerprint ----------------------------------------------------------
    def _count(self, monitor: Monitor) -> None:
        self.result.reached.update(
            name for name, arose in sometimes(monitor, self.max_handovers).items() if arose)

    def _harvest(self, parent: int | None, action: Action | None) -> bool:
        """Record the violations ``action`` made from node ``parent`` (none: the set-up), True
        if one is new, and clear them from the monitor."""
        monitor = self.exploration.monitor
        new = False
        for (claim, promised), detail in monitor.violations.items():
            if (claim, promised) not in self.result.shortest:
                trace = () if parent is None or action is None else (*self._path(parent), action)
                self.result.shortest[(claim, promised)] = Finding(claim, promised, detail,
                                                                  trace)
                new = True
        monitor.violations.clear()
        monitor.violated_at.clear()
        return new

    def _variant_error(self, parent: int, error: VariantError) -> None:
        """The first variant error found, breadth first: on a shortest path."""
        if (VARIANT_ERROR, True) not in self.result.shortest:
            trace = (*self._path(parent), *self.exploration.trace)
            self.result.shortest[(VARIANT_ERROR, True)] = variant_error_finding(error, trace)

    def _path(self, node: int) -> tuple[Action, ...]:
        actions: list[Action] = []
        while node > 0:
            node, action = self.parents[node]
            assert action is not None
            actions.append(action)
        return tuple(reversed(actions))

    def _fingerprint(self, duplicates: int) -> Hashable:
        system = self.exploration.system
        monitor = self.exploration.monitor
        entities = tuple((e.state, e.ctx) for e in system.entities.values())
        in_flight = frozenset(Counter(system.in_flight).items())
        attackers = frozenset((a.entity, a.hop, self._shared(frozenset(a.closure.known)))
                              for a in monitor.attackers.values())
        return (entities, in_flight, system.hop, duplicates,
                self._shared(tuple(monitor.completions)), self._shared(attackers),
                frozenset(monitor._checked), frozenset(monitor.early.hops),
                frozenset(monitor.early.deciding.items()), self._graph_part(monitor))

    def _graph_part(self, monitor: Monitor) -> Hashable:
        compromisable = self._can_compromise(len(monitor.attackers))
        if not monitor.attackers and not compromisable:
            return ()
        kg = monitor.kg
        kept: tuple[frozenset[Any], ...] = ()
        if compromisable:
            kept = tuple(kg.kept[enb][-1][1] if kg.kept.get(enb) else frozenset()
                         for enb in self.exploration.system.topology.enbs)
        return (self._shared(frozenset(kg._derivations)),
                self._shared(frozenset(kg.public_added)), self._shared(kept))

    def _shared(self, value: Hashable) -> Hashable:
        """One object per distinct value: states share most of their monitor summary, and
        each unpickled monitor would otherwise keep its own equal copy alive."""
        return self.interned.setdefault(value, value)


def _first_of_equal(messages: list[Any]) -> list[int]:
    """The index of the first of each group of equal messages."""
    first: dict[Any, int] = {}
    for index, message in enumerate(messages):
        first.setdefault(message, index)
    return list(first.values())
