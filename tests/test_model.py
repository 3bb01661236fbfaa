"""The protocol model: keys computed end to end, checked against an independent
recomputation from KASME with the crypto API and the rules of TS 33.401 7.2.8."""

from __future__ import annotations

import itertools

import pytest

from statemachines import crypto
from statemachines.messages import Kind, Message
from statemachines.scenario import Run, parse_hops, run_scenario
from statemachines.system import System
from statemachines.topology import HopType, default_topology
from statemachines.variants import BUILT_IN, load

MIXED_CHAIN = "x2,s1,s1-inter,x2,intra-enb,s1,x2,x2,s1-inter,intra-enb,x2,s1"
VARIANTS = [("tr33821-v070", None), ("seed-fs", "nas"), ("seed-fs", "alg-id"),
            ("seed-fs", "c-rnti"), ("ts33401", None)]


def recompute_ts33401(run: Run) -> list[tuple[bytes, int]]:
    """KeNB and NCC after each hop, from KASME and the target cells alone."""
    kasme = run.kasme
    kenb = crypto.derive_kenb(kasme, run.ul_nas_count)  # A.3, NCC 0
    ncc = 0
    mme_sync, mme_count = kenb, 0  # NH chain: SYNC-input is the initial KeNB (A.4)
    unused: tuple[bytes, int] | None = None  # {NH, NCC} kept by the serving eNB

    def fresh_nh() -> tuple[bytes, int]:
        nonlocal mme_sync, mme_count
        mme_sync = crypto.derive_nh(kasme, mme_sync)
        mme_count += 1
        return mme_sync, mme_count % 8

    keys = []
    for hop in run.hops:
        cell = hop.target_cell
        if hop.spec.type in (HopType.S1, HopType.S1_INTER):
            nh, ncc = fresh_nh()
            kenb = crypto.derive_kenb_star(nh, cell.pci, cell.earfcn_dl)
            unused = None
        else:
            if unused is not None:
                nh, ncc = unused
                kenb = crypto.derive_kenb_star(nh, cell.pci, cell.earfcn_dl)
            else:
                kenb = crypto.derive_kenb_star(kenb, cell.pci, cell.earfcn_dl)
            unused = fresh_nh() if hop.spec.type is HopType.X2 else None
        keys.append((kenb, ncc))
    return keys


def test_ts33401_chain_matches_independent_recomputation_through_ncc_wrap() -> None:
    run = run_scenario(load("ts33401"), parse_hops(MIXED_CHAIN), seed=3)
    expected = recompute_ts33401(run)
    assert len(run.hops) == 12
    for hop, (kenb, ncc) in zip(run.hops, expected, strict=True):
        assert hop.kenb_ue == kenb, f"hop {hop.number}"
        assert hop.kenb_enb == kenb, f"hop {hop.number}"
        assert hop.ncc == ncc, f"hop {hop.number}"
        assert hop.confirm_verified
    nccs = [hop.ncc for hop in run.hops]
    assert any(b < a for a, b in itertools.pairwise(nccs)), nccs  # NCC wrapped
    assert any(h.target_cell.earfcn_dl > 0xFFFF for h in run.hops)  # 3-octet EARFCN-DL


def test_tr33821_chain_matches_the_seed_equations() -> None:
    run = run_scenario(load("tr33821-v070"), parse_hops("x2,s1,s1-inter,intra-enb"))
    kenb = crypto.derive_kenb(run.kasme, 0)
    for hop in run.hops:
        kenb_star = crypto.kdf(kenb, 0xF0, hop.target_cell.pci.to_bytes(2, "big"))
        c_rnti = run.system.steps[hop.first_step:]
        new = next(s.outcome.read for s in c_rnti
                   if s.message.kind is Kind.RRC_HANDOVER_COMMAND and s.outcome.accepted)
        kenb = crypto.kdf(kenb_star, 0xF1, dict(new)["new C-RNTI"].to_bytes(2, "big"))
        assert hop.kenb_ue == hop.kenb_enb == kenb


@pytest.mark.parametrize(("variant", "placement"), VARIANTS)
@pytest.mark.parametrize("hops", ["x2", "s1", "s1-inter", "intra-enb", MIXED_CHAIN,
                                  "x2,x2:early,x2"])
def test_ue_and_target_agree_after_every_hop(variant: str, placement: str | None,
                                             hops: str) -> None:
    run = run_scenario(load(variant, placement), parse_hops(hops))
    for hop in run.hops:
        assert hop.confirm_verified, hop
        assert hop.kenb_ue == hop.kenb_enb, hop


def test_same_inputs_give_byte_identical_keys() -> None:
    first = run_scenario(load("ts33401"), parse_hops(MIXED_CHAIN), seed=7)
    second = run_scenario(load("ts33401"), parse_hops(MIXED_CHAIN), seed=7)
    assert [h.kenb_ue for h in first.hops] == [h.kenb_ue for h in second.hops]


def _system_with_confirm_in_flight(variant: str) -> tuple[System, int]:
    topology = default_topology()
    system = System(load(variant), topology, bytes(range(32)), 0, topology.cells[0])
    system.establish_as_security()
    system.run()
    system.start_handover(topology.cell("enb-2/cell-1"))
    while not any(m.kind is Kind.RRC_HANDOVER_CONFIRM for m in system.in_flight):
        system.deliver(0)
    index = next(i for i, m in enumerate(system.in_flight)
                 if m.kind is Kind.RRC_HANDOVER_CONFIRM)
    return system, index


@pytest.mark.parametrize("variant", list(BUILT_IN))
def test_tampered_handover_confirm_is_rejected_and_changes_nothing(variant: str) -> None:
    system, index = _system_with_confirm_in_flight(variant)
    confirm = system.in_flight[index]
    pdu = bytearray(confirm.get("PDU"))
    pdu[0] ^= 0x01
    system.rewrite(index, confirm.replace("PDU", bytes(pdu)))
    target = system.entity(confirm.receiver)
    before = target.snapshot()
    outcome = system.deliver(index)
    assert not outcome.accepted
    assert "MAC-I" in outcome.reason
    assert target.snapshot() == before


@pytest.mark.parametrize("variant", list(BUILT_IN))
def test_untampered_confirm_from_the_same_state_is_accepted(variant: str) -> None:
    system, index = _system_with_confirm_in_flight(variant)
    assert system.deliver(index).accepted


def test_message_in_the_wrong_state_is_rejected_with_a_reason() -> None:
    topology = default_topology()
    system = System(load("ts33401"), topology, bytes(32), 0, topology.cells[0])
    idle_enb = system.entity("enb-5")
    before = idle_enb.snapshot()
    ack = Message(Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE, "mme-2", "enb-5",
                  (("SecurityContext", (("NH", bytes(32)), ("NCC", 1))),))
    outcome = idle_enb.handle(ack)
    assert not outcome.accepted
    assert "not expected in state 'idle'" in outcome.reason
    assert idle_enb.snapshot() == before


def test_malformed_message_is_refused_not_a_crash() -> None:
    topology = default_topology()
    system = System(load("ts33401"), topology, bytes(32), 0, topology.cells[0])
    enb = system.entity("enb-2")
    outcome = enb.handle(Message(Kind.X2AP_HANDOVER_REQUEST, "enb-1", "enb-2", ()))
    assert not outcome.accepted and outcome.reason
    assert enb.state == "idle"


def test_every_entity_type_uses_transitions_without_auto_transitions() -> None:
    topology = default_topology()
    system = System(load("ts33401"), topology, bytes(32), 0, topology.cells[0])
    for entity in system.entities.values():
        assert not hasattr(entity, "to_connected")
        assert not entity._machine.auto_transitions


def test_every_message_records_its_interface_and_protection() -> None:
    run = run_scenario(load("seed-fs"), parse_hops("x2,s1,s1-inter,intra-enb"))
    kinds = set()
    for step in run.system.steps:
        message = step.message
        kinds.add(message.kind)
        if message.interface.value == "Uu":
            assert message.protected_by and all("KRRCint" in p or "KRRCenc" in p
                                                for p in message.protected_by), message
        elif message.interface.value != "local":
            assert message.protected_by == ("NDS/IP (TS 33.210)",)
    assert len(kinds) >= 20  # the flows use the messages of TS 23.401 5.5.1


@pytest.mark.parametrize("next_hop", [HopType.INTRA_ENB, HopType.X2])
def test_a_late_path_switch_acknowledge_is_kept_for_the_next_handover(
        next_hop: HopType) -> None:
    """TS 33.401 7.2.8.4.2: the {NH, NCC} of a Path Switch Request Acknowledge that reaches
    the eNB while it hands the UE on (intra-eNB) or while a preparation fails (X2) is kept
    for the handover after: losing it would make that one horizontal."""
    topology = default_topology()
    system = System(load("ts33401"), topology, bytes(range(32)), 0, topology.cells[0])
    system.establish_as_security()
    system.run()
    first = topology.neighbours(topology.cells[0], HopType.X2)[0]
    system.start_handover(first)
    _deliver_until(system, Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE)
    ack = system.in_flight.pop(0)
    enb = system.entity(first.enb)
    system.start_handover(topology.neighbours(first, next_hop)[0])
    _deliver_until(system, Kind.X2AP_HANDOVER_REQUEST if next_hop is HopType.X2
                   else Kind.RRC_HANDOVER_COMMAND)
    if next_hop is HopType.X2:  # the target refuses: the preparation fails
        request = system.in_flight.pop(0)
        system.in_flight.extend(system.entity(request.receiver).refuse_admission(request))
    system.in_flight.insert(0, ack)
    system.run()
    assert all(step.outcome.accepted for step in system.steps), \
        [step.outcome.reason for step in system.steps if not step.outcome.accepted]
    security = ack.get("SecurityContext")
    assert enb.ctx.keys.next_hop == (dict(security)["NH"], dict(security)["NCC"])


def _deliver_until(system: System, kind: Kind) -> None:
    """Deliver in order until a message of ``kind`` is first in flight."""
    while system.in_flight[0].kind is not kind:
        system.deliver(0)
