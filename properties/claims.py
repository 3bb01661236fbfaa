"""Security claims over a run, each with a verdict per hop and per attacker.

A verdict that fails carries a witness (what the attacker holds and each derivation from
there to the key, or the message trace of the attack); one that holds carries the cut (the
secret inputs the attacker lacks and who holds them). Whether a verdict is *promised* comes
from the variant's own ``promises()``; nothing here knows a variant by name.

Definitions (TS 33.501 3.1, the same ideas as TS 33.401 7.2.8):
- backward security: an eNB cannot compute the KeNB of an earlier hop served by another eNB;
- forward security: an eNB cannot compute a later KeNB used with another eNB; n-hop forward
  security: the keys used n or more hops after the last KeNB the attacker legitimately held
  cannot be computed (if the UE returns to a compromised eNB, counting restarts there).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from properties.analysis import Analysis
from properties.attacker import Attacker, Compromise
from properties.closure import closure, cut
from properties.graph import DERIVATION, KEY, value_node
from properties.promises import (
    FORWARD,
    find_promise,
    forward_distance,
    forward_wanted,
    outside_forward_promise,
)
from statemachines.messages import Interface, Kind
from statemachines.topology import HopType
from statemachines.variant import Promise

KEY_AGREEMENT = "key-agreement"
BACKWARD = "backward-security"
SEPARATION = "key-separation"
DOWNGRADE = "downgrade-resistance"
DENIAL = "handover-denial"  # observed beside downgrade, never called downgrade
CAPTURE = "fake-cell-capture"  # likewise (properties.downgrade)
CONFINEMENT = "confinement"
CLAIMS = (KEY_AGREEMENT, BACKWARD, FORWARD, SEPARATION, DOWNGRADE, DENIAL, CAPTURE,
          CONFINEMENT)


@dataclass(frozen=True)
class Verdict:
    hop: int
    attacker: str
    holds: bool
    promised: bool
    detail: str
    witness: tuple[str, ...] = ()
    cut: tuple[str, ...] = ()
    n_hops: int | None = None  # forward security: the smallest n that holds in this run
    witness_hop: int | None = None  # the hop whose KeNB the witness derives, if any


@dataclass(frozen=True)
class ClaimResult:
    name: str
    verdicts: tuple[Verdict, ...]

    @property
    def promised(self) -> bool:
        return any(v.promised for v in self.verdicts)

    @property
    def applies(self) -> bool:
        """False when no hop or attacker of the run gives the claim anything to judge."""
        return bool(self.verdicts)

    @property
    def holds(self) -> bool:
        return all(v.holds for v in self.verdicts)

    @property
    def promise_broken(self) -> bool:
        return any(v.promised and not v.holds for v in self.verdicts)


def promise_for(analysis: Analysis, claim: str, hop_type: HopType | None) -> Promise | None:
    return find_promise(analysis.run.variant, claim, hop_type)


def _hop_type(analysis: Analysis, hop: int) -> HopType | None:
    return analysis.run.hops[hop - 1].spec.type if hop >= 1 else None


# -- key agreement --
def key_agreement(analysis: Analysis) -> ClaimResult:
    """After each hop the UE and the target eNB hold the same KeNB and RRC/UP keys, and the
    target verified the HO confirm."""
    verdicts = []
    system = analysis.run.system
    for hop in analysis.run.hops:
        ue_keys = enb_keys = None
        confirm = "no HO confirm reached the target"
        for step in system.steps[hop.first_step:]:
            if step.hop != hop.number:
                break
            if step.message.kind is Kind.RRC_HANDOVER_COMMAND and step.outcome.accepted:
                ue_keys = step.ctx_after.keys.as_keys
            if (step.message.kind is Kind.RRC_HANDOVER_CONFIRM
                    and step.message.receiver == hop.target_enb):
                confirm = ("confirm verified" if step.outcome.accepted
                           else f"confirm rejected: {step.outcome.reason}")
                if step.outcome.accepted:
                    enb_keys = step.ctx_after.keys.as_keys
        agree = ue_keys is not None and ue_keys == enb_keys
        promised = promise_for(analysis, KEY_AGREEMENT, hop.spec.type) is not None
        detail = (f"UE and {hop.target_enb} hold the same KeNB, KRRCint, KRRCenc, KUPenc; "
                  f"{confirm}" if agree else
                  f"UE and {hop.target_enb} disagree ({confirm})")
        witness = () if agree else (
            f"UE KeNB {ue_keys.kenb.hex() if ue_keys else None}",
            f"{hop.target_enb} KeNB {enb_keys.kenb.hex() if enb_keys else None}")
        verdicts.append(Verdict(hop.number, "-", agree, promised, detail, witness))
    return ClaimResult(KEY_AGREEMENT, tuple(verdicts))


# -- backward and forward security --
def default_backward_attackers(analysis: Analysis) -> list[tuple[int, Attacker]]:
    """The target eNB of each hop that has not served the UE before, compromised from that
    hop on (an eNB the UE returns to may still hold its own earlier context)."""
    return [(h, Attacker((Compromise(analysis.target(h), h),))) for h in analysis.hops
            if analysis.target(h) not in {analysis.serving[j] for j in range(h)}]


def default_forward_attackers(analysis: Analysis) -> list[tuple[int, Attacker]]:
    """The source eNB of each hop, compromised from that hop on (the seed's attacker)."""
    return [(h, Attacker((Compromise(analysis.source(h), h),))) for h in analysis.hops]


def _first_served(analysis: Analysis, attacker: Attacker) -> int | None:
    """The first hop after which one of the attacker's eNBs served the UE."""
    return min((i for i, enb in analysis.serving.items() if enb in attacker.entities),
               default=None)


def backward_security(analysis: Analysis,
                      attackers: list[tuple[int, Attacker]]) -> ClaimResult:
    """Per (hop, attacker): the KeNBs of hops before the compromise, used before any of the
    attacker's eNBs served the UE (a key after that is a forward matter, judged there)."""
    verdicts = []
    for hop, attacker in attackers:
        first = _first_served(analysis, attacker)
        earlier = [j for j in sorted(analysis.kenb) if j < hop
                   and (first is None or j < first)]
        derivable = [j for j in earlier if analysis.derivable(attacker, j)]
        promised = promise_for(analysis, BACKWARD, _hop_type(analysis, hop)) is not None
        if derivable:
            j = derivable[-1]
            verdicts.append(Verdict(
                hop, str(attacker), False, promised,
                f"can derive the KeNB of earlier hop(s) {derivable}",
                tuple(analysis.witness_lines(attacker, analysis.kenb_node(j))),
                witness_hop=j))
        elif earlier:
            j = earlier[-1]
            verdicts.append(Verdict(
                hop, str(attacker), True, promised,
                f"cannot derive the KeNB of any earlier hop {earlier}",
                cut=tuple(analysis.cut_lines(attacker, analysis.kenb_node(j)))))
    return ClaimResult(BACKWARD, tuple(verdicts))


def forward_security(analysis: Analysis,
                     attackers: list[tuple[int, Attacker]]) -> ClaimResult:
    """n-hop forward security per (hop, attacker). A derivable KeNB of hop j counts j - i
    hops, i the last hop before j after which the attacker served the UE; the promise that
    applies is the one for the type of hop i + 1, the hop that left the attacker."""
    verdicts = []
    last = max(analysis.kenb, default=0)
    for hop, attacker in attackers:
        first = _first_served(analysis, attacker)
        start = hop if first is None else min(hop, first + 1)  # what it held counts too
        later = [j for j in sorted(analysis.kenb) if j >= start
                 and analysis.serving[j] not in attacker.entities]
        if not later:
            continue
        derivable = [j for j in later if analysis.derivable(attacker, j)]
        distance = {j: forward_distance(analysis.serving, attacker.entities, hop, j)
                    for j in derivable}
        n = 1 + max(distance.values(), default=0)
        promise = promise_for(analysis, FORWARD, _hop_type(analysis, hop))
        failing = [j for j in derivable if distance[j] + 1 > _wanted(analysis, distance, j)]
        outside = {j: _outside(analysis, distance, j) for j in failing}  # None: promised
        broken = [j for j in failing if outside[j] is None]
        open_ended = " (the run ends there)" if derivable and derivable[-1] == last else ""
        detail = (f"{n}-hop forward security{open_ended}; derivable later KeNB: hops "
                  f"{derivable}" if derivable else "no later KeNB derivable (1-hop)")
        if promise:
            detail += f"; promised {promise.hops or 1}-hop"
        if failing and not broken:
            detail += f"; {outside[failing[0]]}"
        witness = cut_lines = ()
        worst = None
        if derivable:
            worst = max(derivable, key=lambda j: distance[j] + 1 - _wanted(analysis, distance, j))
            witness = tuple(analysis.witness_lines(attacker, analysis.kenb_node(worst)))
        safe = [j for j in later if j not in derivable]
        if safe:
            cut_lines = tuple(analysis.cut_lines(attacker, analysis.kenb_node(safe[0])))
        # failing: promised if a failure breaks the promise for the hop that left the
        # attacker; holding: promised if the compromise hop's type has a promise
        promised = bool(broken) if failing else promise is not None
        verdicts.append(Verdict(hop, str(attacker), not failing, promised, detail,
                                witness, cut_lines, n, worst))
    return ClaimResult(FORWARD, tuple(verdicts))


def _outside(analysis: Analysis, distance: dict[int, int], j: int) -> str | None:
    """Why a failure at hop j is outside what the variant promises (None: it breaks it)."""
    left = j - distance[j]
    leaving = analysis.run.hops[left].spec.type  # hop left + 1 took the UE away
    return outside_forward_promise(analysis.run.variant, leaving, analysis.early, left, j)


def _wanted(analysis: Analysis, distance: dict[int, int], j: int) -> int:
    """The n promised for the hop that took the UE away from the attacker before hop j."""
    return forward_wanted(analysis.run.variant, _hop_type(analysis, j - distance[j] + 1))


def derivable_hops(analysis: Analysis, attacker: Attacker) -> list[int]:
    return [hop for hop in analysis.hops if analysis.derivable(attacker, hop)]


# -- key separation --
def key_separation(analysis: Analysis) -> ClaimResult:
    """No KeNB serves two eNBs or two cells, and each hop's KeNB is bound to its target cell:
    the target's PCI is an input of a derivation on the way to it (TS 33.401 7.2.8.1)."""
    uses: dict[bytes, list[int]] = defaultdict(list)
    for hop, kenb in analysis.kenb.items():
        uses[kenb].append(hop)
    verdicts = []
    for hop in sorted(analysis.kenb):
        if hop == 0:
            continue
        shared = [j for j in uses[analysis.kenb[hop]] if j != hop and (
            analysis.serving[j] != analysis.serving[hop] or analysis.cell[j] != analysis.cell[hop])]
        promised = promise_for(analysis, SEPARATION, _hop_type(analysis, hop)) is not None
        pci = analysis.run.hops[hop - 1].target_cell.pci
        if shared:
            where = ", ".join(f"hop {j} ({analysis.serving[j]}, {analysis.cell[j]})"
                              for j in shared)
            verdicts.append(Verdict(hop, "-", False, promised,
                                    f"KeNB[hop {hop}] also serves {where}",
                                    (f"KeNB {analysis.kenb[hop].hex()}",)))
        elif not _bound_to_pci(analysis, hop, pci):
            verdicts.append(Verdict(hop, "-", False, promised,
                                    f"KeNB[hop {hop}] is not bound to its target cell: PCI "
                                    f"{pci} is not an input of any derivation leading to it",
                                    tuple(analysis.derivation_lines(analysis.kenb_node(hop)))))
        else:
            verdicts.append(Verdict(hop, "-", True, promised,
                                    f"KeNB[hop {hop}] serves only {analysis.serving[hop]}, "
                                    f"{analysis.cell[hop]}, and is bound to PCI {pci}"))
    return ClaimResult(SEPARATION, tuple(verdicts))


def _bound_to_pci(analysis: Analysis, hop: int, pci: int) -> bool:
    g = analysis.graph.graph
    wanted = ("PCI", value_node(pci.to_bytes(2, "big")))
    return any(g.nodes[n]["kind"] == DERIVATION and wanted in g.nodes[n]["inputs"]
               for n in nx.ancestors(g, analysis.kenb_node(hop)))


# -- confinement (the seed's section 4) ----------------------------------------------------------
def confinement(analysis: Analysis) -> ClaimResult | None:
    """Revealing each key the variant delegates out of KASME (``delegated_keys()``, the
    seed's K_HO) reveals neither KASME nor the NAS keys. Not applicable to a variant that
    delegates none."""
    g = analysis.graph.graph
    names = set(analysis.run.variant.delegated_keys())
    delegated = [n for n, a in g.nodes(data=True) if a["kind"] == KEY and a["name"] in names]
    if not delegated:
        return None
    protected = [n for n, a in g.nodes(data=True)
                 if a["kind"] == KEY and a["name"] in ("KASME", "KNASint", "KNASenc")]
    who = f"knows {', '.join(sorted(names))}"
    result = closure(analysis.graph.index, [*analysis.graph.public_nodes(), *delegated])
    revealed = [n for n in protected if n in result]
    promised = promise_for(analysis, CONFINEMENT, None) is not None
    if revealed:
        return ClaimResult(CONFINEMENT, (Verdict(
            0, who, False, promised,
            f"{', '.join(sorted(names))} reveals "
            f"{', '.join(analysis.graph.label(n) for n in revealed)}",
            tuple(line for n in revealed for line in analysis.derivation_lines(n))),))
    labels = ", ".join(sorted({analysis.graph.label(n) for n in protected}))
    lacking = sorted({analysis.graph.label(m) for n in protected for m in cut(g, result, n)}
                     | {analysis.graph.label(n) for n in protected})
    return ClaimResult(CONFINEMENT, (Verdict(
        0, who, True, promised,
        f"{', '.join(sorted(names))} reveals none of {labels}: no derivation runs from it "
        "towards them (one-way KDF)", cut=tuple(f"lacks {x}" for x in lacking)),))


def relayed_to_ue(analysis: Analysis, hop: int) -> list[int]:
    """Steps of ``hop`` in which the source eNB received what it relays to the UE: the
    messages after which it sent the RRC HO command."""
    source = analysis.source(hop)
    return [step.number for step in analysis.run.system.steps
            if step.hop == hop and step.message.receiver == source
            and step.message.interface is not Interface.UU
            and any(m.kind is Kind.RRC_HANDOVER_COMMAND for m in step.outcome.sent)]
