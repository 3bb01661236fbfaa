"""The check line of a trace whose edit of hop 1 comes late (helper-232): seed-fs (nas) X2
hops to enb-2/cell-1 and enb-1/cell-2, the second decided by enb-2 before hop 1's Path Switch
Request Acknowledge arrived (``:early``, TS 33.401 7.2.8.4.2), and enb-2 editing hop 1's
S1AP PathSwitchRequest while it is still in flight, after hop 2 started.

Either the line is one ``check`` accepts and its ``note`` says where its run differs from the
trace (``check_line``), or there is none."""

from __future__ import annotations

import pytest
from hoverify.properties.adversary import DEFAULT
from hoverify.properties.check_line import CheckHops, check_hops
from hoverify.properties.exploration import EXPLORATION_KASME, Action, Exploration
from hoverify.statemachines.messages import Kind
from hoverify.statemachines.scenario import run_scenario
from hoverify.statemachines.topology import small_topology
from hoverify.statemachines.variants import load

from hoverify.cli import build_parser
from hoverify.runs import check_evaluation

EDIT = "enb-2 rewrites field 'eNB UE S1AP ID' 1 -> 0 in S1AP PathSwitchRequest enb-2->mme-1"
HOPS = "x2@enb-2/cell-1:edit=PathSwitchRequest/eNB UE S1AP ID=0,x2@enb-1/cell-2:early"


def _late_edit(compromise_first: bool, after_confirm: bool) -> list[Action]:
    """The trace: enb-2 compromised before hop 1 (``compromise_first``) or once hop 2's
    Measurement Report is taken up (counted in hop 2); it edits hop 1's PathSwitchRequest
    then, or once hop 2's HO confirm arrived (``after_confirm``: hop 2 then runs to its end
    before hop 1's last messages, so the trace races as ``:early`` does)."""
    x = Exploration(load("seed-fs", "nas"), small_topology(), EXPLORATION_KASME)
    try:
        def start(cell: str) -> None:
            x.start_handover([c.name for c in x.neighbours()].index(cell))

        def deliver_hop(hop: int, until: Kind | None = None) -> None:
            """Deliver hop ``hop``'s messages in order, until a step of kind ``until``."""
            while (any(m.handover == hop for m in x.system.in_flight)
                   and not any(s.hop == hop and s.message.kind is until for s in x.system.steps)):
                x.deliver(next(i for i, m in enumerate(x.system.in_flight) if m.handover == hop))

        def compromise() -> None:
            x.compromise(x.adversary.targets(x.system.topology, x.system.variant).index("enb-2"))

        if compromise_first:
            compromise()
        start("enb-2/cell-1")
        deliver_hop(1, until=Kind.RRC_HANDOVER_CONFIRM)
        start("enb-1/cell-2")
        deliver_hop(2, until=Kind.RRC_HANDOVER_CONFIRM if after_confirm
                    else Kind.RRC_MEASUREMENT_REPORT)
        if not compromise_first:
            compromise()
        x.edit(*x.edit_texts()[EDIT])
        deliver_hop(2)
        deliver_hop(1)
        assert not x.system.in_flight
        return list(x.trace)
    finally:
        x.close()


def _found(trace: list[Action]) -> CheckHops:
    return check_hops(load("seed-fs", "nas"), trace, small_topology(), EXPLORATION_KASME, DEFAULT)


def _check_accepts(found: CheckHops) -> None:
    """``check`` runs the line (a line it refuses raises ``UsageError``)."""
    args = build_parser().parse_args(
        ["check", "--variant", "seed-fs", "--bit-placement", "nas", "--topology", "small",
         "--hops", ",".join(map(str, found.hops)),
         *(a for who in found.compromises for a in ("--compromise", who))])
    check_evaluation(args, lambda _: DEFAULT)


@pytest.mark.parametrize("after_confirm", [False, True])
def test_an_edit_s_editor_compromised_in_a_later_hop_is_compromised_in_the_edit_s_hop(
        after_confirm: bool) -> None:
    """Gap 1: enb-2, compromised in hop 2, edits hop 1's PathSwitchRequest. ``check`` has
    each edit made by an eNB compromised from the edit's hop or earlier, so ``enb-2@2``
    with hop 1's ``:edit=`` is a line check refuses (before: the caller fell back to enb-2@1
    with a note that the trace compromised it "after handover 1 completed", which it had
    not). The line compromises enb-2 in hop 1 and its note says why."""
    found = _found(_late_edit(compromise_first=False, after_confirm=after_confirm))
    assert (",".join(map(str, found.hops)), found.compromises) == (HOPS, ("enb-2@1",))
    _check_accepts(found)
    assert found.sooner == (("enb-2", 3 if after_confirm else 2),)
    assert found.note is not None
    trace = "after handover 2 completed" if after_confirm else "in hop 2"
    assert (f"compromises enb-2 in hop 1, not {trace} as the trace does: it edits a message "
            "of hop 1 (:edit=), and check compromises an edit's eNB from the edit's hop or "
            "earlier: a stronger attacker") in found.note, found.note
    assert "after handover 1 completed" not in found.note


@pytest.mark.parametrize("after_confirm", [False, True])
def test_an_edit_made_after_a_later_hop_s_ho_confirm_is_said(after_confirm: bool) -> None:
    """Gap 2: enb-2, compromised from hop 1, edits hop 1's PathSwitchRequest after hop 2's HO
    confirm, and the trace delivers it once hop 2 is over. ``check`` runs hop 1's messages,
    its edited one too, before hop 2 starts (``:early`` holds back the acknowledgement only):
    the note says so; made before hop 2's HO confirm, the edit is not said so."""
    found = _found(_late_edit(compromise_first=True, after_confirm=after_confirm))
    assert (",".join(map(str, found.hops)), found.compromises) == (HOPS, ("enb-2@1",))
    _check_accepts(found)
    said = ("runs hop 1's edit (:edit=) before hop 2 starts, where the trace "
            "made it after hop 2's HO confirm (RRC Connection Reconfiguration Complete, "
            "TS 36.331 5.3.5.4)")
    assert (said in (found.note or "")) == after_confirm, found.note
    assert found.edited_late == (((1, 2, 2),) if after_confirm else ())


def test_an_edit_of_the_acknowledgement_an_early_hop_holds_back_is_check_s_own() -> None:
    """ts33401: enb-2, compromised from hop 1, edits the NCC of hop 1's Path Switch Request
    Acknowledge after hop 2's HO confirm, and the trace delivers it once hop 2 is over: as
    ``:early`` holds it back (TS 33.401 7.2.8.4.2), so check makes that edit after hop 2's
    HO confirm too, the trace's own run, and the line says nothing of it."""
    x = Exploration(load("ts33401"), small_topology(), EXPLORATION_KASME)
    try:
        x.compromise(x.adversary.targets(x.system.topology, x.system.variant).index("enb-2"))
        x.start_handover([c.name for c in x.neighbours()].index("enb-2/cell-1"))
        while not any(m.kind is Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE
                      for m in x.system.in_flight):
            x.deliver(0)
        x.start_handover([c.name for c in x.neighbours()].index("enb-1/cell-2"))
        while not any(s.hop == 2 and s.message.kind is Kind.RRC_HANDOVER_CONFIRM
                      for s in x.system.steps):
            x.deliver(next(i for i, m in enumerate(x.system.in_flight) if m.handover == 2))
        x.edit(*x.edit_texts()["enb-2 rewrites field 'SecurityContext/NCC' 2 -> 3 in S1AP "
                               "PathSwitchRequestAcknowledge mme-1->enb-2"])
        while x.system.in_flight:  # hop 2's messages first: the acknowledgement is last
            x.deliver(len(x.system.in_flight) - 1 if len(x.system.in_flight) > 1 else 0)
        trace = list(x.trace)
        ran = [(s.hop, str(s.message)) for s in x.system.steps]
    finally:
        x.close()
    assert ran[-1] == (1, "S1AP PathSwitchRequestAcknowledge mme-1->enb-2")
    found = check_hops(load("ts33401"), trace, small_topology(), EXPLORATION_KASME, DEFAULT)
    assert ",".join(map(str, found.hops)) == ("x2@enb-2/cell-1:edit=PathSwitchRequestAcknowledge"
                                              "/SecurityContext/NCC=3,x2@enb-1/cell-2:early")
    assert (found.edited_late, found.note) == ((), None), found.note
    run = run_scenario(load("ts33401"), found.hops, kasme=EXPLORATION_KASME,
                       topology=small_topology())
    assert [(s.hop, str(s.message)) for s in run.system.steps][-len(ran):] == ran
