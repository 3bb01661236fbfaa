"""All claims for one finished run and one attacker model: what ``hoverify check`` reports.

The run's steps are fed, in order, to the same claim engine that ``explore`` and ``verify``
drive step by step (``hoverify.properties.engine``); each attacker compromises its eNBs just before
the first step of its hop. The verdicts are the claims' summaries over the finished run.
downgrade-resistance, handover-denial and fake-cell-capture are the claims about runs other
than this one (the source eNB edits what it relays and sends): in a finished run they come
from the edit search of ``hoverify.properties.downgrade``, which runs each hop again with each edit;
in ``explore`` the same definitions judge the edits of the ``rewrite`` fault as they happen.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from hoverify.properties.adversary import DEFAULT, Adversary
from hoverify.properties.analysis import Analysis
from hoverify.properties.attacker import Attacker, Compromise
from hoverify.properties.claims import CLAIMS, CONFINEMENT, ClaimResult, all_claims
from hoverify.properties.downgrade import handover_attacks
from hoverify.properties.engine import Engine, Facts
from hoverify.properties.promises import find_promise
from hoverify.statemachines.scenario import Run


@dataclass
class Evaluation:
    analysis: Analysis
    attacker: Attacker | None
    claims: list[ClaimResult]
    derivable_hops: list[int]
    invariants: list[ClaimResult]
    facts: Facts  # what the claims judged from: derivations, completions, attackers
    adversary: Adversary = DEFAULT

    @property
    def promise_broken(self) -> bool:
        return any(claim.promise_broken for claim in (*self.claims, *self.invariants))

    @property
    def vacuous(self) -> list[str]:
        return [claim.name for claim in self.claims if claim.vacuous]


def default_attackers(analysis: Analysis) -> list[Attacker]:
    """Per hop, its source eNB and its target eNB, each compromised from that hop on (the
    seed's attacker, and a target that may be revisited)."""
    seen: dict[str, Attacker] = {}
    for h in analysis.hops:
        for enb in (analysis.source(h), analysis.target(h)):
            attacker = Attacker((Compromise(enb, h),))
            seen.setdefault(str(attacker), attacker)
    return list(seen.values())


def evaluate(run: Run, attacker: Attacker | None = None,
             adversary: Adversary = DEFAULT) -> Evaluation:
    """With no ``attacker``, every hop is checked against its own source and target eNB,
    each compromised from that hop on. With one, the claims are checked against it only.
    ``adversary``: what the network attacker reads (with the backhaul unprotected, the
    claims also judge the attacker ``network``)."""
    analysis = Analysis.of(run)
    attackers = [attacker] if attacker is not None else default_attackers(analysis)
    engine = feed(run, attackers, adversary)
    summary = engine.summary()
    # promised in this run: for a type of its hops (seed-fs promises downgrade-resistance on
    # S1 hops only: on an X2-only run it does not apply, it is not vacuous)
    hop_types = {hop.spec.type for hop in run.hops}
    promised = {c.name: c.promised_by(run.variant) and (c.invariant or any(
        find_promise(run.variant, c.name, t) is not None for t in hop_types))
        for c in engine.claims}
    results = {name: ClaimResult(name, tuple(verdicts), engine.counts[name], promised[name])
               for name, verdicts in summary.items()}
    if attacker is None:
        downgrade = [(h, Attacker((Compromise(analysis.source(h), h),))) for h in analysis.hops]
    else:
        downgrade = [(h, attacker) for h in analysis.hops
                     if any(c.entity == analysis.source(h) and c.hop <= h
                            for c in attacker.compromises)]
    for name, verdicts in handover_attacks(analysis, downgrade).items():
        results[name] = ClaimResult(name, verdicts, len(verdicts), promised[name])
    claims = [results[name] for name in CLAIMS
              if name != CONFINEMENT or results[name].verdicts or promised[name]]
    invariants = [r for name, r in results.items() if name not in CLAIMS]
    shown = attacker or Attacker()
    final = engine.facts.attacker(str(shown)) if attacker is not None else None
    derivable = ([c.number for c in engine.facts.completions
                  if c.number > 0 and c.kenb in final.known] if final is not None else
                 [h for h in analysis.hops if analysis.derivable(shown, h)])
    return Evaluation(analysis, attacker, claims, derivable, invariants, engine.facts,
                      adversary)


def feed(run: Run, attackers: list[Attacker], adversary: Adversary = DEFAULT) -> Engine:
    """The run's steps through a claim engine; each attacker compromises its parties before
    the first step of their hop, holding the key record each had then, or learns the key it
    names (KASME, a delegated key) from then on."""
    system = run.system
    start = run.topology.cell(run.initial_cell)
    engine = Engine(run.variant, run.topology, all_claims(run.variant, run.topology),
                    start.enb, start.name, adversary=adversary, finished=True)
    engine.set_up(system.setup)
    at: dict[int, dict[Attacker, list[str]]] = defaultdict(lambda: defaultdict(list))
    for attacker in attackers:
        for compromise in attacker.compromises:
            at[compromise.hop][attacker].append(compromise.entity)
    first_step = {hop.first_step: hop.number for hop in run.hops}
    replayed = {number for number, _ in run.replayed}
    ctx: dict[str, Any] = {name: state[1] for name, state in system.initial.items()}
    for step in system.steps:
        hop = first_step.get(step.number)
        for attacker, entities in at[hop].items() if hop in at else ():
            # what the attacker takes at one hop, taken at once (``Engine.corrupt``)
            engine.corrupt(str(attacker), [(e, ctx[e]) for e in entities if e in ctx],
                           [e for e in entities if e not in ctx], hop)
        if step.number in replayed:
            engine.fault("replay", step.message)
        receiver = step.message.receiver
        engine.step(step, ctx.get(receiver))
        if step.ctx_after is not None:
            ctx[receiver] = step.ctx_after
    return engine
