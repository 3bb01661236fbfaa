"""model35: the remaining UE-associated S1AP messages name their UE context.

Written from the specs, each test quoting its clause:
- TS 36.413 9.1.5.2 / 9.1.5.3: HANDOVER COMMAND and HANDOVER PREPARATION FAILURE carry the
  MME UE S1AP ID and the eNB UE S1AP ID (the model's MME holds one UE: it names the eNB UE
  S1AP ID only), the one of the HANDOVER REQUIRED they answer (9.1.5.1); 3.1: "the eNB
  identifies the associated UE based on the eNB UE S1AP ID IE".
- TS 36.413 9.1.4.7: UE CONTEXT RELEASE COMPLETE carries the UE S1AP IDs of the context
  released; the MME's release it answers (8.3.3) is that one.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hoverify.statemachines.enb import ENB_UE_S1AP_IDS, X2AP_IDS, EnbContext
from hoverify.statemachines.messages import Kind, Message
from hoverify.statemachines.mme import MmeContext
from hoverify.statemachines.system import UE, System
from hoverify.statemachines.topology import Cell, HopType, small_topology
from hoverify.statemachines.variants import load
from test_mme_releases import _mme, drive
from test_model import _deliver_until

ID = "eNB UE S1AP ID"


def _system() -> System:
    topology = small_topology()
    system = System(load("ts33401"), topology, bytes(range(32)), 0, topology.cells[0])
    system.establish_as_security()
    system.run()
    return system


def _target(system: System, hop: HopType) -> Cell:
    return system.topology.neighbours(system.topology.cells[0], hop)[0]


def _command(system: System) -> Message:
    _deliver_until(system, Kind.S1AP_HANDOVER_COMMAND)
    return system.in_flight.pop(0)


def _failure(system: System) -> Message:
    """The target refuses admission (TS 36.413 8.4.2.3): the MME answers the source with
    HANDOVER PREPARATION FAILURE (8.4.1.3)."""
    _deliver_until(system, Kind.S1AP_HANDOVER_REQUEST)
    request = system.in_flight.pop(0)
    system.in_flight.extend(system.entity(request.receiver).refuse_admission(request).sent)
    _deliver_until(system, Kind.S1AP_HANDOVER_PREPARATION_FAILURE)
    return system.in_flight.pop(0)


ANSWERS: dict[str, Callable[[System], Message]] = {"command": _command, "failure": _failure}


@pytest.mark.parametrize("hop", [HopType.S1, HopType.S1_INTER])
@pytest.mark.parametrize("answer", ANSWERS)
def test_the_mme_answers_naming_the_context_of_the_handover_required(hop: HopType,
                                                                    answer: str) -> None:
    """TS 36.413 9.1.5.2, 9.1.5.3: the MME's answer carries the eNB UE S1AP ID, that of the
    source eNB's HANDOVER REQUIRED (9.1.5.1): through the source MME on S1 and on
    s1-inter alike."""
    system = _system()
    system.start_handover(_target(system, hop))
    message = ANSWERS[answer](system)
    required = next(s.message for s in system.steps
                    if s.message.kind is Kind.S1AP_HANDOVER_REQUIRED)
    assert required.get(ID) is not None
    assert message.get(ID) == required.get(ID)
    system.close()


@pytest.mark.parametrize("answer", ANSWERS)
def test_the_source_takes_an_answer_only_for_the_context_that_is_preparing(
        answer: str) -> None:
    """TS 36.413 3.1: "the eNB identifies the associated UE based on the eNB UE S1AP ID IE";
    an answer naming another UE association is none of the preparation's (10.6: an AP ID
    unknown to the node): refused, and nothing changes; the answer naming it is taken."""
    system = _system()
    system.start_handover(_target(system, HopType.S1))
    message = ANSWERS[answer](system)
    source = system.entity(message.receiver)
    before = source.snapshot()
    outcome = source.handle(message.replace(ID, (message.get(ID) + 1) % ENB_UE_S1AP_IDS))
    assert not outcome.accepted and "names no UE context here" in outcome.reason
    assert source.snapshot() == before
    assert source.handle(message).accepted
    system.close()


def test_a_late_handover_command_of_an_earlier_stay_is_refused() -> None:
    """docs/limits.md's case: hop 1 (s1, enb-1 -> enb-3) has its HANDOVER COMMAND delivered
    again later (a copy: a replay on an unprotected backhaul); the UE comes back to enb-1
    (s1), which admits it into a new context, a new UE association with an eNB UE S1AP ID of
    its own (TS 36.413 8.6.2.1), and prepares an S1 handover again. Hop 1's command names
    the context enb-1 dropped (9.1.5.2, 3.1): refused, and nothing changes."""
    system = _system()
    enb_1 = system.topology.cells[0]
    system.start_handover(_target(system, HopType.S1))
    stale = _command(system)
    system.in_flight.insert(0, stale)
    system.run()
    system.start_handover(enb_1)  # back to enb-1/cell-1 (s1)
    system.run()
    assert system.entity(UE).ctx.cell == enb_1.name
    system.start_handover(_target(system, HopType.S1))
    current = _command(system)
    source = system.entity(enb_1.enb)
    assert source.state == "ho-preparing"
    assert stale.get(ID) != current.get(ID)
    before = source.snapshot()
    outcome = source.handle(stale)
    assert not outcome.accepted and source.snapshot() == before
    assert source.handle(current).accepted
    system.close()


# TS 36.413 8.3.3, 9.1.4.7: the Complete names the released context; the MME's outstanding
# releases are its transactions, one per UE CONTEXT RELEASE COMMAND sent, each for one UE
# association (eNB, eNB UE S1AP ID).
RELEASE_COMPLETES = [
    # outstanding, the Complete's sender and eNB UE S1AP ID, accepted, outstanding after
    ((("enb-1", 1),), "enb-1", 1, True, ()),
    ((("enb-1", 1),), "enb-1", 2, False, (("enb-1", 1),)),  # names no release sent
    ((("enb-1", 1),), "enb-2", 1, False, (("enb-1", 1),)),  # nor does another eNB's
    ((("enb-1", 1), ("enb-1", 2)), "enb-1", 2, True, (("enb-1", 1),)),  # exactly the one
    ((("enb-1", 1), ("enb-3", 1)), "enb-3", 1, True, (("enb-1", 1),)),
]


@pytest.mark.parametrize(("outstanding", "sender", "enb_ue_s1ap_id", "accepted", "after"),
                         RELEASE_COMPLETES)
def test_a_release_complete_ends_the_release_it_answers(
        outstanding: tuple[tuple[str, int], ...], sender: str, enb_ue_s1ap_id: int,
        accepted: bool, after: tuple[tuple[str, int], ...]) -> None:
    mme = _mme("connected", MmeContext(serving_enb="enb-2", releasing=outstanding))
    outcome = mme.handle(Message(Kind.S1AP_UE_CONTEXT_RELEASE_COMPLETE, sender, "mme-1",
                                 ((ID, enb_ue_s1ap_id),)))
    assert outcome.accepted == accepted
    assert mme.ctx.releasing == after
    mme.close()


def test_the_source_completes_naming_the_context_it_released() -> None:
    """TS 36.413 9.1.4.6 / 9.1.4.7: the release and its Complete name the same UE
    association, the source's of HANDOVER REQUIRED (9.1.5.1)."""
    x = drive({"variant": "ts33401", "topology": "small", "steps": [["start", "enb-3/cell-1"]]})
    named = [s.message.get(ID) for kind in (Kind.S1AP_HANDOVER_REQUIRED,
                                            Kind.S1AP_UE_CONTEXT_RELEASE_COMMAND,
                                            Kind.S1AP_UE_CONTEXT_RELEASE_COMPLETE)
             for s in x.system.steps if s.message.kind is kind]
    assert len(named) == 3 and named[0] is not None and len(set(named)) == 1, named
    x.close()


@pytest.mark.parametrize(("allocate", "ids"), [
    # TS 36.413 9.2.3.4: eNB UE S1AP ID, INTEGER (0..2^24-1)
    (lambda next_id: (lambda c: (c.enb_ue_s1ap_id, c.next_enb_ue_s1ap_id))(
        EnbContext(1, next_enb_ue_s1ap_id=next_id).new_s1_association()), ENB_UE_S1AP_IDS),
    # TS 36.423 9.2.24: eNB UE X2AP ID, INTEGER (0..4095)
    (lambda next_id: (lambda c, x2ap_id: (x2ap_id, c.next_x2ap_id))(
        *EnbContext(1, next_x2ap_id=next_id).allocated_x2ap_id()), X2AP_IDS),
], ids=["eNB UE S1AP ID", "eNB UE X2AP ID"])
def test_an_enb_allocates_its_ue_ids_in_turn_within_the_ie_range(
        allocate: Callable[[int], tuple[int, int]], ids: int) -> None:
    assert ids in (1 << 24, 4096)
    assert allocate(7) == (7, 8)
    assert allocate(ids - 1) == (ids - 1, 0)  # the largest value, then the range wraps
