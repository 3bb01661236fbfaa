"""Verdicts that the mutants of helper-230 changed while the suite still passed: each test
reads its expected verdict from the spec (/work/shared/spec/handover-keys.md), not from the
code it guards."""

from __future__ import annotations

import pytest
from hoverify.properties import downgrade
from hoverify.properties.adversary import Adversary
from hoverify.properties.claims import CAPTURE, DENIAL
from hoverify.properties.downgrade import Edit, Writable
from hoverify.properties.evaluate import evaluate
from hoverify.properties.exploration import Exploration
from hoverify.properties.explore import EXPLORATION_KASME
from hoverify.statemachines.entity import Reject
from hoverify.statemachines.messages import Kind, Message
from hoverify.statemachines.protection import UPLINK, unprotect_rrc
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.system import UE
from hoverify.statemachines.topology import HopType, small_topology
from hoverify.statemachines.variants import load


def _bit_flips_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """``check``'s edit search tries only the flips of the seed's notification bit."""
    every = downgrade.edits_by

    def flips(message: Message, who: str, writable: Writable) -> list[Edit]:
        return [e for e in every(message, who, writable)
                if "notification bit" in e.text(message.fields)]

    monkeypatch.setattr(downgrade, "edits_by", flips)


def _serving_enb_compromised_then(hop_type: HopType) -> Exploration:
    """ts33401 on the small topology: enb-1, serving, compromised, then one handover of
    ``hop_type`` run to its end."""
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    exploration.compromise(0)  # enb-1, serving
    topology = exploration.system.topology
    serving = topology.cell(exploration.system.entity(UE).ctx.cell)
    exploration.start_handover(next(i for i, cell in enumerate(exploration.neighbours())
                                    if topology.hop_type(serving, cell) is hop_type))
    while exploration.system.in_flight:
        exploration.deliver(0)
    return exploration


@pytest.mark.parametrize("placement", ["alg-id", "c-rnti"])
def test_a_target_refusing_the_confirm_after_an_edit_is_a_denial(
        placement: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Spec section 7: "On S1 hops of the seed's proposal the target MME always applies
    KeNB*+, so a UE talked out of it disagrees with the honest target: the handover fails
    (denial)". With the bit outside the NAS part the UE accepts the flipped command, and only
    the target's refusal of the HO confirm shows the denial (helper-230 M08: a search that
    counted only the UE's refusals held handover-denial here)."""
    _bit_flips_only(monkeypatch)
    run = run_scenario(load("seed-fs", placement), parse_hops("s1"))
    denial = next(c for c in evaluate(run).claims if c.name == DENIAL)
    [verdict] = denial.verdicts
    assert not verdict.holds, verdict.detail
    assert "refuses the HO confirm" in verdict.detail, verdict.detail


def test_the_radio_attacker_forges_no_rrc_message_under_keys_it_cannot_derive() -> None:
    """Spec section 4: "S1 gives forward security after one hop" (the target's KeNB* comes
    from a fresh NH), so enb-1, compromised before an S1 handover to enb-2, derives neither
    enb-2's KeNB nor its KRRCint (TS 33.401 A.7), and the attacker model (section 8: Uu is
    open, the attacker injects "anything it can construct from its knowledge") forges no HO
    confirm enb-2 verifies: each one it injects carries a MAC-I nobody computed (helper-230
    M26: RRC keys taken from every KRRCint derivation of the run, known or not, forged it)."""
    exploration = _serving_enb_compromised_then(HopType.S1)
    target = next(s.message.receiver for s in exploration.system.steps
                  if s.message.kind is Kind.RRC_HANDOVER_CONFIRM)
    keys = exploration.system.entity(target).ctx.keys.as_keys
    confirms = [m for m in exploration.injection_choices() if m.kind is Kind.RRC_HANDOVER_CONFIRM]
    assert confirms
    for message in confirms:
        with pytest.raises(Reject):
            unprotect_rrc(keys, message.get("COUNT"), UPLINK, message.get("PDU"))
    exploration.close()


def test_an_intra_enb_hop_by_a_compromised_enb_is_no_fake_cell_capture() -> None:
    """Spec section 5: forward security, which fake-cell capture without an edit stands for,
    speaks of a KeNB "used between the same UE and another eNB"; an intra-eNB handover
    (TS 36.300 10.1.2.1, source eNB = target eNB) keeps the UE on the compromised eNB, which
    serves it anyway and impersonates no one: the claim's situation arose (the UE accepted a
    HO command) only for a source eNB relaying to another eNB's cell, and no finding is made
    (helper-230 M37: without that condition, the eNB's own cell read as a fake one)."""
    exploration = _serving_enb_compromised_then(HopType.INTRA_ENB)
    assert not [f for f in exploration.findings() if f.claim == CAPTURE]
    exploration.close()


def _ie_key(message: Message) -> tuple[str, bytes] | None:
    """The key a backhaul message carries and the derivation that names it, as spec section 6
    lists them: Initial Context Setup Request "SecurityKey = KeNB" (TS 33.401 A.3), X2AP
    Handover Request "AS-SecurityInformation {key-eNodeB-star, ...}" (A.5), Path Switch
    Request Acknowledge "SecurityContext {NCC, NH}" (A.4)."""
    if message.kind is Kind.S1AP_INITIAL_CONTEXT_SETUP_REQUEST:
        return "KeNB", message.get("SecurityKey")
    if message.kind is Kind.X2AP_HANDOVER_REQUEST:
        return "KeNB*", dict(message.get("AS-SecurityInformation"))["KeNB*"]
    if message.kind is Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE:
        return "NH", dict(message.get("SecurityContext"))["NH"]
    return None


def test_without_nds_ip_a_key_ie_is_replaced_only_by_a_key_of_its_own_kind() -> None:
    """The injection set (``hoverify.properties.verify``'s docstring): "with the backhaul
    unprotected, each backhaul message seen with one key IE replaced by another known key
    of its kind". After two X2 hops (enb-1 -> enb-2 -> enb-3) on ts33401 the network has read
    a KeNB, two KeNB* and two NH (spec section 6; the RRC and UP keys it derives from them,
    TS 33.401 A.7, are of no IE's kind): the KeNB* IE gets the other KeNB*, never a KeNB, an
    NH or a KRRCint, and the NH IE likewise only an NH (helper-230 M25: any known key was
    put into any key IE)."""
    exploration = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME,
                              adversary=Adversary(backhaul_unprotected=True))
    for cell in ("enb-2/cell-1", "enb-3/cell-1"):
        exploration.start_handover([c.name for c in exploration.neighbours()].index(cell))
        while exploration.system.in_flight:
            exploration.deliver(0)
    derived: dict[str, set[bytes]] = {}
    for d in exploration.engine.facts.derivations:
        derived.setdefault(d.name, set()).add(d.output)
    choices = [(m, key) for m in exploration.injection_choices()
               if (key := _ie_key(m)) is not None]
    for _, (kind, value) in choices:
        assert value in derived[kind], kind
    # and the set holds replacements: a message seen, another key of its kind in its key IE
    seen: dict[tuple[Kind, str, str], set[bytes]] = {}
    for m in exploration.history:
        if (key := _ie_key(m)) is not None:
            seen.setdefault((m.kind, m.sender, m.receiver), set()).add(key[1])
    assert {kind for m, (kind, value) in choices
            if value not in seen.get((m.kind, m.sender, m.receiver), {value})} == {"KeNB*", "NH"}
    exploration.close()
