"""``hoverify explore``: Hypothesis search, minimised findings, files (replay: ``replay``).

The search runs the stateful machine of ``hoverify.properties.stateful`` claim by claim: when an
example violates a claim, the trace is minimised by delta debugging on the replayable action
list (each candidate replayed from scratch, kept if the same claim is still violated), saved,
and the search goes on for the claims not yet found, within the same example budget.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import astuple, dataclass, field
from typing import Any, TypeVar

from hoverify.properties.adversary import DEFAULT, Adversary
from hoverify.properties.claims import Unexercisable, all_claims, unexercised
from hoverify.properties.engine import settled, vacuous
from hoverify.properties.exploration import (
    DEFAULT_FAULTS,
    EXPLORATION_KASME,
    Action,
    Finding,
    ShortestRuns,
    actions_text,
    listing_order,
)
from hoverify.properties.replay import Exercised, arising_run, exercised, replayed_findings
from hoverify.properties.stateful import exploration_machine
from hoverify.statemachines.topology import Topology, small_topology
from hoverify.statemachines.variant import KeySchedule
from hypothesis import HealthCheck, Phase, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.database import ExampleDatabase, ReadOnlyDatabase
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

Kept = TypeVar("Kept")  # what ``_shortened`` shortens: a finding, or a run
# The default budget of ``hoverify explore``: examples (runs from the start) and steps each.
EXAMPLES = 3000
STEPS = 30


@dataclass
class ExploreResult:
    variant: str
    examples_run: int = 0
    steps_run: int = 0
    adversary: Adversary = DEFAULT
    faults: frozenset[str] = DEFAULT_FAULTS
    findings: list[Finding] = field(default_factory=list)
    sometimes: Counter[str] = field(default_factory=Counter)  # claim -> situations arisen
    vacuous: list[str] = field(default_factory=list)  # promised claims never exercised
    # vacuous, its faults cannot exercise: claim -> why
    unexercised: dict[str, Unexercisable] = field(default_factory=dict)
    interrupted: bool = False  # Ctrl-C stopped the search: the budget was not spent
    # each claim no example violated whose situation arose: why it holds (``exercised``)
    exercised: dict[str, Exercised] = field(default_factory=dict)

    @property
    def promise_broken(self) -> bool:
        return any(breaks_promise(f) for f in self.findings)


def breaks_promise(finding: Finding) -> bool:
    """What makes ``hoverify explore`` exit 1 and a fuzzing campaign's target fail
    (``hoverify.campaign``): a promised claim failing, or a variant error (a finding
    promised too: ``variant_error_finding``)."""
    return finding.promised


def minimise(variant: KeySchedule, finding: Finding, topology: Topology,
             adversary: Adversary = DEFAULT) -> Finding:
    """The shortest run ``_shortened`` finds on which the claim stays violated."""
    def violated(actions: Sequence[Action]) -> Finding | None:
        return next((f for f in replayed_findings(variant, actions, topology, adversary)
                     if (f.claim, f.promised) == (finding.claim, finding.promised)), None)

    return _shortened(violated(finding.trace) or finding, lambda f: f.trace, violated)


def plainest(variant: KeySchedule, claim: str, trace: tuple[Action, ...], topology: Topology,
             adversary: Adversary, *, serving: bool) -> tuple[Action, ...]:
    """The shortest run ``_shortened`` finds on which ``claim``'s situation arises as on
    ``trace``, the run of a search a claim's reason is judged on (``ShortestRuns``; with
    ``serving``, its ``served``), as a finding's is minimised: a sample's run keeps the
    actions the claim does not need, an adversary's too (newcomer: aliveness judged on a
    run that replayed a SecurityModeComplete, with no check line, where check runs the
    same handover without it)."""
    def arising(actions: Sequence[Action]) -> tuple[Action, ...] | None:
        return arising_run(variant, actions, topology, adversary, claim,
                           started=any(a.kind == "start" for a in trace), serving=serving)

    return _shortened(arising(trace) or trace, lambda run: run, arising)


def _shortened(first: Kept, actions_of: Callable[[Kept], tuple[Action, ...]],
               rerun: Callable[[Sequence[Action]], Kept | None]) -> Kept:
    """Greedy delta debugging from ``first``, whose actions ``actions_of`` gives: drop one
    action at a time, last first, keeping what ``rerun`` makes of the rest where that is
    shorter; again until no action can go."""
    best = first
    changed = True
    while changed:
        changed = False
        for index in range(len(actions_of(best)) - 1, -1, -1):
            actions = actions_of(best)
            if index >= len(actions):
                continue
            candidate = rerun(actions[:index] + actions[index + 1:])
            if candidate is not None and len(actions_of(candidate)) < len(actions):
                best, changed = candidate, True
    return best


def explore(variant: KeySchedule, *, examples: int = EXAMPLES, steps: int = STEPS,
            seed: int | None = None, faults: frozenset[str] = DEFAULT_FAULTS,
            topology: Topology | None = None, claims: frozenset[str] | None = None,
            until: frozenset[tuple[str, bool]] | None = None,
            progress: Callable[[str], None] | None = None,
            tick: Callable[[], None] | None = None,
            adversary: Adversary = DEFAULT,
            database: ExampleDatabase | None = None) -> ExploreResult:
    """One Hypothesis search of ``examples`` examples that keeps the first violation of each
    (claim, promised) it meets, each minimised as it is found. ``claims`` limits the search
    to those claims and stops it once each is found (``settled``); ``until`` stops it once
    each (claim, promised) given is found (a promised violation stands for an unpromised
    one). A claim found violated outside the promise is still searched for a promised
    violation. ``tick`` is called as each example begins. ``database``: a campaign's example
    database, whose examples for this search are replayed first (``search_machine``)."""
    topology = topology or small_topology()
    result = ExploreResult(variant.name, adversary=adversary, faults=faults)
    found: dict[tuple[str, bool], Finding] = {}
    counter = _Tally(tick)

    def done() -> bool:
        if until is not None and all((c, True) in found or (c, p) in found for c, p in until):
            return True
        return claims is not None and settled(claims, found, variant)

    def keep(finding: Finding) -> bool:
        """Keep a new violation (minimised); end the search once done. Never fails the
        example: the search goes on for the other claims."""
        key = (finding.claim, finding.promised)
        if key not in found and (finding.claim, True) not in found \
                and (claims is None or finding.claim in claims):
            try:
                found[key] = minimise(variant, finding, topology, adversary)
            except KeyboardInterrupt:  # kept as found, its trace not minimised
                found[key] = finding
                raise
            if progress:
                kind = ("promised" if finding.promised
                        else f"outside the promise: {finding.outside}" if finding.outside
                        else "not promised")
                progress(f"found {finding.claim} ({kind}), {actions_text(len(found[key].trace))}, "
                         f"in example {counter['examples']}")
            if done():
                raise _Done
        return False

    aims = claims if until is None else frozenset(c for c, _ in until) | (claims or frozenset())
    shortest = ShortestRuns()
    machine = search_machine(variant, topology, keep, faults, adversary, counter,
                             result.sometimes, aims, keyed=database is not None,
                             shortest=shortest)
    if seed is not None:
        machine = hypothesis_seed(seed)(machine)
    # The generate phase only: Hypothesis' target phase (from half the budget on) hill-climbs
    # the best example of each ``target`` score one choice at a time, and its runs share the
    # example's first handover, plan and swarm (measured on no_path_switch_refresh, seed 1,
    # 1614 examples: 778 in the target phase; of the 836 generated, 679 were mutations of
    # another, so 157 drew their own plan). Without it the whole budget draws new examples;
    # the scores still choose which mutations Hypothesis mutates further. With ``database``
    # (a campaign's, ``hoverify.campaign``) the reuse phase first replays what the campaign
    # stored for this search, read only: an example that fails there is one explore keeps
    # without failing, and Hypothesis deletes a stored example that no longer fails.
    # Hypothesis refuses a database with ``derandomize``: that search is random or seeded.
    if not done():
        try:
            with contextlib.suppress(_Done), _without_local_constants():
                run_state_machine_as_test(machine, settings=settings(
                    max_examples=examples, stateful_step_count=steps,
                    database=None if database is None else ReadOnlyDatabase(database),
                    derandomize=seed is None and database is None, deadline=None,
                    phases=([Phase.generate] if database is None
                            else [Phase.reuse, Phase.generate]),
                    suppress_health_check=list(HealthCheck)))
        except KeyboardInterrupt:  # Ctrl-C: the counts and findings so far are the result,
            result.interrupted = True  # as verify's (``VerifyResult.stopped``)
    result.findings = listing_order(found.values())
    result.examples_run = counter["examples"]
    result.steps_run = counter["steps"]
    result.vacuous = vacuous(all_claims(variant, topology), variant, result.sometimes)
    result.unexercised = unexercised(result.vacuous, faults, adversary)
    # the claims searched for (``claims``; all, without it): another's failure is not kept
    failing = {finding.claim for finding in result.findings}
    judged = {claim: plainest(variant, claim, trace, topology, adversary, serving=False)
              for claim, trace in shortest.items()
              if claim not in failing and (claims is None or claim in claims)}
    result.exercised = exercised(variant, topology, adversary, judged, {
        claim: plainest(variant, claim, trace, topology, adversary, serving=True)
        for claim, trace in shortest.served_runs.items() if claim in judged})
    return result


def search_machine(variant: KeySchedule, topology: Topology, selected: Callable[[Finding], bool],
                   faults: frozenset[str], adversary: Adversary, counter: dict[str, int],
                   sometimes: Counter[str] | None = None, aims: frozenset[str] | None = None,
                   *, keyed: bool, shortest: ShortestRuns | None = None
                   ) -> type[RuleBasedStateMachine]:
    """The machine explore searches with (``exploration_machine``, examples and steps counted
    in ``counter``), and a campaign's fuzz target (``hoverify.campaign``): the same class, so
    that Hypothesis stores and finds their examples under one key. ``keyed``: that key names
    the search (``campaign_key``), so that two campaigns sharing a database (another variant,
    other faults) neither replay nor delete each other's examples. Hypothesis derives the key
    from a digest of the machine's source, which adds the factory's
    ``_hypothesis_internal_add_digest`` (private, as pytest's parametrize cases use it; no
    public setting names a stateful test's key). Plain explore is not keyed: the digest also
    seeds its derandomized search, which would change. ``shortest`` notes the shortest traces
    in which each claim's situation arose (``exploration_machine``, ``ShortestRuns``)."""
    machine = _counting(exploration_machine(variant, topology, EXPLORATION_KASME, selected,
                                            faults, sometimes, adversary, aims, shortest),
                        counter)
    if keyed:
        machine._hypothesis_internal_add_digest = campaign_key(  # type: ignore[attr-defined]
            variant, topology, faults, adversary)
    return machine


def campaign_key(variant: KeySchedule, topology: Topology, faults: frozenset[str],
                 adversary: Adversary) -> bytes:
    """What an example's choices mean: the same choices explore another variant (or its
    parameters), topology, KASME, faults or attacker model differently. The same in every
    process: no set's order (Python's string hashes are salted per process)."""
    topology_text = {"cells": [list(astuple(c)) for c in topology.cells],
                     "enb_mme": [list(pair) for pair in topology.enb_mme],
                     "x2_links": sorted(sorted(link) for link in topology.x2_links)}
    return json.dumps({"variant": variant.name, "parameters": dict(variant.parameters),
                       "topology": topology_text, "kasme": EXPLORATION_KASME.hex(),
                       "faults": sorted(faults), "attacker": adversary.to_json("")},
                      sort_keys=True).encode()


@contextlib.contextmanager
def _without_local_constants() -> Iterator[None]:
    """Hypothesis (since 6.131) draws, now and then, an integer literal found in the source of
    any loaded module outside site-packages and tests/ (``_get_local_constants``): for this
    machine, the swarm rule flags' disabling probability (a draw in 0..254). That pool grows
    as modules are imported, so the same seed searched differently in ``hoverify explore``,
    in a script and after other tests in pytest. The search runs without it (Hypothesis'
    own constants stay; they lie outside our ranges), so a seed gives one search anywhere.
    Hypothesis offers no setting for this: the hook is private, and absent before 6.131."""
    from hypothesis.internal.conjecture import providers

    local = getattr(providers, "_get_local_constants", None)
    if local is None:
        yield
        return
    from hypothesis.internal.constants_ast import Constants

    providers.CONSTANTS_CACHE.cache.clear()  # pools filtered per range, from either source
    providers._get_local_constants = Constants  # type: ignore[attr-defined]  # empty pool
    try:
        yield
    finally:
        providers._get_local_constants = local  # type: ignore[attr-defined]
        providers.CONSTANTS_CACHE.cache.clear()


class _Done(BaseException):
    """Every claim asked for is found: ends the search at once. A ``BaseException``, as
    Ctrl-C is, so that Hypothesis neither counts it a failure nor replays the example."""


class _Tally(dict[str, int]):
    """Examples and steps run, counted by ``_counting``'s class, which tells ``tick`` of each
    new example from here: that class's source must not change with the caller, since
    Hypothesis derives the derandomized search from a digest of it."""

    def __init__(self, tick: Callable[[], None] | None) -> None:
        super().__init__(examples=0, steps=0)
        self.tick = tick

    def __setitem__(self, key: str, value: int) -> None:
        super().__setitem__(key, value)
        if key == "examples" and self.tick:
            self.tick()


def _counting(machine: type, counter: dict[str, int]) -> type:
    class Counted(machine):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            counter["examples"] += 1

        def check_invariants(self, *args: Any, **kwargs: Any) -> None:
            counter["steps"] += 1
            super().check_invariants(*args, **kwargs)

    Counted.__name__ = machine.__name__
    return Counted


# -- files -------------------------------------------------------------------------------------
