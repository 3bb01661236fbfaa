"""``hoverify verify``: every interleaving within a bound, breadth first, not a sample.

The checker knows nothing of the protocol (stateright's split): it drives the same
:class:`~hoverify.properties.exploration.Exploration` as the Hypothesis search, through the same
replayable :class:`~hoverify.properties.exploration.Action` list (``Exploration.apply``), and the
same
claim engine (``hoverify.properties.engine``) judges every step with the claims ``check`` uses. A
path is therefore a trace that ``hoverify.properties.explore.replay(..., strict=True)`` and
``hoverify replay`` reproduce.

Bound. From the state after initial AS security on ``small_topology()`` (or the topology
given): at most
``max_handovers`` handovers started (to any of the UE's neighbour cells), any in-flight message
delivered next (links are not FIFO), and the enabled faults: ``drop`` any in-flight message,
``duplicate`` one (at most ``MAX_DUPLICATES`` per path), ``refuse`` an in-flight
HandoverRequest by admission control, ``compromise`` any eNB at any time (at most
``MAX_COMPROMISES`` per path), ``replay`` any message put in flight earlier on the path (at
most ``MAX_REPLAYS`` per path), ``rewrite``: a compromised eNB makes one of the finite set of
field changes ``explore`` draws from (``Exploration.edit``: flip an integer or flag, remove a
relayed field, add an absent one; at most ``MAX_EDITS`` per path). The messages put in flight
on the path are state only when ``replay`` is enabled.

Breadth first, so the first path on which a claim is violated is a shortest one; it is
recorded per (claim, promised) and the search goes on until the bound is exhausted (or, with
``claims``, until those claims are found). It may also stop early, the bound not exhausted
(``VerifyResult.stopped``): at ``max_states`` states, after ``max_seconds``, or on Ctrl-C
(``KeyboardInterrupt`` in the search, the progress callback's included). Then the result holds
the counts so far and the findings found so far, each still a shortest counterexample.

Progress: ``progress`` receives a :class:`Progress` at the end of each level and every
``PROGRESS_SECONDS`` within one.

Fingerprint (two states merged must have identical futures *and* identical future verdicts).
The visited set holds a 64-bit fingerprint per state (``hoverify.properties.fingerprint``:
BLAKE2b of a
canonical serialization, the same in every process), not the state: full states live only in
the frontier. Two distinct states sharing a fingerprint would be merged;
``VerifyResult.collision_probability`` bounds the chance of that (the birthday bound
n(n-1)/2^65 over the n states, as TLC reports one). The future of a state is fixed by what the
actions and the claim engine read:
- the system: each entity's (state name, ctx) (immutable records), the messages in flight
  as a multiset (any of them may be delivered next, so their order is no part of the state;
  equal messages give equal successors, so only the first of equal ones is tried), and
  ``System.hop`` (the handovers started, the budget of ``start``);
- the adversary's budget: duplications, replays and edits used, compromised eNBs (the
  engine's attackers); with ``replay``, the messages put in flight on the path (a multiset:
  what a replay can choose from);
- the engine's ``key()``: its facts field by field (``FACTS_STATE`` below accounts for each,
  and a test fails when a field is added to ``Facts`` without being accounted for) and each
  claim's own small state.
- violations are not state: the verifier harvests each one on the step that makes it and
  clears the engine's record (the engine keeps the first violation per claim and
  promised-or-not, so an unpromised one earlier on a path never masks a promised one).
  Nor are the "sometimes" counts: they count transitions in which a claim's situation arose.

Snapshots. ``System.snapshot()`` is a tuple of immutable records; restoring it is cheap (its
steps list is only truncated, so after restoring an unrelated state new steps are numbered
from the list's length: no verdict reads step numbers). The engine's state is immutable too
(``Engine.state``): each queued state keeps a reference to it, and restoring is an
assignment. (Until the claim engine, the monitor held a networkx key graph and mutable
closures and was pickled per state: ~65% of the time.)

No partial-order reduction. Deduplication already merges the diamonds of independent
deliveries, so a reduction (sleep or ample sets) could only save transitions (2.5 per
state), and it would need a proof that the claims' verdicts do not depend on the order it
observes steps in; they do: a compromise's hop depends on whether a completion came first,
and a violation is recorded on the step that makes a key known.

Every "always" has a "sometimes": ``VerifyResult.sometimes`` counts, per claim, the
transitions in which its situation arose; ``VerifyResult.vacuous`` names the promised claims
whose situation never arose within the bound; ``VerifyResult.taken`` the transitions
per action kind.
"""

from __future__ import annotations

import resource
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from hoverify.properties.claims import CAPTURE, DENIAL, DOWNGRADE
from hoverify.properties.engine import EngineState, settled
from hoverify.properties.exploration import (
    VARIANT_ERROR,
    Action,
    Exploration,
    Finding,
    variant_error_finding,
)
from hoverify.properties.explore import EXPLORATION_KASME
from hoverify.properties.fingerprint import Fingerprinter, collision_probability
from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.messages import Kind, Message
from hoverify.statemachines.system import Snapshot
from hoverify.statemachines.topology import Topology, small_topology
from hoverify.statemachines.variant import KeySchedule

VERIFY_FAULTS = frozenset({"drop", "duplicate", "refuse", "compromise", "replay", "rewrite"})
DEFAULT_FAULTS = frozenset({"drop", "compromise"})
MAX_DUPLICATES = 1
MAX_COMPROMISES = 1
MAX_REPLAYS = 1
MAX_EDITS = 1
REQUESTS = (Kind.X2AP_HANDOVER_REQUEST, Kind.S1AP_HANDOVER_REQUEST)
PROGRESS_SECONDS = 1.0  # between progress reports within a level
_CLOCK_EVERY = 64  # states expanded between readings of the clock
# why a search stopped before exhausting its bound
MAX_STATES, MAX_SECONDS, INTERRUPTED = "max-states", "max-seconds", "interrupted"
# Claims whose situation only an edit produces, and why they arise under the default faults
# of no verify (the edits multiply the states: they are asked for).
OUTSIDE_BOUND = dict.fromkeys(
    (DOWNGRADE, DENIAL, CAPTURE),
    "only an edit makes it arise, and the faults had no rewrite")

# How the fingerprint treats each field of the engine's facts.
FACTS_STATE = {
    "derivations": "as the set ``recorded`` (their order changes no verdict)",
    "recorded": "in the fingerprint",
    "values": "follows from the derivations",
    "public": "in the fingerprint",
    "completions": "in the fingerprint",
    "attackers": "name, entities, compromise hop, knowledge closure (``held`` only names "
                 "the witness's starting point)",
    "early": "in the fingerprint",
    "deciding": "in the fingerprint",
    "undisturbed": "in the fingerprint",
    "rewritten": "in the fingerprint",
    "hop": "System.hop",
    "ue": "the UE's ctx, in the system's entities",
    "authentication": "its ``key``: what the authentication claims read of it (not the "
                      "hops, which only a witness names)",
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
    stopped: str | None = None  # MAX_STATES, MAX_SECONDS or INTERRUPTED: not exhausted
    seconds: float = 0.0
    # the shortest violation of each (claim, promised), promised or not
    shortest: dict[tuple[str, bool], Finding] = field(default_factory=dict)
    sometimes: Counter[str] = field(default_factory=Counter)  # claim -> situations arisen
    vacuous: list[str] = field(default_factory=list)  # promised claims never exercised
    taken: Counter[str] = field(default_factory=Counter)  # transitions per action kind

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds else 0.0

    @property
    def collision_probability(self) -> float:
        """At most this likely, a fingerprint collision hid a state
        (``hoverify.properties.fingerprint``)."""
        return collision_probability(self.states)

    @property
    def promise_broken(self) -> bool:
        return any(promised for _, promised in self.shortest)

    def findings(self) -> list[Finding]:
        """The shortest violation of each claim, promised or not (as ``explore`` lists
        them): the promised ones first, then in the order found."""
        return [finding for (_, promised), finding in sorted(self.shortest.items(),
                                                             key=lambda item: not item[0][1])]


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a search stands: ``level`` levels done (the depth reached), ``frontier`` states
    queued and not yet expanded, the peak resident set size of this process."""
    level: int
    states: int
    transitions: int
    frontier: int
    seconds: float
    peak_rss_kib: int
    level_done: bool  # reported at the end of a level (else within one)

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds else 0.0

    @property
    def text(self) -> str:
        return (f"level {self.level}: {self.states} states ({self.states_per_second:.0f}/s), "
                f"frontier {self.frontier}, peak RSS {self.peak_rss_kib // 1024} MiB")


class _Budget(NamedTuple):
    duplicates: int = 0
    replays: int = 0
    edits: int = 0

    def after(self, kind: str) -> _Budget:
        return _Budget(self.duplicates + (kind == "duplicate"),
                       self.replays + (kind == "replay"), self.edits + (kind == "edit"))


@dataclass(frozen=True, slots=True)
class _Node:
    id: int
    snapshot: Snapshot
    engine: EngineState
    budget: _Budget  # the adversary's bounded faults used on the path
    attackers: int  # eNBs compromised on the path
    history: tuple[Message, ...]  # put in flight on the path (kept for replay only)


def verify(variant: KeySchedule, *, max_handovers: int = 2,
           faults: frozenset[str] = DEFAULT_FAULTS, claims: frozenset[str] | None = None,
           progress: Callable[[Progress], None] | None = None,
           topology: Topology | None = None, max_states: int | None = None,
           max_seconds: float | None = None) -> VerifyResult:
    """Explore every state within the bound, breadth first; ``claims`` stops the search
    once each of them is violated, as a broken promise where the variant promises it (then
    the bound is not exhausted); so do ``max_states``, ``max_seconds`` and Ctrl-C, which
    return what was found so far (``VerifyResult.stopped`` says which)."""
    unknown = faults - VERIFY_FAULTS
    if unknown:
        raise ValueError(f"verify cannot bound the faults {', '.join(sorted(unknown))} "
                         f"(it supports: {', '.join(sorted(VERIFY_FAULTS))})")
    if max_handovers < 1:
        raise ValueError(f"the bound needs at least one handover, got {max_handovers}")
    result = VerifyResult(variant.name, max_handovers, faults)
    started = time.perf_counter()
    exploration = Exploration(variant, topology or small_topology(), EXPLORATION_KASME)
    search = _Search(exploration, result, max_handovers, faults, started)
    try:
        result.stopped = search.run(claims, progress, max_states, max_seconds)
    except KeyboardInterrupt:  # Ctrl-C: the counts and findings so far are the result
        result.stopped = INTERRUPTED
    finally:
        exploration.close()
    result.states = len(search.seen)
    result.sometimes = exploration.engine.counts
    result.vacuous = exploration.engine.vacuous()
    result.seconds = time.perf_counter() - started
    return result


class _Search:
    def __init__(self, exploration: Exploration, result: VerifyResult, max_handovers: int,
                 faults: frozenset[str], started: float) -> None:
        self.started = started
        self.exploration = exploration
        self.result = result
        self.max_handovers = max_handovers
        self.faults = faults
        self.replaying = "replay" in faults  # then the messages put in flight are state
        self.parents: list[tuple[int, Action | None]] = [(-1, None)]  # node id -> (parent, action)
        self.seen: set[int] = set()  # fingerprints: the states themselves only in the frontier
        self.fingerprinter = Fingerprinter()

    def run(self, claims: frozenset[str] | None, progress: Callable[[Progress], None] | None,
            max_states: int | None, max_seconds: float | None) -> str | None:
        """Search until the bound is exhausted (None), or the reason it stopped before."""
        engine = self.exploration.engine
        result = self.result
        self._harvest(None, None)  # the set-up, should it violate anything
        engine.counts.clear()  # the set-up is no situation of the search
        root = _Node(0, self.exploration.system.snapshot(), engine.state, _Budget(), 0,
                     self._history())
        self.seen.add(self._fingerprint(root.budget))
        level = [root]
        reported = self.started
        expanded = 0
        while level:
            following: list[_Node] = []
            for done, node in enumerate(level):
                for action, budget in self._successors(node):
                    result.transitions += 1
                    result.taken[action.kind] += 1
                    if self._harvest(node.id, action) and claims is not None and settled(
                            claims, result.shortest, self.exploration.system.variant):
                        return None
                    key = self._fingerprint(budget)
                    if key in self.seen:
                        continue
                    self.seen.add(key)
                    following.append(_Node(
                        len(self.parents), self.exploration.system.snapshot(), engine.state,
                        budget, len(engine.facts.attackers), self._history()))
                    self.parents.append((node.id, action))
                    if max_states is not None and len(self.seen) >= max_states:
                        return MAX_STATES
                expanded += 1
                if expanded % _CLOCK_EVERY == 0 or done == len(level) - 1:
                    now = time.perf_counter()
                    if max_seconds is not None and now - self.started >= max_seconds:
                        return MAX_SECONDS
                    if progress and now - reported >= PROGRESS_SECONDS:
                        reported = now
                        progress(self._progress(len(level) - done - 1 + len(following), False))
            if following:
                result.depth += 1
            level = following
            if progress:
                progress(self._progress(len(level), True))
        result.exhausted = True
        return None

    def _progress(self, frontier: int, level_done: bool) -> Progress:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        return Progress(self.result.depth, len(self.seen), self.result.transitions, frontier,
                        time.perf_counter() - self.started, peak, level_done)

    # -- the actions from one state ------------------------------------------------------------
    def _successors(self, node: _Node) -> Iterator[tuple[Action, _Budget]]:
        """Take each enabled action from ``node``; after each, the exploration holds the
        successor. Yields the action and the bounded faults used."""
        exploration = self.exploration
        for kind, index, leaf in self._enabled(node):
            exploration.system.restore(node.snapshot)
            exploration.engine.restore(node.engine)
            exploration.trace.clear()  # the path lives in self.parents
            exploration.history[:] = node.history  # read only by the replay fault
            try:
                action = exploration.apply(Action(kind, index, leaf))
            except VariantError as error:  # a finding; the path ends with the action
                self._variant_error(node.id, error)
                continue
            assert action is not None  # only enabled actions are offered
            yield action, node.budget.after(kind)

    def _history(self) -> tuple[Message, ...]:
        return tuple(self.exploration.history) if self.replaying else ()

    def _enabled(self, node: _Node) -> list[tuple[str, int, int]]:
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
        if "duplicate" in self.faults and node.budget.duplicates < MAX_DUPLICATES:
            actions += [("duplicate", i) for i in distinct]
        if "refuse" in self.faults:
            requests = [m for m in system.in_flight if m.kind in REQUESTS]
            actions += [("refuse", i) for i in _first_of_equal(requests)]
        if "replay" in self.faults and node.budget.replays < MAX_REPLAYS:
            actions += [("replay", i) for i in _first_of_equal(list(node.history))]
        found = [(kind, index, 0) for kind, index in actions]
        if "rewrite" in self.faults and node.attackers and node.budget.edits < MAX_EDITS:
            self.exploration.engine.restore(node.engine)  # the attackers edit
            found += [("edit", index, leaf) for index, leaf in self.exploration.edit_choices()]
        return found

    def _can_compromise(self, attackers: int) -> bool:
        return "compromise" in self.faults and attackers < MAX_COMPROMISES

    # -- verdicts and the fingerprint ----------------------------------------------------------
    def _harvest(self, parent: int | None, action: Action | None) -> bool:
        """Record the violations ``action`` made from node ``parent`` (none: the set-up), True
        if one is new, and clear them from the engine."""
        engine = self.exploration.engine
        new = False
        for (claim, promised), verdict in engine.violations.items():
            if (claim, promised) not in self.result.shortest:
                trace = () if parent is None or action is None else (*self._path(parent), action)
                self.result.shortest[(claim, promised)] = Finding(
                    claim, promised, verdict.detail, trace, verdict.witness, verdict.outside)
                new = True
        engine.violations.clear()
        engine.violated_at.clear()
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

    def _fingerprint(self, budget: _Budget) -> int:
        system = self.exploration.system
        entities = [part for e in system.entities.values() for part in (e.state, e.ctx)]
        return self.fingerprinter.fingerprint(
            (entities, Counter(system.in_flight), system.hop, *budget,
             Counter(self.exploration.history) if self.replaying else (),
             self.exploration.engine.key()))


def _first_of_equal(messages: list[Any]) -> list[int]:
    """The index of the first of each group of equal messages."""
    first: dict[Any, int] = {}
    for index, message in enumerate(messages):
        first.setdefault(message, index)
    return list(first.values())
