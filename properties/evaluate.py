"""All claims for one run and one attacker model: what ``hoverify check`` reports."""

from __future__ import annotations

from dataclasses import dataclass

from properties.analysis import Analysis
from properties.attacker import Attacker
from properties.claims import (
    ClaimResult,
    backward_security,
    confinement,
    default_backward_attackers,
    default_forward_attackers,
    derivable_hops,
    forward_security,
    key_agreement,
    key_separation,
)
from properties.downgrade import handover_attacks
from statemachines.scenario import Run


@dataclass
class Evaluation:
    analysis: Analysis
    attacker: Attacker | None
    claims: list[ClaimResult]
    derivable_hops: list[int]

    @property
    def promise_broken(self) -> bool:
        return any(claim.promise_broken for claim in self.claims)


def evaluate(run: Run, attacker: Attacker | None = None) -> Evaluation:
    """With no ``attacker``, every hop is checked against its own source eNB (forward
    security, downgrade) and target eNB (backward security), each compromised from that hop
    on. With one, the claims are checked against that attacker only."""
    analysis = Analysis.of(run)
    if attacker is None:
        backward = default_backward_attackers(analysis)
        forward = default_forward_attackers(analysis)
        downgrade = forward
    else:
        start = min(c.hop for c in attacker.compromises)
        backward = forward = [(max(start, 1), attacker)] if analysis.hops else []
        downgrade = [(h, attacker) for h in analysis.hops
                     if any(c.entity == analysis.source(h) and c.hop <= h
                            for c in attacker.compromises)]
    claims = [key_agreement(analysis), backward_security(analysis, backward),
              forward_security(analysis, forward), key_separation(analysis),
              *handover_attacks(analysis, downgrade)]
    confined = confinement(analysis)
    if confined is not None:
        claims.append(confined)
    shown = attacker or Attacker()
    return Evaluation(analysis, attacker, claims, derivable_hops(analysis, shown))
