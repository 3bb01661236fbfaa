"""One claim, one definition (helper-223): ``check`` on the check line of a trace judges every
claim as the claim engine judges it on the trace itself (``replay``), where the line is the
trace's own run (no ``check_note``) and both judge the same attacker.

Each trace of ``data/agree223/traces.json`` (``data/SOURCES.md``) is a run of ``start``,
``deliver``, ``compromise``, ``edit`` and ``refuse`` actions to its end (nothing in flight),
whose check line runs each hop's steps as the trace did. Two differences are the definitions'
own, and left out:

- the edit claims on a hop with no ``:edit=``: ``check`` searches every edit of the hop's
  source, the engine judges the run's edit alone (docs/claims.md, *Downgrade resistance*:
  "`check` searches every edit of each hop's source. A hop with `:edit=` is judged on that
  edit alone, as `explore` and `verify` judge theirs");
- with no ``--compromise``, the attackers the trace has not: ``check`` judges each hop's
  source and target eNB, each from that hop on (docs/claims.md, *Compromise*), so a claim's
  word over the run is compared only where both judge one attacker.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hoverify.properties.adversary import DEFAULT
from hoverify.properties.check_line import check_hops
from hoverify.properties.claims import CLAIMS, INVARIANTS, ClaimResult, EditClaim, all_claims
from hoverify.properties.exploration import EXPLORATION_KASME, Action, Exploration
from hoverify.properties.replay import replay, replayed_claim
from hoverify.statemachines.messages import Kind
from hoverify.statemachines.scenario import run_scenario
from hoverify.statemachines.system import Step
from hoverify.statemachines.topology import small_topology
from hoverify.statemachines.variant import KeySchedule
from hoverify.statemachines.variants import load

from hoverify.cli import build_parser, variant_argv
from hoverify.runs import check_evaluation, claim_document
from hoverify.variant_file import load_variant_file

TESTS = Path(__file__).parent
TRACES = json.loads((TESTS / "data" / "agree223" / "traces.json").read_text())
# what a claim says of one attacker in one hop: its verdict words there
Judged = dict[tuple[str, int], frozenset[str]]


@dataclass(frozen=True)
class Judgement:
    """A claim over a run: its word, and its verdict words per (attacker, hop)."""

    word: str
    verdicts: Judged


def _variant(case: dict[str, Any]) -> tuple[KeySchedule, list[str]]:
    """The case's variant, and how ``check`` names it."""
    file = case["variant_file"] and str(TESTS / case["variant_file"])
    variant = (load_variant_file(file) if file is not None
               else load(case["variant"], case["bit_placement"]))
    return variant, variant_argv(case["variant"], file, case["bit_placement"])


def _judgement(result: ClaimResult, unjudged_hops: Iterable[int]) -> Judgement:
    """``result`` in ``check``'s words (``claim_document``), leaving out ``unjudged_hops``."""
    doc, verdicts = claim_document(result, evidence=False), defaultdict(set)
    for v in doc["verdicts"]:
        if v["hop"] not in unjudged_hops:
            verdicts[v["attacker"], v["hop"]].add(v["verdict"])
    return Judgement(doc["verdict"], {key: frozenset(words) for key, words in verdicts.items()})


def _by_hop(steps: Iterable[Step]) -> dict[int, list[tuple[str, bool]]]:
    """Each hop's steps in order: the message, and whether its receiver accepted it."""
    hops: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for step in steps:
        hops[step.hop].append((str(step.message), step.outcome.accepted))
    return dict(hops)


def _pairs(case: dict[str, Any]) -> tuple[dict[str, ClaimResult], dict[str, ClaimResult],
                                         set[int], bool]:
    """Every claim as the engine judges the case's trace, and as ``check`` judges its check
    line; the hops the line edits; whether it compromises."""
    variant, named = _variant(case)
    topology, trace = small_topology(), [Action.from_json(a) for a in case["trace"]]
    hops = check_hops(variant, trace, topology, EXPLORATION_KASME, DEFAULT)
    assert (hops.reason, hops.note) == (None, None)
    assert ",".join(map(str, hops.hops)) == case["hops"]
    assert list(hops.compromises) == case["compromise"]
    exploration = replay(variant, trace, topology, EXPLORATION_KASME, strict=True)
    try:
        assert not exploration.system.in_flight
        engine = {name: replayed_claim(exploration, name) for name in (*CLAIMS, *INVARIANTS)}
        steps = _by_hop(exploration.system.steps)
    finally:
        exploration.close()
    args = build_parser().parse_args(
        ["check", *named, "--topology", "small", "--hops", case["hops"],
         *(a for who in case["compromise"] for a in ("--compromise", who))])
    run, evaluation = check_evaluation(args, lambda _: DEFAULT)
    assert _by_hop(run.system.steps) == steps  # the line runs the trace's own run
    checked = {c.name: c for c in (*evaluation.claims, *evaluation.invariants)}
    edited = {n for n, hop in enumerate(hops.hops, start=1) if hop.edits}
    return ({n: r for n, r in engine.items() if r is not None}, checked, edited,
            bool(hops.compromises))


@pytest.mark.parametrize("case", TRACES, ids=lambda c: f"{c['variant_file'] or c['variant']}:"
                                                        f"{c['hops']}")
def test_check_judges_every_claim_as_the_engine_does_on_the_trace(case: dict[str, Any]) -> None:
    engine, checked, edited, compromised = _pairs(case)
    variant, _ = _variant(case)
    edit_claims = {c.name for c in all_claims(variant, small_topology())
                   if isinstance(c, EditClaim)}
    assert set(engine) == set(checked)
    for name in engine:
        unjudged = ({h for r in (engine[name], checked[name]) for h in (v.hop for v in r.verdicts)}
                    - edited if name in edit_claims else set())
        mine, theirs = _judgement(engine[name], unjudged), _judgement(checked[name], unjudged)
        for key in mine.verdicts.keys() & theirs.verdicts.keys():
            assert mine.verdicts[key] == theirs.verdicts[key], (name, key)
        if compromised:  # the same attacker: the same verdicts, and the same word over the run
            assert mine.verdicts.keys() == theirs.verdicts.keys(), name
            assert name in edit_claims or mine.word == theirs.word, name


def _race(ack_last: bool) -> list[Action]:
    """seed-fs (nas) X2 hops to enb-2/cell-1 and enb-1/cell-2, the second decided by enb-2
    before hop 1's Path Switch Request Acknowledge arrived (TS 33.401 7.2.8.4.2), each
    message then delivered in order: that acknowledgement among hop 2's (helper-223), or,
    ``ack_last``, held back until hop 2 is over, as ``:early`` holds it."""
    exploration = Exploration(load("seed-fs", "nas"), small_topology(), EXPLORATION_KASME)
    try:
        system = exploration.system

        def start(cell: str) -> Action:
            return exploration.start_handover([c.name for c in exploration.neighbours()]
                                              .index(cell))

        trace = [start("enb-2/cell-1")]
        while not any(s.message.kind is Kind.RRC_HANDOVER_CONFIRM for s in system.steps):
            trace.append(exploration.deliver(0))
        trace.append(start("enb-1/cell-2"))
        while system.in_flight:
            first = system.in_flight[0]
            held = (ack_last and len(system.in_flight) > 1 and first.handover == 1
                    and first.kind is Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE)
            trace.append(exploration.deliver(1 if held else 0))
        return trace
    finally:
        exploration.close()


@pytest.mark.parametrize("ack_last", [False, True])
def test_an_early_check_line_runs_the_trace_or_says_how_it_differs(ack_last: bool) -> None:
    """An ``:early`` hop's check line holds the acknowledgement back until that hop is over:
    where the trace delivered it sooner, the line's run is a different race, and its
    ``check_note`` says so; where the trace held it as long, the run is the trace's."""
    variant, topology, trace = load("seed-fs", "nas"), small_topology(), _race(ack_last)
    found = check_hops(variant, trace, topology, EXPLORATION_KASME, DEFAULT)
    assert ",".join(map(str, found.hops)) == "x2@enb-2/cell-1,x2@enb-1/cell-2:early"
    exploration = replay(variant, trace, topology, EXPLORATION_KASME, strict=True)
    try:
        steps = _by_hop(exploration.system.steps)
    finally:
        exploration.close()
    run = run_scenario(variant, found.hops, kasme=EXPLORATION_KASME, topology=topology)
    assert (_by_hop(run.system.steps) == steps) == ack_last
    assert (found.note is None) == ack_last, found.note
