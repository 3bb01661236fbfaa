"""mme28: the MME serves the UE's next procedure while the last one's release is outstanding.

The runs of review29's finding 2 (``tests/data/mme28``, each naming its source), driven as
review29's drive.py drove them: every message in flight is delivered in order, except the
ones a run holds until it delivers them itself. What each run must show is written in its
file from the procedures (TS 23.401 5.5.1.2.2: the UE's association moves to the target eNB
at Handover Notify, step 17; the source eNB's release is a step of its own, step 19;
TS 29.274 7.3.4: the Forward Relocation Complete Acknowledge holds up nothing):
- no MME refuses any message of the run (before mme28, the MME refused the UE's
  PathSwitchRequest, HandoverRequired and ForwardRelocationRequest while it waited);
- every handover completes and no claim fails (before, a refused path switch left the next
  X2 hop horizontal and forward-security blamed a path-switch race that never happened);
- the {NH, NCC} of each S1AP HandoverRequest and Path Switch Request Acknowledge is the one
  TS 33.401 7.2.8.4.2/.3 gives: one NH further per step, NH(n) with NCC n, recomputed here
  from KASME with the test's own KDF (tests/test_model.py);
- the UE ends in the run's last cell and the MMEs in the states named.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hoverify.properties.exploration import Exploration
from hoverify.properties.explore import EXPLORATION_KASME
from hoverify.statemachines.messages import Kind, Message
from hoverify.statemachines.mme import Mme, MmeContext, MmeHandover
from hoverify.statemachines.system import UE
from hoverify.statemachines.topology import HopType, default_topology, small_topology
from hoverify.statemachines.variant import field_value
from hoverify.statemachines.variants import load
from test_model import kdf

DATA = Path(__file__).parent / "data" / "mme28"  # their sources: data/SOURCES.md
RUNS = sorted(DATA.glob("*.json"))
TOPOLOGIES = {"small": small_topology, "default": default_topology}
CARRIES_NH = (Kind.S1AP_HANDOVER_REQUEST, Kind.S1AP_PATH_SWITCH_REQUEST_ACKNOWLEDGE)


def spec_nh(ncc: int) -> bytes:
    """NH with NCC ``ncc`` (no wrap in these runs): TS 33.401 A.3, KeNB = KDF(KASME, 0x11,
    UL NAS COUNT, 4 octets), the exploration's COUNT 0, has NCC 0; A.4, NH = KDF(KASME, 0x12,
    SYNC-input), the initial KeNB for the first NH (NCC 1), then the previous NH."""
    value = kdf(EXPLORATION_KASME, 0x11, bytes(4))
    for _ in range(ncc):
        value = kdf(EXPLORATION_KASME, 0x12, value)
    return value


def _matching(in_flight: list[Message], kind: str, hop: int) -> int:
    return next(i for i, m in enumerate(in_flight) if (m.kind.name, m.handover) == (kind, hop))


def drive(doc: dict[str, Any]) -> Exploration:
    """The run's steps: ``hold`` KIND HOP, ``start`` CELL [UNTIL KIND], ``compromise`` ENB,
    ``deliver`` KIND HOP (a held one); ``start`` and ``deliver`` then deliver what is in flight,
    in order, except the held ones (until a message of kind UNTIL is delivered)."""
    x = Exploration(load(doc["variant"]), TOPOLOGIES[doc["topology"]](), EXPLORATION_KASME)
    held: set[tuple[str, int]] = set()

    def flush(until: str | None = None) -> None:
        while True:
            in_flight = x.system.in_flight
            i = next((i for i, m in enumerate(in_flight)
                      if (m.kind.name, m.handover) not in held), None)
            if i is None:
                return
            kind = in_flight[i].kind.name
            x.deliver(i)
            if kind == until:
                return

    for step, *args in doc["steps"]:
        if step == "hold":
            held.add((args[0], args[1]))
        elif step == "start":
            x.start_handover([c.name for c in x.neighbours()].index(args[0]))
            flush(*args[1:])
        elif step == "compromise":
            x.compromise(x.system.topology.enbs.index(args[0]))
        else:
            assert step == "deliver"
            held.discard((args[0], args[1]))
            x.deliver(_matching(x.system.in_flight, *args))
            flush()
    return x


@pytest.fixture(params=RUNS, ids=[path.stem for path in RUNS])
def run(request: pytest.FixtureRequest) -> Iterator[tuple[dict[str, Any], Exploration]]:
    doc = json.loads(request.param.read_text())
    x = drive(doc)
    yield doc, x
    x.close()


def test_no_mme_refuses_and_no_claim_fails(run: tuple[dict[str, Any], Exploration]) -> None:
    doc, x = run
    refused = [(s.message.kind.title, s.message.sender, s.outcome.reason)
               for s in x.system.steps
               if s.message.receiver.startswith("mme") and not s.outcome.accepted]
    assert refused == []
    assert [(f.claim, f.detail) for f in x.findings() if f.promised] == []
    # situ38: a compromised X2 source derives KeNB* from its own KeNB (TS 33.401 7.2.8.4.2),
    # so fake-cell-capture (not promised) fails with no edit, as check's search says it
    assert all(f.claim == "fake-cell-capture"
               and re.match(r"no edit of hop \d+ needed: ", f.detail)
               for f in x.findings()), [f.detail for f in x.findings()]
    assert not x.system.in_flight  # nothing left hanging
    assert x.system.entity(UE).ctx.cell == doc["expect"]["cell"]
    assert {name: x.system.entity(name).state
            for name in doc["expect"]["states"]} == doc["expect"]["states"]


def test_nh_ncc_of_each_step_is_the_spec_s(run: tuple[dict[str, Any], Exploration]) -> None:
    doc, x = run
    sent = [step.message.get("SecurityContext") for step in x.system.steps
            if step.message.kind in CARRIES_NH]
    expected = doc["expect"]["ncc"]
    assert [field_value(s, "NCC") for s in sent] == expected
    assert [field_value(s, "NH") for s in sent] == [spec_nh(ncc) for ncc in expected]


# -- sender checks (review29 finding 3, the MME's side) ------------------------------------------
def _mme(state: str, ctx: MmeContext) -> Mme:
    mme = Mme("mme-1", load("ts33401"), small_topology(), ctx)
    mme.state = state
    return mme


@pytest.mark.parametrize(("kind", "state", "ctx", "peer"), [
    # TS 36.413 8.4.3: Handover Notify comes from the target eNB of the handover
    (Kind.S1AP_HANDOVER_NOTIFY, "ho-executing", "s1", "enb-3"),
    # TS 36.413 8.3.3: a UE Context Release Complete answers a Command this MME sent
    (Kind.S1AP_UE_CONTEXT_RELEASE_COMPLETE, "connected", "releasing", "enb-1"),
    # TS 29.274 7.3.1, 7.3.3, 7.3.4: S10 responses and notifications from the peer MME
    (Kind.GTP_FORWARD_RELOCATION_RESPONSE, "ho-preparing", "s1-inter", "mme-2"),
    (Kind.GTP_FORWARD_RELOCATION_COMPLETE_NOTIFICATION, "ho-executing", "s1-inter", "mme-2"),
    (Kind.GTP_FORWARD_RELOCATION_COMPLETE_ACKNOWLEDGE, "connected", "completing", "mme-2"),
])
def test_only_the_peer_of_the_procedure_is_heard(kind: Kind, state: str, ctx: str,
                                                 peer: str) -> None:
    contexts = {
        "s1": MmeContext(serving_enb="enb-1", handover=MmeHandover(
            HopType.S1, "both", "enb-1", "enb-3", "enb-3/cell-1", source_enb_ue_s1ap_id=1)),
        "s1-inter": MmeContext(serving_enb="enb-1", handover=MmeHandover(
            HopType.S1_INTER, "source", "enb-1", "enb-4", "enb-4/cell-1", peer_mme="mme-2",
            source_enb_ue_s1ap_id=1)),
        "releasing": MmeContext(serving_enb="enb-3", releasing=(("enb-1", 1),)),
        "completing": MmeContext(serving_enb="enb-3", completing=("mme-2",)),
    }
    fields = {Kind.GTP_FORWARD_RELOCATION_RESPONSE: (("container", b""), ("for UE", ())),
              # 9.1.4.7: the Complete names the released context, enb-1's eNB UE S1AP ID 1
              Kind.S1AP_UE_CONTEXT_RELEASE_COMPLETE: (("eNB UE S1AP ID", 1),)}.get(kind, ())
    stranger = "enb-2" if peer.startswith("enb") else "mme-3"
    mme = _mme(state, contexts[ctx])
    before = mme.snapshot()
    refused = mme.handle(Message(kind, stranger, "mme-1", fields))
    assert not refused.accepted and mme.snapshot() == before
    assert mme.handle(Message(kind, peer, "mme-1", fields)).accepted
    mme.close()
