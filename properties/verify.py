"""``hoverify verify``: every interleaving within a bound, breadth first, not a sample.

The checker knows nothing of the protocol (stateright's split): it drives the same
:class:`~hoverify.properties.exploration.Exploration` as the Hypothesis search, through the same
replayable :class:`~hoverify.properties.exploration.Action` list (``Exploration.apply``), and the
same
claim engine (``hoverify.properties.engine``) judges every step with the claims ``check`` uses. A
path is therefore a trace that ``hoverify.properties.replay.replay(..., strict=True)`` and
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
relayed field, add an absent one; of a message it sends, flip a bit or leave out a field it
built; at most ``MAX_EDITS`` per path), ``inject``: one message of
the finite set the attacker can build from its knowledge closure
(``hoverify.properties.injection``: each RRC message seen, forged afresh at the next COUNT
with RRC keys the attacker derives, else sent with a MAC-I it could not compute; with the
backhaul unprotected, each backhaul message seen with one key IE replaced by another known
key of its kind; at most ``MAX_INJECTIONS`` per path). The bound does not cover two
injections on one path, nor messages whose non-key IEs (cells, C-RNTIs, NCC) the attacker
chose. The attacker model (``hoverify.properties.adversary``) gates the network's faults:
``duplicate``, ``replay`` and ``inject`` act only on interfaces it controls (by default Uu),
and ``compromise`` chooses among its targets (by default the eNBs). The messages put in
flight on the path are state only when ``replay`` or ``inject`` is enabled. An injected
MeasurementReport starts a handover (``System.inject``), counted against ``max_handovers``
as a ``start`` is.

Breadth first, so the first level in which a claim is violated holds its shortest
counterexamples; the smallest of them (``_Slice``: paths compared by the rank of each action
among those enabled) is recorded per (claim, promised) and the search goes on until the bound
is exhausted (or, with ``claims``, until the end of the level in which those claims are
found). It may also stop early, the bound not exhausted (``VerifyResult.stopped``): at
``max_states`` states, after ``max_seconds``, or on Ctrl-C (``KeyboardInterrupt`` in the
search, the progress callback's included). Then the result holds the counts so far and the
findings found so far, each still a shortest counterexample.

Parts. The search is split between parts that each own the states whose fingerprint is their
number modulo their count, with a live model each (``_Slice``); each level they expand their
frontiers, and the owner of each successor found elsewhere decides on an offer (its
fingerprint and path) while the state stays where it was found; whole states cross only to
balance the frontiers (``_Search``). ``hoverify.properties.workers`` runs
them: one in this process, one per worker process, or one per Ray actor. Which state is kept
under a fingerprint and which violation is reported are chosen by the smallest path, never by
the order of arrival, so every number of parts gives the same result. A path is carried with
its frontier state as packed bytes (``_STEP``: each action's rank among those enabled where it
is taken, two bytes), not in a table of parents: the visited set holds fingerprints only, and
a finding's trace is replayed from its path (``_Slice.replay`` numbers the actions as the
search did).

Progress: ``progress`` receives a :class:`Progress` at the end of each level and every
``PROGRESS_SECONDS`` within one.

Fingerprint (two states merged must have identical futures *and* identical future verdicts).
The visited set holds a 64-bit fingerprint per state (``hoverify.properties.fingerprint``:
BLAKE2b of a canonical serialization, the same in every process), not the state, in a flat
table of 8-byte slots (``FingerprintSet``): full states live only in the frontier. Two
distinct states sharing a fingerprint would be merged; ``VerifyResult.collision_probability``
bounds the chance of that (the birthday bound n(n-1)/2^65 over the n states, as TLC reports
one). It is incremental in what costs: the state is a fixed list of parts (each entity's state
and record, the messages in flight, ..., the engine's key field by field), each part's
128-bit digest is remembered in its place while the part stays the same object
(``Fingerprinter.parts``), so a step re-digests only what it replaced, and the digests are
hashed together once. The future of a state is fixed by what the
actions and the claim engine read:
- the system: each entity's (state name, ctx) (immutable records), the messages in flight
  as a multiset (any of them may be delivered next, so their order is no part of the state;
  equal messages give equal successors, so only the first of equal ones is tried), and
  ``System.hop`` (the handovers started, the budget of ``start`` and of an injected
  MeasurementReport, ``System.inject``);
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

Snapshots. ``System.snapshot()`` is a tuple of immutable records, sharing with its parent's
every entity the step left alone; restoring it is cheap (its steps list is only truncated,
so after restoring an unrelated state new steps are numbered from the list's length: no
verdict reads step numbers). The model remembers what an entity did with a message
(``System.remember``): a restored entity is handed the same message in the same state and
record again and again (at two handovers 94% of the deliveries are answered from the last
128 remembered), and its handling is a pure function of them. So does the engine with a
compromise (``Engine.remember``: the same eNB, record, facts and claim states; about half of
them from the last 64), with a step (the same facts, claim states and remembered delivery:
about two fifths from the last 128; not while witnessing, whose trail records each step)
and with the facts a fault makes. The engine's state is immutable too (``Engine.state``): each
queued state keeps a reference to it, and restoring is an assignment; what a step leaves
alone stays shared. (Until the claim engine, the monitor held a networkx key graph and mutable
closures and was pickled per state: ~65% of the time.) A queued state's parts are moreover
shared with the equal parts of the other states of its level (``hoverify.properties.sharing``:
one object per value), so it keeps only what no other state of its level holds.

No partial-order reduction. Deduplication already merges the diamonds of independent
deliveries, so a reduction (sleep or ample sets) could only save transitions (2.5 per
state), and it would need a proof that the claims' verdicts do not depend on the order it
observes steps in; they do: a compromise's hop depends on whether a completion came first,
and a violation is recorded on the step that makes a key known.

Every "always" has a "sometimes": ``VerifyResult.sometimes`` counts, per claim, the
transitions in which its situation arose; ``VerifyResult.vacuous`` names the promised claims
whose situation never arose within the bound; ``VerifyResult.beyond_bound`` the promises no
run within the bound can break (a 2-hop promise within one handover: ``Claim.handovers_to_break``),
of which "no violation" says nothing; ``VerifyResult.unexercised`` the vacuous promised claims
the faults cannot make arise, with why (``claims.outside_bound``: no edit or no compromise is
made), of which it says
nothing either; ``VerifyResult.taken`` the transitions per action kind.
"""

from __future__ import annotations

import gc
import io
import pickle
import resource
import struct
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cached_property, partial
from operator import attrgetter
from typing import Any, ClassVar, NamedTuple

from hoverify.properties.adversary import DEFAULT, Adversary
from hoverify.properties.claims import Unexercisable, all_claims, unexercised
from hoverify.properties.engine import Claim, Engine, Facts, settled, vacuous
from hoverify.properties.exploration import (
    EXPLORATION_KASME,
    VARIANT_ERROR,
    Action,
    Exploration,
    Finding,
    listing_order,
    no_handover,
    served_reason,
    variant_error_finding,
)
from hoverify.properties.fingerprint import Fingerprinter, FingerprintSet, collision_probability
from hoverify.properties.promises import promises_of
from hoverify.properties.replay import Exercised, exercised
from hoverify.properties.sharing import Sharing
from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.messages import Kind, Message
from hoverify.statemachines.names import word_list
from hoverify.statemachines.system import Snapshot, starts_handover
from hoverify.statemachines.topology import HopType, Topology, small_topology
from hoverify.statemachines.variant import KeySchedule

VERIFY_FAULTS = frozenset({"drop", "duplicate", "refuse", "compromise", "replay", "rewrite",
                           "inject"})
DEFAULT_FAULTS = frozenset({"drop", "compromise"})
MAX_DUPLICATES = 1
MAX_COMPROMISES = 1
MAX_REPLAYS = 1
MAX_EDITS = 1
MAX_INJECTIONS = 1
REQUESTS = (Kind.X2AP_HANDOVER_REQUEST, Kind.S1AP_HANDOVER_REQUEST)
PROGRESS_SECONDS = 1.0  # between progress reports within a level
_CLOCK_EVERY = 64  # states expanded between readings of the clock
# why a search stopped before exhausting its bound
MAX_STATES, MAX_SECONDS, INTERRUPTED = "max-states", "max-seconds", "interrupted"

# How the fingerprint treats each field of the engine's facts.
FACTS_STATE = {
    "derivations": "as the set ``recorded``, with the values ``public`` they read (their "
                   "order changes no verdict)",
    "completions": "in the fingerprint",
    "attackers": "name, entities, compromise hop, knowledge closure (``held`` only names "
                 "the witness's starting point)",
    "early": "in the fingerprint",
    "deciding": "in the fingerprint",
    "undisturbed": "in the fingerprint",
    "settled": "what verdicts read of it (``engine._quiet``)",
    "sequential": "what verdicts read of it (``engine._quiet``)",
    "unedited": "in the fingerprint (``rewritten`` is read from it)",
    "hop": "System.hop",
    "ue": "the UE's ctx, in the system's entities",
    "nds_ip": "constant in a search: the attacker model's",
    "injected": "in the fingerprint",
    "beyond_nds_ip": "in the fingerprint",
    "authentication": "its ``key``: what the authentication claims read of it (not the "
                      "hops, which only a witness names)",
    "alone": "empty in a search: a compromise there makes an attacker of one entity each "
             "(only ``check`` joins eNBs and more in one)",
    "enb_learnt": "as a set (the order learnt changes no verdict)",
    "nh_pairings": "not in it, nor in a search's states: only the labels of NHs in a "
                   "witness read it, made when a finding is replayed (``Engine.witnessing``)",
    "trail": "not in it, nor in a search's states: only a witness reads it, made when a "
             "finding is replayed (``Engine.witnessing``)",
    "joined": "not in it: the hop each party of an attacker was taken from, which only a "
              "witness reads; a search's attacker holds one party, from ``attackers``' hop",
}


@dataclass
class VerifyResult:
    variant: str
    max_handovers: int
    faults: frozenset[str]
    adversary: Adversary = DEFAULT
    states: int = 0
    transitions: int = 0
    depth: int = 0  # the longest path explored
    exhausted: bool = False
    stopped: str | None = None  # MAX_STATES, MAX_SECONDS or INTERRUPTED: not exhausted
    seconds: float = 0.0
    # of ``seconds``, those spent starting the workers: processes, or Ray and its actors
    # (seconds on a local Ray at one handover: helper-241 #7)
    startup_seconds: float = 0.0
    # the shortest violation of each (claim, promised), promised or not
    shortest: dict[tuple[str, bool], Finding] = field(default_factory=dict)
    sometimes: Counter[str] = field(default_factory=Counter)  # claim -> situations arisen
    vacuous: list[str] = field(default_factory=list)  # promised claims never exercised
    beyond_bound: list[str] = field(default_factory=list)  # promises no run within it breaks
    # promised, its faults cannot exercise: claim -> why
    unexercised: dict[str, Unexercisable] = field(default_factory=dict)
    taken: Counter[str] = field(default_factory=Counter)  # transitions per action kind
    # each claim no path violated whose situation arose: the shortest path in which it arose
    arisen: dict[str, tuple[Action, ...]] = field(default_factory=dict)
    # ... and of them the shortest in which a compromised eNB served the UE, where one did
    served_runs: dict[str, tuple[Action, ...]] = field(default_factory=dict)
    # judges ``arisen`` and ``served`` (``hoverify.properties.replay.exercised``), for
    # ``exercised``
    judge: Callable[[dict[str, tuple[Action, ...]], dict[str, tuple[Action, ...]]],
                    dict[str, Exercised]] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def exercised(self) -> dict[str, Exercised]:
        """Why each claim of ``arisen`` holds, judged on one of its paths when first asked:
        ``verify`` prints it, the report's bounded search never asks (it shows no such
        lines)."""
        return self.judge(self.arisen, self.served_runs) if self.judge is not None else {}

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
        """The shortest violation of each claim, promised or not, as every command lists
        them (``listing_order``)."""
        return listing_order(self.shortest.values())


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a search stands: ``level`` levels done (the depth reached), ``frontier`` states
    queued and not yet expanded, the peak resident set size of this process (plus those of
    the worker processes or actors, as they last reported them)."""
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
    injections: int = 0

    def after(self, kind: str) -> _Budget:
        if kind not in _BOUNDED:
            return self  # the same object: shared, and an identity test for the fingerprint
        return _Budget(self.duplicates + (kind == "duplicate"),
                       self.replays + (kind == "replay"), self.edits + (kind == "edit"),
                       self.injections + (kind == "inject"))


_BOUNDED = frozenset({"duplicate", "replay", "edit", "inject"})  # the kinds _Budget counts

# One action of a path: its rank among the actions enabled in its state (``_Slice._enabled``),
# which replays it from that state (``_Slice.replay``). A path is the concatenation of its
# actions, so comparing two paths of a level as bytes compares their ranks: see ``_Slice``.
_STEP = struct.Struct(">H")


@dataclass(frozen=True, slots=True)
class _Node:
    path: bytes  # the actions from the root (_STEP each): replayable, and the node's order
    snapshot: Snapshot
    facts: Facts  # the engine's state (``Engine.state``), in two fields: no tuple to keep
    claims: tuple[Any, ...]
    budget: _Budget  # the adversary's bounded faults used on the path
    attackers: int  # parties compromised on the path
    history: tuple[Message, ...]  # put in flight on the path (kept for replay and inject)


class _Found(NamedTuple):
    path: bytes  # to the transition that made the violation (replayed for the trace)
    finding: Finding  # its trace not yet filled in


_Arisen = tuple[bool, bytes]  # a run in which a claim's situation arose: (no_handover, path)
# which of a claim's runs: (claim, whether a compromised eNB served the UE on it: ``served``)
_Kind = tuple[str, bool]


@dataclass
class _Level:
    """What one part of the search did in one level (or so far, when it stopped)."""
    transitions: int = 0
    taken: Counter[str] = field(default_factory=Counter)
    found: dict[tuple[str, bool], _Found] = field(default_factory=dict)
    # (claim, served) -> the best-ranked path on which its situation arose (``_Slice._arose``)
    arisen: dict[_Kind, _Arisen] = field(default_factory=dict)
    stopped: str | None = None
    states: int = 0  # the part's states, in all levels
    frontier: int = 0
    counts: Counter[str] = field(default_factory=Counter)  # its sometimes counts, all levels
    peak_rss_kib: int = 0
    granted: list[int] = field(default_factory=list)  # offers granted to each part (admit)


def _itself(variant: KeySchedule) -> KeySchedule:
    return variant


@dataclass(frozen=True)
class Plan:
    """Everything a part of the search needs to build its own live model; picklable, so that
    a worker process or a Ray actor builds it (``load_variant`` loads the variant there: a
    reviewer's variant file is loaded again from its path)."""
    load_variant: Callable[[], KeySchedule]
    topology: Topology
    max_handovers: int
    faults: frozenset[str]
    max_states: int | None
    adversary: Adversary = DEFAULT

    def part(self, index: int, count: int, stopping: Callable[[], bool],
             witnessing: bool = False) -> _Slice:
        return _Slice(self, index, count, stopping, witnessing)


def verify(variant: KeySchedule, *, max_handovers: int = 2,
           faults: frozenset[str] = DEFAULT_FAULTS, claims: frozenset[str] | None = None,
           progress: Callable[[Progress], None] | None = None,
           topology: Topology | None = None, max_states: int | None = None,
           max_seconds: float | None = None, adversary: Adversary = DEFAULT,
           workers: int | None = 1,
           ray: str | None = None,
           load_variant: Callable[[], KeySchedule] | None = None) -> VerifyResult:
    """Explore every state within the bound, breadth first; ``claims`` stops the search at
    the end of the level in which each of them is found violated, as a broken promise where
    the variant promises it (then the bound is not exhausted); so do ``max_states``,
    ``max_seconds`` and Ctrl-C, which return what was found so far (``VerifyResult.stopped``
    says which).

    ``workers`` parts search the fingerprint space in worker processes (1: in this process;
    None: one per core), or with ``ray`` (an address, ``auto`` or ``local``) on Ray actors
    (None: one per CPU of the cluster). ``load_variant`` tells another process how to get the
    variant when it cannot be pickled (a reviewer's variant file). Each claim that
    holds is judged on the shortest run in which its situation arose (of those that started
    a handover, where one did: ``no_handover``), or on the shortest such run in which a
    compromised eNB served the UE (``served``) where its verdict there is that attacker's
    (``exercised``), when ``VerifyResult.exercised`` is first asked."""
    from hoverify.properties import workers as where

    unknown = faults - VERIFY_FAULTS
    if unknown:
        raise ValueError(f"verify cannot bound the faults {', '.join(sorted(unknown))} "
                         f"(it supports: {', '.join(sorted(VERIFY_FAULTS))})")
    if max_handovers < 1:
        raise ValueError(f"the bound needs at least one handover, got {max_handovers}")
    if workers is not None and workers < 1:
        raise ValueError(f"verify needs at least one worker, got {workers}")
    result = VerifyResult(variant.name, max_handovers, faults, adversary)
    started = time.perf_counter()
    plan = Plan(load_variant or partial(_itself, variant), topology or small_topology(),
                max_handovers, faults, max_states, adversary)
    parts = where.start(plan.part, workers, ray)
    result.startup_seconds = time.perf_counter() - started
    search = _Search(parts, result, variant, plan, progress, started)
    try:
        result.stopped = search.run(claims, max_states, max_seconds)
    except KeyboardInterrupt:  # Ctrl-C: the counts and findings so far are the result
        result.stopped = INTERRUPTED
        search.merge(parts.stop())  # what the level in course found
    finally:
        parts.close()
    result.states = search.states
    result.sometimes = search.counts()
    claims_ = all_claims(variant, plan.topology)
    result.vacuous = vacuous(claims_, variant, result.sometimes)
    result.beyond_bound = beyond_bound(claims_, variant, max_handovers)
    result.unexercised = unexercised(result.vacuous, faults, adversary)
    failing = {claim for claim, _ in result.shortest}
    kept = {key: path for key, (_, path) in search.arisen.items() if key[0] not in failing}
    traces = {path: search.trace(path) for path in dict.fromkeys(kept.values())}
    result.arisen = {claim: traces[path] for (claim, serving), path in kept.items()
                     if not serving}
    result.served_runs = {claim: traces[path] for (claim, serving), path in kept.items() if serving}
    result.judge = partial(exercised, variant, plan.topology, adversary)
    result.seconds = time.perf_counter() - started
    return result


def beyond_bound(claims: Sequence[Claim], variant: KeySchedule, max_handovers: int) -> list[str]:
    """Each promise of ``variant`` that no run of at most ``max_handovers`` handovers can
    break, in words (``promises_beyond``)."""
    return [f"{claim}'s {said}" for claim, each in
            promises_beyond(claims, variant, max_handovers).items() for said in each]


def promises_beyond(claims: Sequence[Claim], variant: KeySchedule,
                    max_handovers: int) -> dict[str, list[str]]:
    """Per claim, each of its promises that no run of at most ``max_handovers`` handovers can
    break, in words ("2-hop promise on intra-enb and x2 hops (it needs 2 handovers)"): the
    claim says how many handovers its promise needs (``Claim.handovers_to_break``), not the
    search. Only the claims with such a promise."""
    said: dict[str, list[str]] = {}
    for claim in claims:
        for promise in (p for p in promises_of(variant) if p.claim == claim.name):
            needed = claim.handovers_to_break(promise)
            if needed > max_handovers:
                n_hop = f"{promise.hops}-hop " if promise.hops else ""
                types = word_list(h.value for h in HopType if h in promise.hop_types)
                said.setdefault(claim.name, []).append(
                    f"{n_hop}promise on {types} hops (it needs {needed} handovers)")
    return said


class _Search:
    """The levels of one breadth-first search over parts that each own the states whose
    fingerprint is their index modulo their count (``hoverify.properties.workers`` runs
    them): each level, every part expands its frontier, then decides on the successors the
    others offered it, then keeps those it kept or was granted. Whatever the number of parts
    and the order things arrive in, the state kept under a fingerprint and the violation kept
    for a claim are those of the smallest path (``_Slice``), so the result is the same."""

    def __init__(self, parts: Any, result: VerifyResult, variant: KeySchedule, plan: Plan,
                 progress: Callable[[Progress], None] | None, started: float) -> None:
        self.parts = parts
        self.result = result
        self.variant = variant
        self.plan = plan
        self.progress = progress
        self.started = started
        self.reported = started
        self.states = 0
        self.frontier = 0
        self.latest: list[_Level] = []  # each part's last report (its counts, its memory)
        # (claim, served) -> the run its holding reason is judged on (``no_handover``,
        # ``served``: of the runs in which a compromised eNB served the UE): the shortest
        # path that started a handover on which its situation arose, the smallest of its
        # level, else the shortest of all
        self.arisen: dict[_Kind, _Arisen] = {}

    def run(self, claims: frozenset[str] | None, max_states: int | None,
            max_seconds: float | None) -> str | None:
        """Search until the bound is exhausted (None), or the reason it stopped before."""
        result = self.result
        deadline = None if max_seconds is None else time.time() + max_seconds
        self.merge(self.parts.start())
        while self.frontier:
            chosen = frozenset(key for key, (alone, _) in self.arisen.items() if not alone)
            levels = self.parts.expand(self._waiting, frozenset(result.shortest), chosen,
                                       deadline)
            stopped = self.merge(levels)
            if stopped is not None:
                return stopped
            self.merge(self.parts.admit(self._waiting))
            if self.frontier:
                result.depth += 1
            if self.progress:
                self.progress(self._progress(True))
            if claims is not None and settled(claims, result.shortest, self.variant):
                return None
            if max_states is not None and self.states >= max_states:
                return MAX_STATES
        result.exhausted = True
        return None

    def merge(self, levels: list[_Level]) -> str | None:
        """Add up what the parts reported; keep each new violation's smallest path. Returns
        why a part stopped, if one did."""
        result = self.result
        new: dict[tuple[str, bool], _Found] = {}
        for level in levels:
            result.transitions += level.transitions
            result.taken += level.taken
            for key, found in level.found.items():
                if key not in result.shortest and (key not in new
                                                   or found.path < new[key].path):
                    new[key] = found
        for key, found in sorted(new.items(), key=lambda item: item[1].path):
            result.shortest[key] = self._replayed(key, found)
        arisen: dict[_Kind, _Arisen] = {}  # the best of this level: no_handover, then path
        for level in levels:
            for key, run in level.arisen.items():
                if key not in arisen or run < arisen[key]:
                    arisen[key] = run
        for key, run in arisen.items():  # a later level's path is longer
            kept = self.arisen.get(key)
            if kept is None or (kept[0] and not run[0]):
                self.arisen[key] = run
        if levels:
            self.latest = levels
            self.states = sum(level.states for level in levels)
            self.frontier = sum(level.frontier for level in levels)
        return next((level.stopped for level in levels if level.stopped), None)

    def counts(self) -> Counter[str]:
        """The parts' sometimes counts added up, the claims whose situation never arose
        kept (at 0), in the engine's order."""
        total: Counter[str] = Counter()
        for level in self.latest:
            total.update(level.counts)
        return total

    def trace(self, path: bytes) -> tuple[Action, ...]:
        """The actions of ``path``, replayed from the start by a part of its own."""
        part = self.plan.part(0, 1, lambda: False)
        try:
            return part.replay(path)
        finally:
            part.exploration.close()

    def _replayed(self, key: tuple[str, bool], found: _Found) -> Finding:
        """``found``'s finding with its trace: the actions of its path, replayed from the
        start by a part of its own (their texts say what they did; a variant error ends it
        with the action that raised). Its detail and witness are those of the replay, which
        records the {NH, NCC} pairs that the search leaves out of its states and that only
        NH labels read (``Engine.witnessing``)."""
        part = self.plan.part(0, 1, lambda: False, witnessing=True)
        try:
            trace = part.replay(found.path)
            verdict = part.exploration.engine.violations.get(key)
        finally:
            part.exploration.close()
        if key[0] == VARIANT_ERROR:
            return replace(found.finding, trace=trace)
        if verdict is None:
            raise AssertionError(f"the replay of {key[0]}'s finding does not violate it")
        return replace(found.finding, trace=trace, detail=verdict.detail,
                       witness=verdict.witness, outside=verdict.outside)

    def _waiting(self, live: tuple[int, int] | None) -> None:
        """Called while a level is in course: the (states, frontier) of a part in this
        process, or None where the parts report only at the end of the level."""
        now = time.perf_counter()
        if self.progress and now - self.reported >= PROGRESS_SECONDS:
            self.reported = now
            if live is not None:
                self.states, self.frontier = live
            self.progress(self._progress(False))

    def _progress(self, level_done: bool) -> Progress:
        self.reported = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        if self.parts.remote:
            peak += sum(level.peak_rss_kib for level in self.latest)
        return Progress(self.result.depth, self.states, self.result.transitions, self.frontier,
                        self.reported - self.started, peak, level_done)


class _Slice:
    """One part of the search, with its own live model: it owns the states whose fingerprint
    is ``index`` modulo ``count`` (its part of the visited set, and their frontier).

    ``expand`` takes every enabled action from each state of its frontier (``_successors``),
    judges it (``_harvest``) and offers the successor to the part that owns its fingerprint:
    kept here, or held here while that part decides on an offer, its (fingerprint, path); a
    state crosses to another process only to balance the frontiers (as TLC and stateright's
    distributed checkers send fingerprints, not states). ``admit`` decides the offers of the
    states the part owns, ``keep`` makes the next frontier of the states it kept and those
    whose offers were granted, and gives some away. Which successor is kept, and which
    violation is reported, does not depend on the order of arrival: of the states with one
    fingerprint found in one level, the one on the smallest path; of the violations of a
    claim found in one level, the one on the smallest path. Paths of one level have one
    length and compare by the rank of each action among those enabled in its state, first
    action first: with one part, expanding its frontier in order, the smallest path is
    always the first found, as in a plain breadth-first search.

    ``stopping`` (polled every ``_CLOCK_EVERY`` states, with the deadline) asks it to return
    what it did so far; ``tick`` (in this process only) is called at the same times with the
    (states, frontier) so far."""

    def __init__(self, plan: Plan, index: int, count: int, stopping: Callable[[], bool],
                 witnessing: bool = False) -> None:
        self.plan = plan
        self.index = index
        self.count = count
        self.stopping = stopping
        self.tick: Callable[[tuple[int, int] | None], None] | None = None
        # only a finding's replay words witnesses (``witnessing``: NH labels, the trail)
        self.exploration = Exploration(plan.load_variant(), plan.topology, EXPLORATION_KASME,
                                       adversary=plan.adversary, witnessing=witnessing)
        self.exploration.system.remember()
        self.exploration.engine.remember()
        self.max_handovers = plan.max_handovers
        self.faults = plan.faults
        # then the messages put in flight are state
        self.replaying = bool({"replay", "inject"} & plan.faults)
        self.seen = FingerprintSet()  # the states themselves only in the frontier
        self.fingerprinter = Fingerprinter()
        self.sharing = Sharing()  # one object per value among the next level's states
        self.frontier: list[_Node] = []
        self.following: dict[int, _Node] = {}  # fingerprint -> the next level's state
        # per part: the states it owns found here in this level, until it decides
        self.offered: list[dict[int, _Node]] = [{} for _ in range(count)]
        self.known: frozenset[tuple[str, bool]] = frozenset()  # violations reported before
        # (claim, served) for each run of a claim still watched: its situation arose on no
        # path that started a handover reported before (of all paths, or of those on which
        # a compromised eNB served the UE: ``served``); and the claims still watched, with
        # their counts here after the last transition (``_arose``)
        claims = self.exploration.engine.claims
        names = [claim.name for claim in claims]
        # a claim whose verdicts name no compromised eNB has no served run to watch
        self.watched = {(claim.name, serving) for claim in claims
                        for serving in ((False, True) if claim.judges_compromised else (False,))}
        self.arising = dict.fromkeys(names, 0)
        self.level = _Level()

    def start(self) -> _Level:
        """The state after the set-up; the part that owns it judges the set-up."""
        engine = self.exploration.engine
        self._harvest(b"")  # the set-up, should it violate anything
        engine.counts.clear()  # the set-up is no situation of the search
        budget = _Budget()
        key = self._fingerprint(budget)
        if key % self.count == self.index:
            self.seen.insert(key)
            self.frontier = [self._node(b"", budget)]
        else:
            self.level.found.clear()
        return self.summary(None)

    def expand(self, known: frozenset[tuple[str, bool]], chosen: frozenset[_Kind],
               deadline: float | None, *given: bytes) -> list[Any]:
        """One level, from the frontier and the states the parts ``given`` it (``keep``):
        what it did, then the offers for each part, pickled (none for itself: it decided on
        its own states at once). ``known``: the violations, ``chosen``: the (claim, served)
        whose situation arose on a path that started a handover (on which a compromised eNB
        served the UE, with served), reported in earlier levels."""
        self.known = known
        self.watched -= chosen
        self.arising = {claim: count for claim, count in self.arising.items()
                        if self._watching(claim)}
        self.level = _Level()
        for batch in given:
            self.frontier += _unpickled(batch) if batch else ()
        # in the order of their paths (the states kept here, those granted and those given
        # came in that order): then the first successor found under a fingerprint is on the
        # smallest path this part finds to it, and no node is built to be replaced
        self.frontier.sort(key=_PATH)
        self.sharing.level()
        stopped = self._expand(deadline)
        offers = [_pickled([(key, node.path) for key, node in offered.items()])
                  if offered else b"" for offered in self.offered]
        return [self.summary(stopped), *offers]

    def admit(self, *offers: bytes) -> list[Any]:
        """Decides the offers the parts sent of the states this part owns: kept where the
        smallest path to it was found (here, or the part that sent it), unless an earlier
        level had it. Returns what it did, then the fingerprints granted to each part."""
        self.level = _Level()
        granted: dict[int, tuple[bytes, int]] = {}  # fingerprint -> smallest path, its part
        for part, batch in enumerate(offers):
            for key, path in _unpickled(batch) if batch else ():
                kept = self.following.get(key)
                if kept is not None:
                    if path < kept.path:
                        del self.following[key]
                        granted[key] = path, part
                elif key in granted:
                    if path < granted[key][0]:
                        granted[key] = path, part
                elif self.seen.insert(key):
                    granted[key] = path, part
        to: list[list[int]] = [[] for _ in range(self.count)]
        for key, (_, part) in granted.items():
            to[part].append(key)
        self.level.granted = [len(keys) for keys in to]
        return [self.summary(None), *to]

    def keep(self, gives: list[int], *granted: list[int]) -> list[Any]:
        """The next frontier: the states kept here and those of the offers each part
        ``granted``; then ``gives[p]`` of them go to part ``p``, pickled (balance). Returns
        what it did, then what it gives each part."""
        self.level = _Level()
        frontier = list(self.following.values())
        for offered, keys in zip(self.offered, granted, strict=True):
            frontier += [offered[key] for key in keys]
        self.following = {}
        self.offered = [{} for _ in range(self.count)]
        batches = []
        for count in gives:
            batches.append(_pickled(frontier[-count:]) if count else b"")
            del frontier[len(frontier) - count:]
        self.frontier = frontier
        summary = self.summary(None)
        summary.frontier += sum(gives)  # on their way to the parts that take them
        return [summary, *batches]

    def summary(self, stopped: str | None) -> _Level:
        level = self.level
        level.stopped = stopped
        level.states = len(self.seen)
        level.frontier = len(self.frontier) + len(self.following)
        level.counts = Counter(self.exploration.engine.counts)
        level.peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return level

    def _expand(self, deadline: float | None) -> str | None:
        level = self.frontier[::-1]  # taken from the end, in order: a state expanded is freed
        self.frontier = []
        size = len(level)
        while level:
            node = level.pop()
            self.sharing.parent()
            done = size - len(level)
            for action, budget, rank in self._successors(node):
                self.level.transitions += 1
                self.level.taken[action.kind] += 1
                path = node.path + _step(rank)
                self._harvest(path)
                self._arose(path)
                key = self._fingerprint(budget)
                owner = key % self.count
                local = owner == self.index
                table = self.following if local else self.offered[owner]
                if self._wanted(table, key, path, self.seen if local else None):
                    table[key] = self._node(path, budget)
                    if self.plan.max_states is not None and \
                            len(self.seen) >= self.plan.max_states:
                        return MAX_STATES
            if done % _CLOCK_EVERY == 0 or not level:
                if deadline is not None and time.time() >= deadline:
                    return MAX_SECONDS
                if self.stopping():
                    return INTERRUPTED
                if self.tick is not None:
                    self.tick((len(self.seen), len(level) + len(self.following)))
        return None

    @staticmethod
    def _wanted(table: dict[int, _Node], key: int, path: bytes,
                seen: FingerprintSet | None) -> bool:
        """Whether the successor on ``path`` is kept under ``key`` in ``table``: not if a
        state of an earlier level has the fingerprint (``seen``: only for the states this
        part owns), nor one of this level on a smaller path."""
        kept = table.get(key)
        if kept is not None:
            return path < kept.path
        return seen is None or seen.insert(key)

    def _node(self, path: bytes, budget: _Budget) -> _Node:
        exploration, share = self.exploration, self.sharing
        engine = exploration.engine
        return _Node(path, share.snapshot(exploration.system.snapshot()),
                     share.facts(engine.facts), share.tuple(engine.states), share.value(budget),
                     _compromised(exploration.engine), share.tuple(self._history()))

    # -- the actions from one state ------------------------------------------------------------
    def _successors(self, node: _Node) -> Iterator[tuple[Action, _Budget, int]]:
        """Take each enabled action from ``node``; after each, the exploration holds the
        successor. Yields the action, the bounded faults used and the action's rank."""
        exploration = self.exploration
        self._restore(node)
        for rank, (kind, index, leaf) in enumerate(self._enabled(node)):
            if rank:  # the first is taken from the state ``_enabled`` read
                self._restore(node)
            exploration.trace.clear()  # the path lives in the node
            try:
                action = exploration.apply(Action(kind, index, leaf))
            except VariantError as error:  # a finding; the path ends with the action
                self._variant_error(node.path + _step(rank), error)
                continue
            assert action is not None  # only enabled actions are offered
            yield action, node.budget.after(kind), rank

    def _restore(self, node: _Node) -> None:
        exploration = self.exploration
        exploration.system.restore(node.snapshot)
        exploration.engine.restore((node.facts, node.claims))
        exploration.history[:] = node.history  # read only by replay and inject

    def replay(self, path: bytes) -> tuple[Action, ...]:
        """The actions of ``path`` taken from the set-up, each its rank among those enabled
        where it is taken: the exploration's trace of them."""
        node = self._node(b"", _Budget())
        for (rank,) in _STEP.iter_unpack(path):
            self._restore(node)
            kind, index, leaf = self._enabled(node)[rank]
            try:
                self.exploration.apply(Action(kind, index, leaf))
            except VariantError:
                break
            node = self._node(b"", node.budget.after(kind))
        return tuple(self.exploration.trace)

    def _history(self) -> tuple[Message, ...]:
        return tuple(self.exploration.history) if self.replaying else ()

    def _enabled(self, node: _Node) -> list[tuple[str, int, int]]:
        """The actions enabled in ``node``, read from the exploration, which holds its state
        (``_restore``): reading changes nothing, so the first action is taken from there."""
        system = self.exploration.system
        actions: list[tuple[str, int]] = []
        # compromise first: of equally short counterexamples, the one found reads "compromise
        # enb-1, start handover ..." (compromised from that hop on)
        if self._can_compromise(node.attackers):
            targets = self.exploration.adversary.targets(system.topology, system.variant)
            actions += [("compromise", i) for i in range(len(targets))]
        if system.hop < self.max_handovers:
            actions += [("start", i) for i in range(len(self.exploration.neighbours()))]
        distinct = _first_of_equal(system.in_flight)
        actions += [("deliver", i) for i in distinct]
        if "drop" in self.faults:
            actions += [("drop", i) for i in distinct]
        controls = self.exploration.adversary.controls
        if "duplicate" in self.faults and node.budget.duplicates < MAX_DUPLICATES:
            actions += [("duplicate", i) for i in distinct if controls(system.in_flight[i])]
        if "refuse" in self.faults:
            requests = [m for m in system.in_flight if m.kind in REQUESTS]
            actions += [("refuse", i) for i in _first_of_equal(requests)]
        if "replay" in self.faults and node.budget.replays < MAX_REPLAYS:
            actions += [("replay", i) for i in _first_of_equal(list(node.history))
                        if controls(node.history[i])]
        found = [(kind, index, 0) for kind, index in actions]
        if "rewrite" in self.faults and node.attackers and node.budget.edits < MAX_EDITS:
            found += [("edit", index, leaf) for index, leaf in self.exploration.edit_choices()]
        if "inject" in self.faults and node.budget.injections < MAX_INJECTIONS:
            # a MeasurementReport starts a handover (``System.inject``): within the bound
            found += [("inject", i, 0)
                      for i, m in enumerate(self.exploration.injection_choices())
                      if system.hop < self.max_handovers or not starts_handover(m.kind)]
        return found

    def _can_compromise(self, attackers: int) -> bool:
        return "compromise" in self.faults and attackers < MAX_COMPROMISES

    # -- verdicts and the fingerprint ----------------------------------------------------------
    def _harvest(self, path: bytes) -> None:
        """Record the violations the last action of ``path`` made (none: the set-up) where
        not reported before, and clear them from the engine."""
        engine = self.exploration.engine
        for (claim, promised), verdict in engine.violations.items():
            self._found((claim, promised), path, Finding(
                claim, promised, verdict.detail, (), verdict.witness, verdict.outside))
        engine.violations.clear()
        engine.violated_at.clear()

    def _variant_error(self, path: bytes, error: VariantError) -> None:
        """A variant hook raised on the last action of ``path``."""
        self._found((VARIANT_ERROR, True), path, variant_error_finding(error, ()))
        self._arose(path)

    def _arose(self, path: bytes) -> None:
        """Note ``path`` for each claim whose situation arose on its last action (its count
        grew), where none arose on a path that started a handover reported before
        (``no_handover``); and again, as the claim's other run, where a compromised eNB
        that served the UE has a verdict of it that the path tested (``served_reason``:
        judged here, on the live model) and none arose on such a path that started a
        handover.
        This part expands a level in the order of its paths, so the first path of each kind
        noted in a level is its smallest there; the search keeps the best of the parts'
        (``_Search.merge``). A run of a claim stops being watched here once it arose on a
        path (of its kind) that started a handover, the claim once both have."""
        counts = self.exploration.engine.counts
        arose = [claim for claim, before in self.arising.items() if counts[claim] > before]
        if arose:
            alone = no_handover(self.exploration)
            for claim in arose:
                for key in ((claim, serving) for serving in (False, True)):
                    if key not in self.watched or (
                            key[1] and not served_reason(self.exploration, claim)):
                        continue
                    kept = self.level.arisen.get(key)
                    if kept is None or (kept[0] and not alone):
                        self.level.arisen[key] = alone, path
                    if not alone:
                        self.watched.discard(key)
                if self._watching(claim):
                    self.arising[claim] = counts[claim]
                else:
                    del self.arising[claim]

    def _watching(self, claim: str) -> bool:
        return (claim, False) in self.watched or (claim, True) in self.watched

    def _found(self, key: tuple[str, bool], path: bytes, finding: Finding) -> None:
        kept = self.level.found.get(key)
        if key not in self.known and (kept is None or path < kept.path):
            self.level.found[key] = _Found(path, finding)

    def _fingerprint(self, budget: _Budget) -> int:
        """A part per entity's state and record, the messages in flight as a multiset, the
        hop and the budget, what the path put in flight (a multiset: what a replay or an
        injection chooses from), then the engine's key part by part: a part the step left
        alone costs an identity test (``Fingerprinter.parts``)."""
        system, fingerprinter = self.exploration.system, self.fingerprinter
        parts = [part for e in system.entities.values() for part in (e.state, e.ctx)]
        parts += (fingerprinter.multiset(system.in_flight), system.hop, *budget,
                  fingerprinter.multiset(self.exploration.history) if self.replaying else b"",
                  *self.exploration.engine.key())
        return fingerprinter.parts(parts)


_PATH = attrgetter("path")


def _compromised(engine: Engine) -> int:
    """Parties and keys compromised on the path (the attacker ``network`` holds none)."""
    return sum(1 for a in engine.facts.attackers if a.entities)


class _Pickler(pickle.Pickler):
    """Pickles a frozen slotted record (``hoverify.statemachines.record``) as its class and
    field values, rebuilt by its constructor: the dataclasses' own pickling of slotted
    classes looks their fields up for every object, which was most of the time of a batch."""

    getters: ClassVar[dict[type, Callable[[Any], Any] | None]] = {}

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        getter = self.getters.get(kind, _UNSEEN)
        if getter is _UNSEEN:
            getter = self.getters[kind] = _field_values(kind)
        return NotImplemented if getter is None else (kind, getter(obj))


_UNSEEN: Any = object()


def _field_values(kind: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """How to read a record's constructor arguments; None for anything else."""
    params = getattr(kind, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in vars(kind):
        return None
    names = [f.name for f in fields(kind)]
    assert all(f.init for f in fields(kind)), kind  # the constructor takes every field
    if len(names) == 1:
        return lambda obj, name=names[0]: (getattr(obj, name),)
    return attrgetter(*names)


def _pickled(value: Any) -> bytes:
    out = io.BytesIO()
    _Pickler(out, pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


def _unpickled(batch: bytes) -> Any:
    """Without the cyclic garbage collector, which a batch's many new objects would set off
    again and again (it took four fifths of the time of reading one); then every object so
    far is left out of its later passes (``gc.freeze``): records hold no cycles, they are
    freed by their reference counts, and otherwise each pass walked the whole frontier (a
    quarter of a worker's time). Only parts that receive batches (worker processes, Ray
    actors) come here, never the search in ``hoverify``'s own process."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(batch)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _step(rank: int) -> bytes:
    try:
        return _STEP.pack(rank)
    except struct.error:
        raise ValueError(f"verify numbers at most {2 ** 16} actions from one state "
                         f"(rank {rank})") from None


def _first_of_equal(messages: list[Any]) -> list[int]:
    """The index of the first of each group of equal messages."""
    first: dict[Any, int] = {}
    for index, message in enumerate(messages):
        first.setdefault(message, index)
    return list(first.values())
